/*
 * check_waker.c - mio_waker: one event per wake (or per burst of wakes),
 * from any thread or a signal handler, re-arming itself.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

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

/* Events with `token` in one wait of up to timeout_ms. */
static int count_token(mio_token token, int timeout_ms)
{
	struct timespec t = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	int n;
	do
		n = mio_poll_wait(p, ev, &t);
	while (n == -EINTR);
	ck_assert_int_ge(n, 0);
	int c = 0;
	for (int i = 0; i < n; i++)
		if (mio_event_token(mio_events_get(ev, (size_t)i)) == token)
			c++;
	return c;
}

START_TEST(test_waker_errors)
{
	mio_waker *w = (mio_waker *)&w;
	ck_assert_errno(mio_waker_new(NULL, 1, &w), EINVAL);
	ck_assert_ptr_null(w);
	ck_assert_errno(mio_waker_new(mio_poll_registry(p), 1, NULL), EINVAL);
	ck_assert_errno(mio_waker_wake(NULL), EINVAL);
	mio_waker_free(NULL);
}
END_TEST

START_TEST(test_waker_wake_gives_readable_event)
{
	mio_waker *w;
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 10, &w));
	mio_test_expect_no_event(p, ev, 10, 20);
	ck_assert_ok(mio_waker_wake(w));
	struct mio_test_event got;
	ck_assert(mio_test_wait_for(p, ev, 10, 5000, &got));
	ck_assert(got.readable);
	ck_assert(!got.writable);
	mio_waker_free(w);
}
END_TEST

/* Many wakes before a wait coalesce into one event, and nothing is left
 * behind for the wait after. */
START_TEST(test_waker_wakes_coalesce)
{
	mio_waker *w;
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 5, &w));
	for (int i = 0; i < 1000; i++)
		ck_assert_ok(mio_waker_wake(w));
	ck_assert_int_eq(count_token(5, 5000), 1);
	ck_assert_int_eq(count_token(5, 50), 0);
	mio_waker_free(w);
}
END_TEST

/* No manual drain: wake, wait, wake, wait ... each wake gets its event. */
START_TEST(test_waker_rearms_itself)
{
	mio_waker *w;
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 6, &w));
	for (int i = 0; i < 2000; i++) {
		ck_assert_ok(mio_waker_wake(w));
		ck_assert_int_eq(count_token(6, 5000), 1);
	}
	mio_waker_free(w);
}
END_TEST

START_TEST(test_waker_several_on_one_poll)
{
	mio_waker *w[3];
	for (int i = 0; i < 3; i++)
		ck_assert_ok(mio_waker_new(mio_poll_registry(p), (mio_token)(20 + i), &w[i]));
	ck_assert_ok(mio_waker_wake(w[0]));
	ck_assert_ok(mio_waker_wake(w[2]));
	struct timespec t = { 5, 0 };
	ck_assert_int_eq(mio_poll_wait(p, ev, &t), 2);
	mio_token t0 = mio_event_token(mio_events_get(ev, 0));
	mio_token t1 = mio_event_token(mio_events_get(ev, 1));
	ck_assert((t0 == 20 && t1 == 22) || (t0 == 22 && t1 == 20));
	ck_assert_int_eq(count_token(21, 20), 0);
	for (int i = 0; i < 3; i++)
		mio_waker_free(w[i]);
}
END_TEST

static void *wake_later(void *arg)
{
	usleep(50 * 1000);
	(void)mio_waker_wake(arg);
	return NULL;
}

START_TEST(test_waker_wake_from_other_thread)
{
	mio_waker *w;
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 30, &w));
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, wake_later, w), 0);
	int n;
	do
		n = mio_poll_wait(p, ev, NULL);  /* blocks until the wake */
	while (n == -EINTR);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(mio_event_token(mio_events_get(ev, 0)), 30);
	pthread_join(th, NULL);
	mio_waker_free(w);
}
END_TEST

static mio_waker *signal_waker;
static volatile sig_atomic_t signal_wake_rc = 1;

static void on_alarm(int sig)
{
	(void)sig;
	signal_wake_rc = mio_waker_wake(signal_waker);
}

START_TEST(test_waker_wake_from_signal_handler)
{
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 40, &signal_waker));
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	errno = 1234;
	ck_assert_int_eq(raise(SIGALRM), 0);
	ck_assert_int_eq(signal_wake_rc, 0);
	ck_assert_int_eq(errno, 1234);  /* the handler kept errno */
	ck_assert_int_eq(count_token(40, 5000), 1);

	/* And while blocked in the wait: */
	signal_wake_rc = 1;
	struct itimerval it = { .it_value = { 0, 50000 } };
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	ck_assert(mio_test_wait_for(p, ev, 40, 5000, NULL));
	ck_assert_int_eq(signal_wake_rc, 0);
	mio_waker_free(signal_waker);
}
END_TEST

MIO_SUITE(waker)
{
	Suite *s = suite_create("waker");
	TCase *tc = mio_tcase("waker");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_waker_errors);
	tcase_add_test(tc, test_waker_wake_gives_readable_event);
	tcase_add_test(tc, test_waker_wakes_coalesce);
	tcase_add_test(tc, test_waker_rearms_itself);
	tcase_add_test(tc, test_waker_several_on_one_poll);
	tcase_add_test(tc, test_waker_wake_from_other_thread);
	tcase_add_test(tc, test_waker_wake_from_signal_handler);
	suite_add_tcase(s, tc);
	return s;
}
