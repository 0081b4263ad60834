#include "trace.h"

#include <sys/stat.h>

void mb_trace_header(FILE *f)
{
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size == 0)
		fputs("label,worker,slot,task,kind,stage,branch,step,start_us,end_us,intended_us\n", f);
}

void mb_trace_write(FILE *f, const char *label, unsigned worker,
		    const struct mb_trace_event *ev, uint64_t n, uint64_t t0)
{
	static const char *kinds[] = { "task", "cpu", "wait", "lock" };
	for (uint64_t i = 0; i < n; i++) {
		const struct mb_trace_event *e = &ev[i];
		fprintf(f, "%s,%u,%u,%u,%s,%u,%u,%u,%.3f,%.3f,%.3f\n", label, worker, e->slot,
			e->task, kinds[e->kind], e->stage, e->branch, e->pos,
			e->t0 >= t0 ? (e->t0 - t0) / 1e3 : 0, e->t1 >= t0 ? (e->t1 - t0) / 1e3 : 0,
			e->due >= t0 ? (e->due - t0) / 1e3 : 0);
	}
}
