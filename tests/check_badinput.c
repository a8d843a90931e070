/*
 * check_badinput.c - the bad-input table: every public function given a
 * NULL handle or out-pointer, a bad fd, bad interests, capacities,
 * timeouts, buffers, addresses, paths and tokens, and the negative errno
 * each must answer with (API.md, the man pages' ERRORS sections).
 *
 * One row per case; a loop test runs each row against a fixture of live,
 * valid objects, so that the bad argument is the only bad thing in the
 * call.  Rows whose answer is not an error (free(NULL), accessors on NULL,
 * extreme tokens, huge timeouts) are tests of their own below the table.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE  /* IOV_MAX */
#include "testutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Live objects the rows use, and a few bad values. */
struct fx {
	mio_poll *p;
	mio_registry *reg;
	mio_events *ev;
	mio_waker *w;
	mio_tcp_listener *tl;
	mio_tcp_stream *ts;
	mio_tcp_socket *tk;      /* a fresh IPv4 mio_tcp_socket (1.1) */
	mio_udp_socket *u;
	mio_unix_listener *ul;
	mio_unix_stream *us;
	mio_unix_datagram *ud;
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	int closed_fd;       /* was open, now closed */
	int regular_fd;      /* registered nowhere */
	struct sockaddr_storage v4, v6, un;  /* valid v4/v6 addresses, an AF_UNIX one */
	socklen_t v4_len, v6_len, un_len;
	struct sockaddr_storage ss;
	socklen_t ss_len;
	struct sockaddr_un sun;
	socklen_t sun_len;
	char long_path[300]; /* longer than sun_path */
	char full_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1]; /* fills sun_path: no room for NUL */
	char buf[16];
	struct iovec iov[1];
	char dir[64];
	char path[108];
	mio_tcp_listener *o_tl;  /* out-pointers the rows may fill */
	mio_tcp_stream *o_ts;
	mio_tcp_socket *o_tk;
	mio_udp_socket *o_u;
	mio_unix_listener *o_ul;
	mio_unix_stream *o_us, *o_us2;
	mio_unix_datagram *o_ud, *o_ud2;
	mio_pipe_sender *o_tx;
	mio_pipe_receiver *o_rx;
	mio_poll *o_p;
	mio_events *o_ev;
	mio_waker *o_w;
	mio_registry *o_reg;
	int err;
	bool on;
	uint32_t ttl;
	struct timespec tspec;
	mio_raw_event raw[4];    /* mio_poll_wait_raw's array (1.2) */
	struct in_addr in4;
	struct in6_addr in6;
};

static void fx_open(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_ok(mio_poll_new(&f->p));
	f->reg = mio_poll_registry(f->p);
	ck_assert_ok(mio_events_new(4, &f->ev));
	ck_assert_ok(mio_waker_new(f->reg, 1, &f->w));

	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &f->v4, &f->v4_len));
	ck_assert_ok(mio_addr_parse("[::1]:0", &f->v6, &f->v6_len));
	ck_assert_ok(mio_tcp_listener_bind((struct sockaddr *)&f->v4, f->v4_len, &f->tl));
	f->ss_len = sizeof(f->ss);
	ck_assert_ok(mio_tcp_listener_local_addr(f->tl, &f->ss, &f->ss_len));
	ck_assert_ok(mio_tcp_stream_connect((struct sockaddr *)&f->ss, f->ss_len, &f->ts));
	ck_assert_ok(mio_udp_socket_bind((struct sockaddr *)&f->v4, f->v4_len, &f->u));
	ck_assert_ok(mio_tcp_socket_new_v4(&f->tk));

	strcpy(f->dir, "/tmp/mio-bad-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s", f->dir);
	ck_assert_ok(mio_unix_listener_bind(f->path, &f->ul));
	ck_assert_ok(mio_unix_stream_connect(f->path, &f->us));
	ck_assert_ok(mio_unix_datagram_unbound(&f->ud));
	ck_assert_ok(mio_pipe_new(&f->tx, &f->rx));

	struct sockaddr_un *un = (struct sockaddr_un *)&f->un;
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, f->path);
	f->un_len = sizeof(*un);
	f->sun = *un;
	f->sun_len = sizeof(f->sun);

	memset(f->long_path, 'x', sizeof(f->long_path) - 1);
	memset(f->full_path, 'y', sizeof(f->full_path) - 1);
	f->iov[0].iov_base = f->buf;
	f->iov[0].iov_len = sizeof(f->buf);

	f->closed_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(f->closed_fd, 0);
	close(f->closed_fd);
	f->regular_fd = mio_pipe_receiver_fd(f->rx);
	f->in4.s_addr = htonl(0xe0000001);  /* 224.0.0.1 */
}

static void fx_close(struct fx *f)
{
	/* Every out-pointer a bad row may have set must still be NULL. */
	const void *outs[] = { f->o_tl, f->o_ts, f->o_u, f->o_ul, f->o_us, f->o_us2, f->o_ud,
			       f->o_ud2, f->o_tx, f->o_rx, f->o_p, f->o_ev, f->o_w, f->o_reg,
			       f->o_tk };
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		ck_assert_msg(outs[i] == NULL, "a failed call left out-pointer #%zu set", i);
	mio_pipe_sender_free(f->tx);
	mio_pipe_receiver_free(f->rx);
	mio_unix_datagram_free(f->ud);
	mio_unix_stream_free(f->us);
	mio_unix_listener_free(f->ul);
	mio_udp_socket_free(f->u);
	mio_tcp_stream_free(f->ts);
	mio_tcp_listener_free(f->tl);
	mio_tcp_socket_free(f->tk);
	mio_waker_free(f->w);
	mio_events_free(f->ev);
	mio_poll_free(f->p);
	unlink(f->path);
	rmdir(f->dir);
}

#define SA(x) ((struct sockaddr *)(x))
#define TS(s, ns) (&(struct timespec){ (s), (ns) })
#define UNIX_AS_INET SA(&f->un)         /* right length, wrong family */
#define INET_AS_UNIX ((struct sockaddr_un *)&f->v4)

/* listen and connect consume their socket even when they fail, so their
 * rows get a socket of their own rather than the fixture's. */
static mio_tcp_socket *fresh_tcp_socket(void)
{
	mio_tcp_socket *s = NULL;
	ck_assert_ok(mio_tcp_socket_new_v4(&s));
	return s;
}

/* UDP records for the batch rows (1.2): every record a valid one-byte
 * datagram to the fixture's own socket; a row then spoils one field
 * (UDP_BAD), so that the spoiled field is the only bad thing in it. */
