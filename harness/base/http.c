/* HTTP/1.1 heads for the delay service: see http.h. The parser is strict
 * where strictness costs nothing (request line, header syntax, numbers)
 * and ignores what the service does not need (unknown headers and query
 * parameters), as a small origin server should. Cost: one pass over the
 * head; no allocation. */
#include "http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Offset just past the empty line ending the head in buf[from..len), or 0. */
static size_t head_end(const char *buf, size_t len, size_t from)
{
	for (size_t i = from; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The next line of buf[*pos..end) without its CRLF or LF. */
static bool next_line(const char *buf, size_t end, size_t *pos, const char **line,
		      size_t *n)
{
	const char *p = buf + *pos, *nl;
	if (*pos >= end)
		return false;
	nl = memchr(p, '\n', end - *pos);
	if (!nl)
		return false;
	*line = p;
	*n = (size_t)(nl - p);
	if (*n && p[*n - 1] == '\r')
		(*n)--;
	*pos = (size_t)(nl - buf) + 1;
	return true;
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A decimal number of at most 19 digits in s[0..n), no sign, no spaces. */
static bool parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

static bool token_eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !strncasecmp(s, lit, n);
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int parse_query(const char *q, size_t n, struct mb_http_req *req, const char **why)
{
	while (n) {
		const char *amp = memchr(q, '&', n);
		size_t len = amp ? (size_t)(amp - q) : n;
		const char *eq = memchr(q, '=', len);
		if (eq) {
			size_t kl = (size_t)(eq - q), vl = len - kl - 1;
			uint64_t v;
			if (token_eq(q, kl, "delay_us")) {
				if (!parse_u64(eq + 1, vl, &v) || v > MB_HTTP_MAX_DELAY_US) {
					*why = "delay_us must be a number of microseconds up to 60000000";
					return -400;
				}
				req->delay_us = v;
			} else if (token_eq(q, kl, "bytes")) {
				if (!parse_u64(eq + 1, vl, &v) || v > MB_HTTP_MAX_BYTES) {
					*why = "bytes must be a number of bytes up to 1073741824";
					return -400;
				}
				req->bytes = v;
			}
		}
		if (!amp)
			break;
		n -= len + 1;
		q = amp + 1;
	}
	return 0;
}

static int parse_request_line(const char *l, size_t n, struct mb_http_req *req, bool *v11,
			      const char **why)
{
	const char *sp1 = memchr(l, ' ', n), *sp2;
	size_t ml, tl, vl;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20 || l[i] == 0x7f) {
			*why = "control character in the request line";
			return -400;
		}
	if (!sp1 || !(sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l)))) {
		*why = "the request line is not METHOD TARGET VERSION";
		return -400;
	}
	ml = (size_t)(sp1 - l);
	tl = (size_t)(sp2 - sp1 - 1);
	vl = n - (size_t)(sp2 + 1 - l);
	for (size_t i = 0; i < ml; i++)
		if (!is_tchar(l[i])) {
			*why = "the method is not a token";
			return -400;
		}
	if (!ml || tl == 0 || memchr(sp2 + 1, ' ', vl)) {
		*why = "the request line is not METHOD TARGET VERSION";
		return -400;
	}
	if (vl == 8 && !memcmp(sp2 + 1, "HTTP/1.1", 8))
		*v11 = true;
	else if (vl == 8 && !memcmp(sp2 + 1, "HTTP/1.0", 8))
		*v11 = false;
	else {
		*why = "the version is not HTTP/1.1 or HTTP/1.0";
		return -400;
	}
	const char *t = sp1 + 1;
	if (t[0] != '/') {
		*why = "the target does not start with /";
		return -400;
	}
	const char *qm = memchr(t, '?', tl);
	if (qm) {
		int rc = parse_query(qm + 1, tl - (size_t)(qm + 1 - t), req, why);
		if (rc)
			return rc;
	}
	if (ml == 3 && !memcmp(l, "GET", 3))
		return 0;
	if (ml == 4 && !memcmp(l, "HEAD", 4)) {
		req->head = true;
		return 0;
	}
	*why = "only GET and HEAD are served";
	return -405;
}

