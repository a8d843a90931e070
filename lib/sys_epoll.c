/*
 * sys_epoll.c - the Linux backend: epoll(7), edge-triggered.
 *
 * epoll's traps, and what libmio does about each (numbers are referred to
 * below):
 *
 *  1. epoll registers the open file description, not the fd number.  An
 *     fd closed without EPOLL_CTL_DEL is dropped from the set only when
 *     the *last* fd referring to that description goes: a dup(2)'d fd or
 *     a forked child that still holds one keeps the registration alive and
 *     events keep coming with the old token.  libmio documents this
 *     (mio_registry(3)); it cannot be detected from user space.
 *  2. Events already copied out by epoll_wait before a deregister or close
 *     are not taken back: a caller may see one stale event with an old
 *     token.  Same as mio; documented, and tested.
 *  3. EPOLLET reports transitions.  Each new arrival of data on a socket,
 *     each write to an eventfd or pipe, is a new edge (Linux >= 5.14 made
 *     pipe writes always wake, see commit 3b844826b6c6), which is why the
 *     waker never needs draining.
 *  4. EPOLLRDHUP (Linux >= 2.6.17) tells a peer's shutdown(SHUT_WR) apart
 *     from data; mio asks for it with every READABLE interest, so do we.
 *  5. epoll_ctl on a regular file or directory fails with EPERM: those are
 *     always ready.  The error is passed through unchanged.
 *
 * The token rides in epoll_event.data.u64, so registering needs no table
 * and epoll_wait writes the caller's mio_events buffer directly.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct mio__selector {
	int epfd;
};

static int selector_wrap(int epfd, mio__selector **out)
{
	mio__selector *sel = malloc(sizeof(*sel));
	if (sel == NULL) {
		mio__close(epfd);
		return -ENOMEM;
	}
	sel->epfd = epfd;
	*out = sel;
	return 0;
}

int mio__sys_new(mio__selector **out)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	return selector_wrap(epfd, out);
}

/* Like mio: a clone is a dup of the epoll fd, which refers to the same
 * epoll instance and so outlives the Poll it was cloned from safely. */
int mio__sys_clone(mio__selector *sel, mio__selector **out)
{
	int epfd = fcntl(sel->epfd, F_DUPFD_CLOEXEC, 3);
	if (epfd < 0)
		return -errno;
	return selector_wrap(epfd, out);
}

void mio__sys_free(mio__selector *sel)
{
	mio__close(sel->epfd);
	free(sel);
}

int mio__sys_fd(const mio__selector *sel)
{
	return sel->epfd;
}

static uint32_t interests_to_epoll(mio_interest interests)
{
	uint32_t ev = EPOLLET;
	if (interests & MIO_READABLE)
		ev |= EPOLLIN | EPOLLRDHUP;  /* trap 4 */
	if (interests & MIO_WRITABLE)
		ev |= EPOLLOUT;
	if (interests & MIO_PRIORITY)
		ev |= EPOLLPRI;
	return ev;
}

static int ctl(mio__selector *sel, int op, int fd, mio_token token, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)token };
	if (epoll_ctl(sel->epfd, op, fd, &ev) < 0)
		return -errno;
	return 0;
}

int mio__sys_register(mio__selector *sel, int fd, mio_token token, mio_interest interests)
{
	return ctl(sel, EPOLL_CTL_ADD, fd, token, interests_to_epoll(interests));
}

int mio__sys_reregister(mio__selector *sel, int fd, mio_token token, mio_interest interests)
{
	return ctl(sel, EPOLL_CTL_MOD, fd, token, interests_to_epoll(interests));
}

int mio__sys_deregister(mio__selector *sel, int fd)
{
	/* Linux < 2.6.9 wanted a non-NULL event even for DEL. */
	return ctl(sel, EPOLL_CTL_DEL, fd, 0, 0);
}

/* Edge-triggered: every wake is a new edge (trap 3), nothing to drain. */
int mio__sys_register_waker(mio__selector *sel, int fd, mio_token token)
{
	return ctl(sel, EPOLL_CTL_ADD, fd, token, EPOLLIN | EPOLLET);
}

int mio__sys_wait(mio__selector *sel, mio_events *events, int timeout_ms)
{
	int n = epoll_wait(sel->epfd, events->buf, events->max, timeout_ms);
	if (mio__unlikely(n < 0)) {
		events->len = 0;
		return -errno;
	}
	events->len = (size_t)n;
	return n;
}
