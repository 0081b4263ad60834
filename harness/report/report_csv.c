/* Reading run CSVs for the report: base's CSV reader (strict quoting, a
 * NUL byte refused) hands over each record with the line it starts on, so
 * an error can name file, line and column. Columns are matched by name
 * against schema.h; order is free and unknown columns are ignored. */
#include "report_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Where each column is kept in a row (report.h). Numeric columns are
 * checked and parsed; text columns (placement_ok, cpuset, server_cpus,
 * flags...) are kept verbatim, interned. */
#define NUM_SLOT(name) [MB_COL_##name] = 1 + MB_REPORT_NUM_##name,
#define TEXT_SLOT(name) [MB_COL_##name] = -1 - MB_REPORT_TEXT_##name,
const signed char mb_report_slot[MB_NCOLUMNS] = {
	MB_REPORT_NUMERIC(NUM_SLOT) MB_REPORT_TEXT(TEXT_SLOT)
};
#undef NUM_SLOT
#undef TEXT_SLOT
/* A column in both lists is a duplicate initialiser (an error under
 * -Werror); one in neither breaks the count. */
_Static_assert(MB_REPORT_NNUM + MB_REPORT_NTEXT == MB_NCOLUMNS,
	       "every schema.h column is in MB_REPORT_NUMERIC or MB_REPORT_TEXT");

int mb_report_column_numeric(int c)
{
	return c >= 0 && c < MB_NCOLUMNS && mb_report_slot[c] > 0;
}

/* Every column of the README's "CSV" contract is required; the extensions appended after
 * outside_load in schema.h are optional. */
int mb_report_column_required(int c)
{
	return c >= 0 && c < MB_COL_io_fraction;
}

struct reader {
	struct mb_report_input *in;
	const char *path;   /* as given, for messages */
	const char *file;   /* the input's copy, stored in rows */
	long line;          /* line the record being checked starts on */
	int *map;           /* file column -> enum mb_column or -1 */
	char **header;      /* header names, for messages */
	size_t nheader;     /* entries allocated in header */
	size_t ncols;       /* 0 until the header is read */
	char *errbuf;
	size_t errlen;
};

static int fail(struct reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "PATH:LINE: what" into the error buffer; returns err, which stops the
 * read (mb_report_read makes the line printable). */
static int fail(struct reader *r, int err, const char *fmt, ...)
{
	int off = snprintf(r->errbuf, r->errlen, "%s:%ld: ", r->path, r->line);
	if (off < 0 || (size_t)off >= r->errlen)
		return err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errbuf + off, r->errlen - (size_t)off, fmt, ap);
	va_end(ap);
	return err;
}

/* One printable line whatever the file holds: control bytes and non-ASCII
 * become '?', and a long quote is cut. */
static void printable(char *err, size_t errlen)
{
	size_t n = strlen(err);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			err[i] = '?';
	if (n > 200)
		snprintf(err + 196, errlen - 196, "...");
}

/* What a modebench CSV without runs is, from its header: a sweep's meta
 * file (OUTPUT.meta.csv) or a --trace file; NULL for anything else. */
static const char *other_file(char *const *h, size_t n)
{
	static const char *const meta[] = {"sweep_id", "started_at", "host"};
	static const char *const trace[] = {"label", "worker", "slot", "task", "kind"};
	size_t i = 0;
	while (i < n && i < 3 && !strcmp(h[i], meta[i]))
		i++;
	if (i == 3)
		return "a sweep's meta file (the machine it ran on)";
	for (i = 0; i < n && i < 5 && !strcmp(h[i], trace[i]); i++)
		;
	return i == 5 ? "a trace file (--trace)" : NULL;
}

/* The header: takes the names, maps them to schema columns. */
static int read_header(struct reader *r, char **field, size_t n)
{
	r->map = malloc(n * sizeof(*r->map));
	r->header = calloc(n, sizeof(*r->header));
	r->nheader = r->header ? n : 0;
	if (!r->map || !r->header)
		return fail(r, -ENOMEM, "out of memory");
	int seen[MB_NCOLUMNS] = {0};
	for (size_t i = 0; i < n; i++) {
		r->header[i] = field[i];
		field[i] = NULL;
		int c = mb_column_find(r->header[i]);
		r->map[i] = c;
		if (c < 0)
			continue;
		if (seen[c])
			return fail(r, -EINVAL, "column %zu (%s): appears twice in the header",
				    i + 1, r->header[i]);
		seen[c] = 1;
	}
	r->ncols = n;
	const char *other = seen[MB_COL_schema] ? NULL : other_file(r->header, n);
	if (other) {
		snprintf(r->errbuf, r->errlen, "%s: %s, not runs: skipped", r->path, other);
		return -ECANCELED; /* stops the read; mb_report_read returns 1 */
	}
	if (!seen[MB_COL_schema])
		return fail(r, -EINVAL,
			    "column 1 (%s): not a modebench CSV (the header has no 'schema' column)",
			    r->header[0]);
	for (int c = 0; c < MB_NCOLUMNS; c++)
		if (mb_report_column_required(c) && !seen[c])
			return fail(r, -EINVAL,
				    "column %s: required column missing from the header",
				    mb_column_names[c]);
	return 0;
}

