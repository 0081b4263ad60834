/* Internals of the sweep (mb_sweep_main): its state and its phases, in
 * the order they run (README, "How it measures").
 *   sweep_plan.c     plan: cores, workloads, recipes, the configuration
 *                    matrix, the worker limit, the run order; the dry run
 *   sweep_setup.c    open the outputs, calibrate, record the sweep
 *   sweep.c          execute the plan run by run, and the --reps auto
 *                    rounds
 *   sweep_row.c      one CSV row from a configuration and a run's result
 *   sweep_summary.c  the statistics --reps auto stops on, and the summary
 *   sweep_console.c  latencies in units, recipe cells, progress, estimate
 * Each phase that can fail prints one line saying why and returns the
 * process exit status (README, "Commands"); 0 lets the next phase run. */
#ifndef MB_SWEEP_INT_H
#define MB_SWEEP_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "csvout.h"
#include "engine.h"
#include "iosetup.h"
#include "resume.h"
#include "run.h"
#include "step.h"

/* Most cores (PUs with --smt) one run may use: -c all and pow2 stop
 * there on a bigger machine, with a note. */
#define SW_MAX_CORES 1024

/* One configuration of the matrix and the results of its measured runs. */
struct sw_config {
	unsigned wl;	 /* index into opts->workloads */
	struct mb_recipe *recipe;
	const struct mb_mode *mode;
	enum mb_runtime_kind rt; /* c, or python */
	enum mb_backend backend;
	unsigned k, c, w;
	double rate;
	uint64_t gil_ns;
	unsigned pus[SW_MAX_CORES];
	char cpuset[4096]; /* room for 1024 scattered PUs: "0,2,4,...,2046" */
	char key[512]; /* identity for --resume and the summary */
	/* results of measured runs, for the summary table; room for
	 * --reps (or --reps-max with --reps auto) values each */
	double *thr, *p50, *p99, *util, *wall;
	unsigned nres, nfail, nunsup, noisy;
	char status[16];
};

/* The run under way, as the engine sees it. It lives on the heap so that
 * threads that outlive their run (mb_mode_run's -EDEADLK) keep reading
 * valid memory: their run, its label, and what these point to (recipes,
 * placement, topology, test file) are then never freed. */
struct sw_current {
	struct mb_run run;
	char label[64];
};

/* One run of the plan: repetition rep (or warmup rep) of configuration cfg. */
struct sw_planned {
	unsigned cfg, rep;
	bool warmup;
};

struct sw_sweep {
	struct mb_opts *o;
	/* the plan (sw_plan) */
	struct mb_topo *topo;
	struct mb_recipe *recipes; /* one per o->workloads[] */
	/* The same for --runtime python, whose cpu:DUR steps are calibrated
	 * in the Python kernel's units; NULL without python runs. */
	struct mb_recipe *py_recipes;
	struct sw_config *cfgs;
	unsigned ncfg;
	struct sw_planned *plan; /* in the order the runs execute */
	unsigned nplan;
	/* the outputs and what the runs share (sweep.c) */
	struct mb_resume *done_runs; /* --resume: runs the file already holds */
	struct mb_io io;
	struct mb_csv *csv;
	FILE *trace;
	struct mb_hist *lat, *svc; /* one run's merged histograms */
	struct sw_current *cur;	   /* the run under way */
	bool stuck;		   /* threads outlived a run: leave them its data */
	/* the identity columns every row repeats */
	char sweep_id[32];
	char kernel[200];
	char version[160];
	/* execution */
	uint64_t t_start;
	unsigned skipped; /* runs --resume found done */
	unsigned written; /* rows this sweep wrote */
	unsigned progress_done;	 /* runs done at the last progress line */
	uint64_t progress_ns;	 /* when it was written */
	bool lost;	  /* -o was removed during the sweep */
	int status;	  /* MB_EXIT_OK, or MB_EXIT_FAILED once a run failed */
	/* --mpi (sweep_mpi.c) */
	volatile sig_atomic_t *stop; /* SIGINT or SIGTERM seen */
	int rank, nranks;	     /* 0 and 1 without --mpi */
	bool met;		     /* this run's ranks met at its start */
	int mpi_rc;		     /* a collective failed: the ranks lost one another */
	uint64_t t0_real;	     /* CLOCK_REALTIME as this rank left the barrier */
	uint64_t gather_ns;	     /* time spent gathering rows */
	unsigned ngathers;
	unsigned char *skip;	  /* --resume: rank 0's verdict per run of the plan */
	struct mb_hist *merged;	  /* span: the ranks' histograms reduced */
	bool finalize;		  /* the ranks may end together (else MPI_Abort) */
};

