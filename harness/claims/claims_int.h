/* Internals of `modebench claims`: the suite context, one report section
 * per claim, the CSV table reader, the bootstrap statistics and the
 * writers. claims.c drives; claims_waits.c, claims_cores.c and
 * claims_gil.c hold the experiments (each runs its sweeps in-process
 * through mb_sweep_main, reads the CSVs back, decides and draws). */
#ifndef MB_CLAIMS_INT_H
#define MB_CLAIMS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"

#define CL_PATH 1024
#define CL_MAXCMD 6
#define CL_CMDLEN 1200
#define CL_MAXROW 40
#define CL_MAXCOL 10
#define CL_CELL 72
#define CL_MAXNOTE 8
#define CL_NOTELEN 700
#define CL_MAXCHART 2
#define CL_MAXREP 64 /* repetitions read back per configuration */

/* Thresholds a verdict is decided against; each claim states its own in
 * its text. Kept here so the tests and the text agree. */
#define CL_WAIT_SPEEDUP 5.0    /* claim 1: "much sooner" */
#define CL_IDLE_SHARE 0.9      /* claim 1: share of the time saved that was idle */
#define CL_SAME_LO 0.9         /* claim 2: async/sync within +-10% */
#define CL_SAME_HI 1.1
#define CL_CORE_EFF 0.8        /* claims 2 and 6: speedup >= 0.8 k */
#define CL_PAST_CEILING 0.25   /* claim 5: threads/procs >= 1 + 0.25 (k-1) x one loop */
#define CL_SATURATED 0.85      /* claim 5: one loop's core busy >= 85% */
#define CL_NO_SPEEDUP 1.2      /* claim 6: "no speedup" means < 1.2x */
#define CL_CONVOY_US 1000.0    /* claim 6: a long wait is >= 1 ms extra */
#define CL_SHORTER 0.75        /* claim 6: shorter interval, p99 <= 0.75x */
#define CL_EMU_TOL 1.25        /* claim 9: the emulation within 1/1.25 .. 1.25x */
#define CL_MAX_OUTSIDE 0.10    /* runs where other processes took more of the
				* pinned cores (outside_load) are set aside */
#define CL_MIN_LOAD_WALL 0.1   /* seconds: shorter runs cannot measure that */
#define CL_MIN_RUNS 3          /* fewer usable runs per configuration: no CI */

enum cl_verdict { CL_INCONCLUSIVE, CL_HOLDS, CL_FAILS };
const char *cl_verdict_word(enum cl_verdict v); /* holds, does not hold, ... */

struct cl_ctx {
	char dir[CL_PATH];
	char scripts[CL_PATH]; /* where claims_*.gp and timeline.gp live */
	const char *gnuplot;
	bool quick;
	bool quiet;	       /* -q: errors only */
	bool have_gnuplot;
	bool have_scripts;     /* false: scripts says where they were looked for */
	unsigned k;	       /* cores present (core slots, no SMT) */
	unsigned reps, warmup;
	int status;	       /* 0, or 1 once a run or a chart failed */
	bool interrupted;      /* a run returned 130: stop */
	unsigned step, nsteps; /* progress */
	/* the claims done so far by number, for a claim that reads another's
	 * runs (claim 9) */
	const struct cl_claim *claim[16];
	/* identity of the machine, from the first CSV read back */
	char host[128], cpu_model[160], topology[160], kernel[160], version[160];
};

/* One section of the report. */
struct cl_claim {
	int num;	   /* 1..7, 0 for the timeline */
	const char *title; /* the claim, one sentence */
	char experiment[1200];
	char cmd[CL_MAXCMD][CL_CMDLEN];
	unsigned ncmd;
	char head[CL_MAXCOL][CL_CELL];
	unsigned ncol;
	char cell[CL_MAXROW][CL_MAXCOL][CL_CELL];
	unsigned nrow;
	char note[CL_MAXNOTE][CL_NOTELEN];
	unsigned nnote;
	enum cl_verdict verdict;
	char why[2400];
	char chart[CL_MAXCHART][64]; /* PNG file names in dir; "" if not drawn */
	char caption[CL_MAXCHART][300];
	char redraw[CL_MAXCHART][CL_CMDLEN]; /* the gnuplot command, for people */
	unsigned nchart;
	unsigned n_runs, n_disturbed; /* measured runs read, and disturbed */
	bool reads_only; /* no runs of its own (claim 9): never repeated */
	bool tainted; /* some figures include disturbed runs */
};

