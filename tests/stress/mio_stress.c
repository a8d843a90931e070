/*
 * mio_stress.c - a bounded soak test: one poll serving thousands of
 * connections at once, every byte echoed back and checked.
 *
 *   mio_stress [--tcp N] [--unix N] [--seconds S]    (default 8000, 1000, 55)
 *   mio_stress --emfile                               (accept at the fd limit)
 *
 * The server (this process) is an edge-triggered echo server on one
 * mio_poll: a TCP listener on 127.0.0.1 and a Unix listener in a fresh
 * directory.  The clients run in a forked child with a poll of their own
 * (the fd limit is per process: 20,000 here; both raise their soft limit
 * to the hard one).  The child first opens every connection and keeps
 * them all open until the server says it holds them all; then each sends
 * a random-sized payload (bytes derived from a per-connection seed), and
 * either half-closes (shutdown SHUT_WR) and reads the echo until EOF,
 * checking every byte against what it sent, or - about one in twenty -
 * hangs up abruptly halfway.  At the end the server's fd count and heap
 * in use (mallinfo2) must be back where they were before it started.
 *
 * --emfile runs the server with RLIMIT_NOFILE a few fds above what it
 * has open, and more clients than fit: accept fails with EMFILE, the
 * server stops accepting, and retries each time it closes a connection
 * (the listener will not report a new edge for connections already
 * queued).  Every client must still be served.
 *
 * Exits 0 and prints the figures, or prints what failed and exits 1.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mio.h"

#define DIE(...)                                                        \
	do {                                                            \
		fprintf(stderr, "mio_stress[%d]: ", (int)getpid());     \
		fprintf(stderr, __VA_ARGS__);                           \
		fputc('\n', stderr);                                    \
		exit(1);                                                \
	} while (0)
#define OK(call)                                                                \
	do {                                                                    \
		long long _r = (long long)(call);                               \
		if (_r < 0)                                                     \
			DIE("%s: %s (line %d)", #call, strerror((int)-_r), __LINE__); \
	} while (0)

enum { T_TCP_L = 1, T_UNIX_L = 2, T_CTL = 3 };

static unsigned char iobuf[65536];

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		DIE("opendir /proc/self/fd: %s", strerror(errno));
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The payload byte at position i of connection seed s. */
static inline unsigned char payload(uint32_t s, uint64_t i)
{
	uint64_t x = (uint64_t)s * 0x9e3779b97f4a7c15ull + (i >> 3) * 0xbf58476d1ce4e5b9ull;
	x ^= x >> 31;
	x *= 0x94d049bb133111ebull;
	return (unsigned char)(x >> (8 * (i & 7)));
}

static uint32_t rng_state = 0x12345678u;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* A stream of either kind, behind two function pointers' worth of switch. */
struct stream {
	bool is_unix;
	union {
		mio_tcp_stream *t;
		mio_unix_stream *u;
	};
};

static ssize_t s_read(struct stream *s, void *b, size_t n)
{
	return s->is_unix ? mio_unix_stream_read(s->u, b, n) : mio_tcp_stream_read(s->t, b, n);
}

static ssize_t s_write(struct stream *s, const void *b, size_t n)
{
	return s->is_unix ? mio_unix_stream_write(s->u, b, n) : mio_tcp_stream_write(s->t, b, n);
}

static int s_fd(struct stream *s)
{
	return s->is_unix ? mio_unix_stream_fd(s->u) : mio_tcp_stream_fd(s->t);
}

static int s_shutdown(struct stream *s, int how)
{
	return s->is_unix ? mio_unix_stream_shutdown(s->u, how) : mio_tcp_stream_shutdown(s->t, how);
}

static void s_free(struct stream *s)
{
	if (s->is_unix)
		mio_unix_stream_free(s->u);
	else
		mio_tcp_stream_free(s->t);
}

/* ------------------------------------------------------------------ */
/* Server                                                              */
/* ------------------------------------------------------------------ */

struct sconn {
	struct stream s;
	unsigned char *pending;  /* echo not yet written */
	size_t len, off;
	bool eof;
};

