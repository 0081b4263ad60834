/* index.html and claims.html as a browser shows them: each page is opened
 * in headless Chromium at 1400 and 800 px wide, and every image must load
 * with no error and no console message, the page must not scroll sideways,
 * the charts must stand two to a row at 1400 px and one at 800 px, and the
 * claims' text cells must be left-aligned and their figures right-aligned.
 *
 * index.html is the report of a small fixture (tests/fixtures/report/
 * machines.csv: 14 charts, so it has a table of contents). claims.html is
 * written in-process by the claims writer (cl_write_html) from claims made
 * up here, each with the chart its script draws from the data committed in
 * results/reference/claims-vm-2core/: no sweep runs.
 *
 * How the page is checked: the pages have no scripts of their own, so the
 * test opens a copy of each with one small script put first in its head.
 * Registered before anything loads, it records every error event in the
 * capture phase (an image or stylesheet that fails to load fires one on
 * its element, a script error on the window) and wraps console.error and
 * console.warn; on the load event, which waits for every image, it writes
 * one line into the page: how many images there are and how many did not
 * decode (complete, naturalWidth > 0), the errors, the chart grid's column
 * count, whether the page is wider than the window, and the computed
 * alignment of a text and a number cell. Chromium's --dump-dom prints the
 * page after the load event, and the test reads that line back; a page
 * whose line is missing fails. As a second net, Chromium runs with
 * --enable-logging=stderr, which prints every console message the page
 * produces as a CONSOLE line; the check script logs nothing, so any such
 * line fails the test. (A failed image load is not a console message in
 * that log, which is why the load checks are made in the page.)
 *
 * Without chromium (Debian's package; scripts/test installs it under CI or
 * with MB_BROWSER=1) or gnuplot the test is skipped with a note. With
 * MB_HTML_SHOTS=DIR it also leaves screenshots of both pages at both widths
 * in DIR, to look at. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "rtest.h"
#include "claims_int.h"

#define REFCLAIMS MB_SOURCE_DIR "/results/reference/claims-vm-2core/"

static const char *chromium(void)
{
	const char *c = getenv("MB_CHROMIUM");
	return c && *c ? c : "chromium";
}

static bool have_chromium(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", chromium());
	return system(cmd) == 0;
}

/* Skips the test, saying why, when a tool it needs is missing. */
static void need_tools(void)
{
	if (!have_chromium()) {
		print_message("  skipped: %s not found (apt-get install chromium, or "
			      "MB_BROWSER=1 scripts/test)\n", chromium());
		skip();
	}
	if (!rt_have_gnuplot()) {
		print_message("  skipped: gnuplot not found: the pages would have no charts\n");
		skip();
	}
}

/* ---- the check script ----------------------------------------------------- */

/* Writes "MB" "CHECK images=N broken=N errors=N console=N columns=N
 * overflow=0|1 toc=0|1 viewport=0|1 text=ALIGN number=ALIGN END", then
 * the broken images' and the errors' lines. The marker is built at run
 * time so that the script's own text never matches it. */
static const char check_js[] =
	"<script>(function(){var errs=[],logs=0;"
	"window.addEventListener('error',function(e){var t=e.target;"
	"errs.push(t&&t!==window?'load failed: '+(t.src||t.href||t.tagName):'script error: '+e.message);},true);"
	"['error','warn'].forEach(function(k){var f=console[k];console[k]=function(){logs++;"
	"errs.push('console.'+k+': '+Array.prototype.join.call(arguments,' '));return f.apply(console,arguments);};});"
	"function al(q){var e=document.querySelector(q);return e?getComputedStyle(e).textAlign:'none';}"
	"window.addEventListener('load',function(){var im=document.images,bad=[];"
	"for(var i=0;i<im.length;i++){var m=im[i];if(!m.complete||m.naturalWidth===0)bad.push('broken: '+m.getAttribute('src'));}"
	"var g=document.querySelector('.charts'),d=document.documentElement;"
	"var cols=g?getComputedStyle(g).gridTemplateColumns.split(' ').length:0;"
	"var p=document.createElement('pre');"
	"p.textContent='MB'+'CHECK images='+im.length+' broken='+bad.length+' errors='+errs.length+"
	"' console='+logs+' columns='+cols+' overflow='+(d.scrollWidth>d.clientWidth?1:0)+"
	"' toc='+(document.querySelector('nav.toc')?1:0)+"
	"' viewport='+(document.querySelector('meta[name=viewport]')?1:0)+"
	"' text='+al('table tr:nth-child(2) td:nth-child(2)')+' number='+al('td.n')+' END\\n'+"
	"bad.concat(errs).join('\\n');document.body.appendChild(p);});})();</script>";

