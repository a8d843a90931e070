#!/bin/sh
# check-examples.sh - run every example against a real client (make check).
#
# tcp_server and udp_server are started on 127.0.0.1:0 (the kernel picks
# a free port, the server prints it), tcp_listenfd_server gets its
# listening socket as fd 3 with LISTEN_FDS/LISTEN_PID as systemd passes
# it, tcp_reuseport_server runs 2 threads in both of its modes (own
# SO_REUSEPORT listeners, one shared listener), and demo must end by
# itself with status 0.  The clients are
# python3's standard library.  Everything is bounded in time and every
# server is stopped (SIGTERM, which the examples handle through a
# mio_waker, so a clean exit 0 is checked too) or killed.
#
# SPDX-License-Identifier: MIT
set -eu
PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "SKIP: no $PYTHON to drive the examples"
	exit 77
fi
exec timeout 300 "$PYTHON" - <<'EOF'
import os, select, signal, socket, subprocess, sys, threading, time

failures = []
procs = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


class Server:
    """A running example; its output is collected by a thread."""

    def __init__(self, argv, **kw):
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, **kw)
        procs.append(self.p)
        self.lines = []
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, prefix, timeout=20):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in self.lines:
                if line.startswith(prefix):
                    return line
            if self.p.poll() is not None and not self.t.is_alive():
                break
            time.sleep(0.02)
        return None

    def address(self):
        line = self.wait_line("listening on ")
        if line is None:
            raise RuntimeError("server did not start: %r" % self.lines)
        host, port = line[len("listening on "):].rsplit(":", 1)
        return host, int(port)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.t.join(timeout=5)
        return rc

    def log(self):
        return "\n".join(self.lines)


