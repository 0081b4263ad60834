/* --mem-policy (mempol.h): parsing, checking against the topology, the
 * nodes each worker's pages belong on, and the step API's memory
 * operations that place and then look at them. Cost: one mmap, one
 * mbind and, after the first touch, one move_pages query over the
 * buffer's pages (inside hwloc_get_area_memlocation) per worker and
 * buffer, all in set-up. */
#include "mempol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "worker.h"

int mb_mempol_parse(const char *s, struct mb_mempol *p)
{
	static const char *const names[] = { "local", "interleave", NULL, "remote" };
	for (unsigned k = 0; k < MB_ARRAY_SIZE(names); k++)
		if (names[k] && !strcmp(s, names[k])) {
			*p = (struct mb_mempol){ .kind = (enum mb_mempol_kind)k };
			return 0;
		}
	char *end;
	if (strncmp(s, "node:", 5) || s[5] < '0' || s[5] > '9')
		return -EINVAL;
	unsigned long n = strtoul(s + 5, &end, 10);
	if (*end || n >= MB_MEM_NODES)
		return -EINVAL;
	*p = (struct mb_mempol){ .kind = MB_MEMPOL_NODE, .node = (unsigned)n };
	return 0;
}

const char *mb_mempol_name(const struct mb_mempol *p, char *buf, unsigned len)
{
	static const char *const names[] = { "local", "interleave", "node", "remote" };
	if (p && p->kind == MB_MEMPOL_NODE)
		snprintf(buf, len, "node:%u", p->node);
	else
		snprintf(buf, len, "%s", names[p ? p->kind : MB_MEMPOL_LOCAL]);
	return buf;
}

int mb_mempol_check(const struct mb_topo *topo, const struct mb_mempol *p, char *err,
		    unsigned errlen)
{
	const char *what = topo->this_system ? "machine" : "topology";
	int n = hwloc_get_nbobjs_by_type(topo->t, HWLOC_OBJ_NUMANODE);
	char nodes[160];
	uint64_t bits[MB_MEM_NODE_WORDS] = { 0 };
	if (p->kind == MB_MEMPOL_REMOTE && n < 2) {
		snprintf(err, errlen, "--mem-policy remote: this %s has one NUMA node", what);
		return -EINVAL;
	}
	if (p->kind == MB_MEMPOL_NODE && !hwloc_get_numanode_obj_by_os_index(topo->t, p->node)) {
		for (int i = 0; i < n; i++) {
			unsigned os = hwloc_get_obj_by_type(topo->t, HWLOC_OBJ_NUMANODE,
							    (unsigned)i)->os_index;
			if (os < MB_MEM_NODES)
				bits[os / 64] |= 1ull << (os % 64);
		}
		mb_mem_nodes_list(bits, nodes, sizeof(nodes));
		snprintf(err, errlen, "--mem-policy node:%u: this %s's NUMA nodes are %s (node:N "
			 "takes one of them)", p->node, what, nodes);
		return -EINVAL;
	}
	return 0;
}

/* remote: the first node after the first of local's, in logical order
 * and round, that is not in local. */
static void remote_of(hwloc_topology_t t, hwloc_const_nodeset_t local, hwloc_nodeset_t set)
{
	int n = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
	hwloc_obj_t first = hwloc_get_numanode_obj_by_os_index(t, (unsigned)hwloc_bitmap_first(local));
	unsigned from = first ? first->logical_index : 0;
	for (int i = 1; i <= n; i++) {
		hwloc_obj_t c = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, (from + (unsigned)i) % (unsigned)n);
		if (c && !hwloc_bitmap_isset(local, c->os_index)) {
			hwloc_bitmap_only(set, c->os_index);
			return;
		}
	}
	hwloc_bitmap_copy(set, local); /* one node: nothing is remote */
}

int mb_mempol_target(const struct mb_topo *topo, const struct mb_mempol *p, unsigned pu,
		     hwloc_nodeset_t set)
{
	hwloc_obj_t o = hwloc_get_pu_obj_by_os_index(topo->t, pu);
	hwloc_const_nodeset_t all = hwloc_topology_get_topology_nodeset(topo->t);
	if (!o)
		return -EINVAL;
	hwloc_bitmap_and(set, o->nodeset, all);
	if (hwloc_bitmap_iszero(set))
		hwloc_bitmap_copy(set, all);
	switch (p ? p->kind : MB_MEMPOL_LOCAL) {
	case MB_MEMPOL_LOCAL:
		break;
	case MB_MEMPOL_INTERLEAVE:
		hwloc_bitmap_copy(set, all);
		break;
	case MB_MEMPOL_NODE:
		hwloc_bitmap_only(set, p->node);
		break;
	case MB_MEMPOL_REMOTE: {
		hwloc_bitmap_t local = hwloc_bitmap_dup(set);
		if (!local)
			return -ENOMEM;
		remote_of(topo->t, local, set);
		hwloc_bitmap_free(local);
		break;
	}
	}
	return 0;
}

