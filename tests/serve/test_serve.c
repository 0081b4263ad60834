/* Tests of the loopback delay service (harness/serve/serve.h) and its HTTP
 * parser (harness/base/http.h). The service runs in a forked child started by
 * mb_server_spawn, as the sweep starts it; the tests talk to it with raw
 * sockets, the way curl and wrk do. Timing is only ever asserted as a
 * lower bound (the delay), never as an upper one. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "http.h"
#include "iosetup.h"
#include "mb.h"
#include "serve.h"
#include "topo.h"

struct fixture {
	struct mb_topo *topo;
	struct mb_io io;
};

static int group_setup(void **state)
{
	static struct fixture f;
	char err[MB_ERRLEN];
	unsigned pus[1] = { 0 };

	signal(SIGPIPE, SIG_IGN);
	if (mb_topo_load(&f.topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "topology: %s\n", err);
		return -1;
	}
	memset(&f.io, 0, sizeof(f.io));
	f.io.file_fd = -1;
	if (mb_server_spawn(&f.io, f.topo, pus, 1, err, sizeof(err))) {
		fprintf(stderr, "spawn: %s\n", err);
		return -1;
	}
	*state = &f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;
	mb_io_cleanup(&f->io);
	mb_topo_free(f->topo);
	return 0;
}

static int dial(const struct fixture *f)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)&f->io.server,
				 sizeof(f->io.server)), 0);
	return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		assert_true(w > 0);
		s += w;
		n -= (size_t)w;
	}
}

static void send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/* Reads one response: returns its status, the Content-Length and the body
 * bytes actually read (which must equal it). Bytes of the next response
 * stay in *carry for the next call (pipelining). */
struct reader {
	char buf[1 << 16];
	size_t have;
};

static int read_response(int fd, struct reader *r, uint64_t *clen, uint64_t *body, char *first)
{
	int status = 0, hl;
	for (;;) {
		hl = mb_http_parse_response(r->buf, r->have, &status, clen);
		assert_true(hl >= 0);
		if (hl > 0)
			break;
		assert_true(r->have < sizeof(r->buf));
		ssize_t n = recv(fd, r->buf + r->have, sizeof(r->buf) - r->have, 0);
		assert_true(n > 0);
		r->have += (size_t)n;
	}
	assert_true(*clen != UINT64_MAX);
	uint64_t got = r->have - (size_t)hl;
	if (got > *clen)
		got = *clen;
	if (first && got)
		*first = r->buf[hl];
	size_t used = (size_t)hl + (size_t)got;
	memmove(r->buf, r->buf + used, r->have - used);
	r->have -= used;
	while (got < *clen) {
		uint64_t want = *clen - got;
		ssize_t n = recv(fd, r->buf, want < sizeof(r->buf) ? (size_t)want : sizeof(r->buf), 0);
		assert_true(n > 0);
		if (first && got == 0)
			*first = r->buf[0];
		got += (uint64_t)n;
	}
	*body = got;
	return status;
}

static void expect_eof(int fd, struct reader *r)
{
	char c;
	assert_int_equal(r->have, 0);
	assert_int_equal(recv(fd, &c, 1, 0), 0);
}

static void check_request(int fd, struct reader *r, uint64_t bytes)
{
	uint64_t cl, body;
	char first = 0;
	assert_int_equal(read_response(fd, r, &cl, &body, &first), 200);
	assert_int_equal(cl, bytes);
	assert_int_equal(body, bytes);
	if (bytes)
		assert_int_not_equal(first, 0);
}

/* ---- the parser */

static void test_parse_request(void **state)
{
	struct mb_http_req q;
	const char *why = NULL;
	const char *ok = "GET /?delay_us=250&bytes=4096 HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t n = strlen(ok);

	for (size_t i = 0; i < n; i++)
		assert_int_equal(mb_http_parse_request(ok, i, &q, &why), 0);
	assert_int_equal(mb_http_parse_request(ok, n, &q, &why), (int)n);
	assert_int_equal(q.delay_us, 250);
	assert_int_equal(q.bytes, 4096);
	assert_true(q.keep_alive);

	assert_true(mb_http_parse_request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 37, &q,
					  &why) > 0);
	assert_false(q.keep_alive);
	assert_true(mb_http_parse_request("GET / HTTP/1.0\n\n", 16, &q, &why) > 0);
	assert_false(q.keep_alive);
	assert_true(q.http10);
	assert_int_equal(q.bytes, 0);

	static const char *bad[] = {
		"garbage\r\n\r\n",
		"GET /?delay_us=x HTTP/1.1\r\n\r\n",
		"GET /?bytes=-1 HTTP/1.1\r\n\r\n",
		"GET /?bytes=99999999999 HTTP/1.1\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET noslash HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
		"GET /  HTTP/1.1\r\n\r\n",
	};
	for (unsigned i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		why = NULL;
		assert_int_equal(mb_http_parse_request(bad[i], strlen(bad[i]), &q, &why), -400);
		assert_non_null(why);
	}
	assert_int_equal(mb_http_parse_request("POST / HTTP/1.1\r\n\r\n", 19, &q, &why), -405);
	char big[MB_HTTP_MAX_HEAD + 10];
	memset(big, 'a', sizeof(big));
	assert_int_equal(mb_http_parse_request(big, sizeof(big), &q, &why), -431);
}

