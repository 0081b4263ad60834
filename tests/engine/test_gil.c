/* Tests of the interpreter-lock emulation (harness/engine/gil.h) and of the
 * per-task trace (harness/engine/trace.h, `modebench run --trace FILE`).
 *
 * The lock is watched from inside real runs: the recipe's cpu and sleep
 * steps are swapped for probe kinds that count, with atomics, how many
 * threads are inside a CPU work unit at once, whether the lock is held
 * (read under its mutex) and whether another thread ran CPU work while
 * this one waited. The drop request is checked on the API itself by
 * counting work units. The trace is produced by the binary and read back
 * through libcsv; its events must nest and must not overlap where one
 * thread cannot do two things at once.
 *
 * Nothing here asserts how long anything took. Every loop is bounded, and
 * every run has a timeout, so a broken mechanism fails instead of hanging. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gil.h"
#include "mb.h"
#include "modes.h"
#include "step.h"
#include "step.h"
#include "testutil.h"
#include "topo.h"
#include "worker.h"

static struct mb_topo *topo;
static unsigned kmax; /* cores for the multi-core runs: min(2, slots) */

static int group_setup(void **state)
{
	return mb_test_load_topo(&topo, &kmax);
}

static int group_teardown(void **state)
{
	mb_topo_free(topo);
	return 0;
}

/* ---- probe step kinds */

/* Shared by the probes of one run; reset between runs (no worker runs
 * then). Every access while workers run is atomic. */
static struct probe {
	unsigned holders;	    /* threads inside a CPU work unit now */
	unsigned max_holders;	    /* the most seen at once */
	unsigned last_owner;	    /* worker id + 1 of the last unit run */
	uint64_t units;		    /* CPU work units run */
	uint64_t midstep_switches;  /* another worker ran between two units of one step */
	uint64_t cpu_steps, cpu_locked, cpu_unlocked; /* lock state at CPU steps */
	uint64_t waits, wait_locked, wait_unlocked;   /* lock state inside waits */
	uint64_t wait_overlap;	    /* waits during which another thread ran CPU work */
} pr;

#define ADD(field) __atomic_fetch_add(&pr.field, 1, __ATOMIC_SEQ_CST)
#define GET(field) __atomic_load_n(&pr.field, __ATOMIC_SEQ_CST)

static struct mb_step_kind probe_cpu, probe_wait;

static bool gil_locked(struct mb_gil *g)
{
	pthread_mutex_lock(&g->mu);
	bool locked = g->locked;
	pthread_mutex_unlock(&g->mu);
	return locked;
}

/* The CPU probe: s->a work units, each counted in and out of `holders`,
 * with the lock offered between units as workloads/cpu.c does. */
static void probe_units(struct mb_worker *w, const struct mb_step *s)
{
	unsigned me = w->id + 1;
	uint64_t x = w->checksum | 1;

	ADD(cpu_steps);
	if (w->gil) {
		if (gil_locked(w->gil))
			ADD(cpu_locked);
		else
			ADD(cpu_unlocked);
	}
	for (uint64_t i = 0; i < s->a; i++) {
		unsigned h = __atomic_add_fetch(&pr.holders, 1, __ATOMIC_SEQ_CST);
		unsigned m = __atomic_load_n(&pr.max_holders, __ATOMIC_SEQ_CST);
		while (h > m && !__atomic_compare_exchange_n(&pr.max_holders, &m, h, false,
							     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		unsigned prev = __atomic_exchange_n(&pr.last_owner, me, __ATOMIC_SEQ_CST);
		if (i && prev != me)
			ADD(midstep_switches);
		x = mb_cpu_kernel(x, 1);
		ADD(units);
		__atomic_sub_fetch(&pr.holders, 1, __ATOMIC_SEQ_CST);
		if (w->gil)
			mb_gil_tick(w->gil);
	}
	w->checksum = x;
}

static int probe_cpu_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	probe_units(w, s);
	return 0;
}

static int probe_cpu_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	probe_units(w, s);
	return MB_Q_COMPLETED;
}

/* The wait probe (blocking form): notes whether the lock is held, then
 * sleeps in two halves, looking before, between and after whether another
 * thread is inside a CPU work unit. */
static int probe_wait_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mb_step half = *s;
	int rc;
	bool overlap;

	ADD(waits);
	if (w->gil) {
		if (gil_locked(w->gil))
			ADD(wait_locked);
		else
			ADD(wait_unlocked);
	}
	half.a = s->a / 2 ? s->a / 2 : 1;
	overlap = GET(holders) > 0;
	rc = mb_step_sleep.run_blocking(w, lane, &half);
	overlap |= GET(holders) > 0;
	if (!rc)
		rc = mb_step_sleep.run_blocking(w, lane, &half);
	overlap |= GET(holders) > 0;
	if (overlap)
		ADD(wait_overlap);
	return rc;
}

static void probes_init(void)
{
	probe_cpu = mb_step_cpu;
	probe_cpu.run_blocking = probe_cpu_run;
	probe_cpu.start_async = probe_cpu_async;
	probe_wait = mb_step_sleep;
	probe_wait.run_blocking = probe_wait_run; /* async form: the real loop timer */
	assert_true(probe_wait.flags & MB_STEP_F_WAIT);
	assert_false(probe_cpu.flags & MB_STEP_F_WAIT);
}

