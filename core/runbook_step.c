/*
 * runbook_step.c - cutting a runbook code block into steps (see
 * runbook.h): lines are split at blank lines at the top level of the
 * block's lexical rules (runbook_scan.c), comment titles and annotations
 * are taken off each chunk, and every step gets its kind, phase, group,
 * flags and placeholders. Called by the parser (runbook.c); any thread.
 */
#include "core/runbook.h"

#include <cmark.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lint.h"
#include "core/runbook_int.h"
#include "core/safety.h"
#include "lib/util.h"

/* Split a code block's literal into steps and append them to e. */
struct runbook_line {
	const char *s;
	size_t n;
	int top; /* starts a new command (not inside quotes etc.) */
	int blank;
};

struct runbook_block {
	struct runbook_build *b;
	struct runbook_scope *sc;
	struct runbook_entry *e;
	enum step_kind kind;
	const char *lang;
	const char *group;
	const struct runbook_annot *annot;
	int script;
};

static int runbook_line_blank(const struct runbook_line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!isspace((unsigned char)l->s[i]))
			return 0;
	return 1;
}

/* A title comment line: the marker at column 0 (not "#!"). */
static int runbook_title_line(enum step_kind kind, const struct runbook_line *l)
{
	if (kind == STEP_SQL)
		return l->n >= 2 && l->s[0] == '-' && l->s[1] == '-';
	return l->n >= 1 && l->s[0] == '#' && !(l->n >= 2 && l->s[1] == '!');
}

/* The text of a comment line without its marker; NULL if not a comment. */
static const char *runbook_comment_body(enum step_kind kind, const struct runbook_line *l,
					size_t *len)
{
	size_t i = 0;

	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	if (kind == STEP_SQL) {
		if (i + 1 >= l->n || l->s[i] != '-' || l->s[i + 1] != '-')
			return NULL;
		while (i < l->n && l->s[i] == '-')
			i++;
	} else {
		if (i >= l->n || l->s[i] != '#')
			return NULL;
		while (i < l->n && l->s[i] == '#')
			i++;
	}
	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	*len = l->n - i;
	while (*len > 0 && isspace((unsigned char)l->s[i + *len - 1]))
		(*len)--;
	return l->s + i;
}

/* 1 if l is an "# amconsole: ..." line; parses it into a. */
static int runbook_annot_line(enum step_kind kind, const struct runbook_line *l,
			      struct runbook_annot *a)
{
	size_t len;
	const char *body = runbook_comment_body(kind, l, &len);

	if (body == NULL || len < 10 || strncasecmp(body, "amconsole:", 10) != 0)
		return 0;
	if (a != NULL)
		runbook_annot_parse(a, body + 10, len - 10);
	return 1;
}

static void runbook_title_add(struct strbuf *title, enum step_kind kind,
			      const struct runbook_line *l)
{
	size_t len;
	const char *body = runbook_comment_body(kind, l, &len);

	if (body == NULL || len == 0)
		return;
	if (title->len > 0)
		strbuf_puts(title, " \xe2\x80\x94 ");
	strbuf_append(title, body, len);
}

