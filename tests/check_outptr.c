/*
 * check_outptr.c - the out-pointer rule, for every constructor of mio.h.
 *
 * API.md: "On failure *out is left NULL.  With two out-pointers (pipes,
 * pairs) every non-NULL one is left NULL on any failure, including the
 * failure caused by the other being NULL."  check_badinput's fixture
 * starts its out-pointers at NULL, so a constructor that forgot to clear
 * one passed there (issue 12, finding 14).  Here every out-pointer is
 * poisoned before the call, each constructor fails once per way it can
 * fail without fault injection (a NULL or bad argument, the other
 * out-pointer NULL, both the same, nothing to accept, no fd left), and
 * every poisoned pointer it was given must come back NULL.
 *
 * The table must name every constructor: mio-constructors.h, made by
 * tests/Makefile.am from the preprocessed mio.h, lists each function that
 * takes a `**` parameter, and test_outptr_every_constructor fails for one
 * that has no row.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define POISON ((void *)0x1)

struct outs {
	mio_poll *p;
	mio_registry *reg;
	mio_events *ev;
	mio_waker *w;
	mio_tcp_listener *tl;
	mio_tcp_stream *ts;
	mio_tcp_socket *sk;
	mio_udp_socket *u;
	mio_unix_listener *ul;
	mio_unix_stream *us, *us2;
	mio_unix_datagram *ud, *ud2;
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
};

/* Live objects the rows need, and a few bad values. */
struct fx {
	mio_poll *p;
	mio_registry *reg;
	mio_tcp_listener *tl;   /* nothing pending: accept fails */
	mio_unix_listener *ul;  /* likewise */
	struct sockaddr_storage v4, tl_addr;
	socklen_t v4_len, tl_len;
	struct sockaddr_un sun, un_missing;
	socklen_t sun_len;
	struct sockaddr_storage ss;
	socklen_t ss_len;
	char dir[64], path[108], missing[108];
	char long_path[300];
	int closed_fd;
	struct outs o;
};

static void fx_open(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_ok(mio_poll_new(&f->p));
	f->reg = mio_poll_registry(f->p);
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &f->v4, &f->v4_len));
	ck_assert_ok(mio_tcp_listener_bind((struct sockaddr *)&f->v4, f->v4_len, &f->tl));
	f->tl_len = sizeof(f->tl_addr);
	ck_assert_ok(mio_tcp_listener_local_addr(f->tl, &f->tl_addr, &f->tl_len));
	strcpy(f->dir, "/tmp/mio-outptr-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/l", f->dir);
	snprintf(f->missing, sizeof(f->missing), "%s/missing", f->dir);
	ck_assert_ok(mio_unix_listener_bind(f->path, &f->ul));
	f->sun.sun_family = AF_UNIX;
	strcpy(f->sun.sun_path, f->path);
	f->sun_len = sizeof(f->sun);
	f->un_missing.sun_family = AF_UNIX;
	strcpy(f->un_missing.sun_path, f->missing);
	memset(f->long_path, 'x', sizeof(f->long_path) - 1);
	f->closed_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(f->closed_fd, 0);
	close(f->closed_fd);
}

static void fx_close(struct fx *f)
{
	mio_unix_listener_free(f->ul);
	mio_tcp_listener_free(f->tl);
	mio_poll_free(f->p);
	unlink(f->path);
	rmdir(f->dir);
}

#define SA(x) ((struct sockaddr *)(x))
#define O (f->o)

/* A fresh TCP socket for the rows of the consuming calls (listen, connect
 * take ownership of it, on failure too). */
static mio_tcp_socket *fresh_v4_socket(void)
{
	mio_tcp_socket *s = NULL;
	ck_assert_int_eq(mio_tcp_socket_new_v4(&s), 0);
	return s;
}

/*
 * X(constructor, case, call, errno, out A, out B, emfile): `call` is made
 * with out A and out B (the same member for a single out-pointer) set to
 * POISON; it must fail with -errno (0: any error, for the fd-limit rows,
 * whose errno depends on which resource runs out first) and leave both
 * NULL.  emfile: made with RLIMIT_NOFILE at the lowest free fd, so that
 * the constructor's own socket, pipe, eventfd or dup fails.
 */
