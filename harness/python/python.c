/* The Python runtime (python.h): the interpreter, started once per process
 * by the thread that runs the sweep and held by no one between runs; the
 * run's hooks in the runner; the fork hooks; the checks of what Python
 * runs cannot do; calibration, the kernel and the bare loop for the
 * benchmark; finalisation.
 *
 * Why procs fork an initialised interpreter rather than start one in the
 * child: a sweep's earlier thread runs have started it in the runner
 * already, and an interpreter cannot be started a second time in a
 * process that forked from one that runs it. Forking it is what CPython's
 * own os.fork() and multiprocessing's default start method on Linux do:
 * the forking thread holds the lock, PyOS_BeforeFork takes the import
 * lock, and in the child PyOS_AfterFork_Child makes the lock, the thread
 * states and the threading module the child's own (the forking thread
 * is the child's main thread and holds its lock). Each child then has an
 * interpreter of its own with the run's plan compiled, as a forked
 * multiprocessing worker has. */
#include "py_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

/* Under AddressSanitizer (MB_ASAN, mb.h) CPython allocates with malloc,
 * not its own arenas, so the sanitizer sees every object. */

PyObject *py_mbpy, *py_plan, *py_cut;
unsigned py_threads_live;

static PyThreadState *main_ts; /* the starting thread's, while it does not hold the lock */
static bool started, finished;
static char start_error[200];
static uint64_t switch_ns = 5 * MB_NS_PER_MS;

/* ---- the interpreter */

PyObject *py_take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
	return PyErr_GetRaisedException();
#else
	PyObject *t, *v, *tb;
	PyErr_Fetch(&t, &v, &tb);
	if (!t)
		return NULL;
	PyErr_NormalizeException(&t, &v, &tb);
	if (v && tb)
		PyException_SetTraceback(v, tb);
	Py_XDECREF(t);
	Py_XDECREF(tb);
	return v;
#endif
}

void py_describe(PyObject *exc, char *buf, unsigned len)
{
	PyObject *s = exc && py_mbpy ? PyObject_CallMethod(py_mbpy, "describe", "OO",
							    py_plan ? py_plan : Py_None, exc) :
				       NULL;
	const char *t = s ? PyUnicode_AsUTF8(s) : NULL;
	if (!t)
		PyErr_Clear();
	snprintf(buf, len, "%s", t ? t : exc ? Py_TYPE(exc)->tp_name : "an unknown error");
	Py_XDECREF(s);
}

/* The pending exception as err ("WHAT: TYPE: TEXT"); returns -EIO. */
static int py_fail(char *err, unsigned errlen, const char *what)
{
	char text[160];
	PyObject *exc = py_take_exception();
	py_describe(exc, text, sizeof(text));
	Py_XDECREF(exc);
	snprintf(err, errlen, "%s: %s", what, text);
	return -EIO;
}

/* Isolated from the environment (no PYTHON* variables, no user site
 * directory) and installing no signal handlers: SIGINT stays the sweep's. */
static int configure(char *err, unsigned errlen)
{
	PyStatus st;
#ifdef MB_ASAN
	PyPreConfig pre;
	PyPreConfig_InitIsolatedConfig(&pre);
	pre.allocator = PYMEM_ALLOCATOR_MALLOC;
	st = Py_PreInitialize(&pre);
	if (PyStatus_Exception(st))
		goto fail;
#endif
	PyConfig c;
	PyConfig_InitIsolatedConfig(&c);
	c.install_signal_handlers = 0;
	st = Py_InitializeFromConfig(&c);
	PyConfig_Clear(&c);
	if (!PyStatus_Exception(st))
		return 0;
#ifdef MB_ASAN
fail:
#endif
	snprintf(err, errlen, "CPython did not start: %s", st.err_msg ? st.err_msg : "?");
	return -EIO;
}

