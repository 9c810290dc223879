/*
 * theme.c - colour roles, the four built-in themes and the YAML theme
 * loader (see theme.h). The built-ins work with no file installed; the
 * files in themes/ are the same data (a unit test keeps them equal) and
 * user files may "inherit" a built-in and override some roles, field by
 * field. theme_fit folds a theme onto terminals with 8 or 16 colours.
 * Pure functions over caller-owned structs; the shell calls them at
 * start-up and on ":theme".
 */
#include "ui/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/colour.h"
#include "lib/util.h"
#include "lib/yaml.h"

#define THEME_B THEME_BOLD
#define THEME_U THEME_UNDERLINE
#define THEME_R THEME_REVERSE
#define THEME_D THEME_DIM
#define THEME_I THEME_ITALIC

static const char *const theme_role_names[ROLE_COUNT] = {
	[ROLE_NORMAL] = "normal",       [ROLE_DIM] = "dim",
	[ROLE_BORDER] = "border",       [ROLE_BORDER_FOCUS] = "border_focus",
	[ROLE_TITLE] = "title",         [ROLE_TITLE_FOCUS] = "title_focus",
	[ROLE_HEADER] = "header",       [ROLE_SELECTED] = "selected",
	[ROLE_STATUS] = "status",       [ROLE_KEY] = "key",
	[ROLE_KEY_LABEL] = "key_label", [ROLE_ESCAPE] = "escape",
	[ROLE_MATCH] = "match",         [ROLE_OK] = "ok",
	[ROLE_WARN] = "warn",           [ROLE_ERROR] = "error",
	[ROLE_STALE] = "stale",         [ROLE_READONLY] = "readonly",
	[ROLE_CHANGING] = "changing",   [ROLE_DESTRUCTIVE] = "destructive",
	[ROLE_RUNNING] = "running",     [ROLE_DIALOG] = "dialog",
	[ROLE_INPUT] = "input",         [ROLE_SEV_P0] = "sev_p0",
	[ROLE_SEV_P1] = "sev_p1",       [ROLE_SEV_P2] = "sev_p2",
	[ROLE_SEV_P3] = "sev_p3",       [ROLE_ENVIRONMENT] = "environment",
};

static const struct {
	const char *name;
	unsigned bit;
} theme_attr_names[] = {
	{ "bold", THEME_BOLD }, { "underline", THEME_UNDERLINE }, { "reverse", THEME_REVERSE },
	{ "dim", THEME_DIM },   { "italic", THEME_ITALIC },
};

/* Dark background, terminal default colours for plain text. */
static const struct theme_style theme_default_styles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0 },       [ROLE_DIM] = { 8, -1, 0 },
	[ROLE_BORDER] = { 8, -1, 0 },        [ROLE_BORDER_FOCUS] = { 6, -1, THEME_B },
	[ROLE_TITLE] = { -1, -1, THEME_B },  [ROLE_TITLE_FOCUS] = { 0, 6, THEME_B },
	[ROLE_HEADER] = { 0, 2, 0 },         [ROLE_SELECTED] = { 0, 6, 0 },
	[ROLE_STATUS] = { 7, 4, THEME_B },   [ROLE_KEY] = { -1, -1, THEME_B },
	[ROLE_KEY_LABEL] = { 0, 6, 0 },      [ROLE_ESCAPE] = { 0, 5, 0 },
	[ROLE_MATCH] = { 0, 3, 0 },          [ROLE_OK] = { 2, -1, 0 },
	[ROLE_WARN] = { 3, -1, 0 },          [ROLE_ERROR] = { 1, -1, THEME_B },
	[ROLE_STALE] = { 8, -1, THEME_I },   [ROLE_READONLY] = { 0, 2, THEME_B },
	[ROLE_CHANGING] = { 0, 3, 0 },       [ROLE_DESTRUCTIVE] = { 7, 1, THEME_B },
	[ROLE_RUNNING] = { 6, -1, THEME_B }, [ROLE_DIALOG] = { 7, 4, 0 },
	[ROLE_INPUT] = { 0, 7, 0 },          [ROLE_SEV_P0] = { 7, 1, THEME_B },
	[ROLE_SEV_P1] = { 1, -1, THEME_B },  [ROLE_SEV_P2] = { 3, -1, THEME_B },
	[ROLE_SEV_P3] = { 6, -1, 0 },        [ROLE_ENVIRONMENT] = { 7, 5, THEME_B },
};

