/*
 * tcp_echo.h - the event loop shared by tcp_server.c and
 * tcp_listenfd_server.c (as mio's two examples share theirs): an echo
 * server for many clients on one mio_poll.
 *
 * What it shows:
 *  - accept until -EAGAIN on each READABLE event of the listener; when
 *    accept fails for want of a descriptor (EMFILE, ENFILE) or memory,
 *    the client stays queued and no event comes for it: accept again
 *    after the next close (see mio(7));
 *  - each connection is registered once for READABLE | WRITABLE, the
 *    edge-triggered pattern: no reregister when the data flow turns;
 *  - read until -EAGAIN on each event of a connection (edge triggered:
 *    stopping earlier means no further event is promised);
 *  - partial writes: bytes the socket would not take are kept, and sent
 *    on the WRITABLE event that follows;
 *  - a peer that closes (read returns 0, or an error) is dropped;
 *  - idle connections are closed after ECHO_IDLE_TIMEOUT seconds
 *    (environment, or tcp_server's -t; unset or 0: never).  The
 *    connections are kept in a list sorted by deadline (all have the
 *    same timeout, so activity moves one to the tail), and the wait's
 *    timeout is the first deadline: no timer descriptor at all;
 *  - SIGINT/SIGTERM wake the loop through a mio_waker (wake is
 *    async-signal-safe), so the server frees everything and exits 0.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TCP_ECHO_H
#define TCP_ECHO_H

#include <mio.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LISTENER ((mio_token)0)
#define WAKER    ((mio_token)1)
/* Connection tokens are the mio_tcp_stream's own pointer (a token is a
 * uintptr_t: a pointer fits), so lookup costs nothing. */

struct conn {
	mio_tcp_stream *stream;
	char peer[64];
	char *out;          /* bytes read but not yet echoed back */
	size_t out_len, out_cap;
	bool stalled;       /* a write said -EAGAIN: WRITABLE will come */
	bool eof;           /* the peer shut its side: close once flushed */
	int64_t deadline;   /* ms, CLOCK_MONOTONIC; closed when idle past it */
	struct conn *next, *prev;  /* sorted by deadline, oldest first */
};

/* The open connections, sorted by deadline. */
struct conns {
	struct conn *first, *last;
	int64_t idle_ms;           /* 0: no idle timeout */
	bool accept_blocked;       /* accept failed: retry after a close */
};

static mio_waker *echo_waker;

static int64_t echo_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void echo_unlink(struct conns *l, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->first = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->last = c->prev;
	c->next = c->prev = NULL;
}

/* Every connection has the same timeout: the newest deadline is the
 * latest, so appending keeps the list sorted (O(1)). */
static void echo_touch(struct conns *l, struct conn *c, bool linked)
{
	if (linked)
		echo_unlink(l, c);
	c->deadline = echo_now_ms() + l->idle_ms;
	c->prev = l->last;
	if (l->last)
		l->last->next = c;
	else
		l->first = c;
	l->last = c;
}

/* ECHO_IDLE_TIMEOUT, seconds (fractions allowed); -1 if it is bad. */
static int64_t echo_idle_ms(const char *text)
{
	if (text == NULL || *text == '\0')
		return 0;
	char *end;
	double s = strtod(text, &end);
	if (*end != '\0' || !(s >= 0) || s > 86400 * 365)
		return -1;
	return (int64_t)(s * 1000 + 0.5);
}

static void echo_on_signal(int sig)
{
	(void)sig;
	mio_waker_wake(echo_waker);
}

static void echo_close(struct conns *l, mio_registry *r, struct conn *c, const char *why)
{
	printf("%s: closed (%s)\n", c->peer, why);
	mio_registry_deregister(r, mio_tcp_stream_fd(c->stream));
	mio_tcp_stream_free(c->stream);
	echo_unlink(l, c);
	free(c->out);
	free(c);
}

