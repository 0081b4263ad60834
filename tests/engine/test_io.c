/* Tests of the I/O step kinds (net, file, mem) through the real runner:
 * every registered step kind in every mode (mb_modes[]) and, for the async
 * modes, every backend, built into a struct mb_run by hand as the sweep
 * does. A run must complete exactly N tasks, or be unsupported where
 * the README says so (a file read on epoll). io_uring cases skip() with the
 * kernel's reason when it refuses io_uring. Also mb_io_prepare's test file
 * and its refusals (--server, --direct). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hist.h"
#include "iosetup.h"
#include "mb.h"
#include "modes.h"
#include "step.h"
#include "step.h"
#include "run.h"
#include "topo.h"
#include "worker.h"

#define N_TASKS 60
#define FILE_SIZE (8ull << 20)

struct fixture {
	struct mb_topo *topo;
	struct mb_io io;
	struct mb_opts *o;
	char dir[64];
	unsigned k;
	unsigned pus[2];
	struct mb_hist *lat, *svc;
};

static struct fixture fx;

/* A short argument for each kind; a kind missing here fails the test, so a
 * new kind is tested by construction. */
static const char *test_arg(const char *kind)
{
	static const struct {
		const char *kind, *arg;
	} args[] = {
		{ "cpu", "5" }, { "mem", "256KiB" }, { "sleep", "50us" },
		{ "net", "0us/1000" }, { "file", "4KiB" },
	};
	for (unsigned i = 0; i < MB_ARRAY_SIZE(args); i++)
		if (!strcmp(args[i].kind, kind))
			return args[i].arg;
	return NULL;
}

static int group_setup(void **state)
{
	char err[MB_ERRLEN];
	signal(SIGPIPE, SIG_IGN);
	if (mb_topo_load(&fx.topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "topology: %s\n", err);
		return -1;
	}
	fx.k = mb_topo_slots(fx.topo, false) >= 2 ? 2 : 1;
	if (mb_topo_plan(fx.topo, fx.k, MB_POLICY_COMPACT, false, fx.pus))
		return -1;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/mb-test-io-XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	fx.o = calloc(1, sizeof(*fx.o));
	fx.lat = malloc(sizeof(*fx.lat));
	fx.svc = malloc(sizeof(*fx.svc));
	if (!fx.o || !fx.lat || !fx.svc)
		return -1;
	snprintf(fx.o->file_dir, sizeof(fx.o->file_dir), "%s", fx.dir);
	fx.o->file_size = FILE_SIZE;
	if (mb_io_prepare(&fx.io, fx.o, fx.topo, fx.pus, fx.k, true, true, err, sizeof(err))) {
		fprintf(stderr, "mb_io_prepare: %s\n", err);
		return -1;
	}
	*state = &fx;
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];
	mb_io_cleanup(&fx.io);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
	if (system(cmd)) {
		/* best effort */
	}
	mb_topo_free(fx.topo);
	free(fx.o);
	free(fx.lat);
	free(fx.svc);
	return 0;
}

/* Runs text in mode m on backend b (k cores, C = 4, N tasks). Returns
 * the unsupported reason, or NULL after checking the run's counts. */
static const char *run_one(const char *text, const struct mb_mode *m, enum mb_backend b,
			   uint64_t *bytes)
{
	static struct mb_recipe r;
	char err[MB_ERRLEN];
	unsigned k = mb_mode_one_core(m) ? 1 : fx.k;
	unsigned c = m->id == MB_MODE_SYNC ? 1 : 4;
	struct mb_run_result res = { .lat = fx.lat, .svc = fx.svc };

	if (mb_recipe_parse(text, &r, err, sizeof(err))) {
		print_error("%s: %s\n", text, err);
		fail();
	}
	struct mb_run run = {
		.recipe = &r,
		.mode = m,
		.backend = m->async ? b : MB_BACKEND_NONE,
		.topo = fx.topo,
		.policy = MB_POLICY_COMPACT,
		.cores = k,
		.pus = fx.pus,
		.concurrency = c,
		.nworkers = mb_mode_workers(m, k, c),
		.tasks = N_TASKS,
		.timeout_ns = 60 * MB_NS_PER_S,
		.seed = 42,
		.server = fx.io.server,
		.have_server = fx.io.have_server,
		.file_fd = fx.io.file_fd,
		.file_size = fx.io.file_size,
		/* small: the mem buffers stay at the 64 MiB floor in all */
		.llc_bytes = 1 << 20,
	};
	const char *why = mb_run_unsupported(&run);
	if (why)
		return why;
	int rc = mb_mode_run(&run, &res);
	if (rc || res.status != MB_ST_OK)
		print_error("%s %s %s: rc %d status %s: %s\n", text, m->name,
			    mb_backend_name(run.backend), rc, mb_status_name(res.status), res.error);
	assert_int_equal(rc, 0);
	assert_int_equal(res.status, MB_ST_OK);
	assert_int_equal(res.tasks, N_TASKS);
	assert_int_equal(fx.lat->count, N_TASKS);
	*bytes = res.bytes;
	return NULL;
}