void mb_mem_nodes_list(const uint64_t *nodes, char *buf, unsigned len)
{
	size_t n = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < MB_MEM_NODES && n < len; i++)
		if (nodes[i / 64] >> (i % 64) & 1)
			n += (size_t)snprintf(buf + n, len - n, "%s%u", n ? "," : "", i);
}

/* ---- the step API's memory operations */

static enum mb_mempol_kind kind_of(const struct mb_worker *w)
{
	return w->run->mem_policy ? w->run->mem_policy->kind : MB_MEMPOL_LOCAL;
}

/* Whether pages need binding or looking up at all: one node holds them
 * all, and a foreign topology is not this machine's. */
static bool numa_here(const struct mb_topo *topo)
{
	return topo->this_system && hwloc_get_nbobjs_by_type(topo->t, HWLOC_OBJ_NUMANODE) > 1;
}

static size_t page_round(size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	return (len + pg - 1) / pg * pg;
}

/* Binds [p, p + len) for w's policy before its first touch: a failure is
 * the worker's note (mem_errno), not its end: the look after the touch
 * says where the pages went. */
static void bind_area(struct mb_worker *w, void *p, size_t len)
{
	const struct mb_topo *topo = w->run->topo;
	enum mb_mempol_kind k = kind_of(w);
	hwloc_nodeset_t set = hwloc_bitmap_alloc();
	if (!set || mb_mempol_target(topo, w->run->mem_policy, w->pu, set))
		w->res->mem_errno = -ENOMEM;
	else if (hwloc_set_area_membind(topo->t, p, len, set,
					k == MB_MEMPOL_INTERLEAVE ? HWLOC_MEMBIND_INTERLEAVE :
								    HWLOC_MEMBIND_BIND,
					HWLOC_MEMBIND_BYNODESET))
		w->res->mem_errno = errno ? -errno : -EIO;
	hwloc_bitmap_free(set);
}

static void *mem_alloc(struct mb_worker *w, size_t len, size_t align, bool huge)
{
	enum mb_mempol_kind k = kind_of(w);
	size_t maplen = page_round(len), span = maplen + align;
	char *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	char *p = (char *)(((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1));
	if (p > base)
		munmap(base, (size_t)(p - base));
	if (base + span > p + maplen)
		munmap(p + maplen, (size_t)(base + span - (p + maplen)));
	/* interleaving goes page by page: a huge page would put 2 MiB on
	 * one node */
	if (k == MB_MEMPOL_INTERLEAVE)
		madvise(p, maplen, MADV_NOHUGEPAGE);
	else if (huge)
		madvise(p, maplen, MADV_HUGEPAGE);
	if (k != MB_MEMPOL_LOCAL && numa_here(w->run->topo))
		bind_area(w, p, maplen);
	return p;
}

/* Where the pages went (every page was touched): the nodes into the
 * result, and whether the policy was honoured: every page on its nodes,
 * interleaved over all of them. A local buffer of an unbound worker (no
 * --policy) has no node to be on. */
static void mem_placed(struct mb_worker *w, const void *p, size_t len)
{
	const struct mb_topo *topo = w->run->topo;
	struct mb_worker_result *res = w->res;
	hwloc_nodeset_t want = hwloc_bitmap_alloc(), where = hwloc_bitmap_alloc();
	if (!want || !where || mb_mempol_target(topo, w->run->mem_policy, w->pu, want)) {
		res->mem_errno = -ENOMEM;
	} else if (!topo->this_system) {
		/* a foreign topology: nothing to look at */
	} else if (numa_here(topo) &&
		   hwloc_get_area_memlocation(topo->t, p, len, where, HWLOC_MEMBIND_BYNODESET)) {
		res->mem_errno = errno ? -errno : -EIO;
	} else {
		if (!numa_here(topo))
			hwloc_bitmap_copy(where, hwloc_topology_get_topology_nodeset(topo->t));
		int i;
		hwloc_bitmap_foreach_begin(i, where)
		{
			if (i < MB_MEM_NODES)
				res->mem_nodes[i / 64] |= 1ull << (i % 64);
		}
		hwloc_bitmap_foreach_end();
		bool ok = hwloc_bitmap_isincluded(where, want) &&
			  (kind_of(w) != MB_MEMPOL_INTERLEAVE || hwloc_bitmap_isequal(where, want));
		res->mem_checked = 1;
		if (!ok && (w->bind || kind_of(w) != MB_MEMPOL_LOCAL))
			res->mem_unhonoured = 1;
	}
	hwloc_bitmap_free(want);
	hwloc_bitmap_free(where);
}

static void mem_free(struct mb_worker *w, void *p, size_t len)
{
	munmap(p, page_round(len));
}

const struct mb_mem_ops mb_mempol_ops = {
	.alloc = mem_alloc,
	.placed = mem_placed,
	.free = mem_free,
};
