/* check_waker.c - placeholder being written. */
#include "testutil.h"
MIO_SUITE(waker)
{
	Suite *s = suite_create("waker");
	return s;
}
