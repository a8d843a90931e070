/*
 * check_events.c - mio_events (the buffer) and mio_event (its records).
 *
 * The predicate mapping is tested white-box: records are built with the
 * backend's raw flags (lib/mio-private.h) and every predicate is compared
 * with Rust mio's definitions, flag combination by flag combination.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"
#include "../lib/mio-private.h"

#include <stdint.h>
#include <stdlib.h>

START_TEST(test_events_new_and_accessors)
{
	mio_events *e = NULL;
	ck_assert_ok(mio_events_new(8, &e));
	ck_assert_uint_eq(mio_events_capacity(e), 8);
	ck_assert_uint_eq(mio_events_len(e), 0);
	ck_assert(mio_events_is_empty(e));
	ck_assert_ptr_null(mio_events_get(e, 0));
	ck_assert_ptr_null(mio_events_get(e, SIZE_MAX));
	mio_events_clear(e);
	ck_assert(mio_events_is_empty(e));
	mio_events_free(e);
	mio_events_free(NULL);
}
END_TEST

START_TEST(test_events_new_rejects_bad_capacity)
{
	mio_events *e = (mio_events *)&e;  /* must be reset to NULL */
	ck_assert_errno(mio_events_new(0, &e), EINVAL);
	ck_assert_ptr_null(e);
	e = (mio_events *)&e;
	ck_assert_errno(mio_events_new(SIZE_MAX, &e), ENOMEM);
	ck_assert_ptr_null(e);
	ck_assert_errno(mio_events_new(1, NULL), EINVAL);
}
END_TEST

START_TEST(test_events_null_is_empty)
{
	ck_assert_uint_eq(mio_events_capacity(NULL), 0);
	ck_assert_uint_eq(mio_events_len(NULL), 0);
	ck_assert(mio_events_is_empty(NULL));
	mio_events_clear(NULL);
	ck_assert_ptr_null(mio_events_get(NULL, 0));
	ck_assert_uint_eq(mio_event_token(NULL), 0);
	ck_assert(!mio_event_is_readable(NULL));
	ck_assert(!mio_event_is_writable(NULL));
	ck_assert(!mio_event_is_error(NULL));
	ck_assert(!mio_event_is_read_closed(NULL));
	ck_assert(!mio_event_is_write_closed(NULL));
	ck_assert(!mio_event_is_priority(NULL));
	ck_assert(!mio_event_is_aio(NULL));
	ck_assert(!mio_event_is_lio(NULL));
}
END_TEST

/* Fill an events buffer by hand, as a backend would. */
static const mio_event *raw(mio_events *e, uint32_t flags, mio_token token)
{
#ifdef MIO_BACKEND_EPOLL
	e->buf[0].events = flags;
	e->buf[0].data.u64 = token;
#else
	e->buf[0].events = flags;
	e->buf[0].token = token;
#endif
	e->len = 1;
	return mio_events_get(e, 0);
}

START_TEST(test_event_flag_mapping_matches_mio)
{
	const uint32_t bits[] = { MIO__EV_IN, MIO__EV_PRI, MIO__EV_OUT, MIO__EV_ERR,
				  MIO__EV_HUP, MIO__EV_RDHUP };
	const int nbits = sizeof(bits) / sizeof(bits[0]);
	mio_events *e;
	ck_assert_ok(mio_events_new(1, &e));

	/* Every combination of the six bits, against mio's epoll.rs. */
	for (unsigned mask = 0; mask < (1u << nbits); mask++) {
		uint32_t f = 0;
		for (int i = 0; i < nbits; i++)
			if (mask & (1u << i))
				f |= bits[i];
		const mio_event *ev = raw(e, f, mask);
		bool in = f & MIO__EV_IN, pri = f & MIO__EV_PRI, out = f & MIO__EV_OUT;
		bool err = f & MIO__EV_ERR, hup = f & MIO__EV_HUP, rdhup = f & MIO__EV_RDHUP;

		ck_assert_uint_eq(mio_event_token(ev), mask);
		ck_assert_int_eq(mio_event_is_readable(ev), in || pri);
		ck_assert_int_eq(mio_event_is_writable(ev), out);
		ck_assert_int_eq(mio_event_is_error(ev), err);
		ck_assert_int_eq(mio_event_is_read_closed(ev), hup || (in && rdhup));
		ck_assert_int_eq(mio_event_is_write_closed(ev),
				 hup || (out && err) || f == MIO__EV_ERR);
		ck_assert_int_eq(mio_event_is_priority(ev), pri);
		ck_assert(!mio_event_is_aio(ev));
		ck_assert(!mio_event_is_lio(ev));
	}
	mio_events_free(e);
}
END_TEST

/* A wait that returns N events makes exactly N records reachable. */
START_TEST(test_events_len_follows_wait)
{
	mio_poll *p;
	mio_events *e;
	mio_waker *w1, *w2;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(4, &e));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 1, &w1));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 2, &w2));
	ck_assert_ok(mio_waker_wake(w1));
	ck_assert_ok(mio_waker_wake(w2));
	struct timespec t = { 5, 0 };
	/* Both wakes happened before the wait: both records come at once. */
	int n = mio_poll_wait(p, e, &t);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(mio_events_len(e), (size_t)n);
	ck_assert(!mio_events_is_empty(e));
	ck_assert_ptr_nonnull(mio_events_get(e, (size_t)n - 1));
	ck_assert_ptr_null(mio_events_get(e, (size_t)n));
	mio_events_clear(e);
	ck_assert_uint_eq(mio_events_len(e), 0);
	ck_assert_ptr_null(mio_events_get(e, 0));
	mio_waker_free(w1);
	mio_waker_free(w2);
	mio_events_free(e);
	mio_poll_free(p);
}
END_TEST

MIO_SUITE(events)
{
	Suite *s = suite_create("events");
	TCase *tc = mio_tcase("buffer");
	tcase_add_test(tc, test_events_new_and_accessors);
	tcase_add_test(tc, test_events_new_rejects_bad_capacity);
	tcase_add_test(tc, test_events_null_is_empty);
	tcase_add_test(tc, test_events_len_follows_wait);
	suite_add_tcase(s, tc);
	tc = mio_tcase("event");
	tcase_add_test(tc, test_event_flag_mapping_matches_mio);
	suite_add_tcase(s, tc);
	return s;
}
