/* The loopback delay service (see serve.h). One process, one mb_loop on
 * the epoll backend. Each connection is a small state machine with exactly
 * one operation in flight (recv, the delay timer, or a send), so a
 * connection's memory can be freed the moment that operation completes
 * with an error: nothing else refers to it. Cost per connection: one
 * allocation of about 8.3 KiB at accept (a 4 KiB request buffer and a
 * 4 KiB buffer for the response head and the start of the body); bodies
 * beyond that are sent straight from one static pattern buffer. */
#include "serve.h"

#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base.h"
#include "loop.h"

#define OUT_CAP 4096
#define CHUNK (256u * 1024u)
#define PERIOD 64u
#define DRAIN_MAX (1u << 20)
#define HOUSEKEEPING_NS (250 * MB_NS_PER_MS)
#define FD_RESERVE 64u /* descriptors kept free below the limit */

/* Body bytes: a 64-byte period, so body offset p starts at pattern[p % 64]. */
static char pattern[CHUNK + PERIOD];

enum conn_state { ST_RECV, ST_DELAY, ST_HEAD, ST_BODY, ST_DRAIN };

struct server;

struct conn {
	struct mb_op op;
	struct server *srv;
	struct conn *prev, *next;
	int fd;
	enum conn_state state;
	bool keep_alive, http10;
	bool killed;	   /* shut down by housekeeping; the parked op ends it */
	uint64_t since_ns; /* last progress: a byte in or out, a state change */
	uint64_t due_ns;   /* ST_DELAY: when the answer is due */
	uint32_t in_len, out_len, out_off;
	uint64_t body_left, body_pos, drained;
	char in[MB_HTTP_MAX_HEAD];
	char out[OUT_CAP];
};