/* Every kind in every mode on backend b; blocking modes run once, with
 * the epoll pass. */
static void run_all_kinds(enum mb_backend b)
{
	for (unsigned i = 0; i < mb_step_nkinds; i++) {
		const struct mb_step_kind *kind = mb_step_kinds[i];
		const char *arg = test_arg(kind->name);
		char text[64];
		if (!arg)
			print_error("no test argument for step kind %s\n", kind->name);
		assert_non_null(arg);
		snprintf(text, sizeof(text), "%s:%s", kind->name, arg);
		for (unsigned mi = 0; mi < MB_NMODES; mi++) {
			const struct mb_mode *m = &mb_modes[mi];
			uint64_t bytes = 0;
			if (!m->async && b != MB_BACKEND_EPOLL)
				continue;
			const char *why = run_one(text, m, b, &bytes);
			bool file_on_epoll = kind == &mb_step_file && m->async && b == MB_BACKEND_EPOLL;
			if (file_on_epoll) {
				assert_non_null(why);
				assert_non_null(strstr(why, "epoll"));
				continue;
			}
			if (why)
				print_error("%s %s %s: unsupported: %s\n", text, m->name,
					    mb_backend_name(b), why);
			assert_null(why);
			/* Bytes moved per task, as each kind defines them. */
			if (kind == &mb_step_file)
				assert_int_equal(bytes, N_TASKS * 4096ull);
			else if (kind == &mb_step_mem)
				assert_int_equal(bytes, N_TASKS * 2 * 256 * 1024ull);
			else if (kind == &mb_step_net)
				assert_true(bytes > N_TASKS * 1000ull);
		}
	}
}

static void test_kinds_epoll(void **state)
{
	run_all_kinds(MB_BACKEND_EPOLL);
}

static void test_kinds_io_uring(void **state)
{
	const char *why = mb_backend_unsupported(MB_BACKEND_IO_URING);
	if (why) {
		print_message("io_uring unsupported here: %s\n", why);
		skip();
	}
	run_all_kinds(MB_BACKEND_IO_URING);
}

/* Steps of several kinds in one task, in sequence and in parallel
 * branches: lanes carry a connection and a file buffer at once. */
static void test_mixed_recipe(void **state)
{
	const char *text = "net:100us/10+(file:8KiB|net:0us|mem:64KiB)+file:4KiB";
	for (int b = 0; b < MB_BACKEND_COUNT; b++) {
		if (mb_backend_unsupported(b))
			continue;
		for (unsigned mi = 0; mi < MB_NMODES; mi++) {
			const struct mb_mode *m = &mb_modes[mi];
			uint64_t bytes;
			if (!m->async && b != MB_BACKEND_EPOLL)
				continue;
			const char *why = run_one(text, m, (enum mb_backend)b, &bytes);
			if (m->async && b == MB_BACKEND_EPOLL)
				assert_non_null(why);
			else
				assert_null(why);
		}
	}
}

static void test_step_parse_errors(void **state)
{
	static const char *bad[] = { "net:abc", "net:1ms/xyz", "net:5", "net:100s",
				     "file:0", "file:abc", "file:2GiB", "mem:0", "mem:lots" };
	for (unsigned i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		static struct mb_recipe r;
		char err[MB_ERRLEN] = "";
		assert_int_not_equal(mb_recipe_parse(bad[i], &r, err, sizeof(err)), 0);
		assert_non_null(strstr(err, bad[i]));
		assert_null(strchr(err, '\n'));
	}
	static struct mb_recipe r;
	char err[MB_ERRLEN];
	assert_int_equal(mb_recipe_parse("net:0us", &r, err, sizeof(err)), 0);
	assert_int_equal(r.st[0].br[0].steps[0].a, 0);
	assert_int_equal(r.st[0].br[0].steps[0].b, 0);
	assert_int_equal(mb_recipe_parse("net:500us/4KiB", &r, err, sizeof(err)), 0);
	assert_int_equal(r.st[0].br[0].steps[0].a, 500000);
	assert_int_equal(r.st[0].br[0].steps[0].b, 4096);
}

/* No service: the net step says why instead of failing. */
static void test_net_without_server(void **state)
{
	static struct mb_recipe r;
	char err[MB_ERRLEN];
	assert_int_equal(mb_recipe_parse("net:1ms", &r, err, sizeof(err)), 0);
	struct mb_run run = { .recipe = &r, .mode = &mb_modes[0], .backend = MB_BACKEND_NONE,
			      .file_fd = -1 };
	assert_non_null(mb_step_net.unsupported(&run, &r.st[0].br[0].steps[0]));
}

