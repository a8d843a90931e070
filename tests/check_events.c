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

#include <dlfcn.h>
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
	ck_assert_uint_eq(mio_event_readiness(NULL), 0);
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

/* What each predicate says, as the MIO_EVENT_* bit it must match. */
static unsigned readiness_from_predicates(const mio_event *ev)
{
	return (mio_event_is_readable(ev) ? MIO_EVENT_READABLE : 0) |
	       (mio_event_is_writable(ev) ? MIO_EVENT_WRITABLE : 0) |
	       (mio_event_is_error(ev) ? MIO_EVENT_ERROR : 0) |
	       (mio_event_is_read_closed(ev) ? MIO_EVENT_READ_CLOSED : 0) |
	       (mio_event_is_write_closed(ev) ? MIO_EVENT_WRITE_CLOSED : 0) |
	       (mio_event_is_priority(ev) ? MIO_EVENT_PRIORITY : 0) |
	       (mio_event_is_aio(ev) ? MIO_EVENT_AIO : 0) |
	       (mio_event_is_lio(ev) ? MIO_EVENT_LIO : 0);
}

/* mio_event_readiness == the eight predicates, for every value of the low
 * 16 flag bits (all of epoll's and poll's input/output flags, RDHUP
 * included, in every combination) and for those with high bits set too
 * (EPOLLET, EPOLLONESHOT, EPOLLWAKEUP, EPOLLEXCLUSIVE, garbage). */
START_TEST(test_event_readiness_matches_predicates)
{
	const uint32_t high[] = { 0, 1u << 16, 1u << 28, 1u << 29, 1u << 30, 1u << 31,
				  0xffff0000u };
	mio_events *e;
	ck_assert_ok(mio_events_new(1, &e));
	for (size_t h = 0; h < sizeof(high) / sizeof(high[0]); h++) {
		for (uint32_t low = 0; low <= 0xffffu; low++) {
			uint32_t f = high[h] | low;
			const mio_event *ev = raw(e, f, 7);
			unsigned want = readiness_from_predicates(ev);
			unsigned got = mio_event_readiness(ev);
			if (got != want)
				ck_abort_msg("flags %#x: readiness %#x, predicates say %#x",
					     f, got, want);
		}
	}
	/* The constants are eight distinct bits, all of them reachable. */
	const unsigned all[] = { MIO_EVENT_READABLE, MIO_EVENT_WRITABLE, MIO_EVENT_ERROR,
				 MIO_EVENT_READ_CLOSED, MIO_EVENT_WRITE_CLOSED,
				 MIO_EVENT_PRIORITY, MIO_EVENT_AIO, MIO_EVENT_LIO };
	unsigned seen = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ck_assert_uint_eq(all[i] & (all[i] - 1), 0);
		ck_assert_uint_eq(seen & all[i], 0);
		seen |= all[i];
	}
	ck_assert_uint_eq(seen, 0xffu);
	/* Interest and readiness share the bits they have in common. */
	ck_assert_uint_eq(MIO_EVENT_READABLE, MIO_READABLE);
	ck_assert_uint_eq(MIO_EVENT_WRITABLE, MIO_WRITABLE);
	ck_assert_uint_eq(MIO_EVENT_PRIORITY, MIO_PRIORITY);
	ck_assert_uint_eq(MIO_EVENT_AIO, MIO_AIO);
	ck_assert_uint_eq(MIO_EVENT_LIO, MIO_LIO);
	mio_events_free(e);
}
END_TEST

/* mio_raw_event_readiness, the exported copy (found with dlsym: mio.h
 * gives this file the inline one), == mio_event_readiness for every value
 * of the low 16 flag bits and with high bits, as above.  check_raw.c
 * holds the inline copy to the same definitions on the six flags a
 * record can carry (it reads no other bit). */
