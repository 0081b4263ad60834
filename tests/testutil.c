/* The tests' shared helpers: see testutil.h. */
#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "topo.h"

/* ---- files and directories */

int mb_test_rm_rf(const char *path)
{
	struct stat st;
	int rc = 0;
	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		if (!d)
			rc = -1;
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char sub[PATH_MAX];
			if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >=
			    sizeof(sub)) {
				rc = -1;
				continue;
			}
			if (mb_test_rm_rf(sub))
				rc = -1;
		}
		if (d)
			closedir(d);
		if (rmdir(path))
			rc = -1;
	} else if (unlink(path)) {
		rc = -1;
	}
	return rc;
}

void mb_test_show_file(const char *path, const char *label)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		print_message("  %s: %s", label ? label : path, line);
	fclose(f);
}

/* ---- running the binary */

void mb_test_exec_in(const char *dir, const char *out, const char *err, const char *bin,
		     const char *const *args)
{
	const char *argv[64];
	int n = 0;
	argv[n++] = bin;
	while (*args && n < 63)
		argv[n++] = *args++;
	argv[n] = NULL;
	int in = open("/dev/null", O_RDONLY);
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || o < 0 || e < 0 || chdir(dir))
		_exit(127);
	dup2(in, 0);
	dup2(o, 1);
	dup2(e, 2);
	execv(bin, (char *const *)argv);
	_exit(127);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int mb_test_wait(pid_t pid, unsigned limit_s, const char *name, const char *errfile)
{
	int st;
	double t0 = now_s();
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		assert_int_equal(r, 0);
		if (now_s() - t0 > limit_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			if (errfile)
				mb_test_show_file(errfile, NULL);
			fail_msg("%s: still running after %u s: killed", name, limit_s);
		}
		struct timespec tick = { 0, 10 * 1000000L };
		while (nanosleep(&tick, &tick) && errno == EINTR)
			;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- this machine */

int mb_test_load_topo(struct mb_topo **topo, unsigned *kmax)
{
	char err[256];
	if (mb_topo_load(topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "mb_topo_load: %s\n", err);
		return -1;
	}
	unsigned slots = mb_topo_slots(*topo, false);
	*kmax = slots < 2 ? slots : 2;
	return 0;
}

/* ---- a whole CSV file read through libcsv */

struct reader {
	struct mb_test_table *t;
	char **cur; /* the fields of the record being read */
	unsigned ncur, capcur, caprows;
	bool header_done;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *rd = data;
	if (rd->ncur == rd->capcur) {
		rd->capcur = rd->capcur ? 2 * rd->capcur : 64;
		rd->cur = realloc(rd->cur, rd->capcur * sizeof(*rd->cur));
		assert_non_null(rd->cur);
	}
	rd->cur[rd->ncur] = strndup(s ? s : "", len);
	assert_non_null(rd->cur[rd->ncur]);
	rd->ncur++;
}

static void on_row(int c, void *data)
{
	struct reader *rd = data;
	struct mb_test_table *t = rd->t;
	if (!rd->header_done) {
		rd->header_done = true;
		t->hdr = rd->cur;
		t->ncols = rd->ncur;
	} else {
		if (rd->ncur != t->ncols)
			t->ragged = true;
		if (t->nrows == rd->caprows) {
			rd->caprows = rd->caprows ? 2 * rd->caprows : 64;
			t->rows = realloc(t->rows, rd->caprows * sizeof(*t->rows));
			t->rowlen = realloc(t->rowlen, rd->caprows * sizeof(*t->rowlen));
			assert_non_null(t->rows);
			assert_non_null(t->rowlen);
		}
		t->rowlen[t->nrows] = rd->ncur;
		t->rows[t->nrows++] = rd->cur;
	}
	rd->cur = NULL;
	rd->ncur = rd->capcur = 0;
}

void mb_test_read_csv(const char *path, struct mb_test_table *t)
{
	struct csv_parser p;
	struct reader rd = { .t = t };
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	memset(t, 0, sizeof(*t));
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &rd) != n)
			fail_msg("%s: not valid CSV: %s", path, csv_strerror(csv_error(&p)));
	if (csv_fini(&p, on_field, on_row, &rd))
		fail_msg("%s: not valid CSV at the end: %s", path, csv_strerror(csv_error(&p)));
	csv_free(&p);
	fclose(f);
	free(rd.cur); /* NULL: csv_fini ended the last record */
	assert_true(rd.header_done);
}

void mb_test_assert_rectangular(const char *path, const struct mb_test_table *t)
{
	for (unsigned r = 0; r < t->nrows; r++)
		if (t->rowlen[r] != t->ncols)
			fail_msg("%s: row %u has %u fields, the header %u", path, r + 2,
				 t->rowlen[r], t->ncols);
}

int mb_test_column(const struct mb_test_table *t, const char *name)
{
	for (unsigned c = 0; c < t->ncols; c++)
		if (!strcmp(t->hdr[c], name))
			return (int)c;
	fail_msg("no column %s", name);
	return -1;
}

void mb_test_free_table(struct mb_test_table *t)
{
	for (unsigned r = 0; r < t->nrows; r++) {
		for (unsigned c = 0; c < t->rowlen[r]; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (unsigned c = 0; c < t->ncols; c++)
		free(t->hdr[c]);
	free(t->hdr);
	free(t->rows);
	free(t->rowlen);
	memset(t, 0, sizeof(*t));
}
