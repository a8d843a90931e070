#!/usr/bin/env python3
"""mio Python binding: TCP, UDP and Unix sockets over loopback / a temp dir."""
import os
import shutil
import socket
import tempfile
import time
import unittest

import mio

LISTENER, CLIENT, SERVER = 1, 2, 3


class Loop:
    def __init__(self):
        self.poll = mio.Poll()
        self.registry = self.poll.registry()
        self.events = mio.Events(64)

    def wait_for(self, token, what="readable", limit=5.0):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.poll.poll(self.events, 0.5)
            for e in self.events:
                if e.token() == token and getattr(e, "is_" + what)():
                    return e
        raise AssertionError("token %d never became %s" % (token, what))


def read_exactly(loop, stream, token, n):
    data = b""
    while len(data) < n:
        try:
            chunk = stream.read(n - len(data))
        except BlockingIOError:
            loop.wait_for(token)
            continue
        if not chunk:
            break
        data += chunk
    return data


def write_all(loop, stream, token, data):
    view = memoryview(data)
    while view:
        try:
            view = view[stream.write(view):]
        except BlockingIOError:
            loop.wait_for(token, "writable")


class TestTcp(unittest.TestCase):
    def setUp(self):
        self.loop = Loop()

    def connected_pair(self, host="127.0.0.1"):
        listener = mio.TcpListener.bind((host, 0))
        self.loop.registry.register(listener, LISTENER, mio.READABLE)
        client = mio.TcpStream.connect(listener.local_addr())
        self.loop.registry.register(client, CLIENT, mio.READABLE | mio.WRITABLE)
        while True:
            try:
                server, peer = listener.accept()
                break
            except BlockingIOError:
                self.loop.wait_for(LISTENER)
        self.loop.registry.register(server, SERVER, mio.READABLE | mio.WRITABLE)
        self.loop.wait_for(CLIENT, "writable")
        self.assertEqual(client.take_error(), 0)
        self.assertEqual(peer, client.local_addr())
        self.assertEqual(client.peer_addr(), listener.local_addr())
        return listener, client, server

    def test_echo_round_trip(self):
        listener, client, server = self.connected_pair()
        payload = os.urandom(300000)  # more than a socket buffer: partial writes
        sent = received = b""
        view = memoryview(payload)
        echo_buf = bytearray(65536)
        pending = b""
        deadline = time.monotonic() + 20
        while len(received) < len(payload) and time.monotonic() < deadline:
            progressed = False
            if view:
                try:
                    n = client.write(view)
                    view = view[n:]
                    progressed = True
                except BlockingIOError:
                    pass
            try:
                n = server.readinto(echo_buf)
                pending += bytes(echo_buf[:n])
                progressed = True
            except BlockingIOError:
                pass
            if pending:
                try:
                    n = server.write(pending)
                    pending = pending[n:]
                    progressed = True
                except BlockingIOError:
                    pass
            try:
                received += client.read(65536)
                progressed = True
            except BlockingIOError:
                pass
            if not progressed:
                self.loop.poll.poll(self.loop.events, 0.5)
        self.assertEqual(received, payload)

    def test_would_block_and_eof(self):
        listener, client, server = self.connected_pair()
        with self.assertRaises(BlockingIOError):
            server.read(10)
        with self.assertRaises(BlockingIOError):
            listener.accept()
        write_all(self.loop, client, CLIENT, b"hello")
        self.assertEqual(read_exactly(self.loop, server, SERVER, 5), b"hello")
        client.shutdown(mio.SHUT_WR)
        e = self.loop.wait_for(SERVER)
        self.assertEqual(server.read(10), b"")
        self.assertTrue(e.is_read_closed() or e.is_readable())

    def test_peek_writev_readv_and_options(self):
        listener, client, server = self.connected_pair()
        self.assertEqual(client.writev([b"ab", bytearray(b"cd"), memoryview(b"ef")]), 6)
        self.loop.wait_for(SERVER)
        self.assertEqual(server.peek(2), b"ab")
        a, b = bytearray(1), bytearray(5)
        self.assertEqual(server.readv([a, b]), 6)
        self.assertEqual((bytes(a), bytes(b)), (b"a", b"bcdef"))
        client.set_nodelay(True)
        self.assertTrue(client.nodelay())
        client.set_ttl(42)
        self.assertEqual(client.ttl(), 42)
        listener.set_ttl(43)
        self.assertEqual(listener.ttl(), 43)
        self.assertEqual(listener.take_error(), 0)

    def test_connect_refused(self):
        port = mio.TcpListener.bind(("127.0.0.1", 0))
        addr = port.local_addr()
        port.close()
        try:
            client = mio.TcpStream.connect(addr)
        except ConnectionRefusedError:
            return
        self.loop.registry.register(client, CLIENT, mio.WRITABLE)
        self.loop.wait_for(CLIENT, "writable")
        self.assertEqual(client.take_error(), 111)  # ECONNREFUSED

    def test_ipv6_loopback(self):
        try:
            listener = mio.TcpListener.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback")
        addr = listener.local_addr()
        self.assertEqual(len(addr), 4)
        self.assertEqual(addr[0], "::1")
        self.assertEqual(mio.addr_parse("[::1]:%d" % addr[1]), ("::1", addr[1], 0, 0))
        self.assertEqual(mio.addr_format(("::1", 80, 0, 0)), "[::1]:80")
        self.assertEqual(mio.addr_format(("127.0.0.1", 80)), "127.0.0.1:80")

    def test_bad_addresses(self):
        with self.assertRaises(TypeError):
            mio.TcpListener.bind("127.0.0.1:80")
        with self.assertRaises(OverflowError):
            mio.TcpListener.bind(("127.0.0.1", 70000))
        with self.assertRaises(TypeError):
            mio.TcpStream.connect(("127.0.0.1", "80"))
        with self.assertRaises(OSError):
            mio.addr_parse("not an address")


