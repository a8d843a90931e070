/*
 * cmsgprobe.c - whether the platform carries each control message of
 * mio_udp_msg(3), with raw system calls (cmsgprobe.h says why).
 *
 * Each receive-side probe sets the value with a socket option (which an
 * emulator converts: it knows their types) and reads the control message
 * the kernel attaches; each send-side probe sends the message and reads
 * the effect with a receive path that needs no control message (the
 * source address, the datagram sizes) or one already found carried.
 *
 * SPDX-License-Identifier: MIT
 */
/* config.h first where there is one: _GNU_SOURCE (struct in6_pktinfo). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#elif !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1
#endif
#include "cmsgprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/* A datagram on loopback comes at once; a loaded machine under qemu
 * may take its time. */
#define WAIT_MS 5000

static const char *const names[CP_COUNT] = {
	"ip_tos_send",       "ip_tos_recv",       "ipv6_tclass_send", "ipv6_tclass_recv",
	"ip_pktinfo_send",   "ip_pktinfo_recv",   "ipv6_pktinfo_send", "ipv6_pktinfo_recv",
	"udp_segment_send",  "udp_gro_recv",      "ip_pktinfo_echo",  "ipv6_pktinfo_echo",
};

const char *cp_name(enum cp_msg m)
{
	return (unsigned)m < CP_COUNT ? names[m] : "?";
}

static char reason[CP_COUNT][200];
static const char *result[CP_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void broken(enum cp_msg m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void broken(enum cp_msg m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason[m], sizeof(reason[m]), fmt, ap);
	va_end(ap);
	result[m] = reason[m];
}

static uint32_t swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

/* ", byte-swapped" when `got` is `want` in the other byte order: the
 * message was copied between guest and host unconverted. */
static const char *swapped(uint32_t got, uint32_t want, unsigned bytes)
{
	uint32_t s = bytes == 2 ? (uint32_t)(((want & 0xff) << 8) | ((want >> 8) & 0xff))
				: swap32(want);
	return got == s && got != want ? ", byte-swapped: copied unconverted" : "";
}

/* A UDP socket bound to text:0 ("127.0.0.1", "::1", "0.0.0.0", "::");
 * -1 where that family or address is not available here. */
static int sock(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, text, &s4->sin_addr);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, text, &s6->sin6_addr);
		*len = sizeof(*s6);
	}
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *len) < 0 ||
	    getsockname(fd, (struct sockaddr *)ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The address of a socket bound by sock() to a wildcard, as `text`
 * (a loopback address) with its port. */
static void at(struct sockaddr_storage *ss, const char *text)
{
	if (ss->ss_family == AF_INET)
		inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr);
	else
		inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)ss)->sin6_addr);
}

static int opt(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* sendmsg(2) of n bytes of buf to `to`, with one control message of
 * dlen bytes when level is not -1: its byte count, or -errno. */
static long send_cm(int fd, const void *buf, size_t n, const struct sockaddr_storage *to,
		    socklen_t tl, int level, int type, const void *data, size_t dlen)
{
	union {
		char buf[CMSG_SPACE(64)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)buf, n };
	struct msghdr h = { .msg_name = (void *)to, .msg_namelen = tl, .msg_iov = &iov,
			    .msg_iovlen = 1 };
	if (level != -1) {
		memset(&ctl, 0, sizeof(ctl));
		struct cmsghdr *c = &ctl.align;
		c->cmsg_level = level;
		c->cmsg_type = type;
		c->cmsg_len = CMSG_LEN(dlen);
		memcpy(CMSG_DATA(c), data, dlen);
		h.msg_control = ctl.buf;
		h.msg_controllen = CMSG_SPACE(dlen);
	}
	ssize_t r = sendmsg(fd, &h, MSG_NOSIGNAL);
	return r < 0 ? -errno : (long)r;
}

/* One datagram (at most cap bytes) from fd within WAIT_MS: its length
 * (-ETIMEDOUT, -errno), its source, and the data of its control message
 * (level, type), *dlen 0 if none came. */
static long recv_cm(int fd, void *buf, size_t cap, struct sockaddr_storage *from, int level,
		    int type, void *data, size_t *dlen)
{
	struct pollfd p = { fd, POLLIN, 0 };
	*dlen = 0;
	if (poll(&p, 1, WAIT_MS) != 1)
		return -ETIMEDOUT;
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr h = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl) };
	ssize_t r = recvmsg(fd, &h, MSG_DONTWAIT);
	if (r < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c != NULL; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level == level && c->cmsg_type == type) {
			size_t n = c->cmsg_len - CMSG_LEN(0);
			*dlen = n < 64 ? n : 64;
			memcpy(data, CMSG_DATA(c), *dlen);
		}
	}
	return (long)r;
}

