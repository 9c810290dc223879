/*
 * pick.c - the pick list (see pick.h): a filtered, scrolled list of
 * copies, drawn in a centred box.
 */
#include "ui/pick.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* The box's width bounds, in columns. */
#define PICK_MIN_W 50
#define PICK_MAX_W 100

int pick_match(const char *hay, const char *needle)
{
	size_t i, k, nl = strlen(needle);

	for (i = 0; nl == 0 || hay[i] != '\0'; i++) {
		for (k = 0; k < nl && hay[i + k] != '\0'; k++) {
			unsigned char h = (unsigned char)hay[i + k], c = (unsigned char)needle[k];

			if (h != c && !(h < 0x80 && c < 0x80 && (h | 0x20) == (c | 0x20) &&
					(h | 0x20) >= 'a' && (h | 0x20) <= 'z'))
				break;
		}
		if (k == nl)
			return 1;
	}
	return 0;
}

/* Keep the rows that match the filter; the selection stays on its item
 * when it still shows, else goes to the first. */
static void pick_refilter(struct pick *p)
{
	size_t keep = p->nshown > 0 ? p->shown[p->sel] : (size_t)-1, i;

	p->nshown = 0;
	p->sel = 0;
	for (i = 0; i < p->n; i++) {
		if (!pick_match(p->items[i], p->filter.buf))
			continue;
		if (i == keep)
			p->sel = p->nshown;
		p->shown[p->nshown++] = i;
	}
	p->top = 0;
}

void pick_open(struct pick *p, const char *title, const char *const *items, size_t n,
	       const char *current)
{
	size_t i;

	pick_free(p);
	p->title = xstrdup(title != NULL ? title : "Pick one");
	p->items = xcalloc(n ? n : 1, sizeof *p->items);
	p->shown = xcalloc(n ? n : 1, sizeof *p->shown);
	p->n = n;
	p->current = -1;
	for (i = 0; i < n; i++) {
		p->items[i] = xstrdup(items[i]);
		if (p->current < 0 && current != NULL && strcmp(items[i], current) == 0)
			p->current = (long)i;
	}
	prompt_set(&p->filter, "");
	p->filter.secret = 0;
	p->typing = 0;
	p->nshown = 0;
	pick_refilter(p);
	if (p->current >= 0)
		p->sel = (size_t)p->current;
}

void pick_free(struct pick *p)
{
	size_t i;

	for (i = 0; p->items != NULL && i < p->n; i++)
		free(p->items[i]);
	free(p->items);
	free(p->shown);
	free(p->title);
	memset(p, 0, sizeof *p);
	p->current = -1;
}

const char *pick_chosen(const struct pick *p)
{
	return p->nshown > 0 ? p->items[p->shown[p->sel]] : NULL;
}

/* Move the selection by d rows, clamped. */
static void pick_move(struct pick *p, long d)
{
	long s = (long)p->sel + d;

	if (p->nshown == 0)
		return;
	if (s < 0)
		s = 0;
	if (s >= (long)p->nshown)
		s = (long)p->nshown - 1;
	p->sel = (size_t)s;
}

/* A click on a row selects and picks it. */
static enum pick_result pick_click(struct pick *p)
{
	int y, x;

	screen_mouse(&y, &x);
	if (y < p->list.y || y >= p->list.y + p->list.h || x < p->list.x ||
	    x >= p->list.x + p->list.w || p->top + (size_t)(y - p->list.y) >= p->nshown)
		return PICK_NONE;
	p->sel = p->top + (size_t)(y - p->list.y);
	return PICK_CHOSEN;
}

/* The keys that move, typing or not: 1 when key was one. */
static int pick_nav(struct pick *p, int key)
{
	long page = p->list.h > 1 ? p->list.h - 1 : 10;

	switch (key) {
	case KEY_DOWN:
	case 'n' & 0x1f:
		pick_move(p, 1);
		return 1;
	case KEY_UP:
	case 'p' & 0x1f:
		pick_move(p, -1);
		return 1;
	case KEY_NPAGE:
	case 'f' & 0x1f:
		pick_move(p, page);
		return 1;
	case KEY_PPAGE:
	case 'b' & 0x1f:
		pick_move(p, -page);
		return 1;
	case KEY_HOME:
		pick_move(p, -(long)p->nshown);
		return 1;
	case KEY_END:
		pick_move(p, (long)p->nshown);
		return 1;
	case SCREEN_KEY_WHEEL_DOWN:
		pick_move(p, 3);
		return 1;
	case SCREEN_KEY_WHEEL_UP:
		pick_move(p, -3);
		return 1;
	}
	return 0;
}

