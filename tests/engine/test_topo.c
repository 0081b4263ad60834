/* Tests of harness/topo.h on synthetic topologies, where the placement plan
 * can be worked out by hand.
 *
 * hwloc numbers the PUs of a synthetic topology in tree order: P#i is the
 * i-th PU from the left, so logical and OS indexes coincide. For
 * "pack:2 numa:1 l3:2 core:4 pu:2" (the numa level is a memory child of
 * each package, not in the CPU path) that gives:
 *
 *   package 0: L3 0: cores 0-3 = PUs {0,1} {2,3} {4,5} {6,7}
 *              L3 1: cores 4-7 = PUs {8,9} {10,11} {12,13} {14,15}
 *   package 1: L3 2: cores 8-11 = PUs {16,17} ... {22,23}
 *              L3 3: cores 12-15 = PUs {24,25} ... {30,31}
 *
 * and "pack:2 numa:1 l3:2 core:8 pu:2" is the same shape with 8 cores per
 * L3: 16 PUs per L3, 32 per package. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "topo.h"

#define T_2x2x4x2 "pack:2 numa:1 l3:2 core:4 pu:2"
#define T_1x1x8x1 "pack:1 l3:1 core:8 pu:1"
#define T_2x2x8x2 "pack:2 numa:1 l3:2 core:8 pu:2"

static struct mb_topo *load(const char *spec)
{
	struct mb_topo *t = NULL;
	char err[256] = "";
	int rc = mb_topo_load(&t, spec, err, sizeof(err));
	if (rc)
		print_error("mb_topo_load(%s): %d %s\n", spec ? spec : "NULL", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(t);
	return t;
}

static void plan_eq(const struct mb_topo *t, unsigned k, enum mb_policy p, bool smt,
		    const unsigned *expect)
{
	unsigned pus[128];
	assert_true(k <= 128);
	memset(pus, 0xff, sizeof(pus));
	int rc = mb_topo_plan(t, k, p, smt, pus);
	assert_int_equal(rc, 0);
	for (unsigned i = 0; i < k; i++)
		if (pus[i] != expect[i]) {
			print_error("k=%u %s%s: slot %u is PU %u, expected %u\n", k,
				    mb_policy_name(p), smt ? " smt" : "", i, pus[i], expect[i]);
			fail();
		}
	/* nothing written past k */
	if (k < 128)
		assert_int_equal(pus[k], 0xffffffffu);
}

static void test_slots(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);
	assert_int_equal(mb_topo_slots(t, false), 16); /* 2 x 2 x 4 cores */
	assert_int_equal(mb_topo_slots(t, true), 32);  /* x 2 PUs */
	assert_false(t->this_system);
	assert_true(t->desc[0] != 0);
	assert_true(t->cpu_model[0] != 0);
	mb_topo_free(t);

	t = load(T_1x1x8x1);
	assert_int_equal(mb_topo_slots(t, false), 8);
	assert_int_equal(mb_topo_slots(t, true), 8);
	assert_false(t->this_system);
	mb_topo_free(t);

	t = load(T_2x2x8x2);
	assert_int_equal(mb_topo_slots(t, false), 32);
	assert_int_equal(mb_topo_slots(t, true), 64);
	assert_false(t->this_system);
	mb_topo_free(t);
}

