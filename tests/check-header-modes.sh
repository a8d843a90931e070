#!/bin/sh
# check-header-modes.sh - mio.h in every language mode a caller may use.
#
# A small caller that includes nothing but mio.h (no feature macros),
# builds a timeout (struct timespec), calls the core loop functions, uses
# the 1.1 additions under #if MIO_VERSION_CHECK(1, 1, 0), is compiled as
#   C:   gnu89, c89, c99, c11, c17, c2x         (-pedantic -Werror -Wall -Wextra)
#   C++: c++98, c++03, c++11, c++14, c++17, c++20, c++2b (likewise)
# with gcc/g++ and clang/clang++ where installed, then linked and run
# against the built library in the default mode (the run checks the
# version macros against mio_version()).  The header is included with -I
# (not -isystem), so its own warnings are not hidden.  A compiler that is
# not installed is reported and skipped; none at all: exit 77.
set -u
: "${top_srcdir:=..}" "${top_builddir:=..}"
: "${CC:=cc}"
inc="$top_builddir/include"
lib="$top_builddir/lib/.libs"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/caller.c" <<'SRC'
/* C89: no // comments, declarations first, no bool of our own. */
#include <mio.h>

#if !defined(MIO_VERSION_CHECK) || !MIO_VERSION_CHECK(1, 0, 0)
#error "MIO_VERSION_CHECK missing or wrong"
#endif
#if MIO_VERSION_CHECK(99, 0, 0)
#error "MIO_VERSION_CHECK(99, 0, 0) is true"
#endif

static int loop_once(mio_poll *poll, mio_events *events)
{
	struct timespec timeout;
	size_t i, n;
	int r;

	timeout.tv_sec = 0;
	timeout.tv_nsec = 1000000L;
	r = mio_poll_wait(poll, events, &timeout);
	if (r < 0)
		return r;
#if MIO_VERSION_CHECK(1, 1, 0)
	{
		mio_event_info info[8];
		n = mio_events_copy(events, 0, info, 8);
		for (i = 0; i < n; i++)
			if ((info[i].readiness & MIO_EVENT_READABLE) != 0 && info[i].token == 0)
				return -1;
	}
#endif
	for (i = 0; i < mio_events_len(events); i++) {
		const mio_event *e = mio_events_get(events, i);
		if (mio_event_is_readable(e) && mio_event_token(e) == 0)
			return -1;
#if MIO_VERSION_CHECK(1, 1, 0)
		if (mio_event_readiness(e) == 0)
			return -1;
#endif
	}
	return r;
}

int main(void)
{
	mio_poll *poll = 0;
	mio_events *events = 0;
	int r;
	const char *v;
	char want[32];

	if (mio_poll_new(&poll) < 0 || mio_events_new(8, &events) < 0)
		return 1;
	r = loop_once(poll, events);
	mio_events_free(events);
	mio_poll_free(poll);
	/* The header's version is the library's (same build). */
	v = mio_version();
	{
		/* sprintf is C89; snprintf is not. */
		extern int sprintf(char *, const char *, ...);
		sprintf(want, "%d.%d.%d", MIO_VERSION_MAJOR, MIO_VERSION_MINOR, MIO_VERSION_PATCH);
	}
	{
		const char *a = v, *b = want;
		while (*a && *a == *b) {
			a++;
			b++;
		}
		if (*a != *b)
			return 2;
	}
	if (MIO_VERSION_HEX != ((MIO_VERSION_MAJOR << 16) | (MIO_VERSION_MINOR << 8) | MIO_VERSION_PATCH))
		return 3;
	return r == 0 ? 0 : 4;
}
SRC

warn="-pedantic -Werror -Wall -Wextra"
pass=0 fail=0 ran=0
try() { # compiler lang std
	cc=$1 lang=$2 std=$3
	if ! command -v "$cc" >/dev/null 2>&1; then
		return
	fi
	ran=1
	if "$cc" -x "$lang" -std="$std" $warn -I"$inc" -c "$tmp/caller.c" -o "$tmp/o.o" \
		> "$tmp/log" 2>&1; then
		pass=$((pass + 1)); printf '  ok    %-8s %-4s -std=%s\n' "$cc" "$lang" "$std"
	else
		fail=$((fail + 1)); printf '  FAIL  %-8s %-4s -std=%s\n' "$cc" "$lang" "$std"
		sed 's/^/        /' "$tmp/log" | head -20
	fi
}

echo "mio.h from $inc, flags: $warn"
for cc in "$CC" clang; do
	command -v "$cc" >/dev/null 2>&1 || { echo "  skip  $cc: not installed"; continue; }
	for std in gnu89 c89 c99 c11 c17 c2x; do try "$cc" c "$std"; done
done
for cxx in "${CXX:-g++}" clang++; do
	command -v "$cxx" >/dev/null 2>&1 || { echo "  skip  $cxx: not installed"; continue; }
	for std in c++98 c++03 c++11 c++14 c++17 c++20 c++2b; do try "$cxx" c++ "$std"; done
done
[ "$ran" -eq 1 ] || { echo "SKIP: no C or C++ compiler found"; exit 77; }
# Where time_t is 32-bit by default, the C modes again with the 64-bit
# layout (mio.h redirects mio_poll_wait to mio_poll_wait_time64 there).
case " ${MIO_TARGET_TAGS:-} " in
*" time32 "*)
	warn="$warn -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64"
	echo "time32 target: C modes again with -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64"
	for std in gnu89 c89 c99 c11 c17 c2x; do try "$CC" c "$std"; done
	warn="-pedantic -Werror -Wall -Wextra" ;;
esac

# Link and run one of them: the header's macros against the library (not
# in a cross build: its binaries are not this machine's).
if [ "$(sh "$top_srcdir/tests/elf-arch.sh" "$lib/libmio.so.1")" != "$(sh "$top_srcdir/tests/elf-arch.sh" /bin/sh)" ]; then
	echo "  skip  link and run: cross build ($(sh "$top_srcdir/tests/elf-arch.sh" "$lib/libmio.so.1") library)"
elif "$CC" -std=c89 -pedantic -I"$inc" "$tmp/caller.c" -L"$lib" -lmio -o "$tmp/caller" > "$tmp/log" 2>&1 &&
	LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/caller"; then
	echo "  ok    c89 caller linked and ran: MIO_VERSION_* == mio_version() == $(sed -n 's/^#define MIO_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' "$inc/mio.h" | tr '\n' . | sed 's/\.$//')"
else
	echo "  FAIL  c89 caller did not link or run (status $?)"; cat "$tmp/log"; fail=$((fail + 1))
fi
echo "header modes: $pass compiled, $fail failed"
[ "$fail" -eq 0 ]