static void test_parse_response(void **state)
{
	char buf[256];
	int status;
	uint64_t cl;
	unsigned n = mb_http_format_response(buf, sizeof(buf), 200, 12345, true, false);
	assert_true(n > 0);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(mb_http_parse_response(buf, i, &status, &cl), 0);
	assert_int_equal(mb_http_parse_response(buf, n, &status, &cl), (int)n);
	assert_int_equal(status, 200);
	assert_int_equal(cl, 12345);
	assert_int_equal(mb_http_parse_response("SSH-2.0-x\r\n\r\n", 13, &status, &cl), -1);
}

/* ---- the service */

static void test_basic_request(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	static const uint64_t sizes[] = { 0, 1, 100, 4000, 4096, 70000, 1 << 20 };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(sizes); i++) {
		char req[128];
		int fd = dial(f);
		r.have = 0;
		snprintf(req, sizeof(req),
			 "GET /?delay_us=0&bytes=%llu HTTP/1.1\r\nHost: localhost\r\n"
			 "User-Agent: curl/8\r\nAccept: */*\r\n\r\n",
			 (unsigned long long)sizes[i]);
		send_str(fd, req);
		check_request(fd, &r, sizes[i]);
		close(fd);
	}
}

static void test_keep_alive(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	int fd = dial(f);
	r.have = 0;
	for (unsigned i = 0; i < 5; i++) {
		char req[128];
		snprintf(req, sizeof(req), "GET /?bytes=%u HTTP/1.1\r\nHost: x\r\n\r\n", 10 * i);
		send_str(fd, req);
		check_request(fd, &r, 10 * i);
	}
	/* Connection: close is honoured after the response. */
	send_str(fd, "GET /?bytes=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	check_request(fd, &r, 7);
	expect_eof(fd, &r);
	close(fd);
}

/* Reads until r holds a whole response head; returns a copy of it. */
static void head_of(int fd, struct reader *r, char *head, size_t len)
{
	char *end;
	while (!(end = memmem(r->buf, r->have, "\r\n\r\n", 4))) {
		assert_true(r->have < sizeof(r->buf));
		ssize_t n = recv(fd, r->buf + r->have, sizeof(r->buf) - r->have, 0);
		assert_true(n > 0);
		r->have += (size_t)n;
	}
	size_t hl = (size_t)(end - r->buf) + 4;
	assert_true(hl < len);
	memcpy(head, r->buf, hl);
	head[hl] = 0;
}

/* HTTP/1.0 clients (ab -k, say) keep a connection only when asked, and
 * only when the answer says Connection: keep-alive. */
static void test_http10_keep_alive(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	char head[1024];
	int fd = dial(f);
	r.have = 0;
	for (unsigned i = 0; i < 3; i++) {
		send_str(fd, "GET /?bytes=5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
		head_of(fd, &r, head, sizeof(head));
		if (!strstr(head, "\r\nConnection: keep-alive\r\n"))
			fail_msg("HTTP/1.0 keep-alive answered with '%s'", head);
		check_request(fd, &r, 5);
	}
	/* Without it: Connection: close, then the service closes. */
	send_str(fd, "GET /?bytes=2 HTTP/1.0\r\n\r\n");
	head_of(fd, &r, head, sizeof(head));
	if (!strstr(head, "\r\nConnection: close\r\n"))
		fail_msg("HTTP/1.0 without keep-alive answered with '%s'", head);
	check_request(fd, &r, 2);
	expect_eof(fd, &r);
	close(fd);
}

static void test_pipelined(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	int fd = dial(f);
	r.have = 0;
	/* Three requests in one segment; the one with a delay is first, so
	 * answering out of order would show. */
	send_str(fd, "GET /?delay_us=2000&bytes=3 HTTP/1.1\r\nHost: x\r\n\r\n"
		     "GET /?bytes=5000 HTTP/1.1\r\nHost: x\r\n\r\n"
		     "GET /?bytes=0 HTTP/1.1\r\nHost: x\r\n\r\n");
	check_request(fd, &r, 3);
	check_request(fd, &r, 5000);
	check_request(fd, &r, 0);
	/* A request split over several sends. */
	send_str(fd, "GET /?by");
	usleep(2000);
	send_str(fd, "tes=11 HTTP/1.1\r\nHo");
	usleep(2000);
	send_str(fd, "st: x\r\n\r\n");
	check_request(fd, &r, 11);
	close(fd);
}

static void test_delay_lower_bound(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	int fd = dial(f);
	r.have = 0;
	for (unsigned d = 1000; d <= 20000; d *= 4) {
		char req[128];
		snprintf(req, sizeof(req), "GET /?delay_us=%u&bytes=1 HTTP/1.1\r\n\r\n", d);
		uint64_t t0 = mb_now_ns();
		send_str(fd, req);
		check_request(fd, &r, 1);
		assert_true(mb_now_ns() - t0 >= (uint64_t)d * 1000);
	}
	close(fd);
}

static void test_malformed_gets_400(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	static const struct {
		const char *req;
		int status;
	} bad[] = {
		{ "garbage\r\n\r\n", 400 },
		{ "GET /?delay_us=abc HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/9.9\r\n\r\n", 400 },
		{ "\x01\x02\x03\r\n\r\n", 400 },
		{ "DELETE / HTTP/1.1\r\n\r\n", 405 },
	};
	for (unsigned i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		uint64_t cl, body;
		int fd = dial(f);
		r.have = 0;
		/* A good request first: the bad one after it on the same
		 * connection is still refused and ends the connection. */
		send_str(fd, "GET /?bytes=2 HTTP/1.1\r\n\r\n");
		check_request(fd, &r, 2);
		send_str(fd, bad[i].req);
		assert_int_equal(read_response(fd, &r, &cl, &body, NULL), bad[i].status);
		assert_int_equal(cl, 0);
		expect_eof(fd, &r);
		close(fd);
	}
	/* An oversized head. */
	{
		static char big[MB_HTTP_MAX_HEAD + 100];
		uint64_t cl, body;
		int fd = dial(f);
		r.have = 0;
		memset(big, 'A', sizeof(big));
		send_all(fd, big, sizeof(big));
		assert_int_equal(read_response(fd, &r, &cl, &body, NULL), 431);
		close(fd);
	}
	/* The service keeps serving. */
	int fd = dial(f);
	r.have = 0;
	send_str(fd, "GET /?bytes=9 HTTP/1.1\r\n\r\n");
	check_request(fd, &r, 9);
	close(fd);
}

static void test_client_vanishes(void **state)
{
	struct fixture *f = *state;
	static struct reader r;
	for (unsigned i = 0; i < 20; i++) {
		char buf[16];
		int fd = dial(f);
		send_str(fd, "GET /?bytes=67108864 HTTP/1.1\r\n\r\n");
		assert_true(recv(fd, buf, sizeof(buf), MSG_WAITALL) > 0);
		close(fd);
	}
	/* Also gone while the delay runs, and with a request half sent. */
	for (unsigned i = 0; i < 5; i++) {
		int fd = dial(f);
		send_str(fd, "GET /?delay_us=5000&bytes=1048576 HTTP/1.1\r\n\r\n");
		close(fd);
		fd = dial(f);
		send_str(fd, "GET /?bytes=1");
		close(fd);
	}
	usleep(20000);
	int st;
	assert_int_equal(waitpid(f->io.server_pid, &st, WNOHANG), 0);
	int fd = dial(f);
	r.have = 0;
	send_str(fd, "GET /?bytes=100 HTTP/1.1\r\n\r\n");
	check_request(fd, &r, 100);
	close(fd);
}

/* Several thousand connections open at once, each with a request in
 * flight: the service must hold them all. */
static void test_many_connections(void **state)
{
	struct fixture *f = *state;
	enum { N = 3000 };
	static int fds[N];
	static struct reader r;
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < N + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < N + 64)
			skip();
	}
	for (unsigned i = 0; i < N; i++) {
		fds[i] = dial(f);
		send_str(fds[i], "GET /?delay_us=1000&bytes=16 HTTP/1.1\r\n\r\n");
	}
	for (unsigned i = 0; i < N; i++) {
		r.have = 0;
		check_request(fds[i], &r, 16);
	}
	for (unsigned i = 0; i < N; i++)
		close(fds[i]);
}

