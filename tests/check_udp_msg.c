/*
 * check_udp_msg.c - the UDP batch API (mio_udp_msg(3)) and the builder
 * (mio_udp_socket(3), 1.2): recv_msgs/send_msgs over loopback, partial
 * batches and the sendmmsg error rule, segmentation offload both ways,
 * ECN codepoints, packet info on wildcard binds, truncation, and the
 * options that precede bind.
 *
 * Nothing here assumes the kernel segments: where it does not, the same
 * calls send and receive the same datagrams one by one, and the tests
 * compare datagrams, not system calls.  Where it does (Linux >= 5.0 with
 * UDP_GRO), the single-record form is checked too; tests/fault/ makes the
 * kernel refuse both options to walk the other path.  Peers are often
 * plain libc sockets, so that a bug cannot cancel itself out on both ends.
 *
 * Where the platform under the tests does not carry a control message
 * (qemu-user on a big-endian guest copies most of them unconverted; the
 * raw-syscall probe of cmsgprobe.h finds out), only what depends on that
 * message is left out, with a SKIP line saying why; on a real kernel the
 * probe finds every one carried and nothing is left out.
 *
 * SPDX-License-Identifier: MIT
 */
#include "netutil.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define SA(p) ((struct sockaddr *)(p))
#define MAXDG 512

/* Datagram k of run `seed`: its bytes are a pattern nobody else sends. */
static void fill(unsigned char *p, size_t n, unsigned seed, unsigned k)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 31 + k * 7 + seed * 13) % 251);
}

static bool same(const unsigned char *p, size_t n, unsigned seed, unsigned k)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)((i * 31 + k * 7 + seed * 13) % 251))
			return false;
	return true;
}

static mio_udp_socket *bound(const char *text, struct sockaddr_storage *a, socklen_t *al)
{
	struct sockaddr_storage tmp;
	socklen_t tl;
	if (a == NULL) {
		a = &tmp;
		al = &tl;
	}
	ck_assert_ok(mio_addr_parse(text, a, al));
	mio_udp_socket *u = NULL;
	ck_assert_ok(mio_udp_socket_bind(SA(a), *al, &u));
	*al = sizeof(*a);
	ck_assert_ok(mio_udp_socket_local_addr(u, a, al));
	return u;
}

/* A record array with a buffer of `cap` bytes each, allocated one by one
 * so that ASan sees a write past any record's capacity. */
static mio_udp_msg *msgs_new(size_t n, size_t cap)
{
	mio_udp_msg *m = calloc(n, sizeof(*m));
	ck_assert_ptr_nonnull(m);
	for (size_t i = 0; i < n; i++) {
		m[i].buf = malloc(cap ? cap : 1);
		ck_assert_ptr_nonnull(m[i].buf);
		m[i].capacity = cap;
	}
	return m;
}

static void msgs_free(mio_udp_msg *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].buf);
	free(m);
}

/* One datagram as it arrived: split out of its record by segment_size. */
struct dg {
	size_t len;
	unsigned char *bytes;
	uint8_t ecn;
	uint32_t ifindex, stride;
	struct sockaddr_storage from, local;
	socklen_t local_len;
	size_t record;  /* which record of all received it was in */
};

struct got {
	size_t n, records;
	struct dg d[MAXDG];
	unsigned char *arena;
	size_t used;
};

static void got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	g->arena = malloc(4 << 20);
	ck_assert_ptr_nonnull(g->arena);
}

static void got_free(struct got *g)
{
	free(g->arena);
}

/* Splits what recv_msgs returned into datagrams (the caller's view: the
 * same code whether or not the kernel coalesced). */
static void got_add(struct got *g, const mio_udp_msg *m, int n)
{
	for (int r = 0; r < n; r++, g->records++) {
		size_t off = 0, stride = m[r].segment_size ? m[r].segment_size : m[r].len;
		ck_assert_uint_le(m[r].len, m[r].capacity);
		ck_assert_uint_le(m[r].addr_len, sizeof(m[r].addr));
		do {
			size_t len = m[r].len - off < stride ? m[r].len - off : stride;
			ck_assert_uint_lt(g->n, MAXDG);
			ck_assert_uint_le(g->used + len, 4u << 20);
			struct dg *d = &g->d[g->n++];
			d->len = len;
			d->bytes = g->arena + g->used;
			memcpy(d->bytes, (char *)m[r].buf + off, len);
			g->used += len;
			d->ecn = m[r].ecn;
			d->ifindex = m[r].ifindex;
			d->stride = m[r].segment_size;
			d->from = m[r].addr;
			d->local = m[r].local;
			d->local_len = m[r].local_len;
			d->record = g->records;
			off += len;
		} while (off < m[r].len);
	}
}

/* Receives on u (registered READABLE with token tok) until `want`
 * datagrams have come, draining to -EAGAIN after each event as the
 * edge-triggered rule says. */
static void recv_dgrams(mio_poll *p, mio_events *ev, mio_token tok, mio_udp_socket *u,
			mio_udp_msg *m, size_t n, struct got *g, size_t want)
{
	while (g->n < want) {
		nt_expect(p, ev, tok, NT_R);
		for (;;) {
			int k = mio_udp_socket_recv_msgs(u, m, n);
			if (k == -EAGAIN)
				break;
			ck_assert_msg(k > 0, "recv_msgs: %d (%s)", k, k < 0 ? mio_test_errname(-k) : "0");
			ck_assert_int_le(k, (int)n);
			got_add(g, m, k);
		}
	}
	ck_assert_uint_eq(g->n, want);
}

static mio_udp_msg rec_to(void *buf, size_t len, const struct sockaddr_storage *to, socklen_t tl)
{
	mio_udp_msg m;
	memset(&m, 0, sizeof(m));
	m.buf = buf;
	m.len = len;
	if (to != NULL) {
		memcpy(&m.addr, to, tl);
		m.addr_len = tl;
	}
	return m;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return nt_port(ss);
}

/* Waits (at most NT_WAIT_MS) until fd is readable: the loopback
 * delivers as it sends, but a softirq may run late on a loaded machine. */
static void wait_fd(int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	ck_assert_msg(poll(&pfd, 1, NT_WAIT_MS) == 1, "nothing to receive on fd %d", fd);
}

static int recv_msgs_wait(mio_udp_socket *u, mio_udp_msg *m, size_t n)
{
	wait_fd(mio_udp_socket_fd(u));
	return mio_udp_socket_recv_msgs(u, m, n);
}

/* A plain libc receiver gets n datagrams of `seg` bytes (the last one
 * `last`), datagram k with the bytes fill(seed, k0 + k); then nothing. */
