/*
 * check_binding.c - the C support code of the bindings (mio_binding.c),
 * tested without any interpreter: object life cycles in every order a
 * garbage collector may pick, closed objects, the scratch buffer, the
 * address conversions, and every allocation failing in turn.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include "mio_binding.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- allocation failure injection (MIO_B_MALLOC) -------------------- */

static int alloc_fail_at;  /* fail the Nth allocation from now; 0: never */
static int alloc_count;

void *check_binding_malloc(size_t n);
void *check_binding_malloc(size_t n)
{
	if (alloc_fail_at > 0 && ++alloc_count == alloc_fail_at)
		return NULL;
	return malloc(n);
}

static void fail_alloc(int nth)
{
	alloc_fail_at = nth;
	alloc_count = 0;
}

/* ---- fixtures ------------------------------------------------------ */

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static int fds_at_start;

static void setup(void)
{
	fds_at_start = count_fds();
	mio_b_err = 0;
	fail_alloc(0);
}

static void teardown(void)
{
	ck_assert_int_eq(count_fds(), fds_at_start);
}

/* A call that must fail with mio_b_err == e. */
#define ck_assert_b_err(call, e)                                            \
	do {                                                                \
		mio_b_err = 0;                                              \
		(void)(call);                                               \
		ck_assert_msg(mio_b_err == (e), "%s: mio_b_err %d, want %d", \
			      #call, mio_b_err, (e));                       \
	} while (0)

/* ---- error state and addresses ------------------------------------- */

START_TEST(test_set_records_only_failures)
{
	mio_b_err = 0;
	ck_assert_int_eq(mio_b_set(5), 5);
	ck_assert_int_eq(mio_b_err, 0);
	ck_assert_int_eq(mio_b_set(-EAGAIN), -EAGAIN);
	ck_assert_int_eq(mio_b_err, EAGAIN);
}
END_TEST

START_TEST(test_addr_un_clamps_and_fails)
{
	struct sockaddr_un un;
	memset(&un, 'x', sizeof(un));
	un.sun_family = AF_UNIX;
	mio_b_addr a = mio_b_addr_un(0, &un, (socklen_t)sizeof(un) + 100);
	ck_assert_int_eq(a.len, sizeof(un));
	ck_assert_int_eq(a.ss.ss_family, AF_UNIX);
	a = mio_b_addr_un(0, &un, 0);  /* unnamed peer: family only */
	ck_assert_int_eq(a.len, 0);
	ck_assert_int_eq(a.ss.ss_family, AF_UNIX);
	mio_b_err = 0;
	a = mio_b_addr_un(-ENOTCONN, &un, sizeof(un));
	ck_assert_int_eq(mio_b_err, ENOTCONN);
	ck_assert_int_eq(a.len, sizeof(a.ss));
	ck_assert_int_eq(a.ss.ss_family, AF_UNSPEC);
}
END_TEST

START_TEST(test_inet_pton4)
{
	struct in_addr in;
	ck_assert_int_eq(mio_b_inet_pton4(NULL, &in), 0);
	ck_assert_uint_eq(in.s_addr, htonl(INADDR_ANY));
	ck_assert_int_eq(mio_b_inet_pton4("", &in), 0);
	ck_assert_int_eq(mio_b_inet_pton4("224.0.0.1", &in), 0);
	ck_assert_uint_eq(in.s_addr, htonl(0xe0000001));
	ck_assert_int_eq(mio_b_inet_pton4("224.0.0", &in), -EINVAL);
	ck_assert_int_eq(mio_b_inet_pton4("::1", &in), -EINVAL);
}
END_TEST

START_TEST(test_unaddr_path_abstract_and_limits)
{
	struct sockaddr_un un;
	socklen_t len;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	ck_assert_int_eq(mio_b_unaddr("/tmp/x", 6, &un, &len), 0);
	ck_assert_int_eq(len, off + 7);
	ck_assert_str_eq(un.sun_path, "/tmp/x");
	ck_assert_int_eq(un.sun_family, AF_UNIX);
	/* Abstract: exact length, NULs inside allowed. */
	ck_assert_int_eq(mio_b_unaddr("\0a\0b", 4, &un, &len), 0);
	ck_assert_int_eq(len, off + 4);
	ck_assert_mem_eq(un.sun_path, "\0a\0b", 4);
	/* "" is unnamed: family only, so bind autobinds (finding 5). */
	ck_assert_int_eq(mio_b_unaddr("", 0, &un, &len), 0);
	ck_assert_int_eq(len, off);
	/* A path with a NUL inside would be cut short by the kernel. */
	ck_assert_int_eq(mio_b_unaddr("/tmp/x\0y", 8, &un, &len), -EINVAL);
	char big[sizeof(un.sun_path) + 1];
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(mio_b_unaddr(big, sizeof(un.sun_path) - 1, &un, &len), 0);
	ck_assert_int_eq(mio_b_unaddr(big, sizeof(un.sun_path), &un, &len), -ENAMETOOLONG);
	big[0] = '\0';
	ck_assert_int_eq(mio_b_unaddr(big, sizeof(un.sun_path), &un, &len), 0);
	ck_assert_int_eq(mio_b_unaddr(big, sizeof(un.sun_path) + 1, &un, &len), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_deadline_and_time_left)
{
	struct timespec d, left, t = { 0, 999999999L };
	mio_bind_deadline(&d, &t);
	ck_assert_int_ge(d.tv_nsec, 0);
	ck_assert_int_lt(d.tv_nsec, 1000000000L);
	ck_assert(mio_bind_time_left(&d, &left));
	ck_assert(left.tv_sec == 0 && left.tv_nsec > 0 && left.tv_nsec <= 999999999L);
	t.tv_sec = 0;
	t.tv_nsec = 20000000L;  /* 20 ms */
	mio_bind_deadline(&d, &t);
	struct timespec nap = { 0, 30000000L };
	nanosleep(&nap, NULL);
	ck_assert(!mio_bind_time_left(&d, &left));
	t.tv_sec = 100;
	t.tv_nsec = 0;
	mio_bind_deadline(&d, &t);
	ck_assert(mio_bind_time_left(&d, &left));
	ck_assert(left.tv_sec == 99 || left.tv_sec == 100);
}
END_TEST

/* ---- scratch buffer ------------------------------------------------ */

/* The unnamed address really autobinds, any number of times. */
START_TEST(test_unaddr_empty_autobinds)
{
	struct sockaddr_un un;
	socklen_t len;
	mio_unix_datagram *d[2] = { NULL, NULL };
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(mio_b_unaddr("", 0, &un, &len), 0);
		ck_assert_int_eq(mio_unix_datagram_bind_addr(&un, len, &d[i]), 0);
		len = sizeof(un);
		ck_assert_int_eq(mio_unix_datagram_local_addr(d[i], &un, &len), 0);
		/* Linux: "\0" and five hex digits. */
		ck_assert_int_eq(len, offsetof(struct sockaddr_un, sun_path) + 6);
		ck_assert_int_eq(un.sun_path[0], '\0');
	}
	mio_unix_datagram_free(d[0]);
	mio_unix_datagram_free(d[1]);
}
END_TEST

START_TEST(test_buf_scratch_then_heap)
{
	int heap;
	char *a = mio_b_buf(10, &heap);
	ck_assert_int_eq(heap, 0);
	char *b = mio_b_buf(MIO_B_SCRATCH, &heap);
	ck_assert_int_eq(heap, 0);
	ck_assert_ptr_eq(a, b);  /* one scratch per thread */
	memset(b, 1, MIO_B_SCRATCH);
	char *c = mio_b_buf(MIO_B_SCRATCH + 1, &heap);
	ck_assert_int_eq(heap, 1);
	memset(c, 2, MIO_B_SCRATCH + 1);
	mio_b_bytes r = mio_b_bytes_done(c, heap, 3);
	ck_assert_ptr_eq(r.p, c);
	ck_assert_uint_eq(r.n, 3);
	mio_b_bytes_free(&r);
	ck_assert_ptr_null(r.p);
	mio_b_bytes_free(&r);  /* twice is harmless */
	/* A failed read frees the heap buffer itself (LSan checks). */
	c = mio_b_buf(1 << 20, &heap);
	mio_b_err = 0;
	r = mio_b_bytes_done(c, heap, -EAGAIN);
	ck_assert_ptr_null(r.p);
	ck_assert_int_eq(r.heap, 0);
	ck_assert_int_eq(mio_b_err, EAGAIN);
	mio_b_bytes_free(&r);
	/* A failed read into scratch leaves nothing to free. */
	r = mio_b_bytes_done(a, 0, -EBADF);
	ck_assert_ptr_null(r.p);
}
END_TEST

START_TEST(test_buf_heap_enomem)
{
	int heap;
	fail_alloc(1);
	mio_b_err = 0;
	ck_assert_ptr_null(mio_b_buf(MIO_B_SCRATCH * 2, &heap));
	ck_assert_int_eq(mio_b_err, ENOMEM);
}
END_TEST

/* ---- Poll, Registry, wait ------------------------------------------ */

/* Some readiness on a pipe, registered on r with token tok. */
static mio_b_pair_pipe ready_pipe(mio_b_registry *r, mio_token tok)
{
	mio_b_pair_pipe pp = mio_bind_pipe_pair();
	ck_assert_ptr_nonnull(pp.a);
	ck_assert_ptr_nonnull(pp.b);
	ck_assert_int_eq(mio_registry_register(mio_bind_registry_h(r),
					       mio_pipe_receiver_fd(pp.b->h), tok,
					       MIO_READABLE), 0);
	ck_assert_int_eq(mio_pipe_sender_write(pp.a->h, "x", 1), 1);
	return pp;
}

static int wait_now(mio_b_poll *p, mio_b_events *ev)
{
	mio_b_sel *sel = mio_bind_poll_wait_begin(p, ev);
	if (sel == NULL)
		return -mio_b_err;
	struct timespec ts = { 1, 0 };
	int rc = mio_poll_wait(sel->poll, ev->h, &ts);
	mio_bind_poll_wait_end(sel, ev);
	return rc;
}

START_TEST(test_poll_registry_wait_events)
{
	mio_b_poll *p = mio_bind_poll_new();
	ck_assert_ptr_nonnull(p);
	mio_b_registry *r = mio_bind_poll_registry(p);
	ck_assert_ptr_nonnull(r);
	mio_b_events *ev = mio_bind_events_new(8);
	ck_assert_ptr_nonnull(ev);
	mio_b_pair_pipe pp = ready_pipe(r, 77);
	ck_assert_int_eq(wait_now(p, ev), 1);
	mio_b_event *e = mio_bind_event_new(mio_events_get(ev->h, 0));
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->token, 77);
	ck_assert(e->flags & MIO_B_EV_READABLE);
	ck_assert(!(e->flags & MIO_B_EV_WRITABLE));
	/* The copy outlives the buffer it came from. */
	mio_bind_events_delete(ev);
	ck_assert_uint_eq(e->token, 77);
	mio_bind_event_delete(e);
	if (strcmp(mio_backend(), "epoll") == 0)
		ck_assert_int_ge(mio_bind_poll_fd(p), 0);
	mio_bind_pipe_sender_delete(pp.a);
	mio_bind_pipe_receiver_delete(pp.b);
	mio_bind_registry_delete(r);
	mio_bind_poll_delete(p);
}
END_TEST

