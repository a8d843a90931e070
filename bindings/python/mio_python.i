/*
 * mio_python.i - Python 3 conversions for bindings/mio.i.
 *
 * Addresses are what the socket module uses: ("127.0.0.1", 8080),
 * ("::1", 80, flowinfo, scope_id), and path strings for Unix sockets
 * (bytes for abstract names, '' for an unnamed socket).  Data in is any
 * bytes-like object (buffer protocol, no copy); data out is bytes.
 *
 * THE RE-ENTRANCY RULE (the mirror of the scratch-buffer rule in
 * common/mio_binding.h, which says the same for data going out).  Any
 * conversion may run script code: fileno(), __float__, __index__,
 * __fspath__, __iter__/__len__ of a sequence, __buffer__ (3.12), and any
 * allocation may run the cyclic GC and so a __del__.  That code may close
 * objects, mutate the containers passed in, or answer differently the
 * next time it is asked.  So every typemap here:
 *  - reads each script value ONCE, at the top, into memory the binding
 *    owns or holds: a C scalar, a sockaddr copy, a tuple of its own
 *    (PySequence_Tuple: a list passed in may be mutated, a tuple of ours
 *    cannot), a Py_buffer view (which pins the bytes: a bytearray with an
 *    export cannot resize);
 *  - keeps no pointer into a script object across a call that can run
 *    script code, except into what it holds that way;
 *  - reads an object argument's C pointer (self, events, registry) in a
 *    "check" typemap, i.e. after every argument has been converted, and
 *    the method body checks the handle (MIO_B_H) after that: an object a
 *    conversion closed is EBADF, never a freed handle.
 * tests/test_reentrancy.py has a hostile value for every typemap.
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
#define MIO_B_PIPE_WRITE(rc, STMT) do { STMT; } while (0)

/* The builtin type of SWIG type ty (every class of the module has one). */
#define mio_b_py_type(ty) (((SwigPyClientData *)(ty)->clientdata)->pytype)

/* A second __init__ on a live object (see mio.i's constructors). */
#define MIO_B_CTOR_GUARD                                                    \
	if (self != NULL && ((SwigPyObject *)self)->ptr != NULL) {          \
		PyErr_Format(PyExc_TypeError, "%s.__init__() called on an object already initialised", \
			     Py_TYPE(self)->tp_name);                        \
		SWIG_fail;                                                  \
	}

/* The struct of the wrapper's self if it is of SWIG type ty (a consuming
 * method's freearg: see mio.i, TcpSocket). */
#define MIO_B_CONSUME_SELF(ty)                                              \
	(self != NULL && Py_TYPE(self) == mio_b_py_type(ty) ? ((SwigPyObject *)self)->ptr : NULL)

/* A time argument: seconds (anything float() takes) to *ts, at most max.
 * 0, or -1 with ValueError (NaN, negative), OverflowError (too large) or
 * float()'s TypeError set. */
static int mio_b_py_seconds(PyObject *o, double max, struct timespec *ts)
{
	double d = PyFloat_AsDouble(o);
	if (d == -1.0 && PyErr_Occurred())
		return -1;
	int why = mio_b_seconds(d, max, ts);
	if (why != MIO_B_SECS_OK) {
		PyErr_SetString(why == MIO_B_SECS_TOO_LARGE ? PyExc_OverflowError : PyExc_ValueError,
				mio_b_seconds_error(why, max));
		return -1;
	}
	return 0;
}

/* TypeError for an object argument of the wrong class. */
static void mio_b_py_wrongtype(PyObject *o, swig_type_info *ty, const char *fn, const char *arg)
{
	PyErr_Format(PyExc_TypeError, "%s(): %s must be %s, not %.100s", fn, arg,
		     mio_b_py_type(ty)->tp_name, Py_TYPE(o)->tp_name);
}

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
 * mio_b_py_release.  Returns the count, or -1 with an exception set.
 * The sequence is read once into a tuple of our own: a list passed in
 * may be mutated by the code getting a buffer runs (3.12's __buffer__),
 * and PySequence_Fast would hand back that same list. */
/* PyObject_GetBuffer, with a read-only buffer where a writable one is
 * needed (readinto(b"..."), readv([b"..."])) a TypeError, as
 * socket.recv_into and io's readinto raise, not BufferError: mio(7) says
 * TypeError, ValueError or OverflowError for a bad argument. */
static int mio_b_py_getbuf(PyObject *o, Py_buffer *view, int flags)
{
	if (PyObject_GetBuffer(o, view, flags) == 0)
		return 0;
	if ((flags & PyBUF_WRITABLE) && PyErr_ExceptionMatches(PyExc_BufferError)) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "expected a read-write bytes-like object, not %.100s",
			     Py_TYPE(o)->tp_name);
	}
	return -1;
}

