#!/bin/bash
# The Python and Lua modules as users get them: installed, then loaded
# with nothing from the build tree on the search paths.
#  1. --prefix install into $SRCDIR/_build/inst-bindings (configure's own
#     python3), then the echo examples against the installed modules.
#  2. A distro-style build (PYTHON=/usr/bin/python3, prefix /usr, Lua
#     module in the multiarch directory) staged with DESTDIR, then the
#     echo examples against the staged modules.
# Each echo example is checked by bindings/python/echo_client.py.
# ci-seconds: 100
set -euo pipefail
: "${SRCDIR:?}"
B=$SRCDIR/_build/bindings-prefix
INST=$SRCDIR/_build/inst-bindings
D=$SRCDIR/_build/bindings-distro
STAGE=$SRCDIR/_build/stage-bindings
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
failed=0

say() { echo "== bindings-install: $*"; }

# $1 label, $2 python, $3 dir with mio.py, $4 dir with mio.so (Lua), $5 libdir
run_examples() {
	local label=$1 py=$2 pydir=$3 luadir=$4 libdir=$5
	say "$label: python module from $pydir"
	env -u PYTHONHOME PYTHONPATH="$pydir" LD_LIBRARY_PATH="$libdir" PYTHONDONTWRITEBYTECODE=1 \
		"$py" -c 'import mio, sys; f = mio.__file__; print("  mio", mio.version(), "from", f); sys.exit(not f.startswith(sys.argv[1]))' "$pydir" ||
		{ say "FAIL: $label python module not loaded from $pydir"; failed=1; }
	PYTHONPATH="$pydir" LD_LIBRARY_PATH="$libdir" PYTHON="$py" PYTHONDONTWRITEBYTECODE=1 \
		ECHO_SERVER="$SRCDIR/examples/python/echo_server.py" \
		timeout 300 sh "$SRCDIR/bindings/python/check-example.sh" ||
		{ say "FAIL: $label python echo example"; failed=1; }
	say "$label: lua module from $luadir"
	LUA_CPATH="$luadir/?.so" LD_LIBRARY_PATH="$libdir" \
		lua5.4 -e 'local m = require "mio"; print("  mio", m.version(), "from", package.searchpath("mio", package.cpath))' ||
		{ say "FAIL: $label lua module not loadable from $luadir"; failed=1; }
	LUA_CPATH="$luadir/?.so" LD_LIBRARY_PATH="$libdir" PYTHON="$py" \
		ECHO_SERVER="$SRCDIR/examples/lua/echo_server.lua" \
		timeout 300 sh "$SRCDIR/bindings/lua/check-example.sh" ||
		{ say "FAIL: $label lua echo example"; failed=1; }
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
pymod=$(one "$INST" -name mio.py -path '*-packages/*')
luamod=$(one "$INST/lib/lua/5.4" -name mio.so)
[ -z "$(find "$INST" -name '*.la' -path '*-packages/*' -o -name 'mio.la' -path '*/lua/*')" ] ||
	{ say "FAIL: libtool archives installed next to the modules"; failed=1; }
run_examples prefix "$(sed -n 's/^PYTHON = //p' "$B/Makefile")" "$(dirname "$pymod")" "$(dirname "$luamod")" "$INST/lib"

say "2. distro layout, DESTDIR=$STAGE"
rm -rf "$D" "$STAGE"
mkdir -p "$D"
(cd "$D" && "$SRCDIR/configure" --prefix=/usr --libdir=/usr/lib/$MULTIARCH --enable-python --enable-lua \
	PYTHON=/usr/bin/python3 --with-luacmoddir=/usr/lib/$MULTIARCH/lua/5.4 >configure.log &&
	make -j2 >make.log 2>&1 && make install DESTDIR="$STAGE" >install.log 2>&1) ||
	{ say "FAIL: build/install in $D (see its *.log)"; tail -30 "$D"/*.log; exit 1; }
pymod=$(one "$STAGE/usr/lib" -name mio.py -path '*/python3*')
test -f "$STAGE/usr/lib/$MULTIARCH/lua/5.4/mio.so" ||
	{ say "FAIL: no $STAGE/usr/lib/$MULTIARCH/lua/5.4/mio.so"; failed=1; }
ls "$(dirname "$pymod")"/_mio.cpython-*.so >/dev/null ||
	{ say "FAIL: no ABI-tagged _mio next to $pymod"; failed=1; }
run_examples distro /usr/bin/python3 "$(dirname "$pymod")" "$STAGE/usr/lib/$MULTIARCH/lua/5.4" "$STAGE/usr/lib/$MULTIARCH"

if [ $failed -ne 0 ]; then
	say "FAILED"
	exit 1
fi
say "passed: installed and staged Python and Lua modules serve the echo examples"
