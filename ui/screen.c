/*
 * screen.c - curses lives here and nowhere else (see screen.h): set-up
 * and teardown, colour pairs from the theme's roles, the one doupdate()
 * per frame, key decoding that throws away stray escape sequences and
 * turns a bracketed paste into one event, OSC 52 copy, and the draw
 * helpers that sanitise every string they paint.
 */
/* dup3 and memfd_create are Linux interfaces. */
#define _GNU_SOURCE
#include "ui/screen.h"

#include <curses.h>
#include <term.h>
#include <langinfo.h>
#include <locale.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <wchar.h>

#include "lib/util.h"
#include "lib/ident.h"
#include "lib/redact.h"
#include "lib/sanitize.h"

/* The most we sanitise for one draw call: a row never shows more. */
#define SCREEN_DRAW_CAP 4096
/* The most characters of one paste we keep: a line editor holds less. */
#define SCREEN_PASTE_CAP 8192
/* A paste whose end marker has not come after this many seconds without
 * a byte ends there (a terminal that lost it must not swallow keys). */
#define SCREEN_PASTE_STALL 1.0

/* Bracketed paste (xterm's mode 2004): the terminal wraps what is pasted
 * in ESC [ 200 ~ ... ESC [ 201 ~, so a paste never reads as keys. */
#define SCREEN_PASTE_ON "\033[?2004h"
#define SCREEN_PASTE_OFF "\033[?2004l"

/* One write() a frame (#17). ncurses sends a frame in pieces: its output
 * buffer is sized once, in newterm, to about one screenful, and until it
 * has been through endwin() once it flushes after every cursor movement.
 * So curses gets a descriptor of its own (a duplicate of the terminal's),
 * and while a frame is drawn that descriptor points at a file in memory;
 * the frame is read back from there and sent in one write(), between the
 * begin and end of synchronized output where terminfo declares it (the
 * extended capability Sync), so no terminal paints half a frame. Curses
 * touches the terminal itself through that descriptor (tcsetattr, the
 * size ioctl) only in newterm, endwin and the doupdate() after endwin:
 * then it is the terminal. */
static int screen_ofd = -1;      /* curses' output descriptor */
static int screen_ttyfd = -1;    /* the terminal, to point it back */
static int screen_memfd = -1;    /* where a frame collects */
static int screen_held;          /* screen_ofd points at screen_memfd */
static FILE *screen_out;         /* the stream curses writes to */
static screen_tee_fn screen_tee; /* and who sees each frame */
static void *screen_tee_ctx;
static char *screen_frame; /* a frame read back */
static size_t screen_frame_cap;
static char *screen_sync_on, *screen_sync_off;

static int screen_active;
static int screen_is_utf8;
static int screen_ascii;
static int screen_colors;
static attr_t screen_attr[ROLE_COUNT];
/* 1 where a blank in the role's attributes looks like any other blank:
 * no background of its own, nothing drawn across it (underline,
 * reverse, standout). */
static unsigned char screen_blank_plain[ROLE_COUNT];
static int screen_mouse_y, screen_mouse_x;

/* The paste being read (screen_pasting) or the last one delivered, as
 * code points. */
static int *screen_paste_keys;
static size_t screen_paste_len, screen_paste_dropped;
static int screen_pasting;
static double screen_paste_last;

static attr_t screen_style_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_DIM)
		r |= A_DIM;
