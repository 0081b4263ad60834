/* Claim 3: switching between tasks costs something, so with very short
 * waits and tiny tasks async can be slower than sync (README, "What it
 * shows on this machine"). Tiny tasks (one CPU work unit, then a wait of
 * 1 us to 1 ms) run for a fixed time by one sync worker and by one event
 * loop with C tasks in flight. The verdict looks at C >= 2, where the loop
 * switches between tasks; C = 1, where it has nothing to overlap, is shown
 * as the cost of the loop's machinery alone.
 *
 * cl_claim_switch runs the phases in order: the plan (waits and C), the
 * runs, the table of async/sync ratios, the crossover, the verdict, the
 * notes and the chart. Each phase writes only its own part of the claim. */
#include <stdio.h>
#include <string.h>

#include "claims_int.h"

#define SW_MAXW 6 /* wait lengths in the full suite */
#define SW_MAXC 4 /* concurrencies in the full suite */

/* The sweep's shape, quick or full. */
struct sw_plan {
	const char *const *waits; /* "1us", ... "1ms", shortest first */
	const double *wait_us;	  /* the same in microseconds, for the chart */
	const unsigned *cs;	  /* the C values; cs[0] == 1 is the reference */
	unsigned nw, nc;
	unsigned nvc;			/* how many C >= 2: the verdict's */
	char wl[512];			/* the -w list: cpu:1+sleep:W,... */
	char cl_list[64], vc_list[64];	/* every C, and the verdict's: "1,2,4,16" */
};

/* What the table found, for the verdict, the notes and the chart. */
struct sw_result {
	struct cl_ci ratio[SW_MAXW][SW_MAXC]; /* async/sync throughput per wait, C */
	unsigned slower;     /* (wait, C >= 2) where async is measurably slower */
	unsigned wins_short; /* C >= 2 where async measurably wins at the shortest wait */
	unsigned missing;    /* (wait, C >= 2) without enough usable runs */
	char slower_txt[600]; /* "1us at C=2 (0.8x [...]); ..." */
	char cross[600];      /* the crossover per C, in words */
};

/* Fills p for the quick or the full suite. */
static void sw_plan(const struct cl_ctx *ctx, struct sw_plan *p)
{
	static const char *const full_w[SW_MAXW] = { "1us", "5us", "20us", "50us", "200us", "1ms" };
	static const double full_us[SW_MAXW] = { 1, 5, 20, 50, 200, 1000 };
	static const char *const quick_w[] = { "1us", "50us", "1ms" };
	static const double quick_us[] = { 1, 50, 1000 };
	static const unsigned full_c[SW_MAXC] = { 1, 2, 4, 16 }, quick_c[] = { 1, 4 };

	memset(p, 0, sizeof(*p));
	p->waits = ctx->quick ? quick_w : full_w;
	p->wait_us = ctx->quick ? quick_us : full_us;
	p->cs = ctx->quick ? quick_c : full_c;
	p->nw = ctx->quick ? 3 : 6;
	p->nc = ctx->quick ? 2 : 4;
	for (unsigned i = 0; i < p->nw; i++)
		snprintf(p->wl + strlen(p->wl), sizeof(p->wl) - strlen(p->wl), "%scpu:1+sleep:%s",
			 i ? "," : "", p->waits[i]);
	for (unsigned j = 0; j < p->nc; j++) {
		snprintf(p->cl_list + strlen(p->cl_list), sizeof(p->cl_list) - strlen(p->cl_list),
			 "%s%u", j ? "," : "", p->cs[j]);
		if (p->cs[j] > 1)
			snprintf(p->vc_list + strlen(p->vc_list),
				 sizeof(p->vc_list) - strlen(p->vc_list), "%s%u", p->nvc++ ? "," : "",
				 p->cs[j]);
	}
}

/* States the experiment, runs the sweep and reads it back into t.
 * Returns cl_load_runs's result: nonzero when there is nothing to read
 * (t is then not to be freed). Cost: the sweep, nw x (1 + nc)
 * configurations of 50 or 150 ms per repetition. */
static int sw_run(struct cl_ctx *ctx, struct cl_claim *c, const struct sw_plan *p,
		  struct cl_table *t)
{
	cl_experiment(c, "Tiny tasks (one CPU work unit, about half a microsecond, then a wait "
		      "of %s to %s) run for a fixed time by one sync worker and by one event loop "
		      "with C = %s tasks in flight; we compare their throughput at each wait "
		      "length. The verdict uses C = %s, where the loop switches between tasks; "
		      "C = 1 shows what the loop's machinery costs when there is nothing to "
		      "overlap.", p->waits[0], p->waits[p->nw - 1], p->cl_list, p->vc_list);
	cl_run(ctx, c, "claim3.csv", true, "-w %s -m sync,async -C %s -d %s", p->wl, p->cl_list,
	       ctx->quick ? "50ms" : "150ms");
	return cl_load_runs(ctx, c, t, "claim3.csv");
}

