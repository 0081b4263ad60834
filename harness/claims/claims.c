/* `modebench claims [-o DIR] [--quick] [-q]`: a compact, fixed suite that puts
 * seven pieces of folklore about execution models to the test on this
 * machine, and where modebench has Python (--runtime python) three more
 * in CPython itself (claims_python.c). Each claim runs its own sweeps through the run command
 * in-process (each writing DIR/claimN*.csv, the exact command recorded),
 * reads the rows back, decides holds / does not hold / inconclusive from
 * bootstrap confidence intervals against thresholds stated in the text,
 * and draws a chart with scripts/claims_*.gp; a claim whose runs other
 * processes disturbed too much to decide is repeated once. Then DIR/claims.md and
 * DIR/claims.html. The full suite takes a few minutes on 2 cores; --quick
 * shrinks every experiment so the whole runs in well under a minute.
 * Exit: 0, 1 when a run or a chart failed (the report is still written),
 * 2 usage error (nothing written), 130 interrupted. */
#include "claims.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims_int.h"
#include "base.h"
#include "engine.h"
#include "python.h"

static void usage(FILE *f)
{
	fputs("usage: modebench claims [-o DIR] [--quick] [-q]\n"
	      "  Runs a fixed suite testing seven claims about sync, async, threads and\n"
	      "  processes on this machine, and three more in CPython where modebench has\n"
	      "  --runtime python (a few minutes on 2 cores), then writes\n"
	      "  DIR/claims.md and DIR/claims.html with the verdicts, figures and charts.\n"
	      "  -o, --output DIR   where the CSVs, charts and report go (default results/claims)\n"
	      "      --quick        a much smaller suite (well under a minute; indicative only)\n"
	      "  -q, --quiet        errors only: no progress lines, notes or verdict table\n"
	      "  -h, --help         this text\n"
	      "  Exit status: 0 done; 1 a run or a chart failed (the report is still\n"
	      "  written); 2 usage error (nothing written); 130 interrupted.\n",
	      f);
}

/* mkdir -p, 0755. */
static int make_dirs(const char *dir)
{
	char p[CL_PATH];
	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	struct stat st;
	if (stat(p, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Reads -o, --quick and -q into ctx (ctx->dir keeps its default otherwise,
 * trailing slashes stripped). Returns 0, -1 after --help, or
 * MB_EXIT_USAGE with the reason on stderr. */
static int parse(struct cl_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "quick", no_argument, 0, 'Q' },
		{ "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int opt;
	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(ctx->dir) - 64) {
				fprintf(stderr, "modebench: -o/--output: expected a folder name\n");
				return MB_EXIT_USAGE;
			}
			snprintf(ctx->dir, sizeof(ctx->dir), "%s", optarg);
			break;
		case 'Q':
			ctx->quick = true;
			break;
		case 'q':
			ctx->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			fprintf(stderr, "modebench: %s: missing value (see modebench claims --help)\n",
				argv[optind - 1]);
			return MB_EXIT_USAGE;
		default:
			if (optopt == 'Q') {
				fprintf(stderr, "modebench: --quick: takes no value\n");
				return MB_EXIT_USAGE;
			}
			fprintf(stderr, "modebench: %s: unknown option (accepted: -o DIR, --quick, "
				"-q, --help)\n", argv[optind - 1]);
			return MB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "modebench: claims: unexpected argument '%s' (accepted: -o DIR, "
			"--quick, -q)\n", argv[optind]);
		return MB_EXIT_USAGE;
	}
	/* strip trailing slashes, keep "/" */
	for (size_t n = strlen(ctx->dir); n > 1 && ctx->dir[n - 1] == '/'; n--)
		ctx->dir[n - 1] = 0;
	return 0;
}

/* A verdict computed on figures that include disturbed runs does not
 * count: it becomes inconclusive, and the text says what it would have
 * been. */
static void taint_verdict(struct cl_claim *c)
{
	char why[sizeof(c->why)];
	if (!c->tainted || !c->num)
		return;
	if (snprintf(why, sizeof(why), "Left inconclusive: some configurations had fewer than %d "
		 "runs undisturbed by other processes (outside_load above %.0f%%), so their "
		 "figures include disturbed runs%s%s%s %s", CL_MIN_RUNS, 100 * CL_MAX_OUTSIDE,
		 c->verdict != CL_INCONCLUSIVE ? "; on these figures the rule would say *" : ".",
		 c->verdict != CL_INCONCLUSIVE ? cl_verdict_word(c->verdict) : "",
		 c->verdict != CL_INCONCLUSIVE ? "*." : "", c->why) >= (int)sizeof(why))
		why[sizeof(why) - 1] = 0; /* the end of the original text is lost */
	memcpy(c->why, why, sizeof(why));
	c->verdict = CL_INCONCLUSIVE;
}

