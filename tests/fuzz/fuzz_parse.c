/* libFuzzer target: the command line's small languages (harness/base/parse.h).
 * The first byte picks the parser, the rest is the text. Checks the
 * contract: 0 or -EINVAL/-ERANGE, durations > 0 unless zero is allowed,
 * what mb_fmt_duration prints parses back to (nearly) the same value, and
 * list items are trimmed, non-empty and comma-free. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"


struct listseen {
	unsigned items;
	int stop_at; /* return non-zero at this item (exercise early stop) */
};

static int on_item(const char *item, void *arg)
{
	struct listseen *ls = arg;
	size_t n = strlen(item);
	CHECK(n > 0);
	CHECK(!strchr(item, ','));
	CHECK(item[0] != ' ' && item[0] != '\t' && item[n - 1] != ' ' && item[n - 1] != '\t');
	if ((int)ls->items++ == ls->stop_at)
		return 7;
	return 0;
}

static void check_duration_roundtrip(uint64_t ns, int allow_zero)
{
	char buf[64];
	uint64_t back = 0;
	mb_fmt_duration(ns, buf, sizeof(buf));
	CHECK(strlen(buf) >= 2);
	if (ns == 0)
		return;
	int rc = mb_parse_duration(buf, &back, allow_zero);
	if (rc) {
		fprintf(stderr, "fuzz_parse: %llu ns printed as '%s' does not parse back (%d)\n",
			(unsigned long long)ns, buf, rc);
		abort();
	}
	double rel = fabs((double)back - (double)ns) / (double)ns;
	if (rel > 1e-5) {
		fprintf(stderr, "fuzz_parse: %llu ns printed as '%s' parses back as %llu\n",
			(unsigned long long)ns, buf, (unsigned long long)back);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned which = data[0];
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;

	uint64_t u = 0;
	double d = -1;
	int rc;
	switch (which % 6) {
	case 0:
	case 1: {
		int allow_zero = which % 6 == 1;
		rc = mb_parse_duration(s, &u, allow_zero);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (!rc) {
			CHECK(allow_zero || u > 0);
			CHECK(u <= 1000000000000000000ull);
			check_duration_roundtrip(u, allow_zero);
		}
		break;
	}
	case 2:
		rc = mb_parse_size(s, &u);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (!rc)
			CHECK(u <= 1000000000000000ull);
		break;
	case 3:
		rc = mb_parse_count(s, &u);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (!rc)
			CHECK(u >= 1 && u <= 1000000000000000ull);
		break;
	case 4:
		rc = mb_parse_double(s, &d);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		if (!rc)
			CHECK(isfinite(d) && d >= 0);
		break;
	case 5: {
		struct listseen ls = { 0, (int)(which / 6) - 1 };
		rc = mb_list_foreach(s, on_item, &ls);
		/* -E2BIG: an item over 255 characters (parse.h). */
		CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == 7);
		if (rc == 0) {
			unsigned commas = 0;
			for (const char *p = s; *p; p++)
				commas += *p == ',';
			CHECK(ls.items == commas + 1);
		}
		break;
	}
	}
	/* Whatever the bytes, formatting a duration is total. */
	if (size >= 9) {
		memcpy(&u, data + 1, sizeof(u));
		char buf[64];
		mb_fmt_duration(u, buf, sizeof(buf));
		if (u && u <= 1000000000000000000ull)
			check_duration_roundtrip(u, 0);
	}
	free(s);
	return 0;
}
