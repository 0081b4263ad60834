/* Interpreter-lock emulation (CPython's GIL): see gil.c. */
#ifndef MB_GIL_H
#define MB_GIL_H

#include <stdint.h>

struct mb_gil;

void mb_gil_acquire(struct mb_gil *g);
void mb_gil_release(struct mb_gil *g);
/* Called by the holder between CPU work units: yields the lock when
 * another thread has asked for it. Cheap when nobody asked (one load). */
void mb_gil_tick(struct mb_gil *g);

#endif
