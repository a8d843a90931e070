#include "testutil.h"
START_TEST(test_poll_new_free)
{
	mio_poll *p = NULL;
	ck_assert_ok(mio_poll_new(&p));
	mio_poll_free(p);
}
END_TEST
MIO_SUITE(poll)
{
	Suite *s = suite_create("poll");
	TCase *tc = mio_tcase("lifecycle");
	tcase_add_test(tc, test_poll_new_free);
	suite_add_tcase(s, tc);
	return s;
}
