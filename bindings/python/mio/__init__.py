"""mio: readiness-based non-blocking I/O on libmio (Rust's mio in C).

A Poll waits for readiness events on the file descriptors registered
with its Registry, each under an integer token of your choice; the
sockets and pipes here are always non-blocking and close-on-exec:

    import mio
    poll = mio.Poll()
    listener = mio.TcpListener.bind(("127.0.0.1", 9000))
    poll.registry().register(listener, 0, mio.READABLE)
    while True:
        for token, readiness in poll.wait(None):
            ...  # readiness & mio.EVENT_READABLE, ...

Readiness is edge-triggered: after an event, read or write until
BlockingIOError (interests or'ed with LEVEL make a registration
level-triggered).  Errors are OSError with the errno of the C call.

Poll, Registry, Events, Event, Waker
    the selector, its registrations, the events buffer and one event
    (for Poll.poll; Poll.wait needs neither), and a cross-thread wake-up.
TcpListener, TcpStream, TcpSocket, UdpSocket, UnixListener, UnixStream,
UnixDatagram, Sender, Receiver, pipe()
    sockets and pipes; addresses are the socket module's.
Selector
    a selectors.BaseSelector for asyncio:
    asyncio.SelectorEventLoop(mio.Selector()).

The objects are those of the C library without the mio_ prefix; man 7
mio documents both languages, man 3 mio_poll and the other pages each
call.  The classes come from the C extension mio._mio (private: import
them from mio).
"""
# Every public name of the extension: its __all__, which SWIG writes from
# mio.i, so a name added there needs no line here (the stub,
# __init__.pyi, lists them for type checkers; test_package.py checks the
# two agree).
from . import _mio
from ._mio import *  # noqa: F401,F403

# The version of this package (tests/test_package.py checks it against
# configure's); version() is that of the libmio.so loaded at run time.
__version__ = "1.2.0"

__all__ = sorted([*_mio.__all__, "Selector"])


def __getattr__(name: str) -> object:
    # mio.Selector comes from mio.selector on first use (PEP 562), so that
    # `import mio` does not import selectors and its dependencies.
    if name == "Selector":
        from .selector import Selector
        globals()["Selector"] = Selector
        return Selector
    raise AttributeError("module 'mio' has no attribute %r" % (name,))


def __dir__() -> "list[str]":
    return sorted(set(globals()) | {"Selector"})
