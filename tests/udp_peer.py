"""udp_peer.py - the two halves every UDP echo check needs, for the
harnesses that drive a server program with a client of Python's socket
module, not libmio (examples/check-udp-quic-echo.sh for the C
udp_quic_echo, bindings/python/tests/udp_echo_client.py for the Python
and Lua batch echo servers).

- Server: the program as a child process, its output read line by line
  by a thread (find() waits for a line), stopped by SIGTERM or, when it
  was told to quit, waited for; killed if it does not end.
- Peer: a UDP socket on a loopback address that marks what it sends
  (IP_TOS / IPV6_TCLASS for ECN, UDP_SEGMENT for a run: sendmsg(2) with
  its own control messages), counts the datagrams sent per codepoint, and
  reads the codepoint of each answer (IP_RECVTOS / IPV6_RECVTCLASS).

SPDX-License-Identifier: MIT
"""
import re
import signal
import socket
import subprocess
import sys
import threading
import time

SOL_UDP, UDP_SEGMENT = 17, 103
IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
IPV6_RECVTCLASS = getattr(socket, "IPV6_RECVTCLASS", 66)
IPV6_TCLASS = getattr(socket, "IPV6_TCLASS", 67)


class Server:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        self.lines = []
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.append(line.rstrip("\n"))

    def find(self, regex, timeout=20):
        """The first output line that matches, as a match; None when the
        program ended or timeout seconds passed without one."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in list(self.lines):
                m = re.search(regex, line)
                if m:
                    return m
            if self.p.poll() is not None and not self.t.is_alive():
                break
            time.sleep(0.02)
        return None

    def stop(self, term=True):
        """Its exit status: after SIGTERM (term), or after it quits of its
        own accord; killed when it has not ended within 10 s."""
        if term and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.t.join(timeout=5)
        return rc


class Peer:
    """skip: datagrams recv() passes over (the echoes of queries)."""

    def __init__(self, v6, skip=()):
        self.v6 = v6
        self.s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("::1" if v6 else "127.0.0.1", 0))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.s.settimeout(5)
        if v6:
            self.tos = (socket.IPPROTO_IPV6, IPV6_TCLASS)
            self.s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVTCLASS, 1)
        else:
            self.tos = (socket.IPPROTO_IP, socket.IP_TOS)
            self.s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
        self.skip = skip
        self.marks = [0, 0, 0, 0]   # datagrams sent per codepoint

    def send(self, data, to, ecn=0, seg=0):
        """data to `to`, marked ecn; with seg, a run of seg-byte datagrams."""
        cmsgs = [self.tos + (ecn.to_bytes(4, sys.byteorder),)] if ecn else []
        if seg:
            cmsgs.append((SOL_UDP, UDP_SEGMENT, seg.to_bytes(2, sys.byteorder)))
        self.s.sendmsg([data], cmsgs, 0, to)
        self.marks[ecn] += -(-len(data) // seg) if seg else 1

    def recv(self):
        """(data, sender host, codepoint or None)."""
        while True:
            data, cmsgs, _, sender = self.s.recvmsg(65536, 256)
            if data not in self.skip:
                break
        ecn = None
        for level, kind, blob in cmsgs:
            if (level, kind) == self.tos:
                # IP_TOS comes as one byte, IPV6_TCLASS as an int.
                ecn = (blob[0] if len(blob) == 1 else int.from_bytes(blob[:4], sys.byteorder)) & 3
        return data, sender[0], ecn

    def stats(self, to):
        """The server's "STATS k=v ..." answer to a STATS? query, as a
        dict ({} when 50 datagrams brought none)."""
        self.send(b"STATS?", to)
        for _ in range(50):
            data = self.recv()[0]
            if data.startswith(b"STATS "):
                return dict(kv.split("=") for kv in data.decode().split()[1:])
        return {}
