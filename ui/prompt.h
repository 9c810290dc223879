/*
 * prompt.h - a one-line editor for the filter, the command line, dialog
 * input and placeholder prompts: insert, Backspace, Delete, Left/Right,
 * Home/End (C-a/C-e), C-u (kill to start), C-w (kill word). UTF-8 aware.
 * UI thread.
 */
#ifndef AM_PROMPT_H
#define AM_PROMPT_H

#include <stddef.h>
#include "ui/screen.h"

#define PROMPT_MAX 4096

struct prompt {
	char buf[PROMPT_MAX];
	size_t len;
	size_t cur; /* byte offset of the cursor */
	int secret; /* draw '*' for each character */
};

void prompt_set(struct prompt *p, const char *text);
/* Edit with key. Returns 1 when the text or cursor changed, 0 if the
 * key is not an editing key (Enter, Esc, Tab ... are the caller's). */
int prompt_key(struct prompt *p, int key);
/* Insert pasted code points keys[0..n) at the cursor as text: line
 * breaks at either end are dropped, inside they become spaces, other
 * controls are dropped. Returns 1 when the text changed. */
int prompt_paste(struct prompt *p, const int *keys, size_t n);
/* Draw label + text on row y of v; returns the screen column of the
 * cursor. */
int prompt_draw(const struct prompt *p, const struct view *v, int y, enum role role,
		const char *label);

#endif
