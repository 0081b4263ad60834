/* modebench: which execution model gets the most done on this machine?
 * Command dispatch; each command lives in its own file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "base.h"
#include "engine.h"
#include "step.h"
#include "python.h"
#include "report.h"
#include "serve.h"
#include "run.h"

static void usage(FILE *f)
{
	fputs("usage: modebench COMMAND [options]\n"
	      "  run     [options]           run a sweep; append one CSV row per run\n"
	      "  report  [-o DIR] CSV...     aggregate and draw the charts (gnuplot)\n"
	      "  topo    [--cores K] [--policy P] [--smt] [--topology XML|SYNTHETIC]\n"
	      "                              show the topology and the placement plan\n"
	      "  list                        step kinds, presets, modes, backends\n"
	      "  serve   [--port N]          run the loopback delay service alone\n"
	      "  claims  [-o DIR] [--quick]  test the folklore on this machine (claims.md/html)\n"
	      "  help COMMAND (or COMMAND --help), -V/--version\n"
	      "`modebench run --help` lists the run options; man modebench, all of it.\n",
	      f);
}

static void list_usage(void)
{
	fputs("usage: modebench list\n"
	      "  Prints the step kinds recipes are made of, the presets (-w NAME), the\n"
	      "  modes (-m LIST) and the event-loop backends (--backend LIST), with a line\n"
	      "  of help each; a backend this kernel lacks says why.\n",
	      stdout);
}

static void topo_usage(void)
{
	fputs("usage: modebench topo [--cores K] [--policy compact|scatter|none] [--smt]\n"
	      "                      [--topology XML|SYNTHETIC]\n"
	      "  Prints the machine's topology (hwloc) and the PUs K workers are placed on.\n"
	      "  -c, --cores K           cores to place, or all (default all)\n"
	      "  -p, --policy P          compact|scatter|none (default compact)\n"
	      "      --smt               place on SMT siblings too (K counts PUs)\n"
	      "      --topology X        another machine: an hwloc XML file or a synthetic\n"
	      "                          description like \"pack:2 l3:2 core:4 pu:2\"\n"
	      "  -h, --help              this text\n",
	      stdout);
}

static int cmd_list(void)
{
	printf("step kinds:\n");
	for (unsigned i = 0; i < mb_step_nkinds; i++)
		printf("  %-18s %s\n", mb_step_kinds[i]->syntax, mb_step_kinds[i]->help);
	printf("presets (-w NAME):\n");
	for (unsigned i = 0; i < mb_npresets; i++)
		printf("  %-10s %-34s %s\n", mb_presets[i].name,
		       mb_presets[i].recipe ? mb_presets[i].recipe : "cpu:X+sleep:Y by --io-fraction",
		       mb_presets[i].help);
	printf("modes (-m LIST):\n");
	for (unsigned i = 0; i < MB_NMODES; i++)
		printf("  %-14s %s\n", mb_modes[i].name, mb_modes[i].help);
	printf("runtimes (--runtime LIST):\n");
	printf("  %-10s %s\n", "c", "the engine's executors (the default)");
	const char *pywhy = mb_python_unavailable();
	printf("  %-10s %s%s\n", "python", pywhy ? pywhy : "embedded CPython ",
	       pywhy ? "" : mb_python_version());
	printf("backends (--backend LIST):\n");
	for (int b = 0; b < MB_BACKEND_COUNT; b++) {
		const char *why = mb_backend_unsupported(b);
		printf("  %-10s %s\n", mb_backend_name(b), why ? why : "available");
	}
	return MB_EXIT_OK;
}

static int cmd_topo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cores", required_argument, 0, 'c' }, { "policy", required_argument, 0, 'p' },
		{ "smt", no_argument, 0, 's' },		{ "topology", required_argument, 0, 't' },
		{ "help", no_argument, 0, 'h' },	{ 0, 0, 0, 0 },
	};
	const char *spec = NULL, *cores = NULL;
	enum mb_policy pol = MB_POLICY_COMPACT;
	bool smt = false;
	char err[MB_ERRLEN];
	struct mb_topo *topo;
	int opt;

	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:p:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cores = optarg;
			break;
		case 'p':
			if (mb_policy_parse(optarg, &pol)) {
				fprintf(stderr, "modebench: --policy: unknown policy '%s' (accepted: "
					"compact, scatter, none)\n", optarg);
				return MB_EXIT_USAGE;
			}
			break;
		case 's':
			smt = true;
			break;
		case 't':
			spec = optarg;
			break;
		case 'h':
			topo_usage();
			return MB_EXIT_OK;
		case ':':
			fprintf(stderr, "modebench: %s: missing value\n", argv[optind - 1]);
			return MB_EXIT_USAGE;
		default:
			fprintf(stderr, "modebench: %s: unknown option (see modebench topo --help)\n",
				argv[optind - 1]);
			return MB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "modebench: topo: unexpected argument '%s'\n", argv[optind]);
		return MB_EXIT_USAGE;
	}
	if (mb_topo_load(&topo, spec, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	unsigned slots = mb_topo_slots(topo, smt);
	unsigned k = slots;
	if (cores) {
		char *end;
		unsigned long v = strtoul(cores, &end, 10);
		if (!strcmp(cores, "all"))
			v = slots, end = (char *)"";
		if (*end || v < 1 || v > slots || cores[0] == '-') {
			fprintf(stderr, "modebench: --cores: '%s' is not a core count from 1 to %u "
				"(or all)%s%s\n", cores, slots, topo->mask[0] ? "; inside the CPU "
				"mask this process runs under, " : "", topo->mask);
			mb_topo_free(topo);
			return MB_EXIT_USAGE;
		}
		k = (unsigned)v;
	}
	mb_topo_print(topo, stdout);
	unsigned *pus = calloc(k, sizeof(*pus));
	mb_topo_plan(topo, k, pol, smt, pus);
	char list[256];
	mb_topo_cpulist(pus, k, list, sizeof(list));
	printf("placement: %u %s, policy %s%s: PUs (OS index, in worker order)", k,
	       smt ? "PUs" : "cores", mb_policy_name(pol), pol == MB_POLICY_NONE ? " (not bound)" : "");
	for (unsigned i = 0; i < k; i++)
		printf("%s%u", i ? "," : " ", pus[i]);
	printf("  [cpuset %s]\n", list);
	free(pus);
	mb_topo_free(topo);
	return MB_EXIT_OK;
}

static int cmd_list_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		list_usage();
		return MB_EXIT_OK;
	}
	if (argc != 1) {
		fprintf(stderr, "modebench: list takes no arguments\n");
		return MB_EXIT_USAGE;
	}
	return cmd_list();
}

/* The commands: how each is run, and what the help and the man page say
 * of it. help prints its --help text on stdout; NULL runs the command
 * with --help, which prints the same (report, serve and claims keep
 * their usage to themselves). */
