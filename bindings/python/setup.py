"""Builds the extension mio._mio of the sdist against the installed libmio.

The metadata is in pyproject.toml.  This file only describes the
extension: SWIG's wrapper src/mio_wrap.c (shipped in the sdist, so SWIG
is not needed here) and the binding's common C code src/mio_binding.c,
compiled with the flags `pkg-config --cflags --libs mio` gives for the
libmio installed on this machine, which must be at least as new as this
package (the wrapper calls every function of its own release).

PKG_CONFIG names the pkg-config program (default pkg-config), and
PKG_CONFIG_PATH finds a libmio installed under another prefix, as for any
pkg-config user.  A libmio outside the dynamic linker's paths also needs
LD_LIBRARY_PATH at run time.
"""
import ast
import os
import shlex
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def package_version():
    """__version__ of mio/__init__.py, read without importing mio."""
    path = os.path.join(HERE, "mio", "__init__.py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit("%s: no __version__" % path)


class LibmioNotFound(SystemExit):
    pass


def pkg_config_mio(need):
    """(cflags, libs, version) of libmio >= need, or a LibmioNotFound
    that says what was found and what to do."""
    prog = shlex.split(os.environ.get("PKG_CONFIG") or "pkg-config")
    hint = ("Install libmio %s or newer (Debian: apt-get install libmio-dev; from its "
            "source: ./configure && make && make install), or set PKG_CONFIG_PATH to the "
            "directory holding its mio.pc." % need)

    def run(*args):
        try:
            r = subprocess.run(prog + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True)
        except OSError as e:
            raise LibmioNotFound("libmio-python: cannot run %s (%s): it finds libmio, the C "
                                 "library this package is built against.\n%s"
                                 % (" ".join(prog), e.strerror, hint))
        return r

    r = run("--modversion", "mio")
    if r.returncode != 0:
        raise LibmioNotFound("libmio-python: libmio not found: `%s --modversion mio` failed"
                             " (%s).\n%s" % (" ".join(prog), r.stderr.strip() or
                                             "no message", hint))
    have = r.stdout.strip()
    if run("--atleast-version=" + need, "mio").returncode != 0:
        where = run("--variable=libdir", "mio").stdout.strip()
        raise LibmioNotFound("libmio-python %s needs libmio >= %s; pkg-config found libmio"
                             " %s (libdir %s).\n%s" % (need, need, have, where or "?", hint))
    flags = []
    for what in ("--cflags", "--libs"):
        r = run(what, "mio")
        if r.returncode != 0:
            raise LibmioNotFound("libmio-python: `%s %s mio` failed: %s"
                                 % (" ".join(prog), what, r.stderr.strip()))
        flags.append(shlex.split(r.stdout))
    return flags[0], flags[1], have


class BuildExt(build_ext):
    """build_ext that asks pkg-config for libmio first (only when the
    extension is compiled: making the sdist or reading the metadata
    needs no libmio)."""

    def build_extensions(self):
        need = package_version()
        cflags, libs, have = pkg_config_mio(need)
        self.announce("libmio-python: building against libmio %s (pkg-config mio: %s %s)"
                      % (have, " ".join(cflags), " ".join(libs)), level=2)
        for ext in self.extensions:
            ext.extra_compile_args = cflags + ext.extra_compile_args
            ext.extra_link_args = ext.extra_link_args + libs
        super().build_extensions()


setup(
    ext_modules=[
        Extension(
            "mio._mio",
            sources=["src/mio_wrap.c", "src/mio_binding.c"],
            depends=["src/mio_binding.h"],
            include_dirs=["src"],
            # As the autotools build: only PyInit__mio is exported, and
            # SWIG's output is not strict-aliasing clean.
            extra_compile_args=["-fvisibility=hidden", "-fno-strict-aliasing"],
        )
    ],
    cmdclass={"build_ext": BuildExt},
)
