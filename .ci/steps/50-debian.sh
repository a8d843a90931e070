#!/bin/bash
# 50-debian.sh - the Debian packages as a distribution makes and uses them.
#
# Global state this step changes (for the integrator's lanes):
#  - installs the four packages it builds (apt-get install ./*.deb) and
#    removes at exit those that were not installed before it ran;
#  - autopkgtest's null runner installs the tests' Depends with apt; they
#    are all in .ci/packages/debian.txt, so on a CI machine nothing new
#    is installed (anything that was would stay);
#  - takes the dpkg/apt lock while installing and removing.
# Files: $SRCDIR/_build/50-debian only.  Expected time: about 200 s on 2
# cores (two package builds, autopkgtest, the installed-package checks).
#
#  1. source: the orig tarball is `make dist`'s (the one in $BUILD when
#     .ci/test-all made it, else made here), format 3.0 (quilt), the
#     Debian version <upstream>-1 or later;
#  2. build A: dpkg-buildpackage -us -uc (source and binaries), TZ=UTC,
#     LC_ALL=C.UTF-8, umask 022; build B: binaries only, another
#     directory (deeper, other name), TZ=Pacific/Kiritimati (UTC+14),
#     LC_ALL=C, umask 002, DEB_BUILD_OPTIONS=nocheck as A.  Every .deb of
#     B must equal A's byte for byte; a difference is shown by diffoscope;
#  3. blhc on A's build log; hardening-check on every ELF object of the
#     packages; lintian (source and binaries) with no error; the exported
#     symbols equal debian/libmio1.symbols; the package contents (static
#     library with LTO sections, CMake package, mio.cdef, examples,
#     README.md and NEWS in every package);
#  4. installed: autopkgtest of A's .dsc on the installed .debs (-- null); the
#     LuaJIT, cffi and Lua blocks of the *installed* README.md and mio(7)
#     run as printed (ffi/doc-snippets.py); the C examples built from
#     /usr/share/doc/libmio-dev/examples and echo-tested, shared and
#     static; the Python and Lua examples of python3-mio and lua-mio;
#     man pages, every function and type of mio.h opening one.
#
# Every piece is required; MIO_DEB_ALLOW_MISSING=1 turns a missing
# binding or man pages into SKIP lines (built with the nopython, nolua,
# nodoc profiles).  Environment: SRCDIR (required), BUILD (optional).
# ci-after: distcheck
# ci-alone: yes
# ci-seconds: 220
set -euo pipefail
: "${SRCDIR:?}"
SRCDIR=$(cd "$SRCDIR" && pwd)
W=$SRCDIR/_build/50-debian
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
start=$(date +%s)
say() { echo "-- [50-debian $(( $(date +%s) - start ))s] $*"; }
skipped=() tested=() phases=()
phase_t=$start phase_name=
phase() {   # closes the running phase (its seconds into the table), opens $1
	local now; now=$(date +%s)
	[ -n "$phase_name" ] && phases+=("$(printf '%-58s %5d' "$phase_name" $((now - phase_t)))")
	phase_name=$1 phase_t=$now
	[ -n "$1" ] && say "$1"
	return 0
}
skip() {
	if [ "${MIO_DEB_ALLOW_MISSING:-0}" = 1 ]; then echo "SKIP: $*"; skipped+=("$*"); return; fi
	echo "FAIL: $* (MIO_DEB_ALLOW_MISSING=1 to skip it)"; exit 1
}
die() { echo "FAIL: $*"; exit 1; }
pids=() installed=() preinstalled=()
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo   # apt-get only; the build needs no root

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	# Only what this step installed: "installed" never lists a package
	# that was installed before it ran (see "preinstalled").
	if [ ${#installed[@]} -gt 0 ]; then
		say "removing ${installed[*]} (installed by this step)"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 remove -y \
			"${installed[@]}" >/dev/null || echo "WARNING: apt-get remove failed"
	fi
	for p in "${preinstalled[@]}"; do
		echo "NOTE: $p was installed before this step; left installed (now this build's files)"
	done
}
trap cleanup EXIT

# ---- 1. the source package's inputs --------------------------------------
phase "orig tarball (make dist)"
version=$(sed -n 's/^AC_INIT(\[libmio\], \[\([^]]*\)\].*/\1/p' "$SRCDIR/configure.ac")
debversion=$(dpkg-parsechangelog -l "$SRCDIR/debian/changelog" -S Version)
[ "${debversion%-*}" = "$version" ] && [ "$debversion" != "$version" ] ||
	die "debian/changelog is at $debversion, configure.ac at $version: add a $version-1 entry"
[ "$(cat "$SRCDIR/debian/source/format")" = "3.0 (quilt)" ] ||
	die "debian/source/format is '$(cat "$SRCDIR/debian/source/format")', not 3.0 (quilt)"
rm -rf "$W"; mkdir -p "$W"
tarball=
if [ -n "${BUILD:-}" ] && [ -f "$BUILD/libmio-$version.tar.gz" ] && [ "$BUILD/libmio-$version.tar.gz" -nt "$SRCDIR/configure.ac" ]; then
	tarball=$BUILD/libmio-$version.tar.gz
	echo "using $tarball (make distcheck's)"
else
	[ -x "$SRCDIR/configure" ] || (cd "$SRCDIR" && autoreconf -fi >/dev/null)
	mkdir -p "$W/dist"
	(cd "$W/dist" && "$SRCDIR/configure" --disable-python --disable-lua >configure.log 2>&1 &&
		make -s dist >dist.log 2>&1) || { tail -30 "$W"/dist/*.log; die "make dist"; }
	tarball=$W/dist/libmio-$version.tar.gz
	echo "made $tarball"
fi
# (Into a variable first: grep -q closing the pipe early would make tar
# fail under pipefail.)
contents=$(tar -tzf "$tarball")
grep -qx "libmio-$version/debian/rules" <<<"$contents" || die "debian/ is not in $tarball (EXTRA_DIST)"

# ---- which parts exist: build profiles for the others ---------------------
profiles="nocheck"
have_py=no have_lua=no have_man=no
tar -xzf "$tarball" -C "$W" "libmio-$version/bindings" "libmio-$version/man" 2>/dev/null || true
if grep -q 'pyexec\|python' "$W/libmio-$version/bindings/python/Makefile.am" 2>/dev/null; then have_py=yes
else profiles+=" nopython"; skip "python3-mio: bindings/python installs nothing yet"; fi
if grep -q 'LUA' "$W/libmio-$version/bindings/lua/Makefile.am" 2>/dev/null; then have_lua=yes
else profiles+=" nolua"; skip "lua-mio: bindings/lua installs nothing yet"; fi
if ls "$W/libmio-$version"/man/*.3 "$W/libmio-$version"/man/*.7 >/dev/null 2>&1; then have_man=yes
else profiles+=" nodoc"; skip "man pages: none in the tarball yet"; fi
rm -rf "${W:?}/libmio-$version"

# ---- 2. two builds ----------------------------------------------------------
# $1 directory, $2 dpkg-buildpackage mode, then the environment: the
# tarball becomes <dir>/libmio_<version>.orig.tar.gz, unpacked beside it.
build() {
	local dir=$1 mode=$2; shift 2
	mkdir -p "$dir"
	cp "$tarball" "$dir/libmio_$version.orig.tar.gz"
	tar -xzf "$dir/libmio_$version.orig.tar.gz" -C "$dir"
	# The tarball's debian/ is the source tree's (make dist): nothing to
	# patch, so dpkg-source finds no change outside debian/.
	(cd "$dir/libmio-$version" && env "$@" DEB_BUILD_OPTIONS="nocheck parallel=2" \
		DEB_BUILD_PROFILES="$profiles" timeout 1200 dpkg-buildpackage -us -uc "$mode") \
		>"$dir/build.log" 2>&1 || { tail -60 "$dir/build.log"; die "dpkg-buildpackage in $dir (log: $dir/build.log)"; }
}
A=$W/a B=$W/b/elsewhere/with-a-longer-name
phase "build A: source + binaries (TZ=UTC, C.UTF-8, umask 022)"
(umask 022 && build "$A" -F TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8)
grep -E 'dpkg-source: info: (building|using)|dpkg-shlibdeps: warning' "$A/build.log" || true
changes=$(ls "$A"/libmio_"$debversion"_*.changes)
dsc=$A/libmio_$debversion.dsc
[ -f "$dsc" ] || die "no $dsc"
grep -q "libmio_$version.orig.tar.gz" "$dsc" && grep -q "libmio_$debversion.debian.tar" "$dsc" ||
	die "$dsc does not list the orig tarball and a debian tarball (3.0 (quilt))"
echo "source package: $(sed -n 's/^ [0-9a-f]\{64\} [0-9]* //p' "$dsc" | sort -u | tr '\n' ' ')"
debs=$(cd "$A" && ls ./*.deb | sed 's|^\./||')

phase "build B: binaries (other path, TZ=UTC+14, C, umask 002)"
(umask 002 && build "$B" -b TZ=Pacific/Kiritimati LC_ALL=C LANG=C)

phase "A and B: byte-identical .debs"
differ=()
for d in $debs; do
	[ -f "$B/$d" ] || die "build B made no $d"
	if cmp -s "$A/$d" "$B/$d"; then
		echo "identical: $d ($(sha256sum <"$A/$d" | cut -c1-16))"
	else
		echo "DIFFERS:   $d"; differ+=("$d")
	fi
done
if [ ${#differ[@]} -gt 0 ]; then
	for d in "${differ[@]}"; do
		echo "---- diffoscope $d (first 150 lines; whole: $W/diffoscope-$d.txt)"
		timeout 600 diffoscope --text "$W/diffoscope-$d.txt" "$A/$d" "$B/$d" >/dev/null 2>&1 || true
		head -150 "$W/diffoscope-$d.txt" || true
	done
	die "${#differ[@]} of $(echo "$debs" | wc -w) packages differ between two builds of the same source"
fi
tested+=("reproducible")

# ---- 3. the packages as files ----------------------------------------------
phase "blhc, hardening-check"
# blhc: every compile and link line of the log has the hardening flags
# of DEB_BUILD_MAINT_OPTIONS=hardening=+all (--debian: PIE is the
# compiler's default here).  Preprocessor-only runs ("gcc -E", which
# tests/Makefile.am uses to list mio.h's functions into a header) make
# no code for _FORTIFY_SOURCE to protect: shown, not counted.
blhc_rc=0
blhc --debian "$A/build.log" >"$W/blhc.out" 2>&1 || blhc_rc=$?
grep -E '^[A-Z]+ missing \(-D_FORTIFY_SOURCE=2\): [^ ]*gcc -E ' "$W/blhc.out" | sed 's/^/   not code: /' | cut -c1-150 || true
findings=$(grep -vE '^[A-Z]+ missing \(-D_FORTIFY_SOURCE=2\): [^ ]*gcc -E ' "$W/blhc.out" || true)
# (blhc's status 8 is "CPPFLAGS missing": those lines alone.)
if [ -n "$findings" ] || { [ $blhc_rc -ne 0 ] && [ $blhc_rc -ne 8 ]; }; then
	printf '%s\n' "$findings"; die "blhc (status $blhc_rc) found build lines without the hardening flags ($A/build.log)"
fi
echo "blhc --debian: $(grep -cE '(^|: )(libtool: (compile|link): )?[a-z0-9_-]*gcc ' "$A/build.log" || true) compiler lines, no finding"
x=$W/x; rm -rf "$x"; mkdir -p "$x"
for d in $debs; do dpkg-deb -x "$A/$d" "$x/${d%%_*}"; done
# --nocfprotection: no shared object linked on Debian 12 can carry the
# IBT/SHSTK property hardening-check looks for, whatever it is compiled
# with, because libc6-dev's crti.o and crtn.o lack it (ld -z
# cet-report=warning says so) and the linker keeps only what every input
# has; Debian adds -fcf-protection from dpkg 1.22 (trixie).  Its line is
# still printed.
nobj=0
while read -r f; do
	case $f in *.a) continue ;; esac
	nobj=$((nobj + 1))
	if ! hardening-check --nocfprotection "$f" >"$W/hardening.out" 2>&1; then
		cat "$W/hardening.out"; die "hardening-check: ${f#"$x"/}"
	fi
	echo "hardening-check: ${f#"$x"/}: $(grep -c ': yes' "$W/hardening.out") yes, $(grep -c 'ignored\|unknown' "$W/hardening.out") ignored or unknown ($(grep -E 'Stack clash|Control flow' "$W/hardening.out" | sed 's/^ *//' | tr '\n' ';'))"
done < <(find "$x" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
[ $nobj -gt 0 ] || die "no ELF object in the packages"

phase "package contents, lintian, symbols"
listing() { dpkg -c "$A/$1" | awk '{ print $NF }'; }
dev=$(echo "$debs" | grep '^libmio-dev_')
lst=$(listing "$dev")
for f in "./usr/lib/$MA/libmio.a" "./usr/lib/$MA/libmio/mio.cdef" \
	 "./usr/lib/$MA/cmake/mio/mio-config.cmake" "./usr/lib/$MA/cmake/mio/mio-config-version.cmake" \
	 ./usr/share/doc/libmio-dev/examples/Makefile ./usr/share/doc/libmio-dev/examples/tcp_server.c \
	 ./usr/share/doc/libmio-dev/examples/tcp_echo.h; do
	grep -qx -- "$f" <<<"$lst" || die "libmio-dev lacks $f"
done
nlto=$(objdump -h "$x/libmio-dev/usr/lib/$MA/libmio.a" | grep -c '\.gnu\.lto_' || true)
[ "$nlto" -gt 0 ] || die "libmio.a lost its LTO sections (dh_strip?)"
# Upstream's README.md and NEWS (as changelog.gz) in every package; the
# modules' examples in theirs.
for d in $debs; do
	p=${d%%_*}; lst=$(listing "$d")
	case $p in *-dbgsym) continue ;; esac   # debug symbols only
	# (dh_compress gzips README.md, as it does any doc over 4 KiB.)
	grep -qxE -- "\./usr/share/doc/$p/README\.md(\.gz)?" <<<"$lst" || die "$p lacks /usr/share/doc/$p/README.md"
	grep -qx -- "./usr/share/doc/$p/changelog.gz" <<<"$lst" || die "$p lacks /usr/share/doc/$p/changelog.gz"
	grep -q "^Version $version" <(zcat "$x/$p/usr/share/doc/$p/changelog.gz") ||
		die "$p: /usr/share/doc/$p/changelog.gz is not upstream's NEWS of $version"
done
ex_py=$(listing "$(echo "$debs" | grep '^python3-mio_' || echo none)" 2>/dev/null | grep -c '^./usr/share/doc/python3-mio/examples/.' || true)
ex_lua=$(listing "$(echo "$debs" | grep '^lua-mio_' || echo none)" 2>/dev/null | grep -c '^./usr/share/doc/lua-mio/examples/.' || true)
[ $have_py = no ] || [ "$ex_py" -gt 0 ] || die "python3-mio has no examples"
[ $have_lua = no ] || [ "$ex_lua" -gt 0 ] || die "lua-mio has no examples"
echo "contents: libmio.a ($nlto LTO sections), CMake package, mio.cdef, C examples; README.md + NEWS in $(echo "$debs" | wc -w) packages; examples: python3-mio $ex_py, lua-mio $ex_lua"

# python3-mio: the package mio/ (stub, py.typed, selector) with the
# extension for every Python 3 `py3versions -s` lists; lua-mio: a module
# for every Lua (LuaJIT loads 5.1's), and Provides: lua5.X-mio.
if [ $have_py = yes ]; then
	deb=$(echo "$debs" | grep '^python3-mio_')
	lst=$(listing "$deb")
	pd=./usr/lib/python3/dist-packages/mio
	for f in __init__.py __init__.pyi py.typed selector.py; do
		grep -qx -- "$pd/$f" <<<"$lst" || die "python3-mio lacks $pd/$f"
	done
	for v in $(py3versions -sv); do
		grep -qE -- "^$pd/_mio\.cpython-${v/./}-$MA\.so\$" <<<"$lst" ||
			die "python3-mio has no extension for Python $v ($pd/_mio.cpython-${v/./}-$MA.so)"
	done
	! grep -qE '/(mio|mio_selector)\.pyi?$|/_mio[^/]*\.so$' <<<"$(grep -v "^$pd/" <<<"$lst")" ||
		die "python3-mio installs modules outside the package mio/"
	echo "python3-mio: $(grep -c "^$pd/" <<<"$lst") entries in mio/ (py.typed, stub, extension for Python $(py3versions -sv | tr '\n' ' '| sed 's/ $//'))"
fi
if [ $have_lua = yes ]; then
	deb=$(echo "$debs" | grep '^lua-mio_')
	lst=$(listing "$deb")
	for abi in 5.1 5.2 5.3 5.4; do
		grep -qx -- "./usr/lib/$MA/lua/$abi/mio.so" <<<"$lst" || die "lua-mio lacks /usr/lib/$MA/lua/$abi/mio.so"
	done
	provides=$(dpkg-deb -f "$A/$deb" Provides)
	for abi in 5.1 5.2 5.3 5.4; do
		grep -q "lua$abi-mio" <<<"$provides" || die "lua-mio does not provide lua$abi-mio ($provides)"
	done
	echo "lua-mio: mio.so for Lua 5.1 5.2 5.3 5.4; Provides: $provides"
fi

lint_rc=0
lintian --fail-on error --display-info "$changes" >"$W/lintian.out" 2>&1 || lint_rc=$?
grep -v '^running with root' "$W/lintian.out" || true
[ $lint_rc -eq 0 ] || die "lintian reported errors (status $lint_rc)"
echo "lintian: $(grep -c '^E:' "$W/lintian.out") errors, $(grep -c '^W:' "$W/lintian.out") warnings, $(grep -c '^I:' "$W/lintian.out") info"

# dpkg-gensymbols does not flag a listed symbol missing from the library
# while its minimal version is the version being built, so compare the
# packaged library with the symbols file here, both ways; the file is
# what gen-symbols makes of lib/libmio.sym.
if ! "$SRCDIR/debian/gen-symbols" "$SRCDIR/lib/libmio.sym" "$A/libmio-$version/include/mio.h" |
	diff -u "$SRCDIR/debian/libmio1.symbols" -; then
	die "regenerate with: debian/gen-symbols lib/libmio.sym <build>/include/mio.h > debian/libmio1.symbols"
fi
objdump -T "$x/libmio1/usr/lib/$MA/libmio.so.1" |
	awk '$0 ~ /DF|DO/ && $0 !~ /\*UND\*/ { v = $(NF-1); gsub(/[()]/, "", v); print $NF "@" v }
	     $0 ~ /ABS/ && $NF ~ /^MIO_/ { print $NF "@" $NF }' | sort -u >"$W/exported"
# Lines qualified for other architectures, "(arch-bits=32|arch=!x32)sym",
# are left out here (dpkg-gensymbols applies them; this check does not).
awk '/^ / && $1 !~ /^\(/ { print $1 }' "$SRCDIR/debian/libmio1.symbols" | sort -u >"$W/listed"
diff -u "$W/listed" "$W/exported" ||
	die "libmio.so.1 and debian/libmio1.symbols differ (- listed only, + exported only)"
echo "$(wc -l <"$W/exported") versioned symbols, all listed"

# ---- 4. installed ------------------------------------------------------------
phase "apt-get install ./*.deb"
for d in $debs; do
	p=${d%%_*}
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		preinstalled+=("$p $(dpkg-query -W -f='${Version}' "$p")")
	else
		installed+=("$p")
	fi
done
echo "installed before this step: ${preinstalled[*]:-none}"
(cd "$A" && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
	--reinstall $(printf './%s ' $debs)) >"$W/apt.log" 2>&1 || { cat "$W/apt.log"; die "apt-get install"; }
for d in $debs; do
	p=${d%%_*}
	[ "$(dpkg-query -W -f='${Status} ${Version}' "$p")" = "install ok installed $debversion" ] ||
		die "$p $debversion is not installed"
done

phase "autopkgtest (null runner)"
# The source package's tests against A's binaries, installed just above
# (given as .debs too, the null runner reinstalls all of them before
# each test: 105 s instead of 53 here); -B: nothing is built again.
# Debian's own interpreters (python3 first on PATH may be another one).
if ! (cd "$W" && PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 900 autopkgtest -B --output-dir "$W/autopkgtest" --summary-file "$W/autopkgtest.summary" \
	"$dsc" -- null) >"$W/autopkgtest.log" 2>&1; then
	tail -80 "$W/autopkgtest.log"; cat "$W/autopkgtest.summary" 2>/dev/null || true
	die "autopkgtest (log: $W/autopkgtest.log)"
fi
echo "autopkgtest summary:"; sed 's/^/   /' "$W/autopkgtest.summary"
ntests=$(wc -l <"$W/autopkgtest.summary")
npass=$(grep -c ' PASS' "$W/autopkgtest.summary" || true)
[ "$ntests" -ge 5 ] && [ "$npass" -eq "$ntests" ] || die "autopkgtest: $npass of $ntests passed"
tested+=("autopkgtest $npass/$ntests")

run=$(mktemp -d "$W/run.XXXXXX")
cd "$run"   # away from the source and build trees
unset LD_LIBRARY_PATH PYTHONPATH LUA_CPATH LUA_CPATH_5_4 LUA_PATH LUA_PATH_5_4 PKG_CONFIG_PATH CMAKE_PREFIX_PATH || true
[ "$(pkg-config --modversion mio)" = "$version" ] || die "pkg-config --modversion mio is not $version"
[ "$(pkg-config --variable=cdef mio)" = "/usr/lib/$MA/libmio/mio.cdef" ] ||
	die "pkg-config --variable=cdef mio is '$(pkg-config --variable=cdef mio)'"
echo "pkg-config mio: $(pkg-config --cflags --libs mio); cdef: $(pkg-config --variable=cdef mio)"

# A doc or example as packaged: dh_compress may have gzipped it.
example() {
	local f=$1
	[ -f "$f" ] && { echo "$f"; return; }
	[ -f "$f.gz" ] && { zcat "$f.gz" >"$run/$(basename "$f")"; echo "$run/$(basename "$f")"; return; }
	return 1
}

phase "the installed README.md and mio(7): their blocks, as printed"
f=$(example /usr/share/doc/libmio-dev/README.md) || die "no /usr/share/doc/libmio-dev/README.md"
[ "$f" = "$run/README.md" ] || cp "$f" "$run/README.md"
only=luajit-cdef,cffi-cdef
if [ $have_man = yes ]; then
	zcat "/usr/share/man/man7/mio.7.gz" >"$run/mio.7"
	[ $have_lua = yes ] && only+=,lua-echo-server
fi
LUA=lua5.4 PYTHON=/usr/bin/python3 timeout 300 /usr/bin/python3 "$SRCDIR/ffi/doc-snippets.py" --only "$only" \
	"$version" "$run/README.md" $( [ $have_man = yes ] && echo "$run/mio.7") || die "doc-snippets on the installed docs"
tested+=("doc-snippets")

# An echo client: connect (retrying while the server starts), send a small
# message and then 256 KiB (partial writes on the server side), expect the
# same bytes back.  Bounded by its own timeouts.
cat >client.py <<'PY'
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
PY
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

phase "the installed examples (C, Python, Lua)"
ex=/usr/share/doc/libmio-dev/examples
cp -r "$ex" "$run/examples"
make -C "$run/examples" >"$run/examples.log" 2>&1 || { cat "$run/examples.log"; die "make -C examples"; }
make -C "$run/examples" static >>"$run/examples.log" 2>&1 || { cat "$run/examples.log"; die "make static"; }
echo "built: $(cd "$run/examples" && find . -maxdepth 1 -type f -perm -u+x | sed 's|./||' | sort | tr '\n' ' ')"
# /lib is /usr/lib on merged-/usr systems: compare real paths.
used=$(ldd "$run/examples/tcp_server" | awk '$1 == "libmio.so.1" { print $3 }')
[ -n "$used" ] && [ "$(readlink -f "$used")" = "$(readlink -f "/usr/lib/$MA/libmio.so.1")" ] ||
	{ ldd "$run/examples/tcp_server"; die "tcp_server does not use the packaged /usr/lib/$MA/libmio.so.1"; }
echo_test tcp_server "$run/examples/tcp_server"
deps=$(ldd "$run/examples/tcp_server_static" 2>&1 || true)
! grep -q libmio <<<"$deps" || { echo "$deps"; die "tcp_server_static loads libmio.so"; }
echo_test tcp_server_static "$run/examples/tcp_server_static"
# Each installed interpreter loads its module from the package and runs a
# poll (bindings/*/poll-smoke.*); the packaged examples are echo-tested.
if [ $have_py = yes ]; then
	where=$(/usr/bin/python3 -I -c 'import mio; print(mio.__file__)')
	echo "import mio -> $where"
	[ "$where" = /usr/lib/python3/dist-packages/mio/__init__.py ] || die "mio not the package in dist-packages"
	for v in $(py3versions -sv); do
		# /usr/bin: Debian's python3.X, not a pyenv shim of that name.
		[ -x "/usr/bin/python$v" ] || { skip "python$v: not installed"; continue; }
		"/usr/bin/python$v" -I - "python$v" /usr/lib/python3/dist-packages <"$SRCDIR/bindings/python/poll-smoke.py" ||
			die "python$v with python3-mio"
		tested+=("python$v")
	done
	f=$(example /usr/share/doc/python3-mio/examples/echo_server.py) || die "python3-mio: no examples/echo_server.py"
	echo_test python-echo /usr/bin/python3 -I "$f"
fi
if [ $have_lua = yes ]; then
	for lua in lua5.1 lua5.2 lua5.3 lua5.4 luajit; do
		abi=${lua#lua}; [ "$lua" = luajit ] && abi=5.1
		if ! command -v "$lua" >/dev/null; then skip "$lua: not installed"; continue; fi
		"$lua" "$SRCDIR/bindings/lua/poll-smoke.lua" "$lua" "/usr/lib/$MA/lua/$abi" ||
			die "$lua with lua-mio, from /usr/lib/$MA/lua/$abi"
		tested+=("$lua")
	done
	where=$(lua5.4 -e 'require "mio"; print(package.searchpath("mio", package.cpath))')
	echo "require \"mio\" -> $where"
	[ "$where" = "/usr/lib/$MA/lua/5.4/mio.so" ] || die "mio not from /usr/lib/$MA/lua/5.4"
	for e in echo_server coroutine_echo; do
		f=$(example "/usr/share/doc/lua-mio/examples/$e.lua") || die "lua-mio: no examples/$e.lua"
		echo_test "lua-$e" lua5.4 "$f"
	done
	f=$(example /usr/share/doc/lua-mio/examples/echo_server.lua)
	echo_test luajit-echo luajit "$f"
fi

if [ $have_man = yes ]; then
	phase "man pages from libmio-dev"
	for page in "3 mio_poll" "7 mio" "3 mio_event_info" "3 mio_tcp_socket"; do
		# shellcheck disable=SC2086
		out=$(MANPAGER=cat MANWIDTH=80 man $page 2>&1) || { echo "$out"; die "man $page"; }
		echo "man $page: $(echo "$out" | wc -l) lines; $(echo "$out" | sed -n '/^NAME/{n;p;q}' | sed 's/^ *//')"
	done
	# Every function and type of mio.h opens with man 3 <name>.
	nopage=0
	for f in $(cpp -P /usr/include/mio.h | grep -oE '\bmio_[a-z0-9_]+[[:space:]]*\(' | grep -oE 'mio_[a-z0-9_]+' | sort -u) \
		 $(cpp -P /usr/include/mio.h | grep -oE '\bmio_[a-z0-9_]+[[:space:]]*;' | grep -oE 'mio_[a-z0-9_]+' | sort -u); do
		man -w 3 "$f" >/dev/null 2>&1 || { echo "no man page: $f"; nopage=$((nopage + 1)); }
	done
	[ $nopage -eq 0 ] || die "$nopage functions or types have no installed man page"
	tested+=("man")
fi
phase ""

cd "$W"
echo
echo "50-debian summary"
printf '%-58s %5s\n' phase seconds
printf '%s\n' "${phases[@]}"
printf '%-58s %5d\n' total $(( $(date +%s) - start ))
echo "packages: $(echo $debs)"
echo "tested:   ${tested[*]:-none}"
for s in "${skipped[@]}"; do echo "skipped:  $s"; done
echo "50-debian: OK"