static mio_udp_msg udp_recs[MIO_UDP_MSGS_MAX + 1];
static char udp_big[70000];
static mio_udp_msg *udp_msgs(struct fx *f)
{
	struct sockaddr_storage self;
	socklen_t len = sizeof(self);
	ck_assert_ok(mio_udp_socket_local_addr(f->u, &self, &len));
	memset(udp_recs, 0, sizeof(udp_recs));
	for (size_t i = 0; i < sizeof(udp_recs) / sizeof(udp_recs[0]); i++) {
		udp_recs[i].buf = udp_big;
		udp_recs[i].capacity = sizeof(udp_big);
		udp_recs[i].len = 1;
		udp_recs[i].addr = self;
		udp_recs[i].addr_len = len;
	}
	return udp_recs;
}
/* send_msgs (or recv_msgs) of n records, record k spoiled by `spoil`. */
#define UDP_BAD(verb, n, k, ...) \
	(udp_msgs(f), (void)(udp_recs[k].__VA_ARGS__), mio_udp_socket_##verb##_msgs(f->u, udp_recs, n))

/*
 * The table: X(name, call, errno).  `f` is the fixture.
 */
#define BADINPUT_TABLE(X)                                                                         \
	/* ---- poll ---- */                                                                      \
	X(poll_new_null_out, mio_poll_new(NULL), EINVAL)                                          \
	X(poll_fd_null, mio_poll_fd(NULL), EINVAL)                                                \
	X(poll_wait_null_poll, mio_poll_wait(NULL, f->ev, TS(0, 0)), EINVAL)                      \
	X(poll_wait_null_events, mio_poll_wait(f->p, NULL, TS(0, 0)), EINVAL)                     \
	X(poll_wait_negative_sec, mio_poll_wait(f->p, f->ev, TS(-1, 0)), EINVAL)                  \
	X(poll_wait_negative_nsec, mio_poll_wait(f->p, f->ev, TS(0, -1)), EINVAL)                 \
	X(poll_wait_nsec_1e9, mio_poll_wait(f->p, f->ev, TS(0, 1000000000L)), EINVAL)             \
	X(poll_wait_nsec_huge, mio_poll_wait(f->p, f->ev, TS(1, LONG_MAX)), EINVAL)               \
	X(poll_wait_both_negative, mio_poll_wait(f->p, f->ev, TS(-5, -5)), EINVAL)                \
	/* ---- the one-call wait (1.2); NULL timeouts too: refused at once, not blocked ---- */ \
	X(poll_wait_raw_null_poll, mio_poll_wait_raw(NULL, f->raw, 4, TS(0, 0)), EINVAL)          \
	X(poll_wait_raw_null_poll_forever, mio_poll_wait_raw(NULL, f->raw, 4, NULL), EINVAL)      \
	X(poll_wait_raw_null_out, mio_poll_wait_raw(f->p, NULL, 4, TS(0, 0)), EINVAL)             \
	X(poll_wait_raw_null_out_forever, mio_poll_wait_raw(f->p, NULL, 4, NULL), EINVAL)         \
	X(poll_wait_raw_null_out_huge_n, mio_poll_wait_raw(f->p, NULL, SIZE_MAX, NULL), EINVAL)   \
	X(poll_wait_raw_n_0, mio_poll_wait_raw(f->p, f->raw, 0, TS(0, 0)), EINVAL)                \
	X(poll_wait_raw_n_0_forever, mio_poll_wait_raw(f->p, f->raw, 0, NULL), EINVAL)            \
	X(poll_wait_raw_null_everything, mio_poll_wait_raw(NULL, NULL, 0, NULL), EINVAL)          \
	X(poll_wait_raw_negative_sec, mio_poll_wait_raw(f->p, f->raw, 4, TS(-1, 0)), EINVAL)      \
	X(poll_wait_raw_negative_nsec, mio_poll_wait_raw(f->p, f->raw, 4, TS(0, -1)), EINVAL)     \
	X(poll_wait_raw_nsec_1e9, mio_poll_wait_raw(f->p, f->raw, 4, TS(0, 1000000000L)), EINVAL) \
	X(poll_wait_raw_nsec_huge, mio_poll_wait_raw(f->p, f->raw, 4, TS(1, LONG_MAX)), EINVAL)   \
	X(poll_wait_raw_huge_n_bad_timeout,                                                       \
	  mio_poll_wait_raw(f->p, f->raw, SIZE_MAX, TS(-1, 0)), EINVAL)                          \
	/* ---- registry ---- */                                                                  \
	X(register_null, mio_registry_register(NULL, f->regular_fd, 1, MIO_READABLE), EINVAL)     \
	X(register_fd_minus1, mio_registry_register(f->reg, -1, 1, MIO_READABLE), EBADF)          \
	X(register_fd_int_min, mio_registry_register(f->reg, INT_MIN, 1, MIO_READABLE), EBADF)    \
	X(register_fd_closed, mio_registry_register(f->reg, f->closed_fd, 1, MIO_READABLE), EBADF) \
	X(register_fd_int_max, mio_registry_register(f->reg, INT_MAX, 1, MIO_READABLE), EBADF)    \
	X(register_interest_0, mio_registry_register(f->reg, f->regular_fd, 1, 0), EINVAL)        \
	X(register_interest_unknown, mio_registry_register(f->reg, f->regular_fd, 1, 0x40), EINVAL) \
	X(register_interest_level_alone,                                                          \
	  mio_registry_register(f->reg, f->regular_fd, 1, MIO_LEVEL), EINVAL)                     \
	X(register_interest_level_unknown,                                                        \
	  mio_registry_register(f->reg, f->regular_fd, 1, MIO_READABLE | MIO_LEVEL | 0x80), EINVAL) \
	X(register_interest_level_aio,                                                            \
	  mio_registry_register(f->reg, f->regular_fd, 1, MIO_LEVEL | MIO_AIO), EOPNOTSUPP)       \
	X(register_level_fd_closed,                                                               \
	  mio_registry_register(f->reg, f->closed_fd, 1, MIO_READABLE | MIO_LEVEL), EBADF)        \
	X(register_interest_all_bits, mio_registry_register(f->reg, f->regular_fd, 1, ~0u), EINVAL) \
	X(register_interest_aio, mio_registry_register(f->reg, f->regular_fd, 1, MIO_AIO), EOPNOTSUPP) \
	X(register_interest_lio, mio_registry_register(f->reg, f->regular_fd, 1, MIO_LIO), EOPNOTSUPP) \
	X(register_interest_read_aio,                                                             \
	  mio_registry_register(f->reg, f->regular_fd, 1, MIO_READABLE | MIO_AIO), EOPNOTSUPP)    \
	X(reregister_null, mio_registry_reregister(NULL, f->regular_fd, 1, MIO_READABLE), EINVAL) \
	X(reregister_fd_minus1, mio_registry_reregister(f->reg, -1, 1, MIO_READABLE), EBADF)      \
	X(reregister_fd_closed, mio_registry_reregister(f->reg, f->closed_fd, 1, MIO_READABLE), EBADF) \
	X(reregister_not_registered,                                                              \
	  mio_registry_reregister(f->reg, f->regular_fd, 1, MIO_READABLE), ENOENT)                \
	X(reregister_interest_0, mio_registry_reregister(f->reg, f->regular_fd, 1, 0), EINVAL)    \
	X(reregister_interest_unknown,                                                            \
	  mio_registry_reregister(f->reg, f->regular_fd, 1, 0x100), EINVAL)                       \
	X(reregister_interest_lio, mio_registry_reregister(f->reg, f->regular_fd, 1, MIO_LIO), EOPNOTSUPP) \
	X(reregister_interest_level_alone,                                                        \
	  mio_registry_reregister(f->reg, f->regular_fd, 1, MIO_LEVEL), EINVAL)                   \
	X(reregister_level_not_registered,                                                        \
	  mio_registry_reregister(f->reg, f->regular_fd, 1, MIO_READABLE | MIO_LEVEL), ENOENT)    \
	X(deregister_null, mio_registry_deregister(NULL, f->regular_fd), EINVAL)                  \
	X(deregister_fd_minus1, mio_registry_deregister(f->reg, -1), EBADF)                       \
	X(deregister_fd_closed, mio_registry_deregister(f->reg, f->closed_fd), EBADF)             \
	X(deregister_not_registered, mio_registry_deregister(f->reg, f->regular_fd), ENOENT)      \
	X(register_twice, (mio_registry_register(f->reg, f->regular_fd, 1, MIO_READABLE) < 0 ? 0 : \
			   mio_registry_register(f->reg, f->regular_fd, 2, MIO_WRITABLE)), EEXIST) \
	X(try_clone_null, mio_registry_try_clone(NULL, &f->o_reg), EINVAL)                        \
	X(try_clone_null_out, mio_registry_try_clone(f->reg, NULL), EINVAL)                       \
	/* ---- events ---- */                                                                    \
	X(events_new_capacity_0, mio_events_new(0, &f->o_ev), EINVAL)                             \
	X(events_new_null_out, mio_events_new(4, NULL), EINVAL)                                   \
	X(events_new_capacity_max, mio_events_new(SIZE_MAX, &f->o_ev), ENOMEM)                    \
	X(events_new_capacity_overflow, mio_events_new(SIZE_MAX / 8 + 1, &f->o_ev), ENOMEM)       \
	/* ---- waker ---- */                                                                     \
	X(waker_new_null_registry, mio_waker_new(NULL, 1, &f->o_w), EINVAL)                       \
	X(waker_new_null_out, mio_waker_new(f->reg, 1, NULL), EINVAL)                             \
	X(waker_wake_null, mio_waker_wake(NULL), EINVAL)                                          \
	/* ---- addresses ---- */                                                                 \
	X(addr_parse_null_text, mio_addr_parse(NULL, &f->ss, &f->ss_len), EINVAL)                 \
	X(addr_parse_null_out, mio_addr_parse("1.2.3.4:5", NULL, &f->ss_len), EINVAL)             \
	X(addr_parse_null_len, mio_addr_parse("1.2.3.4:5", &f->ss, NULL), EINVAL)                 \
	X(addr_parse_empty, mio_addr_parse("", &f->ss, &f->ss_len), EINVAL)                       \
	X(addr_parse_no_port, mio_addr_parse("1.2.3.4", &f->ss, &f->ss_len), EINVAL)              \
	X(addr_parse_empty_port, mio_addr_parse("1.2.3.4:", &f->ss, &f->ss_len), EINVAL)          \
	X(addr_parse_port_65536, mio_addr_parse("1.2.3.4:65536", &f->ss, &f->ss_len), EINVAL)     \
	X(addr_parse_port_huge, mio_addr_parse("1.2.3.4:99999999999999999999", &f->ss, &f->ss_len), EINVAL) \
	X(addr_parse_port_negative, mio_addr_parse("1.2.3.4:-1", &f->ss, &f->ss_len), EINVAL)     \
	X(addr_parse_port_plus, mio_addr_parse("1.2.3.4:+1", &f->ss, &f->ss_len), EINVAL)         \
	X(addr_parse_trailing_space, mio_addr_parse("1.2.3.4:80 ", &f->ss, &f->ss_len), EINVAL)   \
	X(addr_parse_hostname, mio_addr_parse("localhost:80", &f->ss, &f->ss_len), EINVAL)        \
	X(addr_parse_v4_octet, mio_addr_parse("256.1.1.1:80", &f->ss, &f->ss_len), EINVAL)        \
	X(addr_parse_v6_unbracketed, mio_addr_parse("::1:80", &f->ss, &f->ss_len), EINVAL)        \
	X(addr_parse_v6_no_port, mio_addr_parse("[::1]", &f->ss, &f->ss_len), EINVAL)             \
	X(addr_parse_v6_unclosed, mio_addr_parse("[::1:80", &f->ss, &f->ss_len), EINVAL)          \
	X(addr_parse_v6_empty_scope, mio_addr_parse("[fe80::1%]:80", &f->ss, &f->ss_len), EINVAL) \
	X(addr_parse_v6_bad_scope, mio_addr_parse("[fe80::1%nosuchif0]:80", &f->ss, &f->ss_len), EINVAL) \
	X(addr_parse_long, mio_addr_parse(f->long_path, &f->ss, &f->ss_len), EINVAL)              \
	X(addr_format_null_addr, mio_addr_format(NULL, 16, f->buf, sizeof(f->buf)), EINVAL)       \
	X(addr_format_null_buf, mio_addr_format(SA(&f->v4), f->v4_len, NULL, 16), EINVAL)         \
	X(addr_format_len_0, mio_addr_format(SA(&f->v4), 0, f->buf, sizeof(f->buf)), EINVAL)      \
	X(addr_format_len_1, mio_addr_format(SA(&f->v4), 1, f->buf, sizeof(f->buf)), EINVAL)      \
	X(addr_format_v4_short, mio_addr_format(SA(&f->v4), f->v4_len - 1, f->buf, sizeof(f->buf)), EINVAL) \
	X(addr_format_v6_as_v4_len,                                                               \
	  mio_addr_format(SA(&f->v6), sizeof(struct sockaddr_in), f->buf, sizeof(f->buf)), EINVAL) \
	X(addr_format_unknown_family,                                                             \
	  (((struct sockaddr *)&f->ss)->sa_family = AF_APPLETALK,                                 \
	   mio_addr_format(SA(&f->ss), sizeof(f->ss), f->buf, sizeof(f->buf))), EINVAL)          \
	X(addr_format_buf_0, mio_addr_format(SA(&f->v4), f->v4_len, f->buf, 0), ENOSPC)           \
	X(addr_format_buf_short, mio_addr_format(SA(&f->v4), f->v4_len, f->buf, 5), ENOSPC)       \
	/* ---- TCP listener ---- */                                                              \
	X(tcp_bind_null_addr, mio_tcp_listener_bind(NULL, 16, &f->o_tl), EINVAL)                  \
	X(tcp_bind_null_out, mio_tcp_listener_bind(SA(&f->v4), f->v4_len, NULL), EINVAL)          \
	X(tcp_bind_len_0, mio_tcp_listener_bind(SA(&f->v4), 0, &f->o_tl), EINVAL)                 \
	X(tcp_bind_short, mio_tcp_listener_bind(SA(&f->v4), f->v4_len - 1, &f->o_tl), EINVAL)     \
	X(tcp_bind_v6_short, mio_tcp_listener_bind(SA(&f->v6), sizeof(struct sockaddr_in), &f->o_tl), EINVAL) \
	X(tcp_bind_unix_family, mio_tcp_listener_bind(UNIX_AS_INET, f->un_len, &f->o_tl), EINVAL) \
	X(tcp_accept_null, mio_tcp_listener_accept(NULL, &f->o_ts, NULL, NULL), EINVAL)           \
	X(tcp_accept_null_out, mio_tcp_listener_accept(f->tl, NULL, NULL, NULL), EINVAL)          \
	X(tcp_accept_peer_no_len, mio_tcp_listener_accept(f->tl, &f->o_ts, &f->ss, NULL), EINVAL) \
	X(tcp_listener_local_addr_null, mio_tcp_listener_local_addr(NULL, &f->ss, &f->ss_len), EINVAL) \
	X(tcp_listener_local_addr_null_addr, mio_tcp_listener_local_addr(f->tl, NULL, &f->ss_len), EINVAL) \
	X(tcp_listener_local_addr_null_len, mio_tcp_listener_local_addr(f->tl, &f->ss, NULL), EINVAL) \
	X(tcp_listener_set_ttl_null, mio_tcp_listener_set_ttl(NULL, 64), EINVAL)                  \
	X(tcp_listener_set_ttl_256, mio_tcp_listener_set_ttl(f->tl, 256), EINVAL)                 \
	X(tcp_listener_set_ttl_max, mio_tcp_listener_set_ttl(f->tl, UINT32_MAX), EINVAL)          \
	X(tcp_listener_ttl_null, mio_tcp_listener_ttl(NULL, &f->ttl), EINVAL)                     \
	X(tcp_listener_ttl_null_out, mio_tcp_listener_ttl(f->tl, NULL), EINVAL)                   \
	X(tcp_listener_take_error_null, mio_tcp_listener_take_error(NULL, &f->err), EINVAL)       \
	X(tcp_listener_take_error_null_out, mio_tcp_listener_take_error(f->tl, NULL), EINVAL)     \
	X(tcp_listener_fd_null, mio_tcp_listener_fd(NULL), EINVAL)                                \
	X(tcp_listener_from_fd_minus1, mio_tcp_listener_from_fd(-1, &f->o_tl), EBADF)             \
	X(tcp_listener_from_fd_closed, mio_tcp_listener_from_fd(f->closed_fd, &f->o_tl), EBADF)   \
	X(tcp_listener_from_fd_null_out, mio_tcp_listener_from_fd(f->closed_fd, NULL), EINVAL)    \
	X(tcp_listener_into_fd_null, mio_tcp_listener_into_fd(NULL), EINVAL)                      \
	/* ---- TCP stream ---- */                                                                \
	X(tcp_connect_null_addr, mio_tcp_stream_connect(NULL, 16, &f->o_ts), EINVAL)              \
	X(tcp_connect_null_out, mio_tcp_stream_connect(SA(&f->ss), f->ss_len, NULL), EINVAL)      \
	X(tcp_connect_len_0, mio_tcp_stream_connect(SA(&f->ss), 0, &f->o_ts), EINVAL)             \
	X(tcp_connect_short, mio_tcp_stream_connect(SA(&f->ss), f->ss_len - 1, &f->o_ts), EINVAL) \
	X(tcp_connect_unix_family, mio_tcp_stream_connect(UNIX_AS_INET, f->un_len, &f->o_ts), EINVAL) \
	X(tcp_stream_read_null, mio_tcp_stream_read(NULL, f->buf, 1), EINVAL)                     \
	X(tcp_stream_read_null_buf, mio_tcp_stream_read(f->ts, NULL, 1), EINVAL)                  \
	X(tcp_stream_write_null, mio_tcp_stream_write(NULL, f->buf, 1), EINVAL)                   \
	X(tcp_stream_write_null_buf, mio_tcp_stream_write(f->ts, NULL, 1), EINVAL)                \
	X(tcp_stream_readv_null, mio_tcp_stream_readv(NULL, f->iov, 1), EINVAL)                   \
	X(tcp_stream_readv_null_iov, mio_tcp_stream_readv(f->ts, NULL, 1), EINVAL)                \
	X(tcp_stream_readv_negative, mio_tcp_stream_readv(f->ts, f->iov, -1), EINVAL)             \
	X(tcp_stream_readv_too_many, mio_tcp_stream_readv(f->ts, f->iov, IOV_MAX + 1), EINVAL)    \
	X(tcp_stream_writev_null, mio_tcp_stream_writev(NULL, f->iov, 1), EINVAL)                 \
	X(tcp_stream_writev_null_iov, mio_tcp_stream_writev(f->ts, NULL, 1), EINVAL)              \
	X(tcp_stream_writev_negative, mio_tcp_stream_writev(f->ts, f->iov, INT_MIN), EINVAL)      \
	X(tcp_stream_writev_too_many, mio_tcp_stream_writev(f->ts, f->iov, INT_MAX), EINVAL)      \
	X(tcp_stream_peek_null, mio_tcp_stream_peek(NULL, f->buf, 1), EINVAL)                     \
	X(tcp_stream_peek_null_buf, mio_tcp_stream_peek(f->ts, NULL, 1), EINVAL)                  \
	X(tcp_stream_shutdown_null, mio_tcp_stream_shutdown(NULL, SHUT_WR), EINVAL)               \
	X(tcp_stream_shutdown_bad_how, mio_tcp_stream_shutdown(f->ts, 42), EINVAL)                \
	X(tcp_stream_shutdown_negative_how, mio_tcp_stream_shutdown(f->ts, -1), EINVAL)           \
	X(tcp_stream_set_nodelay_null, mio_tcp_stream_set_nodelay(NULL, true), EINVAL)            \
	X(tcp_stream_nodelay_null, mio_tcp_stream_nodelay(NULL, &f->on), EINVAL)                  \
	X(tcp_stream_nodelay_null_out, mio_tcp_stream_nodelay(f->ts, NULL), EINVAL)               \
	X(tcp_stream_set_ttl_null, mio_tcp_stream_set_ttl(NULL, 1), EINVAL)                       \
	X(tcp_stream_set_ttl_256, mio_tcp_stream_set_ttl(f->ts, 256), EINVAL)                     \
	X(tcp_stream_ttl_null_out, mio_tcp_stream_ttl(f->ts, NULL), EINVAL)                       \
	X(tcp_stream_take_error_null_out, mio_tcp_stream_take_error(f->ts, NULL), EINVAL)         \
	X(tcp_stream_peer_addr_null, mio_tcp_stream_peer_addr(NULL, &f->ss, &f->ss_len), EINVAL)  \
	X(tcp_stream_peer_addr_null_addr, mio_tcp_stream_peer_addr(f->ts, NULL, &f->ss_len), EINVAL) \
	X(tcp_stream_local_addr_null_len, mio_tcp_stream_local_addr(f->ts, &f->ss, NULL), EINVAL) \
	X(tcp_stream_fd_null, mio_tcp_stream_fd(NULL), EINVAL)                                    \
	X(tcp_stream_from_fd_minus1, mio_tcp_stream_from_fd(-1, &f->o_ts), EBADF)                 \
	X(tcp_stream_from_fd_closed, mio_tcp_stream_from_fd(f->closed_fd, &f->o_ts), EBADF)       \
	X(tcp_stream_into_fd_null, mio_tcp_stream_into_fd(NULL), EINVAL)                          \
	/* ---- TCP socket (1.1) ---- */                                                   \
	X(tcp_socket_new_v4_null_out, mio_tcp_socket_new_v4(NULL), EINVAL)                 \
	X(tcp_socket_new_v6_null_out, mio_tcp_socket_new_v6(NULL), EINVAL)                 \
	X(tcp_socket_bind_null, mio_tcp_socket_bind(NULL, SA(&f->v4), f->v4_len), EINVAL)  \
	X(tcp_socket_bind_null_addr, mio_tcp_socket_bind(f->tk, NULL, f->v4_len), EINVAL)  \
	X(tcp_socket_bind_len_0, mio_tcp_socket_bind(f->tk, SA(&f->v4), 0), EINVAL)        \
	X(tcp_socket_bind_short, mio_tcp_socket_bind(f->tk, SA(&f->v4), f->v4_len - 1), EINVAL) \
	X(tcp_socket_bind_unix_family, mio_tcp_socket_bind(f->tk, UNIX_AS_INET, f->un_len), EINVAL) \
	X(tcp_socket_bind_v6_on_v4, mio_tcp_socket_bind(f->tk, SA(&f->v6), f->v6_len), EINVAL) \
	X(tcp_socket_listen_null, mio_tcp_socket_listen(NULL, 16, &f->o_tl), EINVAL)       \
	X(tcp_socket_listen_null_out, mio_tcp_socket_listen(fresh_tcp_socket(), 16, NULL), EINVAL) \
	X(tcp_socket_listen_backlog_negative,                                              \
	  mio_tcp_socket_listen(fresh_tcp_socket(), -1, &f->o_tl), EINVAL)                 \
	X(tcp_socket_connect_null, mio_tcp_socket_connect(NULL, SA(&f->ss), f->ss_len, &f->o_ts), EINVAL) \
	X(tcp_socket_connect_null_out,                                                     \
	  mio_tcp_socket_connect(fresh_tcp_socket(), SA(&f->ss), f->ss_len, NULL), EINVAL) \
	X(tcp_socket_connect_null_addr,                                                    \
	  mio_tcp_socket_connect(fresh_tcp_socket(), NULL, f->ss_len, &f->o_ts), EINVAL)   \
	X(tcp_socket_connect_short,                                                        \
	  mio_tcp_socket_connect(fresh_tcp_socket(), SA(&f->ss), f->ss_len - 1, &f->o_ts), EINVAL) \
	X(tcp_socket_connect_unix_family,                                                  \
	  mio_tcp_socket_connect(fresh_tcp_socket(), UNIX_AS_INET, f->un_len, &f->o_ts), EINVAL) \
	X(tcp_socket_connect_v6_on_v4,                                                     \
	  mio_tcp_socket_connect(fresh_tcp_socket(), SA(&f->v6), f->v6_len, &f->o_ts), EINVAL) \
	X(tcp_socket_local_addr_null, mio_tcp_socket_local_addr(NULL, &f->ss, &f->ss_len), EINVAL) \
	X(tcp_socket_local_addr_null_addr, mio_tcp_socket_local_addr(f->tk, NULL, &f->ss_len), EINVAL) \
	X(tcp_socket_local_addr_null_len, mio_tcp_socket_local_addr(f->tk, &f->ss, NULL), EINVAL) \
	X(tcp_socket_set_reuseaddr_null, mio_tcp_socket_set_reuseaddr(NULL, true), EINVAL) \
	X(tcp_socket_get_reuseaddr_null, mio_tcp_socket_get_reuseaddr(NULL, &f->on), EINVAL) \
	X(tcp_socket_get_reuseaddr_null_out, mio_tcp_socket_get_reuseaddr(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_reuseport_null, mio_tcp_socket_set_reuseport(NULL, true), EINVAL) \
	X(tcp_socket_get_reuseport_null, mio_tcp_socket_get_reuseport(NULL, &f->on), EINVAL) \
	X(tcp_socket_get_reuseport_null_out, mio_tcp_socket_get_reuseport(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_linger_null, mio_tcp_socket_set_linger(NULL, TS(1, 0)), EINVAL)   \
	X(tcp_socket_set_linger_negative_sec, mio_tcp_socket_set_linger(f->tk, TS(-1, 0)), EINVAL) \
	X(tcp_socket_set_linger_negative_nsec, mio_tcp_socket_set_linger(f->tk, TS(0, -1)), EINVAL) \
	X(tcp_socket_set_linger_nsec_1e9, mio_tcp_socket_set_linger(f->tk, TS(0, 1000000000L)), EINVAL) \
	X(tcp_socket_set_linger_int_max_plus, mio_tcp_socket_set_linger(f->tk, TS(INT_MAX, 1)), EINVAL) \
	X(tcp_socket_get_linger_null, mio_tcp_socket_get_linger(NULL, &f->on, &f->tspec), EINVAL) \
	X(tcp_socket_get_linger_null_on, mio_tcp_socket_get_linger(f->tk, NULL, &f->tspec), EINVAL) \
	X(tcp_socket_get_linger_null_ts, mio_tcp_socket_get_linger(f->tk, &f->on, NULL), EINVAL) \
	X(tcp_socket_set_recv_buffer_size_null, mio_tcp_socket_set_recv_buffer_size(NULL, 4096), EINVAL) \
	X(tcp_socket_set_recv_buffer_size_huge,                                            \
	  mio_tcp_socket_set_recv_buffer_size(f->tk, (uint32_t)INT_MAX + 1), EINVAL)       \
	X(tcp_socket_get_recv_buffer_size_null, mio_tcp_socket_get_recv_buffer_size(NULL, &f->ttl), EINVAL) \
	X(tcp_socket_get_recv_buffer_size_null_out, mio_tcp_socket_get_recv_buffer_size(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_send_buffer_size_null, mio_tcp_socket_set_send_buffer_size(NULL, 4096), EINVAL) \
	X(tcp_socket_set_send_buffer_size_huge, mio_tcp_socket_set_send_buffer_size(f->tk, UINT32_MAX), EINVAL) \
	X(tcp_socket_get_send_buffer_size_null, mio_tcp_socket_get_send_buffer_size(NULL, &f->ttl), EINVAL) \
	X(tcp_socket_get_send_buffer_size_null_out, mio_tcp_socket_get_send_buffer_size(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_keepalive_null, mio_tcp_socket_set_keepalive(NULL, true), EINVAL) \
	X(tcp_socket_get_keepalive_null, mio_tcp_socket_get_keepalive(NULL, &f->on), EINVAL) \
	X(tcp_socket_get_keepalive_null_out, mio_tcp_socket_get_keepalive(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_keepalive_time_null, mio_tcp_socket_set_keepalive_time(NULL, TS(1, 0)), EINVAL) \
	X(tcp_socket_set_keepalive_time_null_ts, mio_tcp_socket_set_keepalive_time(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_keepalive_time_0, mio_tcp_socket_set_keepalive_time(f->tk, TS(0, 0)), EINVAL) \
	X(tcp_socket_set_keepalive_time_negative, mio_tcp_socket_set_keepalive_time(f->tk, TS(-1, 0)), EINVAL) \
	X(tcp_socket_get_keepalive_time_null, mio_tcp_socket_get_keepalive_time(NULL, &f->tspec), EINVAL) \
	X(tcp_socket_get_keepalive_time_null_out, mio_tcp_socket_get_keepalive_time(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_keepalive_interval_null, mio_tcp_socket_set_keepalive_interval(NULL, TS(1, 0)), EINVAL) \
	X(tcp_socket_set_keepalive_interval_0, mio_tcp_socket_set_keepalive_interval(f->tk, TS(0, 0)), EINVAL) \
	X(tcp_socket_set_keepalive_interval_nsec_1e9,                                      \
	  mio_tcp_socket_set_keepalive_interval(f->tk, TS(1, 1000000000L)), EINVAL)        \
	X(tcp_socket_get_keepalive_interval_null, mio_tcp_socket_get_keepalive_interval(NULL, &f->tspec), EINVAL) \
	X(tcp_socket_get_keepalive_interval_null_out, mio_tcp_socket_get_keepalive_interval(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_keepalive_retries_null, mio_tcp_socket_set_keepalive_retries(NULL, 3), EINVAL) \
	X(tcp_socket_set_keepalive_retries_0, mio_tcp_socket_set_keepalive_retries(f->tk, 0), EINVAL) \
	X(tcp_socket_set_keepalive_retries_huge, mio_tcp_socket_set_keepalive_retries(f->tk, UINT32_MAX), EINVAL) \
	X(tcp_socket_get_keepalive_retries_null, mio_tcp_socket_get_keepalive_retries(NULL, &f->ttl), EINVAL) \
	X(tcp_socket_get_keepalive_retries_null_out, mio_tcp_socket_get_keepalive_retries(f->tk, NULL), EINVAL) \
	X(tcp_socket_set_only_v6_null, mio_tcp_socket_set_only_v6(NULL, true), EINVAL)     \
	X(tcp_socket_set_only_v6_on_v4, mio_tcp_socket_set_only_v6(f->tk, true), EINVAL)   \
	X(tcp_socket_get_only_v6_null, mio_tcp_socket_get_only_v6(NULL, &f->on), EINVAL)   \
	X(tcp_socket_get_only_v6_on_v4, mio_tcp_socket_get_only_v6(f->tk, &f->on), EINVAL) \
	X(tcp_socket_set_nodelay_null, mio_tcp_socket_set_nodelay(NULL, true), EINVAL)     \
	X(tcp_socket_get_nodelay_null, mio_tcp_socket_get_nodelay(NULL, &f->on), EINVAL)   \
	X(tcp_socket_get_nodelay_null_out, mio_tcp_socket_get_nodelay(f->tk, NULL), EINVAL) \
	X(tcp_socket_fd_null, mio_tcp_socket_fd(NULL), EINVAL)                             \
	X(tcp_socket_from_fd_minus1, mio_tcp_socket_from_fd(-1, &f->o_tk), EBADF)          \
	X(tcp_socket_from_fd_closed, mio_tcp_socket_from_fd(f->closed_fd, &f->o_tk), EBADF) \
	X(tcp_socket_from_fd_null_out, mio_tcp_socket_from_fd(f->closed_fd, NULL), EINVAL) \
	X(tcp_socket_into_fd_null, mio_tcp_socket_into_fd(NULL), EINVAL)                   \
	/* ---- UDP ---- */                                                                       \
	X(udp_bind_null_addr, mio_udp_socket_bind(NULL, 16, &f->o_u), EINVAL)                     \
	X(udp_bind_null_out, mio_udp_socket_bind(SA(&f->v4), f->v4_len, NULL), EINVAL)           \
	X(udp_bind_short, mio_udp_socket_bind(SA(&f->v4), 2, &f->o_u), EINVAL)                    \
	X(udp_bind_unix_family, mio_udp_socket_bind(UNIX_AS_INET, f->un_len, &f->o_u), EINVAL)    \
	X(udp_connect_null, mio_udp_socket_connect(NULL, SA(&f->v4), f->v4_len), EINVAL)          \
	X(udp_connect_null_addr, mio_udp_socket_connect(f->u, NULL, 0), EINVAL)                   \
	X(udp_connect_short, mio_udp_socket_connect(f->u, SA(&f->v4), f->v4_len - 1), EINVAL)     \
	X(udp_connect_unix_family, mio_udp_socket_connect(f->u, UNIX_AS_INET, f->un_len), EINVAL) \
	X(udp_send_to_null, mio_udp_socket_send_to(NULL, f->buf, 1, SA(&f->ss), f->ss_len), EINVAL) \
	X(udp_send_to_null_buf, mio_udp_socket_send_to(f->u, NULL, 1, SA(&f->ss), f->ss_len), EINVAL) \
	X(udp_send_to_null_addr, mio_udp_socket_send_to(f->u, f->buf, 1, NULL, 0), EINVAL)        \
	X(udp_send_to_short, mio_udp_socket_send_to(f->u, f->buf, 1, SA(&f->ss), 3), EINVAL)      \
	X(udp_send_to_unix_family, mio_udp_socket_send_to(f->u, f->buf, 1, UNIX_AS_INET, f->un_len), EINVAL) \
	X(udp_recv_from_null, mio_udp_socket_recv_from(NULL, f->buf, 1, &f->ss, &f->ss_len), EINVAL) \
	X(udp_recv_from_null_buf, mio_udp_socket_recv_from(f->u, NULL, 1, &f->ss, &f->ss_len), EINVAL) \
	X(udp_recv_from_addr_no_len, mio_udp_socket_recv_from(f->u, f->buf, 1, &f->ss, NULL), EINVAL) \
	X(udp_peek_from_len_no_addr, mio_udp_socket_peek_from(f->u, f->buf, 1, NULL, &f->ss_len), EINVAL) \
	X(udp_send_null, mio_udp_socket_send(NULL, f->buf, 1), EINVAL)                            \
	X(udp_send_null_buf, mio_udp_socket_send(f->u, NULL, 1), EINVAL)                          \
	X(udp_recv_null, mio_udp_socket_recv(NULL, f->buf, 1), EINVAL)                            \
	X(udp_recv_empty, mio_udp_socket_recv(f->u, f->buf, sizeof(f->buf)), EAGAIN)              \
	X(udp_peek_null_buf, mio_udp_socket_peek(f->u, NULL, 1), EINVAL)                          \
	X(udp_set_broadcast_null, mio_udp_socket_set_broadcast(NULL, true), EINVAL)               \
	X(udp_broadcast_null_out, mio_udp_socket_broadcast(f->u, NULL), EINVAL)                   \
	X(udp_multicast_loop_v4_null_out, mio_udp_socket_multicast_loop_v4(f->u, NULL), EINVAL)   \
	X(udp_multicast_loop_v6_null, mio_udp_socket_set_multicast_loop_v6(NULL, true), EINVAL)   \
	X(udp_multicast_ttl_v4_256, mio_udp_socket_set_multicast_ttl_v4(f->u, 256), EINVAL)       \
	X(udp_multicast_ttl_v4_null_out, mio_udp_socket_multicast_ttl_v4(f->u, NULL), EINVAL)     \
	X(udp_set_ttl_max, mio_udp_socket_set_ttl(f->u, UINT32_MAX), EINVAL)                      \
	X(udp_ttl_null_out, mio_udp_socket_ttl(f->u, NULL), EINVAL)                               \
	X(udp_join_v4_null, mio_udp_socket_join_multicast_v4(NULL, &f->in4, &f->in4), EINVAL)     \
	X(udp_join_v4_null_group, mio_udp_socket_join_multicast_v4(f->u, NULL, &f->in4), EINVAL)  \
	X(udp_join_v4_null_iface, mio_udp_socket_join_multicast_v4(f->u, &f->in4, NULL), EINVAL)  \
	X(udp_leave_v4_null_group, mio_udp_socket_leave_multicast_v4(f->u, NULL, NULL), EINVAL)   \
	X(udp_join_v6_null_group, mio_udp_socket_join_multicast_v6(f->u, NULL, 0), EINVAL)        \
	X(udp_leave_v6_null, mio_udp_socket_leave_multicast_v6(NULL, &f->in6, 0), EINVAL)         \
	X(udp_only_v6_null_out, mio_udp_socket_only_v6(f->u, NULL), EINVAL)                       \
	X(udp_take_error_null, mio_udp_socket_take_error(NULL, &f->err), EINVAL)                  \
	X(udp_peer_addr_null_len, mio_udp_socket_peer_addr(f->u, &f->ss, NULL), EINVAL)           \
	X(udp_from_fd_closed, mio_udp_socket_from_fd(f->closed_fd, &f->o_u), EBADF)               \
	X(udp_into_fd_null, mio_udp_socket_into_fd(NULL), EINVAL)                                 \
	/* ---- UDP batches, offload, ancillary data, builder (1.2) ---- */                      \
	X(udp_recv_msgs_null, mio_udp_socket_recv_msgs(NULL, udp_msgs(f), 1), EINVAL)            \
	X(udp_recv_msgs_null_array, mio_udp_socket_recv_msgs(f->u, NULL, 1), EINVAL)             \
	X(udp_recv_msgs_count_0, mio_udp_socket_recv_msgs(f->u, udp_msgs(f), 0), EINVAL)         \
	X(udp_recv_msgs_count_max_plus_1,                                                         \
	  mio_udp_socket_recv_msgs(f->u, udp_msgs(f), MIO_UDP_MSGS_MAX + 1), EINVAL)              \
	X(udp_recv_msgs_count_size_max, mio_udp_socket_recv_msgs(f->u, udp_msgs(f), SIZE_MAX), EINVAL) \
	X(udp_recv_msgs_null_buf, UDP_BAD(recv, 2, 1, buf = NULL), EINVAL)                        \
	X(udp_recv_msgs_capacity_huge, UDP_BAD(recv, 1, 0, capacity = (size_t)INT_MAX + 1), EINVAL) \
	X(udp_recv_msgs_capacity_size_max, UDP_BAD(recv, 1, 0, capacity = SIZE_MAX), EINVAL)      \
	X(udp_recv_msgs_empty, mio_udp_socket_recv_msgs(f->u, udp_msgs(f), 4), EAGAIN)           \
	X(udp_send_msgs_null, mio_udp_socket_send_msgs(NULL, udp_msgs(f), 1), EINVAL)            \
	X(udp_send_msgs_null_array, mio_udp_socket_send_msgs(f->u, NULL, 1), EINVAL)             \
	X(udp_send_msgs_count_0, mio_udp_socket_send_msgs(f->u, udp_msgs(f), 0), EINVAL)         \
	X(udp_send_msgs_count_max_plus_1,                                                         \
	  mio_udp_socket_send_msgs(f->u, udp_msgs(f), MIO_UDP_MSGS_MAX + 1), EINVAL)              \
	X(udp_send_msgs_count_size_max, mio_udp_socket_send_msgs(f->u, udp_msgs(f), SIZE_MAX), EINVAL) \
	X(udp_send_msgs_null_buf, UDP_BAD(send, 1, 0, buf = NULL), EINVAL)                        \
	X(udp_send_msgs_len_65536, UDP_BAD(send, 1, 0, len = 65536), EMSGSIZE)                    \
	X(udp_send_msgs_len_size_max, UDP_BAD(send, 1, 0, len = SIZE_MAX), EMSGSIZE)              \
	X(udp_send_msgs_addr_len_1, UDP_BAD(send, 1, 0, addr_len = 1), EINVAL)                    \
	X(udp_send_msgs_addr_len_short,                                                           \
	  UDP_BAD(send, 1, 0, addr_len = sizeof(struct sockaddr_in) - 1), EINVAL)                 \
	X(udp_send_msgs_addr_len_huge,                                                            \
	  UDP_BAD(send, 1, 0, addr_len = sizeof(struct sockaddr_storage) + 1), EINVAL)            \
	X(udp_send_msgs_addr_len_max, UDP_BAD(send, 1, 0, addr_len = (socklen_t)-1), EINVAL)      \
	X(udp_send_msgs_addr_unix, UDP_BAD(send, 1, 0, addr.ss_family = AF_UNIX), EINVAL)         \
	X(udp_send_msgs_local_len_3, UDP_BAD(send, 1, 0, local_len = 3), EINVAL)                  \
	X(udp_send_msgs_local_unspec,                                                             \
	  UDP_BAD(send, 1, 0, local_len = sizeof(struct sockaddr_in)), EINVAL)                    \
	X(udp_send_msgs_local_v6_on_v4,                                                           \
	  UDP_BAD(send, 1, 0, local = f->v6, udp_recs[0].local_len = f->v6_len), EINVAL)          \
	X(udp_send_msgs_ecn_4, UDP_BAD(send, 1, 0, ecn = 4), EINVAL)                              \
	X(udp_send_msgs_ecn_255, UDP_BAD(send, 1, 0, ecn = 255), EINVAL)                          \
	X(udp_send_msgs_segment_over_len, UDP_BAD(send, 1, 0, segment_size = 2), EINVAL)          \
	X(udp_send_msgs_segment_len_0, UDP_BAD(send, 1, 0, len = 0, udp_recs[0].segment_size = 1), EINVAL) \
	X(udp_send_msgs_segment_huge, UDP_BAD(send, 1, 0, segment_size = UINT32_MAX), EINVAL)     \
	X(udp_send_msgs_65_segments,                                                              \
	  UDP_BAD(send, 1, 0, len = 65, udp_recs[0].segment_size = 1), EINVAL)                    \
	X(udp_send_msgs_65535_segments_of_1,                                                      \
	  UDP_BAD(send, 1, 0, len = 65535, udp_recs[0].segment_size = 1), EINVAL)                 \
	X(udp_send_msgs_last_record_bad, UDP_BAD(send, 3, 2, addr_len = 2), EINVAL)               \
	X(udp_send_msgs_unconnected, UDP_BAD(send, 1, 0, addr_len = 0), EDESTADDRREQ)             \
	X(udp_send_msgs_v6_to_v4_socket,                                                          \
	  UDP_BAD(send, 1, 0, addr = f->v6, udp_recs[0].addr_len = f->v6_len), EAFNOSUPPORT)      \
	X(udp_new_v4_null_out, mio_udp_socket_new_v4(NULL), EINVAL)                               \
	X(udp_new_v6_null_out, mio_udp_socket_new_v6(NULL), EINVAL)                               \
	X(udp_bind_to_null, mio_udp_socket_bind_to(NULL, SA(&f->v4), f->v4_len), EINVAL)          \
	X(udp_bind_to_null_addr, mio_udp_socket_bind_to(f->u, NULL, 16), EINVAL)                  \
	X(udp_bind_to_short, mio_udp_socket_bind_to(f->u, SA(&f->v4), 2), EINVAL)                 \
	X(udp_bind_to_unix_family, mio_udp_socket_bind_to(f->u, UNIX_AS_INET, f->un_len), EINVAL) \
	X(udp_bind_to_other_family, mio_udp_socket_bind_to(f->u, SA(&f->v6), f->v6_len), EINVAL)  \
	X(udp_set_reuseaddr_null, mio_udp_socket_set_reuseaddr(NULL, true), EINVAL)               \
	X(udp_reuseaddr_null_out, mio_udp_socket_reuseaddr(f->u, NULL), EINVAL)                   \
	X(udp_set_reuseport_null, mio_udp_socket_set_reuseport(NULL, true), EINVAL)               \
	X(udp_reuseport_null_out, mio_udp_socket_reuseport(f->u, NULL), EINVAL)                   \
	X(udp_set_recv_buffer_size_huge, mio_udp_socket_set_recv_buffer_size(f->u, 0x80000000u), EINVAL) \
	X(udp_set_send_buffer_size_max, mio_udp_socket_set_send_buffer_size(f->u, UINT32_MAX), EINVAL) \
	X(udp_recv_buffer_size_null_out, mio_udp_socket_recv_buffer_size(f->u, NULL), EINVAL)     \
	X(udp_send_buffer_size_null, mio_udp_socket_send_buffer_size(NULL, &f->ttl), EINVAL)      \
	X(udp_set_only_v6_null, mio_udp_socket_set_only_v6(NULL, true), EINVAL)                   \
	X(udp_set_only_v6_on_v4, mio_udp_socket_set_only_v6(f->u, true), ENOPROTOOPT)             \
	X(udp_set_recv_ecn_null, mio_udp_socket_set_recv_ecn(NULL, true), EINVAL)                 \
	X(udp_recv_ecn_null_out, mio_udp_socket_recv_ecn(f->u, NULL), EINVAL)                     \
	X(udp_set_recv_pktinfo_null, mio_udp_socket_set_recv_pktinfo(NULL, true), EINVAL)         \
	X(udp_recv_pktinfo_null_out, mio_udp_socket_recv_pktinfo(f->u, NULL), EINVAL)             \
	X(udp_set_gro_null, mio_udp_socket_set_gro(NULL, true), EINVAL)                           \
	X(udp_gro_segments_null_out, mio_udp_socket_gro_segments(f->u, NULL), EINVAL)             \
	X(udp_gso_segments_null, mio_udp_socket_gso_segments(NULL, &f->ttl), EINVAL)              \
	X(udp_gso_segments_null_out, mio_udp_socket_gso_segments(f->u, NULL), EINVAL)             \
	/* ---- Unix listener / stream ---- */                                                    \
	X(unix_bind_null_path, mio_unix_listener_bind(NULL, &f->o_ul), EINVAL)                    \
	X(unix_bind_null_out, mio_unix_listener_bind("/nonexistent/x", NULL), EINVAL)             \
	X(unix_bind_long_path, mio_unix_listener_bind(f->long_path, &f->o_ul), EINVAL)            \
	X(unix_bind_full_path, mio_unix_listener_bind(f->full_path, &f->o_ul), EINVAL)            \
	X(unix_bind_addr_null, mio_unix_listener_bind_addr(NULL, 16, &f->o_ul), EINVAL)           \
	X(unix_bind_addr_len_0, mio_unix_listener_bind_addr(&f->sun, 0, &f->o_ul), EINVAL)        \
	X(unix_bind_addr_len_1, mio_unix_listener_bind_addr(&f->sun, 1, &f->o_ul), EINVAL)        \
	X(unix_bind_addr_too_long, mio_unix_listener_bind_addr(&f->sun, sizeof(f->sun) + 1, &f->o_ul), EINVAL) \
	X(unix_bind_addr_inet_family, mio_unix_listener_bind_addr(INET_AS_UNIX, f->v4_len, &f->o_ul), EINVAL) \
	X(unix_accept_null, mio_unix_listener_accept(NULL, &f->o_us, NULL, NULL), EINVAL)         \
	X(unix_accept_null_out, mio_unix_listener_accept(f->ul, NULL, NULL, NULL), EINVAL)        \
	X(unix_accept_peer_no_len, mio_unix_listener_accept(f->ul, &f->o_us, &f->sun, NULL), EINVAL) \
	X(unix_listener_local_addr_null_addr, mio_unix_listener_local_addr(f->ul, NULL, &f->sun_len), EINVAL) \
	X(unix_listener_take_error_null_out, mio_unix_listener_take_error(f->ul, NULL), EINVAL)   \
	X(unix_listener_from_fd_closed, mio_unix_listener_from_fd(f->closed_fd, &f->o_ul), EBADF) \
	X(unix_listener_into_fd_null, mio_unix_listener_into_fd(NULL), EINVAL)                    \
	X(unix_connect_null_path, mio_unix_stream_connect(NULL, &f->o_us), EINVAL)                \
	X(unix_connect_null_out, mio_unix_stream_connect(f->path, NULL), EINVAL)                  \
	X(unix_connect_long_path, mio_unix_stream_connect(f->long_path, &f->o_us), EINVAL)        \
	X(unix_connect_full_path, mio_unix_stream_connect(f->full_path, &f->o_us), EINVAL)        \
	X(unix_connect_addr_inet_family, mio_unix_stream_connect_addr(INET_AS_UNIX, f->v4_len, &f->o_us), EINVAL) \
	X(unix_connect_addr_too_long, mio_unix_stream_connect_addr(&f->sun, 65535, &f->o_us), EINVAL) \
	X(unix_pair_null_a, mio_unix_stream_pair(NULL, &f->o_us2), EINVAL)                        \
	X(unix_pair_null_b, mio_unix_stream_pair(&f->o_us, NULL), EINVAL)                         \
	X(unix_pair_same, mio_unix_stream_pair(&f->o_us, &f->o_us), EINVAL)                       \
	X(unix_stream_read_null, mio_unix_stream_read(NULL, f->buf, 1), EINVAL)                   \
	X(unix_stream_read_null_buf, mio_unix_stream_read(f->us, NULL, 1), EINVAL)                \
	X(unix_stream_read_empty, mio_unix_stream_read(f->us, f->buf, sizeof(f->buf)), EAGAIN)    \
	X(unix_stream_write_null_buf, mio_unix_stream_write(f->us, NULL, 1), EINVAL)              \
	X(unix_stream_readv_negative, mio_unix_stream_readv(f->us, f->iov, -1), EINVAL)           \
	X(unix_stream_writev_too_many, mio_unix_stream_writev(f->us, f->iov, IOV_MAX + 1), EINVAL) \
	X(unix_stream_shutdown_bad_how, mio_unix_stream_shutdown(f->us, 3), EINVAL)               \
	X(unix_stream_take_error_null, mio_unix_stream_take_error(NULL, &f->err), EINVAL)         \
	X(unix_stream_peer_addr_null_len, mio_unix_stream_peer_addr(f->us, &f->sun, NULL), EINVAL) \
	X(unix_stream_from_fd_minus1, mio_unix_stream_from_fd(-1, &f->o_us), EBADF)               \
	X(unix_stream_into_fd_null, mio_unix_stream_into_fd(NULL), EINVAL)                        \
	/* ---- Unix datagram ---- */                                                             \
	X(unix_dgram_bind_null_path, mio_unix_datagram_bind(NULL, &f->o_ud), EINVAL)              \
	X(unix_dgram_bind_long_path, mio_unix_datagram_bind(f->long_path, &f->o_ud), EINVAL)      \
	X(unix_dgram_bind_addr_inet, mio_unix_datagram_bind_addr(INET_AS_UNIX, f->v4_len, &f->o_ud), EINVAL) \
	X(unix_dgram_bind_addr_short, mio_unix_datagram_bind_addr(&f->sun, 1, &f->o_ud), EINVAL)  \
	X(unix_dgram_unbound_null_out, mio_unix_datagram_unbound(NULL), EINVAL)                   \
	X(unix_dgram_pair_null, mio_unix_datagram_pair(NULL, NULL), EINVAL)                       \
	X(unix_dgram_pair_same, mio_unix_datagram_pair(&f->o_ud, &f->o_ud), EINVAL)               \
	X(unix_dgram_connect_null, mio_unix_datagram_connect(NULL, f->path), EINVAL)              \
	X(unix_dgram_connect_null_path, mio_unix_datagram_connect(f->ud, NULL), EINVAL)           \
	X(unix_dgram_connect_long_path, mio_unix_datagram_connect(f->ud, f->long_path), EINVAL)   \
	X(unix_dgram_connect_addr_inet, mio_unix_datagram_connect_addr(f->ud, INET_AS_UNIX, f->v4_len), EINVAL) \
	X(unix_dgram_send_to_null_path, mio_unix_datagram_send_to(f->ud, f->buf, 1, NULL), EINVAL) \
	X(unix_dgram_send_to_long_path, mio_unix_datagram_send_to(f->ud, f->buf, 1, f->long_path), EINVAL) \
	X(unix_dgram_send_to_null_buf, mio_unix_datagram_send_to(f->ud, NULL, 1, f->path), EINVAL) \
	X(unix_dgram_send_to_addr_inet,                                                           \
	  mio_unix_datagram_send_to_addr(f->ud, f->buf, 1, INET_AS_UNIX, f->v4_len), EINVAL)      \
	X(unix_dgram_send_to_addr_null, mio_unix_datagram_send_to_addr(f->ud, f->buf, 1, NULL, 0), EINVAL) \
	X(unix_dgram_recv_from_null_buf, mio_unix_datagram_recv_from(f->ud, NULL, 1, &f->sun, &f->sun_len), EINVAL) \
	X(unix_dgram_recv_from_addr_no_len, mio_unix_datagram_recv_from(f->ud, f->buf, 1, &f->sun, NULL), EINVAL) \
	X(unix_dgram_recv_empty, mio_unix_datagram_recv(f->ud, f->buf, sizeof(f->buf)), EAGAIN)   \
	X(unix_dgram_send_null, mio_unix_datagram_send(NULL, f->buf, 1), EINVAL)                  \
	X(unix_dgram_shutdown_bad_how, mio_unix_datagram_shutdown(f->ud, 7), EINVAL)              \
	X(unix_dgram_take_error_null_out, mio_unix_datagram_take_error(f->ud, NULL), EINVAL)      \
	X(unix_dgram_local_addr_null_addr, mio_unix_datagram_local_addr(f->ud, NULL, &f->sun_len), EINVAL) \
	X(unix_dgram_from_fd_closed, mio_unix_datagram_from_fd(f->closed_fd, &f->o_ud), EBADF)    \
	X(unix_dgram_fd_null, mio_unix_datagram_fd(NULL), EINVAL)                                 \
	/* ---- pipes ---- */                                                                     \
	X(pipe_new_null_tx, mio_pipe_new(NULL, &f->o_rx), EINVAL)                                 \
	X(pipe_new_null_rx, mio_pipe_new(&f->o_tx, NULL), EINVAL)                                 \
	X(pipe_new_same, mio_pipe_new((mio_pipe_sender **)&f->o_rx, &f->o_rx), EINVAL)            \
	X(pipe_write_null, mio_pipe_sender_write(NULL, f->buf, 1), EINVAL)                        \
	X(pipe_write_null_buf, mio_pipe_sender_write(f->tx, NULL, 1), EINVAL)                     \
	X(pipe_writev_negative, mio_pipe_sender_writev(f->tx, f->iov, -1), EINVAL)                \
	X(pipe_writev_null_iov, mio_pipe_sender_writev(f->tx, NULL, 2), EINVAL)                   \
	X(pipe_read_null, mio_pipe_receiver_read(NULL, f->buf, 1), EINVAL)                        \
	X(pipe_read_null_buf, mio_pipe_receiver_read(f->rx, NULL, 1), EINVAL)                     \
	X(pipe_read_empty, mio_pipe_receiver_read(f->rx, f->buf, sizeof(f->buf)), EAGAIN)         \
	X(pipe_readv_too_many, mio_pipe_receiver_readv(f->rx, f->iov, IOV_MAX + 1), EINVAL)       \
	X(pipe_sender_set_nonblocking_null, mio_pipe_sender_set_nonblocking(NULL, true), EINVAL)  \
	X(pipe_receiver_set_nonblocking_null, mio_pipe_receiver_set_nonblocking(NULL, false), EINVAL) \
	X(pipe_sender_fd_null, mio_pipe_sender_fd(NULL), EINVAL)                                  \
	X(pipe_sender_from_fd_minus1, mio_pipe_sender_from_fd(-1, &f->o_tx), EBADF)               \
	X(pipe_receiver_from_fd_closed, mio_pipe_receiver_from_fd(f->closed_fd, &f->o_rx), EBADF) \
	X(pipe_receiver_from_fd_null_out, mio_pipe_receiver_from_fd(0, NULL), EINVAL)             \
	X(pipe_receiver_into_fd_null, mio_pipe_receiver_into_fd(NULL), EINVAL)

struct row {
	const char *name;
	long long (*call)(struct fx *f);
	int err;
};

#define X_FN(name, call, err) \
	static long long row_##name(struct fx *f) { (void)f; return (long long)(call); }
BADINPUT_TABLE(X_FN)
#undef X_FN

#define X_ROW(name, call, err) { #name, row_##name, err },
static const struct row rows[] = { BADINPUT_TABLE(X_ROW) };
#undef X_ROW

#define N_ROWS ((int)(sizeof(rows) / sizeof(rows[0])))

START_TEST(test_badinput_table)
{
	struct fx f;
	fx_open(&f);
	const struct row *r = &rows[_i];
	long long got = r->call(&f);
	ck_assert_msg(got == -(long long)r->err, "%s: expected -%s, got %lld (%s)", r->name,
		      mio_test_errname(r->err), got, got < 0 ? mio_test_errname((int)-got) : "ok");
	/* A bad call changes nothing: the poll still works after it. */
	ck_assert_ok(mio_waker_wake(f.w));
	ck_assert(mio_test_wait_for(f.p, f.ev, 1, 5000, NULL));
	fx_close(&f);
}
END_TEST

/* Not errors: NULL to destructors and accessors. */
START_TEST(test_badinput_free_null)
{
	mio_poll_free(NULL);
	mio_registry_free(NULL);
	mio_events_free(NULL);
	mio_waker_free(NULL);
	mio_tcp_listener_free(NULL);
	mio_tcp_stream_free(NULL);
	mio_tcp_socket_free(NULL);
	mio_udp_socket_free(NULL);
	mio_unix_listener_free(NULL);
	mio_unix_stream_free(NULL);
	mio_unix_datagram_free(NULL);
	mio_pipe_sender_free(NULL);
	mio_pipe_receiver_free(NULL);

	ck_assert_ptr_null(mio_poll_registry(NULL));
	ck_assert_uint_eq(mio_events_capacity(NULL), 0);
	ck_assert_uint_eq(mio_events_len(NULL), 0);
	ck_assert(mio_events_is_empty(NULL));
	mio_events_clear(NULL);
	ck_assert_ptr_null(mio_events_get(NULL, 0));
	ck_assert_uint_eq(mio_event_token(NULL), 0);
	ck_assert(!mio_event_is_readable(NULL));
	ck_assert(!mio_event_is_writable(NULL));
	ck_assert(!mio_event_is_error(NULL));
	ck_assert(!mio_event_is_read_closed(NULL));
	ck_assert(!mio_event_is_write_closed(NULL));
	ck_assert(!mio_event_is_priority(NULL));
	ck_assert(!mio_event_is_aio(NULL));
	ck_assert(!mio_event_is_lio(NULL));
}
END_TEST

/* The poll's own registry is not the caller's to free. */
START_TEST(test_badinput_registry_free_owned)
{
	mio_poll *p;
	mio_events *ev;
	mio_waker *w;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(2, &ev));
	mio_registry_free(mio_poll_registry(p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 3, &w));
	ck_assert_ok(mio_waker_wake(w));
	ck_assert(mio_test_wait_for(p, ev, 3, 5000, NULL));
	mio_waker_free(w);
	mio_events_free(ev);
	mio_poll_free(p);
}
END_TEST

/* Indexes past len, on an empty and on a filled buffer. */
START_TEST(test_badinput_events_get_past_len)
{
	mio_events *ev;
	ck_assert_ok(mio_events_new(1, &ev));
	ck_assert_ptr_null(mio_events_get(ev, 0));
	ck_assert_ptr_null(mio_events_get(ev, SIZE_MAX));
	ck_assert_uint_eq(mio_events_capacity(ev), 1);
	mio_events_free(ev);
}
END_TEST

/* Tokens are any value: 0 and UINTPTR_MAX come back unchanged. */
START_TEST(test_badinput_token_extremes)
{
	const mio_token tokens[] = { 0, UINTPTR_MAX, UINTPTR_MAX - 1, (mio_token)1 << (sizeof(mio_token) * 8 - 1) };
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		mio_poll *p;
		mio_events *ev;
		mio_waker *w;
		mio_pipe_sender *tx;
		mio_pipe_receiver *rx;
		ck_assert_ok(mio_poll_new(&p));
		ck_assert_ok(mio_events_new(4, &ev));
		ck_assert_ok(mio_waker_new(mio_poll_registry(p), tokens[i], &w));
		ck_assert_ok(mio_waker_wake(w));
		ck_assert_msg(mio_test_wait_for(p, ev, tokens[i], 5000, NULL),
			      "waker token %ju lost", (uintmax_t)tokens[i]);
		ck_assert_ok(mio_pipe_new(&tx, &rx));
		ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_pipe_receiver_fd(rx),
						   tokens[i], MIO_READABLE));
		ck_assert_int_eq(mio_pipe_sender_write(tx, "t", 1), 1);
		ck_assert_msg(mio_test_wait_for(p, ev, tokens[i], 5000, NULL),
			      "registered token %ju lost", (uintmax_t)tokens[i]);
		mio_pipe_sender_free(tx);
		mio_pipe_receiver_free(rx);
		mio_waker_free(w);
		mio_events_free(ev);
		mio_poll_free(p);
	}
}
END_TEST

/* A huge timeout is clamped, not an error, and does not overflow into a
 * negative (= infinite) or tiny one: with a wake pending it returns the
 * event; with nothing pending it must still be sleeping after 200 ms. */
START_TEST(test_badinput_timeout_huge)
{
	const time_t huge[] = { (time_t)INT_MAX, (time_t)INT_MAX / 1000 + 1,
				(time_t)(((uintmax_t)1 << (sizeof(time_t) * 8 - 1)) - 1) };
	mio_poll *p;
	mio_events *ev;
	mio_waker *w;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(4, &ev));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 9, &w));
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		struct timespec ts = { huge[i], 999999999L };
		ck_assert_ok(mio_waker_wake(w));
		int n;
		do
			n = mio_poll_wait(p, ev, &ts);
		while (n == -EINTR);
		ck_assert_int_eq(n, 1);
		ck_assert_uint_eq(mio_event_token(mio_events_get(ev, 0)), 9);
	}
	/* Nothing pending: the wait blocks; a wake from another process
	 * after 200 ms ends it.  The waker's fd is inherited by the child
	 * (close-on-exec only acts on exec). */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec d = { 0, 200 * 1000 * 1000 };
		nanosleep(&d, NULL);
		_exit(mio_waker_wake(w) == 0 ? 0 : 1);
	}
	struct timespec ts = { huge[2], 999999999L };
	double t0 = mio_test_now_ms();
	int n;
	do
		n = mio_poll_wait(p, ev, &ts);
	while (n == -EINTR);
	double waited = mio_test_now_ms() - t0;
	ck_assert_int_eq(n, 1);
	ck_assert_msg(waited >= 150, "a huge timeout returned after %.0f ms", waited);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	mio_waker_free(w);
	mio_events_free(ev);
	mio_poll_free(p);
}
END_TEST