#ifdef A_ITALIC
	if (a & THEME_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

static short screen_clamp_color(short c)
{
	if (c < 0)
		return -1;
	if (c >= COLORS)
		return (short)(c % 8);
	return c;
}

void screen_set_theme(const struct theme *theme)
{
	struct theme fitted = *theme;
	const struct theme *t = &fitted;
	int r;

	/* Adapt 256-colour themes to what the terminal has. */
	theme_fit(&fitted, screen_colors ? COLORS : 0);
	for (r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &t->style[r];

		screen_attr[r] = screen_style_attrs(s->attrs);
		screen_blank_plain[r] = (!screen_colors || s->bg < 0) &&
					!(screen_attr[r] & (A_UNDERLINE | A_REVERSE | A_STANDOUT));
		if (screen_colors && (s->fg >= 0 || s->bg >= 0)) {
			init_pair((short)(r + 1), screen_clamp_color(s->fg),
				  screen_clamp_color(s->bg));
			screen_attr[r] |= COLOR_PAIR(r + 1);
		}
	}
	screen_invalidate();
}

int screen_check_terminal(char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	char *cup;
	int errret = 0;

	if (term == NULL || term[0] == '\0') {
		snprintf(err, errlen,
			 "TERM is not set; amconsole needs a terminal that can "
			 "move the cursor (e.g. TERM=xterm-256color)");
		return -1;
	}
	if (setupterm(NULL, STDOUT_FILENO, &errret) != OK) {
		snprintf(err, errlen, "TERM=%.64s is not a terminal type this system knows%s", term,
			 errret == 0 ? " (is ncurses-term installed?)" : "");
		return -1;
	}
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1 || tigetflag("hc") > 0 || tigetflag("gn") > 0) {
		snprintf(
			err, errlen,
			"TERM=%.64s cannot move the cursor, and a full-screen console needs to; "
			"use a terminal that can (e.g. TERM=xterm-256color), or amconsole --lint / "
			"--dump-runbook for plain output",
			term);
		del_curterm(cur_term);
		return -1;
	}
	del_curterm(cur_term);
	return 0;
}

static void screen_write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		n -= (size_t)w;
	}
}

/* Send a terminal mode sequence curses does not know, after whatever
 * curses has sent. */
static void screen_write_raw(const char *seq)
{
	fflush(stdout);
	screen_write_all(seq, strlen(seq));
}

/* Point curses' descriptor at the frame file (see screen_ofd). */
static void screen_hold(void)
{
	if (screen_held || screen_memfd < 0)
		return;
	if (lseek(screen_memfd, 0, SEEK_SET) == 0 && dup3(screen_memfd, screen_ofd, O_CLOEXEC) >= 0)
		screen_held = 1;
}

/* Point it back at the terminal: the bytes collected (0 if none). */
static size_t screen_unhold(void)
{
	off_t end;

	if (!screen_held)
		return 0;
	while (dup3(screen_ttyfd, screen_ofd, O_CLOEXEC) < 0 && errno == EINTR)
		;
	screen_held = 0;
	end = lseek(screen_memfd, 0, SEEK_CUR);
	return end > 0 ? (size_t)end : 0;
}

/* The same, and send what collected in one write(), between the begin
 * and end of synchronized output if sync and the terminal has them. */
static void screen_release(int sync)
{
	const char *on = sync && screen_sync_on ? screen_sync_on : "";
	const char *off = sync && screen_sync_off ? screen_sync_off : "";
	size_t lon = strlen(on), loff = strlen(off);
	size_t end = screen_unhold();
	ssize_t got;

	if (end == 0)
		return;
	if (screen_frame_cap < lon + end + loff) {
		screen_frame_cap = lon + end + loff;
		screen_frame = xrealloc(screen_frame, screen_frame_cap);
	}
	got = pread(screen_memfd, screen_frame + lon, end, 0);
	if (got <= 0)
		return;
	memcpy(screen_frame, on, lon);
	memcpy(screen_frame + lon + (size_t)got, off, loff);
	screen_write_all(screen_frame, lon + (size_t)got + loff);
	if (screen_tee != NULL)
		screen_tee(screen_tee_ctx, screen_frame + lon, (size_t)got);
}

void screen_set_tee(screen_tee_fn fn, void *ctx)
{
	screen_tee = fn;
	screen_tee_ctx = ctx;
}

/* Curses' own descriptor and the frame file; on any failure curses
 * writes to the terminal directly, as it would by itself. */
