#!/bin/sh
# check-compat.sh - binaries built against libmio 1.0.0 and 1.1.0 keep
# working with this library, and a binary that needs a newer node refuses
# an older library.
#
#  1. The sources of each release come from git (`git archive vX.Y.Z`, the
#     tag of the release; CI has a full clone), from the commit the tag
#     names (a clone without tags still has it in main's history), or from
#     $MIO_COMPAT_SRC_X_Y_Z (an unpacked tree; $MIO_COMPAT_SRC is still
#     read for 1.0.0).  Each is built once, into
#     $top_builddir/tests/compat-X.Y.Z (kept between runs): the release's
#     library and its own Check suites, compiled against its header and
#     linked with its library.  It is configured with this build's backend
#     and waker ($MIO_BACKEND, $MIO_WAKER): the suites include white-box
#     tests that fill an events buffer by hand in the backend's own
#     layout, so an epoll build's tests say nothing true about a poll
#     library.
#  2. Those test binaries run against THIS library (LD_LIBRARY_PATH; the
#     script shows which libmio.so.1 the dynamic linker picked) and must
#     pass: check_mio (every suite of the release) and check_alloc.
#     (Not check_dlopen: it also holds mio_version() to its own tree's.)
#  3. The dynamic symbols: every name@node the old library exports, this
#     one exports at the same node (objdump -T), and what it adds is under
#     nodes the old one lacks.
#  4. A program calling mio_events_copy (MIO_1.1), built against this
#     tree, is refused by the 1.0.0 library, and one calling
#     mio_poll_wait_raw (MIO_1.2) by the 1.1.0 library ("version `MIO_1.x'
#     not found"), messages printed; the same programs without the newer
#     call start fine there.
#
# Why build from the tag rather than commit binaries or copies of the
# sources: the tag IS what shipped, binaries would be per-architecture and
# rot, and copied sources could drift from the release.  The cost is that
# a dist tarball (no .git) cannot run it: it skips (77) there, saying so,
# and CI runs it from the clone.  Cross builds skip too.  Building both
# releases takes about two minutes the first time, nothing after.
set -u
: "${top_srcdir:=../..}" "${top_builddir:=../..}" "${CC:=cc}"
here_lib=$(cd "$top_builddir/lib/.libs" && pwd)
backend_args=
[ -n "${MIO_BACKEND:-}" ] && backend_args="--with-backend=$MIO_BACKEND"
[ -n "${MIO_WAKER:-}" ] && backend_args="$backend_args --with-waker=$MIO_WAKER"
tests_dir=$(cd "$top_builddir/tests" && pwd)
# version, tag, the commit the tag names, the test programs to run.
releases="1.0.0 v1.0.0 ac1ca43745477f8907ad409d8779914e30ca9245 check_mio,check_alloc
1.1.0 v1.1.0 8d1bb09de0139f75d16375787ebf375e974c9e89 check_mio,check_alloc"

arch_lib=$(sh "$top_srcdir/tests/elf-arch.sh" "$here_lib/libmio.so.1")
if [ "$arch_lib" != "$(sh "$top_srcdir/tests/elf-arch.sh" /bin/sh)" ]; then
	echo "SKIP: cross build ($arch_lib library): the old binaries would be built for the host"
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

