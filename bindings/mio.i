/*
 * mio.i - the one SWIG interface behind the Python 3 and Lua (5.1-5.4, LuaJIT) modules.
 *
 * Every public object of mio.h becomes a class without the prefix (Poll,
 * Registry, Events, Event, Waker, TcpListener, ...).  The classes are
 * small C structs defined here, not the library's opaque handles, because
 * a script object must outlive what it points at safely:
 *
 *  - a socket object holds its handle in `h`, and close()/into_fd() set it
 *    to NULL, so using a closed object is EBADF instead of a use-after-free;
 *  - a Registry borrowed from a Poll holds a reference on the Poll's
 *    refcounted holder, so the Poll stays alive while any of its Registry
 *    objects (or a thread blocked in poll()) still needs it, whatever order
 *    the garbage collector picks;
 *  - an Event is a copy (token + flags), so it never points into an Events
 *    buffer that the next poll() overwrites or that has been collected.
 *
 * The objects, their life cycle, the error state, the scratch buffer and
 * the language-neutral conversions are plain C in common/mio_binding.[ch]
 * (tested on their own by common/check_binding.c); this file keeps the
 * declarations, the %extend glue and the typemaps.
 *
 * Errors: a method stores the negated return of the C call in mio_b_err
 * (thread-local) and returns a dummy; the %exception block below turns it
 * into the language's convention (MIO_B_RAISE): Python raises
 * OSError(errno, strerror), so EAGAIN is BlockingIOError; Lua returns
 * nil, message, errno.
 *
 * Language specifics (addresses, buffers, tokens, timeouts, errors) are
 * typemaps in python/mio_python.i and lua/mio_lua.i; they convert these
 * C types, which only exist for that purpose:
 *   mio_b_ok            success without a value (None / true)
 *   mio_b_addr          an address out (tuple or path / "ip:port" or path)
 *   mio_b_bytes         bytes read into scratch memory (bytes / string)
 *   mio_b_*_accept      (stream, address)
 *   mio_b_datafrom      (data, address)
 *   mio_b_*_pair        two new objects
 *   mio_b_evlist   an iterator of Event copies
 * and these argument names:
 *   (const struct sockaddr *ADDR, socklen_t ADDRLEN)   an IP address in
 *   (const struct sockaddr_un *UNADDR, socklen_t UNLEN) a Unix path in
 *   (const char *DATA, size_t DATALEN)                 bytes-like / string
 *   (const struct iovec *IOV, int IOVCNT)              list of those
 *   int SOURCE                                         fd or object with fileno()
 *   const struct timespec *TIMEOUT   a wait: seconds, None/nil for no limit
 *   const struct timespec *DURATION  an option: seconds, None/nil for off
 *   mio_token                                          integer, pointer-sized
 * Both time typemaps go through mio_b_seconds (common/): NaN and negative
 * values are ValueError / an argument error, values above their maximum
 * (MIO_B_WAIT_MAX, MIO_B_DURATION_MAX; +inf too) OverflowError / an
 * argument error, in both languages alike; nothing is clamped.
 *
 * SPDX-License-Identifier: MIT
 */
%module mio

%{
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "mio.h"
#include "mio_binding.h"
%}

%include "exception.i"
%include "stdint.i"

/* What repr() (Python) and tostring() (Lua) show: one text, from
 * common/ (mio_bind_*_repr), for an object of SWIG type ty whose struct
 * is ptr (NULL: none). */
