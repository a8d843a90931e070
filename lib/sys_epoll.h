/*
 * sys_epoll.h - the epoll backend's hot path, inline.
 *
 * Each of these is one epoll(7) call.  Defined here rather than in
 * sys_epoll.c so that mio_poll_wait and the registry calls reach the
 * kernel with one stack frame instead of two: the bench (bench/README.md)
 * measured the extra frame and call at about a third of libmio's cost
 * over a hand-written epoll loop.  The traps these calls work around are
 * described at the top of sys_epoll.c; the numbers below point there.
 * Included by mio-private.h in epoll builds only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_SYS_EPOLL_H
#define MIO_SYS_EPOLL_H

#include <stdatomic.h>
#include <sys/epoll.h>

struct mio__selector {
	int         epfd;
	atomic_bool waiting;  /* a thread is in mio__sys_wait (trap 6) */
	/* Cold: the selectors mio__sys_new made, for the fork handler. */
	bool                  listed;
	struct mio__selector *prev, *next;
};

static inline int mio__sys_fd(const mio__selector *sel)
{
	return sel->epfd;
}

/* Interests (5 bits, validated by the caller) to epoll flags, by table:
 * one load instead of a dozen branchless instructions per register. */
#define MIO__EP(i) (EPOLLET |                                                \
		    (((i) & MIO_READABLE) ? EPOLLIN | EPOLLRDHUP : 0) | /* trap 4 */ \
		    (((i) & MIO_WRITABLE) ? EPOLLOUT : 0) |                  \
		    (((i) & MIO_PRIORITY) ? EPOLLPRI : 0))
#define MIO__EP4(i) MIO__EP(i), MIO__EP((i) + 1), MIO__EP((i) + 2), MIO__EP((i) + 3)
static const uint32_t mio__epoll_of[32] = {
	MIO__EP4(0),  MIO__EP4(4),  MIO__EP4(8),  MIO__EP4(12),
	MIO__EP4(16), MIO__EP4(20), MIO__EP4(24), MIO__EP4(28),
};
#undef MIO__EP4
#undef MIO__EP

static inline uint32_t mio__epoll_events(mio_interest interests)
{
	return mio__epoll_of[interests & 31u];
}

static inline int mio__epoll_ctl(mio__selector *sel, int op, int fd, mio_token token,
				 uint32_t events)
{
	/* The token rides in data.u64: no table to keep. */
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)token };
	if (mio__unlikely(epoll_ctl(sel->epfd, op, fd, &ev) < 0))
		return -errno;
	return 0;
}

static inline int mio__sys_register(mio__selector *sel, int fd, mio_token token,
				    mio_interest interests)
{
	return mio__epoll_ctl(sel, EPOLL_CTL_ADD, fd, token, mio__epoll_events(interests));
}

/* epoll reports the current state on MOD: a still-ready source comes
 * again, which is what makes reregister a re-arm. */
static inline int mio__sys_reregister(mio__selector *sel, int fd, mio_token token,
				      mio_interest interests)
{
	return mio__epoll_ctl(sel, EPOLL_CTL_MOD, fd, token, mio__epoll_events(interests));
}

/* Linux < 2.6.9 wanted a non-NULL event even for DEL; one is passed. */
static inline int mio__sys_deregister(mio__selector *sel, int fd)
{
	return mio__epoll_ctl(sel, EPOLL_CTL_DEL, fd, 0, 0);
}

/* The kernel writes straight into the caller's mio_events buffer.  One
 * waiter at a time (trap 6): the flag costs one exchange and one store. */
static inline int mio__sys_wait(mio__selector *sel, mio_events *events, int timeout_ms)
{
	if (mio__unlikely(atomic_exchange_explicit(&sel->waiting, true, memory_order_acquire))) {
		events->len = 0;
		return -EBUSY;
	}
	int n = epoll_wait(sel->epfd, events->buf, events->max, timeout_ms);
	atomic_store_explicit(&sel->waiting, false, memory_order_release);
	if (mio__unlikely(n < 0)) {
		events->len = 0;
		return -errno;
	}
	events->len = (size_t)n;
	return n;
}

#endif /* MIO_SYS_EPOLL_H */
