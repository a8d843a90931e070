#!/bin/sh
# Binding ping-pong benchmarks against a configured and built tree:
#   bench/bindings/run.sh BUILD_DIR [ROUND_TRIPS [RUNS]]
# Python binding vs the stdlib selectors module, Lua binding vs luv,
# each pair in the same run (interleaved), medians printed as a table.
# A binding that was not built (--disable-*, missing tools) is skipped.
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [ROUND_TRIPS [RUNS]]}" && pwd) || exit 1
n=${2:-100000}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
libs=$build/lib/.libs
rc=0

printf '%-18s %10s %8s\n' "binding ping-pong" "trips/s" "ns/trip"
printf '%-18s %10s %8s\n' "------------------" "----------" "--------"
row() { awk '{ printf "%-18s %10s %8s\n", $1 " " $2, $3, $6 }'; }

py=$(sed -n 's/^PYTHON = //p' "$build/bindings/python/Makefile" 2>/dev/null)
if [ -n "$py" ] && ls "$build"/bindings/python/.libs/_mio*.so >/dev/null 2>&1; then
	PYTHONPATH=$build/bindings/python:$build/bindings/python/.libs LD_LIBRARY_PATH=$libs \
		"$py" "$here/pingpong.py" "$n" "$runs" >"$build/bench-bindings-py.txt" || rc=1
	row <"$build/bench-bindings-py.txt"
else
	echo "python: module not built, skipped"
fi

lua=$(sed -n 's/^LUA = //p' "$build/bindings/lua/Makefile" 2>/dev/null)
if [ -n "$lua" ] && [ -f "$build/bindings/lua/.libs/mio.so" ]; then
	LUA_CPATH="$build/bindings/lua/.libs/?.so;;" LD_LIBRARY_PATH=$libs \
		"$lua" "$here/pingpong.lua" "$n" "$runs" >"$build/bench-bindings-lua.txt" || rc=1
	row <"$build/bench-bindings-lua.txt"
else
	echo "lua: module not built, skipped"
fi
echo "(64-byte messages over a Unix socketpair, one thread; median of $runs x $n round trips)"
exit $rc
