#!/bin/bash
# 45-bindings-asan.sh - the scripting bindings under AddressSanitizer and
# valgrind (issue 12: "no script can crash, corrupt or hang libmio";
# issue 19: the drivers sweep the whole inventory with hostile values).
#
#  1. A build of libmio and both modules with -fsanitize=address,undefined
#     (configure --enable-sanitizers, so the library, the binding support
#     code and the SWIG wrappers are all instrumented), for Debian's
#     /usr/bin/python3 (python3-hypothesis is for that interpreter) and
#     for Lua 5.4 and 5.1 (whose module LuaJIT loads too).  The
#     interpreters are not instrumented: libasan is LD_PRELOADed so that it
#     comes first; PYTHONMALLOC=malloc so Python objects go through ASan's
#     allocator too.  detect_leaks=0: the interpreters' own allocations at
#     exit are not ours (valgrind below counts definite leaks instead);
#     allocator_may_return_null=1: the drivers ask for 2^62 bytes on
#     purpose and expect ENOMEM, not an ASan abort.
#     Then the Hypothesis driver (bindings/python/tests/test_stateful.py)
#     and the Lua driver (bindings/lua/test_random.lua) under lua5.4,
#     lua5.1 and luajit, each for a bounded time after replaying its seed
#     corpus (bindings/*/seeds.txt), and a table of sequences, binding
#     calls and seconds per driver and interpreter.
#  2. A plain build (same interpreter, Lua 5.4) and every
#     bindings/python/tests/test_*.py and bindings/lua/test_*.lua under
#     valgrind memcheck: zero errors, zero definite leaks.  test_leak.* are
#     left out there (100,000 cycles each: an hour under valgrind; they
#     measure their own leaks natively in `make check`), the drivers run in
#     their quick mode, smaller still.
#
# Budget (env): MIO_ASAN_PY_SECONDS (default 45), MIO_ASAN_LUA_SECONDS
# (default 20 per Lua interpreter), MIO_ASAN_LUAS (default
# "lua5.4 lua5.1 luajit").  Measured on 2 cores shared with 3-5 other
# builds (load 5-9): 816 s, of which ASan build 191, drivers 116 (their
# budgets), valgrind build 50 and suites 459; the builds and suites at
# about a third of a core each, so some 350 s on CI's 2 cores.
# ci-seconds: 350
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
start=$(date +%s)
PY=/usr/bin/python3
PY_SECONDS=${MIO_ASAN_PY_SECONDS:-45}
LUA_SECONDS=${MIO_ASAN_LUA_SECONDS:-20}
# test_random.lua's hugeevents action (Events(178956971), the epoll limit:
# 2 GB) costs 90% of the Lua driver's time under ASan, which poisons the
# shadow of all of it at free, and under valgrind; make check runs it on
# every Lua.  The sweep and everything else run here.
LUA_SKIP=hugeevents
ASAN_LUAS=${MIO_ASAN_LUAS:-lua5.4 lua5.1 luajit}
LUA=$(command -v lua5.4)

