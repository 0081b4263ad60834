/* Picks, panel facts and fits: what each chart draws (the rules are in
 * report_panel.c's header comment), computed once the panel slugs are
 * unique.
 *
 * Every rule is "per class of groups equal under some key": (panel, mode),
 * (panel, mode, cores), (iopanel, io_fraction, mode)... Each key is
 * classified once by sorting the group indices (O(G log G)), and every
 * rule is then one pass over the groups in summary order with one
 * accumulator per class, so ties still go to the first group in summary
 * order. The scaling scheme of each (panel, mode) is report_scheme.c's.
 * Whole report: O(G log G). */
#include "report_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define NONE SIZE_MAX

/* Per group, the class it belongs to under each key. */
struct ids {
	const struct mb_report_summary *s;
	size_t *panel, *hpanel, *iopanel, *mode; /* slug or name classes */
	size_t *cpu;                             /* (panel, mode) */
	size_t ncpu;
};

typedef int (*key_cmp)(const struct ids *x, size_t a, size_t b);

#define G(i) (&x->s->groups[i])

static int cmp_size(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

static int k_panel(const struct ids *x, size_t a, size_t b)
{
	return strcmp(G(a)->panel, G(b)->panel);
}

static int k_hpanel(const struct ids *x, size_t a, size_t b)
{
	return strcmp(G(a)->hpanel, G(b)->hpanel);
}

static int k_iopanel(const struct ids *x, size_t a, size_t b)
{
	return strcmp(G(a)->iopanel, G(b)->iopanel);
}

static int k_mode(const struct ids *x, size_t a, size_t b)
{
	return strcmp(G(a)->mode, G(b)->mode);
}

static int k_cpu(const struct ids *x, size_t a, size_t b)
{
	int d = cmp_size(x->panel[a], x->panel[b]);
	return d ? d : cmp_size(x->mode[a], x->mode[b]);
}

static int k_cores(const struct ids *x, size_t a, size_t b)
{
	int d = cmp_size(x->cpu[a], x->cpu[b]);
	return d ? d : mb_rep_num_cmp(G(a)->cores, G(b)->cores);
}

static int k_conc(const struct ids *x, size_t a, size_t b)
{
	int d = cmp_size(x->cpu[a], x->cpu[b]);
	return d ? d : mb_rep_num_cmp(G(a)->concurrency, G(b)->concurrency);
}

static int k_io(const struct ids *x, size_t a, size_t b)
{
	int d = cmp_size(x->iopanel[a], x->iopanel[b]);
	return d ? d : mb_rep_num_cmp(G(a)->io_fraction, G(b)->io_fraction);
}

static int k_iof(const struct ids *x, size_t a, size_t b)
{
	int d = k_io(x, a, b);
	return d ? d : cmp_size(x->mode[a], x->mode[b]);
}

static int k_hmode(const struct ids *x, size_t a, size_t b)
{
	int d = cmp_size(x->hpanel[a], x->hpanel[b]);
	return d ? d : cmp_size(x->mode[a], x->mode[b]);
}

static int k_host(const struct ids *x, size_t a, size_t b)
{
	int d = k_hmode(x, a, b);
	const char *ha = G(a)->host, *hb = G(b)->host;
	return d ? d : strcmp(ha ? ha : "", hb ? hb : "");
}

struct sort_ctx {
	const struct ids *x;
	key_cmp cmp;
};

static int by_key_index(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int d = c->cmp(c->x, a, b);
	return d ? d : cmp_size(a, b);
}

/* out[i] = the class of group i under cmp (numbered in key order).
 * Returns the number of classes, or -ENOMEM. */
static long classify(const struct ids *x, key_cmp cmp, size_t *out)
{
	size_t n = x->s->ngroups;
	size_t *idx = malloc((n + 1) * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	struct sort_ctx c = {x, cmp};
	qsort_r(idx, n, sizeof(*idx), by_key_index, &c);
	long k = -1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || cmp(x, idx[i - 1], idx[i]) != 0)
			k++;
		out[idx[i]] = (size_t)k;
	}
	free(idx);
	return k + 1;
}

/* ---- picks ------------------------------------------------------------ */

/* > 0 when a should be drawn instead of b. */
typedef int (*better_fn)(const struct mb_report_group *,
			 const struct mb_report_group *);

static int by_tp(const struct mb_report_group *a,
		 const struct mb_report_group *b)
{
	return mb_rep_num_cmp(a->tp.median, b->tp.median);
}

