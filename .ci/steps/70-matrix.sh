#!/bin/bash
# 70-matrix.sh - the portability matrix (issue 15): the whole `make check`
# (Check suites, check_dlopen, check-symbols, the ABI and header tests,
# examples, man pages) on other compilers, C libraries and architectures.
#
# Global state this step changes (for the integrator's lanes): installs
# the packages of .ci/packages/matrix.txt that are missing (apt, dpkg
# lock); mounts binfmt_misc if it is not mounted and registers qemu-user
# for aarch64/s390x (and i386 where the kernel runs no i386 ELF) unless a
# registration exists, removing its own at exit.  It adds no dpkg
# architecture and installs no foreign package: the "foreign C library
# installed" machine state is made in a private mount namespace.  Files:
# $SRCDIR/_build/matrix only.  Expected time: about 900 s on 2 cores.
#
#   clang             CC=clang, -Werror added to the C warning flags of the
#                     library, tests and examples (MIO_CFLAGS; not SWIG's
#                     generated code), Python and Lua bindings included;
#                     then `make distcheck` with the same compiler and flags
#   i386              gcc-i686-linux-gnu (gcc -m32 would need gcc-multilib,
#                     which conflicts with the aarch64/s390x cross compilers
#                     in Debian 12), the distro default 32-bit time_t; run
#                     natively where the kernel runs i386 programs (loader
#                     and libc from libc6-i386), else under qemu-i386
#   musl              musl-gcc, libmio.so, epoll backend
#   musl-static-poll  musl-gcc, poll backend and pipe waker, every test and
#                     example linked with libmio.a (-static-libtool-libs)
#   aarch64-epoll/-poll, s390x-epoll/-poll (big-endian)
#                     cross gcc, run under qemu-user through binfmt_misc,
#                     on each backend
#
# One loader and one C library per configuration, whatever the machine
# has installed.  Under qemu, QEMU_LD_PREFIX is a private root
# ($M/qemu-root-<arch>) that has the cross toolchain's own loader and C
# library (/usr/<triplet>/lib, the ones the programs were linked
# against) at every place that loader looks: /lib, /lib/<multiarch>,
# /usr/lib/<multiarch>, and an empty /etc/ld.so.cache.  With the cross
# directory itself as the prefix, a machine that has the architecture's
# own libc through multiarch (libc6:arm64 in /lib/aarch64-linux-gnu,
# listed in the host's ld.so.cache) gave the cross loader that other
# build of libc, and every fork() child after a thread spun for ever.
# The "loader" phase tests both machine states: a thread-then-fork probe
# and each configuration's fork suite, on the machine as it is, then with
# Debian's libc6:<arch> made present (its files overlaid at their
# multiarch paths and ld.so.cache regenerated, in a private mount
# namespace), where the old prefix is also run to show that it hangs.
# i386 run natively (a kernel with IA32 emulation) uses the machine's
# i386 loader and C library (libc6-i386), one package.
#
# Check itself: for i386, arm64 and s390x, Debian's check and
# libsubunit-dev packages of that architecture, downloaded by a private apt
# configuration (its own sources list, lists and cache under _build/matrix,
# so the machine's dpkg architectures and apt state are left alone) and
# unpacked, the static libraries linked in.  musl has no Check package:
# Debian's check source package (apt-get source, deb-src of the same
# mirror) is built with musl-gcc into a private prefix.
#
# The foreign builds have no Python or Lua module (--disable-python
# --disable-lua: the host interpreters cannot load them).  check-symbols.sh
# reads the foreign library with that architecture's objdump (a PATH shim).
#
# Zero failures.  Every skipped test is printed with its reason (the end of
# its log), and every "SKIP: ..." line a Check test or an example harness
# (man/, examples/) printed for a part it could not run here: under
# qemu-user on s390x, the UDP control messages qemu copies unconverted
# (tests/cmsgprobe.h; aarch64 and i386 carry them all).  Each
# configuration's wall time is printed, then a
# table: configuration, automake tests pass/skip/fail, Check checks
# run/failed, in-test skip notes, seconds.
#
# Environment: SRCDIR (required, configured with autoreconf); MATRIX_JOBS
# configurations at once (default 2, each make -j2); MATRIX_ONLY="name ..."
# runs a subset; MATRIX_BUDGET (seconds; default: what is left of 60
# minutes since .ci/test-all started, or 1800 run alone) is the wall time
# after which no further configuration is started (one not started is
# reported NOT RUN, and the step passes only on what ran: CI's time limit
# is the hard one).  Cross configurations (i386, aarch64, s390x: qemu)
# run `make check` in tests/ (the Check suites, run-time loading, the
# symbol, header and ABI gates), man/ (every EXAMPLES program against its
# clients) and examples/ (the example servers against theirs); clang
# runs the whole tree's; musl runs the Check suites, run-time loading
# (test_ctypes.py skips: a glibc Python), the symbol and header gates,
# man/ and examples/.  Builds go to $SRCDIR/_build/matrix/<configuration>.
# ci-seconds: 840
set -euo pipefail
: "${SRCDIR:?}"
SRCDIR=$(cd "$SRCDIR" && pwd)
M=$SRCDIR/_build/matrix
JOBS=${MATRIX_JOBS:-2}
# Started from .ci/test-all, the budget is what is left of 60 minutes
# since CI started (the configurations still running then finish, inside
# CI's hard limit of 90); by itself, 30 minutes.
if [ -n "${MATRIX_BUDGET:-}" ]; then
	BUDGET=$MATRIX_BUDGET
