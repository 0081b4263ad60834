/* modebench report and the runtime column (run --runtime c,python): C and
 * Python runs of the same configuration are two groups, each measured
 * against its own runtime's sync, in panels (and chart files) of their
 * own and verdicts of their own; summary.csv says which is which; a file
 * from before the column reads as C. The input is written here, every
 * column of the schema. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "rtest.h"

/* One run row of every schema column; runtime NULL leaves the column
 * out of the file (an older CSV). */
static void put_row(FILE *f, const char *runtime, const char *mode, int cores, int rep,
		    double tp)
{
	for (int c = 0; c < MB_NCOLUMNS; c++) {
		const char *v = "";
		char num[64];
		switch (c) {
		case MB_COL_schema: v = "1"; break;
		case MB_COL_run_id: v = "x-0001"; break;
		case MB_COL_warmup: v = "0"; break;
		case MB_COL_host: v = "hostR"; break;
		case MB_COL_workload: v = "cpu"; break;
		case MB_COL_recipe: v = "cpu:200"; break;
		case MB_COL_mode: v = mode; break;
		case MB_COL_backend: v = "none"; break;
		case MB_COL_policy: v = "compact"; break;
		case MB_COL_status: v = "ok"; break;
		case MB_COL_arrivals: v = "closed"; break;
		case MB_COL_placement_ok: v = "1"; break;
		case MB_COL_runtime: v = runtime ? runtime : ""; break;
		case MB_COL_rep:
			snprintf(num, sizeof(num), "%d", rep);
			v = num;
			break;
		case MB_COL_cores:
		case MB_COL_concurrency:
		case MB_COL_workers:
			snprintf(num, sizeof(num), "%d", cores);
			v = num;
			break;
		case MB_COL_throughput:
			snprintf(num, sizeof(num), "%g", tp);
			v = num;
			break;
		default:
			if (mb_report_column_numeric(c))
				v = c == MB_COL_gil_us || c == MB_COL_rate ? "0" : "1";
		}
		if (c == MB_COL_runtime && !runtime)
			continue; /* an older file: no runtime column */
		fprintf(f, "%s%s", c ? "," : "", v);
	}
	fputc('\n', f);
}

static void write_input(const char *path, bool with_runtime)
{
	static const struct {
		const char *rt, *mode;
		int cores;
		double tp[5];
	} cfg[] = {
		{ "c", "sync", 1, { 100, 110, 90, 105, 95 } },
		{ "c", "threads", 2, { 200, 190, 210, 205, 195 } },
		{ "python", "sync", 1, { 20, 22, 18, 21, 19 } },
		{ "python", "threads", 2, { 20, 21, 19, 20, 20 } },
	};
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int c = 0; c < MB_NCOLUMNS; c++)
		if (c != MB_COL_runtime || with_runtime)
			fprintf(f, "%s%s", c ? "," : "", mb_column_names[c]);
	fputc('\n', f);
	for (unsigned i = 0; i < (with_runtime ? 4u : 2u); i++)
		for (int r = 0; r < 5; r++)
			put_row(f, with_runtime ? cfg[i].rt : NULL, cfg[i].mode, cfg[i].cores, r,
				cfg[i].tp[r]);
	assert_int_equal(fclose(f), 0);
}

static const struct mb_report_group *find(const struct mb_report_summary *s, const char *rt,
					  const char *mode)
{
	for (size_t i = 0; i < s->ngroups; i++)
		if (!strcmp(s->groups[i].runtime, rt) && !strcmp(s->groups[i].mode, mode))
			return &s->groups[i];
	fail_msg("no %s %s group", rt, mode);
	return NULL;
}

static void test_runtime_is_a_key(void **state)
{
	char path[128], err[512];
	struct mb_report_input in = { 0 };
	struct mb_report_summary s;
	struct mb_report_verdict *v;
	size_t nv;
	write_input(rt_path(path, sizeof(path), "runs.csv"), true);
	assert_int_equal(mb_report_read(&in, path, err, sizeof(err)), 0);
	assert_int_equal(mb_report_aggregate(&in, &s), 0);
	assert_int_equal(s.ngroups, 4);
	const struct mb_report_group *ct = find(&s, "c", "threads");
	const struct mb_report_group *pt = find(&s, "python", "threads");
	const struct mb_report_group *ps = find(&s, "python", "sync");
	/* each against its own runtime's sync: 200/100 and 20/20 */
	assert_true(fabs(ct->speedup - 2.0) < 1e-9);
	assert_true(fabs(pt->speedup - 1.0) < 1e-9);
	assert_true(fabs(ps->speedup - 1.0) < 1e-9);
	/* panels of their own; Python's say so */
	assert_string_not_equal(ct->panel, pt->panel);
	assert_string_not_equal(ct->iopanel, pt->iopanel);
	assert_string_not_equal(ct->lpanel, pt->lpanel);
	/* the hosts comparison (hpanel) and the NUMA chart (mpanel) too */
	assert_string_not_equal(ct->hpanel, pt->hpanel);
	assert_string_not_equal(ct->mpanel, pt->mpanel);
	assert_non_null(strstr(pt->panel, "_py"));
	assert_null(strstr(ct->panel, "_py"));
	assert_string_equal(pt->panel, ps->panel);
	/* one verdict per runtime */
	assert_int_equal(mb_report_verdicts(&s, &v, &nv), 0);
	assert_int_equal(nv, 2);
	assert_string_not_equal(v[0].first->runtime, v[1].first->runtime);
	mb_report_verdicts_free(v, nv);
	/* summary.csv's runtime column */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(mb_report_write_summary_csv(&s, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, ",runtime,"));
	assert_non_null(strstr(buf, ",\"python\","));
	assert_non_null(strstr(buf, ",\"c\","));
	free(buf);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* A file without the column: every run is C's. */
static void test_older_file_is_c(void **state)
{
	char path[128], err[512];
	struct mb_report_input in = { 0 };
	struct mb_report_summary s;
	write_input(rt_path(path, sizeof(path), "old.csv"), false);
	assert_int_equal(mb_report_read(&in, path, err, sizeof(err)), 0);
	assert_int_equal(mb_report_aggregate(&in, &s), 0);
	assert_int_equal(s.ngroups, 2);
	for (size_t i = 0; i < s.ngroups; i++)
		assert_string_equal(s.groups[i].runtime, "c");
	assert_true(fabs(find(&s, "c", "threads")->speedup - 2.0) < 1e-9);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runtime_is_a_key, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_older_file_is_c, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
