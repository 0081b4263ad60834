/* Tests of the Python runtime (harness/python, python.h) through the real
 * runner, runs built by hand as the sweep builds them, and through the
 * binary: every step kind in every mode to exactly N tasks; the Python
 * kernel computing the C kernel's function; the real interpreter lock
 * read from CPU-time accounting (threads of one interpreter never use
 * more than one core's time together, processes do); a Python exception
 * inside a step becoming the row's error, naming it; a long step cut by
 * the run's stop; the open-loop count; the runtime column and --resume;
 * and, last, the interpreter finalised cleanly. Built without CPython,
 * each test skips, saying why. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hist.h"
#include "iosetup.h"
#include "mb.h"
#include "modes.h"
#include "python.h"
#include "run.h"
#include "step.h"
#include "testutil.h"
#include "topo.h"

#define N_TASKS 37
#define FILE_SIZE (8ull << 20)

static struct {
	struct mb_topo *topo;
	struct mb_io io;
	struct mb_opts *o;
	char dir[64];
	unsigned k;
	unsigned pus[2];
	struct mb_hist *lat, *svc;
} fx;

static int group_setup(void **state)
{
	char err[MB_ERRLEN];
	signal(SIGPIPE, SIG_IGN);
	if (mb_topo_load(&fx.topo, NULL, err, sizeof(err)))
		return -1;
	fx.k = mb_topo_slots(fx.topo, false) >= 2 ? 2 : 1;
	if (mb_topo_plan(fx.topo, fx.k, MB_POLICY_COMPACT, false, fx.pus))
		return -1;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/mb-test-python-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	fx.o = calloc(1, sizeof(*fx.o));
	fx.lat = malloc(sizeof(*fx.lat));
	fx.svc = malloc(sizeof(*fx.svc));
	if (!fx.o || !fx.lat || !fx.svc)
		return -1;
	snprintf(fx.o->file_dir, sizeof(fx.o->file_dir), "%s", fx.dir);
	fx.o->file_size = FILE_SIZE;
	if (mb_io_prepare(&fx.io, fx.o, fx.topo, fx.pus, fx.k, true, true, err, sizeof(err))) {
		fprintf(stderr, "mb_io_prepare: %s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	mb_io_cleanup(&fx.io);
	mb_test_rm_rf(fx.dir);
	mb_topo_free(fx.topo);
	free(fx.o);
	free(fx.lat);
	free(fx.svc);
	return 0;
}

/* skip() with the reason when this build has no Python runtime. */
static void need_python(void)
{
	const char *why = mb_python_unavailable();
	if (why) {
		print_message("skipped: %s\n", why);
		skip();
	}
}

/* ---- one run */

struct shape {
	unsigned C;
	uint64_t tasks, duration_ns, timeout_ns;
	double rate;
	bool async_only;
	const struct mb_mempol *mem_policy; /* NULL: local */
};

/* Runs text in mode m under the Python runtime on k cores into *res
 * (its histograms fx.lat, fx.svc). Returns the unsupported reason or
 * NULL; rc is mb_mode_run's. */
static const char *run_py(const char *text, const struct mb_mode *m, struct shape sh,
			  struct mb_run_result *res, int *rc)
{
	static struct mb_recipe r;
	char err[MB_ERRLEN];
	unsigned k = mb_mode_one_core(m) ? 1 : fx.k;
	unsigned c = m->id == MB_MODE_SYNC ? 1 : sh.C;
	if (mb_recipe_parse(text, &r, err, sizeof(err)))
		fail_msg("%s: %s", text, err);
	memset(res, 0, sizeof(*res));
	res->lat = fx.lat;
	res->svc = fx.svc;
	struct mb_run run = {
		.recipe = &r,
		.mode = m,
		.runtime = mb_python_runtime(),
		.backend = m->async ? MB_BACKEND_EPOLL : MB_BACKEND_NONE,
		.topo = fx.topo,
		.policy = MB_POLICY_COMPACT,
		.cores = k,
		.pus = fx.pus,
		.concurrency = c,
		.nworkers = mb_mode_workers(m, k, c),
		.tasks = sh.tasks,
		.duration_ns = sh.duration_ns,
		.timeout_ns = sh.timeout_ns ? sh.timeout_ns : 60 * MB_NS_PER_S,
		.rate = sh.rate,
		.seed = 42,
		.server = fx.io.server,
		.have_server = fx.io.have_server,
		.file_fd = fx.io.file_fd,
		.file_size = fx.io.file_size,
		.llc_bytes = 1 << 20,
		.mem_policy = sh.mem_policy,
	};
	assert_non_null(run.runtime);
	const char *why = mb_run_unsupported(&run);
	if (why)
		return why;
	*rc = mb_mode_run(&run, res);
	return NULL;
}

