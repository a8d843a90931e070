/*
 * check_fault.c - every error path of libmio walked by fault injection.
 *
 * A scenario is a plain sequence of libmio calls (constructors, register,
 * I/O, waits) that stops at the first call that fails.  For each
 * interposed function F (tests/fault/fault.c) and N = 1, 2, 3 ... the
 * scenario runs with the Nth call of F failing, until N passes the number
 * of calls the scenario makes.  Each run must show:
 *
 *  - the failure surfaced: the scenario stopped with exactly the injected
 *    negative errno (a run where nothing was injected completes);
 *  - a failed constructor left its out-pointer NULL;
 *  - what survived still works: the poll still waits and is woken, and a
 *    pipe or stream pair still carries a byte;
 *  - nothing leaked: /proc/self/fd counts the same, and every allocation
 *    made during the run was freed (counted in the shim; under ASan its
 *    leak checker does this instead).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"
#include "fault.h"
/* Which UDP control messages the platform carries (qemu-user on a
 * big-endian guest does not): the scenarios leave out what it cannot. */
#include "cmsgprobe.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* What one run of a scenario saw. */
struct run {
	int         rc;     /* 0, or what the first failing call returned */
	const char *where;  /* that call */
	const char *bad;    /* a broken invariant, or NULL */
};

#define FAIL_AT(r, call)                \
	do {                            \
		R->rc = (int)(r);       \
		R->where = call;        \
		goto out;               \
	} while (0)

