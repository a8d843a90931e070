/*
 * tcp_echo.h - the event loop shared by tcp_server.c and
 * tcp_listenfd_server.c (as mio's two examples share theirs): an echo
 * server for many clients on one mio_poll.
 *
 * What it shows:
 *  - accept until -EAGAIN on each READABLE event of the listener;
 *  - read until -EAGAIN on each READABLE event of a connection (edge
 *    triggered: stopping earlier means no further event is promised);
 *  - partial writes: bytes the socket would not take are kept, the
 *    connection is re-registered for WRITABLE, and sent when it comes;
 *  - a peer that closes (read returns 0, or an error) is dropped;
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

#define LISTENER ((mio_token)0)
#define WAKER    ((mio_token)1)
/* Connection tokens are the mio_tcp_stream's own pointer (a token is a
 * uintptr_t: a pointer fits), so lookup costs nothing. */

struct conn {
	mio_tcp_stream *stream;
	char peer[64];
	char *out;          /* bytes read but not yet echoed back */
	size_t out_len, out_cap;
	bool want_write;    /* registered for WRITABLE too */
	bool eof;           /* the peer shut its side: close once flushed */
	struct conn *next, *prev;
};

static mio_waker *echo_waker;

static void echo_on_signal(int sig)
{
	(void)sig;
	mio_waker_wake(echo_waker);
}

static void echo_close(struct conn **head, mio_registry *r, struct conn *c, const char *why)
{
	printf("%s: closed (%s)\n", c->peer, why);
	mio_registry_deregister(r, mio_tcp_stream_fd(c->stream));
	mio_tcp_stream_free(c->stream);
	if (c->prev)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c->out);
	free(c);
}

/* Send what is pending; false when the connection is broken. */
static bool echo_flush(mio_registry *r, struct conn *c)
{
	size_t off = 0;
	while (off < c->out_len) {
		ssize_t n = mio_tcp_stream_write(c->stream, c->out + off, c->out_len - off);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			printf("%s: write: %s\n", c->peer, strerror((int)-n));
			return false;
		}
		printf("%s: echoed %zd bytes\n", c->peer, n);
		off += (size_t)n;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	bool want = c->out_len > 0;
	if (want != c->want_write) {
		/* Ask for WRITABLE only while bytes wait: otherwise every
		 * drained send buffer would wake the loop for nothing. */
		mio_interest i = MIO_READABLE | (want ? MIO_WRITABLE : 0);
		if (mio_registry_reregister(r, mio_tcp_stream_fd(c->stream), (mio_token)c, i) < 0)
			return false;
		c->want_write = want;
		if (want)
			printf("%s: %zu bytes kept, waiting for WRITABLE\n", c->peer, c->out_len);
	}
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

static void echo_accept(struct conn **head, mio_registry *r, mio_tcp_listener *l)
{
	for (;;) {
		mio_tcp_stream *s;
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int rc = mio_tcp_listener_accept(l, &s, &peer, &len);
		if (rc == -EAGAIN)
			return;
		if (rc < 0) {
			/* E.g. EMFILE: report it and carry on serving the
			 * connections there are. */
			printf("accept: %s\n", strerror(-rc));
			return;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (c == NULL) {
			mio_tcp_stream_free(s);
			continue;
		}
		c->stream = s;
		if (mio_addr_format((struct sockaddr *)&peer, len, c->peer, sizeof(c->peer)) < 0)
			strcpy(c->peer, "?");
		if (mio_registry_register(r, mio_tcp_stream_fd(s), (mio_token)c, MIO_READABLE) < 0) {
			mio_tcp_stream_free(s);
			free(c);
			continue;
		}
		c->next = *head;
		if (*head)
			(*head)->prev = c;
		*head = c;
		printf("%s: accepted\n", c->peer);
	}
}

/* Runs until SIGINT/SIGTERM; takes ownership of the listener. */
static int echo_serve(mio_tcp_listener *l)
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
	fflush(stdout);

	struct conn *conns = NULL;
	bool running = true;
	while (running) {
		int n = mio_poll_wait(poll, events, NULL);
		if (n == -EINTR)
			continue;  /* the signal's wake is in the next wait */
		if (n < 0) {
			fprintf(stderr, "poll: %s\n", strerror(-n));
			break;
		}
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
				bool ok = true;
				if (!c->eof && (mio_event_is_readable(e) || mio_event_is_read_closed(e)))
					ok = echo_read(c);
				/* Echo what was read even when the peer has
				 * half-closed: it may still be reading. */
				if (ok && !echo_flush(r, c))
					ok = false;
				if (!ok)
					echo_close(&conns, r, c, "error");
				else if (c->eof && c->out_len == 0)
					echo_close(&conns, r, c, "peer closed, all echoed");
			}
		}
		fflush(stdout);
	}
	printf("shutting down\n");
	while (conns)
		echo_close(&conns, r, conns, "server exit");
	mio_waker_free(echo_waker);
	mio_tcp_listener_free(l);
	mio_events_free(events);
	mio_poll_free(poll);
	fflush(stdout);
	return 0;
}

#endif
