/*
 * fixedtime.c - time(2) that always answers the same second, preloaded by
 * budgets.sh into the scripted rows (Lua, Python) under callgrind.
 *
 * Lua 5.4 seeds its string hash with time(NULL) (luai_makeseed, lstate.c),
 * so the layout of its tables, and with it the instructions a round trip
 * costs, changed from one second to the next: the Lua W1 figure moved by
 * 7% between runs.  With the clock's second fixed (and valgrind's
 * deterministic address layout) the count is the same in every run.
 * Nothing the benchmarks measure reads time(2); their own clocks are
 * clock_gettime.
 *
 * SPDX-License-Identifier: MIT
 */
#include <time.h>

time_t time(time_t *t)
{
	if (t != NULL)
		*t = 1000000000;
	return 1000000000;
}