/* Runs text in mode m to exactly N_TASKS; returns the bytes moved. */
static uint64_t run_counted(const char *text, const struct mb_mode *m)
{
	struct mb_run_result res;
	int rc = 0;
	const char *why = run_py(text, m, (struct shape){ .C = 4, .tasks = N_TASKS }, &res, &rc);
	if (why)
		fail_msg("%s %s: unsupported: %s", text, m->name, why);
	if (rc || res.status != MB_ST_OK || res.tasks != N_TASKS)
		fail_msg("%s %s: rc %d, %s, %llu tasks: %s", text, m->name, rc,
			 mb_status_name(res.status), (unsigned long long)res.tasks, res.error);
	assert_int_equal(fx.lat->count, N_TASKS);
	assert_int_equal(fx.svc->count, N_TASKS);
	assert_true(res.placement_ok);
	return res.bytes;
}

/* A short argument for each kind; a kind missing here fails the test, so a
 * new kind is tested by construction. */
static const char *test_arg(const char *kind)
{
	static const struct {
		const char *kind, *arg;
	} args[] = {
		{ "cpu", "5" }, { "mem", "256KiB" }, { "sleep", "50us" },
		{ "net", "0us/1000" }, { "file", "4KiB" },
	};
	for (unsigned i = 0; i < MB_ARRAY_SIZE(args); i++)
		if (!strcmp(args[i].kind, kind))
			return args[i].arg;
	fail_msg("no test argument for step kind %s", kind);
	return NULL;
}

/* Every registered step kind in every mode, exactly N tasks; the bytes
 * each kind says it moves. */
static void test_every_mode_every_kind(void **state)
{
	need_python();
	for (unsigned i = 0; i < mb_step_nkinds; i++) {
		const struct mb_step_kind *kind = mb_step_kinds[i];
		char text[64];
		snprintf(text, sizeof(text), "%s:%s", kind->name, test_arg(kind->name));
		for (unsigned mi = 0; mi < MB_NMODES; mi++) {
			uint64_t bytes = run_counted(text, &mb_modes[mi]);
			if (kind == &mb_step_file)
				assert_int_equal(bytes, N_TASKS * 4096ull);
			else if (kind == &mb_step_mem)
				assert_int_equal(bytes, N_TASKS * 2 * 256 * 1024ull);
			else if (kind == &mb_step_net)
				assert_true(bytes > N_TASKS * 1000ull);
			else
				assert_int_equal(bytes, 0);
		}
	}
}

/* Groups (concurrent branches in async modes, each on its own lane) and
 * several kinds in one task. */
static void test_groups(void **state)
{
	need_python();
	const char *text = "net:100us/10+(file:8KiB|net:0us|sleep:200us)+cpu:3+(mem:64KiB|file:4KiB)";
	for (unsigned mi = 0; mi < MB_NMODES; mi++)
		run_counted(text, &mb_modes[mi]);
}

/* The Python kernel is the C kernel's function: 32 Python units are one
 * C unit. */
static void test_kernel_is_the_c_kernel(void **state)
{
	need_python();
	char err[MB_ERRLEN];
	static const uint64_t xs[] = { 1, 3, 0x123456789abcdefull, UINT64_MAX };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(xs); i++)
		for (uint64_t n = 0; n < 4; n++) {
			uint64_t py = 0;
			assert_int_equal(mb_python_kernel(xs[i], 32 * n, &py, err, sizeof(err)), 0);
			assert_int_equal(py, mb_cpu_kernel(xs[i], n));
		}
}

/* The real interpreter lock, from CPU-time accounting (getrusage of each
 * worker over the run): two threads of one interpreter computing on two
 * cores use at most one core's time together ((user + sys) / wall <=
 * 1.1) and wait for each other, voluntarily (the lock handed over every
 * switch interval); two processes each keep computing, never waiting
 * (no voluntary switch), and use nearly two cores' time (> 1.5). That
 * last figure needs the two cores free: when other processes took over
 * 25% of them (the row's outside_load) in each of three attempts, it is
 * not asserted, and the test says so; the rest holds however busy the
 * machine is. */
