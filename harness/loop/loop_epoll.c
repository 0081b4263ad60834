/* epoll backend: completion emulated over readiness. A submission tries the
 * non-blocking call at once; on EAGAIN the op parks on its fd (one reader
 * and one writer per fd at a time) and is retried when epoll reports the fd
 * ready. Sockets are registered once, edge-triggered, for both directions,
 * so arming a wait costs no epoll_ctl. The per-fd state is a table indexed
 * by fd, grown (doubling from 64) when a socket past its end is registered:
 * the loop's only allocation after set-up (loop.h); a submission on a
 * registered socket finds its entry and allocates nothing. Regular files
 * cannot be waited on with epoll, so MB_OP_READ is refused with
 * -EOPNOTSUPP. Waits use epoll_pwait2 for nanosecond timeouts (falling
 * back to epoll_wait rounded up to the next millisecond on kernels before
 * 5.11). */
#include "loop_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct fd_state {
	struct mb_op *rd, *wr;
	bool added;
};

struct epoll_be {
	int epfd;
	bool have_pwait2;
	struct fd_state *fds;
	unsigned nfds;
	struct epoll_event events[256];
};

static const char *epoll_probe(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		return "epoll_create1 failed";
	close(fd);
	return NULL;
}

static int epoll_init(struct mb_loop *l, unsigned max_ops)
{
	struct epoll_be *be = mb_loop_zalloc_lines(sizeof(*be));
	if (!be)
		return -ENOMEM;
	be->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (be->epfd < 0) {
		int rc = -errno;
		free(be);
		return rc;
	}
	be->have_pwait2 = true;
	l->be = be;
	return 0;
}

static void epoll_fini(struct mb_loop *l)
{
	struct epoll_be *be = l->be;
	close(be->epfd);
	free(be->fds);
	free(be);
}

static int epoll_add_fd(struct mb_loop *l, int fd)
{
	struct epoll_be *be = l->be;
	if (fd < 0)
		return -EBADF;
	if ((unsigned)fd >= be->nfds) {
		unsigned n = be->nfds ? be->nfds : 64;
		while (n <= (unsigned)fd)
			n *= 2;
		struct fd_state *f = realloc(be->fds, n * sizeof(*f));
		if (!f)
			return -ENOMEM;
		memset(f + be->nfds, 0, (n - be->nfds) * sizeof(*f));
		be->fds = f;
		be->nfds = n;
	}
	if (be->fds[fd].added)
		return 0;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				  .data.fd = fd };
	if (epoll_ctl(be->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	be->fds[fd].added = true;
	return 0;
}

static void epoll_del_fd(struct mb_loop *l, int fd)
{
	struct epoll_be *be = l->be;
	if (fd < 0 || (unsigned)fd >= be->nfds || !be->fds[fd].added)
		return;
	epoll_ctl(be->epfd, EPOLL_CTL_DEL, fd, NULL);
	struct fd_state *fs = &be->fds[fd];
	if (fs->rd)
		mb_loop_complete(l, fs->rd, -ECANCELED);
	if (fs->wr)
		mb_loop_complete(l, fs->wr, -ECANCELED);
	memset(fs, 0, sizeof(*fs));
}

/* The non-blocking call behind an op: >= 0 or -errno (-EAGAIN: wait). */
static int try_op(struct mb_op *op)
{
	ssize_t r;
	switch (op->type) {
	case MB_OP_RECV:
		r = recv(op->fd, op->buf, op->len, MSG_DONTWAIT);
		break;
	case MB_OP_SEND:
		r = send(op->fd, op->buf, op->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	case MB_OP_ACCEPT:
		r = accept4(op->fd, NULL, NULL, SOCK_CLOEXEC);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (int)r;
}

static int epoll_submit(struct mb_loop *l, struct mb_op *op)
{
	struct epoll_be *be = l->be;
	if (op->type == MB_OP_READ)
		return -EOPNOTSUPP;
	int rc = epoll_add_fd(l, op->fd);
	if (rc)
		return rc;
	struct fd_state *fs = &be->fds[op->fd];
	struct mb_op **slot = op->type == MB_OP_SEND ? &fs->wr : &fs->rd;
	if (*slot)
		return -EBUSY;
	int r = try_op(op);
	if (r == -EAGAIN)
		*slot = op;
	else
		mb_loop_complete(l, op, r);
	return 0;
}

/* Retries the op parked in slot; 1 when it completed. */
static unsigned retry(struct mb_loop *l, struct mb_op **slot)
{
	struct mb_op *op = *slot;
	if (!op)
		return 0;
	int r = try_op(op);
	if (r == -EAGAIN)
		return 0;
	*slot = NULL;
	mb_loop_complete(l, op, r);
	return 1;
}

static int epoll_wait_be(struct mb_loop *l, uint64_t timeout_ns)
{
	struct epoll_be *be = l->be;
	int n;

	if (be->have_pwait2) {
		struct timespec ts = { .tv_sec = (time_t)(timeout_ns / 1000000000ull),
				       .tv_nsec = (long)(timeout_ns % 1000000000ull) };
		n = epoll_pwait2(be->epfd, be->events, 256,
				 timeout_ns == UINT64_MAX ? NULL : &ts, NULL);
		if (n < 0 && errno == ENOSYS) {
			be->have_pwait2 = false;
			return epoll_wait_be(l, timeout_ns);
		}
	} else {
		int ms = timeout_ns == UINT64_MAX ? -1 :
			 timeout_ns > 2000000000000ull ? 2000000000 :
			 (int)((timeout_ns + 999999) / 1000000);
		n = epoll_wait(be->epfd, be->events, 256, ms);
	}
	mb_loop_count_enter(l, 0, timeout_ns > 0);
	if (n < 0)
		return -errno;
	unsigned done = 0;
	for (int i = 0; i < n; i++) {
		struct fd_state *fs = &be->fds[be->events[i].data.fd];
		uint32_t ev = be->events[i].events;
		if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			done += retry(l, &fs->rd);
		if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			done += retry(l, &fs->wr);
	}
	mb_loop_count_reaped(l, done);
	return 0;
}

const struct mb_loop_ops mb_loop_epoll = {
	.name = "epoll",
	.caps = MB_LOOP_CAP_NEEDS_FD_REGISTRATION,
	.probe = epoll_probe,
	.init = epoll_init,
	.fini = epoll_fini,
	.add_fd = epoll_add_fd,
	.del_fd = epoll_del_fd,
	.submit = epoll_submit,
	.wait = epoll_wait_be,
};
