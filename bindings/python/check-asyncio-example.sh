#!/bin/sh
# Runs examples/python/asyncio_echo.py (asyncio's SelectorEventLoop on
# mio.Selector) through check-example.sh, i.e. against echo_client.py.
# mio_selector.py sits beside this script in the source tree: it goes at
# the end of PYTHONPATH, so that an installed copy (PYTHONPATH set to the
# install dir, as .ci/steps/30-bindings-install.sh does) still wins.
set -u
: "${top_srcdir:=$(dirname "$0")/../..}"
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$here
ECHO_SERVER=${ASYNCIO_ECHO_SERVER:-$top_srcdir/examples/python/asyncio_echo.py}
export PYTHONPATH ECHO_SERVER top_srcdir
exec sh "$here/check-example.sh"
