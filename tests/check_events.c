/* check_events.c - placeholder being written. */
#include "testutil.h"
MIO_SUITE(events)
{
	Suite *s = suite_create("events");
	return s;
}
