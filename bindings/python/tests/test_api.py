#!/usr/bin/env python3
"""The Python module's surface beyond the core tests: TcpSocket and
Event.readiness() (libmio 1.1), the built-in types' protocol methods
(with, repr, len, iteration, fileno), and that Event objects handed out
by iteration are copies a script may keep."""
import errno
import os
import socket
import unittest

import mio


class TestTcpSocket(unittest.TestCase):
    def test_options_round_trip(self):
        with mio.TcpSocket.new_v4() as s:
            for name in ("reuseaddr", "reuseport", "keepalive", "nodelay"):
                getattr(s, "set_" + name)(True)
                self.assertIs(getattr(s, "get_" + name)(), True, name)
                getattr(s, "set_" + name)(False)
                self.assertIs(getattr(s, "get_" + name)(), False, name)
            s.set_recv_buffer_size(65536)
            self.assertGreaterEqual(s.get_recv_buffer_size(), 65536)
            s.set_send_buffer_size(65536)
            self.assertGreaterEqual(s.get_send_buffer_size(), 65536)
            s.set_keepalive_time(30.0)
            self.assertEqual(s.get_keepalive_time(), 30.0)
            s.set_keepalive_interval(5)
            self.assertEqual(s.get_keepalive_interval(), 5.0)
            s.set_keepalive_retries(4)
            self.assertEqual(s.get_keepalive_retries(), 4)
            self.assertEqual(s.get_linger(), -1.0)
            s.set_linger(2.0)
            self.assertEqual(s.get_linger(), 2.0)
            s.set_linger(None)
            self.assertEqual(s.get_linger(), -1.0)
            with self.assertRaises(OverflowError):
                s.set_keepalive_retries(-1)
            with self.assertRaises(OSError) as cm:
                s.set_keepalive_time(None)
            self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_listen_connect_consume(self):
        s = mio.TcpSocket.new_v4()
        s.set_reuseaddr(True)
        s.bind(("127.0.0.1", 0))
        addr = s.local_addr()
        self.assertEqual(addr[0], "127.0.0.1")
        listener = s.listen(16)
        for call in (s.fileno, lambda: s.listen(1), lambda: s.connect(addr)):
            with self.assertRaises(OSError) as cm:
                call()
            self.assertEqual(cm.exception.errno, errno.EBADF)
        c = mio.TcpSocket.new_v4()
        c.set_nodelay(True)
        stream = c.connect(addr)
        with self.assertRaises(OSError):
            c.fileno()
        with mio.Poll() as poll:
            events = mio.Events(8)
            poll.registry().register(stream, 7, mio.WRITABLE)
            self.assertGreaterEqual(poll.poll(events, 5.0), 1)
            ev = list(events)[0]
            self.assertEqual(ev.token(), 7)
            self.assertTrue(ev.readiness() & mio.EVENT_WRITABLE)
        self.assertEqual(stream.take_error(), 0)
        peer, _ = listener.accept()
        self.assertEqual(stream.write(b"hi"), 2)
        peer.close()
        stream.close()
        listener.close()

    def test_failed_connect_consumes_too(self):
        c = mio.TcpSocket.new_v4()
        with self.assertRaises(OSError):
            c.connect(("::1", 1))   # family mismatch: EINVAL or EAFNOSUPPORT
        with self.assertRaises(OSError) as cm:
            c.fileno()
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_no_default_constructor(self):
        with self.assertRaises(TypeError):
            mio.TcpSocket()

    def test_v6(self):
        try:
            s = mio.TcpSocket.new_v6()
        except OSError as e:
            self.skipTest("no IPv6: %s" % e)
        s.set_only_v6(True)
        self.assertIs(s.get_only_v6(), True)
        try:
            s.bind(("::1", 0))
        except OSError as e:
            s.close()
            self.skipTest("::1 not bindable: %s" % e)
        self.assertEqual(s.local_addr()[0], "::1")
        s.close()


