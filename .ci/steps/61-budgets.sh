#!/bin/bash
# 61-budgets.sh - instruction budgets (bench/budgets.txt): every row
# measured with callgrind (deterministic: instructions, not time) and
# held to its budget + 3%; any row over it, or not measurable, fails the
# step.  Rows: the 1.0 loop, the 1.1 copy and the 1.2 one-call wait
# through libmio.so (W1, and W2 at ~95 events per wait), the static LTO
# builds, and the Python and Lua W1 loops, each as a ratio to raw epoll
# (C) or to stdlib selectors / luv (scripts).  Raising a budget is a
# reviewed change: the budget file says why for each row.
#
# Uses the default build of test-all ($BUILD, configured with the
# bindings) when it is there, else configures its own.  Expected: about
# 60 s (the bench programs, then 20 callgrind runs).
# ci-after: check
# ci-seconds: 120
set -euo pipefail
: "${SRCDIR:?}"
start=$(date +%s)
B=${BUILD:-}
if [ -z "$B" ] || [ ! -f "$B/config.status" ]; then
	B=$SRCDIR/_build/budgets
	echo "budgets: configuring $B"
	rm -rf "$B"
	mkdir -p "$B"
	(cd "$B" && "$SRCDIR/configure" >configure.log 2>&1) || { tail -30 "$B/configure.log"; exit 1; }
	make -C "$B" -j2 >"$B/make.log" 2>&1 || { tail -30 "$B/make.log"; exit 1; }
fi
grep -q '^#define MIO_BACKEND_EPOLL 1' "$B/config.h" ||
	{ echo "budgets: $B is not an epoll build; the budgets are epoll's"; exit 1; }
# The bindings the scripted rows load (built by make; made sure of here).
make -C "$B" -j2 >/dev/null
echo "budgets: measuring ($B)"
make -C "$B/bench" budgets
echo "budgets: passed in $(( $(date +%s) - start ))s"
