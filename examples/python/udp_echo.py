#!/usr/bin/env python3
"""A UDP echo server that moves its datagrams in batches (libmio 1.2).

    python3 udp_echo.py [ADDRESS]        (default 0.0.0.0:9999; port 0: any)

Each wake-up receives up to 32 records per system call (recvmmsg) and
sends them back as they came with one more (sendmmsg): to the sender,
from the address the sender wrote to (packet info: the server is bound
to a wildcard address), with the ECN codepoint it carried, and a run the
kernel coalesced (GRO) as the same run (GSO).  "STATS?" is answered with
the counts; "QUIT!", SIGTERM or Ctrl-C prints them and exits.  Edge-triggered:
after an event, receive until BlockingIOError.
"""
import signal
import sys

import mio

BATCH = 32


class Stop(Exception):
    """SIGTERM: a handler that raises ends the wait (one that returns
    would have it retried, PEP 475)."""


def on_term(signo: int, frame: object) -> None:
    raise Stop()


def main() -> int:
    where = sys.argv[1] if len(sys.argv) > 1 else "0.0.0.0:9999"
    if len(sys.argv) > 2:
        print("usage: udp_echo.py [ADDRESS]", file=sys.stderr)
        return 2
    try:
        addr = mio.addr_parse(where)
    except OSError:
        print("%s: not an address" % where, file=sys.stderr)
        return 2
    sock = mio.UdpSocket.new_v6() if len(addr) == 4 else mio.UdpSocket.new_v4()
    sock.set_recv_buffer_size(1 << 21)
    sock.bind_to(addr)
    sock.set_recv_pktinfo(True)
    sock.set_recv_ecn(True)
    sock.set_gro(True)
    print("listening on %s (gso %d, gro %d)" % (mio.addr_format(sock.local_addr()), sock.gso_segments(),
                                               sock.gro_segments()), flush=True)
    poll = mio.Poll()
    events = mio.Events(16)
    poll.registry().register(sock, 0, mio.READABLE)
    stats = {"datagrams": 0, "records": 0, "runs": 0, "sends": 0, "dropped": 0,
             "not_ect": 0, "ect1": 0, "ect0": 0, "ce": 0}
    ecn_names = ("not_ect", "ect1", "ect0", "ce")
    signal.signal(signal.SIGTERM, on_term)

    def text() -> str:
        return "STATS " + " ".join("%s=%d" % kv for kv in stats.items())

    quit = False
    try:
        while not quit:
            poll.poll(events, None)
            while True:
                try:
                    recs = sock.recv_msgs_info(BATCH)
                except BlockingIOError:
                    break
                except OSError:
                    continue   # an ICMP error of an earlier answer
                for data, peer, local, ifindex, ecn, seg, flags in recs:
                    n = (len(data) + seg - 1) // seg if seg else 1
                    stats["records"] += 1
                    stats["datagrams"] += n
                    stats["runs"] += n > 1
                    stats[ecn_names[ecn]] += n
                    if data == b"STATS?":
                        sock.send_msgs([(text().encode(), peer, local, ifindex, 0, 0, 0)])
                    elif data == b"QUIT!":
                        quit = True
                # The records as received; what a full socket cannot
                # take is dropped, as UDP may.
                i = 0
                while i < len(recs):
                    stats["sends"] += 1
                    try:
                        i += sock.send_msgs(recs[i:])
                    except OSError:
                        stats["dropped"] += 1
                        i += 1
    except (Stop, KeyboardInterrupt):
        pass
    print("shutting down: " + text(), flush=True)
    poll.close()
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
