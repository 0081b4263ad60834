/* Tests of `modebench claims`: the quick suite end to end through the built
 * binary (MODEBENCH), its usage errors, and the pieces the verdicts rest
 * on (bootstrap intervals, reading CSVs back, selecting rows). Nothing here
 * asserts a verdict or a timing: those are measurements of the machine. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "claims_int.h"
#include "python.h"
#include "testutil.h"

/* cmocka before 1.1.6 has no assert_double_equal. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

/* ---- helpers ------------------------------------------------------------ */

static const char *binary(void)
{
	const char *b = getenv("MODEBENCH");
	return b && *b ? b : NULL;
}

static bool have_gnuplot(void)
{
	const char *g = getenv("GNUPLOT");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", g && *g ? g : "gnuplot");
	return system(cmd) == 0;
}

/* Runs MODEBENCH with args (NULL-terminated), stdout and stderr into files
 * under dir; returns the exit status, or -1. */
static int run_mb(const char *outfile, const char *errfile, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;
	argv[argc++] = (char *)binary();
	va_start(ap, errfile);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int o = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o >= 0)
			dup2(o, 1);
		if (e >= 0)
			dup2(e, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = 0;
	fclose(f);
	return s;
}

static bool is_png(const char *path)
{
	static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char b[8];
	FILE *f = fopen(path, "rb");
	bool ok = f && fread(b, 1, 8, f) == 8 && !memcmp(b, magic, 8);
	if (f)
		fclose(f);
	return ok;
}

static void rm_rf(const char *dir)
{
	if (mb_test_rm_rf(dir))
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Checks every "](NAME.png)" (markdown) or "src=\"NAME.png\"" (HTML) in
 * [s, end) names a PNG in dir; returns how many. */
static unsigned check_pngs(const char *dir, const char *s, const char *end, const char *open,
			   char close)
{
	unsigned n = 0;
	for (const char *p = strstr(s, open); p && p < end; p = strstr(p + 1, open)) {
		const char *name = p + strlen(open), *q = strchr(name, close);
		assert_non_null(q);
		char file[1200];
		snprintf(file, sizeof(file), "%s/%.*s", dir, (int)(q - name), name);
		if (q - name > 4 && !strncmp(q - 4, ".png", 4)) {
			if (!is_png(file))
				fail_msg("chart %s is missing or not a PNG", file);
			n++;
		}
	}
	return n;
}

/* ---- the quick suite, end to end --------------------------------------------- */

static void test_quick_suite(void **state)
{
	(void)state;
	if (!binary())
		fail_msg("MODEBENCH is not set (ctest sets it to the built binary)");
	if (!have_gnuplot())
		skip();
	char dir[] = "/tmp/mb_claims_XXXXXX", out[1100], err[1100], path[1100];
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/stdout.txt", dir);
	snprintf(err, sizeof(err), "%s/stderr.txt", dir);
	int rc = run_mb(out, err, "claims", "--quick", "-o", dir, (char *)NULL);
	if (rc != 0) {
		char *e = slurp(err);
		fail_msg("claims --quick exited %d: %s", rc, e ? e : "");
	}

	snprintf(path, sizeof(path), "%s/claims.md", dir);
	char *md = slurp(path);
	assert_non_null(md);
	/* Claims 8 to 10 run in CPython, where modebench has it; claim 9, which
	 * compares claims 6 and 8, draws no chart. */
	int last = mb_python_unavailable() ? 7 : 10;
	if (last == 7)
		assert_null(strstr(md, "## Claim 8: "));
	for (int i = 1; i <= last; i++) {
		char head[32];
		snprintf(head, sizeof(head), "## Claim %d: ", i);
		char *sec = strstr(md, head);
		if (!sec)
			fail_msg("claims.md has no section '%s'", head);
		char *end = strstr(sec + 1, "\n## ");
		if (!end)
			end = md + strlen(md);
		char save = *end;
		*end = 0;
		if (!strstr(sec, "**Verdict: holds.**") && !strstr(sec, "**Verdict: does not hold.**") &&
		    !strstr(sec, "**Verdict: inconclusive.**"))
			fail_msg("claim %d has no verdict", i);
		if (!strstr(sec, "modebench run "))
			fail_msg("claim %d names no command", i);
		if (!strstr(sec, "95%") && !strstr(sec, "["))
			fail_msg("claim %d gives no interval", i);
		unsigned charts = check_pngs(dir, sec, end, "](", ')');
		if (!charts && i != 9)
			fail_msg("claim %d has no chart", i);
		*end = save;
	}
	/* The timeline section and its two charts. */
	char *tl = strstr(md, "## Timeline");
	assert_non_null(tl);
	assert_int_equal(check_pngs(dir, tl, tl + strlen(tl), "](", ')'), 2);
	free(md);

	snprintf(path, sizeof(path), "%s/claims.html", dir);
	char *html = slurp(path);
	assert_non_null(html);
	for (int i = 1; i <= last; i++) {
		char id[32];
		snprintf(id, sizeof(id), "id=\"claim-%d\"", i);
		assert_non_null(strstr(html, id));
	}
	assert_true(check_pngs(dir, html, html + strlen(html), "src=\"", '"') >= 9);
	assert_non_null(strstr(html, "Verdict: "));
	free(html);

	/* Every experiment left its CSV. */
	static const char *const csvs[] = { "claim1.csv", "claim2.csv",	 "claim3.csv",
					    "claim4.csv", "claim5.csv",	 "claim6_cpu.csv",
					    "claim7.csv", "timeline.csv", "claim8_cpu.csv",
					    "claim10.csv" };
	unsigned ncsv = sizeof(csvs) / sizeof(csvs[0]) - (last == 7 ? 2 : 0);
	for (unsigned i = 0; i < ncsv; i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, csvs[i]);
		if (stat(path, &st) || st.st_size == 0)
			fail_msg("%s missing or empty", path);
	}
	rm_rf(dir);
}

