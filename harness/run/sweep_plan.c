/* The sweep's plan: the cross product of workloads x modes x backends x
 * cores x concurrency x rates, de-duplicated, each configuration run
 * --warmup + --reps times: warmups first, then every measured run in one
 * shuffled order (README, "How it measures"). Nothing here creates a
 * file, so --dry-run and every usage error leave the disk as it was. */
#include "sweep_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most workers one configuration may start (threads or processes). */
#define SW_MAX_WORKERS 20000

static int usage_error(const char *err)
{
	fprintf(stderr, "modebench: %s\n", err);
	return MB_EXIT_USAGE;
}

/* Removes repeated core counts, keeping the first of each. */
static void dedupe_cores(struct mb_opts *o)
{
	unsigned n = 0;
	for (unsigned i = 0; i < o->ncores; i++) {
		bool dup = false;
		for (unsigned j = 0; j < n; j++)
			dup |= o->cores[j] == o->cores[i];
		if (!dup)
			o->cores[n++] = o->cores[i];
	}
	o->ncores = n;
}

/* -c asks for more than the slots: the one line saying so, naming the
 * CPU mask when one narrowed the machine. */
static int too_many_cores(const struct mb_opts *o, unsigned hi, unsigned slots,
			  const char *mask, char *err, unsigned errlen)
{
	const char *unit = o->smt ? " PUs" : " cores";
	if (mask[0])
		snprintf(err, errlen, "-c/--cores: %u%s asked but this machine has %u%s inside the "
			 "CPU mask this process runs under, %s; use all, or widen the mask", hi,
			 unit, slots, o->smt ? (slots == 1 ? " PU" : " PUs") :
			 (slots == 1 ? " core" : " cores"), mask);
	else
		snprintf(err, errlen, "-c/--cores: %u cores asked but this %s has %u%s "
			 "(use all, or --dry-run --topology to plan for a bigger one)", hi,
			 o->topology[0] ? "topology" : "machine", slots, unit);
	return -ERANGE;
}

/* Turns -c (N, A-B, pow2, all, comma-joined) into core counts from 1 to
 * slots, in the order given. mask: the topology's CPU mask note. */
static int resolve_cores(struct mb_opts *o, unsigned slots, const char *mask, char *err,
			 unsigned errlen)
{
	char spec[256], *save, *tok;
	snprintf(spec, sizeof(spec), "%s", o->cores_spec);
	o->ncores = 0;
	if (!*spec) {
		snprintf(err, errlen, "-c/--cores: empty list");
		return -EINVAL;
	}
	size_t sl = strlen(spec);
	if (spec[0] == ',' || spec[sl - 1] == ',' || strstr(spec, ",,")) {
		snprintf(err, errlen, "-c/--cores: empty item in '%s'", spec);
		return -EINVAL;
	}
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned lo, hi;
		char tail;
		if (!strcmp(tok, "all")) {
			lo = hi = slots;
		} else if (!strcmp(tok, "pow2")) {
			for (unsigned k = 1; k <= slots && o->ncores < MB_MAX_LIST; k *= 2)
				o->cores[o->ncores++] = k;
			if (o->cores[o->ncores - 1] != slots && o->ncores < MB_MAX_LIST)
				o->cores[o->ncores++] = slots;
			continue;
		} else if (sscanf(tok, "%u-%u%c", &lo, &hi, &tail) == 2 && lo >= 1 && hi >= lo) {
		} else if (sscanf(tok, "%u%c", &lo, &tail) == 1 && lo >= 1 && tok[0] != '-' &&
			   tok[0] != '+') {
			hi = lo;
		} else {
			snprintf(err, errlen, "-c/--cores: '%s' is not a core count (accepted: N, "
				 "A-B, pow2, all; e.g. 1,2 or 1-8)", tok);
			return -EINVAL;
		}
		if (hi > slots)
			return too_many_cores(o, hi, slots, mask, err, errlen);
		for (unsigned k = lo; k <= hi && o->ncores < MB_MAX_LIST; k++)
			o->cores[o->ncores++] = k;
	}
	dedupe_cores(o);
	return 0;
}

