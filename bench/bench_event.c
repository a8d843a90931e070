/*
 * bench_event.c - libevent 2.1 (event_new'd events, its epoll backend, no
 * changelist: event_add/event_del call epoll_ctl at once).  Persistent
 * level-triggered read events; one event_base_loop(EVLOOP_ONCE) or one
 * dispatch iteration (one epoll_wait) per hop.
 *
 * SPDX-License-Identifier: MIT
 */
#include "bench.h"

#include <event2/event.h>
#include <string.h>

const char bench_system[] = "libevent";

static struct event_base *base;

static void open_base(void)
{
	base = event_base_new();
	if (base == NULL)
		bench_fail("event_base_new", 0);
	if (strcmp(event_base_get_method(base), "epoll") != 0)
		bench_fail("libevent did not choose epoll", 0);
}

static void w1_cb(evutil_socket_t fd, short what, void *arg)
{
	if ((what & EV_READ) && bench_w1_hop(fd))
		event_base_loopbreak(base);
}

void bench_w1(int p[2])
{
	open_base();
	for (int i = 0; i < 2; i++) {
		struct event *ev = event_new(base, p[i], EV_READ | EV_PERSIST, w1_cb, NULL);
		if (ev == NULL || event_add(ev, NULL) < 0)
			bench_fail("event_add", 0);
	}
	bench_w1_start();
	if (event_base_dispatch(base) < 0)
		bench_fail("event_base_dispatch", 0);
}

static void w2_cb(evutil_socket_t fd, short what, void *arg)
{
	if (what & EV_READ)
		bench_w2_drain((long)(intptr_t)arg);
}

void bench_w2(const int *rd, long f)
{
	open_base();
	bench_setup_start();
	for (long i = 0; i < f; i++) {
		struct event *e = event_new(base, rd[i], EV_READ | EV_PERSIST, w2_cb, (void *)(intptr_t)i);
		if (e == NULL || event_add(e, NULL) < 0)
			bench_fail("event_add", 0);
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	bench_setup_stop();
	while (bench_w2_fire())
		while (bench_w2_pending())
			event_base_loop(base, EVLOOP_ONCE);
}

static void w3_cb(evutil_socket_t fd, short what, void *arg)
{
}

void bench_w3(int fd, long n)
{
	open_base();
	struct event *ev = event_new(base, fd, EV_READ | EV_PERSIST, w3_cb, NULL);
	if (ev == NULL)
		bench_fail("event_new", 0);
	bench_mark_start();
	for (long i = 0; i < n; i++) {
		if (event_add(ev, NULL) < 0)
			bench_fail("event_add", 0);
		if (event_del(ev) < 0)
			bench_fail("event_del", 0);
	}
	bench_mark_stop();
}