/* Strict decimal: optional sign, digits, point, exponent; all of it. */
static int parse_number(const char *s, double *v)
{
	if (!*s) {
		*v = NAN;
		return 0;
	}
	if (strspn(s, "0123456789+-.eE") != strlen(s))
		return -EINVAL;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(d))
		return -EINVAL;
	*v = d;
	return 0;
}

static int is_header_again(const struct reader *r, char *const *field)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (strcmp(field[i], r->header[i]) != 0)
			return 0;
	return 1;
}

/* A new row of in, NANs in every number and no text; NULL when out of
 * memory. */
static struct mb_report_row *new_row(struct mb_report_input *in)
{
	if (in->nrows == in->cap) {
		size_t cap = in->cap ? 2 * in->cap : 256;
		struct mb_report_row *rows = realloc(in->rows, cap * sizeof(*rows));
		if (!rows)
			return NULL;
		in->rows = rows;
		in->cap = cap;
	}
	struct mb_report_row *row = &in->rows[in->nrows];
	memset(row, 0, sizeof(*row));
	for (int c = 0; c < MB_REPORT_NNUM; c++)
		row->val[c] = NAN;
	return row;
}

/* Field i of the record into row: a number parsed, a text interned. */
static int take_field(struct reader *r, struct mb_report_row *row, size_t i,
		      const char *field)
{
	int slot = mb_report_slot[r->map[i]];
	if (slot > 0) {
		if (parse_number(field, &row->val[slot - 1]) < 0)
			return fail(r, -EINVAL, "column %zu (%s): malformed number \"%.40s\"",
				    i + 1, r->header[i], field);
		return 0;
	}
	row->str[-1 - slot] = mb_rep_intern(&r->in->pool, field);
	if (!row->str[-1 - slot])
		return fail(r, -ENOMEM, "out of memory");
	return 0;
}

static int read_row(struct reader *r, char **field, size_t n)
{
	if (n != r->ncols)
		return fail(r, -EINVAL, "column %zu: %zu fields where the header has %zu",
			    n < r->ncols ? n : r->ncols + 1, n, r->ncols);
	if (is_header_again(r, field))
		return 0;
	struct mb_report_row *row = new_row(r->in);
	if (!row)
		return fail(r, -ENOMEM, "out of memory");
	row->file = r->file;
	row->line = r->line;
	r->in->nrows++; /* from here on freed with the input, even on error */
	for (size_t i = 0; i < r->ncols; i++) {
		int ret = r->map[i] < 0 ? 0 : take_field(r, row, i, field[i]);
		if (ret < 0)
			return ret;
	}
	const char *schema = mb_report_text(row, MB_COL_schema);
	char *end;
	long version = strtol(schema, &end, 10);
	if (end != schema && !*end && version > MB_SCHEMA_VERSION)
		return fail(r, -EINVAL,
			    "column schema: schema version %ld is newer than this report reads (%d)",
			    version, MB_SCHEMA_VERSION);
	if (strcmp(mb_report_text(row, MB_COL_status), "ok") == 0 &&
	    mb_report_num(row, MB_COL_warmup) != 1 &&
	    isnan(mb_report_num(row, MB_COL_throughput)))
		return fail(r, -EINVAL, "column throughput: empty in a row with status ok");
	return 0;
}

static int on_record(char **field, size_t n, long line, void *arg)
{
	struct reader *r = arg;
	r->line = line;
	return r->ncols ? read_row(r, field, n) : read_header(r, field, n);
}

static int add_file(struct mb_report_input *in, const char *path,
		    const char **copy)
{
	char **files = realloc(in->files, (in->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	in->files = files;
	files[in->nfiles] = strdup(path);
	if (!files[in->nfiles])
		return -ENOMEM;
	*copy = files[in->nfiles++];
	return 0;
}

int mb_report_read(struct mb_report_input *in, const char *path, char *err,
		   size_t errlen)
{
	struct reader r = {.in = in, .path = path, .errbuf = err, .errlen = errlen};
	const struct mb_csv_opts opts = {
		.flags = MB_CSV_STRICT,
		.nul_error = "column 1: not a modebench CSV (binary data)",
		.record = on_record,
		.arg = &r,
	};
	int ret;

	if (errlen)
		err[0] = '\0';
	ret = add_file(in, path, &r.file);
	if (ret < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return ret;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = mb_csv_read_stream(f, path, &opts, err, errlen);
	fclose(f);
	int skipped = ret == -ECANCELED; /* not runs: err says what it is */
	if (ret == 0) /* no line at all */
		ret = fail(&r, -EINVAL, "column 1: not a modebench CSV (the file is empty)");
	if ((ret < 0 || skipped) && errlen)
		printable(err, errlen);
	for (size_t i = 0; i < r.nheader; i++)
		free(r.header[i]);
	free(r.header);
	free(r.map);
	return skipped ? 1 : ret < 0 ? ret : 0;
}

void mb_report_input_free(struct mb_report_input *in)
{
	free(in->rows);
	for (size_t i = 0; i < in->nfiles; i++)
		free(in->files[i]);
	free(in->files);
	mb_rep_pool_free(in->pool);
	memset(in, 0, sizeof(*in));
}
