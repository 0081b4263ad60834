/* base's CSV reader (harness/base/csvread.h): the exact fields of each
 * record, quoted commas and line breaks, the line each record starts on,
 * a torn last line, strict quoting, NUL bytes, a callback that stops the
 * read, and the error lines. Inputs are byte strings read through
 * fmemopen, so NUL bytes and a missing final newline are exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

#define MAXREC 16
#define MAXFIELD 8

/* What the callback saw. */
struct seen {
	unsigned nrec;
	size_t nfield[MAXREC];
	char *field[MAXREC][MAXFIELD];
	long line[MAXREC];
	unsigned stop_at; /* 1-based record to return -ECANCELED at; 0: never */
};

static int record(char **field, size_t n, long line, void *arg)
{
	struct seen *s = arg;
	assert_true(n >= 1);
	assert_true(s->nrec < MAXREC);
	s->nfield[s->nrec] = n;
	s->line[s->nrec] = line;
	for (size_t i = 0; i < n && i < MAXFIELD; i++) {
		s->field[s->nrec][i] = field[i]; /* kept: the reader must not free it */
		field[i] = NULL;
	}
	s->nrec++;
	return s->stop_at && s->nrec == s->stop_at ? -ECANCELED : 0;
}

static void seen_free(struct seen *s)
{
	for (unsigned r = 0; r < s->nrec; r++)
		for (size_t i = 0; i < s->nfield[r] && i < MAXFIELD; i++)
			free(s->field[r][i]);
	memset(s, 0, sizeof(*s));
}

/* Reads the len bytes of data as the file "t.csv". */
static int read_bytes(const char *data, size_t len, unsigned flags, const char *nul_error,
		      struct seen *s, char *err, size_t errlen)
{
	const struct mb_csv_opts o = {
		.flags = flags, .nul_error = nul_error, .record = record, .arg = s,
	};
	FILE *f = fmemopen((void *)data, len, "r");
	assert_non_null(f);
	int rc = mb_csv_read_stream(f, "t.csv", &o, err, errlen);
	fclose(f);
	return rc;
}

#define READ(lit, flags, s, err) read_bytes(lit, sizeof(lit) - 1, flags, NULL, s, err, sizeof(err))

