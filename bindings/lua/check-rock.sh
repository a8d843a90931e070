#!/bin/sh
# check-rock.sh - the LuaRocks source `make rock` wrote
# (rock/lua-mio-VERSION.tar.gz and rock/mio-VERSION-1.rockspec) is one
# LuaRocks builds: every file the rockspec's builtin build names is in it
# (a missing one fails), the rockspec carries configure's version and
# points into the tarball, the wrapper is this build's; then, where
# luarocks is installed, `luarocks make` from the unpacked tarball builds
# the module for $LUA's version against this build's libmio (LuaRocks'
# external dependency MIO), the module loads and polls, and a mio.h older
# than the rock stops the build with mio_require.c's message.  The whole
# Lua suite on luarocks-built modules, for every Lua, is
# .ci/steps/47-packaging.sh.
#
# Run once by test-driver.sh (MIO_LUA_RUN_ONCE), with LUA the first
# interpreter built; MIO_PACKAGE_VERSION, MIO_TOP_BUILD, MIO_LUA_BUILD
# from bindings/lua/Makefile.am.
set -u
: "${MIO_PACKAGE_VERSION:?}" "${MIO_TOP_BUILD:?}" "${MIO_LUA_BUILD:?}" "${LUA:?}"
V=$MIO_PACKAGE_VERSION
here=$(cd "$(dirname "$0")" && pwd)
rock=$MIO_LUA_BUILD/rock/lua-mio-$V.tar.gz
spec=$MIO_LUA_BUILD/rock/mio-$V-1.rockspec
fail=0
bad() { echo "FAIL: $*"; fail=1; }
[ -f "$rock" ] && [ -f "$spec" ] || { echo "FAIL: no $rock or $spec (make rock)"; exit 1; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

tar -tzf "$rock" >"$tmp/list" || { echo "FAIL: tar -tzf $rock"; exit 1; }
top=lua-mio-$V
for f in "mio-$V-1.rockspec" README.md LICENSE src/mio_wrap.c src/mio_lua_compat.h \
	src/mio_binding.c src/mio_binding.h src/mio_require.c; do
	grep -qx "$top/$f" "$tmp/list" || bad "the rock source lacks $f"
done
if grep -vE "^$top/" "$tmp/list"; then bad "files outside $top/ (above)"; fi
if grep -E '\.(so|o|la|lo)$' "$tmp/list"; then bad "build products in the rock source (above)"; fi
tar -xzf "$rock" -C "$tmp" || { echo "FAIL: tar -xzf $rock"; exit 1; }
src=$tmp/$top
cmp -s "$src/mio-$V-1.rockspec" "$spec" || bad "the rockspec in the tarball is not rock/mio-$V-1.rockspec"
cmp -s "$src/src/mio_wrap.c" "$MIO_LUA_BUILD/mio_wrap.c" || bad "src/mio_wrap.c is not this build's SWIG wrapper"
grep -qx "version = \"$V-1\"" "$spec" || bad "the rockspec's version is not \"$V-1\""
grep -qx "   dir = \"$top\"," "$spec" || bad "the rockspec's source.dir is not \"$top\""
grep -q "url = \".*/$top.tar.gz\"" "$spec" || bad "the rockspec's source.url does not name $top.tar.gz"
# Every source the rockspec names is in the tarball.
for f in $(sed -n 's/^ *sources = {\(.*\)},*$/\1/p' "$spec" | tr -d '",'); do
	[ -f "$src/$f" ] || bad "the rockspec builds $f, which the rock source lacks"
done
echo "rock source: $(basename "$rock"), $(grep -c . "$tmp/list") entries; rockspec $(basename "$spec")"

if ! command -v luarocks >/dev/null 2>&1; then
	echo "SKIP: luarocks make: no luarocks (apt-get install luarocks)"
	exit $fail
fi
abi=$("$LUA" -e 'print((_VERSION:gsub("^Lua ", "")))')
luarocks --lua-version="$abi" lint "$spec" || bad "luarocks lint $(basename "$spec")"
rocks() {   # MIO_INCDIR; output in $tmp/out
	(cd "$src" && timeout 300 luarocks --lua-version="$abi" --tree="$tmp/tree" make "mio-$V-1.rockspec" \
		MIO_INCDIR="$1" MIO_LIBDIR="$MIO_TOP_BUILD/lib/.libs") >"$tmp/out" 2>&1
}
# An older libmio's header (the same one with 1.1.0's version): refused.
mkdir "$tmp/old"
sed 's/^#define MIO_VERSION_MINOR .*/#define MIO_VERSION_MINOR 1/' "$MIO_TOP_BUILD/include/mio.h" >"$tmp/old/mio.h"
if rocks "$tmp/old"; then
	bad "luarocks built the rock against a 1.1 mio.h"
elif grep -q "needs libmio >= $V" "$tmp/out"; then
	echo "refused (mio.h of 1.1.0): $(grep -o "the Lua module mio $V needs libmio >= $V" "$tmp/out" | head -1)"
else
	cat "$tmp/out"; bad "luarocks failed on a 1.1 mio.h, without mio_require.c's message"
fi
rm -rf "$tmp/tree" "$src"/src/*.o "$src/mio.so"
if ! rocks "$MIO_TOP_BUILD/include"; then
	cat "$tmp/out"; bad "luarocks --lua-version=$abi make"
else
	grep 'is now installed' "$tmp/out"
	so=$tmp/tree/lib/lua/$abi/mio.so
	[ -f "$so" ] || bad "luarocks installed no $so"
	LUA_CPATH="$tmp/tree/lib/lua/$abi/?.so" LD_LIBRARY_PATH="$MIO_TOP_BUILD/lib/.libs" \
		"$LUA" "$here/poll-smoke.lua" "luarocks-built, $LUA" "$tmp/tree/lib/lua/$abi" ||
		bad "the luarocks-built module does not load and poll under $LUA"
fi
[ $fail -eq 0 ] || exit 1
echo "rock ok"