elif [ -n "${MIO_CI_START:-}" ]; then
	BUDGET=$(( MIO_CI_START + 60 * 60 - $(date +%s) ))
	[ "$BUDGET" -gt 0 ] || BUDGET=0
else
	BUDGET=1800
fi
ALL="clang i386 musl musl-static-poll aarch64-epoll aarch64-poll s390x-epoll s390x-poll"
CONFIGS=${MATRIX_ONLY:-$ALL}
t0=$(date +%s)
stamp() { echo "== matrix [$(( $(date +%s) - t0 ))s] $*"; }
die() { echo "== matrix: $*" >&2; exit 1; }
[ -x "$SRCDIR/configure" ] || die "$SRCDIR/configure missing (autoreconf -fi first)"
mkdir -p "$M"
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

# ---- packages ------------------------------------------------------------
# .ci/packages/matrix.txt, installed here too so the step runs on a fresh
# machine by itself; nothing is done when they are already in.
install_packages() {
	local pkgs missing=
	pkgs=$(sed 's/#.*//' "$SRCDIR/.ci/packages/matrix.txt" | tr -s ' \t\n' '\n' | sed '/^$/d')
	for p in $pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	stamp "apt-get install$missing"
	$SUDO apt-get -o DPkg::Lock::Timeout=900 update >/dev/null
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y \
		--no-install-recommends $missing >/dev/null
}

# The machine's Debian mirror (deb822 .sources or one-line .list), not the
# security archive: the archive this machine is configured to use is the
# only one the step may reach, so none found is an error.
debian_mirror() {
	local u
	u=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }' |
		grep -v security | grep '/debian' | head -1 || true)
	[ -n "$u" ] || u=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; break } }' |
		grep -v security | grep '/debian' | head -1 || true)
	[ -n "$u" ] || die "no Debian mirror in /etc/apt/sources.list{,.d}"
	echo "$u"
}

