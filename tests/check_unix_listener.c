/*
 * check_unix_listener.c - mio_unix_listener, ported from Rust mio's
 * tests/unix_listener.rs.
 *
 * SPDX-License-Identifier: MIT
 */
#include "netutil.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

/* unix_listener.rs smoke_test: two connections after one event, accept
 * gives the (unnamed) peer, then -EAGAIN. */
static void smoke(mio_unix_listener *l, const struct sockaddr_un *addr, socklen_t len)
{
	nt_assert_nonblock_cloexec(mio_unix_listener_fd(l));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_listener_fd(l), 1,
					   MIO_READABLE | MIO_WRITABLE));
	nt_expect_none(p, ev);
	int c1 = nt_plain_connect((const struct sockaddr_storage *)addr, len);
	int c2 = nt_plain_connect((const struct sockaddr_storage *)addr, len);
	nt_expect(p, ev, 1, NT_R);
	for (int i = 0; i < 2; i++) {
		mio_unix_stream *s = NULL;
		struct sockaddr_un peer;
		socklen_t plen = sizeof(peer);
		ck_assert_ok(mio_unix_listener_accept(l, &s, &peer, &plen));
		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(peer.sun_family, AF_UNIX);
		ck_assert_uint_eq(plen, sizeof(sa_family_t));  /* unnamed */
		nt_assert_nonblock_cloexec(mio_unix_stream_fd(s));
		/* The accepted stream talks to the client. */
		ck_assert_int_eq(mio_unix_stream_write(s, "ok", 2), 2);
		char buf[2];
		ck_assert_int_eq(read(i == 0 ? c1 : c2, buf, 2), 2);
		mio_unix_stream_free(s);
	}
	mio_unix_stream *s = (mio_unix_stream *)&s;
	ck_assert_errno(mio_unix_listener_accept(l, &s, NULL, NULL), EAGAIN);
	ck_assert_ptr_null(s);
	int err = 1;
	ck_assert_ok(mio_unix_listener_take_error(l, &err));
	ck_assert_int_eq(err, 0);
	close(c1);
	close(c2);
	nt_poll_free(p, ev);
}

/* unix_listener.rs unix_listener_smoke + unix_listener_local_addr. */
START_TEST(test_unix_listener_bind)
{
	char dir[64], path[108];
	nt_tmpdir(dir);
	nt_path_in(path, dir, "listener");
	mio_unix_listener *l = NULL;
	ck_assert_ok(mio_unix_listener_bind(path, &l));
	struct sockaddr_un a;
	socklen_t alen = sizeof(a);
	ck_assert_ok(mio_unix_listener_local_addr(l, &a, &alen));
	ck_assert_str_eq(a.sun_path, path);
	char text[128];
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&a, alen, text, sizeof(text)),
			 (int)strlen(path));
	ck_assert_str_eq(text, path);
	struct sockaddr_un sun;
	socklen_t len = nt_sun_path(&sun, path);
	smoke(l, &sun, len);

	/* The path is taken while the socket file exists. */
	mio_unix_listener *l2 = (mio_unix_listener *)&l2;
	ck_assert_errno(mio_unix_listener_bind(path, &l2), EADDRINUSE);
	ck_assert_ptr_null(l2);
	mio_unix_listener_free(l);
	nt_rmtree(dir);
}
END_TEST

START_TEST(test_unix_listener_bind_addr)
{
	char dir[64], path[108];
	nt_tmpdir(dir);
	nt_path_in(path, dir, "listener_addr");
	struct sockaddr_un sun;
	socklen_t len = nt_sun_path(&sun, path);
	mio_unix_listener *l = NULL;
	ck_assert_ok(mio_unix_listener_bind_addr(&sun, len, &l));
	smoke(l, &sun, len);
	mio_unix_listener_free(l);
	nt_rmtree(dir);
}
END_TEST

/* unix_listener.rs unix_listener_abstract_namespace (Linux). */
START_TEST(test_unix_listener_abstract)
{
	char name[64];
	snprintf(name, sizeof(name), "mio-abstract-uds-%ld-%u", (long)getpid(),
		 (unsigned)(mio_test_now_ms() * 1000));
	struct sockaddr_un sun;
	socklen_t len = nt_sun_abstract(&sun, name);
	mio_unix_listener *l = NULL;
	ck_assert_ok(mio_unix_listener_bind_addr(&sun, len, &l));
	struct sockaddr_un a;
	socklen_t alen = sizeof(a);
	ck_assert_ok(mio_unix_listener_local_addr(l, &a, &alen));
	ck_assert_uint_eq(alen, len);
	ck_assert_int_eq(a.sun_path[0], '\0');
	ck_assert_mem_eq(a.sun_path + 1, name, strlen(name));
	char text[128], want[128];
	snprintf(want, sizeof(want), "@%s", name);
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&a, alen, text, sizeof(text)),
			 (int)strlen(want));
	ck_assert_str_eq(text, want);

	/* A stream reaches it through connect_addr. */
	mio_unix_stream *c = NULL;
	ck_assert_ok(mio_unix_stream_connect_addr(&sun, len, &c));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_unix_listener_fd(l), 1,
					   MIO_READABLE));
	nt_expect(p, ev, 1, NT_R);
	mio_unix_stream *s = NULL;
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	ck_assert_ok(mio_unix_listener_accept(l, &s, &peer, &plen));
	ck_assert_uint_eq(plen, sizeof(sa_family_t));
	alen = sizeof(a);
	ck_assert_ok(mio_unix_stream_peer_addr(c, &a, &alen));
	ck_assert_uint_eq(alen, len);
	ck_assert_mem_eq(a.sun_path, sun.sun_path, len - offsetof(struct sockaddr_un, sun_path));
	mio_unix_stream_free(s);
	mio_unix_stream_free(c);
	nt_poll_free(p, ev);
	mio_unix_listener_free(l);
}
END_TEST

