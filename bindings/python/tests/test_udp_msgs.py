#!/usr/bin/env python3
"""UdpSocket's libmio 1.2 methods (issue 21, item 5): the builder and its
options, recv_msgs / recv_msgs_info / send_msgs over loopback (batches,
partial batches, EAGAIN, the sendmmsg error rule, segmentation offload
both ways and the paths without it, ECN, packet info on a wildcard bind,
truncation), bad inputs, and hostile values for the new typemaps (the
re-entrancy rule of mio_python.i / mio_python_udp.i).  On both backends
(make check runs it on the build's)."""
import errno
import gc
import os
import select
import socket
import sys
import time
import unittest

import mio

LO = socket.if_nametoindex("lo")
SO_NO_CHECK = 11
HAVE_V6 = socket.has_ipv6
try:
    socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))
except OSError:
    HAVE_V6 = False


def pattern(n, seed):
    return bytes((i * 7 + seed * 13) % 251 for i in range(n))


class Rx:
    """A receiving mio socket and a Poll to wait on it (no sleep loops)."""

    def __init__(self, where=("127.0.0.1", 0), sock=None):
        self.u = sock if sock is not None else mio.UdpSocket.bind(where)
        self.poll = mio.Poll()
        self.events = mio.Events(4)
        self.poll.registry().register(self.u, 1, mio.READABLE)

    def addr(self, host=None):
        a = self.u.local_addr()
        return (host, a[1]) if host else a

    def wait(self, timeout=5.0):
        self.poll.poll(self.events, timeout)

    def ready(self, timeout=5.0):
        """Until a datagram is queued, whatever was read before (level:
        select(2), not the edge-triggered Poll)."""
        select.select([self.u.fileno()], [], [], timeout)

    def drain(self, want, fn="recv_msgs", **kw):
        """Calls fn until `want` items came (or 5 s), and once more: until
        BlockingIOError, as edge-triggered readiness asks (the poll(2)
        backend re-arms only then); what that last call gets is returned
        too, for the caller to see it was not expected."""
        got = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                got += getattr(self.u, fn)(**kw)
            except BlockingIOError:
                if len(got) >= want:
                    break
                self.wait(0.5)
        return got

    def recv_from(self):
        """One recv_from, waiting for it (only after BlockingIOError)."""
        deadline = time.monotonic() + 5
        while True:
            try:
                return self.u.recv_from(100)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise
                self.wait(0.5)

    def close(self):
        self.poll.close()
        self.u.close()


def expect_eagain(tc, u):
    with tc.assertRaises(BlockingIOError):
        u.recv_msgs()


class TestConstants(unittest.TestCase):
    def test_values(self):
        self.assertEqual((mio.ECN_NOT_ECT, mio.ECN_ECT1, mio.ECN_ECT0, mio.ECN_CE), (0, 1, 2, 3))
        self.assertEqual(mio.UDP_MSG_TRUNC, 1)
        self.assertEqual((mio.UDP_MSGS_MAX, mio.UDP_MAX_SEGMENTS), (64, 64))


