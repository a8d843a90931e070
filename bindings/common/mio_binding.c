/*
 * mio_binding.c - the language-neutral support code of the Python and Lua
 * modules; see mio_binding.h for what is here and the rules it keeps.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio_binding.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* check_binding.c builds this file with its own allocator, to fail the
 * Nth allocation and walk every error path. */
#ifndef MIO_B_MALLOC
#define MIO_B_MALLOC malloc
#else
void *MIO_B_MALLOC(size_t n);
#endif

__thread int mio_b_err;

static void *b_alloc(size_t n)
{
	void *p = MIO_B_MALLOC(n);
	if (p == NULL)
		mio_b_err = ENOMEM;
	return p;
}

/* ---- seconds ------------------------------------------------------- */

int mio_b_seconds(double secs, double max, struct timespec *ts)
{
	if (secs != secs)
		return MIO_B_SECS_NAN;
	if (secs < 0.0)
		return MIO_B_SECS_NEGATIVE;
	if (!(secs <= max))  /* +inf too */
		return MIO_B_SECS_TOO_LARGE;
	ts->tv_sec = (time_t)secs;
	/* Rounded up to the next nanosecond: a wait never ends before its
	 * timeout (mio_poll_wait rounds up to a millisecond the same way). */
	double ns = (secs - (double)ts->tv_sec) * 1e9;
	long whole = (long)ns;
	ts->tv_nsec = whole + ((double)whole < ns);
	if (ts->tv_nsec > 999999999L) {
		ts->tv_sec++;
		ts->tv_nsec = 0;
	}
	return MIO_B_SECS_OK;
}

const char *mio_b_seconds_error(int why, double max)
{
	static __thread char msg[96];
	switch (why) {
	case MIO_B_SECS_NAN:
		return "seconds must not be NaN";
	case MIO_B_SECS_NEGATIVE:
		return "seconds must not be negative";
	default:
		snprintf(msg, sizeof(msg), "seconds must be at most %.3f", max);
		return msg;
	}
}

/* ---- addresses ----------------------------------------------------- */

mio_b_addr mio_b_addr_empty(void)
{
	mio_b_addr a;
	memset(&a, 0, sizeof(a));
	a.len = sizeof(a.ss);
	return a;
}

mio_b_addr mio_b_addr_un(int rc, const struct sockaddr_un *un, socklen_t len)
{
	mio_b_addr a = mio_b_addr_empty();
	if (mio_b_set(rc) < 0)
		return a;
	if (len > sizeof(*un))
		len = sizeof(*un);
	memcpy(&a.ss, un, len);
	a.len = len;
	if (len < sizeof(sa_family_t))
		a.ss.ss_family = AF_UNIX;
	return a;
}

int mio_b_inet_pton4(const char *s, struct in_addr *out)
{
	if (s == NULL || *s == '\0') {
		out->s_addr = htonl(INADDR_ANY);
		return 0;
	}
	return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

int mio_b_unaddr(const char *s, size_t n, struct sockaddr_un *un, socklen_t *len)
{
	int abstract = n > 0 && s[0] == '\0';
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (n + (abstract ? 0 : 1) > sizeof(un->sun_path))
		return -ENAMETOOLONG;
	if (!abstract && n > 0 && memchr(s, 0, n) != NULL)
		return -EINVAL;
	if (n > 0)
		memcpy(un->sun_path, s, n);
	/* "" is the unnamed address, as for C's mio_unix_*_bind(""): no NUL
	 * counted, so bind autobinds and connect fails (-EINVAL).  Counting
	 * the NUL made it the abstract name "\0", one per host. */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract || n == 0 ? 0 : 1));
	return 0;
}

/* ---- bytes read ---------------------------------------------------- */

static __thread char mio_b_scratch[MIO_B_SCRATCH];

char *mio_b_buf(size_t n, int *heap)
{
	*heap = n > MIO_B_SCRATCH;
	if (!*heap)
		return mio_b_scratch;
	return b_alloc(n);
}

mio_b_bytes mio_b_bytes_done(char *buf, int heap, long rc)
{
	mio_b_bytes b = { buf, 0, heap };
	if (mio_b_set(rc) < 0) {
		if (heap)
			free(buf);
		b.p = NULL;
		b.heap = 0;
		return b;
	}
	b.n = (size_t)rc;
	return b;
}