static void test_plan_2x2x4x2(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);

	/* compact, no SMT: one PU per core (its first, the even one), cores in
	 * tree order, so L3 0 (PUs 0-7) is filled before L3 1 (8-15), and
	 * package 0 before package 1. */
	static const unsigned c1[] = { 0 };
	static const unsigned c2[] = { 0, 2 };
	static const unsigned c4[] = { 0, 2, 4, 6 };		     /* exactly L3 0 */
	static const unsigned c5[] = { 0, 2, 4, 6, 8 };		     /* then L3 1 */
	static const unsigned c8[] = { 0, 2, 4, 6, 8, 10, 12, 14 }; /* package 0 */
	static const unsigned c16[] = { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30 };
	plan_eq(t, 1, MB_POLICY_COMPACT, false, c1);
	plan_eq(t, 2, MB_POLICY_COMPACT, false, c2);
	plan_eq(t, 4, MB_POLICY_COMPACT, false, c4);
	plan_eq(t, 5, MB_POLICY_COMPACT, false, c5);
	plan_eq(t, 8, MB_POLICY_COMPACT, false, c8);
	plan_eq(t, 16, MB_POLICY_COMPACT, false, c16);

	/* none: the compact list (what "k cores" counts), just not bound */
	plan_eq(t, 4, MB_POLICY_NONE, false, c4);
	plan_eq(t, 16, MB_POLICY_NONE, false, c16);

	/* scatter, no SMT: first core of each cache domain, alternating
	 * packages first: package 0 L3 0 (PU 0), package 1 L3 2 (16), then the
	 * second L3 of each package: package 0 L3 1 (8), package 1 L3 3 (24);
	 * then the second core of each L3 in the same order (2, 18, 10, 26)... */
	static const unsigned s1[] = { 0 };
	static const unsigned s2[] = { 0, 16 };		/* one per package */
	static const unsigned s3[] = { 0, 16, 8 };
	static const unsigned s4[] = { 0, 16, 8, 24 }; /* one per L3 */
	static const unsigned s6[] = { 0, 16, 8, 24, 2, 18 };
	static const unsigned s16[] = { 0, 16, 8, 24, 2, 18, 10, 26, 4, 20, 12, 28, 6, 22, 14, 30 };
	plan_eq(t, 1, MB_POLICY_SCATTER, false, s1);
	plan_eq(t, 2, MB_POLICY_SCATTER, false, s2);
	plan_eq(t, 3, MB_POLICY_SCATTER, false, s3);
	plan_eq(t, 4, MB_POLICY_SCATTER, false, s4);
	plan_eq(t, 6, MB_POLICY_SCATTER, false, s6);
	plan_eq(t, 16, MB_POLICY_SCATTER, false, s16);

	/* compact with SMT: every PU in order, so a core's sibling follows it */
	static const unsigned cs3[] = { 0, 1, 2 };
	static const unsigned cs9[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	plan_eq(t, 3, MB_POLICY_COMPACT, true, cs3);
	plan_eq(t, 9, MB_POLICY_COMPACT, true, cs9);
	unsigned all[32];
	for (unsigned i = 0; i < 32; i++)
		all[i] = i;
	plan_eq(t, 32, MB_POLICY_COMPACT, true, all);

	/* scatter with SMT: the 16 first PUs in the scatter order above, and
	 * the SMT siblings (odd PUs) only after every core has one worker,
	 * in the same package/L3 alternation. */
	static const unsigned ss4[] = { 0, 16, 8, 24 };
	static const unsigned ss17[] = { 0, 16, 8, 24, 2, 18, 10, 26, 4, 20, 12, 28, 6, 22, 14, 30,
					 1 };
	static const unsigned ss32[] = { 0, 16, 8, 24, 2, 18, 10, 26, 4, 20, 12, 28, 6, 22, 14, 30,
					 1, 17, 9, 25, 3, 19, 11, 27, 5, 21, 13, 29, 7, 23, 15, 31 };
	plan_eq(t, 4, MB_POLICY_SCATTER, true, ss4);
	plan_eq(t, 17, MB_POLICY_SCATTER, true, ss17);
	plan_eq(t, 32, MB_POLICY_SCATTER, true, ss32);
	mb_topo_free(t);
}

