/* Workers: the things that run tasks (struct mb_worker is in the step API,
 * workloads/step.h, since steps run inside it). A worker is bound to one PU, owns its
 * histograms and counters (in its own cache lines of a MAP_SHARED region so
 * forked workers can hand them back), and executes the recipe either
 * blocking (one task at a time) or on an event loop with many tasks in
 * flight. */
#ifndef MB_WORKER_H
#define MB_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "base.h"
#include "gil.h"
#include "hist.h"
#include "mempol.h"
#include "step.h"
#include "topo.h"
#include "trace.h"

/* Per worker, in shared memory, each on its own cache lines. */
struct mb_worker_result {
	uint64_t tasks;
	uint64_t start_ns, end_ns;
	uint64_t user_us, sys_us;
	uint64_t nvcsw, nivcsw;
	uint64_t maxrss_kb;
	uint64_t checksum;
	uint64_t bytes; /* moved by mem/file/net steps */
	uint64_t trace_n, trace_dropped;
	uint64_t first_ns, first_due_ns; /* the first task's start and due; 0: none */
	/* --mem-policy (mempol.h): the nodes holding its placed buffers'
	 * pages, whether they were looked at, whether some page lay where
	 * the policy does not put it, and why binding or looking failed */
	uint64_t mem_nodes[MB_MEM_NODE_WORDS];
	int mem_checked, mem_unhonoured, mem_errno;
	int placement_ok;
	int last_cpu;
	int error; /* -errno or 0 */
	char errmsg[160];
} MB_ALIGNED;

/* One task slot of an async worker. */
struct mb_task {
	struct mb_lane *lanes; /* recipe max-branches lanes */
	struct mb_task *next_free;
	uint64_t start_ns, intended_ns;
	uint64_t seq;
	unsigned stage, pending;
	bool cut; /* a step stopped before its end: the task will not complete */
};

/* Sets up, waits on the barrier (which returns the run's common start
 * time), runs and records one worker. Called in the worker's own thread or
 * process. A duration-bound run starts no task due at or after the common
 * start + duration, for every worker however late it was woken: in a
 * closed loop none from then on, in an open loop (run->rate) exactly the
 * arrivals due before then, the W workers' schedules interleaved so one
 * task is due every 1/rate (arrivals.h). */
void mb_worker_main(struct mb_worker *w, uint64_t (*barrier)(void *), void *barrier_arg);

/* Releases what a worker thread that was cancelled (and joined) held, as
 * its own teardown would have: buffers, connections, its loop. The
 * exception is a loop whose backend completes operations into our buffers
 * (io_uring) with operations still in flight: the kernel may still write
 * into those buffers, so they stay allocated, on purpose (and are shown
 * to LeakSanitizer as such). Called by the runner after the join. */
void mb_worker_reclaim(struct mb_worker *w);

/* A completed task, into the histograms and the count. The count goes to
 * the worker's result slot (its own cache lines) at once, so a worker
 * cancelled or killed in its next task still reports what it completed,
 * as its histograms do. */
static inline void mb_worker_record(struct mb_worker *w, uint64_t intended, uint64_t start,
				    uint64_t end)
{
	mb_hist_record(w->lat, end - intended);
	mb_hist_record(w->svc, end - start);
	w->res->tasks = ++w->done;
}

/* Appends a trace event due at t0 (the caller checks that tracing is on);
 * returns it, or NULL when the buffer is full. */
static inline struct mb_trace_event *mb_worker_trace(struct mb_worker *w, unsigned kind,
						     uint64_t task, unsigned slot, unsigned stage,
						     unsigned branch, unsigned pos, uint64_t t0,
						     uint64_t t1)
{
	if (w->trace_n == w->trace_cap) {
		w->trace_dropped++;
		return NULL;
	}
	struct mb_trace_event *e = &w->trace_ev[w->trace_n++];
	e->t0 = t0;
	e->t1 = t1;
	e->due = t0;
	e->task = (uint32_t)task;
	e->slot = (uint16_t)slot;
	e->kind = (uint8_t)kind;
	e->stage = (uint8_t)stage;
	e->branch = (uint8_t)branch;
	e->pos = (uint8_t)pos;
	return e;
}

/* Appends a task's event: it ran from start to end and was due at
 * intended (its place in the open-loop schedule, else its start). */
static inline void mb_worker_trace_task(struct mb_worker *w, uint64_t task, unsigned slot,
					uint64_t intended, uint64_t start, uint64_t end)
{
	struct mb_trace_event *e = mb_worker_trace(w, MB_TRACE_TASK, task, slot, 0, 0, 0, start, end);
	if (e)
		e->due = intended;
}

/* Tracing: records a wait for the interpreter lock from t0 until now,
 * inside the step being run (w->tstep). */
static inline void mb_worker_trace_lock(struct mb_worker *w, uint64_t t0)
{
	const struct mb_step_pos *s = &w->tstep;
	mb_worker_trace(w, MB_TRACE_LOCK, s->task, s->slot, s->stage, s->branch, s->pos, t0,
			mb_now_ns());
}

/* The worker's gil_yield: hands the interpreter lock over when asked and
 * traces the wait for it as a lock event. */
void mb_worker_gil_yield(struct mb_worker *w);

#endif
