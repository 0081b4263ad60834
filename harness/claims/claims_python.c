/* The claims under CPython itself (--runtime python), run where modebench
 * was built with Python (mb_python_unavailable() is NULL; elsewhere
 * claims.c leaves these sections out):
 *   8  claim 6 against the real lock: the cpu preset by sync, threads and
 *      processes, and the convoy (claims_gil.c's cl_convoy) at
 *      sys.setswitchinterval 5 ms and 1 ms, beside processes, which each
 *      have a lock of their own;
 *   9  the emulated lock (--gil) against CPython's on the same recipes:
 *      claim 6's figures read back from its CSVs beside claim 8's, the
 *      emulation's error a ratio with its interval;
 *   10 the load claim: with many concurrent clients, asyncio against
 *      threads and parallel sync workers on the web preset (its chart:
 *      scripts/claims_load.gp).
 * Claim 9 reads what claims 6 and 8 left in DIR, so it runs after them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims_int.h"
#include "base.h"

#define PY "--runtime python"
#define LOAD_PRESET "web"

/* The cpu preset's runs by sync, threads under a lock and processes:
 * throughputs, the threads' CPU time over wall time (cpu_util x cores),
 * and the ratios to sync. */
struct lock_cpu {
	double s[CL_MAXREP], th[CL_MAXREP], pr[CL_MAXREP], u[CL_MAXREP];
	unsigned ns, nt, np, nu;
	struct cl_ci r_thr, r_pr, cpu_wall;
	double k;
};

/* Reads DIR/csv's cpu preset runs into l (threads those with gil_us, or
 * any when NULL). */
static void lock_cpu_read(struct cl_ctx *ctx, struct cl_claim *c, const char *csv,
			  const char *gil_us, struct lock_cpu *l)
{
	struct cl_table t;
	double kv[CL_MAXREP];

	memset(l, 0, sizeof(*l));
	l->k = ctx->k;
	if (!cl_load_runs(ctx, c, &t, csv)) {
		l->ns = cl_get(&t, CL_SEL(.mode = "sync"), "throughput", l->s);
		l->nt = cl_get(&t, CL_SEL(.mode = "threads", .gil_us = gil_us), "throughput", l->th);
		l->np = cl_get(&t, CL_SEL(.mode = "procs"), "throughput", l->pr);
		l->nu = cl_get(&t, CL_SEL(.mode = "threads", .gil_us = gil_us), "cpu_util", l->u);
		unsigned nk = cl_get(&t, CL_SEL(.mode = "threads"), "cores", kv);
		if (nk)
			l->k = cl_median(kv, nk);
		cl_table_free(&t);
	}
	for (unsigned i = 0; i < l->nu; i++)
		l->u[i] *= l->k;
	cl_ci_ratio(l->th, l->nt, l->s, l->ns, &l->r_thr);
	cl_ci_ratio(l->pr, l->np, l->s, l->ns, &l->r_pr);
	cl_ci_median(l->u, l->nu, &l->cpu_wall);
}

/* Claim 8's figures, kept for claim 9. */
static struct {
	bool done;
	struct lock_cpu cpu;
	struct cl_convoy cv[3]; /* processes, threads at 5 ms, at 1 ms */
} py;

/* The cpu preset under CPython by sync, threads and processes at C=cc
 * over all cores (one sweep), into py.cpu. */
static void py_cpu_runs(struct cl_ctx *ctx, struct cl_claim *c, unsigned cc)
{
	cl_run(ctx, c, "claim8_cpu.csv", true, "-w cpu -m sync,threads,procs -c all -C %u "
	       PY " --switch-interval 5ms -d %s", cc, ctx->quick ? "100ms" : "300ms");
	lock_cpu_read(ctx, c, "claim8_cpu.csv", NULL, &py.cpu);
}

/* The convoy under CPython: processes (no lock shared), then threads at
 * switch intervals 5 ms and 1 ms. */
