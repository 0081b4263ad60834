/* Calibration of cpu:DUR: how many work units of the fixed kernel this
 * machine runs per second on one pinned core. */
#ifndef MB_CALIB_H
#define MB_CALIB_H

#include "topo.h"

/* Pins the calling thread to pu for the measurement (and restores its
 * previous binding), runs five 20 ms trials and returns the median rate in
 * units per second. */
double mb_cpu_calibrate(const struct mb_topo *topo, unsigned pu);

#endif
