/* Backend-independent part of the loop: the timer heap, the ready list and
 * dispatch. Timer heap operations are O(log n); dispatch is O(1) per
 * completion. */
#include "loop_int.h"
#include "base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct mb_loop {
	const struct mb_loop_ops *ops;
	enum mb_backend backend;
	void *be;
	struct mb_op **heap;
	unsigned heap_len, heap_cap;
	struct mb_op *ready_head, *ready_tail;
	unsigned pending; /* submitted, not yet dispatched */
	void (*before_wait)(void *), (*after_wait)(void *);
	void *hook_arg;
};

void mb_loop_set_wait_hooks(struct mb_loop *l, void (*before)(void *), void (*after)(void *),
			    void *arg)
{
	l->before_wait = before;
	l->after_wait = after;
	l->hook_arg = arg;
}

static const struct mb_loop_ops *const backends[MB_BACKEND_COUNT] = {
	[MB_BACKEND_EPOLL] = &mb_loop_epoll,
	[MB_BACKEND_IO_URING] = &mb_loop_uring,
};

const struct mb_loop_ops *mb_backend_ops(enum mb_backend b)
{
	return b < MB_BACKEND_COUNT ? backends[b] : NULL;
}

const char *mb_backend_name(enum mb_backend b)
{
	return b < MB_BACKEND_COUNT ? backends[b]->name : "none";
}

int mb_backend_parse(const char *s, enum mb_backend *b)
{
	for (int i = 0; i < MB_BACKEND_COUNT; i++)
		if (!strcmp(s, backends[i]->name)) {
			*b = i;
			return 0;
		}
	if (!strcmp(s, "uring")) {
		*b = MB_BACKEND_IO_URING;
		return 0;
	}
	return -EINVAL;
}

unsigned mb_backend_caps(enum mb_backend b)
{
	return b < MB_BACKEND_COUNT ? backends[b]->caps : 0;
}

const char *mb_backend_unsupported(enum mb_backend b)
{
	static int probed[MB_BACKEND_COUNT];
	static const char *why[MB_BACKEND_COUNT];
	if (b >= MB_BACKEND_COUNT)
		return NULL;
	if (!__atomic_load_n(&probed[b], __ATOMIC_ACQUIRE)) {
		why[b] = backends[b]->probe();
		__atomic_store_n(&probed[b], 1, __ATOMIC_RELEASE);
	}
	return why[b];
}