static void plain_expect(int fd, unsigned n, size_t seg, size_t last, unsigned seed, unsigned k0)
{
	static unsigned char in[65536];
	for (unsigned k = 0; k < n; k++) {
		wait_fd(fd);
		ssize_t got = recv(fd, in, sizeof(in), MSG_DONTWAIT);
		size_t want = k == n - 1 ? last : seg;
		ck_assert_msg(got == (ssize_t)want, "datagram %u: %zd bytes, want %zu", k, got, want);
		ck_assert(same(in, want, seed, k0 + k));
	}
	ck_assert_int_lt(recv(fd, in, sizeof(in), MSG_DONTWAIT), 0);
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

/* 40 datagrams of assorted sizes (0 to 1500) in two send_msgs calls
 * (32 + 8), received in batches of 16: all arrive, in order, each with
 * the sender's address; then -EAGAIN.  Both families. */
static void batch_roundtrip(const char *where)
{
	struct sockaddr_storage ra, sa;
	socklen_t rl, sl;
	mio_udp_socket *rx = bound(where, &ra, &rl);
	mio_udp_socket *tx = bound(where, &sa, &sl);
	nt_assert_nonblock_cloexec(mio_udp_socket_fd(rx));
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(rx), 1,
					   MIO_READABLE));
	mio_udp_msg out[40];
	unsigned char *bufs = malloc(40 * 1500);
	for (unsigned k = 0; k < 40; k++) {
		size_t len = (k * 397) % 1501;
		fill(bufs + k * 1500, len, 1, k);
		out[k] = rec_to(bufs + k * 1500, len, &ra, rl);
	}
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, out, 32), 32);
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, out + 32, 8), 8);

	mio_udp_msg *in = msgs_new(16, 2048);
	struct got g;
	got_init(&g);
	recv_dgrams(p, ev, 1, rx, in, 16, &g, 40);
	for (unsigned k = 0; k < 40; k++) {
		ck_assert_uint_eq(g.d[k].len, (k * 397) % 1501);
		ck_assert(same(g.d[k].bytes, g.d[k].len, 1, k));
		ck_assert(nt_addr_equal(&g.d[k].from, &sa));
		ck_assert_uint_eq(g.d[k].stride, g.d[k].len);  /* one datagram a record */
		ck_assert_uint_eq(g.d[k].ecn, 0);
		ck_assert_uint_eq(g.d[k].local_len, 0);  /* pktinfo not asked for */
	}
	ck_assert_uint_ge(g.records, 40);
	ck_assert_errno(mio_udp_socket_recv_msgs(rx, in, 16), EAGAIN);
	got_free(&g);
	msgs_free(in, 16);
	free(bufs);
	nt_poll_free(p, ev);
	mio_udp_socket_free(rx);
	mio_udp_socket_free(tx);
}

START_TEST(test_udp_msg_batch_ipv4) { batch_roundtrip("127.0.0.1:0"); }
END_TEST

START_TEST(test_udp_msg_batch_ipv6)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	batch_roundtrip("[::1]:0");
}
END_TEST

/* A partial batch: 3 queued, 8 asked for: 3 come back, the other records
 * are not touched, the queue is then empty, and the next datagram brings
 * a new event (on the poll(2) backend too: a short batch re-arms). */
START_TEST(test_udp_msg_partial_batch)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(rx), 1,
					   MIO_READABLE));
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(sendto(tx, "abc", (size_t)k + 1, 0, SA(&ra), rl), k + 1);
	nt_expect(p, ev, 1, NT_R);
	mio_udp_msg *in = msgs_new(8, 64);
	for (int i = 0; i < 8; i++) {
		in[i].len = 999;
		in[i].flags = 0xdead;
	}
	ck_assert_int_eq(mio_udp_socket_recv_msgs(rx, in, 8), 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(in[i].len, (size_t)i + 1);
		ck_assert_uint_eq(in[i].flags, 0);
		ck_assert_mem_eq(in[i].buf, "abc", (size_t)i + 1);
	}
	for (int i = 3; i < 8; i++) {
		ck_assert_uint_eq(in[i].len, 999);
		ck_assert_uint_eq(in[i].flags, 0xdead);
	}
	/* Stopping at the short batch, without seeing -EAGAIN. */
	ck_assert_int_eq(sendto(tx, "z", 1, 0, SA(&ra), rl), 1);
	nt_expect(p, ev, 1, NT_R);
	ck_assert_int_eq(mio_udp_socket_recv_msgs(rx, in, 8), 1);
	ck_assert_errno(mio_udp_socket_recv_msgs(rx, in, 8), EAGAIN);
	nt_expect_none(p, ev);
	msgs_free(in, 8);
	nt_poll_free(p, ev);
	close(tx);
	mio_udp_socket_free(rx);
}
END_TEST

/* MSG_TRUNC: a datagram longer than the record's capacity fills it and is
 * flagged; len never exceeds capacity (0 included); the next record gets
 * the next datagram whole. */
START_TEST(test_udp_msg_truncation)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned char big[3000];
	fill(big, sizeof(big), 2, 0);
	ck_assert_int_eq(sendto(tx, big, sizeof(big), 0, SA(&ra), rl), (ssize_t)sizeof(big));
	ck_assert_int_eq(sendto(tx, big, 10, 0, SA(&ra), rl), 10);
	ck_assert_int_eq(sendto(tx, big, 10, 0, SA(&ra), rl), 10);
	mio_udp_msg *in = msgs_new(3, 100);
	in[1].capacity = 0;
	for (int n = 0; n < 3;) {
		int k = recv_msgs_wait(rx, in + n, (size_t)(3 - n));
		ck_assert_int_gt(k, 0);
		n += k;
	}
	ck_assert_uint_eq(in[0].len, 100);
	ck_assert_uint_eq(in[0].flags, MIO_UDP_MSG_TRUNC);
	ck_assert(same(in[0].buf, 100, 2, 0));
	ck_assert_uint_eq(in[0].segment_size, 100);
	ck_assert_uint_eq(in[1].len, 0);
	ck_assert_uint_eq(in[1].flags, MIO_UDP_MSG_TRUNC);
	ck_assert_uint_eq(in[2].len, 10);
	ck_assert_uint_eq(in[2].flags, 0);
	msgs_free(in, 3);
	close(tx);
	mio_udp_socket_free(rx);
}
END_TEST

/* addr_len 0 sends to the connected peer; on an unconnected socket the
 * kernel says EDESTADDRREQ.  Records may mix both on a connected socket. */
