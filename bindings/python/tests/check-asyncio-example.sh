#!/bin/sh
# Runs examples/python/asyncio_echo.py (asyncio's SelectorEventLoop on
# mio.Selector) through check-example.sh, i.e. against echo_client.py,
# with the package mio from PYTHONPATH (the build tree's in `make check`,
# an installed one in .ci/steps/30-bindings-install.sh).
set -u
: "${top_srcdir:=$(dirname "$0")/../../..}"
here=$(cd "$(dirname "$0")" && pwd)
ECHO_SERVER=${ASYNCIO_ECHO_SERVER:-$top_srcdir/examples/python/asyncio_echo.py}
export ECHO_SERVER top_srcdir
exec sh "$here/check-example.sh"
