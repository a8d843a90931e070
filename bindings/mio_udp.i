/*
 * mio_udp.i - UdpSocket's libmio 1.2 methods (issue 21): the builder
 * (new_v4/new_v6, the options that precede bind, bind_to), batches
 * (recv_msgs, recv_msgs_info, send_msgs), segmentation offload, ECN and
 * packet info; mio_udp_msg(3) and mio_udp_socket(3) are the C side.
 * %include'd by mio.i after its UDP section.  The typemaps that turn a
 * batch into the language's values, and Python's docstrings, are in
 * python/mio_python_udp.i and lua/mio_lua_udp.i (included at the end of
 * mio_python.i and mio_lua.i); this file keeps the records and the C
 * calls.
 *
 * A batch lives in the wrapper's own frame: mio_b_udp_batch holds the
 * MIO_UDP_MSGS_MAX records (about 19 KiB), so nothing is allocated per
 * datagram, and a receive's data area (count x size bytes, at most
 * 64 x 65535) is one allocation per call, freed on every way out (Lua:
 * owned by a userdata, so that a memory error while the results are
 * built frees it too).  Both belong to the call, not to the thread (unlike the
 * scratch buffer of mio_binding.h): a finalizer that runs while the
 * results are built and receives on another socket uses its own, so the
 * results can be built in any order.  Every receive sets buf and capacity
 * again (a send of records can cut them from the front: mio_udp_msg(3)).
 *
 * The script's shapes (the same in both languages, tuples in Python,
 * tables in Lua):
 *   recv_msgs(count=32, size=65535)
 *       -> [(data, addr), ...], one item per datagram: a coalesced run
 *          (GRO) is split at its segment size, as if it came alone;
 *   recv_msgs_info(count=32, size=65535)
 *       -> [(data, addr, local_addr, ifindex, ecn, segment_size, flags), ...]
 *          one item per record, a run whole (Lua: {data, addr,
 *          local_addr=, ifindex=, ecn=, segment_size=, flags=});
 *   send_msgs(items) -> how many items were sent whole; an item is
 *          (data, addr), (data, addr, {options}) or a record of
 *          recv_msgs_info (Lua: {data, addr, option=value, ...}), so a
 *          batch received can be sent back as it is.
 * count is 1 to UDP_MSGS_MAX, size 0 to 65535 (no datagram, no coalesced
 * run is longer); outside, or a malformed item, is ValueError/TypeError/
 * OverflowError (Python) or an argument error (Lua), as for every
 * argument the binding cannot convert; what libmio refuses (an ecn above
 * 3, a segment_size longer than the data) is its -EINVAL.
 *
 * SPDX-License-Identifier: MIT
 */

/* Sections: the methods' bodies (the %extend blocks below) are emitted
 * where mio.i declares the class, and the typemaps of the language files
 * (included by mio_python.i and mio_lua.i, since a typemap or docstring
 * applies to the declarations after it) come before that too: so this
 * C code is in the runtime section, which precedes them all. */
%runtime %{
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mio_binding.h"

/* The records of one batch call, in the wrapper's frame. */
typedef struct mio_b_udp_batch {
	char       *buf;     /* receive: count * size bytes (mio_b_udp_buf_new) */
	size_t      count;
	size_t      size;
	void       *lang;    /* the language's (Lua: the lua_State) */
	void       *owner;   /* the language's (Lua: what frees buf on an unwind) */
	mio_udp_msg msgs[MIO_UDP_MSGS_MAX];
} mio_b_udp_batch;

/* What recv_msgs returns to the typemaps: the number of records filled
 * (the records themselves are in the batch argument). */
typedef int mio_b_udp_nrecv;
/* Its arguments, types of their own for their typemaps (and so that
 * Python's keywords are count= and size=). */
typedef size_t mio_b_udp_count;
typedef size_t mio_b_udp_size;

/* The data area of a receive, per language (python/mio_python_udp.i,
 * lua/mio_lua_udp.i): n > 0 bytes, or NULL; and its release, which may
 * be called again (buf is NULL afterwards). */
static char *mio_b_udp_buf_new(mio_b_udp_batch *b, size_t n);
static void mio_b_udp_buf_free(mio_b_udp_batch *b);

/* Allocates the data area of a receive of count records of size bytes
 * (count and size checked by the typemaps).  0, or -ENOMEM. */
static int mio_b_udp_rx_alloc(mio_b_udp_batch *b, size_t count, size_t size)
{
	b->count = count;
	b->size = size;
	b->buf = NULL;
	if (count * size == 0)
		return 0;
	b->buf = mio_b_udp_buf_new(b, count * size);
	return b->buf != NULL ? 0 : -ENOMEM;
}

/* One receive on o of count records of size bytes into b, buf and
 * capacity set for every record; on failure nothing is left to free
 * (Lua's error return skips freearg).  The handle is read after the
 * allocation, which may run script code (Lua's collector, and so a
 * finalizer that closes o): a closed socket is EBADF, never a freed
 * handle.  The count filled, or -errno. */
static int mio_b_udp_recv(mio_b_udp_socket *o, mio_b_udp_batch *b, size_t count, size_t size)
{
	int rc = mio_b_udp_rx_alloc(b, count, size);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < count; i++) {
		b->msgs[i].buf = b->buf != NULL ? b->buf + i * size : NULL;
		b->msgs[i].capacity = size;
	}
	rc = o->h != NULL ? mio_udp_socket_recv_msgs(o->h, b->msgs, count) : -EBADF;
	if (rc < 0)
		mio_b_udp_buf_free(b);
	return rc;
}

static int mio_b_udp_send(mio_udp_socket *h, mio_b_udp_batch *b)
{
	return mio_udp_socket_send_msgs(h, b->msgs, b->count);
}

