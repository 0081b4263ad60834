/* The claims report: one section per claim (the claim, the experiment in
 * one sentence, the commands, the verdict and why, a table of medians with
 * their intervals, notes, charts), written as claims.md and claims.html
 * from the same structures so the two never disagree. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "claims_int.h"
#include "base.h"

void cl_claim_init(struct cl_claim *c, int num, const char *title)
{
	memset(c, 0, sizeof(*c));
	c->num = num;
	c->title = title;
	c->verdict = CL_INCONCLUSIVE;
}

#define VFORMAT(buf, len, fmt)                    \
	do {                                      \
		va_list ap_;                      \
		va_start(ap_, fmt);               \
		vsnprintf(buf, len, fmt, ap_);    \
		va_end(ap_);                      \
	} while (0)

void cl_experiment(struct cl_claim *c, const char *fmt, ...)
{
	VFORMAT(c->experiment, sizeof(c->experiment), fmt);
}

void cl_why(struct cl_claim *c, const char *fmt, ...)
{
	VFORMAT(c->why, sizeof(c->why), fmt);
}

/* Notes past CL_MAXNOTE are dropped: no claim writes that many. */
void cl_note(struct cl_claim *c, const char *fmt, ...)
{
	if (c->nnote < CL_MAXNOTE) {
		VFORMAT(c->note[c->nnote], sizeof(c->note[c->nnote]), fmt);
		c->nnote++;
	}
}

void cl_head(struct cl_claim *c, ...)
{
	va_list ap;
	const char *h;
	va_start(ap, c);
	c->ncol = 0;
	while ((h = va_arg(ap, const char *)) && c->ncol < CL_MAXCOL)
		snprintf(c->head[c->ncol++], CL_CELL, "%s", h);
	va_end(ap);
}

unsigned cl_row(struct cl_claim *c)
{
	if (c->nrow == CL_MAXROW)
		return CL_MAXROW - 1; /* the last row gets overwritten: never expected */
	return c->nrow++;
}

void cl_cell(struct cl_claim *c, unsigned row, unsigned col, const char *fmt, ...)
{
	if (row < CL_MAXROW && col < CL_MAXCOL)
		VFORMAT(c->cell[row][col], CL_CELL, fmt);
}

/* "Claim N: the claim", or the title alone for the timeline. */
static const char *heading(const struct cl_claim *c, char *buf, size_t len)
{
	if (c->num)
		snprintf(buf, len, "Claim %d: %s", c->num, c->title);
	else
		snprintf(buf, len, "%s", c->title);
	return buf;
}

/* The note on runs disturbed by other processes, or NULL. */
static const char *disturbed(const struct cl_claim *c, char *buf, size_t len)
{
	if (!c->n_disturbed || !c->num) /* the timeline only illustrates */
		return NULL;
	snprintf(buf, len, "%u of the %u measured runs %s disturbed: other processes took "
		 "more than %.0f%% of their pinned cores (the CSV's outside_load). They were set "
		 "aside wherever a configuration kept at least %d undisturbed runs%s", c->n_disturbed,
		 c->n_runs, c->n_disturbed == 1 ? "was" : "were", 100 * CL_MAX_OUTSIDE, CL_MIN_RUNS,
		 c->tainted ? "; where it did not, its figures include them and the verdict is "
			      "left inconclusive." : ".");
	return buf;
}

/* The report's first paragraph: the machine (from the first CSV read
 * back), k, the suite's size and when it finished. */
static void intro(const struct cl_ctx *ctx, double runtime_s, char *buf, size_t len)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	snprintf(buf, len,
		 "Host %s (%s, %s), %s, modebench %s. Multi-core modes use k = %u cores (all "
		 "of them). Suite: %s, %u repetitions after %u warmup run%s per configuration; "
		 "finished %s after %.0f s.",
		 ctx->host[0] ? ctx->host : "?", ctx->cpu_model, ctx->topology, ctx->kernel,
		 ctx->version, ctx->k, ctx->quick ? "--quick (small and fast: indicative only)" :
		 "full", ctx->reps, ctx->warmup, ctx->warmup == 1 ? "" : "s", when, runtime_s);
}

