#!/usr/bin/env python3
"""The re-entrancy rule of mio_python.i (issue 19): every typemap that can
run script code gets a hostile value that re-enters while it converts:
it closes the objects of the call, collects garbage, mutates the
container it came in, or answers differently each time.  The call must
then see a closed object (EBADF), what was read once, or a clean error;
never freed memory, never a second reading."""
import errno
import gc
import os
import tempfile
import unittest

import mio


class Counter:
    """Answers differently each time it is asked, and runs `act`."""

    def __init__(self, answers, act=lambda: None):
        self.answers, self.act, self.n = answers, act, 0

    def next(self):
        self.act()
        v = self.answers[min(self.n, len(self.answers) - 1)]
        self.n += 1
        return v


class TestReentrancy(unittest.TestCase):
    def assertEBADF(self, f, *a):
        with self.assertRaises(OSError) as cm:
            f(*a)
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_source_fileno_closes_registry_and_poll(self):   # int SOURCE
        p = mio.Poll()
        reg = p.registry()
        tx, rx = mio.pipe()
        c = Counter([rx.fileno(), 2**31 - 1], lambda: (reg.close(), p.close(), gc.collect()))
        src = type("Src", (), {"fileno": lambda self: c.next()})()
        self.assertEBADF(reg.register, src, 1, mio.READABLE)
        self.assertEqual(c.n, 1)   # asked once

    def test_timeout_float_closes_poll(self):                # TIMEOUT
        p, ev = mio.Poll(), mio.Events(2)
        c = Counter([0.0, float("nan")], lambda: (p.close(), gc.collect()))
        t = type("T", (), {"__float__": lambda self: c.next()})()
        self.assertEBADF(p.poll, ev, t)
        self.assertEqual(c.n, 1)

    def test_duration_index_changes(self):                   # DURATION
        s = mio.TcpSocket.new_v4()
        c = Counter([3, 2**40], lambda: gc.collect())
        d = type("D", (), {"__index__": lambda self: c.next()})()
        s.set_linger(d)
        self.assertEqual(s.get_linger(), 3.0)
        self.assertEqual(c.n, 1)
        c2 = Counter([1.0], lambda: s.close())
        self.assertEBADF(s.set_keepalive_time, type("D", (), {"__float__": lambda self: c2.next()})())

    def test_fspath_closes_self(self):                       # UNADDR
        d = mio.UnixDatagram.unbound()
        c = Counter(["/nonexistent/mio-r", b"\0other"], lambda: (d.close(), gc.collect()))
        self.assertEBADF(d.connect, type("P", (), {"__fspath__": lambda self: c.next()})())
        self.assertEqual(c.n, 1)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "s")
            c = Counter([path, "/elsewhere"], gc.collect)
            lst = mio.UnixListener.bind(type("P", (), {"__fspath__": lambda self: c.next()})())
            self.assertEqual(lst.local_addr(), path)
            lst.close()

    def test_iov_sequence_mutates_itself(self):              # IOV, WIOV
        a, b = mio.UnixStream.pair()

        class Seq(list):
            def __iter__(self):
                out = iter(list(list.__iter__(self)))  # a snapshot, then empty itself
                self.clear()
                gc.collect()
                return out

            def __len__(self):
                return 1000
        self.assertEqual(a.writev(Seq([b"ab", bytearray(b"cd"), memoryview(b"ef")])), 6)
        self.assertEqual(b.read(10), b"abcdef")
        bufs = Seq([bytearray(2), bytearray(4)])
        a.write(b"123456")
        self.assertEqual(b.readv(bufs), 6)
        # the list passed in was emptied by its own __iter__; the call used
        # what it read once
        self.assertEqual(list.__len__(bufs), 0)
        with self.assertRaises(TypeError):
            a.writev(b"abc")

    def test_data_buffer_pinned(self):                       # DATA, WBUF
        a, b = mio.UnixStream.pair()
        data = bytearray(b"x" * 100)
        view = memoryview(data)
        self.assertEqual(a.write(view), 100)
        with self.assertRaises(BufferError):
            data.extend(b"y")   # the export a call takes pins it the same way
        view.release()
        buf = bytearray(100)
        self.assertEqual(b.readinto(buf), 100)

    def test_address_tuple_and_host(self):                   # ADDR, const char *
        class Port(int):
            def __index__(self):
                raise AssertionError("port read through __index__")
        u = mio.UdpSocket.bind(("127.0.0.1", Port(0)))
        host = type("H", (str,), {})("127.0.0.1")
        self.assertEqual(u.send_to(b"x", (host, u.local_addr()[1])), 1)
        with self.assertRaises(ValueError):
            u.join_multicast_v4("224.0.0.1\0")
        u.close()

    def test_token_int_subclass(self):                       # mio_token
        class Tok(int):
            def __index__(self):
                raise AssertionError("token read through __index__")
        p = mio.Poll()
        tx, rx = mio.pipe()
        p.registry().register(rx, Tok(7), mio.READABLE)
        tx.write(b"x")
        ev = mio.Events(2)
        p.poll(ev, 1.0)
        self.assertEqual(ev.get(0).token(), 7)
        p.close()

    def test_object_args_closed_by_conversion(self):         # self/events/registry
        p = mio.Poll()
        ev = mio.Events(2)
        # self closed while a later argument converts: EBADF, no freed handle
        self.assertEBADF(p.poll, ev, type("Y", (), {"__float__": lambda self: (p.close(), 0.0)[1]})())


if __name__ == "__main__":
    unittest.main()
