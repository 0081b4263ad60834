/* Tests of harness/engine/mempol.h (--mem-policy): parsing, the checks
 * against a topology, the nodes each policy puts a worker's pages on
 * (worked out by hand on synthetic topologies), and, on this machine, the
 * nodes a mem step's buffers were found on after a real run and through
 * the binary's CSV.
 *
 * "pack:2 numa:1 core:4 pu:2": node 0 holds PUs 0-7 (package 0), node 1
 * PUs 8-15. "pack:2 numa:2 core:4 pu:1": nodes 0-3 hold PUs 0-3, 4-7,
 * 8-11, 12-15. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "mb.h"
#include "mempol.h"
#include "modes.h"
#include "step.h"
#include "testutil.h"
#include "topo.h"

#define T_2NODES "pack:2 numa:1 core:4 pu:2"
#define T_4NODES "pack:2 numa:2 core:4 pu:1"
#define T_1NODE "pack:1 core:4 pu:2"

static struct mb_topo *load(const char *spec)
{
	struct mb_topo *t = NULL;
	char err[256] = "";
	int rc = mb_topo_load(&t, spec, err, sizeof(err));
	if (rc)
		print_error("mb_topo_load(%s): %s\n", spec ? spec : "this machine", err);
	assert_int_equal(rc, 0);
	return t;
}

static void test_parse(void **state)
{
	static const struct {
		const char *s;
		enum mb_mempol_kind kind;
		unsigned node;
	} good[] = {
		{ "local", MB_MEMPOL_LOCAL, 0 },	   { "interleave", MB_MEMPOL_INTERLEAVE, 0 },
		{ "remote", MB_MEMPOL_REMOTE, 0 },	   { "node:0", MB_MEMPOL_NODE, 0 },
		{ "node:1", MB_MEMPOL_NODE, 1 },	   { "node:255", MB_MEMPOL_NODE, 255 },
	};
	static const char *const bad[] = { "",	     "Local", "local ", "node",	  "node:",
					   "node:x", "node:-1", "node:1x", "node:256", "node: 1",
					   "far",    "remote,local" };
	char name[32];
	for (unsigned i = 0; i < MB_ARRAY_SIZE(good); i++) {
		struct mb_mempol p = { MB_MEMPOL_REMOTE, 99 };
		assert_int_equal(mb_mempol_parse(good[i].s, &p), 0);
		assert_int_equal(p.kind, good[i].kind);
		assert_int_equal(p.node, good[i].node);
		assert_string_equal(mb_mempol_name(&p, name, sizeof(name)), good[i].s);
	}
	for (unsigned i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		struct mb_mempol p = { MB_MEMPOL_NODE, 7 };
		assert_int_equal(mb_mempol_parse(bad[i], &p), -EINVAL);
		assert_int_equal(p.kind, MB_MEMPOL_NODE); /* untouched */
		assert_int_equal(p.node, 7);
	}
	assert_string_equal(mb_mempol_name(NULL, name, sizeof(name)), "local");
}

static void check_err(const struct mb_topo *t, const char *pol, const char *want)
{
	struct mb_mempol p;
	char err[256] = "";
	assert_int_equal(mb_mempol_parse(pol, &p), 0);
	int rc = mb_mempol_check(t, &p, err, sizeof(err));
	if (!want) {
		if (rc)
			fail_msg("%s: %s", pol, err);
		return;
	}
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(err, want);
}

static void test_check(void **state)
{
	struct mb_topo *t = load(T_1NODE);
	check_err(t, "local", NULL);
	check_err(t, "interleave", NULL);
	check_err(t, "node:0", NULL);
	check_err(t, "remote", "--mem-policy remote: this topology has one NUMA node");
	check_err(t, "node:1", "--mem-policy node:1: this topology's NUMA nodes are 0 (node:N "
			       "takes one of them)");
	mb_topo_free(t);
	t = load(T_2NODES);
	check_err(t, "remote", NULL);
	check_err(t, "node:1", NULL);
	check_err(t, "node:9", "--mem-policy node:9: this topology's NUMA nodes are 0,1 "
			       "(node:N takes one of them)");
	mb_topo_free(t);
	t = load(T_4NODES);
	check_err(t, "node:3", NULL);
	check_err(t, "node:4", "--mem-policy node:4: this topology's NUMA nodes are 0,1,2,3 "
			       "(node:N takes one of them)");
	mb_topo_free(t);
}

