/*
 * sys_poll.c - the portable backend: poll(2), with edge triggering
 * emulated (mio's `mio_unsupported_force_poll_poll`, selector/poll.rs).
 *
 * poll(2)'s traps, and what libmio does about each (numbers are referred
 * to below):
 *
 *  1. poll(2) is level-triggered, the contract is edge-triggered.  An fd
 *     that poll reports is reported once: the reported interest bits are
 *     taken out of its pollfd until the fd is re-armed, either by the
 *     library's own I/O wrappers when the kernel says EAGAIN
 *     (mio__source_drained) or by mio_registry_reregister (the only way
 *     for an fd the library never reads, registered raw).  Re-arming only
 *     puts bits back before the next poll(2); since poll(2) looks at the
 *     current state, data that arrived between the EAGAIN and that call is
 *     still seen: no wakeup is lost.
 *  2. POLLERR and POLLHUP cannot be masked: poll(2) reports them even with
 *     events == 0.  A hangup or error is reported once (it is an edge on
 *     epoll too) and then the whole entry is parked, its pollfd.fd negated
 *     so that poll(2) skips it, until it is re-armed.
 *  3. The pollfd array is the selector's state, and poll(2) writes it
 *     while it sleeps.  The waiting thread holds the selector's lock for
 *     the whole wait; a thread that wants to change the set announces
 *     itself (waiting_ops), interrupts poll(2) through a private waker fd
 *     if a wait is under way, and takes the lock when the waiter steps
 *     aside.  The waiter applies nothing itself: it lets the change
 *     happen, then polls again with what is left of the timeout, so a
 *     change made during a wait takes effect for that wait.  This is
 *     mio's scheme (it comes from the `polling` crate).
 *  4. Re-arming happens on the I/O path, often on another thread than the
 *     waiter, and must not block behind a sleeping poll(2).  It only sets
 *     atomic bits on the entry and a `dirty` flag, and wakes the waiter if
 *     it is inside poll(2); the waiter folds the bits in before its next
 *     poll(2).  `polling` and `dirty` are a Dekker pair (sequentially
 *     consistent atomics): either the waiter sees the flag before it
 *     sleeps, or the re-armer sees it sleeping and wakes it.
 *  5. An fd closed without deregistering is reported by poll(2) as
 *     POLLNVAL.  Such an entry is parked for good and reports nothing
 *     more; registering the same number again replaces it.  If the number
 *     is reused before the next wait, though, the old registration now
 *     watches the new file, with the old token (the poll(2) form of
 *     epoll's trap 1): deregister raw fds before closing them.  Handles
 *     of the library do it themselves (mio__source_closing).
 *  6. One fd may be registered with several selectors, and the I/O path
 *     knows only the fd.  A process-wide table indexed by fd lists the
 *     selectors that have it.
 *  7. One waiter per selector.  A second thread calling mio_poll_wait
 *     would queue on `lock` behind the first, its timeout ignored until
 *     the first returns.  It gets -EBUSY at once instead (`waiting`, an
 *     atomic exchange before the lock), as on epoll (sys_epoll.c trap 6).
 *  8. fork().  The waiting thread holds `lock` for the whole wait, and a
 *     child has only the thread that forked: the lock, `polling`,
 *     `waiting_ops`, `waiting` and the condition variable (the waiter may
 *     sleep on it) would stay as that thread left them, and the first
 *     register or free in the child would block for ever.  pthread_atfork
 *     handlers take table_lock and then every selector's lock the way a
 *     registering thread does (sel_enter: a wait in progress is
 *     interrupted and steps aside), so the fork happens with no wait and
 *     no structural change under way; the parent gives them back and its
 *     waits resume with what is left of their timeout.  The child
 *     re-initialises the locks and condition variables, clears the flags,
 *     and gives each selector a notify fd of its own: the inherited one is
 *     shared with the parent, and the child draining it could swallow a
 *     wake meant for the parent's waiter.  If that fd cannot be opened
 *     (EMFILE), waits on that selector in the child fail with the error
 *     rather than risk a wait nobody can interrupt.  All selectors are on
 *     one list, under table_lock, for this.
 *  9. MIO_LEVEL (1.2): the registration asked for poll(2)'s own
 *     semantics.  Its entry is never disarmed (trap 1) nor parked on a
 *     hangup or error (trap 2): poll(2) reports it at every wait while it
 *     is ready, as epoll does without EPOLLET.  mio__source_drained finds
 *     it armed and does nothing.  Only POLLNVAL still parks it (trap 5).
 *
 * Locks: `table_lock` (the fd table, and every selector's set of fds)
 * is always taken before a selector's `lock`, never after; the waiting
 * thread takes only its selector's lock, so it never waits for the
 * table.  Structural changes (register, deregister, close) hold both;
 * per-entry fields read by mio__source_drained are thus stable under
 * table_lock alone.
 *
 * Costs: register/reregister/deregister O(1) (fd-indexed arrays, swap
 * removal from the pollfd array), a wait O(registered fds) as poll(2)
 * itself.  Memory is allocated only when a table grows, in register;
 * mio_poll_wait allocates nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif

#define READ_EVENTS  (POLLIN | POLLRDHUP)
#define WRITE_EVENTS POLLOUT
#define PRI_EVENTS   POLLPRI

/* One fd registered with one selector: slot fd of the selector's by_fd. */
struct reg {
	mio_token      token;
	mio__selector *next_sel;  /* next selector with this fd (trap 6) */
	unsigned       idx;       /* into pfd[] */
	short          interest;  /* poll bits of the registered interests */
	bool           used;
	bool           waker;     /* drained here, never disarmed */
	bool           level;     /* MIO_LEVEL: never disarmed (trap 9) */
	bool           dead;      /* POLLNVAL seen: closed under us (trap 5) */
	atomic_int     armed;     /* mirror of the live pollfd events, 0 if parked */
	atomic_int     rearm;     /* bits given back by mio__source_drained */
};