#define OUTPTR_TABLE(X)                                                                          \
	X(mio_poll_new, emfile, mio_poll_new(&O.p), 0, O.p, O.p, 1)                              \
	X(mio_registry_try_clone, null_registry, mio_registry_try_clone(NULL, &O.reg), EINVAL,  \
	  O.reg, O.reg, 0)                                                                       \
	X(mio_events_new, capacity_0, mio_events_new(0, &O.ev), EINVAL, O.ev, O.ev, 0)           \
	X(mio_events_new, capacity_max, mio_events_new(SIZE_MAX, &O.ev), ENOMEM, O.ev, O.ev, 0)  \
	X(mio_waker_new, null_registry, mio_waker_new(NULL, 1, &O.w), EINVAL, O.w, O.w, 0)       \
	X(mio_waker_new, emfile, mio_waker_new(f->reg, 1, &O.w), 0, O.w, O.w, 1)                 \
	X(mio_tcp_listener_bind, null_addr, mio_tcp_listener_bind(NULL, 16, &O.tl), EINVAL,      \
	  O.tl, O.tl, 0)                                                                         \
	X(mio_tcp_listener_bind, len_0, mio_tcp_listener_bind(SA(&f->v4), 0, &O.tl), EINVAL,     \
	  O.tl, O.tl, 0)                                                                         \
	X(mio_tcp_listener_bind, emfile, mio_tcp_listener_bind(SA(&f->v4), f->v4_len, &O.tl), 0, \
	  O.tl, O.tl, 1)                                                                         \
	X(mio_tcp_listener_accept, null_listener, mio_tcp_listener_accept(NULL, &O.ts, NULL, NULL), \
	  EINVAL, O.ts, O.ts, 0)                                                                 \
	X(mio_tcp_listener_accept, peer_without_len,                                             \
	  mio_tcp_listener_accept(f->tl, &O.ts, &f->ss, NULL), EINVAL, O.ts, O.ts, 0)            \
	X(mio_tcp_listener_accept, nothing_pending, mio_tcp_listener_accept(f->tl, &O.ts, NULL, NULL), \
	  EAGAIN, O.ts, O.ts, 0)                                                                 \
	X(mio_tcp_listener_from_fd, minus_1, mio_tcp_listener_from_fd(-1, &O.tl), EBADF, O.tl, O.tl, 0) \
	X(mio_tcp_listener_from_fd, closed, mio_tcp_listener_from_fd(f->closed_fd, &O.tl), EBADF, \
	  O.tl, O.tl, 0)                                                                         \
	X(mio_tcp_stream_connect, null_addr, mio_tcp_stream_connect(NULL, 16, &O.ts), EINVAL,    \
	  O.ts, O.ts, 0)                                                                         \
	X(mio_tcp_stream_connect, short_len,                                                     \
	  mio_tcp_stream_connect(SA(&f->tl_addr), f->tl_len - 1, &O.ts), EINVAL, O.ts, O.ts, 0)  \
	X(mio_tcp_stream_connect, emfile,                                                        \
	  mio_tcp_stream_connect(SA(&f->tl_addr), f->tl_len, &O.ts), 0, O.ts, O.ts, 1)           \
	X(mio_tcp_stream_from_fd, minus_1, mio_tcp_stream_from_fd(-1, &O.ts), EBADF, O.ts, O.ts, 0) \
	X(mio_tcp_socket_new_v4, emfile, mio_tcp_socket_new_v4(&O.sk), 0, O.sk, O.sk, 1)           \
	X(mio_tcp_socket_new_v6, emfile, mio_tcp_socket_new_v6(&O.sk), 0, O.sk, O.sk, 1)           \
	X(mio_tcp_socket_from_fd, minus_1, mio_tcp_socket_from_fd(-1, &O.sk), EBADF, O.sk, O.sk, 0) \
	X(mio_tcp_socket_listen, null_socket, mio_tcp_socket_listen(NULL, 16, &O.tl), EINVAL,    \
	  O.tl, O.tl, 0)                                                                         \
	X(mio_tcp_socket_listen, negative_backlog,                                               \
	  mio_tcp_socket_listen(fresh_v4_socket(), -1, &O.tl), EINVAL, O.tl, O.tl, 0)            \
	X(mio_tcp_socket_connect, null_socket,                                                   \
	  mio_tcp_socket_connect(NULL, SA(&f->tl_addr), f->tl_len, &O.ts), EINVAL, O.ts, O.ts, 0) \
	X(mio_tcp_socket_connect, null_addr,                                                     \
	  mio_tcp_socket_connect(fresh_v4_socket(), NULL, 16, &O.ts), EINVAL, O.ts, O.ts, 0)    \
	X(mio_udp_socket_bind, null_addr, mio_udp_socket_bind(NULL, 16, &O.u), EINVAL, O.u, O.u, 0) \
	X(mio_udp_socket_bind, emfile, mio_udp_socket_bind(SA(&f->v4), f->v4_len, &O.u), 0,      \
	  O.u, O.u, 1)                                                                           \
	X(mio_udp_socket_from_fd, closed, mio_udp_socket_from_fd(f->closed_fd, &O.u), EBADF,     \
	  O.u, O.u, 0)                                                                           \
	X(mio_udp_socket_new_v4, emfile, mio_udp_socket_new_v4(&O.u), 0, O.u, O.u, 1)            \
	X(mio_udp_socket_new_v6, emfile, mio_udp_socket_new_v6(&O.u), 0, O.u, O.u, 1)            \
	X(mio_unix_listener_bind, null_path, mio_unix_listener_bind(NULL, &O.ul), EINVAL,        \
	  O.ul, O.ul, 0)                                                                         \
	X(mio_unix_listener_bind, long_path, mio_unix_listener_bind(f->long_path, &O.ul), EINVAL, \
	  O.ul, O.ul, 0)                                                                         \
	X(mio_unix_listener_bind, path_in_use, mio_unix_listener_bind(f->path, &O.ul), EADDRINUSE, \
	  O.ul, O.ul, 0)                                                                         \
	X(mio_unix_listener_bind_addr, null_addr, mio_unix_listener_bind_addr(NULL, 16, &O.ul),  \
	  EINVAL, O.ul, O.ul, 0)                                                                 \
	X(mio_unix_listener_bind_addr, inet_family,                                              \
	  mio_unix_listener_bind_addr((struct sockaddr_un *)&f->v4, f->v4_len, &O.ul), EINVAL,   \
	  O.ul, O.ul, 0)                                                                         \
	X(mio_unix_listener_accept, null_listener,                                               \
	  mio_unix_listener_accept(NULL, &O.us, NULL, NULL), EINVAL, O.us, O.us, 0)              \
	X(mio_unix_listener_accept, nothing_pending,                                             \
	  mio_unix_listener_accept(f->ul, &O.us, NULL, NULL), EAGAIN, O.us, O.us, 0)             \
	X(mio_unix_listener_from_fd, minus_1, mio_unix_listener_from_fd(-1, &O.ul), EBADF,       \
	  O.ul, O.ul, 0)                                                                         \
	X(mio_unix_stream_connect, null_path, mio_unix_stream_connect(NULL, &O.us), EINVAL,      \
	  O.us, O.us, 0)                                                                         \
	X(mio_unix_stream_connect, missing, mio_unix_stream_connect(f->missing, &O.us), ENOENT,  \
	  O.us, O.us, 0)                                                                         \
	X(mio_unix_stream_connect, emfile, mio_unix_stream_connect(f->path, &O.us), 0,           \
	  O.us, O.us, 1)                                                                         \
	X(mio_unix_stream_connect_addr, null_addr, mio_unix_stream_connect_addr(NULL, 16, &O.us), \
	  EINVAL, O.us, O.us, 0)                                                                 \
	X(mio_unix_stream_connect_addr, missing,                                                 \
	  mio_unix_stream_connect_addr(&f->un_missing, sizeof(f->un_missing), &O.us), ENOENT,    \
	  O.us, O.us, 0)                                                                         \
	X(mio_unix_stream_pair, null_a, mio_unix_stream_pair(NULL, &O.us2), EINVAL, O.us2, O.us2, 0) \
	X(mio_unix_stream_pair, null_b, mio_unix_stream_pair(&O.us, NULL), EINVAL, O.us, O.us, 0) \
	X(mio_unix_stream_pair, same, mio_unix_stream_pair(&O.us, &O.us), EINVAL, O.us, O.us, 0) \
	X(mio_unix_stream_pair, emfile, mio_unix_stream_pair(&O.us, &O.us2), 0, O.us, O.us2, 1)  \
	X(mio_unix_stream_from_fd, closed, mio_unix_stream_from_fd(f->closed_fd, &O.us), EBADF,  \
	  O.us, O.us, 0)                                                                         \
	X(mio_unix_datagram_bind, null_path, mio_unix_datagram_bind(NULL, &O.ud), EINVAL,        \
	  O.ud, O.ud, 0)                                                                         \
	X(mio_unix_datagram_bind, path_in_use, mio_unix_datagram_bind(f->path, &O.ud), EADDRINUSE, \
	  O.ud, O.ud, 0)                                                                         \
	X(mio_unix_datagram_bind, emfile, mio_unix_datagram_bind(f->missing, &O.ud), 0,          \
	  O.ud, O.ud, 1)                                                                         \
	X(mio_unix_datagram_bind_addr, short_len, mio_unix_datagram_bind_addr(&f->sun, 1, &O.ud), \
	  EINVAL, O.ud, O.ud, 0)                                                                 \
	X(mio_unix_datagram_unbound, emfile, mio_unix_datagram_unbound(&O.ud), 0, O.ud, O.ud, 1) \
	X(mio_unix_datagram_pair, null_a, mio_unix_datagram_pair(NULL, &O.ud2), EINVAL,          \
	  O.ud2, O.ud2, 0)                                                                       \
	X(mio_unix_datagram_pair, null_b, mio_unix_datagram_pair(&O.ud, NULL), EINVAL, O.ud, O.ud, 0) \
	X(mio_unix_datagram_pair, same, mio_unix_datagram_pair(&O.ud, &O.ud), EINVAL, O.ud, O.ud, 0) \
	X(mio_unix_datagram_pair, emfile, mio_unix_datagram_pair(&O.ud, &O.ud2), 0, O.ud, O.ud2, 1) \
	X(mio_unix_datagram_from_fd, minus_1, mio_unix_datagram_from_fd(-1, &O.ud), EBADF,       \
	  O.ud, O.ud, 0)                                                                         \
	X(mio_pipe_new, null_tx, mio_pipe_new(NULL, &O.rx), EINVAL, O.rx, O.rx, 0)               \
	X(mio_pipe_new, null_rx, mio_pipe_new(&O.tx, NULL), EINVAL, O.tx, O.tx, 0)               \
	X(mio_pipe_new, same, mio_pipe_new((mio_pipe_sender **)&O.rx, &O.rx), EINVAL, O.rx, O.rx, 0) \
	X(mio_pipe_new, emfile, mio_pipe_new(&O.tx, &O.rx), 0, O.tx, O.rx, 1)                    \
	X(mio_pipe_sender_from_fd, minus_1, mio_pipe_sender_from_fd(-1, &O.tx), EBADF, O.tx, O.tx, 0) \
	X(mio_pipe_receiver_from_fd, closed, mio_pipe_receiver_from_fd(f->closed_fd, &O.rx), EBADF, \
	  O.rx, O.rx, 0)

