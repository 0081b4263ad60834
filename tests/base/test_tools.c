/* base's outside tools (harness/base/tools.h): where the chart scripts are
 * found (MB_SCRIPTS set, set to a folder without the probe, not set, and
 * never the working directory), which gnuplot is taken, gnuplot string
 * quoting, and the spawn helper's stdin, output and exit status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "testutil.h"

static char tmp[64];
static char *saved_path, *saved_gnuplot, *saved_scripts;

static char *save(const char *name)
{
	const char *v = getenv(name);
	return v ? strdup(v) : NULL;
}

static void restore(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mb_test_tools.XXXXXX");
	saved_path = save("PATH");
	saved_gnuplot = save("GNUPLOT");
	saved_scripts = save("MB_SCRIPTS");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	restore("PATH", saved_path);
	restore("GNUPLOT", saved_gnuplot);
	restore("MB_SCRIPTS", saved_scripts);
	free(saved_path);
	free(saved_gnuplot);
	free(saved_scripts);
	return mb_test_rm_rf(tmp);
}

static void touch(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

/* $MB_SCRIPTS is the answer when it holds the probe, and the only place
 * looked at when it does not. */
static void test_scripts_env(void **state)
{
	char buf[4096], dir[128];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/mine", tmp);
	assert_int_equal(mkdir(dir, 0755), 0);
	touch(dir, "probe.gp", "", 0644);
	setenv("MB_SCRIPTS", dir, 1);
	assert_int_equal(mb_scripts_dir("probe.gp", buf, sizeof(buf)), 0);
	assert_string_equal(buf, dir);
	/* common.gp is in the source tree, but MB_SCRIPTS says otherwise */
	assert_int_equal(mb_scripts_dir("common.gp", buf, sizeof(buf)), -ENOENT);
	assert_non_null(strstr(buf, "common.gp"));
	assert_non_null(strstr(buf, dir));
	/* too small a buffer for the answer */
	assert_int_equal(mb_scripts_dir("probe.gp", buf, 8), -ENAMETOOLONG);
}

/* Not set (or empty): next to the binary. The tests are built in a
 * folder of the checkout, so that is the source tree's scripts/. */
static void test_scripts_unset(void **state)
{
	char buf[4096], want[PATH_MAX], got[PATH_MAX];
	(void)state;
	for (int empty = 0; empty < 2; empty++) {
		if (empty)
			setenv("MB_SCRIPTS", "", 1);
		else
			unsetenv("MB_SCRIPTS");
		assert_int_equal(mb_scripts_dir("common.gp", buf, sizeof(buf)), 0);
		assert_true(buf[0] == '/');
		assert_non_null(realpath(buf, got));
		assert_non_null(realpath(MB_SOURCE_DIR "/scripts", want));
		assert_string_equal(got, want);
	}
}

/* A scripts/ folder in the working directory is never taken. */
static void test_scripts_not_cwd(void **state)
{
	char buf[4096], dir[128], old[PATH_MAX];
	(void)state;
	unsetenv("MB_SCRIPTS");
	snprintf(dir, sizeof(dir), "%s/scripts", tmp);
	assert_int_equal(mkdir(dir, 0755), 0);
	touch(dir, "only_here.gp", "", 0644);
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(tmp), 0);
	int rc = mb_scripts_dir("only_here.gp", buf, sizeof(buf));
	assert_int_equal(chdir(old), 0);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(buf, "looked for only_here.gp in /"));
	assert_null(strstr(buf, tmp));
}

static void test_gnuplot(void **state)
{
	bool ok = true;
	(void)state;
	unsetenv("GNUPLOT");
	assert_string_equal(mb_gnuplot(NULL), "gnuplot");
	setenv("GNUPLOT", "", 1);
	assert_string_equal(mb_gnuplot(NULL), "gnuplot");
	setenv("GNUPLOT", "/bin/sh", 1);
	assert_string_equal(mb_gnuplot(&ok), "/bin/sh");
	assert_true(ok);
	setenv("GNUPLOT", "/nonexistent/gnuplot", 1);
	mb_gnuplot(&ok);
	assert_false(ok);
	setenv("GNUPLOT", "/", 1); /* a directory is not a program */
	mb_gnuplot(&ok);
	assert_false(ok);
	/* a name is looked up on PATH */
	touch(tmp, "fakeplot", "#!/bin/sh\n", 0755);
	touch(tmp, "noexec", "", 0644);
	setenv("PATH", tmp, 1);
	setenv("GNUPLOT", "fakeplot", 1);
	mb_gnuplot(&ok);
	assert_true(ok);
	setenv("GNUPLOT", "noexec", 1);
	mb_gnuplot(&ok);
	assert_false(ok);
	setenv("PATH", "/nonexistent:/also-not", 1);
	setenv("GNUPLOT", "fakeplot", 1);
	mb_gnuplot(&ok);
	assert_false(ok);
}

static void test_gp_quote(void **state)
{
	char b[16];
	(void)state;
	assert_int_equal(mb_gp_quote(b, sizeof(b), "a/b.csv"), 0);
	assert_string_equal(b, "'a/b.csv'");
	assert_int_equal(mb_gp_quote(b, sizeof(b), "it's"), 0);
	assert_string_equal(b, "'it''s'");
	assert_int_equal(mb_gp_quote(b, sizeof(b), ""), 0);
	assert_string_equal(b, "''");
	/* 13 characters and two quotes need 16 bytes; one more does not fit */
	assert_int_equal(mb_gp_quote(b, sizeof(b), "abcdefghijklm"), 0);
	assert_int_equal(mb_gp_quote(b, sizeof(b), "abcdefghijklmn"), -ENAMETOOLONG);
	assert_string_equal(b, "");
	assert_int_equal(mb_gp_quote(b, 2, "a"), -ENAMETOOLONG);
}

static char *slurp(const char *path)
{
	static char buf[1024];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Runs `PROG -e EXPR SCRIPT` with its output into a file; returns the
 * exit status and the output in *out. */
static int spawn(const char *prog, const char *expr, const char *script, char **out)
{
	char log[128];
	int st;
	snprintf(log, sizeof(log), "%s/log", tmp);
	FILE *f = fopen(log, "w+");
	assert_non_null(f);
	pid_t pid = mb_gp_spawn(prog, expr, script, fileno(f));
	fclose(f);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	*out = slurp(log);
	return WEXITSTATUS(st);
}

/* sh -e FILE ARG runs FILE with ARG: a stand-in for gnuplot -e EXPR SCRIPT
 * that shows its arguments, its stdin (empty) and both output streams. */
static void test_spawn(void **state)
{
	char sh[128], *out;
	(void)state;
	snprintf(sh, sizeof(sh), "%s/fake.sh", tmp);
	touch(tmp, "fake.sh", "echo \"arg $1\"; cat; echo to-stderr >&2; exit 3\n", 0644);
	assert_int_equal(spawn("sh", sh, "script.gp", &out), 3);
	assert_string_equal(out, "arg script.gp\nto-stderr\n");
	assert_int_equal(spawn("/nonexistent/gnuplot", "x", "y", &out), 127);
	assert_string_equal(out, "cannot run /nonexistent/gnuplot: No such file or directory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scripts_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scripts_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scripts_not_cwd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gnuplot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gp_quote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawn, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
