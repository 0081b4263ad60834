/* The loop's backend interface: what loop.c and the backend files
 * (loop_epoll.c, loop_uring.c) share. Not part of the loop's API; nothing
 * outside harness/loop/ includes it. */
#ifndef MB_LOOP_INT_H
#define MB_LOOP_INT_H

#include "loop.h"

#include <stdlib.h>
#include <string.h>

/* Backend table entry; one file each (loop_epoll.c, loop_uring.c). */
struct mb_loop_ops {
	const char *name;
	unsigned caps; /* enum mb_loop_cap */
	/* NULL when usable here, else why not (cached after the first call). */
	const char *(*probe)(void);
	int (*init)(struct mb_loop *l, unsigned max_ops);
	void (*fini)(struct mb_loop *l);
	int (*add_fd)(struct mb_loop *l, int fd);
	void (*del_fd)(struct mb_loop *l, int fd);
	int (*submit)(struct mb_loop *l, struct mb_op *op);
	/* Wait up to timeout_ns (UINT64_MAX: no limit; 0: a poll that never
	 * blocks), hand the kernel what was submitted, and queue completed
	 * operations with mb_loop_complete. Counts its kernel calls and
	 * completions in l->stats. Returns 0 or -errno. */
	int (*wait)(struct mb_loop *l, uint64_t timeout_ns);
};

extern const struct mb_loop_ops mb_loop_epoll;
extern const struct mb_loop_ops mb_loop_uring;

const struct mb_loop_ops *mb_backend_ops(enum mb_backend b);

/* The loop itself, shared by loop.c and the backends so that the hot path
 * (queueing a completion, reaching the backend's state, counting) is
 * inline rather than a call across files. */
struct mb_loop {
	const struct mb_loop_ops *ops;
	enum mb_backend backend;
	void *be; /* the backend's state */
	struct mb_op *timer_min; /* the heap's root */
	unsigned ntimers;
	uint64_t timer_seq;
	struct mb_op *ready_head, *ready_tail;
	unsigned pending; /* submitted, not yet dispatched */
	unsigned nready;  /* on the ready list */
	void (*before_wait)(void *), (*after_wait)(void *);
	void *hook_arg;
	struct mb_loop_stats stats;
};

/* Zeroed memory of whole cache lines (64-byte aligned, size rounded up),
 * for the loop's and the backends' state, which the loop's thread writes
 * on every operation: no line is shared with another thread's data.
 * Released with free(). NULL when out of memory. */
static inline void *mb_loop_zalloc_lines(size_t size)
{
	size_t n = (size + 63) / 64 * 64;
	void *p = aligned_alloc(64, n);
	if (p)
		memset(p, 0, n);
	return p;
}

/* For backends: queue op's completion with result res. O(1). */
static inline void mb_loop_complete(struct mb_loop *l, struct mb_op *op, int res)
{
	op->res = res;
	op->next = NULL;
	l->nready++;
	if (l->ready_tail)
		l->ready_tail->next = op;
	else
		l->ready_head = op;
	l->ready_tail = op;
}

/* For backends: n completions collected from the kernel by one wake-up
 * (0 counts nothing). */
static inline void mb_loop_count_reaped(struct mb_loop *l, unsigned n)
{
	if (!n)
		return;
	l->stats.reaps++;
	l->stats.reaped += n;
	if (n > l->stats.reaped_max)
		l->stats.reaped_max = n;
}

/* For backends: one call into the kernel that handed over `submitted`
 * operations and might block (`may_block`). */
static inline void mb_loop_count_enter(struct mb_loop *l, unsigned submitted, bool may_block)
{
	l->stats.enters++;
	if (submitted) {
		l->stats.enters_submit++;
		l->stats.enter_sqes += submitted;
	}
	if (may_block)
		l->stats.enters_wait++;
}

#endif
