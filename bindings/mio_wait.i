/*
 * mio_wait.i - libmio 1.2's one-call wait and level-triggered
 * registrations in the scripting modules (issue 22), included by mio.i
 * before the classes are declared (their C helpers come first that way).
 *
 *  - LEVEL (both languages): MIO_LEVEL, or'ed into a registration's
 *    interests to make it level-triggered (mio_registry(3)).
 *  - Python Poll.wait(timeout=None, max_events=1024) -> [(token,
 *    readiness), ...]: mio_poll_wait_raw into an array on this call's own
 *    stack, then the list, in one C call: no Events, no Event objects,
 *    nothing allocated but the list and its tuples (tokens and readiness
 *    bits below 257 are CPython's cached small ints).  The array is the
 *    call's own, so nothing a collection run while the list is made can
 *    reach it (common/mio_binding.h's scratch-buffer rule holds without
 *    a copy), two threads never share it, and a signal handler's nested
 *    wait has its own.  The wait itself is Poll.poll's (mio.i,
 *    MIO_B_WAIT): the GIL released, PEP 475's retry with the time left,
 *    EBADF if a handler closed the poll; EBADF on a closed Poll, EBUSY
 *    (the library's one-waiter rule) while another thread waits on the
 *    same poll.  mio_python_wait.i has the list and the call's fast path.
 *  - Lua events:token(i), events:readiness(i): event i's token and
 *    readiness (EVENT_* bits), read from the Events buffer and pushed as
 *    integers, nil past the end, same index base as events:get(i) (0);
 *    no Event userdata, nothing allocated (mio_lua_wait.i).
 *
 * SPDX-License-Identifier: MIT
 */

%constant unsigned int LEVEL = MIO_LEVEL;

#ifdef SWIGPYTHON
%include "mio_python_wait.i"

%extend mio_b_poll {
	PyObject *wait(const struct timespec *TIMEOUT = NULL, size_t max_events = MIO_B_WAIT_EVENTS)
	{
		return mio_b_py_wait($self, TIMEOUT, max_events);
	}
	/* wait(timeout): one required argument, so SWIG makes it METH_O;
	 * Poll.wait's fast path calls it (mio_python_wait.i).  The same
	 * timeout typemap (WAIT_TIMEOUT is TIMEOUT without its default). */
	PyObject *wait_o_(const struct timespec *WAIT_TIMEOUT)
	{
		return mio_b_py_wait($self, WAIT_TIMEOUT, MIO_B_WAIT_EVENTS);
	}
}
#endif

#ifdef SWIGLUA
%include "mio_lua_wait.i"

%extend mio_b_events {
	mio_b_evtoken token(size_t index) { return mio_events_get($self->h, index); }
	mio_b_evready readiness(size_t index) { return mio_events_get($self->h, index); }
}
#endif
