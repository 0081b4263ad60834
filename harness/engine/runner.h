/* One run in progress: what the phases of mb_mode_run share. modes.c
 * prepares (the shared region, the workers, the interpreter lock),
 * collects and releases; spawn.c starts the workers, opens the gate and
 * waits for them. Private to the engine: nothing outside harness/engine/
 * includes it. */
#ifndef MB_RUNNER_H
#define MB_RUNNER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cpustat.h"
#include "modes.h"

/* The stack of a worker thread: reserved, its pages touched as used. */
#define MB_WORKER_STACK (256u * 1024)

/* Shared between the runner and its workers, threads or processes. The
 * start gate is a futex word: workers count themselves in and sleep until
 * the runner, having seen every started worker arrive, opens it. Unlike a
 * pthread barrier it still opens when fewer workers could be started. */
struct mb_control {
	unsigned arrived;
	unsigned go;
	int stop;    /* 1: stop starting tasks (timeout, failed start); 2: interrupted */
	uint64_t t0; /* when the gate opened: the run's start */
} MB_ALIGNED;

/* One worker's result and histograms, each on its own cache lines, so no
 * two workers ever write the same line. */
struct mb_wslot {
	struct mb_worker_result res;
	struct mb_hist lat MB_ALIGNED;
	struct mb_hist svc MB_ALIGNED;
};

struct mb_runner {
	struct mb_run *run;
	struct mb_run_result *out;
	const struct mb_mode *m;
	unsigned nworkers;
	/* The MAP_SHARED region, so forked workers hand their records back:
	 * the control block, a slot per worker, then trace_cap trace events
	 * per worker. */
	void *shm;
	size_t shm_len;
	struct mb_control *ctl;
	struct mb_wslot *slots;
	struct mb_trace_event *trace;
	uint64_t trace_cap;
	struct mb_worker *workers; /* each on its own cache lines */
	bool *reaped;		   /* per worker: joined or waited for */
	struct mb_gil *gil;	   /* --gil in thread modes, else NULL */
	pthread_t *threads;	   /* thread modes */
	pid_t *pids;		   /* process modes */
	unsigned started;	   /* workers actually started */
	int rc;		   /* the first failure to start or release them, -errno */
	unsigned stuck;	   /* threads that could not be stopped */
	bool timed_out;
	/* outside_load's window: this process's and its children's CPU time,
	 * and the pinned cores' busy time, from before the spawn to after the
	 * reaping. */
	struct rusage self0, kids0, self1, kids1;
	double svc0_s, svc1_s; /* the delay service's CPU seconds (run->server_pid) */
	uint64_t win0, win1;
	struct mb_cpustat cs0, cs1;
};

/* Starts the workers (forks or threads). When not all of them start, the
 * started ones are told to stop as soon as the gate opens, out->error and
 * rn->rc say why, and the run goes on to be collected as failed. */
void mb_runner_spawn(struct mb_runner *rn);

/* Waits up to 30 s for the started workers to finish their set-up, then
 * opens the gate: the run's start time is taken there. */
void mb_runner_open_gate(struct mb_runner *rn);

/* Reaps every worker, enforcing --timeout and an interrupt (see spawn.c);
 * sets rn->timed_out and rn->stuck, and the row's timeout status. */
void mb_runner_wait(struct mb_runner *rn);

#endif
