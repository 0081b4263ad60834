#include "topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Cores, packages, caches and NUMA nodes are kept even where they add no
 * structure: placement and the meta file need them. */
static void set_filters(hwloc_topology_t t)
{
	hwloc_topology_set_all_types_filter(t, HWLOC_TYPE_FILTER_KEEP_STRUCTURE);
	hwloc_topology_set_type_filter(t, HWLOC_OBJ_PU, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_type_filter(t, HWLOC_OBJ_CORE, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_type_filter(t, HWLOC_OBJ_PACKAGE, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_type_filter(t, HWLOC_OBJ_NUMANODE, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_cache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_ALL);
}

/* spec: an XML file when one exists at that path, else a synthetic
 * description; NULL: this machine. */
static int set_source(hwloc_topology_t t, const char *spec, char *err, unsigned errlen)
{
	struct stat st;
	if (spec && stat(spec, &st) == 0) {
		if (hwloc_topology_set_xml(t, spec)) {
			snprintf(err, errlen, "--topology: %s is not a hwloc XML file", spec);
			return -EINVAL;
		}
	} else if (spec) {
		if (hwloc_topology_set_synthetic(t, spec)) {
			snprintf(err, errlen,
				 "--topology: '%s' is neither an XML file nor a synthetic "
				 "description like \"pack:2 l3:2 core:4 pu:2\"", spec);
			return -EINVAL;
		}
	}
	return 0;
}

/* Copies src into dst without leading or trailing blanks and with every
 * inner run of blanks made one space ("  Intel(R)  Xeon(R) CPU  " ->
 * "Intel(R) Xeon(R) CPU"): /proc/cpuinfo pads some models. */
static void trim_model(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	for (; *src && n + 1 < len; src++) {
		if (*src == ' ' || *src == '\t') {
			if (n && dst[n - 1] != ' ')
				dst[n++] = ' ';
			continue;
		}
		dst[n++] = *src;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = 0;
}

/* desc and cpu_model from the (possibly restricted) tree. */
static void describe(struct mb_topo *topo)
{
	snprintf(topo->desc, sizeof(topo->desc), "%upkg/%unuma/%ucore/%upu/llc%lluKiB",
		 mb_topo_count(topo, HWLOC_OBJ_PACKAGE), mb_topo_count(topo, HWLOC_OBJ_NUMANODE),
		 mb_topo_count(topo, HWLOC_OBJ_CORE), mb_topo_count(topo, HWLOC_OBJ_PU),
		 mb_topo_llc_bytes(topo) / 1024);
	const char *model = NULL;
	hwloc_obj_t pkg = hwloc_get_obj_by_type(topo->t, HWLOC_OBJ_PACKAGE, 0);
	if (pkg)
		model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
	if (!model)
		model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo->t), "CPUModel");
	trim_model(topo->cpu_model, sizeof(topo->cpu_model), model ? model : "");
	if (!topo->cpu_model[0])
		snprintf(topo->cpu_model, sizeof(topo->cpu_model), "%s",
			 topo->this_system ? "unknown" : "synthetic");
}

/* This machine: plan only on the PUs the process may run on (the calling
 * thread's CPU mask, which workers and children inherit). A mask that
 * holds none of the topology's PUs (it cannot, but) changes nothing. */
static void apply_process_mask(struct mb_topo *topo)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	char err[256];
	if (set && hwloc_get_cpubind(topo->t, set, HWLOC_CPUBIND_THREAD) == 0)
		mb_topo_restrict(topo, set, "taskset/sched_setaffinity", err, sizeof(err));
	hwloc_bitmap_free(set);
}

int mb_topo_load(struct mb_topo **out, const char *spec, char *err,
		 unsigned errlen)
{
	struct mb_topo *topo = calloc(1, sizeof(*topo));
	int rc = -ENOMEM;

	if (!topo)
		goto fail;
	if (hwloc_topology_init(&topo->t)) {
		snprintf(err, errlen, "hwloc_topology_init failed");
		goto fail;
	}
	set_filters(topo->t);
	if ((rc = set_source(topo->t, spec, err, errlen)))
		goto fail;
	rc = -EINVAL;
	if (hwloc_topology_load(topo->t)) {
		snprintf(err, errlen, "hwloc_topology_load failed: %s", strerror(errno));
		goto fail;
	}
	topo->this_system = hwloc_topology_is_thissystem(topo->t);
	describe(topo);
	if (!spec && topo->this_system)
		apply_process_mask(topo);
	*out = topo;
	return 0;
fail:
	mb_topo_free(topo);
	return rc;
}

int mb_topo_restrict(struct mb_topo *topo, hwloc_const_cpuset_t set, const char *how,
		     char *err, unsigned errlen)
{
	hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(topo->t);
	hwloc_bitmap_t keep = hwloc_bitmap_alloc();
	char list[96];
	int rc = 0;

	if (!keep)
		return -ENOMEM;
	hwloc_bitmap_and(keep, all, set);
	int had = hwloc_bitmap_weight(all), left = hwloc_bitmap_weight(keep);
	if (left <= 0) {
		snprintf(err, errlen, "the CPU mask holds none of this machine's PUs");
		rc = -EINVAL;
	} else if (left < had) {
		if (hwloc_topology_restrict(topo->t, keep, 0)) {
			rc = -errno;
			snprintf(err, errlen, "hwloc_topology_restrict: %s", strerror(errno));
		} else {
			hwloc_bitmap_list_snprintf(list, sizeof(list), keep);
			snprintf(topo->mask, sizeof(topo->mask), "%d of %d PUs (%s): %s", left, had,
				 how, list);
			describe(topo);
		}
	}
	hwloc_bitmap_free(keep);
	return rc;
}

void mb_topo_free(struct mb_topo *topo)
{
	if (!topo)
		return;
	if (topo->t)
		hwloc_topology_destroy(topo->t);
	free(topo);
}

int mb_policy_parse(const char *s, enum mb_policy *p)
{
	for (int i = 0; i <= MB_POLICY_NONE; i++)
		if (!strcmp(s, mb_policy_name(i))) {
			*p = i;
			return 0;
		}
	return -EINVAL;
}

const char *mb_policy_name(enum mb_policy p)
{
	static const char *names[] = { "compact", "scatter", "none" };
	return names[p];
}

unsigned mb_topo_count(const struct mb_topo *topo, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo->t, type);
	unsigned with = 0;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo->t, type, (unsigned)i);
		with += type == HWLOC_OBJ_NUMANODE || (o->cpuset && !hwloc_bitmap_iszero(o->cpuset));
	}
	return with;
}

