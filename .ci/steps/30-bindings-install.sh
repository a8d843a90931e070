#!/bin/bash
# The Python and Lua modules as users get them: installed, then loaded
# with nothing from the build tree on the search paths.
#  1. --prefix install into $SRCDIR/_build/inst-bindings (configure's own
#     python3, every Lua found), then the echo examples against the
#     installed modules: the package mio (with py.typed and its stub), and
#     lib/lua/5.X/mio.so under every Lua interpreter built (LuaJIT loads
#     the 5.1 one).
#  2. A distro-style build (PYTHON=/usr/bin/python3, prefix /usr, Lua
#     modules in the multiarch directory) staged with DESTDIR, then the
#     echo examples against the staged modules.
# Each echo example is checked by bindings/python/tests/echo_client.py.
# ci-seconds: 120
set -euo pipefail
: "${SRCDIR:?}"
B=$SRCDIR/_build/bindings-prefix
INST=$SRCDIR/_build/inst-bindings
D=$SRCDIR/_build/bindings-distro
STAGE=$SRCDIR/_build/stage-bindings
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
failed=0

say() { echo "== bindings-install: $*"; }

# $1 label, $2 python, $3 dir holding the package mio, $4 dir with 5.X/mio.so
# (Lua), $5 libdir, $6 the Lua runs of the build (name:path:ABI ...)
run_examples() {
	local label=$1 py=$2 pydir=$3 luabase=$4 libdir=$5 runs=$6 run luaname lua abi
	say "$label: python package from $pydir"
	for f in __init__.py __init__.pyi py.typed selector.py; do
		[ -f "$pydir/mio/$f" ] || { say "FAIL: $label: no $pydir/mio/$f"; failed=1; }
	done
	for f in mio.py mio.pyi mio_selector.py; do
		[ ! -e "$pydir/$f" ] || { say "FAIL: $label: $pydir/$f installed beside the package"; failed=1; }
	done
	env -u PYTHONHOME PYTHONPATH="$pydir" LD_LIBRARY_PATH="$libdir" PYTHONDONTWRITEBYTECODE=1 \
		"$py" -c 'import mio, sys; f = mio.__file__; print("  mio", mio.__version__, mio.version(), "from", f, "and", mio._mio.__file__); sys.exit(not f.startswith(sys.argv[1] + "/mio/"))' "$pydir" ||
		{ say "FAIL: $label python module not loaded from $pydir"; failed=1; }
	PYTHONPATH="$pydir" LD_LIBRARY_PATH="$libdir" PYTHON="$py" PYTHONDONTWRITEBYTECODE=1 \
		ECHO_SERVER="$SRCDIR/examples/python/echo_server.py" \
		timeout 300 sh "$SRCDIR/bindings/python/tests/check-example.sh" ||
		{ say "FAIL: $label python echo example"; failed=1; }
	[ -n "$runs" ] || { say "FAIL: $label: no Lua built"; failed=1; }
	for run in $runs; do
		luaname=${run%%:*} abi=${run##*:} lua=${run#*:}; lua=${lua%:*}
		say "$label: $luaname, lua module from $luabase/$abi"
		LUA_CPATH="$luabase/$abi/?.so" LD_LIBRARY_PATH="$libdir" \
			"$lua" -e 'local m = require "mio"; print("  mio", m.version(), "from",
				package.searchpath and package.searchpath("mio", package.cpath) or package.cpath)' ||
			{ say "FAIL: $label lua module not loadable by $luaname from $luabase/$abi"; failed=1; }
		LUA_CPATH="$luabase/$abi/?.so" LD_LIBRARY_PATH="$libdir" PYTHON="$py" LUA="$lua" \
			ECHO_SERVER="$SRCDIR/examples/lua/echo_server.lua" \
			timeout 300 sh "$SRCDIR/bindings/lua/check-example.sh" ||
			{ say "FAIL: $label lua echo example under $luaname"; failed=1; }
	done
}

# The one file a glob names, or a failure.
one() {
	local f
	f=$(find "$@" | head -1)
	[ -n "$f" ] || { say "FAIL: nothing matches find $*" >&2; return 1; }
	echo "$f"
}

say "1. --prefix=$INST"
rm -rf "$B" "$INST"
mkdir -p "$B"
(cd "$B" && "$SRCDIR/configure" --prefix="$INST" --enable-python --enable-lua >configure.log &&
	make -j2 >make.log 2>&1 && make install >install.log 2>&1) ||
	{ say "FAIL: build/install in $B (see its *.log)"; tail -30 "$B"/*.log; exit 1; }
pymod=$(one "$INST" -path '*-packages/mio/__init__.py')
runs=$(sed -n 's/^MIO_LUA_RUNS = //p' "$B/bindings/lua/Makefile")
for abi in $(for r in $runs; do echo "${r##*:}"; done | sort -u); do
	[ -f "$INST/lib/lua/$abi/mio.so" ] || { say "FAIL: no $INST/lib/lua/$abi/mio.so"; failed=1; }
done
[ -z "$(find "$INST" -name '*.la' -path '*-packages/*' -o -name 'mio.la' -path '*/lua/*')" ] ||
	{ say "FAIL: libtool archives installed next to the modules"; failed=1; }
run_examples prefix "$(sed -n 's/^PYTHON = //p' "$B/Makefile")" "$(dirname "$(dirname "$pymod")")" \
	"$INST/lib/lua" "$INST/lib" "$runs"

say "2. distro layout, DESTDIR=$STAGE"
rm -rf "$D" "$STAGE"
mkdir -p "$D"
(cd "$D" && "$SRCDIR/configure" --prefix=/usr --libdir=/usr/lib/$MULTIARCH --enable-python --enable-lua \
	PYTHON=/usr/bin/python3 --with-lua-libdir=/usr/lib/$MULTIARCH/lua >configure.log &&
	make -j2 >make.log 2>&1 && make install DESTDIR="$STAGE" >install.log 2>&1) ||
	{ say "FAIL: build/install in $D (see its *.log)"; tail -30 "$D"/*.log; exit 1; }
pymod=$(one "$STAGE/usr/lib" -path '*/python3*/mio/__init__.py')
runs=$(sed -n 's/^MIO_LUA_RUNS = //p' "$D/bindings/lua/Makefile")
for abi in $(for r in $runs; do echo "${r##*:}"; done | sort -u); do
	test -f "$STAGE/usr/lib/$MULTIARCH/lua/$abi/mio.so" ||
		{ say "FAIL: no $STAGE/usr/lib/$MULTIARCH/lua/$abi/mio.so"; failed=1; }
done
ls "$(dirname "$pymod")"/_mio.cpython-*.so >/dev/null ||
	{ say "FAIL: no ABI-tagged _mio in $(dirname "$pymod")"; failed=1; }
run_examples distro /usr/bin/python3 "$(dirname "$(dirname "$pymod")")" "$STAGE/usr/lib/$MULTIARCH/lua" \
	"$STAGE/usr/lib/$MULTIARCH" "$runs"

if [ $failed -ne 0 ]; then
	say "FAILED"
	exit 1
fi
say "passed: installed and staged Python and Lua modules serve the echo examples"
