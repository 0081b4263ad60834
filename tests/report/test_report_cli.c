/* The report's command line: a sweep's meta file or a --trace file among
 * the inputs is skipped with one note each (so a report of every CSV in
 * results/reference works), -q keeps stderr and stdout empty, --help
 * explains every option (the claims' too), and a bad --format is one
 * line, exit 2, nothing written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rtest.h"

#define REF MB_SOURCE_DIR "/results/reference/"

static int count_lines(const char *s, const char *prefix)
{
	int n = 0;
	for (const char *p = s; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

static void test_meta_and_trace_skipped(void **state)
{
	char dir[128], alone[128], path[256], other[256];
	rt_path(dir, sizeof(dir), "out");
	rt_path(alone, sizeof(alone), "alone");
	assert_int_equal(rt_sh("%s report --no-charts -o '%s' " REF "vm-2core.meta.csv " FIX
			       "known.csv " REF "gil-trace-vm-2core.csv >/dev/null",
			       rt_modebench(), dir), 0);
	char *e = rt_err();
	assert_non_null(strstr(e, "note: " REF "vm-2core.meta.csv: a sweep's meta file "
				  "(the machine it ran on), not runs: skipped\n"));
	assert_non_null(strstr(e, "note: " REF "gil-trace-vm-2core.csv: a trace file "
				  "(--trace), not runs: skipped\n"));
	assert_int_equal(count_lines(e, "note: " REF), 2);
	free(e);
	/* the same report as from known.csv alone */
	assert_int_equal(rt_sh("%s report --no-charts -o '%s' " FIX "known.csv >/dev/null",
			       rt_modebench(), alone), 0);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	snprintf(other, sizeof(other), "%s/summary.csv", alone);
	char *a = rt_slurp(path, NULL), *b = rt_slurp(other, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* the README's comparison: every CSV of the reference folder */
	assert_int_equal(rt_sh("%s report --no-charts -o '%s/ref' " REF "*.csv >/dev/null",
			       rt_modebench(), rt_dir), 0);
}

static void test_quiet(void **state)
{
	char dir[128], out[256];
	size_t n = 1;
	rt_path(dir, sizeof(dir), "out");
	rt_path(out, sizeof(out), "stdout");
	assert_int_equal(rt_sh("%s report -q --no-charts -o '%s' " REF "vm-2core.meta.csv "
			       FIX "known.csv >'%s'", rt_modebench(), dir, out), 0);
	char *e = rt_err();
	assert_string_equal(e, "");
	free(e);
	free(rt_slurp(out, &n));
	assert_int_equal(n, 0);
	/* errors still */
	assert_int_equal(rt_sh("%s report -q -o '%s/x' " FIX "malformed-number.csv >'%s'",
			       rt_modebench(), rt_dir, out), 2);
	e = rt_err();
	assert_non_null(strstr(e, "malformed number"));
	free(e);
}

static void test_help(void **state)
{
	char out[256];
	rt_path(out, sizeof(out), "stdout");
	assert_int_equal(rt_sh("%s report --help >'%s'", rt_modebench(), out), 0);
	char *h = rt_slurp(out, NULL);
	assert_non_null(h);
	static const char *const want[] = {
		"-o, --output DIR", "--format LIST", "csv", "md", "html", "json",
		"--no-charts", "--scripts DIR", "-j, --jobs N", "-q, --quiet", "-h, --help",
		"meta file", "Exit status",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(h, want[i]))
			print_error("report --help lacks \"%s\"\n", want[i]);
		assert_non_null(strstr(h, want[i]));
	}
	free(h);
	assert_int_equal(rt_sh("%s claims --help >'%s'", rt_modebench(), out), 0);
	h = rt_slurp(out, NULL);
	assert_non_null(h);
	assert_non_null(strstr(h, "-o, --output DIR"));
	assert_non_null(strstr(h, "--quick"));
	assert_non_null(strstr(h, "-q, --quiet"));
	free(h);
}

static void test_format_errors(void **state)
{
	static const char *const bad[] = {"xml", "csv,", "", "csv,,md", "CSV"};
	char dir[128];
	rt_path(dir, sizeof(dir), "out");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rt_sh("%s report --format '%s' -o '%s' " FIX "known.csv >/dev/null",
				       rt_modebench(), bad[i], dir), 2);
		char *e = rt_err(), want[128];
		snprintf(want, sizeof(want),
			 "modebench report: --format: '%s' is not a comma list of csv, md, html, json\n",
			 bad[i]);
		assert_string_equal(e, want);
		free(e);
		assert_false(rt_exists(dir));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_meta_and_trace_skipped, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_quiet, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_help, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_format_errors, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
