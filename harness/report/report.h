/* modebench report: read run CSVs, aggregate repetitions into one row per
 * configuration, write summary.csv, summary.md, index.html and the gnuplot
 * charts (README, "Report").
 *
 * The pipeline is: mb_report_read() every input (all validated before
 * anything is written), mb_report_aggregate() into groups, then the writers.
 * Functions return 0 or a negative errno; input errors come back as -EINVAL
 * with one line of text "FILE:LINE: column N (NAME): what is wrong". */
#ifndef MB_REPORT_H
#define MB_REPORT_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "base.h"

/* `modebench report [-o DIR] [--format LIST] [--scripts DIR] [--no-charts]
 * [-j N] [-q] CSV...`.
 * argv[0] is "report". Returns the process exit status: 0 report written,
 * 1 nothing to report (empty or all-failed input) or a chart failed to
 * render, 2 usage or input error (DIR left untouched). Prints to stderr. */
int mb_report_main(int argc, char **argv);

/* ---- Input ------------------------------------------------------------ */

/* The columns the reader parses as numbers, and the text columns (kept
 * verbatim, never parsed); every column of schema.h is in exactly one
 * list (checked when report_csv.c compiles). */
#define MB_REPORT_NUMERIC(X)                                                 \
	X(rep) X(warmup) X(cores) X(workers) X(concurrency) X(rate)          \
	X(gil_us) X(work_units) X(tasks) X(wall_s) X(throughput)             \
	X(lat_mean_us) X(lat_p50_us) X(lat_p90_us) X(lat_p99_us)             \
	X(lat_p999_us) X(lat_max_us) X(user_s) X(sys_s) X(cpu_util)          \
	X(ctx_vol) X(ctx_invol) X(max_rss_kb) X(outside_load)                \
	X(io_fraction) X(svc_mean_us) X(svc_p50_us) X(svc_p99_us)            \
	X(svc_p999_us) X(bytes_per_s) X(start_skew_us) X(smt)            \
	X(nodes) X(ranks) X(rank_skew_us)
#define MB_REPORT_TEXT(X)                                                    \
	X(schema) X(run_id) X(started_at) X(host) X(cpu_model) X(topology)   \
	X(kernel) X(version) X(workload) X(recipe) X(mode) X(backend)        \
	X(policy) X(cpuset) X(status) X(error) X(placement_ok) X(arrivals)   \
	X(server_cpus) X(flags) X(ci_pct) X(label) X(mem_policy) X(mem_nodes)    \
	X(runtime)

enum mb_report_num_slot {
#define MB_REPORT_NUM_SLOT(name) MB_REPORT_NUM_##name,
	MB_REPORT_NUMERIC(MB_REPORT_NUM_SLOT)
#undef MB_REPORT_NUM_SLOT
	MB_REPORT_NNUM
};

enum mb_report_text_slot {
#define MB_REPORT_TEXT_SLOT(name) MB_REPORT_TEXT_##name,
	MB_REPORT_TEXT(MB_REPORT_TEXT_SLOT)
#undef MB_REPORT_TEXT_SLOT
	MB_REPORT_NTEXT
};

/* Where column c is kept in a row: 1 + its numeric slot (> 0), or
 * -1 - its text slot (< 0). */
extern const signed char mb_report_slot[MB_NCOLUMNS];

/* One input row, compact: the text columns as strings interned in the
 * input (equal strings are one pointer, so keys compare by pointer), the
 * numeric columns as numbers only (their text is not kept). Read it with
 * mb_report_text() and mb_report_num(). */
struct mb_report_row {
	const char *str[MB_REPORT_NTEXT];
	double val[MB_REPORT_NNUM];
	const char *file; /* owned by the input (copy of the path) */
	long line;        /* 1-based line where the record starts */
};

/* The field of text column c: NULL when the file has no such column, ""
 * when the field is empty; NULL for a numeric column. */
static inline const char *mb_report_text(const struct mb_report_row *r,
					 enum mb_column c)
{
	int s = mb_report_slot[c];
	return s < 0 ? r->str[-1 - s] : NULL;
}

/* The value of numeric column c: NAN when the file has no such column or
 * the field is empty, and for a text column. */
static inline double mb_report_num(const struct mb_report_row *r,
				   enum mb_column c)
{
	int s = mb_report_slot[c];
	return s > 0 ? r->val[s - 1] : NAN;
}

struct mb_report_pool; /* the interned strings (report_intern.c) */

