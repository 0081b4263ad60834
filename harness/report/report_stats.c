/* The report's scalability fits: Amdahl and the Universal Scalability Law
 * over the speedups of one (panel, mode) (README, "Report"). The medians,
 * their intervals and the coefficient of variation they are fitted to are
 * base's (stats.h): benchmarks give few, skewed repetitions, so the
 * report summarises with medians and order statistics, never mean +- sd.
 * Cost: O(n) per Levenberg-Marquardt iteration, at most 200 of them.
 * Then what each fit means: exact fits and parameters out of range. */
#include "report_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Scalability fits ------------------------------------------------- */

static double usl(double k, double s, double q)
{
	return k / (1 + s * (k - 1) + q * k * (k - 1));
}

static double sse(const double *k, const double *y, size_t n, double s,
		  double q)
{
	double e = 0;
	for (size_t i = 0; i < n; i++) {
		double r = y[i] - usl(k[i], s, q);
		e += r * r;
	}
	return e;
}

/* Distinct k values, and how many of them exceed 1 (k = 1 carries no
 * information: every model gives S(1) = 1). */
static void count_k(const double *k, size_t n, size_t *distinct,
		    size_t *above1)
{
	*distinct = *above1 = 0;
	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t j = 0; j < i; j++)
			seen |= k[j] == k[i];
		if (!seen) {
			(*distinct)++;
			*above1 += k[i] > 1;
		}
	}
}

/* Levenberg-Marquardt on the sum of squared residuals of S, over (s) or
 * (s, q) as np says; q stays 0 for Amdahl. Converges in a handful of
 * iterations from the linearised start; 200 is a safety bound. */
static int levenberg_marquardt(const double *k, const double *y, size_t n,
			       int np, double *s, double *q)
{
	double lambda = 1e-3, e = sse(k, y, n, *s, *q);
	for (int it = 0; it < 200; it++) {
		double a00 = 0, a01 = 0, a11 = 0, g0 = 0, g1 = 0;
		for (size_t i = 0; i < n; i++) {
			double x = k[i], d = 1 + *s * (x - 1) + *q * x * (x - 1);
			double r = y[i] - x / d;
			double j0 = -x * (x - 1) / (d * d);
			double j1 = -x * x * (x - 1) / (d * d);
			a00 += j0 * j0;
			a01 += j0 * j1;
			a11 += j1 * j1;
			g0 += j0 * r;
			g1 += j1 * r;
		}
		if (np == 1) {
			a01 = 0;
			a11 = 1;
			g1 = 0;
		}
		double b00 = a00 * (1 + lambda), b11 = a11 * (1 + lambda);
		double det = b00 * b11 - a01 * a01;
		if (!(fabs(det) > 0))
			return -ERANGE;
		double ds = (g0 * b11 - g1 * a01) / det;
		double dq = (b00 * g1 - a01 * g0) / det;
		double ns = *s + ds, nq = *q + dq, ne = sse(k, y, n, ns, nq);
		if (isfinite(ne) && ne <= e) {
			int done = e - ne <= 1e-14 * (e + 1e-300) ||
				   (fabs(ds) < 1e-12 && fabs(dq) < 1e-15);
			*s = ns;
			*q = nq;
			e = ne;
			lambda /= 10;
			if (done)
				return 0;
		} else {
			lambda *= 10;
			if (lambda > 1e12)
				return 0; /* no step improves: at the minimum */
		}
	}
	return isfinite(*s) && isfinite(*q) ? 0 : -ERANGE;
}

