/*
 * mio_python_docs.i - docstrings of the Python module (issue 20, item 4):
 * help(mio.Poll.poll) shows a Python signature, with the types of the
 * stub mio/__init__.pyi (tests/test_surface.py holds every first line to
 * the stub), what the call does and what it raises; nothing of SWIG's
 * (no autodoc: it printed C types such as mio_b_ok or TIMEOUT).
 * Declared before mio.i's classes, since a feature applies to the
 * declarations that follow it.  A method added to mio.i needs its line
 * here, in the stub and in mio(7)'s Reference table.
 *
 * Every method raises OSError(errno, strerror) when libmio returns -errno:
 * BlockingIOError for EAGAIN (would block), and EBADF on a closed object.
 *
 * SPDX-License-Identifier: MIT
 */

%feature("docstring") mio_version "version() -> str

The version of the libmio loaded at run time, as text.";
%feature("docstring") mio_backend "backend() -> str

The selector libmio was built with: 'epoll' or 'poll'.";
%feature("docstring") mio_b_pipe "pipe() -> tuple[Sender, Receiver]

A new non-blocking, close-on-exec pipe: (write end, read end).";
%feature("docstring") addr_parse "addr_parse(text: str) -> tuple[str, int] | tuple[str, int, int, int]

Parse 'ip:port' or '[ipv6]:port' text (numeric, no DNS) into an address
tuple. OSError EINVAL if it is not one.";
%feature("docstring") addr_format "addr_format(addr: tuple[str, int] | tuple[str, int, int, int]) -> str

Format an address tuple as 'ip:port' or '[ipv6]:port' text.";
%feature("docstring") mio_b_poll "Poll() -> Poll

The heart of an event loop (libmio's mio_poll, Rust mio's Poll): an epoll
instance (or the poll(2) selector) whose registry() registers file
descriptors, and whose poll() waits for their readiness.  Readiness is
edge-triggered: after an event, read or write until BlockingIOError.
Close with close() or a with block; see mio_poll(3) and mio(7).";
%feature("docstring") mio_b_poll::close "close() -> None

Close the poll's selector now (after a poll() running in another thread
returns); its registries then raise EBADF. Idempotent.";
%feature("docstring") mio_b_poll::fileno "fileno() -> int

The selector's file descriptor (epoll fd), pollable by another loop.
OSError EOPNOTSUPP on the poll(2) backend.";
%feature("docstring") mio_b_poll::poll "poll(events: Events, timeout: float | None = None) -> int

Wait until at least one registered source is ready, the timeout
(seconds; None: no limit; 0: return at once; at most 2147483.647;
rounded up to whole milliseconds) passes, or a waker wakes it. Clears
and fills events; returns how many were stored (0 on timeout). The GIL
is released while waiting. A signal whose handler returns is retried for
the time left (PEP 475) unless the handler closed this poll (then
OSError EBADF); one whose handler raises (Ctrl-C: KeyboardInterrupt)
raises at once. Raises OSError: EBUSY if another thread is waiting into
these events, EBADF if it is closed; ValueError for a NaN or negative
timeout, OverflowError for a larger one.";
%feature("docstring") mio_b_poll::registry "registry() -> Registry

The Registry of this poll, for register/reregister/deregister; it keeps
working from any thread, also during poll(). EBADF once the poll is
closed.";
%feature("docstring") mio_b_registry "Registry: registers sources with a Poll (made by poll.registry()).

A source is an int fd or any object with fileno(); a token is any integer
from 0 to 2**64-1; interests are READABLE, WRITABLE, PRIORITY or'ed.";
%feature("docstring") mio_b_registry::close "close() -> None

Drop this Registry's hold on its poll; later calls raise EBADF.";
%feature("docstring") mio_b_registry::deregister "deregister(source: FileDescriptorLike) -> None

Stop events for source. Events already returned may still carry its
token. OSError ENOENT if not registered.";
%feature("docstring") mio_b_registry::register_ "register(source: FileDescriptorLike, token: int, interests: int) -> None

