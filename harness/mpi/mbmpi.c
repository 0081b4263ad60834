/* The cluster transport over MPI (mbmpi.h). Each collective is started
 * non-blocking and polled with MPI_Test, so a deadline or an interrupt
 * can end the wait; errors return rather than abort the job. */
#include "mbmpi.h"

#include <errno.h>
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base.h"

const bool mb_mpi_built = true;

#define TAG_STOPPED 77

static int rank = -1, size;
static char (*hosts)[MB_MPI_HOST_LEN];

int mb_mpi_launch_rank(void)
{
	static const char *const vars[] = { "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
					    "SLURM_PROCID" };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return atoi(v);
	}
	return -1;
}

/* MB_MPI_CPUSET=L0:L1:...: item rank mod n, a PU list such as 0-1,3. */
static int narrow_cpus(char *err, unsigned errlen)
{
	const char *spec = getenv("MB_MPI_CPUSET");
	if (!spec || !*spec)
		return 0;
	unsigned n = 1;
	for (const char *c = spec; *c; c++)
		n += *c == ':';
	const char *item = spec;
	for (unsigned i = 0; i < (unsigned)rank % n; i++)
		item = strchr(item, ':') + 1;
	size_t len = strcspn(item, ":");
	cpu_set_t set;
	CPU_ZERO(&set);
	char buf[256];
	snprintf(buf, sizeof(buf), "%.*s", (int)len, item);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned a, b;
		int k = sscanf(t, "%u-%u", &a, &b);
		if (k < 1 || a >= CPU_SETSIZE || (k == 2 && (b < a || b >= CPU_SETSIZE))) {
			snprintf(err, errlen, "MB_MPI_CPUSET: '%.*s' is not a PU list (0-1,3)",
				 (int)len, item);
			return -EINVAL;
		}
		for (unsigned p = a; p <= (k == 2 ? b : a); p++)
			CPU_SET(p, &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set)) {
		int rc = -errno;
		snprintf(err, errlen, "MB_MPI_CPUSET: PUs %.*s: %s", (int)len, item,
			 strerror(errno));
		return rc;
	}
	return 0;
}

int mb_mpi_start(int *argc, char ***argv, char *err, unsigned errlen)
{
	int provided;
	if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
		snprintf(err, errlen, "--mpi: MPI_Init failed (was modebench started by mpirun "
			 "or srun?)");
		return -EIO;
	}
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	hosts = calloc((size_t)size, sizeof(*hosts));
	if (!hosts) {
		snprintf(err, errlen, "--mpi: cannot allocate the hosts of %d ranks", size);
		return -ENOMEM;
	}
	char me[MB_MPI_HOST_LEN] = "";
	const char *fake = getenv("MB_MPI_HOST");
	if (fake && *fake)
		snprintf(me, sizeof(me), "%.100s%d", fake, rank);
	else if (gethostname(me, sizeof(me) - 1))
		snprintf(me, sizeof(me), "unknown");
	int rc = narrow_cpus(err, errlen);
	if (MPI_Allgather(me, MB_MPI_HOST_LEN, MPI_CHAR, hosts, MB_MPI_HOST_LEN, MPI_CHAR,
			  MPI_COMM_WORLD) != MPI_SUCCESS) {
		snprintf(err, errlen, "--mpi: the ranks could not exchange their host names");
		return -EIO;
	}
	return rc;
}

int mb_mpi_rank(void)
{
	return rank;
}

int mb_mpi_size(void)
{
	return size;
}

const char *mb_mpi_host(int r)
{
	return hosts && r >= 0 && r < size ? hosts[r] : "unknown";
}

int mb_mpi_shared_host(int *first)
{
	for (int r = 1; r < size; r++)
		for (int q = 0; q < r; q++)
			if (!strcmp(hosts[q], hosts[r])) {
				*first = q;
				return r;
			}
	return -1;
}

/* Polls req until done, the deadline or *stop. Spins with a yield: a
 * sleep would add its own length to the start skew across ranks. */
