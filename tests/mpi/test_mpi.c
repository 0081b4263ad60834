/* run --mpi end to end (README, "On a cluster"): Open MPI's mpirun starts
 * 2, 3 or 4 ranks on this one machine, each told by MB_MPI_HOST to act as
 * a host of its own (node0, node1, ...) and by MB_MPI_CPUSET to plan on
 * its own PUs. Checked through libcsv: rows from every rank in one CSV,
 * each run once per host; span's task counts summed exactly and its
 * merged histogram the sum of the ranks' own; a rank killed mid-sweep
 * ends the sweep with the completed rows kept and the host named, and
 * --resume completes it; SIGINT leaves an interrupted row.
 *
 * Registered only when CMake found MPI, and not in the sanitizer builds
 * (Open MPI's own allocations are still held at MPI_Finalize). Every
 * mpirun is bounded (mb_test_wait), so a hang fails rather than waits;
 * the tests wait on rows on disk, never on the clock. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "schema.h"
#include "testutil.h"

#define HANG_LIMIT_S 120

static const char *bin, *mpirun;
static char dir[256];

/* Starts mpirun -np n with the test's environment and modebench run
 * args (NULL-terminated) in dir; output into dir/name.out and .err. */
static pid_t start(const char *name, unsigned n, const char *extra_env,
		   const char *const *args)
{
	char out[512], err[512], np[16];
	const char *argv[64];
	unsigned a = 0;
	snprintf(out, sizeof(out), "%s/%s.out", dir, name);
	snprintf(err, sizeof(err), "%s/%s.err", dir, name);
	snprintf(np, sizeof(np), "%u", n);
	/* each rank a host of its own (node0, node1, ...), on PU 0 or 1,
	 * unless the case says otherwise */
	static const char *const pre[] = { "--oversubscribe", "--bind-to", "none", "-np", NULL,
					   "-x", "MB_MPI_CPUSET=0:1" };
	for (unsigned i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		argv[a++] = pre[i] ? pre[i] : np;
	if (!extra_env || strncmp(extra_env, "MB_MPI_HOST=", 12)) {
		argv[a++] = "-x";
		argv[a++] = "MB_MPI_HOST=node";
	}
	if (extra_env) {
		argv[a++] = "-x";
		argv[a++] = extra_env;
	}
	argv[a++] = bin;
	argv[a++] = "run";
	for (unsigned i = 0; args[i] && a < 62; i++)
		argv[a++] = args[i];
	argv[a] = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		mb_test_exec_in(dir, out, err, mpirun, argv);
	return pid;
}

static int run_mpi(const char *name, unsigned n, const char *env, const char *const *args)
{
	char err[512];
	snprintf(err, sizeof(err), "%s/%s.err", dir, name);
	return mb_test_wait(start(name, n, env, args), HANG_LIMIT_S, name, err);
}

static bool file_has(const char *name, const char *needle)
{
	char path[512], buf[65536];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, needle) != NULL;
}

static void read_csv(const char *name, struct mb_test_table *t)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mb_test_read_csv(path, t);
	mb_test_assert_rectangular(path, t);
}

static const char *cell(const struct mb_test_table *t, unsigned r, const char *col)
{
	return t->rows[r][mb_test_column(t, col)];
}

/* runs x hosts rows: every run_id once from each of the hosts node0..,
 * never twice from one, each ok with nodes 1, ranks = hosts and the
 * ranks' start skew. */
static void check_fleet_rows(const struct mb_test_table *t, unsigned hosts, unsigned runs)
{
	assert_int_equal(t->nrows, hosts * runs);
	for (unsigned i = 0; i < t->nrows; i++) {
		unsigned same_run = 0;
		for (unsigned j = 0; j < t->nrows; j++) {
			if (strcmp(cell(t, i, "run_id"), cell(t, j, "run_id")))
				continue;
			same_run++;
			if (i != j && !strcmp(cell(t, i, "host"), cell(t, j, "host")))
				fail_msg("run %s twice from host %s", cell(t, i, "run_id"),
					 cell(t, i, "host"));
		}
		assert_int_equal(same_run, hosts);
		assert_string_equal(cell(t, i, "status"), "ok");
		assert_string_equal(cell(t, i, "nodes"), "1");
		assert_int_equal(atoi(cell(t, i, "ranks")), hosts);
		assert_true(cell(t, i, "rank_skew_us")[0] != 0);
		assert_int_equal(strncmp(cell(t, i, "host"), "node", 4), 0);
		assert_true((unsigned)atoi(cell(t, i, "host") + 4) < hosts);
	}
}

