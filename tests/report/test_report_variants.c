/* The report on big machines' variants (tests/fixtures/report/big.csv,
 * made by gen_big_fixture.py, whose header says what every value is):
 * --mem-policy and --smt are configuration keys that no curve mixes, an
 * --smt configuration gets its SMT yield against the same cores without
 * it, the verdict says what SMT added, and the NUMA chart draws the
 * policies side by side where the machine has two nodes. Every expectation follows from
 * how the fixture was made. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "report.h"
#include "rtest.h"

#define BIG FIX "big.csv"

static void load(const char *path, struct mb_report_input *in, struct mb_report_summary *s)
{
	char err[512];
	memset(in, 0, sizeof(*in));
	int r = mb_report_read(in, path, err, sizeof(err));
	if (r < 0)
		print_error("%s\n", err);
	assert_int_equal(r, 0);
	assert_int_equal(mb_report_aggregate(in, s), 0);
}

/* The group of (host, workload, mode, cores, mem_policy, smt), or NULL. */
static const struct mb_report_group *find(const struct mb_report_summary *s, const char *host,
					  const char *workload, const char *mode, double cores,
					  const char *mem_policy, double smt)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *g = &s->groups[i];
		if (!strcmp(g->host, host) && !strcmp(g->workload, workload) &&
		    !strcmp(g->mode, mode) && g->cores == cores &&
		    !strcmp(g->mem_policy, mem_policy) && g->smt == smt)
			return g;
	}
	return NULL;
}

static void close_to(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * fabs(want)))
		fail_msg("%.12g, expected %.12g", got, want);
}

/* Three policies at each core count are three configurations, in panels
 * of their own; the medians are the fixture's middle runs. */