static FILE *screen_open_output(void)
{
	FILE *fp;

	screen_memfd = memfd_create("amconsole-frame", MFD_CLOEXEC);
	screen_ttyfd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	screen_ofd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	fp = screen_ofd >= 0 ? fdopen(screen_ofd, "w") : NULL;
	if (fp != NULL && screen_memfd >= 0 && screen_ttyfd >= 0)
		return fp;
	if (fp != NULL)
		fclose(fp);
	else if (screen_ofd >= 0)
		close(screen_ofd);
	if (screen_memfd >= 0)
		close(screen_memfd);
	if (screen_ttyfd >= 0)
		close(screen_ttyfd);
	screen_memfd = screen_ttyfd = screen_ofd = -1;
	return stdout;
}

/* The begin and end of synchronized output, if terminfo has Sync (an
 * extended capability: tmux's and kitty's entries have it). */
static void screen_sync_init(void)
{
	const char *cap = tigetstr("Sync");
	const char *s;

	if (cap == NULL || cap == (char *)-1)
		return;
	s = tiparm(cap, 1);
	screen_sync_on = s != NULL ? xstrdup(s) : NULL;
	s = tiparm(cap, 0);
	screen_sync_off = s != NULL ? xstrdup(s) : NULL;
	if (screen_sync_on == NULL || screen_sync_off == NULL) {
		free(screen_sync_on);
		free(screen_sync_off);
		screen_sync_on = screen_sync_off = NULL;
	}
}

int screen_init(const struct theme *t, int ascii, int mouse, char *err, size_t errlen)
{
	const char *cs = nl_langinfo(CODESET);

	screen_is_utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	screen_ascii = ascii || !screen_is_utf8;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "standard input and output must be a terminal");
		return -1;
	}
	screen_out = screen_open_output();
	if (newterm(NULL, screen_out, stdin) == NULL) {
		snprintf(err, errlen, "cannot initialise the terminal (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "unset");
		return -1;
	}
	screen_active = 1;
	set_escdelay(25);
	raw();
	noecho();
	nonl();
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	leaveok(stdscr, FALSE);
	screen_sync_init();
	/* From here curses only writes (the terminal modes above are its
	 * last ioctls on its descriptor): what it sends until the first frame
	 * goes out with that frame, newterm's set-up too (the alternate
	 * screen), which keypad()'s flush would otherwise send alone. No
	 * flush halfway through a frame when a key is waiting (typeahead):
	 * the loop reads every waiting key first. */
	typeahead(-1);
	screen_hold();
	keypad(stdscr, TRUE);
	curs_set(0);
	screen_colors = has_colors() && getenv("NO_COLOR") == NULL;
	if (screen_colors) {
		start_color();
		use_default_colors();
	}
	if (mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED,
			  NULL);
	mouseinterval(0);
	screen_set_theme(t);
	/* Bracketed paste on, in curses' stream (held: it goes out with the
	 * first frame). Not putp(): that writes to stdio's stdout, which
	 * nothing flushes while the screen is up. */
	fputs(SCREEN_PASTE_ON, screen_out);
	fflush(screen_out);
	return 0;
}

void screen_end(void)
{
	if (!screen_active)
		return;
	screen_active = 0;
	/* Safe from the fatal path: a frame cut short is not sent. */
	(void)screen_unhold();
	curs_set(1);
	endwin();
	screen_write_raw(SCREEN_PASTE_OFF);
	free(screen_paste_keys);
	screen_paste_keys = NULL;
	free(screen_frame);
	screen_frame = NULL;
	screen_frame_cap = 0;
	free(screen_sync_on);
	free(screen_sync_off);
	screen_sync_on = screen_sync_off = NULL;
}

void screen_suspend(void)
{
	if (!screen_active)
		return;
	screen_release(0);
	def_prog_mode();
	endwin();
	/* A child (a shell, $EDITOR) gets the terminal as it expects it. */
	screen_write_raw(SCREEN_PASTE_OFF);
}

