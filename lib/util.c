/* util.c - small helpers shared by the backends. SPDX-License-Identifier: MIT */
#include "mio-private.h"

#include <limits.h>
#include <unistd.h>

int mio__timeout_ms(const struct timespec *timeout)
{
	if (timeout == NULL)
		return -1;
	mio__check(timeout->tv_sec >= 0 && timeout->tv_nsec >= 0 &&
		   timeout->tv_nsec < 1000000000L, -EINVAL);
	if (timeout->tv_sec >= INT_MAX / 1000)
		return INT_MAX;
	/* Round up: a 1 ns timeout must sleep (1 ms), not spin at 0. */
	long ms = (long)timeout->tv_sec * 1000 + (timeout->tv_nsec + 999999L) / 1000000L;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

void mio__close(int fd)
{
	int saved = errno;
	/* Linux always releases the fd, even when close(2) reports EINTR;
	 * retrying could close an fd another thread just got. */
	(void)close(fd);
	errno = saved;
}
