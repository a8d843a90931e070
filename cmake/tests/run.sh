#!/bin/sh
# run.sh - build a CMake project and a Meson project against an installed
# libmio, run what they build, and check that each binary uses the
# installation it was meant to (the shared one its libmio.so.1, the
# static one no libmio.so at all):
#
#   cmake/tests/run.sh WORKDIR            # the system's (libmio-dev)
#   cmake/tests/run.sh WORKDIR PREFIX     # a `make install --prefix=PREFIX`
#
# CMake: find_package(mio 1.1 CONFIG REQUIRED) with mio::mio and
# mio::mio_static; then the version file must refuse 2.0 and a minor
# version above the installed one, and accept 1.0.  Meson:
# dependency('mio'), and dependency('mio', static: true) through
# pkg-config's Libs.private.  Prints a table; exit 1 on any failure.
# SPDX-License-Identifier: MIT
set -u
work=${1:?usage: run.sh WORKDIR [PREFIX]}
prefix=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work" || exit 1
work=$(cd "$work" && pwd)
fail=0 rows=
row() { rows="$rows$(printf '%-44s %-5s %s' "$1" "$2" "$3")
"; [ "$2" = ok ] || fail=$((fail + 1)); }

if [ -n "$prefix" ]; then
	prefix=$(cd "$prefix" && pwd)
	pc=$(find "$prefix" -name mio.pc -path '*/pkgconfig/*' | head -1)
	[ -n "$pc" ] || { echo "run.sh: no mio.pc under $prefix"; exit 1; }
	libdir=$(dirname "$(dirname "$pc")")
	export CMAKE_PREFIX_PATH="$prefix" PKG_CONFIG_PATH="$(dirname "$pc")"
	export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	where="prefix $prefix"
else
	libdir=$(pkg-config --variable=libdir mio 2>/dev/null || echo /usr/lib)
	where="the system"
fi
echo "== CMake and Meson against $where (libdir $libdir)"

# $1 name, $2 binary, $3 shared|static
run_bin() {
	if [ ! -x "$2" ]; then row "$1" FAIL "not built"; return; fi
	out=$("$2" 2>&1); rc=$?
	echo "   $out"
	used=$(ldd "$2" 2>/dev/null | awk '$1 == "libmio.so.1" { print $3 }')
	if [ $rc -ne 0 ]; then
		row "$1" FAIL "exit $rc"
	elif [ "$3" = static ] && [ -n "$used" ]; then
		row "$1" FAIL "loads $used"
	elif [ "$3" = shared ] && [ "$(readlink -f "$used")" != "$(readlink -f "$libdir/libmio.so.1")" ]; then
		row "$1" FAIL "loads '${used:-nothing}', not $libdir/libmio.so.1"
	else
		row "$1" ok "$( [ "$3" = static ] && echo "no libmio.so" || echo "$used")"
	fi
}

t0=$(date +%s)
if cmake -S "$here" -B "$work/cmake" >"$work/cmake.log" 2>&1 &&
	cmake --build "$work/cmake" >>"$work/cmake.log" 2>&1; then
	sed -n 's/^-- \(mio .*\)/   \1/p' "$work/cmake.log"
	row "cmake: find_package(mio 1.1 CONFIG REQUIRED)" ok "$(sed -n 's/^-- mio \([^ ]*\) .*/\1/p' "$work/cmake.log")"
	run_bin "cmake: mio::mio" "$work/cmake/consumer" shared
	run_bin "cmake: mio::mio_static" "$work/cmake/consumer_static" static
else
	tail -20 "$work/cmake.log"
	row "cmake: find_package(mio 1.1 CONFIG REQUIRED)" FAIL "see $work/cmake.log"
fi
installed=$(sed -n 's/^-- mio \([0-9.]*\) .*/\1/p' "$work/cmake.log")
next_minor=$(echo "${installed:-1.0.0}" | awk -F. '{ printf "%d.%d", $1, $2 + 1 }')
for want in 2.0 "$next_minor" 1.0; do
	cmake -S "$here" -B "$work/cmake-$want" -DMIO_WANT="$want" >"$work/cmake-$want.log" 2>&1
	rc=$?
	case $want in
	1.0) [ $rc -eq 0 ] && row "cmake: find_package(mio $want) accepted" ok "$installed" ||
		row "cmake: find_package(mio $want) accepted" FAIL "refused: $work/cmake-$want.log" ;;
	*) if [ $rc -ne 0 ] && grep -q 'version' "$work/cmake-$want.log"; then
		row "cmake: find_package(mio $want) refused" ok "$(grep -o 'version: [0-9.]*' "$work/cmake-$want.log" | head -1)"
	   else
		row "cmake: find_package(mio $want) refused" FAIL "status $rc: $work/cmake-$want.log"
	   fi ;;
	esac
done
t1=$(date +%s)

if ! command -v meson >/dev/null 2>&1; then
	row "meson" FAIL "no meson (apt-get install meson ninja-build)"
elif meson setup "$work/meson" "$here" >"$work/meson.log" 2>&1 &&
	ninja -C "$work/meson" >>"$work/meson.log" 2>&1; then
	grep -E "Run-time dependency mio" "$work/meson.log" | sed 's/^/   /'
	row "meson: dependency('mio')" ok "$(pkg-config --modversion mio)"
	run_bin "meson: consumer" "$work/meson/consumer" shared
	run_bin "meson: consumer_static (static: true)" "$work/meson/consumer_static" static
else
	tail -20 "$work/meson.log"
	row "meson: dependency('mio')" FAIL "see $work/meson.log"
fi
t2=$(date +%s)
printf '%-44s %-5s %s\n' check result detail
printf '%s' "$rows"
echo "cmake $((t1 - t0)) s, meson $((t2 - t1)) s; $fail failure(s)"
[ $fail -eq 0 ]
