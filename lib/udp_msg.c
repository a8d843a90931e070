/*
 * udp_msg.c - arrays of datagram records in one system call
 * (mio_udp_socket_recv_msgs, mio_udp_socket_send_msgs; mio_udp_msg(3)):
 * recvmmsg(2) and sendmmsg(2), UDP segmentation offload both ways, and
 * the ancillary data QUIC needs (ECN, packet info).
 *
 * Nothing is allocated: the kernel's headers, iovecs and control buffers
 * for one call live on the stack, MIO_UDP_MSGS_MAX of each (about 13 KiB),
 * and the peer addresses go straight into the caller's records.
 *
 * The traps, and where each is handled:
 *
 *  1. A kernel older than 4.18 does not refuse a UDP_SEGMENT cmsg: the
 *     IPv4 path skips control messages of levels it does not know, so
 *     the whole buffer would leave as one datagram.  The cmsg is only
 *     sent after getsockopt(UDP_SEGMENT) answered (mio__udp_gso, once
 *     per socket); where it cannot, every segment is its own entry of a
 *     sendmmsg(2), so the same records give the same datagrams.
 *  2. Segmentation can be refused per send even where it exists: EIO
 *     when the route's device cannot checksum (udp_send_skb), EINVAL with
 *     SO_NO_CHECK on or a segment larger than the route's MTU, EMSGSIZE
 *     when the whole run exceeds what one IP packet may carry (65507 bytes
 *     of IPv4 payload, less on IPv6 with GSO).  Sending the same segments
 *     one by one is always what the caller meant, so that record goes
 *     through the loop, and its error, if any, is that of the datagrams.
 *     EIO and SO_NO_CHECK are properties of the socket or its route: the
 *     socket then loops from now on (quinn-udp does the same on EIO).
 *  3. sendmmsg(2) drops the error of entry k once entries before it were
 *     sent.  Here a short count is followed by another call for the rest,
 *     which returns that error at once if it lasts; only then does this
 *     function return, so a count below what was asked always means "the
 *     next record failed, or the socket is full".
 *  4. recvmmsg(2) keeps the error of entry k (in sk_err) for the next
 *     call when entries before it were received: nothing to do here.
 *  5. An IPv6 socket that is not v6-only carries IPv4 traffic whose
 *     control messages are IPv4's (IP_TOS, IP_PKTINFO) and whose send
 *     path reads only IPv4 ones plus IPV6_PKTINFO with a v4-mapped
 *     address (ip_cmsg_send); the IPv6 path skips levels other than
 *     SOL_IPV6.  ECN goes as IP_TOS to a v4-mapped destination, as
 *     IPV6_TCLASS to an IPv6 one, and as both to the connected peer,
 *     whose family a send does not know.
 *  6. The poll(2) backend emulates edges: the source is re-armed on
 *     -EAGAIN, and a receive also on a batch shorter than asked, after
 *     which the kernel itself had found the queue empty (a send's short
 *     count is retried, trap 3, and ends in -EAGAIN or another error).
 *     Re-arming more often than needed costs at most one spurious event;
 *     re-arming too rarely would lose one.
 *
 * SPDX-License-Identifier: MIT
 */
#include "udp.h"

#include <string.h>

#define SA(p) ((struct sockaddr *)(p))
#define N MIO_UDP_MSGS_MAX

/* The largest record: no UDP datagram, and no segmented run, is larger. */
#define RECORD_MAX 65535u

/* Room for every control message one entry carries or receives: ECN
 * twice (24 + 24), IPV6_PKTINFO (40), UDP_SEGMENT or UDP_GRO (24), on
 * LP64, with headroom for one the caller turned on by hand. */
#define CTL_SIZE 128
typedef union {
	char           buf[CTL_SIZE];
	struct cmsghdr align;
} ctlbuf;

static bool is_v4_mapped(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr);
}

/* ------------------------------------------------------------------ */
/* Receive                                                             */
/* ------------------------------------------------------------------ */

/* The local address of a received datagram; port 0 (it is the socket's
 * own, mio_udp_socket_local_addr).  v4-mapped when the peer address is,
 * i.e. on an IPv6 socket, so that the pair can be sent back as it is. */
static void set_local_v4(mio_udp_msg *m, struct in_addr a)
{
	memset(&m->local, 0, sizeof(struct sockaddr_in6));
	if (m->addr.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&m->local;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], &a, 4);
		m->local_len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&m->local;
		s4->sin_family = AF_INET;
		s4->sin_addr = a;
		m->local_len = sizeof(*s4);
	}
}

