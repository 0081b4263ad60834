/* The claims about cores: 2 (CPU-bound work: async alone vs threads and
 * processes), 4 (throughput against the individual task's wait) and 5
 * (CPU work in each task as concurrency grows: one loop, threads,
 * processes, a loop per core). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims_int.h"

/* The cores the multi-core rows ran on (their `cores` column), else k. */
static double cores_used(const struct cl_table *t, const char *mode, unsigned k)
{
	double v[CL_MAXREP];
	unsigned n = cl_get(t, CL_SEL(.mode = mode), "cores", v);
	double m = cl_median(v, n);
	return isnan(m) ? k : m;
}

/* ---- claim 2 ------------------------------------------------------------ */

/* The sweep (the cpu preset by 4 modes, 100 or 300 ms per run), the table
 * with DIR/claim2.dat, the verdict: async within CL_SAME_LO..CL_SAME_HI of
 * sync, threads and processes at or above CL_CORE_EFF k (undecided on one
 * core). The chart only when there was something to decide. */
void cl_claim_cpu(struct cl_ctx *ctx, struct cl_claim *c)
{
	static const char *const modes[4] = { "sync", "async", "threads", "procs" };
	unsigned cc = ctx->k < 2 ? 2 : ctx->k;
	double tp[4][CL_MAXREP], util[CL_MAXREP];
	unsigned n[4];
	struct cl_ci ratio[4];
	char a[96], b[96], d[96], path[CL_PATH];
	struct cl_table t;

	cl_experiment(c, "The cpu preset (cpu:200: about 100 us of pure computation per task, "
		      "no waiting) run for a fixed time by one sync worker, by one event loop with "
		      "C=%u tasks in flight, and by C=%u threads and C=%u processes spread over "
		      "all k=%u cores; we compare each one's throughput with sync's.", cc, cc, cc,
		      ctx->k);
	cl_run(ctx, c, "claim2.csv", true, "-w cpu -m sync,async,threads,procs -c all -C %u -d %s",
	       cc, ctx->quick ? "100ms" : "300ms");
	if (cl_load_runs(ctx, c, &t, "claim2.csv"))
		return;
	double k = cores_used(&t, "threads", ctx->k), need = CL_CORE_EFF * k;
	cl_head(c, "mode", "C", "cores", "tasks/s", "vs sync", "busy", NULL);
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim2.dat"), "w");
	if (f)
		fprintf(f, "mode,ratio,lo,hi,cores\n");
	for (unsigned m = 0; m < 4; m++) {
		struct cl_ci tci;
		unsigned rows[CL_MAXREP];
		n[m] = cl_get(&t, CL_SEL(.mode = modes[m]), "throughput", tp[m]);
		unsigned nu = cl_get(&t, CL_SEL(.mode = modes[m]), "cpu_util", util);
		cl_ci_median(tp[m], n[m], &tci);
		cl_ci_ratio(tp[m], n[m], tp[0], n[0], &ratio[m]);
		unsigned r = cl_row(c);
		unsigned nr = cl_select(&t, CL_SEL(.mode = modes[m]), rows, CL_MAXREP);
		cl_cell(c, r, 0, "%s", modes[m]);
		cl_cell(c, r, 1, "%s", nr ? cl_str(&t, rows[0], "concurrency") : "");
		cl_cell(c, r, 2, "%s", nr ? cl_str(&t, rows[0], "cores") : "");
		cl_cell(c, r, 3, "%s", cl_fmt_ci(a, sizeof(a), &tci, 1, ""));
		/* against the thresholds of the rule: async's, or k's share */
		cl_cell(c, r, 4, "%s", m == 1 ? cl_fmt_ci_vs(a, sizeof(a), &ratio[m], 1, "x",
							     CL_THR(CL_SAME_LO, CL_SAME_HI)) :
				       cl_fmt_ci_vs(a, sizeof(a), &ratio[m], 1, "x", CL_THR(need)));
		cl_cell(c, r, 5, "%s%%", cl_fmt(a, sizeof(a), 100 * cl_median(util, nu)));
		if (f && ratio[m].n)
			fprintf(f, "%s,%g,%g,%g,%g\n", modes[m], ratio[m].est, ratio[m].lo,
				ratio[m].hi, k);
	}
	if (f)
		fclose(f);
	cl_table_free(&t);

	const struct cl_ci *as = &ratio[1], *th = &ratio[2], *pr = &ratio[3];
	if (!as->n || !th->n || !pr->n) {
		cl_why(c, "Some modes have too few usable runs (successful and undisturbed), so "
		       "nothing can be decided.");
		return;
	}
	bool as_ok = as->lo >= CL_SAME_LO && as->hi <= CL_SAME_HI;
	bool as_bad = as->lo > CL_SAME_HI || as->hi < CL_SAME_LO;
	bool par_ok = th->lo >= need && pr->lo >= need;
	bool par_bad = th->hi < need || pr->hi < need;
	if (k < 2)
		c->verdict = CL_INCONCLUSIVE;
	else
		c->verdict = as_ok && par_ok ? CL_HOLDS : as_bad || par_bad ? CL_FAILS :
			     CL_INCONCLUSIVE;
	cl_why(c, "Throughput against sync: async %s, threads %s, processes %s, on k=%.0f "
	       "cores. The rule: async's whole interval within %.1f to %.1f (no speedup, within "
	       "10%%), and threads' and processes' whole intervals at or above %.1f (%.0f%% of "
	       "k).%s", cl_fmt_ci_vs(a, sizeof(a), as, 1, "x", CL_THR(CL_SAME_LO, CL_SAME_HI)),
	       cl_fmt_ci_vs(b, sizeof(b), th, 1, "x", CL_THR(need)),
	       cl_fmt_ci_vs(d, sizeof(d), pr, 1, "x", CL_THR(need)), k, CL_SAME_LO, CL_SAME_HI, need,
	       100 * CL_CORE_EFF,
	       k < 2 ? " With a single core there is nothing for threads or processes to "
		       "gain, so the second half cannot be tested here." : "");
	cl_chart(ctx, c, 0, "claims_cpu.gp", "claim2.dat", "claim2.png", NULL,
		 "Claim 2: CPU-bound throughput relative to sync (95% CI), with 1 and k marked");
}

