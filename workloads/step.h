/* The step API: what workloads/ offers the engine, and all that a step kind
 * may see of it. The engine (harness/engine) reaches the step kinds only
 * through this header; the step kinds know nothing of modes, placement or
 * the sweep.
 *
 * - Step kinds, in the manner of fio's ioengine_ops: one const descriptor
 *   per file under workloads/, each giving a blocking form and an async
 *   form of the same work. The async form either finishes inline
 *   (MB_Q_COMPLETED, as CPU work does: it blocks the loop) or queues an
 *   operation on the worker's loop (MB_Q_QUEUED) and later calls
 *   lane->done(lane, res) exactly once. What a kind needs or is (a wait,
 *   the delay service, the test file, a file read through the loop) is in
 *   its .flags, so nobody compares descriptor pointers to find out.
 * - Recipes: a task's steps, parsed from text, and the presets.
 * - The execution context a step runs in (struct mb_run, mb_worker,
 *   mb_lane): filled by the engine; a step reads the run's facts and uses
 *   its worker's loop, random state, checksum, byte count, memory and
 *   error slot. Fields marked "engine" are the engine's alone. */
#ifndef MB_STEP_H
#define MB_STEP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "loop.h"

/* Opaque here: the engine's. */
struct mb_mode;
struct mb_topo;
struct mb_hist;
struct mb_gil;
struct mb_task;
struct mb_worker_result;
struct mb_trace_event;
struct mb_runtime;
struct mb_mempol;

struct mb_worker;
struct mb_lane;
struct mb_run;

/* ---- Step kinds ------------------------------------------------------- */

enum mb_q { MB_Q_COMPLETED = 0, MB_Q_QUEUED = 1 };

struct mb_step {
	const struct mb_step_kind *kind;
	uint64_t a;	 /* cpu: work units; sleep: ns; mem/file: bytes; net: delay ns */
	uint64_t b;	 /* net: response bytes */
	uint64_t dur_ns; /* cpu:DUR as asked, before calibration; 0 for cpu:N */
};

/* What a step kind is and needs (struct mb_step_kind.flags). */
enum mb_step_flag {
	/* A wait: the interpreter lock is released around it, and the trace
	 * calls it a wait (else it is CPU work). */
	MB_STEP_F_WAIT = 1u << 0,
	/* a is a nominal wait in ns (counted by mb_recipe_wait_ns). */
	MB_STEP_F_TIMED = 1u << 1,
	/* a counts CPU work units (the CSV's work_units); a step with dur_ns
	 * set is calibrated by mb_recipe_calibrate. */
	MB_STEP_F_WORK_UNITS = 1u << 2,
	/* Needs the loopback delay service (or --server). */
	MB_STEP_F_SERVER = 1u << 3,
	/* Needs the test file. */
	MB_STEP_F_TEST_FILE = 1u << 4,
	/* The async form reads a regular file through the loop: the backend
	 * must have MB_LOOP_CAP_FILE_READ, else the run is unsupported. */
	MB_STEP_F_LOOP_FILE_READ = 1u << 5,
};

struct mb_step_kind {
	const char *name;
	const char *syntax;
	const char *help;
	unsigned flags; /* enum mb_step_flag */
	/* Parses the text after "name:"; writes one line to err on failure. */
	int (*parse)(const char *arg, struct mb_step *out, char *err, unsigned errlen);
	/* NULL when the step can run in this run, else the reason (the run
	 * becomes an unsupported row). May be NULL. What .flags say (the
	 * backend's capabilities) the engine checks itself. */
	const char *(*unsupported)(const struct mb_run *run, const struct mb_step *s);
	/* Per-worker setup and teardown outside the measured period (buffers,
	 * connections). May be NULL. */
	int (*worker_setup)(struct mb_worker *w, const struct mb_step *s);
	void (*worker_teardown)(struct mb_worker *w);
	/* Per-lane setup (a lane is one concurrent stream of steps: one per
	 * blocking worker, one per parallel branch of each async task). */
	int (*lane_setup)(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s);
	void (*lane_teardown)(struct mb_worker *w, struct mb_lane *lane);
	/* Returns 0 or -errno. -ECANCELED, while the run is stopping
	 * (mb_worker_stopping), says the step stopped before its end: its
	 * task did not complete, so the engine neither counts nor records
	 * it, and reports no error. */
	int (*run_blocking)(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s);
	/* Returns MB_Q_COMPLETED, MB_Q_QUEUED or -errno (-ECANCELED as
	 * above, here or as the result given to lane->done). */
	int (*start_async)(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s);
};

