#!/bin/bash
# Binding ping-pong (W1) against a configured and built tree:
#   bench/bindings/run.sh BUILD_DIR [ROUND_TRIPS [RUNS]]
#   bench/bindings/run.sh --smoke BUILD_DIR      a few hundred round trips, no callgrind
# Each system is the loop its documentation teaches (see pingpong.py /
# pingpong.lua), measured on every interpreter the build has, next to its
# peer on the same interpreter:
#   py       the build tree's Python module: stdlib selectors (the base),
#            Poll.wait (the 1.2 idiom), Poll.poll + Event objects (1.1),
#            uvloop;
#   venv     the same Python with the package pip installs: the sdist
#            (make -C bindings/python sdist) into a fresh venv, offline
#            (bindings/python/venv-install.sh, as CI's 47-packaging does),
#            built against this tree's libmio; selectors, wait, mio;
#   lua5.X, luajit   every Lua the module is built for (configure's
#            MIO_LUA_RUNS): luv (the base, where Debian's lua-luv loads),
#            events:token (the 1.2 idiom), events:get(i):token() (1.1).
# Printed per system: wall time (median of RUNS runs, systems interleaved
# so machine load falls on all alike) and callgrind instructions per round
# trip ((Ir at 2N - Ir at N) / N, so interpreter start-up cancels), each
# as a ratio to its group's base; then whether every interpreter's mio
# idiom is below its peer.  A system that is not installed or not built
# is skipped with the reason.  Measured on epoll builds only (the loops
# rely on "new data, new edge" to keep 6 syscalls per round trip).
set -u
smoke=0
[ "${1:-}" = --smoke ] && { smoke=1; shift; }
build=$(cd "${1:?usage: run.sh [--smoke] BUILD_DIR [ROUND_TRIPS [RUNS]]}" && pwd) || exit 1
n=${2:-100000}
runs=${3:-5}
cg_n=${BENCH_CG_N:-2000}
[ $smoke = 1 ] && { n=500; runs=1; }
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
libs=$build/lib/.libs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rc=0

backend=$(sed -n 's/^#define MIO_BACKEND_\([A-Z]*\) 1$/\1/p' "$build/config.h" | tr A-Z a-z)
if [ "$backend" != epoll ]; then
	echo "bindings bench: $build is a $backend build; the W1 loops are measured on epoll only"
	exit 0
fi

groups=()                # in table order
declare -A base systems  # group -> its base system, its systems

# Python: the interpreter that has uvloop (Debian's python3-uvloop is for
# /usr/bin/python3) and can load the built module, else the build's own.
# The module is built for CPython 3.x's ABI, shared by both 3.11s here.
pymod=$build/bindings/python
pybuild=$(sed -n 's/^PYTHON = //p' "$pymod/Makefile" 2>/dev/null)
py=
if ls "$pymod"/mio/_mio*.so >/dev/null 2>&1; then
	for cand in /usr/bin/python3 "$pybuild"; do
		[ -x "$cand" ] || command -v "$cand" >/dev/null || continue
		if PYTHONPATH=$pymod LD_LIBRARY_PATH=$libs "$cand" -c 'import mio' 2>/dev/null; then
			py=$(PYTHONPATH=$pymod LD_LIBRARY_PATH=$libs "$cand" -c 'import sys; print(sys.executable)')
			break
		fi
	done
fi
if [ -n "$py" ]; then
	groups+=(py)
	base[py]=selectors
	systems[py]="selectors wait mio"
	if "$py" -c 'import uvloop' 2>/dev/null; then
		systems[py]="${systems[py]} uvloop"
	else
		echo "uvloop: not importable by $py (Debian: python3-uvloop), skipped"
	fi
	# The venv: the sdist, built against this tree's libmio (a mio.pc
	# that describes the build tree, as check-sdist.sh does).
	venv=
	if [ $smoke = 0 ]; then
		mkdir -p "$T/pc"
		cat >"$T/pc/mio.pc" <<-EOF
		libdir=$libs
		Name: mio
		Description: libmio, the build tree
		Version: $(sed -n 's/^PACKAGE_VERSION = //p' "$build/Makefile")
		Cflags: -I$build/include
		Libs: -L\${libdir} -lmio
		EOF
		if ! make -s -C "$pymod" sdist >"$T/sdist.log" 2>&1; then
			echo "venv: make -C bindings/python sdist failed, skipped ($(tail -1 "$T/sdist.log"))"
		elif ! sh "$src/bindings/python/venv-install.sh" "$py" "$T/venv" "$(ls "$pymod"/sdist/*.tar.gz)" \
			"$T/pc" >"$T/venv.log" 2>&1; then
			echo "venv: the sdist did not install into a venv of $py, skipped ($(tail -1 "$T/venv.log"))"
		else
			venv=$T/venv/bin/python
			groups+=(venv)
			base[venv]=selectors
			systems[venv]="selectors wait mio"
		fi
	fi