%{
static void mio_b_repr(const swig_type_info *ty, const void *ptr, char *buf)
{
#define MIO_B_REPR_H(T, Name)                                               \
	if (ty == SWIGTYPE_p_mio_b_##T) {                                   \
		MIO_B_REPR_FD(buf, Name, T, (const mio_b_##T *)ptr);        \
		return;                                                     \
	}
	MIO_B_REPR_H(tcp_listener, "TcpListener")
	MIO_B_REPR_H(tcp_stream, "TcpStream")
	MIO_B_REPR_H(tcp_socket, "TcpSocket")
	MIO_B_REPR_H(udp_socket, "UdpSocket")
	MIO_B_REPR_H(unix_listener, "UnixListener")
	MIO_B_REPR_H(unix_stream, "UnixStream")
	MIO_B_REPR_H(unix_datagram, "UnixDatagram")
	MIO_B_REPR_H(pipe_sender, "Sender")
	MIO_B_REPR_H(pipe_receiver, "Receiver")
#undef MIO_B_REPR_H
	if (ty == SWIGTYPE_p_mio_b_poll)
		mio_bind_poll_repr(buf, ptr);
	else if (ty == SWIGTYPE_p_mio_b_registry)
		mio_bind_registry_repr(buf, ptr);
	else if (ty == SWIGTYPE_p_mio_b_waker)
		mio_bind_waker_repr(buf, ptr);
	else if (ty == SWIGTYPE_p_mio_b_events)
		mio_bind_events_repr(buf, ptr);
	else if (ty == SWIGTYPE_p_mio_b_event)
		mio_bind_event_repr(buf, ptr);
	else
		snprintf(buf, MIO_B_REPR_MAX, "<mio object>");
}

/* A read or write on a pipe end that may block (set_nonblocking(false)):
 * the language's lock is released around it (Python: the GIL), a signal
 * whose handlers all returned retries it (Python, PEP 475; Lua: EINTR)
 * unless a handler closed the object meanwhile (EBADF), and a close()
 * from another thread frees the handle when the call returns.  CALL uses
 * h_, the handle.  A non-blocking object pays one test. */
#define MIO_B_MAYBLOCK(o, T, rc, CALL)                                      \
	do {                                                                \
		mio_##T *h_ = (o)->h;                                       \
		if (!(o)->blocking) {                                       \
			rc = (CALL);                                        \
			break;                                              \
		}                                                           \
		(o)->calls++;                                               \
		for (;;) {                                                  \
			MIO_B_BLOCKING_BEGIN                                \
			rc = (CALL);                                        \
			MIO_B_BLOCKING_END                                  \
			if (rc != -EINTR || !MIO_B_EINTR_RETRY)             \
				break;                                      \
			if ((o)->h == NULL) {                               \
				rc = -EBADF;                                \
				break;                                      \
			}                                                   \
		}                                                           \
		mio_bind_##T##_call_end(o);                                 \
	} while (0)

/* A wait of Poll.poll or Poll.wait on the selector sel (held by
 * mio_bind_poll_wait_begin): CALL waits with t_, the timeout (NULL: no
 * limit), the language's lock released around it.  Interrupted by a
 * signal: MIO_B_EINTR_RETRY says whether to wait again for the time left
 * (Python, PEP 475: yes if the handlers returned, else their exception)
 * or to fail EINTR (Lua).  A handler may have closed the poll
 * (Poll.close(), mio.Selector.close()): waiting again would wait on a
 * closed poll for ever, so that is EBADF.  The deadline costs a clock
 * read only for a timeout > 0. */
#define MIO_B_WAIT(sel, timeout, rc, CALL)                                  \
	do {                                                                \
		const struct timespec *t_ = (timeout);                      \
		struct timespec deadline_, left_;                           \
		int timed_ = t_ != NULL && (t_->tv_sec != 0 || t_->tv_nsec != 0); \
		if (timed_)                                                 \
			mio_bind_deadline(&deadline_, t_);                  \
		for (;;) {                                                  \
			MIO_B_BLOCKING_BEGIN                                \
			rc = (CALL);                                        \
			MIO_B_BLOCKING_END                                  \
			if (rc != -EINTR || !MIO_B_EINTR_RETRY)             \
				break;                                      \
			if ((sel)->closed) {                                \
				rc = -EBADF;                                \
				break;                                      \
			}                                                   \
			if (timed_) {                                       \
				if (!mio_bind_time_left(&deadline_, &left_)) { \
					rc = 0;                             \
					break;                              \
				}                                           \
				t_ = &left_;                                \
			}                                                   \
		}                                                           \
	} while (0)
%}


typedef unsigned int mio_interest;

#ifdef SWIGPYTHON
%include "mio_python.i"
#endif
#ifdef SWIGLUA
%include "mio_lua.i"
#endif

/* Object arguments (self, events, registry) are never optional: None/nil
 * or an object of another class is a type error, and an object without a
 * struct (Python: made by __new__ without __init__; Lua: its finalizer
 * called by hand through the debug library) is EBADF.  The typemaps that
 * do this are in mio_python.i and mio_lua.i: "in" checks the class, and
 * "check" reads the pointer after every argument has been converted, so
 * script code a conversion runs (fileno(), __float__, __fspath__, a
 * finalizer) never leaves the call holding a pointer it invalidated. */

%define MIO_B_EXCEPTION_BODY
	mio_b_err = 0;
	$action
	if (mio_b_err != 0)
		MIO_B_RAISE(mio_b_err);
%enddef
%exception {
	MIO_B_EXCEPTION_BODY
}
/* Constructors (Poll, Events, Waker): Python's __init__ may be called
 * again on a live object; MIO_B_CTOR_GUARD refuses that (TypeError)
 * before anything is made, so nothing leaks or registers twice. */
%exception mio_b_poll::mio_b_poll { MIO_B_CTOR_GUARD MIO_B_EXCEPTION_BODY }
%exception mio_b_events::mio_b_events { MIO_B_CTOR_GUARD MIO_B_EXCEPTION_BODY }
%exception mio_b_waker::mio_b_waker { MIO_B_CTOR_GUARD MIO_B_EXCEPTION_BODY }

/* ------------------------------------------------------------------ */
/* Module level                                                        */
/* ------------------------------------------------------------------ */

%constant unsigned int READABLE = MIO_READABLE;
/* Event.readiness() bits (libmio 1.1, mio_event_readiness). */
%constant unsigned int EVENT_READABLE = MIO_EVENT_READABLE;
%constant unsigned int EVENT_WRITABLE = MIO_EVENT_WRITABLE;
%constant unsigned int EVENT_ERROR = MIO_EVENT_ERROR;
%constant unsigned int EVENT_READ_CLOSED = MIO_EVENT_READ_CLOSED;
%constant unsigned int EVENT_WRITE_CLOSED = MIO_EVENT_WRITE_CLOSED;
%constant unsigned int EVENT_PRIORITY = MIO_EVENT_PRIORITY;
%constant unsigned int EVENT_AIO = MIO_EVENT_AIO;
%constant unsigned int EVENT_LIO = MIO_EVENT_LIO;
%constant unsigned int WRITABLE = MIO_WRITABLE;
%constant unsigned int PRIORITY = MIO_PRIORITY;
%constant unsigned int AIO = MIO_AIO;
%constant unsigned int LIO = MIO_LIO;
%constant int SHUT_RD = SHUT_RD;
%constant int SHUT_WR = SHUT_WR;
%constant int SHUT_RDWR = SHUT_RDWR;

%rename(version) mio_version;
%rename(backend) mio_backend;
const char *mio_version(void);
const char *mio_backend(void);

%rename(pipe) mio_b_pipe;
%inline %{
/* mio_addr_parse: "ip:port" text to the language's address form. */
static mio_b_addr addr_parse(const char *text)
{
	mio_b_addr a = mio_b_addr_empty();
	mio_b_set(mio_addr_parse(text, &a.ss, &a.len));
	return a;
}

/* mio_addr_format: an address to "ip:port" text. */
static char *addr_format(const struct sockaddr *ADDR, socklen_t ADDRLEN)
{
	static __thread char buf[INET6_ADDRSTRLEN + 32];
	if (mio_b_set(mio_addr_format(ADDR, ADDRLEN, buf, sizeof(buf))) < 0)
		return NULL;
	return buf;
}

static mio_b_pair_pipe mio_b_pipe(void)
{
	return mio_bind_pipe_pair();
}
%}

/* ------------------------------------------------------------------ */
/* Poll, Registry, Events, Event, Waker                                */
/* ------------------------------------------------------------------ */

%rename(Poll) mio_b_poll;
%rename(Registry) mio_b_registry;
%rename(Events) mio_b_events;
%rename(Event) mio_b_event;
%rename(Waker) mio_b_waker;
%rename("register") mio_b_registry::register_;

%newobject mio_b_poll::registry;
%newobject mio_b_registry::try_clone;
%newobject mio_b_events::get;

/* Only the constructors written below exist: SWIG's default one would
 * make an object with no handle (mio.Registry() dereferenced NULL). */
%nodefaultctor;

/* The accessors of Events and Event cannot fail (a closed object is
 * the self typemap's EBADF, raised before the body): they skip
 * %exception's reset and test of the thread-local mio_b_err, a
 * __tls_get_addr call in the module on every call of the loop
 * (Event.token, is_readable, events:token, events:readiness,
 * len(events), ...).  Here, before mio_wait.i and mio_python_extra.i
 * declare some of them. */
%noexception mio_b_events::capacity;
%noexception mio_b_events::len;
%noexception mio_b_events::is_empty;
%noexception mio_b_events::clear;
%noexception mio_b_events::token;
%noexception mio_b_events::readiness;
%noexception mio_b_events::__len__;
%noexception mio_b_events::__bool__;
%noexception mio_b_event::token;
%noexception mio_b_event::is_readable;
%noexception mio_b_event::is_writable;
%noexception mio_b_event::is_error;
%noexception mio_b_event::is_read_closed;
%noexception mio_b_event::is_write_closed;
%noexception mio_b_event::is_priority;
%noexception mio_b_event::is_aio;
%noexception mio_b_event::is_lio;
%noexception mio_b_event::readiness;

/* Poll.wait, events:token/readiness, LEVEL: their C comes before the
 * classes' (SWIG writes a class's %extend code where the class is). */
%include "mio_wait.i"

struct mio_b_poll {};
struct mio_b_registry {};
struct mio_b_events {};
struct mio_b_event {};
struct mio_b_waker {};

%extend mio_b_poll {
	mio_b_poll() { return mio_bind_poll_new(); }
	~mio_b_poll() { mio_bind_poll_delete($self); }
	/* Closes the selector: its Registry objects fail EBADF from now on; a
	 * poll() running in another thread returns first (the fd is closed
	 * when it does).  Collecting the Poll object without close() leaves
	 * its Registry objects working. */
	mio_b_ok close()
	{
		mio_bind_poll_close($self);
		return 0;
	}
	/* Waits for events into events (MIO_B_WAIT: signals, the time left). */
	int poll(mio_b_events *events, const struct timespec *TIMEOUT = NULL)
	{
		mio_b_sel *sel = mio_bind_poll_wait_begin($self, events);
		int rc;
		if (sel == NULL)
			return -1;
		MIO_B_WAIT(sel, TIMEOUT, rc, mio_poll_wait(sel->poll, events->h, t_));
		mio_bind_poll_wait_end(sel, events);
		return (int)mio_b_set(rc);
	}
	mio_b_registry *registry() { return mio_bind_poll_registry($self); }
	int fileno() { return mio_bind_poll_fd($self); }
}

%extend mio_b_registry {
	~mio_b_registry() { mio_bind_registry_delete($self); }
	mio_b_ok register_(int SOURCE, mio_token token, mio_interest interests)
	{
		mio_registry *h = mio_bind_registry_h($self);
		if (h == NULL)
			return -1;
		return (int)mio_b_set(mio_registry_register(h, SOURCE, token, interests));
	}
	mio_b_ok reregister(int SOURCE, mio_token token, mio_interest interests)
	{
		mio_registry *h = mio_bind_registry_h($self);
		if (h == NULL)
			return -1;
		return (int)mio_b_set(mio_registry_reregister(h, SOURCE, token, interests));
	}
	mio_b_ok deregister(int SOURCE)
	{
		mio_registry *h = mio_bind_registry_h($self);
		if (h == NULL)
			return -1;
		return (int)mio_b_set(mio_registry_deregister(h, SOURCE));
	}
	mio_b_registry *try_clone() { return mio_bind_registry_try_clone($self); }
	/* Drops this object's hold on the selector; EBADF from now on. */
	mio_b_ok close()
	{
		mio_bind_registry_close($self);
		return 0;
	}
}

%extend mio_b_events {
	mio_b_events(size_t capacity = 1024) { return mio_bind_events_new(capacity); }
	~mio_b_events() { mio_bind_events_delete($self); }
	size_t capacity() { return mio_events_capacity($self->h); }
	size_t len() { return mio_events_len($self->h); }
	bool is_empty() { return mio_events_is_empty($self->h); }
	void clear() { mio_events_clear($self->h); }
	/* A copy of event `index` (0-based), or None/nil past the end. */
	mio_b_event *get(size_t index)
	{
		const mio_event *e = mio_events_get($self->h, index);
		return e == NULL ? NULL : mio_bind_event_new(e);
	}
	/* Copies of all current events, in order. */
	mio_b_evlist iter()
	{
		mio_b_evlist it = { $self->h, $self };
		return it;
	}
}

%extend mio_b_event {
	~mio_b_event() { mio_bind_event_delete($self); }
	mio_token token() { return $self->token; }
	bool is_readable() { return ($self->flags & MIO_B_EV_READABLE) != 0; }
	bool is_writable() { return ($self->flags & MIO_B_EV_WRITABLE) != 0; }
	bool is_error() { return ($self->flags & MIO_B_EV_ERROR) != 0; }
	bool is_read_closed() { return ($self->flags & MIO_B_EV_READ_CLOSED) != 0; }
	bool is_write_closed() { return ($self->flags & MIO_B_EV_WRITE_CLOSED) != 0; }
	bool is_priority() { return ($self->flags & MIO_B_EV_PRIORITY) != 0; }
	bool is_aio() { return ($self->flags & MIO_B_EV_AIO) != 0; }
	bool is_lio() { return ($self->flags & MIO_B_EV_LIO) != 0; }
	/* Every readiness bit at once (libmio 1.1): an OR of EVENT_*. */
	unsigned int readiness() { return $self->flags; }
}

/* The waker needs the registry only while it is created. */
%extend mio_b_waker {
	mio_b_waker(mio_b_registry *registry, mio_token token)
	{
		return mio_bind_waker_new(registry, token);
	}
	~mio_b_waker() { mio_bind_waker_delete($self); }
	mio_b_ok close()
	{
		mio_bind_waker_close($self);
		return 0;
	}
	/* Safe from any thread. */
	mio_b_ok wake()
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_waker_wake($self->h));
	}
}

