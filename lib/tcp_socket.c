/*
 * tcp_socket.c - mio_tcp_socket (mio 0.7's net::TcpSocket): a TCP socket
 * configured before it becomes a listener or a stream.  Some options only
 * mean something before bind(2) or connect(2) (SO_REUSEPORT, SO_RCVBUF for
 * the window scale, IPV6_V6ONLY), so they cannot be set on the objects
 * mio_tcp_listener_bind and mio_tcp_stream_connect return.
 *
 * listen and connect consume the socket whatever happens, as Rust's `self`
 * methods do (there the socket is dropped when they return Err): the
 * handle is freed, and its fd moves into the new listener or stream or is
 * closed.  The listener and stream are the ordinary lib/tcp.c objects.
 *
 * Durations are struct timespec, Option<Duration> being a pointer that may
 * be NULL; the kernel keeps these options in whole seconds, so a fraction
 * of a second is rounded up (linger {0, 1} must not become linger 0, which
 * means "reset on close").
 *
 * SPDX-License-Identifier: MIT
 */
#include "net.h"

#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>

#define SA(p) ((struct sockaddr *)(p))

MIO__DEFINE_FD_HANDLE(tcp_socket);

/* ------------------------------------------------------------------ */
/* Construction, bind, listen, connect                                 */
/* ------------------------------------------------------------------ */

static int tcp_socket_new(int family, mio_tcp_socket **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int fd = mio__socket(family, SOCK_STREAM);
	return fd < 0 ? fd : mio__tcp_socket_wrap(fd, out);
}

MIO_EXPORT int mio_tcp_socket_new_v4(mio_tcp_socket **out)
{
	return tcp_socket_new(AF_INET, out);
}

MIO_EXPORT int mio_tcp_socket_new_v6(mio_tcp_socket **out)
{
	return tcp_socket_new(AF_INET6, out);
}

/*
 * The length to pass the kernel for addr, or -EINVAL when addr is not an
 * inet address of the socket's own family.  Linux would answer a v6
 * address on a v4 socket with EAFNOSUPPORT or EINVAL depending on the
 * call; one answer is easier to document and to handle.
 */
static int addr_for(int fd, const struct sockaddr *addr, socklen_t len)
{
	int alen = mio__inet_addr_len(addr, len);
	if (alen < 0)
		return alen;
	struct sockaddr_storage self;
	socklen_t slen = sizeof(self);
	int rc = mio__local_addr(fd, SA(&self), &slen);
	if (rc < 0)
		return rc;
	mio__check(self.ss_family == addr->sa_family, -EINVAL);
	return alen;
}

MIO_EXPORT int mio_tcp_socket_bind(mio_tcp_socket *s, const struct sockaddr *addr, socklen_t len)
{
	mio__check(s != NULL, -EINVAL);
	int alen = addr_for(s->fd, addr, len);
	if (alen < 0)
		return alen;
	return mio__bind(s->fd, addr, (socklen_t)alen);
}