Register source (fd or object with fileno()) for interests under token,
edge-triggered. OSError EEXIST if already registered, EBADF for a bad
fd, EINVAL for interests 0 or unknown bits; OverflowError for a token
out of range.";
%feature("docstring") mio_b_registry::reregister "reregister(source: FileDescriptorLike, token: int, interests: int) -> None

Change the token and interests of a registered source; re-arms it (an fd
still ready is reported again). OSError ENOENT if not registered.";
%feature("docstring") mio_b_registry::try_clone "try_clone() -> Registry

Another Registry for the same poll, usable from any thread.";
%feature("docstring") mio_b_events "Events(capacity: int = 1024) -> Events

The buffer poll() fills.  len(events), bool(events), iteration
(for ev in events: Event copies, which stay valid after the next poll),
get(i), capacity(), clear().";
%feature("docstring") mio_b_events::capacity "capacity() -> int

How many events one poll() can store.";
%feature("docstring") mio_b_events::clear "clear() -> None

Forget the stored events.";
%feature("docstring") mio_b_events::get "get(index: int) -> Event | None

A copy of event index (0-based), or None past the end.";
%feature("docstring") mio_b_events::is_empty "is_empty() -> bool

Whether the last poll() stored no event.";
%feature("docstring") mio_b_events::iter "iter() -> Iterator[Event]

An iterator over copies of the stored events (as iter(events)).";
%feature("docstring") mio_b_events::len "len() -> int

How many events the last poll() stored (as len(events)).";
%feature("docstring") mio_b_event "Event: one readiness event, a copy of its token and readiness.

