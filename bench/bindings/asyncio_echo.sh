#!/bin/sh
# asyncio TCP echo on mio.Selector vs the default selector vs uvloop,
# against a configured and built tree (`make bench` runs it):
#   bench/bindings/asyncio_echo.sh BUILD_DIR
# ASYNCIO_ECHO_ARGS overrides asyncio_echo.py's arguments (default: 10
# clients x 2000 round trips, 5 runs, callgrind at 100/200).  Pinned to
# BENCH_CPU (1) like bench/run.sh.  Skipped if the module was not built.
set -u
build=$(cd "${1:?usage: asyncio_echo.sh BUILD_DIR}" && pwd) || exit 1
here=$(cd "$(dirname "$0")" && pwd)
py=$(sed -n 's/^PYTHON = //p' "$build/bindings/python/Makefile" 2>/dev/null)
if [ -z "$py" ] || ! ls "$build"/bindings/python/mio/_mio*.so >/dev/null 2>&1; then
	echo "asyncio echo: python module not built, skipped"
	exit 0
fi
pin=
if command -v taskset >/dev/null && [ "$(nproc)" -gt "${BENCH_CPU:-1}" ]; then
	pin="taskset -c ${BENCH_CPU:-1}"
fi
# The build tree holds the package mio as it is installed.
PYTHONPATH=$build/bindings/python \
LD_LIBRARY_PATH=$build/lib/.libs \
	exec $pin "$py" "$here/asyncio_echo.py" ${ASYNCIO_ECHO_ARGS:---clients 10 --messages 2000 --runs 5 --callgrind 100}
