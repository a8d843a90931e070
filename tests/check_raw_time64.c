/*
 * check_raw_time64.c - mio_poll_wait_raw (1.2) with both caller layouts
 * of struct timespec, as time64.c does for mio_poll_wait.
 *
 * Built twice by tests/Makefile.am, with the target's default time_t and
 * with -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64, both run against the same
 * libmio.so.1.  Where time_t is 32-bit by default (glibc i386, arm, ...)
 * the second binds mio_poll_wait_raw to mio_poll_wait_raw_time64 through
 * mio.h (MIO_1.2 exports both there).  Each binary checks, for its layout:
 * which entry point the call binds to (dladdr); a 300 ms timeout waits
 * about 300 ms; an unnormalised or negative timeout is -EINVAL; a pending
 * event with a timeout past 2038 comes back at once, with its token.
 * Elsewhere there is one layout: the binary says so and exits 77 (skip).
 *
 * Plain C, no Check: it must build with the i686 cross compiler alone.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mio.h"
#include "plaincheck.h"

int main(void)
{
#if !(defined(__GLIBC__) && defined(__TIMESIZE) && __TIMESIZE == 32)
	printf("SKIP: time_t is %zu-bit by default on this target: one struct timespec "
	       "layout, no mio_poll_wait_raw_time64 to test (runs on i386, arm, ...)\n",
	       sizeof(time_t) * 8);
	return 77;
#else
#ifdef __USE_TIME_BITS64
	const char *want = "mio_poll_wait_raw_time64", *layout = "_TIME_BITS=64";
#else
	const char *want = "mio_poll_wait_raw", *layout = "default";
#endif
	Dl_info info;
	int (*fn)(mio_poll *, mio_raw_event *, size_t, const struct timespec *) = mio_poll_wait_raw;
	CHECK(dladdr((void *)fn, &info) != 0 && info.dli_sname != NULL,
	      "dladdr(mio_poll_wait_raw) found nothing");
	printf("layout %s: struct timespec %zu bytes, mio_raw_event %zu bytes, "
	       "mio_poll_wait_raw binds to %s\n", layout, sizeof(struct timespec),
	       sizeof(mio_raw_event), info.dli_sname ? info.dli_sname : "?");
	CHECK(info.dli_sname && strcmp(info.dli_sname, want) == 0,
	      "bound to %s, want %s", info.dli_sname ? info.dli_sname : "?", want);

	mio_poll *poll = NULL;
	mio_waker *waker = NULL;
	mio_raw_event out[4];
	CHECK(mio_poll_new(&poll) == 0, "mio_poll_new");
	if (!poll)
		return 1;

	struct timespec t;
	memset(&t, 0xff, sizeof(t));  /* padding of the 64-bit layout: ignored */
	t.tv_sec = 0;
	t.tv_nsec = 300000000L;
	double t0 = now_ms();
	int r = mio_poll_wait_raw(poll, out, 4, &t);
	double waited = now_ms() - t0;
	printf("layout %s: 300 ms timeout returned %d after %.1f ms\n", layout, r, waited);
	CHECK(r == 0, "mio_poll_wait_raw returned %d, want 0 (timeout)", r);
	CHECK(waited >= 290.0 && waited < 3000.0, "waited %.1f ms for a 300 ms timeout", waited);

	t.tv_sec = 0;
	t.tv_nsec = 1000000000L;
	CHECK((r = mio_poll_wait_raw(poll, out, 4, &t)) == -EINVAL, "tv_nsec = 1e9: %d", r);
	t.tv_sec = -1;
	t.tv_nsec = 0;
	CHECK((r = mio_poll_wait_raw(poll, out, 4, &t)) == -EINVAL, "tv_sec = -1: %d", r);
	CHECK((r = mio_poll_wait_raw(NULL, out, 4, &t)) == -EINVAL, "NULL poll: %d", r);
	CHECK((r = mio_poll_wait_raw(poll, NULL, 4, NULL)) == -EINVAL, "NULL array: %d", r);
	t.tv_sec = 0;
	CHECK((r = mio_poll_wait_raw(poll, out, 0, &t)) == -EINVAL, "n 0: %d", r);

	CHECK(mio_waker_new(mio_poll_registry(poll), 7, &waker) == 0, "mio_waker_new");
	CHECK(waker && mio_waker_wake(waker) == 0, "mio_waker_wake");
#ifdef __USE_TIME_BITS64
	t.tv_sec = (time_t)0x100000000LL;  /* only the high word is set */
#else
	t.tv_sec = 0x7fffffff;
#endif
	t.tv_nsec = 0;
	r = mio_poll_wait_raw(poll, out, 4, &t);
	CHECK(r == 1, "pending wake with tv_sec %lld: %d, want 1 event", (long long)t.tv_sec, r);
	CHECK(r != 1 || mio_raw_event_token(&out[0]) == 7, "token %lu",
	      (unsigned long)mio_raw_event_token(&out[0]));
	CHECK(r != 1 || (mio_raw_event_readiness(&out[0]) & MIO_EVENT_READABLE), "not readable");

	mio_waker_free(waker);
	mio_poll_free(poll);
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("layout %s: all checks passed\n", layout);
	return 0;
#endif
}
