/*
 * runbook_annot.c - step annotations (see runbook.h): the
 * "amconsole: key=value ..." comments and HTML comments that say a step
 * is read-only, changing or destructive, its timeout, target, confirm
 * text and the alerts and findings its procedure answers. Parsed into a
 * struct runbook_annot that the parser merges, innermost last. Pure
 * functions, any thread.
 */
#include "core/runbook.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_int.h"
#include "lib/util.h"

/* ------------------------------------------------------------------ */
/* Annotations                                                         */

void runbook_annot_init(struct runbook_annot *a)
{
	memset(a, 0, sizeof(*a));
	a->changing = a->destructive = a->interactive = -1;
	a->timeout = -1;
}

void runbook_annot_free(struct runbook_annot *a)
{
	free(a->target);
	free(a->confirm_text);
	strv_free(a->alerts, a->nalerts);
	strv_free(a->findings, a->nfindings);
	strv_free(a->errors, a->nerrors);
	strv_free(a->captures, a->ncaptures);
	strv_free(a->expects, a->nexpects);
	free(a->next_ok);
	free(a->next_fail);
	runbook_annot_init(a);
}

/* A string the later annotation sets replaces the earlier one's. */
static void runbook_annot_take(char **dst, const char *src)
{
	if (src != NULL) {
		free(*dst);
		*dst = xstrdup(src);
	}
}

void runbook_annot_merge(struct runbook_annot *dst, const struct runbook_annot *src)
{
	size_t i;

	if (src->changing >= 0)
		dst->changing = src->changing;
	if (src->destructive >= 0)
		dst->destructive = src->destructive;
	if (src->interactive >= 0)
		dst->interactive = src->interactive;
	if (src->confirm)
		dst->confirm = 1;
	if (src->timeout >= 0)
		dst->timeout = src->timeout;
	runbook_annot_take(&dst->target, src->target);
	runbook_annot_take(&dst->confirm_text, src->confirm_text);
	for (i = 0; i < src->nerrors; i++)
		runbook_push_str(&dst->errors, &dst->nerrors, xstrdup(src->errors[i]));
	for (i = 0; i < src->ncaptures; i++)
		runbook_push_str(&dst->captures, &dst->ncaptures, xstrdup(src->captures[i]));
	for (i = 0; i < src->nexpects; i++)
		runbook_push_str(&dst->expects, &dst->nexpects, xstrdup(src->expects[i]));
	runbook_annot_take(&dst->next_ok, src->next_ok);
	runbook_annot_take(&dst->next_fail, src->next_fail);
}

static int runbook_annot_bool(const char *v, int dflt)
{
	if (v == NULL)
		return dflt;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	return 1;
}

/* alerts=NAME[,NAME...] and findings=KIND[,KIND...]: names kept as
 * written (alert names are Prometheus label values); spaces around
 * commas (in a quoted list) are dropped. */
static void runbook_annot_names(struct runbook_annot *a, const char *key, const char *val,
				char ***arr, size_t *narr)
{
	const char *p = val != NULL ? val : "";
	size_t before = *narr;

	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
		char *name = runbook_trim_dup(p, n);

		if (*name != '\0')
			runbook_push_str(arr, narr, name);
		else
			free(name);
		p += n;
		if (*p == ',')
			p++;
	}
	if (*narr == before)
		runbook_push_str(&a->errors, &a->nerrors,
				 xasprintf("amconsole annotation: %s= needs names", key));
}

