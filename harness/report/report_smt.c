/* The SMT yield (README, "Report"): what a core's second hardware thread
 * adds. A run with --smt counts PUs in its cores column; its yield is its
 * throughput over that of the same configuration without --smt on the
 * same physical cores, when its plan kept every sibling of those cores
 * busy. Which cores a plan used follows from the machine's description
 * ("2pkg/2numa/8core/16pu/...": 2 PUs a core) and the policy: compact
 * (and none, whose list is compact's) hands out a core's PUs one after
 * another, so k PUs fill k / t cores when t divides k; scatter puts one
 * worker on every core before any sibling, so only k = every PU fills
 * them all. Cost: O(groups^2). */
#include "report_int.h"

#include <stdio.h>

/* The physical cores g's plan filled, every sibling busy; 0 when it did
 * not (one PU a core, a partial core, scatter short of every PU, a
 * description that does not say). */
static double filled_cores(const struct mb_report_group *g)
{
	unsigned pkg, numa, ncore, npu;
	if (!g->topology ||
	    sscanf(g->topology, "%upkg/%unuma/%ucore/%upu/", &pkg, &numa, &ncore, &npu) != 4 ||
	    !ncore || npu % ncore || npu / ncore < 2 || !(g->cores >= 1) ||
	    g->cores != (double)(unsigned)g->cores)
		return 0;
	unsigned t = npu / ncore, k = (unsigned)g->cores;
	if (!strcmp(g->policy ? g->policy : "", "scatter"))
		return k == npu ? ncore : 0;
	return k % t == 0 ? k / t : 0;
}

/* The run without --smt g's yield is measured against, or NULL. */
static const struct mb_report_group *partner(const struct mb_report_summary *s,
					     const struct mb_report_group *g, double cores)
{
	double conc = g->concurrency == g->cores ? cores : g->concurrency;
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *h = &s->groups[i];
		if (h->smt == 0 && h->cores == cores && mb_rep_num_eq(h->concurrency, conc) &&
		    h->tp.median > 0 && mb_rep_str_eq(h->host, g->host) &&
		    mb_rep_str_eq(h->workload, g->workload) &&
		    mb_rep_str_eq(h->recipe, g->recipe) && mb_rep_str_eq(h->mode, g->mode) &&
		    mb_rep_str_eq(h->backend, g->backend) &&
		    mb_rep_str_eq(h->policy, g->policy) &&
		    mb_rep_str_eq(mb_rep_mempol_key(h->mem_policy),
				  mb_rep_mempol_key(g->mem_policy)) &&
		    mb_rep_num_eq(h->io_fraction, g->io_fraction) &&
		    mb_rep_num_eq(h->gil_us, g->gil_us) && mb_rep_num_eq(h->rate, g->rate) &&
		    mb_rep_same_arrivals(h, g))
			return h;
	}
	return NULL;
}

void mb_rep_smt_yields(struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct mb_report_group *g = &s->groups[i];
		double cores = g->smt == 1 ? filled_cores(g) : 0;
		const struct mb_report_group *h = cores > 0 ? partner(s, g, cores) : NULL;
		if (h)
			g->smt_yield = g->tp.median / h->tp.median;
	}
}
