/*
 * sanitize.c - the one text sanitiser (see sanitize.h), the draw choke
 * point of the terminal toolkit. It decodes UTF-8 strictly by hand (no
 * locale involved), turns every control, C1, bidi, zero-width, tag and
 * invalid byte into a visible ASCII placeholder, records where those
 * placeholders sit, and caps what it reads. One pass, one allocation for
 * the text sized from a worst-case bound; no curses, safe on any thread.
 */
#include "lib/sanitize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "lib/util.h"

/* Worst output per input byte outside tabs: an invalid byte or C0 is
 * "\xNN" (4), a C1 is 2 bytes -> "<U+0080>" (8). An expanded tab is up
 * to 8 spaces, so tabs get 4 more each. */
#define SANITIZE_PER_BYTE 4
#define SANITIZE_PER_TAB 4
/* "…(" + 20 digits + " bytes)" + NUL, with room to spare. */
#define SANITIZE_MARKER_MAX 40

/* Code points shown as "<U+XXXX>": C1, soft hyphen, Arabic letter mark,
 * Mongolian vowel separator, zero-width and bidi marks, line/paragraph
 * separators, bidi embeddings and isolates, invisible operators and the
 * deprecated format controls, the BOM, interlinear annotation marks and
 * the tag block. Sorted; searched linearly after a fast-path test. */
static const uint32_t sanitize_hidden[][2] = {
	{ 0x0080, 0x009f }, { 0x00ad, 0x00ad }, { 0x061c, 0x061c },   { 0x180e, 0x180e },
	{ 0x200b, 0x200f }, { 0x2028, 0x202e }, { 0x2060, 0x2064 },   { 0x2066, 0x206f },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0xe0000, 0xe007f },
};

/* Combining marks, for SANITIZE_ASCII, where the locale cannot say
 * (wcwidth() knows no non-ASCII character there): the blocks that mark
 * floods are made of. Sorted. */
static const uint32_t sanitize_combining[][2] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x1ab0, 0x1aff },
	{ 0x1dc0, 0x1dff }, { 0x20d0, 0x20ff }, { 0xfe20, 0xfe2f },
};

static const char sanitize_hexdigits[] = "0123456789ABCDEF";

struct sanitize_buf {
	char *p;
	size_t len;
	struct sanitize_span *spans;
	size_t nspans;
	size_t spancap;
	int keep_spans;
	size_t col; /* display column in the current line, for tab stops */
};

/* Length of the well-formed UTF-8 sequence at s[0..n) with *cp set, or 0
 * when s[0] does not start one (overlong, surrogate, > U+10FFFF, bad or
 * missing continuation). Never reads past n. */
static size_t sanitize_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		need = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		need = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		need = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	v = (v << 6) | (s[1] & 0x3f);
	for (i = 2; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return need;
}

/* 1 if cp lies in one of the n sorted ranges of table. */
static int sanitize_in(const uint32_t (*table)[2], size_t n, uint32_t cp)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (cp < table[i][0])
			return 0;
		if (cp <= table[i][1])
			return 1;
	}
	return 0;
}

static int sanitize_is_hidden(uint32_t cp)
{
	return cp >= 0x80 &&
	       sanitize_in(sanitize_hidden, sizeof sanitize_hidden / sizeof sanitize_hidden[0], cp);
}

static int sanitize_is_combining(uint32_t cp)
{
	return cp >= 0x300 &&
	       sanitize_in(sanitize_combining,
			   sizeof sanitize_combining / sizeof sanitize_combining[0], cp);
}