/* ---- usage errors -------------------------------------------------------------- */

static void expect_usage(const char *base, const char *what, const char *a1, const char *a2,
			 const char *a3)
{
	char out[1100], err[1100], target[1100];
	snprintf(out, sizeof(out), "%s/out.txt", base);
	snprintf(err, sizeof(err), "%s/err.txt", base);
	snprintf(target, sizeof(target), "%s/report", base);
	int rc = run_mb(out, err, "claims", a1, a2, a3, (char *)NULL);
	assert_int_equal(rc, 2);
	char *e = slurp(err);
	assert_non_null(e);
	/* one line, naming the option */
	char *nl = strchr(e, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], 0);
	if (!strstr(e, what))
		fail_msg("error '%s' does not name '%s'", e, what);
	free(e);
	struct stat st;
	assert_int_not_equal(stat(target, &st), 0); /* nothing written */
}

static void test_bad_options(void **state)
{
	(void)state;
	if (!binary())
		fail_msg("MODEBENCH is not set (ctest sets it to the built binary)");
	char base[] = "/tmp/mb_claims_bad_XXXXXX", target[1100];
	assert_non_null(mkdtemp(base));
	snprintf(target, sizeof(target), "%s/report", base);
	expect_usage(base, "--bogus", "--bogus", "-o", target);
	expect_usage(base, "--quick", "--quick=yes", "-o", target);
	expect_usage(base, "extra", "-o", target, "extra");
	expect_usage(base, "-o", "--quick", "-o", NULL);
	rm_rf(base);
}

/* ---- statistics ------------------------------------------------------------------ */

static void test_ci_ratio(void **state)
{
	(void)state;
	double a[] = { 10, 12, 11, 13, 9 }, b[] = { 5, 5.5, 4.5, 5, 6 };
	struct cl_ci c, d;
	cl_ci_ratio(a, 5, b, 5, &c);
	assert_int_equal(c.n, 5);
	assert_near(c.est, 11.0 / 5.0, 1e-12); /* ratio of the medians */
	assert_true(c.lo <= c.est && c.est <= c.hi);
	assert_true(c.lo >= 9.0 / 6.0 && c.hi <= 13.0 / 4.5); /* within what the data allow */
	cl_ci_ratio(a, 5, b, 5, &d); /* fixed seed: reproducible */
	assert_near(c.lo, d.lo, 0);
	assert_near(c.hi, d.hi, 0);

	double same[] = { 2, 2, 2 }, one[] = { 1, 1, 1 };
	cl_ci_ratio(same, 3, one, 3, &c);
	assert_near(c.est, 2, 0);
	assert_near(c.lo, 2, 0);
	assert_near(c.hi, 2, 0);

	cl_ci_ratio(a, 0, b, 5, &c);
	assert_int_equal(c.n, 0);
	assert_true(isnan(c.est));
	cl_ci_ratio(a, CL_MIN_RUNS - 1, b, 5, &c); /* too few runs: no interval */
	assert_int_equal(c.n, 0);
}

