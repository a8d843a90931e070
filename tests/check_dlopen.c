/*
 * check_dlopen.c - libmio as a plugin host or an FFI sees it: loaded at
 * run time with dlopen(3), every function looked up by its versioned name
 * (name@MIO_1.0, name@MIO_1.1: the node lib/libmio.sym gives it).
 *
 * Two lookups, compared with each other where both exist:
 *  - dlvsym(3), where the C library has it (glibc);
 *  - the library's own ELF dynamic tables, walked in memory: .dynsym,
 *    .gnu.version (versym) and .gnu.version_d (verdef), found through
 *    dl_iterate_phdr(3).  That is what the dynamic linker itself does to
 *    bind name@NODE, needs nothing but <link.h>, and so works on musl,
 *    which has no dlvsym (musl ignores symbol versions when it binds,
 *    but the versions in the file are still what glibc users and
 *    dpkg-gensymbols see, so they are checked there too).
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
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mio.h"
#include "plaincheck.h"

#if defined(__GLIBC__) && !defined(MIO_TEST_NO_DLVSYM)
#define HAVE_DLVSYM 1
#endif

/* Every function of mio.h with its node, and the target-only entries
 * (mio_poll_wait_time64 where time_t is 32-bit by default) with the tag
 * that says where they exist; both from tests/Makefile.am. */
struct fn {
	const char *name, *node, *tag;
};
static const struct fn functions[] = {
#define MIO_FN(name, node) { #name, node, NULL },
#define MIO_TARGET_FN(name, node, tag)
#include "mio-functions.h"
#undef MIO_FN
#undef MIO_TARGET_FN
};
static const struct fn target_functions[] = {
#define MIO_FN(name, node)
#define MIO_TARGET_FN(name, node, tag) { #name, node, tag },
#include "mio-functions.h"
#undef MIO_FN
#undef MIO_TARGET_FN
	{ NULL, NULL, NULL }
};


/* ------------------------------------------------------------------ */
/* name@NODE from the ELF tables of the loaded library                 */
/* ------------------------------------------------------------------ */

struct elf_find {
	uintptr_t addr;                 /* an address inside the library */
	const struct dl_phdr_info *hit; /* copied out below */
	ElfW(Addr) base;
	const ElfW(Dyn) *dyn;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct elf_find *f = data;
	const ElfW(Dyn) *dyn = NULL;
	int inside = 0;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && f->addr >= lo && f->addr < lo + ph->p_memsz)
			inside = 1;
		if (ph->p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
	}
	if (!inside || dyn == NULL)
		return 0;
	f->base = info->dlpi_addr;
	f->dyn = dyn;
	return 1;
}

/* glibc relocates the pointers in a writable .dynamic in place, musl does
 * not: an address below the load base is still a file offset. */
static const void *dyn_ptr(ElfW(Addr) base, ElfW(Addr) p)
{
	return (const void *)(p < base ? base + p : p);
}

/* Number of .dynsym entries: nchain of DT_HASH, or the end of the last
 * DT_GNU_HASH chain (the ELF header does not say it otherwise). */
static size_t dynsym_count(ElfW(Addr) base, const ElfW(Dyn) *dyn)
{
	const uint32_t *hash = NULL, *gnu = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_HASH)
			hash = dyn_ptr(base, dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_GNU_HASH)
			gnu = dyn_ptr(base, dyn->d_un.d_ptr);
	}
	if (hash)
		return hash[1];
	if (!gnu)
		return 0;
	uint32_t nbuckets = gnu[0], symoffset = gnu[1], bloom_size = gnu[2];
	const uint32_t *buckets = (const uint32_t *)((const ElfW(Addr) *)(gnu + 4) + bloom_size);
	const uint32_t *chain = buckets + nbuckets;
	uint32_t last = 0;
	for (uint32_t b = 0; b < nbuckets; b++)
		if (buckets[b] > last)
			last = buckets[b];
	if (last < symoffset)
		return symoffset;
	while ((chain[last - symoffset] & 1) == 0)
		last++;
	return (size_t)last + 1;
}

