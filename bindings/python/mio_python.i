/*
 * mio_python.i - Python 3 conversions for bindings/mio.i.
 *
 * Addresses are what the socket module uses: ("127.0.0.1", 8080),
 * ("::1", 80, flowinfo, scope_id), and path strings for Unix sockets
 * (bytes for abstract names, '' for an unnamed socket).  Data in is any
 * bytes-like object (buffer protocol, no copy); data out is bytes.
 *
 * SPDX-License-Identifier: MIT
 */

%{
#include <netdb.h>

/* PyErr_SetFromErrno picks the OSError subclass (BlockingIOError, ...);
 * MIO_B_PENDING: an exception is already set (a signal handler's). */
#define MIO_B_RAISE(e)                                 \
	do {                                           \
		if ((e) != MIO_B_PENDING) {            \
			errno = (e);                   \
			PyErr_SetFromErrno(PyExc_OSError); \
		}                                      \
		SWIG_fail;                             \
	} while (0)

/* poll() lets other threads run (one of them may hold the Waker). */
#define MIO_B_BLOCKING_BEGIN Py_BEGIN_ALLOW_THREADS
#define MIO_B_BLOCKING_END   Py_END_ALLOW_THREADS

/* PEP 475: a wait interrupted by a signal runs the Python handlers now
 * (so Ctrl-C's KeyboardInterrupt is raised at once) and, if they all
 * returned, is retried for the time left; if one raised, poll() raises
 * that exception. */
static int mio_b_py_eintr_retry(void)
{
	if (PyErr_CheckSignals() == 0)
		return 1;
	mio_b_err = MIO_B_PENDING;
	return 0;
}
#define MIO_B_EINTR_RETRY mio_b_py_eintr_retry()

/* Python ignores SIGPIPE at startup: a pipe write is a plain write. */
#define MIO_B_PIPE_WRITE(rc, call) ((rc) = (call))

/* SWIG 4.1's varlink type (the module's cvar object, made even when there
 * are no global variables) frees its contents but never the object: a
 * definite leak at interpreter exit under valgrind.  Its dealloc, whole. */
static void mio_b_py_varlink_dealloc(PyObject *o)
{
	swig_varlink_dealloc(o);
	PyObject_Free(o);
}

/* ("host", port) or ("host", port, flowinfo, scope_id) to a sockaddr.
 * Numeric hosts are parsed directly; names go through getaddrinfo.
 * Returns 0, or -1 with a Python exception set. */
static int mio_b_py_sockaddr(PyObject *o, struct sockaddr_storage *ss, socklen_t *len)
{
	if (!PyTuple_Check(o) || (PyTuple_GET_SIZE(o) != 2 && PyTuple_GET_SIZE(o) != 4)) {
		PyErr_Format(PyExc_TypeError,
			     "address must be a (host, port) or (host, port, flowinfo, scope_id) tuple, not %.100s",
			     Py_TYPE(o)->tp_name);
		return -1;
	}
	int v6only = PyTuple_GET_SIZE(o) == 4;
	Py_ssize_t hostlen = 0;
	const char *host = PyUnicode_Check(PyTuple_GET_ITEM(o, 0))
				   ? PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(o, 0), &hostlen) : NULL;
	if (host == NULL) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "address host must be a str");
		return -1;
	}
	/* C would stop at the NUL: "127.0.0.1\0junk" is not 127.0.0.1
	 * (CPython's socket module raises the same). */
	if (strlen(host) != (size_t)hostlen) {
		PyErr_SetString(PyExc_ValueError, "embedded null character in host");
		return -1;
	}
	unsigned long port = 0, flow = 0, scope = 0;
	if (!PyLong_Check(PyTuple_GET_ITEM(o, 1))) {
		PyErr_SetString(PyExc_TypeError, "address port must be an int");
		return -1;
	}
	port = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(o, 1));
	if (PyErr_Occurred() || port > 65535) {
		PyErr_Clear();
		PyErr_SetString(PyExc_OverflowError, "port must be 0-65535");
		return -1;
	}
	if (v6only) {
		flow = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(o, 2));
		if (!PyErr_Occurred())
			scope = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(o, 3));
		if (PyErr_Occurred())
			return -1;
	}

	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (*host == '\0') {
		if (v6only) {
			in6->sin6_family = AF_INET6;
			in6->sin6_addr = in6addr_any;
		} else {
			in4->sin_family = AF_INET;
			in4->sin_addr.s_addr = htonl(INADDR_ANY);
		}
	} else if (!v6only && inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
	} else {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = v6only ? AF_INET6 : AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		int rc;
		Py_BEGIN_ALLOW_THREADS
		rc = getaddrinfo(host, NULL, &hints, &res);
		Py_END_ALLOW_THREADS
		if (rc != 0 || res == NULL || res->ai_addrlen > sizeof(*ss)) {
			PyErr_Format(PyExc_OSError, "cannot resolve %.200s: %s", host, gai_strerror(rc));
			if (res != NULL)
				freeaddrinfo(res);
			return -1;
		}
		memcpy(ss, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	if (ss->ss_family == AF_INET) {
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof(*in4);
	} else {
		in6->sin6_port = htons((uint16_t)port);
		if (v6only) {
			in6->sin6_flowinfo = htonl((uint32_t)flow);
			in6->sin6_scope_id = (uint32_t)scope;
		}
		*len = sizeof(*in6);
	}
	return 0;
}

/* A str, bytes or os.PathLike path to a sockaddr_un.  A leading NUL makes
 * an abstract name, whose length is exact; a path gets its terminator. */
static int mio_b_py_sockaddr_un(PyObject *o, struct sockaddr_un *un, socklen_t *len)
{
	PyObject *b = NULL;
	PyObject *p = PyOS_FSPath(o);
	if (p == NULL)
		return -1;
	if (PyUnicode_Check(p))
		b = PyUnicode_EncodeFSDefault(p);
	else
		b = p, Py_INCREF(b);
	Py_DECREF(p);
	if (b == NULL)
		return -1;
	char *s;
	Py_ssize_t n;
	if (PyBytes_AsStringAndSize(b, &s, &n) < 0) {
		Py_DECREF(b);
		return -1;
	}
	if (n > 0 && s[0] != '\0' && memchr(s, 0, (size_t)n) != NULL) {
		Py_DECREF(b);
		PyErr_SetString(PyExc_ValueError, "embedded null byte in path");
		return -1;
	}
	int rc = mio_b_unaddr(s, (size_t)n, un, len);
	Py_DECREF(b);
	if (rc < 0) {
		errno = -rc;
		PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, o);
		return -1;
	}
	return 0;
}

