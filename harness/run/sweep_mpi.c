/* A sweep across the ranks of mpirun or srun (README, "On a cluster").
 * Every rank plans the same runs and carries them out on its own host;
 * the runs start together behind one barrier (the engine's before_start
 * hook, after the workers' set-up); after each run rank 0 gathers what
 * the others measured and alone writes the rows, the meta rows, the
 * progress and the summary.
 *   fleet  each rank's run is its own row (its host column);
 *   span   the run's workers are every rank's workers: the results are
 *          reduced to rank 0 (task counts summed, histograms merged
 *          bucket by bucket) into one row with nodes = ranks.
 * No MPI call happens while a run is measured. A rank that dies or hangs
 * never hangs the others: every collective has a deadline and sees an
 * interrupt, and a sweep that cannot go on ends the job (MPI_Abort) once
 * rank 0's rows are on disk (each fsync'd as it is written). */
#include "sweep_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mbmpi.h"
#include "meta.h"

/* How long set-up collectives wait for the slowest rank (calibration, a
 * test file to write): beyond it a rank is taken for lost. */
#define SETUP_WAIT_NS (600 * MB_NS_PER_S)
/* What a run's collectives allow on top of its --timeout. */
#define RUN_SLACK_NS (60 * MB_NS_PER_S)

static uint64_t setup_deadline(void)
{
	return mb_now_ns() + SETUP_WAIT_NS;
}

static uint64_t run_deadline(const struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	uint64_t t = o->timeout_ns ? o->timeout_ns :
		     o->duration_ns ? 2 * o->duration_ns + 30 * MB_NS_PER_S :
				      600 * MB_NS_PER_S;
	return mb_now_ns() + t + RUN_SLACK_NS;
}

static uint64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * MB_NS_PER_S + (uint64_t)ts.tv_nsec;
}