/* A call that returns >= 0 or -errno. */
#define STEP(call)                                      \
	do {                                            \
		long long _r = (long long)(call);       \
		if (_r < 0)                             \
			FAIL_AT(_r, #call);             \
	} while (0)

/* A constructor: its out-pointer(s) are poisoned before the call, and on
 * failure each must be NULL again (a pointer that merely stayed NULL from
 * its declaration would prove nothing).  A poisoned one left behind is
 * reported and cleared, so the cleanup does not free it. */
#define OUT_POISON ((void *)0x1)
#define OUT_CHECK(o, call)                                                      \
	do {                                                                    \
		if ((o) != NULL) {                                              \
			R->bad = "failed constructor left *out set: " #call;    \
			(o) = NULL;                                             \
		}                                                               \
	} while (0)
#define CTOR(call, o)                                                           \
	do {                                                                    \
		(o) = OUT_POISON;                                               \
		long long _r = (long long)(call);                               \
		if (_r < 0) {                                                   \
			OUT_CHECK(o, call);                                     \
			FAIL_AT(_r, #call);                                     \
		}                                                               \
	} while (0)
#define CTOR2(call, o1, o2)                                                     \
	do {                                                                    \
		(o1) = OUT_POISON;                                              \
		(o2) = OUT_POISON;                                              \
		long long _r = (long long)(call);                               \
		if (_r < 0) {                                                   \
			OUT_CHECK(o1, call);                                    \
			OUT_CHECK(o2, call);                                    \
			FAIL_AT(_r, #call);                                     \
		}                                                               \
	} while (0)

/* Reads until -EAGAIN: readiness is edge-triggered, and a source not
 * drained is promised no further event (the poll(2) backend keeps that
 * promise literally). */
#define DRAINED(call)                                                   \
	do {                                                            \
		long long _r = (long long)(call);                       \
		if (_r != -EAGAIN) {                                    \
			if (_r < 0)                                     \
				FAIL_AT(_r, #call);                     \
			R->bad = "more data than was sent: " #call;     \
			goto out;                                       \
		}                                                       \
	} while (0)

#define CHECK(cond)                                     \
	do {                                            \
		if (!(cond)) {                          \
			R->bad = "invariant broken: " #cond; \
			goto out;                       \
		}                                       \
	} while (0)

enum { T_WAKER = 1, T_RX, T_RX2, T_L, T_C, T_S, T_A, T_B, T_D, T_HEALTH = 31 };

/*
 * Waits until an event with `tok` has been seen.  Events are edge
 * triggered and a wait may return several, so every token seen is kept in
 * *seen and consumed when asked for.  At most ~5 s.
 */
static int wait_token(mio_poll *p, mio_events *ev, unsigned *seen, mio_token tok)
{
	const struct timespec slice = { 0, 100 * 1000 * 1000 };
	for (int i = 0; i < 50; i++) {
		if (*seen & (1u << tok)) {
			*seen &= ~(1u << tok);
			return 0;
		}
		int n = mio_poll_wait(p, ev, &slice);
		if (n < 0)
			return n;
		for (int k = 0; k < n; k++) {
			mio_token t = mio_event_token(mio_events_get(ev, (size_t)k));
			if (t < 32)
				*seen |= 1u << t;
		}
	}
	return (*seen & (1u << tok)) ? (*seen &= ~(1u << tok), 0) : -ETIMEDOUT;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* The poll survived whatever failed: a new waker still wakes it. */
static void health_poll(struct run *R, mio_poll *p, mio_events *ev)
{
	if (p == NULL || ev == NULL || R->bad != NULL)
		return;
	mio_waker *w = NULL;
	unsigned seen = 0;
	if (mio_waker_new(mio_poll_registry(p), T_HEALTH, &w) < 0 ||
	    mio_waker_wake(w) < 0 || wait_token(p, ev, &seen, T_HEALTH) < 0)
		R->bad = "after the failure the poll no longer wakes";
	mio_waker_free(w);
}

/* A byte written at one end can be read at the other (polling by hand:
 * the read end may not be registered). */
#define HEALTH_BYTE(R, write_call, read_call, what)                          \
	do {                                                                 \
		char _b = 'h', _in[64];                                      \
		ssize_t _n = -EAGAIN;                                        \
		if ((R)->bad == NULL && (write_call) == 1) {                 \
			for (int _i = 0; _i < 5000 && _n == -EAGAIN; _i++) { \
				_n = (read_call);                            \
				if (_n == -EAGAIN)                           \
					pause_ms(1);                         \
			}                                                    \
		}                                                            \
		if ((R)->bad == NULL && _n <= 0)                             \
			(R)->bad = "after the failure " what " carries no byte"; \
	} while (0)

/* ------------------------------------------------------------------ */
/* Scenarios                                                           */
/* ------------------------------------------------------------------ */

/* Poll, events, registry clone, waker, and a pipe through every
 * registry operation. */
static void sc_core(struct run *R, const char *dir)
{
	(void)dir;
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_registry *clone = NULL;
	mio_waker *w = NULL;
	mio_pipe_sender *tx = NULL;
	mio_pipe_receiver *rx = NULL;
	unsigned seen = 0;
	const struct timespec zero = { 0, 0 };
	char buf[16] = "ab";
	struct iovec iov[2] = { { buf, 1 }, { buf + 1, 1 } };

	CTOR(mio_poll_new(&p), p);
	CTOR(mio_events_new(8, &ev), ev);
	mio_registry *reg = mio_poll_registry(p);
	int pfd = mio_poll_fd(p);
#ifdef MIO_FAULT_POLL_BACKEND
	if (pfd == -EOPNOTSUPP)  /* no selector fd on poll(2), as documented */
		pfd = 0;
#endif
	STEP(pfd);
	CTOR(mio_registry_try_clone(reg, &clone), clone);
	CTOR(mio_waker_new(clone, T_WAKER, &w), w);
	STEP(mio_waker_wake(w));
	STEP(wait_token(p, ev, &seen, T_WAKER));

	CTOR2(mio_pipe_new(&tx, &rx), tx, rx);
	int rfd = mio_pipe_receiver_fd(rx);
	STEP(mio_registry_register(reg, rfd, T_RX, MIO_READABLE));
	STEP(mio_pipe_sender_write(tx, buf, 1));
	STEP(wait_token(p, ev, &seen, T_RX));
	STEP(mio_pipe_receiver_read(rx, buf, sizeof(buf)));
	DRAINED(mio_pipe_receiver_read(rx, buf, sizeof(buf)));
	STEP(mio_registry_reregister(clone, rfd, T_RX2, MIO_READABLE | MIO_PRIORITY));
	STEP(mio_pipe_sender_writev(tx, iov, 2));
	STEP(wait_token(p, ev, &seen, T_RX2));
	STEP(mio_pipe_receiver_readv(rx, iov, 2));
	DRAINED(mio_pipe_receiver_read(rx, buf, sizeof(buf)));
	STEP(mio_registry_deregister(reg, rfd));
	STEP(mio_poll_wait(p, ev, &zero));
	STEP(mio_pipe_sender_set_nonblocking(tx, true));
	STEP(mio_pipe_receiver_set_nonblocking(rx, true));

out:
	fault_quiet(true);
	health_poll(R, p, ev);
	if (tx != NULL && rx != NULL)
		HEALTH_BYTE(R, mio_pipe_sender_write(tx, &_b, 1),
			    mio_pipe_receiver_read(rx, _in, sizeof(_in)), "the pipe");
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
	mio_waker_free(w);
	mio_registry_free(clone);
	mio_events_free(ev);
	mio_poll_free(p);
}

/* A TCP listener and a connection through every stream operation, and
 * from_fd/into_fd. */
static void sc_tcp(struct run *R, const char *dir)
{
	(void)dir;
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_tcp_listener *l = NULL;
	mio_tcp_stream *c = NULL, *s = NULL;
	unsigned seen = 0;
	struct sockaddr_storage ss, peer;
	socklen_t sl, pl;
	char buf[64];
	uint32_t ttl;
	bool on;
	int err;

	CTOR(mio_poll_new(&p), p);
	CTOR(mio_events_new(8, &ev), ev);
	mio_registry *reg = mio_poll_registry(p);
	STEP(mio_addr_parse("127.0.0.1:0", &ss, &sl));
	CTOR(mio_tcp_listener_bind((struct sockaddr *)&ss, sl, &l), l);
	sl = sizeof(ss);
	STEP(mio_tcp_listener_local_addr(l, &ss, &sl));
	STEP(mio_tcp_listener_set_ttl(l, 64));
	STEP(mio_tcp_listener_ttl(l, &ttl));
	STEP(mio_registry_register(reg, mio_tcp_listener_fd(l), T_L, MIO_READABLE));
	CTOR(mio_tcp_stream_connect((struct sockaddr *)&ss, sl, &c), c);
	STEP(mio_registry_register(reg, mio_tcp_stream_fd(c), T_C, MIO_READABLE | MIO_WRITABLE));
	STEP(wait_token(p, ev, &seen, T_L));
	pl = sizeof(peer);
	CTOR(mio_tcp_listener_accept(l, &s, &peer, &pl), s);
	STEP(wait_token(p, ev, &seen, T_C));
	STEP(mio_tcp_stream_take_error(c, &err));
	CHECK(err == 0);
	STEP(mio_tcp_stream_set_nodelay(c, true));
	STEP(mio_tcp_stream_nodelay(c, &on));
	STEP(mio_tcp_stream_set_ttl(s, 32));
	STEP(mio_tcp_stream_ttl(s, &ttl));
	pl = sizeof(peer);
	STEP(mio_tcp_stream_peer_addr(c, &peer, &pl));
	pl = sizeof(peer);
	STEP(mio_tcp_stream_local_addr(s, &peer, &pl));

	/* Ownership round trip: into_fd gives the fd back, from_fd takes it;
	 * if from_fd fails the fd is still ours to close. */
	int fd = mio_tcp_stream_into_fd(s);
	s = NULL;
	int rc = mio_tcp_stream_from_fd(fd, &s);
	if (rc < 0) {
		if (s != NULL)
			R->bad = "failed from_fd left *out set";
		close(fd);
		FAIL_AT(rc, "mio_tcp_stream_from_fd(fd, &s)");
	}
	STEP(mio_registry_register(reg, mio_tcp_stream_fd(s), T_S, MIO_READABLE));

	STEP(mio_tcp_stream_write(c, "hello", 5));
	STEP(wait_token(p, ev, &seen, T_S));
	STEP(mio_tcp_stream_peek(s, buf, 5));
	ssize_t n;
	STEP(n = mio_tcp_stream_read(s, buf, sizeof(buf)));
	CHECK(n == 5);
	DRAINED(mio_tcp_stream_read(s, buf, sizeof(buf)));
	struct iovec iov[2] = { { "wor", 3 }, { "ld", 2 } };
	STEP(mio_tcp_stream_writev(s, iov, 2));
	STEP(wait_token(p, ev, &seen, T_C));
	struct iovec rio[1] = { { buf, sizeof(buf) } };
	STEP(n = mio_tcp_stream_readv(c, rio, 1));
	CHECK(n == 5);
	DRAINED(mio_tcp_stream_read(c, buf, sizeof(buf)));
	STEP(mio_tcp_stream_shutdown(c, SHUT_WR));
	STEP(wait_token(p, ev, &seen, T_S));
	STEP(n = mio_tcp_stream_read(s, buf, sizeof(buf)));
	CHECK(n == 0);
	STEP(mio_tcp_listener_take_error(l, &err));

out:
	fault_quiet(true);
	health_poll(R, p, ev);
	if (c != NULL && s != NULL)
		HEALTH_BYTE(R, mio_tcp_stream_write(s, &_b, 1),
			    mio_tcp_stream_read(c, _in, sizeof(_in)), "the TCP connection");
	mio_tcp_stream_free(c);
	mio_tcp_stream_free(s);
	mio_tcp_listener_free(l);
	mio_events_free(ev);
	mio_poll_free(p);
}

/* mio_tcp_socket (1.1): every option, bind, listen; a second socket
 * connects.  listen and connect consume their socket when they fail too,
 * which the walk's fd and allocation counts hold them to. */
static void sc_tcp_socket(struct run *R, const char *dir)
{
	(void)dir;
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_tcp_socket *ls = NULL, *cs = NULL, *t = NULL;
	mio_tcp_listener *l = NULL;
	mio_tcp_stream *c = NULL, *s = NULL;
	unsigned seen = 0;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct timespec ts;
	uint32_t n;
	bool on;
	int err;

	CTOR(mio_poll_new(&p), p);
	CTOR(mio_events_new(8, &ev), ev);
	mio_registry *reg = mio_poll_registry(p);
	STEP(mio_addr_parse("127.0.0.1:0", &ss, &sl));
	CTOR(mio_tcp_socket_new_v4(&ls), ls);
	STEP(mio_tcp_socket_set_reuseaddr(ls, true));
	STEP(mio_tcp_socket_get_reuseaddr(ls, &on));
	STEP(mio_tcp_socket_set_reuseport(ls, true));
	STEP(mio_tcp_socket_get_reuseport(ls, &on));
	STEP(mio_tcp_socket_set_linger(ls, &(struct timespec){ 1, 0 }));
	STEP(mio_tcp_socket_get_linger(ls, &on, &ts));
	STEP(mio_tcp_socket_set_recv_buffer_size(ls, 65536));
	STEP(mio_tcp_socket_get_recv_buffer_size(ls, &n));
	STEP(mio_tcp_socket_set_send_buffer_size(ls, 65536));
	STEP(mio_tcp_socket_get_send_buffer_size(ls, &n));
	STEP(mio_tcp_socket_bind(ls, (struct sockaddr *)&ss, sl));
	sl = sizeof(ss);
	STEP(mio_tcp_socket_local_addr(ls, &ss, &sl));
	t = ls;
	ls = NULL;
	CTOR(mio_tcp_socket_listen(t, 16, &l), l);
	STEP(mio_registry_register(reg, mio_tcp_listener_fd(l), T_L, MIO_READABLE));

	CTOR(mio_tcp_socket_new_v4(&cs), cs);
	/* Ownership round trip, as in sc_tcp. */
	int fd = mio_tcp_socket_into_fd(cs);
	cs = NULL;
	int rc = mio_tcp_socket_from_fd(fd, &cs);
	if (rc < 0) {
		if (cs != NULL)
			R->bad = "failed from_fd left *out set";
		close(fd);
		FAIL_AT(rc, "mio_tcp_socket_from_fd(fd, &cs)");
	}
	STEP(mio_tcp_socket_set_nodelay(cs, true));
	STEP(mio_tcp_socket_get_nodelay(cs, &on));
	STEP(mio_tcp_socket_set_keepalive(cs, true));
	STEP(mio_tcp_socket_get_keepalive(cs, &on));
	STEP(mio_tcp_socket_set_keepalive_time(cs, &(struct timespec){ 30, 0 }));
	STEP(mio_tcp_socket_get_keepalive_time(cs, &ts));
	STEP(mio_tcp_socket_set_keepalive_interval(cs, &(struct timespec){ 5, 0 }));
	STEP(mio_tcp_socket_get_keepalive_interval(cs, &ts));
	STEP(mio_tcp_socket_set_keepalive_retries(cs, 3));
	STEP(mio_tcp_socket_get_keepalive_retries(cs, &n));
	t = cs;
	cs = NULL;
	CTOR(mio_tcp_socket_connect(t, (struct sockaddr *)&ss, sl, &c), c);
	STEP(mio_registry_register(reg, mio_tcp_stream_fd(c), T_C, MIO_READABLE | MIO_WRITABLE));
	STEP(wait_token(p, ev, &seen, T_L));
	CTOR(mio_tcp_listener_accept(l, &s, NULL, NULL), s);
	STEP(wait_token(p, ev, &seen, T_C));
	STEP(mio_tcp_stream_take_error(c, &err));
	CHECK(err == 0);

out:
	fault_quiet(true);
	health_poll(R, p, ev);
	if (c != NULL && s != NULL)
		HEALTH_BYTE(R, mio_tcp_stream_write(s, &_b, 1),
			    mio_tcp_stream_read(c, _in, sizeof(_in)), "the TcpSocket connection");
	mio_tcp_stream_free(c);
	mio_tcp_stream_free(s);
	mio_tcp_listener_free(l);
	mio_tcp_socket_free(ls);
	mio_tcp_socket_free(cs);
	mio_events_free(ev);
	mio_poll_free(p);
}

/* Two UDP sockets: connected send/recv, send_to/recv_from, options. */
static void sc_udp(struct run *R, const char *dir)
{
	(void)dir;
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_udp_socket *a = NULL, *b = NULL;
	unsigned seen = 0;
	struct sockaddr_storage any, aa, ba, from;
	socklen_t anyl, al = sizeof(aa), bl = sizeof(ba), fl;
	char buf[64];
	bool on;
	uint32_t v;
	int err;

	CTOR(mio_poll_new(&p), p);
	CTOR(mio_events_new(8, &ev), ev);
	mio_registry *reg = mio_poll_registry(p);
	STEP(mio_addr_parse("127.0.0.1:0", &any, &anyl));
	CTOR(mio_udp_socket_bind((struct sockaddr *)&any, anyl, &a), a);
	CTOR(mio_udp_socket_bind((struct sockaddr *)&any, anyl, &b), b);
	STEP(mio_udp_socket_local_addr(a, &aa, &al));
	STEP(mio_udp_socket_local_addr(b, &ba, &bl));
	STEP(mio_registry_register(reg, mio_udp_socket_fd(a), T_A, MIO_READABLE));
	STEP(mio_registry_register(reg, mio_udp_socket_fd(b), T_B, MIO_READABLE));
	STEP(mio_udp_socket_connect(a, (struct sockaddr *)&ba, bl));
	fl = sizeof(from);
	STEP(mio_udp_socket_peer_addr(a, &from, &fl));
	STEP(mio_udp_socket_send(a, "ping", 4));
	STEP(wait_token(p, ev, &seen, T_B));
	fl = sizeof(from);
	STEP(mio_udp_socket_peek_from(b, buf, sizeof(buf), &from, &fl));
	fl = sizeof(from);
	STEP(mio_udp_socket_recv_from(b, buf, sizeof(buf), &from, &fl));
	DRAINED(mio_udp_socket_recv(b, buf, sizeof(buf)));
	STEP(mio_udp_socket_send_to(b, "pong", 4, (struct sockaddr *)&aa, al));
	STEP(wait_token(p, ev, &seen, T_A));
	STEP(mio_udp_socket_peek(a, buf, sizeof(buf)));
	STEP(mio_udp_socket_recv(a, buf, sizeof(buf)));
	DRAINED(mio_udp_socket_recv(a, buf, sizeof(buf)));
	STEP(mio_udp_socket_set_broadcast(a, true));
	STEP(mio_udp_socket_broadcast(a, &on));
	STEP(mio_udp_socket_set_multicast_loop_v4(a, false));
	STEP(mio_udp_socket_multicast_loop_v4(a, &on));
	STEP(mio_udp_socket_set_multicast_ttl_v4(a, 4));
	STEP(mio_udp_socket_multicast_ttl_v4(a, &v));
	STEP(mio_udp_socket_set_ttl(b, 16));
	STEP(mio_udp_socket_ttl(b, &v));
	STEP(mio_udp_socket_take_error(b, &err));

out:
	fault_quiet(true);
	health_poll(R, p, ev);
	if (a != NULL && b != NULL && bl == sizeof(struct sockaddr_in))
		HEALTH_BYTE(R, mio_udp_socket_send_to(a, &_b, 1, (struct sockaddr *)&ba, bl),
			    mio_udp_socket_recv(b, _in, sizeof(_in)), "the UDP socket");
	mio_udp_socket_free(a);
	mio_udp_socket_free(b);
	mio_events_free(ev);
	mio_poll_free(p);
}

/* The UDP batch API and builder (1.2): a socket made by new_v4 with its
 * options and bind_to, a receiver with ECN, packet info and GRO, a batch
 * of three records (one a segmented run) sent and received. */
static void sc_udp_msg(struct run *R, const char *dir)
{
	(void)dir;
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_udp_socket *a = NULL, *b = NULL;
	unsigned seen = 0;
	struct sockaddr_storage lo, ba;
	socklen_t lol, bl = sizeof(ba);
	static char out[400], in[4][2048];
	bool on;
	uint32_t v;
	size_t datagrams = 0, want = 5;

	CTOR(mio_poll_new(&p), p);
	CTOR(mio_events_new(8, &ev), ev);
	STEP(mio_addr_parse("127.0.0.1:0", &lo, &lol));
	CTOR(mio_udp_socket_new_v4(&a), a);
	STEP(mio_udp_socket_set_reuseaddr(a, true));
	STEP(mio_udp_socket_reuseport(a, &on));
	STEP(mio_udp_socket_set_send_buffer_size(a, 1 << 16));
	STEP(mio_udp_socket_recv_buffer_size(a, &v));
	STEP(mio_udp_socket_bind_to(a, (struct sockaddr *)&lo, lol));
	CTOR(mio_udp_socket_bind((struct sockaddr *)&lo, lol, &b), b);
	STEP(mio_udp_socket_local_addr(b, &ba, &bl));
	STEP(mio_udp_socket_set_recv_ecn(b, true));
	STEP(mio_udp_socket_recv_ecn(b, &on));
	STEP(mio_udp_socket_set_recv_pktinfo(b, true));
	STEP(mio_udp_socket_set_gro(b, true));
	STEP(mio_udp_socket_gro_segments(b, &v));
	STEP(mio_udp_socket_gso_segments(a, &v));
	STEP(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(b), T_B, MIO_READABLE));

	mio_udp_msg m[3];
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 3; i++) {
		m[i].buf = out + i * 100;
		m[i].len = 100;
		m[i].addr = ba;
		m[i].addr_len = bl;
	}
	/* Where the platform carries them (probed before the walk, so
	 * no fault reaches the probe): ECN, and a run of 80 + 80 + 40
	 * that a GRO receiver may get whole. */
	if (cp_broken(CP_IP_TOS_SEND) == NULL)
		m[1].ecn = MIO_ECN_ECT0;
	m[2].len = 200;
	if (cp_broken(CP_UDP_SEGMENT_SEND) == NULL && cp_broken(CP_UDP_GRO_RECV) == NULL)
		m[2].segment_size = 80;
	want = m[2].segment_size ? 5 : 3;
	int sent = 0;
	STEP(sent = mio_udp_socket_send_msgs(a, m, 3));
	CHECK(sent == 3);
	STEP(wait_token(p, ev, &seen, T_B));
	mio_udp_msg r[4];
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 4; i++) {
		r[i].buf = in[i];
		r[i].capacity = sizeof(in[i]);
	}
	for (;;) {
		int n = mio_udp_socket_recv_msgs(b, r, 4);
		if (n == -EAGAIN && datagrams < want) {
			/* A datagram still in the loopback: wait for its event. */
			STEP(wait_token(p, ev, &seen, T_B));
			continue;
		}
		if (n == -EAGAIN)
			break;
		STEP(n);
		for (int i = 0; i < n; i++)
			datagrams += r[i].segment_size ? (r[i].len + r[i].segment_size - 1) /
								 r[i].segment_size : 1;
	}
	CHECK(datagrams == want);

out:
	fault_quiet(true);
	health_poll(R, p, ev);
	if (a != NULL && b != NULL && bl == sizeof(struct sockaddr_in))
		HEALTH_BYTE(R, mio_udp_socket_send_to(a, &_b, 1, (struct sockaddr *)&ba, bl),
			    mio_udp_socket_recv(b, _in, sizeof(_in)), "the UDP batch socket");
	mio_udp_socket_free(a);
	mio_udp_socket_free(b);
	mio_events_free(ev);
	mio_poll_free(p);
}

/* Unix listener, streams (connected and paired), datagrams (bound,
 * unbound, paired), in a fresh directory. */
static void sc_unix(struct run *R, const char *dir)
{
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_unix_listener *l = NULL;
	mio_unix_stream *c = NULL, *s = NULL, *pa = NULL, *pb = NULL;
	mio_unix_datagram *d = NULL, *u = NULL, *da = NULL, *db = NULL;
	unsigned seen = 0;
	char lpath[108], dpath[108], buf[64];
	struct sockaddr_un sun;
	socklen_t sunl;
	int err;

	snprintf(lpath, sizeof(lpath), "%s/l", dir);
	snprintf(dpath, sizeof(dpath), "%s/d", dir);

	CTOR(mio_poll_new(&p), p);
	CTOR(mio_events_new(8, &ev), ev);
	mio_registry *reg = mio_poll_registry(p);
	CTOR(mio_unix_listener_bind(lpath, &l), l);
	sunl = sizeof(sun);
	STEP(mio_unix_listener_local_addr(l, &sun, &sunl));
	STEP(mio_registry_register(reg, mio_unix_listener_fd(l), T_L, MIO_READABLE));
	CTOR(mio_unix_stream_connect(lpath, &c), c);
	STEP(wait_token(p, ev, &seen, T_L));
	sunl = sizeof(sun);
	CTOR(mio_unix_listener_accept(l, &s, &sun, &sunl), s);
	STEP(mio_registry_register(reg, mio_unix_stream_fd(s), T_S, MIO_READABLE));
	STEP(mio_unix_stream_write(c, "hi", 2));
	STEP(wait_token(p, ev, &seen, T_S));
	STEP(mio_unix_stream_read(s, buf, sizeof(buf)));
	DRAINED(mio_unix_stream_read(s, buf, sizeof(buf)));
	sunl = sizeof(sun);
	STEP(mio_unix_stream_peer_addr(c, &sun, &sunl));
	sunl = sizeof(sun);
	STEP(mio_unix_stream_local_addr(s, &sun, &sunl));
	STEP(mio_unix_stream_take_error(c, &err));
	STEP(mio_unix_stream_shutdown(c, SHUT_WR));
	STEP(mio_unix_listener_take_error(l, &err));

	CTOR2(mio_unix_stream_pair(&pa, &pb), pa, pb);
	struct iovec iov[1] = { { "pair", 4 } };
	STEP(mio_unix_stream_writev(pa, iov, 1));
	struct iovec rio[1] = { { buf, sizeof(buf) } };
	STEP(mio_unix_stream_readv(pb, rio, 1));

	CTOR(mio_unix_datagram_bind(dpath, &d), d);
	STEP(mio_registry_register(reg, mio_unix_datagram_fd(d), T_D, MIO_READABLE));
	CTOR(mio_unix_datagram_unbound(&u), u);
	STEP(mio_unix_datagram_send_to(u, "dg", 2, dpath));
	STEP(wait_token(p, ev, &seen, T_D));
	sunl = sizeof(sun);
	STEP(mio_unix_datagram_recv_from(d, buf, sizeof(buf), &sun, &sunl));
	DRAINED(mio_unix_datagram_recv(d, buf, sizeof(buf)));
	STEP(mio_unix_datagram_connect(u, dpath));
	sunl = sizeof(sun);
	STEP(mio_unix_datagram_peer_addr(u, &sun, &sunl));
	sunl = sizeof(sun);
	STEP(mio_unix_datagram_local_addr(d, &sun, &sunl));
	STEP(mio_unix_datagram_send(u, "dg", 2));
	STEP(wait_token(p, ev, &seen, T_D));
	STEP(mio_unix_datagram_recv(d, buf, sizeof(buf)));
	DRAINED(mio_unix_datagram_recv(d, buf, sizeof(buf)));
	STEP(mio_unix_datagram_shutdown(u, SHUT_RDWR));
	STEP(mio_unix_datagram_take_error(d, &err));
	CTOR2(mio_unix_datagram_pair(&da, &db), da, db);
	STEP(mio_unix_datagram_send(da, "x", 1));
	STEP(mio_unix_datagram_recv(db, buf, sizeof(buf)));

out:
	fault_quiet(true);
	health_poll(R, p, ev);
	if (pa != NULL && pb != NULL)
		HEALTH_BYTE(R, mio_unix_stream_write(pb, &_b, 1),
			    mio_unix_stream_read(pa, _in, sizeof(_in)), "the stream pair");
	if (da != NULL && db != NULL)
		HEALTH_BYTE(R, mio_unix_datagram_send(db, &_b, 1),
			    mio_unix_datagram_recv(da, _in, sizeof(_in)), "the datagram pair");
	mio_unix_stream_free(c);
	mio_unix_stream_free(s);
	mio_unix_stream_free(pa);
	mio_unix_stream_free(pb);
	mio_unix_listener_free(l);
	mio_unix_datagram_free(d);
	mio_unix_datagram_free(u);
	mio_unix_datagram_free(da);
	mio_unix_datagram_free(db);
	mio_events_free(ev);
	mio_poll_free(p);
	unlink(lpath);
	unlink(dpath);
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

typedef void (*scenario_fn)(struct run *R, const char *dir);

static unsigned long walk(const char *name, scenario_fn fn)
{
	char dir[] = "/tmp/mio-fault-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsigned long injected = 0, runs = 0, absorbed = 0;

	for (int site = 0; site < FS_COUNT; site++) {
		if (site == FS_ALLOC && !fault_alloc_supported())
			continue;
		int err = fault_site_errno((enum fault_site)site);
		for (unsigned long n = 1;; n++) {
			ck_assert_msg(n < 10000, "%s: %s: no end to the calls", name,
				      fault_site_name((enum fault_site)site));
			struct run R = { 0, NULL, NULL };
			int fds0 = mio_test_count_fds();
			fault_begin((enum fault_site)site, n, err);
			fn(&R, dir);
			fault_end();
			int fds1 = mio_test_count_fds();
			bool fired = fault_fired();
			long live = fault_live_allocs();
			runs++;

			const char *sn = fault_site_name((enum fault_site)site);
			ck_assert_msg(R.bad == NULL, "%s, %s #%lu failing (%s): %s", name, sn, n,
				      R.where ? R.where : "-", R.bad);
#ifdef MIO_FAULT_POLL_BACKEND
			/* The poll(2) backend empties its wakers with read(2)
			 * and ignores a failure there: the waker just stays
			 * readable and wakes once more.  Nothing to report. */
			if (fired && site == FS_READ && R.rc == 0) {
				injected++;
				absorbed++;
			} else
#endif
			if (fired) {
				injected++;
				/* from_fd maps a failed F_GETFL to -EBADF: the
				 * caller's fd is not usable, whatever the reason. */
				bool ok = R.rc == -err ||
					  (site == FS_FCNTL && R.rc == -EBADF);
				ck_assert_msg(ok, "%s, %s #%lu failing with %s: got %d (%s) from %s",
					      name, sn, n, mio_test_errname(err), R.rc,
					      R.rc < 0 ? mio_test_errname(-R.rc) : "ok",
					      R.where ? R.where : "the whole scenario");
			} else {
				ck_assert_msg(R.rc == 0, "%s without faults: %s returned %d (%s)",
					      name, R.where, R.rc, mio_test_errname(-R.rc));
			}
			ck_assert_msg(live == 0, "%s, %s #%lu failing: %ld allocation(s) not freed",
				      name, sn, n, live);
			ck_assert_msg(fds1 == fds0, "%s, %s #%lu failing: %d fds before, %d after",
				      name, sn, n, fds0, fds1);
			if (!fired)
				break;
		}
	}
	rmdir(dir);
	printf("fault injection: %s: %lu runs, %lu faults injected (%lu absorbed by design)%s\n",
	       name, runs, injected, absorbed,
	       fault_alloc_supported() ? "" : " (allocations not interposed under a sanitizer)");
	fflush(stdout);
	return injected;
}

/* Each walk must reach every kind of call its scenario is there for,
 * so that a scenario cut short by a bug cannot pass by injecting little. */
static void assert_reached(const char *name, const enum fault_site *sites, size_t n,
			   scenario_fn fn)
{
	char dir[] = "/tmp/mio-fault-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct run R = { 0, NULL, NULL };
	fault_begin(FS_COUNT, 0, 0);
	fn(&R, dir);
	fault_end();
	rmdir(dir);
	ck_assert_msg(R.rc == 0 && R.bad == NULL, "%s: %s returned %d (%s)", name,
		      R.where, R.rc, R.bad ? R.bad : mio_test_errname(-R.rc));
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(fault_calls(sites[i]) > 0, "%s never calls %s", name,
			      fault_site_name(sites[i]));
}

#ifdef MIO_FAULT_POLL_BACKEND
#define WAIT_SITE FS_POLL
#else
#define WAIT_SITE FS_EPOLL_WAIT
#endif

START_TEST(test_fault_core_every_call)
{
	const enum fault_site want[] = { FS_PIPE2, FS_WRITE, FS_READ, FS_READV, FS_WRITEV,
					 FS_FCNTL, WAIT_SITE };
	assert_reached("core", want, sizeof(want) / sizeof(want[0]), sc_core);
	ck_assert_uint_gt(walk("core", sc_core), 10);
}
END_TEST

START_TEST(test_fault_tcp_every_call)
{
	const enum fault_site want[] = { FS_SOCKET, FS_SETSOCKOPT, FS_BIND, FS_LISTEN,
					 FS_CONNECT, FS_ACCEPT4, FS_GETSOCKOPT, FS_GETSOCKNAME,
					 FS_GETPEERNAME, FS_FCNTL, FS_SEND, FS_RECV, FS_SENDMSG,
					 FS_READV, FS_SHUTDOWN, WAIT_SITE };
	assert_reached("tcp", want, sizeof(want) / sizeof(want[0]), sc_tcp);
	ck_assert_uint_gt(walk("tcp", sc_tcp), 20);
}
END_TEST

START_TEST(test_fault_tcp_socket_every_call)
{
	const enum fault_site want[] = { FS_SOCKET, FS_SETSOCKOPT, FS_GETSOCKOPT, FS_BIND,
					 FS_LISTEN, FS_CONNECT, FS_GETSOCKNAME, FS_FCNTL,
					 FS_ACCEPT4, WAIT_SITE };
	assert_reached("tcp_socket", want, sizeof(want) / sizeof(want[0]), sc_tcp_socket);
	ck_assert_uint_gt(walk("tcp_socket", sc_tcp_socket), 20);
}
END_TEST

START_TEST(test_fault_udp_every_call)
{
	const enum fault_site want[] = { FS_SOCKET, FS_BIND, FS_CONNECT, FS_SEND, FS_SENDTO,
					 FS_RECV, FS_RECVFROM, FS_SETSOCKOPT, FS_GETSOCKOPT,
					 FS_GETSOCKNAME, FS_GETPEERNAME };
	assert_reached("udp", want, sizeof(want) / sizeof(want[0]), sc_udp);
	ck_assert_uint_gt(walk("udp", sc_udp), 20);
}
END_TEST

START_TEST(test_fault_udp_msg_every_call)
{
	/* Probed now, outside the walk; said once. */
	cp_skip(CP_IP_TOS_SEND, "udp_msg walk: ECN on the batch");
	if (!cp_skip(CP_UDP_SEGMENT_SEND, "udp_msg walk: a segmented record"))
		cp_skip(CP_UDP_GRO_RECV, "udp_msg walk: a segmented record");
	const enum fault_site want[] = { FS_SOCKET, FS_SETSOCKOPT, FS_GETSOCKOPT, FS_BIND,
					 FS_GETSOCKNAME, FS_SENDMMSG, FS_RECVMMSG, WAIT_SITE };
	assert_reached("udp_msg", want, sizeof(want) / sizeof(want[0]), sc_udp_msg);
	ck_assert_uint_gt(walk("udp_msg", sc_udp_msg), 20);
}
END_TEST

/* ------------------------------------------------------------------ */
/* A kernel without UDP offload (1.2): the same calls, the same        */
/* datagrams                                                           */
/* ------------------------------------------------------------------ */

/* A plain receiver on 127.0.0.1 with room for many datagrams. */
static int plain_rx(struct sockaddr_storage *a, socklen_t *al)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	int big = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", a, al));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)a, *al), 0);
	*al = sizeof(*a);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)a, al), 0);
	return fd;
}