/* The struct behind o is gone (its destructor ran or is deferred):
 * forget the pointer, so methods see NULL (EBADF) and the collector does
 * not free it again. */
static void mio_b_py_forget(PyObject *o)
{
	SwigPyObject *sobj = SWIG_Python_GetSwigThis(o);
	if (sobj != NULL) {
		sobj->ptr = NULL;
		sobj->own = 0;
	}
}

/* Method calls in progress (under the GIL; a poll() blocked in another
 * thread counts).  Converting a method's arguments can run Python code
 * after self (and other objects) have been converted to C pointers: a
 * fileno(), __float__, __fspath__ or __iter__ method, or another thread
 * while getaddrinfo drops the GIL.  If that code destroys one of those
 * objects by hand (obj.__swig_destroy__(obj)), freeing it at once would
 * leave the method with a dangling pointer; so while any call is in
 * progress such a destruction only forgets the pointer and queues the
 * struct, freed when the last call returns.  The collector never needs
 * this: the caller holds its arguments. */
static int mio_b_py_depth;

typedef struct mio_b_py_deferred {
	void           *ptr;
	swig_type_info *ty;
} mio_b_py_deferred;

static mio_b_py_deferred *mio_b_py_queue;
static size_t mio_b_py_queued, mio_b_py_queue_cap;

/* Returns 0, or -1 (no memory: the caller frees at once instead). */
static int mio_b_py_defer(void *ptr, swig_type_info *ty)
{
	if (mio_b_py_queued == mio_b_py_queue_cap) {
		size_t cap = mio_b_py_queue_cap ? 2 * mio_b_py_queue_cap : 16;
		mio_b_py_deferred *q = realloc(mio_b_py_queue, cap * sizeof(*q));
		if (q == NULL)
			return -1;
		mio_b_py_queue = q;
		mio_b_py_queue_cap = cap;
	}
	mio_b_py_queue[mio_b_py_queued].ptr = ptr;
	mio_b_py_queue[mio_b_py_queued].ty = ty;
	mio_b_py_queued++;
	return 0;
}

