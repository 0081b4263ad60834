/* Tests of harness/run/sweep_summary.c: the summary table printed at the
 * end of a sweep, for a fixed set of configurations and results, without
 * running anything. The expected text was printed by the summary before
 * its quality flags moved to base's shared rule (mb_stat_flags): the
 * summary must read the same, flags and all. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sweep_int.h"

/* One configuration's measured results. */
struct fixture {
	const char *workload, *recipe, *mode;
	unsigned k, c;
	double thr[8], wall[8];
	unsigned nres, nfail, nunsup, noisy;
	const char *status;
};

static const struct fixture fixtures[] = {
	/* steady: no flag */
	{ "cpu", "cpu:100", "sync", 1, 1, { 1000, 1001, 999, 1000, 1002 },
	  { 1, 1, 1, 1, 1 }, 5, 0, 0, 0, "" },
	/* variation: cv 16% */
	{ "sleep", "sleep:1ms", "async", 2, 16, { 1000, 1200, 800, 1100, 900 },
	  { 1, 1, 1, 1, 1 }, 5, 0, 0, 0, "" },
	/* one outlier among seven */
	{ "sleep", "sleep:1ms", "threads", 2, 2, { 1000, 1001, 1002, 1000, 1001, 1000, 2000 },
	  { 1, 1, 1, 1, 1, 1, 1 }, 7, 0, 0, 0, "" },
	/* two outliers */
	{ "mixed", "cpu:10+sleep:1ms", "procs", 1, 4,
	  { 500, 501, 502, 500, 501, 500, 100, 2000 }, { 2, 2, 2, 2, 2, 2, 2, 2 }, 8, 0, 0, 0,
	  "" },
	/* few, short and noisy runs */
	{ "cpu", "cpu:100", "async-threads", 2, 2, { 300, 310, 305 }, { 0.05, 0.2, 0.3 }, 3, 0,
	  0, 2, "" },
	/* one run: no cv */
	{ "web", "net:1ms/4KiB+cpu:200+(sleep:1ms|net:2ms)+cpu:50", "async", 1, 64, { 4000 },
	  { 1.5 }, 1, 0, 0, 0, "" },
	/* every flag: the status cell is cut */
	{ "sleep", "sleep:1ms", "sync", 1, 1, { 100, 101, 102, 5000 }, { 0.01, 1, 1, 1 }, 4, 0,
	  0, 12, "" },
	/* 5 runs, one noisy */
	{ "file", "file:4KiB", "threads", 1, 1, { 700, 701, 702, 700, 701 },
	  { 1, 1, 1, 1, 1 }, 5, 0, 0, 1, "" },
	/* a failure: its count and status */
	{ "sleep", "sleep:100s", "procs", 1, 1, { 10, 11 }, { 1, 1 }, 2, 1, 0, 0, "timeout" },
	/* nothing but failures */
	{ "cpu", "cpu:100", "procs", 2, 2, { 0 }, { 0 }, 0, 3, 0, 0, "failed" },
	/* unsupported */
	{ "file", "file:4KiB", "async", 1, 1, { 0 }, { 0 }, 0, 0, 1, 0, "" },
};

#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

static const char expected[] =
	"\n"
	"workload   recipe                           mode          backend    k     C   reps      tasks/s        p50        p99   cpu%  status\n"
	"cpu        cpu:100                          sync          epoll      1     1      5         1000     120 us    1.20 ms   52.0  ok\n"
	"sleep      sleep:1ms                        async         epoll      2    16      5         1000     121 us    1.21 ms   52.0  ok cv 16%\n"
	"sleep      sleep:1ms                        threads       epoll      2     2      7         1001     132 us    1.31 ms   53.0  ok cv 33% 1 outlier\n"
	"mixed      cpu:10+sleep:1ms                 procs         epoll      1     4      8        500.5     138 us    1.37 ms   53.5  ok cv 89% 2 outliers\n"
	"cpu        cpu:100                          async-threads epoll      2     2      3          305     114 us    1.13 ms   51.0  ok few reps short runs noisy(2)\n"
	"web        net:1ms/4KiB+cpu:200+...         async         epoll      1    64      1         4000     105 us    1.03 ms   50.0  ok few reps\n"
	"sleep      sleep:1ms                        sync          epoll      1     1      4        101.5     121 us    1.19 ms   51.5  ok cv 185% 1 outlier few reps short runs noisy(\n"
	"file       file:4KiB                        threads       epoll      1     1      5          701     127 us    1.25 ms   52.0  ok noisy(1)\n"
	"sleep      sleep:100s                       procs         epoll      1     1      2         10.5     113 us    1.11 ms   50.5  1 timeout\n"
	"cpu        cpu:100                          procs         epoll      2     2      0          nan          -          -    nan  3 failed\n"
	"file       file:4KiB                        async         epoll      1     1      0          nan          -          -    nan  unsupported\n";

static char *print_summary(void)
{
	static struct mb_opts o;
	static struct sw_config cfgs[NFIX];
	static double p50[NFIX][8], p99[NFIX][8], util[NFIX][8];
	struct sw_sweep s = { .o = &o, .cfgs = cfgs, .ncfg = NFIX };
	for (unsigned i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct sw_config *c = &cfgs[i];
		snprintf(o.workloads[i].name, sizeof(o.workloads[i].name), "%s", f->workload);
		snprintf(o.workloads[i].recipe, sizeof(o.workloads[i].recipe), "%s", f->recipe);
		o.workloads[i].io_fraction = -1;
		c->wl = i;
		c->mode = mb_mode_find(f->mode);
		assert_non_null(c->mode);
		c->backend = MB_BACKEND_EPOLL;
		c->k = f->k;
		c->c = f->c;
		for (unsigned r = 0; r < f->nres; r++) {
			p50[i][r] = 100 + 10 * r + i;
			p99[i][r] = 1000 + 100 * r + 7 * i;
			util[i][r] = 0.5 + 0.01 * r;
		}
		c->thr = (double *)f->thr;
		c->wall = (double *)f->wall;
		c->p50 = p50[i];
		c->p99 = p99[i];
		c->util = util[i];
		c->nres = f->nres;
		c->nfail = f->nfail;
		c->nunsup = f->nunsup;
		c->noisy = f->noisy;
		snprintf(c->status, sizeof(c->status), "%s", f->status);
	}
	o.nworkloads = NFIX;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	sw_print_summary(&s, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_summary_text(void **state)
{
	char *text = print_summary();
	assert_string_equal(text, expected);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