/* The table: one row per wait, sync's throughput and async/sync per C.
 * Fills r's ratios and the tallies the verdict counts (C >= 2 only). */
static void sw_table(struct cl_claim *c, const struct cl_table *t, const struct sw_plan *p,
		     struct sw_result *r)
{
	double tpa[CL_MAXREP], tps[CL_MAXREP];
	char recipe[64], a[96], b[96];

	cl_head(c, "wait", "sync tasks/s", NULL);
	c->ncol = 2 + p->nc;
	for (unsigned j = 0; j < p->nc; j++)
		snprintf(c->head[2 + j], CL_CELL, "async/sync, C=%u%s", p->cs[j],
			 p->cs[j] == 1 ? " (reference)" : "");
	for (unsigned i = 0; i < p->nw; i++) {
		struct cl_ci sync_tp;
		snprintf(recipe, sizeof(recipe), "cpu:1+sleep:%s", p->waits[i]);
		unsigned ns = cl_get(t, CL_SEL(.mode = "sync", .recipe = recipe), "throughput", tps);
		cl_ci_median(tps, ns, &sync_tp);
		unsigned row = cl_row(c);
		cl_cell(c, row, 0, "%s", p->waits[i]);
		cl_cell(c, row, 1, "%s", cl_fmt_ci(a, sizeof(a), &sync_tp, 1, ""));
		for (unsigned j = 0; j < p->nc; j++) {
			struct cl_ci *q = &r->ratio[i][j];
			unsigned na = cl_get(t, CL_SEL(.mode = "async", .recipe = recipe,
						       .conc = p->cs[j]), "throughput", tpa);
			cl_ci_ratio(tpa, na, tps, ns, q);
			cl_cell(c, row, 2 + j, "%s", cl_fmt_ci_vs(a, sizeof(a), q, 1, "x", CL_THR(1)));
			if (p->cs[j] == 1)
				continue;
			r->missing += !q->n;
			if (q->n && q->hi < 1) {
				r->slower++;
				snprintf(r->slower_txt + strlen(r->slower_txt),
					 sizeof(r->slower_txt) - strlen(r->slower_txt),
					 "%s%s at C=%u (%s)", r->slower > 1 ? "; " : "", p->waits[i],
					 p->cs[j], cl_fmt_ci_vs(b, sizeof(b), q, 1, "x", CL_THR(1)));
			}
			if (i == 0)
				r->wins_short += q->n && q->lo > 1;
		}
	}
}

/* The crossover per C >= 2, in words into r->cross: the shortest wait from
 * which async wins at every longer wait tested. */
static void sw_crossover(const struct sw_plan *p, struct sw_result *r)
{
	char a[96];
	unsigned nx = 0;
	size_t len = sizeof(r->cross);
	char *s = r->cross;

	for (unsigned j = 0; j < p->nc; j++) {
		int from = -1;
		if (p->cs[j] == 1)
			continue;
		for (int i = (int)p->nw - 1; i >= 0 && r->ratio[i][j].n && r->ratio[i][j].lo > 1; i--)
			from = i;
		snprintf(s + strlen(s), len - strlen(s), "%sC=%u: %s", nx++ ? "; " : "", p->cs[j],
			 from < 0 ? "async does not win at the longest wait tested" :
			 from == 0 ? "async wins at every wait tested" : "");
		if (from > 0)
			snprintf(s + strlen(s), len - strlen(s), "async wins from %s on (at %s: %s)",
				 p->waits[from], p->waits[from - 1],
				 cl_fmt_ci_vs(a, sizeof(a), &r->ratio[from - 1][j], 1, "x", CL_THR(1)));
	}
}

/* The rule: holds when async is measurably slower somewhere at C >= 2;
 * does not hold when it measurably wins already at the shortest wait at
 * every C >= 2; inconclusive otherwise. Sets c->verdict and c->why. */
static void sw_verdict(struct cl_claim *c, const struct sw_plan *p, const struct sw_result *r)
{
	unsigned jv = p->cs[0] == 1 ? 1 : 0; /* first C of the verdict */
	char a[96];

	if (r->missing == p->nw * p->nvc) {
		cl_why(c, "No async or sync configuration has enough usable runs (successful and "
		       "undisturbed) to compare.");
	} else if (r->slower) {
		c->verdict = CL_HOLDS;
		cl_why(c, "Async was measurably slower than sync (async/sync throughput interval "
		       "entirely below 1) at: %s. Where async starts to win (interval entirely "
		       "above 1 at that wait and every longer one): %s.", r->slower_txt, r->cross);
	} else if (r->wins_short == p->nvc) {
		c->verdict = CL_FAILS;
		cl_why(c, "Async was never measurably slower than sync at C = %s: already at the "
		       "shortest wait (%s) its throughput interval lies above sync's at every C "
		       "(C=%u: %s). Switching between tasks does cost something, but here it is "
		       "far cheaper than what a blocking wait costs a sync worker (a system call, "
		       "a sleep and a wake-up per task). Where async wins: %s.", p->vc_list,
		       p->waits[0], p->cs[jv], cl_fmt_ci_vs(a, sizeof(a), &r->ratio[0][jv], 1, "x", CL_THR(1)),
		       r->cross);
	} else {
		cl_why(c, "Async was nowhere measurably slower than sync at C = %s, but not "
		       "measurably faster at the shortest wait at every C either (intervals "
		       "around 1). Where async wins: %s.", p->vc_list, r->cross);
	}
}

