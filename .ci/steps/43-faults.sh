#!/bin/bash
# Fault injection (tests/fault): every allocation and every syscall libmio
# makes is failed in turn through four scenarios; `make check` runs the
# same walk silently, this step prints how many faults it injected.
# ci-after: check
# ci-seconds: 5
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
cd "$BUILD/tests"
make check_fault >/dev/null
out=$(CK_VERBOSITY=normal ./check_fault 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -E '^fault injection:'
total=$(echo "$out" | sed -n 's/.*, \([0-9]*\) faults injected.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
[ "$total" -gt 0 ] || { echo "no faults injected"; exit 1; }
echo "== faults: $total faults injected, every one surfaced as its errno with no fd or allocation leaked"
