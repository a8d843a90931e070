#!/bin/sh
# check-mio7.sh - mio(7) is the map of the manual: what it lists must be
# what there is (make check).
#
#  - every section 3 page is named (.Xr) in its DESCRIPTION, in the model
#    or the list of objects, and in SEE ALSO (mio_tcp_socket(3) was in
#    neither);
#  - every type of mio.h (typedefs spanning several lines included) is
#    named in mio(7) or documented on a page it names;
#  - its ABI section has an item for every version node of
#    lib/libmio.sym (it once said every symbol was at MIO_1.0), and
#    names no node that neither exists nor is this release's.
set -u
: "${srcdir:=.}" "${top_srcdir:=..}" "${top_builddir:=..}" "${VERSION:?}" "${MAN3PAGES:?}"
page=$srcdir/mio.7
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

section() {  # name -> the lines of that .Sh section of mio(7)
	awk -v s=".Sh $1" '/^\.Sh / { on = ($0 == s); next } on' "$page"
}
xrefs() {  # stdin -> the section 3 pages named by .Xr
	sed -n 's/^\.Xr \(mio_[a-z0-9_]*\) 3.*/\1/p; s/.*[[:space:]]Xr \(mio_[a-z0-9_]*\) 3.*/\1/p' | sort -u
}
desc=$(section DESCRIPTION | xrefs)
seealso=$(section "SEE ALSO" | xrefs)
n=0
for p in $MAN3PAGES; do
	p=${p%.3}; n=$((n + 1))
	printf '%s\n' "$desc" | grep -qx "$p" || bad "mio(7) DESCRIPTION does not name $p(3) (the model or the list of objects)"
	printf '%s\n' "$seealso" | grep -qx "$p" || bad "mio(7) SEE ALSO does not name $p(3)"
done
echo "pages: $n section 3 pages, each in mio(7)'s DESCRIPTION and SEE ALSO unless said above"

# Types: one-line typedefs, and the name closing a multi-line one
# ("typedef struct mio_event_info { ... } mio_event_info;").
types=$(awk '
	/^[[:space:]]*typedef/ && /;/ { if (match($0, /mio_[A-Za-z0-9_]*[[:space:]]*;/)) { t = substr($0, RSTART, RLENGTH); sub(/[[:space:]]*;/, "", t); print t } ; next }
	/^[[:space:]]*typedef/ { open = 1; next }
	open && /^[[:space:]]*}[[:space:]]*mio_[A-Za-z0-9_]*[[:space:]]*;/ { t = $0; sub(/^[[:space:]]*}[[:space:]]*/, "", t); sub(/[[:space:]]*;.*/, "", t); print t; open = 0 }
' "$top_builddir/include/mio.h" | sort -u)
links=links.list   # "name page", made by `make` in man/ (gen-stubs.sh)
[ -f "$links" ] || { echo "FAIL: $links not built"; exit 99; }
nt=0
for t in $types; do
	nt=$((nt + 1))
	p=$(awk -v t="$t" '$1 == t { print $2 }' "$links")
	[ -n "$p" ] || p=$t
	grep -qw -- "$t" "$page" || printf '%s\n' "$desc" | grep -qx "$p" ||
		bad "type $t: not in mio(7), and its page ${p}(3) is not named in DESCRIPTION"
	awk -v t="$t" '$1 == t { f = 1 } END { exit !f }' "$links" || [ -f "$srcdir/$t.3" ] ||
		bad "type $t: no man3 link (man 3 $t finds nothing)"
done
echo "types: $nt in mio.h, each named in mio(7) or on a page it names, and with a man3 page or link"

# ABI: the nodes of the version script.
nodes=$(sed -n 's/^[[:space:]]*\(MIO_[0-9]*\.[0-9]*\)[[:space:]]*{.*/\1/p' "$top_srcdir/lib/libmio.sym" | sort -u)
abi=$(section ABI)
items=$(printf '%s\n' "$abi" | sed -n 's/^\.It Li \(MIO_[0-9]*\.[0-9]*\).*/\1/p' | sort -u)
this=MIO_$(echo "$VERSION" | cut -d. -f1,2)
for v in $nodes; do
	printf '%s\n' "$items" | grep -qx "$v" || bad "mio(7) ABI has no item for node $v of lib/libmio.sym"
done
for v in $(printf '%s\n' "$abi" | grep -o 'MIO_[0-9]*\.[0-9]*' | sort -u); do
	printf '%s\n' "$nodes" | grep -qx "$v" || [ "$v" = "$this" ] ||
		bad "mio(7) ABI names $v: no such node in lib/libmio.sym, and not this release's ($this)"
done
echo "abi: nodes $(echo $nodes) in lib/libmio.sym; mio(7) items: $(echo $items)"
[ $fail -eq 0 ]
