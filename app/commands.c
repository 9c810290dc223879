/*
 * commands.c - the `:` command line. One table, app_cmds[] (name, alias,
 * argument synopsis, one line of help, handler), as tmux's cmd_entry:
 * it drives dispatch, Tab completion, the help screen's Commands
 * section, and --list-commands, against which tests/docs-check.sh checks
 * the README and the man page. A word the table does not know focuses
 * the panel of that name, else is offered to the panels' own command
 * hooks. Also the theme loader main and :theme share.
 */
#include "app/app_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "panels/pods.h"

/* The theme folders, the user's first: dirs[0] is allocated. */
static void app_theme_dirs(const char *dirs[3])
{
	const char *xdg = getenv("XDG_CONFIG_HOME");

	if (xdg != NULL && xdg[0] == '/')
		dirs[0] = xasprintf("%s/amconsole/themes", xdg);
	else
		dirs[0] = util_expand_home("~/.config/amconsole/themes");
	dirs[1] = AM_DATADIR "/themes";
	dirs[2] = NULL;
}

int app_theme_load(const char *name, struct theme *t, char *err, size_t errlen)
{
	const char *dirs[3];
	int rc;

	app_theme_dirs(dirs);
	rc = theme_load(name, dirs, t, err, errlen);
	free((char *)dirs[0]);
	return rc;
}

/* The themes :theme knows: the built-in ones and NAME.yaml in the theme
 * folders, sorted, each once. */
static size_t app_theme_choices(struct app *a, char ***out)
{
	static const char *const builtin[] = { "default", "light", "high-contrast", "mono" };
	const char *dirs[3];
	size_t n = 0, cap = 16, i;
	char **v = xcalloc(cap, sizeof *v);
	int d;

	for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		v[n++] = xstrdup(builtin[i]);
	app_theme_dirs(dirs);
	for (d = 0; dirs[d] != NULL; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *e;

		while (dir != NULL && (e = readdir(dir)) != NULL && n < 1000) {
			size_t len = strlen(e->d_name);

			if (len <= 5 || e->d_name[0] == '.' ||
			    strcmp(e->d_name + len - 5, ".yaml") != 0)
				continue;
			if (n == cap)
				v = xrealloc(v, (cap *= 2) * sizeof *v);
			v[n++] = xasprintf("%.*s", (int)(len - 5), e->d_name);
		}
		if (dir != NULL)
			closedir(dir);
	}
	free((char *)dirs[0]);
	*out = v;
	return strv_sort_unique(v, n);
}

static size_t app_ctx_choices(struct app *a, char ***out)
{
	return pods_choices(app_panel(a, &pods_panel), 0, out);
}

static size_t app_ns_choices(struct app *a, char ***out)
{
	return pods_choices(app_panel(a, &pods_panel), 1, out);
}

static void app_cmd_theme(struct app *a, const char *cmd, const char *arg);

static void app_theme_picked(void *ctx, const char *chosen)
{
	if (chosen != NULL)
		app_cmd_theme(ctx, "theme", chosen);
}

static void app_cmd_theme(struct app *a, const char *cmd, const char *arg)
{
	struct theme t;
	char err[256];

	if (arg[0] == '\0') {
		char **v;
		size_t n = app_theme_choices(a, &v);

		app_pick(a, "Theme (:theme NAME or a file)", (const char *const *)v, n,
			 a->theme.name, app_theme_picked, a);
		strv_free(v, n);
	} else if (app_theme_load(arg, &t, err, sizeof err) != 0) {
		app_message(a, ROLE_ERROR, "%s", err);
	} else {
		a->theme = t;
		screen_set_theme(&a->theme);
		app_message(a, ROLE_OK, "theme %s", t.name);
	}
}

static void app_cmd_layout(struct app *a, const char *cmd, const char *arg)
{
	int l = config_layout_find(arg);

	if (arg[0] == '\0') {
		app_message(a, ROLE_NORMAL, "layout: %s (auto, runbook, panels or tall)",
			    config_layout_names[a->layout]);
	} else if (l < 0) {
		app_message(a, ROLE_ERROR,
			    "unknown layout '%.40s': auto (space by need), runbook (runbook "
			    "wide), panels (no runbook column) or tall (one column)",
			    arg);
	} else {
		a->layout = l;
		a->zoom = 0;
		app_message(a, ROLE_OK, "layout %s", config_layout_names[l]);
	}
}

