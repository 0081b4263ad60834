#include "step.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const struct mb_preset mb_presets[] = {
	{ "cpu", "cpu:" STR(MB_CPU_PRESET_UNITS),
	  "fixed compute, about 100 us on a current core" },
	{ "mem", "mem:64MiB", "a streaming read+write pass over a per-worker buffer" },
	{ "sleep", "sleep:1ms", "a pure 1 ms wait" },
	{ "net", "net:1ms", "a request to the loopback delay service answered after 1 ms" },
	{ "file", "file:4KiB", "a random 4 KiB read from the test file" },
	{ "mixed", NULL, "1 ms per task split between cpu and a wait by --io-fraction" },
	{ "breakfast", "(sleep:3ms|sleep:5ms)+cpu:200us",
	  "eggs and toast: two waits that can overlap, then some CPU" },
	{ "web", "net:500us/4KiB+cpu:100us",
	  "a web request: a backend call, then render some CPU work" },
};
const unsigned mb_npresets = sizeof(mb_presets) / sizeof(mb_presets[0]);

const char *mb_preset_recipe(const char *name)
{
	for (unsigned i = 0; i < mb_npresets; i++)
		if (!strcmp(name, mb_presets[i].name))
			return mb_presets[i].recipe;
	return NULL;
}

int mb_preset_mixed(double f, const char *io_kind, char *buf, unsigned len)
{
	char d1[32], d2[32];
	uint64_t wait = (uint64_t)(f * MB_MIXED_BUDGET_NS + 0.5);
	uint64_t cpu = MB_MIXED_BUDGET_NS - wait;
	if (f < 0 || f > 1)
		return -ERANGE;
	mb_fmt_duration(cpu, d1, sizeof(d1));
	mb_fmt_duration(wait, d2, sizeof(d2));
	if (!strcmp(io_kind, "file")) {
		/* A file read has a size, not a duration: scale 4 KiB reads. */
		uint64_t reads = (uint64_t)(f * 64 + 0.5);
		if (cpu == 0)
			snprintf(buf, len, "file:%lluKiB", (unsigned long long)(4 * reads));
		else if (reads == 0)
			snprintf(buf, len, "cpu:%s", d1);
		else
			snprintf(buf, len, "cpu:%s+file:%lluKiB", d1,
				 (unsigned long long)(4 * reads));
		return 0;
	}
	if (wait == 0)
		snprintf(buf, len, "cpu:%s", d1);
	else if (cpu == 0)
		snprintf(buf, len, "%s:%s", io_kind, d2);
	else
		snprintf(buf, len, "cpu:%s+%s:%s", d1, io_kind, d2);
	return 0;
}

static int parse_step(const char *s, size_t n, struct mb_step *out, char *err,
		      unsigned errlen)
{
	char buf[128];
	const char *colon = memchr(s, ':', n);
	if (n == 0) {
		snprintf(err, errlen, "empty step");
		return -EINVAL;
	}
	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "step too long");
		return -EINVAL;
	}
	if (!colon) {
		snprintf(err, errlen, "step '%.*s' has no ':' (expected KIND:ARG, KIND one of "
			 "cpu, mem, sleep, net, file)", (int)n, s);
		return -EINVAL;
	}
	const struct mb_step_kind *k = mb_step_find(s, (unsigned)(colon - s));
	if (!k) {
		snprintf(err, errlen, "unknown step kind '%.*s' (expected cpu, mem, sleep, "
			 "net or file)", (int)(colon - s), s);
		return -EINVAL;
	}
	memcpy(buf, colon + 1, n - (size_t)(colon - s) - 1);
	buf[n - (size_t)(colon - s) - 1] = 0;
	memset(out, 0, sizeof(*out));
	out->kind = k;
	return k->parse(buf, out, err, errlen);
}

/* Parses "a+b+c" (no parentheses) into a branch. */
static int parse_branch(const char *s, size_t n, struct mb_branch *b, char *err,
			unsigned errlen)
{
	b->nsteps = 0;
	for (;;) {
		const char *plus = memchr(s, '+', n);
		size_t len = plus ? (size_t)(plus - s) : n;
		if (b->nsteps == MB_MAX_BSTEPS) {
			snprintf(err, errlen, "more than %d steps in one branch", MB_MAX_BSTEPS);
			return -EINVAL;
		}
		int rc = parse_step(s, len, &b->steps[b->nsteps++], err, errlen);
		if (rc)
			return rc;
		if (!plus)
			return 0;
		n -= len + 1;
		s = plus + 1;
	}
}

