/* Execution modes (the table in the README's "What it measures") and the
 * runner that executes one run: prepare the shared region and the
 * workers, spawn them (threads or forked processes), release them together
 * through a futex gate, wait, and merge what they recorded (modes.c,
 * spawn.c). */
#ifndef MB_MODES_H
#define MB_MODES_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "worker.h"

/* How many workers a mode starts for C tasks in flight on k cores. */
enum mb_wrule { MB_W_ONE, MB_W_C, MB_W_K };

/* X(name, id, async, procs, rule, help) */
#define MB_MODES(X)                                                                    \
	X("sync", SYNC, false, false, MB_W_ONE, "1 thread, 1 task at a time, blocking")   \
	X("async", ASYNC, true, false, MB_W_ONE, "1 thread running an event loop, C tasks") \
	X("threads", THREADS, false, false, MB_W_C, "C threads pinned round-robin over k cores, blocking") \
	X("procs", PROCS, false, true, MB_W_C, "C forked processes pinned the same way, blocking") \
	X("async-threads", ASYNC_THREADS, true, false, MB_W_K, "k threads, one event loop each, C/k tasks each") \
	X("async-procs", ASYNC_PROCS, true, true, MB_W_K, "k processes, one event loop each, C/k tasks each")

enum mb_mode_id {
#define MB_MODE_ENUM(n, id, a, p, r, h) MB_MODE_##id,
	MB_MODES(MB_MODE_ENUM)
#undef MB_MODE_ENUM
	MB_NMODES
};

struct mb_mode {
	const char *name;
	enum mb_mode_id id;
	bool async;
	bool procs;
	enum mb_wrule rule;
	const char *help;
};

extern const struct mb_mode mb_modes[MB_NMODES];
const struct mb_mode *mb_mode_find(const char *name);
/* sync and async use one core whatever k is. */
static inline bool mb_mode_one_core(const struct mb_mode *m)
{
	return m->rule == MB_W_ONE;
}
/* Workers a mode starts for C tasks on k cores. */
unsigned mb_mode_workers(const struct mb_mode *m, unsigned k, unsigned c);

enum mb_status { MB_ST_OK, MB_ST_FAILED, MB_ST_TIMEOUT, MB_ST_UNSUPPORTED, MB_ST_INTERRUPTED };
const char *mb_status_name(enum mb_status s);

struct mb_run_result {
	enum mb_status status;
	char error[256];
	unsigned workers;
	uint64_t tasks;
	double wall_s;
	struct mb_hist *lat; /* caller-allocated */
	struct mb_hist *svc;
	double user_s, sys_s;
	uint64_t nvcsw, nivcsw;
	uint64_t maxrss_kb;
	bool placement_ok;
	double outside_load;
	char outside_note[96]; /* the busiest foreign core, when noisy */
	uint64_t bytes;
	uint64_t checksum;
	uint64_t trace_dropped;
	/* How long after the gate opened the last worker started its first
	 * task (in an open loop: after that task was due); 0 when none
	 * started one. */
	uint64_t start_skew_ns;
	/* --mem-policy: the nodes holding the pages of the workers' placed
	 * buffers (mem steps), how many workers' pages were looked at and
	 * how many lay where the policy does not put them, and the first
	 * failure to bind or look (-errno, 0: none). */
	uint64_t mem_nodes[MB_MEM_NODE_WORDS];
	unsigned mem_checked, mem_unhonoured;
	int mem_errno;
};

/* What each worker of a run holds for the whole run, all of it fixed
 * before the run starts (nothing grows with its duration or its tasks):
 * bytes, and counts where there are several of a thing. */
struct mb_footprint {
	size_t slot;	   /* its result and two histograms (shared region) */
	size_t worker;	   /* its struct mb_worker and the runner's records of it */
	size_t lanes;	   /* nlanes lanes: one, or task slots x branches (async) */
	size_t tasks;	   /* ntasks task slots (async) */
	size_t trace;	   /* its share of the --trace buffer */
	size_t stack;	   /* the thread's stack, reserved (touched as used);
			    * 0 for a process, whose memory is its own */
	unsigned nlanes, ntasks;
};

/* The footprint of the largest worker of mode m running recipe r with C
 * tasks in flight over W workers (tracing or not) into *fp; returns its
 * sum less the stack. The event loop's own tables (async modes: sized for
 * the lanes) and the step kinds' buffers (mem, net, file) come on top. */
size_t mb_footprint(const struct mb_mode *m, const struct mb_recipe *r, unsigned c, unsigned w,
		    bool trace, struct mb_footprint *fp);

/* Executes one run. run->stop is managed here. Returns 0 when the run was
 * carried out (its status may still be failed: not every worker started,
 * a worker failed, the run timed out or was interrupted), -errno when it
 * could not be started at all (out->error says why), and -EDEADLK when
 * threads could not be stopped: they still run and use the run's memory,
 * which is left allocated, so later runs in this process would not be
 * measured honestly and the caller should stop. */
int mb_mode_run(struct mb_run *run, struct mb_run_result *out);

/* Why this run cannot be carried out here (its backend is missing from
 * this kernel, a step needs what the backend lacks, a step's own reason),
 * or NULL. The text is valid until the next call in this thread. */
const char *mb_run_unsupported(const struct mb_run *run);

/* Asks the run in progress, if any, to stop (signal-safe). */
void mb_mode_interrupt(void);

#endif
