/* Aggregation: the ok, non-warmup rows are sorted by configuration, each
 * run of equal keys becomes one group summarised by medians and order
 * statistics (base's stats.h), then every group gets its speedup against
 * sync at 1 core on the same machine, with a bootstrap interval of the
 * ratio of the two medians. A configuration's key starts with its
 * machine (report_machine.c), never the host name alone, and includes the
 * arrivals, so different machines or workloads are never pooled. Cost:
 * O(rows x machines + rows log rows) for the keys and the sort,
 * O(groups^2) for the baselines, O(groups x 2000 x runs log runs) for the
 * speedup intervals and O(failed rows x groups) to count the failures. */
#include "report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Resamples of a speedup interval, and the seed its stream starts from
 * (mixed with the configuration's key, so each interval has its own). */
#define SPEEDUP_BOOT 2000
#define SPEEDUP_SEED 1

static const char *txt(const struct mb_report_row *r, enum mb_column c)
{
	const char *t = mb_report_text(r, c);
	return t ? t : "";
}

static int row_ok(const struct mb_report_row *r)
{
	return strcmp(txt(r, MB_COL_status), "ok") == 0;
}

static int row_warmup(const struct mb_report_row *r)
{
	double w = mb_report_num(r, MB_COL_warmup);
	return !isnan(w) && w != 0;
}

/* A row's arrivals: a closed loop from before the column is "closed";
 * an open loop without it stays "" (unknown, pooled with nothing else). */
static const char *arrivals_of(const struct mb_report_row *r)
{
	const char *a = txt(r, MB_COL_arrivals);
	return !*a && mb_rep_off(mb_report_num(r, MB_COL_rate)) ? "closed" : a;
}

/* A row's runtime: "c" without the column (files from before it). */
static const char *runtime_of(const struct mb_report_row *r)
{
	const char *t = txt(r, MB_COL_runtime);
	return *t ? t : "c";
}

/* An ok row with what it is grouped by beyond its own fields. */
struct keyed {
	const struct mb_report_row *r;
	const char *machine; /* its machine's name */
	const char *arrivals;
	const char *runtime;
};

/* Modes in mb_mode_names' order, then other names alphabetically. */
static int cmp_mode(const char *a, const char *b)
{
	int i = mb_mode_name_index(a), j = mb_mode_name_index(b);
	if (i < 0 && j < 0)
		return strcmp(a, b);
	if (i < 0 || j < 0)
		return i < 0 ? 1 : -1;
	return (i > j) - (i < j);
}

/* The summary order; equal keys are one configuration. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct keyed *ka = pa, *kb = pb;
	const struct mb_report_row *a = ka->r, *b = kb->r;
	static const enum mb_column text1[] = {MB_COL_workload, MB_COL_recipe};
	static const enum mb_column num1[] = {MB_COL_io_fraction,
					      MB_COL_gil_us, MB_COL_rate};
	static const enum mb_column text2[] = {MB_COL_backend,
					       MB_COL_policy};
	static const enum mb_column num2[] = {MB_COL_cores,
					      MB_COL_concurrency};
	int d = strcmp(ka->machine, kb->machine);
	if (d)
		return d;
	for (size_t i = 0; i < 2; i++)
		if ((d = mb_rep_str_cmp(txt(a, text1[i]), txt(b, text1[i]))))
			return d;
	for (size_t i = 0; i < 3; i++)
		if ((d = mb_rep_num_cmp(mb_report_num(a, num1[i]), mb_report_num(b, num1[i]))))
			return d;
	if ((d = strcmp(ka->arrivals, kb->arrivals)))
		return d;
	if ((d = strcmp(ka->runtime, kb->runtime)))
		return d;
	if ((d = cmp_mode(txt(a, MB_COL_mode), txt(b, MB_COL_mode))))
		return d;
	for (size_t i = 0; i < 2; i++)
		if ((d = mb_rep_str_cmp(txt(a, text2[i]), txt(b, text2[i]))))
			return d;
	if ((d = strcmp(mb_rep_mempol_key(txt(a, MB_COL_mem_policy)),
			mb_rep_mempol_key(txt(b, MB_COL_mem_policy)))) ||
	    (d = mb_rep_num_cmp(mb_rep_smt_key(mb_report_num(a, MB_COL_smt)),
				mb_rep_smt_key(mb_report_num(b, MB_COL_smt)))) ||
	    (d = mb_rep_num_cmp(mb_rep_nodes_key(mb_report_num(a, MB_COL_nodes)),
				mb_rep_nodes_key(mb_report_num(b, MB_COL_nodes)))))
		return d;
	for (size_t i = 0; i < 2; i++)
		if ((d = mb_rep_num_cmp(mb_report_num(a, num2[i]), mb_report_num(b, num2[i]))))
			return d;
	return 0;
}

/* Median-of-runs of one column over rows[0..n). */
static void describe_col(const struct keyed *rows, size_t n,
			 enum mb_column c, double *tmp,
			 struct mb_stat *st)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = mb_report_num(rows[i].r, c);
	mb_stat_describe(tmp, n, st);
}

