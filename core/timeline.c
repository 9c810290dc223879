/*
 * timeline.c - the incident timeline's events, their JSON lines and the
 * postmortem (see timeline.h). Pure; any thread.
 */
#include "core/timeline.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/redact.h"
#include "lib/sanitize.h"
#include "lib/util.h"

void timeline_add(struct timeline *tl, const struct tl_event *e)
{
	struct tl_event *d;

	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? tl->cap * 2 : 64;
		tl->v = xrealloc(tl->v, tl->cap * sizeof *tl->v);
	}
	d = &tl->v[tl->n++];
	*d = *e;
	d->text = xstrdup(e->text != NULL ? e->text : "");
	d->detail = e->detail != NULL ? xstrdup(e->detail) : NULL;
}

void tl_event_free(struct tl_event *e)
{
	free(e->text);
	free(e->detail);
	e->text = e->detail = NULL;
}

void timeline_free(struct timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		tl_event_free(&tl->v[i]);
	free(tl->v);
	memset(tl, 0, sizeof *tl);
}

char *timeline_encode(const struct tl_event *e)
{
	cJSON *o = cJSON_CreateObject();
	char *s, *line;

	cJSON_AddNumberToObject(o, "v", TIMELINE_VERSION);
	cJSON_AddNumberToObject(o, "t", e->t);
	cJSON_AddStringToObject(o, "kind", e->kind);
	cJSON_AddStringToObject(o, "who", e->who);
	cJSON_AddStringToObject(o, "text", e->text != NULL ? e->text : "");
	if (e->detail != NULL)
		cJSON_AddStringToObject(o, "detail", e->detail);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		return xstrdup("\n");
	line = xasprintf("%s\n", s);
	cJSON_free(s);
	return line;
}

int timeline_decode(const char *line, struct tl_event *e)
{
	cJSON *o = cJSON_Parse(line);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "v");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "kind"));
	const char *who = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "who"));
	const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "text"));
	const char *detail = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "detail"));

	memset(e, 0, sizeof *e);
	if (!cJSON_IsNumber(v) || v->valuedouble != TIMELINE_VERSION || !cJSON_IsNumber(t) ||
	    kind == NULL || who == NULL || text == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	e->t = t->valuedouble;
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	snprintf(e->who, sizeof e->who, "%s", who);
	e->text = xstrdup(text);
	e->detail = detail != NULL ? xstrdup(detail) : NULL;
	cJSON_Delete(o);
	return 0;
}

long timeline_load(const char *path, struct timeline *tl, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long n = 0, lineno = 0;

	err[0] = '\0';
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		struct tl_event e;

		lineno++;
		if (line[len - 1] != '\n' || timeline_decode(line, &e) != 0) {
			snprintf(err, errlen, "line %ld is damaged: the rest is left out", lineno);
			break;
		}
		timeline_add(tl, &e);
		tl_event_free(&e);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

double timeline_mark(const struct timeline *tl, const char *what)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		if (strcmp(tl->v[i].kind, "mark") == 0 && strcmp(tl->v[i].text, what) == 0)
			return tl->v[i].t;
	return 0;
}

/* Text made safe for the document: secrets masked, one line, no
 * control characters. */
static void timeline_put(struct strbuf *sb, const char *s)
{
	char *r = redact(s != NULL ? s : ""), *c = sanitize_str(r);

	strbuf_puts(sb, c);
	free(c);
	free(r);
}

/* Up to max lines of text, each made safe and indented for a list
 * item's code block (a line of backquotes cannot end it early). */
static void timeline_block(struct strbuf *sb, const char *text, int max)
{
	const char *p = text;
	int n = 0;

	while (*p != '\0' && n < max) {
		const char *e = strchr(p, '\n');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, len), *q;

		for (q = line; *q != '\0'; q++)
			if (*q == '`')
				*q = '\'';
		strbuf_puts(sb, "  ");
		timeline_put(sb, line);
		strbuf_putc(sb, '\n');
		free(line);
		n++;
		p += len;
		if (*p == '\n')
			p++;
	}
}

static void timeline_clock(char *buf, size_t n, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void timeline_since(struct strbuf *sb, const char *label, double from, double at)
{
	char d[32];

	if (from <= 0 || at <= 0) {
		strbuf_printf(sb, "- %s: not marked\n", label);
		return;
	}
	util_fmt_duration(d, sizeof d, at - from);
	strbuf_printf(sb, "- %s: %s\n", label, d);
}

char *timeline_postmortem(const struct timeline *tl, const char *title, const char *severity)
{
	struct strbuf sb = { 0 };
	double opened = tl->n > 0 ? tl->v[0].t : 0;
	char when[40];
	size_t i, notes = 0;

	strbuf_puts(&sb, "# Postmortem: ");
	timeline_put(&sb, title);
	strbuf_puts(&sb, "\n\n## Summary\n\n");
	timeline_clock(when, sizeof when, opened);
	strbuf_printf(&sb, "- Opened: %s\n- Severity: ", opened > 0 ? when : "-");
	timeline_put(&sb, severity);
	strbuf_puts(&sb, "\n");
	timeline_since(&sb, "Time to detect", opened, timeline_mark(tl, "detected"));
	timeline_since(&sb, "Time to mitigate", opened, timeline_mark(tl, "mitigated"));
	timeline_since(&sb, "Time to resolve", opened, timeline_mark(tl, "resolved"));
	strbuf_puts(&sb,
		    "\n## Timeline\n\n| Time (UTC) | Event | Who | What |\n|---|---|---|---|\n");
	for (i = 0; i < tl->n; i++) {
		const struct tl_event *e = &tl->v[i];
		struct strbuf cell = { 0 };
		char *p;

		timeline_clock(when, sizeof when, e->t);
		timeline_put(&cell, e->text);
		for (p = cell.buf; p != NULL && *p != '\0'; p++)
			if (*p == '|')
				*p = '/';
		strbuf_printf(&sb, "| %.8s | %s | ", when + 11, e->kind);
		timeline_put(&sb, e->who);
		strbuf_printf(&sb, " | %s |\n", cell.buf != NULL ? cell.buf : "");
		strbuf_free(&cell);
		notes += strcmp(e->kind, "note") == 0;
	}
	strbuf_puts(&sb, "\n## Steps and actions\n\n");
	for (i = 0; i < tl->n; i++) {
		const struct tl_event *e = &tl->v[i];

		if ((strcmp(e->kind, "step") != 0 && strcmp(e->kind, "action") != 0 &&
		     strcmp(e->kind, "output") != 0) ||
		    e->detail == NULL)
			continue;
		strbuf_puts(&sb, "- ");
		timeline_put(&sb, e->text);
		strbuf_puts(&sb, "\n\n  ```\n");
		timeline_block(&sb, e->detail, 20);
		strbuf_puts(&sb, "  ```\n");
	}
	strbuf_puts(&sb, "\n## Notes\n\n");
	for (i = 0; i < tl->n; i++) {
		if (strcmp(tl->v[i].kind, "note") != 0)
			continue;
		timeline_clock(when, sizeof when, tl->v[i].t);
		strbuf_printf(&sb, "- %.8s ", when + 11);
		timeline_put(&sb, tl->v[i].who);
		strbuf_puts(&sb, ": ");
		timeline_put(&sb, tl->v[i].text);
		strbuf_puts(&sb, "\n");
	}
	if (notes == 0)
		strbuf_puts(&sb, "(none)\n");
	strbuf_puts(&sb, "\n## Follow-ups\n\n- \n");
	return sb.buf;
}
