/*
 * bench.c - main() and the traffic of every C benchmark program.
 *
 *   bench_<system> w1 N        ping-pong, N measured round trips
 *   bench_<system> w2 F ITERS  dispatch over F pairs ("max": as many as
 *                              RLIMIT_NOFILE allows, at most 100,000)
 *   bench_<system> w3 N        register + deregister one fd N times
 *
 * prints one line of key=value pairs (run.sh reads it).  allocs counts
 * malloc-family calls between the marks when libmalloccount.so is
 * preloaded, and is -1 otherwise.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include "bench.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WARMUP_W1 1000   /* round trips before the marks */
#define WARMUP_W2 100    /* iterations before the marks */
#define ACTIVE    100    /* pairs written per W2 iteration */
#define BUF       64     /* read size: more than anything pending */
#define FD_RESERVE 200   /* fds left for stdio and the libraries' own */
#define F_LIMIT   100000

static unsigned long (*malloc_count)(void);
static struct timespec t_setup0, t_setup1, t_mark0, t_mark1;
static unsigned long allocs0, allocs1;

static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

void bench_fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", bench_system, what, strerror(err < 0 ? -err : err));
	exit(2);
}

void bench_setup_start(void) { clock_gettime(CLOCK_MONOTONIC, &t_setup0); }
void bench_setup_stop(void)  { clock_gettime(CLOCK_MONOTONIC, &t_setup1); }

void bench_mark_start(void)
{
	allocs0 = malloc_count ? malloc_count() : 0;
	clock_gettime(CLOCK_MONOTONIC, &t_mark0);
}

void bench_mark_stop(void)
{
	clock_gettime(CLOCK_MONOTONIC, &t_mark1);
	allocs1 = malloc_count ? malloc_count() : 0;
}

static void make_pair(int p[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p) < 0)
		bench_fail("socketpair", errno);
}

/* ---- W1 ------------------------------------------------------------ */

static int  w1_fd0;
static long w1_trips, w1_total;
static bool w1_marked;

void bench_w1_start(void)
{
	if (write(w1_fd0, "x", 1) != 1)
		bench_fail("write", errno);
}

bool bench_w1_hop(int fd)
{
	char buf[BUF];
	if (read(fd, buf, sizeof(buf)) != 1)
		bench_fail("w1 read", errno);
	if (fd == w1_fd0) {
		w1_trips++;
		if (w1_trips == WARMUP_W1 && !w1_marked) {
			w1_marked = true;
			bench_mark_start();
		}
		if (w1_trips == w1_total) {
			bench_mark_stop();
			return true;
		}
	}
	if (write(fd, buf, 1) != 1)
		bench_fail("w1 write", errno);
	return false;
}

/* ---- W2 ------------------------------------------------------------ */

static const int    *w2_rd;
static int          *w2_wr;
static long          w2_f, w2_iter, w2_iters, w2_npending;
static unsigned char *w2_pending;
static uint32_t      w2_rng = 2463534242u;

/* Marsaglia's xorshift32: cheap, and trivially the same in Rust. */
static uint32_t xorshift32(void)
{
	uint32_t x = w2_rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return w2_rng = x;
}

bool bench_w2_fire(void)
{
	if (w2_iter == WARMUP_W2)
		bench_mark_start();
	if (w2_iter == WARMUP_W2 + w2_iters) {
		bench_mark_stop();
		return false;
	}
	w2_iter++;
	for (int k = 0; k < ACTIVE; k++) {
		long i = (long)(xorshift32() % (uint32_t)w2_f);
		if (write(w2_wr[i], "x", 1) != 1)
			bench_fail("w2 write", errno);
		if (!w2_pending[i]) {
			w2_pending[i] = 1;
			w2_npending++;
		}
	}
	return true;
}

bool bench_w2_pending(void)
{
	return w2_npending > 0;
}

void bench_w2_drain(long i)
{
	char buf[BUF];
	if (i < 0 || i >= w2_f || !w2_pending[i])
		bench_fail("w2 event for a pair that was not written", EPROTO);
	if (read(w2_rd[i], buf, sizeof(buf)) <= 0)
		bench_fail("w2 read", errno);
	w2_pending[i] = 0;
	w2_npending--;
}

/* Soft RLIMIT_NOFILE up to the hard one; F is what two fds a pair leave. */
static long max_pairs(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		bench_fail("getrlimit", errno);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		bench_fail("setrlimit", errno);
	long f = rl.rlim_cur == RLIM_INFINITY ? F_LIMIT : ((long)rl.rlim_cur - FD_RESERVE) / 2;
	return f > F_LIMIT ? F_LIMIT : f;
}

static long arg_long(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0) {
		fprintf(stderr, "bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_%s w1 N | w2 F|max ITERS | w3 N\n", bench_system);
	exit(2);
}

int main(int argc, char **argv)
{
	malloc_count = (unsigned long (*)(void))dlsym(RTLD_DEFAULT, "bench_malloc_count");
	if (argc < 3)
		usage();
	const char *w = argv[1];

	if (strcmp(w, "w1") == 0 && argc == 3) {
		long n = arg_long(argv[2]);
		int p[2];
		make_pair(p);
		w1_fd0 = p[0];
		w1_total = WARMUP_W1 + n;
		bench_w1(p);
		printf("system=%s workload=w1 n=%ld ns_per_op=%.1f allocs=%ld\n", bench_system, n,
		       (double)ns_between(&t_mark0, &t_mark1) / (double)n,
		       malloc_count ? (long)(allocs1 - allocs0) : -1L);
	} else if (strcmp(w, "w2") == 0 && argc == 4) {
		long f = strcmp(argv[2], "max") == 0 ? max_pairs() : (max_pairs(), arg_long(argv[2]));
		w2_iters = arg_long(argv[3]);
		int *rd = malloc((size_t)f * sizeof(int));
		w2_wr = malloc((size_t)f * sizeof(int));
		w2_pending = calloc((size_t)f, 1);
		if (rd == NULL || w2_wr == NULL || w2_pending == NULL)
			bench_fail("malloc", ENOMEM);
		for (long i = 0; i < f; i++) {
			int p[2];
			make_pair(p);
			rd[i] = p[0];
			w2_wr[i] = p[1];
		}
		w2_rd = rd;
		w2_f = f;
		bench_w2(rd, f);
		printf("system=%s workload=w2 f=%ld iters=%ld us_per_op=%.2f setup_us=%.0f allocs=%ld\n",
		       bench_system, f, w2_iters,
		       (double)ns_between(&t_mark0, &t_mark1) / 1e3 / (double)w2_iters,
		       (double)ns_between(&t_setup0, &t_setup1) / 1e3,
		       malloc_count ? (long)(allocs1 - allocs0) : -1L);
	} else if (strcmp(w, "w3") == 0 && argc == 3) {
		long n = arg_long(argv[2]);
		int p[2];
		make_pair(p);
		bench_w3(p[0], n);
		printf("system=%s workload=w3 n=%ld ns_per_op=%.1f allocs=%ld\n", bench_system, n,
		       (double)ns_between(&t_mark0, &t_mark1) / (double)n,
		       malloc_count ? (long)(allocs1 - allocs0) : -1L);
	} else {
		usage();
	}
	return 0;
}
