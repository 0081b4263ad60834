/* The comma lists of `modebench run`'s options: each item parsed, checked
 * and added to struct mb_opts, or one usage-error line naming the option
 * and what it accepts (README, "Bad input"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"

int cli_parse_list(struct cli_parse *p, const char *list, int (*fn)(const char *, void *),
		   const char *optname)
{
	int rc = mb_list_foreach(list, fn, p);
	if (!rc)
		return 0;
	if (!*p->err && rc == -E2BIG)
		CLI_FAIL("%s: an item is longer than 255 characters", optname);
	if (!*p->err)
		CLI_FAIL("%s: empty item in '%s'", optname, list);
	return -EINVAL;
}

int cli_add_workload(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	struct mb_opts *o = p->o;
	struct mb_workload *wl;
	if (o->nworkloads == MB_MAX_LIST)
		CLI_FAIL("-w/--workload: at most %d workloads", MB_MAX_LIST);
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
		CLI_FAIL("-w/--workload: '%s' is neither a preset (cpu, mem, sleep, net, file, "
			 "mixed, breakfast, web) nor a recipe like cpu:100+sleep:1ms", item);
	struct mb_recipe r;
	char e[MB_ERRLEN];
	if (mb_recipe_parse(item, &r, e, sizeof(e)))
		CLI_FAIL("-w/--workload: %s", e);
	snprintf(wl->name, sizeof(wl->name), "custom");
	snprintf(wl->recipe, sizeof(wl->recipe), "%s", item);
	return 0;
}

int cli_add_mode(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	const struct mb_mode *m = mb_mode_find(item);
	if (!m)
		CLI_FAIL("-m/--modes: unknown mode '%s' (accepted: sync, async, threads, procs, "
			 "async-threads, async-procs)", item);
	for (unsigned i = 0; i < p->o->nmodes; i++)
		if (p->o->modes[i] == m)
			return 0;
	p->o->modes[p->o->nmodes++] = m;
	return 0;
}

int cli_add_conc(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	uint64_t n = 0;
	/* "k": as many tasks as the run's cores (1 for sync and async). */
	if (strcmp(item, "k") && (mb_parse_count(item, &n) || n > 1000000))
		CLI_FAIL("-C/--concurrency: '%s' is not a task count from 1 to 1M or k, the core "
			 "count (e.g. k,16,1k)", item);
	if (p->o->nconc == MB_MAX_LIST)
		CLI_FAIL("-C/--concurrency: at most %d values", MB_MAX_LIST);
	p->o->conc[p->o->nconc++] = (unsigned)n;
	return 0;
}

int cli_add_backend(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	enum mb_backend b;
	if (mb_backend_parse(item, &b))
		CLI_FAIL("--backend: unknown backend '%s' (accepted: epoll, io_uring)", item);
	for (unsigned i = 0; i < p->o->nbackends; i++)
		if (p->o->backends[i] == b)
			return 0;
	p->o->backends[p->o->nbackends++] = b;
	return 0;
}

const char *mb_runtime_kind_name(enum mb_runtime_kind k)
{
	return k == MB_RT_PYTHON ? "python" : "c";
}

/* c or python; python only when this build embeds CPython. */
int cli_add_runtime(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	enum mb_runtime_kind k;
	if (!strcmp(item, "c"))
		k = MB_RT_C;
	else if (!strcmp(item, "python"))
		k = MB_RT_PYTHON;
	else
		CLI_FAIL("--runtime: unknown runtime '%s' (accepted: c, python)", item);
	if (k == MB_RT_PYTHON && mb_python_unavailable())
		CLI_FAIL("--runtime: %s", mb_python_unavailable());
	for (unsigned i = 0; i < p->o->nruntimes; i++)
		if (p->o->runtimes[i] == k)
			return 0;
	p->o->runtimes[p->o->nruntimes++] = k;
	return 0;
}

int cli_add_rate(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	double r;
	if (mb_parse_double(item, &r) || r <= 0 || r > 1e9)
		CLI_FAIL("--rate: '%s' is not a positive number of task starts per second", item);
	if (p->o->nrates == MB_MAX_LIST)
		CLI_FAIL("--rate: at most %d values", MB_MAX_LIST);
	p->o->rates[p->o->nrates++] = r;
	return 0;
}

int cli_add_fraction(const char *item, void *arg)
{
	struct cli_parse *p = arg;
	double f;
	if (mb_parse_double(item, &f) || f > 1)
		CLI_FAIL("--io-fraction: '%s' is not a number from 0 to 1", item);
	if (p->o->nio_fractions == MB_MAX_LIST)
		CLI_FAIL("--io-fraction: at most %d values", MB_MAX_LIST);
	p->o->io_fractions[p->o->nio_fractions++] = f;
	return 0;
}

