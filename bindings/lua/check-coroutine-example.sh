#!/bin/sh
# Runs examples/lua/coroutine_echo.lua (one coroutine per connection on a
# tiny scheduler) through check-example.sh, i.e. against
# ../python/tests/echo_client.py.
set -u
: "${top_srcdir:=$(dirname "$0")/../..}"
here=$(cd "$(dirname "$0")" && pwd)
ECHO_SERVER=${COROUTINE_ECHO_SERVER:-$top_srcdir/examples/lua/coroutine_echo.lua}
export ECHO_SERVER top_srcdir
exec sh "$here/check-example.sh"
