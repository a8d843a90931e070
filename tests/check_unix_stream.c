/*
 * check_unix_stream.c - mio_unix_stream, ported from Rust mio's
 * tests/unix_stream.rs.  Socket paths live in a mkdtemp() directory.
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

struct fixture {
	char dir[64];
	char path[108];
	struct nt_peer peer;
	mio_poll *p;
	mio_events *ev;
};

/* An echo (or noop) peer listening on dir/name, and a poll. */
static void setup(struct fixture *f, const char *name, bool echo, bool barrier)
{
	nt_tmpdir(f->dir);
	nt_path_in(f->path, f->dir, name);
	nt_peer_start(&f->peer, AF_UNIX, f->path, 1, echo, barrier, false);
	nt_poll(&f->p, &f->ev);
}

static void teardown(struct fixture *f)
{
	nt_peer_join(&f->peer);
	nt_poll_free(f->p, f->ev);
	nt_rmtree(f->dir);
}

static void expect_read(mio_unix_stream *s, const char *data, size_t len)
{
	char buf[256];
	ssize_t n = mio_unix_stream_read(s, buf, sizeof(buf));
	ck_assert_msg(n == (ssize_t)len, "read %zd (%s), expected %zu", n,
		      n < 0 ? mio_test_errname((int)-n) : "ok", len);
	ck_assert_mem_eq(buf, data, len);
}

