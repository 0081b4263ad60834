/* The loop alone on the file step's work, for scripts/bench-uring: DEPTH
 * random 4 KiB-aligned reads of FILE in flight through harness/loop, each
 * completion starting the next read from its callback (as the file step
 * does, without the engine's tasks, clocks and histograms), until READS
 * reads completed. Prints one line of key=value pairs: the reads, IOPS,
 * CPU per read, and the loop's own counters (struct mb_loop_stats): kernel
 * calls per read, SQEs per submitting call, completions per wake-up.
 * usage: loop_file FILE READS DEPTH [BACKEND [fixed]]
 *   fixed: register the file with mb_loop_add_fd (a fixed file on io_uring) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base.h"
#include "loop.h"

#define BS 4096u
#define MAX_DEPTH 4096u

struct reader {
	struct mb_op op;
	char *buf;
};

static struct mb_loop *loop;
static int fd;
static uint64_t slots, rng = 0x9E3779B97F4A7C15ull, started, done, target;
static int failed;

static uint64_t next_off(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545F4914F6CDD1Dull) % slots * BS;
}

static void start(struct reader *r)
{
	int rc = mb_loop_read(loop, &r->op, fd, r->buf, BS, next_off());
	if (rc) {
		fprintf(stderr, "loop_file: read: %s\n", strerror(-rc));
		failed = 1;
		return;
	}
	started++;
}

static void read_done(struct mb_op *op, int res)
{
	if (res != (int)BS) {
		fprintf(stderr, "loop_file: read returned %d\n", res);
		failed = 1;
		return;
	}
	done++;
	if (started < target)
		start((struct reader *)op);
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	enum mb_backend be = MB_BACKEND_IO_URING;
	if (argc < 4 || (argc > 4 && mb_backend_parse(argv[4], &be))) {
		fprintf(stderr, "usage: loop_file FILE READS DEPTH [BACKEND [fixed]]\n");
		return 2;
	}
	unsigned depth = (unsigned)atoi(argv[3]);
	target = strtoull(argv[2], NULL, 10);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	off_t size = fd < 0 ? 0 : lseek(fd, 0, SEEK_END);
	if (size < (off_t)BS || !depth || depth > MAX_DEPTH || !target) {
		fprintf(stderr, "loop_file: need a file of 4 KiB or more, 1..%u in flight, "
			"READS > 0\n", MAX_DEPTH);
		return 2;
	}
	slots = (uint64_t)size / BS;
	int rc = mb_loop_create(&loop, be, depth);
	if (rc || (argc > 5 && !strcmp(argv[5], "fixed") && (rc = mb_loop_add_fd(loop, fd)))) {
		fprintf(stderr, "loop_file: %s loop: %s\n", mb_backend_name(be), strerror(-rc));
		return 1;
	}
	static struct reader rd[MAX_DEPTH];
	char *mem;
	if (posix_memalign((void **)&mem, BS, (size_t)depth * BS))
		return 1;
	memset(mem, 0, (size_t)depth * BS);
	double c0 = cpu_s();
	uint64_t t0 = mb_now_ns();
	for (unsigned i = 0; i < depth && started < target; i++) {
		rd[i].op.cb = read_done;
		rd[i].buf = mem + (size_t)i * BS;
		start(&rd[i]);
	}
	while (!failed && mb_loop_pending(loop))
		if ((rc = mb_loop_run_once(loop, UINT64_MAX)) < 0) {
			fprintf(stderr, "loop_file: run: %s\n", strerror(-rc));
			return 1;
		}
	double secs = (mb_now_ns() - t0) / 1e9, cpu = cpu_s() - c0;
	struct mb_loop_stats st;
	mb_loop_stats(loop, &st);
	printf("reads=%llu iops=%.0f cpu_ns_per_read=%.0f rounds=%llu enters=%llu "
	       "enters_per_read=%.4f sqes_per_submit=%.2f completions_per_wakeup=%.2f "
	       "max_per_wakeup=%llu\n",
	       (unsigned long long)done, done / secs, cpu * 1e9 / (double)done,
	       (unsigned long long)st.rounds, (unsigned long long)st.enters,
	       (double)st.enters / (double)done,
	       st.enters_submit ? (double)st.enter_sqes / (double)st.enters_submit : 0.0,
	       st.reaps ? (double)st.reaped / (double)st.reaps : 0.0,
	       (unsigned long long)st.reaped_max);
	mb_loop_destroy(loop);
	free(mem);
	return failed;
}
