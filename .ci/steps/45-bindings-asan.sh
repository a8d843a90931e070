#!/bin/bash
# 45-bindings-asan.sh - the scripting bindings under AddressSanitizer and
# valgrind (issue 12: "no script can crash, corrupt or hang libmio").
#
#  1. A build of libmio and both modules with -fsanitize=address,undefined
#     (configure --enable-sanitizers, so the library, the binding support
#     code and the SWIG wrappers are all instrumented), for Debian's
#     /usr/bin/python3 (python3-hypothesis is for that interpreter).  The
#     interpreters are not instrumented: libasan is LD_PRELOADed so that it
#     comes first; PYTHONMALLOC=malloc so Python objects go through ASan's
#     allocator too.  detect_leaks=0: the interpreters' own allocations at
#     exit are not ours (valgrind below counts definite leaks instead);
#     allocator_may_return_null=1: the drivers ask for 2^62 bytes on
#     purpose and expect ENOMEM, not an ASan abort.
#     Then the Hypothesis driver (bindings/python/tests/test_stateful.py) and
#     the Lua sequence driver (bindings/lua/test_random.lua), each for a
#     bounded time, printing sequences, calls and seconds.  Lua: 5.4 only
#     here (--with-lua=5.4); make check runs the Lua suite on every Lua.
#  2. A plain build (same interpreter) and every bindings/python/tests/test_*.py
#     and bindings/lua/test_*.lua under valgrind memcheck: zero errors,
#     zero definite leaks.  test_leak.* are left out there (100,000 cycles
#     each: an hour under valgrind; they measure their own leaks natively
#     in `make check`), the drivers run in their quick mode.
#
# Budget (env): MIO_ASAN_PY_SECONDS, MIO_ASAN_LUA_SECONDS (default 60 each).
# ci-seconds: 285
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
start=$(date +%s)
PY=/usr/bin/python3
PY_SECONDS=${MIO_ASAN_PY_SECONDS:-60}
LUA_SECONDS=${MIO_ASAN_LUA_SECONDS:-60}
LUA=$(command -v lua5.4)

build() {   # dir, configure args...
	local dir=$1; shift
	echo "== bindings-asan: configure $dir $*"
	mkdir -p "$dir"
	(cd "$dir" && "$SRCDIR/configure" PYTHON=$PY --enable-python --enable-lua --with-lua=5.4 "$@" \
		>configure.out 2>&1) || { tail -30 "$dir/configure.out"; exit 1; }
	make -C "$dir" -j2 >"$dir/make.out" 2>&1 || { tail -40 "$dir/make.out"; exit 1; }
}

py_env() {   # dir
	export PYTHONPATH="$1/bindings/python"   # holds the package mio/, as installed
	export LD_LIBRARY_PATH="$1/lib/.libs"
	export LUA_CPATH="$1/bindings/lua/lua5.4/.libs/?.so;;"
	export PYTHONDONTWRITEBYTECODE=1 top_srcdir=$SRCDIR
}

# MIO_BINDINGS_PARTS (default "asan valgrind") runs one part alone.
PARTS=${MIO_BINDINGS_PARTS:-asan valgrind}

# ---- 1. ASan + UBSan -----------------------------------------------------
if [[ " $PARTS " == *" asan "* ]]; then
asan=$SRCDIR/_build/bindings-asan
build "$asan" --enable-sanitizers=address,undefined
libasan=$(gcc -print-file-name=libasan.so.8)
[ -f "$libasan" ] || { echo "no libasan.so.8 ($libasan)"; exit 1; }
(
	py_env "$asan"
	export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=0:exitcode=66
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=67
	export PYTHONMALLOC=malloc
	echo "== bindings-asan: Hypothesis driver under ASan+UBSan, ${PY_SECONDS}s"
	LD_PRELOAD=$libasan MIO_HYPOTHESIS_SECONDS=$PY_SECONDS MIO_HYPOTHESIS_EXAMPLES=8 \
		MIO_HYPOTHESIS_STEPS=60 $PY "$SRCDIR/bindings/python/tests/test_stateful.py" \
		>"$asan/stateful.log" 2>&1 || { tail -60 "$asan/stateful.log"; exit 1; }
	grep '^test_stateful.py:' "$asan/stateful.log"
	echo "== bindings-asan: Lua driver under ASan+UBSan, ${LUA_SECONDS}s"
	LD_PRELOAD=$libasan MIO_RANDOM_SECONDS=$LUA_SECONDS MIO_RANDOM_SEQUENCES=1000000 \
		"$LUA" "$SRCDIR/bindings/lua/test_random.lua" \
		>"$asan/random.log" 2>&1 || { tail -60 "$asan/random.log"; exit 1; }
	grep '^test_random.lua:' "$asan/random.log"
	if grep -lE '(AddressSanitizer|runtime error):' "$asan"/stateful.log "$asan"/random.log; then
		echo "sanitizer reports in the logs above"; exit 1
	fi
)

fi

# ---- 2. valgrind ----------------------------------------------------------
status=0
if [[ " $PARTS " == *" valgrind "* ]]; then
vg=$SRCDIR/_build/bindings-vg
build "$vg"
supp=$vg/bindings.supp
# Suppressions: interpreter-internal noise only, each with its reason.
cat >"$supp" <<'SUPP'
# SWIG 4.1's generated runtime, not our code: at interpreter exit
# SWIG_Python_DestroyModule calls SWIG_globals(), which lazily creates the
# cvar varlink object (24 bytes) it then never frees.  Once per process.
{
   swig-4.1-DestroyModule-creates-globals-varlink
   Memcheck:Leak
   match-leak-kinds: definite
   fun:malloc
   fun:_PyObject_New
   ...
   fun:SWIG_Python_DestroyModule
}
SUPP
vg_run() {   # name, log, command...
	local name=$1 log=$2 t0=$SECONDS; shift 2
	if valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --error-exitcode=99 --track-fds=no \
		--child-silent-after-fork=yes --suppressions="$supp" "$@" >"$log" 2>&1; then
		echo "   ok: $name, $(( SECONDS - t0 ))s, no errors, no definite leaks"
	else
		echo "FAIL: $name under valgrind (exit $?)"; tail -60 "$log"; status=1
	fi
}
(
	py_env "$vg"
	export PYTHONMALLOC=malloc
	# the drivers' quick mode, smaller still: valgrind is ~30x slower
	export MIO_HYPOTHESIS_EXAMPLES=6 MIO_HYPOTHESIS_STEPS=30
	export MIO_RANDOM_SEQUENCES=20 MIO_RANDOM_SECONDS=60
	cd "$SRCDIR/bindings/python/tests"
	for t in test_*.py; do
		# test_leak.py: 100,000 cycles and an RSS check (valgrind finds leaks
		# in the others at a fraction of the cost);
		# test_selector_cpython.py is step 46's driver, not a test.
		case $t in test_leak.py|test_selector_cpython.py) continue ;; esac
		echo "== valgrind: python $t"
		vg_run "$t" "$vg/$t.vg.log" $PY "$t"
	done
	cd "$SRCDIR/bindings/lua"
	for t in test_*.lua; do
		case $t in test_leak.lua) continue ;; esac
		echo "== valgrind: lua $t"
		vg_run "$t" "$vg/$t.vg.log" "$LUA" "$t"
	done
	exit $status
) || status=1
fi
[ $status -eq 0 ] && echo "== bindings-asan: ASan drivers and valgrind suites clean, $(( $(date +%s) - start ))s"
exit $status
