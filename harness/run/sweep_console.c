/* What the run command writes for a person to read, as opposed to the
 * CSV: latencies in human units, recipe cells that are never cut inside
 * a step, the progress of the sweep (a line redrawn on a terminal, a line
 * now and then in a log) and the dry run's time estimate. */
#include "sweep_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Shortest time the line progress waits between two lines, and the share
 * of the runs after which it writes one anyway. */
#define PROGRESS_EVERY_NS (10 * MB_NS_PER_S)
#define PROGRESS_PARTS 10

void sw_fmt_us(double us, char *buf, unsigned len)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	double v = us * 1e3;
	unsigned u = 0;
	if (isnan(us) || us < 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (us == 0) {
		snprintf(buf, len, "0 us");
		return;
	}
	for (;;) {
		/* three significant digits: 1.02, 85.2, 207 */
		int dec = v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2;
		snprintf(buf, len, "%.*f %s", dec, v, units[u]);
		if (u == 3 || strtod(buf, NULL) < 1000)
			return;
		v /= 1e3;
		u++;
	}
}

void sw_fmt_secs(double s, char *buf, unsigned len)
{
	if (s < 9.95)
		snprintf(buf, len, "%.1f s", s);
	else if (s < 59.5)
		snprintf(buf, len, "%.0f s", s);
	else if (s < 3599.5)
		snprintf(buf, len, "%.0f min %02.0f s", floor((s + 0.5) / 60),
			 fmod(floor(s + 0.5), 60));
	else
		snprintf(buf, len, "%.0f h %02.0f min", floor((s + 30) / 3600),
			 fmod(floor((s + 30) / 60), 60));
}

void sw_fmt_bytes(double bytes, char *buf, unsigned len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;
	while (bytes >= 999.5 && u < 4) {
		bytes /= 1024;
		u++;
	}
	int dec = u == 0 || bytes >= 99.95 ? 0 : bytes >= 9.995 ? 1 : 2;
	snprintf(buf, len, "%.*f %s", dec, bytes, units[u]);
}

void sw_print_memory(const struct sw_sweep *s, FILE *f)
{
	const struct sw_config *big = NULL;
	struct mb_footprint fp, bfp;
	double best = -1, per = 0;
	for (unsigned i = 0; i < s->ncfg; i++) {
		const struct sw_config *c = &s->cfgs[i];
		size_t one = mb_footprint(c->mode, c->recipe, c->c, c->w, s->o->trace[0], &fp);
		if ((double)c->w * (double)(one + fp.stack) > best) {
			best = (double)c->w * (double)(one + fp.stack);
			big = c;
			bfp = fp;
			per = (double)one;
		}
	}
	if (!big)
		return;
	char b[6][32];
	sw_fmt_bytes(per, b[0], 32);
	sw_fmt_bytes((double)bfp.slot, b[1], 32);
	sw_fmt_bytes((double)bfp.worker, b[2], 32);
	sw_fmt_bytes((double)bfp.lanes, b[3], 32);
	sw_fmt_bytes((double)bfp.tasks, b[4], 32);
	sw_fmt_bytes((double)bfp.trace, b[5], 32);
	fprintf(f, "memory per worker: %s (result and histograms %s, worker %s, %u lanes %s, "
		"%u task slots %s, trace %s)", b[0], b[1], b[2], bfp.nlanes, b[3],
		big->mode->async ? bfp.ntasks : 0, b[4], b[5]);
	sw_fmt_bytes((double)bfp.stack, b[1], 32);
	fprintf(f, bfp.stack ? " + a %s thread stack, reserved\n" : " in a process of its own\n",
		b[1]);
	sw_fmt_bytes(per * big->w, b[0], 32);
	sw_fmt_bytes((double)bfp.stack * big->w, b[1], 32);
	fprintf(f, "memory in all: %s%s%s%s (largest configuration: %s k=%u C=%u, %u workers)\n",
		b[0], bfp.stack ? " + " : "", bfp.stack ? b[1] : "",
		bfp.stack ? " of thread stacks, reserved" : "", big->mode->name, big->k, big->c,
		big->w);
}