START_TEST(test_event_raw_readiness_matches_library)
{
	unsigned (*readiness)(const mio_raw_event *) =
		(unsigned (*)(const mio_raw_event *))dlsym(RTLD_DEFAULT, "mio_raw_event_readiness");
	mio_token (*token)(const mio_raw_event *) =
		(mio_token (*)(const mio_raw_event *))dlsym(RTLD_DEFAULT, "mio_raw_event_token");
	if (readiness == NULL || token == NULL)
		return;  /* a static libmio: check_raw.c says so */
	const uint32_t high[] = { 0, 1u << 16, 1u << 31, 0xffff0000u };
	mio_events *e;
	ck_assert_ok(mio_events_new(1, &e));
	for (size_t h = 0; h < sizeof(high) / sizeof(high[0]); h++) {
		for (uint32_t low = 0; low <= 0xffffu; low++) {
			uint32_t f = high[h] | low;
			mio_raw_event rec;
			mio__raw_set(&rec, f, (mio_token)f * 3);
			unsigned got = readiness(&rec);
			const mio_event *ev = raw(e, f, (mio_token)f * 3);
			unsigned want = mio_event_readiness(ev);
			if (got != want)
				ck_abort_msg("flags %#x: raw readiness %#x, mio_event_readiness %#x",
					     f, got, want);
			ck_assert_uint_eq(token(&rec), mio_event_token(ev));
		}
	}
	ck_assert_uint_eq(readiness(NULL), 0);
	ck_assert_uint_eq(token(NULL), 0);
	mio_events_free(e);
}
END_TEST

/* Fill records 0..n-1 with distinct tokens and flags. */
static void fill(mio_events *e, size_t n, const uint32_t *flags)
{
	for (size_t i = 0; i < n; i++) {
#ifdef MIO_BACKEND_EPOLL
		e->buf[i].events = flags[i];
		e->buf[i].data.u64 = 100 + i;
#else
		e->buf[i].events = flags[i];
		e->buf[i].token = 100 + i;
#endif
	}
	e->len = n;
}

START_TEST(test_events_copy_copies_what_get_sees)
{
	const uint32_t flags[5] = { MIO__EV_IN, MIO__EV_OUT, MIO__EV_IN | MIO__EV_RDHUP,
				    MIO__EV_ERR, MIO__EV_OUT | MIO__EV_HUP };
	mio_events *e;
	ck_assert_ok(mio_events_new(8, &e));
	fill(e, 5, flags);
	mio_event_info out[8];
	const mio_event_info poison = { (mio_token)0xdead, 0xdeadu };

	/* Whole buffer, more room than events: 5 copied, the rest untouched. */
	for (size_t i = 0; i < 8; i++)
		out[i] = poison;
	ck_assert_uint_eq(mio_events_copy(e, 0, out, 8), 5);
	for (size_t i = 0; i < 5; i++) {
		const mio_event *ev = mio_events_get(e, i);
		ck_assert_uint_eq(out[i].token, mio_event_token(ev));
		ck_assert_uint_eq(out[i].token, 100 + i);
		ck_assert_uint_eq(out[i].readiness, mio_event_readiness(ev));
	}
	for (size_t i = 5; i < 8; i++)
		ck_assert_uint_eq(out[i].token, 0xdead);

	/* Partial copies: a window in the middle, then batches of 2 walking
	 * the whole buffer as a loop with a small array would. */
	for (size_t i = 0; i < 8; i++)
		out[i] = poison;
	ck_assert_uint_eq(mio_events_copy(e, 1, out, 2), 2);
	ck_assert_uint_eq(out[0].token, 101);
	ck_assert_uint_eq(out[1].token, 102);
	ck_assert_uint_eq(out[1].readiness, MIO_EVENT_READABLE | MIO_EVENT_READ_CLOSED);
	ck_assert_uint_eq(out[2].token, 0xdead);
	size_t seen = 0, got;
	for (size_t first = 0; (got = mio_events_copy(e, first, out, 2)) > 0; first += got) {
		ck_assert_uint_le(got, 2);
		for (size_t i = 0; i < got; i++)
			ck_assert_uint_eq(out[i].token, 100 + first + i);
		seen += got;
	}
	ck_assert_uint_eq(seen, 5);
	/* The tail: first = len - 1 gives one. */
	ck_assert_uint_eq(mio_events_copy(e, 4, out, 8), 1);
	ck_assert_uint_eq(out[0].token, 104);
	ck_assert_uint_eq(out[0].readiness,
			  MIO_EVENT_WRITABLE | MIO_EVENT_READ_CLOSED | MIO_EVENT_WRITE_CLOSED);
	mio_events_free(e);
}
END_TEST