/* The nodes policy pol puts the pages of a worker on PU pu on, "0,1". */
static void target_eq(const struct mb_topo *t, const char *pol, unsigned pu, const char *want)
{
	struct mb_mempol p;
	hwloc_nodeset_t set = hwloc_bitmap_alloc();
	char got[64];
	assert_int_equal(mb_mempol_parse(pol, &p), 0);
	assert_int_equal(mb_mempol_target(t, &p, pu, set), 0);
	hwloc_bitmap_list_snprintf(got, sizeof(got), set);
	hwloc_bitmap_free(set);
	if (strcmp(got, want))
		fail_msg("%s for PU %u: nodes %s, expected %s", pol, pu, got, want);
}

static void test_targets_two_nodes(void **state)
{
	struct mb_topo *t = load(T_2NODES);
	for (unsigned pu = 0; pu < 16; pu++) {
		const char *mine = pu < 8 ? "0" : "1", *other = pu < 8 ? "1" : "0";
		target_eq(t, "local", pu, mine);
		target_eq(t, "remote", pu, other);
		target_eq(t, "interleave", pu, "0-1");
		target_eq(t, "node:0", pu, "0");
		target_eq(t, "node:1", pu, "1");
	}
	hwloc_nodeset_t set = hwloc_bitmap_alloc();
	assert_int_equal(mb_mempol_target(t, NULL, 9, set), 0); /* NULL: local */
	assert_true(hwloc_bitmap_isset(set, 1) && hwloc_bitmap_weight(set) == 1);
	assert_int_equal(mb_mempol_target(t, NULL, 16, set), -EINVAL); /* no such PU */
	hwloc_bitmap_free(set);
	mb_topo_free(t);
}

/* Four nodes: remote is the next node, round to the first; a CPU mask
 * that leaves node 1 no PU keeps it as memory, still the next one. */
static void test_targets_four_nodes(void **state)
{
	struct mb_topo *t = load(T_4NODES);
	static const char *const next[] = { "1", "2", "3", "0" };
	for (unsigned pu = 0; pu < 16; pu++) {
		char mine[4];
		snprintf(mine, sizeof(mine), "%u", pu / 4);
		target_eq(t, "local", pu, mine);
		target_eq(t, "remote", pu, next[pu / 4]);
		target_eq(t, "interleave", pu, "0-3");
	}
	hwloc_bitmap_t keep = hwloc_bitmap_alloc();
	char err[256];
	hwloc_bitmap_set_range(keep, 0, 3);
	assert_int_equal(mb_topo_restrict(t, keep, "test", err, sizeof(err)), 0);
	hwloc_bitmap_free(keep);
	target_eq(t, "remote", 2, "1");
	target_eq(t, "interleave", 2, "0-3");
	check_err(t, "node:1", NULL);
	mb_topo_free(t);
}

/* A real run on this machine: every thread's mem buffer is looked at
 * after its first touch and found on the node(s) the policy names; with
 * one node that is node 0 for every policy this machine accepts. */
