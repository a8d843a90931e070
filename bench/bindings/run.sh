#!/bin/bash
# Binding ping-pong (W1) against a configured and built tree:
#   bench/bindings/run.sh BUILD_DIR [ROUND_TRIPS [RUNS]]
#   bench/bindings/run.sh --smoke BUILD_DIR      a few hundred round trips, no callgrind
# Python: stdlib selectors, the mio binding, uvloop.  Lua: luv, the mio
# binding.  Each system is the loop its documentation teaches (see
# pingpong.py / pingpong.lua).  Printed per system: wall time (median of
# RUNS runs, systems interleaved so machine load falls on all alike) and
# callgrind instructions per round trip ((Ir at 2N - Ir at N) / N, so
# interpreter start-up cancels), each next to its peer: Python rows as a
# ratio to selectors, Lua rows to luv.  A system that is not installed or
# not built is skipped with the reason.  Measured on epoll builds only (the
# loops rely on "new data, new edge" to keep 6 syscalls per round trip).
set -u
smoke=0
[ "${1:-}" = --smoke ] && { smoke=1; shift; }
build=$(cd "${1:?usage: run.sh [--smoke] BUILD_DIR [ROUND_TRIPS [RUNS]]}" && pwd) || exit 1
n=${2:-100000}
runs=${3:-5}
cg_n=${BENCH_CG_N:-2000}
[ $smoke = 1 ] && { n=500; runs=1; }
here=$(cd "$(dirname "$0")" && pwd)
libs=$build/lib/.libs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rc=0

backend=$(sed -n 's/^#define MIO_BACKEND_\([A-Z]*\) 1$/\1/p' "$build/config.h" | tr A-Z a-z)
if [ "$backend" != epoll ]; then
	echo "bindings bench: $build is a $backend build; the W1 loops are measured on epoll only"
	exit 0
fi

# Python: the interpreter that has uvloop (Debian's python3-uvloop is for
# /usr/bin/python3) and can load the built module, else the build's own.
# The module is built for CPython 3.x's ABI, shared by both 3.11s here.
pymod=$build/bindings/python
pybuild=$(sed -n 's/^PYTHON = //p' "$pymod/Makefile" 2>/dev/null)
py=
systems_py=
if ls "$pymod"/mio/_mio*.so >/dev/null 2>&1; then
	for cand in /usr/bin/python3 "$pybuild"; do
		[ -x "$cand" ] || command -v "$cand" >/dev/null || continue
		if PYTHONPATH=$pymod LD_LIBRARY_PATH=$libs "$cand" -c 'import mio' 2>/dev/null; then
			py=$cand
			break
		fi
	done
fi
if [ -n "$py" ]; then
	systems_py="selectors mio"
	if "$py" -c 'import uvloop' 2>/dev/null; then
		systems_py="$systems_py uvloop"
	else
		echo "uvloop: not importable by $py (Debian: python3-uvloop), skipped"
	fi
else
	echo "python: module not built or not loadable, skipped"
fi
# Lua: the newest interpreter the build has (LUA, LUA_ABI in its Makefile).
lua=$(sed -n 's/^LUA = //p' "$build/bindings/lua/Makefile" 2>/dev/null)
luamod=$build/bindings/lua/lua$(sed -n 's/^LUA_ABI = //p' "$build/bindings/lua/Makefile" 2>/dev/null)/.libs
systems_lua=
if [ -n "$lua" ] && [ -f "$luamod/mio.so" ]; then
	systems_lua="mio"
	if "$lua" -e 'require "luv"' 2>/dev/null; then
		systems_lua="luv mio"
	else
		echo "luv: not loadable by $lua (Debian: lua-luv), skipped"
	fi
else
	echo "lua: module not built, skipped"
fi

run_one() {  # lang system n [wrapper...]: prints elapsed ns
	local lang=$1 sys=$2 count=$3
	shift 3
	if [ "$lang" = py ]; then
		PYTHONPATH=$pymod LD_LIBRARY_PATH=$libs PYTHONDONTWRITEBYTECODE=1 \
			"$@" "$py" "$here/pingpong.py" "$sys" "$count"
	else
		LUA_CPATH="$luamod/?.so;;" LD_LIBRARY_PATH=$libs \
			"$@" "$lua" "$here/pingpong.lua" "$sys" "$count"
	fi
}

# Wall time: RUNS rounds, each system once per round (interleaved).
for ((r = 0; r < runs; r++)); do
	for s in $systems_py; do
		run_one py "$s" "$n" >>"$T/py-$s.wall" || { echo "py $s FAILED"; rc=1; }
	done
	for s in $systems_lua; do
		run_one lua "$s" "$n" >>"$T/lua-$s.wall" || { echo "lua $s FAILED"; rc=1; }
	done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

# Instructions: callgrind at cg_n and 2*cg_n round trips.
ir() {  # lang system -> Ir per round trip
	local a b
	for k in 1 2; do
		run_one "$1" "$2" $((cg_n * k)) valgrind --tool=callgrind \
			--callgrind-out-file="$T/cg.$1.$2.$k" >/dev/null 2>"$T/cg.err" ||
			{ echo "callgrind $1 $2 FAILED" >&2; tail -5 "$T/cg.err" >&2; echo 0; return; }
	done
	a=$(sed -n 's/^summary: //p' "$T/cg.$1.$2.1")
	b=$(sed -n 's/^summary: //p' "$T/cg.$1.$2.2")
	echo $(( (b - a) / cg_n ))
}
have_cg=0
[ $smoke = 0 ] && command -v valgrind >/dev/null && have_cg=1

printf '%-18s %11s %9s %7s | %9s %7s\n' "W1 ping-pong" "trips/s" "ns/trip" "x" "Ir/trip" "x"
printf '%-18s %11s %9s %7s | %9s %7s\n' "------------------" "-----------" "---------" "-------" "---------" "-------"
table() {  # lang base systems...
	local lang=$1 base=$2
	shift 2
	local base_ns base_ir ns ir_v
	base_ns=$(median "$T/$lang-$base.wall")
	base_ir=0
	[ $have_cg = 1 ] && base_ir=$(ir "$lang" "$base")
	for s in "$@"; do
		ns=$(median "$T/$lang-$s.wall")
		ns=$(( ns / n ))
		if [ "$s" = "$base" ]; then ir_v=$base_ir; elif [ $have_cg = 1 ]; then ir_v=$(ir "$lang" "$s"); else ir_v=0; fi
		awk -v name="$lang $s" -v ns="$ns" -v bns="$(( base_ns / n ))" -v ir="$ir_v" -v bir="$base_ir" 'BEGIN {
			printf "%-18s %11.0f %9d %6.2fx | %9s %7s\n", name, (ns ? 1e9 / ns : 0), ns,
				(bns ? ns / bns : 0), (ir ? ir : "-"), (ir && bir ? sprintf("%.2fx", ir / bir) : "-") }'
	done
}
[ -n "$systems_py" ] && table py selectors $systems_py
[ -n "$systems_lua" ] && table lua "${systems_lua%% *}" $systems_lua
echo "(64-byte messages over a Unix socketpair, one thread; wall: median of $runs x $n round trips;"
echo " Ir: callgrind user-space instructions per round trip, (Ir at $((2 * cg_n)) - Ir at $cg_n) / $cg_n;"
echo " python: $py, lua: ${lua:-none}; x: ratio to the first row of its language)"
exit $rc
