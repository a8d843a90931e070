#!/usr/bin/env python3
"""Poll.wait (libmio 1.2, issue 22): the one-call wait that returns a list
of (token, readiness) tuples, and LEVEL registrations.

  - against Poll.poll on random event sets: the same sources registered
    with two polls under the same tokens and interests, one read with
    poll() into Events, the other with wait(); the same (token,
    readiness) pairs, also when max_events splits them over several
    calls.  Seeded: MIO_WAIT_SEED=N replays a run (the seed is printed);
    MIO_WAIT_TRIALS sets the number of event sets (default 150);
  - a closed Poll, a Poll closed while another thread waits in it or by
    a signal handler, two waits at once (EBUSY, either kind), a wait
    woken from another thread, PEP 475's retry and a handler's exception;
  - hostile timeout and max_events values (the typemap of Poll.poll);
  - LEVEL: reported at every wait while ready, in both kinds of wait.
Runs on both backends (make check of each build)."""
import errno
import gc
import os
import random
import signal
import socket
import sys
import threading
import time
import unittest
from decimal import Decimal
from fractions import Fraction

import mio

SEED = int(os.environ.get("MIO_WAIT_SEED") or int.from_bytes(os.urandom(4), "little"))
TRIALS = int(os.environ.get("MIO_WAIT_TRIALS", "150"))
print("test_wait.py: MIO_WAIT_SEED=%d (%d event sets, backend %s)" % (SEED, TRIALS, mio.backend()),
      flush=True)


def events_of(poll, events):
    """poll() into events at once: its (token, readiness) pairs."""
    poll.poll(events, 0)
    return [(ev.token(), ev.readiness()) for ev in events]


class Source:
    """One socketpair; `a` is registered, `b` makes its state."""

    def __init__(self, rng):
        self.a, self.b = socket.socketpair()
        self.a.setblocking(False)
        self.b.setblocking(False)
        self.state = rng.choice(["idle", "data", "shut_wr", "closed", "full", "full_data"])
        if self.state in ("full", "full_data"):
            try:
                while True:
                    self.a.send(b"x" * 65536)
            except BlockingIOError:
                pass
        if self.state in ("data", "full_data"):
            self.b.send(os.urandom(rng.randint(1, 300)))
        elif self.state == "shut_wr":
            self.b.shutdown(socket.SHUT_WR)
        elif self.state == "closed":
            self.b.close()

    def close(self):
        self.a.close()
        self.b.close()


class TestAgainstPoll(unittest.TestCase):
    def trial(self, rng, k):
        n = rng.randint(1, 24)
        level = rng.random() < 0.5
        sources = [Source(rng) for _ in range(n)]
        tokens = []
        while len(tokens) < n:
            tok = rng.getrandbits(64) if rng.random() < 0.8 else rng.randint(0, 64)
            if tok not in tokens:
                tokens.append(tok)
        p1, p2 = mio.Poll(), mio.Poll()
        try:
            for s, tok in zip(sources, tokens):
                interest = rng.choice([mio.READABLE, mio.WRITABLE, mio.READABLE | mio.WRITABLE])
                if level and rng.random() < 0.7:
                    interest |= mio.LEVEL
                p1.registry().register(s.a, tok, interest)
                p2.registry().register(s.a, tok, interest)
            want = sorted(events_of(p1, mio.Events(64)))
            if level:
                # Level-triggered registrations come back at every wait:
                # one wait must return every ready source at once.
                got = p2.wait(0)
                self.assertEqual(len(got), len(set(t for t, _ in got)), got)
                got = sorted(got)
            else:
                # Edge-triggered: a max_events below the number ready
                # leaves the rest for the next calls, none twice.
                m = rng.randint(1, n)
                got = []
                while True:
                    part = p2.wait(0, m)
                    self.assertLessEqual(len(part), m)
                    got += part
                    if not part:
                        break
                got = sorted(got)
            for tok, r in got:
                self.assertIsInstance(tok, int)
                self.assertIsInstance(r, int)
                self.assertEqual(r & ~0xff, 0)
            self.assertEqual(got, want, "set %d (seed %d): %s" % (
                k, SEED, [(s.state) for s in sources]))
        finally:
            p1.close()
            p2.close()
            for s in sources:
                s.close()

    def test_random_sets(self):
        rng = random.Random(SEED)
        for k in range(TRIALS):
            self.trial(rng, k)

    def test_same_poll_level(self):
        # LEVEL: the same poll answers poll() and wait() alike, again and
        # again, as long as the state holds.
        rng = random.Random(SEED ^ 0x5a5a)
        sources = [Source(rng) for _ in range(12)]
        p = mio.Poll()
        try:
            for i, s in enumerate(sources):
                p.registry().register(s.a, i, mio.READABLE | mio.WRITABLE | mio.LEVEL)
            ev = mio.Events(64)
            first = sorted(events_of(p, ev))
            for _ in range(3):
                self.assertEqual(sorted(p.wait(0)), first)
                self.assertEqual(sorted(events_of(p, ev)), first)
        finally:
            p.close()
            for s in sources:
                s.close()