static int ival(const unsigned char *d, size_t n)
{
	int v = 0;
	if (n >= sizeof(v))
		memcpy(&v, d, sizeof(v));
	return v;
}

/* ------------------------------------------------------------------ */

/* One probe's two sockets: rx receives, tx sends (ra, sa their
 * addresses), both bound by run() for the probe of m. */
struct pair {
	enum cp_msg m;
	bool v6;
	int rx, tx;
	struct sockaddr_storage ra, sa;
	socklen_t rl, sl;
};

/* Opens rx at rx_at and tx at tx_at, runs probe f on them where both
 * could be opened (else m stays "carried": nothing could be seen), and
 * closes them. */
static void run(void (*f)(struct pair *), enum cp_msg m, bool v6, const char *rx_at,
		const char *tx_at)
{
	struct pair p = { .m = m, .v6 = v6 };
	p.rx = sock(rx_at, &p.ra, &p.rl);
	p.tx = sock(tx_at, &p.sa, &p.sl);
	if (p.rx >= 0 && p.tx >= 0)
		f(&p);
	if (p.rx >= 0)
		close(p.rx);
	if (p.tx >= 0)
		close(p.tx);
}

/* The ECN message's level and type, by family. */
#define TOS_LEVEL(v6) ((v6) ? IPPROTO_IPV6 : IPPROTO_IP)
#define TOS_TYPE(v6)  ((v6) ? IPV6_TCLASS : IP_TOS)
#define TOS_NAME(v6)  ((v6) ? "IPV6_TCLASS" : "IP_TOS")

/* ECN, receive: the sender sets the traffic class with setsockopt, the
 * receiver reads the codepoint off its control message. */
static void tos_recv(struct pair *p)
{
	struct sockaddr_storage from;
	unsigned char d[64], buf[16];
	size_t dl;
	bool v6 = p->v6;
	if (opt(p->rx, TOS_LEVEL(v6), v6 ? IPV6_RECVTCLASS : IP_RECVTOS, 1) ||
	    opt(p->tx, TOS_LEVEL(v6), TOS_TYPE(v6), 1) ||
	    send_cm(p->tx, "t", 1, &p->ra, p->rl, -1, 0, NULL, 0) != 1 ||
	    recv_cm(p->rx, buf, sizeof(buf), &from, TOS_LEVEL(v6), TOS_TYPE(v6), d, &dl) != 1)
		return;
	if (dl == 0) {
		broken(p->m, "%s: no such message came with the datagram", TOS_NAME(v6));
	} else if (v6) {
		int v = ival(d, dl);
		if (dl != sizeof(int) || v != 1)
			broken(p->m, "IPV6_TCLASS: %zu bytes, value %d (0x%x), want 1%s", dl, v,
			       (unsigned)v, swapped((uint32_t)v, 1, 4));
	} else if (d[0] != 1) {
		broken(p->m, "IP_TOS: value %u, want 1", d[0]);
	}
}

/* ECN, send: the codepoint goes as an int control message; the receiver
 * reads it back where its own path is carried (tos_recv, probed first). */