static void expect_record(const struct seen *s, unsigned r, long line, size_t n, ...)
{
	va_list ap;
	assert_true(r < s->nrec);
	assert_int_equal(s->line[r], line);
	assert_int_equal(s->nfield[r], n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(s->field[r][i], va_arg(ap, const char *));
	va_end(ap);
}

static void test_fields(void **state)
{
	struct seen s = { 0 };
	char err[256];
	(void)state;
	assert_int_equal(READ("a,b,c\n1,,3\n\" x \", y ,\n", 0, &s, err), 3);
	assert_int_equal(s.nrec, 3);
	expect_record(&s, 0, 1, 3, "a", "b", "c");
	expect_record(&s, 1, 2, 3, "1", "", "3");
	/* blanks around an unquoted field go, inside quotes they stay */
	expect_record(&s, 2, 3, 3, " x ", "y", "");
	seen_free(&s);
}

static void test_quoted(void **state)
{
	struct seen s = { 0 };
	char err[256];
	(void)state;
	assert_int_equal(READ("x,\"a,b\",\"two\nlines\",\"say \"\"hi\"\"\"\nnext,1\n", 0, &s, err),
			 3);
	assert_int_equal(s.nrec, 2);
	expect_record(&s, 0, 1, 4, "x", "a,b", "two\nlines", "say \"hi\"");
	expect_record(&s, 1, 3, 2, "next", "1");
	seen_free(&s);
}

/* A record's line is the line of its first byte that is not a blank, even
 * when its first field spans lines; blank lines make no record. */
static void test_lines(void **state)
{
	struct seen s = { 0 };
	char err[256];
	(void)state;
	assert_int_equal(READ("\n\n  \t\na\r\n\r\n\"p\nq\",1\nb\rc\n", 0, &s, err), 8);
	assert_int_equal(s.nrec, 4);
	expect_record(&s, 0, 4, 1, "a");
	expect_record(&s, 1, 6, 2, "p\nq", "1");
	/* a lone CR ends a record but not a line */
	expect_record(&s, 2, 8, 1, "b");
	expect_record(&s, 3, 8, 1, "c");
	seen_free(&s);
}

static void test_torn_last_line(void **state)
{
	struct seen s = { 0 };
	char err[256];
	(void)state;
	assert_int_equal(READ("a,b\nc,d", 0, &s, err), 2);
	assert_int_equal(s.nrec, 2);
	expect_record(&s, 1, 2, 2, "c", "d");
	seen_free(&s);

	/* torn inside a quote: taken as it is, or refused when strict */
	assert_int_equal(READ("a,b\nc,\"d\n", 0, &s, err), 2);
	expect_record(&s, 1, 2, 2, "c", "d\n");
	seen_free(&s);
	assert_int_equal(READ("a,b\nc,\"d\n", MB_CSV_STRICT, &s, err), -EINVAL);
	assert_string_equal(err, "t.csv:2: not valid CSV: error parsing data while strict "
				 "checking enabled (unterminated quote?)");
	assert_int_equal(s.nrec, 1);
	seen_free(&s);
}

static void test_strict(void **state)
{
	struct seen s = { 0 };
	char err[256];
	(void)state;
	assert_int_equal(READ("a,b\"c\n", 0, &s, err), 1);
	expect_record(&s, 0, 1, 2, "a", "b\"c");
	seen_free(&s);
	assert_int_equal(READ("h\n\"a\"b\n", MB_CSV_STRICT, &s, err), -EINVAL);
	assert_string_equal(err, "t.csv:2: not valid CSV: error parsing data while strict "
				 "checking enabled");
	assert_int_equal(s.nrec, 1); /* the record before it was read */
	seen_free(&s);
}

static void test_nul(void **state)
{
	static const char data[] = "a,b\nc\0d,e\nf\n";
	struct seen s = { 0 };
	char err[256];
	(void)state;
	/* without nul_error the field ends at the NUL */
	assert_int_equal(read_bytes(data, sizeof(data) - 1, 0, NULL, &s, err, sizeof(err)), 3);
	assert_int_equal(s.nrec, 3);
	expect_record(&s, 1, 2, 2, "c", "e");
	seen_free(&s);
	/* with it, nothing of that line is read */
	assert_int_equal(read_bytes(data, sizeof(data) - 1, 0, "binary data", &s, err,
				    sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.csv:2: binary data");
	assert_int_equal(s.nrec, 1);
	seen_free(&s);
}

static void test_callback_stops(void **state)
{
	struct seen s = { .stop_at = 2 };
	char err[256];
	(void)state;
	assert_int_equal(READ("a\nb\nc\n", 0, &s, err), -ECANCELED);
	assert_int_equal(s.nrec, 2);
	seen_free(&s);
}

static void test_files(void **state)
{
	struct seen s = { 0 };
	const struct mb_csv_opts o = { .record = record, .arg = &s };
	char err[256], path[] = "/tmp/mb_test_csvread_XXXXXX";
	(void)state;
	assert_int_equal(mb_csv_read("/nonexistent/x.csv", &o, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/x.csv: No such file or directory");
	/* a directory opens but cannot be read */
	assert_int_equal(mb_csv_read("/", &o, err, sizeof(err)), -EIO);
	assert_string_equal(err, "/:0: read error");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mb_csv_read(path, &o, err, sizeof(err)), 0); /* empty */
	assert_int_equal(s.nrec, 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("x,y\n1,2\n", f);
	fclose(f);
	assert_int_equal(mb_csv_read(path, &o, err, sizeof(err)), 2);
	expect_record(&s, 1, 2, 2, "1", "2");
	seen_free(&s);
	unlink(path);
	/* a control byte in the name cannot break the error line */
	assert_int_equal(mb_csv_read("/nonexistent/a\nb", &o, err, sizeof(err)), -ENOENT);
	assert_null(strchr(err, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),	       cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_lines),	       cmocka_unit_test(test_torn_last_line),
		cmocka_unit_test(test_strict),	       cmocka_unit_test(test_nul),
		cmocka_unit_test(test_callback_stops), cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
