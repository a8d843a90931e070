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
 * are the predicates', written as one constant expression so the table
 * below is made by the compiler).  check_events.c compares the result with
 * the predicates for every combination of the backend's flags.
 */
#define RDY(f)                                                                   \
	((((f) & (MIO__EV_IN | MIO__EV_PRI)) ? MIO_EVENT_READABLE : 0u) |        \
	 (((f) & MIO__EV_OUT) ? MIO_EVENT_WRITABLE : 0u) |                       \
	 (((f) & MIO__EV_PRI) ? MIO_EVENT_PRIORITY : 0u) |                       \
	 (((f) & MIO__EV_ERR) ? MIO_EVENT_ERROR : 0u) |                          \
	 ((((f) & MIO__EV_HUP) || (((f) & MIO__EV_IN) && ((f) & MIO__EV_RDHUP)))  \
		  ? MIO_EVENT_READ_CLOSED : 0u) |                                \
	 ((((f) & MIO__EV_HUP) || (((f) & MIO__EV_OUT) && ((f) & MIO__EV_ERR)) || \
	   (f) == MIO__EV_ERR) ? MIO_EVENT_WRITE_CLOSED : 0u))

/*
 * The fast path, a table lookup: on Linux the five flags that matter sit
 * in bits 0-4 (IN 0x1, PRI 0x2, OUT 0x4, ERR 0x8, HUP 0x10, the same for
 * epoll and poll) and RDHUP is 0x2000; those six bits index a 64-byte
 * table.  An event with any other bit set (POLLNVAL, EPOLLMSG, garbage)
 * takes the formula, since "ERR alone" must then be false.
 */
#define FAST_BITS 0x1fu
#ifdef __linux__
/* (EPOLLIN and friends are enum constants: checked here, not in #if.) */
_Static_assert(MIO__EV_IN == 0x1 && MIO__EV_PRI == 0x2 && MIO__EV_OUT == 0x4 &&
	       MIO__EV_ERR == 0x8 && MIO__EV_HUP == 0x10 &&
	       (MIO__EV_RDHUP == 0x2000 || MIO__EV_RDHUP == 0),
	       "event flag values differ from Linux's: the readiness table needs them");
#define HAVE_TABLE 1
#define UNPACK(i) (((i) & FAST_BITS) | (((i) & 0x20u) ? (uint32_t)MIO__EV_RDHUP : 0u))
#define T4(i) RDY(UNPACK(i)), RDY(UNPACK((i) + 1)), RDY(UNPACK((i) + 2)), RDY(UNPACK((i) + 3))
#define T16(i) T4(i), T4((i) + 4), T4((i) + 8), T4((i) + 12)
static const uint8_t readiness_table[64] = { T16(0u), T16(16u), T16(32u), T16(48u) };
#endif

/* Two steps: the common case (only bits 0-4) indexes the table with the
 * flags as they are, three instructions; RDHUP and the rest take the
 * longer way. */
static inline unsigned readiness_of(uint32_t f)
{
#ifdef HAVE_TABLE
	if (mio__likely((f & ~FAST_BITS) == 0))
		return readiness_table[f];
	if (mio__likely((f & ~(FAST_BITS | 0x2000u)) == 0))
		return readiness_table[(f & FAST_BITS) | 0x20u];
#endif
	return RDY(f);
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

/*
 * The exported copies of mio.h's two inline readers of mio_raw_event, for
 * callers that cannot use an inline function (FFIs, dlopen).  The same
 * answers, plus 0 for NULL.  The readiness is this file's (the inline one
 * is a table made from the same definitions; check_events.c compares
 * them over every flag combination).
 */
MIO_EXPORT mio_token mio_raw_event_token(const mio_raw_event *e)
{
	if (e == NULL)
		return 0;
#if defined(__x86_64__)
	return (mio_token)(((uint64_t)e->token_hi << 32) | e->token_lo);
#else
	return (mio_token)e->token;
#endif
}

MIO_EXPORT unsigned mio_raw_event_readiness(const mio_raw_event *e)
{
	return e ? readiness_of(e->flags) : 0;
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
