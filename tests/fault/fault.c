/*
 * fault.c - the interposition shim behind fault.h.
 *
 * Each wrapper has the name and signature of the libc function; because
 * it is defined in the executable, the dynamic linker binds libmio's PLT
 * entries to it.  The real function is found with dlsym(RTLD_NEXT), which
 * under a sanitizer is the sanitizer's interceptor, as it should be.
 *
 * malloc and friends forward to the C library's allocator through
 * realmalloc.h (glibc's __libc_* entry points: its dlsym itself may
 * allocate).  Under ASan/TSan they are not wrapped at all (the runtime's
 * allocator must see every block; its leak checker does the counting
 * there).
 *
 * The tests are single-threaded (Check forks one process per test and
 * libmio starts no threads), so the state is plain globals.
 *
 * SPDX-License-Identifier: MIT
 */
#include "fault.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FAULT_NO_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define FAULT_NO_MALLOC 1
#endif
#endif

static bool          active;
static bool          quiet;
static bool          fired;
static enum fault_site target = FS_COUNT;
static unsigned long nth;
static int           fail_errno;
static unsigned long calls[FS_COUNT];
static long          live_allocs;

static const struct {
	const char *name;
	int err;
} sites[FS_COUNT] = {
	[FS_ALLOC]         = { "malloc", ENOMEM },
	[FS_SOCKET]        = { "socket", EMFILE },
	[FS_SOCKETPAIR]    = { "socketpair", ENFILE },
	[FS_ACCEPT4]       = { "accept4", EMFILE },
	[FS_BIND]          = { "bind", EADDRINUSE },
	[FS_LISTEN]        = { "listen", EADDRINUSE },
	[FS_CONNECT]       = { "connect", ECONNREFUSED },
	[FS_SHUTDOWN]      = { "shutdown", ENOTCONN },
	[FS_SETSOCKOPT]    = { "setsockopt", ENOMEM },
	[FS_GETSOCKOPT]    = { "getsockopt", ENOBUFS },
	[FS_GETSOCKNAME]   = { "getsockname", ENOBUFS },
	[FS_GETPEERNAME]   = { "getpeername", ENOTCONN },
	[FS_EPOLL_CREATE1] = { "epoll_create1", EMFILE },
	[FS_EPOLL_CTL]     = { "epoll_ctl", ENOSPC },
	[FS_EPOLL_WAIT]    = { "epoll_wait", EINTR },
	[FS_POLL]          = { "poll", EINTR },
	[FS_EVENTFD]       = { "eventfd", EMFILE },
	[FS_PIPE2]         = { "pipe2", ENFILE },
	[FS_FCNTL]         = { "fcntl", EMFILE },
	[FS_READ]          = { "read", EIO },
	[FS_WRITE]         = { "write", ENOSPC },
	[FS_READV]         = { "readv", ECONNRESET },
	[FS_WRITEV]        = { "writev", EIO },
	[FS_RECV]          = { "recv", ECONNRESET },
	[FS_RECVFROM]      = { "recvfrom", ECONNREFUSED },
	[FS_SEND]          = { "send", EPIPE },
	[FS_SENDTO]        = { "sendto", ENOBUFS },
	[FS_SENDMSG]       = { "sendmsg", ECONNRESET },
	/* Not EIO, EINVAL or EMSGSIZE: for a segmented record those mean
	 * "the kernel refused to segment" and are not surfaced. */
	[FS_SENDMMSG]      = { "sendmmsg", ENOBUFS },
	[FS_RECVMMSG]      = { "recvmmsg", ECONNREFUSED },
};

static struct { int level, name, err; } refused[4];
static unsigned n_refused;
static unsigned mmsg_limit;

void fault_refuse_option(int level, int name, int err)
{
	if (err == 0) {
		n_refused = 0;
		return;
	}
	if (n_refused < sizeof(refused) / sizeof(refused[0]))
		refused[n_refused++] = (__typeof__(refused[0])){ level, name, err };
}

void fault_sendmmsg_limit(unsigned limit)
{
	mmsg_limit = limit;
}

static bool is_refused(int level, int name)
{
	for (unsigned i = 0; i < n_refused; i++) {
		if (refused[i].level == level && refused[i].name == name) {
			errno = refused[i].err;
			return true;
		}
	}
	return false;
}

