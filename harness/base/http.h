/* The small slice of HTTP/1.1 the delay service and the net step speak:
 * request heads in, response heads out, nothing else. Pure functions over
 * byte buffers (no I/O, no allocation), so both sides and the tests share
 * one parser. */
#ifndef MB_HTTP_H
#define MB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest request head the service accepts, and the buffer it reads into. */
#define MB_HTTP_MAX_HEAD 4096
/* Largest body and delay the service agrees to. */
#define MB_HTTP_MAX_BYTES (1ull << 30)
#define MB_HTTP_MAX_DELAY_US (60ull * 1000000ull)

struct mb_http_req {
	uint64_t delay_us; /* ?delay_us=, default 0 */
	uint64_t bytes;	   /* ?bytes=, default 0 */
	bool keep_alive;   /* HTTP/1.1 unless "Connection: close"; 1.0 only if asked */
	bool http10;	   /* an HTTP/1.0 request (keep-alive must then be said) */
	bool head;	   /* HEAD: same head, no body */
};

/* Parses one request head at the start of buf[0..len).
 * Returns the head's length (> 0) when complete, 0 when more bytes are
 * needed, or a negative HTTP status (-400, -405, -431) for a request the
 * service refuses; *why then names the problem. */
int mb_http_parse_request(const char *buf, size_t len, struct mb_http_req *req,
			  const char **why);

/* Parses a response head at the start of buf[0..len). Returns its length
 * when complete (*status and *content_length set; *content_length is
 * UINT64_MAX without the header), 0 when more bytes are needed, or -1 when
 * it is not an HTTP/1.x response head. */
int mb_http_parse_response(const char *buf, size_t len, int *status,
			   uint64_t *content_length);

/* Writes a request line for the service into buf; returns its length, or
 * 0 when it does not fit. */
unsigned mb_http_format_request(char *buf, unsigned len, uint64_t delay_us, uint64_t bytes);

/* Writes a response head (200 with Content-Length, or an error status with
 * an empty body and Connection: close) into buf; returns its length.
 * Connection: close when not keep_alive; Connection: keep-alive when
 * keep_alive and http10 (an HTTP/1.0 client assumes close otherwise). */
unsigned mb_http_format_response(char *buf, unsigned len, int status, uint64_t bytes,
				 bool keep_alive, bool http10);

#endif
