/* Panels and picks: what each chart draws.
 *
 * A panel is one chart's worth of groups: (host, workload, recipe,
 * io_fraction, gil_us, rate, arrivals, runtime, and the variants
 * mem_policy and smt, which every unit keeps apart): C and Python runs
 * are never drawn as one curve. Inside a panel a mode can have several
 * groups at one x (backends, policies, concurrencies); a chart draws one point per
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
 * tables; picks only decide what is drawn. This file makes the panels'
 * file-name slugs; report_pick.c applies the rules. Cost: O(groups log
 * groups) for the sorts, and a hash lookup per slug made unique. */
#include "report_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Suffix for io_fraction, GIL, open-loop rate, the Python runtime and
 * the variants (a non-default --mem-policy, --smt), the slugs' tail. */
static size_t tail(char *buf, size_t len, size_t off,
		   const struct mb_report_group *g, int with_io, int with_rate, int with_mem)
{
	const char *mp = mb_rep_mempol_key(g->mem_policy);
	char part[48];
	if (with_io && !isnan(g->io_fraction))
		off = cat(buf, len, off, "_io%g", g->io_fraction);
	if (!mb_rep_off(g->gil_us))
		off = cat(buf, len, off, "_gil%g", g->gil_us);
	if (with_rate && !mb_rep_off(g->rate))
		off = cat(buf, len, off, "_rate%g", g->rate);
	if (mb_rep_poisson(g))
		off = cat(buf, len, off, "_poisson");
	if (mb_rep_python(g))
		off = cat(buf, len, off, "_py");
	if (*mp && with_mem) {
		slug(part, sizeof(part), mp);
		off = cat(buf, len, off, "_mem-%s", part);
	}
	if (g->smt)
		off = cat(buf, len, off, "_smt");
	if (g->nodes > 1)
		off = cat(buf, len, off, "_nodes%g", g->nodes);
	return off;
}

typedef int (*key_fn)(const struct mb_report_group *,
		      const struct mb_report_group *);

static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* The variants every unit keeps apart: mem_policy, smt, nodes. */
static int k_variant(const struct mb_report_group *a, const struct mb_report_group *b)
{
	int d = strcmp(mb_rep_mempol_key(a->mem_policy), mb_rep_mempol_key(b->mem_policy));
	if (!d)
		d = mb_rep_num_cmp(a->smt, b->smt);
	return d ? d : mb_rep_num_cmp(a->nodes, b->nodes);
}


/* The keys of the slugs, as orders: equal under one is the same panel
 * (hpanel, iopanel, lpanel). */
static int k_recipes(const struct mb_report_group *a,
		     const struct mb_report_group *b)
{
	int d = str_cmp(a->workload, b->workload);
	if (!d)
		d = mb_rep_num_cmp(a->io_fraction, b->io_fraction);
	if (!d)
		d = mb_rep_num_cmp(a->gil_us, b->gil_us);
	if (!d)
		d = str_cmp(a->runtime, b->runtime);
	return d ? d : mb_rep_num_cmp(a->rate, b->rate);
}

static int k_hpanel(const struct mb_report_group *a,
		    const struct mb_report_group *b)
{
	int d = k_recipes(a, b);
	if (!d)
		d = str_cmp(a->recipe, b->recipe);
	if (!d)
		d = k_variant(a, b);
	return d ? d : str_cmp(a->arrivals, b->arrivals);
}

static int k_panel(const struct mb_report_group *a,
		   const struct mb_report_group *b)
{
	int d = str_cmp(a->host, b->host);
	return d ? d : k_hpanel(a, b);
}

/* lpanel: panel less rate, the unit of the load chart; Poisson arrivals
 * are a load chart of their own. */
static int k_lpanel(const struct mb_report_group *a,
		    const struct mb_report_group *b)
{
	int d = str_cmp(a->host, b->host);
	if (!d)
		d = str_cmp(a->workload, b->workload);
	if (!d)
		d = str_cmp(a->recipe, b->recipe);
	if (!d)
		d = mb_rep_num_cmp(a->io_fraction, b->io_fraction);
	if (!d)
		d = mb_rep_num_cmp(a->gil_us, b->gil_us);
	if (!d)
		d = str_cmp(a->runtime, b->runtime);
	if (!d)
		d = k_variant(a, b);
	return d ? d : mb_rep_poisson(a) - mb_rep_poisson(b);
}

/* mpanel: panel less mem_policy, the NUMA chart's unit. */
static int k_mpanel(const struct mb_report_group *a, const struct mb_report_group *b)
{
	int d = str_cmp(a->host, b->host);
	if (!d)
		d = k_recipes(a, b);
	if (!d)
		d = str_cmp(a->recipe, b->recipe);
	if (!d)
		d = mb_rep_num_cmp(a->smt, b->smt);
	if (!d)
		d = mb_rep_num_cmp(a->nodes, b->nodes);
	return d ? d : str_cmp(a->arrivals, b->arrivals);
}

static int k_iopanel(const struct mb_report_group *a,
		     const struct mb_report_group *b)
{
	int d = str_cmp(a->host, b->host);
	if (!d)
		d = str_cmp(a->workload, b->workload);
	if (!d)
		d = mb_rep_num_cmp(a->gil_us, b->gil_us);
	if (!d)
		d = str_cmp(a->runtime, b->runtime);
	if (!d)
		d = mb_rep_num_cmp(a->rate, b->rate);
	if (!d)
		d = k_variant(a, b);
	return d ? d : str_cmp(a->arrivals, b->arrivals);
}

