/* A small completion-based event loop, in the manner of Redis's ae.c but
 * shaped like io_uring: the caller starts an operation with a callback and
 * the loop calls it back once with the result. Timers live in a binary heap
 * inside the loop (no timerfd per task). The kernel interface is a runtime
 * backend table (epoll, io_uring) so both can run in one binary; epoll
 * emulates completion by trying the non-blocking call, waiting for
 * readiness on EAGAIN and retrying (README, "How it measures": the
 * measured path allocates nothing and takes no lock).
 *
 * Memory: each operation is one intrusive struct owned by the caller; the
 * ready list and the timer heap are linked through the ops themselves, so
 * neither has a capacity and neither allocates. After mb_loop_create the
 * loop allocates in one place only: on epoll, registering a socket whose
 * number is past the fd table so far (mb_loop_add_fd, or the first
 * submission on a socket not registered yet) doubles that table. Timers
 * (any number), submissions on registered sockets, cancelling and
 * mb_loop_run_once never allocate; a caller that registers its sockets
 * during set-up (as the net step's lane_setup does) allocates nothing
 * while it measures.
 *
 * Dispatch: the loop never calls a callback from inside a submission;
 * every completion is dispatched from mb_loop_run_once, so callbacks may
 * submit freely (what they submit completes in a later round).
 *
 * Threads: a loop belongs to the thread that created it; only that thread
 * may submit to it or run it (io_uring is set up single-issuer, as fio
 * does, which lets the kernel skip locking on every completion).
 *
 * Batching: submissions are only queued; a round hands the whole batch to
 * the kernel in the same call that waits for completions (io_uring: one
 * io_uring_enter per round, however many operations were queued), and
 * collects every completion that call found, not just the first. A round
 * that finds completions already there and nothing to submit makes no
 * system call at all. */
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
 * cb and data are the caller's, the fields after them the loop's. The
 * callback's res is >= 0 on success (bytes, an accepted fd, 0 for a timer)
 * or -errno. The memory must stay valid until the callback ran (or the
 * timer was cancelled, or the loop destroyed). */