token(), readiness() (EVENT_* bits), and is_readable(), is_writable(),
is_error(), is_read_closed(), is_write_closed(), is_priority(), is_aio(),
is_lio() (mio's epoll mapping).  Made by iterating an Events.";
%feature("docstring") mio_b_event::is_aio "is_aio() -> bool

Whether the source is AIO-ready (never on Linux), as Rust mio maps it.";
%feature("docstring") mio_b_event::is_error "is_error() -> bool

Whether the source is in error (EPOLLERR), as Rust mio maps it.";
%feature("docstring") mio_b_event::is_lio "is_lio() -> bool

Whether the source is LIO-ready (never on Linux), as Rust mio maps it.";
%feature("docstring") mio_b_event::is_priority "is_priority() -> bool

Whether the source is readable with priority data (EPOLLPRI), as Rust
mio maps it.";
%feature("docstring") mio_b_event::is_read_closed "is_read_closed() -> bool

Whether the source is closed for reading (EPOLLHUP, or
EPOLLIN|EPOLLRDHUP), as Rust mio maps it.";
%feature("docstring") mio_b_event::is_readable "is_readable() -> bool

Whether the source is readable (EPOLLIN), as Rust mio maps it.";
%feature("docstring") mio_b_event::is_writable "is_writable() -> bool

Whether the source is writable (EPOLLOUT), as Rust mio maps it.";
%feature("docstring") mio_b_event::is_write_closed "is_write_closed() -> bool

Whether the source is closed for writing (EPOLLHUP, or
EPOLLOUT|EPOLLERR), as Rust mio maps it.";
%feature("docstring") mio_b_event::readiness "readiness() -> int

Every readiness bit at once: an OR of EVENT_READABLE, EVENT_WRITABLE,
EVENT_ERROR, EVENT_READ_CLOSED, EVENT_WRITE_CLOSED, EVENT_PRIORITY,
EVENT_AIO, EVENT_LIO.";
%feature("docstring") mio_b_event::token "token() -> int

The token the source was registered with.";
%feature("docstring") mio_b_waker "Waker(registry: Registry, token: int) -> Waker

Wakes poll() from any thread: wake() produces one readable event with
token at the current or next poll(); wakes coalesce.";
%feature("docstring") mio_b_waker::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_waker::wake "wake() -> None

Wake the poll (any thread). EBADF once closed.";
%feature("docstring") mio_b_tcp_listener "TcpListener: a listening TCP socket (made by TcpListener.bind()).

TcpListener.bind((host, port)) binds with SO_REUSEADDR and listens;
accept() -> (TcpStream, address), BlockingIOError when none is pending.
For options that must precede bind (SO_REUSEPORT, IPV6_V6ONLY, backlog,
buffer sizes) use TcpSocket.";
%feature("docstring") mio_b_tcp_listener::accept "accept() -> tuple[TcpStream, tuple[str, int] | tuple[str, int, int, int]]

Accept a pending connection: (stream, peer address); BlockingIOError
when none is pending.";
%feature("docstring") mio_b_tcp_listener::bind "bind(addr: tuple[str, int] | tuple[str, int, int, int]) -> TcpListener

A listener bound to addr ((host, port); a name is resolved) with
SO_REUSEADDR, listening.";
%feature("docstring") mio_b_tcp_listener::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_tcp_listener::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_tcp_listener::from_fd "from_fd(fd: int) -> TcpListener

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_tcp_listener::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_tcp_listener::local_addr "local_addr() -> tuple[str, int] | tuple[str, int, int, int]

The address this socket is bound to.";
%feature("docstring") mio_b_tcp_listener::set_ttl "set_ttl(ttl: int) -> None

Set the IP time-to-live of outgoing packets.";
%feature("docstring") mio_b_tcp_listener::take_error "take_error() -> int

The socket's pending error (SO_ERROR) as a positive errno, 0 for none;
reading it clears it.";
%feature("docstring") mio_b_tcp_listener::ttl "ttl() -> int

The IP time-to-live of outgoing packets.";
%feature("docstring") mio_b_tcp_stream "TcpStream: a connected, non-blocking TCP stream.

TcpStream.connect((host, port)) starts a connect: register it WRITABLE,
then take_error() (0: connected) or peer_addr().  read(n) -> bytes (b''
at end of file), readinto(buffer) -> int, write(data) -> int, readv,
writev, peek, shutdown(SHUT_RD|SHUT_WR|SHUT_RDWR), set_nodelay, set_ttl.
Writing to a peer that has gone raises BrokenPipeError (no SIGPIPE).";
%feature("docstring") mio_b_tcp_stream::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_tcp_stream::connect "connect(addr: tuple[str, int] | tuple[str, int, int, int]) -> TcpStream

Start a non-blocking connect to addr: register the stream WRITABLE, then
check take_error() (0: connected) or peer_addr().";
%feature("docstring") mio_b_tcp_stream::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_tcp_stream::from_fd "from_fd(fd: int) -> TcpStream

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_tcp_stream::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_tcp_stream::local_addr "local_addr() -> tuple[str, int] | tuple[str, int, int, int]

The address this socket is bound to.";
%feature("docstring") mio_b_tcp_stream::nodelay "nodelay() -> bool

Whether TCP_NODELAY is on.";
%feature("docstring") mio_b_tcp_stream::peek "peek(n: int) -> bytes

Read up to n bytes without taking them from the queue.";
%feature("docstring") mio_b_tcp_stream::peek_into "peek_into(buf: WriteableBuffer) -> int

Peek into a writable buffer; returns how many bytes.";
%feature("docstring") mio_b_tcp_stream::peer_addr "peer_addr() -> tuple[str, int] | tuple[str, int, int, int]

The address of the peer. OSError ENOTCONN if not connected.";
%feature("docstring") mio_b_tcp_stream::read "read(n: int) -> bytes

Read up to n bytes: b'' at end of file; BlockingIOError when none are
ready.";
%feature("docstring") mio_b_tcp_stream::readinto "readinto(buf: WriteableBuffer) -> int

Read into a writable buffer; returns how many bytes (0 at end of file).";
%feature("docstring") mio_b_tcp_stream::readv "readv(bufs: Sequence[WriteableBuffer]) -> int

Read into a sequence of writable buffers, in order; returns how many
bytes in all.";
%feature("docstring") mio_b_tcp_stream::set_nodelay "set_nodelay(on: bool) -> None

Set TCP_NODELAY (no Nagle delay) on or off.";
%feature("docstring") mio_b_tcp_stream::set_ttl "set_ttl(ttl: int) -> None

Set the IP time-to-live of outgoing packets.";
%feature("docstring") mio_b_tcp_stream::shutdown "shutdown(how: int) -> None

Shut down reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR).";
%feature("docstring") mio_b_tcp_stream::take_error "take_error() -> int

