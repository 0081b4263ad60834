/* summary.md and index.html: the machines, the verdicts, the charts and
 * one table per (host, workload, GIL, rate) unit. Both writers share the
 * table cells; index.html is self-contained (inline style, no scripts)
 * apart from the chart images next to it, and has a table of contents
 * once it shows TOC_MIN_CHARTS charts or more. */
#include "report_int.h"
#include "base.h"

#include <errno.h>
#include <stdlib.h>

#define NCELL 14
static const char *const heads[NCELL] = {
	"mode", "backend", "cores", "in flight", "I/O fraction",
	"throughput (tasks/s)", "95% CI, or range", "speedup", "efficiency",
	"p50", "p99", "p99.9", "CPU busy", "flags",
};

static void cells(const struct mb_report_group *g, char c[NCELL][64])
{
	char a[32], b[32];
	snprintf(c[0], 64, "%s", g->mode);
	snprintf(c[1], 64, "%s", g->backend);
	mb_rep_g(c[2], 64, g->cores);
	mb_rep_g(c[3], 64, g->concurrency);
	mb_rep_g(c[4], 64, g->io_fraction);
	mb_report_fmt_rate(c[5], 64, g->tp.median);
	if (g->tp.n >= MB_STAT_CI_MIN_N)
		snprintf(c[6], 64, "%s - %s (n=%zu%s)",
			 mb_report_fmt_rate(a, sizeof(a), g->tp.lo),
			 mb_report_fmt_rate(b, sizeof(b), g->tp.hi), g->tp.n,
			 g->n_failed ? ", some failed" : "");
	else /* the range: say so, and how often it covers the median */
		snprintf(c[6], 64, "%s - %s (range of %zu: %.4g%%%s)",
			 mb_report_fmt_rate(a, sizeof(a), g->tp.lo),
			 mb_report_fmt_rate(b, sizeof(b), g->tp.hi), g->tp.n,
			 100 * g->tp.coverage, g->n_failed ? ", some failed" : "");
	if (isfinite(g->speedup))
		snprintf(c[7], 64, "%.2fx", g->speedup);
	else
		c[7][0] = '\0';
	if (isfinite(g->efficiency))
		snprintf(c[8], 64, "%.0f%%", 100 * g->efficiency);
	else
		c[8][0] = '\0';
	mb_report_fmt_us(c[9], 64, g->p50.median);
	mb_report_fmt_us(c[10], 64, g->p99.median);
	mb_report_fmt_us(c[11], 64, g->p999.median);
	if (isfinite(g->cpu_util))
		snprintf(c[12], 64, "%.0f%%", 100 * g->cpu_util);
	else
		c[12][0] = '\0';
	snprintf(c[13], 64, "%s", g->flags);
}

/* What the tables' intervals are, for the text above them. */
static const char intervals_text[] =
	"The interval of a throughput median is its 95% confidence interval "
	"from order statistics when there are 6 runs or more; with fewer it "
	"is the range of the runs, which covers the median with probability "
	"1 - 2^(1-n) (0% at n = 1, 50% at 2, 75% at 3, 93.75% at 5), shown "
	"as \"range of n: coverage\" (summary.csv: ci_kind, ci_coverage). A "
	"speedup's interval is a 95% percentile bootstrap of the ratio of the "
	"two medians, resampling both the configuration's and the baseline's "
	"runs (2000 resamples, seeded per configuration). With fewer than 5 "
	"runs the verdicts name no winner. Flags, as the run command's summary "
	"prints them: throughput CV of 5% or more, outliers (modified Z-score "
	"over 3.5; kept), few reps (under 5), short runs (under 100 ms), "
	"noisy(N) runs where other processes took over 5% of the cores.";

static int in_unit(const struct mb_report_verdict *v,
		   const struct mb_report_group *g)
{
	const struct mb_report_group *f = v->first;
	return mb_rep_str_eq(g->host, f->host) &&
	       mb_rep_str_eq(g->workload, f->workload) &&
	       mb_rep_num_eq(g->gil_us, f->gil_us) &&
	       mb_rep_num_eq(g->rate, f->rate) && mb_rep_same_arrivals(g, f) &&
	       mb_rep_same_runtime(g, f);
}

/* "hostB: mixed (Python), GIL 5000 us, open loop 2000 tasks/s, Poisson
 * arrivals" */
