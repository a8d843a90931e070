/*
 * check_level.c - MIO_LEVEL (libmio 1.2): a registration with it is
 * level-triggered, reported at every wait while its fd is ready, on
 * every backend; one without it keeps the edge-triggered contract.
 *
 * Raw socketpairs, read and written with read(2)/write(2), so that on
 * the poll(2) backend nothing re-arms behind the test's back; and the
 * library's own streams, whose I/O re-arms edge registrations there.
 * "No event" is a short wait after the state was set synchronously (a
 * slow machine can only make such a check pass wrongly, never fail it).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct timespec zero = { 0, 0 };
static const struct timespec quiet = { 0, 30 * 1000 * 1000 };

struct fx {
	mio_poll *p;
	mio_registry *r;
	mio_events *ev;
	int a, b;  /* a socketpair; a is registered */
};

static void fx_open(struct fx *f)
{
	int sv[2];
	ck_assert_ok(mio_poll_new(&f->p));
	f->r = mio_poll_registry(f->p);
	ck_assert_ok(mio_events_new(8, &f->ev));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	f->a = sv[0];
	f->b = sv[1];
}

static void fx_close(struct fx *f)
{
	if (f->a >= 0)
		close(f->a);
	if (f->b >= 0)
		close(f->b);
	mio_events_free(f->ev);
	mio_poll_free(f->p);
}

/* The readiness of `token` in one wait (0: not reported), through
 * mio_poll_wait or mio_poll_wait_raw (`raw`), with timeout t. */
static unsigned wait_once(struct fx *f, mio_token token, bool raw, const struct timespec *t)
{
	unsigned got = 0;
	int n;
	if (raw) {
		mio_raw_event out[8];
		do
			n = mio_poll_wait_raw(f->p, out, 8, t);
		while (n == -EINTR);
		ck_assert_msg(n >= 0, "mio_poll_wait_raw: %s", mio_test_errname(-n));
		for (int k = 0; k < n; k++)
			if (mio_raw_event_token(&out[k]) == token)
				got |= mio_raw_event_readiness(&out[k]) | 0x100u;
	} else {
		do
			n = mio_poll_wait(f->p, f->ev, t);
		while (n == -EINTR);
		ck_assert_msg(n >= 0, "mio_poll_wait: %s", mio_test_errname(-n));
		for (int k = 0; k < n; k++) {
			const mio_event *e = mio_events_get(f->ev, (size_t)k);
			if (mio_event_token(e) == token)
				got |= mio_event_readiness(e) | 0x100u;
		}
	}
	return got;  /* 0x100: reported at all */
}

#define REPORTED(x) (((x) & 0x100u) != 0)
static const struct timespec soon = { 10, 0 };

/* Readable data not read: every wait reports it, through both calls,
 * until it is read; then nothing. */
START_TEST(test_level_readable_every_wait)
{
	struct fx f;
	fx_open(&f);
	ck_assert_ok(mio_registry_register(f.r, f.a, 5, MIO_READABLE | MIO_LEVEL));
	ck_assert(!REPORTED(wait_once(&f, 5, false, &zero)));
	ck_assert_int_eq(write(f.b, "xyz", 3), 3);
	for (int i = 0; i < 6; i++) {
		unsigned got = wait_once(&f, 5, i & 1, i == 0 ? &soon : &zero);
		ck_assert_msg(REPORTED(got) && (got & MIO_EVENT_READABLE),
			      "wait %d after the write: %#x", i, got);
	}
	/* A partial read leaves it readable: still reported. */
	char c;
	ck_assert_int_eq(read(f.a, &c, 1), 1);
	ck_assert(wait_once(&f, 5, false, &zero) & MIO_EVENT_READABLE);
	char buf[8];
	ck_assert_int_eq(read(f.a, buf, sizeof(buf)), 2);
	ck_assert(!REPORTED(wait_once(&f, 5, true, &quiet)));
	ck_assert(!REPORTED(wait_once(&f, 5, false, &quiet)));
	/* New data: reported again, with no re-arm. */
	ck_assert_int_eq(write(f.b, "q", 1), 1);
	ck_assert(wait_once(&f, 5, true, &soon) & MIO_EVENT_READABLE);
	ck_assert(wait_once(&f, 5, true, &zero) & MIO_EVENT_READABLE);
	fx_close(&f);
}
END_TEST

/* The same sequence without MIO_LEVEL: one report per edge. */
START_TEST(test_level_edge_is_still_the_default)
{
	struct fx f;
	fx_open(&f);
	ck_assert_ok(mio_registry_register(f.r, f.a, 5, MIO_READABLE));
	ck_assert_int_eq(write(f.b, "xyz", 3), 3);
	ck_assert(wait_once(&f, 5, false, &soon) & MIO_EVENT_READABLE);
	ck_assert(!REPORTED(wait_once(&f, 5, true, &quiet)));
	ck_assert(!REPORTED(wait_once(&f, 5, false, &quiet)));
	fx_close(&f);
}
END_TEST

