/* Charts: which ones the summary has data for (mb_report_plan_charts), and
 * drawing them with gnuplot (mb_report_render). Every chart is one script
 * in scripts/ run on summary.csv for one unit (a value of the script's
 * unit column), once for PNG and once for SVG:
 *   gnuplot -e "data='DIR/summary.csv'; out='DIR/F.png'; panel='U'" S.gp
 * gnuplot (mb_gnuplot) runs through mb_gp_spawn with stdin from
 * /dev/null, stdout and stderr into a temporary file that is copied to
 * errf afterwards, and a 60 s limit, so a script waiting for input or
 * looping cannot hang the report. It writes each chart to a temporary
 * file in DIR (mb_tmp_create) that is renamed over DIR/F.png once drawn,
 * so a link planted at the chart's name is replaced, not written
 * through. */
#include "report_int.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RENDER_TIMEOUT_S 60

/* The scripts and the unit column each one draws per value. */
enum unit { U_PANEL, U_HPANEL, U_IOPANEL, U_LPANEL, U_MPANEL };

static const char *unit_value(const struct mb_report_group *g, enum unit u)
{
	switch (u) {
	case U_HPANEL:
		return g->hpanel;
	case U_IOPANEL:
		return g->iopanel;
	case U_LPANEL:
		return g->lpanel;
	case U_MPANEL:
		return g->mpanel;
	default:
		return g->panel;
	}
}

/* Facts of one unit, gathered over its groups. */
struct facts {
	int ncores;       /* distinct pick_cores core counts */
	int ncores_sp;    /* ... among those with a speedup */
	int conc_sweep, wait_bound, iof_sweep, n_hosts;
	int nrates;       /* distinct open-loop rates > 0 */
	int has_util;
	int rate_on;      /* the unit is an open-loop panel */
	int numa_nodes;   /* the most NUMA nodes of its machines */
	int mem_runs;     /* groups under a --mem-policy with a bandwidth */
};

static int seen_value(double *vals, int *n, double v)
{
	for (int i = 0; i < *n; i++)
		if (vals[i] == v)
			return 1;
	if (*n < 256)
		vals[(*n)++] = v;
	return 0;
}

/* The groups of each unit value of one kind: idx holds the group indices
 * sorted by unit value, then summary order; unit k (units in the order of
 * their first group) is idx[start[k] .. end[k]). Cost: one sort. */
struct units {
	size_t *idx, *start, *end;
	size_t n;
};

struct unit_sort {
	const struct mb_report_summary *s;
	enum unit u;
};

static int by_unit_index(const void *pa, const void *pb, void *arg)
{
	const struct unit_sort *c = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int d = strcmp(unit_value(&c->s->groups[a], c->u),
		       unit_value(&c->s->groups[b], c->u));
	return d ? d : (a > b) - (a < b);
}

static int by_first(const void *pa, const void *pb, void *arg)
{
	const size_t *idx = arg;
	size_t a = idx[*(const size_t *)pa], b = idx[*(const size_t *)pb];
	return (a > b) - (a < b);
}

static void units_free(struct units *un)
{
	free(un->idx);
	free(un->start);
	free(un->end);
	memset(un, 0, sizeof(*un));
}

static int units_make(const struct mb_report_summary *s, enum unit u,
		      struct units *un)
{
	size_t n = s->ngroups;
	struct unit_sort c = {s, u};
	un->n = 0;
	un->idx = malloc((n + 1) * sizeof(*un->idx));
	un->start = malloc((n + 1) * sizeof(*un->start));
	un->end = malloc((n + 1) * sizeof(*un->end));
	if (!un->idx || !un->start || !un->end) {
		units_free(un);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		un->idx[i] = i;
	qsort_r(un->idx, n, sizeof(*un->idx), by_unit_index, &c);
	size_t *len = un->end; /* unit sizes by start, for now */
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(unit_value(&s->groups[un->idx[i - 1]], u),
				     unit_value(&s->groups[un->idx[i]], u)))
			un->start[un->n++] = i;
		len[un->start[un->n - 1]] = i + 1;
	}
	/* units in the order of their first group; end from the sizes */
	qsort_r(un->start, un->n, sizeof(*un->start), by_first, un->idx);
	size_t *end = malloc((un->n + 1) * sizeof(*end));
	if (!end) {
		units_free(un);
		return -ENOMEM;
	}
	for (size_t k = 0; k < un->n; k++)
		end[k] = len[un->start[k]];
	free(un->end);
	un->end = end;
	return 0;
}

