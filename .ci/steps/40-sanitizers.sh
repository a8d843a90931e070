#!/bin/bash
# The C test suites (tests/ and bindings/common/) under AddressSanitizer + UndefinedBehaviorSanitizer
# (LeakSanitizer included: Check's forked children exit normally, so a
# leak fails the test that made it), then under ThreadSanitizer.
# Each in its own build dir; every report is fatal (-fno-sanitize-recover).
# ci-seconds: 160
set -euo pipefail
: "${SRCDIR:?}"
start=$(date +%s)

# The C test programs of a build dir: its check_PROGRAMS, without the
# scripts (ABI, ctypes) that do not run sanitized code or, for Python,
# cannot load an ASan library into an unsanitized interpreter.
c_tests() {
	make -s -C "$1/tests" -f Makefile -f - print-check-programs <<'MK'
print-check-programs:
	@echo $(check_PROGRAMS)
MK
}

run_suite() {   # name, build dir, configure args...
	local name=$1 dir=$2; shift 2
	echo "== sanitizers: $name: configure $*"
	mkdir -p "$dir"
	(cd "$dir" && "$SRCDIR/configure" --disable-python --disable-lua "$@" >configure.out 2>&1) ||
		{ tail -30 "$dir/configure.out"; exit 1; }
	make -C "$dir" -j2 >"$dir/make.out" 2>&1 || { tail -40 "$dir/make.out"; exit 1; }
	local tests
	tests=$(c_tests "$dir")
	echo "== sanitizers: $name: make check TESTS='$tests'"
	if ! make -C "$dir/tests" -j2 check TESTS="$tests" >"$dir/check.out" 2>&1; then
		grep -E '^(PASS|FAIL|ERROR)' "$dir/check.out" || true
		for t in $tests; do
			grep -qE '^(FAIL|ERROR)' "$dir/tests/$t.log" 2>/dev/null || continue
			echo "---- $t.log"; grep -vE '^(PASS|Running)' "$dir/tests/$t.log" | tail -60
		done
		exit 1
	fi
	grep -E '^(PASS|FAIL|ERROR|SKIP)' "$dir/check.out"
	# The bindings' C support code (bindings/common: object life cycles,
	# scratch buffer, address conversions) has its own Check suite.
	echo "== sanitizers: $name: make -C bindings/common check"
	if ! make -C "$dir/bindings/common" check >"$dir/check-binding.out" 2>&1; then
		grep -E '^(PASS|FAIL|ERROR)' "$dir/check-binding.out" || true
		grep -vE '^(PASS|Running)' "$dir/bindings/common/check_binding.log" | tail -60
		exit 1
	fi
	grep -E '^(PASS|FAIL|ERROR|SKIP)' "$dir/check-binding.out"
	# A sanitizer report that somehow did not fail a test still fails us.
	if grep -lE '(AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error):' \
		"$dir"/tests/*.log "$dir"/bindings/common/*.log 2>/dev/null; then
		echo "sanitizer reports in the logs above"; exit 1
	fi
}

export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite "address,undefined" "$SRCDIR/_build/asan" --enable-sanitizers=address,undefined

# TSan needs the test binaries to be position-independent (gcc's default
# on Debian) and sees races between Check's forked children only within
# each child, which is what the threaded tests need.
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
run_suite "thread" "$SRCDIR/_build/tsan" --enable-sanitizers=thread

echo "== sanitizers: ASan+UBSan+LSan and TSan clean, $(( $(date +%s) - start ))s"