class TestLevel(unittest.TestCase):
    def setUp(self):
        self.p = mio.Poll()
        self.a, self.b = socket.socketpair()
        self.a.setblocking(False)

    def tearDown(self):
        self.p.close()
        self.a.close()
        self.b.close()

    def test_constant(self):
        self.assertEqual(mio.LEVEL, 0x20)
        self.assertIn("LEVEL", mio.__all__)
        for bit in (mio.READABLE, mio.WRITABLE, mio.PRIORITY, mio.AIO, mio.LIO):
            self.assertEqual(bit & mio.LEVEL, 0)

    def test_reported_while_ready(self):
        reg = self.p.registry()
        reg.register(self.a, 7, mio.READABLE | mio.LEVEL)
        self.assertEqual(self.p.wait(0), [])
        self.b.send(b"abc")
        for _ in range(3):
            self.assertEqual(self.p.wait(0), [(7, mio.EVENT_READABLE)])
        self.a.recv(10)
        self.assertEqual(self.p.wait(0), [])
        # back to edge-triggered: once per edge
        self.b.send(b"abc")
        reg.reregister(self.a, 7, mio.READABLE)
        self.assertEqual(self.p.wait(0), [(7, mio.EVENT_READABLE)])
        self.assertEqual(self.p.wait(0), [])
        # and level again, without reading anything
        reg.reregister(self.a, 8, mio.READABLE | mio.LEVEL)
        self.assertEqual(self.p.wait(0), [(8, mio.EVENT_READABLE)])
        self.assertEqual(self.p.wait(0), [(8, mio.EVENT_READABLE)])

    def test_writable_and_hangup(self):
        self.p.registry().register(self.a, 1, mio.WRITABLE | mio.LEVEL)
        for _ in range(3):
            self.assertEqual(self.p.wait(0), [(1, mio.EVENT_WRITABLE)])
        self.b.close()
        r = self.p.wait(0)
        self.assertEqual(len(r), 1)
        self.assertTrue(r[0][1] & mio.EVENT_WRITE_CLOSED, r)
        self.assertEqual(self.p.wait(0), r)

    def test_level_alone_is_einval(self):
        with self.assertRaises(OSError) as cm:
            self.p.registry().register(self.a, 1, mio.LEVEL)
        self.assertEqual(cm.exception.errno, errno.EINVAL)


