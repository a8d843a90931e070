/*
 * check_tcp_socket.c - mio_tcp_socket (mio 0.7's TcpSocket, after mio's
 * tests/tcp_socket.rs): every option set and read back through the kernel,
 * on IPv4 and IPv6; bind + listen + accept + echo; connect completed by a
 * WRITABLE event; a refused connect seen by take_error; listen and connect
 * consuming the socket on failure too (the fd-leak fixture and explicit
 * fd checks catch a leak); SO_REUSEPORT spreading connections over two
 * listeners; IPV6_V6ONLY deciding whether a v4 client reaches [::].
 *
 * SPDX-License-Identifier: MIT
 */
#include "netutil.h"

#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SA(x) ((struct sockaddr *)(x))
#define TS(s, ns) (&(struct timespec){ (s), (ns) })

static mio_tcp_socket *new_socket(int family)
{
	mio_tcp_socket *s = NULL;
	if (family == AF_INET6)
		ck_assert_ok(mio_tcp_socket_new_v6(&s));
	else
		ck_assert_ok(mio_tcp_socket_new_v4(&s));
	ck_assert_ptr_nonnull(s);
	return s;
}

static socklen_t loopback(int family, struct sockaddr_storage *ss, uint16_t port)
{
	return family == AF_INET6 ? nt_addr_v6(ss, port) : nt_addr_v4(ss, port);
}

/* A listener made the TcpSocket way on loopback:0; its address in *addr. */
static mio_tcp_listener *socket_listener(int family, struct sockaddr_storage *addr, socklen_t *len)
{
	mio_tcp_socket *s = new_socket(family);
	ck_assert_ok(mio_tcp_socket_set_reuseaddr(s, true));
	*len = loopback(family, addr, 0);
	ck_assert_ok(mio_tcp_socket_bind(s, SA(addr), *len));
	mio_tcp_listener *l = (mio_tcp_listener *)&l;
	ck_assert_ok(mio_tcp_socket_listen(s, 128, &l));
	ck_assert_ptr_nonnull(l);
	*len = sizeof(*addr);
	ck_assert_ok(mio_tcp_listener_local_addr(l, addr, len));
	return l;
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */
/* ------------------------------------------------------------------ */

static void new_family(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	mio_tcp_socket *s = new_socket(family);
	int fd = mio_tcp_socket_fd(s);
	ck_assert_int_ge(fd, 0);
	nt_assert_nonblock_cloexec(fd);
	int type = 0;
	socklen_t tl = sizeof(type);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl), 0);
	ck_assert_int_eq(type, SOCK_STREAM);
	/* Unbound: the family's any address, port 0. */
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ck_assert_ok(mio_tcp_socket_local_addr(s, &ss, &len));
	ck_assert_int_eq(ss.ss_family, family);
	ck_assert_uint_eq(nt_port(&ss), 0);
	/* As mio 0.7: a new socket has no SO_REUSEADDR (TcpListener::bind
	 * is what sets it). */
	bool on = true;
	ck_assert_ok(mio_tcp_socket_get_reuseaddr(s, &on));
	ck_assert(!on);
	mio_tcp_socket_free(s);
	ck_assert(!nt_fd_is_open(fd));
}

START_TEST(test_tcp_socket_new_v4) { new_family(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_new_v6) { new_family(AF_INET6); }
END_TEST

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

typedef int (*set_bool_fn)(mio_tcp_socket *, bool);
typedef int (*get_bool_fn)(const mio_tcp_socket *, bool *);

/* Each boolean option: set, read back with libmio and with getsockopt(2)
 * directly (so set and get cannot agree on a wrong option), both ways. */
static void bool_options(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	static const struct {
		const char *name;
		set_bool_fn set;
		get_bool_fn get;
		int level, opt;
		bool v6_only;
	} opts[] = {
		{ "reuseaddr", mio_tcp_socket_set_reuseaddr, mio_tcp_socket_get_reuseaddr,
		  SOL_SOCKET, SO_REUSEADDR, false },
		{ "reuseport", mio_tcp_socket_set_reuseport, mio_tcp_socket_get_reuseport,
		  SOL_SOCKET, SO_REUSEPORT, false },
		{ "keepalive", mio_tcp_socket_set_keepalive, mio_tcp_socket_get_keepalive,
		  SOL_SOCKET, SO_KEEPALIVE, false },
		{ "nodelay", mio_tcp_socket_set_nodelay, mio_tcp_socket_get_nodelay,
		  IPPROTO_TCP, TCP_NODELAY, false },
		{ "only_v6", mio_tcp_socket_set_only_v6, mio_tcp_socket_get_only_v6,
		  IPPROTO_IPV6, IPV6_V6ONLY, true },
	};
	mio_tcp_socket *s = new_socket(family);
	int fd = mio_tcp_socket_fd(s);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (opts[i].v6_only && family != AF_INET6)
			continue;
		for (int round = 0; round < 4; round++) {
			bool want = round % 2 == 0;
			ck_assert_msg(opts[i].set(s, want) == 0, "set_%s(%d)", opts[i].name, want);
			bool got = !want;
			ck_assert_msg(opts[i].get(s, &got) == 0, "get_%s", opts[i].name);
			ck_assert_msg(got == want, "%s: set %d, got %d", opts[i].name, want, got);
			int k = -1;
			socklen_t kl = sizeof(k);
			ck_assert_int_eq(getsockopt(fd, opts[i].level, opts[i].opt, &k, &kl), 0);
			ck_assert_msg((k != 0) == want, "%s: kernel says %d", opts[i].name, k);
		}
		ck_assert_errno(opts[i].get(s, NULL), EINVAL);
		ck_assert_errno(opts[i].get(NULL, &(bool){ false }), EINVAL);
		ck_assert_errno(opts[i].set(NULL, true), EINVAL);
	}
	mio_tcp_socket_free(s);
}

