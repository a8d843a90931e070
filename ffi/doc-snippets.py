#!/usr/bin/env python3
"""doc-snippets.py - run the code blocks of the documentation as a reader
would copy them, against an installed libmio.

    doc-snippets.py [--only NAME,...] VERSION FILE...

A block is marked by the line before it: in Markdown (README.md)
`<!-- test: NAME -->` before a fenced block, in mdoc (mio(7))
`.\\" test: NAME` before `.Bd -literal` (roff escapes are undone).  NAME
says how it is run:

  luajit-cdef      LuaJIT: the block, then a poll driven through the
                   `mio` it loaded (mio_version() must be VERSION)
  cffi-cdef        Python cffi: the same
  lua-echo-server  Lua 5.4: the block is a server; it is started on
                   127.0.0.1:0, echo clients check every byte, SIGTERM

The blocks find mio.cdef with `pkg-config --variable=cdef mio` and open
libmio.so.1: run against `make install` set PKG_CONFIG_PATH and
LD_LIBRARY_PATH, against the packages nothing.  A marked block with an
unknown NAME fails, and so does a NAME of --only that no file has (a
marker lost in an edit).  Interpreters: $LUAJIT (luajit), $PYTHON (the
first of python3, /usr/bin/python3 with cffi), $LUA (lua5.4).
SPDX-License-Identifier: MIT
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

RUNNERS = ("luajit-cdef", "cffi-cdef", "lua-echo-server")


def unroff(line):
    line = line.replace("\\e", "\x01").replace("\\&", "").replace("\\-", "-")
    line = line.replace("\\(aq", "'").replace("\\(dq", '"')
    return line.replace("\x01", "\\")


def extract(path):
    """[(name, code, line number)] of the marked blocks of a file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        m = (re.match(r"<!--\s*test:\s*([\w-]+)", lines[i]) or
             re.match(r'\.\\"\s*test:\s*([\w-]+)', lines[i]))
        if not m:
            i += 1
            continue
        name, start = m.group(1), i + 1
        j = start
        if path.endswith(".md"):
            if j >= len(lines) or not lines[j].startswith("```"):
                raise SystemExit("%s:%d: marker not followed by a fenced block" % (path, i + 1))
            j += 1
            body = []
            while j < len(lines) and not lines[j].startswith("```"):
                body.append(lines[j])
                j += 1
        else:
            if j >= len(lines) or not lines[j].startswith(".Bd -literal"):
                raise SystemExit("%s:%d: marker not followed by .Bd -literal" % (path, i + 1))
            j += 1
            body = []
            while j < len(lines) and not lines[j].startswith(".Ed"):
                body.append(unroff(lines[j]))
                j += 1
        out.append((name, "\n".join(body) + "\n", i + 1))
        i = j + 1
    return out


def python_with_cffi():
    for p in (os.environ.get("PYTHON"), "python3", "/usr/bin/python3"):
        if p and shutil.which(p) and subprocess.run(
                [p, "-c", "import cffi"], capture_output=True).returncode == 0:
            return p
    return None


LUAJIT_EPILOGUE = r'''
-- appended by doc-snippets.py: use what the block loaded
local pp, ep = ffi.new("mio_poll *[1]"), ffi.new("mio_events *[1]")
assert(mio.mio_poll_new(pp) == 0 and mio.mio_events_new(4, ep) == 0)
local w = ffi.new("mio_waker *[1]")
assert(mio.mio_waker_new(mio.mio_poll_registry(pp[0]), 5, w) == 0)
assert(mio.mio_waker_wake(w[0]) == 0)
assert(mio.mio_poll_wait(pp[0], ep[0], nil) == 1)
assert(tonumber(mio.mio_event_token(mio.mio_events_get(ep[0], 0))) == 5)
assert(ffi.string(mio.mio_version()) == arg[1], ffi.string(mio.mio_version()))
print("libmio " .. ffi.string(mio.mio_version()) .. " through " .. path .. ": waker event ok")
'''