/* Light background: no yellow or cyan text, dark accents. */
static const struct theme_style theme_light_styles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0 },
	[ROLE_DIM] = { 8, -1, 0 },
	[ROLE_BORDER] = { 8, -1, 0 },
	[ROLE_BORDER_FOCUS] = { 4, -1, THEME_B },
	[ROLE_TITLE] = { -1, -1, THEME_B },
	[ROLE_TITLE_FOCUS] = { 15, 4, THEME_B },
	[ROLE_HEADER] = { 4, -1, THEME_B | THEME_U },
	[ROLE_SELECTED] = { 15, 4, 0 },
	[ROLE_STATUS] = { 0, 6, 0 },
	[ROLE_KEY] = { 4, -1, THEME_B },
	[ROLE_KEY_LABEL] = { 15, 4, 0 },
	[ROLE_ESCAPE] = { 15, 5, 0 },
	[ROLE_MATCH] = { 0, 11, 0 },
	[ROLE_OK] = { 2, -1, 0 },
	[ROLE_WARN] = { 130, -1, THEME_B },
	[ROLE_ERROR] = { 1, -1, THEME_B },
	[ROLE_STALE] = { 8, -1, THEME_I },
	[ROLE_READONLY] = { 15, 2, THEME_B },
	[ROLE_CHANGING] = { 0, 11, 0 },
	[ROLE_DESTRUCTIVE] = { 15, 1, THEME_B },
	[ROLE_RUNNING] = { 4, -1, THEME_B },
	[ROLE_DIALOG] = { 0, 7, 0 },
	[ROLE_INPUT] = { 0, 15, THEME_U },
	[ROLE_SEV_P0] = { 15, 1, THEME_B },
	[ROLE_SEV_P1] = { 1, -1, THEME_B },
	[ROLE_SEV_P2] = { 130, -1, THEME_B },
	[ROLE_SEV_P3] = { 4, -1, 0 },
	[ROLE_ENVIRONMENT] = { 15, 5, THEME_B },
};

/* Bright white on black, bold accents, no dim greys. */
static const struct theme_style theme_high_contrast_styles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { 15, 0, 0 },
	[ROLE_DIM] = { 7, 0, 0 },
	[ROLE_BORDER] = { 7, 0, 0 },
	[ROLE_BORDER_FOCUS] = { 11, 0, THEME_B },
	[ROLE_TITLE] = { 15, 0, THEME_B },
	[ROLE_TITLE_FOCUS] = { 0, 11, THEME_B },
	[ROLE_HEADER] = { 15, 0, THEME_B | THEME_U },
	[ROLE_SELECTED] = { 0, 15, THEME_B },
	[ROLE_STATUS] = { 0, 15, THEME_B },
	[ROLE_KEY] = { 11, 0, THEME_B },
	[ROLE_KEY_LABEL] = { 0, 15, 0 },
	[ROLE_ESCAPE] = { 0, 13, THEME_B },
	[ROLE_MATCH] = { 0, 11, THEME_B },
	[ROLE_OK] = { 10, 0, THEME_B },
	[ROLE_WARN] = { 11, 0, THEME_B },
	[ROLE_ERROR] = { 15, 1, THEME_B },
	[ROLE_STALE] = { 7, 0, THEME_U },
	[ROLE_READONLY] = { 0, 10, THEME_B },
	[ROLE_CHANGING] = { 0, 11, THEME_B },
	[ROLE_DESTRUCTIVE] = { 15, 1, THEME_B | THEME_U },
	[ROLE_RUNNING] = { 14, 0, THEME_B },
	[ROLE_DIALOG] = { 15, 4, THEME_B },
	[ROLE_INPUT] = { 0, 15, 0 },
	[ROLE_SEV_P0] = { 15, 1, THEME_B },
	[ROLE_SEV_P1] = { 0, 11, THEME_B },
	[ROLE_SEV_P2] = { 11, 0, THEME_B },
	[ROLE_SEV_P3] = { 14, 0, 0 },
	[ROLE_ENVIRONMENT] = { 0, 13, THEME_B },
};

