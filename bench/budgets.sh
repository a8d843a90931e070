#!/bin/bash
# budgets.sh - instruction budgets: every row of bench/budgets.txt measured
# with callgrind and held to its budget, +3%.
#
#   bench/budgets.sh TOP_BUILDDIR [BUDGET_FILE]     (make budgets runs it)
#
# A row is one line of the budget file:
#
#   NAME  SYSTEM  BASE  WORKLOAD  BUDGET  REASON...
#
# and says: callgrind instructions of SYSTEM per unit of WORKLOAD, divided
# by BASE's in the same run, must not exceed BUDGET by more than 3%.  A
# unit is one W1 round trip (w1) or one W2 iteration (w2, about 95
# events per wait); each figure is (Ir at 2N - Ir at N) / N, so start-up
# and exit cancel and the result is exact and repeatable (callgrind counts
# instructions; machine load does not enter).  Systems:
#
#   epoll, libmio, libmio-copy, libmio-raw, libmio-lto, libmio-raw-lto
#                     the C programs of bench/ (bench_epoll, bench_mio,
#                     bench_mio_raw_lto, ...)
#   py:NAME           bench/bindings/pingpong.py NAME (selectors, mio, ...)
#   lua:NAME          bench/bindings/pingpong.lua NAME (luv, mio, ...)
#
# so a row for a new loop is one line, once the program knows the loop.
# A row that cannot be measured (a binding not built, luv missing) fails,
# unless BUDGETS_ALLOW_SKIP=1 (a local build without the bindings).
#
# Printed: one line per row with both figures, the ratio, the budget, the
# limit and PASS/FAIL; exit 1 if any row is over its limit or missing.
# BUDGETS_N (2000) sets N for the C rows, BUDGETS_N_SCRIPT (1000) for the
# scripted ones.
set -u
set -f  # the command lines below hold a Lua path with '?' in it
top=$(cd "${1:?usage: budgets.sh TOP_BUILDDIR [BUDGET_FILE]}" && pwd) || exit 2
here=$(cd "$(dirname "$0")" && pwd)
file=${2:-$here/budgets.txt}
[ -f "$file" ] || { echo "budgets: no $file" >&2; exit 2; }
B=$top/bench
N=${BUDGETS_N:-2000}
NS=${BUDGETS_N_SCRIPT:-1000}
SLACK=1.03
valgrind=$(command -v valgrind) || { echo "budgets: valgrind is needed" >&2; exit 2; }
# A fixed name, the first of /tmp/mio-budgets.00 .. .99 that is free: the
# scripted rows run from here, and their counts depend on its length and
# even its characters (below).
T=
for k in $(seq -w 0 99); do
	if mkdir -m 700 "/tmp/mio-budgets.$k" 2>/dev/null; then T=/tmp/mio-budgets.$k; break; fi
done
[ -n "$T" ] || { echo "budgets: no free /tmp/mio-budgets.NN" >&2; exit 2; }
trap 'rm -rf "$T"' EXIT

backend=$(sed -n 's/^#define MIO_BACKEND_\([A-Z]*\) 1$/\1/p' "$top/config.h" | tr A-Z a-z)
if [ "$backend" != epoll ]; then
	# The budgets are epoll's: W1 through the poll(2) backend is another loop.
	echo "budgets: $top is a $backend build; the budgets are measured on epoll builds"
	exit 77
fi

libs=$top/lib/.libs
pymod=$top/bindings/python
py=
for cand in /usr/bin/python3 "$(sed -n 's/^PYTHON = //p' "$pymod/Makefile" 2>/dev/null)"; do
	[ -n "$cand" ] || continue
	# The interpreter itself, not a wrapper (pyenv's shims need an
	# environment, and the rows run in an empty one).
	if real=$(PYTHONPATH=$pymod:$pymod/.libs LD_LIBRARY_PATH=$libs "$cand" -c \
		'import sys, mio; print(sys.executable)' 2>/dev/null) && [ -x "$real" ]; then
		py=$real
		break
	fi
