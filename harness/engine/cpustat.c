#include "cpustat.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int mb_cpustat_read(struct mb_cpustat *s)
{
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	memset(s, 0, sizeof(*s));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned cpu;
		unsigned long long u, ni, sy, id, io, irq, sirq, st;
		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &u, &ni,
			   &sy, &id, &io, &irq, &sirq, &st) != 9 || cpu >= MB_CPUSTAT_MAX)
			continue;
		s->busy[cpu] = u + ni + sy + irq + sirq + st;
		s->steal[cpu] = st;
		if (cpu + 1 > s->n)
			s->n = cpu + 1;
	}
	fclose(f);
	return 0;
}

void mb_cpustat_outside(const struct mb_cpustat *a, const struct mb_cpustat *b,
			const unsigned *pus, unsigned n, double own_cpu_s, double wall_s,
			double *load, char *note, unsigned notelen)
{
	double hz = (double)sysconf(_SC_CLK_TCK), busy = 0, worst = 0;
	unsigned worst_cpu = 0;
	*load = 0;
	note[0] = 0;
	if (wall_s <= 0 || !n)
		return;
	for (unsigned i = 0; i < n; i++) {
		unsigned c = pus[i];
		if (c >= a->n || c >= b->n)
			continue;
		double d = (double)(b->busy[c] - a->busy[c]) / hz;
		busy += d;
		if (d > worst) {
			worst = d;
			worst_cpu = c;
		}
	}
	double other = busy - own_cpu_s;
	if (other < 0)
		other = 0;
	*load = other / (wall_s * n);
	if (*load > 0.05)
		snprintf(note, notelen, "noisy: others used %.0f%% of the pinned cores (cpu%u busiest)",
			 *load * 100, worst_cpu);
}

/* The CPU seconds (user + system) process pid has used, from
 * /proc/PID/stat; 0 when pid is 0 or the file cannot be read. */
double mb_cpustat_proc_s(int pid)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after "pid (comm) ": state is field 3, utime 14 and stime 15 */
	const char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return 0;
	long hz = sysconf(_SC_CLK_TCK);
	return hz > 0 ? (double)(ut + st) / (double)hz : 0;
}
