#!/bin/sh
# check-udp-quic-echo.sh - udp_quic_echo against a real client (make check).
#
# The client is python3's socket module, not libmio: it sends with
# sendmsg(2) and its own control messages (IP_TOS / IPV6_TCLASS for ECN,
# UDP_SEGMENT for a segmented run) and reads the answers' codepoints with
# IP_RECVTOS / IPV6_RECVTCLASS.  The server is started on a wildcard
# address, IPv4 and dual-stack IPv6, port 0; for each address it is
# reached at (127.0.0.1, 127.0.0.2, ::1) the client checks:
#
#  - many datagrams (600, in waves the buffers hold) all come back, byte
#    for byte, from the address written to (packet info), marked ECT(0);
#  - a run of 20 x 1200 bytes sent with UDP_SEGMENT comes back as the same
#    20 datagrams;
#  - the ECN codepoints the client sent are the ones the server counted
#    (its "STATS?" answer), every codepoint included;
#  - where the kernel segments and coalesces (the server prints gso 64,
#    gro 64), the server received runs as one record and sent runs.
#
# Then SIGTERM: the server prints its counts and exits 0.  Bad arguments
# exit 2.  Bounded by timeout(1); every server is stopped or killed.
#
# Where the platform under the server does not carry a control message
# its answers need (qemu-user on a big-endian guest: tests/cmsgprobe.py
# asks ../tests/cmsg-probe, built for the same target), the checks that
# need it say SKIP with the reason and the others run.
#
# SPDX-License-Identifier: MIT
set -eu
PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "SKIP: no $PYTHON to drive the example"
	exit 77
fi
export MIO_TESTS_SRCDIR="${srcdir:-.}/../tests"
exec timeout 300 "$PYTHON" - <<'EOF'
import os, socket, subprocess, sys
sys.dont_write_bytecode = True  # nothing written to the source tree
sys.path.insert(0, os.environ["MIO_TESTS_SRCDIR"])
import cmsgprobe as cp
from udp_peer import Peer, Server  # the client socket and the server process

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def pattern(n, seed):
    return bytes((i * 7 + seed * 13) % 251 for i in range(n))


def exercise(where, fam):
    srv = Server(["./udp_quic_echo", where])
    m = srv.find(r"listening on (\S+) \(gso (\d+), gro (\d+)\)")
    if m is None and fam == socket.AF_INET6:
        srv.stop()
        print("note: no IPv6 here: %s" % srv.lines[-3:])
        return
    check(m is not None, "udp_quic_echo: starts on %s" % where)
    if m is None:
        print("\n".join(srv.lines[-10:])); srv.stop(); return
    port, gso, gro = int(m.group(1).rsplit(":", 1)[1]), int(m.group(2)), int(m.group(3))
    print("note: %s" % m.group(0))
    targets = [("127.0.0.1", socket.AF_INET), ("127.0.0.2", socket.AF_INET)]
    if fam == socket.AF_INET6:
        targets.append(("::1", socket.AF_INET6))
    total_sent = [0, 0, 0, 0]
    # Every answer is marked ECT(0), sent from the address written to
    # (packet info reflected) and packed into runs (UDP_SEGMENT); the
    # counts need the codepoints received; a client's run, UDP_GRO.
    v6srv = fam == socket.AF_INET6
    counted = True
    for host, cfam in targets:
        v6 = cfam == socket.AF_INET6
        name = "udp_quic_echo on %s, to %s" % (where, host)
        if not cp.carried("%s: answers" % name, cp.echo(v6srv), cp.echo(v6), cp.ecn(v6, True),
                          "udp_segment_send"):
            counted = False
            continue
        # The counts, and the run (which they include), need more.
        if not cp.carried("%s: the ECN counts" % name, cp.ecn(v6, False), "udp_gro_recv"):
            counted = False
        c = Peer(v6)
        to = (host, port)
        try:
            # Many datagrams, marked ECT(0), in waves of 100.
            # Mostly 1200 bytes (the server packs those into runs), some not.
            sent = [pattern(1200 if i % 10 else 300 + i, i) for i in range(600)]
            got, froms, ecns = [], set(), set()
            for w in range(0, 600, 100):
                for d in sent[w:w + 100]:
                    c.send(d, to, ecn=2)
                for _ in range(100):
                    data, sender, ecn = c.recv()
                    got.append(data)
                    froms.add(sender)
                    ecns.add(ecn)
            check(got == sent, "%s: 600 datagrams echoed in order" % name)
            check(froms == {host}, "%s: answered from the address written to (%s)"
                  % (name, sorted(froms)))
            check(ecns == {2}, "%s: answers marked ECT(0) (%s)" % (name, sorted(map(str, ecns))))
            # A segmented run of 20 x 1200.
            if cp.carried("%s: a UDP_SEGMENT run" % name, "udp_gro_recv"):
                run = pattern(24000, 99)
                c.send(run, to, ecn=1, seg=1200)
                back = [c.recv()[0] for _ in range(20)]
                check(back == [run[i:i + 1200] for i in range(0, 24000, 1200)],
                      "%s: a UDP_SEGMENT run of 20 comes back as 20 datagrams" % name)
            # Every codepoint, counted by the server.
            for ecn in (0, 1, 2, 3):
                for i in range(5):
                    c.send(b"ecn %d/%d" % (ecn, i), to, ecn=ecn)
                    c.recv()
        except (socket.timeout, OSError) as e:
            check(False, "%s: %r" % (name, e))
        for k in range(4):
            total_sent[k] += c.marks[k]
        last = c
    # The server's counts: what every client sent, the STATS? included.
    if not counted:
        print("SKIP: udp_quic_echo on %s: the counts: a part of the traffic above was not "
              "carried here" % where)
    else:
        try:
            total_sent[0] += 1
            st = last.stats((targets[-1][0], port))
            seen = [int(st.get(k, -1)) for k in ("not_ect", "ect1", "ect0", "ce")]
            check(seen == total_sent, "udp_quic_echo on %s: ECN seen %s, sent %s"
                  % (where, seen, total_sent))
            if gso > 1 and gro > 1:
                check(int(st["coalesced"]) > 0, "udp_quic_echo on %s: runs received coalesced (%s)"
                      % (where, st["coalesced"]))
            check(int(st["runs"]) > 0 and int(st["sends"]) < int(st["datagrams"]),
                  "udp_quic_echo on %s: answers sent as runs, %s sends for %s datagrams"
                  % (where, st["sends"], st["datagrams"]))
        except (socket.timeout, OSError, KeyError, ValueError) as e:
            check(False, "udp_quic_echo on %s: stats: %r" % (where, e))
    rc = srv.stop()
    check(rc == 0 and any(l.startswith("shutting down: STATS") for l in srv.lines),
          "udp_quic_echo on %s: SIGTERM: exit %s, counts printed" % (where, rc))


try:
    exercise("0.0.0.0:0", socket.AF_INET)
    exercise("[::]:0", socket.AF_INET6)
    for args in (["not-an-address"], ["127.0.0.1:0", "extra"]):
        r = subprocess.run(["./udp_quic_echo"] + args, capture_output=True, timeout=20)
        check(r.returncode == 2, "udp_quic_echo: rejects %s" % args)
except Exception as e:
    check(False, "udp_quic_echo: %r" % e)
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
EOF