/* Parses the group "(a|b...)" at p into st; *end is past the ')'. */
static int parse_group(const char *p, const char *text, struct mb_stage *st, const char **end,
		       char *err, unsigned errlen)
{
	const char *close = strchr(p, ')');
	const char *inner = strchr(p + 1, '(');
	if (!close) {
		snprintf(err, errlen, "unbalanced '(' in '%s'", text);
		return -EINVAL;
	}
	if (inner && inner < close) {
		snprintf(err, errlen, "nested groups are not supported in '%s'", text);
		return -EINVAL;
	}
	const char *b = p + 1;
	for (;;) {
		const char *bar = memchr(b, '|', (size_t)(close - b));
		const char *bend = bar ? bar : close;
		if (st->nbranches == MB_MAX_BRANCHES) {
			snprintf(err, errlen, "more than %d branches in a group", MB_MAX_BRANCHES);
			return -EINVAL;
		}
		int rc = parse_branch(b, (size_t)(bend - b), &st->br[st->nbranches++], err, errlen);
		if (rc)
			return rc;
		if (!bar)
			break;
		b = bar + 1;
	}
	if (st->nbranches < 2) {
		snprintf(err, errlen, "a group needs two or more branches, as in "
			 "(sleep:3ms|sleep:5ms)");
		return -EINVAL;
	}
	*end = close + 1;
	if (**end && **end != '+') {
		snprintf(err, errlen, "expected '+' after ')' in '%s'", text);
		return -EINVAL;
	}
	return 0;
}

/* Parses the single step at p into st; *end is at the '+' or the end. */
static int parse_single(const char *p, const char *text, struct mb_stage *st, const char **end,
			char *err, unsigned errlen)
{
	const char *e = p;
	while (*e && *e != '+')
		e++;
	*end = e;
	if (memchr(p, ')', (size_t)(e - p)) || memchr(p, '|', (size_t)(e - p))) {
		snprintf(err, errlen, "unbalanced ')' or '|' outside a group in '%s'", text);
		return -EINVAL;
	}
	st->nbranches = 1;
	st->br[0].nsteps = 1;
	return parse_step(p, (size_t)(e - p), &st->br[0].steps[0], err, errlen);
}

int mb_recipe_parse(const char *text, struct mb_recipe *r, char *err, unsigned errlen)
{
	const char *p = text;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!text || !*text) {
		snprintf(err, errlen, "empty recipe");
		return -EINVAL;
	}
	if (strlen(text) >= MB_RECIPE_TEXT) {
		snprintf(err, errlen, "recipe longer than %d characters", MB_RECIPE_TEXT - 1);
		return -EINVAL;
	}
	for (const char *q = text; *q; q++)
		if (isspace((unsigned char)*q)) {
			snprintf(err, errlen, "recipe contains whitespace at character %d (steps "
				 "join with '+', no spaces)", (int)(q - text) + 1);
			return -EINVAL;
		}
	snprintf(r->text, sizeof(r->text), "%s", text);
	while (*p) {
		if (r->nstages == MB_MAX_STAGES) {
			snprintf(err, errlen, "more than %d stages", MB_MAX_STAGES);
			return -EINVAL;
		}
		struct mb_stage *st = &r->st[r->nstages++];
		const char *end;
		rc = *p == '(' ? parse_group(p, text, st, &end, err, errlen) :
				 parse_single(p, text, st, &end, err, errlen);
		if (rc)
			return rc;
		if (st->nbranches > r->max_branches)
			r->max_branches = st->nbranches;
		if (*end == '+') {
			end++;
			if (!*end) {
				snprintf(err, errlen, "recipe '%s' ends with '+'", text);
				return -EINVAL;
			}
		}
		p = end;
	}
	return 0;
}

void mb_recipe_calibrate(struct mb_recipe *r, double units_per_sec)
{
	struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		if ((s->kind->flags & MB_STEP_F_WORK_UNITS) && s->dur_ns) {
			double u = (double)s->dur_ns * units_per_sec / 1e9;
			s->a = u < 1 ? 1 : (uint64_t)(u + 0.5);
		}
	}
}

uint64_t mb_recipe_work_units(const struct mb_recipe *r)
{
	uint64_t n = 0;
	const struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		if (s->kind->flags & MB_STEP_F_WORK_UNITS)
			n += s->a;
	}
	return n;
}

uint64_t mb_recipe_wait_ns(const struct mb_recipe *r)
{
	uint64_t n = 0;
	const struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		if (s->kind->flags & MB_STEP_F_TIMED)
			n += s->a;
	}
	return n;
}

int mb_recipe_uses(const struct mb_recipe *r, const struct mb_step_kind *k)
{
	const struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		if (s->kind == k)
			return 1;
	}
	return 0;
}

unsigned mb_recipe_flags(const struct mb_recipe *r)
{
	unsigned f = 0;
	const struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		f |= s->kind->flags;
	}
	return f;
}

uint64_t mb_recipe_max_arg(const struct mb_recipe *r, const struct mb_step_kind *k)
{
	uint64_t m = 0;
	const struct mb_step *s;
	MB_FOR_EACH_STEP(r, s)
	{
		if (s->kind == k && s->a > m)
			m = s->a;
	}
	return m;
}
