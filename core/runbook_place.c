/*
 * runbook_place.c - the placeholders of runbook steps (see runbook.h):
 * "<lower-case words>" and $VARIABLES a step uses without assigning them
 * itself, what each must look like (a Kubernetes name, a secret), and
 * the script and environment a step runs with once the operator has
 * filled them. Pure functions, any thread.
 */
#include "core/runbook.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_int.h"
#include "core/safety.h"
#include "lib/util.h"

/* ------------------------------------------------------------------ */
/* Placeholders                                                        */

/* Length of a "<lower-case-words>" placeholder at t[i], or 0. */
size_t runbook_placeholder_len(const char *t, size_t n, size_t i)
{
	size_t j = i + 1;

	if (t[i] != '<' || (i > 0 && t[i - 1] == '<'))
		return 0;
	if (j >= n || !islower((unsigned char)t[j]))
		return 0;
	while (j < n && (islower((unsigned char)t[j]) || isdigit((unsigned char)t[j]) ||
			 t[j] == '-' || t[j] == '_'))
		j++;
	if (j >= n || t[j] != '>' || t[j - 1] == '-' || t[j - 1] == '_')
		return 0;
	if (j - i - 1 > 64)
		return 0;
	return j - i + 1;
}

/* A "$NAME" or "${NAME...}" reference at t[i] with an upper-case name:
 * returns its length and sets name/len; *defaulted when ${NAME:-x}. */
static size_t runbook_var_len(const char *t, size_t n, size_t i, size_t *name, size_t *nlen,
			      int *defaulted)
{
	size_t j = i + 1;
	size_t s;
	int upper = 0;

	*defaulted = 0;
	if (t[i] != '$' || j >= n)
		return 0;
	if (t[j] == '{')
		j++;
	s = j;
	while (j < n && (isalnum((unsigned char)t[j]) || t[j] == '_')) {
		if (islower((unsigned char)t[j]))
			return 0;
		if (isupper((unsigned char)t[j]))
			upper = 1;
		j++;
	}
	if (!upper || isdigit((unsigned char)t[s]) || j - s > 64)
		return 0;
	*name = s;
	*nlen = j - s;
	if (t[i + 1] != '{')
		return j - i;
	if (j < n && (t[j] == '-' || t[j] == '=' || t[j] == '+' ||
		      (t[j] == ':' && j + 1 < n && strchr("-=+", t[j + 1]) != NULL)))
		*defaulted = 1;
	while (j < n && t[j] != '}' && t[j] != '\n')
		j++;
	if (j >= n || t[j] != '}')
		return 0;
	return j + 1 - i;
}

static int runbook_std_env(const char *name, size_t n)
{
	static const char *const std[] = {
		"HOME",
		"PATH",
		"USER",
		"SHELL",
		"PWD",
		"OLDPWD",
		"TERM",
		"LANG",
		"LANGUAGE",
		"LOGNAME",
		"HOSTNAME",
		"HOSTTYPE",
		"OSTYPE",
		"TMPDIR",
		"TMP",
		"TEMP",
		"EDITOR",
		"VISUAL",
		"PAGER",
		"DISPLAY",
		"MAIL",
		"UID",
		"EUID",
		"GROUPS",
		"PPID",
		"RANDOM",
		"SECONDS",
		"LINENO",
		"IFS",
		"PS1",
		"PS2",
		"PS4",
		"OPTARG",
		"OPTIND",
		"OPTERR",
		"REPLY",
		"BASH",
		"BASHPID",
		"BASH_VERSION",
		"BASH_SOURCE",
		"FUNCNAME",
		"PIPESTATUS",
		"SHLVL",
		"COLUMNS",
		"LINES",
		"TZ",
		"KUBECONFIG",
		"SSH_AUTH_SOCK",
		"SSH_CONNECTION",
		"SSH_CLIENT",
		"SSH_TTY",
		"HISTFILE",
		"COLORTERM",
		NULL,
	};
	size_t i;

	if (n >= 3 && (strncmp(name, "LC_", 3) == 0))
		return 1;
	if (n >= 4 && strncmp(name, "XDG_", 4) == 0)
		return 1;
	for (i = 0; std[i] != NULL; i++)
		if (strlen(std[i]) == n && memcmp(std[i], name, n) == 0)
			return 1;
	return 0;
}

