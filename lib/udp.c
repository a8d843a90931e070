/*
 * udp.c - mio_udp_socket (mio::net::UdpSocket).
 *
 * The v4 options on a v6 socket (and the reverse) go to the kernel as
 * asked and its answer is passed through, as mio does: Linux accepts
 * some IPPROTO_IP options on AF_INET6 sockets (they apply to v4-mapped
 * traffic), and rejects IPPROTO_IPV6 ones on AF_INET sockets.
 *
 * SPDX-License-Identifier: MIT
 */
#include "udp.h"

#include <limits.h>

#define SA(p) ((struct sockaddr *)(p))

/* ------------------------------------------------------------------ */
/* The handle (lib/udp.h): net.h's fd quartet, with the learned facts  */
/* ------------------------------------------------------------------ */

/* Takes ownership of fd: closes it if the handle cannot be allocated. */
static int udp_wrap(int fd, int family, mio_udp_socket **out)
{
	mio_udp_socket *u = malloc(sizeof(*u));
	if (u == NULL) {
		mio__close(fd);
		return -ENOMEM;
	}
	u->fd = fd;
	atomic_init(&u->family, family);
	atomic_init(&u->gso, MIO__GSO_UNKNOWN);
	atomic_init(&u->gro, false);
	*out = u;
	return 0;
}

MIO_EXPORT int mio_udp_socket_fd(const mio_udp_socket *u)
{
	mio__check(u != NULL, -EINVAL);
	return u->fd;
}

