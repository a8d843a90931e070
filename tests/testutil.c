/* testutil.c - shared test helpers. SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int fds_at_setup;

int mio_test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;  /* the DIR's own fd */
}

static void fd_setup(void)
{
	fds_at_setup = mio_test_count_fds();
}

static void fd_teardown(void)
{
	int now = mio_test_count_fds();
	ck_assert_msg(now == fds_at_setup, "fd leak: %d open at start, %d at end",
		      fds_at_setup, now);
}

TCase *mio_tcase(const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, fd_setup, fd_teardown);
	tcase_set_timeout(tc, 30);
	return tc;
}

const char *mio_test_errname(int err)
{
	static const struct { int e; const char *n; } names[] = {
#define E(x) { x, #x }
		E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(EBADF), E(EAGAIN),
		E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(ENODEV),
		E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOSPC),
		E(EPIPE), E(ERANGE), E(ENAMETOOLONG), E(ENOSYS), E(ENOTSOCK),
		E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT),
		E(EPROTONOSUPPORT), E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE),
		E(EADDRNOTAVAIL), E(ENETUNREACH), E(ECONNABORTED), E(ECONNRESET),
		E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
		E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(EOVERFLOW),
#undef E
	};
	static __thread char buf[24];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

double mio_test_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

bool mio_test_wait_for(mio_poll *p, mio_events *ev, mio_token token,
		       int timeout_ms, struct mio_test_event *out)
{
	double deadline = mio_test_now_ms() + timeout_ms;
	for (;;) {
		double left = deadline - mio_test_now_ms();
		if (left < 0)
			left = 0;
		struct timespec ts = { (time_t)(left / 1000),
				       (long)((long long)left % 1000) * 1000000L };
		int n = mio_poll_wait(p, ev, &ts);
		if (n == -EINTR)
			continue;
		ck_assert_msg(n >= 0, "mio_poll_wait: %s", mio_test_errname(-n));
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(ev, (size_t)i);
			if (mio_event_token(e) != token)
				continue;
			if (out) {
				out->token = token;
				out->readable = mio_event_is_readable(e);
				out->writable = mio_event_is_writable(e);
				out->error = mio_event_is_error(e);
				out->read_closed = mio_event_is_read_closed(e);
				out->write_closed = mio_event_is_write_closed(e);
				out->priority = mio_event_is_priority(e);
			}
			return true;
		}
		if (left <= 0)
			return false;
	}
}

void mio_test_expect_no_event(mio_poll *p, mio_events *ev, mio_token token, int timeout_ms)
{
	struct mio_test_event got;
	ck_assert_msg(!mio_test_wait_for(p, ev, token, timeout_ms, &got),
		      "unexpected event for token %ju (r=%d w=%d)", (uintmax_t)token,
		      got.readable, got.writable);
}
