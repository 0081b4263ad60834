/* Worker execution: set-up outside the measured period, then the blocking
 * or the event-loop executor of the recipe. On the measured path a task
 * costs two clock reads, two histogram records and the steps themselves:
 * no allocation, no lock, no write to a line another worker reads. */
#include "worker.h"

/* MB_ASAN (mb.h): under AddressSanitizer. */
#ifdef MB_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "arrivals.h"
#include "modes.h"
#include "runtime.h"

/* A step's error: -ECANCELED while the run is stopping is a step cut
 * short (its task did not complete; no error), anything else fails the
 * worker. Returns true for the cut. */
static bool step_cut(struct mb_worker *w, const struct mb_step *s, int rc)
{
	if (rc == -ECANCELED && mb_worker_stopping(w))
		return true;
	mb_worker_fail(w, rc, "%s step: %s", s->kind->name, strerror(-rc));
	return false;
}

/* Sleeps until t (CLOCK_MONOTONIC), without the interpreter lock. */
static void sleep_until(struct mb_worker *w, uint64_t t)
{
	struct timespec ts = { .tv_sec = (time_t)(t / MB_NS_PER_S),
			       .tv_nsec = (long)(t % MB_NS_PER_S) };
	if (w->gil)
		mb_gil_release(w->gil);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	if (w->gil)
		mb_gil_acquire(w->gil);
}

/* ---- blocking executor: one task at a time, branches one after another */

void mb_worker_gil_yield(struct mb_worker *w)
{
	uint64_t t0 = w->run->trace ? mb_now_ns() : 0;
	if (mb_gil_yield(w->gil) && w->run->trace)
		mb_worker_trace_lock(w, t0);
}

/* Tracing: the step about to run, for the lock events inside it. */
static inline void set_tstep(struct mb_worker *w, uint64_t task, unsigned slot, unsigned stage,
			     unsigned branch, unsigned pos)
{
	w->tstep.task = (uint32_t)task;
	w->tstep.slot = (uint16_t)slot;
	w->tstep.stage = (uint8_t)stage;
	w->tstep.branch = (uint8_t)branch;
	w->tstep.pos = (uint8_t)pos;
}

static int run_step_blocking(struct mb_worker *w, struct mb_lane *lane,
			     const struct mb_step *s, unsigned stage, unsigned branch,
			     unsigned pos)
{
	int rc;
	uint64_t t0 = 0;
	if (w->run->trace) {
		t0 = mb_now_ns();
		set_tstep(w, w->started - 1, 0, stage, branch, pos);
	}
	if (w->gil && (s->kind->flags & MB_STEP_F_WAIT))
		mb_gil_release(w->gil);
	rc = s->kind->run_blocking(w, lane, s);
	if (w->gil && (s->kind->flags & MB_STEP_F_WAIT)) {
		uint64_t a = w->run->trace ? mb_now_ns() : 0;
		if (mb_gil_acquire(w->gil) && w->run->trace)
			mb_worker_trace_lock(w, a);
	}
	if (w->run->trace && rc >= 0)
		mb_worker_trace(w, (s->kind->flags & MB_STEP_F_WAIT) ? MB_TRACE_WAIT : MB_TRACE_CPU,
				w->started - 1, 0, stage, branch, pos, t0, mb_now_ns());
	return rc;
}

static void run_blocking(struct mb_worker *w)
{
	const struct mb_recipe *r = w->run->recipe;
	struct mb_lane *lane = &w->lanes[0];

	if (w->gil)
		mb_gil_acquire(w->gil);
	for (;;) {
		uint64_t now = mb_now_ns(), intended;
		enum mb_next nx = mb_next_task(w, now, &intended);
		if (nx == MB_NEXT_NONE)
			break;
		if (nx == MB_NEXT_WAIT) {
			sleep_until(w, w->next_start_ns);
			continue;
		}
		mb_note_first(w, now, intended);
		mb_task_taken(w);
		const struct mb_step *s;
		MB_FOR_EACH_STEP_AT(r, s, i, b, j)
		{
			int rc = run_step_blocking(w, lane, s, i, b, j);
			if (MB_UNLIKELY(rc < 0)) {
				step_cut(w, s, rc);
				goto out;
			}
		}
		uint64_t end = mb_now_ns();
		if (w->run->trace)
			mb_worker_trace_task(w, w->started - 1, 0, intended, now, end);
		mb_worker_record(w, intended, now, end);
	}
out:
	if (w->gil)
		mb_gil_release(w->gil);
}

