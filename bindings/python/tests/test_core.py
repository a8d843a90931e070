#!/usr/bin/env python3
"""mio Python binding: Poll, Registry, Events, Event, Waker, pipes, errors."""
import errno
import gc
import os
import socket
import threading
import time
import unittest

import mio


def poll_until(poll, events, pred, limit=5.0):
    """Poll until pred(list_of_events) holds; returns the events seen."""
    seen = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        poll.poll(events, 0.5)
        seen.extend(events)
        if pred(seen):
            return seen
    raise AssertionError("no matching event within %.1fs: %r" % (limit, seen))


def poll_fd_or_none(testcase, poll):
    """poll.fileno() on epoll; on the poll(2) backend there is no selector
    fd (mio_poll_fd is -EOPNOTSUPP there), so check that error and return
    None."""
    if mio.backend() == "poll":
        with testcase.assertRaises(OSError) as cm:
            poll.fileno()
        testcase.assertEqual(cm.exception.errno, errno.EOPNOTSUPP)
        return None
    return poll.fileno()


class TestCore(unittest.TestCase):
    def setUp(self):
        self.poll = mio.Poll()
        self.events = mio.Events(32)
        self.registry = self.poll.registry()

    def tearDown(self):
        self.poll.close()

    def test_module_names(self):
        for name in ("Poll", "Registry", "Events", "Event", "Waker", "TcpListener",
                     "TcpStream", "UdpSocket", "UnixListener", "UnixStream",
                     "UnixDatagram", "pipe", "READABLE", "WRITABLE", "PRIORITY",
                     "AIO", "LIO"):
            self.assertTrue(hasattr(mio, name), name)
        self.assertEqual((mio.READABLE, mio.WRITABLE, mio.PRIORITY), (1, 2, 0x10))
        self.assertTrue(mio.version())
        self.assertIn(mio.backend(), ("epoll", "poll"))

    def test_events_empty_and_capacity(self):
        self.assertEqual(self.events.capacity(), 32)
        self.assertEqual(len(self.events), 0)
        self.assertTrue(self.events.is_empty())
        self.assertEqual(list(self.events), [])
        self.assertIsNone(self.events.get(0))
        self.assertEqual(self.poll.poll(self.events, 0), 0)
        self.assertEqual(self.poll.poll(self.events, 0.0), 0)

    def test_poll_timeout_is_seconds(self):
        t = time.monotonic()
        self.assertEqual(self.poll.poll(self.events, 0.05), 0)
        self.assertGreaterEqual(time.monotonic() - t, 0.04)

    def test_pipe_readable_with_token(self):
        tx, rx = mio.pipe()
        self.registry.register(rx, 42, mio.READABLE)
        self.assertEqual(self.poll.poll(self.events, 0), 0)
        self.assertEqual(tx.write(b"ping"), 4)
        seen = poll_until(self.poll, self.events, lambda s: any(e.token() == 42 for e in s))
        ev = [e for e in seen if e.token() == 42][0]
        self.assertTrue(ev.is_readable())
        self.assertFalse(ev.is_writable())
        buf = bytearray(16)
        self.assertEqual(rx.readinto(buf), 4)
        self.assertEqual(bytes(buf[:4]), b"ping")
        with self.assertRaises(BlockingIOError):
            rx.read(16)
        self.assertEqual(tx.writev([b"a", memoryview(b"bc")]), 3)
        self.assertEqual(rx.read(16), b"abc")
        tx.close()
        self.assertEqual(rx.read(16), b"")  # end of file
        self.registry.deregister(rx)

    def test_token_round_trip_pointer_sized(self):
        tx, rx = mio.pipe()
        for token in (0, 7, 2**53 + 1, 2**63 + 5, 2**64 - 1):
            self.registry.register(rx, token, mio.READABLE)
            tx.write(b"x")
            seen = poll_until(self.poll, self.events, lambda s: len(s) > 0)
            self.assertEqual(seen[0].token(), token)
            self.assertIs(type(seen[0].token()), int)
            rx.read(8)
            self.registry.deregister(rx)
        with self.assertRaises(OverflowError):
            self.registry.register(rx, -1, mio.READABLE)
        with self.assertRaises(OverflowError):
            self.registry.register(rx, 2**64, mio.READABLE)
        with self.assertRaises(TypeError):
            self.registry.register(rx, "1", mio.READABLE)

    def test_register_socket_and_fd_and_fileno_objects(self):
        a, b = socket.socketpair()
        try:
            a.setblocking(False)
            self.registry.register(a, 1, mio.READABLE)       # fileno() object
            self.registry.register(b.fileno(), 2, mio.WRITABLE)  # int fd
            b.send(b"!")
            seen = poll_until(self.poll, self.events,
                              lambda s: {1, 2} <= {e.token() for e in s})
            self.assertTrue(any(e.token() == 1 and e.is_readable() for e in seen))
            self.registry.reregister(a, 3, mio.WRITABLE)
            self.registry.deregister(a)
            self.registry.deregister(b.fileno())
        finally:
            a.close()
            b.close()

    def test_error_mapping(self):
        tx, rx = mio.pipe()
        with self.assertRaises(OSError) as cm:
            self.registry.register(rx, 1, 0)  # no interests
        self.assertEqual(cm.exception.errno, 22)
        r, w = os.pipe()
        os.close(r)
        os.close(w)
        with self.assertRaises(OSError) as cm:
            self.registry.register(r, 1, mio.READABLE)
        self.assertEqual(cm.exception.errno, 9)
        with self.assertRaises(FileNotFoundError):
            mio.UnixStream.connect("/nonexistent/mio-binding-test")
        with self.assertRaises(TypeError):
            self.registry.register(object(), 1, mio.READABLE)
        with self.assertRaises(TypeError):
            self.poll.poll(None, 0)
        with self.assertRaises(TypeError):
            self.poll.poll(self.events, "1")
        with self.assertRaises(ValueError):
            self.poll.poll(self.events, -1)
        with self.assertRaises(TypeError):
            mio.Waker(None, 1)
        with self.assertRaises(TypeError):
            mio.TcpStream.read(None, 1)
        with self.assertRaises(TypeError):
            tx.write("not bytes")
        with self.assertRaises(TypeError):
            mio.TcpListener.bind("127.0.0.1:0")
        rx.close()
        with self.assertRaises(OSError) as cm:
            rx.read(1)
        self.assertEqual(cm.exception.errno, 9)
        rx.close()  # twice is fine

    def test_waker_from_thread_while_polling(self):
        waker = mio.Waker(self.registry, 77)
        start = threading.Event()

        def wake():
            start.wait()
            time.sleep(0.05)
            waker.wake()

        t = threading.Thread(target=wake)
        t.start()
        start.set()
        # Only the other thread can end this wait early, and only if poll()
        # released the GIL; otherwise it times out with no events.
        n = self.poll.poll(self.events, 30.0)
        t.join()
        self.assertEqual(n, 1)
        ev = list(self.events)[0]
        self.assertEqual(ev.token(), 77)
        self.assertTrue(ev.is_readable())
        waker.close()

    def test_registry_keeps_poll_alive(self):
        poll = mio.Poll()
        reg = poll.registry()
        clone = reg.try_clone()
        tx, rx = mio.pipe()
        fd = poll_fd_or_none(self, poll)
        del poll
        gc.collect()
        if fd is not None:
            os.fstat(fd)  # the selector is still open
        reg.register(rx, 5, mio.READABLE)
        clone.reregister(rx, 6, mio.READABLE)
        del reg, clone
        gc.collect()
        if fd is not None:
            with self.assertRaises(OSError):
                os.fstat(fd)

    def test_events_outlive_poll_and_events(self):
        tx, rx = mio.pipe()
        self.registry.register(rx, 9, mio.READABLE)
        tx.write(b"x")
        poll_until(self.poll, self.events, lambda s: len(s) > 0)
        kept = list(self.events)
        got = self.events.get(0)
        self.events = mio.Events(4)
        gc.collect()
        self.assertEqual(kept[0].token(), 9)
        self.assertEqual(got.token(), 9)
        self.assertIn("token=9", repr(got))

    def test_from_fd_into_fd(self):
        r, w = os.pipe()
        tx = mio.Sender.from_fd(w)
        rx = mio.Receiver.from_fd(r)
        self.assertEqual(tx.fileno(), w)
        tx.write(b"z")
        fd = rx.into_fd()
        self.assertEqual(fd, r)
        with self.assertRaises(OSError):
            rx.read(1)
        self.assertEqual(os.read(fd, 1), b"z")
        os.close(fd)
        with self.assertRaises(OSError):
            mio.Receiver.from_fd(-1)

    def test_context_manager(self):
        with mio.Poll() as p:
            fd = poll_fd_or_none(self, p)
            if fd is not None:
                os.fstat(fd)
            self.assertEqual(p.poll(self.events, 0), 0)
        with self.assertRaises(OSError) as cm:
            p.fileno()
        self.assertEqual(cm.exception.errno, errno.EBADF)


if __name__ == "__main__":
    unittest.main()