/* No colour at all: attributes carry every distinction. */
static const struct theme_style theme_mono_styles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0 },
	[ROLE_DIM] = { -1, -1, THEME_D },
	[ROLE_BORDER] = { -1, -1, 0 },
	[ROLE_BORDER_FOCUS] = { -1, -1, THEME_B },
	[ROLE_TITLE] = { -1, -1, THEME_B },
	[ROLE_TITLE_FOCUS] = { -1, -1, THEME_B | THEME_R },
	[ROLE_HEADER] = { -1, -1, THEME_B | THEME_U },
	[ROLE_SELECTED] = { -1, -1, THEME_R },
	[ROLE_STATUS] = { -1, -1, THEME_R },
	[ROLE_KEY] = { -1, -1, THEME_B },
	[ROLE_KEY_LABEL] = { -1, -1, THEME_R },
	[ROLE_ESCAPE] = { -1, -1, THEME_R | THEME_U },
	[ROLE_MATCH] = { -1, -1, THEME_U },
	[ROLE_OK] = { -1, -1, 0 },
	[ROLE_WARN] = { -1, -1, THEME_B },
	[ROLE_ERROR] = { -1, -1, THEME_B },
	[ROLE_STALE] = { -1, -1, THEME_D },
	[ROLE_READONLY] = { -1, -1, THEME_R },
	[ROLE_CHANGING] = { -1, -1, THEME_U },
	[ROLE_DESTRUCTIVE] = { -1, -1, THEME_B | THEME_R },
	[ROLE_RUNNING] = { -1, -1, THEME_B },
	[ROLE_DIALOG] = { -1, -1, 0 },
	[ROLE_INPUT] = { -1, -1, THEME_U },
	[ROLE_SEV_P0] = { -1, -1, THEME_B | THEME_R },
	[ROLE_SEV_P1] = { -1, -1, THEME_B },
	[ROLE_SEV_P2] = { -1, -1, THEME_U },
	[ROLE_SEV_P3] = { -1, -1, 0 },
	[ROLE_ENVIRONMENT] = { -1, -1, THEME_B | THEME_R },
};

static const struct {
	const char *name;
	const struct theme_style *styles;
} theme_builtins[] = {
	{ "default", theme_default_styles },
	{ "light", theme_light_styles },
	{ "high-contrast", theme_high_contrast_styles },
	{ "mono", theme_mono_styles },
};

#define THEME_NBUILTINS (sizeof(theme_builtins) / sizeof(theme_builtins[0]))

const char *theme_role_name(enum role r)
{
	if ((int)r < 0 || r >= ROLE_COUNT)
		return NULL;
	return theme_role_names[r];
}

int theme_role_from_name(const char *name)
{
	int r;

	for (r = 0; r < ROLE_COUNT; r++)
		if (strcmp(theme_role_names[r], name) == 0)
			return r;
	return -1;
}

const char *theme_builtin_name(size_t i)
{
	return i < THEME_NBUILTINS ? theme_builtins[i].name : NULL;
}

int theme_builtin(const char *name, struct theme *t)
{
	size_t i;

	for (i = 0; i < THEME_NBUILTINS; i++) {
		if (strcmp(theme_builtins[i].name, name) != 0)
			continue;
		memset(t, 0, sizeof(*t));
		snprintf(t->name, sizeof(t->name), "%s", name);
		memcpy(t->style, theme_builtins[i].styles, sizeof(t->style));
		return 0;
	}
	return -1;
}

/* --- terminals with fewer colours ------------------------------------ */