/* ---- sweep_plan.c */

/* Loads the topology and builds the plan: resolves -c, expands mixed,
 * parses the recipes, builds and de-duplicates the matrix, checks the
 * worker limit and orders the runs (warmups first, then shuffled by
 * --seed unless --order sequential). Creates no file. Returns 0 or an
 * exit status, having printed one line. */
int sw_plan(struct sw_sweep *s);

/* Shuffles p[0..n) with mb_rand seeded by seed (Fisher-Yates). */
void sw_shuffle(struct sw_planned *p, unsigned n, uint64_t seed);

/* Whether some configuration runs under --runtime python (the console's
 * tables then have a runtime column). */
bool sw_has_python(const struct sw_sweep *s);

/* --dry-run: the matrix and each configuration's placement, on stdout. */
void sw_print_plan(const struct sw_sweep *s);

/* ---- sweep_setup.c */

/* --resume's record, then -o, its meta file and --trace checked before
 * anything is created, then the I/O targets, the CSV and the trace file.
 * Returns 0 or the exit status, having printed one line. */
int sw_open_outputs(struct sw_sweep *s);
/* Calibrates the recipes' cpu:DUR steps, once, on the first planned PU. */
void sw_calibrate(struct sw_sweep *s);
/* The sweep's identity (sweep_id, kernel, version) and its row in the
 * meta file; one that cannot be written is a warning. */
void sw_record_sweep(struct sw_sweep *s);

/* ---- sweep_row.c */

/* One CSV row being filled: values in schema order, NULL for empty. */
struct sw_row {
	char s[MB_NCOLUMNS][192];
	const char *v[MB_NCOLUMNS];
};

