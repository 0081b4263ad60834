#include "gil.h"

void mb_gil_acquire(struct mb_gil *g) { (void)g; }
void mb_gil_release(struct mb_gil *g) { (void)g; }
void mb_gil_tick(struct mb_gil *g) { (void)g; }