/* unix_stream.rs smoke_test: echo through the peer, plain and vectored. */
static void smoke(struct fixture *f, mio_unix_stream *s)
{
	nt_assert_nonblock_cloexec(mio_unix_stream_fd(s));
	ck_assert_ok(mio_registry_register(mio_poll_registry(f->p), mio_unix_stream_fd(s), 1,
					   MIO_READABLE | MIO_WRITABLE));
	nt_expect(f->p, f->ev, 1, NT_W);
	char buf[64];
	ck_assert_errno(mio_unix_stream_read(s, buf, sizeof(buf)), EAGAIN);

	struct sockaddr_un a;
	socklen_t alen = sizeof(a);
	ck_assert_ok(mio_unix_stream_peer_addr(s, &a, &alen));
	ck_assert_str_eq(a.sun_path, f->path);
	alen = sizeof(a);
	ck_assert_ok(mio_unix_stream_local_addr(s, &a, &alen));
	ck_assert_uint_eq(alen, sizeof(sa_family_t));  /* unnamed */

	ck_assert_int_eq(mio_unix_stream_write(s, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(f->p, f->ev, 1, NT_R);
	expect_read(s, DATA1, DATA1_LEN);
	ck_assert_errno(mio_unix_stream_read(s, buf, sizeof(buf)), EAGAIN);

	struct iovec wv[2] = { { (void *)DATA1, DATA1_LEN }, { (void *)DATA2, DATA2_LEN } };
	ck_assert_int_eq(mio_unix_stream_writev(s, wv, 2), DATA1_LEN + DATA2_LEN);
	nt_expect(f->p, f->ev, 1, NT_R);
	char b1[DATA1_LEN], b2[DATA2_LEN + 1];
	memset(b2, 2, sizeof(b2));
	struct iovec rv[2] = { { b1, sizeof(b1) }, { b2, sizeof(b2) } };
	/* The echo peer may answer in two writes: read until all is in. */
	size_t got = 0;
	ssize_t n = mio_unix_stream_readv(s, rv, 2);
	ck_assert_int_gt(n, 0);
	got = (size_t)n;
	while (got < DATA1_LEN + DATA2_LEN) {
		nt_expect(f->p, f->ev, 1, NT_R);
		n = mio_unix_stream_read(s, got < DATA1_LEN ? b1 + got : b2 + (got - DATA1_LEN),
					 got < DATA1_LEN ? DATA1_LEN - got
							 : DATA1_LEN + DATA2_LEN - got);
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	ck_assert_mem_eq(b1, DATA1, DATA1_LEN);
	ck_assert_mem_eq(b2, DATA2, DATA2_LEN);
	ck_assert_int_eq(b2[DATA2_LEN], 2);
	int err = 1;
	ck_assert_ok(mio_unix_stream_take_error(s, &err));
	ck_assert_int_eq(err, 0);
}

/* unix_stream.rs unix_stream_smoke / unix_stream_connect. */
START_TEST(test_unix_stream_connect)
{
	struct fixture f;
	setup(&f, "connect", true, false);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect(f.path, &s));
	smoke(&f, s);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_connect_addr. */
START_TEST(test_unix_stream_connect_addr)
{
	struct fixture f;
	setup(&f, "connect_addr", true, false);
	struct sockaddr_un sun;
	socklen_t len = nt_sun_path(&sun, f.path);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect_addr(&sun, len, &s));
	smoke(&f, s);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_from_std, and into_fd. */
START_TEST(test_unix_stream_from_fd)
{
	struct fixture f;
	setup(&f, "from_fd", true, false);
	int fd = nt_plain_connect(&f.peer.addr, f.peer.len);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_from_fd(fd, &s));
	ck_assert_int_eq(mio_unix_stream_fd(s), fd);
	smoke(&f, s);
	ck_assert_ok(mio_registry_deregister(mio_poll_registry(f.p), fd));
	ck_assert_int_eq(mio_unix_stream_into_fd(s), fd);
	ck_assert(nt_fd_is_open(fd));
	ck_assert_ok(mio_unix_stream_from_fd(fd, &s));
	mio_unix_stream_free(s);
	ck_assert(!nt_fd_is_open(fd));
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_pair. */
START_TEST(test_unix_stream_pair)
{
	mio_unix_stream *s1 = NULL, *s2 = NULL;
	ck_assert_ok(mio_unix_stream_pair(&s1, &s2));
	nt_assert_nonblock_cloexec(mio_unix_stream_fd(s1));
	nt_assert_nonblock_cloexec(mio_unix_stream_fd(s2));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(s1), 1, MIO_READABLE | MIO_WRITABLE));
	ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(s2), 2, MIO_READABLE | MIO_WRITABLE));
	nt_expect(p, ev, 1, NT_W);
	char buf[64];
	ck_assert_errno(mio_unix_stream_read(s1, buf, sizeof(buf)), EAGAIN);
	ck_assert_int_eq(mio_unix_stream_write(s1, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(p, ev, 2, NT_R);
	expect_read(s2, DATA1, DATA1_LEN);
	ck_assert_errno(mio_unix_stream_read(s2, buf, sizeof(buf)), EAGAIN);
	ck_assert_int_eq(mio_unix_stream_write(s2, DATA2, DATA2_LEN), DATA2_LEN);
	nt_expect(p, ev, 1, NT_R);
	expect_read(s1, DATA2, DATA2_LEN);
	ck_assert_errno(mio_unix_stream_read(s2, buf, sizeof(buf)), EAGAIN);

	struct sockaddr_un a;
	socklen_t alen = sizeof(a);
	ck_assert_ok(mio_unix_stream_peer_addr(s1, &a, &alen));
	ck_assert_uint_eq(alen, sizeof(sa_family_t));
	char text[32];
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&a, alen, text, sizeof(text)), 9);
	ck_assert_str_eq(text, "(unnamed)");

	/* Peer gone: read_closed, then EPIPE on write, no SIGPIPE. */
	mio_unix_stream_free(s2);
	nt_expect(p, ev, 1, NT_RC);
	ck_assert_int_eq(mio_unix_stream_read(s1, buf, sizeof(buf)), 0);
	ck_assert_errno(mio_unix_stream_write(s1, DATA1, DATA1_LEN), EPIPE);
	struct iovec iov = { (void *)DATA1, DATA1_LEN };
	ck_assert_errno(mio_unix_stream_writev(s1, &iov, 1), EPIPE);
	mio_unix_stream_free(s1);
	nt_poll_free(p, ev);

	mio_unix_stream *x = (mio_unix_stream *)&x;
	ck_assert_errno(mio_unix_stream_pair(&x, NULL), EINVAL);
	ck_assert_errno(mio_unix_stream_pair(NULL, &x), EINVAL);
}
END_TEST

