/* One CSV reader over libcsv's push parser (csvread.h).
 *
 * Lines: the input is read one physical line at a time (getline), and each
 * line is fed to libcsv in segments that end at a CR or LF. libcsv ends a
 * record only at a CR or LF outside quotes, so a record ends, if at all,
 * on the last byte of a segment, and the parser then waits for a new
 * record, skipping blanks (space, tab, CR, LF). The next segment holding
 * any other byte is where the next record starts. That gives every record
 * the line of its first byte without reaching into libcsv's state. Cost:
 * one csv_parse call per segment, one malloc per field. */
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct csvread {
	const struct mb_csv_opts *o;
	const char *name;
	char *err;
	size_t errlen;
	char **field; /* the record being read */
	size_t nfield, cap;
	long line;  /* physical lines read so far */
	long start; /* line the open record starts on */
	bool open;  /* a record has started and not ended */
	int rc;     /* first error, 0 if none */
};

static void say(struct csvread *r, int rc, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Records the first error: "NAME[:LINE]: what" (no line when line < 0),
 * control bytes of the name written as '?'. */
static void say(struct csvread *r, int rc, long line, const char *fmt, ...)
{
	if (r->rc)
		return;
	r->rc = rc;
	if (!r->errlen)
		return;
	int off = line < 0 ? snprintf(r->err, r->errlen, "%s: ", r->name)
			   : snprintf(r->err, r->errlen, "%s:%ld: ", r->name, line);
	for (size_t i = 0; r->err[i]; i++)
		if ((unsigned char)r->err[i] < 0x20 || r->err[i] == 0x7f)
			r->err[i] = '?';
	if (off < 0 || (size_t)off >= r->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err + off, r->errlen - (size_t)off, fmt, ap);
	va_end(ap);
}

static long where(const struct csvread *r)
{
	return r->open ? r->start : r->line;
}

static void drop_fields(struct csvread *r)
{
	for (size_t i = 0; i < r->nfield; i++)
		free(r->field[i]);
	r->nfield = 0;
}

static void on_field(void *s, size_t len, void *arg)
{
	struct csvread *r = arg;
	if (r->rc)
		return;
	if (r->nfield == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		char **f = realloc(r->field, cap * sizeof(*f));
		if (!f) {
			say(r, -ENOMEM, where(r), "out of memory");
			return;
		}
		r->field = f;
		r->cap = cap;
	}
	/* CSV_APPEND_NULL: s[len] is a NUL; an embedded one ends the string. */
	char *copy = strdup(s);
	if (!copy) {
		say(r, -ENOMEM, where(r), "out of memory");
		return;
	}
	r->field[r->nfield++] = copy;
}

static void on_record(int c, void *arg)
{
	struct csvread *r = arg;
	(void)c;
	if (!r->rc) {
		int rc = r->o->record(r->field, r->nfield, r->start, r->o->arg);
		if (rc)
			r->rc = rc;
	}
	drop_fields(r);
	r->open = false;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* Feeds one physical line, segment by segment. */
static void feed_line(struct csvread *r, struct csv_parser *p, const char *s, size_t n)
{
	while (n && !r->rc) {
		size_t k = 0;
		while (k < n && s[k] != '\r' && s[k] != '\n')
			k++;
		if (k < n)
			k++; /* the segment ends with its CR or LF */
		if (!r->open && !blank(s, k)) {
			r->open = true;
			r->start = r->line;
		}
		if (csv_parse(p, s, k, on_field, on_record, r) != k)
			say(r, -EINVAL, where(r), "not valid CSV: %s", csv_strerror(csv_error(p)));
		s += k;
		n -= k;
	}
}

int mb_csv_read_stream(FILE *f, const char *name, const struct mb_csv_opts *o, char *err,
		       size_t errlen)
{
	struct csvread r = { .o = o, .name = name, .err = err, .errlen = errlen };
	unsigned char opts = CSV_APPEND_NULL;
	struct csv_parser p;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;

	if (errlen)
		err[0] = '\0';
	if (o->flags & MB_CSV_STRICT)
		opts |= CSV_STRICT | CSV_STRICT_FINI;
	if (csv_init(&p, opts) != 0) {
		say(&r, -ENOMEM, -1, "out of memory");
		return r.rc;
	}
	while (!r.rc && (len = getline(&buf, &cap, f)) > 0) {
		r.line++;
		if (o->nul_error && memchr(buf, '\0', (size_t)len)) {
			say(&r, -EINVAL, r.line, "%s", o->nul_error);
			break;
		}
		feed_line(&r, &p, buf, (size_t)len);
	}
	if (!r.rc && ferror(f))
		say(&r, -EIO, where(&r), "read error");
	if (!r.rc && csv_fini(&p, on_field, on_record, &r) != 0)
		say(&r, -EINVAL, where(&r), "not valid CSV: %s (unterminated quote?)",
		    csv_strerror(csv_error(&p)));
	csv_free(&p);
	free(buf);
	drop_fields(&r);
	free(r.field);
	return r.rc ? r.rc : (int)(r.line > 0x7fffffff ? 0x7fffffff : r.line);
}

int mb_csv_read(const char *path, const struct mb_csv_opts *o, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int rc = -errno;
		struct csvread r = { .name = path, .err = err, .errlen = errlen };
		say(&r, rc, -1, "%s", strerror(-rc));
		return rc;
	}
	int rc = mb_csv_read_stream(f, path, o, err, errlen);
	fclose(f);
	return rc;
}