# ---- 1. the release trees ---------------------------------------------
build_release() {  # version tag commit: prints nothing on success, SKIP/FAIL else
	version=$1 tag=$2 commit=$3
	work="$tests_dir/compat-$version"
	[ -f "$work/done" ] && return 0
	rm -rf "$work"; mkdir -p "$work/src"
	var=MIO_COMPAT_SRC_$(echo "$version" | tr . _)
	eval "src=\${$var:-}"
	[ -z "$src" ] && [ "$version" = 1.0.0 ] && src=${MIO_COMPAT_SRC:-}
	if [ -n "$src" ]; then
		cp -R "$src/." "$work/src/" || return 1
		echo "$version sources: $src"
	elif ! in_git_checkout; then
		echo "SKIP: $top_srcdir is not a git checkout (a dist tarball?) and no \$$var: cannot build $version"
		rm -rf "$work"; return 77
	elif git -C "$top_srcdir" rev-parse -q --verify "refs/tags/$tag" >/dev/null 2>&1; then
		git -C "$top_srcdir" archive "$tag" | tar -x -C "$work/src" || return 1
		echo "$version sources: git archive $tag ($(git -C "$top_srcdir" rev-parse --short "$tag^{commit}"))"
	elif git -C "$top_srcdir" cat-file -e "$commit^{commit}" 2>/dev/null; then
		git -C "$top_srcdir" archive "$commit" | tar -x -C "$work/src" || return 1
		echo "$version sources: git archive ${commit%${commit#???????}} (the commit $tag tags; no tags in this clone)"
	else
		echo "SKIP: no git tag $tag nor commit ${commit%${commit#???????}} here and no \$$var: cannot build $version"
		rm -rf "$work"; return 77
	fi
	echo "building $version (once, in $work) with ${backend_args:-the default backend} ..."
	# $backend_args is a list of words on purpose.
	# shellcheck disable=SC2086
	( cd "$work/src" && autoreconf -fi >"$work/build.log" 2>&1 &&
	  ./configure -q --disable-python --disable-lua $backend_args >>"$work/build.log" 2>&1 &&
	  make -j2 >>"$work/build.log" 2>&1 &&
	  make -C tests -j2 $(echo "$4" | tr , ' ') >>"$work/build.log" 2>&1 ) || {
		echo "FAIL: building $version failed; last lines of $work/build.log:"
		tail -20 "$work/build.log"; return 1; }
	touch "$work/done"
}

status=0
echo "this library:  $(readlink "$here_lib/libmio.so.1") ($here_lib)"
echo "$releases" | while read -r version tag commit progs; do
	build_release "$version" "$tag" "$commit" "$progs"
	rc=$?
	[ $rc -eq 0 ] || exit $rc
done
rc=$?
[ $rc -eq 0 ] || exit $rc

old_lib_of() { echo "$tests_dir/compat-$1/src/lib/.libs"; }

# ---- 2. old test binaries on this library ------------------------------
for line in $(echo "$releases" | awk '{ print $1 ":" $4 }'); do
	version=${line%%:*}
	work="$tests_dir/compat-$version"
	echo "$version library: $(readlink "$(old_lib_of "$version")/libmio.so.1") ($(old_lib_of "$version"))"
	for t in $(echo "${line#*:}" | tr , ' '); do
		bin="$work/src/tests/.libs/$t"
		[ -x "$bin" ] || bin="$work/src/tests/$t"
		picked=$(LD_LIBRARY_PATH="$here_lib" LD_TRACE_LOADED_OBJECTS=1 "$bin" 2>&1 | awk '/libmio\.so\.1/ { print $3 }')
		echo "== $version $t against $picked"
		case "$picked" in "$here_lib"/*) ;; *)
			echo "FAIL: $t did not load this tree's library"; status=1; continue ;; esac
		if LD_LIBRARY_PATH="$here_lib" CK_VERBOSITY=normal "$bin" > "$work/$t.log" 2>&1; then
			grep -E '^[0-9]+%: Checks' "$work/$t.log" | sed 's/^/   /'
			echo "   PASS: $version $t on $(readlink "$here_lib/libmio.so.1")"
		else
			tail -20 "$work/$t.log"; echo "FAIL: $version $t against this library"; status=1
		fi
	done
done

# ---- 3. the dynamic symbols, node by node ------------------------------
exports() {  # LIB: "NODE NAME" of each defined function, sorted
	objdump -T "$1" | awk '$0 ~ / DF / && $0 !~ /\*UND\*/ { print $(NF-1), $NF }' | sort -u
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
exports "$here_lib/libmio.so.1" > "$tmp/new"
for version in $(echo "$releases" | awk '{ print $1 }'); do
	exports "$(old_lib_of "$version")/libmio.so.1" > "$tmp/old"
	lost=$(comm -23 "$tmp/old" "$tmp/new")
	old_nodes=$(awk '{ print $1 }' "$tmp/old" | sort -u | tr '\n' ' ')
	added=$(comm -13 "$tmp/old" "$tmp/new")
	misplaced=$(printf '%s\n' "$added" | awk -v old=" $old_nodes" 'NF && index(old, " " $1 " ")')
	echo "== objdump -T: $version ($(wc -l < "$tmp/old") functions: $old_nodes) against this library"
	if [ -n "$lost" ]; then
		echo "FAIL: exported by $version, not by this library at the same node:"
		printf '%s\n' "$lost" | sed 's/^/   /'; status=1
	elif [ -n "$misplaced" ]; then
		echo "FAIL: added to a node $version already had:"
		printf '%s\n' "$misplaced" | sed 's/^/   /'; status=1
	else
		echo "   PASS: all $(wc -l < "$tmp/old") at their node; added:" \
			"$(printf '%s\n' "$added" | awk 'NF { n[$1]++ } END { for (k in n) printf "%s %d ", k, n[k] }')"
	fi