/* Receives `n` datagrams on fd: datagram k is `seg` bytes (the last of
 * each record `last`), and its first byte says which it is. */
static void expect_datagrams(int fd, unsigned n, unsigned per_record, size_t seg, size_t last)
{
	static unsigned char buf[2048];
	for (unsigned k = 0; k < n; k++) {
		ssize_t got = -1;
		for (int i = 0; i < 2000 && got < 0; i++) {
			got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (got < 0)
				pause_ms(1);
		}
		size_t want = (k % per_record == per_record - 1) ? last : seg;
		ck_assert_msg(got == (ssize_t)want, "datagram %u: %zd bytes, want %zu", k, got, want);
		ck_assert_msg(buf[0] == (unsigned char)k, "datagram %u came as %u", k, buf[0]);
	}
	ck_assert_int_lt(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 0);
}

/* `records` records of `per` segments of 100 bytes (the last 50) from
 * one buffer; byte 0 of each datagram numbers it. */
static void make_runs(mio_udp_msg *m, unsigned char *buf, unsigned records, unsigned per,
		      const struct sockaddr_storage *to, socklen_t tl)
{
	memset(m, 0, records * sizeof(*m));
	size_t rec_len = (per - 1) * 100 + 50;
	for (unsigned r = 0; r < records; r++) {
		m[r].buf = buf + r * rec_len;
		m[r].len = rec_len;
		m[r].capacity = rec_len;
		m[r].segment_size = per > 1 ? 100 : 0;
		memcpy(&m[r].addr, to, tl);
		m[r].addr_len = tl;
		for (unsigned s = 0; s < per; s++)
			buf[r * rec_len + s * 100] = (unsigned char)(r * per + s);
	}
}

