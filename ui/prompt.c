/*
 * prompt.c - the one-line editor (see prompt.h). Typed text is stored as
 * UTF-8; what is drawn goes through the draw helpers like everything else.
 */
#include "ui/prompt.h"

#include <curses.h>
#include <string.h>

#include "lib/util.h"
#include "lib/sanitize.h"

void prompt_set(struct prompt *p, const char *text)
{
	size_t n = text != NULL ? strlen(text) : 0;

	if (n >= PROMPT_MAX)
		n = PROMPT_MAX - 1;
	if (n > 0)
		memcpy(p->buf, text, n);
	p->buf[n] = '\0';
	p->len = p->cur = n;
}

static size_t prompt_prev(const struct prompt *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t prompt_next(const struct prompt *p, size_t i)
{
	if (i >= p->len)
		return p->len;
	i++;
	while (i < p->len && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void prompt_delete(struct prompt *p, size_t from, size_t to)
{
	memmove(p->buf + from, p->buf + to, p->len - to + 1);
	p->len -= to - from;
	p->cur = from;
}

static int prompt_insert(struct prompt *p, int key)
{
	char enc[4];
	size_t n;
	unsigned c = (unsigned)key;

	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (c < 0x80) {
		enc[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		enc[0] = (char)(0xc0 | (c >> 6));
		enc[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		enc[0] = (char)(0xe0 | (c >> 12));
		enc[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (c >> 18));
		enc[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (p->len + n >= PROMPT_MAX)
		return 1;
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + p->cur, enc, n);
	p->len += n;
	p->cur += n;
	return 1;
}

int prompt_key(struct prompt *p, int key)
{
	size_t i;

	switch (key) {
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (p->cur > 0)
			prompt_delete(p, prompt_prev(p, p->cur), p->cur);
		return 1;
	case KEY_DC:
	case 4: /* C-d */
		if (p->cur < p->len)
			prompt_delete(p, p->cur, prompt_next(p, p->cur));
		return 1;
	case KEY_LEFT:
	case 2: /* C-b */
		p->cur = prompt_prev(p, p->cur);
		return 1;
	case KEY_RIGHT:
	case 6: /* C-f */
		p->cur = prompt_next(p, p->cur);
		return 1;
	case KEY_HOME:
	case 1: /* C-a */
		p->cur = 0;
		return 1;
	case KEY_END:
	case 5: /* C-e */
		p->cur = p->len;
		return 1;
	case 21: /* C-u */
		prompt_delete(p, 0, p->cur);
		return 1;
	case 23: /* C-w */
		i = p->cur;
		while (i > 0 && p->buf[i - 1] == ' ')
			i--;
		while (i > 0 && p->buf[i - 1] != ' ')
			i--;
		prompt_delete(p, i, p->cur);
		return 1;
	}
	if (key >= KEY_MIN && key <= KEY_MAX)
		return 0;
	return prompt_insert(p, key);
}

int prompt_paste(struct prompt *p, const int *keys, size_t n)
{
	size_t i, first = 0, last = n;
	int changed = 0;

	/* A pasted line break is never Enter: those around the text go, those
	 * inside become spaces; other controls are dropped by the insert. */
	while (first < last && (keys[first] == '\n' || keys[first] == '\r'))
		first++;
	while (last > first && (keys[last - 1] == '\n' || keys[last - 1] == '\r'))
		last--;
	for (i = first; i < last; i++) {
		int k = keys[i];

		if (k == '\n' || k == '\r' || k == '\t')
			k = ' ';
		changed |= prompt_insert(p, k);
	}
	return changed;
}

int prompt_draw(const struct prompt *p, const struct view *v, int y, enum role role,
		const char *label)
{
	int x = draw_label(v, y, 0, role, label != NULL ? label : "");
	int avail = v->w - x - 1;
	size_t start = 0;
	int curx;

	if (p->secret) {
		size_t i, chars = 0;

		for (i = 0; i < p->len; i++)
			if (((unsigned char)p->buf[i] & 0xc0) != 0x80)
				chars++;
		for (i = 0; i < chars && (int)i < avail; i++)
			draw_label(v, y, x + (int)i, ROLE_INPUT, "*");
		return v->x + x + (int)(chars < (size_t)avail ? chars : (size_t)avail);
	}
	/* Scroll so the cursor stays visible. */
	while (start < p->cur && (int)sanitize_width(p->buf + start, p->cur - start) > avail)
		start = prompt_next(p, start);
	draw_textn(v, y, x, ROLE_INPUT, p->buf + start, p->len - start, avail);
	curx = x + (int)sanitize_width(p->buf + start, p->cur - start);
	return v->x + curx;
}
