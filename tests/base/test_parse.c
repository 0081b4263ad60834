/* Tests of harness/base/parse.h (durations, sizes, counts, lists) and
 * workloads/step.h (recipes, presets, calibration). Step kinds are taken
 * from the registry, so a new kind is covered by construction. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mb.h"
#include "parse.h"
#include "step.h"
#include "step.h"

#define NS_US 1000ull
#define NS_MS 1000000ull
#define NS_S 1000000000ull

/* ---- durations */

static void test_duration_accepts(void **state)
{
	static const struct {
		const char *s;
		uint64_t ns;
	} ok[] = {
		{ "800ns", 800 },	    { "1ns", 1 },	       { "250us", 250 * NS_US },
		{ "10ms", 10 * NS_MS },	    { "1s", NS_S },	       { "1.5s", 1500 * NS_MS },
		{ "0.5ms", 500 * NS_US },   { "2.25us", 2250 },	       { ".5s", 500 * NS_MS },
		{ "100s", 100 * NS_S },	    { "3600s", 3600 * NS_S },  { "0.001s", NS_MS },
		{ "1.000000ms", NS_MS },   { "1e3ns", NS_US },
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t ns = 12345;
		int rc = mb_parse_duration(ok[i].s, &ns, 0);
		if (rc || ns != ok[i].ns)
			print_error("'%s': rc %d ns %llu, expected %llu\n", ok[i].s, rc,
				    (unsigned long long)ns, (unsigned long long)ok[i].ns);
		assert_int_equal(rc, 0);
		assert_int_equal(ns, ok[i].ns);
	}
}

static void test_duration_rejects(void **state)
{
	static const char *bad[] = {
		"",	 "10",	  "0.5",   "-1s",   "-1ms",  "+1s",  "s",	  "ms",
		"1m",	 "1h",	  "1sec",  "1 s",   " 1s",   "1s ",  "1S",	  "1MS",
		"10xs",	 "1ms1",  "1..5s", "nan",   "inf",   "infs", "1,5ms", "ms1",
		"1e400s", "0s",	  "0ns",   "0.0ms", "0ms",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t ns = 0;
		int rc = mb_parse_duration(bad[i], &ns, 0);
		if (rc == 0)
			print_error("'%s' accepted as %llu ns\n", bad[i], (unsigned long long)ns);
		assert_true(rc == -EINVAL || rc == -ERANGE);
	}
	uint64_t ns = 1;
	assert_true(mb_parse_duration(NULL, &ns, 1) < 0);
}

static void test_duration_zero_when_allowed(void **state)
{
	uint64_t ns = 99;
	assert_int_equal(mb_parse_duration("0s", &ns, 1), 0);
	assert_int_equal(ns, 0);
	ns = 99;
	assert_int_equal(mb_parse_duration("0ms", &ns, 1), 0);
	assert_int_equal(ns, 0);
	assert_true(mb_parse_duration("0s", &ns, 0) < 0);
	/* allow_zero does not relax anything else */
	assert_true(mb_parse_duration("0", &ns, 1) < 0);
	assert_true(mb_parse_duration("-0s", &ns, 1) < 0);
	assert_true(mb_parse_duration("-1s", &ns, 1) < 0);
	assert_int_equal(mb_parse_duration("5ms", &ns, 1), 0);
	assert_int_equal(ns, 5 * NS_MS);
}

static void test_fmt_duration(void **state)
{
	static const struct {
		uint64_t ns;
		const char *s; /* NULL: only the round trip is checked */
	} cases[] = {
		{ 800, "800ns" },	{ 250 * NS_US, "250us" }, { NS_S, "1s" },
		{ 5 * NS_MS, "5ms" },	{ 90 * NS_S, "90s" },	  { 750 * NS_US, "750us" },
		{ 1500 * NS_US, NULL }, { 1500, NULL },		  { 1, NULL },
		{ 2500 * NS_MS, NULL }, { 123456789, NULL },
	};
	char buf[32];
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t back = 0;
		const char *s = mb_fmt_duration(cases[i].ns, buf, sizeof(buf));
		assert_ptr_equal(s, buf);
		if (cases[i].s)
			assert_string_equal(buf, cases[i].s);
		/* what is printed parses back to the same value (to the 6
		 * significant digits printed) */
		assert_int_equal(mb_parse_duration(buf, &back, 0), 0);
		if (cases[i].ns != 123456789)
			assert_int_equal(back, cases[i].ns);
		else
			assert_true(back >= 123456000 && back <= 123457000);
	}
}