int sw_mpi_start(struct sw_sweep *s, int *argc, char ***argv)
{
	struct mb_opts *o = s->o;
	char err[512];
	int first;
	if (mb_mpi_start(argc, argv, err, sizeof(err))) {
		fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	s->rank = mb_mpi_rank();
	s->nranks = mb_mpi_size();
	sw_set_hostname(mb_mpi_host(s->rank));
	int dup = mb_mpi_shared_host(&first);
	if (dup >= 0) {
		if (s->rank == 0)
			fprintf(stderr, "modebench: --mpi %s: ranks %d and %d both run on host %s; "
				"one rank per host (mpirun --map-by node, srun "
				"--ntasks-per-node=1)\n", o->mpi == MB_MPI_SPAN ? "span" : "fleet",
				first, dup, mb_mpi_host(dup));
		return MB_EXIT_USAGE;
	}
	if (o->serve_on >= s->nranks) {
		if (s->rank == 0)
			fprintf(stderr, "modebench: --serve-on: rank %d is not in this job (ranks 0 "
				"to %d)\n", o->serve_on, s->nranks - 1);
		return MB_EXIT_USAGE;
	}
	if (s->rank > 0) {
		o->quiet = true;
		o->progress = -1;
	}
	return 0;
}

/* The worst status of every rank, known to all of them. */
int sw_mpi_agree(struct sw_sweep *s, int status)
{
	uint64_t mine = (uint64_t)status, worst = 0;
	int rc = mb_mpi_reduce_u64(&mine, &worst, 1, MB_MPI_MAX, setup_deadline(), NULL);
	if (!rc)
		rc = mb_mpi_bcast(&worst, sizeof(worst), 0, setup_deadline(), NULL);
	if (rc) {
		if (s->rank == 0)
			fprintf(stderr, "modebench: --mpi: the ranks lost one another during "
				"set-up: %s\n", strerror(-rc));
		s->mpi_rc = rc;
		return MB_EXIT_FAILED;
	}
	return (int)worst;
}

/* FNV-1a over the plan: each run's configuration key, repetition and
 * warmup, in order. */
static uint64_t plan_hash(const struct sw_sweep *s)
{
	uint64_t h = 1469598103934665603ull;
	for (unsigned i = 0; i < s->nplan; i++) {
		const struct sw_planned *p = &s->plan[i];
		char buf[600];
		int n = snprintf(buf, sizeof(buf), "%s|%u|%d", s->cfgs[p->cfg].key, p->rep,
				 p->warmup);
		for (int j = 0; j < n && j < (int)sizeof(buf); j++)
			h = (h ^ (unsigned char)buf[j]) * 1099511628211ull;
	}
	return h;
}

int sw_mpi_agree_plan(struct sw_sweep *s)
{
	uint64_t mine[2] = { s->nplan, plan_hash(s) };
	uint32_t *lens = calloc((size_t)s->nranks, sizeof(uint32_t));
	char *all = NULL;
	int status = 0;
	if (!lens)
		return sw_nomem("the ranks' plans");
	int rc = mb_mpi_gather(mine, sizeof(mine), &all, lens, setup_deadline(), NULL);
	for (int r = 1; !rc && s->rank == 0 && r < s->nranks && !status; r++) {
		uint64_t theirs[2];
		memcpy(theirs, all + (size_t)r * sizeof(mine), sizeof(theirs));
		if (theirs[0] == mine[0] && theirs[1] == mine[1])
			continue;
		fprintf(stderr, "modebench: --mpi: host %s plans %llu runs, host %s %llu%s; every "
			"rank must run the same plan (-c pow2 and all depend on the host: give "
			"-c core counts every host has)\n", mb_mpi_host(0),
			(unsigned long long)mine[0], mb_mpi_host(r), (unsigned long long)theirs[0],
			theirs[0] == mine[0] ? " of other configurations" : "");
		status = MB_EXIT_USAGE;
	}
	free(all);
	free(lens);
	if (rc) {
		s->mpi_rc = rc;
		return MB_EXIT_FAILED;
	}
	return status;
}

/* --resume: rank 0's verdict on every run of the plan, for all. */
int sw_mpi_share_skips(struct sw_sweep *s)
{
	s->skip = calloc(s->nplan ? s->nplan : 1, 1);
	if (!s->skip)
		return sw_nomem("--resume's record of %u runs", s->nplan);
	for (unsigned i = 0; s->rank == 0 && s->done_runs && i < s->nplan; i++) {
		const struct sw_planned *p = &s->plan[i];
		s->skip[i] = mb_resume_has(s->done_runs, s->cfgs[p->cfg].key, s->o->label, p->rep,
					   p->warmup);
	}
	int rc = mb_mpi_bcast(s->skip, s->nplan, 0, setup_deadline(), NULL);
	if (rc) {
		s->mpi_rc = rc;
		return MB_EXIT_FAILED;
	}
	return 0;
}

/* The first IPv4 address of an interface that is up and not loopback:
 * where the other hosts reach this one's delay service. 0: none. */
static uint32_t reachable_addr(void)
{
	struct ifaddrs *ifs, *i;
	uint32_t a = 0;
	if (getifaddrs(&ifs))
		return 0;
	for (i = ifs; i && !a; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK))
			a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifs);
	return a;
}

int sw_mpi_share_server(struct sw_sweep *s)
{
	int root = s->o->serve_on;
	struct sockaddr_in sa = s->io.server;
	if (root < 0)
		return 0;
	if (s->rank == root && s->io.have_server) {
		uint32_t a = reachable_addr();
		if (a)
			sa.sin_addr.s_addr = a;
	}
	int rc = mb_mpi_bcast(&sa, sizeof(sa), root, setup_deadline(), NULL);
	if (rc) {
		s->mpi_rc = rc;
		return MB_EXIT_FAILED;
	}
	if (!sa.sin_port) /* no recipe has a net step */
		return 0;
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	s->io.server = sa;
	s->io.have_server = true;
	if (s->rank != root)
		snprintf(s->io.server_cpus, sizeof(s->io.server_cpus), "%.40s %s",
			 mb_mpi_host(root), ip);
	if (s->rank == 0 && !s->o->quiet)
		fprintf(stderr, "modebench: --serve-on %d: the delay service runs on host %s, "
			"%s:%u\n", root, mb_mpi_host(root), ip, ntohs(sa.sin_port));
	return 0;
}

