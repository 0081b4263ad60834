/* libFuzzer target: the two CSV readers, on the same bytes written to an
 * in-memory file: the report's reader (mb_report_read, harness/report/report.h)
 * and --resume's (mb_resume_load, harness/run/resume.h); the report's when
 * CMake found harness/report_csv.c (MB_FUZZ_REPORT). Checks their
 * contracts: an error is one non-empty line, a success gives rows whose
 * numeric fields are numbers and whose text fields are strings. */
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

#include "fuzz.h"
#include "mb.h"
#include "report.h"
#include "resume.h"


static int memfd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("fuzz_csv", MFD_CLOEXEC);
		CHECK(memfd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	CHECK(ftruncate(memfd, 0) == 0);
	CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);

#ifdef MB_FUZZ_REPORT
	struct mb_report_input in;
	char err[512];
	memset(&in, 0, sizeof(in));
	int rc = mb_report_read(&in, path, err, sizeof(err));
	if (rc) {
		CHECK(rc < 0);
		/* report_csv.c quotes header fields verbatim: a quoted
		 * field with a newline gives a multi-line error (reported). */
		CHECK_ERR_LINE(err, sizeof(err), "report reader error quotes a newline");
	} else {
		for (size_t i = 0; i < in.nrows; i++) {
			const struct mb_report_row *row = &in.rows[i];
			CHECK(row->line >= 1);
			for (int c = 0; c < MB_NCOLUMNS; c++) {
				if (row->text[c])
					(void)strlen(row->text[c]);
				if (!mb_report_column_numeric(c))
					continue;
				CHECK(isnan(row->num[c]) || isfinite(row->num[c]));
				if (!row->text[c] || !row->text[c][0])
					CHECK(isnan(row->num[c]));
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
#endif

	struct mb_resume *res = NULL;
	char rerr[MB_ERRLEN];
	int n = mb_resume_load(&res, path, rerr, sizeof(rerr));
	if (n < 0)
		CHECK_ERR_LINE(rerr, sizeof(rerr), "resume error quotes a newline");
	else
		(void)mb_resume_has(res, "sleep|sleep:1ms|sync|none|compact|1|1|0|0", 0, false);
	mb_resume_free(res);
	return 0;
}
