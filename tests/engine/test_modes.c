/* Tests of harness/engine/modes.h and worker.h: every registered mode runs every
 * recipe below to exactly N tasks, records N latencies, and never reports a
 * latency below the waits the recipe cannot avoid. Runs are built by hand
 * the way harness/run/sweep.c builds them. Only lower bounds on time are
 * asserted (a sleep cannot end early); never upper bounds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"
#include "loop.h"
#include "mb.h"
#include "modes.h"
#include "step.h"
#include "testutil.h"
#include "topo.h"
#include "trace.h"
#include "worker.h"

static struct mb_topo *topo;
static unsigned kmax; /* cores used by the k-core modes: min(2, slots) */

static int group_setup(void **state)
{
	return mb_test_load_topo(&topo, &kmax);
}

static int group_teardown(void **state)
{
	mb_topo_free(topo);
	return 0;
}

static const char *const recipes[] = {
	"cpu:5",
	"sleep:200us",
	"cpu:3+sleep:100us",
	"(sleep:300us|sleep:500us)+cpu:2",
};

/* The shortest a task of r can take: its sleeps, with the branches of a
 * group one after another in blocking modes and concurrent (the longest
 * branch) in async modes. */
static uint64_t wait_floor(const struct mb_recipe *r, bool async)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < r->nstages; i++) {
		uint64_t sum = 0, max = 0;
		for (unsigned b = 0; b < r->st[i].nbranches; b++) {
			uint64_t br = 0;
			for (unsigned j = 0; j < r->st[i].br[b].nsteps; j++) {
				const struct mb_step *s = &r->st[i].br[b].steps[j];
				if (s->kind == &mb_step_sleep)
					br += s->a;
			}
			sum += br;
			max = br > max ? br : max;
		}
		total += async ? max : sum;
	}
	return total;
}

struct outcome {
	struct mb_run_result res;
	struct mb_hist *lat, *svc;
	unsigned workers;
};

/* One run as the sweep makes it: mode m, recipe r, k cores (1 for the
 * one-core modes), C in flight (1 for sync), N tasks or a duration. */
static void run_one(const struct mb_mode *m, const struct mb_recipe *r, enum mb_backend be,
		    unsigned k, unsigned C, uint64_t N, uint64_t duration_ns, struct outcome *o)
{
	unsigned pus[64];
	if (mb_mode_one_core(m))
		k = 1;
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
		.backend = m->async ? be : MB_BACKEND_NONE,
		.topo = topo,
		.policy = MB_POLICY_COMPACT,
		.cores = k,
		.pus = pus,
		.concurrency = C,
		.nworkers = o->workers,
		.tasks = N,
		.duration_ns = duration_ns,
		.timeout_ns = 30 * MB_NS_PER_S,
		.seed = 1,
		.file_fd = -1,
		.llc_bytes = mb_topo_llc_bytes(topo),
	};
	int rc = mb_mode_run(&run, &o->res);
	if (rc || o->res.status != MB_ST_OK)
		print_error("%s/%s '%s' k=%u C=%u N=%llu: rc %d status %s: %s\n", m->name,
			    mb_backend_name(run.backend), r->text, k, C, (unsigned long long)N, rc,
			    mb_status_name(o->res.status), o->res.error);
	assert_int_equal(rc, 0);
	assert_int_equal(o->res.status, MB_ST_OK);
	assert_null(run.stop); /* the runner cleans up after itself */
}

static void outcome_free(struct outcome *o)
{
	free(o->lat);
	free(o->svc);
}

static void check_counts(const struct mb_mode *m, const struct mb_recipe *r,
			 const struct outcome *o, uint64_t N)
{
	if (o->res.tasks != N || o->lat->count != N)
		print_error("%s '%s' N=%llu: tasks %llu, latencies %llu\n", m->name, r->text,
			    (unsigned long long)N, (unsigned long long)o->res.tasks,
			    (unsigned long long)o->lat->count);
	assert_int_equal(o->res.tasks, N);
	assert_int_equal(o->lat->count, N);
	assert_int_equal(o->svc->count, N);
	assert_int_equal(o->lat->overflow, 0);
	assert_int_equal(o->res.workers, o->workers);
	assert_true(o->res.wall_s > 0);
	assert_true(o->res.placement_ok);
}

static void check_floor(const struct mb_mode *m, const struct mb_recipe *r,
			const struct outcome *o)
{
	uint64_t floor_ns = wait_floor(r, m->async);
	if (o->lat->min < floor_ns || o->svc->min < floor_ns)
		print_error("%s '%s': min latency %llu ns, service %llu ns, below the %llu ns "
			    "the recipe sleeps\n", m->name, r->text,
			    (unsigned long long)o->lat->min, (unsigned long long)o->svc->min,
			    (unsigned long long)floor_ns);
	assert_true(o->lat->min >= floor_ns);
	assert_true(o->svc->min >= floor_ns);
	/* the percentiles are read from the same histogram: none below it */
	assert_true(mb_hist_percentile(o->lat, 50) >= floor_ns);
}