/* Zero-length buffers are not errors: NULL with length 0 is allowed. */
START_TEST(test_badinput_zero_length_buffers)
{
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	mio_unix_stream *a, *b;
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	ck_assert_int_eq(mio_pipe_sender_write(tx, NULL, 0), 0);
	ck_assert_int_eq(mio_pipe_sender_writev(tx, NULL, 0), 0);
	ck_assert_ok(mio_unix_stream_pair(&a, &b));
	ck_assert_int_eq(mio_unix_stream_write(a, NULL, 0), 0);
	ck_assert_int_eq(mio_unix_stream_writev(a, NULL, 0), 0);
	/* A zero-length read has nothing to wait for. */
	ssize_t n = mio_unix_stream_read(b, NULL, 0);
	ck_assert_msg(n == 0 || n == -EAGAIN, "zero-length read: %zd", n);
	n = mio_pipe_receiver_read(rx, NULL, 0);
	ck_assert_msg(n == 0 || n == -EAGAIN, "zero-length pipe read: %zd", n);
	/* Data written after them arrives whole. */
	ck_assert_int_eq(mio_unix_stream_write(a, "z", 1), 1);
	char c = 0;
	for (int i = 0; i < 1000 && (n = mio_unix_stream_read(b, &c, 1)) == -EAGAIN; i++)
		usleep(1000);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(c, 'z');
	mio_unix_stream_free(a);
	mio_unix_stream_free(b);
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
}
END_TEST

