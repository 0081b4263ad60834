/* base's statistics (harness/base/stats.h): the one double comparator, the
 * one median, the intervals' coverage, the quality flags and the seeded
 * bootstrap that the report, the claims and the sweep share. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) <= 1e-12)

/* Below 6 runs the "95% CI" is [min, max]: its coverage is 1 - 2^(1-n),
 * and it is called the range, not a 95% interval. */
static void test_ci_coverage(void **state)
{
	static const double want[] = { 0, 0.5, 0.75, 0.875, 0.9375 };
	char buf[64];
	(void)state;
	assert_true(isnan(mb_stat_ci_coverage(0)));
	for (size_t n = 1; n <= 5; n++)
		assert_near(mb_stat_ci_coverage(n), want[n - 1]);
	/* n = 6: ranks (1, 6), 1 - 2/64; n = 9: ranks (2, 8), 1 - 2 * 10/512 */
	assert_near(mb_stat_ci_coverage(6), 1 - 2.0 / 64);
	assert_near(mb_stat_ci_coverage(9), 1 - 20.0 / 512);
	for (size_t n = 6; n < 200; n++)
		assert_true(mb_stat_ci_coverage(n) >= 0.95);

	double three[] = { 90, 110, 100 }, nine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct mb_stat st;
	mb_stat_describe(three, 3, &st);
	assert_near(st.coverage, 0.75);
	assert_string_equal(mb_stat_ci_kind(&st, buf, sizeof(buf)), "range (75%)");
	mb_stat_describe(three, 1, &st);
	assert_string_equal(mb_stat_ci_kind(&st, buf, sizeof(buf)), "range (0%)");
	mb_stat_describe(nine, 9, &st);
	assert_string_equal(mb_stat_ci_kind(&st, buf, sizeof(buf)), "order-statistic 95%");
	mb_stat_describe(nine, 0, &st);
	assert_true(isnan(st.coverage));
	assert_string_equal(mb_stat_ci_kind(&st, buf, sizeof(buf)), "");
}

/* The sweep summary's rules, in its words. */
static void test_flags(void **state)
{
	struct mb_stat_flags fl;
	char buf[128];
	(void)state;
	/* quiet: 6 runs within 1%, 1 s each */
	double tp[] = { 100, 101, 99, 100, 100.5, 99.5 };
	double wall[] = { 1, 1, 1, 1, 1, 1 };
	assert_int_equal(mb_stat_flags(tp, wall, 6, 0, &fl), 0);
	assert_string_equal(mb_stat_flags_text(&fl, " ", buf, sizeof(buf)), "");
	/* one far run: an outlier (MAD 0.5, Z = 0.6745 * 50 / 0.5) and CV >= 5% */
	tp[5] = 150;
	assert_int_equal(mb_stat_flags(tp, wall, 6, 0, &fl), 0);
	assert_int_equal(fl.outliers, 1);
	assert_true(fl.cv >= 0.05);
	snprintf(buf, sizeof(buf), "cv %.0f%%; 1 outlier", 100 * fl.cv);
	char want[128];
	snprintf(want, sizeof(want), "%s", buf);
	assert_string_equal(mb_stat_flags_text(&fl, "; ", buf, sizeof(buf)), want);
	assert_true(tp[5] == 150); /* inputs untouched */
	/* 3 short runs, 2 of them noisy; NANs are not runs */
	double t3[] = { 10, NAN, 10, 10 }, w3[] = { 0.05, 1, NAN, 0.2 };
	assert_int_equal(mb_stat_flags(t3, w3, 4, 2, &fl), 0);
	assert_int_equal(fl.n, 3);
	assert_near(fl.wall_min, 0.05);
	assert_string_equal(mb_stat_flags_text(&fl, " ", buf, sizeof(buf)),
			    "few reps short runs noisy(2)");
	assert_int_equal(mb_stat_flags(t3, NULL, 4, 0, &fl), 0);
	assert_true(isnan(fl.wall_min));
	assert_string_equal(mb_stat_flags_text(&fl, ", ", buf, sizeof(buf)), "few reps");
	assert_true(mb_stat_noisy(0.051) && !mb_stat_noisy(0.05));
	assert_int_equal(mb_stat_flags(t3, w3, 0, 0, &fl), 0);
	assert_string_equal(mb_stat_flags_text(&fl, " ", buf, sizeof(buf)), "");
}

