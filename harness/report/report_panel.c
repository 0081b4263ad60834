/* Panels and picks: what each chart draws.
 *
 * A panel is one chart's worth of groups: (host, workload, recipe,
 * io_fraction, gil_us, rate). Inside a panel a mode can have several groups
 * at one x (backends, policies, concurrencies); a chart draws one point per
 * mode and x, the group "picked" by these rules:
 *   pick_cores  per (panel, mode, cores): the group at the mode's scaling
 *               concurrency (scale_conc), then the highest median
 *               throughput. scale_conc is "concurrency = cores" (the run command's
 *               default) or the one fixed concurrency, whichever covers
 *               more core counts, so a curve never mixes schemes;
 *   pick_conc   per (panel, mode, concurrency), only at conc_cores, the core
 *               count with the most concurrencies (then the most cores):
 *               highest throughput;
 *   pick_cpu    per (panel, mode): most cores, then throughput;
 *   pick_iof    per (iopanel, io_fraction, mode): highest throughput;
 *   pick_host   per (hpanel, host, mode): highest throughput.
 * lpanel (panel less rate) is the unit of the load chart, where the
 * open-loop rate is the x axis; it draws the pick_cpu group of each rate.
 * Ties go to the first group in summary order. Every group stays in the
 * tables; picks only decide what is drawn. Cost: O(groups^2), fine for the
 * thousands of configurations a sweep has. */
#include "report_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*same_fn)(const struct mb_report_group *,
		       const struct mb_report_group *);
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

static int same_mode(const struct mb_report_group *a,
		     const struct mb_report_group *b)
{
	return strcmp(a->mode, b->mode) == 0;
}

static int c_cores(const struct mb_report_group *a,
		   const struct mb_report_group *b)
{
	return !strcmp(a->panel, b->panel) && same_mode(a, b) &&
	       mb_rep_num_eq(a->cores, b->cores);
}

static int c_conc(const struct mb_report_group *a,
		  const struct mb_report_group *b)
{
	return !strcmp(a->panel, b->panel) && same_mode(a, b) &&
	       mb_rep_num_eq(a->concurrency, b->concurrency);
}

static int c_cpu(const struct mb_report_group *a,
		 const struct mb_report_group *b)
{
	return !strcmp(a->panel, b->panel) && same_mode(a, b);
}

static int c_iof(const struct mb_report_group *a,
		 const struct mb_report_group *b)
{
	return !strcmp(a->iopanel, b->iopanel) && same_mode(a, b) &&
	       mb_rep_num_eq(a->io_fraction, b->io_fraction);
}

static int c_host(const struct mb_report_group *a,
		  const struct mb_report_group *b)
{
	return !strcmp(a->hpanel, b->hpanel) && same_mode(a, b) &&
	       mb_rep_str_eq(a->host, b->host);
}

static void mark(struct mb_report_summary *s, same_fn same, better_fn better,
		 size_t field)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		int pick = 1;
		for (size_t j = 0; j < s->ngroups && pick; j++) {
			const struct mb_report_group *h = &s->groups[j];
			if (j == i || !same(g, h))
				continue;
			int d = better(h, g);
			if (d > 0 || (d == 0 && j < i))
				pick = 0;
		}
		*(int *)((char *)g + field) = pick;
	}
}

/* File-name-safe: letters, digits and '.' kept, runs of others become one
 * '-', at most 40 characters. */
static void slug(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	for (; *src && n + 1 < len && n < 40; src++) {
		char c = *src;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.';
		if (keep)
			dst[n++] = c;
		else if (n && dst[n - 1] != '-')
			dst[n++] = '-';
	}
	while (n && dst[n - 1] == '-')
		n--;
	if (!n && len > 1)
		dst[n++] = 'x';
	dst[n] = '\0';
}

