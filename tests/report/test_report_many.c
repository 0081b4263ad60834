/* The report on many configurations (issue 12): a generated sweep of 2
 * hosts x 2 workloads x 6 modes x 12 core counts x 12 concurrencies
 * (3,456 configurations, 3 runs each) whose every pick, scheme, speedup
 * and host comparison follows from how it was made, checked group by
 * group. The report used to take minutes on such an input (the picks
 * were cubic in the configurations of a panel); here it is the answers
 * that are checked, not the time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "report.h"
#include "rtest.h"

#define K 12 /* core counts 1..K */
#define J 12 /* concurrencies k x 1..J */

static const char *const hosts[] = {"hostA", "hostB"};
static const char *const workloads[] = {"cpu", "sleep"};

/* The model: median throughput of (host, mode index, k, j). */
static double model(int h, int m, int k, int j)
{
	return 1000.0 * (m + 1) * k * (1 + j / 100.0) * (h ? 1.5 : 1);
}

static void write_sweep(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int c = 0; c < MB_NCOLUMNS; c++)
		fprintf(f, "%s%s", c ? "," : "", mb_column_names[c]);
	fputc('\n', f);
	long seq = 0;
	for (int h = 0; h < 2; h++)
		for (int w = 0; w < 2; w++)
			for (int m = 0; m < MB_NMODE_NAMES; m++)
				for (int k = 1; k <= K; k++)
					for (int j = 1; j <= J; j++)
						for (int r = 0; r < 3; r++) {
							double tp = model(h, m, k, j) * (r == 0 ? 0.98 : r == 1 ? 1 : 1.02);
							char row[MB_NCOLUMNS][64] = {{0}};
							snprintf(row[MB_COL_schema], 64, "1");
							snprintf(row[MB_COL_run_id], 64, "g-%ld", seq++);
							snprintf(row[MB_COL_rep], 64, "%d", r + 1);
							snprintf(row[MB_COL_warmup], 64, "0");
							snprintf(row[MB_COL_host], 64, "%s", hosts[h]);
							snprintf(row[MB_COL_workload], 64, "%s", workloads[w]);
							snprintf(row[MB_COL_recipe], 64, "%s:1", workloads[w]);
							snprintf(row[MB_COL_mode], 64, "%s", mb_mode_names[m]);
							snprintf(row[MB_COL_backend], 64, "epoll");
							snprintf(row[MB_COL_policy], 64, "compact");
							snprintf(row[MB_COL_cores], 64, "%d", k);
							snprintf(row[MB_COL_concurrency], 64, "%d", k * j);
							snprintf(row[MB_COL_status], 64, "ok");
							snprintf(row[MB_COL_throughput], 64, "%.17g", tp);
							snprintf(row[MB_COL_lat_p50_us], 64, "%.17g", 1e6 * k * j / tp);
							snprintf(row[MB_COL_cpu_util], 64, "0.5");
							for (int c = 0; c < MB_NCOLUMNS; c++)
								fprintf(f, "%s%s", c ? "," : "", row[c]);
							fputc('\n', f);
						}
	assert_int_equal(fclose(f), 0);
}

static void assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * (fabs(want) + 1))) {
		print_error("got %.12g, want %.12g\n", got, want);
		fail();
	}
}

/* Every group against the model. */
static void check_group(const struct mb_report_group *g)
{
	int h = !strcmp(g->host, "hostB"), m = mb_mode_name_index(g->mode);
	int k = (int)g->cores, j = (int)(g->concurrency / g->cores);
	assert_true(m >= 0);
	assert_int_equal(g->tp.n, 3);
	assert_near(g->tp.median, model(h, m, k, j));
	/* concurrency = cores covers all K core counts, a fixed one fewer */
	assert_true(isnan(g->scale_conc));
	assert_near(g->conc_cores, K); /* J concurrencies everywhere: most cores */
	assert_int_equal(g->pick_cores, j == 1);
	assert_int_equal(g->pick_conc, k == K);
	assert_int_equal(g->pick_cpu, k == K && j == J);
	assert_int_equal(g->pick_host, k == K && j == J);
	assert_int_equal(g->conc_sweep, 1);
	assert_int_equal(g->iof_sweep, 0);
	assert_int_equal(g->n_hosts, 2);
	assert_string_equal(g->ref_host, "hostA");
	/* against sync at 1 core, concurrency 1 (the first of the ties) */
	assert_near(g->speedup, model(h, m, k, j) / model(h, 0, 1, 1));
	assert_near(g->norm_host, model(h, m, k, j) / model(0, m, K, J));
	assert_near(g->norm_best, model(h, m, k, j) / model(h, MB_NMODE_NAMES - 1, K, J));
	assert_int_equal(g->fit_points, K);
	char want[64];
	snprintf(want, sizeof(want), "%s_%s", g->host, g->workload);
	assert_string_equal(g->panel, want);
	assert_string_equal(g->hpanel, g->workload);
}

static void test_many_configurations(void **state)
{
	char path[128];
	struct mb_report_input in = {0};
	struct mb_report_summary s;
	struct mb_report_charts c;
	struct mb_report_verdict *v;
	size_t nv;
	char err[512];

	write_sweep(rt_path(path, sizeof(path), "many.csv"));
	assert_int_equal(mb_report_read(&in, path, err, sizeof(err)), 0);
	assert_int_equal(in.nrows, 2 * 2 * MB_NMODE_NAMES * K * J * 3);
	assert_int_equal(mb_report_aggregate(&in, &s), 0);
	assert_int_equal(s.ngroups, 2 * 2 * MB_NMODE_NAMES * K * J);
	for (size_t i = 0; i < s.ngroups; i++)
		check_group(&s.groups[i]);
	/* every panel has its scaling and latency-vs-concurrency charts;
	 * each workload its hosts chart */
	assert_int_equal(mb_report_plan_charts(&s, &c), 0);
	int scaling = 0, conc = 0, hostc = 0;
	for (size_t i = 0; i < c.n; i++) {
		scaling += !strcmp(c.v[i].script, "scaling");
		conc += !strcmp(c.v[i].script, "latency_conc");
		hostc += !strcmp(c.v[i].script, "hosts");
	}
	assert_int_equal(scaling, 4);
	assert_int_equal(conc, 4);
	assert_int_equal(hostc, 2);
	assert_int_equal(mb_report_verdicts(&s, &v, &nv), 0);
	assert_int_equal(nv, 4);
	mb_report_verdicts_free(v, nv);
	mb_report_charts_free(&c);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_configurations, rt_setup,
						rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
