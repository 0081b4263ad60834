/* --resume (resume.h): the completed runs of a CSV, read back through
 * base's CSV reader, kept as one key string per run. Only the file's
 * complete rows are read (mb_csv_tail): a last row torn by a crash of the
 * machine is the run that was under way, which runs again, whether or not
 * its status field survived; mb_csv_open then cuts that row off. Lenient
 * otherwise: what cannot be read is simply not resumed. Cost: a lookup is
 * a linear scan over the runs. */
#include "resume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"
#include "csvout.h"

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
	int map[MB_NCOLUMNS]; /* file column -> our column; the first
			       * MB_NCOLUMNS file columns only */
	bool header_done, bad;
};

/* The header: maps names to columns; bad when a key column is missing. */
static void read_header(struct reader *rd, char *const *field, size_t n)
{
	for (size_t f = 0; f < n && f < MB_NCOLUMNS; f++)
		rd->map[f] = mb_column_find(field[f]);
	rd->header_done = true;
	for (unsigned i = 0; i < MB_ARRAY_SIZE(key_cols); i++) {
		bool found = false;
		for (unsigned f = 0; f < MB_NCOLUMNS; f++)
			found |= rd->map[f] == (int)key_cols[i];
		rd->bad |= !found;
	}
}

/* "workload|...|gil_us|SMT|MEMPOL[|python]#REP#WARMUP\x1fLABEL" of a
 * completed run into r (a label holds no control character: the unit
 * separator cannot be part of it). */
static int add_key(struct mb_resume *r, char *const *vals)
{
	char key[1400];
	size_t pos = 0;
	for (unsigned i = 0; i < MB_ARRAY_SIZE(key_cols); i++) {
		const char *v = vals[key_cols[i]];
		pos += (size_t)snprintf(key + pos, sizeof(key) - pos, "%s%s", i ? "|" : "",
					v ? v : "");
		if (pos >= sizeof(key))
			break;
	}
	/* Variants recorded in newer columns: --smt and a --mem-policy other
	 * than local (absent or empty in older files and on rows without a
	 * mem step: the defaults). */
	const char *smt = vals[MB_COL_smt] && vals[MB_COL_smt][0] ? vals[MB_COL_smt] : "0";
	const char *mp = vals[MB_COL_mem_policy] ? vals[MB_COL_mem_policy] : "";
	if (!strcmp(mp, "local"))
		mp = "";
	if (pos < sizeof(key))
		pos += (size_t)snprintf(key + pos, sizeof(key) - pos, "|%s|%s", smt, mp);
	/* The runtime, as the sweep's keys have it: none for c (and for rows
	 * from before the column). */
	const char *rt = vals[MB_COL_runtime];
	if (rt && *rt && strcmp(rt, "c") && pos < sizeof(key))
		pos += (size_t)snprintf(key + pos, sizeof(key) - pos, "|%s", rt);
	if (pos >= sizeof(key))
		pos = sizeof(key) - 1;
	const char *label = vals[MB_COL_label] ? vals[MB_COL_label] : "";
	snprintf(key + pos, sizeof(key) - pos, "#%s#%s\x1f%s", vals[MB_COL_rep],
		 vals[MB_COL_warmup], label);
	if (r->n == r->cap) {
		unsigned cap = r->cap ? 2 * r->cap : 64;
		char **keys = realloc(r->keys, cap * sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		r->keys = keys;
		r->cap = cap;
	}
	if (!(r->keys[r->n] = strdup(key)))
		return -ENOMEM;
	r->n++;
	return 0;
}

static int on_record(char **field, size_t n, long line, void *arg)
{
	struct reader *rd = arg;
	char *vals[MB_NCOLUMNS] = { 0 };
	(void)line;
	if (!rd->header_done) {
		read_header(rd, field, n);
		return rd->bad ? -EINVAL : 0;
	}
	/* A column named twice: the last one counts. */
	for (size_t f = 0; f < n && f < MB_NCOLUMNS; f++)
		if (rd->map[f] >= 0)
			vals[rd->map[f]] = field[f];
	const char *st = vals[MB_COL_status];
	if (!st || !vals[MB_COL_rep] || !vals[MB_COL_warmup] || !*st ||
	    !strcmp(st, "interrupted"))
		return 0;
	return add_key(rd->r, vals);
}

/* The first end bytes of the file open at fd, as a stream of their own. */
struct prefix {
	int fd;
	off_t pos, end;
};

static ssize_t prefix_read(void *cookie, char *buf, size_t size)
{
	struct prefix *p = cookie;
	if ((off_t)size > p->end - p->pos)
		size = (size_t)(p->end - p->pos);
	ssize_t n = size ? pread(p->fd, buf, size, p->pos) : 0;
	if (n > 0)
		p->pos += n;
	return n;
}

/* The complete rows of path as a stream (p is its state); NULL when the
 * file cannot be opened or read. */
static FILE *open_complete(const char *path, struct prefix *p)
{
	struct mb_csv_tail t;
	FILE *f = NULL;
	p->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0)
		return NULL;
	if (!mb_csv_tail(p->fd, &t)) {
		p->end = t.keep;
		f = fopencookie(p, "r", (cookie_io_functions_t){ .read = prefix_read });
	}
	if (!f)
		close(p->fd);
	return f;
}

int mb_resume_load(struct mb_resume **out, const char *path, char *err, unsigned errlen)
{
	struct mb_resume *r = calloc(1, sizeof(*r));
	struct reader rd = { .r = r };
	const struct mb_csv_opts opts = { .record = on_record, .arg = &rd };
	struct prefix p = { .fd = -1 };
	FILE *f;
	int rc;

	*out = r;
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < MB_NCOLUMNS; i++)
		rd.map[i] = -1;
	f = open_complete(path, &p);
	if (!f)
		return 0;
	rc = mb_csv_read_stream(f, path, &opts, err, errlen);
	fclose(f);
	close(p.fd);
	if (rd.bad) {
		snprintf(err, errlen, "%s is not a modebench CSV (its header lacks the "
			 "configuration columns)", path);
		return -EINVAL;
	}
	if (rc == -ENOMEM)
		return rc; /* err says so */
	/* Any other failure (a read error, a directory) ends the set there. */
	return (int)r->n;
}

bool mb_resume_has(const struct mb_resume *r, const char *key, const char *label, unsigned rep,
		   bool warmup)
{
	char k[1400];
	snprintf(k, sizeof(k), "%s#%u#%d\x1f%s", key, rep, warmup, label);
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