def pattern(n, seed):
    return bytes((i * 7 + seed) % 251 for i in range(n)) if n < 65536 else \
        (bytes(range(seed % 7, 251)) * (n // 200 + 1))[:n]


def tcp_client(addr, data, results, key):
    """Send everything, then half-close, then read the echo to EOF."""
    try:
        s = socket.create_connection(addr, timeout=60)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            got += chunk
        s.close()
        results[key] = bytes(got)
    except Exception as e:  # reported by the caller as a mismatch
        results[key] = e


def exercise_tcp(server, name):
    addr = server.address()
    sizes = [1, 1000, 100000, 16 << 20, 300000]
    results = {}
    threads = []
    # A client that goes away at once: the server must carry on.
    rude = socket.create_connection(addr, timeout=10)
    rude.close()
    for i, n in enumerate(sizes):
        t = threading.Thread(target=tcp_client, args=(addr, pattern(n, i), results, i))
        t.start()
        threads.append(t)
    for t in threads:
        t.join(timeout=120)
    for i, n in enumerate(sizes):
        got = results.get(i)
        check(got == pattern(n, i), "%s: client %d got its %d bytes back" % (name, i, n))
    # 16 MiB unread by the client cannot all sit in socket buffers: the
    # server must have kept bytes and waited for WRITABLE.
    check(any("waiting for WRITABLE" in l for l in server.lines),
          "%s: a partial write was kept and finished on WRITABLE" % name)
    end = time.monotonic() + 20
    while sum("closed" in l for l in server.lines) < len(sizes) + 1 and time.monotonic() < end:
        time.sleep(0.05)
    check(sum("closed" in l for l in server.lines) >= len(sizes) + 1,
          "%s: every connection was closed" % name)
    rc = server.stop()
    check(rc == 0, "%s: exits 0 on SIGTERM (got %s)" % (name, rc))
    check(any(l == "shutting down" for l in server.lines), "%s: shut down cleanly" % name)


def test_tcp_server():
    exercise_tcp(Server(["./tcp_server", "127.0.0.1:0"]), "tcp_server")
    bad = subprocess.run(["./tcp_server", "not-an-address"], capture_output=True, timeout=20)
    check(bad.returncode == 2, "tcp_server: rejects a bad address")


def test_tcp_listenfd_server():
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    fd = ls.fileno()

    def child():
        os.dup2(fd, 3)
        os.set_inheritable(3, True)

    # LISTEN_PID must be the pid of the server itself: the shell sets it
    # to its own and execs (the libtool wrapper execs again, same pid).
    server = Server(["sh", "-c",
                     "LISTEN_PID=$$; LISTEN_FDS=1; export LISTEN_PID LISTEN_FDS; "
                     "exec ./tcp_listenfd_server"], preexec_fn=child,
                    close_fds=False)  # close_fds would run after child()
    ls.close()
    exercise_tcp(server, "tcp_listenfd_server")
    no_env = subprocess.run(["./tcp_listenfd_server"], capture_output=True, timeout=20,
                            env={k: v for k, v in os.environ.items() if not k.startswith("LISTEN_")})
    check(no_env.returncode == 2, "tcp_listenfd_server: refuses to run without LISTEN_FDS")
    wrong_pid = subprocess.run(["./tcp_listenfd_server"], capture_output=True, timeout=20,
                               env=dict(os.environ, LISTEN_FDS="1", LISTEN_PID="1"))
    check(wrong_pid.returncode == 2, "tcp_listenfd_server: refuses fds meant for another pid")


def test_udp_server():
    server = Server(["./udp_server", "127.0.0.1:0"])
    addr = server.address()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    sent = [pattern(n, n) for n in (0, 1, 512, 1472, 9000, 65507)]
    got = []
    for d in sent:
        s.sendto(d, addr)
        try:
            data, frm = s.recvfrom(65536)
        except socket.timeout:
            data, frm = None, None
        got.append(data)
        check(frm == addr, "udp_server: reply to %d bytes comes from the server" % len(d))
    check(got == sent, "udp_server: every datagram echoed unchanged")
    s.close()
    rc = server.stop()
    check(rc == 0, "udp_server: exits 0 on SIGTERM (got %s)" % rc)
    check(any(l.startswith("shutting down after %d datagrams" % len(sent)) for l in server.lines),
          "udp_server: counted %d datagrams" % len(sent))


def duplex_client(addr, data, results, key):
    """Send and read at the same time (the server's buffer is bounded:
    it stops reading while the client does not read), then half-close."""
    try:
        s = socket.create_connection(addr, timeout=60)
        got = bytearray()

        def reader():
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                got.extend(chunk)

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        t.join(timeout=60)
        s.close()
        results[key] = bytes(got)
    except Exception as e:
        results[key] = e


def test_tcp_reuseport_server():
    """N threads with a poll each: own SO_REUSEPORT listeners, or --shared."""
    n_clients = 32
    sizes = [1, 64, 1000, 100000, 4 << 20] + [64] * (n_clients - 5)
    for mode in ([], ["--shared"]):
        name = "tcp_reuseport_server %s" % (" ".join(mode) or "(reuseport)")
        server = Server(["./tcp_reuseport_server"] + mode + ["127.0.0.1:0", "2"])
        addr = server.address()
        results, threads = {}, []
        for i, n in enumerate(sizes):
            t = threading.Thread(target=duplex_client, args=(addr, pattern(n, i), results, i))
            t.start()
            threads.append(t)
        for t in threads:
            t.join(timeout=120)
        bad = [i for i, n in enumerate(sizes) if results.get(i) != pattern(n, i)]
        check(not bad, "%s: %d clients got their bytes back (wrong: %s)" % (name, n_clients, bad))
        rc = server.stop()
        check(rc == 0, "%s: exits 0 on SIGTERM (got %s)" % (name, rc))
        per = [l for l in server.lines if l.startswith("thread ")]
        counts = [int(l.split()[3]) for l in per]
        check(len(counts) == 2 and sum(counts) == n_clients,
              "%s: both threads reported, %d connections in all (%s)" % (name, n_clients, counts))
        if not mode:
            # The kernel's hash of 32 connections missing one of two
            # listeners: probability 2^-31.
            check(len(counts) == 2 and min(counts) > 0,
                  "%s: SO_REUSEPORT spread connections over both threads (%s)" % (name, counts))
        check(any(l == "shutting down after %d connections" % n_clients for l in server.lines),
              "%s: shut down cleanly" % name)
        if rc != 0 or bad:
            print(server.log())
    for args in (["127.0.0.1:0"], ["127.0.0.1:0", "0"], ["not-an-address", "2"],
                 ["--shared", "127.0.0.1:0", "x"]):
        r = subprocess.run(["./tcp_reuseport_server"] + args, capture_output=True, timeout=20)
        check(r.returncode == 2, "tcp_reuseport_server: rejects %s" % args)


def test_demo():
    try:
        r = subprocess.run(["./demo"], capture_output=True, text=True, timeout=60)
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired:
        out, rc = "", "timeout"
    check(rc == 0, "demo: exits 0 by itself (got %s)" % rc)
    check("all bytes came back" in out, "demo: all bytes came back")
    check("timer says finish" in out, "demo: finished through the waker")
    if rc != 0:
        print(out)


try:
    for test in (test_tcp_server, test_tcp_listenfd_server, test_udp_server,
                 test_tcp_reuseport_server, test_demo):
        try:
            test()
        except Exception as e:
            check(False, "%s: %r" % (test.__name__, e))
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
EOF
