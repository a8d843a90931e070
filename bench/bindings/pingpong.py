#!/usr/bin/env python3
"""W1 ping-pong over a Unix socketpair, one thread, both ends in one loop,
written the way each library's documentation tells a user to write it.
A round trip: A writes 64 bytes, the loop wakes, B reads them and writes
them back, the loop wakes, A reads them.

    pingpong.py SYSTEM ROUND_TRIPS      run one system, print elapsed ns

SYSTEM is one of:
  selectors   stdlib selectors.DefaultSelector (epoll) + os.read/os.write
  wait        the mio binding's documented idiom (libmio 1.2): Poll + raw
              fds + os.read/os.write,
              for token, readiness in poll.wait(None)
  mio         the mio binding's 1.0/1.1 loop, an Events buffer and Event
              objects: poll.poll(events, None) /
              for ev in events: ev.token(), ev.is_readable()
  uvloop      uvloop's event loop, asyncio Protocols on the socketpair
run.sh runs each system for wall time (medians) and under callgrind at N
and 2N round trips (instructions per round trip, start-up cancelled).
"""
import os
import socket
import sys
import time

MSG = b"x" * 64


def pair():
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    return a, b


def bench_selectors(n):
    import selectors
    sel = selectors.DefaultSelector()
    a, b = pair()
    fa, fb = a.fileno(), b.fileno()
    sel.register(fa, selectors.EVENT_READ, 0)
    sel.register(fb, selectors.EVENT_READ, 1)
    read, write = os.read, os.write
    done = 0
    t0 = time.perf_counter_ns()
    write(fa, MSG)
    while done < n:
        for key, mask in sel.select(None):
            if key.data == 1:
                write(fb, read(fb, 4096))
            else:
                read(fa, 4096)
                done += 1
                if done < n:
                    write(fa, MSG)
    elapsed = time.perf_counter_ns() - t0
    sel.close()
    a.close()
    b.close()
    return elapsed


def bench_mio(n):
    import mio
    poll = mio.Poll()
    reg = poll.registry()
    events = mio.Events(16)
    a, b = pair()
    fa, fb = a.fileno(), b.fileno()
    reg.register(fa, 0, mio.READABLE)
    reg.register(fb, 1, mio.READABLE)
    read, write = os.read, os.write
    done = 0
    t0 = time.perf_counter_ns()
    write(fa, MSG)
    while done < n:
        poll.poll(events, None)
        for ev in events:
            if ev.token() == 1 and ev.is_readable():
                # Edge-triggered: one 64-byte message is all there is, and a
                # read shorter than asked for leaves nothing behind.
                write(fb, read(fb, 4096))
            elif ev.is_readable():
                read(fa, 4096)
                done += 1
                if done < n:
                    write(fa, MSG)
    elapsed = time.perf_counter_ns() - t0
    reg.deregister(fa)
    reg.deregister(fb)
    poll.close()
    a.close()
    b.close()
    return elapsed


def bench_wait(n):
    import mio
    poll = mio.Poll()
    reg = poll.registry()
    a, b = pair()
    fa, fb = a.fileno(), b.fileno()
    reg.register(fa, 0, mio.READABLE)
    reg.register(fb, 1, mio.READABLE)
    wait = poll.wait
    readable = mio.EVENT_READABLE
    read, write = os.read, os.write
    done = 0
    t0 = time.perf_counter_ns()
    write(fa, MSG)
    while done < n:
        for token, readiness in wait(None):
            if token == 1:
                # Edge-triggered: as in bench_mio.
                write(fb, read(fb, 4096))
            else:
                read(fa, 4096)
                done += 1
                if done < n:
                    write(fa, MSG)
    elapsed = time.perf_counter_ns() - t0
    reg.deregister(fa)
    reg.deregister(fb)
    poll.close()
    a.close()
    b.close()
    return elapsed


def bench_uvloop(n):
    import asyncio
    import uvloop

    class Echo(asyncio.Protocol):
        def connection_made(self, transport):
            self.t = transport

        def data_received(self, data):
            self.t.write(data)

    class Pinger(asyncio.Protocol):
        def __init__(self, fut):
            self.fut = fut
            self.done = 0

        def connection_made(self, transport):
            self.t = transport

        def data_received(self, data):
            self.done += 1
            if self.done < n:
                self.t.write(MSG)
            elif not self.fut.done():
                self.fut.set_result(None)

    async def run():
        loop = asyncio.get_running_loop()
        a, b = pair()
        fut = loop.create_future()
        ta, pa = await loop.connect_accepted_socket(lambda: Pinger(fut), a)
        tb, _ = await loop.connect_accepted_socket(Echo, b)
        t0 = time.perf_counter_ns()
        ta.write(MSG)
        await fut
        elapsed = time.perf_counter_ns() - t0
        ta.close()
        tb.close()
        return elapsed

    loop = uvloop.new_event_loop()
    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()


SYSTEMS = {"selectors": bench_selectors, "wait": bench_wait, "mio": bench_mio, "uvloop": bench_uvloop}


def main():
    system, n = sys.argv[1], int(sys.argv[2])
    print(SYSTEMS[system](n))


if __name__ == "__main__":
    main()