int mb_report_fit_usl(const double *k, const double *y, size_t n,
		      double *sigma, double *kappa)
{
	size_t distinct, above1;
	count_k(k, n, &distinct, &above1);
	if (distinct < 3 || above1 < 2)
		return -EDOM;
	/* Linearised start (Gunther): k/S - 1 = s x + q x (x + 1), x = k - 1,
	 * a least-squares line through the origin in two unknowns. */
	double sxx = 0, sxz = 0, szz = 0, sxy = 0, szy = 0;
	for (size_t i = 0; i < n; i++) {
		double x = k[i] - 1, z = x * (x + 1), t = k[i] / y[i] - 1;
		sxx += x * x;
		sxz += x * z;
		szz += z * z;
		sxy += x * t;
		szy += z * t;
	}
	double det = sxx * szz - sxz * sxz;
	if (!(fabs(det) > 1e-12 * sxx * szz))
		return -EDOM;
	double s = (sxy * szz - szy * sxz) / det;
	double q = (szy * sxx - sxy * sxz) / det;
	if (!isfinite(s) || !isfinite(q))
		return -ERANGE;
	int ret = levenberg_marquardt(k, y, n, 2, &s, &q);
	if (ret < 0)
		return ret;
	*sigma = s;
	*kappa = q;
	return 0;
}

int mb_report_fit_amdahl(const double *k, const double *y, size_t n,
			 double *sigma)
{
	size_t distinct, above1;
	count_k(k, n, &distinct, &above1);
	if (distinct < 2 || above1 < 1)
		return -EDOM;
	double sxx = 0, sxy = 0, q = 0;
	for (size_t i = 0; i < n; i++) {
		double x = k[i] - 1;
		sxx += x * x;
		sxy += x * (k[i] / y[i] - 1);
	}
	double s = sxy / sxx;
	if (!isfinite(s))
		return -ERANGE;
	int ret = levenberg_marquardt(k, y, n, 1, &s, &q);
	if (ret < 0)
		return ret;
	*sigma = s;
	return 0;
}

/* ---- What a fit means ---------------------------------------------------- */

/* Core counts above 1 among the speedups the fits of g's (panel, mode)
 * used (the pick_cores groups with a speedup): k = 1 only fixes S(1). */
static int points_above1(const struct mb_report_summary *s,
			 const struct mb_report_group *g)
{
	int n = 0;
	for (size_t j = 0; j < s->ngroups; j++) {
		const struct mb_report_group *h = &s->groups[j];
		n += h->pick_cores && h->speedup > 0 && h->cores > 1 &&
		     !strcmp(h->panel, g->panel) && !strcmp(h->mode, g->mode);
	}
	return n;
}

static void note(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append "; " and the sentence to buf. */
static void note(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	if (o && o + 2 < len)
		o += (size_t)snprintf(buf + o, len - o, "; ");
	if (o >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

static void sigma_note(char *buf, size_t len, const char *law, double sg)
{
	if (sg < 0)
		note(buf, len, "%s sigma < 0: superlinear, or noise", law);
	else if (sg > 1)
		note(buf, len, "%s sigma > 1: slower than on one core, not a serial fraction",
		     law);
}

static void fit_note(struct mb_report_group *g, int above1)
{
	char *b = g->fit_note;
	size_t len = sizeof(g->fit_note);
	b[0] = '\0';
	g->amdahl_exact = above1 == 1 && !isnan(g->amdahl_sigma);
	g->usl_exact = above1 == 2 && !isnan(g->usl_sigma);
	if (g->amdahl_exact)
		note(b, len, "Amdahl exact: 1 core count above 1, no freedom");
	if (g->usl_exact)
		note(b, len, "USL exact: 2 core counts above 1, no freedom");
	sigma_note(b, len, "Amdahl", g->amdahl_sigma);
	sigma_note(b, len, "USL", g->usl_sigma);
	if (g->usl_kappa < 0)
		note(b, len, "USL kappa < 0: not physical, noise");
}

void mb_rep_fit_notes(struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		const struct mb_report_group *same = NULL;
		for (size_t j = 0; j < i && !same; j++)
			if (!strcmp(s->groups[j].panel, g->panel) &&
			    !strcmp(s->groups[j].mode, g->mode))
				same = &s->groups[j];
		if (same) { /* a (panel, mode) fact: computed once */
			g->amdahl_exact = same->amdahl_exact;
			g->usl_exact = same->usl_exact;
			memcpy(g->fit_note, same->fit_note, sizeof(g->fit_note));
		} else {
			fit_note(g, points_above1(s, g));
		}
	}
}