/* The Poll object goes first (a GC's choice): its Registry still works
 * and the selector goes with the last holder. */
START_TEST(test_registry_outlives_poll)
{
	mio_b_poll *p = mio_bind_poll_new();
	mio_b_registry *r = mio_bind_poll_registry(p);
	mio_b_registry *clone = mio_bind_registry_try_clone(r);
	ck_assert_ptr_nonnull(clone);
	mio_bind_poll_delete(p);
	mio_b_pair_pipe pp = ready_pipe(r, 1);
	ck_assert_int_eq(mio_registry_deregister(mio_bind_registry_h(clone),
						 mio_pipe_receiver_fd(pp.b->h)), 0);
	mio_bind_registry_delete(r);
	mio_bind_registry_delete(clone);
	mio_bind_pipe_sender_delete(pp.a);
	mio_bind_pipe_receiver_delete(pp.b);
}
END_TEST

START_TEST(test_closed_poll_is_ebadf)
{
	mio_b_poll *p = mio_bind_poll_new();
	mio_b_events *ev = mio_bind_events_new(4);
	mio_b_registry *r = mio_bind_poll_registry(p);
	mio_b_registry *c = mio_bind_registry_try_clone(r);
	ck_assert_ptr_nonnull(c);
	int before = count_fds();
	mio_bind_poll_close(p);
	/* The selector is closed now, Registry objects alive or not. */
	if (strcmp(mio_backend(), "epoll") == 0)
		ck_assert_int_eq(count_fds(), before - 1);
	ck_assert_b_err(mio_bind_registry_h(r), EBADF);
	ck_assert_b_err(mio_bind_registry_h(c), EBADF);
	ck_assert_b_err(mio_bind_registry_try_clone(r), EBADF);
	ck_assert_b_err(mio_bind_waker_new(r, 1), EBADF);
	mio_bind_registry_delete(c);
	mio_bind_registry_close(r);
	mio_bind_registry_close(r);  /* twice is fine */
	ck_assert_b_err(mio_bind_registry_h(r), EBADF);
	mio_bind_registry_delete(r);
	mio_bind_poll_close(p);  /* twice is fine */
	ck_assert_b_err(mio_bind_poll_registry(p), EBADF);
	ck_assert_b_err(mio_bind_poll_fd(p), EBADF);
	ck_assert_int_eq(wait_now(p, ev), -EBADF);
	mio_bind_events_delete(ev);
	mio_bind_poll_delete(p);
}
END_TEST

