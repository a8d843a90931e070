#!/bin/sh
# check-abi.sh - compare the built library with the committed ABI baseline
# (abi/libmio.abi, made by abidw) and fail on any incompatible change:
# a removed or changed function, a changed type behind a public pointer.
# Additions are compatible and pass; they belong to a new version node,
# which check-symbols.sh checks.
#
# To refresh the baseline after a deliberate, compatible addition:
#   abidw --no-corpus-path --headers-dir include lib/.libs/libmio.so.1 > abi/libmio.abi
set -u
: "${top_srcdir:=..}" "${top_builddir:=..}"
: "${ABIDIFF:=abidiff}"
lib="$top_builddir/lib/.libs/libmio.so.1"
base="$top_srcdir/abi/libmio.abi"
if ! command -v "$ABIDIFF" >/dev/null 2>&1; then
	echo "abidiff not found (Debian: abigail-tools)"; exit 77
fi
"$ABIDIFF" --no-added-syms --headers-dir2 "$top_builddir/include" "$base" "$lib"
rc=$?
# abidiff's status is a bit mask: 1 error, 2 usage, 4 ABI change, 8 incompatible.
if [ $((rc & 11)) -ne 0 ]; then
	echo "ABI check FAILED (abidiff status $rc) against $base"
	exit 1
fi
echo "ABI compatible with $base (abidiff status $rc)"
exit 0
