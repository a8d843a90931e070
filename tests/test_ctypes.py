#!/usr/bin/env python3
# test_ctypes.py - libmio driven from Python's ctypes, without the SWIG
# module: what a Python user with only libmio1 installed can do.
#
# Loads $MIO_LIBRARY (tests/Makefile.am points it at the build tree's
# lib/.libs/libmio.so.1; otherwise the build tree is searched from here,
# then the installed libmio.so.1), checks that every function declared in
# include/mio.h resolves as name@MIO_1.0 (glibc's dlvsym through ctypes),
# then runs one poll + socketpair + one readable event.
#
# Exit status follows automake's test protocol: 0 pass, 1 fail.
#
# SPDX-License-Identifier: MIT
import ctypes
import ctypes.util
import os
import re
import socket
import sys

NODE = b"MIO_1.0"
here = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg, file=sys.stderr)


def library_path():
    path = os.environ.get("MIO_LIBRARY")
    if path:
        return path
    # Run by hand from tests/ of a build tree (or the source tree of an
    # in-tree build).
    top = os.environ.get("top_builddir", os.path.join(here, ".."))
    cand = os.path.join(top, "lib", ".libs", "libmio.so.1")
    return cand if os.path.exists(cand) else "libmio.so.1"


def header_functions():
    # include/mio.h is made by configure: it lives in the build tree.
    top = os.environ.get("top_builddir", os.path.join(here, ".."))
    with open(os.path.join(top, "include", "mio.h")) as f:
        text = f.read()
    # Drop comments first: "see mio_poll(3)" in prose is not a function.
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return sorted(set(re.findall(r"\b(mio_[a-z0-9_]+)\s*\(", text)))


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def main():
    path = library_path()
    lib = ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
    print("loaded " + path)

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    dlvsym = libc.dlvsym
    dlvsym.restype = ctypes.c_void_p
    dlvsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]

    names = header_functions()
    check(len(names) > 0, "no function found in mio.h")
    bad = [n for n in names if not dlvsym(lib._handle, n.encode(), NODE)]
    for n in bad:
        print("  %s does not resolve as %s@%s" % (n, n, NODE.decode()),
              file=sys.stderr)
    check(not bad, "%d of %d functions of mio.h do not resolve under %s"
          % (len(bad), len(names), NODE.decode()))
    check(not dlvsym(lib._handle, b"mio_poll_new", b"MIO_0.9"),
          "mio_poll_new resolves under a version node that does not exist")
    print("%d functions of mio.h resolve as name@%s"
          % (len(names) - len(bad), NODE.decode()))

    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    protos = {
        "mio_version": (ctypes.c_char_p, []),
        "mio_poll_new": (ctypes.c_int, [ctypes.POINTER(vp)]),
        "mio_poll_free": (None, [vp]),
        "mio_poll_registry": (vp, [vp]),
        "mio_poll_wait": (ctypes.c_int, [vp, vp, ctypes.POINTER(Timespec)]),
        "mio_registry_register": (ctypes.c_int, [vp, ctypes.c_int, ctypes.c_size_t, ctypes.c_uint]),
        "mio_registry_deregister": (ctypes.c_int, [vp, ctypes.c_int]),
        "mio_events_new": (ctypes.c_int, [sz, ctypes.POINTER(vp)]),
        "mio_events_free": (None, [vp]),
        "mio_events_len": (sz, [vp]),
        "mio_events_get": (vp, [vp, sz]),
        "mio_event_token": (ctypes.c_size_t, [vp]),
        "mio_event_is_readable": (ctypes.c_bool, [vp]),
        "mio_event_is_writable": (ctypes.c_bool, [vp]),
    }
    for name, (res, args) in protos.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args

    version = lib.mio_version().decode()
    check(re.fullmatch(r"\d+\.\d+\.\d+", version) is not None,
          "mio_version() is %r" % version)

    poll, events = vp(), vp()
    r = lib.mio_poll_new(ctypes.byref(poll))
    check(r == 0 and poll.value, "mio_poll_new returned %d" % r)
    r = lib.mio_events_new(8, ctypes.byref(events))
    check(r == 0 and events.value, "mio_events_new returned %d" % r)
    if not poll.value or not events.value:
        return
    a, b = socket.socketpair()
    try:
        a.setblocking(False)
        b.setblocking(False)
        registry = lib.mio_poll_registry(poll)
        token = 0xBEEF
        READABLE = 0x01
        r = lib.mio_registry_register(registry, a.fileno(), token, READABLE)
        check(r == 0, "mio_registry_register returned %d" % r)

        r = lib.mio_poll_wait(poll, events, ctypes.byref(Timespec(0, 0)))
        check(r == 0, "mio_poll_wait before any write returned %d" % r)

        b.send(b"x")
        r = lib.mio_poll_wait(poll, events, ctypes.byref(Timespec(10, 0)))
        check(r == 1, "mio_poll_wait returned %d, want 1" % r)
        check(lib.mio_events_len(events) == 1, "mio_events_len is not 1")
        ev = lib.mio_events_get(events, 0)
        check(ev is not None, "mio_events_get(0) is NULL")
        if ev:
            check(lib.mio_event_token(ev) == token,
                  "token %#x, want %#x" % (lib.mio_event_token(ev), token))
            check(lib.mio_event_is_readable(ev), "event is not readable")
            check(not lib.mio_event_is_writable(ev),
                  "event is writable, registered READABLE only")
        check(lib.mio_events_get(events, 1) is None,
              "mio_events_get past len is not NULL")
        check(a.recv(1) == b"x", "the byte did not arrive")
        r = lib.mio_registry_deregister(registry, a.fileno())
        check(r == 0, "mio_registry_deregister returned %d" % r)
    finally:
        a.close()
        b.close()
        lib.mio_events_free(events)
        lib.mio_poll_free(poll)


if __name__ == "__main__":
    main()
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("ctypes: all checks passed")