/* DIR/claims.md and DIR/claims.html, each written to a .tmp file and
 * renamed into place, so a failed write never leaves half a report.
 * Returns 0, or -1 when either could not be written (said on stderr). */
static int write_reports(const struct cl_ctx *ctx, struct cl_claim *const *cl, unsigned n,
			 double runtime_s)
{
	static const char *names[] = { "claims.md", "claims.html" };
	char path[CL_PATH], tmp[CL_PATH + 8];
	int rc = 0;
	for (unsigned i = 0; i < 2; i++) {
		cl_path(ctx, path, sizeof(path), names[i]);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		FILE *f = fopen(tmp, "w");
		if (!f) {
			fprintf(stderr, "modebench: %s: cannot write: %s\n", tmp, strerror(errno));
			rc = -1;
			continue;
		}
		int w = i ? cl_write_html(ctx, cl, n, runtime_s, f) :
			    cl_write_md(ctx, cl, n, runtime_s, f);
		if (fclose(f) || w || rename(tmp, path)) {
			fprintf(stderr, "modebench: %s: cannot write\n", path);
			unlink(tmp);
			rc = -1;
		}
	}
	return rc;
}

/* The suite, in the report's order; number 0 is the timeline, which
 * illustrates and has no verdict. The claims are the README's, "What it
 * shows on this machine". */
static const struct {
	void (*fn)(struct cl_ctx *, struct cl_claim *);
	int num;
	const char *title;
	bool python; /* needs --runtime python: left out where it is unavailable */
} suite[] = {
	{ cl_claim_waits, 1, "For wait-bound work one async worker finishes a batch much "
			     "sooner than one sync worker; its rate of doing work is the "
			     "same, it is simply idle less.", false },
	{ cl_claim_cpu, 2, "For CPU-bound work async alone gives no speedup over sync; "
			   "threads or processes do, close to the number of cores.", false },
	{ cl_claim_switch, 3, "Switching between tasks costs something: with very short "
			      "waits and tiny tasks async can be slower than sync.", false },
	{ cl_claim_tail, 4, "Higher overall throughput can still mean a longer wait for an "
			    "individual task.", false },
	{ cl_claim_scaling, 5, "As concurrency grows with CPU work in each task, one event "
			       "loop saturates one core while threads and processes keep "
			       "scaling; one event loop per core gets both.", false },
	{ cl_claim_gil, 6, "Under an interpreter lock threads give no speedup on CPU work "
			   "and processes do; an I/O-bound thread next to a CPU-bound one "
			   "waits long for the lock (the convoy effect), less with a shorter "
			   "switch interval.", false },
	{ cl_claim_breakfast, 7, "Two independent waits inside one task overlap under "
				 "async and add up under sync.", false },
	{ cl_claim_gil_python, 8, "Claim 6 in CPython: under its real lock threads give no "
				  "speedup on CPU work and processes do; a thread back from a "
				  "short wait next to a CPU-bound one waits for the lock, less "
				  "at sys.setswitchinterval 1 ms than at 5 ms.", true },
	{ cl_claim_emulation, 9, "The emulated lock (--gil) gives the figures CPython's own "
				 "lock gives on the same recipes.", true },
	{ cl_claim_load, 10, "With many concurrent clients asyncio handles load worse than "
			     "threads or parallel sync workers (in CPython).", true },
	{ cl_timeline, 0, "Timeline: sync vs async on the same small batch", false },
};
enum { NS = sizeof(suite) / sizeof(suite[0]) };

/* Everything before the first run: the options, k from the topology, the
 * output folder, the suite's size, the scripts and gnuplot (a missing
 * gnuplot is said once; the report then has no charts). Returns 0 to go
 * on, -1 when --help was printed, else the exit status to return. */