static void fleet(unsigned n)
{
	char name[32];
	snprintf(name, sizeof(name), "fleet%u", n);
	char out[64];
	snprintf(out, sizeof(out), "%s.csv", name);
	const char *const args[] = { "--mpi", "fleet", "-w", "cpu:20", "-m", "sync,threads",
				     "-c", "1", "-n", "50", "-r", "2", "--warmup", "0", "-q",
				     "-o", out, NULL };
	assert_int_equal(run_mpi(name, n, NULL, args), 0);
	struct mb_test_table t;
	read_csv(out, &t);
	check_fleet_rows(&t, n, 4);
	for (unsigned i = 0; i < t.nrows; i++)
		assert_string_equal(cell(&t, i, "tasks"), "50");
	mb_test_free_table(&t);
	snprintf(out, sizeof(out), "%s.meta.csv", name);
	read_csv(out, &t);
	assert_int_equal(t.nrows, n); /* one meta row per host */
	mb_test_free_table(&t);
}

static void test_fleet_2(void **state)
{
	fleet(2);
}

static void test_fleet_4(void **state)
{
	fleet(4);
}

/* A histogram dump (sweep_mpi.c, MB_MPI_HIST_DIR) added into sum[]. */
static void add_hist(const char *path, uint64_t *hdr, uint64_t *counts, unsigned nb)
{
	FILE *f = fopen(path, "r");
	char line[128];
	if (!f)
		fail_msg("%s: missing", path);
	for (unsigned i = 0; i < 4 && fgets(line, sizeof(line), f); i++) {
		unsigned long long v = strtoull(strchr(line, ' ') + 1, NULL, 10);
		hdr[i] = i < 2 ? hdr[i] + v : i == 2 ? (v < hdr[i] ? v : hdr[i]) :
						   (v > hdr[i] ? v : hdr[i]);
	}
	unsigned idx;
	unsigned long long c;
	while (fscanf(f, "b %u %llu\n", &idx, &c) == 2) {
		assert_true(idx < nb);
		counts[idx] += c;
	}
	fclose(f);
}

static void test_span_4(void **state)
{
	char hist[300];
	snprintf(hist, sizeof(hist), "%s/hist", dir);
	assert_int_equal(mkdir(hist, 0755), 0);
	char env[320];
	snprintf(env, sizeof(env), "MB_MPI_HIST_DIR=%s", hist);
	const char *const args[] = { "--mpi", "span", "-w", "cpu:20", "-m", "procs,async-procs",
				     "-c", "1", "-C", "3", "-n", "301", "-r", "1", "--warmup",
				     "0", "-q", "-o", "span.csv", NULL };
	assert_int_equal(run_mpi("span4", 4, env, args), 0);
	struct mb_test_table t;
	read_csv("span.csv", &t);
	assert_int_equal(t.nrows, 2); /* one row per run, from rank 0 */
	for (unsigned i = 0; i < t.nrows; i++) {
		assert_string_equal(cell(&t, i, "status"), "ok");
		assert_string_equal(cell(&t, i, "tasks"), "1204"); /* 301 on each of 4 */
		assert_string_equal(cell(&t, i, "nodes"), "4");
		assert_string_equal(cell(&t, i, "ranks"), "4");
		assert_string_equal(cell(&t, i, "cores"), "4");
		assert_string_equal(cell(&t, i, "concurrency"), "12");
		const char *mode = cell(&t, i, "mode");
		assert_int_equal(atoi(cell(&t, i, "workers")), strcmp(mode, "procs") ? 4 : 12);
		/* the merged histogram is the sum of the ranks' own */
		enum { NB = 8192 };
		static uint64_t sum[NB], merged[NB];
		uint64_t hs[4] = { 0, 0, UINT64_MAX, 0 }, hm[4] = { 0, 0, UINT64_MAX, 0 };
		memset(sum, 0, sizeof(sum));
		memset(merged, 0, sizeof(merged));
		char path[400];
		for (unsigned r = 0; r < 4; r++) {
			snprintf(path, sizeof(path), "%s/%s-r%u.hist", hist, cell(&t, i, "run_id"), r);
			add_hist(path, hs, sum, NB);
		}
		snprintf(path, sizeof(path), "%s/%s-merged.hist", hist, cell(&t, i, "run_id"));
		add_hist(path, hm, merged, NB);
		assert_memory_equal(hs, hm, sizeof(hs));
		assert_memory_equal(sum, merged, sizeof(sum));
		assert_int_equal(hm[0], 1204);
	}
	mb_test_free_table(&t);
}

