/*
 * runbook.c - the runbook model (see runbook.h): a CommonMark file is
 * parsed with libcmark and its top-level headings cut into entries. A
 * heading whose direct sub-headings include "Symptoms" or "Diagnostic..."
 * is a symptom; every other section at the document's section level (H2
 * under a single H1 title) is a procedure when it holds a runnable block
 * (bash, sh, shell, console, zsh, sql, postgresql, psql, promql, redis,
 * yaml, yml) outside its symptoms, reference text when it holds none and
 * no symptom, and a mere container otherwise; runnable blocks before the
 * first section make a procedure named after the H1 (or the file). Code
 * blocks are split into steps by blank lines at the top level of the
 * block's own lexical rules (a blank line inside quotes, $(...) or a
 * here-document does not split). The phase of a step is decided by the
 * headings above it, innermost first, then the procedure's or symptom's
 * own title: "Diagnostic...", "Monitoring...", "Symptoms", "Log
 * Analysis", "Health Check", "Check...", "Verify..." give diagnosis;
 * "Solutions", "Common Causes...", and anything naming recovery, a
 * solution, a fix, remediation, resolution, mitigation, a workaround, a
 * restore or a rollback give remedy. When no heading decides, a changing
 * step is a remedy and a read-only one diagnosis. The group of a step is
 * the last **Caption** paragraph since the last heading, else that
 * heading, else "". An annotation's confirm= value, when unquoted, runs
 * to the end of the annotation, so it comes last. No terminal, no
 * threads: callers on any thread, one set per caller. This file walks
 * the Markdown and loads files; the lexical scanners are in
 * runbook_scan.c, placeholders in runbook_place.c, annotations in
 * runbook_annot.c, the cutting of a block into steps in runbook_step.c.
 */
#include "core/runbook.h"

#include "core/lint.h"
#include "core/runbook_int.h"
#include "core/safety.h"
#include "lib/util.h"

#include <cJSON.h>
#include <cmark.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* Small string helpers                                                */

static int runbook_istarts(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(s, prefix, n) == 0;
}

/* Case-insensitive substring search within s[0..n). */
static const char *runbook_memcase(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	size_t i;

	if (m == 0)
		return s;
	for (i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

static int runbook_icontains(const char *s, const char *needle)
{
	return runbook_memcase(s, strlen(s), needle) != NULL;
}

/* needle occurs in s at the start of a word (case-insensitive). */
static int runbook_iword(const char *s, const char *needle)
{
	size_t m = strlen(needle);
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (p != s && isalnum((unsigned char)p[-1]))
			continue;
		if (strncasecmp(p, needle, m) == 0)
			return 1;
	}
	return 0;
}

char *runbook_trim_dup(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int runbook_word_in(const char *w, size_t n, const char *const *list, int icase)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n &&
		    (icase ? strncasecmp(list[i], w, n) : memcmp(list[i], w, n)) == 0)
			return 1;
	return 0;
}

void runbook_push_str(char ***arr, size_t *n, char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = s;
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */

static void runbook_step_free(struct step *st)
{
	size_t i;

	free(st->title);
	free(st->command);
	free(st->group);
	free(st->lang);
	free(st->target);
	free(st->change_why);
	free(st->confirm_text);
	for (i = 0; i < st->nplaceholders; i++) {
		free(st->placeholders[i].token);
		free(st->placeholders[i].env);
		free(st->placeholders[i].label);
	}
	free(st->placeholders);
	strv_free(st->warnings, st->nwarnings);
	strv_free(st->captures, st->ncaptures);
	strv_free(st->expects, st->nexpects);
	free(st->next_on_ok);
	free(st->next_on_fail);
}

static void runbook_entry_free(struct runbook_entry *e)
{
	size_t i;

	free(e->title);
	free(e->file);
	strv_free(e->symptoms, e->nsymptoms);
	for (i = 0; i < e->nsteps; i++)
		runbook_step_free(&e->steps[i]);
	free(e->steps);
	free(e->text);
	strv_free(e->alerts, e->nalerts);
	strv_free(e->findings, e->nfindings);
}

void runbook_set_free(struct runbook_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nentries; i++)
		runbook_entry_free(&set->entries[i]);
	free(set->entries);
	set->entries = NULL;
	set->nentries = 0;
	for (i = 0; i < set->ncuts; i++) {
		free(set->cuts[i].file);
		free(set->cuts[i].what);
	}
	free(set->cuts);
	set->cuts = NULL;
	set->ncuts = 0;
}

