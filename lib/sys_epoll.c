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
 *  6. Any number of threads may sit in epoll_wait on one instance, but the
 *     poll(2) backend cannot let them (its pollfd array is written by the
 *     sleeping poll(2)), and Rust mio's Poll::poll takes &mut self.  So
 *     that both backends behave alike, a second concurrent waiter gets
 *     -EBUSY at once (`waiting`: one `lock bts` with its branch, and one
 *     store, per wait; sys_epoll.h).  A fork() while a thread waits would leave the flag set in
 *     the child, where that thread does not exist: a pthread_atfork child
 *     handler clears it on every selector mio__sys_init made.  Nothing
 *     else needs care across fork: the child's epoll fd is the parent's
 *     instance (mio_poll(3) says what that means for a child).
 *  7. MIO_LEVEL (1.2) registers without EPOLLET: epoll then puts the fd
 *     back on its ready list after each epoll_wait that reported it, so
 *     it comes at every wait while ready, hangups and errors included
 *     (ep_send_events, fs/eventpoll.c).  That is the whole feature here;
 *     the poll(2) backend gets the same by not disarming the entry.
 *
 * The token rides in epoll_event.data.u64, so registering needs no table
 * and epoll_wait writes the caller's mio_events buffer directly.  The
 * calls made on every loop iteration (ctl, wait) are inline in
 * sys_epoll.h; this file keeps the cold ones.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

/* The selectors a poll waits on (mio__sys_init's, not clones), for the
 * fork handler (trap 6). */
static pthread_mutex_t  sels_lock = PTHREAD_MUTEX_INITIALIZER;
static mio__selector   *sels;
static bool             atfork_done;  /* under sels_lock */

static void fork_prepare(void)
{
	pthread_mutex_lock(&sels_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&sels_lock);
}

/* The waiting thread, if any, was not copied. */
static void fork_child(void)
{
	for (mio__selector *sel = sels; sel != NULL; sel = sel->next)
		atomic_store_explicit(&sel->waiting, 0u, memory_order_relaxed);
	pthread_mutex_unlock(&sels_lock);
}

/* At load, so that no poll can exist without the handlers; retried by
 * mio__sys_init in the unlikely case that this one failed. */
static int atfork_register(void)
{
	if (atfork_done)
		return 0;
	int rc = pthread_atfork(fork_prepare, fork_parent, fork_child);
	if (rc != 0)
		return -rc;
	atfork_done = true;
	return 0;
}

__attribute__((constructor)) static void atfork_init(void)
{
	pthread_mutex_lock(&sels_lock);
	(void)atfork_register();
	pthread_mutex_unlock(&sels_lock);
}

static void selector_init(mio__selector *sel, int epfd)
{
	atomic_init(&sel->waiting, 0u);
	sel->epfd = epfd;
	sel->filling = NULL;
	sel->listed = false;
	sel->prev = sel->next = NULL;
}

/* A poll's own selector, in the mio_poll itself (mio-private.h says why);
 * listed for the fork handler. */
int mio__sys_init(mio__selector *sel)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	selector_init(sel, epfd);
	pthread_mutex_lock(&sels_lock);
	int rc = atfork_register();
	if (rc == 0) {
		sel->listed = true;
		sel->next = sels;
		if (sels != NULL)
			sels->prev = sel;
		sels = sel;
	}
	pthread_mutex_unlock(&sels_lock);
	if (rc < 0) {
		mio__close(epfd);
		return rc;
	}
	return 0;
}

void mio__sys_fini(mio__selector *sel)
{
	if (sel->listed) {
		pthread_mutex_lock(&sels_lock);
		if (sel->prev != NULL)
			sel->prev->next = sel->next;
		else
			sels = sel->next;
		if (sel->next != NULL)
			sel->next->prev = sel->prev;
		pthread_mutex_unlock(&sels_lock);
	}
	mio__close(sel->epfd);
}

/* Like mio: a clone is a dup of the epoll fd, which refers to the same
 * epoll instance and so outlives the Poll it was cloned from safely.  It
 * is allocated on its own, and never waited on (not listed). */
int mio__sys_clone(mio__selector *sel, mio__selector **out)
{
	int epfd = fcntl(sel->epfd, F_DUPFD_CLOEXEC, 3);
	if (epfd < 0)
		return -errno;
	mio__selector *clone = malloc(sizeof(*clone));
	if (clone == NULL) {
		mio__close(epfd);
		return -ENOMEM;
	}
	selector_init(clone, epfd);
	*out = clone;
	return 0;
}

void mio__sys_free(mio__selector *sel)
{
	mio__sys_fini(sel);
	free(sel);
}

/* Edge-triggered: every wake is a new edge (trap 3), nothing to drain. */
int mio__sys_register_waker(mio__selector *sel, int fd, mio_token token)
{
	return mio__epoll_ctl(sel, EPOLL_CTL_ADD, fd, token, EPOLLIN | EPOLLET);
}
