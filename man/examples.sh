#!/bin/sh
# examples.sh - every literal block in an EXAMPLES section (each page's,
# and the two servers in mio(7)) is a whole program: it is extracted,
# un-escaped from roff, compiled with -Wall -Wextra -Werror against the
# build tree's include/mio.h and linked with lib/libmio.la.  Then
# run-examples.py runs each of them against its scenario (clients, error
# paths, EMFILE), bounded in time; without python3 they are only built
# and the test is skipped (77).
set -u
: "${srcdir:=.}" "${top_srcdir:=..}" "${top_builddir:=..}" "${CC:=cc}"
: "${CFLAGS:=}" "${LIBTOOL:=$top_builddir/libtool}"
pages="${MAN3PAGES:-} ${MAN7PAGES:-}"
[ -n "${pages# }" ] || { echo "examples.sh: no pages given"; exit 99; }
lib=$top_builddir/lib/libmio.la
[ -f "$lib" ] || { echo "examples.sh: $lib not built"; exit 99; }

dir=examples-build
rm -rf "$dir" && mkdir -p "$dir" || exit 99

fail=0 n=0
for p in $pages; do
  base=$(basename "$p" | tr . _)
  # Block k of the EXAMPLES section goes to $dir/<page>_<k>.c.  Roff
  # escapes used in the pages: \e backslash, \& zero-width, \- minus,
  # \(aq apostrophe.
  awk -v out="$dir/$base" '
    /^\.Sh / { inex = ($0 == ".Sh EXAMPLES") ; next }
    inex && /^\.Bd -literal/ { k++; file = out "_" k ".c"; inblk = 1; next }
    inblk && /^\.Ed/ { inblk = 0; close(file); next }
    inblk {
      line = $0
      gsub(/\\e/, "\001", line)
      gsub(/\\&/, "", line)
      gsub(/\\-/, "-", line)
      gsub(/\\\(aq/, "\047", line)
      gsub(/\001/, "\\", line)
      print line > file
    }' "$srcdir/$p"
  found=no
  for src in "$dir/${base}"_*.c; do
    [ -f "$src" ] || continue
    found=yes
    n=$((n + 1))
    if ! grep -q 'main(' "$src"; then
      echo "FAIL: $src (from $p) is not a whole program (no main)"
      fail=$((fail + 1))
      continue
    fi
    if $LIBTOOL --quiet --mode=link --tag=CC $CC $CFLAGS -Wall -Wextra -Werror -pthread \
        -I"$top_builddir/include" -o "${src%.c}" "$src" "$lib" >"${src%.c}.log" 2>&1; then
      echo "ok: $src (from $p)"
    else
      echo "FAIL: $src (from $p)"
      cat "${src%.c}.log"
      fail=$((fail + 1))
    fi
  done
  if [ $found = no ]; then
    echo "FAIL: $p has no example in its EXAMPLES section"
    fail=$((fail + 1))
  fi
done
echo "examples: $n compiled and linked, $fail failures"
[ $fail -eq 0 ] || exit 1

py=${PYTHON3:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
  echo "SKIP: no $py to run the examples (they were built)"
  exit 77
fi
timeout 600 "$py" "$srcdir/run-examples.py" "$dir"