struct row {
	const char *fn, *name;
	long long (*call)(struct fx *f, const void **a, const void **b);
	int err;
	bool emfile;
};

#define X_FN(fn, name, call, err, a, b, emfile)                                   \
	static long long row_##fn##_##name(struct fx *f, const void **pa, const void **pb) \
	{                                                                          \
		a = POISON;                                                        \
		b = POISON;                                                        \
		long long r = (long long)(call);                                   \
		*pa = a;                                                           \
		*pb = b;                                                           \
		return r;                                                          \
	}
OUTPTR_TABLE(X_FN)
#undef X_FN

#define X_ROW(fn, name, call, err, a, b, emfile) { #fn, #name, row_##fn##_##name, err, emfile },
static const struct row rows[] = { OUTPTR_TABLE(X_ROW) };
#undef X_ROW

#define N_ROWS ((int)(sizeof(rows) / sizeof(rows[0])))

/* The lowest free fd number: with RLIMIT_NOFILE there, no fd can open. */
static int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return fd;
}

/* Whether the lowered limit holds for every kind of fd the constructors
 * make.  Under valgrind it does not for socketpair(2) (valgrind keeps the
 * limit itself, and checks only some calls). */
static bool limit_enforced(void)
{
	int fds[2], fd;
	bool ok = true;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0) {
		close(fds[0]);
		close(fds[1]);
		ok = false;
	}
	if (pipe2(fds, O_CLOEXEC) == 0) {
		close(fds[0]);
		close(fds[1]);
		ok = false;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		close(fd);
		ok = false;
	}
	return ok;
}