# apt with its own sources, lists, cache and (empty) status: deb-src for
# Check's source, the three foreign architectures' binary indexes.
APT=$M/apt
aptp() {
	local sandbox=()
	[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
	apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
		-o Dir::State::status="$APT/status" -o Debug::NoLocking=1 \
		-o APT::Architectures::=amd64 -o APT::Architectures::=i386 \
		-o APT::Architectures::=arm64 -o APT::Architectures::=s390x \
		"${sandbox[@]}" "$@"
}

# Check for every non-native target: a sysroot per Debian architecture
# (usr/include/check.h, usr/lib/<triplet>/libcheck.a, libsubunit.a) and
# a musl build in $M/check-musl.
fetch_check() {
	local have=yes a
	for a in i386 arm64 s390x; do
		ls "$M"/sysroot-$a/usr/lib/*/libcheck.a >/dev/null 2>&1 || have=no
		[ -f "$M/multiarch-$a/ld.so.conf" ] || have=no
	done
	[ -f "$M/check-musl/include/check_stdint.h" ] || have=no
	[ $have = yes ] && { stamp "Check for i386/arm64/s390x/musl: already in $M"; return 0; }

	local mirror suite
	mirror=$(debian_mirror)
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	rm -rf "$APT" && mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs" "$APT/src"
	: > "$APT/status"
	cat > "$APT/sources.list" <<-EOF
		deb [arch=i386,arm64,s390x signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main
		deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main
	EOF
	stamp "private apt: $mirror $suite (deb i386 arm64 s390x, deb-src)"
	aptp update >"$APT/update.log" 2>&1 || { tail -20 "$APT/update.log"; die "apt-get update (private) failed"; }
	(cd "$APT/debs" && aptp download check:i386 libsubunit-dev:i386 check:arm64 \
		libsubunit-dev:arm64 check:s390x libsubunit-dev:s390x) >"$APT/download.log" 2>&1 ||
		{ tail -20 "$APT/download.log"; die "apt-get download check:<arch> failed"; }
	# Debian's own C library of each architecture, as `dpkg
	# --add-architecture` and multiarch would install it: its files
	# (/lib and /usr/lib merged, as on this merged-/usr system) and its
	# ld.so.conf.d line, for the "loader" phase's second machine state.
	mkdir -p "$APT/libc"
	(cd "$APT/libc" && aptp download libc6:i386 libgcc-s1:i386 libc6:arm64 libgcc-s1:arm64 \
		libc6:s390x libgcc-s1:s390x) >>"$APT/download.log" 2>&1 ||
		{ tail -20 "$APT/download.log"; die "apt-get download libc6:<arch> failed"; }
	for a in i386 arm64 s390x; do
		rm -rf "$M/multiarch-$a" "$M/multiarch-$a.x" && mkdir -p "$M/multiarch-$a/lib" "$M/multiarch-$a.x"
		for d in "$APT"/libc/*_$a.deb; do dpkg-deb -x "$d" "$M/multiarch-$a.x"; done
		for l in lib usr/lib; do
			[ -d "$M/multiarch-$a.x/$l" ] && cp -a "$M/multiarch-$a.x/$l/." "$M/multiarch-$a/lib/"
		done
		cat "$M/multiarch-$a.x"/etc/ld.so.conf.d/*.conf >"$M/multiarch-$a/ld.so.conf"
		rm -rf "$M/multiarch-$a.x"
	done
	ls "$APT"/libc/*.deb | sed 's|.*/|   |' 
	(cd "$APT/src" && aptp source --download-only check) >"$APT/source.log" 2>&1 ||
		{ tail -20 "$APT/source.log"; die "apt-get source check failed"; }
	for a in i386 arm64 s390x; do
		rm -rf "$M/sysroot-$a" && mkdir -p "$M/sysroot-$a"
		for d in "$APT"/debs/*_$a.deb; do dpkg-deb -x "$d" "$M/sysroot-$a"; done
	done
	ls "$APT"/debs/*.deb | sed 's|.*/|   |'

	# Check for musl: the upstream tarball inside Debian's source package
	# (Debian's patches touch packaging, docs and Check's own tests only).
	local orig
	orig=$(ls "$APT"/src/check_*.orig.tar.* | head -1)
	stamp "building Check for musl from $(basename "$orig")"
	rm -rf "$M/check-musl-src" "$M/check-musl" && mkdir -p "$M/check-musl-src"
	tar xf "$orig" -C "$M/check-musl-src"
	(cd "$M"/check-musl-src/check-* &&
		./configure CC=musl-gcc CFLAGS=-O2 --prefix="$M/check-musl" --disable-shared \
			--enable-static --disable-subunit --disable-build-docs \
			--disable-dependency-tracking &&
		make -j2 -C lib && make -j2 -C src && make -C lib install && make -C src install &&
		make install-includeHEADERS
	) >"$M/check-musl-build.log" 2>&1 || { tail -30 "$M/check-musl-build.log"; die "Check for musl did not build"; }
}

# ---- qemu-user through binfmt_misc ----------------------------------------
# aarch64 and s390x programs (the tests are run through libtool's wrapper
# scripts and exec themselves, so qemu must be the kernel's choice, not a
# prefix on a command line).  An existing qemu registration is used as it
# is; otherwise one is made here and removed at exit.
BINFMT=/proc/sys/fs/binfmt_misc
registered=()
binfmt_cleanup() {
	local n
	for n in "${registered[@]}"; do
		[ -e "$BINFMT/$n" ] && echo -1 > "$BINFMT/$n" 2>/dev/null || true
	done
	return 0
}
trap binfmt_cleanup EXIT
binfmt_setup() {   # arch...
	local arch magic mask e found
	if [ ! -e "$BINFMT/register" ]; then
		$SUDO mount -t binfmt_misc binfmt_misc "$BINFMT" ||
			die "binfmt_misc is not mounted and cannot be (aarch64/s390x need it to run under qemu-user)"
	fi
	[ "$(cat "$BINFMT/status")" = enabled ] || die "binfmt_misc is disabled ($BINFMT/status)"
	for arch in "$@"; do
		found=
		for e in "$BINFMT"/*; do
			case $e in */register|*/status) continue ;; esac
			grep -q '^enabled' "$e" 2>/dev/null && grep -q "^interpreter .*qemu-$arch" "$e" &&
				{ found=$e; break; }
		done
		if [ -n "$found" ]; then
			echo "   binfmt: $arch by $(sed -n 's/^interpreter //p' "$found")"
			continue
		fi
		case $arch in
		i386)
			magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
			mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff' ;;
		aarch64)
			magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
			mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff' ;;
		s390x)
			magic='\x7fELF\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16'
			mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff' ;;
		esac
		# F: the interpreter is opened now, so it works from any mount
		# namespace the tests might use.
		printf ':mio-qemu-%s:M::%s:%s:%s:F' "$arch" "$magic" "$mask" "$(command -v qemu-$arch)" \
			> "$BINFMT/register" || die "cannot register qemu-$arch with binfmt_misc"
		registered+=("mio-qemu-$arch")
		echo "   binfmt: $arch by $(command -v qemu-$arch) (registered as mio-qemu-$arch)"
	done
}