/* An fd closed while registered is a bad fd from then on: -EBADF, not a
 * stale registration answering -EEXIST or success. */
START_TEST(test_badinput_registry_fd_closed_after_register)
{
	mio_poll *p;
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	int fd = mio_pipe_receiver_fd(rx);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), fd, 1, MIO_READABLE));
	mio_pipe_receiver_free(rx);
	ck_assert_errno(mio_registry_deregister(mio_poll_registry(p), fd), EBADF);
	ck_assert_errno(mio_registry_reregister(mio_poll_registry(p), fd, 1, MIO_READABLE), EBADF);
	mio_pipe_sender_free(tx);
	mio_poll_free(p);
}
END_TEST

MIO_SUITE(badinput)
{
	Suite *s = suite_create("badinput");
	TCase *tc = mio_tcase("table");
	tcase_add_loop_test(tc, test_badinput_table, 0, N_ROWS);
	suite_add_tcase(s, tc);
	tc = mio_tcase("not_errors");
	tcase_add_test(tc, test_badinput_free_null);
	tcase_add_test(tc, test_badinput_registry_free_owned);
	tcase_add_test(tc, test_badinput_events_get_past_len);
	tcase_add_test(tc, test_badinput_token_extremes);
	tcase_add_test(tc, test_badinput_timeout_huge);
	tcase_add_test(tc, test_badinput_zero_length_buffers);
	tcase_add_test(tc, test_badinput_registry_fd_closed_after_register);
	suite_add_tcase(s, tc);
	return s;
}
