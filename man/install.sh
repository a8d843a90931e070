#!/bin/sh
# install.sh - `make install DESTDIR=<tmp>` of the manual, then what a
# user types: `man 3 mio_poll`, `man 3 <a function>`, `man 3 <a type>`
# (through their symbolic links) and `man 7 mio` must open the right
# page.  Every function and every typedef of include/mio.h must have a
# file in man3 after the install; the aliases must be symbolic links
# (no `.so` stub), the footer must name "libmio $VERSION", and the
# installed tree must be as clean under mandoc -Tlint -Wwarning as the
# sources.  Without man(1), mandoc renders the installed files instead.
set -u
: "${top_srcdir:=..}" "${top_builddir:=..}" "${MAKE:=make}" "${mandir:?mandir not set}"
tmp=$(pwd)/install-test
rm -rf "$tmp" && mkdir -p "$tmp" || exit 99
# The test runs under `make check`: give the inner make a clean slate
# rather than the outer one's job server, which it is not handed.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $MAKE install DESTDIR="$tmp" >"$tmp.log" 2>&1; then
  echo "FAIL: make install DESTDIR=$tmp"
  cat "$tmp.log"
  exit 1
fi
root=$tmp$mandir
fail=0

render() {  # section name -> rendered text on stdout
  if command -v man >/dev/null 2>&1; then
    MANPAGER=cat MANWIDTH=80 man -M "$root" -P cat "$1" "$2" 2>&1
  else
    f=$root/man$1/$2.$1
    [ -f "$f" ] && (cd "$root" && mandoc -Tutf8 "man$1/$2.$1")
  fi
}

check() {  # section name expected-title expected-text
  out=$(render "$1" "$2")
  if printf '%s\n' "$out" | grep -q "^$3(" && printf '%s\n' "$out" | grep -q "$4"; then
    echo "ok: man $1 $2 opens $3 ($(printf '%s\n' "$out" | wc -l) lines)"
  else
    echo "FAIL: man $1 $2 (wanted page $3 mentioning $4)"
    printf '%s\n' "$out" | head -20
    fail=$((fail + 1))
  fi
}

check 3 mio_poll MIO_POLL mio_poll_wait
check 3 mio_tcp_stream_connect MIO_TCP_STREAM mio_tcp_stream_connect
check 3 mio_version MIO_POLL mio_backend
check 3 mio_pipe_sender_write MIO_PIPE SIGPIPE
check 7 mio MIO 'edge-triggered'
check 3 mio_token MIO_TOKEN MIO_READABLE
check 3 mio_interest MIO_TOKEN MIO_WRITABLE
check 3 mio_pipe_sender MIO_PIPE SIGPIPE
check 3 mio_event_info MIO_EVENTS mio_events_copy
check 3 mio_tcp_socket MIO_TCP_SOCKET SO_REUSEPORT

# The footer: "libmio 1.x.y", from configure's version, on every page.
for p in man3/mio_poll.3 man7/mio.7; do
  foot=$(cd "$root" && mandoc -Tascii "$p" | tail -1)
  case $foot in
    "libmio ${VERSION:?VERSION not set}"*) echo "ok: $p footer: $foot" ;;
    *) echo "FAIL: $p footer is \"$foot\", not libmio $VERSION"; fail=$((fail + 1)) ;;
  esac
done

# Aliases are symbolic links to a page in the same directory, none a
# .so stub; every real page carries the version.
stubs=0 links=0 pages=0
for f in "$root"/man3/*.3 "$root"/man7/*.7; do
  if [ -h "$f" ]; then
    links=$((links + 1))
    t=$(readlink "$f")
    case $t in */*) echo "FAIL: $f -> $t is not a link within its directory"; fail=$((fail + 1)) ;; esac
    [ -f "$(dirname "$f")/$t" ] || { echo "FAIL: $f -> $t dangles"; fail=$((fail + 1)); }
  else
    pages=$((pages + 1))
    if grep -q '^\.so ' "$f"; then echo "FAIL: $f is a .so stub"; stubs=$((stubs + 1)); fi
    grep -qx "\.Os libmio $VERSION" "$f" || { echo "FAIL: $f: no .Os libmio $VERSION"; fail=$((fail + 1)); }
  fi
done
echo "install: $pages pages, $links symbolic links, $stubs .so stubs"
[ $stubs -eq 0 ] || fail=$((fail + 1))

# mandoc -Tlint -Wwarning on the installed tree, links included.
if command -v "${MANDOC:-mandoc}" >/dev/null 2>&1; then
  msg=$(cd "$root" && "${MANDOC:-mandoc}" -Tlint -Wwarning man3/*.3 man7/*.7 2>&1)
  if [ -n "$msg" ]; then
    echo "FAIL: mandoc -Tlint -Wwarning on the installed tree"
    printf '%s\n' "$msg"
    fail=$((fail + 1))
  else
    echo "ok: mandoc -Tlint -Wwarning: installed tree clean ($(ls "$root"/man3 "$root"/man7 | grep -c '\.[37]$') files)"
  fi
else
  echo "note: no mandoc, installed tree not linted"
fi

funcs=$(grep -v '^[[:space:]]*\(/\*\|\*\)' "$top_builddir/include/mio.h" |
        sed -n 's/.*[ *]\(mio_[a-z0-9_]*\)(.*/\1/p' | sort -u)
total=0 absent=0
for f in $funcs; do
  total=$((total + 1))
  [ -f "$root/man3/$f.3" ] || { echo "FAIL: not installed: man3/$f.3"; absent=$((absent + 1)); }
done
# One-line typedefs, and the name closing one over several lines
# ("} mio_event_info;", which `man 3 mio_event_info` once did not find).
types=$(sed -n -e 's/^[[:space:]]*typedef[^;(]*[[:space:]*]\(mio_[A-Za-z0-9_]*\)[[:space:]]*;.*/\1/p' \
        -e 's/^[[:space:]]*}[[:space:]]*\(mio_[A-Za-z0-9_]*\)[[:space:]]*;.*/\1/p' \
        "$top_builddir/include/mio.h" | sort -u)
ntypes=0
for t in $types; do
  ntypes=$((ntypes + 1))
  [ -f "$root/man3/$t.3" ] || { echo "FAIL: type not installed: man3/$t.3"; absent=$((absent + 1)); }
done
[ $ntypes -gt 0 ] || { echo "FAIL: no typedef found in mio.h"; fail=$((fail + 1)); }
echo "install: $total functions and $ntypes types in mio.h, $absent without an installed man3 file"
[ $absent -eq 0 ] || fail=$((fail + 1))

rm -rf "$tmp" "$tmp.log"
[ $fail -eq 0 ]
