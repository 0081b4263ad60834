/* The loopback delay service: plain HTTP/1.1 with keep-alive on the
 * project's own event loop (epoll backend: accept, recv, send and the
 * timer heap). `GET /?delay_us=D&bytes=B` is answered D microseconds after
 * its head arrived, with a B-byte body (Content-Length, a repeated pattern
 * sent in chunks from one static buffer). Requests on one connection are
 * answered in order, so pipelining works; a malformed request gets a 400
 * and the connection is closed; a client that vanishes costs only its own
 * connection. curl and wrk can talk to it, which is how it is checked. */
#ifndef MB_SERVE_H
#define MB_SERVE_H

#include <stdbool.h>


/* `modebench serve [--port N]`: runs the service in the foreground until
 * SIGINT or SIGTERM. argv[0] is "serve". Returns the exit status. */
int mb_serve_main(int argc, char **argv);

/* A listening TCP socket on 127.0.0.1:port (0: an ephemeral port, written
 * to *bound). Returns the fd or -errno. */
int mb_server_listen(unsigned port, unsigned *bound);

/* Serves on listen_fd until SIGTERM (and SIGINT when stop_on_sigint) or an
 * event-loop error. Raises RLIMIT_NOFILE to its hard limit so thousands of
 * connections fit. Installs its own signal handlers; meant for a process of
 * its own. Returns 0 or -errno with one line in err. */
int mb_server_run(int listen_fd, bool stop_on_sigint, char *err, unsigned errlen);

#endif
