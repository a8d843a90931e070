#!/bin/sh
# check-compat.sh - binaries built against libmio 1.0.0 keep working with
# this library, and a binary that needs 1.1 refuses a 1.0.0 library.
#
#  1. The 1.0.0 sources come from git (`git archive v1.0.0`, the tag of the
#     release; CI has a full clone) or from $MIO_COMPAT_SRC (an unpacked
#     1.0.0 tree).  They are built once, into $top_builddir/tests/compat-1.0.0
#     (kept between runs): the 1.0.0 library and 1.0.0's own Check suites,
#     compiled against the 1.0.0 header and linked with the 1.0.0 library.
#     It is configured with this build's backend and waker
#     ($MIO_BACKEND, $MIO_WAKER): 1.0.0's suites include white-box tests
#     that fill an events buffer by hand in the backend's own layout, so a
#     1.0.0 epoll build's tests say nothing true about a poll library.
#  2. Those 1.0.0 test binaries run against THIS library (LD_LIBRARY_PATH;
#     the script shows which libmio.so.1 the dynamic linker picked) and
#     must pass: check_mio (every suite of 1.0.0) and check_alloc.
#  3. A program calling mio_events_copy, built against this tree, is run
#     against the 1.0.0 library: the dynamic linker must refuse to start it
#     ("version `MIO_1.1' not found"), and the message is printed.  The same
#     program without 1.1 calls starts fine there (it needs MIO_1.0 only).
#
# Why build from the tag rather than commit 1.0.0 binaries or copies of
# its sources: the tag IS what shipped, binaries would be per-architecture
# and rot, and copied sources could drift from the release.  The cost is
# that a dist tarball (no .git) cannot run it: it skips (77) there, saying
# so, and CI runs it from the clone.  Cross builds skip too.
set -u
: "${top_srcdir:=../..}" "${top_builddir:=../..}" "${CC:=cc}"
here_lib=$(cd "$top_builddir/lib/.libs" && pwd)
backend_args=
[ -n "${MIO_BACKEND:-}" ] && backend_args="--with-backend=$MIO_BACKEND"
[ -n "${MIO_WAKER:-}" ] && backend_args="$backend_args --with-waker=$MIO_WAKER"
work="$(cd "$top_builddir/tests" && pwd)/compat-1.0.0"
tag=v1.0.0
# The commit v1.0.0 tags: a clone that did not fetch tags still has it in
# main's history, so the test runs there too.
tag_commit=ac1ca43745477f8907ad409d8779914e30ca9245

arch_lib=$(sh "$top_srcdir/tests/elf-arch.sh" "$here_lib/libmio.so.1")
if [ "$arch_lib" != "$(sh "$top_srcdir/tests/elf-arch.sh" /bin/sh)" ]; then
	echo "SKIP: cross build ($arch_lib library): the 1.0.0 binaries would be built for the host"
	exit 77
fi

# The sources are a git checkout of their own: not a dist tarball unpacked
# inside some other checkout (make distcheck does exactly that), where git
# would answer for the enclosing repository.
in_git_checkout() {
	local top
	top=$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null) || return 1
	[ "$top" = "$(cd "$top_srcdir" && pwd -P)" ]
}

# ---- 1. the 1.0.0 tree ------------------------------------------------
if [ ! -f "$work/done" ]; then
	rm -rf "$work"; mkdir -p "$work/src"
	if [ -n "${MIO_COMPAT_SRC:-}" ]; then
		cp -R "$MIO_COMPAT_SRC/." "$work/src/" || exit 1
		echo "1.0.0 sources: $MIO_COMPAT_SRC"
	elif ! in_git_checkout; then
		echo "SKIP: $top_srcdir is not a git checkout (a dist tarball?) and no MIO_COMPAT_SRC: cannot build 1.0.0"
		rm -rf "$work"; exit 77
	elif git -C "$top_srcdir" rev-parse -q --verify "refs/tags/$tag" >/dev/null 2>&1; then
		git -C "$top_srcdir" archive "$tag" | tar -x -C "$work/src" || exit 1
		echo "1.0.0 sources: git archive $tag ($(git -C "$top_srcdir" rev-parse --short "$tag^{commit}"))"
	elif git -C "$top_srcdir" cat-file -e "$tag_commit^{commit}" 2>/dev/null; then
		git -C "$top_srcdir" archive "$tag_commit" | tar -x -C "$work/src" || exit 1
		echo "1.0.0 sources: git archive ${tag_commit%${tag_commit#???????}} (the commit $tag tags; no tags in this clone)"
	else
		echo "SKIP: no git tag $tag here (a dist tarball?) and no MIO_COMPAT_SRC: cannot build 1.0.0"
		rm -rf "$work"; exit 77
	fi
	echo "building 1.0.0 (once, in $work) with ${backend_args:-the default backend} ..."
	# $backend_args is a list of words on purpose.
	# shellcheck disable=SC2086
	( cd "$work/src" && autoreconf -fi >"$work/build.log" 2>&1 &&
	  ./configure -q --disable-python --disable-lua $backend_args >>"$work/build.log" 2>&1 &&
	  make -j2 >>"$work/build.log" 2>&1 &&
	  make -C tests -j2 check_mio check_alloc >>"$work/build.log" 2>&1 ) || {
		echo "FAIL: building 1.0.0 failed; last lines of $work/build.log:"
		tail -20 "$work/build.log"; exit 1; }
	touch "$work/done"