static int runbook_is_ident(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* Names the command assigns itself: NAME=, for NAME in, read NAME. */
struct runbook_names {
	char *name[RUNBOOK_MAX_ASSIGNED];
	size_t n;
};

static int runbook_name_listed(const struct runbook_names *names, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (strlen(names->name[i]) == n && memcmp(names->name[i], name, n) == 0)
			return 1;
	return 0;
}

static void runbook_name_add(struct runbook_names *names, const char *name, size_t n)
{
	if (names->n < RUNBOOK_MAX_ASSIGNED && !runbook_name_listed(names, name, n))
		names->name[names->n++] = xstrndup(name, n);
}

static void runbook_assigned(const char *t, size_t n, const unsigned char *ctx,
			     struct runbook_names *names)
{
	size_t i = 0;
	int reading = 0;
	int skip_arg = 0;
	int after_for = 0;

	while (i < n) {
		size_t s, e, k;
		int boundary = i == 0 || strchr(" \t\n;&|(", t[i - 1]) != NULL;

		if (ctx[i] != RB_CODE && ctx[i] != RB_NESTED) {
			i++;
			continue;
		}
		if (strchr("\n;&|()", t[i]) != NULL) {
			reading = after_for = 0;
			i++;
			continue;
		}
		if (!boundary || isspace((unsigned char)t[i])) {
			i++;
			continue;
		}
		s = i;
		while (i < n && !isspace((unsigned char)t[i]) && strchr(";&|()", t[i]) == NULL)
			i++;
		e = i;
		if (after_for) {
			after_for = 0;
			if (runbook_is_ident(t + s, e - s)) {
				runbook_name_add(names, t + s, e - s);
			}
			continue;
		}
		if (reading) {
			if (skip_arg) {
				skip_arg = 0;
			} else if (t[s] == '-') {
				skip_arg = e - s == 2 && strchr("adinNptu", t[s + 1]) != NULL;
			} else if (runbook_is_ident(t + s, e - s)) {
				runbook_name_add(names, t + s, e - s);
			}
			continue;
		}
		if ((e - s == 3 && memcmp(t + s, "for", 3) == 0) ||
		    (e - s == 6 && memcmp(t + s, "select", 6) == 0)) {
			after_for = 1;
			continue;
		}
		if (e - s == 4 && memcmp(t + s, "read", 4) == 0) {
			reading = 1;
			skip_arg = 0;
			continue;
		}
		k = s;
		while (k < e && (isalnum((unsigned char)t[k]) || t[k] == '_'))
			k++;
		if (k > s && k < e &&
		    (t[k] == '=' || (t[k] == '+' && k + 1 < e && t[k + 1] == '=')) &&
		    runbook_is_ident(t + s, k - s)) {
			runbook_name_add(names, t + s, k - s);
		}
	}
}

static char *runbook_env_of_angle(const char *tok, size_t n)
{
	char *env = xstrndup(tok + 1, n - 2);
	char *p;

	for (p = env; *p != '\0'; p++)
		*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	return env;
}

static void runbook_angle_flags(struct placeholder *ph)
{
	static const char *const res[] = {
		"pod",         "pods",
		"service",     "svc",
		"deployment",  "deploy",
		"statefulset", "sts",
		"daemonset",   "ds",
		"replicaset",  "rs",
		"job",         "cronjob",
		"node",        "namespace",
		"ns",          "configmap",
		"cm",          "secret",
		"pvc",         "pv",
		"container",   "ingress",
		"release",     "serviceaccount",
		"sa",          "hpa",
		"system",      NULL,
	};
	static const char *const whole[] = {
		"pod",  "service",   "deployment", "statefulset", "daemonset", "job",     "cronjob",
		"node", "namespace", "configmap",  "pvc",         "container", "release", NULL,
	};
	static const char *const secret[] = {
		"token",      "password",    "passwd", "secret",
		"credential", "credentials", "apikey", NULL,
	};
	static const char *const keyq[] = {
		"api", "access", "secret", "private", "signing", "encryption", "ssh", NULL,
	};
	const char *l = ph->label;
	const char *p = l;
	size_t nwords = 0;
	int has_res = 0, has_secret = 0, has_key = 0, has_keyq = 0;
	const char *last = l;
	size_t lastn = 0;

	while (*p != '\0') {
		const char *s = p;

		while (*p != '\0' && *p != '-' && *p != '_')
			p++;
		if (runbook_word_in(s, (size_t)(p - s), res, 0))
			has_res = 1;
		if (runbook_word_in(s, (size_t)(p - s), secret, 0))
			has_secret = 1;
		if (runbook_word_in(s, (size_t)(p - s), keyq, 0))
			has_keyq = 1;
		if (p - s == 3 && memcmp(s, "key", 3) == 0)
			has_key = 1;
		last = s;
		lastn = (size_t)(p - s);
		nwords++;
		if (*p != '\0')
			p++;
	}
	if (nwords > 1 && has_res &&
	    ((lastn == 4 && memcmp(last, "name", 4) == 0) ||
	     (lastn == 2 && memcmp(last, "id", 2) == 0)))
		ph->k8s_name = 1;
	if (runbook_word_in(l, strlen(l), whole, 0))
		ph->k8s_name = 1;
	ph->pod = strstr(l, "pod") != NULL;
	if (!ph->k8s_name && (has_secret || (has_key && has_keyq)))
		ph->secret = 1;
}

static int runbook_secret_var(const char *name)
{
	static const char *const words[] = {
		"TOKEN", "PASSWORD", "PASSWD", "SECRET", "KEY", "CREDENTIAL", NULL,
	};
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strstr(name, words[i]) != NULL)
			return 1;
	return 0;
}

