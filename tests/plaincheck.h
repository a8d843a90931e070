/*
 * plaincheck.h - CHECK() and a monotonic clock for the test programs that
 * are plain C without Check (time64.c, check_raw_time64.c, check_dlopen.c):
 * they must build with a cross compiler and its C library alone.
 *
 * CHECK(cond, fmt, ...) prints the failed condition's place and message
 * and counts it in `failures`; main returns failures != 0.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_TESTS_PLAINCHECK_H
#define MIO_TESTS_PLAINCHECK_H

#include <stdio.h>
#include <time.h>

/* unused where the test skips (64-bit time_t targets) */
__attribute__((unused)) static int failures;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
			failures++;                                       \
		}                                                         \
	} while (0)

__attribute__((unused)) static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

#endif
