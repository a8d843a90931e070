#!/bin/bash
# 60-bench-smoke.sh - build every benchmark program (raw epoll, libmio
# shared and LTO, libev, libevent, libuv, and Rust mio when cargo and
# Debian's crate sources are installed: then a broken Rust build fails
# this step) and run each system on each workload for a few iterations,
# checking the result lines and that libmio allocates nothing in the W1
# steady state.  No timing is judged here; `make bench` measures.
# ci-seconds: 35
set -euo pipefail
: "${SRCDIR:?}"
B=$SRCDIR/_build/bench-smoke
start=$(date +%s)
echo "bench smoke: configuring $B"
rm -rf "$B"
mkdir -p "$B"
cd "$B"
"$SRCDIR/configure" --disable-python --disable-lua >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
echo "bench smoke: building libmio and the bench programs"
make -j2 -C lib >make-lib.log 2>&1 || { tail -30 make-lib.log; exit 1; }
if ! make -C bench bench-programs >make-bench.log 2>&1; then
	tail -40 make-bench.log
	echo "bench smoke: build FAILED"
	exit 1
fi
grep -E 'warning|note:' make-bench.log || true
echo "bench smoke: running each system briefly"
bash "$SRCDIR/bench/run.sh" --smoke bench
bash "$SRCDIR/bench/reuseport/run.sh" --smoke bench
echo "bench smoke: passed in $(( $(date +%s) - start ))s"
