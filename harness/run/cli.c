/* Option parsing for `modebench run` and its --help, both from one table
 * (run_opts, which manpage.c also reads for the man page's OPTIONS):
 * each option has its syntax, its help text, its default and one handler,
 * so the help cannot list an option the parser lacks or a default it does
 * not apply. Defaults are applied through the same handlers before argv
 * is read. Every usage error is one line that names the option and what
 * it accepts (README, "Bad input"); the caller exits 2 having created
 * nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "mbmpi.h"

/* ---- one handler per option: 0, -EINVAL with p->err, or 1 for --help */

static int opt_workload(struct cli_parse *p, const char *a)
{
	p->workloads = a;
	return 0;
}

static int opt_modes(struct cli_parse *p, const char *a)
{
	p->modes = a;
	return 0;
}

static int opt_cores(struct cli_parse *p, const char *a)
{
	if (strlen(a) >= sizeof(p->o->cores_spec))
		CLI_FAIL("-c/--cores: list too long");
	snprintf(p->o->cores_spec, sizeof(p->o->cores_spec), "%s", a);
	return 0;
}

static int opt_conc(struct cli_parse *p, const char *a)
{
	p->o->nconc = 0;
	return cli_parse_list(p, a, cli_add_conc, "-C/--concurrency");
}

static int opt_tasks(struct cli_parse *p, const char *a)
{
	if (mb_parse_count(a, &p->o->tasks))
		CLI_FAIL("-n/--tasks: '%s' is not a positive task count (e.g. 1000, 10k)", a);
	p->o->duration_ns = 0;
	p->tasks_given |= p->in_argv;
	return 0;
}

static int opt_duration(struct cli_parse *p, const char *a)
{
	if (mb_parse_duration(a, &p->o->duration_ns, 0))
		CLI_FAIL("-d/--duration: '%s' is not a positive duration with a unit "
			 "(e.g. 500ms, 2s)", a);
	p->o->tasks = 0;
	p->duration_given |= p->in_argv;
	return 0;
}

static int opt_reps(struct cli_parse *p, const char *a)
{
	uint64_t v;
	p->o->reps_auto = !strcmp(a, "auto");
	if (p->o->reps_auto)
		return 0;
	if (mb_parse_count(a, &v) || v > 10000)
		CLI_FAIL("-r/--reps: '%s' is not a repetition count from 1 to 10000", a);
	p->o->reps = (unsigned)v;
	return 0;
}

static int opt_warmup(struct cli_parse *p, const char *a)
{
	uint64_t v = 0;
	if (strcmp(a, "0") && (mb_parse_count(a, &v) || v > 1000))
		CLI_FAIL("--warmup: '%s' is not a count from 0 to 1000", a);
	p->o->warmup = (unsigned)v;
	return 0;
}

static int opt_reps_max(struct cli_parse *p, const char *a)
{
	uint64_t v;
	if (mb_parse_count(a, &v) || v < 5 || v > 10000)
		CLI_FAIL("--reps-max: '%s' is not a repetition count from 5 to 10000", a);
	p->o->reps_max = (unsigned)v;
	return 0;
}

static int opt_ci(struct cli_parse *p, const char *a)
{
	char buf[32];
	double pct;
	snprintf(buf, sizeof(buf), "%s", a);
	size_t l = strlen(buf);
	if (l && buf[l - 1] == '%')
		buf[l - 1] = 0;
	if (mb_parse_double(buf, &pct) || pct <= 0 || pct >= 100)
		CLI_FAIL("--ci: '%s' is not a percentage between 0 and 100 (e.g. 2%%)", a);
	p->o->ci = pct / 100;
	return 0;
}

static int opt_backend(struct cli_parse *p, const char *a)
{
	p->o->nbackends = 0;
	return cli_parse_list(p, a, cli_add_backend, "--backend");
}

