/* Tests of stopping a run (--timeout, an interrupt; harness/engine/
 * spawn.c, worker.c) and of the steps that end early when it stops
 * (workloads/cpu.c, mem.c): a task cut off before its end did not
 * complete, so it is neither counted in tasks nor recorded in the
 * histograms, in every mode; the tasks that did complete are all counted.
 *
 * The runs are stopped while their workers are known to be inside a step
 * that cannot end by itself (hundreds of seconds of CPU work, or a 60 s
 * sleep), so no assertion depends on how fast anything ran. Probe step
 * kinds say, through a MAP_SHARED counter that forked workers reach too,
 * when every worker is inside its long step. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <cmocka.h>

#include "hist.h"
#include "loop.h"
#include "mb.h"
#include "modes.h"
#include "step.h"
#include "testutil.h"
#include "topo.h"
#include "worker.h"

#define LONG_UNITS (1ull << 40) /* CPU work units: hours on any machine */
#define SHORT_TASKS 3		/* per worker, before its long step */
#define MAX_WORKERS 64

static struct mb_topo *topo;
static unsigned kmax; /* cores used by the k-core modes: min(2, slots) */

/* Shared with forked workers: what the probes did, per worker. */
struct probe_state {
	uint64_t calls[MAX_WORKERS]; /* probe steps begun, per worker */
	unsigned in_long;	     /* workers inside their long step */
};
static struct probe_state *ps;

static int group_setup(void **state)
{
	ps = mmap(NULL, sizeof(*ps), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ps == MAP_FAILED)
		return -1;
	return mb_test_load_topo(&topo, &kmax);
}

static int group_teardown(void **state)
{
	munmap(ps, sizeof(*ps));
	mb_topo_free(topo);
	return 0;
}

/* ---- probe step kinds: SHORT_TASKS short steps per worker, then a long
 * one that only the run's stop can end */

static struct mb_step_kind probe_cpu, probe_sleep;

/* Whether this call is the worker's long one; counts it in. */
static bool probe_long(struct mb_worker *w)
{
	if (ps->calls[w->id]++ < SHORT_TASKS)
		return false;
	__atomic_fetch_add(&ps->in_long, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* cpu:5, then the real cpu step of LONG_UNITS. */
static int probe_cpu_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mb_step st = *s;
	st.a = probe_long(w) ? LONG_UNITS : 5;
	return mb_step_cpu.run_blocking(w, lane, &st);
}

static int probe_cpu_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mb_step st = *s;
	st.a = probe_long(w) ? LONG_UNITS : 5;
	return mb_step_cpu.start_async(w, lane, &st);
}

/* sleep:100us, then the real sleep step of 60 s. */
static int probe_sleep_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mb_step st = *s;
	st.a = probe_long(w) ? 60 * MB_NS_PER_S : 100 * MB_NS_PER_US;
	return mb_step_sleep.run_blocking(w, lane, &st);
}

static int probe_sleep_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mb_step st = *s;
	st.a = probe_long(w) ? 60 * MB_NS_PER_S : 100 * MB_NS_PER_US;
	return mb_step_sleep.start_async(w, lane, &st);
}

/* Parses text; steps of kind "cpu" become the cpu probe and "sleep" the
 * sleep probe when probe is set, else cpu steps last LONG_UNITS. */
static struct mb_recipe *recipe(const char *text, bool probe)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	if (mb_recipe_parse(text, r, err, sizeof(err)))
		fail_msg("'%s': %s", text, err);
	probe_cpu = mb_step_cpu;
	probe_cpu.run_blocking = probe_cpu_run;
	probe_cpu.start_async = probe_cpu_async;
	probe_sleep = mb_step_sleep;
	probe_sleep.run_blocking = probe_sleep_run;
	probe_sleep.start_async = probe_sleep_async;
	struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		if (s->kind == &mb_step_cpu && probe)
			s->kind = &probe_cpu;
		else if (s->kind == &mb_step_cpu)
			s->a = LONG_UNITS;
		else if (s->kind == &mb_step_sleep && probe)
			s->kind = &probe_sleep;
	}
	return r;
}

/* ---- one run, stopped */

struct outcome {
	struct mb_run_result res;
	struct mb_hist lat, svc;
	unsigned workers;
	int rc;
};

struct job {
	struct mb_run run;
	struct outcome *o;
	unsigned pus[MAX_WORKERS];
};

