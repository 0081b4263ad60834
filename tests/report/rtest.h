/* Helpers of the report's command tests (tests/report/test_report_*.c):
 * a scratch folder per test, running the binary through the shell with
 * stderr captured, reading files whole. Static, so each test file gets
 * its own copy; include after cmocka.h. */
#ifndef MB_RTEST_H
#define MB_RTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define FIX MB_SOURCE_DIR "/tests/fixtures/report/"

static char rt_dir[64]; /* the test's scratch folder */

static inline int rt_setup(void **state)
{
	(void)state;
	snprintf(rt_dir, sizeof(rt_dir), "/tmp/mb_test_report.XXXXXX");
	return mkdtemp(rt_dir) ? 0 : -1;
}

static inline int rt_teardown(void **state)
{
	(void)state;
	return mb_test_rm_rf(rt_dir);
}

/* rt_dir/name into buf. */
static inline const char *rt_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", rt_dir, name);
	return buf;
}

static inline const char *rt_modebench(void)
{
	const char *m = getenv("MODEBENCH");
	return m && *m ? m : "./modebench";
}

/* Runs a shell command with stdin from /dev/null, a time limit and stderr
 * into rt_dir/err. Returns the exit status. */
static inline int rt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int rt_sh(const char *fmt, ...)
{
	char inner[4096], cmd[4600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(inner, sizeof(inner), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "timeout 300 %s </dev/null 2>'%s/err'", inner, rt_dir);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The whole file, NUL-terminated (NULL when it cannot be read); its
 * length in *len when len is not NULL. */
static inline char *rt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			char *b = realloc(buf, cap *= 2);
			if (!b)
				free(buf);
			buf = b;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* stderr of the last rt_sh, NUL-terminated (never NULL). */
static inline char *rt_err(void)
{
	char p[128];
	char *e = rt_slurp(rt_path(p, sizeof(p), "err"), NULL);
	assert_non_null(e);
	return e;
}

static inline void rt_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static inline int rt_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static inline int rt_have_gnuplot(void)
{
	return system("gnuplot --version >/dev/null 2>&1 </dev/null") == 0;
}

#endif
