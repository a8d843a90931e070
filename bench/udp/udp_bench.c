/*
 * udp_bench.c - one side of a UDP stream over loopback, through libmio
 * (bench/udp/run.sh pairs a sender with a receiver, each pinned to its
 * own CPU, and prints the table).
 *
 *   udp_bench recv MODE SIZE            prints "port=N", then one result line
 *   udp_bench send MODE SIZE MS PORT    sends for MS milliseconds, one result line
 *
 * MODE: plain  one datagram per call: mio_udp_socket_send_to / _recv
 *       batch  32 records per call: mio_udp_socket_send_msgs / _recv_msgs
 *       gso    send: one record per call, a run of datagrams of SIZE
 *              (as many as fit 65000 bytes, at most 64); receive: GRO on,
 *              32 records of 64 KiB per call, each record split by its
 *              segment_size
 * SIZE: datagram payload in bytes (64 or 1200 in run.sh).
 *
 * The receiver waits (mio_poll_wait), then receives until -EAGAIN, or in
 * the batch modes until a batch shorter than asked, which mio_udp_msg(3)
 * allows: the kernel found the queue empty, and the next datagram brings
 * the next event, on both backends.
 *
 * The sender sends data datagrams of SIZE bytes as fast as it can for
 * MS, then, after a pause, end markers (1-byte datagrams) until the
 * receiver has surely seen one.  Loopback UDP does not push back: what
 * the receiver cannot take is dropped in its queue, and each side
 * reports what it did.  The receiver counts from its first datagram to
 * its last data datagram.  CPU time is getrusage(RUSAGE_SELF), user +
 * system, from the first datagram to the end marker (the receiver sleeps
 * in its wait between the last data and the marker); "calls" counts the libmio calls made
 * in it (each is one system call here: the kernel segments, and a wait
 * is one epoll_wait or poll), so run.sh can set them beside strace's
 * counts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "udp_clock.h"

#define BATCH 32
#define GSO_BYTES 65000

static void die(const char *what, int rc)
{
	fprintf(stderr, "udp_bench: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static mio_udp_socket *open_socket(unsigned port)
{
	struct sockaddr_storage a;
	socklen_t al;
	char text[32];
	snprintf(text, sizeof(text), "127.0.0.1:%u", port);
	if (mio_addr_parse(text, &a, &al) < 0)
		die("address", -EINVAL);
	mio_udp_socket *u;
	int rc = mio_udp_socket_new_v4(&u);
	if (rc == 0)
		rc = mio_udp_socket_set_recv_buffer_size(u, 4u << 20);
	if (rc == 0)
		rc = mio_udp_socket_set_send_buffer_size(u, 4u << 20);
	if (rc == 0 && port == 0)
		rc = mio_udp_socket_bind_to(u, (struct sockaddr *)&a, al);
	if (rc == 0 && port != 0)
		rc = mio_udp_socket_connect(u, (struct sockaddr *)&a, al);
	if (rc < 0)
		die("socket", rc);
	return u;
}

static int mode_of(const char *m)
{
	if (strcmp(m, "plain") == 0)
		return 0;
	if (strcmp(m, "batch") == 0)
		return 1;
	if (strcmp(m, "gso") == 0)
		return 2;
	fprintf(stderr, "udp_bench: unknown mode %s\n", m);
	exit(2);
}

/* ------------------------------------------------------------------ */

