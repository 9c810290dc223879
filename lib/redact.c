/*
 * redact.c - masks secrets in text (see redact.h) before the terminal
 * toolkit shows, copies, transcribes or audits it. One forward scan over
 * the text looks for four shapes: a URL's userinfo password ("://u:P@"),
 * a PEM private key body, a token with a known prefix (AWS access key
 * ids, GitHub and GitLab tokens), and a word that starts a secret. The
 * words are a table (redact_rules): SQL's PASSWORD '...', pgcrypto's key
 * arguments, Redis AUTH, HELLO ... AUTH, MIGRATE ... AUTH/AUTH2, ACL
 * SETUSER >pw, requirepass and masterauth, Authorization and Bearer
 * credentials, a Kubernetes Secret's data/stringData and kubectl's
 * --from-literal; any other word that names a secret is followed by its
 * value (key=value, key: value, "key":"value", <key>value, --flag value,
 * and Kubernetes env name/value pairs). Values that are references ($VAR,
 * ${VAR}, $(cmd), {{ tmpl }}) are left alone. Pure functions over ASCII
 * rules (no locale), safe on any thread.
 */
#include "lib/redact.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/util.h"

#define REDACT_MASK "***"
/* How far after a secret-named "name:" a "value:" is still its value. */
#define REDACT_PENDING_LINES 2

/* Key names (compared case-insensitively, leading dashes dropped) whose
 * value is a secret. */
static const char *const redact_exact_keys[] = {
	"password",    "passwd",          "pwd",
	"secret",      "token",           "api_key",
	"apikey",      "api-key",         "access_key",
	"accesskey",   "secret_key",      "secretkey",
	"private_key", "privatekey",      "client_secret",
	"pgpassword",  "sasl.password",   "ssl.key.password",
	"auth_token",  "access_token",    "refresh_token",
	"id_token",    "session_token",   "masterauth",
	"requirepass", "secretaccesskey", NULL,
};

/* Key name endings (case-insensitive) that mark a secret. */
static const char *const redact_key_suffixes[] = {
	"password", "passwd", "_token", ".token", "-token",  "_secret", ".secret",
	"-secret",  "_key",   "_pass",  "_pwd",   "api-key", "apikey",  NULL,
};

/* Substrings of redact_is_secret_name(). */
static const char *const redact_name_parts[] = {
	"TOKEN",  "PASSWORD", "PASSWD",  "SECRET",      "CREDENTIAL",
	"APIKEY", "API_KEY",  "API-KEY", "PRIVATE_KEY", NULL,
};

/* Authorization schemes whose credential is a single word. */
static const char *const redact_single_word_schemes[] = {
	"bearer", "basic", "token", "apikey", NULL,
};

/* Tokens known by their prefix: the prefix stays, the rest is masked.
 * The rest is min..max characters of [A-Z0-9] (upper) or [A-Za-z0-9_]. */
static const struct redact_token {
	const char *prefix;
	size_t min, max;
	int upper;
} redact_tokens[] = {
	{ "AKIA", 16, 16, 1 }, /* AWS access key id */
	{ "ASIA", 16, 16, 1 }, /* AWS temporary access key id */
	{ "ghp_", 30, 255, 0 },   { "gho_", 30, 255, 0 }, { "ghu_", 30, 255, 0 },
	{ "ghs_", 30, 255, 0 },   { "ghr_", 30, 255, 0 }, { "github_pat_", 30, 255, 0 },
	{ "glpat-", 20, 255, 0 }, { NULL, 0, 0, 0 },
};

/* Redis commands whose option opt is followed, skip words later, by a
 * password; the option stands at word pos..maxpos after the command
 * ("HELLO 3 AUTH u pw", "MIGRATE h p k db t [COPY] [REPLACE] AUTH pw"). */
static const struct redact_redis_opt {
	const char *cmd, *opt;
	int pos, maxpos, skip;
} redact_redis_opts[] = {
	{ "hello", "auth", 1, 1, 1 },
	{ "migrate", "auth", 5, 7, 0 },
	{ "migrate", "auth2", 5, 7, 1 },
	{ NULL, NULL, 0, 0, 0 },
};

/* Where a Kubernetes Secret's data/stringData values are being masked. */
enum redact_map {
	REDACT_MAP_NONE,
	REDACT_MAP_YAML, /* a block map: keys indented under "data:" */
	REDACT_MAP_FLOW, /* a JSON object or YAML flow map: "data": {...} */
};

struct redact_ctx {
	const char *s;
	size_t len;
	size_t done; /* s[0..done) has been copied or masked */
	struct strbuf out;
	int pending;          /* a "name: <secret name>" awaits its "value:" */
	size_t pending_until; /* offset after which pending lapses */
	int secret_doc;       /* the text is (or holds) a Kubernetes Secret */
	enum redact_map map;  /* inside a Secret's data map */
	size_t map_ind;       /* YAML: indentation of "data:" */
	size_t key_ind;       /* YAML: of the map's keys; SIZE_MAX until seen */
	int depth;            /* FLOW: nesting, 1 for the map's own keys */
};

