#!/bin/sh
# lint.sh - every page passes `mandoc -Tlint -Wwarning` with no message,
# and, where groff is installed (man-db renders with it), `groff -ww`
# has nothing to say either.
set -u
: "${srcdir:=.}" "${MANDOC:=mandoc}"
pages="${MAN3PAGES:-} ${MAN7PAGES:-}"
[ -n "${pages# }" ] || { echo "lint.sh: no pages given (MAN3PAGES, MAN7PAGES)"; exit 99; }
if ! command -v "$MANDOC" >/dev/null 2>&1; then
  echo "SKIP: mandoc not found (apt-get install mandoc)"
  exit 77
fi
have_groff=no
command -v groff >/dev/null 2>&1 && have_groff=yes

fail=0 n=0
for p in $pages; do
  n=$((n + 1))
  msg=$("$MANDOC" -Tlint -Wwarning "$srcdir/$p" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ -n "$msg" ]; then
    echo "FAIL: mandoc -Tlint $p (exit $rc)"
    printf '%s\n' "$msg"
    fail=$((fail + 1))
  fi
  if [ $have_groff = yes ]; then
    msg=$(groff -mandoc -Tutf8 -ww -z "$srcdir/$p" 2>&1)
    if [ -n "$msg" ]; then
      echo "FAIL: groff -ww $p"
      printf '%s\n' "$msg"
      fail=$((fail + 1))
    fi
  fi
done
echo "lint: $n pages, $fail failures (mandoc -Tlint -Wwarning; groff -ww: $have_groff)"
[ $fail -eq 0 ]