/* The address of name@version as the dynamic linker would bind it, or
 * NULL: a defined symbol named `name` whose versym index names a verdef
 * entry called `version`.  `inside` is any address in the library. */
static void *elf_vsym(const void *inside, const char *name, const char *version)
{
	struct elf_find f = { (uintptr_t)inside, NULL, 0, NULL };
	if (inside == NULL || dl_iterate_phdr(find_object, &f) == 0)
		return NULL;

	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const ElfW(Half) *versym = NULL;
	const char *verdef = NULL;
	for (const ElfW(Dyn) *d = f.dyn; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB: symtab = dyn_ptr(f.base, d->d_un.d_ptr); break;
		case DT_STRTAB: strtab = dyn_ptr(f.base, d->d_un.d_ptr); break;
		case DT_VERSYM: versym = dyn_ptr(f.base, d->d_un.d_ptr); break;
		case DT_VERDEF: verdef = dyn_ptr(f.base, d->d_un.d_ptr); break;
		}
	}
	if (!symtab || !strtab || !versym || !verdef)
		return NULL;
	size_t n = dynsym_count(f.base, f.dyn);
	for (size_t i = 1; i < n; i++) {
		const ElfW(Sym) *sym = &symtab[i];
		if (sym->st_shndx == SHN_UNDEF || strcmp(strtab + sym->st_name, name) != 0)
			continue;
		unsigned idx = versym[i] & 0x7fff;
		const char *vd = verdef;
		for (;;) {
			const ElfW(Verdef) *def = (const ElfW(Verdef) *)vd;
			if (def->vd_ndx == idx) {
				const ElfW(Verdaux) *aux =
					(const ElfW(Verdaux) *)(vd + def->vd_aux);
				if (strcmp(strtab + aux->vda_name, version) == 0)
					return (void *)(f.base + sym->st_value);
				break;
			}
			if (def->vd_next == 0)
				break;
			vd += def->vd_next;
		}
	}
	return NULL;
}

/* name@node, by dlvsym where it exists and by the ELF walk always; where
 * both answer they must agree. */
static void *anchor;  /* an address inside the library, for elf_vsym */

static void *vsym(void *h, const char *name, const char *node)
{
	void *p = elf_vsym(anchor, name, node);
#ifdef HAVE_DLVSYM
	void *q = dlvsym(h, name, node);
	CHECK(p == q, "%s@%s: dlvsym says %p, the ELF tables say %p", name, node, q, p);
	return q;
#else
	/* Without dlvsym, the plain lookup must find the same definition. */
	if (p != NULL)
		CHECK(dlsym(h, name) == p, "%s@%s: dlsym and the ELF tables disagree",
		      name, node);
	return p;
#endif
}

static const char *node_of(const char *name)
{
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strcmp(functions[i].name, name) == 0)
			return functions[i].node;
	return "?";
}

/* Typed pointer to a library function, resolved under its own node.  The
 * __typeof__ of the declaration in mio.h makes the compiler check every
 * call below against the real prototype. */
#define RESOLVE(h, name)                                                \
	__typeof__(name) *p_##name = (__typeof__(name) *)vsym(h, #name, node_of(#name))

static int has_tag(const char *tag)
{
	const char *tags = getenv("MIO_TARGET_TAGS");
	size_t n = strlen(tag);
	for (const char *t = tags ? tags : ""; (t = strstr(t, tag)) != NULL; t += n)
		if ((t == tags || t[-1] == ' ') && (t[n] == '\0' || t[n] == ' '))
			return 1;
	return 0;
}

