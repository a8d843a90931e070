#!/bin/sh
# gen-stubs.sh - the links that make `man 3 <name>` work, for every
# function and every type name of mio.h.
#
#   gen-stubs.sh [-H MIO_H] SRCDIR PAGE...   print "<name> <page>" lines
#
# make install turns each line into a symbolic link man3/<name>.3 ->
# <page>.3 (ln -s: mandoc -Tlint calls `.so` stubs fragile, and Debian
# policy prefers links).
#
# Function names are the .Nm lines of each page's NAME section, so a
# function added to a page gets its link with no second list to keep in
# step.  A name on two pages, or a name equal to a page's own, is an
# error: one of the two links would silently win.
#
# Type names (with -H): every `typedef ... mio_x;` of the header (the
# build tree's include/mio.h, so the 1.1 types come along by themselves)
# opens a page, found in this order:
#   1. a page of that name (mio_poll.3 for mio_poll);
#   2. a page naming it in its NAME section (mio_interest on mio_token.3);
#   3. the page naming a function <type>_* (mio_pipe_sender: mio_pipe.3);
#   4. the first page, in the order given, whose SYNOPSIS mentions it
#      (mio_event_info: mio_events.3).
# A type found on no page is an error, so a typedef added to the header
# without documentation fails the build.
set -eu

header=
if [ "${1:-}" = -H ]; then header=$2; shift 2; fi
[ $# -ge 2 ] || { echo "usage: $0 [-H MIO_H] SRCDIR PAGE..." >&2; exit 2; }
srcdir=$1; shift

names() {  # page -> the .Nm lines of its NAME section; "mio_x ," -> "mio_x"
	sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm  *\([A-Za-z0-9_]*\).*/\1/p' "$srcdir/$1"
}

list=$(for page in "$@"; do
	base=${page%.3}
	names "$page" | while read -r name; do
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
		echo "$0: ${page%.3} is both a page and a link" >&2
		exit 1
	fi
done

types=
if [ -n "$header" ]; then
	[ -f "$header" ] || { echo "$0: $header: no such header" >&2; exit 1; }
	# "typedef struct mio_x mio_x;", "typedef uintptr_t mio_token; /* ... */",
	# and "} mio_event_info;" closing a typedef over several lines
	types=$(sed -n -e 's/^[[:space:]]*typedef[^;(]*[[:space:]*]\(mio_[A-Za-z0-9_]*\)[[:space:]]*;.*/\1/p' \
		-e 's/^[[:space:]]*}[[:space:]]*\(mio_[A-Za-z0-9_]*\)[[:space:]]*;.*/\1/p' "$header" | sort -u)
	[ -n "$types" ] || { echo "$0: no typedef found in $header" >&2; exit 1; }
fi

typelinks=$(for t in $types; do
	found=
	for page in "$@"; do   # 1. its own page
		[ "${page%.3}" = "$t" ] && found=own && break
	done
	[ -n "$found" ] && continue
	# 2. named in a NAME section: already a line of $list
	printf '%s\n' "$list" | awk -v t="$t" '$1 == t { f = 1 } END { exit !f }' && continue
	# 3. the page of its functions
	found=$(printf '%s\n' "$list" | awk -v t="${t}_" 'index($1, t) == 1 { print $2; exit }')
	if [ -z "$found" ]; then
		for page in "$@"; do
			case ${page%.3} in "$t"_*) found=${page%.3}; break ;; esac
		done
	fi
	# 4. the first page whose SYNOPSIS mentions it
	if [ -z "$found" ]; then
		for page in "$@"; do
			if sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$srcdir/$page" |
				grep -qw -- "$t"; then
				found=${page%.3}; break
			fi
		done
	fi
	if [ -z "$found" ]; then
		echo "$0: type $t (from $header) is on no page" >&2
		echo "FAIL"
		continue
	fi
	printf '%s %s\n' "$t" "$found"
done)
case $typelinks in *FAIL*) exit 1 ;; esac

printf '%s\n%s\n' "$list" "$typelinks" | awk 'NF == 2'