build() {   # dir, configure args...
	local dir=$1; shift
	echo "== bindings-asan: configure $dir $*"
	mkdir -p "$dir"
	rm -f "$dir/make.out"
	(cd "$dir" && "$SRCDIR/configure" PYTHON=$PY --enable-python --enable-lua "$@" \
		>configure.out 2>&1) || { tail -30 "$dir/configure.out"; exit 1; }
	# the library and the modules only (not the examples, tests, bench)
	local d
	for d in lib bindings/common bindings/python bindings/lua; do
		make -C "$dir/$d" -j2 >>"$dir/make.out" 2>&1 || { tail -40 "$dir/make.out"; exit 1; }
	done
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
t0=$(date +%s)
build "$asan" --with-lua=5.4,5.1 --enable-sanitizers=address,undefined
echo "== bindings-asan: ASan build $(( $(date +%s) - t0 ))s"
libasan=$(gcc -print-file-name=libasan.so.8)
[ -f "$libasan" ] || { echo "no libasan.so.8 ($libasan)"; exit 1; }
table=$asan/drivers.tsv
: >"$table"
(
	py_env "$asan"
	export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=0:exitcode=66
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=67
	export PYTHONMALLOC=malloc
	now() { date +%s.%N; }
	secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
	echo "== bindings-asan: Hypothesis driver under ASan+UBSan, ${PY_SECONDS}s"
	t=$(now)
	LD_PRELOAD=$libasan MIO_HYPOTHESIS_SECONDS=$PY_SECONDS MIO_HYPOTHESIS_EXAMPLES=8 \
		MIO_HYPOTHESIS_STEPS=60 $PY "$SRCDIR/bindings/python/tests/test_stateful.py" \
		>"$asan/stateful.log" 2>&1 || { tail -60 "$asan/stateful.log"; exit 1; }
	grep '^test_stateful.py:' "$asan/stateful.log"
	# test_stateful.py: N sequences, N binding calls, ...
	sed -n 's/^test_stateful.py: \([0-9]*\) sequences, \([0-9]*\) binding calls.*/\1\t\2/p' \
		"$asan/stateful.log" | tail -1 | awk -v s="$(secs "$t")" -v py="$($PY -c 'import sys; print("python%d.%d" % sys.version_info[:2])')" \
		-F'\t' '{ printf "test_stateful.py\t%s\t%s\t%s\t-\t%s\n", py, $1, $2, s }' >>"$table"
	for lua in $ASAN_LUAS; do
		path=$(command -v "$lua") || { echo "no $lua"; exit 1; }
		abi=${lua#lua}
		[ "$lua" = luajit ] && abi=5.1
		echo "== bindings-asan: Lua driver under ASan+UBSan, $lua, ${LUA_SECONDS}s"
		t=$(now)
		LD_PRELOAD=$libasan LUA_CPATH="$asan/bindings/lua/lua$abi/.libs/?.so" \
			MIO_RANDOM_SECONDS=$LUA_SECONDS MIO_RANDOM_SEQUENCES=1000000 MIO_RANDOM_SKIP=$LUA_SKIP \
			"$path" "$SRCDIR/bindings/lua/test_random.lua" \
			>"$asan/random-$lua.log" 2>&1 || { tail -60 "$asan/random-$lua.log"; exit 1; }
		grep '^test_random.lua:' "$asan/random-$lua.log"
		# test_random.lua: N sequences, N binding calls (N of them the inventory sweep's), ...
		sed -n 's/^test_random.lua: \([0-9]*\) sequences, \([0-9]*\) binding calls (\([0-9]*\) of them.*/\1\t\2\t\3/p' \
			"$asan/random-$lua.log" | tail -1 | awk -v s="$(secs "$t")" -v l="$lua" \
			-F'\t' '{ printf "test_random.lua\t%s\t%s\t%s\t%s\t%s\n", l, $1, $2, $3, s }' >>"$table"
	done
	if grep -lE '(AddressSanitizer|runtime error):' "$asan"/stateful.log "$asan"/random-*.log; then
		echo "sanitizer reports in the logs above"; exit 1
	fi
	echo "== bindings-asan: the drivers under ASan+UBSan (sequences include the corpus replays)"
	awk -F'\t' 'BEGIN { printf "  %-17s %-10s %10s %12s %12s %8s\n", "driver", "under", "sequences", "calls", "sweep calls", "seconds" }
		{ printf "  %-17s %-10s %10s %12s %12s %8s\n", $1, $2, $3, $4, $5, $6 }' "$table"
)

fi

# ---- 2. valgrind ----------------------------------------------------------
status=0
if [[ " $PARTS " == *" valgrind "* ]]; then
vg=$SRCDIR/_build/bindings-vg
t0=$(date +%s)
build "$vg" --with-lua=5.4
echo "== bindings-asan: valgrind build $(( $(date +%s) - t0 ))s"
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
	export MIO_HYPOTHESIS_EXAMPLES=6 MIO_HYPOTHESIS_STEPS=30 MIO_STATEFUL_REPLAY=0
	# (the corpus seeds replay under ASan, above; here 10 fresh Lua
	# sequences, each with its inventory sweeps)
	export MIO_RANDOM_SEQUENCES=10 MIO_RANDOM_SECONDS=60 MIO_RANDOM_REPLAY=0 MIO_RANDOM_SKIP=$LUA_SKIP
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