int mb_loop_create(struct mb_loop **out, enum mb_backend b, unsigned max_ops)
{
	struct mb_loop *l;
	int rc;

	if (b >= MB_BACKEND_COUNT)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ops = backends[b];
	l->backend = b;
	l->heap_cap = max_ops ? max_ops : 1;
	l->heap = calloc(l->heap_cap, sizeof(*l->heap));
	if (!l->heap) {
		free(l);
		return -ENOMEM;
	}
	rc = l->ops->init(l, l->heap_cap);
	if (rc) {
		free(l->heap);
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void mb_loop_destroy(struct mb_loop *l)
{
	if (!l)
		return;
	l->ops->fini(l);
	free(l->heap);
	free(l);
}

enum mb_backend mb_loop_backend(const struct mb_loop *l)
{
	return l->backend;
}

void *mb_loop_backend_state(struct mb_loop *l)
{
	return l->be;
}

void mb_loop_set_backend_state(struct mb_loop *l, void *state)
{
	l->be = state;
}

unsigned mb_loop_pending(const struct mb_loop *l)
{
	return l->pending;
}

int mb_loop_add_fd(struct mb_loop *l, int fd)
{
	return l->ops->add_fd ? l->ops->add_fd(l, fd) : 0;
}

void mb_loop_del_fd(struct mb_loop *l, int fd)
{
	if (l->ops->del_fd)
		l->ops->del_fd(l, fd);
}

void mb_loop_complete(struct mb_loop *l, struct mb_op *op, int res)
{
	op->res = res;
	op->next = NULL;
	if (l->ready_tail)
		l->ready_tail->next = op;
	else
		l->ready_head = op;
	l->ready_tail = op;
}

/* Heap of timers ordered by deadline (op->off). */
static void heap_swap(struct mb_loop *l, unsigned a, unsigned b)
{
	struct mb_op *t = l->heap[a];
	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->heap_idx = a;
	l->heap[b]->heap_idx = b;
}

static void heap_up(struct mb_loop *l, unsigned i)
{
	while (i) {
		unsigned p = (i - 1) / 2;
		if (l->heap[p]->off <= l->heap[i]->off)
			break;
		heap_swap(l, p, i);
		i = p;
	}
}

static void heap_down(struct mb_loop *l, unsigned i)
{
	for (;;) {
		unsigned c = 2 * i + 1, m = i;
		if (c < l->heap_len && l->heap[c]->off < l->heap[m]->off)
			m = c;
		if (c + 1 < l->heap_len && l->heap[c + 1]->off < l->heap[m]->off)
			m = c + 1;
		if (m == i)
			return;
		heap_swap(l, i, m);
		i = m;
	}
}

static void heap_remove(struct mb_loop *l, unsigned i)
{
	l->heap_len--;
	if (i != l->heap_len) {
		l->heap[i] = l->heap[l->heap_len];
		l->heap[i]->heap_idx = i;
		heap_down(l, i);
		heap_up(l, i);
	}
}

void mb_loop_timer(struct mb_loop *l, struct mb_op *op, uint64_t deadline_ns)
{
	op->type = MB_OP_TIMER;
	op->off = deadline_ns;
	l->pending++;
	if (MB_UNLIKELY(l->heap_len == l->heap_cap)) {
		/* More timers than max_ops promised: grow rather than fail.
		 * Never happens on the measured path when max_ops is right. */
		unsigned cap = l->heap_cap * 2;
		struct mb_op **h = realloc(l->heap, cap * sizeof(*h));
		if (!h)
			abort();
		l->heap = h;
		l->heap_cap = cap;
	}
	op->heap_idx = l->heap_len;
	l->heap[l->heap_len++] = op;
	heap_up(l, op->heap_idx);
}

bool mb_loop_timer_cancel(struct mb_loop *l, struct mb_op *op)
{
	if (op->type != MB_OP_TIMER || op->heap_idx >= l->heap_len ||
	    l->heap[op->heap_idx] != op)
		return false;
	heap_remove(l, op->heap_idx);
	op->heap_idx = UINT32_MAX;
	l->pending--;
	return true;
}

static int submit(struct mb_loop *l, struct mb_op *op, int type, int fd,
		  void *buf, size_t len, uint64_t off)
{
	op->type = (uint8_t)type;
	op->fd = fd;
	op->buf = buf;
	op->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	op->off = off;
	int rc = l->ops->submit(l, op);
	if (rc == 0)
		l->pending++;
	return rc;
}

int mb_loop_recv(struct mb_loop *l, struct mb_op *op, int fd, void *buf, size_t len)
{
	return submit(l, op, MB_OP_RECV, fd, buf, len, 0);
}

int mb_loop_send(struct mb_loop *l, struct mb_op *op, int fd, const void *buf, size_t len)
{
	return submit(l, op, MB_OP_SEND, fd, (void *)buf, len, 0);
}

int mb_loop_read(struct mb_loop *l, struct mb_op *op, int fd, void *buf, size_t len,
		 uint64_t off)
{
	return submit(l, op, MB_OP_READ, fd, buf, len, off);
}

int mb_loop_accept(struct mb_loop *l, struct mb_op *op, int fd)
{
	return submit(l, op, MB_OP_ACCEPT, fd, NULL, 0, 0);
}

static void expire_timers(struct mb_loop *l, uint64_t now)
{
	while (l->heap_len && l->heap[0]->off <= now) {
		struct mb_op *op = l->heap[0];
		heap_remove(l, 0);
		op->heap_idx = UINT32_MAX;
		mb_loop_complete(l, op, 0);
	}
}

int mb_loop_run_once(struct mb_loop *l, uint64_t max_wait_ns)
{
	uint64_t timeout = max_wait_ns;
	int n = 0;

	if (!l->pending)
		return 0;
	if (!l->ready_head) {
		uint64_t now = mb_now_ns();
		expire_timers(l, now);
		if (!l->ready_head && l->heap_len) {
			uint64_t until = l->heap[0]->off - now;
			if (until < timeout)
				timeout = until;
		}
	}
	if (l->ready_head)
		timeout = 0;
	if (l->pending > l->heap_len || timeout) {
		bool hook = timeout && l->before_wait;
		if (hook)
			l->before_wait(l->hook_arg);
		int rc = l->ops->wait(l, timeout);
		if (hook)
			l->after_wait(l->hook_arg);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
	if (l->heap_len)
		expire_timers(l, mb_now_ns());

	/* Dispatch what is ready now; completions queued by the callbacks
	 * wait for the next round so timers and I/O are not starved. */
	struct mb_op *op = l->ready_head;
	l->ready_head = l->ready_tail = NULL;
	while (op) {
		struct mb_op *next = op->next;
		l->pending--;
		op->cb(op, op->res);
		n++;
		op = next;
	}
	return n;
}