struct mb_op {
	mb_op_cb cb;
	void *data; /* the caller's */
	/* private to the loop */
	uint8_t type;
	bool in_heap; /* a pending timer */
	int fd;
	void *buf;
	uint32_t len;
	int res;
	uint64_t off; /* file offset, or timer deadline in ns */
	uint64_t seq; /* timers: submission order, which breaks deadline ties */
	struct mb_op *next;		     /* the ready list */
	struct mb_op *left, *right, *parent; /* the timer heap */
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

/* max_ops is the number of operations the caller expects in flight at
 * once, timers excluded: io_uring sizes its rings from it (rounded up to a
 * power of two, 64 to 32768). It is not a limit: a submission that finds
 * the ring full hands the batch to the kernel first and fails with -EBUSY
 * only when that frees no entry. Timers and epoll have no bound. Returns 0
 * or -errno (-ENOMEM, or the backend's set-up error). */
int mb_loop_create(struct mb_loop **out, enum mb_backend b, unsigned max_ops);
void mb_loop_destroy(struct mb_loop *l);
enum mb_backend mb_loop_backend(const struct mb_loop *l);

/* Registers a descriptor once, before use. epoll (sockets only): makes
 * it non-blocking and adds it edge-triggered for both directions (one
 * epoll_ctl; it may grow the fd table, see above). io_uring (sockets and
 * regular files): registers it as a fixed file when the kernel has room
 * in the loop's table, so every later submission on it skips the
 * kernel's per-operation file lookup (fget/fput); when it has no room the
 * descriptor is used as it is. A registered descriptor is held by the
 * ring: call mb_loop_del_fd before closing it, else it stays open inside
 * the ring (its peer sees no close) until the loop is destroyed. One
 * system call; never allocates on io_uring. Returns 0 or -errno. */
int mb_loop_add_fd(struct mb_loop *l, int fd);

/* Forgets a descriptor before it is closed. epoll: ops parked on it are
 * queued to complete with -ECANCELED, dispatched by the next
 * mb_loop_run_once (they count as pending until then). io_uring: drops
 * its fixed-file registration and nothing else; ops in flight on it stay
 * in flight (the kernel holds its own reference to the socket, so not
 * even close() ends them) until they complete on their own, with data or
 * at the peer's close: close only after its ops completed. */
void mb_loop_del_fd(struct mb_loop *l, int fd);

/* Timer firing at deadline_ns (CLOCK_MONOTONIC), res 0; a deadline already
 * past fires in the next round. Timers fire in deadline order, and timers
 * with equal deadlines in the order they were submitted. op must not be in
 * flight. O(log n) in the timers pending; never fails, never allocates. */
void mb_loop_timer(struct mb_loop *l, struct mb_op *op, uint64_t deadline_ns);
/* Removes a pending timer of this loop: it will not fire and no longer
 * counts as pending. Returns false, changing nothing, when op is not a
 * pending timer (it fired, was cancelled, or is some other operation). op
 * must have been submitted to this loop before or be zeroed. O(log n). */
bool mb_loop_timer_cancel(struct mb_loop *l, struct mb_op *op);

/* Operations on a descriptor: 0 when submitted (the callback then runs
 * exactly once, from mb_loop_run_once, with the bytes moved, an accepted
 * fd, 0 at end of file, or -errno), else -errno and no callback. On epoll
 * a call that can complete at once does (the result still waits for
 * mb_loop_run_once); one that would block parks on its fd, one reader
 * and one writer per fd (a second gets -EBUSY). On io_uring each is one
 * SQE, handed to the kernel by the next mb_loop_run_once. */
int mb_loop_recv(struct mb_loop *l, struct mb_op *op, int fd, void *buf, size_t len);
int mb_loop_send(struct mb_loop *l, struct mb_op *op, int fd, const void *buf, size_t len);
/* pread of a regular file: only where the backend has
 * MB_LOOP_CAP_FILE_READ (io_uring); elsewhere -EOPNOTSUPP. */
int mb_loop_read(struct mb_loop *l, struct mb_op *op, int fd, void *buf, size_t len, uint64_t off);
int mb_loop_accept(struct mb_loop *l, struct mb_op *op, int fd);

/* Calls before(arg) just before the loop blocks in the kernel and
 * after(arg) when it wakes (not around non-blocking polls): how the
 * interpreter-lock emulation releases the lock while a loop waits. */
void mb_loop_set_wait_hooks(struct mb_loop *l, void (*before)(void *), void (*after)(void *),
			    void *arg);

/* One round: waits for at least one completion (or until max_wait_ns
 * passes, or the earliest timer is due) and dispatches every completion
 * ready, first in, first out, in the order the loop queued them: an epoll
 * call that needed no wait when it was submitted, I/O when the backend
 * reports it, timers in deadline order when the round finds them due
 * (before and after its wait). Completions that the callbacks cause wait
 * for the next round, so timers and I/O are not starved. Returns the
 * number of callbacks run, 0 at once when nothing is pending, or -errno
 * from the backend's wait (-EINTR is not an error: the round goes on). */
int mb_loop_run_once(struct mb_loop *l, uint64_t max_wait_ns);
/* Operations submitted and not yet dispatched (pending timers included,
 * cancelled ones not). */
unsigned mb_loop_pending(const struct mb_loop *l);

/* What a loop did since it was created: debug counters kept in the loop's
 * own memory (one loop, one thread: plain increments, no atomics, no line
 * shared with another loop), for benchmarks (scripts/bench-uring) and
 * tests. Kernel calls are the ones the backend makes to hand over
 * submissions or to wait (io_uring_enter, epoll_wait); epoll's
 * non-blocking recv/send/accept are not counted. */
struct mb_loop_stats {
	uint64_t rounds;	/* mb_loop_run_once calls that found something pending */
	uint64_t submitted;	/* operations accepted (timers not counted) */
	uint64_t enters;	/* kernel calls */
	uint64_t enters_submit; /* ... that handed over at least one operation */
	uint64_t enter_sqes;	/* operations those calls handed over */
	uint64_t enters_wait;	/* ... that could block (a wait longer than 0) */
	uint64_t reaps;		/* wake-ups that collected at least one completion */
	uint64_t reaped;	/* completions collected (io_uring: CQEs; epoll: parked ops
				 * completed on readiness) */
	uint64_t reaped_max;	/* the most collected by one wake-up */
	uint64_t dispatched;	/* callbacks run (timers included) */
};
void mb_loop_stats(const struct mb_loop *l, struct mb_loop_stats *out);

#endif
