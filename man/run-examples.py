#!/usr/bin/env python3
"""run-examples.py - run every EXAMPLES program of the manual (make check).

examples.sh extracts each literal block of an EXAMPLES section into
examples-build/<page>_<k>.c and builds it; this script then runs each
program against the scenario below that exercises what its page teaches,
error paths included: the echo server of mio(7) under `ulimit -n 16`
with 30 concurrent clients (accept fails with EMFILE, and every client
still queued must be served), the same server against the request/
response load that the packaged example examples/tcp_server gets, with
the round trips stalled by Nagle's algorithm and delayed ACKs counted
for both, the idle-timeout server of mio(7) with an idle and an active
client, clients that reset, connections refused, regular files on
stdin, the Unix server stopped by SIGTERM and SIGINT (its socket file
must go).  Every run is bounded in time; a server is stopped with
SIGTERM.

The programs run as they are, with no stdbuf preload (a glibc library,
which cannot be loaded into a musl program or, without the host's
loader, one under qemu): a server must flush the line that says where
it listens.  MIO_EXAMPLES_SEED replays the request sizes of the load.

A program without a scenario here fails: a new example gets one, or an
entry in COMPILE_ONLY with the reason it cannot run.

SPDX-License-Identifier: MIT
"""
import os
import random
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

# cp.carried(): the UDP control messages the platform carries (qemu-user
# on a big-endian guest does not), asked of ../tests/cmsg-probe.
sys.dont_write_bytecode = True  # nothing written to the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import cmsgprobe as cp  # noqa: E402

DIR = sys.argv[1] if len(sys.argv) > 1 else "examples-build"
failures = []
ran = []

# Programs that are compiled and linked but not run, with the reason.
COMPILE_ONLY = {
}


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


class Server:
    """A running example; stdout and stderr collected by threads."""

    def __init__(self, argv, shell_prefix=None, stdin=subprocess.DEVNULL):
        # stdout is a pipe, as it is for any program or script that reads
        # a server's output: what the server does not flush, it never sees.
        if shell_prefix:
            argv = ["sh", "-c", shell_prefix + ' && exec "$@"', "sh"] + argv
        self.p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.out, self.err = [], []
        self.threads = [threading.Thread(target=self._read, args=(f, l), daemon=True)
                        for f, l in ((self.p.stdout, self.out), (self.p.stderr, self.err))]
        for t in self.threads:
            t.start()

    @staticmethod
    def _read(f, lines):
        for line in f:
            lines.append(line.rstrip("\n"))

    def wait_for(self, regex, timeout=20):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in list(self.out):
                m = re.search(regex, line)
                if m:
                    return m
            if self.p.poll() is not None:
                time.sleep(0.1)
                for line in list(self.out):
                    m = re.search(regex, line)
                    if m:
                        return m
                return None
            time.sleep(0.02)
        return None

    def stop(self):
        """SIGTERM; True if it was still running (a server should be)."""
        alive = self.p.poll() is None
        if alive:
            self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        for t in self.threads:
            t.join(timeout=5)
        return alive

    def log(self):
        return "\n".join(["stdout:"] + self.out[-15:] + ["stderr:"] + self.err[-15:])