static int mio_b_py_iov(PyObject *seq, int flags, struct iovec **iov, Py_buffer **views)
{
	if (PyUnicode_Check(seq) || PyBytes_Check(seq) || PyByteArray_Check(seq)) {
		PyErr_Format(PyExc_TypeError, "expected a sequence of buffers, not %.100s",
			     Py_TYPE(seq)->tp_name);
		return -1;
	}
	PyObject *fast = PySequence_Tuple(seq);
	if (fast == NULL)
		return -1;
	Py_ssize_t n = PyTuple_GET_SIZE(fast);
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
		if (mio_b_py_getbuf(PyTuple_GET_ITEM(fast, i), &(*views)[i], flags) < 0) {
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

/* self and the object arguments: exactly the class, or TypeError (None
 * too; the types cannot be subclassed); the pointer is read in "check",
 * after every argument is converted (the re-entrancy rule above), and
 * NULL (an object made by __new__ without __init__) is EBADF.  In the
 * destructor ($disown: tp_dealloc at refcount 0) the struct is taken out
 * of the object. */
%typemap(in, noblock=1) SWIGTYPE *self (PyObject *mio_b_hold = NULL),
			mio_b_events *events (PyObject *mio_b_hold = NULL),
			mio_b_registry *registry (PyObject *mio_b_hold = NULL) {
	if (Py_TYPE($input) != mio_b_py_type($descriptor)) {
		mio_b_py_wrongtype($input, $descriptor, "$symname", "$1_name");
		SWIG_fail;
	}
	if ((($disown | 0) & SWIG_POINTER_DISOWN) != 0) {
		SwigPyObject *sobj_ = (SwigPyObject *)$input;
		$1 = ($ltype)sobj_->ptr;
		sobj_->ptr = NULL;
		sobj_->own = 0;
		if ($1 == NULL)  /* never: tp_dealloc calls it only for an owner */
			MIO_B_RAISE(EBADF);
	} else {
		mio_b_hold = $input;
	}
}
%typemap(check, noblock=1) SWIGTYPE *self, mio_b_events *events, mio_b_registry *registry {
	if (mio_b_hold$argnum != NULL) {
		$1 = ($ltype)((SwigPyObject *)mio_b_hold$argnum)->ptr;
		if ($1 == NULL)
			MIO_B_RAISE(EBADF);
	}
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

/* Time: TIMEOUT is a wait (None: no limit), DURATION an option (None:
 * off); both seconds, through mio_b_seconds (NaN, negative: ValueError;
 * above the maximum, inf too: OverflowError). */
%typemap(default) const struct timespec *TIMEOUT, const struct timespec *DURATION "$1 = NULL;"
%define MIO_B_PY_SECONDS_IN(NAME, MAX)
%typemap(in) const struct timespec *NAME (struct timespec ts) {
	if ($input == Py_None) {
		$1 = NULL;
	} else {
		if (mio_b_py_seconds($input, MAX, &ts) < 0)
			SWIG_fail;
		$1 = &ts;
	}
}
%enddef
MIO_B_PY_SECONDS_IN(TIMEOUT, MIO_B_WAIT_MAX)
MIO_B_PY_SECONDS_IN(DURATION, MIO_B_DURATION_MAX)

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
	if (mio_b_py_getbuf($input, &wview, PyBUF_WRITABLE) < 0)
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

/* ---- the types a script sees ------------------------------------- */

/* repr() of every class: mio_b_repr (mio.i, one text for both languages);
 * an object made by __new__ without __init__ has no struct and shows as
 * closed. */
%define MIO_B_PY_REPR(T)
%feature("python:tp_repr") mio_b_##T %str(mio_b_py_repr_##T);
%{
static PyObject *mio_b_py_repr_##T(PyObject *o)
{
	char buf[MIO_B_REPR_MAX];
	mio_b_repr(SWIGTYPE_p_mio_b_##T, ((SwigPyObject *)o)->ptr, buf);
	return PyUnicode_FromString(buf);
}
%}
%enddef
MIO_B_PY_REPR(poll)
MIO_B_PY_REPR(registry)
MIO_B_PY_REPR(events)
MIO_B_PY_REPR(event)
MIO_B_PY_REPR(waker)
MIO_B_PY_REPR(tcp_listener)
MIO_B_PY_REPR(tcp_stream)
MIO_B_PY_REPR(tcp_socket)
MIO_B_PY_REPR(udp_socket)
MIO_B_PY_REPR(unix_listener)
MIO_B_PY_REPR(unix_stream)
MIO_B_PY_REPR(unix_datagram)
MIO_B_PY_REPR(pipe_sender)
MIO_B_PY_REPR(pipe_receiver)

%{
/*
 * The sealing of the types, when the module is imported.  SWIG -builtin
 * makes every class a type derived from its SwigPyObject, and gives them
 * what a script must not have (issue 19): SwigPyObject's methods disown,
 * acquire, own (leak the struct), append (chains objects: the pointer
 * conversion then loops for ever), next, and __int__ (the C address);
 * the getters this and thisown; an instance __dict__ (and so reference
 * cycles through objects the cyclic GC does not track); equality and hash
 * by C pointer; subclassing; and
 * PyType_GenericNew as tp_new for every class, so X.__new__(X) made an
 * object with no type record that crashed the first method.  SWIG_init
 * runs first (renamed below), then mio_b_py_seal takes all that out:
 * each class keeps the methods mio.i gives it, the ones it gets from
 * object, and __new__/__init__ only where it has a constructor (Poll,
 * Events, Waker; __new__ alone gives an object every method of which
 * fails EBADF), and none of the C-only methods (mio_b_py_delinternal).
 * tests/test_surface.py holds the result to mio(7).
 */
#undef SWIG_init
#define SWIG_init mio_b_py_swig_init
#undef SWIGEXPORT
#define SWIGEXPORT
PyObject *mio_b_py_swig_init(void);

/* The methods the interface declares for C's use only: a name ending in
 * one underscore (not a dunder), such as wait_o_, the METH_O wrapper a
 * fast path calls (mio_python_wait.i).  The seal takes them out of every
 * class, so a fast path needs no code of its own to hide one
 * (mio_b_py_deldict, called next, tells the type of the change). */
static int mio_b_py_delinternal(PyTypeObject *t)
{
	for (PyMethodDef *m = t->tp_methods; m != NULL && m->ml_name != NULL; m++) {
		size_t n = strlen(m->ml_name);
		if (n > 1 && m->ml_name[n - 1] == '_' && m->ml_name[n - 2] != '_' &&
		    PyDict_DelItemString(t->tp_dict, m->ml_name) < 0)
			return -1;
	}
	return 0;
}

static int mio_b_py_deldict(PyTypeObject *t, const char *const *names)
{
	for (; *names != NULL; names++) {
		if (PyDict_DelItemString(t->tp_dict, *names) < 0) {
			if (!PyErr_ExceptionMatches(PyExc_KeyError))
				return -1;
			PyErr_Clear();
		}
	}
	PyType_Modified(t);
	return 0;
}

static int mio_b_py_seal(void)
{
	static const char *const base_junk[] = {
		"disown", "acquire", "own", "append", "next", "__repr__", "__int__",
		"__getattribute__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
		"__hash__", NULL,
	};
	static const char *const class_junk[] = {
		"this", "thisown", "__dict__",
		"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", NULL,
	};
	static const char *const no_ctor[] = { "__new__", "__init__", NULL };
	PyTypeObject *base = SwigPyObject_type();
	if (base->tp_as_number != NULL)
		base->tp_as_number->nb_int = NULL;
	/* Equality and hash are object's (identity), not SWIG's comparison
	 * of the C pointers (equal for any two objects without a struct). */
	base->tp_richcompare = PyBaseObject_Type.tp_richcompare;
	base->tp_hash = PyBaseObject_Type.tp_hash;
	if (mio_b_py_deldict(base, base_junk) < 0)
		return -1;
	for (size_t i = 0; swig_types[i] != NULL; i++) {
		SwigPyClientData *cd = swig_types[i]->clientdata;
		PyTypeObject *t = cd != NULL ? cd->pytype : NULL;
		if (t == NULL || t == base)
			continue;
		if (t->tp_as_number != NULL)
			t->tp_as_number->nb_int = NULL;
		t->tp_richcompare = PyBaseObject_Type.tp_richcompare;
		t->tp_hash = PyBaseObject_Type.tp_hash;
		t->tp_dictoffset = 0;
		t->tp_flags &= ~Py_TPFLAGS_BASETYPE;
#ifdef Py_TPFLAGS_IMMUTABLETYPE
		t->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
#endif
		if (mio_b_py_delinternal(t) < 0 || mio_b_py_deldict(t, class_junk) < 0)
			return -1;
		if (t->tp_init == SwigPyBuiltin_BadInit) {
			t->tp_new = NULL;   /* X() and X.__new__(X): TypeError */
			if (mio_b_py_deldict(t, no_ctor) < 0)
				return -1;
		}
	}
	return 0;
}

static int mio_b_py_wait_install(void);  /* mio_python_wait.i: Poll.wait's fast path */

PyMODINIT_FUNC PyInit__mio(void)
{
	PyObject *m = mio_b_py_swig_init();
	if (m != NULL && (mio_b_py_wait_install() < 0 || mio_b_py_seal() < 0 ||
			  PyModule_SetDocString(m, "The C extension of the package mio (libmio, Rust's mio in C):\n"
					    "import its classes from mio.  help(mio) says how to use them;\n"
					    "man 7 mio documents both languages.") < 0))
		Py_CLEAR(m);
	return m;
}
%}

%include "mio_python_events.i"
%include "mio_python_docs.i"
%include "mio_python_udp.i"  /* UdpSocket 1.2: batches (../mio_udp.i) */