/* A wait holds the selector: the Poll can go meanwhile. */
START_TEST(test_wait_holds_selector_and_events)
{
	mio_b_poll *p = mio_bind_poll_new();
	mio_b_events *ev = mio_bind_events_new(4);
	mio_b_events *ev2 = mio_bind_events_new(4);
	mio_b_sel *sel = mio_bind_poll_wait_begin(p, ev);
	ck_assert_ptr_nonnull(sel);
	ck_assert_int_eq(sel->refs, 2);
	/* The same Events cannot be filled by two waits at once. */
	ck_assert_b_err(mio_bind_poll_wait_begin(p, ev), EBUSY);
	mio_b_sel *sel2 = mio_bind_poll_wait_begin(p, ev2);
	ck_assert_ptr_eq(sel2, sel);
	mio_bind_poll_wait_end(sel2, ev2);
	/* Another thread destroys the Poll and the Events meanwhile. */
	mio_bind_poll_delete(p);
	mio_bind_events_delete(ev);
	ck_assert_int_eq(sel->refs, 1);
	struct timespec zero = { 0, 0 };
	ck_assert_int_eq(mio_poll_wait(sel->poll, ev->h, &zero), 0);
	mio_bind_poll_wait_end(sel, ev);  /* frees both: LSan and ASan check */
	mio_bind_events_delete(ev2);
}
END_TEST