START_TEST(test_tcp_socket_bool_options_v4) { bool_options(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_bool_options_v6) { bool_options(AF_INET6); }
END_TEST

/* IPV6_V6ONLY is an IPv6 option: on a v4 socket both calls say -EINVAL
 * (not the kernel's two different answers). */
START_TEST(test_tcp_socket_only_v6_on_v4)
{
	mio_tcp_socket *s = new_socket(AF_INET);
	bool on = true;
	ck_assert_errno(mio_tcp_socket_set_only_v6(s, true), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_only_v6(s, &on), EINVAL);
	ck_assert(on);  /* untouched */
	mio_tcp_socket_free(s);
}
END_TEST

/* IPV6_V6ONLY is fixed by bind: the kernel's -EINVAL afterwards, and
 * the value stays. */
START_TEST(test_tcp_socket_only_v6_after_bind)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	mio_tcp_socket *s = new_socket(AF_INET6);
	ck_assert_ok(mio_tcp_socket_set_only_v6(s, true));
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v6(&ss, 0);
	ck_assert_ok(mio_tcp_socket_bind(s, SA(&ss), len));
	ck_assert_errno(mio_tcp_socket_set_only_v6(s, false), EINVAL);
	bool on = false;
	ck_assert_ok(mio_tcp_socket_get_only_v6(s, &on));
	ck_assert(on);
	mio_tcp_socket_free(s);
}
END_TEST

/* What only_v6 is for: [::] with it off takes IPv4 clients too (as
 * ::ffff:127.0.0.1); with it on, a v4 client is refused. */
static void only_v6_reach(bool only)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	mio_tcp_socket *s = new_socket(AF_INET6);
	ck_assert_ok(mio_tcp_socket_set_only_v6(s, only));
	struct sockaddr_storage any;
	memset(&any, 0, sizeof(any));
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&any;
	a6->sin6_family = AF_INET6;
	a6->sin6_addr = in6addr_any;
	ck_assert_ok(mio_tcp_socket_bind(s, SA(&any), sizeof(*a6)));
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_socket_listen(s, 16, &l));
	struct sockaddr_storage la;
	socklen_t ll = sizeof(la);
	ck_assert_ok(mio_tcp_listener_local_addr(l, &la, &ll));

	struct sockaddr_storage v4;
	socklen_t v4l = nt_addr_v4(&v4, nt_port(&la));
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c, 0);
	int rc = connect(c, SA(&v4), v4l);
	if (only) {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(errno, ECONNREFUSED);
	} else {
		ck_assert_msg(rc == 0, "v4 client to dual-stack [::]: %s", strerror(errno));
		mio_tcp_stream *a = NULL;
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		double deadline = mio_test_now_ms() + NT_WAIT_MS;
		while ((rc = mio_tcp_listener_accept(l, &a, &peer, &pl)) == -EAGAIN &&
		       mio_test_now_ms() < deadline)
			usleep(1000);
		ck_assert_ok(rc);
		/* The v4 peer, seen through the v6 socket as v4-mapped. */
		ck_assert_int_eq(peer.ss_family, AF_INET6);
		ck_assert(IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&peer)->sin6_addr));
		mio_tcp_stream_free(a);
	}
	close(c);
	mio_tcp_listener_free(l);
}

START_TEST(test_tcp_socket_only_v6_off_takes_v4) { only_v6_reach(false); }
END_TEST

START_TEST(test_tcp_socket_only_v6_on_refuses_v4) { only_v6_reach(true); }
END_TEST

/* SO_LINGER as Option<Duration>: NULL is off; a duration is on, in whole
 * seconds, a fraction rounded up; {0, 0} is on with 0 (reset on close). */
