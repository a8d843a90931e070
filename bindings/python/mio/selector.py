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

Level-triggered selectors on edge-triggered mio.  selectors promises that
a ready file object is reported by every select() while it stays ready;
mio reports a source once per readiness edge.  The emulation: every fd
that select() reports is re-armed with Registry.reregister at the start
of the *next* select(), i.e. after the caller has done its I/O, right
before the wait.  A re-registration makes both backends look at the
current state again:
  - epoll: EPOLL_CTL_MOD re-evaluates the fd's readiness, so an fd that
    is still ready goes straight back on the ready list;
  - poll(2): mio took the reported bits out of the fd's pollfd until it
    is re-armed, and reregister puts them back, so the next poll(2)
    (level-triggered) sees the fd if it is still ready.
An fd that was not reported needs nothing: its next readiness is a new
edge.  Re-arming after the caller's I/O rather than right after the
report matters: re-armed at once, an fd the caller then drains would
still come back once (spurious readiness), which a level-triggered
selector never reports.  modify() re-registers anyway, which counts as
the re-arm; unregister() drops the pending one.

Cost: one Registry.reregister per reported fd per select() (one
epoll_ctl on epoll, no system call on poll(2)); the events buffer grows
with the number of registered fds so one wait returns every ready fd,
as epoll_wait does for EpollSelector.  Tokens are the fds themselves.
"""
from __future__ import annotations

import math
import selectors
from collections.abc import Mapping
from selectors import EVENT_READ, EVENT_WRITE, SelectorKey
from time import monotonic
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Tuple

import mio

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

__all__ = ["Selector"]

# mio interests for each selectors event mask (index: EVENT_READ|EVENT_WRITE).
_INTEREST = (0, mio.READABLE, mio.WRITABLE, mio.READABLE | mio.WRITABLE)
_BOTH = EVENT_READ | EVENT_WRITE
_EVENTS_MIN = 64          # initial capacity of the events buffer


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
        self._events = mio.Events(_EVENTS_MIN)
        self._capacity = _EVENTS_MIN
        # fd -> mio interest of the fds the last select() reported: they
        # are re-armed at the start of the next select().
        self._rearm: dict[int, int] = {}

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
        return key

    def unregister(self, fileobj: FileDescriptorLike) -> SelectorKey:
        """Stop watching fileobj; returns its key.  KeyError if it is not
        registered.  Works after fileobj was closed."""
        try:
            key = self._fd_to_key.pop(self._fileobj_lookup(fileobj))
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None
        self._rearm.pop(key.fd, None)
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
                # Also the re-arm, if select() just reported it.
                self._live_registry().reregister(key.fd, key.fd, _INTEREST[events])
            except BaseException:
                self.unregister(fileobj)
                raise
            self._rearm.pop(key.fd, None)
            changed = True
        if data != key.data:
            changed = True
        if changed:
            key = key._replace(events=events, data=data)
            self._fd_to_key[key.fd] = key
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
        poll = self._poll
        registry = self._registry
        if poll is None or registry is None:
            raise ValueError("I/O operation on closed selector")
        fd_to_key = self._fd_to_key
        rearm = self._rearm
        if rearm:
            reregister = registry.reregister
            for fd, interest in rearm.items():
                try:
                    reregister(fd, fd, interest)
                except OSError:
                    pass  # closed under us (unregister will drop it)
            rearm.clear()
        if len(fd_to_key) > self._capacity:
            self._capacity = max(len(fd_to_key), 2 * self._capacity)
            self._events = mio.Events(self._capacity)
        events = self._events
        deadline = monotonic() + wait if wait else None
        while True:
            try:
                poll.poll(events, wait)
                break
            except InterruptedError:
                # PEP 475: the signal's handler has run (had it raised,
                # that would be the exception here); wait for what is left.
                if deadline is not None:
                    wait = max(0.0, math.ceil((deadline - monotonic()) * 1e3) * 1e-3)

        ready: List[Tuple[SelectorKey, int]] = []
        append = ready.append
        for ev in events.iter():
            fd = ev.token()
            key = fd_to_key.get(fd)
            if key is None:
                continue  # unregistered after the wait collected it
            kev = key.events
            rearm[fd] = _INTEREST[kev]
            if kev != _BOTH:
                # One interest: whatever the event says (data, hangup,
                # error) maps to it, as EpollSelector maps every epoll
                # flag but EPOLLIN to EVENT_WRITE and every one but
                # EPOLLOUT to EVENT_READ, then masks with key.events.
                append((key, kev))
                continue
            mask = 0
            if ev.is_readable() or ev.is_read_closed() or ev.is_error():
                mask = EVENT_READ
            if ev.is_writable() or ev.is_write_closed() or ev.is_error():
                mask |= EVENT_WRITE
            if mask:
                append((key, mask))
        return ready

    def close(self) -> None:
        """Close the selector (its epoll fd); idempotent.  Afterwards
        get_map() is None, get_key() raises RuntimeError and select()
        ValueError."""
        self._fd_to_key.clear()
        self._rearm.clear()
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