static void py_convoy_runs(struct cl_ctx *ctx, struct cl_claim *c)
{
	static const char *const tag[3] = { "procs", "si5ms", "si1ms" };
	static const char *const mode[3] = { "procs", "threads", "threads" };

	memset(py.cv, 0, sizeof(py.cv));
	py.cv[0].name = "processes", py.cv[0].opt = PY;
	py.cv[1].name = "threads 5ms", py.cv[1].opt = PY " --switch-interval 5ms";
	py.cv[2].name = "threads 1ms", py.cv[2].opt = PY " --switch-interval 1ms";
	for (unsigned i = 0; i < 3 && !ctx->interrupted; i++) {
		char csv[64], trace[64];
		snprintf(csv, sizeof(csv), "claim8_convoy_%s.csv", tag[i]);
		snprintf(trace, sizeof(trace), "claim8_convoy_%s_trace.csv", tag[i]);
		cl_convoy(ctx, c, &py.cv[i], mode[i], csv, trace, true);
	}
}

/* Claim 8's table: one column per setting. */
static void py_gil_table(struct cl_claim *c)
{
	static const char *const what[4] = { "convoy: delay after a 1 ms wait, p50",
					     "convoy: delay after a 1 ms wait, p99",
					     "convoy: task latency p99", "convoy: tasks/s" };
	char a[96];

	cl_head(c, "measure", "processes", "threads, switch 5 ms", "threads, switch 1 ms", NULL);
	unsigned r = cl_row(c);
	cl_cell(c, r, 0, "cpu preset: throughput vs sync");
	cl_cell(c, r, 1, "%s", cl_fmt_ci_vs(a, sizeof(a), &py.cpu.r_pr, 1, "x",
					     CL_THR(CL_CORE_EFF * py.cpu.k)));
	cl_cell(c, r, 2, "%s", cl_fmt_ci_vs(a, sizeof(a), &py.cpu.r_thr, 1, "x", CL_THR(CL_NO_SPEEDUP)));
	cl_cell(c, r, 3, "not run");
	r = cl_row(c);
	cl_cell(c, r, 0, "cpu preset: CPU time / wall time");
	cl_cell(c, r, 1, "not measured");
	cl_cell(c, r, 2, "%s", cl_fmt_ci(a, sizeof(a), &py.cpu.cpu_wall, 1, ""));
	cl_cell(c, r, 3, "not run");
	for (unsigned w = 0; w < 4; w++) {
		r = cl_row(c);
		cl_cell(c, r, 0, "%s", what[w]);
		for (unsigned i = 0; i < 3; i++) {
			const struct cl_ci *x = w == 0 ? &py.cv[i].c50 : w == 1 ? &py.cv[i].c99 :
						w == 2 ? &py.cv[i].clat : &py.cv[i].ctp;
			cl_cell(c, r, 1 + i, "%s", cl_fmt_ci(a, sizeof(a), x, w < 3 ? 1e-3 : 1,
							      w < 3 ? " ms" : ""));
		}
	}
}

/* DIR/claim8.dat in claims_gil.gp's layout (claim 6's chart, retitled). */
static void py_gil_data(struct cl_ctx *ctx)
{
	static const char *const names[2] = { "threads (CPython)", "processes (CPython)" };
	const struct cl_ci *rs[2] = { &py.cpu.r_thr, &py.cpu.r_pr };
	char path[CL_PATH];
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim8.dat"), "w");

	if (!f)
		return;
	fprintf(f, "setting,ratio,lo,hi,cores\n");
	for (unsigned i = 0; i < 2; i++)
		if (rs[i]->n)
			fprintf(f, "%s,%g,%g,%g,%g\n", names[i], rs[i]->est, rs[i]->lo, rs[i]->hi,
				py.cpu.k);
	fprintf(f, "\n\nsetting,p50_ms,p50_lo,p50_hi,p99_ms,p99_lo,p99_hi\n");
	for (unsigned i = 0; i < 3; i++)
		if (py.cv[i].c50.n)
			fprintf(f, "%s,%g,%g,%g,%g,%g,%g\n", py.cv[i].name, py.cv[i].c50.est / 1e3,
				py.cv[i].c50.lo / 1e3, py.cv[i].c50.hi / 1e3,
				py.cv[i].c99.est / 1e3, py.cv[i].c99.lo / 1e3,
				py.cv[i].c99.hi / 1e3);
	fclose(f);
}

/* Claim 6's rule on CPython's figures, the processes' convoy standing in
 * for "no lock" (each process has its own). */