struct server {
	mio_poll *p;
	mio_events *ev;
	mio_tcp_listener *tl;
	mio_unix_listener *ul;
	long live, peak, accepted, emfile, closed;
	uint64_t bytes;
	bool tcp_blocked, unix_blocked;  /* accept hit the fd limit */
};

static void sconn_close(struct server *S, struct sconn *c)
{
	s_free(&c->s);
	free(c->pending);
	free(c);
	S->live--;
	S->closed++;
}

/* Echo until the kernel says EAGAIN; true if the connection is done. */
static bool sconn_run(struct server *S, struct sconn *c)
{
	for (;;) {
		if (c->pending != NULL) {
			ssize_t n = s_write(&c->s, c->pending + c->off, c->len - c->off);
			if (n == -EAGAIN)
				return false;
			if (n < 0)
				return true;  /* the client hung up */
			c->off += (size_t)n;
			if (c->off < c->len)
				continue;
			free(c->pending);
			c->pending = NULL;
		}
		if (c->eof)
			return true;  /* echoed everything: closing sends our FIN */
		ssize_t n = s_read(&c->s, iobuf, sizeof(iobuf));
		if (n == -EAGAIN)
			return false;
		if (n < 0)
			return true;  /* ECONNRESET: an abrupt client */
		if (n == 0) {
			c->eof = true;
			continue;
		}
		S->bytes += (uint64_t)n;
		ssize_t w = s_write(&c->s, iobuf, (size_t)n);
		if (w == -EAGAIN)
			w = 0;
		if (w < 0)
			return true;
		if (w < n) {
			c->len = (size_t)(n - w);
			c->off = 0;
			c->pending = malloc(c->len);
			if (c->pending == NULL)
				DIE("out of memory");
			memcpy(c->pending, iobuf + w, c->len);
		}
	}
}

/* Accepts until EAGAIN, or EMFILE/ENFILE (then waits for a close). */
static void server_accept(struct server *S, bool is_unix)
{
	for (;;) {
		struct stream s = { .is_unix = is_unix };
		int rc = is_unix ? mio_unix_listener_accept(S->ul, &s.u, NULL, NULL)
				 : mio_tcp_listener_accept(S->tl, &s.t, NULL, NULL);
		if (rc == -EAGAIN || rc == -ECONNABORTED) {
			if (rc == -EAGAIN)
				break;
			continue;
		}
		if (rc == -EMFILE || rc == -ENFILE || rc == -ENOBUFS || rc == -ENOMEM) {
			S->emfile++;
			*(is_unix ? &S->unix_blocked : &S->tcp_blocked) = true;
			break;
		}
		OK(rc);
		struct sconn *c = calloc(1, sizeof(*c));
		if (c == NULL)
			DIE("out of memory");
		c->s = s;
		OK(mio_registry_register(mio_poll_registry(S->p), s_fd(&c->s), (mio_token)c,
					 MIO_READABLE | MIO_WRITABLE));
		S->accepted++;
		if (++S->live > S->peak)
			S->peak = S->live;
		/* Data may have arrived before the registration: the
		 * registration reports it, so nothing to do here. */
	}
}

/* ------------------------------------------------------------------ */
/* Clients                                                             */
/* ------------------------------------------------------------------ */

enum cstate { C_CONNECTING, C_HELD, C_SENDING, C_RECEIVING, C_DONE };

struct cconn {
	struct stream s;
	enum cstate st;
	uint32_t seed;
	uint64_t size, sent, recvd, abort_at;
	bool abrupt;
};

struct result {
	long done, abrupt;
	uint64_t bytes_checked;
	uint32_t checksum;
	char error[200];
};

static void client_fail(struct result *r, const char *msg, long i)
{
	if (r->error[0] == '\0')
		snprintf(r->error, sizeof(r->error), "connection %ld: %s", i, msg);
}

