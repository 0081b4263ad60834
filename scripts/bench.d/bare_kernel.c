/* The bare loop the harness-overhead goal compares with: the cpu step's
 * kernel run back to back on one pinned core, in batches of `units` (one
 * task's worth), with no clock reads, no histogram and no executor.
 * usage: bare_kernel UNITS SECONDS PU -> prints batches per second. */
#include <stdio.h>
#include <stdlib.h>

#include "base.h"
#include "step.h"
#include "engine.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bare_kernel UNITS SECONDS PU\n");
		return 2;
	}
	uint64_t units = strtoull(argv[1], NULL, 10);
	double secs = atof(argv[2]);
	unsigned pu = (unsigned)atoi(argv[3]);
	struct mb_topo *topo;
	char err[256];
	if (mb_topo_load(&topo, NULL, err, sizeof(err)) || mb_topo_bind_self(topo, pu)) {
		fprintf(stderr, "bare_kernel: cannot bind to PU %u\n", pu);
		return 1;
	}
	uint64_t x = 1, n = 0, t0 = mb_now_ns(), end = t0 + (uint64_t)(secs * 1e9), now;
	do {
		for (int i = 0; i < 64; i++)
			x = mb_cpu_kernel(x, units);
		n += 64;
		now = mb_now_ns();
	} while (now < end);
	printf("%.6g %llu\n", n / ((now - t0) / 1e9), (unsigned long long)(x & 1));
	mb_topo_free(topo);
	return 0;
}
