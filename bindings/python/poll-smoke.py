"""poll-smoke.py LABEL [DIR] - the package mio as installed somewhere loads
and polls: a pipe registered under a token, one byte written, one event.
With DIR, mio and its extension must come from DIR/mio.  Read from
standard input (python3 -I - LABEL [DIR] < poll-smoke.py), so that this
directory, which holds the package's sources without the extension, is
not on sys.path.  Used by check-sdist.sh and .ci/steps/50-debian.sh."""
import os
import sys

import mio

label = sys.argv[1]
if len(sys.argv) > 2:
    where = os.path.join(os.path.abspath(sys.argv[2]), "mio") + os.sep
    for m in (mio, mio._mio):
        assert os.path.abspath(m.__file__).startswith(where), (m.__file__, where)
poll, events = mio.Poll(), mio.Events(8)
sender, receiver = mio.pipe()
poll.registry().register(receiver, 7, mio.READABLE)
sender.write(b"x")
poll.poll(events, 5.0)
assert [(e.token(), e.is_readable()) for e in events] == [(7, True)]
print("%s: mio %s (libmio %s) from %s, a poll ok"
      % (label, mio.__version__, mio.version(), os.path.dirname(mio.__file__)))