fi
old_lib="$work/src/lib/.libs"
echo "1.0.0 library: $(readlink "$old_lib/libmio.so.1") ($old_lib)"
echo "this library:  $(readlink "$here_lib/libmio.so.1") ($here_lib)"

status=0
# ---- 2. 1.0.0 binaries on this library --------------------------------
for t in check_mio check_alloc; do
	bin="$work/src/tests/.libs/$t"
	[ -x "$bin" ] || bin="$work/src/tests/$t"
	picked=$(LD_LIBRARY_PATH="$here_lib" LD_TRACE_LOADED_OBJECTS=1 "$bin" 2>&1 | awk '/libmio\.so\.1/ { print $3 }')
	echo "== 1.0.0 $t against $picked"
	case "$picked" in "$here_lib"/*) ;; *)
		echo "FAIL: $t did not load this tree's library"; status=1; continue ;; esac
	if LD_LIBRARY_PATH="$here_lib" CK_VERBOSITY=normal "$bin" > "$work/$t.log" 2>&1; then
		grep -E '^[0-9]+%: Checks' "$work/$t.log" | sed 's/^/   /'
		echo "   PASS: 1.0.0 $t on $(readlink "$here_lib/libmio.so.1")"
	else
		tail -20 "$work/$t.log"; echo "FAIL: 1.0.0 $t against this library"; status=1
	fi
done

# ---- 3. a 1.1 program on the 1.0.0 library -----------------------------
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/uses11.c" <<'SRC'
#include <stdio.h>
#include <mio.h>
int main(void)
{
	mio_events *e;
	mio_event_info info[1];
	if (mio_events_new(1, &e) < 0)
		return 1;
#ifdef USE_11
	printf("copied %zu\n", mio_events_copy(e, 0, info, 1));
#else
	(void)info;
	printf("len %zu\n", mio_events_len(e));
#endif
	mio_events_free(e);
	return 0;
}
SRC
"$CC" -DUSE_11 -I"$top_builddir/include" "$tmp/uses11.c" -L"$here_lib" -lmio -o "$tmp/uses11" &&
"$CC" -I"$top_builddir/include" "$tmp/uses11.c" -L"$here_lib" -lmio -o "$tmp/uses10" || exit 1
echo "== a program calling mio_events_copy (MIO_1.1), against the 1.0.0 library"
out=$(LD_LIBRARY_PATH="$old_lib" "$tmp/uses11" 2>&1); rc=$?
echo "   exit status $rc: $out"
case "$out" in *"version \`MIO_1.1' not found"*) [ $rc -ne 0 ] && echo "   PASS: refused by the dynamic linker" ;;
*) echo "FAIL: expected the dynamic linker to refuse it"; status=1 ;; esac
out=$(LD_LIBRARY_PATH="$here_lib" "$tmp/uses11" 2>&1); rc=$?
echo "   against this library: exit status $rc: $out"
[ $rc -eq 0 ] || status=1
echo "== the same program without 1.1 calls (needs MIO_1.0 only), against the 1.0.0 library"
out=$(LD_LIBRARY_PATH="$old_lib" "$tmp/uses10" 2>&1); rc=$?
echo "   exit status $rc: $out"
[ $rc -eq 0 ] || { echo "FAIL: a MIO_1.0-only program must run on 1.0.0"; status=1; }
[ $status -eq 0 ] && echo "compat: 1.0.0 binaries pass on this library; 1.1 needs are enforced by the linker"
exit $status
