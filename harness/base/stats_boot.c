/* The percentile bootstrap of stats.h: one engine for the report's
 * speedup intervals and the claims' intervals, so both resample the same
 * way and say the same about resamples where a statistic is undefined.
 * Cost: nboot x (sum over samples of n x m) copies and small sorts; one
 * allocation per call. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* xorshift64*: plenty for resampling indexes; the state is never 0. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* splitmix64's finaliser: nearby seeds give unrelated streams. */
static uint64_t mix(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint64_t mb_stat_seed(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull ^ mix(seed);
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Medians of every metric of every sample into med, the runs taken
 * through idx[g] (NULL: the runs as they are); col is scratch space for
 * the largest sample. */
static void medians(const struct mb_boot_sample *s, size_t ns,
		    size_t *const *idx, double *col, double *med)
{
	for (size_t g = 0; g < ns; g++)
		for (size_t j = 0; j < s[g].m; j++) {
			for (size_t i = 0; i < s[g].n; i++)
				col[i] = s[g].v[(idx ? idx[g][i] : i) * s[g].m + j];
			med[g * MB_BOOT_MAXM + j] = mb_stat_median(col, s[g].n);
		}
}

static int check(const struct mb_boot_sample *s, size_t ns, size_t nboot,
		 size_t *total, size_t *nmax)
{
	*total = *nmax = 0;
	if (ns == 0 || ns > MB_BOOT_MAXS || nboot == 0)
		return -EINVAL;
	for (size_t g = 0; g < ns; g++) {
		if (!s[g].n || !s[g].m || s[g].m > MB_BOOT_MAXM)
			return -EINVAL;
		*total += s[g].n;
		*nmax = s[g].n > *nmax ? s[g].n : *nmax;
	}
	return 0;
}

int mb_stat_boot(const struct mb_boot_sample *s, size_t ns, mb_boot_stat stat,
		 void *arg, size_t nboot, uint64_t seed, struct mb_boot *out)
{
	double med[MB_BOOT_MAXS * MB_BOOT_MAXM];
	size_t *idx[MB_BOOT_MAXS], total, nmax, nv = 0;
	uint64_t rng = mix(seed) | 1; /* never the all-zero state */

	*out = (struct mb_boot){ .est = NAN, .lo = NAN, .hi = NAN, .seed = seed };
	if (check(s, ns, nboot, &total, &nmax) < 0)
		return -EINVAL;
	size_t *ibuf = malloc(total * sizeof(*ibuf));
	double *col = malloc(nmax * sizeof(*col));
	double *vals = malloc(nboot * sizeof(*vals));
	if (!ibuf || !col || !vals) {
		free(ibuf);
		free(col);
		free(vals);
		return -ENOMEM;
	}
	for (size_t g = 0, off = 0; g < ns; off += s[g++].n)
		idx[g] = ibuf + off;
	medians(s, ns, NULL, col, med);
	out->est = stat(med, arg);
	for (size_t b = 0; b < nboot; b++) {
		for (size_t g = 0; g < ns; g++)
			for (size_t i = 0; i < s[g].n; i++)
				idx[g][i] = (size_t)(next_rand(&rng) % s[g].n);
		medians(s, ns, idx, col, med);
		double v = stat(med, arg);
		if (isnan(v))
			out->n_undef++;
		else
			vals[nv++] = v;
	}
	out->nboot = nboot;
	if (nv) {
		qsort(vals, nv, sizeof(*vals), mb_stat_cmp_double);
		size_t lo = (size_t)floor(0.025 * (double)nv);
		size_t hi = (size_t)ceil(0.975 * (double)nv) - 1;
		out->lo = vals[lo];
		out->hi = vals[hi < nv ? hi : nv - 1];
	}
	free(ibuf);
	free(col);
	free(vals);
	return 0;
}

static double stat_ratio(const double *med, void *arg)
{
	(void)arg;
	return med[MB_BOOT_MAXM] != 0 ? med[0] / med[MB_BOOT_MAXM] : NAN;
}

int mb_stat_ratio_boot(const double *a, size_t na, const double *b, size_t nb,
		       size_t nboot, uint64_t seed, struct mb_boot *out)
{
	const struct mb_boot_sample s[2] = { { a, na, 1 }, { b, nb, 1 } };
	return mb_stat_boot(s, 2, stat_ratio, NULL, nboot, seed, out);
}
