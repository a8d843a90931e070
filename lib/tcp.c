/*
 * tcp.c - mio_tcp_listener and mio_tcp_stream (mio::net::TcpListener,
 * TcpStream).
 *
 * SPDX-License-Identifier: MIT
 */
#include "net.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#define SA(p) ((struct sockaddr *)(p))

MIO__DEFINE_FD_HANDLE(tcp_listener);
MIO__DEFINE_FD_HANDLE(tcp_stream);

/* For lib/tcp_socket.c (see net.h): fd stays the caller's on failure. */
int mio__tcp_listener_adopt(int fd, mio_tcp_listener **out)
{
	mio_tcp_listener *h = malloc(sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->fd = fd;
	*out = h;
	return 0;
}

int mio__tcp_stream_adopt(int fd, mio_tcp_stream **out)
{
	mio_tcp_stream *h = malloc(sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->fd = fd;
	*out = h;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Listener                                                            */
/* ------------------------------------------------------------------ */

MIO_EXPORT int mio_tcp_listener_bind(const struct sockaddr *addr, socklen_t len,
				     mio_tcp_listener **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int alen = mio__inet_addr_len(addr, len);
	if (alen < 0)
		return alen;

	int fd = mio__socket(addr->sa_family, SOCK_STREAM);
	if (fd < 0)
		return fd;
	/* As mio does: a restarted server can bind while connections of its
	 * previous life are still in TIME_WAIT. */
	int rc = mio__setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (rc == 0)
		rc = mio__bind(fd, addr, (socklen_t)alen);
	if (rc == 0)
		rc = mio__listen(fd);
	if (rc < 0) {
		mio__close(fd);
		return rc;
	}
	return mio__tcp_listener_wrap(fd, out);
}

MIO_EXPORT int mio_tcp_listener_accept(mio_tcp_listener *l, mio_tcp_stream **out,
				       struct sockaddr_storage *peer, socklen_t *peer_len)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	mio__check(l != NULL, -EINVAL);
	int fd = mio__accept(l->fd, SA(peer), peer_len);
	return fd < 0 ? fd : mio__tcp_stream_wrap(fd, out);
}

MIO_EXPORT int mio_tcp_listener_local_addr(const mio_tcp_listener *l,
					   struct sockaddr_storage *addr, socklen_t *len)
{
	mio__check(l != NULL, -EINVAL);
	return mio__local_addr(l->fd, SA(addr), len);
}

MIO_EXPORT int mio_tcp_listener_set_ttl(mio_tcp_listener *l, uint32_t ttl)
{
	mio__check(l != NULL, -EINVAL);
	return mio__set_ttl(l->fd, IPPROTO_IP, IP_TTL, ttl);
}

MIO_EXPORT int mio_tcp_listener_ttl(const mio_tcp_listener *l, uint32_t *ttl)
{
	mio__check(l != NULL, -EINVAL);
	return mio__get_ttl(l->fd, IPPROTO_IP, IP_TTL, ttl);
}

MIO_EXPORT int mio_tcp_listener_take_error(mio_tcp_listener *l, int *error)
{
	mio__check(l != NULL, -EINVAL);
	return mio__take_error(l->fd, error);
}

/* ------------------------------------------------------------------ */
/* Stream                                                              */
/* ------------------------------------------------------------------ */

MIO_EXPORT int mio_tcp_stream_connect(const struct sockaddr *addr, socklen_t len,
				      mio_tcp_stream **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int alen = mio__inet_addr_len(addr, len);
	if (alen < 0)
		return alen;

	int fd = mio__socket(addr->sa_family, SOCK_STREAM);
	if (fd < 0)
		return fd;
	/* Returns 0 whether the connection is done or in progress: either
	 * way a WRITABLE registration reports it, since epoll (and poll)
	 * report the current state when the fd is added. */
	int rc = mio__connect(fd, addr, (socklen_t)alen);
	if (rc < 0) {
		mio__close(fd);
		return rc;
	}
	return mio__tcp_stream_wrap(fd, out);
}

MIO_EXPORT int mio_tcp_stream_peer_addr(const mio_tcp_stream *s,
					struct sockaddr_storage *addr, socklen_t *len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__peer_addr(s->fd, SA(addr), len);
}

MIO_EXPORT int mio_tcp_stream_local_addr(const mio_tcp_stream *s,
					 struct sockaddr_storage *addr, socklen_t *len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__local_addr(s->fd, SA(addr), len);
}

MIO_EXPORT int mio_tcp_stream_shutdown(mio_tcp_stream *s, int how)
{
	mio__check(s != NULL, -EINVAL);
	return mio__shutdown(s->fd, how);
}

MIO_EXPORT int mio_tcp_stream_set_nodelay(mio_tcp_stream *s, bool on)
{
	mio__check(s != NULL, -EINVAL);
	return mio__setsockopt_bool(s->fd, IPPROTO_TCP, TCP_NODELAY, on);
}

MIO_EXPORT int mio_tcp_stream_nodelay(const mio_tcp_stream *s, bool *on)
{
	mio__check(s != NULL, -EINVAL);
	return mio__getsockopt_bool(s->fd, IPPROTO_TCP, TCP_NODELAY, on);
}

MIO_EXPORT int mio_tcp_stream_set_ttl(mio_tcp_stream *s, uint32_t ttl)
{
	mio__check(s != NULL, -EINVAL);
	return mio__set_ttl(s->fd, IPPROTO_IP, IP_TTL, ttl);
}

MIO_EXPORT int mio_tcp_stream_ttl(const mio_tcp_stream *s, uint32_t *ttl)
{
	mio__check(s != NULL, -EINVAL);
	return mio__get_ttl(s->fd, IPPROTO_IP, IP_TTL, ttl);
}

MIO_EXPORT int mio_tcp_stream_take_error(mio_tcp_stream *s, int *error)
{
	mio__check(s != NULL, -EINVAL);
	return mio__take_error(s->fd, error);
}

MIO_EXPORT ssize_t mio_tcp_stream_read(mio_tcp_stream *s, void *buf, size_t len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__recv(s->fd, buf, len, 0);
}

MIO_EXPORT ssize_t mio_tcp_stream_write(mio_tcp_stream *s, const void *buf, size_t len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__send(s->fd, buf, len);
}

MIO_EXPORT ssize_t mio_tcp_stream_readv(mio_tcp_stream *s, const struct iovec *iov, int iovcnt)
{
	mio__check(s != NULL, -EINVAL);
	return mio__readv(s->fd, iov, iovcnt);
}

MIO_EXPORT ssize_t mio_tcp_stream_writev(mio_tcp_stream *s, const struct iovec *iov, int iovcnt)
{
	mio__check(s != NULL, -EINVAL);
	return mio__sendv(s->fd, iov, iovcnt);
}

MIO_EXPORT ssize_t mio_tcp_stream_peek(mio_tcp_stream *s, void *buf, size_t len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__recv(s->fd, buf, len, MSG_PEEK);
}