void sw_recipe_cell(const char *recipe, unsigned width, unsigned col, char *buf, unsigned len)
{
	size_t n = strlen(recipe);
	if (n <= width) {
		snprintf(buf, len, "%-*s", (int)width, recipe);
		return;
	}
	/* the last step boundary outside a group that leaves room for "+..." */
	size_t cut = 0;
	int depth = 0;
	for (size_t i = 0; i < n && i + 4 <= width; i++) {
		depth += recipe[i] == '(' ? 1 : recipe[i] == ')' ? -1 : 0;
		if (recipe[i] == '+' && depth == 0)
			cut = i + 1;
	}
	if (cut) {
		snprintf(buf, len, "%.*s...%*s", (int)cut, recipe, (int)(width - cut - 3), "");
		return;
	}
	/* not even the first step fits: the whole recipe, and the row goes on
	 * under the column on the next line */
	snprintf(buf, len, "%s\n%*s", recipe, (int)(col + width), "");
}

unsigned sw_recipe_width(const struct sw_sweep *s, unsigned most)
{
	unsigned w = 6; /* "recipe" */
	for (unsigned i = 0; i < s->ncfg; i++) {
		size_t n = strlen(s->o->workloads[s->cfgs[i].wl].recipe);
		w = n > w ? (unsigned)n : w;
	}
	return w < most ? w : most;
}

/* With --progress auto and standard error no terminal (a CI log, a pipe
 * to tee): a line now and then instead of the redrawn one; never with -q,
 * even when --progress auto follows it. */
static bool progress_lines(const struct mb_opts *o)
{
	return o->progress == 0 && !o->quiet && !isatty(2);
}

void sw_progress(struct sw_sweep *s, unsigned done, const struct sw_config *c,
		 const struct sw_planned *p)
{
	uint64_t now = mb_now_ns();
	double el = (now - s->t_start) / 1e9;
	double eta = done ? el / done * (s->nplan - done) : 0;
	char e1[32], e2[32];
	if (sw_show_progress(s->o)) {
		fprintf(stderr, "\r\033[K[%u/%u] %s %s k=%u C=%u %s%u  elapsed %.0fs  ETA %.0fs",
			done + 1, s->nplan, s->o->workloads[c->wl].name, c->mode->name, c->k,
			c->c, p->warmup ? "warmup " : "rep ", p->rep, el, eta);
		fflush(stderr);
		return;
	}
	unsigned part = s->nplan / PROGRESS_PARTS ? s->nplan / PROGRESS_PARTS : 1;
	if (!s->progress_ns)
		s->progress_ns = s->t_start;
	if (!progress_lines(s->o) || !done ||
	    (done - s->progress_done < part && now - s->progress_ns < PROGRESS_EVERY_NS))
		return;
	s->progress_done = done;
	s->progress_ns = now;
	sw_fmt_secs(el, e1, sizeof(e1));
	sw_fmt_secs(eta, e2, sizeof(e2));
	fprintf(stderr, "modebench: %u of %u runs done (%.0f%%), elapsed %s, ETA %s\n", done,
		s->nplan, 100.0 * done / s->nplan, e1, e2);
}

void sw_print_estimate(const struct sw_sweep *s, FILE *f)
{
	const struct mb_opts *o = s->o;
	char total[32], most[32];
	if (o->tasks) {
		fprintf(f, "estimated time: unknown: each run ends after %llu tasks (-n), however "
			"long they take\n", (unsigned long long)o->tasks);
		return;
	}
	double per = o->duration_ns / 1e9 + SW_RUN_OVERHEAD_S;
	sw_fmt_secs(s->nplan * per, total, sizeof(total));
	fprintf(f, "estimated time: %s%s: %u runs x (%.3g s + about %.2g s per run to start the "
		"workers and write the row)", o->reps_auto ? "at least " : "", total, s->nplan,
		o->duration_ns / 1e9, SW_RUN_OVERHEAD_S);
	if (o->reps_auto) {
		sw_fmt_secs(s->ncfg * (o->warmup + o->reps_max) * per, most, sizeof(most));
		fprintf(f, ", at most %s with --reps-max %u", most, o->reps_max);
	}
	fputs("\n", f);
}
