/* Reading run CSVs for the report: libcsv's push parser fed one physical
 * line at a time, so that every record knows the line it started on and an
 * error can name file, line and column. Columns are matched by name
 * against schema.h; order is free and unknown columns are ignored. */
#include "report.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Columns whose fields are numbers. Text columns (placement_ok, cpuset,
 * server_cpus, flags...) are kept verbatim and never parsed. */
static const enum mb_column numeric_columns[] = {
	MB_COL_rep,         MB_COL_warmup,      MB_COL_cores,
	MB_COL_workers,     MB_COL_concurrency, MB_COL_rate,
	MB_COL_gil_us,      MB_COL_work_units,  MB_COL_tasks,
	MB_COL_wall_s,      MB_COL_throughput,  MB_COL_lat_mean_us,
	MB_COL_lat_p50_us,  MB_COL_lat_p90_us,  MB_COL_lat_p99_us,
	MB_COL_lat_p999_us, MB_COL_lat_max_us,  MB_COL_user_s,
	MB_COL_sys_s,       MB_COL_cpu_util,    MB_COL_ctx_vol,
	MB_COL_ctx_invol,   MB_COL_max_rss_kb,  MB_COL_outside_load,
	MB_COL_io_fraction, MB_COL_svc_mean_us, MB_COL_svc_p50_us,
	MB_COL_svc_p99_us,  MB_COL_svc_p999_us, MB_COL_bytes_per_s,
};

int mb_report_column_numeric(int c)
{
	for (size_t i = 0; i < sizeof(numeric_columns) / sizeof(numeric_columns[0]); i++)
		if ((int)numeric_columns[i] == c)
			return 1;
	return 0;
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
	long line;          /* physical line being fed */
	long rec_line;      /* line the current record started on, 0: none */
	char **fields;      /* current record */
	size_t nfields, capfields;
	int *map;           /* file column -> enum mb_column or -1 */
	char **header;      /* header names, for messages */
	size_t nheader;     /* entries allocated in header */
	size_t ncols;       /* 0 until the header is read */
	int err;            /* first error, 0 if none */
	char *errbuf;
	size_t errlen;
};

static void fail(struct reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first error only; later callbacks see r->err and do nothing. */
static void fail(struct reader *r, int err, const char *fmt, ...)
{
	if (r->err)
		return;
	r->err = err;
	int off = snprintf(r->errbuf, r->errlen, "%s:%ld: ", r->path,
			   r->rec_line ? r->rec_line : r->line);
	if (off < 0 || (size_t)off >= r->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errbuf + off, r->errlen - (size_t)off, fmt, ap);
	va_end(ap);
	/* One printable line whatever the file holds: control bytes and
	 * non-ASCII become '?', and a long quote is cut. */
	size_t n = strlen(r->errbuf);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)r->errbuf[i] < 0x20 || (unsigned char)r->errbuf[i] >= 0x7f)
			r->errbuf[i] = '?';
	if (n > 200)
		snprintf(r->errbuf + 196, r->errlen - 196, "...");
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->err)
		return;
	if (!r->rec_line)
		r->rec_line = r->line;
	if (r->nfields == r->capfields) {
		size_t cap = r->capfields ? 2 * r->capfields : 64;
		char **f = realloc(r->fields, cap * sizeof(*f));
		if (!f) {
			fail(r, -ENOMEM, "out of memory");
			return;
		}
		r->fields = f;
		r->capfields = cap;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		fail(r, -ENOMEM, "out of memory");
		return;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	r->fields[r->nfields++] = copy;
}

static void clear_fields(struct reader *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	r->nfields = 0;
	r->rec_line = 0;
}

static void read_header(struct reader *r)
{
	r->map = malloc(r->nfields * sizeof(*r->map));
	r->header = calloc(r->nfields, sizeof(*r->header));
	r->nheader = r->header ? r->nfields : 0;
	if (!r->map || !r->header) {
		fail(r, -ENOMEM, "out of memory");
		return;
	}
	int seen[MB_NCOLUMNS] = {0};
	for (size_t i = 0; i < r->nfields; i++) {
		r->header[i] = r->fields[i];
		r->fields[i] = NULL;
		int c = mb_column_find(r->header[i]);
		r->map[i] = c;
		if (c < 0)
			continue;
		if (seen[c]) {
			fail(r, -EINVAL, "column %zu (%s): appears twice in the header",
			     i + 1, r->header[i]);
			return;
		}
		seen[c] = 1;
	}
	r->ncols = r->nfields;
	if (!seen[MB_COL_schema]) {
		fail(r, -EINVAL,
		     "column 1 (%s): not a modebench CSV (the header has no 'schema' column)",
		     r->ncols ? r->header[0] : "");
		return;
	}
	for (int c = 0; c < MB_NCOLUMNS; c++)
		if (mb_report_column_required(c) && !seen[c]) {
			fail(r, -EINVAL,
			     "column %s: required column missing from the header",
			     mb_column_names[c]);
			return;
		}
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

static int is_header_again(const struct reader *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i], r->header[i]) != 0)
			return 0;
	return 1;
}

