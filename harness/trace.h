/* Per-task event tracing (--trace): see trace.c. */
#ifndef MB_TRACE_H
#define MB_TRACE_H

#include <stdint.h>

struct mb_worker;
struct mb_lane;
struct mb_step;

void mb_trace_step(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s,
		   uint64_t t0, uint64_t t1);
void mb_trace_task(struct mb_worker *w, uint64_t seq, uint64_t intended, uint64_t start,
		   uint64_t end);

#endif
