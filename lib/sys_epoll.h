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
	/* First, so that the guard's one instruction (lock bts) addresses
	 * the selector pointer itself, with no offset to add (trap 6). */
	atomic_uint waiting;  /* bit 0: a thread is in a wait */
	int         epfd;
	mio_events *filling;  /* the waiter's buffer, during its wait */
	/* Cold: the selectors mio__sys_new made, for the fork handler. */
	bool                  listed;
	struct mio__selector *prev, *next;
};

/*
 * The one-waiter guard (trap 6).  A test-and-set of bit 0, which x86
 * compilers emit as one `lock bts` and a branch on the carry flag (the
 * exchange of a bool it replaces took five instructions: load 1, address,
 * xchg, test, branch), and a plain release store to leave.
 */
static inline bool mio__wait_enter(mio__selector *sel)
{
	return (atomic_fetch_or_explicit(&sel->waiting, 1u, memory_order_acquire) & 1u) == 0;
}

static inline void mio__wait_leave(mio__selector *sel)
{
	atomic_store_explicit(&sel->waiting, 0u, memory_order_release);
}

static inline int mio__sys_fd(const mio__selector *sel)
{
	return sel->epfd;
}

/* Interests (6 bits, validated by the caller) to epoll flags, by table:
 * one load instead of a dozen branchless instructions per register.
 * MIO_LEVEL is the absence of EPOLLET. */
#define MIO__EP(i) ((((i) & MIO_LEVEL) ? 0 : EPOLLET) |                       \
		    (((i) & MIO_READABLE) ? EPOLLIN | EPOLLRDHUP : 0) | /* trap 4 */ \
		    (((i) & MIO_WRITABLE) ? EPOLLOUT : 0) |                  \
		    (((i) & MIO_PRIORITY) ? EPOLLPRI : 0))
#define MIO__EP4(i) MIO__EP(i), MIO__EP((i) + 1), MIO__EP((i) + 2), MIO__EP((i) + 3)
#define MIO__EP16(i) MIO__EP4(i), MIO__EP4((i) + 4), MIO__EP4((i) + 8), MIO__EP4((i) + 12)
static const uint32_t mio__epoll_of[64] = {
	MIO__EP16(0), MIO__EP16(16), MIO__EP16(32), MIO__EP16(48),
};
#undef MIO__EP16
#undef MIO__EP4
#undef MIO__EP

static inline uint32_t mio__epoll_events(mio_interest interests)
{
	return mio__epoll_of[interests & 63u];
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

/* The kernel writes straight into the caller's buffer: a mio_raw_event
 * is a struct epoll_event (mio-private.h checks it).  One waiter at a
 * time (trap 6).  max >= 1 was checked by the caller, or is left to the
 * kernel (0 is EINVAL there too). */
static inline int mio__sys_wait_raw(mio__selector *sel, mio_raw_event *out, int max,
				    int timeout_ms)
{
	if (mio__unlikely(!mio__wait_enter(sel)))
		return -EBUSY;
	int n = epoll_wait(sel->epfd, (struct epoll_event *)(void *)out, max, timeout_ms);
	mio__wait_leave(sel);
	if (mio__unlikely(n < 0))
		return -errno;
	return n;
}

/*
 * The same into a mio_events buffer, whose records are the same, and its
 * length stored.  Two pointers are needed after epoll_wait returns, the
 * selector (to leave the guard) and the buffer (for its length); kept in
 * two registers across the call they cost a second saved register and a
 * stack adjustment, 4 instructions per wait.  The waiter parks the buffer
 * pointer in the selector it holds instead (a store and a load).
 */
static inline int mio__sys_wait(mio__selector *sel, mio_events *events, int timeout_ms)
{
	if (mio__unlikely(!mio__wait_enter(sel))) {
		events->len = 0;
		return -EBUSY;
	}
	sel->filling = events;
	int n = epoll_wait(sel->epfd, events->buf, events->max, timeout_ms);
	events = sel->filling;
	mio__wait_leave(sel);
	if (mio__unlikely(n < 0)) {
		events->len = 0;
		return -errno;
	}
	events->len = (size_t)n;
	return n;
}

#endif /* MIO_SYS_EPOLL_H */