/* Registration list (stress-ng style): one entry per file in workloads/.
 * Adding a step kind is one file and one entry here. */
#define MB_STEP_KINDS(X) X(cpu) X(mem) X(sleep) X(net) X(file)

#define MB_STEP_DECL(name) extern const struct mb_step_kind mb_step_##name;
MB_STEP_KINDS(MB_STEP_DECL)
#undef MB_STEP_DECL

extern const struct mb_step_kind *const mb_step_kinds[];
extern const unsigned mb_step_nkinds;
const struct mb_step_kind *mb_step_find(const char *name, unsigned len);

/* The fixed compute kernel of cpu steps, exposed for calibration and the
 * bare-loop benchmark: runs n work units from state x, returns the state
 * (callers fold it into a checksum so the work cannot be removed). */
uint64_t mb_cpu_kernel(uint64_t x, uint64_t n);

/* ---- Recipes ------------------------------------------------------------
 * Grammar:
 *   recipe := item ('+' item)*
 *   item   := step | '(' branch ('|' branch)+ ')'
 *   branch := step ('+' step)*
 *   step   := kind ':' arg
 * A recipe is a list of stages run in order; a stage is one or more
 * branches that run concurrently in async modes and one after the other in
 * blocking modes. Groups do not nest. */

#define MB_MAX_STAGES 16
#define MB_MAX_BRANCHES 8
#define MB_MAX_BSTEPS 8
#define MB_RECIPE_TEXT 256

struct mb_branch {
	unsigned nsteps;
	struct mb_step steps[MB_MAX_BSTEPS];
};

struct mb_stage {
	unsigned nbranches;
	struct mb_branch br[MB_MAX_BRANCHES];
};

struct mb_recipe {
	unsigned nstages;
	unsigned max_branches;
	struct mb_stage st[MB_MAX_STAGES];
	char text[MB_RECIPE_TEXT];
};

/* Parses text; on error writes one line naming the problem into err. */
int mb_recipe_parse(const char *text, struct mb_recipe *r, char *err, unsigned errlen);

/* Turns every cpu:DUR step into work units at units_per_sec. */
void mb_recipe_calibrate(struct mb_recipe *r, double units_per_sec);

/* CPU work units per task (the CSV's work_units). */
uint64_t mb_recipe_work_units(const struct mb_recipe *r);

/* Sum of the wait steps' nominal durations, and of the CPU steps' at the
 * given rate, for one task run one step after another (ns). */
uint64_t mb_recipe_wait_ns(const struct mb_recipe *r);

/* True when some step is of this kind. */
int mb_recipe_uses(const struct mb_recipe *r, const struct mb_step_kind *k);

/* The union of the step kinds' flags over every step (enum mb_step_flag):
 * what a recipe needs (the delay service, the test file, calibration). */
unsigned mb_recipe_flags(const struct mb_recipe *r);

/* The largest argument a of the steps of kind k (0 when none): a step's
 * per-lane or per-worker buffer is sized for the recipe's largest use. */
uint64_t mb_recipe_max_arg(const struct mb_recipe *r, const struct mb_step_kind *k);

/* Visits every step s of recipe r, stage by stage, branch by branch:
 *   const struct mb_step *s; MB_FOR_EACH_STEP(r, s) { ... }
 * (a break leaves only the innermost loop: use a flag, a return or a
 * goto). MB_FOR_EACH_STEP_AT also gives the step's place: it declares
 * three unsigned variables, named by its stage, branch and pos arguments,
 * visible in the body. Costs nothing beyond the three loops it stands for. */