/* ---- the command line */

static void test_serve_command(void **state)
{
	const char *bin = getenv("MODEBENCH");
	char cmd[1200];
	if (!bin)
		skip();
	static const char *bad[] = { "--port abc", "--port 70000", "--port -1", "--bogus",
				     "--port" };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		snprintf(cmd, sizeof(cmd), "%s serve %s 2>/tmp/mb-serve-err.$$; rc=$?; "
			 "test $(wc -l </tmp/mb-serve-err.$$) -eq 1; ok=$?; rm -f "
			 "/tmp/mb-serve-err.$$; test $ok -eq 0 && exit $rc; exit 99", bin, bad[i]);
		int st = system(cmd);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 2)
			print_error("%s serve %s: system() status %d\n", bin, bad[i], st);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 2);
	}
	/* Starts, says where it listens, stops on SIGTERM with status 0. */
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execl(bin, bin, "serve", "--port", "0", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	char line[128] = { 0 };
	size_t got = 0;
	while (got < sizeof(line) - 1 && !strchr(line, '\n')) {
		ssize_t n = read(pipefd[0], line + got, sizeof(line) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(pipefd[0]);
	unsigned port = 0;
	assert_int_equal(sscanf(line, "modebench serve: listening on 127.0.0.1:%u", &port), 1);
	assert_true(port > 0);
	kill(pid, SIGTERM);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_parse_response),
		cmocka_unit_test(test_basic_request),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_http10_keep_alive),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_delay_lower_bound),
		cmocka_unit_test(test_malformed_gets_400),
		cmocka_unit_test(test_client_vanishes),
		cmocka_unit_test(test_many_connections),
		cmocka_unit_test(test_serve_command),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
