#!/bin/sh
# sym-nodes.sh - the version script as a table: one line per exported
# function, "NODE NAME" (MIO_1.0 mio_poll_new), or "NODE NAME TAG" for a
# function that only some targets export, marked in lib/libmio.sym by a
# comment on its line:  mio_poll_wait_time64;  /* only: time32 */
#
#   tests/sym-nodes.sh lib/libmio.sym
#
# check-symbols.sh, check_dlopen (mio-functions.h) and test_ctypes.py take
# "which node does this function belong to" from here, so the version
# script stays the one place that says it.
#
# SPDX-License-Identifier: MIT
set -eu
sym=${1:?usage: sym-nodes.sh lib/libmio.sym}
awk '
	# Block comments spanning lines (the file header) hold no symbols.
	incomment { if ($0 ~ /\*\//) incomment = 0; next }
	/^[[:space:]]*\/\*/ && $0 !~ /\*\// { incomment = 1; next }
	{
		tag = ""
		if (match($0, /\/\*[[:space:]]*only:[[:space:]]*[A-Za-z0-9_]+/)) {
			tag = substr($0, RSTART, RLENGTH); sub(/.*only:[[:space:]]*/, "", tag)
		}
		gsub(/\/\*.*\*\//, "")
	}
	/^[[:space:]]*MIO_[0-9]+\.[0-9]+[[:space:]]*\{/ { node = $1; sub(/\{.*/, "", node); next }
	/^[[:space:]]*(global|local):/ { next }
	/^[[:space:]]*\}/ { node = ""; next }
	node != "" && /^[[:space:]]*mio_[a-z0-9_]+[[:space:]]*;/ {
		n = $1; sub(/;.*/, "", n)
		if (tag != "") print node, n, tag; else print node, n
	}
' "$sym"