done
# The Lua rows run on LUA (configure's newest Lua, 5.4 here), with the
# module built for its C ABI (bindings/lua/luaX.Y/, since the module is
# built for every Lua).
lua=$(sed -n 's/^LUA = //p' "$top/bindings/lua/Makefile" 2>/dev/null)
luaso=$top/bindings/lua/lua$(sed -n 's/^LUA_ABI = //p' "$top/bindings/lua/Makefile" 2>/dev/null)/.libs/mio.so
[ -f "$luaso" ] || lua=

# cmd SYSTEM WORKLOAD COUNT: sets run_env (VAR=value words) and run_cmd
# (the program and its arguments) for one run, or says why not on fd 3.
cmd() {
	local s=$1 w=$2 n=$3 prog
	run_env=()
	case $s in
	py:*)
		[ -n "$py" ] || { echo "the Python module is not built or not importable" >&3; return 1; }
		[ "$w" = w1 ] || { echo "scripted systems run w1 only" >&3; return 1; }
		# PYTHONPYCACHEPREFIX: the binding's mio.py compiled by this
		# interpreter, not a __pycache__ that another Python 3.11 wrote
		# (its bytecode moved the row by 4%).
		run_env=("${fixed[@]}" "PYTHONPATH=$R/p:$R/q" PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0
			 "PYTHONPYCACHEPREFIX=$R/c")
		run_cmd=("$py" pingpong.py "${s#py:}" "$n") ;;
	lua:*)
		[ -n "$lua" ] || { echo "the Lua module is not built" >&3; return 1; }
		[ "$w" = w1 ] || { echo "scripted systems run w1 only" >&3; return 1; }
		if [ "${s#lua:}" = luv ] && ! "$lua" -e 'require "luv"' 2>/dev/null; then
			echo "luv is not loadable by $lua (Debian: lua-luv)" >&3; return 1
		fi
		run_env=("${fixed[@]}" "LUA_CPATH=$R/l/?.so;;")
		run_cmd=("$lua" pingpong.lua "${s#lua:}" "$n") ;;
	*)
		case $s in
		epoll) prog=$B/bench_epoll ;;
		libmio) prog=$B/bench_mio ;;
		libmio-*) prog=$B/bench_mio_$(echo "${s#libmio-}" | tr - _) ;;
		*) echo "unknown system '$s'" >&3; return 1 ;;
		esac
		[ -x "$prog" ] || { echo "$prog not built (make -C bench budgets builds it)" >&3; return 1; }
		if [ "$w" = w1 ]; then run_cmd=("$prog" w1 "$n"); else run_cmd=("$prog" w2 1000 "$n"); fi ;;
	esac
}

# The scripted rows must count the same on every machine, and an
# interpreter's count depends on more than its program: Lua 5.4 seeds its
# string hash with time(2) and with addresses, one of them on the stack,
# whose place depends on the size of the environment and arguments (and
# the count moves with the length of the working directory, too).  So
# they run with time(2) fixed (fixedtime.c), in an empty environment but
# for their paths, from $R (a fixed-length name) holding copies of the
# scripts and links to the build's modules and library: the same sizes
# everywhere.  Python gets PYTHONHASHSEED=0 as well.  (Measured: 33 more
# bytes of environment moved the Lua row by 0.5%, a longer working
# directory by 0.8%, a different second by up to 7%.)
R=$T/r
mkdir -p "$R"
ln -s "$libs/libmio.so.1" "$R/libmio.so.1"
ln -s "$pymod" "$R/p" && ln -s "$pymod/.libs" "$R/q"
# (The Lua module in a directory of its own: Python would import a mio.so
# next to pingpong.py.)
mkdir "$R/l"
[ -f "$luaso" ] && ln -s "$luaso" "$R/l/mio.so"
cp "$here/bindings/pingpong.py" "$here/bindings/pingpong.lua" "$R/" 2>/dev/null
cp "$B/libfixedtime.so" "$R/t.so" 2>/dev/null ||
	{ echo "budgets: $B/libfixedtime.so missing (make -C bench budgets builds it)" >&2; exit 2; }
