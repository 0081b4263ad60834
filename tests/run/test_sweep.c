/* Tests of the sweep's life cycle that the end-to-end tests cannot reach:
 * sweeps run one after another in one process (as the claims suite runs
 * them), and a sweep that runs out of memory while planning.
 *
 * Like test_robust, the tests wait on what the harness shows (rows on
 * disk), never on the clock; the only clock is a generous limit that turns
 * a hang into a failure. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base.h"
#include "run.h"
#include "testutil.h"

#define HANG_LIMIT_S 300 /* a sweep this long is a hang, not a slow machine */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MB_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MB_TEST_SANITIZED 1
#endif
#endif

struct ctx {
	char dir[64];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "/tmp/mb-sweep-XXXXXX");
	if (!mkdtemp(c->dir)) {
		free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	mb_test_rm_rf(c->dir);
	free(c);
	return 0;
}

static unsigned count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned n = 0;
	int ch;
	if (!f)
		return 0;
	while ((ch = getc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Runs mb_sweep_main in this process on args (NULL-terminated, "run"
 * first). */
static int sweep(const char *const *args)
{
	int argc = 0;
	while (args[argc])
		argc++;
	return mb_sweep_main(argc, (char **)args);
}

/* ---- an interrupted sweep does not stop the next one */

struct interrupter {
	const char *csv;
	bool sweep_done; /* both accessed atomically: two threads share them */
	bool sent;
};

/* Sends SIGINT to this process once the CSV holds its header and the first
 * row: the sweep has then installed its handler and is past its first run. */
static void *interrupt_after_first_row(void *arg)
{
	struct interrupter *in = arg;
	time_t t0 = time(NULL);
	while (!__atomic_load_n(&in->sweep_done, __ATOMIC_ACQUIRE) &&
	       time(NULL) - t0 < HANG_LIMIT_S) {
		if (count_lines(in->csv) >= 2) {
			__atomic_store_n(&in->sent, kill(getpid(), SIGINT) == 0, __ATOMIC_RELEASE);
			break;
		}
		pause_ms(2);
	}
	return NULL;
}

/* path holds min to max rows, the first nok of them with status ok. */
static void assert_rows(const char *path, unsigned min, unsigned max, unsigned nok)
{
	struct mb_test_table t;
	mb_test_read_csv(path, &t);
	if (t.nrows < min || t.nrows > max)
		fail_msg("%s: %u rows, expected %u to %u", path, t.nrows, min, max);
	int st = mb_test_column(&t, "status");
	for (unsigned r = 0; r < nok; r++)
		assert_string_equal(t.rows[r][st], "ok");
	mb_test_free_table(&t);
}

static void test_interrupt_then_sweep_again(void **state)
{
	struct ctx *c = *state;
	char first[128], second[128];
	snprintf(first, sizeof(first), "%s/first.csv", c->dir);
	snprintf(second, sizeof(second), "%s/second.csv", c->dir);
	const char *const args1[] = { "run", "-w", "sleep:1ms", "-m", "sync", "-c", "1", "-d",
				      "300ms", "-r", "3", "--warmup", "0", "-q", "--progress",
				      "never", "-o", first, NULL };
	const char *const args2[] = { "run", "-w", "sleep:1ms", "-m", "sync", "-c", "1", "-n",
				      "20", "-r", "2", "--warmup", "0", "-q", "--progress",
				      "never", "-o", second, NULL };
	struct interrupter in = { .csv = first };
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, interrupt_after_first_row, &in), 0);
	int rc = sweep(args1);
	__atomic_store_n(&in.sweep_done, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(__atomic_load_n(&in.sent, __ATOMIC_ACQUIRE));
	assert_int_equal(rc, MB_EXIT_INTERRUPTED);
	/* The first run, perhaps the one the signal reached (interrupted, or
	 * ok when it landed between two runs); never the third. */
	assert_rows(first, 1, 2, 1);

	/* The signal was reported: the next sweep runs to its end. */
	rc = sweep(args2);
	assert_int_equal(rc, MB_EXIT_OK);
	assert_rows(second, 2, 2, 2);
}

/* ---- out of memory while planning */

/* A matrix of 16 workloads x 6 modes x 64 concurrencies x 64 rates (over
 * half a million configurations of about 5 KiB each) under a 256 MiB
 * address-space limit: the matrix cannot be allocated. The sweep says so
 * in one line and exits 1, having created no file. */
static void test_matrix_out_of_memory(void **state)
{
#ifdef MB_TEST_SANITIZED
	(void)state;
	skip(); /* sanitizers reserve far more address space than the limit */
#else
	struct ctx *c = *state;
	const char *bin = getenv("MODEBENCH");
	char w[400], conc[300], rates[300], out[128], err[128];
	size_t wl = 0, cl = 0, rl = 0;
	if (!bin || !*bin)
		fail_msg("MODEBENCH must name the binary (ctest sets it)");
	for (unsigned i = 1; i <= 16; i++)
		wl += (size_t)snprintf(w + wl, sizeof(w) - wl, "%ssleep:%uus", i > 1 ? "," : "", i);
	for (unsigned i = 1; i <= 64; i++) {
		cl += (size_t)snprintf(conc + cl, sizeof(conc) - cl, "%s%u", i > 1 ? "," : "", i);
		rl += (size_t)snprintf(rates + rl, sizeof(rates) - rl, "%s%u", i > 1 ? "," : "", i);
	}
	const char *const args[] = { "run", "-w", w, "-m",
				     "sync,async,threads,procs,async-threads,async-procs",
				     "-c", "1", "-C", conc, "--rate", rates, "-o", "out.csv",
				     NULL };
	snprintf(out, sizeof(out), "%s/stdout", c->dir);
	snprintf(err, sizeof(err), "%s/stderr", c->dir);
	char cwd[128];
	snprintf(cwd, sizeof(cwd), "%s/cwd", c->dir);
	assert_int_equal(mkdir(cwd, 0755), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit as = { 256u << 20, 256u << 20 };
		if (setrlimit(RLIMIT_AS, &as))
			_exit(127);
		mb_test_exec_in(cwd, out, err, bin, args);
	}
	int rc = mb_test_wait(pid, HANG_LIMIT_S, "out of memory", err);
	if (rc != MB_EXIT_FAILED)
		mb_test_show_file(err, "stderr");
	assert_int_equal(rc, MB_EXIT_FAILED);
	/* one line naming what could not be allocated */
	FILE *f = fopen(err, "r");
	char line[256];
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "modebench: cannot allocate the run matrix ("));
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	/* nothing created */
	char csv[160];
	snprintf(csv, sizeof(csv), "%s/out.csv", cwd);
	assert_int_equal(access(csv, F_OK), -1);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interrupt_then_sweep_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matrix_out_of_memory, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
