/*
 * testutil.h - what every Check suite of libmio shares.
 *
 * Suites register themselves (MIO_SUITE) so adding one is adding a file to
 * tests/Makefile.am; main.c runs them all, or those named in CK_RUN_SUITE.
 * Every test case gets the fd-leak fixture (mio_tcase): a test that ends
 * with more open fds than it started with fails.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_TESTUTIL_H
#define MIO_TESTUTIL_H

/* config.h first: it turns on _GNU_SOURCE (pipe2, accept4, ...). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "mio.h"

typedef Suite *(*mio_suite_fn)(void);
void mio_test_add_suite(mio_suite_fn fn);

#define MIO_SUITE(name)                                                 \
	static Suite *suite_##name(void);                               \
	__attribute__((constructor)) static void register_##name(void)  \
	{                                                               \
		mio_test_add_suite(suite_##name);                       \
	}                                                               \
	static Suite *suite_##name(void)

/* A TCase with the fd-leak fixture and a time limit. */
TCase *mio_tcase(const char *name);

/* Open fds of this process, from /proc/self/fd. */
int mio_test_count_fds(void);

/* Name of an errno value ("EAGAIN"), or its number. */
const char *mio_test_errname(int err);

/* Assert that a libmio call returned -err, printing names on failure. */
#define ck_assert_errno(call, err)                                          \
	do {                                                                \
		long long _r = (long long)(call);                           \
		ck_assert_msg(_r == -(long long)(err),                      \
			      "%s: expected -%s, got %lld (%s)", #call,     \
			      mio_test_errname(err), _r,                    \
			      _r < 0 ? mio_test_errname((int)-_r) : "ok");  \
	} while (0)

/* Assert success (>= 0), printing the errno name on failure. */
#define ck_assert_ok(call)                                                   \
	do {                                                                 \
		long long _r = (long long)(call);                            \
		ck_assert_msg(_r >= 0, "%s failed: %lld (%s)", #call, _r,    \
			      _r < 0 ? mio_test_errname((int)-_r) : "ok");   \
	} while (0)

/* Milliseconds on the monotonic clock. */
double mio_test_now_ms(void);

/* Wait (up to timeout_ms) for an event carrying token; returns the
 * event's flags via *ev_out (copied predicates) or fails the test. */
struct mio_test_event {
	mio_token token;
	bool readable, writable, error, read_closed, write_closed, priority;
};
/* Polls until an event with `token` arrives or timeout_ms passes;
 * returns true and fills *out when found. */
bool mio_test_wait_for(mio_poll *p, mio_events *ev, mio_token token,
		       int timeout_ms, struct mio_test_event *out);
/* Polls once with a short timeout and asserts no event has `token`. */
void mio_test_expect_no_event(mio_poll *p, mio_events *ev, mio_token token, int timeout_ms);

#endif
