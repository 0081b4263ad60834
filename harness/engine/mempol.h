/* NUMA placement of the mem step's buffers (--mem-policy), through hwloc:
 *   local       the node(s) of the worker's PU: the kernel's first touch
 *               by the worker, bound to that PU (what it always did)
 *   interleave  page by page over every NUMA node of the machine
 *               (hwloc's INTERLEAVE; no huge pages, so even the smallest
 *               buffer spans every node)
 *   node:N      bound to NUMA node N (OS index, as numactl counts)
 *   remote      bound to the node after the worker's own, in hwloc's
 *               logical order and round to the first: on two nodes, the
 *               other one
 * Binding is hwloc_set_area_membind on a fresh mapping before its first
 * touch; after the touch hwloc_get_area_memlocation says which nodes hold
 * the pages (the mem_nodes column), and a page outside the policy's nodes
 * (or, interleaved, a node left out) is a policy the kernel did not
 * honour (the row's flags). With one NUMA node nothing is bound or looked
 * up: every page is on it. Net and file buffers never follow the policy.
 * Everything here runs in set-up, outside the measured period. */
#ifndef MB_MEMPOL_H
#define MB_MEMPOL_H

#include <stdbool.h>
#include <stdint.h>

#include "topo.h"

enum mb_mempol_kind { MB_MEMPOL_LOCAL, MB_MEMPOL_INTERLEAVE, MB_MEMPOL_NODE, MB_MEMPOL_REMOTE };

struct mb_mempol {
	enum mb_mempol_kind kind;
	unsigned node; /* node:N */
};

/* "local", "interleave", "remote" or "node:N" into *p; -EINVAL (p
 * untouched) for anything else. */
int mb_mempol_parse(const char *s, struct mb_mempol *p);
/* Its name as parsed ("node:1"), into buf. */
const char *mb_mempol_name(const struct mb_mempol *p, char *buf, unsigned len);

/* Whether topo can carry the policy out: remote needs two NUMA nodes,
 * node:N a node N. -EINVAL with one line in err naming the option and
 * the nodes there are ("this machine", or "this topology" when
 * foreign). */
int mb_mempol_check(const struct mb_topo *topo, const struct mb_mempol *p, char *err,
		    unsigned errlen);

/* The nodes (OS indexes) a worker on PU pu should find its pages on
 * under p, into set; NULL p is local. -EINVAL when pu is not a PU of
 * topo. */
int mb_mempol_target(const struct mb_topo *topo, const struct mb_mempol *p, unsigned pu,
		     hwloc_nodeset_t set);

/* The step API's memory operations (struct mb_mem_ops) for the runner to
 * hang on its runs: allocation under w->run->mem_policy for w->pu, the
 * look at where the pages went, recorded in w's result. */
extern const struct mb_mem_ops mb_mempol_ops;

/* NUMA node OS indexes a result records, and the words of its bitmap. */
#define MB_MEM_NODES 256
#define MB_MEM_NODE_WORDS (MB_MEM_NODES / 64)

/* "0,1": the nodes of a bitmap of MB_MEM_NODE_WORDS words, or "" when
 * none. */
void mb_mem_nodes_list(const uint64_t *nodes, char *buf, unsigned len);

#endif
