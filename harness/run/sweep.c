/* The sweep (README, "How it measures"): plan -> dry run, or open the
 * outputs -> execute the plan, one CSV row per run on disk before the
 * next run starts, with progress -> a summary table at the end. The plan
 * is sweep_plan.c, opening the outputs sweep_setup.c, the rows
 * sweep_row.c, the summary sweep_summary.c, the progress and the text a
 * person reads sweep_console.c; this file holds the runs themselves. */
#include "sweep_int.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbmpi.h"

/* SIGINT or SIGTERM seen and not yet reported by a sweep. The sweep that
 * reports it (exit status 130) clears it, so a later sweep in the same
 * process (the claims suite runs many) starts afresh; one that arrives
 * between two sweeps stops the next one at once. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	if (interrupted) {
		/* Second signal: leave now. Rows on disk are complete. */
		_exit(MB_EXIT_INTERRUPTED);
	}
	interrupted = sig;
	mb_mode_interrupt();
}

/* The handlers stay installed after the sweep returns: a signal between
 * two sweeps of one process is then noted rather than fatal. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int sw_nomem(const char *what, ...)
{
	va_list ap;
	fprintf(stderr, "modebench: cannot allocate ");
	va_start(ap, what);
	vfprintf(stderr, what, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return MB_EXIT_FAILED;
}

/* The redrawn line: --progress always, or auto on a terminal. */
bool sw_show_progress(const struct mb_opts *o)
{
	return o->progress > 0 || (o->progress == 0 && isatty(2));
}

/* Room for every configuration's measured results and for one run's
 * histograms, taken before any file is created. */
static int alloc_results(struct sw_sweep *s)
{
	unsigned cap = s->o->reps_auto ? s->o->reps_max : s->o->reps;
	for (unsigned i = 0; i < s->ncfg; i++) {
		struct sw_config *c = &s->cfgs[i];
		c->thr = calloc(cap, sizeof(double));
		c->p50 = calloc(cap, sizeof(double));
		c->p99 = calloc(cap, sizeof(double));
		c->util = calloc(cap, sizeof(double));
		c->wall = calloc(cap, sizeof(double));
		if (!c->thr || !c->p50 || !c->p99 || !c->util || !c->wall)
			return sw_nomem("the results of %u configurations x %u repetitions",
					s->ncfg, cap);
	}
	s->lat = malloc(sizeof(*s->lat));
	s->svc = malloc(sizeof(*s->svc));
	s->cur = calloc(1, sizeof(*s->cur));
	if (s->o->mpi == MB_MPI_SPAN && !(s->merged = malloc(sizeof(*s->merged))))
		return sw_nomem("the ranks' merged histograms");
	if (!s->lat || !s->svc || !s->cur)
		return sw_nomem("a run's latency histograms");
	return 0;
}

/* ---- executing the plan */

/* What the engine needs for run pi of the plan. label must outlive it. */
static struct mb_run make_run(const struct sw_sweep *s, unsigned pi, const char *label)
{
	const struct mb_opts *o = s->o;
	const struct sw_planned *p = &s->plan[pi];
	const struct sw_config *c = &s->cfgs[p->cfg];
	/* --timeout's default: 2 x duration + 30 s, or 600 s with -n */
	uint64_t timeout = o->timeout_ns ? o->timeout_ns :
			   o->duration_ns ? 2 * o->duration_ns + 30 * MB_NS_PER_S :
					    600 * MB_NS_PER_S;
	return (struct mb_run){
		.recipe = c->recipe,
		.mode = c->mode,
		.runtime = c->rt == MB_RT_PYTHON ? mb_python_runtime() : NULL,
		.backend = c->backend,
		.topo = s->topo,
		.policy = o->policy,
		.cores = c->k,
		.pus = c->pus,
		.concurrency = c->c,
		.nworkers = c->w,
		.tasks = o->tasks,
		.duration_ns = o->duration_ns,
		.timeout_ns = timeout,
		.rate = c->rate,
		.poisson = o->poisson,
		.gil_ns = c->gil_ns,
		.seed = o->seed + pi,
		.server = s->io.server,
		.have_server = s->io.have_server,
		/* a service on the workers' cores: its CPU time is ours */
		.server_pid = s->io.server_shared ? (int)s->io.server_pid : 0,
		.file_fd = s->io.file_fd,
		.file_size = s->io.file_size,
		.direct = o->direct,
		.llc_bytes = mb_topo_llc_bytes(s->topo),
		.trace = p->warmup ? NULL : s->trace,
		.trace_label = label,
		.mem_policy = &o->mem_policy,
		.before_start = s->nranks > 1 ? sw_mpi_meet : NULL,
		.before_start_arg = (void *)s,
	};
}