static double stat_first(const double *med, void *arg)
{
	(void)arg;
	return med[0];
}

/* A seeded stream per interval; undefined resamples counted. */
static void test_boot(void **state)
{
	double a[] = { 200, 190, 210, 195, 205 }, b[] = { 100, 90, 110 };
	struct mb_boot x, y, z;
	(void)state;
	assert_int_equal(mb_stat_ratio_boot(a, 5, b, 3, 2000, 7, &x), 0);
	assert_near(x.est, 2);
	assert_int_equal(x.nboot, 2000);
	assert_int_equal(x.n_undef, 0);
	assert_true(x.lo < 2 && x.hi > 2);
	/* the baseline's spread is in it: wider than a's own range over 100 */
	assert_true(x.lo < 1.9 && x.hi > 2.1);
	assert_true(x.lo >= 190.0 / 110 && x.hi <= 210.0 / 90);
	assert_int_equal(mb_stat_ratio_boot(a, 5, b, 3, 2000, 7, &y), 0);
	assert_true(x.lo == y.lo && x.hi == y.hi); /* same seed, same interval */
	/* another seed, another stream: on 25 distinct runs the bounds move */
	double c[25], d[25];
	for (int i = 0; i < 25; i++) {
		c[i] = 200 + (i * 7919 % 25) * 1.3;
		d[i] = 100 + (i * 104729 % 25) * 0.9;
	}
	assert_int_equal(mb_stat_ratio_boot(c, 25, d, 25, 2000, 7, &y), 0);
	assert_int_equal(mb_stat_ratio_boot(c, 25, d, 25, 2000, 8, &z), 0);
	assert_true(z.seed == 8 && (z.lo != y.lo || z.hi != y.hi));
	assert_true(mb_stat_seed(1, "a", 1) != mb_stat_seed(1, "b", 1));
	assert_true(mb_stat_seed(1, "a", 1) != mb_stat_seed(2, "a", 1));

	/* a baseline of zeros half the time: those resamples are undefined */
	double zb[] = { 0, 0, 1, 1 };
	assert_int_equal(mb_stat_ratio_boot(a, 5, zb, 4, 1000, 1, &x), 0);
	assert_true(x.n_undef > 100 && x.n_undef < 900);
	assert_near(x.est, 200 / 0.5);
	double zeros[] = { 0, 0 };
	assert_int_equal(mb_stat_ratio_boot(a, 5, zeros, 2, 100, 1, &x), 0);
	assert_int_equal(x.n_undef, 100);
	assert_true(isnan(x.est) && isnan(x.lo) && isnan(x.hi));

	/* metrics stay together; no spread, no width */
	double two[] = { 3, 30, 3, 30, 3, 30 };
	struct mb_boot_sample s = { two, 3, 2 };
	assert_int_equal(mb_stat_boot(&s, 1, stat_first, NULL, 50, 1, &x), 0);
	assert_true(x.est == 3 && x.lo == 3 && x.hi == 3);
	s.m = 0;
	assert_int_equal(mb_stat_boot(&s, 1, stat_first, NULL, 50, 1, &x), -EINVAL);
	assert_int_equal(mb_stat_ratio_boot(a, 0, b, 3, 50, 1, &x), -EINVAL);
	assert_int_equal(mb_stat_ratio_boot(a, 5, b, 3, 0, 1, &x), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp_double),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_ci_coverage),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_boot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
