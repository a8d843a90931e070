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
#include "net.h"

#include <netinet/in.h>

#define SA(p) ((struct sockaddr *)(p))

MIO__DEFINE_FD_HANDLE(udp_socket);

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
	return mio__udp_socket_wrap(fd, out);
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