/* Expands mixed into one workload per I/O fraction. */
static void expand_workloads(struct mb_opts *o)
{
	struct mb_workload out[MB_MAX_LIST];
	unsigned n = 0;
	for (unsigned i = 0; i < o->nworkloads; i++) {
		if (strcmp(o->workloads[i].name, "mixed")) {
			if (n < MB_MAX_LIST)
				out[n++] = o->workloads[i];
			continue;
		}
		for (unsigned f = 0; f < o->nio_fractions && n < MB_MAX_LIST; f++) {
			struct mb_workload *wl = &out[n++];
			snprintf(wl->name, sizeof(wl->name), "mixed");
			wl->io_fraction = o->io_fractions[f];
			mb_preset_mixed(wl->io_fraction, o->io_kind, wl->recipe,
					sizeof(wl->recipe));
		}
	}
	memcpy(o->workloads, out, sizeof(out[0]) * n);
	o->nworkloads = n;
}

static bool has_runtime(const struct mb_opts *o, enum mb_runtime_kind k)
{
	for (unsigned i = 0; i < o->nruntimes; i++)
		if (o->runtimes[i] == k)
			return true;
	return false;
}

/* The recipes; python runs get copies of their own (py_recipes), since
 * cpu:DUR becomes a different number of units in each runtime. */
static int parse_recipes(struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	char err[MB_ERRLEN];
	size_t n = o->nworkloads ? o->nworkloads : 1;
	s->recipes = calloc(n, sizeof(*s->recipes));
	if (has_runtime(o, MB_RT_PYTHON))
		s->py_recipes = calloc(n, sizeof(*s->py_recipes));
	if (!s->recipes || (has_runtime(o, MB_RT_PYTHON) && !s->py_recipes))
		return sw_nomem("the recipes (%u workloads)", o->nworkloads);
	for (unsigned i = 0; i < o->nworkloads; i++) {
		if (mb_recipe_parse(o->workloads[i].recipe, &s->recipes[i], err, sizeof(err))) {
			fprintf(stderr, "modebench: -w/--workload: %s\n", err);
			return MB_EXIT_USAGE;
		}
		if (s->py_recipes)
			s->py_recipes[i] = s->recipes[i];
	}
	return 0;
}

/* Appends one configuration, its placement planned. conc 0 is "k" (the
 * default): as many tasks as cores, 1 in the one-core modes. */
static int add_config(struct sw_sweep *s, unsigned *cap, unsigned wi, enum mb_runtime_kind rt,
		      const struct mb_mode *m, enum mb_backend backend, unsigned k, unsigned conc,
		      double rate)
{
	const struct mb_opts *o = s->o;
	if (s->ncfg == *cap) {
		unsigned ncap = *cap ? *cap * 2 : 64;
		struct sw_config *n = realloc(s->cfgs, (size_t)ncap * sizeof(*n));
		if (!n)
			return sw_nomem("the run matrix (%u configurations)", ncap);
		s->cfgs = n;
		*cap = ncap;
	}
	struct sw_config *c = &s->cfgs[s->ncfg++];
	memset(c, 0, sizeof(*c));
	c->wl = wi;
	c->rt = rt;
	c->recipe = rt == MB_RT_PYTHON ? &s->py_recipes[wi] : &s->recipes[wi];
	c->mode = m;
	c->backend = backend;
	c->k = k;
	c->c = m->id == MB_MODE_SYNC ? 1 : conc ? conc : (mb_mode_one_core(m) ? 1 : k);
	c->w = mb_mode_workers(m, k, c->c);
	c->rate = rate;
	/* gil_us: the interpreter lock's switch interval. C: --gil's emulated
	 * lock, made only where threads share it (0 elsewhere). Python: every
	 * worker runs under CPython's own lock, shared by the threads of
	 * thread modes and one per process otherwise, so every mode says
	 * --switch-interval (and a Python sweep's modes share its panels). */
	bool shared = m->id == MB_MODE_THREADS || m->id == MB_MODE_ASYNC_THREADS;
	c->gil_ns = rt == MB_RT_PYTHON ? o->switch_ns : shared ? o->gil_ns : 0;
	mb_topo_plan(s->topo, k, o->policy, o->smt, c->pus);
	mb_topo_cpulist(c->pus, k, c->cpuset, sizeof(c->cpuset));
	/* --resume's key (resume.c builds the same from a row): the
	 * configuration columns, then --smt and a --mem-policy other than
	 * local on a recipe with a mem step, then the runtime when it is not
	 * c (the C runtime's key is as before the runtime column). */
	char pol[32] = "";
	if (mb_recipe_uses(c->recipe, &mb_step_mem))
		mb_mempol_name(&o->mem_policy, pol, sizeof(pol));
	/* --mpi span: the rows hold every node's cores, tasks in flight and
	 * rate (k x N), and so does the key that finds them */
	unsigned n = o->mpi == MB_MPI_SPAN && s->nranks > 1 ? (unsigned)s->nranks : 1;
	snprintf(c->key, sizeof(c->key), "%s|%s|%s|%s|%s|%u|%u|%.6g|%.6g|%d|%s%s",
		 o->workloads[wi].name, o->workloads[wi].recipe, m->name,
		 mb_backend_name(backend), mb_policy_name(o->policy), k * n, c->c * n,
		 c->rate * n, c->gil_ns / 1e3, o->smt ? 1 : 0, strcmp(pol, "local") ? pol : "",
		 rt == MB_RT_PYTHON ? "|python" : "");
	return 0;
}

