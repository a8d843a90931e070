/*
 * mio_binding.h - the language-neutral C support of the Python and Lua
 * modules (bindings/mio.i).  Compiled once into a convenience library that
 * both modules link, and tested on its own by check_binding.c.
 *
 * What lives here, and why it is not in the SWIG interface:
 *
 *  - the error state: a wrapper stores the positive errno of a failed C
 *    call in mio_b_err (thread-local) and the interface's %exception turns
 *    it into the language's convention;
 *  - the wrapper objects a script holds (mio_b_poll, mio_b_registry,
 *    mio_b_events, mio_b_waker, one struct per socket/pipe type) and their
 *    life cycle: a closed object keeps its struct and answers EBADF; the
 *    Poll's selector is a refcounted holder (mio_b_sel) that Registry
 *    objects and waits in progress keep alive;
 *  - the per-thread scratch buffer reads land in, and Event copies;
 *  - address conversions that do not depend on the language.
 *
 * None of it is thread-safe by itself: every call is made with the
 * language's lock held (Python's GIL, one lua_State per thread), except
 * the blocking mio_poll_wait between mio_bind_poll_wait_begin and _end.
 *
 * The scratch-buffer rule: bytes read into mio_b_scratch must be copied
 * into the language's string before ANY code of the language can run
 * (an allocation that may run a garbage collector, a finalizer, a signal
 * handler); otherwise a finalizer that reads another socket overwrites
 * them.  Typemaps copy the bytes first, then build anything else.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_BINDING_H
#define MIO_BINDING_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "mio.h"

/* Everything here is internal to the module that links it. */
#define MIO_B_API __attribute__((visibility("hidden")))

/* ---- error state --------------------------------------------------- */

/* The pending error of the wrapper running on this thread (positive
 * errno, 0 for none).  Thread-local because Python drops the GIL inside
 * poll() and Lua states may live on several threads. */
MIO_B_API extern __thread int mio_b_err;

/* mio_b_err value meaning: the language already has an exception set
 * (a Python signal handler raised); raise that one, not an errno. */
#define MIO_B_PENDING (-1)

/* Records a negative C return in mio_b_err (a pending exception stays:
 * it is what the call raises); returns rc unchanged. */
static inline long mio_b_set(long rc)
{
	if (rc < 0 && mio_b_err != MIO_B_PENDING)
		mio_b_err = (int)-rc;
	return rc;
}

/* Success without a value (None / true). */
typedef int mio_b_ok;

/* ---- seconds ------------------------------------------------------- */

/* A script's number of seconds as a timespec, for the two kinds of time
 * argument (mio.i's TIMEOUT and DURATION): 0, or why it cannot be one.
 * Both languages turn these into the same errors (Python ValueError /
 * OverflowError, Lua an argument error), so a value means one thing
 * everywhere; nothing is clamped and nothing is rounded to "for ever". */
enum {
	MIO_B_SECS_OK = 0,
	MIO_B_SECS_NAN,        /* NaN */
	MIO_B_SECS_NEGATIVE,   /* < 0 (-0.0 is 0) */
	MIO_B_SECS_TOO_LARGE,  /* > max, or +inf */
};

/* The longest wait epoll_wait(2) and poll(2) take: INT_MAX milliseconds
 * (24.8 days), as CPython's select.epoll.poll: a longer finite timeout is
 * an OverflowError there too.  No timeout (None, nil) waits for ever. */
#define MIO_B_WAIT_MAX 2147483.647
/* Durations (linger, keepalive): whole seconds in an int in the kernel;
 * libmio refuses more than INT_MAX seconds. */
#define MIO_B_DURATION_MAX 2147483647.0

MIO_B_API int mio_b_seconds(double secs, double max, struct timespec *ts);
/* The message for a mio_b_seconds() failure other than MIO_B_SECS_OK. */
MIO_B_API const char *mio_b_seconds_error(int why, double max);

/* ---- addresses ----------------------------------------------------- */

typedef struct mio_b_addr {
	struct sockaddr_storage ss;
	socklen_t               len;
} mio_b_addr;

/* An empty address with room for any family (len = sizeof ss). */
MIO_B_API mio_b_addr mio_b_addr_empty(void);

/* The address of a sockaddr_un call that returned rc: empty with
 * mio_b_err set if rc < 0; at most sizeof(struct sockaddr_un) copied. */
MIO_B_API mio_b_addr mio_b_addr_un(int rc, const struct sockaddr_un *un, socklen_t len);

/* A dotted quad (NULL or "" for INADDR_ANY): 0 or -EINVAL. */
MIO_B_API int mio_b_inet_pton4(const char *s, struct in_addr *out);

