/*
 * check_poll.c - mio_poll: lifecycle, timeouts, signals, capacity,
 * edge-triggered delivery, and what closing a registered fd does.
 *
 * Sources are mio_unix_stream pairs read and written through the library,
 * so the same tests hold on the epoll and the poll(2) backend (which
 * re-arms a source when the library's own I/O sees -EAGAIN).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <limits.h>
#include <stdint.h>
#include <unistd.h>

/* The largest time_t: 2^31-1 where time_t is 32-bit (i386 without
 * _TIME_BITS=64), 2^63-1 elsewhere.  time_t is a signed integer type on
 * every target libmio builds for. */
#define TIME_T_MAX ((time_t)(((uintmax_t)1 << (sizeof(time_t) * CHAR_BIT - 1)) - 1))

static mio_poll *p;
static mio_events *ev;

static void setup(void)
{
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(16, &ev));
}

static void teardown(void)
{
	mio_events_free(ev);
	mio_poll_free(p);
}

static TCase *poll_tcase(const char *name)
{
	TCase *tc = mio_tcase(name);
	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

/* Read until -EAGAIN, returning the bytes read. */
static size_t drain(mio_unix_stream *s)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;
	while ((n = mio_unix_stream_read(s, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	ck_assert_errno(n, EAGAIN);
	return total;
}

START_TEST(test_poll_new_and_free)
{
	mio_poll *q = NULL;
	ck_assert_ok(mio_poll_new(&q));
	ck_assert_ptr_nonnull(q);
	mio_poll_free(q);
	mio_poll_free(NULL);
	ck_assert_errno(mio_poll_new(NULL), EINVAL);
}
END_TEST

START_TEST(test_poll_registry_is_borrowed)
{
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_eq(r, mio_poll_registry(p));
	ck_assert_ptr_null(mio_poll_registry(NULL));
	/* Freeing the poll's own registry is a no-op: the poll still works. */
	mio_registry_free(r);
	struct timespec zero = { 0, 0 };
	ck_assert_int_eq(mio_poll_wait(p, ev, &zero), 0);
}
END_TEST

START_TEST(test_poll_fd_is_pollable_epoll_fd)
{
	int fd = mio_poll_fd(p);
	if (strcmp(mio_backend(), "poll") == 0) {
		ck_assert_errno(fd, EOPNOTSUPP);
		return;
	}
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	/* The selector fd itself becomes readable when a source is ready, so a
	 * libmio loop can nest inside another event loop. */
	mio_unix_stream *a, *b;
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_stream_fd(a), 1, MIO_READABLE));
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(mio_unix_stream_write(b, "x", 1), 1);
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert(pfd.revents & POLLIN);
	ck_assert_errno(mio_poll_fd(NULL), EINVAL);
	mio_unix_stream_free(a);
	mio_unix_stream_free(b);
}
END_TEST

START_TEST(test_poll_wait_zero_timeout_returns_at_once)
{
	struct timespec zero = { 0, 0 };
	double t0 = mio_test_now_ms();
	ck_assert_int_eq(mio_poll_wait(p, ev, &zero), 0);
	ck_assert(mio_events_is_empty(ev));
	ck_assert_double_lt(mio_test_now_ms() - t0, 1000.0);
}
END_TEST

START_TEST(test_poll_wait_timeout_elapses)
{
	struct timespec t = { 0, 50 * 1000000L };
	double t0 = mio_test_now_ms();
	ck_assert_int_eq(mio_poll_wait(p, ev, &t), 0);
	ck_assert_double_ge(mio_test_now_ms() - t0, 49.0);
}
END_TEST

/* A 1 ns timeout must sleep (at least 1 ms), not spin at 0: twenty of
 * them take at least ~20 ms. */
START_TEST(test_poll_wait_submillisecond_rounds_up)
{
	struct timespec t = { 0, 1 };
	double t0 = mio_test_now_ms();
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(mio_poll_wait(p, ev, &t), 0);
	ck_assert_double_ge(mio_test_now_ms() - t0, 19.0);
}
END_TEST

START_TEST(test_poll_wait_rejects_bad_timeout)
{
	struct timespec bad[] = { { -1, 0 }, { 0, -1 }, { 0, 1000000000L }, { 1, 2000000000L } };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_errno(mio_poll_wait(p, ev, &bad[i]), EINVAL);
	ck_assert_int_eq(mio_events_len(ev), 0);
	struct timespec zero = { 0, 0 };
	ck_assert_errno(mio_poll_wait(NULL, ev, &zero), EINVAL);
	ck_assert_errno(mio_poll_wait(p, NULL, &zero), EINVAL);
}
END_TEST

/* A huge timeout is clamped, not refused: it still returns on an event. */
START_TEST(test_poll_wait_huge_timeout_is_clamped)
{
	mio_waker *w;
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 9, &w));
	ck_assert_ok(mio_waker_wake(w));
	struct timespec huge = { TIME_T_MAX, 999999999L };
	ck_assert(huge.tv_sec > 0);  /* not (time_t)INT64_MAX: -1 with a 32-bit time_t */
	ck_assert_int_eq(mio_poll_wait(p, ev, &huge), 1);
	ck_assert_uint_eq(mio_event_token(mio_events_get(ev, 0)), 9);
	mio_waker_free(w);
}
END_TEST