The socket's pending error (SO_ERROR) as a positive errno, 0 for none;
reading it clears it.";
%feature("docstring") mio_b_tcp_stream::ttl "ttl() -> int

The IP time-to-live of outgoing packets.";
%feature("docstring") mio_b_tcp_stream::write "write(data: ReadableBuffer) -> int

Write bytes-like data; returns how many bytes were written (maybe
fewer); BlockingIOError when none can be.";
%feature("docstring") mio_b_tcp_stream::writev "writev(bufs: Sequence[ReadableBuffer]) -> int

Write a sequence of bytes-like objects, in order, in one call; returns
how many bytes in all.";
%feature("docstring") mio_b_tcp_socket "TcpSocket: a TCP socket configured before it becomes a listener or a stream.

TcpSocket.new_v4() / new_v6(); set_/get_ reuseaddr, reuseport, linger
(seconds, None: off; get_linger() is -1 when off), recv_buffer_size,
send_buffer_size, keepalive, keepalive_time, keepalive_interval,
keepalive_retries, only_v6, nodelay; bind((host, port)); then
listen(backlog) -> TcpListener or connect((host, port)) -> TcpStream,
which consume the socket whatever happens (it is closed afterwards).";
%feature("docstring") mio_b_tcp_socket::bind "bind(addr: tuple[str, int] | tuple[str, int, int, int]) -> None

Bind the socket to addr.";
%feature("docstring") mio_b_tcp_socket::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_tcp_socket::connect "connect(addr: tuple[str, int] | tuple[str, int, int, int]) -> TcpStream

Start a non-blocking connect to addr and return the TcpStream. Consumes
the socket whatever happens, also when addr cannot be converted or
resolved.";
%feature("docstring") mio_b_tcp_socket::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_tcp_socket::from_fd "from_fd(fd: int) -> TcpSocket

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_tcp_socket::get_keepalive "get_keepalive() -> bool

The value of SO_KEEPALIVE.";
%feature("docstring") mio_b_tcp_socket::get_keepalive_interval "get_keepalive_interval() -> float

TCP_KEEPINTVL, in seconds.";
%feature("docstring") mio_b_tcp_socket::get_keepalive_retries "get_keepalive_retries() -> int

The value of TCP_KEEPCNT.";
%feature("docstring") mio_b_tcp_socket::get_keepalive_time "get_keepalive_time() -> float

TCP_KEEPIDLE, in seconds.";
%feature("docstring") mio_b_tcp_socket::get_linger "get_linger() -> float

SO_LINGER in seconds, -1.0 when off.";
%feature("docstring") mio_b_tcp_socket::get_nodelay "get_nodelay() -> bool

The value of TCP_NODELAY.";
%feature("docstring") mio_b_tcp_socket::get_only_v6 "get_only_v6() -> bool

The value of IPV6_V6ONLY.";
%feature("docstring") mio_b_tcp_socket::get_recv_buffer_size "get_recv_buffer_size() -> int

The value of SO_RCVBUF.";
%feature("docstring") mio_b_tcp_socket::get_reuseaddr "get_reuseaddr() -> bool

The value of SO_REUSEADDR.";
%feature("docstring") mio_b_tcp_socket::get_reuseport "get_reuseport() -> bool

The value of SO_REUSEPORT.";
%feature("docstring") mio_b_tcp_socket::get_send_buffer_size "get_send_buffer_size() -> int

The value of SO_SNDBUF.";
%feature("docstring") mio_b_tcp_socket::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_tcp_socket::listen "listen(backlog: int = 1024) -> TcpListener

Listen with this backlog and return the TcpListener. Consumes the socket
whatever happens: on success, on failure, and when backlog is refused
(it is closed afterwards).";
%feature("docstring") mio_b_tcp_socket::local_addr "local_addr() -> tuple[str, int] | tuple[str, int, int, int]

The address this socket is bound to.";
%feature("docstring") mio_b_tcp_socket::new_v4 "new_v4() -> TcpSocket

