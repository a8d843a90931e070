#!/bin/sh
# gen-cdef.sh - mio.cdef, the C ABI of libmio.so.1 for FFIs, from mio.h.
#
#   gen-cdef.sh CC MIO_H > mio.cdef
#
# LuaJIT's ffi.cdef and Python cffi's cdef load the output as it is; it
# has only fixed-width and basic C types, so that FFIs without bool or
# ssize_t (Ruby's Fiddle, Node's koffi) can read it too:
#
#   bool     -> uint8_t    C's _Bool is one byte on the SysV ABIs and is
#                          passed and returned as an 8-bit integer holding
#                          0 or 1; checked below (sizeof(bool) == 1)
#   size_t   -> uintptr_t  ssize_t -> intptr_t     (sizes checked equal)
#   socklen_t-> uint32_t   time_t  -> int64_t or int32_t, as on the target
#   struct timespec, sockaddr_storage, sockaddr_un, in_addr, in6_addr,
#   iovec: laid out with those types, sizes, alignments and offsets from
#   the target (check-cdef.sh compares all three with the compiler's);
#   struct sockaddr is opaque (pass a sockaddr_storage, cast)
#   #define MIO_X <integer>   -> enum { MIO_X = <integer> }
#
# The header is the build tree's include/mio.h, run through the C
# preprocessor with its system headers replaced by empty files: comments,
# continuation lines and #if branches are resolved as the compiler sees
# them, and every function the header declares (1.1's included) comes
# along with no list kept here.  Sizes come from compiling (not running) a
# probe with CC, so a cross build gets the target's.  Anything the script
# cannot map fails the build rather than produce a wrong ABI.
#
# SPDX-License-Identifier: MIT
set -eu
[ $# -eq 2 ] || { echo "usage: $0 CC MIO_H" >&2; exit 2; }
cc=$1 header=$2
[ -f "$header" ] || { echo "$0: $header: no such file" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen-cdef.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- sizes of the target, from the assembly of a probe -----------------
cat >"$tmp/probe.c" <<EOF
#include "$(cd "$(dirname "$header")" && pwd)/$(basename "$header")"
#include <stddef.h>
#define P(name, value) char probe_##name[value] = { 1 };
P(bool, sizeof(bool))
P(size_t, sizeof(size_t))
P(ssize_t, sizeof(ssize_t))
P(uintptr_t, sizeof(uintptr_t))
P(socklen_t, sizeof(socklen_t))
P(long, sizeof(long))
P(time_t, sizeof(time_t))
P(timespec, sizeof(struct timespec))
P(tv_nsec_off, offsetof(struct timespec, tv_nsec) + 1)
P(ss, sizeof(struct sockaddr_storage))
P(ss_align, _Alignof(struct sockaddr_storage))
P(sun, sizeof(struct sockaddr_un))
P(sun_path_off, offsetof(struct sockaddr_un, sun_path))
P(sa_family_t, sizeof(sa_family_t))
P(iovec, sizeof(struct iovec))
P(iov_len_off, offsetof(struct iovec, iov_len))
P(in_addr, sizeof(struct in_addr))
P(in6_addr, sizeof(struct in6_addr))
P(in6_align, _Alignof(struct in6_addr))
P(unsigned_int, sizeof(unsigned int))
EOF
# shellcheck disable=SC2086
$cc ${CFLAGS:-} -S -o "$tmp/probe.s" "$tmp/probe.c"
size() {
	v=$(sed -n "s/^[[:space:]]*\.size[[:space:]]*probe_$1,[[:space:]]*\([0-9]*\)\$/\1/p" "$tmp/probe.s")
	[ -n "$v" ] || { echo "$0: no size for $1 in the probe" >&2; exit 1; }
	echo "$v"
}
need() {  # need WHAT ACTUAL EXPECTED
	[ "$2" = "$3" ] || { echo "$0: $1 is $2, this script maps it assuming $3" >&2; exit 1; }
}
ptr=$(size uintptr_t)
need "sizeof(bool)" "$(size bool)" 1
need "sizeof(size_t)" "$(size size_t)" "$ptr"
need "sizeof(ssize_t)" "$(size ssize_t)" "$ptr"
need "sizeof(socklen_t)" "$(size socklen_t)" 4
need "sizeof(sa_family_t)" "$(size sa_family_t)" 2
need "sizeof(struct in_addr)" "$(size in_addr)" 4
need "sizeof(struct in6_addr)" "$(size in6_addr)" 16
need "offsetof(struct iovec, iov_len)" "$(size iov_len_off)" "$ptr"
need "sizeof(struct iovec)" "$(size iovec)" $((2 * ptr))
long=$(size long)
time=$(size time_t)
case $time in 8) time_t=int64_t ;; 4) time_t=int32_t ;; *) echo "$0: time_t of $time bytes" >&2; exit 1 ;; esac
ts=$(size timespec)
nsec_off=$(( $(size tv_nsec_off) - 1 ))
pad_mid=$((nsec_off - time))
pad_end=$((ts - nsec_off - long))
[ $pad_mid -ge 0 ] && [ $pad_end -ge 0 ] || { echo "$0: struct timespec layout not understood" >&2; exit 1; }
ss=$(size ss)
ss_align=$(size ss_align)
case $ss_align in 8) ss_t=uint64_t ;; 4) ss_t=uint32_t ;; *) echo "$0: sockaddr_storage alignment $ss_align" >&2; exit 1 ;; esac
# struct in6_addr is a union of 8-, 16- and 32-bit arrays in glibc and
# musl: alignment 4, which 16 bytes alone would not have (an FFI would
# then place it at the wrong offset inside another struct).
in6_align=$(size in6_align)
case $in6_align in
4) in6_t=uint32_t ;; 2) in6_t=uint16_t ;; 1) in6_t= ;;
*) echo "$0: struct in6_addr alignment $in6_align" >&2; exit 1 ;;
esac
sun_path=$(( $(size sun) - $(size sun_path_off) ))
need "offsetof(struct sockaddr_un, sun_path)" "$(size sun_path_off)" 2

