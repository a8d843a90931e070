#!/usr/bin/env python3
# test_ctypes.py - libmio driven from Python's ctypes, without the SWIG
# module: what a Python user with only libmio1 installed can do.
#
# Loads $MIO_LIBRARY (tests/Makefile.am points it at the build tree's
# lib/.libs/libmio.so.1; otherwise the build tree is searched from here,
# then the installed libmio.so.1), checks that every function declared in
# include/mio.h resolves as name@NODE, NODE being the one lib/libmio.sym
# gives it (MIO_1.0, MIO_1.1; glibc's dlvsym through ctypes), then runs one
# poll + socketpair + one readable event, read back both ways (predicates
# and mio_events_copy).
#
# Exit status follows automake's test protocol: 0 pass, 1 fail, 77 skip
# (the library is not of this Python's architecture: a cross or -m32
# build cannot be loaded here; or it is linked with another C library
# than this Python's: a musl build, whose "libc.so" this glibc process
# would find as the linker script /usr/lib/<triplet>/libc.so).
#
# SPDX-License-Identifier: MIT
import ctypes
import ctypes.util
import os
import re
import socket
import sys

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


def sym_nodes():
    # {function: node} and the target-only entries, from the version
    # script through tests/sym-nodes.sh (the one parser of it).
    import subprocess
    top = os.environ.get("top_srcdir", os.path.join(here, ".."))
    out = subprocess.run(["sh", os.path.join(top, "tests", "sym-nodes.sh"),
                          os.path.join(top, "lib", "libmio.sym")],
                         check=True, capture_output=True, text=True).stdout
    nodes, targets = {}, []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2:
            nodes[f[1]] = f[0]
        elif len(f) == 3:
            targets.append((f[1], f[0], f[2]))
    return nodes, targets


def elf_ident(path):
    # (class, byte order, e_machine) from the ELF header, or None.
    with open(path, "rb") as f:
        h = f.read(20)
    if len(h) < 20 or h[:4] != b"\x7fELF":
        return None
    order = "little" if h[5] == 1 else "big"
    return (h[4], h[5], int.from_bytes(h[18:20], order))


def elf_dynamic(path):
    """(DT_SONAME, [DT_NEEDED...]) of an ELF shared object, or None."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        return None
    wide, end = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        phoff, = struct.unpack_from(end + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 54)
    else:
        phoff, = struct.unpack_from(end + "I", data, 28)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 42)
    loads, dynamic = [], None
    for i in range(phnum):
        o = phoff + i * phentsize
        if wide:
            p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(end + "IIQQQQ", data, o)
        else:
            p_type, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(end + "IIIII", data, o)
        if p_type == 1:      # PT_LOAD: to map DT_STRTAB's address to the file
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == 2:    # PT_DYNAMIC
            dynamic = (p_offset, p_filesz)
    if dynamic is None:
        return None
    fmt, size = (end + "qQ", 16) if wide else (end + "iI", 8)
    entries = [struct.unpack_from(fmt, data, dynamic[0] + k)
               for k in range(0, dynamic[1] - size + 1, size)]
    strtab = next((v for t, v in entries if t == 5), None)   # DT_STRTAB
    if strtab is None:
        return None
    base = next((off + strtab - va for va, off, sz in loads if va <= strtab < va + sz), None)
    if base is None:
        return None

    def string(at):
        return data[base + at:data.index(b"\0", base + at)].decode()
    soname = next((string(v) for t, v in entries if t == 14), None)   # DT_SONAME
    return soname, [string(v) for t, v in entries if t == 1]          # DT_NEEDED


def own_libc():
    """The soname of the C library mapped in this process, or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return None
    for p in sorted(paths):
        if re.match(r"libc(\.so|-[0-9])", os.path.basename(p)):
            info = elf_dynamic(p)
            return info[0] if info and info[0] else os.path.basename(p)
    return None


def resolved_path(path):
    if os.path.sep in path:
        return path
    found = ctypes.util.find_library("mio")
    return found if found and os.path.sep in found else None


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class EventInfo(ctypes.Structure):
    # mio_event_info: the public, fixed layout (mio_events(3)).
    _fields_ = [("token", ctypes.c_size_t), ("readiness", ctypes.c_uint32)]