#define MB_FOR_EACH_STEP_AT(r, s, stage, branch, pos)                                   \
	for (unsigned stage = 0; stage < (r)->nstages; stage++)                         \
		for (unsigned branch = 0; branch < (r)->st[stage].nbranches; branch++)  \
			for (unsigned pos = 0; pos < (r)->st[stage].br[branch].nsteps; pos++) \
				for (s = &(r)->st[stage].br[branch].steps[pos]; s; s = NULL)
#define MB_FOR_EACH_STEP(r, s) MB_FOR_EACH_STEP_AT(r, s, i_, j_, k_)

/* Presets: name -> recipe text (NULL when not a preset). "mixed" depends on
 * the I/O fraction and is built by mb_preset_mixed. */
struct mb_preset {
	const char *name;
	const char *recipe;
	const char *help;
};
extern const struct mb_preset mb_presets[];
extern const unsigned mb_npresets;
const char *mb_preset_recipe(const char *name);

/* CPU units of the cpu preset (about 100 us on a current core). */
#define MB_CPU_PRESET_UNITS 200

/* The mixed preset: a task budget split into a CPU step of (1-f) x budget
 * and a wait step of f x budget, of io_kind (sleep, net or file). */
#define MB_MIXED_BUDGET_NS (1000 * 1000ull)
int mb_preset_mixed(double f, const char *io_kind, char *buf, unsigned len);

/* ---- The execution context ----------------------------------------- */

/* Memory that follows the run's --mem-policy (the mem step's buffers;
 * net and file buffers stay plain, local). The engine fills run->mem;
 * steps go through mb_step_buffer and friends, which fall back to plain
 * memory without it. alloc: len bytes at an align boundary (a power of
 * two, at least a page), placed for worker w, untouched; NULL with errno
 * set. huge: the step wants huge pages (fewer TLB misses) where the
 * policy allows. placed: called once the buffer was written (every page
 * touched): notes where its pages are, outside the measured period.
 * free: gives back what alloc gave. */
struct mb_mem_ops {
	void *(*alloc)(struct mb_worker *w, size_t len, size_t align, bool huge);
	void (*placed)(struct mb_worker *w, const void *p, size_t len);
	void (*free)(struct mb_worker *w, void *p, size_t len);
};

/* What a run is: fixed before workers start, read-only while they run. */
struct mb_run {
	const struct mb_recipe *recipe;
	const struct mb_mode *mode;  /* engine */
	const struct mb_runtime *runtime; /* engine: NULL runs the C executors */
	enum mb_backend backend;     /* MB_BACKEND_NONE for blocking modes */
	const struct mb_topo *topo;  /* engine */
	int policy;		     /* engine: enum mb_policy */
	unsigned cores;		     /* k */
	const unsigned *pus;	     /* k PU OS indexes */
	unsigned concurrency;	     /* C */
	unsigned nworkers;	     /* W */
	uint64_t tasks;		     /* total, 0 when by duration */
	uint64_t duration_ns;	     /* 0 when by task count */
	uint64_t timeout_ns;	     /* 0: none */
	double rate;		     /* open loop starts per second, 0 closed */
	bool poisson;
	uint64_t gil_ns;	     /* 0: no interpreter lock */
	uint64_t seed;
	/* I/O targets, prepared by the sweep */
	struct sockaddr_in server;
	bool have_server;
	int server_pid;		 /* the delay service modebench started (its CPU
				  * time is modebench's, not outside load); 0 */
	int file_fd;		 /* -1 when none */
	uint64_t file_size;
	bool direct;
	unsigned long long llc_bytes;
	FILE *trace;		 /* NULL when not tracing */
	const char *trace_label; /* the run's id in the trace file */
	const struct mb_mempol *mem_policy; /* engine: --mem-policy; NULL: local */
	const struct mb_mem_ops *mem;	    /* engine: set by the runner */
	int *stop; /* set (shared memory) to make workers stop starting tasks */
	/* Called by the runner once every started worker is set up, just
	 * before the gate opens and the run's start is taken (run --mpi: the
	 * ranks' start barrier); NULL: none. Nonzero stops the run. */
	int (*before_start)(void *arg);
	void *before_start_arg;
};