/* Parses text and swaps every cpu and sleep step for its probe. */
static struct mb_recipe *probe_recipe(const char *text)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	if (mb_recipe_parse(text, r, err, sizeof(err)))
		fail_msg("'%s': %s", text, err);
	probes_init();
	for (unsigned i = 0; i < r->nstages; i++)
		for (unsigned b = 0; b < r->st[i].nbranches; b++)
			for (unsigned j = 0; j < r->st[i].br[b].nsteps; j++) {
				struct mb_step *s = &r->st[i].br[b].steps[j];
				if (s->kind == &mb_step_cpu)
					s->kind = &probe_cpu;
				else if (s->kind == &mb_step_sleep)
					s->kind = &probe_wait;
				else
					fail_msg("'%s': only cpu and sleep steps are probed", text);
			}
	return r;
}

/* One run in this process, as harness/run/sweep.c builds it; asserts that it
 * completed exactly N tasks. */
static void run_probed(const struct mb_mode *m, const struct mb_recipe *r, unsigned k,
		       unsigned C, uint64_t N, uint64_t gil_ns)
{
	unsigned pus[64];
	struct mb_hist *lat = malloc(sizeof(*lat)), *svc = malloc(sizeof(*svc));
	struct mb_run_result res = { .lat = lat, .svc = svc };

	assert_non_null(lat);
	assert_non_null(svc);
	if (mb_mode_one_core(m))
		k = 1;
	assert_int_equal(mb_topo_plan(topo, k, MB_POLICY_COMPACT, false, pus), 0);
	memset(&pr, 0, sizeof(pr));
	struct mb_run run = {
		.recipe = r,
		.mode = m,
		.backend = m->async ? MB_BACKEND_EPOLL : MB_BACKEND_NONE,
		.topo = topo,
		.policy = MB_POLICY_COMPACT,
		.cores = k,
		.pus = pus,
		.concurrency = C,
		.nworkers = mb_mode_workers(m, k, C),
		.tasks = N,
		.timeout_ns = 60 * MB_NS_PER_S, /* a lock that never hands over fails */
		.gil_ns = gil_ns,
		.seed = 1,
		.file_fd = -1,
		.llc_bytes = mb_topo_llc_bytes(topo),
	};
	int rc = mb_mode_run(&run, &res);
	if (rc || res.status != MB_ST_OK || res.tasks != N)
		print_error("%s '%s' k=%u C=%u N=%llu gil=%llu ns: rc %d status %s tasks %llu: %s\n",
			    m->name, r->text, k, C, (unsigned long long)N,
			    (unsigned long long)gil_ns, rc, mb_status_name(res.status),
			    (unsigned long long)res.tasks, res.error);
	assert_int_equal(rc, 0);
	assert_int_equal(res.status, MB_ST_OK);
	assert_int_equal(res.tasks, N);
	assert_int_equal(lat->count, N);
	free(lat);
	free(svc);
}

static void show_probe(const char *what)
{
	print_message("%s: max holders %u, units %llu, mid-step switches %llu, cpu steps %llu "
		      "(locked %llu, unlocked %llu), waits %llu (locked %llu, unlocked %llu, "
		      "overlapped by CPU work %llu)\n",
		      what, GET(max_holders), (unsigned long long)GET(units),
		      (unsigned long long)GET(midstep_switches), (unsigned long long)GET(cpu_steps),
		      (unsigned long long)GET(cpu_locked), (unsigned long long)GET(cpu_unlocked),
		      (unsigned long long)GET(waits), (unsigned long long)GET(wait_locked),
		      (unsigned long long)GET(wait_unlocked), (unsigned long long)GET(wait_overlap));
}

/* ---- 1. mutual exclusion in the real threads mode */

#define MX_RECIPE "cpu:1000+sleep:50us"
#define MX_TASKS 200
#define MX_UNITS 1000
#define MX_GIL_NS (100 * MB_NS_PER_US)

/* C=4 threads on k=min(2, slots) cores under the lock: never two threads
 * inside a CPU unit at once; the holder was made to hand the lock over in
 * the middle of a step (drop requests are honoured in the real executor);
 * and CPU work of one thread ran while another waited (the lock is free
 * during waits: were it kept, nobody could run CPU work then). */
static void test_threads_mutual_exclusion(void **state)
{
	struct mb_recipe *r = probe_recipe(MX_RECIPE);
	const struct mb_mode *m = mb_mode_find("threads");

	run_probed(m, r, kmax, 4, MX_TASKS, MX_GIL_NS);
	show_probe("threads, lock on");
	assert_int_equal(GET(max_holders), 1);
	assert_int_equal(GET(holders), 0);
	assert_int_equal(GET(units), (uint64_t)MX_TASKS * MX_UNITS);
	assert_int_equal(GET(cpu_steps), MX_TASKS);
	assert_int_equal(GET(cpu_locked), MX_TASKS); /* every CPU step runs under the lock */
	assert_int_equal(GET(cpu_unlocked), 0);
	assert_int_equal(GET(waits), MX_TASKS);
	assert_true(GET(midstep_switches) >= 1);
	assert_true(GET(wait_overlap) >= 1);
	free(r);
}