/* Send what is pending; false when the connection is broken. */
static bool echo_flush(struct conn *c)
{
	size_t off = 0;
	bool stalled = false;
	while (off < c->out_len) {
		ssize_t n = mio_tcp_stream_write(c->stream, c->out + off, c->out_len - off);
		if (n == -EAGAIN) {
			stalled = true;
			break;
		}
		if (n < 0) {
			printf("%s: write: %s\n", c->peer, strerror((int)-n));
			return false;
		}
		printf("%s: echoed %zd bytes\n", c->peer, n);
		off += (size_t)n;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	/* Registered for WRITABLE from the start: the -EAGAIN promises the
	 * event that sends the rest, with no reregister. */
	if (stalled && !c->stalled)
		printf("%s: %zu bytes kept, waiting for WRITABLE\n", c->peer, c->out_len);
	c->stalled = stalled;
	return true;
}

/* Read until -EAGAIN or end of stream; false on an error. */
static bool echo_read(struct conn *c)
{
	for (;;) {
		if (c->out_cap - c->out_len < 4096) {
			size_t cap = c->out_cap ? c->out_cap * 2 : 8192;
			char *p = realloc(c->out, cap);
			if (p == NULL)
				return false;
			c->out = p;
			c->out_cap = cap;
		}
		ssize_t n = mio_tcp_stream_read(c->stream, c->out + c->out_len, c->out_cap - c->out_len);
		if (n == -EAGAIN)
			return true;
		if (n == 0) {
			printf("%s: end of stream\n", c->peer);
			c->eof = true;
			return true;
		}
		if (n < 0) {
			printf("%s: read: %s\n", c->peer, strerror((int)-n));
			return false;
		}
		printf("%s: read %zd bytes\n", c->peer, n);
		c->out_len += (size_t)n;
	}
}

static void echo_accept(struct conns *cl, mio_registry *r, mio_tcp_listener *l)
{
	cl->accept_blocked = false;
	for (;;) {
		mio_tcp_stream *s;
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int rc = mio_tcp_listener_accept(l, &s, &peer, &len);
		if (rc == -EAGAIN)
			return;
		if (rc == -ECONNABORTED)
			continue;  /* that client gave up: the next one */
		if (rc < 0) {
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: the client stays
			 * queued and its event has been used.  Carry on
			 * serving the connections there are, and accept
			 * again after the next close. */
			printf("accept: %s (retried after a close)\n", strerror(-rc));
			cl->accept_blocked = true;
			return;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (c == NULL) {
			mio_tcp_stream_free(s);
			cl->accept_blocked = true;
			return;
		}
		c->stream = s;
		/* Echoes are small writes answered by the peer: without
		 * TCP_NODELAY, Nagle's algorithm holds the second of two small
		 * writes until the first is acknowledged, and the peer's
		 * delayed ACK makes that up to 40 ms (mio(7), EXAMPLES). */
		(void)mio_tcp_stream_set_nodelay(s, true);
		if (mio_addr_format((struct sockaddr *)&peer, len, c->peer, sizeof(c->peer)) < 0)
			strcpy(c->peer, "?");
		/* Once, for both directions: see mio(7). */
		if (mio_registry_register(r, mio_tcp_stream_fd(s), (mio_token)c,
					  MIO_READABLE | MIO_WRITABLE) < 0) {
			mio_tcp_stream_free(s);
			free(c);
			continue;
		}
		echo_touch(cl, c, false);
		printf("%s: accepted\n", c->peer);
	}
}

/* Runs until SIGINT/SIGTERM; takes ownership of the listener.  idle_ms:
 * close connections idle that long (0: never). */
static int echo_serve(mio_tcp_listener *l, int64_t idle_ms)
{
	mio_poll *poll;
	mio_events *events;
	int rc = mio_poll_new(&poll);
	if (rc < 0 || (rc = mio_events_new(128, &events)) < 0) {
		fprintf(stderr, "poll: %s\n", strerror(-rc));
		return 1;
	}
	mio_registry *r = mio_poll_registry(poll);
	if ((rc = mio_registry_register(r, mio_tcp_listener_fd(l), LISTENER, MIO_READABLE)) < 0 ||
	    (rc = mio_waker_new(r, WAKER, &echo_waker)) < 0) {
		fprintf(stderr, "register: %s\n", strerror(-rc));
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = echo_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	char text[64];
	mio_tcp_listener_local_addr(l, &addr, &len);
	mio_addr_format((struct sockaddr *)&addr, len, text, sizeof(text));
	printf("listening on %s\n", text);
	if (idle_ms > 0)
		printf("idle timeout %lld ms\n", (long long)idle_ms);
	fflush(stdout);

	struct conns conns = { .idle_ms = idle_ms };
	bool running = true;
	while (running) {
		/* The wait ends at the first deadline (mio_poll_wait rounds it
		 * up to a whole millisecond: never early). */
		struct timespec ts, *timeout = NULL;
		if (idle_ms > 0 && conns.first != NULL) {
			int64_t left = conns.first->deadline - echo_now_ms();
			if (left < 0)
				left = 0;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			timeout = &ts;
		}
		int n = mio_poll_wait(poll, events, timeout);
		if (n == -EINTR)
			continue;  /* the signal's wake is in the next wait */
		if (n < 0) {
			fprintf(stderr, "poll: %s\n", strerror(-n));
			break;
		}
		bool closed_any = false;
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(events, (size_t)i);
			mio_token t = mio_event_token(e);
			if (t == WAKER) {
				running = false;
			} else if (t == LISTENER) {
				echo_accept(&conns, r, l);
			} else {
				/* Events of one wait never name a connection
				 * closed earlier in that same batch: each is
				 * closed only while handling its own event. */
				struct conn *c = (struct conn *)t;
				size_t before = c->out_len;
				bool ok = true;
				/* Registered for both: an event may say only
				 * writable, and reading costs one -EAGAIN. */
				if (!c->eof)
					ok = echo_read(c);
				bool got = c->out_len != before || c->eof;
				before = c->out_len;
				/* Echo what was read even when the peer has
				 * half-closed: it may still be reading. */
				if (ok && !echo_flush(c))
					ok = false;
				if (!ok) {
					echo_close(&conns, r, c, "error");
					closed_any = true;
				} else if (c->eof && c->out_len == 0) {
					echo_close(&conns, r, c, "peer closed, all echoed");
					closed_any = true;
				} else if (got || c->out_len != before) {
					echo_touch(&conns, c, true);  /* activity */
				}
			}
		}
		/* Idle connections, from the front of the sorted list. */
		if (idle_ms > 0) {
			int64_t now = echo_now_ms();
			while (conns.first != NULL && conns.first->deadline <= now) {
				echo_close(&conns, r, conns.first, "idle");
				closed_any = true;
			}
		}
		/* A descriptor is free again: the clients that accept left
		 * queued are served now. */
		if (closed_any && conns.accept_blocked)
			echo_accept(&conns, r, l);
		fflush(stdout);
	}
	printf("shutting down\n");
	while (conns.first)
		echo_close(&conns, r, conns.first, "server exit");
	mio_waker_free(echo_waker);
	mio_tcp_listener_free(l);
	mio_events_free(events);
	mio_poll_free(poll);
	fflush(stdout);
	return 0;
}

#endif