/* One concurrent stream of steps. */
struct mb_lane {
	struct mb_op op; /* the loop operation in flight */
	struct mb_worker *w;
	struct mb_task *task; /* engine */
	void (*done)(struct mb_lane *lane, int res);
	unsigned branch, pos;
	int fd;	   /* net: this lane's connection; -1 */
	char *buf; /* net/file buffer, step-owned */
	size_t buflen;
	uint64_t scratch[4];
	uint64_t t0; /* start of the current step (tracing) */
};

/* Where a worker is in its tasks: the step being run, for the trace. */
struct mb_step_pos {
	uint32_t task;
	uint16_t slot;
	uint8_t stage, branch, pos;
};

/* A worker: the thing that runs tasks, bound to one PU. */
struct mb_worker {
	unsigned id;
	unsigned pu;
	bool bind;
	const struct mb_run *run;
	struct mb_worker_result *res; /* engine */
	struct mb_hist *lat;	      /* engine: from the intended start */
	struct mb_hist *svc;	      /* engine: from the actual start */
	struct mb_loop *loop;	      /* NULL in blocking modes */
	struct mb_task *tasks;	      /* engine */
	struct mb_task *free_tasks;   /* engine */
	unsigned ntasks;
	struct mb_lane *lanes;
	unsigned nlanes;
	uint64_t quota;	  /* tasks to complete, or UINT64_MAX by duration */
	uint64_t started; /* tasks started */
	uint64_t done;
	uint64_t deadline_ns;	/* engine: no task starts at or after it; 0: none */
	/* engine: the open-loop schedule; interval_ns is 0 in a closed loop */
	double interval_ns;	/* this worker's mean gap between arrivals, W/rate */
	uint64_t origin_ns;	/* the run's start, which arrivals count from */
	uint64_t next_start_ns; /* the next arrival's intended start */
	uint64_t arrivals;	/* arrivals scheduled so far */
	double poisson_ns;	/* Poisson: the last arrival, after origin_ns */
	uint64_t arrival_rng;	/* Poisson: this worker's own random stream */
	/* engine: when the first task started, and from when it could have:
	 * the run's start in a closed loop, its arrival in an open one */
	uint64_t first_ns, first_due_ns;
	uint64_t rng;
	uint64_t checksum;
	uint64_t bytes;
	void *mem;
	size_t memlen;
	/* The interpreter lock (--gil), NULL without one. CPU work calls
	 * mb_worker_gil_tick between work units. */
	struct mb_gil *gil;
	const int *gil_drop;		    /* engine: the lock's drop request */
	void (*gil_yield)(struct mb_worker *w); /* engine: hands the lock over */
	struct mb_trace_event *trace_ev;    /* engine: this worker's trace buffer */
	uint64_t trace_cap, trace_n, trace_dropped;
	struct mb_step_pos tstep; /* engine: tracing, the step being run */
	int error;
	char errmsg[160];
};

/* A step's buffer under the run's memory policy (run->mem), or plain
 * memory at an align boundary without one; madvise'd for huge pages when
 * huge (and the policy allows). NULL with errno set. Outside the measured
 * period only. */
void *mb_step_buffer(struct mb_worker *w, size_t len, size_t align, bool huge);
/* After the buffer was written: its pages' nodes are noted (run->mem). */
void mb_step_buffer_placed(struct mb_worker *w, const void *p, size_t len);
void mb_step_buffer_free(struct mb_worker *w, void *p, size_t len);

/* Records an error once (first one wins); printf-style. */
void mb_worker_fail(struct mb_worker *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether the run is stopping (a timeout or an interrupt): steps that can
 * take long look between chunks of their work, and one that stops before
 * its end returns -ECANCELED. One relaxed load of a line nobody writes
 * while the run goes on. */
static inline bool mb_worker_stopping(const struct mb_worker *w)
{
	return w->run->stop && __atomic_load_n(w->run->stop, __ATOMIC_RELAXED) != 0;
}

/* What CPU work calls between work units under --gil: one relaxed load
 * when nobody asked for the lock, else the engine's hand-over. */
static inline void mb_worker_gil_tick(struct mb_worker *w)
{
	if (__builtin_expect(__atomic_load_n(w->gil_drop, __ATOMIC_RELAXED), 0))
		w->gil_yield(w);
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