/* The control: the same run without the lock lets two threads into a CPU
 * unit at once on two cores, so the holder count can see a violation. */
static void test_threads_without_lock_overlap(void **state)
{
	struct mb_recipe *r = probe_recipe(MX_RECIPE);
	const struct mb_mode *m = mb_mode_find("threads");

	if (kmax < 2) {
		print_message("one core slot: two threads cannot run at once here\n");
		free(r);
		skip();
	}
	run_probed(m, r, kmax, 4, MX_TASKS, 0);
	show_probe("threads, lock off");
	/* 2 or more: a thread preempted inside a unit still counts */
	assert_true(GET(max_holders) >= 2);
	assert_int_equal(GET(units), (uint64_t)MX_TASKS * MX_UNITS);
	assert_int_equal(GET(waits), MX_TASKS);
	free(r);
}

/* k event loops share the lock in async-threads: their CPU steps exclude
 * each other too, and each runs holding the lock. */
static void test_async_threads_mutual_exclusion(void **state)
{
	struct mb_recipe *r = probe_recipe(MX_RECIPE);
	const struct mb_mode *m = mb_mode_find("async-threads");

	run_probed(m, r, kmax, 8, MX_TASKS, MX_GIL_NS);
	show_probe("async-threads, lock on");
	assert_int_equal(GET(max_holders), 1);
	assert_int_equal(GET(units), (uint64_t)MX_TASKS * MX_UNITS);
	assert_int_equal(GET(cpu_steps), MX_TASKS);
	assert_int_equal(GET(cpu_locked), MX_TASKS);
	assert_int_equal(GET(cpu_unlocked), 0);
	if (kmax >= 2)
		assert_true(GET(midstep_switches) >= 1); /* two loops took turns */
	free(r);
}

/* ---- 2. the lock is free while a thread waits, held while it computes */

static void test_lock_state_single_thread(void **state)
{
	struct mb_recipe *r = probe_recipe("cpu:10+sleep:20us+cpu:5+sleep:10us");
	const uint64_t N = 50;

	run_probed(mb_mode_find("threads"), r, 1, 1, N, MX_GIL_NS);
	show_probe("threads C=1, lock on");
	assert_int_equal(GET(cpu_steps), 2 * N);
	assert_int_equal(GET(cpu_locked), 2 * N);
	assert_int_equal(GET(cpu_unlocked), 0);
	assert_int_equal(GET(waits), 2 * N);
	assert_int_equal(GET(wait_unlocked), 2 * N);
	assert_int_equal(GET(wait_locked), 0);
	assert_int_equal(GET(midstep_switches), 0); /* nobody else to hand over to */

	/* Without a lock the probes see none (w->gil is NULL). */
	run_probed(mb_mode_find("threads"), r, 1, 1, N, 0);
	assert_int_equal(GET(cpu_steps), 2 * N);
	assert_int_equal(GET(cpu_locked) + GET(cpu_unlocked), 0);
	assert_int_equal(GET(waits), 2 * N);
	assert_int_equal(GET(wait_locked) + GET(wait_unlocked), 0);
	free(r);
}

/* ---- 3. a drop request is honoured within one work unit (the API) */

#define DROP_BOUND 5000000ull /* units: far past any switch interval */

struct drop {
	struct mb_gil g;
	int a_holds, a_done, stop, observed;
	uint64_t units_done;
	uint64_t r0, r1; /* units done when the request was seen, and when B held the lock */
	uint64_t a_loops;
};

static void *drop_holder(void *arg)
{
	struct drop *d = arg;
	uint64_t x = 1, i;

	mb_gil_acquire(&d->g);
	__atomic_store_n(&d->a_holds, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < DROP_BOUND; i++) {
		x = mb_cpu_kernel(x, 1);
		__atomic_fetch_add(&d->units_done, 1, __ATOMIC_SEQ_CST);
		mb_gil_tick(&d->g);
		if (__atomic_load_n(&d->stop, __ATOMIC_SEQ_CST))
			break;
	}
	d->a_loops = i;
	mb_gil_release(&d->g);
	__atomic_store_n(&d->a_done, 1, __ATOMIC_SEQ_CST);
	return (void *)(uintptr_t)(x & 1);
}

static void *drop_requester(void *arg)
{
	struct drop *d = arg;
	while (!__atomic_load_n(&d->a_holds, __ATOMIC_SEQ_CST))
		sched_yield();
	mb_gil_acquire(&d->g);
	d->r1 = __atomic_load_n(&d->units_done, __ATOMIC_SEQ_CST);
	__atomic_store_n(&d->stop, 1, __ATOMIC_SEQ_CST);
	mb_gil_release(&d->g);
	return NULL;
}

/* Watches for the request; reads how many units were done once it is
 * seen (late is harmless: it only makes r1 - r0 smaller). */