/* close() while another thread waits: the selector stays until the
 * wait returns, then goes at once. */
START_TEST(test_close_during_wait)
{
	mio_b_poll *p = mio_bind_poll_new();
	mio_b_registry *r = mio_bind_poll_registry(p);
	mio_b_events *ev = mio_bind_events_new(4);
	mio_b_sel *sel = mio_bind_poll_wait_begin(p, ev);
	mio_bind_poll_close(p);
	ck_assert_ptr_nonnull(sel->poll);
	ck_assert_b_err(mio_bind_registry_h(r), EBADF);
	struct timespec zero = { 0, 0 };
	ck_assert_int_eq(mio_poll_wait(sel->poll, ev->h, &zero), 0);
	mio_bind_poll_wait_end(sel, ev);
	ck_assert_ptr_null(sel->poll);  /* r still holds the struct */
	mio_bind_registry_delete(r);
	mio_bind_poll_delete(p);
	mio_bind_events_delete(ev);
}
END_TEST

/* A wait into the caller's own memory (Poll.wait): begin and end with no
 * Events hold the selector only; two such waits may overlap (the library
 * answers EBUSY to the second), and a close in the middle frees the
 * selector when the last of them ends. */
START_TEST(test_wait_without_events)
{
	mio_b_poll *p = mio_bind_poll_new();
	mio_b_sel *sel = mio_bind_poll_wait_begin(p, NULL);
	ck_assert_ptr_nonnull(sel);
	ck_assert_int_eq(sel->refs, 2);
	ck_assert_int_eq(sel->waits, 1);
	mio_b_sel *sel2 = mio_bind_poll_wait_begin(p, NULL);
	ck_assert_ptr_eq(sel2, sel);
	ck_assert_int_eq(sel->waits, 2);
	mio_raw_event out[4];
	struct timespec zero = { 0, 0 };
	ck_assert_int_eq(mio_poll_wait_raw(sel->poll, out, 4, &zero), 0);
	mio_bind_poll_wait_end(sel2, NULL);
	mio_bind_poll_close(p);
	ck_assert_ptr_nonnull(sel->poll);  /* one wait still in progress */
	ck_assert_b_err(mio_bind_poll_wait_begin(p, NULL), EBADF);
	mio_bind_poll_delete(p);
	ck_assert_int_eq(sel->refs, 1);
	mio_bind_poll_wait_end(sel, NULL);  /* frees the selector: LSan checks */
}
END_TEST

