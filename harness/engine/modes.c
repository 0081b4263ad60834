#include "modes.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpustat.h"
#include "gil.h"

const struct mb_mode mb_modes[MB_NMODES] = {
#define MB_MODE_ENTRY(n, id, a, p, r, h) { n, MB_MODE_##id, a, p, r, h },
	MB_MODES(MB_MODE_ENTRY)
#undef MB_MODE_ENTRY
};

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

/* Shared between the runner and its workers, threads or processes. The
 * start gate is a futex word: workers count themselves in and sleep until
 * the runner, having seen every started worker arrive, opens it. Unlike a
 * pthread barrier it still opens when fewer workers could be started. */
struct control {
	unsigned arrived;
	unsigned go;
	int stop;
	uint64_t t0; /* when the gate opened: the run's start */
} MB_ALIGNED;

struct wslot {
	struct mb_worker_result res;
	struct mb_hist lat MB_ALIGNED;
	struct mb_hist svc MB_ALIGNED;
};

static int *volatile current_stop;

void mb_mode_interrupt(void)
{
	int *s = current_stop;
	if (s)
		__atomic_store_n(s, 2, __ATOMIC_RELAXED);
}

static uint64_t gate_wait(void *arg)
{
	struct control *ctl = arg;
	__atomic_fetch_add(&ctl->arrived, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ctl->go, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &ctl->go, FUTEX_WAIT, 0, NULL, NULL, 0);
	return ctl->t0;
}

/* Opens the gate once n workers arrived, or after max_wait_ns with the
 * stop flag set (returns false then). */
static bool gate_open(struct control *ctl, unsigned n, uint64_t max_wait_ns)
{
	uint64_t until = mb_now_ns() + max_wait_ns;
	bool all = true;
	while (__atomic_load_n(&ctl->arrived, __ATOMIC_ACQUIRE) < n) {
		struct timespec ts = { 0, 100000 };
		if (mb_now_ns() > until) {
			__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELAXED);
			all = false;
			break;
		}
		nanosleep(&ts, NULL);
	}
	ctl->t0 = mb_now_ns();
	__atomic_store_n(&ctl->go, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &ctl->go, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
	return all;
}

static void note_signal(struct wslot *slot, unsigned i, int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) && !slot->res.error) {
		slot->res.error = -EIO;
		snprintf(slot->res.errmsg, sizeof(slot->res.errmsg),
			 "worker process %u exited with status %d", i, WEXITSTATUS(st));
	}
	if (WIFSIGNALED(st) && !slot->res.error) {
		const char *name = sigabbrev_np(WTERMSIG(st));
		slot->res.error = -EINTR;
		snprintf(slot->res.errmsg, sizeof(slot->res.errmsg),
			 "worker process %u killed by signal SIG%s", i, name ? name : "?");
	}
}

/* Waits for every worker. Past the run's timeout (or 2 s after an
 * interrupt) the workers are told to stop starting tasks; a second later
 * processes are killed and threads cancelled (every wait a step makes is a
 * cancellation point). Returns how many threads could not be stopped. */