/* ---- sizes */

static void test_size(void **state)
{
	static const struct {
		const char *s;
		uint64_t b;
	} ok[] = {
		{ "512B", 512 },	   { "512", 512 },	       { "1", 1 },
		{ "4KiB", 4096 },	   { "64k", 65536 },	       { "1K", 1024 },
		{ "1MiB", 1ull << 20 },	   { "2M", 2ull << 20 },       { "1GiB", 1ull << 30 },
		{ "3G", 3ull << 30 },	   { "1.5KiB", 1536 },	       { "0.5MiB", 1ull << 19 },
		{ "4096B", 4096 },
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t b = 0;
		int rc = mb_parse_size(ok[i].s, &b);
		if (rc || b != ok[i].b)
			print_error("'%s': rc %d bytes %llu, expected %llu\n", ok[i].s, rc,
				    (unsigned long long)b, (unsigned long long)ok[i].b);
		assert_int_equal(rc, 0);
		assert_int_equal(b, ok[i].b);
	}
	static const char *bad[] = { "",     "-1",	"-4KiB", "4kb",	 "4 KiB", " 4KiB", "4KiB ",
				     "KiB",  "4TiB",	"4KB",	 "0.3B", "1.1",	  "4Kib",  "4MB",
				     "abc",  "1e400" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t b = 0;
		int rc = mb_parse_size(bad[i], &b);
		if (rc == 0)
			print_error("size '%s' accepted as %llu\n", bad[i], (unsigned long long)b);
		assert_true(rc == -EINVAL || rc == -ERANGE);
	}
}

/* ---- counts */

static void test_count(void **state)
{
	static const struct {
		const char *s;
		uint64_t n;
	} ok[] = {
		{ "1", 1 },	       { "1000", 1000 },	{ "10k", 10000 },
		{ "2M", 2000000 },     { "1G", 1000000000 },	{ "1.5k", 1500 },
		{ "0.5M", 500000 },    { "200", 200 },
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t n = 0;
		int rc = mb_parse_count(ok[i].s, &n);
		if (rc || n != ok[i].n)
			print_error("'%s': rc %d n %llu, expected %llu\n", ok[i].s, rc,
				    (unsigned long long)n, (unsigned long long)ok[i].n);
		assert_int_equal(rc, 0);
		assert_int_equal(n, ok[i].n);
	}
	static const char *bad[] = { "0",  "0k",  "0.0", "1.5", "0.5",	"1.0001k", "-1", "-5k",
				     "",   "k",	  "1Ki", "1KiB", "1 k", " 1",	"1 ",	   "1e400",
				     "abc", "1x", "+3" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t n = 0;
		int rc = mb_parse_count(bad[i], &n);
		if (rc == 0)
			print_error("count '%s' accepted as %llu\n", bad[i], (unsigned long long)n);
		assert_true(rc == -EINVAL || rc == -ERANGE);
	}
}

