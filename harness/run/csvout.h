/* The results CSV: header once, one row per run, each row written with one
 * write() and fsync'd before the next run starts, so a crash or a kill
 * leaves every completed row intact. Fields are quoted by libcsv when they
 * need it. */
#ifndef MB_CSVOUT_H
#define MB_CSVOUT_H

#include <sys/types.h>

#include "base.h"

struct mb_csv;

/* Opens path for appending. A new or empty file gets the header; an
 * existing one must start with a modebench header (older schemas with a
 * prefix of our columns are accepted: new columns are appended at the
 * end). A symbolic link is refused (-ELOOP), never followed: the file is
 * opened with O_NOFOLLOW. Creates nothing on error; err names the
 * problem.
 * A last row torn by a crash of the machine (mb_csv_tail), or a header
 * torn before its newline, is cut off (ftruncate) before anything is
 * appended, so no row is ever written onto a broken line; mb_csv_note
 * then says so. */
int mb_csv_open(struct mb_csv **out, const char *path, char *err, unsigned errlen);

/* After mb_csv_open: "-o PATH: the last row was incomplete (a crash?):
 * cut back to N complete rows" when it cut one off, else NULL. */
const char *mb_csv_note(const struct mb_csv *c);

/* Where the complete rows of a results file end. */
struct mb_csv_tail {
	off_t size;    /* bytes in the file */
	off_t keep;    /* bytes up to the end of the last complete row */
	unsigned rows; /* complete rows within keep, the header not counted */
};

/* Scans the file open at fd (with pread: its offset is untouched). Rows
 * are lines outside quoted fields; blank lines are none. The last row is
 * incomplete, and keep ends before it, when it lacks its newline (a write
 * torn by a crash of the machine; a file whose only line is torn so is a
 * torn header, and keep is 0) or, newline and all, has not as many fields
 * as the header. Only that last row is judged; keep == size when it is
 * whole. --resume reads the first keep bytes only, and mb_csv_open cuts
 * the file there, so both agree on which runs the file holds. Returns 0
 * or -errno. Cost: one pass over the file. */
int mb_csv_tail(int fd, struct mb_csv_tail *t);

/* Checks, creating nothing, that path can be opened by mb_csv_open: it
 * is not a symbolic link (dangling or not), an existing file has a
 * modebench header, a new one a writable directory ("results/" may not
 * exist yet: it is created on open). */
int mb_csv_check(const char *path, char *err, unsigned errlen);
/* With --label: an existing path's header must have the label column
 * (an older modebench's has not, and its rows would lose the label):
 * -EINVAL with one line in err otherwise. Creates nothing. */
int mb_csv_check_label(const char *path, char *err, unsigned errlen);
/* Same for another output file named by option opt (no header check):
 * "OPT PATH: is a symbolic link; ..." for a link. */
int mb_path_check(const char *opt, const char *path, char *err, unsigned errlen);

/* Writes one row (values in schema order; NULL is an empty field). On a
 * short write the file is cut back to its previous length and -errno is
 * returned, so the file never holds half a row. */
int mb_csv_write_row(struct mb_csv *c, const char *const vals[MB_NCOLUMNS]);
/* 1 while the file still has a name, 0 once it was unlinked (its
 * directory removed, say: rows written since go nowhere), -errno when
 * fstat fails. */
int mb_csv_linked(struct mb_csv *c);
void mb_csv_close(struct mb_csv *c);

/* Formats one row into buf (no trailing newline); returns its length or
 * -ENOSPC. Exposed for tests. */
int mb_csv_format_row(char *buf, unsigned len, const char *const *vals, unsigned n);

#endif
