/* `modebench report [-o DIR] [--scripts DIR] [--no-charts] [-j N] CSV...`:
 * read and validate every input first, and only then create DIR and write
 * summary.csv, the charts, summary.md and index.html into it. An input
 * error leaves DIR untouched. */
#include "report_int.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DIR "results/report"

static const char usage_line[] =
	"usage: modebench report [-o DIR] [--scripts DIR] [--no-charts] [-j N] CSV...";

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

/* Write one file of the report through fn. */
static int write_file(const char *dir, const char *name,
		      int (*fn)(FILE *f, void *arg), void *arg)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		int e = errno;
		fprintf(stderr, "modebench report: %s: %s\n", path, strerror(e));
		return -e;
	}
	int r = fn(f, arg);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		fprintf(stderr, "modebench report: %s: %s\n", path, strerror(-r));
	return r;
}

struct pages {
	const struct mb_report_summary *s;
	const struct mb_report_verdict *v;
	size_t nv;
	const struct mb_report_charts *c;
};

static int w_summary(FILE *f, void *arg)
{
	return mb_report_write_summary_csv(((struct pages *)arg)->s, f);
}

static int w_md(FILE *f, void *arg)
{
	struct pages *p = arg;
	return mb_report_write_md(p->s, p->v, p->nv, p->c, f);
}

static int w_html(FILE *f, void *arg)
{
	struct pages *p = arg;
	return mb_report_write_html(p->s, p->v, p->nv, p->c, f);
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int mb_report_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"scripts", required_argument, NULL, 's'},
		{"no-charts", no_argument, NULL, 'n'},
		{"jobs", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = DEFAULT_DIR, *scripts_opt = NULL;
	int charts = 1, jobs = default_jobs(), opt;
	char sbuf[4096];

	mb_getopt_reset();
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:o:j:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			dir = optarg;
			break;
		case 's':
			scripts_opt = optarg;
			break;
		case 'n':
			charts = 0;
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fprintf(stderr, "modebench report: -j wants a number from 1 to 64, not '%s'\n",
					optarg);
				return 2;
			}
			jobs = (int)n;
			break;
		}
		case 'h':
			printf("%s\n", usage_line);
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
	if (optind >= argc) {
		fprintf(stderr, "modebench report: no CSV files given; %s\n",
			usage_line);
		return 2;
	}
	if (!*dir) {
		fprintf(stderr, "modebench report: -o wants a directory name\n");
		return 2;
	}

	struct mb_report_input in = {0};
	struct mb_report_summary sum = {0};
	struct mb_report_charts ch = {0};
	struct mb_report_verdict *v = NULL;
	size_t nv = 0;
	char err[512];
	int status = 2, r;

	for (int i = optind; i < argc; i++)
		if (mb_report_read(&in, argv[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			goto out;
		}
	status = 1;
	if (mb_report_aggregate(&in, &sum) < 0) {
		fprintf(stderr, "modebench report: out of memory\n");
		goto out;
	}
	if (sum.ngroups == 0) {
		if (in.nrows == 0)
			fprintf(stderr, "modebench report: nothing to report: the input has no runs\n");
		else
			fprintf(stderr, "modebench report: nothing to report: none of the %zu runs finished ok (%zu not ok, %zu warm-up)\n",
				in.nrows, sum.n_not_ok, sum.n_warmup);
		goto out;
	}
	if (mb_report_plan_charts(&sum, &ch) < 0 ||
	    mb_report_verdicts(&sum, &v, &nv) < 0) {
		fprintf(stderr, "modebench report: out of memory\n");
		goto out;
	}
	if ((r = make_dirs(dir)) < 0) {
		fprintf(stderr, "modebench report: %s: %s\n", dir, strerror(-r));
		status = 2;
		goto out;
	}
	struct pages pg = {&sum, v, nv, &ch};
	if (write_file(dir, "summary.csv", w_summary, &pg) < 0)
		goto out;
	int chart_fail = 0;
	if (charts && ch.n) {
		char csv[4096];
		snprintf(csv, sizeof(csv), "%s/summary.csv", dir);
		/* --scripts is taken as given; else base's one search */
		const char *sd = scripts_opt ? scripts_opt : sbuf;
		if (scripts_opt && !is_dir_with(sd, "common.gp")) {
			fprintf(stderr, "modebench report: no chart scripts in %s (set MB_SCRIPTS or --scripts): charts skipped\n",
				sd);
			chart_fail = 1;
		} else if (!scripts_opt && mb_scripts_dir("common.gp", sbuf, sizeof(sbuf)) < 0) {
			fprintf(stderr, "modebench report: no chart scripts (%s; set MB_SCRIPTS or --scripts): charts skipped\n",
				sbuf);
			chart_fail = 1;
		} else {
			r = mb_report_render(&ch, csv, dir, sd, jobs, stderr);
			if (r == -ENOENT) {
				fprintf(stderr, "modebench report: gnuplot not found (install it or set GNUPLOT): charts skipped\n");
				chart_fail = 1;
			} else if (r != 0) {
				fprintf(stderr, "modebench report: %d chart%s failed to render\n",
					r, r == 1 ? "" : "s");
				chart_fail = 1;
			}
		}
	}
	for (size_t i = 0; i < ch.nnotes; i++)
		fprintf(stderr, "note: %s\n", ch.notes[i]);
	if (write_file(dir, "summary.md", w_md, &pg) < 0 ||
	    write_file(dir, "index.html", w_html, &pg) < 0)
		goto out;
	size_t drawn = 0;
	for (size_t i = 0; i < ch.n; i++)
		drawn += ch.v[i].rendered;
	printf("report: %s/index.html (%zu configurations from %zu runs, %zu chart%s)\n",
	       dir, sum.ngroups, in.nrows, drawn, drawn == 1 ? "" : "s");
	status = chart_fail;
out:
	mb_report_verdicts_free(v, nv);
	mb_report_charts_free(&ch);
	mb_report_summary_free(&sum);
	mb_report_input_free(&in);
	return status;
}
