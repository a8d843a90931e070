/*
 * bench_mio.c - libmio, written the way its manual tells a user to:
 * mio_poll_wait, then mio_events_get, mio_event_token and
 * mio_event_is_readable for each event.  Linked with -lmio (the shared
 * library), and again, as bench_mio_lto, with the library's sources
 * compiled in with -flto.
 *
 * Built a third time with -DBENCH_MIO_COPY, as bench_mio_copy (system
 * "libmio-copy", also -lmio): the event loops of W1 and W2 use the 1.1
 * batch call instead, mio_poll_wait then one mio_events_copy into an array
 * of mio_event_info, so the loop crosses the library boundary twice per
 * wait instead of 1 + 3 per event.
 *
 * And a fourth time with -DBENCH_MIO_RAW, as bench_mio_raw (system
 * "libmio-raw", -lmio): the 1.2 one-call wait, mio_poll_wait_raw into an
 * array of mio_raw_event read with the inline mio_raw_event_token and
 * mio_raw_event_readiness of mio.h: one crossing of the library boundary
 * per wait, none per event.
 *
 * SPDX-License-Identifier: MIT
 */
#include "bench.h"

#include <mio.h>
#include <stddef.h>

#if defined(BENCH_MIO_COPY)
const char bench_system[] = "libmio-copy";
static mio_event_info info[BENCH_EVENTS];
#elif defined(BENCH_MIO_RAW)
const char bench_system[] = "libmio-raw";
static mio_raw_event raw[BENCH_EVENTS];
#ifdef BENCH_RAW_READINESS
#define RAW_READABLE(e) (mio_raw_event_readiness(e) & MIO_EVENT_READABLE)
#else
/* One question per event: the flag test mio_events(3) gives for it. */
#define RAW_READABLE(e) ((e)->flags & (MIO_RAW_IN | MIO_RAW_PRI))
#endif
#else
const char bench_system[] = "libmio";
#endif

static mio_poll     *mp;
static mio_registry *reg;
#ifndef BENCH_MIO_RAW
static mio_events   *events;
#endif

static void open_poll(void)
{
	int r = mio_poll_new(&mp);
	if (r < 0)
		bench_fail("mio_poll_new", r);
	reg = mio_poll_registry(mp);
#ifndef BENCH_MIO_RAW  /* the caller's array instead */
	r = mio_events_new(BENCH_EVENTS, &events);
	if (r < 0)
		bench_fail("mio_events_new", r);
#endif
}

static void add(int fd, mio_token token)
{
	int r = mio_registry_register(reg, fd, token, MIO_READABLE);
	if (r < 0)
		bench_fail("mio_registry_register", r);
}

#ifdef BENCH_MIO_RAW
static int wait_raw(const struct timespec *timeout)
{
	int n = mio_poll_wait_raw(mp, raw, BENCH_EVENTS, timeout);
	if (n < 0)
		bench_fail("mio_poll_wait_raw", n);
	return n;
}
#else
static int wait_events(const struct timespec *timeout)
{
	int n = mio_poll_wait(mp, events, timeout);
	if (n < 0)
		bench_fail("mio_poll_wait", n);
	return n;
}
#endif

void bench_w1(int p[2])
{
	open_poll();
	add(p[0], (mio_token)p[0]);
	add(p[1], (mio_token)p[1]);
	bench_w1_start();
	for (;;) {
#if defined(BENCH_MIO_COPY)
		wait_events(NULL);
		size_t n = mio_events_copy(events, 0, info, BENCH_EVENTS);
		for (size_t i = 0; i < n; i++)
			if ((info[i].readiness & MIO_EVENT_READABLE) &&
			    bench_w1_hop((int)info[i].token))
				return;
#elif defined(BENCH_MIO_RAW)
		int n = wait_raw(NULL);
		for (int i = 0; i < n; i++)
			if ((RAW_READABLE(&raw[i])) &&
			    bench_w1_hop((int)mio_raw_event_token(&raw[i])))
				return;
#else
		int n = wait_events(NULL);
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(events, (size_t)i);
			if (mio_event_is_readable(e) && bench_w1_hop((int)mio_event_token(e)))
				return;
		}
#endif
	}
}

void bench_w2(const int *rd, long f)
{
	static const struct timespec zero = { 0, 0 };
	open_poll();
	bench_setup_start();
	for (long i = 0; i < f; i++)
		add(rd[i], (mio_token)i);
#ifdef BENCH_MIO_RAW
	wait_raw(&zero);
#else
	wait_events(&zero);
#endif
	bench_setup_stop();
	while (bench_w2_fire())
		while (bench_w2_pending()) {
#if defined(BENCH_MIO_COPY)
			wait_events(NULL);
			size_t n = mio_events_copy(events, 0, info, BENCH_EVENTS);
			for (size_t i = 0; i < n; i++)
				if (info[i].readiness & MIO_EVENT_READABLE)
					bench_w2_drain((long)info[i].token);
#elif defined(BENCH_MIO_RAW)
			int n = wait_raw(NULL);
			for (int i = 0; i < n; i++)
				if (RAW_READABLE(&raw[i]))
					bench_w2_drain((long)mio_raw_event_token(&raw[i]));
#else
			int n = wait_events(NULL);
			for (int i = 0; i < n; i++) {
				const mio_event *e = mio_events_get(events, (size_t)i);
				if (mio_event_is_readable(e))
					bench_w2_drain((long)mio_event_token(e));
			}
#endif
		}
}

void bench_w3(int fd, long n)
{
	open_poll();
	bench_mark_start();
	for (long i = 0; i < n; i++) {
		int r = mio_registry_register(reg, fd, 1, MIO_READABLE);
		if (r < 0)
			bench_fail("mio_registry_register", r);
		r = mio_registry_deregister(reg, fd);
		if (r < 0)
			bench_fail("mio_registry_deregister", r);
	}
	bench_mark_stop();
}
