#!/bin/sh
# check-sdist.sh - the sdist `make sdist` wrote (sdist/*.tar.gz) is one pip
# can install: every file the build needs is in it (a missing one fails),
# nothing of the build tree is, its metadata is right (name, configure's
# version, MIT, Requires-Python, Typing :: Typed), its wrapper is this
# build's, and setup.py from the unpacked sdist builds the package
# against this build's libmio (through a mio.pc that describes the build
# tree, as pkg-config would find an installed one), without SWIG; the
# result imports and polls.  setup.py's refusals are checked too: no
# pkg-config, no libmio, a libmio older than the package.
#
# Environment (bindings/python/Makefile.am): MIO_SDIST_DIR, MIO_BUILD (the
# top build directory), MIO_PACKAGE_VERSION, PYTHON, PKG_CONFIG.
set -u
: "${MIO_SDIST_DIR:?}" "${MIO_BUILD:?}" "${MIO_PACKAGE_VERSION:?}" "${PYTHON:=python3}"
V=$MIO_PACKAGE_VERSION
here=$(cd "$(dirname "$0")" && pwd)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

set -- "$MIO_SDIST_DIR"/*.tar.gz
[ $# -eq 1 ] && [ -f "$1" ] || { echo "FAIL: not one sdist in $MIO_SDIST_DIR: $*"; exit 1; }
sdist=$1
echo "sdist: $sdist"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
tar -tzf "$sdist" >"$tmp/list" || { echo "FAIL: tar -tzf $sdist"; exit 1; }
top=$(sed -n '1s|/.*||p' "$tmp/list")
# setuptools < 69.3 keeps the name's hyphen, later ones write PEP 625's
# normalised libmio_python (pip takes both).
case $top in
libmio-python-"$V" | libmio_python-"$V") ;;
*) bad "the sdist's top directory is '$top', not libmio_python-$V" ;;
esac
case $(basename "$sdist") in "$top".tar.gz) ;; *) bad "$(basename "$sdist") holds $top/" ;; esac

# What pip needs to build and install the package, and what the package
# must carry (PEP 561's marker and the stub; the license; the README the
# metadata points to).
for f in PKG-INFO pyproject.toml setup.py MANIFEST.in README.md LICENSE \
	mio/__init__.py mio/__init__.pyi mio/py.typed mio/selector.py \
	src/mio_wrap.c src/mio_binding.c src/mio_binding.h; do
	grep -qx "$top/$f" "$tmp/list" || bad "the sdist lacks $f"
done
# Nothing built, cached or generated for another interpreter.
if grep -E '\.(so|o|pyc|la|lo)$|__pycache__|/mio/mio\.py$|/mio/_mio|\.libs/|\.deps/' "$tmp/list"; then
	bad "build products in the sdist (above)"
fi

tar -xzf "$sdist" -C "$tmp" || { echo "FAIL: tar -xzf $sdist"; exit 1; }
src=$tmp/$top
field() { sed -n "s/^$1: //p" "$src/PKG-INFO"; }
[ "$(field Name)" = libmio-python ] || bad "PKG-INFO Name: '$(field Name)', not libmio-python"
[ "$(field Version)" = "$V" ] || bad "PKG-INFO Version: '$(field Version)', not configure's $V"
[ "$(field License)" = MIT ] || bad "PKG-INFO License: '$(field License)', not MIT"
[ -n "$(field Requires-Python)" ] || bad "PKG-INFO has no Requires-Python"
for c in "Typing :: Typed" "License :: OSI Approved :: MIT License" "Programming Language :: Python :: 3"; do
	field Classifier | grep -qxF "$c" || bad "PKG-INFO lacks Classifier: $c"
done
grep -q '^Description-Content-Type: text/markdown' "$src/PKG-INFO" || bad "PKG-INFO: no README as description"
echo "PKG-INFO: $(field Name) $(field Version), License $(field License), Requires-Python $(field Requires-Python), $(field Classifier | wc -l) classifiers"
cmp -s "$src/src/mio_wrap.c" "$MIO_BUILD/bindings/python/mio_wrap.c" ||
	bad "src/mio_wrap.c is not this build's SWIG wrapper"
for f in __init__.py __init__.pyi py.typed selector.py; do
	cmp -s "$src/mio/$f" "$MIO_BUILD/bindings/python/mio/$f" || bad "mio/$f differs from the package's"
done

# Build it from the unpacked sdist, as pip's backend would, against this
# build's libmio: a mio.pc that points at the build tree, found through
# PKG_CONFIG_LIBDIR alone (an installed libmio must not be used).
if ! "$PYTHON" -c 'import setuptools' 2>/dev/null; then
	echo "SKIP: the build from the sdist: $PYTHON has no setuptools"
	[ $fail -eq 0 ] && exit 0
	exit 1
fi
mkdir "$tmp/pc" "$tmp/nopc" "$tmp/oldpc"
cat >"$tmp/pc/mio.pc" <<EOF
libdir=$MIO_BUILD/lib/.libs
Name: mio
Description: libmio, the build tree
Version: $V
Cflags: -I$MIO_BUILD/include
Libs: -L\${libdir} -lmio
EOF
sed 's/^Version: .*/Version: 1.1.0/' "$tmp/pc/mio.pc" >"$tmp/oldpc/mio.pc"
: "${PKG_CONFIG:=pkg-config}"
setup() {   # PKG_CONFIG_LIBDIR, PKG_CONFIG, expected exit: 0 or 1; output in $tmp/out
	(cd "$src" && env -u PKG_CONFIG_PATH PKG_CONFIG_LIBDIR="$1" PKG_CONFIG="$2" CFLAGS=-O0 \
		PYTHONDONTWRITEBYTECODE=1 "$PYTHON" setup.py build --build-base "$tmp/build") \
		>"$tmp/out" 2>&1
	rc=$?
	if [ "$3" = 0 ] && [ $rc -ne 0 ]; then tail -20 "$tmp/out"; return 1; fi
	if [ "$3" = 1 ] && [ $rc -eq 0 ]; then tail -20 "$tmp/out"; return 1; fi
	return 0
}
refused() {   # what, message expected
	if grep -qF "$2" "$tmp/out"; then echo "refused ($1): $(grep -F "$2" "$tmp/out" | head -1)"
	else tail -20 "$tmp/out"; bad "$1: setup.py's message lacks '$2'"; fi
}
setup "$tmp/nopc" "$PKG_CONFIG" 1 || bad "setup.py built without a libmio"
refused "no mio.pc" "libmio-python: libmio not found"
setup "$tmp/oldpc" "$PKG_CONFIG" 1 || bad "setup.py built against libmio 1.1.0"
refused "libmio 1.1.0" "needs libmio >= $V; pkg-config found libmio 1.1.0"
setup "$tmp/pc" "$tmp/no-such-pkg-config" 1 || bad "setup.py built without pkg-config"
refused "no pkg-config" "cannot run $tmp/no-such-pkg-config"
rm -rf "$tmp/build"
if ! setup "$tmp/pc" "$PKG_CONFIG" 0; then
	bad "setup.py build from the sdist failed"
else
	grep -F 'building against libmio' "$tmp/out"
	lib=$(echo "$tmp"/build/lib*/mio/__init__.py)
	lib=$(dirname "$(dirname "$lib")")
	for f in __init__.py __init__.pyi py.typed selector.py; do
		[ -f "$lib/mio/$f" ] || bad "the build from the sdist lacks mio/$f"
	done
	# The built package, and only it (PYTHONPATH), from a directory of its own.
	(cd "$tmp" && env -u PYTHONPATH LD_LIBRARY_PATH="$MIO_BUILD/lib/.libs" PYTHONDONTWRITEBYTECODE=1 \
		PYTHONPATH="$lib" "$PYTHON" - "built from the sdist" "$lib" <"$here/poll-smoke.py") ||
		bad "the package built from the sdist does not import and poll"
fi
[ $fail -eq 0 ] || exit 1
echo "sdist ok"