static void test_lock_from_cpu_time(void **state)
{
	need_python();
	if (fx.k < 2) {
		print_message("skipped: one core, nothing to compare\n");
		skip();
	}
	const struct shape sh = { .C = 2, .duration_ns = 400 * MB_NS_PER_MS };
	struct mb_run_result res;
	int rc = 0;
	assert_null(run_py("cpu:200", mb_mode_find("threads"), sh, &res, &rc));
	assert_int_equal(res.status, MB_ST_OK);
	double threads = (res.user_s + res.sys_s) / res.wall_s;
	uint64_t waits = res.nvcsw;
	print_message("threads: %.3f core-seconds per second, %llu voluntary switches\n",
		      threads, (unsigned long long)waits);
	assert_true(threads <= 1.1);
	assert_true(waits >= 10);
	for (unsigned attempt = 0; attempt < 3; attempt++) {
		assert_null(run_py("cpu:200", mb_mode_find("procs"), sh, &res, &rc));
		assert_int_equal(res.status, MB_ST_OK);
		double procs = (res.user_s + res.sys_s) / res.wall_s;
		print_message("procs: %.3f core-seconds per second, %llu voluntary switches "
			      "(others took %.0f%% of the cores)\n", procs,
			      (unsigned long long)res.nvcsw, 100 * res.outside_load);
		assert_true(res.nvcsw * 10 < waits);
		if (res.outside_load > 0.25)
			continue;
		assert_true(procs > 1.5);
		return;
	}
	print_message("note: other processes kept the cores busy: the processes' CPU time "
		      "was not compared with 1.5 cores\n");
}

/* A Python exception inside a step fails the row with its type, its text
 * and the step (MB_FAULT_PY_RAISE=3: each worker's third cpu step divides
 * by zero); the tasks before it count. */
static void test_exception_names_the_step(void **state)
{
	need_python();
	setenv("MB_FAULT_PY_RAISE", "3", 1);
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		const struct mb_mode *m = &mb_modes[mi];
		struct mb_run_result res;
		int rc = 0;
		assert_null(run_py("sleep:100us+cpu:5", m, (struct shape){ .C = 2, .tasks = 20 },
				   &res, &rc));
		assert_int_equal(rc, 0);
		if (res.status != MB_ST_FAILED || !strstr(res.error, "ZeroDivisionError") ||
		    !strstr(res.error, "(in the cpu:5 step)"))
			fail_msg("%s: %s: %s", m->name, mb_status_name(res.status), res.error);
		assert_true(res.tasks >= 2 && res.tasks < 20);
	}
	unsetenv("MB_FAULT_PY_RAISE");
}

/* The mem step's buffers are CPython's objects, which no --mem-policy
 * places: a policy other than local is unsupported, saying so; local runs.
 * The first task's start is noted as the C executors note it, so the run
 * has a start skew. */
static void test_mem_policy_and_skew(void **state)
{
	need_python();
	const struct mb_mempol inter = { .kind = MB_MEMPOL_INTERLEAVE };
	const struct mb_mempol local = { .kind = MB_MEMPOL_LOCAL };
	const struct mb_mode *sync = mb_mode_find("sync");
	struct mb_run_result res;
	int rc = 0;
	const char *why = run_py("mem:64KiB", sync,
				 (struct shape){ .C = 1, .tasks = 10, .mem_policy = &inter }, &res, &rc);
	assert_non_null(why);
	assert_non_null(strstr(why, "--mem-policy under --runtime python"));
	assert_null(run_py("mem:64KiB", sync,
			   (struct shape){ .C = 1, .tasks = 10, .mem_policy = &local }, &res, &rc));
	assert_int_equal(rc, 0);
	assert_int_equal(res.status, MB_ST_OK);
	assert_int_equal(res.tasks, 10);
	assert_true(res.start_skew_ns > 0);
}

/* A step longer than --timeout is cut by the run's stop: the row says
 * timeout, the cut task is not counted, and the threads (which are never
 * cancelled) come back: no -EDEADLK. */