static void every_mode_every_recipe(enum mb_backend be, bool async_only)
{
	static const struct {
		unsigned C;
		uint64_t N;
	} shapes[] = { { 4, 37 }, { 4, 1 }, { 1, 5 } };
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);

	for (unsigned ri = 0; ri < sizeof(recipes) / sizeof(recipes[0]); ri++) {
		assert_int_equal(mb_recipe_parse(recipes[ri], r, err, sizeof(err)), 0);
		for (unsigned mi = 0; mi < MB_NMODES; mi++) {
			const struct mb_mode *m = &mb_modes[mi];
			if (async_only && !m->async)
				continue;
			for (unsigned si = 0; si < sizeof(shapes) / sizeof(shapes[0]); si++) {
				struct outcome o;
				run_one(m, r, be, kmax, shapes[si].C, shapes[si].N, 0, &o);
				check_counts(m, r, &o, shapes[si].N);
				check_floor(m, r, &o);
				outcome_free(&o);
			}
		}
	}
	free(r);
}

/* The engine's mode table and base's list of mode names (the CSV's mode
 * values, which the report and scripts/modes.gp follow) agree name by
 * name, in order. */
static void test_mode_names_are_base(void **state)
{
	assert_int_equal((int)MB_NMODES, (int)MB_NMODE_NAMES);
	for (unsigned i = 0; i < MB_NMODES; i++) {
		assert_string_equal(mb_modes[i].name, mb_mode_names[i]);
		assert_ptr_equal(mb_mode_find(mb_mode_names[i]), &mb_modes[i]);
	}
}

static void test_registry(void **state)
{
	assert_int_equal(MB_NMODES, 6);
	for (unsigned i = 0; i < MB_NMODES; i++) {
		const struct mb_mode *m = &mb_modes[i];
		assert_int_equal(m->id, i);
		assert_ptr_equal(mb_mode_find(m->name), m);
		assert_non_null(m->help);
		/* the modes table's worker counts */
		switch (m->rule) {
		case MB_W_ONE:
			assert_int_equal(mb_mode_workers(m, 4, 16), 1);
			assert_true(mb_mode_one_core(m));
			break;
		case MB_W_C:
			assert_int_equal(mb_mode_workers(m, 4, 16), 16);
			assert_int_equal(mb_mode_workers(m, 4, 3), 3);
			break;
		case MB_W_K:
			assert_int_equal(mb_mode_workers(m, 4, 16), 4);
			assert_int_equal(mb_mode_workers(m, 4, 3), 3); /* no idle loops */
			break;
		}
	}
	assert_null(mb_mode_find("bogus"));
	assert_null(mb_mode_find(""));
	assert_false(mb_mode_find("sync")->async);
	assert_true(mb_mode_find("async")->async);
	assert_true(mb_mode_find("procs")->procs);
	assert_true(mb_mode_find("async-procs")->procs && mb_mode_find("async-procs")->async);
	assert_int_equal(mb_mode_find("threads")->rule, MB_W_C);
	assert_int_equal(mb_mode_find("async-threads")->rule, MB_W_K);
	for (int s = MB_ST_OK; s <= MB_ST_INTERRUPTED; s++)
		assert_non_null(mb_status_name(s));
	assert_string_equal(mb_status_name(MB_ST_OK), "ok");
	assert_string_equal(mb_status_name(MB_ST_UNSUPPORTED), "unsupported");
}

static void test_every_mode_epoll(void **state)
{
	const char *why = mb_backend_unsupported(MB_BACKEND_EPOLL);
	assert_null(why);
	every_mode_every_recipe(MB_BACKEND_EPOLL, false);
}

static void test_async_modes_io_uring(void **state)
{
	const char *why = mb_backend_unsupported(MB_BACKEND_IO_URING);
	if (why) {
		print_message("io_uring unavailable: %s\n", why);
		skip();
	}
	every_mode_every_recipe(MB_BACKEND_IO_URING, true);
}

/* 1000 tasks in flight on one loop (and split over k loops): every one of
 * 3000 tasks completes exactly once and none ends before its 1 ms sleep. */
static void many_in_flight(enum mb_backend be)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	assert_int_equal(mb_recipe_parse("sleep:1ms", r, err, sizeof(err)), 0);
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		const struct mb_mode *m = &mb_modes[mi];
		if (!m->async)
			continue;
		struct outcome o;
		run_one(m, r, be, kmax, 1000, 3000, 0, &o);
		check_counts(m, r, &o, 3000);
		check_floor(m, r, &o);
		assert_true(o.lat->min >= MB_NS_PER_MS);
		outcome_free(&o);
	}
	free(r);
}

static void test_thousand_in_flight_epoll(void **state)
{
	many_in_flight(MB_BACKEND_EPOLL);
}