static void linger(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	mio_tcp_socket *s = new_socket(family);
	int fd = mio_tcp_socket_fd(s);
	bool on = true;
	struct timespec ts = { 99, 99 };
	ck_assert_ok(mio_tcp_socket_get_linger(s, &on, &ts));
	ck_assert(!on);
	ck_assert_int_eq(ts.tv_sec, 0);
	ck_assert_int_eq(ts.tv_nsec, 0);

	static const struct { struct timespec set; time_t want; } cases[] = {
		{ { 5, 0 }, 5 },
		{ { 0, 0 }, 0 },
		{ { 1, 1 }, 2 },
		{ { 0, 999999999L }, 1 },
		{ { 30, 500000000L }, 31 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_ok(mio_tcp_socket_set_linger(s, &cases[i].set));
		ck_assert_ok(mio_tcp_socket_get_linger(s, &on, &ts));
		ck_assert(on);
		ck_assert_int_eq(ts.tv_sec, cases[i].want);
		ck_assert_int_eq(ts.tv_nsec, 0);
		struct linger l;
		socklen_t ll = sizeof(l);
		ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &ll), 0);
		ck_assert_int_ne(l.l_onoff, 0);
		ck_assert_int_eq(l.l_linger, cases[i].want);
	}
	ck_assert_ok(mio_tcp_socket_set_linger(s, NULL));
	ck_assert_ok(mio_tcp_socket_get_linger(s, &on, &ts));
	ck_assert(!on);

	/* Malformed durations change nothing. */
	ck_assert_ok(mio_tcp_socket_set_linger(s, TS(7, 0)));
	ck_assert_errno(mio_tcp_socket_set_linger(s, TS(-1, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_linger(s, TS(0, -1)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_linger(s, TS(0, 1000000000L)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_linger(s, TS(INT_MAX, 1)), EINVAL);
	if (sizeof(time_t) > sizeof(int))
		ck_assert_errno(mio_tcp_socket_set_linger(s, TS((time_t)INT_MAX + 1, 0)), EINVAL);
	ck_assert_ok(mio_tcp_socket_get_linger(s, &on, &ts));
	ck_assert(on);
	ck_assert_int_eq(ts.tv_sec, 7);

	ck_assert_errno(mio_tcp_socket_get_linger(s, NULL, &ts), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_linger(s, &on, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_linger(NULL, &on, &ts), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_linger(NULL, NULL), EINVAL);
	mio_tcp_socket_free(s);
}

START_TEST(test_tcp_socket_linger_v4) { linger(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_linger_v6) { linger(AF_INET6); }
END_TEST

/* SO_RCVBUF / SO_SNDBUF: the kernel clamps and (Linux) doubles, so the
 * value read back is at least the one set, and a larger setting reads
 * back larger; above INT_MAX is refused before the kernel sees it. */
static void buffer_sizes(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	mio_tcp_socket *s = new_socket(family);
	int fd = mio_tcp_socket_fd(s);
	for (int which = 0; which < 2; which++) {
		int (*set)(mio_tcp_socket *, uint32_t) =
			which ? mio_tcp_socket_set_send_buffer_size : mio_tcp_socket_set_recv_buffer_size;
		int (*get)(const mio_tcp_socket *, uint32_t *) =
			which ? mio_tcp_socket_get_send_buffer_size : mio_tcp_socket_get_recv_buffer_size;
		int opt = which ? SO_SNDBUF : SO_RCVBUF;
		uint32_t small = 0, big = 0;
		ck_assert_ok(set(s, 8192));
		ck_assert_ok(get(s, &small));
		ck_assert_uint_ge(small, 8192);
		int k = 0;
		socklen_t kl = sizeof(k);
		ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, opt, &k, &kl), 0);
		ck_assert_uint_eq((uint32_t)k, small);
		ck_assert_ok(set(s, 32768));
		ck_assert_ok(get(s, &big));
		ck_assert_uint_ge(big, 32768);
		ck_assert_uint_gt(big, small);
		ck_assert_errno(set(s, (uint32_t)INT_MAX + 1), EINVAL);
		ck_assert_errno(set(s, UINT32_MAX), EINVAL);
		ck_assert_ok(get(s, &small));
		ck_assert_uint_eq(small, big);
		ck_assert_errno(get(s, NULL), EINVAL);
		ck_assert_errno(get(NULL, &small), EINVAL);
		ck_assert_errno(set(NULL, 8192), EINVAL);
	}
	mio_tcp_socket_free(s);
}

START_TEST(test_tcp_socket_buffer_sizes_v4) { buffer_sizes(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_buffer_sizes_v6) { buffer_sizes(AF_INET6); }
END_TEST

/* TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT.  Setting one turns
 * SO_KEEPALIVE on (mio's set_keepalive_params); a value the kernel
 * refuses changes nothing, keepalive included. */
static void keepalive_params(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	mio_tcp_socket *s = new_socket(family);
	int fd = mio_tcp_socket_fd(s);
	bool on = true;
	ck_assert_ok(mio_tcp_socket_get_keepalive(s, &on));
	ck_assert(!on);

	/* Refused values first, while keepalive is off. */
	ck_assert_errno(mio_tcp_socket_set_keepalive_time(s, TS(0, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_time(s, TS(-1, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_time(s, TS(1, 1000000000L)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_time(s, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_interval(s, TS(0, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_interval(s, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_retries(s, 0), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_retries(s, UINT32_MAX), EINVAL);
	/* Linux's limits (MAX_TCP_KEEPIDLE 32767 s, MAX_TCP_KEEPCNT 127):
	 * the kernel's own -EINVAL, passed through. */
	ck_assert_errno(mio_tcp_socket_set_keepalive_time(s, TS(100000, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_retries(s, 1000), EINVAL);
	ck_assert_ok(mio_tcp_socket_get_keepalive(s, &on));
	ck_assert_msg(!on, "a refused keepalive parameter turned keepalive on");

	struct timespec ts;
	uint32_t n = 0;
	ck_assert_ok(mio_tcp_socket_set_keepalive_time(s, TS(30, 0)));
	ck_assert_ok(mio_tcp_socket_get_keepalive(s, &on));
	ck_assert(on);
	ck_assert_ok(mio_tcp_socket_get_keepalive_time(s, &ts));
	ck_assert_int_eq(ts.tv_sec, 30);
	ck_assert_int_eq(ts.tv_nsec, 0);
	ck_assert_ok(mio_tcp_socket_set_keepalive_time(s, TS(2, 1)));
	ck_assert_ok(mio_tcp_socket_get_keepalive_time(s, &ts));
	ck_assert_int_eq(ts.tv_sec, 3);
	ck_assert_ok(mio_tcp_socket_set_keepalive_interval(s, TS(0, 1)));
	ck_assert_ok(mio_tcp_socket_get_keepalive_interval(s, &ts));
	ck_assert_int_eq(ts.tv_sec, 1);
	ck_assert_ok(mio_tcp_socket_set_keepalive_interval(s, TS(5, 0)));
	ck_assert_ok(mio_tcp_socket_get_keepalive_interval(s, &ts));
	ck_assert_int_eq(ts.tv_sec, 5);
	ck_assert_ok(mio_tcp_socket_set_keepalive_retries(s, 4));
	ck_assert_ok(mio_tcp_socket_get_keepalive_retries(s, &n));
	ck_assert_uint_eq(n, 4);

	/* The kernel agrees. */
	int k = 0;
	socklen_t kl = sizeof(k);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &k, &kl), 0);
	ck_assert_int_eq(k, 3);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &k, &kl), 0);
	ck_assert_int_eq(k, 5);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &k, &kl), 0);
	ck_assert_int_eq(k, 4);

	/* Keepalive off keeps the parameters; the getters still read them. */
	ck_assert_ok(mio_tcp_socket_set_keepalive(s, false));
	ck_assert_ok(mio_tcp_socket_get_keepalive_time(s, &ts));
	ck_assert_int_eq(ts.tv_sec, 3);

	ck_assert_errno(mio_tcp_socket_get_keepalive_time(s, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_keepalive_interval(s, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_keepalive_retries(s, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_keepalive_time(NULL, &ts), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_keepalive_interval(NULL, &ts), EINVAL);
	ck_assert_errno(mio_tcp_socket_get_keepalive_retries(NULL, &n), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_time(NULL, TS(1, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_interval(NULL, TS(1, 0)), EINVAL);
	ck_assert_errno(mio_tcp_socket_set_keepalive_retries(NULL, 1), EINVAL);
	mio_tcp_socket_free(s);
}

START_TEST(test_tcp_socket_keepalive_params_v4) { keepalive_params(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_keepalive_params_v6) { keepalive_params(AF_INET6); }
END_TEST

/* ------------------------------------------------------------------ */
/* Listen, connect                                                     */
/* ------------------------------------------------------------------ */

/* Reads into buf until `want` bytes or the deadline, waiting for
 * READABLE events in between (edge-triggered: read until -EAGAIN). */
static void read_exactly(mio_poll *p, mio_events *ev, mio_token tok, mio_tcp_stream *s,
			 char *buf, size_t want)
{
	size_t got = 0;
	while (got < want) {
		ssize_t n = mio_tcp_stream_read(s, buf + got, want - got);
		if (n == -EAGAIN) {
			nt_expect(p, ev, tok, NT_R);
			continue;
		}
		ck_assert_msg(n > 0, "read: %zd (%s)", n, n < 0 ? mio_test_errname((int)-n) : "EOF");
		got += (size_t)n;
	}
}

/* tcp_socket.rs set_reuseaddr + listen: a listener from a socket accepts
 * a plain client and echoes through libmio, with the same fd. */
static void listen_echo(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	mio_tcp_socket *s = new_socket(family);
	int sfd = mio_tcp_socket_fd(s);
	ck_assert_ok(mio_tcp_socket_set_reuseaddr(s, true));
	struct sockaddr_storage addr;
	socklen_t len = loopback(family, &addr, 0);
	ck_assert_ok(mio_tcp_socket_bind(s, SA(&addr), len));
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	ck_assert_ok(mio_tcp_socket_local_addr(s, &bound, &blen));
	ck_assert_uint_ne(nt_port(&bound), 0);
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_socket_listen(s, 128, &l));
	/* The same socket, now a listener: same fd, same address, still
	 * non-blocking and close-on-exec, SO_REUSEADDR kept. */
	ck_assert_int_eq(mio_tcp_listener_fd(l), sfd);
	nt_assert_nonblock_cloexec(sfd);
	struct sockaddr_storage la;
	socklen_t ll = sizeof(la);
	ck_assert_ok(mio_tcp_listener_local_addr(l, &la, &ll));
	ck_assert(nt_addr_equal(&la, &bound));
	int k = 0;
	socklen_t kl = sizeof(k);
	ck_assert_int_eq(getsockopt(sfd, SOL_SOCKET, SO_ACCEPTCONN, &k, &kl), 0);
	ck_assert_int_eq(k, 1);

	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *reg = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(reg, sfd, 1, MIO_READABLE));
	int c = nt_plain_connect(&la, ll);
	nt_expect(p, ev, 1, NT_R);
	mio_tcp_stream *a = NULL;
	ck_assert_ok(mio_tcp_listener_accept(l, &a, NULL, NULL));
	ck_assert_ok(mio_registry_register(reg, mio_tcp_stream_fd(a), 2,
					   MIO_READABLE | MIO_WRITABLE));
	nt_write_all(c, "ping", 4);
	char buf[8];
	read_exactly(p, ev, 2, a, buf, 4);
	ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
	ck_assert_int_eq(mio_tcp_stream_write(a, "pong", 4), 4);
	ck_assert_int_eq(recv(c, buf, 4, MSG_WAITALL), 4);
	ck_assert_int_eq(memcmp(buf, "pong", 4), 0);
	close(c);
	mio_tcp_stream_free(a);
	mio_tcp_listener_free(l);
	ck_assert(!nt_fd_is_open(sfd));
	nt_poll_free(p, ev);
}

START_TEST(test_tcp_socket_listen_echo_v4) { listen_echo(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_listen_echo_v6) { listen_echo(AF_INET6); }
END_TEST

/* listen without bind: the kernel picks a port (autobind). */
START_TEST(test_tcp_socket_listen_unbound)
{
	mio_tcp_socket *s = new_socket(AF_INET);
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_socket_listen(s, 0, &l));
	struct sockaddr_storage la;
	socklen_t ll = sizeof(la);
	ck_assert_ok(mio_tcp_listener_local_addr(l, &la, &ll));
	ck_assert_uint_ne(nt_port(&la), 0);
	mio_tcp_listener_free(l);
}
END_TEST

/* tcp_socket.rs connect: in progress (0), done at the WRITABLE event,
 * take_error 0, and a stream like mio_tcp_stream_connect's.  The socket
 * is bound first and configured, and both survive into the stream. */
static void connect_family(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	struct sockaddr_storage la;
	socklen_t ll;
	mio_tcp_listener *l = socket_listener(family, &la, &ll);

	mio_tcp_socket *s = new_socket(family);
	int sfd = mio_tcp_socket_fd(s);
	ck_assert_ok(mio_tcp_socket_set_nodelay(s, true));
	struct sockaddr_storage local;
	socklen_t lol = loopback(family, &local, 0);
	ck_assert_ok(mio_tcp_socket_bind(s, SA(&local), lol));
	lol = sizeof(local);
	ck_assert_ok(mio_tcp_socket_local_addr(s, &local, &lol));
	mio_tcp_stream *c = (mio_tcp_stream *)&c;
	ck_assert_ok(mio_tcp_socket_connect(s, SA(&la), ll, &c));
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(mio_tcp_stream_fd(c), sfd);
	nt_assert_nonblock_cloexec(sfd);

	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *reg = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(reg, sfd, 3, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 3, NT_W);
	int err = 1;
	ck_assert_ok(mio_tcp_stream_take_error(c, &err));
	ck_assert_int_eq(err, 0);
	struct sockaddr_storage peer, mine;
	socklen_t pl = sizeof(peer), ml = sizeof(mine);
	ck_assert_ok(mio_tcp_stream_peer_addr(c, &peer, &pl));
	ck_assert(nt_addr_equal(&peer, &la));
	ck_assert_ok(mio_tcp_stream_local_addr(c, &mine, &ml));
	ck_assert(nt_addr_equal(&mine, &local));
	bool on = false;
	ck_assert_ok(mio_tcp_stream_nodelay(c, &on));
	ck_assert(on);

	/* A round trip with the accepted side. */
	mio_tcp_stream *a = NULL;
	int rc;
	double deadline = mio_test_now_ms() + NT_WAIT_MS;
	while ((rc = mio_tcp_listener_accept(l, &a, NULL, NULL)) == -EAGAIN &&
	       mio_test_now_ms() < deadline)
		usleep(1000);
	ck_assert_ok(rc);
	ck_assert_ok(mio_registry_register(reg, mio_tcp_stream_fd(a), 4, MIO_READABLE));
	ck_assert_int_eq(mio_tcp_stream_write(c, "hello", 5), 5);
	char buf[8];
	read_exactly(p, ev, 4, a, buf, 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(mio_tcp_stream_write(a, "world", 5), 5);
	read_exactly(p, ev, 3, c, buf, 5);
	ck_assert_int_eq(memcmp(buf, "world", 5), 0);

	mio_tcp_stream_free(a);
	mio_tcp_stream_free(c);
	ck_assert(!nt_fd_is_open(sfd));
	mio_tcp_listener_free(l);
	nt_poll_free(p, ev);
}

START_TEST(test_tcp_socket_connect_v4) { connect_family(AF_INET); }
END_TEST

START_TEST(test_tcp_socket_connect_v6) { connect_family(AF_INET6); }
END_TEST

/* Connecting to a port nobody listens on: the connect call succeeds (in
 * progress) or is refused at once; either way the socket is consumed,
 * and in the first case take_error says ECONNREFUSED after the event. */
START_TEST(test_tcp_socket_connect_refused)
{
	int hold = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v4(&ss, 0);
	ck_assert_int_eq(bind(hold, SA(&ss), len), 0);
	ck_assert_int_eq(getsockname(hold, SA(&ss), &len), 0);

	mio_tcp_socket *s = new_socket(AF_INET);
	int sfd = mio_tcp_socket_fd(s);
	mio_tcp_stream *c = NULL;
	int rc = mio_tcp_socket_connect(s, SA(&ss), len, &c);
	if (rc == -ECONNREFUSED) {
		ck_assert_ptr_null(c);
		ck_assert(!nt_fd_is_open(sfd));
		close(hold);
		return;
	}
	ck_assert_ok(rc);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_tcp_stream_fd(c), 7,
					   MIO_WRITABLE));
	unsigned bits = nt_expect(p, ev, 7, 0);
	ck_assert_msg(bits & (NT_W | NT_ERR), "event bits 0x%x", bits);
	int err = 0;
	ck_assert_ok(mio_tcp_stream_take_error(c, &err));
	ck_assert_int_eq(err, -ECONNREFUSED);
	ck_assert_ok(mio_tcp_stream_take_error(c, &err));
	ck_assert_int_eq(err, 0);
	mio_tcp_stream_free(c);
	nt_poll_free(p, ev);
	close(hold);
}
END_TEST

/* ------------------------------------------------------------------ */
/* listen and connect consume the socket, on failure too                */
/* ------------------------------------------------------------------ */

/* Each failure: the return value, *out NULL (it was set to garbage
 * before), and the socket's fd closed right after the call. */
#define EXPECT_CONSUMED(call_with_s, sfd, out, err)                             \
	do {                                                                    \
		ck_assert_errno(call_with_s, err);                              \
		ck_assert_ptr_null(out);                                        \
		ck_assert_msg(!nt_fd_is_open(sfd), "fd %d left open by " #call_with_s, sfd); \
	} while (0)

START_TEST(test_tcp_socket_listen_consumes_on_failure)
{
	mio_tcp_listener *l = (mio_tcp_listener *)&l;
	mio_tcp_socket *s = new_socket(AF_INET);
	int sfd = mio_tcp_socket_fd(s);
	/* Negative backlog: -EINVAL (mio's backlog is unsigned). */
	EXPECT_CONSUMED(mio_tcp_socket_listen(s, -1, &l), sfd, l, EINVAL);

	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	EXPECT_CONSUMED(mio_tcp_socket_listen(s, INT_MIN, &l), sfd, l, EINVAL);

	/* NULL out-pointer: nowhere to put the listener, still consumed. */
	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	ck_assert_errno(mio_tcp_socket_listen(s, 16, NULL), EINVAL);
	ck_assert(!nt_fd_is_open(sfd));

	/* The kernel refuses: two SO_REUSEADDR sockets may bind one port
	 * while neither listens; the second listen is EADDRINUSE. */
	mio_tcp_socket *a = new_socket(AF_INET);
	ck_assert_ok(mio_tcp_socket_set_reuseaddr(a, true));
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v4(&ss, 0);
	ck_assert_ok(mio_tcp_socket_bind(a, SA(&ss), len));
	len = sizeof(ss);
	ck_assert_ok(mio_tcp_socket_local_addr(a, &ss, &len));
	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	ck_assert_ok(mio_tcp_socket_set_reuseaddr(s, true));
	ck_assert_ok(mio_tcp_socket_bind(s, SA(&ss), len));
	mio_tcp_listener *la = NULL;
	ck_assert_ok(mio_tcp_socket_listen(a, 16, &la));
	l = (mio_tcp_listener *)&l;
	EXPECT_CONSUMED(mio_tcp_socket_listen(s, 16, &l), sfd, l, EADDRINUSE);
	mio_tcp_listener_free(la);

	/* NULL socket: nothing to consume. */
	l = (mio_tcp_listener *)&l;
	ck_assert_errno(mio_tcp_socket_listen(NULL, 16, &l), EINVAL);
	ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_tcp_socket_connect_consumes_on_failure)
{
	struct sockaddr_storage v4, v6, un;
	socklen_t v4l = nt_addr_v4(&v4, 9), v6l = nt_addr_v6(&v6, 9);
	memset(&un, 0, sizeof(un));
	un.ss_family = AF_UNIX;
	mio_tcp_stream *c = (mio_tcp_stream *)&c;

	/* Family mismatch, both ways. */
	mio_tcp_socket *s = new_socket(AF_INET);
	int sfd = mio_tcp_socket_fd(s);
	EXPECT_CONSUMED(mio_tcp_socket_connect(s, SA(&v6), v6l, &c), sfd, c, EINVAL);
	if (nt_have_ipv6()) {
		c = (mio_tcp_stream *)&c;
		s = new_socket(AF_INET6);
		sfd = mio_tcp_socket_fd(s);
		EXPECT_CONSUMED(mio_tcp_socket_connect(s, SA(&v4), v4l, &c), sfd, c, EINVAL);
	}
	/* Not an inet address; too short; NULL. */
	c = (mio_tcp_stream *)&c;
	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	EXPECT_CONSUMED(mio_tcp_socket_connect(s, SA(&un), sizeof(un), &c), sfd, c, EINVAL);
	c = (mio_tcp_stream *)&c;
	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	EXPECT_CONSUMED(mio_tcp_socket_connect(s, SA(&v4), v4l - 1, &c), sfd, c, EINVAL);
	c = (mio_tcp_stream *)&c;
	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	EXPECT_CONSUMED(mio_tcp_socket_connect(s, NULL, v4l, &c), sfd, c, EINVAL);
	/* NULL out-pointer. */
	s = new_socket(AF_INET);
	sfd = mio_tcp_socket_fd(s);
	ck_assert_errno(mio_tcp_socket_connect(s, SA(&v4), v4l, NULL), EINVAL);
	ck_assert(!nt_fd_is_open(sfd));

	/* The kernel refuses at once: connect on a listening socket
	 * (adopted with from_fd) is EISCONN on Linux. */
	struct sockaddr_storage la;
	socklen_t ll;
	int lfd = nt_plain_listener(AF_INET, &la, &ll);
	ck_assert_ok(mio_tcp_socket_from_fd(lfd, &s));
	c = (mio_tcp_stream *)&c;
	EXPECT_CONSUMED(mio_tcp_socket_connect(s, SA(&la), ll, &c), lfd, c, EISCONN);

	c = (mio_tcp_stream *)&c;
	ck_assert_errno(mio_tcp_socket_connect(NULL, SA(&v4), v4l, &c), EINVAL);
	ck_assert_ptr_null(c);
}
END_TEST

/* bind does not consume: after a failed bind the socket still works. */
START_TEST(test_tcp_socket_bind_bad_args)
{
	mio_tcp_socket *s = new_socket(AF_INET);
	struct sockaddr_storage v4, v6, un;
	socklen_t v4l = nt_addr_v4(&v4, 0), v6l = nt_addr_v6(&v6, 0);
	memset(&un, 0, sizeof(un));
	un.ss_family = AF_UNIX;
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&v6), v6l), EINVAL);
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&un), sizeof(un)), EINVAL);
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&v4), v4l - 1), EINVAL);
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&v4), 0), EINVAL);
	ck_assert_errno(mio_tcp_socket_bind(s, NULL, v4l), EINVAL);
	ck_assert_errno(mio_tcp_socket_bind(NULL, SA(&v4), v4l), EINVAL);
	ck_assert_ok(mio_tcp_socket_bind(s, SA(&v4), v4l));
	/* Bound twice: the kernel's EINVAL. */
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&v4), v4l), EINVAL);
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_socket_listen(s, 1, &l));
	mio_tcp_listener_free(l);

	if (nt_have_ipv6()) {
		s = new_socket(AF_INET6);
		ck_assert_errno(mio_tcp_socket_bind(s, SA(&v4), v4l), EINVAL);
		/* A v6 address in a buffer too short for it. */
		ck_assert_errno(mio_tcp_socket_bind(s, SA(&v6), sizeof(struct sockaddr_in)), EINVAL);
		ck_assert_ok(mio_tcp_socket_bind(s, SA(&v6), v6l));
		mio_tcp_socket_free(s);
	}

	/* An address in use, without SO_REUSEPORT. */
	struct sockaddr_storage la;
	socklen_t ll;
	mio_tcp_listener *held = socket_listener(AF_INET, &la, &ll);
	s = new_socket(AF_INET);
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&la), ll), EADDRINUSE);
	mio_tcp_socket_free(s);
	mio_tcp_listener_free(held);

	ck_assert_errno(mio_tcp_socket_new_v4(NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_new_v6(NULL), EINVAL);
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);
	ck_assert_errno(mio_tcp_socket_local_addr(NULL, &a, &al), EINVAL);
	s = new_socket(AF_INET);
	ck_assert_errno(mio_tcp_socket_local_addr(s, NULL, &al), EINVAL);
	ck_assert_errno(mio_tcp_socket_local_addr(s, &a, NULL), EINVAL);
	mio_tcp_socket_free(s);
	mio_tcp_socket_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SO_REUSEPORT                                                        */