static void runbook_add_placeholder(struct step *st, const char *tok, size_t n, char *env, int var)
{
	struct placeholder *ph;
	size_t i;

	for (i = 0; i < st->nplaceholders; i++)
		if (strcmp(st->placeholders[i].env, env) == 0) {
			free(env);
			return;
		}
	if (st->nplaceholders >= RUNBOOK_MAX_PLACEHOLDERS) {
		static const char cut[] = "more than 64 placeholders: the rest are not asked for";

		for (i = 0; i < st->nwarnings && strcmp(st->warnings[i], cut) != 0; i++)
			;
		if (i == st->nwarnings)
			runbook_push_str(&st->warnings, &st->nwarnings, xstrdup(cut));
		free(env);
		return;
	}
	st->placeholders =
		xrealloc(st->placeholders, (st->nplaceholders + 1) * sizeof(*st->placeholders));
	ph = &st->placeholders[st->nplaceholders++];
	memset(ph, 0, sizeof(*ph));
	ph->env = env;
	if (var) {
		ph->token = xasprintf(tok[1] == '{' ? "${%s}" : "$%s", env);
		ph->label = xstrdup(env);
		ph->secret = runbook_secret_var(env);
	} else {
		ph->token = xstrndup(tok, n);
		ph->label = xstrndup(tok + 1, n - 2);
		runbook_angle_flags(ph);
	}
}

/* The byte a run of RB_SQ bytes around t[i] starts with ('\'' for a
 * string literal, '$' for a $$ body). */
static char runbook_sq_start(const char *t, const unsigned char *ctx, size_t i)
{
	while (i > 0 && ctx[i - 1] == RB_SQ)
		i--;
	return t[i];
}