/* Sends, half-closes or hangs up, and checks the echo; true when done. */
static bool cconn_run(struct cconn *c, long i, struct result *r)
{
	while (c->st == C_SENDING) {
		uint64_t stop = c->abrupt ? c->abort_at : c->size;
		if (c->sent == stop) {
			if (c->abrupt) {
				r->abrupt++;
				return true;
			}
			OK(s_shutdown(&c->s, SHUT_WR));
			c->st = C_RECEIVING;
			break;
		}
		size_t n = (size_t)(stop - c->sent);
		if (n > sizeof(iobuf))
			n = sizeof(iobuf);
		for (size_t k = 0; k < n; k++)
			iobuf[k] = payload(c->seed, c->sent + k);
		ssize_t w = s_write(&c->s, iobuf, n);
		if (w == -EAGAIN)
			break;  /* echoes are read below, which makes room */
		if (w < 0) {
			client_fail(r, "write failed", i);
			return true;
		}
		c->sent += (uint64_t)w;
	}
	for (;;) {
		ssize_t n = s_read(&c->s, iobuf, sizeof(iobuf));
		if (n == -EAGAIN)
			return false;
		if (n < 0) {
			client_fail(r, "read failed", i);
			return true;
		}
		if (n == 0) {
			if (c->st != C_RECEIVING || c->recvd != c->size)
				client_fail(r, "EOF before the whole echo", i);
			else
				r->done++;
			return true;
		}
		for (ssize_t k = 0; k < n; k++) {
			if (c->recvd + (uint64_t)k >= c->sent ||
			    iobuf[k] != payload(c->seed, c->recvd + (uint64_t)k)) {
				client_fail(r, "echo differs from what was sent", i);
				return true;
			}
			r->checksum = (r->checksum ^ iobuf[k]) * 16777619u;
		}
		c->recvd += (uint64_t)n;
		r->bytes_checked += (uint64_t)n;
		if (c->st == C_SENDING && c->recvd == c->sent)
			return cconn_run(c, i, r);
	}
}