static size_t cat(char *buf, size_t len, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append to buf at off; returns the new end (clamped at len). */
static size_t cat(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	if (off >= len)
		return off;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return off;
	return off + (size_t)n < len ? off + (size_t)n : len;
}

/* Suffix for io_fraction, GIL and open-loop rate, the slugs' tail. */
static size_t tail(char *buf, size_t len, size_t off,
		   const struct mb_report_group *g, int with_io, int with_rate)
{
	if (with_io && !isnan(g->io_fraction))
		off = cat(buf, len, off, "_io%g", g->io_fraction);
	if (!mb_rep_off(g->gil_us))
		off = cat(buf, len, off, "_gil%g", g->gil_us);
	if (with_rate && !mb_rep_off(g->rate))
		off = cat(buf, len, off, "_rate%g", g->rate);
	if (mb_rep_poisson(g))
		off = cat(buf, len, off, "_poisson");
	return off;
}

/* Recipe suffix: needed when (workload, io_fraction, gil_us, rate) has
 * several recipes across the input; the index is stable across hosts. */
static int recipe_index(const struct mb_report_summary *s,
			const struct mb_report_group *g)
{
	const char *seen[64];
	int n = 0, mine = 0;
	for (size_t i = 0; i < s->ngroups && n < 64; i++) {
		const struct mb_report_group *h = &s->groups[i];
		if (!mb_rep_str_eq(h->workload, g->workload) ||
		    !mb_rep_num_eq(h->io_fraction, g->io_fraction) ||
		    !mb_rep_num_eq(h->gil_us, g->gil_us) ||
		    !mb_rep_num_eq(h->rate, g->rate))
			continue;
		int k = 0;
		while (k < n && strcmp(seen[k], h->recipe) != 0)
			k++;
		if (k == n)
			seen[n++] = h->recipe;
	}
	/* Order recipes by name so the index does not depend on hosts. */
	for (int k = 0; k < n; k++)
		if (strcmp(seen[k], g->recipe) < 0)
			mine++;
	return n > 1 ? mine + 1 : 0;
}

/* kind: 0 panel, 1 hpanel, 2 iopanel, 3 lpanel. */
static char *make_slug(const struct mb_report_summary *s,
		       const struct mb_report_group *g, int kind)
{
	char buf[200], part[48];
	size_t off = 0;
	buf[0] = '\0';
	if (kind != 1) { /* all but hpanel start with the host */
		slug(part, sizeof(part), g->host);
		off = cat(buf, sizeof(buf), off, "%s_", part);
	}
	slug(part, sizeof(part), g->workload);
	off = cat(buf, sizeof(buf), off, "%s", part);
	int r = kind == 2 ? 0 : recipe_index(s, g);
	if (r)
		off = cat(buf, sizeof(buf), off, "_r%d", r);
	tail(buf, sizeof(buf), off, g, kind != 2, kind != 3);
	return strdup(buf);
}

/* Different keys that happen to give the same slug get "-2", "-3"... */
static int uniquify(struct mb_report_summary *s, size_t field, same_fn same)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		char **mine = (char **)((char *)&s->groups[i] + field);
		for (int n = 2;; n++) {
			size_t j = 0;
			for (; j < i; j++) {
				char *other = *(char **)((char *)&s->groups[j] + field);
				if (!strcmp(other, *mine) &&
				    !same(&s->groups[i], &s->groups[j]))
					break;
			}
			if (j == i)
				break;
			char *u;
			if (asprintf(&u, "%s-%d", *mine, n) < 0)
				return -ENOMEM;
			free(*mine);
			*mine = u;
		}
	}
	return 0;
}

static int key_hpanel(const struct mb_report_group *a,
		      const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->workload, b->workload) &&
	       mb_rep_str_eq(a->recipe, b->recipe) &&
	       mb_rep_num_eq(a->io_fraction, b->io_fraction) &&
	       mb_rep_num_eq(a->gil_us, b->gil_us) &&
	       mb_rep_num_eq(a->rate, b->rate) && mb_rep_same_arrivals(a, b);
}

/* lpanel: panel less rate, the unit of the load chart; Poisson arrivals
 * are a load chart of their own. */
