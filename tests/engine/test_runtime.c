/* Tests of harness/engine/runtime.h: a runtime other than C plugs into
 * every mode. A small fake runtime here runs each task as cpu work of the
 * recipe's units through mb_cpu_kernel and records through mb_worker_take
 * and mb_worker_done; the tests check what the engine promises around it:
 * exact task counts and latencies in every mode, each hook called where
 * it says (run_begin and run_end once in the runner, the fork hooks once
 * per forked worker, the child's in the child), the thread stack it asks
 * for, the open-loop schedule through mb_worker_take, a set-up failure
 * becoming the row's, and that the emulated lock is not made for it. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hist.h"
#include "mb.h"
#include "modes.h"
#include "runtime.h"
#include "step.h"
#include "testutil.h"
#include "topo.h"
#include "worker.h"

static struct mb_topo *topo;
static unsigned kmax;

static int group_setup(void **state)
{
	return mb_test_load_topo(&topo, &kmax);
}

static int group_teardown(void **state)
{
	mb_topo_free(topo);
	return 0;
}

/* ---- the fake runtime */

/* Counted in the runner (threads share them; children get copies). */
static unsigned n_begin, n_end, n_before, n_parent;
static bool in_child;	      /* set by after_fork_child, in the child */
static bool fail_setup;	      /* worker_setup fails */
static size_t stack_seen;     /* the stack a worker thread got */

static const char *fake_unsupported(const struct mb_run *run)
{
	return mb_recipe_uses(run->recipe, &mb_step_mem) ? "fake: no mem" : NULL;
}

static int fake_run_begin(const struct mb_run *run, char *err, unsigned errlen)
{
	n_begin++;
	return 0;
}

static void fake_run_end(const struct mb_run *run)
{
	n_end++;
}

static void fake_before_fork(void)
{
	n_before++;
}

static void fake_after_parent(void)
{
	n_parent++;
}

static void fake_after_child(void)
{
	in_child = true;
}

static int fake_setup(struct mb_worker *w)
{
	pthread_attr_t a;
	size_t sz = 0;
	if (!w->run->mode->procs && pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstacksize(&a, &sz);
		pthread_attr_destroy(&a);
		__atomic_store_n(&stack_seen, sz, __ATOMIC_RELAXED);
	}
	if (fail_setup) {
		mb_worker_fail(w, -ENOTSUP, "fake runtime: set-up refused");
		return -ENOTSUP;
	}
	return 0;
}

/* Every task: wait for its arrival, then the recipe's work units. A
 * worker's bytes say whether it ran in a child that saw the fork hook. */
static void fake_run(struct mb_worker *w)
{
	uint64_t units = mb_recipe_work_units(w->run->recipe);
	struct mb_ticket t;
	for (;;) {
		uint64_t now = mb_now_ns();
		if (!mb_worker_take(w, now, &t))
			break;
		while (now < t.intended)
			now = mb_now_ns();
		uint64_t t0 = mb_now_ns();
		w->checksum = mb_cpu_kernel(w->checksum | 1, units);
		uint64_t end = mb_now_ns();
		if (w->run->trace)
			mb_worker_trace_step(w, false, t.seq, 0, 0, 0, 0, t0, end);
		mb_worker_done(w, 0, &t, now, end);
	}
	w->bytes = in_child;
}

static void fake_teardown(struct mb_worker *w)
{
}

static const struct mb_runtime fake = {
	.name = "fake",
	.unsupported = fake_unsupported,
	.run_begin = fake_run_begin,
	.run_end = fake_run_end,
	.before_fork = fake_before_fork,
	.after_fork_parent = fake_after_parent,
	.after_fork_child = fake_after_child,
	.worker_setup = fake_setup,
	.worker_run = fake_run,
	.worker_teardown = fake_teardown,
	.thread_stack = 1u << 20,
	.cancellable = false,
};

/* ---- one run */

