/*
 * mio_python_extra.i - Python protocol methods on the classes of mio.i.
 *
 * The module is built with SWIG -builtin: every class is a built-in type
 * whose methods are C functions called without a proxy class in between
 * (issue 13: the proxy layer was most of what a wait cost).  So the
 * protocol methods are type slots written in C here, not %pythoncode:
 * len(), iteration and truth on Events, `with` blocks on everything that
 * closes (repr() of every class is mio_python.i's MIO_B_PY_REPR).  Their C helpers are in mio_python_events.i,
 * included early by mio_python.i so that the %extend bodies see them.
 *
 * SPDX-License-Identifier: MIT
 */



/* SWIG's closures behind the lenfunc and inquiry slots take the
 * wrapper's result without looking: len(x) of a failed __len__ did
 * Py_DECREF(NULL), and bool(x) of a failed __bool__ returned false with
 * the exception still set.  An object made by Events.__new__ alone (no C
 * object: every method raises EBADF) crashed len() (found by
 * test_stateful.py's inventory sweep, seed 298102933).  These replace the
 * closures SWIG writes for every such slot, here and in any class that
 * gets one later: an exception propagates, as the C API wants (-1). */
%{
#undef SWIGPY_LENFUNC_CLOSURE
#define SWIGPY_LENFUNC_CLOSURE(wrapper)                                     \
	SWIGINTERN Py_ssize_t wrapper##_lenfunc_closure(PyObject *a)        \
	{                                                                   \
		PyObject *r = wrapper(a, NULL);                             \
		if (r == NULL)                                              \
			return -1;                                          \
		Py_ssize_t n = PyNumber_AsSsize_t(r, PyExc_OverflowError);  \
		Py_DECREF(r);                                               \
		return n;                                                   \
	}
#undef SWIGPY_INQUIRY_CLOSURE
#define SWIGPY_INQUIRY_CLOSURE(wrapper)                                     \
	SWIGINTERN int wrapper##_inquiry_closure(PyObject *a)               \
	{                                                                   \
		PyObject *r = wrapper(a, NULL);                             \
		if (r == NULL)                                              \
			return -1;                                          \
		int t = PyObject_IsTrue(r);                                 \
		Py_DECREF(r);                                               \
		return t;                                                   \
	}
%}

%feature("python:slot", "sq_length", functype="lenfunc") mio_b_events::__len__;
%feature("python:slot", "nb_bool", functype="inquiry") mio_b_events::__bool__;
%feature("python:slot", "tp_iter", functype="getiterfunc") mio_b_events::__iter__;
%extend mio_b_events {
	size_t __len__() { return mio_events_len($self->h); }
	bool __bool__() { return !mio_events_is_empty($self->h); }
	PyObject *__iter__() { return mio_b_py_events_iter($self); }
}

/* `with obj:` closes obj at the end of the block; `with Poll() as p` binds
 * p to the object itself. */
%define MIO_B_PY_CLOSABLE(T)
%extend T {
	mio_b_pyself __enter__() { return 0; }
	PyObject *__exit__(PyObject *PYSELF, PyObject *type = NULL, PyObject *value = NULL,
			   PyObject *tb = NULL)
	{
		PyObject *r = PyObject_CallMethod(PYSELF, "close", NULL);
		if (r == NULL)
			return NULL;
		Py_DECREF(r);
		Py_RETURN_FALSE;
	}
}
%enddef
MIO_B_PY_CLOSABLE(mio_b_poll)
MIO_B_PY_CLOSABLE(mio_b_registry)
MIO_B_PY_CLOSABLE(mio_b_waker)
MIO_B_PY_CLOSABLE(mio_b_tcp_listener)
MIO_B_PY_CLOSABLE(mio_b_tcp_stream)
MIO_B_PY_CLOSABLE(mio_b_udp_socket)
MIO_B_PY_CLOSABLE(mio_b_unix_listener)
MIO_B_PY_CLOSABLE(mio_b_unix_stream)
MIO_B_PY_CLOSABLE(mio_b_unix_datagram)
MIO_B_PY_CLOSABLE(mio_b_pipe_sender)
MIO_B_PY_CLOSABLE(mio_b_pipe_receiver)
MIO_B_PY_CLOSABLE(mio_b_tcp_socket)

/* No %pythoncode: the module is the package mio (mio/__init__.py, written
 * by hand, re-exports this extension, mio._mio, and gives mio.Selector
 * from mio/selector.py); the mio.py SWIG writes beside the wrapper is
 * not installed. */
