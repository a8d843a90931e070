/*
 * time64.c - one library, two caller layouts of struct timespec.
 *
 * Built twice by tests/Makefile.am: time64_default with the target's
 * default time_t and time64_t64 with -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64
 * (what 32-bit distributions move to).  Both run against the same
 * libmio.so.1.  Where time_t is 32-bit by default (glibc i386, arm, ...)
 * the second binds mio_poll_wait to mio_poll_wait_time64 through mio.h;
 * before libmio 1.1 its 16-byte timespec was read as 8 bytes and a 300 ms
 * timeout came back after 0 ms.  Each binary checks, for its layout:
 *   - which entry point the call binds to (dladdr on &mio_poll_wait);
 *   - a 300 ms timeout waits about 300 ms (at least 290, less than 3 s);
 *   - an unnormalised or negative timeout is -EINVAL;
 *   - a pending event with a long timeout returns at once.
 * Elsewhere (64-bit time_t by default) there is one layout and nothing to
 * redirect: the binary says so and exits 77 (skip).
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
	       "layout, no mio_poll_wait_time64 to test (runs on i386, arm, ...)\n",
	       sizeof(time_t) * 8);
	return 77;
#else
#ifdef __USE_TIME_BITS64
	const char *want = "mio_poll_wait_time64", *layout = "_TIME_BITS=64";
#else
	const char *want = "mio_poll_wait", *layout = "default";
#endif
	Dl_info info;
	int (*fn)(mio_poll *, mio_events *, const struct timespec *) = mio_poll_wait;
	CHECK(dladdr((void *)fn, &info) != 0 && info.dli_sname != NULL,
	      "dladdr(mio_poll_wait) found nothing");
	printf("layout %s: time_t %zu bytes, struct timespec %zu bytes, "
	       "mio_poll_wait binds to %s in %s\n", layout, sizeof(time_t),
	       sizeof(struct timespec), info.dli_sname ? info.dli_sname : "?",
	       info.dli_fname ? info.dli_fname : "?");
	CHECK(info.dli_sname && strcmp(info.dli_sname, want) == 0,
	      "bound to %s, want %s", info.dli_sname ? info.dli_sname : "?", want);

	mio_poll *poll = NULL;
	mio_events *events = NULL;
	mio_waker *waker = NULL;
	CHECK(mio_poll_new(&poll) == 0, "mio_poll_new");
	CHECK(mio_events_new(4, &events) == 0, "mio_events_new");
	if (!poll || !events)
		return 1;

	struct timespec t;
	memset(&t, 0xff, sizeof(t));  /* padding of the 64-bit layout: ignored */
	t.tv_sec = 0;
	t.tv_nsec = 300000000L;
	double t0 = now_ms();
	int r = mio_poll_wait(poll, events, &t);
	double waited = now_ms() - t0;
	printf("layout %s: 300 ms timeout returned %d after %.1f ms\n", layout, r, waited);
	CHECK(r == 0, "mio_poll_wait returned %d, want 0 (timeout)", r);
	CHECK(waited >= 290.0 && waited < 3000.0, "waited %.1f ms for a 300 ms timeout", waited);

	t.tv_sec = 0;
	t.tv_nsec = 1000000000L;
	r = mio_poll_wait(poll, events, &t);
	CHECK(r == -EINVAL, "tv_nsec = 1e9: %d, want -EINVAL", r);
	t.tv_sec = -1;
	t.tv_nsec = 0;
	r = mio_poll_wait(poll, events, &t);
	CHECK(r == -EINVAL, "tv_sec = -1: %d, want -EINVAL", r);

	/* A long timeout (past 2038 in the 64-bit layout) with an event
	 * already pending: returns it at once, not -EINVAL, not a hang. */
	CHECK(mio_waker_new(mio_poll_registry(poll), 7, &waker) == 0, "mio_waker_new");
	CHECK(waker && mio_waker_wake(waker) == 0, "mio_waker_wake");
#ifdef __USE_TIME_BITS64
	t.tv_sec = (time_t)0x100000000LL;  /* only the high word is set */
#else
	t.tv_sec = 0x7fffffff;
#endif
	t.tv_nsec = 0;
	r = mio_poll_wait(poll, events, &t);
	CHECK(r == 1, "pending wake with tv_sec %lld: %d, want 1 event", (long long)t.tv_sec, r);

	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("layout %s: all checks passed\n", layout);
	return 0;
#endif
}
