#!/usr/bin/env python3
"""TCP echo server on libmio's Python binding: the same server as the C
tcp_server example.  Many clients, partial writes (unsent bytes wait for
WRITABLE), peers that close (their state is dropped).

    python3 echo_server.py [HOST:PORT]      (default 127.0.0.1:9000)

It prints "listening on HOST:PORT" once it accepts connections.
"""
from __future__ import annotations

import sys

import mio

SERVER = 0
HIGH_WATER = 1 << 20  # stop reading while this much waits for a slow reader


class Conn:
    def __init__(self, stream: mio.TcpStream) -> None:
        self.stream = stream
        self.pending = bytearray()  # read but not yet echoed
        self.eof = False            # the peer has finished sending


def parse(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return (host.strip("[]"), int(port))


def service(conn: Conn, buf: bytearray) -> bool:
    """Echo what the peer sent; returns False once the connection is done.

    Readiness is edge-triggered: after an event, a source is reported again
    only once one of its I/O calls has failed with would-block (the poll(2)
    backend re-arms it on that and nothing else).  So a turn may end only
    on a would-block: a read that would block (READABLE will come), or a
    write that would block (WRITABLE will come).  When HIGH_WATER stopped
    the reads and the writes then all went through, neither has happened,
    so go round again.
    Raises OSError when the peer reset the connection.
    """
    view = memoryview(buf)
    while True:
        read_blocked = False
        try:
            while not conn.eof and len(conn.pending) < HIGH_WATER:
                n = conn.stream.readinto(buf)
                if n == 0:
                    conn.eof = True  # echo what is left, then close
                else:
                    conn.pending += view[:n]
        except BlockingIOError:
            read_blocked = True
        try:
            while conn.pending:
                n = conn.stream.write(conn.pending)  # may be a partial write
                del conn.pending[:n]
        except BlockingIOError:
            return True   # the rest waits for WRITABLE
        if conn.eof:
            return False  # everything echoed
        if read_blocked:
            return True   # wait for READABLE


def main(argv: list[str]) -> None:
    addr = parse(argv[1]) if len(argv) > 1 else ("127.0.0.1", 9000)
    poll = mio.Poll()
    registry = poll.registry()
    listener = mio.TcpListener.bind(addr)
    registry.register(listener, SERVER, mio.READABLE)
    print("listening on %s" % mio.addr_format(listener.local_addr()), flush=True)

    conns: dict[int, Conn] = {}  # token -> Conn
    next_token = 1
    buf = bytearray(65536)

    while True:
        # One call per wait: the events as (token, readiness) tuples.
        # Whatever the readiness, a connection's turn ends on EAGAIN.
        for token, _readiness in poll.wait(None):
            if token == SERVER:
                while True:  # edge-triggered: accept until it would block
                    try:
                        stream, _peer = listener.accept()
                    except BlockingIOError:
                        break
                    registry.register(stream, next_token, mio.READABLE | mio.WRITABLE)
                    conns[next_token] = Conn(stream)
                    next_token += 1
                continue
            conn = conns.get(token)
            if conn is None:
                continue  # a stale event for a connection already closed
            try:
                alive = service(conn, buf)
            except OSError:
                alive = False  # reset by peer, or broken pipe
            if not alive:
                registry.deregister(conn.stream)
                conn.stream.close()
                del conns[token]


if __name__ == "__main__":
    try:
        main(sys.argv)
    except KeyboardInterrupt:
        pass