/* Rank 1 killed (SIGKILL) as run 4 starts: rank 0 names its host, the
 * rows of runs 0-3 are whole, and --resume completes the sweep with
 * every run once per host. */
static void test_killed_rank(void **state)
{
	const char *const args[] = { "--mpi", "fleet", "-w", "cpu:20", "-m", "sync,threads",
				     "-c", "1", "-n", "50", "-r", "4", "--warmup", "0", "-q",
				     "--order", "sequential", "-o", "kill.csv", NULL };
	int st = run_mpi("kill", 3, "MB_FAULT_MPI_KILL=1:4", args);
	assert_int_not_equal(st, 0);
	assert_true(file_has("kill.err", "rank 1 on host node1 ended without a word"));
	struct mb_test_table t;
	read_csv("kill.csv", &t);
	unsigned ok = 0;
	for (unsigned i = 0; i < t.nrows; i++) {
		const char *status = cell(&t, i, "status");
		unsigned run = (unsigned)atoi(strrchr(cell(&t, i, "run_id"), '-') + 1);
		if (!strcmp(status, "ok")) {
			ok++;
			assert_true(run < 4);
		} else {
			assert_string_equal(status, "interrupted"); /* rank 0's own run 4 */
			assert_string_equal(cell(&t, i, "host"), "node0");
			assert_int_equal(run, 4);
		}
	}
	assert_int_equal(ok, 12);
	mb_test_free_table(&t);

	const char *const resume[] = { "--mpi", "fleet", "-w", "cpu:20", "-m", "sync,threads",
				       "-c", "1", "-n", "50", "-r", "4", "--warmup", "0", "-q",
				       "--order", "sequential", "-o", "kill.csv", "--resume",
				       NULL };
	assert_int_equal(run_mpi("resume", 3, NULL, resume), 0);
	read_csv("kill.csv", &t);
	/* each configuration and repetition once per host among the ok rows */
	unsigned seen[2][4][3] = { { { 0 } } };
	for (unsigned i = 0; i < t.nrows; i++) {
		if (strcmp(cell(&t, i, "status"), "ok"))
			continue;
		unsigned m = strcmp(cell(&t, i, "mode"), "sync") != 0;
		unsigned rep = (unsigned)atoi(cell(&t, i, "rep"));
		unsigned h = (unsigned)atoi(cell(&t, i, "host") + 4);
		assert_true(rep < 4 && h < 3);
		seen[m][rep][h]++;
	}
	for (unsigned m = 0; m < 2; m++)
		for (unsigned r = 0; r < 4; r++)
			for (unsigned h = 0; h < 3; h++)
				assert_int_equal(seen[m][r][h], 1);
	mb_test_free_table(&t);
}

/* The same in span: the run under way is lost with the rank, and
 * --resume (whose key holds span's totals) runs it and the rest once. */
static void test_span_killed_resume(void **state)
{
	const char *const args[] = { "--mpi", "span", "-w", "cpu:20", "-m", "procs", "-c", "1",
				     "-C", "2", "-n", "100", "-r", "5", "--warmup", "0", "-q",
				     "-o", "spank.csv", NULL };
	assert_int_not_equal(run_mpi("spank", 3, "MB_FAULT_MPI_KILL=2:3", args), 0);
	assert_true(file_has("spank.err", "rank 2 on host node2 ended without a word"));
	const char *const resume[] = { "--mpi", "span", "-w", "cpu:20", "-m", "procs", "-c",
				       "1", "-C", "2", "-n", "100", "-r", "5", "--warmup", "0",
				       "-q", "-o", "spank.csv", "--resume", NULL };
	assert_int_equal(run_mpi("spankr", 3, NULL, resume), 0);
	struct mb_test_table t;
	read_csv("spank.csv", &t);
	unsigned seen[5] = { 0 };
	for (unsigned i = 0; i < t.nrows; i++) {
		if (strcmp(cell(&t, i, "status"), "ok"))
			continue;
		unsigned rep = (unsigned)atoi(cell(&t, i, "rep"));
		assert_true(rep < 5);
		seen[rep]++;
		assert_string_equal(cell(&t, i, "tasks"), "300");
		assert_string_equal(cell(&t, i, "cores"), "3");
	}
	for (unsigned r = 0; r < 5; r++)
		assert_int_equal(seen[r], 1);
	mb_test_free_table(&t);
}