static int opt_runtime(struct cli_parse *p, const char *a)
{
	p->o->nruntimes = 0;
	return cli_parse_list(p, a, cli_add_runtime, "--runtime");
}

static int opt_switch(struct cli_parse *p, const char *a)
{
	if (mb_parse_duration(a, &p->o->switch_ns, 0))
		CLI_FAIL("--switch-interval: '%s' is not a positive duration with a unit "
			 "(e.g. 5ms)", a);
	p->switch_given |= p->in_argv;
	return 0;
}

static int opt_policy(struct cli_parse *p, const char *a)
{
	if (mb_policy_parse(a, &p->o->policy))
		CLI_FAIL("--policy: unknown policy '%s' (accepted: compact, scatter, none)", a);
	return 0;
}

static int opt_mem_policy(struct cli_parse *p, const char *a)
{
	if (mb_mempol_parse(a, &p->o->mem_policy))
		CLI_FAIL("--mem-policy: '%s' is not one of local, interleave, remote, node:N "
			 "(N a NUMA node, e.g. node:1)", a);
	return 0;
}

static int opt_smt(struct cli_parse *p, const char *a)
{
	p->o->smt = true;
	return 0;
}

static int opt_io_fraction(struct cli_parse *p, const char *a)
{
	p->fractions = a;
	return 0;
}

static int opt_io_kind(struct cli_parse *p, const char *a)
{
	if (strcmp(a, "sleep") && strcmp(a, "net") && strcmp(a, "file"))
		CLI_FAIL("--io-kind: '%s' is not one of sleep, net, file", a);
	snprintf(p->o->io_kind, sizeof(p->o->io_kind), "%s", a);
	return 0;
}

static int opt_rate(struct cli_parse *p, const char *a)
{
	p->o->nrates = 0;
	return cli_parse_list(p, a, cli_add_rate, "--rate");
}

static int opt_arrivals(struct cli_parse *p, const char *a)
{
	if (strcmp(a, "poisson") && strcmp(a, "constant"))
		CLI_FAIL("--arrivals: '%s' is not one of constant, poisson", a);
	p->o->poisson = !strcmp(a, "poisson");
	return 0;
}

static int opt_gil(struct cli_parse *p, const char *a)
{
	if (mb_parse_duration(a, &p->o->gil_ns, 0))
		CLI_FAIL("--gil: '%s' is not a positive switch interval with a unit "
			 "(e.g. --gil=5ms)", a);
	return 0;
}

static int opt_timeout(struct cli_parse *p, const char *a)
{
	if (mb_parse_duration(a, &p->o->timeout_ns, 0))
		CLI_FAIL("--timeout: '%s' is not a positive duration with a unit (e.g. 30s)", a);
	return 0;
}

static int opt_server(struct cli_parse *p, const char *a)
{
	if (!strchr(a, ':') || strlen(a) >= sizeof(p->o->server))
		CLI_FAIL("--server: '%s' is not HOST:PORT (e.g. 127.0.0.1:8080)", a);
	snprintf(p->o->server, sizeof(p->o->server), "%s", a);
	return 0;
}

static int opt_file_dir(struct cli_parse *p, const char *a)
{
	snprintf(p->o->file_dir, sizeof(p->o->file_dir), "%s", a);
	return 0;
}

static int opt_file_size(struct cli_parse *p, const char *a)
{
	if (mb_parse_size(a, &p->o->file_size) || p->o->file_size < 4096)
		CLI_FAIL("--file-size: '%s' is not a size of at least 4KiB (e.g. 1GiB)", a);
	return 0;
}

static int opt_direct(struct cli_parse *p, const char *a)
{
	p->o->direct = true;
	return 0;
}

static int opt_output(struct cli_parse *p, const char *a)
{
	if (!*a || strlen(a) >= sizeof(p->o->output))
		CLI_FAIL("-o/--output: expected a file name");
	snprintf(p->o->output, sizeof(p->o->output), "%s", a);
	return 0;
}

