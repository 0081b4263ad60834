/* Helpers shared by the cmocka tests (tests/SUBSYSTEM/test_*.c), built once as the
 * mbtestutil library (CMakeLists.txt). Those that check something fail
 * the running test through cmocka (fail_msg, assert_*): call them from
 * inside a test. The name does not match test_*.c, so the tests' glob does
 * not make this a test of its own. */
#ifndef MB_TESTUTIL_H
#define MB_TESTUTIL_H

#include <stdbool.h>
#include <sys/types.h>

struct mb_topo;

/* ---- files and directories */

/* Removes path and, when it is a directory, everything below it; links
 * are removed, never followed. Returns 0 when path is gone (or never was),
 * -1 when something could not be removed. */
int mb_test_rm_rf(const char *path);

/* Prints each line of path through print_message, after "  LABEL: " (the
 * path itself when label is NULL); nothing when it cannot be opened. */
void mb_test_show_file(const char *path, const char *label);

/* ---- running the binary */

/* For the child of fork(): stdin from /dev/null, stdout and stderr into
 * the files out and err (created or truncated), working directory dir;
 * then executes bin with args (NULL-terminated, without the binary; the
 * first 62 are passed). Never returns: exit status 127 when any of that
 * fails. */
_Noreturn void mb_test_exec_in(const char *dir, const char *out, const char *err,
			       const char *bin, const char *const *args);

/* Waits for the child pid, polling every 10 ms, and returns its exit
 * status (128+N for signal N). One still running after limit_s seconds is
 * a hang: it is killed and reaped, errfile (when not NULL) is shown and
 * the test fails, naming the run name. */
int mb_test_wait(pid_t pid, unsigned limit_s, const char *name, const char *errfile);

/* ---- this machine */

/* Loads this machine's topology into *topo and sets *kmax to the cores the
 * multi-core runs use, min(2, core slots). Returns 0, or -1 with the
 * reason on stderr (for a cmocka group setup). */
int mb_test_load_topo(struct mb_topo **topo, unsigned *kmax);

/* ---- a whole CSV file read through libcsv */

struct mb_test_table {
	unsigned ncols, nrows; /* fields of the header; rows, the header excluded */
	char **hdr;	       /* hdr[c], c < ncols */
	char ***rows;	       /* rows[r][c], c < rowlen[r] */
	unsigned *rowlen;      /* fields of each row */
	bool ragged;	       /* some row has not ncols fields */
};

/* Reads path strictly (CSV_STRICT | CSV_STRICT_FINI): it must open, parse
 * and have a first record, the header. Rows may be ragged: see ragged and
 * mb_test_assert_rectangular. Fails the test otherwise. */
void mb_test_read_csv(const char *path, struct mb_test_table *t);

/* Fails the test, naming path and the row, unless every row has as many
 * fields as the header. */
void mb_test_assert_rectangular(const char *path, const struct mb_test_table *t);

/* The index of the header field name; fails the test when there is none. */
int mb_test_column(const struct mb_test_table *t, const char *name);

void mb_test_free_table(struct mb_test_table *t);

#endif
