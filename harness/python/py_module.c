/* _modebench: the C functions the generated code of an asyncio worker
 * (and, under --trace, of every worker) calls around its steps. Each is
 * METH_FASTCALL, so a call builds no argument tuple; each takes the task
 * slot as an int the slot coroutine already holds and returns None, True,
 * False or a cached small int, so the harness's per-task bookkeeping
 * allocates no Python object. The one exception is take() in an open loop
 * whose next arrival lies ahead: the wait comes back as a float for
 * asyncio.sleep. The worker is the calling thread's (py_cur). */
#include "py_int.h"

#include <errno.h>

#include "base.h"

/* args[0] as a slot index of the current worker; false with an exception
 * set when it is not one. */
static bool slot_arg(PyObject *const *args, Py_ssize_t nargs, Py_ssize_t want,
		     struct py_worker **pw, unsigned *slot)
{
	*pw = py_cur;
	if (!*pw) {
		PyErr_SetString(PyExc_RuntimeError, "_modebench: not in a modebench worker");
		return false;
	}
	if (nargs != want) {
		PyErr_Format(PyExc_TypeError, "_modebench: %zd arguments expected", want);
		return false;
	}
	unsigned long i = PyLong_AsUnsignedLong(args[0]);
	if (i == (unsigned long)-1 && PyErr_Occurred())
		return false;
	if (i >= (*pw)->nslots) {
		PyErr_Format(PyExc_IndexError, "_modebench: no task slot %lu", i);
		return false;
	}
	*slot = (unsigned)i;
	return true;
}

/* take(i): slot i takes the worker's next task. False: no more tasks.
 * True: it is due now and started now. A float: it is due that many
 * seconds from now; the slot waits, then calls start(i). */
static PyObject *m_take(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw;
	unsigned i;
	if (!slot_arg(args, nargs, 1, &pw, &i))
		return NULL;
	struct py_slot *s = &pw->slots[i];
	uint64_t now = mb_now_ns();
	if (!mb_worker_take(pw->w, now, &s->t))
		Py_RETURN_FALSE;
	if (s->t.intended <= now) {
		s->start = now;
		Py_RETURN_TRUE;
	}
	return PyFloat_FromDouble((double)(s->t.intended - now) / 1e9);
}

/* start(i): slot i starts its task now (after waiting for its arrival). */
static PyObject *m_start(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw;
	unsigned i;
	if (!slot_arg(args, nargs, 1, &pw, &i))
		return NULL;
	pw->slots[i].start = mb_now_ns();
	Py_RETURN_NONE;
}

/* done(i): slot i's task completed now: recorded. */
static PyObject *m_done(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw;
	unsigned i;
	if (!slot_arg(args, nargs, 1, &pw, &i))
		return NULL;
	uint64_t end = mb_now_ns();
	mb_worker_done(pw->w, i, &pw->slots[i].t, pw->slots[i].start, end);
	Py_RETURN_NONE;
}

/* stopping(): whether the run is stopping (long steps look between
 * chunks). */
static PyObject *m_stopping(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw = py_cur;
	if (pw && mb_worker_stopping(pw->w))
		Py_RETURN_TRUE;
	Py_RETURN_FALSE;
}

/* fail(exc): a slot's task raised exc: the worker's error (the first
 * wins), so no slot takes another task. */
static PyObject *m_fail(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw = py_cur;
	if (!pw || nargs != 1) {
		PyErr_SetString(PyExc_RuntimeError, "_modebench.fail: one exception, in a worker");
		return NULL;
	}
	py_worker_fail_exc(pw->w, args[0], NULL);
	Py_RETURN_NONE;
}

/* tb(i, lane): under --trace, lane's step starts now. */
static PyObject *m_tb(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw;
	unsigned i;
	if (!slot_arg(args, nargs, 2, &pw, &i))
		return NULL;
	unsigned long lane = PyLong_AsUnsignedLong(args[1]);
	if (lane >= pw->nlanes)
		return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_IndexError, "no lane %lu", lane);
	pw->lane_t0[(size_t)i * pw->nlanes + lane] = mb_now_ns();
	Py_RETURN_NONE;
}

/* te(i, lane, wait, stage, branch, pos): under --trace, the step that
 * lane started at its tb() ended now: a trace event of slot i's task. */
static PyObject *m_te(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
	struct py_worker *pw;
	unsigned i;
	unsigned long v[5];
	if (!slot_arg(args, nargs, 6, &pw, &i))
		return NULL;
	for (unsigned k = 0; k < 5; k++) {
		v[k] = PyLong_AsUnsignedLong(args[k + 1]);
		if (v[k] == (unsigned long)-1 && PyErr_Occurred())
			return NULL;
	}
	if (v[0] >= pw->nlanes)
		return PyErr_Format(PyExc_IndexError, "no lane %lu", v[0]);
	uint64_t now = mb_now_ns();
	mb_worker_trace_step(pw->w, v[1] != 0, pw->slots[i].t.seq, i, (unsigned)v[2],
			     (unsigned)v[3], (unsigned)v[4],
			     pw->lane_t0[(size_t)i * pw->nlanes + v[0]], now);
	Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
	{ "take", (PyCFunction)(void (*)(void))m_take, METH_FASTCALL,
	  "take(i): slot i's next task: False (none), True (now) or seconds to wait" },
	{ "start", (PyCFunction)(void (*)(void))m_start, METH_FASTCALL,
	  "start(i): slot i's task starts now" },
	{ "done", (PyCFunction)(void (*)(void))m_done, METH_FASTCALL,
	  "done(i): slot i's task completed now" },
	{ "stopping", (PyCFunction)(void (*)(void))m_stopping, METH_FASTCALL,
	  "stopping(): whether the run is stopping" },
	{ "fail", (PyCFunction)(void (*)(void))m_fail, METH_FASTCALL,
	  "fail(exc): the worker failed with exc" },
	{ "tb", (PyCFunction)(void (*)(void))m_tb, METH_FASTCALL,
	  "tb(i, lane): tracing, a step starts" },
	{ "te", (PyCFunction)(void (*)(void))m_te, METH_FASTCALL,
	  "te(i, lane, wait, stage, branch, pos): tracing, the step ended" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "_modebench",
	"modebench's clock and histograms, for the Python runtime's generated code", -1,
	methods, NULL, NULL, NULL, NULL,
};

PyObject *py_module_init(void)
{
	return PyModule_Create(&module);
}
