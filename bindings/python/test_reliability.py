#!/usr/bin/env python3
"""mio Python binding: the findings of issue 12, one test each
(test_fNN_*), run on every backend by `make check`.

Each test is what a script could do to crash the interpreter, make libmio
use the wrong descriptor or return wrong data before the fix."""
import errno
import gc
import os
import unittest

import mio


class TestReliability(unittest.TestCase):
    def test_f01_no_default_constructors(self):
        # SWIG's default constructors made objects with no handle:
        # mio.Registry().register(...) dereferenced NULL.
        for name in ("Registry", "Event", "TcpListener", "TcpStream", "UdpSocket",
                     "UnixListener", "UnixStream", "UnixDatagram", "Sender", "Receiver"):
            with self.subTest(name=name):
                with self.assertRaises((TypeError, AttributeError)):
                    getattr(mio, name)()


if __name__ == "__main__":
    unittest.main()
