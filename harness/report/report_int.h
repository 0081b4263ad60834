/* Helpers shared by the report_*.c files; not part of the report's API. */
#ifndef MB_REPORT_INT_H
#define MB_REPORT_INT_H

#include <math.h>
#include <string.h>

#include "report.h"

/* Numbers as configuration keys: NAN (absent) equals NAN. */
static inline int mb_rep_num_eq(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* NAN sorts first. */
static inline int mb_rep_num_cmp(double a, double b)
{
	if (isnan(a) || isnan(b))
		return !isnan(a) - !isnan(b);
	return (a > b) - (a < b);
}

/* strcmp, but an input's strings are interned (report_intern.c): equal
 * ones are usually one pointer, compared without reading them. */
static inline int mb_rep_str_cmp(const char *a, const char *b)
{
	return a == b ? 0 : strcmp(a, b);
}

static inline int mb_rep_str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* gil_us and rate: 0 and absent both mean "off". */
static inline int mb_rep_off(double v)
{
	return isnan(v) || v == 0;
}

/* Same arrivals (closed, constant, poisson): constant and Poisson
 * arrivals at one rate are different workloads, never pooled or drawn as
 * one curve. */
static inline int mb_rep_same_arrivals(const struct mb_report_group *a,
				       const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->arrivals, b->arrivals);
}

/* The runtime of a group, "c" or "python" (run --runtime): C and Python
 * runs are never pooled, compared as one panel or baselined on each
 * other; "_py" in the slugs. */
static inline int mb_rep_same_runtime(const struct mb_report_group *a,
				      const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->runtime, b->runtime);
}

static inline int mb_rep_python(const struct mb_report_group *g)
{
	return g->runtime && !strcmp(g->runtime, "python");
}

/* Poisson arrivals: the slugs' "_poisson" and a load chart of their own
 * (closed, constant and unknown share the default). */
static inline int mb_rep_poisson(const struct mb_report_group *g)
{
	return g->arrivals && !strcmp(g->arrivals, "poisson");
}

/* mem_policy as a key: "local", the default, is one with absent (a file
 * from before the column, or a run without mem steps). */
static inline const char *mb_rep_mempol_key(const char *p)
{
	return p && strcmp(p, "local") ? p : "";
}

/* smt as a key: absent is 0. */
static inline double mb_rep_smt_key(double v)
{
	return isnan(v) ? 0 : v;
}

/* nodes as a key: absent (a run without --mpi, or a fleet's) is 1. */
static inline double mb_rep_nodes_key(double v)
{
	return isnan(v) || v < 1 ? 1 : v;
}

/* Same mem_policy, smt and nodes: the variants no chart curve mixes. */
static inline int mb_rep_same_variant(const struct mb_report_group *a,
				      const struct mb_report_group *b)
{
	return mb_rep_str_eq(mb_rep_mempol_key(a->mem_policy),
			     mb_rep_mempol_key(b->mem_policy)) &&
	       mb_rep_smt_key(a->smt) == mb_rep_smt_key(b->smt) &&
	       mb_rep_nodes_key(a->nodes) == mb_rep_nodes_key(b->nodes);
}

/* Same (host, workload, recipe, io_fraction, gil_us, rate, arrivals,
 * runtime, mem_policy, smt): one panel. host is the machine's name, so two
 * machines are two panels. */
static inline int mb_rep_same_panel_key(const struct mb_report_group *a,
					const struct mb_report_group *b)
{
	return mb_rep_same_variant(a, b) && mb_rep_str_eq(a->host, b->host) &&
	       mb_rep_str_eq(a->workload, b->workload) &&
	       mb_rep_str_eq(a->recipe, b->recipe) &&
	       mb_rep_num_eq(a->io_fraction, b->io_fraction) &&
	       mb_rep_num_eq(a->gil_us, b->gil_us) &&
	       mb_rep_num_eq(a->rate, b->rate) && mb_rep_same_arrivals(a, b) &&
	       mb_rep_same_runtime(a, b);
}

/* Machines (report_machine.c): s->machines from the rows, each named.
 * -ENOMEM. */
int mb_rep_machines(struct mb_report_summary *s,
		    const struct mb_report_row *const *rows, size_t n);
