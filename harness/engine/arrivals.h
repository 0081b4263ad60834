/* When a worker starts its tasks: the closed loop (at once, until the
 * deadline or the task quota) and the open-loop schedule (--rate,
 * --arrivals). Private to the engine (worker.c). The decision is inline,
 * on the measured path: it reads the worker's own fields and the run's
 * stop word, and allocates nothing. */
#ifndef MB_ARRIVALS_H
#define MB_ARRIVALS_H

#include <stdint.h>

#include "step.h"

/* The run started at t0: sets the deadline and, in an open loop, the
 * worker's first arrival. */
void mb_arrivals_init(struct mb_worker *w, uint64_t t0);

/* Open loop: schedules the worker's next arrival (w->next_start_ns).
 * Constant arrivals: the run's arrival j is due j/rate after the start,
 * and worker i of W takes arrivals i, i + W, i + 2W, ..., so together the
 * workers start one task every 1/rate rather than W at once every W/rate.
 * Poisson: each worker is an independent Poisson stream of rate/W (its
 * first arrival an exponential gap after the start too); together they
 * make one of rate. */
void mb_arrivals_next(struct mb_worker *w);

enum mb_next { MB_NEXT_NONE, MB_NEXT_WAIT, MB_NEXT_START };

/* Whether a worker free to start a task at now starts one now (its
 * intended start in *intended), waits for w->next_start_ns, or starts no
 * more. A duration-bound run starts no task due at or after its deadline:
 * in a closed loop none once now reaches it; in an open loop none
 * intended at or after it. Every arrival due before the deadline is
 * started, late or not, so a run starts exactly the arrivals due before
 * its deadline whatever the wake-ups cost, and lat_* count every one of
 * them: an overloaded run serves its backlog past the deadline (--timeout
 * bounds it) rather than leave its latest arrivals out. */
static inline enum mb_next mb_next_task(struct mb_worker *w, uint64_t now, uint64_t *intended)
{
	if (w->started >= w->quota || w->error || mb_worker_stopping(w))
		return MB_NEXT_NONE;
	*intended = now;
	if (!w->interval_ns)
		return !w->deadline_ns || now < w->deadline_ns ? MB_NEXT_START : MB_NEXT_NONE;
	if (w->deadline_ns && w->next_start_ns >= w->deadline_ns)
		return MB_NEXT_NONE;
	if (w->next_start_ns > now)
		return MB_NEXT_WAIT;
	*intended = w->next_start_ns;
	return MB_NEXT_START;
}

/* The task about to start at now, due at intended: the first one's times
 * are kept for the run's start skew (one predictable branch a task). In a
 * closed loop a task is due when it starts, so the first is due at the
 * run's start instead. */
static inline void mb_note_first(struct mb_worker *w, uint64_t now, uint64_t intended)
{
	if (MB_UNLIKELY(!w->started)) {
		w->first_ns = now;
		w->first_due_ns = w->interval_ns ? intended : w->origin_ns;
	}
}

/* The task mb_next_task allowed is starting: the next arrival is
 * scheduled. */
static inline void mb_task_taken(struct mb_worker *w)
{
	w->started++;
	if (w->interval_ns)
		mb_arrivals_next(w);
}

#endif
