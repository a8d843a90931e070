/*
 * fuzz_udp_msg.c - libFuzzer target for the UDP record arrays
 * (mio_udp_socket_send_msgs / recv_msgs, mio_udp_msg(3)).
 *
 * The input is a program of sends and receives between two IPv4 sockets
 * on 127.0.0.1, with record arrays whose counts, lengths, capacities,
 * address lengths and families, local addresses, segment sizes and ECN
 * codepoints come from the input, many of them out of range.  A model
 * kept alongside (written from the man page, not from lib/udp_msg.c)
 * says what each call must return, and checks:
 *
 *  - a bad array (count 0 or above MIO_UDP_MSGS_MAX, a NULL buffer with
 *    a length, a length above 65535, an address length of 1 or 129 or
 *    (socklen_t)-1, a family neither inet, a segment size above the
 *    length or cutting it into more than 64 datagrams, ECN above 3) is
 *    refused with the errno the page gives the first bad record, and
 *    nothing is sent or received;
 *  - a valid send returns how many records went, stopping exactly at the
 *    first record the kernel refuses (an IPv6 destination on this IPv4
 *    socket, a datagram above 65507 bytes), and every datagram of the
 *    records sent arrives once, in order, with its bytes, ECN codepoint
 *    and local address, whatever the kernel segments;
 *  - a receive never stores more than a record's capacity (each buffer is
 *    allocated at exactly its capacity, so ASan sees a byte more),
 *    flags truncation exactly when the datagram or coalesced run was
 *    longer, reports GRO runs with their stride, and leaves the records
 *    past its count untouched;
 *  - nothing leaks (fds counted), ASan/UBSan/LSan see nothing.
 *
 * The receiver's queue is kept below half its buffer (it is drained
 * first when a send could overflow it), so the loopback never drops and
 * every datagram sent is accounted for.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mio.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define SA(p) ((struct sockaddr *)(p))

enum { MAX_REC = MIO_UDP_MSGS_MAX + 2, FIFO = 8192, MAX_OPS = 64 };

/* One datagram the receiver is owed. */
struct dgram {
	uint32_t seed;     /* its bytes: pattern(seed) */
	uint32_t len;
	uint8_t ecn;
	bool local;        /* sent with packet info: arrives the same anyway */
	uint32_t run;      /* run number, for coalescing */
	uint16_t run_len;  /* datagrams in its run when the run may arrive coalesced, else 1 */
	uint16_t index;    /* its place in the run */
	uint32_t stride;
};

static struct dgram fifo[FIFO];
static size_t head, queued;
static size_t queued_bytes;  /* estimated kernel memory of the queue */
static uint32_t next_seed, next_run;
static unsigned char sendbuf[MAX_REC * 65536];

