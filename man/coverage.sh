#!/bin/sh
# coverage.sh - every function declared in include/mio.h is named in the
# NAME section of some page (so it gets a `man 3` link) and has its
# prototype in a SYNOPSIS there (.Fn or .Fo).  A function added to the
# header without documentation fails here.
set -u
: "${srcdir:=.}" "${top_srcdir:=..}" "${top_builddir:=..}"
header=$top_builddir/include/mio.h
pages=
for p in ${MAN3PAGES:-}; do pages="$pages $srcdir/$p"; done
[ -n "$pages" ] || { echo "coverage.sh: no pages given (MAN3PAGES)"; exit 99; }

# Declarations: an identifier mio_* directly followed by "(".
# Comment lines ("see mio_poll(3)") are not declarations.
funcs=$(grep -v '^[[:space:]]*\(/\*\|\*\)' "$header" |
        sed -n 's/.*[ *]\(mio_[a-z0-9_]*\)(.*/\1/p' | sort -u)
[ -n "$funcs" ] || { echo "coverage.sh: no functions found in $header"; exit 99; }

named=$(cat $pages | sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm  *\([A-Za-z0-9_]*\).*/\1/p' | sort -u)
protos=$(cat $pages | sed -n 's/^\.F[no]  *\([A-Za-z0-9_]*\).*/\1/p' | sort -u)

missing=0 total=0
for f in $funcs; do
  total=$((total + 1))
  printf '%s\n' "$named" | grep -qx "$f" || { echo "not in any NAME section: $f"; missing=$((missing + 1)); }
  printf '%s\n' "$protos" | grep -qx "$f" || { echo "no .Fn/.Fo prototype: $f"; missing=$((missing + 1)); }
done
# The other way round: a page must not document what the header lacks
# (type names, mio_token.3's, are in the header as typedefs).
types=$(sed -n 's/^[[:space:]]*typedef[^;(]*[[:space:]*]\(mio_[A-Za-z0-9_]*\)[[:space:]]*;.*/\1/p' "$header" | sort -u)
for f in $named; do
  printf '%s\n%s\n' "$funcs" "$types" | grep -qx "$f" || { echo "named on a page but not in mio.h: $f"; missing=$((missing + 1)); }
done
echo "coverage: $total functions in mio.h, $missing problems"
[ $missing -eq 0 ]