START_TEST(test_fault_udp_no_gso_gro)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	int rx = plain_rx(&ra, &rl);
	fault_refuse_option(SOL_UDP, UDP_SEGMENT, ENOPROTOOPT);
	fault_refuse_option(SOL_UDP, UDP_GRO, ENOPROTOOPT);
	mio_udp_socket *tx = NULL;
	ck_assert_ok(mio_udp_socket_new_v4(&tx));
	uint32_t gso = 0, gro = 0;
	ck_assert_ok(mio_udp_socket_gso_segments(tx, &gso));
	ck_assert_uint_eq(gso, 1);
	/* set_gro succeeds and changes nothing: nothing to branch on. */
	ck_assert_ok(mio_udp_socket_set_gro(tx, true));
	ck_assert_ok(mio_udp_socket_gro_segments(tx, &gro));
	ck_assert_uint_eq(gro, 1);

	/* 3 runs of 20: 60 datagrams, in one sendmmsg. */
	static unsigned char buf[64 * 6400];
	mio_udp_msg m[MIO_UDP_MSGS_MAX];
	make_runs(m, buf, 3, 20, &ra, rl);
	fault_begin(FS_COUNT, 0, 0);
	int n = mio_udp_socket_send_msgs(tx, m, 3);
	fault_end();
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(fault_calls(FS_SENDMMSG), 1);
	expect_datagrams(rx, 60, 20, 100, 50);

	/* 4 runs of 64 segments: 256 datagrams, 4 calls of 64 entries. */
	make_runs(m, buf, 4, 64, &ra, rl);
	fault_begin(FS_COUNT, 0, 0);
	n = mio_udp_socket_send_msgs(tx, m, 4);
	fault_end();
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(fault_calls(FS_SENDMMSG), 4);
	for (unsigned r = 0; r < 4; r++)  /* sent whole: untouched */
		ck_assert_ptr_eq(m[r].buf, buf + r * (63 * 100 + 50));
	for (unsigned k = 0; k < 256; k++) {
		ssize_t got = -1;
		static unsigned char in[2048];
		for (int i = 0; i < 2000 && got < 0; i++) {
			got = recv(rx, in, sizeof(in), MSG_DONTWAIT);
			if (got < 0)
				pause_ms(1);
		}
		ck_assert_int_eq(got, k % 64 == 63 ? 50 : 100);
		ck_assert_uint_eq(in[0], (unsigned char)k);
	}
	fault_refuse_option(0, 0, 0);
	mio_udp_socket_free(tx);
	close(rx);
}
END_TEST