A new IPv4 TCP socket, to configure before bind/listen/connect.";
%feature("docstring") mio_b_tcp_socket::new_v6 "new_v6() -> TcpSocket

A new IPv6 TCP socket, to configure before bind/listen/connect.";
%feature("docstring") mio_b_tcp_socket::set_keepalive "set_keepalive(v: bool) -> None

Set SO_KEEPALIVE (keepalive).";
%feature("docstring") mio_b_tcp_socket::set_keepalive_interval "set_keepalive_interval(seconds: float) -> None

TCP_KEEPINTVL: seconds between keepalive probes (0 to 2**31 - 1).";
%feature("docstring") mio_b_tcp_socket::set_keepalive_retries "set_keepalive_retries(v: int) -> None

Set TCP_KEEPCNT (keepalive retries).";
%feature("docstring") mio_b_tcp_socket::set_keepalive_time "set_keepalive_time(seconds: float) -> None

TCP_KEEPIDLE: idle seconds before the first keepalive probe (0 to 2**31
- 1).";
%feature("docstring") mio_b_tcp_socket::set_linger "set_linger(seconds: float | None = None) -> None

SO_LINGER: close() waits up to seconds for unsent data; None (the
default) turns it off. ValueError for NaN or a negative number,
OverflowError above 2**31 - 1.";
%feature("docstring") mio_b_tcp_socket::set_nodelay "set_nodelay(v: bool) -> None

Set TCP_NODELAY (nodelay).";
%feature("docstring") mio_b_tcp_socket::set_only_v6 "set_only_v6(v: bool) -> None

Set IPV6_V6ONLY (only v6).";
%feature("docstring") mio_b_tcp_socket::set_recv_buffer_size "set_recv_buffer_size(v: int) -> None

Set SO_RCVBUF (recv buffer size).";
%feature("docstring") mio_b_tcp_socket::set_reuseaddr "set_reuseaddr(v: bool) -> None

Set SO_REUSEADDR (reuseaddr).";
%feature("docstring") mio_b_tcp_socket::set_reuseport "set_reuseport(v: bool) -> None

Set SO_REUSEPORT (reuseport).";
%feature("docstring") mio_b_tcp_socket::set_send_buffer_size "set_send_buffer_size(v: int) -> None

Set SO_SNDBUF (send buffer size).";
%feature("docstring") mio_b_udp_socket "UdpSocket: a non-blocking UDP socket.

UdpSocket.bind((host, port)); send_to(data, address), recv_from(n) ->
(bytes, address), connect(address), send, recv, peek, multicast and
broadcast options.";
%feature("docstring") mio_b_udp_socket::bind "bind(addr: tuple[str, int] | tuple[str, int, int, int]) -> UdpSocket

A UDP socket bound to addr ((host, port)).";
%feature("docstring") mio_b_udp_socket::broadcast "broadcast() -> bool

The value of SO_BROADCAST.";
%feature("docstring") mio_b_udp_socket::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_udp_socket::connect "connect(addr: tuple[str, int] | tuple[str, int, int, int]) -> None

Connect to addr (for a datagram socket: set the default peer).";
%feature("docstring") mio_b_udp_socket::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_udp_socket::from_fd "from_fd(fd: int) -> UdpSocket

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_udp_socket::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_udp_socket::join_multicast_v4 "join_multicast_v4(group: str, iface: str | None = None) -> None

Join the IPv4 multicast group (dotted quad) on iface (None or '': any).";
%feature("docstring") mio_b_udp_socket::join_multicast_v6 "join_multicast_v6(group: str, ifindex: int = 0) -> None

Join the IPv6 multicast group on the interface of that index (0: any).";
%feature("docstring") mio_b_udp_socket::leave_multicast_v4 "leave_multicast_v4(group: str, iface: str | None = None) -> None

Leave the IPv4 multicast group on iface.";
%feature("docstring") mio_b_udp_socket::leave_multicast_v6 "leave_multicast_v6(group: str, ifindex: int = 0) -> None

