/* Statistics of small samples, the way benchmarks need them: medians and
 * distribution-free confidence intervals from order statistics, never
 * mean +- sd (repetitions are few and skewed); the quality flags of a
 * configuration's runs; and a seeded percentile bootstrap of functions of
 * medians. Shared by the sweep's summary, the report and the claims
 * suite. */
#ifndef MB_STATS_H
#define MB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Fewest runs whose order statistics give a 95% interval of the median:
 * below it the interval is the range [min, max], which covers less. */
#define MB_STAT_CI_MIN_N 6

/* 1-based ranks (j, k) of the order statistics bounding the distribution-
 * free 95% confidence interval of the median: the largest j with
 * P(Binomial(n, 1/2) < j) <= 2.5%, and k = n + 1 - j. Coverage is >= 95%.
 * For n < MB_STAT_CI_MIN_N this returns (1, n): the interval is [min, max],
 * which covers less (mb_stat_ci_coverage). Returns -EINVAL for n == 0. */
int mb_stat_ci_ranks(size_t n, size_t *j, size_t *k);

/* The exact coverage of the interval mb_stat_ci_ranks gives for n runs,
 * whatever the distribution: 1 - 2 P(Binomial(n, 1/2) < j). For the range
 * of n < 6 runs that is 1 - 2^(1-n): 0 at n = 1, 50% at 2, 75% at 3,
 * 87.5% at 4, 93.75% at 5. NAN for n == 0. */
double mb_stat_ci_coverage(size_t n);

/* Summary of a sample. */
struct mb_stat {
	double median, lo, hi; /* lo, hi: the interval of the median (ranks
				* of mb_stat_ci_ranks) */
	double coverage;       /* its exact coverage; NAN for n == 0 */
	double min, max;
	double mean, cv;       /* cv: sample stddev / mean, NAN for n < 2 */
	size_t n;
};

/* Sorts v (n values, NANs dropped first) and fills st. n == 0 (or all NAN)
 * gives st->n == 0 and NANs. */
void mb_stat_describe(double *v, size_t n, struct mb_stat *st);

/* What st's interval is, in words: "order-statistic 95%" from
 * MB_STAT_CI_MIN_N runs on, else "range (75%)" with the range's coverage;
 * "" for n == 0. Returns buf. */
char *mb_stat_ci_kind(const struct mb_stat *st, char *buf, size_t len);

/* ---- Quality flags ------------------------------------------------------
 * The warnings the sweep's summary prints and the report writes per
 * configuration (README, "How it measures"): throughput CV >= 5%,
 * outliers by the modified Z-score |0.6745 (x - median) / MAD| > 3.5
 * (flagged, never dropped), fewer than 5 runs, a run shorter than 100 ms,
 * runs during which other processes took more than 5% of the pinned cores
 * (outside_load). */
#define MB_STAT_FLAG_CV 0.05
#define MB_STAT_FLAG_Z 3.5
#define MB_STAT_FEW_RUNS 5
#define MB_STAT_SHORT_S 0.1
#define MB_STAT_NOISY_LOAD 0.05

struct mb_stat_flags {
	size_t n;          /* runs */
	double cv;         /* throughput's; NAN for n < 2 */
	double wall_min;   /* shortest run, s; NAN when unknown */
	unsigned outliers; /* runs with a modified Z-score above 3.5 */
	unsigned noisy;    /* runs with outside_load above 5% */
};

/* Whether a run's outside_load (a fraction of its cores) makes it noisy. */
static inline bool mb_stat_noisy(double outside_load)
{
	return outside_load > MB_STAT_NOISY_LOAD;
}

/* The flags of n runs: throughputs tp (NANs ignored), wall times wall
 * (NULL or NANs: unknown) and the count of noisy runs. v is not modified.
 * -ENOMEM (fl zeroed, NANs) when a copy cannot be made. Cost: two sorts. */
int mb_stat_flags(const double *tp, const double *wall, size_t n,
		  unsigned noisy, struct mb_stat_flags *fl);

/* The flags in the sweep summary's words, "cv 7%", "1 outlier", "few
 * reps", "short runs", "noisy(2)", joined by sep; "" when there is none.
 * Returns buf. */
char *mb_stat_flags_text(const struct mb_stat_flags *fl, const char *sep,
			 char *buf, size_t len);

/* ---- Bootstrap -----------------------------------------------------------
 * Percentile bootstrap of a statistic of several samples' medians (a
 * ratio of two medians, a share of a difference): each sample's runs are
 * resampled with replacement (a run keeps its metrics together), the
 * statistic is computed nboot times, and [2.5%, 97.5%] of its defined
 * values is the interval. The generator (xorshift64*) starts from the
 * seed given, so an interval is reproducible, and each interval should
 * get its own seed (mb_stat_seed) so that no two share resamples.
 * Resamples where the statistic is NAN are counted in n_undef and left
 * out of the interval. Cost: nboot x (the samples' sizes x metrics) median
 * sorts of small arrays. */
#define MB_BOOT_MAXS 8 /* samples */
#define MB_BOOT_MAXM 4 /* metrics per sample */

struct mb_boot_sample {
	const double *v; /* n runs of m metrics: v[i * m + j] */
	size_t n, m;
};

/* stat(med, arg): med[g * MB_BOOT_MAXM + j] is the median of metric j of
 * sample g (NANs in a sample are ignored by its median). */
typedef double (*mb_boot_stat)(const double *med, void *arg);

struct mb_boot {
	double est;     /* the statistic of the samples' own medians */
	double lo, hi;  /* percentile interval; NAN when no resample is defined */
	size_t nboot;   /* resamples drawn */
	size_t n_undef; /* of them, where the statistic was NAN */
	uint64_t seed;  /* the stream's seed */
};

/* 0, or -EINVAL (no sample, more than MB_BOOT_MAXS, an empty one, m out of
 * 1..MB_BOOT_MAXM, nboot == 0), -ENOMEM (est set, the rest NAN). */
int mb_stat_boot(const struct mb_boot_sample *s, size_t ns, mb_boot_stat stat,
		 void *arg, size_t nboot, uint64_t seed, struct mb_boot *out);

/* A seed for one interval: seed mixed with len bytes of data (its name,
 * its runs' values), FNV-1a; chain calls to mix several parts. */
uint64_t mb_stat_seed(uint64_t seed, const void *data, size_t len);

/* The percentile bootstrap interval of median(a) / median(b) (a speedup),
 * with nboot resamples from seed. est is NAN, and lo, hi too, when
 * median(b) is 0 or a sample is empty; -EINVAL, -ENOMEM as mb_stat_boot. */
int mb_stat_ratio_boot(const double *a, size_t na, const double *b, size_t nb,
		       size_t nboot, uint64_t seed, struct mb_boot *out);

#endif
