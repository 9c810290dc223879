/*
 * screen.h - the terminal: curses set-up and teardown, the frame, input
 * decoding, and the draw helpers. This is the draw choke point: the only
 * code that writes text to curses, and every string goes through the
 * sanitiser (sanitize.h) on its way, with escape placeholders painted in
 * ROLE_ESCAPE. Panels draw into a struct view (a clipped rectangle) and
 * never see curses. UI thread only.
 */
#ifndef AM_SCREEN_H
#define AM_SCREEN_H

#include <stddef.h>
#include "ui/theme.h"

/* A rectangle of the screen; drawing outside it is clipped. */
struct view {
	int y, x; /* top-left on the screen */
	int h, w;
};

/* Special key codes returned by screen_getkey besides curses KEY_* and
 * Unicode code points. */
enum {
	SCREEN_KEY_NONE = -1,    /* nothing to read */
	SCREEN_KEY_IGNORED = -2, /* a discarded escape sequence (D4) */
	SCREEN_KEY_ESC = 27,
	SCREEN_KEY_BACKTAB = 0x110000,
	SCREEN_KEY_MOUSE_CLICK, /* screen_mouse() has the position */
	SCREEN_KEY_WHEEL_UP,
	SCREEN_KEY_WHEEL_DOWN,
	SCREEN_KEY_PASTE, /* a bracketed paste, whole: screen_paste() has it */
};

/* Whether the terminal named by TERM can run a full screen (it knows the
 * type, and it can address the cursor: TERM=dumb, a hard-copy or generic
 * type cannot): 0, or -1 with a message that says what to do. Call
 * before screen_init. */
int screen_check_terminal(char *err, size_t errlen);
/* Start curses on the terminal with theme t. ascii forces ASCII line
 * drawing; mouse enables click and wheel reports. 0, or -1 + err. */
int screen_init(const struct theme *t, int ascii, int mouse, char *err, size_t errlen);
/* Restore the terminal; idempotent; safe from the fatal path. */
void screen_end(void);
/* Hand the terminal to a child (endwin) / take it back (full repaint). */
void screen_suspend(void);
void screen_resume(void);
/* Apply a theme now (re-initialises colour pairs). */
void screen_set_theme(const struct theme *t);
/* Current size, after screen_resize() has picked up a SIGWINCH. */
void screen_size(int *rows, int *cols);
void screen_resize(void);
/* 1 if the terminal runs in a UTF-8 locale (else ASCII fallbacks). */
int screen_utf8(void);
/* Start a frame: blank the screen buffer (no clear(): only changed cells
 * are sent). */
void screen_begin(void);
/* Finish a frame with exactly one doupdate(); the cursor is shown at
 * (y, x) when y >= 0, else hidden. */
void screen_finish(int y, int x);
/* Also hand every frame's bytes, as sent to the terminal, to fn (an
 * asciicast being written); NULL stops. A frame that had to go to the
 * terminal directly (the first after a shell-out) is repainted whole at
 * once, so fn misses nothing. */
typedef void (*screen_tee_fn)(void *ctx, const char *bytes, size_t n);
void screen_set_tee(screen_tee_fn fn, void *ctx);
/* Force a full repaint on the next frame (Ctrl-L). */
void screen_invalidate(void);
/* Read one key without waiting; see the SCREEN_KEY_* codes. */
int screen_getkey(void);
/* The text of the last SCREEN_KEY_PASTE as *n code points, as the
 * terminal sent them (controls and newlines included, escape sequences
 * dropped; NULL when *n is 0); *dropped (if not NULL) counts those beyond
 * the cap. Valid until the next screen_getkey(); owned by the screen. */
const int *screen_paste(size_t *n, size_t *dropped);
/* Position of the last mouse event. */
void screen_mouse(int *y, int *x);
/* Copy text to the clipboard with OSC 52 (sanitised first). */
void screen_copy(const char *text, size_t len);
/* A short name for a key code ("Enter", "C-l", "x"), for messages. */
const char *screen_keyname(int key);

/* Draw helpers: all sanitise and clip to v. (y, x) are view-relative.
 * Return the number of columns drawn. */
int draw_text(const struct view *v, int y, int x, enum role role, const char *s, int maxcols);
int draw_textn(const struct view *v, int y, int x, enum role role, const char *s, size_t len,
	       int maxcols);
/* draw_text for an identifier spelled out by ident_escape (lib/ident.h):
 * each escape ("\u0430") in the error role, the rest in role, so the
 * letter that breaks the rule stands out. */
int draw_ident(const struct view *v, int y, int x, enum role role, const char *s, int maxcols);
/* Draw s[0..len) from row y down, word-wrapped to the view's width
 * (one sanitised line per '\n'-separated paragraph, broken at spaces; a
 * word wider than the view is cut). Returns the rows used. */
int draw_wrapped(const struct view *v, int y, enum role role, const char *s, size_t len);
/* Format the last width values of h[0..nh) as a sparkline scaled to
 * their maximum: block characters, or "_.:-=+*#" on ASCII terminals.
 * Writes at most n bytes (NUL-terminated) into buf. */
void screen_sparkline(char *buf, size_t n, const double *h, size_t nh, size_t width);
/* draw_text() with no width cap but the view's: every string is
 * sanitised and redacted, whoever wrote it (a label formatted with
 * snprintf() may carry a server's error text). */
int draw_label(const struct view *v, int y, int x, enum role role, const char *s);
/* Fill row y of v with blanks in role. */
void draw_fill(const struct view *v, int y, enum role role);
/* draw_fill, where a blank in role's attributes looks like a plain one
 * (no background, underline or reverse), else nothing: a row drawn in
 * pieces then reaches the terminal with its attributes said once, not
 * again after every gap (a coloured Pods row: about 150 bytes less). */
void draw_fill_gaps(const struct view *v, int y, enum role role);
/* Underline row y of v where it stands, in role's colours (the text stays):
 * the selection of a panel without the keyboard. */
void draw_underline(const struct view *v, int y, enum role role);
/* Fill the whole view. */
void draw_clear(const struct view *v, enum role role);
/* A box around v with a title in its top border. */
void draw_box(const struct view *v, enum role role, const char *title, enum role title_role);
/* A horizontal line across row y. */
void draw_hline(const struct view *v, int y, enum role role);
/* Inner rectangle of a boxed view. */
struct view view_inner(const struct view *v);

#endif
