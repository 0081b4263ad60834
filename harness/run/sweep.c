/* The sweep: the cross product of workloads x modes x backends x cores x
 * concurrency x rates, each configuration run --warmup + --reps times in a
 * shuffled order (or sequentially), one CSV row per run on disk before the
 * next run starts, a progress line on a terminal and a summary table at the
 * end. */
#include "run.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "csvout.h"
#include "iosetup.h"
#include "meta.h"
#include "base.h"
#include "resume.h"

struct config {
	unsigned wl;	 /* index into opts->workloads */
	struct mb_recipe *recipe;
	const struct mb_mode *mode;
	enum mb_backend backend;
	unsigned k, c, w;
	double rate;
	uint64_t gil_ns;
	unsigned pus[1024];
	char cpuset[128];
	char key[512]; /* identity for --resume and the summary */
	/* results of measured runs, for the summary table */
	double *thr, *p50, *p99, *util, *wall;
	unsigned nres, nfail, nunsup, noisy;
	char status[16];
};

struct planned {
	unsigned cfg, rep;
	bool warmup;
};

/* SIGINT or SIGTERM seen and not yet reported by a sweep. The sweep that
 * reports it (exit status 130) clears it, so a later sweep in the same
 * process (the claims suite runs many) starts afresh; one that arrives
 * between two sweeps stops the next one at once. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	if (interrupted) {
		/* Second signal: leave now. Rows on disk are complete. */
		_exit(MB_EXIT_INTERRUPTED);
	}
	interrupted = sig;
	mb_mode_interrupt();
}

/* Says in one line what could not be allocated; the sweep then exits 1,
 * keeping the rows already written. */
static int nomem(const char *what, ...) __attribute__((format(printf, 1, 2)));
static int nomem(const char *what, ...)
{
	va_list ap;
	fprintf(stderr, "modebench: cannot allocate ");
	va_start(ap, what);
	vfprintf(stderr, what, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return MB_EXIT_FAILED;
}

static int resolve_cores(struct mb_opts *o, unsigned slots, char *err, unsigned errlen)
{
	char spec[256], *save, *tok;
	snprintf(spec, sizeof(spec), "%s", o->cores_spec);
	o->ncores = 0;
	if (!*spec) {
		snprintf(err, errlen, "-c/--cores: empty list");
		return -EINVAL;
	}
	size_t sl = strlen(spec);
	if (spec[0] == ',' || spec[sl - 1] == ',' || strstr(spec, ",,")) {
		snprintf(err, errlen, "-c/--cores: empty item in '%s'", spec);
		return -EINVAL;
	}
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned lo, hi;
		char tail;
		if (!strcmp(tok, "all")) {
			lo = hi = slots;
		} else if (!strcmp(tok, "pow2")) {
			for (unsigned k = 1; k <= slots && o->ncores < MB_MAX_LIST; k *= 2)
				o->cores[o->ncores++] = k;
			if (o->cores[o->ncores - 1] != slots && o->ncores < MB_MAX_LIST)
				o->cores[o->ncores++] = slots;
			continue;
		} else if (sscanf(tok, "%u-%u%c", &lo, &hi, &tail) == 2 && lo >= 1 && hi >= lo) {
		} else if (sscanf(tok, "%u%c", &lo, &tail) == 1 && lo >= 1 && tok[0] != '-' &&
			   tok[0] != '+') {
			hi = lo;
		} else {
			snprintf(err, errlen, "-c/--cores: '%s' is not a core count (accepted: N, "
				 "A-B, pow2, all; e.g. 1,2 or 1-8)", tok);
			return -EINVAL;
		}
		if (hi > slots) {
			snprintf(err, errlen, "-c/--cores: %u cores asked but this %s has %u%s "
				 "(use all, or --dry-run --topology to plan for a bigger one)", hi,
				 o->topology[0] ? "topology" : "machine", slots,
				 o->smt ? " PUs" : " cores");
			return -ERANGE;
		}
		for (unsigned k = lo; k <= hi && o->ncores < MB_MAX_LIST; k++)
			o->cores[o->ncores++] = k;
	}
	/* de-duplicate, keep order */
	unsigned n = 0;
	for (unsigned i = 0; i < o->ncores; i++) {
		bool dup = false;
		for (unsigned j = 0; j < n; j++)
			dup |= o->cores[j] == o->cores[i];
		if (!dup)
			o->cores[n++] = o->cores[i];
	}
	o->ncores = n;
	return 0;
}

