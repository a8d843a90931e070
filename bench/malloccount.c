/*
 * malloccount.c - libmalloccount.so, an LD_PRELOAD interposer that counts
 * calls to the malloc family and lets the benchmark read the count at its
 * two marks (bench.c finds bench_malloc_count with dlsym; Rust likewise).
 * Everything is forwarded to glibc's __libc_* entry points, so nothing
 * recurses through dlsym's own allocations.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void  __libc_free(void *);

static unsigned long count;

#define COUNT() __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED)

unsigned long bench_malloc_count(void);
unsigned long bench_malloc_count(void)
{
	return __atomic_load_n(&count, __ATOMIC_RELAXED);
}

void *malloc(size_t n)
{
	COUNT();
	return __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
	COUNT();
	return __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
	COUNT();
	return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
	COUNT();
	return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	COUNT();
	return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	COUNT();
	if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
		return EINVAL;
	void *p = __libc_memalign(align, n);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void free(void *p)
{
	__libc_free(p);
}
