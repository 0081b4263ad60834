#include "csvout.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mb_csv {
	int fd;
	unsigned ncols; /* columns in the file's header */
	char note[1200]; /* mb_csv_note's line, or "" */
};

int mb_csv_format_row(char *buf, unsigned len, const char *const *vals, unsigned n)
{
	size_t pos = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *v = vals[i] ? vals[i] : "";
		size_t vl = strlen(v);
		/* Quote what a reader would otherwise change: separators,
		 * quotes, line breaks, and blanks at either end. */
		bool quote = strpbrk(v, ",\"\r\n") ||
			     (vl && (isblank((unsigned char)v[0]) || isblank((unsigned char)v[vl - 1])));
		size_t need = quote ? 2 * vl + 2 : vl;
		if (pos + need + 2 >= len)
			return -ENOSPC;
		if (i)
			buf[pos++] = ',';
		if (need != vl)
			pos += csv_write(buf + pos, len - pos, v, vl);
		else {
			memcpy(buf + pos, v, vl);
			pos += vl;
		}
	}
	buf[pos] = 0;
	return (int)pos;
}

/* Whether the first n bytes of a file, which hold no newline, are the
 * start of a modebench header torn by a crash of the machine (the whole
 * file, a prefix of the header line this schema writes; older schemas'
 * headers are prefixes of it too). */
static bool torn_header(const char *line, size_t n)
{
	char hdr[4096];
	int len = mb_csv_format_row(hdr, sizeof(hdr), mb_column_names, MB_NCOLUMNS);
	return n > 0 && len > 0 && n <= (size_t)len && !memcmp(line, hdr, n);
}

/* Number of leading header fields that match our schema, 0 for an empty
 * file or a torn header, or -1 when the first line is not a modebench
 * header. */
static int check_header(int fd, char *err, unsigned errlen, const char *path)
{
	char line[8192];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	if (n <= 0)
		return 0;
	line[n] = 0;
	char *nl = strchr(line, '\n');
	if (!nl && torn_header(line, (size_t)n))
		return 0; /* cut back to nothing on open, then written anew */
	if (nl)
		*nl = 0;
	unsigned col = 0;
	char *save, *tok;
	for (tok = strtok_r(line, ",\r", &save); tok; tok = strtok_r(NULL, ",\r", &save)) {
		if (col >= MB_NCOLUMNS || strcmp(tok, mb_column_names[col])) {
			snprintf(err, errlen, "-o %s: the file exists and is not a modebench CSV of "
				 "this schema (header field %u is '%s'); choose another -o", path,
				 col + 1, tok);
			return -1;
		}
		col++;
	}
	if (col < MB_COL_outside_load + 1) {
		snprintf(err, errlen, "-o %s: the file exists and its header is not a modebench "
			 "header; choose another -o", path);
		return -1;
	}
	return (int)col;
}

/* The one line for an output that is a symbolic link. */
static int link_refused(const char *opt, const char *path, char *err, unsigned errlen)
{
	snprintf(err, errlen, "%s %s: is a symbolic link; modebench does not write through "
		 "links", opt, path);
	return -ELOOP;
}

int mb_path_check(const char *opt, const char *path, char *err, unsigned errlen)
{
	struct stat st;
	char dir[1024];
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return link_refused(opt, path, err, errlen);
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s %s: cannot open: Is a directory", opt, path);
			return -EISDIR;
		}
		if (access(path, W_OK)) {
			snprintf(err, errlen, "%s %s: cannot open: %s", opt, path, strerror(errno));
			return -EACCES;
		}
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	if (!strcmp(dir, "results") && stat(dir, &st) != 0)
		return 0; /* created on open */
	if (access(dir, W_OK)) {
		snprintf(err, errlen, "%s %s: cannot open: %s", opt, path, strerror(errno));
		return -ENOENT;
	}
	return 0;
}

int mb_csv_check(const char *path, char *err, unsigned errlen)
{
	int rc = mb_path_check("-o", path, err, errlen);
	if (rc)
		return rc;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	rc = check_header(fd, err, errlen, path) < 0 ? -EINVAL : 0;
	close(fd);
	return rc;
}

/* ---- the torn last row (mb_csv_tail) */

/* The scan of a file, byte by byte. Quotes toggle: a doubled quote inside
 * a quoted field toggles twice, as libcsv reads it. */
struct tail_scan {
	off_t pos, start; /* the line being read starts at start */
	off_t last;	  /* where the last complete line starts */
	unsigned fields, last_fields, header, lines;
	bool quoted, blank;
};

static void scan_newline(struct tail_scan *s)
{
	if (!s->blank) {
		if (!s->lines++)
			s->header = s->fields;
		s->last = s->start;
		s->last_fields = s->fields;
	}
	s->start = s->pos + 1;
	s->fields = 1;
	s->blank = true;
}

