/*
 * check_pipe.c - mio_pipe_sender / mio_pipe_receiver, ported from Rust
 * mio's tests/unix_pipe.rs.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE  /* pipe2 */
#include "netutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char DATA1[] = "Hello world";
#define DATA1_LEN (sizeof(DATA1) - 1)

enum { RECEIVER = 0, SENDER = 1 };

/* unix_pipe.rs smoke. */
START_TEST(test_pipe_smoke)
{
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	nt_assert_nonblock_cloexec(mio_pipe_sender_fd(tx));
	nt_assert_nonblock_cloexec(mio_pipe_receiver_fd(rx));
	char buf[20];
	ck_assert_errno(mio_pipe_receiver_read(rx, buf, sizeof(buf)), EAGAIN);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_pipe_receiver_fd(rx), RECEIVER, MIO_READABLE));
	ck_assert_ok(mio_registry_register(r, mio_pipe_sender_fd(tx), SENDER, MIO_WRITABLE));
	nt_expect(p, ev, SENDER, NT_W);
	ck_assert_int_eq(mio_pipe_sender_write(tx, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(p, ev, RECEIVER, NT_R);
	ck_assert_int_eq(mio_pipe_receiver_read(rx, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_mem_eq(buf, DATA1, DATA1_LEN);
	/* Drained to -EAGAIN: only then is another event promised. */
	ck_assert_errno(mio_pipe_receiver_read(rx, buf, sizeof(buf)), EAGAIN);

	/* Vectored both ways. */
	struct iovec wv[2] = { { (void *)"abc", 3 }, { (void *)"defg", 4 } };
	ck_assert_int_eq(mio_pipe_sender_writev(tx, wv, 2), 7);
	nt_expect(p, ev, RECEIVER, NT_R);
	char b1[2], b2[6];
	memset(b2, 'z', sizeof(b2));
	struct iovec rv[2] = { { b1, sizeof(b1) }, { b2, sizeof(b2) } };
	ck_assert_int_eq(mio_pipe_receiver_readv(rx, rv, 2), 7);
	ck_assert_mem_eq(b1, "ab", 2);
	ck_assert_mem_eq(b2, "cdefgz", 6);
	ck_assert_errno(mio_pipe_receiver_read(rx, buf, sizeof(buf)), EAGAIN);
	nt_poll_free(p, ev);
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
}
END_TEST

/* Fill the pipe to -EAGAIN; draining it brings WRITABLE back. */
START_TEST(test_pipe_write_until_eagain)
{
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_pipe_sender_fd(tx), SENDER,
					   MIO_WRITABLE));
	nt_expect(p, ev, SENDER, NT_W);
	static char buf[65536];
	size_t total = 0;
	ssize_t n;
	while ((n = mio_pipe_sender_write(tx, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	ck_assert_errno(n, EAGAIN);
	ck_assert_uint_gt(total, 0);
	size_t drained = 0;
	while ((n = mio_pipe_receiver_read(rx, buf, sizeof(buf))) > 0)
		drained += (size_t)n;
	ck_assert_errno(n, EAGAIN);
	ck_assert_uint_eq(drained, total);
	nt_expect(p, ev, SENDER, NT_W);
	nt_poll_free(p, ev);
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
}
END_TEST

struct drop_ctx {
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	pthread_barrier_t barrier;
};

static void *drop_sender(void *arg)
{
	struct drop_ctx *c = arg;
	mio_pipe_sender_write(c->tx, DATA1, DATA1_LEN);
	pthread_barrier_wait(&c->barrier);
	pthread_barrier_wait(&c->barrier);
	mio_pipe_sender_free(c->tx);
	pthread_barrier_wait(&c->barrier);
	return NULL;
}

/* unix_pipe.rs event_when_sender_is_dropped: read_closed on the receiver. */
START_TEST(test_pipe_sender_dropped)
{
	struct drop_ctx c;
	ck_assert_ok(mio_pipe_new(&c.tx, &c.rx));
	pthread_barrier_init(&c.barrier, NULL, 2);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_pipe_receiver_fd(c.rx),
					   RECEIVER, MIO_READABLE));
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, drop_sender, &c), 0);
	pthread_barrier_wait(&c.barrier);  /* written */
	unsigned bits = nt_expect(p, ev, RECEIVER, NT_R);
	ck_assert(!(bits & NT_RC));
	pthread_barrier_wait(&c.barrier);
	pthread_barrier_wait(&c.barrier);  /* sender freed */
	nt_expect(p, ev, RECEIVER, NT_RC);
	pthread_join(t, NULL);
	char buf[20];
	ck_assert_int_eq(mio_pipe_receiver_read(c.rx, buf, sizeof(buf)), DATA1_LEN);
	ck_assert_int_eq(mio_pipe_receiver_read(c.rx, buf, sizeof(buf)), 0);
	pthread_barrier_destroy(&c.barrier);
	nt_poll_free(p, ev);
	mio_pipe_receiver_free(c.rx);
}
END_TEST