def run(prog, args=(), stdin=None, timeout=30):
    try:
        r = subprocess.run([prog] + list(args), input=stdin, capture_output=True,
                           timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def addr_of(m):
    host, port = m.group(1).rsplit(":", 1)
    return host.strip("[]"), int(port)


def pattern(n, seed):
    return bytes((i * 7 + seed) % 251 for i in range(n))


def echo_client(addr, data, results, key, timeout=60, barrier=None):
    try:
        s = socket.create_connection(addr, timeout=timeout)
        if barrier is not None:
            barrier.wait(timeout=timeout)  # all connected before any sends
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
        results[key] = bytes(got)
    except Exception as e:
        results[key] = e


def reset_client(addr):
    """Connect and reset at once (SO_LINGER 0): the server's write fails."""
    s = socket.create_connection(addr, timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "127.0.0.1:%d" % port


# ---- mio(7) -------------------------------------------------------------

def mio_7_1(prog):
    """Echo server: 16 descriptors, 30 clients at once, all echoed."""
    srv = Server([prog, "127.0.0.1:0"], shell_prefix="ulimit -n 16")
    m = srv.wait_for(r"listening on (\S+)")
    check(m is not None, "mio.7 echo: starts under ulimit -n 16")
    if m is None:
        print(srv.log()); srv.stop(); return
    addr = addr_of(m)
    reset_client(addr)
    results, threads = {}, []
    start = time.monotonic()
    # All 30 connect before any sends: the server holds the first ones
    # open and runs out of descriptors with the rest still queued.
    barrier = threading.Barrier(30)
    for i in range(30):
        t = threading.Thread(target=echo_client,
                             args=(addr, pattern(20000 + i * 1000, i), results, i, 60, barrier))
        t.start()
        threads.append(t)
    for t in threads:
        t.join(timeout=90)
    took = time.monotonic() - start
    good = sum(results.get(i) == pattern(20000 + i * 1000, i) for i in range(30))
    check(good == 30, "mio.7 echo: %d of 30 concurrent clients echoed in %.1f s" % (good, took))
    check(any(EMFILE_TEXT.search(l) for l in srv.err),
          "mio.7 echo: accept hit EMFILE (so the retry was exercised)")
    # A big one, read slowly at first while another thread sends: the
    # server's writes fill the socket, it stops reading, and the
    # writable event resumes both.
    data = pattern(8 << 20, 3)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)  # no autotuning
    s.settimeout(60)
    s.connect(addr)

    def send():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    time.sleep(0.5)
    got = bytearray()
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    t.join(timeout=60)
    s.close()
    check(bytes(got) == data, "mio.7 echo: 8 MiB echoed to a slow reader (%d bytes)" % len(got))
    check(srv.stop(), "mio.7 echo: still running at the end")
    mio_7_1_nagle(prog)


def top_builddir():
    return os.environ.get("top_builddir", "..")


def packaged_echo_server():
    """examples/tcp_server of the build tree, made if `make check` has not
    reached examples/ yet (it runs after man/)."""
    prog = os.path.join(top_builddir(), "examples", "tcp_server")
    if not os.access(prog, os.X_OK):
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        subprocess.run([os.environ.get("MAKE", "make"), "-s", "-C",
                        os.path.join(top_builddir(), "examples"), "tcp_server"],
                       env=env, stdout=subprocess.DEVNULL, timeout=300)
    return prog if os.access(prog, os.X_OK) else None


# strerror(EMFILE): glibc's words, then musl's.
EMFILE_TEXT = re.compile(r"Too many open files|No file descriptors available")

STALL = 0.035   # a round trip this long waited for a delayed ACK (40 ms)


def request_load(addr, seed, conns=8, trips=25):
    """conns clients, each sending trips requests of 1 to 200,000 bytes
    and reading each whole echo before the next: a request/response load.
    Returns (round trips, stalled round trips, wall seconds, errors)."""
    times, errors = [], []
    lock = threading.Lock()

    def client(i):
        rnd = random.Random(seed * 1000 + i)
        try:
            s = socket.create_connection(addr, timeout=30)
            s.settimeout(30)
            for _ in range(trips):
                n = rnd.randint(1, 200000)
                data = bytes([rnd.randrange(256)]) * n
                t0 = time.monotonic()
                s.sendall(data)
                got = 0
                while got < n:
                    chunk = s.recv(1 << 20)
                    if not chunk:
                        raise EOFError("closed after %d of %d bytes" % (got, n))
                    got += len(chunk)
                with lock:
                    times.append(time.monotonic() - t0)
            s.close()
        except Exception as e:
            with lock:
                errors.append(repr(e))
    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return len(times), sum(t >= STALL for t in times), time.monotonic() - start, errors


def mio_7_1_nagle(prog):
    """The same request/response load on the packaged example and on
    mio(7)'s server: the page's server must not stall on delayed ACKs
    (it did without TCP_NODELAY: 16 times slower in the issue)."""
    seed = int(os.environ.get("MIO_EXAMPLES_SEED", "23"))
    ref = packaged_echo_server()
    rows = []
    for name, argv in (("examples/tcp_server", [ref, "127.0.0.1:0"] if ref else None),
                       ("mio.7 echo server", [prog, "127.0.0.1:0"])):
        if argv is None:
            check(False, "mio.7 nagle: examples/tcp_server could not be built for the reference")
            return
        srv = Server(argv)
        m = srv.wait_for(r"listening on (\S+)")
        if m is None:
            check(False, "mio.7 nagle: %s starts" % name)
            print(srv.log()); srv.stop(); return
        trips, stalls, wall, errors = request_load(addr_of(m), seed)
        srv.stop()
        check(not errors and trips == 200, "mio.7 nagle: %s echoed %d of 200 requests %s"
              % (name, trips, errors[:2]))
        rows.append((name, trips, stalls, wall))
    print("   request/response load, seed %d (MIO_EXAMPLES_SEED), wall times on a shared machine:" % seed)
    print("   %-22s %6s %18s %8s" % ("server", "trips", "stalled >= 35 ms", "wall s"))
    for name, trips, stalls, wall in rows:
        print("   %-22s %6d %18d %8.2f" % (name, trips, stalls, wall))
    ref_stalls, man_stalls = rows[0][2], rows[1][2]
    # A loaded machine stalls a few round trips of both; Nagle with
    # delayed ACKs stalls a third or more of the page's.
    bound = max(3 * ref_stalls, rows[1][1] // 20)
    check(man_stalls <= bound,
          "mio.7 nagle: the page's server stalled %d round trips, the packaged example %d "
          "(at most %d allowed: TCP_NODELAY on every connection)" % (man_stalls, ref_stalls, bound))


def mio_7_2(prog):
    """Idle timeout: an idle client closed after ~idle-ms, an active one not."""
    idle = 600
    srv = Server([prog, "127.0.0.1:0", str(idle)])
    m = srv.wait_for(r"listening on (\S+),")
    check(m is not None, "mio.7 idle: starts")
    if m is None:
        print(srv.log()); srv.stop(); return
    addr = addr_of(m)
    quiet = socket.create_connection(addr, timeout=10)
    busy = socket.create_connection(addr, timeout=10)
    t0 = time.monotonic()
    quiet_closed_at = busy_closed = None
    while time.monotonic() - t0 < 2.5:
        busy.sendall(b"x")
        r, _, _ = select.select([quiet, busy], [], [], 0.1)
        if quiet in r and quiet_closed_at is None and quiet.recv(1) == b"":
            quiet_closed_at = time.monotonic() - t0
        if busy in r and busy.recv(1) == b"":
            busy_closed = time.monotonic() - t0
            break
    check(quiet_closed_at is not None and idle / 1000 * 0.9 <= quiet_closed_at <= idle / 1000 + 1.5,
          "mio.7 idle: idle client closed after %s s (timeout %.1f s)" % (
              "%.2f" % quiet_closed_at if quiet_closed_at else "never", idle / 1000))
    check(busy_closed is None, "mio.7 idle: active client still open after 2.5 s")
    # Now the busy one stops: it is closed in its turn.
    busy.settimeout(idle / 1000 + 3)
    try:
        check(busy.recv(1) == b"", "mio.7 idle: the busy client, once quiet, is closed too")
    except socket.timeout:
        check(False, "mio.7 idle: the busy client, once quiet, is closed too")
    ticks = [l for l in srv.out if l.startswith("tick: ")]
    check(len(ticks) >= 2, "mio.7 idle: the timerfd ticked (%d ticks)" % len(ticks))
    end = time.monotonic() + 10  # the log line may trail the close
    while sum(l == "closed: idle" for l in srv.out) < 2 and time.monotonic() < end:
        time.sleep(0.05)
    check(sum(l == "closed: idle" for l in srv.out) == 2, "mio.7 idle: two idle closes logged")
    # A client that ends its stream is closed at once, not at its deadline.
    c = socket.create_connection(addr, timeout=10)
    c.sendall(b"bye")
    c.shutdown(socket.SHUT_WR)
    t1 = time.monotonic()
    c.settimeout(idle / 1000 * 0.8)
    try:
        ok = c.recv(1) == b"" and time.monotonic() - t1 < idle / 1000 * 0.8
    except socket.timeout:
        ok = False
    check(ok, "mio.7 idle: end of stream closes at once")
    check(srv.stop(), "mio.7 idle: still running at the end")


# ---- section 3 pages ------------------------------------------------------

def expect_output(page, prog, needle, args=(), rc=0, stdin=None):
    code, out, err = run(prog, args, stdin=stdin)
    ok = code == rc and needle in (out + err)
    check(ok, "%s: exits %s and says %r" % (page, rc, needle))
    if not ok:
        print("exit %s\nstdout: %s\nstderr: %s" % (code, out[-500:], err[-500:]))


def mio_addr_3_1(prog):
    expect_output("mio_addr.3", prog, "[::1]:8080 (")
    expect_output("mio_addr.3", prog, "127.0.0.1:80 (", args=["127.0.0.1:80"])
    expect_output("mio_addr.3", prog, "not an address", args=["no-such-address"], rc=1)


def mio_event_3_1(prog):
    # Whatever port 9 does on this machine, one event, handled, exit 0.
    code, out, err = run(prog, timeout=20)
    check(code == 0 and out.strip() != "", "mio_event.3: one event handled, exit 0 (%s)"
          % out.strip().replace("\n", ", "))


def mio_events_3_1(prog):
    expect_output("mio_events.3", prog, "token 42 readable")


def mio_events_3_2(prog):
    """mio_events_copy: the waker's event through a batch copy."""
    expect_output("mio_events.3 (copy)", prog, "token 42 readable")


def mio_events_3_3(prog):
    """mio_poll_wait_raw: a wake and a pipe byte, read inline."""
    code, out, err = run(prog)
    ok = code == 0 and "token 42 readable" in out and "token 7 readable" in out
    check(ok, "mio_events.3 (raw): both events, token and readiness read inline")
    if not ok:
        print("exit %s\nstdout: %s\nstderr: %s" % (code, out[-500:], err[-500:]))


def mio_pipe_3_1(prog):
    code, out, err = run(prog)
    check(code == 0 and out.strip() == "11", "mio_pipe.3: the child counted 11 bytes (%r)" % out)


def mio_poll_3_1(prog):
    expect_output("mio_poll.3", prog, "hello")


def mio_registry_3_1(prog):
    data = b"line one\nline two\n" * 1000
    expect_output("mio_registry.3", prog, "line two", stdin=data)
    # A regular file on stdin: epoll refuses it (EPERM) and the example
    # says so; the poll(2) backend accepts it and copies it.
    with open(os.path.join(DIR, "registry-stdin.txt"), "wb") as f:
        f.write(b"from a file\n")
    with open(os.path.join(DIR, "registry-stdin.txt"), "rb") as f:
        r = subprocess.run([prog], stdin=f, capture_output=True, timeout=20)
    out, err = r.stdout.decode(), r.stderr.decode()
    check((r.returncode == 1 and "register: Operation not permitted" in err) or
          (r.returncode == 0 and "from a file" in out),
          "mio_registry.3: a regular file on stdin (exit %s: %s)" % (r.returncode, (err or out).strip()))


def greeter(page, prog, connect, path_or_addr):
    results = {}

    def client(i):
        try:
            s = connect()
            s.settimeout(20)
            got = b""
            while True:
                chunk = s.recv(64)
                if not chunk:
                    break
                got += chunk
            results[i] = got
            s.close()
        except Exception as e:
            results[i] = e
    threads = [threading.Thread(target=client, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    good = sum(results.get(i) == b"hello\n" for i in range(30))
    check(good == 30, "%s: %d of 30 concurrent clients greeted" % (page, good))


def mio_tcp_listener_3_1(prog):
    srv = Server([prog, "127.0.0.1:0"])
    m = srv.wait_for(r"listening on (\S+)")
    check(m is not None, "mio_tcp_listener.3: starts")
    if m is None:
        print(srv.log()); srv.stop(); return
    addr = addr_of(m)
    for _ in range(5):
        reset_client(addr)   # the greeting's write fails: not fatal
    greeter("mio_tcp_listener.3", prog, lambda: socket.create_connection(addr, timeout=10), addr)
    check(srv.stop(), "mio_tcp_listener.3: still running after resets")


def mio_tcp_stream_3_1(prog):
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    addr = "127.0.0.1:%d" % ls.getsockname()[1]
    got = {}

    def serve():
        c, _ = ls.accept()
        c.settimeout(20)
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = c.recv(4096)
            if not chunk:
                break
            req += chunk
        got["req"] = req
        c.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + b"body " * 20000)
        c.close()
    t = threading.Thread(target=serve)
    t.start()
    code, out, err = run(prog, [addr])
    t.join(timeout=20)
    ls.close()
    check(got.get("req") == b"GET / HTTP/1.0\r\n\r\n", "mio_tcp_stream.3: sent its request")
    check(code == 0 and out.startswith("HTTP/1.0 200 OK") and out.count("body ") == 20000,
          "mio_tcp_stream.3: read the whole answer to end of stream (%d bytes)" % len(out))
    code, out, err = run(prog, [closed_port()])
    check(code == 1 and "connect: Connection refused" in err,
          "mio_tcp_stream.3: a refused connection is reported (exit %s: %s)" % (code, err.strip()))
    code, out, err = run(prog, ["nonsense"])
    check(code == 2, "mio_tcp_stream.3: a bad address exits 2")


def mio_tcp_socket_3_1(prog):
    # A SO_REUSEPORT listener and a TCP_NODELAY/keepalive client made
    # through mio_tcp_socket: the connect completes and the listener
    # accepts it, then the program ends by itself.
    expect_output("mio_tcp_socket.3", prog, "connect: done")


def mio_udp_socket_3_1(prog):
    for where, fam in (("127.0.0.1:0", socket.AF_INET), ("[::1]:0", socket.AF_INET6)):
        srv = Server([prog, where])
        m = srv.wait_for(r"listening on (\S+)")
        if m is None and fam == socket.AF_INET6:
            srv.stop()
            print("note: mio_udp_socket.3: no IPv6 loopback here (%s)" % " ".join(srv.err))
            continue
        check(m is not None, "mio_udp_socket.3: starts on %s" % where)
        if m is None:
            print(srv.log()); srv.stop(); continue
        addr = addr_of(m)
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(5)
        sent = [b"", b"x", pattern(1400, 1), pattern(60000, 2)]
        got = []
        for d in sent:
            s.sendto(d, addr)
            try:
                got.append(s.recvfrom(65536)[0])
            except socket.timeout:
                got.append(None)
        check(got == sent, "mio_udp_socket.3: %d datagrams echoed on %s" % (len(sent), where))
        # An ICMP error for an earlier reply must not stop the server.
        gone = socket.socket(fam, socket.SOCK_DGRAM)
        gone.sendto(b"reply to nobody", addr)
        gone.close()
        time.sleep(0.2)
        s.sendto(b"still there?", addr)
        try:
            check(s.recvfrom(100)[0] == b"still there?", "mio_udp_socket.3: serves after an ICMP error")
        except socket.timeout:
            check(False, "mio_udp_socket.3: serves after an ICMP error")
        s.close()
        check(srv.stop(), "mio_udp_socket.3: still running at the end")
    code, out, err = run(prog, ["nonsense"])
    check(code == 2, "mio_udp_socket.3: a bad address exits 2")


# The control messages the UDP scenarios send and read (Linux values).
SOL_UDP, UDP_SEGMENT = 17, 103
IP_RECVTOS = getattr(socket, "IP_RECVTOS", 13)
IPV6_RECVTCLASS = getattr(socket, "IPV6_RECVTCLASS", 66)
IPV6_TCLASS = getattr(socket, "IPV6_TCLASS", 67)


def udp_ask(s, data, to, tos=0, segment=0, n_back=1, timeout=5):
    """Sends data to `to` (with an IP_TOS/IPV6_TCLASS cmsg and a
    UDP_SEGMENT one when asked), then collects n_back answers as
    (bytes, sender, ECN codepoint)."""
    anc = []
    if tos:
        if s.family == socket.AF_INET:
            anc.append((socket.IPPROTO_IP, socket.IP_TOS, tos.to_bytes(4, sys.byteorder)))
        else:
            anc.append((socket.IPPROTO_IPV6, IPV6_TCLASS, tos.to_bytes(4, sys.byteorder)))
    if segment:
        anc.append((SOL_UDP, UDP_SEGMENT, segment.to_bytes(2, sys.byteorder)))
    s.sendmsg([data], anc, 0, to)
    got = []
    s.settimeout(timeout)
    for _ in range(n_back):
        data, ancdata, flags, sender = s.recvmsg(65536, 256)
        ecn = None
        for level, kind, blob in ancdata:
            if (level, kind) in ((socket.IPPROTO_IP, socket.IP_TOS),
                                 (socket.IPPROTO_IPV6, IPV6_TCLASS)):
                ecn = blob[0] & 3 if len(blob) == 1 else int.from_bytes(blob[:4], sys.byteorder) & 3
        got.append((data, sender, ecn))
    return got


def udp_client(family, bind_to):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((bind_to, 0))
    if family == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, IP_RECVTOS, 1)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVTCLASS, 1)
    return s


def mio_udp_msg_3_1(prog):
    """Reflector on a wildcard bind: answers from the address written to,
    with the ECN codepoint sent, a GSO run as a run, many datagrams."""
    for where, fam in (("0.0.0.0:0", socket.AF_INET), ("[::]:0", socket.AF_INET6)):
        srv = Server([prog, where])
        m = srv.wait_for(r"listening on (\S+) \(gso (\d+), gro (\d+)\)")
        if m is None and fam == socket.AF_INET6:
            srv.stop()
            print("note: mio_udp_msg.3: no IPv6 here (%s)" % " ".join(srv.err))
            continue
        check(m is not None, "mio_udp_msg.3: starts on %s" % where)
        if m is None:
            print(srv.log()); srv.stop(); continue
        port = int(m.group(1).rsplit(":", 1)[1])
        print("note: mio_udp_msg.3: %s" % m.group(0))
        targets = [("127.0.0.1", socket.AF_INET), ("127.0.0.2", socket.AF_INET)]
        if fam == socket.AF_INET6:
            targets.append(("::1", socket.AF_INET6))
        for host, cfam in targets:
            c = udp_client(cfam, "::1" if cfam == socket.AF_INET6 else "127.0.0.1")
            # What the server's answers need the platform to carry (the
            # client is the host's Python): packet info reflected, in the
            # socket's family and the traffic's; ECN both ways, in the
            # traffic's; a run, coalesced and sent segmented.
            v6 = cfam == socket.AF_INET6
            name = "mio_udp_msg.3 on %s: to %s" % (where, host)
            ecn_in, ecn_out = cp.ecn(v6, False), cp.ecn(v6, True)
            if not cp.carried(name, cp.echo(fam == socket.AF_INET6), cp.echo(v6)):
                c.close()
                continue
            try:
                # From the address written to, with the codepoint sent
                # (0 needs no message carried: none is sent for it, and
                # the one received reads 0 in either byte order).
                ecns = (0, 1, 2, 3) if cp.carried("%s ECN 1 to 3" % name, ecn_in, ecn_out) else (0,)
                for ecn in ecns:
                    (data, sender, got_ecn), = udp_ask(c, b"ecn %d" % ecn, (host, port), tos=ecn)
                    check(data == b"ecn %d" % ecn and sender[0] == host and got_ecn == ecn,
                          "%s ECN %d: answer %r from %s, ECN %s"
                          % (name, ecn, data, sender[0], got_ecn))
                # A run of 10 x 1200 + 300 sent with UDP_SEGMENT: 11 back.
                if cp.carried("%s a GSO run" % name, ecn_in, ecn_out, "udp_gro_recv", "udp_segment_send"):
                    burst = pattern(12300, 5)
                    back = udp_ask(c, burst, (host, port), tos=2, segment=1200, n_back=11)
                    check(b"".join(d for d, _, _ in back) == burst and
                          [len(d) for d, _, _ in back] == [1200] * 10 + [300] and
                          all(e == 2 for _, _, e in back),
                          "%s a GSO run of 11 comes back as 11, ECT(0)" % name)
                # Many at once, in waves the receive buffers hold.
                sent = [pattern(100 + i, i) for i in range(300)]
                got = []
                for w in range(0, 300, 50):
                    for d in sent[w:w + 50]:
                        c.sendto(d, (host, port))
                    for _ in sent[w:w + 50]:
                        got.append(c.recvfrom(65536)[0])
                check(sorted(got) == sorted(sent),
                      "mio_udp_msg.3 on %s: to %s 300 datagrams answered" % (where, host))
            except (socket.timeout, OSError) as e:
                check(False, "mio_udp_msg.3 on %s: to %s: %r" % (where, host, e))
            c.close()
        check(srv.stop(), "mio_udp_msg.3: still running at the end")
    code, out, err = run(prog, ["nonsense"])
    check(code == 2, "mio_udp_msg.3: a bad address exits 2")


def mio_unix_datagram_3_1(prog):
    expect_output("mio_unix_datagram.3", prog, "ping from")


def mio_unix_listener_3_1(prog):
    srv = Server([prog])
    m = srv.wait_for(r"listening on (\S+)")
    check(m is not None, "mio_unix_listener.3: starts")
    if m is None:
        print(srv.log()); srv.stop(); return
    path = m.group(1)

    def connect():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        return s
    greeter("mio_unix_listener.3", prog, connect, path)
    check(os.path.exists(path), "mio_unix_listener.3: %s exists while it runs" % path)
    # Killed by a signal, its only way to stop, it removes its socket.
    for sig in (signal.SIGTERM, signal.SIGINT):
        if sig == signal.SIGINT:
            srv = Server([prog])
            m = srv.wait_for(r"listening on (\S+)")
            if m is None:
                check(False, "mio_unix_listener.3: starts again")
                print(srv.log()); srv.stop(); return
            path = m.group(1)
        srv.p.send_signal(sig)
        try:
            rc = srv.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            rc = "still running"
        srv.stop()
        left = [p for p in (path, os.path.dirname(path)) if os.path.exists(p)]
        check(rc == 0 and not left,
              "mio_unix_listener.3: %s: exit %s, socket and directory removed (left: %s)"
              % (signal.Signals(sig).name, rc, left or "none"))
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def mio_registry_3_2(prog):
    """MIO_LEVEL: four bytes per wait, reported again with no re-arm."""
    expect_output("mio_registry.3 (level)", prog, "read 16 bytes in 4 waits")


def mio_unix_stream_3_1(prog):
    expect_output("mio_unix_stream.3", prog, "hello, world")


def mio_waker_3_1(prog):
    expect_output("mio_waker.3", prog, "woken")


def mio_token_3_1(prog):
    expect_output("mio_token.3", prog, "connection 7, interests 0x3")


def main():
    progs = sorted(f[:-2] for f in os.listdir(DIR) if f.endswith(".c"))
    if not progs:
        print("run-examples: nothing in %s" % DIR)
        return 99
    for name in progs:
        prog = os.path.join(DIR, name)
        if name in COMPILE_ONLY:
            print("compile-only: %s (%s)" % (name, COMPILE_ONLY[name]))
            continue
        scenario = globals().get(name)
        if scenario is None:
            check(False, "%s: no scenario in run-examples.py (add one, or a COMPILE_ONLY reason)"
                  % name)
            continue
        if not os.access(prog, os.X_OK):
            check(False, "%s: not built" % name)
            continue
        print("-- %s: %s" % (name, (scenario.__doc__ or "").strip()), flush=True)
        ran.append(name)
        try:
            scenario(prog)
        except Exception as e:
            check(False, "%s: %r" % (name, e))
    print("run-examples: %d programs run, %d failure(s)" % (len(ran), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
