#!/usr/bin/env python3
"""TCP echo server on libmio's Python binding: the same server as the C
tcp_server example.  Many clients, partial writes (unsent bytes wait for
WRITABLE), peers that close (their state is dropped).

    python3 echo_server.py [HOST:PORT]      (default 127.0.0.1:9000)

It prints "listening on HOST:PORT" once it accepts connections.
"""
import sys

import mio

SERVER = 0


def parse(text):
    host, _, port = text.rpartition(":")
    return (host.strip("[]"), int(port))


def main(argv):
    addr = parse(argv[1]) if len(argv) > 1 else ("127.0.0.1", 9000)
    poll = mio.Poll()
    registry = poll.registry()
    events = mio.Events(256)
    listener = mio.TcpListener.bind(addr)
    registry.register(listener, SERVER, mio.READABLE)
    print("listening on %s" % mio.addr_format(listener.local_addr()), flush=True)

    conns = {}      # token -> [stream, unsent bytes, peer sent EOF]
    next_token = 1
    buf = bytearray(65536)
    view = memoryview(buf)

    while True:
        poll.poll(events, None)
        for ev in events:
            token = ev.token()
            if token == SERVER:
                while True:  # edge-triggered: accept until it would block
                    try:
                        stream, _peer = listener.accept()
                    except BlockingIOError:
                        break
                    registry.register(stream, next_token, mio.READABLE | mio.WRITABLE)
                    conns[next_token] = [stream, bytearray(), False]  # + EOF seen
                    next_token += 1
                continue
            conn = conns.get(token)
            if conn is None:
                continue  # a stale event for a connection already closed
            stream, pending = conn[0], conn[1]
            failed = False
            # Whatever the event says, read until the kernel would block
            # (or too much is waiting for a slow reader), then write until
            # it would block: with edge-triggered readiness a source that
            # is not drained reports nothing more.
            try:
                while not conn[2] and len(pending) < 1 << 20:
                    n = stream.readinto(buf)
                    if n == 0:
                        conn[2] = True  # peer done sending; echo what is left
                        break
                    pending += view[:n]
            except BlockingIOError:
                pass
            except OSError:
                failed = True  # reset by peer
            try:
                while pending and not failed:
                    n = stream.write(pending)
                    del pending[:n]
            except BlockingIOError:
                pass
            except OSError:
                failed = True  # broken pipe: the peer is gone
            if failed or (conn[2] and not pending):
                registry.deregister(stream)
                stream.close()
                del conns[token]

if __name__ == "__main__":
    try:
        main(sys.argv)
    except KeyboardInterrupt:
        pass