START_TEST(test_waker_and_close)
{
	mio_b_poll *p = mio_bind_poll_new();
	mio_b_registry *r = mio_bind_poll_registry(p);
	mio_b_events *ev = mio_bind_events_new(4);
	mio_b_waker *w = mio_bind_waker_new(r, 9);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(mio_waker_wake(w->h), 0);
	ck_assert_int_eq(wait_now(p, ev), 1);
	ck_assert_uint_eq(mio_event_token(mio_events_get(ev->h, 0)), 9);
	mio_bind_waker_close(w);
	ck_assert_ptr_null(w->h);
	mio_bind_waker_close(w);
	mio_bind_waker_delete(w);
	mio_bind_events_delete(ev);
	mio_bind_registry_delete(r);
	mio_bind_poll_delete(p);
}
END_TEST

/* ---- SIGPIPE ------------------------------------------------------- */

static bool sigpipe_pending(void)
{
	sigset_t p;
	sigemptyset(&p);
	sigpending(&p);
	return sigismember(&p, SIGPIPE) == 1;
}

static bool sigpipe_blocked(void)
{
	sigset_t m;
	pthread_sigmask(SIG_BLOCK, NULL, &m);
	return sigismember(&m, SIGPIPE) == 1;
}

/* With SIGPIPE's default action (it would kill this test), a guarded
 * write to a pipe without a reader is -EPIPE and leaves no trace. */
START_TEST(test_sigpipe_guard)
{
	signal(SIGPIPE, SIG_DFL);
	mio_b_pair_pipe pp = mio_bind_pipe_pair();
	mio_bind_pipe_receiver_delete(pp.b);
	mio_b_sigpipe g;
	mio_bind_sigpipe_block(&g);
	ck_assert(sigpipe_blocked());
	long rc = mio_pipe_sender_write(pp.a->h, "x", 1);
	ck_assert_int_eq(rc, -EPIPE);
	mio_bind_sigpipe_unblock(&g, rc);
	ck_assert(!sigpipe_blocked());
	ck_assert(!sigpipe_pending());
	/* A SIGPIPE pending before the write is not ours to take. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	raise(SIGPIPE);
	mio_bind_sigpipe_block(&g);
	rc = mio_pipe_sender_write(pp.a->h, "x", 1);
	mio_bind_sigpipe_unblock(&g, rc);
	ck_assert(sigpipe_blocked());  /* the caller's mask is back */
	ck_assert(sigpipe_pending());
	const struct timespec zero = { 0, 0 };
	ck_assert_int_eq(sigtimedwait(&set, NULL, &zero), SIGPIPE);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	mio_bind_pipe_sender_delete(pp.a);
}
END_TEST

/* ---- handles and pairs --------------------------------------------- */

START_TEST(test_handle_wrap_close_delete)
{
	mio_b_err = 0;
	ck_assert_ptr_null(mio_bind_tcp_stream_wrap(-ECONNREFUSED, NULL));
	ck_assert_int_eq(mio_b_err, ECONNREFUSED);
	mio_b_pair_unix_stream sp = mio_bind_unix_stream_pair();
	ck_assert_ptr_nonnull(sp.a);
	ck_assert_ptr_nonnull(sp.b);
	mio_bind_unix_stream_close(sp.a);
	ck_assert_ptr_null(sp.a->h);
	mio_bind_unix_stream_close(sp.a);  /* twice is fine */
	mio_bind_unix_stream_delete(sp.a);
	mio_bind_unix_stream_delete(sp.b);
	mio_b_pair_unix_datagram dp = mio_bind_unix_datagram_pair();
	ck_assert_ptr_nonnull(dp.a);
	mio_bind_unix_datagram_delete(dp.a);
	mio_bind_unix_datagram_delete(dp.b);
}
END_TEST

