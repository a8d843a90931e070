#!/usr/bin/env python3
"""The package mio as installed (and as the build tree holds it):
mio/__init__.py re-exports the private extension mio._mio, mio.Selector
comes from mio.selector, the stub and py.typed are inside the package,
and no module of another name on sys.path can stand in for a part of it
(libmio 1.1 had top-level mio.py, _mio and mio_selector.py: a user's own
mio_selector.py replaced mio.Selector)."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

import mio

PKG = os.path.dirname(os.path.abspath(mio.__file__))
PARENT = os.path.dirname(PKG)


def run_isolated(path, code):
    """Runs code in a fresh interpreter whose sys.path is `path` followed
    by the standard library only; returns its stdout lines."""
    prog = "import sys; sys.path[:0] = %r\n" % (path,) + textwrap.dedent(code)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    r = subprocess.run([sys.executable, "-S", "-c", prog], env=env, cwd=path[0],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise AssertionError("child failed:\n%s%s" % (r.stdout.decode(), r.stderr.decode()))
    return r.stdout.decode().split()


# What each part of the package is, printed by the child: everything must
# come from the package directory.
CHECK = """
import os, mio
import mio.selector
pkg = os.path.dirname(os.path.abspath(mio.__file__))
assert os.path.basename(mio.__file__) == "__init__.py", mio.__file__
assert os.path.dirname(os.path.abspath(mio._mio.__file__)) == pkg, mio._mio.__file__
assert os.path.dirname(os.path.abspath(mio.selector.__file__)) == pkg, mio.selector.__file__
assert mio.Selector is mio.selector.Selector
assert mio.Selector.__module__ == "mio.selector", mio.Selector.__module__
assert mio.Poll is mio._mio.Poll
mio.Selector().close()
print("ok", pkg)
"""

HOSTILE = "raise SystemExit('imported the stray %s instead of the package')\n"


class PackageLayout(unittest.TestCase):
    def test_is_a_package(self):
        self.assertEqual(mio.__name__, "mio")
        self.assertEqual(os.path.basename(mio.__file__), "__init__.py")
        self.assertEqual(list(mio.__path__), [PKG])
        self.assertEqual(mio._mio.__name__, "mio._mio")
        self.assertEqual(os.path.dirname(os.path.abspath(mio._mio.__file__)), PKG)
        for name in ("__init__.pyi", "py.typed", "selector.py"):
            self.assertTrue(os.path.isfile(os.path.join(PKG, name)), name)
        # no stub or proxy of libmio 1.1 beside the package
        for name in ("mio.py", "mio.pyi", "mio_selector.py"):
            self.assertFalse(os.path.exists(os.path.join(PARENT, name)), name)

    def test_version(self):
        self.assertRegex(mio.__version__, r"^\d+\.\d+\.\d+$")
        want = os.environ.get("MIO_PACKAGE_VERSION")
        if want:  # make check: configure's version
            self.assertEqual(mio.__version__, want)
        # the loaded library is at least as new as the package
        self.assertGreaterEqual(tuple(map(int, mio.version().split("."))),
                                tuple(map(int, mio.__version__.split("."))))

    def test_docstring(self):
        doc = mio.__doc__ or ""
        self.assertIn("mio.Selector()", doc)
        self.assertNotIn("automatically generated", doc.lower())
        self.assertNotIn("SWIG", doc)

    def test_exports(self):
        # Everything the extension exports is re-exported by name, and
        # __all__ is exactly that plus Selector: a name added to mio.i
        # must be added to mio/__init__.py (and the stub) too.
        ext = set(mio._mio.__all__)
        self.assertEqual(set(mio.__all__), ext | {"Selector"})
        self.assertEqual(len(mio.__all__), len(set(mio.__all__)))
        for name in mio.__all__:
            self.assertIs(getattr(mio, name), getattr(mio._mio, name, mio.Selector), name)
        self.assertIn("Selector", dir(mio))
        ns = {}
        exec("from mio import *", ns)
        self.assertEqual(set(ns) - {"__builtins__"}, set(mio.__all__))
        self.assertEqual(mio.Poll.__module__, "mio")
        with self.assertRaises(AttributeError):
            mio.no_such_name

    def test_stub_lists_the_same_names(self):
        # __all__ of the stub and of the package agree.
        with open(os.path.join(PKG, "__init__.pyi")) as f:
            stub = f.read()
        ns = {}
        start = stub.index("__all__ = [")
        exec(stub[start:stub.index("]", start) + 1], ns)
        self.assertEqual(ns["__all__"], mio.__all__)

    def test_stray_modules_first_on_sys_path(self):
        # A directory of stray modules named like libmio 1.1's files and
        # the package's parts, searched before the package: none is used.
        with tempfile.TemporaryDirectory() as stray:
            for name in ("mio_selector", "_mio", "selector"):
                with open(os.path.join(stray, name + ".py"), "w") as f:
                    f.write(HOSTILE % name)
            out = run_isolated([stray, PARENT], CHECK)
            self.assertEqual(out, ["ok", PKG])

    def test_stale_files_beside_the_package(self):
        # libmio 1.1's files left in the same directory as the package
        # (an install over the old one), and a mio.py later on the path:
        # the package wins.
        with tempfile.TemporaryDirectory() as tmp:
            site = os.path.join(tmp, "site")
            later = os.path.join(tmp, "later")
            os.mkdir(site)
            os.mkdir(later)
            os.symlink(PKG, os.path.join(site, "mio"))
            for d in (site, later):
                for name in ("mio", "mio_selector", "_mio"):
                    with open(os.path.join(d, name + ".py"), "w") as f:
                        f.write(HOSTILE % name)
            out = run_isolated([site, later], CHECK)
            self.assertEqual(out, ["ok", os.path.join(site, "mio")])


if __name__ == "__main__":
    unittest.main()
