/*
 * mio_python_extra.i - Python protocol methods on the classes of mio.i:
 * iteration and len() on Events, `with` blocks on everything that closes,
 * and a readable repr for Event.
 *
 * SPDX-License-Identifier: MIT
 */

%extend mio_b_events {
%pythoncode %{
    def __len__(self):
        return self.len()

    def __iter__(self):
        return self.iter()

    def __bool__(self):
        return not self.is_empty()
%}
}

%extend mio_b_event {
%pythoncode %{
    def __repr__(self):
        flags = [n for n in ("readable", "writable", "error", "read_closed",
                             "write_closed", "priority", "aio", "lio")
                 if getattr(self, "is_" + n)()]
        return "Event(token=%d, %s)" % (self.token(), "|".join(flags) or "-")
%}
}

%define MIO_B_PY_CLOSABLE(T)
%extend T {
%pythoncode %{
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
%}
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

/* ---- hook: mio.Selector ---------------------------------------------
 * The pure-Python selectors.BaseSelector (bindings/python/mio_selector.py,
 * owned by the `selector` work) is imported into this module here, after
 * the classes above, guarded so that a missing file does not break
 * `import mio`.  The import line goes below this comment. */
