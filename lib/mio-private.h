/*
 * mio-private.h - everything libmio shares between its own files.
 *
 * Public names are mio_*; library-internal non-static names are mio__*
 * (libuv's convention).  Nothing here is installed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_PRIVATE_H
#define MIO_PRIVATE_H

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inside the library mio_poll_wait is always the default-layout entry,
 * even when the library itself is built with -D_TIME_BITS=64 (mio.h would
 * otherwise redirect it to mio_poll_wait_time64). */
#define MIO__INTERNAL 1
#include "mio.h"

/* Targets whose default time_t is 32-bit (configure's "time32" tag, the
 * same test): lib/poll.c exports mio_poll_wait_time64 there. */
#if defined(__GLIBC__) && defined(__TIMESIZE) && __TIMESIZE == 32
#define MIO__TIME32_DEFAULT 1
struct mio__timespec64;
int mio_poll_wait_time64(mio_poll *poll, mio_events *events,
			 const struct mio__timespec64 *timeout);
int mio_poll_wait_raw_time64(mio_poll *poll, mio_raw_event *out, size_t n,
			     const struct mio__timespec64 *timeout);
#endif

/* Only symbols marked MIO_EXPORT leave the library (-fvisibility=hidden),
 * and the version script tags each with its node. */
#define MIO_EXPORT __attribute__((visibility("default")))

#define mio__likely(x)   __builtin_expect(!!(x), 1)
#define mio__unlikely(x) __builtin_expect(!!(x), 0)

/* sd-event's assert_return: the guard at the top of every public function.
 * A failed guard is the caller's bug, reported as a negative errno. */
#define mio__check(cond, err)                   \
	do {                                    \
		if (mio__unlikely(!(cond)))     \
			return (err);           \
	} while (0)

#define MIO__INTEREST_ALL (MIO_READABLE | MIO_WRITABLE | MIO_AIO | MIO_LIO | MIO_PRIORITY)
/* What mio_registry_register accepts: the interests and the mode bit. */
#define MIO__INTEREST_BITS (MIO__INTEREST_ALL | MIO_LEVEL)

/* ------------------------------------------------------------------ */
/* Events: the buffer the backend writes into                          */
/* ------------------------------------------------------------------ */

/*
 * A mio_event is the backend's raw event record, never copied: the
 * public `const mio_event *` is a pointer into mio_events.buf.  On epoll
 * the record is the kernel's struct epoll_event, so epoll_wait(2) fills
 * the caller's buffer directly and the token rides in data.u64.  The
 * poll(2) backend writes records of its own with the same flag values
 * (POLLIN == EPOLLIN and so on, on Linux and in POSIX).
 */
#ifdef MIO_BACKEND_EPOLL
#include <sys/epoll.h>
typedef struct epoll_event mio__raw_event;
#define MIO__EV_IN    EPOLLIN
#define MIO__EV_PRI   EPOLLPRI
#define MIO__EV_OUT   EPOLLOUT
#define MIO__EV_ERR   EPOLLERR
#define MIO__EV_HUP   EPOLLHUP
#define MIO__EV_RDHUP EPOLLRDHUP
#define mio__raw_flags(e) ((e)->events)
#define mio__raw_token(e) ((mio_token)(e)->data.u64)
/* The public record of mio_poll_wait_raw is this one, bit for bit: the
 * kernel fills the caller's array with no copy.  mio.h spells the layout
 * out without <sys/epoll.h> (12 bytes on x86-64, where glibc packs it,
 * __EPOLL_PACKED); these make sure it stays the kernel's. */
#if defined(__x86_64__)
#define MIO__RAW_TOKEN_OFF offsetof(mio_raw_event, token_lo)
#else
#define MIO__RAW_TOKEN_OFF offsetof(mio_raw_event, token)
#endif
_Static_assert(sizeof(mio_raw_event) == sizeof(struct epoll_event) &&
	       offsetof(mio_raw_event, flags) == offsetof(struct epoll_event, events) &&
	       MIO__RAW_TOKEN_OFF == offsetof(struct epoll_event, data),
	       "mio_raw_event is not struct epoll_event");
_Static_assert(EPOLLIN == MIO_RAW_IN && EPOLLPRI == MIO_RAW_PRI && EPOLLOUT == MIO_RAW_OUT &&
	       EPOLLERR == MIO_RAW_ERR && EPOLLHUP == MIO_RAW_HUP && EPOLLRDHUP == MIO_RAW_RDHUP,
	       "epoll's flag values are not the MIO_RAW_* ones");
/* The most records one wait asks for: epoll_wait(2) fails with EINVAL
 * above INT_MAX / sizeof(struct epoll_event) (fs/eventpoll.c,
 * EP_MAX_EVENTS: 178956970 on x86-64, where the struct is packed into 12
 * bytes), not above INT_MAX. */
#define MIO__WAIT_MAX ((size_t)INT_MAX / sizeof(struct epoll_event))
#else
#include <poll.h>
typedef struct mio__raw_event {
	uint32_t  events;
	mio_token token;
} mio__raw_event;
#define MIO__EV_IN    POLLIN
#define MIO__EV_PRI   POLLPRI
#define MIO__EV_OUT   POLLOUT
#define MIO__EV_ERR   POLLERR
#define MIO__EV_HUP   POLLHUP
#ifdef POLLRDHUP
#define MIO__EV_RDHUP POLLRDHUP
#else
#define MIO__EV_RDHUP 0
#endif
#define mio__raw_flags(e) ((e)->events)
#define mio__raw_token(e) ((e)->token)
/* poll(2) has no such limit; a wait returns the count as an int. */
#define MIO__WAIT_MAX ((size_t)INT_MAX)
#endif