/* A copy of page (in the same folder, so the images resolve alike) with
 * the check script first in its head, at copy. */
static void make_check_copy(const char *page, const char *copy)
{
	char *html = rt_slurp(page, NULL);
	assert_non_null(html);
	char *head = strstr(html, "<head>");
	assert_non_null(head);
	head += strlen("<head>");
	FILE *f = fopen(copy, "w");
	assert_non_null(f);
	fwrite(html, 1, (size_t)(head - html), f);
	fputs(check_js, f);
	fputs(head, f);
	assert_int_equal(fclose(f), 0);
	free(html);
}

/* What the check script found. */
struct seen {
	int images, broken, errors, console, columns, overflow, toc, viewport;
	char text[16], number[16];
	int console_lines; /* CONSOLE lines in Chromium's log */
};

/* Chromium's command line, the flags this machine needs first: without
 * the background-networking ones its connections are refused many at a
 * time. */
static int run_chromium(const char *what, const char *url, int width, const char *out)
{
	static int n;
	char profile[128], name[32];
	snprintf(name, sizeof(name), "profile-%d", n++);
	rt_path(profile, sizeof(profile), name);
	return rt_sh("timeout 120 '%s' --headless --no-sandbox --disable-gpu --disable-quic "
		     "--no-first-run --disable-background-networking --disable-component-update "
		     "--disable-sync --hide-scrollbars --user-data-dir='%s' --enable-logging=stderr "
		     "--v=0 --virtual-time-budget=15000 --window-size=%d,2000 %s 'file://%s' >'%s'",
		     chromium(), profile, width, what, url, out);
}

static int count_console(const char *log)
{
	int n = 0;
	for (const char *p = log; (p = strstr(p, ":CONSOLE")); p++) {
		const char *eol = strchr(p, '\n');
		print_error("console: %.*s\n", eol ? (int)(eol - p) : 200, p);
		n++;
	}
	return n;
}

/* Opens page at width and reads back the check script's line. */
static void look(const char *page, int width, struct seen *s)
{
	char copy[CL_PATH + 32], dom[256];
	snprintf(copy, sizeof(copy), "%s.check.html", page);
	rt_path(dom, sizeof(dom), "dom.txt");
	make_check_copy(page, copy);
	int rc = run_chromium("--dump-dom", copy, width, dom);
	char *log = rt_err();
	char *out = rt_slurp(dom, NULL);
	assert_non_null(out);
	const char *line = strstr(out, "MBCHECK images=");
	if (rc != 0 || !line)
		print_error("%s at %d px: chromium exit %d, no check line; its log:\n%s\n", page,
			    width, rc, log);
	assert_int_equal(rc, 0);
	assert_non_null(line);
	memset(s, 0, sizeof(*s));
	int got = sscanf(line, "MBCHECK images=%d broken=%d errors=%d console=%d columns=%d "
			 "overflow=%d toc=%d viewport=%d text=%15s number=%15s", &s->images,
			 &s->broken, &s->errors, &s->console, &s->columns, &s->overflow, &s->toc,
			 &s->viewport, s->text, s->number);
	const char *end = strstr(line, "</pre>");
	print_message("  %s at %d px: %.*s\n", strrchr(page, '/') + 1, width,
		      end ? (int)(end - line) : 300, line);
	assert_int_equal(got, 10);
	s->console_lines = count_console(log);
	free(out);
	free(log);
	remove(copy);
	const char *shots = getenv("MB_HTML_SHOTS");
	if (shots && *shots) {
		char png[512], base[64];
		snprintf(base, sizeof(base), "%s", strrchr(page, '/') + 1);
		*strrchr(base, '.') = '\0';
		snprintf(png, sizeof(png), "--screenshot='%s/%s-%d.png'", shots, base, width);
		assert_int_equal(run_chromium(png, page, width, "/dev/null"), 0);
	}
}

