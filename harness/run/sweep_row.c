/* One CSV row per run (README, "CSV"): the identity and configuration
 * columns from the sweep and the configuration, the results from the
 * run. Values are formatted into the row's own buffers; a value longer
 * than a buffer is cut, never overrun. */
#include "sweep_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void sw_row_set(struct sw_row *r, enum mb_column col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->s[col], sizeof(r->s[col]), fmt, ap);
	va_end(ap);
	r->v[col] = r->s[col];
}

static char hostname[256];

const char *sw_hostname(void)
{
	if (!hostname[0] && gethostname(hostname, sizeof(hostname) - 1))
		snprintf(hostname, sizeof(hostname), "unknown");
	return hostname;
}

void sw_set_hostname(const char *host)
{
	snprintf(hostname, sizeof(hostname), "%s", host);
}

void sw_row_identity(struct sw_row *r, const struct sw_sweep *s, const struct sw_config *c,
		     const struct sw_planned *p, unsigned index)
{
	const struct mb_opts *o = s->o;
	const struct mb_workload *wl = &o->workloads[c->wl];
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sw_row_set(r, MB_COL_schema, "%d", MB_SCHEMA_VERSION);
	sw_row_set(r, MB_COL_run_id, "%s-%04u", s->sweep_id, index);
	sw_row_set(r, MB_COL_rep, "%u", p->rep);
	sw_row_set(r, MB_COL_warmup, "%d", p->warmup);
	sw_row_set(r, MB_COL_started_at, "%s", ts);
	sw_row_set(r, MB_COL_host, "%s", sw_hostname());
	sw_row_set(r, MB_COL_cpu_model, "%s", s->topo->cpu_model);
	sw_row_set(r, MB_COL_topology, "%s", s->topo->desc);
	sw_row_set(r, MB_COL_kernel, "%s", s->kernel);
	sw_row_set(r, MB_COL_version, "%s", s->version);
	sw_row_set(r, MB_COL_workload, "%s", wl->name);
	sw_row_set(r, MB_COL_recipe, "%s", wl->recipe);
	sw_row_set(r, MB_COL_mode, "%s", c->mode->name);
	sw_row_set(r, MB_COL_backend, "%s", mb_backend_name(c->backend));
	sw_row_set(r, MB_COL_policy, "%s", mb_policy_name(o->policy));
	sw_row_set(r, MB_COL_cores, "%u", c->k);
	r->v[MB_COL_cpuset] = c->cpuset; /* longer than a row's own buffers */
	sw_row_set(r, MB_COL_workers, "%u", c->w);
	sw_row_set(r, MB_COL_concurrency, "%u", c->c);
	sw_row_set(r, MB_COL_rate, "%.6g", c->rate);
	sw_row_set(r, MB_COL_gil_us, "%.6g", c->gil_ns / 1e3);
	sw_row_set(r, MB_COL_work_units, "%llu",
		   (unsigned long long)mb_recipe_work_units(c->recipe));
	if (wl->io_fraction >= 0)
		sw_row_set(r, MB_COL_io_fraction, "%.6g", wl->io_fraction);
	sw_row_set(r, MB_COL_runtime, "%s", mb_runtime_kind_name(c->rt));
	sw_row_set(r, MB_COL_arrivals, "%s",
		   c->rate > 0 ? (o->poisson ? "poisson" : "constant") : "closed");
	sw_row_set(r, MB_COL_smt, "%d", o->smt);
	if (mb_recipe_uses(c->recipe, &mb_step_mem)) {
		char pol[32];
		sw_row_set(r, MB_COL_mem_policy, "%s",
			   mb_mempol_name(&o->mem_policy, pol, sizeof(pol)));
	}
	if (o->label[0])
		r->v[MB_COL_label] = o->label; /* whole: it may be longer than r->s[] */
}