static void runbook_emit_step(struct runbook_block *bk, const char *title,
			      const struct runbook_line *lines, size_t from, size_t to, int line,
			      const struct runbook_annot *chunk)
{
	struct runbook_entry *e = bk->e;
	struct runbook_annot a;
	struct safety_verdict v;
	struct strbuf cmd = { 0 };
	struct step *st;
	int phase = -1;
	size_t i;
	int d;

	for (i = from; i < to; i++) {
		if (runbook_annot_line(bk->kind, &lines[i], NULL))
			continue;
		if (cmd.len > 0)
			strbuf_putc(&cmd, '\n');
		strbuf_append(&cmd, lines[i].s, lines[i].n);
	}
	while (cmd.len > 0 && isspace((unsigned char)cmd.buf[cmd.len - 1]))
		cmd.buf[--cmd.len] = '\0';
	if (cmd.len > 0 && bk->b->nsteps >= RUNBOOK_MAX_STEPS)
		runbook_build_cut(bk->b, &bk->b->cut_steps, line,
				  "more than 10000 steps in the file: this step and the ones after "
				  "it are not loaded");
	if (cmd.len == 0 || bk->b->nsteps >= RUNBOOK_MAX_STEPS) {
		strbuf_free(&cmd);
		return;
	}
	bk->b->nsteps++;
	e->steps = xrealloc(e->steps, (e->nsteps + 1) * sizeof(*e->steps));
	st = &e->steps[e->nsteps++];
	memset(st, 0, sizeof(*st));
	st->title = xstrdup(title);
	st->command = strbuf_detach(&cmd);
	st->group = xstrdup(bk->group);
	st->lang = xstrdup(bk->lang);
	st->kind = bk->kind;
	st->script = bk->script;
	st->line = line;

	safety_classify(st->kind, st->command, &v);
	st->changing = v.changing;
	st->destructive = v.destructive;
	st->interactive = v.interactive;
	st->target = v.target;
	st->change_why = v.why;

	runbook_annot_init(&a);
	runbook_annot_merge(&a, bk->annot);
	if (chunk != NULL)
		runbook_annot_merge(&a, chunk);
	if (a.destructive == 1 && st->change_why == NULL)
		st->change_why = xstrdup("annotated as destructive");
	if (a.changing == 0) {
		st->changing = st->destructive = 0;
		free(st->target);
		free(st->change_why);
		st->target = st->change_why = NULL;
	} else if (a.changing == 1 && !st->changing) {
		st->changing = 1;
		if (st->change_why == NULL)
			st->change_why = xstrdup("annotated as changing");
	}
	if (a.destructive == 1)
		st->changing = st->destructive = 1;
	else if (a.destructive == 0 && st->destructive) {
		st->destructive = 0;
		free(st->target);
		st->target = NULL;
	}
	if (st->destructive && a.target != NULL) {
		free(st->target);
		st->target = xstrdup(a.target);
	}
	if (st->destructive && st->target == NULL)
		st->target = runbook_first_word(st->kind, st->command);
	if (a.interactive >= 0)
		st->interactive = a.interactive;
	if (a.confirm) {
		st->confirm_note = 1;
		if (a.confirm_text != NULL)
			st->confirm_text = xstrdup(a.confirm_text);
	}
	if (a.timeout >= 0)
		st->timeout = a.timeout;
	for (i = 0; i < a.ncaptures; i++)
		runbook_push_str(&st->captures, &st->ncaptures, xstrdup(a.captures[i]));
	for (i = 0; i < a.nexpects; i++)
		runbook_push_str(&st->expects, &st->nexpects, xstrdup(a.expects[i]));
	if (a.next_ok != NULL)
		st->next_on_ok = xstrdup(a.next_ok);
	if (a.next_fail != NULL)
		st->next_on_fail = xstrdup(a.next_fail);

	runbook_find_placeholders(st);

	for (d = bk->sc->depth - 1; d >= 0 && phase < 0; d--)
		phase = runbook_heading_phase(bk->sc->stack[d].text);
	if (phase < 0)
		phase = runbook_heading_phase(bk->sc->title);
	if (phase < 0)
		phase = st->changing ? PHASE_REMEDY : PHASE_DIAGNOSIS;
	st->phase = (enum step_phase)phase;

	lint_step(st);
	for (i = 0; i < a.nerrors; i++)
		runbook_push_str(&st->warnings, &st->nwarnings, xstrdup(a.errors[i]));
	runbook_annot_free(&a);
}

/* Take the comment lines leading lines[i..end) (and blank lines too,
 * when blank_ok) into title, or into a when they are annotations.
 * Returns the index of the first line after them. */
static size_t runbook_chunk_head(const struct runbook_block *bk, const struct runbook_line *lines,
				 size_t i, size_t end, int blank_ok, struct strbuf *title,
				 struct runbook_annot *a)
{
	while (i < end &&
	       ((blank_ok && lines[i].blank) || runbook_title_line(bk->kind, &lines[i]))) {
		if (!lines[i].blank && !runbook_annot_line(bk->kind, &lines[i], a))
			runbook_title_add(title, bk->kind, &lines[i]);
		i++;
	}
	return i;
}

/* One step from the whole block: leading comments title it. */
static void runbook_block_single(struct runbook_block *bk, const struct runbook_line *lines,
				 size_t n, int first_line)
{
	struct strbuf title = { 0 };
	struct runbook_annot chunk;
	size_t i;

	runbook_annot_init(&chunk);
	i = runbook_chunk_head(bk, lines, 0, n, 1, &title, &chunk);
	runbook_emit_step(bk, title.buf != NULL ? title.buf : "", lines, i, n, first_line + (int)i,
			  &chunk);
	runbook_annot_free(&chunk);
	strbuf_free(&title);
}

