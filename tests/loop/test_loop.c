/* Tests of harness/loop/loop.h: one test per feature of the loop, each run
 * once per backend of the registry (the table is built by looping over
 * MB_BACKEND_COUNT, so a new backend is tested by construction); a backend
 * this kernel refuses is skipped with the reason mb_backend_unsupported
 * gives. Only exact outcomes are asserted: orders, counts, results and
 * bytes. The waits given to mb_loop_run_once bound a hang, never a speed;
 * timer deadlines are either long past (a few ns after boot) or only
 * checked as lower bounds (a timer cannot fire early). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "mb.h"
#include "testutil.h"

/* A round's wait: long enough that only a hang can exhaust it. */
#define HANG_NS (10 * MB_NS_PER_S)
#define MAX_LOG 4096

/* ---- the fixture: one loop of the test's backend, and what to close */

struct fx {
	enum mb_backend be;
	struct mb_loop *loop; /* NULL when the backend is unsupported here */
	const char *why;
	int fds[16];
	unsigned nfds;
	char dir[64]; /* a temporary directory, when a test made one */
};

static const enum mb_backend backend_ids[MB_BACKEND_COUNT] = {
	MB_BACKEND_EPOLL,
	MB_BACKEND_IO_URING,
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->be = *(const enum mb_backend *)*state;
	f->why = mb_backend_unsupported(f->be);
	/* A small max_ops: the tests check that timers are not bounded by it. */
	if (!f->why && mb_loop_create(&f->loop, f->be, 16)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	/* The loop first: io_uring ends what is still in flight on the fds. */
	mb_loop_destroy(f->loop);
	for (unsigned i = 0; i < f->nfds; i++)
		if (f->fds[i] >= 0)
			close(f->fds[i]);
	if (f->dir[0])
		mb_test_rm_rf(f->dir);
	free(f);
	return 0;
}

/* The fixture's loop, or a skip with the reason. */
static struct mb_loop *loop_of(void **state)
{
	struct fx *f = *state;
	if (!f->loop) {
		print_message("%s unsupported here: %s\n", mb_backend_name(f->be), f->why);
		skip();
	}
	return f->loop;
}

static int keep_fd(void **state, int fd)
{
	struct fx *f = *state;
	assert_true(fd >= 0);
	assert_true(f->nfds < sizeof(f->fds) / sizeof(f->fds[0]));
	f->fds[f->nfds++] = fd;
	return fd;
}

/* A connected pair of stream sockets, both kept for teardown; sv[0] is
 * registered with the loop. */
static void socket_pair(void **state, struct mb_loop *l, int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	keep_fd(state, sv[0]);
	keep_fd(state, sv[1]);
	assert_int_equal(mb_loop_add_fd(l, sv[0]), 0);
}

/* ---- a log of completions, in dispatch order */

struct log {
	unsigned n;
	struct mb_op *op[MAX_LOG];
	int res[MAX_LOG];
};

static void log_cb(struct mb_op *op, int res)
{
	struct log *g = op->data;
	assert_true(g->n < MAX_LOG);
	g->op[g->n] = op;
	g->res[g->n] = res;
	g->n++;
}

static void op_init(struct mb_op *op, struct log *g)
{
	memset(op, 0, sizeof(*op));
	op->cb = log_cb;
	op->data = g;
}

/* Runs rounds until the log holds n completions. A round may end with
 * nothing to dispatch: a wait cut short by a signal, or by the kernel's
 * notice to run task work, which a thread can get after it closed an
 * io_uring ring (its next epoll_pwait2 says EINTR; seen with every ring
 * set-up, the plain one included). So a hang is time without a completion,
 * three waits' worth, not a count of empty rounds. */
static void run_until(struct mb_loop *l, struct log *g, unsigned n)
{
	uint64_t last = mb_now_ns();
	while (g->n < n) {
		int rc = mb_loop_run_once(l, HANG_NS);
		assert_true(rc >= 0);
		uint64_t now = mb_now_ns();
		if (rc > 0)
			last = now;
		else if (now - last > 3 * HANG_NS)
			fail_msg("no completion in %llu s: %u of %u dispatched, %u pending",
				 (unsigned long long)(3 * HANG_NS / MB_NS_PER_S), g->n, n,
				 mb_loop_pending(l));
	}
	assert_int_equal(g->n, n);
}

/* xorshift64: reproducible deadlines and orders. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- timers */

/* Deadlines submitted out of order fire in deadline order, equal ones in
 * submission order; a past deadline fires in the next round; a future one
 * never before its deadline. More timers than max_ops are fine. */
static void test_timer_order(void **state)
{
	struct mb_loop *l = loop_of(state);
	static const uint64_t dl[] = { 5, 1, 4, 2, 3, 2, 5, 1 };
	static const unsigned want[] = { 1, 7, 3, 5, 4, 2, 0, 6 }; /* indexes into dl */
	enum { N = sizeof(dl) / sizeof(dl[0]) };
	static struct log g;
	static struct mb_op ops[N];

	g.n = 0;
	for (unsigned i = 0; i < N; i++) {
		op_init(&ops[i], &g);
		mb_loop_timer(l, &ops[i], dl[i]); /* ns after boot: long past */
	}
	assert_int_equal(mb_loop_pending(l), N);
	assert_int_equal(mb_loop_run_once(l, 0), N);
	for (unsigned i = 0; i < N; i++) {
		assert_ptr_equal(g.op[i], &ops[want[i]]);
		assert_int_equal(g.res[i], 0);
	}

	/* Future deadlines: the loop waits for them, in order. */
	uint64_t now = mb_now_ns();
	static const unsigned ms[] = { 3, 1, 2 };
	g.n = 0;
	for (unsigned i = 0; i < 3; i++) {
		op_init(&ops[i], &g);
		mb_loop_timer(l, &ops[i], now + ms[i] * MB_NS_PER_MS);
	}
	run_until(l, &g, 3);
	assert_ptr_equal(g.op[0], &ops[1]);
	assert_ptr_equal(g.op[1], &ops[2]);
	assert_ptr_equal(g.op[2], &ops[0]);
	assert_true(mb_now_ns() >= now + 3 * MB_NS_PER_MS);

	/* Many timers (far beyond max_ops = 16), random deadlines with many
	 * ties: dispatch is sorted by (deadline, submission). */
	enum { M = 3000 };
	static struct mb_op many[M];
	static struct log big;
	uint64_t rng = 12345;
	big.n = 0;
	for (unsigned i = 0; i < M; i++) {
		op_init(&many[i], &big);
		mb_loop_timer(l, &many[i], 1 + rnd(&rng) % 50);
	}
	assert_int_equal(mb_loop_pending(l), M);
	assert_true(M <= MAX_LOG);
	assert_int_equal(mb_loop_run_once(l, 0), M);
	for (unsigned i = 1; i < M; i++) {
		const struct mb_op *a = big.op[i - 1], *b = big.op[i];
		assert_true(a->off < b->off || (a->off == b->off && a < b));
	}
	assert_int_equal(mb_loop_pending(l), 0);
}

/* Cancelling removes a pending timer (it never fires, it no longer counts)
 * and is refused, changing nothing, for a timer that fired, one already
 * cancelled, one never submitted, and an I/O operation. */
static void test_timer_cancel(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op a, b, c, never, rx;
	int sv[2];
	char buf[8];

	g.n = 0;
	op_init(&never, &g);
	assert_false(mb_loop_timer_cancel(l, &never));
	op_init(&a, &g);
	op_init(&b, &g);
	op_init(&c, &g);
	mb_loop_timer(l, &a, 1);
	mb_loop_timer(l, &b, 2);
	mb_loop_timer(l, &c, 3);
	assert_true(mb_loop_timer_cancel(l, &b));
	assert_false(mb_loop_timer_cancel(l, &b));
	assert_int_equal(mb_loop_pending(l), 2);
	assert_int_equal(mb_loop_run_once(l, 0), 2);
	assert_ptr_equal(g.op[0], &a);
	assert_ptr_equal(g.op[1], &c);
	assert_false(mb_loop_timer_cancel(l, &a));
	assert_int_equal(mb_loop_pending(l), 0);

	/* Not a timer: a parked receive is left alone. */
	socket_pair(state, l, sv);
	op_init(&rx, &g);
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	assert_false(mb_loop_timer_cancel(l, &rx));
	assert_int_equal(mb_loop_pending(l), 1);
	assert_int_equal(write(sv[1], "x", 1), 1);
	run_until(l, &g, 3);
	assert_ptr_equal(g.op[2], &rx);
	assert_int_equal(g.res[2], 1);

	/* Cancelling any node of a large heap, in random order, keeps the
	 * rest in (deadline, submission) order. */
	enum { M = 2000 };
	static struct mb_op many[M];
	static bool gone[M];
	uint64_t rng = 777;
	unsigned left = M;
	g.n = 0;
	for (unsigned i = 0; i < M; i++) {
		op_init(&many[i], &g);
		gone[i] = false;
		mb_loop_timer(l, &many[i], 1 + rnd(&rng) % 40);
	}
	for (unsigned k = 0; k < M; k++) {
		unsigned i = (unsigned)(rnd(&rng) % M);
		assert_int_equal(mb_loop_timer_cancel(l, &many[i]), !gone[i]);
		if (!gone[i]) {
			gone[i] = true;
			left--;
		}
	}
	assert_int_equal(mb_loop_pending(l), left);
	assert_int_equal(mb_loop_run_once(l, 0), left);
	for (unsigned i = 0; i < left; i++) {
		assert_false(gone[g.op[i] - many]);
		if (i)
			assert_true(g.op[i - 1]->off < g.op[i]->off ||
				    (g.op[i - 1]->off == g.op[i]->off && g.op[i - 1] < g.op[i]));
	}
}

/* ---- descriptors */

/* A receive on a socket with no data parks (on epoll the non-blocking
 * call said EAGAIN, and the fd's reader slot is taken); a round then
 * dispatches nothing; when data arrives it completes with the bytes. */
static void test_recv_parks_until_data(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op rx, second;
	int sv[2];
	char buf[16] = { 0 }, other[4];

	g.n = 0;
	socket_pair(state, l, sv);
	op_init(&rx, &g);
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	assert_int_equal(mb_loop_run_once(l, 0), 0);
	assert_int_equal(mb_loop_run_once(l, MB_NS_PER_MS), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(mb_loop_pending(l), 1);
	if (mb_loop_backend(l) == MB_BACKEND_EPOLL) {
		/* One reader per fd at a time: the parked receive holds it. */
		op_init(&second, &g);
		assert_int_equal(mb_loop_recv(l, &second, sv[0], other, sizeof(other)), -EBUSY);
		assert_int_equal(mb_loop_pending(l), 1);
	}
	assert_int_equal(write(sv[1], "hello", 5), 5);
	run_until(l, &g, 1);
	assert_ptr_equal(g.op[0], &rx);
	assert_int_equal(g.res[0], 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(mb_loop_pending(l), 0);

	/* Data already there: the receive completes in the next round. */
	assert_int_equal(write(sv[1], "ab", 2), 2);
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	run_until(l, &g, 2);
	assert_int_equal(g.res[1], 2);
	assert_memory_equal(buf, "ab", 2);

	/* The peer's close: end of file, res 0. */
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	struct fx *f = *state;
	close(sv[1]);
	f->fds[f->nfds - 1] = -1;
	run_until(l, &g, 3);
	assert_int_equal(g.res[2], 0);
}

/* Fills sv[0]'s send buffer, so that the next send must wait. */
static void fill_socket(int fd)
{
	static char junk[65536];
	int small = 4096;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	while (send(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

/* mb_loop_del_fd. epoll: the ops parked on the fd (a receive and a send)
 * are queued with -ECANCELED, dispatched by the next round, not from
 * inside the call. io_uring: nothing happens; the receive stays in flight,
 * even across close(), and completes with the bytes when they come. */
static void test_del_fd(void **state)
{
	struct mb_loop *l = loop_of(state);
	struct fx *f = *state;
	static struct log g;
	static char out[4096];
	struct mb_op rx, tx;
	int sv[2];
	char buf[16] = { 0 };

	g.n = 0;
	socket_pair(state, l, sv);
	op_init(&rx, &g);
	op_init(&tx, &g);
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	switch (mb_loop_backend(l)) {
	case MB_BACKEND_EPOLL:
		fill_socket(sv[0]);
		assert_int_equal(mb_loop_send(l, &tx, sv[0], out, sizeof(out)), 0);
		assert_int_equal(mb_loop_run_once(l, 0), 0); /* both parked */
		mb_loop_del_fd(l, sv[0]);
		assert_int_equal(g.n, 0);
		assert_int_equal(mb_loop_pending(l), 2);
		assert_int_equal(mb_loop_run_once(l, 0), 2);
		assert_ptr_equal(g.op[0], &rx);
		assert_int_equal(g.res[0], -ECANCELED);
		assert_ptr_equal(g.op[1], &tx);
		assert_int_equal(g.res[1], -ECANCELED);
		assert_int_equal(mb_loop_pending(l), 0);
		/* Forgotten entirely: the fd can be registered and used anew. */
		assert_int_equal(mb_loop_add_fd(l, sv[0]), 0);
		assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
		assert_int_equal(write(sv[1], "x", 1), 1);
		run_until(l, &g, 3);
		assert_int_equal(g.res[2], 1);
		assert_int_equal(buf[0], 'x');
		break;
	case MB_BACKEND_IO_URING:
		assert_int_equal(mb_loop_run_once(l, 0), 0); /* submitted, waiting */
		mb_loop_del_fd(l, sv[0]);
		assert_int_equal(mb_loop_run_once(l, MB_NS_PER_MS), 0);
		assert_int_equal(mb_loop_pending(l), 1);
		close(sv[0]);
		f->fds[f->nfds - 2] = -1;
		assert_int_equal(mb_loop_run_once(l, MB_NS_PER_MS), 0);
		assert_int_equal(mb_loop_pending(l), 1);
		assert_int_equal(write(sv[1], "late", 4), 4);
		run_until(l, &g, 1);
		assert_ptr_equal(g.op[0], &rx);
		assert_int_equal(g.res[0], 4);
		assert_memory_equal(buf, "late", 4);
		break;
	default:
		fail_msg("no expectation for backend %s: add one", mb_backend_name(mb_loop_backend(l)));
	}
}

/* A descriptor registered with the loop (a fixed file on io_uring), then
 * forgotten and closed, is closed: its peer reads end of file, so the
 * loop keeps no reference of its own after mb_loop_del_fd. */
static void test_del_fd_releases(void **state)
{
	struct mb_loop *l = loop_of(state);
	struct fx *f = *state;
	struct pollfd p;
	int sv[2];
	char c;

	socket_pair(state, l, sv);
	mb_loop_del_fd(l, sv[0]);
	close(sv[0]);
	f->fds[f->nfds - 2] = -1;
	p = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	assert_int_equal(poll(&p, 1, (int)(HANG_NS / MB_NS_PER_MS)), 1);
	assert_int_equal(recv(sv[1], &c, 1, MSG_DONTWAIT), 0);
}

/* A listening socket: accept parks until a client connects, then
 * completes with the new connection's fd. */
static void test_accept(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in peer, mine;
	socklen_t al = sizeof(a);
	struct mb_op acc;

	g.n = 0;
	int lfd = keep_fd(state, socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
	assert_int_equal(mb_loop_add_fd(l, lfd), 0);
	op_init(&acc, &g);
	assert_int_equal(mb_loop_accept(l, &acc, lfd), 0);
	assert_int_equal(mb_loop_run_once(l, 0), 0);

	int cfd = keep_fd(state, socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	assert_int_equal(connect(cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	run_until(l, &g, 1);
	assert_true(g.res[0] >= 0);
	int sfd = keep_fd(state, g.res[0]);
	al = sizeof(peer);
	assert_int_equal(getpeername(sfd, (struct sockaddr *)&peer, &al), 0);
	al = sizeof(mine);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&mine, &al), 0);
	assert_int_equal(peer.sin_port, mine.sin_port);
}

/* ---- dispatch */

static struct mb_loop *chain_loop;
static struct log chain_log;
static int chain_fd;
static unsigned chain_rearms;

/* A timer's callback that submits from inside the callback: it re-arms
 * itself (deadline long past) while rearms last, and the first time also
 * starts a send. */
static void chain_cb(struct mb_op *op, int res)
{
	static struct mb_op tx;
	log_cb(op, res);
	if (chain_rearms == 3) {
		op_init(&tx, &chain_log);
		assert_int_equal(mb_loop_send(chain_loop, &tx, chain_fd, "ping", 4), 0);
	}
	if (chain_rearms) {
		chain_rearms--;
		mb_loop_timer(chain_loop, op, 1);
	}
}

/* Completions are dispatched in the order they completed, never from
 * inside a submission; what a callback submits completes in a later
 * round, not the one running. */
static void test_dispatch_order(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op tx[4], t;
	int sv[4][2];
	static const char *const msg[4] = { "a", "bb", "ccc", "dddd" };

	/* Sends that need no wait, on four sockets: completed in submission
	 * order, dispatched in that order by one round. */
	g.n = 0;
	for (unsigned i = 0; i < 4; i++) {
		socket_pair(state, l, sv[i]);
		op_init(&tx[i], &g);
		assert_int_equal(mb_loop_send(l, &tx[i], sv[i][0], msg[i], strlen(msg[i])), 0);
	}
	assert_int_equal(g.n, 0); /* none from inside the submission */
	assert_int_equal(mb_loop_pending(l), 4);
	run_until(l, &g, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_ptr_equal(g.op[i], &tx[i]);
		assert_int_equal(g.res[i], (int)strlen(msg[i]));
	}

	/* Submitting from a callback: the timer re-arms itself three times
	 * and starts a send once; each round runs only what was ready when it
	 * began. */
	chain_loop = l;
	chain_fd = sv[0][0];
	chain_rearms = 3;
	chain_log.n = 0;
	op_init(&t, &chain_log);
	t.cb = chain_cb;
	mb_loop_timer(l, &t, 1);
	assert_int_equal(mb_loop_run_once(l, HANG_NS), 1); /* the timer */
	assert_int_equal(mb_loop_pending(l), 2);	  /* its re-arm and the send */
	int n = mb_loop_run_once(l, HANG_NS);
	assert_true(n >= 1 && n <= 2); /* the send may come in this round or the next */
	while (chain_log.n < 5)
		assert_true(mb_loop_run_once(l, HANG_NS) >= 1);
	assert_int_equal(chain_log.n, 5);
	assert_int_equal(mb_loop_pending(l), 0);
	unsigned timers = 0, sends = 0;
	for (unsigned i = 0; i < chain_log.n; i++) {
		if (chain_log.op[i] == &t) {
			timers++;
		} else {
			sends++;
			assert_int_equal(chain_log.res[i], 4);
		}
	}
	assert_int_equal(timers, 4);
	assert_int_equal(sends, 1);
	char in[8];
	assert_int_equal(read(sv[0][1], in, sizeof(in)), 1 + 4); /* "a" and "ping" */
	assert_memory_equal(in, "aping", 5);
}

/* mb_loop_pending counts what was submitted and not yet dispatched:
 * pending timers, parked and completed-but-undispatched I/O; not a
 * cancelled timer nor a refused submission. With nothing pending a round
 * returns 0 at once. */
static void test_pending(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op t, rx, tx;
	int sv[2];
	char buf[4];

	g.n = 0;
	assert_int_equal(mb_loop_pending(l), 0);
	assert_int_equal(mb_loop_run_once(l, HANG_NS), 0);
	socket_pair(state, l, sv);
	op_init(&t, &g);
	op_init(&rx, &g);
	op_init(&tx, &g);
	mb_loop_timer(l, &t, mb_now_ns() + HANG_NS);
	assert_int_equal(mb_loop_pending(l), 1);
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	assert_int_equal(mb_loop_pending(l), 2);
	assert_int_equal(mb_loop_send(l, &tx, sv[1], "xy", 2), 0);
	assert_int_equal(mb_loop_pending(l), 3);
	assert_true(mb_loop_timer_cancel(l, &t));
	assert_int_equal(mb_loop_pending(l), 2);
	run_until(l, &g, 2); /* the send, then the receive it fed */
	assert_int_equal(mb_loop_pending(l), 0);
	assert_int_equal(mb_loop_run_once(l, HANG_NS), 0);
	assert_int_equal(g.n, 2);
}

/* The wait hooks run around a wait that blocks, not around a round that
 * only polls (something was ready or due already). */
static unsigned hooks_before, hooks_after;
static void hook_before(void *arg)
{
	hooks_before++;
}
static void hook_after(void *arg)
{
	hooks_after++;
}

static void test_wait_hooks(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op t;

	g.n = 0;
	hooks_before = hooks_after = 0;
	mb_loop_set_wait_hooks(l, hook_before, hook_after, NULL);
	op_init(&t, &g);
	mb_loop_timer(l, &t, 1); /* due already: no blocking wait */
	assert_int_equal(mb_loop_run_once(l, HANG_NS), 1);
	assert_int_equal(hooks_before, 0);
	assert_int_equal(hooks_after, 0);
	mb_loop_timer(l, &t, mb_now_ns() + MB_NS_PER_MS);
	run_until(l, &g, 2);
	assert_true(hooks_before >= 1);
	assert_int_equal(hooks_after, hooks_before);
	mb_loop_set_wait_hooks(l, NULL, NULL, NULL);
}

/* Reads of a regular file: where the backend has MB_LOOP_CAP_FILE_READ
 * the read completes with the file's bytes (0 at the end of the file);
 * elsewhere it is refused with -EOPNOTSUPP and nothing is pending. */
static void test_file_read(void **state)
{
	struct mb_loop *l = loop_of(state);
	struct fx *f = *state;
	static struct log g;
	static unsigned char data[65536], buf[8192];
	struct mb_op rd;
	char path[128];

	g.n = 0;
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/mb-loop-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/data", f->dir);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + i / 256);
	int wfd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(wfd >= 0);
	assert_int_equal(write(wfd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(wfd);
	int fd = keep_fd(state, open(path, O_RDONLY | O_CLOEXEC));

	unsigned caps = mb_backend_caps(mb_loop_backend(l));
	assert_int_equal(caps, mb_backend_caps(f->be));
	op_init(&rd, &g);
	int rc = mb_loop_read(l, &rd, fd, buf, sizeof(buf), 4096);
	if (!(caps & MB_LOOP_CAP_FILE_READ)) {
		assert_int_equal(rc, -EOPNOTSUPP);
		assert_int_equal(mb_loop_pending(l), 0);
		assert_int_equal(mb_loop_run_once(l, HANG_NS), 0);
		return;
	}
	assert_int_equal(rc, 0);
	run_until(l, &g, 1);
	assert_int_equal(g.res[0], (int)sizeof(buf));
	assert_memory_equal(buf, data + 4096, sizeof(buf));
	assert_int_equal(mb_loop_read(l, &rd, fd, buf, sizeof(buf), sizeof(data)), 0);
	run_until(l, &g, 2);
	assert_int_equal(g.res[1], 0);
}

/* ---- batching and the loop's counters */

/* A temporary file of `size` bytes of a known pattern, opened for reading
 * and kept for teardown; its bytes in data. */
static int pattern_file(void **state, unsigned char *data, size_t size)
{
	struct fx *f = *state;
	char path[128];
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/mb-loop-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/data", f->dir);
	for (size_t i = 0; i < size; i++)
		data[i] = (unsigned char)(i * 7 + i / 256);
	int wfd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(wfd >= 0);
	assert_int_equal(write(wfd, data, size), (ssize_t)size);
	close(wfd);
	return keep_fd(state, open(path, O_RDONLY | O_CLOEXEC));
}

/* The counters' change from a to b, field by field. */
#define DELTA(a, b, field) ((b).field - (a).field)

/* N reads queued before a round are handed to the kernel by that round in
 * one call (io_uring: one io_uring_enter carrying N SQEs), and complete
 * exactly N times with the right bytes, each read its own range. A
 * registered file (mb_loop_add_fd) reads the same. */
static void test_batch_reads(void **state)
{
	struct mb_loop *l = loop_of(state);
	enum { N = 12, BS = 4096 };
	static unsigned char data[N * BS * 2], buf[N][BS];
	static struct log g;
	static struct mb_op rd[N];
	struct mb_loop_stats a, b;

	int fd = pattern_file(state, data, sizeof(data));
	if (!(mb_backend_caps(mb_loop_backend(l)) & MB_LOOP_CAP_FILE_READ)) {
		op_init(&rd[0], &g);
		assert_int_equal(mb_loop_read(l, &rd[0], fd, buf[0], BS, 0), -EOPNOTSUPP);
		return;
	}
	for (unsigned pass = 0; pass < 2; pass++) {
		if (pass == 1)
			assert_int_equal(mb_loop_add_fd(l, fd), 0);
		g.n = 0;
		memset(buf, 0, sizeof(buf));
		mb_loop_stats(l, &a);
		for (unsigned i = 0; i < N; i++) {
			op_init(&rd[i], &g);
			/* Every other block, backwards: no two reads alike. */
			uint64_t off = (uint64_t)(2 * (N - 1 - i) + pass) * BS;
			assert_int_equal(mb_loop_read(l, &rd[i], fd, buf[i], BS, off), 0);
		}
		assert_int_equal(mb_loop_pending(l), N);
		run_until(l, &g, N);
		mb_loop_stats(l, &b);
		for (unsigned i = 0; i < N; i++) {
			struct mb_op *op = g.op[i];
			unsigned k = (unsigned)(op - rd);
			assert_int_equal(g.res[i], BS);
			assert_memory_equal(buf[k], data + (2 * (N - 1 - k) + pass) * BS, BS);
		}
		assert_int_equal(DELTA(a, b, submitted), N);
		assert_int_equal(DELTA(a, b, enters_submit), 1);
		assert_int_equal(DELTA(a, b, enter_sqes), N);
		assert_int_equal(DELTA(a, b, reaped), N);
		assert_int_equal(DELTA(a, b, dispatched), N);
		assert_int_equal(mb_loop_pending(l), 0);
	}
	mb_loop_del_fd(l, fd);
}

/* Completions that are all there when a round waits are collected by that
 * one wake-up and dispatched by that one round: N receives parked on N
 * sockets, a byte written to each peer, then one round runs all N. */
static void test_reap_all(void **state)
{
	struct mb_loop *l = loop_of(state);
	enum { N = 7 };
	static struct log g;
	struct mb_op rx[N];
	int sv[N][2];
	char buf[N][4];
	struct mb_loop_stats a, b;

	g.n = 0;
	for (unsigned i = 0; i < N; i++) {
		socket_pair(state, l, sv[i]);
		op_init(&rx[i], &g);
		assert_int_equal(mb_loop_recv(l, &rx[i], sv[i][0], buf[i], sizeof(buf[i])), 0);
	}
	assert_int_equal(mb_loop_run_once(l, 0), 0); /* handed over; nothing yet */
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(write(sv[i][1], &"abcdefg"[i], 1), 1);
	mb_loop_stats(l, &a);
	assert_int_equal(mb_loop_run_once(l, HANG_NS), N);
	mb_loop_stats(l, &b);
	assert_int_equal(DELTA(a, b, rounds), 1);
	assert_int_equal(DELTA(a, b, reaps), 1);
	assert_int_equal(DELTA(a, b, reaped), N);
	assert_true(b.reaped_max >= N);
	assert_true(DELTA(a, b, enters) <= 1);
	for (unsigned i = 0; i < N; i++) {
		unsigned k = (unsigned)(g.op[i] - rx);
		assert_int_equal(g.res[i], 1);
		assert_int_equal(buf[k][0], "abcdefg"[k]);
	}
}

/* A round that only polls (max_wait 0) collects a completion that is
 * waiting in the kernel, also when the kernel defers the work of
 * finishing it to the loop's thread (io_uring's deferred task work). */
static void test_poll_collects(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op rx;
	int sv[2];
	char buf[8];

	g.n = 0;
	socket_pair(state, l, sv);
	op_init(&rx, &g);
	assert_int_equal(mb_loop_recv(l, &rx, sv[0], buf, sizeof(buf)), 0);
	assert_int_equal(mb_loop_run_once(l, 0), 0);
	assert_int_equal(write(sv[1], "poll", 4), 4);
	assert_int_equal(mb_loop_run_once(l, 0), 1);
	assert_int_equal(g.res[0], 4);
	assert_memory_equal(buf, "poll", 4);
}

/* A round of timers already due makes no kernel call; waiting for a
 * future one is a kernel call that can block and hands nothing over. */
static void test_stats_timers(void **state)
{
	struct mb_loop *l = loop_of(state);
	static struct log g;
	struct mb_op t[3];
	struct mb_loop_stats a, b, c;

	g.n = 0;
	mb_loop_stats(l, &a);
	for (unsigned i = 0; i < 3; i++) {
		op_init(&t[i], &g);
		mb_loop_timer(l, &t[i], 1 + i);
	}
	assert_int_equal(mb_loop_run_once(l, HANG_NS), 3);
	mb_loop_stats(l, &b);
	assert_int_equal(DELTA(a, b, rounds), 1);
	assert_int_equal(DELTA(a, b, enters), 0);
	assert_int_equal(DELTA(a, b, dispatched), 3);
	mb_loop_timer(l, &t[0], mb_now_ns() + MB_NS_PER_MS);
	run_until(l, &g, 4);
	assert_int_equal(mb_loop_run_once(l, HANG_NS), 0); /* nothing pending: not a round */
	mb_loop_stats(l, &c);
	assert_true(DELTA(b, c, enters_wait) >= 1);
	assert_int_equal(DELTA(b, c, enters_wait), DELTA(b, c, enters));
	assert_int_equal(DELTA(b, c, enters_submit), 0);
	assert_int_equal(DELTA(a, c, submitted), 0);
	assert_int_equal(DELTA(a, c, dispatched), 4);
	assert_int_equal(DELTA(b, c, rounds), DELTA(b, c, enters));
}

/* ---- the backend table (not per backend) */

static void test_backend_registry(void **state)
{
	for (unsigned b = 0; b < MB_BACKEND_COUNT; b++) {
		enum mb_backend p;
		assert_int_equal(mb_backend_parse(mb_backend_name(b), &p), 0);
		assert_int_equal(p, b);
		assert_int_equal(backend_ids[b], b);
	}
	enum mb_backend p;
	assert_int_equal(mb_backend_parse("uring", &p), 0);
	assert_int_equal(p, MB_BACKEND_IO_URING);
	assert_int_equal(mb_backend_parse("kqueue", &p), -EINVAL);
	assert_string_equal(mb_backend_name(MB_BACKEND_NONE), "none");
	assert_int_equal(mb_backend_caps(MB_BACKEND_NONE), 0);
	assert_null(mb_backend_unsupported(MB_BACKEND_NONE));
	struct mb_loop *l = NULL;
	assert_int_equal(mb_loop_create(&l, MB_BACKEND_NONE, 16), -EINVAL);
	assert_null(l);
	/* The capabilities the engine relies on. */
	assert_true(mb_backend_caps(MB_BACKEND_IO_URING) & MB_LOOP_CAP_FILE_READ);
	assert_false(mb_backend_caps(MB_BACKEND_EPOLL) & MB_LOOP_CAP_FILE_READ);
	assert_true(mb_backend_caps(MB_BACKEND_EPOLL) & MB_LOOP_CAP_NEEDS_FD_REGISTRATION);
}

int main(void)
{
	static const struct {
		const char *name;
		CMUnitTestFunction fn;
	} features[] = {
#define F(f) { #f, f }
		F(test_timer_order),	      F(test_timer_cancel), F(test_recv_parks_until_data),
		F(test_del_fd),		      F(test_del_fd_releases), F(test_accept),
		F(test_dispatch_order),
		F(test_pending),	      F(test_wait_hooks),   F(test_file_read),
		F(test_batch_reads),	      F(test_reap_all),	    F(test_poll_collects),
		F(test_stats_timers),
#undef F
	};
	enum { NF = sizeof(features) / sizeof(features[0]) };
	static char names[NF * MB_BACKEND_COUNT][64];
	struct CMUnitTest tests[1 + NF * MB_BACKEND_COUNT];
	unsigned n = 0;

	memset(tests, 0, sizeof(tests));
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_backend_registry);
	for (unsigned i = 0; i < NF; i++)
		for (unsigned b = 0; b < MB_BACKEND_COUNT; b++) {
			snprintf(names[n - 1], sizeof(names[0]), "%s(%s)", features[i].name,
				 mb_backend_name(b));
			tests[n] = (struct CMUnitTest){ .name = names[n - 1],
							.test_func = features[i].fn,
							.setup_func = fx_setup,
							.teardown_func = fx_teardown,
							.initial_state = (void *)&backend_ids[b] };
			n++;
		}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