/* Every configuration of workload wi in mode m under runtime rt.
 * Backends multiply only the C runtime's async modes (python's run
 * asyncio's own loop, whose selector is epoll), core counts only the
 * modes that use more than one core, concurrency every mode but sync
 * (always 1). */
static int add_mode_configs(struct sw_sweep *s, unsigned *cap, unsigned wi,
			    enum mb_runtime_kind rt, const struct mb_mode *m)
{
	const struct mb_opts *o = s->o;
	bool one_core = mb_mode_one_core(m);
	unsigned nb = m->async && rt == MB_RT_C ? o->nbackends : 1;
	unsigned nk = one_core && o->ncores ? 1 : o->ncores;
	unsigned nc = m->id == MB_MODE_SYNC || !o->nconc ? 1 : o->nconc;
	unsigned nr = o->nrates ? o->nrates : 1;
	for (unsigned bi = 0; bi < nb; bi++)
		for (unsigned ki = 0; ki < nk; ki++)
			for (unsigned ci = 0; ci < nc; ci++)
				for (unsigned ri = 0; ri < nr; ri++) {
					enum mb_backend be =
						!m->async ? MB_BACKEND_NONE :
						rt == MB_RT_C ? o->backends[bi] :
								MB_BACKEND_EPOLL;
					int rc = add_config(
						s, cap, wi, rt, m, be,
						one_core ? 1 : o->cores[ki],
						o->nconc ? o->conc[ci] : 0,
						o->nrates ? o->rates[ri] : 0);
					if (rc)
						return rc;
				}
	return 0;
}

/* The cross product, in the order workloads x runtimes x modes x
 * backends x cores x concurrency x rates. */
static int build_matrix(struct sw_sweep *s)
{
	unsigned cap = 0;
	int rc;
	for (unsigned wi = 0; wi < s->o->nworkloads; wi++)
		for (unsigned ri = 0; ri < s->o->nruntimes; ri++)
			for (unsigned mi = 0; mi < s->o->nmodes; mi++)
				if ((rc = add_mode_configs(s, &cap, wi, s->o->runtimes[ri],
							   s->o->modes[mi])))
					return rc;
	return 0;
}

/* Drops configurations that repeat an earlier one (sync over -C, say).
 * Cost: O(n^2) key comparisons. */
static void dedupe_configs(struct sw_sweep *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->ncfg; i++) {
		bool dup = false;
		for (unsigned j = 0; j < n && !dup; j++)
			dup = !strcmp(s->cfgs[j].key, s->cfgs[i].key);
		if (!dup)
			s->cfgs[n++] = s->cfgs[i];
	}
	s->ncfg = n;
}

static int check_workers(const struct sw_sweep *s)
{
	for (unsigned i = 0; i < s->ncfg; i++) {
		const struct sw_config *c = &s->cfgs[i];
		if (c->w <= SW_MAX_WORKERS)
			continue;
		fprintf(stderr, "modebench: -C/--concurrency: %u %s in mode %s is more than the "
			"%d workers modebench starts; use an async mode for more\n", c->c,
			c->mode->procs ? "processes" : "threads", c->mode->name, SW_MAX_WORKERS);
		return MB_EXIT_USAGE;
	}
	return 0;
}

void sw_shuffle(struct sw_planned *p, unsigned n, uint64_t seed)
{
	uint64_t rng = seed;
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)(mb_rand(&rng) % i);
		struct sw_planned t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
}

