/*
 * runbook_scan.c - the lexical scanners of runbook code blocks (see
 * runbook.h, runbook_scan): for shell, SQL and YAML text, each byte is
 * marked as code, comment, quoted or here-document, so that splitting a
 * block into steps, finding placeholders and stripping comments follow
 * the language's own rules. Pure functions, any thread.
 */
#include "core/runbook.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_int.h"
#include "lib/util.h"

/* ------------------------------------------------------------------ */
/* Lexical scanning                                                    */

enum runbook_shstate {
	RUNBOOK_ST_TOP,
	RUNBOOK_ST_SUB,
	RUNBOOK_ST_BQ,
	RUNBOOK_ST_SQ,
	RUNBOOK_ST_ANSI,
	RUNBOOK_ST_DQ
};

struct runbook_heredoc {
	const char *delim;
	size_t dlen;
	int strip;
	int quoted;
};

/* Parse the delimiter after "<<" or "<<-" at t[i]; fills h, returns the
 * index after the word, or 0 when there is none. */
static size_t runbook_scan_heredoc_op(const char *t, size_t n, size_t i, struct runbook_heredoc *h)
{
	size_t j = i + 2;
	size_t start;

	h->strip = 0;
	h->quoted = 0;
	if (j < n && t[j] == '-') {
		h->strip = 1;
		j++;
	}
	while (j < n && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (j < n && (t[j] == '\'' || t[j] == '"')) {
		char q = t[j++];

		start = j;
		while (j < n && t[j] != q && t[j] != '\n')
			j++;
		if (j >= n || t[j] != q || j == start)
			return 0;
		h->delim = t + start;
		h->dlen = j - start;
		h->quoted = 1;
		return j + 1;
	}
	if (j < n && t[j] == '\\') {
		h->quoted = 1;
		j++;
	}
	start = j;
	while (j < n && (isalnum((unsigned char)t[j]) || t[j] == '_' || t[j] == '-' || t[j] == '.'))
		j++;
	if (j == start)
		return 0;
	h->delim = t + start;
	h->dlen = j - start;
	return j;
}

/* Mark the here-document bodies that start at i; returns the index of
 * the newline that ends the last delimiter line (or n). */
static size_t runbook_scan_heredoc_bodies(const char *t, size_t n, size_t i, unsigned char *ctx,
					  const struct runbook_heredoc *hd, int nhd)
{
	int k = 0;

	while (i < n && k < nhd) {
		size_t eol = i;
		size_t s = i;
		unsigned char c = hd[k].quoted ? RB_HEREDOC_LIT : RB_HEREDOC;
		size_t j;

		while (eol < n && t[eol] != '\n')
			eol++;
		if (hd[k].strip)
			while (s < eol && t[s] == '\t')
				s++;
		for (j = i; j < eol; j++)
			ctx[j] = c;
		if (eol - s == hd[k].dlen && memcmp(t + s, hd[k].delim, hd[k].dlen) == 0) {
			k++;
			if (k == nhd)
				return eol;
		}
		if (eol < n)
			ctx[eol] = c;
		i = eol + 1;
	}
	return n;
}

/* One byte inside single, ANSI-C or double quotes (the state on top of
 * stack): marks t[i] (and an escaped byte after it), pops the state at
 * the closing quote and pushes one for $( or ` inside double quotes.
 * Returns the index to go on from. */
static size_t runbook_scan_quoted(const char *t, size_t n, size_t i, unsigned char *ctx,
				  unsigned char *stack, int *sp, int *word_start)
{
	unsigned char st = stack[*sp];
	char c = t[i];
	char nx = i + 1 < n ? t[i + 1] : '\0';

	if (st == RUNBOOK_ST_SQ) {
		ctx[i++] = RB_SQ;
		if (c == '\'')
			(*sp)--;
		return i;
	}
	if (st == RUNBOOK_ST_ANSI) {
		ctx[i++] = RB_ANSI;
		if (c == '\\' && i < n)
			ctx[i++] = RB_ANSI;
		else if (c == '\'')
			(*sp)--;
		return i;
	}
	ctx[i] = RB_DQ;
	if (c == '\\' && i + 1 < n) {
		ctx[i + 1] = RB_ESCAPED;
		return i + 2;
	}
	if (c == '"') {
		(*sp)--;
	} else if (c == '$' && nx == '(' && *sp + 1 < RUNBOOK_MAX_NEST) {
		ctx[i + 1] = RB_DQ;
		stack[++*sp] = RUNBOOK_ST_SUB;
		*word_start = 1;
		return i + 2;
	} else if (c == '`' && *sp + 1 < RUNBOOK_MAX_NEST) {
		stack[++*sp] = RUNBOOK_ST_BQ;
		*word_start = 1;
	}
	return i + 1;
}

static void runbook_scan_shell(const char *t, size_t n, unsigned char *ctx)
{
	unsigned char stack[RUNBOOK_MAX_NEST];
	struct runbook_heredoc hd[RUNBOOK_MAX_HEREDOCS];
	int nhd = 0;
	int sp = 0;
	int word_start = 1;
	size_t i = 0;

	stack[0] = RUNBOOK_ST_TOP;
	while (i < n) {
		unsigned char st = stack[sp];
		char c = t[i];
		char nx = i + 1 < n ? t[i + 1] : '\0';
		unsigned char code;

		if (st == RUNBOOK_ST_SQ || st == RUNBOOK_ST_ANSI || st == RUNBOOK_ST_DQ) {
			i = runbook_scan_quoted(t, n, i, ctx, stack, &sp, &word_start);
			continue;
		}
		code = sp == 0 ? RB_CODE : RB_NESTED;
		ctx[i] = code;
		if (c == '\n') {
			i++;
			word_start = 1;
			if (nhd > 0) {
				ctx[i - 1] = RB_HEREDOC;
				i = runbook_scan_heredoc_bodies(t, n, i, ctx, hd, nhd);
				nhd = 0;
			}
			continue;
		}
		if (c == '\\') {
			if (i + 1 < n)
				ctx[i + 1] = RB_ESCAPED;
			i += 2;
			word_start = 0;
			continue;
		}
		if (c == '#' && word_start) {
			while (i < n && t[i] != '\n')
				ctx[i++] = RB_COMMENT;
			continue;
		}
		if (c == '\'' && sp + 1 < RUNBOOK_MAX_NEST) {
			int ansi = i > 0 && t[i - 1] == '$' && ctx[i - 1] == code;

			ctx[i] = ansi ? RB_ANSI : RB_SQ;
			stack[++sp] = ansi ? RUNBOOK_ST_ANSI : RUNBOOK_ST_SQ;
			i++;
			word_start = 0;
			continue;
		}
		if (c == '"' && sp + 1 < RUNBOOK_MAX_NEST) {
			ctx[i] = RB_DQ;
			stack[++sp] = RUNBOOK_ST_DQ;
			i++;
			word_start = 0;
			continue;
		}
		if (c == '(' && sp + 1 < RUNBOOK_MAX_NEST) {
			stack[++sp] = RUNBOOK_ST_SUB;
		} else if (c == ')' && st == RUNBOOK_ST_SUB) {
			sp--;
		} else if (c == '`') {
			if (st == RUNBOOK_ST_BQ)
				sp--;
			else if (sp + 1 < RUNBOOK_MAX_NEST)
				stack[++sp] = RUNBOOK_ST_BQ;
		} else if (c == '<' && nx == '<') {
			struct runbook_heredoc h;
			size_t end;

			if (i + 2 < n && t[i + 2] == '<') {
				ctx[i + 1] = ctx[i + 2] = code;
				i += 3;
				word_start = 1;
				continue;
			}
			end = runbook_scan_heredoc_op(t, n, i, &h);
			if (end > 0) {
				size_t j;

				for (j = i; j < end; j++)
					ctx[j] = code;
				if (nhd < RUNBOOK_MAX_HEREDOCS)
					hd[nhd++] = h;
				i = end;
				word_start = 0;
				continue;
			}
		}
		word_start = strchr(" \t;&|()<>", c) != NULL;
		i++;
	}
}

static void runbook_scan_sql(const char *t, size_t n, unsigned char *ctx)
{
	size_t i = 0;

	while (i < n) {
		char c = t[i];
		char nx = i + 1 < n ? t[i + 1] : '\0';

		if (c == '-' && nx == '-') {
			while (i < n && t[i] != '\n')
				ctx[i++] = RB_COMMENT;
			continue;
		}
		if (c == '/' && nx == '*') {
			int depth = 0;

			while (i < n) {
				if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
					depth++;
					ctx[i++] = RB_COMMENT;
				} else if (t[i] == '*' && i + 1 < n && t[i + 1] == '/') {
					depth--;
					ctx[i++] = RB_COMMENT;
				}
				ctx[i++] = RB_COMMENT;
				if (depth == 0)
					break;
			}
			continue;
		}
		if (c == '\'' || c == '"') {
			ctx[i++] = c == '\'' ? RB_SQ : RB_DQ;
			while (i < n) {
				ctx[i] = c == '\'' ? RB_SQ : RB_DQ;
				if (t[i] == c) {
					if (i + 1 < n && t[i + 1] == c) {
						ctx[i + 1] = ctx[i];
						i += 2;
						continue;
					}
					i++;
					break;
				}
				i++;
			}
			continue;
		}
		if (c == '$' &&
		    (i == 0 || !(isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_'))) {
			size_t j = i + 1;

			while (j < n && (isalpha((unsigned char)t[j]) || t[j] == '_'))
				j++;
			if (j < n && t[j] == '$') {
				size_t tag = j + 1 - i;
				size_t k = j + 1;
				size_t end = n;

				for (; k + tag <= n; k++)
					if (memcmp(t + k, t + i, tag) == 0) {
						end = k + tag;
						break;
					}
				for (k = i; k < end; k++)
					ctx[k] = RB_SQ;
				i = end;
				continue;
			}
		}
		ctx[i++] = RB_CODE;
	}
}

static void runbook_scan_yaml(const char *t, size_t n, unsigned char *ctx)
{
	size_t i = 0;

	while (i < n) {
		size_t s = i;
		unsigned char c;

		while (s < n && (t[s] == ' ' || t[s] == '\t'))
			s++;
		c = s < n && t[s] == '#' ? RB_COMMENT : RB_CODE;
		for (; i < n && t[i] != '\n'; i++)
			ctx[i] = i < s ? RB_CODE : c;
		if (i < n)
			ctx[i++] = RB_CODE;
	}
}

unsigned char *runbook_scan(enum step_kind kind, const char *text, size_t len)
{
	unsigned char *ctx = xcalloc(len + 1, 1);

	if (kind == STEP_SQL)
		runbook_scan_sql(text, len, ctx);
	else if (kind == STEP_YAML)
		runbook_scan_yaml(text, len, ctx);
	else
		runbook_scan_shell(text, len, ctx);
	ctx[len] = RB_CODE;
	return ctx;
}

char *runbook_strip_comments(enum step_kind kind, const char *text)
{
	size_t n = strlen(text);
	unsigned char *ctx = runbook_scan(kind, text, n);
	char *out = xstrndup(text, n);
	size_t i;

	for (i = 0; i < n; i++)
		if (ctx[i] == RB_COMMENT)
			out[i] = ' ';
	free(ctx);
	return out;
}

char *runbook_first_word(enum step_kind kind, const char *text)
{
	char *stripped = runbook_strip_comments(kind, text);
	const char *p = stripped;
	char *word;

	while (isspace((unsigned char)*p))
		p++;
	word = xstrndup(p, strcspn(p, " \t\n"));
	free(stripped);
	return word;
}