CFFI_EPILOGUE = r'''
# appended by doc-snippets.py: use what the block loaded
import sys
pp, ep, w = ffi.new("mio_poll **"), ffi.new("mio_events **"), ffi.new("mio_waker **")
assert mio.mio_poll_new(pp) == 0 and mio.mio_events_new(4, ep) == 0
assert mio.mio_waker_new(mio.mio_poll_registry(pp[0]), 5, w) == 0
assert mio.mio_waker_wake(w[0]) == 0
assert mio.mio_poll_wait(pp[0], ep[0], ffi.NULL) == 1
assert mio.mio_event_token(mio.mio_events_get(ep[0], 0)) == 5
v = ffi.string(mio.mio_version()).decode()
assert v == sys.argv[1], v
print("libmio %s through %s: waker event ok" % (v, path))
'''


def run_script(argv, code, suffix, tmp, version):
    f = os.path.join(tmp, "snippet" + suffix)
    with open(f, "w") as out:
        out.write(code)
    r = subprocess.run(argv + [f, version], capture_output=True, text=True, timeout=60)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def echo_server(code, tmp):
    lua = os.environ.get("LUA", "lua5.4")
    if not shutil.which(lua):
        return False, "no %s" % lua
    f = os.path.join(tmp, "server.lua")
    with open(f, "w") as out:
        out.write(code)
    p = subprocess.Popen([lua, f, "127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        line, end = "", time.monotonic() + 20
        while time.monotonic() < end:
            line = p.stdout.readline()
            if not line or line.startswith("listening on "):
                break
        m = re.match(r"listening on (\S+):(\d+)", line)
        if not m:
            return False, "no 'listening on' line: %r" % line
        addr = (m.group(1), int(m.group(2)))
        sizes = [1, 1000, 70000, 1 << 20, 5]
        results = {}

        def client(i, n):
            data = bytes((k * 7 + i) % 251 for k in range(n))
            try:
                s = socket.create_connection(addr, timeout=20)
                got = bytearray()

                def reader():
                    while len(got) < n:
                        c = s.recv(65536)
                        if not c:
                            break
                        got.extend(c)
                t = threading.Thread(target=reader)
                t.start()
                s.sendall(data)
                t.join(timeout=30)
                s.close()
                results[i] = bytes(got) == data
            except Exception as e:
                results[i] = e
        threads = [threading.Thread(target=client, args=(i, n)) for i, n in enumerate(sizes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        good = sum(results.get(i) is True for i in range(len(sizes)))
        return good == len(sizes), "%d of %d concurrent clients echoed (%s bytes) on %s:%d" % (
            good, len(sizes), "+".join(map(str, sizes)), addr[0], addr[1])
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    args = sys.argv[1:]
    only = None
    if args[:1] == ["--only"]:
        only = args[1].split(",")
        args = args[2:]
    if len(args) < 2:
        raise SystemExit(__doc__)
    version, files = args[0], args[1:]
    rows, failures, seen = [], 0, set()
    tmp = tempfile.mkdtemp(prefix="doc-snippets.")
    try:
        for path in files:
            for name, code, line in extract(path):
                where = "%s:%d" % (os.path.basename(path), line)
                if name not in RUNNERS:
                    rows.append((where, name, "FAIL", "no runner for this name"))
                    failures += 1
                    continue
                if only is not None and name not in only:
                    continue
                seen.add(name)
                t0 = time.monotonic()
                if name == "luajit-cdef":
                    lj = os.environ.get("LUAJIT", "luajit")
                    ok, out = (run_script([lj], code + LUAJIT_EPILOGUE, ".lua", tmp, version)
                               if shutil.which(lj) else (False, "no %s" % lj))
                elif name == "cffi-cdef":
                    py = python_with_cffi()
                    ok, out = (run_script([py], code + CFFI_EPILOGUE, ".py", tmp, version)
                               if py else (False, "no python3 with cffi"))
                else:
                    ok, out = echo_server(code, tmp)
                rows.append((where, name, "ok" if ok else "FAIL",
                             "%s (%.1f s)" % (out.splitlines()[-1] if out else "", time.monotonic() - t0)))
                if not ok:
                    failures += 1
                    print("---- %s %s:\n%s\n---- output:\n%s" % (where, name, code, out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name in (only or []):
        if name not in seen:
            rows.append(("-", name, "FAIL", "no block marked '%s' in %s" % (name, " ".join(files))))
            failures += 1
    print("%-16s %-16s %-5s %s" % ("block", "test", "", "result"))
    for r in rows:
        print("%-16s %-16s %-5s %s" % r)
    print("doc-snippets: %d block(s), %d failure(s)" % (len(rows), failures))
    return 1 if failures or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
