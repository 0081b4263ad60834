/* `modebench report [options] CSV...` (README, "Report"), in phases:
 * parse the options, read and check every input, aggregate, and only then
 * create DIR and write the files --format asks for (summary.csv, the
 * charts, summary.md, index.html, summary.json) into it. An input error
 * leaves DIR untouched. */
#include "report_int.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DIR "results/report"
#define PROBE "common.gp" /* a chart scripts folder holds it */

static const char usage_line[] =
	"usage: modebench report [-o DIR] [--format LIST] [--scripts DIR] [--no-charts] [-j N] [-q] CSV...";

static const char usage_text[] =
	"  Reads run CSVs (modebench run's output; several files, sweeps and hosts\n"
	"  may be mixed), aggregates the runs of each configuration and writes the\n"
	"  report into DIR. A sweep's meta file (*.meta.csv) or a --trace file among\n"
	"  the inputs is skipped with a note.\n"
	"  -o, --output DIR   where the report goes (default " DEFAULT_DIR ")\n"
	"      --format LIST  the files to write, a comma list of (default csv,md,html):\n"
	"                       csv   summary.csv, one row per configuration\n"
	"                       md    summary.md: machines, verdicts, tables, charts\n"
	"                       html  index.html: the same as a web page\n"
	"                       json  summary.json: summary.csv's rows, the verdicts\n"
	"                             and the machines for programs (format:\n"
	"                             docs/summary.schema.json)\n"
	"                     the charts (PNG and SVG) come with md and html\n"
	"      --no-charts    draw no charts (no gnuplot run)\n"
	"      --scripts DIR  the gnuplot chart scripts (default: $MB_SCRIPTS, else\n"
	"                     next to the binary, else the source tree)\n"
	"  -j, --jobs N       gnuplot processes at once, 1 to 64 (default: the CPUs,\n"
	"                     at most 8)\n"
	"  -q, --quiet        errors only: no notes, no closing line\n"
	"  -h, --help         this text\n"
	"  Exit status: 0 written; 1 nothing to report (no run finished ok), a file\n"
	"  could not be written or a chart failed; 2 usage or input error (nothing\n"
	"  written).\n";

/* The files --format chooses. */
enum { F_CSV = 1, F_MD = 2, F_HTML = 4, F_JSON = 8 };

struct opts {
	const char *dir;     /* -o */
	const char *scripts; /* --scripts, NULL: mb_scripts_dir() */
	int charts, jobs, quiet;
	unsigned formats;    /* F_* */
	char **csv;          /* the inputs, ncsv >= 1 */
	int ncsv;
};

/* What the phases build, freed by report_free(). */
struct report {
	struct mb_report_input in;
	struct mb_report_summary sum;
	struct mb_report_charts ch;
	struct mb_report_verdict *v;
	size_t nv;
};

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* The value of -j: 1 to 64. */
static int parse_jobs(const char *s, int *jobs)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 1 || n > 64) {
		fprintf(stderr, "modebench report: -j wants a number from 1 to 64, not '%s'\n", s);
		return -EINVAL;
	}
	*jobs = (int)n;
	return 0;
}

/* The value of --format: a comma list of csv, md, html, json. */
static int parse_formats(const char *s, unsigned *formats)
{
	static const char *const names[] = {"csv", "md", "html", "json"};
	unsigned f = 0;
	const char *p = s;
	for (;;) {
		size_t n = strcspn(p, ","), k = 0;
		while (k < 4 && (strlen(names[k]) != n || strncmp(p, names[k], n)))
			k++;
		if (k == 4) {
			fprintf(stderr, "modebench report: --format: '%s' is not a comma list of csv, md, html, json\n",
				s);
			return -EINVAL;
		}
		f |= 1u << k;
		if (!p[n])
			break;
		p += n + 1;
	}
	*formats = f;
	return 0;
}

/* One option into o. Returns -1 to go on, or the exit status to return
 * now: 0 after --help, 2 after a usage error (its one line printed). */
static int parse_opt(int opt, char **argv, struct opts *o)
{
	switch (opt) {
	case 'o':
		o->dir = optarg;
		return -1;
	case 's':
		o->scripts = optarg;
		return -1;
	case 'n':
		o->charts = 0;
		return -1;
	case 'q':
		o->quiet = 1;
		return -1;
	case 'f':
		return parse_formats(optarg, &o->formats) < 0 ? 2 : -1;
	case 'j':
		return parse_jobs(optarg, &o->jobs) < 0 ? 2 : -1;
	case 'h':
		printf("%s\n%s", usage_line, usage_text);
		return 0;
	case ':':
		fprintf(stderr, "modebench report: option '%s' needs a value; %s\n",
			argv[optind - 1], usage_line);
		return 2;
	default:
		fprintf(stderr, "modebench report: unknown option '%s'; %s\n",
			argv[optind - 1], usage_line);
		return 2;
	}
}

