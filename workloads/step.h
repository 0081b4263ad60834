/* The step-kind interface, in the manner of fio's ioengine_ops: one const
 * descriptor per file under workloads/, each giving a blocking form and an
 * async form of the same work. The async form either finishes inline
 * (MB_Q_COMPLETED, as CPU work does: it blocks the loop) or queues an
 * operation on the worker's loop (MB_Q_QUEUED) and later calls
 * lane->done(lane, res) exactly once. */
#ifndef MB_STEP_H
#define MB_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

struct mb_worker;
struct mb_lane;
struct mb_run;

enum mb_q { MB_Q_COMPLETED = 0, MB_Q_QUEUED = 1 };

struct mb_step {
	const struct mb_step_kind *kind;
	uint64_t a;	 /* cpu: work units; sleep: ns; mem/file: bytes; net: delay ns */
	uint64_t b;	 /* net: response bytes */
	uint64_t dur_ns; /* cpu:DUR as asked, before calibration; 0 for cpu:N */
};

struct mb_step_kind {
	const char *name;
	const char *syntax;
	const char *help;
	bool is_wait; /* waits (released under the interpreter lock, traced as wait) */
	/* Parses the text after "name:"; writes one line to err on failure. */
	int (*parse)(const char *arg, struct mb_step *out, char *err, unsigned errlen);
	/* NULL when the step can run in this run, else the reason (the run
	 * becomes an unsupported row). May be NULL. */
	const char *(*unsupported)(const struct mb_run *run, const struct mb_step *s);
	/* Per-worker setup and teardown outside the measured period (buffers,
	 * connections). May be NULL. */
	int (*worker_setup)(struct mb_worker *w, const struct mb_step *s);
	void (*worker_teardown)(struct mb_worker *w);
	/* Per-lane setup (a lane is one concurrent stream of steps: one per
	 * blocking worker, one per parallel branch of each async task). */
	int (*lane_setup)(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s);
	void (*lane_teardown)(struct mb_worker *w, struct mb_lane *lane);
	/* Returns 0 or -errno. */
	int (*run_blocking)(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s);
	/* Returns MB_Q_COMPLETED, MB_Q_QUEUED or -errno. */
	int (*start_async)(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s);
};

/* Registration list (stress-ng style): one entry per file in workloads/. */
#define MB_STEP_KINDS(X) X(cpu) X(mem) X(sleep) X(net) X(file)

#define MB_STEP_DECL(name) extern const struct mb_step_kind mb_step_##name;
MB_STEP_KINDS(MB_STEP_DECL)
#undef MB_STEP_DECL

extern const struct mb_step_kind *const mb_step_kinds[];
extern const unsigned mb_step_nkinds;
const struct mb_step_kind *mb_step_find(const char *name, unsigned len);

/* The fixed compute kernel of cpu steps, exposed for calibration and the
 * bare-loop benchmark: runs n work units from state x, returns the state
 * (callers fold it into a checksum so the work cannot be removed). */
uint64_t mb_cpu_kernel(uint64_t x, uint64_t n);

#endif
