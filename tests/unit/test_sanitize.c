/*
 * test_sanitize.c - unit tests for tui/sanitize.c, the draw choke point:
 * every input class of RELIABILITY.md section A (escape sequences, OSC
 * 52 and title strings, C1 in both forms, backspace and newline tricks,
 * bidi, zero-width and tag characters, invalid UTF-8, look-alike escapes,
 * markup and format strings, huge lines), the placeholder spans, tabs,
 * the cap, and width/fit with CJK and combining characters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "tests/sanitize_invariant.h"
#include "lib/sanitize.h"
#include "tests/unit/testhelp.h"

/* Assert the sanitize.h output invariant and span sanity on out. */
static void test_sanitize_check(const struct sanitize_out *out, int flags)
{
	const unsigned char *t = (const unsigned char *)out->text;
	size_t i = 0, k, prev_end = 0;
	uint32_t cp = 0;

	assert_non_null(out->text);
	assert_int_equal(strlen(out->text), out->len);
	while (i < out->len) {
		k = sanitize_inv_decode(t + i, out->len - i, &cp);
		assert_true(k > 0);
		assert_false(sanitize_inv_forbidden(cp, flags));
		i += k;
	}
	for (i = 0; i < out->nspans; i++) {
		assert_true(out->spans[i].start >= prev_end);
		assert_true(out->spans[i].len >= 2);
		assert_true(out->spans[i].start + out->spans[i].len <= out->len);
		assert_true(t[out->spans[i].start] == '\\' || t[out->spans[i].start] == '<');
		prev_end = out->spans[i].start + out->spans[i].len;
	}
}

/* Sanitise in[0..len) with flags, check the invariant and compare. */
static void test_sanitize_expect_n(const char *in, size_t len, int flags, const char *want)
{
	struct sanitize_out out;

	sanitize(in, len, flags, 0, &out);
	test_sanitize_check(&out, flags);
	assert_string_equal(out.text, want);
	assert_int_equal(out.truncated, 0);
	sanitize_out_free(&out);
}

static void test_sanitize_expect(const char *in, int flags, const char *want)
{
	test_sanitize_expect_n(in, strlen(in), flags, want);
}

static int test_sanitize_setup(void **unused)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	return 0;
}