/* Every allocation of every constructor fails in turn: NULL (or an
 * empty pair) with ENOMEM, nothing leaked (fds: teardown; memory: LSan). */
START_TEST(test_every_allocation_fails_cleanly)
{
	mio_b_poll *keep = mio_bind_poll_new();
	mio_b_registry *kr = mio_bind_poll_registry(keep);
	mio_b_events *kev = mio_bind_events_new(2);
	mio_b_waker *kw = mio_bind_waker_new(kr, 3);
	ck_assert_int_eq(mio_waker_wake(kw->h), 0);
	ck_assert_int_eq(wait_now(keep, kev), 1);
	for (int nth = 1; nth <= 3; nth++) {
		fail_alloc(nth);
		mio_b_err = 0;
		mio_b_poll *p = mio_bind_poll_new();
		if (p == NULL)
			ck_assert_int_eq(mio_b_err, ENOMEM);
		else
			mio_bind_poll_delete(p);
#define TRY(ctor, del)                                                      \
	do {                                                                \
		fail_alloc(nth);                                            \
		mio_b_err = 0;                                              \
		void *o = (void *)(ctor);                                   \
		if (o == NULL)                                              \
			ck_assert_int_eq(mio_b_err, ENOMEM);                \
		else                                                        \
			del(o);                                             \
	} while (0)
		TRY(mio_bind_poll_registry(keep), mio_bind_registry_delete);
		TRY(mio_bind_registry_try_clone(kr), mio_bind_registry_delete);
		TRY(mio_bind_events_new(4), mio_bind_events_delete);
		TRY(mio_bind_waker_new(kr, 1), mio_bind_waker_delete);
		TRY(mio_bind_event_new(mio_events_get(kev->h, 0)), mio_bind_event_delete);
#undef TRY
		fail_alloc(nth);
		mio_b_pair_pipe pp = mio_bind_pipe_pair();
		ck_assert((pp.a == NULL) == (pp.b == NULL));
		if (pp.a != NULL) {
			mio_bind_pipe_sender_delete(pp.a);
			mio_bind_pipe_receiver_delete(pp.b);
		}
		fail_alloc(nth);
		mio_b_pair_unix_stream sp = mio_bind_unix_stream_pair();
		ck_assert((sp.a == NULL) == (sp.b == NULL));
		if (sp.a != NULL) {
			mio_bind_unix_stream_delete(sp.a);
			mio_bind_unix_stream_delete(sp.b);
		}
		fail_alloc(nth);
		mio_b_pair_unix_datagram dp = mio_bind_unix_datagram_pair();
		ck_assert((dp.a == NULL) == (dp.b == NULL));
		if (dp.a != NULL) {
			mio_bind_unix_datagram_delete(dp.a);
			mio_bind_unix_datagram_delete(dp.b);
		}
	}
	fail_alloc(0);
	mio_bind_waker_delete(kw);
	mio_bind_events_delete(kev);
	mio_bind_registry_delete(kr);
	mio_bind_poll_delete(keep);
}
END_TEST

static TCase *tcase(const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	return tc;
}

int main(void)
{
	Suite *s = suite_create("binding");
	TCase *tc = tcase("support");
	tcase_add_test(tc, test_set_records_only_failures);
	tcase_add_test(tc, test_addr_un_clamps_and_fails);
	tcase_add_test(tc, test_inet_pton4);
	tcase_add_test(tc, test_unaddr_path_abstract_and_limits);
	tcase_add_test(tc, test_unaddr_empty_autobinds);
	tcase_add_test(tc, test_deadline_and_time_left);
	tcase_add_test(tc, test_buf_scratch_then_heap);
	tcase_add_test(tc, test_buf_heap_enomem);
	suite_add_tcase(s, tc);
	tc = tcase("objects");
	tcase_add_test(tc, test_poll_registry_wait_events);
	tcase_add_test(tc, test_registry_outlives_poll);
	tcase_add_test(tc, test_closed_poll_is_ebadf);
	tcase_add_test(tc, test_close_during_wait);
	tcase_add_test(tc, test_wait_holds_selector_and_events);
	tcase_add_test(tc, test_wait_without_events);
	tcase_add_test(tc, test_waker_and_close);
	tcase_add_test(tc, test_handle_wrap_close_delete);
	tcase_add_test(tc, test_sigpipe_guard);
	tcase_add_test(tc, test_every_allocation_fails_cleanly);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