Leave the IPv6 multicast group.";
%feature("docstring") mio_b_udp_socket::local_addr "local_addr() -> tuple[str, int] | tuple[str, int, int, int]

The address this socket is bound to.";
%feature("docstring") mio_b_udp_socket::multicast_loop_v4 "multicast_loop_v4() -> bool

The value of IP_MULTICAST_LOOP.";
%feature("docstring") mio_b_udp_socket::multicast_loop_v6 "multicast_loop_v6() -> bool

The value of IPV6_MULTICAST_LOOP.";
%feature("docstring") mio_b_udp_socket::multicast_ttl_v4 "multicast_ttl_v4() -> int

The value of IP_MULTICAST_TTL.";
%feature("docstring") mio_b_udp_socket::only_v6 "only_v6() -> bool

Whether IPV6_V6ONLY is on.";
%feature("docstring") mio_b_udp_socket::peek "peek(n: int) -> bytes

Read up to n bytes without taking them from the queue.";
%feature("docstring") mio_b_udp_socket::peek_from "peek_from(n: int) -> tuple[bytes, tuple[str, int] | tuple[str, int, int, int]]

As recv_from, without taking the datagram from the queue.";
%feature("docstring") mio_b_udp_socket::peek_into "peek_into(buf: WriteableBuffer) -> int

Peek into a writable buffer; returns how many bytes.";
%feature("docstring") mio_b_udp_socket::peer_addr "peer_addr() -> tuple[str, int] | tuple[str, int, int, int]

The address of the peer. OSError ENOTCONN if not connected.";
%feature("docstring") mio_b_udp_socket::recv "recv(n: int) -> bytes

Receive one datagram, truncated to n bytes.";
%feature("docstring") mio_b_udp_socket::recv_from "recv_from(n: int) -> tuple[bytes, tuple[str, int] | tuple[str, int, int, int]]

Receive one datagram, truncated to n bytes: (data, sender address).";
%feature("docstring") mio_b_udp_socket::recv_from_into "recv_from_into(buf: WriteableBuffer) -> tuple[int, tuple[str, int] | tuple[str, int, int, int]]

Receive one datagram into a writable buffer: (size, sender address).";
%feature("docstring") mio_b_udp_socket::recv_into "recv_into(buf: WriteableBuffer) -> int

Receive one datagram into a writable buffer; returns its size.";
%feature("docstring") mio_b_udp_socket::send "send(data: ReadableBuffer) -> int

Send data as one datagram to the connected peer; returns its size.";
%feature("docstring") mio_b_udp_socket::send_to "send_to(data: ReadableBuffer, addr: tuple[str, int] | tuple[str, int, int, int]) -> int

Send data as one datagram to addr; returns its size.";
%feature("docstring") mio_b_udp_socket::set_broadcast "set_broadcast(on: bool) -> None

Set SO_BROADCAST (broadcast).";
%feature("docstring") mio_b_udp_socket::set_multicast_loop_v4 "set_multicast_loop_v4(on: bool) -> None

Set IP_MULTICAST_LOOP (multicast loop v4).";
%feature("docstring") mio_b_udp_socket::set_multicast_loop_v6 "set_multicast_loop_v6(on: bool) -> None

Set IPV6_MULTICAST_LOOP (multicast loop v6).";
%feature("docstring") mio_b_udp_socket::set_multicast_ttl_v4 "set_multicast_ttl_v4(ttl: int) -> None

Set IP_MULTICAST_TTL (multicast ttl v4).";
%feature("docstring") mio_b_udp_socket::set_ttl "set_ttl(ttl: int) -> None

Set the IP time-to-live of outgoing packets.";
%feature("docstring") mio_b_udp_socket::take_error "take_error() -> int

The socket's pending error (SO_ERROR) as a positive errno, 0 for none;
reading it clears it.";
%feature("docstring") mio_b_udp_socket::ttl "ttl() -> int

The IP time-to-live of outgoing packets.";
%feature("docstring") mio_b_unix_listener "UnixListener: a listening Unix stream socket.