/* Expands mixed into one workload per I/O fraction. */
static int expand_workloads(struct mb_opts *o, char *err, unsigned errlen)
{
	struct mb_workload out[MB_MAX_LIST];
	unsigned n = 0;
	for (unsigned i = 0; i < o->nworkloads; i++) {
		if (strcmp(o->workloads[i].name, "mixed")) {
			if (n < MB_MAX_LIST)
				out[n++] = o->workloads[i];
			continue;
		}
		for (unsigned f = 0; f < o->nio_fractions && n < MB_MAX_LIST; f++) {
			struct mb_workload *wl = &out[n++];
			snprintf(wl->name, sizeof(wl->name), "mixed");
			wl->io_fraction = o->io_fractions[f];
			mb_preset_mixed(wl->io_fraction, o->io_kind, wl->recipe, sizeof(wl->recipe));
		}
	}
	memcpy(o->workloads, out, sizeof(out[0]) * n);
	o->nworkloads = n;
	return 0;
}

static void shuffle(struct planned *p, unsigned n, uint64_t *rng)
{
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)(mb_rand(rng) % i);
		struct planned t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
}

static const char *hostname(void)
{
	static char h[256];
	if (!h[0] && gethostname(h, sizeof(h) - 1))
		snprintf(h, sizeof(h), "unknown");
	return h;
}

static void default_output(struct mb_opts *o)
{
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(o->output, sizeof(o->output), "results/%s-%s.csv", hostname(), date);
}

/* Median of v[0..n) (NAN for n == 0); v keeps the order the runs
 * happened in. */
static double median_of(const double *v, unsigned n)
{
	double tmp[n ? n : 1];
	memcpy(tmp, v, n * sizeof(*v));
	return mb_stat_median(tmp, n);
}

/* Relative half-width of the 95% CI of the median (order statistics, as
 * the report computes it); NAN below 6 values, where it is [min, max]. */
static double ci_rel(const double *v, unsigned n)
{
	double tmp[n ? n : 1];
	struct mb_stat st;
	if (n < 6)
		return NAN;
	memcpy(tmp, v, n * sizeof(*v));
	mb_stat_describe(tmp, n, &st);
	return st.median > 0 ? (st.hi - st.lo) / (2 * st.median) : NAN;
}

static bool needs_more(const struct config *c, const struct mb_opts *o)
{
	if (c->nfail || c->nunsup || c->nres + c->nfail >= o->reps_max)
		return false;
	double ci = ci_rel(c->thr, c->nres);
	return isnan(ci) || ci > o->ci;
}

/* The summary's warnings for one configuration: variation, outliers by the
 * modified Z-score (|0.6745 (x - median) / MAD| > 3.5; flagged, never
 * dropped), too few repetitions, runs too short to trust, noisy cores. */
static void quality_flags(const struct config *c, char *buf, unsigned len)
{
	double tmp[c->nres ? c->nres : 1], dev[c->nres ? c->nres : 1];
	struct mb_stat st;
	size_t pos = 0;
	buf[0] = 0;
	if (!c->nres)
		return;
	memcpy(tmp, c->thr, c->nres * sizeof(double));
	mb_stat_describe(tmp, c->nres, &st);
	if (!isnan(st.cv) && st.cv >= 0.05)
		pos += (size_t)snprintf(buf + pos, len - pos, " cv %.0f%%", 100 * st.cv);
	for (unsigned i = 0; i < c->nres; i++)
		dev[i] = fabs(c->thr[i] - st.median);
	struct mb_stat ds;
	mb_stat_describe(dev, c->nres, &ds);
	unsigned outliers = 0;
	for (unsigned i = 0; i < c->nres && ds.median > 0; i++)
		outliers += fabs(0.6745 * (c->thr[i] - st.median) / ds.median) > 3.5;
	if (outliers && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, " %u outlier%s", outliers,
					outliers > 1 ? "s" : "");
	if (c->nres < 5 && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, " few reps");
	double wall_min = c->wall[0];
	for (unsigned i = 1; i < c->nres; i++)
		wall_min = c->wall[i] < wall_min ? c->wall[i] : wall_min;
	if (wall_min < 0.1 && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, " short runs");
	if (c->noisy && pos < len)
		snprintf(buf + pos, len - pos, " noisy(%u)", c->noisy);
}

