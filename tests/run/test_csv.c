/* Tests of harness/run/csvout.h and harness/base/schema.h: rows written with
 * mb_csv_write_row are read back through libcsv (the parser the report and
 * --resume use, with the same options) and every field must round-trip;
 * reopening appends without a second header; a foreign file is refused and
 * left byte-identical. */
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
		cmocka_unit_test(test_format_row),
		cmocka_unit_test(test_column_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
