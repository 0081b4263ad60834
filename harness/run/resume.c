#include "resume.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

struct mb_resume {
	char **keys;
	unsigned n, cap;
};

static const enum mb_column key_cols[] = {
	MB_COL_workload, MB_COL_recipe, MB_COL_mode, MB_COL_backend, MB_COL_policy,
	MB_COL_cores, MB_COL_concurrency, MB_COL_rate, MB_COL_gil_us,
};

struct reader {
	struct mb_resume *r;
	int map[MB_NCOLUMNS]; /* file column -> our column */
	char *vals[MB_NCOLUMNS];
	unsigned field, line;
	bool header_done, bad;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *rd = data;
	unsigned f = rd->field++;
	if (!rd->header_done) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), (char *)s);
		if (f < MB_NCOLUMNS)
			rd->map[f] = mb_column_find(name);
		return;
	}
	if (f < MB_NCOLUMNS && rd->map[f] >= 0) {
		int c = rd->map[f];
		free(rd->vals[c]);
		rd->vals[c] = strndup(s, len);
	}
}

static void on_row(int ch, void *data)
{
	struct reader *rd = data;
	rd->line++;
	rd->field = 0;
	if (!rd->header_done) {
		rd->header_done = true;
		bool ok = true;
		for (unsigned i = 0; i < MB_ARRAY_SIZE(key_cols); i++) {
			bool found = false;
			for (unsigned f = 0; f < MB_NCOLUMNS; f++)
				found |= rd->map[f] == (int)key_cols[i];
			ok &= found;
		}
		rd->bad = !ok;
		return;
	}
	const char *st = rd->vals[MB_COL_status], *rep = rd->vals[MB_COL_rep],
		   *wu = rd->vals[MB_COL_warmup];
	if (st && rep && wu && strcmp(st, "interrupted") && *st) {
		char key[1024];
		size_t pos = 0;
		for (unsigned i = 0; i < MB_ARRAY_SIZE(key_cols); i++) {
			const char *v = rd->vals[key_cols[i]];
			pos += (size_t)snprintf(key + pos, sizeof(key) - pos, "%s%s", i ? "|" : "",
						v ? v : "");
			if (pos >= sizeof(key))
				break;
		}
		snprintf(key + (pos < sizeof(key) ? pos : sizeof(key) - 1),
			 sizeof(key) - (pos < sizeof(key) ? pos : sizeof(key) - 1), "#%s#%s", rep, wu);
		struct mb_resume *r = rd->r;
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->keys = realloc(r->keys, r->cap * sizeof(*r->keys));
		}
		r->keys[r->n++] = strdup(key);
	}
	for (unsigned i = 0; i < MB_NCOLUMNS; i++) {
		free(rd->vals[i]);
		rd->vals[i] = NULL;
	}
}

int mb_resume_load(struct mb_resume **out, const char *path, char *err, unsigned errlen)
{
	struct mb_resume *r = calloc(1, sizeof(*r));
	struct reader rd = { .r = r };
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *f;

	*out = r;
	for (unsigned i = 0; i < MB_NCOLUMNS; i++)
		rd.map[i] = -1;
	f = fopen(path, "r");
	if (!f)
		return 0;
	csv_init(&p, CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &rd) != n)
			break;
	csv_fini(&p, on_field, on_row, &rd);
	csv_free(&p);
	fclose(f);
	for (unsigned i = 0; i < MB_NCOLUMNS; i++)
		free(rd.vals[i]);
	if (rd.bad) {
		snprintf(err, errlen, "%s is not a modebench CSV (its header lacks the "
			 "configuration columns)", path);
		return -EINVAL;
	}
	return (int)r->n;
}

bool mb_resume_has(const struct mb_resume *r, const char *key, unsigned rep, bool warmup)
{
	char k[1100];
	snprintf(k, sizeof(k), "%s#%u#%d", key, rep, warmup);
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->keys[i], k))
			return true;
	return false;
}

void mb_resume_free(struct mb_resume *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->n; i++)
		free(r->keys[i]);
	free(r->keys);
	free(r);
}