static int setup(struct cl_ctx *ctx, int argc, char **argv)
{
	struct mb_topo *topo = NULL;
	char err[MB_ERRLEN], log[CL_PATH];
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	snprintf(ctx->dir, sizeof(ctx->dir), "results/claims");
	if ((rc = parse(ctx, argc, argv)))
		return rc;
	if (mb_topo_load(&topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_FAILED;
	}
	ctx->k = mb_topo_slots(topo, false);
	mb_topo_free(topo);
	if ((rc = make_dirs(ctx->dir))) {
		fprintf(stderr, "modebench: -o %s: cannot create the folder: %s\n", ctx->dir,
			strerror(-rc));
		return MB_EXIT_USAGE;
	}
	ctx->reps = ctx->quick ? 3 : 5;
	ctx->warmup = ctx->quick ? 0 : 1;
	ctx->nsteps = NS;
	for (unsigned i = 0; i < NS; i++)
		ctx->nsteps -= suite[i].python && mb_python_unavailable();
	cl_find_tools(ctx);
	if (!ctx->have_gnuplot)
		fprintf(stderr, "claims: %s not found: the report will have no charts (install "
			"gnuplot-nox, or set GNUPLOT)\n", ctx->gnuplot);
	unlink(cl_path(ctx, log, sizeof(log), "gnuplot.log"));
	return 0;
}

/* Runs suite entry i into c. When other processes disturbed too many of
 * its runs to decide, it runs once more (and says so in a note); a verdict
 * still resting on disturbed runs is then left inconclusive. Cost: the
 * claim's sweeps, twice at worst. */
static void run_claim(struct cl_ctx *ctx, unsigned i, struct cl_claim *c)
{
	cl_claim_init(c, suite[i].num, suite[i].title);
	ctx->step++;
	suite[i].fn(ctx, c);
	if (c->tainted && c->num && !c->reads_only && !ctx->interrupted) {
		/* Other processes got in the way: one more try. */
		unsigned n = c->n_disturbed, runs = c->n_runs;
		if (!ctx->quiet)
			fprintf(stderr, "claims: claim %d: %u of %u runs disturbed by other "
				"processes; repeating it once\n", suite[i].num, n, runs);
		cl_claim_init(c, suite[i].num, suite[i].title);
		suite[i].fn(ctx, c);
		cl_note(c, "Run twice: in the first attempt %u of %u runs were disturbed "
			"by other processes, too many to decide on.", n, runs);
	}
	taint_verdict(c);
	if (c->num > 0 && c->num < (int)MB_ARRAY_SIZE(ctx->claim))
		ctx->claim[c->num] = c;
}

/* After the runs: the report of the first n claims and (but under -q) the
 * summary on stdout, or, when interrupted, only a line on stderr (the CSVs
 * stay). Returns the exit status. */
static int finish(const struct cl_ctx *ctx, struct cl_claim *const *cl, unsigned n,
		  double runtime)
{
	int status = ctx->status;

	if (ctx->interrupted) {
		fprintf(stderr, "modebench: claims: interrupted; the runs completed so far are in "
			"%s, no report written\n", ctx->dir);
		return MB_EXIT_INTERRUPTED;
	}
	if (write_reports(ctx, cl, n, runtime))
		status = MB_EXIT_FAILED;
	if (ctx->quiet)
		return status;
	printf("\n%-3s %-14s %s\n", "#", "verdict", "claim");
	for (unsigned i = 0; i < n; i++)
		if (cl[i]->num)
			printf("%-3d %-14s %.70s%s\n", cl[i]->num, cl_verdict_word(cl[i]->verdict),
			       cl[i]->title, strlen(cl[i]->title) > 70 ? "..." : "");
	printf("report: %s/claims.md and %s/claims.html (%.0f s)\n", ctx->dir, ctx->dir,
	       runtime);
	return status;
}

/* The suite, one claim after another until the end or an interrupt, then
 * the report; see claims.h for the exit statuses. */
int mb_claims_main(int argc, char **argv)
{
	static struct cl_ctx ctx;
	struct cl_claim *cl[NS] = { 0 };
	unsigned n = 0;
	int rc;

	if ((rc = setup(&ctx, argc, argv)))
		return rc < 0 ? MB_EXIT_OK : rc;
	uint64_t t0 = mb_now_ns();
	for (unsigned i = 0; i < NS && !ctx.interrupted; i++) {
		if (suite[i].python && mb_python_unavailable())
			continue;
		if (!(cl[n] = malloc(sizeof(*cl[n])))) {
			fprintf(stderr, "modebench: claims: out of memory\n");
			ctx.status = MB_EXIT_FAILED;
			break;
		}
		run_claim(&ctx, i, cl[n++]);
	}
	rc = finish(&ctx, cl, n, (mb_now_ns() - t0) / 1e9);
	for (unsigned i = 0; i < n; i++)
		free(cl[i]);
	return rc;
}
