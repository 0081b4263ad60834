/* Tests of harness/run/csvout.h and harness/base/schema.h: rows written with
 * mb_csv_write_row are read back through libcsv (the parser the report and
 * --resume use, with the same options) and every field must round-trip;
 * reopening appends without a second header; a foreign file is refused and
 * left byte-identical; a last row torn by a crash of the machine is found
 * wherever the tear is, cut off on open and not resumed (resume.h). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <csv.h>

#include "csvout.h"
#include "resume.h"
#include "schema.h"

/* ---- helpers: a temporary directory per test, files, libcsv reading */

struct tmp {
	char dir[256];
	char path[320];
};

static int setup_tmp(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/mbcsvXXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/runs.csv", t->dir);
	*state = t;
	return 0;
}

static int teardown_tmp(void **state)
{
	struct tmp *t = *state;
	char cmd[600];
	/* the directory holds only files this test made */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	assert_non_null(f);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
	assert_int_equal(fclose(f), 0);
}

#define MAX_RECORDS 64
#define MAX_FIELDS (MB_NCOLUMNS + 8)

struct table {
	unsigned nrec;
	unsigned nfields[MAX_RECORDS];
	char *f[MAX_RECORDS][MAX_FIELDS];
	unsigned cur; /* fields in the record being read */
	int overflow;
};

static void on_field(void *s, size_t len, void *data)
{
	struct table *t = data;
	if (t->nrec >= MAX_RECORDS || t->cur >= MAX_FIELDS) {
		t->overflow = 1;
		return;
	}
	char *v = malloc(len + 1);
	assert_non_null(v);
	memcpy(v, s ? s : "", len);
	v[len] = 0;
	t->f[t->nrec][t->cur++] = v;
}

static void on_record(int c, void *data)
{
	struct table *t = data;
	if (t->nrec >= MAX_RECORDS) {
		t->overflow = 1;
		return;
	}
	t->nfields[t->nrec++] = t->cur;
	t->cur = 0;
}

/* Parses a whole file as the report does: libcsv, strict. */
static struct table *parse_csv(const char *path)
{
	struct table *t = calloc(1, sizeof(*t));
	struct csv_parser p;
	size_t len;
	char *buf = read_file(path, &len);
	assert_non_null(t);
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
	size_t used = csv_parse(&p, buf, len, on_field, on_record, t);
	if (used != len)
		print_error("%s: libcsv stopped at byte %zu of %zu: %s\n", path, used, len,
			    csv_strerror(csv_error(&p)));
	assert_int_equal(used, len);
	assert_int_equal(csv_fini(&p, on_field, on_record, t), 0);
	csv_free(&p);
	free(buf);
	assert_false(t->overflow);
	return t;
}

static void free_table(struct table *t)
{
	for (unsigned r = 0; r < MAX_RECORDS; r++)
		for (unsigned i = 0; i < MAX_FIELDS; i++)
			free(t->f[r][i]);
	free(t);
}

static void assert_header(const struct table *t, unsigned rec, unsigned ncols)
{
	assert_int_equal(t->nfields[rec], ncols);
	for (unsigned i = 0; i < ncols; i++)
		assert_string_equal(t->f[rec][i], mb_column_names[i]);
}

/* ---- the values written: every awkward character CSV has */

static const char *const awkward[] = {
	"a,b",		     "say \"hi\"",  "line1\nline2", "cr\r\nlf", "\"",
	",,",		     "\"quoted\"",  "",		    "tail,",	",head",
	"x\"\"y",	     "\n",	    "µs ünïcode",   "semi;colon", "tab\there",
	"many\n\nlines\n",  "=1+2",
};
#define NAWKWARD (sizeof(awkward) / sizeof(awkward[0]))

/* Value of column i in row r: a plain token, an awkward one, or NULL. */
static const char *cell(unsigned r, unsigned i, char *buf, size_t len)
{
	unsigned k = r * 7 + i;
	if (k % 11 == 5)
		return NULL; /* written as an empty field */
	if (k % 3 == 0)
		return awkward[(k / 3) % NAWKWARD];
	snprintf(buf, len, "r%u-c%u-%s", r, i, mb_column_names[i]);
	return buf;
}

