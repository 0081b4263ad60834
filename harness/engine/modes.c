/* The modes and mb_mode_run, one run in named phases (README, "How it
 * measures"):
 *   prepare  the MAP_SHARED region (control block, per-worker slots with
 *            their histograms, trace buffers), the workers, the lock;
 *            a runtime's run_begin (runtime.h; run_end after collect)
 *   spawn    threads or forked processes (spawn.c); they set up, then
 *            wait at the gate
 *   gate     opens once every started worker arrived: the run's start
 *   wait     reaps them, enforcing --timeout and an interrupt (spawn.c)
 *   collect  merges histograms and counters, placement, the trace, and
 *            outside_load over the whole window
 *   release  frees what prepare made, unless threads could not be stopped.
 * Everything here runs outside the measured path: the workers record into
 * their own slots, and they are read only after they were reaped. */
#include "modes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gil.h"
#include "runner.h"
#include "runtime.h"

const struct mb_mode mb_modes[MB_NMODES] = {
#define MB_MODE_ENTRY(n, id, a, p, r, h) { n, MB_MODE_##id, a, p, r, h },
	MB_MODES(MB_MODE_ENTRY)
#undef MB_MODE_ENTRY
};

/* The modes are the CSV's mode values, listed once in base (schema.h,
 * MB_MODE_NAMES) for the report and here with their rules: the two lists
 * must name the same modes in the same order (test_modes checks the
 * names). */
_Static_assert((int)MB_NMODES == (int)MB_NMODE_NAMES, "MB_MODES and MB_MODE_NAMES differ in length");
#define MB_MODE_SAME_ID(n, id, a, p, r, h)                                      \
	_Static_assert((int)MB_MODE_##id == (int)MB_MODE_NAME_##id,              \
		       "MB_MODES and MB_MODE_NAMES differ in order at " n);
MB_MODES(MB_MODE_SAME_ID)
#undef MB_MODE_SAME_ID

const struct mb_mode *mb_mode_find(const char *name)
{
	for (unsigned i = 0; i < MB_NMODES; i++)
		if (!strcmp(name, mb_modes[i].name))
			return &mb_modes[i];
	return NULL;
}

unsigned mb_mode_workers(const struct mb_mode *m, unsigned k, unsigned c)
{
	switch (m->rule) {
	case MB_W_ONE:
		return 1;
	case MB_W_C:
		return c;
	case MB_W_K:
		return c < k ? c : k;
	}
	return 1;
}

const char *mb_status_name(enum mb_status s)
{
	static const char *names[] = { "ok", "failed", "timeout", "unsupported", "interrupted" };
	return names[s];
}

static double cpu_s(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + r->ru_stime.tv_usec / 1e6;
}

static uint64_t vm_hwm_kb(void)
{
	char line[256];
	uint64_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void reset_hwm(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "5", 1) < 0) {
			/* older kernels: the peak then spans the process's life */
		}
		close(fd);
	}
}

/* ---- prepare */

/* Trace events per worker: MB_TRACE_EVENTS split over the W workers, at
 * least 256 each. */
static uint64_t trace_cap(bool trace, unsigned W)
{
	return trace ? (MB_TRACE_EVENTS / W > 256 ? MB_TRACE_EVENTS / W : 256) : 0;
}

/* Task slots of worker i of W: an async worker's share of the C tasks in
 * flight, a blocking worker's one. */
static unsigned worker_tasks(bool async, unsigned c, unsigned W, unsigned i)
{
	unsigned total = async ? c : W;
	return total / W + (i < total % W);
}

size_t mb_footprint(const struct mb_mode *m, const struct mb_recipe *r, unsigned c, unsigned w,
		    bool trace, struct mb_footprint *fp)
{
	unsigned W = w ? w : 1;
	memset(fp, 0, sizeof(*fp));
	fp->ntasks = worker_tasks(m->async, c, W, 0); /* worker 0 has the most */
	fp->nlanes = m->async ? fp->ntasks * r->max_branches : 1;
	fp->slot = sizeof(struct mb_wslot);
	fp->worker = sizeof(struct mb_worker) + sizeof(bool) +
		     (m->procs ? sizeof(pid_t) : sizeof(pthread_t));
	fp->lanes = (size_t)fp->nlanes * sizeof(struct mb_lane);
	fp->tasks = m->async ? (size_t)fp->ntasks * sizeof(struct mb_task) : 0;
	fp->trace = trace_cap(trace, W) * sizeof(struct mb_trace_event);
	fp->stack = m->procs ? 0 : MB_WORKER_STACK;
	return fp->slot + fp->worker + fp->lanes + fp->tasks + fp->trace;
}