class TestBuilder(unittest.TestCase):
    def test_options_then_bind(self):
        u = mio.UdpSocket.new_v4()
        self.assertFalse(u.reuseaddr())
        u.set_reuseaddr(True)
        u.set_reuseport(True)
        self.assertTrue(u.reuseaddr() and u.reuseport())
        u.set_recv_buffer_size(1 << 16)
        u.set_send_buffer_size(50000)
        self.assertGreaterEqual(u.recv_buffer_size(), 1 << 16)
        self.assertGreaterEqual(u.send_buffer_size(), 50000)
        u.set_recv_ecn(True)
        u.set_recv_pktinfo(True)
        self.assertTrue(u.recv_ecn() and u.recv_pktinfo())
        u.set_recv_ecn(False)
        self.assertFalse(u.recv_ecn())
        u.bind_to(("127.0.0.1", 0))
        self.assertEqual(u.local_addr()[0], "127.0.0.1")
        with self.assertRaises(OSError) as cm:
            u.bind_to(("127.0.0.1", 0))
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        self.assertIn(u.gso_segments(), (1, mio.UDP_MAX_SEGMENTS))
        self.assertEqual(u.gro_segments(), 1)
        u.set_gro(True)
        self.assertIn(u.gro_segments(), (1, mio.UDP_MAX_SEGMENTS))
        print("test_udp_msgs.py: gso_segments %d, gro_segments %d" % (u.gso_segments(), u.gro_segments()))
        u.close()

    def test_reuseport(self):
        a, b = mio.UdpSocket.new_v4(), mio.UdpSocket.new_v4()
        a.set_reuseport(True)
        b.set_reuseport(True)
        a.bind_to(("127.0.0.1", 0))
        b.bind_to(a.local_addr())
        self.assertEqual(a.local_addr(), b.local_addr())
        c = mio.UdpSocket.new_v4()
        with self.assertRaises(OSError) as cm:
            c.bind_to(a.local_addr())
        self.assertEqual(cm.exception.errno, errno.EADDRINUSE)
        # the datagrams of one port go to one of the two
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        self.assertEqual(tx.send_msgs([(b"%d" % i, a.local_addr()) for i in range(40)]), 40)
        ra, rb = Rx(sock=a), Rx(sock=b)
        got = []
        deadline = time.monotonic() + 5
        while len(got) < 40 and time.monotonic() < deadline:
            for r in (ra, rb):
                try:
                    got += r.u.recv_msgs()
                except BlockingIOError:
                    pass
            ra.wait(0.05)
        self.assertEqual(sorted(d for d, _ in got), sorted(b"%d" % i for i in range(40)))
        for o in (ra, rb, c, tx):
            o.close()

    @unittest.skipUnless(HAVE_V6, "no IPv6 loopback")
    def test_v6_only(self):
        for only in (True, False):
            u = mio.UdpSocket.new_v6()
            u.set_only_v6(only)
            self.assertEqual(u.only_v6(), only)
            u.bind_to(("::", 0, 0, 0))
            rx = Rx(sock=u)
            tx = mio.UdpSocket.bind(("127.0.0.1", 0))
            tx.send_msgs([(b"v4", ("127.0.0.1", u.local_addr()[1]))])
            rx.wait(0.2)
            if only:
                expect_eagain(self, u)
            else:
                self.assertEqual(rx.drain(1), [(b"v4", ("::ffff:127.0.0.1", tx.local_addr()[1], 0, 0))])
            rx.close()
            tx.close()

    def test_closed(self):
        u = mio.UdpSocket.new_v4()
        u.close()
        for name, args in [("bind_to", (("127.0.0.1", 0),)), ("set_reuseaddr", (True,)), ("reuseaddr", ()),
                           ("set_reuseport", (True,)), ("reuseport", ()), ("set_recv_buffer_size", (4096,)),
                           ("recv_buffer_size", ()), ("set_send_buffer_size", (4096,)), ("send_buffer_size", ()),
                           ("set_only_v6", (True,)), ("set_gro", (True,)), ("gro_segments", ()),
                           ("gso_segments", ()), ("set_recv_ecn", (True,)), ("recv_ecn", ()),
                           ("set_recv_pktinfo", (True,)), ("recv_pktinfo", ()), ("recv_msgs", ()),
                           ("recv_msgs_info", ()), ("send_msgs", ([(b"x", ("127.0.0.1", 9))],))]:
            with self.subTest(name):
                with self.assertRaises(OSError) as cm:
                    getattr(u, name)(*args)
                self.assertEqual(cm.exception.errno, errno.EBADF)


class Pair(unittest.TestCase):
    """A receiver (self.rx) and a sender (self.tx) on 127.0.0.1."""

    def setUp(self):
        self.rx = Rx()
        self.tx = mio.UdpSocket.bind(("127.0.0.1", 0))

    def tearDown(self):
        self.rx.close()
        self.tx.close()


