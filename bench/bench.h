/*
 * bench.h - the shared driver of the libmio benchmarks.
 *
 * Every system (raw epoll, libmio, libev, libevent, libuv; Rust mio has
 * its own copy of this driver in rust-mio/src/main.rs) implements the
 * same three workloads on the same fds, and bench.c does everything
 * else: arguments, the socketpairs, the clock, the allocation markers,
 * the traffic and the result line, so the systems differ only in their
 * event loop.
 *
 * The I/O is raw read(2)/write(2) on AF_UNIX stream socketpairs in every
 * system, one read per readable event with a buffer larger than anything
 * pending (a short read from a stream socket means it was drained, so
 * edge-triggered loops need no extra read to see EAGAIN), so the figures
 * measure readiness handling, not I/O wrappers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_BENCH_H
#define MIO_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* Events per wait: more than the W2 active count, so one wait gets all. */
#define BENCH_EVENTS 1024

/* Implemented by each system (bench_<system>.c). */
extern const char bench_system[];

/*
 * W1 ping-pong.  The system registers p[0] and p[1] readable, calls
 * bench_w1_start(), then loops; for every readable event on fd it calls
 * bench_w1_hop(fd), and stops when that returns true.  One wait per hop.
 */
void bench_w1(int p[2]);
void bench_w1_start(void);
bool bench_w1_hop(int fd);

/*
 * W2 dispatch.  rd[i] (i < f) are the fds to register readable, with
 * token / user data i.  The system calls bench_setup_start(), registers
 * them all, does one wait with a zero timeout (so a library that only
 * queues changes pays for applying them), calls bench_setup_stop(), then:
 *     while (bench_w2_fire())
 *         while (bench_w2_pending())
 *             wait, and bench_w2_drain(i) for every readable event i;
 */
void bench_w2(const int *rd, long f);
bool bench_w2_fire(void);
bool bench_w2_pending(void);
void bench_w2_drain(long i);

/* W3 churn: register and deregister fd n times between the two marks. */
void bench_w3(int fd, long n);

void bench_setup_start(void);
void bench_setup_stop(void);
void bench_mark_start(void);
void bench_mark_stop(void);
/* Prints "<bench_system>: <what>: <strerror(err)>" and exits 2. */
void bench_fail(const char *what, int err) __attribute__((noreturn));

#endif
