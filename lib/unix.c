/*
 * unix.c - mio_unix_listener, mio_unix_stream, mio_unix_datagram
 * (mio::net::Unix*).
 *
 * Paths are C strings turned into a sockaddr_un whose length counts the
 * NUL; the *_addr variants take the sockaddr_un as given, which is the
 * only way to reach Linux abstract addresses (sun_path[0] == '\0', the
 * length counting exactly the name's bytes).  Nothing here unlinks a
 * path: like mio, binding to an existing path is -EADDRINUSE.
 *
 * SPDX-License-Identifier: MIT
 */
#include "net.h"

#define SA(p) ((struct sockaddr *)(p))
#define CSA(p) ((const struct sockaddr *)(p))

MIO__DEFINE_FD_HANDLE(unix_listener);
MIO__DEFINE_FD_HANDLE(unix_stream);
MIO__DEFINE_FD_HANDLE(unix_datagram);

/* socket + bind (+ listen for SOCK_STREAM): the fd or -errno. */
static int bind_socket(int type, const struct sockaddr_un *addr, socklen_t len)
{
	int fd = mio__socket(AF_UNIX, type);
	if (fd < 0)
		return fd;
	int rc = mio__bind(fd, CSA(addr), len);
	if (rc == 0 && type == SOCK_STREAM)
		rc = mio__listen(fd);
	if (rc < 0) {
		mio__close(fd);
		return rc;
	}
	return fd;
}

static int connect_socket(int type, const struct sockaddr_un *addr, socklen_t len)
{
	int fd = mio__socket(AF_UNIX, type);
	if (fd < 0)
		return fd;
	int rc = mio__connect(fd, CSA(addr), len);
	if (rc < 0) {
		mio__close(fd);
		return rc;
	}
	return fd;
}

/* ------------------------------------------------------------------ */
/* Listener                                                            */
/* ------------------------------------------------------------------ */

MIO_EXPORT int mio_unix_listener_bind_addr(const struct sockaddr_un *addr, socklen_t len,
					   mio_unix_listener **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int rc = mio__unix_addr_check(addr, len);
	if (rc < 0)
		return rc;
	int fd = bind_socket(SOCK_STREAM, addr, len);
	return fd < 0 ? fd : mio__unix_listener_wrap(fd, out);
}

MIO_EXPORT int mio_unix_listener_bind(const char *path, mio_unix_listener **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	struct sockaddr_un addr;
	socklen_t len;
	int rc = mio__unix_addr_from_path(path, &addr, &len);
	if (rc < 0)
		return rc;
	return mio_unix_listener_bind_addr(&addr, len, out);
}

MIO_EXPORT int mio_unix_listener_accept(mio_unix_listener *l, mio_unix_stream **out,
					struct sockaddr_un *peer, socklen_t *peer_len)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	mio__check(l != NULL, -EINVAL);
	int fd = mio__accept(l->fd, SA(peer), peer_len);
	return fd < 0 ? fd : mio__unix_stream_wrap(fd, out);
}

MIO_EXPORT int mio_unix_listener_local_addr(const mio_unix_listener *l, struct sockaddr_un *addr,
					    socklen_t *len)
{
	mio__check(l != NULL, -EINVAL);
	return mio__local_addr(l->fd, SA(addr), len);
}

MIO_EXPORT int mio_unix_listener_take_error(mio_unix_listener *l, int *error)
{
	mio__check(l != NULL, -EINVAL);
	return mio__take_error(l->fd, error);
}

/* ------------------------------------------------------------------ */
/* Stream                                                              */
/* ------------------------------------------------------------------ */

MIO_EXPORT int mio_unix_stream_connect_addr(const struct sockaddr_un *addr, socklen_t len,
					    mio_unix_stream **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int rc = mio__unix_addr_check(addr, len);
	if (rc < 0)
		return rc;
	int fd = connect_socket(SOCK_STREAM, addr, len);
	return fd < 0 ? fd : mio__unix_stream_wrap(fd, out);
}

MIO_EXPORT int mio_unix_stream_connect(const char *path, mio_unix_stream **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	struct sockaddr_un addr;
	socklen_t len;
	int rc = mio__unix_addr_from_path(path, &addr, &len);
	if (rc < 0)
		return rc;
	return mio_unix_stream_connect_addr(&addr, len, out);
}

