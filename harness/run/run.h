/* The run command: options, the run matrix and the sweep over it. */
#ifndef MB_SWEEP_H
#define MB_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "loop.h"
#include "engine.h"
#include "python.h"
#include "step.h"

#define MB_MAX_LIST 64
#define MB_LABEL_CHARS 64		   /* --label: at most this many characters */
#define MB_LABEL_BYTES (4 * MB_LABEL_CHARS) /* of UTF-8 */

/* --mpi (README, "On a cluster"): every host runs the whole sweep
 * (fleet), or each run's workers are spread over the hosts (span). */
enum mb_mpi_kind { MB_MPI_OFF, MB_MPI_FLEET, MB_MPI_SPAN };

struct mb_workload {
	char name[32];	/* preset name, or "custom" */
	char recipe[MB_RECIPE_TEXT];
	double io_fraction; /* mixed only, else -1 */
};

/* What runs the recipes (--runtime): the engine's C executors, or
 * embedded CPython (harness/python). The CSV's runtime column. */
enum mb_runtime_kind { MB_RT_C, MB_RT_PYTHON, MB_RT_COUNT };
const char *mb_runtime_kind_name(enum mb_runtime_kind k);

struct mb_opts {
	struct mb_workload workloads[MB_MAX_LIST];
	unsigned nworkloads;
	const struct mb_mode *modes[MB_NMODES];
	unsigned nmodes;
	char cores_spec[256];
	unsigned cores[MB_MAX_LIST];
	unsigned ncores;
	unsigned conc[MB_MAX_LIST]; /* 0 ("k", the default): C = k */
	unsigned nconc;
	enum mb_backend backends[MB_BACKEND_COUNT];
	unsigned nbackends;
	enum mb_runtime_kind runtimes[MB_RT_COUNT];
	unsigned nruntimes;
	uint64_t switch_ns; /* --switch-interval: CPython's, for python runs */
	double rates[MB_MAX_LIST]; /* empty: closed loop */
	unsigned nrates;
	double io_fractions[MB_MAX_LIST];
	unsigned nio_fractions;
	char io_kind[16];
	uint64_t tasks, duration_ns, timeout_ns, gil_ns;
	unsigned reps, warmup;
	bool reps_auto;	 /* --reps auto: repeat until the CI is within --ci */
	unsigned reps_max; /* cap for --reps auto (default 30) */
	double ci;	 /* relative half-width of the median's 95% CI */
	enum mb_policy policy;
	struct mb_mempol mem_policy; /* --mem-policy, for mem steps' buffers */
	bool smt, poisson, resume, dry_run, quiet, direct;
	bool append; /* --append: add to an existing --trace file */
	int progress; /* -1 never, 0 auto, 1 always */
	char output[1024];
	char label[MB_LABEL_BYTES + 1]; /* --label; "" without */
	char trace[1024];
	char topology[1024];
	char server[256];
	char file_dir[1024];
	uint64_t file_size;
	uint64_t seed;
	bool sequential;
	enum mb_mpi_kind mpi;
	int serve_on; /* --serve-on RANK: the delay service on that rank; -1 */
	char cmdline[4096];
};

/* Parses the run command's options (argv[0] is "run"). On a usage error
 * writes one line naming the option and what it accepts into err and
 * returns -EINVAL; nothing is created. */
int mb_opts_parse(struct mb_opts *o, int argc, char **argv, unsigned ncores_here,
		  char *err, unsigned errlen);
void mb_run_usage(FILE *f);

/* A command of modebench as the man page shows it: its synopsis (after
 * "modebench NAME"), a one-line summary, and what its --help prints (NULL
 * for run, whose OPTIONS come from its option table). */
struct mb_man_command {
	const char *name, *synopsis, *summary, *help;
};

/* Writes the manual page modebench(1) in roff: the commands, run's
 * OPTIONS from the table behind its parser and --help, the others' help
 * texts, the exit statuses. */
void mb_man_page(FILE *f, const struct mb_man_command *cmds, unsigned n);

/* Executes the sweep; returns the process exit status. */
int mb_sweep_main(int argc, char **argv);

#endif
