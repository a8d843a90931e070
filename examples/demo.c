/*
 * demo.c - libmio in one program you can watch.
 *
 * One process, one mio_poll: a TCP echo server on 127.0.0.1 (port 0: the
 * kernel picks one) and a few clients that connect to it without
 * blocking.  A timer thread ticks a mio_waker; on each tick every client
 * sends its next message, and the server echoes it back.  Once every byte
 * sent has come back the timer is told, its last wake says "finish", and
 * the demo exits 0 (1 after a 10 s safety limit).
 *
 * Every poll and every event (token, readable / writable / closed) is
 * printed, with the bytes sent and echoed.  Things to notice:
 *  - a client's first event is WRITABLE: that is its non-blocking
 *    connect completing, checked with mio_tcp_stream_take_error;
 *  - reads go on until -EAGAIN (readiness is edge-triggered);
 *  - the waker's event comes from another thread, through the same poll:
 *    libmio has no timers, so a timer is a thread that sleeps and calls
 *    mio_waker_wake (or a timerfd, or the wait's own timeout: mio(7),
 *    TIME); the legend printed first says what each token is;
 *  - every TCP stream gets mio_tcp_stream_set_nodelay: a request/response
 *    program that writes a reply in pieces otherwise waits 40 ms for the
 *    peer's delayed ACK (Nagle's algorithm; mio(7), EXAMPLES);
 *  - when the clients close, the server's side of each sees READ_CLOSED.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mio.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_CLIENTS 3
#define N_MSGS    3
#define TICK_MS   250

/* Tokens: what each event is about. */
enum { LISTENER = 1, WAKER = 2, CLIENT0 = 100, SERVER0 = 200 };

struct client {
	mio_tcp_stream *s;
	bool connected;
	int sent_msgs;
	size_t sent, echoed;
};

struct server_conn {
	mio_tcp_stream *s;
	char pending[256];   /* echo bytes the socket did not take yet */
	size_t pending_len;
	bool closed;
};

static atomic_bool all_echoed;  /* main -> timer */
static atomic_bool finish;      /* timer -> main, read on a waker event */

static void *timer_main(void *arg)
{
	mio_waker *w = arg;
	struct timespec tick = { 0, TICK_MS * 1000000L };
	while (!atomic_load(&all_echoed)) {
		nanosleep(&tick, NULL);
		mio_waker_wake(w);
	}
	/* Set before the wake: the event it causes finds it set. */
	atomic_store(&finish, true);
	mio_waker_wake(w);
	return NULL;
}

static const char *token_name(mio_token t, char *buf, size_t len)
{
	if (t == LISTENER)
		snprintf(buf, len, "listener");
	else if (t == WAKER)
		snprintf(buf, len, "waker");
	else if (t >= SERVER0)
		snprintf(buf, len, "server-conn-%u", (unsigned)(t - SERVER0));
	else
		snprintf(buf, len, "client-%u", (unsigned)(t - CLIENT0));
	return buf;
}

static void print_event(const mio_event *e)
{
	char name[32];
	printf("  event %-14s%s%s%s%s%s\n", token_name(mio_event_token(e), name, sizeof(name)),
	       mio_event_is_readable(e) ? " readable" : "",
	       mio_event_is_writable(e) ? " writable" : "",
	       mio_event_is_read_closed(e) ? " read-closed" : "",
	       mio_event_is_write_closed(e) ? " write-closed" : "",
	       mio_event_is_error(e) ? " error" : "");
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static void client_send(struct client *c, int i)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "hello #%d from client %d", c->sent_msgs + 1, i);
	ssize_t n = mio_tcp_stream_write(c->s, msg, (size_t)len);
	/* A few bytes into an empty socket buffer always fit; a real
	 * program keeps the rest as the server below does. */
	if (n != len)
		fail("client write", n < 0 ? (int)n : -EIO);
	c->sent += (size_t)n;
	c->sent_msgs++;
	printf("  client-%d sent %zd bytes: \"%s\"\n", i, n, msg);
}