START_TEST(test_udp_msg_connected)
{
	struct sockaddr_storage ra, oa;
	socklen_t rl, ol;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	mio_udp_socket *other = bound("127.0.0.1:0", &oa, &ol);
	mio_udp_socket *tx = bound("127.0.0.1:0", NULL, NULL);
	char x = 'x';
	mio_udp_msg m[2] = { rec_to(&x, 1, NULL, 0), rec_to(&x, 1, &oa, ol) };
	ck_assert_errno(mio_udp_socket_send_msgs(tx, m, 2), EDESTADDRREQ);
	ck_assert_ok(mio_udp_socket_connect(tx, SA(&ra), rl));
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m, 2), 2);
	char buf[4];
	wait_fd(mio_udp_socket_fd(rx));
	ck_assert_int_eq(mio_udp_socket_recv(rx, buf, sizeof(buf)), 1);
	wait_fd(mio_udp_socket_fd(other));
	ck_assert_int_eq(mio_udp_socket_recv(other, buf, sizeof(buf)), 1);
	mio_udp_socket_free(rx);
	mio_udp_socket_free(other);
	mio_udp_socket_free(tx);
}
END_TEST

/* Empty datagrams: a record of 0 bytes needs no buffer, both ways, and a
 * receive with no room reports the datagram (truncated only if it had
 * bytes).  fuzz_udp_msg found NULL + 0 computed here (undefined in C). */
START_TEST(test_udp_msg_empty_datagram)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	mio_udp_socket *tx = bound("127.0.0.1:0", NULL, NULL);
	char x = 'x';
	mio_udp_msg m[2] = { rec_to(NULL, 0, &ra, rl), rec_to(&x, 1, &ra, rl) };
	m[0].segment_size = 0;
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m, 2), 2);
	mio_udp_msg in[2];
	memset(in, 0, sizeof(in));
	int n = 0;
	while (n < 2) {
		int k = recv_msgs_wait(rx, in + n, (size_t)(2 - n));
		ck_assert_int_gt(k, 0);
		n += k;
	}
	ck_assert_uint_eq(in[0].len, 0);
	ck_assert_uint_eq(in[0].flags, 0);
	ck_assert_uint_eq(in[0].segment_size, 0);
	ck_assert_uint_eq(in[1].len, 0);
	ck_assert_uint_eq(in[1].flags, MIO_UDP_MSG_TRUNC);
	mio_udp_socket_free(rx);
	mio_udp_socket_free(tx);
}
END_TEST

/*
 * The sendmmsg rule: record k fails after records 0..k-1 went.  The call
 * returns k (the datagrams before it are sent, the ones after it are
 * not); called again from record k it returns k's error; from k+1 it
 * sends the rest.  Record 2 here is an IPv6 destination on an IPv4
 * socket: a valid record the kernel refuses (EAFNOSUPPORT).
 */
START_TEST(test_udp_msg_send_error_rule)
{
	struct sockaddr_storage ra, v6;
	socklen_t rl, v6l;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	mio_udp_socket *tx = bound("127.0.0.1:0", NULL, NULL);
	ck_assert_ok(mio_addr_parse("[::1]:9", &v6, &v6l));
	char d[5] = "01234";
	mio_udp_msg m[5];
	for (int k = 0; k < 5; k++)
		m[k] = rec_to(&d[k], 1, &ra, rl);
	m[2] = rec_to(&d[2], 1, &v6, v6l);
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m, 5), 2);
	ck_assert_errno(mio_udp_socket_send_msgs(tx, m + 2, 3), EAFNOSUPPORT);
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m + 3, 2), 2);
	char got[8];
	for (size_t n = 0; n < 4; n++) {
		wait_fd(mio_udp_socket_fd(rx));
		ck_assert_int_eq(mio_udp_socket_recv(rx, got + n, 1), 1);
	}
	ck_assert_mem_eq(got, "0134", 4);
	ck_assert_errno(mio_udp_socket_recv(rx, got, 1), EAGAIN);
	mio_udp_socket_free(rx);
	mio_udp_socket_free(tx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Segmentation offload                                                */
/* ------------------------------------------------------------------ */

/* One record of 10 x 1200 + 500 bytes with segment_size 1200, to a plain
 * libc receiver: 11 datagrams of 1200 (the last 500), in order, whatever
 * the kernel can do; gso_segments is 64 where it segments, else 1. */
static void gso_to_plain(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	const char *where = family == AF_INET6 ? "[::1]:0" : "127.0.0.1:0";
	struct sockaddr_storage ra;
	socklen_t rl;
	mio_udp_socket *rxm = bound(where, &ra, &rl);
	int rx = mio_udp_socket_into_fd(rxm);
	mio_udp_socket *tx = bound(where, NULL, NULL);
	uint32_t segs = 0;
	ck_assert_ok(mio_udp_socket_gso_segments(tx, &segs));
	ck_assert(segs == 1 || segs == MIO_UDP_MAX_SEGMENTS);
	fprintf(stderr, "gso_segments: %u\n", segs);
	if (cp_skip(CP_UDP_SEGMENT_SEND, "gso_to_plain: a segmented record")) {
		close(rx);
		mio_udp_socket_free(tx);
		return;
	}

	unsigned char *buf = malloc(12500);
	for (unsigned k = 0; k < 11; k++)
		fill(buf + k * 1200, k < 10 ? 1200 : 500, 3, k);
	mio_udp_msg m = rec_to(buf, 12500, &ra, rl);
	m.segment_size = 1200;
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, &m, 1), 1);
	ck_assert_ptr_eq(m.buf, buf);  /* sent whole: the record is not touched */
	ck_assert_uint_eq(m.len, 12500);
	plain_expect(rx, 11, 1200, 500, 3, 0);
	free(buf);
	close(rx);
	mio_udp_socket_free(tx);
}

START_TEST(test_udp_msg_gso_ipv4) { gso_to_plain(AF_INET); }
END_TEST

START_TEST(test_udp_msg_gso_ipv6) { gso_to_plain(AF_INET6); }
END_TEST

/*
 * GRO: the receiver turns UDP_GRO on; two segmented records and a plain
 * datagram come back as 23 datagrams in order.  Where the kernel both
 * segments and coalesces (gso and gro segments 64), each run arrives as
 * one record whose segment_size is the stride, and echoing the records
 * as received reproduces the same datagrams.
 */
