#!/bin/bash
# Soak test (tests/stress/mio_stress.c): one poll serving 8,000 TCP and
# 1,000 Unix connections at once from a client process, every byte echoed
# and checked, fds and heap back to the start; then the same server at its
# fd limit (accept -> EMFILE), which must recover and serve every client.
# Each run stops itself (alarm) well under a minute.
# ci-after: check
# ci-seconds: 5
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
cd "$BUILD/tests"
make stress/mio_stress >/dev/null
echo "== stress: 8000 TCP + 1000 Unix connections on one poll"
./stress/mio_stress --tcp 8000 --unix 1000 --seconds 55
echo "== stress: accept at the fd limit"
./stress/mio_stress --emfile --seconds 30
echo "== stress: passed"