done

# ---- 4. newer programs on older libraries ------------------------------
cat > "$tmp/uses.c" <<'SRC'
#include <stdio.h>
#include <mio.h>
int main(void)
{
	mio_poll *p;
	mio_events *e;
	mio_event_info info[1];
	mio_raw_event raw[1];
	struct timespec zero = { 0, 0 };
	if (mio_poll_new(&p) < 0 || mio_events_new(1, &e) < 0)
		return 1;
#if defined(USE_12)
	printf("raw wait %d\n", mio_poll_wait_raw(p, raw, 1, &zero));
	(void)info;
#elif defined(USE_11)
	printf("copied %zu\n", mio_events_copy(e, 0, info, 1));
	(void)raw; (void)zero;
#else
	(void)info; (void)raw; (void)zero;
	printf("len %zu\n", mio_events_len(e));
#endif
	mio_events_free(e);
	mio_poll_free(p);
	return 0;
}
SRC
for v in 10 11 12; do
	"$CC" -DUSE_$v -I"$top_builddir/include" "$tmp/uses.c" -L"$here_lib" -lmio -o "$tmp/uses$v" || exit 1
done
# old release, newest node it lacks, the program that needs it, one it can run
for case in "1.0.0 MIO_1.1 uses11 uses10" "1.1.0 MIO_1.2 uses12 uses11"; do
	set -- $case
	old_lib=$(old_lib_of "$1")
	echo "== a program that needs $2, against the $1 library"
	out=$(LD_LIBRARY_PATH="$old_lib" "$tmp/$3" 2>&1); rc=$?
	echo "   exit status $rc: $out"
	case "$out" in *"version \`$2' not found"*) [ $rc -ne 0 ] && echo "   PASS: refused by the dynamic linker" ;;
	*) echo "FAIL: expected the dynamic linker to refuse it"; status=1 ;; esac
	out=$(LD_LIBRARY_PATH="$here_lib" "$tmp/$3" 2>&1); rc=$?
	echo "   against this library: exit status $rc: $out"
	[ $rc -eq 0 ] || status=1
	out=$(LD_LIBRARY_PATH="$old_lib" "$tmp/$4" 2>&1); rc=$?
	echo "   without it ($4), against $1: exit status $rc: $out"
	[ $rc -eq 0 ] || { echo "FAIL: a program without $2 calls must run on $1"; status=1; }
done
[ $status -eq 0 ] && echo "compat: 1.0.0 and 1.1.0 binaries pass on this library; newer nodes are enforced by the linker"
exit $status