struct sort_ctx {
	const struct mb_report_summary *s;
	key_fn key;
};

static int by_key_index(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int d = c->key(&c->s->groups[a], &c->s->groups[b]);
	return d ? d : (a > b) - (a < b);
}

/* idx[0..ngroups): the groups sorted by key, then summary order; cls[i]:
 * the class of group i (equal keys). Returns 0. */
static int sort_by(const struct mb_report_summary *s, key_fn key, size_t *idx,
		   size_t *cls)
{
	struct sort_ctx c = {s, key};
	for (size_t i = 0; i < s->ngroups; i++)
		idx[i] = i;
	qsort_r(idx, s->ngroups, sizeof(*idx), by_key_index, &c);
	size_t k = 0;
	for (size_t i = 0; i < s->ngroups; i++) {
		if (i && key(&s->groups[idx[i - 1]], &s->groups[idx[i]]))
			k++;
		cls[idx[i]] = k;
	}
	return 0;
}

/* Recipe suffix of every group: needed when (workload, io_fraction,
 * gil_us, rate) has several recipes across the input (the first 64
 * distinct ones in summary order count); the index is the recipe's rank
 * by name among them, stable across hosts. 0: no suffix. */
static void recipe_indexes(const struct mb_report_summary *s, const size_t *idx,
			   int *rindex)
{
	for (size_t i = 0, j; i < s->ngroups; i = j) {
		const char *seen[64];
		int n = 0;
		for (j = i; j < s->ngroups &&
			    !k_recipes(&s->groups[idx[i]], &s->groups[idx[j]]); j++) {
			const char *r = s->groups[idx[j]].recipe;
			int k = 0;
			while (k < n && strcmp(seen[k], r) != 0)
				k++;
			if (k == n && n < 64)
				seen[n++] = r;
		}
		for (size_t t = i; t < j; t++) {
			int mine = 0;
			for (int k = 0; k < n; k++)
				mine += strcmp(seen[k], s->groups[idx[t]].recipe) < 0;
			rindex[idx[t]] = n > 1 ? mine + 1 : 0;
		}
	}
}

/* kind: 0 panel, 1 hpanel, 2 iopanel, 3 lpanel, 4 mpanel; r the recipe
 * suffix. */
static char *make_slug(const struct mb_report_group *g, int kind, int r)
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
	if (kind != 2 && r)
		off = cat(buf, sizeof(buf), off, "_r%d", r);
	tail(buf, sizeof(buf), off, g, kind != 2, kind != 3, kind != 4);
	return strdup(buf);
}

/* Different keys that happen to give the same slug get "-2", then
 * "-2-3"...: in summary order, a group's slug changes while an earlier
 * group of another key holds it. map: slug -> key class of its holder. */
static int uniquify(struct mb_report_summary *s, size_t field, key_fn key,
		    size_t *idx, size_t *cls)
{
	struct mb_rep_map *map = NULL;
	int ret = sort_by(s, key, idx, cls);
	for (size_t i = 0; i < s->ngroups && ret == 0; i++) {
		char **mine = (char **)((char *)&s->groups[i] + field);
		size_t holder;
		for (int n = 2; mb_rep_map_get(map, *mine, &holder) &&
				holder != cls[i]; n++) {
			char *u;
			if (asprintf(&u, "%s-%d", *mine, n) < 0) {
				ret = -ENOMEM;
				break;
			}
			free(*mine);
			*mine = u;
		}
		if (ret == 0)
			ret = mb_rep_map_put(&map, *mine, cls[i]);
	}
	mb_rep_map_free(map);
	return ret;
}

int mb_rep_panels(struct mb_report_summary *s)
{
	size_t n = s->ngroups + 1;
	size_t *idx = malloc(n * sizeof(*idx)), *cls = malloc(n * sizeof(*cls));
	int *rindex = malloc(n * sizeof(*rindex));
	int ret = -ENOMEM;
	if (!idx || !cls || !rindex)
		goto out;
	sort_by(s, k_recipes, idx, cls);
	recipe_indexes(s, idx, rindex);
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		g->panel = make_slug(g, 0, rindex[i]);
		g->hpanel = make_slug(g, 1, rindex[i]);
		g->iopanel = make_slug(g, 2, 0);
		g->lpanel = make_slug(g, 3, rindex[i]);
		g->mpanel = make_slug(g, 4, rindex[i]);
		if (!g->panel || !g->hpanel || !g->iopanel || !g->lpanel || !g->mpanel)
			goto out;
	}
	if (uniquify(s, offsetof(struct mb_report_group, panel), k_panel, idx, cls) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, hpanel), k_hpanel, idx, cls) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, iopanel), k_iopanel, idx, cls) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, lpanel), k_lpanel, idx, cls) < 0 ||
	    uniquify(s, offsetof(struct mb_report_group, mpanel), k_mpanel, idx, cls) < 0)
		goto out;
	ret = mb_rep_picks(s);
out:
	free(idx);
	free(cls);
	free(rindex);
	return ret;
}