/* ---- running (claims_run.c) ------------------------------------------ */

/* Runs `modebench run ARGS -q -o DIR/CSV` in-process, ARGS being the
 * space-separated words of fmt (no word may hold a space; a word starting
 * with @ is a file name in DIR). With reps, "-r R --warmup W" of the suite
 * are added. The CSV is removed first; the command is recorded in the
 * claim as a line a user can paste. Returns the run command's exit
 * status (updating ctx->status and ctx->interrupted). */
int cl_run(struct cl_ctx *ctx, struct cl_claim *c, const char *csv, bool reps,
	   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* DIR/name into buf. */
char *cl_path(const struct cl_ctx *ctx, char *buf, size_t len, const char *name);

/* Draws chart slot i of the claim: gnuplot -e "data='DIR/DATA'; out='DIR/PNG';
 * EXTRA" SCRIPTS/SCRIPT (mb_gp_spawn), its output appended to
 * DIR/gnuplot.log. On success the slot names the PNG; on failure it stays
 * empty, the caption says why and ctx->status becomes 1. extra may be
 * NULL. */
int cl_chart(struct cl_ctx *ctx, struct cl_claim *c, unsigned i, const char *script,
	     const char *data, const char *png, const char *extra, const char *caption);

/* Finds the scripts folder (mb_scripts_dir, probing claims_waits.gp) and
 * gnuplot (mb_gnuplot); fills ctx->scripts, ->have_scripts, ->gnuplot,
 * ->have_gnuplot, and says on stderr when there are no scripts. */
void cl_find_tools(struct cl_ctx *ctx);

/* Progress line on stderr; nothing under -q. */
void cl_progress(struct cl_ctx *ctx, const char *what);

/* ---- the claim sections (claims_out.c helpers) ----------------------- */

void cl_claim_init(struct cl_claim *c, int num, const char *title);
void cl_experiment(struct cl_claim *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cl_why(struct cl_claim *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cl_note(struct cl_claim *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Table: cl_head(c, "mode", "C", ..., NULL), then rows of cells. */
void cl_head(struct cl_claim *c, ...);
unsigned cl_row(struct cl_claim *c);
void cl_cell(struct cl_claim *c, unsigned row, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writers: claims.md and claims.html for all sections. */
int cl_write_md(const struct cl_ctx *ctx, struct cl_claim *const *cl, unsigned n,
		double runtime_s, FILE *f);
int cl_write_html(const struct cl_ctx *ctx, struct cl_claim *const *cl, unsigned n,
		  double runtime_s, FILE *f);

/* ---- CSV tables (claims_data.c) --------------------------------------- */

struct cl_table {
	char **hdr;
	unsigned ncol;
	char ***rows; /* rows[r][c], every row has ncol fields ("" if short) */
	unsigned nrow, cap;
	bool *taint; /* set when a selection had to include disturbed runs */
};

/* Reads a CSV with a header line through base's CSV reader (lenient
 * quoting). -errno, err set: "PATH: cannot open: ...", "PATH: empty (no
 * header line)", "PATH: read error", "PATH: out of memory". t->taint
 * starts NULL. */
int cl_table_load(struct cl_table *t, const char *path, char *err, size_t errlen);
void cl_table_free(struct cl_table *t);
int cl_col(const struct cl_table *t, const char *name);
const char *cl_str(const struct cl_table *t, unsigned row, const char *col);
double cl_num(const struct cl_table *t, unsigned row, const char *col);

/* Which rows of a run CSV: measured (warmup 0), status ok, matching the
 * fields that are set (NULL / 0: any; gil_us is the column's text, "0" for
 * no lock), and not disturbed: outside_load at most CL_MAX_OUTSIDE. When
 * fewer than CL_MIN_RUNS undisturbed rows match, the disturbed ones are
 * taken too and *t->taint is set, so the claim can show figures but not
 * decide on them. any_load takes every row without tainting. */
struct cl_sel {
	const char *mode;
	const char *recipe;
	unsigned conc;
	const char *gil_us;
	bool any_load;
};
#define CL_SEL(...) ((struct cl_sel){ __VA_ARGS__ })
unsigned cl_select(const struct cl_table *t, struct cl_sel s, unsigned *rows, unsigned max);
/* Values of a column on those rows; returns how many are numbers. */
unsigned cl_values(const struct cl_table *t, const unsigned *rows, unsigned n,
		   const char *col, double *out);
/* cl_select + cl_values in one: values of col on the selected rows. */
unsigned cl_get(const struct cl_table *t, struct cl_sel s, const char *col, double *out);
/* Measured rows whose status is not ok. */
unsigned cl_not_ok(const struct cl_table *t);

/* Loads DIR/csv for a claim: notes failed runs, adds outside_load to the
 * claim's tally and takes the machine's identity for the header. */
int cl_load_runs(struct cl_ctx *ctx, struct cl_claim *c, struct cl_table *t, const char *csv);

/* ---- statistics (claims_stats.c) ---------------------------------------- */

/* An estimate with its 95% CI; n == 0 means no data, or fewer than
 * CL_MIN_RUNS runs in some sample (all NAN). n_undef of the nboot
 * resamples gave an undefined statistic (a ratio over a zero median...):
 * they are not in [lo, hi], and cl_fmt_ci says how many there were. */
struct cl_ci {
	double est, lo, hi;
	unsigned n;
	unsigned n_undef, nboot;
};

#define CL_BOOT 2000	 /* resamples */
#define CL_SEED 1	 /* fixed, so a report is reproducible from its CSVs */
#define CL_MAXM MB_BOOT_MAXM /* metrics per sample */

/* A sample: n runs with m metrics each, v[i * m + j]. */
struct cl_sample {
	const double *v;
	unsigned n, m;
};
/* stat(med, arg): med[g * CL_MAXM + j] is the median of metric j of
 * sample g. Percentile bootstrap (base's mb_stat_boot): each sample's runs
 * are resampled with replacement (a run keeps its metrics together), the
 * statistic computed CL_BOOT times, and [2.5%, 97.5%] of its defined
 * values taken; est is the statistic of the original medians. Each
 * interval draws its own stream, seeded from CL_SEED, the statistic's name
 * what and the runs' values (cl_boot_seed), so no two intervals share
 * resamples and the same CSVs give the same report. Resamples giving NAN
 * are counted in out->n_undef. */
void cl_boot(const char *what, const struct cl_sample *s, unsigned ns,
	     double (*stat)(const double *med, void *arg), void *arg, struct cl_ci *out);
/* The seed of an interval: CL_SEED mixed with what and every sample's
 * size and values (at most CL_MAXREP runs each, as resampled). */
uint64_t cl_boot_seed(const char *what, const struct cl_sample *s, unsigned ns);
/* Median of v[0..n), NANs ignored, at most the first CL_MAXREP numbers
 * taken; v is not modified. NAN when there is no number (mb_stat_median). */
double cl_median(const double *v, unsigned n);
void cl_ci_median(const double *v, unsigned n, struct cl_ci *out);
/* median(a) / median(b) */
void cl_ci_ratio(const double *a, unsigned na, const double *b, unsigned nb,
		 struct cl_ci *out);

/* Latencies come from engine's histograms, which keep a value above 256
 * ns to within 1/128 of itself (MB_HIST_SUB buckets per power of two): two
 * latencies closer than that may be one bucket, and no comparison of them
 * means anything. */
bool cl_same_bucket(double a_us, double b_us);

/* Numbers for people: 3 significant digits, no exponent ("13357",
 * "2.15", "0.734"). */
char *cl_fmt(char *buf, size_t len, double v);
/* "2.15x [2.01, 2.30]" style: est, then the CI in brackets, each scaled
 * and suffixed by unit ("x", " ms", "%"); then, when some resamples were
 * undefined, "(12 of 2000 resamples undefined)". */
char *cl_fmt_ci(char *buf, size_t len, const struct cl_ci *c, double scale, const char *unit);
/* The same, for numbers printed next to thresholds thr[0..nthr) (in v's
 * unscaled units): as many more digits as it takes for each printed
 * number to lie on the same side of every threshold as the number itself,
 * so that 1.2452 beside "at or above 1.25" reads 1.245, not 1.25. */
char *cl_fmt_vs(char *buf, size_t len, double v, const double *thr, unsigned nthr);
char *cl_fmt_ci_vs(char *buf, size_t len, const struct cl_ci *c, double scale,
		   const char *unit, const double *thr, unsigned nthr);
/* The thresholds argument pair of cl_fmt_vs / cl_fmt_ci_vs:
 * cl_fmt_ci_vs(buf, len, &ci, 1, "x", CL_THR(CL_SAME_LO, CL_SAME_HI)). */
#define CL_THR(...) (const double[]){ __VA_ARGS__ }, \
	(unsigned)(sizeof((const double[]){ __VA_ARGS__ }) / sizeof(double))

/* ---- the convoy (claims_gil.c), in claim 6 and under CPython ----------- */

/* Two threads (or processes) each alternating a 1 ms wait with 20 ms of
 * computation; the trace times each wait until its worker runs again. */
#define CL_CONVOY_RECIPE "sleep:1ms+cpu:20ms"
struct cl_convoy {
	const char *name, *opt; /* "no lock", "--gil=5ms": the run's options */
	double p50[CL_MAXREP], p99[CL_MAXREP], lat99[CL_MAXREP], tp[CL_MAXREP];
	double busy[CL_MAXREP]; /* CPU time / wall time (cpu_util x cores) */
	unsigned n, nlat, ntp, nbusy;
	struct cl_ci c50, c99, clat, ctp, cbusy; /* medians over runs, 95% CI */
	double units; /* work_units of the recipe (cpu:20ms as calibrated) */
	char id[64]; /* the first measured run, for the timeline */
};
/* With run, `modebench run -w CL_CONVOY_RECIPE -m MODE -c all -C 2 -d 200ms|600ms
 * OPT --trace @TRACE` into DIR/CSV; then DIR/CSV and DIR/TRACE (run now
 * or earlier in the suite) are read back: each measured run's delays
 * after a wait (how much longer than 1 ms it took) reduced to p50 and p99,
 * then to their medians with intervals in v. A missing trace leaves v->n
 * at 0, noted. */
void cl_convoy(struct cl_ctx *ctx, struct cl_claim *c, struct cl_convoy *v, const char *mode,
	       const char *csv, const char *trace, bool run);

/* ---- the experiments ----------------------------------------------------- */

void cl_claim_waits(struct cl_ctx *ctx, struct cl_claim *c);	 /* 1 */
void cl_claim_cpu(struct cl_ctx *ctx, struct cl_claim *c);	 /* 2 */
void cl_claim_switch(struct cl_ctx *ctx, struct cl_claim *c);	 /* 3 */
void cl_claim_tail(struct cl_ctx *ctx, struct cl_claim *c);	 /* 4 */
void cl_claim_scaling(struct cl_ctx *ctx, struct cl_claim *c);	 /* 5 */
void cl_claim_gil(struct cl_ctx *ctx, struct cl_claim *c);	 /* 6 */
void cl_claim_breakfast(struct cl_ctx *ctx, struct cl_claim *c); /* 7 */
void cl_timeline(struct cl_ctx *ctx, struct cl_claim *c);	 /* the timeline */
/* Under CPython (claims_python.c), where --runtime python is available:
 * claim 6 against the real lock, the emulation against it, and the load
 * claim. */
void cl_claim_gil_python(struct cl_ctx *ctx, struct cl_claim *c); /* 8 */
void cl_claim_emulation(struct cl_ctx *ctx, struct cl_claim *c);  /* 9 */
void cl_claim_load(struct cl_ctx *ctx, struct cl_claim *c);	  /* 10 */

#endif