/* The xterm palette's RGB, for the nearest-colour fold. */
static void theme_rgb(int c, int rgb[3])
{
	static const int base[16][3] = {
		{ 0, 0, 0 },       { 205, 0, 0 },   { 0, 205, 0 },   { 205, 205, 0 },
		{ 0, 0, 238 },     { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 },   { 0, 255, 0 },   { 255, 255, 0 },
		{ 92, 92, 255 },   { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		memcpy(rgb, base[c], sizeof(base[c]));
	} else if (c < 232) {
		c -= 16;
		rgb[0] = level[c / 36];
		rgb[1] = level[(c / 6) % 6];
		rgb[2] = level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

static short theme_nearest(short c, int ncolours)
{
	int rgb[3], best = 0, i;
	long bestd = -1;

	theme_rgb(c, rgb);
	for (i = 0; i < ncolours; i++) {
		int q[3];
		long d;

		theme_rgb(i, q);
		d = (long)(rgb[0] - q[0]) * (rgb[0] - q[0]) +
		    (long)(rgb[1] - q[1]) * (rgb[1] - q[1]) +
		    (long)(rgb[2] - q[2]) * (rgb[2] - q[2]);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return (short)best;
}

void theme_fit(struct theme *t, int colors)
{
	int r;

	if (colors >= 256)
		return;
	for (r = 0; r < ROLE_COUNT; r++) {
		struct theme_style *s = &t->style[r];

		if (colors < 8) {
			s->fg = s->bg = -1;
			continue;
		}
		if (s->fg >= 16)
			s->fg = theme_nearest(s->fg, 16);
		if (s->bg >= 16)
			s->bg = theme_nearest(s->bg, 16);
		if (colors >= 16)
			continue;
		/* Eight colours: bright text becomes bold, grey text dim. */
		if (s->fg == 8) {
			s->fg = -1;
			s->attrs |= THEME_DIM;
		} else if (s->fg > 8) {
			s->fg = (short)(s->fg - 8);
			s->attrs |= THEME_BOLD;
		}
		if (s->bg == 8)
			s->bg = 0;
		else if (s->bg > 8)
			s->bg = (short)(s->bg - 8);
	}
}

/* --- theme files ----------------------------------------------------- */

/* Each key of a mapping once, as a scalar. */
static int theme_check_keys(struct yaml_loader *ld, yaml_node_t *map, const char *what)
{
	yaml_node_pair_t *p;
	char sub[512];

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);

		if (key->type == YAML_SCALAR_NODE)
			snprintf(sub, sizeof(sub), "%s%s%s", what, *what ? "." : "",
				 yaml_text(key));
		if (yaml_check_key(ld, map, p, *what ? what : "(top level)", sub) < 0)
			return -1;
	}
	return 0;
}

static int theme_load_colour(struct yaml_loader *ld, yaml_node_t *node, const char *what,
			     short *out)
{
	if (node->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, node, NULL, "%s: expected a colour, got %s", what,
				 yaml_kind(node));
	if (colour_parse(yaml_text(node), out) < 0)
		return yaml_fail(ld, node, NULL,
				 "%s: unknown colour '%s' (a name such as red or bright-red, "
				 "default, or 0..255)",
				 what, yaml_text(node));
	return 0;
}

static int theme_load_attr(struct yaml_loader *ld, yaml_node_t *node, const char *what,
			   unsigned *attrs)
{
	size_t i;

	if (node->type != YAML_SCALAR_NODE)
		return yaml_fail(ld, node, NULL, "%s: expected an attribute, got %s", what,
				 yaml_kind(node));
	for (i = 0; i < sizeof(theme_attr_names) / sizeof(theme_attr_names[0]); i++)
		if (strcmp(theme_attr_names[i].name, yaml_text(node)) == 0) {
			*attrs |= theme_attr_names[i].bit;
			return 0;
		}
	return yaml_fail(ld, node, NULL,
			 "%s: unknown attribute '%s' (bold, underline, reverse, dim, italic)", what,
			 yaml_text(node));
}

/* attrs: a list of names, or one name; replaces the inherited set. */
static int theme_load_attrs(struct yaml_loader *ld, yaml_node_t *node, const char *what,
			    unsigned *out)
{
	unsigned attrs = 0;
	yaml_node_item_t *it;

	if (node->type == YAML_SCALAR_NODE) {
		if (theme_load_attr(ld, node, what, &attrs) < 0)
			return -1;
	} else if (node->type == YAML_SEQUENCE_NODE) {
		for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++)
			if (theme_load_attr(ld, yaml_document_get_node(ld->doc, *it), what,
					    &attrs) < 0)
				return -1;
	} else {
		return yaml_fail(ld, node, NULL, "%s: expected a list of attributes, got %s", what,
				 yaml_kind(node));
	}
	*out = attrs;
	return 0;
}

/* One role's {fg, bg, attrs}; fields not given keep the inherited value. */
static int theme_load_style(struct yaml_loader *ld, yaml_node_t *node, const char *role,
			    struct theme_style *s)
{
	yaml_node_pair_t *p;
	char what[128];

	if (node->type != YAML_MAPPING_NODE)
		return yaml_fail(ld, node, NULL, "roles.%s: expected a map {fg, bg, attrs}, got %s",
				 role, yaml_kind(node));
	snprintf(what, sizeof(what), "roles.%s", role);
	if (theme_check_keys(ld, node, what) < 0)
		return -1;
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *value = yaml_document_get_node(ld->doc, p->value);
		const char *k = yaml_text(key);
		int rc;

		snprintf(what, sizeof(what), "roles.%s.%s", role, k);
		if (strcmp(k, "fg") == 0)
			rc = theme_load_colour(ld, value, what, &s->fg);
		else if (strcmp(k, "bg") == 0)
			rc = theme_load_colour(ld, value, what, &s->bg);
		else if (strcmp(k, "attrs") == 0)
			rc = theme_load_attrs(ld, value, what, &s->attrs);
		else
			rc = yaml_fail(ld, key, NULL, "%s: unknown key (fg, bg, attrs)", what);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int theme_load_roles(struct yaml_loader *ld, yaml_node_t *node, struct theme *t)
{
	yaml_node_pair_t *p;

	if (node->type != YAML_MAPPING_NODE)
		return yaml_fail(ld, node, NULL, "roles: expected a map, got %s", yaml_kind(node));
	if (theme_check_keys(ld, node, "roles") < 0)
		return -1;
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		int r = theme_role_from_name(yaml_text(key));

		if (r < 0)
			return yaml_fail(ld, key, NULL, "roles.%s: unknown role", yaml_text(key));
		if (theme_load_style(ld, yaml_document_get_node(ld->doc, p->value), yaml_text(key),
				     &t->style[r]) < 0)
			return -1;
	}
	return 0;
}

/* The top level: inherit first (whatever its place), then name, roles. */
static int theme_load_root(struct yaml_loader *ld, yaml_node_t *root, struct theme *t)
{
	yaml_node_pair_t *p;

	if (root->type != YAML_MAPPING_NODE)
		return yaml_fail(ld, root, NULL, "expected a map {name, inherit, roles}, got %s",
				 yaml_kind(root));
	if (theme_check_keys(ld, root, "") < 0)
		return -1;
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *value = yaml_document_get_node(ld->doc, p->value);
		char name[sizeof(t->name)];

		if (strcmp(yaml_text(key), "inherit") != 0)
			continue;
		if (value->type != YAML_SCALAR_NODE)
			return yaml_fail(ld, value, NULL, "inherit: expected a theme name, got %s",
					 yaml_kind(value));
		memcpy(name, t->name, sizeof(name));
		if (theme_builtin(yaml_text(value), t) < 0)
			return yaml_fail(ld, value, NULL,
					 "inherit: '%s' is not a built-in theme (default, light, "
					 "high-contrast, mono)",
					 yaml_text(value));
		memcpy(t->name, name, sizeof(name));
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(ld->doc, p->key);
		yaml_node_t *value = yaml_document_get_node(ld->doc, p->value);
		const char *k = yaml_text(key);

		if (strcmp(k, "inherit") == 0)
			continue;
		if (strcmp(k, "name") == 0) {
			if (value->type != YAML_SCALAR_NODE || value->data.scalar.length == 0)
				return yaml_fail(ld, value, NULL, "name: expected a string");
			if (value->data.scalar.length >= sizeof(t->name))
				return yaml_fail(ld, value, NULL, "name: longer than %zu bytes",
						 sizeof(t->name) - 1);
			snprintf(t->name, sizeof(t->name), "%s", yaml_text(value));
		} else if (strcmp(k, "roles") == 0) {
			if (theme_load_roles(ld, value, t) < 0)
				return -1;
		} else {
			return yaml_fail(ld, key, NULL, "%s: unknown key (name, inherit, roles)",
					 k);
		}
	}
	return 0;
}

