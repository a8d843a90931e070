#!/bin/sh
# check-news.sh - every function declared in mio.h has its line in NEWS
# ("  - mio_name: what it does"), as the project's rule for a function
# being done says (man page, binding, test, NEWS line; the man page is
# man/coverage.sh's, the rest are the suites').  Names are taken from the
# build tree's mio.h as tests/check-symbols.sh takes them.
set -u
: "${top_srcdir:=..}" "${top_builddir:=..}"
news=$top_srcdir/NEWS
header=$top_builddir/include/mio.h
[ -f "$news" ] || { echo "check-news: no $news"; exit 1; }
names=$(grep -E '^[a-z].*\bmio_[a-z0-9_]+[[:space:]]*\(' "$header" |
	grep -oE '\bmio_[a-z0-9_]+[[:space:]]*\(' | tr -d ' (' | sort -u)
total=0 missing=0
for f in $names; do
	total=$((total + 1))
	grep -qE "^  - $f: " "$news" || { echo "no NEWS line for $f"; missing=$((missing + 1)); }
done
echo "news: $total functions in mio.h, $missing without a NEWS line"
[ "$total" -gt 0 ] && [ "$missing" -eq 0 ]
