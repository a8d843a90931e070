#!/usr/bin/env python3
"""mio Python binding: the findings of issue 12, one test each
(test_fNN_*), run on every backend by `make check`.

Each test is what a script could do to crash the interpreter, make libmio
use the wrong descriptor or return wrong data before the fix."""
import errno
import gc
import os
import unittest

import mio


class TestReliability(unittest.TestCase):
    def test_f01_no_default_constructors(self):
        # SWIG's default constructors made objects with no handle:
        # mio.Registry().register(...) dereferenced NULL.
        for name in ("Registry", "Event", "TcpListener", "TcpStream", "UdpSocket",
                     "UnixListener", "UnixStream", "UnixDatagram", "Sender", "Receiver"):
            with self.subTest(name=name):
                with self.assertRaises((TypeError, AttributeError)):
                    getattr(mio, name)()


def scratch_race(test, recv, feed):
    """recv() must return what feed() sent, even when the cyclic GC runs a
    __del__ that reads another mio socket while recv() builds its result.
    The collection point is walked over every allocation of the call by
    allocating j objects between the garbage and the call."""
    a, b = mio.UnixStream.pair()

    class Evil:
        def __del__(self):
            try:
                a.read(64)
            except OSError:
                pass

    threshold = 50
    old = gc.get_threshold()
    try:
        for j in range(threshold + 5):
            feed(b"A" * 8)
            b.write(b"B" * 8)
            drain = [(i, i) for i in range(2100)]  # no free 2-tuples
            gc.collect()
            gc.set_threshold(threshold)
            x = Evil()
            x.me = x
            del x
            keep = [[] for _ in range(j)]
            try:
                data = recv()
            finally:
                gc.set_threshold(*old)
            test.assertEqual(data, b"A" * 8, "allocation %d" % j)
            try:
                a.read(64)
            except OSError:
                pass
            del drain, keep
    finally:
        gc.set_threshold(*old)
        a.close()
        b.close()


def wait_readable(sock):
    poll = mio.Poll()
    events = mio.Events(4)
    poll.registry().register(sock, 1, mio.READABLE)
    poll.poll(events, 2.0)
    poll.registry().deregister(sock)
    poll.close()


class TestScratch(unittest.TestCase):
    def test_f04_recv_from_scratch_gc(self):
        u = mio.UdpSocket.bind(("127.0.0.1", 0))
        v = mio.UdpSocket.bind(("127.0.0.1", 0))

        def feed(data):
            u.send_to(data, v.local_addr())
            wait_readable(v)
        scratch_race(self, lambda: v.recv_from(64)[0], feed)

    def test_f04_peek_from_scratch_gc(self):
        u = mio.UdpSocket.bind(("127.0.0.1", 0))
        v = mio.UdpSocket.bind(("127.0.0.1", 0))

        def feed(data):
            u.send_to(data, v.local_addr())
            wait_readable(v)

        def recv():
            data = v.peek_from(64)[0]
            v.recv(64)
            return data
        scratch_race(self, recv, feed)

    def test_f04_unix_datagram_recv_from_scratch_gc(self):
        x, y = mio.UnixDatagram.pair()
        scratch_race(self, lambda: y.recv_from(64)[0], x.send)

    def test_f04_read_and_recv_scratch_gc(self):
        x, y = mio.UnixStream.pair()
        scratch_race(self, lambda: y.read(64), x.write)
        tx, rx = mio.pipe()
        scratch_race(self, lambda: rx.read(64), tx.write)


class TestUnixUnnamed(unittest.TestCase):
    def test_f05_unix_empty_address_is_unnamed(self):
        # '' bound the abstract name "\0": one per host, the second
        # bind('') anywhere failed with EADDRINUSE.
        for cls in (mio.UnixListener, mio.UnixDatagram):
            with self.subTest(cls=cls.__name__):
                a = cls.bind("")
                b = cls.bind("")
                for s in (a, b):
                    name = s.local_addr()
                    self.assertIsInstance(name, bytes)  # autobind: abstract
                    self.assertEqual(len(name), 6)
                    self.assertEqual(name[:1], b"\0")
                self.assertNotEqual(a.local_addr(), b.local_addr())
                a.close()
                b.close()
        with self.assertRaises(OSError) as cm:
            mio.UnixStream.connect("")
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        d = mio.UnixDatagram.unbound()
        with self.assertRaises(OSError) as cm:
            d.connect("")
        self.assertEqual(cm.exception.errno, errno.EINVAL)


