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

/* Poisson arrivals: the slugs' "_poisson" and a load chart of their own
 * (closed, constant and unknown share the default). */
static inline int mb_rep_poisson(const struct mb_report_group *g)
{
	return g->arrivals && !strcmp(g->arrivals, "poisson");
}

/* Same (host, workload, recipe, io_fraction, gil_us, rate, arrivals): one
 * panel. host is the machine's name, so two machines are two panels. */
static inline int mb_rep_same_panel_key(const struct mb_report_group *a,
					const struct mb_report_group *b)
{
	return mb_rep_str_eq(a->host, b->host) &&
	       mb_rep_str_eq(a->workload, b->workload) &&
	       mb_rep_str_eq(a->recipe, b->recipe) &&
	       mb_rep_num_eq(a->io_fraction, b->io_fraction) &&
	       mb_rep_num_eq(a->gil_us, b->gil_us) &&
	       mb_rep_num_eq(a->rate, b->rate) && mb_rep_same_arrivals(a, b);
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

#endif
