/* What a runtime other than C (runtime.h) records through: the same
 * arrivals decision (arrivals.h), the same per-worker histograms and
 * count (mb_worker_record) and the same trace buffers as the engine's own
 * executors in worker.c. Plain calls, so a runtime outside the engine
 * needs none of its private headers; each costs what the inline original
 * costs plus a call. */
#include "runtime.h"

#include "arrivals.h"
#include "worker.h"

int mb_worker_take(struct mb_worker *w, uint64_t now, struct mb_ticket *t)
{
	uint64_t intended;
	enum mb_next nx = mb_next_task(w, now, &intended);
	if (nx == MB_NEXT_NONE)
		return 0;
	/* An arrival ahead of now is taken now and started at its time:
	 * the caller waits for it, as the C executors do before they take
	 * it, so the schedule and the count come out the same. */
	t->intended = nx == MB_NEXT_WAIT ? w->next_start_ns : intended;
	t->seq = w->started;
	mb_note_first(w, nx == MB_NEXT_WAIT ? t->intended : now, t->intended);
	mb_task_taken(w);
	return 1;
}

void mb_worker_done(struct mb_worker *w, unsigned slot, const struct mb_ticket *t,
		    uint64_t start, uint64_t end)
{
	if (w->run->trace)
		mb_worker_trace_task(w, t->seq, slot, t->intended, start, end);
	mb_worker_record(w, t->intended, start, end);
}

void mb_worker_trace_step(struct mb_worker *w, bool wait, uint64_t seq, unsigned slot,
			  unsigned stage, unsigned branch, unsigned pos, uint64_t t0,
			  uint64_t t1)
{
	mb_worker_trace(w, wait ? MB_TRACE_WAIT : MB_TRACE_CPU, seq, slot, stage, branch, pos,
			t0, t1);
}