/* What every page must show at any width. */
static void assert_clean(const struct seen *s)
{
	assert_true(s->images > 0);
	assert_int_equal(s->broken, 0);
	assert_int_equal(s->errors, 0);
	assert_int_equal(s->console, 0);
	assert_int_equal(s->console_lines, 0);
	assert_int_equal(s->overflow, 0);
	assert_int_equal(s->viewport, 1);
	assert_string_equal(s->text, "left");
	assert_string_equal(s->number, "right");
}

/* ---- index.html ----------------------------------------------------------- */

static void test_index_html(void **state)
{
	char dir[128], page[160];
	struct seen s;
	need_tools();
	rt_path(dir, sizeof(dir), "report");
	assert_int_equal(rt_sh("%s report -q -o '%s' " FIX "machines.csv", rt_modebench(), dir), 0);
	snprintf(page, sizeof(page), "%s/index.html", dir);

	look(page, 1400, &s);
	assert_clean(&s);
	assert_int_equal(s.images, 14);
	assert_int_equal(s.toc, 1);
	assert_int_equal(s.columns, 2);

	look(page, 800, &s);
	assert_clean(&s);
	assert_int_equal(s.columns, 1);
}

/* A report with few charts has no table of contents. */
static void test_index_no_toc(void **state)
{
	char dir[128], page[160];
	if (!rt_have_gnuplot())
		skip();
	rt_path(dir, sizeof(dir), "few");
	assert_int_equal(rt_sh("%s report -q -o '%s' " FIX "known.csv", rt_modebench(), dir), 0);
	snprintf(page, sizeof(page), "%s/index.html", dir);
	char *html = rt_slurp(page, NULL);
	assert_non_null(html);
	assert_non_null(strstr(html, "<img "));
	assert_null(strstr(html, "<nav class=\"toc\""));
	assert_non_null(strstr(html, "<meta name=\"viewport\""));
	free(html);
}

/* ---- claims.html ---------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
	size_t n = 0;
	char *b = rt_slurp(from, &n);
	assert_non_null(b);
	FILE *f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(b);
}

/* The committed chart data of claims-vm-2core and the script of each. */
static const struct {
	const char *script, *data;
} claim_charts[] = {
	{"claims_waits.gp", "claim1.dat"}, {"claims_cpu.gp", "claim2.dat"},
	{"claims_switch.gp", "claim3.dat"}, {"claims_tail.gp", "claim4.dat"},
	{"claims_scaling.gp", "claim5.dat"}, {"claims_gil.gp", "claim6.dat"},
	{"claims_breakfast.gp", "claim7.dat"},
};
#define NCLAIMS (sizeof(claim_charts) / sizeof(claim_charts[0]))

/* Claim i (1-based; 0 the timeline), made up around its committed chart:
 * every part a real claim has, a table of labels and figures with a cell
 * that is not a number, and each verdict in turn. */