/* ------------------------------------------------------------------ */
/* What every socket and pipe object has                               */
/* ------------------------------------------------------------------ */

%define MIO_B_COMMON(T)
%newobject mio_b_##T::from_fd;
struct mio_b_##T {};
%extend mio_b_##T {
	~mio_b_##T() { mio_bind_##T##_delete($self); }
	/* Closes now; the object stays, and every method then fails EBADF. */
	mio_b_ok close()
	{
		mio_bind_##T##_close($self);
		return 0;
	}
	int fileno()
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_##T##_fd($self->h));
	}
	/* Gives up the fd to the caller; the object is closed afterwards. */
	int into_fd()
	{
		MIO_B_H($self, -1);
		if ($self->calls > 0)  /* a blocking call in another thread uses it */
			return (int)mio_b_set(-EBUSY);
		int fd = mio_##T##_into_fd($self->h);
		if (fd >= 0)
			$self->h = NULL;
		return (int)mio_b_set(fd);
	}
	static mio_b_##T *from_fd(int fd)
	{
		mio_##T *h = NULL;
		int rc = mio_##T##_from_fd(fd, &h);
		return mio_bind_##T##_wrap(rc, h);
	}
}
%enddef

%define MIO_B_TAKE_ERROR(T)
%extend mio_b_##T {
	/* The socket's pending error (SO_ERROR) as a positive errno, 0 for none. */
	int take_error()
	{
		MIO_B_H($self, -1);
		int err = 0;
		mio_b_set(mio_##T##_take_error($self->h, &err));
		return err < 0 ? -err : err;  /* C gives -errno */
	}
}
%enddef

