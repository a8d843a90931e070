/*
 * check_net_smoke.c - one round trip per socket type and the pipe, through
 * a real poll, so that every build exercises the networking objects end to
 * end.  The thorough suites (ports of mio's tests) live in check_tcp.c,
 * check_udp.c, check_unix_*.c and check_pipe.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define WAIT_MS 10000

/* A poll, its events, and every event seen so far by token (< 16): with
 * edge-triggered readiness an event for one source may arrive while the
 * test waits for another, and must not be lost. */
struct loop {
	mio_poll *poll;
	mio_events *events;
	struct {
		bool readable, writable;
	} seen[16];
};

static void loop_open(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_ok(mio_poll_new(&l->poll));
	ck_assert_ok(mio_events_new(16, &l->events));
}

static void loop_close(struct loop *l)
{
	mio_events_free(l->events);
	mio_poll_free(l->poll);
}

/* Waits until `token` has been reported readable (or writable) since
 * the last time this was asked for it, then forgets that report. */
static void expect_event(struct loop *l, mio_token token, bool readable, bool writable)
{
	ck_assert_uint_lt(token, 16);
	double deadline = mio_test_now_ms() + WAIT_MS;
	while ((readable && !l->seen[token].readable) ||
	       (writable && !l->seen[token].writable)) {
		ck_assert_msg(mio_test_now_ms() < deadline, "no event for token %ju",
			      (uintmax_t)token);
		struct timespec ts = { 0, 100 * 1000000L };
		int n = mio_poll_wait(l->poll, l->events, &ts);
		if (n == -EINTR)
			continue;
		ck_assert_ok(n);
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(l->events, (size_t)i);
			mio_token t = mio_event_token(e);
			ck_assert_uint_lt(t, 16);
			l->seen[t].readable |= mio_event_is_readable(e);
			l->seen[t].writable |= mio_event_is_writable(e);
		}
	}
	if (readable)
		l->seen[token].readable = false;
	if (writable)
		l->seen[token].writable = false;
}

