/* summary.json: the report for programs, as hyperfine's --export-json and
 * fio's --output-format=json give theirs. The format is documented in
 * docs/summary.schema.json:
 *   {"format": "modebench-summary", "format_version": 1,
 *    "modebench": VERSION, "runs": {...}, "configurations": N,
 *    "hosts": [...], "verdicts": [...], "failed_runs": [...],
 *    "summary": [one object per summary.csv row, every column]}
 * Numbers are summary.csv's (6 significant digits; integers without a
 * fraction), an empty number is null, text is always a string. Each
 * element is built with jansson and dumped on a line of its own, so
 * memory stays one row's whatever the number of configurations. */
#include "report_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>

#define FORMAT_VERSION 1
#define DUMP_FLAGS (JSON_REAL_PRECISION(6) | JSON_PRESERVE_ORDER)

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong form,
 * no surrogate, at most U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		   (c & 0xf8) == 0xf0 ? 4 : 0;
	if (n <= 1)
		return n;
	unsigned cp = c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string of s (NULL: ""), each byte of an invalid UTF-8 sequence
 * written as U+FFFD. NULL when out of memory. */
static json_t *jstr(const char *s)
{
	if (!s)
		s = "";
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t len = strlen(s), o = 0;
	char *buf = malloc(3 * len + 1);
	if (!buf)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (n) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

/* A number as summary.csv writes it ("%.6g"), null for NAN; an integer
 * when it has no fraction. NULL when out of memory. */
static json_t *jnum(double v)
{
	char buf[64];
	if (isnan(v))
		return json_null();
	double r = strtod(mb_rep_g(buf, sizeof(buf), v), NULL);
	if (r == floor(r) && fabs(r) < 9007199254740992.0)
		return json_integer((json_int_t)r);
	return json_real(r);
}

/* Sets key of o to v (consumed). -ENOMEM when v is NULL or it fails. */
static int put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0 ? 0 : -ENOMEM;
}