/* Maps the region shared with the workers: the control block, a slot per
 * worker and the trace buffers (trace_cap each). */
static int prepare_shared(struct mb_runner *rn)
{
	struct mb_run *run = rn->run;
	unsigned W = rn->nworkers;

	rn->trace_cap = trace_cap(run->trace != NULL, W);
	rn->shm_len = sizeof(struct mb_control) + (size_t)W * sizeof(struct mb_wslot) +
		      (size_t)W * rn->trace_cap * sizeof(struct mb_trace_event);
	void *shm = mmap(NULL, rn->shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (shm == MAP_FAILED) {
		int rc = -errno;
		snprintf(rn->out->error, sizeof(rn->out->error),
			 "mmap of %zu bytes for %u workers: %s", rn->shm_len, W, strerror(-rc));
		return rc;
	}
	rn->shm = shm;
	rn->ctl = shm;
	rn->slots = (struct mb_wslot *)(rn->ctl + 1);
	rn->trace = (struct mb_trace_event *)(rn->slots + W);
	run->stop = &rn->ctl->stop;
	return 0;
}

/* Worker i: its PU, its slot and trace buffer, its share of the task
 * slots, of a task count and of an open-loop rate. */
static void worker_init(struct mb_runner *rn, unsigned i)
{
	const struct mb_run *run = rn->run;
	struct mb_worker *w = &rn->workers[i];
	unsigned W = rn->nworkers;

	w->id = i;
	w->pu = run->pus[i % run->cores];
	w->bind = run->policy != MB_POLICY_NONE;
	w->run = run;
	w->res = &rn->slots[i].res;
	w->lat = &rn->slots[i].lat;
	w->svc = &rn->slots[i].svc;
	mb_hist_reset(w->lat);
	mb_hist_reset(w->svc);
	w->ntasks = worker_tasks(rn->m->async, run->concurrency, W, i);
	w->quota = run->tasks ? run->tasks / W + (i < run->tasks % W) : UINT64_MAX;
	w->interval_ns = run->rate > 0 ? 1e9 * W / run->rate : 0;
	w->gil = rn->gil;
	w->gil_drop = rn->gil ? &rn->gil->drop_request : NULL;
	w->gil_yield = mb_worker_gil_yield;
	w->trace_cap = rn->trace_cap;
	w->trace_ev = rn->trace_cap ? rn->trace + i * rn->trace_cap : NULL;
}

/* The workers (each on its own cache lines) and the interpreter lock. */
static int prepare_workers(struct mb_runner *rn)
{
	struct mb_run *run = rn->run;
	unsigned W = rn->nworkers;
	size_t wbytes = (W * sizeof(*rn->workers) + MB_CACHELINE - 1) / MB_CACHELINE * MB_CACHELINE;

	rn->workers = aligned_alloc(MB_CACHELINE, wbytes);
	rn->reaped = calloc(W ? W : 1, sizeof(*rn->reaped));
	if (!rn->workers || !rn->reaped) {
		snprintf(rn->out->error, sizeof(rn->out->error), "out of memory for %u workers", W);
		return -ENOMEM;
	}
	memset(rn->workers, 0, W * sizeof(*rn->workers));
	/* A runtime of its own (runtime.h) brings its own lock, if any. */
	if (run->gil_ns && !rn->m->procs && !run->runtime) {
		rn->gil = malloc(sizeof(*rn->gil));
		if (!rn->gil || mb_gil_init(rn->gil, run->gil_ns)) {
			free(rn->gil);
			rn->gil = NULL;
			snprintf(rn->out->error, sizeof(rn->out->error),
				 "cannot create the interpreter lock");
			return -ENOMEM;
		}
	}
	for (unsigned i = 0; i < W; i++)
		worker_init(rn, i);
	return 0;
}

/* ---- the window outside_load is measured over */

/* outside_load compares the pinned cores' busy time with this process's
 * and its children's over the same window (spawning and reaping
 * included), so set-up costs are not blamed on others. The delay service
 * modebench started is a child not reaped during the run: its CPU time
 * is read from /proc, so its share of cores it shares with the workers
 * (server_cpus "... (shared with workers)") is not counted as others'. */
static void window_open(struct mb_runner *rn)
{
	reset_hwm();
	getrusage(RUSAGE_SELF, &rn->self0);
	getrusage(RUSAGE_CHILDREN, &rn->kids0);
	rn->svc0_s = mb_cpustat_proc_s(rn->run->server_pid);
	rn->win0 = mb_now_ns();
	mb_cpustat_read(&rn->cs0);
}

static void window_close(struct mb_runner *rn)
{
	mb_cpustat_read(&rn->cs1);
	rn->win1 = mb_now_ns();
	getrusage(RUSAGE_SELF, &rn->self1);
	getrusage(RUSAGE_CHILDREN, &rn->kids1);
	rn->svc1_s = mb_cpustat_proc_s(rn->run->server_pid);
}

static void outside_load(struct mb_runner *rn)
{
	struct mb_run_result *out = rn->out;
	unsigned used = mb_mode_one_core(rn->m) ? 1 : rn->run->cores;
	double own = cpu_s(&rn->self1) - cpu_s(&rn->self0) + cpu_s(&rn->kids1) -
		     cpu_s(&rn->kids0) + (rn->svc1_s - rn->svc0_s);
	mb_cpustat_outside(&rn->cs0, &rn->cs1, rn->run->pus, used, own,
			   (rn->win1 - rn->win0) / 1e9, &out->outside_load, out->outside_note,
			   sizeof(out->outside_note));
}

/* ---- collect */

/* Adds worker i's counters, histograms and trace events into the result;
 * the first worker error becomes the row's (not after a timeout, whose
 * message stands). */
static void collect_worker(struct mb_runner *rn, unsigned i)
{
	const struct mb_run *run = rn->run;
	struct mb_run_result *out = rn->out;
	const struct mb_worker_result *r = &rn->slots[i].res;

	out->tasks += r->tasks;
	out->user_s += r->user_us / 1e6;
	out->sys_s += r->sys_us / 1e6;
	out->nvcsw += r->nvcsw;
	out->nivcsw += r->nivcsw;
	out->bytes += r->bytes;
	out->checksum ^= r->checksum;
	if (rn->m->procs)
		out->maxrss_kb += r->maxrss_kb;
	if (!r->placement_ok)
		out->placement_ok = false;
	out->trace_dropped += r->trace_dropped;
	for (unsigned j = 0; j < MB_MEM_NODE_WORDS; j++)
		out->mem_nodes[j] |= r->mem_nodes[j];
	out->mem_checked += r->mem_checked != 0;
	out->mem_unhonoured += r->mem_unhonoured != 0;
	if (r->mem_errno && !out->mem_errno)
		out->mem_errno = r->mem_errno;
	if (r->first_ns) {
		uint64_t due = r->first_due_ns > rn->ctl->t0 ? r->first_due_ns : rn->ctl->t0;
		uint64_t skew = r->first_ns > due ? r->first_ns - due : 0;
		if (skew > out->start_skew_ns)
			out->start_skew_ns = skew;
	}
	if (run->trace && i == 0)
		mb_trace_header(run->trace);
	if (run->trace)
		mb_trace_write(run->trace, run->trace_label, i, rn->trace + i * rn->trace_cap,
			       r->trace_n, rn->ctl->t0);
	mb_hist_merge(out->lat, &rn->slots[i].lat);
	mb_hist_merge(out->svc, &rn->slots[i].svc);
	if (r->error && out->status != MB_ST_FAILED && !rn->timed_out) {
		out->status = MB_ST_FAILED;
		snprintf(out->error, sizeof(out->error), "worker %u: %s", i, r->errmsg);
	}
}

/* The run lasts from the gate's opening to the last worker's end: waking
 * many workers is part of what a mode costs. */
static void collect(struct mb_runner *rn)
{
	struct mb_run_result *out = rn->out;
	uint64_t t0 = rn->ctl->t0, t1 = 0;

	out->placement_ok = true;
	for (unsigned i = 0; i < rn->started; i++) {
		/* A thread the runner gave up on (stuck, never joined) may
		 * still be writing its records: they are left out, unread
		 * (the row says some threads could not be stopped). */
		if (!rn->m->procs && !rn->reaped[i])
			continue;
		collect_worker(rn, i);
		if (rn->slots[i].res.end_ns > t1)
			t1 = rn->slots[i].res.end_ns;
	}
	if (rn->rc && out->status == MB_ST_OK)
		out->status = MB_ST_FAILED;
	if (!rn->m->procs)
		out->maxrss_kb = vm_hwm_kb();
	out->wall_s = t1 > t0 ? (double)(t1 - t0) / 1e9 : 0;
	if (__atomic_load_n(&rn->ctl->stop, __ATOMIC_RELAXED) == 2 && out->status == MB_ST_OK) {
		out->status = MB_ST_INTERRUPTED;
		snprintf(out->error, sizeof(out->error), "interrupted");
	}
	outside_load(rn);
	if (rn->run->trace)
		fflush(rn->run->trace);
}

/* Frees what prepare made. Threads that could not be stopped still use
 * the workers, the shared region and the lock: those are left as they
 * are (the sweep stops). */
static void release(struct mb_runner *rn)
{
	free(rn->threads);
	free(rn->pids);
	if (rn->stuck)
		return;
	if (rn->gil) {
		mb_gil_destroy(rn->gil);
		free(rn->gil);
	}
	free(rn->workers);
	free(rn->reaped);
	if (rn->shm) {
		munmap(rn->shm, rn->shm_len);
		rn->run->stop = NULL;
	}
}

int mb_mode_run(struct mb_run *run, struct mb_run_result *out)
{
	struct mb_runner rn = { .run = run, .out = out, .m = run->mode, .nworkers = run->nworkers };
	int rc;

	memset(out->lat, 0, sizeof(*out->lat));
	mb_hist_reset(out->lat);
	mb_hist_reset(out->svc);
	out->workers = rn.nworkers;
	out->start_skew_ns = 0;
	memset(out->mem_nodes, 0, sizeof(out->mem_nodes));
	out->mem_checked = out->mem_unhonoured = 0;
	out->mem_errno = 0;
	if (!run->mem)
		run->mem = &mb_mempol_ops;
	out->status = MB_ST_OK;
	out->error[0] = 0;

	const struct mb_runtime *rt = run->runtime;
	rc = prepare_shared(&rn);
	if (!rc)
		rc = prepare_workers(&rn);
	if (!rc && rt && rt->run_begin)
		rc = rt->run_begin(run, out->error, sizeof(out->error));
	if (!rc) {
		window_open(&rn);
		mb_runner_spawn(&rn);
		mb_runner_open_gate(&rn);
		mb_runner_wait(&rn);
		window_close(&rn);
		collect(&rn);
		rc = rn.stuck ? -EDEADLK : 0;
		if (!rn.stuck && rt && rt->run_end)
			rt->run_end(run);
	}
	release(&rn);
	return rc;
}

const char *mb_run_unsupported(const struct mb_run *run)
{
	if (run->runtime) /* its own checks replace the C runtime's */
		return run->runtime->unsupported ? run->runtime->unsupported(run) : NULL;
	/* MB_BACKEND_NONE is a blocking mode's: it runs no loop. */
	bool loop = run->backend != MB_BACKEND_NONE;
	unsigned caps = mb_backend_caps(run->backend);
	if (loop) {
		const char *why = mb_backend_unsupported(run->backend);
		if (why)
			return why;
	}
	const struct mb_step *s;
	MB_FOR_EACH_STEP(run->recipe, s)
	{
		if (loop && (s->kind->flags & MB_STEP_F_LOOP_FILE_READ) &&
		    !(caps & MB_LOOP_CAP_FILE_READ)) {
			static __thread char why[96];
			snprintf(why, sizeof(why),
				 "%s cannot wait on regular files; use --backend io_uring",
				 mb_backend_name(run->backend));
			return why;
		}
		const char *why = s->kind->unsupported ? s->kind->unsupported(run, s) : NULL;
		if (why)
			return why;
	}
	return NULL;
}