/* The sweep's identity from rank 0, and a meta row from every host. */
void sw_mpi_record(struct sw_sweep *s)
{
	static char row[32 * 1024];
	char meta[1100], err[MB_ERRLEN * 2];
	uint32_t *lens = calloc((size_t)s->nranks, sizeof(uint32_t));
	char *all = NULL;
	if (!lens || mb_mpi_bcast(s->sweep_id, sizeof(s->sweep_id), 0, setup_deadline(), NULL)) {
		free(lens);
		s->mpi_rc = -EIO;
		return;
	}
	int n = mb_meta_pack(row, sizeof(row), s->sweep_id, sw_hostname(), s->topo,
			     s->o->cmdline);
	int rc = mb_mpi_gather(row, (uint32_t)(n > 0 ? n : 0), &all, lens, setup_deadline(),
			       NULL);
	if (rc)
		s->mpi_rc = rc;
	if (!rc && s->rank == 0) {
		size_t total = 0;
		for (int r = 0; r < s->nranks; r++)
			total += lens[r];
		mb_meta_path(s->o->output, meta, sizeof(meta));
		if (mb_meta_write_packed(meta, all, (unsigned)total, err, sizeof(err)) &&
		    !s->o->quiet)
			fprintf(stderr, "modebench: warning: %s\n", err);
	}
	free(all);
	free(lens);
}

/* The engine's before_start hook: every rank's workers are set up; the
 * ranks meet, and the run starts as each leaves the barrier. */
int sw_mpi_meet(void *arg)
{
	struct sw_sweep *s = arg;
	s->met = true;
	int rc = mb_mpi_barrier(run_deadline(s), s->stop);
	s->t0_real = real_ns();
	if (rc && !s->mpi_rc)
		s->mpi_rc = rc;
	return rc;
}

/* MB_MPI_HIST_DIR (tests): each rank's latency histogram of run id, and
 * rank 0's merged one, as "count N", "sum", "min", "max" lines and one
 * "b INDEX COUNT" line per non-empty bucket. */
static void dump_hist(const struct mb_hist *h, const char *id, const char *who)
{
	const char *dir = getenv("MB_MPI_HIST_DIR");
	char path[1200];
	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s-%s.hist", dir, id, who);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "count %llu\nsum %llu\nmin %llu\nmax %llu\n", (unsigned long long)h->count,
		(unsigned long long)h->sum, (unsigned long long)h->min,
		(unsigned long long)h->max);
	for (unsigned i = 0; i < MB_HIST_BUCKETS; i++)
		if (h->counts[i])
			fprintf(f, "b %u %llu\n", i, (unsigned long long)h->counts[i]);
	fclose(f);
}

/* Every rank's histogram summed into rank 0's h (min and max their own
 * operations). */
static int merge_hist(struct sw_sweep *s, struct mb_hist *h, uint64_t deadline)
{
	const size_t words = sizeof(*h) / sizeof(uint64_t);
	uint64_t mm[2] = { h->min, h->max }, lo, hi;
	int rc = mb_mpi_reduce_u64((const uint64_t *)h, (uint64_t *)s->merged, words, MB_MPI_SUM,
				   deadline, s->stop);
	if (!rc)
		rc = mb_mpi_reduce_u64(&mm[0], &lo, 1, MB_MPI_MIN, deadline, s->stop);
	if (!rc)
		rc = mb_mpi_reduce_u64(&mm[1], &hi, 1, MB_MPI_MAX, deadline, s->stop);
	if (!rc && s->rank == 0) {
		*h = *s->merged;
		h->min = lo;
		h->max = hi;
	}
	return rc;
}

/* span: rank 0's result becomes every rank's together: tasks, bytes, CPU
 * time, switches and memory summed, the wall time the longest, the
 * worst status, the placement good only if everywhere, outside_load the
 * mean, the start skew the largest, the histograms merged. */
