/* Option parsing for `modebench run`. Every usage error is one line that
 * names the option and what it accepts; the caller exits 2 having created
 * nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "run.h"

void mb_run_usage(FILE *f)
{
	fputs("usage: modebench run [options]\n"
	      "  -w, --workload LIST     presets or recipes (default cpu,sleep); presets:\n"
	      "                          cpu mem sleep net file mixed breakfast web\n"
	      "  -m, --modes LIST        sync,async,threads,procs,async-threads,async-procs\n"
	      "                          (default sync,async,threads,procs)\n"
	      "  -c, --cores LIST        core counts: 1,2  1-8  pow2  all (default pow2)\n"
	      "  -C, --concurrency LIST  total tasks in flight; k = the core count (default: k)\n"
	      "  -n, --tasks N           tasks per run, or\n"
	      "  -d, --duration DUR      time per run (default 1s)\n"
	      "  -r, --reps N|auto       repetitions (default 5), --warmup N (default 1);\n"
	      "                          auto: at least 5, then until the 95% CI of the\n"
	      "                          median throughput is within --ci (default 2%),\n"
	      "                          at most --reps-max (default 30)\n"
	      "      --backend LIST      epoll,io_uring (default epoll)\n"
	      "      --policy P          compact|scatter|none (default compact); --smt\n"
	      "      --io-fraction LIST  for mixed: 0..1 (default 0,0.25,0.5,0.75,1)\n"
	      "      --io-kind K         for mixed: sleep|net|file (default sleep)\n"
	      "      --rate LIST         open loop: task starts per second; --arrivals\n"
	      "                          constant|poisson\n"
	      "      --gil[=DUR]         interpreter-lock emulation in thread modes (5ms)\n"
	      "      --timeout DUR       per run (default 2 x duration + 30s; 600s with -n)\n"
	      "      --server HOST:PORT  use this delay service instead of starting one\n"
	      "      --file-dir DIR, --file-size SIZE, --direct   for file steps\n"
	      "  -o, --output FILE       CSV to append to (default results/HOST-DATE.csv)\n"
	      "      --resume            skip runs already in the output\n"
	      "      --trace FILE        per-task events, for timeline charts\n"
	      "      --seed N, --order shuffled|sequential   run order (default shuffled)\n"
	      "      --topology XML|SYNTHETIC   plan for another machine (--dry-run only)\n"
	      "      --dry-run           print the run matrix and placement, run nothing\n"
	      "  -q, --quiet, --progress auto|always|never\n",
	      f);
}

struct listctx {
	struct mb_opts *o;
	char *err;
	unsigned errlen;
};

/* Runs a list through fn; an empty item gets a message naming the option. */
#define LIST(list, fn, optname)                                                  \
	do {                                                                     \
		int lrc_ = mb_list_foreach(list, fn, c);                         \
		if (lrc_) {                                                      \
			if (!*err && lrc_ == -E2BIG)                             \
				snprintf(err, errlen, "%s: an item is longer than 255 " \
					 "characters", optname);                 \
			else if (!*err)                                          \
				snprintf(err, errlen, "%s: empty item in '%s'", optname, \
					 list);                                  \
			return -EINVAL;                                          \
		}                                                                \
	} while (0)

#define FAIL(...)                                         \
	do {                                              \
		snprintf(c->err, c->errlen, __VA_ARGS__); \
		return -EINVAL;                           \
	} while (0)

static int add_workload(const char *item, void *arg)
{
	struct listctx *c = arg;
	struct mb_opts *o = c->o;
	struct mb_workload *wl;
	if (o->nworkloads == MB_MAX_LIST)
		FAIL("-w/--workload: at most %d workloads", MB_MAX_LIST);
	wl = &o->workloads[o->nworkloads++];
	wl->io_fraction = -1;
	if (!strcmp(item, "mixed")) {
		snprintf(wl->name, sizeof(wl->name), "mixed");
		return 0;
	}
	const char *recipe = mb_preset_recipe(item);
	if (recipe) {
		snprintf(wl->name, sizeof(wl->name), "%s", item);
		snprintf(wl->recipe, sizeof(wl->recipe), "%s", recipe);
		return 0;
	}
	if (!strchr(item, ':'))
		FAIL("-w/--workload: '%s' is neither a preset (cpu, mem, sleep, net, file, mixed, "
		     "breakfast, web) nor a recipe like cpu:100+sleep:1ms", item);
	struct mb_recipe r;
	char e[MB_ERRLEN];
	if (mb_recipe_parse(item, &r, e, sizeof(e)))
		FAIL("-w/--workload: %s", e);
	snprintf(wl->name, sizeof(wl->name), "custom");
	snprintf(wl->recipe, sizeof(wl->recipe), "%s", item);
	return 0;
}

