/*
 * wakefd_eventfd.c - waker fds on eventfd(2): one fd, an 8-byte counter.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

int mio__wakefd_open(struct mio__wakefd *w)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	w->rfd = w->wfd = fd;
	return 0;
}

/*
 * Adding 1 makes a new edge for epoll even when the counter is already
 * non-zero.  Only when the counter would pass 0xfffffffffffffffe does the
 * write fail with EAGAIN; then, as mio does, reset it with a read and add
 * again.  Both are async-signal-safe.  errno is preserved for the benefit
 * of signal handlers.
 */
int mio__wakefd_signal(const struct mio__wakefd *w)
{
	int saved = errno, rc = 0;
	uint64_t one = 1, sink;

	for (int tries = 0; tries < 2; tries++) {
		if (write(w->wfd, &one, sizeof(one)) == (ssize_t)sizeof(one))
			goto out;
		if (errno != EAGAIN) {
			rc = -errno;
			goto out;
		}
		(void)!read(w->rfd, &sink, sizeof(sink));
	}
	rc = -EAGAIN;
out:
	errno = saved;
	return rc;
}

void mio__wakefd_drain(const struct mio__wakefd *w)
{
	uint64_t sink;
	(void)!read(w->rfd, &sink, sizeof(sink));
}

void mio__wakefd_close(struct mio__wakefd *w)
{
	if (w->rfd >= 0)
		mio__close(w->rfd);
	w->rfd = w->wfd = -1;
}