static void *job_main(void *arg)
{
	struct job *j = arg;
	j->o->rc = mb_mode_run(&j->run, &j->o->res);
	return NULL;
}

/* Starts a run of mode m (C in flight on kmax cores, ntasks tasks, the
 * given timeout) in a thread of its own. */
static void job_start(struct job *j, pthread_t *th, const struct mb_mode *m,
		      const struct mb_recipe *r, unsigned C, uint64_t ntasks,
		      uint64_t timeout_ns, struct outcome *o)
{
	unsigned k = mb_mode_one_core(m) ? 1 : kmax;
	if (m->id == MB_MODE_SYNC)
		C = 1;
	assert_int_equal(mb_topo_plan(topo, k, MB_POLICY_COMPACT, false, j->pus), 0);
	memset(o, 0, sizeof(*o));
	memset(ps, 0, sizeof(*ps));
	o->res.lat = &o->lat;
	o->res.svc = &o->svc;
	o->workers = mb_mode_workers(m, k, C);
	assert_true(o->workers <= MAX_WORKERS);
	j->o = o;
	j->run = (struct mb_run){
		.recipe = r,
		.mode = m,
		.backend = m->async ? MB_BACKEND_EPOLL : MB_BACKEND_NONE,
		.topo = topo,
		.policy = MB_POLICY_COMPACT,
		.cores = k,
		.pus = j->pus,
		.concurrency = C,
		.nworkers = o->workers,
		.tasks = ntasks,
		.timeout_ns = timeout_ns,
		.seed = 1,
		.file_fd = -1,
		.llc_bytes = mb_topo_llc_bytes(topo),
	};
	assert_int_equal(pthread_create(th, NULL, job_main, j), 0);
}

/* Waits (at most 60 s) until every worker is inside its long step. */
static void wait_in_long(unsigned workers, const char *what)
{
	for (unsigned i = 0; __atomic_load_n(&ps->in_long, __ATOMIC_SEQ_CST) < workers; i++) {
		struct timespec ts = { 0, 1000000 };
		if (i == 60000)
			fail_msg("%s: only %u of %u workers reached their long step in 60 s", what,
				 __atomic_load_n(&ps->in_long, __ATOMIC_SEQ_CST), workers);
		nanosleep(&ts, NULL);
	}
}

/* The run ended with status st, having counted and recorded exactly n
 * tasks. */
static void check_stopped(const struct mb_mode *m, const struct mb_recipe *r,
			  const struct outcome *o, enum mb_status st, uint64_t n)
{
	if (o->rc || o->res.status != st || o->res.tasks != n || o->lat.count != n)
		print_error("%s '%s': rc %d, status %s (expected %s), %llu tasks and %llu "
			    "latencies (expected %llu): %s\n", m->name, r->text, o->rc,
			    mb_status_name(o->res.status), mb_status_name(st),
			    (unsigned long long)o->res.tasks, (unsigned long long)o->lat.count,
			    (unsigned long long)n, o->res.error);
	assert_int_equal(o->rc, 0);
	assert_int_equal(o->res.status, st);
	assert_int_equal(o->res.tasks, n);
	assert_int_equal(o->lat.count, n);
	assert_int_equal(o->svc.count, n);
}

/* ---- 1. a timeout shorter than one task */

/* Every mode, C = 2: a task of LONG_UNITS of CPU work (alone, and beside
 * a 20 ms sleep in a parallel group, whose completion comes after the
 * cut in async modes) against a 100 ms timeout. The run ends timed out
 * with no task counted and empty histograms. */
static void test_timeout_shorter_than_a_task(void **state)
{
	const char *texts[] = { "cpu:1", "(sleep:20ms|cpu:1)" };
	for (unsigned ti = 0; ti < sizeof(texts) / sizeof(texts[0]); ti++) {
		struct mb_recipe *r = recipe(texts[ti], false);
		for (unsigned mi = 0; mi < MB_NMODES; mi++) {
			const struct mb_mode *m = &mb_modes[mi];
			struct outcome o;
			struct job j;
			pthread_t th;
			job_start(&j, &th, m, r, 2, 4, 100 * MB_NS_PER_MS, &o);
			pthread_join(th, NULL);
			check_stopped(m, r, &o, MB_ST_TIMEOUT, 0);
			assert_int_equal(o.lat.max, 0);
		}
		free(r);
	}
}

/* ---- 2. an interrupt counts the tasks that completed */