static void test_thousand_in_flight_io_uring(void **state)
{
	const char *why = mb_backend_unsupported(MB_BACKEND_IO_URING);
	if (why) {
		print_message("io_uring unavailable: %s\n", why);
		skip();
	}
	many_in_flight(MB_BACKEND_IO_URING);
}

/* By duration: however many tasks complete, each is counted once, in the
 * task count and in both histograms. */
static void test_by_duration(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	assert_int_equal(mb_recipe_parse("cpu:3+sleep:500us", r, err, sizeof(err)), 0);
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		const struct mb_mode *m = &mb_modes[mi];
		struct outcome o;
		run_one(m, r, MB_BACKEND_EPOLL, kmax, 4, 0, 20 * MB_NS_PER_MS, &o);
		assert_true(o.res.tasks >= 1);
		assert_int_equal(o.lat->count, o.res.tasks);
		assert_int_equal(o.svc->count, o.res.tasks);
		check_floor(m, r, &o);
		outcome_free(&o);
	}
	free(r);
}

/* The start skew: every mode's last worker started its first task after
 * the gate opened and within the run (it started one: every task
 * completed); a run without tasks has none. */
static void test_start_skew(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);
	assert_int_equal(mb_recipe_parse("cpu:3+sleep:200us", r, err, sizeof(err)), 0);
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		const struct mb_mode *m = &mb_modes[mi];
		struct outcome o;
		run_one(m, r, MB_BACKEND_EPOLL, kmax, 4, 12, 0, &o);
		check_counts(m, r, &o, 12);
		assert_true(o.res.start_skew_ns > 0);
		assert_true(o.res.start_skew_ns <= (uint64_t)(o.res.wall_s * 1e9));
		outcome_free(&o);
	}
	free(r);
}

/* What a worker holds is fixed by the configuration: the shared slot with
 * its two histograms, one lane blocking, a lane per branch of each task
 * slot in a loop, its share of the trace buffer (at least 256 events),
 * and a thread's stack; 20,000 threads hold it 20,000 times. */
static void test_footprint(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	struct mb_footprint fp;
	char err[MB_ERRLEN];
	assert_non_null(r);
	assert_int_equal(mb_recipe_parse("(sleep:1ms|sleep:2ms)+cpu:2", r, err, sizeof(err)), 0);
	const struct mb_mode *th = mb_mode_find("threads"), *as = mb_mode_find("async");
	size_t one = mb_footprint(th, r, 20000, 20000, false, &fp);
	assert_int_equal(fp.nlanes, 1);
	assert_int_equal(fp.ntasks, 1);
	assert_int_equal(fp.trace, 0);
	assert_true(fp.slot >= 2 * sizeof(struct mb_hist));
	assert_int_equal(fp.stack, 256 * 1024);
	assert_int_equal(one, fp.slot + fp.worker + fp.lanes + fp.tasks + fp.trace);
	assert_true(one < 128 * 1024); /* 20,000 of them: under 2.5 GiB */
	size_t traced = mb_footprint(th, r, 20000, 20000, true, &fp);
	assert_int_equal(traced, one + fp.trace);
	assert_int_equal(fp.trace, 256 * sizeof(struct mb_trace_event));
	mb_footprint(as, r, 1000, 1, true, &fp);
	assert_int_equal(fp.ntasks, 1000);
	assert_int_equal(fp.nlanes, 2000); /* two branches each */
	assert_int_equal(fp.trace, MB_TRACE_EVENTS * sizeof(struct mb_trace_event));
	mb_footprint(mb_mode_find("procs"), r, 7, 7, false, &fp);
	assert_int_equal(fp.stack, 0);
	free(r);
}

/* A step kind that cannot run here is reported by its descriptor, never
 * run: the sweep asks every step's unsupported() before mb_mode_run. */
static void test_unsupported_kinds_say_why(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char text[64], err[MB_ERRLEN];
	assert_non_null(r);
	for (unsigned i = 0; i < mb_step_nkinds; i++) {
		const struct mb_step_kind *k = mb_step_kinds[i];
		if (k->run_blocking && k->start_async)
			continue;
		snprintf(text, sizeof(text), "%s:1ms", k->name);
		if (mb_recipe_parse(text, r, err, sizeof(err)))
			continue;
		struct mb_run run = { .recipe = r, .mode = &mb_modes[0], .topo = topo,
				      .file_fd = -1 };
		assert_non_null(k->unsupported);
		const char *why = k->unsupported(&run, &r->st[0].br[0].steps[0]);
		assert_non_null(why);
		assert_true(why[0] != 0);
	}
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_names_are_base),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_every_mode_epoll),
		cmocka_unit_test(test_async_modes_io_uring),
		cmocka_unit_test(test_thousand_in_flight_epoll),
		cmocka_unit_test(test_thousand_in_flight_io_uring),
		cmocka_unit_test(test_by_duration),
		cmocka_unit_test(test_unsupported_kinds_say_why),
		cmocka_unit_test(test_start_skew),
		cmocka_unit_test(test_footprint),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
