"""mio.Selector: a selectors.BaseSelector on libmio.

    import asyncio, mio
    loop = asyncio.SelectorEventLoop(mio.Selector())

or anywhere a selectors.DefaultSelector is used.  Pure Python on the
binding's public API (mio.Poll, mio.Registry, mio.Events); this is the
module mio.selector of the mio package, reached as mio.Selector.

Semantics are those of CPython's selectors.py (the epoll selector's, which
is DefaultSelector on Linux): the same ValueError/KeyError/RuntimeError
rules, get_map() as a read-only live mapping, fileno() where the backend
has a selector fd (epoll; the poll(2) backend has none, so there, like
selectors.PollSelector, this class has no fileno), select() timeouts
rounded up to the millisecond and negative ones taken as 0, a select()
interrupted by a signal retried with the time left (PEP 475) unless the
signal handler raises.

Level-triggered, as selectors promises (a ready file object is reported
by every select() while it stays ready): every fd is registered with
mio.LEVEL, which makes the registration level-triggered on both backends
(epoll without EPOLLET; poll(2) as it is), so nothing is re-armed.  A
select() is one Poll.wait call, whose list of (token, readiness) pairs
(the tokens are the fds) is mapped to keys and selectors events.  The
one exception: with more registered fds than one Poll.wait returns
(1024), a select() waits with Poll.poll into an Events buffer as large
as the number of fds, so that one select() still returns every ready
fd, as EpollSelector's does.
"""
from __future__ import annotations

import math
import selectors
from collections.abc import Mapping
from selectors import EVENT_READ, EVENT_WRITE, SelectorKey
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Optional, Tuple

import mio

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

__all__ = ["Selector"]

# mio interests for each selectors event mask (index: EVENT_READ|EVENT_WRITE),
# level-triggered.
_INTEREST = (0, mio.READABLE | mio.LEVEL, mio.WRITABLE | mio.LEVEL,
             mio.READABLE | mio.WRITABLE | mio.LEVEL)
_BOTH = EVENT_READ | EVENT_WRITE
# The most events one Poll.wait returns; above this many fds, select()
# waits into an Events buffer instead.
_WAIT_MAX = 1024


def _mask(readiness: int) -> int:
    """The selectors events of a readiness (EVENT_* bits), for a key that
    wants both: as EpollSelector maps every epoll flag but EPOLLIN to
    EVENT_WRITE and every one but EPOLLOUT to EVENT_READ."""
    mask = 0
    if readiness & (mio.EVENT_READABLE | mio.EVENT_READ_CLOSED | mio.EVENT_ERROR):
        mask = EVENT_READ
    if readiness & (mio.EVENT_WRITABLE | mio.EVENT_WRITE_CLOSED | mio.EVENT_ERROR):
        mask |= EVENT_WRITE
    return mask


# Readiness is 8 bits: the mask of each, looked up rather than computed.
_MASK = tuple(_mask(r) for r in range(256))

_Ready = Tuple[SelectorKey, int]


def _results(key: SelectorKey) -> Tuple[Optional[_Ready], ...]:
    """What select() reports for key, indexed by the mask of the event:
    made once per register/modify, so that select() makes no tuple and
    reads no attribute per event.  One interest: whatever the event says
    (data, hangup, error) is that interest, as in EpollSelector (its
    mapping, masked with key.events).  Both: the mask, none for 0."""
    kev = key.events
    if kev != _BOTH:
        one = (key, kev)
        return (one, one, one, one)
    return (None, (key, EVENT_READ), (key, EVENT_WRITE), (key, _BOTH))


def _fileobj_to_fd(fileobj: FileDescriptorLike) -> int:
    """A file object's fd; ValueError if it has none (as selectors.py)."""
    if isinstance(fileobj, int):
        fd = fileobj
    else:
        try:
            fd = int(fileobj.fileno())
        except (AttributeError, TypeError, ValueError):
            raise ValueError("Invalid file object: {!r}".format(fileobj)) from None
    if fd < 0:
        raise ValueError("Invalid file descriptor: {}".format(fd))
    return fd