/*
 * socketpair for both stream and datagram pairs.  The two handles are
 * allocated first so that once the fds exist nothing can fail.
 */
#define DEFINE_PAIR(type, socktype)                                             \
	MIO_EXPORT int mio_##type##_pair(mio_##type **a, mio_##type **b)        \
	{                                                                       \
		/* Both cleared before any check, as in mio_pipe_new. */      \
		if (a != NULL)                                                  \
			*a = NULL;                                              \
		if (b != NULL)                                                  \
			*b = NULL;                                              \
		mio__check(a != NULL && b != NULL && a != b, -EINVAL);          \
		mio_##type *ha = malloc(sizeof(*ha));                           \
		mio_##type *hb = malloc(sizeof(*hb));                           \
		int fds[2];                                                     \
		int rc = -ENOMEM;                                               \
		if (ha == NULL || hb == NULL)                                   \
			goto fail;                                              \
		rc = mio__socketpair(AF_UNIX, socktype, fds);                   \
		if (rc < 0)                                                     \
			goto fail;                                              \
		ha->fd = fds[0];                                                \
		hb->fd = fds[1];                                                \
		*a = ha;                                                        \
		*b = hb;                                                        \
		return 0;                                                       \
	fail:                                                                   \
		free(ha);                                                       \
		free(hb);                                                       \
		return rc;                                                      \
	}

DEFINE_PAIR(unix_stream, SOCK_STREAM)
DEFINE_PAIR(unix_datagram, SOCK_DGRAM)

MIO_EXPORT int mio_unix_stream_local_addr(const mio_unix_stream *s, struct sockaddr_un *addr,
					  socklen_t *len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__local_addr(s->fd, SA(addr), len);
}

MIO_EXPORT int mio_unix_stream_peer_addr(const mio_unix_stream *s, struct sockaddr_un *addr,
					 socklen_t *len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__peer_addr(s->fd, SA(addr), len);
}

MIO_EXPORT int mio_unix_stream_shutdown(mio_unix_stream *s, int how)
{
	mio__check(s != NULL, -EINVAL);
	return mio__shutdown(s->fd, how);
}

MIO_EXPORT int mio_unix_stream_take_error(mio_unix_stream *s, int *error)
{
	mio__check(s != NULL, -EINVAL);
	return mio__take_error(s->fd, error);
}

MIO_EXPORT ssize_t mio_unix_stream_read(mio_unix_stream *s, void *buf, size_t len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__recv(s->fd, buf, len, 0);
}

MIO_EXPORT ssize_t mio_unix_stream_write(mio_unix_stream *s, const void *buf, size_t len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__send(s->fd, buf, len);
}

MIO_EXPORT ssize_t mio_unix_stream_readv(mio_unix_stream *s, const struct iovec *iov, int iovcnt)
{
	mio__check(s != NULL, -EINVAL);
	return mio__readv(s->fd, iov, iovcnt);
}

MIO_EXPORT ssize_t mio_unix_stream_writev(mio_unix_stream *s, const struct iovec *iov, int iovcnt)
{
	mio__check(s != NULL, -EINVAL);
	return mio__sendv(s->fd, iov, iovcnt);
}

/* ------------------------------------------------------------------ */
/* Datagram                                                            */
/* ------------------------------------------------------------------ */

MIO_EXPORT int mio_unix_datagram_bind_addr(const struct sockaddr_un *addr, socklen_t len,
					   mio_unix_datagram **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int rc = mio__unix_addr_check(addr, len);
	if (rc < 0)
		return rc;
	int fd = bind_socket(SOCK_DGRAM, addr, len);
	return fd < 0 ? fd : mio__unix_datagram_wrap(fd, out);
}

MIO_EXPORT int mio_unix_datagram_bind(const char *path, mio_unix_datagram **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	struct sockaddr_un addr;
	socklen_t len;
	int rc = mio__unix_addr_from_path(path, &addr, &len);
	if (rc < 0)
		return rc;
	return mio_unix_datagram_bind_addr(&addr, len, out);
}

