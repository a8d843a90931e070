/*
 * check_udp.c - mio_udp_socket, ported from Rust mio's tests/udp_socket.rs.
 *
 * SPDX-License-Identifier: MIT
 */
#include "netutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static const char DATA1[] = "Hello world!";
static const char DATA2[] = "Hello mars!";
#define DATA1_LEN (sizeof(DATA1) - 1)
#define DATA2_LEN (sizeof(DATA2) - 1)

static mio_udp_socket *udp_bind(int family, struct sockaddr_storage *addr, socklen_t *len)
{
	struct sockaddr_storage tmp;
	if (addr == NULL)
		addr = &tmp;
	socklen_t l = family == AF_INET6 ? nt_addr_v6(addr, 0) : nt_addr_v4(addr, 0);
	mio_udp_socket *u = NULL;
	ck_assert_ok(mio_udp_socket_bind((struct sockaddr *)addr, l, &u));
	ck_assert_ptr_nonnull(u);
	l = sizeof(*addr);
	ck_assert_ok(mio_udp_socket_local_addr(u, addr, &l));
	if (len)
		*len = l;
	return u;
}

static void assert_no_error(mio_udp_socket *u)
{
	int err = 1;
	ck_assert_ok(mio_udp_socket_take_error(u, &err));
	ck_assert_int_eq(err, 0);
}

/* recv_from / peek_from gives `data` from `from`. */
static void expect_from(ssize_t n, const char *buf, const char *data, size_t len,
			const struct sockaddr_storage *got, const struct sockaddr_storage *want)
{
	ck_assert_msg(n == (ssize_t)len, "got %zd bytes (%s), expected %zu", n,
		      n < 0 ? mio_test_errname((int)-n) : "ok", len);
	ck_assert_mem_eq(buf, data, len);
	ck_assert(nt_addr_equal(got, want));
}

/* udp_socket.rs smoke_test_unconnected_udp_socket. */
static void smoke_unconnected(mio_udp_socket *s1, mio_udp_socket *s2)
{
	struct sockaddr_storage a1, a2, from;
	socklen_t l1 = sizeof(a1), l2 = sizeof(a2), fl;
	ck_assert_ok(mio_udp_socket_local_addr(s1, &a1, &l1));
	ck_assert_ok(mio_udp_socket_local_addr(s2, &a2, &l2));
	nt_assert_nonblock_cloexec(mio_udp_socket_fd(s1));
	nt_assert_nonblock_cloexec(mio_udp_socket_fd(s2));

	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 2, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	nt_expect(p, ev, 2, NT_W);

	char buf[64];
	fl = sizeof(from);
	ck_assert_errno(mio_udp_socket_peek_from(s1, buf, sizeof(buf), &from, &fl), EAGAIN);
	ck_assert_errno(mio_udp_socket_recv_from(s1, buf, sizeof(buf), &from, &fl), EAGAIN);
	ck_assert_errno(mio_udp_socket_recv_from(s2, buf, sizeof(buf), &from, &fl), EAGAIN);

	ck_assert_int_eq(mio_udp_socket_send_to(s1, DATA1, DATA1_LEN, (struct sockaddr *)&a2, l2),
			 DATA1_LEN);
	ck_assert_int_eq(mio_udp_socket_send_to(s2, DATA2, DATA2_LEN, (struct sockaddr *)&a1, l1),
			 DATA2_LEN);
	nt_expect(p, ev, 1, NT_R);
	nt_expect(p, ev, 2, NT_R);

	fl = sizeof(from);
	expect_from(mio_udp_socket_peek_from(s1, buf, sizeof(buf), &from, &fl), buf, DATA2,
		    DATA2_LEN, &from, &a2);
	fl = sizeof(from);
	expect_from(mio_udp_socket_recv_from(s1, buf, sizeof(buf), &from, &fl), buf, DATA2,
		    DATA2_LEN, &from, &a2);
	fl = sizeof(from);
	expect_from(mio_udp_socket_peek_from(s2, buf, sizeof(buf), &from, &fl), buf, DATA1,
		    DATA1_LEN, &from, &a1);
	fl = sizeof(from);
	expect_from(mio_udp_socket_recv_from(s2, buf, sizeof(buf), &from, &fl), buf, DATA1,
		    DATA1_LEN, &from, &a1);
	ck_assert_errno(mio_udp_socket_recv_from(s2, buf, sizeof(buf), NULL, NULL), EAGAIN);
	assert_no_error(s1);
	assert_no_error(s2);
	nt_poll_free(p, ev);
}

