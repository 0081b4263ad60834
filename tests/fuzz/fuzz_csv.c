/* libFuzzer target: the CSV readers, on the same bytes written to an
 * in-memory file: base's reader itself (mb_csv_read, harness/base/csvread.h,
 * strict and lenient), and the three built on it: the report's
 * (mb_report_read, harness/report/report.h), --resume's (mb_resume_load,
 * harness/run/resume.h) and the claims' tables (cl_table_load,
 * harness/claims/claims_int.h). Checks their contracts: an error is one
 * non-empty line; records come in order with at least one field, each a
 * string, starting on a line that was read; a report row's numeric
 * fields are numbers and its text fields strings; a table is rectangular. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base.h"
#include "claims_int.h"
#include "fuzz.h"
#include "report.h"
#include "resume.h"


static int memfd = -1;
static char path[64];

/* Each record's line is at least the one before; fields are strings. */
static int record(char **field, size_t n, long line, void *arg)
{
	long *last = arg;
	CHECK(n >= 1);
	CHECK(line >= 1 && line >= *last);
	*last = line;
	for (size_t i = 0; i < n; i++)
		(void)strlen(field[i]);
	return 0;
}

static void check_base_reader(unsigned flags)
{
	long last = 0;
	char err[MB_ERRLEN];
	const struct mb_csv_opts o = {
		.flags = flags, .nul_error = flags ? "binary" : NULL, .record = record,
		.arg = &last,
	};
	int rc = mb_csv_read(path, &o, err, sizeof(err));
	if (rc < 0)
		CHECK_ERR_LINE(err, sizeof(err), "base CSV reader error quotes a newline");
	else
		CHECK(last <= rc);
}

static void check_claims_table(void)
{
	struct cl_table t;
	char err[MB_ERRLEN];
	if (cl_table_load(&t, path, err, sizeof(err))) {
		CHECK_ERR_LINE(err, sizeof(err), "claims table error quotes a newline");
		return;
	}
	CHECK(t.ncol >= 1);
	for (unsigned r = 0; r < t.nrow; r++)
		for (unsigned c = 0; c < t.ncol; c++)
			CHECK(t.rows[r][c] != NULL);
	cl_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("fuzz_csv", MFD_CLOEXEC);
		CHECK(memfd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	CHECK(ftruncate(memfd, 0) == 0);
	CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);
	check_base_reader(0);
	check_base_reader(MB_CSV_STRICT);
	check_claims_table();

	struct mb_report_input in;
	char err[512];
	memset(&in, 0, sizeof(in));
	int rc = mb_report_read(&in, path, err, sizeof(err));
	if (rc) {
		/* 1: a meta or trace CSV, skipped before any row */
		CHECK(rc < 0 || (rc == 1 && in.nrows == 0));
		/* report_csv.c quotes header fields verbatim: a quoted
		 * field with a newline gives a multi-line error (reported). */
		CHECK_ERR_LINE(err, sizeof(err), "report reader error quotes a newline");
	} else {
		for (size_t i = 0; i < in.nrows; i++) {
			const struct mb_report_row *row = &in.rows[i];
			CHECK(row->line >= 1);
			for (int c = 0; c < MB_NCOLUMNS; c++) {
				const char *t = mb_report_text(row, c);
				double v = mb_report_num(row, c);
				/* a column is text or a number, never both */
				CHECK(!t || isnan(v));
				if (t)
					(void)strlen(t);
				if (mb_report_column_numeric(c))
					CHECK(!t && (isnan(v) || isfinite(v)));
				else
					CHECK(isnan(v));
			}
		}
	}
	/* Aggregating what the reader accepted must not crash either. */
	if (!rc && in.nrows) {
		struct mb_report_summary sum;
		memset(&sum, 0, sizeof(sum));
		if (mb_report_aggregate(&in, &sum) == 0)
			mb_report_summary_free(&sum);
	}
	mb_report_input_free(&in);

	struct mb_resume *res = NULL;
	char rerr[MB_ERRLEN];
	int n = mb_resume_load(&res, path, rerr, sizeof(rerr));
	if (n < 0)
		CHECK_ERR_LINE(rerr, sizeof(rerr), "resume error quotes a newline");
	else
		(void)mb_resume_has(res, "sleep|sleep:1ms|sync|none|compact|1|1|0|0|0|", "", 0,
				    false);
	mb_resume_free(res);
	return 0;
}