/* Two notes after the verdict: the time per task at the shortest wait
 * (sync against the largest C), and what C = 1 costs when it was run. */
static void sw_notes(struct cl_claim *c, const struct cl_table *t, const struct sw_plan *p,
		     const struct sw_result *r)
{
	double tp_s[CL_MAXREP], tp_a[CL_MAXREP];
	char recipe[64], a[96], b[96];
	unsigned top = p->cs[p->nc - 1];

	snprintf(recipe, sizeof(recipe), "cpu:1+sleep:%s", p->waits[0]);
	unsigned ns = cl_get(t, CL_SEL(.mode = "sync", .recipe = recipe), "throughput", tp_s);
	unsigned na = cl_get(t, CL_SEL(.mode = "async", .recipe = recipe, .conc = top),
			     "throughput", tp_a);
	double ms = cl_median(tp_s, ns), ma = cl_median(tp_a, na);
	if (ns && na)
		cl_note(c, "Time per task at the shortest wait (%s: a work unit and a 1 us "
			"timer): sync %s us, async with C=%u %s us. The difference is what a "
			"blocking wait costs beyond the wait itself on this machine, against "
			"what the loop spends to park a task on a timer and resume it.",
			p->waits[0], cl_fmt(a, sizeof(a), 1e6 / ms), top,
			cl_fmt(b, sizeof(b), 1e6 / ma));
	if (p->cs[0] == 1 && r->ratio[0][0].n) {
		const struct cl_ci *q = &r->ratio[0][0];
		cl_note(c, "With one task in flight (C=1) the loop overlaps nothing and pays its "
			"own machinery (a timer in its heap, an epoll wait, the dispatch) instead of "
			"one clock_nanosleep: at %s it reached %s sync's throughput, %s%s.",
			p->waits[0], cl_fmt_ci_vs(a, sizeof(a), q, 1, "x", CL_THR(1)),
			q->hi < 1 ? "measurably slower: that is the overhead the claim is about" :
			q->lo > 1 ? "measurably faster" : "the same within the interval",
			q->hi < 1 && c->verdict == CL_FAILS ?
			", which overlapping even two tasks more than pays back here" : "");
	}
}

/* DIR/claim3.dat, one block per C (a gnuplot index, its first line the
 * header), then the chart. A file that cannot be written leaves the chart
 * to report the failure. */
static void sw_chart(struct cl_ctx *ctx, struct cl_claim *c, const struct sw_plan *p,
		     const struct sw_result *r)
{
	char path[CL_PATH];
	FILE *f = fopen(cl_path(ctx, path, sizeof(path), "claim3.dat"), "w");

	if (f) {
		for (unsigned j = 0; j < p->nc; j++) {
			fprintf(f, "%swait_us,C=%u%s,lo,hi\n", j ? "\n\n" : "", p->cs[j],
				p->cs[j] == 1 ? " (nothing to overlap)" : "");
			for (unsigned i = 0; i < p->nw; i++)
				if (r->ratio[i][j].n)
					fprintf(f, "%g,%g,%g,%g\n", p->wait_us[i], r->ratio[i][j].est,
						r->ratio[i][j].lo, r->ratio[i][j].hi);
		}
		fclose(f);
	}
	cl_chart(ctx, c, 0, "claims_switch.gp", "claim3.dat", "claim3.png", NULL,
		 "Claim 3: async/sync throughput vs wait length (95% CI); above 1 async wins");
}

/* The phases in order; nothing is decided or drawn when the sweep left no
 * CSV to read (cl_load_runs has noted why). */
void cl_claim_switch(struct cl_ctx *ctx, struct cl_claim *c)
{
	struct sw_plan p;
	struct sw_result r;
	struct cl_table t;

	sw_plan(ctx, &p);
	if (sw_run(ctx, c, &p, &t))
		return;
	memset(&r, 0, sizeof(r));
	sw_table(c, &t, &p, &r);
	sw_crossover(&p, &r);
	sw_verdict(c, &p, &r);
	sw_notes(c, &t, &p, &r);
	cl_table_free(&t);
	sw_chart(ctx, c, &p, &r);
}