static void app_cmd_runbook(struct app *a, const char *cmd, const char *arg)
{
	int i = app_panel_index(a, "runbook");

	if (i >= 0) {
		app_set_focus(a, i);
		snprintf(a->panels[i].filter, sizeof a->panels[i].filter, "%s", arg);
		a->panels[i].ops->filter(a->panels[i].self, arg);
	}
}

static void app_cmd_severity(struct app *a, const char *cmd, const char *arg)
{
	if ((arg[0] == 'P' || arg[0] == 'p') && arg[1] >= '0' && arg[1] <= '3' && !arg[2])
		app_set_severity(a, arg[1] - '0');
	else if (strcmp(arg, "none") == 0 || strcmp(arg, "close") == 0)
		app_set_severity(a, -1);
	else
		app_message(a, ROLE_ERROR, "severity: P0, P1, P2, P3 or none");
}

/* Offer a command to each panel's command hook; the first that takes it
 * is focused. 1 if one did. */
static int app_panel_command(struct app *a, const char *cmd, const char *arg)
{
	int i;

	for (i = 0; i < a->npanels; i++) {
		const struct app_panel *p = &a->panels[i];

		if (p->ops->command != NULL && p->ops->command(p->self, cmd, arg)) {
			app_set_focus(a, i);
			a->zoom = 0;
			return 1;
		}
	}
	return 0;
}

static void app_cmd_unknown(struct app *a, const char *cmd)
{
	const struct app_cmd *c;
	struct strbuf sb = { 0 };

	for (c = app_cmds; c->name != NULL; c++)
		strbuf_printf(&sb, ", %s", c->name);
	app_message(a, ROLE_ERROR, "unknown command ':%s' (a panel's name%s)", cmd, sb.buf);
	strbuf_free(&sb);
}

/* :ns and :ctx are the Pods panel's (its command hook): the table names
 * them for the help and the docs, the panel does the work. */
static void app_cmd_panels(struct app *a, const char *cmd, const char *arg)
{
	if (!app_panel_command(a, cmd, arg))
		app_cmd_unknown(a, cmd);
}

static void app_cmd_zoom(struct app *a, const char *cmd, const char *arg)
{
	a->zoom = !a->zoom;
}

static void app_cmd_mark(struct app *a, const char *cmd, const char *arg)
{
	app_timeline_mark(a, arg);
}

static void app_cmd_timeline(struct app *a, const char *cmd, const char *arg)
{
	app_timeline_show(a);
}

static void app_cmd_postmortem(struct app *a, const char *cmd, const char *arg)
{
	app_timeline_postmortem(a);
}

static void app_cmd_note(struct app *a, const char *cmd, const char *arg)
{
	if (arg[0] == '\0')
		app_message(a, ROLE_ERROR, "note: the text of the note (or press n)");
	else if (app_following(a) != NULL)
		app_warroom_note(a, arg); /* the presenter keeps the timeline */
	else
		app_timeline_note(a, arg);
}

static void app_cmd_present(struct app *a, const char *cmd, const char *arg)
{
	app_warroom_present_now(a, arg);
}

static void app_cmd_handover(struct app *a, const char *cmd, const char *arg)
{
	if (arg[0] == '\0')
		app_message(a, ROLE_ERROR, "handover: the follower's name (:handover NAME)");
	else
		app_warroom_handover(a, arg);
}

static size_t app_mark_choices(struct app *a, char ***out)
{
	static const char *const marks[] = { "detected", "mitigated", "resolved" };
	size_t i;

	(void)a;
	*out = xcalloc(3, sizeof **out);
	for (i = 0; i < 3; i++)
		(*out)[i] = xstrdup(marks[i]);
	return 3;
}

static void app_cmd_redraw(struct app *a, const char *cmd, const char *arg)
{
	screen_invalidate();
}

static void app_cmd_help(struct app *a, const char *cmd, const char *arg)
{
	a->dialog = DIALOG_HELP;
	a->help_top = 0;
}

