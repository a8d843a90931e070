#!/bin/bash
# 51-install-consumers.sh - a newcomer's first command, and what programs
# of other build systems and FFIs find after `make install`.
#
# Global state this step changes: none (no package installed, nothing
# outside $SRCDIR/_build/51-install-consumers).  Expected time: about 90 s
# on 2 cores (two builds of the library, CMake, Meson, LuaJIT, cffi).
#
#  1. README's first command, taken from README.md: its install-deps part
#     must name a short list (at most 10 packages: building and the demo,
#     not CI's tools), and the rest of it is run as printed in a fresh
#     copy of the committed tree (git archive HEAD; the working tree when
#     there is no git): autoreconf, configure and make may print no
#     warning (aclocal once warned "couldn't open directory 'm4'"), and
#     the demo must end with "all bytes came back";
#  2. in the same copy: configure --prefix=<here>/inst, make install;
#     pkg-config --variable=cdef mio must name the installed mio.cdef;
#     the LuaJIT and cffi blocks of README.md and mio(7) run as printed
#     against it (ffi/doc-snippets.py); cmake/tests/run.sh builds a CMake
#     project (mio::mio, mio::mio_static, the version file) and a Meson
#     one (dependency('mio'), static too) against it.
# Environment: SRCDIR (required).
set -euo pipefail
: "${SRCDIR:?}"
SRCDIR=$(cd "$SRCDIR" && pwd)
W=$SRCDIR/_build/51-install-consumers
start=$(date +%s)
say() { echo "-- [51-install-consumers $(( $(date +%s) - start ))s] $*"; }
rows=() fail=0
row() { rows+=("$(printf '%-46s %-5s %s' "$1" "$2" "$3")"); [ "$2" = ok ] || fail=$((fail + 1)); }
rm -rf "$W"; mkdir -p "$W/src"

say "a fresh copy of the tree"
if git -C "$SRCDIR" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	git -C "$SRCDIR" archive HEAD | tar -x -C "$W/src"
	what="git archive $(git -C "$SRCDIR" rev-parse --short HEAD)"
	if [ -n "$(git -C "$SRCDIR" status --porcelain --untracked-files=no)" ]; then
		echo "NOTE: uncommitted changes in $SRCDIR are not in this copy"
	fi
else
	tar -C "$SRCDIR" --exclude=./_build --exclude=./.git -cf - . | tar -x -C "$W/src"
	what="copy of the working tree"
fi
echo "$what -> $W/src"

# ---- 1. README's first command ----------------------------------------------
first=$(awk '/^```sh/ { on = 1; next } on { print; exit }' "$SRCDIR/README.md")
echo "README's first command: $first"
deps=${first%%&&*} rest=${first#*&&}
case $deps in
*install-deps*)
	lists=$(echo "$deps" | sed 's/.*install-deps//')
	# shellcheck disable=SC2086
	pkgs=$(sh "$SRCDIR/.ci/install-deps" --print $lists)
	n=$(echo $pkgs | wc -w)
	[ "$n" -le 10 ] && row "README: install-deps$lists" ok "$n packages: $pkgs" ||
		row "README: install-deps$lists" FAIL "$n packages (CI's whole list?), more than 10"
	;;
*) row "README: first command installs with install-deps" FAIL "$deps" ;;
esac
say "running it (without its install-deps part) in the copy"
if (cd "$W/src" && timeout 900 bash -c "set -e; $rest") >"$W/readme.out" 2>"$W/readme.err"; then
	tail -1 "$W/readme.out" | grep -q 'all bytes came back' &&
		row "README: build and demo" ok "$(tail -1 "$W/readme.out")" ||
		row "README: build and demo" FAIL "demo said: $(tail -1 "$W/readme.out")"
else
	tail -20 "$W/readme.err"
	row "README: build and demo" FAIL "exit status (see $W/readme.err)"
fi
warnings=$(grep -i 'warning' "$W/readme.err" || true)
[ -z "$warnings" ] && row "README: no warning from autoreconf, configure, make" ok "" ||
	{ echo "$warnings"; row "README: no warning from autoreconf, configure, make" FAIL "$(echo "$warnings" | head -1)"; }
grep -q "^Each event names its token" "$W/readme.out" &&
	row "README: the demo explains its tokens" ok "$(grep -m1 '^  waker  *a ' "$W/readme.out" | sed 's/^ *//')" ||
	row "README: the demo explains its tokens" FAIL "no legend"

# ---- 2. make install, and its consumers ------------------------------------------
say "configure --prefix=$W/inst, make install"
mkdir -p "$W/src/_build/inst"
if (cd "$W/src/_build/inst" && ../../configure --prefix="$W/inst" --disable-python --disable-lua >configure.log 2>&1 &&
	make -j2 >make.log 2>&1 && make install >install.log 2>&1); then
	row "make install --prefix" ok "$W/inst"
else
	tail -30 "$W"/src/_build/inst/*.log
	row "make install --prefix" FAIL "see $W/src/_build/inst/*.log"
fi
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$W/src/_build/inst/Makefile" 2>/dev/null || echo ?)
export PKG_CONFIG_PATH=$W/inst/lib/pkgconfig LD_LIBRARY_PATH=$W/inst/lib
cdef=$(pkg-config --variable=cdef mio 2>/dev/null || true)
[ "$cdef" = "$W/inst/share/libmio/mio.cdef" ] && [ -s "$cdef" ] &&
	row "pkg-config --variable=cdef mio" ok "$cdef" ||
	row "pkg-config --variable=cdef mio" FAIL "'$cdef'"
say "the LuaJIT and cffi blocks of README.md and mio(7), against the prefix"
if timeout 300 python3 "$W/src/ffi/doc-snippets.py" --only luajit-cdef,cffi-cdef "$version" \
	"$W/src/README.md" "$W/src/man/mio.7"; then
	row "doc snippets (LuaJIT, cffi) against the prefix" ok "README.md, mio(7)"
else
	row "doc snippets (LuaJIT, cffi) against the prefix" FAIL ""
fi
say "CMake and Meson projects against the prefix"
if timeout 600 sh "$W/src/cmake/tests/run.sh" "$W/consumers" "$W/inst"; then
	row "CMake and Meson against the prefix" ok "cmake/tests/run.sh"
else
	row "CMake and Meson against the prefix" FAIL "cmake/tests/run.sh"
fi

echo
echo "51-install-consumers summary ($(( $(date +%s) - start )) s)"
printf '%-46s %-5s %s\n' check result detail
printf '%s\n' "${rows[@]}"
[ $fail -eq 0 ] || { echo "51-install-consumers: $fail failure(s)"; exit 1; }
echo "51-install-consumers: OK"
