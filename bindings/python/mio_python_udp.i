/*
 * mio_python_udp.i - the Python side of ../mio_udp.i: UDP batches as
 * lists of tuples, and the docstrings of UdpSocket's 1.2 methods (before
 * the declarations they describe, as in mio_python_docs.i).
 *
 * The re-entrancy rule of mio_python.i, for the one new argument that is
 * a container, send_msgs(items): the sequence is read once into a tuple
 * of our own (PySequence_Tuple: its __iter__/__len__ run first, and a
 * list it mutates afterwards is not ours); each item must be a tuple
 * (immutable, held by ours); an options dict is copied (PyDict_Copy) and
 * the copy read with PyDict_Next, keys compared as str without running
 * their __eq__; integers are read from int objects, never through
 * __index__; data is a Py_buffer view (its __buffer__ may run script
 * code, and the view pins the bytes), held until the call returns.  An
 * address with a host name releases the GIL in getaddrinfo: everything
 * read so far is in the records or held.  self is read after all of it
 * ("check"), so an item that closes the socket makes the call EBADF.
 * tests/test_udp_msgs.py has the hostile values.
 *
 * SPDX-License-Identifier: MIT
 */

%{
/* A receive's data area: malloc'd, freed by the freearg (which SWIG_fail
 * reaches too). */
static char *mio_b_udp_buf_new(mio_b_udp_batch *b, size_t n)
{
	(void)b;
	return malloc(n);
}
static void mio_b_udp_buf_free(mio_b_udp_batch *b)
{
	free(b->buf);
	b->buf = NULL;
}

/* An int (or int subclass, read without __index__) from 0 to max, into
 * *v; -1 with TypeError or OverflowError set, naming what it is. */
static int mio_b_py_udp_uint(PyObject *o, unsigned long max, unsigned long *v, const char *what, Py_ssize_t i)
{
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "send_msgs(): item %zd: %s must be an int, not %.100s", i, what,
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	unsigned long x = PyLong_AsUnsignedLong(o);
	if ((x == (unsigned long)-1 && PyErr_Occurred()) || x > max) {
		PyErr_Clear();
		PyErr_Format(PyExc_OverflowError, "send_msgs(): item %zd: %s must be 0 to %lu", i, what, max);
		return -1;
	}
	*v = x;
	return 0;
}

/* An address or None (0 bytes: the connected peer, or no source). */
static int mio_b_py_udp_addr(PyObject *o, struct sockaddr_storage *ss, socklen_t *len)
{
	if (o == Py_None) {
		*len = 0;
		return 0;
	}
	return mio_b_py_sockaddr(o, ss, len);
}

/* The options of a (data, addr, options) item, into m: a dict read from
 * a copy of our own; an unknown key is TypeError, as an unexpected
 * keyword argument is. */
static int mio_b_py_udp_options(PyObject *o, mio_udp_msg *m, Py_ssize_t i)
{
	if (!PyDict_Check(o)) {
		PyErr_Format(PyExc_TypeError, "send_msgs(): item %zd: options must be a dict, not %.100s", i,
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	PyObject *copy = PyDict_Copy(o);
	if (copy == NULL)
		return -1;
	PyObject *k, *v;
	Py_ssize_t pos = 0;
	unsigned long x;
	int rc = 0;
	while (rc == 0 && PyDict_Next(copy, &pos, &k, &v)) {
		if (!PyUnicode_Check(k)) {
			PyErr_Format(PyExc_TypeError, "send_msgs(): item %zd: option names are str", i);
			rc = -1;
		} else if (PyUnicode_CompareWithASCIIString(k, "ecn") == 0) {
			rc = mio_b_py_udp_uint(v, UINT8_MAX, &x, "ecn", i);
			m->ecn = (uint8_t)x;
		} else if (PyUnicode_CompareWithASCIIString(k, "segment_size") == 0) {
			rc = mio_b_py_udp_uint(v, UINT32_MAX, &x, "segment_size", i);
			m->segment_size = (uint32_t)x;
		} else if (PyUnicode_CompareWithASCIIString(k, "ifindex") == 0) {
			rc = mio_b_py_udp_uint(v, UINT32_MAX, &x, "ifindex", i);
			m->ifindex = (uint32_t)x;
		} else if (PyUnicode_CompareWithASCIIString(k, "local_addr") == 0) {
			rc = mio_b_py_udp_addr(v, &m->local, &m->local_len);
		} else {
			PyErr_Format(PyExc_TypeError,
				     "send_msgs(): item %zd: unknown option %R (ecn, local_addr, ifindex, segment_size)",
				     i, k);
			rc = -1;
		}
	}
	Py_DECREF(copy);
	return rc;
}

/* send_msgs' items into b's records; views[] holds each item's data,
 * *nviews how many (to release), *hold the items (to drop).  0, or -1
 * with an exception set. */
static int mio_b_py_udp_items(PyObject *seq, mio_b_udp_batch *b, Py_buffer *views, int *nviews, PyObject **hold)
{
	if (PyUnicode_Check(seq) || PyBytes_Check(seq) || PyByteArray_Check(seq)) {
		PyErr_Format(PyExc_TypeError, "send_msgs() takes a list of (data, address) tuples, not %.100s",
			     Py_TYPE(seq)->tp_name);
		return -1;
	}
	PyObject *items = PySequence_Tuple(seq);
	if (items == NULL)
		return -1;
	*hold = items;
	Py_ssize_t n = PyTuple_GET_SIZE(items);
	if (n < 1 || n > MIO_UDP_MSGS_MAX) {
		PyErr_Format(PyExc_ValueError, "send_msgs() takes 1 to %d items, not %zd", MIO_UDP_MSGS_MAX, n);
		return -1;
	}
	b->count = (size_t)n;
	/* A batch to one peer usually names it with one tuple object: an
	 * address is converted once per run of items that share it (a tuple
	 * and its items are immutable, and ours holds them). */
	PyObject *last_addr = NULL;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *it = PyTuple_GET_ITEM(items, i);
		Py_ssize_t k = PyTuple_Check(it) ? PyTuple_GET_SIZE(it) : -1;
		if (k != 2 && k != 3 && k != 7) {
			PyErr_Format(PyExc_TypeError,
				     "send_msgs(): item %zd must be a tuple (data, address), (data, address, options) "
				     "or a record of recv_msgs_info(), not %.100s", i, Py_TYPE(it)->tp_name);
			return -1;
		}
		mio_udp_msg *m = &b->msgs[i];
		if (PyObject_GetBuffer(PyTuple_GET_ITEM(it, 0), &views[i], PyBUF_SIMPLE) < 0)
			return -1;
		*nviews = (int)i + 1;
		mio_b_udp_tx_init(m, views[i].buf, (size_t)views[i].len);
		PyObject *addr = PyTuple_GET_ITEM(it, 1);
		if (addr == last_addr && addr != Py_None) {
			memcpy(&m->addr, &b->msgs[i - 1].addr, b->msgs[i - 1].addr_len);
			m->addr_len = b->msgs[i - 1].addr_len;
		} else if (mio_b_py_udp_addr(addr, &m->addr, &m->addr_len) < 0) {
			return -1;
		}
		last_addr = PyTuple_Check(addr) ? addr : NULL;
		if (k == 3 && mio_b_py_udp_options(PyTuple_GET_ITEM(it, 2), m, i) < 0)
			return -1;
		if (k == 7) {
			/* (data, addr, local_addr, ifindex, ecn, segment_size, flags):
			 * flags is the receive's, not read (as in C). */
			unsigned long x;
			if (mio_b_py_udp_addr(PyTuple_GET_ITEM(it, 2), &m->local, &m->local_len) < 0 ||
			    mio_b_py_udp_uint(PyTuple_GET_ITEM(it, 3), UINT32_MAX, &x, "ifindex", i) < 0)
				return -1;
			m->ifindex = (uint32_t)x;
			if (mio_b_py_udp_uint(PyTuple_GET_ITEM(it, 4), UINT8_MAX, &x, "ecn", i) < 0)
				return -1;
			m->ecn = (uint8_t)x;
			if (mio_b_py_udp_uint(PyTuple_GET_ITEM(it, 5), UINT32_MAX, &x, "segment_size", i) < 0)
				return -1;
			m->segment_size = (uint32_t)x;
		}
	}
	return 0;
}

/* The address value of a record's peer: the previous record's object
 * again when it is the same peer (*last, *last_m), else a new one. */
static PyObject *mio_b_py_udp_peer(const mio_udp_msg *m, const mio_udp_msg **last_m, PyObject **last)
{
	if (*last == NULL || !mio_b_udp_same_peer(*last_m, m)) {
		mio_b_addr a;
		mio_b_udp_addr(&a, &m->addr, m->addr_len);
		PyObject *o = mio_b_py_addr(&a);
		if (o == NULL)
			return NULL;
		Py_XDECREF(*last);
		*last = o;
		*last_m = m;
	}
	Py_INCREF(*last);
	return *last;
}

/* recv_msgs' list: one (bytes, address) per datagram, runs split.  The
 * data area and the records are this call's (mio_udp.i), so nothing
 * built here can be overwritten by a finalizer. */
static PyObject *mio_b_py_udp_datagrams(const mio_b_udp_batch *b, int n)
{
	size_t total = 0;
	for (int i = 0; i < n; i++)
		total += mio_b_udp_nseg(&b->msgs[i]);
	PyObject *list = PyList_New((Py_ssize_t)total);
	PyObject *last = NULL;
	const mio_udp_msg *last_m = NULL;
	Py_ssize_t j = 0;
	if (list == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		const mio_udp_msg *m = &b->msgs[i];
		const char *p = m->buf;
		size_t segs = mio_b_udp_nseg(m);
		for (size_t k = 0; k < segs; k++) {
			size_t len = mio_b_udp_seglen(m, k);
			PyObject *data = PyBytes_FromStringAndSize(p, (Py_ssize_t)len);
			PyObject *item = mio_b_py_pair(data, data != NULL ? mio_b_py_udp_peer(m, &last_m, &last) : NULL);
			if (item == NULL) {
				Py_XDECREF(last);
				Py_DECREF(list);
				return NULL;
			}
			PyList_SET_ITEM(list, j++, item);
			p += len;
		}
	}
	Py_XDECREF(last);
	return list;
}

/* recv_msgs_info's list: one record per item, as a 7-tuple. */
static PyObject *mio_b_py_udp_records(const mio_b_udp_batch *b, int n)
{
	PyObject *list = PyList_New(n);
	PyObject *last = NULL;
	const mio_udp_msg *last_m = NULL;
	if (list == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		const mio_udp_msg *m = &b->msgs[i];
		PyObject *t = PyTuple_New(7);
		if (t == NULL)
			goto fail;
		PyList_SET_ITEM(list, i, t);
		PyObject *local;
		if (m->local_len == 0) {
			local = Py_None;
			Py_INCREF(local);
		} else {
			mio_b_addr a;
			mio_b_udp_addr(&a, &m->local, m->local_len);
			local = mio_b_py_addr(&a);
		}
		PyObject *v[7] = {
			PyBytes_FromStringAndSize(m->buf, (Py_ssize_t)m->len),
			mio_b_py_udp_peer(m, &last_m, &last),
			local,
			PyLong_FromUnsignedLong(m->ifindex),
			PyLong_FromLong(m->ecn),
			PyLong_FromUnsignedLong(m->segment_size),
			PyLong_FromUnsignedLong(m->flags),
		};
		int bad = 0;
		for (int k = 0; k < 7; k++) {
			if (v[k] == NULL)
				bad = 1;
			PyTuple_SET_ITEM(t, k, v[k]);  /* a NULL slot is fine for the dealloc */
		}
		if (bad)
			goto fail;
	}
	Py_XDECREF(last);
	return list;
fail:
	Py_XDECREF(last);
	Py_DECREF(list);
	return NULL;
}
%}

/* count: 1 to UDP_MSGS_MAX; size: 0 to 65535 (no datagram, no coalesced
 * run is longer).  Ints only, not through __index__. */
%typemap(in) mio_b_udp_count, mio_b_udp_size {
	if (!PyLong_Check($input)) {
		PyErr_Format(PyExc_TypeError, "count and size must be int, not %.100s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	long v_ = PyLong_AsLong($input);
	if (v_ == -1 && PyErr_Occurred()) {
		PyErr_Clear();  /* beyond a long: out of range, below */
		v_ = LONG_MAX;
	}
	$1 = v_ < 0 ? (size_t)-1 : (size_t)v_;
}
%typemap(check) mio_b_udp_count {
	if ($1 < 1 || $1 > MIO_UDP_MSGS_MAX)
		SWIG_exception_fail(SWIG_ValueError, "count must be 1 to UDP_MSGS_MAX (64)");
}
%typemap(check) mio_b_udp_size {
	if ($1 > 65535)
		SWIG_exception_fail(SWIG_ValueError, "size must be 0 to 65535");
}

%typemap(in, numinputs=0) mio_b_udp_batch *RXBATCH (mio_b_udp_batch batch),
			  mio_b_udp_batch *RXINFO (mio_b_udp_batch batch) {
	batch.buf = NULL;
	batch.count = 0;
	$1 = &batch;
}
%typemap(freearg) mio_b_udp_batch *RXBATCH, mio_b_udp_batch *RXINFO "mio_b_udp_buf_free(&batch$argnum);"
%typemap(out) mio_b_udp_nrecv "(void)$1;"
%typemap(argout) mio_b_udp_batch *RXBATCH {
	$result = mio_b_py_udp_datagrams($1, result);
	if ($result == NULL)
		SWIG_fail;
}
%typemap(argout) mio_b_udp_batch *RXINFO {
	$result = mio_b_py_udp_records($1, result);
	if ($result == NULL)
		SWIG_fail;
}

%typemap(in) mio_b_udp_batch *TXBATCH (mio_b_udp_batch batch, Py_buffer views[MIO_UDP_MSGS_MAX], int nviews = 0,
				       PyObject *hold = NULL) {
	if (mio_b_py_udp_items($input, &batch, views, &nviews, &hold) < 0)
		SWIG_fail;
	$1 = &batch;
}
%typemap(freearg) mio_b_udp_batch *TXBATCH {
	for (int i_ = 0; i_ < nviews$argnum; i_++)
		PyBuffer_Release(&views$argnum[i_]);
	Py_XDECREF(hold$argnum);
}

/* Keywords for the optional arguments: recv_msgs(size=2048). */
%feature("kwargs") mio_b_udp_socket::recv_msgs;
%feature("kwargs") mio_b_udp_socket::recv_msgs_info;

/* ---- docstrings ----------------------------------------------------- */

%feature("docstring") mio_b_udp_socket::new_v4 "new_v4() -> UdpSocket

An unbound IPv4 UDP socket, to set options on that must precede bind
(reuseaddr, reuseport, buffer sizes) and then bind_to(addr). It can send
unbound (the kernel then binds it to an ephemeral port).";
%feature("docstring") mio_b_udp_socket::new_v6 "new_v6() -> UdpSocket

An unbound IPv6 UDP socket (set_only_v6 before bind_to); see new_v4.";
%feature("docstring") mio_b_udp_socket::bind_to "bind_to(addr: tuple[str, int] | tuple[str, int, int, int]) -> None

Bind this socket, made by new_v4/new_v6, to addr. OSError EADDRINUSE,
EINVAL if it is bound already.";
%feature("docstring") mio_b_udp_socket::set_reuseaddr "set_reuseaddr(on: bool) -> None

Set SO_REUSEADDR (before bind_to).";
%feature("docstring") mio_b_udp_socket::reuseaddr "reuseaddr() -> bool

The value of SO_REUSEADDR.";
%feature("docstring") mio_b_udp_socket::set_reuseport "set_reuseport(on: bool) -> None

Set SO_REUSEPORT (before bind_to): sockets bound to one port share its
datagrams, one Poll per core.";
%feature("docstring") mio_b_udp_socket::reuseport "reuseport() -> bool

The value of SO_REUSEPORT.";
%feature("docstring") mio_b_udp_socket::set_recv_buffer_size "set_recv_buffer_size(size: int) -> None

Set SO_RCVBUF (the kernel doubles it and caps it).";
%feature("docstring") mio_b_udp_socket::recv_buffer_size "recv_buffer_size() -> int

The value of SO_RCVBUF.";
%feature("docstring") mio_b_udp_socket::set_send_buffer_size "set_send_buffer_size(size: int) -> None

Set SO_SNDBUF (the kernel doubles it and caps it).";
%feature("docstring") mio_b_udp_socket::send_buffer_size "send_buffer_size() -> int

The value of SO_SNDBUF.";
%feature("docstring") mio_b_udp_socket::set_only_v6 "set_only_v6(on: bool) -> None

Set IPV6_V6ONLY on an IPv6 socket, before bind_to.";
%feature("docstring") mio_b_udp_socket::set_gro "set_gro(on: bool) -> None

Receive runs of datagrams from one sender coalesced (UDP_GRO), for
recv_msgs (which splits them) and recv_msgs_info (which gives each run
whole with its segment_size). Where the kernel has no UDP_GRO it
succeeds and changes nothing. Not for sockets read with recv/recv_from,
which would return a run as one buffer.";
%feature("docstring") mio_b_udp_socket::gro_segments "gro_segments() -> int

UDP_MAX_SEGMENTS when the kernel coalesces received runs for this
socket (set_gro), 1 otherwise.";
%feature("docstring") mio_b_udp_socket::gso_segments "gso_segments() -> int

How many datagrams of one segmented item the kernel sends in one piece
(UDP_SEGMENT): UDP_MAX_SEGMENTS, or 1 where each is sent on its own
(send_msgs then loops; nothing to branch on).";
%feature("docstring") mio_b_udp_socket::set_recv_ecn "set_recv_ecn(on: bool) -> None

Report each received datagram's ECN codepoint (IP_RECVTOS,
IPV6_RECVTCLASS) in recv_msgs_info.";
%feature("docstring") mio_b_udp_socket::recv_ecn "recv_ecn() -> bool

Whether ECN codepoints are reported.";
%feature("docstring") mio_b_udp_socket::set_recv_pktinfo "set_recv_pktinfo(on: bool) -> None

Report each received datagram's local address and interface
(IP_PKTINFO, IPV6_RECVPKTINFO) in recv_msgs_info: the address a socket
bound to a wildcard address was reached at.";
%feature("docstring") mio_b_udp_socket::recv_pktinfo "recv_pktinfo() -> bool

Whether local addresses are reported.";
%feature("docstring") mio_b_udp_socket::recv_msgs "recv_msgs(count: int = 32, size: int = 65535) -> list[tuple[bytes, tuple[str, int] | tuple[str, int, int, int]]]

Receive up to count datagrams (1 to UDP_MSGS_MAX) in one system call
(recvmmsg), each truncated to size bytes (0 to 65535; a coalesced run
too, see set_gro): a list of (data, sender address), one per datagram,
a coalesced run split into its datagrams. Fewer than count: the queue
was empty (or the next datagram has an error, raised by the next call).
BlockingIOError when none is queued; ValueError for a count or size out
of range.";
%feature("docstring") mio_b_udp_socket::recv_msgs_info "recv_msgs_info(count: int = 32, size: int = 65535) -> list[tuple[bytes, tuple[str, int] | tuple[str, int, int, int], tuple[str, int] | tuple[str, int, int, int] | None, int, int, int, int]]

As recv_msgs, one tuple per record: (data, sender address, local
address or None, ifindex, ecn, segment_size, flags). local address
(port 0) and ifindex are where it arrived, with set_recv_pktinfo; ecn
its ECN_* codepoint, with set_recv_ecn; a coalesced run (set_gro) is
one record of datagrams of segment_size bytes (the last may be shorter),
else segment_size is the length; flags has UDP_MSG_TRUNC when the
datagram was longer than size. send_msgs takes these tuples back.";
%feature("docstring") mio_b_udp_socket::send_msgs "send_msgs(items: Sequence[tuple]) -> int

Send 1 to UDP_MSGS_MAX items in one system call (sendmmsg); returns how
many were sent whole, in order. An item is (data, address) (address
None: the connected peer), (data, address, options) with options a dict
of ecn (an ECN_* codepoint), local_addr (the source address, port 0),
ifindex, segment_size (data is a run of datagrams of that size, sent as
one with UDP_SEGMENT where the kernel segments, else one by one), or a
tuple of recv_msgs_info. Fewer than asked: the next item cannot go now,
sending it again raises its error (BlockingIOError: wait for WRITABLE).
Every item is checked first: a bad one raises with nothing sent.
Where a run is sent one by one and the socket fills, its first
datagrams went: sending the item again repeats them.";