static void tos_send(struct pair *p)
{
	struct sockaddr_storage from;
	unsigned char d[64], buf[16];
	size_t dl;
	bool v6 = p->v6;
	enum cp_msg recv_side = v6 ? CP_IPV6_TCLASS_RECV : CP_IP_TOS_RECV;
	int tos = 2;  /* ECT(0) */
	if (opt(p->rx, TOS_LEVEL(v6), v6 ? IPV6_RECVTCLASS : IP_RECVTOS, 1))
		return;
	long n = send_cm(p->tx, "t", 1, &p->ra, p->rl, TOS_LEVEL(v6), TOS_TYPE(v6), &tos,
			 sizeof(tos));
	if (n < 0) {
		broken(p->m, "sendmsg refused %s %d: %s (0x%x if byte-swapped, out of range)",
		       TOS_NAME(v6), tos, strerror((int)-n), swap32((uint32_t)tos));
		return;
	}
	if (recv_cm(p->rx, buf, sizeof(buf), &from, TOS_LEVEL(v6), TOS_TYPE(v6), d, &dl) != 1 ||
	    dl == 0)
		return;
	if (result[recv_side] != NULL) {
		broken(p->m, "%s sent, but cannot be read back here (%s)", TOS_NAME(v6),
		       cp_name(recv_side));
		return;
	}
	int got = v6 ? ival(d, dl) & 3 : d[0] & 3;
	if (got != tos)
		broken(p->m, "%s %d sent, codepoint %d received", TOS_NAME(v6), tos, got);
}

/* Whether a datagram came from the loopback address the probes write to
 * (127.0.0.2, ::1), whatever its port. */
