#include "calib.h"

#include <stdlib.h>

#include "base.h"
#include "step.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double mb_cpu_calibrate(const struct mb_topo *topo, unsigned pu)
{
	hwloc_bitmap_t old = hwloc_bitmap_alloc();
	int have_old = topo->this_system &&
		       hwloc_get_cpubind(topo->t, old, HWLOC_CPUBIND_THREAD) == 0;
	double rates[5];
	volatile uint64_t sink = 0;

	mb_topo_bind_self(topo, pu);
	/* Warm up, then find a batch that takes about 20 ms. */
	uint64_t n = 16, x = 1;
	for (;;) {
		uint64_t t0 = mb_now_ns();
		x = mb_cpu_kernel(x, n);
		uint64_t dt = mb_now_ns() - t0;
		if (dt > 5 * MB_NS_PER_MS) {
			n = (uint64_t)((double)n * 20e6 / (double)dt) + 1;
			break;
		}
		n *= 2;
	}
	for (unsigned i = 0; i < 5; i++) {
		uint64_t t0 = mb_now_ns();
		x = mb_cpu_kernel(x, n);
		rates[i] = (double)n * 1e9 / (double)(mb_now_ns() - t0);
	}
	sink = x;
	(void)sink;
	if (have_old)
		hwloc_set_cpubind(topo->t, old, HWLOC_CPUBIND_THREAD);
	hwloc_bitmap_free(old);
	qsort(rates, 5, sizeof(rates[0]), cmp_double);
	return rates[2];
}
