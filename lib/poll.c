/*
 * poll.c - mio_poll and mio_registry: argument checks, then the backend.
 *
 * Everything OS-specific is behind mio__sys_* (lib/sys_*.c); this file
 * only validates, so each backend sees well-formed requests.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <limits.h>
#include <stdlib.h>

MIO_EXPORT int mio_poll_new(mio_poll **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;

	mio_poll *poll = malloc(sizeof(*poll));
	if (poll == NULL)
		return -ENOMEM;
#ifdef MIO_BACKEND_EPOLL
	int r = mio__sys_init(&poll->sel);
	poll->registry.sel = &poll->sel;
#else
	int r = mio__sys_new(&poll->registry.sel);
#endif
	if (r < 0) {
		free(poll);
		return r;
	}
	poll->registry.is_clone = false;
	*out = poll;
	return 0;
}

MIO_EXPORT void mio_poll_free(mio_poll *poll)
{
	if (poll == NULL)
		return;
#ifdef MIO_BACKEND_EPOLL
	mio__sys_fini(&poll->sel);
#else
	mio__sys_free(poll->registry.sel);
#endif
	free(poll);
}

MIO_EXPORT mio_registry *mio_poll_registry(mio_poll *poll)
{
	return poll ? &poll->registry : NULL;
}

MIO_EXPORT int mio_poll_fd(const mio_poll *poll)
{
	mio__check(poll != NULL, -EINVAL);
	return mio__sys_fd(poll->registry.sel);
}

#ifndef MIO__TIME32_DEFAULT
/* A timeout needs converting and can be invalid: kept out of line so the
 * common NULL case of mio_poll_wait has no stack frame of its own. */
static __attribute__((noinline)) int wait_with_timeout(mio_poll *poll, mio_events *events,
							const struct timespec *timeout)
{
	int ms = mio__timeout_ms(timeout);
	if (mio__unlikely(ms < 0)) {
		events->len = 0;
		return ms;
	}
	return mio__sys_wait(mio__poll_sel(poll), events, ms);
}

/* The hot path: two tests, then the backend, which writes straight into
 * the caller's buffer (on epoll, inline: one frame down to the kernel). */
MIO_EXPORT int mio_poll_wait(mio_poll *poll, mio_events *events,
			     const struct timespec *timeout)
{
	mio__check(poll != NULL && events != NULL, -EINVAL);
	if (timeout != NULL)
		return wait_with_timeout(poll, events, timeout);
	return mio__sys_wait(mio__poll_sel(poll), events, -1);
}

/* mio_poll_wait_raw's less common cases, out of its frame. */
static __attribute__((noinline)) int wait_raw_timeout(mio__selector *sel, mio_raw_event *out,
						      int n, const struct timespec *timeout)
{
	int ms = mio__timeout_ms(timeout);
	if (mio__unlikely(ms < 0))
		return ms;
	return mio__sys_wait_raw(sel, out, n, ms);
}

/* More records than one wait may ask for: a wait stores at most that. */
static __attribute__((noinline, cold)) int wait_raw_big(mio_poll *poll, mio_raw_event *out,
							const struct timespec *timeout)
{
	if (timeout != NULL)
		return wait_raw_timeout(mio__poll_sel(poll), out, (int)MIO__WAIT_MAX, timeout);
	return mio__sys_wait_raw(mio__poll_sel(poll), out, (int)MIO__WAIT_MAX, -1);
}

/*
 * One call per wait, into the caller's records.  What the contract needs
 * checked on every call is checked here, each a test and a branch not
 * taken: poll and out not NULL, n small enough to pass as an int.  n == 0
 * is left to the backend (epoll_wait(2) refuses it with EINVAL before it
 * blocks; the poll(2) backend checks it), and a timeout is converted out
 * of line.  What is left is the one-waiter guard and the system call.
 */
MIO_EXPORT int mio_poll_wait_raw(mio_poll *poll, mio_raw_event *out, size_t n,
				 const struct timespec *timeout)
{
	/* Three tests written apart: joined with ||, gcc 12 computes them
	 * branch-free into one flag (six instructions instead of four). */
	if (mio__unlikely(poll == NULL))
		return -EINVAL;
	if (mio__unlikely(out == NULL))
		return -EINVAL;
	if (mio__unlikely(n > MIO__WAIT_MAX))
		return wait_raw_big(poll, out, timeout);
	if (timeout != NULL)
		return wait_raw_timeout(mio__poll_sel(poll), out, (int)n, timeout);
	return mio__sys_wait_raw(mio__poll_sel(poll), out, (int)n, -1);
}
#else
/*
 * Two timespec layouts, two entry points (glibc's scheme for its own time
 * functions).  Where time_t is 32-bit by default, mio_poll_wait@MIO_1.0
 * has always read { long tv_sec; long tv_nsec; }, and keeps doing so even
 * if this library is built with -D_TIME_BITS=64 (hence layouts of our own
 * here, not the build's struct timespec).  A caller built with
 * _TIME_BITS=64 passes { int64 tv_sec; long tv_nsec; 32 bits of padding,
 * before tv_nsec on big-endian }; mio.h sends it to mio_poll_wait_time64
 * (MIO_1.1).  The padding is ignored, as the kernel and glibc do.
 */
