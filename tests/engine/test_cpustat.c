/* mb_cpustat_proc_s (engine/cpustat.c): the CPU time of a child that has
 * not been reaped, read from /proc/PID/stat, is what that child itself
 * counted with getrusage (to the kernel's tick); outside_load adds it for
 * the delay service, a child that runs through the whole sweep. No wall
 * clock is involved: the child burns CPU until its own rusage says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpustat.h"

static double rusage_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static void test_no_process(void **state)
{
	(void)state;
	assert_true(mb_cpustat_proc_s(0) == 0);
	assert_true(mb_cpustat_proc_s(-1) == 0);
	assert_true(mb_cpustat_proc_s(0x7ffffff0) == 0); /* above pid_max */
}

static void test_child_cpu(void **state)
{
	int fd[2];
	(void)state;
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		volatile uint64_t x = 0;
		while (rusage_s() < 0.3)
			for (int i = 0; i < 100000; i++)
				x += (uint64_t)i * 7;
		double used = rusage_s();
		if (write(fd[1], &used, sizeof(used)) != sizeof(used))
			_exit(1);
		pause(); /* idle until killed: no more CPU time */
		_exit(0);
	}
	double used = 0;
	assert_int_equal(read(fd[0], &used, sizeof(used)), (ssize_t)sizeof(used));
	double seen = mb_cpustat_proc_s(pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fd[0]);
	close(fd[1]);
	print_message("child: getrusage %.3f s, /proc/PID/stat %.3f s\n", used, seen);
	assert_true(used >= 0.3);
	/* /proc counts in clock ticks (10 ms at 100 Hz) and may sample where
	 * getrusage measures: a few ticks either way, plus the child's own few
	 * instructions after its rusage read */
	assert_true(seen >= used - 0.05);
	assert_true(seen <= used + 0.05);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_process),
		cmocka_unit_test(test_child_cpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
