/* The bare Python loop scripts/bench-python compares the harness with: the
 * Python runtime's kernel (mbpy.py's kernel()) called back to back TASKS
 * times with UNITS each, in the same embedded interpreter the harness runs
 * (so the same CPython build, the same kernel code), on one pinned core,
 * with no clock read, no histogram and no executor in between. A tenth of
 * TASKS runs first, unmeasured (the interpreter's caches warm).
 * usage: bare_python UNITS TASKS PU -> prints tasks per second of wall
 * time, then per second of the thread's CPU time (what the harness's
 * user_s + sys_s measure for its worker). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base.h"
#include "engine.h"
#include "python.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bare_python UNITS TASKS PU\n");
		return 2;
	}
	uint64_t units = strtoull(argv[1], NULL, 10), tasks = strtoull(argv[2], NULL, 10);
	unsigned pu = (unsigned)atoi(argv[3]);
	struct mb_topo *topo;
	char err[256];
	double secs;
	struct timespec c0, c1;
	if (mb_python_unavailable()) {
		fprintf(stderr, "bare_python: %s\n", mb_python_unavailable());
		return 2;
	}
	if (mb_topo_load(&topo, NULL, err, sizeof(err)) || mb_topo_bind_self(topo, pu)) {
		fprintf(stderr, "bare_python: cannot bind to PU %u\n", pu);
		return 1;
	}
	int rc = mb_python_bare_loop(units, tasks / 10 + 1, &secs, err, sizeof(err));
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	rc = rc ? rc : mb_python_bare_loop(units, tasks, &secs, err, sizeof(err));
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	if (rc) {
		fprintf(stderr, "bare_python: %s\n", err);
		return 1;
	}
	double cpu = (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	printf("%.6g %.6g\n", tasks / secs, tasks / cpu);
	mb_python_finalize();
	mb_topo_free(topo);
	return 0;
}
