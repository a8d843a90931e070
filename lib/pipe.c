/*
 * pipe.c - mio_pipe_sender / mio_pipe_receiver (mio::unix::pipe).
 *
 * Pipes use write(2)/writev(2): MSG_NOSIGNAL exists only for sockets, so
 * a write to a pipe whose reader is gone raises SIGPIPE unless the process
 * ignores or blocks it, and then returns -EPIPE.  Suppressing it here
 * would cost sigprocmask/sigtimedwait calls on every write (mio does not
 * either); mio_pipe(3) tells users to ignore SIGPIPE.
 *
 * SPDX-License-Identifier: MIT
 */
#include "net.h"

MIO__DEFINE_FD_HANDLE(pipe_sender);
MIO__DEFINE_FD_HANDLE(pipe_receiver);

MIO_EXPORT int mio_pipe_new(mio_pipe_sender **tx, mio_pipe_receiver **rx)
{
	/* Every non-NULL out-pointer is cleared before any check can fail,
	 * the other one being NULL included (API.md). */
	if (tx != NULL)
		*tx = NULL;
	if (rx != NULL)
		*rx = NULL;
	mio__check(tx != NULL && rx != NULL && (void *)tx != (void *)rx, -EINVAL);

	mio_pipe_sender *s = malloc(sizeof(*s));
	mio_pipe_receiver *r = malloc(sizeof(*r));
	int fds[2];
	int rc = -ENOMEM;
	if (s == NULL || r == NULL)
		goto fail;
	rc = mio__pipe(fds);
	if (rc < 0)
		goto fail;
	r->fd = fds[0];
	s->fd = fds[1];
	*tx = s;
	*rx = r;
	return 0;

fail:
	free(s);
	free(r);
	return rc;
}

MIO_EXPORT ssize_t mio_pipe_sender_write(mio_pipe_sender *tx, const void *buf, size_t len)
{
	mio__check(tx != NULL, -EINVAL);
	return mio__write(tx->fd, buf, len);
}

MIO_EXPORT ssize_t mio_pipe_sender_writev(mio_pipe_sender *tx, const struct iovec *iov, int iovcnt)
{
	mio__check(tx != NULL, -EINVAL);
	return mio__writev(tx->fd, iov, iovcnt);
}

MIO_EXPORT int mio_pipe_sender_set_nonblocking(mio_pipe_sender *tx, bool on)
{
	mio__check(tx != NULL, -EINVAL);
	return mio__fd_set_nonblocking(tx->fd, on);
}

MIO_EXPORT ssize_t mio_pipe_receiver_read(mio_pipe_receiver *rx, void *buf, size_t len)
{
	mio__check(rx != NULL, -EINVAL);
	return mio__read(rx->fd, buf, len);
}

MIO_EXPORT ssize_t mio_pipe_receiver_readv(mio_pipe_receiver *rx, const struct iovec *iov, int iovcnt)
{
	mio__check(rx != NULL, -EINVAL);
	return mio__readv(rx->fd, iov, iovcnt);
}

MIO_EXPORT int mio_pipe_receiver_set_nonblocking(mio_pipe_receiver *rx, bool on)
{
	mio__check(rx != NULL, -EINVAL);
	return mio__fd_set_nonblocking(rx->fd, on);
}