static int key_lpanel(const struct mb_report_group *a,
			     const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->host, b->host) &&
	       mb_rep_str_eq(a->workload, b->workload) &&
	       mb_rep_str_eq(a->recipe, b->recipe) &&
	       mb_rep_num_eq(a->io_fraction, b->io_fraction) &&
	       mb_rep_num_eq(a->gil_us, b->gil_us) &&
	       mb_rep_poisson(a) == mb_rep_poisson(b);
}

static int key_iopanel(const struct mb_report_group *a,
		       const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->host, b->host) &&
	       mb_rep_str_eq(a->workload, b->workload) &&
	       mb_rep_num_eq(a->gil_us, b->gil_us) &&
	       mb_rep_num_eq(a->rate, b->rate) && mb_rep_same_arrivals(a, b);
}

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

/* Per-panel facts and normalisations. */
static void panel_facts(struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		double best = NAN, ref = NAN;
		int iofs = 0, hosts = 0;
		const char *prev_host = NULL;
		g->wait_bound = wait_bound(g);
		g->ref_host = NULL;
		for (size_t j = 0; j < s->ngroups; j++) {
			const struct mb_report_group *h = &s->groups[j];
			if (!strcmp(h->iopanel, g->iopanel) &&
			    mb_rep_num_eq(h->io_fraction, g->io_fraction) &&
			    !(h->tp.median <= best))
				best = h->tp.median;
			if (!strcmp(h->hpanel, g->hpanel)) {
				/* groups are sorted by host: the first is
				 * the reference */
				if (!g->ref_host)
					g->ref_host = h->host;
				if (!prev_host || strcmp(prev_host, h->host))
					hosts++;
				prev_host = h->host;
				if (mb_rep_str_eq(h->host, g->ref_host) &&
				    same_mode(h, g) && !(h->tp.median <= ref))
					ref = h->tp.median;
			}
			if (!strcmp(h->iopanel, g->iopanel) &&
			    !isnan(h->io_fraction) &&
			    !mb_rep_num_eq(h->io_fraction, g->io_fraction))
				iofs = 1;
			if (!strcmp(h->panel, g->panel) && h->pick_conc &&
			    same_mode(h, g) && h != g &&
			    !mb_rep_num_eq(h->concurrency, g->concurrency) &&
			    g->pick_conc)
				g->conc_sweep = 1;
		}
		g->norm_best = g->tp.median / best;
		g->norm_host = g->tp.median / ref;
		g->n_hosts = hosts;
		g->iof_sweep = iofs && !isnan(g->io_fraction);
	}
	/* conc_sweep is a panel fact: spread it over the panel. */
	for (size_t i = 0; i < s->ngroups; i++)
		for (size_t j = 0; j < s->ngroups; j++)
			if (s->groups[j].conc_sweep &&
			    !strcmp(s->groups[i].panel, s->groups[j].panel))
				s->groups[i].conc_sweep = 1;
}

/* USL and Amdahl over the pick_cores speedups of each (panel, mode),
 * each speedup divided by the mode's own 1-core speedup: the laws model a
 * mode against itself at k = 1 (X(k) = X(1) C(k)), and a wait-bound mode
 * already beats sync at one core. */
static int fits(struct mb_report_summary *s)
{
	double *k = malloc((s->ngroups + 1) * sizeof(*k));
	double *y = malloc((s->ngroups + 1) * sizeof(*y));
	if (!k || !y) {
		free(k);
		free(y);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		size_t n = 0;
		double base = 1;
		for (size_t j = 0; j < s->ngroups; j++) {
			const struct mb_report_group *h = &s->groups[j];
			if (h->pick_cores && c_cpu(g, h) && h->speedup > 0 &&
			    h->cores > 0) {
				k[n] = h->cores;
				y[n++] = h->speedup;
				if (h->cores == 1)
					base = h->speedup;
			}
		}
		g->fit_points = (int)n;
		if (!n)
			continue;
		g->usl_base = base;
		for (size_t j = 0; j < n; j++)
			y[j] /= base;
		double sg, kp;
		if (mb_report_fit_usl(k, y, n, &sg, &kp) == 0) {
			g->usl_sigma = sg;
			g->usl_kappa = kp;
		}
		if (mb_report_fit_amdahl(k, y, n, &sg) == 0)
			g->amdahl_sigma = sg;
	}
	free(k);
	free(y);
	return 0;
}