#ifdef SWIGPYTHON
/* Python reads straight into a caller's writable buffer (no copy). */
%define MIO_B_READINTO(T, read, readinto)
%extend mio_b_##T {
	long readinto(char *WBUF, size_t WBUFLEN)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_##T##_##read($self->h, WBUF, WBUFLEN));
	}
}
%enddef
#else
/* Lua strings are immutable: no reading into a caller's buffer. */
%define MIO_B_READINTO(T, read, readinto)
%enddef
#endif

/* Python: readv(list of writable buffers) -> count.
 * Lua: readv({size, ...}) -> count, {string, ...}. */
%define MIO_B_READV(T)
%extend mio_b_##T {
	long readv(const struct iovec *WIOV, int WIOVCNT)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_##T##_readv($self->h, WIOV, WIOVCNT));
	}
}
%enddef

%define MIO_B_READ(T, read, readinto)
%extend mio_b_##T {
	mio_b_bytes read(size_t n)
	{
		mio_b_bytes none = { NULL, 0, 0 };
		MIO_B_H($self, none);
		int heap;
		char *buf = mio_b_buf(n, &heap);
		if (buf == NULL)
			return none;
		return mio_b_bytes_done(buf, heap, mio_##T##_##read($self->h, buf, n));
	}
}
MIO_B_READINTO(T, read, readinto)
%enddef

%define MIO_B_WRITE(T, write)
%extend mio_b_##T {
	long write(const char *DATA, size_t DATALEN)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_##T##_##write($self->h, DATA, DATALEN));
	}
}
%enddef

%define MIO_B_WRITEV(T)
%extend mio_b_##T {
	long writev(const struct iovec *IOV, int IOVCNT)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_##T##_writev($self->h, IOV, IOVCNT));
	}
}
%enddef

%define MIO_B_ADDR_GETTER(T, name, kind)
%extend mio_b_##T {
	mio_b_addr name()
	{
		mio_b_addr a = mio_b_addr_empty();
		MIO_B_H($self, a);
		mio_b_set(mio_##T##_##name($self->h, &a.ss, &a.len));
		return a;
	}
}
%enddef