static const char method_fmt[] =
	"Each figure is the median over the repetitions; each interval in brackets is "
	"its 95%% confidence interval by the percentile bootstrap (%d resamples of the "
	"repetitions, each configuration resampled independently), of a median or of a "
	"ratio of two medians. Every interval draws its own stream of resamples, seeded "
	"from seed %d, the statistic's name and the runs' values, so the same CSVs give the "
	"same report and no two intervals share resamples; resamples where the statistic "
	"is undefined (a ratio over a zero median) are left out of the interval and "
	"counted beside it. A verdict is *holds* when the intervals clear "
	"the thresholds stated with it, *does not hold* when an interval lies entirely on "
	"the wrong side of one, and *inconclusive* otherwise. A bound printed beside a "
	"threshold has as many digits as it takes to show which side of it it lies on. "
	"Latencies come from histograms that keep a value to within 1/128 of itself: two "
	"latencies within one bucket of each other are not told apart. With 3 to 5 "
	"repetitions an "
	"interval spans roughly the range of the runs. Runs during which other processes "
	"took more than %.0f%% of the pinned cores (the CSV's outside_load; measurable on "
	"runs of %.1f s or more) are set aside; a "
	"configuration left with fewer than %d runs keeps them for its figures, but then "
	"its claim's verdict is inconclusive.";

/* The method paragraph, with the thresholds of claims_int.h filled in. */
static const char *method(char *buf, size_t len)
{
	snprintf(buf, len, method_fmt, CL_BOOT, CL_SEED, 100 * CL_MAX_OUTSIDE, CL_MIN_LOAD_WALL,
		 CL_MIN_RUNS);
	return buf;
}

/* ---- Markdown ----------------------------------------------------------- */

static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : (char[2]){ *s, 0 }, f);
}

/* A claim's table: the header, the alignment row (numbers to the
 * right), one line per row. Nothing when the claim has no table. */
static void md_table(FILE *f, const struct cl_claim *c)
{
	if (!c->ncol || !c->nrow)
		return;
	for (unsigned j = 0; j < c->ncol; j++) {
		fputs("| ", f);
		md_cell(f, c->head[j]);
		fputs(" ", f);
	}
	fputs("|\n", f);
	for (unsigned j = 0; j < c->ncol; j++)
		fputs(j ? "|---:" : "|---", f);
	fputs("|\n", f);
	for (unsigned r = 0; r < c->nrow; r++) {
		for (unsigned j = 0; j < c->ncol; j++) {
			fputs("| ", f);
			md_cell(f, c->cell[r][j]);
			fputs(" ", f);
		}
		fputs("|\n", f);
	}
	fputs("\n", f);
}

/* One claim's section: its anchor and heading, the verdict and why, the
 * experiment, the commands, the table, the notes (the disturbed-runs note
 * last) and the charts with their redraw commands. */
static void md_section(FILE *f, const struct cl_claim *c)
{
	char buf[1024], h[512];

	fprintf(f, "\n<a id=\"claim-%d\"></a>\n## %s\n\n", c->num, heading(c, h, sizeof(h)));
	if (c->num)
		fprintf(f, "**Verdict: %s.** %s\n\n", cl_verdict_word(c->verdict), c->why);
	else if (c->why[0])
		fprintf(f, "%s\n\n", c->why);
	fprintf(f, "*Experiment.* %s\n\n", c->experiment);
	if (c->ncmd) {
		fprintf(f, "Command%s:\n\n```sh\n", c->ncmd > 1 ? "s" : "");
		for (unsigned j = 0; j < c->ncmd; j++)
			fprintf(f, "%s\n", c->cmd[j]);
		fprintf(f, "```\n\n");
	}
	md_table(f, c);
	const char *dist = disturbed(c, buf, sizeof(buf));
	for (unsigned j = 0; j < c->nnote; j++)
		fprintf(f, "- %s\n", c->note[j]);
	if (dist)
		fprintf(f, "- %s\n", dist);
	if (c->nnote || dist)
		fputs("\n", f);
	for (unsigned j = 0; j < c->nchart; j++) {
		if (c->chart[j][0])
			fprintf(f, "![%s](%s)\n\n", c->caption[j], c->chart[j]);
		else
			fprintf(f, "*Chart: %s.*\n\n", c->caption[j]);
		if (c->redraw[j][0])
			fprintf(f, "<sub>Redraw: `%s`</sub>\n\n", c->redraw[j]);
	}
}