/* Starts the interpreter and loads mbpy, once; the lock is released
 * before it returns. 0, or -errno with err set (and kept for later calls:
 * an interpreter that failed to start is not tried again). */
static int ensure_started(char *err, unsigned errlen)
{
	if (finished) {
		snprintf(err, errlen, "%s", mb_python_unavailable());
		return -ESRCH;
	}
	if (started || start_error[0]) {
		if (start_error[0])
			snprintf(err, errlen, "%s", start_error);
		return start_error[0] ? -EIO : 0;
	}
	PyImport_AppendInittab("_modebench", py_module_init);
	int rc = configure(start_error, sizeof(start_error));
	if (rc) {
		snprintf(err, errlen, "%s", start_error);
		return rc;
	}
	PyObject *code = Py_CompileString(mb_py_source, "mbpy.py", Py_file_input);
	py_mbpy = code ? PyImport_ExecCodeModule("mbpy", code) : NULL;
	Py_XDECREF(code);
	py_cut = py_mbpy ? PyObject_GetAttrString(py_mbpy, "Cut") : NULL;
	if (!py_cut)
		rc = py_fail(start_error, sizeof(start_error), "loading mbpy.py");
	main_ts = PyEval_SaveThread();
	started = true;
	if (rc)
		snprintf(err, errlen, "%s", start_error);
	return rc;
}

const char *mb_python_unavailable(void)
{
	if (finished)
		return "the Python interpreter of this process was finalised";
	return start_error[0] ? start_error : NULL;
}

const char *mb_python_version(void)
{
	static char v[32];
	if (!v[0])
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(Py_GetVersion(), " "), Py_GetVersion());
	return v;
}

void mb_python_set_switch_interval(uint64_t ns)
{
	switch_ns = ns;
}

uint64_t mb_python_switch_interval(void)
{
	return switch_ns;
}

int mb_python_finalize(void)
{
	if (!started || finished)
		return 0;
	if (__atomic_load_n(&py_threads_live, __ATOMIC_RELAXED))
		return -1; /* threads still inside: leave it as it is */
	PyEval_RestoreThread(main_ts);
	Py_CLEAR(py_plan);
	Py_CLEAR(py_cut);
	Py_CLEAR(py_mbpy);
	finished = true;
	return Py_FinalizeEx() < 0 ? -1 : 0;
}

/* ---- one run, in the runner */

/* (kind, a, b, request) for each step, in tuples of branches of stages. */
static PyObject *step_spec(const struct mb_step *s)
{
	char req[160] = "";
	unsigned n = 0;
	if (s->kind == &mb_step_net)
		n = mb_http_format_request(req, sizeof(req),
					   (s->a + MB_NS_PER_US - 1) / MB_NS_PER_US, s->b);
	return Py_BuildValue("(sKKy#)", s->kind->name, (unsigned long long)s->a,
			     (unsigned long long)s->b, req, (Py_ssize_t)n);
}

static PyObject *recipe_spec(const struct mb_recipe *r)
{
	PyObject *stages = PyTuple_New(r->nstages);
	for (unsigned i = 0; stages && i < r->nstages; i++) {
		const struct mb_stage *st = &r->st[i];
		PyObject *brs = PyTuple_New(st->nbranches);
		for (unsigned b = 0; brs && b < st->nbranches; b++) {
			PyObject *steps = PyTuple_New(st->br[b].nsteps);
			for (unsigned j = 0; steps && j < st->br[b].nsteps; j++) {
				PyObject *s = step_spec(&st->br[b].steps[j]);
				if (!s)
					Py_CLEAR(steps);
				else
					PyTuple_SET_ITEM(steps, j, s);
			}
			if (!steps)
				Py_CLEAR(brs);
			else
				PyTuple_SET_ITEM(brs, b, steps);
		}
		if (!brs)
			Py_CLEAR(stages);
		else
			PyTuple_SET_ITEM(stages, i, brs);
	}
	return stages;
}

