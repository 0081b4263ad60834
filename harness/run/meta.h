/* The environment of a sweep, recorded once per sweep in OUTPUT.meta.csv
 * beside the results (one row per sweep, joined to the rows by sweep_id,
 * the prefix of their run_id): what a reader needs to judge whether two
 * result sets are comparable. */
#ifndef MB_META_H
#define MB_META_H

#include "engine.h"

/* Appends one row to path (header when new), opened with O_NOFOLLOW: a
 * symbolic link is -ELOOP. host: the host column. Returns 0 or -errno. */
int mb_meta_write(const char *path, const char *sweep_id, const char *host,
		  const struct mb_topo *topo, const char *cmdline, char *err, unsigned errlen);

/* The same in two halves, for run --mpi, where every rank packs its own
 * row and rank 0 writes them all: the row's values into buf, each
 * NUL-terminated (returns the bytes used, 0 when len is too small), and
 * the rows packed so, one after another, appended to path. */
int mb_meta_pack(char *buf, unsigned len, const char *sweep_id, const char *host,
		 const struct mb_topo *topo, const char *cmdline);
int mb_meta_write_packed(const char *path, const char *rows, unsigned len, char *err,
			 unsigned errlen);

/* The meta file beside output: OUTPUT.meta.csv, with a .csv suffix of
 * OUTPUT dropped (results/x.csv -> results/x.meta.csv). */
void mb_meta_path(const char *output, char *buf, unsigned len);

#endif
