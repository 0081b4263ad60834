/* Parsers for the command line's small languages: durations, sizes, counts
 * and comma lists. Each returns 0 or -EINVAL/-ERANGE and never prints; the
 * caller turns the error into the one-line message naming the option. */
#ifndef MB_PARSE_H
#define MB_PARSE_H

#include <stdint.h>

/* "10ms", "1.5s", "250us", "800ns"; a bare number is rejected so units are
 * never guessed. Result in nanoseconds, > 0 unless allow_zero. */
int mb_parse_duration(const char *s, uint64_t *ns, int allow_zero);

/* "4KiB", "1MiB", "64k" (k/M/G are powers of 1024 for sizes), "512B" or a
 * bare number of bytes. */
int mb_parse_size(const char *s, uint64_t *bytes);

/* "1000", "10k", "2M" (k/M/G are powers of 1000 for counts). > 0. */
int mb_parse_count(const char *s, uint64_t *n);

/* A non-negative decimal number ("0.25", "1e3"), finite. */
int mb_parse_double(const char *s, double *out);

/* Split a comma list in place-free form: calls fn for each item (trimmed,
 * non-empty), stops at the first non-zero return and passes it back. An
 * empty item ("a,,b" or "") is -EINVAL, one over 255 characters -E2BIG. */
int mb_list_foreach(const char *list, int (*fn)(const char *item, void *arg),
		    void *arg);

/* Formats ns as a short duration with a unit that parses back to the same
 * value ("250us", "1500us", "1.5001ms"). */
const char *mb_fmt_duration(uint64_t ns, char *buf, unsigned len);

/* Makes getopt_long start afresh on a new argv. Commands run one after
 * another in one process (the claims suite runs `run` many times), and
 * glibc's full reinitialisation is optind = 0: optind = 1 keeps state such
 * as the position inside a bundle of short options. Every command's
 * parser calls this first. */
void mb_getopt_reset(void);

#endif