void screen_resume(void)
{
	if (!screen_active)
		return;
	reset_prog_mode();
	screen_write_raw(SCREEN_PASTE_ON);
	screen_invalidate();
}

void screen_size(int *rows, int *cols)
{
	*rows = LINES;
	*cols = COLS;
}

void screen_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	/* resizeterm() touches every window, and the next get_wch() would
	 * then repaint the old frame itself, straight to the terminal and in
	 * pieces; the next frame repaints it all (screen_invalidate). */
	untouchwin(stdscr);
	screen_invalidate();
}

int screen_utf8(void)
{
	return screen_is_utf8 && !screen_ascii;
}

void screen_begin(void)
{
	werase(stdscr);
}

void screen_finish(int y, int x)
{
	int direct = isendwin();

	/* The doupdate() back from endwin() sets the terminal's modes through
	 * curses' descriptor: that one frame goes to the terminal directly. */
	if (!direct)
		screen_hold();
	if (y >= 0 && y < LINES && x >= 0 && x < COLS) {
		curs_set(1);
		wmove(stdscr, y, x);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
	screen_release(1);
	if (direct && screen_tee != NULL) {
		/* The tee did not see that frame: once more, whole. */
		screen_hold();
		clearok(curscr, TRUE);
		doupdate();
		screen_release(1);
	}
}

void screen_invalidate(void)
{
	if (screen_active)
		clearok(curscr, TRUE);
}

enum { SCREEN_SEQ_NONE, SCREEN_SEQ_DISCARDED, SCREEN_SEQ_PASTE_START, SCREEN_SEQ_PASTE_END };

/* Read what follows an ESC that is already waiting in the input and say
 * what it was: nothing (a lone Esc), a sequence to discard (CSI, OSC,
 * DCS, SS3, APC, PM: terminal responses must never act as keys), or the
 * start or end marker of a bracketed paste. */
static int screen_read_sequence(void)
{
	wint_t c;
	int rc = get_wch(&c);
	int intro;
	int n;

	if (rc == ERR)
		return SCREEN_SEQ_NONE;
	if (rc == KEY_CODE_YES)
		return SCREEN_SEQ_DISCARDED;
	intro = (int)c;
	if (intro == '[') {
		char params[8];
		size_t np = 0;

		for (n = 0; n < 256 && get_wch(&c) != ERR; n++) {
			if (c >= 0x40 && c <= 0x7e)
				break;
			if (np + 1 < sizeof params)
				params[np++] = (char)c;
		}
		params[np] = '\0';
		if (c == '~' && strcmp(params, "200") == 0)
			return SCREEN_SEQ_PASTE_START;
		if (c == '~' && strcmp(params, "201") == 0)
			return SCREEN_SEQ_PASTE_END;
	} else if (intro == ']' || intro == 'P' || intro == '_' || intro == '^' || intro == 'X') {
		int prev = 0;

		for (n = 0; n < 65536 && get_wch(&c) != ERR; n++) {
			if (c == 7 || (prev == 27 && c == '\\'))
				break;
			prev = (int)c;
		}
	} else if (intro == 'O') {
		get_wch(&c);
	}
	/* ESC followed by any other key (Alt-x) is discarded too: no
	 * binding uses Alt, and a stray one must not act. */
	return SCREEN_SEQ_DISCARDED;
}

/* The same, giving the rest of a sequence a moment to arrive. */
static int screen_sequence(void)
{
	int rc;

	nodelay(stdscr, FALSE);
	timeout(15);
	rc = screen_read_sequence();
	nodelay(stdscr, TRUE);
	return rc;
}

/* Add code point c to the paste being read, up to the cap. */
static void screen_paste_add(wint_t c)
{
	if (screen_paste_len == SCREEN_PASTE_CAP) {
		screen_paste_dropped++;
		return;
	}
	if (screen_paste_keys == NULL)
		screen_paste_keys = xcalloc(SCREEN_PASTE_CAP, sizeof *screen_paste_keys);
	screen_paste_keys[screen_paste_len++] = (int)c;
}

/* Go on reading a bracketed paste: everything up to its end marker is
 * text, whatever it looks like (keys, escape sequences, newlines).
 * Returns SCREEN_KEY_PASTE once it is whole, or SCREEN_KEY_NONE while the
 * rest has not arrived yet. */
static int screen_paste_continue(void)
{
	wint_t c;
	int rc;

	for (;;) {
		rc = get_wch(&c);
		if (rc == ERR) {
			if (util_now() - screen_paste_last < SCREEN_PASTE_STALL)
				return SCREEN_KEY_NONE;
			break; /* the end marker was lost: what came is the paste */
		}
		screen_paste_last = util_now();
		if (rc == KEY_CODE_YES) {
			/* A key curses decoded from pasted bytes: text, not a key. */
			if (c == KEY_MOUSE)
				getmouse(&(MEVENT){ 0 });
			continue;
		}
		if (c == 27) {
			if (screen_sequence() == SCREEN_SEQ_PASTE_END)
				break;
			continue; /* a pasted escape sequence is dropped */
		}
		screen_paste_add(c);
	}
	screen_pasting = 0;
	return SCREEN_KEY_PASTE;
}

int screen_getkey(void)
{
	wint_t c;
	int rc;
	MEVENT me;

	if (screen_pasting)
		return screen_paste_continue();
	rc = get_wch(&c);
	if (rc == ERR)
		return SCREEN_KEY_NONE;
	if (rc == KEY_CODE_YES) {
		switch (c) {
		case KEY_BTAB:
			return SCREEN_KEY_BACKTAB;
		case KEY_MOUSE:
			if (getmouse(&me) != OK)
				return SCREEN_KEY_IGNORED;
			screen_mouse_y = me.y;
			screen_mouse_x = me.x;
			if (me.bstate & BUTTON4_PRESSED)
				return SCREEN_KEY_WHEEL_UP;
			if (me.bstate & BUTTON5_PRESSED)
				return SCREEN_KEY_WHEEL_DOWN;
			if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
				return SCREEN_KEY_MOUSE_CLICK;
			return SCREEN_KEY_IGNORED;
		default:
			return (int)c;
		}
	}
	if (c == 27) {
		switch (screen_sequence()) {
		case SCREEN_SEQ_NONE:
			return SCREEN_KEY_ESC;
		case SCREEN_SEQ_PASTE_START:
			screen_paste_len = screen_paste_dropped = 0;
			screen_pasting = 1;
			screen_paste_last = util_now();
			return screen_paste_continue();
		default:
			return SCREEN_KEY_IGNORED;
		}
	}
	return (int)c;
}

const int *screen_paste(size_t *n, size_t *dropped)
{
	*n = screen_paste_len;
	if (dropped != NULL)
		*dropped = screen_paste_dropped;
	return screen_paste_keys;
}

void screen_mouse(int *y, int *x)
{
	*y = screen_mouse_y;
	*x = screen_mouse_x;
}

static const char screen_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void screen_copy(const char *text, size_t len)
{
	struct sanitize_out so;
	struct strbuf sb = { 0 };
	size_t i;

	sanitize(text, len, SANITIZE_MULTILINE, 64 * 1024, &so);
	strbuf_puts(&sb, "\033]52;c;");
	for (i = 0; i < so.len; i += 3) {
		unsigned v = (unsigned char)so.text[i] << 16;
		size_t rem = so.len - i;

		if (rem > 1)
			v |= (unsigned char)so.text[i + 1] << 8;
		if (rem > 2)
			v |= (unsigned char)so.text[i + 2];
		strbuf_putc(&sb, screen_b64[(v >> 18) & 63]);
		strbuf_putc(&sb, screen_b64[(v >> 12) & 63]);
		strbuf_putc(&sb, rem > 1 ? screen_b64[(v >> 6) & 63] : '=');
		strbuf_putc(&sb, rem > 2 ? screen_b64[v & 63] : '=');
	}
	strbuf_puts(&sb, "\a");
	sanitize_out_free(&so);
	/* After doupdate() curses has flushed; this goes out whole. */
	fflush(stdout);
	screen_write_all(sb.buf, sb.len);
	strbuf_free(&sb);
}

const char *screen_keyname(int key)
{
	static char buf[32];

	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return "Enter";
	case '\t':
		return "Tab";
	case SCREEN_KEY_BACKTAB:
		return "S-Tab";
	case 27:
		return "Esc";
	case ' ':
		return "Space";
	case KEY_UP:
		return "Up";
	case KEY_DOWN:
		return "Down";
	case KEY_LEFT:
		return "Left";
	case KEY_RIGHT:
		return "Right";
	case KEY_PPAGE:
		return "PgUp";
	case KEY_NPAGE:
		return "PgDn";
	case KEY_HOME:
		return "Home";
	case KEY_END:
		return "End";
	case KEY_BACKSPACE:
	case 127:
		return "BS";
	}
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		snprintf(buf, sizeof buf, "F%d", key - KEY_F(0));
		return buf;
	}
	if (key > 0 && key < 32) {
		snprintf(buf, sizeof buf, "C-%c", key + 'a' - 1);
		return buf;
	}
	if (key >= 32 && key < 127) {
		snprintf(buf, sizeof buf, "%c", key);
		return buf;
	}
	snprintf(buf, sizeof buf, "#%d", key);
	return buf;
}