/* SIGINT to mpirun during a sweep: rank 0 writes an interrupted row and
 * says so; nothing hangs. */
static void test_sigint(void **state)
{
	const char *const args[] = { "--mpi", "fleet", "-w", "sleep:1ms", "-m", "sync", "-c", "1",
				     "-d", "300ms", "-r", "20", "--warmup", "0", "-q", "-o",
				     "int.csv", NULL };
	char path[512], err[512];
	snprintf(path, sizeof(path), "%s/int.csv", dir);
	snprintf(err, sizeof(err), "%s/int.err", dir);
	pid_t pid = start("int", 2, NULL, args);
	/* wait for the first rows on disk, so the sweep is under way */
	for (unsigned i = 0; i < HANG_LIMIT_S * 100; i++) {
		struct stat st;
		if (!stat(path, &st) && st.st_size > 2000)
			break;
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGINT);
	int st = mb_test_wait(pid, HANG_LIMIT_S, "int", err);
	assert_int_not_equal(st, 0);
	assert_true(file_has("int.err", "interrupted; completed rows are in int.csv"));
	struct mb_test_table t;
	read_csv("int.csv", &t);
	unsigned interrupted = 0;
	for (unsigned i = 0; i < t.nrows; i++)
		interrupted += !strcmp(cell(&t, i, "status"), "interrupted");
	assert_true(interrupted >= 1);
	assert_true(t.nrows < 40);
	mb_test_free_table(&t);
}

/* Two ranks on one host, not told to act as separate hosts: refused. */
static void test_one_host_twice(void **state)
{
	const char *const args[] = { "--mpi", "fleet", "-w", "cpu:20", "-m", "sync", "-c", "1",
				     "-n", "10", "-r", "1", "--warmup", "0", "-o", "dup.csv",
				     NULL };
	assert_int_not_equal(run_mpi("dup", 2, "MB_MPI_HOST=", args), 0);
	assert_true(file_has("dup.err", "ranks 0 and 1 both run on host"));
	struct stat st;
	char path[512];
	snprintf(path, sizeof(path), "%s/dup.csv", dir);
	assert_int_not_equal(stat(path, &st), 0);
}

/* ---- two real hosts: network namespaces joined by a veth pair */

static char ns_a[32], ns_b[32];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void ns_remove(void)
{
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", ns_a, ns_b);
}

/* Namespaces A (10.77.0.1) and B (10.77.0.2), the veth pair between
 * them, loopback up in each; false when this machine cannot make them. */
static bool ns_make(void)
{
	int id = (int)getpid() % 1000000;
	snprintf(ns_a, sizeof(ns_a), "mbt%da", id);
	snprintf(ns_b, sizeof(ns_b), "mbt%db", id);
	ns_remove();
	return !sh("set -e; exec 2>/dev/null; ip netns add %s; ip netns add %s; "
		   "ip link add %sv type veth peer name %sv; "
		   "ip link set %sv netns %s; ip link set %sv netns %s; "
		   "ip -n %s addr add 10.77.0.1/24 dev %sv; ip -n %s addr add 10.77.0.2/24 dev %sv; "
		   "ip -n %s link set %sv up; ip -n %s link set %sv up; "
		   "ip -n %s link set lo up; ip -n %s link set lo up",
		   ns_a, ns_b, ns_a, ns_b, ns_a, ns_a, ns_b, ns_b, ns_a, ns_a, ns_b, ns_b, ns_a,
		   ns_a, ns_b, ns_b, ns_a, ns_b);
}

