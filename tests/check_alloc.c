/*
 * check_alloc.c - the poll loop allocates nothing.
 *
 * This binary defines malloc, calloc, realloc and free itself, counting
 * calls while `counting` is set and forwarding to the C library's
 * allocator (realmalloc.h).  Because the executable comes first in symbol lookup, the
 * library's allocations go through these too.  100,000 cycles of wait,
 * event access, register/reregister/deregister, wake and stream I/O must
 * count zero.
 *
 * Sanitizer builds replace the allocator themselves; there the test is
 * compiled out (the same code runs in the default build in CI).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define MIO_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MIO_SANITIZED 1
#endif

#ifndef MIO_SANITIZED
#include "realmalloc.h"

static volatile int counting;
static volatile long allocations;

void *malloc(size_t n)
{
	if (counting)
		allocations++;
	return real_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	if (counting)
		allocations++;
	return real_calloc(n, m);
}

void *realloc(void *ptr, size_t n)
{
	if (counting)
		allocations++;
	return real_realloc(ptr, n);
}

void free(void *ptr)
{
	if (counting && ptr)
		allocations++;
	real_free(ptr);
}

enum { CYCLES = 100000 };

/* What both loops run on: a poll, its buffer, a waker and two stream
 * pairs, a registered (token 1) and c not yet. */
struct loop {
	mio_poll *p;
	mio_registry *r;
	mio_events *ev;
	mio_waker *w;
	mio_unix_stream *a, *b, *c, *d;
	int afd, cfd;
};

static void loop_open(struct loop *l)
{
	ck_assert_ok(mio_poll_new(&l->p));
	ck_assert_ok(mio_events_new(8, &l->ev));
	l->r = mio_poll_registry(l->p);
	ck_assert_ok(mio_waker_new(l->r, 99, &l->w));
	ck_assert_ok(mio_unix_stream_pair(&l->a, &l->b));
	ck_assert_ok(mio_unix_stream_pair(&l->c, &l->d));
	l->afd = mio_unix_stream_fd(l->a);
	l->cfd = mio_unix_stream_fd(l->c);
	ck_assert_ok(mio_registry_register(l->r, l->afd, 1, MIO_READABLE));
}

static void loop_close(struct loop *l)
{
	mio_unix_stream_free(l->a);
	mio_unix_stream_free(l->b);
	mio_unix_stream_free(l->c);
	mio_unix_stream_free(l->d);
	mio_waker_free(l->w);
	mio_events_free(l->ev);
	mio_poll_free(l->p);
}

START_TEST(test_alloc_poll_loop_allocates_nothing)
{
	struct loop l;
	loop_open(&l);
	mio_poll *p = l.p;
	mio_events *ev = l.ev;
	mio_waker *w = l.w;
	mio_unix_stream *a = l.a, *b = l.b;
	mio_registry *r = l.r;
	int afd = l.afd, cfd = l.cfd;
	/* Warm up once outside the counted region (lazy libc state). */
	struct timespec t = { 5, 0 }, zero = { 0, 0 };
	ck_assert_ok(mio_poll_wait(p, ev, &zero));

	long failures = 0, events = 0, bytes = 0;
	char buf[64];
	allocations = 0;
	counting = 1;
	for (long i = 0; i < CYCLES; i++) {
		if (mio_unix_stream_write(b, "x", 1) != 1)
			failures++;
		if (mio_waker_wake(w) != 0)
			failures++;
		int n = mio_poll_wait(p, ev, &t);
		if (n < 1)
			failures++;
		for (int k = 0; k < n; k++) {
			const mio_event *e = mio_events_get(ev, (size_t)k);
			events += mio_event_token(e) == 1 || mio_event_token(e) == 99;
			events += mio_event_is_readable(e) + mio_event_is_writable(e) +
				  mio_event_is_error(e) + mio_event_is_read_closed(e) +
				  mio_event_is_write_closed(e) + mio_event_is_priority(e);
		}
		ssize_t got;
		while ((got = mio_unix_stream_read(a, buf, sizeof(buf))) > 0)
			bytes += got;
		if (got != -EAGAIN)
			failures++;
		if (mio_registry_reregister(r, afd, 1, (i & 1) ? MIO_READABLE : MIO_READABLE | MIO_WRITABLE) != 0)
			failures++;
		if (mio_registry_register(r, cfd, 2, MIO_READABLE) != 0 ||
		    mio_registry_deregister(r, cfd) != 0)
			failures++;
		mio_events_clear(ev);
		(void)mio_events_len(ev);
		(void)mio_events_is_empty(ev);
		(void)mio_events_capacity(ev);
	}
	counting = 0;

	ck_assert_int_eq(failures, 0);
	ck_assert_int_eq(bytes, CYCLES);
	ck_assert_int_ge(events, CYCLES);
	ck_assert_msg(allocations == 0, "%ld allocations in %d cycles", allocations, CYCLES);

	/* The counter itself works: a constructor allocates. */
	mio_events *probe;
	counting = 1;
	int rc = mio_events_new(4, &probe);
	counting = 0;
	ck_assert_ok(rc);
	ck_assert_int_ge(allocations, 1);
	mio_events_free(probe);

	loop_close(&l);
}
END_TEST