struct command {
	const char *name, *synopsis, *summary;
	int (*main)(int argc, char **argv);
	void (*help)(void);
};

static void run_help(void)
{
	mb_run_usage(stdout);
}

static const struct command commands[] = {
	{ "run", "[options]", "run a sweep; append one CSV row per run", mb_sweep_main,
	  run_help },
	{ "report", "[-o DIR] [--scripts DIR] [--no-charts] [-j N] CSV...",
	  "aggregate run CSV files into a summary and draw the charts (gnuplot)", mb_report_main,
	  NULL },
	{ "topo", "[--cores K] [--policy P] [--smt] [--topology XML|SYNTHETIC]",
	  "show the topology and the placement plan", cmd_topo, topo_usage },
	{ "list", "", "list the step kinds, presets, modes and backends", cmd_list_main,
	  list_usage },
	{ "serve", "[--port N] [--max-conns N] [--header-timeout DUR] [--idle-timeout DUR]",
	  "run the loopback delay service alone", mb_serve_main, NULL },
	{ "claims", "[-o DIR] [--quick]",
	  "test seven rules of thumb on this machine, ten with Python (claims.md, claims.html)",
	  mb_claims_main, NULL },
};
#define NCOMMANDS MB_ARRAY_SIZE(commands)
#define ACCEPTED "run, report, topo, list, serve, claims"

static const struct command *find_command(const char *name)
{
	for (unsigned i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_help(const struct command *c)
{
	if (c->help) {
		c->help();
		return;
	}
	char *argv[] = { (char *)c->name, (char *)"--help", NULL };
	c->main(2, argv);
}

/* What c's help prints, in a malloc'd string (NULL when out of memory):
 * stdout is swapped for a memory stream while it runs (glibc lets a
 * program assign stdout), so no file is involved. */
static char *help_text(const struct command *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len), *out = stdout;
	if (!mem)
		return NULL;
	fflush(stdout);
	stdout = mem;
	print_help(c);
	stdout = out;
	if (fclose(mem)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* `modebench help --man`: the manual page, from the same texts as --help. */
static int man_page(void)
{
	struct mb_man_command mc[NCOMMANDS];
	char *texts[NCOMMANDS] = { 0 };
	int rc = MB_EXIT_OK;
	for (unsigned i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		bool run = c->main == mb_sweep_main;
		if (!run && !(texts[i] = help_text(c))) {
			fprintf(stderr, "modebench: help --man: cannot allocate %s's help\n",
				c->name);
			rc = MB_EXIT_FAILED;
		}
		mc[i] = (struct mb_man_command){ c->name, c->synopsis, c->summary, texts[i] };
	}
	if (!rc)
		mb_man_page(stdout, mc, NCOMMANDS);
	for (unsigned i = 0; i < NCOMMANDS; i++)
		free(texts[i]);
	return rc;
}

/* `modebench help [COMMAND]`, `-h`, `--help`. */
static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return MB_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--man"))
		return man_page();
	const struct command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "modebench: help: unknown command '%s' (accepted: " ACCEPTED ")\n",
			argv[1]);
		return MB_EXIT_USAGE;
	}
	if (argc > 2) {
		fprintf(stderr, "modebench: help: one command at a time ('%s' after %s)\n",
			argv[2], argv[1]);
		return MB_EXIT_USAGE;
	}
	print_help(c);
	return MB_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MB_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	const struct command *c = find_command(cmd);
	if (c) {
		int rc = c->main(argc - 1, argv + 1);
		/* The interpreter a Python run started (python.h) is finalised
		 * here, by the thread that started it; a failure to is a
		 * failure of the command. */
		if (mb_python_finalize() && rc == MB_EXIT_OK) {
			fprintf(stderr, "modebench: the Python interpreter could not be "
				"finalised cleanly\n");
			rc = MB_EXIT_FAILED;
		}
		return rc;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("modebench %s (%s)\n", MB_VERSION, MB_GIT_DESCRIBE);
		return MB_EXIT_OK;
	}
	fprintf(stderr, "modebench: unknown command '%s' (accepted: " ACCEPTED ")\n", cmd);
	return MB_EXIT_USAGE;
}
