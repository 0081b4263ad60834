/* modebench report: aggregation against values worked out by hand, column
 * order, several hosts, the charts' mode list against base's, the
 * command's input errors (exit 2, nothing written) and every chart script
 * rendered by gnuplot (PNG and SVG, no complaint on stderr). Fixtures:
 * tests/fixtures/report/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_int.h"

#define FIX MB_SOURCE_DIR "/tests/fixtures/report/"

static void assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * (fabs(want) + 1))) {
		print_error("got %.12g, want %.12g\n", got, want);
		fail();
	}
}

static void load(const char *name, struct mb_report_input *in,
		 struct mb_report_summary *s)
{
	char err[512];
	memset(in, 0, sizeof(*in));
	int r = mb_report_read(in, name, err, sizeof(err));
	if (r < 0)
		print_error("%s\n", err);
	assert_int_equal(r, 0);
	assert_int_equal(mb_report_aggregate(in, s), 0);
}

/* known.csv: sync at 1 core: 100, 110, 90 tasks/s (+ a warm-up row at 50
 * and a failed row); threads at 2 cores: 190..210; threads at 4 cores:
 * nine runs 300..380. */
static void check_known(const struct mb_report_summary *s)
{
	assert_int_equal(s->ngroups, 3);
	assert_int_equal(s->n_warmup, 1);
	assert_int_equal(s->n_not_ok, 1);
	const struct mb_report_group *sy =
		mb_report_find(s, "hostK", "cpu", "sync", 1, NAN, NAN);
	const struct mb_report_group *t2 =
		mb_report_find(s, "hostK", "cpu", "threads", 2, NAN, NAN);
	const struct mb_report_group *t4 =
		mb_report_find(s, "hostK", "cpu", "threads", 4, NAN, NAN);
	assert_non_null(sy);
	assert_non_null(t2);
	assert_non_null(t4);
	/* n = 3 < 6: the interval is [min, max], which covers the median
	 * 75% of the time, and is called that. */
	assert_int_equal(sy->tp.n, 3);
	assert_near(sy->tp.median, 100);
	assert_near(sy->tp.lo, 90);
	assert_near(sy->tp.hi, 110);
	assert_near(sy->tp.coverage, 0.75);
	assert_string_equal(sy->ci_kind, "range (75%)");
	assert_string_equal(t2->ci_kind, "range (93.75%)");
	assert_string_equal(t4->ci_kind, "order-statistic 95%");
	assert_near(sy->p99.median, 1100);
	assert_int_equal(sy->n_failed, 1);
	assert_near(sy->speedup, 1);
	/* 190 195 200 205 210 against sync's 90 100 110: the interval is a
	 * bootstrap of the ratio of the two medians, so the baseline's spread
	 * widens it past 190/100 .. 210/100 (which ignored it), within what
	 * the runs allow. */
	assert_near(t2->tp.median, 200);
	assert_near(t2->speedup, 2.0);
	assert_true(t2->speedup_lo < 1.9 && t2->speedup_hi > 2.1);
	assert_true(t2->speedup_lo >= 190.0 / 110 && t2->speedup_hi <= 210.0 / 90);
	assert_near(t2->efficiency, 1.0);
	assert_near(t2->efficiency_lo, t2->speedup_lo / 2);
	/* the same configuration in any file order: the same seeded stream */
	static double first_lo = NAN;
	if (isnan(first_lo))
		first_lo = t2->speedup_lo;
	assert_near(t2->speedup_lo, first_lo);
	/* sync against itself: exactly 1 */
	assert_near(sy->speedup_lo, 1);
	assert_near(sy->speedup_hi, 1);
	/* n = 9: P(B <= 1) = 10/512 <= 2.5% < P(B <= 2), so ranks (2, 8):
	 * sorted 300 310 ... 380 gives [310, 370] around 340. */
	size_t j, k;
	assert_int_equal(mb_stat_ci_ranks(9, &j, &k), 0);
	assert_int_equal(j, 2);
	assert_int_equal(k, 8);
	assert_near(t4->tp.median, 340);
	assert_near(t4->tp.lo, 310);
	assert_near(t4->tp.hi, 370);
	assert_near(t4->speedup, 3.4);
	assert_near(t4->efficiency, 0.85);
	assert_true(t4->speedup_lo < 3.1 && t4->speedup_hi > 3.7);
	assert_near(t4->efficiency_lo, t4->speedup_lo / 4);
	assert_near(t4->efficiency_hi, t4->speedup_hi / 4);
}