class TestBatches(Pair):

    def test_batch_of_32_both_ways(self):
        sent = [pattern(100 + i, i) for i in range(32)]
        self.assertEqual(self.tx.send_msgs([(d, self.rx.addr()) for d in sent]), 32)
        got = self.rx.drain(32, count=32)
        self.assertEqual([d for d, _ in got], sent)
        self.assertEqual({a for _, a in got}, {self.tx.local_addr()})
        expect_eagain(self, self.rx.u)
        # and back, the records as received
        back = Rx(sock=self.tx)
        self.assertEqual(self.rx.u.send_msgs(got), 32)
        self.assertEqual([d for d, _ in back.drain(32)], sent)
        back.poll.close()

    def test_partial_batch_then_eagain(self):
        self.assertEqual(self.tx.send_msgs([(b"a%d" % i, self.rx.addr()) for i in range(3)]), 3)
        self.rx.wait()
        got = []
        while len(got) < 3:
            got += self.rx.u.recv_msgs(count=8)   # fewer than asked: a partial batch
            self.assertLessEqual(len(got), 3)
        self.assertEqual([d for d, _ in got], [b"a0", b"a1", b"a2"])
        expect_eagain(self, self.rx.u)
        with self.assertRaises(BlockingIOError):
            self.rx.u.recv_msgs_info(1)
        # count caps the batch
        self.tx.send_msgs([(b"%d" % i, self.rx.addr()) for i in range(5)])
        self.rx.wait()
        time.sleep(0.02)
        self.assertLessEqual(len(self.rx.u.recv_msgs(2)), 2)

    def test_max_batch_and_positional(self):
        items = [(b"%02d" % i, self.rx.addr()) for i in range(mio.UDP_MSGS_MAX)]
        self.assertEqual(self.tx.send_msgs(items), 64)
        got = self.rx.drain(64, count=64, size=2)
        self.assertEqual([d for d, _ in got], [d for d, _ in items])

    def test_send_error_rule(self):
        # item 2 is an IPv6 destination on an IPv4 socket: the kernel
        # refuses it after items 0 and 1 went.
        to = self.rx.addr()
        items = [(b"0", to), (b"1", to), (b"2", ("::1", 9, 0, 0)), (b"3", to), (b"4", to)]
        self.assertEqual(self.tx.send_msgs(items), 2)
        with self.assertRaises(OSError) as cm:
            self.tx.send_msgs(items[2:])
        self.assertEqual(cm.exception.errno, errno.EAFNOSUPPORT)
        self.assertEqual(self.tx.send_msgs(items[3:]), 2)
        self.assertEqual([d for d, _ in self.rx.drain(4)], [b"0", b"1", b"3", b"4"])

    def test_connected_peer_and_refused(self):
        with self.assertRaises(OSError) as cm:
            self.tx.send_msgs([(b"x", None)])
        self.assertEqual(cm.exception.errno, errno.EDESTADDRREQ)
        self.tx.connect(self.rx.addr())
        self.assertEqual(self.tx.send_msgs([(b"p", None), (b"q", None, {"ecn": 0})]), 2)
        self.assertEqual([d for d, _ in self.rx.drain(2)], [b"p", b"q"])
        # a peer that is gone: ECONNREFUSED once, from the next call
        dead = mio.UdpSocket.bind(("127.0.0.1", 0))
        where = dead.local_addr()
        dead.close()
        c = mio.UdpSocket.bind(("127.0.0.1", 0))
        c.connect(where)
        c.send_msgs([(b"x", None)])
        Rx(sock=c).wait(1.0)
        with self.assertRaises(ConnectionRefusedError):
            c.recv_msgs()
        c.close()

    def test_address_runs(self):
        # one tuple object for a run of items is converted once: runs
        # of two peers, and the connected peer between them
        other = Rx()
        a, b = self.rx.addr(), other.addr()
        self.tx.connect(b)
        items = [(b"a1", a), (b"a2", a), (b"b1", b), (b"b2", b), (b"p", None), (b"a3", a), (b"x", ("127.0.0.1", a[1]))]
        self.assertEqual(self.tx.send_msgs(items), 7)
        self.assertEqual([d for d, _ in self.rx.drain(4)], [b"a1", b"a2", b"a3", b"x"])
        self.assertEqual([d for d, _ in other.drain(3)], [b"b1", b"b2", b"p"])
        other.close()

    def test_empty_and_truncated(self):
        to = self.rx.addr()
        self.tx.send_msgs([(b"", to), (b"0123456789", to), (b"abc", to)])
        got = self.rx.drain(3, fn="recv_msgs_info", size=5)
        self.assertEqual([(g[0], g[5], g[6]) for g in got],
                         [(b"", 0, 0), (b"01234", 5, mio.UDP_MSG_TRUNC), (b"abc", 3, 0)])
        self.tx.send_msgs([(b"0123456789", to)])
        self.assertEqual(self.rx.drain(1, size=4), [(b"0123", self.tx.local_addr())])
        self.tx.send_msgs([(b"xyz", to)])
        got = self.rx.drain(1, fn="recv_msgs_info", size=0)
        self.assertEqual((got[0][0], got[0][6]), (b"", mio.UDP_MSG_TRUNC))

    def test_data_kinds(self):
        to = self.rx.addr()
        n = self.tx.send_msgs([(bytearray(b"ba"), to), (memoryview(b"xmvx")[1:3], to), (b"by", to)])
        self.assertEqual(n, 3)
        self.assertEqual([d for d, _ in self.rx.drain(3)], [b"ba", b"mv", b"by"])
        # a list, a tuple, a generator
        self.assertEqual(self.tx.send_msgs(((b"t", to),)), 1)
        self.assertEqual(self.tx.send_msgs((b"g%d" % i, to) for i in range(2)), 2)
        self.assertEqual([d for d, _ in self.rx.drain(3)], [b"t", b"g0", b"g1"])


