/* The Python runtime (README, "Python"): the same recipes and modes run as
 * Python code in CPython embedded in modebench, beside the C runtime and
 * its emulated interpreter lock. Its public header.
 *
 * The runtime (struct mb_runtime, engine/runtime.h) that a run names in
 * run->runtime: the engine places, spawns, gates and reaps the workers as
 * for C; each worker runs the recipe as Python (mbpy.py, compiled once per
 * run) under the real interpreter lock: threads are C threads each holding
 * a Python thread state (PyGILState), processes are forked workers whose
 * interpreter was made ready for the fork (PyOS_BeforeFork, then
 * PyOS_AfterFork_Child in the child), async modes run an asyncio loop per
 * worker. Tasks are timed by the C side into the same histograms as the C
 * runtime's.
 *
 * The interpreter is started once per process, the first time a run,
 * the calibration or the kernel needs it (outside every measured run),
 * and finalised by mb_python_finalize. Built without CPython's embedding
 * library (python_none.c), every entry says so. */
#ifndef MB_PYTHON_H
#define MB_PYTHON_H

#include <stdint.h>

#include "engine.h"
#include "step.h"

/* NULL when --runtime python can run, else why not (this build has no
 * CPython, or the interpreter was finalised), one line. */
const char *mb_python_unavailable(void);

/* The runtime for struct mb_run .runtime; NULL when unavailable. */
const struct mb_runtime *mb_python_runtime(void);

/* CPython's version ("3.11.2"), or "" when not built with it. */
const char *mb_python_version(void);

/* The switch interval (sys.setswitchinterval) every Python run starts
 * with, process-wide as in CPython; default 5 ms, CPython's own. */
void mb_python_set_switch_interval(uint64_t ns);
uint64_t mb_python_switch_interval(void);

/* The Python kernel's work units per second on PU pu, measured as
 * mb_cpu_calibrate measures the C kernel (about 0.15 s). Starts the
 * interpreter if needed. 0, or -errno with err set. */
int mb_python_calibrate(const struct mb_topo *topo, unsigned pu, double *units_per_s,
			char *err, unsigned errlen);

/* The Python kernel called from C: n units from state x into *out (the
 * tests compare it with mb_cpu_kernel(x, n / 32)). 0 or -errno. */
int mb_python_kernel(uint64_t x, uint64_t n, uint64_t *out, char *err, unsigned errlen);

/* The bare loop of scripts/bench-python: the kernel called tasks times
 * with units each, back to back in the interpreter on the calling thread;
 * *seconds is how long that took. 0 or -errno. */
int mb_python_bare_loop(uint64_t units, uint64_t tasks, double *seconds, char *err,
			unsigned errlen);

/* What a Python run of recipe r in mode m adds to the row's flags
 * ("python: file via thread pool"), or NULL. */
const char *mb_python_row_note(const struct mb_recipe *r, const struct mb_mode *m);

/* Finalises the interpreter (Py_FinalizeEx) if it was started, from the
 * thread that started it; later runs are unavailable. Returns 0, or -1
 * when CPython reported an error while finalising or when worker threads
 * were left inside it (it is then left as it is). */
int mb_python_finalize(void);

#endif