static void test_this_machine(void **state)
{
	struct mb_topo *t = load(NULL);
	static const char *const pols[] = { "local", "interleave", "node:0" };
	struct mb_recipe *r = malloc(sizeof(*r));
	struct mb_hist *lat = malloc(sizeof(*lat)), *svc = malloc(sizeof(*svc));
	char err[MB_ERRLEN], nodes[64];
	unsigned pus[2];
	assert_true(r && lat && svc);
	assert_int_equal(mb_recipe_parse("mem:64KiB", r, err, sizeof(err)), 0);
	unsigned k = mb_topo_slots(t, false) >= 2 ? 2 : 1;
	assert_int_equal(mb_topo_plan(t, k, MB_POLICY_COMPACT, false, pus), 0);
	bool one = hwloc_get_nbobjs_by_type(t->t, HWLOC_OBJ_NUMANODE) == 1;
	for (unsigned i = 0; i < MB_ARRAY_SIZE(pols); i++) {
		struct mb_mempol p;
		struct mb_run_result res = { .lat = lat, .svc = svc };
		assert_int_equal(mb_mempol_parse(pols[i], &p), 0);
		if (mb_mempol_check(t, &p, err, sizeof(err)))
			continue;
		struct mb_run run = { .recipe = r, .mode = mb_mode_find("threads"), .topo = t,
				      .policy = MB_POLICY_COMPACT, .cores = k, .pus = pus,
				      .concurrency = 3, .nworkers = 3, .tasks = 6,
				      .timeout_ns = 30 * MB_NS_PER_S, .seed = 1, .file_fd = -1,
				      .llc_bytes = mb_topo_llc_bytes(t), .mem_policy = &p };
		assert_int_equal(mb_mode_run(&run, &res), 0);
		assert_int_equal(res.status, MB_ST_OK);
		assert_int_equal(res.mem_checked, 3);
		assert_int_equal(res.mem_unhonoured, 0);
		assert_int_equal(res.mem_errno, 0);
		mb_mem_nodes_list(res.mem_nodes, nodes, sizeof(nodes));
		if (one)
			assert_string_equal(nodes, "0");
		else
			assert_true(nodes[0] != 0);
	}
	free(r);
	free(lat);
	free(svc);
	mb_topo_free(t);
}

/* Through the binary: the CSV says which policy a mem run had and where
 * its pages were ("0" on this one-node machine); a run without a mem
 * step has neither. */
static void test_csv_columns(void **state)
{
	const char *bin = getenv("MODEBENCH");
	char dir[] = "/tmp/mb_test_mempol.XXXXXX", o[96], e[96], path[96];
	static const char *const args[] = { "run", "-w", "mem:64KiB,cpu:2", "-m", "threads",
					    "-c", "1", "-C", "2", "-n", "4", "-r", "1",
					    "--warmup", "0", "--mem-policy", "interleave", "-o",
					    "out.csv", "-q", NULL };
	struct mb_topo *t = load(NULL);
	int nodes = hwloc_get_nbobjs_by_type(t->t, HWLOC_OBJ_NUMANODE);
	mb_topo_free(t);
	if (!bin || !*bin || nodes != 1)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(o, sizeof(o), "%s/stdout", dir);
	snprintf(e, sizeof(e), "%s/stderr", dir);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		mb_test_exec_in(dir, o, e, bin, args);
	assert_int_equal(mb_test_wait(pid, 120, "run", e), 0);
	struct mb_test_table tb;
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	mb_test_read_csv(path, &tb);
	assert_int_equal(tb.nrows, 2);
	int cw = mb_test_column(&tb, "recipe"), cp = mb_test_column(&tb, "mem_policy"),
	    cn = mb_test_column(&tb, "mem_nodes"), cf = mb_test_column(&tb, "flags");
	for (unsigned i = 0; i < tb.nrows; i++) {
		bool mem = !strcmp(tb.rows[i][cw], "mem:64KiB");
		assert_string_equal(tb.rows[i][cp], mem ? "interleave" : "");
		assert_string_equal(tb.rows[i][cn], mem ? "0" : "");
		assert_null(strstr(tb.rows[i][cf], "mem-policy"));
	}
	mb_test_free_table(&tb);
	assert_int_equal(mb_test_rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_targets_two_nodes),
		cmocka_unit_test(test_targets_four_nodes),
		cmocka_unit_test(test_this_machine),
		cmocka_unit_test(test_csv_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
