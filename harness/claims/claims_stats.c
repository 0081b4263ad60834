/* Statistics of the claims: medians over repetitions and percentile-
 * bootstrap confidence intervals of a median or of any function of several
 * samples' medians (a ratio, a share of a difference). The generator is
 * seeded with a constant, so the same CSVs give the same report. With few
 * repetitions (3 to 5) the interval is coarse but honest: it cannot be
 * narrower than what the runs themselves spread over. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "base.h"

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

static uint64_t next_rand(uint64_t *s)
{
	/* xorshift64*: plenty for resampling indexes. */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* Medians of every metric of every sample, resampled through idx (NULL:
 * the original runs). */
static void medians(const struct cl_sample *s, unsigned ns, const unsigned *const *idx,
		    double *med)
{
	double col[CL_MAXREP];
	for (unsigned g = 0; g < ns; g++)
		for (unsigned j = 0; j < s[g].m && j < CL_MAXM; j++) {
			unsigned n = s[g].n < CL_MAXREP ? s[g].n : CL_MAXREP;
			for (unsigned i = 0; i < n; i++)
				col[i] = s[g].v[(idx ? idx[g][i] : i) * s[g].m + j];
			med[g * CL_MAXM + j] = cl_median(col, n);
		}
}

#define CL_MAXSAMPLES 8

void cl_boot(const struct cl_sample *s, unsigned ns,
	     double (*stat)(const double *med, void *arg), void *arg, struct cl_ci *out)
{
	double med[CL_MAXSAMPLES * CL_MAXM];
	unsigned idxbuf[CL_MAXSAMPLES][CL_MAXREP];
	const unsigned *idx[CL_MAXSAMPLES];
	double *vals = NULL;
	unsigned nv = 0, nmin = UINT32_MAX;
	uint64_t rng = 0x9E3779B97F4A7C15ull * CL_SEED + 0x243F6A8885A308D3ull;

	out->est = out->lo = out->hi = NAN;
	out->n = 0;
	if (ns == 0 || ns > CL_MAXSAMPLES)
		return;
	for (unsigned g = 0; g < ns; g++) {
		if (s[g].n < nmin)
			nmin = s[g].n;
		idx[g] = idxbuf[g];
	}
	if (nmin < CL_MIN_RUNS)
		return;
	medians(s, ns, NULL, med);
	out->est = stat(med, arg);
	out->n = nmin;
	vals = malloc(CL_BOOT * sizeof(*vals));
	if (!vals) {
		out->lo = out->hi = out->est;
		return;
	}
	for (unsigned b = 0; b < CL_BOOT; b++) {
		for (unsigned g = 0; g < ns; g++) {
			unsigned n = s[g].n < CL_MAXREP ? s[g].n : CL_MAXREP;
			for (unsigned i = 0; i < n; i++)
				idxbuf[g][i] = (unsigned)(next_rand(&rng) % n);
		}
		medians(s, ns, idx, med);
		double v = stat(med, arg);
		if (!isnan(v))
			vals[nv++] = v;
	}
	if (nv) {
		qsort(vals, nv, sizeof(*vals), mb_stat_cmp_double);
		unsigned lo = (unsigned)floor(0.025 * nv), hi = (unsigned)ceil(0.975 * nv) - 1;
		out->lo = vals[lo];
		out->hi = vals[hi < nv ? hi : nv - 1];
	}
	free(vals);
}

static double stat_first(const double *med, void *arg)
{
	(void)arg;
	return med[0];
}

void cl_ci_median(const double *v, unsigned n, struct cl_ci *out)
{
	struct cl_sample s = { v, n, 1 };
	cl_boot(&s, 1, stat_first, NULL, out);
}

static double stat_ratio(const double *med, void *arg)
{
	(void)arg;
	return med[CL_MAXM] != 0 ? med[0] / med[CL_MAXM] : NAN;
}

void cl_ci_ratio(const double *a, unsigned na, const double *b, unsigned nb, struct cl_ci *out)
{
	struct cl_sample s[2] = { { a, na, 1 }, { b, nb, 1 } };
	cl_boot(s, 2, stat_ratio, NULL, out);
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

char *cl_fmt_ci(char *buf, size_t len, const struct cl_ci *c, double scale, const char *unit)
{
	char e[32], l[32], h[32];
	if (!c->n) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	snprintf(buf, len, "%s%s [%s, %s]", cl_fmt(e, sizeof(e), c->est * scale), unit,
		 cl_fmt(l, sizeof(l), c->lo * scale), cl_fmt(h, sizeof(h), c->hi * scale));
	return buf;
}

const char *cl_verdict_word(enum cl_verdict v)
{
	return v == CL_HOLDS ? "holds" : v == CL_FAILS ? "does not hold" : "inconclusive";
}