/* Writable: reported at every wait while there is room; not while the
 * send buffer is full; again once the peer drained it. */
START_TEST(test_level_writable_every_wait)
{
	struct fx f;
	fx_open(&f);
	ck_assert_ok(mio_registry_register(f.r, f.a, 6, MIO_WRITABLE | MIO_LEVEL));
	for (int i = 0; i < 4; i++)
		ck_assert(wait_once(&f, 6, i & 1, i == 0 ? &soon : &zero) & MIO_EVENT_WRITABLE);
	static char big[65536];
	while (write(f.a, big, sizeof(big)) > 0)
		;
	ck_assert(!REPORTED(wait_once(&f, 6, false, &quiet)));
	ck_assert(!REPORTED(wait_once(&f, 6, true, &quiet)));
	while (read(f.b, big, sizeof(big)) > 0)
		;
	ck_assert(wait_once(&f, 6, true, &soon) & MIO_EVENT_WRITABLE);
	ck_assert(wait_once(&f, 6, false, &zero) & MIO_EVENT_WRITABLE);
	fx_close(&f);
}
END_TEST

/* A hangup is a state too: reported at every wait (edge: once). */
START_TEST(test_level_hangup_every_wait)
{
	struct fx f;
	fx_open(&f);
	ck_assert_ok(mio_registry_register(f.r, f.a, 8, MIO_READABLE | MIO_LEVEL));
	close(f.b);
	f.b = -1;
	for (int i = 0; i < 5; i++) {
		unsigned got = wait_once(&f, 8, i & 1, i == 0 ? &soon : &zero);
		ck_assert_msg(got & MIO_EVENT_READ_CLOSED, "wait %d after the hangup: %#x", i, got);
	}
	fx_close(&f);
}
END_TEST

/* reregister switches the mode either way, and is a re-arm as always. */
START_TEST(test_level_reregister_switches_mode)
{
	struct fx f;
	fx_open(&f);
	ck_assert_ok(mio_registry_register(f.r, f.a, 9, MIO_READABLE));
	ck_assert_int_eq(write(f.b, "x", 1), 1);
	ck_assert(REPORTED(wait_once(&f, 9, false, &soon)));
	ck_assert(!REPORTED(wait_once(&f, 9, false, &quiet)));
	ck_assert_ok(mio_registry_reregister(f.r, f.a, 9, MIO_READABLE | MIO_LEVEL));
	for (int i = 0; i < 3; i++)
		ck_assert(REPORTED(wait_once(&f, 9, i & 1, i == 0 ? &soon : &zero)));
	ck_assert_ok(mio_registry_reregister(f.r, f.a, 10, MIO_READABLE));
	ck_assert(wait_once(&f, 10, true, &soon) & MIO_EVENT_READABLE);
	ck_assert(!REPORTED(wait_once(&f, 10, true, &quiet)));
	fx_close(&f);
}
END_TEST

/* The library's own stream, read partly: on the poll(2) backend an edge
 * registration is re-armed only by a read that reached -EAGAIN; a level
 * one needs nothing. */
START_TEST(test_level_library_stream_partial_reads)
{
	mio_poll *p;
	mio_events *ev;
	mio_unix_stream *a, *b;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(4, &ev));
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_stream_fd(a), 1,
					   MIO_READABLE | MIO_LEVEL));
	ck_assert_int_eq(mio_unix_stream_write(b, "0123456789", 10), 10);
	for (int i = 0; i < 10; i++) {
		ck_assert_msg(mio_test_wait_for(p, ev, 1, 10000, NULL), "read %d: no event", i);
		char c;
		ck_assert_int_eq(mio_unix_stream_read(a, &c, 1), 1);
		ck_assert_int_eq(c, '0' + i);
	}
	char c;
	ck_assert_errno(mio_unix_stream_read(a, &c, 1), EAGAIN);
	mio_test_expect_no_event(p, ev, 1, 30);
	mio_unix_stream_free(a);
	mio_unix_stream_free(b);
	mio_events_free(ev);
	mio_poll_free(p);
}
END_TEST