void mio_b_bytes_free(mio_b_bytes *b)
{
	if (b->heap)
		free(b->p);
	b->p = NULL;
	b->heap = 0;
}

/* ---- Poll and Registry --------------------------------------------- */

static void sel_close_now(mio_b_sel *s)
{
	mio_poll_free(s->poll);
	s->poll = NULL;
}

void mio_bind_sel_unref(mio_b_sel *s)
{
	if (--s->refs == 0) {
		sel_close_now(s);
		free(s);
	}
}

mio_b_poll *mio_bind_poll_new(void)
{
	mio_b_poll *p = b_alloc(sizeof(*p));
	mio_b_sel *sel = p ? b_alloc(sizeof(*sel)) : NULL;
	if (sel == NULL || mio_b_set(mio_poll_new(&sel->poll)) < 0) {
		free(p);
		free(sel);
		return NULL;
	}
	sel->refs = 1;
	sel->waits = 0;
	sel->closed = false;
	p->sel = sel;
	return p;
}

void mio_bind_poll_delete(mio_b_poll *p)
{
	if (p->sel != NULL)
		mio_bind_sel_unref(p->sel);
	free(p);
}

void mio_bind_poll_close(mio_b_poll *p)
{
	mio_b_sel *sel = p->sel;
	if (sel == NULL)
		return;
	sel->closed = true;
	if (sel->waits == 0)
		sel_close_now(sel);  /* else the last wait does it */
	p->sel = NULL;
	mio_bind_sel_unref(sel);
}

mio_b_registry *mio_bind_poll_registry(mio_b_poll *p)
{
	if (p->sel == NULL) {
		mio_b_err = EBADF;
		return NULL;
	}
	mio_b_registry *r = b_alloc(sizeof(*r));
	if (r == NULL)
		return NULL;
	r->sel = p->sel;
	r->clone = NULL;
	r->sel->refs++;
	return r;
}

int mio_bind_poll_fd(mio_b_poll *p)
{
	if (p->sel == NULL)
		return (int)mio_b_set(-EBADF);
	return (int)mio_b_set(mio_poll_fd(p->sel->poll));
}

mio_b_sel *mio_bind_poll_wait_begin(mio_b_poll *p, mio_b_events *ev)
{
	mio_b_sel *sel = p->sel;
	if (sel == NULL) {
		mio_b_err = EBADF;
		return NULL;
	}
	if (ev != NULL && ev->busy) {
		mio_b_err = EBUSY;
		return NULL;
	}
	if (ev != NULL)
		ev->busy = 1;
	sel->refs++;
	sel->waits++;
	return sel;
}

static void events_free(mio_b_events *e)
{
	if (e->lang_free != NULL)
		e->lang_free(e->lang);
	mio_events_free(e->h);
	free(e);
}

void mio_bind_poll_wait_end(mio_b_sel *sel, mio_b_events *ev)
{
	if (ev != NULL) {
		ev->busy = 0;
		if (ev->dead)
			events_free(ev);
	}
	if (--sel->waits == 0 && sel->closed)
		sel_close_now(sel);
	mio_bind_sel_unref(sel);
}

void mio_bind_deadline(struct timespec *deadline, const struct timespec *timeout)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += timeout->tv_sec;
	deadline->tv_nsec += timeout->tv_nsec;
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
}

bool mio_bind_time_left(const struct timespec *deadline, struct timespec *left)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	left->tv_sec = deadline->tv_sec - now.tv_sec;
	left->tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (left->tv_nsec < 0) {
		left->tv_sec--;
		left->tv_nsec += 1000000000L;
	}
	return left->tv_sec > 0 || (left->tv_sec == 0 && left->tv_nsec > 0);
}

mio_registry *mio_bind_registry_h(mio_b_registry *r)
{
	if (r->sel == NULL || r->sel->closed) {
		mio_b_err = EBADF;
		return NULL;
	}
	return r->clone ? r->clone : mio_poll_registry(r->sel->poll);
}

mio_b_registry *mio_bind_registry_try_clone(mio_b_registry *r)
{
	mio_registry *h = mio_bind_registry_h(r);
	if (h == NULL)
		return NULL;
	mio_b_registry *c = b_alloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	if (mio_b_set(mio_registry_try_clone(h, &c->clone)) < 0) {
		free(c);
		return NULL;
	}
	c->sel = r->sel;
	c->sel->refs++;
	return c;
}