static void test_test_file(void **state)
{
	char path[1100];
	struct stat st;
	unsigned char buf[4096];
	snprintf(path, sizeof(path), "%s/modebench-testfile-8MiB.dat", fx.dir);
	assert_string_equal(fx.io.file_path, path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((uint64_t)st.st_size, FILE_SIZE);
	assert_int_equal(pread(fx.io.file_fd, buf, sizeof(buf), 4096), (ssize_t)sizeof(buf));
	for (unsigned i = 0; i < sizeof(buf); i++)
		assert_int_not_equal(buf[i], 0);

	/* Reused, not rewritten: the inode stays. */
	struct mb_io io2 = { 0 };
	char err[MB_ERRLEN];
	assert_int_equal(mb_io_prepare(&io2, fx.o, fx.topo, fx.pus, fx.k, false, true, err,
				       sizeof(err)), 0);
	struct stat st2;
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino);
	assert_false(io2.have_server);
	mb_io_cleanup(&io2);
}

static void test_prepare_refusals(void **state)
{
	struct mb_opts *o = calloc(1, sizeof(*o));
	struct mb_io io = { 0 };
	char err[MB_ERRLEN];
	static const char *bad[] = { "127.0.0.1:abc", "127.0.0.1:0", "nohost", ":80",
				     "no.such.host.invalid:80" };
	assert_non_null(o);
	for (unsigned i = 0; i < MB_ARRAY_SIZE(bad); i++) {
		snprintf(o->server, sizeof(o->server), "%s", bad[i]);
		err[0] = 0;
		assert_int_equal(mb_io_prepare(&io, o, fx.topo, fx.pus, fx.k, true, false, err,
					       sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "--server"));
	}
	/* A valid --server is used as is, and not stopped by cleanup. */
	snprintf(o->server, sizeof(o->server), "127.0.0.1:%u", ntohs(fx.io.server.sin_port));
	assert_int_equal(mb_io_prepare(&io, o, fx.topo, fx.pus, fx.k, true, false, err,
				       sizeof(err)), 0);
	assert_true(io.have_server);
	assert_int_equal(io.server_pid, 0);
	assert_int_equal(io.server.sin_port, fx.io.server.sin_port);
	mb_io_cleanup(&io);

	/* --file-dir that is not a directory. */
	o->server[0] = 0;
	snprintf(o->file_dir, sizeof(o->file_dir), "%s/missing/dir", fx.dir);
	assert_int_equal(mb_io_prepare(&io, o, fx.topo, fx.pus, fx.k, false, true, err,
				       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--file-dir"));

	/* --direct: works here, or says so naming --direct. */
	snprintf(o->file_dir, sizeof(o->file_dir), "%s", fx.dir);
	o->file_size = FILE_SIZE;
	o->direct = true;
	int rc = mb_io_prepare(&io, o, fx.topo, fx.pus, fx.k, false, true, err, sizeof(err));
	if (rc) {
		assert_int_equal(rc, -EINVAL);
		assert_non_null(strstr(err, "--direct"));
	} else {
		int fl = fcntl(io.file_fd, F_GETFL);
		assert_true(fl & O_DIRECT);
		mb_io_cleanup(&io);
	}
	free(o);
}

/* file with --direct, when the filesystem allows it, in a blocking and an
 * io_uring mode. */
static void test_file_direct(void **state)
{
	struct mb_io io = { 0 };
	char err[MB_ERRLEN];
	uint64_t bytes;
	struct mb_io saved = fx.io;
	fx.o->direct = true;
	int rc = mb_io_prepare(&io, fx.o, fx.topo, fx.pus, fx.k, false, true, err, sizeof(err));
	fx.o->direct = false;
	if (rc) {
		print_message("O_DIRECT unsupported here: %s\n", err);
		skip();
	}
	fx.io.file_fd = io.file_fd;
	assert_null(run_one("file:4KiB", &mb_modes[MB_MODE_THREADS], MB_BACKEND_NONE, &bytes));
	if (!mb_backend_unsupported(MB_BACKEND_IO_URING))
		assert_null(run_one("file:8KiB", &mb_modes[MB_MODE_ASYNC], MB_BACKEND_IO_URING,
				    &bytes));
	fx.io = saved;
	mb_io_cleanup(&io);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_parse_errors),
		cmocka_unit_test(test_net_without_server),
		cmocka_unit_test(test_test_file),
		cmocka_unit_test(test_kinds_epoll),
		cmocka_unit_test(test_kinds_io_uring),
		cmocka_unit_test(test_mixed_recipe),
		cmocka_unit_test(test_prepare_refusals),
		cmocka_unit_test(test_file_direct),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
