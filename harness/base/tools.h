/* The outside tools of the report and the claims (README, "Report"):
 * where the gnuplot chart scripts are, which gnuplot to run, and running
 * it on one script. One way to do each, so `modebench report` and
 * `modebench claims` find the same scripts and the same gnuplot. Also
 * writing an output file safely into a folder others may write to. */
#ifndef MB_TOOLS_H
#define MB_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The folder of the chart scripts: the first of these that holds a
 * readable file named probe (e.g. "common.gp"):
 *   1. $MB_SCRIPTS, when set and not empty; it is then the only place
 *      looked at, so a wrong setting is said rather than worked around;
 *   2. next to the binary (/proc/self/exe, DIR/NAME): DIR/../share/modebench/scripts
 *      for an installed binary (bin/modebench), DIR/../scripts for a
 *      build folder in a checkout (build/modebench);
 *   3. the source tree the binary was built from (MB_SOURCE_DIR/scripts).
 * Never the working directory: a scripts/ folder there could be anyone's.
 * Returns 0 with the folder in buf, or -ENOENT with buf saying where it
 * looked ("looked for PROBE in A, B and C"). Cost: a few access() calls. */
int mb_scripts_dir(const char *probe, char *buf, size_t len);

/* The gnuplot to run: $GNUPLOT when set and not empty, else "gnuplot".
 * *ok (when ok is not NULL) says whether it can be executed: a regular,
 * executable file, looked up on PATH (as execvp does: /bin:/usr/bin when
 * PATH is unset, "." for an empty entry) unless the name holds a '/'. */
const char *mb_gnuplot(bool *ok);

/* src as a gnuplot string literal in single quotes (a ' inside is
 * doubled), into dst. Returns 0, or -ENAMETOOLONG when it does not fit in
 * len bytes (dst is then ""). */
int mb_gp_quote(char *dst, size_t len, const char *src);

/* Starts `GNUPLOT -e EXPR SCRIPT` (GNUPLOT looked up on PATH) with stdin
 * from /dev/null and stdout and stderr into out_fd (left as they are when
 * out_fd < 0); a gnuplot that cannot be executed writes "cannot run
 * GNUPLOT: REASON" there and exits 127. Returns the child's pid, which the
 * caller waits for, or -errno. Every stdio stream is flushed first, so
 * nothing buffered is written twice. Cost: one fork and exec. */
pid_t mb_gp_spawn(const char *gnuplot, const char *expr, const char *script, int out_fd);

/* ---- Output files, never through a link ---------------------------------
 * A report file is written under a temporary name in its folder and
 * renamed over its final name once complete: the temporary file is made
 * with O_CREAT | O_EXCL (mkostemps), which fails on any existing name, a
 * link included, so nothing is opened through a link planted in the
 * folder; and rename() replaces a link at the final name itself, never its
 * target. A reader never sees half a file either. */

/* Creates the empty regular file DIR/.mb-XXXXXX-NAME (XXXXXX random; it
 * ends as NAME does, so a tool choosing a format by the extension, as
 * gnuplot's scripts do, sees the final one) with mode 0666 less the umask,
 * its path in tmp. Returns the open descriptor (close-on-exec), or -errno
 * (-ENAMETOOLONG when the path does not fit in len). */
int mb_tmp_create(const char *dir, const char *name, char *tmp, size_t len);

/* Renames tmp to DIR/NAME when tmp is still a regular file (a link put in
 * its place is refused: -EPERM); removes tmp on any failure. 0 or -errno. */
int mb_tmp_commit(const char *tmp, const char *dir, const char *name);

/* One output file in the making. */
struct mb_out {
	FILE *f;
	char tmp[4096];
	const char *dir, *name;
};

/* Opens a temporary file for DIR/NAME (mb_tmp_create) as o->f. 0 or
 * -errno. */
int mb_out_open(struct mb_out *o, const char *dir, const char *name);

/* Closes o->f and, when ok and every write succeeded, renames the file
 * into place; otherwise removes it. Returns 0, the write error (-errno,
 * -EIO when unknown) or the rename's. */
int mb_out_close(struct mb_out *o, bool ok);

#endif