static unsigned char pat(uint32_t seed, size_t i)
{
	return (unsigned char)((seed * 2654435761u + i * 40503u) >> 13);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* What the kernel charges a queued datagram, generously. */
static size_t cost(size_t len)
{
	return len + 1536;
}

struct env {
	mio_udp_socket *a, *b;
	struct sockaddr_storage aa, ba;
	socklen_t al, bl;
	bool connected, gro, ecn, pktinfo;
	uint32_t gso;      /* a's gso_segments */
	size_t budget;     /* bytes the receiver may hold */
	unsigned lo;       /* loopback's interface index */
};

/* ------------------------------------------------------------------ */
/* Receive, checked against the FIFO                                   */
/* ------------------------------------------------------------------ */

static void check_record(struct env *E, const mio_udp_msg *m)
{
	CHECK(queued > 0);
	struct dgram *d = &fifo[head % FIFO];
	CHECK(d->index == 0);
	CHECK(m->len <= m->capacity);
	CHECK(m->addr_len == sizeof(struct sockaddr_in));
	CHECK(memcmp(&m->addr, &E->aa, sizeof(struct sockaddr_in)) == 0);
	CHECK(m->ecn == (E->ecn ? d->ecn : 0));
	if (E->pktinfo) {
		const struct sockaddr_in *l = (const struct sockaddr_in *)&m->local;
		CHECK(m->local_len == sizeof(*l) && l->sin_family == AF_INET);
		CHECK(l->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && l->sin_port == 0);
		CHECK(E->lo == 0 || m->ifindex == E->lo);
	} else {
		CHECK(m->local_len == 0 && m->ifindex == 0);
	}
	/* One datagram, or a whole run the kernel segmented and coalesced. */
	unsigned n = d->run_len;
	size_t total = 0;
	for (unsigned k = 0; k < n; k++) {
		struct dgram *x = &fifo[(head + k) % FIFO];
		CHECK(k < queued && x->run == d->run && x->index == k);
		total += x->len;
	}
	size_t stored = total < m->capacity ? total : m->capacity;
	CHECK(m->len == stored);
	CHECK(!!(m->flags & MIO_UDP_MSG_TRUNC) == (total > m->capacity));
	CHECK(m->flags == (m->flags & MIO_UDP_MSG_TRUNC));
	if (n > 1 && stored > d->stride)
		CHECK(m->segment_size == d->stride);
	else
		CHECK(m->segment_size == stored);
	size_t off = 0;
	for (unsigned k = 0; k < n && off < stored; k++) {
		struct dgram *x = &fifo[(head + k) % FIFO];
		for (size_t i = 0; i < x->len && off < stored; i++, off++)
			CHECK(((unsigned char *)m->buf)[off] == pat(x->seed, i));
	}
	for (unsigned k = 0; k < n; k++)
		queued_bytes -= cost(fifo[(head + k) % FIFO].len);
	head += n;
	queued -= n;
}

/* Waits (bounded) until b is readable: the loopback delivers as it
 * sends, but a softirq may run late on a loaded machine. */
static void wait_readable(struct env *E)
{
	struct pollfd pfd = { mio_udp_socket_fd(E->b), POLLIN, 0 };
	CHECK(poll(&pfd, 1, 5000) == 1);
}

static void drain(struct env *E)
{
	static unsigned char bufs[8][65536];
	mio_udp_msg m[8];
	while (queued > 0) {
		memset(m, 0, sizeof(m));
		for (int i = 0; i < 8; i++) {
			m[i].buf = bufs[i];
			m[i].capacity = sizeof(bufs[i]);
		}
		wait_readable(E);
		int n = mio_udp_socket_recv_msgs(E->b, m, 8);
		CHECK(n >= 1 && n <= 8);
		for (int i = 0; i < n; i++)
			check_record(E, &m[i]);
	}
	CHECK(queued_bytes == 0);
	mio_udp_msg one = { .buf = bufs[0], .capacity = 1 };
	CHECK(mio_udp_socket_recv_msgs(E->b, &one, 1) == -EAGAIN);
}

static void op_recv(struct env *E, struct in *in)
{
	size_t count = byte(in) % (MAX_REC + 1);
	if (byte(in) == 0xff)
		count = SIZE_MAX;
	mio_udp_msg m[MAX_REC], saved[MAX_REC];
	memset(m, 0, sizeof(m));
	int want = 0;  /* 0: valid; else the errno */
	size_t n = count > MAX_REC ? MAX_REC : count;
	for (size_t i = 0; i < n; i++) {
		unsigned k = byte(in), v = byte(in);
		switch (k % 8) {
		case 0: m[i].capacity = 0; break;  /* buf NULL, nothing to hold */
		case 1: m[i].capacity = v; break;
		case 2: m[i].capacity = (size_t)v * 256 + 1; break;
		case 3: m[i].capacity = 65535; break;
		case 4: m[i].capacity = 1 + v; m[i].buf = NULL; break;  /* bad */
		case 5: m[i].capacity = (size_t)INT_MAX + 1 + v; break;  /* bad */
		case 6: m[i].capacity = SIZE_MAX - v; break;             /* bad */
		default: m[i].capacity = 1200; break;
		}
		bool bad = (k % 8) == 4 || (k % 8) == 5 || (k % 8) == 6;
		if (!bad && m[i].capacity > 0) {
			m[i].buf = malloc(m[i].capacity);
			CHECK(m[i].buf != NULL);
		} else if ((k % 8) == 5 || (k % 8) == 6) {
			m[i].buf = malloc(1);  /* must never be written */
			CHECK(m[i].buf != NULL);
		}
		m[i].len = 0xabcdef;  /* untouched unless filled */
		m[i].flags = 0xf0f0;
		if (want == 0 && bad)
			want = EINVAL;
	}
	if (count == 0 || count > MIO_UDP_MSGS_MAX)
		want = EINVAL;
	memcpy(saved, m, sizeof(m));
	if (want == 0 && queued > 0)
		wait_readable(E);
	int rc = mio_udp_socket_recv_msgs(E->b, count ? m : NULL, count);
	if (count == 0)
		CHECK(rc == -EINVAL);
	else if (want != 0)
		CHECK(rc == -want);
	else if (queued == 0)
		CHECK(rc == -EAGAIN);
	else
		CHECK(rc >= 1 && (size_t)rc <= count);
	size_t filled = rc > 0 ? (size_t)rc : 0;
	for (size_t i = 0; i < filled; i++)
		check_record(E, &m[i]);
	for (size_t i = filled; i < n; i++)
		CHECK(memcmp(&m[i], &saved[i], sizeof(m[i])) == 0);
	for (size_t i = 0; i < n; i++)
		free(saved[i].buf);
}

/* ------------------------------------------------------------------ */
/* Send, its outcome predicted                                         */
/* ------------------------------------------------------------------ */

static const socklen_t odd_lens[] = { 1, 2, 15, 16, 17, 27, 28, 29, 127, 128, 129, 4096,
				      (socklen_t)-1, 0 };

/* The page's checks, in its order, for one record: 0 or the errno. */
static int model_check(const struct env *E, const mio_udp_msg *m, unsigned *nseg)
{
	if (m->buf == NULL && m->len != 0)
		return EINVAL;
	if (m->len > 65535)
		return EMSGSIZE;
	if (m->ecn > 3)
		return EINVAL;
	const struct { const struct sockaddr_storage *ss; socklen_t len; } addrs[2] = {
		{ &m->addr, m->addr_len }, { &m->local, m->local_len } };
	for (int i = 0; i < 2; i++) {
		socklen_t len = addrs[i].len;
		if (len == 0)
			continue;
		if (len > sizeof(struct sockaddr_storage) || len < sizeof(sa_family_t))
			return EINVAL;
		int fam = addrs[i].ss->ss_family;
		if (fam == AF_INET && len < sizeof(struct sockaddr_in))
			return EINVAL;
		if (fam == AF_INET6 && len < sizeof(struct sockaddr_in6))
			return EINVAL;
		if (fam != AF_INET && fam != AF_INET6)
			return EINVAL;
	}
	(void)E;
	if (m->local_len != 0 && m->local.ss_family == AF_INET6) {
		const struct sockaddr_in6 *l6 = (const struct sockaddr_in6 *)&m->local;
		if (!IN6_IS_ADDR_V4MAPPED(&l6->sin6_addr))
			return EINVAL;  /* an IPv6 source on an IPv4 socket */
	}
	if (m->segment_size == 0) {
		*nseg = 1;
		return 0;
	}
	if (m->segment_size > m->len)
		return EINVAL;
	size_t n = (m->len + m->segment_size - 1) / m->segment_size;
	if (n > MIO_UDP_MAX_SEGMENTS)
		return EINVAL;
	*nseg = (unsigned)n;
	return 0;
}

static void op_send(struct env *E, struct in *in)
{
	size_t count = byte(in) % (MAX_REC + 1);
	if (byte(in) == 0xff)
		count = SIZE_MAX;
	size_t n = count > MAX_REC ? MAX_REC : count;
	mio_udp_msg m[MAX_REC];
	memset(m, 0, sizeof(m));
	for (size_t i = 0; i < n; i++) {
		unsigned b0 = byte(in), b1 = byte(in), b2 = byte(in), b3 = byte(in), b4 = byte(in);
		unsigned b5 = byte(in), b6 = byte(in), b7 = byte(in);
		mio_udp_msg *r = &m[i];
		r->buf = sendbuf + i * 65536;
		switch (b0 >> 6) {
		case 0: r->len = b1; break;
		case 1: r->len = b1 * 8 + b2 % 8; break;
		case 2: r->len = (b1 << 8 | b2) % 20000; break;
		default: {
			static const size_t big[] = { 65535, 65536, 65507, 65508, SIZE_MAX, 0,
						      1472, 65000 };
			r->len = big[b1 % 8];
		}
		}
		switch (b3 >> 6) {
		case 0: r->segment_size = 0; break;
		case 1: r->segment_size = 1 + b4; break;
		case 2: r->segment_size = (uint32_t)(b4 << 4) + 1 + b2; break;
		default: {
			const uint32_t special[] = { (uint32_t)r->len, (uint32_t)r->len + 1, UINT32_MAX,
						     1, 1200, 1024 };
			r->segment_size = special[b4 % 6];
		}
		}
		switch (b5 & 7) {
		case 1:
			if (E->connected)
				break;  /* addr_len 0: the connected peer */
			/* fall through */
		case 0: case 7:
			memcpy(&r->addr, &E->ba, E->bl);
			r->addr_len = E->bl;
			break;
		case 2:
			memcpy(&r->addr, &E->ba, E->bl);
			r->addr_len = odd_lens[(b5 >> 3) % (sizeof(odd_lens) / sizeof(odd_lens[0]))];
			if (r->addr_len == 0)
				r->addr_len = E->bl;
			break;
		case 3:
			memcpy(&r->addr, &E->ba, E->bl);
			r->addr.ss_family = AF_UNIX;
			r->addr_len = E->bl;
			break;
		case 4: case 5: {  /* valid records the kernel refuses here */
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&r->addr;
			s6->sin6_family = AF_INET6;
			s6->sin6_port = ((struct sockaddr_in *)&E->ba)->sin_port;
			if ((b5 & 7) == 4)
				s6->sin6_addr = in6addr_loopback;
			else
				s6->sin6_addr.s6_addr[10] = s6->sin6_addr.s6_addr[11] = 0xff,
				memcpy(&s6->sin6_addr.s6_addr[12], &((struct sockaddr_in *)&E->ba)->sin_addr, 4);
			r->addr_len = sizeof(*s6);
			break;
		}
		default:
			memcpy(&r->addr, &E->ba, E->bl);
			r->addr.ss_family = 0;
			r->addr_len = E->bl;
		}
		r->ecn = (uint8_t)(b6 & 7);
		switch ((b6 >> 3) & 7) {
		case 1: case 6: {
			struct sockaddr_in *l = (struct sockaddr_in *)&r->local;
			l->sin_family = AF_INET;
			l->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			r->local_len = sizeof(*l);
			if (((b6 >> 3) & 7) == 6)
				r->ifindex = E->lo;
			break;
		}
		case 2: {
			struct sockaddr_in6 *l = (struct sockaddr_in6 *)&r->local;
			l->sin6_family = AF_INET6;
			l->sin6_addr.s6_addr[10] = l->sin6_addr.s6_addr[11] = 0xff;
			l->sin6_addr.s6_addr[12] = 127;
			l->sin6_addr.s6_addr[15] = 1;
			r->local_len = sizeof(*l);
			break;
		}
		case 3: {
			struct sockaddr_in6 *l = (struct sockaddr_in6 *)&r->local;
			l->sin6_family = AF_INET6;
			l->sin6_addr = in6addr_loopback;  /* bad on IPv4 */
			r->local_len = sizeof(*l);
			break;
		}
		case 4:
			r->local.ss_family = AF_INET;
			r->local_len = odd_lens[b7 % (sizeof(odd_lens) / sizeof(odd_lens[0]))];
			break;
		case 5:
			r->ifindex = E->lo;
			break;
		default:
			break;
		}
		/* A run near 64 KiB may or may not stay whole into a GRO
		 * socket: loopback segments it in software when it reaches the
		 * device's gso_max_size with its headers (65536 by default:
		 * a payload of 65494 or more).  Only the receiver's view of it
		 * depends on that, so with GRO on such runs are kept below. */
		if (E->gro && r->segment_size != 0 && r->segment_size < r->len &&
		    r->len > 65000 && r->len <= 65535)
			r->len = 65000;
		if (b7 & 0x80)
			r->buf = NULL;
		r->flags = b7 & 1;  /* not read by a send */
		r->capacity = b7 & 2 ? SIZE_MAX : 0;  /* likewise */
	}

	/* The model: the first bad record fails the whole call. */
	unsigned nseg[MAX_REC];
	int want = (count == 0 || count > MIO_UDP_MSGS_MAX) ? EINVAL : 0;
	for (size_t i = 0; i < n && want == 0 && i < count; i++)
		want = model_check(E, &m[i], &nseg[i]);
	if (want != 0) {
		CHECK(mio_udp_socket_send_msgs(E->a, count ? m : NULL, count) == -want);
		return;
	}
	/* The kernel's refusals: where the call stops, and its errno. */
	size_t stop = count;
	int kerr = 0;
	size_t need = 0;
	for (size_t i = 0; i < count; i++) {
		bool v6 = m[i].addr_len != 0 && m[i].addr.ss_family == AF_INET6;
		if (v6 || (nseg[i] == 1 && m[i].len > 65507)) {
			stop = i;
			kerr = v6 ? EAFNOSUPPORT : EMSGSIZE;
			break;
		}
		need += cost(m[i].len) + nseg[i] * 1536;
	}
	if (queued_bytes + need > E->budget)
		drain(E);
	if (need > E->budget)
		return;  /* more than the receiver can hold at once */
	if (queued + 64 * MIO_UDP_MSGS_MAX > FIFO)
		drain(E);

	/* The bytes, and what the receiver is owed. */
	for (size_t i = 0; i < stop; i++) {
		mio_udp_msg *r = &m[i];
		size_t seg = r->segment_size ? r->segment_size : r->len;
		/* Coalesced on arrival: a run the kernel segmented (it has
		 * UDP_SEGMENT and the run fits one IPv4 packet) into a GRO
		 * socket. */
		bool whole = E->gro && E->gso > 1 && nseg[i] > 1 && r->len <= 65000;
		uint32_t run = next_run++;
		for (unsigned k = 0; k < nseg[i]; k++) {
			size_t off = k * seg, len = r->len - off < seg ? r->len - off : seg;
			struct dgram *d = &fifo[(head + queued) % FIFO];
			d->seed = next_seed++;
			d->len = (uint32_t)len;
			d->ecn = r->ecn;
			d->run = run;
			d->run_len = whole ? (uint16_t)nseg[i] : 1;
			d->index = whole ? (uint16_t)k : 0;
			d->stride = (uint32_t)seg;
			if (r->buf != NULL)
				for (size_t j = 0; j < len; j++)
					((unsigned char *)r->buf)[off + j] = pat(d->seed, j);
			queued++;
			queued_bytes += cost(len);
		}
	}
	mio_udp_msg before[MAX_REC];
	memcpy(before, m, sizeof(m));
	int rc = mio_udp_socket_send_msgs(E->a, m, count);
	if (stop == 0)
		CHECK(rc == -kerr);
	else
		CHECK(rc == (int)stop);
	/* Records sent whole are not touched. */
	for (size_t i = 0; i < count; i++)
		CHECK(memcmp(&m[i], &before[i], sizeof(m[i])) == 0);
}

/* ------------------------------------------------------------------ */

static bool setup(struct env *E, unsigned cfg)
{
	memset(E, 0, sizeof(*E));
	struct sockaddr_storage lo;
	socklen_t lol;
	CHECK(mio_addr_parse("127.0.0.1:0", &lo, &lol) == 0);
	CHECK(mio_udp_socket_new_v4(&E->a) == 0);
	CHECK(mio_udp_socket_bind_to(E->a, SA(&lo), lol) == 0);
	CHECK(mio_udp_socket_bind(SA(&lo), lol, &E->b) == 0);
	E->al = E->bl = sizeof(E->aa);
	CHECK(mio_udp_socket_local_addr(E->a, &E->aa, &E->al) == 0);
	CHECK(mio_udp_socket_local_addr(E->b, &E->ba, &E->bl) == 0);
	E->gro = cfg & 1;
	E->connected = cfg & 2;
	E->ecn = cfg & 4;
	E->pktinfo = cfg & 8;
	if (E->connected)
		CHECK(mio_udp_socket_connect(E->a, SA(&E->ba), E->bl) == 0);
	CHECK(mio_udp_socket_set_gro(E->b, E->gro) == 0);
	CHECK(mio_udp_socket_set_recv_ecn(E->b, E->ecn) == 0);
	CHECK(mio_udp_socket_set_recv_pktinfo(E->b, E->pktinfo) == 0);
	uint32_t gro = 0;
	CHECK(mio_udp_socket_gro_segments(E->b, &gro) == 0);
	if (gro == 1)
		E->gro = false;  /* a kernel without UDP_GRO: one datagram a record */
	CHECK(mio_udp_socket_gso_segments(E->a, &E->gso) == 0);
	/* As much receive buffer as the system gives (SO_RCVBUFFORCE needs
	 * CAP_NET_ADMIN; else net.core.rmem_max caps it); a quarter of it
	 * is used, so that the estimate of each datagram's cost may be off. */
	int size = 8 << 20;
	if (setsockopt(mio_udp_socket_fd(E->b), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) != 0)
		(void)mio_udp_socket_set_recv_buffer_size(E->b, (uint32_t)size);
	uint32_t got = 0;
	CHECK(mio_udp_socket_recv_buffer_size(E->b, &got) == 0);
	E->budget = got / 4;
	E->lo = if_nametoindex("lo");
	head = queued = queued_bytes = 0;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds_at_start = count_fds();
	struct in in = { data, size };
	struct env E;
	setup(&E, byte(&in));
	for (int ops = 0; ops < MAX_OPS && in.n > 0; ops++) {
		switch (byte(&in) % 3) {
		case 0: op_send(&E, &in); break;
		case 1: op_recv(&E, &in); break;
		default: drain(&E); break;
		}
	}
	drain(&E);
	mio_udp_socket_free(E.a);
	mio_udp_socket_free(E.b);
	CHECK(count_fds() == fds_at_start);
	return 0;
}
