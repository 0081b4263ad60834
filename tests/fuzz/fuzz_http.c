/* libFuzzer target: the delay service's HTTP heads (harness/base/http.h),
 * which read bytes from any client on the machine. Checks the contract:
 *   - a request parses to 0 (more bytes needed), the head's length (at
 *     most MB_HTTP_MAX_HEAD, never past the input) or -400/-405/-431 with
 *     a one-line reason; accepted values stay within the service's limits;
 *   - a head is self-delimiting: the same head alone, or followed by more
 *     bytes, parses to the same length and request, and a prefix of it is
 *     "more bytes needed" (or -431 once it is too long to be a head);
 *   - the response parser returns -1, 0 or a length within the input, with
 *     a status from 100 to 599;
 *   - what mb_http_format_request/_response write parses back to the same
 *     values.
 * The input's first 17 bytes also choose the values of the round trips. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

static uint64_t take_u64(const uint8_t *d, size_t n, size_t at)
{
	uint64_t v = 0;
	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (at + i < n ? d[at + i] : 0);
	return v;
}

static int same_req(const struct mb_http_req *a, const struct mb_http_req *b)
{
	return a->delay_us == b->delay_us && a->bytes == b->bytes &&
	       a->keep_alive == b->keep_alive && a->http10 == b->http10 && a->head == b->head;
}

static void check_request(const char *buf, size_t len)
{
	struct mb_http_req req, again;
	const char *why = NULL;
	int rc = mb_http_parse_request(buf, len, &req, &why);

	if (rc < 0) {
		CHECK(rc == -400 || rc == -405 || rc == -431);
		CHECK(why != NULL && why[0] != 0 && strchr(why, '\n') == NULL);
		return;
	}
	if (rc == 0) {
		CHECK(len < MB_HTTP_MAX_HEAD);
		return;
	}
	CHECK((size_t)rc <= len && rc <= MB_HTTP_MAX_HEAD);
	CHECK(req.delay_us <= MB_HTTP_MAX_DELAY_US && req.bytes <= MB_HTTP_MAX_BYTES);

	/* The head alone parses the same. */
	char *copy = malloc((size_t)rc + 8);
	CHECK(copy != NULL);
	memcpy(copy, buf, (size_t)rc);
	CHECK(mb_http_parse_request(copy, (size_t)rc, &again, &why) == rc);
	CHECK(same_req(&req, &again));
	/* Followed by more bytes (a pipelined request), too. */
	memcpy(copy + rc, "GET / HT", 8);
	CHECK(mb_http_parse_request(copy, (size_t)rc + 8, &again, &why) == rc);
	CHECK(same_req(&req, &again));
	/* A prefix is incomplete, or too long to be a head. */
	size_t cuts[2] = { (size_t)rc - 1, (size_t)rc / 2 };
	for (unsigned i = 0; i < 2; i++) {
		int p = mb_http_parse_request(copy, cuts[i], &again, &why);
		CHECK(p == 0 || (p == -431 && cuts[i] >= MB_HTTP_MAX_HEAD));
	}
	free(copy);
}

static void check_response(const char *buf, size_t len)
{
	int status = 0;
	uint64_t cl = 0;
	int rc = mb_http_parse_response(buf, len, &status, &cl);
	CHECK(rc >= -1);
	if (rc > 0) {
		CHECK((size_t)rc <= len);
		CHECK(status >= 100 && status <= 599);
	}
}

static void check_round_trips(const uint8_t *d, size_t n)
{
	char buf[512];
	struct mb_http_req req;
	const char *why = NULL;
	uint64_t delay = take_u64(d, n, 0) % (MB_HTTP_MAX_DELAY_US + 1);
	uint64_t bytes = take_u64(d, n, 8) % (MB_HTTP_MAX_BYTES + 1);
	uint8_t sel = n > 16 ? d[16] : 0;

	unsigned len = mb_http_format_request(buf, sizeof(buf), delay, bytes);
	CHECK(len > 0);
	CHECK(mb_http_parse_request(buf, len, &req, &why) == (int)len);
	CHECK(req.delay_us == delay && req.bytes == bytes);
	CHECK(req.keep_alive && !req.http10 && !req.head);

	static const int statuses[4] = { 200, 400, 405, 431 };
	int st = statuses[sel & 3], got = 0;
	bool keep = sel & 4, http10 = sel & 8;
	uint64_t cl = 0;
	len = mb_http_format_response(buf, sizeof(buf), st, bytes, keep, http10);
	CHECK(len > 0);
	CHECK(mb_http_parse_response(buf, len, &got, &cl) == (int)len);
	CHECK(got == st);
	CHECK(cl == (st == 200 ? bytes : 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request((const char *)data, size);
	check_response((const char *)data, size);
	check_round_trips(data, size);
	return 0;
}