# ---- one configuration ------------------------------------------------------
# Sets: cc, host, confargs, triplet, qemu_prefix, check_cflags, check_libs,
# static_tests for configuration $1.
target_of() {
	cc='' host='' confargs=() triplet='' qemu_prefix='' check_cflags='' check_libs='' static_tests=no
	local deb=
	case $1 in
	clang)
		cc=clang ;;
	i386)
		# Natively or under qemu-i386, the programs run on the host's
		# i386 loader and libc (libc6-i386: /lib/ld-linux.so.2, /lib32).
		# Not the cross prefix /usr/i686-linux-gnu: its ld.so reads the
		# host's ld.so.cache, which names /lib32/libc.so.6, and a loader
		# and libc from two glibc builds (2.36-8cross1 and 2.36-9+deb12u*)
		# loop for ever in the child of every fork (reclaim_stacks walks
		# a list at the other build's offsets).  That was the "i386 hangs
		# under qemu" of the first matrix: Check forks for every test.
		# Under qemu-i386 (no IA32 emulation here) the private root of
		# the cross C library, like the other cross configurations.
		cc=i686-linux-gnu-gcc host=i686-linux-gnu triplet=i686-linux-gnu deb=i386
		[ "$i386_native" = yes ] || qemu_prefix=$M/qemu-root-i386 ;;
	musl|musl-*)
		cc=musl-gcc
		check_cflags="-I$M/check-musl/include -pthread"
		check_libs="$M/check-musl/lib/libcheck.a -lm -lrt -pthread" ;;
	aarch64-*)
		cc=aarch64-linux-gnu-gcc host=aarch64-linux-gnu triplet=aarch64-linux-gnu deb=arm64
		qemu_prefix=$M/qemu-root-arm64 ;;
	s390x-*)
		cc=s390x-linux-gnu-gcc host=s390x-linux-gnu triplet=s390x-linux-gnu deb=s390x
		qemu_prefix=$M/qemu-root-s390x ;;
	*) die "unknown configuration $1" ;;
	esac
	if [ -n "$deb" ]; then
		local root=$M/sysroot-$deb libdir
		libdir=$(dirname "$(ls "$root"/usr/lib/*/libcheck.a)")
		check_cflags="-I$root/usr/include -pthread"
		check_libs="$libdir/libcheck.a $libdir/libsubunit.a -lm -lrt -pthread"
	fi
	[ -n "$host" ] && confargs+=(--host="$host")
	[ "$1" = clang ] || confargs+=(--disable-python --disable-lua)
	case $1 in *-poll) confargs+=(--with-backend=poll --with-waker=pipe) ;; esac
	case $1 in *-static*) confargs+=(--enable-static); static_tests=yes ;; esac
	return 0
}

# Runs configuration $1 in $M/$1; its output goes to $M/$1/run.log, its
# status (0 pass) to $M/$1/status and its seconds to $M/$1/seconds.
run_config() {
	local name=$1 dir=$M/$1 start rc=0
	start=$(date +%s)
	target_of "$name"
	rm -rf "$dir" && mkdir -p "$dir"
	(
		# PATH shim: check-symbols.sh's objdump must read this
		# architecture's ELF.
		if [ -n "$triplet" ]; then
			mkdir -p "$dir/shim"
			ln -s "$(command -v "$triplet-objdump")" "$dir/shim/objdump"
			PATH=$dir/shim:$PATH
		fi
		[ -n "$qemu_prefix" ] && export QEMU_LD_PREFIX=$qemu_prefix
		echo "configure CC=$cc ${confargs[*]}"
		(cd "$dir" && "$SRCDIR/configure" CC="$cc" "${confargs[@]}" \
			${check_cflags:+CHECK_CFLAGS="$check_cflags"} ${check_libs:+CHECK_LIBS="$check_libs"} \
			>configure.out 2>&1) || { tail -30 "$dir/configure.out"; exit 1; }
		sed -n '/^libmio /,$p' "$dir/configure.out"
		grep -q '^  Check tests: *yes' "$dir/configure.out" || { echo "Check not found"; exit 1; }
		local mflags=()
		if [ "$name" = clang ]; then
			local w
			w=$(sed -n 's/^MIO_CFLAGS = //p' "$dir/Makefile")
			mflags=(MIO_CFLAGS="$w -Werror")
		fi
		make -C "$dir" -j2 "${mflags[@]}" >"$dir/make.out" 2>&1 || { tail -40 "$dir/make.out"; exit 1; }
		if [ $static_tests = yes ]; then
			[ -f "$dir/lib/.libs/libmio.a" ] || { echo "no lib/.libs/libmio.a"; exit 1; }
			mflags+=(LDFLAGS=-static-libtool-libs)
		fi
		# -k: one failing directory must not hide the others' results.
		# Cross (qemu) and musl: tests/, then the programs of the man
		# pages and the examples, run as they are (no stdbuf preload:
		# the servers flush what they print) against the host's
		# clients.  Not ffi/ and the bindings: the host's LuaJIT,
		# Python and Lua cannot load a foreign or musl library.
		local checkdirs=("$dir") tests=()
		[ -n "$triplet" ] && checkdirs=("$dir/tests" "$dir/man" "$dir/examples")
		# musl: the C library's own tests (the rest of tests/ builds
		# 1.0.0 or reads glibc ABI baselines) and test_ctypes.py, which
		# skips with its reason in a glibc Python.
		case $name in
		musl*)
			checkdirs=("$dir/tests" "$dir/man" "$dir/examples")
			tests=(TESTS="check_mio check_alloc check_fault check_dlopen test_ctypes.py check-symbols.sh check-header-modes.sh") ;;
		esac
		# Bounded: a test that hangs under emulation fails its
		# configuration instead of holding CI until its hard limit.
		: >"$dir/check.out"
		local d t0 rc=0
		for d in "${checkdirs[@]}"; do
			t0=$(date +%s)
			if [ "$d" = "$dir/tests" ] || [ "$d" = "$dir" ]; then
				timeout --kill-after=30 "${MATRIX_CHECK_TIMEOUT:-1200}" \
					make -C "$d" -k -j2 "${mflags[@]}" "${tests[@]}" check >>"$dir/check.out" 2>&1 || rc=$?
			else
				timeout --kill-after=30 "${MATRIX_CHECK_TIMEOUT:-1200}" \
					make -C "$d" -k -j2 "${mflags[@]}" check >>"$dir/check.out" 2>&1 || rc=$?
			fi
			if [ $rc -eq 0 ]; then
				echo "make check in ${d#"$M"/}: $(( $(date +%s) - t0 ))s"
			else
				echo "make check in ${d#"$M"/}: $(( $(date +%s) - t0 ))s, status $rc (124: MATRIX_CHECK_TIMEOUT)"
			fi
			rc=0
		done
		if [ $static_tests = yes ] && readelf -d "$dir/tests/check_mio" 2>/dev/null | grep -q 'libmio\.so'; then
			echo "tests/check_mio is linked with libmio.so, not libmio.a"; exit 1
		fi
		if [ "$name" = clang ]; then
			echo "make distcheck (CC=clang, ${mflags[*]})"
			local ds
			ds=$(date +%s)
			if make -C "$dir" -j2 "${mflags[@]}" DISTCHECK_CONFIGURE_FLAGS="CC=clang" distcheck \
				>"$dir/distcheck.out" 2>&1; then
				echo "distcheck: $(grep -E 'archives ready|\.tar\.gz' "$dir/distcheck.out" | tail -1 | tr -s ' ') ($(( $(date +%s) - ds ))s)"
			else
				tail -60 "$dir/distcheck.out"; echo "make distcheck: FAILED"; exit 1
			fi
		fi
	) >"$dir/run.log" 2>&1 || rc=$?
	echo $(( $(date +%s) - start )) > "$dir/seconds"
	# CPU seconds of everything the configuration ran (user + system of
	# the reaped children): the figure that predicts an idle machine.
	# (times in this shell, not in a pipeline's subshell, which has no
	# children of its own)
	times > "$dir/times"
	sed -n 2p "$dir/times" | tr 'ms' '  ' |
		awk '{ printf "%d\n", $1 * 60 + $2 + $3 * 60 + $4 }' > "$dir/cpu"
	verdict "$dir" || rc=1
	echo "$rc" > "$dir/status"
	stamp "$name finished: $( [ "$rc" = 0 ] && echo pass || echo FAILED ), $(cat "$dir/seconds")s ($(cat "$dir/cpu") CPU s)"
	return 0
}