/* A measured run's result, kept for the summary and --reps auto. */
static void account(struct sw_config *c, const struct mb_run_result *res)
{
	if (res->status == MB_ST_UNSUPPORTED) {
		c->nunsup++;
		return;
	}
	if (res->status != MB_ST_OK) {
		c->nfail++;
		snprintf(c->status, sizeof(c->status), "%s", mb_status_name(res->status));
		return;
	}
	unsigned n = c->nres++;
	unsigned used = mb_mode_one_core(c->mode) ? 1 : c->k;
	c->thr[n] = res->wall_s > 0 ? res->tasks / res->wall_s : 0;
	c->p50[n] = mb_hist_percentile(res->lat, 50) / 1e3;
	c->p99[n] = mb_hist_percentile(res->lat, 99) / 1e3;
	c->util[n] = res->wall_s > 0 ? (res->user_s + res->sys_s) / (res->wall_s * used) : 0;
	c->wall[n] = res->wall_s;
	c->noisy += mb_stat_noisy(res->outside_load);
}

/* Writes one row; then checks that -o still has a name: a file whose
 * directory was removed takes every later row with it, so the sweep
 * stops rather than measure for nothing. Nonzero stops the sweep (the
 * line printed, s->status set). */
static int write_vals(struct sw_sweep *s, const char *const *vals)
{
	const char *out = s->o->output;
	int rc = mb_csv_write_row(s->csv, vals);
	if (rc) {
		fprintf(stderr, "\nmodebench: -o %s: cannot write a row: %s (the file holds "
			"every row written before)\n", out, strerror(-rc));
		s->status = MB_EXIT_FAILED;
		return rc;
	}
	s->written++;
	if (mb_csv_linked(s->csv) == 0) {
		fprintf(stderr, "%smodebench: -o %s: the file was removed during the sweep; the "
			"%u rows written to it are lost with it, so the sweep stops\n",
			sw_show_progress(s->o) ? "\r\033[K" : "", out, s->written);
		s->status = MB_EXIT_FAILED;
		s->lost = true;
		return -ENOENT;
	}
	return 0;
}

/* The run's row: written here, or under --mpi gathered to rank 0 and
 * written there with the other ranks' rows. */
static int write_row(struct sw_sweep *s, struct sw_row *row)
{
	if (s->nranks > 1)
		return sw_mpi_write(s, row, write_vals);
	return write_vals(s, row->v);
}

/* Carries out run, or finds it unsupported, into res. -EDEADLK when
 * worker threads could not be stopped (engine/modes.h): res keeps the
 * run's own status (timeout, or interrupted) and the sweep must stop;
 * else 0, a run that could not start being failed. */
static int carry_out(struct mb_run *run, struct mb_run_result *res)
{
	const char *why = mb_run_unsupported(run);
	if (why) {
		res->status = MB_ST_UNSUPPORTED;
		snprintf(res->error, sizeof(res->error), "%s", why);
		return 0;
	}
	int rc = mb_mode_run(run, res);
	if (rc == -EDEADLK) {
		if (res->status == MB_ST_OK) {
			res->status = MB_ST_FAILED;
			snprintf(res->error, sizeof(res->error), "worker threads could not be "
				 "stopped");
		}
		return rc;
	}
	if (rc)
		res->status = MB_ST_FAILED;
	return 0;
}

enum outcome { RUN_SKIPPED, RUN_WARMUP, RUN_MEASURED, RUN_STOP };

/* Run pi of the plan: skipped when --resume finds it done, else carried
 * out (or found unsupported), its row written and fsync'd, a failure
 * reported, a measured result accounted. RUN_STOP when the row could not
 * be written, or when worker threads outlived the run. */
static enum outcome run_one(struct sw_sweep *s, unsigned pi)
{
	const struct mb_opts *o = s->o;
	struct sw_planned *p = &s->plan[pi];
	struct sw_config *c = &s->cfgs[p->cfg];
	struct mb_run_result res = { .lat = s->lat, .svc = s->svc };
	struct sw_row row;
	struct mb_run *run = &s->cur->run;
	int rc = 0;