static void py_gil_verdict(struct cl_claim *c)
{
	char a[96], b[96], d[96], e[96], f[96];
	struct cl_ci r15;
	const struct cl_convoy *cv = py.cv;
	double need = CL_CORE_EFF * py.cpu.k;

	cl_ci_ratio(cv[2].p99, cv[2].n, cv[1].p99, cv[1].n, &r15);
	if (!py.cpu.r_thr.n || !py.cpu.r_pr.n || !cv[0].c99.n || !cv[1].c99.n || !cv[2].c99.n) {
		cl_why(c, "Some configurations have too few usable runs (successful and "
		       "undisturbed), so nothing can be decided.");
		return;
	}
	bool a_ok = py.cpu.r_thr.hi < CL_NO_SPEEDUP && py.cpu.r_pr.lo >= need;
	bool a_bad = py.cpu.r_thr.lo >= CL_NO_SPEEDUP || py.cpu.r_pr.hi < need;
	bool b_ok = cv[1].c99.lo >= CL_CONVOY_US && cv[1].c99.lo > cv[0].c99.hi && r15.n &&
		    r15.hi <= CL_SHORTER;
	bool b_bad = cv[1].c99.hi < CL_CONVOY_US || (r15.n && r15.lo >= 1);
	if (py.cpu.k < 2)
		a_ok = a_bad = false;
	c->verdict = a_ok && b_ok ? CL_HOLDS : a_bad || b_bad ? CL_FAILS : CL_INCONCLUSIVE;
	cl_why(c, "(a) On the cpu preset in CPython, threads reached %s sync's throughput, "
	       "using %s of a core's time per second of wall time, and processes %s, on "
	       "k=%.0f cores (rule as in claim 6: threads below %.1fx, processes at or above "
	       "%.1fx). (b) A 1 ms wait ended %s late at the 99th percentile with a CPU-bound "
	       "thread beside it at switch interval 5 ms, against %s for processes, and %s "
	       "at 1 ms, %s the 5 ms figure (rule: at 5 ms at least %.0f ms late and above "
	       "the processes' interval; at 1 ms at most %.2fx of it). %s",
	       cl_fmt_ci_vs(a, sizeof(a), &py.cpu.r_thr, 1, "x", CL_THR(CL_NO_SPEEDUP)),
	       cl_fmt_ci(f, sizeof(f), &py.cpu.cpu_wall, 1, ""),
	       cl_fmt_ci_vs(b, sizeof(b), &py.cpu.r_pr, 1, "x", CL_THR(need)), py.cpu.k, CL_NO_SPEEDUP,
	       need, cl_fmt_ci_vs(d, sizeof(d), &cv[1].c99, 1e-3, " ms",
				  CL_THR(CL_CONVOY_US, cv[0].c99.hi)),
	       cl_fmt_ci(e, sizeof(e), &cv[0].c99, 1e-3, " ms"),
	       cl_fmt((char[32]){ 0 }, 32, cv[2].c99.est / 1e3),
	       cl_fmt_ci_vs((char[96]){ 0 }, 96, &r15, 1, "x", CL_THR(CL_SHORTER, 1)),
	       CL_CONVOY_US / 1e3, CL_SHORTER,
	       py.cpu.k < 2 ? "Part (a) needs at least 2 cores and is not decided here." :
	       a_ok && b_ok ? "Both parts hold." : a_bad && b_bad ? "Neither part holds." :
	       a_bad ? "Part (a) does not hold." : b_bad ? "Part (b) does not hold." :
	       "At least one part is undecided.");
}

