/* Tests of harness/engine/hist.h: percentiles against a sorted reference (nearest
 * rank), merge, exact min/max/mean, bucket arithmetic and out-of-range
 * values. Every data set comes from a fixed seed, so a failure reproduces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "hist.h"

#define NVALS 100000u
#define MAX_NS (10ull * 1000 * 1000 * 1000) /* 10 s */

/* Percentiles asked, in thousandths of a percent so the reference rank is
 * computed in exact integer arithmetic: rank = ceil(p/100 * N). */
static const unsigned pct_milli[] = { 50000, 90000, 99000, 99900, 100000 };

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64: a fixed, well-mixed sequence independent of the harness */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s) /* (0, 1) */
{
	return ((double)(rng_next(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint64_t clamp_ns(double v)
{
	if (v < 1)
		return 1;
	if (v > (double)MAX_NS)
		return MAX_NS;
	return (uint64_t)v;
}

enum dist { D_UNIFORM, D_LOGUNIFORM, D_LOGNORMAL, D_LOGNORMAL_WIDE, D_NDIST };

static const char *dist_name[] = { "uniform", "log-uniform", "log-normal", "log-normal-wide" };

static void gen(enum dist d, uint64_t seed, uint64_t *v, unsigned n)
{
	uint64_t s = seed;
	for (unsigned i = 0; i < n; i++) {
		double u1 = rng_unit(&s), u2 = rng_unit(&s);
		double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2); /* standard normal */
		switch (d) {
		case D_UNIFORM: /* 1 ns .. 10 s, linear */
			v[i] = 1 + rng_next(&s) % MAX_NS;
			break;
		case D_LOGUNIFORM: /* 1 ns .. 10 s, every decade equally likely */
			v[i] = clamp_ns(exp(u1 * log((double)MAX_NS)));
			break;
		case D_LOGNORMAL: /* latency-like: median 100 us, sigma 1 */
			v[i] = clamp_ns(1e5 * exp(z));
			break;
		case D_LOGNORMAL_WIDE: /* median 1 ms, sigma 3: spans 1 ns .. 10 s */
			v[i] = clamp_ns(1e6 * exp(3 * z));
			break;
		default:
			fail();
		}
	}
}

static struct mb_hist *hist_new(void)
{
	struct mb_hist *h = malloc(sizeof(*h));
	assert_non_null(h);
	mb_hist_reset(h);
	return h;
}

/* Nearest rank on the sorted reference, in integer arithmetic. */
static uint64_t ref_percentile(const uint64_t *sorted, uint64_t n, unsigned milli)
{
	uint64_t rank = ((uint64_t)milli * n + 99999) / 100000;
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static void test_percentiles_vs_sorted_reference(void **state)
{
	uint64_t *v = malloc(NVALS * sizeof(*v));
	assert_non_null(v);
	for (int d = 0; d < D_NDIST; d++) {
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct mb_hist *h = hist_new();
			gen(d, seed * 7919 + (uint64_t)d, v, NVALS);
			for (unsigned i = 0; i < NVALS; i++)
				assert_true(mb_hist_record(h, v[i]));
			qsort(v, NVALS, sizeof(*v), cmp_u64);
			assert_int_equal(h->count, NVALS);
			assert_int_equal(h->overflow, 0);
			for (unsigned p = 0; p < sizeof(pct_milli) / sizeof(pct_milli[0]); p++) {
				uint64_t exact = ref_percentile(v, NVALS, pct_milli[p]);
				uint64_t got = mb_hist_percentile(h, pct_milli[p] / 1000.0);
				double rel = fabs((double)got - (double)exact) / (double)exact;
				if (rel > 0.01 || got < h->min || got < exact)
					print_error("%s seed %llu p%.3f: hist %llu exact %llu (rel %.4g)\n",
						    dist_name[d], (unsigned long long)seed,
						    pct_milli[p] / 1000.0, (unsigned long long)got,
						    (unsigned long long)exact, rel);
				assert_true(rel <= 0.01);
				assert_true(got >= h->min);
				/* The bucket's highest equivalent value is reported, so
				 * the histogram never understates a percentile. */
				assert_true(got >= exact);
				assert_true(got <= h->max);
			}
			assert_int_equal(mb_hist_percentile(h, 100), v[NVALS - 1]);
			free(h);
		}
	}
	free(v);
}

/* Values below 256 ns are stored exactly, so there the histogram must give
 * the nearest-rank value itself. 999 values of 100 and one of 200: the 99.9th
 * percentile of 1000 values is rank ceil(0.999 * 1000) = 999, i.e. 100, and
 * only the 100th percentile is 200. */
static void test_percentile_nearest_rank_exact(void **state)
{
	static const struct {
		unsigned n;	   /* values: n-1 of lo, then one hi */
		unsigned milli;	   /* percentile in thousandths */
		uint64_t expect;
	} cases[] = {
		{ 1000, 99900, 100 },  { 1000, 100000, 200 }, { 1000, 50000, 100 },
		{ 10000, 99990, 100 }, { 10000, 99900, 100 }, { 100, 99000, 100 },
		{ 100, 90000, 100 },   { 100000, 99900, 100 }, { 100000, 99999, 100 },
	};
	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct mb_hist *h = hist_new();
		for (unsigned i = 0; i + 1 < cases[c].n; i++)
			mb_hist_record(h, 100);
		mb_hist_record(h, 200);
		uint64_t got = mb_hist_percentile(h, cases[c].milli / 1000.0);
		if (got != cases[c].expect)
			print_error("N=%u p%.3f: got %llu, nearest rank gives %llu\n", cases[c].n,
				    cases[c].milli / 1000.0, (unsigned long long)got,
				    (unsigned long long)cases[c].expect);
		assert_int_equal(got, cases[c].expect);
		free(h);
	}
	/* 1..200 once each: every percentile is its rank exactly. */
	struct mb_hist *h = hist_new();
	for (uint64_t i = 1; i <= 200; i++)
		mb_hist_record(h, i);
	assert_int_equal(mb_hist_percentile(h, 50), 100);
	assert_int_equal(mb_hist_percentile(h, 90), 180);
	assert_int_equal(mb_hist_percentile(h, 99), 198);
	assert_int_equal(mb_hist_percentile(h, 99.9), 200); /* ceil(199.8) */
	assert_int_equal(mb_hist_percentile(h, 100), 200);
	assert_int_equal(mb_hist_percentile(h, 0.1), 1);
	free(h);
}

static void test_empty(void **state)
{
	struct mb_hist *h = hist_new();
	assert_int_equal(h->count, 0);
	assert_int_equal(mb_hist_percentile(h, 50), 0);
	assert_int_equal(mb_hist_percentile(h, 100), 0);
	assert_true(mb_hist_mean(h) == 0.0);
	free(h);
}

static void test_merge_halves_equals_all(void **state)
{
	uint64_t *v = malloc(NVALS * sizeof(*v));
	assert_non_null(v);
	for (int d = 0; d < D_NDIST; d++) {
		struct mb_hist *a = hist_new(), *b = hist_new(), *all = hist_new();
		struct mb_hist *empty = hist_new(), *into_empty = hist_new();
		gen(d, 42 + (uint64_t)d, v, NVALS);
		for (unsigned i = 0; i < NVALS; i++) {
			mb_hist_record(all, v[i]);
			mb_hist_record(i < NVALS / 2 ? a : b, v[i]);
		}
		mb_hist_merge(into_empty, a);
		assert_memory_equal(into_empty, a, sizeof(*a));
		mb_hist_merge(a, b);
		assert_memory_equal(a, all, sizeof(*a));
		/* merging an empty histogram changes nothing */
		mb_hist_merge(a, empty);
		assert_memory_equal(a, all, sizeof(*a));
		for (unsigned p = 0; p < sizeof(pct_milli) / sizeof(pct_milli[0]); p++)
			assert_int_equal(mb_hist_percentile(a, pct_milli[p] / 1000.0),
					 mb_hist_percentile(all, pct_milli[p] / 1000.0));
		free(a);
		free(b);
		free(all);
		free(empty);
		free(into_empty);
	}
	free(v);
}

static void test_min_max_mean_exact(void **state)
{
	uint64_t *v = malloc(NVALS * sizeof(*v));
	assert_non_null(v);
	for (int d = 0; d < D_NDIST; d++) {
		struct mb_hist *h = hist_new();
		uint64_t mn = UINT64_MAX, mx = 0, sum = 0;
		gen(d, 1000 + (uint64_t)d, v, NVALS);
		for (unsigned i = 0; i < NVALS; i++) {
			mb_hist_record(h, v[i]);
			mn = v[i] < mn ? v[i] : mn;
			mx = v[i] > mx ? v[i] : mx;
			sum += v[i];
		}
		assert_int_equal(h->min, mn);
		assert_int_equal(h->max, mx);
		assert_int_equal(h->sum, sum);
		assert_true(mb_hist_mean(h) == (double)sum / NVALS);
		assert_int_equal(mb_hist_percentile(h, 100), mx);
		/* the lowest percentile is never below the minimum */
		assert_true(mb_hist_percentile(h, 0.001) >= mn);
		free(h);
	}
	free(v);
}

static void check_value(uint64_t v)
{
	unsigned i = mb_hist_index(v);
	uint64_t lo = mb_hist_bucket_low(i), hi = mb_hist_bucket_high(i);
	if (!(i < MB_HIST_BUCKETS && lo <= v && v <= hi))
		print_error("v=%llu idx=%u low=%llu high=%llu\n", (unsigned long long)v, i,
			    (unsigned long long)lo, (unsigned long long)hi);
	assert_true(i < MB_HIST_BUCKETS);
	assert_true(lo <= v);
	assert_true(v <= hi);
	/* relative width at most 1/128: (hi - lo + 1) / lo <= 1/128 above the
	 * exact range, width 1 inside it */
	if (v < MB_HIST_EXACT)
		assert_int_equal(lo, hi);
	else
		assert_true((hi - lo + 1) * MB_HIST_SUB <= lo);
}

static void test_bucket_consistency(void **state)
{
	const uint64_t top = 1ull << MB_HIST_MAX_BIT;

	for (uint64_t v = 0; v < 8192; v++)
		check_value(v);
	/* every power of two and its neighbours */
	for (unsigned b = 1; b < MB_HIST_MAX_BIT; b++) {
		uint64_t p = 1ull << b;
		for (int64_t d = -3; d <= 3; d++)
			if ((int64_t)p + d >= 0 && p + (uint64_t)d < top)
				check_value(p + (uint64_t)d);
	}
	/* a geometric sweep with odd offsets up to 2^42 - 1 */
	for (double x = 1; x < (double)top; x *= 1.0137)
		for (uint64_t off = 0; off < 3; off++) {
			uint64_t v = (uint64_t)x + off * 7;
			if (v < top)
				check_value(v);
		}
	check_value(top - 1);
	/* random values in every octave */
	uint64_t s = 99;
	for (unsigned b = 8; b < MB_HIST_MAX_BIT; b++)
		for (unsigned i = 0; i < 200; i++)
			check_value((1ull << b) | (rng_next(&s) & ((1ull << b) - 1)));

	/* buckets tile the range: contiguous, increasing, index(low) == idx */
	for (unsigned i = 0; i < MB_HIST_BUCKETS; i++) {
		uint64_t lo = mb_hist_bucket_low(i), hi = mb_hist_bucket_high(i);
		assert_true(lo <= hi);
		assert_int_equal(mb_hist_index(lo), i);
		assert_int_equal(mb_hist_index(hi), i);
		if (i + 1 < MB_HIST_BUCKETS)
			assert_int_equal(hi + 1, mb_hist_bucket_low(i + 1));
	}
	assert_int_equal(mb_hist_bucket_low(0), 0);
	assert_int_equal(mb_hist_bucket_high(MB_HIST_BUCKETS - 1), top - 1);
	/* the index is monotonic */
	unsigned prev = 0;
	for (double x = 1; x < (double)top; x *= 1.001) {
		unsigned i = mb_hist_index((uint64_t)x);
		assert_true(i >= prev);
		prev = i;
	}
}

static void test_record_beyond_range(void **state)
{
	const uint64_t top = 1ull << MB_HIST_MAX_BIT;
	struct mb_hist *h = hist_new();

	assert_true(mb_hist_record(h, 100));
	assert_true(mb_hist_record(h, top - 1));
	assert_int_equal(h->overflow, 0);
	assert_false(mb_hist_record(h, top));
	assert_false(mb_hist_record(h, UINT64_MAX / 4));
	assert_int_equal(h->count, 4);
	assert_int_equal(h->overflow, 2);
	assert_int_equal(h->max, UINT64_MAX / 4);
	assert_int_equal(h->min, 100);
	assert_int_equal(h->sum, 100 + (top - 1) + top + UINT64_MAX / 4);
	/* out-of-range values are counted in the top bucket */
	assert_int_equal(h->counts[MB_HIST_BUCKETS - 1], 3);
	uint64_t total = 0;
	for (unsigned i = 0; i < MB_HIST_BUCKETS; i++)
		total += h->counts[i];
	assert_int_equal(total, h->count);
	assert_int_equal(mb_hist_percentile(h, 100), UINT64_MAX / 4);
	assert_int_equal(mb_hist_percentile(h, 25), 100); /* exact below 256 ns */
	/* merge carries the overflow count */
	struct mb_hist *m = hist_new();
	mb_hist_merge(m, h);
	mb_hist_merge(m, h);
	assert_int_equal(m->overflow, 4);
	assert_int_equal(m->count, 8);
	free(m);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles_vs_sorted_reference),
		cmocka_unit_test(test_percentile_nearest_rank_exact),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_merge_halves_equals_all),
		cmocka_unit_test(test_min_max_mean_exact),
		cmocka_unit_test(test_bucket_consistency),
		cmocka_unit_test(test_record_beyond_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
