/*
 * test_theme.c - unit tests for ui/theme.c: role names, the built-in
 * themes, the files in themes/ (each must equal the built-in of the same
 * name, so the two never drift), user files with inherit and overrides,
 * FILE:LINE errors, name lookup in directories, and the fold onto 8 and
 * 16 colours. Fixtures are in tests/fixtures/theme/; run from the
 * repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/testhelp.h"
#include "ui/theme.h"
#include "lib/colour.h"

#define FIX "tests/fixtures/theme/"

TEST(test_theme_role_names)
{
	static const char *const want[] = {
		"normal",   "dim",         "border",  "border_focus", "title",     "title_focus",
		"header",   "selected",    "status",  "key",          "key_label", "escape",
		"match",    "ok",          "warn",    "error",        "stale",     "readonly",
		"changing", "destructive", "running", "dialog",       "input",     "sev_p0",
		"sev_p1",   "sev_p2",      "sev_p3",  "environment",
	};
	int r;

	assert_int_equal(sizeof(want) / sizeof(want[0]), ROLE_COUNT);
	for (r = 0; r < ROLE_COUNT; r++) {
		assert_string_equal(theme_role_name((enum role)r), want[r]);
		assert_int_equal(theme_role_from_name(want[r]), r);
	}
	assert_null(theme_role_name(ROLE_COUNT));
	assert_int_equal(theme_role_from_name("pod_failed"), -1);
	assert_int_equal(ROLE_ESCAPE, theme_role_from_name("escape"));
}

TEST(test_theme_builtins)
{
	static const char *const names[] = { "default", "light", "high-contrast", "mono" };
	struct theme t;
	size_t i;
	int r;

	for (i = 0; i < 4; i++) {
		assert_string_equal(theme_builtin_name(i), names[i]);
		assert_int_equal(theme_builtin(names[i], &t), 0);
		assert_string_equal(t.name, names[i]);
		for (r = 0; r < ROLE_COUNT; r++) {
			assert_true(t.style[r].fg >= -1 && t.style[r].fg <= 255);
			assert_true(t.style[r].bg >= -1 && t.style[r].bg <= 255);
		}
		/* Sanitiser placeholders must stand out from the text around them. */
		assert_true(t.style[ROLE_ESCAPE].fg != t.style[ROLE_NORMAL].fg ||
			    t.style[ROLE_ESCAPE].bg != t.style[ROLE_NORMAL].bg ||
			    (t.style[ROLE_ESCAPE].attrs & THEME_REVERSE));
		/* The selected row too. */
		assert_true(memcmp(&t.style[ROLE_SELECTED], &t.style[ROLE_NORMAL],
				   sizeof(t.style[0])) != 0);
	}
	assert_null(theme_builtin_name(4));
	assert_int_equal(theme_builtin("solarized", &t), -1);

	assert_int_equal(theme_builtin("default", &t), 0);
	assert_int_equal(t.style[ROLE_NORMAL].bg, -1);
	assert_int_equal(theme_builtin("mono", &t), 0);
	for (r = 0; r < ROLE_COUNT; r++) {
		assert_int_equal(t.style[r].fg, -1);
		assert_int_equal(t.style[r].bg, -1);
	}
	assert_true(t.style[ROLE_SELECTED].attrs & THEME_REVERSE);
	assert_true(t.style[ROLE_TITLE].attrs & THEME_BOLD);
	assert_true(t.style[ROLE_ERROR].attrs & THEME_BOLD);
	assert_true(t.style[ROLE_MATCH].attrs & THEME_UNDERLINE);
}