/* The n bytes at s (not NUL-terminated) as a Unix address: "" is the
 * unnamed address (bind autobinds); a leading NUL makes an abstract name
 * of exactly n bytes; otherwise a path, which must not contain a NUL.
 * 0, -EINVAL or -ENAMETOOLONG. */
MIO_B_API int mio_b_unaddr(const char *s, size_t n, struct sockaddr_un *un, socklen_t *len);

/* ---- bytes read ---------------------------------------------------- */

/* Reads up to this size land in the per-thread scratch buffer. */
#define MIO_B_SCRATCH 65536

typedef struct mio_b_bytes {
	char   *p;      /* NULL after a failure */
	size_t  n;
	int     heap;   /* p is malloc'd, not the scratch buffer */
} mio_b_bytes;

/* A buffer of n bytes: the scratch buffer, or the heap when bigger (NULL
 * and mio_b_err = ENOMEM if that fails).  *heap says which. */
MIO_B_API char *mio_b_buf(size_t n, int *heap);

/* Finishes a read of rc bytes into buf (from mio_b_buf): the bytes, or on
 * failure (rc < 0) an empty value with mio_b_err set and the heap buffer
 * already freed. */
MIO_B_API mio_b_bytes mio_b_bytes_done(char *buf, int heap, long rc);

/* Frees a heap buffer; p is NULL afterwards. */
MIO_B_API void mio_b_bytes_free(mio_b_bytes *b);

typedef struct mio_b_datafrom {
	mio_b_bytes data;
	mio_b_addr  addr;
} mio_b_datafrom;

/* ---- Poll and Registry --------------------------------------------- */

typedef struct mio_b_events mio_b_events;

/* The selector, shared by the Poll object, its Registry objects and the
 * poll() calls in progress; the struct is freed when the last of them
 * lets go.  Poll.close() closes the selector at once (poll = NULL, the
 * Registry objects then fail EBADF), or, while waits are in progress in
 * other threads, when the last of them returns. */
typedef struct mio_b_sel {
	mio_poll *poll;    /* NULL once closed and no wait in progress */
	long      refs;
	int       waits;   /* poll() calls in progress */
	bool      closed;
} mio_b_sel;

typedef struct mio_b_poll {
	mio_b_sel *sel;    /* NULL once closed (or its struct destroyed) */
} mio_b_poll;

/* A Registry holds the selector; one from try_clone also owns a C clone.
 * Both fail EBADF once the Poll or the Registry itself is closed. */
typedef struct mio_b_registry {
	mio_b_sel    *sel;    /* NULL once this Registry is closed */
	mio_registry *clone;  /* from try_clone, or NULL */
} mio_b_registry;

MIO_B_API void mio_bind_sel_unref(mio_b_sel *s);

/* NULL with mio_b_err set on failure. */
MIO_B_API mio_b_poll *mio_bind_poll_new(void);
/* The destructor: drops this object's hold, does not close (Registry
 * objects keep working after the Poll object is collected). */
MIO_B_API void mio_bind_poll_delete(mio_b_poll *p);
/* close(): closes the selector for every holder (see mio_b_sel). */
MIO_B_API void mio_bind_poll_close(mio_b_poll *p);
MIO_B_API mio_b_registry *mio_bind_poll_registry(mio_b_poll *p);
MIO_B_API int mio_bind_poll_fd(mio_b_poll *p);

/* A wait: begin takes a hold on the selector and on ev (NULL with
 * mio_b_err = EBADF if the Poll is closed, EBUSY if ev is being filled by
 * another wait); the caller waits on sel->poll into ev->h without any
 * lock, then end drops both holds.  Between them, p may be destroyed by
 * another thread (nothing may touch it) and ev only marked dead.  ev may
 * be NULL for a wait into memory of the caller's own (Poll.wait, the
 * one-call wait into an array on its stack): then only the selector is
 * held. */
MIO_B_API mio_b_sel *mio_bind_poll_wait_begin(mio_b_poll *p, mio_b_events *ev);
MIO_B_API void mio_bind_poll_wait_end(mio_b_sel *sel, mio_b_events *ev);

/* A wait interrupted by a signal whose handler returns is retried with
 * the time left (PEP 475): deadline = now + timeout (CLOCK_MONOTONIC);
 * time_left puts what remains in *left, false once it has passed. */
MIO_B_API void mio_bind_deadline(struct timespec *deadline, const struct timespec *timeout);
MIO_B_API bool mio_bind_time_left(const struct timespec *deadline, struct timespec *left);

/* The C registry of r, or NULL with mio_b_err = EBADF if r or its Poll
 * is closed. */