/* The same for the 1.2 loop: mio_poll_wait_raw into the caller's array,
 * the inline readers, level-triggered registrations made, changed and
 * reported at every wait, and mio_poll_wait on the same poll. */
START_TEST(test_alloc_raw_loop_allocates_nothing)
{
	struct loop l;
	mio_raw_event out[8];
	loop_open(&l);
	/* Writable at every wait: a level registration that never goes quiet. */
	ck_assert_ok(mio_registry_register(l.r, l.cfd, 2, MIO_WRITABLE | MIO_LEVEL));
	struct timespec t = { 5, 0 }, zero = { 0, 0 };
	ck_assert_ok(mio_poll_wait_raw(l.p, out, 8, &zero));
	ck_assert_ok(mio_poll_wait(l.p, l.ev, &zero));

	long failures = 0, level_events = 0, bytes = 0;
	unsigned readiness = 0;
	char buf[64];
	allocations = 0;
	counting = 1;
	for (long i = 0; i < CYCLES; i++) {
		if (mio_unix_stream_write(l.b, "x", 1) != 1)
			failures++;
		if ((i & 7) == 0 && mio_waker_wake(l.w) != 0)
			failures++;
		int n = (i & 1) ? mio_poll_wait_raw(l.p, out, 8, &t) : mio_poll_wait_raw(l.p, out, 8, NULL);
		if (n < 2)
			failures++;
		for (int k = 0; k < n; k++) {
			readiness |= mio_raw_event_readiness(&out[k]);
			level_events += mio_raw_event_token(&out[k]) == 2;
		}
		ssize_t got;
		while ((got = mio_unix_stream_read(l.a, buf, sizeof(buf))) > 0)
			bytes += got;
		if (got != -EAGAIN)
			failures++;
		if ((i & 15) == 0) {
			/* Level to edge and back, and the 1.0 wait in between. */
			if (mio_registry_reregister(l.r, l.cfd, 2, MIO_WRITABLE) != 0 ||
			    mio_poll_wait(l.p, l.ev, &zero) < 0 ||
			    mio_registry_reregister(l.r, l.cfd, 2, MIO_WRITABLE | MIO_LEVEL) != 0)
				failures++;
		}
	}
	counting = 0;

	ck_assert_int_eq(failures, 0);
	ck_assert_int_eq(bytes, CYCLES);
	ck_assert_int_ge(level_events, CYCLES);
	ck_assert_uint_eq(readiness & (MIO_EVENT_READABLE | MIO_EVENT_WRITABLE),
			  MIO_EVENT_READABLE | MIO_EVENT_WRITABLE);
	ck_assert_msg(allocations == 0, "%ld allocations in %d cycles", allocations, CYCLES);

	loop_close(&l);
}
END_TEST
#endif /* !MIO_SANITIZED */

MIO_SUITE(alloc)
{
	Suite *s = suite_create("alloc");
	TCase *tc = mio_tcase("steady state");
#ifndef MIO_SANITIZED
	tcase_add_test(tc, test_alloc_poll_loop_allocates_nothing);
	tcase_add_test(tc, test_alloc_raw_loop_allocates_nothing);
	tcase_set_timeout(tc, 120);
#endif
	suite_add_tcase(s, tc);
	return s;
}
