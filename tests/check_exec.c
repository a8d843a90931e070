/*
 * check_exec.c - no fd the library creates survives exec.
 *
 * Every kind of fd libmio makes (poll, registry clone, waker, TCP/UDP/Unix
 * sockets bound, connected and accepted, socket pairs, pipes) is opened,
 * then this test binary execs itself; in the child a constructor (before
 * Check's main) reports which fd numbers are open and exits.  None of the
 * library's may be among them.  A plain dup() without O_CLOEXEC is the
 * control: the child must see that one, or the check proves nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE  /* pipe2 */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_ENV "MIO_CHECK_EXEC_CHILD"

/* In the exec'd child: print the open fds to stdout, one per line, and
 * leave before Check starts. */
__attribute__((constructor)) static void exec_child(void)
{
	if (getenv(CHILD_ENV) == NULL)
		return;
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		_exit(2);
	char out[8192];
	size_t len = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		int n = snprintf(out + len, sizeof(out) - len, "%s\n", e->d_name);
		if (n < 0 || (size_t)n >= sizeof(out) - len)
			_exit(3);
		len += (size_t)n;
	}
	closedir(d);
	if (write(1, out, len) != (ssize_t)len)
		_exit(4);
	_exit(0);
}

/* Runs this binary again and returns the fds it found open, as a bitmap
 * over [0, max). */
static void fds_after_exec(bool *open_in_child, int max)
{
	char self[PATH_MAX];
	/* Not /proc/self/exe itself: under valgrind that is the tool, while
	 * readlink of it is emulated to give the program. */
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';

	/* O_CLOEXEC: only the dup2'd stdout may reach the child, or the
	 * pipe's own fds would show up there as leaks. */
	int pfd[2];
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		setenv(CHILD_ENV, "1", 1);
		execl(self, self, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	char buf[8192];
	size_t len = 0;
	ssize_t r;
	while ((r = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(pfd[0]);
	buf[len] = '\0';
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "exec'd child failed (status %#x)", status);

	for (int i = 0; i < max; i++)
		open_in_child[i] = false;
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		int fd = atoi(line);
		if (fd >= 0 && fd < max)
			open_in_child[fd] = true;
	}
}

#define MAX_FD 1024

struct owned {
	const char *what;
	int fd;
};

static void add(struct owned *o, int *n, const char *what, int fd)
{
	ck_assert_msg(fd >= 0 && fd < MAX_FD, "%s: fd %d", what, fd);
	o[(*n)++] = (struct owned){ what, fd };
}

START_TEST(test_exec_no_library_fd_leaks)
{
	struct owned own[64];
	int n = 0;

	mio_poll *p;
	mio_registry *clone;
	mio_waker *w;
	mio_events *ev;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(8, &ev));
	int pfd = mio_poll_fd(p);
	if (pfd >= 0)
		add(own, &n, "poll", pfd);
	ck_assert_ok(mio_registry_try_clone(mio_poll_registry(p), &clone));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 1, &w));

	struct sockaddr_storage ss;
	socklen_t sl;
	mio_tcp_listener *tl;
	mio_tcp_stream *tc, *ts;
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &ss, &sl));
	ck_assert_ok(mio_tcp_listener_bind((struct sockaddr *)&ss, sl, &tl));
	sl = sizeof(ss);
	ck_assert_ok(mio_tcp_listener_local_addr(tl, &ss, &sl));
	ck_assert_ok(mio_tcp_stream_connect((struct sockaddr *)&ss, sl, &tc));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_tcp_listener_fd(tl), 2,
					   MIO_READABLE));
	ck_assert(mio_test_wait_for(p, ev, 2, 10000, NULL));
	ck_assert_ok(mio_tcp_listener_accept(tl, &ts, NULL, NULL));
	add(own, &n, "tcp listener", mio_tcp_listener_fd(tl));
	add(own, &n, "tcp stream (connect)", mio_tcp_stream_fd(tc));
	add(own, &n, "tcp stream (accept)", mio_tcp_stream_fd(ts));

	mio_udp_socket *u;
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &ss, &sl));
	ck_assert_ok(mio_udp_socket_bind((struct sockaddr *)&ss, sl, &u));
	add(own, &n, "udp socket", mio_udp_socket_fd(u));

	char dir[] = "/tmp/mio-exec-XXXXXX", lpath[108], dpath[108];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(lpath, sizeof(lpath), "%s/l", dir);
	snprintf(dpath, sizeof(dpath), "%s/d", dir);
	mio_unix_listener *ul;
	mio_unix_stream *uc, *us, *pa, *pb;
	mio_unix_datagram *db, *du, *da, *dd;
	ck_assert_ok(mio_unix_listener_bind(lpath, &ul));
	ck_assert_ok(mio_unix_stream_connect(lpath, &uc));
	ck_assert_ok(mio_unix_listener_accept(ul, &us, NULL, NULL));
	ck_assert_ok(mio_unix_stream_pair(&pa, &pb));
	ck_assert_ok(mio_unix_datagram_bind(dpath, &db));
	ck_assert_ok(mio_unix_datagram_unbound(&du));
	ck_assert_ok(mio_unix_datagram_pair(&da, &dd));
	add(own, &n, "unix listener", mio_unix_listener_fd(ul));
	add(own, &n, "unix stream (connect)", mio_unix_stream_fd(uc));
	add(own, &n, "unix stream (accept)", mio_unix_stream_fd(us));
	add(own, &n, "unix stream pair a", mio_unix_stream_fd(pa));
	add(own, &n, "unix stream pair b", mio_unix_stream_fd(pb));
	add(own, &n, "unix datagram (bind)", mio_unix_datagram_fd(db));
	add(own, &n, "unix datagram (unbound)", mio_unix_datagram_fd(du));
	add(own, &n, "unix datagram pair a", mio_unix_datagram_fd(da));
	add(own, &n, "unix datagram pair b", mio_unix_datagram_fd(dd));

	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	add(own, &n, "pipe sender", mio_pipe_sender_fd(tx));
	add(own, &n, "pipe receiver", mio_pipe_receiver_fd(rx));

	/* The waker's and the clone's fds are not reachable through the
	 * API: test_exec_no_hidden_fd_leaks covers them. */
	int control = dup(mio_unix_stream_fd(pa));  /* no O_CLOEXEC */
	ck_assert_int_ge(control, 0);

	bool in_child[MAX_FD];
	fds_after_exec(in_child, MAX_FD);
	ck_assert_msg(in_child[control], "the control fd %d (no O_CLOEXEC) did not reach "
		      "the child: the check is blind", control);
	for (int i = 0; i < n; i++) {
		ck_assert_msg(!in_child[own[i].fd], "%s (fd %d) leaked into an exec'd child",
			      own[i].what, own[i].fd);
		int fl = fcntl(own[i].fd, F_GETFD);
		ck_assert_msg(fl >= 0 && (fl & FD_CLOEXEC), "%s (fd %d) lacks FD_CLOEXEC",
			      own[i].what, own[i].fd);
	}
	close(control);

	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
	mio_unix_datagram_free(db);
	mio_unix_datagram_free(du);
	mio_unix_datagram_free(da);
	mio_unix_datagram_free(dd);
	mio_unix_stream_free(uc);
	mio_unix_stream_free(us);
	mio_unix_stream_free(pa);
	mio_unix_stream_free(pb);
	mio_unix_listener_free(ul);
	unlink(lpath);
	unlink(dpath);
	rmdir(dir);
	mio_udp_socket_free(u);
	mio_tcp_stream_free(tc);
	mio_tcp_stream_free(ts);
	mio_tcp_listener_free(tl);
	mio_waker_free(w);
	mio_registry_free(clone);
	mio_events_free(ev);
	mio_poll_free(p);
}
END_TEST

