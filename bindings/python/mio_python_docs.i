/*
 * mio_python_docs.i - docstrings of the Python module: help(mio.Poll.poll)
 * shows the signature (SWIG autodoc, with the Python-side types), what the
 * call does and what it raises.  Declared before mio.i's classes, since a
 * feature applies to the declarations that follow it.
 *
 * Every method raises OSError(errno, strerror) when libmio returns -errno:
 * BlockingIOError for EAGAIN (would block), and EBADF on a closed object.
 *
 * SPDX-License-Identifier: MIT
 */

%feature("autodoc", "0");


%feature("docstring") mio_b_poll "Poll() -> Poll

The heart of an event loop (libmio's mio_poll, Rust mio's Poll): an epoll
instance (or the poll(2) selector) whose registry() registers file
descriptors, and whose poll() waits for their readiness.  Readiness is
edge-triggered: after an event, read or write until BlockingIOError.
Close with close() or a with block; see mio_poll(3).";

%feature("docstring") mio_b_poll::poll "poll(events: Events, timeout: float | None = None) -> int

Wait until at least one registered source is ready, the timeout (seconds;
None: no limit; 0: return at once; rounded up to whole milliseconds)
passes, or a waker wakes it.  Clears and fills events; returns how many
were stored (0 on timeout).  The GIL is released while waiting.  A signal
whose handler returns is retried for the time left (PEP 475); one whose
handler raises (Ctrl-C: KeyboardInterrupt) raises at once.
Raises OSError: EBUSY if another thread is waiting on this poll, EBADF if
it is closed, EINVAL for a negative timeout.";

%feature("docstring") mio_b_poll::registry "registry() -> Registry

The Registry of this poll, for register/reregister/deregister; it keeps
working from any thread, also during poll().  EBADF once the poll is
closed.";

%feature("docstring") mio_b_poll::close "close() -> None

Close the poll's selector now (after a poll() running in another thread
returns); its registries then raise EBADF.  Idempotent.";

%feature("docstring") mio_b_poll::fileno "fileno() -> int

The selector's file descriptor (epoll fd), pollable by another loop.
OSError EOPNOTSUPP on the poll(2) backend.";

%feature("docstring") mio_b_registry "Registry: registers sources with a Poll (poll.registry()).

A source is an int fd or any object with fileno(); a token is any integer
from 0 to 2**64-1; interests are READABLE, WRITABLE, PRIORITY or'ed.";

%feature("docstring") mio_b_registry::register_ "register(source, token: int, interests: int) -> None

Register source (fd or object with fileno()) for interests under token,
edge-triggered.  OSError EEXIST if already registered, EBADF for a bad
fd, EINVAL for interests 0 or unknown bits; OverflowError for a token out
of range.";

%feature("docstring") mio_b_registry::reregister "reregister(source, token: int, interests: int) -> None

Change the token and interests of a registered source; re-arms it (an fd
still ready is reported again).  OSError ENOENT if not registered.";

%feature("docstring") mio_b_registry::deregister "deregister(source) -> None

Stop events for source.  Events already returned may still carry its
token.  OSError ENOENT if not registered.";

%feature("docstring") mio_b_registry::try_clone "try_clone() -> Registry

Another Registry for the same poll, usable from any thread.";

%feature("docstring") mio_b_registry::close "close() -> None

Drop this Registry's hold on its poll; later calls raise EBADF.";

%feature("docstring") mio_b_events "Events(capacity: int = 1024) -> Events

The buffer poll() fills.  len(events), bool(events), iteration
(for ev in events: Event copies, which stay valid after the next poll),
get(i), capacity(), clear().";

%feature("docstring") mio_b_events::get "get(index: int) -> Event | None

A copy of event index (0-based), or None past the end.";

%feature("docstring") mio_b_event "Event: one readiness event, a copy of token and readiness.

token(), readiness() (EVENT_* bits), and is_readable(), is_writable(),
is_error(), is_read_closed(), is_write_closed(), is_priority(), is_aio(),
is_lio() (mio's epoll mapping).";

%feature("docstring") mio_b_event::token "token() -> int

The token the source was registered with.";

%feature("docstring") mio_b_event::readiness "readiness() -> int

Every readiness bit at once: an OR of EVENT_READABLE, EVENT_WRITABLE,
EVENT_ERROR, EVENT_READ_CLOSED, EVENT_WRITE_CLOSED, EVENT_PRIORITY,
EVENT_AIO, EVENT_LIO (libmio 1.1, mio_event_readiness).";

%feature("docstring") mio_b_waker "Waker(registry: Registry, token: int) -> Waker

Wakes poll() from any thread: wake() produces one readable event with
token at the current or next poll(); wakes coalesce.";

%feature("docstring") mio_b_waker::wake "wake() -> None

Wake the poll (any thread).  EBADF once closed.";

%feature("docstring") mio_b_tcp_listener "TcpListener: a listening TCP socket.

TcpListener.bind((host, port)) binds with SO_REUSEADDR and listens;
accept() -> (TcpStream, address), BlockingIOError when none is pending.
For options that must precede bind (SO_REUSEPORT, IPV6_V6ONLY, backlog,
buffer sizes) use TcpSocket.";

%feature("docstring") mio_b_tcp_stream "TcpStream: a connected, non-blocking TCP stream.

TcpStream.connect((host, port)) starts a connect: register it WRITABLE,
then take_error() (0: connected) or peer_addr().  read(n) -> bytes (b''
at end of file), readinto(buffer) -> int, write(data) -> int, readv,
writev, peek, shutdown(SHUT_RD|SHUT_WR|SHUT_RDWR), set_nodelay, set_ttl.
Writing to a peer that has gone raises BrokenPipeError (no SIGPIPE).";

%feature("docstring") mio_b_tcp_socket "TcpSocket: a TCP socket configured before it becomes a listener or a stream (libmio 1.1).

TcpSocket.new_v4() / new_v6(); set_/get_ reuseaddr, reuseport, linger
(seconds, None: off; get_linger() is -1 when off), recv_buffer_size,
send_buffer_size, keepalive, keepalive_time, keepalive_interval,
keepalive_retries, only_v6, nodelay; bind((host, port)); then
listen(backlog) -> TcpListener or connect((host, port)) -> TcpStream,
which consume the socket, on failure too (it is closed afterwards).";

%feature("docstring") mio_b_udp_socket "UdpSocket: a non-blocking UDP socket.

UdpSocket.bind((host, port)); send_to(data, address), recv_from(n) ->
(bytes, address), connect(address), send, recv, peek, multicast and
broadcast options.";

%feature("docstring") mio_b_unix_listener "UnixListener: a listening Unix stream socket.

UnixListener.bind(path) (bytes starting with NUL: abstract; '': unnamed);
accept() -> (UnixStream, address).";

%feature("docstring") mio_b_unix_stream "UnixStream: a connected Unix stream socket.

UnixStream.connect(path), UnixStream.pair() -> (a, b); read, readinto,
write, readv, writev, shutdown.";

%feature("docstring") mio_b_unix_datagram "UnixDatagram: a Unix datagram socket.

UnixDatagram.bind(path), unbound(), pair(); send_to(data, path),
recv_from(n) -> (bytes, address), connect(path), send, recv.";

%feature("docstring") mio_b_pipe_sender "Sender: the write end of mio.pipe().

write(data) -> int, writev; BrokenPipeError when the reader is gone
(Python ignores SIGPIPE).";

%feature("docstring") mio_b_pipe_receiver "Receiver: the read end of mio.pipe().

read(n) -> bytes (b'' at end of file), readinto, readv.";
