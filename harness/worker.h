/* Workers: the things that run tasks. A worker is bound to one PU, owns its
 * histograms and counters (in its own cache lines of a MAP_SHARED region so
 * forked workers can hand them back), and executes the recipe either
 * blocking (one task at a time) or on an event loop with many tasks in
 * flight. */
#ifndef MB_WORKER_H
#define MB_WORKER_H

#include <netinet/in.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "gil.h"
#include "hist.h"
#include "loop.h"
#include "mb.h"
#include "recipe.h"
#include "step.h"
#include "topo.h"
#include "trace.h"

struct mb_trace_event;

/* What a run is: fixed before workers start, read-only while they run. */
struct mb_run {
	const struct mb_recipe *recipe;
	const struct mb_mode *mode;
	enum mb_backend backend; /* MB_BACKEND_NONE for blocking modes */
	const struct mb_topo *topo;
	enum mb_policy policy;
	unsigned cores;		 /* k */
	const unsigned *pus;	 /* k PU OS indexes */
	unsigned concurrency;	 /* C */
	unsigned nworkers;	 /* W */
	uint64_t tasks;		 /* total, 0 when by duration */
	uint64_t duration_ns;	 /* 0 when by task count */
	uint64_t timeout_ns;	 /* 0: none */
	double rate;		 /* open loop starts per second, 0 closed */
	bool poisson;
	uint64_t gil_ns;	 /* 0: no interpreter lock */
	uint64_t seed;
	/* I/O targets, prepared by the sweep */
	struct sockaddr_in server;
	bool have_server;
	int file_fd;		 /* -1 when none */
	uint64_t file_size;
	bool direct;
	unsigned long long llc_bytes;
	FILE *trace;		 /* NULL when not tracing */
	const char *trace_label; /* the run's id in the trace file */
	int *stop; /* set (shared memory) to make workers stop starting tasks */
};

/* Per worker, in shared memory, each on its own cache lines. */
struct mb_worker_result {
	uint64_t tasks;
	uint64_t start_ns, end_ns;
	uint64_t user_us, sys_us;
	uint64_t nvcsw, nivcsw;
	uint64_t maxrss_kb;
	uint64_t checksum;
	uint64_t bytes; /* moved by mem/file/net steps */
	uint64_t trace_n, trace_dropped;
	int placement_ok;
	int last_cpu;
	int error; /* -errno or 0 */
	char errmsg[160];
} MB_ALIGNED;

/* One concurrent stream of steps. */
struct mb_lane {
	struct mb_op op; /* the loop operation in flight */
	struct mb_worker *w;
	struct mb_task *task;
	void (*done)(struct mb_lane *lane, int res);
	unsigned branch, pos;
	int fd;	   /* net: this lane's connection; -1 */
	char *buf; /* net/file buffer, step-owned */
	size_t buflen;
	uint64_t scratch[4];
	uint64_t t0; /* start of the current step (tracing) */
};

/* One task slot of an async worker. */
struct mb_task {
	struct mb_lane *lanes; /* recipe max-branches lanes */
	struct mb_task *next_free;
	struct mb_op timer; /* open loop: the scheduled start */
	uint64_t start_ns, intended_ns;
	uint64_t seq;
	unsigned stage, pending;
};

struct mb_worker {
	unsigned id;
	unsigned pu;
	bool bind;
	const struct mb_run *run;
	struct mb_worker_result *res;
	struct mb_hist *lat; /* from the intended start */
	struct mb_hist *svc; /* from the actual start */
	struct mb_loop *loop;
	struct mb_task *tasks;
	struct mb_task *free_tasks;
	unsigned ntasks;
	struct mb_lane *lanes;
	unsigned nlanes;
	uint64_t quota;	  /* tasks to complete, or UINT64_MAX by duration */
	uint64_t started; /* tasks started */
	uint64_t done;
	uint64_t deadline_ns;
	uint64_t next_start_ns; /* open loop schedule */
	double interval_ns;	/* open loop mean gap */
	uint64_t rng;
	uint64_t checksum;
	uint64_t bytes;
	void *mem;
	size_t memlen;
	struct mb_gil *gil;
	struct mb_trace_event *trace_ev; /* this worker's trace buffer */
	uint64_t trace_cap, trace_n, trace_dropped;
	struct mb_trace_event tstep; /* tracing: the step being run (no times) */
	int error;
	char errmsg[160];
};

/* Sets up, waits on the barrier (which returns the run's common start
 * time), runs and records one worker. Called in the worker's own thread or
 * process. A duration-bound run ends at the common start + duration for
 * every worker, however late each was woken. */
void mb_worker_main(struct mb_worker *w, uint64_t (*barrier)(void *), void *barrier_arg);

/* Records an error once (first one wins); printf-style. */
void mb_worker_fail(struct mb_worker *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends a trace event (the caller checks that tracing is on). */
static inline void mb_worker_trace(struct mb_worker *w, unsigned kind, uint64_t task,
				   unsigned slot, unsigned stage, unsigned branch, unsigned pos,
				   uint64_t t0, uint64_t t1)
{
	if (w->trace_n == w->trace_cap) {
		w->trace_dropped++;
		return;
	}
	struct mb_trace_event *e = &w->trace_ev[w->trace_n++];
	e->t0 = t0;
	e->t1 = t1;
	e->task = (uint32_t)task;
	e->slot = (uint16_t)slot;
	e->kind = (uint8_t)kind;
	e->stage = (uint8_t)stage;
	e->branch = (uint8_t)branch;
	e->pos = (uint8_t)pos;
}

/* Tracing: records a wait for the interpreter lock from t0 until now,
 * inside the step being run (w->tstep). */
static inline void mb_worker_trace_lock(struct mb_worker *w, uint64_t t0)
{
	const struct mb_trace_event *s = &w->tstep;
	mb_worker_trace(w, MB_TRACE_LOCK, s->task, s->slot, s->stage, s->branch, s->pos, t0,
			mb_now_ns());
}

void mb_worker_gil_yield(struct mb_worker *w);

/* What CPU work calls between work units under --gil (the worker's form of
 * mb_gil_tick): one relaxed load when nobody asked for the lock; a hand-over
 * is traced as a lock event when tracing. */
static inline void mb_worker_gil_tick(struct mb_worker *w)
{
	if (__builtin_expect(__atomic_load_n(&w->gil->drop_request, __ATOMIC_RELAXED), 0))
		mb_worker_gil_yield(w);
}

/* xorshift64*: cheap per-worker randomness for offsets and arrivals. */
static inline uint64_t mb_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

#endif
