/*
 * tcp_reuseport_server.c - one Poll per core: an echo server with N
 * threads, each running its own mio_poll.
 *
 *   tcp_reuseport_server [--shared] ADDR THREADS
 *
 * Default (reuseport) mode: every thread has its own listener, made with
 * mio_tcp_socket and SO_REUSEPORT, all bound to the same address; Linux
 * spreads incoming connections over them by a hash of each connection's
 * addresses, so the threads share nothing at all: not a listener, not a
 * lock, not a cache line.  A port of 0 in ADDR is resolved by the first
 * listener and the others bind the port it got.
 *
 * --shared: one listener, and every thread registers that same fd in its
 * own poll.  That is allowed (-EEXIST is only for one fd twice in the
 * same poll), but each new connection then wakes every thread (the
 * thundering herd: epoll's EPOLLEXCLUSIVE would wake one, mio has no
 * such interest); all of them call accept, one wins, the others get
 * -EAGAIN at once.  The comparison is bench/reuseport/'s table.
 *
 * Connections are registered once, READABLE | WRITABLE, and never
 * re-registered: at each event the connection writes what it holds and
 * reads what there is, until -EAGAIN (edge-triggered readiness promises
 * no further event before that).  A connection whose peer sends faster
 * than it reads stops reading when its buffer is full and resumes on the
 * WRITABLE event that follows the send buffer draining.
 *
 * SIGINT/SIGTERM: the main thread, the only one that takes them (sigwait),
 * wakes every thread's mio_waker; each frees what it holds and prints
 * what it did; the process exits 0.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <mio.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LISTENER ((mio_token)0)
#define WAKER    ((mio_token)1)
/* Connection tokens are the struct conn's address. */

#define MAX_THREADS 256

struct conn {
	mio_tcp_stream *stream;
	size_t off, len;    /* buf[off, len) read but not yet echoed */
	bool eof;           /* the peer shut its side: close once flushed */
	struct conn *next, *prev;
	char buf[16384];
};

struct worker {
	int id;
	pthread_t thread;
	mio_tcp_listener *listener;  /* own (reuseport) or shared */
	mio_poll *poll;
	mio_events *events;
	mio_waker *waker;
	struct conn *conns;
	unsigned long accepted, closed;
	unsigned long long bytes;
	int error;                   /* first fatal error, or 0 */
};

static void conn_close(struct worker *w, struct conn *c)
{
	/* Freeing the stream closes its fd, which takes it out of the poll. */
	mio_tcp_stream_free(c->stream);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
	w->closed++;
}

/*
 * One readiness event on a connection: echo until the kernel says
 * -EAGAIN on the side that stops us.  Returns false when the connection
 * is done (peer gone and everything flushed, or an error).
 */
static bool conn_ready(struct worker *w, struct conn *c)
{
	for (;;) {
		bool blocked = false;
		while (c->off < c->len) {
			ssize_t n = mio_tcp_stream_write(c->stream, c->buf + c->off, c->len - c->off);
			if (n == -EAGAIN) {
				blocked = true;  /* a WRITABLE event will come */
				break;
			}
			if (n < 0)
				return false;    /* -EPIPE, -ECONNRESET: peer gone */
			c->off += (size_t)n;
			w->bytes += (unsigned long long)n;
		}
		if (c->off == c->len)
			c->off = c->len = 0;
		if (c->eof)
			return blocked;          /* close once flushed */
		if (c->len == sizeof(c->buf))
			return true;             /* full and blocked: wait for WRITABLE */
		ssize_t n = mio_tcp_stream_read(c->stream, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n == -EAGAIN)
			return true;             /* drained: a READABLE event will come */
		if (n < 0)
			return false;
		if (n == 0)
			c->eof = true;
		c->len += (size_t)n;
	}
}

static void accept_all(struct worker *w)
{
	mio_registry *r = mio_poll_registry(w->poll);
	for (;;) {
		mio_tcp_stream *s;
		int rc = mio_tcp_listener_accept(w->listener, &s, NULL, NULL);
		if (rc == -EAGAIN)
			return;  /* in --shared mode, often: another thread won */
		if (rc < 0) {
			/* -EMFILE, -ECONNABORTED: not fatal, keep serving. */
			fprintf(stderr, "thread %d: accept: %s\n", w->id, strerror(-rc));
			return;
		}
		struct conn *c = malloc(sizeof(*c));
		if (c == NULL) {
			mio_tcp_stream_free(s);
			continue;
		}
		c->stream = s;
		c->off = c->len = 0;
		c->eof = false;
		mio_tcp_stream_set_nodelay(s, true);
		/* Once, for both directions: never re-registered. */
		rc = mio_registry_register(r, mio_tcp_stream_fd(s), (mio_token)c,
					   MIO_READABLE | MIO_WRITABLE);
		if (rc < 0) {
			fprintf(stderr, "thread %d: register: %s\n", w->id, strerror(-rc));
			mio_tcp_stream_free(s);
			free(c);
			continue;
		}
		c->prev = NULL;
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
		w->accepted++;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		int n = mio_poll_wait(w->poll, w->events, NULL);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			w->error = -n;
			break;
		}
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(w->events, (size_t)i);
			mio_token t = mio_event_token(e);
			if (t == WAKER)
				goto done;
			if (t == LISTENER) {
				accept_all(w);
				continue;
			}
			struct conn *c = (struct conn *)t;
			if (!conn_ready(w, c))
				conn_close(w, c);
		}
	}