else
	echo "python: module not built or not loadable, skipped"
fi

# Lua: every interpreter the module is built for (name:program:ABI).
declare -A luabin luamod
for r in $(sed -n 's/^MIO_LUA_RUNS = //p' "$build/bindings/lua/Makefile" 2>/dev/null); do
	name=${r%%:*} abi=${r##*:} prog=${r#*:}
	prog=${prog%:*}
	if [ ! -f "$build/bindings/lua/lua$abi/.libs/mio.so" ]; then
		echo "$name: module not built, skipped"
		continue
	fi
	groups+=("$name")
	luabin[$name]=$prog
	luamod[$name]=$build/bindings/lua/lua$abi/.libs
	if "$prog" -e 'require "luv"' 2>/dev/null; then
		base[$name]=luv
		systems[$name]="luv token mio"
	else
		echo "luv: not loadable by $prog (Debian: lua-luv), $name without its peer"
		base[$name]=token
		systems[$name]="token mio"
	fi
done
[ ${#groups[@]} -gt 0 ] || { echo "bindings bench: nothing built"; exit 0; }

run_one() {  # group system n [wrapper...]: prints elapsed ns
	local g=$1 sys=$2 count=$3
	shift 3
	case $g in
	py) PYTHONPATH=$pymod LD_LIBRARY_PATH=$libs PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 \
		"$@" "$py" "$here/pingpong.py" "$sys" "$count" ;;
	venv) env -u PYTHONPATH LD_LIBRARY_PATH=$libs PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0 \
		"$@" "$venv" "$here/pingpong.py" "$sys" "$count" ;;
	*) LUA_CPATH="${luamod[$g]}/?.so;;" LD_LIBRARY_PATH=$libs \
		"$@" "${luabin[$g]}" "$here/pingpong.lua" "$sys" "$count" ;;
	esac
}

# Wall time: RUNS rounds, each system once per round (interleaved).
for ((r = 0; r < runs; r++)); do
	for g in "${groups[@]}"; do
		for s in ${systems[$g]}; do
			run_one "$g" "$s" "$n" >>"$T/$g-$s.wall" || { echo "$g $s FAILED"; rc=1; }
		done
	done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

# Instructions: callgrind at cg_n and 2*cg_n round trips.
ir() {  # group system -> Ir per round trip
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
verdict=()
for g in "${groups[@]}"; do
	b=${base[$g]}
	base_ns=$(( $(median "$T/$g-$b.wall") / n ))
	base_ir=0
	[ $have_cg = 1 ] && base_ir=$(ir "$g" "$b")
	for s in ${systems[$g]}; do
		ns=$(( $(median "$T/$g-$s.wall") / n ))
		if [ "$s" = "$b" ]; then ir_v=$base_ir; elif [ $have_cg = 1 ]; then ir_v=$(ir "$g" "$s"); else ir_v=0; fi
		awk -v name="$g $s" -v ns="$ns" -v bns="$base_ns" -v ir="$ir_v" -v bir="$base_ir" 'BEGIN {
			printf "%-18s %11.0f %9d %6.2fx | %9s %7s\n", name, (ns ? 1e9 / ns : 0), ns,
				(bns ? ns / bns : 0), (ir ? ir : "-"), (ir && bir ? sprintf("%.2fx", ir / bir) : "-") }'
		# The documented idiom against its peer on the same interpreter.
		if [ "$s" != "$b" ] && { [ "$s" = wait ] || [ "$s" = token ]; } && [ "$b" != token ]; then
			if [ $have_cg = 1 ] && [ "$ir_v" -gt 0 ] && [ "$base_ir" -gt 0 ]; then
				verdict+=("$(awk -v g="$g" -v s="$s" -v b="$b" -v x="$ir_v" -v y="$base_ir" 'BEGIN {
					printf "%s %s %.2fx %s: %s", g, s, x / y, b, (x < y ? "faster" : "SLOWER") }')")
			fi
		fi
	done
done
echo "(64-byte messages over a Unix socketpair, one thread; wall: median of $runs x $n round trips;"
echo " Ir: callgrind user-space instructions per round trip, (Ir at $((2 * cg_n)) - Ir at $cg_n) / $cg_n;"
echo " py: $py, build tree; venv: the same Python, the sdist pip installed in a venv;"
echo " lua: every interpreter the module is built for; x: ratio to the first row of its group)"
if [ ${#verdict[@]} -gt 0 ]; then
	echo "per interpreter, the 1.2 idiom's instructions against its peer (targets: py wait <= 0.45x, lua token <= 0.60x):"
	printf '  %s\n' "${verdict[@]}"
	printf '%s\n' "${verdict[@]}" | grep -q SLOWER && { echo "an interpreter is SLOWER than its peer"; rc=1; }
fi
exit $rc