struct server {
	struct mb_loop *loop;
	int lfd;
	struct mb_op acc;
	bool acc_backoff;
	struct conn *conns; /* most recently active first */
	struct conn *tail;
	unsigned nconns;
	struct mb_op hk; /* the housekeeping timer */
	uint64_t header_ns, idle_ns;
	unsigned max_conns;
	uint64_t timed_out, dropped, evicted, refused; /* counters */
	int error;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void conn_cb(struct mb_op *op, int res);

/* SIGTERM (and SIGINT when asked) end the loop; SIGPIPE is ignored (sends
 * use MSG_NOSIGNAL too). Idempotent; a stop already requested is kept. */
static void install_signals(bool stop_on_sigint)
{
	struct sigaction sa = { .sa_handler = on_stop_signal }; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if (stop_on_sigint)
		sigaction(SIGINT, &sa, NULL);
	else
		signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
}

static void list_unlink(struct server *s, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->tail = c->prev;
	c->prev = c->next = NULL;
}

static void list_push_front(struct server *s, struct conn *c)
{
	c->prev = NULL;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	else
		s->tail = c;
	s->conns = c;
}

/* Progress on c: it moves to the front, so the list's tail is the least
 * recently active connection (the first to evict). O(1). */
static void conn_touch(struct conn *c)
{
	struct server *s = c->srv;
	c->since_ns = mb_now_ns();
	if (s->conns != c) {
		list_unlink(s, c);
		list_push_front(s, c);
	}
}

static void conn_close(struct conn *c)
{
	struct server *s = c->srv;
	mb_loop_del_fd(s->loop, c->fd);
	close(c->fd);
	list_unlink(s, c);
	s->nconns--;
	free(c);
}

/* Ends a connection whose operation is parked on its socket: shutting the
 * socket down completes that operation (EOF or EPIPE), and its callback
 * closes the connection, so nothing is freed under the loop's feet. */
static void conn_kill(struct conn *c)
{
	if (c->killed)
		return;
	c->killed = true;
	shutdown(c->fd, SHUT_RDWR);
}

static void conn_read(struct conn *c, char *buf, size_t len)
{
	if (mb_loop_recv(c->srv->loop, &c->op, c->fd, buf, len))
		conn_close(c);
}

static void conn_send(struct conn *c, const void *buf, size_t len)
{
	if (mb_loop_send(c->srv->loop, &c->op, c->fd, buf, len))
		conn_close(c);
}

static void send_body(struct conn *c)
{
	uint64_t n = c->body_left < CHUNK ? c->body_left : CHUNK;
	c->state = ST_BODY;
	conn_send(c, pattern + c->body_pos % PERIOD, (size_t)n);
}

/* The response head plus as much body as fits in out[], in one send. */
static void respond(struct conn *c, int status, uint64_t bytes, bool head_only)
{
	c->out_len = mb_http_format_response(c->out, OUT_CAP, status, bytes, c->keep_alive,
					    c->http10);
	c->out_off = 0;
	c->body_pos = 0;
	c->body_left = head_only || status != 200 ? 0 : bytes;
	if (c->body_left) {
		uint64_t n = OUT_CAP - c->out_len;
		if (n > c->body_left)
			n = c->body_left;
		memcpy(c->out + c->out_len, pattern, (size_t)n);
		c->out_len += (uint32_t)n;
		c->body_left -= n;
		c->body_pos = n;
	}
	c->state = ST_HEAD;
	conn_send(c, c->out, c->out_len);
}

/* Answers the next buffered request, or reads more. */
static void conn_process(struct conn *c)
{
	struct mb_http_req req;
	const char *why = NULL;
	int rc = c->in_len ? mb_http_parse_request(c->in, c->in_len, &req, &why) : 0;

	if (rc == 0) {
		if (c->state != ST_RECV)
			conn_touch(c); /* idle (or a partial head) from now */
		c->state = ST_RECV;
		conn_read(c, c->in + c->in_len, MB_HTTP_MAX_HEAD - c->in_len);
		return;
	}
	if (rc < 0) {
		c->keep_alive = false;
		c->http10 = false;
		c->in_len = 0;
		respond(c, -rc, 0, true);
		return;
	}
	c->in_len -= (uint32_t)rc;
	memmove(c->in, c->in + rc, c->in_len);
	c->keep_alive = req.keep_alive;
	c->http10 = req.http10;
	/* Stash the request in the fields the response uses. */
	c->body_left = req.bytes;
	c->body_pos = req.head;
	if (req.delay_us) {
		c->state = ST_DELAY;
		c->due_ns = mb_now_ns() + req.delay_us * MB_NS_PER_US;
		mb_loop_timer(c->srv->loop, &c->op, c->due_ns);
		return;
	}
	respond(c, 200, req.bytes, req.head);
}

/* After the last response on a connection: half-close and read until the
 * client closes, so unread request bytes cannot turn our close into a
 * reset that destroys the response in flight. Bounded by DRAIN_MAX. */
static void conn_linger(struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	conn_touch(c);
	c->state = ST_DRAIN;
	c->drained = 0;
	conn_read(c, c->in, MB_HTTP_MAX_HEAD);
}

static void response_done(struct conn *c)
{
	if (c->keep_alive)
		conn_process(c);
	else
		conn_linger(c);
}

static void conn_cb(struct mb_op *op, int res)
{
	struct conn *c = op->data;

	switch (c->state) {
	case ST_RECV:
		if (res <= 0) {
			conn_close(c);
			return;
		}
		if (c->in_len == 0)
			conn_touch(c); /* a head starts: the header timeout runs */
		c->in_len += (uint32_t)res;
		conn_process(c);
		return;
	case ST_DELAY:
		respond(c, 200, c->body_left, c->body_pos != 0);
		return;
	case ST_HEAD:
		if (res < 0) {
			conn_close(c);
			return;
		}
		conn_touch(c);
		c->out_off += (uint32_t)res;
		if (c->out_off < c->out_len)
			conn_send(c, c->out + c->out_off, c->out_len - c->out_off);
		else if (c->body_left)
			send_body(c);
		else
			response_done(c);
		return;
	case ST_BODY:
		if (res < 0) {
			conn_close(c);
			return;
		}
		conn_touch(c);
		c->body_left -= (uint64_t)res;
		c->body_pos += (uint64_t)res;
		if (c->body_left)
			send_body(c);
		else
			response_done(c);
		return;
	case ST_DRAIN:
		if (res <= 0 || (c->drained += (uint64_t)res) > DRAIN_MAX) {
			conn_close(c);
			return;
		}
		conn_read(c, c->in, MB_HTTP_MAX_HEAD);
		return;
	}
}

/* The least recently active connection waiting for a request (idle, or
 * in the middle of a head), or NULL. Walks from the tail, so usually O(1). */
static struct conn *evictable(struct server *s)
{
	for (struct conn *c = s->tail; c; c = c->prev)
		if (c->state == ST_RECV && !c->killed)
			return c;
	return NULL;
}

/* At the cap: make room by closing the least recently active waiting
 * connection, or answer the newcomer 503 and close it. Returns whether the
 * newcomer may stay. A cap below the descriptor limit leaves descriptors
 * for the newcomers and for the connections still closing. */
static bool admit(struct server *s, int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
				   "Connection: close\r\n\r\n";
	struct conn *victim;
	if (s->nconns < s->max_conns)
		return true;
	if ((victim = evictable(s))) {
		s->evicted++;
		conn_kill(victim);
		return true;
	}
	s->refused++;
	(void)!send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	close(fd);
	return false;
}

static void new_conn(struct server *s, int fd)
{
	struct conn *c;
	int one = 1;
	if (!admit(s, fd))
		return;
	if (!(c = malloc(sizeof(*c)))) {
		close(fd);
		return;
	}
	c->srv = s;
	c->fd = fd;
	c->in_len = 0;
	c->keep_alive = true;
	c->http10 = false;
	c->killed = false;
	c->state = ST_RECV;
	c->since_ns = mb_now_ns();
	c->op.cb = conn_cb;
	c->op.data = c;
	list_push_front(s, c);
	s->nconns++;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (mb_loop_add_fd(s->loop, fd)) {
		conn_close(c);
		return;
	}
	conn_process(c);
}

static void arm_accept(struct server *s)
{
	int rc = mb_loop_accept(s->loop, &s->acc, s->lfd);
	if (rc)
		s->error = rc;
}

static void on_accept(struct mb_op *op, int res)
{
	struct server *s = op->data;
	if (s->acc_backoff) {
		s->acc_backoff = false;
	} else if (res >= 0) {
		new_conn(s, res);
	} else if (res == -EMFILE || res == -ENFILE || res == -ENOBUFS || res == -ENOMEM) {
		/* Out of descriptors or memory: retry in 10 ms rather than spin;
		 * the connections already open keep being served. */
		s->acc_backoff = true;
		mb_loop_timer(s->loop, &s->acc, mb_now_ns() + 10 * MB_NS_PER_MS);
		return;
	}
	arm_accept(s);
}

/* Whether the client of a delayed request has gone: EOF or an error on a
 * socket nobody reads (a pipelined request, or nothing yet, means it is
 * still there). One non-blocking peek. */
static bool client_gone(int fd)
{
	char b;
	ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Every HOUSEKEEPING_NS: ends connections past their deadline and drops
 * delayed answers nobody waits for. Cost: one pass over the connections,
 * plus a peek per delayed request due later than the next pass. */
static void housekeeping(struct mb_op *op, int res)
{
	struct server *s = op->data;
	uint64_t now = mb_now_ns();
	struct conn *c = s->conns, *next;
	for (; c; c = next) {
		next = c->next;
		if (c->state == ST_DELAY) {
			if (c->due_ns > now + HOUSEKEEPING_NS && client_gone(c->fd) &&
			    mb_loop_timer_cancel(s->loop, &c->op)) {
				s->dropped++;
				conn_close(c);
			}
			continue;
		}
		uint64_t limit = c->state == ST_RECV && c->in_len ? s->header_ns : s->idle_ns;
		if (!c->killed && now - c->since_ns > limit) {
			s->timed_out++;
			conn_kill(c);
		}
	}
	mb_loop_timer(s->loop, &s->hk, now + HOUSEKEEPING_NS);
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static unsigned nofile_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 30)
		return 1u << 20;
	return (unsigned)rl.rlim_cur;
}

int mb_server_run(int listen_fd, bool stop_on_sigint, char *err, unsigned errlen)
{
	return mb_server_run_limits(listen_fd, stop_on_sigint, NULL, err, errlen);
}

int mb_server_run_limits(int listen_fd, bool stop_on_sigint, const struct mb_serve_limits *lim,
			 char *err, unsigned errlen)
{
	struct server s = { .lfd = listen_fd };
	int rc;

	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[i % PERIOD];
	install_signals(stop_on_sigint);
	raise_nofile();
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	unsigned nofile = nofile_limit();
	unsigned cap = nofile > 2 * FD_RESERVE ? nofile - FD_RESERVE : nofile / 2;
	s.header_ns = lim && lim->header_timeout_ns ? lim->header_timeout_ns : 10 * MB_NS_PER_S;
	s.idle_ns = lim && lim->idle_timeout_ns ? lim->idle_timeout_ns : 60 * MB_NS_PER_S;
	s.max_conns = lim && lim->max_conns && lim->max_conns < cap ? lim->max_conns : cap;
	if (s.max_conns == 0)
		s.max_conns = 1;

	/* One operation per connection, the accept and the housekeeping timer. */
	rc = mb_loop_create(&s.loop, MB_BACKEND_EPOLL, s.max_conns + FD_RESERVE);
	if (rc) {
		snprintf(err, errlen, "event loop: %s", strerror(-rc));
		return rc;
	}
	s.acc.cb = on_accept;
	s.acc.data = &s;
	arm_accept(&s);
	s.hk.cb = housekeeping;
	s.hk.data = &s;
	mb_loop_timer(s.loop, &s.hk, mb_now_ns() + HOUSEKEEPING_NS);
	/* Wake at least every 200 ms so a signal that lands between the check
	 * and the wait is seen promptly. */
	while (!stop_signal && !s.error) {
		rc = mb_loop_run_once(s.loop, 200 * MB_NS_PER_MS);
		if (rc < 0 && rc != -EINTR)
			s.error = rc;
	}
	if (s.error)
		snprintf(err, errlen, "event loop: %s", strerror(-s.error));
	/* Parked operations are completed into the ready list by del_fd and
	 * never dispatched: free the connections only after the loop. */
	for (struct conn *c = s.conns; c; c = c->next) {
		mb_loop_del_fd(s.loop, c->fd);
		close(c->fd);
	}
	mb_loop_destroy(s.loop);
	while (s.conns) {
		struct conn *c = s.conns;
		s.conns = c->next;
		free(c);
	}
	return s.error;
}

int mb_server_listen(unsigned port, unsigned *bound)
{
	return mb_server_listen_on(htonl(INADDR_LOOPBACK), port, bound);
}

int mb_server_listen_on(uint32_t addr, unsigned port, unsigned *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = addr };
	socklen_t al = sizeof(a);
	int one = 1, rc;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4096) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (bound)
		*bound = ntohs(a.sin_port);
	return fd;
}