const char *runbook_kind_name(enum step_kind k)
{
	switch (k) {
	case STEP_SHELL:
		return "shell";
	case STEP_SQL:
		return "sql";
	case STEP_PROMQL:
		return "promql";
	case STEP_REDIS:
		return "redis";
	case STEP_YAML:
		return "yaml";
	}
	return "shell";
}

const char *runbook_phase_name(enum step_phase p)
{
	return p == PHASE_REMEDY ? "remedy" : "diagnosis";
}

const char *runbook_type_name(enum entry_type t)
{
	switch (t) {
	case ENTRY_SYMPTOM:
		return "symptom";
	case ENTRY_PROCEDURE:
		return "procedure";
	case ENTRY_REFERENCE:
		return "reference";
	}
	return "reference";
}

/* The kind of a fence's language word; -1 when not runnable. */
int runbook_kind_of(const char *lang)
{
	static const struct {
		const char *lang;
		enum step_kind kind;
	} map[] = {
		{ "bash", STEP_SHELL },     { "sh", STEP_SHELL },  { "shell", STEP_SHELL },
		{ "console", STEP_SHELL },  { "zsh", STEP_SHELL }, { "sql", STEP_SQL },
		{ "postgresql", STEP_SQL }, { "psql", STEP_SQL },  { "promql", STEP_PROMQL },
		{ "redis", STEP_REDIS },    { "yaml", STEP_YAML }, { "yml", STEP_YAML },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].lang, lang) == 0)
			return (int)map[i].kind;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Markdown structure                                                  */

/* Plain text of a node's inline content (iterative: no recursion). */
static char *runbook_inline_text(cmark_node *node)
{
	struct strbuf sb = { 0 };
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(n);
			if (lit != NULL)
				strbuf_puts(&sb, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			strbuf_putc(&sb, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	return strbuf_detach(&sb);
}

/* Heading text without its numbering ("1. ", "2) ", "3.1 "). */
static char *runbook_heading_title(cmark_node *h)
{
	char *t = runbook_inline_text(h);
	const char *p = t;
	char *out;

	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p) || *p == '.')
			p++;
		if (*p == ')')
			p++;
		if (*p == ' ' || *p == '\t') {
			while (*p == ' ' || *p == '\t')
				p++;
		} else {
			p = t;
		}
	}
	out = runbook_trim_dup(p, strlen(p));
	free(t);
	return out;
}

static int runbook_is_symptoms_heading(const char *t)
{
	return strcasecmp(t, "symptoms") == 0 || strcasecmp(t, "symptom") == 0;
}

int runbook_heading_phase(const char *h)
{
	static const char *const remedy[] = {
		"recover", "solution",   "fix",    "remed",    "resolution", "resolv",
		"mitigat", "workaround", "restor", "rollback", "roll back",  NULL,
	};
	static const char *const diag[] = {
		"log analysis", "health check", "diagnos", "check", "verify",
		"investigat",   "triage",       "inspect", NULL,
	};
	size_t i;

	if (runbook_istarts(h, "diagnos") || runbook_istarts(h, "monitoring") ||
	    runbook_is_symptoms_heading(h))
		return PHASE_DIAGNOSIS;
	if (runbook_istarts(h, "solution") || runbook_istarts(h, "common causes"))
		return PHASE_REMEDY;
	for (i = 0; remedy[i] != NULL; i++)
		if (runbook_iword(h, remedy[i]))
			return PHASE_REMEDY;
	for (i = 0; diag[i] != NULL; i++)
		if (runbook_iword(h, diag[i]))
			return PHASE_DIAGNOSIS;
	return -1;
}

