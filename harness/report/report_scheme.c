/* The scaling scheme of one (panel, mode), for the picks (report_pick.c):
 * scale_conc: the concurrency whose groups cover the most core counts
 * (NAN: concurrency = cores, which wins ties; then the higher one), the
 * coverage counted, as it always was, as the runs of equal core counts in
 * summary order among the members whose core count has a group at that
 * concurrency. conc_cores: the core count with the most distinct
 * concurrencies (each NAN one of its own; then the most cores).
 * Cost: O(pairs x blocks x log), pairs being the distinct (cores,
 * concurrency) of the members and blocks their backend/policy runs. */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>

static int cmp_size(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

static int cmp_kc(const void *pa, const void *pb)
{
	const struct mb_rep_kc *a = pa, *b = pb;
	int d = mb_rep_num_cmp(a->k, b->k);
	return d ? d : mb_rep_num_cmp(a->c, b->c);
}

static int cmp_ck(const void *pa, const void *pb)
{
	const struct mb_rep_kc *a = pa, *b = pb;
	int d = mb_rep_num_cmp(a->c, b->c);
	return d ? d : mb_rep_num_cmp(a->k, b->k);
}

static int cmp_dbl(const void *a, const void *b)
{
	return mb_rep_num_cmp(*(const double *)a, *(const double *)b);
}

static int cmp_size_p(const void *a, const void *b)
{
	return cmp_size(*(const size_t *)a, *(const size_t *)b);
}

/* Index of the first element of v[0..n) (size sz, sorted by cmp) not
 * below key. */
static size_t lower(const void *v, size_t n, size_t sz, const void *key,
		    int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp((const char *)v + mid * sz, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Positions of core count k in seq into s->tmp from t on; the new end. */
static size_t add_positions(const struct mb_rep_scheme *s, double k, size_t t)
{
	struct mb_rep_kc key = {k, -INFINITY};
	size_t i = lower(s->pos, s->m, sizeof(*s->pos), &key, cmp_kc);
	for (; i < s->m && s->pos[i].k == k; i++)
		s->tmp[t++] = (size_t)s->pos[i].c;
	return t;
}

/* Runs of equal core counts in seq among the core counts k with a group
 * at concurrency c (c NAN: at concurrency k). */
static int coverage(const struct mb_rep_scheme *s, double c)
{
	size_t t = 0, i = 0;
	if (!isnan(c)) {
		struct mb_rep_kc key = {-INFINITY, c};
		i = lower(s->pairs, s->npairs, sizeof(*s->pairs), &key, cmp_ck);
	}
	for (; i < s->npairs; i++) {
		const struct mb_rep_kc *p = &s->pairs[i];
		if (!isnan(c) && p->c != c)
			break;
		if (!isnan(c) || p->c == p->k)
			t = add_positions(s, p->k, t);
	}
	qsort(s->tmp, t, sizeof(*s->tmp), cmp_size_p);
	int runs = 0;
	for (size_t j = 0; j < t; j++)
		runs += j == 0 || s->seq[s->tmp[j]] != s->seq[s->tmp[j - 1]];
	return runs;
}

/* seq, pos, pairs, kcs and nck of the members g[0..n). */
static void scheme_index(struct mb_rep_scheme *s)
{
	s->m = s->npairs = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct mb_report_group *h = s->g[i];
		s->kcs[i] = (struct mb_rep_kc){h->cores, h->concurrency};
		if (isnan(h->cores))
			continue;
		if (!s->m || s->seq[s->m - 1] != h->cores) {
			s->pos[s->m] = (struct mb_rep_kc){h->cores, (double)s->m};
			s->seq[s->m++] = h->cores;
		}
		if (!isnan(h->concurrency))
			s->pairs[s->npairs++] = s->kcs[i];
	}
	qsort(s->pos, s->m, sizeof(*s->pos), cmp_kc);
	qsort(s->kcs, s->n, sizeof(*s->kcs), cmp_kc);
	qsort(s->pairs, s->npairs, sizeof(*s->pairs), cmp_ck);
	size_t u = 0;
	for (size_t i = 0; i < s->npairs; i++)
		if (!u || cmp_ck(&s->pairs[u - 1], &s->pairs[i]))
			s->pairs[u++] = s->pairs[i];
	s->npairs = u;
	for (size_t i = 0, j; i < s->n; i = j) {
		int nc = 0;
		for (j = i; j < s->n && mb_rep_num_eq(s->kcs[i].k, s->kcs[j].k); j++)
			nc += isnan(s->kcs[j].c) || j == i ||
			      s->kcs[j - 1].c != s->kcs[j].c;
		for (size_t t = i; t < j; t++)
			s->nck[t] = isnan(s->kcs[i].k) ? 0 : nc;
	}
}

/* The coverage of every distinct concurrency of the members. */
static void scheme_coverage(struct mb_rep_scheme *s)
{
	s->ndc = 0;
	for (size_t i = 0; i < s->n; i++)
		s->dc[s->ndc++] = s->g[i]->concurrency;
	qsort(s->dc, s->ndc, sizeof(*s->dc), cmp_dbl);
	size_t u = 0;
	for (size_t i = 0; i < s->ndc; i++)
		if (!u || !mb_rep_num_eq(s->dc[u - 1], s->dc[i]))
			s->dc[u++] = s->dc[i];
	s->ndc = u;
	for (size_t i = 0; i < s->ndc; i++)
		s->dcov[i] = coverage(s, s->dc[i]);
}

/* scale_conc and conc_cores of the members, applied to each in summary
 * order by the rules above (report_int.h). */
void mb_rep_scheme(struct mb_rep_scheme *s, double *scale, double *cc)
{
	scheme_index(s);
	scheme_coverage(s);
	int best = coverage(s, NAN), nbest = -1;
	*scale = NAN;
	*cc = NAN;
	for (size_t i = 0; i < s->n; i++) {
		const struct mb_report_group *h = s->g[i];
		size_t d = lower(s->dc, s->ndc, sizeof(*s->dc), &h->concurrency,
				 cmp_dbl);
		int cov = s->dcov[d];
		if (cov > best || (cov == best && !isnan(*scale) &&
				   h->concurrency > *scale)) {
			best = cov;
			*scale = h->concurrency;
		}
		/* (cores, NAN) sorts first among the member's core count */
		struct mb_rep_kc key = {h->cores, NAN};
		size_t k = lower(s->kcs, s->n, sizeof(*s->kcs), &key, cmp_kc);
		int nc = s->nck[k];
		if (nc > nbest || (nc == nbest && h->cores > *cc)) {
			nbest = nc;
			*cc = h->cores;
		}
	}
}

void mb_rep_scheme_free(struct mb_rep_scheme *s)
{
	free(s->g);
	free(s->seq);
	free(s->pos);
	free(s->pairs);
	free(s->kcs);
	free(s->nck);
	free(s->dc);
	free(s->dcov);
	free(s->tmp);
}

int mb_rep_scheme_alloc(struct mb_rep_scheme *s, size_t n)
{
	n++;
	s->g = malloc(n * sizeof(*s->g));
	s->seq = malloc(n * sizeof(*s->seq));
	s->pos = malloc(n * sizeof(*s->pos));
	s->pairs = malloc(n * sizeof(*s->pairs));
	s->kcs = malloc(n * sizeof(*s->kcs));
	s->nck = malloc(n * sizeof(*s->nck));
	s->dc = malloc(n * sizeof(*s->dc));
	s->dcov = malloc(n * sizeof(*s->dcov));
	s->tmp = malloc(n * sizeof(*s->tmp));
	if (s->g && s->seq && s->pos && s->pairs && s->kcs && s->nck && s->dc &&
	    s->dcov && s->tmp)
		return 0;
	mb_rep_scheme_free(s);
	return -ENOMEM;
}