%define MIO_B_UNADDR_GETTER(T, name)
%extend mio_b_##T {
	mio_b_addr name()
	{
		struct sockaddr_un un;
		socklen_t len = sizeof(un);
		memset(&un, 0, sizeof(un));
		MIO_B_H($self, mio_b_addr_empty());
		int rc = mio_##T##_##name($self->h, &un, &len);
		return mio_b_addr_un(rc, &un, len);
	}
}
%enddef

%define MIO_B_BOOL_OPT(T, name)
%extend mio_b_##T {
	mio_b_ok set_##name(bool on)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_##T##_set_##name($self->h, on));
	}
	bool name()
	{
		MIO_B_H($self, false);
		bool on = false;
		mio_b_set(mio_##T##_##name($self->h, &on));
		return on;
	}
}
%enddef

%define MIO_B_U32_OPT(T, name)
%extend mio_b_##T {
	mio_b_ok set_##name(uint32_t v)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_##T##_set_##name($self->h, v));
	}
	uint32_t name()
	{
		MIO_B_H($self, 0);
		uint32_t v = 0;
		mio_b_set(mio_##T##_##name($self->h, &v));
		return v;
	}
}
%enddef

%define MIO_B_SHUTDOWN(T)
%extend mio_b_##T {
	mio_b_ok shutdown(int how)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_##T##_shutdown($self->h, how));
	}
}
%enddef

/* ------------------------------------------------------------------ */
/* TCP                                                                 */
/* ------------------------------------------------------------------ */

%rename(TcpListener) mio_b_tcp_listener;
%rename(TcpStream) mio_b_tcp_stream;
%newobject mio_b_tcp_listener::bind;
%newobject mio_b_tcp_stream::connect;

MIO_B_COMMON(tcp_listener)
MIO_B_TAKE_ERROR(tcp_listener)
MIO_B_ADDR_GETTER(tcp_listener, local_addr, inet)
MIO_B_U32_OPT(tcp_listener, ttl)

%extend mio_b_tcp_listener {
	static mio_b_tcp_listener *bind(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		mio_tcp_listener *h = NULL;
		int rc = mio_tcp_listener_bind(ADDR, ADDRLEN, &h);
		return mio_bind_tcp_listener_wrap(rc, h);
	}
	mio_b_tcp_accept accept()
	{
		mio_b_tcp_accept r = { NULL, mio_b_addr_empty() };
		MIO_B_H($self, r);
		mio_tcp_stream *s = NULL;
		int rc = mio_tcp_listener_accept($self->h, &s, &r.addr.ss, &r.addr.len);
		r.stream = mio_bind_tcp_stream_wrap(rc, s);
		return r;
	}
}

MIO_B_COMMON(tcp_stream)
MIO_B_TAKE_ERROR(tcp_stream)
MIO_B_ADDR_GETTER(tcp_stream, local_addr, inet)
MIO_B_ADDR_GETTER(tcp_stream, peer_addr, inet)
MIO_B_U32_OPT(tcp_stream, ttl)
MIO_B_BOOL_OPT(tcp_stream, nodelay)
MIO_B_SHUTDOWN(tcp_stream)
MIO_B_READ(tcp_stream, read, readinto)
MIO_B_READ(tcp_stream, peek, peek_into)
MIO_B_READV(tcp_stream)
MIO_B_WRITE(tcp_stream, write)
MIO_B_WRITEV(tcp_stream)

%extend mio_b_tcp_stream {
	/* Starts a non-blocking connect: wait for WRITABLE, then check
	 * take_error() or peer_addr(). */
	static mio_b_tcp_stream *connect(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		mio_tcp_stream *h = NULL;
		int rc = mio_tcp_stream_connect(ADDR, ADDRLEN, &h);
		return mio_bind_tcp_stream_wrap(rc, h);
	}
}

/* TcpSocket (libmio 1.1): options that must precede bind/listen/connect.
 * listen() and connect() consume the socket, on failure too: the object
 * is closed afterwards (EBADF), as mio_tcp_socket(3) says.  Also when the
 * binding refuses an argument before the C call (a backlog out of range,
 * an address it cannot convert): freearg runs on every way out of the
 * wrapper, and for these two closes what the body did not consume
 * (MIO_B_CONSUME_SELF, per language: the object that is self). */
%{
#define MIO_B_CONSUMES(symname)                                             \
	(strcmp((symname), "TcpSocket_listen") == 0 || strcmp((symname), "TcpSocket_connect") == 0)
%}
%typemap(freearg, noblock=1) struct mio_b_tcp_socket *self {
	if (MIO_B_CONSUMES("$symname")) {
		mio_b_tcp_socket *consumed_ = MIO_B_CONSUME_SELF($descriptor);
		if (consumed_ != NULL)
			mio_bind_tcp_socket_close(consumed_);
	}
}
%rename(TcpSocket) mio_b_tcp_socket;
%newobject mio_b_tcp_socket::new_v4;
%newobject mio_b_tcp_socket::new_v6;
%newobject mio_b_tcp_socket::listen;
%newobject mio_b_tcp_socket::connect;

MIO_B_COMMON(tcp_socket)
MIO_B_ADDR_GETTER(tcp_socket, local_addr, inet)

