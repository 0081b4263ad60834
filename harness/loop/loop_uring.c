/* io_uring backend (liburing): natively completion-based. Each op is one
 * SQE whose user_data is the op. Submissions are only queued; a round
 * hands the whole batch to the kernel in the io_uring_enter that waits
 * for completions, then collects every CQE there (io_uring_for_each_cqe,
 * one io_uring_cq_advance), so C reads in flight cost one system call
 * per round, not per read. A round that finds CQEs already posted and
 * nothing queued makes no system call. Timers stay in the loop's heap
 * and bound the wait's timeout, as with epoll, so both backends time the
 * same way.
 *
 * The ring is set up as fio (3.33) sets up its own: single issuer with
 * deferred task work (kernel 6.1), else cooperative task work (5.19),
 * else plain. Deferred task work means the kernel finishes socket
 * completions only inside an io_uring_enter that asks for events; the
 * kernel says when it has such work pending (IORING_SQ_TASKRUN, from
 * IORING_SETUP_TASKRUN_FLAG) and a poll round then enters to collect it.
 *
 * The ring's own fd is registered too, so io_uring_enter skips its
 * lookup. Descriptors given to mb_loop_add_fd become fixed files,
 * registered at their own number in a sparse table sized at set-up (from
 * max_ops, and within RLIMIT_NOFILE), so a submission on one skips
 * fget/fput; numbers past the table are used as they are.
 *
 * Probed once at start: a kernel or sandbox that refuses io_uring_setup
 * makes the backend unsupported, with the reason. */
#include "loop_int.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define FIXED_MIN 64u
#define FIXED_MAX 32768u

struct uring_be {
	struct io_uring ring;
	unsigned unsubmitted;
	unsigned nfixed;   /* slots in the sparse fixed-file table (0: none) */
	uint8_t *fixed;	   /* fixed[fd]: fd is registered at slot fd */
};

static const char *uring_probe(void)
{
	static char why[128];
	struct io_uring ring;
	int rc = io_uring_queue_init(4, &ring, 0);
	if (rc < 0) {
		snprintf(why, sizeof(why), "io_uring_setup refused: %s", strerror(-rc));
		return why;
	}
	struct io_uring_probe *p = io_uring_get_probe_ring(&ring);
	const char *res = NULL;
	if (p) {
		if (!io_uring_opcode_supported(p, IORING_OP_READ) ||
		    !io_uring_opcode_supported(p, IORING_OP_RECV) ||
		    !io_uring_opcode_supported(p, IORING_OP_SEND))
			res = "io_uring lacks READ/RECV/SEND opcodes (kernel < 5.6)";
		io_uring_free_probe(p);
	}
	io_uring_queue_exit(&ring);
	return res;
}

/* The ring, with the best task-work mode this kernel takes. */
static int ring_init(struct io_uring *ring, unsigned entries)
{
	static const unsigned modes[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
		0,
	};
	int rc = -EINVAL;
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE | modes[i],
					     .cq_entries = entries * 2 };
		rc = io_uring_queue_init_params(entries, ring, &p);
		if (rc != -EINVAL)
			return rc;
	}
	return rc;
}

/* The sparse fixed-file table: as many slots as descriptors the caller
 * may use (max_ops plus room for the process's own), within the open-file
 * limit, which the kernel enforces. No table is no error: descriptors are
 * then used as they are. */
static void fixed_init(struct uring_be *be, unsigned max_ops)
{
	struct rlimit rl;
	unsigned n = FIXED_MIN;
	while (n < max_ops + FIXED_MIN && n < FIXED_MAX)
		n *= 2;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n)
		n = rl.rlim_cur < FIXED_MIN ? 0 : (unsigned)rl.rlim_cur;
	if (!n || !(be->fixed = calloc(n, 1)))
		return;
	if (io_uring_register_files_sparse(&be->ring, n) < 0) {
		free(be->fixed);
		be->fixed = NULL;
		return;
	}
	be->nfixed = n;
}

static int uring_init(struct mb_loop *l, unsigned max_ops)
{
	struct uring_be *be = mb_loop_zalloc_lines(sizeof(*be));
	unsigned entries = 64;
	if (!be)
		return -ENOMEM;
	while (entries < max_ops && entries < 32768)
		entries *= 2;
	int rc = ring_init(&be->ring, entries);
	if (rc < 0) {
		free(be);
		return rc;
	}
	fixed_init(be, max_ops);
	/* io_uring_enter then finds the ring without an fd lookup (5.18);
	 * where refused, it is found by its fd as before. */
	io_uring_register_ring_fd(&be->ring);
	l->be = be;
	return 0;
}

