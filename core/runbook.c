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
 * threads: callers on any thread, one set per caller.
 */
#include "core/runbook.h"

#include "core/lint.h"
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
#include <sys/stat.h>

#define RUNBOOK_MAX_FILE (4u << 20)
#define RUNBOOK_MAX_NEST 64
#define RUNBOOK_MAX_HEREDOCS 8
#define RUNBOOK_RENDER_DEPTH 32
#define RUNBOOK_MAX_ENTRIES 10000   /* per file: more is not a runbook */
#define RUNBOOK_MAX_STEPS 10000     /* per file */
#define RUNBOOK_MAX_PLACEHOLDERS 64 /* per step */
#define RUNBOOK_MAX_ASSIGNED 256    /* names a step assigns itself */

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

static char *runbook_trim_dup(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static void runbook_push_str(char ***arr, size_t *n, char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = s;
}

static void runbook_free_strs(char **arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(arr[i]);
	free(arr);
}

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

		if (st == RUNBOOK_ST_SQ) {
			ctx[i++] = RB_SQ;
			if (c == '\'')
				sp--;
			continue;
		}
		if (st == RUNBOOK_ST_ANSI) {
			ctx[i++] = RB_ANSI;
			if (c == '\\' && i < n)
				ctx[i++] = RB_ANSI;
			else if (c == '\'')
				sp--;
			continue;
		}
		if (st == RUNBOOK_ST_DQ) {
			ctx[i] = RB_DQ;
			if (c == '\\' && i + 1 < n) {
				ctx[i + 1] = RB_ESCAPED;
				i += 2;
				continue;
			}
			if (c == '"') {
				sp--;
			} else if (c == '$' && nx == '(' && sp + 1 < RUNBOOK_MAX_NEST) {
				ctx[i + 1] = RB_DQ;
				stack[++sp] = RUNBOOK_ST_SUB;
				i += 2;
				word_start = 1;
				continue;
			} else if (c == '`' && sp + 1 < RUNBOOK_MAX_NEST) {
				stack[++sp] = RUNBOOK_ST_BQ;
				word_start = 1;
			}
			i++;
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

static int runbook_word_in(const char *w, size_t n, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	return 0;
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
		if (runbook_word_in(s, (size_t)(p - s), res))
			has_res = 1;
		if (runbook_word_in(s, (size_t)(p - s), secret))
			has_secret = 1;
		if (runbook_word_in(s, (size_t)(p - s), keyq))
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
	if (runbook_word_in(l, strlen(l), whole))
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

static void runbook_find_placeholders(struct step *st)
{
	const char *t = st->command;
	size_t n = strlen(t);
	unsigned char *ctx = runbook_scan(st->kind, t, n);
	struct runbook_names assigned;
	int shell = st->kind == STEP_SHELL;
	size_t i;

	assigned.n = 0;
	if (shell)
		runbook_assigned(t, n, ctx, &assigned);
	for (i = 0; i < n; i++) {
		size_t len, name, nlen;
		int defaulted;

		if (ctx[i] == RB_COMMENT || ctx[i] == RB_ESCAPED)
			continue;
		if (t[i] == '<' && (len = runbook_placeholder_len(t, n, i)) > 0) {
			runbook_add_placeholder(st, t + i, len, runbook_env_of_angle(t + i, len),
						0);
			i += len - 1;
			continue;
		}
		if (!shell || t[i] != '$' || ctx[i] == RB_SQ || ctx[i] == RB_ANSI ||
		    ctx[i] == RB_HEREDOC_LIT)
			continue;
		len = runbook_var_len(t, n, i, &name, &nlen, &defaulted);
		if (len == 0)
			continue;
		if (!defaulted && !runbook_std_env(t + name, nlen) &&
		    !runbook_name_listed(&assigned, t + name, nlen))
			runbook_add_placeholder(st, t + i, len, xstrndup(t + name, nlen), 1);
		i += len - 1;
	}
	for (i = 0; i < assigned.n; i++)
		free(assigned.name[i]);
	free(ctx);
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

/* ------------------------------------------------------------------ */
/* Annotations                                                         */

struct runbook_annot {
	int changing;    /* -1 unset, 0 read-only, 1 changing */
	int destructive; /* -1 unset, 0, 1 */
	int interactive; /* -1 unset */
	int confirm;
	double timeout; /* < 0 unset */
	char *target;
	char *confirm_text;
	char **alerts; /* alerts=NAME,... : the entry's alert names */
	size_t nalerts;
	char **findings; /* findings=KIND,... : the Triage findings it fixes */
	size_t nfindings;
	char **errors;
	size_t nerrors;
};

static void runbook_annot_init(struct runbook_annot *a)
{
	memset(a, 0, sizeof(*a));
	a->changing = a->destructive = a->interactive = -1;
	a->timeout = -1;
}

static void runbook_annot_free(struct runbook_annot *a)
{
	size_t i;

	free(a->target);
	free(a->confirm_text);
	runbook_free_strs(a->alerts, a->nalerts);
	runbook_free_strs(a->findings, a->nfindings);
	for (i = 0; i < a->nerrors; i++)
		free(a->errors[i]);
	free(a->errors);
	runbook_annot_init(a);
}

static void runbook_annot_merge(struct runbook_annot *dst, const struct runbook_annot *src)
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
	if (src->target != NULL) {
		free(dst->target);
		dst->target = xstrdup(src->target);
	}
	if (src->confirm_text != NULL) {
		free(dst->confirm_text);
		dst->confirm_text = xstrdup(src->confirm_text);
	}
	for (i = 0; i < src->nerrors; i++)
		runbook_push_str(&dst->errors, &dst->nerrors, xstrdup(src->errors[i]));
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

static void runbook_annot_parse(struct runbook_annot *a, const char *s, size_t n)
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
static int runbook_annot_html(struct runbook_annot *a, const char *html)
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
	for (i = 0; i < st->nwarnings; i++)
		free(st->warnings[i]);
	free(st->warnings);
}

static void runbook_entry_free(struct runbook_entry *e)
{
	size_t i;

	free(e->title);
	free(e->file);
	for (i = 0; i < e->nsymptoms; i++)
		free(e->symptoms[i]);
	free(e->symptoms);
	for (i = 0; i < e->nsteps; i++)
		runbook_step_free(&e->steps[i]);
	free(e->steps);
	free(e->text);
	runbook_free_strs(e->alerts, e->nalerts);
	runbook_free_strs(e->findings, e->nfindings);
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
static int runbook_kind_of(const char *lang)
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

struct runbook_heading {
	int level;
	char *text;
};

struct runbook_scope {
	int active;
	int symptom;
	int lazy;      /* create a procedure at the first runnable block */
	int reference; /* becomes reference text if nothing else */
	long entry;    /* index into the build, or -1 */
	char *title;
	int line;
	size_t start, end; /* top-level node range (start = heading) */
	struct runbook_heading stack[8];
	int depth;
	char *caption;
	struct runbook_annot pending;
	int has_pending;
	char **alerts; /* alerts= and findings= seen before a lazy entry exists */
	size_t nalerts;
	char **findings;
	size_t nfindings;
};

struct runbook_build {
	const char *name;
	struct runbook_entry *entries;
	size_t n;
	size_t nsteps; /* in all entries, capped at RUNBOOK_MAX_STEPS */
};

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

static int runbook_heading_phase(const char *h)
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

static struct runbook_entry *runbook_new_entry(struct runbook_build *b, enum entry_type type,
					       const char *title, int line)
{
	struct runbook_entry *e;

	if (b->n >= RUNBOOK_MAX_ENTRIES)
		return NULL;
	b->entries = xrealloc(b->entries, (b->n + 1) * sizeof(*b->entries));
	e = &b->entries[b->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->title = xstrdup(title);
	e->file = xstrdup(b->name);
	e->line = line;
	return e;
}

static void runbook_scope_clear_pending(struct runbook_scope *sc)
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
	if (st->destructive && st->target == NULL) {
		char *text = runbook_strip_comments(st->kind, st->command);
		const char *p = text;
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		n = strcspn(p, " \t\n");
		st->target = xstrndup(p, n);
		free(text);
	}
	if (a.interactive >= 0)
		st->interactive = a.interactive;
	if (a.confirm) {
		st->confirm_note = 1;
		if (a.confirm_text != NULL)
			st->confirm_text = xstrdup(a.confirm_text);
	}
	if (a.timeout >= 0)
		st->timeout = a.timeout;

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

/* One step from the whole block: leading comments title it. */
static void runbook_block_single(struct runbook_block *bk, const struct runbook_line *lines,
				 size_t n, int first_line)
{
	struct strbuf title = { 0 };
	struct runbook_annot chunk;
	size_t i = 0;

	runbook_annot_init(&chunk);
	while (i < n && (lines[i].blank || runbook_title_line(bk->kind, &lines[i]))) {
		if (!lines[i].blank && !runbook_annot_line(bk->kind, &lines[i], &chunk))
			runbook_title_add(&title, bk->kind, &lines[i]);
		i++;
	}
	runbook_emit_step(bk, title.buf != NULL ? title.buf : "", lines, i, n, first_line + (int)i,
			  &chunk);
	runbook_annot_free(&chunk);
	strbuf_free(&title);
}

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
		j = i;
		while (j < end && runbook_title_line(bk->kind, &lines[j])) {
			if (!runbook_annot_line(bk->kind, &lines[j], &chunk))
				runbook_title_add(&title, bk->kind, &lines[j]);
			j++;
		}
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

static void runbook_code_block(struct runbook_build *b, struct runbook_scope *sc, cmark_node *n)
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
	runbook_free_strs(sc->alerts, sc->nalerts);
	runbook_free_strs(sc->findings, sc->nfindings);
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

int runbook_parse(struct runbook_set *set, const char *name, const char *text, size_t len,
		  char *err, size_t errlen)
{
	cmark_node *doc, *c;
	cmark_node **tops = NULL;
	int *level = NULL, *symptom = NULL;
	size_t *end = NULL;
	size_t ntops = 0, i, j;
	int section = 7, h1s = 0, first_h = 0, other_min = 7, all_min = 7;
	struct runbook_build b = { 0 };
	struct runbook_scope sym, sec, pre;

	if (name == NULL)
		name = "";
	doc = cmark_parse_document(text != NULL ? text : "", text != NULL ? len : 0,
				   CMARK_OPT_VALIDATE_UTF8);
	if (doc == NULL) {
		snprintf(err, errlen, "%s: cannot parse Markdown", name);
		return -1;
	}
	for (c = cmark_node_first_child(doc); c != NULL; c = cmark_node_next(c))
		ntops++;
	tops = xcalloc(ntops + 1, sizeof(*tops));
	level = xcalloc(ntops + 1, sizeof(*level));
	symptom = xcalloc(ntops + 1, sizeof(*symptom));
	end = xcalloc(ntops + 1, sizeof(*end));
	for (i = 0, c = cmark_node_first_child(doc); c != NULL; c = cmark_node_next(c), i++) {
		tops[i] = c;
		if (cmark_node_get_type(c) == CMARK_NODE_HEADING) {
			level[i] = cmark_node_get_heading_level(c);
			if (level[i] == 1)
				h1s++;
			if (first_h == 0)
				first_h = level[i];
			else if (level[i] < other_min)
				other_min = level[i];
			if (level[i] < all_min)
				all_min = level[i];
		}
	}
	section = h1s == 1 && first_h == 1 ? other_min : all_min;

	/* section ends, and symptoms: a direct sub-heading is "Symptoms" or
	 * "Diagnostic..." */
	for (i = 0; i < ntops; i++) {
		int sub = 7;

		if (level[i] == 0)
			continue;
		for (j = i + 1; j < ntops && (level[j] == 0 || level[j] > level[i]); j++)
			if (level[j] > 0 && level[j] < sub)
				sub = level[j];
		end[i] = j;
		for (j = i + 1; j < end[i]; j++) {
			char *t;

			if (level[j] != sub)
				continue;
			t = runbook_inline_text(tops[j]);
			if (runbook_is_symptoms_heading(t) || runbook_istarts(t, "diagnostic"))
				symptom[i] = 1;
			free(t);
			if (symptom[i])
				break;
		}
	}

	b.name = name;
	memset(&sym, 0, sizeof(sym));
	memset(&sec, 0, sizeof(sec));
	runbook_scope_open(&pre, runbook_basename(name), 1, 0, ntops);
	pre.lazy = 1;
	for (i = 0; i < ntops; i++) {
		struct runbook_scope *cur;
		char *t;

		if (sym.active && i >= sym.end)
			runbook_scope_close(&b, &sym, tops);
		if (sec.active && i >= sec.end)
			runbook_scope_close(&b, &sec, tops);
		if (level[i] == 0) {
			cur = sym.active ? &sym : sec.active ? &sec : &pre;
			runbook_visit(&b, cur, tops[i]);
			continue;
		}
		t = runbook_heading_title(tops[i]);
		if (!sym.active && symptom[i]) {
			runbook_scope_open(&sym, t, cmark_node_get_start_line(tops[i]), i, end[i]);
			sym.symptom = 1;
			if (runbook_new_entry(&b, ENTRY_SYMPTOM, t, sym.line) != NULL)
				sym.entry = (long)b.n - 1;
		} else if (!sym.active && level[i] == section) {
			int holds_symptom = 0;

			runbook_scope_close(&b, &sec, tops);
			for (j = i + 1; j < end[i]; j++)
				if (symptom[j])
					holds_symptom = 1;
			runbook_scope_open(&sec, t, cmark_node_get_start_line(tops[i]), i, end[i]);
			sec.lazy = 1;
			sec.reference = !holds_symptom;
		} else if (!sym.active && !sec.active && level[i] < section) {
			free(pre.title);
			pre.title = xstrdup(t);
			pre.line = cmark_node_get_start_line(tops[i]);
		} else {
			cur = sym.active ? &sym : sec.active ? &sec : &pre;
			runbook_scope_heading(cur, level[i], t);
		}
		free(t);
	}
	runbook_scope_close(&b, &sym, tops);
	runbook_scope_close(&b, &sec, tops);
	runbook_scope_close(&b, &pre, tops);
	free(tops);
	free(level);
	free(symptom);
	free(end);
	cmark_node_free(doc);

	if (b.n > 0) {
		set->entries =
			xrealloc(set->entries, (set->nentries + b.n) * sizeof(*set->entries));
		memcpy(set->entries + set->nentries, b.entries, b.n * sizeof(*b.entries));
		set->nentries += b.n;
	}
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

char *runbook_dump_json(const struct runbook_set *set)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "runbooks");
	size_t i, j, k;
	char *out;

	for (i = 0; set != NULL && i < set->nentries; i++) {
		const struct runbook_entry *e = &set->entries[i];
		cJSON *je, *syms, *steps;

		if (e->type == ENTRY_REFERENCE)
			continue;
		je = cJSON_CreateObject();
		cJSON_AddStringToObject(je, "title", e->title);
		cJSON_AddStringToObject(je, "type", runbook_type_name(e->type));
		cJSON_AddStringToObject(je, "file", e->file);
		cJSON_AddNumberToObject(je, "line", e->line);
		syms = cJSON_AddArrayToObject(je, "symptoms");
		for (j = 0; j < e->nsymptoms; j++)
			cJSON_AddItemToArray(syms, cJSON_CreateString(e->symptoms[j]));
		syms = cJSON_AddArrayToObject(je, "alerts");
		for (j = 0; j < e->nalerts; j++)
			cJSON_AddItemToArray(syms, cJSON_CreateString(e->alerts[j]));
		syms = cJSON_AddArrayToObject(je, "findings");
		for (j = 0; j < e->nfindings; j++)
			cJSON_AddItemToArray(syms, cJSON_CreateString(e->findings[j]));
		steps = cJSON_AddArrayToObject(je, "steps");
		for (j = 0; j < e->nsteps; j++) {
			const struct step *st = &e->steps[j];
			cJSON *js = cJSON_CreateObject();
			cJSON *ph, *w;

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
			w = cJSON_AddArrayToObject(js, "warnings");
			for (k = 0; k < st->nwarnings; k++)
				cJSON_AddItemToArray(w, cJSON_CreateString(st->warnings[k]));
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