/* Every fd the library hands out must be non-blocking and close-on-exec. */
static void assert_fd_flags(int fd)
{
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

static void format_eq(const void *addr, socklen_t len, const char *want)
{
	char buf[128];
	int n = mio_addr_format(addr, len, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(want));
	ck_assert_str_eq(buf, want);
}

START_TEST(test_pipe_round_trip)
{
	struct loop l;
	loop_open(&l);
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	assert_fd_flags(mio_pipe_sender_fd(tx));
	assert_fd_flags(mio_pipe_receiver_fd(rx));
	ck_assert_ok(mio_registry_register(mio_poll_registry(l.poll),
					   mio_pipe_receiver_fd(rx), 1, MIO_READABLE));

	char buf[16];
	ck_assert_errno(mio_pipe_receiver_read(rx, buf, sizeof(buf)), EAGAIN);
	ck_assert_int_eq(mio_pipe_sender_write(tx, "hello", 5), 5);
	expect_event(&l, 1, true, false);
	struct iovec iov[2] = { { buf, 2 }, { buf + 2, sizeof(buf) - 2 } };
	ck_assert_int_eq(mio_pipe_receiver_readv(rx, iov, 2), 5);
	ck_assert(memcmp(buf, "hello", 5) == 0);
	ck_assert_errno(mio_pipe_receiver_read(rx, buf, sizeof(buf)), EAGAIN);

	mio_pipe_sender_free(tx);
	ck_assert_int_eq(mio_pipe_receiver_read(rx, buf, sizeof(buf)), 0);
	mio_pipe_receiver_free(rx);
	loop_close(&l);
}
END_TEST

START_TEST(test_tcp_round_trip)
{
	struct loop l;
	loop_open(&l);
	mio_registry *r = mio_poll_registry(l.poll);

	struct sockaddr_storage addr;
	socklen_t len;
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &addr, &len));
	mio_tcp_listener *listener;
	ck_assert_ok(mio_tcp_listener_bind((struct sockaddr *)&addr, len, &listener));
	assert_fd_flags(mio_tcp_listener_fd(listener));
	len = sizeof(addr);
	ck_assert_ok(mio_tcp_listener_local_addr(listener, &addr, &len));
	ck_assert_ok(mio_registry_register(r, mio_tcp_listener_fd(listener), 1, MIO_READABLE));

	mio_tcp_stream *client;
	ck_assert_ok(mio_tcp_stream_connect((struct sockaddr *)&addr, len, &client));
	assert_fd_flags(mio_tcp_stream_fd(client));
	ck_assert_ok(mio_registry_register(r, mio_tcp_stream_fd(client), 2,
					   MIO_READABLE | MIO_WRITABLE));
	expect_event(&l, 2, false, true);
	int err = 1;
	ck_assert_ok(mio_tcp_stream_take_error(client, &err));
	ck_assert_int_eq(err, 0);

	expect_event(&l, 1, true, false);
	mio_tcp_stream *server;
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer);
	ck_assert_ok(mio_tcp_listener_accept(listener, &server, &peer, &peer_len));
	assert_fd_flags(mio_tcp_stream_fd(server));
	mio_tcp_stream *none = (mio_tcp_stream *)&l;
	ck_assert_errno(mio_tcp_listener_accept(listener, &none, NULL, NULL), EAGAIN);
	ck_assert_ptr_null(none);

	/* The accepted peer is the client's local address. */
	struct sockaddr_storage client_addr;
	socklen_t client_len = sizeof(client_addr);
	ck_assert_ok(mio_tcp_stream_local_addr(client, &client_addr, &client_len));
	ck_assert_int_eq(client_len, peer_len);
	ck_assert(memcmp(&client_addr, &peer, peer_len) == 0);

	ck_assert_int_eq(mio_tcp_stream_write(client, "ping", 4), 4);
	ck_assert_ok(mio_registry_register(r, mio_tcp_stream_fd(server), 3, MIO_READABLE));
	expect_event(&l, 3, true, false);
	char buf[16];
	ck_assert_int_eq(mio_tcp_stream_peek(server, buf, sizeof(buf)), 4);
	ck_assert_int_eq(mio_tcp_stream_read(server, buf, sizeof(buf)), 4);
	ck_assert(memcmp(buf, "ping", 4) == 0);
	ck_assert_errno(mio_tcp_stream_read(server, buf, sizeof(buf)), EAGAIN);

	struct iovec iov[2] = { { "po", 2 }, { "ng", 2 } };
	ck_assert_int_eq(mio_tcp_stream_writev(server, iov, 2), 4);
	expect_event(&l, 2, true, false);
	ck_assert_int_eq(mio_tcp_stream_read(client, buf, sizeof(buf)), 4);
	ck_assert(memcmp(buf, "pong", 4) == 0);
	/* Edge-triggered: no new event is promised until a read says EAGAIN
	 * (the poll(2) backend holds it to that). */
	ck_assert_errno(mio_tcp_stream_read(client, buf, sizeof(buf)), EAGAIN);

	/* EOF after the peer shuts down its side. */
	ck_assert_ok(mio_tcp_stream_shutdown(server, SHUT_WR));
	expect_event(&l, 2, true, false);
	ck_assert_int_eq(mio_tcp_stream_read(client, buf, sizeof(buf)), 0);

	mio_tcp_stream_free(server);
	mio_tcp_stream_free(client);
	mio_tcp_listener_free(listener);
	loop_close(&l);
}
END_TEST

START_TEST(test_udp_round_trip)
{
	struct loop l;
	loop_open(&l);
	mio_registry *r = mio_poll_registry(l.poll);

	struct sockaddr_storage any, a_addr, b_addr;
	socklen_t any_len, a_len = sizeof(a_addr), b_len = sizeof(b_addr);
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &any, &any_len));
	mio_udp_socket *a, *b;
	ck_assert_ok(mio_udp_socket_bind((struct sockaddr *)&any, any_len, &a));
	ck_assert_ok(mio_udp_socket_bind((struct sockaddr *)&any, any_len, &b));
	assert_fd_flags(mio_udp_socket_fd(a));
	ck_assert_ok(mio_udp_socket_local_addr(a, &a_addr, &a_len));
	ck_assert_ok(mio_udp_socket_local_addr(b, &b_addr, &b_len));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(b), 1, MIO_READABLE));

	ck_assert_int_eq(mio_udp_socket_send_to(a, "datagram", 8,
						(struct sockaddr *)&b_addr, b_len), 8);
	expect_event(&l, 1, true, false);
	char buf[16];
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	ck_assert_int_eq(mio_udp_socket_recv_from(b, buf, sizeof(buf), &from, &from_len), 8);
	ck_assert(memcmp(buf, "datagram", 8) == 0);
	ck_assert_int_eq(from_len, a_len);
	ck_assert(memcmp(&from, &a_addr, a_len) == 0);
	ck_assert_errno(mio_udp_socket_recv_from(b, buf, sizeof(buf), &from, &from_len), EAGAIN);

	/* Connected: send/recv without addresses. */
	ck_assert_ok(mio_udp_socket_connect(b, (struct sockaddr *)&a_addr, a_len));
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(a), 2, MIO_READABLE));
	ck_assert_int_eq(mio_udp_socket_send(b, "back", 4), 4);
	expect_event(&l, 2, true, false);
	ck_assert_int_eq(mio_udp_socket_recv(a, buf, sizeof(buf)), 4);
	ck_assert(memcmp(buf, "back", 4) == 0);

	mio_udp_socket_free(a);
	mio_udp_socket_free(b);
	loop_close(&l);
}
END_TEST

