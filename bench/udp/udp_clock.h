/*
 * udp_clock.h - the two clocks of bench/udp's programs: wall time from
 * the vDSO (no system call, so it may be read per batch) and CPU time
 * from getrusage(2) (a system call: read at the ends of a stream only).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef UDP_CLOCK_H
#define UDP_CLOCK_H

#include <sys/resource.h>
#include <time.h>

static inline double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* User + system seconds of this process. */
static inline double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

#endif