static double median_col(const struct keyed *rows, size_t n,
			 enum mb_column c, double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = mb_report_num(rows[i].r, c);
	return mb_stat_median(tmp, n);
}

/* g->flags from the runs, by the sweep summary's rules (base's
 * mb_stat_flags); tmp holds 2 n values. */
static void quality_flags(struct mb_report_group *g, const struct keyed *rows,
			  size_t n, double *tmp)
{
	struct mb_stat_flags fl;
	unsigned noisy = 0;
	for (size_t i = 0; i < n; i++) {
		tmp[i] = mb_report_num(rows[i].r, MB_COL_throughput);
		tmp[n + i] = mb_report_num(rows[i].r, MB_COL_wall_s);
		noisy += mb_stat_noisy(mb_report_num(rows[i].r, MB_COL_outside_load));
	}
	g->flags[0] = '\0';
	if (mb_stat_flags(tmp, tmp + n, n, noisy, &fl) == 0)
		mb_stat_flags_text(&fl, "; ", g->flags, sizeof(g->flags));
}

static void fill_group(struct mb_report_group *g, const struct keyed *rows,
		       size_t n, double *tmp)
{
	const struct mb_report_row *r = rows[0].r;
	memset(g, 0, sizeof(*g));
	g->host = rows[0].machine;
	g->hostname = txt(r, MB_COL_host);
	g->label = txt(r, MB_COL_label);
	g->arrivals = rows[0].arrivals;
	g->runtime = rows[0].runtime;
	g->workload = txt(r, MB_COL_workload);
	g->recipe = txt(r, MB_COL_recipe);
	g->mode = txt(r, MB_COL_mode);
	g->backend = txt(r, MB_COL_backend);
	g->policy = txt(r, MB_COL_policy);
	g->mem_policy = txt(r, MB_COL_mem_policy);
	g->smt = mb_rep_smt_key(mb_report_num(r, MB_COL_smt));
	g->nodes = mb_rep_nodes_key(mb_report_num(r, MB_COL_nodes));
	g->cores = mb_report_num(r, MB_COL_cores);
	g->concurrency = mb_report_num(r, MB_COL_concurrency);
	g->rate = mb_report_num(r, MB_COL_rate);
	g->gil_us = mb_report_num(r, MB_COL_gil_us);
	g->io_fraction = mb_report_num(r, MB_COL_io_fraction);
	g->cpu_model = txt(r, MB_COL_cpu_model);
	g->topology = txt(r, MB_COL_topology);
	unsigned pkg, numa;
	g->numa_nodes = sscanf(g->topology, "%upkg/%unuma/", &pkg, &numa) == 2 ? (int)numa : 0;
	g->kernel = txt(r, MB_COL_kernel);
	g->version = txt(r, MB_COL_version);

	describe_col(rows, n, MB_COL_throughput, tmp, &g->tp);
	mb_stat_ci_kind(&g->tp, g->ci_kind, sizeof(g->ci_kind));
	quality_flags(g, rows, n, tmp);
	describe_col(rows, n, MB_COL_lat_p50_us, tmp, &g->p50);
	describe_col(rows, n, MB_COL_lat_p99_us, tmp, &g->p99);
	describe_col(rows, n, MB_COL_lat_p999_us, tmp, &g->p999);
	g->lat_mean = median_col(rows, n, MB_COL_lat_mean_us, tmp);
	g->lat_p90 = median_col(rows, n, MB_COL_lat_p90_us, tmp);
	g->lat_max = median_col(rows, n, MB_COL_lat_max_us, tmp);
	g->cpu_util = median_col(rows, n, MB_COL_cpu_util, tmp);
	g->bytes_per_s = median_col(rows, n, MB_COL_bytes_per_s, tmp);
	g->littles_bound = g->lat_mean > 0 ?
		g->concurrency / (g->lat_mean * 1e-6) : NAN;
	g->speedup = g->speedup_lo = g->speedup_hi = g->smt_yield = NAN;
	g->efficiency = g->efficiency_lo = g->efficiency_hi = NAN;
	g->norm_best = g->norm_host = NAN;
	g->usl_sigma = g->usl_kappa = g->amdahl_sigma = g->usl_base = NAN;
}

