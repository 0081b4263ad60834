/* The loopback delay service: plain HTTP/1.1 with keep-alive on the
 * project's own event loop (epoll backend: accept, recv, send and the
 * timer heap). `GET /?delay_us=D&bytes=B` is answered D microseconds after
 * its head arrived, with a B-byte body (Content-Length, a repeated pattern
 * sent in chunks from one static buffer). Requests on one connection are
 * answered in order, so pipelining works; a malformed request gets a 400
 * and the connection is closed; a client that vanishes costs only its own
 * connection. curl and wrk can talk to it, which is how it is checked.
 *
 * Deadlines (struct mb_serve_limits): a request head must arrive within
 * the header timeout of its first byte, an idle keep-alive connection (or
 * a client that stops reading its answer) is closed after the idle
 * timeout, a delayed answer whose client has gone is dropped at the next
 * housekeeping pass (every 250 ms), and the connections are capped below
 * the descriptor limit: at the cap the least recently active connection
 * that is waiting for a request is closed to make room, and when none is,
 * the newcomer gets a 503, never silence. */
#ifndef MB_SERVE_H
#define MB_SERVE_H

#include <stdbool.h>
#include <stdint.h>

/* `modebench serve [--port N]`: runs the service in the foreground until
 * SIGINT or SIGTERM. argv[0] is "serve". Returns the exit status. */
int mb_serve_main(int argc, char **argv);

/* A listening TCP socket on 127.0.0.1:port (0: an ephemeral port, written
 * to *bound). Returns the fd or -errno. */
int mb_server_listen(unsigned port, unsigned *bound);
/* The same on IPv4 address addr (network order; INADDR_ANY: every
 * interface, for run --mpi --serve-on, where other hosts connect). */
int mb_server_listen_on(uint32_t addr, unsigned port, unsigned *bound);

/* The service's deadlines and cap; 0 in a field means its default. */
struct mb_serve_limits {
	uint64_t header_timeout_ns; /* default 10 s */
	uint64_t idle_timeout_ns;   /* default 60 s */
	unsigned max_conns;	    /* default: the descriptor limit less 64 */
};

/* Serves on listen_fd until SIGTERM (and SIGINT when stop_on_sigint) or an
 * event-loop error. Raises RLIMIT_NOFILE to its hard limit so thousands of
 * connections fit. Installs its own signal handlers; meant for a process of
 * its own. Returns 0 or -errno with one line in err. */
int mb_server_run(int listen_fd, bool stop_on_sigint, char *err, unsigned errlen);
/* The same with explicit limits (NULL: every default). */
int mb_server_run_limits(int listen_fd, bool stop_on_sigint, const struct mb_serve_limits *lim,
			 char *err, unsigned errlen);

#endif
