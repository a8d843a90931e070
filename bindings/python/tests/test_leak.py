#!/usr/bin/env python3
"""mio Python binding: 100,000 create/use/collect cycles leave memory and
the fd count flat (no leak, no double free: a double free would crash or
corrupt the heap long before the end)."""
import gc
import os
import unittest

import mio

# MIO_LEAK_CYCLES scales the run down (valgrind finds a leak in a few
# hundred cycles; the RSS check below needs the full count).
CYCLES = int(os.environ.get("MIO_LEAK_CYCLES", "100000"))
WARMUP = CYCLES // 10


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def cycle(i):
    poll = mio.Poll()
    reg = poll.registry()
    events = mio.Events(8)
    waker = mio.Waker(reg, i)
    tx, rx = mio.pipe()
    reg.register(rx, i, mio.READABLE)
    tx.write(b"x")
    waker.wake()
    poll.poll(events, 0)
    tokens = [e.token() for e in events]
    assert i in tokens, tokens
    rx.read(4)
    try:
        rx.read(4)
    except BlockingIOError:
        pass
    a, b = mio.UnixStream.pair()
    a.write(b"y")
    b.readinto(bytearray(2))
    if i % 2:
        # Collection order differs each time: the Poll goes first here.
        del poll
        reg.deregister(rx)
        clone = reg.try_clone()
    else:
        poll.close()  # closes the selector: its registries are EBADF
        try:
            reg.try_clone()
            raise AssertionError("try_clone on a closed poll")
        except OSError:
            pass
        clone = None
    del clone, reg, events, waker, tx, rx, a, b


class TestLeak(unittest.TestCase):
    def test_create_collect_cycles(self):
        u = mio.UdpSocket.bind(("127.0.0.1", 0))
        for i in range(WARMUP):
            cycle(i)
        gc.collect()
        rss0, fds0 = rss_kib(), fd_count()
        for i in range(CYCLES):
            cycle(i)
            if i % 1000 == 0:
                try:
                    mio.TcpListener.bind(("256.0.0.1", 0))
                except OSError:
                    pass
                u.send_to(b"z", u.local_addr())
                u.recv_from(8)
        gc.collect()
        rss1, fds1 = rss_kib(), fd_count()
        print("rss %d KiB -> %d KiB, fds %d -> %d over %d cycles"
              % (rss0, rss1, fds0, fds1, CYCLES))
        self.assertEqual(fds1, fds0)
        # A leak of even one small block per cycle would be > 3 MiB here.
        if CYCLES >= 100000:
            self.assertLess(rss1 - rss0, 2048)


if __name__ == "__main__":
    unittest.main()
