/* Reading a CSV file record by record through libcsv: the one reader under
 * the report's input check, the claims' tables and --resume (README,
 * "CSV"). The caller sees whole records of NUL-terminated fields and the
 * line each record starts on, so its own messages can name file and line;
 * the reader's own messages say what went wrong with the bytes. */
#ifndef MB_CSVREAD_H
#define MB_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

/* A stray quote inside a field, or a quote still open at the end of the
 * file, is an error (libcsv's CSV_STRICT | CSV_STRICT_FINI). Without it
 * libcsv takes such bytes as they come. */
#define MB_CSV_STRICT 0x1u

struct mb_csv_opts {
	unsigned flags; /* MB_CSV_* */
	/* A NUL byte cannot be part of a NUL-terminated field. NULL: the
	 * field reads as ending there. Otherwise the first line holding a NUL
	 * stops the read before any of that line is parsed: -EINVAL, and err
	 * is "PATH:LINE: " (LINE: the line holding the NUL) followed by this
	 * text. */
	const char *nul_error;
	/* Called once per record, in file order. field[0..nfield) are
	 * malloc'd, NUL-terminated copies of the fields (nfield >= 1); the
	 * callback may keep one by setting field[i] to NULL, and every other
	 * one is freed when it returns. line is the 1-based line the record
	 * starts on (its first byte that is not a blank; blank lines make no
	 * record). A non-zero return, a negative errno with err filled by the
	 * callback, stops the read and is returned as it is. */
	int (*record)(char **field, size_t nfield, long line, void *arg);
	void *arg;
};

/* Reads the file at path. Returns the number of lines read (0 for an
 * empty file; a last line without a newline counts), or a negative errno
 * with one line in err: "PATH: STRERROR" when it cannot be opened,
 * "PATH:LINE: read error" (-EIO), "PATH:LINE: not valid CSV: LIBCSV'S
 * REASON" (-EINVAL, " (unterminated quote?)" added when the file ends in
 * a quoted field), "PATH:LINE: out of memory" (-ENOMEM), the nul_error
 * line, or what the callback wrote. LINE is the line the record being
 * read starts on, or the number of lines read outside a record. Control
 * bytes of PATH are written as '?', so err stays one line. Cost: one pass,
 * one malloc per field; no limit on the size of a field or a file. */
int mb_csv_read(const char *path, const struct mb_csv_opts *o, char *err, size_t errlen);

/* The same from an open stream (not closed here); name stands for PATH in
 * the messages. */
int mb_csv_read_stream(FILE *f, const char *name, const struct mb_csv_opts *o, char *err,
		       size_t errlen);

#endif
