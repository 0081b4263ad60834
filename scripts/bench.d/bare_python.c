/* The bare Python loop scripts/bench-python compares the harness with: the
 * Python runtime's kernel (mbpy.py's kernel()) called back to back TASKS
 * times with UNITS each, in the same embedded interpreter the harness runs
 * (so the same CPython build, the same kernel code), on one pinned core,
 * with no clock read, no histogram and no executor in between. A tenth of
 * TASKS runs first, unmeasured (the interpreter's caches warm).
 *
 * usage: bare_python UNITS TASKS PU
 *   prints tasks per second of wall time, then per second of the thread's
 *   CPU time (what the harness's user_s + sys_s measure for its worker).
 * usage: bare_python UNITS TASKS PU PAIRS
 *   PAIRS times, one right after the other in this one process: a harness
 *   run (the engine's sync mode under the Python runtime, cpu:UNITS, TASKS
 *   tasks, its worker pinned to PU) and the bare loop (this thread, pinned
 *   to PU). One line per pair: the harness's tasks per second of wall
 *   time and of its worker's CPU time, then the bare loop's two. Pairs a
 *   fraction of a second apart see the same machine, however busy it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"
#include "engine.h"
#include "python.h"

static int bare(uint64_t units, uint64_t tasks, double *wall_rate, double *cpu_rate, char *err,
		unsigned errlen)
{
	struct timespec c0, c1;
	double secs;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	int rc = mb_python_bare_loop(units, tasks, &secs, err, errlen);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	double cpu = (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	*wall_rate = tasks / secs;
	*cpu_rate = tasks / cpu;
	return rc;
}

/* One harness run: sync, cpu:UNITS, TASKS tasks on PU. */
static int harness(struct mb_topo *topo, unsigned *pu, uint64_t units, uint64_t tasks,
		   double *wall_rate, double *cpu_rate, char *err, unsigned errlen)
{
	static struct mb_recipe r;
	static struct mb_hist lat, svc;
	char text[64];
	snprintf(text, sizeof(text), "cpu:%llu", (unsigned long long)units);
	if (mb_recipe_parse(text, &r, err, errlen))
		return -1;
	struct mb_run_result res = { .lat = &lat, .svc = &svc };
	struct mb_run run = {
		.recipe = &r,
		.mode = mb_mode_find("sync"),
		.runtime = mb_python_runtime(),
		.backend = MB_BACKEND_NONE,
		.topo = topo,
		.policy = MB_POLICY_COMPACT,
		.cores = 1,
		.pus = pu,
		.concurrency = 1,
		.nworkers = 1,
		.tasks = tasks,
		.timeout_ns = 600 * MB_NS_PER_S,
		.seed = 1,
		.file_fd = -1,
		.llc_bytes = 1 << 20,
	};
	if (mb_mode_run(&run, &res) || res.status != MB_ST_OK || res.tasks != tasks) {
		snprintf(err, errlen, "harness run: %s %s", mb_status_name(res.status), res.error);
		return -1;
	}
	*wall_rate = tasks / res.wall_s;
	*cpu_rate = tasks / (res.user_s + res.sys_s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: bare_python UNITS TASKS PU [PAIRS]\n");
		return 2;
	}
	uint64_t units = strtoull(argv[1], NULL, 10), tasks = strtoull(argv[2], NULL, 10);
	unsigned pu = (unsigned)atoi(argv[3]), pairs = argc == 5 ? (unsigned)atoi(argv[4]) : 0;
	struct mb_topo *topo;
	char err[512];
	double hw, hc, bw, bc;
	if (mb_python_unavailable()) {
		fprintf(stderr, "bare_python: %s\n", mb_python_unavailable());
		return 2;
	}
	if (mb_topo_load(&topo, NULL, err, sizeof(err)) || mb_topo_bind_self(topo, pu)) {
		fprintf(stderr, "bare_python: cannot bind to PU %u\n", pu);
		return 1;
	}
	int rc = bare(units, tasks / 10 + 1, &bw, &bc, err, sizeof(err));
	if (!rc && !pairs && !(rc = bare(units, tasks, &bw, &bc, err, sizeof(err))))
		printf("%.6g %.6g\n", bw, bc);
	for (unsigned i = 0; !rc && i < pairs; i++)
		if (!(rc = harness(topo, &pu, units, tasks, &hw, &hc, err, sizeof(err))) &&
		    !(rc = bare(units, tasks, &bw, &bc, err, sizeof(err))))
			printf("%.6g %.6g %.6g %.6g\n", hw, hc, bw, bc);
	if (rc)
		fprintf(stderr, "bare_python: %s\n", err);
	mb_python_finalize();
	mb_topo_free(topo);
	return rc ? 1 : 0;
}