struct outcome {
	struct mb_run_result res;
	struct mb_hist *lat, *svc;
	unsigned workers;
	int rc;
};

static void run_one(const struct mb_mode *m, const char *recipe, unsigned C, uint64_t N,
		    uint64_t duration_ns, double rate, uint64_t gil_ns, FILE *trace,
		    struct outcome *o)
{
	unsigned pus[64], k = mb_mode_one_core(m) ? 1 : kmax;
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	assert_int_equal(mb_recipe_parse(recipe, r, err, sizeof(err)), 0);
	if (m->id == MB_MODE_SYNC)
		C = 1;
	assert_int_equal(mb_topo_plan(topo, k, MB_POLICY_COMPACT, false, pus), 0);
	memset(o, 0, sizeof(*o));
	o->lat = malloc(sizeof(*o->lat));
	o->svc = malloc(sizeof(*o->svc));
	assert_non_null(o->lat);
	assert_non_null(o->svc);
	o->res.lat = o->lat;
	o->res.svc = o->svc;
	o->workers = mb_mode_workers(m, k, C);
	struct mb_run run = {
		.recipe = r,
		.mode = m,
		.runtime = &fake,
		.backend = m->async ? MB_BACKEND_EPOLL : MB_BACKEND_NONE,
		.topo = topo,
		.policy = MB_POLICY_COMPACT,
		.cores = k,
		.pus = pus,
		.concurrency = C,
		.nworkers = o->workers,
		.tasks = N,
		.duration_ns = duration_ns,
		.timeout_ns = 30 * MB_NS_PER_S,
		.rate = rate,
		.gil_ns = gil_ns,
		.seed = 1,
		.file_fd = -1,
		.llc_bytes = mb_topo_llc_bytes(topo),
		.trace = trace,
		.trace_label = "r",
	};
	n_begin = n_end = n_before = n_parent = 0;
	stack_seen = 0;
	assert_null(mb_run_unsupported(&run));
	o->rc = mb_mode_run(&run, &o->res);
	assert_null(run.stop);
	free(r);
}

static void outcome_free(struct outcome *o)
{
	free(o->lat);
	free(o->svc);
}

/* Every mode, to exactly N tasks, N latencies each; the hooks where
 * runtime.h puts them. */
static void test_every_mode_counts(void **state)
{
	static const struct {
		unsigned C;
		uint64_t N;
	} shapes[] = { { 4, 37 }, { 3, 1 }, { 1, 5 } };
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		const struct mb_mode *m = &mb_modes[mi];
		for (unsigned si = 0; si < MB_ARRAY_SIZE(shapes); si++) {
			struct outcome o;
			run_one(m, "cpu:3", shapes[si].C, shapes[si].N, 0, 0, 0, NULL, &o);
			if (o.rc || o.res.status != MB_ST_OK)
				print_error("%s: rc %d %s: %s\n", m->name, o.rc,
					    mb_status_name(o.res.status), o.res.error);
			assert_int_equal(o.rc, 0);
			assert_int_equal(o.res.status, MB_ST_OK);
			assert_int_equal(o.res.tasks, shapes[si].N);
			assert_int_equal(o.lat->count, shapes[si].N);
			assert_int_equal(o.svc->count, shapes[si].N);
			assert_int_equal(o.res.workers, o.workers);
			assert_int_equal(n_begin, 1);
			assert_int_equal(n_end, 1);
			if (m->procs) {
				assert_int_equal(n_before, o.workers);
				assert_int_equal(n_parent, o.workers);
				assert_int_equal(o.res.bytes, o.workers); /* each child saw its hook */
			} else {
				assert_int_equal(n_before, 0);
				assert_int_equal(o.res.bytes, 0);
				assert_true(stack_seen >= (1u << 20));
			}
			outcome_free(&o);
		}
	}
}

/* The open loop through mb_worker_take: a constant-rate run by duration
 * starts exactly ceil(duration x rate) tasks, its arrivals shared by the
 * workers, each recorded from its intended start. */