struct mio__selector {
	pthread_mutex_t    lock;
	pthread_cond_t     ops_done;
	atomic_uint        refs;         /* mio__sys_clone */
	atomic_uint        waiting_ops;  /* threads that want `lock` (trap 3) */
	atomic_bool        polling;      /* inside poll(2) (traps 3, 4) */
	atomic_bool        dirty;        /* some entry has rearm bits (trap 4) */
	atomic_bool        waiting;      /* a thread is in mio__sys_wait (trap 7) */
	int                notify_err;   /* child could not reopen notify (trap 8) */
	struct mio__wakefd notify;       /* interrupts poll(2); pfd[0] */
	mio__selector     *prev, *next;  /* every selector, under table_lock (trap 8) */
	struct pollfd     *pfd;
	unsigned           npfd, pfd_cap;
	struct reg        *by_fd;
	int                by_fd_cap;
};

static pthread_mutex_t  table_lock = PTHREAD_MUTEX_INITIALIZER;
static mio__selector  **table;      /* fd -> first selector with it */
static int              table_cap;
static mio__selector   *sels;       /* every selector (trap 8) */
static bool             atfork_done;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static short interests_to_poll(mio_interest interests)
{
	short ev = 0;
	if (interests & MIO_READABLE)
		ev |= READ_EVENTS;
	if (interests & MIO_WRITABLE)
		ev |= WRITE_EVENTS;
	if (interests & MIO_PRIORITY)
		ev |= PRI_EVENTS;
	return ev;
}

/* IN and RDHUP are one interest: disarming only IN would leave RDHUP to
 * be reported alone, which reads as neither readable nor read-closed. */