static void unit_name(char *buf, size_t len, const struct mb_report_verdict *v)
{
	const struct mb_report_group *f = v->first;
	int o = snprintf(buf, len, "%s: %s%s", f->host, f->workload,
			 mb_rep_python(f) ? " (Python)" : "");
	if (o > 0 && (size_t)o < len && !mb_rep_off(f->gil_us))
		o += snprintf(buf + o, len - (size_t)o, ", GIL %g us", f->gil_us);
	if (o > 0 && (size_t)o < len && !mb_rep_off(f->rate))
		o += snprintf(buf + o, len - (size_t)o, ", open loop %g tasks/s",
			      f->rate);
	if (o > 0 && (size_t)o < len && mb_rep_poisson(f))
		snprintf(buf + o, len - (size_t)o, ", Poisson arrivals");
}

/* The Machines table's cells of machine m: the name the report gives
 * it, then what it is. */
#define NMCELL 7
static const char *const mheads[NMCELL] = {
	"machine", "host", "label", "CPU", "topology", "kernel", "modebench",
};

static void machine_cells(const struct mb_report_machine *m,
			  const char *c[NMCELL])
{
	const char *v[NMCELL] = {m->name, m->host, m->label, m->cpu_model,
				 m->topology, m->kernel, m->version};
	memcpy(c, v, sizeof(v));
}

/* Column c of a failed run as text: a numeric column's text is not kept,
 * so its number is written back ("%.6g"; "" when empty or absent). */
static const char *row_field(const struct mb_report_row *r, enum mb_column c,
			     char *buf, size_t len)
{
	const char *t = mb_report_text(r, c);
	return t ? t : mb_rep_g(buf, len, mb_report_num(r, c));
}

