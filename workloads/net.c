/* net:DUR[/BYTES]: one request to the loopback delay service, answered
 * after DUR with a BYTES-byte body (default 0: a head-only answer, so the
 * step measures the round trip and the wait, not a transfer). Each lane
 * keeps one keep-alive connection, opened outside the measured period
 * (lane_setup: blocking connect, TCP_NODELAY) and closed by lane_teardown
 * with a zero linger, so thousands of connections per run leave no
 * TIME_WAIT behind. Blocking form: send the request, read until the whole
 * response (head, then Content-Length bytes) is in. Async form: the same
 * as a chain of mb_loop_send / mb_loop_recv completions. Every byte
 * received (head and body, as wrk counts) is added to w->bytes.
 *
 * Lane storage: lane->fd is the connection; lane->buf holds a struct
 * net_lane (the cached request text, the response parser's state and the
 * receive buffer). The file step uses lane->scratch, never lane->buf, so
 * one recipe may hold both. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base.h"
#include "step.h"

#define RX_CAP (16u * 1024u) /* head + body chunks; touched per lane */

struct net_lane {
	uint64_t delay_ns, bytes; /* the step the request text was built for */
	uint32_t reqlen, sent;
	uint32_t have;		  /* head bytes in rx, while reading the head */
	bool in_body;
	uint64_t body_left;
	char req[160];
	char rx[RX_CAP];
};

static int net_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	const char *slash = strchr(arg, '/');
	char dur[64];
	size_t dl = slash ? (size_t)(slash - arg) : strlen(arg);

	if (dl >= sizeof(dur) || (memcpy(dur, arg, dl), dur[dl] = 0,
				   mb_parse_duration(dur, &s->a, 1)) ||
	    s->a > MB_HTTP_MAX_DELAY_US * MB_NS_PER_US) {
		snprintf(err, errlen, "net:%s: expected a duration up to 60s with a unit (0us, "
			 "500us, 1ms), optionally /BYTES for the response body (net:1ms/4KiB)",
			 arg);
		return -EINVAL;
	}
	s->b = 0;
	if (slash && (mb_parse_size(slash + 1, &s->b) || s->b > MB_HTTP_MAX_BYTES)) {
		snprintf(err, errlen, "net:%s: '%s' is not a response size up to 1GiB (0, 512B, "
			 "4KiB, 1MiB)", arg, slash + 1);
		return -EINVAL;
	}
	return 0;
}

static const char *net_unsupported(const struct mb_run *run, const struct mb_step *s)
{
	if (!run->have_server)
		return "no delay service: it was not started and --server was not given";
	return NULL;
}

/* Net steps of a run never share their connection count with the process
 * limit's default of 1024: thousands of lanes are normal in async modes. */
static int net_worker_setup(struct mb_worker *w, const struct mb_step *unused)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