static int by_cores_tp(const struct mb_report_group *a,
		       const struct mb_report_group *b)
{
	int d = mb_rep_num_cmp(a->cores, b->cores);
	return d ? d : by_tp(a, b);
}

static int on_scheme(const struct mb_report_group *g)
{
	return isnan(g->scale_conc) ? g->concurrency == g->cores :
				      g->concurrency == g->scale_conc;
}

static int by_scheme_tp(const struct mb_report_group *a,
			const struct mb_report_group *b)
{
	int d = on_scheme(a) - on_scheme(b);
	return d ? d : by_tp(a, b);
}

static int by_conc_cores_tp(const struct mb_report_group *a,
			    const struct mb_report_group *b)
{
	int d = (a->cores == a->conc_cores) - (b->cores == b->conc_cores);
	return d ? d : by_tp(a, b);
}

/* Sets the int at field of every group: 1 for the first group in summary
 * order that no group of its class (under key) beats. -ENOMEM. */
static int mark(struct ids *x, key_cmp key, better_fn better, size_t field)
{
	struct mb_report_summary *s = (struct mb_report_summary *)x->s;
	size_t n = s->ngroups;
	size_t *cls = malloc((n + 1) * sizeof(*cls));
	size_t *best = malloc((n + 1) * sizeof(*best));
	long ncls = cls && best ? classify(x, key, cls) : -ENOMEM;
	if (ncls < 0) {
		free(cls);
		free(best);
		return -ENOMEM;
	}
	for (long k = 0; k < ncls; k++)
		best[k] = NONE;
	for (size_t i = 0; i < n; i++) {
		size_t *b = &best[cls[i]];
		if (*b == NONE || better(&s->groups[i], &s->groups[*b]) > 0)
			*b = i;
	}
	for (size_t i = 0; i < n; i++)
		*(int *)((char *)&s->groups[i] + field) = best[cls[i]] == i;
	free(cls);
	free(best);
	return 0;
}

/* The members of each (panel, mode), summary order: order[start[k] ..
 * start[k + 1]) for class k. */
struct members {
	size_t *order, *start;
};