/* The last call returned: run the queued destructors, each through a
 * temporary owning object whose deallocation calls it. */
static void mio_b_py_call_done(void)
{
	if (--mio_b_py_depth > 0 || mio_b_py_queued == 0)
		return;
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	mio_b_py_depth++;  /* destructors run no method of ours; be safe */
	while (mio_b_py_queued > 0) {
		mio_b_py_deferred d = mio_b_py_queue[--mio_b_py_queued];
		PyObject *o = SWIG_InternalNewPointerObj(d.ptr, d.ty, SWIG_POINTER_OWN);
		Py_XDECREF(o);
	}
	mio_b_py_depth--;
	PyErr_Clear();
	PyErr_Restore(type, value, tb);
}

static PyObject *mio_b_py_addr(const mio_b_addr *a)
{
	char host[INET6_ADDRSTRLEN];
	switch (a->ss.ss_family) {
	case AF_INET: {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)&a->ss;
		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		return Py_BuildValue("(si)", host, (int)ntohs(in4->sin_port));
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		return Py_BuildValue("(siII)", host, (int)ntohs(in6->sin6_port),
				     (unsigned)ntohl(in6->sin6_flowinfo), (unsigned)in6->sin6_scope_id);
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&a->ss;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t n = a->len > off ? a->len - off : 0;
		if (n > sizeof(un->sun_path))
			n = sizeof(un->sun_path);
		if (n > 0 && un->sun_path[0] == '\0')
			return PyBytes_FromStringAndSize(un->sun_path, (Py_ssize_t)n);
		return PyUnicode_DecodeFSDefaultAndSize(un->sun_path,
							(Py_ssize_t)strnlen(un->sun_path, n));
	}
	default:
		Py_RETURN_NONE;
	}
}

/* Runs no Python code (bytes are not tracked by the cyclic GC), so it is
 * safe right after a read into the scratch buffer. */
static PyObject *mio_b_py_bytes(mio_b_bytes *b)
{
	PyObject *o = PyBytes_FromStringAndSize(b->p, (Py_ssize_t)b->n);
	mio_b_bytes_free(b);
	return o;
}

/* The destructor of a struct the binding made, called directly: no
 * Python object is needed, so it works when none could be allocated. */
static void mio_b_py_destroy(void *ptr, swig_type_info *ty)
{
#define MIO_B_PY_DESTROY(T)                                 \
	if (ty == SWIGTYPE_p_mio_b_##T) {                   \
		mio_bind_##T##_delete((mio_b_##T *)ptr);    \
		return;                                     \
	}
	MIO_B_HANDLE_TYPES(MIO_B_PY_DESTROY)
	MIO_B_PY_DESTROY(poll)
	MIO_B_PY_DESTROY(registry)
	MIO_B_PY_DESTROY(events)
	MIO_B_PY_DESTROY(event)
	MIO_B_PY_DESTROY(waker)
#undef MIO_B_PY_DESTROY
}

/* SWIG_NewPointerObj, except on failure: SWIG's returns None with the
 * MemoryError set (Python then raises SystemError, "a result with an
 * exception set") and drops an owned struct, socket and all.  This one
 * returns NULL and destroys what the object would have owned. */
static PyObject *mio_b_py_newobj_(PyObject *self, void *ptr, swig_type_info *ty, int flags)
{
	PyObject *o = SWIG_NewPointerObj(ptr, ty, flags);
	if (ptr == NULL || (o != Py_None && o != NULL))
		return o;
	Py_XDECREF(o);
	if (flags & SWIG_POINTER_OWN)
		mio_b_py_destroy(ptr, ty);
	if (!PyErr_Occurred())
		PyErr_NoMemory();
	return NULL;
}
/* Every wrapper has a `self` (the object for -builtin constructors). */
#define mio_b_py_newobj(ptr, ty, flags) mio_b_py_newobj_(self, ptr, ty, flags)

/* (a, b) as a tuple, stealing both references; NULL if either is. */
static PyObject *mio_b_py_pair(PyObject *a, PyObject *b)
{
	if (a == NULL || b == NULL) {
		Py_XDECREF(a);
		Py_XDECREF(b);
		return NULL;
	}
	PyObject *t = PyTuple_New(2);
	if (t == NULL) {
		Py_DECREF(a);
		Py_DECREF(b);
		return NULL;
	}
	PyTuple_SET_ITEM(t, 0, a);
	PyTuple_SET_ITEM(t, 1, b);
	return t;
}