/* ---- event-loop executor: many tasks in flight, branches concurrent */

static void stage_begin(struct mb_worker *w, struct mb_task *t);

/* A task's last branch is done: recorded unless a step was cut short;
 * its slot is free again either way. */
static void task_end(struct mb_worker *w, struct mb_task *t)
{
	if (!t->cut) {
		uint64_t end = mb_now_ns();
		if (w->run->trace)
			mb_worker_trace_task(w, t->seq, (unsigned)(t - w->tasks), t->intended_ns,
					     t->start_ns, end);
		mb_worker_record(w, t->intended_ns, t->start_ns, end);
	}
	t->next_free = w->free_tasks;
	w->free_tasks = t;
}

static void branch_done(struct mb_worker *w, struct mb_task *t)
{
	if (--t->pending)
		return;
	if (!t->cut && ++t->stage < w->run->recipe->nstages)
		stage_begin(w, t);
	else
		task_end(w, t);
}

/* A step of the lane failed with rc: a cut ends the lane's branch (the
 * task's other branches finish, then it ends unrecorded); a failure
 * abandons the task, whose slot is not reused. */
static void lane_failed(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s,
			int rc)
{
	if (step_cut(w, s, rc)) {
		lane->task->cut = true;
		branch_done(w, lane->task);
	}
}

static void trace_lane(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mb_task *t = lane->task;
	mb_worker_trace(w, (s->kind->flags & MB_STEP_F_WAIT) ? MB_TRACE_WAIT : MB_TRACE_CPU, t->seq,
			(unsigned)(t - w->tasks), t->stage, lane->branch, lane->pos, lane->t0,
			mb_now_ns());
}

static void lane_advance(struct mb_worker *w, struct mb_lane *lane)
{
	struct mb_task *t = lane->task;
	const struct mb_branch *br = &w->run->recipe->st[t->stage].br[lane->branch];

	while (lane->pos < br->nsteps && !t->cut) {
		const struct mb_step *s = &br->steps[lane->pos];
		if (w->run->trace) {
			lane->t0 = mb_now_ns();
			set_tstep(w, t->seq, (unsigned)(t - w->tasks), t->stage, lane->branch,
				  lane->pos);
		}
		int rc = s->kind->start_async(w, lane, s);
		if (rc == MB_Q_QUEUED)
			return;
		if (MB_UNLIKELY(rc < 0)) {
			lane_failed(w, lane, s, rc);
			return;
		}
		if (w->run->trace)
			trace_lane(w, lane, s);
		lane->pos++;
	}
	branch_done(w, t);
}

/* Completion of a queued step. */
static void lane_done(struct mb_lane *lane, int res)
{
	struct mb_worker *w = lane->w;
	if (MB_UNLIKELY(res < 0)) {
		lane_failed(w, lane,
			    &w->run->recipe->st[lane->task->stage].br[lane->branch].steps[lane->pos],
			    res);
		return;
	}
	if (w->run->trace)
		trace_lane(w, lane,
			   &w->run->recipe->st[lane->task->stage].br[lane->branch].steps[lane->pos]);
	lane->pos++;
	lane_advance(w, lane);
}