static void on_usr1(int sig) { (void)sig; }

static void *send_usr1(void *arg)
{
	usleep(50 * 1000);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

/* A signal interrupts the wait with -EINTR; it is not retried inside. */
START_TEST(test_poll_wait_interrupted_by_signal)
{
	struct sigaction sa = { .sa_handler = on_usr1 };  /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	pthread_t self = pthread_self(), th;
	ck_assert_int_eq(pthread_create(&th, NULL, send_usr1, &self), 0);
	struct timespec t = { 10, 0 };
	ck_assert_errno(mio_poll_wait(p, ev, &t), EINTR);
	ck_assert_int_eq(mio_events_len(ev), 0);
	pthread_join(th, NULL);
}
END_TEST

/* Each wait starts from an empty buffer. */
START_TEST(test_poll_wait_clears_events)
{
	mio_waker *w;
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 1, &w));
	ck_assert_ok(mio_waker_wake(w));
	struct timespec t = { 5, 0 }, zero = { 0, 0 };
	ck_assert_int_eq(mio_poll_wait(p, ev, &t), 1);
	ck_assert_int_eq(mio_events_len(ev), 1);
	ck_assert_int_eq(mio_poll_wait(p, ev, &zero), 0);
	ck_assert_int_eq(mio_events_len(ev), 0);
	ck_assert_ptr_null(mio_events_get(ev, 0));
	mio_waker_free(w);
}
END_TEST

/* More ready sources than the buffer holds: the rest come with the next
 * waits, none is lost. */
START_TEST(test_poll_events_beyond_capacity_come_next)
{
	enum { N = 5 };
	mio_unix_stream *a[N], *b[N];
	mio_events *small;
	ck_assert_ok(mio_events_new(2, &small));
	for (int i = 0; i < N; i++) {
		ck_assert_ok(mio_unix_stream_pair(&a[i], &b[i]));
		ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_stream_fd(a[i]),
						   (mio_token)(100 + i), MIO_READABLE));
		ck_assert_int_eq(mio_unix_stream_write(b[i], "x", 1), 1);
	}
	unsigned seen = 0;
	struct timespec t = { 5, 0 };
	for (int round = 0; round < 3; round++) {
		int n = mio_poll_wait(p, small, &t);
		ck_assert_int_ge(n, 1);
		ck_assert_int_le(n, 2);
		for (int i = 0; i < n; i++) {
			mio_token tok = mio_event_token(mio_events_get(small, (size_t)i));
			ck_assert(tok >= 100 && tok < 100 + N);
			ck_assert_msg(!(seen & (1u << (tok - 100))), "token %ju twice", (uintmax_t)tok);
			seen |= 1u << (tok - 100);
		}
	}
	ck_assert_uint_eq(seen, (1u << N) - 1);
	for (int i = 0; i < N; i++) {
		mio_unix_stream_free(a[i]);
		mio_unix_stream_free(b[i]);
	}
	mio_events_free(small);
}
END_TEST

/* Edge-triggered: one event per readiness transition.  Not draining means
 * no further event; draining to -EAGAIN and new data means a new one. */
