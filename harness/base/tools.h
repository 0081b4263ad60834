/* The outside tools of the report and the claims (README, "Report"):
 * where the gnuplot chart scripts are, which gnuplot to run, and running
 * it on one script. One way to do each, so `modebench report` and
 * `modebench claims` find the same scripts and the same gnuplot. */
#ifndef MB_TOOLS_H
#define MB_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
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

#endif
