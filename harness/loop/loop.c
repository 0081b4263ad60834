/* Backend-independent part of the loop: the timer heap, the ready list and
 * dispatch. Both are linked through the ops, so neither allocates nor has
 * a capacity; inserting or removing a timer is O(log n) pointer steps,
 * queueing and dispatching a completion O(1). */
#include "loop_int.h"
#include "base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	l = mb_loop_zalloc_lines(sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ops = backends[b];
	l->backend = b;
	rc = l->ops->init(l, max_ops ? max_ops : 1);
	if (rc) {
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
	free(l);
}

enum mb_backend mb_loop_backend(const struct mb_loop *l)
{
	return l->backend;
}

unsigned mb_loop_pending(const struct mb_loop *l)
{
	return l->pending;
}

void mb_loop_stats(const struct mb_loop *l, struct mb_loop_stats *out)
{
	*out = l->stats;
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

/* The timer heap: a binary min-heap linked through the ops themselves
 * (left, right, parent), as libuv's heap-inl.h, so it holds any number of
 * timers without an array to size or grow. Ordered by (deadline, seq):
 * equal deadlines fire in submission order. The path from the root to
 * slot n (1-based) is the binary digits of n after the leading 1. */
static bool timer_before(const struct mb_op *a, const struct mb_op *b)
{
	return a->off < b->off || (a->off == b->off && a->seq < b->seq);
}

/* The link that points at op: its parent's left or right, or the root. */
static struct mb_op **link_to(struct mb_loop *l, struct mb_op *op)
{
	if (!op->parent)
		return &l->timer_min;
	return op->parent->left == op ? &op->parent->left : &op->parent->right;
}

/* Swaps child c with its parent p in the tree. */
static void heap_swap(struct mb_loop *l, struct mb_op *p, struct mb_op *c)
{
	struct mb_op *pl = p->left, *pr = p->right, *pp = p->parent;
	struct mb_op **to_p = link_to(l, p);

	p->left = c->left;
	p->right = c->right;
	p->parent = c;
	c->parent = pp;
	if (pl == c) {
		c->left = p;
		c->right = pr;
		if (pr)
			pr->parent = c;
	} else {
		c->right = p;
		c->left = pl;
		if (pl)
			pl->parent = c;
	}
	if (p->left)
		p->left->parent = p;
	if (p->right)
		p->right->parent = p;
	*to_p = c;
}

/* The link of slot n (1-based): where the n-th timer hangs. */
static struct mb_op **slot_link(struct mb_loop *l, unsigned n, struct mb_op **parent)
{
	struct mb_op **at = &l->timer_min;
	int bit = 31 - __builtin_clz(n);

	*parent = NULL;
	while (--bit >= 0) {
		*parent = *at;
		at = (n >> bit) & 1 ? &(*at)->right : &(*at)->left;
	}
	return at;
}

static void heap_up(struct mb_loop *l, struct mb_op *op)
{
	while (op->parent && timer_before(op, op->parent))
		heap_swap(l, op->parent, op);
}

static void heap_down(struct mb_loop *l, struct mb_op *op)
{
	for (;;) {
		struct mb_op *m = op;
		if (op->left && timer_before(op->left, m))
			m = op->left;
		if (op->right && timer_before(op->right, m))
			m = op->right;
		if (m == op)
			return;
		heap_swap(l, op, m);
	}
}

static void heap_insert(struct mb_loop *l, struct mb_op *op)
{
	struct mb_op *parent;
	struct mb_op **at = slot_link(l, ++l->ntimers, &parent);

	op->left = op->right = NULL;
	op->parent = parent;
	*at = op;
	heap_up(l, op);
}

/* Unlinks op: the last slot's timer takes its place and moves up or down. */
static void heap_remove(struct mb_loop *l, struct mb_op *op)
{
	struct mb_op *parent;
	struct mb_op **at = slot_link(l, l->ntimers--, &parent);
	struct mb_op *last = *at;

	*at = NULL;
	op->in_heap = false;
	if (last == op)
		return;
	last->left = op->left;
	last->right = op->right;
	last->parent = op->parent;
	*link_to(l, op) = last;
	if (last->left)
		last->left->parent = last;
	if (last->right)
		last->right->parent = last;
	heap_down(l, last);
	heap_up(l, last);
}

void mb_loop_timer(struct mb_loop *l, struct mb_op *op, uint64_t deadline_ns)
{
	op->type = MB_OP_TIMER;
	op->off = deadline_ns;
	op->seq = l->timer_seq++;
	op->in_heap = true;
	l->pending++;
	heap_insert(l, op);
}

bool mb_loop_timer_cancel(struct mb_loop *l, struct mb_op *op)
{
	if (op->type != MB_OP_TIMER || !op->in_heap)
		return false;
	heap_remove(l, op);
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
	if (rc == 0) {
		l->pending++;
		l->stats.submitted++;
	}
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
	while (l->timer_min && l->timer_min->off <= now) {
		struct mb_op *op = l->timer_min;
		heap_remove(l, op);
		mb_loop_complete(l, op, 0);
	}
}

/* Dispatches what is ready now; completions queued by the callbacks wait
 * for the next round so timers and I/O are not starved. */
static int dispatch(struct mb_loop *l)
{
	struct mb_op *op = l->ready_head;
	int n = 0;

	l->ready_head = l->ready_tail = NULL;
	l->nready = 0;
	while (op) {
		struct mb_op *next = op->next;
		l->pending--;
		op->cb(op, op->res);
		n++;
		op = next;
	}
	l->stats.dispatched += (unsigned)n;
	return n;
}

/* The clock is read only when a timer is pending: a round of pure I/O
 * costs no clock read. The backend is asked only when it holds something
 * (operations pending that are neither timers nor completed already) or
 * when the round may block: a round of due timers makes no system call. */
int mb_loop_run_once(struct mb_loop *l, uint64_t max_wait_ns)
{
	uint64_t timeout = max_wait_ns;

	if (!l->pending)
		return 0;
	l->stats.rounds++;
	if (!l->ready_head && l->timer_min) {
		uint64_t now = mb_now_ns();
		expire_timers(l, now);
		if (!l->ready_head && l->timer_min) {
			uint64_t until = l->timer_min->off - now;
			if (until < timeout)
				timeout = until;
		}
	}
	if (l->ready_head)
		timeout = 0;
	if (l->pending > l->ntimers + l->nready || timeout) {
		bool hook = timeout && l->before_wait;
		if (hook)
			l->before_wait(l->hook_arg);
		int rc = l->ops->wait(l, timeout);
		if (hook)
			l->after_wait(l->hook_arg);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
	if (l->timer_min)
		expire_timers(l, mb_now_ns());
	return dispatch(l);
}