static void stage_begin(struct mb_worker *w, struct mb_task *t)
{
	const struct mb_stage *st = &w->run->recipe->st[t->stage];
	/* One extra count so a branch finishing inline cannot end the stage
	 * while later branches are still being started. */
	t->pending = st->nbranches + 1;
	for (unsigned b = 0; b < st->nbranches; b++) {
		struct mb_lane *lane = &t->lanes[b];
		if (t->cut) { /* an earlier branch was cut: start no more */
			t->pending--;
			continue;
		}
		lane->branch = b;
		lane->pos = 0;
		lane_advance(w, lane);
	}
	branch_done(w, t);
}

static void gil_release_hook(void *g)
{
	mb_gil_release(g);
}

static void gil_acquire_hook(void *g)
{
	mb_gil_acquire(g);
}

static void run_async(struct mb_worker *w)
{
	if (w->gil) {
		mb_gil_acquire(w->gil);
		mb_loop_set_wait_hooks(w->loop, gil_release_hook, gil_acquire_hook, w->gil);
	}
	for (;;) {
		uint64_t now = mb_now_ns(), intended;
		enum mb_next nx = MB_NEXT_NONE;
		while (w->free_tasks && (nx = mb_next_task(w, now, &intended)) == MB_NEXT_START) {
			struct mb_task *t = w->free_tasks;
			w->free_tasks = t->next_free;
			t->intended_ns = intended;
			t->start_ns = now;
			t->seq = w->started;
			t->stage = 0;
			t->cut = false;
			mb_note_first(w, now, intended);
			mb_task_taken(w);
			stage_begin(w, t);
			now = mb_now_ns();
		}
		/* With a free slot, nx says what next: wait for the next
		 * arrival, or start no more. */
		uint64_t wait = nx == MB_NEXT_WAIT ? w->next_start_ns - now : UINT64_MAX;
		if (!mb_loop_pending(w->loop)) {
			if (nx != MB_NEXT_WAIT)
				break;
			sleep_until(w, w->next_start_ns);
			continue;
		}
		int rc = mb_loop_run_once(w->loop, wait);
		if (MB_UNLIKELY(rc < 0)) {
			mb_worker_fail(w, rc, "event loop: %s", strerror(-rc));
			break;
		}
	}
	if (w->gil)
		mb_gil_release(w->gil);
}

/* ---- set-up and teardown, outside the measured period */

static int setup(struct mb_worker *w)
{
	const struct mb_run *run = w->run;
	const struct mb_recipe *r = run->recipe;
	bool async = run->mode->async;
	unsigned nb = r->max_branches;
	int rc;

	w->nlanes = async ? w->ntasks * nb : 1;
	w->lanes = calloc(w->nlanes, sizeof(*w->lanes));
	if (!w->lanes)
		return -ENOMEM;
	for (unsigned i = 0; i < w->nlanes; i++) {
		w->lanes[i].w = w;
		w->lanes[i].fd = -1;
		w->lanes[i].done = lane_done;
	}
	if (async) {
		w->tasks = calloc(w->ntasks, sizeof(*w->tasks));
		if (!w->tasks)
			return -ENOMEM;
		for (unsigned i = 0; i < w->ntasks; i++) {
			struct mb_task *t = &w->tasks[i];
			t->lanes = &w->lanes[i * nb];
			for (unsigned b = 0; b < nb; b++)
				t->lanes[b].task = t;
			t->next_free = w->free_tasks;
			w->free_tasks = t;
		}
		rc = mb_loop_create(&w->loop, run->backend, w->nlanes + 16);
		if (rc) {
			mb_worker_fail(w, rc, "%s loop: %s", mb_backend_name(run->backend),
				       strerror(-rc));
			return rc;
		}
	}
	for (unsigned k = 0; k < mb_step_nkinds; k++) {
		const struct mb_step_kind *kind = mb_step_kinds[k];
		if (!mb_recipe_uses(r, kind))
			continue;
		if (kind->worker_setup && (rc = kind->worker_setup(w, NULL)))
			return rc;
		if (kind->lane_setup)
			for (unsigned i = 0; i < w->nlanes; i++)
				if ((rc = kind->lane_setup(w, &w->lanes[i], NULL)))
					return rc;
	}
	return 0;
}