/* The title, the intro and the method, the table of verdicts (claims
 * only, linked to their sections), then every section in order. Returns
 * 0, or -1 when f reports an error. */
int cl_write_md(const struct cl_ctx *ctx, struct cl_claim *const *cl, unsigned n,
		double runtime_s, FILE *f)
{
	char buf[1024], m[2048];

	intro(ctx, runtime_s, buf, sizeof(buf));
	fprintf(f, "# Folklore about execution models, measured on this machine\n\n%s\n\n%s\n\n",
		buf, method(m, sizeof(m)));
	fprintf(f, "| # | claim | verdict |\n|---|---|---|\n");
	for (unsigned i = 0; i < n; i++)
		if (cl[i]->num) {
			fprintf(f, "| [%d](#claim-%d) | ", cl[i]->num, cl[i]->num);
			md_cell(f, cl[i]->title);
			fprintf(f, " | **%s** |\n", cl_verdict_word(cl[i]->verdict));
		}
	for (unsigned i = 0; i < n; i++)
		md_section(f, cl[i]);
	return ferror(f) ? -1 : 0;
}

/* ---- HTML ------------------------------------------------------------------ */

/* Text with the markdown emphasis (*x*) the writers use turned into <em>. */
static void esc_em(FILE *f, const char *s)
{
	bool open = false;
	char one[2] = { 0, 0 };
	for (; *s; s++) {
		if (*s == '*') {
			fputs(open ? "</em>" : "<em>", f);
			open = !open;
			continue;
		}
		one[0] = *s;
		mb_html_esc(f, one);
	}
	if (open)
		fputs("</em>", f);
}

/* The report's look (index.html): the same font, headings and tables;
 * text left-aligned, numbers right-aligned on one line; a wide table
 * scrolls in its box instead of widening the page. */
static const char css[] =
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222}"
	"h1{margin:.2em 0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}"
	"a{color:#0B5CAD}"
	"table{border-collapse:collapse;margin:1em 0}"
	"td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}"
	"th{background:#f4f4f4}td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
	".scroll{overflow-x:auto;max-width:100%}"
	"pre{background:#f4f4f4;padding:.6em;overflow-x:auto}"
	".v{padding:.5em .8em;border-left:6px solid #999;background:#f8f8f8}"
	".holds{border-color:#2a9d3a}.fails{border-color:#c0392b}.inconclusive{border-color:#e0a800}"
	"figure{margin:1em 0}figure img{display:block;max-width:100%;height:auto;border:1px solid #eee}"
	"figcaption{font-size:12px;color:#555}";

/* Whether a cell reads as a number ("1.99x [1.95, 2.01]", "-3 ms"). */
static bool numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.')
		s++;
	return *s >= '0' && *s <= '9';
}

/* Column j of the claim's table holds figures (right-aligned): not the
 * first, which names the rows, and some cell of it reads as a number. */
static bool numeric_col(const struct cl_claim *c, unsigned j)
{
	for (unsigned r = 0; j && r < c->nrow; r++)
		if (numeric(c->cell[r][j]))
			return true;
	return false;
}

/* A claim's table, header row first, figures right-aligned. Nothing
 * when it has none. */