static void test_double(void **state)
{
	double d = -1;
	assert_int_equal(mb_parse_double("0.25", &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(mb_parse_double("1e3", &d), 0);
	assert_true(d == 1000);
	assert_int_equal(mb_parse_double("0", &d), 0);
	assert_true(d == 0);
	static const char *bad[] = { "", "-1", "-0.5", "abc", "1.5x", "nan", "inf", " 1", "1 " };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(mb_parse_double(bad[i], &d) < 0);
}

/* ---- lists */

struct items {
	unsigned n;
	char v[8][64];
	unsigned stop_at; /* return 7 on this item (1-based), 0: never */
};

static int collect(const char *item, void *arg)
{
	struct items *it = arg;
	assert_true(it->n < 8);
	snprintf(it->v[it->n], sizeof(it->v[0]), "%s", item);
	it->n++;
	return it->stop_at && it->n == it->stop_at ? 7 : 0;
}

static void test_list(void **state)
{
	struct items it;

	memset(&it, 0, sizeof(it));
	assert_int_equal(mb_list_foreach("a,bb,c", collect, &it), 0);
	assert_int_equal(it.n, 3);
	assert_string_equal(it.v[0], "a");
	assert_string_equal(it.v[1], "bb");
	assert_string_equal(it.v[2], "c");

	memset(&it, 0, sizeof(it));
	assert_int_equal(mb_list_foreach("single", collect, &it), 0);
	assert_int_equal(it.n, 1);
	assert_string_equal(it.v[0], "single");

	/* items are trimmed */
	memset(&it, 0, sizeof(it));
	assert_int_equal(mb_list_foreach(" x , y ", collect, &it), 0);
	assert_int_equal(it.n, 2);
	assert_string_equal(it.v[0], "x");
	assert_string_equal(it.v[1], "y");

	/* empty items are rejected */
	static const char *bad[] = { "", "a,,b", ",a", "a,", ",", " , a", "a, ,b" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&it, 0, sizeof(it));
		int rc = mb_list_foreach(bad[i], collect, &it);
		if (rc != -EINVAL)
			print_error("list '%s': rc %d\n", bad[i], rc);
		assert_int_equal(rc, -EINVAL);
	}
	assert_int_equal(mb_list_foreach(NULL, collect, &it), -EINVAL);

	/* a callback's non-zero return stops the walk and is passed back */
	memset(&it, 0, sizeof(it));
	it.stop_at = 2;
	assert_int_equal(mb_list_foreach("a,b,c,d", collect, &it), 7);
	assert_int_equal(it.n, 2);
}

/* ---- recipes */

static void assert_one_line(const char *err)
{
	assert_true(err[0] != 0);
	assert_null(strchr(err, '\n'));
	assert_null(strchr(err, '\r'));
}

static void test_recipe_single_steps(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);

	err[0] = 0;
	assert_int_equal(mb_recipe_parse("cpu:100", r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, 1);
	assert_int_equal(r->max_branches, 1);
	assert_int_equal(r->st[0].nbranches, 1);
	assert_int_equal(r->st[0].br[0].nsteps, 1);
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_cpu);
	assert_int_equal(r->st[0].br[0].steps[0].a, 100);
	assert_int_equal(r->st[0].br[0].steps[0].dur_ns, 0);
	assert_string_equal(r->text, "cpu:100");
	assert_int_equal(mb_recipe_work_units(r), 100);
	assert_int_equal(mb_recipe_wait_ns(r), 0);
	assert_true(mb_recipe_uses(r, &mb_step_cpu));
	assert_false(mb_recipe_uses(r, &mb_step_sleep));

	assert_int_equal(mb_recipe_parse("cpu:2k", r, err, sizeof(err)), 0);
	assert_int_equal(r->st[0].br[0].steps[0].a, 2000);

	assert_int_equal(mb_recipe_parse("cpu:1ms", r, err, sizeof(err)), 0);
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_cpu);
	assert_int_equal(r->st[0].br[0].steps[0].dur_ns, NS_MS);

	assert_int_equal(mb_recipe_parse("sleep:1ms", r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, 1);
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_sleep);
	assert_int_equal(r->st[0].br[0].steps[0].a, NS_MS);
	assert_int_equal(mb_recipe_wait_ns(r), NS_MS);
	assert_int_equal(mb_recipe_work_units(r), 0);
	assert_true(mb_recipe_uses(r, &mb_step_sleep));

	assert_int_equal(mb_recipe_parse("sleep:250us", r, err, sizeof(err)), 0);
	assert_int_equal(r->st[0].br[0].steps[0].a, 250 * NS_US);
	free(r);
}

