#!/bin/sh
# check-wrap.sh - every integer parameter of the Lua module goes through
# the range-checked typemap of mio_lua.i (issue 12 finding 3): SWIG's
# default integer typemap, a bare cast of lua_tonumber, must not appear
# in the generated wrapper, whatever new function or type mio.i gains.
# Run by `make check` in the build directory, where mio_wrap.c is.
wrap=${1:-mio_wrap.c}
test -f "$wrap" || { echo "no $wrap"; exit 1; }
bad=$(grep -n '= *([a-z_0-9 ]*) *lua_tonumber(L' "$wrap" | grep -v '(double) *lua_tonumber')
if [ -n "$bad" ]; then
	echo "$bad"
	echo "check-wrap: unchecked integer conversions above (add the type to the integer typemap of mio_lua.i)"
	exit 1
fi
n=$(grep -c 'MIO_B_LUA_INT_IN(v' "$wrap")
echo "check-wrap: $n range-checked integer parameters, no unchecked ones"
test "$n" -gt 0
