/* The loop's backend interface: what loop.c and the backend files
 * (loop_epoll.c, loop_uring.c) share. Not part of the loop's API; nothing
 * outside harness/loop/ includes it. */
#ifndef MB_LOOP_INT_H
#define MB_LOOP_INT_H

#include "loop.h"

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
	/* Wait up to timeout_ns (UINT64_MAX: no limit) and queue completed
	 * operations with mb_loop_complete. Returns 0 or -errno. */
	int (*wait)(struct mb_loop *l, uint64_t timeout_ns);
};

extern const struct mb_loop_ops mb_loop_epoll;
extern const struct mb_loop_ops mb_loop_uring;

const struct mb_loop_ops *mb_backend_ops(enum mb_backend b);

/* For backends: queue op's completion with result res. */
void mb_loop_complete(struct mb_loop *l, struct mb_op *op, int res);
/* For backends: the backend's private state. */
void *mb_loop_backend_state(struct mb_loop *l);
void mb_loop_set_backend_state(struct mb_loop *l, void *state);

#endif