static void test_mem_policies_apart(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	static const struct {
		const char *pol, *panel;
		double gbps;
	} pols[] = { { "local", "numa2_mem", 10e9 },
		     { "remote", "numa2_mem_mem-remote", 6e9 },
		     { "interleave", "numa2_mem_mem-interleave", 8e9 } };
	load(BIG, &in, &s);
	assert_int_equal(s.ngroups, 25);
	for (size_t i = 0; i < MB_ARRAY_SIZE(pols); i++)
		for (double k = 1; k <= 8; k *= 2) {
			const struct mb_report_group *g =
				find(&s, "numa2", "mem", "threads", k, pols[i].pol, 0);
			assert_non_null(g);
			assert_string_equal(g->panel, pols[i].panel);
			assert_int_equal(g->tp.n, 3);
			close_to(g->bytes_per_s, pols[i].gbps * pow(k, 0.9));
			assert_true(g->pick_cores); /* one per (panel, mode, cores) */
			assert_true(isnan(g->smt_yield));
		}
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* --smt at 2k PUs against k cores without it: 1.25 wherever the compact
 * plan filled both threads of every core; nothing at 1 PU (half a core)
 * and nothing on the runs without --smt. */
static void test_smt_yield(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	load(BIG, &in, &s);
	for (double k = 1; k <= 16; k *= 2) {
		const struct mb_report_group *g = find(&s, "numa2", "cpu", "threads", k, "", 1);
		assert_non_null(g);
		assert_string_equal(g->panel, "numa2_cpu_smt");
		if (k == 1)
			assert_true(isnan(g->smt_yield));
		else
			close_to(g->smt_yield, 1.25);
	}
	for (double k = 1; k <= 8; k *= 2) {
		const struct mb_report_group *g = find(&s, "numa2", "cpu", "threads", k, "", 0);
		assert_non_null(g);
		assert_string_equal(g->panel, "numa2_cpu");
		assert_true(isnan(g->smt_yield));
	}
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* A file from before the columns (no mem_policy, no smt) pools with
 * --mem-policy local and smt 0: the same configuration. */
static void test_default_variant_pools(void **state)
{
	char old[128], line[4096];
	struct mb_report_input in;
	struct mb_report_summary s;
	FILE *src = fopen(BIG, "r"), *dst = fopen(rt_path(old, sizeof(old), "old.csv"), "w");
	assert_true(src && dst);
	while (fgets(line, sizeof(line), src)) {
		char *tail = strstr(line, ",local,0,0\n");
		if (strncmp(line, "1,", 2) == 0 && !strstr(line, ",one,"))
			continue; /* the header and the one-node machine's rows stay */
		if (tail)
			strcpy(tail, ",,,\n");
		fputs(line, dst);
	}
	fclose(src);
	assert_int_equal(fclose(dst), 0);
	char err[512];
	memset(&in, 0, sizeof(in));
	assert_int_equal(mb_report_read(&in, BIG, err, sizeof(err)), 0);
	assert_int_equal(mb_report_read(&in, old, err, sizeof(err)), 0);
	assert_int_equal(mb_report_aggregate(&in, &s), 0);
	assert_int_equal(s.ngroups, 25);
	const struct mb_report_group *g = find(&s, "one", "mem", "threads", 2, "local", 0);
	assert_non_null(g);
	assert_int_equal(g->tp.n, 6);
	assert_string_equal(g->panel, "one_mem");
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* Through the binary: summary.csv has the variants and the yield, and the
 * verdict says what SMT added and names the --smt panel. */
static void test_cli_smt_verdict(void **state)
{
	char dir[128], path[256];
	rt_path(dir, sizeof(dir), "out");
	assert_int_equal(rt_sh("%s report --no-charts -o '%s' '%s' >/dev/null", rt_modebench(), dir,
			       BIG), 0);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	char *sum = rt_slurp(path, NULL);
	assert_non_null(sum);
	assert_non_null(strstr(sum, ",arrivals,runtime,mem_policy,smt,smt_yield,nodes,mpanel,numa_nodes,ci_kind,"));
	assert_non_null(strstr(sum, ",\"closed\",\"c\",\"remote\",0,,1,\"numa2_mem\",2,"));
	assert_non_null(strstr(sum, ",\"closed\",\"c\",\"\",1,1.25,1,\"numa2_cpu_smt\",2,"));
	free(sum);
	snprintf(path, sizeof(path), "%s/summary.md", dir);
	char *md = rt_slurp(path, NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "SMT yield (throughput with every hardware thread of the cores "
				   "busy, over the same cores without --smt): threads 1.25x at 16 "
				   "PUs."));
	assert_non_null(strstr(md, "cpu:200 on SMT siblings (--smt): threads "));
	assert_non_null(strstr(md, " on 16 PUs"));
	assert_non_null(strstr(md, "mem:64MiB with --mem-policy remote: threads "));
	free(md);
}

/* The NUMA chart: one, for the two-node machine's mem runs (its unit
 * holds all three policies); none for the one-node machine. */
static void test_numa_chart_planned(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	struct mb_report_charts c;
	load(BIG, &in, &s);
	assert_int_equal(mb_report_plan_charts(&s, &c), 0);
	size_t n = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (strcmp(c.v[i].script, "numa"))
			continue;
		n++;
		assert_string_equal(c.v[i].file, "numa_numa2_mem");
	}
	assert_int_equal(n, 1);
	for (size_t i = 0; i < c.nnotes; i++)
		assert_null(strstr(c.notes[i], "numa"));
	const struct mb_report_group *l = find(&s, "numa2", "mem", "threads", 4, "local", 0),
				     *r = find(&s, "numa2", "mem", "threads", 4, "remote", 0);
	assert_true(l && r);
	assert_string_equal(l->mpanel, "numa2_mem");
	assert_string_equal(r->mpanel, "numa2_mem");
	assert_int_equal(r->numa_nodes, 2);
	assert_int_equal(find(&s, "one", "mem", "threads", 1, "local", 0)->numa_nodes, 1);
	mb_report_charts_free(&c);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* An input of one-node machines only: no NUMA chart, and a note says
 * why. */
static void test_numa_one_node_note(void **state)
{
	char one[128], dir[128], line[4096];
	FILE *src = fopen(BIG, "r"), *dst = fopen(rt_path(one, sizeof(one), "one.csv"), "w");
	assert_true(src && dst);
	while (fgets(line, sizeof(line), src))
		if (strncmp(line, "1,", 2) || strstr(line, ",one,"))
			fputs(line, dst);
	fclose(src);
	assert_int_equal(fclose(dst), 0);
	rt_path(dir, sizeof(dir), "out");
	assert_int_equal(rt_sh("%s report --no-charts -o '%s' '%s' >/dev/null", rt_modebench(), dir,
			       one), 0);
	char *e = rt_err();
	assert_non_null(strstr(e, "note: no numa chart (Memory bandwidth by --mem-policy vs cores): "
				  "the input has one NUMA node only"));
	free(e);
}

/* Drawn by gnuplot: a PNG and an SVG, and not a word on stderr from
 * scripts/numa.gp. */
static void test_numa_chart_drawn(void **state)
{
	char dir[128], path[256];
	if (!rt_have_gnuplot())
		skip();
	rt_path(dir, sizeof(dir), "out");
	assert_int_equal(rt_sh("%s report -o '%s' '%s' >/dev/null", rt_modebench(), dir, BIG), 0);
	for (int svg = 0; svg < 2; svg++) {
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/numa_numa2_mem.%s", dir, svg ? "svg" : "png");
		char *img = rt_slurp(path, &len);
		assert_non_null(img);
		assert_true(len > 1000);
		free(img);
	}
	char *e = rt_err();
	if (strstr(e, "numa_"))
		fail_msg("stderr: %s", e);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_policies_apart),
		cmocka_unit_test(test_smt_yield),
		cmocka_unit_test_setup_teardown(test_default_variant_pools, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_cli_smt_verdict, rt_setup, rt_teardown),
		cmocka_unit_test(test_numa_chart_planned),
		cmocka_unit_test_setup_teardown(test_numa_one_node_note, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_numa_chart_drawn, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
