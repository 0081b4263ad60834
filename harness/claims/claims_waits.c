/* The wait-bound claims: 1 (a batch of waits, sync vs one event loop), 7
 * (two waits inside one task) and the sync-vs-async timeline. Claim 3, the
 * cost of switching with tiny tasks and short waits, is claims_switch.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "step.h"

/* ---- claim 1 --------------------------------------------------------------- */

enum { M_WALL, M_BUSY, M_IDLE, M_UTIL }; /* per run: batch ms, us/task, us/task, 0..1 */

/* Per-run metrics of the selected rows into v (CL_MAXM per run). */
static unsigned batch_metrics(const struct cl_table *t, struct cl_sel s, double *v)
{
	unsigned rows[CL_MAXREP], n = cl_select(t, s, rows, CL_MAXREP);
	for (unsigned i = 0; i < n; i++) {
		double wall = cl_num(t, rows[i], "wall_s"), tasks = cl_num(t, rows[i], "tasks");
		double cpu = cl_num(t, rows[i], "user_s") + cl_num(t, rows[i], "sys_s");
		double *m = &v[i * CL_MAXM];
		m[M_WALL] = wall * 1e3;
		m[M_BUSY] = cpu / tasks * 1e6;
		m[M_IDLE] = (wall - cpu) / tasks * 1e6; /* one core used */
		m[M_UTIL] = cl_num(t, rows[i], "cpu_util");
	}
	return n;
}

/* Bootstrap statistics over per-sample medians (cl_boot): med[M_*] is
 * sync's, med[CL_MAXM + M_*] async's. How many times sooner async
 * finished the batch. */
static double stat_speedup(const double *med, void *arg)
{
	(void)arg;
	return med[M_WALL] / med[CL_MAXM + M_WALL];
}

/* Share of the time saved per task that was idle time, not computing. */
static double stat_idle_share(const double *med, void *arg)
{
	double n = *(double *)arg;
	double saved = (med[M_WALL] - med[CL_MAXM + M_WALL]) * 1e3 / n;
	return saved > 0 ? (med[M_IDLE] - med[CL_MAXM + M_IDLE]) / saved : NAN;
}

/* One metric of one sample; arg points at its M_* index. */
static double stat_one(const double *med, void *arg)
{
	return med[*(int *)arg];
}

/* The bootstrap median of metric m of one sample. */
static struct cl_ci batch_median(const struct cl_sample *s, int m)
{
	struct cl_ci x;
	char what[48];
	snprintf(what, sizeof(what), "claim 1: median of metric %d", m);
	cl_boot(what, s, 1, stat_one, &m, &x);
	return x;
}

/* Claim 1's runs read back: sync, then async at each C. */
struct batch {
	unsigned n;		/* tasks in the batch */
	unsigned conc[2], nconc; /* async's C: 64, and n when n > 64 */
	double v[3][CL_MAXREP * CL_MAXM]; /* per run, CL_MAXM metrics (M_*) */
	unsigned nv[3];
};

/* The table, one row per configuration, and DIR/claim1.dat for the chart
 * (rows with no usable runs stay out of it). */
static void batch_table(struct cl_ctx *ctx, struct cl_claim *c, const struct batch *bt)
{
	char a[96], b[96], path[CL_PATH];

	cl_head(c, "mode", "C", "batch time", "busy", "idle", "CPU per task", "idle per task",
		NULL);
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim1.dat"), "w");
	if (f)
		fprintf(f, "label,batch_ms,lo,hi,busy_us,idle_us,busy_pct\n");
	for (unsigned g = 0; g < 1 + bt->nconc; g++) {
		struct cl_sample s = { bt->v[g], bt->nv[g], CL_MAXM };
		struct cl_ci w = batch_median(&s, M_WALL), busy = batch_median(&s, M_BUSY);
		struct cl_ci idle = batch_median(&s, M_IDLE), util = batch_median(&s, M_UTIL);
		unsigned conc = g ? bt->conc[g - 1] : 1;
		unsigned r = cl_row(c);
		cl_cell(c, r, 0, "%s", g ? "async" : "sync");
		cl_cell(c, r, 1, "%u", conc);
		cl_cell(c, r, 2, "%s", cl_fmt_ci(a, sizeof(a), &w, 1, " ms"));
		cl_cell(c, r, 3, "%s%%", cl_fmt(b, sizeof(b), 100 * util.est));
		cl_cell(c, r, 4, "%s%%", cl_fmt(b, sizeof(b), 100 * (1 - util.est)));
		cl_cell(c, r, 5, "%s us", cl_fmt(b, sizeof(b), busy.est));
		cl_cell(c, r, 6, "%s us", cl_fmt(b, sizeof(b), idle.est));
		if (f && w.n)
			fprintf(f, "%s C=%u,%g,%g,%g,%g,%g,%g\n", g ? "async" : "sync", conc, w.est,
				w.lo, w.hi, busy.est, idle.est, 100 * util.est);
	}
	if (f)
		fclose(f);
}