/* unix_stream.rs unix_stream_shutdown_read. */
START_TEST(test_unix_stream_shutdown_read)
{
	struct fixture f;
	setup(&f, "shutdown_read", true, false);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect(f.path, &s));
	ck_assert_ok(mio_registry_register(mio_poll_registry(f.p), mio_unix_stream_fd(s), 1,
					   MIO_READABLE | MIO_WRITABLE));
	nt_expect(f.p, f.ev, 1, NT_W);
	ck_assert_int_eq(mio_unix_stream_write(s, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(f.p, f.ev, 1, NT_R);
	/* Drain the echo to -EAGAIN: only then is another event promised
	 * (the poll(2) backend holds the fd back until then). */
	expect_read(s, DATA1, DATA1_LEN);
	char buf[8];
	ck_assert_errno(mio_unix_stream_read(s, buf, sizeof(buf)), EAGAIN);
	ck_assert_ok(mio_unix_stream_shutdown(s, SHUT_RD));
	nt_expect(f.p, f.ev, 1, NT_RC);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_shutdown_write: the echo peer sees EOF and
 * closes, so write_closed comes; writing is -EPIPE, reading still works. */
START_TEST(test_unix_stream_shutdown_write)
{
	struct fixture f;
	setup(&f, "shutdown_write", true, false);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect(f.path, &s));
	ck_assert_ok(mio_registry_register(mio_poll_registry(f.p), mio_unix_stream_fd(s), 1,
					   MIO_READABLE | MIO_WRITABLE));
	nt_expect(f.p, f.ev, 1, NT_W);
	ck_assert_int_eq(mio_unix_stream_write(s, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(f.p, f.ev, 1, NT_R);
	ck_assert_ok(mio_unix_stream_shutdown(s, SHUT_WR));
	nt_expect(f.p, f.ev, 1, NT_WC);
	ck_assert_errno(mio_unix_stream_write(s, DATA2, DATA2_LEN), EPIPE);
	expect_read(s, DATA1, DATA1_LEN);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_shutdown_both. */
START_TEST(test_unix_stream_shutdown_both)
{
	struct fixture f;
	setup(&f, "shutdown_both", true, false);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect(f.path, &s));
	ck_assert_ok(mio_registry_register(mio_poll_registry(f.p), mio_unix_stream_fd(s), 1,
					   MIO_READABLE | MIO_WRITABLE));
	nt_expect(f.p, f.ev, 1, NT_W);
	ck_assert_int_eq(mio_unix_stream_write(s, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(f.p, f.ev, 1, NT_R);
	ck_assert_ok(mio_unix_stream_shutdown(s, SHUT_RDWR));
	nt_expect(f.p, f.ev, 1, NT_WC);
	ck_assert_errno(mio_unix_stream_write(s, DATA2, DATA2_LEN), EPIPE);
	ck_assert_errno(mio_unix_stream_shutdown(s, -1), EINVAL);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_shutdown_listener_write: the peer closing is
 * read_closed here. */
START_TEST(test_unix_stream_peer_close)
{
	struct fixture f;
	setup(&f, "peer_close", false, true);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect(f.path, &s));
	ck_assert_ok(mio_registry_register(mio_poll_registry(f.p), mio_unix_stream_fd(s), 1,
					   MIO_READABLE | MIO_WRITABLE));
	nt_expect(f.p, f.ev, 1, NT_W);
	nt_peer_barrier(&f.peer);  /* the peer closes its end */
	nt_expect(f.p, f.ev, 1, NT_RC);
	char buf[4];
	ck_assert_int_eq(mio_unix_stream_read(s, buf, sizeof(buf)), 0);
	ck_assert_errno(mio_unix_stream_write(s, DATA1, DATA1_LEN), EPIPE);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

/* unix_stream.rs unix_stream_register / _reregister / _deregister. */
START_TEST(test_unix_stream_register)
{
	struct fixture f;
	setup(&f, "register", true, false);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_stream_connect(f.path, &s));
	mio_registry *r = mio_poll_registry(f.p);
	ck_assert_ok(mio_registry_register(r, mio_unix_stream_fd(s), 1, MIO_READABLE));
	nt_expect_none(f.p, f.ev);
	ck_assert_ok(mio_registry_reregister(r, mio_unix_stream_fd(s), 2, MIO_WRITABLE));
	unsigned bits = nt_expect(f.p, f.ev, 2, NT_W);
	ck_assert(!(bits & NT_R));
	ck_assert_ok(mio_registry_deregister(r, mio_unix_stream_fd(s)));
	ck_assert_int_eq(mio_unix_stream_write(s, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect_none(f.p, f.ev);
	mio_unix_stream_free(s);
	teardown(&f);
}
END_TEST

START_TEST(test_unix_stream_bad_args)
{
	char dir[64], path[108];
	nt_tmpdir(dir);
	nt_path_in(path, dir, "nobody-here");
	mio_unix_stream *s = (mio_unix_stream *)&s;
	ck_assert_errno(mio_unix_stream_connect(path, &s), ENOENT);
	ck_assert_ptr_null(s);
	ck_assert_errno(mio_unix_stream_connect(NULL, &s), EINVAL);
	ck_assert_errno(mio_unix_stream_connect(path, NULL), EINVAL);

	char toolong[200];
	memset(toolong, 'x', sizeof(toolong) - 1);
	toolong[sizeof(toolong) - 1] = '\0';
	s = (mio_unix_stream *)&s;
	ck_assert_errno(mio_unix_stream_connect(toolong, &s), EINVAL);
	ck_assert_ptr_null(s);

	struct sockaddr_un sun;
	socklen_t len = nt_sun_path(&sun, path);
	ck_assert_errno(mio_unix_stream_connect_addr(&sun, 1, &s), EINVAL);
	ck_assert_errno(mio_unix_stream_connect_addr(&sun, sizeof(sun) + 1, &s), EINVAL);
	ck_assert_errno(mio_unix_stream_connect_addr(NULL, len, &s), EINVAL);
	sun.sun_family = AF_INET;
	ck_assert_errno(mio_unix_stream_connect_addr(&sun, len, &s), EINVAL);

	char buf[4];
	struct iovec iov = { buf, 1 };
	ck_assert_errno(mio_unix_stream_read(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_unix_stream_write(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_unix_stream_readv(NULL, &iov, 1), EINVAL);
	ck_assert_errno(mio_unix_stream_writev(NULL, &iov, 1), EINVAL);
	ck_assert_errno(mio_unix_stream_shutdown(NULL, SHUT_RD), EINVAL);
	ck_assert_errno(mio_unix_stream_fd(NULL), EINVAL);
	ck_assert_errno(mio_unix_stream_into_fd(NULL), EINVAL);
	ck_assert_errno(mio_unix_stream_from_fd(-1, &s), EBADF);
	mio_unix_stream_free(NULL);
	nt_rmtree(dir);
}
END_TEST

MIO_SUITE(unix_stream)
{
	Suite *s = suite_create("unix_stream");
	TCase *tc = mio_tcase("unix_stream");
	tcase_add_test(tc, test_unix_stream_connect);
	tcase_add_test(tc, test_unix_stream_connect_addr);
	tcase_add_test(tc, test_unix_stream_from_fd);
	tcase_add_test(tc, test_unix_stream_pair);
	tcase_add_test(tc, test_unix_stream_shutdown_read);
	tcase_add_test(tc, test_unix_stream_shutdown_write);
	tcase_add_test(tc, test_unix_stream_shutdown_both);
	tcase_add_test(tc, test_unix_stream_peer_close);
	tcase_add_test(tc, test_unix_stream_register);
	tcase_add_test(tc, test_unix_stream_bad_args);
	suite_add_tcase(s, tc);
	return s;
}