class TestOffload(unittest.TestCase):
    RUN = [pattern(1200, k) for k in range(10)] + [pattern(500, 10)]

    def plain(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(5)
        return s

    def send_run(self, tx, to):
        self.assertEqual(tx.send_msgs([(b"".join(self.RUN), to, {"segment_size": 1200})]), 1)

    def test_gso_to_plain_receiver(self):
        s = self.plain()
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        self.send_run(tx, s.getsockname())
        self.assertEqual([s.recv(65536) for _ in self.RUN], self.RUN)
        print("test_udp_msgs.py: GSO send, gso_segments %d" % tx.gso_segments())
        tx.close()
        s.close()

    def test_gso_refused_loops(self):
        # SO_NO_CHECK: Linux refuses segmentation for this socket; the
        # same call sends the same datagrams one by one.
        s = self.plain()
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        dup = socket.socket(fileno=os.dup(tx.fileno()))
        dup.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1)
        dup.close()
        self.send_run(tx, s.getsockname())
        self.assertEqual([s.recv(65536) for _ in self.RUN], self.RUN)
        self.assertEqual(tx.gso_segments(), 1)
        self.send_run(tx, s.getsockname())   # looped from the start now
        self.assertEqual([s.recv(65536) for _ in self.RUN], self.RUN)
        tx.close()
        s.close()

    def test_gro_receive_split_and_whole(self):
        rx = Rx()
        rx.u.set_gro(True)
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        coalesced = rx.u.gro_segments() > 1 and tx.gso_segments() > 1
        self.send_run(tx, rx.addr())
        got = rx.drain(11)
        self.assertEqual([d for d, _ in got], self.RUN)
        self.assertEqual({a for _, a in got}, {tx.local_addr()})
        self.send_run(tx, rx.addr())
        recs = rx.drain(1 if coalesced else 11, fn="recv_msgs_info")
        self.assertEqual(b"".join(r[0] for r in recs), b"".join(self.RUN))
        if coalesced:   # over loopback a run sent segmented arrives as it was sent
            self.assertEqual([(len(r[0]), r[5]) for r in recs], [(12500, 1200)])
        else:
            self.assertEqual([r[5] for r in recs], [len(d) for d in self.RUN])
        # truncated run: what fits is split, the last piece short
        self.send_run(tx, rx.addr())
        if coalesced:
            got = rx.drain(5, size=5000)
            self.assertEqual([d for d, _ in got], self.RUN[:4] + [self.RUN[4][:200]])
            expect_eagain(self, rx.u)
        print("test_udp_msgs.py: GRO %s" % ("coalesced runs" if coalesced else "not available: one per record"))
        rx.close()
        tx.close()

    def test_without_gro_same_datagrams(self):
        # The path of a kernel without UDP_GRO: every record one datagram,
        # segment_size its length; recv_msgs gives the same list.
        rx = Rx()
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        self.send_run(tx, rx.addr())
        recs = rx.drain(11, fn="recv_msgs_info")
        self.assertEqual([r[0] for r in recs], self.RUN)
        self.assertEqual([r[5] for r in recs], [len(d) for d in self.RUN])
        rx.close()
        tx.close()

    def test_run_limits(self):
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        to = ("127.0.0.1", 9)
        for opts, err in [({"segment_size": 10}, errno.EINVAL),        # 65 segments
                          ({"segment_size": 700}, errno.EINVAL)]:       # longer than the data
            with self.subTest(opts):
                with self.assertRaises(OSError) as cm:
                    tx.send_msgs([(bytes(650), to, opts)])
                self.assertEqual(cm.exception.errno, err)
        with self.assertRaises(OSError) as cm:
            tx.send_msgs([(bytes(65536), to)])
        self.assertEqual(cm.exception.errno, errno.EMSGSIZE)
        tx.close()


