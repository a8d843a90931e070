#!/usr/bin/env python3
"""Checks an echo server (the examples' echo_server.py / .lua) with the
stdlib only: several clients at once, payloads from 1 byte to 2 MiB (so
the server meets partial writes), each half-closed and read back whole,
plus a client that vanishes mid-stream.  Exit status 0 when every byte
came back in order.

    echo_client.py HOST PORT
"""
import os
import socket
import sys
import threading


def one(addr, size, results, i):
    data = os.urandom(size)
    got = bytearray()
    with socket.create_connection(addr, timeout=30) as s:
        def send():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        t = threading.Thread(target=send)
        t.start()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        t.join()
    results[i] = bytes(got) == data


def rude(addr):
    s = socket.create_connection(addr, timeout=30)
    s.sendall(os.urandom(300000))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    s.close()  # RST with unread echo pending on the server


def main():
    addr = (sys.argv[1], int(sys.argv[2]))
    sizes = [1, 10, 1000, 65536, 300000, 2 << 20, 7, 123457]
    results = [False] * len(sizes)
    rude(addr)
    threads = [threading.Thread(target=one, args=(addr, n, results, i))
               for i, n in enumerate(sizes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    rude(addr)
    results.append(False)
    one(addr, 4096, results, len(results) - 1)  # still serving afterwards
    ok = all(results)
    print("echo client: %d/%d clients got their bytes back" % (sum(results), len(results)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