static void gso_gro(int family)
{
	if (nt_skip_without_ipv6(family))
		return;
	const char *where = family == AF_INET6 ? "[::1]:0" : "127.0.0.1:0";
	struct sockaddr_storage ra, sa;
	socklen_t rl, sl;
	mio_udp_socket *rx = bound(where, &ra, &rl);
	mio_udp_socket *tx = bound(where, &sa, &sl);
	uint32_t gro = 0, gso = 0;
	ck_assert_ok(mio_udp_socket_gro_segments(rx, &gro));
	ck_assert_uint_eq(gro, 1);
	ck_assert_ok(mio_udp_socket_set_gro(rx, true));
	ck_assert_ok(mio_udp_socket_gro_segments(rx, &gro));
	ck_assert_ok(mio_udp_socket_gso_segments(tx, &gso));
	fprintf(stderr, "gro_segments %u, gso_segments %u\n", gro, gso);
	if (cp_skip(CP_UDP_SEGMENT_SEND, "gso_gro: segmented runs both ways") ||
	    cp_skip(CP_UDP_GRO_RECV, "gso_gro: segmented runs both ways")) {
		mio_udp_socket_free(rx);
		mio_udp_socket_free(tx);
		return;
	}
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(rx), 1,
					   MIO_READABLE));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(tx), 2,
					   MIO_READABLE));

	unsigned char *buf = malloc(3 * 12500);
	unsigned k = 0;
	for (unsigned i = 0; i < 11; i++, k++)
		fill(buf + i * 1200, i < 10 ? 1200 : 500, 4, k);
	for (unsigned i = 0; i < 11; i++, k++)
		fill(buf + 12500 + i * 1000, 1000, 4, k);
	fill(buf + 25000, 77, 4, k++);
	mio_udp_msg m[3] = { rec_to(buf, 12500, &ra, rl), rec_to(buf + 12500, 11000, &ra, rl),
			     rec_to(buf + 25000, 77, &ra, rl) };
	m[0].segment_size = 1200;
	m[1].segment_size = 1000;
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m, 3), 3);

	mio_udp_msg *in = msgs_new(8, 65536);
	struct got g;
	got_init(&g);
	recv_dgrams(p, ev, 1, rx, in, 8, &g, 23);
	for (unsigned i = 0; i < 23; i++) {
		size_t want = i < 10 ? 1200 : i == 10 ? 500 : i < 22 ? 1000 : 77;
		ck_assert_uint_eq(g.d[i].len, want);
		ck_assert(same(g.d[i].bytes, want, 4, i));
		ck_assert(nt_addr_equal(&g.d[i].from, &sa));
	}
	if (gro > 1 && gso > 1) {
		/* Loopback hands the segmented send to a GRO socket whole. */
		ck_assert_uint_eq(g.records, 3);
		ck_assert_uint_eq(g.d[0].stride, 1200);
		ck_assert_uint_eq(g.d[11].stride, 1000);
		ck_assert_uint_eq(g.d[22].stride, 77);
	} else {
		ck_assert_uint_eq(g.records, 23);
	}

	/* And back the same way, from the datagrams as they were split. */
	ck_assert_errno(mio_udp_socket_recv_msgs(rx, in, 8), EAGAIN);
	struct got g2;
	got_init(&g2);
	mio_udp_msg back[3] = { rec_to(g.d[0].bytes, 12500, &sa, sl),
				rec_to(g.d[11].bytes, 11000, &sa, sl),
				rec_to(g.d[22].bytes, 77, &sa, sl) };
	back[0].segment_size = 1200;
	back[1].segment_size = 1000;
	back[2].segment_size = 77;  /* == len: one datagram */
	ck_assert_int_eq(mio_udp_socket_send_msgs(rx, back, 3), 3);
	recv_dgrams(p, ev, 2, tx, in, 8, &g2, 23);
	for (unsigned i = 0; i < 23; i++)
		ck_assert(same(g2.d[i].bytes, g2.d[i].len, 4, i));
	got_free(&g);
	got_free(&g2);
	msgs_free(in, 8);
	free(buf);
	nt_poll_free(p, ev);
	mio_udp_socket_free(rx);
	mio_udp_socket_free(tx);
}

START_TEST(test_udp_msg_gro_ipv4) { gso_gro(AF_INET); }
END_TEST

START_TEST(test_udp_msg_gro_ipv6) { gso_gro(AF_INET6); }
END_TEST

/*
 * A socket that refuses segmentation: with SO_NO_CHECK Linux fails a
 * segmented send with EINVAL (udp_send_skb).  The record still goes out,
 * one datagram per segment, and from then on gso_segments says 1.
 */
START_TEST(test_udp_msg_gso_refused_by_socket)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	int rx = mio_udp_socket_into_fd(bound("127.0.0.1:0", &ra, &rl));
	mio_udp_socket *tx = bound("127.0.0.1:0", NULL, NULL);
	uint32_t before = 0, after = 0;
	ck_assert_ok(mio_udp_socket_gso_segments(tx, &before));
	int one = 1;
	ck_assert_int_eq(setsockopt(mio_udp_socket_fd(tx), SOL_SOCKET, SO_NO_CHECK, &one,
				    sizeof(one)), 0);
	unsigned char buf[5000];
	for (unsigned k = 0; k < 5; k++)
		fill(buf + k * 1000, 1000, 5, k);
	mio_udp_msg m = rec_to(buf, 5000, &ra, rl);
	m.segment_size = 1000;
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, &m, 1), 1);
	ck_assert_ok(mio_udp_socket_gso_segments(tx, &after));
	ck_assert_uint_eq(after, 1);
	fprintf(stderr, "SO_NO_CHECK: gso_segments %u before the first send, %u after\n",
		before, after);
	plain_expect(rx, 5, 1000, 1000, 5, 0);
	/* And again, now looped from the start. */
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, &m, 1), 1);
	plain_expect(rx, 5, 1000, 1000, 5, 0);
	close(rx);
	mio_udp_socket_free(tx);
}
END_TEST

/* A run larger than one IPv4 packet may carry with segmentation (65507
 * bytes of payload): the kernel says EMSGSIZE to the segmented send, and
 * the 55 datagrams go one by one instead, on both paths. */