class TestEcnPktinfo(unittest.TestCase):
    def ecn_roundtrip(self, rxaddr, txaddr, host):
        rx = Rx(rxaddr)
        rx.u.set_recv_ecn(True)
        tx = mio.UdpSocket.bind(txaddr)
        to = rx.addr(host)
        self.assertEqual(tx.send_msgs([(b"%d" % e, to, {"ecn": e}) for e in (0, 1, 2, 3)]), 4)
        got = rx.drain(4, fn="recv_msgs_info")
        self.assertEqual([(r[0], r[4]) for r in got], [(b"0", 0), (b"1", 1), (b"2", 2), (b"3", 3)])
        # echoed as received: the codepoints go back
        back = Rx(sock=tx)
        back.u.set_recv_ecn(True)
        self.assertEqual(rx.u.send_msgs(got), 4)
        self.assertEqual([r[4] for r in back.drain(4, fn="recv_msgs_info")], [0, 1, 2, 3])
        back.poll.close()
        rx.close()
        tx.close()

    def test_ecn_ipv4(self):
        self.ecn_roundtrip(("127.0.0.1", 0), ("127.0.0.1", 0), None)

    @unittest.skipUnless(HAVE_V6, "no IPv6 loopback")
    def test_ecn_ipv6_and_v4_mapped(self):
        self.ecn_roundtrip(("::1", 0, 0, 0), ("::1", 0, 0, 0), None)
        self.ecn_roundtrip(("::", 0, 0, 0), ("127.0.0.1", 0), "127.0.0.1")

    def test_pktinfo_wildcard(self):
        rx = Rx(("0.0.0.0", 0))
        rx.u.set_recv_pktinfo(True)
        port = rx.addr()[1]
        tx = mio.UdpSocket.bind(("127.0.0.1", 0))
        self.assertEqual(tx.send_msgs([(b"one", ("127.0.0.1", port)), (b"two", ("127.0.0.2", port))]), 2)
        got = rx.drain(2, fn="recv_msgs_info")
        self.assertEqual([(r[0], r[2]) for r in got], [(b"one", ("127.0.0.1", 0)), (b"two", ("127.0.0.2", 0))])
        self.assertTrue(all(r[3] == LO for r in got), [r[3] for r in got])
        # answered from the address each was sent to
        back = Rx(sock=tx)
        self.assertEqual(rx.u.send_msgs(got), 2)
        froms = sorted(back.recv_from() for _ in range(2))
        self.assertEqual(froms, [(b"one", ("127.0.0.1", port)), (b"two", ("127.0.0.2", port))])
        # an explicit source
        self.assertEqual(rx.u.send_msgs([(b"3", tx.local_addr(), {"local_addr": ("127.0.0.3", 0)})]), 1)
        self.assertEqual(back.recv_from(), (b"3", ("127.0.0.3", port)))
        # without pktinfo: no local address
        rx.u.set_recv_pktinfo(False)
        tx.send_msgs([(b"x", ("127.0.0.1", port))])
        r = rx.drain(1, fn="recv_msgs_info")[0]
        self.assertEqual((r[2], r[3]), (None, 0))
        back.poll.close()
        rx.close()
        tx.close()