%define MIO_B_GETSET(T, name, ctype, zero)
%extend mio_b_##T {
	mio_b_ok set_##name(ctype v)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_##T##_set_##name($self->h, v));
	}
	ctype get_##name()
	{
		MIO_B_H($self, zero);
		ctype v = zero;
		mio_b_set(mio_##T##_get_##name($self->h, &v));
		return v;
	}
}
%enddef
MIO_B_GETSET(tcp_socket, reuseaddr, bool, false)
MIO_B_GETSET(tcp_socket, reuseport, bool, false)
MIO_B_GETSET(tcp_socket, keepalive, bool, false)
MIO_B_GETSET(tcp_socket, only_v6, bool, false)
MIO_B_GETSET(tcp_socket, nodelay, bool, false)
MIO_B_GETSET(tcp_socket, recv_buffer_size, uint32_t, 0)
MIO_B_GETSET(tcp_socket, send_buffer_size, uint32_t, 0)
MIO_B_GETSET(tcp_socket, keepalive_retries, uint32_t, 0)

/* Durations are seconds (float), as timeouts are. */
%define MIO_B_DURATION(T, name)
%extend mio_b_##T {
	mio_b_ok set_##name(const struct timespec *DURATION)
	{
		MIO_B_H($self, -1);
		if (DURATION == NULL)
			return (int)mio_b_set(-EINVAL);
		return (int)mio_b_set(mio_##T##_set_##name($self->h, DURATION));
	}
	double get_##name()
	{
		MIO_B_H($self, 0);
		struct timespec ts = { 0, 0 };
		mio_b_set(mio_##T##_get_##name($self->h, &ts));
		return (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
}
%enddef
MIO_B_DURATION(tcp_socket, keepalive_time)
MIO_B_DURATION(tcp_socket, keepalive_interval)

%extend mio_b_tcp_socket {
	static mio_b_tcp_socket *new_v4()
	{
		mio_tcp_socket *h = NULL;
		int rc = mio_tcp_socket_new_v4(&h);
		return mio_bind_tcp_socket_wrap(rc, h);
	}
	static mio_b_tcp_socket *new_v6()
	{
		mio_tcp_socket *h = NULL;
		int rc = mio_tcp_socket_new_v6(&h);
		return mio_bind_tcp_socket_wrap(rc, h);
	}
	mio_b_ok bind(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_tcp_socket_bind($self->h, ADDR, ADDRLEN));
	}
	/* linger: seconds, or None/nil for off (the default). */
	mio_b_ok set_linger(const struct timespec *DURATION = NULL)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_tcp_socket_set_linger($self->h, DURATION));
	}
	/* Seconds, or -1 when linger is off. */
	double get_linger()
	{
		MIO_B_H($self, 0);
		bool on = false;
		struct timespec ts = { 0, 0 };
		if (mio_b_set(mio_tcp_socket_get_linger($self->h, &on, &ts)) < 0)
			return 0;
		return on ? (double)ts.tv_sec + ts.tv_nsec / 1e9 : -1.0;
	}
	/* Consumes this socket (closed afterwards, also on failure). */
	mio_b_tcp_listener *listen(int backlog = 1024)
	{
		MIO_B_H($self, NULL);
		mio_tcp_listener *l = NULL;
		mio_tcp_socket *h = $self->h;
		$self->h = NULL;
		int rc = mio_tcp_socket_listen(h, backlog, &l);
		return mio_bind_tcp_listener_wrap(rc, l);
	}
	/* Consumes this socket; a non-blocking connect as TcpStream.connect. */
	mio_b_tcp_stream *connect(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		MIO_B_H($self, NULL);
		mio_tcp_stream *s = NULL;
		mio_tcp_socket *h = $self->h;
		$self->h = NULL;
		int rc = mio_tcp_socket_connect(h, ADDR, ADDRLEN, &s);
		return mio_bind_tcp_stream_wrap(rc, s);
	}
}

/* ------------------------------------------------------------------ */
/* UDP                                                                 */
/* ------------------------------------------------------------------ */

%rename(UdpSocket) mio_b_udp_socket;
%newobject mio_b_udp_socket::bind;

MIO_B_COMMON(udp_socket)
MIO_B_TAKE_ERROR(udp_socket)
MIO_B_ADDR_GETTER(udp_socket, local_addr, inet)
MIO_B_ADDR_GETTER(udp_socket, peer_addr, inet)
MIO_B_READ(udp_socket, recv, recv_into)
MIO_B_READ(udp_socket, peek, peek_into)
MIO_B_WRITE(udp_socket, send)
MIO_B_BOOL_OPT(udp_socket, broadcast)
MIO_B_BOOL_OPT(udp_socket, multicast_loop_v4)
MIO_B_BOOL_OPT(udp_socket, multicast_loop_v6)
MIO_B_U32_OPT(udp_socket, multicast_ttl_v4)
MIO_B_U32_OPT(udp_socket, ttl)