/* 1 if t[i] is inside a {{ ... }} template (Grafana, Alertmanager). */
static int runbook_in_template(const char *t, size_t i)
{
	size_t k;

	for (k = i; k >= 2; k--) {
		if (t[k - 1] == '}' && t[k - 2] == '}')
			return 0;
		if (t[k - 1] == '{' && t[k - 2] == '{')
			return 1;
	}
	return 0;
}

/* Why a '$' at t[i] of a step of kind is not a placeholder whatever
 * follows it, or NULL. */
static const char *runbook_dollar_left(enum step_kind kind, const char *t, size_t n,
				       const unsigned char *ctx, size_t i)
{
	switch (kind) {
	case STEP_SHELL:
		return ctx[i] == RB_SQ || ctx[i] == RB_ANSI || ctx[i] == RB_HEREDOC_LIT ? "quoted"
											: NULL;
	case STEP_SQL:
		if (ctx[i] == RB_SQ)
			return runbook_sq_start(t, ctx, i) == '$'
				       ? "is inside a $$ body (left as written)"
				       : "is inside a SQL string literal: text";
		if (ctx[i] == RB_DQ)
			return "is inside a quoted identifier";
		return NULL;
	case STEP_PROMQL:
		if (i + 2 < n && t[i + 1] == '_' && t[i + 2] == '_')
			return "is a Grafana variable";
		if (runbook_in_template(t, i))
			return "is inside a {{ }} template";
		return NULL;
	default:
		return NULL;
	}
}

size_t runbook_ref_at(enum step_kind kind, const char *t, size_t n, const unsigned char *ctx,
		      size_t i, struct runbook_ref *r)
{
	size_t len;

	memset(r, 0, sizeof *r);
	if (ctx[i] == RB_COMMENT || ctx[i] == RB_ESCAPED || kind == STEP_YAML)
		return 0;
	if (t[i] == '<')
		return runbook_placeholder_len(t, n, i);
	if (t[i] != '$' || runbook_dollar_left(kind, t, n, ctx, i) != NULL)
		return 0;
	len = runbook_var_len(t, n, i, &r->name, &r->nlen, &r->defaulted);
	r->var = len > 0;
	return len;
}

char *runbook_ref_env(const char *t, size_t i, size_t len, const struct runbook_ref *r)
{
	return r->var ? xstrndup(t + r->name, r->nlen) : runbook_env_of_angle(t + i, len);
}

void runbook_find_placeholders(struct step *st)
{
	const char *t = st->command;
	size_t n = strlen(t);
	unsigned char *ctx = runbook_scan(st->kind, t, n);
	struct runbook_names assigned;
	size_t i;

	assigned.n = 0;
	if (st->kind == STEP_SHELL)
		runbook_assigned(t, n, ctx, &assigned);
	for (i = 0; i < n; i++) {
		struct runbook_ref r;
		size_t len = runbook_ref_at(st->kind, t, n, ctx, i, &r);

		if (len == 0)
			continue;
		if (!r.var)
			runbook_add_placeholder(st, t + i, len, runbook_env_of_angle(t + i, len),
						0);
		else if (!r.defaulted && !runbook_std_env(t + r.name, r.nlen) &&
			 !runbook_name_listed(&assigned, t + r.name, r.nlen))
			runbook_add_placeholder(st, t + i, len, xstrndup(t + r.name, r.nlen), 1);
		i += len - 1;
	}
	for (i = 0; i < assigned.n; i++)
		free(assigned.name[i]);
	free(ctx);
}