static void teardown(struct mb_worker *w)
{
	const struct mb_recipe *r = w->run->recipe;
	for (unsigned k = 0; k < mb_step_nkinds; k++) {
		const struct mb_step_kind *kind = mb_step_kinds[k];
		if (!mb_recipe_uses(r, kind))
			continue;
		if (kind->lane_teardown && w->lanes)
			for (unsigned i = 0; i < w->nlanes; i++)
				kind->lane_teardown(w, &w->lanes[i]);
		if (kind->worker_teardown)
			kind->worker_teardown(w);
	}
	mb_loop_destroy(w->loop);
	w->loop = NULL;
	free(w->tasks);
	free(w->lanes);
	w->tasks = NULL;
	w->lanes = NULL;
}

void mb_worker_reclaim(struct mb_worker *w)
{
	if (w->loop && (mb_backend_caps(mb_loop_backend(w->loop)) & MB_LOOP_CAP_FILE_READ) &&
	    mb_loop_pending(w->loop)) {
#ifdef MB_ASAN
		__lsan_ignore_object(w->lanes);
		__lsan_ignore_object(w->tasks);
#endif
		return;
	}
	teardown(w);
}

static uint64_t tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000ull + (uint64_t)tv.tv_usec;
}

void mb_worker_main(struct mb_worker *w, uint64_t (*barrier)(void *), void *barrier_arg)
{
	const struct mb_run *run = w->run;
	struct mb_worker_result *res = w->res;
	struct rusage r0, r1;
	int rc;

	/* Sleeps and timers wake within a microsecond rather than the 50 us
	 * default slack, so short waits are measured, not the slack. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	res->placement_ok = 1;
	res->tasks = 0; /* mb_worker_record() keeps it up to date */
	if (w->bind && (rc = mb_topo_bind_self(run->topo, w->pu)))
		mb_worker_fail(w, rc, "binding to PU %u: %s", w->pu, strerror(-rc));
	w->rng = run->seed * 0x9E3779B97F4A7C15ull + w->id + 1;
	w->checksum = w->rng;
	const struct mb_runtime *rt = run->runtime;
	if (!w->error && (rc = rt ? rt->worker_setup(w) : setup(w)) && !w->error)
		mb_worker_fail(w, rc, "worker setup: %s", strerror(-rc));

	uint64_t t0 = barrier(barrier_arg);

	int cpu0 = mb_topo_last_cpu(run->topo);
	getrusage(RUSAGE_THREAD, &r0);
	res->start_ns = mb_now_ns();
	if (!w->error) {
		mb_arrivals_init(w, t0);
		if (rt)
			rt->worker_run(w);
		else if (run->mode->async)
			run_async(w);
		else
			run_blocking(w);
	}
	res->end_ns = mb_now_ns();
	getrusage(RUSAGE_THREAD, &r1);
	int cpu1 = mb_topo_last_cpu(run->topo);

	res->last_cpu = cpu1;
	if (w->bind && run->topo->this_system && (cpu0 != (int)w->pu || cpu1 != (int)w->pu))
		res->placement_ok = 0;
	res->user_us = tv_us(r1.ru_utime) - tv_us(r0.ru_utime);
	res->sys_us = tv_us(r1.ru_stime) - tv_us(r0.ru_stime);
	res->nvcsw = (uint64_t)(r1.ru_nvcsw - r0.ru_nvcsw);
	res->nivcsw = (uint64_t)(r1.ru_nivcsw - r0.ru_nivcsw);
	res->checksum = w->checksum;
	res->bytes = w->bytes;
	res->trace_n = w->trace_n;
	res->trace_dropped = w->trace_dropped;
	res->first_ns = w->first_ns;
	res->first_due_ns = w->first_due_ns;
	if (rt)
		rt->worker_teardown(w);
	else
		teardown(w);
	res->error = w->error;
	if (w->error)
		snprintf(res->errmsg, sizeof(res->errmsg), "%s", w->errmsg);
}