%extend mio_b_udp_socket {
	static mio_b_udp_socket *bind(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		mio_udp_socket *h = NULL;
		int rc = mio_udp_socket_bind(ADDR, ADDRLEN, &h);
		return mio_bind_udp_socket_wrap(rc, h);
	}
	mio_b_ok connect(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_udp_socket_connect($self->h, ADDR, ADDRLEN));
	}
	long send_to(const char *DATA, size_t DATALEN, const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_udp_socket_send_to($self->h, DATA, DATALEN, ADDR, ADDRLEN));
	}
	mio_b_datafrom recv_from(size_t n)
	{
		mio_b_datafrom r = { { NULL, 0, 0 }, mio_b_addr_empty() };
		MIO_B_H($self, r);
		int heap;
		char *buf = mio_b_buf(n, &heap);
		if (buf == NULL)
			return r;
		long rc = mio_udp_socket_recv_from($self->h, buf, n, &r.addr.ss, &r.addr.len);
		r.data = mio_b_bytes_done(buf, heap, rc);
		return r;
	}
	mio_b_datafrom peek_from(size_t n)
	{
		mio_b_datafrom r = { { NULL, 0, 0 }, mio_b_addr_empty() };
		MIO_B_H($self, r);
		int heap;
		char *buf = mio_b_buf(n, &heap);
		if (buf == NULL)
			return r;
		long rc = mio_udp_socket_peek_from($self->h, buf, n, &r.addr.ss, &r.addr.len);
		r.data = mio_b_bytes_done(buf, heap, rc);
		return r;
	}
	/* Groups and interfaces as dotted quads ("0.0.0.0" or "" for any). */
	mio_b_ok join_multicast_v4(const char *group, const char *iface = NULL)
	{
		MIO_B_H($self, -1);
		struct in_addr g, i;
		if (mio_b_set(mio_b_inet_pton4(group, &g)) < 0 ||
		    mio_b_set(mio_b_inet_pton4(iface, &i)) < 0)
			return -1;
		return (int)mio_b_set(mio_udp_socket_join_multicast_v4($self->h, &g, &i));
	}
	mio_b_ok leave_multicast_v4(const char *group, const char *iface = NULL)
	{
		MIO_B_H($self, -1);
		struct in_addr g, i;
		if (mio_b_set(mio_b_inet_pton4(group, &g)) < 0 ||
		    mio_b_set(mio_b_inet_pton4(iface, &i)) < 0)
			return -1;
		return (int)mio_b_set(mio_udp_socket_leave_multicast_v4($self->h, &g, &i));
	}
	mio_b_ok join_multicast_v6(const char *group, uint32_t ifindex = 0)
	{
		MIO_B_H($self, -1);
		struct in6_addr g;
		if (group == NULL || inet_pton(AF_INET6, group, &g) != 1)
			return (int)mio_b_set(-EINVAL);
		return (int)mio_b_set(mio_udp_socket_join_multicast_v6($self->h, &g, ifindex));
	}
	mio_b_ok leave_multicast_v6(const char *group, uint32_t ifindex = 0)
	{
		MIO_B_H($self, -1);
		struct in6_addr g;
		if (group == NULL || inet_pton(AF_INET6, group, &g) != 1)
			return (int)mio_b_set(-EINVAL);
		return (int)mio_b_set(mio_udp_socket_leave_multicast_v6($self->h, &g, ifindex));
	}
	bool only_v6()
	{
		MIO_B_H($self, false);
		bool on = false;
		mio_b_set(mio_udp_socket_only_v6($self->h, &on));
		return on;
	}
#ifdef SWIGPYTHON
	long recv_from_into(char *WBUF, size_t WBUFLEN, mio_b_addr *OUTADDR)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_udp_socket_recv_from($self->h, WBUF, WBUFLEN,
							  &OUTADDR->ss, &OUTADDR->len));
	}
#endif
}
%include "mio_udp.i"

/* ------------------------------------------------------------------ */
/* Unix domain sockets                                                 */
/* ------------------------------------------------------------------ */

%rename(UnixListener) mio_b_unix_listener;
%rename(UnixStream) mio_b_unix_stream;
%rename(UnixDatagram) mio_b_unix_datagram;
%newobject mio_b_unix_listener::bind;
%newobject mio_b_unix_stream::connect;
%newobject mio_b_unix_datagram::bind;
%newobject mio_b_unix_datagram::unbound;

MIO_B_COMMON(unix_listener)
MIO_B_TAKE_ERROR(unix_listener)
MIO_B_UNADDR_GETTER(unix_listener, local_addr)

%extend mio_b_unix_listener {
	/* A path (or, leading NUL, an abstract name); the caller unlinks it. */
	static mio_b_unix_listener *bind(const struct sockaddr_un *UNADDR, socklen_t UNLEN)
	{
		mio_unix_listener *h = NULL;
		int rc = mio_unix_listener_bind_addr(UNADDR, UNLEN, &h);
		return mio_bind_unix_listener_wrap(rc, h);
	}
	mio_b_unix_accept accept()
	{
		mio_b_unix_accept r = { NULL, mio_b_addr_empty() };
		MIO_B_H($self, r);
		struct sockaddr_un un;
		socklen_t len = sizeof(un);
		mio_unix_stream *s = NULL;
		memset(&un, 0, sizeof(un));
		int rc = mio_unix_listener_accept($self->h, &s, &un, &len);
		r.stream = mio_bind_unix_stream_wrap(rc, s);
		if (r.stream != NULL)
			r.addr = mio_b_addr_un(0, &un, len);
		return r;
	}
}

MIO_B_COMMON(unix_stream)
MIO_B_TAKE_ERROR(unix_stream)
MIO_B_UNADDR_GETTER(unix_stream, local_addr)
MIO_B_UNADDR_GETTER(unix_stream, peer_addr)
MIO_B_SHUTDOWN(unix_stream)
MIO_B_READ(unix_stream, read, readinto)
MIO_B_READV(unix_stream)
MIO_B_WRITE(unix_stream, write)
MIO_B_WRITEV(unix_stream)

%extend mio_b_unix_stream {
	static mio_b_unix_stream *connect(const struct sockaddr_un *UNADDR, socklen_t UNLEN)
	{
		mio_unix_stream *h = NULL;
		int rc = mio_unix_stream_connect_addr(UNADDR, UNLEN, &h);
		return mio_bind_unix_stream_wrap(rc, h);
	}
	static mio_b_pair_unix_stream pair()
	{
		return mio_bind_unix_stream_pair();
	}
}