static void write_rows(struct mb_csv *c, unsigned first, unsigned n)
{
	static char bufs[MB_NCOLUMNS][96];
	const char *vals[MB_NCOLUMNS];
	for (unsigned r = first; r < first + n; r++) {
		for (unsigned i = 0; i < MB_NCOLUMNS; i++)
			vals[i] = cell(r, i, bufs[i], sizeof(bufs[i]));
		assert_int_equal(mb_csv_write_row(c, vals), 0);
	}
}

static void check_rows(const struct table *t, unsigned rec0, unsigned first, unsigned n,
		       unsigned ncols)
{
	char buf[96];
	for (unsigned r = first; r < first + n; r++) {
		unsigned rec = rec0 + (r - first);
		assert_true(rec < t->nrec);
		assert_int_equal(t->nfields[rec], ncols);
		for (unsigned i = 0; i < ncols; i++) {
			const char *v = cell(r, i, buf, sizeof(buf));
			if (strcmp(t->f[rec][i], v ? v : "")) {
				print_error("row %u column %s: read '%s', wrote '%s'\n", r,
					    mb_column_names[i], t->f[rec][i], v ? v : "(NULL)");
				fail();
			}
		}
	}
}

/* ---- tests */

static void test_roundtrip(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv *c = NULL;
	char err[256] = "";

	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	assert_non_null(c);
	write_rows(c, 0, 6);
	mb_csv_close(c);

	struct table *t = parse_csv(tmp->path);
	assert_int_equal(t->nrec, 7);
	assert_header(t, 0, MB_NCOLUMNS);
	check_rows(t, 1, 0, 6, MB_NCOLUMNS);
	free_table(t);

	/* every row ends with a newline: the file ends with one */
	size_t len;
	char *raw = read_file(tmp->path, &len);
	assert_true(len > 0 && raw[len - 1] == '\n');
	free(raw);
}

/* Fields that begin or end with blanks must come back as written: libcsv
 * (as the report and --resume use it) drops blanks around unquoted fields,
 * so the writer has to quote them. */
static void test_roundtrip_blanks(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv *c = NULL;
	char err[256] = "";
	static const char *blank[] = { " lead", "trail ", " both ", "\ttab", " ", "in side" };
	const char *vals[MB_NCOLUMNS] = { 0 };

	for (unsigned i = 0; i < MB_NCOLUMNS; i++)
		vals[i] = blank[i % (sizeof(blank) / sizeof(blank[0]))];
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	assert_int_equal(mb_csv_write_row(c, vals), 0);
	mb_csv_close(c);

	struct table *t = parse_csv(tmp->path);
	assert_int_equal(t->nrec, 2);
	assert_int_equal(t->nfields[1], MB_NCOLUMNS);
	for (unsigned i = 0; i < MB_NCOLUMNS; i++)
		if (strcmp(t->f[1][i], vals[i])) {
			print_error("column %s: read '%s', wrote '%s'\n", mb_column_names[i],
				    t->f[1][i], vals[i]);
			fail();
		}
	free_table(t);
}

