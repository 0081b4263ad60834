/* Interpreter-lock emulation, after CPython's GIL (Python/ceval_gil.c): a
 * flag under a mutex and a condition variable. A thread that wants the lock
 * waits on the condition for one switch interval; if no switch happened
 * meanwhile it sets a drop request. The holder checks the request between
 * CPU work units (CPython: between bytecodes) and hands the lock over,
 * waiting until another thread has actually taken it (FORCE_SWITCHING), so
 * the requester is not starved by the holder re-taking it at once. Waits
 * (sleep, net, file, the event loop's poll) release it around the
 * blocking call, as CPython's I/O does. */
#ifndef MB_GIL_H
#define MB_GIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct mb_gil {
	pthread_mutex_t mu;
	pthread_cond_t cond;	    /* signalled when the lock is dropped */
	pthread_cond_t switch_cond; /* signalled when it is taken */
	bool locked;
	int drop_request; /* atomic: read by the holder without the mutex */
	uint64_t switch_number;
	uint64_t interval_ns;
	uint64_t switches, requests; /* counters, under mu */
};

int mb_gil_init(struct mb_gil *g, uint64_t interval_ns);
void mb_gil_destroy(struct mb_gil *g);

/* Returns true when the lock was held by another thread and it waited. */
bool mb_gil_acquire(struct mb_gil *g);
void mb_gil_release(struct mb_gil *g);

/* Called by the holder between CPU work units: yields the lock when
 * another thread has asked for it. One relaxed load when nobody asked. */
static inline void mb_gil_tick(struct mb_gil *g);
/* Hands the lock over when asked and takes it back; returns true when it
 * did (false: the request was gone already). */
bool mb_gil_yield(struct mb_gil *g);

static inline void mb_gil_tick(struct mb_gil *g)
{
	if (__builtin_expect(__atomic_load_n(&g->drop_request, __ATOMIC_RELAXED), 0))
		mb_gil_yield(g);
}

#endif
