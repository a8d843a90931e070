#!/bin/bash
# 20-poll-backend.sh - the whole test suite on the other backend and waker.
#
#  1. --with-backend=poll --with-waker=pipe (mio's
#     mio_unsupported_force_poll_poll + mio_unsupported_force_waker_pipe):
#     the portable backend, edges emulated over poll(2).
#  2. --with-waker=pipe on the default epoll backend: the pipe waker under
#     edge triggering (it must drain and retry when the pipe is full).
#  3. The poll build's C suites again under ThreadSanitizer: its locking
#     (a waiter holding the selector across poll(2), re-arms from other
#     threads) is where a race would hide; 40-sanitizers.sh covers epoll.
#
# Each gets its own build dir under $SRCDIR/_build, make -j2 and
# make -j2 check.  Then: no test may be skipped on the poll build that is
# not skipped on epoll too (a test that quietly skips itself on one
# backend would hide a difference the API promises not to have).
# ci-after: check
# ci-seconds: 390
set -euo pipefail
: "${SRCDIR:?}"
start=$(date +%s)

build_and_check() {   # name, configure args...
	local name=$1 dir=$SRCDIR/_build/$1; shift
	echo "== $name: configure $*"
	mkdir -p "$dir"
	(cd "$dir" && "$SRCDIR/configure" "$@" >configure.out 2>&1) ||
		{ tail -30 "$dir/configure.out"; exit 1; }
	grep -E '^ +(backend|waker):' "$dir/configure.out"
	echo "== $name: make -j2"
	make -C "$dir" -j2 >"$dir/make.out" 2>&1 || { tail -40 "$dir/make.out"; exit 1; }
	echo "== $name: make -j2 check"
	# -k: one failing directory must not hide the results of the others.
	if ! make -C "$dir" -k -j2 check >"$dir/check.out" 2>&1; then
		grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$dir/check.out" || tail -40 "$dir/check.out"
		find "$dir" -name '*.log' ! -name 'test-suite.log' -newer "$dir/make.out" \
			-exec grep -lE '^(FAIL|ERROR)' {} + 2>/dev/null |
			while read -r f; do echo "---- ${f#"$dir"/}"; grep -vE '^(PASS|Running)' "$f" | tail -60; done
		echo "== $name: FAILED"
		exit 1
	fi
	grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$dir/check.out"
	grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$dir/check.out" |
		awk '{ n[$2] += $3 } END { printf "== '"$name"': total %d, pass %d, skip %d, fail %d, error %d\n", n["TOTAL:"], n["PASS:"], n["SKIP:"], n["FAIL:"], n["ERROR:"] }'
}

# The tests a build skipped, by path relative to its build dir.
skipped() {
	(cd "$1" && grep -rl --include='*.trs' '^:test-result: SKIP' . 2>/dev/null | sort) || true
}

build_and_check poll --with-backend=poll --with-waker=pipe
build_and_check epoll-pipe --with-waker=pipe

tsan=$SRCDIR/_build/poll-tsan
echo "== poll-tsan: configure --with-backend=poll --with-waker=pipe --enable-sanitizers=thread"
mkdir -p "$tsan"
(cd "$tsan" && "$SRCDIR/configure" --with-backend=poll --with-waker=pipe \
	--enable-sanitizers=thread --disable-python --disable-lua >configure.out 2>&1) ||
	{ tail -30 "$tsan/configure.out"; exit 1; }
make -C "$tsan/lib" -j2 >"$tsan/make.out" 2>&1 &&
	make -C "$tsan/tests" -j2 check_mio >>"$tsan/make.out" 2>&1 ||
	{ tail -40 "$tsan/make.out"; exit 1; }
echo "== poll-tsan: tests/check_mio"
if ! (cd "$tsan/tests" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	./check_mio >check_mio.out 2>&1); then
	grep -vE '^(Running| [a-z_]+$)' "$tsan/tests/check_mio.out" | tail -80
	echo "== poll-tsan: FAILED"
	exit 1
fi
tail -1 "$tsan/tests/check_mio.out"

poll_skips=$(skipped "$SRCDIR/_build/poll")
ref_dir=${BUILD:-$SRCDIR/_build/epoll-pipe}
[ -d "$ref_dir" ] || ref_dir=$SRCDIR/_build/epoll-pipe
ref_skips=$( { skipped "$ref_dir"; skipped "$SRCDIR/_build/epoll-pipe"; } | sort -u)
only_poll=$(comm -23 <(echo "$poll_skips") <(echo "$ref_skips") | sed '/^$/d')
if [ -n "$only_poll" ]; then
	echo "== skipped on the poll build only:"
	echo "$only_poll"
	exit 1
fi
echo "== poll backend: skips $(echo "$poll_skips" | sed '/^$/d' | wc -l), none that epoll does not skip"
echo "== poll backend and pipe waker: all tests passed, $(( $(date +%s) - start ))s"