class TestEvents(unittest.TestCase):
    def setUp(self):
        self.poll = mio.Poll()
        self.events = mio.Events(4)
        self.a, self.b = socket.socketpair()
        self.a.setblocking(False)
        self.b.setblocking(False)
        self.poll.registry().register(self.b, 5, mio.READABLE)

    def tearDown(self):
        self.poll.close()
        self.a.close()
        self.b.close()

    def wait(self):
        self.assertEqual(self.poll.poll(self.events, 5.0), 1)

    def test_readiness_agrees_with_predicates(self):
        self.a.send(b"x")
        self.a.shutdown(socket.SHUT_WR)
        self.wait()
        (ev,) = self.events
        bits = ev.readiness()
        for name, bit in (("readable", mio.EVENT_READABLE), ("writable", mio.EVENT_WRITABLE),
                          ("error", mio.EVENT_ERROR), ("read_closed", mio.EVENT_READ_CLOSED),
                          ("write_closed", mio.EVENT_WRITE_CLOSED),
                          ("priority", mio.EVENT_PRIORITY), ("aio", mio.EVENT_AIO),
                          ("lio", mio.EVENT_LIO)):
            self.assertEqual(bool(bits & bit), getattr(ev, "is_" + name)(), name)
        self.assertTrue(ev.is_readable() and ev.is_read_closed())
        self.assertIn("readable", repr(ev))
        self.assertIn("token=5", repr(ev))

    def test_kept_event_is_a_copy(self):
        # Event objects are reused by iteration only when nothing else
        # holds them: one a script keeps never changes.
        self.a.send(b"1")
        self.wait()
        kept = [ev for ev in self.events]
        self.assertEqual(kept[0].token(), 5)
        self.b.recv(10)
        self.poll.registry().reregister(self.b, 9, mio.READABLE)
        for round_ in range(5):
            self.a.send(b"2")
            self.wait()
            for ev in self.events:
                self.assertEqual(ev.token(), 9)
            self.b.recv(10)
            # a raw fd drained by hand: re-arm it (the poll(2) backend's rule)
            self.poll.registry().reregister(self.b, 9, mio.READABLE)
        self.assertEqual(kept[0].token(), 5)
        self.assertTrue(kept[0].is_readable())

    def test_protocols(self):
        self.assertEqual(len(self.events), 0)
        self.assertFalse(self.events)
        self.a.send(b"x")
        self.wait()
        self.assertEqual(len(self.events), 1)
        self.assertTrue(self.events)
        self.assertEqual([e.token() for e in self.events], [5])
        self.assertEqual(self.events.get(0).token(), 5)
        self.assertIsNone(self.events.get(1))

    def test_with_returns_the_object(self):
        p = mio.Poll()
        with p as q:
            self.assertIs(q, p)
        with self.assertRaises(OSError) as cm:
            p.registry()
        self.assertEqual(cm.exception.errno, errno.EBADF)
        tx, rx = mio.pipe()
        with tx, rx:
            self.assertGreaterEqual(tx.fileno(), 0)
        with self.assertRaises(OSError):
            tx.fileno()


class TestRepr(unittest.TestCase):
    def test_repr_shows_fd_and_state(self):
        tx, rx = mio.pipe()
        self.assertEqual(repr(tx), "<mio.Sender fd=%d>" % tx.fileno())
        tx.close()
        self.assertEqual(repr(tx), "<mio.Sender closed>")
        rx.close()
        s = mio.TcpSocket.new_v4()
        self.assertIn("fd=%d" % s.fileno(), repr(s))
        s.close()
        p = mio.Poll()
        self.assertRegex(repr(p), r"<mio\.Poll (fd=\d+|open)>")  # no fd on poll(2)
        r = p.registry()
        self.assertIn(repr(r), ("<mio.Registry open>",))
        p.close()
        self.assertEqual(repr(p), "<mio.Poll closed>")


class TestDocs(unittest.TestCase):
    CLASSES = ("Poll", "Registry", "Events", "Event", "Waker", "TcpListener",
               "TcpStream", "TcpSocket", "UdpSocket", "UnixListener", "UnixStream",
               "UnixDatagram", "Sender", "Receiver")

    def test_every_class_and_method_documented(self):
        missing = []
        for c in self.CLASSES:
            cls = getattr(mio, c)
            if not (cls.__doc__ or "").strip():
                missing.append(c)
            for m in dir(cls):
                if m.startswith("_") or m in ("this", "thisown"):
                    continue
                if not (getattr(cls, m).__doc__ or "").strip():
                    missing.append(c + "." + m)
        self.assertEqual(missing, [])

    def test_poll_doc_says_signature_meaning_and_errors(self):
        doc = mio.Poll.poll.__doc__
        self.assertIn("poll(", doc)
        self.assertIn("timeout", doc)
        self.assertIn("EBUSY", doc)


if __name__ == "__main__":
    unittest.main()