/* ------------------------------------------------------------------ */

static mio_tcp_listener *reuseport_listener(const struct sockaddr_storage *addr, socklen_t len)
{
	mio_tcp_socket *s = new_socket(addr->ss_family);
	ck_assert_ok(mio_tcp_socket_set_reuseport(s, true));
	ck_assert_ok(mio_tcp_socket_bind(s, SA(addr), len));
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_socket_listen(s, 128, &l));
	return l;
}

/* Two listeners on one port, each accepting some of the connections
 * (Linux hashes the 4-tuple: 32 clients all landing on one of two
 * listeners has probability 2^-31). */
START_TEST(test_tcp_socket_reuseport_two_listeners)
{
	struct sockaddr_storage addr;
	socklen_t len = nt_addr_v4(&addr, 0);
	mio_tcp_listener *l1 = reuseport_listener(&addr, len);
	len = sizeof(addr);
	ck_assert_ok(mio_tcp_listener_local_addr(l1, &addr, &len));
	mio_tcp_listener *l2 = reuseport_listener(&addr, len);
	struct sockaddr_storage a2;
	socklen_t l2len = sizeof(a2);
	ck_assert_ok(mio_tcp_listener_local_addr(l2, &a2, &l2len));
	ck_assert(nt_addr_equal(&addr, &a2));

	/* Without SO_REUSEPORT the port is taken. */
	mio_tcp_socket *plain = new_socket(AF_INET);
	ck_assert_errno(mio_tcp_socket_bind(plain, SA(&addr), len), EADDRINUSE);
	mio_tcp_socket_free(plain);

	enum { N = 32 };
	int clients[N];
	for (int i = 0; i < N; i++)
		clients[i] = nt_plain_connect(&addr, len);
	int got[2] = { 0, 0 };
	double deadline = mio_test_now_ms() + NT_WAIT_MS;
	while (got[0] + got[1] < N) {
		ck_assert_msg(mio_test_now_ms() < deadline, "accepted only %d + %d of %d",
			      got[0], got[1], N);
		for (int k = 0; k < 2; k++) {
			mio_tcp_stream *a = NULL;
			int rc = mio_tcp_listener_accept(k ? l2 : l1, &a, NULL, NULL);
			if (rc == -EAGAIN)
				continue;
			ck_assert_ok(rc);
			got[k]++;
			mio_tcp_stream_free(a);
		}
		usleep(500);
	}
	ck_assert_int_eq(got[0] + got[1], N);
	ck_assert_msg(got[0] > 0 && got[1] > 0, "SO_REUSEPORT: %d and %d", got[0], got[1]);
	for (int i = 0; i < N; i++)
		close(clients[i]);
	mio_tcp_listener_free(l1);
	mio_tcp_listener_free(l2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* fd, from_fd, into_fd                                                */
/* ------------------------------------------------------------------ */

START_TEST(test_tcp_socket_from_fd_into_fd)
{
	/* A blocking socket from libc becomes non-blocking when adopted. */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	mio_tcp_socket *s = NULL;
	ck_assert_ok(mio_tcp_socket_from_fd(fd, &s));
	ck_assert_int_eq(mio_tcp_socket_fd(s), fd);
	ck_assert_int_ne(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_ok(mio_tcp_socket_set_reuseport(s, true));
	/* into_fd: the fd comes back open, the option still set. */
	ck_assert_int_eq(mio_tcp_socket_into_fd(s), fd);
	int k = 0;
	socklen_t kl = sizeof(k);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &k, &kl), 0);
	ck_assert_int_eq(k, 1);
	/* And again into a handle that listens. */
	ck_assert_ok(mio_tcp_socket_from_fd(fd, &s));
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_socket_listen(s, 4, &l));
	ck_assert_int_eq(mio_tcp_listener_into_fd(l), fd);
	close(fd);

	s = (mio_tcp_socket *)&s;
	ck_assert_errno(mio_tcp_socket_from_fd(-1, &s), EBADF);
	ck_assert_ptr_null(s);
	s = (mio_tcp_socket *)&s;
	ck_assert_errno(mio_tcp_socket_from_fd(fd, &s), EBADF);  /* closed */
	ck_assert_ptr_null(s);
	ck_assert_errno(mio_tcp_socket_from_fd(0, NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_fd(NULL), EINVAL);
	ck_assert_errno(mio_tcp_socket_into_fd(NULL), EINVAL);
}
END_TEST

/* A failed from_fd leaves the caller's fd as it was (open, blocking). */
START_TEST(test_tcp_socket_from_fd_keeps_fd_on_failure)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_errno(mio_tcp_socket_from_fd(fd, NULL), EINVAL);
	ck_assert(nt_fd_is_open(fd));
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
}
END_TEST

