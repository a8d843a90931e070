#!/bin/sh
# check-abi.sh - compare the built library with every committed ABI
# baseline of its architecture (abi/<arch>/libmio-X.Y.Z.abi, made by
# abidw from release X.Y.Z) and fail on anything but additions: a removed
# or changed function or variable, a changed type behind a public
# pointer.  Additions are compatible and are listed; check-symbols.sh
# checks they sit in a new version node.
#
# The architecture is read from the built library's ELF header
# (tests/elf-arch.sh), so a cross or 32-bit build is compared with its own
# baselines; with none for that architecture the test is skipped (77),
# saying so.
#
# To add a baseline for a release (from a build of that release's tag):
#   abidw --no-corpus-path --headers-dir include lib/.libs/libmio.so.1 \
#       > abi/$(tests/elf-arch.sh lib/.libs/libmio.so.1)/libmio-X.Y.Z.abi
# .ci/steps/... and abi/README describe the cross-built i386 one.
set -u
: "${top_srcdir:=..}" "${top_builddir:=..}"
: "${ABIDIFF:=abidiff}"
lib="$top_builddir/lib/.libs/libmio.so.1"
if ! command -v "$ABIDIFF" >/dev/null 2>&1; then
	echo "SKIP: abidiff not found (Debian: abigail-tools)"; exit 77
fi
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
arch=$(sh "$top_srcdir/tests/elf-arch.sh" "$lib")
set -- "$top_srcdir/abi/$arch"/libmio-*.abi
if [ ! -f "$1" ]; then
	echo "SKIP: no ABI baseline for architecture '$arch' (abi/$arch/libmio-*.abi);"
	echo "      baselines exist for: $(cd "$top_srcdir/abi" && ls -d */ 2>/dev/null | tr -d / | tr '\n' ' ')"
	exit 77
fi
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
status=0
for base in "$@"; do
	echo "== $arch: $(basename "$base") vs $lib"
	"$ABIDIFF" --headers-dir2 "$top_builddir/include" "$base" "$lib" > "$tmp"
	rc=$?
	cat "$tmp"
	# abidiff's status is a bit mask: 1 error, 2 usage, 4 ABI change,
	# 8 incompatible change.  Additions alone set 4; so do changes, hence
	# the summary lines are read too: removed or changed must be 0.
	bad=$(sed -n 's/^\(Functions\|Variables\) changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\2 \3/p' "$tmp" |
		awk '{ s += $1 + $2 } END { print s + 0 }')
	if [ $((rc & 11)) -ne 0 ] || [ "$bad" -ne 0 ]; then
		echo "ABI check FAILED against $base (abidiff status $rc, $bad removed/changed)"
		status=1
	else
		echo "ABI compatible with $(basename "$base"): additions only (abidiff status $rc)"
	fi
done
exit $status