MIO_B_COMMON(unix_datagram)
MIO_B_TAKE_ERROR(unix_datagram)
MIO_B_UNADDR_GETTER(unix_datagram, local_addr)
MIO_B_UNADDR_GETTER(unix_datagram, peer_addr)
MIO_B_SHUTDOWN(unix_datagram)
MIO_B_READ(unix_datagram, recv, recv_into)
MIO_B_WRITE(unix_datagram, send)

%extend mio_b_unix_datagram {
	static mio_b_unix_datagram *bind(const struct sockaddr_un *UNADDR, socklen_t UNLEN)
	{
		mio_unix_datagram *h = NULL;
		int rc = mio_unix_datagram_bind_addr(UNADDR, UNLEN, &h);
		return mio_bind_unix_datagram_wrap(rc, h);
	}
	static mio_b_unix_datagram *unbound()
	{
		mio_unix_datagram *h = NULL;
		int rc = mio_unix_datagram_unbound(&h);
		return mio_bind_unix_datagram_wrap(rc, h);
	}
	static mio_b_pair_unix_datagram pair()
	{
		return mio_bind_unix_datagram_pair();
	}
	mio_b_ok connect(const struct sockaddr_un *UNADDR, socklen_t UNLEN)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_unix_datagram_connect_addr($self->h, UNADDR, UNLEN));
	}
	long send_to(const char *DATA, size_t DATALEN, const struct sockaddr_un *UNADDR, socklen_t UNLEN)
	{
		MIO_B_H($self, -1);
		return mio_b_set(mio_unix_datagram_send_to_addr($self->h, DATA, DATALEN, UNADDR, UNLEN));
	}
	mio_b_datafrom recv_from(size_t n)
	{
		mio_b_datafrom r = { { NULL, 0, 0 }, mio_b_addr_empty() };
		MIO_B_H($self, r);
		int heap;
		char *buf = mio_b_buf(n, &heap);
		if (buf == NULL)
			return r;
		struct sockaddr_un un;
		socklen_t len = sizeof(un);
		memset(&un, 0, sizeof(un));
		long rc = mio_unix_datagram_recv_from($self->h, buf, n, &un, &len);
		r.data = mio_b_bytes_done(buf, heap, rc);
		if (rc >= 0)
			r.addr = mio_b_addr_un(0, &un, len);
		return r;
	}
}

/* ------------------------------------------------------------------ */
/* Pipes: mio.pipe() returns (Sender, Receiver)                        */
/* ------------------------------------------------------------------ */

%rename(Sender) mio_b_pipe_sender;
%rename(Receiver) mio_b_pipe_receiver;

MIO_B_COMMON(pipe_sender)

/* Pipe writes go through MIO_B_PIPE_WRITE (per language): Lua's blocks
 * SIGPIPE around the write (mio_binding.h), so a closed reader is EPIPE,
 * not the death of the interpreter; Python ignores SIGPIPE already.  A
 * pipe end may be made blocking (set_nonblocking(false)): its reads and
 * writes go through MIO_B_MAYBLOCK. */
%extend mio_b_pipe_sender {
	long write(const char *DATA, size_t DATALEN)
	{
		MIO_B_H($self, -1);
		long rc;
		MIO_B_PIPE_WRITE(rc, MIO_B_MAYBLOCK($self, pipe_sender, rc,
						    mio_pipe_sender_write(h_, DATA, DATALEN)));
		return mio_b_set(rc);
	}
	long writev(const struct iovec *IOV, int IOVCNT)
	{
		MIO_B_H($self, -1);
		long rc;
		MIO_B_PIPE_WRITE(rc, MIO_B_MAYBLOCK($self, pipe_sender, rc,
						    mio_pipe_sender_writev(h_, IOV, IOVCNT)));
		return mio_b_set(rc);
	}
}
MIO_B_COMMON(pipe_receiver)

%extend mio_b_pipe_receiver {
	mio_b_bytes read(size_t n)
	{
		mio_b_bytes none = { NULL, 0, 0 };
		MIO_B_H($self, none);
		int heap;
		char *buf = mio_b_buf(n, &heap);
		if (buf == NULL)
			return none;
		long rc;
		MIO_B_MAYBLOCK($self, pipe_receiver, rc, mio_pipe_receiver_read(h_, buf, n));
		return mio_b_bytes_done(buf, heap, rc);
	}
	long readv(const struct iovec *WIOV, int WIOVCNT)
	{
		MIO_B_H($self, -1);
		long rc;
		MIO_B_MAYBLOCK($self, pipe_receiver, rc, mio_pipe_receiver_readv(h_, WIOV, WIOVCNT));
		return mio_b_set(rc);
	}
}
#ifdef SWIGPYTHON
%extend mio_b_pipe_receiver {
	long readinto(char *WBUF, size_t WBUFLEN)
	{
		MIO_B_H($self, -1);
		long rc;
		MIO_B_MAYBLOCK($self, pipe_receiver, rc, mio_pipe_receiver_read(h_, WBUF, WBUFLEN));
		return mio_b_set(rc);
	}
}
#endif

/* set_nonblocking(false): reads and writes on this end may block; see
 * MIO_B_MAYBLOCK and mio(7), "Blocking pipes". */
%define MIO_B_SET_NONBLOCKING(T)
%extend mio_b_##T {
	mio_b_ok set_nonblocking(bool on)
	{
		MIO_B_H($self, -1);
		int rc = mio_##T##_set_nonblocking($self->h, on);
		if (rc == 0)
			$self->blocking = !on;
		return (int)mio_b_set(rc);
	}
}
%enddef
MIO_B_SET_NONBLOCKING(pipe_sender)
MIO_B_SET_NONBLOCKING(pipe_receiver)

#ifdef SWIGPYTHON
%include "mio_python_extra.i"
#endif