static void *drop_observer(void *arg)
{
	struct drop *d = arg;
	for (;;) {
		if (__atomic_load_n(&d->g.drop_request, __ATOMIC_SEQ_CST)) {
			d->r0 = __atomic_load_n(&d->units_done, __ATOMIC_SEQ_CST);
			d->observed = 1;
			break;
		}
		if (__atomic_load_n(&d->a_done, __ATOMIC_SEQ_CST))
			break;
	}
	return NULL;
}

static void test_drop_request_within_one_unit(void **state)
{
	unsigned observed = 0;

	/* The observer can miss the request's short window when it is not
	 * running then; a few attempts make sure it is seen. */
	for (unsigned attempt = 0; attempt < 20 && observed < 3; attempt++) {
		struct drop *d = calloc(1, sizeof(*d));
		pthread_t a, b, o;
		assert_non_null(d);
		assert_int_equal(mb_gil_init(&d->g, MB_NS_PER_MS), 0);
		assert_int_equal(pthread_create(&o, NULL, drop_observer, d), 0);
		assert_int_equal(pthread_create(&a, NULL, drop_holder, d), 0);
		assert_int_equal(pthread_create(&b, NULL, drop_requester, d), 0);
		assert_int_equal(pthread_join(a, NULL), 0);
		assert_int_equal(pthread_join(b, NULL), 0);
		assert_int_equal(pthread_join(o, NULL), 0);

		/* B got the lock while A still had work: A handed it over. */
		if (d->a_loops >= DROP_BOUND)
			fail_msg("the requester never got the lock while the holder ran %llu units",
				 (unsigned long long)DROP_BOUND);
		assert_true(d->g.requests >= 1);
		/* A, B, then A again after B released */
		assert_int_equal(d->g.switches, 3);
		assert_false(d->g.locked);
		assert_int_equal(d->g.drop_request, 0);
		if (d->observed) {
			observed++;
			if ((int64_t)(d->r1 - d->r0) > 1)
				fail_msg("the holder ran %lld units after the drop request "
					 "(%llu when seen, %llu when the requester held the lock)",
					 (long long)(d->r1 - d->r0), (unsigned long long)d->r0,
					 (unsigned long long)d->r1);
		}
		mb_gil_destroy(&d->g);
		free(d);
	}
	print_message("drop request seen by the observer in %u attempts\n", observed);
	assert_true(observed >= 1);
}

/* ---- 4. the trace file, through the binary */

#define TR_RECIPE "cpu:2+(sleep:200us|sleep:300us)+cpu:1"
#define TR_TASKS 40
#define HANG_LIMIT_S 300 /* a sweep this long is a hang, not a slow machine */
#define TRACE_HEADER "label,worker,slot,task,kind,stage,branch,step,start_us,end_us,intended_us"

/* The recipe's steps as the trace names them: stage, branch, step, kind,
 * and the sleep's length (a wait cannot end sooner). */
static const struct {
	unsigned stage, branch, step;
	enum mb_trace_kind kind;
	uint64_t min_ns;
} shape[] = {
	{ 0, 0, 0, MB_TRACE_CPU, 0 },
	{ 1, 0, 0, MB_TRACE_WAIT, 200 * MB_NS_PER_US },
	{ 1, 1, 0, MB_TRACE_WAIT, 300 * MB_NS_PER_US },
	{ 2, 0, 0, MB_TRACE_CPU, 0 },
};
#define NSHAPE (sizeof(shape) / sizeof(shape[0]))

static uint64_t parse_uint(const char *s, const char *what)
{
	char *end;
	if (!*s || strspn(s, "0123456789") != strlen(s))
		fail_msg("%s: '%s' is not an unsigned integer", what, s);
	errno = 0;
	uint64_t v = strtoull(s, &end, 10);
	if (errno || *end)
		fail_msg("%s: '%s' is out of range", what, s);
	return v;
}

/* A trace time: microseconds with exactly three decimals, i.e. whole
 * nanoseconds; returned in ns so comparisons are exact. */
static uint64_t parse_us(const char *s, const char *what)
{
	const char *dot = strchr(s, '.');
	char whole[32];
	if (!dot || dot == s || (size_t)(dot - s) >= sizeof(whole) || strlen(dot + 1) != 3 ||
	    strspn(dot + 1, "0123456789") != 3)
		fail_msg("%s: '%s' is not microseconds with three decimals", what, s);
	memcpy(whole, s, (size_t)(dot - s));
	whole[dot - s] = 0;
	return parse_uint(whole, what) * 1000 + parse_uint(dot + 1, what);
}

/* Runs the binary with args (NULL-terminated) in dir, its output in
 * dir/NAME.out and .err; returns its exit status (128+N for signal N). */
static int run_bin(const char *dir, const char *name, const char *const *args)
{
	const char *bin = getenv("MODEBENCH");
	char out[512], err[512];

	if (!bin)
		fail_msg("MODEBENCH is not set (ctest sets it to the built binary)");
	snprintf(out, sizeof(out), "%s/%s.out", dir, name);
	snprintf(err, sizeof(err), "%s/%s.err", dir, name);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		mb_test_exec_in(dir, out, err, bin, args);
	int rc = mb_test_wait(pid, HANG_LIMIT_S, name, err);
	if (rc)
		mb_test_show_file(err, NULL);
	return rc;
}