class _SelectorMapping(Mapping["FileDescriptorLike", SelectorKey]):
    """The read-only live view of a selector's keys that get_map() returns."""

    def __init__(self, selector: Selector) -> None:
        self._selector = selector

    def __len__(self) -> int:
        return len(self._selector._fd_to_key)

    def __getitem__(self, fileobj: FileDescriptorLike) -> SelectorKey:
        try:
            fd = self._selector._fileobj_lookup(fileobj)
            return self._selector._fd_to_key[fd]
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None

    def __iter__(self) -> Iterator[FileDescriptorLike]:
        return iter(self._selector._fd_to_key)


class Selector(selectors.BaseSelector):
    """A selectors.BaseSelector on a mio.Poll (see the module docstring).

    Level-triggered like every selectors class: a ready file object is
    reported by each select() until it is no longer ready.  Not
    thread-safe, as no selector is.
    """

    def __init__(self) -> None:
        self._fd_to_key: dict[int, SelectorKey] = {}
        self._map: Optional[_SelectorMapping] = _SelectorMapping(self)
        self._poll: Optional[mio.Poll] = mio.Poll()
        self._registry: Optional[mio.Registry] = self._poll.registry()
        # fd -> _results(its key): what select() hands out.
        self._ready: dict[int, Tuple[Optional[_Ready], ...]] = {}
        # What select() waits with: poll.wait, or _wait_many past
        # _WAIT_MAX fds (_pick_wait), None once closed.
        self._wait: Optional[Callable[[Optional[float]], List[Tuple[int, int]]]] = self._poll.wait
        # Only with more than _WAIT_MAX fds (select()).
        self._events: Optional[mio.Events] = None

    def _fileobj_lookup(self, fileobj: FileDescriptorLike) -> int:
        """The fd of fileobj, or of the registered key holding that very
        object when it no longer has one (closed), as selectors.py does,
        so that a closed file object can still be unregistered."""
        try:
            return _fileobj_to_fd(fileobj)
        except ValueError:
            for key in self._fd_to_key.values():
                if key.fileobj is fileobj:
                    return key.fd
            raise

    def _live_registry(self) -> mio.Registry:
        if self._registry is None:
            raise ValueError("I/O operation on closed selector")
        return self._registry

    def register(self, fileobj: FileDescriptorLike, events: int,
                 data: Any = None) -> SelectorKey:
        """Watch fileobj (an fd or an object with fileno()) for events
        (EVENT_READ and/or EVENT_WRITE); returns its SelectorKey.
        ValueError for bad events or a bad file object (or a closed
        selector), KeyError if it is already registered, OSError from
        the system (EPERM for a regular file on epoll)."""
        if (not events) or (events & ~(EVENT_READ | EVENT_WRITE)):
            raise ValueError("Invalid events: {!r}".format(events))
        key = SelectorKey(fileobj, self._fileobj_lookup(fileobj), events, data)
        if key.fd in self._fd_to_key:
            raise KeyError("{!r} (FD {}) is already registered".format(fileobj, key.fd))
        self._live_registry().register(key.fd, key.fd, _INTEREST[events])
        self._fd_to_key[key.fd] = key
        self._ready[key.fd] = _results(key)
        self._pick_wait()
        return key

    def unregister(self, fileobj: FileDescriptorLike) -> SelectorKey:
        """Stop watching fileobj; returns its key.  KeyError if it is not
        registered.  Works after fileobj was closed."""
        try:
            key = self._fd_to_key.pop(self._fileobj_lookup(fileobj))
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None
        self._ready.pop(key.fd, None)
        self._pick_wait()
        if self._registry is not None:
            try:
                self._registry.deregister(key.fd)
            except OSError:
                # The fd was closed since it was registered (epoll has
                # already forgotten it; the poll backend drops it anyway).
                pass
        return key

    def modify(self, fileobj: FileDescriptorLike, events: int,
               data: Any = None) -> SelectorKey:
        """Change the events and/or data of a registered fileobj; returns
        the new key.  KeyError if it is not registered.  If changing the
        events fails (ValueError for bad events, OSError), fileobj is
        unregistered and the error raised, as in selectors.py."""
        try:
            key = self._fd_to_key[self._fileobj_lookup(fileobj)]
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None
        changed = False
        if events != key.events:
            try:
                if (not events) or (events & ~(EVENT_READ | EVENT_WRITE)):
                    raise ValueError("Invalid events: {!r}".format(events))
                self._live_registry().reregister(key.fd, key.fd, _INTEREST[events])
            except BaseException:
                self.unregister(fileobj)
                raise
            changed = True
        if data != key.data:
            changed = True
        if changed:
            key = key._replace(events=events, data=data)
            self._fd_to_key[key.fd] = key
            self._ready[key.fd] = _results(key)
        return key

    def select(self, timeout: Optional[float] = None) -> List[Tuple[SelectorKey, int]]:
        """Wait until some registered file objects are ready or timeout
        (seconds; None: no limit, <= 0: do not wait) passes; returns
        [(key, events)] with events the ready subset of key.events.
        Raises ValueError on a closed selector, and OSError(EBADF) when
        a signal handler closes it during the wait (as select.epoll)."""
        if timeout is None:
            wait = None
        elif timeout <= 0:
            wait = 0.0
        else:
            # Millisecond resolution: round up, to wait at least timeout.
            wait = math.ceil(timeout * 1e3) * 1e-3
        wait_ = self._wait
        if wait_ is None:
            raise ValueError("I/O operation on closed selector")
        # One call: the GIL released, a signal retried for the time left
        # (PEP 475) unless its handler raises or closes this selector.
        got = wait_(wait)
        results = self._ready
        ready: List[_Ready] = []
        mask = _MASK
        for fd, readiness in got:
            try:
                r = results[fd][mask[readiness]]
            except KeyError:
                continue  # unregistered after the wait collected it
            if r is not None:
                ready.append(r)
        return ready

    def _pick_wait(self) -> None:
        """select() waits with Poll.wait while it can return every
        registered fd, else with _wait_many."""
        poll = self._poll
        if poll is None:
            self._wait = None
        elif len(self._ready) <= _WAIT_MAX:
            self._wait = poll.wait
            self._events = None
        else:
            self._wait = self._wait_many

    def _wait_many(self, wait: Optional[float]) -> List[Tuple[int, int]]:
        """More fds than one Poll.wait returns: Poll.poll into an Events
        buffer that holds them all (grown as needed, kept while needed)."""
        poll, n = self._poll, len(self._ready)
        if poll is None:
            raise ValueError("I/O operation on closed selector")
        events = self._events
        if events is None or events.capacity() < n:
            events = self._events = mio.Events(max(n, 2 * _WAIT_MAX))
        poll.poll(events, wait)
        return [(ev.token(), ev.readiness()) for ev in events]

    def close(self) -> None:
        """Close the selector (its epoll fd); idempotent.  Afterwards
        get_map() is None, get_key() raises RuntimeError and select()
        ValueError."""
        self._fd_to_key.clear()
        self._ready.clear()
        self._events = None
        self._wait = None
        self._map = None
        poll, self._poll = self._poll, None
        # The Registry object holds the poll too: both must go.
        self._registry = None
        if poll is not None:
            poll.close()

    # typeshed says Mapping; CPython's selectors (and this) return None
    # once closed, which BaseSelector.get_key turns into RuntimeError.
    def get_map(self) -> Optional[Mapping[FileDescriptorLike, SelectorKey]]:  # type: ignore[override]
        """A read-only mapping of file objects to keys, None once closed."""
        return self._map

    def fileno(self) -> int:
        """The selector's own fd (epoll's), for nesting in another loop."""
        if self._poll is None:
            raise ValueError("I/O operation on closed selector")
        return self._poll.fileno()

    def __repr__(self) -> str:
        state = "closed" if self._poll is None else "%d fds" % len(self._fd_to_key)
        return "<mio.Selector %s (%s)>" % (mio.backend(), state)


# The poll(2) backend has no selector fd: like selectors.PollSelector, no
# fileno() there (mio_poll_fd says EOPNOTSUPP).
if mio.backend() == "poll":
    delattr(Selector, "fileno")