# Reads $1/check.out and the test logs: fails unless make check ran every
# directory, no automake test failed, and every Check runner reported
# zero failures and errors.
verdict() {
	local dir=$1
	[ -f "$dir/check.out" ] || return 1
	grep -qE '^make: \*\*\*|^make\[[0-9]+\]: \*\*\*' "$dir/check.out" && return 1
	grep -qE '^(FAIL|ERROR|XPASS):' "$dir/check.out" && return 1
	[ "$(checks "$dir" | awk '{ print $1 }')" -gt 0 ] || return 1
	[ "$(checks "$dir" | awk '{ print $2 }')" -eq 0 ] || return 1
	return 0
}

# "checks failed" summed over the Check runners' "Checks: N, Failures: N,
# Errors: N" lines.
checks() {
	find "$1/tests" -name '*.log' ! -name test-suite.log -exec grep -h 'Checks: [0-9]' {} + 2>/dev/null |
		sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/' |
		awk '{ c += $1; f += $2 + $3 } END { printf "%d %d\n", c, f }'
}

# automake's "# PASS: N" etc., summed over the directories: "pass skip fail".
am_counts() {
	grep -E '^# (PASS|SKIP|FAIL|ERROR|XPASS):' "$1/check.out" 2>/dev/null |
		awk '{ n[$2] += $3 } END { printf "%d %d %d\n", n["PASS:"], n["SKIP:"], n["FAIL:"] + n["ERROR:"] + n["XPASS:"] }'
}

# The logs whose "SKIP: ..." lines are in-test skips: the Check suites'
# (tests/), and the example harnesses' (man/examples.log, examples/), where
# a part the platform cannot run is left out, as the UDP control messages
# qemu-user does not carry on a big-endian guest (tests/cmsgprobe.h).
skip_logs() {
	{
		find "$1" -name '*.log' ! -name test-suite.log -path '*/tests/*'
		find "$1/man" "$1/examples" -maxdepth 1 -name '*.log' ! -name test-suite.log
	} 2>/dev/null | while read -r f; do grep -h '^SKIP:' "$f"; done || true
}

