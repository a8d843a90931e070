#!/bin/sh
# venv-install.sh - the sdist (make -C bindings/python sdist) installed the
# way a pip user installs it, offline: a fresh `python -m venv` without the
# system site-packages, Debian's pure-Python wheel 0.38 (setuptools < 70.1
# needs it to build a wheel; neither venv brings it), then `pip install
# --no-index --no-build-isolation` of the sdist, which builds the
# extension against the libmio that pkg-config finds in PKG_CONFIG_DIR.
# Without build isolation the venv's own setuptools is the build backend
# (ensurepip's: Debian's 66 for Debian's python3, CPython's bundled 65.5
# for a pyenv one; Debian's setuptools wheel cannot serve a non-Debian
# Python: "AttributeError: install_layout").
#
#   venv-install.sh PYTHON VENV_DIR SDIST PKG_CONFIG_DIR
#
# Prints each command ("$ ...") and its output: the transcript; exit
# status 0 once the package is installed.  Used by .ci/steps/47-packaging.sh
# (its venv rows) and bench/bindings/run.sh (the W1 row from a venv).
set -u
py=$1 v=$2 sdist=$3 pc=$4
echo "\$ $py -m venv $v"
"$py" -m venv "$v" || exit 1
echo "\$ grep include-system-site-packages $v/pyvenv.cfg"
grep include-system-site-packages "$v/pyvenv.cfg"
grep -qx 'include-system-site-packages = false' "$v/pyvenv.cfg" ||
	{ echo "system site-packages in the venv"; exit 1; }
echo "\$ $v/bin/python -m pip list"
"$v/bin/python" -m pip list 2>/dev/null
echo "\$ $v/bin/python -m pip install --no-index --find-links /usr/share/python-wheels wheel"
"$v/bin/python" -m pip install --no-index --find-links /usr/share/python-wheels wheel || exit 1
echo "\$ PKG_CONFIG_PATH=$pc $v/bin/python -m pip install --no-index --no-build-isolation -v $sdist"
PKG_CONFIG_PATH=$pc "$v/bin/python" -m pip install --no-index --no-build-isolation -v "$sdist" || exit 1
echo "\$ $v/bin/python -m pip list"
"$v/bin/python" -m pip list 2>/dev/null