done:
	while (w->conns)
		conn_close(w, w->conns);
	return NULL;
}

/* A listener on addr, made the TcpSocket way: options before bind. */
static int make_listener(const struct sockaddr_storage *addr, socklen_t len, bool reuseport,
			 mio_tcp_listener **out)
{
	mio_tcp_socket *s;
	int rc = addr->ss_family == AF_INET6 ? mio_tcp_socket_new_v6(&s) : mio_tcp_socket_new_v4(&s);
	if (rc < 0)
		return rc;
	if ((rc = mio_tcp_socket_set_reuseaddr(s, true)) < 0 ||
	    (reuseport && (rc = mio_tcp_socket_set_reuseport(s, true)) < 0) ||
	    (rc = mio_tcp_socket_bind(s, (const struct sockaddr *)addr, len)) < 0) {
		mio_tcp_socket_free(s);
		return rc;
	}
	/* Consumes s, also on failure. */
	return mio_tcp_socket_listen(s, 1024, out);
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp_reuseport_server [--shared] ADDR THREADS\n"
			"  e.g. tcp_reuseport_server 127.0.0.1:0 2\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool shared = false;
	int argi = 1;
	if (argi < argc && strcmp(argv[argi], "--shared") == 0) {
		shared = true;
		argi++;
	}
	if (argc - argi != 2)
		usage();
	struct sockaddr_storage addr;
	socklen_t len;
	if (mio_addr_parse(argv[argi], &addr, &len) < 0) {
		fprintf(stderr, "tcp_reuseport_server: bad address '%s'\n", argv[argi]);
		usage();
	}
	char *end;
	long nthreads = strtol(argv[argi + 1], &end, 10);
	if (*end != '\0' || nthreads < 1 || nthreads > MAX_THREADS) {
		fprintf(stderr, "tcp_reuseport_server: THREADS must be 1..%d\n", MAX_THREADS);
		usage();
	}

	/* Only the main thread takes the signals: block them before any
	 * thread exists (threads inherit the mask), then sigwait. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	static struct worker workers[MAX_THREADS];
	mio_tcp_listener *shared_listener = NULL;
	int rc;
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];
		w->id = i;
		if (shared && i > 0) {
			w->listener = shared_listener;
		} else {
			rc = make_listener(&addr, len, !shared, &w->listener);
			if (rc < 0) {
				fprintf(stderr, "listener %d: %s\n", i, strerror(-rc));
				return 1;
			}
			if (i == 0) {
				/* Port 0 resolved: the others bind the same one. */
				len = sizeof(addr);
				mio_tcp_listener_local_addr(w->listener, &addr, &len);
				shared_listener = w->listener;
			}
		}
		if ((rc = mio_poll_new(&w->poll)) < 0 ||
		    (rc = mio_events_new(256, &w->events)) < 0 ||
		    (rc = mio_waker_new(mio_poll_registry(w->poll), WAKER, &w->waker)) < 0 ||
		    (rc = mio_registry_register(mio_poll_registry(w->poll),
						mio_tcp_listener_fd(w->listener), LISTENER,
						MIO_READABLE)) < 0) {
			fprintf(stderr, "thread %d: %s\n", i, strerror(-rc));
			return 1;
		}
	}
	char text[64];
	mio_addr_format((struct sockaddr *)&addr, len, text, sizeof(text));
	printf("listening on %s\n", text);
	printf("%ld threads, %s\n", nthreads,
	       shared ? "one shared listener" : "one SO_REUSEPORT listener each");
	fflush(stdout);

	for (int i = 0; i < nthreads; i++) {
		if ((rc = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) != 0) {
			fprintf(stderr, "pthread_create: %s\n", strerror(rc));
			return 1;
		}
	}
	int sig;
	while (sigwait(&sigs, &sig) != 0)
		;
	for (int i = 0; i < nthreads; i++)
		mio_waker_wake(workers[i].waker);

	/* All joined before anything is freed: in --shared mode every
	 * thread uses the first thread's listener. */
	for (int i = 0; i < nthreads; i++)
		pthread_join(workers[i].thread, NULL);
	int status = 0;
	unsigned long total = 0;
	for (int i = 0; i < nthreads; i++) {
		struct worker *w = &workers[i];
		printf("thread %d: accepted %lu connections, closed %lu, echoed %llu bytes\n",
		       i, w->accepted, w->closed, w->bytes);
		total += w->accepted;
		if (w->error) {
			printf("thread %d: poll: %s\n", i, strerror(w->error));
			status = 1;
		}
		mio_waker_free(w->waker);
		mio_events_free(w->events);
		mio_poll_free(w->poll);
		if (!shared || i == 0)
			mio_tcp_listener_free(w->listener);
	}
	printf("shutting down after %lu connections\n", total);
	return status;
}