static void test_open_loop(void **state)
{
	const struct mb_mode *modes[] = { mb_mode_find("sync"), mb_mode_find("threads"),
					  mb_mode_find("async-procs") };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(modes); i++) {
		struct outcome o;
		run_one(modes[i], "cpu:1", 2, 0, 50 * MB_NS_PER_MS, 2000, 0, NULL, &o);
		assert_int_equal(o.rc, 0);
		assert_int_equal(o.res.status, MB_ST_OK);
		assert_int_equal(o.res.tasks, 100);
		assert_int_equal(o.lat->count, 100);
		assert_true(o.lat->min >= o.svc->min);
		outcome_free(&o);
	}
}

/* A worker whose set-up fails fails the row with its message; the
 * runner still calls run_end. */
static void test_setup_failure(void **state)
{
	struct outcome o;
	fail_setup = true;
	run_one(mb_mode_find("threads"), "cpu:1", 2, 10, 0, 0, 0, NULL, &o);
	fail_setup = false;
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.res.status, MB_ST_FAILED);
	assert_non_null(strstr(o.res.error, "fake runtime: set-up refused"));
	assert_int_equal(o.res.tasks, 0);
	assert_int_equal(n_end, 1);
	outcome_free(&o);
}

/* --gil makes no emulated lock for a runtime of its own: the run goes
 * through as it would without it. */
static void test_no_emulated_lock(void **state)
{
	struct outcome o;
	run_one(mb_mode_find("threads"), "cpu:2", 2, 20, 0, 0, 5 * MB_NS_PER_MS, NULL, &o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.res.status, MB_ST_OK);
	assert_int_equal(o.res.tasks, 20);
	outcome_free(&o);
}

/* The runtime's own reason replaces the C checks: mem is unsupported by
 * the fake, whatever the step kinds say. */
static void test_unsupported(void **state)
{
	struct mb_recipe r;
	char err[MB_ERRLEN];
	unsigned pus[1];
	assert_int_equal(mb_recipe_parse("mem:1MiB", &r, err, sizeof(err)), 0);
	assert_int_equal(mb_topo_plan(topo, 1, MB_POLICY_COMPACT, false, pus), 0);
	struct mb_run run = { .recipe = &r, .mode = mb_mode_find("sync"), .runtime = &fake,
			      .topo = topo, .cores = 1, .pus = pus, .file_fd = -1 };
	assert_string_equal(mb_run_unsupported(&run), "fake: no mem");
	/* an async mode on a backend-less run: the runtime decides, not the
	 * backend check */
	assert_int_equal(mb_recipe_parse("cpu:1", &r, err, sizeof(err)), 0);
	run.mode = mb_mode_find("async");
	run.backend = MB_BACKEND_IO_URING;
	assert_null(mb_run_unsupported(&run));
}

/* Steps traced by the runtime land in the trace beside the task events
 * the engine writes for mb_worker_done. */
static void test_trace(void **state)
{
	FILE *f = tmpfile();
	char line[256];
	unsigned tasks = 0, cpu = 0;
	struct outcome o;
	assert_non_null(f);
	run_one(mb_mode_find("threads"), "cpu:1", 2, 8, 0, 0, 0, f, &o);
	assert_int_equal(o.res.status, MB_ST_OK);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "label,", 6))
			continue; /* the header */
		tasks += strstr(line, ",task,") != NULL;
		cpu += strstr(line, ",cpu,") != NULL;
	}
	assert_int_equal(tasks, 8);
	assert_int_equal(cpu, 8);
	fclose(f);
	outcome_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_mode_counts), cmocka_unit_test(test_open_loop),
		cmocka_unit_test(test_setup_failure),	  cmocka_unit_test(test_no_emulated_lock),
		cmocka_unit_test(test_unsupported),	  cmocka_unit_test(test_trace),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