class TestWait(unittest.TestCase):
    def setUp(self):
        self.p = mio.Poll()

    def tearDown(self):
        self.p.close()

    def test_result(self):
        w = mio.Waker(self.p.registry(), 2**64 - 1)
        self.assertEqual(self.p.wait(0), [])
        w.wake()
        r = self.p.wait(1.0)
        self.assertIs(type(r), list)
        self.assertEqual(r, [(2**64 - 1, mio.EVENT_READABLE)])
        self.assertIs(type(r[0]), tuple)
        w.wake()
        self.assertEqual(self.p.wait(None), [(2**64 - 1, mio.EVENT_READABLE)])
        w.wake()
        self.assertEqual(self.p.wait(), [(2**64 - 1, mio.EVENT_READABLE)])
        w.close()

    def test_timeout_waits(self):
        t0 = time.monotonic()
        self.assertEqual(self.p.wait(0.05), [])
        self.assertGreaterEqual(time.monotonic() - t0, 0.045)
        self.assertEqual(self.p.wait(0.0001, 1), [])

    def test_positional_only(self):
        with self.assertRaises(TypeError):
            self.p.wait(timeout=0)  # type: ignore[call-arg]
        with self.assertRaises(TypeError):
            self.p.wait(0, 1, 2)  # type: ignore[call-arg]

    def test_hostile_timeouts(self):
        p = self.p
        cases = [
            (float("nan"), ValueError), (-1, ValueError), (-1e-9, ValueError),
            (float("-inf"), ValueError), (float("inf"), OverflowError), (2**31, OverflowError),
            (1e300, OverflowError), (10**400, OverflowError), (Decimal("nan"), ValueError),
            ("1", TypeError), (b"1", TypeError), (1j, TypeError), ([], TypeError), (object(), TypeError),
        ]
        for value, exc in cases:
            with self.subTest(timeout=value):
                with self.assertRaises(exc):
                    p.wait(value)
                with self.assertRaises(exc):
                    p.wait(value, 4)
        for ok in (0, 0.0, -0.0, False, Fraction(1, 10**6), Decimal("0.000001"), 2147483.647):
            if ok == 2147483.647:
                continue  # valid, but a long wait
            with self.subTest(timeout=ok):
                self.assertEqual(p.wait(ok), [])

        class Raises:
            def __float__(self):
                raise KeyError("mine")
        with self.assertRaises(KeyError):
            p.wait(Raises())

        class Closes:
            def __float__(self):
                p.close()
                return 0.0
        # the conversion closes the poll: EBADF, never a freed selector
        with self.assertRaises(OSError) as cm:
            p.wait(Closes())
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_hostile_max_events(self):
        for value, exc in [(0, ValueError), (1025, ValueError), (-1, OverflowError),
                           (2**64, OverflowError), (1.0, TypeError), ("4", TypeError), (None, TypeError)]:
            with self.subTest(max_events=value):
                with self.assertRaises(exc):
                    self.p.wait(0, value)
        for ok in (1, 1024, True):
            self.assertEqual(self.p.wait(0, ok), [])

    def test_wrong_self(self):
        for bad in (None, mio.Events(1), 3, "x"):
            with self.assertRaises(TypeError):
                mio.Poll.wait(bad)  # type: ignore[arg-type]

    def test_closed(self):
        self.p.close()
        for args in ((), (0,), (None, 4)):
            with self.assertRaises(OSError) as cm:
                self.p.wait(*args)
            self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_ebusy_either_kind(self):
        # The library's one-waiter rule: a second wait of either kind on
        # the same poll while one is blocked in another thread.
        reg = self.p.registry()
        waker = mio.Waker(reg, 5)
        for blocked in ("wait", "poll"):
            got = []
            ev = mio.Events(4)
            if blocked == "wait":
                t = threading.Thread(target=lambda: got.append(self.p.wait(10.0)))
            else:
                t = threading.Thread(target=lambda: got.append(self.p.poll(ev, 10.0)))
            t.start()
            time.sleep(0.2)
            with self.subTest(blocked=blocked):
                with self.assertRaises(OSError) as cm:
                    self.p.wait(0)
                self.assertEqual(cm.exception.errno, errno.EBUSY)
                with self.assertRaises(OSError) as cm:
                    self.p.poll(mio.Events(4), 0)
                self.assertEqual(cm.exception.errno, errno.EBUSY)
            waker.wake()
            t.join(10)
            self.assertFalse(t.is_alive())
            self.assertEqual(got, [[(5, mio.EVENT_READABLE)]] if blocked == "wait" else [1])
        waker.close()

    def test_close_while_blocked(self):
        # Poll.close() from another thread: the wait in progress returns
        # (its timeout), the next one is EBADF.
        got = []
        t = threading.Thread(target=lambda: got.append(self.p.wait(0.3)))
        t.start()
        time.sleep(0.1)
        self.p.close()
        t.join(10)
        self.assertEqual(got, [[]])
        with self.assertRaises(OSError) as cm:
            self.p.wait(0)
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_gil_released(self):
        # Another thread runs Python code while this one waits.
        ticks = []
        stop = threading.Event()

        def spin():
            while not stop.is_set():
                ticks.append(1)
                time.sleep(0.001)
        t = threading.Thread(target=spin)
        t.start()
        self.p.wait(0.2)
        stop.set()
        t.join()
        self.assertGreater(len(ticks), 5)

    def test_no_growth(self):
        # Nothing kept per call: the list and its tuples are all a wait
        # allocates, and they go with the result.
        w = mio.Waker(self.p.registry(), 1)
        for _ in range(1000):
            w.wake()
            self.p.wait(0)
        gc.collect()
        before = sys.getallocatedblocks()
        for _ in range(20000):
            w.wake()
            self.p.wait(0)
        gc.collect()
        self.assertLess(sys.getallocatedblocks() - before, 50)
        w.close()