/* One word the scan stopped at: it starts at p, with dashes leading
 * dashes before name; j is past the word and any closing quote of a
 * quoted key ("password": 'AUTH' \"token\":). */
struct redact_word {
	size_t p, j;
	const char *name;
	size_t nlen;
	int dashes, quoted;
};

static int redact_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int redact_is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int redact_is_keychar(int c)
{
	return redact_is_alnum(c) || c == '_' || c == '.' || c == '-';
}

static int redact_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int redact_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int redact_ieq(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lit[i] == '\0' || redact_lower((unsigned char)s[i]) != lit[i])
			return 0;
	}
	return lit[n] == '\0';
}

static int redact_istarts(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && redact_ieq(s, m, lit);
}

static int redact_iends(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && redact_ieq(s + n - m, m, lit);
}

static int redact_in(const char *s, size_t n, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (redact_ieq(s, n, *list))
			return 1;
	}
	return 0;
}

/* Case-insensitive substring test of an upper-case needle. */
static int redact_icontains(const char *s, size_t n, const char *upper)
{
	size_t m = strlen(upper), i, j;

	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m; j++) {
			int c = (unsigned char)s[i + j];

			if ((c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c) != upper[j])
				break;
		}
		if (j == m)
			return 1;
	}
	return 0;
}

/* 1 if a key (leading dashes already dropped) names a secret value. */
static int redact_key_is_secret(const char *k, size_t n)
{
	const char *const *p;

	if (n == 0)
		return 0;
	if (redact_in(k, n, redact_exact_keys))
		return 1;
	for (p = redact_key_suffixes; *p != NULL; p++) {
		if (redact_iends(k, n, *p))
			return 1;
	}
	/* camelCase: authToken, clientSecret */
	if (n > 5 && strncmp(k + n - 5, "Token", 5) == 0 && !(k[n - 6] >= 'A' && k[n - 6] <= 'Z'))
		return 1;
	if (n > 6 && strncmp(k + n - 6, "Secret", 6) == 0 && !(k[n - 7] >= 'A' && k[n - 7] <= 'Z'))
		return 1;
	return 0;
}

int redact_is_secret_name(const char *name)
{
	const char *const *p;
	size_t n;

	if (name == NULL)
		return 0;
	n = strlen(name);
	for (p = redact_name_parts; *p != NULL; p++) {
		if (redact_icontains(name, n, *p))
			return 1;
	}
	return redact_iends(name, n, "key") || redact_iends(name, n, "_pass");
}

/* A value that refers to a secret instead of holding it. */
static int redact_is_reference(const char *v, size_t n)
{
	return (n >= 1 && v[0] == '$') || (n >= 2 && v[0] == '{' && v[1] == '{');
}

static void redact_copy_to(struct redact_ctx *c, size_t pos)
{
	if (pos > c->done) {
		strbuf_append(&c->out, c->s + c->done, pos - c->done);
		c->done = pos;
	}
}

/* Replace s[from..to) by the mask, unless empty or a reference. */
static void redact_mask(struct redact_ctx *c, size_t from, size_t to)
{
	if (to <= from || from < c->done || redact_is_reference(c->s + from, to - from))
		return;
	redact_copy_to(c, from);
	strbuf_append(&c->out, REDACT_MASK, sizeof REDACT_MASK - 1);
	c->done = to;
}

static size_t redact_skip_blanks(const struct redact_ctx *c, size_t i)
{
	while (i < c->len && redact_is_blank((unsigned char)c->s[i]))
		i++;
	return i;
}

/* Whether a list separator before i ends the value: it is followed by
 * white space or the end ("x; make", "1, 2"), or by an optional quote, a
 * key and '=' or ':' ("a,b=c", "&ssl=1"). Otherwise the separator is part
 * of the secret ("p@ss,word"). */
static int redact_next_is_key(const struct redact_ctx *c, size_t i)
{
	size_t k;

	if (i >= c->len || redact_is_space((unsigned char)c->s[i]))
		return 1;
	if (c->s[i] == '"' || c->s[i] == '\'')
		i++;
	for (k = i; k < c->len && redact_is_keychar((unsigned char)c->s[k]); k++)
		;
	if (k == i)
		return 0;
	if (k < c->len && (c->s[k] == '"' || c->s[k] == '\''))
		k++;
	k = redact_skip_blanks(c, k);
	return k < c->len && (c->s[k] == '=' || c->s[k] == ':');
}

static int redact_unquoted_stop(const struct redact_ctx *c, size_t i, int ws_only)
{
	int ch = (unsigned char)c->s[i];

	if (redact_is_space(ch) || ch == '"' || ch == '\'' || ch == '`')
		return 1;
	if (ws_only)
		return 0;
	if (ch == '\\')
		return i + 1 < c->len && c->s[i + 1] == '"';
	if (ch == ',' || ch == ';' || ch == '&')
		return redact_next_is_key(c, i + 1);
	return ch == '}' || ch == ']' || ch == '<';
}

/* Bounds of the value starting at v: *in0..*in1 is its body (inside any
 * quotes); returns the offset just past it. ws_only: an unquoted value
 * ends only at white space or a quote. */
