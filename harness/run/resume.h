/* --resume: the runs an earlier, interrupted sweep already completed, read
 * back from its CSV through libcsv. */
#ifndef MB_RESUME_H
#define MB_RESUME_H

#include <stdbool.h>

struct mb_resume;

/* Loads path; a missing file is an empty set. Returns the number of runs
 * found or -errno (err says why: not a modebench CSV, say). */
int mb_resume_load(struct mb_resume **out, const char *path, char *err, unsigned errlen);

/* key: "workload|recipe|mode|backend|policy|cores|concurrency|rate|gil_us|smt|mem_policy"
 * as the CSV writes those columns; label: --label's, "" without (it
 * matches rows whose label is empty, or files without the column). The
 * label is part of a run's identity: a file may hold several variants of
 * one machine, and a run of one never stands for a run of another. True
 * when that run completed (status other than interrupted). */
bool mb_resume_has(const struct mb_resume *r, const char *key, const char *label, unsigned rep,
		   bool warmup);
void mb_resume_free(struct mb_resume *r);

#endif