/* One summary row: every summary.csv column, in its order. */
static json_t *summary_row(const struct mb_report_group *g)
{
	json_t *o = json_object();
	struct mb_rep_column c;
	int r = o ? 0 : -ENOMEM;
	for (size_t i = 0; r == 0 && i < mb_rep_summary_column(i, &c); i++) {
		const char *p = (const char *)g + c.off;
		json_t *v = NULL;
		switch (c.kind) {
		case MB_REP_STR: v = jstr(*(const char *const *)p); break;
		case MB_REP_TXT: v = jstr((const char *)p); break;
		case MB_REP_DBL: v = jnum(*(const double *)p); break;
		case MB_REP_INT: v = json_integer(*(const int *)p); break;
		case MB_REP_SIZE: v = json_integer((json_int_t) * (const size_t *)p); break;
		}
		r = put(o, c.name, v);
	}
	if (r < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The machine facts of each host: its first group's. */
static json_t *host_entry(const struct mb_report_summary *s, const char *host)
{
	const struct mb_report_group *g = NULL;
	for (size_t i = 0; i < s->ngroups && !g; i++)
		if (!strcmp(s->groups[i].host, host))
			g = &s->groups[i];
	json_t *o = json_object();
	if (!o || !g || put(o, "host", jstr(g->host)) < 0 ||
	    put(o, "cpu_model", jstr(g->cpu_model)) < 0 ||
	    put(o, "topology", jstr(g->topology)) < 0 ||
	    put(o, "kernel", jstr(g->kernel)) < 0 ||
	    put(o, "version", jstr(g->version)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *verdict_entry(const struct mb_report_verdict *v)
{
	json_t *o = json_object(), *lines = json_array();
	int r = o && lines ? 0 : -ENOMEM;
	for (size_t i = 0; r == 0 && i < v->nlines; i++) {
		json_t *l = jstr(v->lines[i]);
		r = l && json_array_append_new(lines, l) == 0 ? 0 : -ENOMEM;
	}
	if (r < 0 || put(o, "host", jstr(v->first->host)) < 0 ||
	    put(o, "workload", jstr(v->first->workload)) < 0 ||
	    put(o, "gil_us", jnum(v->first->gil_us)) < 0 ||
	    put(o, "runtime", jstr(v->first->runtime)) < 0 ||
	    put(o, "rate", jnum(v->first->rate)) < 0 || put(o, "lines", lines) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *failed_entry(const struct mb_report_row *r)
{
	static const enum mb_column text[] = {MB_COL_host, MB_COL_workload, MB_COL_mode,
					      MB_COL_status, MB_COL_error};
	json_t *o = json_object();
	int ret = o ? 0 : -ENOMEM;
	if (ret == 0)
		ret = put(o, "file", jstr(r->file));
	if (ret == 0)
		ret = put(o, "line", json_integer(r->line));
	for (size_t i = 0; ret == 0 && i < sizeof(text) / sizeof(text[0]); i++) {
		ret = put(o, mb_column_names[text[i]], jstr(mb_report_text(r, text[i])));
		if (ret == 0 && text[i] == MB_COL_mode)
			ret = put(o, "cores", jnum(mb_report_num(r, MB_COL_cores)));
	}
	if (ret < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "\n  KEY: [" then one element per line, each made by make(i), then
 * "]". 0, -ENOMEM or -EIO. */
static int dump_array(FILE *f, const char *key, size_t n,
		      json_t *(*make)(const void *ctx, size_t i), const void *ctx)
{
	fprintf(f, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		json_t *e = make(ctx, i);
		if (!e)
			return -ENOMEM;
		fputs(i ? ",\n    " : "\n    ", f);
		int r = json_dumpf(e, f, DUMP_FLAGS);
		json_decref(e);
		if (r < 0)
			return -EIO;
	}
	fputs(n ? "\n  ]" : "]", f);
	return 0;
}

struct ctx {
	const struct mb_report_summary *s;
	const struct mb_report_verdict *v;
};

static json_t *make_host(const void *c, size_t i)
{
	const struct ctx *x = c;
	return host_entry(x->s, x->s->hosts[i]);
}

static json_t *make_verdict(const void *c, size_t i)
{
	return verdict_entry(&((const struct ctx *)c)->v[i]);
}

static json_t *make_failed(const void *c, size_t i)
{
	return failed_entry(((const struct ctx *)c)->s->not_ok[i]);
}

static json_t *make_row(const void *c, size_t i)
{
	return summary_row(&((const struct ctx *)c)->s->groups[i]);
}

int mb_report_write_json(const struct mb_report_summary *s,
			 const struct mb_report_verdict *v, size_t nv, FILE *f)
{
	struct ctx c = {s, v};
	json_t *version = jstr(MB_VERSION " (" MB_GIT_DESCRIBE ")");
	if (!version)
		return -ENOMEM;
	fprintf(f, "{\n  \"format\": \"modebench-summary\",\n  \"format_version\": %d,\n"
		"  \"modebench\": ", FORMAT_VERSION);
	int r = json_dumpf(version, f, JSON_ENCODE_ANY);
	json_decref(version);
	if (r < 0)
		return -EIO;
	fprintf(f, ",\n  \"runs\": {\"read\": %zu, \"ok\": %zu, \"warmup\": %zu, \"not_ok\": %zu},"
		"\n  \"configurations\": %zu", s->nrows, s->n_ok, s->n_warmup, s->n_not_ok,
		s->ngroups);
	if ((r = dump_array(f, "hosts", s->nhosts, make_host, &c)) < 0 ||
	    (r = dump_array(f, "verdicts", nv, make_verdict, &c)) < 0 ||
	    (r = dump_array(f, "failed_runs", s->n_not_ok, make_failed, &c)) < 0 ||
	    (r = dump_array(f, "summary", s->ngroups, make_row, &c)) < 0)
		return r;
	fputs("\n}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}