MIO_EXPORT int mio_udp_socket_from_fd(int fd, mio_udp_socket **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	mio__check(fd >= 0, -EBADF);
	/* Allocate first: on failure the caller gets its fd back untouched. */
	mio_udp_socket *u = malloc(sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	int rc = mio__fd_check(fd);
	if (rc < 0) {
		free(u);
		return rc;
	}
	u->fd = fd;
	atomic_init(&u->family, 0);  /* asked when first needed */
	atomic_init(&u->gso, MIO__GSO_UNKNOWN);
	atomic_init(&u->gro, false);
	*out = u;
	return 0;
}

MIO_EXPORT int mio_udp_socket_into_fd(mio_udp_socket *u)
{
	mio__check(u != NULL, -EINVAL);
	int fd = u->fd;
	free(u);
	return fd;
}

MIO_EXPORT void mio_udp_socket_free(mio_udp_socket *u)
{
	if (u == NULL)
		return;
	mio__fd_release(u->fd);
	free(u);
}

int mio__udp_family(const mio_udp_socket *u)
{
	mio_udp_socket *m = (mio_udp_socket *)u;  /* the cache only */
	int family = atomic_load_explicit(&m->family, memory_order_relaxed);
	if (mio__likely(family != 0))
		return family;
	int rc = mio__getsockopt_int(u->fd, SOL_SOCKET, SO_DOMAIN, &family);
	if (rc < 0)
		return rc;
	/* from_fd trusts the caller that this is a UDP socket; a family
	 * this file does not speak is refused where it matters. */
	mio__check(family == AF_INET || family == AF_INET6, -EAFNOSUPPORT);
	atomic_store_explicit(&m->family, family, memory_order_relaxed);
	return family;
}

int mio__udp_gso(const mio_udp_socket *u)
{
	mio_udp_socket *m = (mio_udp_socket *)u;
	int gso = atomic_load_explicit(&m->gso, memory_order_relaxed);
	if (mio__likely(gso != MIO__GSO_UNKNOWN))
		return gso;
	/* getsockopt(UDP_SEGMENT) exists exactly where the send-side cmsg
	 * does (Linux 4.18).  "No such option" means no segmentation; any
	 * other failure (ENOBUFS, EBADF) is the caller's to see, and the
	 * question is asked again next time. */
	int size = 0;
	int rc = mio__getsockopt_int(u->fd, SOL_UDP, UDP_SEGMENT, &size);
	if (rc == -ENOPROTOOPT || rc == -EOPNOTSUPP || rc == -EINVAL)
		gso = MIO__GSO_LOOP;
	else if (rc < 0)
		return rc;
	else
		gso = MIO__GSO_KERNEL;
	/* A refusal learned meanwhile by another thread stays. */
	int expected = MIO__GSO_UNKNOWN;
	atomic_compare_exchange_strong_explicit(&m->gso, &expected, gso, memory_order_relaxed,
						memory_order_relaxed);
	return atomic_load_explicit(&m->gso, memory_order_relaxed);
}

void mio__udp_gso_refused(const mio_udp_socket *u)
{
	atomic_store_explicit(&((mio_udp_socket *)u)->gso, MIO__GSO_LOOP, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */
/* ------------------------------------------------------------------ */

MIO_EXPORT int mio_udp_socket_bind(const struct sockaddr *addr, socklen_t len, mio_udp_socket **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int alen = mio__inet_addr_len(addr, len);
	if (alen < 0)
		return alen;

	int fd = mio__socket(addr->sa_family, SOCK_DGRAM);
	if (fd < 0)
		return fd;
	int rc = mio__bind(fd, addr, (socklen_t)alen);
	if (rc < 0) {
		mio__close(fd);
		return rc;
	}
	return udp_wrap(fd, addr->sa_family, out);
}

/*
 * The builder (libmio 1.2): an unbound socket, the options that only mean
 * something before bind(2) (SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY, the
 * buffer sizes), then bind_to.  The socket is a mio_udp_socket from the
 * start: unlike a TCP socket, a UDP socket does not become another kind
 * of object when it is bound, and an unbound one can already send (the
 * kernel binds it to an ephemeral port then), so one type serves before
 * and after, and every option can also be read or set later.
 */
static int udp_socket_new(int family, mio_udp_socket **out)
{
	mio__check(out != NULL, -EINVAL);
	*out = NULL;
	int fd = mio__socket(family, SOCK_DGRAM);
	return fd < 0 ? fd : udp_wrap(fd, family, out);
}

MIO_EXPORT int mio_udp_socket_new_v4(mio_udp_socket **out)
{
	return udp_socket_new(AF_INET, out);
}

MIO_EXPORT int mio_udp_socket_new_v6(mio_udp_socket **out)
{
	return udp_socket_new(AF_INET6, out);
}

MIO_EXPORT int mio_udp_socket_bind_to(mio_udp_socket *u, const struct sockaddr *addr, socklen_t len)
{
	mio__check(u != NULL, -EINVAL);
	int alen = mio__inet_addr_len(addr, len);
	if (alen < 0)
		return alen;
	int family = mio__udp_family(u);
	if (family < 0)
		return family;
	/* One answer for a family mismatch, as mio_tcp_socket_bind gives
	 * (Linux would say EINVAL or EAFNOSUPPORT depending on the pair). */
	mio__check(addr->sa_family == family, -EINVAL);
	return mio__bind(u->fd, addr, (socklen_t)alen);
}

MIO_EXPORT int mio_udp_socket_local_addr(const mio_udp_socket *u, struct sockaddr_storage *addr,
					 socklen_t *len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__local_addr(u->fd, SA(addr), len);
}

MIO_EXPORT int mio_udp_socket_peer_addr(const mio_udp_socket *u, struct sockaddr_storage *addr,
					socklen_t *len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__peer_addr(u->fd, SA(addr), len);
}

MIO_EXPORT int mio_udp_socket_connect(mio_udp_socket *u, const struct sockaddr *addr, socklen_t len)
{
	mio__check(u != NULL, -EINVAL);
	int alen = mio__inet_addr_len(addr, len);
	if (alen < 0)
		return alen;
	return mio__connect(u->fd, addr, (socklen_t)alen);
}

MIO_EXPORT ssize_t mio_udp_socket_send_to(mio_udp_socket *u, const void *buf, size_t len,
					  const struct sockaddr *to, socklen_t to_len)
{
	mio__check(u != NULL, -EINVAL);
	int alen = mio__inet_addr_len(to, to_len);
	if (alen < 0)
		return alen;
	return mio__sendto(u->fd, buf, len, to, (socklen_t)alen);
}

MIO_EXPORT ssize_t mio_udp_socket_recv_from(mio_udp_socket *u, void *buf, size_t len,
					    struct sockaddr_storage *from, socklen_t *from_len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__recvfrom(u->fd, buf, len, 0, SA(from), from_len);
}

MIO_EXPORT ssize_t mio_udp_socket_peek_from(mio_udp_socket *u, void *buf, size_t len,
					    struct sockaddr_storage *from, socklen_t *from_len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__recvfrom(u->fd, buf, len, MSG_PEEK, SA(from), from_len);
}

MIO_EXPORT ssize_t mio_udp_socket_send(mio_udp_socket *u, const void *buf, size_t len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__send(u->fd, buf, len);
}

MIO_EXPORT ssize_t mio_udp_socket_recv(mio_udp_socket *u, void *buf, size_t len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__recv(u->fd, buf, len, 0);
}

MIO_EXPORT ssize_t mio_udp_socket_peek(mio_udp_socket *u, void *buf, size_t len)
{
	mio__check(u != NULL, -EINVAL);
	return mio__recv(u->fd, buf, len, MSG_PEEK);
}

/* ------------------------------------------------------------------ */
/* Options: each a pair over one (level, name)                         */
/* ------------------------------------------------------------------ */

#define DEFINE_BOOL_OPTION(name, level, opt)                                    \
	MIO_EXPORT int mio_udp_socket_set_##name(mio_udp_socket *u, bool on)    \
	{                                                                       \
		mio__check(u != NULL, -EINVAL);                                 \
		return mio__setsockopt_bool(u->fd, level, opt, on);             \
	}                                                                       \
	MIO_EXPORT int mio_udp_socket_##name(const mio_udp_socket *u, bool *on) \
	{                                                                       \
		mio__check(u != NULL, -EINVAL);                                 \
		return mio__getsockopt_bool(u->fd, level, opt, on);             \
	}

#define DEFINE_TTL_OPTION(name, level, opt)                                         \
	MIO_EXPORT int mio_udp_socket_set_##name(mio_udp_socket *u, uint32_t ttl)   \
	{                                                                           \
		mio__check(u != NULL, -EINVAL);                                     \
		return mio__set_ttl(u->fd, level, opt, ttl);                        \
	}                                                                           \
	MIO_EXPORT int mio_udp_socket_##name(const mio_udp_socket *u, uint32_t *ttl) \
	{                                                                           \
		mio__check(u != NULL, -EINVAL);                                     \
		return mio__get_ttl(u->fd, level, opt, ttl);                        \
	}

DEFINE_BOOL_OPTION(broadcast, SOL_SOCKET, SO_BROADCAST)
DEFINE_BOOL_OPTION(multicast_loop_v4, IPPROTO_IP, IP_MULTICAST_LOOP)
DEFINE_BOOL_OPTION(multicast_loop_v6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP)
DEFINE_TTL_OPTION(multicast_ttl_v4, IPPROTO_IP, IP_MULTICAST_TTL)
DEFINE_TTL_OPTION(ttl, IPPROTO_IP, IP_TTL)

MIO_EXPORT int mio_udp_socket_only_v6(const mio_udp_socket *u, bool *on)
{
	mio__check(u != NULL, -EINVAL);
	return mio__getsockopt_bool(u->fd, IPPROTO_IPV6, IPV6_V6ONLY, on);
}

/* The builder's options (1.2).  IPV6_V6ONLY on an IPv4 socket goes to the
 * kernel like the other IPv6 options here (ENOPROTOOPT), and so does a
 * change after bind, which Linux refuses with EINVAL. */
MIO_EXPORT int mio_udp_socket_set_only_v6(mio_udp_socket *u, bool on)
{
	mio__check(u != NULL, -EINVAL);
	return mio__setsockopt_bool(u->fd, IPPROTO_IPV6, IPV6_V6ONLY, on);
}

DEFINE_BOOL_OPTION(reuseaddr, SOL_SOCKET, SO_REUSEADDR)
DEFINE_BOOL_OPTION(reuseport, SOL_SOCKET, SO_REUSEPORT)

/* Sizes the kernel keeps in an int: above INT_MAX is -EINVAL here rather
 * than a negative size there.  Linux doubles SO_RCVBUF and SO_SNDBUF for
 * its bookkeeping and caps them at net.core.rmem_max / wmem_max; the
 * getters report what the kernel holds (socket(7)). */
#define DEFINE_SIZE_OPTION(name, level, opt)                                           \
	MIO_EXPORT int mio_udp_socket_set_##name(mio_udp_socket *u, uint32_t size)     \
	{                                                                              \
		mio__check(u != NULL && size <= INT_MAX, -EINVAL);                     \
		return mio__setsockopt_int(u->fd, level, opt, (int)size);              \
	}                                                                              \
	MIO_EXPORT int mio_udp_socket_##name(const mio_udp_socket *u, uint32_t *size)  \
	{                                                                              \
		mio__check(u != NULL && size != NULL, -EINVAL);                        \
		int v = 0;                                                             \
		int rc = mio__getsockopt_int(u->fd, level, opt, &v);                   \
		if (rc < 0)                                                            \
			return rc;                                                     \
		*size = (uint32_t)v;                                                   \
		return 0;                                                              \
	}

DEFINE_SIZE_OPTION(recv_buffer_size, SOL_SOCKET, SO_RCVBUF)
DEFINE_SIZE_OPTION(send_buffer_size, SOL_SOCKET, SO_SNDBUF)

/* ------------------------------------------------------------------ */
/* What a receive reports (mio_udp_msg(3)), and segmentation offload    */
/* ------------------------------------------------------------------ */

/*
 * Receiving the ECN codepoint and the local address.  An IPv6 socket
 * that is not v6-only also carries IPv4 traffic (v4-mapped), for which
 * Linux delivers the IPv4 control messages, and only if the IPv4 option
 * is on as well: both are set, as quinn-udp does.  The getter asks the
 * option of the socket's own family.
 */
static int set_recv_option(mio_udp_socket *u, int opt4, int opt6, bool on)
{
	mio__check(u != NULL, -EINVAL);
	int family = mio__udp_family(u);
	if (family < 0)
		return family;
	if (family == AF_INET6) {
		int rc = mio__setsockopt_bool(u->fd, IPPROTO_IPV6, opt6, on);
		if (rc < 0)
			return rc;
	}
	return mio__setsockopt_bool(u->fd, IPPROTO_IP, opt4, on);
}

static int get_recv_option(const mio_udp_socket *u, int opt4, int opt6, bool *on)
{
	mio__check(u != NULL && on != NULL, -EINVAL);
	int family = mio__udp_family(u);
	if (family < 0)
		return family;
	if (family == AF_INET6)
		return mio__getsockopt_bool(u->fd, IPPROTO_IPV6, opt6, on);
	return mio__getsockopt_bool(u->fd, IPPROTO_IP, opt4, on);
}

MIO_EXPORT int mio_udp_socket_set_recv_ecn(mio_udp_socket *u, bool on)
{
	return set_recv_option(u, IP_RECVTOS, IPV6_RECVTCLASS, on);
}

MIO_EXPORT int mio_udp_socket_recv_ecn(const mio_udp_socket *u, bool *on)
{
	return get_recv_option(u, IP_RECVTOS, IPV6_RECVTCLASS, on);
}

MIO_EXPORT int mio_udp_socket_set_recv_pktinfo(mio_udp_socket *u, bool on)
{
	return set_recv_option(u, IP_PKTINFO, IPV6_RECVPKTINFO, on);
}

MIO_EXPORT int mio_udp_socket_recv_pktinfo(const mio_udp_socket *u, bool *on)
{
	return get_recv_option(u, IP_PKTINFO, IPV6_RECVPKTINFO, on);
}

/*
 * UDP_GRO (Linux 5.0).  Where the kernel has no such option the call
 * succeeds and changes nothing: every received record then holds one
 * datagram, which mio_udp_socket_recv_msgs describes the same way (its
 * segment_size is its length), so the caller has nothing to branch on;
 * mio_udp_socket_gro_segments says which case this is.
 */
MIO_EXPORT int mio_udp_socket_set_gro(mio_udp_socket *u, bool on)
{
	mio__check(u != NULL, -EINVAL);
	int rc = mio__setsockopt_bool(u->fd, SOL_UDP, UDP_GRO, on);
	if (rc == -ENOPROTOOPT)
		rc = 0, on = false;
	if (rc == 0)
		atomic_store_explicit(&u->gro, on, memory_order_relaxed);
	return rc;
}

MIO_EXPORT int mio_udp_socket_gro_segments(const mio_udp_socket *u, uint32_t *segments)
{
	mio__check(u != NULL && segments != NULL, -EINVAL);
	bool on = false;
	int rc = mio__getsockopt_bool(u->fd, SOL_UDP, UDP_GRO, &on);
	/* getsockopt(UDP_GRO) came in Linux 5.14, after the option itself:
	 * between the two, what this handle turned on is the answer. */
	if (rc == -ENOPROTOOPT)
		rc = 0, on = atomic_load_explicit(&((mio_udp_socket *)u)->gro, memory_order_relaxed);
	if (rc < 0)
		return rc;
	*segments = on ? MIO__UDP_MAX_SEGMENTS : 1;
	return 0;
}

MIO_EXPORT int mio_udp_socket_gso_segments(const mio_udp_socket *u, uint32_t *segments)
{
	mio__check(u != NULL && segments != NULL, -EINVAL);
	int gso = mio__udp_gso(u);
	if (gso < 0)
		return gso;
	*segments = gso == MIO__GSO_KERNEL ? MIO__UDP_MAX_SEGMENTS : 1;
	return 0;
}

MIO_EXPORT int mio_udp_socket_take_error(mio_udp_socket *u, int *error)
{
	mio__check(u != NULL, -EINVAL);
	return mio__take_error(u->fd, error);
}

static int membership_v4(mio_udp_socket *u, int opt, const struct in_addr *group,
			 const struct in_addr *iface)
{
	mio__check(u != NULL && group != NULL && iface != NULL, -EINVAL);
	struct ip_mreq mreq = { .imr_multiaddr = *group, .imr_interface = *iface };
	if (setsockopt(u->fd, IPPROTO_IP, opt, &mreq, sizeof(mreq)) < 0)
		return -errno;
	return 0;
}

static int membership_v6(mio_udp_socket *u, int opt, const struct in6_addr *group,
			 uint32_t ifindex)
{
	mio__check(u != NULL && group != NULL, -EINVAL);
	struct ipv6_mreq mreq = { .ipv6mr_multiaddr = *group, .ipv6mr_interface = ifindex };
	if (setsockopt(u->fd, IPPROTO_IPV6, opt, &mreq, sizeof(mreq)) < 0)
		return -errno;
	return 0;
}

MIO_EXPORT int mio_udp_socket_join_multicast_v4(mio_udp_socket *u, const struct in_addr *group,
						const struct in_addr *iface)
{
	return membership_v4(u, IP_ADD_MEMBERSHIP, group, iface);
}

MIO_EXPORT int mio_udp_socket_leave_multicast_v4(mio_udp_socket *u, const struct in_addr *group,
						 const struct in_addr *iface)
{
	return membership_v4(u, IP_DROP_MEMBERSHIP, group, iface);
}

MIO_EXPORT int mio_udp_socket_join_multicast_v6(mio_udp_socket *u, const struct in6_addr *group,
						uint32_t ifindex)
{
	return membership_v6(u, IPV6_ADD_MEMBERSHIP, group, ifindex);
}

MIO_EXPORT int mio_udp_socket_leave_multicast_v6(mio_udp_socket *u, const struct in6_addr *group,
						 uint32_t ifindex)
{
	return membership_v6(u, IPV6_DROP_MEMBERSHIP, group, ifindex);
}