/* unix_pipe.rs event_when_receiver_is_dropped: write_closed on the sender,
 * then -EPIPE.  Pipes raise SIGPIPE (API.md, mio_pipe(3)), so this test
 * ignores it the way the page tells users to. */
START_TEST(test_pipe_receiver_dropped)
{
	signal(SIGPIPE, SIG_IGN);
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_pipe_sender_fd(tx), SENDER,
					   MIO_WRITABLE));
	nt_expect(p, ev, SENDER, NT_W);
	mio_pipe_receiver_free(rx);
	nt_expect(p, ev, SENDER, NT_WC);
	ck_assert_errno(mio_pipe_sender_write(tx, DATA1, DATA1_LEN), EPIPE);
	struct iovec iov = { (void *)DATA1, DATA1_LEN };
	ck_assert_errno(mio_pipe_sender_writev(tx, &iov, 1), EPIPE);
	nt_poll_free(p, ev);
	mio_pipe_sender_free(tx);
	signal(SIGPIPE, SIG_DFL);
}
END_TEST

/* `cat` with its stdin and stdout on pipes the test owns; returns the
 * child's pid, our ends (blocking, as std's Stdio::piped are) in fds. */
static pid_t spawn_cat(int *to_child, int *from_child)
{
	int in[2], out[2];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execlp("cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*to_child = in[1];
	*from_child = out[0];
	return pid;
}

/* unix_pipe.rs from_child_process_io: adopt a child's stdin/stdout pipes. */
START_TEST(test_pipe_from_child_process)
{
	int to, from;
	pid_t pid = spawn_cat(&to, &from);
	ck_assert_int_eq(fcntl(to, F_GETFL) & O_NONBLOCK, 0);
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	ck_assert_ok(mio_pipe_sender_from_fd(to, &tx));
	ck_assert_ok(mio_pipe_receiver_from_fd(from, &rx));
	nt_assert_nonblock_cloexec(to);
	nt_assert_nonblock_cloexec(from);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, from, RECEIVER, MIO_READABLE));
	ck_assert_ok(mio_registry_register(r, to, SENDER, MIO_WRITABLE));
	nt_expect(p, ev, SENDER, NT_W);
	ck_assert_int_eq(mio_pipe_sender_write(tx, DATA1, DATA1_LEN), DATA1_LEN);
	nt_expect(p, ev, RECEIVER, NT_R);
	char buf[20];
	size_t got = 0;
	while (got < DATA1_LEN) {
		ssize_t n = mio_pipe_receiver_read(rx, buf + got, sizeof(buf) - got);
		if (n == -EAGAIN) {
			nt_expect(p, ev, RECEIVER, NT_R);
			continue;
		}
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	ck_assert_mem_eq(buf, DATA1, DATA1_LEN);
	mio_pipe_sender_free(tx);  /* cat sees EOF, exits, closes stdout */
	nt_expect(p, ev, RECEIVER, NT_RC);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	nt_poll_free(p, ev);
	mio_pipe_receiver_free(rx);
}
END_TEST