static void test_plan_1x1x8x1(void **state)
{
	struct mb_topo *t = load(T_1x1x8x1);
	/* One package, one L3, one PU per core: every policy is PUs 0..k-1,
	 * and --smt changes nothing. */
	static const unsigned l8[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	for (unsigned k = 1; k <= 8; k++) {
		plan_eq(t, k, MB_POLICY_COMPACT, false, l8);
		plan_eq(t, k, MB_POLICY_SCATTER, false, l8);
		plan_eq(t, k, MB_POLICY_NONE, false, l8);
		plan_eq(t, k, MB_POLICY_COMPACT, true, l8);
		plan_eq(t, k, MB_POLICY_SCATTER, true, l8);
	}
	mb_topo_free(t);
}

static void test_plan_2x2x8x2(void **state)
{
	struct mb_topo *t = load(T_2x2x8x2);
	/* compact: first PU of each core, L3 0 = PUs 0-15 (8 cores) first */
	static const unsigned c4[] = { 0, 2, 4, 6 };
	static const unsigned c9[] = { 0, 2, 4, 6, 8, 10, 12, 14, 16 }; /* 9th core: L3 1 */
	static const unsigned c17[] = { 0,  2,  4,  6,	8,  10, 12, 14, 16,
					18, 20, 22, 24, 26, 28, 30, 32 }; /* 17th: package 1 */
	plan_eq(t, 4, MB_POLICY_COMPACT, false, c4);
	plan_eq(t, 9, MB_POLICY_COMPACT, false, c9);
	plan_eq(t, 17, MB_POLICY_COMPACT, false, c17);

	/* scatter: package 0 L3 0 (0), package 1 L3 2 (32), package 0 L3 1
	 * (16), package 1 L3 3 (48), then each L3's second core (2, 34, 18, 50) */
	static const unsigned s2[] = { 0, 32 };
	static const unsigned s4[] = { 0, 32, 16, 48 };
	static const unsigned s8[] = { 0, 32, 16, 48, 2, 34, 18, 50 };
	static const unsigned s32[] = { 0,  32, 16, 48, 2,  34, 18, 50, 4,  36, 20,
					52, 6,	38, 22, 54, 8,	40, 24, 56, 10, 42,
					26, 58, 12, 44, 28, 60, 14, 46, 30, 62 };
	plan_eq(t, 2, MB_POLICY_SCATTER, false, s2);
	plan_eq(t, 4, MB_POLICY_SCATTER, false, s4);
	plan_eq(t, 8, MB_POLICY_SCATTER, false, s8);
	plan_eq(t, 32, MB_POLICY_SCATTER, false, s32);

	/* scatter with SMT: the 32 cores first (as above), then siblings */
	unsigned ss34[34];
	memcpy(ss34, s32, sizeof(s32));
	ss34[32] = 1;
	ss34[33] = 33;
	plan_eq(t, 34, MB_POLICY_SCATTER, true, ss34);
	mb_topo_free(t);
}

static void test_plan_range(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);
	unsigned pus[64];
	for (int p = 0; p <= MB_POLICY_NONE; p++) {
		assert_int_equal(mb_topo_plan(t, 17, p, false, pus), -ERANGE);
		assert_int_equal(mb_topo_plan(t, 33, p, true, pus), -ERANGE);
		assert_int_equal(mb_topo_plan(t, 0, p, false, pus), -ERANGE);
		assert_int_equal(mb_topo_plan(t, 16, p, false, pus), 0);
		assert_int_equal(mb_topo_plan(t, 32, p, true, pus), 0);
	}
	mb_topo_free(t);

	t = load(T_1x1x8x1);
	assert_int_equal(mb_topo_plan(t, 9, MB_POLICY_COMPACT, false, pus), -ERANGE);
	assert_int_equal(mb_topo_plan(t, 9, MB_POLICY_SCATTER, true, pus), -ERANGE);
	mb_topo_free(t);
}

/* Every plan is a set of distinct PUs, each the first PU of a distinct core
 * without SMT. */
