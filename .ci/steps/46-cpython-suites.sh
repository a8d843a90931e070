#!/bin/bash
# 46-cpython-suites.sh - CPython's own test suites on mio.Selector, and the
# Python module's type stub.
#
#  1. libmio and the Python module built for Debian's /usr/bin/python3
#     (the interpreter libpython3.11-testsuite ships `test` for) and
#     installed into a prefix; everything below imports the installed
#     module, nothing from the build tree.
#  2. test.test_selectors (BaseSelectorTestCase + ScalableSelectorMixIn)
#     and the SelectorEventLoop suites of test.test_asyncio, each module
#     run twice in a fresh interpreter: on selectors.DefaultSelector and
#     on mio.Selector (bindings/python/tests/test_selector_cpython.py says how
#     it is patched in).  The outcomes must match test by test; the
#     differences allowed are listed, with their reason, in that file.
#  3. The same on the poll(2) backend build, mio.Selector only, compared
#     with the default selector's results from 2 (they do not depend on
#     libmio): test_selectors and the listed asyncio modules.
#  4. mypy --strict on examples/python/*.py against the installed package
#     (found as a user's mypy finds it: on the interpreter's path, through
#     its py.typed; no MYPYPATH), and mypy.stubtest: the package's stub
#     against the installed package (a method missing from either side
#     fails).
# Modules run two at a time.  SUITES_EXTRA=0 leaves out the extra modules.
# ci-seconds: 155
set -euo pipefail
: "${SRCDIR:?}"
PY=${CPYTHON_SUITES_PYTHON:-/usr/bin/python3}
OUT=$SRCDIR/_build/cpython-suites
RUNNER=$SRCDIR/bindings/python/tests/test_selector_cpython.py
JOBS=${SUITES_JOBS:-2}
start=$(date +%s)
say() { echo "== cpython-suites [$(( $(date +%s) - start ))s]: $*"; }

# The issue's list, then more modules that run real loops.
REQUIRED="test_events test_streams test_sock_lowlevel test_selector_events test_server
	test_unix_events test_subprocess test_sendfile test_buffered_proto"
EXTRA="test_ssl test_sslproto test_base_events test_taskgroups test_timeouts test_waitfor
	test_locks test_queues test_threads test_context test_futures2"
[ "${SUITES_EXTRA:-1}" = 0 ] && EXTRA=
ASYNCIO_MODULES=$(echo $REQUIRED $EXTRA)

"$PY" -c 'import test.test_selectors, test.test_asyncio.test_events' 2>/dev/null || {
	echo "$PY has no test.test_asyncio (Debian: libpython3.11-testsuite)"; exit 1; }

build_install() {  # name, configure args...: sets PYDIR and LIBDIR
	local name=$1; shift
	local b=$OUT/build-$name inst=$OUT/inst-$name
	rm -rf "$inst"
	mkdir -p "$b"
	say "$name: configure PYTHON=$PY $*"
	(cd "$b" && "$SRCDIR/configure" PYTHON="$PY" --prefix="$inst" --disable-lua "$@" \
		>configure.out 2>&1) || { tail -30 "$b/configure.out"; exit 1; }
	grep -q '^  Python module:  yes' "$b/configure.out" ||
		{ echo "python module not configured"; tail -12 "$b/configure.out"; exit 1; }
	# lib, the bindings' shared C code (bindings/common, when there is
	# one) and the Python module: not the rest of the tree.
	local d dirs="lib"
	[ -f "$b/bindings/common/Makefile" ] && dirs="$dirs bindings/common"
	dirs="$dirs bindings/python"
	(for d in $dirs; do make -C "$b/$d" -j2 || exit 1; done &&
	 make -C "$b/lib" install && make -C "$b/bindings/python" install) >"$b/make.out" 2>&1 ||
		{ tail -40 "$b/make.out"; exit 1; }
	PYDIR=$(dirname "$(dirname "$(find "$inst" -path '*/mio/selector.py' | head -1)")")
	LIBDIR=$inst/lib
	[ -f "$PYDIR/mio/__init__.py" ] && [ -f "$PYDIR/mio/__init__.pyi" ] && [ -f "$PYDIR/mio/py.typed" ] ||
		{ echo "the package mio (__init__.py, __init__.pyi, py.typed) is not installed in $PYDIR"; exit 1; }
}

