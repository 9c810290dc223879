/*
 * sanitize.h - the one text sanitiser. Every string from outside (pod
 * names, log lines, SQL, alert text, command output, runbook files) goes
 * through it on every path out: the draw helpers, the clipboard copy, the
 * transcript and the audit log. Pure functions, no curses, any thread.
 *
 * Output invariant: valid UTF-8 with no C0 control (except '\n' in
 * multi-line mode), no DEL, no C1 (U+0080..U+009F), no bidi control
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), no zero-width
 * or format character (U+200B..U+200D, U+2060..U+2064, U+206A..U+206F,
 * U+FEFF, U+00AD, U+180E, U+FFF9..U+FFFB), no line/paragraph separator
 * (U+2028, U+2029), no tag character (U+E0000..U+E007F), no ESC. Each
 * such character becomes a visible placeholder:
 *   ESC -> "\e", BS -> "\b", CR -> "\r", TAB -> spaces to the next stop
 *   of 8 counted from the start of the line (or "\t" with
 *   SANITIZE_TABS_VISIBLE), LF -> "\n" (single-line mode), other C0/DEL
 *   -> "\xNN", C1 and format characters -> "<U+XXXX>" (4 to 6 uppercase
 *   hex digits), each byte of invalid UTF-8 (overlong, surrogate, above
 *   U+10FFFF, truncated, a raw 0x9B) -> "\xNN".
 * UTF-8 is decoded strictly without the locale; widths use wcwidth(), so
 * the caller sets a UTF-8 LC_CTYPE. A literal backslash followed by
 * e, b, r, n, t, x, a backslash, or a byte that becomes a "\..."
 * placeholder is doubled ("\\e") so data text and escaped control
 * characters never look alike (A13); the spans of placeholders (not of
 * doubled backslashes, tab spaces or the truncation marker) are reported
 * so the draw helpers can paint them in the escape attribute.
 */
#ifndef AM_SANITIZE_H
#define AM_SANITIZE_H

#include <stddef.h>

enum {
	SANITIZE_MULTILINE = 1 << 0, /* keep '\n' as a line break */
	SANITIZE_TABS_VISIBLE = 1 << 1,
	/* For a terminal that is not UTF-8: every non-ASCII character becomes
	 * a visible "<U+XXXX>" placeholder too (never a '?' that hides what
	 * it was), and a run of combining marks keeps its first
	 * SANITIZE_COMBINING_MAX, as a UTF-8 terminal's cell does. */
	SANITIZE_ASCII = 1 << 2,
};

/* Combining marks one base character keeps (ncurses' cell holds 5
 * characters: the base and 4 marks). */
#define SANITIZE_COMBINING_MAX 4

/* One placeholder in the output: bytes [start, start+len). */
struct sanitize_span {
	size_t start;
	size_t len;
};

struct sanitize_out {
	char *text; /* NUL-terminated, owned */
	size_t len;
	struct sanitize_span *spans; /* escape placeholders, in order, owned */
	size_t nspans;
	size_t truncated; /* input bytes not shown because of the cap */
};

/* Sanitise in[0..len). At most cap input bytes are read (0 = no cap);
 * when more exist, the text ends with "…(N bytes)" naming the total
 * input size. Fills out (free with sanitize_out_free). */
void sanitize(const char *in, size_t len, int flags, size_t cap, struct sanitize_out *out);
void sanitize_out_free(struct sanitize_out *out);

/* Convenience: sanitised copy of a NUL-terminated string, single line,
 * no spans kept. Caller frees. */
char *sanitize_str(const char *s);

/* Display width (columns) of sanitised UTF-8 text, by wcwidth; an
 * unknown width counts as 1. */
size_t sanitize_width(const char *s, size_t len);
/* Display width of s[0..len) once sanitised (single line): what a draw
 * helper will take for it, escapes spelled out ("\e" is two columns).
 * Plain printable ASCII is measured without sanitising. */
size_t sanitize_shown_width(const char *s, size_t len);
/* Byte length of the longest prefix of sanitised s[0..len) that fits in
 * cols columns, not splitting a character. */
size_t sanitize_fit(const char *s, size_t len, size_t cols);

#endif
