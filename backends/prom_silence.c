/*
 * prom_silence.c - silences and label matchers for the Alertmanager
 * source (see prom.h): the matcher text a silence of an alert starts
 * from, the matcher parser (a regex compiled once, there), deciding a
 * matcher on an alert as Alertmanager does, the POST /api/v2/silences
 * body, the id check before an id goes into a URL, and how many alerts a
 * silence silences. Pure; any thread (the UI thread for the / filter and
 * the silence dialog, the worker for the requests).
 */
#include "backends/prom.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/prom_http.h"

char *prom_matchers_for(const struct prom_alert *a)
{
	static const char *const keys[] = { "alertname", "severity", "service", "namespace",
					    "pod",       "instance", "job" };
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = prom_label(a, keys[i]);

		if (v == NULL)
			continue;
		if (sb.len > 0)
			strbuf_putc(&sb, ' ');
		strbuf_printf(&sb, "%s=", keys[i]);
		prom_quote(&sb, v);
	}
	return strbuf_detach(&sb);
}

void prom_matchers_free(struct prom_matcher *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].value);
		if (m[i].re != NULL)
			regfree(m[i].re);
		free(m[i].re);
	}
	free(m);
}

/* value as Alertmanager anchors it, into re: 0, or -1 when it does not
 * compile (re is then not set). */
static int prom_regcomp(const char *value, regex_t *re)
{
	char *anchored = xasprintf("^(%s)$", value);
	int rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);

	free(anchored);
	return rc == 0 ? 0 : -1;
}

int prom_matchers_parse(const char *text, struct prom_matcher **out, char *err, size_t errlen)
{
	const char *p = text;
	struct prom_matcher *m = NULL;
	int n = 0;

	*out = NULL;
	for (;;) {
		struct prom_matcher x;
		struct strbuf v = { 0 };
		const char *ns;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		ns = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (p == ns || isdigit((unsigned char)*ns)) {
			snprintf(err, errlen, "expected a label name at \"%.20s\"", ns);
			goto bad;
		}
		memset(&x, 0, sizeof x);
		if (p[0] == '=' && p[1] == '~') {
			x.is_equal = x.is_regex = 1;
			p += 2;
		} else if (p[0] == '!' && p[1] == '~') {
			x.is_regex = 1;
			p += 2;
		} else if (p[0] == '!' && p[1] == '=') {
			p += 2;
		} else if (p[0] == '=') {
			x.is_equal = 1;
			p += 1;
		} else {
			snprintf(err, errlen, "expected =, !=, =~ or !~ after %.*s", (int)(p - ns),
				 ns);
			goto bad;
		}
		strbuf_append(&v, "", 0);
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					strbuf_free(&v);
					snprintf(err, errlen, "unbalanced quotes");
					goto bad;
				}
				if (*p == '\\' && p[1] != '\0')
					p++;
				strbuf_putc(&v, *p);
			}
			p++;
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
				strbuf_putc(&v, *p++);
		}
		if (v.len == 0 && x.is_equal && !x.is_regex) {
			strbuf_free(&v);
			snprintf(err, errlen, "empty value for %.*s", (int)(strcspn(ns, "=!")), ns);
			goto bad;
		}
		x.name = xstrndup(ns, strcspn(ns, "=!"));
		x.value = strbuf_detach(&v);
		if (x.is_regex) {
			x.re = xmalloc(sizeof(regex_t));
			if (prom_regcomp(x.value, x.re) != 0) {
				free(x.re);
				x.re = NULL;
				x.re_bad = 1;
			}
		}
		m = xrealloc(m, (size_t)(n + 1) * sizeof *m);
		m[n++] = x;
	}
	if (n == 0) {
		snprintf(err, errlen, "no matchers");
		return -1;
	}
	*out = m;
	return n;
bad:
	prom_matchers_free(m, (size_t)n);
	return -1;
}

int prom_alert_matches(const struct prom_alert *a, const struct prom_matcher *m)
{
	const char *v = prom_label(a, m->name);
	int hit;

	if (v == NULL)
		v = "";
	if (m->is_regex && m->re != NULL) {
		hit = regexec(m->re, v, 0, NULL, 0) == 0;
	} else if (m->is_regex) {
		regex_t re;

		if (m->re_bad || prom_regcomp(m->value, &re) != 0)
			return 0;
		hit = regexec(&re, v, 0, NULL, 0) == 0;
		regfree(&re);
	} else {
		hit = strcmp(v, m->value) == 0;
	}
	return m->is_equal ? hit : !hit;
}

static void prom_fmt_time(char *buf, size_t n, double t)
{
	time_t s = (time_t)t;
	struct tm tm;
	int ms = (int)((t - (double)s) * 1000);

	gmtime_r(&s, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ms < 0     ? 0
		 : ms > 999 ? 999
			    : ms);
}

char *prom_silence_json(const struct prom_matcher *m, size_t n, double starts, double ends,
			const char *created_by, const char *comment)
{
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "matchers");
	char a[80], b[80], *out;
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", m[i].name);
		cJSON_AddStringToObject(o, "value", m[i].value);
		cJSON_AddBoolToObject(o, "isRegex", m[i].is_regex);
		cJSON_AddBoolToObject(o, "isEqual", m[i].is_equal);
		cJSON_AddItemToArray(arr, o);
	}
	prom_fmt_time(a, sizeof a, starts);
	prom_fmt_time(b, sizeof b, ends);
	cJSON_AddStringToObject(root, "startsAt", a);
	cJSON_AddStringToObject(root, "endsAt", b);
	cJSON_AddStringToObject(root, "createdBy", created_by != NULL ? created_by : "");
	cJSON_AddStringToObject(root, "comment", comment != NULL ? comment : "");
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (out == NULL)
		util_die("out of memory building JSON");
	{
		char *copy = xstrdup(out);

		cJSON_free(out);
		return copy;
	}
}

int prom_silence_id_ok(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0' || strlen(id) > 64)
		return 0;
	for (i = 0; id[i]; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '-')
			return 0;
	return 1;
}

size_t prom_silence_matches(const struct prom_silence *s, const struct prom_snap *snap)
{
	size_t i, n = 0, l = strlen(s->id);

	/* An empty id silences nothing (and strstr would find it forever). */
	if (l == 0)
		return 0;
	for (i = 0; i < snap->nalerts; i++) {
		const char *p = snap->alerts[i].silenced_by;

		while (p != NULL && (p = strstr(p, s->id)) != NULL) {
			if ((p == snap->alerts[i].silenced_by || p[-1] == ',') &&
			    (p[l] == '\0' || p[l] == ',')) {
				n++;
				break;
			}
			p += l;
		}
	}
	return n;
}