/* A plausible argument for each kind; the registry decides which kinds
 * there are. */
static const char *plausible_arg(const char *kind)
{
	static const struct {
		const char *kind, *arg;
	} args[] = { { "cpu", "100" },	   { "mem", "1MiB" }, { "sleep", "1ms" },
		     { "net", "1ms" },	   { "file", "4KiB" } };
	for (unsigned i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (!strcmp(args[i].kind, kind))
			return args[i].arg;
	return "1ms";
}

static void test_recipe_every_registered_kind(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char text[128], err[MB_ERRLEN];
	assert_non_null(r);
	assert_true(mb_step_nkinds >= 5);
	for (unsigned i = 0; i < mb_step_nkinds; i++) {
		const struct mb_step_kind *k = mb_step_kinds[i];
		assert_non_null(k);
		assert_non_null(k->name);
		assert_non_null(k->syntax);
		assert_non_null(k->help);
		assert_non_null(k->parse);
		/* a kind that cannot run must say why instead of crashing */
		if (!k->run_blocking || !k->start_async)
			assert_non_null(k->unsupported);
		assert_ptr_equal(mb_step_find(k->name, (unsigned)strlen(k->name)), k);
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(mb_step_kinds[j]->name, k->name);

		snprintf(text, sizeof(text), "%s:%s", k->name, plausible_arg(k->name));
		err[0] = 0;
		int rc = mb_recipe_parse(text, r, err, sizeof(err));
		if (!strcmp(k->name, "cpu") || !strcmp(k->name, "sleep")) {
			if (rc)
				print_error("'%s': %s\n", text, err);
			assert_int_equal(rc, 0);
		}
		if (rc == 0) {
			assert_int_equal(r->nstages, 1);
			assert_ptr_equal(r->st[0].br[0].steps[0].kind, k);
			assert_true(mb_recipe_uses(r, k));
		} else {
			assert_true(rc < 0);
			assert_one_line(err);
		}
		/* an empty or absurd argument never crashes; cpu and sleep reject it */
		static const char *odd[] = { "", "x", "-1", "1/", "/", "1ms/", "0" };
		for (unsigned j = 0; j < sizeof(odd) / sizeof(odd[0]); j++) {
			snprintf(text, sizeof(text), "%s:%s", k->name, odd[j]);
			err[0] = 0;
			rc = mb_recipe_parse(text, r, err, sizeof(err));
			if (rc)
				assert_one_line(err);
			if (!strcmp(k->name, "cpu") || !strcmp(k->name, "sleep"))
				assert_true(rc < 0);
		}
	}
	assert_null(mb_step_find("cp", 2));
	assert_null(mb_step_find("cpux", 4));
	assert_null(mb_step_find("", 0));
	free(r);
}

/* An otherwise valid recipe of exactly total characters: three stages
 * "sleep:1.000...0ms", each under the 128-byte step limit. */
static void make_long_recipe(char *text, size_t total)
{
	const size_t body = total - 2;
	const size_t len[3] = { body / 3, body / 3, body - 2 * (body / 3) };
	size_t pos = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (i)
			text[pos++] = '+';
		memcpy(text + pos, "sleep:1.", 8);
		pos += 8;
		memset(text + pos, '0', len[i] - 10);
		pos += len[i] - 10;
		memcpy(text + pos, "ms", 2);
		pos += 2;
	}
	text[pos] = 0;
	assert_int_equal(pos, total);
	assert_int_equal(strlen(text), total);
}