void runbook_build_cut(struct runbook_build *b, int *once, int line, const char *what)
{
	struct runbook_cut *c;

	if (*once)
		return;
	*once = 1;
	b->cuts = xrealloc(b->cuts, (b->ncuts + 1) * sizeof(*b->cuts));
	c = &b->cuts[b->ncuts++];
	c->file = xstrdup(b->name);
	c->line = line;
	c->what = xstrdup(what);
}

struct runbook_entry *runbook_new_entry(struct runbook_build *b, enum entry_type type,
					const char *title, int line)
{
	struct runbook_entry *e;

	if (b->n >= RUNBOOK_MAX_ENTRIES) {
		runbook_build_cut(b, &b->cut_entries, line,
				  "more than 10000 symptoms and sections: this one and the rest of "
				  "the file are not loaded");
		return NULL;
	}
	b->entries = xrealloc(b->entries, (b->n + 1) * sizeof(*b->entries));
	e = &b->entries[b->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->title = xstrdup(title);
	e->file = xstrdup(b->name);
	e->line = line;
	return e;
}

void runbook_scope_clear_pending(struct runbook_scope *sc)
{
	if (sc->has_pending)
		runbook_annot_free(&sc->pending);
	sc->has_pending = 0;
}

static void runbook_scope_open(struct runbook_scope *sc, const char *title, int line, size_t start,
			       size_t end)
{
	memset(sc, 0, sizeof(*sc));
	sc->active = 1;
	sc->entry = -1;
	sc->title = xstrdup(title);
	sc->line = line;
	sc->start = start;
	sc->end = end;
	runbook_annot_init(&sc->pending);
}

static void runbook_scope_heading(struct runbook_scope *sc, int level, const char *text)
{
	while (sc->depth > 0 && sc->stack[sc->depth - 1].level >= level)
		free(sc->stack[--sc->depth].text);
	if (sc->depth < (int)(sizeof(sc->stack) / sizeof(sc->stack[0]))) {
		sc->stack[sc->depth].level = level;
		sc->stack[sc->depth].text = xstrdup(text);
		sc->depth++;
	}
	free(sc->caption);
	sc->caption = NULL;
	runbook_scope_clear_pending(sc);
}

/* Plain-text rendering of reference sections. */
static void runbook_render(struct strbuf *sb, cmark_node *n, const char *first, const char *rest,
			   int depth);

static void runbook_render_lines(struct strbuf *sb, const char *text, const char *first,
				 const char *rest, const char *extra)
{
	const char *p = text;
	int line = 0;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		strbuf_puts(sb, line == 0 ? first : rest);
		strbuf_puts(sb, extra);
		strbuf_append(sb, p, n);
		strbuf_putc(sb, '\n');
		line++;
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void runbook_render_children(struct strbuf *sb, cmark_node *n, const char *first,
				    const char *rest, int depth)
{
	cmark_node *c;
	int i = 0;

	for (c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c), i++)
		runbook_render(sb, c, i == 0 ? first : rest, rest, depth + 1);
}

static void runbook_render(struct strbuf *sb, cmark_node *n, const char *first, const char *rest,
			   int depth)
{
	char *t;

	if (depth > RUNBOOK_RENDER_DEPTH)
		return;
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HEADING:
		if (sb->len > 0)
			strbuf_putc(sb, '\n');
		t = runbook_inline_text(n);
		runbook_render_lines(sb, t, first, rest, "");
		free(t);
		break;
	case CMARK_NODE_PARAGRAPH: {
		struct strbuf lines = { 0 };
		cmark_iter *it = cmark_iter_new(n);
		cmark_event_type ev;

		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *c = cmark_iter_get_node(it);
			cmark_node_type ty = cmark_node_get_type(c);

			if (ev != CMARK_EVENT_ENTER)
				continue;
			if (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE)
				strbuf_puts(&lines, cmark_node_get_literal(c));
			else if (ty == CMARK_NODE_SOFTBREAK || ty == CMARK_NODE_LINEBREAK)
				strbuf_putc(&lines, '\n');
		}
		cmark_iter_free(it);
		if (lines.len > 0)
			runbook_render_lines(sb, lines.buf, first, rest, "");
		strbuf_free(&lines);
		break;
	}
	case CMARK_NODE_CODE_BLOCK:
		runbook_render_lines(sb, cmark_node_get_literal(n), first, rest, "    ");
		break;
	case CMARK_NODE_LIST: {
		cmark_node *item;
		int num = cmark_node_get_list_start(n);
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		char delim = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM ? ')' : '.';
		int i = 0;

		for (item = cmark_node_first_child(n); item != NULL; item = cmark_node_next(item)) {
			char *f, *r;

			if (ordered)
				f = xasprintf("%s%d%c ", i == 0 ? first : rest, num + i, delim);
			else
				f = xasprintf("%s- ", i == 0 ? first : rest);
			r = xasprintf("%s%*s", rest, ordered ? 3 : 2, "");
			runbook_render_children(sb, item, f, r, depth + 1);
			free(f);
			free(r);
			i++;
		}
		break;
	}
	case CMARK_NODE_BLOCK_QUOTE: {
		char *f = xasprintf("%s> ", first);
		char *r = xasprintf("%s> ", rest);

		runbook_render_children(sb, n, f, r, depth);
		free(f);
		free(r);
		break;
	}
	case CMARK_NODE_THEMATIC_BREAK:
		runbook_render_lines(sb, "----", first, rest, "");
		break;
	default:
		break;
	}
}
static int runbook_is_caption(cmark_node *p)
{
	cmark_node *c = cmark_node_first_child(p);

	return c != NULL && cmark_node_next(c) == NULL &&
	       cmark_node_get_type(c) == CMARK_NODE_STRONG;
}