/* The name of r's machine, or NULL when no ok row came from it. */
const char *mb_rep_machine_name(const struct mb_report_summary *s,
				const struct mb_report_row *r);
/* "Xeon 8375C" from "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz": the
 * model without vendor, marks, "CPU", "Processor", tier and clock; the
 * whole model when nothing is left. */
void mb_rep_short_cpu(char *buf, size_t len, const char *model);

/* Panel slugs, flags, picks, normalisations and fits (report_panel.c),
 * run by mb_report_aggregate() once the groups are sorted and
 * summarised. -ENOMEM. */
int mb_rep_panels(struct mb_report_summary *s);
/* The picks, panel facts and fits (report_pick.c), run by mb_rep_panels()
 * once the slugs are unique. -ENOMEM. */
int mb_rep_picks(struct mb_report_summary *s);

/* smt_yield of every group (report_smt.c), once the medians are known.
 * O(groups^2). */
void mb_rep_smt_yields(struct mb_report_summary *s);

/* amdahl_exact, usl_exact and fit_note of every group (report_stats.c),
 * once the fits are done. O(groups^2). */
void mb_rep_fit_notes(struct mb_report_summary *s);

/* Number formats: "%.6g" into buf, or "" for NAN. */
static inline const char *mb_rep_g(char *buf, size_t len, double v)
{
	if (isnan(v))
		buf[0] = '\0';
	else
		snprintf(buf, len, "%.6g", v);
	return buf;
}

/* The interned copy of s in *pool (created on first use): equal strings
 * give one pointer for the pool's lifetime. NULL when out of memory. */
const char *mb_rep_intern(struct mb_report_pool **pool, const char *s);
void mb_rep_pool_free(struct mb_report_pool *pool);

/* A map from strings (not copied: they must outlive it) to numbers,
 * created by the first put. get: 1 with *val set, or 0. put: 0 or
 * -ENOMEM. Cost: one hash and about one strcmp per call. */
struct mb_rep_map;
int mb_rep_map_get(const struct mb_rep_map *m, const char *key, size_t *val);
int mb_rep_map_put(struct mb_rep_map **m, const char *key, size_t val);
void mb_rep_map_free(struct mb_rep_map *m);

/* summary.csv's columns, for summary.json: the one list both are
 * written from (report_summary.c). A value is at off in the group: a
 * const char * (STR), a char array (TXT), double (DBL, "%.6g", NAN empty), int or size_t. */
enum mb_rep_kind { MB_REP_STR, MB_REP_TXT, MB_REP_DBL, MB_REP_INT, MB_REP_SIZE };
struct mb_rep_column {
	const char *name;
	enum mb_rep_kind kind;
	size_t off;
};
/* Column i into *out (when i is below the count); returns the count. */
size_t mb_rep_summary_column(size_t i, struct mb_rep_column *out);

/* The scaling scheme of one (panel, mode) (report_scheme.c): fill g[0..n)
 * with its groups in summary order, then mb_rep_scheme() gives its
 * scale_conc and conc_cores. The buffers are sized once, for the largest
 * (panel, mode): mb_rep_scheme_alloc() 0 or -ENOMEM. */
struct mb_rep_kc {
	double k, c;
};

struct mb_rep_scheme {
	const struct mb_report_group **g; /* the members, summary order */
	size_t n, m, npairs, ndc;
	double *seq; /* members' core counts, NANs dropped, repeats in a row
		      * collapsed: seq[0..m) */
	struct mb_rep_kc *pos;   /* (core count, its position in seq),
				  * sorted */
	struct mb_rep_kc *pairs; /* distinct (cores, concurrency), both
				  * numbers, by concurrency then cores */
	struct mb_rep_kc *kcs;   /* every member's (cores, concurrency),
				  * sorted */
	int *nck;    /* distinct concurrencies at kcs[i].k */
	double *dc;  /* distinct concurrencies (NAN first) ... */
	int *dcov;   /* ... and their coverage */
	size_t *tmp;
};

int mb_rep_scheme_alloc(struct mb_rep_scheme *s, size_t n);
void mb_rep_scheme(struct mb_rep_scheme *s, double *scale, double *cc);
void mb_rep_scheme_free(struct mb_rep_scheme *s);

#endif