static void test_plan_distinct(void **state)
{
	static const char *specs[] = { T_2x2x4x2, T_1x1x8x1, T_2x2x8x2 };
	for (unsigned s = 0; s < 3; s++) {
		struct mb_topo *t = load(specs[s]);
		for (int smt = 0; smt < 2; smt++)
			for (int p = 0; p <= MB_POLICY_NONE; p++) {
				unsigned n = mb_topo_slots(t, smt), pus[64];
				assert_int_equal(mb_topo_plan(t, n, p, smt, pus), 0);
				for (unsigned i = 0; i < n; i++) {
					hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t->t, pus[i]);
					assert_non_null(pu);
					if (!smt) {
						hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(
							t->t, HWLOC_OBJ_CORE, pu);
						assert_non_null(core);
						assert_int_equal(hwloc_bitmap_first(core->cpuset),
								 (int)pus[i]);
					}
					for (unsigned j = 0; j < i; j++)
						assert_int_not_equal(pus[i], pus[j]);
				}
			}
		mb_topo_free(t);
	}
}

/* Restricts t to the PUs of list ("1", "16-31", "3,9,17"). */
static int restrict_to(struct mb_topo *t, const char *list)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	char err[256] = "";
	assert_int_equal(hwloc_bitmap_list_sscanf(set, list), 0);
	int rc = mb_topo_restrict(t, set, "test", err, sizeof(err));
	hwloc_bitmap_free(set);
	if (rc)
		assert_true(err[0] != 0 && !strchr(err, '\n'));
	return rc;
}

/* A CPU mask of one PU, the second of core 0 (taskset -c 1): one core
 * slot and one PU slot, both PU 1; asking for 2 is out of range; the
 * other package stays as memory (its NUMA node), not as a place to run. */
static void test_mask_one_pu(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);
	assert_string_equal(t->mask, "");
	assert_int_equal(restrict_to(t, "1"), 0);
	assert_string_equal(t->mask, "1 of 32 PUs (test): 1");
	assert_int_equal(mb_topo_slots(t, false), 1);
	assert_int_equal(mb_topo_slots(t, true), 1);
	static const unsigned one[] = { 1 };
	for (int p = 0; p <= MB_POLICY_NONE; p++) {
		plan_eq(t, 1, p, false, one);
		plan_eq(t, 1, p, true, one);
	}
	unsigned pus[4];
	assert_int_equal(mb_topo_plan(t, 2, MB_POLICY_COMPACT, false, pus), -ERANGE);
	assert_int_equal(mb_topo_count(t, HWLOC_OBJ_PACKAGE), 1);
	assert_int_equal(mb_topo_count(t, HWLOC_OBJ_NUMANODE), 2);
	assert_int_equal(strncmp(t->desc, "1pkg/2numa/1core/1pu/", 21), 0);
	mb_topo_free(t);
}

/* A mask of package 1 (PUs 16-31): its 8 cores and 16 PUs, compact from
 * its first core, scatter over its two L3s; nothing of package 0. */
static void test_mask_package(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);
	assert_int_equal(restrict_to(t, "16-31"), 0);
	assert_string_equal(t->mask, "16 of 32 PUs (test): 16-31");
	assert_int_equal(mb_topo_slots(t, false), 8);
	assert_int_equal(mb_topo_slots(t, true), 16);
	static const unsigned c4[] = { 16, 18, 20, 22 };
	static const unsigned s4[] = { 16, 24, 18, 26 };
	static const unsigned cs3[] = { 16, 17, 18 };
	plan_eq(t, 4, MB_POLICY_COMPACT, false, c4);
	plan_eq(t, 4, MB_POLICY_SCATTER, false, s4);
	plan_eq(t, 3, MB_POLICY_COMPACT, true, cs3);
	assert_int_equal(strncmp(t->desc, "1pkg/2numa/8core/16pu/", 22), 0);
	mb_topo_free(t);
}

/* A scattered mask, second PUs included: a core is used through the PU
 * of it the mask holds; scatter still alternates packages. */
static void test_mask_scattered(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);
	assert_int_equal(restrict_to(t, "3,9,17"), 0);
	assert_int_equal(mb_topo_slots(t, false), 3);
	static const unsigned c3[] = { 3, 9, 17 };
	static const unsigned s3[] = { 3, 17, 9 };
	plan_eq(t, 3, MB_POLICY_COMPACT, false, c3);
	plan_eq(t, 3, MB_POLICY_SCATTER, false, s3);
	plan_eq(t, 3, MB_POLICY_COMPACT, true, c3);
	assert_int_equal(strncmp(t->desc, "2pkg/2numa/3core/3pu/", 21), 0);
	mb_topo_free(t);
}