static int io_err(FILE *f)
{
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

/* ---- Markdown --------------------------------------------------------- */

/* Text from the input or derived from it, escaped (mb_md_esc). */
static void md(FILE *f, const char *s)
{
	mb_md_esc(f, s);
}

/* The scalability fits: one row per (panel, mode) with a fit, its note
 * saying when it is exact or out of range. */
static void md_fits(const struct mb_report_summary *s, FILE *f)
{
	fprintf(f, "\n## Scalability fits\n\n"
		"Per panel and mode, against the mode's own 1-core run: "
		"S(k) = k / (1 + σ(k-1) + κk(k-1)) (USL), κ = 0 (Amdahl). "
		"σ: contention (serial fraction); κ: coherency (crosstalk); "
		"with κ > 0 throughput peaks at k* = sqrt((1-σ)/κ). A law fitted "
		"through as many core counts above 1 as it has parameters (Amdahl 1, "
		"USL 2) is exact: it has no freedom and tests nothing. σ < 0 means "
		"superlinear scaling, or noise; σ > 1 slower than on one core; κ < 0 "
		"is not physical (noise); the charts draw such fits clamped to σ in "
		"[0, 1] and κ >= 0.\n\n"
		"| panel | mode | core counts | USL σ | USL κ | peak k* | Amdahl σ | note |\n"
		"|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct mb_report_group *g = &s->groups[i];
		if (!g->pick_cpu || g->fit_points < 2)
			continue;
		char a[32], b[32], k[32], d[32];
		mb_rep_g(a, sizeof(a), g->usl_sigma);
		mb_rep_g(b, sizeof(b), g->usl_kappa);
		mb_rep_g(d, sizeof(d), g->amdahl_sigma);
		k[0] = '\0';
		if (g->usl_kappa > 0 && g->usl_sigma < 1)
			snprintf(k, sizeof(k), "%.3g",
				 sqrt((1 - g->usl_sigma) / g->usl_kappa));
		fputs("| ", f); md(f, g->panel);
		fputs(" | ", f); md(f, g->mode);
		fprintf(f, " | %d | %s | %s | %s | %s | ", g->fit_points, a[0] ? a : "too few points", b, k, d);
		md(f, g->fit_note);
		fputs(" |\n", f);
	}
}

/* One unit's table: a row per configuration. */
static void md_unit_table(const struct mb_report_verdict *v, FILE *f)
{
	char name[256], cl[NCELL][64];
	unit_name(name, sizeof(name), v);
	fputs("\n## ", f); md(f, name);
	fputs("\n\nMedians of the runs; intervals and flags as in \"How to read the "
	      "tables\".\n\n|", f);
	for (int k = 0; k < NCELL; k++)
		fprintf(f, " %s |", heads[k]);
	fputs("\n|", f);
	for (int k = 0; k < NCELL; k++)
		fputs(k < 5 || k == NCELL - 1 ? "---|" : "--:|", f);
	fputc('\n', f);
	for (size_t j = 0; j < v->ngroups; j++) {
		const struct mb_report_group *g = &v->first[j];
		if (!in_unit(v, g))
			continue;
		cells(g, cl);
		fputc('|', f);
		for (int k = 0; k < NCELL; k++) {
			fputc(' ', f); md(f, cl[k]); fputs(" |", f);
		}
		fputc('\n', f);
	}
}

int mb_report_write_md(const struct mb_report_summary *s,
		       const struct mb_report_verdict *v, size_t nv,
		       const struct mb_report_charts *c, FILE *f)
{
	char name[256];
	fprintf(f, "# modebench report\n\n");
	fprintf(f, "%zu runs read: %zu ok, %zu warm-up, %zu not ok; %zu configurations.\n\n",
		s->nrows, s->n_ok, s->n_warmup, s->n_not_ok, s->ngroups);
	fputs("## Machines\n\n|", f);
	for (int k = 0; k < NMCELL; k++)
		fprintf(f, " %s |", mheads[k]);
	fputs("\n|---|---|---|---|---|---|---|\n", f);
	for (size_t h = 0; h < s->nmachines; h++) {
		const char *mc[NMCELL];
		machine_cells(&s->machines[h], mc);
		for (int k = 0; k < NMCELL; k++) {
			fputs("| ", f); md(f, mc[k]); fputc(' ', f);
		}
		fputs("|\n", f);
	}
	fprintf(f, "\n## Verdicts\n\n");
	for (size_t i = 0; i < nv; i++) {
		unit_name(name, sizeof(name), &v[i]);
		fputs("**", f); md(f, name); fputs("**\n\n", f);
		for (size_t j = 0; j < v[i].nlines; j++) {
			fputs("- ", f); md(f, v[i].lines[j]); fputc('\n', f);
		}
		fputc('\n', f);
	}
	fprintf(f, "## Charts\n\n");
	for (size_t i = 0; c && i < c->n; i++)
		if (c->v[i].rendered)
			fprintf(f, "- [%s: %s](%s.png) ([SVG](%s.svg))\n",
				c->v[i].title, c->v[i].file, c->v[i].file,
				c->v[i].file);
	for (size_t i = 0; c && i < c->nnotes; i++) {
		fputs("- note: ", f); md(f, c->notes[i]); fputc('\n', f);
	}
	md_fits(s, f);
	fputs("\n## How to read the tables\n\n", f);
	md(f, intervals_text);
	fputc('\n', f);
	for (size_t i = 0; i < nv; i++)
		md_unit_table(&v[i], f);
	if (s->n_not_ok) {
		fprintf(f, "\n## Runs that failed\n\n| where | host | workload | mode | cores | status | error |\n|---|---|---|---|---|---|---|\n");
		for (size_t i = 0; i < s->n_not_ok; i++) {
			const struct mb_report_row *r = s->not_ok[i];
			fprintf(f, "| ");
			md(f, r->file);
			fprintf(f, ":%ld", r->line);
			static const enum mb_column cols[] = {
				MB_COL_host, MB_COL_workload, MB_COL_mode,
				MB_COL_cores, MB_COL_status, MB_COL_error};
			char cell[64];
			for (size_t k = 0; k < 6; k++) {
				fputs(" | ", f);
				md(f, row_field(r, cols[k], cell, sizeof(cell)));
			}
			fputs(" |\n", f);
		}
	}
	return io_err(f);
}

/* ---- HTML ------------------------------------------------------------- */

/* The page's look: the text column at most 1400 px wide; charts two to a
 * row, one below 1000 px; wide tables scroll inside their box instead of
 * widening the page; numbers right-aligned on one line. */
static const char css[] =
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#222}"
	"h1{margin:.2em 0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}"
	"a{color:#0B5CAD}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}"
	"th{background:#f4f4f4}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
	".scroll{overflow-x:auto;max-width:100%}"
	".top{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}.top>div{min-width:0;max-width:100%}"
	"nav.toc{background:#f8f8f8;border:1px solid #e4e4e4;padding:.3em 1em;margin:1em 0}"
	"nav.toc h2{border:0;margin:.3em 0;font-size:1.1em}nav.toc ol{margin:.2em 0;padding-left:1.4em}"
	"nav.toc>ol{columns:2 24em;column-gap:2em}nav.toc>ol>li{break-inside:avoid}"
	".charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:1em 1.5em;margin:.5em 0 1em}"
	"@media (max-width:1000px){.charts{grid-template-columns:minmax(0,1fr)}}"
	"figure{margin:0;min-width:0}figure img{display:block;width:100%;height:auto;border:1px solid #eee}"
	"figcaption{font-size:12px;color:#555}"
	".verdict li{margin:.2em 0}.note{color:#666;font-size:12px}";

/* A table of contents once the page has this many charts. */
#define TOC_MIN_CHARTS 6

/* The charts of chart i's script, from i on (the planner adds a script's
 * charts one after another): returns the index past them, and how many
 * of them were drawn in *drawn. */
static size_t chart_run(const struct mb_report_charts *c, size_t i, size_t *drawn)
{
	size_t j = i;
	*drawn = 0;
	for (; j < c->n && !strcmp(c->v[j].script, c->v[i].script); j++)
		*drawn += c->v[j].rendered != 0;
	return j;
}

static size_t charts_drawn(const struct mb_report_charts *c)
{
	size_t n = 0;
	for (size_t i = 0; c && i < c->n; i++)
		n += c->v[i].rendered != 0;
	return n;
}

/* The contents: the sections, each kind of chart and each unit's table. */
static void html_toc(const struct mb_report_summary *s,
		     const struct mb_report_verdict *v, size_t nv,
		     const struct mb_report_charts *c, FILE *f)
{
	char name[256];
	fputs("<nav class=\"toc\"><h2>Contents</h2><ol>\n"
	      "<li><a href=\"#machines\">Machines</a></li>\n"
	      "<li><a href=\"#verdicts\">Verdicts</a></li>\n", f);
	fprintf(f, "<li><a href=\"#charts\">Charts</a> (%zu)<ol>\n", charts_drawn(c));
	for (size_t i = 0, next, n; i < c->n; i = next) {
		next = chart_run(c, i, &n);
		if (!n)
			continue;
		fprintf(f, "<li><a href=\"#chart-%zu\">", i);
		mb_html_esc(f, c->v[i].title);
		fprintf(f, "</a> (%zu)</li>\n", n);
	}
	fputs("</ol></li>\n<li><a href=\"#tables\">Summary tables</a><ol>\n", f);
	for (size_t i = 0; i < nv; i++) {
		unit_name(name, sizeof(name), &v[i]);
		fprintf(f, "<li><a href=\"#unit-%zu\">", i);
		mb_html_esc(f, name);
		fputs("</a></li>\n", f);
	}
	fputs("</ol></li>\n", f);
	if (s->n_not_ok)
		fputs("<li><a href=\"#failed\">Runs that failed</a></li>\n", f);
	fputs("</ol></nav>\n", f);
}

/* The machines, the run counts and the verdicts, side by side when the
 * page is wide enough. */
static void html_top(const struct mb_report_summary *s,
		     const struct mb_report_verdict *v, size_t nv, FILE *f)
{
	char name[256];
	fputs("<div class=\"top\"><div><h2 id=\"machines\">Machines</h2>\n"
	      "<div class=\"scroll\"><table><tr>", f);
	for (int k = 0; k < NMCELL; k++)
		fprintf(f, "<th>%s</th>", mheads[k]);
	fputs("</tr>\n", f);
	for (size_t h = 0; h < s->nmachines; h++) {
		const char *vals[NMCELL];
		machine_cells(&s->machines[h], vals);
		fputs("<tr>", f);
		for (int k = 0; k < NMCELL; k++) {
			fputs("<td>", f); mb_html_esc(f, vals[k]); fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fprintf(f, "</table></div>\n<p>%zu runs read: %zu ok, %zu warm-up, %zu not ok; %zu configurations. "
		"Data: <a href=\"summary.csv\">summary.csv</a>, <a href=\"summary.md\">summary.md</a>.</p></div>\n",
		s->nrows, s->n_ok, s->n_warmup, s->n_not_ok, s->ngroups);
	fputs("<div class=\"verdict\"><h2 id=\"verdicts\">Verdicts</h2>\n", f);
	for (size_t i = 0; i < nv; i++) {
		unit_name(name, sizeof(name), &v[i]);
		fputs("<h3>", f); mb_html_esc(f, name); fputs("</h3><ul>\n", f);
		for (size_t j = 0; j < v[i].nlines; j++) {
			fputs("<li>", f); mb_html_esc(f, v[i].lines[j]); fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("</div></div>\n", f);
}

/* The drawn charts, one heading and grid per kind; a chart links its
 * SVG and shows its PNG. Then the notes on charts not drawn. */
static void html_charts(const struct mb_report_charts *c, FILE *f)
{
	fputs("<h2 id=\"charts\">Charts</h2>\n", f);
	for (size_t i = 0, next, n; c && i < c->n; i = next) {
		next = chart_run(c, i, &n);
		if (!n)
			continue;
		fprintf(f, "<h3 id=\"chart-%zu\">", i);
		mb_html_esc(f, c->v[i].title);
		fputs("</h3>\n<div class=\"charts\">\n", f);
		for (size_t j = i; j < next; j++) {
			const struct mb_report_chart *ch = &c->v[j];
			if (!ch->rendered)
				continue;
			fputs("<figure><a href=\"", f); mb_html_esc(f, ch->file);
			fputs(".svg\"><img src=\"", f); mb_html_esc(f, ch->file);
			fputs(".png\" alt=\"", f); mb_html_esc(f, ch->title);
			fputs("\"></a><figcaption>", f); mb_html_esc(f, ch->title);
			fputs(" (", f); mb_html_esc(f, ch->file); fputs(")</figcaption></figure>\n", f);
		}
		fputs("</div>\n", f);
	}
	if (!charts_drawn(c))
		fputs("<p class=\"note\">No charts were drawn.</p>\n", f);
	for (size_t i = 0; c && i < c->nnotes; i++) {
		fputs("<p class=\"note\">", f); mb_html_esc(f, c->notes[i]); fputs("</p>\n", f);
	}
}

/* One table per unit, a row per configuration. */
static void html_tables(const struct mb_report_verdict *v, size_t nv, FILE *f)
{
	char name[256], cl[NCELL][64];
	fputs("<h2 id=\"tables\">Summary tables</h2>\n<p>Medians of the runs; speedup against sync on one core. ", f);
	mb_html_esc(f, intervals_text);
	fputs(" USL σ and κ per panel and mode are in <a href=\"summary.md\">summary.md</a>.</p>\n", f);
	for (size_t i = 0; i < nv; i++) {
		unit_name(name, sizeof(name), &v[i]);
		fprintf(f, "<h3 id=\"unit-%zu\">", i); mb_html_esc(f, name);
		fputs("</h3>\n<div class=\"scroll\"><table><tr>", f);
		for (int k = 0; k < NCELL; k++)
			fprintf(f, "<th>%s</th>", heads[k]);
		fputs("</tr>\n", f);
		for (size_t j = 0; j < v[i].ngroups; j++) {
			const struct mb_report_group *g = &v[i].first[j];
			if (!in_unit(&v[i], g))
				continue;
			cells(g, cl);
			fputs("<tr>", f);
			for (int k = 0; k < NCELL; k++) {
				fputs(k >= 2 && k < NCELL - 1 ? "<td class=\"n\">" : "<td>", f);
				mb_html_esc(f, cl[k]);
				fputs("</td>", f);
			}
			fputs("</tr>\n", f);
		}
		fputs("</table></div>\n", f);
	}
}

static void html_failed(const struct mb_report_summary *s, FILE *f)
{
	char cell[64];
	static const enum mb_column cols[] = {
		MB_COL_host, MB_COL_workload, MB_COL_mode,
		MB_COL_cores, MB_COL_status, MB_COL_error};
	fputs("<h2 id=\"failed\">Runs that failed</h2>\n<div class=\"scroll\"><table><tr><th>where</th>"
	      "<th>host</th><th>workload</th><th>mode</th><th>cores</th><th>status</th>"
	      "<th>error</th></tr>\n", f);
	for (size_t i = 0; i < s->n_not_ok; i++) {
		const struct mb_report_row *r = s->not_ok[i];
		fputs("<tr><td>", f); mb_html_esc(f, r->file);
		fprintf(f, ":%ld</td>", r->line);
		for (size_t k = 0; k < 6; k++) {
			fputs("<td>", f);
			mb_html_esc(f, row_field(r, cols[k], cell, sizeof(cell)));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

int mb_report_write_html(const struct mb_report_summary *s,
			 const struct mb_report_verdict *v, size_t nv,
			 const struct mb_report_charts *c, FILE *f)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>modebench report</title><style>%s</style></head><body>\n", css);
	fputs("<h1>modebench report</h1>\n", f);
	if (c && charts_drawn(c) >= TOC_MIN_CHARTS)
		html_toc(s, v, nv, c, f);
	html_top(s, v, nv, f);
	html_charts(c, f);
	html_tables(v, nv, f);
	if (s->n_not_ok)
		html_failed(s, f);
	fputs("</body></html>\n", f);
	return io_err(f);
}