fixed=(-i "LD_LIBRARY_PATH=$R" "LD_PRELOAD=$R/t.so")

# cg OUT SYSTEM WORKLOAD COUNT: total instructions of one run.
cg() {
	local out=$1
	cmd "$2" "$3" "$4" 3>"$T/why" || return 1
	# From $R, where the scripted rows' copies are (see above).
	(cd "$R" && env "${run_env[@]}" "$valgrind" --tool=callgrind \
		--callgrind-out-file="$out" "${run_cmd[@]}" >/dev/null 2>"$T/cg.err") ||
		{ echo "failed under callgrind: $(grep -v '^==' "$T/cg.err" | tail -1)" >"$T/why"; return 1; }
	sed -n 's/^summary: *//p' "$out"
}

# ir SYSTEM WORKLOAD: instructions per unit, cached per (system, workload).
ir() {
	local s=$1 w=$2 key n a b
	key=$(echo "$s.$w" | tr ':/' '__')
	if [ -f "$T/$key.ir" ]; then cat "$T/$key.ir"; return 0; fi
	case $s in py:* | lua:*) n=$NS ;; *) if [ "$w" = w1 ]; then n=$N; else n=100; fi ;; esac
	a=$(cg "$T/$key.1" "$s" "$w" "$n") && b=$(cg "$T/$key.2" "$s" "$w" $((2 * n))) ||
		{ cp "$T/why" "$T/$key.why"; return 1; }
	if [ -z "$a" ] || [ -z "$b" ] || [ "$b" -le "$a" ]; then
		echo "no instructions counted ($a, $b)" >"$T/$key.why"; return 1
	fi
	awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN { printf "%.1f\n", (b - a) / n }' | tee "$T/$key.ir"
}

start=$(date +%s)
fails=0 rows=0
fmt='%-14s %-14s %-13s %-3s %9s %9s %7s %7s %7s  %s\n'
printf "$fmt" row system base wl "Ir" "Ir base" ratio budget limit status
while read -r name system base workload budget reason; do
	case $name in '' | '#'*) continue ;; esac
	rows=$((rows + 1))
	if ! x=$(ir "$system" "$workload") || ! y=$(ir "$base" "$workload"); then
		k1=$(echo "$system.$workload" | tr ':/' '__'); k2=$(echo "$base.$workload" | tr ':/' '__')
		why=$(cat "$T/$k1.why" "$T/$k2.why" 2>/dev/null | head -1)
		if [ "${BUDGETS_ALLOW_SKIP:-0}" = 1 ]; then
			printf "$fmt" "$name" "$system" "$base" "$workload" - - - "$budget" - "SKIP ($why)"
		else
			printf "$fmt" "$name" "$system" "$base" "$workload" - - - "$budget" - "FAIL ($why)"
			fails=$((fails + 1))
		fi
		continue
	fi
	line=$(awk -v x="$x" -v y="$y" -v b="$budget" -v s="$SLACK" 'BEGIN {
		r = x / y; l = b * s
		printf "%.3f %.3f %s", r, l, (r <= l ? "PASS" : "FAIL")
	}')
	set -- $line
	printf "$fmt" "$name" "$system" "$base" "$workload" "$x" "$y" "$1" "$budget" "$2" "$3"
	[ "$3" = PASS ] || fails=$((fails + 1))
done <"$file"
echo "budgets: $rows rows, $fails over budget or not measured (limit: budget x $SLACK;" \
	"callgrind Ir per unit, N=$N C / $NS scripts; $(( $(date +%s) - start ))s)"
[ $rows -gt 0 ] && [ $fails -eq 0 ]