static int net_lane_setup(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *unused)
{
	const struct mb_run *run = w->run;
	struct net_lane *nl;
	int one = 1, fd, rc;

	nl = malloc(sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->reqlen = 0;
	nl->delay_ns = nl->bytes = UINT64_MAX;
	lane->buf = (char *)nl;
	lane->buflen = sizeof(*nl);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		mb_worker_fail(w, rc, "net step: socket: %s", strerror(-rc));
		return rc;
	}
	lane->fd = fd;
	while (connect(fd, (const struct sockaddr *)&run->server, sizeof(run->server)))
		if (errno != EINTR) {
			rc = -errno;
			mb_worker_fail(w, rc, "net step: connect to the delay service: %s",
				       strerror(-rc));
			return rc;
		}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (w->loop && (rc = mb_loop_add_fd(w->loop, fd))) {
		mb_worker_fail(w, rc, "net step: registering the socket: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static void net_lane_teardown(struct mb_worker *w, struct mb_lane *lane)
{
	if (lane->fd >= 0) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		if (w->loop)
			mb_loop_del_fd(w->loop, lane->fd);
		setsockopt(lane->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(lane->fd);
		lane->fd = -1;
	}
	free(lane->buf);
	lane->buf = NULL;
	lane->buflen = 0;
}

/* Builds the request text once per distinct step on this lane. */
static int prepare(struct net_lane *nl, const struct mb_step *s)
{
	if (nl->delay_ns != s->a || nl->bytes != s->b) {
		nl->reqlen = mb_http_format_request(nl->req, sizeof(nl->req),
						    (s->a + MB_NS_PER_US - 1) / MB_NS_PER_US, s->b);
		if (!nl->reqlen)
			return -EOVERFLOW;
		nl->delay_ns = s->a;
		nl->bytes = s->b;
	}
	nl->sent = 0;
	nl->have = 0;
	nl->in_body = false;
	return 0;
}

/* Takes n more received bytes. Returns 1 when the response is complete,
 * 0 when more are expected, -EPROTO when it is not the answer asked for. */
static int consume(struct net_lane *nl, size_t n)
{
	int status, hl;
	uint64_t cl;

	if (nl->in_body) {
		if (n > nl->body_left)
			return -EPROTO;
		nl->body_left -= n;
		return nl->body_left == 0;
	}
	nl->have += (uint32_t)n;
	hl = mb_http_parse_response(nl->rx, nl->have, &status, &cl);
	if (hl == 0)
		return nl->have < RX_CAP ? 0 : -EPROTO;
	if (hl < 0 || status != 200 || cl == UINT64_MAX || cl != nl->bytes ||
	    nl->have - (uint32_t)hl > cl)
		return -EPROTO;
	nl->in_body = true;
	nl->body_left = cl - (nl->have - (uint32_t)hl);
	return nl->body_left == 0;
}

/* Where the next recv goes and how much it may take: the head
 * accumulates in rx; body bytes are read over rx and dropped, never past
 * the response's end. */
static size_t rx_room(const struct net_lane *nl, char **at)
{
	if (nl->in_body) {
		*at = (char *)nl->rx;
		return nl->body_left < RX_CAP ? (size_t)nl->body_left : RX_CAP;
	}
	*at = (char *)nl->rx + nl->have;
	return RX_CAP - nl->have;
}

static int net_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct net_lane *nl = (struct net_lane *)lane->buf;
	int rc = prepare(nl, s);
	if (rc)
		return rc;
	while (nl->sent < nl->reqlen) {
		ssize_t n = send(lane->fd, nl->req + nl->sent, nl->reqlen - nl->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		nl->sent += (uint32_t)n;
	}
	do {
		char *at;
		size_t room = rx_room(nl, &at);
		ssize_t n = recv(lane->fd, at, room, 0);
		if (n < 0) {
			if (errno == EINTR) {
				rc = 0;
				continue;
			}
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		w->bytes += (uint64_t)n;
		rc = consume(nl, (size_t)n);
	} while (rc == 0);
	return rc < 0 ? rc : 0;
}

static void net_received(struct mb_op *op, int res);

static void net_sent(struct mb_op *op, int res)
{
	struct mb_lane *lane = op->data;
	struct net_lane *nl = (struct net_lane *)lane->buf;
	struct mb_loop *loop = lane->w->loop;
	char *at;
	size_t room;
	int rc;

	if (res < 0) {
		lane->done(lane, res);
		return;
	}
	nl->sent += (uint32_t)res;
	if (nl->sent < nl->reqlen) {
		rc = mb_loop_send(loop, op, lane->fd, nl->req + nl->sent, nl->reqlen - nl->sent);
	} else {
		op->cb = net_received;
		room = rx_room(nl, &at);
		rc = mb_loop_recv(loop, op, lane->fd, at, room);
	}
	if (rc)
		lane->done(lane, rc);
}

static void net_received(struct mb_op *op, int res)
{
	struct mb_lane *lane = op->data;
	struct net_lane *nl = (struct net_lane *)lane->buf;
	char *at;
	size_t room;
	int rc;

	if (res <= 0) {
		lane->done(lane, res < 0 ? res : -ECONNRESET);
		return;
	}
	lane->w->bytes += (uint64_t)res;
	rc = consume(nl, (size_t)res);
	if (rc) {
		lane->done(lane, rc < 0 ? rc : 0);
		return;
	}
	room = rx_room(nl, &at);
	if ((rc = mb_loop_recv(lane->w->loop, op, lane->fd, at, room)))
		lane->done(lane, rc);
}

static int net_start_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct net_lane *nl = (struct net_lane *)lane->buf;
	int rc = prepare(nl, s);
	if (rc)
		return rc;
	lane->op.cb = net_sent;
	lane->op.data = lane;
	rc = mb_loop_send(w->loop, &lane->op, lane->fd, nl->req, nl->reqlen);
	return rc ? rc : MB_Q_QUEUED;
}

const struct mb_step_kind mb_step_net = {
	.name = "net",
	.syntax = "net:DUR[/BYTES]",
	.help = "a request to the loopback delay service, answered after DUR with BYTES (default 0)",
	.flags = MB_STEP_F_WAIT | MB_STEP_F_TIMED | MB_STEP_F_SERVER,
	.parse = net_parse,
	.unsupported = net_unsupported,
	.worker_setup = net_worker_setup,
	.lane_setup = net_lane_setup,
	.lane_teardown = net_lane_teardown,
	.run_blocking = net_run,
	.start_async = net_start_async,
};