/* Put sanitised UTF-8 s[0..len) at screen (y, x) in attr, at most cols
 * columns; returns columns used. Text for an ASCII terminal was sanitised
 * with SANITIZE_ASCII; a stray non-ASCII character still becomes '?'. */
static int screen_put(int y, int x, attr_t attr, const char *s, size_t len, int cols)
{
	size_t fit;
	int used;

	if (cols <= 0 || len == 0)
		return 0;
	fit = sanitize_fit(s, len, (size_t)cols);
	if (fit == 0)
		return 0;
	used = (int)sanitize_width(s, fit);
	wattrset(stdscr, attr);
	if (screen_utf8()) {
		mvaddnstr(y, x, s, (int)fit);
	} else {
		size_t i;

		move(y, x);
		for (i = 0; i < fit; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x80)
				addch(c);
			else if ((c & 0xc0) != 0x80)
				addch('?');
		}
	}
	wattrset(stdscr, A_NORMAL);
	return used;
}

/* How text is sanitised for this terminal: a terminal that is not UTF-8
 * gets visible placeholders for everything beyond ASCII. */
static int screen_text_flags(void)
{
	return screen_utf8() ? 0 : SANITIZE_ASCII;
}

/* Secrets are masked on screen by default (passwords in URLs and
 * connection strings, tokens): redact s[0..n), piece by piece around any
 * NUL bytes so none hides what follows it. */