	if (s->skip ? s->skip[pi] :
	    s->done_runs && mb_resume_has(s->done_runs, c->key, o->label, p->rep, p->warmup)) {
		s->skipped++;
		return RUN_SKIPPED;
	}
	if (s->nranks > 1)
		sw_mpi_fault(s, pi);
	snprintf(s->cur->label, sizeof(s->cur->label), "%s-%04u", s->sweep_id, pi);
	*run = make_run(s, pi, s->cur->label);
	sw_progress(s, pi, c, p);
	memset(&row, 0, sizeof(row));
	sw_row_identity(&row, s, c, p, pi);
	memset(s->lat, 0, sizeof(*s->lat));
	s->met = false;
	bool stuck = carry_out(run, &res) == -EDEADLK;
	s->stuck |= stuck;
	if (s->nranks > 1) {
		/* every rank meets once per run, even one that could not start it */
		if (!s->met && !s->mpi_rc)
			sw_mpi_meet(s);
		if (o->mpi == MB_MPI_SPAN && !s->mpi_rc &&
		    (rc = sw_mpi_merge(s, &res, row.s[MB_COL_run_id])) && rc != -EINTR)
			s->mpi_rc = rc;
		sw_mpi_identity(s, &row, c, res.workers);
	}
	sw_row_result(&row, &res, c, &s->io);
	if (o->mpi == MB_MPI_SPAN && s->nranks > 1 && res.wall_s > 0) /* every rank's cores */
		sw_row_set(&row, MB_COL_cpu_util, "%.6g", (res.user_s + res.sys_s) /
			   (res.wall_s * (mb_mode_one_core(c->mode) ? 1 : c->k) * s->nranks));
	if (!p->warmup && res.status == MB_ST_OK && res.wall_s > 0) {
		/* ci_pct: the interval with this repetition included */
		c->thr[c->nres] = res.tasks / res.wall_s;
		double ci = sw_ci_rel(c->thr, c->nres + 1);
		if (!isnan(ci))
			sw_row_set(&row, MB_COL_ci_pct, "%.3g", 100 * ci);
	}
	if ((rc = write_row(s, &row)))
		return RUN_STOP;
	if (stuck) {
		s->status = MB_EXIT_FAILED;
		if (!p->warmup)
			account(c, &res);
		fprintf(stderr, "%smodebench: %s %s k=%u C=%u: %s, and worker threads could not "
			"be stopped: they still run, so no later run would be measured honestly; "
			"the sweep stops (the rows so far are in %s)\n",
			sw_show_progress(o) ? "\r\033[K" : "", o->workloads[c->wl].name,
			c->mode->name, c->k, c->c, mb_status_name(res.status), o->output);
		return RUN_STOP;
	}
	if (res.status == MB_ST_FAILED || res.status == MB_ST_TIMEOUT) {
		s->status = MB_EXIT_FAILED;
		if (!o->quiet)
			fprintf(stderr, "%s%s %s k=%u C=%u: %s: %s\n",
				sw_show_progress(o) ? "\r\033[K" : "", o->workloads[c->wl].name,
				c->mode->name, c->k, c->c, mb_status_name(res.status), res.error);
	}
	if (p->warmup)
		return RUN_WARMUP;
	account(c, &res);
	return RUN_MEASURED;
}

/* --reps auto: another shuffled round for every configuration whose
 * median is not yet tight enough. -1 when the plan cannot grow. */
static int extend_auto(struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	unsigned add = 0, n = s->nplan;
	for (unsigned i = 0; i < s->ncfg; i++)
		add += sw_needs_more(&s->cfgs[i], o);
	if (!add)
		return 0;
	struct sw_planned *np = realloc(s->plan, (size_t)(s->nplan + add) * sizeof(*np));
	if (!np) {
		if (sw_show_progress(o))
			fprintf(stderr, "\r\033[K");
		s->status = sw_nomem("--reps auto's next round (%u runs); the rows so far are "
				     "in %s", add, o->output);
		return -1;
	}
	s->plan = np;
	for (unsigned i = 0; i < s->ncfg; i++)
		if (sw_needs_more(&s->cfgs[i], o))
			s->plan[n++] = (struct sw_planned){
				i, s->cfgs[i].nres + s->cfgs[i].nfail, false };
	if (!o->sequential)
		sw_shuffle(s->plan + s->nplan, add, o->seed + s->nplan);
	s->nplan += add;
	return 0;
}

/* The sweep's closing lines: the progress line cleared, then (unless -q)
 * the summary table, the runs --resume skipped and where the rows are. */
static void print_closing(const struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	if (sw_show_progress(o))
		fprintf(stderr, "\r\033[K");
	if (!o->quiet) {
		sw_print_summary(s, stdout);
		if (s->skipped)
			printf("--resume: %u runs already in %s were skipped\n", s->skipped,
			       o->output);
		if (!s->lost)
			printf("results: %s (%.1f s)\n", o->output,
			       (mb_now_ns() - s->t_start) / 1e9);
		fflush(stdout);
	}
}

/* The end of a sweep across ranks: rank 0's summary, then who stopped
 * it (sweep_mpi.c). */
