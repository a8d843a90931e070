/*
 * bench_ev.c - libev 4 (ev_io watchers, its epoll backend).  libev's
 * watchers are level-triggered; the loop runs one iteration (one
 * epoll_wait) per hop.  ev_io_start/ev_io_stop only queue an fd change,
 * applied at the next loop iteration: W3 makes no syscall at all.
 *
 * SPDX-License-Identifier: MIT
 */
#include "bench.h"

#include <ev.h>
#include <stdlib.h>

const char bench_system[] = "libev";

static struct ev_loop *loop;

static void open_loop(void)
{
	loop = ev_loop_new(EVBACKEND_EPOLL);
	if (loop == NULL)
		bench_fail("ev_loop_new", 0);
}

static void w1_cb(struct ev_loop *l, ev_io *w, int revents)
{
	if ((revents & EV_READ) && bench_w1_hop(w->fd))
		ev_break(l, EVBREAK_ALL);
}

void bench_w1(int p[2])
{
	static ev_io w[2];
	open_loop();
	for (int i = 0; i < 2; i++) {
		ev_io_init(&w[i], w1_cb, p[i], EV_READ);
		ev_io_start(loop, &w[i]);
	}
	bench_w1_start();
	ev_run(loop, 0);
}

static void w2_cb(struct ev_loop *l, ev_io *w, int revents)
{
	if (revents & EV_READ)
		bench_w2_drain((long)(intptr_t)w->data);
}

void bench_w2(const int *rd, long f)
{
	ev_io *w = calloc((size_t)f, sizeof(*w));
	if (w == NULL)
		bench_fail("calloc", 12);
	open_loop();
	bench_setup_start();
	for (long i = 0; i < f; i++) {
		ev_io_init(&w[i], w2_cb, rd[i], EV_READ);
		w[i].data = (void *)(intptr_t)i;
		ev_io_start(loop, &w[i]);
	}
	ev_run(loop, EVRUN_NOWAIT);
	bench_setup_stop();
	while (bench_w2_fire())
		while (bench_w2_pending())
			ev_run(loop, EVRUN_ONCE);
}

static void w3_cb(struct ev_loop *l, ev_io *w, int revents)
{
}

void bench_w3(int fd, long n)
{
	ev_io w;
	open_loop();
	ev_io_init(&w, w3_cb, fd, EV_READ);
	bench_mark_start();
	for (long i = 0; i < n; i++) {
		ev_io_start(loop, &w);
		ev_io_stop(loop, &w);
	}
	bench_mark_stop();
}