struct mio__timespec32 {
	long tv_sec;
	long tv_nsec;
};
struct mio__timespec64 {
	int64_t tv_sec;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	int32_t pad;
	long    tv_nsec;
#else
	long    tv_nsec;
	int32_t pad;
#endif
};

/* mio__timeout_ms's rules for a (seconds, nanoseconds) pair of any width:
 * -EINVAL for negative or unnormalised, rounded up, clamped to INT_MAX. */
static int timeout_parts_ms(int64_t sec, long nsec)
{
	mio__check(sec >= 0 && nsec >= 0 && nsec < 1000000000L, -EINVAL);
	if (sec >= INT_MAX / 1000)
		return INT_MAX;
	int64_t ms = sec * 1000 + (nsec + 999999L) / 1000000L;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int wait_ms(mio_poll *poll, mio_events *events, int ms)
{
	if (mio__unlikely(ms < 0)) {
		events->len = 0;
		return ms;
	}
	return mio__sys_wait(mio__poll_sel(poll), events, ms);
}

MIO_EXPORT int mio_poll_wait(mio_poll *poll, mio_events *events,
			     const struct timespec *timeout)
{
	mio__check(poll != NULL && events != NULL, -EINVAL);
	if (timeout == NULL)
		return mio__sys_wait(mio__poll_sel(poll), events, -1);
	const struct mio__timespec32 *t = (const struct mio__timespec32 *)(const void *)timeout;
	return wait_ms(poll, events, timeout_parts_ms(t->tv_sec, t->tv_nsec));
}

MIO_EXPORT int mio_poll_wait_time64(mio_poll *poll, mio_events *events,
				    const struct mio__timespec64 *timeout)
{
	mio__check(poll != NULL && events != NULL, -EINVAL);
	if (timeout == NULL)
		return mio__sys_wait(mio__poll_sel(poll), events, -1);
	return wait_ms(poll, events, timeout_parts_ms(timeout->tv_sec, timeout->tv_nsec));
}

/* mio_poll_wait_raw for both layouts: ms is the converted timeout. */
static int wait_raw_ms(mio_poll *poll, mio_raw_event *out, size_t n, int ms)
{
	mio__check(poll != NULL && out != NULL, -EINVAL);
	if (mio__unlikely(ms < -1))
		return ms;
	int max = n > MIO__WAIT_MAX ? (int)MIO__WAIT_MAX : (int)n;
	return mio__sys_wait_raw(mio__poll_sel(poll), out, max, ms);
}

MIO_EXPORT int mio_poll_wait_raw(mio_poll *poll, mio_raw_event *out, size_t n,
				 const struct timespec *timeout)
{
	const struct mio__timespec32 *t = (const struct mio__timespec32 *)(const void *)timeout;
	return wait_raw_ms(poll, out, n, t == NULL ? -1 : timeout_parts_ms(t->tv_sec, t->tv_nsec));
}

MIO_EXPORT int mio_poll_wait_raw_time64(mio_poll *poll, mio_raw_event *out, size_t n,
					const struct mio__timespec64 *timeout)
{
	return wait_raw_ms(poll, out, n, timeout == NULL ? -1 :
			   timeout_parts_ms(timeout->tv_sec, timeout->tv_nsec));
}
#endif

/* The checks register and reregister share: a registry, an fd, and
 * interests with known bits only and at least one readiness (MIO_LEVEL
 * alone asks for nothing; AIO and LIO exist only on kqueue). */
static int check_request(const mio_registry *r, int fd, mio_interest interests)
{
	mio__check(r != NULL, -EINVAL);
	mio__check(fd >= 0, -EBADF);
	mio__check((interests & MIO__INTEREST_ALL) != 0 && (interests & ~MIO__INTEREST_BITS) == 0,
		   -EINVAL);
	mio__check((interests & (MIO_AIO | MIO_LIO)) == 0, -EOPNOTSUPP);
	return 0;
}

MIO_EXPORT int mio_registry_register(mio_registry *r, int fd, mio_token token,
				     mio_interest interests)
{
	int rc = check_request(r, fd, interests);
	if (mio__unlikely(rc < 0))
		return rc;
	return mio__sys_register(r->sel, fd, token, interests);
}

MIO_EXPORT int mio_registry_reregister(mio_registry *r, int fd, mio_token token,
				       mio_interest interests)
{
	int rc = check_request(r, fd, interests);
	if (mio__unlikely(rc < 0))
		return rc;
	return mio__sys_reregister(r->sel, fd, token, interests);
}

MIO_EXPORT int mio_registry_deregister(mio_registry *r, int fd)
{
	mio__check(r != NULL, -EINVAL);
	mio__check(fd >= 0, -EBADF);
	return mio__sys_deregister(r->sel, fd);
}

MIO_EXPORT int mio_registry_try_clone(const mio_registry *r, mio_registry **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	mio__check(r != NULL, -EINVAL);

	mio_registry *clone = malloc(sizeof(*clone));
	if (clone == NULL)
		return -ENOMEM;
	int rc = mio__sys_clone(r->sel, &clone->sel);
	if (rc < 0) {
		free(clone);
		return rc;
	}
	clone->is_clone = true;
	*out = clone;
	return 0;
}

MIO_EXPORT void mio_registry_free(mio_registry *r)
{
	if (r == NULL || !r->is_clone)
		return;
	mio__sys_free(r->sel);
	free(r);
}