/* A fresh directory for socket paths, removed by tmpdir_remove. */
static void tmpdir_make(char dir[64])
{
	snprintf(dir, 64, "/tmp/mio-smoke-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

START_TEST(test_unix_stream_round_trip)
{
	struct loop l;
	loop_open(&l);
	mio_registry *r = mio_poll_registry(l.poll);
	char dir[64], path[128];
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/sock", dir);

	mio_unix_listener *listener;
	ck_assert_ok(mio_unix_listener_bind(path, &listener));
	assert_fd_flags(mio_unix_listener_fd(listener));
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	ck_assert_ok(mio_unix_listener_local_addr(listener, &addr, &len));
	format_eq(&addr, len, path);
	ck_assert_ok(mio_registry_register(r, mio_unix_listener_fd(listener), 1, MIO_READABLE));

	mio_unix_stream *client, *server;
	ck_assert_ok(mio_unix_stream_connect(path, &client));
	assert_fd_flags(mio_unix_stream_fd(client));
	expect_event(&l, 1, true, false);
	struct sockaddr_un peer;
	socklen_t peer_len = sizeof(peer);
	ck_assert_ok(mio_unix_listener_accept(listener, &server, &peer, &peer_len));
	assert_fd_flags(mio_unix_stream_fd(server));
	format_eq(&peer, peer_len, "(unnamed)");

	ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(server), 2, MIO_READABLE));
	ck_assert_int_eq(mio_unix_stream_write(client, "unix", 4), 4);
	expect_event(&l, 2, true, false);
	char buf[16];
	ck_assert_int_eq(mio_unix_stream_read(server, buf, sizeof(buf)), 4);
	ck_assert(memcmp(buf, "unix", 4) == 0);
	ck_assert_errno(mio_unix_stream_read(server, buf, sizeof(buf)), EAGAIN);

	/* The peer is gone: EPIPE, and no SIGPIPE kills the test. */
	mio_unix_stream_free(server);
	ck_assert_errno(mio_unix_stream_write(client, "x", 1), EPIPE);

	mio_unix_stream_free(client);
	mio_unix_listener_free(listener);
	unlink(path);
	rmdir(dir);
	loop_close(&l);
}
END_TEST

START_TEST(test_unix_datagram_round_trip)
{
	struct loop l;
	loop_open(&l);
	mio_registry *r = mio_poll_registry(l.poll);
	char dir[64], path[128];
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/dgram", dir);

	mio_unix_datagram *bound, *sender;
	ck_assert_ok(mio_unix_datagram_bind(path, &bound));
	ck_assert_ok(mio_unix_datagram_unbound(&sender));
	assert_fd_flags(mio_unix_datagram_fd(bound));
	assert_fd_flags(mio_unix_datagram_fd(sender));
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(bound), 1, MIO_READABLE));

	ck_assert_int_eq(mio_unix_datagram_send_to(sender, "dgram", 5, path), 5);
	expect_event(&l, 1, true, false);
	char buf[16];
	struct sockaddr_un from;
	socklen_t from_len = sizeof(from);
	ck_assert_int_eq(mio_unix_datagram_recv_from(bound, buf, sizeof(buf), &from, &from_len), 5);
	ck_assert(memcmp(buf, "dgram", 5) == 0);
	format_eq(&from, from_len, "(unnamed)");
	ck_assert_errno(mio_unix_datagram_recv(bound, buf, sizeof(buf)), EAGAIN);

	/* A connected pair. */
	mio_unix_datagram *a, *b;
	ck_assert_ok(mio_unix_datagram_pair(&a, &b));
	ck_assert_ok(mio_registry_register(r, mio_unix_datagram_fd(b), 2, MIO_READABLE));
	ck_assert_int_eq(mio_unix_datagram_send(a, "pair", 4), 4);
	expect_event(&l, 2, true, false);
	ck_assert_int_eq(mio_unix_datagram_recv(b, buf, sizeof(buf)), 4);
	ck_assert(memcmp(buf, "pair", 4) == 0);

	mio_unix_datagram_free(a);
	mio_unix_datagram_free(b);
	mio_unix_datagram_free(sender);
	mio_unix_datagram_free(bound);
	unlink(path);
	rmdir(dir);
	loop_close(&l);
}
END_TEST