/* How many datagrams record m holds: a coalesced run (segment_size below
 * len) is cut every segment_size bytes, the last one maybe shorter;
 * anything else, an empty datagram too, is one. */
static size_t mio_b_udp_nseg(const mio_udp_msg *m)
{
	if (m->segment_size == 0 || m->segment_size >= m->len)
		return 1;
	return (m->len + m->segment_size - 1) / m->segment_size;
}

/* The length of datagram k of record m (mio_b_udp_nseg). */
static size_t mio_b_udp_seglen(const mio_udp_msg *m, size_t k)
{
	if (m->segment_size == 0 || m->segment_size >= m->len)
		return m->len;
	size_t off = k * m->segment_size;
	return m->len - off < m->segment_size ? m->len - off : m->segment_size;
}

/* Whether records a and b came from the same peer (the typemaps reuse
 * one address value for both). */
static int mio_b_udp_same_peer(const mio_udp_msg *a, const mio_udp_msg *b)
{
	return a->addr_len == b->addr_len && memcmp(&a->addr, &b->addr, a->addr_len) == 0;
}

/* A record's peer or local address as the binding's address type. */
static void mio_b_udp_addr(mio_b_addr *a, const struct sockaddr_storage *ss, socklen_t len)
{
	if (len > sizeof(a->ss))
		len = sizeof(a->ss);
	memset(&a->ss, 0, sizeof(a->ss));
	memcpy(&a->ss, ss, len);
	a->len = len;
}

/* A send record with nothing but its data (the conversions then fill
 * addresses and options). */
static void mio_b_udp_tx_init(mio_udp_msg *m, const void *data, size_t len)
{
	m->buf = (void *)data;
	m->len = len;
	m->capacity = len;
	m->addr_len = 0;
	m->local_len = 0;
	m->ifindex = 0;
	m->segment_size = 0;
	m->flags = 0;
	m->ecn = 0;
}
%}

/* ---- constants ------------------------------------------------------ */

%constant unsigned int ECN_NOT_ECT = MIO_ECN_NOT_ECT;
%constant unsigned int ECN_ECT1 = MIO_ECN_ECT1;
%constant unsigned int ECN_ECT0 = MIO_ECN_ECT0;
%constant unsigned int ECN_CE = MIO_ECN_CE;
%constant unsigned int UDP_MSG_TRUNC = MIO_UDP_MSG_TRUNC;
%constant int UDP_MSGS_MAX = MIO_UDP_MSGS_MAX;
%constant int UDP_MAX_SEGMENTS = MIO_UDP_MAX_SEGMENTS;

/* ---- the builder and the options (mio_udp_socket(3)) ---------------- */

%newobject mio_b_udp_socket::new_v4;
%newobject mio_b_udp_socket::new_v6;

/* The getters keep the UdpSocket style (ttl/set_ttl): the C names. */
MIO_B_BOOL_OPT(udp_socket, reuseaddr)
MIO_B_BOOL_OPT(udp_socket, reuseport)
MIO_B_U32_OPT(udp_socket, recv_buffer_size)
MIO_B_U32_OPT(udp_socket, send_buffer_size)
MIO_B_BOOL_OPT(udp_socket, recv_ecn)
MIO_B_BOOL_OPT(udp_socket, recv_pktinfo)

%define MIO_B_UDP_SEGMENTS(name)
%extend mio_b_udp_socket {
	uint32_t name()
	{
		MIO_B_H($self, 0);
		uint32_t v = 0;
		mio_b_set(mio_udp_socket_##name($self->h, &v));
		return v;
	}
}
%enddef
MIO_B_UDP_SEGMENTS(gso_segments)
MIO_B_UDP_SEGMENTS(gro_segments)

%extend mio_b_udp_socket {
	static mio_b_udp_socket *new_v4()
	{
		mio_udp_socket *h = NULL;
		int rc = mio_udp_socket_new_v4(&h);
		return mio_bind_udp_socket_wrap(rc, h);
	}
	static mio_b_udp_socket *new_v6()
	{
		mio_udp_socket *h = NULL;
		int rc = mio_udp_socket_new_v6(&h);
		return mio_bind_udp_socket_wrap(rc, h);
	}
	/* Binds this socket in place (bind() makes a new one). */
	mio_b_ok bind_to(const struct sockaddr *ADDR, socklen_t ADDRLEN)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_udp_socket_bind_to($self->h, ADDR, ADDRLEN));
	}
	/* only_v6() is 1.0's getter. */
	mio_b_ok set_only_v6(bool on)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_udp_socket_set_only_v6($self->h, on));
	}
	/* No getter in C: gro_segments() says what the kernel does. */
	mio_b_ok set_gro(bool on)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_udp_socket_set_gro($self->h, on));
	}
}

/* ---- batches (mio_udp_msg(3)) --------------------------------------- */

/* RXBATCH/RXINFO: no script argument; the batch in the wrapper's frame,
 * its data area allocated here once count and size are known, freed by
 * freearg; the argout makes the result from it.
 * TXBATCH: the items, converted into the batch's records. */
%extend mio_b_udp_socket {
	mio_b_udp_nrecv recv_msgs(mio_b_udp_batch *RXBATCH, mio_b_udp_count count = 32, mio_b_udp_size size = 65535)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_b_udp_recv($self, RXBATCH, count, size));
	}
	mio_b_udp_nrecv recv_msgs_info(mio_b_udp_batch *RXINFO, mio_b_udp_count count = 32, mio_b_udp_size size = 65535)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_b_udp_recv($self, RXINFO, count, size));
	}
	int send_msgs(mio_b_udp_batch *TXBATCH)
	{
		MIO_B_H($self, -1);
		return (int)mio_b_set(mio_b_udp_send($self->h, TXBATCH));
	}
}
