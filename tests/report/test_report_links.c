/* modebench report -o DIR never writes through a link (issue 11): every
 * name the report writes (summary.csv, .md, .json, index.html, the charts)
 * is planted in DIR first as a link, to a file outside DIR or dangling;
 * after the report the targets are untouched, no dangling target was
 * created, every name is a regular file with the same bytes a fresh report
 * writes, and no temporary file is left behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>

#include "rtest.h"

#define MAXNAMES 256

/* The visible names in dir, sorted; returns how many. */
static size_t list_dir(const char *dir, char names[][128], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n < max)
			snprintf(names[n++], 128, "%.120s", e->d_name);
	closedir(d);
	qsort(names, n, 128, (int (*)(const void *, const void *))strcmp);
	return n;
}

static void test_links_replaced(void **state)
{
	static char names[MAXNAMES][128], after[MAXNAMES][128];
	char fresh[128], out[128], victim[128], a[512], b[512];
	int charts = rt_have_gnuplot();
	const char *args = charts ? "--format csv,md,html,json" :
				    "--no-charts --format csv,md,html,json";

	rt_path(fresh, sizeof(fresh), "fresh");
	rt_path(out, sizeof(out), "out");
	rt_path(victim, sizeof(victim), "victim");
	int rc = rt_sh("%s report %s -o '%s' " FIX "known.csv >/dev/null", rt_modebench(),
		       args, fresh);
	size_t n = list_dir(fresh, names, MAXNAMES);
	assert_true(n >= 3 + (charts ? 2 : 0));

	rt_write(victim, "precious\n");
	assert_int_equal(mkdir(out, 0777), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "%s/%s", out, names[i]);
		if (i % 2)
			snprintf(b, sizeof(b), "%s/dangling-%s", rt_dir, names[i]);
		assert_int_equal(symlink(i % 2 ? b : victim, a), 0);
	}
	assert_int_equal(rt_sh("%s report %s -o '%s' " FIX "known.csv >/dev/null",
			       rt_modebench(), args, out), rc);

	char *v = rt_slurp(victim, NULL);
	assert_non_null(v);
	assert_string_equal(v, "precious\n");
	free(v);
	assert_int_equal(list_dir(out, after, MAXNAMES), n);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		assert_string_equal(after[i], names[i]);
		snprintf(b, sizeof(b), "%s/dangling-%s", rt_dir, names[i]);
		assert_false(rt_exists(b));
		snprintf(a, sizeof(a), "%s/%s", out, names[i]);
		assert_int_equal(lstat(a, &st), 0);
		if (!S_ISREG(st.st_mode))
			print_error("%s is not a regular file\n", a);
		assert_true(S_ISREG(st.st_mode));
		assert_true(st.st_size > 0);
		if (strstr(names[i], ".png") || strstr(names[i], ".svg"))
			continue; /* drawn again: the bytes may differ */
		snprintf(b, sizeof(b), "%s/%s", fresh, names[i]);
		size_t la, lb;
		char *x = rt_slurp(a, &la), *y = rt_slurp(b, &lb);
		assert_non_null(x);
		assert_non_null(y);
		assert_int_equal(la, lb);
		assert_memory_equal(x, y, la);
		free(x);
		free(y);
	}
	/* no temporary file left */
	DIR *d = opendir(out);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		assert_true(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			    e->d_name[0] != '.');
	closedir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_links_replaced, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
