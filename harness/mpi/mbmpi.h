/* The cluster transport of `modebench run --mpi` (README, "On a
 * cluster"): Open MPI's ranks, started by mpirun or srun, and the few
 * collectives a sweep needs between its runs. Its one public header.
 *   mbmpi.c       the real thing, built when CMake finds MPI
 *   mbmpi_none.c  the stub of a build without MPI: mb_mpi_built is false
 *                 and every call fails with -ENOSYS
 * Every collective is non-blocking underneath and polled until it
 * completes, its deadline passes (-ETIMEDOUT) or *stop becomes nonzero
 * (-EINTR), so a rank that died never hangs the others; communication
 * errors return (MPI_ERRORS_RETURN), they do not abort. Nothing here is
 * called while a run is measured: only before its start (the barrier)
 * and after it ends. Depends on base only. */
#ifndef MB_MBMPI_H
#define MB_MBMPI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB_MPI_HOST_LEN 128

/* True when this modebench was built with MPI. */
extern const bool mb_mpi_built;

/* The rank the launcher gave this process before MPI starts (from
 * OMPI_COMM_WORLD_RANK, PMIX_RANK, PMI_RANK or SLURM_PROCID), or -1
 * when none is set: lets a usage error be printed by rank 0 only. */
int mb_mpi_launch_rank(void);

/* Starts MPI and learns every rank's host: its hostname, or, for tests
 * on one machine, MB_MPI_HOST followed by the rank ("node" -> node0,
 * node1, ...). With MB_MPI_CPUSET=L0:L1:... (PU lists) rank r first
 * narrows its own CPU mask to item r mod n, so it plans as a host with
 * those PUs. Returns 0, or -errno with one line in err. */
int mb_mpi_start(int *argc, char ***argv, char *err, unsigned errlen);
int mb_mpi_rank(void);
int mb_mpi_size(void);
/* Rank r's host (after mb_mpi_start). */
const char *mb_mpi_host(int r);
/* The first rank sharing a host with an earlier rank, or -1; *first is
 * that earlier rank. */
int mb_mpi_shared_host(int *first);

/* The collectives. deadline_ns is on mb_now_ns()'s clock (0: none).
 * Returns 0, -ETIMEDOUT, -EINTR (*stop set) or -EIO (an MPI error). */
int mb_mpi_barrier(uint64_t deadline_ns, volatile sig_atomic_t *stop);
/* Rank root's len bytes of buf to every rank. */
int mb_mpi_bcast(void *buf, size_t len, int root, uint64_t deadline_ns,
		 volatile sig_atomic_t *stop);
/* Every rank's len bytes to rank 0, in rank order: there *all (malloc'd,
 * the caller frees) holds them one after another and lens[r] (size
 * entries, caller's) each length; elsewhere *all is NULL. */
int mb_mpi_gather(const void *buf, uint32_t len, char **all, uint32_t *lens,
		  uint64_t deadline_ns, volatile sig_atomic_t *stop);
enum mb_mpi_op { MB_MPI_SUM, MB_MPI_MIN, MB_MPI_MAX };
/* Element-wise op of every rank's in[0..n) into out on rank 0. */
int mb_mpi_reduce_u64(const uint64_t *in, uint64_t *out, size_t n, enum mb_mpi_op op,
		      uint64_t deadline_ns, volatile sig_atomic_t *stop);
int mb_mpi_reduce_double(const double *in, double *out, size_t n, enum mb_mpi_op op,
			 uint64_t deadline_ns, volatile sig_atomic_t *stop);

/* Ending a sweep early. A rank that was interrupted tells rank 0 so
 * (mb_mpi_say_stopped, never blocking for long); rank 0 then learns, within
 * wait_ms, which ranks said so: alive[r] true for those (and for itself).
 * Returns how many did not. */
void mb_mpi_say_stopped(void);
int mb_mpi_who_stopped(unsigned wait_ms, bool *alive);

/* Ends the MPI job: a clean MPI_Finalize when ok, else MPI_Abort with
 * status (the launcher ends every rank; nothing waits on a dead one). */
void mb_mpi_end(bool ok, int status);

#endif