static struct strbuf screen_redact(const char *s, size_t n)
{
	struct strbuf out = { 0 };
	size_t i = 0;

	strbuf_append(&out, "", 0);
	while (i < n) {
		const char *nul = memchr(s + i, '\0', n - i);
		size_t k = nul != NULL ? (size_t)(nul - (s + i)) : n - i;
		char *piece = xstrndup(s + i, k);
		char *r = redact(piece);

		strbuf_puts(&out, r);
		free(r);
		free(piece);
		i += k;
		if (i < n) {
			strbuf_append(&out, "", 1);
			i++;
		}
	}
	return out;
}

int draw_textn(const struct view *v, int y, int x, enum role role, const char *s, size_t len,
	       int maxcols)
{
	struct sanitize_out so;
	struct strbuf red;
	char marker[48] = "";
	int avail, col = 0, mw = 0;
	size_t pos = 0, i, shown = len;

	if (s == NULL || y < 0 || y >= v->h || x < 0 || x >= v->w)
		return 0;
	avail = v->w - x;
	if (maxcols >= 0 && maxcols < avail)
		avail = maxcols;
	/* A row never shows more than the cap; a longer text keeps a visible
	 * marker of its real size at the end of what fits. */
	if (len > SCREEN_DRAW_CAP) {
		shown = SCREEN_DRAW_CAP;
		while (shown > 0 && ((unsigned char)s[shown] & 0xc0) == 0x80)
			shown--;
		snprintf(marker, sizeof marker, "%s(%zu bytes)", screen_utf8() ? "…" : "...", len);
		mw = (int)sanitize_width(marker, strlen(marker));
		if (mw > avail)
			mw = avail;
	}
	red = screen_redact(s, shown);
	sanitize(red.buf, red.len, screen_text_flags(), 0, &so);
	strbuf_free(&red);
	for (i = 0; i <= so.nspans && col < avail - mw; i++) {
		size_t end = i < so.nspans ? so.spans[i].start : so.len;

		if (end > pos)
			col += screen_put(v->y + y, v->x + x + col, screen_attr[role],
					  so.text + pos, end - pos, avail - mw - col);
		if (i < so.nspans && col < avail - mw) {
			col += screen_put(v->y + y, v->x + x + col, screen_attr[ROLE_ESCAPE],
					  so.text + so.spans[i].start, so.spans[i].len,
					  avail - mw - col);
			pos = so.spans[i].start + so.spans[i].len;
		}
	}
	sanitize_out_free(&so);
	if (mw > 0)
		col += screen_put(v->y + y, v->x + x + col, screen_attr[ROLE_DIM], marker,
				  strlen(marker), avail - col);
	return col;
}

