/*
 * mio_python_events.i - C helpers of mio_python_extra.i's type slots,
 * included by mio_python.i so that they come before every wrapper.
 *
 * SPDX-License-Identifier: MIT
 */
%{
/*
 * `for ev in events` hands out Event objects without allocating one per
 * event.  An Event is a copy (token + readiness), never a view into the
 * buffer: a script may keep it across polls.  So each of the first
 * MIO_B_PY_EVCACHE slots keeps two Event objects, and one that nothing
 * but this cache holds (reference count 1) is refilled in place; one a
 * script still holds is left alone and the slot gets a fresh object.  Two
 * per slot because the loop variable of the last `for ev in events` still
 * holds one when the next poll's events are handed out.  The cache lives
 * as long as the Events (mio_b_events.lang) and is released with it, with
 * the GIL held (a wait that outlived its Events frees it after
 * Py_END_ALLOW_THREADS).
 */
#define MIO_B_PY_EVCACHE 64

typedef struct mio_b_py_evcache {
	size_t    n;
	PyObject *obj[];   /* 2 * n: slot i uses obj[2i] and obj[2i + 1] */
} mio_b_py_evcache;

static void mio_b_py_evcache_free(void *p)
{
	mio_b_py_evcache *c = p;
	if (c == NULL)
		return;
	for (size_t i = 0; i < 2 * c->n; i++)
		Py_XDECREF(c->obj[i]);
	free(c);
}

/* A new reference to an Event holding event i of ev (i < len), or NULL
 * with an exception set. */
static PyObject *mio_b_py_event_at(mio_b_events *ev, size_t i)
{
	const mio_event *e = mio_events_get(ev->h, i);
	mio_b_py_evcache *c = ev->lang;
	if (e == NULL) {
		PyErr_SetString(PyExc_IndexError, "event index out of range");
		return NULL;
	}
	if (c == NULL) {
		size_t n = mio_events_capacity(ev->h);
		if (n > MIO_B_PY_EVCACHE)
			n = MIO_B_PY_EVCACHE;
		c = calloc(1, sizeof(*c) + 2 * n * sizeof(PyObject *));
		if (c == NULL)
			return PyErr_NoMemory();
		c->n = n;
		ev->lang = c;
		ev->lang_free = mio_b_py_evcache_free;
	}
	PyObject **slot = i < c->n ? &c->obj[2 * i] : NULL;
	if (slot != NULL) {
		for (int k = 0; k < 2; k++) {
			PyObject *o = slot[k];
			if (o != NULL && Py_REFCNT(o) == 1) {
				mio_bind_event_copy((mio_b_event *)((SwigPyObject *)o)->ptr, e);
				Py_INCREF(o);
				return o;
			}
		}
	}
	mio_b_event *be = mio_bind_event_new(e);
	if (be == NULL)
		return PyErr_NoMemory();
	PyObject *o = mio_b_py_newobj_(NULL, be, SWIGTYPE_p_mio_b_event, SWIG_POINTER_OWN);
	if (o == NULL)
		return NULL;  /* be destroyed; SWIG's own call returned None here */
	if (slot != NULL) {
		/* Keep it for the next poll: in an empty place, else instead of
		 * one a script holds (that one stays the script's). */
		int k = slot[0] == NULL ? 0 : slot[1] == NULL ? 1 : (Py_REFCNT(slot[0]) > 1 ? 0 : 1);
		Py_XDECREF(slot[k]);
		Py_INCREF(o);
		slot[k] = o;
	}
	return o;
}

/* The current events as a tuple of Event copies. */
static PyObject *mio_b_py_events_tuple(mio_b_events *ev)
{
	size_t n = mio_events_len(ev->h);
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		PyObject *o = mio_b_py_event_at(ev, i);
		if (o == NULL) {
			Py_DECREF(t);
			return NULL;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, o);
	}
	return t;
}

static PyObject *mio_b_py_events_iter(mio_b_events *ev)
{
	PyObject *t = mio_b_py_events_tuple(ev);
	if (t == NULL)
		return NULL;
	PyObject *it = PyObject_GetIter(t);
	Py_DECREF(t);
	return it;
}

typedef int mio_b_pyself;   /* a method that returns self (__enter__) */
%}

/* `self` as the method's result (__enter__), and as a hidden argument
 * (__exit__).  Here, early, because typemaps apply from where they are
 * declared and the classes' wrappers are made where mio.i declares them. */
typedef int mio_b_pyself;
%typemap(out) mio_b_pyself "$result = self; Py_INCREF($result);"
%typemap(in, numinputs=0) PyObject *PYSELF "$1 = self;"