static void runbook_item(struct runbook_build *b, struct runbook_scope *sc, cmark_node *item)
{
	struct runbook_entry *e = &b->entries[sc->entry];
	struct strbuf sb = { 0 };
	cmark_node *c;
	char *t;

	for (c = cmark_node_first_child(item); c != NULL; c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) != CMARK_NODE_PARAGRAPH)
			continue;
		t = runbook_inline_text(c);
		if (sb.len > 0)
			strbuf_putc(&sb, ' ');
		strbuf_puts(&sb, t);
		free(t);
	}
	t = runbook_trim_dup(sb.buf != NULL ? sb.buf : "", sb.len);
	strbuf_free(&sb);
	if (*t == '\0') {
		free(t);
		return;
	}
	runbook_push_str(&e->symptoms, &e->nsymptoms, t);
}

/* Add the names of from[0..nfrom) not yet in *arr. */
static void runbook_merge_names(char ***arr, size_t *n, char *const *from, size_t nfrom)
{
	size_t i, j;

	for (i = 0; i < nfrom; i++) {
		for (j = 0; j < *n && strcmp((*arr)[j], from[i]) != 0; j++)
			;
		if (j == *n)
			runbook_push_str(arr, n, xstrdup(from[i]));
	}
}

/* Record an annotation's alert names and finding kinds on the scope's
 * entry (or keep them for the entry a lazy scope creates at its first
 * runnable block). */
static void runbook_scope_alerts(struct runbook_build *b, struct runbook_scope *sc,
				 const struct runbook_annot *a)
{
	if (sc->entry >= 0) {
		struct runbook_entry *e = &b->entries[sc->entry];

		runbook_merge_names(&e->alerts, &e->nalerts, a->alerts, a->nalerts);
		runbook_merge_names(&e->findings, &e->nfindings, a->findings, a->nfindings);
	} else {
		runbook_merge_names(&sc->alerts, &sc->nalerts, a->alerts, a->nalerts);
		runbook_merge_names(&sc->findings, &sc->nfindings, a->findings, a->nfindings);
	}
}