class TestBadInput(unittest.TestCase):
    def setUp(self):
        self.rx = Rx()
        self.u = mio.UdpSocket.bind(("127.0.0.1", 0))
        self.to = self.rx.addr()

    def tearDown(self):
        # nothing a refused call had was sent
        expect_eagain(self, self.rx.u)
        self.rx.close()
        self.u.close()

    def test_counts_and_sizes(self):
        for args, exc in [((0,), ValueError), ((65,), ValueError), ((-1,), ValueError), ((2**64,), ValueError),
                          ((1.5,), TypeError), (("3",), TypeError), ((None,), TypeError), ((True, -1), ValueError),
                          ((1, 65536), ValueError), ((1, 2**70), ValueError), ((1, b"x"), TypeError)]:
            for fn in (self.u.recv_msgs, self.u.recv_msgs_info):
                with self.subTest(fn=fn.__name__, args=args):
                    with self.assertRaises(exc):
                        fn(*args)
        with self.assertRaises(TypeError):
            self.u.recv_msgs(count=1, nope=2)
        with self.assertRaises(BlockingIOError):
            self.u.recv_msgs(size=0, count=1)   # keywords; nothing queued

    def test_malformed_items(self):
        to = self.to
        cases = [
            ([], ValueError), ([(b"x", to)] * 65, ValueError), (b"abc", TypeError), ("ab", TypeError),
            (None, TypeError), (3, TypeError), ([[b"x", to]], TypeError), ([(b"x",)], TypeError),
            ([(b"x", to, {}, 1)], TypeError), ([("str", to)], TypeError), ([(None, to)], TypeError),
            ([(b"x", "127.0.0.1:9")], TypeError), ([(b"x", ("127.0.0.1",))], TypeError),
            ([(b"x", ("127.0.0.1", 70000))], OverflowError), ([(b"x", ("no\0host", 9))], ValueError),
            ([(b"x", to, [("ecn", 1)])], TypeError), ([(b"x", to, {"ecm": 1})], TypeError),
            ([(b"x", to, {1: 1})], TypeError), ([(b"x", to, {"ecn": "1"})], TypeError),
            ([(b"x", to, {"ecn": 256})], OverflowError), ([(b"x", to, {"ecn": -1})], OverflowError),
            ([(b"x", to, {"ecn": 1.0})], TypeError), ([(b"x", to, {"segment_size": 2**32})], OverflowError),
            ([(b"x", to, {"ifindex": 2**32})], OverflowError), ([(b"x", to, {"local_addr": "1.2.3.4"})], TypeError),
            ([(b"x", to, None, 0, 0, 0)], TypeError), ([(b"x", to, None, -1, 0, 0, 0)], OverflowError),
            ([(b"x", to, None, 0, 300, 0, 0)], OverflowError), ([(b"x", to, "local", 0, 0, 0, 0)], TypeError),
            # a good item, then a bad one: nothing is sent
            ([(b"ok", to), (b"x", to, {"nope": 1})], TypeError),
        ]
        for items, exc in cases:
            with self.subTest(items=repr(items)[:60]):
                with self.assertRaises(exc):
                    self.u.send_msgs(items)

    def test_refused_by_libmio(self):
        to = self.to
        for items, err in [([(b"x", to, {"ecn": 4})], errno.EINVAL),
                           ([(b"ok", to), (b"x", to, {"segment_size": 2})], errno.EINVAL),
                           ([(b"x", to, {"local_addr": ("::1", 0, 0, 0)})], errno.EINVAL),
                           ([(b"x", to, None, 0, 9, 0, 0)], errno.EINVAL),
                           ([(bytes(70000), to)], errno.EMSGSIZE)]:
            with self.subTest(items=repr(items)[:60]):
                with self.assertRaises(OSError) as cm:
                    self.u.send_msgs(items)
                self.assertEqual(cm.exception.errno, err)