void cl_claim_gil_python(struct cl_ctx *ctx, struct cl_claim *c)
{
	unsigned cc = ctx->k < 2 ? 2 : ctx->k;

	memset(&py, 0, sizeof(py));
	cl_experiment(c, "Claim 6 again, in CPython itself (--runtime python: the recipes run "
		      "as Python code under the real interpreter lock). (a) The cpu preset (the "
		      "Python kernel) by sync, by C=%u threads (C threads each holding a Python "
		      "thread state) and by C=%u forked processes (an interpreter each) over all "
		      "k=%u cores, switch interval 5 ms (CPython's default). (b) %s in two "
		      "threads at sys.setswitchinterval 5 ms and 1 ms, and in two processes "
		      "(a lock each, so nothing to wait for); the trace times each wait from its "
		      "start until the Python code after it runs, which needs the lock.",
		      cc, cc, ctx->k, CL_CONVOY_RECIPE);
	py_cpu_runs(ctx, c, cc);
	py_convoy_runs(ctx, c);
	py_gil_table(c);
	py_gil_data(ctx);
	py_gil_verdict(c);
	py.done = true;
	cl_chart(ctx, c, 0, "claims_gil.gp", "claim8.dat", "claim8.png",
		 "title='Claim 8: the real interpreter lock of CPython (--runtime python)'",
		 "Claim 8: CPU-bound speedup under CPython's lock, and the delay after a 1 ms "
		 "wait (p50 and p99, 95% CI)");
}

/* ---- claim 9: the emulated lock against CPython's ---------------------- */

/* (median(a) / median(b)) / (median(c) / median(d)) */
static double stat_ratio2(const double *med, void *arg)
{
	(void)arg;
	return (med[0] / med[CL_MAXM]) / (med[2 * CL_MAXM] / med[3 * CL_MAXM]);
}

/* One row of the side-by-side table: the figure under the emulation, under
 * CPython, and the emulation's error as their ratio with its interval;
 * the error is also kept in err[*n] for the verdict. */
static void emu_row(struct cl_claim *c, const char *what, const struct cl_ci *emu,
		    const struct cl_ci *real, const struct cl_ci *ratio, double scale,
		    const char *unit, struct cl_ci *err, unsigned *n)
{
	char a[96];
	unsigned r = cl_row(c);
	cl_cell(c, r, 0, "%s", what);
	cl_cell(c, r, 1, "%s", cl_fmt_ci(a, sizeof(a), emu, scale, unit));
	cl_cell(c, r, 2, "%s", cl_fmt_ci(a, sizeof(a), real, scale, unit));
	cl_cell(c, r, 3, "%s", cl_fmt_ci_vs(a, sizeof(a), ratio, 1, "x",
					     CL_THR(1 / CL_EMU_TOL, CL_EMU_TOL)));
	err[(*n)++] = *ratio;
}

/* The table and the error intervals: the cpu preset's threads / sync and
 * CPU time over wall, and the convoy's delays and rate at 5 ms and 1 ms. */
static unsigned emu_table(struct cl_claim *c, const struct lock_cpu *e,
			  const struct cl_convoy ecv[2], struct cl_ci *err)
{
	struct cl_sample s4[4] = { { e->th, e->nt, 1 }, { e->s, e->ns, 1 },
				   { py.cpu.th, py.cpu.nt, 1 }, { py.cpu.s, py.cpu.ns, 1 } };
	static const char *const sw[2] = { "5 ms", "1 ms" };
	struct cl_ci q;
	unsigned n = 0;
	char what[96];

	cl_head(c, "measure", "emulated lock (--gil)", "CPython's lock",
		"error: emulated / CPython", NULL);
	cl_boot("emulation cpu ratio", s4, 4, stat_ratio2, NULL, &q);
	emu_row(c, "cpu preset: threads' throughput vs sync", &e->r_thr, &py.cpu.r_thr, &q, 1,
		"x", err, &n);
	cl_ci_ratio(e->u, e->nu, py.cpu.u, py.cpu.nu, &q);
	emu_row(c, "cpu preset: threads' CPU time / wall time", &e->cpu_wall,
		&py.cpu.cpu_wall, &q, 1, "", err, &n);
	for (unsigned i = 0; i < 2; i++) {
		const struct cl_convoy *a = &ecv[i], *b = &py.cv[1 + i];
		snprintf(what, sizeof(what), "convoy at %s: delay after a 1 ms wait, p50", sw[i]);
		cl_ci_ratio(a->p50, a->n, b->p50, b->n, &q);
		emu_row(c, what, &a->c50, &b->c50, &q, 1e-3, " ms", err, &n);
		snprintf(what, sizeof(what), "convoy at %s: delay after a 1 ms wait, p99", sw[i]);
		cl_ci_ratio(a->p99, a->n, b->p99, b->n, &q);
		emu_row(c, what, &a->c99, &b->c99, &q, 1e-3, " ms", err, &n);
		snprintf(what, sizeof(what), "convoy at %s: CPU time / wall time", sw[i]);
		cl_ci_ratio(a->busy, a->nbusy, b->busy, b->nbusy, &q);
		emu_row(c, what, &a->cbusy, &b->cbusy, &q, 1, "", err, &n);
	}
	return n;
}

