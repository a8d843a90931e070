/*
 * check_registry.c - mio_registry: errors, tokens, interests, clones and
 * changes made from another thread while the poll waits.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

static mio_poll *p;
static mio_events *ev;
static mio_registry *r;
static mio_unix_stream *a, *b;

static void setup(void)
{
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(16, &ev));
	r = mio_poll_registry(p);
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
}

static void teardown(void)
{
	mio_unix_stream_free(a);
	mio_unix_stream_free(b);
	mio_events_free(ev);
	mio_poll_free(p);
}

static TCase *registry_tcase(const char *name)
{
	TCase *tc = mio_tcase(name);
	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

START_TEST(test_registry_register_errors)
{
	int fd = mio_unix_stream_fd(a);
	ck_assert_errno(mio_registry_register(NULL, fd, 1, MIO_READABLE), EINVAL);
	ck_assert_errno(mio_registry_register(r, -1, 1, MIO_READABLE), EBADF);
	/* An fd number that is not open. */
	int closed = dup(fd);
	close(closed);
	ck_assert_errno(mio_registry_register(r, closed, 1, MIO_READABLE), EBADF);
	ck_assert_errno(mio_registry_register(r, fd, 1, 0), EINVAL);
	ck_assert_errno(mio_registry_register(r, fd, 1, 0x100), EINVAL);
	ck_assert_errno(mio_registry_register(r, fd, 1, MIO_READABLE | 0x80000000u), EINVAL);
	ck_assert_errno(mio_registry_register(r, fd, 1, MIO_AIO), EOPNOTSUPP);
	ck_assert_errno(mio_registry_register(r, fd, 1, MIO_LIO | MIO_READABLE), EOPNOTSUPP);

	ck_assert_ok(mio_registry_register(r, fd, 1, MIO_READABLE));
	ck_assert_errno(mio_registry_register(r, fd, 2, MIO_WRITABLE), EEXIST);
}
END_TEST

START_TEST(test_registry_reregister_deregister_errors)
{
	int fd = mio_unix_stream_fd(a);
	ck_assert_errno(mio_registry_reregister(r, fd, 1, MIO_READABLE), ENOENT);
	ck_assert_errno(mio_registry_deregister(r, fd), ENOENT);
	ck_assert_errno(mio_registry_reregister(r, -1, 1, MIO_READABLE), EBADF);
	ck_assert_errno(mio_registry_deregister(r, -1), EBADF);
	ck_assert_errno(mio_registry_reregister(NULL, fd, 1, MIO_READABLE), EINVAL);
	ck_assert_errno(mio_registry_deregister(NULL, fd), EINVAL);
	ck_assert_ok(mio_registry_register(r, fd, 1, MIO_READABLE));
	ck_assert_errno(mio_registry_reregister(r, fd, 1, 0), EINVAL);
	ck_assert_errno(mio_registry_reregister(r, fd, 1, 0x40), EINVAL);
	ck_assert_ok(mio_registry_deregister(r, fd));
	ck_assert_errno(mio_registry_deregister(r, fd), ENOENT);
	/* Deregistered: it can be registered again. */
	ck_assert_ok(mio_registry_register(r, fd, 1, MIO_READABLE));
}
END_TEST

/* Tokens are opaque: 0 and UINTPTR_MAX come back exactly. */
START_TEST(test_registry_token_extremes_round_trip)
{
	mio_token tokens[] = { 0, 1, UINTPTR_MAX, UINTPTR_MAX - 1, (mio_token)&tokens };
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		mio_unix_stream *x, *y;
		ck_assert_ok(mio_unix_stream_pair(&x, &y));
		ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(x), tokens[i], MIO_WRITABLE));
		ck_assert(mio_test_wait_for(p, ev, tokens[i], 5000, NULL));
		mio_unix_stream_free(x);
		mio_unix_stream_free(y);
	}
}
END_TEST

/* reregister changes both the token and the interests. */
START_TEST(test_registry_reregister_changes_token_and_interest)
{
	int fd = mio_unix_stream_fd(a);
	ck_assert_ok(mio_registry_register(r, fd, 1, MIO_READABLE));
	mio_test_expect_no_event(p, ev, 1, 50);  /* nothing to read yet */

	ck_assert_ok(mio_registry_reregister(r, fd, 2, MIO_WRITABLE));
	struct mio_test_event got;
	ck_assert(mio_test_wait_for(p, ev, 2, 5000, &got));
	ck_assert(got.writable);
	ck_assert(!got.readable);

	ck_assert_ok(mio_registry_reregister(r, fd, 3, MIO_READABLE));
	ck_assert_int_eq(mio_unix_stream_write(b, "x", 1), 1);
	ck_assert(mio_test_wait_for(p, ev, 3, 5000, &got));
	ck_assert(got.readable);
	ck_assert(!got.writable);
}
END_TEST

