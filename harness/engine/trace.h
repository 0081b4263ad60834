/* Per-task event tracing (--trace FILE). Each worker appends fixed-size
 * events to its own preallocated buffer (in the run's MAP_SHARED region,
 * so forked workers' events come back too): no allocation, no lock, no
 * shared line on the measured path; a full buffer counts drops instead.
 * The runner writes the events out after the run, as CSV:
 *   label,worker,slot,task,kind,stage,branch,step,start_us,end_us,intended_us
 * with times since the run's start and kind one of task, cpu, wait, lock.
 * intended_us is when the event was due: a task's place in the open-loop
 * schedule (in a closed loop, its start); a step's or a lock wait's start,
 * since steps are not scheduled. */
#ifndef MB_TRACE_H
#define MB_TRACE_H

#include <stdint.h>
#include <stdio.h>

/* lock: under --gil, a time inside a step during which the thread waited
 * for the interpreter lock (handed over in the middle of a CPU step, or
 * taken back after a wait); it lies within its step's event. */
enum mb_trace_kind { MB_TRACE_TASK, MB_TRACE_CPU, MB_TRACE_WAIT, MB_TRACE_LOCK };

struct mb_trace_event {
	uint64_t t0, t1;
	uint64_t due; /* intended_us: see above */
	uint32_t task;
	uint16_t slot;
	uint8_t kind, stage, branch, pos;
};

/* Events kept per run in all (split evenly over the workers). */
#define MB_TRACE_EVENTS (1u << 20)

/* Writes the header when the file is empty. */
void mb_trace_header(FILE *f);
/* Writes n events of one worker; t0 is the run's start. */
void mb_trace_write(FILE *f, const char *label, unsigned worker,
		    const struct mb_trace_event *ev, uint64_t n, uint64_t t0);

#endif
