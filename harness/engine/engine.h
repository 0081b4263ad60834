/* The execution engine: what executes one run. Its public header.
 *   topo.h    the hwloc topology and the placement plan of k cores
 *   modes.h   the modes (sync, async, threads, procs, async-threads,
 *             async-procs), mb_mode_run (prepare -> spawn -> gate -> wait
 *             -> collect) and the run's result
 *   hist.h    the per-worker latency histogram and its percentiles
 *   calib.h   calibration of cpu:DUR on this machine
 *   runtime.h another runtime's hooks into the workers (NULL run->runtime:
 *             the engine's own C executors) and what it records through
 *             (exec.c: the same clock, histograms and trace)
 *   mempol.h  --mem-policy: NUMA placement of the mem step's buffers
 * Inside, and not for other subsystems: runner.h and spawn.c (a run's
 * phases: spawning, the gate, reaping), worker.c (the executors),
 * arrivals.h (when the executors start tasks: the open-loop schedule), gil.c
 * (the interpreter-lock emulation), trace.c (the --trace writer),
 * cpustat.c (outside_load from /proc/stat).
 * The engine reaches the step kinds only through workloads/step.h and the
 * kernel's event interfaces only through harness/loop/loop.h. */
#ifndef MB_ENGINE_H
#define MB_ENGINE_H

#include "calib.h"
#include "hist.h"
#include "mempol.h"
#include "modes.h"
#include "runtime.h"
#include "topo.h"

#endif
