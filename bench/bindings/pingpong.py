#!/usr/bin/env python3
"""Ping-pong over a Unix socketpair, one thread, both ends in one loop:
the mio Python binding against the stdlib `selectors` module (epoll on
Linux) doing exactly the same work.  A round trip is: A writes 64 bytes,
the loop wakes, B reads them into a buffer and writes them back, the loop
wakes, A reads them.  Prints round trips/s and ns per round trip, the
median of RUNS runs, for each.

    pingpong.py [ROUND_TRIPS [RUNS]]
"""
import selectors
import socket
import statistics
import sys
import time

import mio

MSG = b"x" * 64


def bench_mio(n):
    poll = mio.Poll()
    reg = poll.registry()
    events = mio.Events(16)
    a, b = mio.UnixStream.pair()
    reg.register(a, 0, mio.READABLE)
    reg.register(b, 1, mio.READABLE)
    buf = bytearray(4096)
    view = memoryview(buf)
    done = 0
    t0 = time.perf_counter_ns()
    a.write(MSG)
    while done < n:
        poll.poll(events, None)
        for ev in events:
            if ev.token() == 1:
                k = b.readinto(buf)
                b.write(view[:k])
            else:
                a.readinto(buf)
                done += 1
                if done < n:
                    a.write(MSG)
    return time.perf_counter_ns() - t0


def bench_selectors(n):
    sel = selectors.DefaultSelector()
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    sel.register(a, selectors.EVENT_READ, 0)
    sel.register(b, selectors.EVENT_READ, 1)
    buf = bytearray(4096)
    view = memoryview(buf)
    done = 0
    t0 = time.perf_counter_ns()
    a.send(MSG)
    while done < n:
        for key, _mask in sel.select(None):
            if key.data == 1:
                k = b.recv_into(buf)
                b.send(view[:k])
            else:
                a.recv_into(buf)
                done += 1
                if done < n:
                    a.send(MSG)
    elapsed = time.perf_counter_ns() - t0
    sel.close()
    a.close()
    b.close()
    return elapsed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    results = {}
    for name, fn in (("python mio", bench_mio), ("python selectors", bench_selectors)):
        fn(min(n, 1000))  # warm up
    for _ in range(runs):  # interleaved, so both see the same machine load
        for name, fn in (("python mio", bench_mio), ("python selectors", bench_selectors)):
            results.setdefault(name, []).append(fn(n))
    for name, times in results.items():
        ns = statistics.median(times) / n
        print("%-18s %10.0f round trips/s %8.0f ns/round trip  (median of %d x %d, %s)"
              % (name, 1e9 / ns, ns, runs, n, selectors.DefaultSelector.__name__
                 if "selectors" in name else "mio " + mio.backend()))


if __name__ == "__main__":
    main()