void screen_sparkline(char *buf, size_t n, const double *h, size_t nh, size_t width)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.:-=+*#";
	double max = 0;
	size_t i, o = 0, first = nh > width ? nh - width : 0;
	int utf8 = screen_utf8();

	if (n == 0)
		return;
	for (i = first; i < nh; i++)
		if (h[i] > max)
			max = h[i];
	for (i = first; i < nh && o + 4 < n; i++) {
		int lvl = max > 0 ? (int)(h[i] / max * 7 + 0.5) : 0;

		if (utf8) {
			memcpy(buf + o, blocks[lvl], 3);
			o += 3;
		} else {
			buf[o++] = ascii[lvl];
		}
	}
	buf[o] = '\0';
}

int draw_wrapped(const struct view *v, int y, enum role role, const char *s, size_t len)
{
	int y0 = y;
	size_t start = 0;

	while (start <= len && y < v->h) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - s) : len;
		struct sanitize_out so;
		struct strbuf red;
		size_t pos = 0;

		/* Redact the whole paragraph before cutting it (a secret split
		 * across two rows would escape the redactor), then wrap the
		 * sanitised text, so escapes count at their shown width. */
		red = screen_redact(s + start, end - start);
		sanitize(red.buf, red.len, screen_text_flags(), SCREEN_DRAW_CAP, &so);
		strbuf_free(&red);
		do {
			size_t fit = sanitize_fit(so.text + pos, so.len - pos, (size_t)v->w);
			size_t cut = fit;

			if (pos + fit < so.len) {
				while (cut > 0 && so.text[pos + cut] != ' ')
					cut--;
				if (cut == 0)
					cut = fit;
			}
			if (cut == 0 && pos < so.len)
				cut = 1;
			draw_label(v, y++, 0, role, "");
			screen_put(v->y + y - 1, v->x, screen_attr[role], so.text + pos, cut, v->w);
			pos += cut;
			while (pos < so.len && so.text[pos] == ' ')
				pos++;
		} while (pos < so.len && y < v->h);
		sanitize_out_free(&so);
		if (nl == NULL)
			break;
		start = end + 1;
	}
	return y - y0;
}

int draw_text(const struct view *v, int y, int x, enum role role, const char *s, int maxcols)
{
	return s == NULL ? 0 : draw_textn(v, y, x, role, s, strlen(s), maxcols);
}