/* ---- claim 4 ------------------------------------------------------------ */

static const char *const tail_modes[3] = { "sync", "async", "threads" };

/* Claim 4's runs: throughput and p99 latency per run, per mode. */
struct tail_data {
	double tp[3][CL_MAXREP], p99[3][CL_MAXREP];
	unsigned ntp[3], np99[3];
};

/* The table (a row per mode) and DIR/claim4.dat; keeps each mode's
 * throughput and p99 per run in d. */
static void tail_table(struct cl_ctx *ctx, struct cl_claim *c, const struct cl_table *t,
		       struct tail_data *d)
{
	char a[96], path[CL_PATH];
	double v[CL_MAXREP];

	cl_head(c, "mode", "C", "tasks/s", "p50 latency", "p99 latency", "busy", NULL);
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim4.dat"), "w");
	if (f)
		fprintf(f, "mode,tp,tp_lo,tp_hi,p50_ms,p99_ms,p99_lo,p99_hi\n");
	for (unsigned m = 0; m < 3; m++) {
		struct cl_ci tci, pci, p50;
		struct cl_sel sel = CL_SEL(.mode = tail_modes[m]);
		unsigned rows[CL_MAXREP];
		d->ntp[m] = cl_get(t, sel, "throughput", d->tp[m]);
		d->np99[m] = cl_get(t, sel, "lat_p99_us", d->p99[m]);
		unsigned n50 = cl_get(t, sel, "lat_p50_us", v);
		cl_ci_median(d->tp[m], d->ntp[m], &tci);
		cl_ci_median(d->p99[m], d->np99[m], &pci);
		cl_ci_median(v, n50, &p50);
		unsigned nu = cl_get(t, sel, "cpu_util", v);
		unsigned r = cl_row(c);
		unsigned nr = cl_select(t, sel, rows, CL_MAXREP);
		cl_cell(c, r, 0, "%s", tail_modes[m]);
		cl_cell(c, r, 1, "%s", nr ? cl_str(t, rows[0], "concurrency") : "");
		cl_cell(c, r, 2, "%s", cl_fmt_ci(a, sizeof(a), &tci, 1, ""));
		cl_cell(c, r, 3, "%s ms", cl_fmt(a, sizeof(a), p50.est / 1e3));
		cl_cell(c, r, 4, "%s", cl_fmt_ci(a, sizeof(a), &pci, 1e-3, " ms"));
		cl_cell(c, r, 5, "%s%%", cl_fmt(a, sizeof(a), 100 * cl_median(v, nu)));
		if (f && tci.n)
			fprintf(f, "%s,%g,%g,%g,%g,%g,%g,%g\n", tail_modes[m], tci.est, tci.lo,
				tci.hi, p50.est / 1e3, pci.est / 1e3, pci.lo / 1e3, pci.hi / 1e3);
	}
	if (f)
		fclose(f);
}