static void uring_fini(struct mb_loop *l)
{
	struct uring_be *be = l->be;
	io_uring_queue_exit(&be->ring);
	free(be->fixed);
	free(be);
}

/* Registers fd at slot fd, replacing whatever a closed descriptor of the
 * same number left there. */
static int uring_add_fd(struct mb_loop *l, int fd)
{
	struct uring_be *be = l->be;
	if (fd < 0)
		return -EBADF;
	if ((unsigned)fd >= be->nfixed)
		return 0;
	be->fixed[fd] = io_uring_register_files_update(&be->ring, (unsigned)fd, &fd, 1) == 1;
	return 0;
}

static void uring_del_fd(struct mb_loop *l, int fd)
{
	struct uring_be *be = l->be;
	int none = -1;
	if (fd < 0 || (unsigned)fd >= be->nfixed || !be->fixed[fd])
		return;
	io_uring_register_files_update(&be->ring, (unsigned)fd, &none, 1);
	be->fixed[fd] = 0;
}

static int uring_submit(struct mb_loop *l, struct mb_op *op)
{
	struct uring_be *be = l->be;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&be->ring);
	if (!sqe) {
		/* Ring full: hand the batch to the kernel and try again. */
		int n = io_uring_submit(&be->ring);
		mb_loop_count_enter(l, n > 0 ? (unsigned)n : 0, false);
		be->unsubmitted = 0;
		sqe = io_uring_get_sqe(&be->ring);
		if (!sqe)
			return -EBUSY;
	}
	switch (op->type) {
	case MB_OP_RECV:
		io_uring_prep_recv(sqe, op->fd, op->buf, op->len, 0);
		break;
	case MB_OP_SEND:
		io_uring_prep_send(sqe, op->fd, op->buf, op->len, MSG_NOSIGNAL);
		break;
	case MB_OP_READ:
		io_uring_prep_read(sqe, op->fd, op->buf, op->len, op->off);
		break;
	case MB_OP_ACCEPT:
		io_uring_prep_accept(sqe, op->fd, NULL, NULL, SOCK_CLOEXEC);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if ((unsigned)op->fd < be->nfixed && be->fixed[op->fd])
		sqe->flags |= IOSQE_FIXED_FILE; /* slot op->fd holds op->fd */
	io_uring_sqe_set_data(sqe, op);
	be->unsubmitted++;
	return 0;
}

/* Whether the kernel holds completions that only an io_uring_enter
 * asking for events makes visible: deferred task work, or an overflow. */
static bool cq_needs_enter(const struct io_uring *r)
{
	return IO_URING_READ_ONCE(*r->sq.kflags) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW);
}

/* Hands the queued SQEs over and, unless CQEs are already there or this
 * is a poll, waits for one. One io_uring_enter at most. */
static int enter(struct mb_loop *l, struct uring_be *be, uint64_t timeout_ns)
{
	struct io_uring *r = &be->ring;
	struct io_uring_cqe *cqe;
	unsigned queued = be->unsubmitted;
	bool flush = cq_needs_enter(r);
	int rc;

	be->unsubmitted = 0;
	if (timeout_ns == 0 || (io_uring_cq_ready(r) && !flush)) {
		if (!queued && !flush)
			return 0;
		rc = io_uring_submit_and_get_events(r);
		mb_loop_count_enter(l, queued, false);
		return rc < 0 ? rc : 0;
	}
	struct __kernel_timespec ts = { .tv_sec = (long long)(timeout_ns / 1000000000ull),
					.tv_nsec = (long long)(timeout_ns % 1000000000ull) };
	rc = io_uring_submit_and_wait_timeout(r, &cqe, 1, timeout_ns == UINT64_MAX ? NULL : &ts,
					      NULL);
	mb_loop_count_enter(l, queued, true);
	return rc < 0 ? rc : 0;
}

static int uring_wait(struct mb_loop *l, uint64_t timeout_ns)
{
	struct uring_be *be = l->be;
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;
	int rc = enter(l, be, timeout_ns);

	if (rc < 0 && rc != -ETIME && rc != -EINTR)
		return rc;
	io_uring_for_each_cqe(&be->ring, head, cqe) {
		mb_loop_complete(l, io_uring_cqe_get_data(cqe), cqe->res);
		n++;
	}
	io_uring_cq_advance(&be->ring, n);
	mb_loop_count_reaped(l, n);
	return 0;
}

const struct mb_loop_ops mb_loop_uring = {
	.name = "io_uring",
	.caps = MB_LOOP_CAP_FILE_READ,
	.probe = uring_probe,
	.init = uring_init,
	.fini = uring_fini,
	.add_fd = uring_add_fd,
	.del_fd = uring_del_fd,
	.submit = uring_submit,
	.wait = uring_wait,
};