/* MIO_LEVEL is a mode, not an interest: alone it asks for nothing. */
START_TEST(test_level_interest_rules)
{
	struct fx f;
	fx_open(&f);
	ck_assert_errno(mio_registry_register(f.r, f.a, 1, MIO_LEVEL), EINVAL);
	ck_assert_errno(mio_registry_register(f.r, f.a, 1, MIO_LEVEL | 0x40u), EINVAL);
	ck_assert_errno(mio_registry_register(f.r, f.a, 1, MIO_LEVEL | MIO_AIO), EOPNOTSUPP);
	ck_assert_ok(mio_registry_register(f.r, f.a, 1,
					   MIO_READABLE | MIO_WRITABLE | MIO_PRIORITY | MIO_LEVEL));
	ck_assert_errno(mio_registry_reregister(f.r, f.a, 1, MIO_LEVEL), EINVAL);
	ck_assert_errno(mio_registry_register(f.r, f.a, 1, MIO_READABLE | MIO_LEVEL), EEXIST);
	ck_assert_ok(mio_registry_deregister(f.r, f.a));
	ck_assert(!REPORTED(wait_once(&f, 1, false, &zero)));
	fx_close(&f);
}
END_TEST

/* A waker on the same poll is unaffected: its wakes still coalesce into
 * one event and it re-arms itself. */
START_TEST(test_level_waker_unaffected)
{
	struct fx f;
	fx_open(&f);
	mio_waker *w;
	ck_assert_ok(mio_waker_new(f.r, 2, &w));
	ck_assert_ok(mio_registry_register(f.r, f.a, 3, MIO_WRITABLE | MIO_LEVEL));
	for (int i = 0; i < 3; i++)
		ck_assert_ok(mio_waker_wake(w));
	ck_assert(REPORTED(wait_once(&f, 2, true, &soon)));
	ck_assert(!REPORTED(wait_once(&f, 2, true, &quiet)));
	ck_assert_ok(mio_waker_wake(w));
	ck_assert(REPORTED(wait_once(&f, 2, false, &soon)));
	mio_waker_free(w);
	fx_close(&f);
}
END_TEST

#ifdef MIO_BACKEND_EPOLL
/* epoll: the registration is made without EPOLLET, as the kernel shows
 * it in /proc/self/fdinfo of the epoll fd ("tfd: N events: HEX"). */
static unsigned long fdinfo_events(int epfd, int fd)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", epfd);
	FILE *fp = fopen(path, "re");
	if (fp == NULL)
		return ~0ul;
	unsigned long ev = ~0ul;
	while (fgets(line, sizeof(line), fp) != NULL) {
		int tfd;
		unsigned long e;
		if (sscanf(line, "tfd: %d events: %lx", &tfd, &e) == 2 && tfd == fd)
			ev = e;
	}
	fclose(fp);
	return ev;
}

START_TEST(test_level_epoll_has_no_epollet)
{
	struct fx f;
	fx_open(&f);
	int epfd = mio_poll_fd(f.p);
	ck_assert_ok(mio_registry_register(f.r, f.a, 1, MIO_READABLE | MIO_LEVEL));
	ck_assert_ok(mio_registry_register(f.r, f.b, 2, MIO_READABLE));
	unsigned long la = fdinfo_events(epfd, f.a), lb = fdinfo_events(epfd, f.b);
	if (la == ~0ul || lb == ~0ul) {
		fprintf(stderr, "check_level: no /proc/self/fdinfo: EPOLLET check skipped\n");
	} else {
		ck_assert_msg((la & 0x80000000ul) == 0, "MIO_LEVEL registered with EPOLLET (%#lx)", la);
		ck_assert_msg((lb & 0x80000000ul) != 0, "default registered without EPOLLET (%#lx)", lb);
		ck_assert_ok(mio_registry_reregister(f.r, f.b, 2, MIO_READABLE | MIO_LEVEL));
		lb = fdinfo_events(epfd, f.b);
		ck_assert_msg((lb & 0x80000000ul) == 0, "reregistered MIO_LEVEL with EPOLLET (%#lx)", lb);
	}
	fx_close(&f);
}
END_TEST
#endif

MIO_SUITE(level)
{
	Suite *s = suite_create("level");
	TCase *tc = mio_tcase("level");
	tcase_add_test(tc, test_level_readable_every_wait);
	tcase_add_test(tc, test_level_edge_is_still_the_default);
	tcase_add_test(tc, test_level_writable_every_wait);
	tcase_add_test(tc, test_level_hangup_every_wait);
	tcase_add_test(tc, test_level_reregister_switches_mode);
	tcase_add_test(tc, test_level_library_stream_partial_reads);
	tcase_add_test(tc, test_level_interest_rules);
	tcase_add_test(tc, test_level_waker_unaffected);
#ifdef MIO_BACKEND_EPOLL
	tcase_add_test(tc, test_level_epoll_has_no_epollet);
#endif
	suite_add_tcase(s, tc);
	return s;
}
