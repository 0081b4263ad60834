/* Internals of the Python runtime, shared by python.c (the interpreter,
 * the run's hooks), py_worker.c (the workers) and py_module.c (the
 * _modebench module the generated code calls). Private to harness/python.
 * Everything here but the thread-local current worker is touched only
 * with the interpreter lock held. */
#ifndef MB_PY_INT_H
#define MB_PY_INT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "python.h"
#include "step.h"

/* One task slot: the task taken and when it started. A blocking worker
 * has one. */
struct py_slot {
	struct mb_ticket t;
	uint64_t start;
};

/* One worker's Python side, made in worker_setup, in the worker's thread. */
struct py_worker {
	struct mb_worker *w;
	PyGILState_STATE gs;
	PyThreadState *ts; /* while the worker does not hold the lock */
	PyObject *wk;	   /* mbpy.Worker */
	PyObject *fn;	   /* blocking: the task function */
	struct py_slot *slots;
	uint64_t *lane_t0; /* tracing: each lane's step start */
	unsigned nslots, nlanes;
	unsigned live; /* counted in py_threads_live while it has a thread state */
};

/* The worker of the calling thread (each worker is one thread). */
extern __thread struct py_worker *py_cur;

/* The module mbpy (the embedded mbpy.py) and this run's mbpy.Plan. */
extern PyObject *py_mbpy;
extern PyObject *py_plan;
/* mbpy.Cut, the exception of a step cut short by the run's stop. */
extern PyObject *py_cut;
/* Worker threads holding a thread state of the interpreter now. */
extern unsigned py_threads_live;

/* The embedded mbpy.py (built from it by CMake). */
extern const char mb_py_source[];

/* The _modebench module's initialiser, for PyImport_AppendInittab. */
PyObject *py_module_init(void);

/* The hooks of struct mb_runtime in the worker (py_worker.c). */
int py_worker_setup(struct mb_worker *w);
void py_worker_run(struct mb_worker *w);
void py_worker_teardown(struct mb_worker *w);

/* Exception exc as the worker's error, "python: TYPE: TEXT (in the STEP
 * step)" (where, when not NULL, names the phase: "set-up"); a Cut while
 * the run is stopping is a step cut short instead (no error). Returns
 * true for the cut. */
bool py_worker_fail_exc(struct mb_worker *w, PyObject *exc, const char *where);
/* The same for the pending exception, which it clears. */
bool py_worker_exception(struct mb_worker *w, const char *where);

/* The pending exception, normalised, its traceback attached; cleared.
 * A new reference, or NULL when none is pending. */
PyObject *py_take_exception(void);

/* Exception exc as one line into buf (mbpy.describe: its type, text and
 * the recipe step it came from). */
void py_describe(PyObject *exc, char *buf, unsigned len);

#endif