UnixListener.bind(path) (bytes starting with NUL: abstract; '': unnamed);
accept() -> (UnixStream, address).";
%feature("docstring") mio_b_unix_listener::accept "accept() -> tuple[UnixStream, str | bytes]

Accept a pending connection: (stream, peer address); BlockingIOError
when none is pending.";
%feature("docstring") mio_b_unix_listener::bind "bind(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> UnixListener

A listener bound to path (bytes starting with NUL: an abstract name; '':
autobind); the caller unlinks the file.";
%feature("docstring") mio_b_unix_listener::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_unix_listener::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_unix_listener::from_fd "from_fd(fd: int) -> UnixListener

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_unix_listener::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_unix_listener::local_addr "local_addr() -> str | bytes

The address this socket is bound to.";
%feature("docstring") mio_b_unix_listener::take_error "take_error() -> int

The socket's pending error (SO_ERROR) as a positive errno, 0 for none;
reading it clears it.";
%feature("docstring") mio_b_unix_stream "UnixStream: a connected Unix stream socket.

UnixStream.connect(path), UnixStream.pair() -> (a, b); read, readinto,
write, readv, writev, shutdown.";
%feature("docstring") mio_b_unix_stream::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_unix_stream::connect "connect(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> UnixStream

Connect to the listener at path.";
%feature("docstring") mio_b_unix_stream::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_unix_stream::from_fd "from_fd(fd: int) -> UnixStream

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_unix_stream::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_unix_stream::local_addr "local_addr() -> str | bytes

The address this socket is bound to.";
%feature("docstring") mio_b_unix_stream::pair "pair() -> tuple[UnixStream, UnixStream]

Two connected Unix stream sockets.";
%feature("docstring") mio_b_unix_stream::peer_addr "peer_addr() -> str | bytes

The address of the peer. OSError ENOTCONN if not connected.";
%feature("docstring") mio_b_unix_stream::read "read(n: int) -> bytes

Read up to n bytes: b'' at end of file; BlockingIOError when none are
ready.";
%feature("docstring") mio_b_unix_stream::readinto "readinto(buf: WriteableBuffer) -> int

Read into a writable buffer; returns how many bytes (0 at end of file).";
%feature("docstring") mio_b_unix_stream::readv "readv(bufs: Sequence[WriteableBuffer]) -> int

Read into a sequence of writable buffers, in order; returns how many
bytes in all.";
%feature("docstring") mio_b_unix_stream::shutdown "shutdown(how: int) -> None

Shut down reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR).";
%feature("docstring") mio_b_unix_stream::take_error "take_error() -> int

The socket's pending error (SO_ERROR) as a positive errno, 0 for none;
reading it clears it.";
%feature("docstring") mio_b_unix_stream::write "write(data: ReadableBuffer) -> int

Write bytes-like data; returns how many bytes were written (maybe
fewer); BlockingIOError when none can be.";
%feature("docstring") mio_b_unix_stream::writev "writev(bufs: Sequence[ReadableBuffer]) -> int

Write a sequence of bytes-like objects, in order, in one call; returns
how many bytes in all.";
%feature("docstring") mio_b_unix_datagram "UnixDatagram: a Unix datagram socket.

UnixDatagram.bind(path), unbound(), pair(); send_to(data, path),
recv_from(n) -> (bytes, address), connect(path), send, recv.";
%feature("docstring") mio_b_unix_datagram::bind "bind(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> UnixDatagram

A datagram socket bound to path.";
%feature("docstring") mio_b_unix_datagram::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_unix_datagram::connect "connect(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None

Connect to addr (for a datagram socket: set the default peer).";
%feature("docstring") mio_b_unix_datagram::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_unix_datagram::from_fd "from_fd(fd: int) -> UnixDatagram

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_unix_datagram::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_unix_datagram::local_addr "local_addr() -> str | bytes

The address this socket is bound to.";
%feature("docstring") mio_b_unix_datagram::pair "pair() -> tuple[UnixDatagram, UnixDatagram]

Two connected Unix datagram sockets.";
%feature("docstring") mio_b_unix_datagram::peer_addr "peer_addr() -> str | bytes