const char *fault_site_name(enum fault_site site)
{
	return site < FS_COUNT ? sites[site].name : "?";
}

int fault_site_errno(enum fault_site site)
{
	return site < FS_COUNT ? sites[site].err : EINVAL;
}

bool fault_alloc_supported(void)
{
#ifdef FAULT_NO_MALLOC
	return false;
#else
	return true;
#endif
}

void fault_begin(enum fault_site site, unsigned long n, int err)
{
	for (int i = 0; i < FS_COUNT; i++)
		calls[i] = 0;
	live_allocs = 0;
	fired = false;
	target = site;
	nth = n;
	fail_errno = err;
	quiet = false;
	active = true;
}

void fault_quiet(bool on)
{
	quiet = on;
}

void fault_end(void)
{
	active = false;
}

bool fault_fired(void)
{
	return fired;
}

unsigned long fault_calls(enum fault_site site)
{
	return site < FS_COUNT ? calls[site] : 0;
}

long fault_live_allocs(void)
{
	return live_allocs;
}

/* Counts the call; true when this one is to fail (errno already set). */
static bool hit(enum fault_site site)
{
	if (!active || quiet)
		return false;
	calls[site]++;
	if (site == target && !fired && calls[site] == nth) {
		fired = true;
		errno = fail_errno;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Allocation                                                          */
/* ------------------------------------------------------------------ */

#ifndef FAULT_NO_MALLOC
#include "realmalloc.h"

/* Inside the C library's own calloc or realloc.  musl's, seeing malloc
 * replaced (by this file), get their memory from this malloc and hand it
 * back through this free: counted there as well, one calloc was one hit
 * and two live blocks, and the poll backend's calloc "leaked" one.  The
 * outer call is the one the code under test made; only it counts. */
static __thread int in_libc;

void *malloc(size_t size)
{
	if (in_libc)
		return real_malloc(size);
	if (hit(FS_ALLOC))
		return NULL;
	void *p = real_malloc(size);
	if (p != NULL && active)
		live_allocs++;
	return p;
}

void *calloc(size_t n, size_t size)
{
	if (in_libc)
		return real_calloc(n, size);
	if (hit(FS_ALLOC))
		return NULL;
	in_libc++;
	void *p = real_calloc(n, size);
	in_libc--;
	if (p != NULL && active)
		live_allocs++;
	return p;
}

void *realloc(void *old, size_t size)
{
	if (in_libc)
		return real_realloc(old, size);
	if (hit(FS_ALLOC))
		return NULL;  /* old stays valid, as when realloc really fails */
	in_libc++;
	void *p = real_realloc(old, size);
	in_libc--;
	if (active) {
		if (old == NULL && p != NULL)
			live_allocs++;
		else if (old != NULL && size == 0 && p == NULL)
			live_allocs--;
	}
	return p;
}

void free(void *p)
{
	if (p != NULL && active && !in_libc)
		live_allocs--;
	real_free(p);
}
#endif

/* ------------------------------------------------------------------ */
/* Syscalls                                                            */
/* ------------------------------------------------------------------ */

/* The real function, looked up once.  A missing one is a broken libc:
 * fail the call rather than jump to NULL. */
#define REAL(name)                                                      \
	static __typeof__(name) *real_##name;                           \
	if (real_##name == NULL)                                        \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name); \
	if (real_##name == NULL) {                                      \
		errno = ENOSYS;                                         \
		return -1;                                              \
	}

/* Not declared without _GNU_SOURCE, which would also change the socket
 * prototypes (transparent unions); declared here as glibc defines them. */
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int pipe2(int fds[2], int flags);

int socket(int domain, int type, int protocol)
{
	REAL(socket);
	return hit(FS_SOCKET) ? -1 : real_socket(domain, type, protocol);
}

int socketpair(int domain, int type, int protocol, int fds[2])
{
	REAL(socketpair);
	return hit(FS_SOCKETPAIR) ? -1 : real_socketpair(domain, type, protocol, fds);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	REAL(accept4);
	return hit(FS_ACCEPT4) ? -1 : real_accept4(fd, addr, len, flags);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	REAL(bind);
	return hit(FS_BIND) ? -1 : real_bind(fd, addr, len);
}

int listen(int fd, int backlog)
{
	REAL(listen);
	return hit(FS_LISTEN) ? -1 : real_listen(fd, backlog);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	REAL(connect);
	return hit(FS_CONNECT) ? -1 : real_connect(fd, addr, len);
}

int shutdown(int fd, int how)
{
	REAL(shutdown);
	return hit(FS_SHUTDOWN) ? -1 : real_shutdown(fd, how);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	REAL(setsockopt);
	if (is_refused(level, name))
		return -1;
	return hit(FS_SETSOCKOPT) ? -1 : real_setsockopt(fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	REAL(getsockopt);
	if (is_refused(level, name))
		return -1;
	return hit(FS_GETSOCKOPT) ? -1 : real_getsockopt(fd, level, name, val, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	REAL(getsockname);
	return hit(FS_GETSOCKNAME) ? -1 : real_getsockname(fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	REAL(getpeername);
	return hit(FS_GETPEERNAME) ? -1 : real_getpeername(fd, addr, len);
}

int epoll_create1(int flags)
{
	REAL(epoll_create1);
	return hit(FS_EPOLL_CREATE1) ? -1 : real_epoll_create1(flags);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	REAL(epoll_ctl);
	return hit(FS_EPOLL_CTL) ? -1 : real_epoll_ctl(epfd, op, fd, ev);
}

int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	REAL(epoll_wait);
	return hit(FS_EPOLL_WAIT) ? -1 : real_epoll_wait(epfd, ev, max, timeout);
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	REAL(poll);
	return hit(FS_POLL) ? -1 : real_poll(fds, n, timeout);
}

int eventfd(unsigned int count, int flags)
{
	REAL(eventfd);
	return hit(FS_EVENTFD) ? -1 : real_eventfd(count, flags);
}

int pipe2(int fds[2], int flags)
{
	REAL(pipe2);
	return hit(FS_PIPE2) ? -1 : real_pipe2(fds, flags);
}

/* The third argument is an int or a pointer; passing it on as a pointer
 * is what glibc's own fcntl wrapper does. */
int fcntl(int fd, int cmd, ...)
{
	REAL(fcntl);
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return hit(FS_FCNTL) ? -1 : real_fcntl(fd, cmd, arg);
}

ssize_t read(int fd, void *buf, size_t len)
{
	REAL(read);
	return hit(FS_READ) ? -1 : real_read(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	REAL(write);
	return hit(FS_WRITE) ? -1 : real_write(fd, buf, len);
}

ssize_t readv(int fd, const struct iovec *iov, int n)
{
	REAL(readv);
	return hit(FS_READV) ? -1 : real_readv(fd, iov, n);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	REAL(writev);
	return hit(FS_WRITEV) ? -1 : real_writev(fd, iov, n);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	REAL(recv);
	return hit(FS_RECV) ? -1 : real_recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *from_len)
{
	REAL(recvfrom);
	return hit(FS_RECVFROM) ? -1 : real_recvfrom(fd, buf, len, flags, from, from_len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	REAL(send);
	return hit(FS_SEND) ? -1 : real_send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t to_len)
{
	REAL(sendto);
	return hit(FS_SENDTO) ? -1 : real_sendto(fd, buf, len, flags, to, to_len);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	REAL(sendmsg);
	return hit(FS_SENDMSG) ? -1 : real_sendmsg(fd, msg, flags);
}

/* glibc declares these with _GNU_SOURCE only, and mmsghdr with them. */
struct mmsghdr {
	struct msghdr msg_hdr;
	unsigned int msg_len;
};
int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags);
int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags, struct timespec *timeout);

int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	REAL(sendmmsg);
	if (hit(FS_SENDMMSG))
		return -1;
	if (mmsg_limit != 0 && n > mmsg_limit)
		n = mmsg_limit;
	return real_sendmmsg(fd, v, n, flags);
}

int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags, struct timespec *timeout)
{
	REAL(recvmmsg);
	return hit(FS_RECVMMSG) ? -1 : real_recvmmsg(fd, v, n, flags, timeout);
}