static void make_claim(struct cl_ctx *ctx, struct cl_claim *c, unsigned i)
{
	static const char *const titles[] = {
		"Timeline: sync vs async on the same small batch",
		"A claim whose text is long enough to wrap in the table of verdicts, "
		"so that its alignment shows: it must read from the left.",
	};
	char png[32], cap[96];
	cl_claim_init(c, (int)i, titles[i ? 1 : 0]);
	c->verdict = (enum cl_verdict)(i % 3);
	cl_experiment(c, "A fixture for claim %u: *emphasis* & <markup> shown as text.", i);
	cl_why(c, "Made up for the test from the committed chart data (*claims-vm-2core*).");
	snprintf(c->cmd[c->ncmd++], CL_CMDLEN, "modebench run -w cpu -m sync,async -c 1 -C 1 -d 200ms -o claim%u.csv", i);
	cl_head(c, "mode", "C", "tasks/s", "vs sync", NULL);
	static const char *const modes[] = {"sync", "async", "threads"};
	for (unsigned r = 0; r < 3; r++) {
		unsigned row = cl_row(c);
		cl_cell(c, row, 0, "%s", modes[r]);
		cl_cell(c, row, 1, "%u", 1u << (2 * r));
		cl_cell(c, row, 2, "%u [%u, %u]", 9000 + r, 8900 + r, 9100 + r);
		if (r == 2)
			cl_cell(c, row, 3, "not run");
		else
			cl_cell(c, row, 3, "%.2fx [0.98, 1.01]", 1.0 + r);
	}
	cl_note(c, "A note with *emphasis*.");
	if (i) {
		snprintf(png, sizeof(png), "claim%u.png", i);
		snprintf(cap, sizeof(cap), "Claim %u: the chart of the committed data", i);
		assert_int_equal(cl_chart(ctx, c, 0, claim_charts[i - 1].script,
					  claim_charts[i - 1].data, png, NULL, cap), 0);
	} else {
		assert_int_equal(cl_chart(ctx, c, 0, "timeline.gp", "timeline_trace.csv",
					  "timeline.png", "name='fixture'", "The timeline"), 0);
	}
}

static void test_claims_html(void **state)
{
	static struct cl_ctx ctx;
	static struct cl_claim claims[NCLAIMS + 1];
	struct cl_claim *cl[NCLAIMS + 1];
	char from[512], to[CL_PATH + 64], page[CL_PATH + 16];
	struct seen s;
	need_tools();

	memset(&ctx, 0, sizeof(ctx));
	rt_path(ctx.dir, sizeof(ctx.dir), "claims");
	assert_int_equal(mkdir(ctx.dir, 0755), 0);
	cl_find_tools(&ctx);
	assert_true(ctx.have_scripts && ctx.have_gnuplot);
	ctx.quiet = true;
	ctx.k = 2;
	ctx.reps = 5;
	ctx.warmup = 1;
	snprintf(ctx.host, sizeof(ctx.host), "fixture");
	snprintf(ctx.cpu_model, sizeof(ctx.cpu_model), "Test CPU");
	snprintf(ctx.topology, sizeof(ctx.topology), "1pkg/2core");
	snprintf(ctx.kernel, sizeof(ctx.kernel), "Linux 6.1");
	snprintf(ctx.version, sizeof(ctx.version), "0.1.0-test");
	for (unsigned i = 0; i <= NCLAIMS; i++) {
		const char *data = i ? claim_charts[i - 1].data : "timeline_trace.csv";
		snprintf(from, sizeof(from), REFCLAIMS "%s", data);
		snprintf(to, sizeof(to), "%s/%s", ctx.dir, data);
		copy_file(from, to);
	}
	for (unsigned i = 0; i <= NCLAIMS; i++) {
		cl[i] = &claims[i < NCLAIMS ? i + 1 : 0];
		make_claim(&ctx, cl[i], i < NCLAIMS ? i + 1 : 0);
	}
	assert_int_equal(ctx.status, 0);
	snprintf(page, sizeof(page), "%s/claims.html", ctx.dir);
	FILE *f = fopen(page, "w");
	assert_non_null(f);
	assert_int_equal(cl_write_html(&ctx, cl, NCLAIMS + 1, 1.0, f), 0);
	assert_int_equal(fclose(f), 0);

	look(page, 1400, &s);
	assert_clean(&s);
	assert_int_equal(s.images, NCLAIMS + 1);
	look(page, 800, &s);
	assert_clean(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_html, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_index_no_toc, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_claims_html, rt_setup, rt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