def one_of_each(tmpdir):
    """A live object of every class, with the method to call on it."""
    poll = mio.Poll()
    reg = poll.registry()
    events = mio.Events(4)
    waker = mio.Waker(reg, 1)
    waker.wake()
    poll.poll(events, 1.0)
    event = events.get(0)
    lst = mio.TcpListener.bind(("127.0.0.1", 0))
    tcp = mio.TcpStream.connect(lst.local_addr())
    udp = mio.UdpSocket.bind(("127.0.0.1", 0))
    ul = mio.UnixListener.bind(os.path.join(tmpdir, "l"))
    us, us2 = mio.UnixStream.pair()
    ud, ud2 = mio.UnixDatagram.pair()
    tx, rx = mio.pipe()
    return [
        (poll, lambda o: o.poll(events, 0)), (reg, lambda o: o.register(rx, 1, mio.READABLE)),
        (events, lambda o: o.len()), (event, lambda o: o.token()),
        (waker, lambda o: o.wake()), (lst, lambda o: o.accept()),
        (tcp, lambda o: o.read(1)), (udp, lambda o: o.recv_from(1)),
        (ul, lambda o: o.accept()), (us, lambda o: o.write(b"x")),
        (ud, lambda o: o.send(b"x")), (tx, lambda o: o.write(b"x")),
        (rx, lambda o: o.read(1)), (us2, lambda o: o.fileno()), (ud2, lambda o: o.fileno()),
    ]


class TestDestroyed(unittest.TestCase):
    def setUp(self):
        import tempfile
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_f02_swig_destroy_then_use(self):
        # obj.__swig_destroy__(obj) freed the struct and left the object
        # pointing at it: the next method was a use-after-free, the
        # collector's destructor a double free.
        for obj, use in one_of_each(self.tmp.name):
            with self.subTest(cls=type(obj).__name__):
                obj.__swig_destroy__(obj)
                with self.assertRaises(OSError) as cm:
                    use(obj)
                self.assertEqual(cm.exception.errno, errno.EBADF)
                with self.assertRaises(OSError) as cm:
                    obj.__swig_destroy__(obj)  # twice: EBADF, no double free
                self.assertEqual(cm.exception.errno, errno.EBADF)
        gc.collect()

    def test_f02_destroyed_object_as_argument(self):
        poll = mio.Poll()
        reg = poll.registry()
        events = mio.Events(4)
        events.__swig_destroy__(events)
        with self.assertRaises(OSError) as cm:
            poll.poll(events, 0)
        self.assertEqual(cm.exception.errno, errno.EBADF)
        reg.__swig_destroy__(reg)
        with self.assertRaises(OSError) as cm:
            mio.Waker(reg, 1)
        self.assertEqual(cm.exception.errno, errno.EBADF)
        with self.assertRaises(TypeError):
            poll.poll(None, 0)
        poll.close()

    def test_f02_events_destroyed_during_poll_in_thread(self):
        # poll() drops the GIL: another thread destroying the Events it
        # fills must not free the buffer under the kernel's feet.
        import threading
        poll = mio.Poll()
        events = mio.Events(4)
        waker = mio.Waker(poll.registry(), 3)
        started = threading.Event()

        def destroy():
            started.wait()
            import time
            time.sleep(0.05)
            events.__swig_destroy__(events)
            waker.wake()

        t = threading.Thread(target=destroy)
        t.start()
        started.set()
        self.assertEqual(poll.poll(events, 10.0), 1)
        t.join()
        with self.assertRaises(OSError) as cm:
            events.len()
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_f02_same_events_two_polls_is_ebusy(self):
        import threading
        import time
        poll = mio.Poll()
        events = mio.Events(4)
        waker = mio.Waker(poll.registry(), 3)
        t = threading.Thread(target=lambda: poll.poll(events, 10.0))
        t.start()
        time.sleep(0.1)
        with self.assertRaises(OSError) as cm:
            poll.poll(events, 0)
        self.assertEqual(cm.exception.errno, errno.EBUSY)
        waker.wake()
        t.join()


if __name__ == "__main__":
    unittest.main()