/* The rule, on sync against async at C=64: the batch at least
 * CL_WAIT_SPEEDUP times sooner and at least CL_IDLE_SHARE of the time
 * saved per task idle time, both on the whole interval. Sets the verdict
 * and why, and adds the notes on CPU per task. */
static void batch_verdict(struct cl_claim *c, const struct batch *bt)
{
	struct cl_sample s[2] = { { bt->v[0], bt->nv[0], CL_MAXM },
				  { bt->v[1], bt->nv[1], CL_MAXM } };
	struct cl_ci sp, share;
	double nt = bt->n;
	char a[96], b[96];

	cl_boot("claim 1: batch time, sync / async", s, 2, stat_speedup, NULL, &sp);
	cl_boot("claim 1: idle share of the time saved", s, 2, stat_idle_share, &nt, &share);
	if (!sp.n || !share.n) {
		cl_why(c, "The sync or the async (C=64) configuration has too few usable runs "
		       "(successful and undisturbed), so nothing can be decided.");
		return;
	}
	bool sp_ok = sp.lo >= CL_WAIT_SPEEDUP, sp_bad = sp.hi < CL_WAIT_SPEEDUP;
	bool sh_ok = share.lo >= CL_IDLE_SHARE, sh_bad = share.hi < CL_IDLE_SHARE;
	c->verdict = sp_ok && sh_ok ? CL_HOLDS : sp_bad || sh_bad ? CL_FAILS : CL_INCONCLUSIVE;
	cl_why(c, "One async worker (C=64) finished the batch %s sooner than one sync "
	       "worker (ratio of median batch times; threshold for *much sooner*: the "
	       "whole interval at or above %.0fx), and %s of the time it saved per task "
	       "was idle time, not computing (threshold: at least %.0f%%). That is the "
	       "claim's mechanism: the work is not done faster; the waiting is "
	       "overlapped, so the worker spends less idle time per task.",
	       cl_fmt_ci_vs(a, sizeof(a), &sp, 1, "x", CL_THR(CL_WAIT_SPEEDUP)), CL_WAIT_SPEEDUP,
	       cl_fmt_ci_vs(b, sizeof(b), &share, 100, "%", CL_THR(CL_IDLE_SHARE)),
	       100 * CL_IDLE_SHARE);
	double busy_s = batch_median(&s[0], M_BUSY).est, busy_a = batch_median(&s[1], M_BUSY).est;
	cl_note(c, "CPU time per task: sync %s us, async %s us. %s", cl_fmt(a, sizeof(a), busy_s),
		cl_fmt(b, sizeof(b), busy_a),
		busy_a <= busy_s ?
		"The async worker did not spend more CPU per task than sync, so a faster "
		"way of working is not what made it finish sooner. That it spent less is "
		"most likely the blocking sleep's own cost in the kernel (a system call, "
		"a timer and a wake-up per task), which one loop wait shares among many "
		"timers." :
		"The async worker spent more CPU per task (the loop's bookkeeping), yet "
		"finished sooner: the waiting, not the work, is what it saved.");
	cl_note(c, "Busy is (user + sys) / wall time of the worker's one core (the CSV's "
		"cpu_util); idle is the rest. Both workers are idle most of the time with "
		"pure waits; async is idle far less *per task* because its waits overlap.");
}

/* Phases: the sweep, reading back the per-run metrics, the table with its
 * chart data, the verdict, the chart. Cost: the sweep, a batch of 64 or
 * 256 one-millisecond waits per run (sync takes about n ms). */
void cl_claim_waits(struct cl_ctx *ctx, struct cl_claim *c)
{
	struct batch bt = { .n = ctx->quick ? 64 : 256 };
	struct cl_table t;

	bt.conc[0] = 64, bt.conc[1] = bt.n;
	bt.nconc = bt.n == 64 ? 1 : 2;
	cl_experiment(c, "A batch of %u tasks that each only wait 1 ms (sleep:1ms), run by one "
		      "sync worker (one task at a time) and by one async worker (an event loop "
		      "with C tasks in flight); we time the batch and split each worker's time "
		      "into busy (user + sys CPU time) and idle.", bt.n);
	cl_run(ctx, c, "claim1.csv", true, "-w sleep:1ms -m sync,async -C %s -n %u",
	       bt.nconc == 1 ? "64" : "64,256", bt.n);
	if (cl_load_runs(ctx, c, &t, "claim1.csv"))
		return;
	bt.nv[0] = batch_metrics(&t, CL_SEL(.mode = "sync"), bt.v[0]);
	for (unsigned i = 0; i < bt.nconc; i++)
		bt.nv[1 + i] = batch_metrics(&t, CL_SEL(.mode = "async", .conc = bt.conc[i]),
					     bt.v[1 + i]);
	cl_table_free(&t);
	batch_table(ctx, c, &bt);
	batch_verdict(c, &bt);
	cl_chart(ctx, c, 0, "claims_waits.gp", "claim1.dat", "claim1.png", NULL,
		 "Claim 1: batch completion time (log scale, 95% CI) and busy vs idle time per "
		 "task");
}