static void print_summary(const struct mb_opts *o, struct config *cfgs, unsigned ncfg, FILE *f)
{
	fprintf(f, "\n%-10s %-24s %-13s %-8s %3s %5s %6s %12s %10s %10s %6s  %s\n", "workload",
		"recipe", "mode", "backend", "k", "C", "reps", "tasks/s", "p50_us", "p99_us",
		"cpu%", "status");
	for (unsigned i = 0; i < ncfg; i++) {
		struct config *c = &cfgs[i];
		const struct mb_workload *wl = &o->workloads[c->wl];
		char status[48], flags[96];
		quality_flags(c, flags, sizeof(flags));
		if (c->nres && !c->nfail)
			snprintf(status, sizeof(status), "ok%s", flags);
		else if (c->nunsup)
			snprintf(status, sizeof(status), "unsupported");
		else
			snprintf(status, sizeof(status), "%u %s", c->nfail, c->status);
		fprintf(f, "%-10s %-24.24s %-13s %-8s %3u %5u %6u %12.6g %10.4g %10.4g %6.1f  %s\n",
			wl->name, wl->recipe, c->mode->name, mb_backend_name(c->backend), c->k, c->c,
			c->nres, median_of(c->thr, c->nres), median_of(c->p50, c->nres),
			median_of(c->p99, c->nres), 100 * median_of(c->util, c->nres), status);
	}
}

struct rowbuf {
	char s[MB_NCOLUMNS][192];
	const char *v[MB_NCOLUMNS];
};

static void set(struct rowbuf *r, enum mb_column col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct rowbuf *r, enum mb_column col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->s[col], sizeof(r->s[col]), fmt, ap);
	va_end(ap);
	r->v[col] = r->s[col];
}

struct sweep_env {
	const struct mb_opts *o;
	const struct mb_topo *topo;
	char sweep_id[32];
	char kernel[200];
	char version[160];
};

static void fill_identity(struct rowbuf *r, const struct sweep_env *e, const struct config *c,
			  const struct planned *p, unsigned index)
{
	const struct mb_workload *wl = &e->o->workloads[c->wl];
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	set(r, MB_COL_schema, "%d", MB_SCHEMA_VERSION);
	set(r, MB_COL_run_id, "%s-%04u", e->sweep_id, index);
	set(r, MB_COL_rep, "%u", p->rep);
	set(r, MB_COL_warmup, "%d", p->warmup);
	set(r, MB_COL_started_at, "%s", ts);
	set(r, MB_COL_host, "%s", hostname());
	set(r, MB_COL_cpu_model, "%s", e->topo->cpu_model);
	set(r, MB_COL_topology, "%s", e->topo->desc);
	set(r, MB_COL_kernel, "%s", e->kernel);
	set(r, MB_COL_version, "%s", e->version);
	set(r, MB_COL_workload, "%s", wl->name);
	set(r, MB_COL_recipe, "%s", wl->recipe);
	set(r, MB_COL_mode, "%s", c->mode->name);
	set(r, MB_COL_backend, "%s", mb_backend_name(c->backend));
	set(r, MB_COL_policy, "%s", mb_policy_name(e->o->policy));
	set(r, MB_COL_cores, "%u", c->k);
	set(r, MB_COL_cpuset, "%s", c->cpuset);
	set(r, MB_COL_workers, "%u", c->w);
	set(r, MB_COL_concurrency, "%u", c->c);
	set(r, MB_COL_rate, "%.6g", c->rate);
	set(r, MB_COL_gil_us, "%.6g", c->gil_ns / 1e3);
	set(r, MB_COL_work_units, "%llu", (unsigned long long)mb_recipe_work_units(c->recipe));
	if (wl->io_fraction >= 0)
		set(r, MB_COL_io_fraction, "%.6g", wl->io_fraction);
	set(r, MB_COL_arrivals, "%s", c->rate > 0 ? (e->o->poisson ? "poisson" : "constant") : "closed");
}