struct mb_report_input {
	struct mb_report_row *rows;
	size_t nrows, cap;
	char **files; /* paths read, in order */
	size_t nfiles;
	struct mb_report_pool *pool;
};

/* Append the rows of the modebench CSV at path to in. Checks that the
 * header names the required columns (every column of the README's "CSV"
 * contract; the schema.h extensions are optional; unknown columns are
 * ignored, order is free), that quotes are well formed and no byte is NUL,
 * that every record has as many fields as the header and that numeric
 * fields parse completely. A status=ok, warmup=0 row must have a
 * throughput. A repeated header line (files joined with cat) is skipped.
 * On error returns -EINVAL (or -errno for I/O) with err set to one
 * printable line; its LINE is the line the record starts on. A modebench
 * CSV that holds no runs, a sweep's meta file (OUTPUT.meta.csv: header
 * sweep_id,started_at,host,...) or a --trace file (label,worker,slot,
 * task,kind,...), is read no further: returns 1 with err "PATH: what it
 * is, not runs: skipped", in unchanged but for the path. Cost: one
 * pass over the file (base's CSV reader); a row takes about 420 bytes
 * plus the text fields that no earlier row had (interned). */
int mb_report_read(struct mb_report_input *in, const char *path, char *err,
		   size_t errlen);
void mb_report_input_free(struct mb_report_input *in);

/* Whether column c holds numbers (checked and parsed by the reader). */
int mb_report_column_numeric(int c);
/* Whether column c must be in the header. */
int mb_report_column_required(int c);

/* ---- Fits (report_stats.c; medians and intervals are base/stats.h) ---- */

/* Universal Scalability Law S(k) = k / (1 + s(k-1) + q k(k-1)) and Amdahl
 * S(k) = k / (1 + s(k-1)), fitted by least squares on S (Levenberg-
 * Marquardt from the linearised estimate), as gnuplot's `fit` does.
 * USL needs 3 distinct k, Amdahl 2 (k=1 counts): otherwise -EDOM ("too few
 * points"). -ERANGE when the fit does not converge. */
int mb_report_fit_usl(const double *k, const double *s, size_t n,
		      double *sigma, double *kappa);
int mb_report_fit_amdahl(const double *k, const double *s, size_t n,
			 double *sigma);

/* ---- Aggregation (report_group.c) ------------------------------------- */

/* One machine as the report tells them apart: the runs' (host,
 * cpu_model, topology, label). Two machines are never pooled, even when
 * their hosts have one name (every cloud VM is "vm"). name is what the
 * report calls it: the label when the runs have one, else the host; when
 * machines share that, it is followed by the short CPU model ("vm
 * (Xeon 8375C)"), or by the host for labels, or numbered ("vm", "vm#2"). */
struct mb_report_machine {
	const char *host, *cpu_model, *topology, *label; /* "" when absent */
	const char *kernel, *version; /* of its first row */
	char *name;                   /* owned by the summary */
};

/* One configuration: the ok, non-warmup runs sharing (machine, workload,
 * recipe, mode, backend, policy, mem_policy, smt, nodes, cores, concurrency,
 * rate, arrivals, gil_us, io_fraction, runtime); mem_policy "local" (the
 * default) pools with a file's rows without the column, smt 0 with rows
 * without it, runtime "c" with rows without it. Strings point into the input rows, but host is the
 * machine's name (struct mb_report_machine), owned by the summary: the
 * key of every chart, table and verdict; hostname is the runs' host. */
struct mb_report_group {
	const char *host, *workload, *recipe, *mode, *backend, *policy;
	double cores, concurrency, rate, gil_us, io_fraction; /* NAN: absent */
	const char *mem_policy; /* --mem-policy of mem runs; "" for others */
	double smt;		/* 1: --smt (cores counts PUs); 0 */
	double nodes;		/* run --mpi span: the hosts a run spanned (cores
				 * counts all of theirs); 1 */
	const char *arrivals; /* closed, constant, poisson; "closed" for a
			       * closed loop without the column, "" unknown */
	const char *runtime;  /* c or python; "c" without the column */
	const char *hostname, *label;
	const char *cpu_model, *topology, *kernel, *version;
	size_t n_failed; /* rows of this configuration with status != ok */

	struct mb_stat tp; /* throughput, tasks/s */
	/* What tp's interval is: "order-statistic 95%", or below 6 runs
	 * "range (75%)", the range and how often it covers the median
	 * (tp.coverage). */
	char ci_kind[32];
	/* The sweep summary's warnings for these runs (base's
	 * mb_stat_flags: CV >= 5%, outliers, few reps, short runs,
	 * noisy(N)), joined by "; "; "" when none. */
	char flags[64];
	struct mb_stat p50, p99, p999; /* latency percentiles, us */
	double lat_mean, lat_p90, lat_max; /* medians, us */
	double cpu_util, bytes_per_s;      /* medians */