static size_t redact_value_bounds(const struct redact_ctx *c, size_t v, int ws_only, size_t *in0,
				  size_t *in1)
{
	const char *s = c->s;
	size_t e;
	char q;

	*in0 = *in1 = v;
	if (v >= c->len)
		return v;
	if (s[v] == '\\' && v + 1 < c->len && s[v + 1] == '"') {
		/* an escaped quote: JSON inside a JSON string */
		for (e = v + 2; e < c->len && s[e] != '\n'; e++) {
			if (s[e] == '\\' && e + 1 < c->len && s[e + 1] == '"')
				break;
		}
		*in0 = v + 2;
		*in1 = e;
		return e < c->len && s[e] == '\\' ? e + 2 : e;
	}
	if (s[v] == '\'' && v + 2 < c->len && s[v + 1] == '\'' && s[v + 2] != '\'' &&
	    !redact_is_space((unsigned char)s[v + 2])) {
		/* ''x'': a quoted value inside a SQL literal (dblink's conninfo) */
		for (e = v + 2; e < c->len && s[e] != '\n'; e++) {
			if (s[e] == '\'' && e + 1 < c->len && s[e + 1] == '\'')
				break;
		}
		*in0 = v + 2;
		*in1 = e;
		return e < c->len && s[e] == '\'' ? e + 2 : e;
	}
	if (s[v] == '"' || s[v] == '\'') {
		q = s[v];
		for (e = v + 1; e < c->len && s[e] != '\n'; e++) {
			if (q == '"' && s[e] == '\\' && e + 1 < c->len && s[e + 1] != '\n')
				e++;
			else if (q == '\'' && s[e] == q && e + 1 < c->len && s[e + 1] == q)
				e++; /* 'it''s': a doubled quote is part of the value */
			else if (s[e] == q)
				break;
		}
		if (e > c->len)
			e = c->len;
		*in0 = v + 1;
		*in1 = e;
		return e < c->len && s[e] == q ? e + 1 : e;
	}
	for (e = v; e < c->len && !redact_unquoted_stop(c, e, ws_only); e++)
		;
	*in1 = e;
	return e;
}

/* Mask the value at v; returns the offset just past it. */
static size_t redact_value(struct redact_ctx *c, size_t v, int ws_only)
{
	size_t in0, in1, end = redact_value_bounds(c, v, ws_only, &in0, &in1);

	redact_mask(c, in0, in1);
	return end > v ? end : v;
}

/* After a key ending at j: a key=value / key: value / key := value
 * separator. Returns the value's offset, or 0 when there is none. */
static size_t redact_separator(const struct redact_ctx *c, size_t j)
{
	const char *s = c->s;

	j = redact_skip_blanks(c, j);
	if (j >= c->len)
		return 0;
	if (s[j] == ':') {
		if (j + 2 < c->len && s[j + 1] == '/' && s[j + 2] == '/')
			return 0;
		j++;
		if (j < c->len && s[j] == '=')
			j++;
	} else if (s[j] == '=') {
		j++;
	} else {
		return 0;
	}
	j = redact_skip_blanks(c, j);
	return j < c->len ? j : 0;
}

/* A token with a known prefix filling s[p..end) exactly: mask what
 * follows the prefix. Returns 1 when it was one. */