static int conclude_mpi(struct sw_sweep *s, bool whole)
{
	const struct mb_opts *o = s->o;
	bool intr = interrupted != 0;
	interrupted = 0; /* reported below */
	print_closing(s);
	sw_mpi_report_gathers(s);
	int status = sw_mpi_conclude(s, s->status, intr, whole && !s->lost, &s->finalize);
	if (status == MB_EXIT_INTERRUPTED && s->rank == 0)
		fprintf(stderr, "modebench: interrupted; completed rows are in %s\n", o->output);
	return status;
}

static int execute(struct sw_sweep *s)
{
	const struct mb_opts *o = s->o;
	catch_signals();
	if (!o->quiet)
		fprintf(stderr, "modebench: %u runs (%u configurations) -> %s\n", s->nplan,
			s->ncfg, o->output);
	s->t_start = mb_now_ns();
	unsigned pi;
	for (pi = 0; pi < s->nplan && !interrupted; pi++) {
		enum outcome out = run_one(s, pi);
		if (out == RUN_STOP)
			break;
		if (out == RUN_MEASURED && o->reps_auto && pi + 1 == s->nplan &&
		    extend_auto(s) < 0)
			break;
	}
	if (s->nranks > 1)
		return conclude_mpi(s, pi == s->nplan);
	print_closing(s);
	if (interrupted) {
		fprintf(stderr, "modebench: interrupted; completed rows are in %s\n", o->output);
		interrupted = 0; /* reported: a later sweep starts afresh */
		return MB_EXIT_INTERRUPTED;
	}
	return s->status;
}

static void release(struct sw_sweep *s)
{
	mb_csv_close(s->csv);
	if (s->trace)
		fclose(s->trace);
	mb_resume_free(s->done_runs);
	mb_server_stop(&s->io); /* a stuck thread's connection just ends */
	if (s->stuck)
		return; /* the threads still read the run, its recipe, placement, test file */
	mb_io_cleanup(&s->io);
	for (unsigned i = 0; i < s->ncfg; i++) {
		free(s->cfgs[i].thr);
		free(s->cfgs[i].p50);
		free(s->cfgs[i].p99);
		free(s->cfgs[i].util);
		free(s->cfgs[i].wall);
	}
	free(s->cfgs);
	free(s->plan);
	free(s->recipes);
	free(s->py_recipes);
	free(s->lat);
	free(s->svc);
	free(s->cur);
	free(s->merged);
	free(s->skip);
	mb_topo_free(s->topo);
}

/* --mpi: the same phases on every rank, each ending with the ranks
 * agreeing on the worst status, so all go on or all stop together. */
static int sweep_mpi(struct sw_sweep *s, int argc, char **argv)
{
	int status = sw_mpi_start(s, &argc, &argv);
	if (status) {
		mb_mpi_end(s->nranks > 0, status);
		return status;
	}
	status = sw_mpi_agree(s, sw_plan(s));
	if (!status)
		status = sw_mpi_agree(s, sw_mpi_agree_plan(s));
	if (!status)
		status = sw_mpi_agree(s, alloc_results(s));
	if (!status)
		status = sw_mpi_agree(s, sw_open_outputs(s));
	if (!status)
		status = sw_mpi_agree(s, sw_mpi_share_server(s));
	if (!status)
		status = sw_mpi_share_skips(s);
	if (!status) {
		sw_calibrate(s);
		sw_record_sweep(s);
		status = s->mpi_rc ? MB_EXIT_FAILED : execute(s);
	} else {
		s->finalize = !s->mpi_rc;
	}
	release(s);
	mb_mpi_end(s->finalize, status);
	return status;
}

int mb_sweep_main(int argc, char **argv)
{
	static struct mb_opts o;
	struct sw_sweep s = { .o = &o, .io = { .file_fd = -1 } };
	char err[MB_ERRLEN * 2];
	int status;

	status = mb_opts_parse(&o, argc, argv, 0, err, sizeof(err));
	if (status > 0) {
		mb_run_usage(stdout);
		return MB_EXIT_OK;
	}
	if (status) {
		if (mb_mpi_launch_rank() <= 0) /* under mpirun: once, not from every rank */
			fprintf(stderr, "modebench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	mb_python_set_switch_interval(o.switch_ns);
	if (o.mpi && !o.dry_run) {
		s.stop = &interrupted;
		return sweep_mpi(&s, argc, argv);
	}
	status = sw_plan(&s);
	if (!status && o.dry_run) {
		if (!o.mpi || mb_mpi_launch_rank() <= 0) /* --mpi under mpirun: once */
			sw_print_plan(&s);
	} else if (!status && !(status = alloc_results(&s)) && !(status = sw_open_outputs(&s))) {
		sw_calibrate(&s);
		sw_record_sweep(&s);
		status = execute(&s);
	}
	release(&s);
	return status;
}