TEST(test_sanitize_plain)
{
	test_sanitize_expect("", 0, "");
	test_sanitize_expect("hello, world", 0, "hello, world");
	test_sanitize_expect("h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", 0,
			     "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	/* highest valid code point and the first 3- and 4-byte ones */
	test_sanitize_expect("\xf4\x8f\xbf\xbf|\xe0\xa0\x80|\xf0\x90\x80\x80", 0,
			     "\xf4\x8f\xbf\xbf|\xe0\xa0\x80|\xf0\x90\x80\x80");
	/* U+00A0 (right after C1) and U+2030 (after the bidi block) pass */
	test_sanitize_expect("\xc2\xa0\xe2\x80\xb0", 0, "\xc2\xa0\xe2\x80\xb0");
}

TEST(test_sanitize_null)
{
	struct sanitize_out out;
	char *s;

	sanitize(NULL, 0, 0, 0, &out);
	assert_string_equal(out.text, "");
	assert_int_equal(out.len, 0);
	assert_int_equal(out.nspans, 0);
	sanitize_out_free(&out);
	sanitize(NULL, 10, 0, 0, &out);
	assert_string_equal(out.text, "");
	sanitize_out_free(&out);
	sanitize_out_free(NULL);

	s = sanitize_str(NULL);
	assert_string_equal(s, "");
	free(s);
	s = sanitize_str("a\nb\x1b[1m");
	assert_string_equal(s, "a\\nb\\e[1m");
	free(s);
}

/* A1: screen-clearing event message stays one row of escaped text. */
TEST(test_sanitize_a1_event_message)
{
	static const char in[] = "\x1b[2J\x1b[3J\x1b[1;1H\x1b[m spoofed \x1b[60C. Done";
	struct sanitize_out out;
	size_t i;

	sanitize(in, sizeof in - 1, 0, 0, &out);
	test_sanitize_check(&out, 0);
	assert_string_equal(out.text, "\\e[2J\\e[3J\\e[1;1H\\e[m spoofed \\e[60C. Done");
	assert_null(strchr(out.text, '\n'));
	assert_int_equal(out.nspans, 5);
	for (i = 0; i < out.nspans; i++) {
		assert_int_equal(out.spans[i].len, 2);
		assert_memory_equal(out.text + out.spans[i].start, "\\e", 2);
	}
	assert_int_equal(out.spans[0].start, 0);
	assert_int_equal(out.spans[1].start, 5);
	sanitize_out_free(&out);
}

/* A2: OSC 52 clipboard write is shown, not executed. */
TEST(test_sanitize_a2_osc52)
{
	test_sanitize_expect("log: \x1b]52;c;cm0gLXJmIH4K\x07 end", 0,
			     "log: \\e]52;c;cm0gLXJmIH4K\\x07 end");
}

/* A3: title OSC terminated by BEL and by ST (ESC \). */
TEST(test_sanitize_a3_title)
{
	test_sanitize_expect("\x1b]0;PROD-OK\x07", 0, "\\e]0;PROD-OK\\x07");
	test_sanitize_expect("\x1b]2;evil title\x1b\\", 0, "\\e]2;evil title\\e\\");
	test_sanitize_expect("\x1b]2;t\x1b\\x", 0, "\\e]2;t\\e\\\\x");
}

/* A5: C1 CSI as UTF-8 (C2 9B) and as a raw byte (9B). */
TEST(test_sanitize_a5_c1)
{
	test_sanitize_expect("\xc2\x9b\x32J", 0, "<U+009B>2J");
	test_sanitize_expect("\x9b\x32J", 0, "\\x9B2J");
	test_sanitize_expect("\xc2\x80\xc2\x85\xc2\x9f", 0, "<U+0080><U+0085><U+009F>");
	/* a C1 byte after a valid lead is not a continuation of anything */
	test_sanitize_expect("a\xc2\x9b", 0, "a<U+009B>");
}

/* A7: backspaces are visible. */
TEST(test_sanitize_a7_backspace)
{
	test_sanitize_expect("IJK\b\b\bL", 0, "IJK\\b\\b\\bL");
}

/* A8: a newline in a single-line field stays on one row. */
TEST(test_sanitize_a8_newline)
{
	struct sanitize_out out;

	test_sanitize_expect("a\nFAKE-ROW  Running", 0, "a\\nFAKE-ROW  Running");
	sanitize("a\nFAKE-ROW  Running", 19, 0, 0, &out);
	assert_null(memchr(out.text, '\n', out.len));
	assert_int_equal(out.nspans, 1);
	assert_int_equal(out.spans[0].start, 1);
	assert_int_equal(out.spans[0].len, 2);
	sanitize_out_free(&out);

	test_sanitize_expect("a\nb\r\nc", SANITIZE_MULTILINE, "a\nb\\r\nc");
	test_sanitize_expect("a\rb", SANITIZE_MULTILINE, "a\\rb");
	sanitize("a\nb", 3, SANITIZE_MULTILINE, 0, &out);
	assert_int_equal(out.nspans, 0);
	sanitize_out_free(&out);
}

/* A9: bidi controls, including the Trojan Source set. */
TEST(test_sanitize_a9_bidi)
{
	test_sanitize_expect("prod\xe2\x80\xaetxt.exe", 0, "prod<U+202E>txt.exe");
	test_sanitize_expect("\xe2\x81\xa6"
			     "a\xe2\x81\xa7"
			     "b\xe2\x81\xa8"
			     "c\xe2\x81\xa9",
			     0, "<U+2066>a<U+2067>b<U+2068>c<U+2069>");
	test_sanitize_expect("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
			     "<U+202A><U+202B><U+202C><U+202D>");
	test_sanitize_expect("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0, "<U+200E><U+200F><U+061C>");
}

/* A10: zero-width, BOM, soft hyphen, word joiner family, tags. */
TEST(test_sanitize_a10_zero_width)
{
	struct sanitize_out out;

	test_sanitize_expect("pay\xe2\x80\x8bments", 0, "pay<U+200B>ments");
	test_sanitize_expect("\xe2\x80\x8c\xe2\x80\x8d", 0, "<U+200C><U+200D>");
	test_sanitize_expect("\xef\xbb\xbfhead", 0, "<U+FEFF>head");
	test_sanitize_expect("\xf3\xa0\x81\x81", 0, "<U+E0041>");
	test_sanitize_expect("\xf3\xa0\x80\x80\xf3\xa0\x81\xbf", 0, "<U+E0000><U+E007F>");
	test_sanitize_expect("soft\xc2\xadhyphen", 0, "soft<U+00AD>hyphen");
	test_sanitize_expect("\xe1\xa0\x8e", 0, "<U+180E>");
	test_sanitize_expect("\xe2\x81\xa0\xe2\x81\xa4", 0, "<U+2060><U+2064>");
	test_sanitize_expect("l\xe2\x80\xa8p\xe2\x80\xa9", 0, "l<U+2028>p<U+2029>");
	/* the placeholder is a span, so search and the attribute agree */
	sanitize("pay\xe2\x80\x8bments", 11, 0, 0, &out);
	assert_int_equal(out.nspans, 1);
	assert_int_equal(out.spans[0].start, 3);
	assert_int_equal(out.spans[0].len, 8);
	sanitize_out_free(&out);
}

/* A11: invalid UTF-8, each bad byte visible, nothing leaks onwards. */
TEST(test_sanitize_a11_invalid_utf8)
{
	test_sanitize_expect("\xff", 0, "\\xFF");
	test_sanitize_expect("a\xfe"
			     "b",
			     0, "a\\xFEb");
	test_sanitize_expect("\xed\xa0\x80", 0, "\\xED\\xA0\\x80");
	test_sanitize_expect("\xed\xbf\xbf", 0, "\\xED\\xBF\\xBF");
	test_sanitize_expect("\xc0\xaf", 0, "\\xC0\\xAF");
	test_sanitize_expect("\xc1\xbf", 0, "\\xC1\\xBF");
	test_sanitize_expect("\xe0\x80\xaf", 0, "\\xE0\\x80\\xAF");
	test_sanitize_expect("\xf0\x80\x80\xaf", 0, "\\xF0\\x80\\x80\\xAF");
	test_sanitize_expect("\xf4\x90\x80\x80", 0, "\\xF4\\x90\\x80\\x80");
	test_sanitize_expect("\xf5\x80\x80\x80", 0, "\\xF5\\x80\\x80\\x80");
	test_sanitize_expect("ok\xe2\x82", 0, "ok\\xE2\\x82");
	test_sanitize_expect("\xe2\x82"
			     "A",
			     0,
			     "\\xE2\\x82"
			     "A");
	test_sanitize_expect("\xf0\x9f\x98", 0, "\\xF0\\x9F\\x98");
	test_sanitize_expect("\x80\xbf", 0, "\\x80\\xBF");
	/* the next chunk starts clean */
	test_sanitize_expect("\xac next", 0, "\\xAC next");
	test_sanitize_expect("next", 0, "next");
}

/* C0 and DEL, embedded NUL, the named escapes. */
TEST(test_sanitize_c0)
{
	test_sanitize_expect_n("a\0b", 3, 0, "a\\x00b");
	test_sanitize_expect("\x01\x07\x0b\x0c\x1f\x7f", 0, "\\x01\\x07\\x0B\\x0C\\x1F\\x7F");
	test_sanitize_expect("\x1b\b\r\n", 0, "\\e\\b\\r\\n");
	test_sanitize_expect("\x1b\b\r", SANITIZE_MULTILINE, "\\e\\b\\r");
}

/* A13: literal escapes in the data never look like real ones. */
TEST(test_sanitize_a13_lookalike)
{
	struct sanitize_out out;
	static const char in[] = "^[[31m \\x1b[31m \x1b[31m";

	sanitize(in, sizeof in - 1, 0, 0, &out);
	test_sanitize_check(&out, 0);
	assert_string_equal(out.text, "^[[31m \\\\x1b[31m \\e[31m");
	/* only the real ESC is painted as an escape */
	assert_int_equal(out.nspans, 1);
	assert_int_equal(out.spans[0].start, 17);
	assert_memory_equal(out.text + out.spans[0].start, "\\e", 2);
	sanitize_out_free(&out);

	/* the last backslash has nothing after it, so it stays single */
	test_sanitize_expect("\\e \\b \\r \\n \\t \\\\", 0, "\\\\e \\\\b \\\\r \\\\n \\\\t \\\\\\");
	test_sanitize_expect("\\\\x", 0, "\\\\\\\\x");
	/* a backslash before something that becomes "\..." */
	test_sanitize_expect("\\\x1b", 0, "\\\\\\e");
	test_sanitize_expect("\\\xff", 0, "\\\\\\xFF");
	test_sanitize_expect("\\\x01", 0, "\\\\\\x01");
	/* ordinary backslashes stay single */
	test_sanitize_expect("C:\\Users\\q\\", 0, "C:\\Users\\q\\");
	test_sanitize_expect("\\d+ \\w* \\", 0, "\\d+ \\w* \\");
	/* doubled backslashes are not spans */
	sanitize("\\x41", 4, 0, 0, &out);
	assert_string_equal(out.text, "\\\\x41");
	assert_int_equal(out.nspans, 0);
	sanitize_out_free(&out);
}

/* A14: markup and format strings are plain text. */
TEST(test_sanitize_a14_markup)
{
	test_sanitize_expect("[red::b]X[-]", 0, "[red::b]X[-]");
	test_sanitize_expect("{\"a\":[\"b\"]}", 0, "{\"a\":[\"b\"]}");
	test_sanitize_expect("match[]", 0, "match[]");
	test_sanitize_expect("%s%n%x%p%%", 0, "%s%n%x%p%%");
	test_sanitize_expect("<U+202E> literal", 0, "<U+202E> literal");
}

TEST(test_sanitize_tabs)
{
	test_sanitize_expect("a\tb", 0, "a       b");
	test_sanitize_expect("\tx", 0, "        x");
	test_sanitize_expect("12345678\tx", 0, "12345678        x");
	test_sanitize_expect("1234567\tx", 0, "1234567 x");
	test_sanitize_expect("a\tb", SANITIZE_TABS_VISIBLE, "a\\tb");
	/* columns restart after a real newline only */
	test_sanitize_expect("abc\n\tx", SANITIZE_MULTILINE, "abc\n        x");
	test_sanitize_expect("abc\n\tx", 0, "abc\\n   x");
	/* wide characters count two columns */
	test_sanitize_expect("\xe6\x97\xa5\tx", 0, "\xe6\x97\xa5      x");
	/* placeholders count their own width */
	test_sanitize_expect("\x1b\tx", 0, "\\e      x");
}

TEST(test_sanitize_spans)
{
	struct sanitize_out out;
	static const char in[] = "x\x1by\xffz\xe2\x80\xae!\tq";

	sanitize(in, sizeof in - 1, SANITIZE_TABS_VISIBLE, 0, &out);
	test_sanitize_check(&out, SANITIZE_TABS_VISIBLE);
	assert_string_equal(out.text, "x\\ey\\xFFz<U+202E>!\\tq");
	assert_int_equal(out.nspans, 4);
	assert_int_equal(out.spans[0].start, 1);
	assert_int_equal(out.spans[0].len, 2);
	assert_int_equal(out.spans[1].start, 4);
	assert_int_equal(out.spans[1].len, 4);
	assert_int_equal(out.spans[2].start, 9);
	assert_int_equal(out.spans[2].len, 8);
	assert_int_equal(out.spans[3].start, 18);
	assert_int_equal(out.spans[3].len, 2);
	sanitize_out_free(&out);

	/* many spans grow the array */
	{
		char big[1000];

		memset(big, 0x1b, sizeof big);
		sanitize(big, sizeof big, 0, 0, &out);
		assert_int_equal(out.nspans, 1000);
		assert_int_equal(out.len, 2000);
		assert_int_equal(out.spans[999].start, 1998);
		sanitize_out_free(&out);
	}
}

TEST(test_sanitize_cap)
{
	static const struct {
		const char *why, *in;
		size_t len, cap;
		const char *want;
		size_t truncated, nspans; /* the "…(N bytes)" marker is no span */
	} cases[] = {
		{ "no cap reached", "abcdef", 6, 6, "abcdef", 0, 0 },
		{ "cut at 4", "abcdef", 6, 4, "abcd\xe2\x80\xa6(6 bytes)", 2, 0 },
		/* never split a character: "ab日" cut at 3 or 4 backs up to 2 */
		{ "3-byte char across the cut", "ab\xe6\x97\xa5", 5, 4, "ab\xe2\x80\xa6(5 bytes)",
		  3, 0 },
		{ "3-byte char before the cut", "ab\xe6\x97\xa5x", 6, 5,
		  "ab\xe6\x97\xa5\xe2\x80\xa6(6 bytes)", 1, 0 },
		{ "4-byte char across the cut", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 6,
		  "\xf0\x9f\x98\x80\xe2\x80\xa6(8 bytes)", 4, 0 },
		{ "invalid bytes are not backed over", "ab\xe6\x97zzz", 7, 4,
		  "ab\\xE6\\x97\xe2\x80\xa6(7 bytes)", 3, 2 },
		{ "cap below the first char", "\xe6\x97\xa5", 3, 1, "\xe2\x80\xa6(3 bytes)", 3, 0 },
		/* a backslash right at the cut is not doubled by unseen bytes */
		{ "backslash at the cut", "a\\e", 3, 2, "a\\\xe2\x80\xa6(3 bytes)", 1, 0 },
	};
	struct sanitize_out out;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sanitize(cases[i].in, cases[i].len, 0, cases[i].cap, &out);
		test_sanitize_check(&out, 0);
		if (strcmp(out.text, cases[i].want) != 0 || out.truncated != cases[i].truncated ||
		    out.nspans != cases[i].nspans)
			fail_msg("cap case %s: got \"%s\" (%zu cut, %zu spans), want \"%s\" (%zu, "
				 "%zu)",
				 cases[i].why, out.text, out.truncated, out.nspans, cases[i].want,
				 cases[i].truncated, cases[i].nspans);
		sanitize_out_free(&out);
	}
}

/* A15: a 10 MB line with a 64 KiB cap is quick and bounded. */
TEST(test_sanitize_a15_huge_line)
{
	size_t big = 10u * 1024 * 1024, cap = 64 * 1024;
	char *line = xmalloc(big);
	struct sanitize_out out;
	struct timespec t0, t1;
	double ms;
	size_t i;

	for (i = 0; i < big; i++)
		line[i] = (char)('a' + i % 26);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sanitize(line, big, 0, cap, &out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms < 100.0);
	test_sanitize_check(&out, 0);
	assert_int_equal(out.truncated, big - cap);
	assert_int_equal(out.len, cap + strlen("\xe2\x80\xa6(10485760 bytes)"));
	assert_string_equal(out.text + cap, "\xe2\x80\xa6(10485760 bytes)");
	sanitize_out_free(&out);

	/* worst case per byte: all invalid, all tabs, all C1 */
	memset(line, 0xff, cap * 2);
	sanitize(line, cap * 2, 0, cap, &out);
	assert_int_equal(out.len, cap * 4 + strlen("\xe2\x80\xa6(131072 bytes)"));
	assert_int_equal(out.nspans, cap);
	sanitize_out_free(&out);
	memset(line, '\t', cap);
	sanitize(line, cap, 0, 0, &out);
	assert_int_equal(out.len, cap * 8);
	sanitize_out_free(&out);
	for (i = 0; i + 1 < cap; i += 2) {
		line[i] = (char)0xc2;
		line[i + 1] = (char)0x85;
	}
	sanitize(line, cap, 0, 0, &out);
	assert_int_equal(out.len, cap * 4);
	sanitize_out_free(&out);

	/* uncapped 10 MB of text still goes through in one pass */
	for (i = 0; i < big; i++)
		line[i] = (char)('a' + i % 26);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sanitize(line, big, SANITIZE_MULTILINE, 0, &out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms < 2000.0);
	assert_int_equal(out.len, big);
	assert_memory_equal(out.text, line, big);
	sanitize_out_free(&out);
	free(line);
}

TEST(test_sanitize_width_fit)
{
	static const char cjk[] = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"; /* 日本語 */
	static const char comb[] = "ae\xcc\x81"
				   "b"; /* a e+U+0301 b */

	assert_int_equal(sanitize_width("", 0), 0);
	assert_int_equal(sanitize_width("abc", 3), 3);
	assert_int_equal(sanitize_width(cjk, 9), 6);
	assert_int_equal(sanitize_width(comb, 5), 3);
	assert_int_equal(sanitize_width("\xe2\x80\xa6", 3), 1);
	/* an invalid byte and an unassigned/unknown width count 1 */
	assert_int_equal(sanitize_width("\xff", 1), 1);
	assert_int_equal(sanitize_width("\xe2\x82", 2), 2);
	assert_int_equal(sanitize_width(NULL, 0), 0);

	assert_int_equal(sanitize_fit("abcdef", 6, 3), 3);
	assert_int_equal(sanitize_fit("abc", 3, 10), 3);
	assert_int_equal(sanitize_fit("abc", 3, 0), 0);
	assert_int_equal(sanitize_fit(cjk, 9, 6), 9);
	assert_int_equal(sanitize_fit(cjk, 9, 5), 6);
	assert_int_equal(sanitize_fit(cjk, 9, 4), 6);
	assert_int_equal(sanitize_fit(cjk, 9, 3), 3);
	assert_int_equal(sanitize_fit(cjk, 9, 1), 0);
	/* the combining mark stays with its base */
	assert_int_equal(sanitize_fit(comb, 5, 2), 4);
	assert_int_equal(sanitize_fit(comb, 5, 1), 1);
	/* a partial trailing sequence is never swallowed whole */
	assert_int_equal(sanitize_fit("a\xe6\x97", 3, 2), 2);
	assert_int_equal(sanitize_fit(NULL, 0, 5), 0);
}

/* A17 in miniature: random bytes always give conforming output. */
TEST(test_sanitize_random)
{
	unsigned char buf[256];
	uint32_t x = 2463534242u;
	struct sanitize_out out;
	int round, flags;
	size_t i, n, w;

	for (round = 0; round < 20000; round++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		n = x % sizeof buf;
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* bias towards interesting lead bytes and controls */
			buf[i] = (x & 0x100)   ? (unsigned char)(0xc0 | (x & 0x3f))
				 : (x & 0x200) ? (unsigned char)(0x80 | (x & 0x3f))
					       : (unsigned char)x;
		}
		flags = (int)(x >> 24) & 3;
		sanitize((const char *)buf, n, flags, (x >> 20) & 1 ? (x >> 8) % 64 + 1 : 0, &out);
		test_sanitize_check(&out, flags);
		w = sanitize_width(out.text, out.len);
		assert_true(sanitize_fit(out.text, out.len, w) == out.len);
		assert_true(sanitize_width(out.text, sanitize_fit(out.text, out.len, w / 2)) <=
			    w / 2);
		sanitize_out_free(&out);
	}
}