static int members_of(const struct ids *x, struct members *m)
{
	size_t n = x->s->ngroups;
	m->order = malloc((n + 1) * sizeof(*m->order));
	m->start = calloc(x->ncpu + 2, sizeof(*m->start));
	if (!m->order || !m->start) {
		free(m->order);
		free(m->start);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		m->start[x->cpu[i] + 2]++;
	for (size_t k = 2; k < x->ncpu + 2; k++)
		m->start[k] += m->start[k - 1];
	for (size_t i = 0; i < n; i++)
		m->order[m->start[x->cpu[i] + 1]++] = i;
	return 0;
}

/* scale_conc and conc_cores of every (panel, mode). */
static int schemes(const struct ids *x, const struct members *m)
{
	struct mb_report_summary *s = (struct mb_report_summary *)x->s;
	struct mb_rep_scheme sc = {0};
	if (mb_rep_scheme_alloc(&sc, s->ngroups) < 0)
		return -ENOMEM;
	for (size_t k = 0; k < x->ncpu; k++) {
		sc.n = 0;
		for (size_t i = m->start[k]; i < m->start[k + 1]; i++)
			sc.g[sc.n++] = &s->groups[m->order[i]];
		double scale, cc;
		mb_rep_scheme(&sc, &scale, &cc);
		for (size_t i = m->start[k]; i < m->start[k + 1]; i++) {
			s->groups[m->order[i]].scale_conc = scale;
			s->groups[m->order[i]].conc_cores = cc;
		}
	}
	mb_rep_scheme_free(&sc);
	return 0;
}

/* ---- panel facts ------------------------------------------------------ */

static int wait_bound(const struct mb_report_group *g)
{
	static const char *const waits[] = {"sleep", "net", "file"};
	if (g->io_fraction == 0)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (strstr(g->recipe, waits[i]) || strstr(g->workload, waits[i]))
			return 1;
	return !isnan(g->io_fraction);
}

/* Accumulators of panel_facts, one per class; allocated together. */
struct facts {
	size_t *io, *hmode, nio, nhmode;
	double *best;       /* per (iopanel, io_fraction): best throughput */
	double *ref;        /* per (hpanel, mode): best on the reference host */
	const char **ref_host, **prev_host; /* per hpanel */
	int *hosts;         /* per hpanel: host changes in summary order */
	int *niof;          /* per iopanel: distinct io_fractions (numbers) */
	int *nconc;         /* per (panel, mode): pick_conc groups */
	int *conc_panel;    /* per panel: some group has conc_sweep */
};

static void facts_free(struct facts *f)
{
	free(f->io);
	free(f->hmode);
	free(f->best);
	free(f->ref);
	free(f->ref_host);
	free(f->prev_host);
	free(f->hosts);
	free(f->niof);
	free(f->nconc);
	free(f->conc_panel);
}

static int facts_alloc(const struct ids *x, struct facts *f)
{
	size_t n = x->s->ngroups + 1;
	memset(f, 0, sizeof(*f));
	f->io = malloc(n * sizeof(*f->io));
	f->hmode = malloc(n * sizeof(*f->hmode));
	long a = f->io ? classify(x, k_io, f->io) : -ENOMEM;
	long b = f->hmode ? classify(x, k_hmode, f->hmode) : -ENOMEM;
	f->best = malloc(n * sizeof(*f->best));
	f->ref = malloc(n * sizeof(*f->ref));
	f->ref_host = calloc(n, sizeof(*f->ref_host));
	f->prev_host = calloc(n, sizeof(*f->prev_host));
	f->hosts = calloc(n, sizeof(*f->hosts));
	f->niof = calloc(n, sizeof(*f->niof));
	f->nconc = calloc(n, sizeof(*f->nconc));
	f->conc_panel = calloc(n, sizeof(*f->conc_panel));
	if (a < 0 || b < 0 || !f->best || !f->ref || !f->ref_host ||
	    !f->prev_host || !f->hosts || !f->niof || !f->nconc || !f->conc_panel) {
		facts_free(f);
		return -ENOMEM;
	}
	f->nio = (size_t)a;
	f->nhmode = (size_t)b;
	for (size_t k = 0; k < n; k++)
		f->best[k] = f->ref[k] = NAN;
	return 0;
}

/* The per-class sums, in summary order as the rules read them. */
static void facts_gather(const struct ids *x, struct facts *f)
{
	const struct mb_report_summary *s = x->s;
	int *io_seen = f->nconc; /* borrowed: per (iopanel, io) class */
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *h = &s->groups[i];
		size_t hp = x->hpanel[i];
		if (!(h->tp.median <= f->best[f->io[i]]))
			f->best[f->io[i]] = h->tp.median;
		if (!f->ref_host[hp])
			f->ref_host[hp] = h->host;
		if (!f->prev_host[hp] || strcmp(f->prev_host[hp], h->host))
			f->hosts[hp]++;
		f->prev_host[hp] = h->host;
		if (!isnan(h->io_fraction) && !io_seen[f->io[i]]++)
			f->niof[x->iopanel[i]]++;
	}
	memset(f->nconc, 0, (s->ngroups + 1) * sizeof(*f->nconc));
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *h = &s->groups[i];
		if (mb_rep_str_eq(h->host, f->ref_host[x->hpanel[i]]) &&
		    !(h->tp.median <= f->ref[f->hmode[i]]))
			f->ref[f->hmode[i]] = h->tp.median;
		f->nconc[x->cpu[i]] += h->pick_conc;
	}
}

/* Per-panel facts and normalisations: the best throughput at the
 * (iopanel, io_fraction), the reference host of the hpanel (its first
 * host) and that host's best of the mode, the hosts of the hpanel, whether
 * the iopanel sweeps I/O fractions and the panel concurrencies. */
static int panel_facts(const struct ids *x)
{
	struct mb_report_summary *s = (struct mb_report_summary *)x->s;
	struct facts f;
	if (facts_alloc(x, &f) < 0)
		return -ENOMEM;
	facts_gather(x, &f);
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		g->wait_bound = wait_bound(g);
		g->ref_host = f.ref_host[x->hpanel[i]];
		g->norm_best = g->tp.median / f.best[f.io[i]];
		g->norm_host = g->tp.median / f.ref[f.hmode[i]];
		g->n_hosts = f.hosts[x->hpanel[i]];
		g->iof_sweep = f.niof[x->iopanel[i]] >= 2 && !isnan(g->io_fraction);
		/* another pick_conc group of the mode, so another concurrency */
		if (g->pick_conc && f.nconc[x->cpu[i]] >= 2)
			g->conc_sweep = 1;
		f.conc_panel[x->panel[i]] |= g->conc_sweep;
	}
	/* conc_sweep is a panel fact: spread it over the panel. */
	for (size_t i = 0; i < s->ngroups; i++)
		if (f.conc_panel[x->panel[i]])
			s->groups[i].conc_sweep = 1;
	facts_free(&f);
	return 0;
}