/* A mask holding every PU narrows nothing and says nothing; one holding
 * none of them is refused, the topology left as it was. */
static void test_mask_all_or_none(void **state)
{
	struct mb_topo *t = load(T_2x2x4x2);
	char desc[sizeof(t->desc)];
	snprintf(desc, sizeof(desc), "%s", t->desc);
	assert_int_equal(restrict_to(t, "0-63"), 0);
	assert_string_equal(t->mask, "");
	assert_string_equal(t->desc, desc);
	assert_int_equal(restrict_to(t, "40-50"), -EINVAL);
	assert_string_equal(t->mask, "");
	assert_int_equal(mb_topo_slots(t, false), 16);
	mb_topo_free(t);
}

/* This machine loads inside the CPU mask of the calling thread: narrowed
 * to one PU, the topology has one slot, that PU, and says so. */
static void test_mask_this_process(void **state)
{
	cpu_set_t old, one;
	struct mb_topo *t = load(NULL);
	unsigned npu = mb_topo_slots(t, true), pus[1];
	mb_topo_free(t);
	if (npu < 2)
		skip();
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	int last = -1;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &old))
			last = c;
	CPU_ZERO(&one);
	CPU_SET(last, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	t = load(NULL);
	assert_int_equal(sched_setaffinity(0, sizeof(old), &old), 0);
	assert_int_equal(mb_topo_slots(t, true), 1);
	assert_int_equal(mb_topo_plan(t, 1, MB_POLICY_COMPACT, false, pus), 0);
	assert_int_equal(pus[0], (unsigned)last);
	assert_non_null(strstr(t->mask, "1 of "));
	assert_non_null(strstr(t->mask, "(taskset/sched_setaffinity)"));
	mb_topo_free(t);
}

/* The CPU model as hwloc reads it, padding and all, is trimmed: an XML
 * topology whose package says "  Intel(R)   Xeon(R)\tCPU  ". */
static void test_cpu_model_trimmed(void **state)
{
	hwloc_topology_t h;
	char path[] = "/tmp/mb_test_topo_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hwloc_topology_init(&h), 0);
	assert_int_equal(hwloc_topology_set_synthetic(h, T_1x1x8x1), 0);
	assert_int_equal(hwloc_topology_load(h), 0);
	hwloc_obj_t pkg = hwloc_get_obj_by_type(h, HWLOC_OBJ_PACKAGE, 0);
	assert_non_null(pkg);
	assert_int_equal(hwloc_obj_add_info(pkg, "CPUModel", "  Intel(R)   Xeon(R)\tCPU  "), 0);
	assert_int_equal(hwloc_topology_export_xml(h, path, 0), 0);
	hwloc_topology_destroy(h);
	struct mb_topo *t = load(path);
	unlink(path);
	assert_string_equal(t->cpu_model, "Intel(R) Xeon(R) CPU");
	mb_topo_free(t);
}

static void test_policy_names(void **state)
{
	static const char *names[] = { "compact", "scatter", "none" };
	for (int p = 0; p <= MB_POLICY_NONE; p++) {
		enum mb_policy got = MB_POLICY_NONE;
		const char *n = mb_policy_name(p);
		assert_non_null(n);
		assert_string_equal(n, names[p]);
		assert_int_equal(mb_policy_parse(n, &got), 0);
		assert_int_equal(got, p);
	}
	enum mb_policy got = MB_POLICY_SCATTER;
	static const char *bad[] = { "", "Compact", "compact ", "spread", "scatter,compact", "no" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mb_policy_parse(bad[i], &got), -EINVAL);
	assert_int_equal(got, MB_POLICY_SCATTER); /* untouched on error */
}