static int opt_mpi(struct cli_parse *p, const char *a)
{
	if (!strcmp(a, "fleet"))
		p->o->mpi = MB_MPI_FLEET;
	else if (!strcmp(a, "span"))
		p->o->mpi = MB_MPI_SPAN;
	else
		CLI_FAIL("--mpi: '%s' is not a cluster mode; fleet (every host runs the whole "
			 "sweep) or span (each run's workers spread over the hosts)", a);
	if (!mb_mpi_built)
		CLI_FAIL("--mpi: this modebench was built without MPI; install libopenmpi-dev "
			 "and openmpi-bin, rebuild, and launch it with mpirun or srun");
	return 0;
}

static int opt_serve_on(struct cli_parse *p, const char *a)
{
	uint64_t r = 0;
	p->o->serve_on = -1;
	if (!p->in_argv)
		return 0;
	if (strcmp(a, "0") && mb_parse_count(a, &r))
		CLI_FAIL("--serve-on: '%s' is not a rank (0, 1, ...)", a);
	if (r > 1000000)
		CLI_FAIL("--serve-on: rank %s is beyond any cluster; give a rank of the job", a);
	p->o->serve_on = (int)r;
	return 0;
}

static int opt_resume(struct cli_parse *p, const char *a)
{
	p->o->resume = true;
	return 0;
}

/* Characters in a label, or -1 with *why set: a control character (C0,
 * DEL, C1) or bytes that are not UTF-8. at: the 1-based character. */
static int label_chars(const char *a, const char **why, int *at)
{
	const unsigned char *s = (const unsigned char *)a;
	int n = 0;
	for (; *s; n++) {
		unsigned len = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 :
			       (*s & 0xf8) == 0xf0 ? 4 : 0;
		*at = n + 1;
		*why = "not UTF-8";
		for (unsigned i = 1; i < len; i++)
			if ((s[i] & 0xc0) != 0x80) {
				len = 0; /* stops at the NUL too */
				break;
			}
		if (!len)
			return -1;
		*why = "a control character";
		if ((len == 1 && (*s < 0x20 || *s == 0x7f)) || (*s == 0xc2 && s[1] < 0xa0))
			return -1;
		s += len;
	}
	return n;
}

static int opt_label(struct cli_parse *p, const char *a)
{
	const char *why = NULL;
	int at = 0, n = label_chars(a, &why, &at);
	if (n < 0)
		CLI_FAIL("--label: %s at character %d; a label is 1 to %d printable characters "
			 "(e.g. --label kernel-6.8)", why, at, MB_LABEL_CHARS);
	if (n < 1)
		CLI_FAIL("--label: empty; a label is 1 to %d printable characters "
			 "(e.g. --label kernel-6.8)", MB_LABEL_CHARS);
	if (n > MB_LABEL_CHARS)
		CLI_FAIL("--label: %d characters; a label is 1 to %d printable characters "
			 "(e.g. --label kernel-6.8)", n, MB_LABEL_CHARS);
	snprintf(p->o->label, sizeof(p->o->label), "%s", a);
	return 0;
}

static int opt_trace(struct cli_parse *p, const char *a)
{
	if (!*a || strlen(a) >= sizeof(p->o->trace))
		CLI_FAIL("--trace: expected a file name");
	snprintf(p->o->trace, sizeof(p->o->trace), "%s", a);
	return 0;
}

static int opt_append(struct cli_parse *p, const char *a)
{
	p->o->append = true;
	return 0;
}

static int opt_seed(struct cli_parse *p, const char *a)
{
	p->o->seed = 0;
	if (strcmp(a, "0") && mb_parse_count(a, &p->o->seed))
		CLI_FAIL("--seed: '%s' is not a non-negative integer", a);
	return 0;
}

static int opt_order(struct cli_parse *p, const char *a)
{
	if (strcmp(a, "sequential") && strcmp(a, "shuffled"))
		CLI_FAIL("--order: '%s' is not one of shuffled, sequential", a);
	p->o->sequential = !strcmp(a, "sequential");
	return 0;
}

