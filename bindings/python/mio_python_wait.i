/*
 * mio_python_wait.i - Python's side of mio_wait.i: Poll.wait's body, its
 * list, its description, and its fast path.
 *
 * The fast path.  SWIG -builtin makes a method whose arguments are all
 * optional a METH_VARARGS function: CPython builds a tuple of the
 * arguments for every call and SWIG unpacks it, about 310 instructions
 * per wait (callgrind, W1: 8,517 Ir per round trip against 7,897 through
 * a METH_O wrapper, 0.47x and 0.44x stdlib selectors).  So Poll.wait is
 * installed (mio_b_py_wait_install, called by PyInit__mio) as a
 * METH_FASTCALL function that hands wait() and wait(timeout) to the
 * METH_O wrapper SWIG makes for wait_o_ (one required argument), and
 * any other call to the full wrapper; both are SWIG's, with the module's
 * typemaps, so every argument is converted exactly as Poll.poll's.
 * Scripts never see wait_o_: mio_python.i's seal takes every C-only
 * method (a name ending in one underscore) out of the classes.
 *
 * SPDX-License-Identifier: MIT
 */
%typemap(in) const struct timespec *WAIT_TIMEOUT = const struct timespec *TIMEOUT;

%{
/* The most records one Poll.wait stores: its array is on the C stack
 * (12 KiB on x86-64), and 1024 is what select.epoll.poll() asks for by
 * default and what Events() holds. */
#define MIO_B_WAIT_EVENTS 1024

/* n records as a list of (token, readiness) tuples; NULL with
 * MemoryError. */
static PyObject *mio_b_py_rawlist(const mio_raw_event *recs, int n)
{
	PyObject *list = PyList_New(n);
	if (list == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		PyObject *t = mio_b_py_pair(
			PyLong_FromUnsignedLongLong((unsigned long long)mio_raw_event_token(&recs[i])),
			PyLong_FromLong((long)mio_raw_event_readiness(&recs[i])));
		if (t == NULL) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, t);
	}
	return list;
}

/* Poll.wait: NULL with mio_b_err set (the %exception block raises it) or
 * a Python exception set. */
static PyObject *mio_b_py_wait(mio_b_poll *p, const struct timespec *timeout, size_t max_events)
{
	mio_raw_event recs[MIO_B_WAIT_EVENTS];
	mio_b_sel *sel;
	int rc;
	if (max_events == 0 || max_events > MIO_B_WAIT_EVENTS) {
		PyErr_Format(PyExc_ValueError, "max_events must be 1 to %d, not %zu",
			     MIO_B_WAIT_EVENTS, max_events);
		return NULL;
	}
	sel = mio_bind_poll_wait_begin(p, NULL);
	if (sel == NULL)
		return NULL;
	MIO_B_WAIT(sel, timeout, rc, mio_poll_wait_raw(sel->poll, recs, max_events, t_));
	mio_bind_poll_wait_end(sel, NULL);
	if (mio_b_set(rc) < 0)
		return NULL;
	return mio_b_py_rawlist(recs, rc);
}

/* SWIG's wrappers of wait (METH_VARARGS) and wait_o_ (METH_O). */
SWIGINTERN PyObject *_wrap_Poll_wait(PyObject *self, PyObject *args);
SWIGINTERN PyObject *_wrap_Poll_wait_o_(PyObject *self, PyObject *args);

static PyObject *mio_b_py_wait_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs <= 1)
		return _wrap_Poll_wait_o_(self, nargs == 1 ? args[0] : Py_None);
	PyObject *t = PyTuple_New(nargs);
	if (t == NULL)
		return NULL;
	for (Py_ssize_t i = 0; i < nargs; i++) {
		Py_INCREF(args[i]);
		PyTuple_SET_ITEM(t, i, args[i]);
	}
	PyObject *r = _wrap_Poll_wait(self, t);
	Py_DECREF(t);
	return r;
}

static PyMethodDef mio_b_py_wait_def = {
	"wait", (PyCFunction)(void (*)(void))mio_b_py_wait_fast, METH_FASTCALL, NULL
};

/* Poll.wait becomes mio_b_py_wait_fast, with SWIG's description (the
 * seal, which runs after, removes wait_o_).  0, or -1 with an exception
 * set. */
static int mio_b_py_wait_install(void)
{
	PyTypeObject *t = mio_b_py_type(SWIGTYPE_p_mio_b_poll);
	PyObject *old = PyDict_GetItemString(t->tp_dict, "wait");
	if (old == NULL || !PyObject_TypeCheck(old, &PyMethodDescr_Type)) {
		PyErr_SetString(PyExc_SystemError, "mio: Poll.wait is not SWIG's method");
		return -1;
	}
	mio_b_py_wait_def.ml_doc = ((PyMethodDescrObject *)old)->d_method->ml_doc;
	PyObject *fast = PyDescr_NewMethod(t, &mio_b_py_wait_def);
	if (fast == NULL)
		return -1;
	int rc = PyDict_SetItemString(t->tp_dict, "wait", fast);
	Py_DECREF(fast);
	if (rc < 0)
		return -1;
	PyType_Modified(t);
	return 0;
}
%}

%feature("docstring") mio_b_poll::wait "wait(timeout: float | None = None, max_events: int = 1024) -> list[tuple[int, int]]

Wait as poll() does and return the events as a list of (token,
readiness) tuples, readiness an OR of the EVENT_* bits; [] on timeout.
One call, no Events buffer and no Event objects: the fastest loop,

    for token, readiness in poll.wait(timeout):

At most max_events (1 to 1024) per call; the others stay ready for the
next call.  Arguments are positional.  The GIL is released while
waiting; signals as for poll() (PEP 475).  Raises OSError: EBUSY if
another thread is waiting on this poll, EBADF if it is closed;
ValueError for a NaN or negative timeout or a max_events out of range,
OverflowError for a larger timeout.";