static int redact_token_at(struct redact_ctx *c, size_t p, size_t end)
{
	const struct redact_token *t;
	size_t i, n;

	for (t = redact_tokens; t->prefix != NULL; t++) {
		n = strlen(t->prefix);
		if (end - p < n + t->min || end - p > n + t->max ||
		    strncmp(c->s + p, t->prefix, n) != 0)
			continue;
		for (i = p + n; i < end; i++) {
			int ch = (unsigned char)c->s[i];

			if (t->upper ? !((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
				     : !(redact_is_alnum(ch) || ch == '_' || ch == '-'))
				break;
		}
		if (i < end)
			continue;
		redact_mask(c, p + n, end);
		return 1;
	}
	return 0;
}

/* "scheme://user:PASS@host": mask PASS; "scheme://TOKEN@host" too. p is
 * at "://". */
static size_t redact_url(struct redact_ctx *c, size_t p)
{
	const char *s = c->s;
	size_t a = p + 3, e, at = 0, colon = 0, i;

	for (e = a; e < c->len; e++) {
		int ch = (unsigned char)s[e];

		if (ch == '/' || ch == '?' || ch == '#' || redact_is_space(ch) || ch == '"' ||
		    ch == '\'' || ch == '<' || ch == '>' || ch == '`' || ch == '\\' || ch < 0x20)
			break;
		if (ch == '@')
			at = e;
	}
	if (at == 0)
		return a;
	for (i = a; i < at; i++) {
		if (s[i] == ':') {
			colon = i;
			break;
		}
	}
	if (colon != 0)
		redact_mask(c, colon + 1, at);
	else
		redact_token_at(c, a, at);
	return at + 1;
}

/* "\\n" at i: a newline escaped in a JSON or YAML string. */
static int redact_is_escaped_nl(const struct redact_ctx *c, size_t i)
{
	return i + 1 < c->len && c->s[i] == '\\' && c->s[i + 1] == 'n';
}

/* "-----BEGIN ... PRIVATE KEY-----" (or "PRIVATE KEY BLOCK", PGP's): mask
 * the body up to "-----END", keeping the line breaks around it. */
static size_t redact_pem(struct redact_ctx *c, size_t p)
{
	const char *s = c->s;
	size_t h, b, e;
	const char *end;

	for (h = p + 10; h + 5 <= c->len && s[h] != '\n'; h++) {
		if (strncmp(s + h, "-----", 5) == 0)
			break;
	}
	if (h + 5 > c->len || s[h] == '\n' || h < p + 21 ||
	    (strncmp(s + h - 11, "PRIVATE KEY", 11) != 0 &&
	     (h < p + 27 || strncmp(s + h - 17, "PRIVATE KEY BLOCK", 17) != 0)))
		return p + 10;
	h += 5;
	b = h;
	while (b < c->len && (redact_is_space((unsigned char)s[b]) || redact_is_escaped_nl(c, b)))
		b += redact_is_escaped_nl(c, b) ? 2 : 1;
	end = NULL;
	for (e = b; e + 8 <= c->len; e++) {
		if (s[e] == '-' && strncmp(s + e, "-----END", 8) == 0) {
			end = s + e;
			break;
		}
	}
	e = end != NULL ? (size_t)(end - s) : c->len;
	while (e > b && (redact_is_space((unsigned char)s[e - 1]) ||
			 (e >= b + 2 && redact_is_escaped_nl(c, e - 2))))
		e -= redact_is_space((unsigned char)s[e - 1]) ? 1 : 2;
	redact_mask(c, b, e);
	return e > h ? e : h;
}

/* Whether text on the current line before p contains needle. */
static int redact_line_has(const struct redact_ctx *c, size_t p, const char *needle)
{
	size_t b = p, m = strlen(needle), i;

	while (b > 0 && c->s[b - 1] != '\n')
		b--;
	for (i = b; i + m <= p; i++) {
		if (memcmp(c->s + i, needle, m) == 0)
			return 1;
	}
	return 0;
}

/* The indentation of the line holding p (spaces and YAML's "- "); *first
 * is set when the word at p (or its opening quote) is the line's first. */
static size_t redact_indent(const struct redact_ctx *c, size_t p, int quoted, int *first)
{
	size_t b = p, i;

	while (b > 0 && c->s[b - 1] != '\n')
		b--;
	for (i = b; i < p && (c->s[i] == ' ' || (c->s[i] == '-' && c->s[i + 1] == ' ')); i++)
		;
	*first = i == p - (quoted ? 1 : 0);
	return i - b;
}

/* Whether a Redis command word stands where a command starts: first on
 * its line, after a redis-cli prompt ("host:6379> ") or redis-cli's own
 * arguments, or quoted (MONITOR's "AUTH" "p"). */
static int redact_at_command(const struct redact_ctx *c, const struct redact_word *w)
{
	size_t b = w->p;

	if (w->quoted)
		return 1;
	while (b > 0 && redact_is_blank((unsigned char)c->s[b - 1]))
		b--;
	return b == 0 || c->s[b - 1] == '\n' || c->s[b - 1] == '\r' || c->s[b - 1] == '>' ||
	       redact_line_has(c, w->p, "redis-cli");
}

/* Redis AUTH as a command word: "AUTH p", "AUTH user p", MONITOR's
 * "AUTH" "p"; docker config's "auth": "<base64 user:pass>". */
static size_t redact_auth(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	size_t args[3], ends[3], in0, in1, a, v;
	int nargs = 0, target;

	if (w->quoted && (v = redact_separator(c, w->j)) != 0)
		return redact_value(c, v, 0);
	if (!redact_at_command(c, w) || w->j >= c->len ||
	    !redact_is_blank((unsigned char)c->s[w->j]))
		return w->j;
	a = redact_skip_blanks(c, w->j);
	while (nargs < 3 && a < c->len && c->s[a] != '\n' && c->s[a] != '\r') {
		args[nargs] = a;
		ends[nargs] = redact_value_bounds(c, a, 1, &in0, &in1);
		if (ends[nargs] == a)
			break;
		a = redact_skip_blanks(c, ends[nargs]);
		nargs++;
	}
	/* AUTH takes one or two arguments; a longer unquoted line is prose */
	if (nargs == 0 || (nargs > 2 && !w->quoted))
		return w->j;
	target = nargs == 1 ? 0 : 1;
	return redact_value(c, args[target], 1);
}

/* A Redis command with an AUTH option (redact_redis_opts): "HELLO 3 AUTH
 * user pw", "MIGRATE h 6379 k 0 5000 AUTH2 user pw". */
static size_t redact_redis_cmd(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	const struct redact_redis_opt *o;
	size_t a = w->j, end, in0, in1;
	int pos = 0, skip = -1;

	if (!redact_at_command(c, w))
		return 0;
	for (;;) {
		a = redact_skip_blanks(c, a);
		if (a >= c->len || c->s[a] == '\n' || c->s[a] == '\r')
			return 0;
		end = redact_value_bounds(c, a, 1, &in0, &in1);
		if (end == a)
			return 0;
		if (skip == 0)
			return redact_value(c, a, 1);
		if (skip > 0) {
			skip--;
		} else {
			for (o = redact_redis_opts; o->cmd != NULL; o++) {
				if (redact_ieq(w->name, w->nlen, o->cmd) && pos >= o->pos &&
				    pos <= o->maxpos && redact_ieq(c->s + in0, in1 - in0, o->opt))
					skip = o->skip;
			}
		}
		if (skip < 0 && pos++ > 16)
			return 0;
		a = end;
	}
}

/* ACL SETUSER name ... >password ... (and <password, which removes one
 * but names it). */
static size_t redact_acl_setuser(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	size_t a = w->j, end, in0, in1, last = 0;

	for (;;) {
		a = redact_skip_blanks(c, a);
		if (a >= c->len || c->s[a] == '\n' || c->s[a] == '\r')
			break;
		end = redact_value_bounds(c, a, 1, &in0, &in1);
		if (end == a)
			break;
		if (in1 > in0 + 1 && (c->s[in0] == '>' || c->s[in0] == '<')) {
			redact_mask(c, in0 + 1, in1);
			last = end;
		}
		a = end;
	}
	return last;
}

/* "Authorization: <scheme> <credential>" or "Authorization: <token>". */
static size_t redact_authorization(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	const char *s = c->s;
	size_t v = redact_separator(c, w->j), w0, w1, x, e;
	char q = 0;

	if (v == 0)
		return w->j;
	if (s[v] == '"' || s[v] == '\'')
		q = s[v++];
	else if (s[v] == '\\' && v + 1 < c->len && s[v + 1] == '"')
		v += 2;
	w0 = v;
	for (w1 = w0; w1 < c->len && !redact_unquoted_stop(c, w1, 1); w1++)
		;
	x = redact_skip_blanks(c, w1);
	if (x > w1 && x < c->len && !redact_unquoted_stop(c, x, 1)) {
		if (redact_in(s + w0, w1 - w0, redact_single_word_schemes)) {
			for (e = x; e < c->len && !redact_unquoted_stop(c, e, 1); e++)
				;
		} else {
			for (e = x; e < c->len && s[e] != '\n' && s[e] != '\r' && s[e] != q; e++)
				;
		}
		redact_mask(c, x, e);
		return e > x ? e : x;
	}
	redact_mask(c, w0, w1);
	return w1 > w0 ? w1 : w0;
}

/* "Bearer T" anywhere; "Bearer token" is prose, not a credential. */
static size_t redact_bearer(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	size_t v = redact_skip_blanks(c, w->j), in0, in1, end;

	if (v == w->j || v >= c->len)
		return w->j;
	end = redact_value_bounds(c, v, 0, &in0, &in1);
	if (!redact_ieq(c->s + in0, in1 - in0, "token"))
		redact_mask(c, in0, in1);
	return end > v ? end : v;
}

/* "requirepass V", "masterauth: V", CONFIG GET's "1) requirepass\n2) V". */
static size_t redact_redis_config(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	const char *s = c->s;
	size_t v = redact_skip_blanks(c, w->j), d;
	int newlines = 0;

	if (v < c->len && (s[v] == ':' || s[v] == '='))
		v = redact_skip_blanks(c, v + 1);
	while (v < c->len && (s[v] == '\n' || s[v] == '\r') && newlines < 2) {
		newlines += s[v] == '\n';
		v = redact_skip_blanks(c, v + 1);
	}
	for (d = v; d < c->len && s[d] >= '0' && s[d] <= '9'; d++)
		;
	if (d > v && d + 1 < c->len && s[d] == ')' && s[d + 1] == ' ')
		v = redact_skip_blanks(c, d + 1);
	if (v == w->j || v >= c->len || s[v] == '\n' || s[v] == '\r')
		return w->j;
	return redact_value(c, v, 1);
}

/* A SQL string literal at v: '...' (with '' inside), E'...' (with
 * backslash escapes) or $tag$...$tag$. Sets its body and returns the
 * offset past it, the end of the text when it is cut short; v if none. */
static size_t redact_sql_literal(const struct redact_ctx *c, size_t v, size_t *in0, size_t *in1)
{
	const char *s = c->s;
	size_t e, t, n;
	int esc = v + 1 < c->len && (s[v] == 'E' || s[v] == 'e') && s[v + 1] == '\'';

	*in0 = *in1 = v;
	if (esc || (v < c->len && s[v] == '\'')) {
		for (e = v + 1 + esc; e < c->len; e++) {
			if ((esc && s[e] == '\\') ||
			    (s[e] == '\'' && e + 1 < c->len && s[e + 1] == '\''))
				e++;
			else if (s[e] == '\'')
				break;
		}
		if (e > c->len)
			e = c->len;
		*in0 = v + 1 + esc;
		*in1 = e;
		return e < c->len ? e + 1 : e;
	}
	if (v >= c->len || s[v] != '$' || (v + 1 < c->len && s[v + 1] >= '0' && s[v + 1] <= '9'))
		return v;
	for (t = v + 1; t < c->len && (redact_is_alnum((unsigned char)s[t]) || s[t] == '_'); t++)
		;
	if (t >= c->len || s[t] != '$')
		return v;
	n = t + 1 - v; /* the tag, both dollars included */
	for (e = t + 1; e + n <= c->len && memcmp(s + e, s + v, n) != 0; e++)
		;
	*in0 = t + 1;
	*in1 = e + n <= c->len ? e : c->len;
	return e + n <= c->len ? e + n : c->len;
}

/* SQL's PASSWORD '...' (CREATE/ALTER ROLE/USER, ENCRYPTED PASSWORD, a
 * user mapping's OPTIONS (password '...')). Anything else after the word
 * ("password IS NULL", "password = $1") is left to the key rules. */
static size_t redact_sql_password(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	size_t v = w->j, in0, in1, end;

	if (w->quoted)
		return 0;
	while (v < c->len && redact_is_space((unsigned char)c->s[v]))
		v++;
	end = redact_sql_literal(c, v, &in0, &in1);
	if (end == v)
		return 0;
	redact_mask(c, in0, in1);
	return end;
}

/* A pgcrypto call whose argument number arg is a key or password:
 * pgp_sym_encrypt(data, 'key'). Only a literal is masked; the arguments
 * before it are passed over whole. */
static size_t redact_sql_func(struct redact_ctx *c, const struct redact_word *w, int arg)
{
	const char *s = c->s;
	size_t i = redact_skip_blanks(c, w->j), in0, in1, e;
	int n = 0, depth = 0;

	if (w->quoted || i >= c->len || s[i] != '(')
		return 0;
	for (i++;; i++) {
		while (i < c->len && redact_is_space((unsigned char)s[i]))
			i++;
		if (n == arg) {
			e = redact_sql_literal(c, i, &in0, &in1);
			if (e == i)
				return 0;
			redact_mask(c, in0, in1);
			return e;
		}
		for (; i < c->len; i++) {
			if ((s[i] == '\'' || s[i] == '$' ||
			     ((s[i] == 'E' || s[i] == 'e') &&
			      !redact_is_keychar((unsigned char)s[i - 1]))) &&
			    (e = redact_sql_literal(c, i, &in0, &in1)) > i)
				i = e - 1;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && depth-- == 0)
				return 0;
			else if (s[i] == ',' && depth == 0)
				break;
		}
		if (i >= c->len)
			return 0;
		n++;
	}
}

/* kubectl create secret ... --from-literal=key=VALUE. */
static size_t redact_from_literal(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	size_t k = w->j;

	if (k >= c->len || (c->s[k] != '=' && !redact_is_blank((unsigned char)c->s[k])) ||
	    !redact_line_has(c, w->p, "secret"))
		return 0;
	k = redact_skip_blanks(c, k + (c->s[k] == '='));
	while (k < c->len && redact_is_keychar((unsigned char)c->s[k]))
		k++;
	if (k >= c->len || c->s[k] != '=')
		return 0;
	return redact_value(c, k + 1, 1);
}

/* A Secret's "data:" or "stringData:" (YAML block or flow map, JSON
 * object): from here on each value in the map is masked, its key kept.
 * Only in a text that names kind Secret; ConfigMaps and API replies have
 * "data" too. */
static size_t redact_secret_data(struct redact_ctx *c, const struct redact_word *w, int unused)
{
	size_t v;
	int first;

	if (!c->secret_doc || c->map != REDACT_MAP_NONE || w->dashes > 0 || w->j >= c->len ||
	    c->s[redact_skip_blanks(c, w->j)] != ':')
		return 0;
	v = redact_skip_blanks(c, redact_skip_blanks(c, w->j) + 1);
	if (v < c->len && c->s[v] == '{') {
		c->map = REDACT_MAP_FLOW;
		c->depth = 0;
		return v;
	}
	if (v < c->len && c->s[v] != '\n' && c->s[v] != '\r')
		return 0;
	c->map = REDACT_MAP_YAML;
	c->map_ind = redact_indent(c, w->p, w->quoted, &first);
	c->key_ind = SIZE_MAX;
	return v;
}

/* A key inside a Secret's data map: mask its value. 0 if w is not one. */
static size_t redact_map_key(struct redact_ctx *c, const struct redact_word *w)
{
	size_t v, ind;
	int first;

	if (c->map == REDACT_MAP_FLOW && c->depth != 1)
		return 0;
	if (c->map == REDACT_MAP_YAML) {
		ind = redact_indent(c, w->p, w->quoted, &first);
		if (!first || ind <= c->map_ind)
			return 0;
		if (c->key_ind == SIZE_MAX)
			c->key_ind = ind;
		if (ind != c->key_ind)
			return 0;
	}
	v = redact_separator(c, w->j);
	if (v == 0 || c->s[w->j] == '=' || c->s[redact_skip_blanks(c, w->j)] == '=')
		return 0;
	/* a block scalar ("key: |"): its lines are masked as they come */
	if (c->map == REDACT_MAP_YAML && (c->s[v] == '|' || c->s[v] == '>'))
		return v + 1;
	return redact_value(c, v, 0);
}

/* At the newline nl inside a YAML data map: leave the map at a line
 * indented no deeper than "data:", and mask a line indented deeper than
 * the map's keys (a block scalar's text). Returns where to go on. */
static size_t redact_map_line(struct redact_ctx *c, size_t nl)
{
	size_t b = nl + 1, i = b, e;

	while (i < c->len &&
	       (c->s[i] == ' ' || (c->s[i] == '-' && i + 1 < c->len && c->s[i + 1] == ' ')))
		i++;
	for (e = i; e < c->len && c->s[e] != '\n' && c->s[e] != '\r'; e++)
		;
	if (e == i)
		return b;
	if (i - b <= c->map_ind) {
		c->map = REDACT_MAP_NONE;
		return b;
	}
	if (c->key_ind != SIZE_MAX && i - b > c->key_ind) {
		redact_mask(c, i, e);
		return e;
	}
	return b;
}

/* Whether the text names kind Secret: "kind: Secret", "kind":"Secret",
 * \"kind\":\"Secret\" (a last-applied annotation). */
static int redact_names_secret(const char *s)
{
	const char *p = s, *q;

	while ((p = strstr(p, "kind")) != NULL) {
		q = p + 4;
		q += q[0] == '"' ? 1 : q[0] == '\\' && q[1] == '"' ? 2 : 0;
		q += strspn(q, " \t");
		if (*q == ':') {
			q += 1 + strspn(q + 1, " \t");
			q += q[0] == '"' ? 1 : q[0] == '\\' && q[1] == '"' ? 2 : 0;
			if (strncmp(q, "Secret", 6) == 0 && !redact_is_keychar((unsigned char)q[6]))
				return 1;
		}
		p += 4;
	}
	return 0;
}

/* A "name: X" whose X names a secret arms masking of the next "value:". */
static size_t redact_env_name(struct redact_ctx *c, size_t v)
{
	size_t in0, in1, end = redact_value_bounds(c, v, 0, &in0, &in1), i;
	char name[128];
	int lines = 0;

	if (in1 > in0 && in1 - in0 < sizeof name) {
		memcpy(name, c->s + in0, in1 - in0);
		name[in1 - in0] = '\0';
		if (redact_is_secret_name(name)) {
			c->pending = 1;
			for (i = end; i < c->len; i++) {
				if (c->s[i] == '\n' && ++lines == REDACT_PENDING_LINES)
					break;
			}
			c->pending_until = i;
		}
	}
	return end > v ? end : v;
}

/* Words that start a secret of their own shape. dashes: how many leading
 * dashes the word must have (-1: any); suffix: the word ends so. A
 * handler returns where the scan resumes, or 0 to leave the word to the
 * key rules; arg is passed on (pgcrypto: which argument is the key). */
static const struct redact_rule {
	const char *word;
	int dashes, suffix, arg;
	size_t (*fn)(struct redact_ctx *c, const struct redact_word *w, int arg);
} redact_rules[] = {
	{ "auth", 0, 0, 0, redact_auth },
	{ "hello", 0, 0, 0, redact_redis_cmd },
	{ "migrate", 0, 0, 0, redact_redis_cmd },
	{ "setuser", 0, 0, 0, redact_acl_setuser },
	{ "requirepass", -1, 0, 0, redact_redis_config },
	{ "masterauth", -1, 0, 0, redact_redis_config },
	{ "bearer", 0, 0, 0, redact_bearer },
	{ "authorization", 0, 1, 0, redact_authorization },
	{ "password", 0, 0, 0, redact_sql_password },
	{ "pgp_sym_encrypt", 0, 0, 1, redact_sql_func },
	{ "pgp_sym_encrypt_bytea", 0, 0, 1, redact_sql_func },
	{ "pgp_sym_decrypt", 0, 0, 1, redact_sql_func },
	{ "pgp_sym_decrypt_bytea", 0, 0, 1, redact_sql_func },
	{ "pgp_pub_decrypt", 0, 0, 2, redact_sql_func },
	{ "pgp_pub_decrypt_bytea", 0, 0, 2, redact_sql_func },
	{ "encrypt", 0, 0, 1, redact_sql_func },
	{ "decrypt", 0, 0, 1, redact_sql_func },
	{ "encrypt_iv", 0, 0, 1, redact_sql_func },
	{ "decrypt_iv", 0, 0, 1, redact_sql_func },
	{ "hmac", 0, 0, 1, redact_sql_func },
	{ "crypt", 0, 0, 0, redact_sql_func },
	{ "data", 0, 0, 0, redact_secret_data },
	{ "stringdata", 0, 0, 0, redact_secret_data },
	{ "from-literal", 2, 0, 0, redact_from_literal },
	{ NULL, 0, 0, 0, NULL },
};

/* A word at p (a key candidate). Returns where scanning resumes. */
static size_t redact_key(struct redact_ctx *c, size_t p)
{
	const char *s = c->s;
	const struct redact_rule *r;
	struct redact_word w = { p, p, NULL, 0, 0, 0 };
	size_t k1 = p, n0 = p, j, v, nlen, at;
	const char *name;
	int dashes;
	char oq = p > 0 ? s[p - 1] : 0;

	while (k1 < c->len && redact_is_keychar((unsigned char)s[k1]))
		k1++;
	while (n0 < k1 && s[n0] == '-')
		n0++;
	dashes = (int)(n0 - p);
	name = s + n0;
	nlen = k1 - n0;
	j = k1;
	/* a quoted key: "password": , 'AUTH', \"password\": */
	if ((oq == '"' || oq == '\'') && j < c->len && s[j] == oq) {
		j++;
		w.quoted = 1;
	} else if (oq == '"' && j + 1 < c->len && s[j] == '\\' && s[j + 1] == '"') {
		j += 2;
		w.quoted = 1;
	}
	w.j = j;
	w.name = name;
	w.nlen = nlen;
	w.dashes = dashes;

	for (at = p;
	     at < c->len && (redact_is_alnum((unsigned char)s[at]) || s[at] == '_' || s[at] == '-');
	     at++)
		;
	if (dashes == 0 && redact_token_at(c, p, at))
		return at;
	if (c->map != REDACT_MAP_NONE && (at = redact_map_key(c, &w)) != 0)
		return at;
	for (r = redact_rules; r->word != NULL; r++) {
		if ((r->dashes >= 0 && r->dashes != dashes) ||
		    !(r->suffix ? redact_iends(name, nlen, r->word)
				: redact_ieq(name, nlen, r->word)))
			continue;
		if ((at = r->fn(c, &w, r->arg)) != 0)
			return at;
		break;
	}

	if (dashes > 0 && j < c->len && s[j] != '=' && s[j] != ':') {
		/* a command-line flag and its next argument */
		int secret =
			(dashes == 1 && nlen == 1 && name[0] == 'a' &&
			 redact_line_has(c, p, "redis-cli")) ||
			redact_ieq(name, nlen, "pass") ||
			(redact_key_is_secret(name, nlen) && !redact_istarts(name, nlen, "no-"));

		if (!secret)
			return k1;
		v = j;
		if (w.quoted && v < c->len && s[v] == ',')
			v++;
		v = redact_skip_blanks(c, v);
		if (v == j || v >= c->len || s[v] == '-' || s[v] == '\n' || s[v] == '\r')
			return k1;
		return redact_value(c, v, 1);
	}

	if (p > 0 && s[p - 1] == '<' && j < c->len && s[j] == '>' &&
	    redact_key_is_secret(name, nlen)) {
		/* <password>V</password> */
		for (v = j + 1; v < c->len && s[v] != '<' && s[v] != '\n'; v++)
			;
		redact_mask(c, j + 1, v);
		return v;
	}

	if (redact_ieq(name, nlen, "name") && dashes == 0) {
		v = redact_separator(c, j);
		return v != 0 ? redact_env_name(c, v) : k1;
	}
	if (redact_ieq(name, nlen, "value") && dashes == 0 && c->pending) {
		c->pending = 0;
		if (p <= c->pending_until && (v = redact_separator(c, j)) != 0)
			return redact_value(c, v, 0);
		return k1;
	}
	if (!redact_key_is_secret(name, nlen) && !(dashes > 0 && redact_ieq(name, nlen, "pass")))
		return k1;
	v = redact_separator(c, j);
	if (v == 0)
		return k1;
	/* PWD=/home/x is the working directory, not a password */
	if (redact_ieq(name, nlen, "pwd") && (s[v] == '/' || s[v] == '~'))
		return v;
	return redact_value(c, v, 0);
}

char *redact(const char *s)
{
	struct redact_ctx c = { 0 };
	size_t p = 0;

	if (s == NULL)
		return xstrdup("");
	c.s = s;
	c.len = strlen(s);
	c.secret_doc = redact_names_secret(s);
	while (p < c.len) {
		unsigned char ch = (unsigned char)s[p];

		if (c.pending && p > c.pending_until)
			c.pending = 0;
		if (ch == '\n' && c.map == REDACT_MAP_YAML) {
			p = redact_map_line(&c, p);
		} else if ((ch == '{' || ch == '[') && c.map == REDACT_MAP_FLOW) {
			c.depth++;
			p++;
		} else if ((ch == '}' || ch == ']') && c.map == REDACT_MAP_FLOW) {
			if (--c.depth <= 0)
				c.map = REDACT_MAP_NONE;
			p++;
		} else if (ch == ':' && p + 2 < c.len && s[p + 1] == '/' && s[p + 2] == '/') {
			p = redact_url(&c, p);
		} else if (ch == '-' && strncmp(s + p, "-----BEGIN ", 11) == 0) {
			p = redact_pem(&c, p);
		} else if (redact_is_keychar(ch) &&
			   (p == 0 || !redact_is_keychar((unsigned char)s[p - 1]))) {
			p = redact_key(&c, p);
		} else {
			p++;
		}
	}
	redact_copy_to(&c, c.len);
	return strbuf_detach(&c.out);
}
