/* summary.json (modebench report --format json): read back with jansson,
 * it has one summary entry per summary.csv row with every column, equal
 * numbers (null where summary.csv is empty) and equal text; the machines,
 * verdicts and failed runs; every summary key is documented in
 * docs/summary.schema.json; text that is not UTF-8 still gives valid
 * JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>

#include "rtest.h"

static json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j)
		print_error("%s:%d: %s\n", path, e.line, e.text);
	assert_non_null(j);
	return j;
}

/* One summary.csv field against its JSON value. */
static void check_field(const char *col, const char *csv, json_t *v)
{
	if (!v)
		print_error("summary.json lacks column %s\n", col);
	assert_non_null(v);
	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), csv))
			print_error("%s: json \"%s\", csv \"%s\"\n", col, json_string_value(v), csv);
		assert_string_equal(json_string_value(v), csv);
	} else if (json_is_null(v)) {
		assert_string_equal(csv, "");
	} else {
		assert_true(json_is_number(v));
		char *end;
		double want = strtod(csv, &end);
		assert_true(*csv && !*end);
		if (json_number_value(v) != want)
			print_error("%s: json %.17g, csv %s\n", col, json_number_value(v), csv);
		assert_true(json_number_value(v) == want);
	}
}

static void test_json_matches_csv(void **state)
{
	char dir[128], path[256];
	rt_path(dir, sizeof(dir), "out");
	assert_int_equal(rt_sh("%s report --no-charts --format csv,json -o '%s' " FIX
			       "report_runs.csv >/dev/null", rt_modebench(), dir), 0);
	snprintf(path, sizeof(path), "%s/summary.md", dir);
	assert_false(rt_exists(path)); /* --format: only what was asked */

	struct mb_test_table t;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	mb_test_read_csv(path, &t);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_t *j = load_json(path);
	assert_string_equal(json_string_value(json_object_get(j, "format")), "modebench-summary");
	assert_int_equal(json_integer_value(json_object_get(j, "format_version")), 1);
	json_t *rows = json_object_get(j, "summary");
	assert_true(json_is_array(rows));
	assert_int_equal(json_array_size(rows), t.nrows);
	assert_int_equal(json_integer_value(json_object_get(j, "configurations")), t.nrows);
	for (unsigned r = 0; r < t.nrows; r++) {
		json_t *row = json_array_get(rows, r);
		assert_int_equal(json_object_size(row), t.ncols);
		for (unsigned c = 0; c < t.ncols; c++)
			check_field(t.hdr[c], t.rows[r][c], json_object_get(row, t.hdr[c]));
	}
	/* the machines, the verdicts, the three runs that failed */
	json_t *hosts = json_object_get(j, "hosts");
	assert_int_equal(json_array_size(hosts), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(hosts, 1), "cpu_model")),
			    "AMD EPYC 7302P 16-Core Processor");
	json_t *v = json_object_get(j, "verdicts");
	assert_true(json_array_size(v) >= 4);
	assert_true(json_array_size(json_object_get(json_array_get(v, 0), "lines")) >= 1);
	json_t *failed = json_object_get(j, "failed_runs");
	assert_int_equal(json_array_size(failed), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(failed, 0), "error")),
			    "worker 7 exited with status 1: cannot allocate memory");
	json_t *runs = json_object_get(j, "runs");
	assert_int_equal(json_integer_value(json_object_get(runs, "not_ok")), 3);

	/* every summary key is documented, every documented one present */
	json_t *schema = load_json(MB_SOURCE_DIR "/docs/summary.schema.json");
	json_t *props = json_object_get(schema, "properties");
	props = json_object_get(json_object_get(json_object_get(props, "summary"), "items"),
				"properties");
	assert_non_null(props);
	const char *key;
	json_t *val;
	json_object_foreach(json_array_get(rows, 0), key, val) {
		if (!json_object_get(props, key))
			print_error("summary.json key %s is not in docs/summary.schema.json\n", key);
		assert_non_null(json_object_get(props, key));
	}
	json_object_foreach(props, key, val)
		assert_non_null(json_object_get(json_array_get(rows, 0), key));
	json_decref(schema);
	json_decref(j);
	mb_test_free_table(&t);
}

/* A host name in Latin-1 (not UTF-8): the JSON is still valid, the bad
 * byte a U+FFFD. */
static void test_json_not_utf8(void **state)
{
	char in[128], dir[128], path[256];
	FILE *src = fopen(FIX "known.csv", "r"), *dst = fopen(rt_path(in, sizeof(in), "in.csv"), "w");
	char line[2048];
	assert_non_null(src);
	assert_non_null(dst);
	while (fgets(line, sizeof(line), src)) {
		char *h = strstr(line, ",hostK,");
		if (h)
			fprintf(dst, "%.*s,caf\xe9,%s", (int)(h - line), line, h + 7);
		else
			fputs(line, dst);
	}
	fclose(src);
	assert_int_equal(fclose(dst), 0);
	rt_path(dir, sizeof(dir), "out");
	assert_int_equal(rt_sh("%s report --format json -o '%s' '%s' >/dev/null", rt_modebench(),
			       dir, in), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_t *j = load_json(path);
	json_t *row = json_array_get(json_object_get(j, "summary"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "host")), "caf\xef\xbf\xbd");
	json_decref(j);
	/* json alone: no page, so no chart either */
	snprintf(path, sizeof(path), "%s/index.html", dir);
	assert_false(rt_exists(path));
	snprintf(path, sizeof(path), "%s/scaling_caf-_cpu.png", dir);
	assert_false(rt_exists(path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_matches_csv, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_json_not_utf8, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