/* Whether r, a row of the machine called machine, is of g's
 * configuration. */
static int same_key(const struct mb_report_group *g,
		    const struct mb_report_row *r, const char *machine)
{
	return machine && mb_rep_str_eq(g->host, machine) &&
	       mb_rep_str_eq(g->arrivals, arrivals_of(r)) &&
	       mb_rep_str_eq(g->runtime, runtime_of(r)) &&
	       mb_rep_str_eq(g->workload, txt(r, MB_COL_workload)) &&
	       mb_rep_str_eq(g->recipe, txt(r, MB_COL_recipe)) &&
	       mb_rep_str_eq(g->mode, txt(r, MB_COL_mode)) &&
	       mb_rep_str_eq(g->backend, txt(r, MB_COL_backend)) &&
	       mb_rep_str_eq(g->policy, txt(r, MB_COL_policy)) &&
	       mb_rep_str_eq(mb_rep_mempol_key(g->mem_policy),
			     mb_rep_mempol_key(txt(r, MB_COL_mem_policy))) &&
	       g->smt == mb_rep_smt_key(mb_report_num(r, MB_COL_smt)) &&
	       g->nodes == mb_rep_nodes_key(mb_report_num(r, MB_COL_nodes)) &&
	       mb_rep_num_eq(g->cores, mb_report_num(r, MB_COL_cores)) &&
	       mb_rep_num_eq(g->concurrency, mb_report_num(r, MB_COL_concurrency)) &&
	       mb_rep_num_eq(g->rate, mb_report_num(r, MB_COL_rate)) &&
	       mb_rep_num_eq(g->gil_us, mb_report_num(r, MB_COL_gil_us)) &&
	       mb_rep_num_eq(g->io_fraction, mb_report_num(r, MB_COL_io_fraction));
}

/* The closed-loop sync run at 1 core that group g is measured against:
 * same machine, runtime, workload, recipe and io_fraction (a Python
 * configuration against Python's sync); among several, the one sharing
 * most of mem_policy, gil_us, rate, policy and backend (in that
 * priority), then the first. */
static const struct mb_report_group *
baseline(const struct mb_report_summary *s, const struct mb_report_group *g)
{
	const struct mb_report_group *best = NULL;
	int best_score = -1;
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *b = &s->groups[i];
		if (strcmp(b->mode, "sync") != 0 || b->cores != 1 ||
		    !mb_rep_off(b->rate) ||
		    !(b->tp.median > 0) || !mb_rep_str_eq(b->host, g->host) ||
		    !mb_rep_same_runtime(b, g) ||
		    !mb_rep_str_eq(b->workload, g->workload) ||
		    !mb_rep_str_eq(b->recipe, g->recipe) ||
		    !mb_rep_num_eq(b->io_fraction, g->io_fraction))
			continue;
		int score = 16 * !strcmp(mb_rep_mempol_key(b->mem_policy),
					 mb_rep_mempol_key(g->mem_policy)) +
			    8 * mb_rep_num_eq(b->gil_us, g->gil_us) +
			    4 * mb_rep_num_eq(b->rate, g->rate) +
			    2 * mb_rep_str_eq(b->policy, g->policy) +
			    mb_rep_str_eq(b->backend, g->backend);
		if (score > best_score) {
			best = b;
			best_score = score;
		}
	}
	return best;
}

/* The runs of group i: tp[span[i].off ..] for span[i].n runs. */
struct span {
	size_t off, n;
};