/* The switch interval, then the recipe compiled (mbpy.Plan). */
static int py_run_begin(const struct mb_run *run, char *err, unsigned errlen)
{
	int rc = ensure_started(err, errlen);
	if (rc)
		return rc;
	PyEval_RestoreThread(main_ts);
	PyObject *sys = PyImport_ImportModule("sys");
	PyObject *ok = sys ? PyObject_CallMethod(sys, "setswitchinterval", "d",
						 (double)switch_ns / 1e9) : NULL;
	PyObject *stages = ok ? recipe_spec(run->recipe) : NULL;
	Py_CLEAR(py_plan);
	if (stages)
		py_plan = PyObject_CallMethod(py_mbpy, "Plan", "((OOO))", stages,
					      run->mode->async ? Py_True : Py_False,
					      run->trace ? Py_True : Py_False);
	if (!py_plan)
		rc = py_fail(err, errlen, "python: preparing the recipe");
	Py_XDECREF(stages);
	Py_XDECREF(ok);
	Py_XDECREF(sys);
	main_ts = PyEval_SaveThread();
	return rc;
}

/* The plan goes, and the garbage of the run's workers with it, so a sweep's
 * memory does not grow run by run. */
static void py_run_end(const struct mb_run *run)
{
	PyEval_RestoreThread(main_ts);
	Py_CLEAR(py_plan);
	PyGC_Collect();
	main_ts = PyEval_SaveThread();
}

/* Around each fork of a worker: the runner holds the lock and the import
 * lock across fork(), as os.fork() does. */
static void py_before_fork(void)
{
	PyEval_RestoreThread(main_ts);
	PyOS_BeforeFork();
}

static void py_after_fork_parent(void)
{
	PyOS_AfterFork_Parent();
	main_ts = PyEval_SaveThread();
}

static void py_after_fork_child(void)
{
	PyOS_AfterFork_Child();
}

/* ---- what Python runs cannot do */

/* The largest mem step; each worker holds two buffers of it, CPython's
 * own objects: they lie where the interpreter's allocator puts them, so
 * a --mem-policy other than local is not carried out. */
static const char *mem_unsupported(const struct mb_run *run)
{
	uint64_t m = mb_recipe_max_arg(run->recipe, &mb_step_mem);
	if (m && run->mem_policy && run->mem_policy->kind != MB_MEMPOL_LOCAL)
		return "--mem-policy under --runtime python: the mem step's buffers are "
		       "CPython's objects, placed where its allocator puts them (local only)";
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	if (m > (1ull << 30))
		return "mem under --runtime python copies between two buffers of BYTES each: "
		       "at most 1GiB";
	if (2 * m * run->nworkers > ram / 4)
		return "mem under --runtime python: two buffers of BYTES per worker would take "
		       "more than a quarter of the memory";
	return NULL;
}

static const char *py_unsupported(const struct mb_run *run)
{
	const struct mb_step *s;
	const char *why = NULL;
	MB_FOR_EACH_STEP(run->recipe, s)
	{
		if (why)
			continue;
		if (s->kind == &mb_step_net && !run->have_server)
			why = "no delay service: it was not started and --server was not given";
		else if (s->kind == &mb_step_file && run->file_fd < 0)
			why = "no test file was prepared";
		else if (s->kind == &mb_step_file && s->a > run->file_size)
			why = "the read is larger than the test file (raise --file-size)";
		else if (s->kind == &mb_step_file && run->direct && s->a % 512)
			why = "--direct reads must be a multiple of 512 bytes";
	}
	return why ? why : mem_unsupported(run);
}

const char *mb_python_row_note(const struct mb_recipe *r, const struct mb_mode *m)
{
	if (m->async && mb_recipe_uses(r, &mb_step_file))
		return "python: file via thread pool (run_in_executor; its threads' CPU time is "
		       "not in user_s/sys_s)";
	return NULL;
}

