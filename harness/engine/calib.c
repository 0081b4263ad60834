/* Calibration of cpu:DUR (calib.h). Cost: a warm-up that doubles the batch
 * until one takes over 5 ms, then five trials of about 20 ms (about 0.1 s
 * in all), pinned to one PU; once per sweep, outside every measured run. */
#include "calib.h"

#include "base.h"
#include "step.h"

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
	return mb_stat_median(rates, 5);
}