/* Group g's speedup against b, and its interval: a percentile bootstrap
 * of median(g) / median(b) that resamples both groups' runs, so the
 * baseline's spread is in it (SPEEDUP_BOOT resamples, seeded from
 * SPEEDUP_SEED and g's key). No interval with fewer than 2 runs on
 * either side; exactly 1 for the baseline against itself. */
static void speedup_of(struct mb_report_group *g, const struct mb_report_group *b,
		       const double *tpg, size_t ng, const double *tpb, size_t nb)
{
	char key[1024];
	struct mb_boot x;
	g->speedup = g->tp.median / b->tp.median;
	if (g == b) {
		g->speedup_lo = g->speedup_hi = g->speedup;
		return;
	}
	if (ng < 2 || nb < 2)
		return;
	/* the variants' part only when there is one (a mem_policy, smt, the
	 * python runtime): the streams of inputs without them stay what
	 * they were */
	const char *mp = mb_rep_mempol_key(g->mem_policy);
	char nodes[32] = "";
	if (g->nodes > 1)
		snprintf(nodes, sizeof(nodes), "|nodes%g", g->nodes);
	int len = snprintf(key, sizeof(key), "%s|%s|%s|%s|%s|%s|%g|%g|%g|%g|%s%s%s%s%s%s",
			   g->host, g->workload, g->recipe, g->mode, g->backend,
			   g->policy, g->cores, g->concurrency, g->gil_us,
			   g->io_fraction, g->arrivals, *mp ? "|" : "", mp,
			   g->smt ? "|smt" : "", nodes, mb_rep_python(g) ? "|python" : "");
	uint64_t seed = mb_stat_seed(SPEEDUP_SEED, key,
				     len < 0 ? 0 : strnlen(key, sizeof(key)));
	if (mb_stat_ratio_boot(tpg, ng, tpb, nb, SPEEDUP_BOOT, seed, &x) == 0) {
		g->speedup_lo = x.lo;
		g->speedup_hi = x.hi;
	}
}

