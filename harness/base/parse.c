/* The command line's small languages (parse.h): strict, so a value that
 * does not parse completely is refused, never guessed at. No allocation;
 * a comma list copies one item at a time into a 256-byte buffer. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits "12.5ms" into a finite non-negative number and its suffix. */
static int split_number(const char *s, double *v, const char **suffix)
{
	char *end;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -EINVAL; /* strtod would read hex */
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(*v) || *v < 0)
		return -EINVAL;
	*suffix = end;
	return 0;
}

int mb_parse_duration(const char *s, uint64_t *ns, int allow_zero)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };
	const char *suf;
	double v;

	if (split_number(s, &v, &suf))
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(suf, units[i].unit))
			continue;
		double r = v * units[i].scale;
		if (r > 1e18)
			return -ERANGE;
		*ns = (uint64_t)llround(r);
		if (*ns == 0 && !allow_zero)
			return -ERANGE;
		return 0;
	}
	return -EINVAL;
}

int mb_parse_size(const char *s, uint64_t *bytes)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = { { "", 1 },	    { "B", 1 },
		      { "k", 1024. },	    { "K", 1024. },
		      { "KiB", 1024. },	    { "M", 1048576. },
		      { "MiB", 1048576. },  { "G", 1073741824. },
		      { "GiB", 1073741824. } };
	const char *suf;
	double v;

	if (split_number(s, &v, &suf))
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(suf, units[i].unit))
			continue;
		double r = v * units[i].scale;
		if (r > 1e15)
			return -ERANGE;
		if (r != floor(r))
			return -EINVAL;
		*bytes = (uint64_t)r;
		return 0;
	}
	return -EINVAL;
}

int mb_parse_count(const char *s, uint64_t *n)
{
	const char *suf;
	double v, scale;

	if (split_number(s, &v, &suf))
		return -EINVAL;
	if (!strcmp(suf, ""))
		scale = 1;
	else if (!strcmp(suf, "k"))
		scale = 1e3;
	else if (!strcmp(suf, "M"))
		scale = 1e6;
	else if (!strcmp(suf, "G"))
		scale = 1e9;
	else
		return -EINVAL;
	v *= scale;
	if (v != floor(v))
		return -EINVAL;
	if (v < 1)
		return -ERANGE;
	if (v > 1e15)
		return -ERANGE;
	*n = (uint64_t)v;
	return 0;
}

int mb_parse_double(const char *s, double *out)
{
	const char *suf;

	if (split_number(s, out, &suf) || *suf)
		return -EINVAL;
	return 0;
}

int mb_list_foreach(const char *list, int (*fn)(const char *item, void *arg),
		    void *arg)
{
	char item[256];
	const char *p = list;

	if (!list)
		return -EINVAL;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		while (n && isspace((unsigned char)*p))
			p++, n--;
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0)
			return -EINVAL;
		if (n >= sizeof(item))
			return -E2BIG;
		memcpy(item, p, n);
		item[n] = 0;
		int rc = fn(item, arg);
		if (rc)
			return rc;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

const char *mb_fmt_duration(uint64_t ns, char *buf, unsigned len)
{
	if (ns >= 1000000000ull && ns % 1000000000ull == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ns / 1000000000ull));
	else if (ns >= 1000000ull && ns % 1000000ull == 0)
		snprintf(buf, len, "%llums", (unsigned long long)(ns / 1000000ull));
	else if (ns >= 1000ull && ns % 1000ull == 0)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000ull));
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%.6gms", ns / 1e6);
	else if (ns >= 1000ull)
		snprintf(buf, len, "%.6gus", ns / 1e3);
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}

void mb_getopt_reset(void)
{
	optind = 0;
}
