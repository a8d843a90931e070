/*
 * socket.c - the socket and pipe helpers every object file shares
 * (declared in lib/net.h).  Each is one syscall with the error passed
 * through as a negative errno; no retries, no message buffers.
 *
 * SPDX-License-Identifier: MIT
 */
#include "net.h"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* fd helpers                                                          */
/* ------------------------------------------------------------------ */

int mio__fd_set_nonblocking(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -errno;
	int want = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
	if (want != flags && fcntl(fd, F_SETFL, want) < 0)
		return -errno;
	return 0;
}

int mio__fd_check(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -EBADF;
	/* mio's from_raw_fd trusts the caller; we make the one promise the
	 * rest of the library depends on: the fd never blocks. */
	if (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

void mio__fd_release(int fd)
{
	/* Before close: once closed, the number may be reused by another
	 * thread, and the backend must not confuse the two. */
	mio__source_closing(fd);
	mio__close(fd);
}

/* ------------------------------------------------------------------ */
/* Creating sockets and pipes                                          */
/* ------------------------------------------------------------------ */

int mio__socket(int domain, int type)
{
	int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int mio__socketpair(int domain, int type, int fds[2])
{
	if (socketpair(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	return 0;
}

int mio__pipe(int fds[2])
{
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int mio__listen(int fd)
{
	/* "The system's maximum backlog": Linux silently caps the value at
	 * net.core.somaxconn (and the BSDs at kern.ipc.somaxconn), so asking
	 * for INT_MAX follows the sysctl without reading it. */
	if (listen(fd, INT_MAX) < 0)
		return -errno;
	return 0;
}

int mio__accept(int fd, struct sockaddr *peer, socklen_t *peer_len)
{
	mio__check((peer == NULL) == (peer_len == NULL), -EINVAL);
	int nfd = accept4(fd, peer, peer_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (nfd < 0) {
		int err = errno;
		if (err == EAGAIN || err == EWOULDBLOCK)
			mio__source_drained(fd, MIO_READABLE);
		return -err;
	}
	return nfd;
}

int mio__connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	/* Non-blocking: the caller learns the outcome from a WRITABLE event
	 * and take_error, as with mio's TcpStream::connect. */
	if (connect(fd, addr, len) < 0 && errno != EINPROGRESS)
		return -errno;
	return 0;
}

int mio__bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (bind(fd, addr, len) < 0)
		return -errno;
	return 0;
}

int mio__shutdown(int fd, int how)
{
	mio__check(how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR, -EINVAL);
	if (shutdown(fd, how) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

int mio__inet_addr_len(const struct sockaddr *addr, socklen_t len)
{
	mio__check(addr != NULL && len >= (socklen_t)sizeof(sa_family_t), -EINVAL);
	switch (addr->sa_family) {
	case AF_INET:
		mio__check(len >= (socklen_t)sizeof(struct sockaddr_in), -EINVAL);
		return (int)sizeof(struct sockaddr_in);
	case AF_INET6:
		mio__check(len >= (socklen_t)sizeof(struct sockaddr_in6), -EINVAL);
		return (int)sizeof(struct sockaddr_in6);
	default:
		/* mio's SocketAddr is v4 or v6: anything else is InvalidInput. */
		return -EINVAL;
	}
}

int mio__unix_addr_check(const struct sockaddr_un *addr, socklen_t len)
{
	mio__check(addr != NULL, -EINVAL);
	mio__check(len >= (socklen_t)offsetof(struct sockaddr_un, sun_path) &&
		   len <= (socklen_t)sizeof(struct sockaddr_un), -EINVAL);
	mio__check(addr->sun_family == AF_UNIX, -EINVAL);
	return 0;
}

int mio__unix_addr_from_path(const char *path, struct sockaddr_un *addr, socklen_t *len)
{
	mio__check(path != NULL, -EINVAL);
	size_t n = strnlen(path, sizeof(addr->sun_path));
	/* The NUL must fit too, or the kernel would read a path we did
	 * not mean (mio: "path must be shorter than SUN_LEN"). */
	mio__check(n < sizeof(addr->sun_path), -EINVAL);
	memset(addr, 0, offsetof(struct sockaddr_un, sun_path));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n + 1);
	/* The empty path is the unnamed address: no NUL counted, so bind
	 * autobinds and connect fails, as with Rust's std. */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (n > 0));
	return 0;
}

int mio__local_addr(int fd, struct sockaddr *addr, socklen_t *len)
{
	mio__check(addr != NULL && len != NULL, -EINVAL);
	if (getsockname(fd, addr, len) < 0)
		return -errno;
	return 0;
}

int mio__peer_addr(int fd, struct sockaddr *addr, socklen_t *len)
{
	mio__check(addr != NULL && len != NULL, -EINVAL);
	if (getpeername(fd, addr, len) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Socket options                                                      */
/* ------------------------------------------------------------------ */

int mio__getsockopt_int(int fd, int level, int name, int *value)
{
	mio__check(value != NULL, -EINVAL);
	int v = 0;
	socklen_t len = sizeof(v);
	if (getsockopt(fd, level, name, &v, &len) < 0)
		return -errno;
	*value = v;
	return 0;
}

int mio__setsockopt_int(int fd, int level, int name, int value)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) < 0)
		return -errno;
	return 0;
}

int mio__take_error(int fd, int *error)
{
	mio__check(error != NULL, -EINVAL);
	int v = 0;
	int rc = mio__getsockopt_int(fd, SOL_SOCKET, SO_ERROR, &v);
	if (rc < 0)
		return rc;
	*error = -v;
	return 0;
}

int mio__setsockopt_bool(int fd, int level, int name, bool on)
{
	return mio__setsockopt_int(fd, level, name, on ? 1 : 0);
}

int mio__getsockopt_bool(int fd, int level, int name, bool *on)
{
	mio__check(on != NULL, -EINVAL);
	int v = 0;
	int rc = mio__getsockopt_int(fd, level, name, &v);
	if (rc < 0)
		return rc;
	*on = v != 0;
	return 0;
}

int mio__set_ttl(int fd, int level, int name, uint32_t ttl)
{
	mio__check(ttl <= 255, -EINVAL);
	return mio__setsockopt_int(fd, level, name, (int)ttl);
}

int mio__get_ttl(int fd, int level, int name, uint32_t *ttl)
{
	mio__check(ttl != NULL, -EINVAL);
	int v = 0;
	int rc = mio__getsockopt_int(fd, level, name, &v);
	if (rc < 0)
		return rc;
	*ttl = (uint32_t)v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* I/O                                                                 */
/* ------------------------------------------------------------------ */

/* The common tail of every I/O wrapper.  EAGAIN and EWOULDBLOCK are one
 * value on Linux; the second test costs nothing there and is right
 * elsewhere. */
static inline ssize_t io_result(ssize_t n, int fd, mio_interest which)
{
	if (mio__likely(n >= 0))
		return n;
	int err = errno;
	if (err == EAGAIN || err == EWOULDBLOCK)
		mio__source_drained(fd, which);
	return -err;
}

#define CHECK_BUF(buf, len) mio__check((buf) != NULL || (len) == 0, -EINVAL)
#define CHECK_IOV(iov, cnt)                                                   \
	mio__check((cnt) >= 0 && (cnt) <= IOV_MAX && ((iov) != NULL || (cnt) == 0), \
		   -EINVAL)

ssize_t mio__read(int fd, void *buf, size_t len)
{
	CHECK_BUF(buf, len);
	return io_result(read(fd, buf, len), fd, MIO_READABLE);
}

ssize_t mio__write(int fd, const void *buf, size_t len)
{
	CHECK_BUF(buf, len);
	return io_result(write(fd, buf, len), fd, MIO_WRITABLE);
}

ssize_t mio__readv(int fd, const struct iovec *iov, int iovcnt)
{
	CHECK_IOV(iov, iovcnt);
	return io_result(readv(fd, iov, iovcnt), fd, MIO_READABLE);
}

ssize_t mio__writev(int fd, const struct iovec *iov, int iovcnt)
{
	CHECK_IOV(iov, iovcnt);
	return io_result(writev(fd, iov, iovcnt), fd, MIO_WRITABLE);
}

ssize_t mio__recv(int fd, void *buf, size_t len, int flags)
{
	CHECK_BUF(buf, len);
	return io_result(recv(fd, buf, len, flags), fd, MIO_READABLE);
}

ssize_t mio__send(int fd, const void *buf, size_t len)
{
	CHECK_BUF(buf, len);
	return io_result(send(fd, buf, len, MSG_NOSIGNAL), fd, MIO_WRITABLE);
}

ssize_t mio__sendv(int fd, const struct iovec *iov, int iovcnt)
{
	CHECK_IOV(iov, iovcnt);
	/* sendmsg, not writev: writev(2) cannot say MSG_NOSIGNAL. */
	struct msghdr msg = {
		.msg_iov = (struct iovec *)iov,
		.msg_iovlen = (size_t)iovcnt,
	};
	return io_result(sendmsg(fd, &msg, MSG_NOSIGNAL), fd, MIO_WRITABLE);
}

ssize_t mio__recvfrom(int fd, void *buf, size_t len, int flags,
		      struct sockaddr *from, socklen_t *from_len)
{
	CHECK_BUF(buf, len);
	mio__check((from == NULL) == (from_len == NULL), -EINVAL);
	return io_result(recvfrom(fd, buf, len, flags, from, from_len), fd, MIO_READABLE);
}

ssize_t mio__sendto(int fd, const void *buf, size_t len,
		    const struct sockaddr *to, socklen_t to_len)
{
	CHECK_BUF(buf, len);
	return io_result(sendto(fd, buf, len, MSG_NOSIGNAL, to, to_len), fd, MIO_WRITABLE);
}
