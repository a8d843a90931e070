/*
 * consumer.c - a program built against an installed libmio by CMake
 * (find_package(mio CONFIG): mio::mio, mio::mio_static) and by Meson
 * (dependency('mio') through pkg-config); cmake/tests/run.sh builds and
 * runs it.  It needs the 1.1 API (MIO_VERSION_CHECK, mio_events_copy),
 * wakes a poll through a mio_waker and prints how it was built.
 * SPDX-License-Identifier: MIT
 */
#include <mio.h>

#include <stdio.h>
#include <string.h>

#if !MIO_VERSION_CHECK(1, 1, 0)
#error "mio.h is older than 1.1.0"
#endif

#ifndef HOW
#define HOW "?"
#endif

int main(void)
{
	mio_poll *poll;
	mio_events *events;
	mio_waker *waker;
	mio_event_info info[4];
	struct timespec limit = { 5, 0 };
	int rc;

	if ((rc = mio_poll_new(&poll)) < 0 || (rc = mio_events_new(4, &events)) < 0 ||
	    (rc = mio_waker_new(mio_poll_registry(poll), 7, &waker)) < 0 ||
	    (rc = mio_waker_wake(waker)) < 0) {
		fprintf(stderr, "consumer: %s\n", strerror(-rc));
		return 1;
	}
	rc = mio_poll_wait(poll, events, &limit);
	size_t n = mio_events_copy(events, 0, info, 4);
	int ok = rc == 1 && n == 1 && info[0].token == 7 && (info[0].readiness & MIO_EVENT_READABLE);
	printf("consumer (%s): libmio %s (mio.h %d.%d.%d), backend %s, waker event: %s\n", HOW,
	       mio_version(), MIO_VERSION_MAJOR, MIO_VERSION_MINOR, MIO_VERSION_PATCH, mio_backend(),
	       ok ? "ok" : "WRONG");
	mio_waker_free(waker);
	mio_events_free(events);
	mio_poll_free(poll);
	return ok ? 0 : 1;
}
