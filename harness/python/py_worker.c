/* The Python runtime's workers (struct mb_runtime's worker hooks), each in
 * its own thread or forked process:
 *   set-up    a thread state (PyGILState_Ensure: a new one in a thread,
 *             the forked child's own after PyOS_AfterFork_Child), the
 *             run's plan bound to this worker (mbpy.Worker: its loop,
 *             connections, buffers), then the lock released before the
 *             gate;
 *   run       the lock taken back (the first wait for it is the run's),
 *             then the tasks: a blocking worker's C loop times each task
 *             around one call of the task function; an asyncio worker
 *             runs its task slots on its loop, which record through
 *             _modebench (py_module.c);
 *   teardown  mbpy.Worker.close(), the thread state released.
 * On the measured path of a blocking worker a task costs what a C task
 * costs (two clock reads, two histogram records) plus one vectorcall of a
 * function without arguments; the open-loop wait for an arrival is made
 * without the lock, as the C executor makes it without the emulated one. */
#include "py_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base.h"

__thread struct py_worker *py_cur;

bool py_worker_fail_exc(struct mb_worker *w, PyObject *exc, const char *where)
{
	char text[144];
	int cut = exc && py_cut ? PyObject_IsInstance(exc, py_cut) : 0;
	if (cut < 0)
		PyErr_Clear();
	if (cut > 0 && mb_worker_stopping(w))
		return true;
	py_describe(exc, text, sizeof(text));
	mb_worker_fail(w, -EIO, "python%s%s: %s", where ? " " : "", where ? where : "", text);
	return false;
}

bool py_worker_exception(struct mb_worker *w, const char *where)
{
	PyObject *exc = py_take_exception();
	bool cut = py_worker_fail_exc(w, exc, where);
	Py_XDECREF(exc);
	return cut;
}

/* MB_FAULT_PY_RAISE=N (tests): each worker's Nth cpu step raises
 * ZeroDivisionError; -1 without it. */
static long fault_after(void)
{
	const char *f = getenv("MB_FAULT_PY_RAISE");
	long n = f ? strtol(f, NULL, 10) : 0;
	return n > 0 ? n - 1 : -1;
}

/* The run's plan bound to this worker: mbpy.Plan.worker(...). */
static int bind_plan(struct py_worker *pw)
{
	const struct mb_run *run = pw->w->run;
	char host[INET_ADDRSTRLEN] = "127.0.0.1";
	if (run->have_server)
		inet_ntop(AF_INET, &run->server.sin_addr, host, sizeof(host));
	pw->wk = PyObject_CallMethod(py_plan, "worker", "KsiiKlI",
				     (unsigned long long)pw->w->checksum, host,
				     (int)ntohs(run->server.sin_port), run->file_fd,
				     (unsigned long long)run->file_size, fault_after(), pw->nslots);
	if (pw->wk && !run->mode->async)
		pw->fn = PyObject_GetAttrString(pw->wk, "fn");
	if (!pw->wk || (!run->mode->async && !pw->fn)) {
		py_worker_exception(pw->w, "set-up");
		return -EIO;
	}
	return 0;
}

int py_worker_setup(struct mb_worker *w)
{
	struct py_worker *pw = calloc(1, sizeof(*pw));
	if (!pw)
		return -ENOMEM;
	py_cur = pw;
	pw->w = w;
	pw->nslots = w->run->mode->async ? w->ntasks : 1;
	pw->nlanes = w->run->mode->async ? w->run->recipe->max_branches : 1;
	pw->slots = calloc(pw->nslots, sizeof(*pw->slots));
	pw->lane_t0 = calloc((size_t)pw->nslots * pw->nlanes, sizeof(*pw->lane_t0));
	if (!pw->slots || !pw->lane_t0)
		return -ENOMEM;
	pw->gs = PyGILState_Ensure();
	pw->live = 1;
	__atomic_add_fetch(&py_threads_live, 1, __ATOMIC_RELAXED);
	int rc = bind_plan(pw);
	pw->ts = PyEval_SaveThread();
	return rc;
}

/* Sleeps until t (CLOCK_MONOTONIC); the caller has released the lock. */
static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = (time_t)(t / MB_NS_PER_S),
			       .tv_nsec = (long)(t % MB_NS_PER_S) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* One task at a time, each timed around one call of the task function. */
static void run_blocking(struct py_worker *pw)
{
	struct mb_worker *w = pw->w;
	struct py_slot *s = &pw->slots[0];
	for (;;) {
		uint64_t now = mb_now_ns();
		if (!mb_worker_take(w, now, &s->t))
			break;
		if (s->t.intended > now) {
			Py_BEGIN_ALLOW_THREADS
			sleep_until(s->t.intended);
			Py_END_ALLOW_THREADS
			now = mb_now_ns();
		}
		s->start = now;
		PyObject *r = PyObject_CallNoArgs(pw->fn);
		if (MB_UNLIKELY(!r)) {
			py_worker_exception(w, NULL);
			break;
		}
		Py_DECREF(r);
		mb_worker_done(w, 0, &s->t, now, mb_now_ns());
	}
}

/* The kernel's state and the bytes moved, into the worker's row. */
static void take_result(struct py_worker *pw)
{
	unsigned long long x, bytes;
	PyObject *r = PyObject_CallMethod(pw->wk, "result", NULL);
	if (r && PyArg_ParseTuple(r, "KK", &x, &bytes)) {
		pw->w->checksum = x;
		pw->w->bytes = bytes;
	} else {
		PyErr_Clear();
	}
	Py_XDECREF(r);
}

void py_worker_run(struct mb_worker *w)
{
	struct py_worker *pw = py_cur;
	PyEval_RestoreThread(pw->ts);
	pw->ts = NULL;
	if (w->run->mode->async) {
		PyObject *r = PyObject_CallMethod(pw->wk, "run_async", NULL);
		if (!r)
			py_worker_exception(w, NULL);
		Py_XDECREF(r);
	} else {
		run_blocking(pw);
	}
	take_result(pw);
	pw->ts = PyEval_SaveThread();
}

void py_worker_teardown(struct mb_worker *w)
{
	struct py_worker *pw = py_cur;
	if (!pw)
		return;
	if (pw->live) {
		PyEval_RestoreThread(pw->ts);
		if (pw->wk) {
			PyObject *r = PyObject_CallMethod(pw->wk, "close", NULL);
			if (!r)
				py_worker_exception(w, "teardown");
			Py_XDECREF(r);
		}
		Py_CLEAR(pw->fn);
		Py_CLEAR(pw->wk);
		PyGILState_Release(pw->gs);
		__atomic_sub_fetch(&py_threads_live, 1, __ATOMIC_RELAXED);
	}
	free(pw->slots);
	free(pw->lane_t0);
	free(pw);
	py_cur = NULL;
}
