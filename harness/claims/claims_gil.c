/* Claim 6: the interpreter lock (--gil). Part a: CPU-bound throughput of
 * threads under the lock against sync and processes. Part b: the convoy
 * effect. The harness runs one recipe in every worker (there are no
 * per-worker recipes), so instead of one I/O-bound thread beside one
 * CPU-bound thread, each of two threads alternates a 1 ms wait with 20 ms
 * of computation: when one thread's wait ends the other is usually
 * computing and holds the lock. The trace times each wait step from its
 * start until the thread holds the lock again, so the wait's length minus
 * its nominal 1 ms is the delay the lock added (plus the timer's own
 * wake-up latency, which the run without a lock measures). The lock is
 * the emulation the README describes under "How it measures" (--gil). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "base.h"

#define CV_RECIPE CL_CONVOY_RECIPE
#define CV_WAIT_US 1000.0

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, unsigned n, double p)
{
	unsigned r = (unsigned)ceil(p / 100 * n);
	return n ? v[r ? r - 1 : 0] : NAN;
}

void cl_convoy(struct cl_ctx *ctx, struct cl_claim *c, struct cl_convoy *v, const char *mode,
	       const char *csv, const char *trace, bool run)
{
	char path[CL_PATH], err[CL_PATH + 128];
	struct cl_table t, tr;
	unsigned rows[CL_MAXREP], nr;

	if (run)
		cl_run(ctx, c, csv, true, "-w %s -m %s -c all -C 2 -d %s%s%s --trace @%s", CV_RECIPE,
		       mode, ctx->quick ? "200ms" : "600ms", v->opt[0] ? " " : "", v->opt, trace);
	if (cl_load_runs(ctx, c, &t, csv))
		return;
	nr = cl_select(&t, CL_SEL(.mode = mode), rows, CL_MAXREP);
	if (nr)
		snprintf(v->id, sizeof(v->id), "%s", cl_str(&t, rows[0], "run_id"));
	v->nlat = cl_values(&t, rows, nr, "lat_p99_us", v->lat99);
	v->ntp = cl_values(&t, rows, nr, "throughput", v->tp);
	double k[CL_MAXREP], units[CL_MAXREP];
	unsigned nk = cl_values(&t, rows, nr, "cores", k);
	v->nbusy = cl_values(&t, rows, nr, "cpu_util", v->busy);
	for (unsigned i = 0; i < v->nbusy; i++)
		v->busy[i] *= i < nk ? k[i] : 1;
	unsigned nu = cl_values(&t, rows, nr, "work_units", units);
	v->units = nu ? cl_median(units, nu) : NAN;
	if (cl_table_load(&tr, cl_path(ctx, path, sizeof(path), trace), err, sizeof(err))) {
		cl_note(c, "No trace to read: %s.", err);
		cl_table_free(&t);
		return;
	}
	double *d = malloc((tr.nrow + 1) * sizeof(*d));
	for (unsigned i = 0; d && i < nr; i++) {
		const char *id = cl_str(&t, rows[i], "run_id");
		unsigned nd = 0;
		for (unsigned r = 0; r < tr.nrow; r++)
			if (!strcmp(cl_str(&tr, r, "kind"), "wait") && !strcmp(cl_str(&tr, r, "label"), id))
				d[nd++] = cl_num(&tr, r, "end_us") - cl_num(&tr, r, "start_us") -
					  CV_WAIT_US;
		if (!nd)
			continue;
		qsort(d, nd, sizeof(*d), mb_stat_cmp_double);
		v->p50[v->n] = pct(d, nd, 50);
		v->p99[v->n] = pct(d, nd, 99);
		v->n++;
	}
	free(d);
	cl_table_free(&tr);
	cl_table_free(&t);
	cl_ci_median(v->p50, v->n, &v->c50);
	cl_ci_median(v->p99, v->n, &v->c99);
	cl_ci_median(v->lat99, v->nlat, &v->clat);
	cl_ci_median(v->tp, v->ntp, &v->ctp);
	cl_ci_median(v->busy, v->nbusy, &v->cbusy);
}

/* Part a's figures: throughput on the cpu preset against sync. */
struct gil_cpu {
	struct cl_ci r_gil;  /* threads under --gil=5ms */
	struct cl_ci r_free; /* threads without the lock */
	struct cl_ci r_pr;   /* processes, each with its own lock */
	double k;	     /* the cores the threads ran on (their cores column) */
};