The address of the peer. OSError ENOTCONN if not connected.";
%feature("docstring") mio_b_unix_datagram::recv "recv(n: int) -> bytes

Receive one datagram, truncated to n bytes.";
%feature("docstring") mio_b_unix_datagram::recv_from "recv_from(n: int) -> tuple[bytes, str | bytes]

Receive one datagram, truncated to n bytes: (data, sender path).";
%feature("docstring") mio_b_unix_datagram::recv_into "recv_into(buf: WriteableBuffer) -> int

Receive one datagram into a writable buffer; returns its size.";
%feature("docstring") mio_b_unix_datagram::send "send(data: ReadableBuffer) -> int

Send data as one datagram to the connected peer; returns its size.";
%feature("docstring") mio_b_unix_datagram::send_to "send_to(data: ReadableBuffer, path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> int

Send data as one datagram to path; returns its size.";
%feature("docstring") mio_b_unix_datagram::shutdown "shutdown(how: int) -> None

Shut down reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR).";
%feature("docstring") mio_b_unix_datagram::take_error "take_error() -> int

The socket's pending error (SO_ERROR) as a positive errno, 0 for none;
reading it clears it.";
%feature("docstring") mio_b_unix_datagram::unbound "unbound() -> UnixDatagram

A datagram socket bound to no name.";
%feature("docstring") mio_b_pipe_sender "Sender: the write end of mio.pipe().

write(data) -> int, writev; BrokenPipeError when the reader is gone
(Python ignores SIGPIPE).  set_nonblocking(False) makes writes wait, with
the GIL released.";
%feature("docstring") mio_b_pipe_sender::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_pipe_sender::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_pipe_sender::from_fd "from_fd(fd: int) -> Sender

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_pipe_sender::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_pipe_sender::set_nonblocking "set_nonblocking(on: bool) -> None

on=False makes reads and writes on this pipe end wait (with the GIL
released; a signal whose handler returns restarts them); on=True (the
default) makes them raise BlockingIOError instead.";
%feature("docstring") mio_b_pipe_sender::write "write(data: ReadableBuffer) -> int

Write bytes-like data; returns how many bytes were written (maybe
fewer); BlockingIOError when none can be.";
%feature("docstring") mio_b_pipe_sender::writev "writev(bufs: Sequence[ReadableBuffer]) -> int

Write a sequence of bytes-like objects, in order, in one call; returns
how many bytes in all.";
%feature("docstring") mio_b_pipe_receiver "Receiver: the read end of mio.pipe().

read(n) -> bytes (b'' at end of file), readinto, readv.
set_nonblocking(False) makes reads wait, with the GIL released.";
%feature("docstring") mio_b_pipe_receiver::close "close() -> None

Close now; the object stays, and every method then raises OSError EBADF.
Idempotent.";
%feature("docstring") mio_b_pipe_receiver::fileno "fileno() -> int

The file descriptor (the object keeps it).";
%feature("docstring") mio_b_pipe_receiver::from_fd "from_fd(fd: int) -> Receiver

Adopt the file descriptor fd (made non-blocking); the object owns and
closes it.";
%feature("docstring") mio_b_pipe_receiver::into_fd "into_fd() -> int

Give up the file descriptor to the caller, who closes it; the object is
closed afterwards. OSError EBUSY while another thread is blocked in a
call on it.";
%feature("docstring") mio_b_pipe_receiver::read "read(n: int) -> bytes

Read up to n bytes: b'' at end of file; BlockingIOError when none are
ready.";
%feature("docstring") mio_b_pipe_receiver::readinto "readinto(buf: WriteableBuffer) -> int

Read into a writable buffer; returns how many bytes (0 at end of file).";
%feature("docstring") mio_b_pipe_receiver::readv "readv(bufs: Sequence[WriteableBuffer]) -> int

Read into a sequence of writable buffers, in order; returns how many
bytes in all.";
%feature("docstring") mio_b_pipe_receiver::set_nonblocking "set_nonblocking(on: bool) -> None

on=False makes reads and writes on this pipe end wait (with the GIL
released; a signal whose handler returns restarts them); on=True (the
default) makes them raise BlockingIOError instead.";