# run_all PYDIR LIBDIR TAG "MODE:MODULE ...": every job into $OUT/TAG-MODE-MODULE.json
run_all() {
	local pydir=$1 libdir=$2 tag=$3; shift 3
	printf '%s\n' "$@" | xargs -P "$JOBS" -I{} env PYTHONPATH="$pydir" LD_LIBRARY_PATH="$libdir" \
		PYTHONDONTWRITEBYTECODE=1 SUITE_TIMEOUT=600 \
		sh -c 'mode=${1%%:*} mod=${1#*:}; timeout 660 "$2" "$3" run "$mode" "$mod" "$4/$5-$mode-$mod.json" ||
			echo "$mod ($5, $mode): runner exit $?"' sh {} "$PY" "$RUNNER" "$OUT" "$tag"
}

# compare DEFAULT_TAG MIO_TAG MODULES...
failed=0
compare() {
	local dtag=$1 mtag=$2 mod; shift 2
	for mod in "$@"; do
		local d=$OUT/$dtag-default-$mod.json m=$OUT/$mtag-mio-$mod.json
		if [ ! -f "$d" ] || [ ! -f "$m" ]; then
			echo "FAIL $mod: no result (see $OUT/$mtag-*-$mod.json.log)"
			failed=1
			continue
		fi
		"$PY" "$RUNNER" compare "$d" "$m" || { echo "FAIL $mod ($mtag): outcomes differ"; failed=1; }
	done
}

mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.json.log

build_install epoll
EPOLL_PYDIR=$PYDIR EPOLL_LIBDIR=$LIBDIR
jobs=()
for m in test_selectors $ASYNCIO_MODULES; do jobs+=("default:$m" "mio:$m"); done
say "epoll: ${#jobs[@]} suite runs, $JOBS at a time"
run_all "$EPOLL_PYDIR" "$EPOLL_LIBDIR" epoll "${jobs[@]}"
compare epoll epoll test_selectors $ASYNCIO_MODULES

build_install poll --with-backend=poll
POLL_PYDIR=$PYDIR POLL_LIBDIR=$LIBDIR
jobs=()
for m in test_selectors $REQUIRED; do jobs+=("mio:$m"); done
say "poll: ${#jobs[@]} suite runs (mio.Selector), $JOBS at a time"
run_all "$POLL_PYDIR" "$POLL_LIBDIR" poll "${jobs[@]}"
compare epoll poll test_selectors $REQUIRED

say "counts, default selector vs mio.Selector (epoll, poll):"
"$PY" - "$OUT" test_selectors $ASYNCIO_MODULES <<'EOF'
import json, os, sys
out = sys.argv[1]
def get(tag, mode, mod):
    try:
        with open(os.path.join(out, "%s-%s-%s.json" % (tag, mode, mod))) as f:
            c = json.load(f)["counts"]
        return "%d/%d/%d/%d" % (c["run"], c["failures"] + c["errors"] + c["xpass"], c["skipped"], c["xfail"])
    except OSError:
        return "-"
print("  %-22s %-16s %-16s %-16s" % ("module", "default", "mio epoll", "mio poll"))
for mod in sys.argv[2:]:
    print("  %-22s %-16s %-16s %-16s" % (mod, get("epoll", "default", mod), get("epoll", "mio", mod),
                                         get("poll", "mio", mod)))
print("  (run/failed/skipped/xfail per module)")
EOF

# PYTHONPATH is how this prefix install is on the interpreter's path (a
# venv or site-packages would be the same to mypy); no MYPYPATH: mypy
# takes the package because of its py.typed.  Run from $OUT, away from
# the source tree.
say "mypy --strict: examples/python/*.py against the installed package (no MYPYPATH)"
if ! (cd "$OUT" && env -u MYPYPATH PYTHONPATH=$EPOLL_PYDIR "$PY" -m mypy --strict --no-incremental \
	--cache-dir=/dev/null "$SRCDIR"/examples/python/*.py); then
	failed=1
fi
# mio.selector is the package's own Python, typed inline: mypy skips the
# errors of an installed package, so it is checked from the source.
say "mypy --strict: bindings/python/mio/selector.py"
if ! (cd "$OUT" && env -u MYPYPATH "$PY" -m mypy --strict --no-incremental --cache-dir=/dev/null \
	"$SRCDIR/bindings/python/mio/selector.py"); then
	failed=1
fi
say "mypy.stubtest mio (installed package and its stub, no MYPYPATH)"
if ! (cd "$OUT" && env -u MYPYPATH PYTHONPATH=$EPOLL_PYDIR LD_LIBRARY_PATH=$EPOLL_LIBDIR \
	"$PY" -m mypy.stubtest --mypy-config-file /dev/null \
	--allowlist "$SRCDIR/bindings/python/stubtest-allowlist.txt" mio); then
	failed=1
fi

if [ $failed -ne 0 ]; then
	say "FAILED"
	exit 1
fi
say "CPython's suites: same outcomes on mio.Selector as on the default selector (epoll and poll backends)"