size_t runbook_left_alone(enum step_kind kind, const char *text, char **out, size_t max)
{
	size_t n = strlen(text), i, k = 0;
	unsigned char *ctx;

	if (kind == STEP_SHELL || kind == STEP_YAML)
		return 0;
	ctx = runbook_scan(kind, text, n);
	for (i = 0; i < n && k < max; i++) {
		const char *why;
		size_t name, nlen, len = 0;
		int defaulted;

		if (text[i] != '$' || ctx[i] == RB_COMMENT || ctx[i] == RB_ESCAPED)
			continue;
		if (kind == STEP_SQL && ctx[i] == RB_CODE && i + 1 < n &&
		    isdigit((unsigned char)text[i + 1])) {
			for (len = 1; i + len < n && isdigit((unsigned char)text[i + len]); len++)
				;
			why = "is a SQL parameter";
		} else {
			why = runbook_dollar_left(kind, text, n, ctx, i);
			if (why != NULL) {
				len = runbook_var_len(text, n, i, &name, &nlen, &defaulted);
				if (len == 0 && kind == STEP_PROMQL && text[i + 1] == '_')
					for (len = 1; i + len < n &&
						      (isalnum((unsigned char)text[i + len]) ||
						       text[i + len] == '_');
					     len++)
						;
			}
		}
		if (why == NULL || len == 0)
			continue;
		out[k++] = xasprintf("placeholder left alone: %.*s %s", (int)len, text + i, why);
		i += len - 1;
	}
	free(ctx);
	return k;
}

char *runbook_step_script(const struct step *st)
{
	const char *t = st->command;
	size_t n = strlen(t);
	unsigned char *ctx;
	struct strbuf sb = { 0 };
	size_t i;

	if (st->kind != STEP_SHELL)
		return xstrdup(t);
	ctx = runbook_scan(st->kind, t, n);
	for (i = 0; i < n; i++) {
		size_t len = t[i] == '<' ? runbook_placeholder_len(t, n, i) : 0;
		char *env;

		if (len == 0 || ctx[i] == RB_COMMENT || ctx[i] == RB_ESCAPED ||
		    ctx[i] == RB_HEREDOC_LIT) {
			strbuf_putc(&sb, t[i]);
			continue;
		}
		env = runbook_env_of_angle(t + i, len);
		switch (ctx[i]) {
		case RB_DQ:
		case RB_HEREDOC:
			strbuf_printf(&sb, "${%s}", env);
			break;
		case RB_SQ:
			strbuf_printf(&sb, "'\"${%s}\"'", env);
			break;
		case RB_ANSI:
			strbuf_printf(&sb, "'\"${%s}\"$'", env);
			break;
		default:
			strbuf_printf(&sb, "\"${%s}\"", env);
			break;
		}
		free(env);
		i += len - 1;
	}
	free(ctx);
	return strbuf_detach(&sb);
}

int runbook_valid_k8s_name(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	size_t i;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && c != '-' && c != '.')
			return 0;
		/* each dot-separated label starts and ends alphanumeric */
		if ((i == 0 || s[i - 1] == '.') && !alnum)
			return 0;
		if ((i + 1 == n || s[i + 1] == '.') && !alnum)
			return 0;
	}
	return 1;
}

char **runbook_step_env(const struct step *st, const char *const *values, char *err, size_t errlen)
{
	char **env = xcalloc(st->nplaceholders + 1, sizeof(*env));
	size_t i;

	for (i = 0; i < st->nplaceholders; i++) {
		const struct placeholder *ph = &st->placeholders[i];
		const char *v = values != NULL ? values[i] : NULL;
		const char *why = NULL;

		if (v == NULL || *v == '\0')
			why = "a value is required";
		else if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL)
			why = "the value must be a single line";
		else if (ph->k8s_name && !runbook_valid_k8s_name(v))
			why = "not a valid Kubernetes name (lower-case letters, digits, '-' "
			      "and '.', at most 253)";
		if (why != NULL) {
			size_t k;

			snprintf(err, errlen, "%s: %s", ph->token, why);
			for (k = 0; k < i; k++)
				free(env[k]);
			free(env);
			return NULL;
		}
		env[i] = xasprintf("%s=%s", ph->env, v);
	}
	return env;
}