static int wait_req(MPI_Request *req, uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	for (unsigned i = 0;; i++) {
		int done = 0;
		if (MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
			return -EIO;
		if (done)
			return 0;
		if ((i & 63) == 63) {
			if (stop && *stop)
				return -EINTR;
			if (deadline_ns && mb_now_ns() > deadline_ns)
				return -ETIMEDOUT;
		}
		sched_yield();
	}
}

int mb_mpi_barrier(uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	MPI_Request req;
	if (MPI_Ibarrier(MPI_COMM_WORLD, &req) != MPI_SUCCESS)
		return -EIO;
	return wait_req(&req, deadline_ns, stop);
}

int mb_mpi_bcast(void *buf, size_t len, int root, uint64_t deadline_ns,
		 volatile sig_atomic_t *stop)
{
	MPI_Request req;
	if (MPI_Ibcast(buf, (int)len, MPI_BYTE, root, MPI_COMM_WORLD, &req) != MPI_SUCCESS)
		return -EIO;
	return wait_req(&req, deadline_ns, stop);
}

int mb_mpi_gather(const void *buf, uint32_t len, char **all, uint32_t *lens,
		  uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	MPI_Request req;
	int rc;
	*all = NULL;
	if (MPI_Igather(&len, 1, MPI_UINT32_T, lens, 1, MPI_UINT32_T, 0, MPI_COMM_WORLD,
			&req) != MPI_SUCCESS)
		return -EIO;
	if ((rc = wait_req(&req, deadline_ns, stop)))
		return rc;
	int *counts = NULL, *displs = NULL;
	if (rank == 0) {
		size_t total = 0;
		counts = calloc((size_t)size, sizeof(int));
		displs = calloc((size_t)size, sizeof(int));
		for (int r = 0; r < size; r++)
			total += lens[r];
		*all = malloc(total ? total : 1);
		if (!counts || !displs || !*all || total > INT32_MAX) {
			free(counts);
			free(displs);
			free(*all);
			*all = NULL;
			return -ENOMEM; /* the others wait at their deadline */
		}
		total = 0;
		for (int r = 0; r < size; r++) {
			counts[r] = (int)lens[r];
			displs[r] = (int)total;
			total += lens[r];
		}
	}
	if (MPI_Igatherv(buf, (int)len, MPI_BYTE, *all, counts, displs, MPI_BYTE, 0,
			 MPI_COMM_WORLD, &req) != MPI_SUCCESS)
		rc = -EIO;
	else
		rc = wait_req(&req, deadline_ns, stop);
	free(counts);
	free(displs);
	if (rc && rank == 0) {
		free(*all);
		*all = NULL;
	}
	return rc;
}

static MPI_Op mpi_op(enum mb_mpi_op op)
{
	return op == MB_MPI_MIN ? MPI_MIN : op == MB_MPI_MAX ? MPI_MAX : MPI_SUM;
}

int mb_mpi_reduce_u64(const uint64_t *in, uint64_t *out, size_t n, enum mb_mpi_op op,
		      uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	MPI_Request req;
	if (MPI_Ireduce(in, out, (int)n, MPI_UINT64_T, mpi_op(op), 0, MPI_COMM_WORLD, &req) !=
	    MPI_SUCCESS)
		return -EIO;
	return wait_req(&req, deadline_ns, stop);
}

int mb_mpi_reduce_double(const double *in, double *out, size_t n, enum mb_mpi_op op,
			 uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	MPI_Request req;
	if (MPI_Ireduce(in, out, (int)n, MPI_DOUBLE, mpi_op(op), 0, MPI_COMM_WORLD, &req) !=
	    MPI_SUCCESS)
		return -EIO;
	return wait_req(&req, deadline_ns, stop);
}

void mb_mpi_say_stopped(void)
{
	static int word = 1;
	MPI_Request req;
	if (rank <= 0 || MPI_Isend(&word, 1, MPI_INT, 0, TAG_STOPPED, MPI_COMM_WORLD, &req))
		return;
	/* Long enough for the message to leave; never for long. */
	wait_req(&req, mb_now_ns() + 200 * MB_NS_PER_MS, NULL);
}

int mb_mpi_who_stopped(unsigned wait_ms, bool *alive)
{
	uint64_t until = mb_now_ns() + (uint64_t)wait_ms * MB_NS_PER_MS;
	int missing = size - 1;
	for (int r = 0; r < size; r++)
		alive[r] = r == rank;
	while (missing > 0 && mb_now_ns() < until) {
		int flag = 0, word;
		MPI_Status st;
		if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_STOPPED, MPI_COMM_WORLD, &flag, &st))
			break;
		if (!flag) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
			continue;
		}
		MPI_Recv(&word, 1, MPI_INT, st.MPI_SOURCE, TAG_STOPPED, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
		if (st.MPI_SOURCE >= 0 && st.MPI_SOURCE < size && !alive[st.MPI_SOURCE]) {
			alive[st.MPI_SOURCE] = true;
			missing--;
		}
	}
	return missing;
}

void mb_mpi_end(bool ok, int status)
{
	if (rank < 0)
		return;
	if (ok)
		MPI_Finalize();
	else
		MPI_Abort(MPI_COMM_WORLD, status);
	free(hosts);
	hosts = NULL;
}
