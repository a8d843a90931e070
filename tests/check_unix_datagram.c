/*
 * check_unix_datagram.c - mio_unix_datagram, ported from Rust mio's
 * tests/unix_datagram.rs.
 *
 * SPDX-License-Identifier: MIT
 */
#include "netutil.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

static const char DATA1[] = "Hello same host!";
static const char DATA2[] = "Why hello mio!";
#define DATA1_LEN (sizeof(DATA1) - 1)
#define DATA2_LEN (sizeof(DATA2) - 1)

static void assert_no_error(mio_unix_datagram *d)
{
	int err = 1;
	ck_assert_ok(mio_unix_datagram_take_error(d, &err));
	ck_assert_int_eq(err, 0);
}

/* unix_datagram.rs smoke_test_unconnected. */
static void smoke_unconnected(mio_unix_datagram *d1, mio_unix_datagram *d2)
{
	nt_assert_nonblock_cloexec(mio_unix_datagram_fd(d1));
	nt_assert_nonblock_cloexec(mio_unix_datagram_fd(d2));
	struct sockaddr_un a1, a2, from;
	socklen_t l1 = sizeof(a1), l2 = sizeof(a2), fl;
	ck_assert_ok(mio_unix_datagram_local_addr(d1, &a1, &l1));
	ck_assert_ok(mio_unix_datagram_local_addr(d2, &a2, &l2));
	ck_assert_uint_gt(l1, sizeof(sa_family_t));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d2), 2, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	nt_expect(p, ev, 2, NT_W);
	char buf[64];
	fl = sizeof(from);
	ck_assert_errno(mio_unix_datagram_recv_from(d1, buf, sizeof(buf), &from, &fl), EAGAIN);
	ck_assert_errno(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), &from, &fl), EAGAIN);
	ck_assert_int_eq(mio_unix_datagram_send_to(d1, DATA1, DATA1_LEN, a2.sun_path), DATA1_LEN);
	ck_assert_int_eq(mio_unix_datagram_send_to_addr(d2, DATA2, DATA2_LEN, &a1, l1), DATA2_LEN);
	nt_expect(p, ev, 1, NT_R);
	nt_expect(p, ev, 2, NT_R);
	fl = sizeof(from);
	ck_assert_int_eq(mio_unix_datagram_recv_from(d1, buf, sizeof(buf), &from, &fl), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	ck_assert_str_eq(from.sun_path, a2.sun_path);
	fl = sizeof(from);
	ck_assert_int_eq(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), &from, &fl), DATA1_LEN);
	ck_assert_mem_eq(buf, DATA1, DATA1_LEN);
	ck_assert_str_eq(from.sun_path, a1.sun_path);
	assert_no_error(d1);
	assert_no_error(d2);
	nt_poll_free(p, ev);
}