static void runbook_annot_key(struct runbook_annot *a, const char *key, const char *val)
{
	if (strcmp(key, "read-only") == 0 || strcmp(key, "readonly") == 0) {
		a->changing = 0;
		a->destructive = 0;
	} else if (strcmp(key, "changing") == 0) {
		a->changing = runbook_annot_bool(val, 1);
		if (!a->changing)
			a->destructive = 0;
	} else if (strcmp(key, "destructive") == 0) {
		a->destructive = runbook_annot_bool(val, 1);
		if (a->destructive)
			a->changing = 1;
	} else if (strcmp(key, "target") == 0 && val != NULL && *val != '\0') {
		free(a->target);
		a->target = xstrdup(val);
	} else if (strcmp(key, "confirm") == 0) {
		a->confirm = 1;
		if (val != NULL && *val != '\0') {
			free(a->confirm_text);
			a->confirm_text = xstrdup(val);
		}
	} else if (strcmp(key, "interactive") == 0) {
		a->interactive = runbook_annot_bool(val, 1);
	} else if (strcmp(key, "alerts") == 0 || strcmp(key, "alert") == 0) {
		runbook_annot_names(a, "alerts", val, &a->alerts, &a->nalerts);
	} else if (strcmp(key, "findings") == 0 || strcmp(key, "finding") == 0) {
		runbook_annot_names(a, "findings", val, &a->findings, &a->nfindings);
	} else if ((strcmp(key, "next-on-ok") == 0 || strcmp(key, "next-on-fail") == 0) &&
		   val != NULL && *val != '\0') {
		char **dst = key[8] == 'o' ? &a->next_ok : &a->next_fail;

		free(*dst);
		*dst = xstrdup(val);
	} else if (strcmp(key, "timeout") == 0) {
		double d;

		if (val == NULL || util_parse_duration(val, &d) != 0)
			runbook_push_str(&a->errors, &a->nerrors,
					 xasprintf("amconsole annotation: bad timeout \"%.40s\"",
						   val != NULL ? val : ""));
		else
			a->timeout = d;
	} else {
		runbook_push_str(&a->errors, &a->nerrors,
				 xasprintf("amconsole annotation: unknown key \"%.40s\"", key));
	}
}

/* Parse the text after "amconsole:" (s[0..n)). */
void runbook_annot_parse(struct runbook_annot *a, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t ks;
		char *key, *val = NULL;

		while (i < n && (isspace((unsigned char)s[i]) || s[i] == ','))
			i++;
		if (i >= n)
			break;
		ks = i;
		while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',' && s[i] != '=')
			i++;
		key = xstrndup(s + ks, i - ks);
		for (ks = 0; key[ks] != '\0'; ks++)
			key[ks] = key[ks] == '_' ? '-' : (char)tolower((unsigned char)key[ks]);
		if ((strcmp(key, "capture") == 0 || strcmp(key, "expect") == 0) &&
		    (i >= n || s[i] != '=')) {
			i = runbook_annot_clause(a, key, s, n, i);
			free(key);
			continue;
		}
		if (i < n && s[i] == '=') {
			size_t vs;

			i++;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i++];

				vs = i;
				while (i < n && s[i] != q)
					i++;
				val = xstrndup(s + vs, i - vs);
				if (i < n)
					i++;
			} else if (strcmp(key, "confirm") == 0) {
				val = runbook_trim_dup(s + i, n - i);
				i = n;
			} else if (strcmp(key, "alerts") == 0 || strcmp(key, "alert") == 0 ||
				   strcmp(key, "findings") == 0 || strcmp(key, "finding") == 0) {
				vs = i;
				while (i < n && !isspace((unsigned char)s[i]))
					i++;
				val = xstrndup(s + vs, i - vs);
			} else {
				vs = i;
				while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',')
					i++;
				val = xstrndup(s + vs, i - vs);
			}
		}
		if (*key != '\0')
			runbook_annot_key(a, key, val);
		free(key);
		free(val);
	}
}

/* Annotations of an HTML block; 1 if it held any. */
int runbook_annot_html(struct runbook_annot *a, const char *html)
{
	const char *p = html;
	int found = 0;

	while ((p = strstr(p, "<!--")) != NULL) {
		const char *end = strstr(p + 4, "-->");
		const char *s = p + 4;
		size_t n = end != NULL ? (size_t)(end - s) : strlen(s);

		while (n > 0 && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		if (n >= 10 && strncasecmp(s, "amconsole:", 10) == 0) {
			runbook_annot_parse(a, s + 10, n - 10);
			found = 1;
		}
		if (end == NULL)
			break;
		p = end + 3;
	}
	return found;
}