int mb_http_parse_request(const char *buf, size_t len, struct mb_http_req *req,
			  const char **why)
{
	size_t start = 0, end, pos;
	const char *l;
	size_t n;
	bool v11 = true, conn_close = false, conn_keep = false;
	int rc;

	/* Empty lines before a request line are ignored (RFC 9112 2.2). */
	while (start < len && (buf[start] == '\n' ||
			       (buf[start] == '\r' && start + 1 < len && buf[start + 1] == '\n')))
		start += buf[start] == '\n' ? 1 : 2;
	end = head_end(buf, len, start);
	if (!end) {
		if (len >= MB_HTTP_MAX_HEAD) {
			*why = "request head larger than 4 KiB";
			return -431;
		}
		return 0;
	}
	if (end > MB_HTTP_MAX_HEAD) {
		*why = "request head larger than 4 KiB";
		return -431;
	}
	memset(req, 0, sizeof(*req));
	pos = start;
	next_line(buf, end, &pos, &l, &n);
	if ((rc = parse_request_line(l, n, req, &v11, why)))
		return rc;
	while (next_line(buf, end, &pos, &l, &n) && n) {
		const char *colon = memchr(l, ':', n);
		if (!colon || colon == l) {
			*why = "a header line has no name: value";
			return -400;
		}
		size_t nl = (size_t)(colon - l), vl = n - nl - 1;
		const char *v = colon + 1;
		for (size_t i = 0; i < nl; i++)
			if (!is_tchar(l[i])) {
				*why = "a header name is not a token";
				return -400;
			}
		trim(&v, &vl);
		if (token_eq(l, nl, "Connection")) {
			/* A comma list of options; only close and keep-alive matter. */
			while (vl) {
				const char *c = memchr(v, ',', vl);
				size_t il = c ? (size_t)(c - v) : vl;
				const char *it = v;
				size_t itl = il;
				trim(&it, &itl);
				conn_close |= token_eq(it, itl, "close");
				conn_keep |= token_eq(it, itl, "keep-alive");
				if (!c)
					break;
				vl -= il + 1;
				v = c + 1;
			}
		} else if (token_eq(l, nl, "Content-Length")) {
			uint64_t cl;
			if (!parse_u64(v, vl, &cl) || cl) {
				*why = "request bodies are not served";
				return -400;
			}
		} else if (token_eq(l, nl, "Transfer-Encoding")) {
			*why = "request bodies are not served";
			return -400;
		}
	}
	req->keep_alive = v11 ? !conn_close : (conn_keep && !conn_close);
	req->http10 = !v11;
	return (int)end;
}

int mb_http_parse_response(const char *buf, size_t len, int *status,
			   uint64_t *content_length)
{
	size_t end = head_end(buf, len, 0), pos = 0;
	const char *l;
	size_t n;

	if (!end) {
		if (len >= 9 && memcmp(buf, "HTTP/1.", 7))
			return -1;
		return len > 65536 ? -1 : 0;
	}
	next_line(buf, end, &pos, &l, &n);
	if (n < 12 || memcmp(l, "HTTP/1.", 7) || l[8] != ' ' || l[9] < '1' || l[9] > '5' ||
	    l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9')
		return -1;
	*status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	*content_length = UINT64_MAX;
	while (next_line(buf, end, &pos, &l, &n) && n) {
		const char *colon = memchr(l, ':', n);
		if (!colon)
			return -1;
		size_t nl = (size_t)(colon - l), vl = n - nl - 1;
		const char *v = colon + 1;
		trim(&v, &vl);
		if (token_eq(l, nl, "Content-Length") && !parse_u64(v, vl, content_length))
			return -1;
	}
	return end > (size_t)INT32_MAX ? -1 : (int)end;
}

unsigned mb_http_format_request(char *buf, unsigned len, uint64_t delay_us, uint64_t bytes)
{
	int n = snprintf(buf, len, "GET /?delay_us=%llu&bytes=%llu HTTP/1.1\r\n"
			 "Host: 127.0.0.1\r\n\r\n",
			 (unsigned long long)delay_us, (unsigned long long)bytes);
	return n < 0 || (unsigned)n >= len ? 0 : (unsigned)n;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	default: return "Error";
	}
}

unsigned mb_http_format_response(char *buf, unsigned len, int status, uint64_t bytes,
				 bool keep_alive, bool http10)
{
	int n;
	if (status == 200)
		n = snprintf(buf, len, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n"
			     "Content-Type: application/octet-stream\r\n%s\r\n",
			     (unsigned long long)bytes,
			     !keep_alive ? "Connection: close\r\n" :
			     http10	 ? "Connection: keep-alive\r\n" : "");
	else
		n = snprintf(buf, len, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n"
			     "Connection: close\r\n\r\n", status, reason(status));
	return n < 0 || (unsigned)n >= len ? 0 : (unsigned)n;
}