static int run_recv(int mode, size_t size)
{
	mio_udp_socket *u = open_socket(0);
	if (mode == 2) {
		int rc = mio_udp_socket_set_gro(u, true);
		if (rc < 0)
			die("gro", rc);
	}
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);
	mio_udp_socket_local_addr(u, &a, &al);
	uint32_t gro = 0, rcvbuf = 0;
	mio_udp_socket_gro_segments(u, &gro);
	mio_udp_socket_recv_buffer_size(u, &rcvbuf);
	printf("port=%u\n", ntohs(((struct sockaddr_in *)&a)->sin_port));
	fflush(stdout);

	mio_poll *p;
	mio_events *ev;
	if (mio_poll_new(&p) < 0 || mio_events_new(8, &ev) < 0)
		die("poll", -ENOMEM);
	mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(u), 0, MIO_READABLE);

	size_t cap = mode == 2 ? 65535 : size;
	unsigned char *room = malloc(BATCH * cap);
	mio_udp_msg m[BATCH];
	memset(m, 0, sizeof(m));
	for (int i = 0; i < BATCH; i++) {
		m[i].buf = room + i * cap;
		m[i].capacity = cap;
	}
	unsigned long long dgrams = 0, records = 0, calls = 0, waits = 0;
	double t0 = 0, t1 = 0, c0 = 0, c1 = 0;
	bool started = false, done = false;
	const struct timespec limit = { 10, 0 };
	while (!done) {
		int rc = mio_poll_wait(p, ev, &limit);
		waits++;
		if (rc == 0) {
			fprintf(stderr, "udp_bench: recv: nothing for 10 s\n");
			return 1;
		}
		if (rc < 0 && rc != -EINTR)
			die("wait", rc);
		for (;;) {
			unsigned long long before = dgrams;
			int n;
			calls++;
			if (mode == 0) {
				ssize_t r = mio_udp_socket_recv(u, room, cap);
				n = r == -EAGAIN ? -EAGAIN : 1;
				if (r == 1)
					done = true;
				else if (r > 0)
					dgrams++;
			} else {
				n = mio_udp_socket_recv_msgs(u, m, BATCH);
				for (int i = 0; i < n; i++) {
					records++;
					if (m[i].len == 1) {
						done = true;
						continue;
					}
					dgrams += m[i].segment_size
							  ? (m[i].len + m[i].segment_size - 1) / m[i].segment_size
							  : 1;
				}
			}
			if (n == -EAGAIN)
				break;
			if (n < 0)
				die("recv", n);
			/* clock_gettime is a vDSO call, getrusage a system call:
			 * CPU is read at the first datagram and at the end
			 * marker only (the wait before the marker is asleep). */
			if (dgrams > before) {
				if (!started) {
					started = true;
					t0 = now();
					c0 = cpu();
					calls = 1;
					waits = 1;
				}
				t1 = now();
			}
			if (done)
				break;
			/* A short batch: the queue was empty when the kernel
			 * looked, and the next datagram brings an event
			 * (mio_udp_msg(3)); no call to see -EAGAIN. */
			if (mode != 0 && n < BATCH)
				break;
		}
	}
	c1 = cpu();
	/* The end marker's wait and call are not part of the stream. */
	printf("role=recv mode=%s size=%zu dgrams=%llu records=%llu secs=%.6f cpu=%.6f "
	       "calls=%llu waits=%llu gro=%u rcvbuf=%u\n",
	       mode == 0 ? "plain" : mode == 1 ? "batch" : "gso", size, dgrams, records, t1 - t0,
	       c1 - c0, calls - 1, waits - 1, gro, rcvbuf);
	free(room);
	mio_udp_socket_free(u);
	mio_events_free(ev);
	mio_poll_free(p);
	return 0;
}

/* ------------------------------------------------------------------ */

static int run_send(int mode, size_t size, double secs, unsigned port)
{
	mio_udp_socket *u = open_socket(port);
	uint32_t gso = 0;
	mio_udp_socket_gso_segments(u, &gso);
	size_t per = GSO_BYTES / size;
	if (per > MIO_UDP_MAX_SEGMENTS)
		per = MIO_UDP_MAX_SEGMENTS;
	size_t room = mode == 2 ? per * size : BATCH * size;
	unsigned char *buf = calloc(1, room);
	for (size_t i = 0; i < room; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	mio_udp_msg m[BATCH];
	memset(m, 0, sizeof(m));
	for (int i = 0; i < BATCH; i++) {
		m[i].buf = buf + (mode == 2 ? 0 : i * size);
		m[i].len = mode == 2 ? per * size : size;
		m[i].segment_size = mode == 2 ? (uint32_t)size : 0;
	}
	/* Datagrams are counted once the kernel took them; -EAGAIN (a full
	 * send buffer, rare on loopback) retries at once. */
	unsigned long long dgrams = 0, calls = 0, again = 0;
	double t0 = now(), c0 = cpu(), end = t0 + secs, t = t0;
	while (t < end) {
		for (int k = 0; k < 64; k++) {
			calls++;
			if (mode == 0) {
				ssize_t r = mio_udp_socket_send(u, buf, size);
				if (r > 0)
					dgrams++;
				else if (r == -EAGAIN)
					again++;
				else
					die("send", (int)r);
			} else {
				int n = mio_udp_socket_send_msgs(u, m, mode == 2 ? 1 : BATCH);
				if (n > 0)
					dgrams += (unsigned long long)n * (mode == 2 ? per : 1);
				else if (n == -EAGAIN)
					again++;
				else
					die("send_msgs", n);
			}
		}
		t = now();
	}
	double c1 = cpu();
	printf("role=send mode=%s size=%zu dgrams=%llu secs=%.6f cpu=%.6f calls=%llu again=%llu "
	       "gso=%u per_call=%zu\n",
	       mode == 0 ? "plain" : mode == 1 ? "batch" : "gso", size, dgrams, t - t0, c1 - c0,
	       calls, again, gso, mode == 0 ? 1 : mode == 1 ? (size_t)BATCH : per);
	fflush(stdout);
	/* End markers, after the queue had time to drain. */
	const struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	for (int i = 0; i < 40; i++) {
		mio_udp_socket_send(u, "E", 1);
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	free(buf);
	mio_udp_socket_free(u);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return run_recv(mode_of(argv[2]), (size_t)atoi(argv[3]));
	if (argc == 6 && strcmp(argv[1], "send") == 0)
		return run_send(mode_of(argv[2]), (size_t)atoi(argv[3]), atof(argv[4]) / 1000,
				(unsigned)atoi(argv[5]));
	fprintf(stderr, "usage: udp_bench recv MODE SIZE | send MODE SIZE MS PORT\n");
	return 2;
}