/* Visit one top-level block that is not a section heading. */
static void runbook_visit(struct runbook_build *b, struct runbook_scope *sc, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	int in_symptoms = sc->symptom && sc->entry >= 0 && sc->depth > 0 &&
			  runbook_is_symptoms_heading(sc->stack[sc->depth - 1].text);

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_CODE_BLOCK:
			runbook_code_block(b, sc, n);
			runbook_scope_clear_pending(sc);
			break;
		case CMARK_NODE_HTML_BLOCK: {
			struct runbook_annot a;

			runbook_annot_init(&a);
			if (runbook_annot_html(&a, cmark_node_get_literal(n))) {
				runbook_scope_alerts(b, sc, &a);
				if (!sc->has_pending)
					runbook_annot_init(&sc->pending);
				runbook_annot_merge(&sc->pending, &a);
				sc->has_pending = 1;
			} else {
				runbook_scope_clear_pending(sc);
			}
			runbook_annot_free(&a);
			break;
		}
		case CMARK_NODE_PARAGRAPH:
			if (runbook_is_caption(n)) {
				free(sc->caption);
				sc->caption = runbook_inline_text(n);
			} else {
				runbook_scope_clear_pending(sc);
			}
			break;
		case CMARK_NODE_HEADING:
		case CMARK_NODE_THEMATIC_BREAK:
			runbook_scope_clear_pending(sc);
			break;
		case CMARK_NODE_ITEM:
			if (in_symptoms)
				runbook_item(b, sc, n);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static void runbook_scope_close(struct runbook_build *b, struct runbook_scope *sc,
				cmark_node **tops)
{
	int i;

	if (!sc->active)
		return;
	if (sc->entry < 0 && sc->reference) {
		struct strbuf sb = { 0 };
		struct runbook_entry *e;
		size_t k;

		for (k = sc->start + 1; k < sc->end; k++) {
			if (sb.len > 0 && cmark_node_get_type(tops[k]) != CMARK_NODE_HEADING &&
			    cmark_node_get_type(tops[k - 1]) != CMARK_NODE_HEADING)
				strbuf_putc(&sb, '\n');
			runbook_render(&sb, tops[k], "", "", 0);
		}
		e = runbook_new_entry(b, ENTRY_REFERENCE, sc->title, sc->line);
		while (e != NULL && sb.len > 0 && sb.buf[sb.len - 1] == '\n')
			sb.buf[--sb.len] = '\0';
		if (e != NULL)
			e->text = strbuf_detach(&sb);
		strbuf_free(&sb);
	}
	for (i = 0; i < sc->depth; i++)
		free(sc->stack[i].text);
	free(sc->caption);
	free(sc->title);
	strv_free(sc->alerts, sc->nalerts);
	strv_free(sc->findings, sc->nfindings);
	sc->alerts = sc->findings = NULL;
	sc->nalerts = sc->nfindings = 0;
	runbook_scope_clear_pending(sc);
	sc->active = 0;
}

static const char *runbook_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The document's top-level nodes: each one's heading level (0 for no
 * heading), where a heading's section ends, and which headings are
 * symptoms. */
struct runbook_tops {
	cmark_node **node;
	int *level;
	int *symptom;
	size_t *end;
	size_t n;
	int section; /* the heading level of the document's sections */
};

static void runbook_tops_scan(struct runbook_tops *tp, cmark_node *doc)
{
	int h1s = 0, first_h = 0, other_min = 7, all_min = 7;
	cmark_node *c;
	size_t i;

	for (c = cmark_node_first_child(doc); c != NULL; c = cmark_node_next(c))
		tp->n++;
	tp->node = xcalloc(tp->n + 1, sizeof(*tp->node));
	tp->level = xcalloc(tp->n + 1, sizeof(*tp->level));
	tp->symptom = xcalloc(tp->n + 1, sizeof(*tp->symptom));
	tp->end = xcalloc(tp->n + 1, sizeof(*tp->end));
	for (i = 0, c = cmark_node_first_child(doc); c != NULL; c = cmark_node_next(c), i++) {
		tp->node[i] = c;
		if (cmark_node_get_type(c) == CMARK_NODE_HEADING) {
			tp->level[i] = cmark_node_get_heading_level(c);
			if (tp->level[i] == 1)
				h1s++;
			if (first_h == 0)
				first_h = tp->level[i];
			else if (tp->level[i] < other_min)
				other_min = tp->level[i];
			if (tp->level[i] < all_min)
				all_min = tp->level[i];
		}
	}
	tp->section = h1s == 1 && first_h == 1 ? other_min : all_min;
}

/* Section ends, and symptoms: a direct sub-heading is "Symptoms" or
 * "Diagnostic..." */
static void runbook_tops_symptoms(struct runbook_tops *tp)
{
	size_t i, j;

	for (i = 0; i < tp->n; i++) {
		int sub = 7;

		if (tp->level[i] == 0)
			continue;
		for (j = i + 1; j < tp->n && (tp->level[j] == 0 || tp->level[j] > tp->level[i]);
		     j++)
			if (tp->level[j] > 0 && tp->level[j] < sub)
				sub = tp->level[j];
		tp->end[i] = j;
		for (j = i + 1; j < tp->end[i]; j++) {
			char *t;

			if (tp->level[j] != sub)
				continue;
			t = runbook_inline_text(tp->node[j]);
			if (runbook_is_symptoms_heading(t) || runbook_istarts(t, "diagnostic"))
				tp->symptom[i] = 1;
			free(t);
			if (tp->symptom[i])
				break;
		}
	}
}

static void runbook_tops_free(struct runbook_tops *tp)
{
	free(tp->node);
	free(tp->level);
	free(tp->symptom);
	free(tp->end);
}

/* Walk the top-level nodes into entries: symptoms, sections and what
 * comes before the first section each have their scope. */
static void runbook_walk_tops(struct runbook_build *b, const struct runbook_tops *tp)
{
	cmark_node **tops = tp->node;
	struct runbook_scope sym, sec, pre;
	size_t i, j;

	memset(&sym, 0, sizeof(sym));
	memset(&sec, 0, sizeof(sec));
	runbook_scope_open(&pre, runbook_basename(b->name), 1, 0, tp->n);
	pre.lazy = 1;
	for (i = 0; i < tp->n; i++) {
		struct runbook_scope *cur;
		char *t;

		if (sym.active && i >= sym.end)
			runbook_scope_close(b, &sym, tops);
		if (sec.active && i >= sec.end)
			runbook_scope_close(b, &sec, tops);
		if (tp->level[i] == 0) {
			cur = sym.active ? &sym : sec.active ? &sec : &pre;
			runbook_visit(b, cur, tops[i]);
			continue;
		}
		t = runbook_heading_title(tops[i]);
		if (!sym.active && tp->symptom[i]) {
			runbook_scope_open(&sym, t, cmark_node_get_start_line(tops[i]), i,
					   tp->end[i]);
			sym.symptom = 1;
			if (runbook_new_entry(b, ENTRY_SYMPTOM, t, sym.line) != NULL)
				sym.entry = (long)b->n - 1;
		} else if (!sym.active && tp->level[i] == tp->section) {
			int holds_symptom = 0;

			runbook_scope_close(b, &sec, tops);
			for (j = i + 1; j < tp->end[i]; j++)
				if (tp->symptom[j])
					holds_symptom = 1;
			runbook_scope_open(&sec, t, cmark_node_get_start_line(tops[i]), i,
					   tp->end[i]);
			sec.lazy = 1;
			sec.reference = !holds_symptom;
		} else if (!sym.active && !sec.active && tp->level[i] < tp->section) {
			free(pre.title);
			pre.title = xstrdup(t);
			pre.line = cmark_node_get_start_line(tops[i]);
		} else {
			cur = sym.active ? &sym : sec.active ? &sec : &pre;
			runbook_scope_heading(cur, tp->level[i], t);
		}
		free(t);
	}
	runbook_scope_close(b, &sym, tops);
	runbook_scope_close(b, &sec, tops);
	runbook_scope_close(b, &pre, tops);
}

int runbook_parse(struct runbook_set *set, const char *name, const char *text, size_t len,
		  char *err, size_t errlen)
{
	struct runbook_tops tp = { 0 };
	struct runbook_build b = { 0 };
	cmark_node *doc;
	size_t i;

	if (name == NULL)
		name = "";
	doc = cmark_parse_document(text != NULL ? text : "", text != NULL ? len : 0,
				   CMARK_OPT_VALIDATE_UTF8);
	if (doc == NULL) {
		snprintf(err, errlen, "%s: cannot parse Markdown", name);
		return -1;
	}
	runbook_tops_scan(&tp, doc);
	runbook_tops_symptoms(&tp);
	b.name = name;
	runbook_walk_tops(&b, &tp);
	runbook_tops_free(&tp);
	cmark_node_free(doc);

	for (i = 0; i < b.n; i++)
		runbook_guide_lint(&b.entries[i]);
	if (b.n > 0) {
		set->entries =
			xrealloc(set->entries, (set->nentries + b.n) * sizeof(*set->entries));
		memcpy(set->entries + set->nentries, b.entries, b.n * sizeof(*b.entries));
		set->nentries += b.n;
	}
	if (b.ncuts > 0) {
		set->cuts = xrealloc(set->cuts, (set->ncuts + b.ncuts) * sizeof(*set->cuts));
		memcpy(set->cuts + set->ncuts, b.cuts, b.ncuts * sizeof(*b.cuts));
		set->ncuts += b.ncuts;
	}
	free(b.cuts);
	free(b.entries);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

int runbook_load_file(struct runbook_set *set, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[65536];
	size_t n;
	struct stat stt;
	int rc;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &stt) == 0 && S_ISDIR(stt.st_mode)) {
		fclose(f);
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > RUNBOOK_MAX_FILE) {
			fclose(f);
			strbuf_free(&sb);
			snprintf(err, errlen, "%s: %s (over 4 MiB)", path, strerror(EFBIG));
			return -1;
		}
		strbuf_append(&sb, buf, n);
	}
	if (ferror(f)) {
		int e = errno != 0 ? errno : EIO;

		fclose(f);
		strbuf_free(&sb);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -1;
	}
	fclose(f);
	rc = runbook_parse(set, path, sb.buf != NULL ? sb.buf : "", sb.len, err, errlen);
	strbuf_free(&sb);
	return rc;
}