/* SANITIZE_ASCII (#12 item 5): a terminal that is not UTF-8 sees every
 * non-ASCII character as a visible placeholder, never as '?', and a flood
 * of combining marks keeps 4 per base character, as a UTF-8 cell does. */
TEST(test_sanitize_ascii)
{
	struct sanitize_out out;
	struct strbuf flood = { 0 };
	size_t i;

	sanitize("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, SANITIZE_ASCII, 0, &out);
	assert_string_equal(out.text, "caf<U+00E9> <U+20AC> <U+1F600>");
	assert_int_equal(out.nspans, 3);
	assert_int_equal(out.spans[0].start, 3);
	assert_int_equal(out.spans[0].len, 8);
	sanitize_out_free(&out);

	/* Bidi, invalid bytes and controls as before. */
	sanitize("a\xe2\x80\xae\xff\x1b", 6, SANITIZE_ASCII, 0, &out);
	assert_string_equal(out.text, "a<U+202E>\\xFF\\e");
	sanitize_out_free(&out);

	/* "a" with 10 combining acutes, then "b" with 2: 4 and 2 shown. */
	strbuf_puts(&flood, "a");
	for (i = 0; i < 10; i++)
		strbuf_puts(&flood, "\xcc\x81");
	strbuf_puts(&flood, "b\xcc\x81\xcc\x81");
	sanitize(flood.buf, flood.len, SANITIZE_ASCII, 0, &out);
	assert_string_equal(out.text, "a<U+0301><U+0301><U+0301><U+0301>b<U+0301><U+0301>");
	for (i = 0; i < out.len; i++)
		assert_true((unsigned char)out.text[i] < 0x80);
	sanitize_out_free(&out);
	strbuf_free(&flood);

	/* The cut marker is ASCII too. */
	sanitize("\xc3\xa9\xc3\xa9\xc3\xa9", 6, SANITIZE_ASCII, 2, &out);
	assert_string_equal(out.text, "<U+00E9>...(6 bytes)");
	sanitize_out_free(&out);

	/* Without the flag UTF-8 passes as it is. */
	sanitize("caf\xc3\xa9", 5, 0, 0, &out);
	assert_string_equal(out.text, "caf\xc3\xa9");
	sanitize_out_free(&out);
}

/* The width a table gives a cell is that of what will be drawn: escapes
 * spelled out, not the raw bytes. */
TEST(test_sanitize_shown_width)
{
	assert_int_equal(sanitize_shown_width("abc", 3), 3);
	assert_int_equal(sanitize_shown_width("", 0), 0);
	/* evil \e ]0;X \x07 -> 4 + 2 + 4 + 4 */
	assert_int_equal(sanitize_shown_width("evil\x1b]0;X\a", 10), 14);
	assert_int_equal(sanitize_shown_width("a\nb", 3), 4);
	assert_int_equal(sanitize_shown_width("caf\xc3\xa9", 5), 4);
	assert_int_equal(sanitize_shown_width("a\\eb", 4), 5);
}

TEST_GROUP(test_sanitize_setup, NULL);