/* Holds when every error interval lies within 1/CL_EMU_TOL .. CL_EMU_TOL,
 * does not hold when one lies wholly outside, else inconclusive. */
static void emu_verdict(struct cl_claim *c, const struct cl_ci *err, unsigned n)
{
	unsigned in = 0, out = 0, none = 0;
	double worst = 1;
	for (unsigned i = 0; i < n; i++) {
		if (!err[i].n) {
			none++;
			continue;
		}
		in += err[i].lo >= 1 / CL_EMU_TOL && err[i].hi <= CL_EMU_TOL;
		out += err[i].hi < 1 / CL_EMU_TOL || err[i].lo > CL_EMU_TOL;
		double d = err[i].est >= 1 ? err[i].est : 1 / err[i].est;
		worst = d > worst ? d : worst;
	}
	if (none) {
		cl_why(c, "%u of the %u figures have too few usable runs on one side, so "
		       "nothing can be decided.", none, n);
		return;
	}
	c->verdict = out ? CL_FAILS : in == n ? CL_HOLDS : CL_INCONCLUSIVE;
	cl_why(c, "Of %u figures, the emulation's error interval lies within %.2fx .. %.2fx "
	       "(rule) for %u and wholly outside it for %u; the largest error is %sx (the "
	       "emulated figure over CPython's, or its inverse when below 1).", n,
	       1 / CL_EMU_TOL, CL_EMU_TOL, in, out, cl_fmt((char[32]){ 0 }, 32, worst));
}

/* The commands of the runs claim 9 reads, as claims 6 and 8 recorded
 * them: those writing one of the CSVs in csvs. */
static void emu_commands(const struct cl_ctx *ctx, struct cl_claim *c)
{
	static const char *const csvs[] = { "/claim6_cpu.csv", "/claim6_convoy_gil5ms.csv",
					    "/claim6_convoy_gil1ms.csv", "/claim8_cpu.csv",
					    "/claim8_convoy_si5ms.csv", "/claim8_convoy_si1ms.csv" };
	for (unsigned n = 6; n <= 8; n += 2) {
		const struct cl_claim *o = ctx->claim[n];
		for (unsigned i = 0; o && i < o->ncmd; i++)
			for (unsigned j = 0; j < MB_ARRAY_SIZE(csvs); j++)
				if (strstr(o->cmd[i], csvs[j]) && c->ncmd < CL_MAXCMD)
					memcpy(c->cmd[c->ncmd++], o->cmd[i], CL_CMDLEN);
	}
}