static void test_reopen_appends_without_header(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv *c = NULL;
	char err[256] = "";

	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	write_rows(c, 0, 3);
	mb_csv_close(c);
	c = NULL;
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	write_rows(c, 3, 2);
	mb_csv_close(c);
	c = NULL;
	/* opened and closed without writing: nothing changes */
	size_t len1, len2;
	char *before = read_file(tmp->path, &len1);
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	mb_csv_close(c);
	char *after = read_file(tmp->path, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(before, after, len1);
	free(before);
	free(after);

	struct table *t = parse_csv(tmp->path);
	assert_int_equal(t->nrec, 1 + 5);
	assert_header(t, 0, MB_NCOLUMNS);
	check_rows(t, 1, 0, 5, MB_NCOLUMNS);
	/* the header appears once */
	for (unsigned r = 1; r < t->nrec; r++)
		assert_string_not_equal(t->f[r][0], "schema");
	free_table(t);
}

static void test_empty_file_gets_header(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv *c = NULL;
	char err[256] = "";

	write_file(tmp->path, "");
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	write_rows(c, 0, 1);
	mb_csv_close(c);
	struct table *t = parse_csv(tmp->path);
	assert_int_equal(t->nrec, 2);
	assert_header(t, 0, MB_NCOLUMNS);
	check_rows(t, 1, 0, 1, MB_NCOLUMNS);
	free_table(t);
}

/* An older schema whose header is a prefix of ours (through outside_load,
 * the contract's columns) is accepted and rows keep its width. */
static void test_older_prefix_schema(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv *c = NULL;
	char err[256] = "", hdr[4096];
	unsigned n = MB_COL_outside_load + 1;

	int len = mb_csv_format_row(hdr, sizeof(hdr) - 1, mb_column_names, n);
	assert_true(len > 0);
	hdr[len++] = '\n';
	hdr[len] = 0;
	write_file(tmp->path, hdr);
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	write_rows(c, 0, 2);
	mb_csv_close(c);
	struct table *t = parse_csv(tmp->path);
	assert_int_equal(t->nrec, 3);
	assert_header(t, 0, n);
	check_rows(t, 1, 0, 2, n);
	free_table(t);
}

static void test_foreign_header_refused(void **state)
{
	struct tmp *tmp = *state;
	char prefix_short[256];
	int l = mb_csv_format_row(prefix_short, sizeof(prefix_short) - 2, mb_column_names, 3);
	assert_true(l > 0);
	strcat(prefix_short, "\n1,2,3\n");
	const char *foreign[] = {
		"a,b,c\n1,2,3\n",
		"schema,run_id,bogus\n1,2,3\n",
		prefix_short, /* too short a prefix to be a modebench header */
		"hello world\n",
		"no newline at all",
		"\"schema\",run_id\n",
	};
	for (unsigned i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		struct mb_csv *c = NULL;
		char err[256] = "";
		size_t len;
		write_file(tmp->path, foreign[i]);
		int rc = mb_csv_open(&c, tmp->path, err, sizeof(err));
		if (rc == 0)
			print_error("foreign file #%u accepted\n", i);
		assert_true(rc < 0);
		assert_null(c);
		assert_non_null(strstr(err, "-o"));
		assert_null(strchr(err, '\n'));
		char *after = read_file(tmp->path, &len);
		assert_int_equal(len, strlen(foreign[i]));
		assert_memory_equal(after, foreign[i], len);
		free(after);
	}
}

static void test_open_error_creates_nothing(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv *c = NULL;
	char err[256] = "", path[400];
	struct stat st;

	snprintf(path, sizeof(path), "%s/no/such/dir/x.csv", tmp->dir);
	assert_true(mb_csv_open(&c, path, err, sizeof(err)) < 0);
	assert_null(c);
	assert_non_null(strstr(err, "-o"));
	snprintf(path, sizeof(path), "%s/no", tmp->dir);
	assert_int_not_equal(stat(path, &st), 0);
}

static void test_format_row(void **state)
{
	char buf[256];
	const char *vals[] = { "a", NULL, "b,c", "d\"e", "" };
	int n = mb_csv_format_row(buf, sizeof(buf), vals, 5);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "a,,\"b,c\",\"d\"\"e\",");
	/* too small a buffer is -ENOSPC, never an overrun */
	char small[8];
	memset(small, 'Z', sizeof(small));
	assert_int_equal(mb_csv_format_row(small, 4, vals, 5), -ENOSPC);
	assert_true(small[4] == 'Z' && small[7] == 'Z');
}