static int opt_topology(struct cli_parse *p, const char *a)
{
	snprintf(p->o->topology, sizeof(p->o->topology), "%s", a);
	return 0;
}

static int opt_dry_run(struct cli_parse *p, const char *a)
{
	p->o->dry_run = true;
	return 0;
}

static int opt_quiet(struct cli_parse *p, const char *a)
{
	p->o->quiet = true;
	p->o->progress = -1;
	return 0;
}

static int opt_progress(struct cli_parse *p, const char *a)
{
	if (!strcmp(a, "auto"))
		p->o->progress = 0;
	else if (!strcmp(a, "always"))
		p->o->progress = 1;
	else if (!strcmp(a, "never"))
		p->o->progress = -1;
	else
		CLI_FAIL("--progress: '%s' is not one of auto, always, never", a);
	return 0;
}

static int opt_help(struct cli_parse *p, const char *a)
{
	return 1;
}

/* ---- the table */

#define REQ required_argument
const struct run_opt run_opts[] = {
	{ "workload", 'w', REQ, "LIST", "presets or recipes; presets: cpu mem sleep net file "
	  "mixed breakfast web", "cpu,sleep", NULL, opt_workload },
	{ "modes", 'm', REQ, "LIST", "sync,async,threads,procs,async-threads,async-procs",
	  "sync,async,threads,procs", NULL, opt_modes },
	{ "mode", 'm', REQ, NULL, NULL, NULL, NULL, opt_modes },
	{ "cores", 'c', REQ, "LIST", "core counts: 1,2  1-8  pow2  all", "pow2", NULL, opt_cores },
	{ "concurrency", 'C', REQ, "LIST", "total tasks in flight; k = the core count", "k", NULL,
	  opt_conc },
	{ "tasks", 'n', REQ, "N", "tasks per run, instead of a duration", NULL, NULL, opt_tasks },
	{ "duration", 'd', REQ, "DUR", "time per run", "1s", NULL, opt_duration },
	{ "reps", 'r', REQ, "N|auto", "repetitions; auto: at least 5, then until the 95% CI of "
	  "the median throughput is within --ci, at most --reps-max", "5", NULL, opt_reps },
	{ "warmup", 0, REQ, "N", "unmeasured runs per configuration", "1", NULL, opt_warmup },
	{ "reps-max", 0, REQ, "N", "most repetitions with -r auto", "30", NULL, opt_reps_max },
	{ "ci", 0, REQ, "PCT", "-r auto's target: the 95% CI of the median within +-PCT",
	  "2%", NULL, opt_ci },
	{ "backend", 0, REQ, "LIST", "epoll,io_uring", "epoll", NULL, opt_backend },
	{ "policy", 0, REQ, "P", "compact|scatter|none", "compact", NULL, opt_policy },
	{ "smt", 0, no_argument, NULL, "place on SMT siblings too (core counts count PUs)", NULL,
	  NULL, opt_smt },
	{ "mem-policy", 0, REQ, "P", "where mem steps' buffers live: local (the worker's NUMA "
	  "node), interleave (every node), node:N, remote (another node)", "local", NULL,
	  opt_mem_policy },
	{ "io-fraction", 0, REQ, "LIST", "for mixed: 0..1", "0,0.25,0.5,0.75,1", NULL,
	  opt_io_fraction },
	{ "io-kind", 0, REQ, "K", "for mixed: sleep|net|file", "sleep", NULL, opt_io_kind },
	{ "rate", 0, REQ, "LIST", "open loop: task starts per second", NULL, NULL, opt_rate },
	{ "arrivals", 0, REQ, "A", "open loop: constant|poisson", "constant", NULL, opt_arrivals },
	{ "gil", 0, optional_argument, "DUR", "interpreter-lock emulation in thread modes; DUR "
	  "is the switch interval (--runtime c only)", NULL, "5ms", opt_gil },
	{ "runtime", 0, REQ, "LIST", "what runs the recipes: c, or python (embedded CPython, "
	  "its real lock; async modes use asyncio's own loop whatever --backend says)", "c",
	  NULL, opt_runtime },
	{ "switch-interval", 0, REQ, "DUR", "--runtime python: CPython's switch interval "
	  "(sys.setswitchinterval)", "5ms", NULL, opt_switch },
	{ "timeout", 0, REQ, "DUR", "per run (default 2 x duration + 30s; 600s with -n)", NULL,
	  NULL, opt_timeout },
	{ "server", 0, REQ, "HOST:PORT", "use this delay service instead of starting one", NULL,
	  NULL, opt_server },
	{ "file-dir", 0, REQ, "DIR", "where the file step's test file is (default results)",
	  NULL, NULL, opt_file_dir },
	{ "file-size", 0, REQ, "SIZE", "for file steps: the test file's size", "256MiB", NULL,
	  opt_file_size },
	{ "direct", 0, no_argument, NULL, "for file steps: read with O_DIRECT", NULL, NULL,
	  opt_direct },
	{ "output", 'o', REQ, "FILE", "CSV to append to (default results/HOST-DATE.csv)", NULL,
	  NULL, opt_output },
	{ "mpi", 0, REQ, "MODE", "across the ranks of mpirun or srun, one per host: fleet "
	  "(every host runs the sweep, rank 0 writes all rows) or span (each run's procs or "
	  "async-procs workers spread over the hosts)", NULL, NULL, opt_mpi },
	{ "serve-on", 0, REQ, "RANK", "with --mpi: net steps use the delay service of that "
	  "rank's host, over the network", "none", NULL, opt_serve_on },
	{ "resume", 0, no_argument, NULL, "skip runs already in the output", NULL, NULL,
	  opt_resume },
	{ "label", 0, REQ, "NAME", "a name for this machine or variant (a kernel, a BIOS "
	  "setting), in every row's label column; --resume skips only runs of the same label",
	  NULL, NULL, opt_label },
	{ "trace", 0, REQ, "FILE", "per-task events, for timeline charts; a new or empty file "
	  "unless --append", NULL, NULL, opt_trace },
	{ "append", 0, no_argument, NULL, "add to an existing --trace file (from an earlier "
	  "sweep)", NULL, NULL, opt_append },
	{ "seed", 0, REQ, "N", "seed of the shuffled run order", "0", NULL, opt_seed },
	{ "order", 0, REQ, "O", "run order: shuffled|sequential", "shuffled", NULL, opt_order },
	{ "topology", 0, REQ, "XML|SYNTHETIC", "plan for another machine (--dry-run only)", NULL,
	  NULL, opt_topology },
	{ "dry-run", 0, no_argument, NULL, "print the run matrix, the placement and the "
	  "estimated time; run nothing", NULL, NULL, opt_dry_run },
	{ "quiet", 'q', no_argument, NULL, "errors only: no progress, notes or summary", NULL,
	  NULL, opt_quiet },
	{ "progress", 0, REQ, "WHEN", "auto|always|never; auto: a line redrawn on a terminal, "
	  "else a line with the ETA every tenth of the runs or 10 s", "auto", NULL,
	  opt_progress },
	{ "help", 'h', no_argument, NULL, "this text", NULL, NULL, opt_help },
};
#undef REQ