class TestSignals(unittest.TestCase):
    def setUp(self):
        self.p = mio.Poll()
        self.old = signal.getsignal(signal.SIGALRM)

    def tearDown(self):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old if self.old not in (signal.SIG_DFL, None)
                      else signal.SIG_IGN)
        self.p.close()

    def test_retried_for_the_time_left(self):
        got = []
        signal.signal(signal.SIGALRM, lambda s, f: got.append(s))
        signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
        t0 = time.monotonic()
        r = self.p.wait(0.4)
        dt = time.monotonic() - t0
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.assertEqual(r, [])
        self.assertGreaterEqual(len(got), 2)
        self.assertGreaterEqual(dt, 0.38)
        self.assertLess(dt, 3.0)

    def test_handler_exception(self):
        class Boom(Exception):
            pass

        def handler(s, f):
            raise Boom()
        signal.signal(signal.SIGALRM, handler)
        for timeout in (5.0, None):
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            t0 = time.monotonic()
            with self.assertRaises(Boom):
                self.p.wait(timeout)
            self.assertLess(time.monotonic() - t0, 2.0)
        self.assertEqual(self.p.wait(0), [])

    def test_handler_closes_poll(self):
        signal.signal(signal.SIGALRM, lambda *a: self.p.close())
        for timeout in (5.0, None):
            self.p = mio.Poll()
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            t0 = time.monotonic()
            with self.assertRaises(OSError) as cm:
                self.p.wait(timeout)
            self.assertEqual(cm.exception.errno, errno.EBADF)
            self.assertLess(time.monotonic() - t0, 3.0)

    def test_nested_wait_in_handler(self):
        # A handler that waits on another poll: each wait has its own
        # records, the outer one goes on for the time left.
        other = mio.Poll()
        w = mio.Waker(other.registry(), 9)
        inner = []

        def handler(s, f):
            w.wake()
            inner.append(other.wait(0))
        signal.signal(signal.SIGALRM, handler)
        ow = mio.Waker(self.p.registry(), 4)
        threading.Timer(0.3, ow.wake).start()
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        self.assertEqual(self.p.wait(5.0), [(4, mio.EVENT_READABLE)])
        self.assertEqual(inner, [[(9, mio.EVENT_READABLE)]])
        ow.close()
        w.close()
        other.close()


if __name__ == "__main__":
    unittest.main()