static void test_ci_median(void **state)
{
	(void)state;
	double v[] = { 5, 1, 4, 2, 3 }, even[] = { 4, 1, 3, 2 };
	struct cl_ci c;
	cl_ci_median(v, 5, &c);
	assert_near(c.est, 3, 0);
	assert_true(c.lo >= 1 && c.lo <= 3 && c.hi >= 3 && c.hi <= 5);
	assert_near(cl_median(even, 4), 2.5, 0);
	double nan_in[] = { NAN, 7, 9 };
	assert_near(cl_median(nan_in, 3), 8, 0);
}

static void test_fmt(void **state)
{
	(void)state;
	char b[64];
	struct cl_ci c = { .est = 2.154, .lo = 2.01, .hi = 2.3, .n = 5 };
	assert_string_equal(cl_fmt(b, sizeof(b), 13357.4), "13357");
	assert_string_equal(cl_fmt(b, sizeof(b), 21.74), "21.7");
	assert_string_equal(cl_fmt(b, sizeof(b), 0.6561), "0.656");
	assert_string_equal(cl_fmt_ci(b, sizeof(b), &c, 1, "x"), "2.15x [2.01, 2.30]");
	c.n = 0;
	assert_string_equal(cl_fmt_ci(b, sizeof(b), &c, 1, "x"), "n/a");

	/* beside a threshold a bound never looks like it meets it */
	assert_string_equal(cl_fmt(b, sizeof(b), 1.2452), "1.25");
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 1.2452, CL_THR(1.25)), "1.245");
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 1.25, CL_THR(1.25)), "1.25");
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 1.2549, CL_THR(1.25)), "1.255"); /* above: says so */
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 0.99996, CL_THR(1)), "0.99996");
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 1.00004, CL_THR(1)), "1.00004");
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 4.996, CL_THR(5)), "4.996");
	assert_string_equal(cl_fmt_vs(b, sizeof(b), 249.7, CL_THR(250)), "249.7");
	struct cl_ci s = { .est = 1.3, .lo = 1.2452, .hi = 1.36, .n = 5 };
	assert_string_equal(cl_fmt_ci_vs(b, sizeof(b), &s, 1, "x", CL_THR(1.25)),
			    "1.30x [1.245, 1.36]");
	struct cl_ci share = { .est = 0.93, .lo = 0.89996, .hi = 0.95, .n = 3 };
	assert_string_equal(cl_fmt_ci_vs(b, sizeof(b), &share, 100, "%", CL_THR(0.9)),
			    "93.0% [89.996, 95.0]");
	/* resamples where the statistic was undefined are said */
	s.n_undef = 12;
	s.nboot = 2000;
	assert_string_equal(cl_fmt_ci(b, sizeof(b), &s, 1, "x"),
			    "1.30x [1.25, 1.36] (12 of 2000 resamples undefined)");
}

/* A fresh stream per interval, from its statistic and its runs; the
 * undefined resamples counted. */
static void test_boot_streams(void **state)
{
	(void)state;
	double a[] = { 10, 12, 11, 13, 9 }, b[] = { 5, 5.5, 4.5, 5, 6 }, b2[] = { 5, 5.5, 4.5, 5, 7 };
	struct cl_sample s1[2] = { { a, 5, 1 }, { b, 5, 1 } }, s2[2] = { { a, 5, 1 }, { b2, 5, 1 } };
	assert_true(cl_boot_seed("ratio", s1, 2) == cl_boot_seed("ratio", s1, 2));
	assert_true(cl_boot_seed("ratio", s1, 2) != cl_boot_seed("ratio", s2, 2));
	assert_true(cl_boot_seed("ratio", s1, 2) != cl_boot_seed("median", s1, 2));
	assert_true(cl_boot_seed("ratio", s1, 1) != cl_boot_seed("ratio", s1, 2));

	/* half the baseline's runs are 0: resamples with a zero median are
	 * undefined, counted, and said beside the interval */
	double z[] = { 0, 0, 0, 1, 1, 1 };
	struct cl_ci c;
	char buf[128];
	cl_ci_ratio(a, 5, z, 6, &c);
	assert_int_equal(c.nboot, CL_BOOT);
	assert_true(c.n_undef > 0 && c.n_undef < CL_BOOT);
	assert_non_null(strstr(cl_fmt_ci(buf, sizeof(buf), &c, 1, "x"), " resamples undefined)"));
	cl_ci_ratio(a, 5, b, 5, &c);
	assert_int_equal(c.n_undef, 0);
}