/* Fills o from argv. Returns -1 to go on, or the exit status to return
 * now: 0 after --help, 2 after a usage error (its one line printed). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"scripts", required_argument, NULL, 's'},
		{"no-charts", no_argument, NULL, 'n'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, rc;

	*o = (struct opts){.dir = DEFAULT_DIR, .charts = 1, .jobs = default_jobs(),
			   .formats = F_CSV | F_MD | F_HTML};
	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:o:j:qh", longopts, NULL)) != -1)
		if ((rc = parse_opt(opt, argv, o)) >= 0)
			return rc;
	if (optind >= argc) {
		fprintf(stderr, "modebench report: no CSV files given; %s\n", usage_line);
		return 2;
	}
	if (!*o->dir) {
		fprintf(stderr, "modebench report: -o wants a directory name\n");
		return 2;
	}
	/* the charts are shown by summary.md and index.html */
	if (!(o->formats & (F_MD | F_HTML)))
		o->charts = 0;
	o->csv = argv + optind;
	o->ncsv = argc - optind;
	return -1;
}

/* Reads and checks every input before anything is written; a file that
 * holds no runs (a meta or trace CSV) is skipped with a note. Returns 0,
 * or 2 after printing the first error. */
static int read_inputs(struct report *r, const struct opts *o)
{
	char err[512];
	for (int i = 0; i < o->ncsv; i++) {
		int rc = mb_report_read(&r->in, o->csv[i], err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
		if (rc > 0 && !o->quiet)
			fprintf(stderr, "note: %s\n", err);
	}
	return 0;
}

/* Groups, the charts there is data for, and the verdicts. Returns 0, or 1
 * when there is nothing to report or memory ran out (said on stderr). */
static int aggregate(struct report *r)
{
	if (mb_report_aggregate(&r->in, &r->sum) < 0) {
		fprintf(stderr, "modebench report: out of memory\n");
		return 1;
	}
	if (r->sum.ngroups == 0) {
		if (r->in.nrows == 0)
			fprintf(stderr, "modebench report: nothing to report: the input has no runs\n");
		else
			fprintf(stderr, "modebench report: nothing to report: none of the %zu runs finished ok (%zu not ok, %zu warm-up)\n",
				r->in.nrows, r->sum.n_not_ok, r->sum.n_warmup);
		return 1;
	}
	if (mb_report_plan_charts(&r->sum, &r->ch) < 0 ||
	    mb_report_verdicts(&r->sum, &r->v, &r->nv) < 0) {
		fprintf(stderr, "modebench report: out of memory\n");
		return 1;
	}
	return 0;
}

static void report_free(struct report *r)
{
	mb_report_verdicts_free(r->v, r->nv);
	mb_report_charts_free(&r->ch);
	mb_report_summary_free(&r->sum);
	mb_report_input_free(&r->in);
}

/* mkdir -p. */
static int make_dirs(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int is_dir_with(const char *dir, const char *file)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s/%s", dir, file) >= (int)sizeof(buf))
		return 0;
	return access(buf, R_OK) == 0;
}

/* The folder of the chart scripts, into sd: --scripts (taken as given)
 * or mb_scripts_dir(). 0, or 1 when there is none (said on stderr). */
static int find_scripts(const struct opts *o, char *sd, size_t len)
{
	if (o->scripts) {
		if (!is_dir_with(o->scripts, PROBE)) {
			fprintf(stderr, "modebench report: no chart scripts in %s (set MB_SCRIPTS or --scripts): charts skipped\n",
				o->scripts);
			return 1;
		}
		snprintf(sd, len, "%s", o->scripts);
	} else if (mb_scripts_dir(PROBE, sd, len) < 0) {
		fprintf(stderr, "modebench report: no chart scripts (%s; set MB_SCRIPTS or --scripts): charts skipped\n",
			sd);
		return 1;
	}
	return 0;
}

/* Whether DIR/summary.csv, as written, is fine for gnuplot (no control
 * character in a text field: mb_report_chart_data). */
static int csv_fine(const struct opts *o)
{
	char path[4096];
	if (!(o->formats & F_CSV) ||
	    snprintf(path, sizeof(path), "%s/summary.csv", o->dir) >= (int)sizeof(path))
		return 0;
	FILE *f = fopen(path, "r");
	long n = f ? mb_report_chart_data(f, false) : -1;
	if (f)
		fclose(f);
	return n == 0;
}

/* The file gnuplot reads, into path: DIR/summary.csv when it is written
 * (--format csv) and gnuplot can read it as it is, else a temporary copy
 * with the control characters of its text fields replaced
 * (mb_report_chart_data), which *tmp says to remove afterwards. 0 or
 * -errno. */
static int chart_data(const struct opts *o, const struct report *r,
		      char *path, size_t len, int *tmp)
{
	*tmp = 0;
	if (csv_fine(o)) {
		snprintf(path, len, "%s/summary.csv", o->dir);
		return 0;
	}
	int fd = mb_tmp_create(o->dir, "summary.csv", path, len);
	if (fd < 0)
		return fd;
	FILE *f = fdopen(fd, "w+");
	if (!f) {
		int e = -errno;
		close(fd);
		unlink(path);
		return e;
	}
	long n = mb_report_write_summary_csv(&r->sum, f);
	if (n == 0)
		n = mb_report_chart_data(f, true);
	if (fclose(f) != 0 && n >= 0)
		n = -errno;
	if (n < 0) {
		unlink(path);
		return (int)n;
	}
	*tmp = 1;
	return 0;
}

/* Draws the planned charts into o->dir. Returns 0, or 1 when the charts
 * were skipped (no scripts, no gnuplot) or some failed, said on stderr. */
static int render_charts(const struct opts *o, struct report *r)
{
	char sd[4096], csv[4096];
	int rc, tmp;

	if (!o->charts || !r->ch.n)
		return 0;
	if (find_scripts(o, sd, sizeof(sd)))
		return 1;
	rc = chart_data(o, r, csv, sizeof(csv), &tmp);
	if (rc < 0) {
		fprintf(stderr, "modebench report: %s: the charts' data: %s: charts skipped\n",
			o->dir, strerror(-rc));
		return 1;
	}
	rc = mb_report_render(&r->ch, csv, o->dir, sd, o->jobs, stderr,
			      o->quiet ? NULL : stderr);
	if (tmp)
		unlink(csv);
	if (rc == -ENOENT) {
		fprintf(stderr, "modebench report: gnuplot not found (install it or set GNUPLOT): charts skipped\n");
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "modebench report: %d chart%s failed to render\n", rc,
			rc == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

/* Write one file of the report through fn: under a temporary name in
 * dir, renamed into place when complete (mb_out_open), so a link planted
 * at the name is replaced, never written through. */
static int write_file(const char *dir, const char *name,
		      int (*fn)(FILE *f, void *arg), void *arg)
{
	struct mb_out o;
	int r = mb_out_open(&o, dir, name);
	if (r == 0) {
		r = fn(o.f, arg);
		int c = mb_out_close(&o, r == 0);
		if (r == 0)
			r = c;
	}
	if (r < 0)
		fprintf(stderr, "modebench report: %s/%s: %s\n", dir, name, strerror(-r));
	return r;
}

static int w_summary(FILE *f, void *arg)
{
	return mb_report_write_summary_csv(&((struct report *)arg)->sum, f);
}

static int w_md(FILE *f, void *arg)
{
	struct report *r = arg;
	return mb_report_write_md(&r->sum, r->v, r->nv, &r->ch, f);
}

static int w_html(FILE *f, void *arg)
{
	struct report *r = arg;
	return mb_report_write_html(&r->sum, r->v, r->nv, &r->ch, f);
}

static int w_json(FILE *f, void *arg)
{
	struct report *r = arg;
	return mb_report_write_json(&r->sum, r->v, r->nv, f);
}

/* Creates o->dir and writes the files of --format: summary.csv and
 * summary.json, the charts, then summary.md and index.html (which show
 * what was drawn). Returns the exit status: 0, 1 when a file could not be
 * written or the charts were skipped or failed, 2 when the directory
 * cannot be made. */
static int write_report(const struct opts *o, struct report *r)
{
	static const struct {
		unsigned format;
		const char *name;
		int (*fn)(FILE *f, void *arg);
	} files[] = {
		{F_CSV, "summary.csv", w_summary}, {F_JSON, "summary.json", w_json},
		{F_MD, "summary.md", w_md},        {F_HTML, "index.html", w_html},
	};
	const char *shown = NULL; /* the file the closing line names */
	int rc = make_dirs(o->dir), chart_fail = 0;
	if (rc < 0) {
		fprintf(stderr, "modebench report: %s: %s\n", o->dir, strerror(-rc));
		return 2;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (i == 2) { /* after the data, before the pages */
			chart_fail = render_charts(o, r);
			for (size_t k = 0; k < r->ch.nnotes && !o->quiet; k++)
				fprintf(stderr, "note: %s\n", r->ch.notes[k]);
		}
		if (!(o->formats & files[i].format))
			continue;
		if (write_file(o->dir, files[i].name, files[i].fn, r) < 0)
			return 1;
		shown = files[i].name;
	}
	size_t drawn = 0;
	for (size_t i = 0; i < r->ch.n; i++)
		drawn += r->ch.v[i].rendered;
	if (!o->quiet)
		printf("report: %s/%s (%zu configurations from %zu runs, %zu chart%s)\n",
		       o->dir, shown, r->sum.ngroups, r->in.nrows, drawn,
		       drawn == 1 ? "" : "s");
	return chart_fail;
}

int mb_report_main(int argc, char **argv)
{
	struct opts o;
	struct report r = {0};
	int status = parse_opts(argc, argv, &o);

	if (status >= 0)
		return status;
	status = read_inputs(&r, &o);
	if (status == 0)
		status = aggregate(&r);
	if (status == 0)
		status = write_report(&o, &r);
	report_free(&r);
	return status;
}