/*
 * Where runs are looped, a send may stop inside a record: record 0 has
 * 10 segments and record 1 64, so the first sendmmsg carries record 0
 * and 54 of record 1, and the second (failed here with EAGAIN) the last
 * 10.  The call returns 1, record 1 is cut to its last 10 datagrams
 * (buf, len and capacity), and the next call sends exactly those.
 */
START_TEST(test_fault_udp_looped_record_resumes)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	int rx = plain_rx(&ra, &rl);
	fault_refuse_option(SOL_UDP, UDP_SEGMENT, ENOPROTOOPT);
	mio_udp_socket *tx = NULL;
	ck_assert_ok(mio_udp_socket_new_v4(&tx));
	static unsigned char buf[10 * 100 + 64 * 100];
	mio_udp_msg m[2];
	memset(m, 0, sizeof(m));
	for (unsigned s = 0; s < 74; s++)
		buf[s * 100] = (unsigned char)s;
	m[0].buf = buf;
	m[0].len = 1000;
	m[1].buf = buf + 1000;
	m[1].len = m[1].capacity = 6400;
	m[0].segment_size = m[1].segment_size = 100;
	memcpy(&m[0].addr, &ra, rl);
	memcpy(&m[1].addr, &ra, rl);
	m[0].addr_len = m[1].addr_len = rl;
	fault_begin(FS_SENDMMSG, 2, EAGAIN);
	int n = mio_udp_socket_send_msgs(tx, m, 2);
	fault_end();
	ck_assert_int_eq(n, 1);
	ck_assert_ptr_eq(m[1].buf, buf + 1000 + 54 * 100);
	ck_assert_uint_eq(m[1].len, 1000);
	ck_assert_uint_eq(m[1].capacity, 1000);
	ck_assert_uint_eq(m[1].segment_size, 100);
	/* Nothing sent at all: the error, the record as it was. */
	fault_begin(FS_SENDMMSG, 1, EAGAIN);
	ck_assert_errno(mio_udp_socket_send_msgs(tx, m + 1, 1), EAGAIN);
	fault_end();
	ck_assert_ptr_eq(m[1].buf, buf + 1000 + 54 * 100);
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m + 1, 1), 1);
	expect_datagrams(rx, 74, 74, 100, 100);
	/* A short last datagram left alone: segment_size becomes its length. */
	m[0].buf = buf;
	m[0].len = 250;
	m[0].capacity = 0;
	fault_begin(FS_SENDMMSG, 0, 0);
	fault_sendmmsg_limit(2);  /* 100 + 100 go, 50 is left */
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m, 1), 1);
	fault_sendmmsg_limit(0);
	fault_end();
	ck_assert_uint_eq(fault_calls(FS_SENDMMSG), 2);  /* the rest in a second call */
	expect_datagrams(rx, 3, 3, 100, 50);
	fault_refuse_option(0, 0, 0);
	mio_udp_socket_free(tx);
	close(rx);
}
END_TEST