void sw_row_set(struct sw_row *r, enum mb_column col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The identity and configuration columns of run index of plan entry p. */
void sw_row_identity(struct sw_row *r, const struct sw_sweep *s, const struct sw_config *c,
		     const struct sw_planned *p, unsigned index);
/* The result columns (only status, error and flags for an unsupported run). */
void sw_row_result(struct sw_row *r, const struct mb_run_result *res, const struct sw_config *c,
		   const struct mb_io *io);
/* gethostname(), cached; "unknown" when it fails; under --mpi the
 * rank's host as sw_set_hostname gave it. */
const char *sw_hostname(void);
void sw_set_hostname(const char *host);

/* ---- sweep_summary.c */

/* Relative half-width of the 95% CI of the median of v[0..n) (order
 * statistics, as the report computes it); NAN below 6 values, where the
 * interval is [min, max]. v is left as it is. */
double sw_ci_rel(const double *v, unsigned n);

/* --reps auto: whether c needs another repetition (no failure, under
 * --reps-max, and its throughput's CI wider than --ci). */
bool sw_needs_more(const struct sw_config *c, const struct mb_opts *o);

/* The table of medians per configuration, with the quality warnings. */
void sw_print_summary(const struct sw_sweep *s, FILE *f);

/* ---- sweep_console.c: what a person reads */

/* What --dry-run's estimate adds to each run's duration: starting and
 * stopping the workers, writing and syncing the row (12 to 75 ms a run
 * measured on a 2-core VM, procs with C=64 the slowest). */
#define SW_RUN_OVERHEAD_S 0.05

/* A latency in microseconds with three significant digits and a unit:
 * "850 ns", "85.2 us", "1.02 ms", "207 ms", "3.40 s"; "-" for NAN. */
void sw_fmt_us(double us, char *buf, unsigned len);
/* A time in seconds: "6.7 s", "42 s", "3 min 05 s", "2 h 10 min". */
void sw_fmt_secs(double s, char *buf, unsigned len);

/* A size in bytes with three significant digits and a binary unit:
 * "512 B", "72.7 KiB", "1.39 GiB". */
void sw_fmt_bytes(double bytes, char *buf, unsigned len);

/* --dry-run: what each worker of the configuration with the most memory
 * holds (histograms, result slot, lanes, task slots, trace buffer, stack)
 * and what all of its workers hold together. */
void sw_print_memory(const struct sw_sweep *s, FILE *f);

/* recipe as a table cell width wide that starts at column col: whole and
 * padded when it fits, else cut after a step (a '+' outside a group) with
 * "...", never inside one; when not even its first step fits, the whole
 * recipe, then a new line indented to the next column. */
void sw_recipe_cell(const char *recipe, unsigned width, unsigned col, char *buf, unsigned len);
/* The recipe column's width: the longest recipe of the matrix, at least
 * 6 ("recipe"), at most most. */
unsigned sw_recipe_width(const struct sw_sweep *s, unsigned most);

/* Before run done of the plan (c, p): the redrawn progress line when
 * sw_show_progress; with --progress auto and standard error no terminal,
 * a line with the ETA once another tenth of the runs is done or 10 s
 * have passed since the last one, whichever comes first; nothing with
 * --progress never or -q. */
void sw_progress(struct sw_sweep *s, unsigned done, const struct sw_config *c,
		 const struct sw_planned *p);

/* --dry-run: how long the sweep should take (by duration), or why that is
 * unknown (by task count). */
void sw_print_estimate(const struct sw_sweep *s, FILE *f);

/* ---- sweep_mpi.c: across the ranks of mpirun or srun (--mpi) */

/* Starts MPI; one rank per host. Returns 0 or the exit status. */
int sw_mpi_start(struct sw_sweep *s, int *argc, char ***argv);
/* The worst of every rank's status, known to all. */
int sw_mpi_agree(struct sw_sweep *s, int status);
/* Every rank planned the same runs (a usage error otherwise). */
int sw_mpi_agree_plan(struct sw_sweep *s);
/* --resume's verdicts, rank 0's, for every rank (s->skip). */
int sw_mpi_share_skips(struct sw_sweep *s);
/* --serve-on RANK: that rank's delay service, listening on every
 * interface, is every rank's; its address (the first non-loopback IPv4
 * of its host) sent to all. */
int sw_mpi_share_server(struct sw_sweep *s);
/* The sweep id from rank 0; a meta row from every host, written by rank 0. */
void sw_mpi_record(struct sw_sweep *s);
/* The engine's before_start hook (arg: the sweep): the start barrier. */
int sw_mpi_meet(void *arg);
/* span: every rank's result reduced into rank 0's res (run id id). */
int sw_mpi_merge(struct sw_sweep *s, struct mb_run_result *res, const char *id);
/* The nodes and ranks columns, and span's totals (workers: all ranks'). */
void sw_mpi_identity(struct sw_sweep *s, struct sw_row *row, const struct sw_config *c,
		     unsigned workers);
/* Gathers the run's rows to rank 0, which writes them through write. */
int sw_mpi_write(struct sw_sweep *s, struct sw_row *row,
		 int (*put)(struct sw_sweep *, const char *const *));
/* The exit status at the end; *finalize: MPI_Finalize, else MPI_Abort. */
int sw_mpi_conclude(struct sw_sweep *s, int status, bool interrupted, bool whole,
		    bool *finalize);
/* Fault injection for the tests: MB_FAULT_MPI_KILL=RANK:RUN kills that
 * rank (SIGKILL) as run RUN of the plan is about to start. */
void sw_mpi_fault(const struct sw_sweep *s, unsigned pi);
/* One line: how long the gathers took (rank 0, unless -q). */
void sw_mpi_report_gathers(const struct sw_sweep *s);

/* ---- sweep.c */

/* Whether the progress line is shown (--progress, or a terminal). */
bool sw_show_progress(const struct mb_opts *o);

/* Prints "modebench: cannot allocate WHAT" (what is printf-formatted) and
 * returns MB_EXIT_FAILED: rows already written stay in the file. */
int sw_nomem(const char *what, ...) __attribute__((format(printf, 1, 2)));

#endif
