/* A STREAM-style memory bandwidth reference for scripts/bench-io: T threads,
 * each pinned to CPU i and owning a slice of the arrays, run a kernel for
 * about SECONDS and report the average bandwidth in bytes per second.
 *   triad:  a[i] = b[i] + s * c[i]  (doubles; 24 bytes per element, as
 *           STREAM counts it, i.e. not counting the write-allocate read)
 *   update: x[i] = 3 x[i] + c       (uint64 in place; 16 bytes per element,
 *           the kernel and the counting of modebench's mem step)
 * Usage: triad THREADS BYTES_PER_ARRAY SECONDS
 * Build: cc -O2 -pthread -o triad scripts/triad.c */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double *a, *b, *c;
static uint64_t *x;
static size_t n;
static unsigned nthreads;
static double seconds;
static pthread_barrier_t bar;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct job {
	unsigned id;
	double triad_bytes, triad_s, update_bytes, update_s;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	cpu_set_t set;
	size_t lo = n * j->id / nthreads, hi = n * (j->id + 1) / nthreads;
	CPU_ZERO(&set);
	CPU_SET(j->id, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	for (size_t i = lo; i < hi; i++) {
		a[i] = 1.0;
		b[i] = 2.0;
		c[i] = 0.5;
		x[i] = i;
	}
	pthread_barrier_wait(&bar);
	double t0 = now(), t;
	do {
		for (size_t i = lo; i < hi; i++)
			a[i] = b[i] + 3.0 * c[i];
		__asm__ volatile("" ::: "memory");
		j->triad_bytes += 24.0 * (double)(hi - lo);
	} while ((t = now()) - t0 < seconds);
	j->triad_s = t - t0;
	pthread_barrier_wait(&bar);
	t0 = now();
	do {
		for (size_t i = lo; i < hi; i++)
			x[i] = 3 * x[i] + 12345;
		__asm__ volatile("" ::: "memory");
		j->update_bytes += 16.0 * (double)(hi - lo);
	} while ((t = now()) - t0 < seconds);
	j->update_s = t - t0;
	return NULL;
}

static void *alloc(size_t bytes)
{
	void *p;
	if (posix_memalign(&p, 2u << 20, bytes))
		return NULL;
	madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: triad THREADS BYTES_PER_ARRAY SECONDS\n");
		return 2;
	}
	nthreads = (unsigned)atoi(argv[1]);
	size_t bytes = (size_t)strtoull(argv[2], NULL, 10);
	seconds = atof(argv[3]);
	n = bytes / sizeof(double);
	a = alloc(bytes);
	b = alloc(bytes);
	c = alloc(bytes);
	x = alloc(bytes);
	if (!nthreads || !n || !a || !b || !c || !x) {
		fprintf(stderr, "triad: bad arguments or out of memory\n");
		return 1;
	}
	pthread_t th[256];
	struct job jobs[256] = { { 0 } };
	if (nthreads > 256)
		nthreads = 256;
	pthread_barrier_init(&bar, NULL, nthreads);
	for (unsigned i = 0; i < nthreads; i++) {
		jobs[i].id = i;
		pthread_create(&th[i], NULL, worker, &jobs[i]);
	}
	double tb = 0, ts = 0, ub = 0, us = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		tb += jobs[i].triad_bytes;
		ub += jobs[i].update_bytes;
		if (jobs[i].triad_s > ts)
			ts = jobs[i].triad_s;
		if (jobs[i].update_s > us)
			us = jobs[i].update_s;
	}
	printf("triad %.6g\nupdate %.6g\n", tb / ts, ub / us);
	return 0;
}