const unsigned run_nopts = MB_ARRAY_SIZE(run_opts);
#define NOPTS MB_ARRAY_SIZE(run_opts)

/* getopt_long's value for entry i: its letter, else 256 + i. */
static int opt_val(unsigned i)
{
	return run_opts[i].letter ? run_opts[i].letter : 256 + (int)i;
}

static const struct run_opt *opt_by_val(int val)
{
	for (unsigned i = 0; i < NOPTS; i++)
		if (opt_val(i) == val)
			return &run_opts[i];
	return NULL;
}

/* getopt_long's tables from run_opts. An alias shares its entry's value. */
static void getopt_tables(struct option *longs, char *shorts, size_t len)
{
	size_t n = 0;
	shorts[n++] = ':';
	for (unsigned i = 0; i < NOPTS; i++) {
		const struct run_opt *e = &run_opts[i];
		longs[i] = (struct option){ e->name, e->has_arg, NULL, opt_val(i) };
		if (!e->letter || !e->help || n + 4 > len)
			continue;
		shorts[n++] = e->letter;
		if (e->has_arg != no_argument)
			shorts[n++] = ':';
		if (e->has_arg == optional_argument)
			shorts[n++] = ':';
	}
	shorts[n] = 0;
	longs[NOPTS] = (struct option){ 0, 0, 0, 0 };
}