/* Writes one public record (the poll(2) backend; epoll's kernel writes
 * them itself), in the layout mio.h gives it on this target. */
static inline void mio__raw_set(mio_raw_event *e, uint32_t flags, mio_token token)
{
	e->flags = flags;
#if defined(__x86_64__)
	e->token_lo = (uint32_t)(uint64_t)token;
	e->token_hi = (uint32_t)((uint64_t)token >> 32);
#else
	e->token = (uint64_t)token;
#endif
}

struct mio_events {
	size_t         len;       /* records stored by the last wait */
	size_t         capacity;  /* as asked for in mio_events_new */
	int            max;       /* capacity clamped to MIO__WAIT_MAX, once */
	mio__raw_event buf[];
};

/* ------------------------------------------------------------------ */
/* Backend interface: lib/sys_epoll.c or lib/sys_poll.c, one per build  */
/* ------------------------------------------------------------------ */

typedef struct mio__selector mio__selector;

/* A new selector, or another handle on the same one (Registry::try_clone).
 * On epoll a poll's own selector lives in the mio_poll (struct mio_poll
 * below): mio__sys_init/fini make and unmake it in place; clones are
 * allocated and freed by mio__sys_clone/free.  Elsewhere mio__sys_new
 * allocates every selector. */
#ifdef MIO_BACKEND_EPOLL
int  mio__sys_init(mio__selector *sel);
void mio__sys_fini(mio__selector *sel);
#else
int  mio__sys_new(mio__selector **out);
#endif
int  mio__sys_clone(mio__selector *sel, mio__selector **out);
void mio__sys_free(mio__selector *sel);
/* The read end of a waker: readable events with token; the waker never
 * needs draining by the user (a level-style backend drains it itself). */
int  mio__sys_register_waker(mio__selector *sel, int fd, mio_token token);

#ifdef MIO_BACKEND_EPOLL
/* One system call each: inline, see sys_epoll.h. */
#include "sys_epoll.h"
#else
/* The pollable fd behind the selector, or -EOPNOTSUPP. */
int  mio__sys_fd(const mio__selector *sel);
/* fd >= 0 and interests validated (non-zero, known bits) by the caller. */
int  mio__sys_register(mio__selector *sel, int fd, mio_token token, mio_interest interests);
int  mio__sys_reregister(mio__selector *sel, int fd, mio_token token, mio_interest interests);
int  mio__sys_deregister(mio__selector *sel, int fd);
/* Fill events->buf, set events->len, return it; timeout_ms as poll(2). */
int  mio__sys_wait(mio__selector *sel, mio_events *events, int timeout_ms);
/* Fill out[0..max) with public records, return how many (max >= 1). */
int  mio__sys_wait_raw(mio__selector *sel, mio_raw_event *out, int max, int timeout_ms);
#endif

/*
 * Edge emulation hooks.  A backend that only has level-triggered
 * readiness (poll(2)) reports a source once and then waits for it to be
 * drained: the library's own I/O calls say so when the kernel answered
 * EAGAIN, and handle destructors say when an fd is about to be closed.
 * On epoll both are empty and compile to nothing.
 */
#ifdef MIO_BACKEND_POLL
void mio__source_drained(int fd, mio_interest which);
void mio__source_closing(int fd);
#else
static inline void mio__source_drained(int fd, mio_interest which) { (void)fd; (void)which; }
static inline void mio__source_closing(int fd) { (void)fd; }
#endif

/* ------------------------------------------------------------------ */
/* Waker fds: lib/wakefd_eventfd.c or lib/wakefd_pipe.c                */
/* ------------------------------------------------------------------ */

struct mio__wakefd {
	int rfd;  /* registered for READABLE */
	int wfd;  /* written by wake; == rfd for eventfd */
};

int  mio__wakefd_open(struct mio__wakefd *w);
/* Async-signal-safe: only write(2) and read(2). */
int  mio__wakefd_signal(const struct mio__wakefd *w);
/* Empty the read side (for backends that report it level-triggered). */
void mio__wakefd_drain(const struct mio__wakefd *w);
void mio__wakefd_close(struct mio__wakefd *w);

/* ------------------------------------------------------------------ */
/* Core objects                                                        */
/* ------------------------------------------------------------------ */

struct mio_registry {
	mio__selector *sel;
	bool           is_clone;  /* mio_registry_free frees clones only */
};

/*
 * On epoll the poll's selector is its first member, so that a wait reaches
 * the guard and the epoll fd at the poll's own address with no load (one
 * instruction per wait; registry.sel points to it).  The poll(2) backend
 * shares a selector between a poll and its clones, so there it stays a
 * separate allocation, owned through registry.sel.
 */
struct mio_poll {
#ifdef MIO_BACKEND_EPOLL
	mio__selector       sel;
#endif
	struct mio_registry registry;
};

#ifdef MIO_BACKEND_EPOLL
#define mio__poll_sel(poll) (&(poll)->sel)
#else
#define mio__poll_sel(poll) ((poll)->registry.sel)
#endif

/* Timeout to poll(2)/epoll_wait(2) milliseconds: -1 for NULL, rounded
 * up, clamped to INT_MAX; -EINVAL for a negative or unnormalised one. */
int mio__timeout_ms(const struct timespec *timeout);

/* Closes fd keeping errno, retrying nothing (Linux closes on EINTR). */
void mio__close(int fd);

#endif /* MIO_PRIVATE_H */