MIO_EXPORT int mio_unix_datagram_unbound(mio_unix_datagram **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int fd = mio__socket(AF_UNIX, SOCK_DGRAM);
	return fd < 0 ? fd : mio__unix_datagram_wrap(fd, out);
}

MIO_EXPORT int mio_unix_datagram_connect_addr(mio_unix_datagram *d, const struct sockaddr_un *addr,
					      socklen_t len)
{
	mio__check(d != NULL, -EINVAL);
	int rc = mio__unix_addr_check(addr, len);
	if (rc < 0)
		return rc;
	return mio__connect(d->fd, CSA(addr), len);
}

MIO_EXPORT int mio_unix_datagram_connect(mio_unix_datagram *d, const char *path)
{
	mio__check(d != NULL, -EINVAL);
	struct sockaddr_un addr;
	socklen_t len;
	int rc = mio__unix_addr_from_path(path, &addr, &len);
	if (rc < 0)
		return rc;
	return mio__connect(d->fd, CSA(&addr), len);
}

MIO_EXPORT int mio_unix_datagram_local_addr(const mio_unix_datagram *d, struct sockaddr_un *addr,
					    socklen_t *len)
{
	mio__check(d != NULL, -EINVAL);
	return mio__local_addr(d->fd, SA(addr), len);
}

MIO_EXPORT int mio_unix_datagram_peer_addr(const mio_unix_datagram *d, struct sockaddr_un *addr,
					   socklen_t *len)
{
	mio__check(d != NULL, -EINVAL);
	return mio__peer_addr(d->fd, SA(addr), len);
}

MIO_EXPORT ssize_t mio_unix_datagram_send_to_addr(mio_unix_datagram *d, const void *buf, size_t len,
						  const struct sockaddr_un *to, socklen_t to_len)
{
	mio__check(d != NULL, -EINVAL);
	int rc = mio__unix_addr_check(to, to_len);
	if (rc < 0)
		return rc;
	return mio__sendto(d->fd, buf, len, CSA(to), to_len);
}

MIO_EXPORT ssize_t mio_unix_datagram_send_to(mio_unix_datagram *d, const void *buf, size_t len,
					     const char *path)
{
	mio__check(d != NULL, -EINVAL);
	struct sockaddr_un addr;
	socklen_t alen;
	int rc = mio__unix_addr_from_path(path, &addr, &alen);
	if (rc < 0)
		return rc;
	return mio__sendto(d->fd, buf, len, CSA(&addr), alen);
}

MIO_EXPORT ssize_t mio_unix_datagram_recv_from(mio_unix_datagram *d, void *buf, size_t len,
					       struct sockaddr_un *from, socklen_t *from_len)
{
	mio__check(d != NULL, -EINVAL);
	socklen_t room = from_len ? *from_len : 0;
	ssize_t n = mio__recvfrom(d->fd, buf, len, 0, SA(from), from_len);
	/* Linux reports a datagram from an unbound socket with an address
	 * length of 0, not even a family; give it the unnamed address's
	 * form instead, as Rust's std does, so it can be formatted and
	 * compared like the one accept returns. */
	if (n >= 0 && from != NULL && *from_len == 0 &&
	    room >= (socklen_t)offsetof(struct sockaddr_un, sun_path)) {
		from->sun_family = AF_UNIX;
		*from_len = (socklen_t)offsetof(struct sockaddr_un, sun_path);
	}
	return n;
}

MIO_EXPORT ssize_t mio_unix_datagram_send(mio_unix_datagram *d, const void *buf, size_t len)
{
	mio__check(d != NULL, -EINVAL);
	return mio__send(d->fd, buf, len);
}

MIO_EXPORT ssize_t mio_unix_datagram_recv(mio_unix_datagram *d, void *buf, size_t len)
{
	mio__check(d != NULL, -EINVAL);
	return mio__recv(d->fd, buf, len, 0);
}

MIO_EXPORT int mio_unix_datagram_shutdown(mio_unix_datagram *d, int how)
{
	mio__check(d != NULL, -EINVAL);
	return mio__shutdown(d->fd, how);
}

MIO_EXPORT int mio_unix_datagram_take_error(mio_unix_datagram *d, int *error)
{
	mio__check(d != NULL, -EINVAL);
	return mio__take_error(d->fd, error);
}