int sw_mpi_merge(struct sw_sweep *s, struct mb_run_result *res, const char *id)
{
	uint64_t deadline = run_deadline(s);
	uint64_t sum_in[6] = { res->tasks, res->nvcsw, res->nivcsw, res->maxrss_kb, res->bytes,
			       res->workers };
	uint64_t max_in[3] = { res->status, res->start_skew_ns, !res->placement_ok };
	double dsum_in[3] = { res->user_s, res->sys_s, res->outside_load };
	uint64_t sum[6], mx[3];
	double dsum[3], wall;
	char who[16];
	snprintf(who, sizeof(who), "r%d", s->rank);
	dump_hist(res->lat, id, who);
	int rc = mb_mpi_reduce_u64(sum_in, sum, 6, MB_MPI_SUM, deadline, s->stop);
	if (!rc)
		rc = mb_mpi_reduce_u64(max_in, mx, 3, MB_MPI_MAX, deadline, s->stop);
	if (!rc)
		rc = mb_mpi_reduce_double(dsum_in, dsum, 3, MB_MPI_SUM, deadline, s->stop);
	if (!rc)
		rc = mb_mpi_reduce_double(&res->wall_s, &wall, 1, MB_MPI_MAX, deadline, s->stop);
	if (!rc)
		rc = merge_hist(s, res->lat, deadline);
	if (!rc)
		rc = merge_hist(s, res->svc, deadline);
	if (rc || s->rank != 0)
		return rc;
	dump_hist(res->lat, id, "merged");
	res->tasks = sum[0];
	res->nvcsw = sum[1];
	res->nivcsw = sum[2];
	res->maxrss_kb = sum[3];
	res->bytes = sum[4];
	res->workers = (unsigned)sum[5];
	if (mx[0] > res->status && !res->error[0])
		snprintf(res->error, sizeof(res->error), "a run on another rank was %s",
			 mb_status_name((enum mb_status)mx[0]));
	res->status = (enum mb_status)mx[0];
	res->start_skew_ns = mx[1];
	res->placement_ok = !mx[2];
	res->user_s = dsum[0];
	res->sys_s = dsum[1];
	res->outside_load = dsum[2] / s->nranks;
	res->wall_s = wall;
	return 0;
}

/* The columns a run across ranks adds, and span's totals. */
void sw_mpi_identity(struct sw_sweep *s, struct sw_row *row, const struct sw_config *c,
		     unsigned workers)
{
	unsigned n = (unsigned)s->nranks;
	sw_row_set(row, MB_COL_ranks, "%u", n);
	if (s->o->mpi != MB_MPI_SPAN) {
		sw_row_set(row, MB_COL_nodes, "1");
		return;
	}
	sw_row_set(row, MB_COL_nodes, "%u", n);
	sw_row_set(row, MB_COL_cores, "%u", c->k * n);
	sw_row_set(row, MB_COL_workers, "%u", workers);
	sw_row_set(row, MB_COL_concurrency, "%u", c->c * n);
	sw_row_set(row, MB_COL_rate, "%.6g", c->rate * n);
}

/* A row's values, each NUL-terminated, after the rank's start time. */
static unsigned pack_row(const struct sw_row *row, uint64_t t0, char *buf, unsigned len)
{
	unsigned pos = sizeof(t0);
	memcpy(buf, &t0, sizeof(t0));
	for (unsigned i = 0; i < MB_NCOLUMNS; i++) {
		const char *v = row->v[i] ? row->v[i] : "";
		size_t n = strnlen(v, 8191) + 1;
		if (pos + n > len)
			n = 1, v = "";
		memcpy(buf + pos, v, n - 1);
		buf[pos + n - 1] = 0;
		pos += (unsigned)n;
	}
	return pos;
}

static void unpack_row(const char *buf, uint32_t len, uint64_t *t0, const char **vals)
{
	uint32_t pos = sizeof(*t0);
	memcpy(t0, buf, sizeof(*t0));
	for (unsigned i = 0; i < MB_NCOLUMNS; i++) {
		vals[i] = pos < len ? buf + pos : "";
		if (pos < len)
			pos += (uint32_t)strnlen(buf + pos, len - pos) + 1;
		if (!*vals[i])
			vals[i] = NULL;
	}
}

/* Rank 0: the gathered rows of one run, each rank's in rank order, with
 * how far apart the ranks started. */
static int write_gathered(struct sw_sweep *s, const char *all, const uint32_t *lens,
			  int (*put)(struct sw_sweep *, const char *const *))
{
	const char *vals[MB_NCOLUMNS];
	char skew[32];
	uint64_t t0, lo = UINT64_MAX, hi = 0;
	size_t off = 0;
	for (int r = 0; r < s->nranks; off += lens[r], r++) {
		unpack_row(all + off, lens[r], &t0, vals);
		lo = t0 < lo ? t0 : lo;
		hi = t0 > hi ? t0 : hi;
	}
	snprintf(skew, sizeof(skew), "%.6g", (hi - lo) / 1e3);
	off = 0;
	/* span: rank 0's row holds every rank's run; the others came for
	 * their start times */
	int nrows = s->o->mpi == MB_MPI_SPAN ? 1 : s->nranks;
	for (int r = 0; r < nrows; off += lens[r], r++) {
		unpack_row(all + off, lens[r], &t0, vals);
		vals[MB_COL_rank_skew_us] = skew;
		int rc = put(s, vals);
		if (rc)
			return rc;
	}
	return 0;
}