START_TEST(test_udp_msg_gso_oversized_run)
{
	struct sockaddr_storage ra;
	socklen_t rl;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	ck_assert_ok(mio_udp_socket_set_recv_buffer_size(rx, 1 << 20));
	int rfd = mio_udp_socket_into_fd(rx);
	mio_udp_socket *tx = bound("127.0.0.1:0", NULL, NULL);
	unsigned char *buf = malloc(65535);
	for (unsigned k = 0; k < 55; k++)
		fill(buf + k * 1200, k < 54 ? 1200 : 65535 - 54 * 1200, 6, k);
	mio_udp_msg m = rec_to(buf, 65535, &ra, rl);
	m.segment_size = 1200;
	ck_assert_int_eq(mio_udp_socket_send_msgs(tx, &m, 1), 1);
	plain_expect(rfd, 55, 1200, 65535 - 54 * 1200, 6, 0);
	free(buf);
	close(rfd);
	mio_udp_socket_free(tx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ECN                                                                 */
/* ------------------------------------------------------------------ */

/* Datagram k of the ECN runs, sent by a plain libc socket with its
 * codepoint set by setsockopt (a socket option, which the platform
 * carries where the control message is not). */
static void plain_ecn_send(int fd, const void *buf, size_t len, const struct sockaddr_storage *to,
			   socklen_t tl, int ecn)
{
	if (to->ss_family == AF_INET)
		ck_assert_int_eq(setsockopt(fd, IPPROTO_IP, IP_TOS, &ecn, sizeof(ecn)), 0);
	else
		ck_assert_int_eq(setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &ecn, sizeof(ecn)), 0);
	ck_assert_int_eq(sendto(fd, buf, len, 0, SA(to), tl), (ssize_t)len);
}

/* Every codepoint sent is the one received, per datagram and through a
 * segmented run; with recv_ecn off the receiver reports 0.  Where the
 * platform does not carry the codepoint's control message on send, the
 * receiving side is still checked, against a plain socket that marks
 * its datagrams with setsockopt; where it does not carry segmentation,
 * the run goes as three records. */
static void ecn_family(const char *rx_where, const char *to_text)
{
	struct sockaddr_storage ra, to;
	socklen_t rl, tl;
	mio_udp_socket *rx = bound(rx_where, &ra, &rl);
	ck_assert_ok(mio_addr_parse(to_text, &to, &tl));
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(port_of(&ra));
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(port_of(&ra));
	bool v4_mapped = to.ss_family == AF_INET6 &&
			 IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&to)->sin6_addr);
	bool v4_traffic = to.ss_family == AF_INET || v4_mapped;
	/* The sender: IPv4, IPv6, or dual-stack for a v4-mapped destination. */
	const char *from = "127.0.0.1:0";
	if (to.ss_family == AF_INET6)
		from = v4_mapped ? "[::]:0" : "[::1]:0";
	mio_udp_socket *tx = bound(from, NULL, NULL);
	bool on = true;
	ck_assert_ok(mio_udp_socket_recv_ecn(rx, &on));
	ck_assert(!on);
	ck_assert_ok(mio_udp_socket_set_recv_ecn(rx, true));
	ck_assert_ok(mio_udp_socket_recv_ecn(rx, &on));
	ck_assert(on);
	if (cp_skip(v4_traffic ? CP_IP_TOS_RECV : CP_IPV6_TCLASS_RECV,
		    "ecn_family: codepoints received")) {
		mio_udp_socket_free(rx);
		mio_udp_socket_free(tx);
		return;
	}
	/* A plain sender instead of tx, to the IPv4 address for IPv4 traffic. */
	int plain = -1;
	struct sockaddr_storage pto = to;
	socklen_t ptl = tl;
	if (cp_skip(v4_traffic ? CP_IP_TOS_SEND : CP_IPV6_TCLASS_SEND,
		    "ecn_family: codepoints sent by send_msgs (a plain sender instead)")) {
		if (v4_mapped) {
			struct sockaddr_in *p4 = (struct sockaddr_in *)&pto;
			const struct sockaddr_in6 *t6 = (const struct sockaddr_in6 *)&to;
			memset(&pto, 0, sizeof(pto));
			p4->sin_family = AF_INET;
			p4->sin_port = t6->sin6_port;
			memcpy(&p4->sin_addr, &t6->sin6_addr.s6_addr[12], 4);
			ptl = sizeof(*p4);
		}
		plain = socket(pto.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(plain, 0);
	}
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_udp_socket_fd(rx), 1,
					   MIO_READABLE));
	const uint8_t want[7] = { 0, 1, 2, 3, 2, 2, 2 };
	unsigned char buf[4 * 100 + 300];
	mio_udp_msg m[7];
	size_t nm = 5;
	for (unsigned k = 0; k < 4; k++) {
		fill(buf + k * 100, 100, 7, k);
		m[k] = rec_to(buf + k * 100, 100, &to, tl);
		m[k].ecn = (uint8_t)k;
	}
	for (unsigned k = 0; k < 3; k++)
		fill(buf + 400 + k * 100, 100, 7, 4 + k);
	m[4] = rec_to(buf + 400, 300, &to, tl);
	m[4].segment_size = 100;
	m[4].ecn = MIO_ECN_ECT0;
	if (plain >= 0) {
		for (unsigned k = 0; k < 7; k++)
			plain_ecn_send(plain, buf + k * 100, 100, &pto, ptl, want[k]);
	} else {
		if (cp_skip(CP_UDP_SEGMENT_SEND, "ecn_family: a segmented run (three records)")) {
			for (unsigned k = 0; k < 3; k++) {
				m[4 + k] = rec_to(buf + 400 + k * 100, 100, &to, tl);
				m[4 + k].ecn = MIO_ECN_ECT0;
			}
			nm = 7;
		}
		ck_assert_int_eq(mio_udp_socket_send_msgs(tx, m, nm), (int)nm);
	}
	mio_udp_msg *in = msgs_new(8, 2048);
	struct got g;
	got_init(&g);
	recv_dgrams(p, ev, 1, rx, in, 8, &g, 7);
	for (unsigned k = 0; k < 7; k++) {
		ck_assert(same(g.d[k].bytes, 100, 7, k));
		ck_assert_msg(g.d[k].ecn == want[k], "datagram %u: ecn %u, sent %u", k, g.d[k].ecn,
			      want[k]);
	}
	/* Off again: codepoints are no longer reported. */
	ck_assert_ok(mio_udp_socket_set_recv_ecn(rx, false));
	if (plain >= 0) {
		plain_ecn_send(plain, buf + 300, 100, &pto, ptl, MIO_ECN_CE);
	} else {
		m[3].segment_size = 0;
		ck_assert_int_eq(mio_udp_socket_send_msgs(tx, &m[3], 1), 1);
	}
	struct got g2;
	got_init(&g2);
	recv_dgrams(p, ev, 1, rx, in, 8, &g2, 1);
	ck_assert_uint_eq(g2.d[0].ecn, 0);
	got_free(&g);
	got_free(&g2);
	msgs_free(in, 8);
	nt_poll_free(p, ev);
	if (plain >= 0)
		close(plain);
	mio_udp_socket_free(rx);
	mio_udp_socket_free(tx);
}

START_TEST(test_udp_msg_ecn_ipv4) { ecn_family("127.0.0.1:0", "127.0.0.1:0"); }
END_TEST