static size_t sanitize_cpwidth(uint32_t cp)
{
	int w;

	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

static void sanitize_span_add(struct sanitize_buf *b, size_t start, size_t len)
{
	if (!b->keep_spans)
		return;
	if (b->nspans == b->spancap) {
		b->spancap = b->spancap ? b->spancap * 2 : 16;
		b->spans = xrealloc(b->spans, b->spancap * sizeof *b->spans);
	}
	b->spans[b->nspans].start = start;
	b->spans[b->nspans].len = len;
	b->nspans++;
}

static void sanitize_put(struct sanitize_buf *b, const void *data, size_t n, size_t width)
{
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->col += width;
}

/* A placeholder: copied, recorded as a span, one column per byte. */
static void sanitize_mark(struct sanitize_buf *b, const char *ph, size_t n)
{
	sanitize_span_add(b, b->len, n);
	sanitize_put(b, ph, n, n);
}

static void sanitize_mark_byte(struct sanitize_buf *b, unsigned char c)
{
	char ph[4];

	ph[0] = '\\';
	ph[1] = 'x';
	ph[2] = sanitize_hexdigits[c >> 4];
	ph[3] = sanitize_hexdigits[c & 0xf];
	sanitize_mark(b, ph, sizeof ph);
}

static void sanitize_mark_cp(struct sanitize_buf *b, uint32_t cp)
{
	char ph[16];
	size_t n = 0;
	int digits = cp > 0xffff ? (cp > 0xfffff ? 6 : 5) : 4;
	int d;

	ph[n++] = '<';
	ph[n++] = 'U';
	ph[n++] = '+';
	for (d = digits - 1; d >= 0; d--)
		ph[n++] = sanitize_hexdigits[(cp >> (4 * d)) & 0xf];
	ph[n++] = '>';
	sanitize_mark(b, ph, n);
}

/* 1 if a literal backslash before s[0..n) must be doubled, because the
 * next character, or the placeholder it turns into, starts like one of
 * our escapes. */
static int sanitize_backslash_needs_double(const unsigned char *s, size_t n)
{
	uint32_t cp;

	if (n == 0)
		return 0;
	switch (s[0]) {
	case 'e':
	case 'b':
	case 'r':
	case 'n':
	case 't':
	case 'x':
	case '\\':
		return 1;
	default:
		break;
	}
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	return s[0] >= 0x80 && sanitize_decode(s, n, &cp) == 0;
}

static void sanitize_control(struct sanitize_buf *b, unsigned char c, int flags)
{
	size_t spaces;

	switch (c) {
	case 0x1b:
		sanitize_mark(b, "\\e", 2);
		break;
	case '\b':
		sanitize_mark(b, "\\b", 2);
		break;
	case '\r':
		sanitize_mark(b, "\\r", 2);
		break;
	case '\n':
		if (flags & SANITIZE_MULTILINE) {
			b->p[b->len++] = '\n';
			b->col = 0;
		} else {
			sanitize_mark(b, "\\n", 2);
		}
		break;
	case '\t':
		if (flags & SANITIZE_TABS_VISIBLE) {
			sanitize_mark(b, "\\t", 2);
		} else {
			spaces = 8 - b->col % 8;
			memset(b->p + b->len, ' ', spaces);
			b->len += spaces;
			b->col += spaces;
		}
		break;
	default:
		sanitize_mark_byte(b, c);
		break;
	}
}

/* Where to stop reading when only cap of len bytes may be read: cap,
 * backed up to the start of a well-formed character that straddles it. */
static size_t sanitize_cut(const unsigned char *s, size_t len, size_t cap)
{
	size_t k, start;
	uint32_t cp;

	for (k = 1; k <= 3 && k <= cap; k++) {
		start = cap - k;
		if ((s[start] & 0xc0) == 0x80)
			continue;
		if (s[start] >= 0xc2 && sanitize_decode(s + start, len - start, &cp) > k)
			return start;
		break;
	}
	return cap;
}

static void sanitize_marker(struct sanitize_buf *b, size_t total, int flags)
{
	char digits[24];
	size_t nd = 0;

	do {
		digits[nd++] = (char)('0' + total % 10);
		total /= 10;
	} while (total > 0);
	if (flags & SANITIZE_ASCII)
		sanitize_put(b, "...(", 4, 4);
	else
		sanitize_put(b, "\xe2\x80\xa6(", 4, 2); /* "…(" is two columns */
	while (nd > 0) {
		b->p[b->len++] = digits[--nd];
		b->col++;
	}
	sanitize_put(b, " bytes)", 7, 7);
}

static void sanitize_run(const char *in, size_t len, int flags, size_t cap,
			 struct sanitize_out *out, int keep_spans)
{
	const unsigned char *s = (const unsigned char *)in;
	struct sanitize_buf b = { 0 };
	size_t n, i, k, ntabs = 0, bound, marks = 0;
	uint32_t cp;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		len = 0;
	n = len;
	if (cap > 0 && len > cap)
		n = sanitize_cut(s, len, cap);
	if (!(flags & SANITIZE_TABS_VISIBLE)) {
		for (i = 0; i < n; i++)
			ntabs += s[i] == '\t';
	}
	if (n > (SIZE_MAX - SANITIZE_MARKER_MAX) / (SANITIZE_PER_BYTE + SANITIZE_PER_TAB))
		util_die("sanitize: input too large (%zu bytes)", n);
	bound = n * SANITIZE_PER_BYTE + ntabs * SANITIZE_PER_TAB + SANITIZE_MARKER_MAX;
	b.p = xmalloc(bound);
	b.keep_spans = keep_spans;

	i = 0;
	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80)
			marks = 0;
		if (c >= 0x20 && c < 0x7f) {
			if (c == '\\' && sanitize_backslash_needs_double(s + i + 1, n - i - 1))
				sanitize_put(&b, "\\\\", 2, 2);
			else
				sanitize_put(&b, &c, 1, 1);
			i++;
			continue;
		}
		if (c < 0x80) {
			if (c == 0x7f)
				sanitize_mark_byte(&b, c);
			else
				sanitize_control(&b, c, flags);
			i++;
			continue;
		}
		k = sanitize_decode(s + i, n - i, &cp);
		if (k > 0 && (flags & SANITIZE_ASCII) && sanitize_is_combining(cp)) {
			if (++marks <= SANITIZE_COMBINING_MAX)
				sanitize_mark_cp(&b, cp);
			i += k;
			continue;
		}
		marks = 0;
		if (k == 0) {
			sanitize_mark_byte(&b, c);
			i++;
		} else if (sanitize_is_hidden(cp) || (flags & SANITIZE_ASCII)) {
			sanitize_mark_cp(&b, cp);
			i += k;
		} else {
			sanitize_put(&b, s + i, k, sanitize_cpwidth(cp));
			i += k;
		}
	}
	if (n < len) {
		sanitize_marker(&b, len, flags);
		out->truncated = len - n;
	}
	b.p[b.len] = '\0';
	if (bound - b.len > 4096)
		b.p = xrealloc(b.p, b.len + 1);
	out->text = b.p;
	out->len = b.len;
	out->spans = b.spans;
	out->nspans = b.nspans;
}