class TestUdp(unittest.TestCase):
    def test_send_to_recv_from(self):
        loop = Loop()
        a = mio.UdpSocket.bind(("127.0.0.1", 0))
        b = mio.UdpSocket.bind(("127.0.0.1", 0))
        loop.registry.register(b, 7, mio.READABLE)
        with self.assertRaises(BlockingIOError):
            b.recv_from(100)
        self.assertEqual(a.send_to(b"datagram", b.local_addr()), 8)
        loop.wait_for(7)
        self.assertEqual(b.peek_from(100), (b"datagram", a.local_addr()))
        self.assertEqual(b.recv_from(100), (b"datagram", a.local_addr()))
        a.connect(b.local_addr())
        self.assertEqual(a.peer_addr(), b.local_addr())
        a.send(b"two")
        buf = bytearray(16)
        while True:
            try:
                n, frm = b.recv_from_into(buf)
                break
            except BlockingIOError:
                loop.wait_for(7)
        self.assertEqual((bytes(buf[:n]), frm), (b"two", a.local_addr()))
        # Drain to would-block before waiting again: the contract promises
        # a further event only after that (the poll(2) backend re-arms b
        # on this EAGAIN and on nothing else).
        with self.assertRaises(BlockingIOError):
            b.recv_from_into(buf)
        b.connect(a.local_addr())
        a.send(b"three")
        loop.wait_for(7)
        self.assertEqual(b.recv(100), b"three")
        a.set_broadcast(True)
        self.assertTrue(a.broadcast())
        a.set_multicast_ttl_v4(3)
        self.assertEqual(a.multicast_ttl_v4(), 3)
        a.set_multicast_loop_v4(False)
        self.assertFalse(a.multicast_loop_v4())
        with self.assertRaises(OSError):  # an IPv4 socket has no IPV6_V6ONLY
            a.only_v6()
        try:
            v6 = mio.UdpSocket.bind(("::1", 0))
        except OSError:
            v6 = None
        if v6 is not None:
            self.assertIn(v6.only_v6(), (True, False))
            v6.send_to(b"6", v6.local_addr())
            loop.registry.register(v6, 8, mio.READABLE)
            loop.wait_for(8)
            self.assertEqual(v6.recv_from(10), (b"6", v6.local_addr()))
        self.assertEqual(a.take_error(), 0)
        with self.assertRaises(OSError):
            a.join_multicast_v4("not-a-group")


class TestUnix(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mio-py-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_listener_stream(self):
        loop = Loop()
        path = os.path.join(self.dir, "sock")
        listener = mio.UnixListener.bind(path)
        self.assertEqual(listener.local_addr(), path)
        loop.registry.register(listener, LISTENER, mio.READABLE)
        client = mio.UnixStream.connect(path)
        loop.wait_for(LISTENER)
        server, peer = listener.accept()
        self.assertEqual(peer, "")  # the client is unnamed
        self.assertEqual(client.peer_addr(), path)
        loop.registry.register(server, SERVER, mio.READABLE)
        client.write(b"over unix")
        self.assertEqual(read_exactly(loop, server, SERVER, 9), b"over unix")
        with self.assertRaises(OSError):  # already bound
            mio.UnixListener.bind(path)

    def test_stream_pair_and_abstract(self):
        a, b = mio.UnixStream.pair()
        a.writev([b"x", b"y"])
        self.assertEqual(b.read(10), b"xy")
        name = b"\0mio-py-test-%d" % os.getpid()
        listener = mio.UnixListener.bind(name)
        self.assertEqual(listener.local_addr(), name)

    def test_datagram(self):
        path_a = os.path.join(self.dir, "a")
        path_b = os.path.join(self.dir, "b")
        a = mio.UnixDatagram.bind(path_a)
        b = mio.UnixDatagram.bind(path_b)
        self.assertEqual(a.send_to(b"dg", path_b), 2)
        self.assertEqual(b.recv_from(10), (b"dg", path_a))
        a.connect(path_b)
        self.assertEqual(a.peer_addr(), path_b)
        a.send(b"c")
        self.assertEqual(b.recv(10), b"c")
        u = mio.UnixDatagram.unbound()
        u.send_to(b"anon", path_b)
        self.assertEqual(b.recv_from(10), (b"anon", ""))
        p, q = mio.UnixDatagram.pair()
        p.send(b"pair")
        self.assertEqual(q.recv(10), b"pair")
        with self.assertRaises(BlockingIOError):
            q.recv(10)
        p.shutdown(mio.SHUT_RDWR)
        self.assertEqual(p.take_error(), 0)
        with self.assertRaises(OSError):
            mio.UnixDatagram.bind(os.path.join(self.dir, "x" * 200))


if __name__ == "__main__":
    unittest.main()
