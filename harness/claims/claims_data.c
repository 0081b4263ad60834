/* Reading back what the claims' runs wrote: a CSV with a header line
 * (run CSVs, trace files) read by base's CSV reader into rows of strings,
 * looked up by column name so a column added to the schema changes
 * nothing here. A repeated header line (files joined with cat) and a
 * record of one empty field are skipped. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_int.h"
#include "base.h"

/* The header, then one row per record: the first ncol fields are kept
 * (short rows are filled in by cl_table_load), the rest freed. */
static int on_record(char **field, size_t n, long line, void *arg)
{
	struct cl_table *t = arg;
	(void)line;
	if (!t->hdr) {
		if (!(t->hdr = calloc(n, sizeof(*t->hdr))))
			return -ENOMEM;
		memcpy(t->hdr, field, n * sizeof(*field));
		memset(field, 0, n * sizeof(*field));
		t->ncol = (unsigned)n;
		return 0;
	}
	if (!strcmp(field[0], t->hdr[0]) || (n == 1 && !field[0][0]))
		return 0;
	if (t->nrow == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 256;
		char ***p = realloc(t->rows, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		t->rows = p;
		t->cap = cap;
	}
	char **row = calloc(t->ncol, sizeof(*row));
	if (!row)
		return -ENOMEM;
	for (unsigned i = 0; i < n && i < t->ncol; i++) {
		row[i] = field[i];
		field[i] = NULL;
	}
	t->rows[t->nrow++] = row;
	return 0;
}

int cl_table_load(struct cl_table *t, const char *path, char *err, size_t errlen)
{
	const struct mb_csv_opts opts = { .record = on_record, .arg = t };
	int rc;
	FILE *f;

	memset(t, 0, sizeof(*t));
	if (!(f = fopen(path, "r"))) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	rc = mb_csv_read_stream(f, path, &opts, err, errlen);
	fclose(f);
	if (rc == -EIO || rc == -ENOMEM)
		snprintf(err, errlen, "%s: %s", path, rc == -EIO ? "read error" : "out of memory");
	if (rc >= 0 && !t->hdr) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s: empty (no header line)", path);
	}
	/* Short records read as empty fields. */
	for (unsigned i = 0; rc >= 0 && i < t->nrow; i++)
		for (unsigned c = 0; c < t->ncol; c++)
			if (!t->rows[i][c] && !(t->rows[i][c] = calloc(1, 1))) {
				rc = -ENOMEM;
				snprintf(err, errlen, "%s: out of memory", path);
			}
	if (rc < 0) {
		cl_table_free(t);
		return rc;
	}
	return 0;
}

