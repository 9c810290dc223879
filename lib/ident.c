/*
 * ident.c - lookalike characters in ASCII-by-rule identifiers spelled out
 * (see ident.h). UTF-8 is decoded strictly (no overlong forms, no
 * surrogates, nothing above U+10FFFF); anything else is a byte.
 */
#include "lib/ident.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

int ident_is_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '\\')
			return 0;
	return 1;
}

/* Decode one UTF-8 character at s: its length (1..4) and *cp, or 0 when
 * s does not start a valid one. */
static size_t ident_utf8(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;
	unsigned long c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

char *ident_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb = { 0 };
	unsigned long cp;
	size_t n;

	while (*p != '\0') {
		n = ident_utf8(p, &cp);
		if (n == 0) {
			strbuf_printf(&sb, "\\x%02x", *p);
			p++;
			continue;
		}
		if (cp >= 0x20 && cp <= 0x7e && cp != '\\')
			strbuf_putc(&sb, (char)cp);
		else if (cp <= 0xffff)
			strbuf_printf(&sb, "\\u%04lx", cp);
		else
			strbuf_printf(&sb, "\\U%08lx", cp);
		p += n;
	}
	return sb.buf != NULL ? strbuf_detach(&sb) : xstrdup("");
}

size_t ident_escape_len(const char *s)
{
	size_t n, i;

	if (s[0] != '\\')
		return 0;
	n = s[1] == 'u' ? 4 : s[1] == 'U' ? 8 : s[1] == 'x' ? 2 : 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[2 + i]))
			return 0;
	return n > 0 ? n + 2 : 0;
}
