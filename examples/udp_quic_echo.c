/*
 * udp_quic_echo.c - a UDP echo server shaped like a QUIC server's I/O loop
 * (libmio 1.2: mio_udp_msg(3), the builder of mio_udp_socket(3)).
 *
 *   ./udp_quic_echo [ADDRESS]     default 0.0.0.0:4433; [::]:0 is dual-stack
 *
 * What a QUIC stack asks of its socket, and where it is here:
 *  - a wildcard bind, answering every datagram from the address it was
 *    sent to (packet info: IP_PKTINFO / IPV6_PKTINFO);
 *  - many datagrams per system call: batches of 32 records each way;
 *  - GRO on receive: a client's segmented run arrives as one record;
 *  - GSO on send: answers to one peer are packed into runs of equal-sized
 *    datagrams, one record each (and one system call for up to 64
 *    datagrams where the kernel segments: where it does not, libmio sends
 *    the same datagrams one by one, and this program does not care);
 *  - ECN: every answer is marked ECT(0), as a QUIC endpoint marks its
 *    packets once ECN is validated, and the codepoints seen are counted
 *    as a QUIC ACK frame's ECN counts are;
 *  - back-pressure: answers the socket cannot take yet wait for WRITABLE,
 *    and no more is read meanwhile.
 *
 * Each datagram is answered with its own bytes, except the datagram
 * "STATS?", answered with the counts so far.  SIGINT or SIGTERM stop it
 * through a mio_waker; it prints the counts and exits 0.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mio.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOCKET ((mio_token)0)
#define WAKER  ((mio_token)1)
#define BATCH  32
#define ROOM   65535  /* a coalesced run of up to 64 datagrams fits */

struct counts {
	uint64_t datagrams, records, coalesced, ecn[4], sends, runs, dropped;
};

static mio_waker *waker;

static void on_signal(int sig)
{
	(void)sig;
	mio_waker_wake(waker);
}

static int stats_text(const struct counts *c, char *buf, size_t n)
{
	return snprintf(buf, n,
			"STATS datagrams=%" PRIu64 " records=%" PRIu64 " coalesced=%" PRIu64
			" not_ect=%" PRIu64 " ect1=%" PRIu64 " ect0=%" PRIu64 " ce=%" PRIu64
			" sends=%" PRIu64 " runs=%" PRIu64 " dropped=%" PRIu64,
			c->datagrams, c->records, c->coalesced, c->ecn[MIO_ECN_NOT_ECT],
			c->ecn[MIO_ECN_ECT1], c->ecn[MIO_ECN_ECT0], c->ecn[MIO_ECN_CE], c->sends,
			c->runs, c->dropped);
}

static bool same_path(const mio_udp_msg *a, const mio_udp_msg *b)
{
	return a->addr_len == b->addr_len && memcmp(&a->addr, &b->addr, a->addr_len) == 0 &&
	       a->local_len == b->local_len && memcmp(&a->local, &b->local, a->local_len) == 0 &&
	       a->ifindex == b->ifindex;
}

/*
 * The answers to a batch of received records, packed QUIC-style into
 * runs: the datagrams for one path (peer, local address, interface), in
 * order, go into the open run while they have its size; a shorter one
 * is the run's last; a run holds at most MIO_UDP_MAX_SEGMENTS datagrams
 * and 65000 bytes (one IP packet).  out[] points into `arena`, where the
 * answers are copied one after the other, so a run is contiguous.
 */
#define RUN_BYTES 65000
#define STATS_ROOM 256

static size_t pack(const mio_udp_msg *in, int n, struct counts *c, mio_udp_msg *out,
		   unsigned char *arena)
{
	size_t k = 0, used = 0;
	unsigned segs = 0;   /* datagrams in out[k - 1] */
	bool open = false;   /* out[k - 1] takes more */
	for (int r = 0; r < n; r++) {
		const mio_udp_msg *m = &in[r];
		size_t stride = m->segment_size ? m->segment_size : m->len;
		c->records++;
		size_t off = 0;
		do {
			size_t len = m->len - off < stride ? m->len - off : stride;
			const unsigned char *d = (const unsigned char *)m->buf + off;
			c->datagrams++;
			c->ecn[m->ecn & 3]++;
			if (m->len > stride)
				c->coalesced++;
			bool stats = len == 6 && memcmp(d, "STATS?", 6) == 0;
			if (stats) {
				len = (size_t)stats_text(c, (char *)arena + used, STATS_ROOM);
				if (len >= STATS_ROOM)
					len = STATS_ROOM - 1;
			} else {
				memcpy(arena + used, d, len);
			}
			mio_udp_msg *o = k > 0 ? &out[k - 1] : NULL;
			if (open && !stats && same_path(o, m) && len <= o->segment_size &&
			    segs < MIO_UDP_MAX_SEGMENTS && o->len + len <= RUN_BYTES) {
				o->len += len;  /* one more datagram of the run */
				segs++;
				open = len == o->segment_size;  /* a shorter one is the last */
			} else {
				o = &out[k++];
				memset(o, 0, sizeof(*o));
				o->buf = arena + used;
				o->len = len;
				o->segment_size = (uint32_t)len;
				memcpy(&o->addr, &m->addr, m->addr_len);
				o->addr_len = m->addr_len;
				memcpy(&o->local, &m->local, m->local_len);  /* answer from there */
				o->local_len = m->local_len;
				o->ifindex = m->ifindex;
				o->ecn = MIO_ECN_ECT0;
				segs = 1;
				open = !stats && len > 0;
			}
			used += len;
			off += stride;
		} while (off < m->len);
	}
	/* A run of one datagram needs no segment size. */
	for (size_t i = 0; i < k; i++) {
		if (out[i].segment_size >= out[i].len)
			out[i].segment_size = 0;
		else
			c->runs++;
	}
	return k;
}