static void app_cmd_quit(struct app *a, const char *cmd, const char *arg)
{
	app_ask_quit(a);
}

const struct app_cmd app_cmds[] = {
	{ "theme", NULL, "NAME",
	  "switch the colour theme (default, light, high-contrast, mono or a file; alone: a list)",
	  app_cmd_theme, app_theme_choices },
	{ "layout", NULL, "NAME",
	  "presets: auto (by need), runbook (wide), panels (no runbook), tall (1 column)",
	  app_cmd_layout, NULL },
	{ "runbook", "rb", "WORDS", "focus the runbook pane, its list filtered by WORDS",
	  app_cmd_runbook, NULL },
	{ "severity", "sev", "P0-P3|none", "open an incident, change its severity, or close it",
	  app_cmd_severity, NULL },
	{ "ns", "namespace", "NAME|all",
	  "the Pods panel's namespace, or every namespace (alone: a pick list)", app_cmd_panels,
	  app_ns_choices },
	{ "ctx", "context", "NAME", "the Pods panel's kubeconfig context (alone: a pick list)",
	  app_cmd_panels, app_ctx_choices },
	{ "mark", NULL, "detected|mitigated|resolved",
	  "mark the incident's timeline (the postmortem's times to detect, mitigate, resolve)",
	  app_cmd_mark, app_mark_choices },
	{ "note", NULL, "TEXT", "a note for the incident timeline (as n)", app_cmd_note, NULL },
	{ "timeline", NULL, NULL, "the incident timeline, newest last (Enter: the detail)",
	  app_cmd_timeline, NULL },
	{ "postmortem", "pm", NULL,
	  "write the postmortem (Markdown: times from the marks, timeline, notes)",
	  app_cmd_postmortem, NULL },
	{ "present", NULL, "ROOM", "present this session in war room ROOM (as --present)",
	  app_cmd_present, NULL },
	{ "handover", NULL, "NAME",
	  "offer control of the war room to follower NAME (they take it with H)", app_cmd_handover,
	  NULL },
	{ "zoom", NULL, NULL, "zoom the focused panel / back to the grid", app_cmd_zoom, NULL },
	{ "redraw", NULL, NULL, "redraw the whole screen", app_cmd_redraw, NULL },
	{ "help", NULL, NULL, "show this help", app_cmd_help, NULL },
	{ "quit", "q", NULL, "quit (asks first if a command is still running)", app_cmd_quit,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

const struct app_cmd *app_cmd_find(const char *word)
{
	const struct app_cmd *c;

	for (c = app_cmds; c->name != NULL; c++)
		if (strcmp(c->name, word) == 0 || (c->alias != NULL && strcmp(c->alias, word) == 0))
			return c;
	return NULL;
}

void app_cmd_synopsis(const struct app_cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, ":%s%s%s", c->name, c->args != NULL ? " " : "",
		 c->args != NULL ? c->args : "");
}

void app_command(struct app *a, const char *cmdline)
{
	char cmd[64] = "", arg[PROMPT_MAX] = "";
	const struct app_cmd *c;
	const char *p = cmdline;
	size_t n;
	int i;

	while (*p == ' ')
		p++;
	n = strcspn(p, " ");
	if (n >= sizeof cmd)
		n = sizeof cmd - 1;
	memcpy(cmd, p, n);
	cmd[n] = '\0';
	p += strcspn(p, " ");
	while (*p == ' ')
		p++;
	snprintf(arg, sizeof arg, "%s", p);

	if (cmd[0] == '\0')
		return;
	if ((c = app_cmd_find(cmd)) != NULL) {
		c->run(a, cmd, arg);
	} else if ((i = app_panel_index(a, cmd)) >= 0) {
		/* :NAME focuses a panel by its name, as k9s's :pods does. */
		app_set_focus(a, i);
		a->zoom = 0;
	} else if (!app_panel_command(a, cmd, arg)) {
		app_cmd_unknown(a, cmd);
	}
	a->dirty = 1;
}

/* Add word to the candidates when it starts with prefix. */
static void app_complete_add(const char **cand, size_t *n, size_t max, const char *word,
			     const char *prefix)
{
	if (*n < max && strncmp(word, prefix, strlen(prefix)) == 0)
		cand[(*n)++] = word;
}

/* Replace the line by head and the candidates cand[0..n): all of one
 * (then tail), else as far as they agree. 1 if the line changed. */
static int app_complete_with(struct prompt *line, const char *head, const char **cand, size_t n,
			     const char *tail)
{
	char buf[PROMPT_MAX];
	size_t i, common;

	if (n == 0)
		return 0;
	common = strlen(cand[0]);
	for (i = 1; i < n; i++) {
		size_t k = 0;

		while (k < common && cand[i][k] == cand[0][k])
			k++;
		common = k;
	}
	snprintf(buf, sizeof buf, "%s%.*s%s", head, (int)common, cand[0], n == 1 ? tail : "");
	if (strcmp(buf, line->buf) == 0)
		return 0;
	prompt_set(line, buf);
	return 1;
}

/* Tab after a command's name: complete its argument from its choices
 * (the contexts, the namespaces, the themes); when they still differ,
 * the message lists those that match. */
static int app_complete_arg(struct app *a, struct prompt *line, const char *space)
{
	char word[64], head[128];
	const struct app_cmd *c;
	const char *arg = space + 1, **cand;
	char **v;
	size_t n, k = 0, i;
	int changed;
	struct strbuf sb = { 0 };

	while (*arg == ' ')
		arg++;
	if ((size_t)(space - line->buf) >= sizeof word || strchr(arg, ' ') != NULL)
		return 0;
	snprintf(word, sizeof word, "%.*s", (int)(space - line->buf), line->buf);
	if ((c = app_cmd_find(word)) == NULL || c->choices == NULL)
		return 0;
	n = c->choices(a, &v);
	cand = xcalloc(n ? n : 1, sizeof *cand);
	for (i = 0; i < n; i++)
		app_complete_add(cand, &k, n, v[i], arg);
	snprintf(head, sizeof head, "%.*s", (int)(arg - line->buf), line->buf);
	changed = app_complete_with(line, head, cand, k, "");
	if (k > 1) {
		for (i = 0; i < k && sb.len < 200; i++)
			strbuf_printf(&sb, "%s%s", i ? ", " : "", cand[i]);
		app_message(a, ROLE_NORMAL, "%zu match: %s%s", k, sb.buf, i < k ? ", …" : "");
		strbuf_free(&sb);
	} else if (k == 0) {
		app_message(a, ROLE_WARN, ":%s: nothing starts with \"%.60s\"", c->name, arg);
	}
	free(cand);
	strv_free(v, n);
	return changed;
}

int app_command_complete(struct app *a, struct prompt *line)
{
	const char *cand[APP_MAX_PANELS + 32];
	const struct app_cmd *c;
	const char *space = strchr(line->buf, ' ');
	size_t n = 0;
	int p;

	if (line->cur != line->len)
		return 0; /* only what is typed up to the cursor */
	if (space != NULL)
		return app_complete_arg(a, line, space);
	if (line->len >= 64)
		return 0;
	for (c = app_cmds; c->name != NULL; c++)
		app_complete_add(cand, &n, sizeof cand / sizeof cand[0], c->name, line->buf);
	for (p = 0; p < a->npanels; p++)
		if (app_cmd_find(a->panels[p].ops->name) == NULL)
			app_complete_add(cand, &n, sizeof cand / sizeof cand[0],
					 a->panels[p].ops->name, line->buf);
	/* One candidate: all of it and a space for the argument; several:
	 * as far as they agree. */
	return app_complete_with(line, "", cand, n, " ");
}

void app_list_commands(FILE *out)
{
	const struct app_cmd *c;
	char syn[96];
	int i;

	for (c = app_cmds; c->name != NULL; c++) {
		app_cmd_synopsis(c, syn, sizeof syn);
		fprintf(out, "%s\t%s\t%s\t%s\n", c->name, c->alias != NULL ? c->alias : "-", syn,
			c->help);
	}
	for (i = 0; panel_registry[i] != NULL; i++)
		if (app_cmd_find(panel_registry[i]->name) == NULL)
			fprintf(out, "%s\t-\t:%s\tfocus the %s panel\n", panel_registry[i]->name,
				panel_registry[i]->name, panel_registry[i]->title);
}
