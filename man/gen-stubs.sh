#!/bin/sh
# gen-stubs.sh - the `.so` stubs that make `man 3 <function>` work.
#
#   gen-stubs.sh -d OUTDIR SRCDIR PAGE...   write OUTDIR/<name>.3 for each
#   gen-stubs.sh -l SRCDIR PAGE...          print "<name> <page>" lines
#
# The names are the .Nm lines of each page's NAME section, so a function
# added to a page gets its stub with no second list to keep in step.  A
# name on two pages, or a name equal to a page's own, is an error: one of
# the two stubs would silently win.
set -eu

mode=$1; shift
case $mode in
  -d) out=$1; shift ;;
  -l) out= ;;
  *) echo "usage: $0 -d OUTDIR SRCDIR PAGE... | -l SRCDIR PAGE..." >&2; exit 2 ;;
esac
srcdir=$1; shift

list=$(for page in "$@"; do
  base=${page%.3}
  # .Nm lines between ".Sh NAME" and ".Nd"; "mio_x ," -> "mio_x".
  sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm  *\([A-Za-z0-9_]*\).*/\1/p' "$srcdir/$page" |
  while read -r name; do
    [ "$name" = "$base" ] || printf '%s %s\n' "$name" "$base"
  done
done)

dups=$(printf '%s\n' "$list" | awk 'NF { n[$1]++ } END { for (k in n) if (n[k] > 1) print k }')
if [ -n "$dups" ]; then
  echo "$0: named on more than one page: $dups" >&2
  exit 1
fi
for page in "$@"; do
  if printf '%s\n' "$list" | awk -v p="${page%.3}" '$1 == p { f = 1 } END { exit !f }'; then
    echo "$0: ${page%.3} is both a page and a stub" >&2
    exit 1
  fi
done

printf '%s\n' "$list" | while read -r name base; do
  [ -n "$name" ] || continue
  if [ -z "$out" ]; then
    printf '%s %s\n' "$name" "$base"
  else
    printf '.so man3/%s.3\n' "$base" > "$out/$name.3"
  fi
done