MIO_B_API mio_registry *mio_bind_registry_h(mio_b_registry *r);
MIO_B_API mio_b_registry *mio_bind_registry_try_clone(mio_b_registry *r);
MIO_B_API void mio_bind_registry_close(mio_b_registry *r);
MIO_B_API void mio_bind_registry_delete(mio_b_registry *r);

/* ---- Events and Event ---------------------------------------------- */

/* busy while a poll() fills it (a second concurrent poll() into the same
 * Events is EBUSY); destroying it meanwhile (another thread) only marks it
 * dead and the wait frees it when it returns. */
struct mio_b_events {
	mio_events *h;
	int         busy;
	bool        dead;
	/* What a language keeps beside the buffer to hand events out without
	 * allocating (Python: the Event objects it reuses); lang_free releases
	 * it when the Events goes. */
	void       *lang;
	void      (*lang_free)(void *lang);
};

/* An Event is a copy (token + flags): it never points into an Events
 * buffer that the next poll() overwrites or that has been collected. */
typedef struct mio_b_event {
	mio_token token;
	unsigned  flags;
} mio_b_event;

/* flags are libmio's own readiness bits (mio_event_readiness, 1.1). */
enum {
	MIO_B_EV_READABLE = MIO_EVENT_READABLE,
	MIO_B_EV_WRITABLE = MIO_EVENT_WRITABLE,
	MIO_B_EV_ERROR = MIO_EVENT_ERROR,
	MIO_B_EV_READ_CLOSED = MIO_EVENT_READ_CLOSED,
	MIO_B_EV_WRITE_CLOSED = MIO_EVENT_WRITE_CLOSED,
	MIO_B_EV_PRIORITY = MIO_EVENT_PRIORITY,
	MIO_B_EV_AIO = MIO_EVENT_AIO,
	MIO_B_EV_LIO = MIO_EVENT_LIO,
};

/* The iterator state of events.iter(). */
typedef struct mio_b_evlist {
	mio_events   *ev;
	mio_b_events *owner;
} mio_b_evlist;

MIO_B_API mio_b_events *mio_bind_events_new(size_t capacity);
MIO_B_API void mio_bind_events_delete(mio_b_events *e);
MIO_B_API void mio_bind_event_copy(mio_b_event *dst, const mio_event *e);
/* A malloc'd copy, NULL (mio_b_err = ENOMEM) if that fails. */
MIO_B_API mio_b_event *mio_bind_event_new(const mio_event *e);
MIO_B_API void mio_bind_event_delete(mio_b_event *e);

/* ---- Waker --------------------------------------------------------- */

typedef struct mio_b_waker {
	mio_waker *h;    /* NULL once closed */
} mio_b_waker;

MIO_B_API mio_b_waker *mio_bind_waker_new(mio_b_registry *r, mio_token token);
MIO_B_API void mio_bind_waker_delete(mio_b_waker *w);
MIO_B_API void mio_bind_waker_close(mio_b_waker *w);

/* ---- SIGPIPE ------------------------------------------------------- */

/* A write to a pipe whose reader is gone raises SIGPIPE, which kills a
 * process that does not ignore it (Python ignores it at startup, the Lua
 * interpreter cannot).  Sockets are written with MSG_NOSIGNAL; a pipe
 * write in such a language goes between these two calls, as libuv and
 * OpenSSL do it: SIGPIPE blocked in this thread, and if the write failed
 * EPIPE, the SIGPIPE it raised is taken off the pending set (unless one
 * was already pending before: that one is someone else's), then the old
 * mask is restored.  Costs two sigprocmask calls per write. */
typedef struct mio_b_sigpipe {
	sigset_t old;
	bool     pending_before;
} mio_b_sigpipe;

MIO_B_API void mio_bind_sigpipe_block(mio_b_sigpipe *g);
MIO_B_API void mio_bind_sigpipe_unblock(mio_b_sigpipe *g, long rc);

/* ---- Socket and pipe objects: one owned handle, NULL when closed --- */

/* For each type T: struct mio_b_T { mio_T *h; ... }, and
 *   mio_b_T *mio_bind_T_wrap(int rc, mio_T *h)  the object of a constructor
 *       that returned rc (NULL with mio_b_err set if rc < 0 or no memory;
 *       h is freed then);
 *   void mio_bind_T_delete(mio_b_T *o)        the destructor;
 *   void mio_bind_T_close(mio_b_T *o)         close: EBADF from now on;
 *   void mio_bind_T_call_end(mio_b_T *o)      a call that may block ended.
 *
 * Blocking mode.  Every object libmio makes is non-blocking (from_fd
 * makes the fd so), and stays so unless a pipe end is told
 * set_nonblocking(false): `blocking` records that, and only then does a
 * read or write release the language's lock (Python's GIL) around the
 * system call, so the fast path of a non-blocking object costs one test.
 * `calls` counts such calls in progress (other threads run meanwhile): a
 * close() then only takes the handle out of the object (EBADF from now
 * on) and parks it in `pending`; the last call to return frees it.  The
 * fd's mode changed behind the object's back (fcntl on its fileno()) is
 * not seen: the binding does not ask the kernel on every call. */