/* The facts of unit k, over its groups in summary order. */
static void gather(const struct mb_report_summary *s, const struct units *un,
		   size_t k, struct facts *f)
{
	double ks[256], ksp[256], rates[256];
	int nk = 0, nksp = 0, nr = 0;
	memset(f, 0, sizeof(*f));
	for (size_t i = un->start[k]; i < un->end[k]; i++) {
		const struct mb_report_group *g = &s->groups[un->idx[i]];
		if (g->pick_cores && !isnan(g->cores)) {
			seen_value(ks, &nk, g->cores);
			if (isfinite(g->speedup))
				seen_value(ksp, &nksp, g->cores);
		}
		if (!mb_rep_off(g->rate))
			seen_value(rates, &nr, g->rate);
		f->rate_on |= !mb_rep_off(g->rate);
		f->conc_sweep |= g->conc_sweep;
		f->wait_bound |= g->wait_bound;
		f->iof_sweep |= g->iof_sweep;
		f->has_util |= isfinite(g->cpu_util);
		f->mem_runs += g->mem_policy && *g->mem_policy && g->bytes_per_s > 0;
		if (g->numa_nodes > f->numa_nodes)
			f->numa_nodes = g->numa_nodes;
		if (g->n_hosts > f->n_hosts)
			f->n_hosts = g->n_hosts;
	}
	f->ncores = nk;
	f->ncores_sp = nksp;
	f->nrates = nr;
}

struct script {
	const char *name;
	enum unit unit;
	const char *caption;
	int (*wanted)(const struct facts *f);
	const char *absent; /* why no unit of the input has this chart */
	/* Whether that needs saying (NULL: always): a chart of runs the
	 * input has none of goes unmentioned. */
	int (*relevant)(const struct mb_report_summary *s);
};

/* Throughput, speedup and efficiency vs cores are closed-loop charts: in
 * an open loop (--rate) throughput is the offered rate, whatever the
 * mode, so they would only draw the rate. */
static int w_cores(const struct facts *f) { return f->ncores >= 2; }
static int w_scaling(const struct facts *f)
{
	return f->ncores >= 2 && !f->rate_on;
}
static int w_speedup(const struct facts *f)
{
	return f->ncores_sp >= 2 && !f->rate_on;
}
/* Speedup / cores is no efficiency where the speedup comes from
 * overlapping waits: not drawn for wait-bound panels. */
static int w_efficiency(const struct facts *f)
{
	return w_speedup(f) && !f->wait_bound;
}
static int w_conc(const struct facts *f) { return f->conc_sweep; }
static int w_littles(const struct facts *f)
{
	return f->conc_sweep && f->wait_bound;
}
static int w_cpu(const struct facts *f) { return f->has_util && !f->rate_on; }
static int w_iof(const struct facts *f) { return f->iof_sweep; }
static int w_hosts(const struct facts *f) { return f->n_hosts >= 2; }
static int w_hosts_sc(const struct facts *f)
{
	return f->n_hosts >= 2 && f->ncores >= 2;
}
static int w_load(const struct facts *f) { return f->nrates >= 2; }
/* Bandwidth under each --mem-policy: on a machine with two NUMA nodes or
 * more, where local and remote differ. */
static int w_numa(const struct facts *f) { return f->mem_runs > 0 && f->numa_nodes >= 2; }
static int r_numa(const struct mb_report_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i].mem_policy && *s->groups[i].mem_policy)
			return 1;
	return 0;
}

static const struct script scripts[] = {
	{"scaling", U_PANEL, "Throughput vs cores", w_scaling,
	 "no closed-loop configuration ran at two or more core counts", NULL},
	{"speedup", U_PANEL, "Speedup vs cores, Amdahl and USL fits", w_speedup,
	 "no closed-loop configuration ran at two or more core counts "
	 "with a sync run at 1 core to compare with", NULL},
	{"efficiency", U_PANEL, "Parallel efficiency vs cores", w_efficiency,
	 "no closed-loop CPU-bound configuration ran at two or more core "
	 "counts with a sync run at 1 core to compare with (wait-bound "
	 "workloads have no efficiency)", NULL},
	{"latency_cores", U_PANEL, "Latency percentiles vs cores", w_cores,
	 "no configuration ran at two or more core counts", NULL},
	{"latency_conc", U_PANEL, "Latency percentiles vs concurrency", w_conc,
	 "no mode ran at several concurrencies on one core count (-C LIST)", NULL},
	{"littles", U_PANEL, "Throughput vs concurrency, Little's-law bound",
	 w_littles, "no wait-bound recipe ran at several concurrencies "
	 "(-C LIST)", NULL},
	{"cpu", U_PANEL, "CPU busy vs idle per mode", w_cpu,
	 "no closed-loop run has a cpu_util", NULL},
	{"iofraction", U_IOPANEL, "Throughput vs I/O fraction", w_iof,
	 "no workload ran at several I/O fractions (--io-fraction LIST)", NULL},
	{"load", U_LPANEL, "p99 latency vs offered load", w_load,
	 "no open-loop runs at two or more rates (--rate LIST)", NULL},
	{"hosts", U_HPANEL, "Hosts side by side", w_hosts,
	 "the input holds one host", NULL},
	{"hosts_scaling", U_HPANEL, "Scaling per host", w_hosts_sc,
	 "no workload ran on two hosts at two or more core counts", NULL},
	{"numa", U_MPANEL, "Memory bandwidth by --mem-policy vs cores", w_numa,
	 "the input has one NUMA node only (every --mem-policy puts the pages on it)", r_numa},
};
#define NSCRIPTS (sizeof(scripts) / sizeof(scripts[0]))