static void test_recipe_sequence_and_groups(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);

	assert_int_equal(mb_recipe_parse("cpu:10+sleep:2ms+cpu:30", r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, 3);
	assert_int_equal(r->max_branches, 1);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(r->st[i].nbranches, 1);
		assert_int_equal(r->st[i].br[0].nsteps, 1);
	}
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_cpu);
	assert_ptr_equal(r->st[1].br[0].steps[0].kind, &mb_step_sleep);
	assert_ptr_equal(r->st[2].br[0].steps[0].kind, &mb_step_cpu);
	assert_int_equal(r->st[1].br[0].steps[0].a, 2 * NS_MS);
	assert_int_equal(mb_recipe_work_units(r), 40);
	assert_int_equal(mb_recipe_wait_ns(r), 2 * NS_MS);

	assert_int_equal(mb_recipe_parse("(sleep:3ms|sleep:5ms)+cpu:200us", r, err, sizeof(err)),
			 0);
	assert_int_equal(r->nstages, 2);
	assert_int_equal(r->max_branches, 2);
	assert_int_equal(r->st[0].nbranches, 2);
	assert_int_equal(r->st[0].br[0].nsteps, 1);
	assert_int_equal(r->st[0].br[1].nsteps, 1);
	assert_int_equal(r->st[0].br[0].steps[0].a, 3 * NS_MS);
	assert_int_equal(r->st[0].br[1].steps[0].a, 5 * NS_MS);
	assert_int_equal(r->st[1].nbranches, 1);
	assert_ptr_equal(r->st[1].br[0].steps[0].kind, &mb_step_cpu);
	assert_int_equal(r->st[1].br[0].steps[0].dur_ns, 200 * NS_US);
	assert_int_equal(mb_recipe_wait_ns(r), 8 * NS_MS);

	/* branches of several steps, a group in the middle, three branches */
	assert_int_equal(mb_recipe_parse("cpu:1+(sleep:1ms+cpu:5|sleep:2ms|cpu:7+cpu:8+sleep:3us)+"
					 "sleep:4ms",
					 r, err, sizeof(err)),
			 0);
	assert_int_equal(r->nstages, 3);
	assert_int_equal(r->max_branches, 3);
	assert_int_equal(r->st[1].nbranches, 3);
	assert_int_equal(r->st[1].br[0].nsteps, 2);
	assert_int_equal(r->st[1].br[1].nsteps, 1);
	assert_int_equal(r->st[1].br[2].nsteps, 3);
	assert_ptr_equal(r->st[1].br[2].steps[2].kind, &mb_step_sleep);
	assert_int_equal(r->st[1].br[2].steps[2].a, 3 * NS_US);
	assert_int_equal(mb_recipe_work_units(r), 1 + 5 + 7 + 8);

	/* the limits themselves are accepted */
	char text[MB_RECIPE_TEXT];
	size_t pos = 0;
	text[0] = 0;
	for (unsigned i = 0; i < MB_MAX_STAGES; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%scpu:1", i ? "+" : "");
	assert_int_equal(mb_recipe_parse(text, r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, MB_MAX_STAGES);

	pos = 0;
	pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "(");
	for (unsigned i = 0; i < MB_MAX_BRANCHES; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%ssleep:1ms", i ? "|" : "");
	snprintf(text + pos, sizeof(text) - pos, ")");
	assert_int_equal(mb_recipe_parse(text, r, err, sizeof(err)), 0);
	assert_int_equal(r->max_branches, MB_MAX_BRANCHES);

	pos = 0;
	pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "(");
	for (unsigned i = 0; i < MB_MAX_BSTEPS; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%scpu:1", i ? "+" : "");
	snprintf(text + pos, sizeof(text) - pos, "|sleep:1ms)");
	assert_int_equal(mb_recipe_parse(text, r, err, sizeof(err)), 0);
	assert_int_equal(r->st[0].br[0].nsteps, MB_MAX_BSTEPS);

	/* the longest text accepted: MB_RECIPE_TEXT - 1 characters */
	make_long_recipe(text, MB_RECIPE_TEXT - 1);
	assert_int_equal(strlen(text), MB_RECIPE_TEXT - 1);
	err[0] = 0;
	int rc = mb_recipe_parse(text, r, err, sizeof(err));
	if (rc)
		print_error("%zu-char recipe '%s': %s\n", strlen(text), text, err);
	assert_int_equal(rc, 0);
	assert_string_equal(r->text, text);
	free(r);
}

static void test_recipe_errors(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	char many_stages[MB_RECIPE_TEXT], many_branches[MB_RECIPE_TEXT];
	char many_steps[MB_RECIPE_TEXT], too_long[MB_RECIPE_TEXT + 16];
	size_t pos;
	assert_non_null(r);

	pos = 0;
	for (unsigned i = 0; i <= MB_MAX_STAGES; i++)
		pos += (size_t)snprintf(many_stages + pos, sizeof(many_stages) - pos, "%scpu:1",
					i ? "+" : "");
	pos = (size_t)snprintf(many_branches, sizeof(many_branches), "(");
	for (unsigned i = 0; i <= MB_MAX_BRANCHES; i++)
		pos += (size_t)snprintf(many_branches + pos, sizeof(many_branches) - pos,
					"%ssleep:1ms", i ? "|" : "");
	snprintf(many_branches + pos, sizeof(many_branches) - pos, ")");
	pos = (size_t)snprintf(many_steps, sizeof(many_steps), "(");
	for (unsigned i = 0; i <= MB_MAX_BSTEPS; i++)
		pos += (size_t)snprintf(many_steps + pos, sizeof(many_steps) - pos, "%scpu:1",
					i ? "+" : "");
	snprintf(many_steps + pos, sizeof(many_steps) - pos, "|sleep:1ms)");
	/* MB_RECIPE_TEXT characters of otherwise valid text */
	make_long_recipe(too_long, MB_RECIPE_TEXT);
	assert_true(strlen(too_long) >= MB_RECIPE_TEXT);

	const char *bad[] = {
		"",			     /* empty */
		"bogus:1",		     /* unknown kind */
		"CPU:1",		     /* kinds are lower case */
		"cpu",			     /* missing colon */
		"cpu100",		     /* missing colon */
		"cpu:",			     /* missing argument */
		"cpu:abc",		     /* bad argument */
		"cpu:0",		     /* zero work */
		"cpu:-5",		     /* negative */
		"sleep:10",		     /* bare number: units are never guessed */
		"sleep:0ms",		     /* zero wait */
		"sleep:abc",		     /* bad argument */
		"cpu:1+",		     /* trailing '+' */
		"+cpu:1",		     /* leading '+' */
		"cpu:1++cpu:2",		     /* empty step */
		"(sleep:1ms|sleep:2ms",	     /* unbalanced '(' */
		"sleep:1ms)",		     /* unbalanced ')' */
		"sleep:1ms|sleep:2ms)",	     /* unbalanced ')' */
		"((sleep:1ms|sleep:2ms))",   /* nested */
		"(sleep:1ms|(sleep:2ms|cpu:1))", /* nested */
		"sleep:1ms|sleep:2ms",	     /* '|' outside a group */
		"cpu:1+sleep:1ms|cpu:2",     /* '|' outside a group */
		"(sleep:1ms|sleep:2ms)cpu:1", /* missing '+' after ')' */
		"(sleep:1ms|)",		     /* empty branch */
		"(|sleep:1ms)",		     /* empty branch */
		"()",			     /* empty group */
		"(sleep:1ms|sleep:2ms)+",    /* trailing '+' after a group */
		"cpu: 1",		     /* space */
		"cpu:1 + sleep:1ms",	     /* spaces */
		" cpu:1",		     /* leading space */
		"cpu:1\t",		     /* tab */
		many_stages,		     /* MB_MAX_STAGES + 1 stages */
		many_branches,		     /* MB_MAX_BRANCHES + 1 branches */
		many_steps,		     /* MB_MAX_BSTEPS + 1 steps in a branch */
		too_long,		     /* MB_RECIPE_TEXT characters */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		int rc = mb_recipe_parse(bad[i], r, err, sizeof(err));
		if (rc == 0)
			print_error("recipe '%s' accepted\n", bad[i]);
		assert_true(rc < 0);
		if (!err[0] || strchr(err, '\n'))
			print_error("recipe '%s': error text '%s'\n", bad[i], err);
		assert_one_line(err);
		assert_true(strlen(err) < sizeof(err));
	}
	assert_true(mb_recipe_parse(NULL, r, err, sizeof(err)) < 0);
	assert_one_line(err);

	/* a small error buffer is never overrun and still holds one line */
	char small[12];
	memset(small, 'Z', sizeof(small));
	assert_true(mb_recipe_parse("bogus:1+cpu:1", r, small, 8) < 0);
	assert_int_equal(small[7], 0);
	assert_true(small[8] == 'Z' && small[11] == 'Z');
	assert_one_line(small);
	memset(small, 'Z', sizeof(small));
	assert_true(mb_recipe_parse("cpu:xyz", r, small, 8) < 0);
	assert_true(small[8] == 'Z' && small[11] == 'Z');
	free(r);
}

/* A recipe holding a newline or carriage return is refused, and the message
 * (which quotes the recipe) must still be one line: main prints it as the
 * single line of a usage error. */
static void test_recipe_error_control_chars_one_line(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	static const char *bad[] = { "cpu:1\n", "cpu:1\n+sleep:1ms", "cpu:1\r", "\ncpu:1" };
	assert_non_null(r);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		assert_true(mb_recipe_parse(bad[i], r, err, sizeof(err)) < 0);
		if (strpbrk(err, "\r\n"))
			print_error("recipe #%u: error text is not one line: '%s'\n", i, err);
		assert_one_line(err);
	}
	free(r);
}