static void mio_b_py_release(Py_buffer *views, int n)
{
	for (int i = 0; i < n; i++)
		PyBuffer_Release(&views[i]);
	PyMem_Free(views);
}

/* A sequence of buffers to an iovec array (PyMem), views held until
 * mio_b_py_release.  Returns the count, or -1 with an exception set. */
static int mio_b_py_iov(PyObject *seq, int flags, struct iovec **iov, Py_buffer **views)
{
	PyObject *fast = PySequence_Fast(seq, "expected a sequence of buffers");
	if (fast == NULL)
		return -1;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
	if (n > 1024) {
		Py_DECREF(fast);
		PyErr_SetString(PyExc_ValueError, "at most 1024 buffers (IOV_MAX)");
		return -1;
	}
	*iov = PyMem_Malloc(sizeof(**iov) * (size_t)(n ? n : 1));
	*views = PyMem_Malloc(sizeof(**views) * (size_t)(n ? n : 1));
	if (*iov == NULL || *views == NULL) {
		PyMem_Free(*iov);
		PyMem_Free(*views);
		*iov = NULL;
		*views = NULL;
		Py_DECREF(fast);
		PyErr_NoMemory();
		return -1;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(fast, i), &(*views)[i], flags) < 0) {
			mio_b_py_release(*views, (int)i);
			PyMem_Free(*iov);
			*iov = NULL;
			*views = NULL;
			Py_DECREF(fast);
			return -1;
		}
		(*iov)[i].iov_base = (*views)[i].buf;
		(*iov)[i].iov_len = (size_t)(*views)[i].len;
	}
	Py_DECREF(fast);
	return (int)n;
}
%}

%init %{
	{
		PyObject *g = SWIG_globals();
		if (g != NULL && Py_TYPE(g)->tp_dealloc == swig_varlink_dealloc)
			Py_TYPE(g)->tp_dealloc = mio_b_py_varlink_dealloc;
	}
%}

/* ---- arguments ---------------------------------------------------- */

/* self and the object arguments: None is a TypeError, a destroyed object
 * is EBADF.  In a destructor ($disown), the pointer is cleared in the
 * Python object, so obj.__swig_destroy__(obj) then obj.method() is EBADF
 * and not a use-after-free, and the collector skips it (own is cleared). */
%typemap(in, noblock=1) SWIGTYPE *self (void *argp = 0, int res = 0, int counted = 0) {
	if ($input == Py_None)
		SWIG_exception_fail(SWIG_TypeError, "argument $argnum must not be None");
	res = SWIG_ConvertPtr($input, &argp, $descriptor, $disown | 0);
	if (!SWIG_IsOK(res)) {
		%argument_fail(res, "$type", $symname, $argnum);
	}
	if (argp == NULL)
		MIO_B_RAISE(EBADF);
	$1 = ($ltype)argp;
	if ((($disown | 0) & SWIG_POINTER_DISOWN) != 0) {
		/* A destructor: by hand on a live object while a call is in
		 * progress, only queued (see mio_b_py_depth). */
		mio_b_py_forget($input);
		if (Py_REFCNT($input) > 0 && mio_b_py_depth > 0 &&
		    mio_b_py_defer(argp, $descriptor) == 0)
			Py_RETURN_NONE;
	} else {
		mio_b_py_depth++;
		counted = 1;
	}
}
%typemap(freearg, noblock=1) SWIGTYPE *self {
	if (counted$argnum)
		mio_b_py_call_done();
}
%typemap(in, noblock=1) mio_b_events *events (void *argp = 0, int res = 0),
			mio_b_registry *registry (void *argp = 0, int res = 0) {
	if ($input == Py_None)
		SWIG_exception_fail(SWIG_TypeError, "argument $argnum must not be None");
	res = SWIG_ConvertPtr($input, &argp, $descriptor, 0);
	if (!SWIG_IsOK(res)) {
		%argument_fail(res, "$type", $symname, $argnum);
	}
	if (argp == NULL)
		MIO_B_RAISE(EBADF);
	$1 = ($ltype)argp;
}