/* reregister re-arms: a raw fd the library never reads gets its event
 * again (the documented way on the poll(2) backend; epoll reports the
 * current state on EPOLL_CTL_MOD). */
START_TEST(test_registry_reregister_rearms)
{
	int fd = mio_unix_stream_fd(a);
	ck_assert_ok(mio_registry_register(r, fd, 5, MIO_READABLE));
	ck_assert_int_eq(mio_unix_stream_write(b, "x", 1), 1);
	ck_assert(mio_test_wait_for(p, ev, 5, 5000, NULL));
	mio_test_expect_no_event(p, ev, 5, 50);
	ck_assert_ok(mio_registry_reregister(r, fd, 5, MIO_READABLE));
	ck_assert(mio_test_wait_for(p, ev, 5, 5000, NULL));
}
END_TEST

START_TEST(test_registry_deregister_stops_events)
{
	int fd = mio_unix_stream_fd(a);
	ck_assert_ok(mio_registry_register(r, fd, 1, MIO_READABLE));
	ck_assert_ok(mio_registry_deregister(r, fd));
	ck_assert_int_eq(mio_unix_stream_write(b, "x", 1), 1);
	mio_test_expect_no_event(p, ev, 1, 50);
}
END_TEST

/* A clone reaches the same poll, and may outlive it. */
START_TEST(test_registry_try_clone_reaches_same_poll)
{
	mio_registry *clone = NULL;
	ck_assert_errno(mio_registry_try_clone(NULL, &clone), EINVAL);
	ck_assert_errno(mio_registry_try_clone(r, NULL), EINVAL);
	ck_assert_ok(mio_registry_try_clone(r, &clone));
	ck_assert_ptr_nonnull(clone);
	ck_assert_ptr_ne(clone, r);

	ck_assert_ok(mio_registry_register(clone, mio_unix_stream_fd(a), 42, MIO_WRITABLE));
	ck_assert(mio_test_wait_for(p, ev, 42, 5000, NULL));
	/* Same poll: the original sees the clone's registration. */
	ck_assert_errno(mio_registry_register(r, mio_unix_stream_fd(a), 43, MIO_WRITABLE), EEXIST);
	ck_assert_ok(mio_registry_deregister(r, mio_unix_stream_fd(a)));

	mio_registry *clone2;
	ck_assert_ok(mio_registry_try_clone(clone, &clone2));
	mio_registry_free(clone);
	mio_registry_free(NULL);
	mio_poll_free(p);
	p = NULL;
	/* The poll is gone; the clone is still a valid object to free. */
	mio_registry_free(clone2);
}
END_TEST

struct delayed {
	mio_registry *r;
	int fd;
	mio_token token;
};

static void *register_later(void *arg)
{
	struct delayed *d = arg;
	usleep(50 * 1000);
	(void)mio_registry_register(d->r, d->fd, d->token, MIO_READABLE);
	return NULL;
}

/* Registering from another thread while the poll waits takes effect for
 * that very wait. */
START_TEST(test_registry_register_while_waiting)
{
	ck_assert_int_eq(mio_unix_stream_write(b, "x", 1), 1);  /* ready before it is registered */
	struct delayed d = { r, mio_unix_stream_fd(a), 77 };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, register_later, &d), 0);
	struct timespec t = { 10, 0 };
	int n;
	do
		n = mio_poll_wait(p, ev, &t);
	while (n == -EINTR);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(mio_event_token(mio_events_get(ev, 0)), 77);
	pthread_join(th, NULL);
}
END_TEST

MIO_SUITE(registry)
{
	Suite *s = suite_create("registry");
	TCase *tc = registry_tcase("errors");
	tcase_add_test(tc, test_registry_register_errors);
	tcase_add_test(tc, test_registry_reregister_deregister_errors);
	suite_add_tcase(s, tc);

	tc = registry_tcase("semantics");
	tcase_add_test(tc, test_registry_token_extremes_round_trip);
	tcase_add_test(tc, test_registry_reregister_changes_token_and_interest);
	tcase_add_test(tc, test_registry_reregister_rearms);
	tcase_add_test(tc, test_registry_deregister_stops_events);
	tcase_add_test(tc, test_registry_try_clone_reaches_same_poll);
	tcase_add_test(tc, test_registry_register_while_waiting);
	suite_add_tcase(s, tc);
	return s;
}