static int runbook_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int runbook_load_dir(struct runbook_set *set, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int loaded = 0, failed = 0;

	if (errlen > 0)
		err[0] = '\0';
	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 4 || strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		runbook_push_str(&names, &n, xstrdup(de->d_name));
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), runbook_cmp_names);
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char e[512];

		if (runbook_load_file(set, path, e, sizeof(e)) == 0) {
			loaded++;
		} else if (!failed) {
			failed = 1;
			snprintf(err, errlen, "%s", e);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return loaded;
}

/* ------------------------------------------------------------------ */
/* Queries and output                                                  */

int runbook_entry_matches(const struct runbook_entry *e, const char *filter)
{
	const char *p = filter != NULL ? filter : "";

	for (;;) {
		char word[256];
		size_t n = 0;
		size_t i;
		int hit;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 1;
		while (*p != '\0' && !isspace((unsigned char)*p)) {
			if (n < sizeof(word) - 1)
				word[n++] = *p;
			p++;
		}
		word[n] = '\0';
		hit = e->title != NULL && runbook_icontains(e->title, word);
		for (i = 0; !hit && i < e->nsymptoms; i++)
			hit = runbook_icontains(e->symptoms[i], word);
		if (!hit)
			return 0;
	}
}

/* The first symptom or procedure of set whose findings (or else alerts)
 * list holds name. */
