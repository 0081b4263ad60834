/* A small completion-based event loop, in the manner of Redis's ae.c but
 * shaped like io_uring: the caller starts an operation with a callback and
 * the loop calls it back once with the result. Timers live in a binary heap
 * inside the loop (no timerfd per task). The kernel interface is a runtime
 * backend table (epoll, io_uring) so both can run in one binary; epoll
 * emulates completion by trying the non-blocking call, waiting for
 * readiness on EAGAIN and retrying.
 *
 * Cost: each operation is one intrusive struct owned by the caller; the
 * loop allocates nothing after mb_loop_create and never calls a callback
 * from inside a submission (completions are always dispatched from
 * mb_loop_run_once), so callbacks may submit freely. */
#ifndef MB_LOOP_H
#define MB_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum mb_backend {
	MB_BACKEND_EPOLL,
	MB_BACKEND_IO_URING,
	MB_BACKEND_COUNT,
	MB_BACKEND_NONE = MB_BACKEND_COUNT, /* blocking modes */
};

enum mb_op_type {
	MB_OP_TIMER,
	MB_OP_RECV,
	MB_OP_SEND,
	MB_OP_READ, /* pread on a regular file: io_uring only */
	MB_OP_ACCEPT,
};

struct mb_op;
typedef void (*mb_op_cb)(struct mb_op *op, int res);

/* One operation in flight. The caller owns the memory and may embed it;
 * fields after cb are the loop's. res is >= 0 on success (bytes, an
 * accepted fd, 0 for a timer) or -errno. */
struct mb_op {
	mb_op_cb cb;
	void *data; /* the caller's */
	/* private to the loop */
	uint8_t type;
	int fd;
	void *buf;
	uint32_t len;
	uint64_t off; /* file offset, or timer deadline in ns */
	uint32_t heap_idx;
	int res;
	struct mb_op *next;
};

struct mb_loop;

/* Capabilities of a backend (as fio's engine .flags): what a step or a
 * mode may rely on, asked by flag, never by comparing backends. */
enum mb_loop_cap {
	/* Reads of regular files complete asynchronously (io_uring). epoll
	 * cannot wait on regular files: they are always "ready". */
	MB_LOOP_CAP_FILE_READ = 1u << 0,
	/* Sockets must be registered with mb_loop_add_fd before use
	 * (readiness-based backends). */
	MB_LOOP_CAP_NEEDS_FD_REGISTRATION = 1u << 1,
};

const char *mb_backend_name(enum mb_backend b);
int mb_backend_parse(const char *s, enum mb_backend *b);
/* NULL if the backend works on this kernel, else the reason (cached). */
const char *mb_backend_unsupported(enum mb_backend b);
/* The backend's enum mb_loop_cap flags (0 for MB_BACKEND_NONE). */
unsigned mb_backend_caps(enum mb_backend b);

/* max_ops bounds the operations in flight at once (timers included). */
int mb_loop_create(struct mb_loop **out, enum mb_backend b, unsigned max_ops);
void mb_loop_destroy(struct mb_loop *l);
enum mb_backend mb_loop_backend(const struct mb_loop *l);

/* Registers a socket once, before use (epoll adds it edge-triggered). */
int mb_loop_add_fd(struct mb_loop *l, int fd);

/* Forgets a socket before it is closed; ops parked on it complete with
 * -ECANCELED (epoll). With io_uring, close only after its ops completed. */
void mb_loop_del_fd(struct mb_loop *l, int fd);

/* Timer firing at deadline_ns (CLOCK_MONOTONIC); res 0. */
void mb_loop_timer(struct mb_loop *l, struct mb_op *op, uint64_t deadline_ns);
/* Removes a pending timer; returns false if it was not pending. */
bool mb_loop_timer_cancel(struct mb_loop *l, struct mb_op *op);
int mb_loop_recv(struct mb_loop *l, struct mb_op *op, int fd, void *buf, size_t len);
int mb_loop_send(struct mb_loop *l, struct mb_op *op, int fd, const void *buf, size_t len);
int mb_loop_read(struct mb_loop *l, struct mb_op *op, int fd, void *buf, size_t len, uint64_t off);
int mb_loop_accept(struct mb_loop *l, struct mb_op *op, int fd);

/* Calls before(arg) just before the loop blocks in the kernel and
 * after(arg) when it wakes (not around non-blocking polls): how the
 * interpreter-lock emulation releases the lock while a loop waits. */
void mb_loop_set_wait_hooks(struct mb_loop *l, void (*before)(void *), void (*after)(void *),
			    void *arg);

/* Waits for at least one completion (or until max_wait_ns passes) and
 * dispatches every completion ready. Returns the number of callbacks run,
 * 0 when nothing is pending, or -errno. */
int mb_loop_run_once(struct mb_loop *l, uint64_t max_wait_ns);
unsigned mb_loop_pending(const struct mb_loop *l);

#endif
