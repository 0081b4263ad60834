/* Statistics of small samples, the way benchmarks need them: medians and
 * distribution-free confidence intervals from order statistics, never
 * mean +- sd (repetitions are few and skewed). Shared by the sweep's
 * summary, the report and the claims suite. */
#ifndef MB_STATS_H
#define MB_STATS_H

#include <stddef.h>

/* qsort comparator for doubles: ascending, NANs first. A total order, so
 * qsort is defined on any input and sorting puts absent values (NAN) in
 * front; the medians below drop them instead. */
int mb_stat_cmp_double(const void *a, const void *b);

/* Median of n sorted values (mean of the middle two for even n); NAN for
 * n == 0. */
double mb_stat_median_sorted(const double *sorted, size_t n);

/* Median of v[0..n), NANs ignored. Drops the NANs and sorts v in place
 * (pass a copy to keep the order). NAN when nothing is left. */
double mb_stat_median(double *v, size_t n);

/* 1-based ranks (j, k) of the order statistics bounding the distribution-
 * free 95% confidence interval of the median: the largest j with
 * P(Binomial(n, 1/2) < j) <= 2.5%, and k = n + 1 - j. Coverage is >= 95%.
 * For n < 6 this returns (1, n): the interval is [min, max].
 * Returns -EINVAL for n == 0. */
int mb_stat_ci_ranks(size_t n, size_t *j, size_t *k);

/* Summary of a sample. */
struct mb_stat {
	double median, lo, hi; /* lo, hi: 95% CI of the median */
	double min, max;
	double mean, cv;       /* cv: sample stddev / mean, NAN for n < 2 */
	size_t n;
};

/* Sorts v (n values, NANs dropped first) and fills st. n == 0 (or all NAN)
 * gives st->n == 0 and NANs. */
void mb_stat_describe(double *v, size_t n, struct mb_stat *st);

#endif