MIO_EXPORT int mio_tcp_socket_listen(mio_tcp_socket *s, int backlog, mio_tcp_listener **out)
{
	int rc = -EINVAL;
	if (out != NULL)
		*out = NULL;
	if (s == NULL)
		return -EINVAL;
	/* mio's backlog is a u32: a negative one is a bug in the caller,
	 * not a request for the default (Linux would quietly read it as
	 * huge and cap it at somaxconn). */
	if (out == NULL || backlog < 0)
		goto fail;
	if (listen(s->fd, backlog) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = mio__tcp_listener_adopt(s->fd, out);
	if (rc < 0)
		goto fail;
	free(s);  /* the fd lives on in *out */
	return 0;
fail:
	mio_tcp_socket_free(s);
	return rc;
}

MIO_EXPORT int mio_tcp_socket_connect(mio_tcp_socket *s, const struct sockaddr *addr,
				      socklen_t len, mio_tcp_stream **out)
{
	int rc = -EINVAL;
	if (out != NULL)
		*out = NULL;
	if (s == NULL)
		return -EINVAL;
	if (out == NULL)
		goto fail;
	rc = addr_for(s->fd, addr, len);
	if (rc < 0)
		goto fail;
	/* Non-blocking, as mio_tcp_stream_connect: 0 with the connection in
	 * progress; a WRITABLE event and take_error tell how it ended. */
	rc = mio__connect(s->fd, addr, (socklen_t)rc);
	if (rc < 0)
		goto fail;
	rc = mio__tcp_stream_adopt(s->fd, out);
	if (rc < 0)
		goto fail;
	free(s);
	return 0;
fail:
	mio_tcp_socket_free(s);
	return rc;
}

MIO_EXPORT int mio_tcp_socket_local_addr(const mio_tcp_socket *s,
					 struct sockaddr_storage *addr, socklen_t *len)
{
	mio__check(s != NULL, -EINVAL);
	return mio__local_addr(s->fd, SA(addr), len);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

#define BOOL_OPTION(name, level, opt)                                            \
	MIO_EXPORT int mio_tcp_socket_set_##name(mio_tcp_socket *s, bool on)     \
	{                                                                        \
		mio__check(s != NULL, -EINVAL);                                  \
		return mio__setsockopt_bool(s->fd, level, opt, on);              \
	}                                                                        \
	MIO_EXPORT int mio_tcp_socket_get_##name(const mio_tcp_socket *s, bool *on) \
	{                                                                        \
		mio__check(s != NULL, -EINVAL);                                  \
		return mio__getsockopt_bool(s->fd, level, opt, on);              \
	}                                                                        \
	struct mio__tcp_socket_##name##_semicolon

BOOL_OPTION(reuseaddr, SOL_SOCKET, SO_REUSEADDR);
BOOL_OPTION(reuseport, SOL_SOCKET, SO_REUSEPORT);
BOOL_OPTION(keepalive, SOL_SOCKET, SO_KEEPALIVE);
BOOL_OPTION(nodelay, IPPROTO_TCP, TCP_NODELAY);

/* IPV6_V6ONLY on anything but an IPv6 socket: Linux answers setsockopt
 * with ENOPROTOOPT and getsockopt with EOPNOTSUPP; one -EINVAL, the
 * family-mismatch answer of bind and connect, is what we document. */
static int check_v6(int fd)
{
	struct sockaddr_storage self;
	socklen_t slen = sizeof(self);
	int rc = mio__local_addr(fd, SA(&self), &slen);
	if (rc < 0)
		return rc;
	mio__check(self.ss_family == AF_INET6, -EINVAL);
	return 0;
}

MIO_EXPORT int mio_tcp_socket_set_only_v6(mio_tcp_socket *s, bool on)
{
	mio__check(s != NULL, -EINVAL);
	int rc = check_v6(s->fd);
	return rc < 0 ? rc : mio__setsockopt_bool(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, on);
}

MIO_EXPORT int mio_tcp_socket_get_only_v6(const mio_tcp_socket *s, bool *on)
{
	mio__check(s != NULL && on != NULL, -EINVAL);
	int rc = check_v6(s->fd);
	return rc < 0 ? rc : mio__getsockopt_bool(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, on);
}


/* Counts the kernel keeps in an int: above INT_MAX is -EINVAL here rather
 * than a negative number there. */
#define UINT_OPTION(name, level, opt)                                                \
	MIO_EXPORT int mio_tcp_socket_set_##name(mio_tcp_socket *s, uint32_t value)  \
	{                                                                            \
		mio__check(s != NULL, -EINVAL);                                      \
		mio__check(value <= INT_MAX, -EINVAL);                               \
		return mio__setsockopt_int(s->fd, level, opt, (int)value);           \
	}                                                                            \
	MIO_EXPORT int mio_tcp_socket_get_##name(const mio_tcp_socket *s, uint32_t *value) \
	{                                                                            \
		mio__check(s != NULL && value != NULL, -EINVAL);                     \
		int v = 0;                                                           \
		int rc = mio__getsockopt_int(s->fd, level, opt, &v);                 \
		if (rc < 0)                                                          \
			return rc;                                                   \
		*value = (uint32_t)v;                                                \
		return 0;                                                            \
	}                                                                            \
	struct mio__tcp_socket_##name##_semicolon

/* Linux doubles SO_RCVBUF/SO_SNDBUF for its bookkeeping and reports the
 * doubled value (socket(7)); mio's getters say the same. */
UINT_OPTION(recv_buffer_size, SOL_SOCKET, SO_RCVBUF);
UINT_OPTION(send_buffer_size, SOL_SOCKET, SO_SNDBUF);

/* A timespec as whole seconds for the kernel: -EINVAL for a negative or
 * malformed one or one that does not fit an int; a fraction rounds up. */
static int whole_seconds(const struct timespec *ts)
{
	mio__check(ts != NULL, -EINVAL);
	mio__check(ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L, -EINVAL);
	mio__check(ts->tv_sec < INT_MAX || (ts->tv_sec == INT_MAX && ts->tv_nsec == 0), -EINVAL);
	return (int)ts->tv_sec + (ts->tv_nsec > 0);
}

MIO_EXPORT int mio_tcp_socket_set_linger(mio_tcp_socket *s, const struct timespec *linger)
{
	mio__check(s != NULL, -EINVAL);
	struct linger l = { 0, 0 };
	if (linger != NULL) {
		int secs = whole_seconds(linger);
		if (secs < 0)
			return secs;
		l.l_onoff = 1;
		l.l_linger = secs;
	}
	if (setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0)
		return -errno;
	return 0;
}

MIO_EXPORT int mio_tcp_socket_get_linger(const mio_tcp_socket *s, bool *on, struct timespec *linger)
{
	mio__check(s != NULL && on != NULL && linger != NULL, -EINVAL);
	struct linger l = { 0, 0 };
	socklen_t len = sizeof(l);
	if (getsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, &len) < 0)
		return -errno;
	*on = l.l_onoff != 0;
	linger->tv_sec = *on ? l.l_linger : 0;
	linger->tv_nsec = 0;
	return 0;
}

/*
 * Keepalive parameters.  As mio's set_keepalive_params, setting one also
 * turns SO_KEEPALIVE on (after the parameter, so that a rejected value
 * changes nothing).  The getters return the kernel's value whether
 * keepalive is on or not (mio answers None when it is off; here
 * get_keepalive says that).
 */
static int keepalive_set(mio_tcp_socket *s, int opt, int value)
{
	int rc = mio__setsockopt_int(s->fd, IPPROTO_TCP, opt, value);
	if (rc == 0)
		rc = mio__setsockopt_int(s->fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	return rc;
}

static int keepalive_get_secs(const mio_tcp_socket *s, int opt, struct timespec *ts)
{
	mio__check(s != NULL && ts != NULL, -EINVAL);
	int v = 0;
	int rc = mio__getsockopt_int(s->fd, IPPROTO_TCP, opt, &v);
	if (rc < 0)
		return rc;
	ts->tv_sec = v;
	ts->tv_nsec = 0;
	return 0;
}

static int keepalive_set_secs(mio_tcp_socket *s, int opt, const struct timespec *ts)
{
	mio__check(s != NULL, -EINVAL);
	int secs = whole_seconds(ts);
	if (secs < 0)
		return secs;
	/* Zero is no interval at all; Linux would say EINVAL too. */
	mio__check(secs > 0, -EINVAL);
	return keepalive_set(s, opt, secs);
}

MIO_EXPORT int mio_tcp_socket_set_keepalive_time(mio_tcp_socket *s, const struct timespec *time)
{
	return keepalive_set_secs(s, TCP_KEEPIDLE, time);
}

MIO_EXPORT int mio_tcp_socket_get_keepalive_time(const mio_tcp_socket *s, struct timespec *time)
{
	return keepalive_get_secs(s, TCP_KEEPIDLE, time);
}

MIO_EXPORT int mio_tcp_socket_set_keepalive_interval(mio_tcp_socket *s,
						     const struct timespec *interval)
{
	return keepalive_set_secs(s, TCP_KEEPINTVL, interval);
}

MIO_EXPORT int mio_tcp_socket_get_keepalive_interval(const mio_tcp_socket *s,
						     struct timespec *interval)
{
	return keepalive_get_secs(s, TCP_KEEPINTVL, interval);
}

MIO_EXPORT int mio_tcp_socket_set_keepalive_retries(mio_tcp_socket *s, uint32_t retries)
{
	mio__check(s != NULL, -EINVAL);
	mio__check(retries > 0 && retries <= INT_MAX, -EINVAL);
	return keepalive_set(s, TCP_KEEPCNT, (int)retries);
}

MIO_EXPORT int mio_tcp_socket_get_keepalive_retries(const mio_tcp_socket *s, uint32_t *retries)
{
	mio__check(s != NULL && retries != NULL, -EINVAL);
	int v = 0;
	int rc = mio__getsockopt_int(s->fd, IPPROTO_TCP, TCP_KEEPCNT, &v);
	if (rc < 0)
		return rc;
	*retries = (uint32_t)v;
	return 0;
}
