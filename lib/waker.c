/*
 * waker.c - mio_waker: wake a poll from any thread or a signal handler.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <stdlib.h>

struct mio_waker {
	struct mio__wakefd fd;
};

MIO_EXPORT int mio_waker_new(mio_registry *r, mio_token token, mio_waker **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	mio__check(r != NULL, -EINVAL);

	mio_waker *w = malloc(sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	int rc = mio__wakefd_open(&w->fd);
	if (rc < 0)
		goto fail;
	rc = mio__sys_register_waker(r->sel, w->fd.rfd, token);
	if (rc < 0)
		goto fail_fd;
	*out = w;
	return 0;

fail_fd:
	mio__wakefd_close(&w->fd);
fail:
	free(w);
	return rc;
}

MIO_EXPORT int mio_waker_wake(mio_waker *w)
{
	mio__check(w != NULL, -EINVAL);
	return mio__wakefd_signal(&w->fd);
}

MIO_EXPORT void mio_waker_free(mio_waker *w)
{
	if (w == NULL)
		return;
	mio__source_closing(w->fd.rfd);
	mio__wakefd_close(&w->fd);
	free(w);
}