static int add_chart(struct mb_report_charts *c, size_t *cap,
		     const struct script *sc, const struct mb_report_group *g)
{
	if (c->n == *cap) {
		size_t n = *cap ? 2 * *cap : 32;
		struct mb_report_chart *v = realloc(c->v, n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		*cap = n;
	}
	struct mb_report_chart *ch = &c->v[c->n++];
	memset(ch, 0, sizeof(*ch));
	ch->script = sc->name;
	ch->first = g;
	snprintf(ch->file, sizeof(ch->file), "%s_%s", sc->name,
		 unit_value(g, sc->unit));
	snprintf(ch->title, sizeof(ch->title), "%s", sc->caption);
	return 0;
}

static int add_note(struct mb_report_charts *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_note(struct mb_report_charts *c, const char *fmt, ...)
{
	char **v = realloc(c->notes, (c->nnotes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->notes = v;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&v[c->nnotes], fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	c->nnotes++;
	return 0;
}

/* The charts of one script, one per unit that has the data for it, and
 * a note when no unit has. */
static int plan_script(const struct mb_report_summary *s, const struct script *sc,
		       const struct units *un, struct mb_report_charts *c,
		       size_t *cap)
{
	size_t before = c->n;
	for (size_t k = 0; k < un->n; k++) {
		struct facts f;
		gather(s, un, k, &f);
		if (sc->wanted(&f) &&
		    add_chart(c, cap, sc, &s->groups[un->idx[un->start[k]]]) < 0)
			return -ENOMEM;
	}
	/* One line per chart the input has no data for at all. */
	if (c->n == before && s->ngroups && (!sc->relevant || sc->relevant(s)) &&
	    add_note(c, "no %s chart (%s): %s", sc->name, sc->caption,
		     sc->absent) < 0)
		return -ENOMEM;
	return 0;
}

/* Say why a closed-loop panel lacks the scaling charts, the usual
 * surprise. */
static int panel_notes(const struct mb_report_summary *s, const struct units *un,
		       struct mb_report_charts *c)
{
	for (size_t k = 0; k < un->n; k++) {
		const struct mb_report_group *g = &s->groups[un->idx[un->start[k]]];
		struct facts f;
		if (!mb_rep_off(g->rate))
			continue;
		gather(s, un, k, &f);
		int r = 0;
		if (f.ncores < 2)
			r = add_note(c, "%s: one core count only, so no scaling, "
				     "speedup, efficiency or latency-vs-cores chart",
				     g->panel);
		else if (f.ncores_sp < 2)
			r = add_note(c, "%s: no sync run at 1 core to compare "
				     "with, so no speedup or efficiency chart",
				     g->panel);
		if (r < 0)
			return -ENOMEM;
	}
	return 0;
}

int mb_report_plan_charts(const struct mb_report_summary *s,
			  struct mb_report_charts *c)
{
	struct units un[U_MPANEL + 1] = {{0}};
	size_t cap = 0;
	int ret = 0;
	memset(c, 0, sizeof(*c));
	for (int u = 0; u <= U_MPANEL && ret == 0; u++)
		ret = units_make(s, (enum unit)u, &un[u]);
	for (size_t k = 0; k < NSCRIPTS && ret == 0; k++)
		ret = plan_script(s, &scripts[k], &un[scripts[k].unit], c, &cap);
	if (ret == 0)
		ret = panel_notes(s, &un[U_PANEL], c);
	for (int u = 0; u <= U_MPANEL; u++)
		units_free(&un[u]);
	if (ret < 0)
		mb_report_charts_free(c);
	return ret;
}

void mb_report_charts_free(struct mb_report_charts *c)
{
	for (size_t i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	free(c->notes);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* ---- What gnuplot reads ----------------------------------------------- */

long mb_report_chart_data(FILE *f, bool fix)
{
	char buf[65536];
	long n = 0;
	int quoted = 0;
	size_t got;
	rewind(f);
	for (long off = 0; (got = fread(buf, 1, sizeof(buf), f)) > 0; off += (long)got) {
		size_t fixed = 0;
		for (size_t i = 0; i < got; i++) {
			unsigned char c = (unsigned char)buf[i];
			if (c == '"')
				quoted = !quoted; /* a doubled "" toggles twice */
			else if (quoted && (c < 0x20 || c == 0x7f)) {
				buf[i] = '?';
				fixed++;
			}
		}
		n += (long)fixed;
		/* the same bytes back where they were read */
		if (fix && fixed && (fseek(f, off, SEEK_SET) != 0 ||
				     fwrite(buf, 1, got, f) != got ||
				     fseek(f, off + (long)got, SEEK_SET) != 0))
			return -EIO;
	}
	if (ferror(f) || (fix && fflush(f) != 0))
		return -EIO;
	return n;
}

/* ---- Running gnuplot -------------------------------------------------- */

/* One gnuplot process: chart index, format, the temporary file it draws
 * into, its output captured in log. */
struct job {
	pid_t pid;
	size_t chart;
	int svg;
	FILE *log;
	time_t start;
	char tmp[4096];
};

/* What every job of one render shares. */
struct render {
	const char *gnuplot, *dir, *scripts_dir;
	FILE *errf, *notef;
	char qdata[8200]; /* the data file as a gnuplot string */
};

/* Starts gnuplot on chart ch, format svg, drawing into a new temporary
 * file in the output folder (a stale chart is removed first: it must not
 * count as drawn). 0 or -errno. */
static int spawn(struct job *j, const struct render *rd,
		 const struct mb_report_chart *ch, const char *unit, int svg)
{
	/* A quoted path of up to 4095 bytes fits (each ' doubled); a panel
	 * slug is at most 200 bytes without quotes. */
	char qout[8200], qpanel[420], name[200], script[4096];
	char expr[sizeof(rd->qdata) + sizeof(qout) + sizeof(qpanel) + 32];
	snprintf(script, sizeof(script), "%s/%s.gp", rd->scripts_dir, ch->script);
	snprintf(name, sizeof(name), "%s.%s", ch->file, svg ? "svg" : "png");
	snprintf(qout, sizeof(qout), "%s/%s", rd->dir, name);
	unlink(qout);
	int fd = mb_tmp_create(rd->dir, name, j->tmp, sizeof(j->tmp));
	if (fd < 0)
		return fd;
	close(fd);
	mb_gp_quote(qout, sizeof(qout), j->tmp);
	mb_gp_quote(qpanel, sizeof(qpanel), unit);
	snprintf(expr, sizeof(expr), "data=%s; out=%s; panel=%s", rd->qdata,
		 qout, qpanel);
	j->log = tmpfile();
	if (!j->log) {
		int e = -errno;
		unlink(j->tmp);
		return e;
	}
	pid_t pid = mb_gp_spawn(rd->gnuplot, expr, script, fileno(j->log));
	if (pid < 0) {
		fclose(j->log);
		unlink(j->tmp);
		return (int)pid;
	}
	j->pid = pid;
	j->start = time(NULL);
	return 0;
}

/* A drawn chart: a regular file (not a link put in its place), not
 * empty. */
static int file_ok(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Copy gnuplot's output to errf, one prefixed line each; returns the
 * number of lines. */
static int copy_log(FILE *log, FILE *errf, const char *file, int svg)
{
	char line[1024];
	int n = 0;
	rewind(log);
	while (fgets(line, sizeof(line), log)) {
		size_t len = strcspn(line, "\n");
		line[len] = '\0';
		if (!len)
			continue;
		if (errf)
			fprintf(errf, "%s.%s: %s\n", file, svg ? "svg" : "png",
				line);
		n++;
	}
	return n;
}

/* The job is over: its chart into place when drawn (1), else its
 * temporary file removed (0). */
static int settle(struct job *j, const struct mb_report_chart *ch,
		  const char *dir, int clean, FILE *errf)
{
	char name[200];
	snprintf(name, sizeof(name), "%s.%s", ch->file, j->svg ? "svg" : "png");
	if (!clean || !file_ok(j->tmp)) {
		unlink(j->tmp);
		return 0;
	}
	int r = mb_tmp_commit(j->tmp, dir, name);
	if (r < 0 && errf)
		fprintf(errf, "%s: %s/%s: %s\n", name, dir, name, strerror(-r));
	return r == 0;
}

/* Wait for any job; count it in ok[chart] when it drew its file, in
 * skip[chart] when the script exited cleanly without drawing (no data:
 * its one line, from the PNG run only, is the note). gnuplot's lines go
 * to rd->errf when it failed, else to rd->notef. Returns the finished
 * job's index. */
static size_t reap(struct job *jobs, size_t njobs, struct mb_report_charts *c,
		   const struct render *rd, int *ok, int *skip)
{
	for (;;) {
		for (size_t i = 0; i < njobs; i++) {
			int st;
			pid_t p = waitpid(jobs[i].pid, &st, WNOHANG);
			if (p == 0 && time(NULL) - jobs[i].start > RENDER_TIMEOUT_S) {
				kill(jobs[i].pid, SIGKILL);
				p = waitpid(jobs[i].pid, &st, 0);
				if (rd->errf)
					fprintf(rd->errf, "%s: gnuplot killed after %d s\n",
						c->v[jobs[i].chart].file,
						RENDER_TIMEOUT_S);
			}
			if (p != jobs[i].pid)
				continue;
			struct mb_report_chart *ch = &c->v[jobs[i].chart];
			int clean = WIFEXITED(st) && WEXITSTATUS(st) == 0;
			int good = settle(&jobs[i], ch, rd->dir, clean, rd->errf);
			int lines = 0;
			if (good || !clean || !jobs[i].svg)
				lines = copy_log(jobs[i].log, clean ? rd->notef : rd->errf,
						 ch->file, jobs[i].svg);
			fclose(jobs[i].log);
			if (!good && !clean && lines == 0 && rd->errf)
				fprintf(rd->errf, "%s.%s: gnuplot failed\n",
					ch->file, jobs[i].svg ? "svg" : "png");
			ok[jobs[i].chart] += good;
			skip[jobs[i].chart] |= clean && !good;
			return i;
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int mb_report_render(struct mb_report_charts *c, const char *summary_csv,
		     const char *dir, const char *scripts_dir, int jobs,
		     FILE *errf, FILE *notef)
{
	bool have;
	struct render rd = {.dir = dir, .scripts_dir = scripts_dir, .errf = errf,
			    .notef = notef};
	rd.gnuplot = mb_gnuplot(&have);
	if (!have)
		return -ENOENT;
	if (jobs < 1)
		jobs = 1;
	struct job *run = calloc((size_t)jobs, sizeof(*run));
	int *ok = calloc(c->n + 1, sizeof(*ok));
	int *skip = calloc(c->n + 1, sizeof(*skip));
	if (!run || !ok || !skip) {
		free(run);
		free(ok);
		free(skip);
		return -ENOMEM;
	}
	size_t nrun = 0;
	mb_gp_quote(rd.qdata, sizeof(rd.qdata), summary_csv);
	for (size_t t = 0; t < 2 * c->n; t++) {
		size_t i = t / 2;
		int svg = (int)(t % 2);
		const struct mb_report_chart *ch = &c->v[i];
		const struct script *sc = NULL;
		for (size_t k = 0; k < NSCRIPTS; k++)
			if (!strcmp(scripts[k].name, ch->script))
				sc = &scripts[k];
		if (nrun == (size_t)jobs) {
			size_t k = reap(run, nrun, c, &rd, ok, skip);
			run[k] = run[--nrun];
		}
		run[nrun].chart = i;
		run[nrun].svg = svg;
		int r = spawn(&run[nrun], &rd, ch,
			      unit_value(ch->first, sc ? sc->unit : U_PANEL), svg);
		if (r < 0) {
			if (errf)
				fprintf(errf, "%s: cannot run gnuplot: %s\n",
					ch->file, strerror(-r));
			continue;
		}
		nrun++;
	}
	while (nrun) {
		size_t k = reap(run, nrun, c, &rd, ok, skip);
		run[k] = run[--nrun];
	}
	int failed = 0;
	for (size_t i = 0; i < c->n; i++) {
		c->v[i].rendered = ok[i] == 2;
		failed += !c->v[i].rendered && !(skip[i] && !ok[i]);
	}
	free(run);
	free(ok);
	free(skip);
	return failed;
}