static void read_cmsgs(mio_udp_msg *m, struct msghdr *h)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
		const unsigned char *d = CMSG_DATA(c);
		size_t dlen = c->cmsg_len - CMSG_LEN(0);
		int v;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS && dlen >= 1) {
			m->ecn = d[0] & 3;  /* one byte (ip_cmsg_recv_tos) */
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS &&
			   dlen >= sizeof(int)) {
			memcpy(&v, d, sizeof(v));
			m->ecn = (uint8_t)(v & 3);
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
			   dlen >= sizeof(struct in_pktinfo)) {
			struct in_pktinfo pi;
			memcpy(&pi, d, sizeof(pi));
			/* ipi_addr: the address in the header, the one the peer
			 * sent to (ipi_spec_dst is the routing's choice). */
			set_local_v4(m, pi.ipi_addr);
			m->ifindex = (uint32_t)pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
			   dlen >= sizeof(struct in6_pktinfo)) {
			struct in6_pktinfo pi;
			memcpy(&pi, d, sizeof(pi));
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&m->local;
			memset(s6, 0, sizeof(*s6));
			s6->sin6_family = AF_INET6;
			s6->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				s6->sin6_scope_id = pi.ipi6_ifindex;
			m->local_len = sizeof(*s6);
			m->ifindex = pi.ipi6_ifindex;
		} else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
			   dlen >= sizeof(int)) {
			memcpy(&v, d, sizeof(v));  /* the stride of a coalesced run */
			if (v > 0 && (size_t)v < m->len)
				m->segment_size = (uint32_t)v;
		}
	}
}

