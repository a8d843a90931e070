#!/bin/sh
# Builds the libFuzzer targets: the library's sources (epoll backend,
# eventfd waker) compiled straight into each fuzz binary with clang and
# -fsanitize=fuzzer,address,undefined.  Needs a configured build dir for
# config.h.
#   fuzz/build.sh BUILD_DIR_WITH_CONFIG_H OUT_DIR
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
confdir=$1
out=$2
CC=${CLANG:-clang-14}
mkdir -p "$out"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
inc="-I$confdir/include -I$srcdir/lib -I$confdir"
lib="version.c util.c poll.c events.c waker.c socket.c addr.c tcp.c udp.c unix.c pipe.c
     sys_epoll.c wakefd_eventfd.c"
lib="$lib udp_msg.c"  # fuzz_udp_msg: the UDP record arrays (1.2)
srcs=
for f in $lib; do srcs="$srcs $srcdir/lib/$f"; done
# FUZZ_TARGETS: build only these (.ci/steps/62-udp.sh builds its own).
for t in ${FUZZ_TARGETS:-fuzz_addr fuzz_api fuzz_udp_msg}; do
	echo "  CC  $out/$t"
	# shellcheck disable=SC2086
	$CC $flags $inc -include "$confdir/config.h" -o "$out/$t" "$srcdir/fuzz/$t.c" $srcs
done
