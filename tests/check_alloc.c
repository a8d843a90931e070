#include "testutil.h"
START_TEST(test_alloc_x)
{
	mio_poll *p = NULL;
	ck_assert_ok(mio_poll_new(&p));
	mio_poll_free(p);
}
END_TEST
MIO_SUITE(alloc)
{
	Suite *s = suite_create("alloc");
	TCase *tc = mio_tcase("lifecycle");
	tcase_add_test(tc, test_alloc_x);
	suite_add_tcase(s, tc);
	return s;
}