unsigned mb_topo_slots(const struct mb_topo *topo, bool smt)
{
	int n = hwloc_get_nbobjs_by_type(topo->t, smt ? HWLOC_OBJ_PU : HWLOC_OBJ_CORE);
	return n > 0 ? (unsigned)n : 1;
}

/* A slot object's position: the sibling rank at each level from the root,
 * compared deepest level first for scatter, so consecutive slots land in
 * different packages, then different caches, then different cores. */
struct slot {
	hwloc_obj_t obj;
	unsigned depth;
	unsigned rank[32];
};

static int cmp_scatter(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	unsigned dx = x->depth, dy = y->depth;
	while (dx && dy) {
		dx--, dy--;
		if (x->rank[dx] != y->rank[dy])
			return x->rank[dx] < y->rank[dy] ? -1 : 1;
	}
	return (x->obj->logical_index > y->obj->logical_index) -
	       (x->obj->logical_index < y->obj->logical_index);
}

int mb_topo_plan(const struct mb_topo *topo, unsigned k, enum mb_policy p,
		 bool smt, unsigned *pus)
{
	hwloc_obj_type_t type = smt ? HWLOC_OBJ_PU : HWLOC_OBJ_CORE;
	unsigned n = mb_topo_slots(topo, smt);
	struct slot *slots;

	if (k == 0 || k > n)
		return -ERANGE;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo->t, type, i);
		struct slot *s = &slots[i];
		unsigned r[32], d = 0;
		s->obj = o;
		for (hwloc_obj_t c = o; c && c->parent && d < 32; c = c->parent)
			r[d++] = c->sibling_rank;
		for (unsigned j = 0; j < d; j++)
			s->rank[j] = r[d - 1 - j];
		s->depth = d;
	}
	if (p == MB_POLICY_SCATTER)
		qsort(slots, n, sizeof(*slots), cmp_scatter);
	for (unsigned i = 0; i < k; i++) {
		hwloc_obj_t o = slots[i].obj;
		if (o->type != HWLOC_OBJ_PU)
			o = hwloc_get_obj_inside_cpuset_by_type(topo->t, o->cpuset,
								 HWLOC_OBJ_PU, 0);
		pus[i] = o ? o->os_index : i;
	}
	free(slots);
	return 0;
}