%typemap(in) mio_token {
	if (!PyLong_Check($input))
		SWIG_exception_fail(SWIG_TypeError, "token must be an int");
	unsigned long long v = PyLong_AsUnsignedLongLong($input);
	if (v == (unsigned long long)-1 && PyErr_Occurred())
		SWIG_fail;
	if (v > (unsigned long long)UINTPTR_MAX)
		SWIG_exception_fail(SWIG_OverflowError, "token does not fit a pointer");
	$1 = (mio_token)v;
}
%typemap(out) mio_token "$result = PyLong_FromUnsignedLongLong((unsigned long long)$1);"

/* Text arguments (address text, multicast groups): a str without NUL,
 * or None for NULL; C would silently stop at an embedded NUL. */
%typemap(in) const char * {
	if ($input == Py_None) {
		$1 = NULL;
	} else {
		Py_ssize_t n;
		const char *s = PyUnicode_Check($input) ? PyUnicode_AsUTF8AndSize($input, &n) : NULL;
		if (s == NULL) {
			if (!PyErr_Occurred())
				PyErr_Format(PyExc_TypeError, "argument $argnum must be str, not %.100s",
					     Py_TYPE($input)->tp_name);
			SWIG_fail;
		}
		if (strlen(s) != (size_t)n)
			SWIG_exception_fail(SWIG_ValueError, "embedded null character");
		$1 = ($1_ltype)s;
	}
}
%typemap(freearg) const char * ""

%typemap(in) int SOURCE {
	$1 = PyObject_AsFileDescriptor($input);
	if ($1 < 0)
		SWIG_fail;
}

%typemap(default) const struct timespec *TIMEOUT "$1 = NULL;"
%typemap(in) const struct timespec *TIMEOUT (struct timespec ts) {
	if ($input == Py_None) {
		$1 = NULL;
	} else {
		double d = PyFloat_AsDouble($input);
		if (d == -1.0 && PyErr_Occurred())
			SWIG_fail;
		if (!(d >= 0.0))
			SWIG_exception_fail(SWIG_ValueError, "timeout must be a non-negative number or None");
		if (d >= 4e9) {
			$1 = NULL;  /* longer than any poll(2) can wait: forever */
		} else {
			ts.tv_sec = (time_t)d;
			ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
			if (ts.tv_nsec > 999999999L)
				ts.tv_nsec = 999999999L;
			$1 = &ts;
		}
	}
}

%typemap(in) (const struct sockaddr *ADDR, socklen_t ADDRLEN) (struct sockaddr_storage ss, socklen_t sslen) {
	if (mio_b_py_sockaddr($input, &ss, &sslen) < 0)
		SWIG_fail;
	$1 = (struct sockaddr *)&ss;
	$2 = sslen;
}

%typemap(in) (const struct sockaddr_un *UNADDR, socklen_t UNLEN) (struct sockaddr_un un, socklen_t unlen) {
	if (mio_b_py_sockaddr_un($input, &un, &unlen) < 0)
		SWIG_fail;
	$1 = &un;
	$2 = unlen;
}

%typemap(in) (const char *DATA, size_t DATALEN) (Py_buffer view, int got = 0) {
	if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
		SWIG_fail;
	got = 1;
	$1 = ($1_ltype)view.buf;
	$2 = (size_t)view.len;
}
%typemap(freearg) (const char *DATA, size_t DATALEN) {
	if (got$argnum)
		PyBuffer_Release(&view$argnum);
}

%typemap(in) (char *WBUF, size_t WBUFLEN) (Py_buffer wview, int wgot = 0) {
	if (PyObject_GetBuffer($input, &wview, PyBUF_WRITABLE) < 0)
		SWIG_fail;
	wgot = 1;
	$1 = (char *)wview.buf;
	$2 = (size_t)wview.len;
}
%typemap(freearg) (char *WBUF, size_t WBUFLEN) {
	if (wgot$argnum)
		PyBuffer_Release(&wview$argnum);
}

%typemap(in) (const struct iovec *IOV, int IOVCNT) (struct iovec *iov = NULL, Py_buffer *views = NULL, int nviews = 0) {
	nviews = mio_b_py_iov($input, PyBUF_SIMPLE, &iov, &views);
	if (nviews < 0)
		SWIG_fail;
	$1 = iov;
	$2 = nviews;
}
%typemap(freearg) (const struct iovec *IOV, int IOVCNT) {
	if (views$argnum != NULL)
		mio_b_py_release(views$argnum, nviews$argnum);
	PyMem_Free(iov$argnum);
}

