/* The HTML and Markdown escapers the report and the claims pages share. */
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

/* Writes s (NULL: nothing) as literal text of one Markdown table cell or
 * line, for renderers that pass HTML through (GitHub's, most others):
 * <, > and & as HTML entities, so no tag or entity of the text is
 * interpreted; | (a cell break), *, _, `, [, ] and \ (emphasis, code,
 * links) after a backslash; a newline or any other control character as
 * a space, so a row stays one line. */
static inline void mb_md_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '|': case '*': case '_': case '`': case '[': case ']': case '\\':
			fputc('\\', f);
			fputc(c, f);
			break;
		default: fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
		}
	}
}

#endif