static void fill_result(struct rowbuf *r, const struct mb_run_result *res, const struct config *c,
			const struct mb_io *io)
{
	set(r, MB_COL_status, "%s", mb_status_name(res->status));
	if (res->error[0])
		set(r, MB_COL_error, "%s", res->error);
	if (res->outside_note[0] || res->trace_dropped)
		set(r, MB_COL_flags, "%s%s%.0llu%s", res->outside_note,
		    res->outside_note[0] && res->trace_dropped ? "; " : "",
		    (unsigned long long)res->trace_dropped,
		    res->trace_dropped ? " trace events dropped" : "");
	if (res->status == MB_ST_UNSUPPORTED)
		return;
	unsigned used = mb_mode_one_core(c->mode) ? 1 : c->k;
	double thr = res->wall_s > 0 ? res->tasks / res->wall_s : 0;
	set(r, MB_COL_tasks, "%llu", (unsigned long long)res->tasks);
	set(r, MB_COL_wall_s, "%.6f", res->wall_s);
	set(r, MB_COL_throughput, "%.6g", thr);
	set(r, MB_COL_lat_mean_us, "%.6g", mb_hist_mean(res->lat) / 1e3);
	set(r, MB_COL_lat_p50_us, "%.6g", mb_hist_percentile(res->lat, 50) / 1e3);
	set(r, MB_COL_lat_p90_us, "%.6g", mb_hist_percentile(res->lat, 90) / 1e3);
	set(r, MB_COL_lat_p99_us, "%.6g", mb_hist_percentile(res->lat, 99) / 1e3);
	set(r, MB_COL_lat_p999_us, "%.6g", mb_hist_percentile(res->lat, 99.9) / 1e3);
	set(r, MB_COL_lat_max_us, "%.6g", res->lat->count ? res->lat->max / 1e3 : 0);
	set(r, MB_COL_user_s, "%.6f", res->user_s);
	set(r, MB_COL_sys_s, "%.6f", res->sys_s);
	set(r, MB_COL_cpu_util, "%.6g",
	    res->wall_s > 0 ? (res->user_s + res->sys_s) / (res->wall_s * used) : 0);
	set(r, MB_COL_ctx_vol, "%llu", (unsigned long long)res->nvcsw);
	set(r, MB_COL_ctx_invol, "%llu", (unsigned long long)res->nivcsw);
	set(r, MB_COL_max_rss_kb, "%llu", (unsigned long long)res->maxrss_kb);
	set(r, MB_COL_placement_ok, "%d", res->placement_ok);
	set(r, MB_COL_outside_load, "%.4f", res->outside_load);
	set(r, MB_COL_svc_mean_us, "%.6g", mb_hist_mean(res->svc) / 1e3);
	set(r, MB_COL_svc_p50_us, "%.6g", mb_hist_percentile(res->svc, 50) / 1e3);
	set(r, MB_COL_svc_p99_us, "%.6g", mb_hist_percentile(res->svc, 99) / 1e3);
	set(r, MB_COL_svc_p999_us, "%.6g", mb_hist_percentile(res->svc, 99.9) / 1e3);
	set(r, MB_COL_bytes_per_s, "%.6g", res->wall_s > 0 ? res->bytes / res->wall_s : 0);
	if (io && io->server_cpus[0] && (mb_recipe_flags(c->recipe) & MB_STEP_F_SERVER))
		set(r, MB_COL_server_cpus, "%s", io->server_cpus);
}

static void progress(const struct mb_opts *o, unsigned done, unsigned total, uint64_t t0,
		     const struct config *c, const struct planned *p)
{
	bool show = o->progress > 0 || (o->progress == 0 && isatty(2));
	if (!show)
		return;
	double el = (mb_now_ns() - t0) / 1e9;
	double eta = done ? el / done * (total - done) : 0;
	fprintf(stderr, "\r\033[K[%u/%u] %s %s k=%u C=%u %s%u  elapsed %.0fs  ETA %.0fs", done + 1,
		total, o->workloads[c->wl].name, c->mode->name, c->k, c->c,
		p->warmup ? "warmup " : "rep ", p->rep, el, eta);
	fflush(stderr);
}