static void scan_byte(struct tail_scan *s, char ch)
{
	if (ch == '"')
		s->quoted = !s->quoted;
	if (s->quoted || ch == '"')
		s->blank = false;
	else if (ch == '\n')
		scan_newline(s);
	else if (ch != '\r')
		s->blank = false;
	s->fields += !s->quoted && ch == ',';
	s->pos++;
}

int mb_csv_tail(int fd, struct mb_csv_tail *t)
{
	struct tail_scan s = { .fields = 1, .blank = true };
	char buf[65536];
	ssize_t n;
	while ((n = pread(fd, buf, sizeof(buf), s.pos)) > 0)
		for (ssize_t i = 0; i < n; i++)
			scan_byte(&s, buf[i]);
	if (n < 0)
		return -errno;
	t->size = t->keep = s.pos;
	t->rows = s.lines ? s.lines - 1 : 0;
	if (!s.blank) {
		t->keep = s.start; /* a last line without its newline */
	} else if (s.lines > 1 && s.last_fields != s.header) {
		t->keep = s.last; /* a whole line, but not a whole row */
		t->rows--;
	}
	return 0;
}

/* Cuts a torn last row off c's file before anything is appended, and
 * notes it for mb_csv_note. */
static int cut_torn_row(struct mb_csv *c, const char *path, char *err, unsigned errlen)
{
	struct mb_csv_tail t;
	int rc = mb_csv_tail(c->fd, &t);
	if (!rc && t.keep < t.size && (ftruncate(c->fd, t.keep) || fsync(c->fd)))
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "-o %s: cannot cut back its incomplete last row: %s", path,
			 strerror(-rc));
		return rc;
	}
	if (t.keep < t.size)
		snprintf(c->note, sizeof(c->note), "-o %s: the last row was incomplete (a crash?): "
			 "cut back to %u complete row%s", path, t.rows, t.rows == 1 ? "" : "s");
	return 0;
}

const char *mb_csv_note(const struct mb_csv *c)
{
	return c->note[0] ? c->note : NULL;
}

int mb_csv_check_label(const char *path, char *err, unsigned errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int cols = check_header(fd, err, errlen, path);
	close(fd);
	if (cols < 0)
		return -EINVAL;
	if (cols == 0 || cols > MB_COL_label)
		return 0;
	snprintf(err, errlen, "-o %s: its header has no label column (an older modebench "
		 "wrote it), so --label cannot be recorded there; choose another -o", path);
	return -EINVAL;
}

int mb_csv_open(struct mb_csv **out, const char *path, char *err, unsigned errlen)
{
	struct mb_csv *c = calloc(1, sizeof(*c));
	struct stat st;
	bool fresh = lstat(path, &st) != 0;
	if (!c)
		return -ENOMEM;
	c->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (c->fd < 0) {
		int rc = -errno;
		if (rc == -ELOOP)
			link_refused("-o", path, err, errlen);
		else
			snprintf(err, errlen, "-o %s: cannot open: %s", path, strerror(errno));
		free(c);
		return rc;
	}
	int cols = check_header(c->fd, err, errlen, path);
	int rc = cols < 0 ? -EINVAL : cut_torn_row(c, path, err, errlen);
	if (rc) {
		close(c->fd);
		free(c);
		return rc;
	}
	if (cols == 0) {
		char hdr[4096];
		int n = mb_csv_format_row(hdr, sizeof(hdr) - 1, mb_column_names, MB_NCOLUMNS);
		hdr[n++] = '\n';
		if (write(c->fd, hdr, (size_t)n) != n || fsync(c->fd)) {
			rc = -errno;
			snprintf(err, errlen, "-o %s: cannot write the header: %s", path,
				 strerror(errno));
			close(c->fd);
			if (fresh)
				unlink(path);
			free(c);
			return rc ? rc : -EIO;
		}
		cols = MB_NCOLUMNS;
	}
	c->ncols = (unsigned)cols;
	*out = c;
	return 0;
}

int mb_csv_write_row(struct mb_csv *c, const char *const vals[MB_NCOLUMNS])
{
	static char buf[65536];
	int n = mb_csv_format_row(buf, sizeof(buf) - 1, vals, c->ncols);
	if (n < 0)
		return n;
	buf[n++] = '\n';
	off_t before = lseek(c->fd, 0, SEEK_END);
	for (int attempt = 0; attempt < 3; attempt++) {
		ssize_t w = write(c->fd, buf, (size_t)n);
		if (w == n && fsync(c->fd) == 0)
			return 0;
		int e = w < 0 ? errno : (w == n ? errno : ENOSPC);
		/* Never leave half a row: cut back and try again (a full disk
		 * may have been freed meanwhile), then give up. */
		if (before >= 0 && ftruncate(c->fd, before)) {
		}
		if (e != ENOSPC && e != EINTR && e != EAGAIN)
			return -e;
		sleep(1);
	}
	return -ENOSPC;
}

int mb_csv_linked(struct mb_csv *c)
{
	struct stat st;
	if (fstat(c->fd, &st))
		return -errno;
	return st.st_nlink > 0;
}

void mb_csv_close(struct mb_csv *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}
