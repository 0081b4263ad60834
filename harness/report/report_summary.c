/* summary.csv: one row per configuration, every column named in the
 * header, so that the gnuplot scripts (and anyone else) read it by column
 * name. Medians unless the name says otherwise; empty means "not
 * defined" (no sync baseline, too few points for a fit...). The
 * throughput interval is what ci_kind says; speedup_ci_lo/hi is a
 * percentile bootstrap of the ratio of the two medians. */
#include "report_int.h"

#include <csv.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

enum kind { STR, TXT, DBL, INT, SIZE }; /* TXT: a char array in the group */

struct column {
	const char *name;
	enum kind kind;
	size_t off;
};

#define G(f) offsetof(struct mb_report_group, f)
static const struct column columns[] = {
	{"panel", STR, G(panel)},       {"hpanel", STR, G(hpanel)},
	{"iopanel", STR, G(iopanel)},   {"lpanel", STR, G(lpanel)},
	{"host", STR, G(host)},
	{"workload", STR, G(workload)}, {"recipe", STR, G(recipe)},
	{"mode", STR, G(mode)},         {"backend", STR, G(backend)},
	{"policy", STR, G(policy)},     {"cores", DBL, G(cores)},
	{"concurrency", DBL, G(concurrency)},
	{"rate", DBL, G(rate)},         {"gil_us", DBL, G(gil_us)},
	{"io_fraction", DBL, G(io_fraction)},
	{"n", SIZE, G(tp.n)},           {"n_failed", SIZE, G(n_failed)},
	{"throughput_median", DBL, G(tp.median)},
	{"throughput_ci_lo", DBL, G(tp.lo)},
	{"throughput_ci_hi", DBL, G(tp.hi)},
	{"throughput_min", DBL, G(tp.min)},
	{"throughput_max", DBL, G(tp.max)},
	{"throughput_cv", DBL, G(tp.cv)},
	{"speedup", DBL, G(speedup)},
	{"speedup_ci_lo", DBL, G(speedup_lo)},
	{"speedup_ci_hi", DBL, G(speedup_hi)},
	{"efficiency", DBL, G(efficiency)},
	{"efficiency_ci_lo", DBL, G(efficiency_lo)},
	{"efficiency_ci_hi", DBL, G(efficiency_hi)},
	{"lat_mean_us", DBL, G(lat_mean)},
	{"lat_p50_us", DBL, G(p50.median)},
	{"lat_p50_ci_lo", DBL, G(p50.lo)},
	{"lat_p50_ci_hi", DBL, G(p50.hi)},
	{"lat_p90_us", DBL, G(lat_p90)},
	{"lat_p99_us", DBL, G(p99.median)},
	{"lat_p99_ci_lo", DBL, G(p99.lo)},
	{"lat_p99_ci_hi", DBL, G(p99.hi)},
	{"lat_p999_us", DBL, G(p999.median)},
	{"lat_p999_ci_lo", DBL, G(p999.lo)},
	{"lat_p999_ci_hi", DBL, G(p999.hi)},
	{"lat_max_us", DBL, G(lat_max)},
	{"cpu_util", DBL, G(cpu_util)},
	{"bytes_per_s", DBL, G(bytes_per_s)},
	{"littles_bound", DBL, G(littles_bound)},
	{"norm_best", DBL, G(norm_best)},
	{"norm_host", DBL, G(norm_host)},
	{"ref_host", STR, G(ref_host)},
	{"usl_sigma", DBL, G(usl_sigma)},
	{"usl_kappa", DBL, G(usl_kappa)},
	{"amdahl_sigma", DBL, G(amdahl_sigma)},
	{"usl_base", DBL, G(usl_base)},
	{"fit_points", INT, G(fit_points)},
	{"scale_conc", DBL, G(scale_conc)},
	{"conc_cores", DBL, G(conc_cores)},
	{"pick_cores", INT, G(pick_cores)},
	{"pick_conc", INT, G(pick_conc)},
	{"pick_cpu", INT, G(pick_cpu)},
	{"pick_iof", INT, G(pick_iof)},
	{"pick_host", INT, G(pick_host)},
	{"conc_sweep", INT, G(conc_sweep)},
	{"iof_sweep", INT, G(iof_sweep)},
	{"wait_bound", INT, G(wait_bound)},
	{"n_hosts", INT, G(n_hosts)},
	{"cpu_model", STR, G(cpu_model)},
	{"topology", STR, G(topology)},
	{"kernel", STR, G(kernel)},
	{"version", STR, G(version)},
	/* host above is the machine's name in this report (the runs' host,
	 * or their label, made unique); these say what it is. */
	{"hostname", STR, G(hostname)},
	{"label", STR, G(label)},
	{"arrivals", STR, G(arrivals)},
	/* c or python (run --runtime): part of every key above. */
	{"runtime", STR, G(runtime)},
	/* The variants a chart never mixes: --mem-policy of mem runs
	 * ("local", "remote", ...; empty for others) and --smt (1: cores
	 * counts PUs). smt_yield: an --smt configuration's throughput over
	 * the same one without --smt on the same physical cores. */
	{"mem_policy", STR, G(mem_policy)},
	{"smt", DBL, G(smt)},
	{"smt_yield", DBL, G(smt_yield)},
	/* run --mpi span: the hosts a configuration's runs spanned (its
	 * cores counting all of theirs), a variant no curve mixes; 1 */
	{"nodes", DBL, G(nodes)},
	/* The NUMA chart's unit (panel less mem_policy) and the nodes of
	 * the machine, from its description. */
	{"mpanel", STR, G(mpanel)},
	{"numa_nodes", INT, G(numa_nodes)},
	/* What throughput_ci_lo/hi is: "order-statistic 95%", or with
	 * fewer than 6 runs "range (75%)", the range and its coverage. */
	{"ci_kind", TXT, G(ci_kind)},
	{"ci_coverage", DBL, G(tp.coverage)},
	/* The fits: exact (no freedom) and parameters out of range. */
	{"amdahl_exact", INT, G(amdahl_exact)},
	{"usl_exact", INT, G(usl_exact)},
	{"fit_note", TXT, G(fit_note)},
	/* The sweep summary's warnings, "cv 7%; 1 outlier; few reps; short
	 * runs; noisy(2)", computed from the runs with base's rules. */
	{"flags", TXT, G(flags)},
};
#undef G

