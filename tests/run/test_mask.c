/* The CPU mask a process is started with (taskset, sched_setaffinity),
 * end to end: the binary ($MODEBENCH) runs pinned to one PU, the last one
 * this test may use, and must plan, place and record only that PU (topo,
 * the dry run, a real run's CSV and meta file), and refuse more cores with
 * the usual one-line usage error naming the mask. Skipped on a machine
 * with one PU, where no mask can narrow anything. */
#include <errno.h>
#include <sched.h>
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

#include "testutil.h"

static char dir[64];
static int pu = -1; /* the PU the binary is pinned to */
static unsigned npu; /* PUs this test may use */

static int setup(void **state)
{
	cpu_set_t set;
	snprintf(dir, sizeof(dir), "/tmp/mb_test_mask.XXXXXX");
	if (!mkdtemp(dir) || sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set)) {
			pu = c;
			npu++;
		}
	return 0;
}

static int teardown(void **state)
{
	return mb_test_rm_rf(dir);
}

/* Runs modebench args pinned to pu; returns its exit status, stdout and
 * stderr in out and err (read whole, NUL-terminated). */
static int run_pinned(const char *const *args, char *out, size_t outlen, char *err,
		      size_t errlen)
{
	const char *bin = getenv("MODEBENCH");
	char o[128], e[128];
	if (!bin || !*bin || npu < 2)
		skip();
	snprintf(o, sizeof(o), "%s/stdout", dir);
	snprintf(e, sizeof(e), "%s/stderr", dir);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(pu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			_exit(126);
		mb_test_exec_in(dir, o, e, bin, args);
	}
	int st = mb_test_wait(pid, 120, args[0], e);
	FILE *f = fopen(o, "r");
	size_t n = f ? fread(out, 1, outlen - 1, f) : 0;
	out[n] = 0;
	if (f)
		fclose(f);
	f = fopen(e, "r");
	n = f ? fread(err, 1, errlen - 1, f) : 0;
	err[n] = 0;
	if (f)
		fclose(f);
	unlink(o);
	unlink(e);
	return st;
}

static void test_topo_inside_mask(void **state)
{
	static const char *const args[] = { "topo", NULL };
	char out[16384], err[4096], want[96];
	assert_int_equal(run_pinned(args, out, sizeof(out), err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "\nmask: 1 of %u PUs (taskset/sched_setaffinity): %d\n", npu,
		 pu);
	if (!strstr(out, want))
		fail_msg("no '%s' in:\n%s", want + 1, out);
	snprintf(want, sizeof(want), "in worker order) %d  [cpuset %d]\n", pu, pu);
	if (!strstr(out, want))
		fail_msg("the plan is not PU %d alone:\n%s", pu, out);
}

static void test_dry_run_inside_mask(void **state)
{
	static const char *const args[] = { "run", "--dry-run", "-w", "cpu", "-m", "threads", "-c",
					    "all", "-C", "4", NULL };
	char out[16384], err[4096], want[64];
	assert_int_equal(run_pinned(args, out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "run matrix: 1 configurations"));
	snprintf(want, sizeof(want), "  %d\n", pu);
	if (!strstr(out, want) || !strstr(out, "\nmask: 1 of "))
		fail_msg("the dry run plans outside PU %d:\n%s", pu, out);
}

static void test_more_cores_than_the_mask(void **state)
{
	static const char *const run[] = { "run", "--dry-run", "-w", "cpu", "-c", "2", NULL };
	static const char *const topo[] = { "topo", "--cores", "2", NULL };
	char out[4096], err[4096];
	assert_int_equal(run_pinned(run, out, sizeof(out), err, sizeof(err)), 2);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "modebench: -c/--cores: 2 cores asked but this machine has "
				    "1 core inside the CPU mask this process runs under, 1 of "));
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	assert_int_equal(run_pinned(topo, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "inside the CPU mask this process runs under, 1 of "));
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
}

/* A real run: two threads, both on the one PU of the mask, placed where
 * planned; the meta file says what narrowed the machine. */
static void test_run_inside_mask(void **state)
{
	static const char *const args[] = { "run", "-w", "cpu:2", "-m", "threads", "-c", "all",
					    "-C", "2", "-n", "20", "-r", "1", "--warmup", "0",
					    "-o", "out.csv", "-q", NULL };
	char out[4096], err[4096], path[128], want[16];
	struct mb_test_table t;
	assert_int_equal(run_pinned(args, out, sizeof(out), err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	mb_test_read_csv(path, &t);
	assert_int_equal(t.nrows, 1);
	snprintf(want, sizeof(want), "%d", pu);
	assert_string_equal(t.rows[0][mb_test_column(&t, "status")], "ok");
	assert_string_equal(t.rows[0][mb_test_column(&t, "cpuset")], want);
	assert_string_equal(t.rows[0][mb_test_column(&t, "cores")], "1");
	assert_string_equal(t.rows[0][mb_test_column(&t, "placement_ok")], "1");
	mb_test_free_table(&t);
	snprintf(path, sizeof(path), "%s/out.meta.csv", dir);
	mb_test_read_csv(path, &t);
	assert_int_equal(t.nrows, 1);
	assert_non_null(strstr(t.rows[0][mb_test_column(&t, "cpu_mask")],
			       "(taskset/sched_setaffinity)"));
	assert_string_equal(t.rows[0][mb_test_column(&t, "pus")], "1");
	mb_test_free_table(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topo_inside_mask),
		cmocka_unit_test(test_dry_run_inside_mask),
		cmocka_unit_test(test_more_cores_than_the_mask),
		cmocka_unit_test(test_run_inside_mask),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