static void test_column_find(void **state)
{
	assert_true(MB_NCOLUMNS > MB_COL_outside_load);
	for (int i = 0; i < MB_NCOLUMNS; i++) {
		assert_non_null(mb_column_names[i]);
		assert_int_equal(mb_column_find(mb_column_names[i]), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(mb_column_names[i], mb_column_names[j]);
	}
	assert_int_equal(mb_column_find("nonesuch"), -1);
	assert_int_equal(mb_column_find(""), -1);
	assert_int_equal(mb_column_find("Schema"), -1);
	assert_int_equal(mb_column_find("schema "), -1);

	/* the contract's columns, in its order, come first */
	static const char *design =
		"schema,run_id,rep,warmup,started_at,host,cpu_model,topology,kernel,version,"
		"workload,recipe,mode,backend,policy,cores,cpuset,workers,concurrency,rate,gil_us,"
		"work_units,status,error,tasks,wall_s,throughput,lat_mean_us,lat_p50_us,lat_p90_us,"
		"lat_p99_us,lat_p999_us,lat_max_us,user_s,sys_s,cpu_util,ctx_vol,ctx_invol,"
		"max_rss_kb,placement_ok,outside_load";
	char copy[1024], *save, *tok;
	int i = 0;
	snprintf(copy, sizeof(copy), "%s", design);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++) {
		assert_true(i < MB_NCOLUMNS);
		assert_string_equal(mb_column_names[i], tok);
		assert_int_equal(mb_column_find(tok), i);
	}
	assert_int_equal(i, MB_COL_outside_load + 1);
}

/* ---- a last row torn by a crash of the machine */

static void write_bytes(const char *path, const char *buf, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void tail_of(const char *path, struct mb_csv_tail *t)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(mb_csv_tail(fd, t), 0);
	close(fd);
}

/* Header and rows 0..n-1 of write_rows (every awkward value: quoted
 * commas, quotes and line breaks) in path, made anew; returns the whole file and
 * sets *start to where the last row starts. */
static char *rows_file(const char *path, unsigned n, size_t *len, size_t *start)
{
	struct mb_csv *c = NULL;
	char err[256] = "";
	unlink(path);
	assert_int_equal(mb_csv_open(&c, path, err, sizeof(err)), 0);
	write_rows(c, 0, n - 1);
	mb_csv_close(c);
	*start = (size_t)file_size(path);
	assert_int_equal(mb_csv_open(&c, path, err, sizeof(err)), 0);
	write_rows(c, n - 1, 1);
	mb_csv_close(c);
	return read_file(path, len);
}

/* Wherever the last row is cut, inside a quoted line break, a doubled
 * quote or just before its newline, the complete rows end where it
 * starts; a zero-filled tail (a file extended but not written) is cut
 * the same way. */
static void test_tail_every_cut(void **state)
{
	struct tmp *tmp = *state;
	struct mb_csv_tail t;
	size_t len, start;
	char *raw = rows_file(tmp->path, 3, &len, &start);
	for (size_t p = start; p <= len; p++) {
		write_bytes(tmp->path, raw, p);
		tail_of(tmp->path, &t);
		assert_int_equal(t.size, p);
		if (t.keep != (off_t)(p == len ? len : start))
			fail_msg("cut at byte %zu of %zu: keep %lld, expected %zu", p, len,
				 (long long)t.keep, p == len ? len : start);
		assert_int_equal(t.rows, p == len ? 3 : 2);
	}
	char *zeros = calloc(1, len + 100);
	assert_non_null(zeros);
	memcpy(zeros, raw, len);
	write_bytes(tmp->path, zeros, len + 100);
	tail_of(tmp->path, &t);
	assert_int_equal(t.keep, len);
	assert_int_equal(t.rows, 3);
	free(zeros);
	free(raw);
}

/* A plain row numbered r whose status is ok (no quoting: commas count
 * fields); *status_end is the offset just past "ok,". */
