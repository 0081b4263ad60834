/* Per-CPU busy time from /proc/stat, to see what other processes took on
 * the cores a run was pinned to (the CSV's outside_load). */
#ifndef MB_CPUSTAT_H
#define MB_CPUSTAT_H

#include <stdint.h>

#define MB_CPUSTAT_MAX 1024

struct mb_cpustat {
	unsigned n;
	uint64_t busy[MB_CPUSTAT_MAX];	/* user+nice+system+irq+softirq+steal, in ticks */
	uint64_t steal[MB_CPUSTAT_MAX];
};

int mb_cpustat_read(struct mb_cpustat *s);

/* Fraction of the pinned cores' time (wall x n) that was busy but not ours
 * (own_cpu_s): other processes, interrupts, steal. Notes the busiest core
 * when it exceeds 5% of that core. */
void mb_cpustat_outside(const struct mb_cpustat *a, const struct mb_cpustat *b,
			const unsigned *pus, unsigned n, double own_cpu_s, double wall_s,
			double *load, char *note, unsigned notelen);

/* The CPU seconds (user + system) process pid has used so far, from
 * /proc/PID/stat (a child not yet reaped, which RUSAGE_CHILDREN does not
 * count); 0 when pid is 0 or the file cannot be read. */
double mb_cpustat_proc_s(int pid);

#endif
