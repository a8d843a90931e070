#!/usr/bin/env python3
"""mio.Selector: level-triggered through mio.LEVEL registrations and one
Poll.wait per select() (libmio 1.2), and what CPython's test_selectors
cannot check on a foreign selector.  The CPython suites themselves run
in .ci/steps/46-cpython-suites.sh."""
import asyncio
import errno
import os
import selectors
import signal
import socket
import time
import unittest
from unittest import mock

import mio
from selectors import EVENT_READ, EVENT_WRITE


def fds_open():
    return len(os.listdir("/proc/self/fd"))


class TestSelector(unittest.TestCase):
    def setUp(self):
        self.sel = mio.Selector()
        self.addCleanup(self.sel.close)

    def pair(self):
        a, b = socket.socketpair()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        return a, b

    def ready(self, timeout=0):
        return sorted((key.fd, ev) for key, ev in self.sel.select(timeout))

    def test_exposed_as_mio_selector(self):
        import mio.selector
        self.assertIs(mio.Selector, mio.selector.Selector)
        self.assertTrue(issubclass(mio.Selector, selectors.BaseSelector))

    def test_level_triggered_read(self):
        # Reported while unread, at every select(), like epoll LT.
        a, b = self.pair()
        self.sel.register(a, EVENT_READ)
        self.assertEqual(self.ready(), [])
        b.send(b"xy")
        for _ in range(3):
            self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ)])
        a.recv(1)
        self.assertEqual(self.ready(), [(a.fileno(), EVENT_READ)])
        a.recv(1)
        # Drained between two select()s: not reported (no spurious
        # readiness, as a level-triggered selector has none).
        self.assertEqual(self.ready(), [])
        self.assertEqual(self.ready(), [])
        b.send(b"z")
        self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ)])

    def test_level_triggered_write_and_both(self):
        a, b = self.pair()
        self.sel.register(a, EVENT_READ | EVENT_WRITE)
        for _ in range(3):
            self.assertEqual(self.ready(), [(a.fileno(), EVENT_WRITE)])
        b.send(b"x")
        for _ in range(2):
            self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ | EVENT_WRITE)])
        a.recv(1)
        self.assertEqual(self.ready(), [(a.fileno(), EVENT_WRITE)])

    def test_write_blocks_then_ready(self):
        a, b = self.pair()
        a.setblocking(False)
        self.sel.register(a, EVENT_WRITE)
        try:
            while True:
                a.send(b"x" * 65536)
        except BlockingIOError:
            pass
        self.assertEqual(self.ready(), [])
        while True:
            try:
                b.setblocking(False)
                if not b.recv(1 << 20):
                    break
            except BlockingIOError:
                break
        self.assertEqual(self.ready(2), [(a.fileno(), EVENT_WRITE)])

    def test_peer_close_is_readable(self):
        a, b = self.pair()
        self.sel.register(a, EVENT_READ)
        b.close()
        for _ in range(2):
            self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ)])
        self.assertEqual(a.recv(1), b"")

    def test_write_only_peer_gone_is_writable(self):
        # A hangup/error on a write-only key is EVENT_WRITE (EpollSelector
        # maps EPOLLERR/EPOLLHUP so), even with no room to write.
        a, b = self.pair()
        a.setblocking(False)
        try:
            while True:
                a.send(b"x" * 65536)
        except BlockingIOError:
            pass
        self.sel.register(a, EVENT_WRITE)
        self.assertEqual(self.ready(), [])
        b.close()
        for _ in range(2):
            self.assertEqual(self.ready(1), [(a.fileno(), EVENT_WRITE)])

    def test_modify_changes(self):
        a, b = self.pair()
        self.sel.register(a, EVENT_READ, "d1")
        b.send(b"x")
        self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ)])
        key = self.sel.modify(a, EVENT_WRITE, "d2")
        self.assertEqual((key.events, key.data), (EVENT_WRITE, "d2"))
        self.assertEqual(self.ready(), [(a.fileno(), EVENT_WRITE)])
        self.sel.modify(a, EVENT_READ | EVENT_WRITE)
        self.assertEqual(self.ready(), [(a.fileno(), EVENT_READ | EVENT_WRITE)])

    def test_modify_failure_unregisters(self):
        # bpo-30014, which CPython's test_modify_unregister checks only for
        # its own classes: a failed modify() leaves the fd unregistered.
        a, b = self.pair()
        self.sel.register(a, EVENT_READ)
        real = self.sel._registry
        fake = mock.Mock(wraps=real)
        fake.reregister.side_effect = ZeroDivisionError
        self.sel._registry = fake
        with self.assertRaises(ZeroDivisionError):
            self.sel.modify(a, EVENT_WRITE)
        self.assertEqual(len(self.sel.get_map()), 0)
        fake.deregister.assert_called_once_with(a.fileno())
        self.sel._registry = real
        # and invalid events the same way
        self.sel.register(a, EVENT_READ)
        with self.assertRaises(ValueError):
            self.sel.modify(a, 0)
        self.assertRaises(KeyError, self.sel.get_key, a)
        # The fd left the mio registry too: registering it again works.
        self.sel.register(a, EVENT_WRITE)
        self.assertEqual(self.ready(), [(a.fileno(), EVENT_WRITE)])

    def test_unregister_then_register(self):
        a, b = self.pair()
        self.sel.register(a, EVENT_WRITE)
        self.assertEqual(len(self.sel.select(0)), 1)
        self.sel.unregister(a)
        self.assertEqual(self.ready(), [])
        self.sel.register(a, EVENT_WRITE)
        self.assertEqual(self.ready(), [(a.fileno(), EVENT_WRITE)])

    def test_closed_fd_after_report(self):
        # Reported, then closed without unregister: the next select()
        # must not raise; unregister still works.
        a, b = socket.socketpair()
        self.addCleanup(b.close)
        fd = a.fileno()
        self.sel.register(fd, EVENT_WRITE)
        self.assertEqual(self.ready(), [(fd, EVENT_WRITE)])
        a.close()
        self.sel.select(0)
        self.sel.unregister(fd)

    def test_no_rearm(self):
        # Level-triggered registrations: select() calls nothing on the
        # registry (1.1 re-armed every reported fd with reregister, one
        # epoll_ctl each), and register/modify ask for LEVEL.
        a, b = self.pair()
        real = self.sel._registry
        fake = mock.Mock(wraps=real)
        self.sel._registry = fake
        self.sel.register(a, EVENT_READ | EVENT_WRITE)
        self.assertEqual(fake.register.call_args[0][2],
                         mio.READABLE | mio.WRITABLE | mio.LEVEL)
        b.send(b"x")
        for _ in range(3):
            self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ | EVENT_WRITE)])
        self.sel.modify(a, EVENT_READ)
        self.assertEqual(fake.reregister.call_args[0][2], mio.READABLE | mio.LEVEL)
        fake.reset_mock()
        for _ in range(3):
            self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ)])
        self.assertEqual(fake.mock_calls, [])
        self.sel._registry = real

    def test_past_one_wait(self):
        # More fds than one Poll.wait returns: select() waits into an
        # Events buffer instead, with the same results.  The limit is
        # lowered so that the test needs few descriptors.
        import mio.selector as ms
        n = 40
        fds = []
        for _ in range(n):
            a, b = self.pair()
            self.sel.register(a, EVENT_READ | EVENT_WRITE)
            fds.append((a, b))
        for a, b in fds[::3]:
            b.send(b"x")
        want = self.ready()
        self.assertEqual(len(want), n)
        self.assertIsNone(self.sel._events)
        with mock.patch.object(ms, "_WAIT_MAX", 8):
            a, b = self.pair()
            self.sel.register(a, EVENT_READ)  # past the limit now
            self.assertEqual(self.ready(), want)
            self.assertEqual(self.ready(), want)
            self.assertGreaterEqual(self.sel._events.capacity(), n + 1)
            self.sel.unregister(a)
            self.assertEqual(self.ready(), want)
            for a, b in fds[:-8]:
                self.sel.unregister(a)
            self.assertIsNone(self.sel._events)  # back to Poll.wait
            self.assertEqual(len(self.ready()), 8)

    def test_many_fds_one_select(self):
        # The events buffer grows: every ready fd comes in one select().
        n = 300
        for _ in range(n):
            a, b = self.pair()
            self.sel.register(a, EVENT_WRITE)
        self.assertEqual(len(self.sel.select(0)), n)
        self.assertEqual(len(self.sel.select(0)), n)

    def test_register_errors(self):
        a, b = self.pair()
        self.assertRaises(ValueError, self.sel.register, a, 0)
        self.assertRaises(ValueError, self.sel.register, a, 4)
        self.assertRaises(ValueError, self.sel.register, -1, EVENT_READ)
        self.assertRaises(ValueError, self.sel.register, object(), EVENT_READ)
        self.sel.register(a, EVENT_READ)
        self.assertRaises(KeyError, self.sel.register, a.fileno(), EVENT_READ)
        self.assertRaises(KeyError, self.sel.unregister, b)
        self.assertRaises(KeyError, self.sel.modify, b, EVENT_READ)
        # A closed fd: the system's error, and no key left behind.
        r, w = os.pipe()
        os.close(r)
        os.close(w)
        with self.assertRaises(OSError):
            self.sel.register(r, EVENT_READ)
        self.assertRaises(KeyError, self.sel.get_key, r)

    def test_regular_file(self):
        # epoll refuses regular files (EPERM, as EpollSelector); the poll
        # backend takes them (always ready, as PollSelector).
        with open(__file__, "rb") as f:
            if mio.backend() == "epoll":
                with self.assertRaises(OSError) as cm:
                    self.sel.register(f, EVENT_READ)
                self.assertEqual(cm.exception.errno, errno.EPERM)
                self.assertRaises(KeyError, self.sel.get_key, f)
            else:
                self.sel.register(f, EVENT_READ)
                self.assertEqual(self.ready(), [(f.fileno(), EVENT_READ)])
                self.sel.unregister(f)

    def test_close(self):
        a, b = self.pair()
        before = fds_open()
        sel = mio.Selector()
        sel.register(a, EVENT_READ)
        sel.close()
        sel.close()
        # The selector's fds (epoll's; poll's waker) are gone, although a
        # Registry object held the mio.Poll too.
        self.assertEqual(fds_open(), before)
        self.assertIsNone(sel.get_map())
        self.assertRaises(RuntimeError, sel.get_key, a)
        self.assertRaises(ValueError, sel.select, 0)
        self.assertRaises(ValueError, sel.register, b, EVENT_READ)
        self.assertRaises(KeyError, sel.unregister, a)
        if hasattr(sel, "fileno"):
            self.assertRaises(ValueError, sel.fileno)
        with mio.Selector() as s2:
            s2.register(a, EVENT_READ)
        self.assertRaises(RuntimeError, s2.get_key, a)
        self.assertEqual(fds_open(), before)

    def test_fileno(self):
        if mio.backend() == "poll":
            self.assertFalse(hasattr(self.sel, "fileno"))
            self.assertFalse(hasattr(selectors, "PollSelector") and
                             hasattr(selectors.PollSelector, "fileno"))
        else:
            fd = self.sel.fileno()
            self.assertGreaterEqual(fd, 0)
            # It can be nested in another selector: readable when ready.
            a, b = self.pair()
            self.sel.register(a, EVENT_READ)
            with selectors.DefaultSelector() as outer:
                outer.register(fd, EVENT_READ)
                self.assertEqual(outer.select(0), [])
                b.send(b"x")
                self.assertEqual(len(outer.select(1)), 1)

    def test_timeouts(self):
        a, b = self.pair()
        self.sel.register(a, EVENT_READ)
        t = time.monotonic()
        self.assertEqual(self.sel.select(-5), [])
        self.assertEqual(self.sel.select(0), [])
        self.assertLess(time.monotonic() - t, 0.5)
        # Rounded up to the millisecond: never returns early.
        for timeout in (0.0001, 0.0015, 0.02):
            t = time.monotonic()
            self.assertEqual(self.sel.select(timeout), [])
            self.assertGreaterEqual(time.monotonic() - t, timeout)

    def test_signal_retry_and_raise(self):
        # PEP 475: a handler that returns: select() goes on with the time
        # left; a handler that raises: the exception comes out.
        a, b = self.pair()
        self.sel.register(a, EVENT_READ)
        old = signal.signal(signal.SIGALRM, lambda *args: None)
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        t = time.monotonic()
        self.assertEqual(self.sel.select(0.3), [])
        dt = time.monotonic() - t
        self.assertGreaterEqual(dt, 0.3)
        self.assertLess(dt, 0.3 + 0.25)  # the time left, not the whole again

        class Boom(Exception):
            pass

        def boom(*args):
            raise Boom
        signal.signal(signal.SIGALRM, boom)
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        try:
            with self.assertRaises(Boom):
                self.sel.select(10)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        # Still usable afterwards.
        b.send(b"x")
        self.assertEqual(self.ready(1), [(a.fileno(), EVENT_READ)])

    def test_closed_by_a_signal_handler_during_select(self):
        # A handler that closes the selector while select() waits: the
        # PEP 475 retry must not wait again on the closed poll (it did, for
        # ever: issue 19, finding 6); OSError(EBADF) comes out, as from
        # selectors.EpollSelector (select.epoll), and the selector is closed.
        for timeout in (None, 5.0):
            with self.subTest(timeout=timeout):
                sel = mio.Selector()
                a, b = self.pair()
                sel.register(a, EVENT_READ)
                old = signal.signal(signal.SIGALRM, lambda *args: sel.close())
                self.addCleanup(signal.signal, signal.SIGALRM, old)
                signal.setitimer(signal.ITIMER_REAL, 0.05)
                t = time.monotonic()
                try:
                    with self.assertRaises(OSError) as cm:
                        sel.select(timeout)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                self.assertEqual(cm.exception.errno, errno.EBADF)
                self.assertLess(time.monotonic() - t, 3.0)
                self.assertIsNone(sel.get_map())
                self.assertRaises(ValueError, sel.select, 0)
        if hasattr(selectors, "EpollSelector"):
            # the reference: what select.epoll does
            ref = selectors.EpollSelector()
            old = signal.signal(signal.SIGALRM, lambda *args: ref.close())
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            try:
                with self.assertRaises(OSError) as cm:
                    ref.select(5.0)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
            self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_get_map_live(self):
        m = self.sel.get_map()
        a, b = self.pair()
        key = self.sel.register(a, EVENT_READ, 7)
        self.assertEqual(m[a], key)
        self.assertEqual(m[a.fileno()], key)
        self.assertEqual(list(m), [a.fileno()])
        with self.assertRaises(TypeError):
            m[a] = key  # read-only
        self.sel.unregister(a)
        self.assertEqual(len(m), 0)


class TestAsyncio(unittest.TestCase):
    def test_echo_on_selector_event_loop(self):
        async def handle(reader, writer):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            writer.close()

        async def main():
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            payload = os.urandom(1 << 20)  # more than the socket buffers

            async def client():
                r, w = await asyncio.open_connection("127.0.0.1", port)
                w.write(payload)
                await w.drain()
                w.write_eof()
                got = await r.read()
                w.close()
                return got
            results = await asyncio.gather(*(client() for _ in range(4)))
            server.close()
            await server.wait_closed()
            return results

        loop = asyncio.SelectorEventLoop(mio.Selector())
        try:
            self.assertIsInstance(loop._selector, mio.Selector)
            results = loop.run_until_complete(asyncio.wait_for(main(), 60))
        finally:
            loop.close()
        self.assertEqual([len(r) for r in results], [1 << 20] * 4)


if __name__ == "__main__":
    unittest.main()