MIO_EXPORT int mio_udp_socket_recv_msgs(mio_udp_socket *u, mio_udp_msg *msgs, size_t count)
{
	mio__check(u != NULL && msgs != NULL, -EINVAL);
	mio__check(count >= 1 && count <= N, -EINVAL);
	for (size_t i = 0; i < count; i++) {
		mio__check(msgs[i].buf != NULL || msgs[i].capacity == 0, -EINVAL);
		/* The kernel reports a length in an unsigned int (mmsghdr). */
		mio__check(msgs[i].capacity <= INT_MAX, -EINVAL);
	}

	struct mmsghdr mm[N];
	struct iovec iov[N];
	ctlbuf ctl[N];
	for (size_t i = 0; i < count; i++) {
		iov[i].iov_base = msgs[i].buf;
		iov[i].iov_len = msgs[i].capacity;
		mm[i].msg_hdr = (struct msghdr){
			.msg_name = &msgs[i].addr,
			.msg_namelen = sizeof(msgs[i].addr),
			.msg_iov = &iov[i],
			.msg_iovlen = 1,
			.msg_control = ctl[i].buf,
			.msg_controllen = sizeof(ctl[i].buf),
		};
		mm[i].msg_len = 0;
	}
	int n = recvmmsg(u->fd, mm, (unsigned)count, MSG_DONTWAIT, NULL);
	if (n < 0) {
		int err = errno;
		if (err == EAGAIN || err == EWOULDBLOCK)
			mio__source_drained(u->fd, MIO_READABLE);
		return -err;
	}
	if ((size_t)n < count)
		mio__source_drained(u->fd, MIO_READABLE);  /* trap 6 */
	for (int i = 0; i < n; i++) {
		mio_udp_msg *m = &msgs[i];
		struct msghdr *h = &mm[i].msg_hdr;
		m->len = mm[i].msg_len;
		m->addr_len = h->msg_namelen;
		m->flags = (h->msg_flags & MSG_TRUNC) ? MIO_UDP_MSG_TRUNC : 0;
		m->ecn = MIO_ECN_NOT_ECT;
		m->local_len = 0;
		m->ifindex = 0;
		m->segment_size = (uint32_t)m->len;  /* one datagram, unless GRO says */
		read_cmsgs(m, h);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Send                                                                */
/* ------------------------------------------------------------------ */

/* An address a record carries: none (0), or an inet address whose length
 * fits the record and its family.  Returns the length to give the kernel
 * (the family's sockaddr size). */
static int record_addr_len(const struct sockaddr_storage *ss, socklen_t len)
{
	if (len == 0)
		return 0;
	mio__check(len <= sizeof(*ss), -EINVAL);
	return mio__inet_addr_len((const struct sockaddr *)ss, len);
}

/* Validates record m for a send and counts its datagrams.  *family is the
 * socket's, asked on first need (a source address must fit it). */
static int check_send(mio_udp_socket *u, const mio_udp_msg *m, unsigned *nseg, int *family)
{
	mio__check(m->buf != NULL || m->len == 0, -EINVAL);
	mio__check(m->len <= RECORD_MAX, -EMSGSIZE);
	mio__check(m->ecn <= MIO_ECN_CE, -EINVAL);
	int rc = record_addr_len(&m->addr, m->addr_len);
	if (rc < 0)
		return rc;
	rc = record_addr_len(&m->local, m->local_len);
	if (rc < 0)
		return rc;
	if ((m->local_len != 0 || m->ecn != 0 || m->ifindex != 0) && *family == 0) {
		*family = mio__udp_family(u);
		if (*family < 0)
			return *family;
	}
	/* An IPv4 socket can only send from an IPv4 address. */
	if (m->local_len != 0 && *family == AF_INET && m->local.ss_family == AF_INET6)
		mio__check(is_v4_mapped(&m->local), -EINVAL);
	if (m->segment_size == 0) {
		*nseg = 1;
		return 0;
	}
	mio__check(m->segment_size <= m->len, -EINVAL);
	size_t n = (m->len + m->segment_size - 1) / m->segment_size;
	mio__check(n <= MIO__UDP_MAX_SEGMENTS, -EINVAL);
	*nseg = (unsigned)n;
	return 0;
}

/* Appends one control message; the buffer is large enough by design.
 * Its padding is zeroed too: the kernel ignores it, but valgrind checks
 * that every byte given to sendmmsg(2) is defined. */
static struct cmsghdr *put_cmsg(struct msghdr *h, struct cmsghdr *c, int level, int type,
				const void *data, size_t len)
{
	memset(c, 0, CMSG_SPACE(len));
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	h->msg_controllen += CMSG_SPACE(len);
	return (struct cmsghdr *)((char *)c + CMSG_SPACE(len));
}

/* The control messages of record m (trap 5), into ctl for h; gso is the
 * segment size to ask the kernel for, or 0. */
static void build_cmsgs(struct msghdr *h, ctlbuf *ctl, const mio_udp_msg *m, int family,
			uint16_t gso)
{
	h->msg_control = ctl->buf;
	h->msg_controllen = 0;
	struct cmsghdr *c = &ctl->align;
	if (m->ecn != 0) {
		int tos = m->ecn;
		bool v4 = family == AF_INET || (m->addr_len != 0 && is_v4_mapped(&m->addr));
		bool v6 = family == AF_INET6 && (m->addr_len == 0 || !is_v4_mapped(&m->addr));
		if (v4)
			c = put_cmsg(h, c, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
		if (v6)
			c = put_cmsg(h, c, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	}
	if (m->local_len != 0 || m->ifindex != 0) {
		if (family == AF_INET) {
			struct in_pktinfo pi;
			memset(&pi, 0, sizeof(pi));
			pi.ipi_ifindex = (int)m->ifindex;
			if (m->local.ss_family == AF_INET)
				pi.ipi_spec_dst = ((const struct sockaddr_in *)&m->local)->sin_addr;
			else if (m->local_len != 0)  /* v4-mapped, checked */
				memcpy(&pi.ipi_spec_dst,
				       &((const struct sockaddr_in6 *)&m->local)->sin6_addr.s6_addr[12], 4);
			c = put_cmsg(h, c, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi;
			memset(&pi, 0, sizeof(pi));
			pi.ipi6_ifindex = m->ifindex;
			if (m->local_len != 0 && m->local.ss_family == AF_INET6) {
				pi.ipi6_addr = ((const struct sockaddr_in6 *)&m->local)->sin6_addr;
			} else if (m->local_len != 0) {  /* IPv4 on an IPv6 socket: v4-mapped */
				pi.ipi6_addr.s6_addr[10] = 0xff;
				pi.ipi6_addr.s6_addr[11] = 0xff;
				memcpy(&pi.ipi6_addr.s6_addr[12],
				       &((const struct sockaddr_in *)&m->local)->sin_addr, 4);
			}
			c = put_cmsg(h, c, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
		}
	}
	if (gso != 0)
		c = put_cmsg(h, c, SOL_UDP, UDP_SEGMENT, &gso, sizeof(gso));
	if (h->msg_controllen == 0)
		h->msg_control = NULL;
}

/* One call's worth of sendmmsg(2) entries, and which record each is. */
struct batch {
	struct mmsghdr mm[N];
	struct iovec   iov[N];
	ctlbuf         ctl[N];
	uint8_t        rec[N];      /* record index (from the first of the call) */
	uint8_t        seg_end[N];  /* segments of that record sent once this one is */
	bool           kernel_gso[N];
};

/* Whether SO_NO_CHECK is on: why Linux refuses segmentation with EINVAL
 * on this socket for good (udp_send_skb), as opposed to one record. */
static bool no_check(const mio_udp_socket *u)
{
	bool on = false;
	return mio__getsockopt_bool(u->fd, SOL_SOCKET, SO_NO_CHECK, &on) == 0 && on;
}

MIO_EXPORT int mio_udp_socket_send_msgs(mio_udp_socket *u, mio_udp_msg *msgs, size_t count)
{
	mio__check(u != NULL && msgs != NULL, -EINVAL);
	mio__check(count >= 1 && count <= N, -EINVAL);

	/* Every record is checked before anything is sent: a bad one fails
	 * the call as a whole. */
	uint8_t nseg[N];
	int family = 0;
	bool segmented = false;
	for (size_t i = 0; i < count; i++) {
		unsigned n = 1;
		int rc = check_send(u, &msgs[i], &n, &family);
		if (rc < 0)
			return rc;
		nseg[i] = (uint8_t)n;
		segmented |= n > 1;
	}
	int gso = MIO__GSO_LOOP;
	if (segmented) {
		gso = mio__udp_gso(u);
		if (gso < 0)
			return gso;
	}

	struct batch b;
	size_t done = 0;      /* records sent whole */
	unsigned seg = 0;     /* segments of msgs[done] sent, when it is looped */
	size_t looped = SIZE_MAX;  /* a record segmentation was refused for (trap 2) */
	int err = 0;
	while (done < count) {
		unsigned e = 0;
		size_t i = done;
		unsigned s = seg;
		while (e < N && i < count) {
			mio_udp_msg *m = &msgs[i];
			bool loop = nseg[i] > 1 && (gso == MIO__GSO_LOOP || i == looped);
			struct msghdr *h = &b.mm[e].msg_hdr;
			unsigned first = e;
			do {
				size_t off = loop ? (size_t)s * m->segment_size : 0;
				size_t len = loop ? m->len - off : m->len;
				if (loop && len > m->segment_size)
					len = m->segment_size;
				/* NULL + 0 is undefined in C: a record of 0
				 * bytes may have no buffer. */
				b.iov[e].iov_base = off ? (char *)m->buf + off : m->buf;
				b.iov[e].iov_len = len;
				h = &b.mm[e].msg_hdr;
				*h = (struct msghdr){
					.msg_name = m->addr_len ? &m->addr : NULL,
					.msg_namelen = m->addr_len ? (socklen_t)record_addr_len(&m->addr, m->addr_len) : 0,
					.msg_iov = &b.iov[e],
					.msg_iovlen = 1,
				};
				if (e == first) {
					bool ask = !loop && nseg[i] > 1;
					build_cmsgs(h, &b.ctl[e], m, family, ask ? (uint16_t)m->segment_size : 0);
				} else {  /* the segments of one record share its messages */
					h->msg_control = b.mm[first].msg_hdr.msg_control;
					h->msg_controllen = b.mm[first].msg_hdr.msg_controllen;
				}
				b.mm[e].msg_len = 0;
				b.rec[e] = (uint8_t)(i - done);
				b.kernel_gso[e] = !loop && nseg[i] > 1;
				s = loop ? s + 1 : nseg[i];
				b.seg_end[e] = (uint8_t)s;
				e++;
			} while (loop && s < nseg[i] && e < N);
			if (s == nseg[i]) {
				i++;
				s = 0;
			}
		}

		int n = sendmmsg(u->fd, b.mm, e, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			err = errno;
			if (b.kernel_gso[0] && looped != done &&
			    (err == EIO || err == EINVAL || err == EMSGSIZE)) {
				if (err == EIO || (err == EINVAL && no_check(u))) {
					mio__udp_gso_refused(u);
					gso = MIO__GSO_LOOP;
				}
				looped = done;  /* again, one datagram per segment */
				err = 0;
				continue;
			}
			break;
		}
		/* Entries 0..n-1 went out; a short count is retried (trap 3). */
		size_t r = done + b.rec[n - 1];
		if (b.seg_end[n - 1] == nseg[r]) {
			done = r + 1;
			seg = 0;
		} else {
			done = r;
			seg = b.seg_end[n - 1];
		}
	}

	if (seg > 0) {
		/* Part of a looped record went: what is left is sent by the
		 * next call, from the same record.  capacity shrinks with buf,
		 * so that a record received into, sent back and received into
		 * again never describes memory past its buffer. */
		mio_udp_msg *m = &msgs[done];
		size_t off = (size_t)seg * m->segment_size;
		m->buf = (char *)m->buf + off;
		m->len -= off;
		m->capacity = m->capacity > off ? m->capacity - off : 0;
		if (m->len < m->segment_size)
			m->segment_size = (uint32_t)m->len;
	}
	if (err == EAGAIN || err == EWOULDBLOCK)
		mio__source_drained(u->fd, MIO_WRITABLE);
	if (done > 0)
		return (int)done;
	return -err;
}