static void test_cpulist(void **state)
{
	static const struct {
		unsigned k;
		unsigned pus[8];
		const char *s;
	} cases[] = {
		{ 1, { 0 }, "0" },
		{ 1, { 5 }, "5" },
		{ 4, { 0, 1, 2, 3 }, "0-3" },
		{ 4, { 0, 2, 4, 6 }, "0,2,4,6" },
		{ 4, { 0, 16, 8, 24 }, "0,8,16,24" }, /* a set: sorted, order lost */
		{ 6, { 0, 1, 2, 5, 6, 7 }, "0-2,5-7" },
		{ 5, { 7, 6, 5, 4, 9 }, "4-7,9" },
		{ 2, { 3, 3 }, "3" },
	};
	char buf[128];
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mb_topo_cpulist(cases[i].pus, cases[i].k, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].s);
	}
	mb_topo_cpulist(NULL, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");

	/* the plan's list, as the CSV's cpuset column holds it */
	struct mb_topo *t = load(T_2x2x4x2);
	unsigned pus[16];
	assert_int_equal(mb_topo_plan(t, 4, MB_POLICY_SCATTER, false, pus), 0);
	mb_topo_cpulist(pus, 4, buf, sizeof(buf));
	assert_string_equal(buf, "0,8,16,24");
	assert_int_equal(mb_topo_plan(t, 4, MB_POLICY_COMPACT, true, pus), 0);
	mb_topo_cpulist(pus, 4, buf, sizeof(buf));
	assert_string_equal(buf, "0-3");
	/* a short buffer is truncated, not overrun */
	char small[8];
	memset(small, 'Z', sizeof(small));
	assert_int_equal(mb_topo_plan(t, 16, MB_POLICY_COMPACT, false, pus), 0);
	mb_topo_cpulist(pus, 16, small, 4);
	assert_true(strlen(small) <= 3);
	assert_true(small[4] == 'Z');
	mb_topo_free(t);
}

static void test_this_system_and_errors(void **state)
{
	struct mb_topo *t = load(NULL);
	assert_true(t->this_system);
	assert_true(mb_topo_slots(t, false) >= 1);
	assert_true(mb_topo_slots(t, true) >= mb_topo_slots(t, false));
	unsigned k = mb_topo_slots(t, false);
	unsigned *pus = calloc(k, sizeof(*pus));
	assert_non_null(pus);
	assert_int_equal(mb_topo_plan(t, k, MB_POLICY_COMPACT, false, pus), 0);
	assert_int_equal(mb_topo_plan(t, k + 1, MB_POLICY_COMPACT, false, pus), -ERANGE);
	free(pus);
	mb_topo_free(t);

	/* synthetic topologies never bind: binding is a successful no-op */
	t = load(T_2x2x4x2);
	assert_false(t->this_system);
	assert_int_equal(mb_topo_bind_self(t, 31), 0);
	mb_topo_free(t);

	/* a bad description is an error with one line of text, and no object */
	static const char *bad[] = { "pack:x", "bogus:2 core:1", "pack:2 core:", "/nonexistent/topo.xml" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mb_topo *b = NULL;
		char err[256] = "";
		int rc = mb_topo_load(&b, bad[i], err, sizeof(err));
		assert_true(rc < 0);
		assert_null(b);
		assert_true(err[0] != 0);
		assert_null(strchr(err, '\n'));
	}
	mb_topo_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_plan_2x2x4x2),
		cmocka_unit_test(test_plan_1x1x8x1),
		cmocka_unit_test(test_plan_2x2x8x2),
		cmocka_unit_test(test_plan_range),
		cmocka_unit_test(test_plan_distinct),
		cmocka_unit_test(test_mask_one_pu),
		cmocka_unit_test(test_mask_package),
		cmocka_unit_test(test_mask_scattered),
		cmocka_unit_test(test_mask_all_or_none),
		cmocka_unit_test(test_mask_this_process),
		cmocka_unit_test(test_cpu_model_trimmed),
		cmocka_unit_test(test_policy_names),
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_this_system_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