static void check_every_function_versioned(void *h)
{
	size_t n = sizeof(functions) / sizeof(functions[0]);
	size_t missing = 0, unversioned = 0, per_node[16] = { 0 };

	CHECK(n > 0, "mio-functions.h lists no function");
	for (size_t i = 0; i < n; i++) {
		const char *name = functions[i].name, *node = functions[i].node;
		if (node[0] == '\0') {
			fprintf(stderr, "  %s: in mio.h but in no node of lib/libmio.sym\n", name);
			missing++;
			continue;
		}
		if (vsym(h, name, node) != NULL) {
			unsigned minor = (unsigned)atoi(node + strlen("MIO_1."));
			per_node[minor < 16 ? minor : 15]++;
			/* A function of a later node must not resolve at an
			 * earlier one: that is what makes a 1.1 program refuse
			 * a 1.0 library instead of crashing in it. */
			if (strcmp(node, "MIO_1.0") != 0)
				CHECK(vsym(h, name, "MIO_1.0") == NULL,
				      "%s (a %s function) also resolves at MIO_1.0", name, node);
			continue;
		}
		if (dlsym(h, name) != NULL) {
			fprintf(stderr, "  %s: exported, but not under %s\n", name, node);
			unversioned++;
		} else {
			fprintf(stderr, "  %s: not exported\n", name);
			missing++;
		}
	}
	CHECK(missing == 0 && unversioned == 0,
	      "%zu of %zu functions of mio.h do not resolve as name@node "
	      "(%zu not exported, %zu under another version)",
	      missing + unversioned, n, missing, unversioned);
	/* A made-up version must not resolve: proves the lookups above
	 * really matched the version node, not just the name. */
	CHECK(vsym(h, "mio_poll_new", "MIO_0.9") == NULL,
	      "mio_poll_new resolves under a version node that does not exist");
	CHECK(vsym(h, "mio_poll_new", "MIO_1.1") == NULL,
	      "mio_poll_new (a MIO_1.0 function) resolves at MIO_1.1");
	printf("%zu functions of mio.h resolve as name@node (%s):",
	       n - missing - unversioned,
#ifdef HAVE_DLVSYM
	       "dlvsym and the ELF version tables agree"
#else
	       "ELF version tables; no dlvsym in this C library"
#endif
	       );
	for (unsigned m = 0; m < 16; m++)
		if (per_node[m])
			printf(" MIO_1.%u: %zu", m, per_node[m]);
	printf("\n");

	/* Entry points only some targets have: present exactly where the
	 * build's target tags say (configure: MIO_TARGET_TAGS). */
	for (const struct fn *t = target_functions; t->name; t++) {
		void *p = vsym(h, t->name, t->node);
		if (has_tag(t->tag))
			CHECK(p != NULL, "%s@%s missing on a '%s' target", t->name, t->node, t->tag);
		else
			CHECK(p == NULL && dlsym(h, t->name) == NULL,
			      "%s exported on a target without '%s'", t->name, t->tag);
		printf("%s: %s (target %s '%s')\n", t->name, p ? "exported" : "absent",
		       has_tag(t->tag) ? "has" : "lacks", t->tag);
	}
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
	RESOLVE(h, mio_event_readiness);
	RESOLVE(h, mio_events_copy);

	if (!p_mio_event_readiness || !p_mio_events_copy || !p_mio_version || !p_mio_poll_new || !p_mio_poll_free ||
	    !p_mio_poll_registry || !p_mio_poll_wait ||
	    !p_mio_registry_register || !p_mio_registry_deregister ||
	    !p_mio_events_new || !p_mio_events_free || !p_mio_events_len ||
	    !p_mio_events_get || !p_mio_event_token ||
	    !p_mio_event_is_readable || !p_mio_event_is_writable) {
		CHECK(0, "a core function does not resolve under its node");
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
		CHECK(p_mio_event_readiness(e) == MIO_EVENT_READABLE,
		      "mio_event_readiness is %#x, want MIO_EVENT_READABLE",
		      p_mio_event_readiness(e));
	}
	mio_event_info info[2];
	CHECK(p_mio_events_copy(events, 0, info, 2) == 1, "mio_events_copy did not copy 1");
	CHECK(info[0].token == token && info[0].readiness == MIO_EVENT_READABLE,
	      "mio_events_copy: token %#lx readiness %#x",
	      (unsigned long)info[0].token, (unsigned)info[0].readiness);
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
	anchor = dlsym(h, "mio_version");
	CHECK(anchor != NULL, "mio_version not found by dlsym");
	check_every_function_versioned(h);
	check_one_event(h);
	if (dlclose(h) != 0)
		CHECK(0, "dlclose: %s", dlerror());
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("dlopen/versioned lookup: all checks passed\n");
	return 0;
}