static void record_cmdline(struct mb_opts *o, int argc, char **argv)
{
	size_t pos = 0;
	for (int i = 0; i < argc && pos < sizeof(o->cmdline) - 2; i++)
		pos += (size_t)snprintf(o->cmdline + pos, sizeof(o->cmdline) - pos, "%s%s",
					i ? " " : "modebench ", argv[i]);
}

/* --mpi: what a sweep across ranks cannot do. Span spreads the workers
 * of one run over the hosts, so only modes with a worker per process
 * can span. */
static int mpi_finish(struct cli_parse *p)
{
	const struct mb_opts *o = p->o;
	const char *name = o->mpi == MB_MPI_SPAN ? "span" : "fleet";
	if (o->reps_auto)
		CLI_FAIL("--mpi %s: -r auto decides repetitions from one host's results; give "
			 "a number (-r 5)", name);
	if (o->trace[0])
		CLI_FAIL("--mpi %s: --trace is for one host; run without --mpi to trace", name);
	for (unsigned i = 0; o->mpi == MB_MPI_SPAN && i < o->nmodes; i++)
		if (!o->modes[i]->procs)
			CLI_FAIL("--mpi span: mode '%s' cannot span hosts; span runs procs or "
				 "async-procs (-m procs,async-procs)", o->modes[i]->name);
	return 0;
}

/* What follows argv: no stray words, the lists that depend on other
 * options, and options that only make sense together. */
static int finish(struct cli_parse *p, int argc, char **argv)
{
	struct mb_opts *o = p->o;
	int rc;
	if (optind < argc)
		CLI_FAIL("run: unexpected argument '%s' (options only; see modebench run --help)",
			 argv[optind]);
	if (o->reps_auto)
		o->reps = 5;
	if ((rc = cli_parse_list(p, p->workloads, cli_add_workload, "-w/--workload")) ||
	    (rc = cli_parse_list(p, p->modes, cli_add_mode, "-m/--modes")) ||
	    (rc = cli_parse_list(p, p->fractions, cli_add_fraction, "--io-fraction")))
		return rc;
	if (o->topology[0] && !o->dry_run)
		CLI_FAIL("--topology: plans for another machine can only be shown; add --dry-run");
	if (o->append && !o->trace[0])
		CLI_FAIL("--append: adds to a --trace file; give --trace FILE too");
	bool c_rt = false, py_rt = false;
	for (unsigned i = 0; i < o->nruntimes; i++) {
		c_rt |= o->runtimes[i] == MB_RT_C;
		py_rt |= o->runtimes[i] == MB_RT_PYTHON;
	}
	if (o->gil_ns && !c_rt)
		CLI_FAIL("--gil: the real interpreter lock is already there under --runtime python "
			 "(--gil emulates one for --runtime c; set CPython's switch interval with "
			 "--switch-interval)");
	if (p->switch_given && !py_rt)
		CLI_FAIL("--switch-interval: sets CPython's switch interval under --runtime "
			 "python (the C runtime's emulated lock takes --gil=DUR)");
	if (o->serve_on >= 0 && !o->mpi)
		CLI_FAIL("--serve-on: the delay service on another rank's host needs --mpi "
			 "fleet or span");
	if (o->serve_on >= 0 && o->server[0])
		CLI_FAIL("--serve-on and --server: give one place for the delay service");
	if (o->mpi && (rc = mpi_finish(p)))
		return rc;
	if (p->tasks_given && p->duration_given)
		CLI_FAIL("-n/--tasks and -d/--duration: a run ends after N tasks or after a "
			 "duration, not both; give one of them");
	return 0;
}

