/* Tests of the delay service's deadlines and connection cap (serve.h,
 * struct mb_serve_limits): slow and idle clients are cut off, a delayed
 * answer whose client has gone frees its slot, and a client arriving at
 * the cap or at the descriptor limit gets an answer instead of a hang.
 * Each test runs its own service in a forked child with the limits under
 * test. Time is asserted only as a lower bound (a deadline is not cut
 * short); "gets an answer" is checked with a generous 10 s liveness bound,
 * a hang being the defect, and the time it took is printed. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base.h"
#include "serve.h"

#define LIVENESS_MS 10000

struct svc {
	pid_t pid;
	struct sockaddr_in addr;
};

/* Starts a service with these limits; nofile > 0 also lowers its
 * descriptor limit (soft and hard) to nofile first. */
static void svc_start(struct svc *s, const struct mb_serve_limits *lim, unsigned nofile)
{
	unsigned port = 0;
	int lfd = mb_server_listen(0, &port);
	assert_true(lfd >= 0);
	memset(&s->addr, 0, sizeof(s->addr));
	s->addr.sin_family = AF_INET;
	s->addr.sin_port = htons((uint16_t)port);
	s->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		char err[MB_ERRLEN];
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed test leaves no service */
		if (nofile) {
			struct rlimit rl = { nofile, nofile };
			if (setrlimit(RLIMIT_NOFILE, &rl))
				_exit(3);
		}
		_exit(mb_server_run_limits(lfd, false, lim, err, sizeof(err)) ? 1 : 0);
	}
	close(lfd);
}

static void svc_stop(struct svc *s)
{
	int st = 0;
	kill(s->pid, SIGTERM);
	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int dial(const struct svc *s)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)&s->addr, sizeof(s->addr)), 0);
	return fd;
}

