#!/usr/bin/env python3
"""Drives a batch UDP echo server (examples/python/udp_echo.py,
examples/lua/udp_echo.lua) with a client of the standard library's
socket module, not libmio: sendmsg(2) with its own control messages
(IP_TOS / IPV6_TCLASS for ECN, UDP_SEGMENT for a run), recvmsg(2) with
IP_RECVTOS / IPV6_RECVTCLASS for the answers' codepoints.

    udp_echo_client.py SERVER-COMMAND...

The server is started on a wildcard address, IPv4 and (where the host
has it) dual-stack IPv6, port 0; it prints "listening on ADDR (gso N,
gro N)".  For each address it is reached at (127.0.0.1, 127.0.0.2, ::1):
600 datagrams in waves come back byte for byte, in order, from the
address written to, marked as sent; a UDP_SEGMENT run of 20 comes back
as 20 datagrams; every codepoint is counted by the server ("STATS?"),
and where the kernel coalesces, runs reached it coalesced.  "QUIT!"
makes it print its counts and exit 0.  Bounded: 5 s per answer, 60 s
per server."""
import os
import socket
import subprocess
import sys

# The Server and Peer every UDP echo check shares (tests/udp_peer.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests"))
sys.dont_write_bytecode = True  # nothing written to the source tree
from udp_peer import Peer, Server  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def payload(n, seed):
    return bytes((seed * 31 + i * 11) % 253 for i in range(n))


def run(cmd, where, v6):
    srv = Server(cmd + [where])
    m = srv.find(r"listening on \S+:(\d+) \(gso (\d+), gro (\d+)\)")
    if m is None:
        srv.p.kill()
        srv.stop(term=False)
        check(False, "%s: starts on %s: %s" % (cmd[-1], where, srv.lines[-5:]))
        return
    port, gso, gro = (int(g) for g in m.groups())
    print("note: %s" % m.group(0))
    name = "%s on %s" % (cmd[-1].rsplit("/", 1)[-1], where)
    hosts = [("127.0.0.1", False), ("127.0.0.2", False)] + ([("::1", True)] if v6 else [])
    total = [0, 0, 0, 0]
    last = None
    for host, six in hosts:
        c = Peer(six, skip=(b"STATS?", b"QUIT!"))
        to = (host, port)
        what = "%s, to %s" % (name, host)
        try:
            sent = [payload(1200 if i % 10 else 200 + i, i) for i in range(600)]
            back, froms, ecns = [], set(), set()
            for w in range(0, 600, 100):
                for d in sent[w:w + 100]:
                    c.send(d, to, ecn=2)
                for _ in range(100):
                    d, f, e = c.recv()
                    back.append(d)
                    froms.add(f)
                    ecns.add(e)
            check(back == sent, "%s: 600 datagrams echoed in order" % what)
            check(froms == {host}, "%s: answered from the address written to (%s)" % (what, sorted(froms)))
            check(ecns == {2}, "%s: answers marked ECT(0) (%s)" % (what, sorted(map(str, ecns))))
            run_ = payload(24000, 7)
            c.send(run_, to, ecn=1, seg=1200)
            got = [c.recv() for _ in range(20)]
            check([g[0] for g in got] == [run_[i:i + 1200] for i in range(0, 24000, 1200)],
                  "%s: a UDP_SEGMENT run of 20 comes back as 20 datagrams" % what)
            check({g[2] for g in got} == {1}, "%s: the run's answers marked ECT(1)" % what)
            for e in (0, 1, 2, 3):
                for i in range(3):
                    c.send(b"mark %d/%d" % (e, i), to, ecn=e)
                marks = {c.recv()[2] for _ in range(3)}
                check(marks == {e}, "%s: codepoint %d echoed (%s)" % (what, e, sorted(map(str, marks))))
        except OSError as e:
            check(False, "%s: %r" % (what, e))
        total = [a + b for a, b in zip(total, c.marks)]
        last = (c, to)
    c, to = last
    try:
        st = c.stats(to)
        total[0] += 1   # the STATS? query, after the sum above
        seen = [int(st[k]) for k in ("not_ect", "ect1", "ect0", "ce")]
        check(seen == total, "%s: codepoints counted %s, sent %s" % (name, seen, total))
        check(int(st["sends"]) < int(st["records"]),
              "%s: answered in batches: %s sends for %s records" % (name, st["sends"], st["records"]))
        if gso > 1 and gro > 1:
            check(int(st["runs"]) > 0, "%s: runs received coalesced (%s)" % (name, st["runs"]))
        c.send(b"QUIT!", to)
    except (OSError, KeyError, ValueError) as e:
        check(False, "%s: stats: %r" % (name, e))
        srv.p.kill()
    rc = srv.stop(term=False)
    check(rc == 0 and any(l.startswith("shutting down: STATS") for l in srv.lines),
          "%s: QUIT!: exit %s, counts printed" % (name, rc))


def main():
    cmd = sys.argv[1:]
    if not cmd:
        print(__doc__)
        return 2
    run(cmd, "0.0.0.0:0", False)
    try:
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))
        run(cmd, "[::]:0", True)
    except OSError:
        print("note: no IPv6 loopback here")
    r = subprocess.run(cmd + ["not-an-address"], capture_output=True, timeout=20)
    check(r.returncode == 2, "%s: rejects a bad address (exit %d)" % (cmd[-1], r.returncode))
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
