#!/bin/bash
# 50-debian.sh - build the Debian packages from the dist tarball, lint
# them, install them on this machine and use libmio the way a user of the
# distribution does: a C program built with pkg-config, the Python and
# Lua modules from Debian's interpreters, the manual pages.  Everything is
# removed again at the end, also on failure.
#
# Every piece (library, man pages, both bindings, the three echo
# examples) is required: one that is missing fails the step.  For a tree
# that lacks some on purpose, MIO_DEB_ALLOW_MISSING=1 turns those into
# SKIP lines (the missing bindings/man pages are then left out of the
# build with the nopython/nolua/nodoc build profiles).
#
# Environment (from .ci/test-all): SRCDIR, BUILD (configured, built,
# checked).  Works under $SRCDIR/_build/deb only.
# ci-after: distcheck
# ci-alone: yes
# ci-seconds: 100
set -euo pipefail
: "${SRCDIR:?}" "${BUILD:?}"
WORK=$SRCDIR/_build/deb
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
start=$(date +%s)
say() { echo "-- [50-debian $(( $(date +%s) - start ))s] $*"; }
skipped=() tested=()
skip() {
	if [ "${MIO_DEB_ALLOW_MISSING:-0}" = 1 ]; then echo "SKIP: $*"; skipped+=("$*"); return; fi
	echo "FAIL: $* (MIO_DEB_ALLOW_MISSING=1 to skip it)"; exit 1
}
pids=() installed=() preinstalled=()
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo   # apt-get only; the build needs no root

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	# Only what this step installed: "installed" never lists a package
	# that was installed before it ran (see "preinstalled").
	if [ ${#installed[@]} -gt 0 ]; then
		say "removing ${installed[*]} (installed by this step)"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y "${installed[@]}" >/dev/null ||
			echo "WARNING: apt-get remove failed"
	fi
	for p in "${preinstalled[@]}"; do
		echo "NOTE: $p was installed before this step; left installed (now this build's files)"
	done
}
trap cleanup EXIT

# ---- the symbols file is what gen-symbols makes of lib/libmio.sym ------
say "debian/libmio1.symbols up to date with lib/libmio.sym"
if ! "$SRCDIR/debian/gen-symbols" "$SRCDIR/lib/libmio.sym" "$BUILD/include/mio.h" |
	diff -u "$SRCDIR/debian/libmio1.symbols" -; then
	echo "FAIL: regenerate with: debian/gen-symbols > debian/libmio1.symbols"; exit 1
fi

# ---- dist tarball, unpacked ------------------------------------------
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$BUILD/Makefile")
debversion=$(dpkg-parsechangelog -l "$SRCDIR/debian/changelog" -S Version)
[ "${debversion%%-*}" = "$version" ] ||
	{ echo "FAIL: debian/changelog is at $debversion, configure at $version: add a changelog entry"; exit 1; }
say "make dist ($version) in $BUILD"
make -C "$BUILD" -s dist >/dev/null
tarball=$BUILD/libmio-$version.tar.gz
rm -rf "$WORK"; mkdir -p "$WORK"
tar -xzf "$tarball" -C "$WORK"
src=$WORK/libmio-$version
if [ ! -d "$src/debian" ]; then
	echo "NOTE: debian/ is not in the tarball (top-level EXTRA_DIST); copying it from $SRCDIR"
	cp -r "$SRCDIR/debian" "$src/"
fi

# ---- which parts exist: build profiles for the others -----------------
profiles="nocheck"
have_py=no have_lua=no have_man=no
if grep -q 'pyexec' "$src/bindings/python/Makefile.am" 2>/dev/null; then have_py=yes
else profiles+=" nopython"; skip "python3-mio: bindings/python installs nothing yet"; fi
if grep -q 'LUA_LIBDIR' "$src/bindings/lua/Makefile.am" 2>/dev/null; then have_lua=yes
else profiles+=" nolua"; skip "lua-mio: bindings/lua installs nothing yet"; fi
if ls "$src"/man/*.3 "$src"/man/*.7 >/dev/null 2>&1; then have_man=yes
else profiles+=" nodoc"; skip "man pages: none in the tarball yet"; fi

# ---- build ------------------------------------------------------------
say "dpkg-buildpackage -us -uc -b (profiles: $profiles)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES="$profiles" \
	timeout 1200 dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
	tail -60 "$WORK/build.log"; echo "FAIL: dpkg-buildpackage (log: $WORK/build.log)"; exit 1
fi
grep -E 'dpkg-gensymbols|dpkg-shlibdeps: warning' "$WORK/build.log" || true
changes=$(ls "$WORK"/libmio_"$version"_*.changes)
debs=$(ls "$WORK"/*.deb)
for d in $debs; do echo "== dpkg -c $(basename "$d")"; dpkg -c "$d"; done

# libmio-dev: the static library, the examples with their Makefile, mio.cdef.
dev=$(ls "$WORK"/libmio-dev_"$version"_*.deb)
# (Into a variable first: grep -q closing the pipe early would make
# dpkg -c fail under pipefail.)
listing=$(dpkg -c "$dev" | awk '{ print $NF }')
for f in "./usr/lib/$MA/libmio.a" "./usr/lib/$MA/libmio/mio.cdef" \
	 ./usr/share/doc/libmio-dev/examples/Makefile ./usr/share/doc/libmio-dev/examples/tcp_server.c \
	 ./usr/share/doc/libmio-dev/examples/tcp_echo.h; do
	grep -qx -- "$f" <<<"$listing" || { echo "FAIL: libmio-dev lacks $f"; exit 1; }
done
x=$WORK/x-libmio-dev; rm -rf "$x"; dpkg-deb -x "$dev" "$x"
nlto=$(objdump -h "$x/usr/lib/$MA/libmio.a" | grep -c '\.gnu\.lto_' || true)
[ "$nlto" -gt 0 ] || { echo "FAIL: libmio.a lost its LTO sections (dh_strip?)"; exit 1; }
echo "libmio-dev: libmio.a ($nlto LTO sections), examples, Makefile, mio.cdef"

# python3-mio: the package mio/ (stub, py.typed, selector) with the
# extension for every Python 3 `py3versions -s` lists; lua-mio: a module
# for every Lua (LuaJIT loads 5.1's), and Provides: lua5.X-mio.
if [ $have_py = yes ]; then
	deb=$(ls "$WORK"/python3-mio_*.deb)
	listing=$(dpkg -c "$deb" | awk '{ print $NF }')
	pd=./usr/lib/python3/dist-packages/mio
	for f in __init__.py __init__.pyi py.typed selector.py; do
		grep -qx -- "$pd/$f" <<<"$listing" || { echo "FAIL: python3-mio lacks $pd/$f"; exit 1; }
	done
	for v in $(py3versions -sv); do
		grep -qE -- "^$pd/_mio\.cpython-${v/./}-$MA\.so\$" <<<"$listing" ||
			{ echo "FAIL: python3-mio has no extension for Python $v ($pd/_mio.cpython-${v/./}-$MA.so)"; exit 1; }
	done
	! grep -qE '/(mio|mio_selector)\.pyi?$|/_mio[^/]*\.so$' <<<"$(grep -v "^$pd/" <<<"$listing")" ||
		{ echo "FAIL: python3-mio installs modules outside the package mio/"; exit 1; }
	echo "python3-mio: $(grep -c "^$pd/" <<<"$listing") entries in mio/ (py.typed, stub, extension for Python $(py3versions -sv | tr '\n' ' '| sed 's/ $//'))"
fi
if [ $have_lua = yes ]; then
	deb=$(ls "$WORK"/lua-mio_*.deb)
	listing=$(dpkg -c "$deb" | awk '{ print $NF }')
	for abi in 5.1 5.2 5.3 5.4; do
		grep -qx -- "./usr/lib/$MA/lua/$abi/mio.so" <<<"$listing" ||
			{ echo "FAIL: lua-mio lacks /usr/lib/$MA/lua/$abi/mio.so"; exit 1; }
	done
	provides=$(dpkg-deb -f "$deb" Provides)
	for abi in 5.1 5.2 5.3 5.4; do
		grep -q "lua$abi-mio" <<<"$provides" || { echo "FAIL: lua-mio does not provide lua$abi-mio ($provides)"; exit 1; }
	done
	echo "lua-mio: mio.so for Lua 5.1 5.2 5.3 5.4; Provides: $provides"
fi

say "lintian"
lint_rc=0
lintian --fail-on error --display-info "$changes" >"$WORK/lintian.out" 2>&1 || lint_rc=$?
grep -v '^running with root' "$WORK/lintian.out" || true
[ $lint_rc -eq 0 ] || { echo "FAIL: lintian reported errors (status $lint_rc)"; exit 1; }
echo "lintian: $(grep -c '^E:' "$WORK/lintian.out") errors, $(grep -c '^W:' "$WORK/lintian.out") warnings, $(grep -c '^I:' "$WORK/lintian.out") info"

# dpkg-gensymbols does not flag a listed symbol missing from the library
# while its minimal version is the version being built (1.0.0 now), so
# compare the packaged library with the symbols file here, both ways.
say "exported symbols == debian/libmio1.symbols"
x=$WORK/x-libmio1; rm -rf "$x"; dpkg-deb -x "$WORK"/libmio1_"$version"_*.deb "$x"
objdump -T "$x/usr/lib/$MA/libmio.so.1" |
	awk '$0 ~ /DF|DO/ && $0 !~ /\*UND\*/ { v = $(NF-1); gsub(/[()]/, "", v); print $NF "@" v }
	     $0 ~ /ABS/ && $NF ~ /^MIO_/ { print $NF "@" $NF }' | sort -u >"$WORK/exported"
# Lines qualified for other architectures, "(arch-bits=32|arch=!x32)sym",
# are left out here (dpkg-gensymbols applies them; this check does not).
awk '/^ / && $1 !~ /^\(/ { print $1 }' "$SRCDIR/debian/libmio1.symbols" | sort -u >"$WORK/listed"
if ! diff -u "$WORK/listed" "$WORK/exported"; then
	echo "FAIL: libmio.so.1 and debian/libmio1.symbols differ (- listed only, + exported only)"; exit 1
fi
echo "$(wc -l <"$WORK/exported") versioned symbols, all listed"

# ---- install and use the installed files only --------------------------
say "apt-get install ./*.deb"
for d in $debs; do
	p=$(dpkg-deb -f "$d" Package)
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		preinstalled+=("$p $(dpkg-query -W -f='${Version}' "$p")")
	else
		installed+=("$p")
	fi
done
echo "installed before this step: ${preinstalled[*]:-none}"
(cd "$WORK" && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall ./*.deb) >"$WORK/apt.log" 2>&1 ||
	{ cat "$WORK/apt.log"; echo "FAIL: apt-get install"; exit 1; }
for d in $debs; do p=$(dpkg-deb -f "$d" Package); dpkg -s "$p" | grep -q '^Status: install ok installed' ||
	{ echo "FAIL: $p not installed"; exit 1; }; done

run=$(mktemp -d "$WORK/run.XXXXXX")
cd "$run"   # away from the source and build trees
unset LD_LIBRARY_PATH PYTHONPATH LUA_CPATH LUA_CPATH_5_4 LUA_PATH LUA_PATH_5_4 PKG_CONFIG_PATH || true

[ "$(pkg-config --modversion mio)" = "$version" ] ||
	{ echo "FAIL: pkg-config --modversion mio is not $version"; exit 1; }
echo "pkg-config mio: $(pkg-config --cflags --libs mio)"

# An echo client: connect (retrying while the server starts), send a small
# message and then 256 KiB (partial writes on the server side), expect the
# same bytes back.  Bounded by its own timeouts.
cat >client.py <<'EOF'
import os, socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
deadline = time.time() + 15
while True:
    try:
        s = socket.create_connection((host, int(port)), timeout=5); break
    except OSError:
        if time.time() > deadline: raise
        time.sleep(0.1)
s.settimeout(20)
for payload in (b"hello mio\n", os.urandom(256 * 1024)):
    s.sendall(payload)
    got = b""
    while len(got) < len(payload):
        chunk = s.recv(65536)
        if not chunk: sys.exit("server closed after %d of %d bytes" % (len(got), len(payload)))
        got += chunk
    if got != payload: sys.exit("echoed bytes differ")
s.close()
print("echo ok: %d + %d bytes" % (10, 256 * 1024))
EOF
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo_test() {   # name, command...
	local name=$1; shift
	local addr=127.0.0.1:$(free_port)
	timeout 60 "$@" "$addr" >"$run/$name.out" 2>&1 &
	local pid=$!; pids+=("$pid")
	if /usr/bin/python3 client.py "$addr"; then
		kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
		tested+=("$name"); return 0
	fi
	kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
	echo "FAIL: $name (server output:)"; cat "$run/$name.out"; exit 1
}

say "C: the installed examples, built with their Makefile in a copy"
ex=/usr/share/doc/libmio-dev/examples
[ -f "$ex/Makefile" ] || { echo "FAIL: $ex/Makefile not installed"; exit 1; }
cp -r "$ex" "$run/examples"
make -C "$run/examples" >"$run/examples.log" 2>&1 || { cat "$run/examples.log"; echo "FAIL: make -C examples"; exit 1; }
make -C "$run/examples" static >>"$run/examples.log" 2>&1 || { cat "$run/examples.log"; echo "FAIL: make static"; exit 1; }
echo "built: $(cd "$run/examples" && find . -maxdepth 1 -type f -perm -u+x | sed 's|./||' | sort | tr '\n' ' ')"
# /lib is /usr/lib on merged-/usr systems: compare real paths.
used=$(ldd "$run/examples/tcp_server" | awk '$1 == "libmio.so.1" { print $3 }')
[ -n "$used" ] && [ "$(readlink -f "$used")" = "$(readlink -f "/usr/lib/$MA/libmio.so.1")" ] ||
	{ ldd "$run/examples/tcp_server"; echo "FAIL: tcp_server does not use the packaged /usr/lib/$MA/libmio.so.1"; exit 1; }
echo_test tcp_server "$run/examples/tcp_server"
deps=$(ldd "$run/examples/tcp_server_static")
! grep -q libmio <<<"$deps" || { echo "$deps"; echo "FAIL: tcp_server_static loads libmio.so"; exit 1; }
echo_test tcp_server_static "$run/examples/tcp_server_static"

say "FFI: the installed mio.cdef with LuaJIT and cffi, libmio.so.1 by soname"
cdef=/usr/lib/$MA/libmio/mio.cdef
if command -v luajit >/dev/null 2>&1; then
	timeout 60 luajit "$SRCDIR/ffi/test_cdef.lua" "$cdef" "$version" >"$run/luajit.log" 2>&1 ||
		{ cat "$run/luajit.log"; echo "FAIL: LuaJIT with $cdef"; exit 1; }
	tail -1 "$run/luajit.log"; tested+=("luajit-cdef")
else
	skip "LuaJIT: no luajit (apt-get install luajit)"
fi
if /usr/bin/python3 -c 'import cffi' 2>/dev/null; then
	timeout 60 /usr/bin/python3 -I "$SRCDIR/ffi/test_cdef.py" "$cdef" "$version" >"$run/cffi.log" 2>&1 ||
		{ cat "$run/cffi.log"; echo "FAIL: cffi with $cdef"; exit 1; }
	tail -1 "$run/cffi.log"; tested+=("cffi-cdef")
else
	skip "cffi: no python3-cffi"
fi

# Each installed interpreter loads its module from the package and runs a
# poll (bindings/*/poll-smoke.*).
if [ $have_py = yes ]; then
	say "Python: every supported python3.X -I, installed package"
	where=$(/usr/bin/python3 -I -c 'import mio; print(mio.__file__)')
	echo "import mio -> $where"
	[ "$where" = /usr/lib/python3/dist-packages/mio/__init__.py ] ||
		{ echo "FAIL: mio not the package in dist-packages"; exit 1; }
	for f in py.typed __init__.pyi selector.py; do
		[ -f "/usr/lib/python3/dist-packages/mio/$f" ] || { echo "FAIL: python3-mio lacks mio/$f"; exit 1; }
	done
	for v in $(py3versions -sv); do
		# /usr/bin: Debian's python3.X, not a pyenv shim of that name.
		[ -x "/usr/bin/python$v" ] || { skip "python$v: not installed"; continue; }
		"/usr/bin/python$v" -I - "python$v" /usr/lib/python3/dist-packages <"$SRCDIR/bindings/python/poll-smoke.py" ||
			{ echo "FAIL: python$v with python3-mio"; exit 1; }
		tested+=("python$v")
	done
	if [ -f "$SRCDIR/examples/python/echo_server.py" ]; then
		echo_test python-echo /usr/bin/python3 -I "$SRCDIR/examples/python/echo_server.py"
	else
		skip "Python example: examples/python/echo_server.py not in the tree yet"
	fi
fi

if [ $have_lua = yes ]; then
	say "Lua: lua5.1, lua5.2, lua5.3, lua5.4 and luajit, installed module"
	for lua in lua5.1 lua5.2 lua5.3 lua5.4 luajit; do
		abi=${lua#lua}; [ "$lua" = luajit ] && abi=5.1
		if ! command -v "$lua" >/dev/null; then skip "$lua: not installed"; continue; fi
		"$lua" "$SRCDIR/bindings/lua/poll-smoke.lua" "$lua" "/usr/lib/$MA/lua/$abi" ||
			{ echo "FAIL: $lua with lua-mio, from /usr/lib/$MA/lua/$abi"; exit 1; }
		tested+=("$lua")
	done
	if [ -f "$SRCDIR/examples/lua/echo_server.lua" ]; then
		echo_test lua-echo lua5.4 "$SRCDIR/examples/lua/echo_server.lua"
		echo_test luajit-echo luajit "$SRCDIR/examples/lua/echo_server.lua"
	else
		skip "Lua example: examples/lua/echo_server.lua not in the tree yet"
	fi
fi

if [ $have_man = yes ]; then
	say "man pages from libmio-dev"
	for page in "3 mio_poll" "7 mio"; do
		# shellcheck disable=SC2086
		out=$(MANPAGER=cat MANWIDTH=80 man $page 2>&1) || { echo "$out"; echo "FAIL: man $page"; exit 1; }
		echo "man $page: $(echo "$out" | wc -l) lines; $(echo "$out" | sed -n '/^NAME/{n;p;q}' | sed 's/^ *//')"
	done
	# Every function of mio.h should open with man 3 <name>.
	nopage=0
	for f in $(cpp -P /usr/include/mio.h | grep -oE '\bmio_[a-z0-9_]+[[:space:]]*\(' | grep -oE 'mio_[a-z0-9_]+' | sort -u); do
		man -w 3 "$f" >/dev/null 2>&1 || { echo "no man page: $f"; nopage=$((nopage + 1)); }
	done
	[ $nopage -eq 0 ] || { echo "FAIL: $nopage functions have no installed man page"; exit 1; }
	tested+=("man")
fi

say "summary"
echo "packages: $(for d in $debs; do basename "$d"; done | tr '\n' ' ')"
echo "tested:   ${tested[*]:-none}"
for s in "${skipped[@]}"; do echo "skipped:  $s"; done
echo "50-debian: OK"