START_TEST(test_udp_msg_ecn_ipv6)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	ecn_family("[::1]:0", "[::1]:0");
}
END_TEST

/* A dual-stack socket sending IPv4 traffic (v4-mapped destination) to an
 * IPv4 receiver, and receiving it on a dual-stack socket: IP_TOS both
 * ways. */
START_TEST(test_udp_msg_ecn_v4_mapped)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	ecn_family("127.0.0.1:0", "[::ffff:127.0.0.1]:0");
	ecn_family("[::]:0", "127.0.0.1:0");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Packet info on wildcard binds                                       */
/* ------------------------------------------------------------------ */

/*
 * A server bound to the wildcard address learns which local address each
 * datagram was sent to (127.0.0.1 or 127.0.0.2, both on lo), and answers
 * from that address by sending the received records back: the client
 * sees each answer come from the address it wrote to.
 */
static void pktinfo(const char *server_where, const char *const *to_texts, int n_to)
{
	struct sockaddr_storage sa;
	socklen_t sl;
	mio_udp_socket *srv = bound(server_where, &sa, &sl);
	bool on = true;
	ck_assert_ok(mio_udp_socket_recv_pktinfo(srv, &on));
	ck_assert(!on);
	ck_assert_ok(mio_udp_socket_set_recv_pktinfo(srv, true));
	ck_assert_ok(mio_udp_socket_recv_pktinfo(srv, &on));
	ck_assert(on);
	mio_poll *p;
	mio_events *ev;
	nt_poll(&p, &ev);
	mio_registry *r = mio_poll_registry(p);
	ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(srv), 1, MIO_READABLE));
	unsigned lo = if_nametoindex("lo");
	mio_udp_msg *in = msgs_new(4, 256);
	for (int t = 0; t < n_to; t++) {
		struct sockaddr_storage to, ca, from;
		socklen_t tl, cl, fl = sizeof(from);
		ck_assert_ok(mio_addr_parse(to_texts[t], &to, &tl));
		if (to.ss_family == AF_INET)
			((struct sockaddr_in *)&to)->sin_port = htons(port_of(&sa));
		else
			((struct sockaddr_in6 *)&to)->sin6_port = htons(port_of(&sa));
		mio_udp_socket *cli = bound(to.ss_family == AF_INET ? "127.0.0.1:0" : "[::1]:0",
					    &ca, &cl);
		ck_assert_ok(mio_registry_register(r, mio_udp_socket_fd(cli), 2, MIO_READABLE));
		ck_assert_int_eq(mio_udp_socket_send_to(cli, to_texts[t], strlen(to_texts[t]),
							SA(&to), tl),
				 (ssize_t)strlen(to_texts[t]));
		struct got g;
		got_init(&g);
		recv_dgrams(p, ev, 1, srv, in, 4, &g, 1);
		/* What the client wrote to, port 0 (the socket's own). */
		struct sockaddr_storage want = to;
		if (want.ss_family == AF_INET)
			((struct sockaddr_in *)&want)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&want)->sin6_port = 0;
		if (sa.ss_family == AF_INET6 && to.ss_family == AF_INET) {
			/* IPv4 on a dual-stack socket: reported v4-mapped. */
			struct sockaddr_in6 *w6 = (struct sockaddr_in6 *)&want;
			struct in_addr a4 = ((struct sockaddr_in *)&to)->sin_addr;
			memset(&want, 0, sizeof(want));
			w6->sin6_family = AF_INET6;
			w6->sin6_addr.s6_addr[10] = w6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&w6->sin6_addr.s6_addr[12], &a4, 4);
		}
		char t1[64], t2[64];
		mio_addr_format(SA(&g.d[0].local), g.d[0].local_len, t1, sizeof(t1));
		mio_addr_format(SA(&want), sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								   : sizeof(struct sockaddr_in), t2, sizeof(t2));
		ck_assert_msg(g.d[0].local_len > 0 && nt_addr_equal(&g.d[0].local, &want),
			      "local %s, want %s", t1, t2);
		/* Packet info came as IPv4's or IPv6's by the traffic's family. */
		bool v4 = to.ss_family == AF_INET;
		if (lo != 0 && !cp_skip(v4 ? CP_IP_PKTINFO_RECV : CP_IPV6_PKTINFO_RECV,
					"pktinfo: the interface received on"))
			ck_assert_uint_eq(g.d[0].ifindex, lo);
		got_free(&g);
		/* The answer: the received record itself, local as source.
		 * Where the platform cannot send packet info with an
		 * interface, the source address alone (ifindex 0). */
		if (cp_skip(sa.ss_family == AF_INET ? CP_IP_PKTINFO_SEND : CP_IPV6_PKTINFO_SEND,
			    "pktinfo: the answer through the interface received on (ifindex 0)"))
			in[0].ifindex = 0;
		ck_assert_int_eq(mio_udp_socket_send_msgs(srv, in, 1), 1);
		nt_expect(p, ev, 2, NT_R);
		char buf[64];
		ssize_t n = mio_udp_socket_recv_from(cli, buf, sizeof(buf), &from, &fl);
		ck_assert_int_eq(n, (ssize_t)strlen(to_texts[t]));
		ck_assert_msg(nt_addr_equal(&from, &to), "answer from %s", t1);
		ck_assert_ok(mio_registry_deregister(r, mio_udp_socket_fd(cli)));
		mio_udp_socket_free(cli);
	}
	msgs_free(in, 4);
	nt_poll_free(p, ev);
	mio_udp_socket_free(srv);
}

START_TEST(test_udp_msg_pktinfo_wildcard_ipv4)
{
	const char *to[] = { "127.0.0.1:0", "127.0.0.2:0", "127.0.0.3:0" };
	pktinfo("0.0.0.0:0", to, 3);
}
END_TEST

START_TEST(test_udp_msg_pktinfo_wildcard_ipv6)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	const char *to[] = { "[::1]:0", "127.0.0.2:0" };
	pktinfo("[::]:0", to, 2);
}
END_TEST

