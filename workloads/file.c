/* file:BYTES: one read of BYTES at a random 4 KiB-aligned offset of the
 * test file (mb_io_prepare creates it: --file-size, default 256 MiB, in
 * results/ or --file-dir; --direct opens it with O_DIRECT). Blocking form:
 * pread; async form: an io_uring read (mb_loop_read). epoll cannot wait on
 * regular files, so the async modes on the epoll backend are unsupported
 * rows rather than reads disguised as asynchronous (the kind's
 * MB_STEP_F_LOOP_FILE_READ flag; the engine checks it against the
 * backend's MB_LOOP_CAP_FILE_READ). BYTES read are added
 * to w->bytes.
 *
 * Set-up, as fio does for random reads: each worker's loop registers the
 * file (mb_loop_add_fd: a fixed file on io_uring, so no read pays the
 * kernel's file lookup), and the file is advised random
 * (POSIX_FADV_RANDOM: no readahead, which random 4 KiB reads would waste
 * on an uncached file; a cached one reads the same).
 *
 * Lane storage: each lane owns a 4 KiB-aligned buffer (O_DIRECT needs it)
 * as large as the recipe's largest file step; its pointer lives in
 * lane->scratch[3] and the read in flight in scratch[0..2] (offset, done,
 * size), leaving lane->buf to the net step. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"
#include "step.h"

#define FILE_ALIGN 4096u
#define FILE_MAX_READ (1ull << 30)

#define S_OFF 0
#define S_DONE 1
#define S_LEN 2
#define S_BUF 3

static int file_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	if (mb_parse_size(arg, &s->a) || s->a == 0 || s->a > FILE_MAX_READ) {
		snprintf(err, errlen, "file:%s: expected a read size from 1B to 1GiB with a unit "
			 "(512B, 4KiB, 1MiB), e.g. file:4KiB", arg);
		return -EINVAL;
	}
	return 0;
}

static const char *file_unsupported(const struct mb_run *run, const struct mb_step *s)
{
	if (run->file_fd < 0)
		return "no test file was prepared";
	if (s->a > run->file_size)
		return "the read is larger than the test file (raise --file-size)";
	if (run->direct && s->a % 512)
		return "--direct reads must be a multiple of 512 bytes";
	return NULL;
}

static int file_worker_setup(struct mb_worker *w, const struct mb_step *unused)
{
	int rc = posix_fadvise(w->run->file_fd, 0, 0, POSIX_FADV_RANDOM);
	if (rc) {
		mb_worker_fail(w, -rc, "file step: posix_fadvise: %s", strerror(rc));
		return -rc;
	}
	if (w->loop && (mb_backend_caps(w->run->backend) & MB_LOOP_CAP_FILE_READ) &&
	    (rc = mb_loop_add_fd(w->loop, w->run->file_fd))) {
		mb_worker_fail(w, rc, "file step: registering the file: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static int file_lane_setup(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *unused)
{
	uint64_t n = (mb_recipe_max_arg(w->run->recipe, &mb_step_file) + FILE_ALIGN - 1) / FILE_ALIGN * FILE_ALIGN;
	void *buf;
	int rc = posix_memalign(&buf, FILE_ALIGN, n ? (size_t)n : FILE_ALIGN);
	if (rc) {
		mb_worker_fail(w, -rc, "file step: a %llu-byte read buffer: %s",
			       (unsigned long long)n, strerror(rc));
		return -rc;
	}
	memset(buf, 0, n ? (size_t)n : FILE_ALIGN);
	lane->scratch[S_BUF] = (uint64_t)(uintptr_t)buf;
	return 0;
}

static void file_lane_teardown(struct mb_worker *w, struct mb_lane *lane)
{
	free((void *)(uintptr_t)lane->scratch[S_BUF]);
	lane->scratch[S_BUF] = 0;
}

/* A random 4 KiB-aligned offset with room for len bytes after it. */
static uint64_t pick_offset(struct mb_worker *w, uint64_t len)
{
	uint64_t slots = (w->run->file_size - len) / FILE_ALIGN + 1;
	return (mb_rand(&w->rng) % slots) * FILE_ALIGN;
}

static int file_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	char *buf = (char *)(uintptr_t)lane->scratch[S_BUF];
	uint64_t off = pick_offset(w, s->a), done = 0;

	while (done < s->a) {
		ssize_t n = pread(w->run->file_fd, buf + done, (size_t)(s->a - done),
				  (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* the file shrank under us */
		done += (uint64_t)n;
	}
	w->bytes += done;
	return 0;
}

static void file_read_done(struct mb_op *op, int res)
{
	struct mb_lane *lane = op->data;
	struct mb_worker *w = lane->w;
	char *buf = (char *)(uintptr_t)lane->scratch[S_BUF];
	int rc;

	if (res <= 0) {
		lane->done(lane, res < 0 ? res : -EIO);
		return;
	}
	lane->scratch[S_DONE] += (uint64_t)res;
	w->bytes += (uint64_t)res;
	if (lane->scratch[S_DONE] >= lane->scratch[S_LEN]) {
		lane->done(lane, 0);
		return;
	}
	/* A short read (rare on regular files): read the rest. */
	uint64_t d = lane->scratch[S_DONE];
	rc = mb_loop_read(w->loop, op, w->run->file_fd, buf + d,
			  (size_t)(lane->scratch[S_LEN] - d), lane->scratch[S_OFF] + d);
	if (rc)
		lane->done(lane, rc);
}

static int file_start_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	char *buf = (char *)(uintptr_t)lane->scratch[S_BUF];
	lane->scratch[S_OFF] = pick_offset(w, s->a);
	lane->scratch[S_DONE] = 0;
	lane->scratch[S_LEN] = s->a;
	lane->op.cb = file_read_done;
	lane->op.data = lane;
	int rc = mb_loop_read(w->loop, &lane->op, w->run->file_fd, buf, (size_t)s->a,
			      lane->scratch[S_OFF]);
	return rc ? rc : MB_Q_QUEUED;
}

const struct mb_step_kind mb_step_file = {
	.name = "file",
	.syntax = "file:BYTES",
	.help = "a random 4 KiB-aligned read of BYTES from the test file (pread; io_uring read)",
	.flags = MB_STEP_F_WAIT | MB_STEP_F_TEST_FILE | MB_STEP_F_LOOP_FILE_READ,
	.parse = file_parse,
	.unsupported = file_unsupported,
	.worker_setup = file_worker_setup,
	.lane_setup = file_lane_setup,
	.lane_teardown = file_lane_teardown,
	.run_blocking = file_run,
	.start_async = file_start_async,
};