static bool from_probe_addr(const struct sockaddr_storage *from, bool v6)
{
	struct sockaddr_storage want = *from;
	at(&want, v6 ? "::1" : "127.0.0.2");
	return memcmp(&want, from, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == 0;
}

/* The answer of a reflector (pktinfo_recv's echo): one datagram from rx
 * back to `to`, with the packet info received (d) as its source; broken
 * unless tx gets it from the address written to. */
static void pktinfo_answer(struct pair *p, const unsigned char *d,
			   const struct sockaddr_storage *to)
{
	struct sockaddr_storage from;
	unsigned char buf[16], e[64];
	size_t el;
	long n;
	if (p->v6) {
		struct in6_pktinfo got, pi;
		memcpy(&got, d, sizeof(got));
		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = got.ipi6_addr;
		pi.ipi6_ifindex = got.ipi6_ifindex;
		n = send_cm(p->rx, "a", 1, to, p->rl, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	} else {
		struct in_pktinfo got, pi;
		memcpy(&got, d, sizeof(got));
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = got.ipi_addr;
		pi.ipi_ifindex = got.ipi_ifindex;
		n = send_cm(p->rx, "a", 1, to, p->rl, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	if (n < 0)
		broken(p->m, "sendmsg refused the packet info received: %s", strerror((int)-n));
	else if (recv_cm(p->tx, buf, sizeof(buf), &from, -1, 0, e, &el) == 1 &&
		 !from_probe_addr(&from, p->v6))
		broken(p->m, "the answer did not come from the address written to");
}

/* Packet info, receive: a wildcard socket learns the address written to
 * (127.0.0.2, ::1) and the interface (lo); for the echo probes, it
 * answers with what it learned instead (pktinfo_answer). */
static void pktinfo_recv(struct pair *p)
{
	struct sockaddr_storage from;
	unsigned char d[64], buf[16];
	size_t dl;
	unsigned lo = if_nametoindex("lo");
	bool v6 = p->v6;
	bool echo = p->m == CP_IP_PKTINFO_ECHO || p->m == CP_IPV6_PKTINFO_ECHO;
	if (v6 ? opt(p->rx, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) : opt(p->rx, IPPROTO_IP, IP_PKTINFO, 1))
		return;
	at(&p->ra, v6 ? "::1" : "127.0.0.2");
	if (send_cm(p->tx, "p", 1, &p->ra, p->rl, -1, 0, NULL, 0) != 1 ||
	    recv_cm(p->rx, buf, sizeof(buf), &from, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_PKTINFO : IP_PKTINFO, d, &dl) != 1)
		return;
	size_t want = v6 ? sizeof(struct in6_pktinfo) : sizeof(struct in_pktinfo);
	if (dl < want) {
		broken(p->m, "%s: %zu bytes, want %zu", v6 ? "IPV6_PKTINFO" : "IP_PKTINFO", dl, want);
	} else if (echo) {
		pktinfo_answer(p, d, &from);
	} else if (v6) {
		struct in6_pktinfo pi;
		memcpy(&pi, d, sizeof(pi));
		if (!IN6_IS_ADDR_LOOPBACK(&pi.ipi6_addr))
			broken(p->m, "IPV6_PKTINFO: not the address written to (::1)");
		else if (lo != 0 && pi.ipi6_ifindex != lo)
			broken(p->m, "IPV6_PKTINFO: ifindex %u, lo is %u%s", pi.ipi6_ifindex, lo,
			       swapped(pi.ipi6_ifindex, lo, 4));
	} else {
		struct in_pktinfo pi;
		memcpy(&pi, d, sizeof(pi));
		if (pi.ipi_addr.s_addr != htonl(0x7f000002))
			broken(p->m, "IP_PKTINFO: not the address written to (127.0.0.2)");
		else if (lo != 0 && (unsigned)pi.ipi_ifindex != lo)
			broken(p->m, "IP_PKTINFO: ifindex %d, lo is %u%s", pi.ipi_ifindex, lo,
			       swapped((uint32_t)pi.ipi_ifindex, lo, 4));
	}
}

/* Packet info, send: a wildcard socket sends from 127.0.0.2 (or ::1)
 * through lo; the receiver sees that source. */
static void pktinfo_send(struct pair *p)
{
	struct sockaddr_storage from;
	unsigned char d[64], buf[16];
	size_t dl;
	unsigned lo = if_nametoindex("lo");
	long n;
	if (p->v6) {
		struct in6_pktinfo pi;
		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = in6addr_loopback;
		pi.ipi6_ifindex = lo;
		n = send_cm(p->tx, "p", 1, &p->ra, p->rl, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	} else {
		struct in_pktinfo pi;
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst.s_addr = htonl(0x7f000002);
		pi.ipi_ifindex = (int)lo;
		n = send_cm(p->tx, "p", 1, &p->ra, p->rl, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	if (n < 0)
		broken(p->m, "sendmsg refused %s (ifindex %u, lo): %s (ifindex 0x%x if byte-swapped)",
		       p->v6 ? "IPV6_PKTINFO" : "IP_PKTINFO", lo, strerror((int)-n), swap32(lo));
	else if (recv_cm(p->rx, buf, sizeof(buf), &from, -1, 0, d, &dl) == 1 &&
		 !from_probe_addr(&from, p->v6))
		broken(p->m, "%s: the datagram did not come from the source asked for",
		       p->v6 ? "IPV6_PKTINFO" : "IP_PKTINFO");
}

/* Segmentation, send: 3000 bytes with a segment size of 1000 must come
 * as three datagrams.  Only where the kernel segments (getsockopt
 * UDP_SEGMENT answers); a refusal counts only if the socket option of
 * the same size is taken. */
static void segment_send(struct pair *p)
{
	struct sockaddr_storage from;
	static unsigned char buf[3000];
	unsigned char d[64];
	size_t dl;
	int v;
	socklen_t ol = sizeof(v);
	uint16_t seg = 1000;
	if (getsockopt(p->tx, SOL_UDP, UDP_SEGMENT, &v, &ol) < 0)
		return;
	long n = send_cm(p->tx, buf, sizeof(buf), &p->ra, p->rl, SOL_UDP, UDP_SEGMENT, &seg,
			 sizeof(seg));
	if (n < 0) {
		if (opt(p->tx, SOL_UDP, UDP_SEGMENT, seg) == 0 &&
		    send_cm(p->tx, buf, sizeof(buf), &p->ra, p->rl, -1, 0, NULL, 0) == (long)sizeof(buf) &&
		    recv_cm(p->rx, buf, sizeof(buf), &from, -1, 0, d, &dl) == seg)
			broken(p->m, "sendmsg refused UDP_SEGMENT %u: %s; the socket option works",
			       seg, strerror((int)-n));
		return;
	}
	n = recv_cm(p->rx, buf, sizeof(buf), &from, -1, 0, d, &dl);
	if (n > 0 && n != seg)
		broken(p->m, "UDP_SEGMENT %u: 3000 bytes came as a datagram of %ld (segment size %u "
		       "if byte-swapped)", seg, n, (unsigned)(((seg & 0xff) << 8) | (seg >> 8)));
}

/* Coalescing, receive: a run sent with the socket option UDP_SEGMENT to
 * a UDP_GRO socket comes as one buffer whose message says the stride.
 * Where the kernel does not coalesce, nothing to check. */
static void gro_recv(struct pair *p)
{
	struct sockaddr_storage from;
	static unsigned char buf[3000];
	unsigned char d[64];
	size_t dl;
	if (opt(p->rx, SOL_UDP, UDP_GRO, 1) || opt(p->tx, SOL_UDP, UDP_SEGMENT, 1000) ||
	    send_cm(p->tx, buf, sizeof(buf), &p->ra, p->rl, -1, 0, NULL, 0) != (long)sizeof(buf) ||
	    recv_cm(p->rx, buf, sizeof(buf), &from, SOL_UDP, UDP_GRO, d, &dl) != (long)sizeof(buf))
		return;  /* not coalesced */
	int v = ival(d, dl);
	if (dl == 0)
		broken(p->m, "UDP_GRO: a coalesced run came without its message");
	else if (v != 1000)
		broken(p->m, "UDP_GRO: stride %d (0x%x), want 1000%s", v, (unsigned)v,
		       swapped((uint32_t)v, 1000, 4));
}

static void probe_all(void)
{
	for (int v6 = 0; v6 < 2; v6++) {
		const char *lo = v6 ? "::1" : "127.0.0.1", *any = v6 ? "::" : "0.0.0.0";
		run(tos_recv, v6 ? CP_IPV6_TCLASS_RECV : CP_IP_TOS_RECV, v6, lo, lo);
		run(tos_send, v6 ? CP_IPV6_TCLASS_SEND : CP_IP_TOS_SEND, v6, lo, lo);
		run(pktinfo_recv, v6 ? CP_IPV6_PKTINFO_RECV : CP_IP_PKTINFO_RECV, v6, any, lo);
		run(pktinfo_send, v6 ? CP_IPV6_PKTINFO_SEND : CP_IP_PKTINFO_SEND, v6, lo, any);
		run(pktinfo_recv, v6 ? CP_IPV6_PKTINFO_ECHO : CP_IP_PKTINFO_ECHO, v6, any, lo);
	}
	run(segment_send, CP_UDP_SEGMENT_SEND, false, "127.0.0.1", "127.0.0.1");
	run(gro_recv, CP_UDP_GRO_RECV, false, "127.0.0.1", "127.0.0.1");
}

const char *cp_broken(enum cp_msg m)
{
	if ((unsigned)m >= CP_COUNT)
		return NULL;
	pthread_once(&once, probe_all);
	return result[m];
}

int cp_skip(enum cp_msg m, const char *what)
{
	const char *why = cp_broken(m);
	if (why == NULL)
		return 0;
	fprintf(stderr, "SKIP: %s: the platform does not carry %s (%s)\n", what, cp_name(m), why);
	return 1;
}