void sanitize(const char *in, size_t len, int flags, size_t cap, struct sanitize_out *out)
{
	sanitize_run(in, len, flags, cap, out, 1);
}

void sanitize_out_free(struct sanitize_out *out)
{
	if (out == NULL)
		return;
	free(out->text);
	free(out->spans);
	memset(out, 0, sizeof *out);
}

char *sanitize_str(const char *s)
{
	struct sanitize_out out;

	if (s == NULL)
		return xstrdup("");
	sanitize_run(s, strlen(s), 0, 0, &out, 0);
	return out.text;
}

/* Decode one character of sanitised text for measuring: its byte length
 * and its columns. A stray invalid byte counts as one column. */
static size_t sanitize_measure(const unsigned char *s, size_t n, size_t *cols)
{
	uint32_t cp;
	size_t k;

	if (s[0] < 0x80) {
		*cols = 1;
		return 1;
	}
	k = sanitize_decode(s, n, &cp);
	if (k == 0) {
		*cols = 1;
		return 1;
	}
	*cols = sanitize_cpwidth(cp);
	return k;
}

size_t sanitize_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0, cw;

	if (s == NULL)
		return 0;
	while (i < len) {
		i += sanitize_measure(u + i, len - i, &cw);
		w += cw;
	}
	return w;
}

size_t sanitize_shown_width(const char *s, size_t len)
{
	struct sanitize_out out;
	size_t i, w;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f || s[i] == '\\')
			break;
	if (i == len)
		return len;
	sanitize_run(s, len, 0, 0, &out, 0);
	w = sanitize_width(out.text, out.len);
	sanitize_out_free(&out);
	return w;
}

size_t sanitize_fit(const char *s, size_t len, size_t cols)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0, cw, k;

	if (s == NULL)
		return 0;
	while (i < len) {
		k = sanitize_measure(u + i, len - i, &cw);
		if (w + cw > cols)
			break;
		w += cw;
		i += k;
	}
	return i;
}
