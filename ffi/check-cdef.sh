#!/bin/sh
# check-cdef.sh - mio.cdef against the header it was made from, then
# loaded as it is by LuaJIT's ffi.cdef and Python cffi's cdef, which open
# "libmio.so.1" (the soname) from the build tree and drive a poll:
# a pipe and a socket pair registered, written, waited for, the events'
# tokens checked (test_cdef.lua, test_cdef.py).  Each FFI missing here is
# skipped (Debian: luajit, python3-cffi); both missing: exit 77.
# SPDX-License-Identifier: MIT
set -u
: "${srcdir:=.}" "${top_builddir:=..}" "${VERSION:?}"
cdef=mio.cdef
[ -s "$cdef" ] || { echo "FAIL: $cdef not built"; exit 99; }
fail=0

# The same functions as mio.h, none lost by the generator.
hdr=$(grep -v '^[[:space:]]*\(/\*\|\*\)' "$top_builddir/include/mio.h" |
      sed -n 's/.*[ *]\(mio_[a-z0-9_]*\)(.*/\1/p' | sort -u)
got=$(sed -n 's/.*[ *]\(mio_[a-z0-9_]*\)(.*/\1/p' "$cdef" | sort -u)
if [ "$hdr" = "$got" ]; then
  echo "ok   mio.cdef declares the $(printf '%s\n' "$got" | wc -l) functions of mio.h"
else
  echo "FAIL mio.cdef and mio.h declare different functions:"
  printf '%s\n' "$hdr" >hdr.list; printf '%s\n' "$got" >cdef.list
  diff hdr.list cdef.list; rm -f hdr.list cdef.list
  fail=$((fail + 1))
fi
code=$(grep -v '^ *\(/\*\|\*\)' "$cdef")  # without the comment
if printf '%s\n' "$code" | grep -qwE 'bool|_Bool|size_t|ssize_t|socklen_t|time_t|sa_family_t'; then
  echo "FAIL mio.cdef still has a type FFIs may lack:"
  printf '%s\n' "$code" | grep -wE 'bool|_Bool|size_t|ssize_t|socklen_t|time_t|sa_family_t' | head
  fail=$((fail + 1))
fi

LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
ran=0
if command -v luajit >/dev/null 2>&1; then
  ran=$((ran + 1))
  timeout 60 luajit "$srcdir/test_cdef.lua" "$cdef" "$VERSION" || fail=$((fail + 1))
else
  echo "note: no luajit (apt-get install luajit): LuaJIT part skipped"
fi
py=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import cffi' 2>/dev/null; then py=$p; break; fi
done
if [ -n "$py" ]; then
  ran=$((ran + 1))
  timeout 60 "$py" "$srcdir/test_cdef.py" "$cdef" "$VERSION" || fail=$((fail + 1))
else
  echo "note: no python3 with cffi (apt-get install python3-cffi): cffi part skipped"
fi
[ $fail -eq 0 ] || exit 1
[ $ran -gt 0 ] || { echo "SKIP: neither luajit nor cffi"; exit 77; }
exit 0