void mio_bind_registry_close(mio_b_registry *r)
{
	if (r->clone != NULL) {
		mio_registry_free(r->clone);
		r->clone = NULL;
	}
	if (r->sel != NULL) {
		mio_bind_sel_unref(r->sel);
		r->sel = NULL;
	}
}

void mio_bind_registry_delete(mio_b_registry *r)
{
	mio_bind_registry_close(r);
	free(r);
}

/* ---- Events and Event ---------------------------------------------- */

mio_b_events *mio_bind_events_new(size_t capacity)
{
	mio_b_events *o = b_alloc(sizeof(*o));
	if (o == NULL)
		return NULL;
	if (mio_b_set(mio_events_new(capacity, &o->h)) < 0) {
		free(o);
		return NULL;
	}
	o->busy = 0;
	o->dead = false;
	o->lang = NULL;
	o->lang_free = NULL;
	return o;
}

void mio_bind_events_delete(mio_b_events *e)
{
	if (e->busy)
		e->dead = true;  /* the wait in progress frees it */
	else
		events_free(e);
}

void mio_bind_event_copy(mio_b_event *dst, const mio_event *e)
{
	dst->token = mio_event_token(e);
	/* One call for every readiness bit (libmio 1.1) instead of eight. */
	dst->flags = mio_event_readiness(e);
}

mio_b_event *mio_bind_event_new(const mio_event *e)
{
	mio_b_event *ev = b_alloc(sizeof(*ev));
	if (ev != NULL)
		mio_bind_event_copy(ev, e);
	return ev;
}

void mio_bind_event_delete(mio_b_event *e)
{
	free(e);
}

/* ---- Waker --------------------------------------------------------- */