static int write_field(FILE *f, const struct mb_report_group *g,
		       const struct column *c)
{
	const char *p = (const char *)g + c->off;
	char buf[64];
	switch (c->kind) {
	case STR:
	case TXT: {
		const char *s = c->kind == TXT ? p : *(const char *const *)p;
		if (!s)
			s = "";
		return csv_fwrite(f, s, strlen(s));
	}
	case DBL:
		return fputs(mb_rep_g(buf, sizeof(buf), *(const double *)p), f);
	case INT:
		return fprintf(f, "%d", *(const int *)p);
	case SIZE:
		return fprintf(f, "%zu", *(const size_t *)p);
	}
	return 0;
}

int mb_report_write_summary_csv(const struct mb_report_summary *s, FILE *f)
{
	const size_t ncol = sizeof(columns) / sizeof(columns[0]);
	for (size_t c = 0; c < ncol; c++)
		fprintf(f, "%s%s", c ? "," : "", columns[c].name);
	fputc('\n', f);
	for (size_t i = 0; i < s->ngroups; i++) {
		for (size_t c = 0; c < ncol; c++) {
			if (c)
				fputc(',', f);
			if (write_field(f, &s->groups[i], &columns[c]) < 0)
				return -EIO;
		}
		fputc('\n', f);
	}
	if (fflush(f) != 0 || ferror(f)) {
		int e = errno;
		return e ? -e : -EIO;
	}
	return 0;
}

/* The columns for summary.json (report_int.h). */
size_t mb_rep_summary_column(size_t i, struct mb_rep_column *out)
{
	_Static_assert((int)STR == MB_REP_STR && (int)TXT == MB_REP_TXT && (int)DBL == MB_REP_DBL &&
		       (int)INT == MB_REP_INT && (int)SIZE == MB_REP_SIZE,
		       "summary.csv's column kinds are report_int.h's");
	const size_t n = sizeof(columns) / sizeof(columns[0]);
	if (i < n)
		*out = (struct mb_rep_column){columns[i].name,
					      (enum mb_rep_kind)columns[i].kind,
					      columns[i].off};
	return n;
}