static void test_recipe_calibrate_and_units(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	assert_non_null(r);

	assert_int_equal(mb_recipe_parse("cpu:1ms", r, err, sizeof(err)), 0);
	mb_recipe_calibrate(r, 1e6);
	assert_int_equal(r->st[0].br[0].steps[0].a, 1000);
	assert_int_equal(mb_recipe_work_units(r), 1000);

	/* count steps are left alone, duration steps in every branch are set */
	assert_int_equal(mb_recipe_parse("cpu:7+(cpu:2ms|sleep:1ms+cpu:500us)+cpu:100us", r, err,
					 sizeof(err)),
			 0);
	mb_recipe_calibrate(r, 1e6);
	assert_int_equal(r->st[0].br[0].steps[0].a, 7);
	assert_int_equal(r->st[1].br[0].steps[0].a, 2000);
	assert_int_equal(r->st[1].br[1].steps[1].a, 500);
	assert_int_equal(r->st[2].br[0].steps[0].a, 100);
	assert_int_equal(mb_recipe_work_units(r), 7 + 2000 + 500 + 100);
	/* the sleep step is not touched */
	assert_int_equal(r->st[1].br[1].steps[0].a, NS_MS);

	/* a duration too short for one unit still does one unit of work */
	assert_int_equal(mb_recipe_parse("cpu:1ns", r, err, sizeof(err)), 0);
	mb_recipe_calibrate(r, 1e6);
	assert_int_equal(mb_recipe_work_units(r), 1);

	/* recalibrating uses the requested duration, not the last result */
	assert_int_equal(mb_recipe_parse("cpu:1ms", r, err, sizeof(err)), 0);
	mb_recipe_calibrate(r, 1e6);
	mb_recipe_calibrate(r, 2e6);
	assert_int_equal(mb_recipe_work_units(r), 2000);
	free(r);
}