/* Latencies within one histogram bucket (1/128) are not told apart. */
static void test_same_bucket(void **state)
{
	(void)state;
	assert_true(cl_same_bucket(1000, 1007));
	assert_true(cl_same_bucket(1007, 1000));
	assert_false(cl_same_bucket(1000, 1009));
	assert_true(cl_same_bucket(5000, 5000));
}

/* ---- reading CSVs back ------------------------------------------------------------- */

static void test_table_select(void **state)
{
	(void)state;
	char path[] = "/tmp/mb_claims_csv_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *csv =
		"run_id,warmup,status,mode,recipe,concurrency,gil_us,outside_load,wall_s,throughput\n"
		"a,1,ok,sync,cpu:1,1,0,0,1,999\n"
		"b,0,ok,sync,cpu:1,1,0,0.01,1,100\n"
		"c,0,failed,sync,cpu:1,1,0,0,1,\n"
		"run_id,warmup,status,mode,recipe,concurrency,gil_us,outside_load,wall_s,throughput\n"
		"d,0,ok,async,\"(sleep:3ms|sleep:5ms)+cpu:200us\",4,0,0.9,0.05,300\n"
		"e,0,ok,async,cpu:1,16,0,0.5,1,400\n"
		"f,0,ok,threads,cpu:1,2,5000,,1,50\n"
		"g,0,ok,threads,\"a,b\",2,0\n";
	assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);

	struct cl_table t;
	char err[256];
	assert_int_equal(cl_table_load(&t, path, err, sizeof(err)), 0);
	assert_int_equal(t.nrow, 7); /* the repeated header is skipped */
	assert_string_equal(cl_str(&t, 3, "recipe"), "(sleep:3ms|sleep:5ms)+cpu:200us");
	assert_string_equal(cl_str(&t, 6, "recipe"), "a,b");
	assert_string_equal(cl_str(&t, 6, "throughput"), ""); /* short record */
	assert_true(isnan(cl_num(&t, 6, "throughput")));
	assert_true(isnan(cl_num(&t, 0, "no_such_column")));

	double v[8];
	unsigned rows[8];
	assert_int_equal(cl_get(&t, CL_SEL(.mode = "sync"), "throughput", v), 1);
	assert_near(v[0], 100, 0); /* not the warmup, not the failed run */
	/* e ran while other processes took half its cores: with fewer than
	 * CL_MIN_RUNS undisturbed runs it is taken anyway, and the table says so. */
	bool taint = false;
	t.taint = &taint;
	assert_int_equal(cl_select(&t, CL_SEL(.mode = "async", .conc = 16), rows, 8), 1);
	assert_string_equal(cl_str(&t, rows[0], "run_id"), "e");
	assert_true(taint);
	taint = false;
	assert_int_equal(cl_select(&t, CL_SEL(.mode = "async", .conc = 16, .any_load = true),
				   rows, 8), 1);
	assert_false(taint); /* any_load: on purpose, no taint */
	assert_int_equal(cl_select(&t, CL_SEL(.mode = "async", .conc = 4), rows, 8), 1);
	assert_false(taint); /* d ran too short (50 ms) to tell */
	assert_int_equal(cl_select(&t, CL_SEL(.recipe = "cpu:1"), rows, 8), 3); /* b, e, f */
	assert_true(taint);
	assert_int_equal(cl_get(&t, CL_SEL(.mode = "threads", .gil_us = "5000"), "throughput", v),
			 1);
	assert_near(v[0], 50, 0);
	assert_int_equal(cl_not_ok(&t), 1);
	cl_table_free(&t);
	unlink(path);

	assert_int_not_equal(cl_table_load(&t, "/nonexistent/x.csv", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ci_ratio),     cmocka_unit_test(test_ci_median),
		cmocka_unit_test(test_fmt),	     cmocka_unit_test(test_table_select),
		cmocka_unit_test(test_boot_streams), cmocka_unit_test(test_same_bucket),
		cmocka_unit_test(test_bad_options),  cmocka_unit_test(test_quick_suite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