void cl_claim_emulation(struct cl_ctx *ctx, struct cl_claim *c)
{
	static const char *const tags[2] = { "gil5ms", "gil1ms" };
	struct lock_cpu e;
	struct cl_convoy ecv[2];
	struct cl_ci err[12];

	c->reads_only = true; /* another try would read the same files */
	cl_experiment(c, "No runs of its own: claim 6's runs under the emulated lock (--gil, "
		      "the C runtime) beside claim 8's under CPython's (--runtime python), the "
		      "same recipes, modes, cores and switch intervals. The error of each "
		      "figure is emulated / CPython, a bootstrap interval over both sets of "
		      "runs (for the cpu preset, the ratio of the two speedups).");
	if (!py.done) {
		cl_why(c, "Claim 8 did not run, so there is nothing to compare with.");
		return;
	}
	emu_commands(ctx, c);
	/* CPython's side is claim 8's figures: when they rest on disturbed
	 * runs, so does this comparison (taint_verdict then leaves it
	 * inconclusive) */
	if (ctx->claim[8] && ctx->claim[8]->tainted) {
		c->tainted = true;
		cl_note(c, "Claim 8's figures, CPython's side here, include runs other "
			"processes disturbed.");
	}
	lock_cpu_read(ctx, c, "claim6_cpu.csv", "5000", &e);
	memset(ecv, 0, sizeof(ecv));
	for (unsigned i = 0; i < 2; i++) {
		char csv[64], trace[64];
		snprintf(csv, sizeof(csv), "claim6_convoy_%s.csv", tags[i]);
		snprintf(trace, sizeof(trace), "claim6_convoy_%s_trace.csv", tags[i]);
		cl_convoy(ctx, c, &ecv[i], "threads", csv, trace, false);
	}
	unsigned n = emu_table(c, &e, ecv, err);
	emu_verdict(c, err, n);
	cl_note(c, "The convoy's tasks per second are not compared: cpu:20ms is calibrated "
		"for each runtime's kernel at the start of each sweep, so the rate says as "
		"much about the calibration as about the lock. Here cpu:20ms came to %s and "
		"%s C kernel units (5 ms and 1 ms sweeps), %s and %s Python kernel units; "
		"the emulated convoy did %s and %s tasks/s, CPython's %s and %s.",
		cl_fmt((char[32]){ 0 }, 32, ecv[0].units), cl_fmt((char[32]){ 0 }, 32, ecv[1].units),
		cl_fmt((char[32]){ 0 }, 32, py.cv[1].units),
		cl_fmt((char[32]){ 0 }, 32, py.cv[2].units),
		cl_fmt((char[32]){ 0 }, 32, ecv[0].ctp.est), cl_fmt((char[32]){ 0 }, 32, ecv[1].ctp.est),
		cl_fmt((char[32]){ 0 }, 32, py.cv[1].ctp.est),
		cl_fmt((char[32]){ 0 }, 32, py.cv[2].ctp.est));
	cl_note(c, "Both locks work alike: a thread that waited a whole switch interval "
		"without a switch asks the holder to drop the lock, and a wait releases it. "
		"They differ in what holds it: under the emulation only the cpu steps' work, "
		"the request checked between work units; in CPython all Python code, the "
		"task's own glue included, the request checked between bytecodes. Where "
		"the two differ, CPython's figure is the reference.");
}

/* ---- claim 10: load, asyncio against threads and sync workers ---------- */

static const char *const load_modes[4] = { "async", "async-procs", "threads", "procs" };
static const char *const load_names[4] = { "asyncio, one loop", "asyncio, a loop per core",
					   "threads", "sync worker processes" };

struct load {
	double tp[4][CL_MAXREP], p99[4][CL_MAXREP];
	unsigned ntp[4], np99[4];
	struct cl_ci ctp[4], cp99[4];
	struct cl_ci vs[2][2]; /* best asyncio / threads, / processes; [0] tasks/s, [1] p99 */
};

/* DIR/claim10.dat for scripts/claims_load.gp: each mode's tasks/s and
 * p99 (ms) with their intervals; modes without usable runs left out. */
static void load_data(struct cl_ctx *ctx, const struct load *l, unsigned cc)
{
	char path[CL_PATH];
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim10.dat"), "w");

	if (!f)
		return;
	fprintf(f, "mode,tp,tp_lo,tp_hi,p99_ms,p99_lo,p99_hi,clients\n");
	for (unsigned m = 0; m < 4; m++)
		if (l->ctp[m].n && l->cp99[m].n)
			fprintf(f, "%s,%g,%g,%g,%g,%g,%g,%u\n", load_modes[m], l->ctp[m].est,
				l->ctp[m].lo, l->ctp[m].hi, l->cp99[m].est / 1e3,
				l->cp99[m].lo / 1e3, l->cp99[m].hi / 1e3, cc);
	fclose(f);
}

static void load_table(struct cl_claim *c, struct load *l, unsigned best)
{
	char a[96];
	cl_head(c, "mode", "tasks/s", "latency p99", "best asyncio: tasks/s ratio",
		"best asyncio: p99 ratio", NULL);
	for (unsigned m = 0; m < 4; m++) {
		unsigned r = cl_row(c);
		cl_cell(c, r, 0, "%s%s", load_names[m], m == best ? " (best asyncio)" : "");
		cl_cell(c, r, 1, "%s", cl_fmt_ci(a, sizeof(a), &l->ctp[m], 1, ""));
		cl_cell(c, r, 2, "%s", cl_fmt_ci(a, sizeof(a), &l->cp99[m], 1e-3, " ms"));
		for (unsigned j = 0; j < 2; j++)
			cl_cell(c, r, 3 + j, "%s", m < 2 ? "" :
				cl_fmt_ci_vs(a, sizeof(a), &l->vs[m - 2][j], 1, "x", CL_THR(1)));
	}
}