/*
 * A kernel that sends fewer entries than asked (as sendmmsg does when a
 * later entry fails): the call goes on from the first unsent entry, and
 * returns only when all went or an error came, with the right count, each
 * datagram sent once.  Both with kernel segmentation and looped.
 */
START_TEST(test_fault_udp_short_sendmmsg)
{
	for (int looped = 0; looped < 2; looped++) {
		struct sockaddr_storage ra;
		socklen_t rl;
		int rx = plain_rx(&ra, &rl);
		if (looped)
			fault_refuse_option(SOL_UDP, UDP_SEGMENT, ENOPROTOOPT);
		else if (cp_skip(CP_UDP_SEGMENT_SEND, "udp_short_sendmmsg: with kernel segmentation")) {
			close(rx);
			continue;
		}
		mio_udp_socket *tx = NULL;
		ck_assert_ok(mio_udp_socket_new_v4(&tx));
		static unsigned char buf[8 * 750];
		mio_udp_msg m[8];
		make_runs(m, buf, 8, 8, &ra, rl);
		fault_begin(FS_COUNT, 0, 0);
		fault_sendmmsg_limit(3);
		int n = mio_udp_socket_send_msgs(tx, m, 8);
		fault_sendmmsg_limit(0);
		fault_end();
		ck_assert_int_eq(n, 8);
		uint32_t gso = 0;
		ck_assert_ok(mio_udp_socket_gso_segments(tx, &gso));
		/* 8 records, or 64 datagrams, 3 entries a call. */
		ck_assert_uint_eq(fault_calls(FS_SENDMMSG), gso > 1 ? 3 : 22);
		expect_datagrams(rx, 64, 8, 100, 50);
		fault_refuse_option(0, 0, 0);
		mio_udp_socket_free(tx);
		close(rx);
	}
}
END_TEST