/* A step per chunk between blank lines at the top level; the comments
 * of a chunk without code title the next one. */
static void runbook_block_chunks(struct runbook_block *bk, const struct runbook_line *lines,
				 size_t n, int first_line)
{
	struct strbuf title = { 0 };
	struct runbook_annot chunk;
	size_t i = 0;

	runbook_annot_init(&chunk);
	while (i < n) {
		size_t end, j;

		if (lines[i].blank && lines[i].top) {
			i++;
			continue;
		}
		end = i + 1;
		while (end < n && !(lines[end].blank && lines[end].top))
			end++;
		j = runbook_chunk_head(bk, lines, i, end, 0, &title, &chunk);
		if (j < end) {
			runbook_emit_step(bk, title.buf != NULL ? title.buf : "", lines, j, end,
					  first_line + (int)j, &chunk);
			strbuf_reset(&title);
			runbook_annot_free(&chunk);
		}
		i = end;
	}
	runbook_annot_free(&chunk);
	strbuf_free(&title);
}

void runbook_code_block(struct runbook_build *b, struct runbook_scope *sc, cmark_node *n)
{
	const char *info = cmark_node_get_fence_info(n);
	const char *lit = cmark_node_get_literal(n);
	char lang[33];
	size_t ln = 0, i, nlines = 0, cap = 0, len;
	int kind;
	struct runbook_line *lines = NULL;
	unsigned char *ctx;
	struct runbook_block bk;
	struct runbook_annot none;

	if (info == NULL)
		info = "";
	while (*info == ' ' || *info == '\t')
		info++;
	while (info[ln] != '\0' && !isspace((unsigned char)info[ln]) && info[ln] != '{' &&
	       ln < sizeof(lang) - 1) {
		lang[ln] = (char)tolower((unsigned char)info[ln]);
		ln++;
	}
	lang[ln] = '\0';
	kind = runbook_kind_of(lang);
	if (kind < 0)
		return;
	if (sc->entry < 0) {
		if (!sc->lazy)
			return;
		if (runbook_new_entry(b, ENTRY_PROCEDURE, sc->title, sc->line) == NULL)
			return;
		sc->entry = (long)b->n - 1;
		b->entries[sc->entry].alerts = sc->alerts;
		b->entries[sc->entry].nalerts = sc->nalerts;
		b->entries[sc->entry].findings = sc->findings;
		b->entries[sc->entry].nfindings = sc->nfindings;
		sc->alerts = sc->findings = NULL;
		sc->nalerts = sc->nfindings = 0;
	}
	if (lit == NULL)
		lit = "";
	len = strlen(lit);
	ctx = runbook_scan((enum step_kind)kind, lit, len);
	for (i = 0; i < len;) {
		size_t e = i;

		while (e < len && lit[e] != '\n')
			e++;
		if (nlines == cap) {
			cap = cap ? cap * 2 : 64;
			lines = xrealloc(lines, cap * sizeof(*lines));
		}
		lines[nlines].s = lit + i;
		lines[nlines].n = e - i;
		if (lines[nlines].n > 0 && lines[nlines].s[lines[nlines].n - 1] == '\r')
			lines[nlines].n--;
		lines[nlines].top = i == 0 || ctx[i - 1] == RB_CODE || ctx[i - 1] == RB_COMMENT;
		lines[nlines].blank = runbook_line_blank(&lines[nlines]);
		nlines++;
		i = e + 1;
	}
	free(ctx);

	memset(&bk, 0, sizeof(bk));
	bk.b = b;
	bk.sc = sc;
	bk.e = &b->entries[sc->entry];
	bk.kind = (enum step_kind)kind;
	bk.lang = lang;
	bk.group = sc->caption != NULL ? sc->caption
		   : sc->depth > 0     ? sc->stack[sc->depth - 1].text
				       : "";
	runbook_annot_init(&none);
	bk.annot = sc->has_pending ? &sc->pending : &none;
	if (kind != STEP_SQL)
		for (i = 0; i < nlines; i++)
			if (lines[i].n >= 2 && lines[i].s[0] == '#' && lines[i].s[1] == '!')
				bk.script = 1;
	if (bk.script || kind == STEP_YAML)
		runbook_block_single(&bk, lines, nlines, cmark_node_get_start_line(n) + 1);
	else
		runbook_block_chunks(&bk, lines, nlines, cmark_node_get_start_line(n) + 1);
	free(lines);
	runbook_scope_clear_pending(sc);
}