START_TEST(test_poll_edge_triggered_delivery)
{
	mio_unix_stream *a, *b;
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_stream_fd(a), 7, MIO_READABLE));

	ck_assert_int_eq(mio_unix_stream_write(b, "hello", 5), 5);
	struct mio_test_event got;
	ck_assert(mio_test_wait_for(p, ev, 7, 5000, &got));
	ck_assert(got.readable);
	ck_assert(!got.writable);
	/* Still readable, but no new edge: no event. */
	mio_test_expect_no_event(p, ev, 7, 50);

	ck_assert_uint_eq(drain(a), 5);
	mio_test_expect_no_event(p, ev, 7, 50);
	ck_assert_int_eq(mio_unix_stream_write(b, "again", 5), 5);
	ck_assert(mio_test_wait_for(p, ev, 7, 5000, &got));
	ck_assert(got.readable);
	ck_assert_uint_eq(drain(a), 5);

	mio_unix_stream_free(a);
	mio_unix_stream_free(b);
}
END_TEST

/* Data that arrives after a drain and before the next wait is not lost. */
START_TEST(test_poll_no_lost_wakeup_between_drain_and_wait)
{
	mio_unix_stream *a, *b;
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_stream_fd(a), 3, MIO_READABLE));
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(mio_unix_stream_write(b, "z", 1), 1);
		ck_assert(mio_test_wait_for(p, ev, 3, 5000, NULL));
		ck_assert_uint_eq(drain(a), 1);
	}
	mio_unix_stream_free(a);
	mio_unix_stream_free(b);
}
END_TEST

/* A source registered for both gets both, with the peer's close seen as
 * read_closed. */
START_TEST(test_poll_peer_close_is_read_closed)
{
	mio_unix_stream *a, *b;
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_stream_fd(a), 4,
					   MIO_READABLE | MIO_WRITABLE));
	struct mio_test_event got;
	ck_assert(mio_test_wait_for(p, ev, 4, 5000, &got));
	ck_assert(got.writable);
	ck_assert(!got.read_closed);
	mio_unix_stream_free(b);
	ck_assert(mio_test_wait_for(p, ev, 4, 5000, &got));
	ck_assert(got.readable);
	ck_assert(got.read_closed);
	char c;
	ck_assert_int_eq(mio_unix_stream_read(a, &c, 1), 0);  /* EOF */
	mio_unix_stream_free(a);
}
END_TEST

/* An fd closed without deregistering produces no more events, whether the
 * handle is freed or the raw fd is closed by hand. */
START_TEST(test_poll_close_without_deregister_stops_events)
{
	mio_unix_stream *a, *b, *c, *d;
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_ok(mio_unix_stream_pair(&c, &d));
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(a), 11, MIO_READABLE));
	ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(c), 12, MIO_READABLE));

	mio_unix_stream_free(a);                  /* library close */
	close(mio_unix_stream_into_fd(c));        /* raw close */
	ck_assert_int_eq(mio_unix_stream_write(b, "x", 1), -EPIPE);
	ck_assert_int_eq(mio_unix_stream_write(d, "x", 1), -EPIPE);
	struct timespec t = { 0, 100 * 1000000L };
	int n = mio_poll_wait(p, ev, &t);
	ck_assert_int_eq(n, 0);
	mio_unix_stream_free(b);
	mio_unix_stream_free(d);
}
END_TEST

MIO_SUITE(poll)
{
	Suite *s = suite_create("poll");
	TCase *tc = poll_tcase("lifecycle");
	tcase_add_test(tc, test_poll_new_and_free);
	tcase_add_test(tc, test_poll_registry_is_borrowed);
	tcase_add_test(tc, test_poll_fd_is_pollable_epoll_fd);
	suite_add_tcase(s, tc);

	tc = poll_tcase("wait");
	tcase_add_test(tc, test_poll_wait_zero_timeout_returns_at_once);
	tcase_add_test(tc, test_poll_wait_timeout_elapses);
	tcase_add_test(tc, test_poll_wait_submillisecond_rounds_up);
	tcase_add_test(tc, test_poll_wait_rejects_bad_timeout);
	tcase_add_test(tc, test_poll_wait_huge_timeout_is_clamped);
	tcase_add_test(tc, test_poll_wait_interrupted_by_signal);
	tcase_add_test(tc, test_poll_wait_clears_events);
	tcase_add_test(tc, test_poll_events_beyond_capacity_come_next);
	suite_add_tcase(s, tc);

	tc = poll_tcase("edge");
	tcase_add_test(tc, test_poll_edge_triggered_delivery);
	tcase_add_test(tc, test_poll_no_lost_wakeup_between_drain_and_wait);
	tcase_add_test(tc, test_poll_peer_close_is_read_closed);
	tcase_add_test(tc, test_poll_close_without_deregister_stops_events);
	suite_add_tcase(s, tc);
	return s;
}