/* ---- fits ------------------------------------------------------------- */

/* USL and Amdahl over the pick_cores speedups of each (panel, mode),
 * each speedup divided by the mode's own 1-core speedup: the laws model a
 * mode against itself at k = 1 (X(k) = X(1) C(k)), and a wait-bound mode
 * already beats sync at one core. One fit per (panel, mode), given to
 * each of its groups. */
static int fits(const struct ids *x, const struct members *m)
{
	struct mb_report_summary *s = (struct mb_report_summary *)x->s;
	double *k = malloc((s->ngroups + 1) * sizeof(*k));
	double *y = malloc((s->ngroups + 1) * sizeof(*y));
	if (!k || !y) {
		free(k);
		free(y);
		return -ENOMEM;
	}
	for (size_t c = 0; c < x->ncpu; c++) {
		size_t n = 0;
		double base = 1, sg, kp, usl_s = NAN, usl_k = NAN, amd = NAN;
		for (size_t i = m->start[c]; i < m->start[c + 1]; i++) {
			const struct mb_report_group *h = &s->groups[m->order[i]];
			if (h->pick_cores && h->speedup > 0 && h->cores > 0) {
				k[n] = h->cores;
				y[n++] = h->speedup;
				if (h->cores == 1)
					base = h->speedup;
			}
		}
		for (size_t j = 0; j < n; j++)
			y[j] /= base;
		if (n && mb_report_fit_usl(k, y, n, &sg, &kp) == 0) {
			usl_s = sg;
			usl_k = kp;
		}
		if (n && mb_report_fit_amdahl(k, y, n, &sg) == 0)
			amd = sg;
		for (size_t i = m->start[c]; i < m->start[c + 1]; i++) {
			struct mb_report_group *g = &s->groups[m->order[i]];
			g->fit_points = (int)n;
			if (!n)
				continue;
			g->usl_base = base;
			g->usl_sigma = usl_s;
			g->usl_kappa = usl_k;
			g->amdahl_sigma = amd;
		}
	}
	free(k);
	free(y);
	return 0;
}

/* ---- all of it -------------------------------------------------------- */

static void ids_free(struct ids *x, struct members *m)
{
	free(x->panel);
	free(x->hpanel);
	free(x->iopanel);
	free(x->mode);
	free(x->cpu);
	free(m->order);
	free(m->start);
}

/* The class ids of every key the picks use. */
static int ids_make(struct ids *x, struct members *m)
{
	size_t n = x->s->ngroups + 1;
	x->panel = malloc(n * sizeof(size_t));
	x->hpanel = malloc(n * sizeof(size_t));
	x->iopanel = malloc(n * sizeof(size_t));
	x->mode = malloc(n * sizeof(size_t));
	x->cpu = malloc(n * sizeof(size_t));
	if (!x->panel || !x->hpanel || !x->iopanel || !x->mode || !x->cpu ||
	    classify(x, k_panel, x->panel) < 0 ||
	    classify(x, k_hpanel, x->hpanel) < 0 ||
	    classify(x, k_iopanel, x->iopanel) < 0 ||
	    classify(x, k_mode, x->mode) < 0)
		return -ENOMEM;
	long ncpu = classify(x, k_cpu, x->cpu);
	if (ncpu < 0)
		return -ENOMEM;
	x->ncpu = (size_t)ncpu;
	return members_of(x, m);
}

int mb_rep_picks(struct mb_report_summary *s)
{
	struct ids x = {.s = s};
	struct members m = {0};
	int ret = -ENOMEM;
	if (ids_make(&x, &m) < 0 || schemes(&x, &m) < 0 ||
	    mark(&x, k_cores, by_scheme_tp,
		 offsetof(struct mb_report_group, pick_cores)) < 0 ||
	    mark(&x, k_conc, by_conc_cores_tp,
		 offsetof(struct mb_report_group, pick_conc)) < 0)
		goto out;
	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i].cores != s->groups[i].conc_cores)
			s->groups[i].pick_conc = 0;
	if (mark(&x, k_cpu, by_cores_tp,
		 offsetof(struct mb_report_group, pick_cpu)) < 0 ||
	    mark(&x, k_iof, by_tp, offsetof(struct mb_report_group, pick_iof)) < 0 ||
	    mark(&x, k_host, by_tp, offsetof(struct mb_report_group, pick_host)) < 0 ||
	    panel_facts(&x) < 0)
		goto out;
	ret = fits(&x, &m);
out:
	ids_free(&x, &m);
	return ret;
}