/* Appends one note to the row's flags, after "; " when there are some. */
static void add_flag(struct sw_row *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_flag(struct sw_row *r, const char *fmt, ...)
{
	char *f = r->s[MB_COL_flags];
	size_t n = r->v[MB_COL_flags] ? strlen(f) : 0;
	va_list ap;
	if (n && n + 2 < sizeof(r->s[MB_COL_flags]))
		n += (size_t)snprintf(f + n, sizeof(r->s[MB_COL_flags]) - n, "; ");
	va_start(ap, fmt);
	if (n < sizeof(r->s[MB_COL_flags]))
		vsnprintf(f + n, sizeof(r->s[MB_COL_flags]) - n, fmt, ap);
	va_end(ap);
	r->v[MB_COL_flags] = f;
}

/* The memory policy's flags: the kernel put some worker's pages where
 * the policy does not (or left a node out of an interleave), or binding
 * or looking at them failed. */
static void mem_flags(struct sw_row *r, const struct mb_run_result *res)
{
	const char *pol = r->v[MB_COL_mem_policy] ? r->v[MB_COL_mem_policy] : "local";
	char nodes[160];
	mb_mem_nodes_list(res->mem_nodes, nodes, sizeof(nodes));
	if (res->mem_unhonoured)
		add_flag(r, "mem-policy %s not honoured for %u of %u workers (pages on nodes %s)",
			 pol, res->mem_unhonoured, res->mem_checked, nodes);
	if (res->mem_errno)
		add_flag(r, "mem-policy %s: %s", pol, strerror(-res->mem_errno));
}

/* status, error and flags: written for every run, unsupported included.
 * Flags: a noisy neighbour, dropped trace events, the memory policy's
 * notes, a start skew above 1% of the run (hundreds of workers woken one
 * after another), and what a python run did differently
 * (mb_python_row_note), joined by "; ". */
static void row_status(struct sw_row *r, const struct mb_run_result *res,
		       const struct sw_config *c)
{
	const char *py = c->rt == MB_RT_PYTHON ? mb_python_row_note(c->recipe, c->mode) : NULL;
	sw_row_set(r, MB_COL_status, "%s", mb_status_name(res->status));
	if (res->error[0])
		sw_row_set(r, MB_COL_error, "%s", res->error);
	if (res->outside_note[0])
		add_flag(r, "%s", res->outside_note);
	if (res->trace_dropped)
		add_flag(r, "%llu trace events dropped", (unsigned long long)res->trace_dropped);
	if (res->mem_unhonoured || res->mem_errno)
		mem_flags(r, res);
	if (res->status != MB_ST_UNSUPPORTED && res->wall_s > 0 &&
	    res->start_skew_ns > 0.01 * res->wall_s * 1e9) {
		char skew[32];
		sw_fmt_us(res->start_skew_ns / 1e3, skew, sizeof(skew));
		add_flag(r, "start skew %s (%.1f%% of the run)", skew,
			 100 * res->start_skew_ns / 1e9 / res->wall_s);
	}
	if (py)
		add_flag(r, "%s", py);
}

/* The latency columns in microseconds. A histogram that recorded nothing
 * (a run that completed no task: a timeout before the first task ended)
 * leaves its columns empty, the CSV's "no value", rather than a 0 that
 * reads as a measured latency. */
static void row_latencies(struct sw_row *r, const struct mb_run_result *res)
{
	const struct mb_hist *lat = res->lat, *svc = res->svc;
	if (lat->count) {
		sw_row_set(r, MB_COL_lat_mean_us, "%.6g", mb_hist_mean(lat) / 1e3);
		sw_row_set(r, MB_COL_lat_p50_us, "%.6g", mb_hist_percentile(lat, 50) / 1e3);
		sw_row_set(r, MB_COL_lat_p90_us, "%.6g", mb_hist_percentile(lat, 90) / 1e3);
		sw_row_set(r, MB_COL_lat_p99_us, "%.6g", mb_hist_percentile(lat, 99) / 1e3);
		sw_row_set(r, MB_COL_lat_p999_us, "%.6g", mb_hist_percentile(lat, 99.9) / 1e3);
		sw_row_set(r, MB_COL_lat_max_us, "%.6g", lat->max / 1e3);
	}
	if (svc->count) {
		sw_row_set(r, MB_COL_svc_mean_us, "%.6g", mb_hist_mean(svc) / 1e3);
		sw_row_set(r, MB_COL_svc_p50_us, "%.6g", mb_hist_percentile(svc, 50) / 1e3);
		sw_row_set(r, MB_COL_svc_p99_us, "%.6g", mb_hist_percentile(svc, 99) / 1e3);
		sw_row_set(r, MB_COL_svc_p999_us, "%.6g", mb_hist_percentile(svc, 99.9) / 1e3);
	}
}

void sw_row_result(struct sw_row *r, const struct mb_run_result *res, const struct sw_config *c,
		   const struct mb_io *io)
{
	row_status(r, res, c);
	if (res->status == MB_ST_UNSUPPORTED)
		return;
	unsigned used = mb_mode_one_core(c->mode) ? 1 : c->k;
	double thr = res->wall_s > 0 ? res->tasks / res->wall_s : 0;
	sw_row_set(r, MB_COL_tasks, "%llu", (unsigned long long)res->tasks);
	sw_row_set(r, MB_COL_wall_s, "%.6f", res->wall_s);
	sw_row_set(r, MB_COL_throughput, "%.6g", thr);
	row_latencies(r, res);
	sw_row_set(r, MB_COL_user_s, "%.6f", res->user_s);
	sw_row_set(r, MB_COL_sys_s, "%.6f", res->sys_s);
	sw_row_set(r, MB_COL_cpu_util, "%.6g",
		   res->wall_s > 0 ? (res->user_s + res->sys_s) / (res->wall_s * used) : 0);
	sw_row_set(r, MB_COL_ctx_vol, "%llu", (unsigned long long)res->nvcsw);
	sw_row_set(r, MB_COL_ctx_invol, "%llu", (unsigned long long)res->nivcsw);
	sw_row_set(r, MB_COL_max_rss_kb, "%llu", (unsigned long long)res->maxrss_kb);
	sw_row_set(r, MB_COL_placement_ok, "%d", res->placement_ok);
	sw_row_set(r, MB_COL_outside_load, "%.4f", res->outside_load);
	sw_row_set(r, MB_COL_bytes_per_s, "%.6g", res->wall_s > 0 ? res->bytes / res->wall_s : 0);
	sw_row_set(r, MB_COL_start_skew_us, "%.6g", res->start_skew_ns / 1e3);
	if (res->mem_checked) {
		char nodes[160];
		mb_mem_nodes_list(res->mem_nodes, nodes, sizeof(nodes));
		sw_row_set(r, MB_COL_mem_nodes, "%s", nodes);
	}
	if (io && io->server_cpus[0] && (mb_recipe_flags(c->recipe) & MB_STEP_F_SERVER))
		sw_row_set(r, MB_COL_server_cpus, "%s", io->server_cpus);
}
