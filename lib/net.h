/*
 * net.h - what the socket and pipe objects share (lib/socket.c).
 *
 * Every socket or pipe handle is one owned fd, `struct mio_<type> { int fd; }`;
 * the handle exists so that C code gets a distinct pointer type per object
 * and a destructor that tells the backend before the fd is closed.  The
 * fd/from_fd/into_fd/free quartet is the same for all of them and is
 * written once, as MIO__DEFINE_FD_HANDLE below.
 *
 * The I/O wrappers are the hot path: an argument check, one syscall, and
 * on failure the negated errno.  When the kernel says EAGAIN they call
 * mio__source_drained() so that a level-triggered backend (poll(2)) can
 * re-arm the fd: that is how edge-triggered readiness is emulated there
 * (see lib/mio-private.h).  On epoll the hook compiles to nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_NET_H
#define MIO_NET_H

#include "mio-private.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>

/* ------------------------------------------------------------------ */
/* fd helpers                                                          */
/* ------------------------------------------------------------------ */

/* For from_fd: -EBADF unless fd is open; otherwise set O_NONBLOCK. */
int  mio__fd_check(int fd);
int  mio__fd_set_nonblocking(int fd, bool on);
/* For free: tell the backend, then close. */
void mio__fd_release(int fd);

/*
 * MIO__DEFINE_FD_HANDLE(tcp_stream) defines struct mio_tcp_stream, the
 * exported mio_tcp_stream_fd/_from_fd/_into_fd/_free, and a file-local
 * mio__tcp_stream_wrap(fd, &out) for constructors: it takes ownership of
 * fd, closing it if the handle cannot be allocated, so a constructor's
 * only failure path after the syscall is `return rc`.
 *
 * from_fd allocates before touching the fd's flags, so that on failure the
 * caller gets its fd back exactly as it gave it.
 */
#define MIO__DEFINE_FD_HANDLE(type)                                             \
	struct mio_##type {                                                     \
		int fd;                                                         \
	};                                                                      \
                                                                                \
	__attribute__((unused)) static int                                      \
	mio__##type##_wrap(int fd, mio_##type **out)                            \
	{                                                                       \
		mio_##type *h = malloc(sizeof(*h));                             \
		if (h == NULL) {                                                \
			mio__close(fd);                                         \
			return -ENOMEM;                                         \
		}                                                               \
		h->fd = fd;                                                     \
		*out = h;                                                       \
		return 0;                                                       \
	}                                                                       \
                                                                                \
	MIO_EXPORT int mio_##type##_fd(const mio_##type *h)                     \
	{                                                                       \
		mio__check(h != NULL, -EINVAL);                                 \
		return h->fd;                                                   \
	}                                                                       \
                                                                                \
	MIO_EXPORT int mio_##type##_from_fd(int fd, mio_##type **out)           \
	{                                                                       \
		mio__check(out != NULL, -EINVAL);                               \
		*out = NULL;                                                    \
		mio__check(fd >= 0, -EBADF);                                    \
		mio_##type *h = malloc(sizeof(*h));                             \
		if (h == NULL)                                                  \
			return -ENOMEM;                                         \
		int rc = mio__fd_check(fd);                                     \
		if (rc < 0) {                                                   \
			free(h);                                                \
			return rc;                                              \
		}                                                               \
		h->fd = fd;                                                     \
		*out = h;                                                       \
		return 0;                                                       \
	}                                                                       \
                                                                                \
	MIO_EXPORT int mio_##type##_into_fd(mio_##type *h)                      \
	{                                                                       \
		mio__check(h != NULL, -EINVAL);                                 \
		int fd = h->fd;                                                 \
		free(h);                                                        \
		return fd;                                                      \
	}                                                                       \
                                                                                \
	MIO_EXPORT void mio_##type##_free(mio_##type *h)                        \
	{                                                                       \
		if (h == NULL)                                                  \
			return;                                                 \
		mio__fd_release(h->fd);                                         \
		free(h);                                                        \
	}                                                                       \
	struct mio__##type##_semicolon /* so the macro use ends with ';' */

