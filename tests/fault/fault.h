/*
 * fault.h - test-only fault injection: make the Nth allocation, or the
 * Nth call of one chosen syscall, fail with a chosen errno.
 *
 * The library is not changed for this.  libmio calls libc through the PLT,
 * so functions of the same name defined in the test executable
 * (tests/fault/fault.c) are the ones it reaches; they count, fail when
 * told to, and otherwise pass on to libc's through dlsym(RTLD_NEXT).
 * Allocations are counted too, so a test can see that an error path freed
 * what it had allocated.
 *
 * Counting and failing happen only between fault_begin() and fault_end(),
 * and the code in between must call nothing but libmio (no Check
 * assertions: Check allocates and writes to report them).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_FAULT_H
#define MIO_FAULT_H

#include <stdbool.h>

enum fault_site {
	FS_ALLOC,        /* malloc, calloc, realloc */
	FS_SOCKET,
	FS_SOCKETPAIR,
	FS_ACCEPT4,
	FS_BIND,
	FS_LISTEN,
	FS_CONNECT,
	FS_SHUTDOWN,
	FS_SETSOCKOPT,
	FS_GETSOCKOPT,
	FS_GETSOCKNAME,
	FS_GETPEERNAME,
	FS_EPOLL_CREATE1,
	FS_EPOLL_CTL,
	FS_EPOLL_WAIT,
	FS_POLL,
	FS_EVENTFD,
	FS_PIPE2,
	FS_FCNTL,        /* F_GETFL/F_SETFL in from_fd, F_DUPFD_CLOEXEC in clone */
	FS_READ,
	FS_WRITE,
	FS_READV,
	FS_WRITEV,
	FS_RECV,
	FS_RECVFROM,
	FS_SEND,
	FS_SENDTO,
	FS_SENDMSG,
	FS_SENDMMSG,     /* UDP batches (1.2) */
	FS_RECVMMSG,
	FS_COUNT
};

/* Whether malloc is interposed: not under ASan/TSan, whose own malloc
 * must stay the only one (they check leaks themselves). */
bool fault_alloc_supported(void);

const char *fault_site_name(enum fault_site site);
/* The errno each site fails with: one its man page lists. */
int fault_site_errno(enum fault_site site);

/* Start counting; if nth > 0, the nth call of `site` from now fails with
 * `err` (once: the calls after it succeed again). */
void fault_begin(enum fault_site site, unsigned long nth, int err);
/* Stop counting and failing. */
void fault_end(void);
/* While quiet, calls neither count nor fail, but allocations are still
 * tallied: for the checks and the cleanup that follow the calls walked. */
void fault_quiet(bool on);

/*
 * An old or restricted kernel, for the UDP offload paths (1.2): while
 * set, setsockopt(2) and getsockopt(2) of (level, name) fail with err,
 * counted or not (up to 4 options; err 0 clears them all).  And a
 * sendmmsg(2) that sends at most `limit` entries per call (0: no limit),
 * as the kernel may when a later entry fails.
 */
void fault_refuse_option(int level, int name, int err);
void fault_sendmmsg_limit(unsigned limit);

bool          fault_fired(void);
unsigned long fault_calls(enum fault_site site);   /* since fault_begin */
long          fault_live_allocs(void);             /* allocations - frees */

#endif
