"""test_cdef.py - Python cffi loads mio.cdef as it is and drives a poll.

    LD_LIBRARY_PATH=<build>/lib/.libs python3 test_cdef.py mio.cdef VERSION [QUERY]

QUERY (check-cdef.sh writes it): lines "tag member...", for which the
size, alignment and member offsets cffi computes are printed as
"layout ..." lines, for check-cdef.sh to compare with the C compiler's.

The library is opened by its soname, "libmio.so.1", as mio(7) says.
SPDX-License-Identifier: MIT
"""
import errno
import re
import sys

import cffi

cdef_path, version = sys.argv[1], sys.argv[2]
query = sys.argv[3] if len(sys.argv) > 3 else None
text = open(cdef_path).read()
ffi = cffi.FFI()
ffi.cdef(text)
mio = ffi.dlopen("libmio.so.1")
fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + "cffi: " + what, flush=True)
    if not cond:
        fails += 1


names = [n for n in re.findall(r"([A-Za-z0-9_]+)\(", text) if n.startswith("mio_")]
missing = []
for n in names:
    try:
        getattr(mio, n)
    except AttributeError:
        missing.append(n)
check(len(names) > 100 and not missing,
      "%d functions resolve in libmio.so.1 (%s missing)" % (len(names), " ".join(missing)))
check(ffi.string(mio.mio_version()).decode() == version, "mio_version() is " + version)

pp, ep = ffi.new("mio_poll **"), ffi.new("mio_events **")
tx, rx = ffi.new("mio_pipe_sender **"), ffi.new("mio_pipe_receiver **")
check(mio.mio_poll_new(pp) == 0 and mio.mio_events_new(8, ep) == 0 and
      mio.mio_pipe_new(tx, rx) == 0, "poll, events, pipe")
poll, events = pp[0], ep[0]
reg = mio.mio_poll_registry(poll)
check(mio.mio_registry_register(reg, mio.mio_pipe_receiver_fd(rx[0]), 4242,
                                mio.MIO_READABLE) == 0, "register the pipe, token 4242")
ts = ffi.new("struct timespec *", {"tv_sec": 0, "tv_nsec": 10000000})
check(mio.mio_poll_wait(poll, events, ts) == 0, "nothing ready: a 10 ms wait returns 0")
check(mio.mio_pipe_sender_write(tx[0], b"hello", 5) == 5, "write 5 bytes (intptr_t)")
ts.tv_sec, ts.tv_nsec = 5, 0
check(mio.mio_poll_wait(poll, events, ts) == 1, "one event")
e = mio.mio_events_get(events, 0)
check(mio.mio_event_token(e) == 4242, "its token is 4242")
check(mio.mio_event_is_readable(e) == 1 and mio.mio_event_is_writable(e) == 0,
      "readable, not writable (bool as uint8_t)")
buf = ffi.new("char[16]")
n = mio.mio_pipe_receiver_read(rx[0], buf, 16)
check(n == 5 and ffi.buffer(buf, 5)[:] == b"hello", "read back hello")
check(mio.mio_pipe_receiver_read(rx[0], buf, 16) == -errno.EAGAIN, "then -EAGAIN")

a, b = ffi.new("mio_unix_stream **"), ffi.new("mio_unix_stream **")
check(mio.mio_unix_stream_pair(a, b) == 0, "unix stream pair")
check(mio.mio_registry_register(reg, mio.mio_unix_stream_fd(a[0]), 7,
                                mio.MIO_READABLE | mio.MIO_WRITABLE) == 0,
      "register one end READABLE|WRITABLE")
n = mio.mio_poll_wait(poll, events, ts)
e = mio.mio_events_get(events, 0)
check(n == 1 and mio.mio_event_token(e) == 7 and mio.mio_event_is_writable(e) == 1,
      "token 7 writable")

ss, ln = ffi.new("struct sockaddr_storage *"), ffi.new("uint32_t *")
out = ffi.new("char[64]")
check(mio.mio_addr_parse(b"[::1]:8080", ss, ln) == 0 and
      mio.mio_addr_format(ffi.cast("struct sockaddr *", ss), ln[0], out, 64) > 0 and
      ffi.string(out) == b"[::1]:8080", "address parsed and formatted")
check(mio.mio_addr_parse(b"nonsense", ss, ln) == -errno.EINVAL, "a bad address is -EINVAL")
check(mio.mio_poll_wait(ffi.NULL, events, ffi.NULL) == -errno.EINVAL, "NULL poll is -EINVAL")

if query:
    for line in open(query):
        words = line.split()
        if not words:
            continue
        t = "struct " + words[0]
        print("layout size %s %d" % (words[0], ffi.sizeof(t)))
        print("layout align %s %d" % (words[0], ffi.alignof(t)))
        for m in words[1:]:
            print("layout offset %s %s %d" % (words[0], m, ffi.offsetof(t, m)))

mio.mio_unix_stream_free(a[0])
mio.mio_unix_stream_free(b[0])
mio.mio_pipe_sender_free(tx[0])
mio.mio_pipe_receiver_free(rx[0])
mio.mio_events_free(events)
mio.mio_poll_free(poll)
print("cffi: %d failure(s)" % fails)
sys.exit(1 if fails else 0)