int draw_ident(const struct view *v, int y, int x, enum role role, const char *s, int maxcols)
{
	const char *e;
	size_t n;
	int used = 0;

	while (s != NULL && *s != '\0' && used < maxcols) {
		n = ident_escape_len(s);
		if (n > 0) {
			used += draw_textn(v, y, x + used, ROLE_ERROR, s, n, maxcols - used);
			s += n;
			continue;
		}
		e = strchr(s + 1, '\\');
		n = e != NULL ? (size_t)(e - s) : strlen(s);
		used += draw_textn(v, y, x + used, role, s, n, maxcols - used);
		s += n;
	}
	return used;
}

int draw_label(const struct view *v, int y, int x, enum role role, const char *s)
{
	/* No text is trusted: a label built with snprintf() may hold a
	 * server's words (an error reply), so it takes the same path. */
	return draw_text(v, y, x, role, s, -1);
}

void draw_fill(const struct view *v, int y, enum role role)
{
	if (y < 0 || y >= v->h || v->w <= 0)
		return;
	wattrset(stdscr, screen_attr[role]);
	mvhline(v->y + y, v->x, ' ', v->w);
	wattrset(stdscr, A_NORMAL);
}

void draw_fill_gaps(const struct view *v, int y, enum role role)
{
	if (screen_blank_plain[role])
		draw_fill(v, y, role);
}

void draw_underline(const struct view *v, int y, enum role role)
{
	attr_t a = screen_attr[role];

	if (y < 0 || y >= v->h || v->w <= 0)
		return;
	mvchgat(v->y + y, v->x, v->w, (a & ~A_COLOR) | A_UNDERLINE, (short)PAIR_NUMBER(a), NULL);
}

void draw_clear(const struct view *v, enum role role)
{
	int y;

	for (y = 0; y < v->h; y++)
		draw_fill(v, y, role);
}

void draw_hline(const struct view *v, int y, enum role role)
{
	if (y < 0 || y >= v->h || v->w <= 0)
		return;
	wattrset(stdscr, screen_attr[role]);
	mvhline(v->y + y, v->x, screen_ascii ? '-' : ACS_HLINE, v->w);
	wattrset(stdscr, A_NORMAL);
}

void draw_box(const struct view *v, enum role role, const char *title, enum role title_role)
{
	chtype hl = screen_ascii ? '-' : ACS_HLINE, vl = screen_ascii ? '|' : ACS_VLINE;
	chtype ul = screen_ascii ? '+' : ACS_ULCORNER, ur = screen_ascii ? '+' : ACS_URCORNER;
	chtype ll = screen_ascii ? '+' : ACS_LLCORNER, lr = screen_ascii ? '+' : ACS_LRCORNER;

	if (v->h < 2 || v->w < 2)
		return;
	wattrset(stdscr, screen_attr[role]);
	mvhline(v->y, v->x + 1, hl, v->w - 2);
	mvhline(v->y + v->h - 1, v->x + 1, hl, v->w - 2);
	mvvline(v->y + 1, v->x, vl, v->h - 2);
	mvvline(v->y + 1, v->x + v->w - 1, vl, v->h - 2);
	mvaddch(v->y, v->x, ul);
	mvaddch(v->y, v->x + v->w - 1, ur);
	mvaddch(v->y + v->h - 1, v->x, ll);
	mvaddch(v->y + v->h - 1, v->x + v->w - 1, lr);
	wattrset(stdscr, A_NORMAL);
	if (title != NULL && v->w > 6) {
		struct view top = { v->y, v->x + 2, 1, v->w - 4 };
		int n = draw_label(&top, 0, 0, title_role, " ");

		n += draw_text(&top, 0, n, title_role, title, top.w - n - 1);
		draw_label(&top, 0, n, title_role, " ");
	}
}

struct view view_inner(const struct view *v)
{
	struct view in = { v->y + 1, v->x + 1, v->h - 2, v->w - 2 };

	if (in.h < 0)
		in.h = 0;
	if (in.w < 0)
		in.w = 0;
	return in;
}
