#include "gil.h"

#include <errno.h>
#include <time.h>

#include "base.h"

int mb_gil_init(struct mb_gil *g, uint64_t interval_ns)
{
	pthread_condattr_t ca;
	int rc;

	*g = (struct mb_gil){ .interval_ns = interval_ns };
	if ((rc = pthread_mutex_init(&g->mu, NULL)))
		return -rc;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&g->cond, &ca);
	if (!rc)
		rc = pthread_cond_init(&g->switch_cond, &ca);
	pthread_condattr_destroy(&ca);
	return -rc;
}

void mb_gil_destroy(struct mb_gil *g)
{
	pthread_cond_destroy(&g->switch_cond);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->mu);
}

static bool take_locked(struct mb_gil *g)
{
	bool waited = g->locked;
	while (g->locked) {
		uint64_t sn = g->switch_number;
		uint64_t until = mb_now_ns() + g->interval_ns;
		struct timespec ts = { .tv_sec = (time_t)(until / MB_NS_PER_S),
				       .tv_nsec = (long)(until % MB_NS_PER_S) };
		int rc = pthread_cond_timedwait(&g->cond, &g->mu, &ts);
		/* A whole interval without a switch: ask the holder to drop. */
		if (rc == ETIMEDOUT && g->locked && g->switch_number == sn) {
			__atomic_store_n(&g->drop_request, 1, __ATOMIC_RELAXED);
			g->requests++;
		}
	}
	g->locked = true;
	g->switch_number++;
	g->switches++;
	__atomic_store_n(&g->drop_request, 0, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&g->switch_cond);
	return waited;
}

bool mb_gil_acquire(struct mb_gil *g)
{
	pthread_mutex_lock(&g->mu);
	bool waited = take_locked(g);
	pthread_mutex_unlock(&g->mu);
	return waited;
}

void mb_gil_release(struct mb_gil *g)
{
	pthread_mutex_lock(&g->mu);
	g->locked = false;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mu);
}

bool mb_gil_yield(struct mb_gil *g)
{
	pthread_mutex_lock(&g->mu);
	if (!__atomic_load_n(&g->drop_request, __ATOMIC_RELAXED)) {
		pthread_mutex_unlock(&g->mu);
		return false;
	}
	uint64_t sn = g->switch_number;
	g->locked = false;
	pthread_cond_signal(&g->cond);
	/* FORCE_SWITCHING: wait until the requester has the lock. */
	while (g->switch_number == sn)
		pthread_cond_wait(&g->switch_cond, &g->mu);
	take_locked(g);
	pthread_mutex_unlock(&g->mu);
	return true;
}
