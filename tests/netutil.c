/* netutil.c - helpers of the networking suites. SPDX-License-Identifier: MIT */
#define _GNU_SOURCE  /* accept4 */
#include "netutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Events that arrived while nt_expect waited for another token.  With
 * edge-triggered readiness an event dropped here would never come again,
 * so they are kept for the next nt_expect, as mio's expect_events keeps
 * every event it has seen in its list.  Tests fork, so a static is per
 * test; nt_poll starts afresh.
 */
#define NT_STASH 64
static struct { mio_token token; unsigned bits; } stash[NT_STASH];
static int n_stash;

void nt_poll(mio_poll **p, mio_events **ev)
{
	n_stash = 0;
	ck_assert_ok(mio_poll_new(p));
	ck_assert_ok(mio_events_new(16, ev));
}

void nt_poll_free(mio_poll *p, mio_events *ev)
{
	mio_events_free(ev);
	mio_poll_free(p);
}

static unsigned event_bits(const mio_event *e)
{
	return (mio_event_is_readable(e) ? NT_R : 0) |
	       (mio_event_is_writable(e) ? NT_W : 0) |
	       (mio_event_is_read_closed(e) ? NT_RC : 0) |
	       (mio_event_is_write_closed(e) ? NT_WC : 0) |
	       (mio_event_is_error(e) ? NT_ERR : 0) |
	       (mio_event_is_priority(e) ? NT_PRI : 0);
}

static void stash_event(const mio_event *e)
{
	/* Only the newest readiness per token matters; merge into it. */
	for (int i = 0; i < n_stash; i++) {
		if (stash[i].token == mio_event_token(e)) {
			stash[i].bits |= event_bits(e);
			return;
		}
	}
	if (n_stash < NT_STASH) {
		stash[n_stash].token = mio_event_token(e);
		stash[n_stash].bits = event_bits(e);
		n_stash++;
	}
}

static struct timespec ms_to_ts(double ms)
{
	if (ms < 0)
		ms = 0;
	struct timespec ts = { (time_t)(ms / 1000), (long)((long long)ms % 1000) * 1000000L };
	return ts;
}

unsigned nt_expect(mio_poll *p, mio_events *ev, mio_token token, unsigned want)
{
	double deadline = mio_test_now_ms() + NT_WAIT_MS;
	unsigned seen = 0;
	for (int i = 0; i < n_stash; i++) {
		if (stash[i].token == token && (stash[i].bits & want) == want) {
			unsigned bits = stash[i].bits;
			stash[i] = stash[--n_stash];
			return bits;
		}
	}
	for (;;) {
		double left = deadline - mio_test_now_ms();
		struct timespec ts = ms_to_ts(left);
		int n = mio_poll_wait(p, ev, &ts);
		if (n == -EINTR)
			continue;
		ck_assert_msg(n >= 0, "mio_poll_wait: %s", mio_test_errname(-n));
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(ev, (size_t)i);
			unsigned bits = event_bits(e);
			if (mio_event_token(e) == token && (bits & want) == want) {
				for (int j = i + 1; j < n; j++)
					stash_event(mio_events_get(ev, (size_t)j));
				return bits;
			}
			if (mio_event_token(e) == token)
				seen |= bits;
			stash_event(e);
		}
		ck_assert_msg(left > 0,
			      "no event with bits 0x%x for token %ju within %d ms (saw 0x%x)",
			      want, (uintmax_t)token, NT_WAIT_MS, seen);
	}
}

void nt_expect_none(mio_poll *p, mio_events *ev)
{
	struct timespec ts = ms_to_ts(NT_QUIET_MS);
	int n;
	do
		n = mio_poll_wait(p, ev, &ts);
	while (n == -EINTR);
	ck_assert_msg(n == 0, "expected no events, got %d (first token %ju bits 0x%x)", n,
		      n > 0 ? (uintmax_t)mio_event_token(mio_events_get(ev, 0)) : 0,
		      n > 0 ? event_bits(mio_events_get(ev, 0)) : 0);
}

socklen_t nt_addr_v4(struct sockaddr_storage *ss, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*sin);
}

socklen_t nt_addr_v6(struct sockaddr_storage *ss, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = in6addr_loopback;
	return sizeof(*sin6);
}

uint16_t nt_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

bool nt_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

bool nt_have_ipv6(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v6(&ss, 0);
	bool ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

void nt_assert_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	int fdfl = fcntl(fd, F_GETFD);
	ck_assert_msg(fl >= 0 && fdfl >= 0, "fcntl(%d) failed", fd);
	ck_assert_msg(fl & O_NONBLOCK, "fd %d is not O_NONBLOCK", fd);
	ck_assert_msg(fdfl & FD_CLOEXEC, "fd %d is not FD_CLOEXEC", fd);
}

bool nt_fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