static const struct mb_runtime runtime = {
	.name = "python",
	.unsupported = py_unsupported,
	.run_begin = py_run_begin,
	.run_end = py_run_end,
	.before_fork = py_before_fork,
	.after_fork_parent = py_after_fork_parent,
	.after_fork_child = py_after_fork_child,
	.worker_setup = py_worker_setup,
	.worker_run = py_worker_run,
	.worker_teardown = py_worker_teardown,
	.thread_stack = 1u << 20, /* CPython's C frames: 256 KiB is too tight */
	.cancellable = false,
};

const struct mb_runtime *mb_python_runtime(void)
{
	return finished || start_error[0] ? NULL : &runtime;
}

/* ---- calibration, the kernel, the bare loop */

/* Calls mbpy.NAME(args per fmt) in the starting thread with the lock;
 * *out the result (a new reference) or NULL with err set. */
static int call_mbpy(PyObject **out, char *err, unsigned errlen, const char *name,
		     const char *fmt, ...)
{
	int rc = ensure_started(err, errlen);
	*out = NULL;
	if (rc)
		return rc;
	PyEval_RestoreThread(main_ts);
	va_list ap;
	va_start(ap, fmt);
	PyObject *fn = PyObject_GetAttrString(py_mbpy, name);
	PyObject *args = fn ? Py_VaBuildValue(fmt, ap) : NULL;
	va_end(ap);
	*out = args ? PyObject_CallObject(fn, args) : NULL;
	if (!*out)
		rc = py_fail(err, errlen, name);
	Py_XDECREF(args);
	Py_XDECREF(fn);
	main_ts = PyEval_SaveThread();
	return rc;
}

/* The number r holds, as a double or an unsigned 64-bit integer, read
 * with the lock. */
static int read_number(PyObject *r, double *d, uint64_t *u)
{
	PyEval_RestoreThread(main_ts);
	if (d)
		*d = PyFloat_AsDouble(r);
	if (u)
		*u = PyLong_AsUnsignedLongLong(r);
	int bad = PyErr_Occurred() != NULL;
	PyErr_Clear();
	Py_DECREF(r);
	main_ts = PyEval_SaveThread();
	return bad ? -EINVAL : 0;
}

int mb_python_calibrate(const struct mb_topo *topo, unsigned pu, double *units_per_s,
			char *err, unsigned errlen)
{
	hwloc_bitmap_t old = hwloc_bitmap_alloc();
	int have_old = topo->this_system &&
		       hwloc_get_cpubind(topo->t, old, HWLOC_CPUBIND_THREAD) == 0;
	PyObject *r;
	mb_topo_bind_self(topo, pu);
	int rc = call_mbpy(&r, err, errlen, "calibrate", "()");
	if (have_old)
		hwloc_set_cpubind(topo->t, old, HWLOC_CPUBIND_THREAD);
	hwloc_bitmap_free(old);
	if (!rc && (rc = read_number(r, units_per_s, NULL)))
		snprintf(err, errlen, "calibrate: not a number");
	return rc;
}

int mb_python_kernel(uint64_t x, uint64_t n, uint64_t *out, char *err, unsigned errlen)
{
	PyObject *r;
	int rc = call_mbpy(&r, err, errlen, "kernel", "(KK)", (unsigned long long)x,
			   (unsigned long long)n);
	if (!rc && (rc = read_number(r, NULL, out)))
		snprintf(err, errlen, "kernel: not a 64-bit state");
	return rc;
}

int mb_python_bare_loop(uint64_t units, uint64_t tasks, double *seconds, char *err,
			unsigned errlen)
{
	PyObject *r;
	int rc = call_mbpy(&r, err, errlen, "bare_loop", "(KK)", (unsigned long long)units,
			   (unsigned long long)tasks);
	if (!rc && (rc = read_number(r, seconds, NULL)))
		snprintf(err, errlen, "bare_loop: not a number");
	return rc;
}