/* Part a: the cpu preset by sync, threads and processes under the lock,
 * then threads without it; reads both back into g. A configuration
 * without usable runs leaves its ratio empty (n == 0). Cost: two sweeps
 * of 100 or 300 ms per configuration and repetition. */
static void gil_cpu_runs(struct cl_ctx *ctx, struct cl_claim *c, unsigned cc, struct gil_cpu *g)
{
	const char *dur = ctx->quick ? "100ms" : "300ms";
	double sync_tp[CL_MAXREP], th_gil[CL_MAXREP], th_free[CL_MAXREP], pr[CL_MAXREP];
	unsigned ns = 0, ng = 0, nf = 0, np = 0;
	struct cl_table t;

	g->k = ctx->k;
	cl_run(ctx, c, "claim6_cpu.csv", true, "-w cpu -m sync,threads,procs -c all -C %u "
	       "--gil=5ms -d %s", cc, dur);
	if (!cl_load_runs(ctx, c, &t, "claim6_cpu.csv")) {
		ns = cl_get(&t, CL_SEL(.mode = "sync"), "throughput", sync_tp);
		ng = cl_get(&t, CL_SEL(.mode = "threads", .gil_us = "5000"), "throughput", th_gil);
		np = cl_get(&t, CL_SEL(.mode = "procs"), "throughput", pr);
		double kv[CL_MAXREP];
		unsigned nk = cl_get(&t, CL_SEL(.mode = "threads"), "cores", kv);
		if (nk)
			g->k = cl_median(kv, nk);
		cl_table_free(&t);
	}
	cl_run(ctx, c, "claim6_cpu_nolock.csv", true, "-w cpu -m threads -c all -C %u -d %s", cc,
	       dur);
	if (!cl_load_runs(ctx, c, &t, "claim6_cpu_nolock.csv")) {
		nf = cl_get(&t, CL_SEL(.mode = "threads", .gil_us = "0"), "throughput", th_free);
		cl_table_free(&t);
	}
	cl_ci_ratio(th_gil, ng, sync_tp, ns, &g->r_gil);
	cl_ci_ratio(th_free, nf, sync_tp, ns, &g->r_free);
	cl_ci_ratio(pr, np, sync_tp, ns, &g->r_pr);
}

/* Part b: the convoy without the lock, under --gil=5ms and --gil=1ms, in
 * that order (cv[0..2]); stops early when interrupted. */
static void convoy_runs(struct cl_ctx *ctx, struct cl_claim *c, struct cl_convoy cv[3])
{
	static const char *const tags[3] = { "none", "gil5ms", "gil1ms" };

	memset(cv, 0, 3 * sizeof(*cv));
	cv[0].name = "no lock", cv[0].opt = "";
	cv[1].name = "--gil=5ms", cv[1].opt = "--gil=5ms";
	cv[2].name = "--gil=1ms", cv[2].opt = "--gil=1ms";
	for (unsigned i = 0; i < 3 && !ctx->interrupted; i++) {
		char csv[64], trace[64];
		snprintf(csv, sizeof(csv), "claim6_convoy_%s.csv", tags[i]);
		snprintf(trace, sizeof(trace), "claim6_convoy_%s_trace.csv", tags[i]);
		cl_convoy(ctx, c, &cv[i], "threads", csv, trace, true);
	}
}

/* The table: one column per setting; part a's ratios in the first row,
 * the convoy's delays, latency and throughput below. */
static void gil_table(struct cl_claim *c, const struct gil_cpu *g, const struct cl_convoy cv[3])
{
	static const char *const what[4] = { "convoy: delay after a 1 ms wait, p50",
					     "convoy: delay after a 1 ms wait, p99",
					     "convoy: task latency p99", "convoy: tasks/s" };
	char a[96];

	cl_head(c, "measure", "threads, no lock", "threads, --gil=5ms", "threads, --gil=1ms",
		"processes", NULL);
	unsigned r = cl_row(c);
	cl_cell(c, r, 0, "cpu preset: throughput vs sync");
	cl_cell(c, r, 1, "%s", cl_fmt_ci(a, sizeof(a), &g->r_free, 1, "x"));
	cl_cell(c, r, 2, "%s", cl_fmt_ci_vs(a, sizeof(a), &g->r_gil, 1, "x", CL_THR(CL_NO_SPEEDUP)));
	cl_cell(c, r, 3, "not run");
	cl_cell(c, r, 4, "%s", cl_fmt_ci_vs(a, sizeof(a), &g->r_pr, 1, "x",
					     CL_THR(CL_CORE_EFF * g->k)));
	for (unsigned w = 0; w < 4; w++) {
		r = cl_row(c);
		cl_cell(c, r, 0, "%s", what[w]);
		for (unsigned i = 0; i < 3; i++) {
			const struct cl_ci *x = w == 0 ? &cv[i].c50 : w == 1 ? &cv[i].c99 :
						w == 2 ? &cv[i].clat : &cv[i].ctp;
			cl_cell(c, r, 1 + i, "%s", cl_fmt_ci(a, sizeof(a), x, w < 3 ? 1e-3 : 1,
							      w < 3 ? " ms" : ""));
		}
		cl_cell(c, r, 4, "not run");
	}
}

