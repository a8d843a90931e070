/*
 * reuseport_client.c - the load for bench/reuseport: many TCP connections
 * doing request/response ping-pong against an echo server, for a fixed
 * time, counting completed round trips.
 *
 *   reuseport_client ADDR CONNS SECONDS [SIZE [THREADS [SERVER_PID]]]
 *
 * CONNS connections (spread over THREADS client threads, default 2, each
 * with its own raw epoll: the client is plain Linux, not libmio, so it
 * measures the server only) each send SIZE bytes (default 64), wait for
 * all SIZE to come back, and send again.  After a warm-up of a quarter of
 * SECONDS (at most 1 s) the round trips completed in SECONDS are counted.
 * With SERVER_PID, the server's CPU time (utime + stime of the whole
 * process, /proc/PID/stat) is read at the two ends of the counted
 * interval, by the client itself so that the window is exactly the one
 * the requests are counted in.  One result line:
 *
 *   conns=200 size=64 seconds=3.000 requests=123456 rps=41152 server_cpu=0.93
 *
 * Exit status 1 when a connection fails or echoes wrong bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 65536

struct cconn {
	int fd;
	size_t got;
	unsigned char seed;
};

struct cthread {
	pthread_t thread;
	int first, n;          /* connections [first, first + n) */
	unsigned long long done;
	int error;
};

static struct sockaddr_storage addr;
static socklen_t addr_len;
static size_t size = 64;
static struct cconn *conns;
static atomic_int phase;  /* 0 warm-up, 1 counting, 2 stop */

/* utime + stime of process pid in seconds, or -1. */
static double proc_cpu(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which may hold spaces: from the
	 * last ')', state is field 3, utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (p == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_addr(const char *text)
{
	char host[128];
	const char *colon = strrchr(text, ':');
	if (colon == NULL || (size_t)(colon - text) >= sizeof(host))
		return -1;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	int port = atoi(colon + 1);
	memset(&addr, 0, sizeof(addr));
	struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		addr_len = sizeof(*a4);
		return 0;
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons((uint16_t)port);
			addr_len = sizeof(*a6);
			return 0;
		}
	}
	return -1;
}

static int send_request(struct cconn *c, unsigned char *buf)
{
	c->seed++;
	memset(buf, c->seed, size);
	/* A request of SIZE <= 64 KiB into an empty send buffer (the echo
	 * of the previous one was read whole) goes out at once. */
	ssize_t n = send(c->fd, buf, size, MSG_NOSIGNAL);
	if (n != (ssize_t)size)
		return -1;
	c->got = 0;
	return 0;
}

static void *client_main(void *arg)
{
	struct cthread *t = arg;
	static __thread unsigned char buf[MAX_SIZE];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		t->error = errno;
		return NULL;
	}
	for (int i = t->first; i < t->first + t->n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0 ||
		    send_request(&conns[i], buf) < 0) {
			t->error = errno ? errno : EIO;
			close(ep);
			return NULL;
		}
	}
	struct epoll_event evs[256];
	while (atomic_load_explicit(&phase, memory_order_relaxed) < 2) {
		int n = epoll_wait(ep, evs, 256, 100);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			t->error = errno;
			break;
		}
		for (int k = 0; k < n; k++) {
			struct cconn *c = &conns[evs[k].data.u32];
			ssize_t r = recv(c->fd, buf, size - c->got, MSG_DONTWAIT);
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				continue;
			if (r <= 0) {
				t->error = r == 0 ? ECONNRESET : errno;
				goto out;
			}
			for (ssize_t j = 0; j < r; j++) {
				if (buf[j] != c->seed) {
					t->error = EBADMSG;
					goto out;
				}
			}
			c->got += (size_t)r;
			if (c->got < size)
				continue;
			if (atomic_load_explicit(&phase, memory_order_relaxed) == 1)
				t->done++;
			if (send_request(c, buf) < 0) {
				t->error = errno ? errno : EIO;
				goto out;
			}
		}
	}
out:
	close(ep);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 7) {
		fprintf(stderr, "usage: reuseport_client ADDR CONNS SECONDS [SIZE [THREADS [SERVER_PID]]]\n");
		return 2;
	}
	if (parse_addr(argv[1]) < 0) {
		fprintf(stderr, "reuseport_client: bad address %s\n", argv[1]);
		return 2;
	}
	int nconns = atoi(argv[2]);
	double seconds = atof(argv[3]);
	if (argc > 4)
		size = (size_t)atol(argv[4]);
	int nthreads = argc > 5 ? atoi(argv[5]) : 2;
	long server_pid = argc > 6 ? atol(argv[6]) : 0;
	if (nconns < 1 || seconds <= 0 || size < 1 || size > MAX_SIZE || nthreads < 1 ||
	    nthreads > nconns) {
		fprintf(stderr, "reuseport_client: bad arguments\n");
		return 2;
	}

	conns = calloc((size_t)nconns, sizeof(*conns));
	if (conns == NULL)
		return 1;
	for (int i = 0; i < nconns; i++) {
		int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, addr_len) < 0) {
			fprintf(stderr, "reuseport_client: connection %d: %s\n", i, strerror(errno));
			return 1;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		conns[i].fd = fd;
	}

	struct cthread *threads = calloc((size_t)nthreads, sizeof(*threads));
	if (threads == NULL)
		return 1;
	for (int k = 0, first = 0; k < nthreads; k++) {
		threads[k].first = first;
		threads[k].n = nconns / nthreads + (k < nconns % nthreads);
		first += threads[k].n;
		if (pthread_create(&threads[k].thread, NULL, client_main, &threads[k]) != 0)
			return 1;
	}
	double warm = seconds / 4 < 1.0 ? seconds / 4 : 1.0;
	struct timespec ws = { (time_t)warm, (long)((warm - (double)(time_t)warm) * 1e9) };
	nanosleep(&ws, NULL);
	double cpu0 = server_pid > 0 ? proc_cpu(server_pid) : -1;
	double t0 = now();
	atomic_store(&phase, 1);
	struct timespec rs = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	nanosleep(&rs, NULL);
	atomic_store(&phase, 2);
	double t1 = now();
	double cpu1 = server_pid > 0 ? proc_cpu(server_pid) : -1;

	unsigned long long total = 0;
	int status = 0;
	for (int k = 0; k < nthreads; k++) {
		pthread_join(threads[k].thread, NULL);
		total += threads[k].done;
		if (threads[k].error) {
			fprintf(stderr, "reuseport_client: thread %d: %s\n", k,
				strerror(threads[k].error));
			status = 1;
		}
	}
	for (int i = 0; i < nconns; i++)
		close(conns[i].fd);
	printf("conns=%d size=%zu seconds=%.3f requests=%llu rps=%.0f", nconns, size, t1 - t0,
	       total, (double)total / (t1 - t0));
	if (cpu0 >= 0 && cpu1 >= 0)
		printf(" server_cpu=%.2f", (cpu1 - cpu0) / (t1 - t0));
	printf("\n");
	free(threads);
	free(conns);
	return status;
}
