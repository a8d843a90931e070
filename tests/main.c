/*
 * main.c - the one Check runner for every C suite.
 * CK_RUN_SUITE / CK_RUN_CASE select, as Check documents.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdlib.h>

#define MAX_SUITES 64
static mio_suite_fn suites[MAX_SUITES];
static int n_suites;

void mio_test_add_suite(mio_suite_fn fn)
{
	if (n_suites < MAX_SUITES)
		suites[n_suites++] = fn;
}

int main(void)
{
	if (n_suites == 0)
		return 1;
	SRunner *sr = srunner_create(suites[0]());
	for (int i = 1; i < n_suites; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