/* DIR/claim6.dat: part a's ratios, then (a second gnuplot index) the
 * convoy's delays in ms. Settings without usable runs are left out. */
static void gil_data(struct cl_ctx *ctx, const struct gil_cpu *g, const struct cl_convoy cv[3])
{
	/* no commas: the labels are CSV fields */
	static const char *const names[3] = { "threads (no lock)", "threads --gil=5ms",
					      "processes" };
	const struct cl_ci *rs[3] = { &g->r_free, &g->r_gil, &g->r_pr };
	char path[CL_PATH];
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim6.dat"), "w");

	if (!f)
		return;
	fprintf(f, "setting,ratio,lo,hi,cores\n");
	for (unsigned i = 0; i < 3; i++)
		if (rs[i]->n)
			fprintf(f, "%s,%g,%g,%g,%g\n", names[i], rs[i]->est, rs[i]->lo, rs[i]->hi,
				g->k);
	fprintf(f, "\n\nsetting,p50_ms,p50_lo,p50_hi,p99_ms,p99_lo,p99_hi\n");
	for (unsigned i = 0; i < 3; i++)
		if (cv[i].c50.n)
			fprintf(f, "%s,%g,%g,%g,%g,%g,%g\n", cv[i].name, cv[i].c50.est / 1e3,
				cv[i].c50.lo / 1e3, cv[i].c50.hi / 1e3, cv[i].c99.est / 1e3,
				cv[i].c99.lo / 1e3, cv[i].c99.hi / 1e3);
	fclose(f);
}

/* The rule. (a) Threads under the lock below CL_NO_SPEEDUP x sync and
 * processes at or above CL_CORE_EFF k (undecided on one core). (b) Under
 * --gil=5ms a 1 ms wait at least CL_CONVOY_US late at p99 and above the
 * no-lock interval, and --gil=1ms at most CL_SHORTER of that. Holds when
 * both parts hold; does not hold when either fails. */
static void gil_verdict(struct cl_claim *c, const struct gil_cpu *g, const struct cl_convoy cv[3])
{
	char a[96], b[96], d[96], e[96];
	struct cl_ci r15;
	double k = g->k, need = CL_CORE_EFF * k;

	cl_ci_ratio(cv[2].p99, cv[2].n, cv[1].p99, cv[1].n, &r15);
	if (!g->r_gil.n || !g->r_pr.n || !cv[0].c99.n || !cv[1].c99.n || !cv[2].c99.n) {
		cl_why(c, "Some configurations have too few usable runs (successful and "
		       "undisturbed), so nothing can be decided.");
		return;
	}
	bool a_ok = g->r_gil.hi < CL_NO_SPEEDUP && g->r_pr.lo >= need;
	bool a_bad = g->r_gil.lo >= CL_NO_SPEEDUP || g->r_pr.hi < need;
	bool b_ok = cv[1].c99.lo >= CL_CONVOY_US && cv[1].c99.lo > cv[0].c99.hi && r15.n &&
		    r15.hi <= CL_SHORTER;
	bool b_bad = cv[1].c99.hi < CL_CONVOY_US || (r15.n && r15.lo >= 1);
	if (k < 2)
		a_ok = a_bad = false;
	c->verdict = a_ok && b_ok ? CL_HOLDS : a_bad || b_bad ? CL_FAILS : CL_INCONCLUSIVE;
	cl_why(c, "(a) On the cpu preset, threads under the lock reached %s sync's "
	       "throughput and processes %s, on k=%.0f cores (rule: threads' whole interval "
	       "below %.1fx, processes' at or above %.1fx, %.0f%% of k; without the lock "
	       "threads reached %s). (b) A 1 ms wait ended %s late at the 99th "
	       "percentile under --gil=5ms, against %s ms without the lock, and %s ms under "
	       "--gil=1ms, %s the 5 ms figure (rule: under --gil=5ms at least %.0f ms late "
	       "and above the no-lock interval; with 1 ms at most %.2fx of it). %s",
	       cl_fmt_ci_vs(a, sizeof(a), &g->r_gil, 1, "x", CL_THR(CL_NO_SPEEDUP)),
	       cl_fmt_ci_vs(b, sizeof(b), &g->r_pr, 1, "x", CL_THR(need)),
	       k, CL_NO_SPEEDUP, need, 100 * CL_CORE_EFF,
	       cl_fmt_ci(d, sizeof(d), &g->r_free, 1, "x"),
	       cl_fmt_ci_vs(e, sizeof(e), &cv[1].c99, 1e-3, " ms", CL_THR(CL_CONVOY_US, cv[0].c99.hi)),
	       cl_fmt((char[32]){ 0 }, 32, cv[0].c99.est / 1e3),
	       cl_fmt((char[32]){ 0 }, 32, cv[2].c99.est / 1e3),
	       cl_fmt_ci_vs((char[96]){ 0 }, 96, &r15, 1, "x", CL_THR(CL_SHORTER, 1)),
	       CL_CONVOY_US / 1e3, CL_SHORTER,
	       k < 2 ? "Part (a) needs at least 2 cores and is not decided here." :
	       a_ok && b_ok ? "Both parts hold." :
	       a_bad && b_bad ? "Neither part holds." :
	       a_bad ? "Part (a) does not hold." : b_bad ? "Part (b) does not hold." :
	       "At least one part is undecided.");
}