static int add_mode(const char *item, void *arg)
{
	struct listctx *c = arg;
	const struct mb_mode *m = mb_mode_find(item);
	if (!m)
		FAIL("-m/--modes: unknown mode '%s' (accepted: sync, async, threads, procs, "
		     "async-threads, async-procs)", item);
	for (unsigned i = 0; i < c->o->nmodes; i++)
		if (c->o->modes[i] == m)
			return 0;
	c->o->modes[c->o->nmodes++] = m;
	return 0;
}

static int add_conc(const char *item, void *arg)
{
	struct listctx *c = arg;
	uint64_t n = 0;
	/* "k": as many tasks as the run's cores (1 for sync and async). */
	if (strcmp(item, "k") && (mb_parse_count(item, &n) || n > 1000000))
		FAIL("-C/--concurrency: '%s' is not a task count from 1 to 1M or k, the core "
		     "count (e.g. k,16,1k)", item);
	if (c->o->nconc == MB_MAX_LIST)
		FAIL("-C/--concurrency: at most %d values", MB_MAX_LIST);
	c->o->conc[c->o->nconc++] = (unsigned)n;
	return 0;
}

static int add_backend(const char *item, void *arg)
{
	struct listctx *c = arg;
	enum mb_backend b;
	if (mb_backend_parse(item, &b))
		FAIL("--backend: unknown backend '%s' (accepted: epoll, io_uring)", item);
	for (unsigned i = 0; i < c->o->nbackends; i++)
		if (c->o->backends[i] == b)
			return 0;
	c->o->backends[c->o->nbackends++] = b;
	return 0;
}

static int add_rate(const char *item, void *arg)
{
	struct listctx *c = arg;
	double r;
	if (mb_parse_double(item, &r) || r <= 0 || r > 1e9)
		FAIL("--rate: '%s' is not a positive number of task starts per second", item);
	if (c->o->nrates == MB_MAX_LIST)
		FAIL("--rate: at most %d values", MB_MAX_LIST);
	c->o->rates[c->o->nrates++] = r;
	return 0;
}

static int add_fraction(const char *item, void *arg)
{
	struct listctx *c = arg;
	double f;
	if (mb_parse_double(item, &f) || f > 1)
		FAIL("--io-fraction: '%s' is not a number from 0 to 1", item);
	if (c->o->nio_fractions == MB_MAX_LIST)
		FAIL("--io-fraction: at most %d values", MB_MAX_LIST);
	c->o->io_fractions[c->o->nio_fractions++] = f;
	return 0;
}

enum {
	OPT_BACKEND = 256, OPT_POLICY, OPT_SMT, OPT_IOFRAC, OPT_IOKIND, OPT_RATE,
	OPT_ARRIVALS, OPT_GIL, OPT_TIMEOUT, OPT_RESUME, OPT_TRACE, OPT_DRY, OPT_PROGRESS,
	OPT_WARMUP, OPT_TOPOLOGY, OPT_SERVER, OPT_FILEDIR, OPT_FILESIZE, OPT_DIRECT,
	OPT_SEED, OPT_ORDER, OPT_HELP, OPT_REPSMAX, OPT_CI,
};