/* Pairs whose median p99s are within one histogram bucket, in words into
 * buf; returns whether (x, y) is one. */
static bool tail_same_bucket(const struct tail_data *d, unsigned x, unsigned y, char *buf,
			     size_t len)
{
	char a[32], b[32];
	double px = cl_median(d->p99[x], d->np99[x]), py = cl_median(d->p99[y], d->np99[y]);
	if (!cl_same_bucket(px, py))
		return false;
	if (x < y) /* each pair once */
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %s ms and %s %s ms",
			 buf[0] ? "; " : "", tail_modes[x], cl_fmt(a, sizeof(a), px / 1e3),
			 tail_modes[y], cl_fmt(b, sizeof(b), py / 1e3));
	return true;
}

/* The rule, over every ordered pair (A, B) where A has measurably more
 * throughput: holds when some such A also has a measurably longer p99;
 * does not hold when every such A has a measurably shorter one;
 * inconclusive otherwise. Two p99s within one histogram bucket of each
 * other are not told apart, whatever their interval says. */
static void tail_verdict(struct cl_claim *c, const struct tail_data *d)
{
	char a[96], b[96], shown[900] = "", against[600] = "", bucket[300] = "";
	unsigned nshown = 0, nagainst = 0, undecided = 0;

	for (unsigned x = 0; x < 3; x++)
		for (unsigned y = 0; y < 3; y++) {
			struct cl_ci tr, lr;
			if (x == y)
				continue;
			cl_ci_ratio(d->tp[x], d->ntp[x], d->tp[y], d->ntp[y], &tr);
			cl_ci_ratio(d->p99[x], d->np99[x], d->p99[y], d->np99[y], &lr);
			if (tail_same_bucket(d, x, y, bucket, sizeof(bucket)) && tr.n && lr.n)
				lr.lo = lr.hi = 1; /* the histogram cannot tell them apart */
			if (!tr.n || !lr.n || !(tr.lo > 1))
				continue;
			char *dst = lr.lo > 1 ? shown : lr.hi < 1 ? against : NULL;
			size_t len = lr.lo > 1 ? sizeof(shown) : sizeof(against);
			if (!dst) {
				undecided++;
				continue;
			}
			unsigned cnt = lr.lo > 1 ? nshown++ : nagainst++;
			snprintf(dst + strlen(dst), len - strlen(dst),
				 "%s%s has %s %s's throughput and %s its p99", cnt ? "; " : "",
				 tail_modes[x], cl_fmt_ci_vs(a, sizeof(a), &tr, 1, "x", CL_THR(1)),
				 tail_modes[y], cl_fmt_ci_vs(b, sizeof(b), &lr, 1, "x", CL_THR(1)));
		}
	if (bucket[0])
		cl_note(c, "p99 latencies within one histogram bucket of each other (the histogram "
			"keeps a latency to within 1/128 of itself), so not told apart: %s.", bucket);
	if (nshown) {
		c->verdict = CL_HOLDS;
		cl_why(c, "Ratios of medians, the first mode over the second: %s. The rule: some "
		       "mode's throughput interval above the other's (ratio above 1) while its p99 "
		       "latency interval is also above (ratio above 1).%s%s%s", shown,
		       nagainst ? " Other pairs go the other way: " : "", against, nagainst ? "." : "");
	} else if (nagainst && !undecided) {
		c->verdict = CL_FAILS;
		cl_why(c, "Every mode with measurably more throughput also had a measurably "
		       "shorter p99: %s.", against);
	} else {
		cl_why(c, "No pair of modes shows measurably more throughput together with a "
		       "measurably longer p99 latency (intervals overlap)%s%s.",
		       nagainst ? "; " : "", against);
	}
}

/* Phases: the sweep (3 modes, 150 or 500 ms per run), the table with its
 * chart data, the verdict over pairs of modes, the note and the chart. */