static int parse_port(const char *s, unsigned *port)
{
	unsigned long v = 0;
	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -ERANGE;
	*port = (unsigned)v;
	return 0;
}

static void serve_usage(void)
{
	printf("usage: modebench serve [--port N] [--header-timeout DUR] [--idle-timeout DUR]\n"
	       "                       [--max-conns N]\n"
	       "  Serves GET /?delay_us=D&bytes=B on 127.0.0.1:N (HTTP/1.1, keep-alive):\n"
	       "  the answer comes D microseconds later with a B-byte body. N=0 (default)\n"
	       "  picks a free port. Stops on SIGINT or SIGTERM.\n"
	       "  --header-timeout DUR  a request head must arrive within DUR of its first\n"
	       "                        byte (default 10s)\n"
	       "  --idle-timeout DUR    close a connection idle for DUR (default 60s)\n"
	       "  --max-conns N         connections at once (default: the descriptor limit\n"
	       "                        less 64); beyond it the least recently active idle\n"
	       "                        one is closed, or the newcomer gets a 503\n");
}

/* Parses serve's options into port and lim; prints the one-line error and
 * returns MB_EXIT_USAGE, MB_EXIT_OK after --help, or -1 to go on. */
static int serve_opts(int argc, char **argv, unsigned *port, struct mb_serve_limits *lim)
{
	static const struct option opts[] = {
		{ "port", required_argument, 0, 'p' },
		{ "header-timeout", required_argument, 0, 'H' },
		{ "idle-timeout", required_argument, 0, 'I' },
		{ "max-conns", required_argument, 0, 'M' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	static const char accepted[] = "accepted: --port N, --header-timeout DUR, "
				       "--idle-timeout DUR, --max-conns N";
	uint64_t v;
	int opt;

	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_port(optarg, port)) {
				fprintf(stderr, "modebench serve: --port: '%s' is not a port number "
					"(0-65535; 0 picks a free one)\n", optarg);
				return MB_EXIT_USAGE;
			}
			break;
		case 'H':
		case 'I':
			if (mb_parse_duration(optarg, &v, 0)) {
				fprintf(stderr, "modebench serve: --%s: '%s' is not a duration above "
					"zero with a unit (e.g. 10s, 500ms)\n",
					opt == 'H' ? "header-timeout" : "idle-timeout", optarg);
				return MB_EXIT_USAGE;
			}
			*(opt == 'H' ? &lim->header_timeout_ns : &lim->idle_timeout_ns) = v;
			break;
		case 'M':
			if (mb_parse_count(optarg, &v) || v > 1u << 30) {
				fprintf(stderr, "modebench serve: --max-conns: '%s' is not a count from "
					"1 to 1073741824\n", optarg);
				return MB_EXIT_USAGE;
			}
			lim->max_conns = (unsigned)v;
			break;
		case 'h':
			serve_usage();
			return MB_EXIT_OK;
		case ':':
			fprintf(stderr, "modebench serve: %s needs a value (e.g. --port 8080)\n",
				argv[optind - 1]);
			return MB_EXIT_USAGE;
		default:
			fprintf(stderr, "modebench serve: unknown option '%s' (%s)\n",
				argv[optind - 1], accepted);
			return MB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "modebench serve: unexpected argument '%s' (%s)\n", argv[optind],
			accepted);
		return MB_EXIT_USAGE;
	}
	return -1;
}

int mb_serve_main(int argc, char **argv)
{
	struct mb_serve_limits lim = { 0 };
	unsigned port = 0, bound = 0;
	char err[MB_ERRLEN];
	int fd, rc;

	if ((rc = serve_opts(argc, argv, &port, &lim)) >= 0)
		return rc;
	/* Handlers first: a SIGTERM right after the "listening" line must
	 * stop the service cleanly, not kill it. */
	install_signals(true);
	fd = mb_server_listen(port, &bound);
	if (fd < 0) {
		fprintf(stderr, "modebench serve: cannot listen on 127.0.0.1:%u: %s\n", port,
			strerror(-fd));
		return MB_EXIT_FAILED;
	}
	printf("modebench serve: listening on 127.0.0.1:%u\n", bound);
	fflush(stdout);
	rc = mb_server_run_limits(fd, true, &lim, err, sizeof(err));
	close(fd);
	if (rc) {
		fprintf(stderr, "modebench serve: %s\n", err);
		return MB_EXIT_FAILED;
	}
	return MB_EXIT_OK;
}