# Every skip, with its reason: automake-skipped tests (the last lines of
# their logs) and the "SKIP: ..." notes of Check tests and example harnesses.
report_skips() {
	local dir=$1 name=$2 t log
	grep -E '^SKIP:' "$dir/check.out" 2>/dev/null | while read -r _ t; do
		log=$(find "$dir" -path "*/${t%.*}.log" -o -path "*/$t.log" 2>/dev/null | head -1)
		echo "   $name: SKIP test $t: $( [ -n "$log" ] && grep -v '^[[:space:]]*$' "$log" | tail -2 | tr '\n' ' ')"
	done || true
	skip_logs "$dir" | sort | uniq -c | while read -r n line; do echo "   $name: in-test ${line} (x$n)"; done || true
}
skip_notes() {
	skip_logs "$1" | wc -l
}

failure_details() {
	local dir=$1
	tail -30 "$dir/run.log"
	grep -E '^(FAIL|ERROR|XPASS):' "$dir/check.out" 2>/dev/null || true
	find "$dir" -name '*.log' ! -name test-suite.log ! -name run.log -newer "$dir/make.out" \
		-exec grep -lE '^(FAIL|ERROR)|Failures: [1-9]|Errors: [1-9]' {} + 2>/dev/null |
		while read -r f; do echo "---- ${f#"$dir"/}"; grep -vE '^(PASS|Running)' "$f" | tail -40; done || true
}