static int plain_row(char *buf, size_t len, unsigned r, size_t *status_end)
{
	char rep[16], vals_s[MB_NCOLUMNS][24];
	const char *vals[MB_NCOLUMNS];
	for (unsigned i = 0; i < MB_NCOLUMNS; i++) {
		snprintf(vals_s[i], sizeof(vals_s[i]), "v%u", i);
		vals[i] = vals_s[i];
	}
	snprintf(rep, sizeof(rep), "%u", r);
	vals[MB_COL_status] = "ok";
	vals[MB_COL_rep] = rep;
	vals[MB_COL_warmup] = "0";
	int n = mb_csv_format_row(buf, (unsigned)len, vals, MB_NCOLUMNS);
	assert_true(n > 0);
	*status_end = (size_t)(strstr(buf, ",ok,") - buf) + 4;
	return n;
}

/* Two rows on disk, then a third torn: before its status field, just
 * after it (the status survived), and with only its newline missing.
 * Opening cuts it off and says so in one line; the next row starts on a
 * line of its own and the file reads back strictly, every row whole. */
static void test_torn_row_cut_on_open(void **state)
{
	struct tmp *tmp = *state;
	char row[4096], note[600];
	size_t status_end;
	int rowlen = plain_row(row, sizeof(row), 2, &status_end);
	const size_t cuts[] = { 5, status_end, status_end + 3, (size_t)rowlen };
	snprintf(note, sizeof(note), "-o %s: the last row was incomplete (a crash?): cut back "
		 "to 2 complete rows", tmp->path);
	for (unsigned k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
		size_t len, start;
		char *raw = rows_file(tmp->path, 2, &len, &start);
		char *torn = malloc(len + (size_t)rowlen);
		assert_non_null(torn);
		memcpy(torn, raw, len);
		memcpy(torn + len, row, cuts[k]);
		write_bytes(tmp->path, torn, len + cuts[k]);

		struct mb_csv *c = NULL;
		char err[256] = "";
		assert_int_equal(mb_csv_check(tmp->path, err, sizeof(err)), 0);
		assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
		assert_non_null(mb_csv_note(c));
		assert_string_equal(mb_csv_note(c), note);
		assert_int_equal(file_size(tmp->path), len);
		write_rows(c, 2, 1);
		mb_csv_close(c);
		struct table *t = parse_csv(tmp->path);
		assert_int_equal(t->nrec, 4);
		check_rows(t, 1, 0, 3, MB_NCOLUMNS);
		free_table(t);
		free(torn);
		free(raw);
	}
}

/* A whole last line with the wrong number of fields is not a row: cut;
 * a file whose rows are all whole is left as it is, with no note. */
static void test_short_last_line_cut(void **state)
{
	struct tmp *tmp = *state;
	size_t len, start;
	char *raw = rows_file(tmp->path, 2, &len, &start);
	char *torn = malloc(len + 16);
	assert_non_null(torn);
	memcpy(torn, raw, len);
	memcpy(torn + len, "1,2,3\n", 6);
	write_bytes(tmp->path, torn, len + 6);
	struct mb_csv *c = NULL;
	char err[256] = "";
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	assert_non_null(mb_csv_note(c));
	assert_non_null(strstr(mb_csv_note(c), "cut back to 2 complete rows"));
	mb_csv_close(c);
	assert_int_equal(file_size(tmp->path), len);

	c = NULL;
	assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
	assert_null(mb_csv_note(c));
	mb_csv_close(c);
	assert_int_equal(file_size(tmp->path), len);
	free(torn);
	free(raw);
}

/* A header torn before its newline (a crash right after the sweep
 * started) is no foreign file: it is cut back and written whole. */
static void test_torn_header(void **state)
{
	struct tmp *tmp = *state;
	char hdr[4096];
	int n = mb_csv_format_row(hdr, sizeof(hdr), mb_column_names, MB_NCOLUMNS);
	assert_true(n > 10);
	const size_t cuts[] = { 1, (size_t)n / 2, (size_t)n };
	for (unsigned k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
		struct mb_csv *c = NULL;
		char err[256] = "";
		write_bytes(tmp->path, hdr, cuts[k]);
		assert_int_equal(mb_csv_check(tmp->path, err, sizeof(err)), 0);
		assert_int_equal(mb_csv_open(&c, tmp->path, err, sizeof(err)), 0);
		assert_non_null(mb_csv_note(c));
		assert_non_null(strstr(mb_csv_note(c), "cut back to 0 complete rows"));
		write_rows(c, 0, 1);
		mb_csv_close(c);
		struct table *t = parse_csv(tmp->path);
		assert_int_equal(t->nrec, 2);
		assert_header(t, 0, MB_NCOLUMNS);
		check_rows(t, 1, 0, 1, MB_NCOLUMNS);
		free_table(t);
	}
}

