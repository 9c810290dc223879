/*
 * test_screen.c - the draw choke point on a real terminal (a pty): every
 * draw helper, draw_label included, sanitises and redacts what it is
 * given, so no control character, bidi override or raw escape reaches a
 * cell of the screen, and a terminal that is not UTF-8 gets visible
 * placeholders for non-ASCII text (#12 items 3 and 5). Cells are read
 * back from curses' own screen (mvinnwstr), the grid the terminal gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "lib/util.h"
#include "tests/sanitize_invariant.h"
#include "ui/prompt.h"
#include "ui/screen.h"
#include "ui/theme.h"
#include "tests/unit/testhelp.h"

#define ROWS 24
#define COLS 100

static int test_saved_in = -1, test_saved_out = -1, test_master = -1;

/* Start the screen on a fresh pty in locale (stdin and stdout become the
 * pty's slave until test_screen_down). */
static void test_screen_up(const char *locale)
{
	struct winsize ws = { ROWS, COLS, 0, 0 };
	struct theme t;
	char err[256];
	int slave;

	assert_non_null(setlocale(LC_ALL, locale));
	assert_int_equal(openpty(&test_master, &slave, NULL, NULL, &ws), 0);
	fcntl(test_master, F_SETFL, O_NONBLOCK);
	fflush(stdout);
	test_saved_in = dup(STDIN_FILENO);
	test_saved_out = dup(STDOUT_FILENO);
	dup2(slave, STDIN_FILENO);
	dup2(slave, STDOUT_FILENO);
	close(slave);
	setenv("TERM", "xterm-256color", 1);
	assert_int_equal(theme_builtin("default", &t), 0);
	if (screen_init(&t, 0, 0, err, sizeof err) != 0)
		fail_msg("screen_init: %s", err);
	screen_begin();
}

static void test_screen_down(void)
{
	char buf[4096];

	screen_end();
	fflush(stdout);
	while (read(test_master, buf, sizeof buf) > 0)
		;
	dup2(test_saved_in, STDIN_FILENO);
	dup2(test_saved_out, STDOUT_FILENO);
	close(test_saved_in);
	close(test_saved_out);
	close(test_master);
}

/* Row y of the screen as UTF-8 (trailing blanks dropped). */
static void test_row(int y, char *out, size_t n)
{
	wchar_t w[COLS + 1];
	size_t len;
	int k = mvinnwstr(y, 0, w, COLS);

	assert_true(k != ERR);
	len = wcstombs(out, w, n - 1);
	assert_true(len != (size_t)-1);
	out[len] = '\0';
	while (len > 0 && out[len - 1] == ' ')
		out[--len] = '\0';
}

/* Fail unless row y of the screen is want (holds it, with part set). */
static void test_row_is(int y, const char *want, int part)
{
	char row[4 * COLS];

	test_row(y, row, sizeof row);
	if (part ? strstr(row, want) == NULL : strcmp(row, want) != 0)
		fail_msg("row %d is \"%s\", want %s\"%s\"", y, row, part ? "part " : "", want);
}

/* No cell anywhere holds what the sanitiser must never let through: a
 * control, DEL, C1, bidi, zero-width or format character. */
static void test_no_raw_cell(void)
{
	int y, x;

	for (y = 0; y < ROWS; y++) {
		for (x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t a;
			short pair;
			int i;

			assert_int_equal(mvin_wch(y, x, &cc), OK);
			getcchar(&cc, wch, &a, &pair, NULL);
			for (i = 0; wch[i] != 0; i++) {
				wchar_t c = wch[i];

				if (sanitize_inv_forbidden((uint32_t)c, 0))
					fail_msg("raw U+%04X in the cell at %d,%d", (unsigned)c, y,
						 x);
			}
		}
	}
}

static const char test_hostile[] = "IJK\b\b\bL prod\xe2\x80\xaetxt \x1b[2J\x1b]0;PWNED\a end";
static const char test_shown[] = "IJK\\b\\b\\bL prod<U+202E>txt \\e[2J\\e]0;PWNED\\x07 end";

/* draw_label was "text known to be our own" and went to curses raw: the
 * backspaces moved the cursor back over "IJK" and the bidi override
 * reached a cell. */
TEST(test_screen_label_sanitises)
{
	struct view v = { 0, 0, ROWS, COLS };

	test_screen_up("C.UTF-8");
	draw_label(&v, 2, 0, ROLE_NORMAL, test_hostile);
	test_row_is(2, test_shown, 0);
	draw_label(&v, 3, 0, ROLE_ERROR, "ERR auth failed for redis://:hunter2@cache:6379");
	test_row_is(3, "ERR auth failed for redis://:***@cache:6379", 0);
	test_no_raw_cell();
	test_screen_down();
}

/* Every other way text reaches the screen, the same. */
TEST(test_screen_every_helper)
{
	struct view v = { 0, 0, ROWS, COLS };
	struct view box = { 10, 0, 4, COLS };
	struct prompt p;

	test_screen_up("C.UTF-8");
	draw_text(&v, 0, 0, ROLE_NORMAL, test_hostile, -1);
	draw_textn(&v, 1, 0, ROLE_NORMAL, test_hostile, sizeof test_hostile - 1, -1);
	draw_wrapped(&v, 2, ROLE_NORMAL, test_hostile, sizeof test_hostile - 1);
	draw_box(&box, ROLE_BORDER, "title \x1b]52;c;cm0gLXJm\a\xe2\x80\xae", ROLE_TITLE);
	prompt_set(&p, "");
	p.secret = 0;
	prompt_paste(&p, (const int[]){ 'a', 0x1b, 0x202e, 'b', '\n' }, 5);
	prompt_draw(&p, &(struct view){ 20, 0, 1, COLS }, 0, ROLE_INPUT, "label\b\b:");
	for (int y = 0; y < 3; y++)
		test_row_is(y, test_shown, 0);
	test_row_is(10, "title \\e]52;c;cm0gLXJm\\x07<U+202E>", 1);
	test_row_is(20, "label\\b\\b:a<U+202E>b", 0);
	test_no_raw_cell();
	test_screen_down();
}

/* A terminal that is not UTF-8: placeholders, never '?'. */
TEST(test_screen_ascii_terminal)
{
	struct view v = { 0, 0, ROWS, COLS };
	struct strbuf flood = { 0 };
	int i;

	test_screen_up("C");
	assert_false(screen_utf8());
	draw_label(&v, 0, 0, ROLE_NORMAL, "caf\xc3\xa9 \xe2\x82\xac");
	test_row_is(0, "caf<U+00E9> <U+20AC>", 0);
	strbuf_puts(&flood, "Z");
	for (i = 0; i < 50; i++)
		strbuf_puts(&flood, "\xcc\x81");
	strbuf_puts(&flood, "!");
	draw_text(&v, 1, 0, ROLE_NORMAL, flood.buf, -1);
	test_row_is(1, "Z<U+0301><U+0301><U+0301><U+0301>!", 0);
	strbuf_free(&flood);
	test_no_raw_cell();
	test_screen_down();
}
