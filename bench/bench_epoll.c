/*
 * bench_epoll.c - the floor: a hand-written edge-triggered epoll(7) loop,
 * with the interest bits libmio asks for (EPOLLIN|EPOLLRDHUP|EPOLLET) and
 * the fd index as the event's data, as a C programmer would write it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "bench.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

const char bench_system[] = "epoll";

static int epfd;
static struct epoll_event events[BENCH_EVENTS];

static void add(int fd, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u64 = data };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		bench_fail("epoll_ctl ADD", errno);
}

static int wait_events(int timeout_ms)
{
	int n = epoll_wait(epfd, events, BENCH_EVENTS, timeout_ms);
	if (n < 0)
		bench_fail("epoll_wait", errno);
	return n;
}

static void open_epoll(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		bench_fail("epoll_create1", errno);
}

void bench_w1(int p[2])
{
	open_epoll();
	add(p[0], (uint64_t)p[0]);
	add(p[1], (uint64_t)p[1]);
	bench_w1_start();
	for (;;) {
		int n = wait_events(-1);
		for (int i = 0; i < n; i++)
			if ((events[i].events & EPOLLIN) && bench_w1_hop((int)events[i].data.u64))
				return;
	}
}

void bench_w2(const int *rd, long f)
{
	open_epoll();
	bench_setup_start();
	for (long i = 0; i < f; i++)
		add(rd[i], (uint64_t)i);
	wait_events(0);
	bench_setup_stop();
	while (bench_w2_fire())
		while (bench_w2_pending()) {
			int n = wait_events(-1);
			for (int i = 0; i < n; i++)
				if (events[i].events & EPOLLIN)
					bench_w2_drain((long)events[i].data.u64);
		}
}

void bench_w3(int fd, long n)
{
	open_epoll();
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u64 = 1 };
	bench_mark_start();
	for (long i = 0; i < n; i++) {
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			bench_fail("epoll_ctl ADD", errno);
		if (epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev) < 0)
			bench_fail("epoll_ctl DEL", errno);
	}
	bench_mark_stop();
}