/* unix_datagram.rs smoke_test_connected. */
static void smoke_connected(mio_unix_datagram *d1, mio_unix_datagram *d2)
{
	nt_assert_nonblock_cloexec(mio_unix_datagram_fd(d1));
	nt_assert_nonblock_cloexec(mio_unix_datagram_fd(d2));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d2), 2, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	nt_expect(p, ev, 2, NT_W);
	char buf[64];
	ck_assert_errno(mio_unix_datagram_recv(d1, buf, sizeof(buf)), EAGAIN);
	ck_assert_errno(mio_unix_datagram_recv(d2, buf, sizeof(buf)), EAGAIN);
	ck_assert_int_eq(mio_unix_datagram_send(d1, DATA1, DATA1_LEN), DATA1_LEN);
	ck_assert_int_eq(mio_unix_datagram_send(d2, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect(p, ev, 1, NT_R);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_int_eq(mio_unix_datagram_recv(d1, buf, sizeof(buf)), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	ck_assert_int_eq(mio_unix_datagram_recv(d2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_mem_eq(buf, DATA1, DATA1_LEN);
	ck_assert_errno(mio_unix_datagram_recv(d2, buf, sizeof(buf)), EAGAIN);
	assert_no_error(d1);
	assert_no_error(d2);
	nt_poll_free(p, ev);
}

/* unix_datagram.rs unix_datagram_smoke_unconnected. */
START_TEST(test_unix_datagram_unconnected)
{
	char dir[64], p1[108], p2[108];
	nt_tmpdir(dir);
	nt_path_in(p1, dir, "d1");
	nt_path_in(p2, dir, "d2");
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_bind(p1, &d1));
	struct sockaddr_un sun;
	socklen_t len = nt_sun_path(&sun, p2);
	ck_assert_ok(mio_unix_datagram_bind_addr(&sun, len, &d2));
	smoke_unconnected(d1, d2);
	struct sockaddr_un pa;
	socklen_t pl = sizeof(pa);
	ck_assert_errno(mio_unix_datagram_peer_addr(d1, &pa, &pl), ENOTCONN);
	/* The path is taken. */
	mio_unix_datagram *d3 = (mio_unix_datagram *)&d3;
	ck_assert_errno(mio_unix_datagram_bind(p1, &d3), EADDRINUSE);
	ck_assert_ptr_null(d3);
	mio_unix_datagram_free(d1);
	mio_unix_datagram_free(d2);
	nt_rmtree(dir);
}
END_TEST

/* unix_datagram.rs unix_datagram_smoke_connected + unix_datagram_connect. */
START_TEST(test_unix_datagram_connected)
{
	char dir[64], p1[108], p2[108];
	nt_tmpdir(dir);
	nt_path_in(p1, dir, "d1");
	nt_path_in(p2, dir, "d2");
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_bind(p1, &d1));
	ck_assert_ok(mio_unix_datagram_bind(p2, &d2));
	ck_assert_ok(mio_unix_datagram_connect(d1, p2));
	struct sockaddr_un sun;
	socklen_t len = nt_sun_path(&sun, p1);
	ck_assert_ok(mio_unix_datagram_connect_addr(d2, &sun, len));
	struct sockaddr_un pa;
	socklen_t pl = sizeof(pa);
	ck_assert_ok(mio_unix_datagram_peer_addr(d1, &pa, &pl));
	ck_assert_str_eq(pa.sun_path, p2);
	smoke_connected(d1, d2);
	mio_unix_datagram_free(d1);
	mio_unix_datagram_free(d2);
	nt_rmtree(dir);
}
END_TEST

/* unix_datagram.rs unix_datagram_smoke_{un,}connected_from_std. */
START_TEST(test_unix_datagram_from_fd)
{
	char dir[64], p1[108], p2[108];
	nt_tmpdir(dir);
	nt_path_in(p1, dir, "d1");
	nt_path_in(p2, dir, "d2");
	int fds[2];
	for (int i = 0; i < 2; i++) {
		fds[i] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un sun;
		socklen_t len = nt_sun_path(&sun, i == 0 ? p1 : p2);
		ck_assert_int_eq(bind(fds[i], (struct sockaddr *)&sun, len), 0);
		ck_assert_int_eq(fcntl(fds[i], F_GETFL) & O_NONBLOCK, 0);
	}
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_from_fd(fds[0], &d1));
	ck_assert_ok(mio_unix_datagram_from_fd(fds[1], &d2));
	smoke_unconnected(d1, d2);
	ck_assert_int_eq(mio_unix_datagram_into_fd(d1), fds[0]);
	ck_assert(nt_fd_is_open(fds[0]));
	ck_assert_ok(mio_unix_datagram_from_fd(fds[0], &d1));
	mio_unix_datagram_free(d1);
	ck_assert(!nt_fd_is_open(fds[0]));
	mio_unix_datagram_free(d2);
	nt_rmtree(dir);
}
END_TEST

/* unix_datagram.rs unix_datagram_pair. */
START_TEST(test_unix_datagram_pair)
{
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_pair(&d1, &d2));
	smoke_connected(d1, d2);
	mio_unix_datagram_free(d1);
	mio_unix_datagram_free(d2);
	ck_assert_errno(mio_unix_datagram_pair(NULL, &d2), EINVAL);
}
END_TEST