/* ---- claim 7 ---------------------------------------------------------------- */

#define BF_RECIPE "(sleep:3ms|sleep:5ms)+cpu:200us"
#define BF_A_US 3000.0
#define BF_B_US 5000.0
#define BF_CPU_US 200.0

/* The sweep (C=1, a batch of 12 or 60 tasks per run, each about 5 to 8
 * ms), the table with DIR/claim7.dat, the verdict on the midpoint between
 * the two predictions, the chart. Uses the breakfast preset by name while
 * it is still BF_RECIPE, so the command a user pastes stays short. */
void cl_claim_breakfast(struct cl_ctx *ctx, struct cl_claim *c)
{
	const char *preset = mb_preset_recipe("breakfast");
	bool use_preset = preset && !strcmp(preset, BF_RECIPE);
	double overlap = fmax(BF_A_US, BF_B_US) + BF_CPU_US, sum = BF_A_US + BF_B_US + BF_CPU_US;
	double mid = (overlap + sum) / 2, v[CL_MAXREP];
	struct cl_ci p50[2], p99[2];
	static const char *const modes[2] = { "sync", "async" };
	char a[96], b[96], path[CL_PATH];
	struct cl_table t;

	cl_experiment(c, "The breakfast task %s: two independent waits (eggs 3 ms, toast 5 ms), "
		      "then 200 us of CPU, run one task at a time (C=1) by a sync worker, which "
		      "does the two waits one after the other, and by an event loop, which starts "
		      "both and resumes when both are done; we compare the median task latency to "
		      "max(a, b) + cpu = %.1f ms and a + b + cpu = %.1f ms.", BF_RECIPE,
		      overlap / 1e3, sum / 1e3);
	cl_run(ctx, c, "claim7.csv", true, "-w %s -m sync,async -C 1 -n %u",
	       use_preset ? "breakfast" : BF_RECIPE, ctx->quick ? 12 : 60);
	if (cl_load_runs(ctx, c, &t, "claim7.csv"))
		return;
	cl_head(c, "mode", "p50 latency", "p99 latency", "if the waits overlap",
		"if they add up", NULL);
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim7.dat"), "w");
	if (f)
		fprintf(f, "mode,p50_ms,lo,hi,p99_ms,overlap_ms,sum_ms\n");
	for (unsigned m = 0; m < 2; m++) {
		unsigned n = cl_get(&t, CL_SEL(.mode = modes[m], .conc = 1), "lat_p50_us", v);
		cl_ci_median(v, n, &p50[m]);
		n = cl_get(&t, CL_SEL(.mode = modes[m], .conc = 1), "lat_p99_us", v);
		cl_ci_median(v, n, &p99[m]);
		unsigned r = cl_row(c);
		cl_cell(c, r, 0, "%s", modes[m]);
		cl_cell(c, r, 1, "%s", cl_fmt_ci(a, sizeof(a), &p50[m], 1e-3, " ms"));
		cl_cell(c, r, 2, "%s ms", cl_fmt(a, sizeof(a), p99[m].est / 1e3));
		cl_cell(c, r, 3, "%s ms", cl_fmt(a, sizeof(a), overlap / 1e3));
		cl_cell(c, r, 4, "%s ms", cl_fmt(a, sizeof(a), sum / 1e3));
		if (f && p50[m].n)
			fprintf(f, "%s,%g,%g,%g,%g,%g,%g\n", modes[m], p50[m].est / 1e3,
				p50[m].lo / 1e3, p50[m].hi / 1e3, p99[m].est / 1e3, overlap / 1e3,
				sum / 1e3);
	}
	if (f)
		fclose(f);
	cl_table_free(&t);
	if (!p50[0].n || !p50[1].n) {
		cl_why(c, "The sync or the async configuration has too few usable runs "
		       "(successful and undisturbed), so nothing can be decided.");
	} else {
		/* a median within one histogram bucket of the midpoint is not
		 * on either side of it */
		bool bucket = cl_same_bucket(p50[1].est, mid) || cl_same_bucket(p50[0].est, mid);
		bool ok = p50[1].hi < mid && p50[0].lo > mid && !bucket;
		bool bad = (p50[1].lo > mid || p50[0].hi < mid) && !bucket;
		c->verdict = ok ? CL_HOLDS : bad ? CL_FAILS : CL_INCONCLUSIVE;
		cl_why(c, "Median task latency: async %s against %.1f ms if the waits overlap; "
		       "sync %s against %.1f ms if they add up. The rule: async's whole interval "
		       "below the midpoint %.1f ms and sync's above it.%s What is left over the "
		       "ideal (async %s ms, sync %s ms) is the timers' wake-up latency and "
		       "bookkeeping.", cl_fmt_ci_vs(a, sizeof(a), &p50[1], 1e-3, " ms", CL_THR(mid)),
		       overlap / 1e3, cl_fmt_ci_vs(b, sizeof(b), &p50[0], 1e-3, " ms", CL_THR(mid)),
		       sum / 1e3, mid / 1e3,
		       bucket ? " A median within one histogram bucket of the midpoint (the "
				"histogram keeps a latency to within 1/128) is on neither side." : "",
		       cl_fmt((char[32]){ 0 }, 32, (p50[1].est - overlap) / 1e3),
		       cl_fmt((char[32]){ 0 }, 32, (p50[0].est - sum) / 1e3));
	}
	if (!use_preset)
		cl_note(c, "The breakfast preset is no longer %s, so the recipe is given "
			"explicitly.", BF_RECIPE);
	cl_chart(ctx, c, 0, "claims_breakfast.gp", "claim7.dat", "claim7.png", NULL,
		 "Claim 7: median task latency (95% CI) against the overlap and sum predictions");
}