static short groups_of(short bits)
{
	short g = 0;
	if (bits & READ_EVENTS)
		g |= READ_EVENTS;
	if (bits & WRITE_EVENTS)
		g |= WRITE_EVENTS;
	if (bits & PRI_EVENTS)
		g |= PRI_EVENTS;
	return g;
}

/* A parked entry keeps its fd, negated: poll(2) skips negative fds. */
static inline int pfd_fd(const struct pollfd *p)
{
	return p->fd < 0 ? ~p->fd : p->fd;
}

static int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static int grow(void **arr, size_t elem, int *cap_inout, size_t need)
{
	size_t cap = (size_t)*cap_inout;
	if (need <= cap)
		return 0;
	if (need > INT_MAX)
		return -ENOMEM;
	size_t ncap = cap ? cap : 16;
	while (ncap < need)
		ncap = ncap > INT_MAX / 2 ? INT_MAX : ncap * 2;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	char *p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return -ENOMEM;
	memset(p + cap * elem, 0, (ncap - cap) * elem);
	*arr = p;
	*cap_inout = (int)ncap;
	return 0;
}

/* Take the selector's lock, interrupting a wait in progress (trap 3). */
static void sel_enter(mio__selector *sel)
{
	atomic_fetch_add(&sel->waiting_ops, 1);
	if (atomic_load(&sel->polling))
		(void)mio__wakefd_signal(&sel->notify);
	pthread_mutex_lock(&sel->lock);
}

static void sel_leave(mio__selector *sel)
{
	if (atomic_fetch_sub(&sel->waiting_ops, 1) == 1)
		pthread_cond_broadcast(&sel->ops_done);
	pthread_mutex_unlock(&sel->lock);
}

/* ------------------------------------------------------------------ */
/* fork (trap 8)                                                       */
/* ------------------------------------------------------------------ */

/* As a structural change does it: table_lock, then each selector's lock,
 * interrupting its wait. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&table_lock);
	for (mio__selector *sel = sels; sel != NULL; sel = sel->next)
		sel_enter(sel);
}

static void fork_parent(void)
{
	for (mio__selector *sel = sels; sel != NULL; sel = sel->next)
		sel_leave(sel);
	pthread_mutex_unlock(&table_lock);
}

/* Only this thread exists.  The locks are held by it (unlocking is
 * allowed); a condition variable may still count a waiter that was not
 * copied, so it is made anew rather than signalled or destroyed. */
static void fork_child(void)
{
	for (mio__selector *sel = sels; sel != NULL; sel = sel->next) {
		atomic_store(&sel->waiting_ops, 0);
		atomic_store(&sel->polling, false);
		atomic_store(&sel->waiting, false);
		memset(&sel->ops_done, 0, sizeof(sel->ops_done));
		pthread_cond_init(&sel->ops_done, NULL);
		mio__wakefd_close(&sel->notify);
		int rc = mio__wakefd_open(&sel->notify);
		if (rc < 0) {
			sel->notify.rfd = sel->notify.wfd = -1;
			sel->notify_err = rc;
		}
		sel->pfd[0].fd = sel->notify.rfd;  /* poll(2) skips -1 */
		pthread_mutex_unlock(&sel->lock);
	}
	pthread_mutex_unlock(&table_lock);
}

/* table_lock held.  At load (below), retried by mio__sys_new if that
 * failed, so that no selector exists without the handlers. */
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
	pthread_mutex_lock(&table_lock);
	(void)atfork_register();
	pthread_mutex_unlock(&table_lock);
}

/* ------------------------------------------------------------------ */
/* The fd table and entries (table_lock and sel->lock held)            */
/* ------------------------------------------------------------------ */

static void table_unlink(mio__selector *sel, int fd)
{
	mio__selector **pp = &table[fd];
	while (*pp != sel)
		pp = &(*pp)->by_fd[fd].next_sel;
	*pp = sel->by_fd[fd].next_sel;
}