/* from_fd does not ask what fd is (as every from_fd): a pipe is taken,
 * and the calls then pass on the kernel's ENOTSOCK, listen and connect
 * still consuming it. */
START_TEST(test_tcp_socket_from_fd_not_a_socket)
{
	int p[2];
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	mio_tcp_socket *s = NULL;
	ck_assert_ok(mio_tcp_socket_from_fd(p[0], &s));
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v4(&ss, 0);
	ck_assert_errno(mio_tcp_socket_bind(s, SA(&ss), len), ENOTSOCK);
	ck_assert_errno(mio_tcp_socket_set_reuseport(s, true), ENOTSOCK);
	ck_assert_errno(mio_tcp_socket_set_only_v6(s, true), ENOTSOCK);
	mio_tcp_listener *l = (mio_tcp_listener *)&l;
	EXPECT_CONSUMED(mio_tcp_socket_listen(s, 4, &l), p[0], l, ENOTSOCK);
	ck_assert_ok(mio_tcp_socket_from_fd(p[1], &s));
	mio_tcp_stream *c = (mio_tcp_stream *)&c;
	EXPECT_CONSUMED(mio_tcp_socket_connect(s, SA(&ss), len, &c), p[1], c, ENOTSOCK);
}
END_TEST

MIO_SUITE(tcp_socket)
{
	Suite *s = suite_create("tcp_socket");
	TCase *tc = mio_tcase("new");
	tcase_add_test(tc, test_tcp_socket_new_v4);
	tcase_add_test(tc, test_tcp_socket_new_v6);
	tcase_add_test(tc, test_tcp_socket_from_fd_into_fd);
	tcase_add_test(tc, test_tcp_socket_from_fd_keeps_fd_on_failure);
	tcase_add_test(tc, test_tcp_socket_from_fd_not_a_socket);
	suite_add_tcase(s, tc);

	tc = mio_tcase("options");
	tcase_add_test(tc, test_tcp_socket_bool_options_v4);
	tcase_add_test(tc, test_tcp_socket_bool_options_v6);
	tcase_add_test(tc, test_tcp_socket_only_v6_on_v4);
	tcase_add_test(tc, test_tcp_socket_only_v6_after_bind);
	tcase_add_test(tc, test_tcp_socket_only_v6_off_takes_v4);
	tcase_add_test(tc, test_tcp_socket_only_v6_on_refuses_v4);
	tcase_add_test(tc, test_tcp_socket_linger_v4);
	tcase_add_test(tc, test_tcp_socket_linger_v6);
	tcase_add_test(tc, test_tcp_socket_buffer_sizes_v4);
	tcase_add_test(tc, test_tcp_socket_buffer_sizes_v6);
	tcase_add_test(tc, test_tcp_socket_keepalive_params_v4);
	tcase_add_test(tc, test_tcp_socket_keepalive_params_v6);
	suite_add_tcase(s, tc);

	tc = mio_tcase("listen_connect");
	tcase_add_test(tc, test_tcp_socket_listen_echo_v4);
	tcase_add_test(tc, test_tcp_socket_listen_echo_v6);
	tcase_add_test(tc, test_tcp_socket_listen_unbound);
	tcase_add_test(tc, test_tcp_socket_connect_v4);
	tcase_add_test(tc, test_tcp_socket_connect_v6);
	tcase_add_test(tc, test_tcp_socket_connect_refused);
	tcase_add_test(tc, test_tcp_socket_listen_consumes_on_failure);
	tcase_add_test(tc, test_tcp_socket_connect_consumes_on_failure);
	tcase_add_test(tc, test_tcp_socket_bind_bad_args);
	tcase_add_test(tc, test_tcp_socket_reuseport_two_listeners);
	suite_add_tcase(s, tc);
	return s;
}
