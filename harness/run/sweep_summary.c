/* What the sweep says about its measured runs: the confidence interval
 * --reps auto stops on, and the summary table printed at the end (medians
 * per configuration, with warnings; README, "How it measures"). Every
 * statistic is computed on a copy: the per-configuration arrays keep the
 * order the runs happened in. */
#include "sweep_int.h"

#include <math.h>
#include <string.h>

/* Median of v[0..n) (NAN for n == 0); v is left as it is. */
static double median_of(const double *v, unsigned n)
{
	double tmp[n ? n : 1];
	memcpy(tmp, v, n * sizeof(*v));
	return mb_stat_median(tmp, n);
}

double sw_ci_rel(const double *v, unsigned n)
{
	double tmp[n ? n : 1];
	struct mb_stat st;
	if (n < 6)
		return NAN;
	memcpy(tmp, v, n * sizeof(*v));
	mb_stat_describe(tmp, n, &st);
	return st.median > 0 ? (st.hi - st.lo) / (2 * st.median) : NAN;
}

bool sw_needs_more(const struct sw_config *c, const struct mb_opts *o)
{
	if (c->nfail || c->nunsup || c->nres + c->nfail >= o->reps_max)
		return false;
	double ci = sw_ci_rel(c->thr, c->nres);
	return isnan(ci) || ci > o->ci;
}

/* The summary's warnings for one configuration, base's shared rule (the
 * report flags the same runs the same way): variation (CV >= 5%),
 * outliers, too few repetitions, runs too short to trust (under 100 ms),
 * noisy cores. " flag flag ..." (each after a blank), "" when none. */
static void quality_flags(const struct sw_config *c, char *buf, unsigned len)
{
	struct mb_stat_flags fl;
	buf[0] = 0;
	if (len < 2 || mb_stat_flags(c->thr, c->wall, c->nres, c->noisy, &fl))
		return;
	mb_stat_flags_text(&fl, " ", buf + 1, len - 1);
	if (buf[1])
		buf[0] = ' ';
}

void sw_print_summary(const struct sw_sweep *s, FILE *f)
{
	const struct mb_opts *o = s->o;
	unsigned rw = sw_recipe_width(s, 32);
	bool py = sw_has_python(s);
	fprintf(f, "\n%-10s %-*s %-13s %s%-8s %3s %5s %6s %12s %10s %10s %6s  %s\n", "workload",
		(int)rw, "recipe", "mode", py ? "runtime " : "", "backend", "k", "C", "reps",
		"tasks/s", "p50", "p99", "cpu%", "status");
	for (unsigned i = 0; i < s->ncfg; i++) {
		const struct sw_config *c = &s->cfgs[i];
		const struct mb_workload *wl = &o->workloads[c->wl];
		char status[48], flags[96], p50[16], p99[16], recipe[400];
		quality_flags(c, flags, sizeof(flags));
		if (c->nres && !c->nfail)
			snprintf(status, sizeof(status), "ok%s", flags);
		else if (c->nunsup)
			snprintf(status, sizeof(status), "unsupported");
		else
			snprintf(status, sizeof(status), "%u %s", c->nfail, c->status);
		sw_fmt_us(median_of(c->p50, c->nres), p50, sizeof(p50));
		sw_fmt_us(median_of(c->p99, c->nres), p99, sizeof(p99));
		sw_recipe_cell(wl->recipe, rw, 11, recipe, sizeof(recipe));
		fprintf(f, "%-10s %s %-13s ", wl->name, recipe, c->mode->name);
		if (py)
			fprintf(f, "%-7s ", mb_runtime_kind_name(c->rt));
		fprintf(f, "%-8s %3u %5u %6u %12.6g %10s %10s %6.1f  %s\n",
			mb_backend_name(c->backend), c->k, c->c, c->nres,
			median_of(c->thr, c->nres), p50, p99, 100 * median_of(c->util, c->nres),
			status);
	}
}
