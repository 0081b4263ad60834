/* The open-loop schedule (arrivals.h). Arrival times are computed from
 * the arrival's number (constant) or its own offset kept in double
 * (Poisson), never summed in whole nanoseconds gap by gap, so no rounding
 * accumulates: arrival j of a constant-rate run is due exactly
 * floor(j x 1e9 / rate) ns after the start. */
#include "arrivals.h"

#include <math.h>

void mb_arrivals_next(struct mb_worker *w)
{
	const struct mb_run *run = w->run;
	double off;
	if (run->poisson) {
		double u = ((double)(mb_rand(&w->arrival_rng) >> 11) + 0.5) *
			   (1.0 / 9007199254740992.0);
		w->poisson_ns -= log(u) * w->interval_ns; /* mean W/rate */
		off = w->poisson_ns;
	} else {
		off = ((double)w->id + (double)w->arrivals * run->nworkers) * 1e9 / run->rate;
	}
	w->arrivals++;
	w->next_start_ns = w->origin_ns + (uint64_t)off;
}

/* splitmix64's finaliser: the workers' arrival streams start from
 * unrelated states, though their ids differ by one. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void mb_arrivals_init(struct mb_worker *w, uint64_t t0)
{
	w->origin_ns = t0;
	w->deadline_ns = w->run->duration_ns ? t0 + w->run->duration_ns : 0;
	w->arrivals = 0;
	w->poisson_ns = 0;
	if (!w->interval_ns)
		return;
	w->arrival_rng = mix64(w->run->seed ^ mix64(w->id + 1)) | 1;
	mb_arrivals_next(w);
}