static void read_row(struct reader *r)
{
	if (r->nfields != r->ncols) {
		fail(r, -EINVAL,
		     "column %zu: %zu fields where the header has %zu",
		     r->nfields < r->ncols ? r->nfields : r->ncols + 1,
		     r->nfields, r->ncols);
		return;
	}
	if (is_header_again(r))
		return;
	struct mb_report_input *in = r->in;
	if (in->nrows == in->cap) {
		size_t cap = in->cap ? 2 * in->cap : 256;
		struct mb_report_row *rows = realloc(in->rows, cap * sizeof(*rows));
		if (!rows) {
			fail(r, -ENOMEM, "out of memory");
			return;
		}
		in->rows = rows;
		in->cap = cap;
	}
	struct mb_report_row *row = &in->rows[in->nrows];
	memset(row, 0, sizeof(*row));
	for (int c = 0; c < MB_NCOLUMNS; c++)
		row->num[c] = NAN;
	row->file = r->file;
	row->line = r->rec_line;
	in->nrows++; /* from here on freed with the input, even on error */
	for (size_t i = 0; i < r->ncols; i++) {
		int c = r->map[i];
		if (c < 0)
			continue;
		row->text[c] = r->fields[i];
		r->fields[i] = NULL;
		if (mb_report_column_numeric(c) &&
		    parse_number(row->text[c], &row->num[c]) < 0) {
			fail(r, -EINVAL,
			     "column %zu (%s): malformed number \"%.40s\"",
			     i + 1, r->header[i], row->text[c]);
			return;
		}
	}
	const char *schema = row->text[MB_COL_schema];
	char *end;
	long version = strtol(schema, &end, 10);
	if (end != schema && !*end && version > MB_SCHEMA_VERSION) {
		fail(r, -EINVAL,
		     "column schema: schema version %ld is newer than this report reads (%d)",
		     version, MB_SCHEMA_VERSION);
		return;
	}
	if (strcmp(row->text[MB_COL_status], "ok") == 0 &&
	    row->num[MB_COL_warmup] != 1 && isnan(row->num[MB_COL_throughput])) {
		fail(r, -EINVAL,
		     "column throughput: empty in a row with status ok");
		return;
	}
}

static void on_record(int c, void *data)
{
	struct reader *r = data;
	(void)c;
	if (!r->err) {
		if (!r->ncols)
			read_header(r);
		else
			read_row(r);
	}
	clear_fields(r);
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
	struct reader r = {.in = in, .path = path, .errbuf = err,
			   .errlen = errlen};
	struct csv_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
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
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	while (!r.err && (len = getline(&line, &cap, f)) > 0) {
		r.line++;
		if (memchr(line, '\0', (size_t)len)) {
			fail(&r, -EINVAL,
			     "column 1: not a modebench CSV (binary data)");
			break;
		}
		if ((size_t)len != csv_parse(&p, line, (size_t)len, on_field,
					     on_record, &r) && !r.err)
			fail(&r, -EINVAL, "not valid CSV: %s",
			     csv_strerror(csv_error(&p)));
	}
	if (!r.err && ferror(f))
		fail(&r, -EIO, "read error");
	if (!r.err && r.line == 0)
		fail(&r, -EINVAL, "column 1: not a modebench CSV (the file is empty)");
	if (!r.err && csv_fini(&p, on_field, on_record, &r) != 0)
		fail(&r, -EINVAL, "not valid CSV: %s (unterminated quote?)",
		     csv_strerror(csv_error(&p)));
	csv_free(&p);
	free(line);
	fclose(f);
	clear_fields(&r);
	free(r.fields);
	for (size_t i = 0; i < r.nheader; i++)
		free(r.header[i]);
	free(r.header);
	free(r.map);
	return r.err;
}

void mb_report_input_free(struct mb_report_input *in)
{
	for (size_t i = 0; i < in->nrows; i++)
		for (int c = 0; c < MB_NCOLUMNS; c++)
			free(in->rows[i].text[c]);
	free(in->rows);
	for (size_t i = 0; i < in->nfiles; i++)
		free(in->files[i]);
	free(in->files);
	memset(in, 0, sizeof(*in));
}