static void test_presets(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char err[MB_ERRLEN];
	bool seen_mixed = false;
	assert_non_null(r);
	/* the presets the README names */
	static const char *required[] = { "cpu", "mem", "sleep", "net", "file", "mixed" };
	for (unsigned i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		bool found = false;
		for (unsigned j = 0; j < mb_npresets; j++)
			found |= !strcmp(mb_presets[j].name, required[i]);
		if (!found)
			print_error("preset '%s' missing\n", required[i]);
		assert_true(found);
	}
	for (unsigned i = 0; i < mb_npresets; i++) {
		const struct mb_preset *p = &mb_presets[i];
		assert_non_null(p->name);
		assert_non_null(p->help);
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(mb_presets[j].name, p->name);
		assert_ptr_equal(mb_preset_recipe(p->name), p->recipe);
		if (!p->recipe) {
			assert_string_equal(p->name, "mixed");
			seen_mixed = true;
			continue;
		}
		err[0] = 0;
		int rc = mb_recipe_parse(p->recipe, r, err, sizeof(err));
		if (rc)
			print_error("preset %s '%s': %s\n", p->name, p->recipe, err);
		assert_int_equal(rc, 0);
	}
	assert_true(seen_mixed);
	assert_null(mb_preset_recipe("nonesuch"));
	assert_string_equal(mb_preset_recipe("sleep"), "sleep:1ms");
	assert_int_equal(mb_recipe_parse(mb_preset_recipe("cpu"), r, err, sizeof(err)), 0);
	assert_int_equal(mb_recipe_work_units(r), MB_CPU_PRESET_UNITS);
	free(r);
}