# ---- one loader, one C library ----------------------------------------------------
# The QEMU_LD_PREFIX of Debian architecture $1, cross toolchain $2: the
# toolchain's /usr/<triplet>/lib at every place its loader looks (its
# built-in /lib, /lib/<multiarch>, /usr/lib/<multiarch>; qemu tries the
# prefix first for every file the program opens) and an empty
# ld.so.cache, so nothing of the machine's own <multiarch> directories
# or cache is ever read.
qemu_root() {
	local deb=$1 triplet=$2 root=$M/qemu-root-$1 ma f
	ma=$(dpkg-architecture -a"$deb" -qDEB_HOST_MULTIARCH 2>/dev/null)
	[ -d "/usr/$triplet/lib" ] || die "/usr/$triplet/lib missing (libc6-dev-$deb-cross?)"
	rm -rf "$root" && mkdir -p "$root/lib" "$root/usr/lib" "$root/etc"
	for f in "/usr/$triplet/lib"/*; do ln -s "$f" "$root/lib/"; done
	ln -s "/usr/$triplet/lib" "$root/lib/$ma"
	ln -s "/usr/$triplet/lib" "$root/usr/lib/$ma"
	: >"$root/etc/ld.so.cache"
}

# The five-line program that hung: one thread, then fork()s, whose
# children must all exit; it prints the loader and C library it runs on
# (from /proc/self/maps, which qemu-user gives the guest's view of).
cat >"$M/probe-fork.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static void *thread_main(void *arg) { return arg; }
int main(void)
{
	char line[512], seen[4][512];
	int nseen = 0;
	pthread_t t;
	FILE *f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/');
		int dup = 0;
		if (!p || !(strstr(p, "/ld-") || strstr(p, "/ld64") || strstr(p, "/libc.so")))
			continue;
		for (int i = 0; i < nseen; i++)
			dup |= strcmp(seen[i], p) == 0;
		if (!dup && nseen < 4) {
			strcpy(seen[nseen++], p);
			printf("mapped: %s", p);
		}
	}
	fflush(stdout);
	if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 2;
	for (int i = 0; i < 20; i++) {
		int st;
		pid_t pid = fork();
		if (pid == 0)
			_exit(7);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
			return 3;
	}
	puts("fork after a thread: 20 children exited");
	return 0;
}
EOF

# Runs the probe of architecture $1 with QEMU_LD_PREFIX=$2 ("" for none),
# at most $3 seconds; prints one line "ok|HANG|FAIL <loader> <libc>".
probe_run() {
	local deb=$1 prefix=$2 limit=$3 out rc=0 loader libc
	out=$(env ${prefix:+QEMU_LD_PREFIX="$prefix"} timeout -k 2 "$limit" "$M/probe-$deb" 2>&1) || rc=$?
	loader=$(sed -n 's/^mapped: \(.*\/ld[^/]*\)$/\1/p' <<<"$out" | head -1)
	libc=$(sed -n 's/^mapped: \(.*\/libc\.so[^/]*\)$/\1/p' <<<"$out" | head -1)
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "HANG ${loader:-?} ${libc:-?}"
	elif [ $rc -ne 0 ] || ! grep -q '20 children exited' <<<"$out"; then
		echo "FAIL(exit-$rc) ${loader:-?} ${libc:-?}"
	elif [ -z "$loader" ] || [ -z "$libc" ] || [ "$(dirname "$loader")" != "$(dirname "$libc")" ]; then
		echo "MIXED ${loader:-?} ${libc:-?}"
	else
		echo "ok $loader $libc"
	fi
}

# ---- main -------------------------------------------------------------------
stamp "configurations: $CONFIGS (${JOBS} at a time)"
install_packages
need_check=no need_qemu=() i386_native=yes
for c in $CONFIGS; do
	case $c in clang) ;; *) need_check=yes ;; esac
	case $c in aarch64-*) need_qemu+=(aarch64) ;; s390x-*) need_qemu+=(s390x) ;; esac
done
# i386 runs natively where the kernel runs i386 programs (IA32 emulation);
# where it does not (a sandboxed or IA32-less kernel: "Exec format
# error"), under qemu-i386 like the others.
case " $CONFIGS " in *" i386 "*)
	printf 'int main(void) { return 42; }\n' > "$M/probe32.c"
	i686-linux-gnu-gcc -o "$M/probe32" "$M/probe32.c"
	rc=0; "$M/probe32" 2>/dev/null || rc=$?
	if [ $rc != 42 ]; then
		i386_native=no need_qemu+=(i386)
		echo "== matrix: this kernel does not run i386 programs (exit $rc): i386 under qemu-i386"
	fi ;;
esac
if [ ${#need_qemu[@]} -gt 0 ]; then
	stamp "binfmt_misc for qemu-user"
	# shellcheck disable=SC2046  # one word per architecture
	binfmt_setup $(printf '%s\n' "${need_qemu[@]}" | sort -u)
fi
for q in $(printf '%s\n' "${need_qemu[@]}" | sort -u); do
	case $q in
	aarch64) qemu_root arm64 aarch64-linux-gnu ;;
	s390x) qemu_root s390x s390x-linux-gnu ;;
	i386) qemu_root i386 i686-linux-gnu ;;
	esac
done

# clang needs none of the foreign Check builds: it starts first, and the
# downloads and the musl Check build take the other slot meanwhile.
first=
case " $CONFIGS " in *" clang "*)
	first=clang
	if [ "$BUDGET" -le 0 ]; then
		stamp "clang NOT RUN: MATRIX_BUDGET (${BUDGET}s) spent"
		mkdir -p "$M/clang" && echo budget > "$M/clang/status"
	else
		stamp "running clang (budget ${BUDGET}s for starting configurations)"
		run_config clang &
	fi ;;
esac
[ $need_check = yes ] && fetch_check

stamp "running"
for c in $CONFIGS; do
	[ "$c" = "$first" ] && continue
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
	if [ $(( $(date +%s) - t0 )) -ge "$BUDGET" ]; then
		stamp "$c NOT RUN: MATRIX_BUDGET (${BUDGET}s) spent"
		mkdir -p "$M/$c" && echo budget > "$M/$c/status"
		continue
	fi
	stamp "$c started"
	run_config "$c" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
	wait -n || true
done
wait || true

# ---- the loader phase: both machine states ---------------------------------------
# For each foreign architecture of the configurations run: the probe in
# the configurations' environment on the machine as it is; then, where
# it runs under qemu, with Debian's libc6:<arch> present as multiarch
# installs it (files overlaid on /usr/lib, ld.so.cache regenerated, in a
# private mount namespace: the machine is not changed): the old prefix
# (the cross directory itself, expected to hang), the private root, and
# the fork suite of the first configuration of that architecture that
# passed.  Each run is bounded (probe 20 s, fork suite 300 s).
loader_rows=() loader_fail=0
lrow() { loader_rows+=("$(printf '%-7s %-34s %-6s %s' "$1" "$2" "$3" "$4")"); case $3 in ok|shown|note) ;; *) loader_fail=1 ;; esac; }
L=$M/loader; rm -rf "$L"; mkdir -p "$L"
sim_archs=() sim_lower=
for deb in i386 arm64 s390x; do
	cfgs=
	for c in $CONFIGS; do
		case $deb:$c in i386:i386|arm64:aarch64-*|s390x:s390x-*) cfgs="$cfgs $c" ;; esac
	done
	[ -n "$cfgs" ] || continue
	# shellcheck disable=SC2086  # the first configuration's name
	set -- $cfgs
	target_of "$1"
	[ -n "$cc" ] && "$cc" -O2 -pthread -o "$M/probe-$deb" "$M/probe-fork.c" || die "probe for $deb does not build"
	r=$(probe_run "$deb" "$qemu_prefix" 20)
	lrow "$deb" "machine as it is: ${qemu_prefix:+qemu, }$( [ -n "$qemu_prefix" ] && echo root || echo native)" \
		"${r%% *}" "${r#* }"
	[ -n "$qemu_prefix" ] || continue
	fork_cfg=
	for c in $cfgs; do [ "$(cat "$M/$c/status" 2>/dev/null)" = 0 ] && { fork_cfg=$c; break; }; done
	sim_archs+=("$deb:$triplet:$qemu_prefix:$fork_cfg")
	sim_lower="$sim_lower$M/multiarch-$deb/lib:"
done
if [ ${#sim_archs[@]} -gt 0 ]; then
	stamp "loader: the machine state with libc6:<arch> installed (private mount namespace)"
	{
		echo 'include /etc/ld.so.conf.d/*.conf'
		for a in "${sim_archs[@]}"; do cat "$M/multiarch-${a%%:*}/ld.so.conf"; done
	} >"$L/ld.so.conf"
	export -f probe_run
	export M L
	# shellcheck disable=SC2016
	if ! unshare -m --propagation private bash -c '
		set -u
		mount -t overlay overlay -o "lowerdir=${1}/usr/lib" /usr/lib || { echo "SETUP overlay on /usr/lib failed"; exit 0; }
		ldconfig -C "$L/ld.so.cache" -f "$L/ld.so.conf" 2>"$L/ldconfig.err" || true
		mount --bind "$L/ld.so.cache" /etc/ld.so.cache || { echo "SETUP bind ld.so.cache failed"; exit 0; }
		shift
		for a in "$@"; do
			IFS=: read -r deb triplet root cfg <<<"$a"
			ma=$(dpkg-architecture -a"$deb" -qDEB_HOST_MULTIARCH 2>/dev/null)
			echo "present $deb $( [ -e "/lib/$ma/libc.so.6" ] && echo "/lib/$ma/libc.so.6" || echo none) $(ldconfig -p 2>/dev/null | grep -c "/$ma/")"
			echo "old $deb $(probe_run "$deb" "/usr/$triplet" 20)"
			echo "new $deb $(probe_run "$deb" "$root" 20)"
			if [ -n "$cfg" ]; then
				out=$(cd "$M/$cfg/tests" && CK_RUN_SUITE=fork QEMU_LD_PREFIX="$root" timeout -k 5 300 ./check_mio 2>&1) && rc=0 || rc=$?
				echo "fork $deb $rc $cfg $(grep -o "Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*" <<<"$out" | tail -1)"
			fi
		done' _ "$sim_lower" "${sim_archs[@]}" >"$L/sim.out" 2>"$L/sim.err"; then
		cat "$L/sim.err"
	fi
	if grep -q '^SETUP' "$L/sim.out" || ! grep -q '^new ' "$L/sim.out"; then
		cat "$L/sim.out" "$L/sim.err"
		lrow all "libc6:<arch> installed (simulated)" FAIL \
			"no private mount namespace with an overlay here (unshare -m, overlayfs: root needed)"
	fi
	while read -r kind deb rest; do
		case $kind in
		present) lrow "$deb" "libc6:$deb installed (simulated)" shown "${rest%% *}; ld.so.cache entries for it: ${rest#* }" ;;
		old) lrow "$deb" "  old prefix /usr/<triplet>" \
			"$(case ${rest%% *} in ok) echo note ;; *) echo shown ;; esac)" \
			"$(case ${rest%% *} in HANG) echo "hangs, as the issue found:" ;; ok) echo "passed (the mix did not break here):" ;; *) echo "fails, ${rest%% *}:" ;; esac) ${rest#* }" ;;
		new) lrow "$deb" "  private root" "${rest%% *}" "${rest#* }" ;;
		fork) set -- $rest
			[ "$1" = 0 ] && grep -q 'Failures: 0, Errors: 0' <<<"$rest" &&
				lrow "$deb" "  fork suite of $2" ok "${*:3}" ||
				lrow "$deb" "  fork suite of $2" FAIL "exit $1 ${*:3}" ;;
		esac
	done <"$L/sim.out"
fi

status=0
for c in $CONFIGS; do
	dir=$M/$c
	if [ "$(cat "$dir/status" 2>/dev/null)" = budget ]; then
		echo "== matrix: $c: NOT RUN (MATRIX_BUDGET ${BUDGET}s spent before it could start)"
		continue
	fi
	if [ "$(cat "$dir/status" 2>/dev/null || echo 1)" = 0 ]; then
		echo "== matrix: $c: PASS ($(cat "$dir/seconds")s)"
		grep -E '^  (backend|waker):|^distcheck:' "$dir/run.log" | sed 's/^ */   /'
	else
		echo "== matrix: $c: FAILED ($(cat "$dir/seconds" 2>/dev/null || echo ?)s)"
		failure_details "$dir"
		status=1
	fi
	report_skips "$dir" "$c"
done

echo
printf '%-18s %6s %6s %6s | %7s %7s | %5s | %7s %7s\n' configuration pass skip fail checks failed notes seconds cpu-s
printf '%-18s %6s %6s %6s | %7s %7s | %5s | %7s %7s\n' '' '(tests)' '' '' '(Check)' '' '(skip)' '(wall)' ''
for c in $CONFIGS; do
	dir=$M/$c
	read -r ap as af < <(am_counts "$dir")
	read -r cc cf < <(checks "$dir")
	printf '%-18s %6d %6d %6d | %7d %7d | %5d | %7s %7s\n' "$c" "$ap" "$as" "$af" "$cc" "$cf" \
		"$(skip_notes "$dir")" "$(cat "$dir/seconds" 2>/dev/null || echo -)" \
		"$(cat "$dir/cpu" 2>/dev/null || echo -)"
done
if [ ${#loader_rows[@]} -gt 0 ]; then
	echo
	echo "one loader and C library per configuration (\"shown\": what the other machine state does; \"note\": informative)"
	printf '%-7s %-34s %-6s %s\n' arch "machine state, environment" result "loader, C library (or what ran)"
	printf '%s\n' "${loader_rows[@]}"
	[ $loader_fail -eq 0 ] || { echo "== matrix: the loader phase FAILED"; status=1; }
fi
stamp "matrix wall time $(( $(date +%s) - t0 ))s"
[ $status -eq 0 ] || { echo "== matrix: FAILED"; exit 1; }
echo "== matrix: all configurations passed"