/* unix_listener.rs unix_listener_from_std, and into_fd. */
START_TEST(test_unix_listener_from_fd)
{
	char dir[64], path[108];
	nt_tmpdir(dir);
	nt_path_in(path, dir, "from_fd");
	struct sockaddr_storage ss;
	socklen_t len = nt_sun_path((struct sockaddr_un *)&ss, path);
	int fd = nt_plain_listener(AF_UNIX, &ss, &len);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	mio_unix_listener *l = NULL;
	ck_assert_ok(mio_unix_listener_from_fd(fd, &l));
	ck_assert_int_eq(mio_unix_listener_fd(l), fd);
	struct sockaddr_un sun;
	len = nt_sun_path(&sun, path);
	smoke(l, &sun, len);
	ck_assert_int_eq(mio_unix_listener_into_fd(l), fd);
	ck_assert(nt_fd_is_open(fd));
	ck_assert_ok(mio_unix_listener_from_fd(fd, &l));
	mio_unix_listener_free(l);
	ck_assert(!nt_fd_is_open(fd));
	nt_rmtree(dir);
}
END_TEST

/* unix_listener.rs unix_listener_register / _reregister / _deregister. */
START_TEST(test_unix_listener_register)
{
	char dir[64], path[108];
	nt_tmpdir(dir);
	nt_path_in(path, dir, "register");
	mio_unix_listener *l = NULL;
	ck_assert_ok(mio_unix_listener_bind(path, &l));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_unix_listener_fd(l), 1, MIO_WRITABLE));
	nt_expect_none(p, ev);
	ck_assert_ok(mio_registry_reregister(r, mio_unix_listener_fd(l), 2, MIO_READABLE));
	mio_unix_stream *c1 = NULL, *c2 = NULL;
	ck_assert_ok(mio_unix_stream_connect(path, &c1));
	nt_expect(p, ev, 2, NT_R);
	mio_unix_stream *s = NULL;
	ck_assert_ok(mio_unix_listener_accept(l, &s, NULL, NULL));
	mio_unix_stream_free(s);
	ck_assert_ok(mio_registry_deregister(r, mio_unix_listener_fd(l)));
	ck_assert_ok(mio_unix_stream_connect(path, &c2));
	nt_expect_none(p, ev);
	ck_assert_ok(mio_unix_listener_accept(l, &s, NULL, NULL));
	mio_unix_stream_free(s);
	mio_unix_stream_free(c1);
	mio_unix_stream_free(c2);
	nt_poll_free(p, ev);
	mio_unix_listener_free(l);
	nt_rmtree(dir);
}
END_TEST

START_TEST(test_unix_listener_bad_args)
{
	mio_unix_listener *l = (mio_unix_listener *)&l;
	char toolong[200];
	memset(toolong, 'x', sizeof(toolong) - 1);
	toolong[sizeof(toolong) - 1] = '\0';
	ck_assert_errno(mio_unix_listener_bind(toolong, &l), EINVAL);
	ck_assert_ptr_null(l);
	ck_assert_errno(mio_unix_listener_bind(NULL, &l), EINVAL);
	ck_assert_errno(mio_unix_listener_bind("/tmp/x", NULL), EINVAL);
	l = (mio_unix_listener *)&l;
	ck_assert_errno(mio_unix_listener_bind("/nonexistent-dir-mio/x", &l), ENOENT);
	ck_assert_ptr_null(l);

	struct sockaddr_un sun;
	socklen_t len = nt_sun_abstract(&sun, "mio-bad-args");
	ck_assert_errno(mio_unix_listener_bind_addr(NULL, len, &l), EINVAL);
	ck_assert_errno(mio_unix_listener_bind_addr(&sun, 1, &l), EINVAL);
	ck_assert_errno(mio_unix_listener_bind_addr(&sun, sizeof(sun) + 1, &l), EINVAL);
	sun.sun_family = AF_INET;
	ck_assert_errno(mio_unix_listener_bind_addr(&sun, len, &l), EINVAL);

	mio_unix_stream *s = (mio_unix_stream *)&s;
	ck_assert_errno(mio_unix_listener_accept(NULL, &s, NULL, NULL), EINVAL);
	int err;
	ck_assert_errno(mio_unix_listener_take_error(NULL, &err), EINVAL);
	ck_assert_errno(mio_unix_listener_fd(NULL), EINVAL);
	ck_assert_errno(mio_unix_listener_into_fd(NULL), EINVAL);
	ck_assert_errno(mio_unix_listener_from_fd(-1, &l), EBADF);
	mio_unix_listener_free(NULL);
}
END_TEST

MIO_SUITE(unix_listener)
{
	Suite *s = suite_create("unix_listener");
	TCase *tc = mio_tcase("unix_listener");
	tcase_add_test(tc, test_unix_listener_bind);
	tcase_add_test(tc, test_unix_listener_bind_addr);
	tcase_add_test(tc, test_unix_listener_abstract);
	tcase_add_test(tc, test_unix_listener_from_fd);
	tcase_add_test(tc, test_unix_listener_register);
	tcase_add_test(tc, test_unix_listener_bad_args);
	suite_add_tcase(s, tc);
	return s;
}