/* --resume reads the complete rows only: a torn last row whose status
 * survived is not a completed run. */
static void test_resume_skips_torn_row(void **state)
{
	struct tmp *tmp = *state;
	static const char key[] = "sleep|sleep:1ms|sync|epoll|compact|1|1|0|0|0|";
	char rows[3][4096], file[16384];
	size_t len = 0, status_end = 0;
	int n = mb_csv_format_row(file, sizeof(file), mb_column_names, MB_NCOLUMNS);
	file[n++] = '\n';
	len = (size_t)n;
	for (unsigned r = 0; r < 3; r++) {
		const char *vals[MB_NCOLUMNS] = { 0 };
		char rep[8];
		snprintf(rep, sizeof(rep), "%u", r);
		vals[MB_COL_workload] = "sleep";
		vals[MB_COL_recipe] = "sleep:1ms";
		vals[MB_COL_mode] = "sync";
		vals[MB_COL_backend] = "epoll";
		vals[MB_COL_policy] = "compact";
		vals[MB_COL_cores] = vals[MB_COL_concurrency] = "1";
		vals[MB_COL_rate] = vals[MB_COL_gil_us] = vals[MB_COL_warmup] = "0";
		vals[MB_COL_rep] = rep;
		vals[MB_COL_status] = "ok";
		n = mb_csv_format_row(rows[r], sizeof(rows[r]), vals, MB_NCOLUMNS);
		assert_true(n > 0);
		status_end = (size_t)(strstr(rows[r], ",ok,") - rows[r]) + 4;
		size_t take = r < 2 ? (size_t)n : status_end; /* the third torn */
		memcpy(file + len, rows[r], take);
		len += take;
		if (r < 2)
			file[len++] = '\n';
	}
	write_bytes(tmp->path, file, len);
	struct mb_resume *res = NULL;
	char err[256] = "";
	assert_int_equal(mb_resume_load(&res, tmp->path, err, sizeof(err)), 2);
	assert_true(mb_resume_has(res, key, "", 0, false));
	assert_true(mb_resume_has(res, key, "", 1, false));
	assert_false(mb_resume_has(res, key, "", 2, false));
	/* the same configuration under --smt, or a remote --mem-policy, is
	 * another run */
	assert_false(mb_resume_has(res, "sleep|sleep:1ms|sync|epoll|compact|1|1|0|0|1|", "", 0,
				   false));
	assert_false(mb_resume_has(res, "sleep|sleep:1ms|sync|epoll|compact|1|1|0|0|0|remote", "",
				   0, false));
	/* the label is part of a run's identity */
	assert_false(mb_resume_has(res, key, "kernel-6.8", 0, false));
	mb_resume_free(res);
	/* whole, the third row counts */
	file[len - status_end] = 0;
	len = strlen(file);
	n = snprintf(file + len, sizeof(file) - len, "%s\n", rows[2]);
	write_bytes(tmp->path, file, len + (size_t)n);
	assert_int_equal(mb_resume_load(&res, tmp->path, err, sizeof(err)), 3);
	assert_true(mb_resume_has(res, key, "", 2, false));
	mb_resume_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_roundtrip_blanks, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_reopen_appends_without_header, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_empty_file_gets_header, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_older_prefix_schema, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_foreign_header_refused, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_open_error_creates_nothing, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_tail_every_cut, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_torn_row_cut_on_open, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_short_last_line_cut, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_torn_header, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_resume_skips_torn_row, setup_tmp,
						teardown_tmp),
		cmocka_unit_test(test_format_row),
		cmocka_unit_test(test_column_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
