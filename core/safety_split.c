/*
 * safety_split.c - shell text split into simple commands the way a shell
 * would (see safety.h, safety_each_command): quotes removed,
 * continuations joined, $(...), backquotes and here-documents followed,
 * comments already blanked by the runbook scanner. The judges in
 * safety.c look at each command's words. Pure functions, any thread.
 */
#include "core/safety.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/safety_int.h"
#include "lib/util.h"

/* ------------------------------------------------------------------ */
/* Splitting shell text into simple commands                           */

struct safety_split {
	void (*fn)(const struct safety_simple *sc, void *arg);
	void *arg;
	int depth;
	struct safety_simple sc;
	struct strbuf word;
	int inword;
	char redir[4];      /* operator waiting for its target word */
	struct strbuf body; /* the current command's last here-document */
	int hd_pending;     /* bodies to skip at the end of this line */
	size_t hd_line_end; /* the newline after which the bodies start */
	size_t hd_resume;   /* the newline ending the last delimiter line */
};

static void safety_split_text(const char *t, size_t n,
			      void (*fn)(const struct safety_simple *, void *), void *arg,
			      int depth);

static void safety_push(char ***arr, size_t *n, char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = s;
}

static void safety_end_word(struct safety_split *sp)
{
	char *w;

	if (!sp->inword)
		return;
	w = strbuf_detach(&sp->word);
	if (sp->redir[0] != '\0') {
		char *r = xasprintf("%s%s", sp->redir, w);

		free(w);
		safety_push(&sp->sc.redirs, &sp->sc.nredirs, r);
		sp->redir[0] = '\0';
	} else {
		safety_push(&sp->sc.words, &sp->sc.nwords, w);
	}
	sp->inword = 0;
}

static void safety_end_cmd(struct safety_split *sp)
{
	size_t i;

	safety_end_word(sp);
	sp->redir[0] = '\0';
	if (sp->sc.nwords > 0 || sp->sc.nredirs > 0) {
		sp->sc.heredoc = sp->body.buf;
		sp->fn(&sp->sc, sp->arg);
	}
	for (i = 0; i < sp->sc.nwords; i++)
		free(sp->sc.words[i]);
	for (i = 0; i < sp->sc.nredirs; i++)
		free(sp->sc.redirs[i]);
	free(sp->sc.words);
	free(sp->sc.redirs);
	memset(&sp->sc, 0, sizeof(sp->sc));
	strbuf_free(&sp->body);
}

/* Index of the ')' closing the '(' at t[open], or n. */
static size_t safety_close_paren(const char *t, size_t n, size_t open)
{
	int depth = 0;
	size_t j;

	for (j = open; j < n; j++) {
		char c = t[j];

		if (c == '\\') {
			j++;
		} else if (c == '\'' || c == '"') {
			size_t k = j + 1;

			while (k < n && t[k] != c) {
				if (c == '"' && t[k] == '\\')
					k++;
				k++;
			}
			j = k;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return j;
		}
	}
	return n;
}

/* A nested $(...) or `...` at t[s..e): report its commands, keep its
 * raw text in the current word. */
static void safety_nested(struct safety_split *sp, const char *t, size_t s, size_t e, size_t raw_s,
			  size_t raw_e)
{
	if (sp->depth < SAFETY_MAX_DEPTH && e > s)
		safety_split_text(t + s, e - s, sp->fn, sp->arg, sp->depth + 1);
	strbuf_append(&sp->word, t + raw_s, raw_e - raw_s);
	sp->inword = 1;
}

/* The here-document operator at t[i] ("<<" or "<<-"): reads its body
 * (the lines after the current one, up to the delimiter) into the current
 * command and returns the index after the delimiter word. */
static size_t safety_heredoc_op(struct safety_split *sp, const char *t, size_t n, size_t i)
{
	size_t j = i + 2, k;
	struct strbuf d = { 0 };
	int strip = 0;

	if (j < n && t[j] == '-') {
		strip = 1;
		j++;
	}
	while (j < n && (t[j] == ' ' || t[j] == '\t'))
		j++;
	while (j < n && !isspace((unsigned char)t[j]) && strchr(";&|()<>", t[j]) == NULL) {
		if (t[j] != '\'' && t[j] != '"' && t[j] != '\\')
			strbuf_putc(&d, t[j]);
		j++;
	}
	if (d.len == 0) {
		strbuf_free(&d);
		return j;
	}
	safety_push(&sp->sc.redirs, &sp->sc.nredirs, xasprintf("<<%s", d.buf));
	if (!sp->hd_pending) {
		const char *nl = memchr(t + j, '\n', n - j);

		sp->hd_line_end = nl != NULL ? (size_t)(nl - t) : n;
		sp->hd_resume = sp->hd_line_end;
		sp->hd_pending = 1;
	}
	strbuf_reset(&sp->body);
	k = sp->hd_resume < n ? sp->hd_resume + 1 : n;
	while (k < n) {
		size_t eol = k, s = k;

		while (eol < n && t[eol] != '\n')
			eol++;
		if (strip)
			while (s < eol && t[s] == '\t')
				s++;
		if (eol - s == d.len && memcmp(t + s, d.buf, d.len) == 0) {
			k = eol;
			break;
		}
		strbuf_append(&sp->body, t + s, eol - s);
		strbuf_putc(&sp->body, '\n');
		k = eol < n ? eol + 1 : n;
	}
	sp->hd_resume = k;
	strbuf_free(&d);
	return j;
}

