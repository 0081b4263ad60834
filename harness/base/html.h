/* The one HTML helper the report and the claims pages share. */
#ifndef MB_HTML_H
#define MB_HTML_H

#include <stdio.h>

/* Writes s (NULL: nothing) with <, >, & and " escaped. */
static inline void mb_html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

#endif