/* A source address not on this host: the kernel refuses the record. */
START_TEST(test_udp_msg_pktinfo_bad_source)
{
	struct sockaddr_storage ra, bad;
	socklen_t rl, bl;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	mio_udp_socket *tx = bound("0.0.0.0:0", NULL, NULL);
	ck_assert_ok(mio_addr_parse("192.0.2.1:0", &bad, &bl));
	char x = 'x';
	mio_udp_msg m = rec_to(&x, 1, &ra, rl);
	memcpy(&m.local, &bad, bl);
	m.local_len = bl;
	int rc = mio_udp_socket_send_msgs(tx, &m, 1);
	ck_assert_msg(rc == -EINVAL || rc == -EADDRNOTAVAIL || rc == -ENETUNREACH, "got %d (%s)", rc,
		      rc < 0 ? mio_test_errname(-rc) : "ok");
	mio_udp_socket_free(rx);
	mio_udp_socket_free(tx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The builder                                                         */
/* ------------------------------------------------------------------ */

START_TEST(test_udp_socket_builder_options)
{
	mio_udp_socket *u = (mio_udp_socket *)&u;
	ck_assert_ok(mio_udp_socket_new_v4(&u));
	ck_assert_ptr_nonnull(u);
	nt_assert_nonblock_cloexec(mio_udp_socket_fd(u));
	bool on = true;
	uint32_t v = 0;
	ck_assert_ok(mio_udp_socket_reuseaddr(u, &on));
	ck_assert(!on);
	ck_assert_ok(mio_udp_socket_set_reuseaddr(u, true));
	ck_assert_ok(mio_udp_socket_reuseaddr(u, &on));
	ck_assert(on);
	ck_assert_ok(mio_udp_socket_set_reuseport(u, true));
	ck_assert_ok(mio_udp_socket_reuseport(u, &on));
	ck_assert(on);
	ck_assert_ok(mio_udp_socket_set_recv_buffer_size(u, 100000));
	ck_assert_ok(mio_udp_socket_recv_buffer_size(u, &v));
	ck_assert_uint_ge(v, 100000);  /* Linux doubles it */
	ck_assert_ok(mio_udp_socket_set_send_buffer_size(u, 50000));
	ck_assert_ok(mio_udp_socket_send_buffer_size(u, &v));
	ck_assert_uint_ge(v, 50000);
	ck_assert_errno(mio_udp_socket_set_recv_buffer_size(u, 0x80000000u), EINVAL);
	/* IPV6_V6ONLY on an IPv4 socket: the kernel's answer. */
	ck_assert_errno(mio_udp_socket_set_only_v6(u, true), ENOPROTOOPT);
	/* Unbound: it can send already (the kernel picks a port). */
	struct sockaddr_storage ra, la, v6;
	socklen_t rl, ll = sizeof(la), v6l;
	mio_udp_socket *rx = bound("127.0.0.1:0", &ra, &rl);
	ck_assert_int_eq(mio_udp_socket_send_to(u, "x", 1, SA(&ra), rl), 1);
	ck_assert_ok(mio_udp_socket_local_addr(u, &la, &ll));
	ck_assert_uint_ne(port_of(&la), 0);
	/* Now bound by the kernel: binding again is the kernel's EINVAL. */
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &la, &ll));
	ck_assert_errno(mio_udp_socket_bind_to(u, SA(&la), ll), EINVAL);
	ck_assert_ok(mio_addr_parse("[::1]:0", &v6, &v6l));
	ck_assert_errno(mio_udp_socket_bind_to(u, SA(&v6), v6l), EINVAL);
	mio_udp_socket_free(u);
	mio_udp_socket_free(rx);
}
END_TEST

/* IPV6_V6ONLY before bind: a v6-only wildcard socket and an IPv4 one
 * share a port; without it the IPv4 bind conflicts. */
START_TEST(test_udp_socket_builder_only_v6)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	struct sockaddr_storage any6, any4;
	socklen_t l6, l4;
	for (int only = 0; only < 2; only++) {
		mio_udp_socket *u6 = NULL, *u4 = NULL;
		ck_assert_ok(mio_udp_socket_new_v6(&u6));
		ck_assert_ok(mio_udp_socket_set_only_v6(u6, only));
		bool on = !only;
		ck_assert_ok(mio_udp_socket_only_v6(u6, &on));
		ck_assert_int_eq(on, only);
		ck_assert_ok(mio_addr_parse("[::]:0", &any6, &l6));
		ck_assert_ok(mio_udp_socket_bind_to(u6, SA(&any6), l6));
		l6 = sizeof(any6);
		ck_assert_ok(mio_udp_socket_local_addr(u6, &any6, &l6));
		char text[32];
		snprintf(text, sizeof(text), "0.0.0.0:%u", port_of(&any6));
		ck_assert_ok(mio_addr_parse(text, &any4, &l4));
		ck_assert_ok(mio_udp_socket_new_v4(&u4));
		if (only)
			ck_assert_ok(mio_udp_socket_bind_to(u4, SA(&any4), l4));
		else
			ck_assert_errno(mio_udp_socket_bind_to(u4, SA(&any4), l4), EADDRINUSE);
		/* Too late once bound: the kernel says EINVAL. */
		ck_assert_errno(mio_udp_socket_set_only_v6(u6, !only), EINVAL);
		mio_udp_socket_free(u4);
		mio_udp_socket_free(u6);
	}
}
END_TEST

/* SO_REUSEPORT, one socket per core: two sockets share one port, and
 * datagrams from many source ports are spread over both. */
START_TEST(test_udp_socket_builder_reuseport)
{
	struct sockaddr_storage a;
	socklen_t al;
	mio_udp_socket *s[2] = { NULL, NULL };
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &a, &al));
	for (int i = 0; i < 2; i++) {
		ck_assert_ok(mio_udp_socket_new_v4(&s[i]));
		ck_assert_ok(mio_udp_socket_set_reuseport(s[i], true));
		ck_assert_ok(mio_udp_socket_bind_to(s[i], SA(&a), al));
		al = sizeof(a);
		ck_assert_ok(mio_udp_socket_local_addr(s[i], &a, &al));
	}
	/* Without the option the same port is taken. */
	mio_udp_socket *plain = NULL;
	ck_assert_ok(mio_udp_socket_new_v4(&plain));
	ck_assert_errno(mio_udp_socket_bind_to(plain, SA(&a), al), EADDRINUSE);
	mio_udp_socket_free(plain);
	int count[2] = { 0, 0 };
	for (int c = 0; c < 64; c++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ck_assert_int_eq(sendto(fd, "r", 1, 0, SA(&a), al), 1);
		close(fd);
	}
	char b[4];
	while (count[0] + count[1] < 64) {
		struct pollfd pfd[2] = { { mio_udp_socket_fd(s[0]), POLLIN, 0 },
					 { mio_udp_socket_fd(s[1]), POLLIN, 0 } };
		ck_assert_msg(poll(pfd, 2, NT_WAIT_MS) > 0, "%d of 64 datagrams came",
			      count[0] + count[1]);
		for (int i = 0; i < 2; i++)
			while (mio_udp_socket_recv(s[i], b, sizeof(b)) == 1)
				count[i]++;
	}
	ck_assert_int_eq(count[0] + count[1], 64);
	ck_assert_msg(count[0] > 0 && count[1] > 0, "spread %d / %d", count[0], count[1]);
	mio_udp_socket_free(s[0]);
	mio_udp_socket_free(s[1]);
}
END_TEST