static void unconnected_family(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	mio_udp_socket *s1 = udp_bind(family, NULL, NULL);
	mio_udp_socket *s2 = udp_bind(family, NULL, NULL);
	smoke_unconnected(s1, s2);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
}

START_TEST(test_udp_socket_unconnected_ipv4) { unconnected_family(AF_INET); }
END_TEST

START_TEST(test_udp_socket_unconnected_ipv6) { unconnected_family(AF_INET6); }
END_TEST

/* udp_socket.rs unconnected_udp_socket_std + udp_socket_raw_fd. */
START_TEST(test_udp_socket_from_fd_into_fd)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v4(&ss, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	mio_udp_socket *s1 = NULL;
	ck_assert_ok(mio_udp_socket_from_fd(fd, &s1));
	ck_assert_int_eq(mio_udp_socket_fd(s1), fd);
	mio_udp_socket *s2 = udp_bind(AF_INET, NULL, NULL);
	smoke_unconnected(s1, s2);

	ck_assert_int_eq(mio_udp_socket_into_fd(s1), fd);
	ck_assert(nt_fd_is_open(fd));
	ck_assert_ok(mio_udp_socket_from_fd(fd, &s1));
	struct sockaddr_storage a;
	socklen_t alen = sizeof(a);
	ck_assert_ok(mio_udp_socket_local_addr(s1, &a, &alen));
	ck_assert_int_eq(a.ss_family, AF_INET);
	mio_udp_socket_free(s1);
	ck_assert(!nt_fd_is_open(fd));
	mio_udp_socket_free(s2);

	mio_udp_socket *u = (mio_udp_socket *)&u;
	ck_assert_errno(mio_udp_socket_from_fd(-1, &u), EBADF);
	ck_assert_ptr_null(u);
}
END_TEST

