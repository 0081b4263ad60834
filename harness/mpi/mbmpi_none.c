/* The cluster transport of a build without MPI (mbmpi.h): --mpi is then a
 * usage error (run/cli.c says so), and these are never reached by a
 * sweep; each fails with -ENOSYS. */
#include "mbmpi.h"

#include <errno.h>
#include <stdio.h>

const bool mb_mpi_built = false;

int mb_mpi_launch_rank(void)
{
	return -1;
}

int mb_mpi_start(int *argc, char ***argv, char *err, unsigned errlen)
{
	snprintf(err, errlen, "--mpi: this modebench was built without MPI");
	return -ENOSYS;
}

int mb_mpi_rank(void)
{
	return 0;
}

int mb_mpi_size(void)
{
	return 1;
}

const char *mb_mpi_host(int r)
{
	return "unknown";
}

int mb_mpi_shared_host(int *first)
{
	return -1;
}

int mb_mpi_barrier(uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	return -ENOSYS;
}

int mb_mpi_bcast(void *buf, size_t len, int root, uint64_t deadline_ns,
		 volatile sig_atomic_t *stop)
{
	return -ENOSYS;
}

int mb_mpi_gather(const void *buf, uint32_t len, char **all, uint32_t *lens,
		  uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	*all = NULL;
	return -ENOSYS;
}

int mb_mpi_reduce_u64(const uint64_t *in, uint64_t *out, size_t n, enum mb_mpi_op op,
		      uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	return -ENOSYS;
}

int mb_mpi_reduce_double(const double *in, double *out, size_t n, enum mb_mpi_op op,
			 uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	return -ENOSYS;
}

void mb_mpi_say_stopped(void)
{
}

int mb_mpi_who_stopped(unsigned wait_ms, bool *alive)
{
	return 0;
}

void mb_mpi_end(bool ok, int status)
{
}