/* Rank 0 in A, rank 1 in B, each launched by Open MPI through a launcher
 * agent (plm_rsh_agent) that enters the namespace named as the host and
 * gives the rank that host name (its own UTS namespace); the ranks and
 * Open MPI's daemons talk over the veth only. Rank 1 serves the delay
 * service (--serve-on 1), so rank 0's net steps cross the link. */
static void test_two_namespaces(void **state)
{
	char agent[512], out[512], err[512], csv[512], hosts[80];
	const char *ip = !access("/usr/sbin/ip", X_OK) ? "/usr/sbin/ip" :
			 !access("/sbin/ip", X_OK)     ? "/sbin/ip" :
							 "/usr/bin/ip";
	/* made, entered, and given a host name of its own (the agent's way) */
	if (geteuid() != 0 || access(ip, X_OK) || !ns_make() ||
	    sh("ip netns exec %s unshare --uts /bin/sh -c 'hostname %s' 2>/dev/null", ns_b,
	       ns_b)) {
		ns_remove();
		print_message("  skipped: cannot make network namespaces here (root and "
			      "iproute2 are needed)\n");
		skip();
	}
	snprintf(agent, sizeof(agent), "%s/agent.sh", dir);
	FILE *f = fopen(agent, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n# plm_rsh_agent: HOST COMMAND... runs COMMAND in netns HOST, "
		   "named HOST\nhost=$1\nshift\nexec ip netns exec \"$host\" unshare --uts "
		   "/bin/sh -c \"hostname $host && $*\"\n");
	fclose(f);
	chmod(agent, 0755);
	snprintf(out, sizeof(out), "%s/ns.out", dir);
	snprintf(err, sizeof(err), "%s/ns.err", dir);
	snprintf(csv, sizeof(csv), "%s/ns.csv", dir);
	snprintf(hosts, sizeof(hosts), "%s,%s", ns_a, ns_b);
	const char *const args[] = {
		"netns", "exec", ns_a, mpirun, "--mca", "plm_rsh_agent", agent, "--host", hosts,
		"-np", "2", "--mca", "oob_tcp_if_include", "10.77.0.0/24", "--mca", "btl",
		"tcp,self", "--mca", "btl_tcp_if_include", "10.77.0.0/24", "--bind-to", "none",
		bin, "run", "--mpi", "fleet", "--serve-on", "1", "-w", "net:0us", "-m",
		"sync,async", "-c", "1", "-C", "4", "-n", "200", "-r", "1", "--warmup", "0", "-q",
		"-o", csv, NULL
	};
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		mb_test_exec_in(dir, out, err, ip, args);
	int st = mb_test_wait(pid, HANG_LIMIT_S, "two namespaces", err);
	ns_remove();
	if (st)
		mb_test_show_file(err, "mpirun");
	assert_int_equal(st, 0);
	struct mb_test_table t;
	read_csv("ns.csv", &t);
	assert_int_equal(t.nrows, 4);
	for (unsigned i = 0; i < t.nrows; i++) {
		const char *host = cell(&t, i, "host");
		assert_string_equal(cell(&t, i, "status"), "ok");
		assert_string_equal(cell(&t, i, "tasks"), "200");
		assert_true(!strcmp(host, ns_a) || !strcmp(host, ns_b));
		if (!strcmp(host, ns_a)) { /* across the veth to B's service */
			char want[64];
			snprintf(want, sizeof(want), "%s 10.77.0.2", ns_b);
			assert_string_equal(cell(&t, i, "server_cpus"), want);
		}
	}
	mb_test_free_table(&t);
}

static int setup(void **state)
{
	bin = getenv("MODEBENCH");
	mpirun = getenv("MB_MPIEXEC");
	if (!bin || !mpirun)
		return -1;
	setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
	setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
	snprintf(dir, sizeof(dir), "/tmp/mb-test-mpi-%d", (int)getpid());
	mb_test_rm_rf(dir);
	return mkdir(dir, 0755);
}

static int teardown(void **state)
{
	if (!getenv("MB_KEEP"))
		mb_test_rm_rf(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleet_2),	    cmocka_unit_test(test_fleet_4),
		cmocka_unit_test(test_span_4),	    cmocka_unit_test(test_killed_rank),
		cmocka_unit_test(test_sigint),	    cmocka_unit_test(test_one_host_twice),
		cmocka_unit_test(test_span_killed_resume), cmocka_unit_test(test_two_namespaces),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
