#!/bin/sh
# Runs examples/python/udp_echo.py, the batch UDP echo server, from the
# build tree against udp_echo_client.py (a client of the socket module:
# ECN marks, a UDP_SEGMENT run, two local addresses of a wildcard bind,
# IPv4 and dual-stack IPv6).  PYTHON and UDP_ECHO_SERVER may be
# overridden.  Bounded by timeout(1) (about 3 s).
set -u
: "${PYTHON:=python3}"
: "${top_srcdir:=$(dirname "$0")/../../..}"
here=$(cd "$(dirname "$0")" && pwd)
server=${UDP_ECHO_SERVER:-$top_srcdir/examples/python/udp_echo.py}
exec timeout 180 "$PYTHON" "$here/udp_echo_client.py" "$PYTHON" "$server"
