#!/bin/sh
# check-symbols.sh - the exported symbol list is exactly the functions
# declared in include/mio.h, each tagged with a MIO_1.x version node, and
# the version script lists the same set.  Nothing else leaves the library.
set -eu
: "${top_srcdir:=..}" "${top_builddir:=..}"
lib="$top_builddir/lib/.libs/libmio.so.1"
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Declarations only: a line that starts with a type, not a comment.
grep -E '^[a-z].*\bmio_[a-z0-9_]+[[:space:]]*\(' "$top_builddir/include/mio.h" |
	grep -oE '\bmio_[a-z0-9_]+[[:space:]]*\(' |
	sed 's/[[:space:](]//g' | sort -u > "$tmp/header"
grep -oE '^[[:space:]]+mio_[a-z0-9_]+;' "$top_srcdir/lib/libmio.sym" |
	tr -d ' \t;' | sort -u > "$tmp/script"
# objdump -T: defined dynamic symbols (not *UND*), with their version.
# The version node itself shows as an *ABS* symbol; it is not an export.
objdump -T "$lib" | awk '($0 ~ / DF / || $0 ~ / DO /) && $0 !~ /\*UND\*|\*ABS\*/ { print $(NF-1), $NF }' |
	sort -u > "$tmp/exported"
awk '{ print $2 }' "$tmp/exported" | sort -u > "$tmp/names"

status=0
if ! diff -u "$tmp/header" "$tmp/names" > "$tmp/d1"; then
	echo "exported symbols differ from mio.h (- header only, + library only):"
	cat "$tmp/d1"; status=1
fi
if ! diff -u "$tmp/header" "$tmp/script" > "$tmp/d2"; then
	echo "lib/libmio.sym differs from mio.h:"; cat "$tmp/d2"; status=1
fi
if awk '$1 !~ /^MIO_1\.[0-9]+$/' "$tmp/exported" | grep .; then
	echo "symbols above are exported without a MIO_1.x version node"; status=1
fi
[ $status -eq 0 ] && echo "symbols: $(wc -l < "$tmp/names") exported, all versioned, all in mio.h"
exit $status