	/* Against closed-loop sync at 1 core on the same machine, workload,
	 * recipe and io_fraction (preferring the same gil_us, backend,
	 * policy); NAN without one, and for open-loop (rate > 0) runs, whose
	 * throughput is the offered rate. lo/hi scale the throughput CI.
	 * Efficiency (speedup / cores) is NAN for wait-bound panels, where
	 * the speedup comes from overlapping waits, not from the cores. */
	double speedup, speedup_lo, speedup_hi;
	/* SMT yield, on an smt group whose plan filled both (all) siblings
	 * of every core it used: its throughput / the same configuration's
	 * without --smt on those cores (as many workers per core as the
	 * scheme gives: C = cores, or the same C); NAN elsewhere. */
	double smt_yield;
	double efficiency, efficiency_lo, efficiency_hi;
	double littles_bound; /* concurrency / median mean latency, tasks/s */
	double norm_best;     /* tp / best tp at this host, workload, io */
	double norm_host;     /* tp / the reference host's best, same mode */
	const char *ref_host;

	/* What the charts of (panel, mode) hold fixed: scale_conc is the
	 * concurrency of the throughput-vs-cores curves (NAN: concurrency =
	 * cores, the run command's default), conc_cores the core count of the
	 * vs-concurrency curves. */
	double scale_conc, conc_cores;
	/* Chart picks: the group drawn for its mode at that x (see
	 * report_panel.c for the rules). */
	int pick_cores, pick_conc, pick_iof, pick_host, pick_cpu;
	/* Panel facts, equal on every group of the panel. */
	int conc_sweep, iof_sweep, wait_bound, n_hosts;
	/* USL/Amdahl over the pick_cores speedups of (panel, mode), relative
	 * to the mode's own 1-core speedup usl_base (1 without a 1-core
	 * run): speedup(k) = usl_base * k / (1 + s(k-1) + q k(k-1)). NAN when
	 * too few points. */
	double usl_sigma, usl_kappa, amdahl_sigma, usl_base;
	int fit_points;
	/* A fit through as many core counts above 1 as it has parameters
	 * (Amdahl 1, USL 2) passes through every point: exact, no freedom,
	 * no test of the law. fit_note says that, and what a parameter
	 * outside its range means (sigma < 0: superlinear, or noise; sigma
	 * > 1: slower than one core; kappa < 0: not physical, noise); "" when
	 * there is nothing to say. The values are kept as fitted; charts
	 * draw them clamped to the valid range. */
	int amdahl_exact, usl_exact;
	char fit_note[192];

	/* Chart units: panel = host, workload, recipe, io_fraction, gil_us,
	 * rate, arrivals, runtime; hpanel = panel less host; iopanel = host,
	 * workload, gil_us, rate, arrivals, runtime; lpanel = panel less
	 * rate. Each also keeps a non-default mem_policy and smt apart ("_mem-remote", "_smt"), so
	 * no curve mixes them; mpanel = panel less mem_policy, the unit of
	 * the NUMA chart, which draws the policies side by side. File-name-
	 * safe slugs, owned by the summary. */
	char *panel, *hpanel, *iopanel, *lpanel, *mpanel;
	/* NUMA nodes of the machine, from its description ("2pkg/2numa/");
	 * 0 when it does not say. */
	int numa_nodes;
};

struct mb_report_summary {
	struct mb_report_group *groups; /* sorted: host (the machine's name),
					 * workload, recipe, io_fraction,
					 * gil_us, rate, arrivals, mode (in
					 * mb_mode_names' order, other names
					 * after), backend, policy, cores,
					 * concurrency */
	size_t ngroups;
	size_t nrows, n_ok, n_warmup, n_not_ok; /* n_not_ok: non-warmup */
	const struct mb_report_row **not_ok;    /* the n_not_ok rows */
	const char **hosts; /* distinct machine names, sorted */
	size_t nhosts;
	struct mb_report_machine *machines; /* of the ok rows, by label or
					     * host, then host, CPU, ... */
	size_t nmachines;
};

/* Aggregates in into out (which the caller frees). -ENOMEM on allocation
 * failure. A summary with ngroups == 0 is valid (nothing ok). */
int mb_report_aggregate(const struct mb_report_input *in,
			struct mb_report_summary *out);