#define MIO_B_HANDLE_DECL(T)                                                \
	typedef struct mio_b_##T {                                          \
		mio_##T *h;                                                 \
		mio_##T *pending;  /* closed during a blocking call */     \
		int      calls;    /* blocking calls in progress */        \
		bool     blocking; /* set_nonblocking(false) was called */ \
	} mio_b_##T;                                                        \
	MIO_B_API mio_b_##T *mio_bind_##T##_wrap(int rc, mio_##T *h);          \
	MIO_B_API void mio_bind_##T##_delete(mio_b_##T *o);                    \
	MIO_B_API void mio_bind_##T##_close(mio_b_##T *o);                     \
	MIO_B_API void mio_bind_##T##_call_end(mio_b_##T *o);

#define MIO_B_HANDLE_TYPES(X)                                               \
	X(tcp_listener)                                                     \
	X(tcp_stream)                                                       \
	X(udp_socket)                                                       \
	X(unix_listener)                                                    \
	X(unix_stream)                                                      \
	X(unix_datagram)                                                    \
	X(pipe_sender)                                                      \
	X(pipe_receiver)                                                    \
	X(tcp_socket)

MIO_B_HANDLE_TYPES(MIO_B_HANDLE_DECL)

/* The handle of a socket object, or EBADF (and return `fail`) if closed. */
#define MIO_B_H(o, fail)                                                    \
	do {                                                                \
		if ((o)->h == NULL) {                                       \
			mio_b_err = EBADF;                                  \
			return fail;                                        \
		}                                                           \
	} while (0)

typedef struct mio_b_tcp_accept {
	mio_b_tcp_stream *stream;
	mio_b_addr        addr;
} mio_b_tcp_accept;

typedef struct mio_b_unix_accept {
	mio_b_unix_stream *stream;
	mio_b_addr         addr;
} mio_b_unix_accept;

/* Two new objects, or (NULL, NULL) with mio_b_err set. */
typedef struct mio_b_pair_unix_stream {
	mio_b_unix_stream *a, *b;
} mio_b_pair_unix_stream;

typedef struct mio_b_pair_unix_datagram {
	mio_b_unix_datagram *a, *b;
} mio_b_pair_unix_datagram;

typedef struct mio_b_pair_pipe {
	mio_b_pipe_sender   *a;
	mio_b_pipe_receiver *b;
} mio_b_pair_pipe;

MIO_B_API mio_b_pair_pipe mio_bind_pipe_pair(void);

/* ---- what repr() and tostring() show ------------------------------- */

/* One text for both languages: "<mio.TcpStream fd=5>", "<mio.TcpStream
 * closed>", "<mio.Poll open>" (no fd to show: the poll(2) backend, a
 * Registry, a Waker), "<mio.Events len=2 capacity=64>",
 * "Event(token=7, readable|writable)".  An object a script made without
 * its constructor (Python's __new__) has no struct: o is NULL, closed.
 * The result is always NUL-terminated and fits MIO_B_REPR_MAX. */
#define MIO_B_REPR_MAX 160
MIO_B_API void mio_bind_repr_fd(char *buf, const char *name, int fd);
MIO_B_API void mio_bind_poll_repr(char *buf, const mio_b_poll *o);
MIO_B_API void mio_bind_registry_repr(char *buf, const mio_b_registry *o);
MIO_B_API void mio_bind_waker_repr(char *buf, const mio_b_waker *o);
MIO_B_API void mio_bind_events_repr(char *buf, const mio_b_events *o);
MIO_B_API void mio_bind_event_repr(char *buf, const mio_b_event *o);
/* The repr of a socket or pipe object: its fd while open. */
#define MIO_B_REPR_FD(buf, name, T, o)                                      \
	mio_bind_repr_fd((buf), (name), ((o) == NULL || (o)->h == NULL) ? -1 : mio_##T##_fd((o)->h))
MIO_B_API mio_b_pair_unix_stream mio_bind_unix_stream_pair(void);
MIO_B_API mio_b_pair_unix_datagram mio_bind_unix_datagram_pair(void);

#endif