int mb_sweep_main(int argc, char **argv)
{
	static struct mb_opts o;
	struct sweep_env env = { .o = &o };
	struct mb_topo *topo = NULL;
	struct mb_recipe *recipes = NULL;
	struct config *cfgs = NULL;
	struct planned *plan = NULL;
	struct mb_csv *csv = NULL;
	struct mb_resume *done_runs = NULL;
	struct mb_io io = { .file_fd = -1 };
	struct mb_hist *lat = NULL, *svc = NULL;
	FILE *trace = NULL;
	unsigned ncfg = 0, nplan = 0, cap = 0;
	char err[MB_ERRLEN * 2];
	int status = MB_EXIT_OK, rc;

	rc = mb_opts_parse(&o, argc, argv, 0, err, sizeof(err));
	if (rc > 0) {
		mb_run_usage(stdout);
		return MB_EXIT_OK;
	}
	if (rc) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	if (mb_topo_load(&topo, o.topology[0] ? o.topology : NULL, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	env.topo = topo;
	if (resolve_cores(&o, mb_topo_slots(topo, o.smt), err, sizeof(err)) ||
	    expand_workloads(&o, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		status = MB_EXIT_USAGE;
		goto out;
	}
	recipes = calloc(o.nworkloads ? o.nworkloads : 1, sizeof(*recipes));
	if (!recipes) {
		status = nomem("the recipes (%u workloads)", o.nworkloads);
		goto out;
	}
	for (unsigned i = 0; i < o.nworkloads; i++)
		if (mb_recipe_parse(o.workloads[i].recipe, &recipes[i], err, sizeof(err))) {
			fprintf(stderr, "modebench: -w/--workload: %s\n", err);
			status = MB_EXIT_USAGE;
			goto out;
		}

	/* The matrix. */
	for (unsigned wi = 0; wi < o.nworkloads; wi++)
		for (unsigned mi = 0; mi < o.nmodes; mi++) {
			const struct mb_mode *m = o.modes[mi];
			unsigned nb = m->async ? o.nbackends : 1;
			for (unsigned bi = 0; bi < nb; bi++)
				for (unsigned ki = 0; ki < o.ncores; ki++) {
					unsigned k = mb_mode_one_core(m) ? 1 : o.cores[ki];
					if (mb_mode_one_core(m) && ki > 0)
						break;
					unsigned nc = o.nconc ? o.nconc : 1;
					if (m->id == MB_MODE_SYNC)
						nc = 1;
					for (unsigned ci = 0; ci < nc; ci++) {
						unsigned nr = o.nrates ? o.nrates : 1;
						for (unsigned ri = 0; ri < nr; ri++) {
							if (ncfg == cap) {
								unsigned ncap = cap ? cap * 2 : 64;
								struct config *ncfgs = realloc(cfgs, (size_t)ncap * sizeof(*cfgs));
								if (!ncfgs) {
									status = nomem("the run matrix (%u configurations)", ncap);
									goto out;
								}
								cfgs = ncfgs;
								cap = ncap;
							}
							struct config *c = &cfgs[ncfg++];
							memset(c, 0, sizeof(*c));
							c->wl = wi;
							c->recipe = &recipes[wi];
							c->mode = m;
							c->backend = m->async ? o.backends[bi] : MB_BACKEND_NONE;
							c->k = k;
							/* conc 0: "k" (the default) */
							unsigned cc = o.nconc ? o.conc[ci] : 0;
							c->c = m->id == MB_MODE_SYNC ? 1 :
							       cc ? cc : (mb_mode_one_core(m) ? 1 : k);
							c->w = mb_mode_workers(m, k, c->c);
							c->rate = o.nrates ? o.rates[ri] : 0;
							c->gil_ns = (m->id == MB_MODE_THREADS ||
								     m->id == MB_MODE_ASYNC_THREADS) ? o.gil_ns : 0;
							mb_topo_plan(topo, k, o.policy, o.smt, c->pus);
							mb_topo_cpulist(c->pus, k, c->cpuset, sizeof(c->cpuset));
							snprintf(c->key, sizeof(c->key), "%s|%s|%s|%s|%s|%u|%u|%.6g|%.6g",
								 o.workloads[wi].name, o.workloads[wi].recipe,
								 m->name, mb_backend_name(c->backend),
								 mb_policy_name(o.policy), k, c->c, c->rate,
								 c->gil_ns / 1e3);
						}
					}
				}
		}
	/* De-duplicate configurations (sync repeated over -C, say). */
	{
		unsigned n = 0;
		for (unsigned i = 0; i < ncfg; i++) {
			bool dup = false;
			for (unsigned j = 0; j < n && !dup; j++)
				dup = !strcmp(cfgs[j].key, cfgs[i].key);
			if (!dup)
				cfgs[n++] = cfgs[i];
		}
		ncfg = n;
	}
	for (unsigned i = 0; i < ncfg; i++)
		if (cfgs[i].w > 20000) {
			fprintf(stderr, "modebench: -C/--concurrency: %u %s in mode %s is more than the "
				"20000 workers modebench starts; use an async mode for more\n",
				cfgs[i].c, cfgs[i].mode->procs ? "processes" : "threads",
				cfgs[i].mode->name);
			status = MB_EXIT_USAGE;
			goto out;
		}
	nplan = ncfg * (o.reps + o.warmup);
	plan = calloc(nplan ? nplan : 1, sizeof(*plan));
	if (!plan) {
		status = nomem("the run order (%u runs)", nplan);
		goto out;
	}
	{
		unsigned n = 0;
		for (unsigned i = 0; i < ncfg; i++)
			for (unsigned r = 0; r < o.warmup + o.reps; r++)
				plan[n++] = (struct planned){ i, r < o.warmup ? r : r - o.warmup,
							      r < o.warmup };
		if (!o.sequential) {
			/* Warmups first, then every measured run in one shuffled
			 * order, so drift of the machine spreads over all modes. */
			uint64_t rng = o.seed * 0x9E3779B97F4A7C15ull + 0x1234567;
			unsigned nw = 0;
			for (unsigned i = 0; i < nplan; i++)
				if (plan[i].warmup) {
					struct planned t = plan[nw];
					plan[nw++] = plan[i];
					plan[i] = t;
				}
			/* the swap above keeps warmups in front; measured runs
			 * behind them are shuffled. */
			shuffle(plan + nw, nplan - nw, &rng);
		}
	}

	if (o.dry_run) {
		printf("%s\nrun matrix: %u configurations x (%u warmup + %u reps) = %u runs, %s each\n",
		       topo->desc, ncfg, o.warmup, o.reps, nplan,
		       o.tasks ? "by task count" : "by duration");
		printf("%-10s %-28s %-13s %-8s %4s %6s %7s  %s\n", "workload", "recipe", "mode",
		       "backend", "k", "C", "workers", "cpuset (PU OS indexes, in assignment order)");
		for (unsigned i = 0; i < ncfg; i++) {
			struct config *c = &cfgs[i];
			printf("%-10s %-28.28s %-13s %-8s %4u %6u %7u  ", o.workloads[c->wl].name,
			       o.workloads[c->wl].recipe, c->mode->name, mb_backend_name(c->backend),
			       c->k, c->c, c->w);
			for (unsigned j = 0; j < c->k; j++)
				printf("%s%u", j ? "," : "", c->pus[j]);
			printf("%s\n", o.policy == MB_POLICY_NONE ? " (not bound)" : "");
		}
		goto out;
	}

	if (!o.output[0])
		default_output(&o);
	if (o.resume && mb_resume_load(&done_runs, o.output, err, sizeof(err)) < 0) {
		fprintf(stderr, "modebench: --resume: %s\n", err);
		status = MB_EXIT_USAGE;
		goto out;
	}

	/* Check -o and --trace before anything is created (the test file,
	 * the results directory, the CSV). */
	if (mb_csv_check(o.output, err, sizeof(err)) ||
	    (o.trace[0] && mb_path_check("--trace", o.trace, err, sizeof(err)))) {
		fprintf(stderr, "modebench: %s\n", err);
		status = MB_EXIT_USAGE;
		goto out;
	}

	/* I/O targets: the delay service and the test file. */
	{
		bool need_net = false, need_file = false;
		for (unsigned i = 0; i < o.nworkloads; i++) {
			unsigned f = mb_recipe_flags(&recipes[i]);
			need_net |= (f & MB_STEP_F_SERVER) != 0;
			need_file |= (f & MB_STEP_F_TEST_FILE) != 0;
		}
		unsigned maxk = 1;
		for (unsigned i = 0; i < ncfg; i++)
			if (cfgs[i].k > maxk)
				maxk = cfgs[i].k;
		unsigned pus[1024];
		mb_topo_plan(topo, maxk, o.policy, o.smt, pus);
		if ((rc = mb_io_prepare(&io, &o, topo, pus, maxk, need_net, need_file, err,
					sizeof(err)))) {
			fprintf(stderr, "modebench: %s\n", err);
			status = rc == -EINVAL ? MB_EXIT_USAGE : MB_EXIT_FAILED;
			goto out;
		}
	}

	if (!strncmp(o.output, "results/", 8))
		mkdir("results", 0755);
	if (mb_csv_open(&csv, o.output, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		status = MB_EXIT_USAGE;
		goto out;
	}

	if (o.trace[0] && !(trace = fopen(o.trace, "a"))) {
		fprintf(stderr, "modebench: --trace %s: cannot open: %s\n", o.trace, strerror(errno));
		status = MB_EXIT_USAGE;
		goto out;
	}

	/* Calibrate cpu:DUR once, on the first planned core. */
	{
		bool need = false;
		for (unsigned i = 0; i < o.nworkloads; i++) {
			const struct mb_step *st;
			MB_FOR_EACH_STEP(&recipes[i], st)
			{
				need |= (st->kind->flags & MB_STEP_F_WORK_UNITS) && st->dur_ns;
			}
		}
		if (need) {
			double ups = mb_cpu_calibrate(topo, cfgs[0].pus[0]);
			if (!o.quiet)
				fprintf(stderr, "calibrated: %.0f cpu work units per second on PU %u\n",
					ups, cfgs[0].pus[0]);
			for (unsigned i = 0; i < o.nworkloads; i++)
				mb_recipe_calibrate(&recipes[i], ups);
		}
	}

	{
		struct timespec ts;
		struct utsname u;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(env.sweep_id, sizeof(env.sweep_id), "%lx%04x", (unsigned long)ts.tv_sec,
			 (unsigned)(getpid() & 0xffff));
		uname(&u);
		snprintf(env.kernel, sizeof(env.kernel), "%s %s", u.sysname, u.release);
		snprintf(env.version, sizeof(env.version), "%s", MB_VERSION "+" MB_GIT_DESCRIBE);
	}
	{
		char meta[1100];
		snprintf(meta, sizeof(meta), "%s.meta.csv",
			 o.output);
		char *dot = strstr(meta, ".csv.meta.csv");
		if (dot)
			memmove(dot, ".meta.csv", strlen(".meta.csv") + 1);
		if (mb_meta_write(meta, env.sweep_id, topo, o.cmdline, err, sizeof(err)) &&
		    !o.quiet)
			fprintf(stderr, "modebench: warning: %s\n", err);
	}
	for (unsigned i = 0; i < ncfg; i++) {
		unsigned cap_reps = o.reps_auto ? o.reps_max : o.reps;
		cfgs[i].thr = calloc(cap_reps, sizeof(double));
		cfgs[i].p50 = calloc(cap_reps, sizeof(double));
		cfgs[i].p99 = calloc(cap_reps, sizeof(double));
		cfgs[i].util = calloc(cap_reps, sizeof(double));
		cfgs[i].wall = calloc(cap_reps, sizeof(double));
		cfgs[i].noisy = 0;
		if (!cfgs[i].thr || !cfgs[i].p50 || !cfgs[i].p99 || !cfgs[i].util || !cfgs[i].wall) {
			status = nomem("the results of %u configurations x %u repetitions", ncfg,
				       cap_reps);
			goto out;
		}
	}
	lat = malloc(sizeof(*lat));
	svc = malloc(sizeof(*svc));
	if (!lat || !svc) {
		status = nomem("a run's latency histograms");
		goto out;
	}

	/* The handlers stay installed after the sweep returns: a signal
	 * between two sweeps of one process is then noted, not fatal. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!o.quiet)
		fprintf(stderr, "modebench: %u runs (%u configurations) -> %s\n", nplan, ncfg,
			o.output);
	uint64_t t_start = mb_now_ns();
	unsigned skipped = 0;
	for (unsigned pi = 0; pi < nplan && !interrupted; pi++) {
		struct planned *p = &plan[pi];
		struct config *c = &cfgs[p->cfg];
		struct rowbuf row;
		char label[64];
		struct mb_run_result res = { .lat = lat, .svc = svc };
		struct mb_run run = {
			.recipe = c->recipe,
			.mode = c->mode,
			.backend = c->backend,
			.topo = topo,
			.policy = o.policy,
			.cores = c->k,
			.pus = c->pus,
			.concurrency = c->c,
			.nworkers = c->w,
			.tasks = o.tasks,
			.duration_ns = o.duration_ns,
			.timeout_ns = o.timeout_ns ? o.timeout_ns :
				      o.duration_ns ? 2 * o.duration_ns + 30 * MB_NS_PER_S :
						      600 * MB_NS_PER_S,
			.rate = c->rate,
			.poisson = o.poisson,
			.gil_ns = c->gil_ns,
			.seed = o.seed + pi,
			.server = io.server,
			.have_server = io.have_server,
			.file_fd = io.file_fd,
			.file_size = io.file_size,
			.direct = o.direct,
			.llc_bytes = mb_topo_llc_bytes(topo),
			.trace = p->warmup ? NULL : trace,
			.trace_label = label,
		};
		snprintf(label, sizeof(label), "%s-%04u", env.sweep_id, pi);
		if (done_runs && mb_resume_has(done_runs, c->key, p->rep, p->warmup)) {
			skipped++;
			continue;
		}
		progress(&o, pi, nplan, t_start, c, p);
		memset(&row, 0, sizeof(row));
		fill_identity(&row, &env, c, p, pi);
		const char *why = mb_run_unsupported(&run);
		memset(lat, 0, sizeof(*lat));
		if (why) {
			res.status = MB_ST_UNSUPPORTED;
			snprintf(res.error, sizeof(res.error), "%s", why);
		} else if (mb_mode_run(&run, &res)) {
			res.status = MB_ST_FAILED;
		}
		fill_result(&row, &res, c, &io);
		if (!p->warmup && res.status == MB_ST_OK && res.wall_s > 0) {
			c->thr[c->nres] = res.tasks / res.wall_s;
			double ci = ci_rel(c->thr, c->nres + 1);
			if (!isnan(ci))
				set(&row, MB_COL_ci_pct, "%.3g", 100 * ci);
		}
		if ((rc = mb_csv_write_row(csv, row.v))) {
			fprintf(stderr, "\nmodebench: -o %s: cannot write a row: %s (the file holds "
				"every row written before)\n", o.output, strerror(-rc));
			status = MB_EXIT_FAILED;
			break;
		}
		if (res.status == MB_ST_FAILED || res.status == MB_ST_TIMEOUT) {
			status = MB_EXIT_FAILED;
			if (!o.quiet)
				fprintf(stderr, "%s%s %s k=%u C=%u: %s: %s\n",
					(o.progress > 0 || (o.progress == 0 && isatty(2))) ? "\r\033[K" : "",
					o.workloads[c->wl].name, c->mode->name, c->k, c->c,
					mb_status_name(res.status), res.error);
		}
		if (p->warmup)
			continue;
		if (res.status == MB_ST_OK) {
			unsigned n = c->nres++;
			c->thr[n] = res.wall_s > 0 ? res.tasks / res.wall_s : 0;
			c->p50[n] = mb_hist_percentile(lat, 50) / 1e3;
			c->p99[n] = mb_hist_percentile(lat, 99) / 1e3;
			unsigned used = mb_mode_one_core(c->mode) ? 1 : c->k;
			c->util[n] = res.wall_s > 0 ? (res.user_s + res.sys_s) / (res.wall_s * used) : 0;
			c->wall[n] = res.wall_s;
			c->noisy += res.outside_load > 0.05;
		} else if (res.status == MB_ST_UNSUPPORTED) {
			c->nunsup++;
		} else {
			c->nfail++;
			snprintf(c->status, sizeof(c->status), "%s", mb_status_name(res.status));
		}
		if (o.reps_auto && pi + 1 == nplan) {
			/* --reps auto: another shuffled round for every
			 * configuration whose median is not yet tight enough. */
			unsigned add = 0;
			for (unsigned i = 0; i < ncfg; i++)
				if (needs_more(&cfgs[i], &o))
					add++;
			if (add) {
				struct planned *np = realloc(plan, (size_t)(nplan + add) * sizeof(*plan));
				if (!np) {
					if (o.progress > 0 || (o.progress == 0 && isatty(2)))
						fprintf(stderr, "\r\033[K");
					status = nomem("--reps auto's next round (%u runs); the rows so "
						       "far are in %s", add, o.output);
					break;
				}
				plan = np;
				unsigned n = nplan;
				for (unsigned i = 0; i < ncfg; i++)
					if (needs_more(&cfgs[i], &o))
						plan[n++] = (struct planned){ i, cfgs[i].nres + cfgs[i].nfail,
									      false };
				uint64_t rng = o.seed + nplan;
				if (!o.sequential)
					shuffle(plan + nplan, add, &rng);
				nplan += add;
			}
		}
	}
	if ((o.progress > 0 || (o.progress == 0 && isatty(2))))
		fprintf(stderr, "\r\033[K");
	if (!o.quiet) {
		print_summary(&o, cfgs, ncfg, stdout);
		if (skipped)
			printf("--resume: %u runs already in %s were skipped\n", skipped, o.output);
		printf("results: %s (%.1f s)\n", o.output, (mb_now_ns() - t_start) / 1e9);
	}
	if (interrupted) {
		fprintf(stderr, "modebench: interrupted; completed rows are in %s\n", o.output);
		status = MB_EXIT_INTERRUPTED;
		interrupted = 0; /* reported: a later sweep starts afresh */
	}
out:
	mb_io_cleanup(&io);
	mb_csv_close(csv);
	if (trace)
		fclose(trace);
	mb_resume_free(done_runs);
	for (unsigned i = 0; i < ncfg; i++) {
		free(cfgs[i].thr);
		free(cfgs[i].p50);
		free(cfgs[i].p99);
		free(cfgs[i].util);
		free(cfgs[i].wall);
	}
	free(cfgs);
	free(plan);
	free(recipes);
	free(lat);
	free(svc);
	mb_topo_free(topo);
	return status;
}