/* A socket adopted with from_fd learns its family when first needed: an
 * IPv6 socket's ECN goes as IPV6_TCLASS, its bind_to wants IPv6. */
START_TEST(test_udp_msg_from_fd_family)
{
	if (nt_skip_without_ipv6(AF_INET6))
		return;
	struct sockaddr_storage ra, v4;
	socklen_t rl, v4l;
	mio_udp_socket *rx = bound("[::1]:0", &ra, &rl);
	ck_assert_ok(mio_udp_socket_set_recv_ecn(rx, true));
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	mio_udp_socket *tx = NULL;
	ck_assert_ok(mio_udp_socket_from_fd(fd, &tx));
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &v4, &v4l));
	ck_assert_errno(mio_udp_socket_bind_to(tx, SA(&v4), v4l), EINVAL);
	if (!cp_skip(CP_IPV6_TCLASS_SEND, "from_fd_family: ECN as IPV6_TCLASS") &&
	    !cp_skip(CP_IPV6_TCLASS_RECV, "from_fd_family: ECN as IPV6_TCLASS")) {
		char x = 'x';
		mio_udp_msg m = rec_to(&x, 1, &ra, rl);
		m.ecn = MIO_ECN_CE;
		ck_assert_int_eq(mio_udp_socket_send_msgs(tx, &m, 1), 1);
		mio_udp_msg *in = msgs_new(1, 16);
		ck_assert_int_eq(recv_msgs_wait(rx, in, 1), 1);
		ck_assert_uint_eq(in[0].ecn, MIO_ECN_CE);
		msgs_free(in, 1);
	}
	mio_udp_socket_free(tx);
	mio_udp_socket_free(rx);
}
END_TEST

/* One socket, two threads (Rust's UdpSocket is Sync): one sends
 * segmented batches from it, the other receives on it and asks its
 * offload queries, both learning the socket's facts at once (the handle
 * caches them; ThreadSanitizer checks the cache in CI). */
struct two {
	mio_udp_socket *u;
	struct sockaddr_storage to;
	socklen_t tl;
	uint8_t ecn;
	int sent;
};

static void *two_sender(void *arg)
{
	struct two *t = arg;
	static unsigned char buf[3000];
	mio_udp_msg m[4];
	for (int i = 0; i < 4; i++) {
		m[i] = rec_to(buf, 3000, &t->to, t->tl);
		m[i].segment_size = 1000;
		m[i].ecn = t->ecn;
	}
	for (int round = 0; round < 50; round++) {
		int n = mio_udp_socket_send_msgs(t->u, m, 4);
		if (n > 0)
			t->sent += n;
	}
	return NULL;
}

START_TEST(test_udp_msg_two_threads)
{
	struct sockaddr_storage ua, ra;
	socklen_t ul, rl;
	int rx = mio_udp_socket_into_fd(bound("127.0.0.1:0", &ra, &rl));
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &ua, &ul));
	ck_assert_int_eq(bind(fd, SA(&ua), ul), 0);
	ul = sizeof(ua);
	ck_assert_int_eq(getsockname(fd, SA(&ua), &ul), 0);
	/* Marked ECT(1), so that the family is learned too, where the
	 * platform carries IP_TOS (its receiver reads nothing: the
	 * datagrams need only go). */
	struct two t = { NULL, ra, rl, MIO_ECN_ECT1, 0 };
	if (cp_skip(CP_IP_TOS_SEND, "two_threads: the sender's ECN"))
		t.ecn = 0;
	ck_assert_ok(mio_udp_socket_from_fd(fd, &t.u));  /* nothing learned yet */
	int peer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, two_sender, &t), 0);
	mio_udp_msg *in = msgs_new(8, 2048);
	int got = 0;
	for (int i = 0; i < 50; i++) {
		uint32_t v;
		ck_assert_ok(mio_udp_socket_gso_segments(t.u, &v));
		ck_assert_ok(mio_udp_socket_gro_segments(t.u, &v));
		ck_assert_int_eq(sendto(peer, "p", 1, 0, SA(&ua), ul), 1);
		int n = recv_msgs_wait(t.u, in, 8);
		ck_assert_int_gt(n, 0);
		got += n;
	}
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(t.sent, 200);
	ck_assert_int_le(got, 50);
	msgs_free(in, 8);
	mio_udp_socket_free(t.u);
	close(peer);
	close(rx);
}
END_TEST

MIO_SUITE(udp_msg)
{
	Suite *s = suite_create("udp_msg");
	TCase *tc = mio_tcase("udp_msg");
	tcase_add_test(tc, test_udp_msg_batch_ipv4);
	tcase_add_test(tc, test_udp_msg_batch_ipv6);
	tcase_add_test(tc, test_udp_msg_partial_batch);
	tcase_add_test(tc, test_udp_msg_truncation);
	tcase_add_test(tc, test_udp_msg_connected);
	tcase_add_test(tc, test_udp_msg_empty_datagram);
	tcase_add_test(tc, test_udp_msg_send_error_rule);
	tcase_add_test(tc, test_udp_msg_gso_ipv4);
	tcase_add_test(tc, test_udp_msg_gso_ipv6);
	tcase_add_test(tc, test_udp_msg_gro_ipv4);
	tcase_add_test(tc, test_udp_msg_gro_ipv6);
	tcase_add_test(tc, test_udp_msg_gso_refused_by_socket);
	tcase_add_test(tc, test_udp_msg_gso_oversized_run);
	tcase_add_test(tc, test_udp_msg_ecn_ipv4);
	tcase_add_test(tc, test_udp_msg_ecn_ipv6);
	tcase_add_test(tc, test_udp_msg_ecn_v4_mapped);
	tcase_add_test(tc, test_udp_msg_pktinfo_wildcard_ipv4);
	tcase_add_test(tc, test_udp_msg_pktinfo_wildcard_ipv6);
	tcase_add_test(tc, test_udp_msg_pktinfo_bad_source);
	tcase_add_test(tc, test_udp_msg_from_fd_family);
	tcase_add_test(tc, test_udp_msg_two_threads);
	suite_add_tcase(s, tc);
	TCase *tb = mio_tcase("udp_builder");
	tcase_add_test(tb, test_udp_socket_builder_options);
	tcase_add_test(tb, test_udp_socket_builder_only_v6);
	tcase_add_test(tb, test_udp_socket_builder_reuseport);
	suite_add_tcase(s, tb);
	return s;
}
