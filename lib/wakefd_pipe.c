/*
 * wakefd_pipe.c - waker fds on pipe(2), for systems (or builds) without
 * eventfd: mio's `mio_unsupported_force_waker_pipe`.
 *
 * A wake is one byte in the pipe; the read end is what gets registered.
 * The pipe's own buffer (64 KiB on Linux) is the coalescing counter:
 *
 *  - The poll(2) backend drains the read end itself every time it reports
 *    it, so the pipe only fills if some 65536 wakes land between two
 *    waits; then a wake is pending anyway.
 *  - The epoll backend never drains (edge-triggered: every write is a new
 *    edge, Linux >= 5.14 guarantees it for pipes, commit 3b844826b6c6), so
 *    the pipe fills after 64 Ki wakes.  As mio's waker/pipe.rs does, a
 *    write that finds the pipe full empties it and writes again, which
 *    makes a fresh edge.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <fcntl.h>
#include <unistd.h>

int mio__wakefd_open(struct mio__wakefd *w)
{
	int fds[2];
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	w->rfd = fds[0];
	w->wfd = fds[1];
	return 0;
}

/* Only read(2) and write(2), and errno left as found: this runs in signal
 * handlers. */
static void drain_fd(int fd)
{
	char sink[128];
	ssize_t n;
	do
		n = read(fd, sink, sizeof(sink));
	while (n > 0 || (n < 0 && errno == EINTR));
}

int mio__wakefd_signal(const struct mio__wakefd *w)
{
	int saved = errno, rc = 0;
	const char one = 1;

	for (int tries = 0; tries < 2; tries++) {
		if (write(w->wfd, &one, 1) == 1)
			goto out;
		if (errno == EINTR) {
			tries--;
			continue;
		}
		if (errno != EAGAIN) {
			rc = -errno;
			goto out;
		}
		/* Full: for epoll a fresh edge is needed (see above). */
		drain_fd(w->rfd);
	}
	/* Still full after draining: another thread's writes refilled it,
	 * and each of those was a wake of its own.  Nothing is lost. */
out:
	errno = saved;
	return rc;
}

void mio__wakefd_drain(const struct mio__wakefd *w)
{
	int saved = errno;
	drain_fd(w->rfd);
	errno = saved;
}

void mio__wakefd_close(struct mio__wakefd *w)
{
	if (w->rfd >= 0)
		mio__close(w->rfd);
	if (w->wfd >= 0 && w->wfd != w->rfd)
		mio__close(w->wfd);
	w->rfd = w->wfd = -1;
}