void cl_claim_tail(struct cl_ctx *ctx, struct cl_claim *c)
{
	struct tail_data d;
	struct cl_table t;

	cl_experiment(c, "Tasks of 200 us of CPU then a 1 ms wait (cpu:200us+sleep:1ms), run for "
		      "a fixed time with C=16 in flight: by one sync worker (one at a time), by one "
		      "event loop, and by 16 threads over all k=%u cores; we compare throughput "
		      "with the 99th percentile of the individual task's latency.", ctx->k);
	cl_run(ctx, c, "claim4.csv", true, "-w cpu:200us+sleep:1ms -m sync,async,threads -c all "
	       "-C 16 -d %s", ctx->quick ? "150ms" : "500ms");
	if (cl_load_runs(ctx, c, &t, "claim4.csv"))
		return;
	tail_table(ctx, c, &t, &d);
	cl_table_free(&t);
	tail_verdict(c, &d);
	cl_note(c, "The mechanism (an explanation, not measured here): one event loop runs the "
		"CPU parts of its 16 tasks one after another, so a task whose wait is over "
		"queues behind the others' computation; sync never queues anything but does one "
		"task at a time; threads share the cores, so the queue is shorter but the "
		"scheduler's time slices add their own delays.");
	cl_chart(ctx, c, 0, "claims_tail.gp", "claim4.dat", "claim4.png", NULL,
		 "Claim 4: throughput and latency (p50 and p99, 95% CI) per mode at C=16");
}

/* ---- claim 5 ------------------------------------------------------------- */

#define SC_NMODE 5
#define SC_MAXC 8

static const char *const sc_modes[SC_NMODE] = { "async", "threads", "procs", "async-threads",
						"async-procs" };

/* The concurrencies, smallest first. */
struct sc_plan {
	unsigned cs[SC_MAXC], nc;
	unsigned top;	 /* cs[nc - 1], where the verdict looks */
	char clist[96];	 /* "1,4,16,64" */
};

/* What the table read back, for the verdict and the notes. */
struct sc_data {
	double k;			     /* the cores threads ran on */
	double tp[SC_NMODE][CL_MAXREP];	     /* throughput per run at the top C */
	double prev[SC_NMODE][CL_MAXREP];    /* and at the C before it */
	unsigned ntp[SC_NMODE], nprev[SC_NMODE];
	struct cl_ci util_top;		     /* the one loop's busy share at the top C */
	char rss[400], cpt[400];	     /* memory and CPU per task at the top C, in words */
};

/* Up to 64, and on a bigger machine on to 16 k: a task needs a core
 * about a tenth of its time, so C = 16 k saturates k cores. */
static void sc_plan(const struct cl_ctx *ctx, struct sc_plan *p)
{
	static const unsigned full[] = { 1, 4, 16, 64 }, quick[] = { 4, 64 };

	memset(p, 0, sizeof(*p));
	p->nc = ctx->quick ? 2 : 4;
	memcpy(p->cs, ctx->quick ? quick : full, p->nc * sizeof(*p->cs));
	while (p->cs[p->nc - 1] < 16 * ctx->k && p->nc < SC_MAXC && p->cs[p->nc - 1] < 65536)
		p->cs[p->nc] = p->cs[p->nc - 1] * 4, p->nc++;
	p->top = p->cs[p->nc - 1];
	for (unsigned j = 0; j < p->nc; j++)
		snprintf(p->clist + strlen(p->clist), sizeof(p->clist) - strlen(p->clist), "%s%u",
			 j ? "," : "", p->cs[j]);
}

/* States the experiment, runs the sweep and reads it back into t; nonzero
 * when there is nothing to read. Cost: 5 modes x nc concurrencies, 100 or
 * 300 ms per run. */
static int sc_run(struct cl_ctx *ctx, struct cl_claim *c, const struct sc_plan *p,
		  struct cl_table *t)
{
	cl_experiment(c, "Tasks of 100 us of CPU then a 1 ms wait (cpu:100us+sleep:1ms), run for "
		      "a fixed time at C = %s tasks in flight by one event loop, by C threads and "
		      "C processes over all k=%u cores, and by k event loops on k threads or "
		      "processes; we follow throughput and how busy each mode keeps its cores.",
		      p->clist, ctx->k);
	cl_run(ctx, c, "claim5.csv", true, "-w cpu:100us+sleep:1ms -m "
	       "async,threads,procs,async-threads,async-procs -c all -C %s -d %s", p->clist,
	       ctx->quick ? "100ms" : "300ms");
	return cl_load_runs(ctx, c, t, "claim5.csv");
}

/* The table (a row per mode, a column per C: median throughput and busy
 * share) and DIR/claim5.dat; keeps the runs at the top two C in d. */
