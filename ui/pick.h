/*
 * pick.h - a pick list: a centred box of items to choose one from, for
 * every choice made from live data (kubeconfig contexts, namespaces,
 * themes, instances). Scrolls (j/k, arrows, PgUp/PgDn, g/G, the wheel);
 * `/` or any other typed character filters (case-insensitive substring);
 * Enter picks, Esc cancels; the current item is marked and selected
 * first. Items come from outside and are drawn through the sanitising
 * draw helpers. The caller (the shell) owns the state and routes keys.
 * UI thread.
 */
#ifndef AM_PICK_H
#define AM_PICK_H

#include <stddef.h>
#include "ui/prompt.h"
#include "ui/screen.h"

struct pick {
	char *title;
	char **items; /* copies, in the order given */
	size_t n;
	size_t *shown; /* indexes into items that pass the filter */
	size_t nshown;
	size_t sel, top; /* the selected row and the first drawn, in shown */
	long current;    /* the item marked current, or -1 */
	int typing;      /* keys go to the filter (after / or a typed character) */
	struct prompt filter;
	struct view list; /* where the rows were drawn last, for the mouse */
};

enum pick_result { PICK_NONE, PICK_CHOSEN, PICK_CANCELLED };

/* Copy items[0..n) and the title into p; current (or NULL) is marked
 * and selected. */
void pick_open(struct pick *p, const char *title, const char *const *items, size_t n,
	       const char *current);
void pick_free(struct pick *p);
/* Handle key (a SCREEN_KEY_* code included; a click uses screen_mouse):
 * PICK_CHOSEN when Enter (or a click) picked pick_chosen(), PICK_CANCELLED
 * on Esc, PICK_NONE otherwise. */
enum pick_result pick_key(struct pick *p, int key);
/* Insert pasted text into the filter. */
void pick_paste(struct pick *p, const int *keys, size_t n);
/* The selected item, or NULL when the filter leaves none. */
const char *pick_chosen(const struct pick *p);
/* Draw the box centred on a rows x cols screen; returns the screen
 * column of the filter's cursor and sets *cury, or -1 when not typing. */
int pick_draw(struct pick *p, int rows, int cols, int *cury);
/* 1 when needle is in hay, ASCII letters matched without case. */
int pick_match(const char *hay, const char *needle);

#endif
