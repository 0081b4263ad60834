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
	      "  help COMMAND, --version\n"
	      "`modebench run --help` lists the run options.\n",
	      f);
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
			printf("usage: modebench topo [--cores K] [--policy compact|scatter|none] "
			       "[--smt] [--topology XML|SYNTHETIC]\n");
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
				"(or all)\n", cores, slots);
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MB_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "run"))
		return mb_sweep_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return mb_report_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "topo"))
		return cmd_topo(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return argc == 2 ? cmd_list() : (fprintf(stderr, "modebench: list takes no arguments\n"), MB_EXIT_USAGE);
	if (!strcmp(cmd, "claims"))
		return mb_claims_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return mb_serve_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		if (argc > 2 && !strcmp(argv[2], "run"))
			mb_run_usage(stdout);
		else
			usage(stdout);
		return MB_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("modebench %s (%s)\n", MB_VERSION, MB_GIT_DESCRIBE);
		return MB_EXIT_OK;
	}
	fprintf(stderr, "modebench: unknown command '%s' (accepted: run, report, topo, list, "
		"serve, claims)\n", cmd);
	return MB_EXIT_USAGE;
}
