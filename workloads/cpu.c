/* cpu:N and cpu:DUR: a fixed compute kernel. One work unit is 256 rounds of
 * a 64-bit multiply-add-xorshift chain; each round depends on the last, so
 * the compiler can neither vectorise nor drop it (the state is folded into
 * the worker's checksum) and the same N is the same work on every machine.
 * cpu:DUR is turned into units by calibrating on this machine at the start
 * of a sweep. The async form runs inline: CPU work blocks the loop. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "step.h"

uint64_t mb_cpu_kernel(uint64_t x, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		for (unsigned j = 0; j < 256; j++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			x ^= x >> 29;
		}
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static int cpu_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	uint64_t v;
	if (mb_parse_count(arg, &v) == 0) {
		s->a = v;
		return 0;
	}
	if (mb_parse_duration(arg, &v, 0) == 0) {
		s->dur_ns = v;
		s->a = 1; /* until calibrated */
		return 0;
	}
	snprintf(err, errlen, "cpu:%s: expected a positive count of work units (100, 2k) or "
		 "a duration (100us, 1.5ms)", arg);
	return -EINVAL;
}

/* Runs n units; under the interpreter lock the holder offers the lock
 * between units, as CPython does between bytecodes. */
static uint64_t cpu_units(struct mb_worker *w, uint64_t x, uint64_t n)
{
	if (!w->gil_drop)
		return mb_cpu_kernel(x, n);
	for (uint64_t i = 0; i < n; i++) {
		x = mb_cpu_kernel(x, 1);
		mb_worker_gil_tick(w);
	}
	return x;
}

/* Long steps (over 1024 units) look at the stop flag every 256 units, so
 * a timeout or an interrupt can end them; one ended that way returns
 * -ECANCELED, since it did not do its work (the row is then marked
 * timeout or interrupted, never ok, and the task is not counted). */
static int cpu_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	uint64_t x = w->checksum | 1;
	int rc = 0;

	if (s->a <= 1024) {
		x = cpu_units(w, x, s->a);
	} else {
		for (uint64_t done = 0; done < s->a;) {
			uint64_t n = s->a - done < 256 ? s->a - done : 256;
			x = cpu_units(w, x, n);
			done += n;
			if (done < s->a && mb_worker_stopping(w)) {
				rc = -ECANCELED;
				break;
			}
		}
	}
	w->checksum = x;
	return rc;
}

static int cpu_start_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	int rc = cpu_run(w, lane, s);
	return rc < 0 ? rc : MB_Q_COMPLETED;
}

const struct mb_step_kind mb_step_cpu = {
	.name = "cpu",
	.syntax = "cpu:N | cpu:DUR",
	.help = "N work units of a fixed compute kernel, or compute calibrated to take DUR",
	.flags = MB_STEP_F_WORK_UNITS,
	.parse = cpu_parse,
	.run_blocking = cpu_run,
	.start_async = cpu_start_async,
};
