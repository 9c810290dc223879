/*
 * theme.h - colour roles and the theme loader. Code names roles, never
 * colour numbers; themes/ holds YAML files that map roles to colours and
 * attributes. A built-in default works with no file installed; NO_COLOR
 * or a terminal without colours gives mono. Parsed with libyaml.
 */
#ifndef AM_THEME_H
#define AM_THEME_H

#include <stddef.h>

enum role {
	ROLE_NORMAL,
	ROLE_DIM,
	ROLE_BORDER,
	ROLE_BORDER_FOCUS,
	ROLE_TITLE,
	ROLE_TITLE_FOCUS,
	ROLE_HEADER,    /* table column headers */
	ROLE_SELECTED,  /* selected row */
	ROLE_STATUS,    /* top line */
	ROLE_KEY,       /* key names in the key bar and help */
	ROLE_KEY_LABEL, /* their labels */
	ROLE_ESCAPE,    /* sanitiser placeholders */
	ROLE_MATCH,     /* search/filter hits */
	ROLE_OK,
	ROLE_WARN,
	ROLE_ERROR,
	ROLE_STALE,
	ROLE_READONLY,    /* the read-only badge */
	ROLE_CHANGING,    /* changing-step badge */
	ROLE_DESTRUCTIVE, /* destructive-step badge */
	ROLE_RUNNING,
	ROLE_DIALOG,
	ROLE_INPUT,
	ROLE_SEV_P0,
	ROLE_SEV_P1,
	ROLE_SEV_P2,
	ROLE_SEV_P3,
	ROLE_ENVIRONMENT, /* the environment's name on the top line (prod, staging) */
	ROLE_COUNT
};

/* Colours: -1 = terminal default, 0..255 = palette index. */
struct theme_style {
	short fg;
	short bg;
	unsigned attrs; /* THEME_BOLD | ... */
};

enum {
	THEME_BOLD = 1 << 0,
	THEME_UNDERLINE = 1 << 1,
	THEME_REVERSE = 1 << 2,
	THEME_DIM = 1 << 3,
	THEME_ITALIC = 1 << 4,
};

struct theme {
	char name[64];
	struct theme_style style[ROLE_COUNT];
};

/* The role's name in theme files ("pod_failed"), or NULL past the end. */
const char *theme_role_name(enum role r);
/* The built-in theme: "default", "light", "high-contrast" or "mono".
 * 0, or -1 if name is not built in. */
int theme_builtin(const char *name, struct theme *t);
/* The role named name, or -1. */
int theme_role_from_name(const char *name);
/* The i-th built-in theme's name (0-based), or NULL past the end. */
const char *theme_builtin_name(size_t i);
/* Fold t onto a terminal with `colors` colours (COLORS): 256+ unchanged;
 * 16: nearest of the 16; 8: bright text becomes bold, grey text dim;
 * fewer than 8: every colour -1 (use mono then). */
void theme_fit(struct theme *t, int colors);
/* Load a theme by name (searched as DIR/NAME.yaml in dirs, a
 * NULL-terminated list or NULL, then built in) or by path (contains '/'
 * or ends in .yaml). A file starts from the built-in default, or from
 * the built-in named by its "inherit" key, and overrides roles field by
 * field (fg, bg, attrs). t is untouched on error. 0, or -1 + err
 * "FILE:LINE: problem". */
int theme_load(const char *name_or_path, const char *const *dirs, struct theme *t, char *err,
	       size_t errlen);

#endif
