/*
 * bench_uv.c - libuv 1 (uv_poll_t readiness handles, its epoll backend).
 * uv_poll_start/uv_poll_stop only queue the change; libuv applies it
 * with epoll_ctl inside the next uv_run, so W3 (no loop iteration in
 * between) makes no syscall.
 *
 * SPDX-License-Identifier: MIT
 */
#include "bench.h"

#include <stdlib.h>
#include <uv.h>

const char bench_system[] = "libuv";

static uv_loop_t loop;

static void open_loop(void)
{
	int r = uv_loop_init(&loop);
	if (r < 0)
		bench_fail("uv_loop_init", r);
}

static void w1_cb(uv_poll_t *h, int status, int events)
{
	if (status < 0)
		bench_fail("uv_poll", status);
	if ((events & UV_READABLE) && bench_w1_hop((int)(intptr_t)h->data))
		uv_stop(&loop);
}

void bench_w1(int p[2])
{
	static uv_poll_t h[2];
	open_loop();
	for (int i = 0; i < 2; i++) {
		int r = uv_poll_init(&loop, &h[i], p[i]);
		if (r < 0)
			bench_fail("uv_poll_init", r);
		h[i].data = (void *)(intptr_t)p[i];
		r = uv_poll_start(&h[i], UV_READABLE, w1_cb);
		if (r < 0)
			bench_fail("uv_poll_start", r);
	}
	bench_w1_start();
	uv_run(&loop, UV_RUN_DEFAULT);
}

static void w2_cb(uv_poll_t *h, int status, int events)
{
	if (status < 0)
		bench_fail("uv_poll", status);
	if (events & UV_READABLE)
		bench_w2_drain((long)(intptr_t)h->data);
}

void bench_w2(const int *rd, long f)
{
	uv_poll_t *h = calloc((size_t)f, sizeof(*h));
	if (h == NULL)
		bench_fail("calloc", 12);
	open_loop();
	bench_setup_start();
	for (long i = 0; i < f; i++) {
		int r = uv_poll_init(&loop, &h[i], rd[i]);
		if (r < 0)
			bench_fail("uv_poll_init", r);
		h[i].data = (void *)(intptr_t)i;
		r = uv_poll_start(&h[i], UV_READABLE, w2_cb);
		if (r < 0)
			bench_fail("uv_poll_start", r);
	}
	uv_run(&loop, UV_RUN_NOWAIT);
	bench_setup_stop();
	while (bench_w2_fire())
		while (bench_w2_pending())
			uv_run(&loop, UV_RUN_ONCE);
}

static void w3_cb(uv_poll_t *h, int status, int events)
{
}

void bench_w3(int fd, long n)
{
	static uv_poll_t h;
	open_loop();
	int r = uv_poll_init(&loop, &h, fd);
	if (r < 0)
		bench_fail("uv_poll_init", r);
	bench_mark_start();
	for (long i = 0; i < n; i++) {
		uv_poll_start(&h, UV_READABLE, w3_cb);
		uv_poll_stop(&h);
	}
	bench_mark_stop();
}
