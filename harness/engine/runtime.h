/* Runtimes: what runs a run's tasks inside the workers. The engine's own
 * executors (worker.c: blocking and event loop) are the C runtime, chosen
 * by run->runtime == NULL. Another runtime (harness/python: the recipe as
 * Python code in embedded CPython) plugs in here through one const
 * struct mb_runtime: the engine still places, spawns, gates, times the
 * run, merges the histograms and reaps; the runtime sets its workers up,
 * runs their tasks and records each one through mb_worker_take and
 * mb_worker_done, so its latencies come from the same clock (mb_now_ns)
 * into the same per-worker histograms as the C runtime's.
 *
 * Only worker_run is on the measured path; every other hook runs before
 * the gate opens or after the workers ended. */
#ifndef MB_RUNTIME_H
#define MB_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "step.h"

struct mb_runtime {
	const char *name;
	/* Why this runtime cannot carry out run, or NULL. Replaces the C
	 * runtime's checks (backend capabilities, the step kinds' own
	 * reasons). The text is valid until the next call in this thread. */
	const char *(*unsupported)(const struct mb_run *run);
	/* In the runner, before any worker is started; on failure
	 * (-errno, err says why) the run is failed and nothing is started. */
	int (*run_begin)(const struct mb_run *run, char *err, unsigned errlen);
	/* In the runner, once every worker was reaped; not called when
	 * threads could not be stopped (they may still be in the runtime). */
	void (*run_end)(const struct mb_run *run);
	/* Process modes, around each fork() of a worker: before it and
	 * after it in the runner, and first thing in the child. Each may be
	 * NULL. */
	void (*before_fork)(void);
	void (*after_fork_parent)(void);
	void (*after_fork_child)(void);
	/* In the worker's own thread or process: set-up before the gate
	 * (0, or -errno having called mb_worker_fail), the tasks from the
	 * gate's opening until there are no more to take, and teardown
	 * (always, after worker_setup, failed or not). worker_run leaves
	 * w->checksum and w->bytes as the worker's row shares them. */
	int (*worker_setup)(struct mb_worker *w);
	void (*worker_run)(struct mb_worker *w);
	void (*worker_teardown)(struct mb_worker *w);
	/* Stack of each worker thread in bytes; 0: the engine's 256 KiB. */
	size_t thread_stack;
	/* false: worker threads must never be cancelled (an interpreter
	 * thread killed by pthread_cancel would take its lock with it). Past
	 * --timeout they are asked to stop; those that do not are given up
	 * on, and the run says its threads could not be stopped. */
	bool cancellable;
};

/* A task a runtime's worker took: when it is due, and its number among
 * the worker's tasks (the trace's task column). */
struct mb_ticket {
	uint64_t intended;
	uint64_t seq;
};

/* Whether worker w starts another task, asked at time now. 1: the task
 * is taken, *t says when it is due: now in a closed loop; its place in
 * the open-loop schedule otherwise, which may lie ahead (the runtime
 * waits until then before it starts the task; a worker that takes a task
 * starts it). 0: no more tasks (the quota is done, the deadline passed,
 * the run is stopping, or the worker failed). No allocation, no lock. */
int mb_worker_take(struct mb_worker *w, uint64_t now, struct mb_ticket *t);

/* Task t, started at start, completed at end: end - t->intended into the
 * latency histogram, end - start into the service-time one, the count,
 * and under --trace a task event in task slot slot. */
void mb_worker_done(struct mb_worker *w, unsigned slot, const struct mb_ticket *t,
		    uint64_t start, uint64_t end);

/* Under --trace (w->run->trace): step (stage, branch, pos) of task seq in
 * slot ran from t0 to t1, a wait (sleep, net, file) or CPU work. */
void mb_worker_trace_step(struct mb_worker *w, bool wait, uint64_t seq, unsigned slot,
			  unsigned stage, unsigned branch, unsigned pos, uint64_t t0,
			  uint64_t t1);

#endif