/* Does (panel, mode) of g have a group at cores k with concurrency c?
 * c NAN means c = k. */
static int has_at(const struct mb_report_summary *s,
		  const struct mb_report_group *g, double k, double c)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *h = &s->groups[i];
		if (c_cpu(g, h) && h->cores == k &&
		    h->concurrency == (isnan(c) ? k : c))
			return 1;
	}
	return 0;
}

/* Count the distinct core counts of g's (panel, mode) at which some group
 * has concurrency c (NAN: c = cores); groups are sorted by cores within
 * (panel, mode), so equal cores are adjacent. */
static int coverage(const struct mb_report_summary *s,
		    const struct mb_report_group *g, double c)
{
	int n = 0;
	double last = NAN;
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *h = &s->groups[i];
		if (!c_cpu(g, h) || h->cores == last)
			continue;
		if (has_at(s, g, h->cores, c)) {
			n++;
			last = h->cores;
		}
	}
	return n;
}

/* scale_conc and conc_cores of every (panel, mode); O(groups^3) worst
 * case, O(groups x mode size^2) in practice. */
static void schemes(struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		int best = coverage(s, g, NAN), nbest = -1;
		g->scale_conc = NAN;
		g->conc_cores = NAN;
		for (size_t j = 0; j < s->ngroups; j++) {
			const struct mb_report_group *h = &s->groups[j];
			if (!c_cpu(g, h))
				continue;
			int cov = coverage(s, g, h->concurrency);
			if (cov > best || (cov == best && !isnan(g->scale_conc) &&
					   h->concurrency > g->scale_conc)) {
				best = cov;
				g->scale_conc = h->concurrency;
			}
			/* distinct concurrencies at h->cores */
			int nc = 0;
			for (size_t k = 0; k < s->ngroups; k++) {
				const struct mb_report_group *u = &s->groups[k];
				if (!c_cpu(g, u) || u->cores != h->cores)
					continue;
				int dup = 0;
				for (size_t m = 0; m < k && !dup; m++)
					dup = c_cpu(g, &s->groups[m]) &&
					      s->groups[m].cores == h->cores &&
					      s->groups[m].concurrency == u->concurrency;
				nc += !dup;
			}
			if (nc > nbest || (nc == nbest && h->cores > g->conc_cores)) {
				nbest = nc;
				g->conc_cores = h->cores;
			}
		}
	}
}

int mb_rep_panels(struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		g->panel = make_slug(s, g, 0);
		g->hpanel = make_slug(s, g, 1);
		g->iopanel = make_slug(s, g, 2);
		g->lpanel = make_slug(s, g, 3);
		if (!g->panel || !g->hpanel || !g->iopanel || !g->lpanel)
			return -ENOMEM;
	}
	if (uniquify(s, offsetof(struct mb_report_group, panel),
		     mb_rep_same_panel_key) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, hpanel), key_hpanel) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, iopanel), key_iopanel) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, lpanel),
		     key_lpanel) < 0)
		return -ENOMEM;
	schemes(s);
	mark(s, c_cores, by_scheme_tp,
	     offsetof(struct mb_report_group, pick_cores));
	mark(s, c_conc, by_conc_cores_tp,
	     offsetof(struct mb_report_group, pick_conc));
	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i].cores != s->groups[i].conc_cores)
			s->groups[i].pick_conc = 0;
	mark(s, c_cpu, by_cores_tp, offsetof(struct mb_report_group, pick_cpu));
	mark(s, c_iof, by_tp, offsetof(struct mb_report_group, pick_iof));
	mark(s, c_host, by_tp, offsetof(struct mb_report_group, pick_host));
	panel_facts(s);
	return fits(s);
}