int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "0.0.0.0:4433";
	struct sockaddr_storage addr;
	socklen_t len;
	if (argc > 2 || mio_addr_parse(text, &addr, &len) < 0) {
		fprintf(stderr, "usage: %s [ADDRESS]  (a.b.c.d:port or [v6]:port)\n", argv[0]);
		return 2;
	}
	mio_poll *poll;
	mio_events *events;
	mio_udp_socket *u;
	int rc;
	if ((rc = mio_poll_new(&poll)) < 0 || (rc = mio_events_new(16, &events)) < 0) {
		fprintf(stderr, "poll: %s\n", strerror(-rc));
		return 1;
	}
	/* The builder: the options that must precede bind, then bind. */
	rc = addr.ss_family == AF_INET6 ? mio_udp_socket_new_v6(&u) : mio_udp_socket_new_v4(&u);
	if (rc == 0 && addr.ss_family == AF_INET6)
		rc = mio_udp_socket_set_only_v6(u, false);  /* IPv4 too, v4-mapped */
	if (rc == 0)
		rc = mio_udp_socket_set_recv_buffer_size(u, 4u << 20);
	if (rc == 0)
		rc = mio_udp_socket_set_send_buffer_size(u, 4u << 20);
	if (rc == 0)
		rc = mio_udp_socket_bind_to(u, (struct sockaddr *)&addr, len);
	if (rc < 0) {
		fprintf(stderr, "bind %s: %s\n", text, strerror(-rc));
		return 1;
	}
	if ((rc = mio_udp_socket_set_recv_pktinfo(u, true)) < 0 ||
	    (rc = mio_udp_socket_set_recv_ecn(u, true)) < 0 ||
	    (rc = mio_udp_socket_set_gro(u, true)) < 0) {
		fprintf(stderr, "options: %s\n", strerror(-rc));
		return 1;
	}
	mio_registry *r = mio_poll_registry(poll);
	if ((rc = mio_registry_register(r, mio_udp_socket_fd(u), SOCKET, MIO_READABLE)) < 0 ||
	    (rc = mio_waker_new(r, WAKER, &waker)) < 0) {
		fprintf(stderr, "register: %s\n", strerror(-rc));
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Receive records and their buffers; the answers' records, packed
	 * into one arena per batch (at most what was received, plus a
	 * STATS answer per datagram at worst). */
	static unsigned char room[BATCH][ROOM];
	static unsigned char arena[BATCH * ROOM + BATCH * MIO_UDP_MAX_SEGMENTS * STATS_ROOM];
	static mio_udp_msg in[BATCH], out[BATCH * MIO_UDP_MAX_SEGMENTS];
	size_t pending = 0, sent = 0;  /* answers not sent yet: out[sent..pending) */
	struct counts c;
	memset(&c, 0, sizeof(c));

	uint32_t gso = 0, gro = 0;
	mio_udp_socket_gso_segments(u, &gso);
	mio_udp_socket_gro_segments(u, &gro);
	len = sizeof(addr);
	mio_udp_socket_local_addr(u, &addr, &len);
	char where[64];
	mio_addr_format((struct sockaddr *)&addr, len, where, sizeof(where));
	printf("listening on %s (gso %u, gro %u)\n", where, gso, gro);
	fflush(stdout);

	bool running = true, blocked = false;
	while (running) {
		rc = mio_poll_wait(poll, events, NULL);
		if (rc == -EINTR)
			continue;
		if (rc < 0) {
			fprintf(stderr, "wait: %s\n", strerror(-rc));
			break;
		}
		for (size_t i = 0; i < mio_events_len(events); i++) {
			if (mio_event_token(mio_events_get(events, i)) == WAKER)
				running = false;
		}
		for (;;) {
			/* Answers first: while some wait, nothing more is read. */
			while (sent < pending) {
				size_t n = pending - sent;
				rc = mio_udp_socket_send_msgs(u, out + sent,
							      n > MIO_UDP_MSGS_MAX ? MIO_UDP_MSGS_MAX : n);
				if (rc > 0) {
					c.sends++;
					sent += (size_t)rc;
				} else if (rc == -EAGAIN) {
					break;
				} else {
					c.dropped++;  /* this answer cannot go (no route...) */
					sent++;
				}
			}
			if (sent < pending) {
				if (!blocked)
					mio_registry_reregister(r, mio_udp_socket_fd(u), SOCKET,
								MIO_READABLE | MIO_WRITABLE);
				blocked = true;
				break;  /* wait for WRITABLE */
			}
			if (blocked) {
				mio_registry_reregister(r, mio_udp_socket_fd(u), SOCKET, MIO_READABLE);
				blocked = false;
			}
			for (int i = 0; i < BATCH; i++) {
				memset(&in[i], 0, sizeof(in[i]));
				in[i].buf = room[i];
				in[i].capacity = ROOM;
			}
			int n = mio_udp_socket_recv_msgs(u, in, BATCH);
			if (n == -EAGAIN)
				break;  /* drained: wait for the next event */
			if (n < 0)
				continue;  /* an ICMP error for an earlier answer */
			pending = pack(in, n, &c, out, arena);
			sent = 0;
		}
	}
	char line[256];
	stats_text(&c, line, sizeof(line));
	printf("shutting down: %s\n", line);
	mio_waker_free(waker);
	mio_udp_socket_free(u);
	mio_events_free(events);
	mio_poll_free(poll);
	return 0;
}
