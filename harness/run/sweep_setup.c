/* What comes before a sweep's first run (README, "Commands"): the
 * outputs checked before anything is created and then opened (the CSV,
 * its meta file and --trace, never through a symbolic link), the I/O
 * targets, cpu:DUR calibrated, and the sweep's row in the meta file. */
#include "sweep_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "meta.h"

static void default_output(struct mb_opts *o)
{
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(o->output, sizeof(o->output), "results/%s-%s.csv", sw_hostname(), date);
}

/* I/O targets: the delay service and the test file, pinned away from the
 * widest placement of the sweep. */
static int prepare_io(struct sw_sweep *s, char *err, unsigned errlen)
{
	bool need_net = false, need_file = false;
	unsigned maxk = 1, pus[SW_MAX_CORES];
	for (unsigned i = 0; i < s->o->nworkloads; i++) {
		unsigned f = mb_recipe_flags(&s->recipes[i]);
		need_net |= (f & MB_STEP_F_SERVER) != 0;
		need_file |= (f & MB_STEP_F_TEST_FILE) != 0;
	}
	/* --serve-on: one rank's service, listening beyond loopback, for all */
	if (s->o->serve_on >= 0) {
		need_net &= s->rank == s->o->serve_on;
		s->io.listen_any = true;
	}
	for (unsigned i = 0; i < s->ncfg; i++)
		if (s->cfgs[i].k > maxk)
			maxk = s->cfgs[i].k;
	mb_topo_plan(s->topo, maxk, s->o->policy, s->o->smt, pus);
	return mb_io_prepare(&s->io, s->o, s->topo, pus, maxk, need_net, need_file, err, errlen);
}

/* --trace FILE: a new or empty file unless --append (a file from an
 * earlier sweep, whose header it keeps), never through a symbolic link.
 * The check comes before anything is created; the open repeats it, so a
 * file that appears in between is refused all the same. */
static const char trace_taken[] = "the file exists and is not empty; add --append to add "
				  "this sweep's events to it, or choose another file";

static int trace_check(const struct mb_opts *o, char *err, unsigned errlen)
{
	struct stat st;
	int rc = mb_path_check("--trace", o->trace, err, errlen);
	if (rc || o->append || lstat(o->trace, &st) || !S_ISREG(st.st_mode) || !st.st_size)
		return rc;
	snprintf(err, errlen, "--trace %s: %s", o->trace, trace_taken);
	return -EEXIST;
}

static int open_trace(struct sw_sweep *s)
{
	const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd = open(s->o->trace, flags | O_CREAT | (s->o->append ? 0 : O_EXCL), 0644);
	if (fd < 0 && errno == EEXIST)
		fd = open(s->o->trace, flags);
	if (fd < 0)
		return -errno;
	if (!s->o->append && (fstat(fd, &st) || st.st_size)) {
		close(fd);
		return -EEXIST;
	}
	if (!(s->trace = fdopen(fd, "a"))) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return 0;
}

/* The meta file beside -o is written through no symbolic link either;
 * anything else wrong with it is a warning when the sweep writes it. */
static int meta_check(const struct mb_opts *o, char *err, unsigned errlen)
{
	char meta[1100];
	struct stat st;
	mb_meta_path(o->output, meta, sizeof(meta));
	if (lstat(meta, &st) || !S_ISLNK(st.st_mode))
		return 0;
	snprintf(err, errlen, "-o %s: its meta file %s is a symbolic link; modebench does not "
		 "write through links", o->output, meta);
	return -ELOOP;
}

/* --resume's record, then -o and --trace checked before anything is
 * created (the test file, the results directory, the CSV), then the I/O
 * targets, the CSV and the trace file. */