START_TEST(test_outptr_table)
{
	struct fx f;
	fx_open(&f);
	const struct row *r = &rows[_i];
	struct rlimit saved;
	if (r->emfile) {
		ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
		struct rlimit low = { (rlim_t)lowest_free_fd(), saved.rlim_max };
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
		if (!limit_enforced()) {
			ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
			fprintf(stderr, "check_outptr: %s (%s) not run: RLIMIT_NOFILE is not "
				"enforced here (valgrind?)\n", r->fn, r->name);
			fx_close(&f);
			return;
		}
	}
	const void *a = NULL, *b = NULL;
	long long got = r->call(&f, &a, &b);
	if (r->emfile)
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
	ck_assert_msg(r->err == 0 ? got < 0 : got == -(long long)r->err,
		      "%s (%s): expected -%s, got %lld (%s)", r->fn, r->name,
		      r->err ? mio_test_errname(r->err) : "any", got,
		      got < 0 ? mio_test_errname((int)-got) : "ok");
	ck_assert_msg(a == NULL && b == NULL,
		      "%s (%s) failed with -%s but left a poisoned out-pointer: %p %p",
		      r->fn, r->name, mio_test_errname((int)-got), a, b);
	fx_close(&f);
}
END_TEST

/* Every constructor of mio.h (a function with a `**` parameter) has at
 * least one row above. */