START_TEST(test_fault_unix_every_call)
{
	const enum fault_site want[] = { FS_SOCKET, FS_SOCKETPAIR, FS_BIND, FS_LISTEN,
					 FS_CONNECT, FS_ACCEPT4, FS_SEND, FS_SENDTO, FS_SENDMSG,
					 FS_RECV, FS_RECVFROM, FS_READV, FS_SHUTDOWN,
					 FS_GETSOCKNAME, FS_GETPEERNAME, FS_GETSOCKOPT };
	assert_reached("unix", want, sizeof(want) / sizeof(want[0]), sc_unix);
	ck_assert_uint_gt(walk("unix", sc_unix), 20);
}
END_TEST

MIO_SUITE(fault)
{
	Suite *s = suite_create("fault");
	TCase *tc = mio_tcase("walk");
	/* Hundreds of runs each; valgrind makes that slow. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_fault_core_every_call);
	tcase_add_test(tc, test_fault_tcp_every_call);
	tcase_add_test(tc, test_fault_tcp_socket_every_call);
	tcase_add_test(tc, test_fault_udp_every_call);
	tcase_add_test(tc, test_fault_unix_every_call);
	tcase_add_test(tc, test_fault_udp_msg_every_call);
	suite_add_tcase(s, tc);
	TCase *tk = mio_tcase("udp_kernel");
	tcase_add_test(tk, test_fault_udp_no_gso_gro);
	tcase_add_test(tk, test_fault_udp_looped_record_resumes);
	tcase_add_test(tk, test_fault_udp_short_sendmmsg);
	suite_add_tcase(s, tk);
	return s;
}