/* The $(...) or `...` starting at t[i]: its text is split as commands
 * of their own. Returns the index after it. */
static size_t safety_subst(struct safety_split *sp, const char *t, size_t n, size_t i)
{
	size_t k;

	if (t[i] == '$') {
		k = safety_close_paren(t, n, i + 1);
		safety_nested(sp, t, i + 2, k, i, k < n ? k + 1 : n);
	} else {
		for (k = i + 1; k < n && t[k] != '`'; k++)
			;
		safety_nested(sp, t, i + 1, k, i, k < n ? k + 1 : n);
	}
	return k < n ? k + 1 : n;
}

/* The "..." starting at t[i], into the current word. Returns the index
 * after it. */
static size_t safety_dquote(struct safety_split *sp, const char *t, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && t[j] != '"') {
		if (t[j] == '\\' && j + 1 < n && strchr("\"\\$`\n", t[j + 1]) != NULL) {
			if (t[j + 1] != '\n')
				strbuf_putc(&sp->word, t[j + 1]);
			j += 2;
		} else if ((t[j] == '$' && j + 1 < n && t[j + 1] == '(') || t[j] == '`') {
			j = safety_subst(sp, t, n, j);
		} else {
			strbuf_putc(&sp->word, t[j++]);
		}
	}
	sp->inword = 1;
	return j < n ? j + 1 : n;
}

static void safety_split_text(const char *t, size_t n,
			      void (*fn)(const struct safety_simple *, void *), void *arg,
			      int depth)
{
	struct safety_split sp;
	size_t i = 0;

	memset(&sp, 0, sizeof(sp));
	sp.fn = fn;
	sp.arg = arg;
	sp.depth = depth;
	while (i < n) {
		char c = t[i];
		char nx = i + 1 < n ? t[i + 1] : '\0';

		if (c == '\\') {
			if (nx != '\n' && i + 1 < n) {
				strbuf_putc(&sp.word, nx);
				sp.inword = 1;
			}
			i += 2;
		} else if (c == '\'') {
			size_t j = i + 1;

			while (j < n && t[j] != '\'')
				j++;
			strbuf_append(&sp.word, t + i + 1, j - i - 1);
			sp.inword = 1;
			i = j < n ? j + 1 : n;
		} else if (c == '"') {
			i = safety_dquote(&sp, t, n, i);
		} else if ((c == '$' && nx == '(') || c == '`') {
			i = safety_subst(&sp, t, n, i);
		} else if (c == ' ' || c == '\t' || c == '\r') {
			safety_end_word(&sp);
			i++;
		} else if (c == '\n') {
			safety_end_word(&sp);
			if (sp.hd_pending && i == sp.hd_line_end)
				i = sp.hd_resume;
			sp.hd_pending = 0;
			i++;
			safety_end_cmd(&sp);
		} else if (c == '<' && runbook_placeholder_len(t, n, i) > 0) {
			size_t len = runbook_placeholder_len(t, n, i);

			strbuf_append(&sp.word, t + i, len);
			sp.inword = 1;
			i += len;
		} else if ((c == '&' && nx == '>') || c == '<' || c == '>') {
			size_t j = i;
			int fd = sp.inword && sp.word.len > 0 &&
				 strspn(sp.word.buf, "0123456789") == sp.word.len;

			if (fd) {
				strbuf_reset(&sp.word);
				sp.inword = 0;
			} else {
				safety_end_word(&sp);
			}
			if (c == '<' && nx == '<' && (i + 2 >= n || t[i + 2] != '<')) {
				i = safety_heredoc_op(&sp, t, n, i);
				continue;
			}
			while (j < n && j - i < 3 && strchr("<>&|", t[j]) != NULL)
				j++;
			memcpy(sp.redir, t + i, j - i);
			sp.redir[j - i] = '\0';
			i = j;
		} else if (strchr(";&|()", c) != NULL) {
			int piped = c == '|' && nx != '|';

			safety_end_cmd(&sp);
			i++;
			if ((c == '&' || c == '|' || c == ';') && nx == c)
				i++;
			else if (c == '|' && nx == '&')
				i++;
			sp.sc.piped_in = piped;
		} else {
			strbuf_putc(&sp.word, c);
			sp.inword = 1;
			i++;
		}
	}
	safety_end_cmd(&sp);
	strbuf_free(&sp.word);
	strbuf_free(&sp.body);
}

void safety_each_command(const char *text, void (*fn)(const struct safety_simple *sc, void *arg),
			 void *arg)
{
	safety_split_text(text, strlen(text), fn, arg, 0);
}
