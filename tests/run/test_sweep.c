/* Tests of the sweep's life cycle that the end-to-end tests cannot reach:
 * sweeps run one after another in one process (as the claims suite runs
 * them).
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base.h"
#include "run.h"
#include "testutil.h"

#define HANG_LIMIT_S 300 /* a sweep this long is a hang, not a slow machine */

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
	volatile bool sweep_done;
	bool sent;
};

/* Sends SIGINT to this process once the CSV holds its header and the first
 * row: the sweep has then installed its handler and is past its first run. */
static void *interrupt_after_first_row(void *arg)
{
	struct interrupter *in = arg;
	time_t t0 = time(NULL);
	while (!in->sweep_done && time(NULL) - t0 < HANG_LIMIT_S) {
		if (count_lines(in->csv) >= 2) {
			in->sent = kill(getpid(), SIGINT) == 0;
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
	in.sweep_done = true;
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(in.sent);
	assert_int_equal(rc, MB_EXIT_INTERRUPTED);
	/* The first run, perhaps the one the signal reached (interrupted, or
	 * ok when it landed between two runs); never the third. */
	assert_rows(first, 1, 2, 1);

	/* The signal was reported: the next sweep runs to its end. */
	rc = sweep(args2);
	assert_int_equal(rc, MB_EXIT_OK);
	assert_rows(second, 2, 2, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interrupt_then_sweep_again, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