static void test_long_step_cut(void **state)
{
	need_python();
	const char *modes[] = { "threads", "async", "procs" };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(modes); i++) {
		struct mb_run_result res;
		int rc = 0;
		/* about a minute of Python kernel per task */
		assert_null(run_py("cpu:30M", mb_mode_find(modes[i]),
				   (struct shape){ .C = 2, .tasks = 4,
						   .timeout_ns = 300 * MB_NS_PER_MS },
				   &res, &rc));
		assert_int_equal(rc, 0);
		assert_int_equal(res.status, MB_ST_TIMEOUT);
		assert_int_equal(res.tasks, 0);
	}
}

/* The open loop: a constant-rate run by duration starts exactly
 * ceil(duration x rate) tasks, in every mode. */
static void test_open_loop(void **state)
{
	need_python();
	for (unsigned mi = 0; mi < MB_NMODES; mi++) {
		struct mb_run_result res;
		int rc = 0;
		assert_null(run_py("cpu:2", &mb_modes[mi],
				   (struct shape){ .C = 2, .duration_ns = 100 * MB_NS_PER_MS,
						   .rate = 500 },
				   &res, &rc));
		assert_int_equal(res.status, MB_ST_OK);
		assert_int_equal(res.tasks, 50);
		assert_int_equal(fx.lat->count, 50);
	}
}

/* ---- through the binary */

/* Runs `modebench ARGS...` in dir; returns its exit status. */
static int run_mb(const char *dir, const char *const *args)
{
	const char *bin = getenv("MODEBENCH");
	char out[256], err[256];
	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	assert_non_null(bin);
	pid_t pid = fork();
	if (pid == 0)
		mb_test_exec_in(dir, out, err, bin, args);
	return mb_test_wait(pid, 120, args[0], err);
}

/* --runtime c,python: both in one CSV, told apart by the runtime column,
 * gil_us CPython's switch interval in every python row (0 in C rows
 * without --gil); --resume finds every run of both. */
static void test_csv_and_resume(void **state)
{
	need_python();
	const char *const args[] = { "run", "-w", "cpu:5", "-m", "sync,threads",
				     "--runtime", "c,python", "--switch-interval", "2ms",
				     "-c", "1", "-C", "2", "-n", "10", "-r", "1", "--warmup", "0",
				     "-q", "-o", "out.csv", "--resume", NULL };
	char path[128];
	struct mb_test_table t;
	assert_int_equal(run_mb(fx.dir, args), 0);
	snprintf(path, sizeof(path), "%s/out.csv", fx.dir);
	mb_test_read_csv(path, &t);
	mb_test_assert_rectangular(path, &t);
	int rt = mb_test_column(&t, "runtime"), mode = mb_test_column(&t, "mode");
	int gil = mb_test_column(&t, "gil_us"), st = mb_test_column(&t, "status");
	unsigned seen = 0;
	assert_int_equal(t.nrows, 4);
	for (unsigned i = 0; i < t.nrows; i++) {
		char **r = t.rows[i];
		bool py = !strcmp(r[rt], "python"), th = !strcmp(r[mode], "threads");
		assert_true(py || !strcmp(r[rt], "c"));
		assert_string_equal(r[st], "ok");
		assert_string_equal(r[gil], py ? "2000" : "0");
		seen |= 1u << (2 * py + th);
	}
	assert_int_equal(seen, 15);
	mb_test_free_table(&t);
	/* again: every run is found done, nothing is added */
	assert_int_equal(run_mb(fx.dir, args), 0);
	mb_test_read_csv(path, &t);
	assert_int_equal(t.nrows, 4);
	mb_test_free_table(&t);
}

/* Last: the interpreter this process started is finalised cleanly, and
 * the runtime is then unavailable rather than half there. */
static void test_finalize(void **state)
{
	need_python();
	assert_int_equal(mb_python_finalize(), 0);
	assert_non_null(mb_python_unavailable());
	assert_null(mb_python_runtime());
	assert_int_equal(mb_python_finalize(), 0); /* once is enough */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_is_the_c_kernel),
		cmocka_unit_test(test_every_mode_every_kind),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_lock_from_cpu_time),
		cmocka_unit_test(test_exception_names_the_step),
		cmocka_unit_test(test_mem_policy_and_skew),
		cmocka_unit_test(test_long_step_cut),
		cmocka_unit_test(test_open_loop),
		cmocka_unit_test(test_csv_and_resume),
		cmocka_unit_test(test_finalize),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
