/*
 * events.c - mio_events (the buffer a wait fills) and mio_event (one
 * record in it).  The predicates follow Rust mio's epoll mapping
 * (src/sys/unix/selector/epoll.rs) bit for bit.
 *
 * SPDX-License-Identifier: MIT
 */
#include "mio-private.h"

#include <limits.h>
#include <stdlib.h>

MIO_EXPORT int mio_events_new(size_t capacity, mio_events **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	mio__check(capacity >= 1, -EINVAL);
	if (capacity > (SIZE_MAX - sizeof(mio_events)) / sizeof(mio__raw_event))
		return -ENOMEM;

	mio_events *ev = malloc(sizeof(*ev) + capacity * sizeof(mio__raw_event));
	if (ev == NULL)
		return -ENOMEM;
	ev->len = 0;
	ev->capacity = capacity;
	/* A wait stores at most MIO__WAIT_MAX: more would make every
	 * epoll_wait fail.  Computed here so the wait costs nothing. */
	ev->max = capacity > MIO__WAIT_MAX ? (int)MIO__WAIT_MAX : (int)capacity;
	*out = ev;
	return 0;
}

MIO_EXPORT void mio_events_free(mio_events *events)
{
	free(events);
}

MIO_EXPORT size_t mio_events_capacity(const mio_events *events)
{
	return events ? events->capacity : 0;
}

MIO_EXPORT size_t mio_events_len(const mio_events *events)
{
	return events ? events->len : 0;
}

MIO_EXPORT bool mio_events_is_empty(const mio_events *events)
{
	return events == NULL || events->len == 0;
}

MIO_EXPORT void mio_events_clear(mio_events *events)
{
	if (events)
		events->len = 0;
}

MIO_EXPORT const mio_event *mio_events_get(const mio_events *events, size_t index)
{
	if (mio__unlikely(events == NULL || index >= events->len))
		return NULL;
	return (const mio_event *)&events->buf[index];
}

/* A NULL event is no event: every predicate is false, the token 0. */
static inline uint32_t flags_of(const mio_event *e)
{
	return e ? mio__raw_flags((const mio__raw_event *)e) : 0;
}

/*
 * All the predicates below at once, as MIO_EVENT_* bits (the definitions
 * are the predicates', repeated here without branches so one event costs
 * a few ALU instructions).  check_events.c compares the two for every
 * combination of the backend's flags.
 */
static inline unsigned readiness_of(uint32_t f)
{
	unsigned in = (f & MIO__EV_IN) != 0, out = (f & MIO__EV_OUT) != 0;
	unsigned pri = (f & MIO__EV_PRI) != 0, err = (f & MIO__EV_ERR) != 0;
	unsigned hup = (f & MIO__EV_HUP) != 0, rdhup = (f & MIO__EV_RDHUP) != 0;

	return ((in | pri) * MIO_EVENT_READABLE) |
	       (out * MIO_EVENT_WRITABLE) |
	       (pri * MIO_EVENT_PRIORITY) |
	       (err * MIO_EVENT_ERROR) |
	       ((hup | (in & rdhup)) * MIO_EVENT_READ_CLOSED) |
	       ((hup | (out & err) | (f == MIO__EV_ERR)) * MIO_EVENT_WRITE_CLOSED);
}

MIO_EXPORT unsigned mio_event_readiness(const mio_event *e)
{
	return readiness_of(flags_of(e));
}

/* The loop a user would write with mio_events_get + the predicates, in one
 * call: the point is one crossing of the shared-library boundary per
 * batch instead of three or more per event. */
MIO_EXPORT size_t mio_events_copy(const mio_events *events, size_t first,
				  mio_event_info *out, size_t n)
{
	if (mio__unlikely(events == NULL || out == NULL || first >= events->len))
		return 0;
	size_t avail = events->len - first;
	if (n > avail)
		n = avail;
	const mio__raw_event *raw = &events->buf[first];
	for (size_t i = 0; i < n; i++) {
		out[i].token = mio__raw_token(&raw[i]);
		out[i].readiness = readiness_of(mio__raw_flags(&raw[i]));
	}
	return n;
}

MIO_EXPORT mio_token mio_event_token(const mio_event *e)
{
	return e ? mio__raw_token((const mio__raw_event *)e) : 0;
}

MIO_EXPORT bool mio_event_is_readable(const mio_event *e)
{
	return (flags_of(e) & (MIO__EV_IN | MIO__EV_PRI)) != 0;
}

MIO_EXPORT bool mio_event_is_writable(const mio_event *e)
{
	return (flags_of(e) & MIO__EV_OUT) != 0;
}

MIO_EXPORT bool mio_event_is_error(const mio_event *e)
{
	return (flags_of(e) & MIO__EV_ERR) != 0;
}

/* HUP, or IN together with RDHUP: the peer will send nothing more. */
MIO_EXPORT bool mio_event_is_read_closed(const mio_event *e)
{
	uint32_t f = flags_of(e);
	return (f & MIO__EV_HUP) != 0 ||
	       ((f & MIO__EV_IN) != 0 && (f & MIO__EV_RDHUP) != 0);
}

/* HUP, or OUT with ERR, or ERR alone (a pipe whose reader is gone). */
MIO_EXPORT bool mio_event_is_write_closed(const mio_event *e)
{
	uint32_t f = flags_of(e);
	return (f & MIO__EV_HUP) != 0 ||
	       ((f & MIO__EV_OUT) != 0 && (f & MIO__EV_ERR) != 0) ||
	       f == MIO__EV_ERR;
}

MIO_EXPORT bool mio_event_is_priority(const mio_event *e)
{
	return (flags_of(e) & MIO__EV_PRI) != 0;
}

/* Linux has no AIO/LIO readiness (those are kqueue's EVFILT_AIO/LIO). */
MIO_EXPORT bool mio_event_is_aio(const mio_event *e)
{
	(void)e;
	return false;
}

MIO_EXPORT bool mio_event_is_lio(const mio_event *e)
{
	(void)e;
	return false;
}