void mb_report_summary_free(struct mb_report_summary *s);

/* The group of a configuration, matching the given fields (NULL or NAN
 * matches anything; host is the machine's name, e.g. "vm (Xeon 8375C)");
 * the first in sort order, or NULL. */
const struct mb_report_group *
mb_report_find(const struct mb_report_summary *s, const char *host,
	       const char *workload, const char *mode, double cores,
	       double concurrency, double io_fraction);

/* ---- Output ----------------------------------------------------------- */

/* Write summary.csv: a header of named columns, then one row per group,
 * strings quoted with libcsv's csv_fwrite, numbers as %.6g (empty when
 * NAN). -errno on write failure. */
int mb_report_write_summary_csv(const struct mb_report_summary *s, FILE *f);

/* One chart a report draws: script name (e.g. "scaling") and the panel it
 * is drawn for; file is the output name without extension. */
struct mb_report_chart {
	const char *script;
	const struct mb_report_group *first; /* first group of its panel */
	char file[160];
	char title[96]; /* caption for the page */
	int rendered;   /* 1 once both PNG and SVG exist */
};

struct mb_report_charts {
	struct mb_report_chart *v;
	size_t n;
	char **notes; /* one line per panel with skipped charts */
	size_t nnotes;
};

/* Decide which charts the summary has data for. -ENOMEM. */
int mb_report_plan_charts(const struct mb_report_summary *s,
			  struct mb_report_charts *c);
void mb_report_charts_free(struct mb_report_charts *c);

/* gnuplot reads summary.csv line by line before it splits the fields,
 * so a quoted newline (a host name with one) cuts a row in two and shifts
 * every column after it, for every chart. This reads the summary CSV f
 * from its start and counts the control characters inside quoted fields;
 * with fix (f open for update) it also rewrites each as '?' in place
 * (not a space: hosts.gp splits its list of hosts at spaces; not '_',
 * which the charts' titles subscript). Returns the count (0: fine for
 * gnuplot as it is) or -EIO. */
long mb_report_chart_data(FILE *f, bool fix);

/* Run gnuplot (mb_gnuplot: $GNUPLOT or `gnuplot` on PATH) on
 * scripts_dir/SCRIPT.gp for every planned chart, PNG and SVG, at most jobs
 * at a time, writing into dir; gnuplot's own stderr lines are copied,
 * prefixed with the chart name, to errf when it failed and to notef when
 * it drew the chart or said why it had nothing to draw (either may be
 * NULL: not copied). Returns the number of charts that failed, or -ENOENT
 * when gnuplot cannot be run at all. */
int mb_report_render(struct mb_report_charts *c, const char *summary_csv,
		     const char *dir, const char *scripts_dir, int jobs,
		     FILE *errf, FILE *notef);

/* Plain-language verdict of one (machine, workload, gil_us, rate,
 * arrivals, runtime): sentences without markup, owned by the verdict. host is the
 * machine's name. */
struct mb_report_verdict {
	const char *host, *workload;
	const struct mb_report_group *first; /* first group of the unit */
	size_t ngroups;                      /* groups from first on */
	char **lines;
	size_t nlines;
};

int mb_report_verdicts(const struct mb_report_summary *s,
		       struct mb_report_verdict **v, size_t *nv);
void mb_report_verdicts_free(struct mb_report_verdict *v, size_t nv);

/* summary.md and index.html. */
int mb_report_write_md(const struct mb_report_summary *s,
		       const struct mb_report_verdict *v, size_t nv,
		       const struct mb_report_charts *c, FILE *f);
int mb_report_write_html(const struct mb_report_summary *s,
			 const struct mb_report_verdict *v, size_t nv,
			 const struct mb_report_charts *c, FILE *f);

/* summary.json (docs/summary.schema.json): the summary rows with every
 * summary.csv column (numbers as JSON numbers, as summary.csv rounds
 * them; empty ones as null), the machines, the verdicts and the runs that
 * failed, written with jansson one row at a time. Text that is not valid
 * UTF-8 has each bad byte written as U+FFFD. 0, -ENOMEM or -EIO. */
int mb_report_write_json(const struct mb_report_summary *s,
			 const struct mb_report_verdict *v, size_t nv, FILE *f);

/* Human formats shared by the writers: throughput ("61,234" or "951"),
 * latency in us ("412 us", "1.23 ms"). Return buf. */
char *mb_report_fmt_rate(char *buf, size_t len, double v);
char *mb_report_fmt_us(char *buf, size_t len, double us);

#endif