static void client_read(struct client *c, int i)
{
	char buf[256];
	ssize_t n;
	while ((n = mio_tcp_stream_read(c->s, buf, sizeof(buf))) > 0) {
		c->echoed += (size_t)n;
		printf("  client-%d got %zd bytes back: \"%.*s\"\n", i, n, (int)n, buf);
	}
	if (n != -EAGAIN)
		fail("client read", n == 0 ? -ECONNRESET : (int)n);
}

/* Read until -EAGAIN and write it all back; keep what does not fit. */
static void server_echo(struct server_conn *sc, int i)
{
	char buf[256];
	for (;;) {
		if (sc->pending_len > 0) {
			ssize_t w = mio_tcp_stream_write(sc->s, sc->pending, sc->pending_len);
			if (w == -EAGAIN)
				return;  /* a WRITABLE event will come */
			if (w < 0)
				fail("server write", (int)w);
			memmove(sc->pending, sc->pending + w, sc->pending_len - (size_t)w);
			sc->pending_len -= (size_t)w;
			printf("  server-conn-%d echoed %zd bytes\n", i, w);
			continue;
		}
		ssize_t n = mio_tcp_stream_read(sc->s, buf, sizeof(sc->pending));
		if (n == -EAGAIN)
			return;
		if (n == 0) {
			printf("  server-conn-%d: client closed\n", i);
			sc->closed = true;
			return;
		}
		if (n < 0)
			fail("server read", (int)n);
		memcpy(sc->pending, buf, (size_t)n);
		sc->pending_len = (size_t)n;
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	mio_poll *poll;
	mio_events *events;
	int rc;
	if ((rc = mio_poll_new(&poll)) < 0 || (rc = mio_events_new(64, &events)) < 0)
		fail("poll", rc);
	mio_registry *r = mio_poll_registry(poll);
	printf("libmio %s, backend %s\n", mio_version(), mio_backend());
	printf("Each event names its token:\n"
	       "  listener       the server's listening socket: readable = a client to accept\n"
	       "  server-conn-N  the server's end of connection N: readable = bytes to echo\n"
	       "  client-N       client N's socket: writable first = connected, then\n"
	       "                 readable = the echo is back\n"
	       "  waker          a mio_waker: a timer thread sleeps %d ms and calls\n"
	       "                 mio_waker_wake, and the wake arrives through this same poll\n"
	       "                 as a readable event (libmio has no timers of its own); on\n"
	       "                 each one, every client sends its next message, and the\n"
	       "                 last one says finish\n", TICK_MS);

	struct sockaddr_storage addr;
	socklen_t len;
	mio_addr_parse("127.0.0.1:0", &addr, &len);
	mio_tcp_listener *l;
	if ((rc = mio_tcp_listener_bind((struct sockaddr *)&addr, len, &l)) < 0)
		fail("bind", rc);
	len = sizeof(addr);
	mio_tcp_listener_local_addr(l, &addr, &len);
	char text[64];
	mio_addr_format((struct sockaddr *)&addr, len, text, sizeof(text));
	printf("server listening on %s\n", text);
	if ((rc = mio_registry_register(r, mio_tcp_listener_fd(l), LISTENER, MIO_READABLE)) < 0)
		fail("register listener", rc);

	struct client clients[N_CLIENTS];
	memset(clients, 0, sizeof(clients));
	for (int i = 0; i < N_CLIENTS; i++) {
		if ((rc = mio_tcp_stream_connect((struct sockaddr *)&addr, len, &clients[i].s)) < 0)
			fail("connect", rc);
		/* Small request/response messages: no Nagle delay (mio(7)). */
		mio_tcp_stream_set_nodelay(clients[i].s, true);
		rc = mio_registry_register(r, mio_tcp_stream_fd(clients[i].s), CLIENT0 + i,
					   MIO_READABLE | MIO_WRITABLE);
		if (rc < 0)
			fail("register client", rc);
		printf("client-%d connecting (non-blocking)\n", i);
	}
	struct server_conn conns[N_CLIENTS];
	memset(conns, 0, sizeof(conns));
	int n_conns = 0;

	mio_waker *waker;
	if ((rc = mio_waker_new(r, WAKER, &waker)) < 0)
		fail("waker", rc);
	pthread_t timer;
	if (pthread_create(&timer, NULL, timer_main, waker) != 0)
		fail("timer thread", -EAGAIN);

	bool done = false;
	int polls = 0;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done) {
		struct timespec limit = { 1, 0 };
		int n = mio_poll_wait(poll, events, &limit);
		if (n == -EINTR)
			continue;
		if (n < 0)
			fail("poll", n);
		printf("poll #%d: %d event%s\n", ++polls, n, n == 1 ? "" : "s");
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(events, (size_t)i);
			print_event(e);
			mio_token t = mio_event_token(e);
			if (t == LISTENER) {
				mio_tcp_stream *s;
				while (n_conns < N_CLIENTS &&
				       mio_tcp_listener_accept(l, &s, NULL, NULL) == 0) {
					conns[n_conns].s = s;
					mio_tcp_stream_set_nodelay(s, true);
					rc = mio_registry_register(r, mio_tcp_stream_fd(s),
								   SERVER0 + n_conns,
								   MIO_READABLE | MIO_WRITABLE);
					if (rc < 0)
						fail("register conn", rc);
					printf("  server accepted server-conn-%d\n", n_conns);
					n_conns++;
				}
			} else if (t == WAKER) {
				if (atomic_load(&finish)) {
					printf("  timer says finish (its last wake)\n");
					done = true;
					continue;
				}
				printf("  the timer thread's tick: each client sends its next message\n");
				for (int c = 0; c < N_CLIENTS; c++)
					if (clients[c].connected && clients[c].sent_msgs < N_MSGS &&
					    clients[c].echoed == clients[c].sent)
						client_send(&clients[c], c);
			} else if (t >= SERVER0) {
				server_echo(&conns[t - SERVER0], (int)(t - SERVER0));
			} else {
				int c = (int)(t - CLIENT0);
				struct client *cl = &clients[c];
				if (!cl->connected && mio_event_is_writable(e)) {
					int err = 0;
					mio_tcp_stream_take_error(cl->s, &err);
					if (err < 0)
						fail("connect", err);
					cl->connected = true;
					printf("  client-%d connected\n", c);
				}
				if (mio_event_is_readable(e))
					client_read(cl, c);
			}
		}
		if (!atomic_load(&all_echoed)) {
			bool all = true;
			for (int c = 0; c < N_CLIENTS; c++)
				if (clients[c].sent_msgs < N_MSGS || clients[c].echoed != clients[c].sent)
					all = false;
			if (all) {
				printf("  every message came back; telling the timer to finish\n");
				atomic_store(&all_echoed, true);
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 10) {
			printf("demo: gave up after 10 s\n");
			atomic_store(&all_echoed, true);  /* let the timer end */
			break;
		}
	}
	pthread_join(timer, NULL);

	/* Close the clients: the server side sees each one go. */
	size_t sent = 0, echoed = 0;
	for (int c = 0; c < N_CLIENTS; c++) {
		sent += clients[c].sent;
		echoed += clients[c].echoed;
		mio_tcp_stream_free(clients[c].s);
	}
	int closed = 0;
	for (int tries = 0; tries < 20 && closed < n_conns; tries++) {
		struct timespec limit = { 0, 100000000L };
		int n = mio_poll_wait(poll, events, &limit);
		if (n <= 0)
			continue;
		printf("poll #%d: %d event%s\n", ++polls, n, n == 1 ? "" : "s");
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(events, (size_t)i);
			print_event(e);
			mio_token t = mio_event_token(e);
			if (t >= SERVER0 && !conns[t - SERVER0].closed) {
				server_echo(&conns[t - SERVER0], (int)(t - SERVER0));
				closed += conns[t - SERVER0].closed;
			}
		}
	}
	for (int i = 0; i < n_conns; i++)
		mio_tcp_stream_free(conns[i].s);
	mio_waker_free(waker);
	mio_tcp_listener_free(l);
	mio_events_free(events);
	mio_poll_free(poll);

	bool ok = sent == echoed && sent > 0 && n_conns == N_CLIENTS;
	for (int c = 0; c < N_CLIENTS; c++)
		ok = ok && clients[c].sent_msgs == N_MSGS;
	printf("%d clients, %zu bytes sent, %zu bytes echoed, %d polls: %s\n", N_CLIENTS, sent,
	       echoed, polls, ok ? "all bytes came back" : "FAILED");
	return ok ? 0 : 1;
}
