/*
 * realmalloc.h - the C library's own allocator, for the test binaries
 * that define malloc, calloc, realloc and free themselves (check_alloc,
 * check_fault) and forward to it.
 *
 * glibc exports it as __libc_malloc and friends; dlsym cannot be used
 * there, since glibc's dlsym itself allocates.  Other C libraries (musl)
 * have no __libc_* entry points, but a dlsym that does not allocate:
 * dlsym(RTLD_NEXT) finds the library's function behind this program's.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_REALMALLOC_H
#define MIO_REALMALLOC_H

#include <stddef.h>
#include <stdlib.h>  /* <features.h>: __GLIBC__ */

#if defined(__GLIBC__)
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void  __libc_free(void *p);
#define real_malloc  __libc_malloc
#define real_calloc  __libc_calloc
#define real_realloc __libc_realloc
#define real_free    __libc_free
#else
#include <dlfcn.h>

/* Looked up on first use; a C library without them cannot run the test. */
static void *real_sym(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (f == NULL)
		abort();
	return f;
}

static void *real_malloc(size_t size)
{
	static void *(*f)(size_t);
	if (f == NULL)
		f = (void *(*)(size_t))real_sym("malloc");
	return f(size);
}

static void *real_calloc(size_t n, size_t size)
{
	static void *(*f)(size_t, size_t);
	if (f == NULL)
		f = (void *(*)(size_t, size_t))real_sym("calloc");
	return f(n, size);
}

static void *real_realloc(void *p, size_t size)
{
	static void *(*f)(void *, size_t);
	if (f == NULL)
		f = (void *(*)(void *, size_t))real_sym("realloc");
	return f(p, size);
}

static void real_free(void *p)
{
	static void (*f)(void *);
	if (f == NULL)
		f = (void (*)(void *))real_sym("free");
	f(p);
}
#endif

#endif
