#!/bin/sh
# check-symbols.sh - the exported symbol list is exactly the functions
# declared in include/mio.h (plus the target-only entry points this target
# needs), each exported under the version node lib/libmio.sym gives it,
# and every function of the released ABI baselines still at its node.
#
#  - header == version script (minus entries tagged "only: TAG")
#  - exported == header + the tagged entries whose TAG is in
#    $MIO_TARGET_TAGS (set by configure: "time32" where time_t is 32-bit
#    by default and mio_poll_wait_time64 exists), nothing else
#  - each exported name carries its node from the script (MIO_1.0 or
#    MIO_1.1 ...), as the default version
#  - every function of abi/<arch>/libmio-X.Y.Z.abi is exported with the
#    version it had in release X.Y.Z: 1.0 functions stay at MIO_1.0.
set -eu
: "${top_srcdir:=..}" "${top_builddir:=..}" "${MIO_TARGET_TAGS:=}"
lib="$top_builddir/lib/.libs/libmio.so.1"
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Declarations only: a line that starts with a type, not a comment.
grep -E '^[a-z].*\bmio_[a-z0-9_]+[[:space:]]*\(' "$top_builddir/include/mio.h" |
	grep -oE '\bmio_[a-z0-9_]+[[:space:]]*\(' |
	sed 's/[[:space:](]//g' | sort -u > "$tmp/header"
sh "$top_srcdir/tests/sym-nodes.sh" "$top_srcdir/lib/libmio.sym" > "$tmp/table"
awk 'NF == 2 { print $2 }' "$tmp/table" | sort -u > "$tmp/script"
# What this target must export: the untagged ones and its tags' ones.
awk -v tags=" $MIO_TARGET_TAGS " 'NF == 2 || index(tags, " " $3 " ") { print $1, $2 }' \
	"$tmp/table" | sort -u > "$tmp/expected"
# objdump -T: defined dynamic symbols (not *UND*), with their version.
# The version node itself shows as an *ABS* symbol; it is not an export.
# A non-default version would print as (MIO_1.0): kept, so it fails.
objdump -T "$lib" | awk '($0 ~ / DF / || $0 ~ / DO /) && $0 !~ /\*UND\*|\*ABS\*/ { print $(NF-1), $NF }' |
	sort -u > "$tmp/exported"
awk '{ print $2 }' "$tmp/exported" | sort -u > "$tmp/names"

status=0
if ! diff -u "$tmp/header" "$tmp/script" > "$tmp/d1"; then
	echo "lib/libmio.sym differs from mio.h (- header only, + script only):"
	cat "$tmp/d1"; status=1
fi
if ! diff -u "$tmp/expected" "$tmp/exported" > "$tmp/d2"; then
	echo "exported node/name pairs differ from lib/libmio.sym (- script, + library;"
	echo "target tags: '$MIO_TARGET_TAGS'):"
	cat "$tmp/d2"; status=1
fi
if awk '$1 !~ /^MIO_1\.[0-9]+$/' "$tmp/exported" | grep .; then
	echo "symbols above are exported without a MIO_1.x default version node"; status=1
fi

# Released baselines of this architecture: each function keeps its node.
arch=$(sh "$top_srcdir/tests/elf-arch.sh" "$lib")
nbase=0
for base in "$top_srcdir/abi/$arch"/libmio-*.abi; do
	[ -f "$base" ] || continue
	nbase=$((nbase + 1))
	sed -n "s/.*<elf-symbol name='\([a-z0-9_]*\)' version='\([A-Z0-9_.]*\)'.*type='func-type'.*/\2 \1/p" \
		"$base" | sort -u > "$tmp/released"
	if ! comm -23 "$tmp/released" "$tmp/exported" > "$tmp/lost" || [ -s "$tmp/lost" ]; then
		echo "functions of $(basename "$base") no longer exported at their node:"
		cat "$tmp/lost"; status=1
	else
		echo "$(basename "$base"): all $(wc -l < "$tmp/released") functions still at their node"
	fi
done
[ $nbase -gt 0 ] || echo "no baseline for architecture $arch in abi/ (node check against releases skipped)"

if [ $status -eq 0 ]; then
	echo "symbols: $(wc -l < "$tmp/names") exported, all versioned, all in mio.h or tagged for this target:"
	awk '{ print $1 }' "$tmp/exported" | sort | uniq -c | awk '{ printf "  %s: %d\n", $2, $1 }'
fi
exit $status
