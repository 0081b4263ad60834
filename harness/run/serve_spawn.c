/* Starting the delay service for a sweep: bind here, fork, pin the child
 * away from the workers, and stop it at the end (see serve.h). */
#include "iosetup.h"

#include "serve.h"

#include <errno.h>
#include <hwloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"

/* A PU outside the worker set, preferring one whose core holds no worker
 * (an SMT sibling would share the core); -1 when all are taken. */
static int pick_pu(const struct mb_topo *topo, const unsigned *pus, unsigned npus)
{
	hwloc_bitmap_t used = hwloc_bitmap_alloc();
	int n = hwloc_get_nbobjs_by_type(topo->t, HWLOC_OBJ_PU), best = -1, best_score = -1;
	for (unsigned i = 0; i < npus; i++)
		hwloc_bitmap_set(used, pus[i]);
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo->t, HWLOC_OBJ_PU, (unsigned)i);
		if (!o || hwloc_bitmap_isset(used, o->os_index))
			continue;
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo->t, HWLOC_OBJ_CORE, o);
		int score = core && hwloc_bitmap_intersects(core->cpuset, used) ? 0 : 1;
		if (score > best_score) {
			best = (int)o->os_index;
			best_score = score;
		}
	}
	hwloc_bitmap_free(used);
	return best;
}

int mb_server_spawn(struct mb_io *io, const struct mb_topo *topo, const unsigned *pus,
		    unsigned npus, char *err, unsigned errlen)
{
	unsigned port = 0;
	int pu = pick_pu(topo, pus, npus), rc;
	int lfd = mb_server_listen_on(htonl(io->listen_any ? INADDR_ANY : INADDR_LOOPBACK), 0,
				      &port);
	pid_t parent = getpid(), pid;

	if (lfd < 0) {
		snprintf(err, errlen, "delay service: cannot listen on %s: %s",
			 io->listen_any ? "0.0.0.0" : "127.0.0.1", strerror(-lfd));
		return lfd;
	}
	io->server_shared = pu < 0;
	if (pu >= 0) {
		snprintf(io->server_cpus, sizeof(io->server_cpus), "%d", pu);
	} else {
		char all[40];
		hwloc_bitmap_list_snprintf(all, sizeof(all),
					   hwloc_topology_get_topology_cpuset(topo->t));
		snprintf(io->server_cpus, sizeof(io->server_cpus), "%s (shared with workers)", all);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(lfd);
		snprintf(err, errlen, "delay service: fork: %s", strerror(-rc));
		return rc;
	}
	if (pid == 0) {
		char e[MB_ERRLEN];
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		prctl(PR_SET_NAME, "mb-serve", 0, 0, 0);
		if (getppid() != parent)
			_exit(0);
		if (pu >= 0 && (rc = mb_topo_bind_self(topo, (unsigned)pu)))
			fprintf(stderr, "modebench: delay service: binding to PU %d: %s\n", pu,
				strerror(-rc));
		rc = mb_server_run(lfd, false, e, sizeof(e));
		if (rc)
			fprintf(stderr, "modebench: delay service: %s\n", e);
		_exit(rc ? 1 : 0);
	}
	close(lfd);
	memset(&io->server, 0, sizeof(io->server));
	io->server.sin_family = AF_INET;
	io->server.sin_port = htons((uint16_t)port);
	io->server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	io->have_server = true;
	io->server_pid = pid;
	return 0;
}

void mb_server_stop(struct mb_io *io)
{
	int st;
	if (io->server_pid <= 0)
		return;
	kill(io->server_pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(io->server_pid, &st, WNOHANG);
		if (r == io->server_pid || (r < 0 && errno != EINTR))
			goto reaped;
		usleep(10000);
	}
	kill(io->server_pid, SIGKILL);
	while (waitpid(io->server_pid, &st, 0) < 0 && errno == EINTR)
		;
reaped:
	io->server_pid = 0;
	io->have_server = false;
}