mio_b_waker *mio_bind_waker_new(mio_b_registry *r, mio_token token)
{
	mio_registry *h = mio_bind_registry_h(r);
	if (h == NULL)
		return NULL;
	mio_b_waker *o = b_alloc(sizeof(*o));
	if (o == NULL)
		return NULL;
	if (mio_b_set(mio_waker_new(h, token, &o->h)) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

void mio_bind_waker_delete(mio_b_waker *w)
{
	mio_waker_free(w->h);
	free(w);
}

void mio_bind_waker_close(mio_b_waker *w)
{
	mio_waker_free(w->h);
	w->h = NULL;
}

/* ---- SIGPIPE ------------------------------------------------------- */

void mio_bind_sigpipe_block(mio_b_sigpipe *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	g->pending_before = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

void mio_bind_sigpipe_unblock(mio_b_sigpipe *g, long rc)
{
	if (rc == -EPIPE && !g->pending_before) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		const struct timespec zero = { 0, 0 };
		int saved = errno;
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
		errno = saved;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ---- Socket and pipe objects --------------------------------------- */

#define MIO_B_HANDLE_DEF(T)                                                 \
	mio_b_##T *mio_bind_##T##_wrap(int rc, mio_##T *h)                     \
	{                                                                   \
		if (mio_b_set(rc) < 0)                                      \
			return NULL;                                        \
		mio_b_##T *o = b_alloc(sizeof(*o));                         \
		if (o == NULL) {                                            \
			mio_##T##_free(h);                                  \
			return NULL;                                        \
		}                                                           \
		o->h = h;                                                   \
		o->pending = NULL;                                          \
		o->calls = 0;                                               \
		o->blocking = false;                                        \
		return o;                                                   \
	}                                                                   \
	void mio_bind_##T##_delete(mio_b_##T *o)                               \
	{                                                                   \
		mio_##T##_free(o->h);                                       \
		mio_##T##_free(o->pending);                                 \
		free(o);                                                    \
	}                                                                   \
	void mio_bind_##T##_close(mio_b_##T *o)                                \
	{                                                                   \
		if (o->calls > 0 && o->h != NULL)                           \
			o->pending = o->h;  /* freed by the last call */    \
		else                                                        \
			mio_##T##_free(o->h);                               \
		o->h = NULL;                                                \
	}                                                                   \
	void mio_bind_##T##_call_end(mio_b_##T *o)                             \
	{                                                                   \
		if (--o->calls == 0 && o->pending != NULL) {                \
			mio_##T##_free(o->pending);                         \
			o->pending = NULL;                                  \
		}                                                           \
	}

MIO_B_HANDLE_TYPES(MIO_B_HANDLE_DEF)

/* Both objects or neither: a typemap then owns two fresh objects. */
#define MIO_B_PAIR_DONE(pair, rc, x, y, Tx, Ty)                             \
	do {                                                                \
		(pair).a = mio_bind_##Tx##_wrap((rc), (x));                    \
		if ((pair).a == NULL) {                                     \
			if ((rc) >= 0)                                      \
				mio_##Ty##_free(y);                         \
			break;                                              \
		}                                                           \
		(pair).b = mio_bind_##Ty##_wrap(0, (y));                       \
		if ((pair).b == NULL) {                                     \
			mio_bind_##Tx##_delete((pair).a);                      \
			(pair).a = NULL;                                    \
		}                                                           \
	} while (0)

mio_b_pair_pipe mio_bind_pipe_pair(void)
{
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	mio_b_pair_pipe p = { NULL, NULL };
	int rc = mio_pipe_new(&tx, &rx);
	MIO_B_PAIR_DONE(p, rc, tx, rx, pipe_sender, pipe_receiver);
	return p;
}

mio_b_pair_unix_stream mio_bind_unix_stream_pair(void)
{
	mio_unix_stream *a = NULL, *b = NULL;
	mio_b_pair_unix_stream p = { NULL, NULL };
	int rc = mio_unix_stream_pair(&a, &b);
	MIO_B_PAIR_DONE(p, rc, a, b, unix_stream, unix_stream);
	return p;
}

mio_b_pair_unix_datagram mio_bind_unix_datagram_pair(void)
{
	mio_unix_datagram *a = NULL, *b = NULL;
	mio_b_pair_unix_datagram p = { NULL, NULL };
	int rc = mio_unix_datagram_pair(&a, &b);
	MIO_B_PAIR_DONE(p, rc, a, b, unix_datagram, unix_datagram);
	return p;
}

/* ---- what repr() and tostring() show ------------------------------- */

void mio_bind_repr_fd(char *buf, const char *name, int fd)
{
	if (fd >= 0)
		snprintf(buf, MIO_B_REPR_MAX, "<mio.%s fd=%d>", name, fd);
	else
		snprintf(buf, MIO_B_REPR_MAX, "<mio.%s %s>", name, fd == -1 ? "closed" : "open");
}

void mio_bind_poll_repr(char *buf, const mio_b_poll *o)
{
	int fd = -1;
	if (o != NULL && o->sel != NULL && !o->sel->closed) {
		fd = mio_poll_fd(o->sel->poll);
		if (fd < 0)
			fd = -2;  /* the poll(2) backend has no fd: open */
	}
	mio_bind_repr_fd(buf, "Poll", fd);
}

void mio_bind_registry_repr(char *buf, const mio_b_registry *o)
{
	bool open = o != NULL && o->sel != NULL && !o->sel->closed;
	mio_bind_repr_fd(buf, "Registry", open ? -2 : -1);
}

void mio_bind_waker_repr(char *buf, const mio_b_waker *o)
{
	mio_bind_repr_fd(buf, "Waker", o != NULL && o->h != NULL ? -2 : -1);
}

void mio_bind_events_repr(char *buf, const mio_b_events *o)
{
	if (o == NULL)
		snprintf(buf, MIO_B_REPR_MAX, "<mio.Events closed>");
	else
		snprintf(buf, MIO_B_REPR_MAX, "<mio.Events len=%zu capacity=%zu>",
			 mio_events_len(o->h), mio_events_capacity(o->h));
}

void mio_bind_event_repr(char *buf, const mio_b_event *o)
{
	/* in the order of the MIO_EVENT_* bits */
	static const char *const names[] = {
		"readable", "writable", "aio", "lio",
		"priority", "error", "read_closed", "write_closed",
	};
	char flags[96] = "";
	size_t at = 0;
	if (o == NULL) {
		snprintf(buf, MIO_B_REPR_MAX, "<mio.Event closed>");
		return;
	}
	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (!(o->flags & (1u << k)))
			continue;
		at += (size_t)snprintf(flags + at, sizeof(flags) - at, "%s%s", at ? "|" : "", names[k]);
	}
	snprintf(buf, MIO_B_REPR_MAX, "Event(token=%llu, %s)", (unsigned long long)o->token,
		 at ? flags : "-");
}
