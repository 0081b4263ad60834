/* Plain-language verdicts: per (machine, workload, gil_us, rate,
 * arrivals, runtime), which mode gets the most done, by how much, at what p99
 * latency and CPU cost, and where the answer changes with cores,
 * concurrency or I/O fraction. The
 * numbers are the summary's medians; "within noise" means the 95%
 * intervals of the two medians overlap. With fewer than MB_STAT_FEW_RUNS
 * runs a configuration's interval is a range that covers its median at
 * most 87.5% of the time, so no winner is named from intervals: the
 * verdict says there are too few runs to tell. Cost: O(groups^2) per
 * unit. */
#include "report_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

char *mb_report_fmt_rate(char *buf, size_t len, double v)
{
	if (isnan(v)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	if (fabs(v) < 1000) {
		snprintf(buf, len, fabs(v) >= 100 ? "%.0f" : "%.3g", v);
		return buf;
	}
	char digits[64], out[96];
	snprintf(digits, sizeof(digits), "%.0f", fabs(v));
	size_t n = strlen(digits), o = 0;
	if (v < 0)
		out[o++] = '-';
	for (size_t i = 0; i < n && o + 2 < sizeof(out); i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
	return buf;
}

char *mb_report_fmt_us(char *buf, size_t len, double us)
{
	if (isnan(us))
		snprintf(buf, len, "n/a");
	else if (us >= 1e6)
		snprintf(buf, len, "%.3g s", us / 1e6);
	else if (us >= 1e3)
		snprintf(buf, len, "%.3g ms", us / 1e3);
	else
		snprintf(buf, len, us >= 100 ? "%.0f us" : "%.3g us", us);
	return buf;
}

static int same_unit(const struct mb_report_group *a,
		     const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->host, b->host) &&
	       mb_rep_str_eq(a->workload, b->workload) &&
	       mb_rep_num_eq(a->gil_us, b->gil_us) &&
	       mb_rep_num_eq(a->rate, b->rate) && mb_rep_same_arrivals(a, b) &&
	       mb_rep_same_runtime(a, b);
}

static int add_line(struct mb_report_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_line(struct mb_report_verdict *v, const char *fmt, ...)
{
	char **l = realloc(v->lines, (v->nlines + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	v->lines = l;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&l[v->nlines], fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	v->nlines++;
	return 0;
}

/* "at 16 cores, 64 in flight" (PUs under --smt; nothing for the 1-core
 * reference modes with one task in flight). */
static const char *where(char *buf, size_t len, const struct mb_report_group *g)
{
	size_t o = 0;
	buf[0] = '\0';
	int m = mb_mode_name_index(g->mode);
	if (!isnan(g->cores) &&
	    !(g->cores == 1 && (m == MB_MODE_NAME_SYNC || m == MB_MODE_NAME_ASYNC)))
		o += (size_t)snprintf(buf, len, " on %g %s%s", g->cores, g->smt ? "PU" : "core",
				      g->cores == 1 ? "" : "s");
	if (!isnan(g->concurrency) && g->concurrency != g->cores && o < len)
		snprintf(buf + o, len - o, "%s %g in flight", o ? "," : " with",
			 g->concurrency);
	return buf;
}

/* Iteration over a unit's groups that pass a filter. */
typedef int (*filter_fn)(const struct mb_report_group *g,
			 const struct mb_report_group *ref, double x);

/* The best group (highest throughput, or lowest p99 with by_p99) of the
 * unit passing f; not_mode excludes a mode, only_mode keeps one. */
static const struct mb_report_group *
best_of(const struct mb_report_verdict *v, filter_fn f,
	const struct mb_report_group *ref, double x, const char *not_mode,
	const char *only_mode, int by_p99)
{
	const struct mb_report_group *b = NULL;
	for (size_t i = 0; i < v->ngroups; i++) {
		const struct mb_report_group *g = &v->first[i];
		if (!same_unit(g, v->first) || !f(g, ref, x) ||
		    (not_mode && !strcmp(g->mode, not_mode)) ||
		    (only_mode && strcmp(g->mode, only_mode)))
			continue;
		if (by_p99 ? (!b || g->p99.median < b->p99.median)
			   : (!b || g->tp.median > b->tp.median))
			b = g;
	}
	return b;
}

static const struct mb_report_group *
best(const struct mb_report_verdict *v, filter_fn f,
     const struct mb_report_group *ref, double x, const char *not_mode,
     int by_p99)
{
	return best_of(v, f, ref, x, not_mode, NULL, by_p99);
}

static int f_panel(const struct mb_report_group *g,
		   const struct mb_report_group *ref, double x)
{
	return !strcmp(g->panel, ref->panel);
}

static int f_cores(const struct mb_report_group *g,
		   const struct mb_report_group *ref, double x)
{
	return f_panel(g, ref, x) && g->pick_cores && g->cores == x;
}

static int f_conc(const struct mb_report_group *g,
		  const struct mb_report_group *ref, double x)
{
	return f_panel(g, ref, x) && g->pick_conc && g->concurrency == x;
}

static int f_iof(const struct mb_report_group *g,
		 const struct mb_report_group *ref, double x)
{
	return mb_rep_num_eq(g->io_fraction, x);
}

/* Keeping up with an open-loop rate: at least 90% of the best throughput. */
static int f_keeps_up(const struct mb_report_group *g,
		      const struct mb_report_group *ref, double x)
{
	return f_panel(g, ref, x) && g->tp.median >= 0.9 * ref->tp.median;
}

/* Distinct values of field (offset) over the filtered groups, sorted,
 * NAN (absent) first. */
static size_t values(const struct mb_report_verdict *v, filter_fn f,
		     const struct mb_report_group *ref, size_t off,
		     double *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < v->ngroups; i++) {
		const struct mb_report_group *g = &v->first[i];
		if (!same_unit(g, v->first) || !f(g, ref, NAN))
			continue;
		double x = *(const double *)((const char *)g + off);
		size_t k = 0;
		while (k < n && !mb_rep_num_eq(out[k], x))
			k++;
		if (k == n && n < max)
			out[n++] = x;
	}
	qsort(out, n, sizeof(*out), mb_stat_cmp_double);
	return n;
}

static int f_pick_cores(const struct mb_report_group *g,
			const struct mb_report_group *ref, double x)
{
	return f_panel(g, ref, x) && g->pick_cores;
}

static int f_pick_conc(const struct mb_report_group *g,
		       const struct mb_report_group *ref, double x)
{
	return f_panel(g, ref, x) && g->pick_conc;
}

static int f_all(const struct mb_report_group *g,
		 const struct mb_report_group *ref, double x)
{
	return 1;
}

/* Whether mode still ties the best at x: its throughput interval reaches
 * the best one's. */
static int still_leads(const struct mb_report_verdict *v, filter_fn f,
		       const struct mb_report_group *ref, double x,
		       const char *mode)
{
	const struct mb_report_group *w = best(v, f, ref, x, NULL, 0);
	const struct mb_report_group *m = best_of(v, f, ref, x, NULL, mode, 0);
	return w && m && (m == w || !(m->tp.hi < w->tp.lo));
}

/* The fewest runs of any group of the unit that f passes at some x. */
static size_t fewest_runs(const struct mb_report_verdict *v, filter_fn f,
			  const struct mb_report_group *ref, const double *xs,
			  size_t n)
{
	size_t fewest = SIZE_MAX;
	for (size_t i = 0; i < v->ngroups; i++) {
		const struct mb_report_group *g = &v->first[i];
		for (size_t k = 0; k < n && same_unit(g, v->first); k++)
			if (f(g, ref, xs[k]) && g->tp.n < fewest)
				fewest = g->tp.n;
	}
	return fewest;
}

/* With too few runs to compare intervals: the mode with the highest
 * median at each x, consecutive equal ones merged, and that it cannot be
 * told apart from the others. */
static int changes_few(struct mb_report_verdict *v, filter_fn f,
		       const struct mb_report_group *ref, const double *xs,
		       size_t n, const char *what, const char *unit,
		       size_t fewest)
{
	char buf[1024];
	size_t o = 0;
	for (size_t i = 0, j; i < n; i = j) {
		const struct mb_report_group *w = best(v, f, ref, xs[i], NULL, 0);
		for (j = i + 1; w && j < n; j++) {
			const struct mb_report_group *u = best(v, f, ref, xs[j], NULL, 0);
			if (!u || strcmp(u->mode, w->mode))
				break;
		}
		if (!w || o >= sizeof(buf))
			continue;
		if (j - i == 1)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s at %g",
					      o ? "; " : "", w->mode, xs[i]);
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s from %g to %g",
					      o ? "; " : "", w->mode, xs[i], xs[j - 1]);
	}
	if (!o)
		return 0;
	return add_line(v, "Highest median by %s%s%s%s: %s; too few runs to tell the modes apart (%zu at the fewest; %d or more per configuration are needed).",
			what, *unit ? " (" : "", unit, *unit ? ")" : "", buf,
			fewest, MB_STAT_FEW_RUNS);
}

/* "async at 1; procs from 2 to 16" over xs: the leader at each x, kept
 * while it stays within noise of the best, so that near-equal modes do
 * not make the answer flap; prefer (the headline winner) leads wherever
 * it ties. */
static int changes(struct mb_report_verdict *v, filter_fn f,
		   const struct mb_report_group *ref, const double *xs,
		   size_t n, const char *what, const char *unit,
		   const char *prefer)
{
	char buf[1024];
	size_t o = 0;
	int nruns = 0;
	const char *lead = NULL;
	size_t fewest = fewest_runs(v, f, ref, xs, n);
	if (fewest < MB_STAT_FEW_RUNS)
		return changes_few(v, f, ref, xs, n, what, unit, fewest);
	for (size_t i = 0; i < n;) {
		const struct mb_report_group *w = best(v, f, ref, xs[i], NULL, 0);
		size_t j = i + 1;
		if (!w) {
			i = j;
			continue;
		}
		/* the headline winner, where it ties, keeps the story simple */
		lead = prefer && still_leads(v, f, ref, xs[i], prefer) ? prefer : w->mode;
		while (j < n && still_leads(v, f, ref, xs[j], lead) &&
		       !(prefer && strcmp(lead, prefer) &&
			 still_leads(v, f, ref, xs[j], prefer)))
			j++;
		if (o < sizeof(buf)) {
			if (j - i == 1)
				o += (size_t)snprintf(buf + o, sizeof(buf) - o,
						      "%s%s at %g", nruns ? "; " : "",
						      lead, xs[i]);
			else
				o += (size_t)snprintf(buf + o, sizeof(buf) - o,
						      "%s%s from %g to %g", nruns ? "; " : "",
						      lead, xs[i], xs[j - 1]);
			nruns++;
		}
		i = j;
	}
	if (nruns == 0)
		return 0;
	if (nruns == 1)
		return add_line(v, "%s leads (or ties within noise) at every %s measured (%g to %g%s%s).",
				lead, what, xs[0], xs[n - 1], *unit ? " " : "", unit);
	return add_line(v, "The winner changes with %s: %s%s%s%s.",
			what, buf, *unit ? " (" : "", unit, *unit ? ")" : "");
}

/* How the winner w compares with the runner-up r: within noise when
 * their intervals overlap; with too few runs, not told at all. */
static int runner_up(struct mb_report_verdict *v, const struct mb_report_group *w,
		     const struct mb_report_group *r, int few)
{
	char r2[32], l2[32], w2[64], tail[160];
	if (few)
		snprintf(tail, sizeof(tail), ": too few runs to tell which is faster (n = %zu and %zu; %d or more each are needed)",
			 w->tp.n, r->tp.n, MB_STAT_FEW_RUNS);
	else
		snprintf(tail, sizeof(tail), "%s", !(w->tp.lo > r->tp.hi) ?
			 ": within the noise of the runs (95% intervals overlap)" : "");
	return add_line(v, "That is %.2fx the runner-up, %s (%s tasks/s%s, p99 %s)%s.",
			w->tp.median / r->tp.median, r->mode,
			mb_report_fmt_rate(r2, sizeof(r2), r->tp.median),
			where(w2, sizeof(w2), r),
			mb_report_fmt_us(l2, sizeof(l2), r->p99.median), tail);
}

/* The speedup against sync at 1 core, with its bootstrap interval when
 * there is one. */
static int speedup_line(struct mb_report_verdict *v, const struct mb_report_group *w)
{
	if (isfinite(w->speedup_lo) && isfinite(w->speedup_hi))
		return add_line(v, "Against sync on one core: %.2fx the throughput (95%% bootstrap interval %.2fx to %.2fx).",
				w->speedup, w->speedup_lo, w->speedup_hi);
	return add_line(v, "Against sync on one core: %.2fx the throughput.",
			w->speedup);
}

/* Headline and change lines of one panel (prefix names it in a unit with
 * several). */
static int panel_lines(struct mb_report_verdict *v,
		       const struct mb_report_group *p, const char *prefix)
{
	char r1[32], l1[32], l2[32], w1[64];
	int ret = 0;
	const struct mb_report_group *w = best(v, f_panel, p, NAN, NULL, 0);
	if (!w)
		return 0;
	if (!mb_rep_off(w->rate)) {
		const struct mb_report_group *k = best(v, f_keeps_up, w, NAN, NULL, 1);
		if (k)
			ret = add_line(v, "%sAt %s tasks/s offered, %s keeps up with the lowest p99 latency: %s%s (p50 %s); see the load chart for how p99 grows with the rate.",
				       prefix, mb_report_fmt_rate(r1, sizeof(r1), w->rate),
				       k->mode, mb_report_fmt_us(l1, sizeof(l1), k->p99.median),
				       where(w1, sizeof(w1), k),
				       mb_report_fmt_us(l2, sizeof(l2), k->p50.median));
		return ret;
	}
	const struct mb_report_group *r = best(v, f_panel, p, NAN, w->mode, 0);
	int few = r && (w->tp.n < MB_STAT_FEW_RUNS || r->tp.n < MB_STAT_FEW_RUNS);
	ret = add_line(v, "%s%s %s: %s tasks/s%s, p99 latency %s, CPU busy %.0f%%.",
		       prefix, w->mode, few ? "has the highest median" : "gets the most done",
		       mb_report_fmt_rate(r1, sizeof(r1), w->tp.median),
		       where(w1, sizeof(w1), w),
		       mb_report_fmt_us(l1, sizeof(l1), w->p99.median),
		       100 * w->cpu_util);
	if (!ret && r)
		ret = runner_up(v, w, r, few);
	if (!ret && isfinite(w->speedup) && strcmp(w->mode, "sync"))
		ret = speedup_line(v, w);
	const struct mb_report_group *lo = best(v, f_panel, p, NAN, NULL, 1);
	if (!ret && lo && strcmp(lo->mode, w->mode) && lo->p99.median < 0.9 * w->p99.median)
		ret = add_line(v, "Lowest p99 latency: %s, %s%s (at %s tasks/s).",
			       lo->mode, mb_report_fmt_us(l1, sizeof(l1), lo->p99.median),
			       where(w1, sizeof(w1), lo),
			       mb_report_fmt_rate(r1, sizeof(r1), lo->tp.median));
	double xs[64];
	size_t n = values(v, f_pick_cores, p, offsetof(struct mb_report_group, cores),
			  xs, 64);
	if (!ret && n >= 2)
		ret = changes(v, f_cores, p, xs, n, "core count", "cores",
				      w->mode);
	if (!ret && p->conc_sweep) {
		n = values(v, f_pick_conc, p,
			   offsetof(struct mb_report_group, concurrency), xs, 64);
		if (n >= 2)
			ret = changes(v, f_conc, p, xs, n, "concurrency",
				      "tasks in flight", w->mode);
	}
	return ret;
}

/* " with --mem-policy remote, on SMT siblings": what sets a panel apart
 * beyond its recipe; "" for the defaults. */
static const char *variant(char *buf, size_t len, const struct mb_report_group *g)
{
	const char *mp = mb_rep_mempol_key(g->mem_policy);
	snprintf(buf, len, "%s%s%s%s", *mp ? " with --mem-policy " : "", mp,
		 *mp && g->smt ? "," : "", g->smt ? " on SMT siblings (--smt)" : "");
	return buf;
}

/* The SMT yield of each mode that has one, at its largest core count:
 * what the second hardware thread of each core added. */
static int smt_line(struct mb_report_verdict *v)
{
	char buf[512], one[96];
	size_t o = 0;
	for (int m = -1; m < MB_NMODE_NAMES; m++) {
		const struct mb_report_group *b = NULL;
		for (size_t i = 0; i < v->ngroups; i++) {
			const struct mb_report_group *g = &v->first[i];
			int gm = mb_mode_name_index(g->mode);
			if (same_unit(g, v->first) && isfinite(g->smt_yield) &&
			    (m < 0 ? gm < 0 : gm == m) && (!b || g->cores > b->cores))
				b = g;
		}
		if (!b || o >= sizeof(buf))
			continue;
		snprintf(one, sizeof(one), "%s %.2fx at %g PUs", b->mode, b->smt_yield, b->cores);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", o ? "; " : "", one);
	}
	if (!o)
		return 0;
	return add_line(v, "SMT yield (throughput with every hardware thread of the cores busy, "
			"over the same cores without --smt): %s.", buf);
}

static int unit_lines(struct mb_report_verdict *v)
{
	int ret = 0;
	double iofs[64];
	size_t niof = values(v, f_all, v->first,
			     offsetof(struct mb_report_group, io_fraction), iofs, 64);
	int sweep = niof >= 2;
	if (sweep)
		ret = changes(v, f_iof, v->first, iofs, niof, "I/O fraction", "",
			      NULL);
	size_t npanels = 0, failed = 0;
	for (size_t i = 0; i < v->ngroups; i++) {
		const struct mb_report_group *g = &v->first[i];
		if (!same_unit(g, v->first))
			continue;
		failed += g->n_failed;
		int first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(v->first[j].panel, g->panel) != 0;
		npanels += first;
	}
	/* Panels in I/O fraction order (the summary sorts recipes first). */
	for (size_t k = 0; k < (niof ? niof : 1) && !ret; k++) {
		for (size_t i = 0; i < v->ngroups && !ret; i++) {
			const struct mb_report_group *g = &v->first[i];
			if (!same_unit(g, v->first) ||
			    (niof && !mb_rep_num_eq(g->io_fraction, iofs[k])))
				continue;
			int first = 1;
			for (size_t j = 0; j < i && first; j++)
				first = strcmp(v->first[j].panel, g->panel) != 0;
			if (!first)
				continue;
			char prefix[400] = "", var[96];
			variant(var, sizeof(var), g);
			if (!isnan(g->io_fraction) && sweep)
				snprintf(prefix, sizeof(prefix), "At I/O fraction %g (%s%s): ",
					 g->io_fraction, g->recipe, var);
			else if (npanels > 1)
				snprintf(prefix, sizeof(prefix), "%s%s: ", g->recipe, var);
			ret = panel_lines(v, g, prefix);
		}
	}
	if (!ret)
		ret = smt_line(v);
	if (!ret && failed)
		ret = add_line(v, "%zu run%s of this workload did not finish ok (see \"Runs that failed\").",
			       failed, failed == 1 ? "" : "s");
	return ret;
}

int mb_report_verdicts(const struct mb_report_summary *s,
		       struct mb_report_verdict **out, size_t *nout)
{
	struct mb_report_verdict *v = NULL;
	size_t n = 0;
	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *g = &s->groups[i];
		size_t k = 0;
		while (k < n && !same_unit(v[k].first, g))
			k++;
		if (k < n) {
			v[k].ngroups = (size_t)(g - v[k].first) + 1;
			continue;
		}
		struct mb_report_verdict *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv)
			goto nomem;
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].host = g->host;
		v[n].workload = g->workload;
		v[n].first = g;
		v[n].ngroups = 1;
		n++;
	}
	for (size_t k = 0; k < n; k++)
		if (unit_lines(&v[k]) < 0)
			goto nomem;
	*out = v;
	*nout = n;
	return 0;
nomem:
	mb_report_verdicts_free(v, n);
	return -ENOMEM;
}

void mb_report_verdicts_free(struct mb_report_verdict *v, size_t nv)
{
	for (size_t i = 0; v && i < nv; i++) {
		for (size_t j = 0; j < v[i].nlines; j++)
			free(v[i].lines[j]);
		free(v[i].lines);
	}
	free(v);
}