static void entry_remove(mio__selector *sel, int fd)
{
	struct reg *r = &sel->by_fd[fd];
	unsigned i = r->idx, last = sel->npfd - 1;
	if (i != last) {
		sel->pfd[i] = sel->pfd[last];
		sel->by_fd[pfd_fd(&sel->pfd[i])].idx = i;
	}
	sel->npfd--;
	table_unlink(sel, fd);
	r->used = r->dead = r->waker = r->level = false;
	r->next_sel = NULL;
	atomic_store(&r->armed, 0);
	atomic_store(&r->rearm, 0);
}

static int entry_add(mio__selector *sel, int fd, mio_token token, short interest, bool waker,
		     bool level)
{
	int rc = grow((void **)&table, sizeof(*table), &table_cap, (size_t)fd + 1);
	if (rc < 0)
		return rc;
	rc = grow((void **)&sel->by_fd, sizeof(*sel->by_fd), &sel->by_fd_cap, (size_t)fd + 1);
	if (rc < 0)
		return rc;
	struct reg *r = &sel->by_fd[fd];
	if (r->used && !r->dead)
		return -EEXIST;
	int cap = (int)sel->pfd_cap;
	rc = grow((void **)&sel->pfd, sizeof(*sel->pfd), &cap, (size_t)sel->npfd + 1);
	if (rc < 0)
		return rc;
	sel->pfd_cap = (unsigned)cap;
	if (r->used)
		entry_remove(sel, fd);  /* a closed fd's number, reused (trap 5) */

	r->token = token;
	r->interest = interest;
	r->idx = sel->npfd;
	r->used = true;
	r->waker = waker;
	r->level = level;
	r->dead = false;
	atomic_store(&r->armed, interest);
	atomic_store(&r->rearm, 0);
	sel->pfd[sel->npfd++] = (struct pollfd){ .fd = fd, .events = interest };
	r->next_sel = table[fd];
	table[fd] = sel;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Selector lifetime                                                   */
/* ------------------------------------------------------------------ */

int mio__sys_new(mio__selector **out)
{
	mio__selector *sel = calloc(1, sizeof(*sel));
	if (sel == NULL)
		return -ENOMEM;
	int rc = -ENOMEM;
	int cap = 0;
	if (grow((void **)&sel->pfd, sizeof(*sel->pfd), &cap, 16) < 0)
		goto fail;
	sel->pfd_cap = (unsigned)cap;
	rc = mio__wakefd_open(&sel->notify);
	if (rc < 0)
		goto fail;
	rc = -pthread_mutex_init(&sel->lock, NULL);
	if (rc < 0)
		goto fail_fd;
	rc = -pthread_cond_init(&sel->ops_done, NULL);
	if (rc < 0)
		goto fail_mutex;
	atomic_init(&sel->refs, 1);
	atomic_init(&sel->waiting_ops, 0);
	atomic_init(&sel->polling, false);
	atomic_init(&sel->dirty, false);
	atomic_init(&sel->waiting, false);
	sel->pfd[0] = (struct pollfd){ .fd = sel->notify.rfd, .events = POLLIN };
	sel->npfd = 1;
	pthread_mutex_lock(&table_lock);
	rc = atfork_register();
	if (rc == 0) {
		sel->next = sels;
		if (sels != NULL)
			sels->prev = sel;
		sels = sel;
	}
	pthread_mutex_unlock(&table_lock);
	if (rc < 0)
		goto fail_cond;
	*out = sel;
	return 0;

fail_cond:
	pthread_cond_destroy(&sel->ops_done);
fail_mutex:
	pthread_mutex_destroy(&sel->lock);
fail_fd:
	mio__wakefd_close(&sel->notify);
fail:
	free(sel->pfd);
	free(sel);
	return rc;
}

/* Like mio's Arc<SelectorState>: a clone is the same selector, and the
 * last handle to go frees it, so a clone may outlive its poll. */
int mio__sys_clone(mio__selector *sel, mio__selector **out)
{
	atomic_fetch_add(&sel->refs, 1);
	*out = sel;
	return 0;
}

void mio__sys_free(mio__selector *sel)
{
	if (atomic_fetch_sub(&sel->refs, 1) != 1)
		return;
	/* Last handle: nobody waits or registers on it any more, but the
	 * fd table still points here until unlinked. */
	pthread_mutex_lock(&table_lock);
	for (unsigned i = 1; i < sel->npfd; i++)
		table_unlink(sel, pfd_fd(&sel->pfd[i]));
	if (sel->prev != NULL)
		sel->prev->next = sel->next;
	else
		sels = sel->next;
	if (sel->next != NULL)
		sel->next->prev = sel->prev;
	pthread_mutex_unlock(&table_lock);

	pthread_cond_destroy(&sel->ops_done);
	pthread_mutex_destroy(&sel->lock);
	mio__wakefd_close(&sel->notify);
	free(sel->pfd);
	free(sel->by_fd);
	free(sel);
}

int mio__sys_fd(const mio__selector *sel)
{
	(void)sel;
	return -EOPNOTSUPP;
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static int add(mio__selector *sel, int fd, mio_token token, short interest, bool waker,
	       bool level)
{
	/* epoll_ctl says EBADF for a closed fd; poll(2) would take it. */
	if (!fd_is_open(fd))
		return -EBADF;
	pthread_mutex_lock(&table_lock);
	sel_enter(sel);
	int rc = entry_add(sel, fd, token, interest, waker, level);
	sel_leave(sel);
	pthread_mutex_unlock(&table_lock);
	return rc;
}

int mio__sys_register(mio__selector *sel, int fd, mio_token token, mio_interest interests)
{
	return add(sel, fd, token, interests_to_poll(interests), false,
		   (interests & MIO_LEVEL) != 0);
}

/* Also the re-arm of an fd whose I/O the library never sees (trap 1). */
int mio__sys_reregister(mio__selector *sel, int fd, mio_token token, mio_interest interests)
{
	if (!fd_is_open(fd))
		return -EBADF;
	short interest = interests_to_poll(interests);
	int rc = 0;
	pthread_mutex_lock(&table_lock);
	sel_enter(sel);
	struct reg *r = fd < sel->by_fd_cap ? &sel->by_fd[fd] : NULL;
	if (r == NULL || !r->used || r->dead || r->waker) {
		rc = -ENOENT;
	} else {
		r->token = token;
		r->interest = interest;
		r->level = (interests & MIO_LEVEL) != 0;
		sel->pfd[r->idx] = (struct pollfd){ .fd = fd, .events = interest };
		atomic_store(&r->armed, interest);
		atomic_store(&r->rearm, 0);
	}
	sel_leave(sel);
	pthread_mutex_unlock(&table_lock);
	return rc;
}

int mio__sys_deregister(mio__selector *sel, int fd)
{
	int rc = fd_is_open(fd) ? 0 : -EBADF;
	pthread_mutex_lock(&table_lock);
	sel_enter(sel);
	struct reg *r = fd < sel->by_fd_cap ? &sel->by_fd[fd] : NULL;
	if (r != NULL && r->used && !r->waker) {
		/* A closed or dead fd's entry goes too: its number will be
		 * reused, and the caller did what it could. */
		if (r->dead && rc == 0)
			rc = -ENOENT;
		entry_remove(sel, fd);
	} else if (rc == 0) {
		rc = -ENOENT;
	}
	sel_leave(sel);
	pthread_mutex_unlock(&table_lock);
	return rc;
}

int mio__sys_register_waker(mio__selector *sel, int fd, mio_token token)
{
	return add(sel, fd, token, POLLIN, true, false);
}

/* ------------------------------------------------------------------ */
/* Edge emulation hooks (trap 1)                                       */
/* ------------------------------------------------------------------ */

void mio__source_drained(int fd, mio_interest which)
{
	short want = interests_to_poll(which);
	pthread_mutex_lock(&table_lock);
	for (mio__selector *sel = fd >= 0 && fd < table_cap ? table[fd] : NULL; sel != NULL;) {
		struct reg *r = &sel->by_fd[fd];
		short bits = want & r->interest;
		/* Still armed: the wait that disarms it reports it, and the
		 * caller's next EAGAIN comes back here.  (`dead` is the
		 * waiter's to read; apply_rearm ignores bits given to it.) */
		if (bits && !r->waker && (atomic_load(&r->armed) & bits) != bits) {
			atomic_fetch_or(&r->rearm, bits);
			atomic_store(&sel->dirty, true);
			if (atomic_load(&sel->polling))
				(void)mio__wakefd_signal(&sel->notify);
		}
		sel = r->next_sel;
	}
	pthread_mutex_unlock(&table_lock);
}

void mio__source_closing(int fd)
{
	pthread_mutex_lock(&table_lock);
	while (fd >= 0 && fd < table_cap && table[fd] != NULL) {
		mio__selector *sel = table[fd];
		sel_enter(sel);
		entry_remove(sel, fd);
		sel_leave(sel);
	}
	pthread_mutex_unlock(&table_lock);
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */
/* ------------------------------------------------------------------ */

/* Fold in what mio__source_drained gave back (lock held). */
static void apply_rearm(mio__selector *sel)
{
	for (unsigned i = 1; i < sel->npfd; i++) {
		struct pollfd *p = &sel->pfd[i];
		int fd = pfd_fd(p);
		struct reg *r = &sel->by_fd[fd];
		short bits = (short)atomic_exchange(&r->rearm, 0) & r->interest;
		if (bits == 0 || r->dead)
			continue;
		p->events |= bits;
		p->fd = fd;
		atomic_store(&r->armed, p->events);
	}
}

/* Where a wait stores its records: a mio_events buffer (the backend's own
 * records) or the caller's array of public ones (mio_poll_wait_raw). */
struct sink {
	mio__raw_event *ev;
	mio_raw_event  *raw;
	size_t          max;
};

/* poll(2)'s revents to the MIO_RAW_* encoding of mio.h: the same values
 * on Linux (and in POSIX for the first five), spelled out elsewhere. */
static inline uint32_t raw_flags(short rev)
{
#if POLLIN == 0x1 && POLLPRI == 0x2 && POLLOUT == 0x4 && POLLERR == 0x8 && POLLHUP == 0x10 && \
	(POLLRDHUP == 0x2000 || POLLRDHUP == 0)
	return (uint32_t)(unsigned short)rev;
#else
	return ((rev & POLLIN) ? MIO_RAW_IN : 0) | ((rev & POLLPRI) ? MIO_RAW_PRI : 0) |
	       ((rev & POLLOUT) ? MIO_RAW_OUT : 0) | ((rev & POLLERR) ? MIO_RAW_ERR : 0) |
	       ((rev & POLLHUP) ? MIO_RAW_HUP : 0) |
	       ((POLLRDHUP != 0 && (rev & POLLRDHUP)) ? MIO_RAW_RDHUP : 0);
#endif
}

/* Store the reported entries, disarming each edge-triggered one (traps
 * 1, 2, 5, 9). */
static size_t collect(mio__selector *sel, const struct sink *out, int nready)
{
	size_t n = 0;
	for (unsigned i = 1; i < sel->npfd && nready > 0 && n < out->max; i++) {
		struct pollfd *p = &sel->pfd[i];
		short rev = p->revents;
		if (rev == 0)
			continue;
		nready--;
		struct reg *r = &sel->by_fd[p->fd];
		if (rev & POLLNVAL) {
			r->dead = true;
			p->fd = ~p->fd;
			p->events = 0;
			atomic_store(&r->armed, 0);
			continue;
		}
		short flags = rev & (r->interest | POLLERR | POLLHUP);
		if (flags == 0)
			continue;
		if (r->waker) {
			/* Coalesce: a wake landing after this read makes
			 * the fd readable again for the next poll(2). */
			struct mio__wakefd w = { .rfd = p->fd, .wfd = -1 };
			mio__wakefd_drain(&w);
		} else if (!r->level) {
			p->events &= ~groups_of(flags);
			if (flags & (POLLERR | POLLHUP))
				p->fd = ~p->fd;
			atomic_store(&r->armed, p->fd < 0 ? 0 : p->events);
		}
		if (out->raw != NULL) {
			mio__raw_set(&out->raw[n], raw_flags(flags), r->token);
		} else {
			out->ev[n].events = (uint32_t)(unsigned short)flags;
			out->ev[n].token = r->token;
		}
		n++;
	}
	return n;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int wait_into(mio__selector *sel, const struct sink *out, int timeout_ms)
{
	int64_t deadline = timeout_ms > 0 ? now_ns() + (int64_t)timeout_ms * 1000000 : 0;
	int ms = timeout_ms, rc;

	if (atomic_exchange(&sel->waiting, true))
		return -EBUSY;  /* trap 7 */
	if (mio__unlikely(sel->notify_err < 0)) {
		atomic_store(&sel->waiting, false);
		return sel->notify_err;  /* trap 8 */
	}
	if (mio__unlikely(out->max == 0)) {
		/* As epoll_wait(2) says, after the same guard. */
		atomic_store(&sel->waiting, false);
		return -EINVAL;
	}
	pthread_mutex_lock(&sel->lock);
	for (;;) {
		while (atomic_load(&sel->waiting_ops) > 0)
			pthread_cond_wait(&sel->ops_done, &sel->lock);
		if (atomic_exchange(&sel->dirty, false))
			apply_rearm(sel);
		atomic_store(&sel->polling, true);
		if (atomic_load(&sel->waiting_ops) > 0 || atomic_load(&sel->dirty)) {
			atomic_store(&sel->polling, false);
			continue;
		}
		int nready = poll(sel->pfd, sel->npfd, ms);
		int err = errno;
		atomic_store(&sel->polling, false);
		if (mio__unlikely(nready < 0)) {
			/* Linux's poll(2) may say EAGAIN for a transient
			 * shortage; EINTR goes to the caller. */
			if (err == EAGAIN)
				continue;
			rc = -err;
			break;
		}
		if (nready == 0) {
			rc = 0;
			break;
		}
		if (sel->pfd[0].revents) {
			mio__wakefd_drain(&sel->notify);
			nready--;
		}
		size_t n = collect(sel, out, nready);
		if (n > 0) {
			rc = (int)n;
			break;
		}
		/* Only woken to let a change in, or only parked entries
		 * fired: poll again for what is left of the timeout.  Once
		 * it has run out, one last look with 0 lets the change be
		 * seen; a zero-timeout look that was interrupted ends here. */
		if (timeout_ms >= 0) {
			if (ms == 0) {
				rc = 0;
				break;
			}
			int64_t left = deadline - now_ns();
			ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
		}
	}
	pthread_mutex_unlock(&sel->lock);
	atomic_store(&sel->waiting, false);
	return rc;
}

int mio__sys_wait(mio__selector *sel, mio_events *events, int timeout_ms)
{
	struct sink out = { .ev = events->buf, .raw = NULL, .max = (size_t)events->max };
	events->len = 0;
	int rc = wait_into(sel, &out, timeout_ms);
	if (rc > 0)
		events->len = (size_t)rc;
	return rc;
}

int mio__sys_wait_raw(mio__selector *sel, mio_raw_event *out, int max, int timeout_ms)
{
	struct sink sink = { .ev = NULL, .raw = out, .max = max > 0 ? (size_t)max : 0 };
	return wait_into(sel, &sink, timeout_ms);
}