void cl_claim_load(struct cl_ctx *ctx, struct cl_claim *c)
{
	static struct load l;
	struct cl_table t;
	unsigned cc = ctx->quick ? 32 : 64, best = 0;
	char a[96], b[96], d[96], e[96];

	memset(&l, 0, sizeof(l));
	cl_experiment(c, "The web preset (net:500us/4KiB+cpu:100us: a call to the loopback "
		      "delay service, then 100 us of Python computation) as Python code "
		      "(--runtime python) for C=%u concurrent clients in a closed loop over all "
		      "k=%u cores: by asyncio (one event loop with %u tasks, and one loop per "
		      "core), by %u threads, and by %u sync worker processes. Which handles the "
		      "load better: tasks per second and the 99th-percentile latency.",
		      cc, ctx->k, cc, cc, cc);
	cl_run(ctx, c, "claim10.csv", true, "-w " LOAD_PRESET " -m async,async-procs,threads,"
	       "procs -c all -C %u " PY " -d %s", cc, ctx->quick ? "200ms" : "500ms");
	if (!cl_load_runs(ctx, c, &t, "claim10.csv")) {
		for (unsigned m = 0; m < 4; m++) {
			l.ntp[m] = cl_get(&t, CL_SEL(.mode = load_modes[m]), "throughput", l.tp[m]);
			l.np99[m] = cl_get(&t, CL_SEL(.mode = load_modes[m]), "lat_p99_us", l.p99[m]);
		}
		cl_table_free(&t);
	}
	for (unsigned m = 0; m < 4; m++) {
		cl_ci_median(l.tp[m], l.ntp[m], &l.ctp[m]);
		cl_ci_median(l.p99[m], l.np99[m], &l.cp99[m]);
	}
	best = l.ctp[1].n && (!l.ctp[0].n || l.ctp[1].est > l.ctp[0].est) ? 1 : 0;
	for (unsigned j = 0; j < 2; j++) {
		cl_ci_ratio(l.tp[best], l.ntp[best], l.tp[2 + j], l.ntp[2 + j], &l.vs[j][0]);
		cl_ci_ratio(l.p99[best], l.np99[best], l.p99[2 + j], l.np99[2 + j], &l.vs[j][1]);
	}
	load_table(c, &l, best);
	load_data(ctx, &l, cc);
	cl_chart(ctx, c, 0, "claims_load.gp", "claim10.dat", "claim10.png", NULL,
		 "Claim 10: tasks/s and p99 latency of the web preset in CPython by mode "
		 "(95% CI)");
	if (!l.vs[0][0].n || !l.vs[1][0].n) {
		cl_why(c, "Some configurations have too few usable runs (successful and "
		       "undisturbed), so nothing can be decided.");
		return;
	}
	/* worse: fewer tasks/s than both; not worse: at least as many as one */
	bool worse = l.vs[0][0].hi < 1 && l.vs[1][0].hi < 1;
	bool not_worse = l.vs[0][0].lo >= 1 || l.vs[1][0].lo >= 1;
	c->verdict = worse ? CL_HOLDS : not_worse ? CL_FAILS : CL_INCONCLUSIVE;
	cl_why(c, "The better asyncio variant (%s) handled %s the tasks per second of threads "
	       "and %s those of sync worker processes; its 99th-percentile latency was %s "
	       "and %s theirs (rule: the claim holds when asyncio's tasks/s interval lies "
	       "below both, 1x, and does not hold when it reaches at least one of them).",
	       load_names[best], cl_fmt_ci_vs(a, sizeof(a), &l.vs[0][0], 1, "x", CL_THR(1)),
	       cl_fmt_ci_vs(b, sizeof(b), &l.vs[1][0], 1, "x", CL_THR(1)),
	       cl_fmt_ci(d, sizeof(d), &l.vs[0][1], 1, "x"),
	       cl_fmt_ci(e, sizeof(e), &l.vs[1][1], 1, "x"));
}
