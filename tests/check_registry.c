/* check_registry.c - placeholder being written. */
#include "testutil.h"
MIO_SUITE(registry)
{
	Suite *s = suite_create("registry");
	return s;
}
