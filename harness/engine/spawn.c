/* The live part of a run (README, "How it measures"): start the workers,
 * threads or forked processes; open the futex gate once they are all set
 * up; reap them, enforcing --timeout and an interrupt. None of this is on
 * the measured path: the workers stamp their own start and end times, so
 * the runner's polling only delays the reaping. */
#include "runner.h"

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime.h"

/* The stop word of the run in progress, for mb_mode_interrupt: set and
 * read atomically, since the interrupt may come from a signal handler or
 * another thread. */
static int *current_stop;

void mb_mode_interrupt(void)
{
	int *s = __atomic_load_n(&current_stop, __ATOMIC_ACQUIRE);
	if (s)
		__atomic_store_n(s, 2, __ATOMIC_RELAXED);
}

/* The workers' side of the gate: count in, sleep until it opens. Returns
 * the run's start time. */
static uint64_t gate_wait(void *arg)
{
	struct mb_control *ctl = arg;
	__atomic_fetch_add(&ctl->arrived, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ctl->go, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &ctl->go, FUTEX_WAIT, 0, NULL, NULL, 0);
	return ctl->t0;
}

/* Opens the gate once n workers arrived, or after max_wait_ns with the
 * stop flag set (returns false then). The run's before_start hook runs
 * between the two: after the set-up, before the start is taken. */
static bool gate_open(struct mb_control *ctl, unsigned n, uint64_t max_wait_ns,
		      const struct mb_run *run, int *hook_rc)
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
	if (run->before_start && (*hook_rc = run->before_start(run->before_start_arg)))
		__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELAXED);
	ctl->t0 = mb_now_ns();
	__atomic_store_n(&ctl->go, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &ctl->go, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
	return all;
}

static void *thread_main(void *arg)
{
	struct mb_worker *w = arg;
	char name[16];
	snprintf(name, sizeof(name), "mb-w%u", w->id);
	pthread_setname_np(pthread_self(), name);
	/* run->stop is the control block's stop word. */
	mb_worker_main(w, gate_wait, (char *)w->run->stop - offsetof(struct mb_control, stop));
	/* Fault injection for the tests (MB_FAULT_STUCK_THREADS=1): a thread
	 * that never returns and cannot be cancelled, as one stuck in an
	 * uninterruptible call would be, so the runner's give-up path
	 * (-EDEADLK) and the sweep's reaction to it can be tested. */
	const char *fault = getenv("MB_FAULT_STUCK_THREADS");
	if (fault && !strcmp(fault, "1")) {
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		for (;;)
			pause();
	}
	return NULL;
}

/* The forked child: runs its worker and exits with 1 when it failed. */
static _Noreturn void proc_main(struct mb_runner *rn, struct mb_worker *w)
{
	struct rusage ru;
	signal(SIGINT, SIG_IGN);
	mb_worker_main(w, gate_wait, rn->ctl);
	getrusage(RUSAGE_SELF, &ru);
	w->res->maxrss_kb = (uint64_t)ru.ru_maxrss;
	_exit(w->res->error ? 1 : 0);
}

/* A runtime's hooks around each fork (runtime.h); the C runtime has none. */
static void fork_hook(void (*hook)(void))
{
	if (hook)
		hook();
}

static int spawn_procs(struct mb_runner *rn)
{
	const struct mb_runtime *rt = rn->run->runtime;
	rn->pids = calloc(rn->nworkers, sizeof(*rn->pids));
	if (!rn->pids)
		return -ENOMEM;
	for (; rn->started < rn->nworkers; rn->started++) {
		if (rt)
			fork_hook(rt->before_fork);
		pid_t pid = fork();
		if (pid == 0) {
			if (rt)
				fork_hook(rt->after_fork_child);
			proc_main(rn, &rn->workers[rn->started]);
		}
		int e = errno;
		if (rt)
			fork_hook(rt->after_fork_parent);
		if (pid < 0)
			return -e;
		rn->pids[rn->started] = pid;
	}
	return 0;
}

static int spawn_threads(struct mb_runner *rn)
{
	pthread_attr_t attr;
	int rc = 0;

	rn->threads = calloc(rn->nworkers, sizeof(*rn->threads));
	if (!rn->threads)
		return -ENOMEM;
	pthread_attr_init(&attr);
	const struct mb_runtime *rt = rn->run->runtime;
	pthread_attr_setstacksize(&attr, rt && rt->thread_stack ? rt->thread_stack : MB_WORKER_STACK);
	for (; rn->started < rn->nworkers; rn->started++) {
		int e = pthread_create(&rn->threads[rn->started], &attr, thread_main,
				       &rn->workers[rn->started]);
		if (e) {
			rc = -e;
			break;
		}
	}
	pthread_attr_destroy(&attr);
	return rc;
}

void mb_runner_spawn(struct mb_runner *rn)
{
	const struct mb_mode *m = rn->m;

	__atomic_store_n(&current_stop, &rn->ctl->stop, __ATOMIC_RELEASE);
	fflush(NULL); /* or forked children would write parent buffers again */
	int rc = m->procs ? spawn_procs(rn) : spawn_threads(rn);
	if (rc) {
		/* The ones started are told to stop at once when the gate opens. */
		rn->rc = rc;
		snprintf(rn->out->error, sizeof(rn->out->error),
			 "could only start %u of %u %s: %s (raise ulimit -u / "
			 "kernel.threads-max, or lower -C)", rn->started, rn->nworkers,
			 m->procs ? "processes" : "threads", strerror(-rc));
		__atomic_store_n(&rn->ctl->stop, 1, __ATOMIC_RELAXED);
	}
}