struct ev {
	unsigned run, worker, slot, task, stage, branch, step;
	enum mb_trace_kind kind;
	uint64_t t0, t1;
};

struct runinfo {
	const char *id;
	const struct mb_mode *m;
	unsigned workers, conc;
	double gil_us;
};

/* Strict overlap: a shared instant, touching ends excluded. */
static bool overlaps(const struct ev *a, const struct ev *b)
{
	return a->t0 < b->t1 && b->t0 < a->t1;
}

static void show_ev(const char *what, const struct runinfo *ri, const struct ev *e)
{
	static const char *kinds[] = { "task", "cpu", "wait", "lock" };
	print_error("%s: %s (%s) worker %u slot %u task %u %s stage %u branch %u step %u "
		    "[%llu, %llu] ns\n", what, ri->id, ri->m->name, e->worker, e->slot, e->task,
		    kinds[e->kind], e->stage, e->branch, e->step, (unsigned long long)e->t0,
		    (unsigned long long)e->t1);
}

/* Two events of one worker that must not share an instant. */
static void assert_disjoint(const struct runinfo *ri, const struct ev *a, const struct ev *b,
			    const char *why)
{
	if (overlaps(a, b)) {
		show_ev(why, ri, a);
		show_ev(why, ri, b);
		fail_msg("%s: %s events overlap: %s", ri->id, ri->m->name, why);
	}
}