static void test_known_values(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	load(FIX "known.csv", &in, &s);
	check_known(&s);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* Columns in reverse order plus unknown ones: the same numbers. */
static void test_reordered_columns(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	load(FIX "reordered.csv", &in, &s);
	check_known(&s);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of the ok, non-warm-up throughputs of one configuration, from
 * the raw rows. */
static double raw_median(const struct mb_report_input *in, const char *host,
			 const char *workload, const char *mode, double cores)
{
	double v[64];
	size_t n = 0;
	for (size_t i = 0; i < in->nrows && n < 64; i++) {
		const struct mb_report_row *r = &in->rows[i];
		if (!strcmp(mb_report_text(r, MB_COL_host), host) &&
		    !strcmp(mb_report_text(r, MB_COL_workload), workload) &&
		    !strcmp(mb_report_text(r, MB_COL_mode), mode) &&
		    mb_report_num(r, MB_COL_cores) == cores &&
		    mb_report_num(r, MB_COL_concurrency) == cores &&
		    mb_report_num(r, MB_COL_warmup) == 0 &&
		    !strcmp(mb_report_text(r, MB_COL_status), "ok"))
			v[n++] = mb_report_num(r, MB_COL_throughput);
	}
	assert_true(n >= 3);
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void test_several_hosts(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	load(FIX "report_runs.csv", &in, &s);
	assert_int_equal(s.nhosts, 2);
	assert_string_equal(s.hosts[0], "hostA");
	assert_string_equal(s.hosts[1], "hostB");
	const struct mb_report_group *b16 =
		mb_report_find(&s, "hostB", "cpu", "threads", 16, 16, NAN);
	const struct mb_report_group *b1 =
		mb_report_find(&s, "hostB", "cpu", "sync", 1, 1, NAN);
	const struct mb_report_group *a2 =
		mb_report_find(&s, "hostA", "cpu", "threads", 2, 2, NAN);
	assert_non_null(b16);
	assert_non_null(b1);
	assert_non_null(a2);
	double m16 = raw_median(&in, "hostB", "cpu", "threads", 16);
	double m1 = raw_median(&in, "hostB", "cpu", "sync", 1);
	double ma = raw_median(&in, "hostA", "cpu", "threads", 2);
	assert_near(b16->tp.median, m16);
	assert_near(b16->speedup, m16 / m1);
	assert_near(b16->efficiency, m16 / m1 / 16);
	/* Hosts side by side: hostA (first by name) is the reference; the
	 * best threads run on each host is at its most cores here. */
	assert_int_equal(b16->n_hosts, 2);
	assert_string_equal(b16->ref_host, "hostA");
	assert_int_equal(b16->pick_host, 1);
	assert_near(b16->norm_host, m16 / ma);
	assert_near(a2->norm_host, 1);
	/* The failed and timed-out rows are counted, not aggregated. */
	assert_int_equal(s.n_not_ok, 3);
	/* Wait-bound: a speedup from overlapped waits, but no efficiency
	 * (speedup / cores read 6241% on 2 cores). */
	const struct mb_report_group *sl =
		mb_report_find(&s, "hostB", "sleep", "threads", 16, 16, NAN);
	assert_non_null(sl);
	assert_int_equal(sl->wait_bound, 1);
	assert_true(isfinite(sl->speedup));
	assert_true(isnan(sl->efficiency) && isnan(sl->efficiency_lo) &&
		    isnan(sl->efficiency_hi));
	assert_true(isfinite(b16->efficiency));
	/* Fits: two core counts make Amdahl exact; kappa < 0 is said */
	const struct mb_report_group *ac =
		mb_report_find(&s, "hostA", "cpu", "threads", 2, 2, NAN);
	assert_non_null(ac);
	assert_int_equal(ac->amdahl_exact, 1);
	assert_non_null(strstr(ac->fit_note, "Amdahl exact"));
	const struct mb_report_group *bp =
		mb_report_find(&s, "hostB", "cpu", "procs", 16, 16, NAN);
	assert_non_null(bp);
	assert_true(bp->usl_kappa < 0);
	assert_int_equal(bp->usl_exact, 0);
	assert_non_null(strstr(bp->fit_note, "USL kappa < 0: not physical, noise"));
	assert_int_equal(b16->amdahl_exact, 0);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* machines.csv (gen_machines_fixture.py): three machines whose runs all
 * say host "vm": a Xeon (3 runs per configuration), an EPYC (7 runs) and
 * the Xeon again with the label "tuned" (2 runs); and open-loop runs on the
 * Xeon at one rate with constant and with Poisson arrivals. No two are
 * pooled: before, "vm" sync at 1 core was one group of n = 12. */
static void test_machines(void **state)
{
	struct mb_report_input in;
	struct mb_report_summary s;
	load(FIX "machines.csv", &in, &s);
	assert_int_equal(s.nmachines, 3);
	assert_int_equal(s.nhosts, 3);
	assert_string_equal(s.hosts[0], "tuned");
	assert_string_equal(s.hosts[1], "vm (EPYC 7302P)");
	assert_string_equal(s.hosts[2], "vm (Xeon 8375C)");
	const struct mb_report_group *x =
		mb_report_find(&s, "vm (Xeon 8375C)", "cpu", "sync", 1, NAN, NAN);
	const struct mb_report_group *e =
		mb_report_find(&s, "vm (EPYC 7302P)", "cpu", "sync", 1, NAN, NAN);
	const struct mb_report_group *t =
		mb_report_find(&s, "tuned", "cpu", "sync", 1, NAN, NAN);
	const struct mb_report_group *et =
		mb_report_find(&s, "vm (EPYC 7302P)", "cpu", "threads", 2, NAN, NAN);
	assert_non_null(x);
	assert_non_null(e);
	assert_non_null(t);
	assert_non_null(et);
	assert_int_equal(x->tp.n, 3);
	assert_near(x->tp.median, 100);
	assert_int_equal(e->tp.n, 7);
	assert_near(e->tp.median, 200);
	assert_int_equal(t->tp.n, 2);
	assert_near(t->tp.median, 125);
	assert_string_equal(x->hostname, "vm");
	assert_string_equal(t->label, "tuned");
	/* each machine against its own sync; the failed run on its machine */
	assert_near(et->speedup, 2);
	assert_int_equal(et->n_failed, 1);
	assert_int_equal(x->n_failed, 0);
	assert_string_not_equal(x->panel, e->panel);
	/* constant and Poisson arrivals: two configurations, two panels */
	size_t nsleep = 0;
	const struct mb_report_group *c = NULL, *p = NULL;
	for (size_t i = 0; i < s.ngroups; i++)
		if (!strcmp(s.groups[i].workload, "sleep") &&
		    !strcmp(s.groups[i].host, "vm (Xeon 8375C)")) {
			nsleep++;
			if (!strcmp(s.groups[i].arrivals, "poisson"))
				p = &s.groups[i];
			else
				c = &s.groups[i];
		}
	assert_int_equal(nsleep, 2);
	assert_non_null(c);
	assert_non_null(p);
	assert_int_equal(c->tp.n, 3);
	assert_string_equal(c->arrivals, "constant");
	assert_near(p->p99.median, 5000);
	assert_string_not_equal(c->panel, p->panel);
	assert_string_not_equal(c->lpanel, p->lpanel);
	assert_non_null(strstr(p->panel, "_poisson"));
	/* the sweep summary's flags, from the runs: the EPYC's sleep runs
	 * are short, two noisy, one far off; the Xeon's cpu runs few */
	const struct mb_report_group *fl =
		mb_report_find(&s, "vm (EPYC 7302P)", "sleep", "async", 1, NAN, NAN);
	assert_non_null(fl);
	char want[64];
	snprintf(want, sizeof(want), "cv %.0f%%; 1 outlier; short runs; noisy(2)",
		 100 * fl->tp.cv);
	assert_string_equal(fl->flags, want);
	assert_string_equal(x->flags, "cv 10%; few reps");
	assert_string_equal(e->flags, "");
	/* verdicts: one unit per machine and per arrivals */
	struct mb_report_verdict *v;
	size_t nv;
	assert_int_equal(mb_report_verdicts(&s, &v, &nv), 0);
	assert_int_equal(nv, 6); /* cpu on 3; sleep on the EPYC, twice on the Xeon */
	mb_report_verdicts_free(v, nv);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* The short CPU model that tells machines apart, and the other ways a
 * name is made unique. */
static void test_machine_names(void **state)
{
	char b[128];
	mb_rep_short_cpu(b, sizeof(b), "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
	assert_string_equal(b, "Xeon 8375C");
	mb_rep_short_cpu(b, sizeof(b), "AMD EPYC 7302P 16-Core Processor");
	assert_string_equal(b, "EPYC 7302P");
	mb_rep_short_cpu(b, sizeof(b), "Intel(R) Core(TM) i3-7100U CPU @ 2.40GHz");
	assert_string_equal(b, "i3-7100U");
	mb_rep_short_cpu(b, sizeof(b), "Intel(R) Xeon(R) Processor");
	assert_string_equal(b, "Xeon");
	mb_rep_short_cpu(b, sizeof(b), "");
	assert_string_equal(b, "?");

	/* same host and CPU, other topology: numbered; one label on two
	 * hosts: the host says which */
	static const char *const fields[][4] = {
		{"vm", "Xeon", "2 cores", ""}, {"vm", "Xeon", "4 cores", ""},
		{"a", "Xeon", "2 cores", "base"}, {"b", "Xeon", "2 cores", "base"},
	};
	struct mb_report_row rows[4];
	const struct mb_report_row *rp[4];
	struct mb_report_summary s;
	memset(rows, 0, sizeof(rows));
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 4; i++) {
		rows[i].str[MB_REPORT_TEXT_host] = (char *)fields[i][0];
		rows[i].str[MB_REPORT_TEXT_cpu_model] = (char *)fields[i][1];
		rows[i].str[MB_REPORT_TEXT_topology] = (char *)fields[i][2];
		rows[i].str[MB_REPORT_TEXT_label] = (char *)fields[i][3];
		rp[i] = &rows[i];
	}
	assert_int_equal(mb_rep_machines(&s, rp, 4), 0);
	assert_int_equal(s.nmachines, 4);
	assert_string_equal(mb_rep_machine_name(&s, &rows[0]), "vm");
	assert_string_equal(mb_rep_machine_name(&s, &rows[1]), "vm#2");
	assert_string_equal(mb_rep_machine_name(&s, &rows[2]), "base (a)");
	assert_string_equal(mb_rep_machine_name(&s, &rows[3]), "base (b)");
	mb_report_summary_free(&s);
}

/* What a fit means, on a hand-made panel: threads at 1 and 2 cores
 * (Amdahl exact), async-threads at 1, 2 and 4 (USL exact). */
static void test_fit_notes(void **state)
{
	struct mb_report_group g[5];
	struct mb_report_summary s = {.groups = g, .ngroups = 5};
	static const double cores[5] = {1, 2, 1, 2, 4};
	memset(g, 0, sizeof(g));
	for (int i = 0; i < 5; i++) {
		g[i].panel = "p";
		g[i].mode = i < 2 ? "threads" : "async-threads";
		g[i].cores = cores[i];
		g[i].pick_cores = 1;
		g[i].speedup = cores[i];
		g[i].amdahl_sigma = i < 2 ? -0.05 : 0.1;
		g[i].usl_sigma = i < 2 ? NAN : 1.2;
		g[i].usl_kappa = i < 2 ? NAN : -0.01;
	}
	mb_rep_fit_notes(&s);
	assert_int_equal(g[1].amdahl_exact, 1);
	assert_int_equal(g[1].usl_exact, 0);
	assert_string_equal(g[0].fit_note, "Amdahl exact: 1 core count above 1, no freedom; "
					   "Amdahl sigma < 0: superlinear, or noise");
	assert_string_equal(g[1].fit_note, g[0].fit_note);
	assert_int_equal(g[4].amdahl_exact, 0);
	assert_int_equal(g[4].usl_exact, 1);
	assert_string_equal(g[4].fit_note,
			    "USL exact: 2 core counts above 1, no freedom; USL sigma > 1: "
			    "slower than on one core, not a serial fraction; USL kappa < 0: "
			    "not physical, noise");
}

/* ---- The command ------------------------------------------------------ */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mb_test_report.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run a shell command with stdin from /dev/null and a time limit; stderr
 * into tmpdir/err. Returns the exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char inner[2048], cmd[2600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(inner, sizeof(inner), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "timeout 120 %s </dev/null 2>'%s/err'", inner,
		 tmpdir);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	return WEXITSTATUS(st);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 22);
	size_t n = buf ? fread(buf, 1, (1 << 22) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int lines_in(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static const char *modebench(void)
{
	const char *m = getenv("MODEBENCH");
	return m && *m ? m : "./modebench";
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* An input error: exit 2, one line "FILE:LINE: column N (NAME): ...",
 * and no output directory. */
static void expect_input_error(const char *files, const char *want)
{
	char dir[128], err[128];
	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	snprintf(err, sizeof(err), "%s/err", tmpdir);
	assert_int_equal(sh("%s report -o '%s' %s >/dev/null", modebench(), dir,
			    files), 2);
	char *e = slurp(err, NULL);
	assert_non_null(e);
	if (!strstr(e, want))
		print_error("stderr \"%s\" lacks \"%s\"\n", e, want);
	assert_non_null(strstr(e, want));
	assert_int_equal(lines_in(e), 1);
	free(e);
	assert_false(exists(dir));
}

static void test_cli_errors(void **state)
{
	expect_input_error(FIX "not-modebench.csv",
			   "not-modebench.csv:1: column 1 (name): not a modebench CSV");
	expect_input_error(FIX "missing-column.csv",
			   "missing-column.csv:1: column lat_p99_us: required column missing");
	/* throughput is column 27 of the schema; the bad field is on line 4 */
	expect_input_error(FIX "malformed-number.csv",
			   "malformed-number.csv:4: column 27 (throughput): malformed number \"12x\"");
	/* a good file first: still nothing written */
	expect_input_error(FIX "known.csv " FIX "malformed-number.csv",
			   "malformed-number.csv:4:");
	expect_input_error(FIX "no-such-file.csv", "no-such-file.csv: No such file");
	/* usage errors: one line, exit 2 */
	expect_input_error("", "no CSV files given");
	expect_input_error("--bogus " FIX "known.csv", "unknown option '--bogus'");

	/* nothing to report: exit 1, plainly said, nothing written */
	char dir[128], err[128];
	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	snprintf(err, sizeof(err), "%s/err", tmpdir);
	const char *empty[] = {"header-only.csv", "all-failed.csv"};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(sh("%s report -o '%s' " FIX "%s >/dev/null",
				    modebench(), dir, empty[i]), 1);
		char *e = slurp(err, NULL);
		assert_non_null(e);
		assert_non_null(strstr(e, "nothing to report"));
		free(e);
		assert_false(exists(dir));
	}
}

static int have_gnuplot(void)
{
	return system("gnuplot --version >/dev/null 2>&1 </dev/null") == 0;
}

static void test_cli_report(void **state)
{
	char dir[128], path[256];
	snprintf(dir, sizeof(dir), "%s/rep", tmpdir);
	int charts = have_gnuplot();
	assert_int_equal(sh("%s report %s -o '%s' " FIX "report_runs.csv >/dev/null",
			    modebench(), charts ? "" : "--no-charts", dir), 0);
	const char *files[] = {"summary.csv", "summary.md", "index.html"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		assert_true(exists(path));
	}
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	char *sum = slurp(path, NULL);
	assert_non_null(sum);
	assert_non_null(strstr(sum, ",ci_kind,ci_coverage"));
	assert_non_null(strstr(sum, ",\"range (93.75%)\",0.9375"));
	assert_non_null(strstr(sum, ",flags\n"));
	free(sum);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	char *html = slurp(path, NULL);
	assert_non_null(html);
	assert_non_null(strstr(html, "AMD EPYC 7302P 16-Core Processor"));
	assert_non_null(strstr(html, "6.1.0-18-amd64"));
	/* 3 to 5 runs per configuration: the verdicts name the highest
	 * median but no winner (the fixture's ranges cover 75% to 94%) */
	assert_non_null(strstr(html, "has the highest median"));
	assert_non_null(strstr(html, "too few runs to tell which is faster"));
	assert_null(strstr(html, "gets the most done"));
	if (charts)
		assert_non_null(strstr(html, "<img src=\"scaling_hostB_cpu.png\""));
	free(html);
	snprintf(path, sizeof(path), "%s/summary.md", dir);
	char *md = slurp(path, NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "USL σ"));
	/* intervals say what they are */
	assert_non_null(strstr(md, "covers the median with probability"));
	assert_non_null(strstr(md, " (range of 3: 75%)"));
	assert_non_null(strstr(md, "## Runs that failed"));
	free(md);
	if (charts) {
		snprintf(path, sizeof(path), "%s/iofraction_hostB_mixed.svg", dir);
		assert_true(exists(path));
		snprintf(path, sizeof(path), "%s/load_hostB_sleep.png", dir);
		assert_true(exists(path));
		/* efficiency only where the work is CPU-bound */
		snprintf(path, sizeof(path), "%s/efficiency_hostB_cpu.png", dir);
		assert_true(exists(path));
		snprintf(path, sizeof(path), "%s/efficiency_hostB_sleep.png", dir);
		assert_false(exists(path));
		/* open loop: no throughput-vs-cores charts for a rate */
		snprintf(path, sizeof(path), "%s/scaling_hostB_sleep_rate5000.png", dir);
		assert_false(exists(path));
	}
	/* The fixture has data for every chart: stderr stays empty
	 * (gnuplot's own lines would be copied there). */
	snprintf(path, sizeof(path), "%s/err", tmpdir);
	size_t elen = 1;
	char *e = slurp(path, &elen);
	if (elen)
		print_error("stderr: %s\n", e ? e : "");
	assert_int_equal(elen, 0);
	free(e);

	/* One host, one concurrency per mode: the charts without data are
	 * skipped, one line each, and the report still succeeds. */
	snprintf(dir, sizeof(dir), "%s/one", tmpdir);
	assert_int_equal(sh("%s report --no-charts -o '%s' " FIX "known.csv >/dev/null",
			    modebench(), dir), 0);
	e = slurp(path, NULL);
	assert_non_null(e);
	assert_non_null(strstr(e, "note: no hosts chart (Hosts side by side): "
				  "the input holds one host\n"));
	assert_non_null(strstr(e, "note: no latency_conc chart"));
	free(e);
	/* 7 runs per configuration on the EPYC: enough to name the winner;
	 * 3 on the Xeon: not */
	snprintf(dir, sizeof(dir), "%s/mach", tmpdir);
	assert_int_equal(sh("%s report --no-charts -o '%s' " FIX "machines.csv >/dev/null",
			    modebench(), dir), 0);
	snprintf(path, sizeof(path), "%s/summary.md", dir);
	char *md1 = slurp(path, NULL);
	assert_non_null(md1);
	const char *epyc = strstr(md1, "**vm (EPYC 7302P): cpu**");
	const char *xeon = strstr(md1, "**vm (Xeon 8375C): cpu**");
	assert_true(epyc && xeon && epyc < xeon);
	assert_non_null(strstr(epyc, "threads gets the most done"));
	assert_true(strstr(epyc, "threads gets the most done") < xeon);
	assert_non_null(strstr(xeon, "threads has the highest median"));
	assert_non_null(strstr(xeon, "too few runs to tell which is faster (n = 3 and 3;"));
	assert_non_null(strstr(md1, "| cv 10%; few reps |"));
	assert_non_null(strstr(md1, "short runs; noisy(2) |"));
	free(md1);
}

/* Every script, on the fixture's summary.csv, for the first unit the
 * report plans it for: a PNG and an SVG over 1000 bytes, nothing on
 * gnuplot's stderr. */
static void test_render_scripts(void **state)
{
	if (!have_gnuplot())
		skip();
	static const char *const scripts[] = {
		"scaling", "speedup", "efficiency", "latency_cores",
		"latency_conc", "littles", "cpu", "iofraction", "load",
		"hosts", "hosts_scaling",
	};
	struct mb_report_input in;
	struct mb_report_summary s;
	struct mb_report_charts c;
	char csv[128], out[256], err[128];
	load(FIX "report_runs.csv", &in, &s);
	snprintf(csv, sizeof(csv), "%s/summary.csv", tmpdir);
	snprintf(err, sizeof(err), "%s/err", tmpdir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	assert_int_equal(mb_report_write_summary_csv(&s, f), 0);
	fclose(f);
	assert_int_equal(mb_report_plan_charts(&s, &c), 0);
	const char *sd = getenv("MB_SCRIPTS");
	if (!sd)
		sd = MB_SOURCE_DIR "/scripts";
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		const struct mb_report_chart *ch = NULL;
		for (size_t k = 0; k < c.n && !ch; k++)
			if (!strcmp(c.v[k].script, scripts[i]))
				ch = &c.v[k];
		if (!ch)
			print_error("no %s chart planned for the fixture\n", scripts[i]);
		assert_non_null(ch);
		/* the unit is the chart file name after "SCRIPT_" */
		const char *unit = ch->file + strlen(scripts[i]) + 1;
		for (int svg = 0; svg < 2; svg++) {
			snprintf(out, sizeof(out), "%s/%s.%s", tmpdir, ch->file,
				 svg ? "svg" : "png");
			int rc = sh("timeout 60 gnuplot -e \"data='%s'; out='%s'; panel='%s'\" '%s/%s.gp'",
				    csv, out, unit, sd, scripts[i]);
			size_t elen = 0, len = 0;
			char *e = slurp(err, &elen);
			if (rc != 0 || elen)
				print_error("%s: gnuplot exit %d, stderr: %s\n", out, rc,
					    e ? e : "");
			assert_int_equal(rc, 0);
			assert_int_equal(elen, 0);
			free(e);
			char *img = slurp(out, &len);
			assert_non_null(img);
			assert_true(len > 1000);
			if (svg)
				assert_true(!strncmp(img, "<?xml", 5) ||
					    !strncmp(img, "<svg", 4));
			else
				assert_memory_equal(img, "\x89PNG\r\n\x1a\n", 8);
			/* the first speedup panel, hostA_cpu, has two core
			 * counts: its key says the Amdahl fit is exact */
			if (svg && !strcmp(scripts[i], "speedup"))
				assert_non_null(strstr(img, "no freedom"));
			free(img);
		}
	}
	mb_report_charts_free(&c);
	mb_report_summary_free(&s);
	mb_report_input_free(&in);
}

/* scripts/modes.gp gives each mode its colour by position in its MODES
 * array: the array must be mb_mode_names, in order, with NM its length
 * and modeidx() knowing every position. */
static void test_modes_gp(void **state)
{
	char *gp = slurp(MB_SOURCE_DIR "/scripts/modes.gp", NULL);
	char want[64];
	assert_non_null(gp);
	const char *a = strstr(gp, "\narray MODES[");
	assert_non_null(a);
	char *end;
	long n = strtol(a + strlen("\narray MODES["), &end, 10);
	assert_int_equal(n, MB_NMODE_NAMES);
	assert_true(!strncmp(end, "] = [", 5));
	const char *p = end + 5;
	for (int i = 0; i < MB_NMODE_NAMES; i++) {
		snprintf(want, sizeof(want), "%s\"%s\"", i ? ", " : "", mb_mode_names[i]);
		if (strncmp(p, want, strlen(want)))
			print_error("MODES[%d] in modes.gp is not \"%s\": %.40s\n", i + 1,
				    mb_mode_names[i], p);
		assert_true(!strncmp(p, want, strlen(want)));
		p += strlen(want);
	}
	assert_int_equal(*p, ']');
	snprintf(want, sizeof(want), "\nNM = %d\n", MB_NMODE_NAMES);
	assert_non_null(strstr(gp, want));
	for (int i = 1; i <= MB_NMODE_NAMES; i++) {
		snprintf(want, sizeof(want), "m eq MODES[%d] ? %d", i, i);
		assert_non_null(strstr(gp, want));
	}
	free(gp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_reordered_columns),
		cmocka_unit_test(test_several_hosts),
		cmocka_unit_test(test_machines),
		cmocka_unit_test(test_machine_names),
		cmocka_unit_test(test_fit_notes),
		cmocka_unit_test(test_modes_gp),
		cmocka_unit_test_setup_teardown(test_cli_errors, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_cli_report, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_render_scripts, setup_tmp,
						teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