/* udp_socket.rs smoke_test_connected_udp_socket. */
static void connected_family(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	struct sockaddr_storage a1, a2, pa;
	socklen_t l1, l2, pl = sizeof(pa);
	mio_udp_socket *s1 = udp_bind(family, &a1, &l1);
	mio_udp_socket *s2 = udp_bind(family, &a2, &l2);
	ck_assert_errno(mio_udp_socket_peer_addr(s1, &pa, &pl), ENOTCONN);
	ck_assert_ok(mio_udp_socket_connect(s1, (struct sockaddr *)&a2, l2));
	ck_assert_ok(mio_udp_socket_connect(s2, (struct sockaddr *)&a1, l1));
	pl = sizeof(pa);
	ck_assert_ok(mio_udp_socket_peer_addr(s1, &pa, &pl));
	ck_assert(nt_addr_equal(&pa, &a2));

	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 2, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	nt_expect(p, ev, 2, NT_W);
	char buf[64];
	ck_assert_errno(mio_udp_socket_peek(s1, buf, sizeof(buf)), EAGAIN);
	ck_assert_errno(mio_udp_socket_recv(s1, buf, sizeof(buf)), EAGAIN);
	ck_assert_int_eq(mio_udp_socket_send(s1, DATA1, DATA1_LEN), DATA1_LEN);
	ck_assert_int_eq(mio_udp_socket_send(s2, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect(p, ev, 1, NT_R);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_int_eq(mio_udp_socket_peek(s1, buf, sizeof(buf)), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	ck_assert_int_eq(mio_udp_socket_recv(s1, buf, sizeof(buf)), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	ck_assert_int_eq(mio_udp_socket_recv(s2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_mem_eq(buf, DATA1, DATA1_LEN);
	ck_assert_errno(mio_udp_socket_recv(s2, buf, sizeof(buf)), EAGAIN);
	assert_no_error(s1);
	assert_no_error(s2);
	nt_poll_free(p, ev);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
}

START_TEST(test_udp_socket_connected_ipv4) { connected_family(AF_INET); }
END_TEST

START_TEST(test_udp_socket_connected_ipv6) { connected_family(AF_INET6); }
END_TEST

/* udp_socket.rs empty_datagram. */
START_TEST(test_udp_socket_empty_datagram)
{
	struct sockaddr_storage a1, a2, from;
	socklen_t l1, l2, fl = sizeof(from);
	mio_udp_socket *s1 = udp_bind(AF_INET, &a1, &l1);
	mio_udp_socket *s2 = udp_bind(AF_INET, &a2, &l2);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s1), 1, MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 2, MIO_READABLE));
	nt_expect(p, ev, 1, NT_W);
	ck_assert_int_eq(mio_udp_socket_send_to(s1, "", 0, (struct sockaddr *)&a2, l2), 0);
	nt_expect(p, ev, 2, NT_R);
	char buf[10];
	ck_assert_int_eq(mio_udp_socket_recv_from(s2, buf, sizeof(buf), &from, &fl), 0);
	ck_assert(nt_addr_equal(&from, &a1));
	nt_poll_free(p, ev);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
}
END_TEST

/* udp_socket.rs reconnect_udp_socket_sending / _receiving. */
START_TEST(test_udp_socket_reconnect)
{
	struct sockaddr_storage a1, a2, a3;
	socklen_t l1, l2, l3;
	mio_udp_socket *s1 = udp_bind(AF_INET, &a1, &l1);
	mio_udp_socket *s2 = udp_bind(AF_INET, &a2, &l2);
	mio_udp_socket *s3 = udp_bind(AF_INET, &a3, &l3);
	ck_assert_ok(mio_udp_socket_connect(s1, (struct sockaddr *)&a2, l2));
	ck_assert_ok(mio_udp_socket_connect(s2, (struct sockaddr *)&a1, l1));
	ck_assert_ok(mio_udp_socket_connect(s3, (struct sockaddr *)&a1, l1));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 2, MIO_READABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s3), 3, MIO_READABLE));
	nt_expect(p, ev, 1, NT_W);
	char buf[20];
	ck_assert_int_eq(mio_udp_socket_send(s1, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_int_eq(mio_udp_socket_recv(s2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_ok(mio_udp_socket_connect(s1, (struct sockaddr *)&a3, l3));
	ck_assert_int_eq(mio_udp_socket_send(s1, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect(p, ev, 3, NT_R);
	ck_assert_int_eq(mio_udp_socket_recv(s3, buf, sizeof(buf)), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	/* _receiving: s2 still sends to s1, which now only hears s3. */
	ck_assert_int_eq(mio_udp_socket_send(s2, DATA1, DATA1_LEN), DATA1_LEN);
	ck_assert_int_eq(mio_udp_socket_send(s3, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect(p, ev, 1, NT_R);
	ck_assert_int_eq(mio_udp_socket_recv(s1, buf, sizeof(buf)), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	ck_assert_errno(mio_udp_socket_recv(s1, buf, sizeof(buf)), EAGAIN);
	assert_no_error(s1);
	assert_no_error(s3);
	/* s2's datagram matched no socket (s1 listens to s3 only); the ICMP
	 * port-unreachable comes back to s2 as a pending ECONNREFUSED. */
	int err = 1;
	ck_assert_ok(mio_udp_socket_take_error(s2, &err));
	ck_assert_msg(err == 0 || err == -ECONNREFUSED, "s2 error %d", err);
	nt_poll_free(p, ev);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
	mio_udp_socket_free(s3);
}
END_TEST

/* udp_socket.rs unconnected_udp_socket_connected_methods and
 * connected_udp_socket_unconnected_methods (Linux allows send_to on a
 * connected socket, as mio notes). */
START_TEST(test_udp_socket_mixed_methods)
{
	struct sockaddr_storage a1, a2, a3, from;
	socklen_t l1, l2, l3, fl = sizeof(from);
	mio_udp_socket *s1 = udp_bind(AF_INET, &a1, &l1);
	mio_udp_socket *s2 = udp_bind(AF_INET, &a2, &l2);
	mio_udp_socket *s3 = udp_bind(AF_INET, &a3, &l3);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 2, MIO_READABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s3), 3, MIO_READABLE));
	char buf[20];
	ck_assert_errno(mio_udp_socket_send(s1, DATA1, DATA1_LEN), EDESTADDRREQ);
	ck_assert_int_eq(mio_udp_socket_send_to(s1, DATA1, DATA1_LEN, (struct sockaddr *)&a2, l2),
			 DATA1_LEN);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_int_eq(mio_udp_socket_peek(s2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_int_eq(mio_udp_socket_recv(s2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_mem_eq(buf, DATA1, DATA1_LEN);

	ck_assert_ok(mio_udp_socket_connect(s1, (struct sockaddr *)&a3, l3));
	ck_assert_ok(mio_udp_socket_connect(s3, (struct sockaddr *)&a2, l2));
	ck_assert_int_eq(mio_udp_socket_send_to(s2, DATA2, DATA2_LEN, (struct sockaddr *)&a3, l3),
			 DATA2_LEN);
	nt_expect(p, ev, 3, NT_R);
	expect_from(mio_udp_socket_peek_from(s3, buf, sizeof(buf), &from, &fl), buf, DATA2,
		    DATA2_LEN, &from, &a2);
	fl = sizeof(from);
	expect_from(mio_udp_socket_recv_from(s3, buf, sizeof(buf), &from, &fl), buf, DATA2,
		    DATA2_LEN, &from, &a2);
	assert_no_error(s1);
	assert_no_error(s2);
	assert_no_error(s3);
	nt_poll_free(p, ev);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
	mio_udp_socket_free(s3);
}
END_TEST

/* udp_socket.rs set_get_ttl, set_get_broadcast, set_get_multicast_*,
 * and their *_without_previous_set. */
START_TEST(test_udp_socket_options_v4)
{
	mio_udp_socket *u = udp_bind(AF_INET, NULL, NULL);
	uint32_t v = 0;
	bool on = true;
	ck_assert_ok(mio_udp_socket_ttl(u, &v));
	ck_assert_uint_gt(v, 0);
	ck_assert_ok(mio_udp_socket_set_ttl(u, 10));
	ck_assert_ok(mio_udp_socket_ttl(u, &v));
	ck_assert_uint_eq(v, 10);
	ck_assert_errno(mio_udp_socket_set_ttl(u, 256), EINVAL);

	ck_assert_ok(mio_udp_socket_broadcast(u, &on));
	ck_assert(!on);
	ck_assert_ok(mio_udp_socket_set_broadcast(u, true));
	ck_assert_ok(mio_udp_socket_broadcast(u, &on));
	ck_assert(on);

	ck_assert_ok(mio_udp_socket_multicast_loop_v4(u, &on));
	ck_assert(on);  /* the kernel's default */
	ck_assert_ok(mio_udp_socket_set_multicast_loop_v4(u, false));
	ck_assert_ok(mio_udp_socket_multicast_loop_v4(u, &on));
	ck_assert(!on);

	ck_assert_ok(mio_udp_socket_multicast_ttl_v4(u, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert_ok(mio_udp_socket_set_multicast_ttl_v4(u, 42));
	ck_assert_ok(mio_udp_socket_multicast_ttl_v4(u, &v));
	ck_assert_uint_eq(v, 42);

	ck_assert_errno(mio_udp_socket_ttl(u, NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_broadcast(u, NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_multicast_loop_v4(u, NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_multicast_ttl_v4(u, NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_set_ttl(NULL, 1), EINVAL);
	ck_assert_errno(mio_udp_socket_set_broadcast(NULL, true), EINVAL);
	assert_no_error(u);
	mio_udp_socket_free(u);
}
END_TEST

START_TEST(test_udp_socket_options_v6)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	mio_udp_socket *u = udp_bind(AF_INET6, NULL, NULL);
	bool on = false;
	ck_assert_ok(mio_udp_socket_multicast_loop_v6(u, &on));
	ck_assert(on);
	ck_assert_ok(mio_udp_socket_set_multicast_loop_v6(u, false));
	ck_assert_ok(mio_udp_socket_multicast_loop_v6(u, &on));
	ck_assert(!on);
	int v6only = -1;
	socklen_t vl = sizeof(v6only);
	ck_assert_int_eq(getsockopt(mio_udp_socket_fd(u), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &vl), 0);
	ck_assert_ok(mio_udp_socket_only_v6(u, &on));
	ck_assert_int_eq(on, v6only != 0);
	ck_assert_errno(mio_udp_socket_only_v6(u, NULL), EINVAL);
	mio_udp_socket_free(u);
}
END_TEST

/* udp_socket.rs multicast: join a group, receive what is sent to it over
 * loopback, leave.  Skipped when the host has no multicast route (a
 * network-less container gives ENODEV). */
START_TEST(test_udp_socket_multicast_v4)
{
	struct sockaddr_storage any;
	memset(&any, 0, sizeof(any));
	struct sockaddr_in *sin = (struct sockaddr_in *)&any;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	mio_udp_socket *rx = NULL;
	ck_assert_ok(mio_udp_socket_bind((struct sockaddr *)&any, sizeof(*sin), &rx));
	struct sockaddr_storage ra;
	socklen_t rl = sizeof(ra);
	ck_assert_ok(mio_udp_socket_local_addr(rx, &ra, &rl));

	struct in_addr group, iface;
	inet_pton(AF_INET, "227.1.1.100", &group);
	iface.s_addr = htonl(INADDR_LOOPBACK);
	int rc = mio_udp_socket_join_multicast_v4(rx, &group, &iface);
	if (rc == -ENODEV || rc == -EADDRNOTAVAIL) {
		fprintf(stderr, "SKIP: no multicast on loopback here (%s)\n", mio_test_errname(-rc));
		mio_udp_socket_free(rx);
		return;
	}
	ck_assert_ok(rc);

	mio_udp_socket *tx = udp_bind(AF_INET, NULL, NULL);
	ck_assert_ok(mio_udp_socket_set_multicast_loop_v4(tx, true));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	/* Send through loopback: set IP_MULTICAST_IF to 127.0.0.1.  Without
	 * it the datagram leaves by the default route, not where rx joined,
	 * so only where the option itself is unsupported (qemu-user does not
	 * emulate it: ENOPROTOOPT) is the delivery check skipped; the join
	 * and leave checks below still run. */
	if (setsockopt(mio_udp_socket_fd(tx), IPPROTO_IP, IP_MULTICAST_IF, &iface,
		       sizeof(iface)) != 0) {
		ck_assert_msg(errno == ENOPROTOOPT, "IP_MULTICAST_IF: %s",
			      mio_test_errname(errno));
		fprintf(stderr, "SKIP: multicast delivery over loopback: setsockopt "
				"IP_MULTICAST_IF is not supported here (ENOPROTOOPT)\n");
	} else {
		struct sockaddr_storage to;
		socklen_t tl = nt_addr_v4(&to, nt_port(&ra));
		((struct sockaddr_in *)&to)->sin_addr = group;
		ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(rx),
						   1, MIO_READABLE));
		ck_assert_int_eq(mio_udp_socket_send_to(tx, DATA1, DATA1_LEN,
							(struct sockaddr *)&to, tl),
				 DATA1_LEN);
		nt_expect(p, ev, 1, NT_R);
		char buf[32];
		ck_assert_int_eq(mio_udp_socket_recv(rx, buf, sizeof(buf)), DATA1_LEN);
		ck_assert_mem_eq(buf, DATA1, DATA1_LEN);
	}
	ck_assert_ok(mio_udp_socket_leave_multicast_v4(rx, &group, &iface));
	/* Leaving twice: the kernel says the membership is gone. */
	ck_assert_errno(mio_udp_socket_leave_multicast_v4(rx, &group, &iface), EADDRNOTAVAIL);
	ck_assert_errno(mio_udp_socket_join_multicast_v4(rx, NULL, &iface), EINVAL);
	nt_poll_free(p, ev);
	mio_udp_socket_free(tx);
	mio_udp_socket_free(rx);
}
END_TEST

START_TEST(test_udp_socket_multicast_v6)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	mio_udp_socket *u = udp_bind(AF_INET6, NULL, NULL);
	struct in6_addr group;
	inet_pton(AF_INET6, "ff02::1:2345", &group);
	int rc = mio_udp_socket_join_multicast_v6(u, &group, 1);
	if (rc == -ENODEV || rc == -EADDRNOTAVAIL || rc == -EINVAL) {
		fprintf(stderr, "SKIP: no IPv6 multicast on interface 1 here (%s)\n",
			mio_test_errname(-rc));
		mio_udp_socket_free(u);
		return;
	}
	ck_assert_ok(rc);
	ck_assert_ok(mio_udp_socket_leave_multicast_v6(u, &group, 1));
	ck_assert_errno(mio_udp_socket_join_multicast_v6(u, NULL, 1), EINVAL);
	mio_udp_socket_free(u);
}
END_TEST

/* udp_socket.rs et_behavior_recv / et_behavior_recv_from: once drained to
 * -EAGAIN, the next datagram brings a new event. */
START_TEST(test_udp_socket_edge_triggered_recv)
{
	struct sockaddr_storage a2, from;
	socklen_t l2, fl;
	mio_udp_socket *s1 = udp_bind(AF_INET, NULL, NULL);
	mio_udp_socket *s2 = udp_bind(AF_INET, &a2, &l2);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s1), 1, MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 2, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	nt_expect(p, ev, 2, NT_W);
	ck_assert_ok(mio_udp_socket_connect(s1, (struct sockaddr *)&a2, l2));
	char buf[20];
	for (int round = 0; round < 3; round++) {
		ck_assert_int_eq(mio_udp_socket_send(s1, DATA1, DATA1_LEN), DATA1_LEN);
		nt_expect(p, ev, 2, NT_R);
		fl = sizeof(from);
		if (round % 2)
			ck_assert_int_eq(mio_udp_socket_recv_from(s2, buf, sizeof(buf), &from, &fl),
					 DATA1_LEN);
		else
			ck_assert_int_eq(mio_udp_socket_recv(s2, buf, sizeof(buf)), DATA1_LEN);
		ck_assert_errno(mio_udp_socket_recv(s2, buf, sizeof(buf)), EAGAIN);
	}
	nt_poll_free(p, ev);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
}
END_TEST

/* udp_socket.rs udp_socket_reregister / udp_socket_no_events_after_deregister. */
START_TEST(test_udp_socket_reregister_deregister)
{
	struct sockaddr_storage a2;
	socklen_t l2;
	mio_udp_socket *s1 = udp_bind(AF_INET, NULL, NULL);
	mio_udp_socket *s2 = udp_bind(AF_INET, &a2, &l2);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(s2), 1, MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	ck_assert_ok(mio_registry_reregister(r, mio_udp_socket_fd(s2), 2, MIO_READABLE));
	ck_assert_int_eq(mio_udp_socket_send_to(s1, DATA1, DATA1_LEN, (struct sockaddr *)&a2, l2),
			 DATA1_LEN);
	unsigned bits = nt_expect(p, ev, 2, NT_R);
	ck_assert(!(bits & NT_W));
	ck_assert_ok(mio_registry_deregister(r, mio_udp_socket_fd(s2)));
	ck_assert_int_eq(mio_udp_socket_send_to(s1, DATA2, DATA2_LEN, (struct sockaddr *)&a2, l2),
			 DATA2_LEN);
	nt_expect_none(p, ev);
	char buf[20];
	ck_assert_int_eq(mio_udp_socket_recv(s2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_int_eq(mio_udp_socket_recv(s2, buf, sizeof(buf)), DATA2_LEN);
	nt_poll_free(p, ev);
	mio_udp_socket_free(s1);
	mio_udp_socket_free(s2);
}
END_TEST

START_TEST(test_udp_socket_bad_args)
{
	struct sockaddr_storage ss;
	socklen_t len = nt_addr_v4(&ss, 0);
	mio_udp_socket *u = (mio_udp_socket *)&u;
	ck_assert_errno(mio_udp_socket_bind(NULL, len, &u), EINVAL);
	ck_assert_ptr_null(u);
	u = (mio_udp_socket *)&u;
	ck_assert_errno(mio_udp_socket_bind((struct sockaddr *)&ss, len - 1, &u), EINVAL);
	ck_assert_ptr_null(u);
	ck_assert_errno(mio_udp_socket_bind((struct sockaddr *)&ss, len, NULL), EINVAL);

	/* bind on an address in use. */
	struct sockaddr_storage a;
	socklen_t al;
	mio_udp_socket *held = udp_bind(AF_INET, &a, &al);
	u = (mio_udp_socket *)&u;
	ck_assert_errno(mio_udp_socket_bind((struct sockaddr *)&a, al, &u), EADDRINUSE);
	ck_assert_ptr_null(u);

	char buf[4];
	ck_assert_errno(mio_udp_socket_send_to(held, buf, 1, NULL, al), EINVAL);
	ck_assert_errno(mio_udp_socket_send_to(held, buf, 1, (struct sockaddr *)&a, 3), EINVAL);
	ck_assert_errno(mio_udp_socket_connect(held, (struct sockaddr *)&a, 3), EINVAL);
	ck_assert_errno(mio_udp_socket_send(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_udp_socket_recv(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_udp_socket_peek(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_udp_socket_recv_from(NULL, buf, 1, NULL, NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_take_error(held, NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_fd(NULL), EINVAL);
	ck_assert_errno(mio_udp_socket_into_fd(NULL), EINVAL);
	mio_udp_socket_free(NULL);
	mio_udp_socket_free(held);
}
END_TEST

MIO_SUITE(udp)
{
	Suite *s = suite_create("udp");
	TCase *tc = mio_tcase("udp_socket");
	tcase_add_test(tc, test_udp_socket_unconnected_ipv4);
	tcase_add_test(tc, test_udp_socket_unconnected_ipv6);
	tcase_add_test(tc, test_udp_socket_from_fd_into_fd);
	tcase_add_test(tc, test_udp_socket_connected_ipv4);
	tcase_add_test(tc, test_udp_socket_connected_ipv6);
	tcase_add_test(tc, test_udp_socket_empty_datagram);
	tcase_add_test(tc, test_udp_socket_reconnect);
	tcase_add_test(tc, test_udp_socket_mixed_methods);
	tcase_add_test(tc, test_udp_socket_options_v4);
	tcase_add_test(tc, test_udp_socket_options_v6);
	tcase_add_test(tc, test_udp_socket_multicast_v4);
	tcase_add_test(tc, test_udp_socket_multicast_v6);
	tcase_add_test(tc, test_udp_socket_edge_triggered_recv);
	tcase_add_test(tc, test_udp_socket_reregister_deregister);
	tcase_add_test(tc, test_udp_socket_bad_args);
	suite_add_tcase(s, tc);
	return s;
}
