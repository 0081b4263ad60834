/* Medians and their order-statistic confidence intervals, and the quality
 * flags of a configuration's runs (stats.h; the bootstrap is
 * stats_boot.c). Cost: a median or a summary is one sort, O(n log n), in
 * place; the interval's ranks and coverage are O(n) lgamma calls. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mb_stat_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	if (isnan(x) || isnan(y))
		return !isnan(x) - !isnan(y);
	return (x > y) - (x < y);
}

double mb_stat_median(double *v, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[m++] = v[i];
	qsort(v, m, sizeof(*v), mb_stat_cmp_double);
	return mb_stat_median_sorted(v, m);
}

double mb_stat_median_sorted(const double *sorted, size_t n)
{
	if (n == 0)
		return NAN;
	if (n % 2)
		return sorted[n / 2];
	return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* The binomial (sign-test) interval: the median m of the population has
 * P(X(j) <= m <= X(k)) = 1 - 2 P(B < j) for B ~ Binomial(n, 1/2), whatever
 * the distribution (Conover, "Practical Nonparametric Statistics", 3.2).
 * We take the narrowest symmetric pair with coverage >= 95%; it is exact
 * and conservative (coverage 96-99% at the n a benchmark has). Below n = 6
 * no pair reaches 95% (n = 5 gives 93.75% for [min, max]), and the
 * contract is then [min, max]. Cost: O(n) lgamma calls. */
int mb_stat_ci_ranks(size_t n, size_t *j, size_t *k)
{
	if (n == 0)
		return -EINVAL;
	size_t r = 1;
	if (n >= 6) {
		const double lnorm = lgamma((double)n + 1) - (double)n * log(2);
		double cum = 0;
		for (size_t i = 0; i < n; i++) {
			cum += exp(lnorm - lgamma((double)i + 1) -
				   lgamma((double)(n - i) + 1));
			/* cum = P(B <= i); j = i + 1 is allowed while it
			 * leaves at most 2.5% in each tail. */
			if (cum > 0.025 + 1e-12)
				break;
			r = i + 1;
		}
	}
	*j = r;
	*k = n + 1 - r;
	return 0;
}

double mb_stat_ci_coverage(size_t n)
{
	size_t j, k;
	if (mb_stat_ci_ranks(n, &j, &k) < 0)
		return NAN;
	/* 1 - 2 P(B <= j - 1), the same sum as above */
	const double lnorm = lgamma((double)n + 1) - (double)n * log(2);
	double tail = 0;
	for (size_t i = 0; i < j; i++)
		tail += exp(lnorm - lgamma((double)i + 1) -
			    lgamma((double)(n - i) + 1));
	double c = 1 - 2 * tail;
	return c < 0 ? 0 : c;
}

char *mb_stat_ci_kind(const struct mb_stat *st, char *buf, size_t len)
{
	if (st->n == 0)
		snprintf(buf, len, "%s", "");
	else if (st->n >= MB_STAT_CI_MIN_N)
		snprintf(buf, len, "order-statistic 95%%");
	else
		snprintf(buf, len, "range (%.4g%%)", 100 * st->coverage);
	return buf;
}

void mb_stat_describe(double *v, size_t n, struct mb_stat *st)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[m++] = v[i];
	st->n = m;
	st->median = st->lo = st->hi = st->min = st->max = NAN;
	st->mean = st->cv = st->coverage = NAN;
	if (m == 0)
		return;
	qsort(v, m, sizeof(*v), mb_stat_cmp_double);
	size_t j, k;
	mb_stat_ci_ranks(m, &j, &k);
	st->median = mb_stat_median_sorted(v, m);
	st->lo = v[j - 1];
	st->hi = v[k - 1];
	st->coverage = mb_stat_ci_coverage(m);
	st->min = v[0];
	st->max = v[m - 1];
	double sum = 0;
	for (size_t i = 0; i < m; i++)
		sum += v[i];
	st->mean = sum / (double)m;
	if (m >= 2 && st->mean != 0) {
		double ss = 0;
		for (size_t i = 0; i < m; i++)
			ss += (v[i] - st->mean) * (v[i] - st->mean);
		st->cv = sqrt(ss / (double)(m - 1)) / fabs(st->mean);
	}
}

/* Runs of v[0..n) (no NANs) whose modified Z-score |0.6745 (x - median) /
 * MAD| exceeds MB_STAT_FLAG_Z; none when the MAD is 0. dev is scratch
 * space for n values. */
static unsigned outliers(const double *v, size_t n, double median, double *dev)
{
	struct mb_stat ds;
	unsigned count = 0;
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(v[i] - median);
	mb_stat_describe(dev, n, &ds);
	for (size_t i = 0; i < n && ds.median > 0; i++)
		count += fabs(0.6745 * (v[i] - median) / ds.median) > MB_STAT_FLAG_Z;
	return count;
}

int mb_stat_flags(const double *tp, const double *wall, size_t n,
		  unsigned noisy, struct mb_stat_flags *fl)
{
	double *tmp = malloc(2 * (n + 1) * sizeof(*tmp));
	struct mb_stat st;
	size_t m = 0;

	memset(fl, 0, sizeof(*fl));
	fl->cv = fl->wall_min = NAN;
	fl->noisy = noisy;
	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!isnan(tp[i]))
			tmp[m++] = tp[i];
		if (wall && !isnan(wall[i]) && !(wall[i] >= fl->wall_min))
			fl->wall_min = wall[i];
	}
	fl->n = m;
	mb_stat_describe(tmp, m, &st); /* sorts tmp: the order does not matter */
	fl->cv = st.cv;
	fl->outliers = m ? outliers(tmp, m, st.median, tmp + m) : 0;
	free(tmp);
	return 0;
}

char *mb_stat_flags_text(const struct mb_stat_flags *fl, const char *sep,
			 char *buf, size_t len)
{
	size_t pos = 0;
	int k = 0;
#define ADD(...)                                                            \
	do {                                                                \
		if (pos < len && k++)                                       \
			pos += (size_t)snprintf(buf + pos, len - pos, "%s", sep); \
		if (pos < len)                                              \
			pos += (size_t)snprintf(buf + pos, len - pos, __VA_ARGS__); \
	} while (0)
	if (len)
		buf[0] = '\0';
	if (!fl->n)
		return buf;
	if (!isnan(fl->cv) && fl->cv >= MB_STAT_FLAG_CV)
		ADD("cv %.0f%%", 100 * fl->cv);
	if (fl->outliers)
		ADD("%u outlier%s", fl->outliers, fl->outliers > 1 ? "s" : "");
	if (fl->n < MB_STAT_FEW_RUNS)
		ADD("few reps");
	if (fl->wall_min < MB_STAT_SHORT_S)
		ADD("short runs");
	if (fl->noisy)
		ADD("noisy(%u)", fl->noisy);
#undef ADD
	return buf;
}