static const struct runbook_entry *runbook_first_naming(const struct runbook_set *set,
							const char *name, int findings)
{
	size_t i, j;

	for (i = 0; set != NULL && name != NULL && i < set->nentries; i++) {
		const struct runbook_entry *e = &set->entries[i];
		char *const *v = findings ? e->findings : e->alerts;
		size_t n = findings ? e->nfindings : e->nalerts;

		if (e->type == ENTRY_REFERENCE)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(v[j], name) == 0)
				return e;
	}
	return NULL;
}

const struct runbook_entry *runbook_for_finding(const struct runbook_set *set, const char *kind)
{
	return runbook_first_naming(set, kind, 1);
}

const struct runbook_entry *runbook_for_alert(const struct runbook_set *set, const char *name)
{
	return runbook_first_naming(set, name, 0);
}

/* obj's key: the n strings of v as a JSON array. */
static void runbook_json_strv(cJSON *obj, const char *key, char *const *v, size_t n)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, key);
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
}

char *runbook_dump_json(const struct runbook_set *set)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "runbooks");
	size_t i, j, k;
	char *out;

	for (i = 0; set != NULL && i < set->nentries; i++) {
		const struct runbook_entry *e = &set->entries[i];
		cJSON *je, *steps;

		if (e->type == ENTRY_REFERENCE)
			continue;
		je = cJSON_CreateObject();
		cJSON_AddStringToObject(je, "title", e->title);
		cJSON_AddStringToObject(je, "type", runbook_type_name(e->type));
		cJSON_AddStringToObject(je, "file", e->file);
		cJSON_AddNumberToObject(je, "line", e->line);
		runbook_json_strv(je, "symptoms", e->symptoms, e->nsymptoms);
		runbook_json_strv(je, "alerts", e->alerts, e->nalerts);
		runbook_json_strv(je, "findings", e->findings, e->nfindings);
		steps = cJSON_AddArrayToObject(je, "steps");
		for (j = 0; j < e->nsteps; j++) {
			const struct step *st = &e->steps[j];
			cJSON *js = cJSON_CreateObject();
			cJSON *ph;

			cJSON_AddStringToObject(js, "title", st->title);
			cJSON_AddStringToObject(js, "kind", runbook_kind_name(st->kind));
			cJSON_AddStringToObject(js, "command", st->command);
			cJSON_AddStringToObject(js, "group", st->group);
			cJSON_AddStringToObject(js, "phase", runbook_phase_name(st->phase));
			cJSON_AddBoolToObject(js, "changing", st->changing);
			cJSON_AddBoolToObject(js, "destructive", st->destructive);
			if (st->target != NULL)
				cJSON_AddStringToObject(js, "target", st->target);
			cJSON_AddBoolToObject(js, "interactive", st->interactive);
			cJSON_AddNumberToObject(js, "line", st->line);
			ph = cJSON_AddArrayToObject(js, "placeholders");
			for (k = 0; k < st->nplaceholders; k++)
				cJSON_AddItemToArray(ph,
						     cJSON_CreateString(st->placeholders[k].token));
			runbook_json_strv(js, "captures", st->captures, st->ncaptures);
			runbook_json_strv(js, "expects", st->expects, st->nexpects);
			if (st->next_on_ok != NULL)
				cJSON_AddStringToObject(js, "next_on_ok", st->next_on_ok);
			if (st->next_on_fail != NULL)
				cJSON_AddStringToObject(js, "next_on_fail", st->next_on_fail);
			runbook_json_strv(js, "warnings", st->warnings, st->nwarnings);
			cJSON_AddItemToArray(steps, js);
		}
		cJSON_AddItemToArray(arr, je);
	}
	out = cJSON_Print(root);
	cJSON_Delete(root);
	if (out == NULL)
		util_die("out of memory (JSON)");
	return out;
}
