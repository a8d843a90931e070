#!/bin/sh
# Runs examples/lua/udp_echo.lua, the batch UDP echo server, under $LUA
# (test-driver.sh: every interpreter built) against
# ../python/tests/udp_echo_client.py (a client of Python's socket module:
# ECN marks, a UDP_SEGMENT run, two local addresses of a wildcard bind,
# IPv4 and dual-stack IPv6).  Bounded by timeout(1) (about 3 s).
set -u
: "${LUA:=lua5.4}"
: "${PYTHON:=python3}"
: "${top_srcdir:=$(dirname "$0")/../..}"
here=$(cd "$(dirname "$0")" && pwd)
server=${UDP_ECHO_SERVER:-$top_srcdir/examples/lua/udp_echo.lua}
command -v "$PYTHON" >/dev/null || { echo "no $PYTHON for the client: skipped"; exit 77; }
exec timeout 180 "$PYTHON" "$here/../python/tests/udp_echo_client.py" "$LUA" "$server"
