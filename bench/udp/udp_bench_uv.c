/*
 * udp_bench_uv.c - the receiving side of bench/udp through libuv's
 * recvmmsg path (uv_udp_init_ex(..., UV_UDP_RECVMMSG), libuv >= 1.37), for
 * comparison with udp_bench's "batch" receiver in the same run.
 *
 *   udp_bench_uv recv SIZE      prints "port=N", then one result line
 *
 * libuv uses recvmmsg(2) only when the buffer its alloc callback returns
 * holds several 64 KiB datagrams (UV__UDP_DGRAM_MAXSIZE); it reads up to
 * 20 of them per call (UV__MMSG_MAXWIDTH, not settable) and up to 32
 * calls per readiness event.  So the buffer is 20 x 64 KiB, allocated
 * once; the callbacks count.  The output line has udp_bench's fields.
 *
 * SPDX-License-Identifier: MIT
 */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "udp_clock.h"

#define CHUNKS 20
#define CHUNK (64 * 1024)

static char *slab;
static unsigned long long dgrams, callbacks;
static double t0, t1, c0, c1;
static int started;
static uv_udp_t h;
static uv_timer_t idle;

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	(void)handle;
	(void)suggested;
	buf->base = slab;
	buf->len = CHUNKS * CHUNK;
}

static void on_timeout(uv_timer_t *t)
{
	(void)t;
	fprintf(stderr, "udp_bench_uv: recv: nothing for 10 s\n");
	exit(1);
}

static void on_recv(uv_udp_t *handle, ssize_t nread, const uv_buf_t *buf,
		    const struct sockaddr *addr, unsigned flags)
{
	(void)buf;
	callbacks++;
	if (nread < 0) {
		fprintf(stderr, "udp_bench_uv: %s\n", uv_strerror((int)nread));
		exit(1);
	}
	if (addr == NULL || (flags & UV_UDP_MMSG_FREE))
		return;  /* end of a batch, or nothing more now */
	if (nread == 1) {
		c1 = cpu();
		uv_udp_recv_stop(handle);
		uv_timer_stop(&idle);
		return;
	}
	dgrams++;
	if (!started) {
		started = 1;
		t0 = now();
		c0 = cpu();
	}
	t1 = now();  /* vDSO; getrusage (a system call) only at both ends */
	uv_timer_again(&idle);
}

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "recv") != 0) {
		fprintf(stderr, "usage: udp_bench_uv recv SIZE\n");
		return 2;
	}
	size_t size = (size_t)atoi(argv[2]);
	uv_loop_t *loop = uv_default_loop();
	slab = malloc(CHUNKS * CHUNK);
	if (slab == NULL || uv_udp_init_ex(loop, &h, AF_INET | UV_UDP_RECVMMSG) != 0)
		return 1;
	struct sockaddr_in a;
	uv_ip4_addr("127.0.0.1", 0, &a);
	if (uv_udp_bind(&h, (const struct sockaddr *)&a, 0) != 0)
		return 1;
	int rcvbuf = 4 << 20;
	uv_recv_buffer_size((uv_handle_t *)&h, &rcvbuf);
	rcvbuf = 0;
	uv_recv_buffer_size((uv_handle_t *)&h, &rcvbuf);
	int alen = sizeof(a);
	uv_udp_getsockname(&h, (struct sockaddr *)&a, &alen);
	printf("port=%u\n", ntohs(a.sin_port));
	fflush(stdout);
	uv_timer_init(loop, &idle);
	uv_timer_start(&idle, on_timeout, 10000, 10000);
	uv_udp_recv_start(&h, on_alloc, on_recv);
	uv_run(loop, UV_RUN_DEFAULT);
	printf("role=recv mode=libuv size=%zu dgrams=%llu records=%llu secs=%.6f cpu=%.6f "
	       "calls=0 waits=0 gro=1 rcvbuf=%d using_recvmmsg=%d\n",
	       size, dgrams, dgrams, t1 - t0, c1 - c0, rcvbuf, uv_udp_using_recvmmsg(&h));
	uv_close((uv_handle_t *)&h, NULL);
	uv_close((uv_handle_t *)&idle, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	free(slab);
	return 0;
}