enum pick_result pick_key(struct pick *p, int key)
{
	if (key == SCREEN_KEY_ESC)
		return PICK_CANCELLED;
	if (key == '\r' || key == '\n' || key == KEY_ENTER)
		return p->nshown > 0 ? PICK_CHOSEN : PICK_NONE;
	if (key == SCREEN_KEY_MOUSE_CLICK)
		return pick_click(p);
	if (pick_nav(p, key))
		return PICK_NONE;
	if (!p->typing) {
		switch (key) {
		case 'j':
			pick_move(p, 1);
			return PICK_NONE;
		case 'k':
			pick_move(p, -1);
			return PICK_NONE;
		case 'g':
			pick_move(p, -(long)p->nshown);
			return PICK_NONE;
		case 'G':
			pick_move(p, (long)p->nshown);
			return PICK_NONE;
		case '/':
			p->typing = 1;
			return PICK_NONE;
		}
	}
	if ((key == KEY_BACKSPACE || key == 0x7f || key == '\b') && p->filter.len == 0) {
		p->typing = 0; /* Backspace on an empty filter: the letters move again */
	} else if (prompt_key(&p->filter, key)) {
		p->typing = 1;
		pick_refilter(p);
	}
	return PICK_NONE;
}

void pick_paste(struct pick *p, const int *keys, size_t n)
{
	if (prompt_paste(&p->filter, keys, n)) {
		p->typing = 1;
		pick_refilter(p);
	}
}

/* The box's size for the items, the title and the screen. */
static struct view pick_box(const struct pick *p, int rows, int cols)
{
	struct view v;
	size_t i, w = strlen(p->title) + 8;

	for (i = 0; i < p->n; i++)
		if (strlen(p->items[i]) + 6 > w)
			w = strlen(p->items[i]) + 6;
	v.w = w < PICK_MIN_W ? PICK_MIN_W : w > PICK_MAX_W ? PICK_MAX_W : (int)w;
	v.h = p->n + 4 < 7 ? 7 : (int)p->n + 4;
	if (v.w > cols - 2)
		v.w = cols - 2;
	if (v.h > rows - 2)
		v.h = rows - 2;
	v.y = (rows - v.h) / 2;
	v.x = (cols - v.w) / 2;
	return v;
}

int pick_draw(struct pick *p, int rows, int cols, int *cury)
{
	struct view box = pick_box(p, rows, cols), in = view_inner(&box);
	struct view line = { in.y, in.x + 1, 1, in.w - 2 };
	char foot[96];
	int y, curx = -1;

	draw_clear(&box, ROLE_DIALOG);
	draw_box(&box, ROLE_BORDER_FOCUS, p->title, ROLE_TITLE_FOCUS);
	if (in.h < 3 || in.w < 4)
		return -1;
	p->list = (struct view){ in.y + 1, in.x, in.h - 2, in.w };
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)p->list.h)
		p->top = p->sel - (size_t)p->list.h + 1;
	if (p->typing || p->filter.len > 0) {
		draw_fill(&line, 0, ROLE_INPUT);
		curx = prompt_draw(&p->filter, &line, 0, ROLE_INPUT, "/ ");
		*cury = line.y;
	} else {
		draw_label(&in, 0, 1, ROLE_DIM, "type or / to filter");
	}
	for (y = 0; y < p->list.h && p->top + (size_t)y < p->nshown; y++) {
		size_t i = p->shown[p->top + (size_t)y];
		enum role role = p->top + (size_t)y == p->sel ? ROLE_SELECTED : ROLE_DIALOG;

		if (role == ROLE_SELECTED)
			draw_fill(&p->list, y, role);
		draw_label(&p->list, y, 1, role, (long)i == p->current ? "*" : " ");
		draw_text(&p->list, y, 3, role, p->items[i], p->list.w - 4);
	}
	if (p->nshown == 0)
		draw_label(&p->list, 0, 3, ROLE_DIM, "(nothing matches)");
	snprintf(foot, sizeof foot, "%zu of %zu  Enter picks, Esc cancels%s",
		 p->nshown > 0 ? p->sel + 1 : 0, p->nshown, p->current >= 0 ? ", * current" : "");
	draw_label(&in, in.h - 1, 1, ROLE_DIM, foot);
	return p->typing || p->filter.len > 0 ? curx : -1;
}
