#!/bin/sh
# check-cdef.sh - mio.cdef against the header it was made from, then
# loaded as it is by LuaJIT's ffi.cdef and Python cffi's cdef, which open
# "libmio.so.1" (the soname) from the build tree and drive a poll:
# a pipe and a socket pair registered, written, waited for, the events'
# tokens checked (test_cdef.lua, test_cdef.py).  Each FFI missing here is
# skipped (Debian: luajit, python3-cffi); both missing: exit 77.
#
# Layout: every struct the cdef defines (its own and the system ones it
# restates) has its size, its alignment and each named member's offset
# computed by $CC from mio.h and by each FFI from the cdef; any
# difference fails (struct in6_addr once had alignment 1 in the cdef,
# 4 in glibc).
#
# Snippets: the LuaJIT and cffi blocks of README.md and mio(7) are run as
# they are printed (doc-snippets.py), with pkg-config answering from a
# mio.pc whose cdef is this build's: they find the file through
# `pkg-config --variable=cdef mio`, as they do after an install.
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

# ---- layout: what the C compiler says, from mio.h --------------------
# One line per struct of the cdef: "tag member member ...", members
# without the cdef's private padding names (__*), which C does not have.
structs=$(printf '%s\n' "$code" | sed -n 's/^\(typedef \)\{0,1\}struct \([A-Za-z0-9_]*\) {\(.*\)}[^}]*;$/\2 \3/p' |
  while read -r tag body; do
    members=$(printf '%s\n' "$body" | sed 's/union {//g; s/}//g' | tr ';' '\n' |
      sed 's/\[[^]]*\]//g; s/[^A-Za-z0-9_]*$//; s/.*[^A-Za-z0-9_]//' | grep -v '^__' | grep . | tr '\n' ' ')
    echo "$tag $members"
  done)
nstruct=$(printf '%s\n' "$structs" | grep -c . || true)
probe=layout-probe
{
  echo "#include \"$top_builddir/include/mio.h\""
  echo '#include <stddef.h>'
  echo '#define P(name, value) char probe_##name[(value) + 1] = { 1 };'
  printf '%s\n' "$structs" | while read -r tag members; do
    [ -n "$tag" ] || continue
    echo "P(size__$tag, sizeof(struct $tag))"
    echo "P(align__$tag, _Alignof(struct $tag))"
    for m in $members; do echo "P(offset__${tag}__$m, offsetof(struct $tag, $m))"; done
  done
} >"$probe.c"
# Compiled, not run (a cross build gets the target's layout): the sizes
# of the probe arrays are read back from the assembly.
if [ "$nstruct" -ge 6 ] && ${CC:-cc} ${CFLAGS:-} -S -o "$probe.s" "$probe.c"; then
  sed -n 's/^[[:space:]]*\.size[[:space:]]*probe_\([A-Za-z0-9_]*\),[[:space:]]*\([0-9]*\)$/\1 \2/p' "$probe.s" |
    awk '{ n = split($1, f, "__"); v = $2 - 1
           if (n == 2) print f[1], f[2], v; else print f[1], f[2], f[3], v }' | sort >layout.c.txt
  echo "ok   layout of the $nstruct structs of mio.cdef from $CC: $(wc -l <layout.c.txt) sizes, alignments, offsets"
else
  echo "FAIL layout probe of the cdef's structs ($nstruct found) did not compile"
  fail=$((fail + 1))
  : >layout.c.txt
fi
printf '%s\n' "$structs" >layout.query
# $1: name of the FFI, $2: its log.  Its "layout ..." lines must equal
# the compiler's.
compare_layout() {
  sed -n 's/^layout //p' "$2" | sort >"layout.$1.txt"
  if [ -s layout.c.txt ] && cmp -s layout.c.txt "layout.$1.txt"; then
    echo "ok   $1: sizes, alignments and offsets equal the compiler's"
  else
    echo "FAIL $1: struct layout differs from the compiler's (- C, + $1):"
    diff layout.c.txt "layout.$1.txt" | grep '^[<>]' | sed 's/^</-/; s/^>/+/'
    fail=$((fail + 1))
  fi
}

LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
ran=0
if command -v luajit >/dev/null 2>&1; then
  ran=$((ran + 1))
  timeout 60 luajit "$srcdir/test_cdef.lua" "$cdef" "$VERSION" layout.query >luajit.log 2>&1 ||
    fail=$((fail + 1))
  grep -v '^layout ' luajit.log
  compare_layout luajit luajit.log
else
  echo "note: no luajit (apt-get install luajit): LuaJIT part skipped"
fi
py=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import cffi' 2>/dev/null; then py=$p; break; fi
done
if [ -n "$py" ]; then
  ran=$((ran + 1))
  timeout 60 "$py" "$srcdir/test_cdef.py" "$cdef" "$VERSION" layout.query >cffi.log 2>&1 ||
    fail=$((fail + 1))
  grep -v '^layout ' cffi.log
  compare_layout cffi cffi.log
else
  echo "note: no python3 with cffi (apt-get install python3-cffi): cffi part skipped"
fi
only=
command -v luajit >/dev/null 2>&1 && only=luajit-cdef
[ -n "$py" ] && only=${only:+$only,}cffi-cdef
if [ -n "$only" ] && [ -n "$py" ]; then
  mkdir -p snippets-pc
  printf 'cdef=%s/mio.cdef\nName: mio\nDescription: libmio build tree (check-cdef.sh)\nVersion: %s\n' \
    "$(pwd)" "$VERSION" >snippets-pc/mio.pc
  if PKG_CONFIG_PATH=$(pwd)/snippets-pc timeout 120 "$py" "$srcdir/doc-snippets.py" --only "$only" \
      "$VERSION" "${top_srcdir:-$srcdir/..}/README.md" "${top_srcdir:-$srcdir/..}/man/mio.7"; then
    echo "ok   the $only blocks of README.md and mio(7) run as printed"
  else
    echo "FAIL the $only blocks of README.md and mio(7)"
    fail=$((fail + 1))
  fi
fi
[ $fail -eq 0 ] || exit 1
[ $ran -gt 0 ] || { echo "SKIP: neither luajit nor cffi"; exit 77; }
exit 0