/*
 * Handles made from an fd another object file created (lib/tcp_socket.c
 * turns its socket into a listener or a stream).  Unlike the file-local
 * _wrap, these leave fd alone on failure (-ENOMEM): the caller still owns
 * it and releases it as its own object.
 */
int mio__tcp_listener_adopt(int fd, mio_tcp_listener **out);
int mio__tcp_stream_adopt(int fd, mio_tcp_stream **out);

/* ------------------------------------------------------------------ */
/* Creating sockets and pipes: non-blocking and close-on-exec at birth */
/* ------------------------------------------------------------------ */

int mio__socket(int domain, int type);
int mio__socketpair(int domain, int type, int fds[2]);
int mio__pipe(int fds[2]);
/* listen(2) with the largest backlog the system allows. */
int mio__listen(int fd);
/* peer and peer_len: both or neither (-EINVAL). Returns the new fd. */
int mio__accept(int fd, struct sockaddr *peer, socklen_t *peer_len);
/* Non-blocking connect: EINPROGRESS is success. */
int mio__connect(int fd, const struct sockaddr *addr, socklen_t len);
int mio__bind(int fd, const struct sockaddr *addr, socklen_t len);
int mio__shutdown(int fd, int how);

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

/* AF_INET or AF_INET6, long enough for its family: returns the length to
 * give the kernel (the family's sockaddr size), else -EINVAL. */
int mio__inet_addr_len(const struct sockaddr *addr, socklen_t len);
/* AF_UNIX with sizeof(sa_family_t) <= len <= sizeof(struct sockaddr_un). */
int mio__unix_addr_check(const struct sockaddr_un *addr, socklen_t len);
/* A path as a sockaddr_un: -EINVAL for NULL or a path that does not fit.
 * *len counts the NUL (as std::os::unix::net does); "" is unnamed. */
int mio__unix_addr_from_path(const char *path, struct sockaddr_un *addr, socklen_t *len);

/* getsockname(2)/getpeername(2): *len in/out; NULL pointers -EINVAL. */
int mio__local_addr(int fd, struct sockaddr *addr, socklen_t *len);
int mio__peer_addr(int fd, struct sockaddr *addr, socklen_t *len);

/* ------------------------------------------------------------------ */
/* Socket options                                                      */
/* ------------------------------------------------------------------ */

/* SO_ERROR: *error = 0 or -errno. */
int mio__take_error(int fd, int *error);
int mio__setsockopt_int(int fd, int level, int name, int value);
int mio__getsockopt_int(int fd, int level, int name, int *value);
int mio__setsockopt_bool(int fd, int level, int name, bool on);
int mio__getsockopt_bool(int fd, int level, int name, bool *on);
/* TTL-like options: > 255 is -EINVAL before the kernel sees it. */
int mio__set_ttl(int fd, int level, int name, uint32_t ttl);
int mio__get_ttl(int fd, int level, int name, uint32_t *ttl);

/* ------------------------------------------------------------------ */
/* I/O: argument check, one syscall, -errno; EAGAIN reports drained     */
/* ------------------------------------------------------------------ */

/* Pipes (and anything that is not a socket): read(2)/write(2). */
ssize_t mio__read(int fd, void *buf, size_t len);
ssize_t mio__write(int fd, const void *buf, size_t len);
ssize_t mio__readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t mio__writev(int fd, const struct iovec *iov, int iovcnt);

/* Sockets: every send carries MSG_NOSIGNAL. */
ssize_t mio__recv(int fd, void *buf, size_t len, int flags);
ssize_t mio__send(int fd, const void *buf, size_t len);
ssize_t mio__sendv(int fd, const struct iovec *iov, int iovcnt);
/* from and from_len: both or neither. */
ssize_t mio__recvfrom(int fd, void *buf, size_t len, int flags,
		      struct sockaddr *from, socklen_t *from_len);
ssize_t mio__sendto(int fd, const void *buf, size_t len,
		    const struct sockaddr *to, socklen_t to_len);

#endif /* MIO_NET_H */