static const struct option long_opts[] = {
	{ "workload", required_argument, 0, 'w' },
	{ "modes", required_argument, 0, 'm' },
	{ "mode", required_argument, 0, 'm' },
	{ "cores", required_argument, 0, 'c' },
	{ "concurrency", required_argument, 0, 'C' },
	{ "tasks", required_argument, 0, 'n' },
	{ "duration", required_argument, 0, 'd' },
	{ "reps", required_argument, 0, 'r' },
	{ "warmup", required_argument, 0, OPT_WARMUP },
	{ "reps-max", required_argument, 0, OPT_REPSMAX },
	{ "ci", required_argument, 0, OPT_CI },
	{ "backend", required_argument, 0, OPT_BACKEND },
	{ "policy", required_argument, 0, OPT_POLICY },
	{ "smt", no_argument, 0, OPT_SMT },
	{ "io-fraction", required_argument, 0, OPT_IOFRAC },
	{ "io-kind", required_argument, 0, OPT_IOKIND },
	{ "rate", required_argument, 0, OPT_RATE },
	{ "arrivals", required_argument, 0, OPT_ARRIVALS },
	{ "gil", optional_argument, 0, OPT_GIL },
	{ "timeout", required_argument, 0, OPT_TIMEOUT },
	{ "output", required_argument, 0, 'o' },
	{ "resume", no_argument, 0, OPT_RESUME },
	{ "trace", required_argument, 0, OPT_TRACE },
	{ "dry-run", no_argument, 0, OPT_DRY },
	{ "quiet", no_argument, 0, 'q' },
	{ "progress", required_argument, 0, OPT_PROGRESS },
	{ "topology", required_argument, 0, OPT_TOPOLOGY },
	{ "server", required_argument, 0, OPT_SERVER },
	{ "file-dir", required_argument, 0, OPT_FILEDIR },
	{ "file-size", required_argument, 0, OPT_FILESIZE },
	{ "direct", no_argument, 0, OPT_DIRECT },
	{ "seed", required_argument, 0, OPT_SEED },
	{ "order", required_argument, 0, OPT_ORDER },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

int mb_opts_parse(struct mb_opts *o, int argc, char **argv, unsigned ncores_here,
		  char *err, unsigned errlen)
{
	struct listctx ctx = { o, err, errlen }, *c = &ctx;
	const char *workloads = "cpu,sleep", *modes = "sync,async,threads,procs";
	const char *fractions = "0,0.25,0.5,0.75,1";
	uint64_t v;
	int opt;

	memset(o, 0, sizeof(*o));
	err[0] = 0;
	o->reps = 5;
	o->reps_max = 30;
	o->ci = 0.02;
	o->warmup = 1;
	o->policy = MB_POLICY_COMPACT;
	snprintf(o->io_kind, sizeof(o->io_kind), "sleep");
	snprintf(o->cores_spec, sizeof(o->cores_spec), "pow2");
	o->file_size = 0;
	o->seed = 0;
	{
		size_t pos = 0;
		for (int i = 0; i < argc && pos < sizeof(o->cmdline) - 2; i++)
			pos += (size_t)snprintf(o->cmdline + pos, sizeof(o->cmdline) - pos, "%s%s",
						i ? " " : "modebench ", argv[i]);
	}
	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":w:m:c:C:n:d:r:o:qh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			workloads = optarg;
			break;
		case 'm':
			modes = optarg;
			break;
		case 'c':
			if (strlen(optarg) >= sizeof(o->cores_spec))
				FAIL("-c/--cores: list too long");
			snprintf(o->cores_spec, sizeof(o->cores_spec), "%s", optarg);
			break;
		case 'C':
			o->nconc = 0;
			LIST(optarg, add_conc, "-C/--concurrency");
			break;
		case 'n':
			if (mb_parse_count(optarg, &o->tasks))
				FAIL("-n/--tasks: '%s' is not a positive task count (e.g. 1000, 10k)", optarg);
			o->duration_ns = 0;
			break;
		case 'd':
			if (mb_parse_duration(optarg, &o->duration_ns, 0))
				FAIL("-d/--duration: '%s' is not a positive duration with a unit "
				     "(e.g. 500ms, 2s)", optarg);
			o->tasks = 0;
			break;
		case 'r':
			if (!strcmp(optarg, "auto")) {
				o->reps_auto = true;
				break;
			}
			o->reps_auto = false;
			if (mb_parse_count(optarg, &v) || v > 10000)
				FAIL("-r/--reps: '%s' is not a repetition count from 1 to 10000", optarg);
			o->reps = (unsigned)v;
			break;
		case OPT_REPSMAX:
			if (mb_parse_count(optarg, &v) || v < 5 || v > 10000)
				FAIL("--reps-max: '%s' is not a repetition count from 5 to 10000", optarg);
			o->reps_max = (unsigned)v;
			break;
		case OPT_CI: {
			char buf[32];
			double pct;
			snprintf(buf, sizeof(buf), "%s", optarg);
			size_t l = strlen(buf);
			if (l && buf[l - 1] == '%')
				buf[l - 1] = 0;
			if (mb_parse_double(buf, &pct) || pct <= 0 || pct >= 100)
				FAIL("--ci: '%s' is not a percentage between 0 and 100 (e.g. 2%%)", optarg);
			o->ci = pct / 100;
			break;
		}
		case OPT_WARMUP:
			if (!strcmp(optarg, "0"))
				v = 0;
			else if (mb_parse_count(optarg, &v) || v > 1000)
				FAIL("--warmup: '%s' is not a count from 0 to 1000", optarg);
			o->warmup = (unsigned)v;
			break;
		case OPT_BACKEND:
			o->nbackends = 0;
			LIST(optarg, add_backend, "--backend");
			break;
		case OPT_POLICY:
			if (mb_policy_parse(optarg, &o->policy))
				FAIL("--policy: unknown policy '%s' (accepted: compact, scatter, none)", optarg);
			break;
		case OPT_SMT:
			o->smt = true;
			break;
		case OPT_IOFRAC:
			fractions = optarg;
			break;
		case OPT_IOKIND:
			if (strcmp(optarg, "sleep") && strcmp(optarg, "net") && strcmp(optarg, "file"))
				FAIL("--io-kind: '%s' is not one of sleep, net, file", optarg);
			snprintf(o->io_kind, sizeof(o->io_kind), "%s", optarg);
			break;
		case OPT_RATE:
			o->nrates = 0;
			LIST(optarg, add_rate, "--rate");
			break;
		case OPT_ARRIVALS:
			if (!strcmp(optarg, "poisson"))
				o->poisson = true;
			else if (!strcmp(optarg, "constant"))
				o->poisson = false;
			else
				FAIL("--arrivals: '%s' is not one of constant, poisson", optarg);
			break;
		case OPT_GIL:
			o->gil_ns = 5 * MB_NS_PER_MS;
			if (optarg && mb_parse_duration(optarg, &o->gil_ns, 0))
				FAIL("--gil: '%s' is not a positive switch interval with a unit "
				     "(e.g. --gil=5ms)", optarg);
			break;
		case OPT_TIMEOUT:
			if (mb_parse_duration(optarg, &o->timeout_ns, 0))
				FAIL("--timeout: '%s' is not a positive duration with a unit (e.g. 30s)",
				     optarg);
			break;
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(o->output))
				FAIL("-o/--output: expected a file name");
			snprintf(o->output, sizeof(o->output), "%s", optarg);
			break;
		case OPT_RESUME:
			o->resume = true;
			break;
		case OPT_TRACE:
			if (!*optarg || strlen(optarg) >= sizeof(o->trace))
				FAIL("--trace: expected a file name");
			snprintf(o->trace, sizeof(o->trace), "%s", optarg);
			break;
		case OPT_DRY:
			o->dry_run = true;
			break;
		case 'q':
			o->quiet = true;
			o->progress = -1;
			break;
		case OPT_PROGRESS:
			if (!strcmp(optarg, "auto"))
				o->progress = 0;
			else if (!strcmp(optarg, "always"))
				o->progress = 1;
			else if (!strcmp(optarg, "never"))
				o->progress = -1;
			else
				FAIL("--progress: '%s' is not one of auto, always, never", optarg);
			break;
		case OPT_TOPOLOGY:
			snprintf(o->topology, sizeof(o->topology), "%s", optarg);
			break;
		case OPT_SERVER:
			if (!strchr(optarg, ':') || strlen(optarg) >= sizeof(o->server))
				FAIL("--server: '%s' is not HOST:PORT (e.g. 127.0.0.1:8080)", optarg);
			snprintf(o->server, sizeof(o->server), "%s", optarg);
			break;
		case OPT_FILEDIR:
			snprintf(o->file_dir, sizeof(o->file_dir), "%s", optarg);
			break;
		case OPT_FILESIZE:
			if (mb_parse_size(optarg, &o->file_size) || o->file_size < 4096)
				FAIL("--file-size: '%s' is not a size of at least 4KiB (e.g. 1GiB)", optarg);
			break;
		case OPT_DIRECT:
			o->direct = true;
			break;
		case OPT_SEED:
			if (!strcmp(optarg, "0"))
				o->seed = 0;
			else if (mb_parse_count(optarg, &o->seed))
				FAIL("--seed: '%s' is not a non-negative integer", optarg);
			break;
		case OPT_ORDER:
			if (!strcmp(optarg, "sequential"))
				o->sequential = true;
			else if (!strcmp(optarg, "shuffled"))
				o->sequential = false;
			else
				FAIL("--order: '%s' is not one of shuffled, sequential", optarg);
			break;
		case 'h':
			return 1;
		case ':':
			FAIL("%s: missing value (see modebench run --help)", argv[optind - 1]);
		default:
			FAIL("%s: unknown option (see modebench run --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		FAIL("run: unexpected argument '%s' (options only; see modebench run --help)",
		     argv[optind]);
	if (o->reps_auto)
		o->reps = 5;
	if (!o->tasks && !o->duration_ns)
		o->duration_ns = MB_NS_PER_S;
	LIST(workloads, add_workload, "-w/--workload");
		LIST(modes, add_mode, "-m/--modes");
		LIST(fractions, add_fraction, "--io-fraction");
		if (!o->nbackends)
		o->backends[o->nbackends++] = MB_BACKEND_EPOLL;
	if (o->topology[0] && !o->dry_run)
		FAIL("--topology: plans for another machine can only be shown; add --dry-run");
	(void)ncores_here;
	return 0;
}
