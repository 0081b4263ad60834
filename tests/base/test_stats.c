/* base's statistics (harness/base/stats.h): the one double comparator and
 * the one median that the report, the claims and the sweep share. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "base.h"

/* Ascending with NANs first, on any input: a total order qsort can use. */
static void test_cmp_double(void **state)
{
	double v[] = { 3, NAN, -1, 2, NAN, 0, -INFINITY, INFINITY };
	(void)state;
	qsort(v, MB_ARRAY_SIZE(v), sizeof(v[0]), mb_stat_cmp_double);
	assert_true(isnan(v[0]) && isnan(v[1]));
	assert_true(v[2] == -INFINITY && v[3] == -1 && v[4] == 0 && v[5] == 2 && v[6] == 3 &&
		    v[7] == INFINITY);
	double a = NAN, b = 1;
	assert_int_equal(mb_stat_cmp_double(&a, &a), 0);
	assert_true(mb_stat_cmp_double(&a, &b) < 0);
	assert_true(mb_stat_cmp_double(&b, &a) > 0);
}

static void test_median(void **state)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, NAN, 1, 3, 2 }, none[] = { NAN, NAN };
	(void)state;
	assert_true(mb_stat_median(odd, 3) == 3);
	assert_true(mb_stat_median(even, 5) == 2.5); /* NAN ignored */
	assert_true(isnan(mb_stat_median(none, 2)));
	assert_true(isnan(mb_stat_median(none, 0)));
	double sorted[] = { 1, 2, 10, 11 };
	assert_true(mb_stat_median_sorted(sorted, 4) == 6);
	assert_true(mb_stat_median_sorted(sorted, 3) == 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp_double),
		cmocka_unit_test(test_median),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