/* themes/NAME.yaml must be exactly the built-in NAME. */
TEST(test_theme_files_equal_builtins)
{
	const char *name;
	size_t i;

	for (i = 0; (name = theme_builtin_name(i)) != NULL; i++) {
		struct theme file, builtin;
		char path[128], err[512] = "";
		int r;

		snprintf(path, sizeof(path), "themes/%s.yaml", name);
		memset(&file, 0x5a, sizeof(file));
		if (theme_load(path, NULL, &file, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(theme_builtin(name, &builtin), 0);
		assert_string_equal(file.name, builtin.name);
		for (r = 0; r < ROLE_COUNT; r++) {
			const struct theme_style *a = &file.style[r], *b = &builtin.style[r];

			if (a->fg != b->fg || a->bg != b->bg || a->attrs != b->attrs)
				fail_msg("%s: role %s: file {%d, %d, %#x}, built-in {%d, %d, %#x}",
					 path, theme_role_name((enum role)r), a->fg, a->bg,
					 a->attrs, b->fg, b->bg, b->attrs);
		}
	}
}

TEST(test_theme_inherit)
{
	struct theme t, light;
	char err[512] = "";

	if (theme_load(FIX "custom.yaml", NULL, &t, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(theme_builtin("light", &light), 0);
	assert_string_equal(t.name, "my-light");
	assert_int_equal(t.style[ROLE_SELECTED].fg, 0);
	assert_int_equal(t.style[ROLE_SELECTED].bg, 6);
	assert_int_equal(t.style[ROLE_SELECTED].attrs, THEME_BOLD);
	/* Only fg given: bg and attrs stay light's. */
	assert_int_equal(t.style[ROLE_ERROR].fg, 196);
	assert_int_equal(t.style[ROLE_ERROR].bg, light.style[ROLE_ERROR].bg);
	assert_int_equal(t.style[ROLE_ERROR].attrs, light.style[ROLE_ERROR].attrs);
	assert_memory_equal(&t.style[ROLE_STATUS], &light.style[ROLE_STATUS], sizeof(t.style[0]));
}

TEST(test_theme_lookup)
{
	char d1[] = "/tmp/amconsole-test-theme-XXXXXX";
	char d2[] = "/tmp/amconsole-test-theme-XXXXXX";
	const char *dirs[3];
	char *p1, *p2, *p3;
	struct theme t;
	char err[512] = "";

	assert_non_null(mkdtemp(d1));
	assert_non_null(mkdtemp(d2));
	dirs[0] = d1;
	dirs[1] = d2;
	dirs[2] = NULL;
	p1 = test_write_file(d2, "ocean.yaml", "roles:\n  normal: {fg: blue, bg: black}\n");
	/* A file shadows the built-in of the same name; the first dir wins. */
	p2 = test_write_file(d1, "mono.yaml", "inherit: mono\nroles:\n  dim: {attrs: []}\n");
	p3 = test_write_file(d2, "mono.yaml", "roles: {bogus: {}}\n");

	assert_int_equal(theme_load("ocean", dirs, &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "ocean");
	assert_int_equal(t.style[ROLE_NORMAL].fg, 4);
	assert_int_equal(t.style[ROLE_NORMAL].bg, 0);

	assert_int_equal(theme_load("mono", dirs, &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "mono");
	assert_int_equal(t.style[ROLE_DIM].attrs, 0);
	assert_int_equal(t.style[ROLE_SELECTED].attrs, THEME_REVERSE);

	assert_int_equal(theme_load("light", dirs, &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "light");
	assert_int_equal(theme_load("high-contrast", NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.style[ROLE_NORMAL].bg, 0);

	assert_int_equal(theme_load("nope", dirs, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown theme 'nope' (built in: default, light, "
				 "high-contrast, mono; or a file)");
	assert_int_equal(theme_load("", dirs, &t, err, sizeof(err)), -1);
	assert_int_equal(
		theme_load("/tmp/amconsole-no-such-theme.yaml", NULL, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp/amconsole-no-such-theme.yaml: No such file or directory");

	unlink(p1);
	unlink(p2);
	unlink(p3);
	rmdir(d1);
	rmdir(d2);
	free(p1);
	free(p2);
	free(p3);
}

TEST(test_theme_fixture_errors)
{
	static const struct {
		const char *file;
		const char *want;
	} cases[] = {
		{ "bad-colour.yaml",
		  "bad-colour.yaml:4: roles.error.fg: unknown colour 'pink' (a name such as red or "
		  "bright-red, default, or 0..255)" },
		{ "bad-role.yaml", "bad-role.yaml:3: roles.pod_exploded: unknown role" },
		{ "bad-attr.yaml",
		  "bad-attr.yaml:4: roles.title.attrs: unknown attribute 'blink' (bold, "
		  "underline, reverse, dim, italic)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct theme t, before;
		char path[256], want[512], err[512] = "";

		snprintf(path, sizeof(path), FIX "%s", cases[i].file);
		snprintf(want, sizeof(want), FIX "%s", cases[i].want);
		theme_builtin("light", &t);
		before = t;
		assert_int_equal(theme_load(path, NULL, &t, err, sizeof(err)), -1);
		if (strcmp(err, want) != 0)
			fail_msg("got \"%s\", want \"%s\"", err, want);
		/* t is untouched on error. */
		assert_memory_equal(&t, &before, sizeof(t));
	}
}

TEST(test_theme_syntax_error)
{
	struct theme t;
	char err[512] = "";

	assert_int_equal(theme_load(FIX "syntax-error.yaml", NULL, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, FIX "syntax-error.yaml:3: "));
	assert_non_null(strstr(err, "did not find expected ',' or '}'"));
}

TEST(test_theme_inline_errors)
{
	static const struct {
		const char *text;
		const char *want; /* after "FILE:" */
	} cases[] = {
		{ "roles:\n  normal: {fg: 256}\n", "2: roles.normal.fg: unknown colour '256'" },
		{ "roles:\n  normal: {fg: -2}\n", "2: roles.normal.fg: unknown colour '-2'" },
		{ "roles:\n  normal: {fg: [1]}\n",
		  "2: roles.normal.fg: expected a colour, got a list" },
		{ "roles:\n  normal: red\n",
		  "2: roles.normal: expected a map {fg, bg, attrs}, got a scalar" },
		{ "roles:\n  normal: {fg: red, blink: yes}\n",
		  "2: roles.normal.blink: unknown key (fg, bg, attrs)" },
		{ "roles:\n  normal: {attrs: {bold: 1}}\n",
		  "2: roles.normal.attrs: expected a list of attributes, got a map" },
		{ "roles:\n  normal: {fg: red}\n  normal: {fg: blue}\n",
		  "3: roles.normal: duplicate key" },
		{ "roles: [normal]\n", "1: roles: expected a map, got a list" },
		{ "inherit: solarized\n",
		  "1: inherit: 'solarized' is not a built-in theme (default, light, high-contrast, "
		  "mono)" },
		{ "colours: {}\n", "1: colours: unknown key (name, inherit, roles)" },
		{ "- a\n", "1: expected a map {name, inherit, roles}, got a list" },
		{ "name: [x]\n", "1: name: expected a string" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dir[] = "/tmp/amconsole-test-theme-XXXXXX";
		char *path, *want;
		struct theme t;
		char err[512] = "";

		assert_non_null(mkdtemp(dir));
		path = test_write_file(dir, "t.yaml", cases[i].text);
		want = xasprintf("%s:%s", path, cases[i].want);
		assert_int_equal(theme_load(path, NULL, &t, err, sizeof(err)), -1);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, want);
		unlink(path);
		rmdir(dir);
		free(path);
		free(want);
	}
}

TEST(test_theme_values)
{
	char dir[] = "/tmp/amconsole-test-theme-XXXXXX";
	char *path;
	struct theme t;
	char err[512] = "";
	short c;

	assert_int_equal(colour_parse("default", &c), 0);
	assert_int_equal(c, -1);
	assert_int_equal(colour_parse("white", &c), 0);
	assert_int_equal(c, 7);
	assert_int_equal(colour_parse("bright-black", &c), 0);
	assert_int_equal(c, 8);
	assert_int_equal(colour_parse("bright-white", &c), 0);
	assert_int_equal(c, 15);
	assert_int_equal(colour_parse("255", &c), 0);
	assert_int_equal(c, 255);
	assert_int_equal(colour_parse("0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(colour_parse("grey", &c), -1);
	assert_int_equal(colour_parse("12x", &c), -1);
	assert_int_equal(colour_parse("", &c), -1);

	/* An empty file is the default theme under the file's name; a lone
	 * attribute needs no list. */
	assert_non_null(mkdtemp(dir));
	path = test_write_file(dir, "plain.yaml", "# nothing\n");
	assert_int_equal(theme_load(path, NULL, &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "plain");
	unlink(path);
	free(path);
	path = test_write_file(dir, "x.yaml",
			       "name: x\nroles:\n  title: {attrs: underline}\n"
			       "  ok: {attrs: [bold, underline, reverse, dim, italic]}\n");
	assert_int_equal(theme_load(path, NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t.style[ROLE_TITLE].attrs, THEME_UNDERLINE);
	assert_int_equal(t.style[ROLE_OK].attrs,
			 THEME_BOLD | THEME_UNDERLINE | THEME_REVERSE | THEME_DIM | THEME_ITALIC);
	unlink(path);
	free(path);
	rmdir(dir);
}

TEST(test_theme_fit)
{
	struct theme t, orig;
	int r;

	theme_builtin("light", &orig);
	t = orig;
	theme_fit(&t, 256);
	assert_memory_equal(&t, &orig, sizeof(t));

	t = orig;
	theme_fit(&t, 16);
	for (r = 0; r < ROLE_COUNT; r++) {
		assert_true(t.style[r].fg < 16);
		assert_true(t.style[r].bg < 16);
	}
	/* 130, dark orange, is nearest to red or yellow in the 16. */
	assert_true(t.style[ROLE_WARN].fg == 1 || t.style[ROLE_WARN].fg == 3);

	t = orig;
	theme_fit(&t, 8);
	for (r = 0; r < ROLE_COUNT; r++) {
		assert_true(t.style[r].fg < 8);
		assert_true(t.style[r].bg < 8);
	}
	/* Grey text becomes dim default, bright white text bold white. */
	assert_int_equal(t.style[ROLE_DIM].fg, -1);
	assert_true(t.style[ROLE_DIM].attrs & THEME_DIM);
	assert_int_equal(t.style[ROLE_SELECTED].fg, 7);
	assert_true(t.style[ROLE_SELECTED].attrs & THEME_BOLD);
	assert_int_equal(t.style[ROLE_MATCH].bg, 3);

	t = orig;
	theme_fit(&t, 2);
	for (r = 0; r < ROLE_COUNT; r++) {
		assert_int_equal(t.style[r].fg, -1);
		assert_int_equal(t.style[r].bg, -1);
	}
}
