/* io_uring backend (liburing): natively completion-based. Each op is one
 * SQE whose user_data is the op; submissions are batched and handed to the
 * kernel together with the wait. Timers stay in the loop's heap and bound
 * the wait's timeout, as with epoll, so both backends time the same way.
 * Probed once at start: a kernel or sandbox that refuses io_uring_setup
 * makes the backend unsupported, with the reason. */
#include "loop_int.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct uring_be {
	struct io_uring ring;
	unsigned unsubmitted;
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

static int uring_init(struct mb_loop *l, unsigned max_ops)
{
	struct uring_be *be = calloc(1, sizeof(*be));
	unsigned entries = 64;
	if (!be)
		return -ENOMEM;
	while (entries < max_ops && entries < 32768)
		entries *= 2;
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE,
				     .cq_entries = entries * 2 };
	int rc = io_uring_queue_init_params(entries, &be->ring, &p);
	if (rc < 0) {
		free(be);
		return rc;
	}
	l->be = be;
	return 0;
}

static void uring_fini(struct mb_loop *l)
{
	struct uring_be *be = l->be;
	io_uring_queue_exit(&be->ring);
	free(be);
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
	io_uring_sqe_set_data(sqe, op);
	be->unsubmitted++;
	return 0;
}

static int uring_wait(struct mb_loop *l, uint64_t timeout_ns)
{
	struct uring_be *be = l->be;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = (long long)(timeout_ns / 1000000000ull),
					.tv_nsec = (long long)(timeout_ns % 1000000000ull) };
	int rc;

	if (timeout_ns == 0) {
		if (be->unsubmitted) {
			io_uring_submit(&be->ring);
			mb_loop_count_enter(l, be->unsubmitted, false);
		}
		rc = 0;
	} else {
		/* Enters unless nothing is queued and a CQE is already there. */
		if (be->unsubmitted || !io_uring_cq_ready(&be->ring))
			mb_loop_count_enter(l, be->unsubmitted, true);
		rc = io_uring_submit_and_wait_timeout(&be->ring, &cqe, 1,
						      timeout_ns == UINT64_MAX ? NULL : &ts,
						      NULL);
	}
	be->unsubmitted = 0;
	if (rc < 0 && rc != -ETIME && rc != -EINTR)
		return rc;
	unsigned head, n = 0;
	io_uring_for_each_cqe(&be->ring, head, cqe) {
		struct mb_op *op = io_uring_cqe_get_data(cqe);
		mb_loop_complete(l, op, cqe->res);
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
	.submit = uring_submit,
	.wait = uring_wait,
};
