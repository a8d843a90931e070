#!/bin/sh
# Runs examples/python/echo_server.py from the build tree on a free port
# (127.0.0.1:0; it prints the port it got) and checks it with
# echo_client.py.  Also used by .ci/steps/30-bindings-install.sh against
# an installed module: ECHO_SERVER and PYTHON may be overridden.
set -u
: "${PYTHON:=python3}"
: "${top_srcdir:=$(dirname "$0")/../../..}"
here=$(cd "$(dirname "$0")" && pwd)
server=${ECHO_SERVER:-$top_srcdir/examples/python/echo_server.py}

tmp=$(mktemp -d) || exit 99
: >"$tmp/out"
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$PYTHON" "$server" 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/out")
	[ -n "$port" ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
if [ -z "$port" ]; then
	echo "echo server did not start:"; cat "$tmp/out" "$tmp/err"
	exit 1
fi
echo "python echo server on port $port"
timeout 120 "$PYTHON" "$here/echo_client.py" 127.0.0.1 "$port"
rc=$?
kill -0 $pid 2>/dev/null || { echo "server died:"; cat "$tmp/err"; rc=1; }
exit $rc