START_TEST(test_addr_parse_format_round_trip)
{
	static const char *const good[] = {
		"127.0.0.1:80", "0.0.0.0:0", "255.255.255.255:65535",
		"[::1]:8080", "[::]:0", "[fe80::1%1]:443", "[::ffff:1.2.3.4]:7",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len = 0;
		ck_assert_ok(mio_addr_parse(good[i], &ss, &len));
		ck_assert_int_eq(len, ss.ss_family == AF_INET ? sizeof(struct sockaddr_in)
							      : sizeof(struct sockaddr_in6));
		char buf[128];
		ck_assert_ok(mio_addr_format((struct sockaddr *)&ss, len, buf, sizeof(buf)));
		/* Scope 1 is usually "lo": the name form parses back too. */
		struct sockaddr_storage again;
		socklen_t again_len;
		ck_assert_ok(mio_addr_parse(buf, &again, &again_len));
		ck_assert_int_eq(again_len, len);
		ck_assert(memcmp(&again, &ss, len) == 0);
	}
	static const char *const bad[] = {
		"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
		"127.0.0.1: 80", " 127.0.0.1:80", "127.0.0.1:80 ", "localhost:80",
		"::1:80", "[::1]", "[::1]80", "[::1]:", "[::1%]:80", "[1.2.3.4]:80",
		"[fe80::1%no-such-if0]:80", "1.2.3:80", "127.0.0.01:80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		ck_assert_msg(mio_addr_parse(bad[i], &ss, &len) == -EINVAL, "parsed '%s'", bad[i]);
	}

	struct sockaddr_storage ss;
	socklen_t len;
	ck_assert_ok(mio_addr_parse("10.1.2.3:4567", &ss, &len));
	char small[13] = "untouched";
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len, small, 0), ENOSPC);
	ck_assert_str_eq(small, "untouched");
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len, small, 13), ENOSPC);
	ck_assert_str_eq(small, "");
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len - 1, small, 13), EINVAL);

	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "\0abstract" };
	format_eq(&un, offsetof(struct sockaddr_un, sun_path) + 9, "@abstract");
}
END_TEST

START_TEST(test_tcp_stream_fd_handle)
{
	mio_tcp_stream *s = (mio_tcp_stream *)1;
	ck_assert_errno(mio_tcp_stream_from_fd(-1, &s), EBADF);
	ck_assert_ptr_null(s);
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	int fd = mio_pipe_receiver_into_fd(rx);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_errno(mio_tcp_stream_from_fd(fd, &s), EBADF);

	/* from_fd makes a blocking fd non-blocking, into_fd gives it back. */
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_ok(mio_pipe_receiver_from_fd(fds[0], &rx));
	ck_assert(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	ck_assert_int_eq(mio_pipe_receiver_fd(rx), fds[0]);
	ck_assert_int_eq(mio_pipe_receiver_into_fd(rx), fds[0]);
	close(fds[0]);
	close(fds[1]);

	mio_tcp_stream_free(NULL);
	mio_pipe_sender_free(tx);
}
END_TEST

MIO_SUITE(net_smoke)
{
	Suite *s = suite_create("net_smoke");
	TCase *tc = mio_tcase("round_trip");
	tcase_add_test(tc, test_pipe_round_trip);
	tcase_add_test(tc, test_tcp_round_trip);
	tcase_add_test(tc, test_udp_round_trip);
	tcase_add_test(tc, test_unix_stream_round_trip);
	tcase_add_test(tc, test_unix_datagram_round_trip);
	tcase_add_test(tc, test_addr_parse_format_round_trip);
	tcase_add_test(tc, test_tcp_stream_fd_handle);
	suite_add_tcase(s, tc);
	return s;
}
