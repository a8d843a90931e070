#!/bin/sh
# elf-arch.sh - the architecture of an ELF file, as abi/ names its
# directories: x86_64, i386, x32, aarch64, arm, s390x, ppc64el, ...
# Read from the ELF header itself (class, byte order, e_machine), so it
# needs neither readelf nor file(1) and works on a cross-built library.
#
#   tests/elf-arch.sh lib/.libs/libmio.so.1
#
# SPDX-License-Identifier: MIT
set -eu
f=${1:?usage: elf-arch.sh FILE}
# Bytes 0-3 magic, 4 class (1: 32-bit, 2: 64-bit), 5 data (1: LE, 2: BE),
# 18-19 e_machine in the file's byte order.
set -- $(od -An -tu1 -N20 "$f")
[ $# -eq 20 ] && [ "$1" -eq 127 ] && [ "$2" -eq 69 ] && [ "$3" -eq 76 ] && [ "$4" -eq 70 ] ||
	{ echo "unknown"; exit 0; }
class=$5 data=$6
if [ "$data" -eq 1 ]; then machine=$(( ${19} + 256 * ${20} )); else machine=$(( ${19} * 256 + ${20} )); fi
case "$class:$machine" in
	2:62) echo x86_64 ;;
	1:62) echo x32 ;;
	1:3)  echo i386 ;;
	2:183) echo aarch64 ;;
	1:40) echo arm ;;
	2:22) echo s390x ;;
	2:21) [ "$data" -eq 1 ] && echo ppc64el || echo ppc64 ;;
	1:20) echo powerpc ;;
	2:243) echo riscv64 ;;
	2:8)  [ "$data" -eq 1 ] && echo mips64el || echo mips64 ;;
	1:8)  [ "$data" -eq 1 ] && echo mipsel || echo mips ;;
	*) echo "elf$class-machine$machine" ;;
esac