static void sc_table(struct cl_ctx *ctx, struct cl_claim *c, const struct cl_table *t,
		     const struct sc_plan *p, struct sc_data *d)
{
	char a[96], b[96], path[CL_PATH];
	double v[CL_MAXREP];

	cl_head(c, "mode", NULL);
	c->ncol = 1 + p->nc;
	for (unsigned j = 0; j < p->nc; j++)
		snprintf(c->head[1 + j], CL_CELL, "C=%u: tasks/s (busy)", p->cs[j]);
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim5.dat"), "w");
	if (f)
		fprintf(f, "mode,C,tp,lo,hi,busy_pct\n");
	for (unsigned m = 0; m < SC_NMODE; m++) {
		unsigned r = cl_row(c);
		cl_cell(c, r, 0, "%s", sc_modes[m]);
		for (unsigned j = 0; j < p->nc; j++) {
			struct cl_ci tci, uci;
			double tpv[CL_MAXREP];
			struct cl_sel sel = CL_SEL(.mode = sc_modes[m], .conc = p->cs[j]);
			unsigned n = cl_get(t, sel, "throughput", tpv);
			unsigned nu = cl_get(t, sel, "cpu_util", v);
			cl_ci_median(tpv, n, &tci);
			cl_ci_median(v, nu, &uci);
			cl_cell(c, r, 1 + j, "%s (%s%%)", cl_fmt(a, sizeof(a), tci.est),
				cl_fmt(b, sizeof(b), 100 * uci.est));
			if (f && tci.n)
				fprintf(f, "%s,%u,%g,%g,%g,%g\n", sc_modes[m], p->cs[j], tci.est, tci.lo,
					tci.hi, 100 * uci.est);
			if (j == p->nc - 2) {
				memcpy(d->prev[m], tpv, sizeof(tpv));
				d->nprev[m] = n;
			}
			if (j == p->nc - 1) {
				memcpy(d->tp[m], tpv, sizeof(tpv));
				d->ntp[m] = n;
				if (m == 0)
					d->util_top = uci;
			}
		}
	}
	if (f)
		fclose(f);
}

/* What each mode costs at the top C, in words into d->rss (median peak
 * RSS) and d->cpt (median CPU per task: (user + sys) / tasks per run);
 * modes without runs are left out. */
static void sc_costs(const struct cl_table *t, const struct sc_plan *p, struct sc_data *d)
{
	char a[96];
	double v[CL_MAXREP];

	for (unsigned m = 0; m < SC_NMODE; m++) {
		struct cl_sel sel = CL_SEL(.mode = sc_modes[m], .conc = p->top);
		unsigned nr = cl_get(t, sel, "max_rss_kb", v);
		if (nr)
			snprintf(d->rss + strlen(d->rss), sizeof(d->rss) - strlen(d->rss),
				 "%s%s %s MiB", m ? ", " : "", sc_modes[m],
				 cl_fmt(a, sizeof(a), cl_median(v, nr) / 1024));
		unsigned rows[CL_MAXREP], nk = cl_select(t, sel, rows, CL_MAXREP);
		for (unsigned i = 0; i < nk; i++)
			v[i] = (cl_num(t, rows[i], "user_s") + cl_num(t, rows[i], "sys_s")) /
			       cl_num(t, rows[i], "tasks") * 1e6;
		if (nk)
			snprintf(d->cpt + strlen(d->cpt), sizeof(d->cpt) - strlen(d->cpt),
				 "%s%s %s us", m ? ", " : "", sc_modes[m],
				 cl_fmt(a, sizeof(a), cl_median(v, nk)));
	}
}

/* The rule. (i) One loop saturates its core: busy at least CL_SATURATED.
 * (ii) Threads and processes keep scaling: still growing from the previous
 * C to the top one, and past the loop's one-core ceiling by at least
 * CL_PAST_CEILING of each extra core. (iii) A loop per core gets both: at
 * least CL_CORE_EFF k times the loop. Undecided on one core. */