static void clients(long n_tcp, long n_unix, const struct sockaddr_storage *taddr,
		    socklen_t tlen, const char *upath, int go_fd, int result_fd, int max_size,
		    bool hold_all)
{
	raise_nofile();
	mio_poll *p;
	mio_events *ev;
	OK(mio_poll_new(&p));
	OK(mio_events_new(1024, &ev));
	mio_registry *reg = mio_poll_registry(p);
	long n = n_tcp + n_unix;
	struct cconn *cs = calloc((size_t)n, sizeof(*cs));
	if (cs == NULL)
		DIE("out of memory");
	mio_pipe_receiver *go = NULL;
	OK(mio_pipe_receiver_from_fd(go_fd, &go));
	OK(mio_registry_register(reg, go_fd, (mio_token)-1, MIO_READABLE));

	struct result r = { 0 };
	long opened = 0, connected = 0, finished = 0;
	bool started = !hold_all;
	rng_state ^= (uint32_t)getpid();
	const struct timespec slice = { 0, 20 * 1000 * 1000 };

	while (finished < n) {
		/* Open more, at most 256 handshakes in flight. */
		while (opened < n && opened - connected < 256) {
			struct cconn *c = &cs[opened];
			c->s.is_unix = opened >= n_tcp;
			int rc = c->s.is_unix ? mio_unix_stream_connect(upath, &c->s.u)
					      : mio_tcp_stream_connect((const struct sockaddr *)taddr,
								       tlen, &c->s.t);
			if (rc == -EAGAIN)
				break;  /* Unix backlog full: retry after a wait */
			OK(rc);
			c->seed = rnd();
			c->size = rnd() % (uint32_t)max_size;
			c->abrupt = rnd() % 20 == 0;
			c->abort_at = c->size / 2;
			c->st = C_CONNECTING;
			OK(mio_registry_register(reg, s_fd(&c->s), (mio_token)opened,
						 MIO_READABLE | MIO_WRITABLE));
			opened++;
		}
		int k = mio_poll_wait(p, ev, &slice);
		if (k == -EINTR)
			continue;
		OK(k);
		for (int e = 0; e < k; e++) {
			const mio_event *evt = mio_events_get(ev, (size_t)e);
			mio_token t = mio_event_token(evt);
			if (t == (mio_token)-1) {
				started = true;
				continue;
			}
			struct cconn *c = &cs[t];
			if (c->st == C_DONE)
				continue;  /* a stale event */
			if (c->st == C_CONNECTING && mio_event_is_writable(evt)) {
				int err = 0;
				if (!c->s.is_unix)
					OK(mio_tcp_stream_take_error(c->s.t, &err));
				if (err != 0)
					DIE("connect %ld: %s", (long)t, strerror(-err));
				c->st = C_HELD;
				connected++;
			}
			if (c->st == C_HELD && started)
				c->st = C_SENDING;
			if ((c->st == C_SENDING || c->st == C_RECEIVING) && cconn_run(c, (long)t, &r)) {
				s_free(&c->s);
				c->st = C_DONE;
				finished++;
			}
		}
		/* Once all are held and the server says go, start the ones
		 * that will see no further event of their own. */
		if (started && connected == n) {
			for (long i = 0; i < n; i++) {
				struct cconn *c = &cs[i];
				if (c->st != C_HELD)
					continue;
				c->st = C_SENDING;
				if (cconn_run(c, i, &r)) {
					s_free(&c->s);
					c->st = C_DONE;
					finished++;
				}
			}
		}
		if (r.error[0] != '\0')
			break;
	}
	if (write(result_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		DIE("result pipe: %s", strerror(errno));
	_exit(r.error[0] ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "mio_stress: time limit reached, stopping\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

int main(int argc, char **argv)
{
	long n_tcp = 8000, n_unix = 1000;
	int seconds = 55, max_size = 16384;
	bool emfile = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tcp") == 0 && i + 1 < argc)
			n_tcp = atol(argv[++i]);
		else if (strcmp(argv[i], "--unix") == 0 && i + 1 < argc)
			n_unix = atol(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--emfile") == 0)
			emfile = true;
		else
			DIE("usage: %s [--tcp N] [--unix N] [--seconds S] [--emfile]", argv[0]);
	}
	if (emfile) {
		n_tcp = 150;
		n_unix = 50;
		max_size = 4096;
	}
	signal(SIGPIPE, SIG_IGN);  /* the clients' abrupt hang-ups */
	signal(SIGALRM, on_alarm);
	alarm((unsigned)seconds);
	raise_nofile();

	int fds_before = count_fds();
	struct mallinfo2 mi_before = mallinfo2();

	struct server S = { 0 };
	OK(mio_poll_new(&S.p));
	OK(mio_events_new(1024, &S.ev));
	mio_registry *reg = mio_poll_registry(S.p);
	struct sockaddr_storage taddr;
	socklen_t tlen;
	OK(mio_addr_parse("127.0.0.1:0", &taddr, &tlen));
	OK(mio_tcp_listener_bind((struct sockaddr *)&taddr, tlen, &S.tl));
	tlen = sizeof(taddr);
	OK(mio_tcp_listener_local_addr(S.tl, &taddr, &tlen));
	char dir[] = "/tmp/mio-stress-XXXXXX", upath[108];
	if (mkdtemp(dir) == NULL)
		DIE("mkdtemp: %s", strerror(errno));
	snprintf(upath, sizeof(upath), "%s/s", dir);
	OK(mio_unix_listener_bind(upath, &S.ul));
	OK(mio_registry_register(reg, mio_tcp_listener_fd(S.tl), T_TCP_L, MIO_READABLE));
	OK(mio_registry_register(reg, mio_unix_listener_fd(S.ul), T_UNIX_L, MIO_READABLE));

	int go[2], res[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0)
		DIE("pipe2: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		DIE("fork: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		close(res[0]);
		mio_tcp_listener_free(S.tl);
		mio_unix_listener_free(S.ul);
		mio_events_free(S.ev);
		mio_poll_free(S.p);
		clients(n_tcp, n_unix, &taddr, tlen, upath, go[0], res[1], max_size, !emfile);
	}
	close(go[0]);
	close(res[1]);
	mio_pipe_receiver *result_rx;
	OK(mio_pipe_receiver_from_fd(res[0], &result_rx));
	OK(mio_registry_register(reg, res[0], T_CTL, MIO_READABLE));

	if (emfile) {
		/* A few fds of headroom: far fewer than the clients. */
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = (rlim_t)count_fds() + 24;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			DIE("setrlimit: %s", strerror(errno));
	}

	long n = n_tcp + n_unix;
	bool go_sent = emfile, client_done = false;
	struct result r;
	memset(&r, 0, sizeof(r));
	const struct timespec slice = { 0, 50 * 1000 * 1000 };
	while (!client_done || S.live > 0) {
		int k = mio_poll_wait(S.p, S.ev, &slice);
		if (k == -EINTR)
			continue;
		OK(k);
		bool closed_some = false;
		for (int e = 0; e < k; e++) {
			mio_token t = mio_event_token(mio_events_get(S.ev, (size_t)e));
			if (t == T_TCP_L) {
				server_accept(&S, false);
			} else if (t == T_UNIX_L) {
				server_accept(&S, true);
			} else if (t == T_CTL) {
				ssize_t got = mio_pipe_receiver_read(result_rx, &r, sizeof(r));
				if (got == (ssize_t)sizeof(r) || got == 0)
					client_done = true;
				else if (got != -EAGAIN)
					DIE("result pipe: %zd", got);
			} else {
				struct sconn *c = (struct sconn *)t;
				if (sconn_run(&S, c)) {
					sconn_close(&S, c);
					closed_some = true;
				}
			}
		}
		/* The listener reports no new edge for connections that were
		 * queued when accept failed: retry once an fd is free. */
		if (closed_some && S.tcp_blocked) {
			S.tcp_blocked = false;
			server_accept(&S, false);
		}
		if (closed_some && S.unix_blocked) {
			S.unix_blocked = false;
			server_accept(&S, true);
		}
		if (!go_sent && S.live == n) {
			if (write(go[1], "g", 1) != 1)
				DIE("go pipe: %s", strerror(errno));
			go_sent = true;
		}
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		DIE("waitpid: %s", strerror(errno));
	if (r.error[0] != '\0')
		DIE("client: %s", r.error);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		DIE("client process failed (status %#x)", status);
	if (r.done + r.abrupt != n)
		DIE("client finished %ld + %ld abrupt of %ld connections", r.done, r.abrupt, n);
	if (S.accepted != n)
		DIE("server accepted %ld of %ld connections", S.accepted, n);
	if (emfile && S.emfile == 0)
		DIE("the fd limit was never reached: the EMFILE path went untested");
	if (!emfile && S.peak != n)
		DIE("server held at most %ld of %ld connections at once", S.peak, n);

	close(go[1]);
	mio_pipe_receiver_free(result_rx);
	mio_tcp_listener_free(S.tl);
	mio_unix_listener_free(S.ul);
	mio_events_free(S.ev);
	mio_poll_free(S.p);
	unlink(upath);
	rmdir(dir);

	int fds_after = count_fds();
	struct mallinfo2 mi_after = mallinfo2();
	long heap_delta = (long)mi_after.uordblks - (long)mi_before.uordblks;
	if (fds_after != fds_before)
		DIE("fds: %d before, %d after", fds_before, fds_after);
	/* stdio's buffers may have been allocated since; nothing per
	 * connection may remain (9,000 leaked structs would be >= 400 KiB). */
	if (heap_delta > 16384)
		DIE("heap in use grew by %ld bytes", heap_delta);

	printf("mio_stress%s: connections held at once: %ld (tcp %ld, unix %ld); "
	       "completed %ld, abrupt %ld; bytes checksummed: %llu (checksum %08x); "
	       "server bytes echoed: %llu; EMFILE hits: %ld; fds %d -> %d; heap delta %ld B\n",
	       emfile ? " --emfile" : "", S.peak, n_tcp, n_unix, r.done, r.abrupt,
	       (unsigned long long)r.bytes_checked, r.checksum, (unsigned long long)S.bytes,
	       S.emfile, fds_before, fds_after, heap_delta);
	return 0;
}