START_TEST(test_events_copy_bounds)
{
	const uint32_t flags[3] = { MIO__EV_IN, MIO__EV_IN, MIO__EV_IN };
	mio_events *e;
	ck_assert_ok(mio_events_new(4, &e));
	mio_event_info out[4];
	const mio_event_info poison = { (mio_token)0xdead, 0xdeadu };
	for (size_t i = 0; i < 4; i++)
		out[i] = poison;

	/* Empty buffer: nothing, whatever the window. */
	ck_assert_uint_eq(mio_events_copy(e, 0, out, 4), 0);
	fill(e, 3, flags);
	/* first at or past len, including SIZE_MAX (no overflow in first + n). */
	ck_assert_uint_eq(mio_events_copy(e, 3, out, 4), 0);
	ck_assert_uint_eq(mio_events_copy(e, 4, out, 4), 0);
	ck_assert_uint_eq(mio_events_copy(e, SIZE_MAX, out, 4), 0);
	ck_assert_uint_eq(mio_events_copy(e, 2, out, SIZE_MAX), 1);
	ck_assert_uint_eq(out[0].token, 102);
	ck_assert_uint_eq(out[1].token, 0xdead);
	out[0] = poison;
	/* n == 0 copies nothing and writes nothing. */
	ck_assert_uint_eq(mio_events_copy(e, 0, out, 0), 0);
	ck_assert_uint_eq(out[0].token, 0xdead);
	/* NULL out or NULL events: 0, never a crash. */
	ck_assert_uint_eq(mio_events_copy(e, 0, NULL, 4), 0);
	ck_assert_uint_eq(mio_events_copy(NULL, 0, out, 4), 0);
	ck_assert_uint_eq(mio_events_copy(NULL, 0, NULL, 0), 0);
	ck_assert_uint_eq(out[0].token, 0xdead);
	/* After clear, nothing again. */
	mio_events_clear(e);
	ck_assert_uint_eq(mio_events_copy(e, 0, out, 4), 0);
	mio_events_free(e);
}
END_TEST

/* From a real wait: the copy carries the tokens the wakers registered. */
START_TEST(test_events_copy_after_wait)
{
	mio_poll *p;
	mio_events *e;
	mio_waker *w1, *w2;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(4, &e));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 11, &w1));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 22, &w2));
	ck_assert_ok(mio_waker_wake(w1));
	ck_assert_ok(mio_waker_wake(w2));
	struct timespec t = { 5, 0 };
	ck_assert_int_eq(mio_poll_wait(p, e, &t), 2);
	mio_event_info out[4];
	ck_assert_uint_eq(mio_events_copy(e, 0, out, 4), 2);
	ck_assert_uint_eq(out[0].token + out[1].token, 33);
	ck_assert_uint_ne(out[0].token, out[1].token);
	for (int i = 0; i < 2; i++)
		ck_assert(out[i].readiness & MIO_EVENT_READABLE);
	mio_waker_free(w1);
	mio_waker_free(w2);
	mio_events_free(e);
	mio_poll_free(p);
}
END_TEST

/* The public struct's layout is ABI: token first, readiness after it. */
START_TEST(test_event_info_layout)
{
	ck_assert_uint_eq(offsetof(mio_event_info, token), 0);
	ck_assert_uint_eq(offsetof(mio_event_info, readiness), sizeof(mio_token));
	ck_assert_uint_eq(sizeof(((mio_event_info *)0)->readiness), 4);
	ck_assert_uint_eq(sizeof(mio_event_info), sizeof(mio_token) == 8 ? 16 : 8);
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
	tcase_add_test(tc, test_event_readiness_matches_predicates);
	tcase_add_test(tc, test_event_raw_readiness_matches_library);
	tcase_add_test(tc, test_event_info_layout);
	suite_add_tcase(s, tc);
	tc = mio_tcase("copy");
	tcase_add_test(tc, test_events_copy_copies_what_get_sees);
	tcase_add_test(tc, test_events_copy_bounds);
	tcase_add_test(tc, test_events_copy_after_wait);
	suite_add_tcase(s, tc);
	return s;
}