/* Every configuration's warmups and repetitions. Unless --order
 * sequential, warmups go first, then every measured run in one order
 * shuffled by --seed, so drift of the machine spreads over all modes. */
static int order_runs(struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	unsigned n = 0, per = o->warmup + o->reps;
	s->nplan = s->ncfg * per;
	s->plan = calloc(s->nplan ? s->nplan : 1, sizeof(*s->plan));
	if (!s->plan)
		return sw_nomem("the run order (%u runs)", s->nplan);
	for (unsigned i = 0; i < s->ncfg; i++)
		for (unsigned r = 0; r < per; r++)
			s->plan[n++] = (struct sw_planned){ i, r < o->warmup ? r : r - o->warmup,
							    r < o->warmup };
	if (o->sequential)
		return 0;
	/* The swaps keep the warmups in front, in their order; the measured
	 * runs behind them are shuffled. */
	unsigned nw = 0;
	for (unsigned i = 0; i < s->nplan; i++)
		if (s->plan[i].warmup) {
			struct sw_planned t = s->plan[nw];
			s->plan[nw++] = s->plan[i];
			s->plan[i] = t;
		}
	sw_shuffle(s->plan + nw, s->nplan - nw, o->seed * 0x9E3779B97F4A7C15ull + 0x1234567);
	return 0;
}

int sw_plan(struct sw_sweep *s)
{
	struct mb_opts *o = s->o;
	char err[MB_ERRLEN * 2];
	int rc;

	if (mb_topo_load(&s->topo, o->topology[0] ? o->topology : NULL, err, sizeof(err)))
		return usage_error(err);
	unsigned slots = mb_topo_slots(s->topo, o->smt);
	if (slots > SW_MAX_CORES) {
		if (!o->quiet)
			fprintf(stderr, "modebench: note: this machine has %u %s; a run uses at most "
				"%u of them\n", slots, o->smt ? "PUs" : "cores", SW_MAX_CORES);
		slots = SW_MAX_CORES;
	}
	if (resolve_cores(o, slots, s->topo->mask, err, sizeof(err)) ||
	    mb_mempol_check(s->topo, &o->mem_policy, err, sizeof(err)))
		return usage_error(err);
	expand_workloads(o);
	if ((rc = parse_recipes(s)) || (rc = build_matrix(s)))
		return rc;
	dedupe_configs(s);
	if ((rc = check_workers(s)) || (rc = order_runs(s)))
		return rc;
	return 0;
}

bool sw_has_python(const struct sw_sweep *s)
{
	for (unsigned i = 0; i < s->ncfg; i++)
		if (s->cfgs[i].rt == MB_RT_PYTHON)
			return true;
	return false;
}

void sw_print_plan(const struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	unsigned rw = sw_recipe_width(s, 40);
	printf("%s\n", s->topo->desc);
	if (s->topo->mask[0])
		printf("mask: %s\n", s->topo->mask);
	printf("run matrix: %u configurations x (%u warmup + %u reps) = %u runs, %s each\n",
	       s->ncfg, o->warmup, o->reps, s->nplan, o->tasks ? "by task count" : "by duration");
	sw_print_estimate(s, stdout);
	sw_print_memory(s, stdout);
	bool py = sw_has_python(s);
	printf("%-10s %-*s %-13s %s%-8s %4s %6s %7s  %s\n", "workload", (int)rw, "recipe", "mode",
	       py ? "runtime " : "", "backend", "k", "C", "workers",
	       "cpuset (PU OS indexes, in assignment order)");
	for (unsigned i = 0; i < s->ncfg; i++) {
		const struct sw_config *c = &s->cfgs[i];
		const struct mb_workload *wl = &o->workloads[c->wl];
		char recipe[400];
		sw_recipe_cell(wl->recipe, rw, 11, recipe, sizeof(recipe));
		printf("%-10s %s %-13s ", wl->name, recipe, c->mode->name);
		if (py)
			printf("%-7s ", mb_runtime_kind_name(c->rt));
		printf("%-8s %4u %6u %7u  ", mb_backend_name(c->backend), c->k, c->c, c->w);
		for (unsigned j = 0; j < c->k; j++)
			printf("%s%u", j ? "," : "", c->pus[j]);
		printf("%s\n", o->policy == MB_POLICY_NONE ? " (not bound)" : "");
	}
}