def skip_if_foreign(path):
    # A library of another architecture (i386 build, qemu cross build)
    # cannot be dlopen()ed by this Python: say so and skip.
    real = resolved_path(path)
    if real is None or not os.path.exists(real):
        return
    mine, theirs = elf_ident(os.path.realpath(sys.executable)), elf_ident(real)
    if mine and theirs and mine != theirs:
        print("SKIP: %s is ELF class %d, byte order %d, machine %d; this "
              "Python (%s) is class %d, byte order %d, machine %d"
              % ((real,) + theirs + (sys.executable,) + mine))
        sys.exit(77)
    # Same machine, another C library (a musl build): its "libc.so" is
    # not this process's, and loading it fails with "invalid ELF header".
    info = elf_dynamic(os.path.realpath(real))
    theirs = [n for n in (info[1] if info else []) if re.fullmatch(r"libc\.so(\.[0-9]+)?", n)]
    mine = own_libc()
    if theirs and mine and theirs[0] != mine:
        print("SKIP: %s is linked with the C library %s (musl's soname is libc.so); "
              "this Python (%s) runs on %s and cannot load it"
              % (real, theirs[0], sys.executable, mine))
        sys.exit(77)


def main():
    path = library_path()
    skip_if_foreign(path)
    lib = ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
    print("loaded " + path)

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    dlvsym = getattr(libc, "dlvsym", None)
    nodes, targets = sym_nodes()
    names = header_functions()
    check(len(names) > 0, "no function found in mio.h")
    if dlvsym is None:
        # musl: no dlvsym; check_dlopen reads the version tables itself.
        print("SKIP part: this C library has no dlvsym; versioned lookup "
              "is checked by check_dlopen's ELF walk")
    else:
        dlvsym.restype = ctypes.c_void_p
        dlvsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]

        def at(name, node):
            return dlvsym(lib._handle, name.encode(), node.encode())

        unknown = [n for n in names if n not in nodes]
        check(not unknown, "in mio.h but in no node of libmio.sym: %s"
              % " ".join(unknown))
        bad = [n for n in names if n in nodes and not at(n, nodes[n])]
        for n in bad:
            print("  %s does not resolve as %s@%s" % (n, n, nodes[n]),
                  file=sys.stderr)
        check(not bad, "%d of %d functions of mio.h do not resolve at "
              "their node" % (len(bad), len(names)))
        early = [n for n in names
                 if nodes.get(n, "MIO_1.0") != "MIO_1.0" and at(n, "MIO_1.0")]
        check(not early, "later-node functions resolve at MIO_1.0: %s"
              % " ".join(early))
        check(not at("mio_poll_new", "MIO_0.9"),
              "mio_poll_new resolves under a version node that does not exist")
        check(not at("mio_poll_new", "MIO_1.1"),
              "mio_poll_new (MIO_1.0) resolves at MIO_1.1")
        tags = os.environ.get("MIO_TARGET_TAGS", "").split()
        for name, node, tag in targets:
            present = bool(at(name, node))
            check(present == (tag in tags),
                  "%s@%s is %s, target tags %r" % (
                      name, node, "present" if present else "absent", tags))
        per = {}
        for n in names:
            per[nodes.get(n)] = per.get(nodes.get(n), 0) + 1
        print("%d functions of mio.h resolve as name@node (%s)"
              % (len(names) - len(bad), ", ".join(
                  "%s: %d" % kv for kv in sorted(per.items(), key=str))))

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
        "mio_event_readiness": (ctypes.c_uint, [vp]),
        "mio_events_copy": (sz, [vp, sz, ctypes.POINTER(EventInfo), sz]),
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
            check(lib.mio_event_readiness(ev) == 0x01,
                  "mio_event_readiness is %#x, want MIO_EVENT_READABLE"
                  % lib.mio_event_readiness(ev))
        infos = (EventInfo * 4)()
        n = lib.mio_events_copy(events, 0, infos, 4)
        check(n == 1, "mio_events_copy copied %d, want 1" % n)
        check(infos[0].token == token and infos[0].readiness == 0x01,
              "mio_events_copy: token %#x readiness %#x"
              % (infos[0].token, infos[0].readiness))
        check(lib.mio_events_copy(events, 1, infos, 4) == 0,
              "mio_events_copy past len is not 0")
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