/* Every mode, C = 2: each worker completes SHORT_TASKS tasks, then starts
 * a long CPU step; once every worker is inside it, the run is
 * interrupted. Exactly SHORT_TASKS x W tasks are counted and recorded,
 * and the row says interrupted. */
static void test_interrupt_counts_completed(void **state)
{
	struct mb_recipe *r = recipe("cpu:1", true);
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		const struct mb_mode *m = &mb_modes[mi];
		struct outcome o;
		struct job j;
		pthread_t th;
		job_start(&j, &th, m, r, 2, 1000, 60 * MB_NS_PER_S, &o);
		wait_in_long(o.workers, m->name);
		mb_mode_interrupt();
		pthread_join(th, NULL);
		check_stopped(m, r, &o, MB_ST_INTERRUPTED, (uint64_t)SHORT_TASKS * o.workers);
	}
	free(r);
}

/* ---- 3. a worker ended by force keeps its count */

/* A step that cannot look at the stop flag (a 60 s sleep) is ended by
 * force a second after the timeout: the thread is cancelled, the process
 * killed. The SHORT_TASKS tasks each worker completed before are still
 * counted, and match the histograms; the cut one is in neither. One
 * thread mode, one process mode and one loop mode: each force costs a
 * second. */
static void test_forced_stop_counts_completed(void **state)
{
	const char *modes[] = { "threads", "procs", "async-threads" };
	struct mb_recipe *r = recipe("sleep:1ms", true);
	for (unsigned mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
		const struct mb_mode *m = mb_mode_find(modes[mi]);
		struct outcome o;
		struct job j;
		pthread_t th;
		job_start(&j, &th, m, r, 2, 1000, 200 * MB_NS_PER_MS, &o);
		wait_in_long(o.workers, m->name);
		pthread_join(th, NULL);
		check_stopped(m, r, &o, MB_ST_TIMEOUT, (uint64_t)SHORT_TASKS * o.workers);
	}
	free(r);
}

/* ---- 4. the steps: cut short, or run to the end */

/* A worker of its own for calling a step directly; stop is its run's
 * stop word. */
static void direct_worker(struct mb_worker *w, struct mb_run *run, const struct mb_recipe *r,
			  int *stop)
{
	memset(run, 0, sizeof(*run));
	run->recipe = r;
	run->nworkers = 1;
	run->file_fd = -1;
	run->stop = stop;
	memset(w, 0, sizeof(*w));
	w->run = run;
	w->rng = 1;
}

/* cpu and mem steps look at the stop flag between chunks of their work
 * (256 units in a cpu step over 1024 units, 1 MiB of a mem step): with
 * the run stopping, a step longer than one chunk returns -ECANCELED, and
 * one that ends within its first chunk completes (returns 0); with the
 * run going on, every step completes. */
static void test_steps_cut_short(void **state)
{
	static const struct {
		const char *text;
		const struct mb_step_kind *kind;
		bool cut; /* when the run stops */
	} cases[] = {
		{ "cpu:1000", &mb_step_cpu, false }, /* short: runs in one go */
		{ "cpu:2048", &mb_step_cpu, true },  /* looks every 256 units */
		{ "mem:512KiB", &mb_step_mem, false }, /* within one 1 MiB chunk */
		{ "mem:4MiB", &mb_step_mem, true },
	};
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mb_run run;
		struct mb_worker w;
		struct mb_lane lane = { .fd = -1 };
		int stop = 1;
		assert_int_equal(mb_recipe_parse(cases[i].text, r, err, sizeof(err)), 0);
		const struct mb_step *s = &r->st[0].br[0].steps[0];
		direct_worker(&w, &run, r, &stop);
		lane.w = &w;
		if (s->kind->worker_setup)
			assert_int_equal(s->kind->worker_setup(&w, NULL), 0);
		int rc = s->kind->run_blocking(&w, &lane, s);
		if (rc != (cases[i].cut ? -ECANCELED : 0))
			fail_msg("%s with the run stopping: returned %d", cases[i].text, rc);
		stop = 0;
		assert_int_equal(s->kind->run_blocking(&w, &lane, s), 0);
		if (s->kind->worker_teardown)
			s->kind->worker_teardown(&w);
	}
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_shorter_than_a_task),
		cmocka_unit_test(test_interrupt_counts_completed),
		cmocka_unit_test(test_forced_stop_counts_completed),
		cmocka_unit_test(test_steps_cut_short),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