int sw_mpi_write(struct sw_sweep *s, struct sw_row *row,
		 int (*put)(struct sw_sweep *, const char *const *))
{
	static char buf[MB_NCOLUMNS * 512];
	uint32_t *lens = calloc((size_t)s->nranks, sizeof(uint32_t));
	char *all = NULL;
	if (!lens)
		return sw_nomem("a run's rows from %d ranks", s->nranks);
	if (s->mpi_rc) { /* the ranks did not meet: this host's row alone */
		free(lens);
		if (s->rank == 0 && (s->o->mpi != MB_MPI_SPAN || s->mpi_rc == -EINTR))
			put(s, row->v);
		return s->mpi_rc;
	}
	unsigned n = pack_row(row, s->t0_real, buf, sizeof(buf));
	uint64_t t = mb_now_ns();
	int rc = mb_mpi_gather(buf, n, &all, lens, run_deadline(s), s->stop);
	s->gather_ns += mb_now_ns() - t;
	s->ngathers++;
	if (!rc && s->rank == 0)
		rc = write_gathered(s, all, lens, put);
	else if (rc && s->rank == 0 && rc != -ENOMEM && (rc == -EINTR || s->o->mpi != MB_MPI_SPAN))
		put(s, row->v); /* this host's run, the others' being lost */
	if (rc && rc != -ENOMEM && !s->mpi_rc && rc != -EINTR)
		s->mpi_rc = rc;
	free(all);
	free(lens);
	return rc;
}

/* The end of a sweep across ranks: who stopped it, and how the job ends.
 * Returns the exit status; *finalize says whether the ranks may meet
 * once more (MPI_Finalize), or the job must be ended (MPI_Abort). */
int sw_mpi_conclude(struct sw_sweep *s, int status, bool interrupted, bool whole,
		    bool *finalize)
{
	const char *out = s->o->output;
	*finalize = whole && !interrupted && !s->mpi_rc;
	if (interrupted && s->rank > 0) {
		mb_mpi_say_stopped();
		/* rank 0 writes its row and ends the job; wait for that */
		struct timespec ts = { 2, 0 };
		nanosleep(&ts, NULL);
		return MB_EXIT_INTERRUPTED;
	}
	if (s->rank > 0) {
		if (s->mpi_rc)
			fprintf(stderr, "modebench: --mpi: rank %d (host %s) lost rank 0 (host %s): "
				"%s\n", s->rank, sw_hostname(), mb_mpi_host(0),
				strerror(-s->mpi_rc));
		return s->mpi_rc ? MB_EXIT_FAILED : status;
	}
	if (interrupted) {
		bool *alive = calloc((size_t)s->nranks, sizeof(bool));
		int missing = alive ? mb_mpi_who_stopped(500, alive) : 0;
		for (int r = 0; alive && r < s->nranks; r++)
			if (!alive[r])
				fprintf(stderr, "modebench: --mpi: rank %d on host %s ended without a "
					"word (killed or crashed); the sweep stops; the completed "
					"rows are in %s\n", r, mb_mpi_host(r), out);
		free(alive);
		return missing ? MB_EXIT_FAILED : MB_EXIT_INTERRUPTED;
	}
	if (s->mpi_rc) {
		fprintf(stderr, "modebench: --mpi: the ranks lost one another (%s): one of ",
			strerror(-s->mpi_rc));
		for (int r = 1; r < s->nranks; r++)
			fprintf(stderr, "%s%s", r > 1 ? ", " : "", mb_mpi_host(r));
		fprintf(stderr, " failed or hangs; the sweep stops; the completed rows are in "
			"%s\n", out);
		return MB_EXIT_FAILED;
	}
	return status;
}

void sw_mpi_fault(const struct sw_sweep *s, unsigned pi)
{
	const char *f = getenv("MB_FAULT_MPI_KILL");
	int r;
	unsigned at;
	if (f && sscanf(f, "%d:%u", &r, &at) == 2 && r == s->rank && at == pi)
		raise(SIGKILL);
}

void sw_mpi_report_gathers(const struct sw_sweep *s)
{
	if (s->rank == 0 && s->ngathers && !s->o->quiet)
		fprintf(stderr, "modebench: --mpi: %d ranks; %u gathers of the rows took %.3f ms "
			"in all, %.1f us each\n", s->nranks, s->ngathers, s->gather_ns / 1e6,
			s->gather_ns / 1e3 / s->ngathers);
}