static void html_table(FILE *f, const struct cl_claim *c)
{
	if (!c->ncol || !c->nrow)
		return;
	bool num[CL_MAXCOL];
	for (unsigned j = 0; j < c->ncol; j++)
		num[j] = numeric_col(c, j);
	fputs("<div class=\"scroll\"><table><tr>", f);
	for (unsigned j = 0; j < c->ncol; j++) {
		fputs(num[j] ? "<th class=\"n\">" : "<th>", f);
		mb_html_esc(f, c->head[j]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (unsigned r = 0; r < c->nrow; r++) {
		fputs("<tr>", f);
		for (unsigned j = 0; j < c->ncol; j++) {
			fputs(num[j] ? "<td class=\"n\">" : "<td>", f);
			mb_html_esc(f, c->cell[r][j]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/* The notes as a list, the disturbed-runs note last (plain text: it has
 * no emphasis). Nothing when there are none. */
static void html_notes(FILE *f, const struct cl_claim *c)
{
	char buf[1024];
	const char *dist = disturbed(c, buf, sizeof(buf));

	if (!c->nnote && !dist)
		return;
	fputs("<ul>\n", f);
	for (unsigned j = 0; j < c->nnote; j++) {
		fputs("<li>", f);
		esc_em(f, c->note[j]);
		fputs("</li>\n", f);
	}
	if (dist) {
		fputs("<li>", f);
		mb_html_esc(f, dist);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* Each chart as a figure with its caption, or the caption alone when it
 * was not drawn, then its redraw command. */
static void html_charts(FILE *f, const struct cl_claim *c)
{
	for (unsigned j = 0; j < c->nchart; j++) {
		if (c->chart[j][0]) {
			fputs("<figure><img src=\"", f);
			mb_html_esc(f, c->chart[j]);
			fputs("\" alt=\"", f);
			mb_html_esc(f, c->caption[j]);
			fputs("\"><figcaption>", f);
			mb_html_esc(f, c->caption[j]);
			fputs("</figcaption></figure>\n", f);
		} else {
			fputs("<p><em>Chart: ", f);
			mb_html_esc(f, c->caption[j]);
			fputs(".</em></p>\n", f);
		}
		if (c->redraw[j][0]) {
			fputs("<p><small>Redraw: <code>", f);
			mb_html_esc(f, c->redraw[j]);
			fputs("</code></small></p>\n", f);
		}
	}
}

/* One claim's section, in the order of md_section; the verdict's box is
 * coloured by its class (holds, fails, inconclusive). */
static void html_section(FILE *f, const struct cl_claim *c)
{
	static const char *cls[] = { "inconclusive", "holds", "fails" };
	char h[512];

	fprintf(f, "<h2 id=\"claim-%d\">", c->num);
	mb_html_esc(f, heading(c, h, sizeof(h)));
	fputs("</h2>\n", f);
	if (c->num) {
		fprintf(f, "<p class=\"v %s\"><b>Verdict: %s.</b> ", cls[c->verdict],
			cl_verdict_word(c->verdict));
		esc_em(f, c->why);
		fputs("</p>\n", f);
	} else if (c->why[0]) {
		fputs("<p>", f);
		esc_em(f, c->why);
		fputs("</p>\n", f);
	}
	fputs("<p><em>Experiment.</em> ", f);
	esc_em(f, c->experiment);
	fputs("</p>\n", f);
	if (c->ncmd) {
		fputs("<pre><code>", f);
		for (unsigned j = 0; j < c->ncmd; j++) {
			mb_html_esc(f, c->cmd[j]);
			fputs("\n", f);
		}
		fputs("</code></pre>\n", f);
	}
	html_table(f, c);
	html_notes(f, c);
	html_charts(f, c);
}

/* The same document as cl_write_md, as one self-contained HTML page (the
 * style inline, the charts beside it in DIR). Returns 0, or -1 when f
 * reports an error. */
int cl_write_html(const struct cl_ctx *ctx, struct cl_claim *const *cl, unsigned n,
		  double runtime_s, FILE *f)
{
	char buf[1024], m[2048];

	intro(ctx, runtime_s, buf, sizeof(buf));
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		   "<title>modebench claims</title><style>%s</style></head><body>\n", css);
	fputs("<h1>Folklore about execution models, measured on this machine</h1>\n<p>", f);
	mb_html_esc(f, buf);
	fputs("</p>\n<p>", f);
	esc_em(f, method(m, sizeof(m)));
	fputs("</p>\n<div class=\"scroll\"><table><tr><th>#</th><th>claim</th><th>verdict</th></tr>\n", f);
	for (unsigned i = 0; i < n; i++)
		if (cl[i]->num) {
			fprintf(f, "<tr><td><a href=\"#claim-%d\">%d</a></td><td>", cl[i]->num,
				cl[i]->num);
			mb_html_esc(f, cl[i]->title);
			fprintf(f, "</td><td><b>%s</b></td></tr>\n", cl_verdict_word(cl[i]->verdict));
		}
	fputs("</table></div>\n", f);
	for (unsigned i = 0; i < n; i++)
		html_section(f, cl[i]);
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