static void sc_verdict(struct cl_claim *c, const struct sc_plan *p, const struct sc_data *d)
{
	double k = d->k, past = 1 + CL_PAST_CEILING * (k - 1), need = CL_CORE_EFF * k;
	bool all = d->util_top.n > 0, ok = true, bad = false;
	struct cl_ci ratio, grow;
	char a[96], b[96], rtxt[900] = "", gtxt[300] = "";
	unsigned top = p->top, before = p->nc > 1 ? p->cs[p->nc - 2] : top;

	for (unsigned m = 1; m < SC_NMODE; m++) {
		bool loops = m >= 3; /* async-threads, async-procs */
		double th = loops ? need : past;
		cl_ci_ratio(d->tp[m], d->ntp[m], d->tp[0], d->ntp[0], &ratio);
		all &= ratio.n > 0;
		ok &= ratio.n && ratio.lo >= th;
		bad |= ratio.n && ratio.hi < th;
		snprintf(rtxt + strlen(rtxt), sizeof(rtxt) - strlen(rtxt), "%s%s %s", m > 1 ? ", " : "",
			 sc_modes[m], cl_fmt_ci_vs(a, sizeof(a), &ratio, 1, "x", CL_THR(th)));
		if (loops)
			continue;
		cl_ci_ratio(d->tp[m], d->ntp[m], d->prev[m], d->nprev[m], &grow);
		all &= grow.n > 0;
		ok &= grow.n && grow.lo > 1;
		bad |= grow.n && grow.hi < 1;
		snprintf(gtxt + strlen(gtxt), sizeof(gtxt) - strlen(gtxt), "%s%s %s", m > 1 ? ", " : "",
			 sc_modes[m], cl_fmt_ci_vs(a, sizeof(a), &grow, 1, "x", CL_THR(1)));
	}
	if (!all) {
		cl_why(c, "Some modes have too few usable runs (successful and undisturbed) at "
		       "C=%u or C=%u, so nothing can be decided.", before, top);
		return;
	}
	ok &= d->util_top.lo >= CL_SATURATED;
	bad |= d->util_top.hi < CL_SATURATED;
	c->verdict = k < 2 ? CL_INCONCLUSIVE : ok ? CL_HOLDS : bad ? CL_FAILS : CL_INCONCLUSIVE;
	cl_why(c, "At C=%u the single event loop kept its core %s busy. Against its "
	       "throughput the others reached %s, on k=%.0f cores; from C=%u to C=%u threads "
	       "and processes still grew by %s. The rule: (i) the loop's core at least "
	       "%.0f%% busy (saturated); (ii) threads and processes still growing (interval "
	       "above 1) and past the loop's one-core ceiling (interval at or above %.2fx, "
	       "1 + %.2f (k - 1)); (iii) a loop per thread or process at or above %.1fx "
	       "(%.0f%% of k).%s", top,
	       cl_fmt_ci_vs(b, sizeof(b), &d->util_top, 100, "%", CL_THR(CL_SATURATED)), rtxt, k,
	       before, top, gtxt, 100 * CL_SATURATED, past, CL_PAST_CEILING, need,
	       100 * CL_CORE_EFF,
	       k < 2 ? " With a single core no mode can scale, so this cannot be tested "
		       "here." : "");
}

/* The notes on memory, CPU per task and what busy means, then the chart. */
static void sc_notes(struct cl_ctx *ctx, struct cl_claim *c, const struct sc_plan *p,
		     const struct sc_data *d)
{
	if (d->rss[0])
		cl_note(c, "Memory at C=%u (median peak RSS; for processes the sum over the "
			"children): %s. A loop per core runs k workers where threads and processes "
			"run C.", p->top, d->rss);
	if (d->cpt[0])
		cl_note(c, "CPU time per task at C=%u (user + sys over tasks): %s. Every mode "
			"runs the same computation (cpu:100us, as calibrated when the sweep "
			"started); what a mode needs beyond the lowest figure it spends waking, "
			"switching between its workers and in the kernel, and that is what sets "
			"apart modes that keep their cores equally busy.", p->top, d->cpt);
	cl_note(c, "Busy is the share of the mode's cores (1 for async, k for the others) spent "
		"on CPU (cpu_util).");
	cl_chart(ctx, c, 0, "claims_scaling.gp", "claim5.dat", "claim5.png", NULL,
		 "Claim 5: throughput and busy share of the cores vs concurrency, per mode "
		 "(95% CI)");
}

/* Phases: the plan, the sweep, the table with its chart data, the costs,
 * the verdict, the notes and the chart. */
void cl_claim_scaling(struct cl_ctx *ctx, struct cl_claim *c)
{
	struct sc_plan p;
	struct sc_data d;
	struct cl_table t;

	sc_plan(ctx, &p);
	if (sc_run(ctx, c, &p, &t))
		return;
	memset(&d, 0, sizeof(d));
	d.k = cores_used(&t, "threads", ctx->k);
	sc_table(ctx, c, &t, &p, &d);
	sc_costs(&t, &p, &d);
	cl_table_free(&t);
	sc_verdict(c, &p, &d);
	sc_notes(ctx, c, &p, &d);
}