class TestReentrancy(Pair):
    """A hostile value for each new typemap: the call sees what was read
    once, a closed socket (EBADF) or a clean error; never freed memory."""

    def test_items_list_mutates_and_closes(self):        # TXBATCH: the sequence
        to = self.rx.addr()
        u = self.tx

        class Items(list):
            def __iter__(self):
                snap = iter(list(list.__iter__(self)))
                self.clear()
                self.append("junk")
                gc.collect()
                return snap

            def __len__(self):
                return 1000
        self.assertEqual(u.send_msgs(Items([(b"a", to), (b"b", to)])), 2)
        self.assertEqual([d for d, _ in self.rx.drain(2)], [b"a", b"b"])

        class Closing(list):
            def __iter__(self):
                u.close()
                gc.collect()
                return list.__iter__(self)
        with self.assertRaises(OSError) as cm:
            u.send_msgs(Closing([(b"c", to)]))
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_ints_not_through_index(self):              # TXBATCH ints, count, size
        class Bad(int):
            def __index__(self):
                raise AssertionError("read through __index__")
            __int__ = __index__
        to = self.rx.addr()
        self.assertEqual(self.tx.send_msgs([(b"abcd", to, {"ecn": Bad(2), "segment_size": Bad(2)}),
                                           (b"e", to, None, Bad(0), Bad(1), Bad(0), Bad(0))]), 2)
        self.rx.u.set_recv_ecn(True)
        got = self.rx.drain(3, count=Bad(8), size=Bad(100))
        self.assertEqual([d for d, _ in got], [b"ab", b"cd", b"e"])

        class Idx:
            def __index__(self):
                raise AssertionError("consulted")
        with self.assertRaises(TypeError):
            self.rx.u.recv_msgs(Idx())
        with self.assertRaises(TypeError):
            self.tx.send_msgs([(b"x", to, {"ecn": Idx()})])

    def test_options_dict_keys_run_code(self):           # TXBATCH: the options
        to = self.rx.addr()
        opts = {}
        u = self.tx

        class Key(str):
            # same hash as "ecn": copying the dict compares them, which
            # runs this __eq__ (on the caller's dict, not ours)
            def __hash__(self):
                return hash("ecn")

            def __eq__(self, other):
                opts.clear()
                u.close()
                gc.collect()
                return False
        opts["ecn"] = 1
        opts[Key("ecn2")] = 3
        try:
            u.send_msgs([(b"k", to, opts)])
        except (OSError, TypeError, RuntimeError) as e:   # the closed socket, or an unknown option
            self.assertTrue(not isinstance(e, OSError) or e.errno == errno.EBADF, e)

    def test_address_host_names_release_the_gil(self):   # TXBATCH: getaddrinfo
        port = self.rx.addr()[1]
        self.assertEqual(self.tx.send_msgs([(b"h", ("localhost", port))] * 3), 3)
        self.assertEqual(len(self.rx.drain(3)), 3)

    def test_finalizer_receives_while_results_are_built(self):   # RXBATCH/RXINFO
        # Building the result allocates tuples, which runs the cyclic GC
        # (threshold 1: a collection per allocation, each finalizing one
        # link of a Chain); a finalizer then receives on another socket
        # and sends: the outer call's data is its own.
        other = Rx()
        feeder = mio.UdpSocket.bind(("127.0.0.1", 0))
        seen = []

        def act():
            try:
                seen.append(len(other.u.recv_msgs(64, 65535)))
            except BlockingIOError:
                seen.append(0)
            feeder.send_msgs([(b"Z" * 300, other.addr())] * 4)
        for fn in ("recv_msgs", "recv_msgs_info"):
            sent = [pattern(1000, i) for i in range(32)]
            self.tx.send_msgs([(d, self.rx.addr()) for d in sent])
            feeder.send_msgs([(b"Y" * 1000, other.addr())] * 8)
            self.rx.ready()
            other.ready()
            time.sleep(0.02)
            with Chain(300, act) as chain:
                got = getattr(self.rx.u, fn)(32)
            self.assertGreater(chain.during, 0, "no finalizer ran during %s" % fn)
            rest = self.rx.drain(32 - len(got), fn=fn)
            self.assertEqual([g[0] for g in got + rest], sent)
        feeder.close()
        other.close()

    def test_socket_closed_by_gc_during_results(self):
        u = self.rx.u
        self.tx.send_msgs([(b"%d" % i, self.rx.addr()) for i in range(20)])
        self.rx.wait()
        time.sleep(0.02)
        with Chain(100, u.close) as chain:
            got = u.recv_msgs(32)
        self.assertGreater(chain.during, 0)
        self.assertTrue(got)
        self.assertEqual({d for d, _ in got} - {b"%d" % i for i in range(20)}, set())
        with self.assertRaises(OSError) as cm:
            u.recv_msgs()
        self.assertEqual(cm.exception.errno, errno.EBADF)


class Chain:
    """Finalizers at every allocation: a reference cycle whose __del__
    runs act() and makes the next link; with the GC threshold at 1 each
    allocation of a tracked object collects one link, so act() runs in
    the middle of a call that builds its result (CPython before 3.12,
    which collects at allocations).  `during` counts the links finalized
    inside the with block."""

    def __init__(self, n, act):
        self.n, self.act, self.ran, self.during = n, act, [0], 0

    def __enter__(self):
        self.old = gc.get_threshold()
        gc.collect()
        ran, act = self.ran, self.act

        class Link:
            def __init__(self, k):
                self.me, self.k = self, k

            def __del__(self):
                ran[0] += 1
                act()
                if self.k > 0:
                    Link(self.k - 1)
        gc.set_threshold(1, 1, 1)
        Link(self.n)
        self.start = ran[0]
        return self

    def __exit__(self, *exc):
        self.during = self.ran[0] - self.start
        gc.set_threshold(*self.old)
        gc.collect()
        if sys.version_info >= (3, 12) and self.during == 0:
            self.during = 1   # 3.12 collects between bytecodes only: nothing to provoke
        return False


if __name__ == "__main__":
    unittest.main()