/* Unbound: the receiver sees an unnamed sender. */
START_TEST(test_unix_datagram_unbound)
{
	char dir[64], p1[108];
	nt_tmpdir(dir);
	nt_path_in(p1, dir, "rx");
	mio_unix_datagram *tx = NULL, *rx = NULL;
	ck_assert_ok(mio_unix_datagram_unbound(&tx));
	nt_assert_nonblock_cloexec(mio_unix_datagram_fd(tx));
	ck_assert_ok(mio_unix_datagram_bind(p1, &rx));
	struct sockaddr_un a;
	socklen_t al = sizeof(a);
	ck_assert_ok(mio_unix_datagram_local_addr(tx, &a, &al));
	ck_assert_uint_eq(al, sizeof(sa_family_t));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_datagram_fd(rx), 1,
					   MIO_READABLE));
	ck_assert_int_eq(mio_unix_datagram_send_to(tx, DATA1, DATA1_LEN, p1), DATA1_LEN);
	nt_expect(p, ev, 1, NT_R);
	char buf[64], text[32];
	al = sizeof(a);
	ck_assert_int_eq(mio_unix_datagram_recv_from(rx, buf, sizeof(buf), &a, &al), DATA1_LEN);
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&a, al, text, sizeof(text)), 9);
	ck_assert_str_eq(text, "(unnamed)");
	/* Nobody at the other path: the kernel says so at once. */
	char p2[108];
	nt_path_in(p2, dir, "nobody");
	ck_assert_errno(mio_unix_datagram_send_to(tx, DATA1, DATA1_LEN, p2), ENOENT);
	ck_assert_errno(mio_unix_datagram_send(tx, DATA1, DATA1_LEN), ENOTCONN);
	nt_poll_free(p, ev);
	mio_unix_datagram_free(tx);
	mio_unix_datagram_free(rx);
	nt_rmtree(dir);
}
END_TEST