/* The fds reachable only inside the library (waker, registry clone, the
 * poll(2) backend's notify fd): the child of a process holding them has
 * exactly the fds the child of the same process without them has. */
START_TEST(test_exec_no_hidden_fd_leaks)
{
	bool before[MAX_FD], after[MAX_FD];
	fds_after_exec(before, MAX_FD);

	mio_poll *p;
	mio_registry *clone;
	mio_waker *w1, *w2;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_registry_try_clone(mio_poll_registry(p), &clone));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 1, &w1));
	ck_assert_ok(mio_waker_new(clone, 2, &w2));
	fds_after_exec(after, MAX_FD);
	for (int i = 0; i < MAX_FD; i++)
		ck_assert_msg(after[i] == before[i] || !after[i],
			      "fd %d reached the exec'd child only once a poll, a clone "
			      "and wakers existed", i);
	mio_waker_free(w1);
	mio_waker_free(w2);
	mio_registry_free(clone);
	mio_poll_free(p);
}
END_TEST

MIO_SUITE(exec)
{
	Suite *s = suite_create("exec");
	TCase *tc = mio_tcase("cloexec");
	tcase_add_test(tc, test_exec_no_library_fd_leaks);
	tcase_add_test(tc, test_exec_no_hidden_fd_leaks);
	suite_add_tcase(s, tc);
	return s;
}