/* unix_pipe.rs nonblocking_child_process_io, and set_nonblocking both ways. */
START_TEST(test_pipe_set_nonblocking)
{
	int to, from;
	pid_t pid = spawn_cat(&to, &from);
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	ck_assert_ok(mio_pipe_sender_from_fd(to, &tx));
	ck_assert_ok(mio_pipe_receiver_from_fd(from, &rx));
	ck_assert_ok(mio_pipe_receiver_set_nonblocking(rx, false));
	ck_assert_int_eq(fcntl(from, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_ok(mio_pipe_receiver_set_nonblocking(rx, true));
	ck_assert_int_ne(fcntl(from, F_GETFL) & O_NONBLOCK, 0);
	char buf[20];
	ck_assert_errno(mio_pipe_receiver_read(rx, buf, sizeof(buf)), EAGAIN);
	ck_assert_ok(mio_pipe_sender_set_nonblocking(tx, false));
	ck_assert_int_eq(fcntl(to, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_ok(mio_pipe_sender_set_nonblocking(tx, true));
	ck_assert_int_ne(fcntl(to, F_GETFL) & O_NONBLOCK, 0);
	mio_pipe_sender_free(tx);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	mio_pipe_receiver_free(rx);
}
END_TEST

START_TEST(test_pipe_into_fd)
{
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	int wfd = mio_pipe_sender_fd(tx), rfd = mio_pipe_receiver_fd(rx);
	ck_assert_int_eq(mio_pipe_sender_into_fd(tx), wfd);
	ck_assert_int_eq(mio_pipe_receiver_into_fd(rx), rfd);
	ck_assert_int_eq(write(wfd, "x", 1), 1);
	char c;
	ck_assert_int_eq(read(rfd, &c, 1), 1);
	ck_assert_ok(mio_pipe_sender_from_fd(wfd, &tx));
	ck_assert_ok(mio_pipe_receiver_from_fd(rfd, &rx));
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
	ck_assert(!nt_fd_is_open(wfd));
	ck_assert(!nt_fd_is_open(rfd));
}
END_TEST

START_TEST(test_pipe_bad_args)
{
	mio_pipe_sender *tx = (mio_pipe_sender *)&tx;
	mio_pipe_receiver *rx = (mio_pipe_receiver *)&rx;
	ck_assert_errno(mio_pipe_new(NULL, &rx), EINVAL);
	ck_assert_errno(mio_pipe_new(&tx, NULL), EINVAL);
	char buf[4];
	struct iovec iov = { buf, 1 };
	ck_assert_errno(mio_pipe_sender_write(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_pipe_sender_writev(NULL, &iov, 1), EINVAL);
	ck_assert_errno(mio_pipe_receiver_read(NULL, buf, 1), EINVAL);
	ck_assert_errno(mio_pipe_receiver_readv(NULL, &iov, 1), EINVAL);
	ck_assert_errno(mio_pipe_sender_set_nonblocking(NULL, true), EINVAL);
	ck_assert_errno(mio_pipe_receiver_set_nonblocking(NULL, true), EINVAL);
	ck_assert_errno(mio_pipe_sender_fd(NULL), EINVAL);
	ck_assert_errno(mio_pipe_receiver_fd(NULL), EINVAL);
	ck_assert_errno(mio_pipe_sender_into_fd(NULL), EINVAL);
	ck_assert_errno(mio_pipe_receiver_into_fd(NULL), EINVAL);
	tx = (mio_pipe_sender *)&tx;
	ck_assert_errno(mio_pipe_sender_from_fd(-1, &tx), EBADF);
	ck_assert_ptr_null(tx);
	rx = (mio_pipe_receiver *)&rx;
	ck_assert_errno(mio_pipe_receiver_from_fd(-1, &rx), EBADF);
	ck_assert_ptr_null(rx);
	ck_assert_errno(mio_pipe_receiver_from_fd(0, NULL), EINVAL);
	mio_pipe_sender_free(NULL);
	mio_pipe_receiver_free(NULL);
}
END_TEST

MIO_SUITE(pipe)
{
	Suite *s = suite_create("pipe");
	TCase *tc = mio_tcase("pipe");
	tcase_add_test(tc, test_pipe_smoke);
	tcase_add_test(tc, test_pipe_write_until_eagain);
	tcase_add_test(tc, test_pipe_sender_dropped);
	tcase_add_test(tc, test_pipe_receiver_dropped);
	tcase_add_test(tc, test_pipe_from_child_process);
	tcase_add_test(tc, test_pipe_set_nonblocking);
	tcase_add_test(tc, test_pipe_into_fd);
	tcase_add_test(tc, test_pipe_bad_args);
	suite_add_tcase(s, tc);
	return s;
}