void mb_runner_open_gate(struct mb_runner *rn)
{
	struct mb_control *ctl = rn->ctl;
	int hook_rc = 0;
	if (!gate_open(ctl, rn->started, 30 * MB_NS_PER_S, rn->run, &hook_rc)) {
		snprintf(rn->out->error, sizeof(rn->out->error),
			 "%u of %u workers did not finish set-up within 30 s",
			 rn->started - ctl->arrived, rn->started);
		rn->rc = -ETIMEDOUT;
	} else if (hook_rc == -EINTR) { /* a signal while the ranks met */
		__atomic_store_n(&ctl->stop, 2, __ATOMIC_RELAXED);
	} else if (hook_rc) {
		snprintf(rn->out->error, sizeof(rn->out->error),
			 "the ranks did not meet at the start: %s", strerror(-hook_rc));
		rn->rc = hook_rc;
	}
}

/* A worker process's exit: a nonzero status or a signal is its error,
 * unless it recorded one itself. */
static void note_exit(struct mb_wslot *slot, unsigned i, int st)
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

/* Reaps the workers that ended since the last look, without blocking;
 * returns how many. */
static unsigned reap(struct mb_runner *rn)
{
	unsigned n = 0;
	for (unsigned i = 0; i < rn->started; i++) {
		if (rn->reaped[i])
			continue;
		if (rn->m->procs) {
			int st;
			pid_t r = waitpid(rn->pids[i], &st, WNOHANG);
			if (r != rn->pids[i] && !(r < 0 && errno == ECHILD))
				continue;
			if (r == rn->pids[i])
				note_exit(&rn->slots[i], i, st);
		} else {
			void *ret = NULL;
			if (pthread_tryjoin_np(rn->threads[i], &ret) != 0)
				continue;
			if (ret == PTHREAD_CANCELED)
				mb_worker_reclaim(&rn->workers[i]);
		}
		rn->reaped[i] = true;
		n++;
	}
	return n;
}

/* Kills the processes, cancels the threads not reaped yet (every wait a
 * step makes is a cancellation point), unless the runtime's threads must
 * not be cancelled (runtime.h): those are only waited for. */
static void kill_left(struct mb_runner *rn)
{
	const struct mb_runtime *rt = rn->run->runtime;
	for (unsigned i = 0; i < rn->started; i++)
		if (!rn->reaped[i]) {
			if (rn->m->procs)
				kill(rn->pids[i], SIGKILL);
			else if (!rt || rt->cancellable)
				pthread_cancel(rn->threads[i]);
		}
}

/* Waits for every worker. Past the run's timeout (or 2 s after an
 * interrupt) the workers are told to stop starting tasks; a second later
 * processes are killed and threads cancelled; 3 s after that the runner
 * gives up on them. Returns how many threads could not be stopped (they
 * are detached); processes are always reaped. */
static unsigned wait_workers(struct mb_runner *rn)
{
	struct mb_control *ctl = rn->ctl;
	unsigned left = rn->started, stage = 0;
	uint64_t next = rn->run->timeout_ns ? ctl->t0 + rn->run->timeout_ns : UINT64_MAX;

	rn->timed_out = false;
	while (left) {
		left -= reap(rn);
		if (!left)
			break;
		uint64_t now = mb_now_ns();
		if (stage == 0 && __atomic_load_n(&ctl->stop, __ATOMIC_RELAXED) == 2 &&
		    next > now + 2 * MB_NS_PER_S)
			next = now + 2 * MB_NS_PER_S; /* interrupted: a short grace */
		if (now >= next) {
			if (stage == 0) {
				rn->timed_out = __atomic_load_n(&ctl->stop, __ATOMIC_RELAXED) != 2;
				__atomic_store_n(&ctl->stop, rn->timed_out ? 1 : 2, __ATOMIC_RELAXED);
				next = now + MB_NS_PER_S;
			} else if (stage == 1) {
				kill_left(rn);
				next = now + 3 * MB_NS_PER_S;
			} else {
				break;
			}
			stage++;
			continue;
		}
		/* Sleep a little; the workers stamp their own times, so this
		 * polling only delays the reaping. */
		struct timespec ts = { 0, (long)(rn->m->procs ? 2 : 20) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (left && !rn->m->procs) {
		for (unsigned i = 0; i < rn->started; i++)
			if (!rn->reaped[i])
				pthread_detach(rn->threads[i]);
	}
	return rn->m->procs ? 0 : left;
}

void mb_runner_wait(struct mb_runner *rn)
{
	struct mb_run_result *out = rn->out;

	rn->stuck = wait_workers(rn);
	if (rn->timed_out) {
		out->status = MB_ST_TIMEOUT;
		snprintf(out->error, sizeof(out->error), "run exceeded --timeout %.3g s%s",
			 rn->run->timeout_ns / 1e9,
			 rn->stuck ? "; some threads could not be stopped" : "");
	}
	/* Threads that ignore cancellation still run: the process cannot go
	 * on measuring honestly, so the sweep must stop. */
	if (rn->stuck)
		rn->rc = -EDEADLK;
	__atomic_store_n(&current_stop, NULL, __ATOMIC_RELEASE);
}
