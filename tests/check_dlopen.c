/*
 * check_dlopen.c - libmio as a plugin host or an FFI sees it: loaded at
 * run time with dlopen(3), every function looked up by its versioned name
 * with dlvsym(3).
 *
 * This program is deliberately NOT linked with libmio (only libc/-ldl):
 * it includes mio.h for the types alone, so the calls below go through
 * the pointers that dlvsym returned and a missing or unversioned export
 * shows up here the way it would in a Python ctypes or LuaJIT FFI user.
 * The list of functions to look up, mio-functions.h, is made from
 * include/mio.h by the preprocessor (comments gone), so a function added
 * to the header without an export fails this test.
 *
 * The library to load is $MIO_LIBRARY (tests/Makefile.am points it at the
 * build tree's lib/.libs/libmio.so.1), or the installed libmio.so.1.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mio.h"

#define MIO_NODE "MIO_1.0"

static const char *const functions[] = {
#define MIO_FN(name) #name,
#include "mio-functions.h"
#undef MIO_FN
};

static int failures;

#define CHECK(cond, ...)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                   \
			fputc('\n', stderr);                            \
			failures++;                                     \
		}                                                       \
	} while (0)

/* Typed pointer to a library function, resolved under MIO_1.0.  The
 * __typeof__ of the declaration in mio.h makes the compiler check every
 * call below against the real prototype. */
#define RESOLVE(h, name)                                                \
	__typeof__(name) *p_##name = (__typeof__(name) *)dlvsym(h, #name, MIO_NODE)

static void check_every_function_versioned(void *h)
{
	size_t n = sizeof(functions) / sizeof(functions[0]);
	size_t missing = 0, unversioned = 0;

	CHECK(n > 0, "mio-functions.h lists no function");
	for (size_t i = 0; i < n; i++) {
		if (dlvsym(h, functions[i], MIO_NODE) != NULL)
			continue;
		if (dlsym(h, functions[i]) != NULL) {
			fprintf(stderr, "  %s: exported, but not under %s\n",
				functions[i], MIO_NODE);
			unversioned++;
		} else {
			fprintf(stderr, "  %s: not exported\n", functions[i]);
			missing++;
		}
	}
	CHECK(missing == 0 && unversioned == 0,
	      "%zu of %zu functions of mio.h do not resolve as name@%s "
	      "(%zu not exported, %zu under another version)",
	      missing + unversioned, n, MIO_NODE, missing, unversioned);
	/* A made-up version must not resolve: proves the lookups above
	 * really matched the version node, not just the name. */
	CHECK(dlvsym(h, "mio_poll_new", "MIO_0.9") == NULL,
	      "mio_poll_new resolves under a version node that does not exist");
	printf("%zu functions of mio.h resolve as name@%s\n",
	       n - missing - unversioned, MIO_NODE);
}

/* One poll, one socketpair, one byte: exactly one readable event with the
 * token it was registered with, all through dlvsym'd pointers. */
static void check_one_event(void *h)
{
	RESOLVE(h, mio_version);
	RESOLVE(h, mio_poll_new);
	RESOLVE(h, mio_poll_free);
	RESOLVE(h, mio_poll_registry);
	RESOLVE(h, mio_poll_wait);
	RESOLVE(h, mio_registry_register);
	RESOLVE(h, mio_registry_deregister);
	RESOLVE(h, mio_events_new);
	RESOLVE(h, mio_events_free);
	RESOLVE(h, mio_events_len);
	RESOLVE(h, mio_events_get);
	RESOLVE(h, mio_event_token);
	RESOLVE(h, mio_event_is_readable);
	RESOLVE(h, mio_event_is_writable);

	if (!p_mio_version || !p_mio_poll_new || !p_mio_poll_free ||
	    !p_mio_poll_registry || !p_mio_poll_wait ||
	    !p_mio_registry_register || !p_mio_registry_deregister ||
	    !p_mio_events_new || !p_mio_events_free || !p_mio_events_len ||
	    !p_mio_events_get || !p_mio_event_token ||
	    !p_mio_event_is_readable || !p_mio_event_is_writable) {
		CHECK(0, "a core function does not resolve under %s", MIO_NODE);
		return;
	}

	CHECK(strcmp(p_mio_version(), PACKAGE_VERSION) == 0,
	      "mio_version() is \"%s\", this tree is %s", p_mio_version(),
	      PACKAGE_VERSION);

	mio_poll *poll = NULL;
	mio_events *events = NULL;
	int sv[2] = { -1, -1 };
	const mio_token token = (mio_token)0xC0FFEEu;
	int r;

	r = p_mio_poll_new(&poll);
	CHECK(r == 0 && poll, "mio_poll_new: %d", r);
	r = p_mio_events_new(8, &events);
	CHECK(r == 0 && events, "mio_events_new: %d", r);
	if (!poll || !events)
		goto out;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
		CHECK(0, "socketpair: %s", strerror(errno));
		goto out;
	}
	r = p_mio_registry_register(p_mio_poll_registry(poll), sv[0], token,
				    MIO_READABLE);
	CHECK(r == 0, "mio_registry_register: %d", r);

	/* Nothing written yet: a zero timeout must come back empty. */
	const struct timespec zero = { 0, 0 };
	r = p_mio_poll_wait(poll, events, &zero);
	CHECK(r == 0, "mio_poll_wait before any write returned %d", r);

	CHECK(write(sv[1], "x", 1) == 1, "write: %s", strerror(errno));
	/* Generous bound: the event is already pending, this never waits on
	 * a loaded machine unless the library is broken. */
	const struct timespec bound = { 10, 0 };
	r = p_mio_poll_wait(poll, events, &bound);
	CHECK(r == 1, "mio_poll_wait returned %d, want 1 event", r);
	CHECK(p_mio_events_len(events) == 1, "mio_events_len: %zu",
	      p_mio_events_len(events));
	const mio_event *e = p_mio_events_get(events, 0);
	CHECK(e != NULL, "mio_events_get(0) is NULL");
	if (e) {
		CHECK(p_mio_event_token(e) == token, "token %#lx, want %#lx",
		      (unsigned long)p_mio_event_token(e), (unsigned long)token);
		CHECK(p_mio_event_is_readable(e), "event is not readable");
		CHECK(!p_mio_event_is_writable(e), "event is writable, registered READABLE only");
	}
	CHECK(p_mio_events_get(events, 1) == NULL, "mio_events_get past len is not NULL");
	r = p_mio_registry_deregister(p_mio_poll_registry(poll), sv[0]);
	CHECK(r == 0, "mio_registry_deregister: %d", r);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	p_mio_events_free(events);
	p_mio_poll_free(poll);
}

int main(void)
{
	const char *path = getenv("MIO_LIBRARY");

	if (!path || !*path)
		path = "libmio.so.1";
	/* If something had linked libmio into this program, the test would
	 * prove nothing about run-time loading. */
	if (dlopen("libmio.so.1", RTLD_NOW | RTLD_NOLOAD) != NULL) {
		fprintf(stderr, "FAIL: libmio.so.1 is already loaded before dlopen\n");
		return 1;
	}
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "FAIL: dlopen(%s): %s\n", path, dlerror());
		return 1;
	}
	printf("loaded %s\n", path);
	check_every_function_versioned(h);
	check_one_event(h);
	if (dlclose(h) != 0)
		CHECK(0, "dlclose: %s", dlerror());
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("dlopen/dlvsym: all checks passed\n");
	return 0;
}