static void send_str(int fd, const char *str)
{
	size_t n = strlen(str);
	assert_int_equal(send(fd, str, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Waits (at most LIVENESS_MS) for bytes or EOF; returns what recv gave:
 * > 0 bytes, 0 at EOF, -1 on an error such as a reset. */
static ssize_t wait_read(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc = poll(&p, 1, LIVENESS_MS);
	if (rc != 1)
		fail_msg("no answer and no close within %d ms", LIVENESS_MS);
	return recv(fd, buf, len, 0);
}

/* Reads one response head and returns its status (0 if the connection
 * ended first); *ms is how long it took. */
static int status_of(int fd, double *ms)
{
	char buf[4096];
	size_t have = 0;
	int status = 0;
	uint64_t cl;
	uint64_t t0 = mb_now_ns();
	for (;;) {
		int hl = mb_http_parse_response(buf, have, &status, &cl);
		assert_true(hl >= 0);
		if (hl > 0)
			break;
		ssize_t n = wait_read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			return 0;
		have += (size_t)n;
	}
	if (ms)
		*ms = (mb_now_ns() - t0) / 1e6;
	return status;
}

static void expect_closed(int fd)
{
	char c;
	assert_true(wait_read(fd, &c, 1) <= 0);
}

/* A head that never finishes is cut off after the header timeout, not
 * before; a client that sends nothing after its answer, after the idle
 * timeout. */
static void test_header_and_idle_timeouts(void **state)
{
	struct mb_serve_limits lim = { .header_timeout_ns = 300 * MB_NS_PER_MS,
				       .idle_timeout_ns = 600 * MB_NS_PER_MS };
	struct svc s;
	svc_start(&s, &lim, 0);

	int slow = dial(&s);
	send_str(slow, "GET /?delay_us=1 HT");
	uint64_t t0 = mb_now_ns();
	expect_closed(slow);
	double waited = (mb_now_ns() - t0) / 1e6;
	print_message("partial head cut off after %.0f ms (header timeout 300 ms)\n", waited);
	assert_true(waited >= 300);

	int idle = dial(&s);
	send_str(idle, "GET / HTTP/1.1\r\n\r\n"); /* no body: the head is all */
	assert_int_equal(status_of(idle, NULL), 200);
	t0 = mb_now_ns();
	expect_closed(idle);
	waited = (mb_now_ns() - t0) / 1e6;
	print_message("idle connection closed after %.0f ms (idle timeout 600 ms)\n", waited);
	assert_true(waited >= 600);
	close(slow);
	close(idle);
	svc_stop(&s);
}

/* At the cap, the least recently active waiting connection makes room;
 * when every connection is busy (a delayed answer), the newcomer gets 503
 * at once. */
static void test_cap_evicts_then_refuses(void **state)
{
	struct mb_serve_limits lim = { .max_conns = 4 };
	struct svc s;
	int c[4];
	double ms;
	svc_start(&s, &lim, 0);

	for (unsigned i = 0; i < 4; i++) {
		c[i] = dial(&s);
		send_str(c[i], "GET / HTT"); /* a slow head */
		usleep(20000);		     /* accepted in this order */
	}
	int n = dial(&s);
	send_str(n, "GET /?bytes=0 HTTP/1.1\r\n\r\n");
	assert_int_equal(status_of(n, &ms), 200);
	print_message("a request at the cap of 4 slow heads: 200 after %.2f ms\n", ms);
	expect_closed(c[0]); /* the oldest made room */
	close(n);

	for (unsigned i = 0; i < 4; i++)
		close(c[i]);
	usleep(100000);
	for (unsigned i = 0; i < 4; i++) {
		c[i] = dial(&s);
		send_str(c[i], "GET /?delay_us=30000000 HTTP/1.1\r\n\r\n");
	}
	usleep(100000);
	n = dial(&s);
	send_str(n, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(status_of(n, &ms), 503);
	print_message("a request at the cap of 4 delayed answers: 503 after %.2f ms\n", ms);
	close(n);
	for (unsigned i = 0; i < 4; i++)
		close(c[i]);
	svc_stop(&s);
}

/* Abandoned delayed requests give their slots back: two 60 s requests
 * whose clients closed no longer hold a cap of 2. */
static void test_abandoned_delay_dropped(void **state)
{
	struct mb_serve_limits lim = { .max_conns = 2 };
	struct svc s;
	double ms;
	svc_start(&s, &lim, 0);
	for (unsigned i = 0; i < 2; i++) {
		int fd = dial(&s);
		send_str(fd, "GET /?delay_us=60000000 HTTP/1.1\r\n\r\n");
		usleep(50000);
		close(fd);
	}
	/* Within a housekeeping pass or two (250 ms each) both are dropped. */
	int ok = 0;
	for (unsigned tries = 0; tries < 40 && !ok; tries++) {
		usleep(100000);
		int fd = dial(&s);
		send_str(fd, "GET / HTTP/1.1\r\n\r\n");
		ok = status_of(fd, &ms) == 200;
		close(fd);
	}
	assert_true(ok);
	svc_stop(&s);
}

/* Raises this process's descriptor limit to at least n (the hard limit
 * permitting); returns the soft limit now in force. */
static rlim_t want_fds(rlim_t n)
{
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < n) {
		rl.rlim_cur = rl.rlim_max < n ? rl.rlim_max : n;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}

static void slowloris(const struct svc *s, int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		fds[i] = dial(s);
		send_str(fds[i], "GET /?delay_us=1 HTTP/1.1\r\nX-a: ");
	}
}

/* A normal request is answered during a slowloris of 1,000 connections
 * (default limits), and at the descriptor limit of a 256-descriptor
 * service that 300 slow clients try to fill. */
static void test_slowloris(void **state)
{
	static int fds[1000];
	struct svc s;
	double ms;
	if (want_fds(1200) < 1200)
		skip();

	svc_start(&s, NULL, 0);
	slowloris(&s, fds, 1000);
	int n = dial(&s);
	send_str(n, "GET /?bytes=100 HTTP/1.1\r\n\r\n");
	assert_int_equal(status_of(n, &ms), 200);
	print_message("during a slowloris of 1000 connections: 200 after %.2f ms\n", ms);
	close(n);
	for (unsigned i = 0; i < 1000; i++)
		close(fds[i]);
	svc_stop(&s);

	svc_start(&s, NULL, 256);
	slowloris(&s, fds, 300);
	n = dial(&s);
	send_str(n, "GET /?bytes=100 HTTP/1.1\r\n\r\n");
	int st = status_of(n, &ms);
	print_message("at the descriptor limit (256, 300 slow clients): %d after %.2f ms\n", st,
		      ms);
	assert_int_equal(st, 200);
	close(n);
	for (unsigned i = 0; i < 300; i++)
		close(fds[i]);
	svc_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_idle_timeouts),
		cmocka_unit_test(test_cap_evicts_then_refuses),
		cmocka_unit_test(test_abandoned_delay_dropped),
		cmocka_unit_test(test_slowloris),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
