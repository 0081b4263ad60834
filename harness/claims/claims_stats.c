/* Statistics of the claims: medians over repetitions and percentile-
 * bootstrap confidence intervals of a median or of any function of several
 * samples' medians (a ratio, a share of a difference), by base's
 * mb_stat_boot. Each interval's stream is seeded from a constant, the
 * statistic's name and the runs themselves, so the same CSVs give the same
 * report and no two intervals share resamples. With few repetitions (3 to
 * 5) the interval is coarse but honest: it cannot be narrower than what
 * the runs themselves spread over. Then the numbers for people, printed so
 * that a bound never appears to meet a threshold it misses. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "base.h"
#include "engine.h"

/* Median of v (n values, NANs skipped, at most the first CL_MAXREP
 * numbers taken); v is left untouched: base's median on a copy. */
double cl_median(const double *v, unsigned n)
{
	double tmp[CL_MAXREP];
	unsigned m = 0;
	for (unsigned i = 0; i < n && m < CL_MAXREP; i++)
		if (!isnan(v[i]))
			tmp[m++] = v[i];
	return mb_stat_median(tmp, m);
}

#define CL_MAXSAMPLES MB_BOOT_MAXS

/* Runs of a sample that are resampled: at most CL_MAXREP. */
static unsigned used(const struct cl_sample *s)
{
	return s->n < CL_MAXREP ? s->n : CL_MAXREP;
}

uint64_t cl_boot_seed(const char *what, const struct cl_sample *s, unsigned ns)
{
	uint64_t seed = mb_stat_seed(CL_SEED, what, strlen(what));
	for (unsigned g = 0; g < ns; g++) {
		unsigned n = used(&s[g]);
		seed = mb_stat_seed(seed, &n, sizeof(n));
		seed = mb_stat_seed(seed, s[g].v, (size_t)n * s[g].m * sizeof(*s[g].v));
	}
	return seed;
}

void cl_boot(const char *what, const struct cl_sample *s, unsigned ns,
	     double (*stat)(const double *med, void *arg), void *arg, struct cl_ci *out)
{
	struct mb_boot_sample bs[CL_MAXSAMPLES];
	struct mb_boot b;
	unsigned nmin = UINT32_MAX;

	*out = (struct cl_ci){ .est = NAN, .lo = NAN, .hi = NAN };
	if (ns == 0 || ns > CL_MAXSAMPLES)
		return;
	for (unsigned g = 0; g < ns; g++) {
		nmin = s[g].n < nmin ? s[g].n : nmin;
		bs[g] = (struct mb_boot_sample){ s[g].v, used(&s[g]), s[g].m };
	}
	if (nmin < CL_MIN_RUNS)
		return;
	int r = mb_stat_boot(bs, ns, stat, arg, CL_BOOT, cl_boot_seed(what, s, ns), &b);
	if (r < 0 && r != -ENOMEM)
		return;
	out->est = b.est;
	out->n = nmin;
	out->lo = r ? b.est : b.lo; /* out of memory: no interval, the estimate */
	out->hi = r ? b.est : b.hi;
	out->n_undef = (unsigned)b.n_undef;
	out->nboot = (unsigned)b.nboot;
}

static double stat_first(const double *med, void *arg)
{
	(void)arg;
	return med[0];
}

void cl_ci_median(const double *v, unsigned n, struct cl_ci *out)
{
	struct cl_sample s = { v, n, 1 };
	cl_boot("median", &s, 1, stat_first, NULL, out);
}

static double stat_ratio(const double *med, void *arg)
{
	(void)arg;
	return med[CL_MAXM] != 0 ? med[0] / med[CL_MAXM] : NAN;
}

void cl_ci_ratio(const double *a, unsigned na, const double *b, unsigned nb, struct cl_ci *out)
{
	struct cl_sample s[2] = { { a, na, 1 }, { b, nb, 1 } };
	cl_boot("ratio", s, 2, stat_ratio, NULL, out);
}

bool cl_same_bucket(double a_us, double b_us)
{
	double hi = fmax(a_us, b_us);
	return fabs(a_us - b_us) <= hi / MB_HIST_SUB;
}

char *cl_fmt(char *buf, size_t len, double v)
{
	double a = fabs(v);
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else if (a >= 100 || a == 0)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

/* -1, 0, 1: where x lies against t. */
static int side(double x, double t)
{
	return (x > t) - (x < t);
}

/* Digits after the point cl_fmt uses for v (-1: %.3g). */
static int decimals(double v)
{
	double a = fabs(v);
	return a >= 100 || a == 0 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : -1;
}

char *cl_fmt_vs(char *buf, size_t len, double v, const double *thr, unsigned nthr)
{
	int d = decimals(v), p = 3;
	cl_fmt(buf, len, v);
	for (;;) {
		double shown = strtod(buf, NULL);
		unsigned k = 0;
		while (k < nthr && side(shown, thr[k]) == side(v, thr[k]))
			k++;
		if (k == nthr || isnan(v) || d > 15 || p > 17)
			return buf;
		if (d >= 0)
			snprintf(buf, len, "%.*f", ++d, v);
		else
			snprintf(buf, len, "%.*g", ++p, v);
	}
}

char *cl_fmt_ci_vs(char *buf, size_t len, const struct cl_ci *c, double scale,
		   const char *unit, const double *thr, unsigned nthr)
{
	char e[40], l[40], h[40];
	double t[8];
	unsigned nt = nthr < 8 ? nthr : 8;
	if (!c->n) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	for (unsigned k = 0; k < nt; k++)
		t[k] = thr[k] * scale;
	int o = snprintf(buf, len, "%s%s [%s, %s]",
			 cl_fmt_vs(e, sizeof(e), c->est * scale, t, nt), unit,
			 cl_fmt_vs(l, sizeof(l), c->lo * scale, t, nt),
			 cl_fmt_vs(h, sizeof(h), c->hi * scale, t, nt));
	if (c->n_undef && o > 0 && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, " (%u of %u resamples undefined)", c->n_undef,
			 c->nboot);
	return buf;
}

char *cl_fmt_ci(char *buf, size_t len, const struct cl_ci *c, double scale, const char *unit)
{
	return cl_fmt_ci_vs(buf, len, c, scale, unit, NULL, 0);
}

const char *cl_verdict_word(enum cl_verdict v)
{
	return v == CL_HOLDS ? "holds" : v == CL_FAILS ? "does not hold" : "inconclusive";
}
