/*
 * udp.h - what lib/udp.c and lib/udp_msg.c share: the UDP socket handle.
 *
 * Unlike the other sockets (net.h's MIO__DEFINE_FD_HANDLE, one int), a UDP
 * socket remembers three facts about its fd, each learned once and never
 * changed afterwards:
 *
 *  - its address family, which picks the ancillary messages of a send
 *    (IP_TOS or IPV6_TCLASS, IP_PKTINFO or IPV6_PKTINFO) and checks the
 *    family of mio_udp_socket_bind_to;
 *  - whether the kernel segments for it (UDP_SEGMENT), found by asking
 *    getsockopt(2) once: a kernel older than 4.18 would not refuse the
 *    cmsg of a segmented send, it would ignore it and send the whole
 *    buffer as one datagram, so the cmsg is never sent unprobed;
 *  - whether mio_udp_socket_set_gro turned UDP_GRO on, for kernels
 *    (5.0 to 5.12) that accept the option but cannot report it.
 *
 * A socket may be used from two threads at once (one sending, one
 * receiving, as Rust's UdpSocket is Sync), so the facts are relaxed
 * atomics: two threads that learn one at the same time store the same
 * value.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_UDP_H
#define MIO_UDP_H

#include "net.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdatomic.h>

/* Older C library headers than the kernels they run on (the values are
 * the kernel's, include/uapi/linux/udp.h). */
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

enum {
	MIO__GSO_UNKNOWN = 0,  /* not asked yet */
	MIO__GSO_KERNEL,       /* one sendmsg per segmented record */
	MIO__GSO_LOOP,         /* one datagram per segment (sendmmsg) */
};

struct mio_udp_socket {
	int         fd;
	atomic_int  family;  /* AF_INET or AF_INET6; 0 until known */
	atomic_int  gso;     /* MIO__GSO_* */
	atomic_bool gro;     /* UDP_GRO turned on through this handle */
};

/* The most datagrams one record may hold (the kernel's UDP_MAX_SEGMENTS
 * was 64 until 6.9; it is at least that everywhere GSO exists). */
#define MIO__UDP_MAX_SEGMENTS 64

/* AF_INET or AF_INET6, learned from the kernel (SO_DOMAIN) the first
 * time for a socket made by mio_udp_socket_from_fd; else -errno. */
int mio__udp_family(const mio_udp_socket *u);

/* MIO__GSO_KERNEL or MIO__GSO_LOOP, probed once; else -errno (a failure
 * other than "no such option", left unprobed to be asked again). */
int mio__udp_gso(const mio_udp_socket *u);
/* Segmentation refused at run time (EIO: the route's device cannot
 * checksum; SO_NO_CHECK): every later segmented record is looped. */
void mio__udp_gso_refused(const mio_udp_socket *u);

#endif /* MIO_UDP_H */