int nt_plain_listener(int family, struct sockaddr_storage *addr, socklen_t *len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
	if (family != AF_UNIX) {
		*len = family == AF_INET ? nt_addr_v4(addr, 0) : nt_addr_v6(addr, 0);
	}
	ck_assert_msg(bind(fd, (struct sockaddr *)addr, *len) == 0, "bind: %s", strerror(errno));
	ck_assert_msg(listen(fd, 16) == 0, "listen: %s", strerror(errno));
	*len = sizeof(*addr);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)addr, len), 0);
	return fd;
}

int nt_plain_connect(const struct sockaddr_storage *addr, socklen_t len)
{
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
	ck_assert_msg(connect(fd, (const struct sockaddr *)addr, len) == 0, "connect: %s",
		      strerror(errno));
	return fd;
}

int nt_plain_accept(int lfd)
{
	int fd;
	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	ck_assert_msg(fd >= 0, "accept: %s", strerror(errno));
	return fd;
}

void nt_set_linger_zero(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)), 0);
}

void nt_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_msg(n > 0, "send: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

void nt_tcp_pair(int family, mio_tcp_stream **client, mio_tcp_stream **server)
{
	struct sockaddr_storage ss;
	socklen_t len = family == AF_INET6 ? nt_addr_v6(&ss, 0) : nt_addr_v4(&ss, 0);
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_listener_bind((struct sockaddr *)&ss, len, &l));
	len = sizeof(ss);
	ck_assert_ok(mio_tcp_listener_local_addr(l, &ss, &len));
	ck_assert_ok(mio_tcp_stream_connect((struct sockaddr *)&ss, len, client));

	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_tcp_listener_fd(l), 1, MIO_READABLE));
	ck_assert_ok(mio_registry_register(r, mio_tcp_stream_fd(*client), 2, MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_R);
	ck_assert_ok(mio_tcp_listener_accept(l, server, NULL, NULL));
	nt_expect(p, ev, 2, NT_W);
	int err = 1;
	ck_assert_ok(mio_tcp_stream_take_error(*client, &err));
	ck_assert_int_eq(err, 0);
	ck_assert_ok(mio_registry_deregister(r, mio_tcp_stream_fd(*client)));
	nt_poll_free(p, ev);
	mio_tcp_listener_free(l);
}

static void *peer_main(void *arg)
{
	struct nt_peer *peer = arg;
	char buf[4096];
	for (int i = 0; i < peer->n; i++) {
		int fd = accept4(peer->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			break;
		if (peer->echo) {
			for (;;) {
				ssize_t n = read(fd, buf, sizeof(buf));
				/* A reset by a peer that shut its read side
				 * down is an end, as in mio's echo_listener. */
				if (n <= 0)
					break;
				if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
					break;
				peer->echoed += (size_t)n;
			}
		}
		if (peer->use_barrier) {
			pthread_barrier_wait(&peer->barrier);
			if (peer->shutdown_write) {
				shutdown(fd, SHUT_WR);
				pthread_barrier_wait(&peer->barrier);
			}
		}
		close(fd);
	}
	return NULL;
}

void nt_peer_start(struct nt_peer *peer, int family, const char *unix_path,
		   int n, bool echo, bool use_barrier, bool shutdown_write)
{
	memset(peer, 0, sizeof(*peer));
	peer->family = family;
	peer->n = n;
	peer->echo = echo;
	peer->use_barrier = use_barrier;
	peer->shutdown_write = shutdown_write;
	if (family == AF_UNIX)
		peer->len = nt_sun_path((struct sockaddr_un *)&peer->addr, unix_path);
	peer->lfd = nt_plain_listener(family, &peer->addr, &peer->len);
	if (use_barrier)
		pthread_barrier_init(&peer->barrier, NULL, 2);
	ck_assert_int_eq(pthread_create(&peer->thread, NULL, peer_main, peer), 0);
}

void nt_peer_barrier(struct nt_peer *peer)
{
	pthread_barrier_wait(&peer->barrier);
}

void nt_peer_join(struct nt_peer *peer)
{
	pthread_join(peer->thread, NULL);
	close(peer->lfd);
	if (peer->use_barrier)
		pthread_barrier_destroy(&peer->barrier);
}

void nt_tmpdir(char dir[64])
{
	const char *base = getenv("TMPDIR");
	snprintf(dir, 64, "%s/mio-test-XXXXXX", base && strlen(base) < 30 ? base : "/tmp");
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
}

void nt_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	char path[512];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

void nt_path_in(char out[108], const char *dir, const char *name)
{
	ck_assert_int_lt(snprintf(out, 108, "%s/%s", dir, name), 108);
}

socklen_t nt_sun_path(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	size_t n = strlen(path);
	ck_assert_uint_lt(n, sizeof(sun->sun_path));
	memcpy(sun->sun_path, path, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

socklen_t nt_sun_abstract(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	size_t n = strlen(name);
	ck_assert_uint_lt(n + 1, sizeof(sun->sun_path));
	memcpy(sun->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

bool nt_skip_without_ipv6(int family)
{
	if (family == AF_INET6 && !nt_have_ipv6()) {
		fprintf(stderr, "SKIP: ::1 cannot be bound here, IPv6 test passes vacuously\n");
		return true;
	}
	return false;
}