static unsigned wait_workers(const struct mb_run *run, struct control *ctl, pthread_t *threads,
			     pid_t *pids, unsigned n, struct wslot *slots, bool *timed_out)
{
	bool *done = calloc(n ? n : 1, sizeof(*done));
	unsigned left = n, stage = 0;
	uint64_t deadline = run->timeout_ns ? ctl->t0 + run->timeout_ns : UINT64_MAX;
	uint64_t next = deadline;

	*timed_out = false;
	while (left) {
		for (unsigned i = 0; i < n; i++) {
			if (done[i])
				continue;
			int st;
			if (pids) {
				pid_t r = waitpid(pids[i], &st, WNOHANG);
				if (r == pids[i] || (r < 0 && errno == ECHILD)) {
					if (r == pids[i])
						note_signal(&slots[i], i, st);
					done[i] = true;
					left--;
				}
			} else if (pthread_tryjoin_np(threads[i], NULL) == 0) {
				done[i] = true;
				left--;
			}
		}
		if (!left)
			break;
		uint64_t now = mb_now_ns();
		if (stage == 0 && __atomic_load_n(&ctl->stop, __ATOMIC_RELAXED) == 2 &&
		    next > now + 2 * MB_NS_PER_S)
			next = now + 2 * MB_NS_PER_S; /* interrupted: a short grace */
		if (now >= next) {
			if (stage == 0) {
				*timed_out = __atomic_load_n(&ctl->stop, __ATOMIC_RELAXED) != 2;
				__atomic_store_n(&ctl->stop, *timed_out ? 1 : 2, __ATOMIC_RELAXED);
				next = now + MB_NS_PER_S;
			} else if (stage == 1) {
				for (unsigned i = 0; i < n; i++)
					if (!done[i]) {
						if (pids)
							kill(pids[i], SIGKILL);
						else
							pthread_cancel(threads[i]);
					}
				next = now + 3 * MB_NS_PER_S;
			} else {
				break;
			}
			stage++;
			continue;
		}
		/* Sleep a little; the workers stamp their own times, so this
		 * polling only delays the reaping. */
		struct timespec ts = { 0, (long)(pids ? 2 : 20) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (left && !pids) {
		for (unsigned i = 0; i < n; i++)
			if (!done[i])
				pthread_detach(threads[i]);
	}
	free(done);
	return pids ? 0 : left;
}

static void *thread_main(void *arg)
{
	struct mb_worker *w = arg;
	char name[16];
	snprintf(name, sizeof(name), "mb-w%u", w->id);
	pthread_setname_np(pthread_self(), name);
	mb_worker_main(w, gate_wait,
		       (char *)w->run->stop - offsetof(struct control, stop));
	return NULL;
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

int mb_mode_run(struct mb_run *run, struct mb_run_result *out)
{
	const struct mb_mode *m = run->mode;
	unsigned W = run->nworkers, k = run->cores;
	struct control *ctl = NULL;
	struct wslot *slots = NULL;
	struct mb_worker *workers = NULL;
	pthread_t *threads = NULL;
	pid_t *pids = NULL;
	struct mb_gil *gil = NULL;
	bool timed_out = false, abandoned = false;
	uint64_t trace_cap = run->trace ? (MB_TRACE_EVENTS / W > 256 ? MB_TRACE_EVENTS / W : 256) : 0;
	size_t shm_len = sizeof(struct control) + (size_t)W * sizeof(struct wslot) +
			 (size_t)W * trace_cap * sizeof(struct mb_trace_event);
	struct mb_cpustat cs0, cs1;
	unsigned started = 0;
	int rc = 0;

	memset(out->lat, 0, sizeof(*out->lat));
	mb_hist_reset(out->lat);
	mb_hist_reset(out->svc);
	out->workers = W;
	out->status = MB_ST_OK;
	out->error[0] = 0;

	void *shm = mmap(NULL, shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		rc = -errno;
		snprintf(out->error, sizeof(out->error), "mmap of %zu bytes for %u workers: %s",
			 shm_len, W, strerror(-rc));
		return rc;
	}
	ctl = shm;
	slots = (struct wslot *)(ctl + 1);
	run->stop = &ctl->stop;

	size_t wbytes = (W * sizeof(*workers) + MB_CACHELINE - 1) / MB_CACHELINE * MB_CACHELINE;
	workers = aligned_alloc(MB_CACHELINE, wbytes);
	if (!workers) {
		rc = -ENOMEM;
		snprintf(out->error, sizeof(out->error), "out of memory for %u workers", W);
		goto done;
	}
	memset(workers, 0, W * sizeof(*workers));
	if (run->gil_ns && !m->procs) {
		gil = malloc(sizeof(*gil));
		if (!gil || mb_gil_init(gil, run->gil_ns)) {
			free(gil);
			gil = NULL;
			rc = -ENOMEM;
			snprintf(out->error, sizeof(out->error), "cannot create the interpreter lock");
			goto done;
		}
	}
	unsigned slots_total = m->async ? run->concurrency : W;
	for (unsigned i = 0; i < W; i++) {
		struct mb_worker *w = &workers[i];
		w->id = i;
		w->pu = run->pus[i % k];
		w->bind = run->policy != MB_POLICY_NONE;
		w->run = run;
		w->res = &slots[i].res;
		w->lat = &slots[i].lat;
		w->svc = &slots[i].svc;
		mb_hist_reset(w->lat);
		mb_hist_reset(w->svc);
		w->ntasks = slots_total / W + (i < slots_total % W);
		w->quota = run->tasks ? run->tasks / W + (i < run->tasks % W) : UINT64_MAX;
		w->interval_ns = run->rate > 0 ? 1e9 * W / run->rate : 0;
		w->gil = gil;
		w->gil_drop = gil ? &gil->drop_request : NULL;
		w->gil_yield = mb_worker_gil_yield;
		w->trace_cap = trace_cap;
		w->trace_ev = trace_cap ? (struct mb_trace_event *)(slots + W) + i * trace_cap : NULL;
	}

	reset_hwm();
	/* outside_load compares the pinned cores' busy time with this
	 * process's and its children's over the same window (spawning and
	 * reaping included), so set-up costs are not blamed on others. */
	struct rusage self0, kids0, self1, kids1;
	getrusage(RUSAGE_SELF, &self0);
	getrusage(RUSAGE_CHILDREN, &kids0);
	uint64_t win0 = mb_now_ns();
	mb_cpustat_read(&cs0);
	current_stop = &ctl->stop;
	fflush(NULL);
	if (m->procs) {
		pids = calloc(W, sizeof(*pids));
		if (!pids) {
			rc = -ENOMEM;
			goto spawned;
		}
		for (; started < W; started++) {
			pid_t pid = fork();
			if (pid == 0) {
				struct rusage ru;
				struct mb_worker *w = &workers[started];
				signal(SIGINT, SIG_IGN);
				mb_worker_main(w, gate_wait, ctl);
				getrusage(RUSAGE_SELF, &ru);
				w->res->maxrss_kb = (uint64_t)ru.ru_maxrss;
				_exit(w->res->error ? 1 : 0);
			}
			if (pid < 0) {
				rc = -errno;
				break;
			}
			pids[started] = pid;
		}
	} else {
		pthread_attr_t attr;
		threads = calloc(W, sizeof(*threads));
		if (!threads) {
			rc = -ENOMEM;
			goto spawned;
		}
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 256 * 1024);
		for (; started < W; started++) {
			int e = pthread_create(&threads[started], &attr, thread_main,
					       &workers[started]);
			if (e) {
				rc = -e;
				break;
			}
		}
		pthread_attr_destroy(&attr);
	}
spawned:
	if (rc) {
		/* Could not start them all: the ones started are told to stop
		 * at once when the gate opens. */
		snprintf(out->error, sizeof(out->error),
			 "could only start %u of %u %s: %s (raise ulimit -u / "
			 "kernel.threads-max, or lower -C)", started, W,
			 m->procs ? "processes" : "threads", strerror(-rc));
		__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELAXED);
	}
	if (!gate_open(ctl, started, 30 * MB_NS_PER_S)) {
		snprintf(out->error, sizeof(out->error),
			 "%u of %u workers did not finish set-up within 30 s",
			 started - ctl->arrived, started);
		rc = -ETIMEDOUT;
	}
	unsigned stuck = wait_workers(run, ctl, threads, pids, started, slots, &timed_out);
	if (timed_out) {
		out->status = MB_ST_TIMEOUT;
		snprintf(out->error, sizeof(out->error), "run exceeded --timeout %.3g s%s",
			 run->timeout_ns / 1e9, stuck ? "; some threads could not be stopped" : "");
	}
	if (stuck) {
		/* Threads that ignore cancellation still run: the process cannot
		 * go on measuring honestly, so the sweep must stop. */
		rc = -EDEADLK;
		abandoned = true;
	}
	current_stop = NULL;
	mb_cpustat_read(&cs1);
	uint64_t win1 = mb_now_ns();
	getrusage(RUSAGE_SELF, &self1);
	getrusage(RUSAGE_CHILDREN, &kids1);

	/* The run lasts from the gate's opening to the last worker's end:
	 * waking many workers is part of what a mode costs. */
	uint64_t t0 = ctl->t0, t1 = 0;
	out->placement_ok = true;
	for (unsigned i = 0; i < started; i++) {
		struct mb_worker_result *r = &slots[i].res;
		if (r->end_ns > t1)
			t1 = r->end_ns;
		out->tasks += r->tasks;
		out->user_s += r->user_us / 1e6;
		out->sys_s += r->sys_us / 1e6;
		out->nvcsw += r->nvcsw;
		out->nivcsw += r->nivcsw;
		out->bytes += r->bytes;
		out->checksum ^= r->checksum;
		if (m->procs)
			out->maxrss_kb += r->maxrss_kb;
		if (!r->placement_ok)
			out->placement_ok = false;
		out->trace_dropped += r->trace_dropped;
		if (run->trace && i == 0)
			mb_trace_header(run->trace);
		if (run->trace)
			mb_trace_write(run->trace, run->trace_label, i,
				       (struct mb_trace_event *)(slots + W) + i * trace_cap,
				       r->trace_n, t0);
		mb_hist_merge(out->lat, &slots[i].lat);
		mb_hist_merge(out->svc, &slots[i].svc);
		if (r->error && out->status != MB_ST_FAILED && !timed_out) {
			out->status = MB_ST_FAILED;
			snprintf(out->error, sizeof(out->error), "worker %u: %s", i, r->errmsg);
		}
	}
	if (rc && out->status == MB_ST_OK)
		out->status = MB_ST_FAILED;
	if (!m->procs)
		out->maxrss_kb = vm_hwm_kb();
	out->wall_s = t1 > t0 ? (double)(t1 - t0) / 1e9 : 0;
	if (ctl->stop == 2 && out->status == MB_ST_OK) {
		out->status = MB_ST_INTERRUPTED;
		snprintf(out->error, sizeof(out->error), "interrupted");
	}
	{
		unsigned used = mb_mode_one_core(m) ? 1 : k;
		double own = cpu_s(&self1) - cpu_s(&self0) + cpu_s(&kids1) - cpu_s(&kids0);
		mb_cpustat_outside(&cs0, &cs1, run->pus, used, own, (win1 - win0) / 1e9,
				   &out->outside_load, out->outside_note,
				   sizeof(out->outside_note));
	}
	if (run->trace)
		fflush(run->trace);
	rc = abandoned ? -EDEADLK : 0;
done:
	if (gil && !abandoned) {
		mb_gil_destroy(gil);
		free(gil);
	}
	free(threads);
	free(pids);
	if (abandoned)
		return rc; /* stuck threads still use workers, shm and the lock */
	free(workers);
	munmap(shm, shm_len);
	run->stop = NULL;
	return rc;
}

const char *mb_run_unsupported(const struct mb_run *run)
{
	if (run->backend != MB_BACKEND_NONE) {
		const char *why = mb_backend_unsupported(run->backend);
		if (why)
			return why;
	}
	unsigned caps = mb_backend_caps(run->backend);
	const struct mb_step *s;
	MB_FOR_EACH_STEP(run->recipe, s)
	{
		if (run->backend != MB_BACKEND_NONE && (s->kind->flags & MB_STEP_F_LOOP_FILE_READ) &&
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