void cl_table_free(struct cl_table *t)
{
	for (unsigned i = 0; i < t->nrow; i++) {
		for (unsigned c = 0; c < t->ncol; c++)
			free(t->rows[i][c]);
		free(t->rows[i]);
	}
	for (unsigned c = 0; t->hdr && c < t->ncol; c++)
		free(t->hdr[c]);
	free(t->hdr);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

int cl_col(const struct cl_table *t, const char *name)
{
	for (unsigned c = 0; c < t->ncol; c++)
		if (!strcmp(t->hdr[c], name))
			return (int)c;
	return -1;
}

const char *cl_str(const struct cl_table *t, unsigned row, const char *col)
{
	int c = cl_col(t, col);
	return c < 0 || row >= t->nrow ? "" : t->rows[row][c];
}

double cl_num(const struct cl_table *t, unsigned row, const char *col)
{
	const char *s = cl_str(t, row, col);
	char *end;
	if (!*s)
		return NAN;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}

static bool measured(const struct cl_table *t, unsigned r)
{
	return !strcmp(cl_str(t, r, "warmup"), "0");
}

/* Whether other processes took too much of the run's cores. /proc/stat
 * counts in ticks of 10 ms, so a run shorter than CL_MIN_LOAD_WALL cannot
 * tell: it is never called disturbed. */
static bool disturbed(const struct cl_table *t, unsigned r)
{
	return cl_num(t, r, "outside_load") > CL_MAX_OUTSIDE &&
	       !(cl_num(t, r, "wall_s") < CL_MIN_LOAD_WALL);
}

static unsigned select_pass(const struct cl_table *t, const struct cl_sel *s, bool any_load,
			    unsigned *rows, unsigned max)
{
	unsigned n = 0;
	for (unsigned r = 0; r < t->nrow && n < max; r++) {
		if (!measured(t, r) || strcmp(cl_str(t, r, "status"), "ok"))
			continue;
		if (s->mode && strcmp(cl_str(t, r, "mode"), s->mode))
			continue;
		if (s->recipe && strcmp(cl_str(t, r, "recipe"), s->recipe))
			continue;
		if (s->conc && cl_num(t, r, "concurrency") != s->conc)
			continue;
		if (s->gil_us && strcmp(cl_str(t, r, "gil_us"), s->gil_us))
			continue;
		if (!any_load && disturbed(t, r))
			continue;
		rows[n++] = r;
	}
	return n;
}

unsigned cl_select(const struct cl_table *t, struct cl_sel s, unsigned *rows, unsigned max)
{
	unsigned n = select_pass(t, &s, s.any_load, rows, max);
	if (s.any_load || n >= CL_MIN_RUNS)
		return n;
	/* Too few undisturbed runs: take the disturbed ones too, so there are
	 * figures to show, and say so (the verdict will not count). */
	unsigned all = select_pass(t, &s, true, rows, max);
	if (all > n && t->taint)
		*t->taint = true;
	return all;
}

unsigned cl_values(const struct cl_table *t, const unsigned *rows, unsigned n, const char *col,
		   double *out)
{
	unsigned good = 0;
	for (unsigned i = 0; i < n; i++) {
		out[i] = cl_num(t, rows[i], col);
		good += !isnan(out[i]);
	}
	return good;
}

unsigned cl_get(const struct cl_table *t, struct cl_sel s, const char *col, double *out)
{
	unsigned rows[CL_MAXREP];
	unsigned n = cl_select(t, s, rows, CL_MAXREP);
	cl_values(t, rows, n, col, out);
	return n;
}

unsigned cl_not_ok(const struct cl_table *t)
{
	unsigned n = 0;
	for (unsigned r = 0; r < t->nrow; r++)
		n += measured(t, r) && strcmp(cl_str(t, r, "status"), "ok");
	return n;
}

int cl_load_runs(struct cl_ctx *ctx, struct cl_claim *c, struct cl_table *t, const char *csv)
{
	char path[CL_PATH], err[CL_PATH + 128];
	int rc = cl_table_load(t, cl_path(ctx, path, sizeof(path), csv), err, sizeof(err));
	t->taint = &c->tainted;
	if (rc) {
		cl_note(c, "No results to read: %s.", err);
		return rc;
	}
	unsigned bad = cl_not_ok(t);
	if (bad) {
		unsigned r;
		for (r = 0; r < t->nrow; r++)
			if (strcmp(cl_str(t, r, "status"), "ok") && !strcmp(cl_str(t, r, "warmup"), "0"))
				break;
		cl_note(c, "%u measured run%s in %s did not finish ok (first: %s %s C=%s: %s: %s).",
			bad, bad > 1 ? "s" : "", csv, cl_str(t, r, "mode"), cl_str(t, r, "recipe"),
			cl_str(t, r, "concurrency"), cl_str(t, r, "status"), cl_str(t, r, "error"));
	}
	for (unsigned r = 0; r < t->nrow; r++) {
		if (!measured(t, r) || strcmp(cl_str(t, r, "status"), "ok"))
			continue;
		c->n_runs++;
		c->n_disturbed += disturbed(t, r);
	}
	if (!ctx->host[0] && t->nrow) {
		snprintf(ctx->host, sizeof(ctx->host), "%s", cl_str(t, 0, "host"));
		snprintf(ctx->cpu_model, sizeof(ctx->cpu_model), "%s", cl_str(t, 0, "cpu_model"));
		snprintf(ctx->topology, sizeof(ctx->topology), "%s", cl_str(t, 0, "topology"));
		snprintf(ctx->kernel, sizeof(ctx->kernel), "%s", cl_str(t, 0, "kernel"));
		snprintf(ctx->version, sizeof(ctx->version), "%s", cl_str(t, 0, "version"));
	}
	return 0;
}