/* The note on how the convoy is measured, the chart of both parts, and
 * what the lock does task by task: the first 100 ms of one --gil=5ms run,
 * drawn from its trace when there is one. */
static void gil_charts(struct cl_ctx *ctx, struct cl_claim *c, const struct cl_convoy cv[3])
{
	cl_note(c, "The harness runs the same recipe in every worker; it has no way to give "
		"one thread I/O-bound tasks and another CPU-bound ones. The convoy experiment "
		"therefore alternates both phases in each thread, which puts a thread coming "
		"back from its wait next to one in the middle of its computation most of the "
		"time. The delay is measured from the trace: the wait step ends when the thread "
		"holds the lock again.");
	cl_chart(ctx, c, 0, "claims_gil.gp", "claim6.dat", "claim6.png", NULL,
		 "Claim 6: CPU-bound speedup under the lock, and the delay after a 1 ms wait "
		 "(p50 and p99, 95% CI)");
	if (cv[1].id[0]) {
		char extra[256];
		snprintf(extra, sizeof(extra), "label='%s'; name='threads --gil=5ms, %s (run %s)'; "
			 "tmax=100", cv[1].id, CV_RECIPE, cv[1].id);
		cl_chart(ctx, c, 1, "timeline.gp", "claim6_convoy_gil5ms_trace.csv",
			 "claim6_timeline.png", extra,
			 "Claim 6: the two threads under --gil=5ms, traced: orange = computing, "
			 "blue = the 1 ms wait, red = waiting for the lock");
	}
}

/* Phases: part a's runs and ratios, part b's convoy runs, the table, the
 * chart data, the verdict, the charts. Every part is run even when an
 * earlier one has no usable runs, so the table shows what there is. */
void cl_claim_gil(struct cl_ctx *ctx, struct cl_claim *c)
{
	struct cl_convoy cv[3];
	unsigned cc = ctx->k < 2 ? 2 : ctx->k;
	struct gil_cpu g;

	cl_experiment(c, "(a) The cpu preset run by sync, by C=%u threads under the emulated "
		      "interpreter lock (--gil=5ms, CPython's default switch interval), by C=%u "
		      "threads without it and by C=%u processes (each has its own lock, as "
		      "CPython processes do), over all k=%u cores. (b) Two threads each "
		      "alternating a 1 ms wait with 20 ms of computation (%s) without the lock, "
		      "with --gil=5ms and with --gil=1ms; from the per-task trace we take how "
		      "much longer than 1 ms each wait took until its thread held the lock "
		      "again.", cc, cc, cc, ctx->k, CV_RECIPE);
	gil_cpu_runs(ctx, c, cc, &g);
	convoy_runs(ctx, c, cv);
	gil_table(c, &g, cv);
	gil_data(ctx, &g, cv);
	gil_verdict(c, &g, cv);
	gil_charts(ctx, c, cv);
}