static const char *const constructors[] = {
#define MIO_FN(name) #name,
#include "mio-constructors.h"
#undef MIO_FN
};

START_TEST(test_outptr_every_constructor)
{
	size_t n = sizeof(constructors) / sizeof(constructors[0]);
	ck_assert_uint_ge(n, 20);  /* the generator found them */
	int missing = 0;
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (int k = 0; k < N_ROWS && !found; k++)
			found = strcmp(rows[k].fn, constructors[i]) == 0;
		if (!found) {
			fprintf(stderr, "check_outptr: no row for %s\n", constructors[i]);
			missing++;
		}
	}
	ck_assert_msg(missing == 0, "%d constructor(s) of mio.h have no out-pointer row", missing);
}
END_TEST

/*
 * The same rule for the one out-parameter that is an array (1.2): a
 * mio_poll_wait_raw that fails writes nothing into the caller's records,
 * whatever made it fail, and a successful one writes only the records it
 * returns.  (mio_poll_wait empties its mio_events on failure instead:
 * mio_poll(3).)
 */
START_TEST(test_outptr_wait_raw_failure_writes_nothing)
{
	mio_poll *p;
	mio_waker *w;
	mio_raw_event out[4];
	unsigned char poison[sizeof(out)];
	memset(poison, 0x5a, sizeof(poison));
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 1, &w));
	ck_assert_ok(mio_waker_wake(w));  /* an event is pending throughout */
	const struct {
		const char *what;
		size_t n;
		struct timespec t;
	} bad[] = {
		{ "n 0", 0, { 0, 0 } },
		{ "negative seconds", 4, { -1, 0 } },
		{ "negative nanoseconds", 4, { 0, -1 } },
		{ "nanoseconds 1e9", 4, { 0, 1000000000L } },
		{ "huge n, bad timeout", SIZE_MAX, { -1, 0 } },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, poison, sizeof(out));
		ck_assert_errno(mio_poll_wait_raw(p, out, bad[i].n, &bad[i].t), EINVAL);
		ck_assert_msg(memcmp(out, poison, sizeof(out)) == 0, "%s: records written", bad[i].what);
	}
	memcpy(out, poison, sizeof(out));
	ck_assert_errno(mio_poll_wait_raw(NULL, out, 4, NULL), EINVAL);
	ck_assert_msg(memcmp(out, poison, sizeof(out)) == 0, "NULL poll: records written");
	/* The pending wake is still there, and fills one record only. */
	memcpy(out, poison, sizeof(out));
	int n;
	do
		n = mio_poll_wait_raw(p, out, 4, &(struct timespec){ 10, 0 });
	while (n == -EINTR);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(mio_raw_event_token(&out[0]), 1);
	ck_assert(memcmp(&out[1], poison, sizeof(out) - sizeof(out[0])) == 0);
	mio_waker_free(w);
	mio_poll_free(p);
}
END_TEST

MIO_SUITE(outptr)
{
	Suite *s = suite_create("outptr");
	TCase *tc = mio_tcase("table");
	tcase_add_loop_test(tc, test_outptr_table, 0, N_ROWS);
	tcase_add_test(tc, test_outptr_every_constructor);
	tcase_add_test(tc, test_outptr_wait_raw_failure_writes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
