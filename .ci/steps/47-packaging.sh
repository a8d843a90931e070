#!/bin/bash
# 47-packaging.sh - the Python and Lua modules as pip and LuaRocks users
# install them, and every interpreter's test suite in one table (issue 20).
#
#  1. libmio (the C library only) configured, built and installed into
#     $W/prefix: the "installed libmio" pip and LuaRocks build against.
#  2. Python, for Debian's /usr/bin/python3 and for the python3 on PATH
#     when it is another one (CI: a pyenv build): a fresh `python3 -m venv`
#     (no system site-packages), then `pip install --no-index
#     --no-build-isolation` of the sdist from `make -C bindings/python
#     sdist`, with PKG_CONFIG_PATH naming the prefix.  Without build
#     isolation the venv must hold the build backend already: setuptools
#     is the one each venv's ensurepip installed (Debian's venv: Debian's
#     setuptools 66 from /usr/share/python-wheels; pyenv's: CPython's own
#     bundled 65.5; Debian's setuptools wheel cannot serve the pyenv
#     interpreter: it is patched for Debian's distutils and fails with
#     "AttributeError: install_layout"), and wheel, which neither brings
#     and setuptools < 70.1 needs to build a wheel, is Debian's pure-Python
#     wheel 0.38 (pip --no-index --find-links /usr/share/python-wheels).
#     The suite then runs from an empty directory with no PYTHONPATH: mio
#     must be the venv's (checked first), and `mypy --strict` checks
#     examples/python/*.py against the venv's package
#     (--python-executable, no MYPYPATH), plus one program that must fail
#     to type-check (proof that the stub, not Any, was used).
#  3. Lua: the rock source from `make -C bindings/lua rock`, unpacked
#     afresh for each Lua, `luarocks --lua-version=5.X --tree=$W/rocks
#     make` (Debian's luarocks, offline, MIO_DIR=$W/prefix) for 5.1, 5.2,
#     5.3 and 5.4; LuaJIT loads the 5.1 rock.
#  4. The suites: Python (build tree, venv Debian, venv pyenv) and Lua
#     5.1/5.2/5.3/5.4/LuaJIT (luarocks), each a job of its own,
#     MIO_PKG_JOBS (default 3) at a time, MIO_LEAK_CYCLES=20000 (the full
#     100000 are make check's); the Lua build-tree rows are read from make
#     check's logs (test-driver.sh's result lines) where it ran, else run
#     here.  Then the table: interpreter, where the module came from, test
#     files passed/failed/skipped, seconds.
# Any failure fails the step (after the table).  Works under $W only.
#
# Environment (from .ci/test-all, or by hand: SRCDIR=$PWD BUILD=<a
# configured, built default build> bash .ci/steps/47-packaging.sh).
# ci-after: check
# ci-seconds: 240
set -uo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
W=$SRCDIR/_build/packaging
JOBS=${MIO_PKG_JOBS:-3}
start=$(date +%s)
say() { echo "-- [47-packaging $(( $(date +%s) - start ))s] $*"; }
die() { echo "FAIL: $*"; exit 1; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$BUILD/Makefile")
[ -n "$version" ] || die "no PACKAGE_VERSION in $BUILD/Makefile (a configured build?)"
grep -q '^mioexecdir = ' "$BUILD/bindings/python/Makefile" ||
	die "$BUILD has no Python module (configure found no python3-dev or swig)"
grep -q '^MIO_LUA_CPPFLAGS = ' "$BUILD/bindings/lua/Makefile" || die "$BUILD has no Lua module"
runs=$(sed -n 's/^MIO_LUA_RUNS = //p' "$BUILD/bindings/lua/Makefile")
build_python=$(sed -n 's/^PYTHON = //p' "$BUILD/bindings/python/Makefile")
rm -rf "$W"
mkdir -p "$W/results" "$W/logs" "$W/run"

# ---- the sdist and the rock source, from the default build -------------
say "make sdist, make rock in $BUILD"
make -C "$BUILD/bindings/python" -s sdist >"$W/logs/sdist.log" 2>&1 || { cat "$W/logs/sdist.log"; die "make sdist"; }
make -C "$BUILD/bindings/lua" -s rock >"$W/logs/rock.log" 2>&1 || { cat "$W/logs/rock.log"; die "make rock"; }
set -- "$BUILD"/bindings/python/sdist/*.tar.gz
[ $# -eq 1 ] && [ -f "$1" ] || die "not one sdist in $BUILD/bindings/python/sdist: $*"
sdist=$1
rock=$BUILD/bindings/lua/rock/lua-mio-$version.tar.gz
rockspec=mio-$version-1.rockspec
echo "sdist: $sdist"
echo "rock:  $rock ($rockspec)"

# ---- the suites ---------------------------------------------------------
# Every run starts from $W/run (empty) with the search paths cleared
# (clean_env, which also bounds it); a row's file $W/results/ROW has
# "test<TAB>PASS|FAIL|SKIP<TAB>seconds" lines.  $1 row, $2 test label,
# then the command (or a function of this script).
result() {
	local row=$1 name=$2 rc t0 t1 res; shift 2
	t0=$(now)
	(cd "$W/run" && "$@") >"$W/logs/$row.$name.log" 2>&1 </dev/null
	rc=$?
	t1=$(now)
	case $rc in 0) res=PASS ;; 77) res=SKIP ;; *) res=FAIL ;; esac
	printf '%s\t%s\t%s\n' "$name" "$res" "$(secs "$t0" "$t1")" >>"$W/results/$row"
}
clean_env() {
	timeout 300 env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP -u MYPYPATH -u LUA_PATH -u LUA_CPATH -u LUA_INIT \
		-u LUA_PATH_5_2 -u LUA_PATH_5_3 -u LUA_PATH_5_4 -u LUA_CPATH_5_2 -u LUA_CPATH_5_3 -u LUA_CPATH_5_4 \
		-u LUA_INIT_5_2 -u LUA_INIT_5_3 -u LUA_INIT_5_4 PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 \
		top_srcdir="$SRCDIR" MIO_PACKAGE_VERSION="$version" MIO_LEAK_CYCLES="${MIO_LEAK_CYCLES:-20000}" "$@"
}
PY_TESTS="test_core test_net test_api test_reliability test_leak test_selector test_package test_stateful"
# $1 row, $2 python, $3 LD_LIBRARY_PATH, $4 PYTHONPATH (the build tree) or "".
python_suite() {
	local row=$1 py=$2 ld=$3 pp=$4 t pyenv=()
	[ -n "$pp" ] && pyenv=(PYTHONPATH="$pp")
	for t in $PY_TESTS; do
		result "$row" "$t" clean_env "${pyenv[@]}" LD_LIBRARY_PATH="$ld" "$py" \
			"$SRCDIR/bindings/python/tests/$t.py"
	done
	result "$row" echo-example clean_env "${pyenv[@]}" LD_LIBRARY_PATH="$ld" PYTHON="$py" \
		sh "$SRCDIR/bindings/python/tests/check-example.sh"
	result "$row" asyncio-example clean_env "${pyenv[@]}" LD_LIBRARY_PATH="$ld" PYTHON="$py" \
		sh "$SRCDIR/bindings/python/tests/check-asyncio-example.sh"
}
LUA_TESTS="test_core test_net test_api test_reliability test_leak test_random test_compat"
# $1 row, $2 lua, $3 directory of its mio.so, $4 LD_LIBRARY_PATH.
lua_suite() {
	local row=$1 lua=$2 dir=$3 ld=$4 t
	for t in $LUA_TESTS; do
		result "$row" "$t" clean_env LUA_CPATH="$dir/?.so" LD_LIBRARY_PATH="$ld" LUA="$lua" \
			"$lua" "$SRCDIR/bindings/lua/$t.lua"
	done
	result "$row" echo-example clean_env LUA_CPATH="$dir/?.so" LD_LIBRARY_PATH="$ld" LUA="$lua" \
		PYTHON=/usr/bin/python3 sh "$SRCDIR/bindings/lua/check-example.sh"
	result "$row" coroutine-example clean_env LUA_CPATH="$dir/?.so" LD_LIBRARY_PATH="$ld" LUA="$lua" \
		PYTHON=/usr/bin/python3 sh "$SRCDIR/bindings/lua/check-coroutine-example.sh"
}
# A job pool: at most $JOBS jobs at once.
pids=()
job() {
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	"$@" &
	pids+=($!)
}
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done' EXIT
order=()   # the table's rows, in order

# The build tree's own modules, while the prefix is built.
say "build-tree suites start (python: $build_python; lua: $runs)"
order+=("python-build")
job python_suite python-build "$build_python" "$BUILD/lib/.libs" "$BUILD/bindings/python"
# Lua: make check's results (one line per test and interpreter), if it
# ran since the modules were built.
lua_logs=$(find "$BUILD/bindings/lua" -maxdepth 1 -name 'test_*.log' -newer "$BUILD/bindings/lua/mio_wrap.c" 2>/dev/null)
for r in $runs; do
	name=${r%%:*} abi=${r##*:} lua=${r#*:}; lua=${lua%:*}
	order+=("$name-build")
	echo "$lua" >"$W/results/.$name-build.interp"
	if [ -n "$lua_logs" ]; then
		# shellcheck disable=SC2086
		awk -F'\t' -v n="$name" '$1 == "mio-lua-result" && $2 == n {
			r = ($3 == "PASS" || $3 == "XFAIL") ? "PASS" : ($3 == "SKIP" ? "SKIP" : "FAIL")
			f = FILENAME; sub(/.*\//, "", f); sub(/\.log$/, "", f); print f "\t" r "\t" $4 }' \
			$lua_logs $(ls "$BUILD"/bindings/lua/check-*example.log 2>/dev/null) >"$W/results/$name-build"
		echo "$name-build: make check's results" >"$W/results/.$name-build.from"
	else
		job lua_suite "$name-build" "$lua" "$BUILD/bindings/lua/lua$abi/.libs" "$BUILD/lib/.libs"
	fi
done

# ---- 1. libmio into a prefix -------------------------------------------
say "1. libmio (the C library) into $W/prefix"
mkdir -p "$W/libmio"
(cd "$W/libmio" && "$SRCDIR/configure" --prefix="$W/prefix" --disable-python --disable-lua \
	--disable-static-archive >configure.log 2>&1 && make -j2 -C lib >make.log 2>&1 &&
	make -C lib install >install.log 2>&1 &&
	make install-nodist_includeHEADERS install-pkgconfigDATA >>install.log 2>&1) ||
	{ tail -30 "$W"/libmio/*.log; die "libmio into $W/prefix"; }
PC=$W/prefix/lib/pkgconfig
echo "pkg-config mio: $(PKG_CONFIG_PATH=$PC pkg-config --modversion --cflags --libs mio | tr '\n' ' ')"

# ---- 2. Python: venvs, pip, then the suite and mypy ----------------------
# $1 label (venv-debian, venv-pyenv), $2 the interpreter.  Transcript in
# $W/logs/$1.pip.log (bindings/python/venv-install.sh, which the bench's
# venv row uses too).
venv_install() {
	sh "$SRCDIR/bindings/python/venv-install.sh" "$2" "$W/$1" "$sdist" "$PC" >"$W/logs/$1.pip.log" 2>&1
}
# mio from the venv only, nothing of the build or source tree on sys.path.
venv_where() {
	clean_env LD_LIBRARY_PATH="$W/prefix/lib" "$1" -c '
import os, sys
import mio
bad = [p for p in sys.path if p and (p.startswith(sys.argv[2]) or p.startswith(sys.argv[3]))]
assert not bad, bad
assert mio.__file__.startswith(sys.argv[1] + os.sep), mio.__file__
assert os.path.isfile(os.path.join(os.path.dirname(mio.__file__), "py.typed"))
print("mio %s (libmio %s) from %s" % (mio.__version__, mio.version(), os.path.dirname(mio.__file__)))
' "$(dirname "$(dirname "$1")")" "$BUILD" "$SRCDIR/bindings"
}
venv_mypy() {   # $1 label, $2 venv python
	local label=$1 py=$2 out=$W/logs/$1.mypy.log
	{
		echo "\$ mypy --strict --python-executable $py examples/python/*.py"
		(cd "$SRCDIR" && clean_env mypy --strict --cache-dir "$W/$label.mypy-cache" --python-executable "$py" \
			examples/python/*.py) || return 1
		# A wrong program: with the package's stub, an error; without it
		# (Any, or a missing stub), another message or none.
		printf 'import mio\nv: int = mio.version()\n' >"$W/$label.wrong.py"
		if (cd "$W" && clean_env mypy --strict --cache-dir "$W/$label.mypy-cache" --python-executable "$py" \
			"$label.wrong.py") >"$W/$label.wrong.out" 2>&1; then
			echo "mypy accepted int = mio.version(): the stub was not used"; return 1
		fi
		grep -q 'Incompatible types in assignment (expression has type "str", variable has type "int")' \
			"$W/$label.wrong.out" || { cat "$W/$label.wrong.out"; return 1; }
		echo "control: $(cat "$W/$label.wrong.out" | head -1)"
	} >"$out" 2>&1
}
venv_job() {   # $1 label, $2 interpreter
	local label=$1 py=$2 row=python-$1 t0
	t0=$(now)
	if ! venv_install "$label" "$py"; then
		printf 'pip-install\tFAIL\t%s\n' "$(secs "$t0" "$(now)")" >>"$W/results/$row"; return
	fi
	printf 'pip-install\tPASS\t%s\n' "$(secs "$t0" "$(now)")" >>"$W/results/$row"
	local vpy=$W/$label/bin/python
	result "$row" venv-import venv_where "$vpy"
	python_suite "$row" "$vpy" "$W/prefix/lib" ""
	result "$row" mypy-strict venv_mypy "$label" "$vpy"
}
debian_py=/usr/bin/python3
path_py=$(command -v python3 >/dev/null && python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
say "2. Python venvs: $debian_py ($($debian_py -V 2>&1)), ${path_py:-none} ($(${path_py:-false} -V 2>&1))"
order+=("python-venv-debian")
job venv_job venv-debian "$debian_py"
order+=("python-venv-pyenv")
if [ -n "$path_py" ] && [ "$(readlink -f "$path_py")" != "$(readlink -f "$debian_py")" ]; then
	job venv_job venv-pyenv "$path_py"
else
	printf 'no-other-python\tSKIP\t0\n' >"$W/results/python-venv-pyenv"
	echo "SKIP: the python3 on PATH is Debian's: no second interpreter for a venv"
fi

# ---- 3. Lua: luarocks make, then the suites ------------------------------
# $1 Lua version X.Y; the rock goes to $W/rocks (lib/lua/X.Y/mio.so).
rock_job() {
	local abi=$1 src=$W/rock-$1 t0 r name lua
	t0=$(now)
	mkdir -p "$src" && tar -xzf "$rock" -C "$src"
	if (cd "$src/lua-mio-$version" && echo "\$ luarocks --lua-version=$abi --tree=$W/rocks make $rockspec MIO_DIR=$W/prefix" &&
		timeout 300 luarocks --lua-version="$abi" --tree="$W/rocks" make "$rockspec" MIO_DIR="$W/prefix") \
		>"$W/logs/luarocks-$abi.log" 2>&1 && [ -f "$W/rocks/lib/lua/$abi/mio.so" ]; then
		r=PASS
	else
		r=FAIL
	fi
	for run in $runs; do
		name=${run%%:*} lua=${run#*:} lua=${lua%:*}
		[ "${run##*:}" = "$abi" ] || continue
		printf 'luarocks-make\t%s\t%s\n' "$r" "$(secs "$t0" "$(now)")" >>"$W/results/$name-luarocks"
		[ $r = PASS ] && lua_suite "$name-luarocks" "$lua" "$W/rocks/lib/lua/$abi" "$W/prefix/lib"
	done
}
command -v luarocks >/dev/null || die "no luarocks (apt-get install luarocks)"
abis=$(for r in $runs; do echo "${r##*:}"; done | sort -u)
say "3. luarocks make for Lua $(echo $abis), then the suites"
# The rocks' trees share one manifest directory per Lua version only:
# luarocks writes rocks-X.Y/manifest, so the versions may build at once.
for r in $runs; do order+=("${r%%:*}-luarocks"); echo "${r#*:}" | sed 's/:.*//' >"$W/results/.${r%%:*}-luarocks.interp"; done
for abi in $abis; do job rock_job "$abi"; done

say "waiting for the jobs"
wait
trap - EXIT

# ---- transcripts, then the table -------------------------------------------
for label in venv-debian venv-pyenv; do
	[ -f "$W/logs/$label.pip.log" ] || continue
	say "$label: pip transcript (commands and their last lines; whole: $W/logs/$label.pip.log)"
	awk '/^\$ / { if (n) for (i = (n > 3 ? n - 3 : 0); i < n; i++) print "    " buf[i % 4]; print; n = 0; next }
		{ buf[n % 4] = $0; n++ }
		END { for (i = (n > 4 ? n - 4 : 0); i < n; i++) print "    " buf[i % 4] }' "$W/logs/$label.pip.log"
	grep -h 'libmio-python: building against' "$W/logs/$label.pip.log" | sed 's/^ */    /' | head -1
	[ -f "$W/logs/$label.mypy.log" ] && { say "$label: mypy"; sed 's/^/    /' "$W/logs/$label.mypy.log"; }
done
for abi in $abis; do
	[ -f "$W/logs/luarocks-$abi.log" ] || continue
	say "luarocks $abi (last lines; whole: $W/logs/luarocks-$abi.log)"
	{ head -1 "$W/logs/luarocks-$abi.log"; tail -3 "$W/logs/luarocks-$abi.log"; } | sed 's/^/    /'
done

failed=0
for f in "$W"/results/*; do
	awk -F'\t' '$2 == "FAIL" { print FILENAME "\t" $1 }' "$f"
done | while IFS=$'\t' read -r f t; do
	row=$(basename "$f")
	echo "---- FAIL: $row $t ($W/logs/$row.$t.log)"
	tail -30 "$W/logs/$row.$t.log" 2>/dev/null
done
say "interpreters (test files; pip/luarocks installs and mypy count as tests of their rows)"
printf '%-10s %-26s %-14s %5s %5s %5s %8s\n' interp version module pass fail skip seconds
for row in "${order[@]}"; do
	f=$W/results/$row
	case $row in
	python-build) interp=python3; where="build tree"; v=$("$build_python" -V 2>&1) ;;
	python-venv-debian) interp=python3; where="venv (Debian)"; v="$($debian_py -V 2>&1) Debian" ;;
	python-venv-pyenv) interp=python3; where="venv (pyenv)"; v=$(${path_py:-false} -V 2>&1 || echo -) ;;
	*-build) interp=${row%-build}; where="build tree"; [ -f "$W/results/.$row.from" ] && where="build (check)"; v=$("$(cat "$W/results/.$row.interp")" -v 2>&1 | awk '{ print $1, $2 }') ;;
	*-luarocks) interp=${row%-luarocks}; where="luarocks"; v=$("$(cat "$W/results/.$row.interp")" -v 2>&1 | awk '{ print $1, $2 }') ;;
	esac
	if [ ! -s "$f" ]; then
		printf '%-10s %-26s %-14s %5s %5s %5s %8s\n' "$interp" "$v" "$where" - - - "not run"; failed=1; continue
	fi
	read -r p fl sk s < <(awk -F'\t' '{ n[$2]++; t += $3 } END { printf "%d %d %d %.1f\n", n["PASS"], n["FAIL"], n["SKIP"], t }' "$f")
	printf '%-10s %-26s %-14s %5d %5d %5d %8s\n' "$interp" "$v" "$where" "$p" "$fl" "$sk" "$s"
	[ "$fl" -eq 0 ] || failed=1
	[ "$p" -gt 0 ] || [ "$row" = python-venv-pyenv ] || failed=1
done
skips=$(cd "$W/results" && awk -F'\t' '$2 == "SKIP" { print FILENAME ": " $1 }' * | sort | uniq)
[ -z "$skips" ] || { echo "skipped:"; echo "$skips" | sed 's/^/    /'; }
say "done in $(( $(date +%s) - start ))s"
[ $failed -eq 0 ] || die "47-packaging: failures above"
echo "47-packaging: OK"
