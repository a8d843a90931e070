/*
 * netutil.h - what the networking suites share (check_tcp.c, check_udp.c,
 * check_unix_*.c, check_pipe.c): loopback addresses, readiness waits in
 * the style of mio's tests/util (expect_events / expect_no_events), fd
 * flag checks and plain-libc peers that do not go through libmio, so a
 * library bug cannot hide itself on both ends of a connection.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_NETUTIL_H
#define MIO_NETUTIL_H

#include "testutil.h"
/* cp_skip: the UDP control messages the platform carries (qemu-user
 * on a big-endian guest does not), for the tests of mio_udp_msg(3). */
#include "cmsgprobe.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/un.h>

/* Readiness bits for nt_expect: every bit asked for must be set in one
 * event carrying the token. */
enum {
	NT_R   = 1 << 0,  /* readable */
	NT_W   = 1 << 1,  /* writable */
	NT_RC  = 1 << 2,  /* read closed */
	NT_WC  = 1 << 3,  /* write closed */
	NT_ERR = 1 << 4,  /* error */
	NT_PRI = 1 << 5,  /* priority */
};

/* How long a wait for an event that must come may take before failing:
 * generous, a loaded 2-core CI machine is slow, and a passing test never
 * waits this long. */
#define NT_WAIT_MS 10000
/* How long "no event" is watched for (mio's expect_no_events uses 50 ms). */
#define NT_QUIET_MS 100

/* A poll and an events buffer of 16. */
void nt_poll(mio_poll **p, mio_events **ev);
void nt_poll_free(mio_poll *p, mio_events *ev);

/* Polls until an event with `token` carries all of `want`; returns the
 * NT_* bits of that event, or fails the test after NT_WAIT_MS. */
unsigned nt_expect(mio_poll *p, mio_events *ev, mio_token token, unsigned want);
/* Polls NT_QUIET_MS and asserts that no event at all arrives. */
void nt_expect_none(mio_poll *p, mio_events *ev);

/* 127.0.0.1:port and [::1]:port. */
socklen_t nt_addr_v4(struct sockaddr_storage *ss, uint16_t port);
socklen_t nt_addr_v6(struct sockaddr_storage *ss, uint16_t port);
uint16_t nt_port(const struct sockaddr_storage *ss);
bool nt_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Whether ::1 can be bound here (containers often have no IPv6). */
bool nt_have_ipv6(void);
/* True (and says SKIP on stderr) for an IPv6 test where ::1 cannot be
 * bound; the test then passes without checking anything. */
bool nt_skip_without_ipv6(int family);

/* Asserts the fd is O_NONBLOCK and FD_CLOEXEC. */
void nt_assert_nonblock_cloexec(int fd);
/* Asserts the fd is open (fcntl F_GETFD works) or closed. */
bool nt_fd_is_open(int fd);

/* Plain blocking libc sockets, for peers. */
int nt_plain_listener(int family, struct sockaddr_storage *addr, socklen_t *len);
int nt_plain_connect(const struct sockaddr_storage *addr, socklen_t len);
int nt_plain_accept(int lfd);
void nt_set_linger_zero(int fd);
/* write(2) all of buf, blocking; asserts. */
void nt_write_all(int fd, const void *buf, size_t len);

/* A connected TCP pair over 127.0.0.1 (or ::1): the client from
 * mio_tcp_stream_connect, the server from mio_tcp_listener_accept, both
 * already connected (the client's WRITABLE event was seen). */
void nt_tcp_pair(int family, mio_tcp_stream **client, mio_tcp_stream **server);

/*
 * A peer thread in the style of mio's echo_listener / start_listener:
 * a blocking libc listener on loopback that accepts n connections and for
 * each one echoes until EOF (echo) or closes it after `barrier` waits
 * (noop, optionally shutting down its write side first).
 */
struct nt_peer {
	pthread_t thread;
	int lfd;
	int family;             /* AF_INET, AF_INET6 or AF_UNIX */
	int n;                  /* connections to serve */
	bool echo;
	bool shutdown_write;
	bool use_barrier;
	pthread_barrier_t barrier;
	struct sockaddr_storage addr;
	socklen_t len;
	size_t echoed;          /* bytes echoed back, read after join */
};
void nt_peer_start(struct nt_peer *peer, int family, const char *unix_path,
		   int n, bool echo, bool use_barrier, bool shutdown_write);
void nt_peer_barrier(struct nt_peer *peer);
void nt_peer_join(struct nt_peer *peer);

/* A fresh directory for Unix socket paths, and its removal (with every
 * entry in it). path_in builds dir/name into out (sizeof sun_path). */
void nt_tmpdir(char dir[64]);
void nt_rmtree(const char *dir);
void nt_path_in(char out[108], const char *dir, const char *name);

/* A sockaddr_un for a path or an abstract name (leading NUL). */
socklen_t nt_sun_path(struct sockaddr_un *sun, const char *path);
socklen_t nt_sun_abstract(struct sockaddr_un *sun, const char *name);

#endif
