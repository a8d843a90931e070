#!/bin/bash
# Every C test program of the default build under valgrind memcheck, in
# one process (CK_FORK=no, so valgrind sees the tests themselves): any
# memory error or definite leak fails.  Runs the real binaries through
# libtool so they find the uninstalled libmio.
# ci-after: check
# ci-seconds: 125
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
start=$(date +%s)
cd "$BUILD/tests"
tests=$(make -s -f Makefile -f - print-check-programs <<'MK'
print-check-programs:
	@echo $(check_PROGRAMS)
MK
)
make -j2 $tests >/dev/null
# check_alloc counts malloc calls by interposing malloc; under valgrind
# its counts are valgrind's, not libc's, so it runs only natively.
# check_dlopen loads the library by path, as `make check` tells it.
# CK_TIMEOUT_MULTIPLIER: the suites' own 30 s limits, at valgrind's pace
# (check_fork's eight children each end with a leak check of their own).
export MIO_LIBRARY="$BUILD/lib/.libs/libmio.so.1"
# Suppressions: test artefacts only, each with its reason.
supp=$BUILD/tests/c-tests.supp
cat >"$supp" <<'SUPP'
# check_fork's children: fork() copies only the forking thread, and the
# handles the parent's churn thread held in registers or on its stack
# at that moment are "definitely lost" in the child, where that thread
# does not exist.  The parent frees them; so would the child's thread.
{
   check_fork-child-inherits-churn-thread-handles
   Memcheck:Leak
   match-leak-kinds: definite
   ...
   fun:churn_main
}
SUPP
status=0
for t in $tests; do
	[ "$t" = check_alloc ] && continue
	echo "== valgrind: $t"
	log="$BUILD/tests/$t.valgrind.log"
	rc=0
	CK_FORK=no CK_DEFAULT_TIMEOUT=600 CK_TIMEOUT_MULTIPLIER=10 ../libtool --mode=execute \
		valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --error-exitcode=99 --track-fds=no \
		--child-silent-after-fork=yes --suppressions="$supp" "./$t" >"$log" 2>&1 || rc=$?
	case $rc in
	0)  grep -E '^[0-9]+%: Checks' "$log" || true ;;
	77) # automake's skip status (time64_*: a 64-bit time_t target)
	    echo "SKIP: $t: $(grep -m1 'SKIP' "$log" || tail -1 "$log")" ;;
	*)  echo "FAIL: $t under valgrind (exit $rc)"; tail -80 "$log"; status=1 ;;
	esac
done
[ $status -eq 0 ] && echo "== valgrind: no errors, no definite leaks, $(( $(date +%s) - start ))s"
exit $status