int sw_open_outputs(struct sw_sweep *s)
{
	struct mb_opts *o = s->o;
	char err[3 * 1024]; /* room for two paths */
	int rc;

	if (s->rank > 0) { /* --mpi: rank 0 writes every file; here the I/O targets */
		if ((rc = prepare_io(s, err, sizeof(err)))) {
			fprintf(stderr, "modebench: host %s: %s\n", sw_hostname(), err);
			return rc == -EINVAL ? MB_EXIT_USAGE : MB_EXIT_FAILED;
		}
		return 0;
	}
	if (!o->output[0])
		default_output(o);
	if (o->resume && mb_resume_load(&s->done_runs, o->output, err, sizeof(err)) < 0) {
		fprintf(stderr, "modebench: --resume: %s\n", err);
		return MB_EXIT_USAGE;
	}
	if (mb_csv_check(o->output, err, sizeof(err)) ||
	    (o->label[0] && mb_csv_check_label(o->output, err, sizeof(err))) ||
	    meta_check(o, err, sizeof(err)) ||
	    (o->trace[0] && trace_check(o, err, sizeof(err)))) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	if ((rc = prepare_io(s, err, sizeof(err)))) {
		fprintf(stderr, "modebench: %s\n", err);
		return rc == -EINVAL ? MB_EXIT_USAGE : MB_EXIT_FAILED;
	}
	if (!strncmp(o->output, "results/", 8))
		mkdir("results", 0755);
	if (mb_csv_open(&s->csv, o->output, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	if (mb_csv_note(s->csv)) /* a repair of the user's file: said even with -q */
		fprintf(stderr, "modebench: %s\n", mb_csv_note(s->csv));
	if (o->trace[0] && (rc = open_trace(s))) {
		if (rc == -ELOOP)
			fprintf(stderr, "modebench: --trace %s: is a symbolic link; modebench does "
				"not write through links\n", o->trace);
		else if (rc == -EEXIST)
			fprintf(stderr, "modebench: --trace %s: %s\n", o->trace, trace_taken);
		else
			fprintf(stderr, "modebench: --trace %s: cannot open: %s\n", o->trace,
				strerror(-rc));
		return MB_EXIT_USAGE;
	}
	return 0;
}

/* Calibrates cpu:DUR once per runtime in the sweep, on the first planned
 * core: the C kernel for the C runs' recipes, the Python kernel for the
 * python runs' copies. A Python calibration that fails leaves those
 * recipes at 1 unit per step and says why (their runs then fail alike). */
void sw_calibrate(struct sw_sweep *s)
{
	bool need = false, c_rt = false;
	unsigned pu = s->ncfg ? s->cfgs[0].pus[0] : 0;
	for (unsigned i = 0; i < s->o->nworkloads; i++) {
		const struct mb_step *st;
		MB_FOR_EACH_STEP(&s->recipes[i], st)
		{
			need |= (st->kind->flags & MB_STEP_F_WORK_UNITS) && st->dur_ns;
		}
	}
	for (unsigned i = 0; i < s->ncfg; i++)
		c_rt |= s->cfgs[i].rt == MB_RT_C;
	if (!need)
		return;
	if (c_rt) {
		double ups = mb_cpu_calibrate(s->topo, pu);
		if (!s->o->quiet)
			fprintf(stderr, "calibrated: %.0f cpu work units per second on PU %u\n",
				ups, pu);
		for (unsigned i = 0; i < s->o->nworkloads; i++)
			mb_recipe_calibrate(&s->recipes[i], ups);
	}
	if (s->py_recipes) {
		char err[MB_ERRLEN];
		double ups;
		if (mb_python_calibrate(s->topo, pu, &ups, err, sizeof(err))) {
			fprintf(stderr, "modebench: calibrating the Python kernel: %s\n", err);
			return;
		}
		if (!s->o->quiet)
			fprintf(stderr, "calibrated: %.0f python work units per second on PU %u\n",
				ups, pu);
		for (unsigned i = 0; i < s->o->nworkloads; i++)
			mb_recipe_calibrate(&s->py_recipes[i], ups);
	}
}

/* The sweep's identity (sweep_id, kernel, version) and its row in
 * OUTPUT.meta.csv; a meta file that cannot be written is a warning. */
void sw_record_sweep(struct sw_sweep *s)
{
	char err[MB_ERRLEN * 2], meta[1100];
	struct timespec ts;
	struct utsname u;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(s->sweep_id, sizeof(s->sweep_id), "%lx%04x", (unsigned long)ts.tv_sec,
		 (unsigned)(getpid() & 0xffff));
	uname(&u);
	snprintf(s->kernel, sizeof(s->kernel), "%s %s", u.sysname, u.release);
	snprintf(s->version, sizeof(s->version), "%s", MB_VERSION "+" MB_GIT_DESCRIBE);
	if (s->nranks > 1) {
		sw_mpi_record(s); /* rank 0's sweep id; every host's meta row */
		return;
	}

	mb_meta_path(s->o->output, meta, sizeof(meta));
	if (mb_meta_write(meta, s->sweep_id, sw_hostname(), s->topo, s->o->cmdline, err, sizeof(err)) &&
	    !s->o->quiet)
		fprintf(stderr, "modebench: warning: %s\n", err);
}