# ---- the header, preprocessed without its system headers ---------------
mkdir -p "$tmp/stub/sys" "$tmp/stub/netinet" "$tmp/stub/arpa"
sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$header" |
while read -r h; do mkdir -p "$tmp/stub/$(dirname "$h")"; : >"$tmp/stub/$h"; done
# -dD keeps the #defines; -P drops line markers.
$cc -E -P -dD -nostdinc -I"$tmp/stub" -D__MIO_CDEF__ "$header" >"$tmp/pp.h"

{
cat <<EOF
/* mio.cdef - the C ABI of libmio.so.1${MIO_CDEF_VERSION:+ (libmio $MIO_CDEF_VERSION)}
 * for FFIs: LuaJIT ffi.cdef(), Python cffi FFI().cdef(), as is.
 * Generated from mio.h by gen-cdef.sh for this target; do not edit.
 * Open the library by its soname, "libmio.so.1" (see mio(7), DLOPEN).
 * Types: bool is uint8_t (0 or 1, one byte on this ABI), size_t is
 * uintptr_t, ssize_t is intptr_t, socklen_t is uint32_t; struct sockaddr
 * is opaque (pass a struct sockaddr_storage). */
struct sockaddr;
struct sockaddr_storage { $ss_t __ss_opaque[$((ss / ss_align))]; };
struct sockaddr_un { uint16_t sun_family; char sun_path[$sun_path]; };
struct in_addr { uint32_t s_addr; };
EOF
if [ -n "$in6_t" ]; then
	printf 'struct in6_addr { union { uint8_t s6_addr[16]; %s __s6_align[%d]; }; };\n' \
		"$in6_t" $((16 / in6_align))
else
	printf 'struct in6_addr { uint8_t s6_addr[16]; };\n'
fi
printf 'struct iovec { void *iov_base; uintptr_t iov_len; };\n'
printf 'struct timespec { %s tv_sec;' "$time_t"
[ $pad_mid -gt 0 ] && printf ' uint8_t __pad0[%d];' $pad_mid
printf ' long tv_nsec;'
[ $pad_end -gt 0 ] && printf ' uint8_t __pad1[%d];' $pad_end
printf ' };\n'

# Integer constants: #define MIO_X 0x10u -> enum { MIO_X = 0x10 };
consts=$(sed -n 's/^#define \(MIO_[A-Z0-9_]*\)[[:space:]][[:space:]]*\(0[xX][0-9a-fA-F]*\|[0-9][0-9]*\)[uUlL]*[[:space:]]*$/  \1 = \2,/p' "$tmp/pp.h")
printf 'enum {\n%s\n};\n' "$(printf '%s\n' "$consts" | sed '$ s/,$//')"

# Declarations: everything else that is not a directive, one per ';' at
# brace depth 0, types mapped word by word.
grep -v '^[[:space:]]*#' "$tmp/pp.h" | tr '\n\t' '  ' | awk '
	{ text = text $0 }
	END {
		depth = 0; cur = ""
		for (i = 1; i <= length(text); i++) {
			c = substr(text, i, 1); cur = cur c
			if (c == "{") depth++
			else if (c == "}") depth--
			else if (c == ";" && depth == 0) { print cur; cur = "" }
		}
		if (cur ~ /[^ ]/) { print "UNTERMINATED " cur; exit 1 }
	}' | sed 's/  */ /g; s/^ //; s/ *( */(/g; s/ *) */)/g; s/ *, */, /g; s/ *;/;/' |
	sed 's/\([^A-Za-z0-9_]\)/ \1 /g' | awk -v time_t="$time_t" '
	{
		out = ""
		for (i = 1; i <= NF; i++) {
			w = $i
			if (w == "bool" || w == "_Bool") w = "uint8_t"
			else if (w == "size_t") w = "uintptr_t"
			else if (w == "ssize_t") w = "intptr_t"
			else if (w == "socklen_t") w = "uint32_t"
			else if (w == "time_t") w = time_t
			else if (w == "sa_family_t") w = "uint16_t"
			else if (w == "unsigned" && $(i + 1) != "int" && $(i + 1) != "char" && $(i + 1) != "long" && $(i + 1) != "short") w = "unsigned int"
			out = out " " w
		}
		print out
	}' | sed 's/^ *//; s/ *( */(/g; s/ *) */) /g; s/) *;/);/g; s/) *(/)(/g; s/ *, */, /g; s/ *;/;/g; s/ \* */ */g; s/\* \*/**/g; s/\*\* /**/g; s/ *\[ */[/g; s/ *\] */]/g; s/ *$//'>"$tmp/decls"
cat "$tmp/decls"
} >"$tmp/out"

# Every word of a declaration must be a C keyword, a known type or a mio
# name: a system type the maps above miss fails here.
bad=$(sed 's/[^A-Za-z0-9_]/ /g' "$tmp/decls" | tr ' ' '\n' | grep -v '^$' | sort -u |
	grep -vxE 'mio_[a-z0-9_]+|const|void|char|int|long|short|unsigned|signed|struct|typedef|u?int(8|16|32|64|ptr)_t|[a-z_][a-z0-9_]*' || true)
[ -z "$bad" ] || { echo "$0: cannot map: $bad" >&2; exit 1; }
for t in $(sed -n 's/.*\b\(size_t\|ssize_t\|bool\|socklen_t\|time_t\|sa_family_t\|off_t\|pid_t\|mode_t\)\b.*/\1/p' "$tmp/decls" | sort -u); do
	echo "$0: unmapped type $t" >&2; exit 1
done
nfun=$(grep -c '^[^t].*(' "$tmp/decls" || true)
nhdr=$(grep -c '[ *]mio_[a-z0-9_]*(' "$tmp/decls" || true)
[ "$nfun" -gt 0 ] || { echo "$0: no function found in $header" >&2; exit 1; }
cat "$tmp/out"