static void test_preset_mixed(void **state)
{
	struct mb_recipe *r = malloc(sizeof(*r));
	char buf[MB_RECIPE_TEXT], err[MB_ERRLEN];
	assert_non_null(r);

	/* f = 0: all CPU, the whole budget */
	assert_int_equal(mb_preset_mixed(0, "sleep", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cpu:1ms");
	assert_int_equal(mb_recipe_parse(buf, r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, 1);
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_cpu);
	assert_int_equal(r->st[0].br[0].steps[0].dur_ns, MB_MIXED_BUDGET_NS);
	assert_int_equal(mb_recipe_wait_ns(r), 0);

	/* f = 0.25: CPU 3/4 of the budget, then a wait of 1/4 */
	assert_int_equal(mb_preset_mixed(0.25, "sleep", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cpu:750us+sleep:250us");
	assert_int_equal(mb_recipe_parse(buf, r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, 2);
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_cpu);
	assert_int_equal(r->st[0].br[0].steps[0].dur_ns, MB_MIXED_BUDGET_NS * 3 / 4);
	assert_ptr_equal(r->st[1].br[0].steps[0].kind, &mb_step_sleep);
	assert_int_equal(r->st[1].br[0].steps[0].a, MB_MIXED_BUDGET_NS / 4);
	assert_int_equal(mb_recipe_wait_ns(r), MB_MIXED_BUDGET_NS / 4);

	/* f = 1: all wait */
	assert_int_equal(mb_preset_mixed(1, "sleep", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sleep:1ms");
	assert_int_equal(mb_recipe_parse(buf, r, err, sizeof(err)), 0);
	assert_int_equal(r->nstages, 1);
	assert_ptr_equal(r->st[0].br[0].steps[0].kind, &mb_step_sleep);
	assert_int_equal(mb_recipe_wait_ns(r), MB_MIXED_BUDGET_NS);
	assert_int_equal(mb_recipe_work_units(r), 0);

	/* the other I/O kinds name their step */
	assert_int_equal(mb_preset_mixed(0.25, "net", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cpu:750us+net:250us");
	assert_int_equal(mb_preset_mixed(0, "file", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cpu:1ms");
	assert_int_equal(mb_preset_mixed(0.25, "file", buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "cpu:750us+file:"));

	/* outside 0..1 */
	assert_int_equal(mb_preset_mixed(1.5, "sleep", buf, sizeof(buf)), -ERANGE);
	assert_int_equal(mb_preset_mixed(-0.1, "sleep", buf, sizeof(buf)), -ERANGE);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_accepts),
		cmocka_unit_test(test_duration_rejects),
		cmocka_unit_test(test_duration_zero_when_allowed),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_recipe_single_steps),
		cmocka_unit_test(test_recipe_every_registered_kind),
		cmocka_unit_test(test_recipe_sequence_and_groups),
		cmocka_unit_test(test_recipe_errors),
		cmocka_unit_test(test_recipe_error_control_chars_one_line),
		cmocka_unit_test(test_recipe_calibrate_and_units),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_preset_mixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
