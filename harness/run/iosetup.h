/* What I/O steps need before a sweep: the loopback delay service (started
 * by us, or --server) and the test file. Prepared once per sweep, outside
 * every measured period, and torn down at the end. */
#ifndef MB_IOSETUP_H
#define MB_IOSETUP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"

struct mb_opts;

/* The test file's size when opts->file_size is 0. The run command's
 * --file-size default (cli.c) is the same, 256MiB; test_opts checks it. */
#define MB_FILE_SIZE_DEFAULT (256ull << 20)

struct mb_io {
	bool have_server;
	bool listen_any;	/* --serve-on: listen on every interface, not loopback */
	struct sockaddr_in server;
	pid_t server_pid;	/* ours to stop, 0 with --server */
	char server_cpus[64];	/* where the service was pinned */
	bool server_shared;	/* no PU of its own: it runs on the workers' */
	int file_fd;		/* -1 when none */
	uint64_t file_size;
	char file_path[1024];
};

/* Starts what the recipes need. need_net / need_file say which. The
 * service is pinned to PUs outside worker_pus when the machine has any.
 * io is the caller's, zero-initialised: io->listen_any is read (and
 * kept), every other field is filled here. Returns 0 or -errno with one
 * line in err. */
int mb_io_prepare(struct mb_io *io, const struct mb_opts *o, const struct mb_topo *topo,
		  const unsigned *worker_pus, unsigned nworker_pus, bool need_net,
		  bool need_file, char *err, unsigned errlen);
void mb_io_cleanup(struct mb_io *io);

/* Starting the delay service for a sweep (serve_spawn.c). */
/* Binds 127.0.0.1:0 here (so the port is known before the child runs),
 * forks, and runs the service in the child, pinned (hwloc) to a PU outside
 * pus[0..npus) when the machine has one, else unpinned. Fills io->server,
 * io->have_server, io->server_pid and io->server_cpus ("2", or
 * "0-1 (shared with workers)"). The child ignores SIGINT (the sweep handles
 * it), exits on SIGTERM and when its parent dies. mb_server_stop (called by
 * mb_io_cleanup) ends and reaps it. Returns 0 or -errno with one line in err. */
int mb_server_spawn(struct mb_io *io, const struct mb_topo *topo, const unsigned *pus,
		    unsigned npus, char *err, unsigned errlen);
void mb_server_stop(struct mb_io *io);


#endif
