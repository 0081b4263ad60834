/* Text from the input in the report's outputs (issue 11): summary.md
 * shows hosts, workloads, modes and errors as text, never as HTML or as
 * table structure; and a control character in a text field (a quoted
 * newline in a host name) reaches gnuplot as a harmless byte, so every
 * chart still renders, the bad host's and the others', while summary.csv
 * keeps the real text. Input: known.csv with its rows copied under a
 * second host. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>

#include "rtest.h"

/* line with the first occurrence of from replaced by to, into out. */
static void replace(char *out, size_t len, const char *line, const char *from,
		    const char *to)
{
	const char *p = strstr(line, from);
	if (!p) {
		snprintf(out, len, "%s", line);
		return;
	}
	snprintf(out, len, "%.*s%s%s", (int)(p - line), line, to, p + strlen(from));
}

/* known.csv, each row followed by its copy on host (a CSV field, quoted
 * as needed) with the failed row's error made error. */
static void write_input(const char *path, const char *host, const char *error)
{
	FILE *in = fopen(FIX "known.csv", "r"), *out = fopen(path, "w");
	char line[2048], a[4096], b[4096];
	assert_non_null(in);
	assert_non_null(out);
	assert_non_null(fgets(line, sizeof(line), in));
	fputs(line, out);
	while (fgets(line, sizeof(line), in)) {
		fputs(line, out);
		replace(a, sizeof(a), line, ",hostK,", host);
		replace(b, sizeof(b), a, "worker exited with status 1", error);
		fputs(b, out);
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* '|' not escaped by a backslash in s[0..n). */
static int cell_breaks(const char *s, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '|' && (i == 0 || s[i - 1] != '\\');
	return k;
}

/* The line of text holding needle; its length in *n. */
static const char *line_with(const char *text, const char *needle, size_t *n)
{
	const char *p = strstr(text, needle);
	if (!p)
		print_error("no \"%s\" in:\n%s\n", needle, text);
	assert_non_null(p);
	while (p > text && p[-1] != '\n')
		p--;
	*n = strcspn(p, "\n");
	return p;
}

static void test_md_escapes(void **state)
{
	char csv[128], dir[128], path[256];
	size_t n;
	write_input(rt_path(csv, sizeof(csv), "in.csv"), ",<img src=x onerror=alert(1)>,",
		    "\"disk | full <b>now</b>\nsecond line\"");
	rt_path(dir, sizeof(dir), "out");
	assert_int_equal(rt_sh("%s report --no-charts -o '%s' '%s' >/dev/null", rt_modebench(),
			       dir, csv), 0);
	snprintf(path, sizeof(path), "%s/summary.md", dir);
	char *md = rt_slurp(path, NULL);
	assert_non_null(md);
	assert_null(strstr(md, "<img"));
	assert_null(strstr(md, "<b>"));
	assert_non_null(strstr(md, "&lt;img src=x onerror=alert(1)&gt;"));
	/* the machines table: 7 cells, 8 breaks */
	const char *l = line_with(md, "| &lt;img src=x", &n);
	assert_int_equal(cell_breaks(l, n), 8);
	/* the failed run: 7 cells on one line, the error's | escaped */
	l = line_with(md, "disk \\| full &lt;b&gt;now&lt;/b&gt; second line", &n);
	assert_int_equal(cell_breaks(l, n), 8);
	/* a verdict heading names the host as text */
	assert_non_null(strstr(md, "**&lt;img src=x onerror=alert(1)&gt;: cpu**"));
	free(md);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	char *html = rt_slurp(path, NULL);
	assert_non_null(html);
	assert_null(strstr(html, "<img src=x"));
	assert_non_null(strstr(html, "disk | full &lt;b&gt;now&lt;/b&gt;"));
	free(html);
}

static void test_newline_in_host(void **state)
{
	char csv[128], dir[128], path[256];
	if (!rt_have_gnuplot())
		skip();
	write_input(rt_path(csv, sizeof(csv), "in.csv"), ",\"bad\nhost\",", "\"one\ntwo\"");
	rt_path(dir, sizeof(dir), "out");
	int rc = rt_sh("%s report -j2 -o '%s' '%s' >/dev/null", rt_modebench(), dir, csv);
	char *e = rt_err();
	if (rc != 0)
		print_error("exit %d, stderr:\n%s\n", rc, e);
	assert_int_equal(rc, 0);
	assert_null(strstr(e, "failed"));
	free(e);
	/* every chart of the unaffected host, and the hosts side by side */
	static const char *const charts[] = {
		"scaling_hostK_cpu", "speedup_hostK_cpu", "efficiency_hostK_cpu",
		"latency_cores_hostK_cpu", "cpu_hostK_cpu", "hosts_cpu", "hosts_scaling_cpu",
		"scaling_bad-host_cpu",
	};
	for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++)
		for (int svg = 0; svg < 2; svg++) {
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s.%s", dir, charts[i], svg ? "svg" : "png");
			if (stat(path, &st) != 0)
				print_error("%s was not drawn\n", path);
			assert_int_equal(stat(path, &st), 0);
			assert_true(st.st_size > 1000);
		}
	/* summary.csv keeps the real text; the charts' copy is gone */
	struct mb_test_table t;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	mb_test_read_csv(path, &t);
	mb_test_assert_rectangular(path, &t);
	int hc = mb_test_column(&t, "host"), seen = 0;
	for (unsigned r = 0; r < t.nrows; r++)
		seen += !strcmp(t.rows[r][hc], "bad\nhost");
	assert_int_equal(seen, 3);
	mb_test_free_table(&t);
	DIR *d = opendir(dir);
	struct dirent *de;
	assert_non_null(d);
	while ((de = readdir(d)))
		assert_true(de->d_name[0] != '.' || !strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."));
	closedir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_md_escapes, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_newline_in_host, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
