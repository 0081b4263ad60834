/* Topology and placement through hwloc. The topology is loaded once, from
 * this machine, an XML file or a synthetic description, and the placement
 * plan for k cores under a policy is a list of PU OS indexes, one per
 * "core slot" (a core's first PU, or any PU with SMT). Workers bind
 * themselves to their slot and check where they ran.
 *
 * This machine's topology is what the process may run on: hwloc leaves
 * out what a cgroup cpuset forbids, and mb_topo_load restricts it further
 * to the CPU mask the process was started with (taskset,
 * sched_setaffinity), so every plan stays inside the mask. NUMA nodes
 * keep their memory when the mask leaves them no PU (a remote node is
 * still one to place memory on). */
#ifndef MB_TOPO_H
#define MB_TOPO_H

#include <hwloc.h>
#include <stdbool.h>

enum mb_policy { MB_POLICY_COMPACT, MB_POLICY_SCATTER, MB_POLICY_NONE };

struct mb_topo {
	hwloc_topology_t t;
	bool this_system; /* false for XML/synthetic: binding is skipped */
	char desc[128];	  /* "1pkg/1numa/2core/2pu/llc32768KiB" */
	char cpu_model[128]; /* trimmed, inner runs of blanks made one space */
	/* When a CPU mask narrowed this machine: "1 of 2 PUs
	 * (taskset/sched_setaffinity): 1", else "". */
	char mask[160];
};

/* spec: NULL for this machine, a path to an XML file, or a synthetic
 * description such as "pack:2 numa:1 l3:2 core:8 pu:2". */
int mb_topo_load(struct mb_topo **out, const char *spec, char *err,
		 unsigned errlen);
void mb_topo_free(struct mb_topo *topo);

/* Plans only on the PUs of set from now on (hwloc_topology_restrict):
 * cores and packages left without a PU are gone, NUMA nodes keep their
 * memory. topo->mask and topo->desc say so when set leaves out PUs the
 * topology had; how names what narrowed it ("taskset/sched_setaffinity").
 * Returns 0, or -EINVAL (err says why) when set holds none of the
 * topology's PUs, the topology unchanged. mb_topo_load calls it with the
 * process's CPU mask; tests call it on synthetic topologies. */
int mb_topo_restrict(struct mb_topo *topo, hwloc_const_cpuset_t set, const char *how,
		     char *err, unsigned errlen);

/* Objects of type that hold at least one PU (NUMA nodes: every node,
 * memory being what they are for). What desc and the meta file count. */
unsigned mb_topo_count(const struct mb_topo *topo, hwloc_obj_type_t type);

int mb_policy_parse(const char *s, enum mb_policy *p);
const char *mb_policy_name(enum mb_policy p);

/* Number of core slots available: cores, or PUs when smt. */
unsigned mb_topo_slots(const struct mb_topo *topo, bool smt);

/* Fills pus[0..k-1] with the OS indexes of the PUs a run on k cores uses,
 * in the order workers are assigned round-robin. compact fills a cache
 * domain before the next; scatter spreads over packages, NUMA nodes and
 * caches first. With MB_POLICY_NONE the list is the compact one (it is
 * still what "k cores" means for counting) but nothing is bound. Returns
 * -ERANGE when k exceeds the slots. */
int mb_topo_plan(const struct mb_topo *topo, unsigned k, enum mb_policy p,
		 bool smt, unsigned *pus);

/* "0-1,4" style list of the planned PUs. */
void mb_topo_cpulist(const unsigned *pus, unsigned k, char *buf, unsigned len);

/* Binds the calling thread to PU os_index (no-op when not this system).
 * Returns 0 or -errno. */
int mb_topo_bind_self(const struct mb_topo *topo, unsigned os_index);

/* The PU the calling thread last ran on, or -1. */
int mb_topo_last_cpu(const struct mb_topo *topo);

/* Size of the largest cache in bytes (last level), 0 if unknown. */
unsigned long long mb_topo_llc_bytes(const struct mb_topo *topo);

/* Prints the tree and, when k > 0, the placement plan. */
void mb_topo_print(const struct mb_topo *topo, FILE *f);

#endif
