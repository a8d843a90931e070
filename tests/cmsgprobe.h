/*
 * cmsgprobe.h - does the platform under the tests carry each control
 * message libmio's UDP batches use (mio_udp_msg(3)), both ways?
 *
 * Asked with raw system calls, never through libmio: one datagram sent
 * to self over loopback with the message, received, compared.  A real
 * kernel carries every one of them (or lacks the feature, which libmio
 * handles and the tests check); what does not is an emulator, such as
 * qemu-user's linux-user, which converts only the control messages it
 * knows (SCM_RIGHTS, SCM_CREDENTIALS, a few others) between guest and
 * host byte order and copies the rest raw: on a big-endian guest on a
 * little-endian host an IP_TOS of 1 reaches the kernel as 0x01000000
 * (EINVAL), a UDP_SEGMENT of 1200 as 45060, an ifindex of 1 comes back
 * as 16777216.  Tests skip only what such a message decides, saying why.
 *
 * No Check and no libmio here: tests/cmsg-probe (the program the
 * example harnesses run, built for the target) links this file alone.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_CMSGPROBE_H
#define MIO_CMSGPROBE_H

enum cp_msg {
	CP_IP_TOS_SEND,         /* IP_TOS (an int) on sendmsg: ECN, IPv4 */
	CP_IP_TOS_RECV,         /* IP_TOS (a byte) from IP_RECVTOS */
	CP_IPV6_TCLASS_SEND,    /* IPV6_TCLASS (an int) on sendmsg */
	CP_IPV6_TCLASS_RECV,    /* IPV6_TCLASS (an int) from IPV6_RECVTCLASS */
	CP_IP_PKTINFO_SEND,     /* struct in_pktinfo on sendmsg */
	CP_IP_PKTINFO_RECV,     /* struct in_pktinfo from IP_PKTINFO */
	CP_IPV6_PKTINFO_SEND,   /* struct in6_pktinfo on sendmsg */
	CP_IPV6_PKTINFO_RECV,   /* struct in6_pktinfo from IPV6_RECVPKTINFO */
	CP_UDP_SEGMENT_SEND,    /* UDP_SEGMENT (a uint16_t) on sendmsg */
	CP_UDP_GRO_RECV,        /* UDP_GRO (an int) from UDP_GRO */
	/* Packet info received and sent back as it came, what a reflector
	 * does (mio_udp_msg(3)'s example): carried where both ways are, and
	 * where both copy it unconverted (the raw copies cancel out). */
	CP_IP_PKTINFO_ECHO,
	CP_IPV6_PKTINFO_ECHO,
	CP_COUNT
};

/* Its name in the probe's output ("ip_tos_send", ...). */
const char *cp_name(enum cp_msg m);

/*
 * NULL where the platform carries the message as sent, or where the
 * kernel lacks the feature (no IPv6, no segmentation offload: libmio's
 * own fallbacks, which the tests check); else why not, one line.  Only
 * a wrong value seen or a valid message refused counts as "not carried";
 * a probe that cannot even start (no socket) says NULL, so that the test
 * runs and says what is wrong.  Probed once per process, all at once
 * (thread-safe).
 */
const char *cp_broken(enum cp_msg m);

/* True where the platform does not carry m, after saying so on stderr
 * as the suites' in-test skips do ("SKIP: <what>: ...", which the
 * portability matrix lists): the caller then leaves out `what`, the
 * part that depends on m, and runs the rest. */
int cp_skip(enum cp_msg m, const char *what);

#endif