/* ---- timeline ------------------------------------------------------------- */

/* One traced run of 6 breakfast tasks per mode (an illustration, no
 * verdict, so disturbed runs are taken too), the table of batch times,
 * and one chart per mode on a shared time axis: the longest of the two
 * runs' traces, read back once. */
void cl_timeline(struct cl_ctx *ctx, struct cl_claim *c)
{
	static const char *const modes[2] = { "sync", "async" };
	struct cl_table t, tr;
	char path[CL_PATH], ids[2][64] = { "", "" }, extra[512], png[32], cap[300], a[32];
	double tmax = 0;

	cl_experiment(c, "The same batch of 6 breakfast tasks (%s), traced task by task: sync "
		      "runs them one after the other; async keeps C=3 in flight on one thread, "
		      "so their waits overlap while the CPU parts still take turns. Both charts "
		      "share one time axis.", BF_RECIPE);
	cl_run(ctx, c, "timeline.csv", false,
	       "-w breakfast -m sync,async -C 3 -n 6 -r 1 --warmup 0 --order sequential "
	       "--trace @timeline_trace.csv");
	if (cl_load_runs(ctx, c, &t, "timeline.csv"))
		return;
	cl_head(c, "mode", "C", "batch of 6", NULL);
	for (unsigned m = 0; m < 2; m++) {
		unsigned rows[CL_MAXREP];
		/* illustration, not a measurement: whatever the load */
		unsigned n = cl_select(&t, CL_SEL(.mode = modes[m], .any_load = true), rows,
				       CL_MAXREP);
		if (!n)
			continue;
		snprintf(ids[m], sizeof(ids[m]), "%s", cl_str(&t, rows[0], "run_id"));
		unsigned r = cl_row(c);
		cl_cell(c, r, 0, "%s", modes[m]);
		cl_cell(c, r, 1, "%s", cl_str(&t, rows[0], "concurrency"));
		cl_cell(c, r, 2, "%s ms", cl_fmt(a, sizeof(a), cl_num(&t, rows[0], "wall_s") * 1e3));
	}
	cl_table_free(&t);
	char err[CL_PATH + 128];
	if (cl_table_load(&tr, cl_path(ctx, path, sizeof(path), "timeline_trace.csv"), err,
			  sizeof(err))) {
		cl_note(c, "No trace to draw: %s.", err);
		return;
	}
	for (unsigned r = 0; r < tr.nrow; r++)
		for (unsigned m = 0; m < 2; m++)
			if (ids[m][0] && !strcmp(cl_str(&tr, r, "label"), ids[m]))
				tmax = fmax(tmax, cl_num(&tr, r, "end_us") / 1e3);
	cl_table_free(&tr);
	for (unsigned m = 0; m < 2; m++) {
		if (!ids[m][0])
			continue;
		snprintf(extra, sizeof(extra), "label='%s'; name='%s (run %s)'; tmax=%g", ids[m],
			 modes[m], ids[m], tmax * 1.02);
		snprintf(png, sizeof(png), "timeline_%s.png", modes[m]);
		snprintf(cap, sizeof(cap), "Timeline of the %s run: orange = CPU, blue = waiting",
			 modes[m]);
		cl_chart(ctx, c, m, "timeline.gp", "timeline_trace.csv", png, extra, cap);
	}
}
