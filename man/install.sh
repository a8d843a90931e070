#!/bin/sh
# install.sh - `make install DESTDIR=<tmp>` of the manual, then what a
# user types: `man 3 mio_poll`, `man 3 <a function>` (through its .so
# stub) and `man 7 mio` must open the right page.  Every function in
# include/mio.h must have a file in man3 after the install.  Without
# man(1), mandoc renders the installed files instead.
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
    # mandoc resolves .so relative to the working directory.
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

funcs=$(grep -v '^[[:space:]]*\(/\*\|\*\)' "$top_builddir/include/mio.h" |
        sed -n 's/.*[ *]\(mio_[a-z0-9_]*\)(.*/\1/p' | sort -u)
total=0 absent=0
for f in $funcs; do
  total=$((total + 1))
  [ -f "$root/man3/$f.3" ] || { echo "FAIL: not installed: man3/$f.3"; absent=$((absent + 1)); }
done
echo "install: $total functions in mio.h, $absent without an installed man3 file"
[ $absent -eq 0 ] || fail=$((fail + 1))

rm -rf "$tmp" "$tmp.log"
[ $fail -eq 0 ]