int mb_opts_parse(struct mb_opts *o, int argc, char **argv, unsigned ncores_here,
		  char *err, unsigned errlen)
{
	struct cli_parse ps = { .o = o, .err = err, .errlen = errlen }, *p = &ps;
	struct option longs[NOPTS + 1];
	char shorts[3 * NOPTS + 2];
	int opt, rc;

	(void)ncores_here;
	memset(o, 0, sizeof(*o));
	err[0] = 0;
	record_cmdline(o, argc, argv);
	for (unsigned i = 0; i < NOPTS; i++)
		if (run_opts[i].dflt && (rc = run_opts[i].handle(p, run_opts[i].dflt)))
			return rc;
	getopt_tables(longs, shorts, sizeof(shorts));
	ps.in_argv = true;
	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (opt == ':')
			CLI_FAIL("%s: missing value (see modebench run --help)", argv[optind - 1]);
		const struct run_opt *e = opt_by_val(opt);
		if (!e)
			CLI_FAIL("%s: unknown option (see modebench run --help)", argv[optind - 1]);
		if ((rc = e->handle(p, optarg ? optarg : e->bare)))
			return rc;
	}
	return finish(p, argc, argv);
}

/* ---- the help, from the same table */

#define HELP_COL 26   /* where descriptions start */
#define HELP_WIDTH 80 /* lines stay shorter than this */

/* Prints text from column col, wrapped at spaces before HELP_WIDTH, but
 * at none past glue (the "(default X)" stays whole); continuation lines
 * start at HELP_COL. A word longer than a line is printed whole. */
static void print_wrapped(FILE *f, const char *text, const char *glue, unsigned col)
{
	while (*text) {
		size_t room = col < HELP_WIDTH - 1 ? HELP_WIDTH - 1 - col : 1;
		size_t cut = strlen(text);
		if (cut > room) {
			for (cut = room; cut && (text[cut] != ' ' || text + cut > glue); cut--)
				;
			if (!cut)
				cut = strcspn(text, " ");
		}
		size_t end = cut;
		while (end && text[end - 1] == ' ')
			end--;
		fprintf(f, "%.*s\n", (int)end, text);
		text += cut;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(f, "%*s", HELP_COL, "");
		col = HELP_COL;
	}
}

void mb_run_usage(FILE *f)
{
	fputs("usage: modebench run [options]\n", f);
	for (unsigned i = 0; i < NOPTS; i++) {
		const struct run_opt *e = &run_opts[i];
		char left[64], desc[256];
		int n;
		if (!e->help)
			continue;
		if (e->letter)
			n = snprintf(left, sizeof(left), "  -%c, --%s", e->letter, e->name);
		else
			n = snprintf(left, sizeof(left), "      --%s", e->name);
		if (e->has_arg == required_argument)
			n += snprintf(left + n, sizeof(left) - (size_t)n, " %s", e->arg);
		else if (e->has_arg == optional_argument)
			n += snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", e->arg);
		const char *dflt = e->dflt ? e->dflt : e->bare;
		int glue = snprintf(desc, sizeof(desc), "%s", e->help);
		if (dflt)
			snprintf(desc + glue, sizeof(desc) - (size_t)glue, " (default %s)", dflt);
		n = fprintf(f, "%-*s  ", HELP_COL - 2, left);
		print_wrapped(f, desc, desc + glue, (unsigned)n);
	}
}