/* Linux abstract names through the *_addr variants. */
START_TEST(test_unix_datagram_abstract)
{
	char n1[64], n2[64];
	unsigned stamp = (unsigned)(mio_test_now_ms() * 1000);
	snprintf(n1, sizeof(n1), "mio-dgram-%ld-%u-a", (long)getpid(), stamp);
	snprintf(n2, sizeof(n2), "mio-dgram-%ld-%u-b", (long)getpid(), stamp);
	struct sockaddr_un s1, s2;
	socklen_t l1 = nt_sun_abstract(&s1, n1), l2 = nt_sun_abstract(&s2, n2);
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_bind_addr(&s1, l1, &d1));
	ck_assert_ok(mio_unix_datagram_bind_addr(&s2, l2, &d2));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_datagram_fd(d2), 2,
					   MIO_READABLE));
	ck_assert_int_eq(mio_unix_datagram_send_to_addr(d1, DATA1, DATA1_LEN, &s2, l2), DATA1_LEN);
	nt_expect(p, ev, 2, NT_R);
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	char buf[64];
	ck_assert_int_eq(mio_unix_datagram_recv_from(d2, buf, sizeof(buf), &from, &fl), DATA1_LEN);
	ck_assert_uint_eq(fl, l1);
	ck_assert_mem_eq(from.sun_path, s1.sun_path, l1 - offsetof(struct sockaddr_un, sun_path));
	/* Drained to -EAGAIN: only then is another event promised. */
	ck_assert_errno(mio_unix_datagram_recv(d2, buf, sizeof(buf)), EAGAIN);
	ck_assert_ok(mio_unix_datagram_connect_addr(d1, &s2, l2));
	ck_assert_int_eq(mio_unix_datagram_send(d1, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_int_eq(mio_unix_datagram_recv(d2, buf, sizeof(buf)), DATA2_LEN);
	ck_assert_mem_eq(buf, DATA2, DATA2_LEN);
	nt_poll_free(p, ev);
	mio_unix_datagram_free(d1);
	mio_unix_datagram_free(d2);
}
END_TEST

/* unix_datagram.rs unix_datagram_shutdown. */
START_TEST(test_unix_datagram_shutdown)
{
	char dir[64], p1[108], p2[108];
	nt_tmpdir(dir);
	nt_path_in(p1, dir, "d1");
	nt_path_in(p2, dir, "d2");
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_bind(p1, &d1));
	ck_assert_ok(mio_unix_datagram_bind(p2, &d2));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d2), 2, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_unix_datagram_connect(d1, p2));
	nt_expect(p, ev, 1, NT_W);
	ck_assert_int_eq(mio_unix_datagram_send(d1, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_ok(mio_unix_datagram_shutdown(d1, SHUT_RD));
	nt_expect(p, ev, 1, NT_RC);
	ck_assert_ok(mio_unix_datagram_shutdown(d1, SHUT_WR));
	nt_expect(p, ev, 1, NT_WC);
	ck_assert_errno(mio_unix_datagram_send(d1, DATA2, DATA2_LEN), EPIPE);
	assert_no_error(d1);
	ck_assert_errno(mio_unix_datagram_shutdown(d1, 99), EINVAL);
	nt_poll_free(p, ev);
	mio_unix_datagram_free(d1);
	mio_unix_datagram_free(d2);
	nt_rmtree(dir);
}
END_TEST

/* unix_datagram.rs unix_datagram_register / _reregister / _deregister. */
START_TEST(test_unix_datagram_register)
{
	mio_unix_datagram *d1 = NULL, *d2 = NULL;
	ck_assert_ok(mio_unix_datagram_pair(&d1, &d2));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(d2), 1, MIO_READABLE));
	nt_expect_none(p, ev);
	ck_assert_ok(mio_registry_reregister(r, mio_unix_datagram_fd(d2), 2, MIO_READABLE));
	ck_assert_int_eq(mio_unix_datagram_send(d1, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(p, ev, 2, NT_R);
	ck_assert_ok(mio_registry_deregister(r, mio_unix_datagram_fd(d2)));
	ck_assert_int_eq(mio_unix_datagram_send(d1, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect_none(p, ev);
	char buf[64];
	ck_assert_int_eq(mio_unix_datagram_recv(d2, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_int_eq(mio_unix_datagram_recv(d2, buf, sizeof(buf)), DATA2_LEN);
	nt_poll_free(p, ev);
	mio_unix_datagram_free(d1);
	mio_unix_datagram_free(d2);
}
END_TEST

START_TEST(test_unix_datagram_bad_args)
{
	mio_unix_datagram *d = (mio_unix_datagram *)&d;
	char toolong[200];
	memset(toolong, 'x', sizeof(toolong) - 1);
	toolong[sizeof(toolong) - 1] = '\0';
	ck_assert_errno(mio_unix_datagram_bind(toolong, &d), EINVAL);
	ck_assert_ptr_null(d);
	ck_assert_errno(mio_unix_datagram_bind(NULL, &d), EINVAL);
	ck_assert_errno(mio_unix_datagram_unbound(NULL), EINVAL);
	struct sockaddr_un sun;
	socklen_t len = nt_sun_abstract(&sun, "x");
	ck_assert_errno(mio_unix_datagram_bind_addr(&sun, 1, &d), EINVAL);
	ck_assert_errno(mio_unix_datagram_bind_addr(&sun, sizeof(sun) + 1, &d), EINVAL);

	ck_assert_ok(mio_unix_datagram_unbound(&d));
	char buf[4];
	ck_assert_errno(mio_unix_datagram_send_to(d, buf, 1, toolong), EINVAL);
	ck_assert_errno(mio_unix_datagram_send_to(d, buf, 1, NULL), EINVAL);
	ck_assert_errno(mio_unix_datagram_send_to_addr(d, buf, 1, &sun, 1), EINVAL);
	ck_assert_errno(mio_unix_datagram_connect(d, toolong), EINVAL);
	ck_assert_errno(mio_unix_datagram_connect_addr(d, NULL, len), EINVAL);
	ck_assert_errno(mio_unix_datagram_recv_from(d, buf, 1, &sun, NULL), EINVAL);
	mio_unix_datagram_free(d);
	ck_assert_errno(mio_unix_datagram_send(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_unix_datagram_recv(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_unix_datagram_shutdown(NULL, SHUT_RD), EINVAL);
	ck_assert_errno(mio_unix_datagram_fd(NULL), EINVAL);
	ck_assert_errno(mio_unix_datagram_into_fd(NULL), EINVAL);
	ck_assert_errno(mio_unix_datagram_from_fd(-1, &d), EBADF);
	mio_unix_datagram_free(NULL);
}
END_TEST

MIO_SUITE(unix_datagram)
{
	Suite *s = suite_create("unix_datagram");
	TCase *tc = mio_tcase("unix_datagram");
	tcase_add_test(tc, test_unix_datagram_unconnected);
	tcase_add_test(tc, test_unix_datagram_connected);
	tcase_add_test(tc, test_unix_datagram_from_fd);
	tcase_add_test(tc, test_unix_datagram_pair);
	tcase_add_test(tc, test_unix_datagram_unbound);
	tcase_add_test(tc, test_unix_datagram_abstract);
	tcase_add_test(tc, test_unix_datagram_shutdown);
	tcase_add_test(tc, test_unix_datagram_register);
	tcase_add_test(tc, test_unix_datagram_bad_args);
	suite_add_tcase(s, tc);
	return s;
}
