/* mem:BYTES: a streaming read-modify-write pass over BYTES of a per-worker
 * buffer, a[i] = 3 a[i] + c on 64-bit words, written with vector types so
 * it is vectorised whatever the optimisation level (two 16-byte lanes:
 * SSE2, the x86-64 baseline). Two adds and a shift per 16 bytes is far
 * below what a core computes, so the memory system is the limit. Each
 * task continues where the worker's last one stopped and wraps around, so
 * BYTES may exceed the buffer.
 *
 * Buffer placement: mb_step_buffer, under the run's --mem-policy (the
 * engine binds it to NUMA nodes before the first touch and looks where
 * the pages went after it); huge pages where the policy allows.
 *
 * Buffer size (worker_setup, outside the measured period, allocated and
 * written once so every page is touched): the workers together cover at
 * least twice the last-level cache, max(64 MiB, 2 x LLC); each worker gets
 * max(BYTES, that / workers), at most 1 GiB, and all of them together at
 * most a quarter of physical memory (so threads and procs with C = 1000 do
 * not exhaust it). BYTES is rounded up to 64 bytes. w->bytes counts what
 * moved: BYTES read plus BYTES written (less for a step the run's stop
 * cut short). The async form runs inline, as CPU work does: it blocks the
 * loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base.h"
#include "step.h"

#define MEM_MAX_BUF (1ull << 30)
#define MEM_MIN_TOTAL (64ull << 20)
#define MEM_MIN_BUF (1ull << 20)
#define MEM_CHUNK (1u << 20) /* bytes between lock ticks and looks at the stop flag */
#define MEM_HUGE (2u << 20)

typedef uint64_t mb_u64x2 __attribute__((vector_size(16)));

struct mem_state {
	mb_u64x2 *v;
	size_t n;   /* vectors in the buffer, a multiple of 4 */
	size_t pos; /* next vector */
	uint64_t c;
};

static int mem_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	if (mb_parse_size(arg, &s->a) || s->a == 0 || s->a > (1ull << 40)) {
		snprintf(err, errlen, "mem:%s: expected a size to stream from 64B to 1TiB with a "
			 "unit (256KiB, 64MiB, 1GiB), e.g. mem:64MiB", arg);
		return -EINVAL;
	}
	s->a = (s->a + 63) & ~63ull;
	return 0;
}

static uint64_t buffer_bytes(const struct mb_run *run)
{
	uint64_t workers = run->nworkers ? run->nworkers : 1;
	uint64_t total = 2 * (uint64_t)run->llc_bytes;
	uint64_t size, ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);

	if (total < MEM_MIN_TOTAL)
		total = MEM_MIN_TOTAL;
	size = (total + workers - 1) / workers;
	if (size < mb_recipe_max_arg(run->recipe, &mb_step_mem))
		size = mb_recipe_max_arg(run->recipe, &mb_step_mem);
	if (size > MEM_MAX_BUF)
		size = MEM_MAX_BUF;
	if (ram && size * workers > ram / 4)
		size = ram / 4 / workers;
	if (size < MEM_MIN_BUF)
		size = MEM_MIN_BUF;
	return size & ~63ull;
}

static int mem_worker_setup(struct mb_worker *w, const struct mb_step *unused)
{
	uint64_t size = buffer_bytes(w->run);
	struct mem_state *st = calloc(1, sizeof(*st));
	void *p;

	if (!st)
		return -ENOMEM;
	/* Placed by the run's memory policy (--mem-policy), in huge pages
	 * where the kernel and the policy agree: fewer TLB misses, as a
	 * bandwidth benchmark wants. */
	p = mb_step_buffer(w, (size_t)size, MEM_HUGE, true);
	if (!p) {
		int rc = errno ? errno : ENOMEM;
		free(st);
		mb_worker_fail(w, -rc, "mem step: a %llu MiB buffer: %s",
			       (unsigned long long)(size >> 20), strerror(rc));
		return -rc;
	}
	st->v = p;
	st->n = (size_t)(size / sizeof(mb_u64x2));
	st->c = w->rng | 1;
	for (size_t i = 0; i < st->n; i++)
		st->v[i] = (mb_u64x2){ 2 * i, 2 * i + 1 };
	mb_step_buffer_placed(w, p, (size_t)size);
	w->mem = st;
	w->memlen = (size_t)size;
	return 0;
}

static void mem_worker_teardown(struct mb_worker *w)
{
	struct mem_state *st = w->mem;
	if (!st)
		return;
	mb_step_buffer_free(w, st->v, w->memlen);
	free(st);
	w->mem = NULL;
	w->memlen = 0;
}

/* The kernel: n vectors (a multiple of 4) from v. */
static void stream(mb_u64x2 *restrict v, size_t n, mb_u64x2 c)
{
	for (size_t i = 0; i < n; i += 4) {
		mb_u64x2 a0 = v[i], a1 = v[i + 1], a2 = v[i + 2], a3 = v[i + 3];
		v[i] = a0 + (a0 << 1) + c;
		v[i + 1] = a1 + (a1 << 1) + c;
		v[i + 2] = a2 + (a2 << 1) + c;
		v[i + 3] = a3 + (a3 << 1) + c;
	}
}

/* Streams in chunks of at most 1 MiB: between them the interpreter lock
 * is offered (under --gil) and the stop flag looked at, so a timeout or
 * an interrupt can end a long step; one ended that way returns
 * -ECANCELED (its task is not counted), having added what it moved. */
static int mem_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	struct mem_state *st = w->mem;
	size_t left = (size_t)(s->a / sizeof(mb_u64x2));
	const size_t chunk = MEM_CHUNK / sizeof(mb_u64x2);
	mb_u64x2 c = { st->c, st->c };
	int rc = 0;

	while (left) {
		size_t n = st->n - st->pos;
		if (n > left)
			n = left;
		if (n > chunk)
			n = chunk;
		stream(st->v + st->pos, n, c);
		st->pos += n;
		if (st->pos == st->n)
			st->pos = 0;
		left -= n;
		if (w->gil_drop)
			mb_worker_gil_tick(w);
		if (left && mb_worker_stopping(w)) {
			rc = -ECANCELED;
			break;
		}
	}
	w->checksum ^= st->v[st->pos][0];
	w->bytes += 2 * (s->a - left * sizeof(mb_u64x2));
	return rc;
}

static int mem_start_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	int rc = mem_run(w, lane, s);
	return rc < 0 ? rc : MB_Q_COMPLETED;
}

const struct mb_step_kind mb_step_mem = {
	.name = "mem",
	.syntax = "mem:BYTES",
	.help = "stream BYTES (read and write) through a per-worker buffer larger than the caches",
	.flags = 0,
	.parse = mem_parse,
	.worker_setup = mem_worker_setup,
	.worker_teardown = mem_worker_teardown,
	.run_blocking = mem_run,
	.start_async = mem_start_async,
};