static void speedups(struct mb_report_summary *s, const double *tp,
		     const struct span *span)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		/* In an open loop throughput follows the offered rate: a
		 * speedup would only compare rates. */
		if (!mb_rep_off(g->rate))
			continue;
		const struct mb_report_group *b = baseline(s, g);
		if (!b)
			continue;
		size_t k = (size_t)(b - s->groups);
		speedup_of(g, b, tp + span[i].off, span[i].n, tp + span[k].off,
			   span[k].n);
		if (g->cores > 0) {
			g->efficiency = g->speedup / g->cores;
			g->efficiency_lo = g->speedup_lo / g->cores;
			g->efficiency_hi = g->speedup_hi / g->cores;
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int collect_hosts(struct mb_report_summary *s)
{
	s->hosts = malloc((s->ngroups + 1) * sizeof(*s->hosts));
	if (!s->hosts)
		return -ENOMEM;
	for (size_t i = 0; i < s->ngroups; i++)
		if (i == 0 || strcmp(s->groups[i].host, s->groups[i - 1].host))
			s->hosts[s->nhosts++] = s->groups[i].host;
	qsort(s->hosts, s->nhosts, sizeof(*s->hosts), cmp_str);
	return 0;
}

/* Warm-ups are counted, rows not ok listed, ok rows keyed by their
 * machine (s->machines, named here) and arrivals into ok. -ENOMEM. */
static int classify(const struct mb_report_input *in,
		    struct mb_report_summary *s, struct keyed *ok)
{
	const struct mb_report_row **rows = malloc((in->nrows + 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < in->nrows; i++) {
		const struct mb_report_row *r = &in->rows[i];
		if (row_warmup(r))
			s->n_warmup++;
		else if (!row_ok(r))
			s->not_ok[s->n_not_ok++] = r;
		else
			rows[s->n_ok++] = r;
	}
	int ret = mb_rep_machines(s, rows, s->n_ok);
	for (size_t i = 0; ret == 0 && i < s->n_ok; i++)
		ok[i] = (struct keyed){rows[i], mb_rep_machine_name(s, rows[i]),
				       arrivals_of(rows[i]), runtime_of(rows[i])};
	free(rows);
	return ret;
}

/* One group per run of equal keys in the sorted ok rows; their
 * throughputs in tp, group i's at span[i]. */
static void build_groups(struct mb_report_summary *s, const struct keyed *ok,
			 double *tp, struct span *span, double *tmp)
{
	for (size_t i = 0; i < s->n_ok; i++)
		tp[i] = mb_report_num(ok[i].r, MB_COL_throughput);
	for (size_t i = 0, j; i < s->n_ok; i = j) {
		for (j = i + 1; j < s->n_ok && cmp_rows(&ok[i], &ok[j]) == 0; j++)
			;
		span[s->ngroups] = (struct span){i, j - i};
		fill_group(&s->groups[s->ngroups++], ok + i, j - i, tmp);
	}
}

static void count_failed(struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->n_not_ok; i++) {
		const char *machine = mb_rep_machine_name(s, s->not_ok[i]);
		for (size_t j = 0; machine && j < s->ngroups; j++)
			if (same_key(&s->groups[j], s->not_ok[i], machine)) {
				s->groups[j].n_failed++;
				break;
			}
	}
}

int mb_report_aggregate(const struct mb_report_input *in,
			struct mb_report_summary *out)
{
	struct mb_report_summary *s = out;
	struct keyed *ok = NULL;
	struct span *span = NULL;
	double *tmp = NULL, *tp = NULL;
	int ret = -ENOMEM;

	memset(s, 0, sizeof(*s));
	s->nrows = in->nrows;
	ok = malloc((in->nrows + 1) * sizeof(*ok));
	span = malloc((in->nrows + 1) * sizeof(*span));
	s->not_ok = malloc((in->nrows + 1) * sizeof(*s->not_ok));
	tmp = malloc(2 * (in->nrows + 1) * sizeof(*tmp));
	tp = malloc((in->nrows + 1) * sizeof(*tp));
	if (!ok || !span || !s->not_ok || !tmp || !tp ||
	    classify(in, s, ok) < 0)
		goto out;
	qsort(ok, s->n_ok, sizeof(*ok), cmp_rows);
	s->groups = calloc(s->n_ok + 1, sizeof(*s->groups));
	if (!s->groups)
		goto out;
	build_groups(s, ok, tp, span, tmp);
	count_failed(s);
	speedups(s, tp, span);
	mb_rep_smt_yields(s);
	ret = collect_hosts(s);
	if (ret == 0)
		ret = mb_rep_panels(s);
	if (ret == 0)
		mb_rep_fit_notes(s);
	/* Speedup / cores means nothing where the speedup comes from
	 * overlapping waits (it read 6241% on 2 cores): not shown. */
	for (size_t i = 0; ret == 0 && i < s->ngroups; i++)
		if (s->groups[i].wait_bound)
			s->groups[i].efficiency = s->groups[i].efficiency_lo =
				s->groups[i].efficiency_hi = NAN;
out:
	free(ok);
	free(span);
	free(tmp);
	free(tp);
	if (ret < 0)
		mb_report_summary_free(s);
	return ret;
}

void mb_report_summary_free(struct mb_report_summary *s)
{
	for (size_t i = 0; s->groups && i < s->ngroups; i++) {
		free(s->groups[i].panel);
		free(s->groups[i].hpanel);
		free(s->groups[i].iopanel);
		free(s->groups[i].lpanel);
		free(s->groups[i].mpanel);
	}
	for (size_t i = 0; i < s->nmachines; i++)
		free(s->machines[i].name);
	free(s->machines);
	free(s->groups);
	free(s->not_ok);
	free(s->hosts);
	memset(s, 0, sizeof(*s));
}

const struct mb_report_group *
mb_report_find(const struct mb_report_summary *s, const char *host,
	       const char *workload, const char *mode, double cores,
	       double concurrency, double io_fraction)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *g = &s->groups[i];
		if ((!host || mb_rep_str_eq(g->host, host)) &&
		    (!workload || mb_rep_str_eq(g->workload, workload)) &&
		    (!mode || mb_rep_str_eq(g->mode, mode)) &&
		    (isnan(cores) || g->cores == cores) &&
		    (isnan(concurrency) || g->concurrency == concurrency) &&
		    (isnan(io_fraction) || g->io_fraction == io_fraction))
			return g;
	}
	return NULL;
}