/* Load a theme file over the built-in default; the name defaults to the
 * file's base name. */
static int theme_load_file(const char *path, struct theme *t, char *err, size_t errlen)
{
	struct yaml_loader ld;
	struct theme tmp;
	yaml_node_t *root;
	const char *base;
	size_t n;
	int rc;

	if (yaml_load(&ld, path, 0, err, errlen, &root) < 0)
		return -1;
	theme_builtin("default", &tmp);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	if (n >= sizeof(tmp.name))
		n = sizeof(tmp.name) - 1;
	memcpy(tmp.name, base, n);
	tmp.name[n] = '\0';
	rc = root != NULL ? theme_load_root(&ld, root, &tmp) : 0;
	yaml_unload(&ld);
	if (rc == 0)
		*t = tmp;
	return rc;
}

int theme_load(const char *name_or_path, const char *const *dirs, struct theme *t, char *err,
	       size_t errlen)
{
	size_t n = strlen(name_or_path);
	const char *const *d;

	if (n == 0) {
		snprintf(err, errlen, "empty theme name");
		return -1;
	}
	if (strchr(name_or_path, '/') != NULL ||
	    (n > 5 && strcmp(name_or_path + n - 5, ".yaml") == 0))
		return theme_load_file(name_or_path, t, err, errlen);
	for (d = dirs; d != NULL && *d != NULL; d++) {
		char *path = xasprintf("%s/%s.yaml", *d, name_or_path);
		struct stat st;
		int rc;

		if (stat(path, &st) != 0) {
			free(path);
			continue;
		}
		rc = theme_load_file(path, t, err, errlen);
		free(path);
		return rc;
	}
	if (theme_builtin(name_or_path, t) == 0)
		return 0;
	snprintf(err, errlen,
		 "unknown theme '%s' (built in: default, light, high-contrast, mono; or a file)",
		 name_or_path);
	return -1;
}