static void check_run_trace(const struct runinfo *ri, unsigned run, const struct ev *evs,
			    unsigned nev)
{
	const unsigned W = ri->workers, N = TR_TASKS;
	const bool async = ri->m->async;
	unsigned maxq = N / W + 1;
	/* [worker][task]: the task event and the step events, as indexes + 1 */
	unsigned *task_ev = calloc((size_t)W * maxq, sizeof(*task_ev));
	unsigned *step_ev = calloc((size_t)W * maxq * NSHAPE, sizeof(*step_ev));
	unsigned ntask = 0;
	bool tasks_overlap = false;

	assert_non_null(task_ev);
	assert_non_null(step_ev);
	assert_true(W >= 1);
	for (unsigned i = 0; i < nev; i++) {
		const struct ev *e = &evs[i];
		if (e->run != run)
			continue;
		unsigned quota = N / W + (e->worker < N % W);
		if (e->worker >= W || e->task >= quota) {
			show_ev("out of range", ri, e);
			fail_msg("%s: worker %u of %u, task %u of its %u", ri->id, e->worker, W,
				 e->task, quota);
		}
		unsigned slots = async ? ri->conc / W + (e->worker < ri->conc % W) : 1;
		if (e->slot >= slots) {
			show_ev("slot out of range", ri, e);
			fail_msg("%s: slot %u of %u", ri->id, e->slot, slots);
		}
		if (e->t0 > e->t1) {
			show_ev("ends before it starts", ri, e);
			fail_msg("%s: an event ends before it starts", ri->id);
		}
		size_t at = (size_t)e->worker * maxq + e->task;
		if (e->kind == MB_TRACE_LOCK) {
			/* checked against its step below */
			if (ri->gil_us == 0) {
				show_ev("lock event", ri, e);
				fail_msg("%s: a lock event in a run without the lock", ri->id);
			}
			continue;
		}
		if (e->kind == MB_TRACE_TASK) {
			if (task_ev[at]) {
				show_ev("second task event", ri, e);
				fail_msg("%s: task %u of worker %u traced twice", ri->id, e->task,
					 e->worker);
			}
			task_ev[at] = i + 1;
			ntask++;
			continue;
		}
		unsigned k;
		for (k = 0; k < NSHAPE; k++)
			if (shape[k].stage == e->stage && shape[k].branch == e->branch &&
			    shape[k].step == e->step)
				break;
		if (k == NSHAPE || shape[k].kind != e->kind) {
			show_ev("not a step of " TR_RECIPE, ri, e);
			fail_msg("%s: an event that is not a step of the recipe", ri->id);
		}
		if (step_ev[at * NSHAPE + k]) {
			show_ev("second event of one step", ri, e);
			fail_msg("%s: a step traced twice", ri->id);
		}
		step_ev[at * NSHAPE + k] = i + 1;
		if (e->t1 - e->t0 < shape[k].min_ns) {
			show_ev("shorter than its sleep", ri, e);
			fail_msg("%s: a wait ended before its sleep did", ri->id);
		}
	}
	/* Every task of every worker, once, with each of its steps inside it
	 * and the stages in order. */
	if (ntask != N)
		fail_msg("%s (%s): %u task events, not %u", ri->id, ri->m->name, ntask, N);
	for (unsigned w = 0; w < W; w++)
		for (unsigned t = 0; t < N / W + (w < N % W); t++) {
			size_t at = (size_t)w * maxq + t;
			if (!task_ev[at])
				fail_msg("%s: no task event for task %u of worker %u", ri->id, t, w);
			const struct ev *te = &evs[task_ev[at] - 1], *s[NSHAPE];
			for (unsigned k = 0; k < NSHAPE; k++) {
				if (!step_ev[at * NSHAPE + k])
					fail_msg("%s: task %u of worker %u: no event for stage %u "
						 "branch %u step %u", ri->id, t, w, shape[k].stage,
						 shape[k].branch, shape[k].step);
				s[k] = &evs[step_ev[at * NSHAPE + k] - 1];
				if (s[k]->slot != te->slot || s[k]->t0 < te->t0 || s[k]->t1 > te->t1) {
					show_ev("task", ri, te);
					show_ev("step outside it", ri, s[k]);
					fail_msg("%s: a step event is not inside its task", ri->id);
				}
			}
			if (s[0]->t1 > s[1]->t0 || s[0]->t1 > s[2]->t0 || s[1]->t1 > s[3]->t0 ||
			    s[2]->t1 > s[3]->t0) {
				for (unsigned k = 0; k < NSHAPE; k++)
					show_ev("stages out of order", ri, s[k]);
				fail_msg("%s: a stage began before the one before it ended", ri->id);
			}
			/* The two branches of stage 1: concurrent on a loop, one after
			 * the other in a blocking worker. */
			if (async != overlaps(s[1], s[2])) {
				show_ev("branch 0", ri, s[1]);
				show_ev("branch 1", ri, s[2]);
				fail_msg("%s: %s: the parallel branches %s", ri->id, ri->m->name,
					 async ? "did not overlap" : "overlapped");
			}
			if (!async && s[2]->t0 < s[1]->t1)
				fail_msg("%s: branch 1 started before branch 0 ended", ri->id);
		}
	/* A lock event lies inside its step (same task, slot, stage, branch
	 * and position). */
	for (unsigned i = 0; i < nev; i++) {
		const struct ev *e = &evs[i];
		if (e->run != run || e->kind != MB_TRACE_LOCK)
			continue;
		size_t at = (size_t)e->worker * maxq + e->task;
		unsigned k;
		for (k = 0; k < NSHAPE; k++)
			if (shape[k].stage == e->stage && shape[k].branch == e->branch &&
			    shape[k].step == e->step)
				break;
		const struct ev *st = k < NSHAPE && step_ev[at * NSHAPE + k] ?
					      &evs[step_ev[at * NSHAPE + k] - 1] : NULL;
		if (!st || st->slot != e->slot || e->t0 < st->t0 || e->t1 > st->t1) {
			show_ev("lock event", ri, e);
			if (st)
				show_ev("its step", ri, st);
			fail_msg("%s: a lock event is not inside its step", ri->id);
		}
	}
	/* One worker is one thread: its CPU segments never overlap; a blocking
	 * worker does one step and one task at a time; a task slot of a loop
	 * holds one task at a time. */
	for (unsigned i = 0; i < nev; i++) {
		const struct ev *a = &evs[i];
		if (a->run != run)
			continue;
		for (unsigned j = i + 1; j < nev; j++) {
			const struct ev *b = &evs[j];
			if (b->run != run || b->worker != a->worker)
				continue;
			if (a->kind == MB_TRACE_CPU && b->kind == MB_TRACE_CPU)
				assert_disjoint(ri, a, b, "two CPU segments of one worker");
			if (a->kind == MB_TRACE_TASK && b->kind == MB_TRACE_TASK) {
				if (!async || a->slot == b->slot)
					assert_disjoint(ri, a, b, "two tasks of one slot");
				else if (overlaps(a, b))
					tasks_overlap = true;
			}
			if (a->kind == MB_TRACE_LOCK && b->kind == MB_TRACE_LOCK)
				assert_disjoint(ri, a, b, "two lock waits of one worker");
			if (!async && a->kind != MB_TRACE_TASK && b->kind != MB_TRACE_TASK &&
			    a->kind != MB_TRACE_LOCK && b->kind != MB_TRACE_LOCK)
				assert_disjoint(ri, a, b, "two steps of one blocking worker");
		}
	}
	/* C tasks in flight on a loop: some of them at the same time. */
	if (async && ri->conc / W > 1 && !tasks_overlap)
		fail_msg("%s: %s with C=%u: no two tasks of one loop overlapped", ri->id,
			 ri->m->name, ri->conc);
	free(task_ev);
	free(step_ev);
}