%typemap(in) (const struct iovec *WIOV, int WIOVCNT) (struct iovec *iov = NULL, Py_buffer *views = NULL, int nviews = 0) {
	nviews = mio_b_py_iov($input, PyBUF_WRITABLE, &iov, &views);
	if (nviews < 0)
		SWIG_fail;
	$1 = iov;
	$2 = nviews;
}
%typemap(freearg) (const struct iovec *WIOV, int WIOVCNT) {
	if (views$argnum != NULL)
		mio_b_py_release(views$argnum, nviews$argnum);
	PyMem_Free(iov$argnum);
}

%typemap(in, numinputs=0) mio_b_addr *OUTADDR (mio_b_addr outaddr) {
	memset(&outaddr, 0, sizeof(outaddr));
	outaddr.len = sizeof(outaddr.ss);
	$1 = &outaddr;
}
%typemap(argout) mio_b_addr *OUTADDR {
	$result = mio_b_py_pair($result, mio_b_py_addr($1));
	if ($result == NULL)
		SWIG_fail;
}

/* ---- results ------------------------------------------------------ */

%typemap(out) mio_b_ok "(void)$1; $result = Py_None; Py_INCREF(Py_None);"

%typemap(out) mio_b_addr {
	$result = mio_b_py_addr(&$1);
	if ($result == NULL)
		SWIG_fail;
}

%typemap(out) mio_b_bytes {
	$result = mio_b_py_bytes(&$1);
	if ($result == NULL)
		SWIG_fail;
}

/* The bytes are copied out of the scratch buffer FIRST, in a statement of
 * their own: building the address allocates a tuple, which may run the
 * cyclic GC and a __del__ that reads another socket into the same
 * scratch buffer (mio_binding.h, "the scratch-buffer rule"). */
%typemap(out) mio_b_datafrom {
	PyObject *data = mio_b_py_bytes(&$1.data);
	$result = mio_b_py_pair(data, data != NULL ? mio_b_py_addr(&$1.addr) : NULL);
	if ($result == NULL)
		SWIG_fail;
}

/* Every pointer a wrapper returns (constructors, bind, connect,
 * from_fd, registry(), ...): NULL and no leak when the object cannot be
 * made; see mio_b_py_newobj_. */
%typemap(out) SWIGTYPE * {
	$result = mio_b_py_newobj(SWIG_as_voidptr($1), $descriptor, $owner | %newpointer_flags);
	if ($result == NULL)
		SWIG_fail;
}

/* The Python object owning a new handle o of type T, or NULL with o
 * destroyed (before, its descriptor was leaked). */
%define MIO_B_PY_OWN(var, o, T)
	PyObject *var = mio_b_py_newobj(o, $descriptor(mio_b_##T *), SWIG_POINTER_OWN);
%enddef

%define MIO_B_PY_ACCEPT(AT, T)
%typemap(out) AT {
	MIO_B_PY_OWN(stream_, $1.stream, T)
	$result = mio_b_py_pair(stream_, stream_ != NULL ? mio_b_py_addr(&$1.addr) : NULL);
	if ($result == NULL)
		SWIG_fail;
}
%enddef
MIO_B_PY_ACCEPT(mio_b_tcp_accept, tcp_stream)
MIO_B_PY_ACCEPT(mio_b_unix_accept, unix_stream)

%define MIO_B_PY_PAIR(PT, TA, TB)
%typemap(out) PT {
	MIO_B_PY_OWN(a_, $1.a, TA)
	MIO_B_PY_OWN(b_, $1.b, TB)
	$result = mio_b_py_pair(a_, b_);
	if ($result == NULL)
		SWIG_fail;
}
%enddef
MIO_B_PY_PAIR(mio_b_pair_pipe, pipe_sender, pipe_receiver)
MIO_B_PY_PAIR(mio_b_pair_unix_stream, unix_stream, unix_stream)
MIO_B_PY_PAIR(mio_b_pair_unix_datagram, unix_datagram, unix_datagram)

/* All events as Event copies, built in one call: iterating a list is the
 * fastest loop CPython has. */
%typemap(out) mio_b_evlist {
	/* Event copies, reused where nothing else holds them: see
	 * mio_python_extra.i. */
	$result = mio_b_py_events_iter($1.owner);
	if ($result == NULL)
		SWIG_fail;
}

%include "mio_python_events.i"
%include "mio_python_docs.i"