void mb_topo_cpulist(const unsigned *pus, unsigned k, char *buf, unsigned len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	for (unsigned i = 0; i < k; i++)
		hwloc_bitmap_set(set, pus[i]);
	hwloc_bitmap_list_snprintf(buf, len, set);
	hwloc_bitmap_free(set);
}

int mb_topo_bind_self(const struct mb_topo *topo, unsigned os_index)
{
	if (!topo->this_system)
		return 0;
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int rc = 0;
	hwloc_bitmap_only(set, os_index);
	if (hwloc_set_cpubind(topo->t, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT))
		rc = -errno;
	hwloc_bitmap_free(set);
	return rc;
}

int mb_topo_last_cpu(const struct mb_topo *topo)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int cpu = -1;
	if (hwloc_get_last_cpu_location(topo->t, set, HWLOC_CPUBIND_THREAD) == 0)
		cpu = hwloc_bitmap_first(set);
	hwloc_bitmap_free(set);
	return cpu;
}

unsigned long long mb_topo_llc_bytes(const struct mb_topo *topo)
{
	unsigned long long best = 0;
	int depth = hwloc_topology_get_depth(topo->t);
	for (int d = 0; d < depth; d++) {
		hwloc_obj_t o = hwloc_get_obj_by_depth(topo->t, d, 0);
		if (o && hwloc_obj_type_is_cache(o->type) && o->attr &&
		    o->attr->cache.size > best)
			best = o->attr->cache.size;
	}
	return best;
}

static void print_obj(hwloc_topology_t t, hwloc_obj_t o, int indent, FILE *f)
{
	char type[64], attr[128];
	hwloc_obj_type_snprintf(type, sizeof(type), o, 0);
	hwloc_obj_attr_snprintf(attr, sizeof(attr), o, " ", 0);
	fprintf(f, "%*s%s L#%u", indent * 2, "", type, o->logical_index);
	if (o->type == HWLOC_OBJ_PU || o->type == HWLOC_OBJ_NUMANODE)
		fprintf(f, " (P#%u)", o->os_index);
	if (*attr)
		fprintf(f, " (%s)", attr);
	fputc('\n', f);
	for (hwloc_obj_t m = o->memory_first_child; m; m = m->next_sibling)
		print_obj(t, m, indent + 1, f);
	for (hwloc_obj_t c = o->first_child; c; c = c->next_sibling)
		print_obj(t, c, indent + 1, f);
}

void mb_topo_print(const struct mb_topo *topo, FILE *f)
{
	fprintf(f, "topology: %s%s\ncpu model: %s\n", topo->desc,
		topo->this_system ? "" : " (not this machine: binding disabled)",
		topo->cpu_model);
	if (topo->mask[0])
		fprintf(f, "mask: %s\n", topo->mask);
	print_obj(topo->t, hwloc_get_root_obj(topo->t), 0, f);
}