static void test_trace_nesting(void **state)
{
	char dir[] = "/tmp/test_gil.XXXXXX";
	char trace[128], out[128];
	const char *modes1 = "sync,async,threads,async-threads";
	const char *modes2 = "threads,async-threads";
	const char *const plain[] = { "run", "-w", TR_RECIPE, "-m", modes1, "-c", "1", "-C", "4",
				      "-n", "40", "-r", "1", "--warmup", "0", "-q", "--order",
				      "sequential", "--trace", "trace.csv", "-o", "out.csv", NULL };
	const char *const gil[] = { "run", "-w", TR_RECIPE, "-m", modes2, "-c", "1", "-C", "4",
				    "-n", "40", "-r", "1", "--warmup", "0", "-q", "--gil=200us",
				    "--order", "sequential", "--trace", "trace.csv", "--append", "-o",
				    "out.csv", NULL };
	static const struct {
		const char *mode;
		double gil_us;
	} want[] = {
		{ "sync", 0 }, { "async", 0 }, { "threads", 0 }, { "async-threads", 0 },
		{ "threads", 200 }, { "async-threads", 200 },
	};
	const unsigned nruns = sizeof(want) / sizeof(want[0]);
	struct mb_test_table o, t;
	struct runinfo ri[8];

	assert_non_null(mkdtemp(dir));
	snprintf(trace, sizeof(trace), "%s/trace.csv", dir);
	snprintf(out, sizeof(out), "%s/out.csv", dir);
	/* The second sweep appends to the same files (--append for the trace). */
	assert_int_equal(run_bin(dir, "plain", plain), 0);
	assert_int_equal(run_bin(dir, "gil", gil), 0);

	/* The runs, from the result CSV: all ok, 40 tasks, no trace event
	 * dropped (the flags column would say so). */
	mb_test_read_csv(out, &o);
	mb_test_assert_rectangular(out, &o);
	assert_int_equal(o.nrows, nruns);
	int c_id = mb_test_column(&o, "run_id"), c_mode = mb_test_column(&o, "mode"),
	    c_workers = mb_test_column(&o, "workers"), c_conc = mb_test_column(&o, "concurrency"),
	    c_status = mb_test_column(&o, "status"), c_tasks = mb_test_column(&o, "tasks"),
	    c_gil = mb_test_column(&o, "gil_us"), c_flags = mb_test_column(&o, "flags"),
	    c_warmup = mb_test_column(&o, "warmup");
	for (unsigned r = 0; r < nruns; r++) {
		char **row = o.rows[r];
		ri[r].id = row[c_id];
		ri[r].m = mb_mode_find(row[c_mode]);
		assert_non_null(ri[r].m);
		assert_string_equal(row[c_mode], want[r].mode);
		assert_string_equal(row[c_status], "ok");
		assert_string_equal(row[c_warmup], "0");
		assert_int_equal(parse_uint(row[c_tasks], "tasks"), TR_TASKS);
		ri[r].workers = (unsigned)parse_uint(row[c_workers], "workers");
		ri[r].conc = (unsigned)parse_uint(row[c_conc], "concurrency");
		ri[r].gil_us = strtod(row[c_gil], NULL);
		assert_true(ri[r].gil_us == want[r].gil_us);
		assert_int_equal(ri[r].workers, mb_mode_workers(ri[r].m, 1, ri[r].conc));
		assert_int_equal(ri[r].conc, ri[r].m->id == MB_MODE_SYNC ? 1 : 4);
		if (strstr(row[c_flags], "dropped"))
			fail_msg("%s: %s", ri[r].id, row[c_flags]);
		for (unsigned q = 0; q < r; q++)
			assert_string_not_equal(ri[q].id, ri[r].id);
	}

	/* The trace: the exact header, once, then eleven fields a row. */
	{
		char line[256];
		FILE *f = fopen(trace, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		assert_string_equal(line, TRACE_HEADER "\n");
	}
	mb_test_read_csv(trace, &t);
	mb_test_assert_rectangular(trace, &t);
	assert_int_equal(t.ncols, 11);
	struct ev *evs = calloc(t.nrows ? t.nrows : 1, sizeof(*evs));
	assert_non_null(evs);
	for (unsigned r = 0; r < t.nrows; r++) {
		char **row = t.rows[r];
		struct ev *e = &evs[r];
		unsigned q;
		for (q = 0; q < nruns; q++)
			if (!strcmp(row[0], ri[q].id))
				break;
		if (q == nruns)
			fail_msg("trace row %u: label '%s' is no run of the output", r + 2, row[0]);
		e->run = q;
		e->worker = (unsigned)parse_uint(row[1], "worker");
		e->slot = (unsigned)parse_uint(row[2], "slot");
		e->task = (unsigned)parse_uint(row[3], "task");
		if (!strcmp(row[4], "task"))
			e->kind = MB_TRACE_TASK;
		else if (!strcmp(row[4], "cpu"))
			e->kind = MB_TRACE_CPU;
		else if (!strcmp(row[4], "wait"))
			e->kind = MB_TRACE_WAIT;
		else if (!strcmp(row[4], "lock"))
			e->kind = MB_TRACE_LOCK;
		else
			fail_msg("trace row %u: kind '%s'", r + 2, row[4]);
		e->stage = (unsigned)parse_uint(row[5], "stage");
		e->branch = (unsigned)parse_uint(row[6], "branch");
		e->step = (unsigned)parse_uint(row[7], "step");
		e->t0 = parse_us(row[8], "start_us");
		e->t1 = parse_us(row[9], "end_us");
		/* A closed loop: every task was due when it started, and a
		 * step's or lock wait's due time is its start. */
		if (parse_us(row[10], "intended_us") != e->t0)
			fail_msg("trace row %u: intended_us %s is not start_us %s", r + 2, row[10],
				 row[8]);
		if (e->kind == MB_TRACE_TASK)
			assert_true(e->stage == 0 && e->branch == 0 && e->step == 0);
	}
	/* 40 tasks of 4 steps each, per run, and any lock events */
	unsigned nlock = 0;
	for (unsigned r = 0; r < t.nrows; r++)
		nlock += evs[r].kind == MB_TRACE_LOCK;
	assert_int_equal(t.nrows - nlock, nruns * TR_TASKS * (1 + NSHAPE));
	for (unsigned q = 0; q < nruns; q++)
		check_run_trace(&ri[q], q, evs, t.nrows);

	free(evs);
	mb_test_free_table(&t);
	mb_test_free_table(&o);
	mb_test_rm_rf(dir);
}

/* Under the lock, what the threads compute, their CPU steps less the lock
 * waits traced inside them, never overlaps between threads: the trace shows
 * one thread computing at a time. Every instant of it is read while the
 * thread holds the lock (a step's start and end, a hand-over's start and
 * its end), so the intervals are disjoint in real time. */
#define EX_TASKS 60

static int cmp_ev_t0(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

static void test_trace_lock_exclusive(void **state)
{
	char dir[] = "/tmp/test_gil.XXXXXX";
	char trace[128];
	char ntasks[16];
	snprintf(ntasks, sizeof(ntasks), "%d", EX_TASKS);
	/* cpu:400 (about 200 us) is longer than the 100 us interval: the
	 * lock is handed over inside CPU steps; a thread back from its wait
	 * finds another computing. */
	const char *const args[] = { "run", "-w", "cpu:400+sleep:200us", "-m", "threads", "-c",
				     "all", "-C", "3", "-n", ntasks, "-r", "1", "--warmup", "0",
				     "-q", "--gil=100us", "--trace", "trace.csv", "-o", "out.csv",
				     NULL };
	struct mb_test_table t;

	assert_non_null(mkdtemp(dir));
	snprintf(trace, sizeof(trace), "%s/trace.csv", dir);
	assert_int_equal(run_bin(dir, "exclusive", args), 0);
	mb_test_read_csv(trace, &t);
	mb_test_assert_rectangular(trace, &t);
	struct ev *cpu = calloc(t.nrows + 1, sizeof(*cpu)), *lock = calloc(t.nrows + 1, sizeof(*lock));
	struct ev *comp = calloc(2 * t.nrows + 1, sizeof(*comp));
	unsigned ncpu = 0, nlock = 0, ncomp = 0, lock_in_cpu = 0, lock_in_wait = 0;
	assert_non_null(cpu);
	assert_non_null(lock);
	assert_non_null(comp);
	for (unsigned r = 0; r < t.nrows; r++) {
		char **row = t.rows[r];
		struct ev e = {
			.worker = (unsigned)parse_uint(row[1], "worker"),
			.task = (unsigned)parse_uint(row[3], "task"),
			.stage = (unsigned)parse_uint(row[5], "stage"),
			.t0 = parse_us(row[8], "start_us"),
			.t1 = parse_us(row[9], "end_us"),
		};
		if (!strcmp(row[4], "cpu"))
			cpu[ncpu++] = e;
		else if (!strcmp(row[4], "lock")) {
			lock[nlock++] = e;
			/* stage 0 is the cpu step, stage 1 the wait */
			lock_in_cpu += e.stage == 0;
			lock_in_wait += e.stage == 1;
		}
	}
	print_message("%u cpu steps, %u lock waits (%u inside CPU steps, %u after waits)\n",
		      ncpu, nlock, lock_in_cpu, lock_in_wait);
	assert_int_equal(ncpu, EX_TASKS);
	assert_true(lock_in_cpu > 0);
	assert_true(lock_in_wait > 0);
	/* Each CPU step less its lock waits: the time its thread computed. */
	qsort(lock, nlock, sizeof(*lock), cmp_ev_t0);
	for (unsigned i = 0; i < ncpu; i++) {
		uint64_t from = cpu[i].t0;
		for (unsigned j = 0; j < nlock; j++) {
			const struct ev *l = &lock[j];
			if (l->worker != cpu[i].worker || l->task != cpu[i].task || l->stage != 0)
				continue;
			assert_true(l->t0 >= from && l->t1 <= cpu[i].t1);
			comp[ncomp] = cpu[i];
			comp[ncomp].t0 = from;
			comp[ncomp++].t1 = l->t0;
			from = l->t1;
		}
		comp[ncomp] = cpu[i];
		comp[ncomp++].t0 = from;
	}
	qsort(comp, ncomp, sizeof(*comp), cmp_ev_t0);
	for (unsigned i = 1; i < ncomp; i++)
		if (comp[i].t0 < comp[i - 1].t1)
			fail_msg("worker %u computed in [%llu, %llu] ns while worker %u did in "
				 "[%llu, %llu] ns, under the lock", comp[i].worker,
				 (unsigned long long)comp[i].t0, (unsigned long long)comp[i].t1,
				 comp[i - 1].worker, (unsigned long long)comp[i - 1].t0,
				 (unsigned long long)comp[i - 1].t1);
	free(comp);
	free(lock);
	free(cpu);
	mb_test_free_table(&t);
	mb_test_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_mutual_exclusion),
		cmocka_unit_test(test_threads_without_lock_overlap),
		cmocka_unit_test(test_async_threads_mutual_exclusion),
		cmocka_unit_test(test_lock_state_single_thread),
		cmocka_unit_test(test_drop_request_within_one_unit),
		cmocka_unit_test(test_trace_nesting),
		cmocka_unit_test(test_trace_lock_exclusive),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
