/*
 * redact.c - masks secrets in text (see redact.h) before the terminal
 * toolkit shows, copies, transcribes or audits it. One forward scan over
 * the text looks for three shapes: a URL's userinfo password ("://u:P@"),
 * a PEM private key body, and a word that names a secret followed by its
 * value (key=value, key: value, "key":"value", <key>value, --flag value,
 * Authorization/Bearer credentials, Redis AUTH, requirepass and
 * masterauth, redis-cli -a, and Kubernetes env name/value pairs). Values
 * that are references ($VAR, ${VAR}, $(cmd), {{ tmpl }}) are left alone.
 * Pure functions over ASCII rules (no locale), safe on any thread.
 */
#include "redact.h"

#include <stddef.h>
#include <string.h>

#include "backends/util.h"

#define REDACT_MASK "***"
/* How far after a secret-named "name:" a "value:" is still its value. */
#define REDACT_PENDING_LINES 2

/* Key names (compared case-insensitively, leading dashes dropped) whose
 * value is a secret. */
static const char *const redact_exact_keys[] = {
	"password",      "passwd",
	"pwd",           "secret",
	"token",         "api_key",
	"apikey",        "api-key",
	"access_key",    "accesskey",
	"secret_key",    "secretkey",
	"private_key",   "privatekey",
	"client_secret", "pgpassword",
	"sasl.password", "ssl.key.password",
	"auth_token",    "access_token",
	"refresh_token", "id_token",
	"session_token", "masterauth",
	"requirepass",   NULL,
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

struct redact_ctx {
	const char *s;
	size_t len;
	size_t done; /* s[0..done) has been copied or masked */
	struct strbuf out;
	int pending;          /* a "name: <secret name>" awaits its "value:" */
	size_t pending_until; /* offset after which pending lapses */
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
	if (s[v] == '"' || s[v] == '\'') {
		q = s[v];
		for (e = v + 1; e < c->len && s[e] != q && s[e] != '\n'; e++) {
			if (q == '"' && s[e] == '\\' && e + 1 < c->len && s[e + 1] != '\n')
				e++;
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

/* "scheme://user:PASS@host": mask PASS. p is at "://". */
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
	return at + 1;
}

/* "-----BEGIN ... PRIVATE KEY-----": mask the body up to "-----END". */
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
	    strncmp(s + h - 11, "PRIVATE KEY", 11) != 0)
		return p + 10;
	h += 5;
	for (b = h; b < c->len && redact_is_space((unsigned char)s[b]); b++)
		;
	end = NULL;
	for (e = b; e + 8 <= c->len; e++) {
		if (s[e] == '-' && strncmp(s + e, "-----END", 8) == 0) {
			end = s + e;
			break;
		}
	}
	e = end != NULL ? (size_t)(end - s) : c->len;
	while (e > b && redact_is_space((unsigned char)s[e - 1]))
		e--;
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

/* Redis AUTH as a command word: "AUTH p", "AUTH user p", MONITOR's
 * "AUTH" "p". k0 is the word, j just past it and any closing quote. */
static size_t redact_auth(struct redact_ctx *c, size_t k0, size_t j, int quoted)
{
	size_t b = k0 - (quoted ? 1 : 0), args[3], ends[3], in0, in1, a;
	int nargs = 0, target;

	if (!quoted) {
		while (b > 0 && redact_is_blank((unsigned char)c->s[b - 1]))
			b--;
		if (b > 0 && c->s[b - 1] != '\n' && c->s[b - 1] != '\r' && c->s[b - 1] != '>')
			return j;
	}
	if (j >= c->len || !redact_is_blank((unsigned char)c->s[j]))
		return j;
	a = redact_skip_blanks(c, j);
	while (nargs < 3 && a < c->len && c->s[a] != '\n' && c->s[a] != '\r') {
		args[nargs] = a;
		ends[nargs] = redact_value_bounds(c, a, 1, &in0, &in1);
		if (ends[nargs] == a)
			break;
		a = redact_skip_blanks(c, ends[nargs]);
		nargs++;
	}
	/* AUTH takes one or two arguments; a longer unquoted line is prose */
	if (nargs == 0 || (nargs > 2 && !quoted))
		return j;
	target = nargs == 1 ? 0 : 1;
	return redact_value(c, args[target], 1);
}

/* "Authorization: <scheme> <credential>" or "Authorization: <token>". */
static size_t redact_authorization(struct redact_ctx *c, size_t v)
{
	const char *s = c->s;
	size_t w0, w1, x, e;
	char q = 0;

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
static size_t redact_bearer(struct redact_ctx *c, size_t j)
{
	size_t v = redact_skip_blanks(c, j), in0, in1, end;

	if (v == j || v >= c->len)
		return j;
	end = redact_value_bounds(c, v, 0, &in0, &in1);
	if (!redact_ieq(c->s + in0, in1 - in0, "token"))
		redact_mask(c, in0, in1);
	return end > v ? end : v;
}

/* "requirepass V", "masterauth: V", CONFIG GET's "1) requirepass\n2) V". */
static size_t redact_redis_config(struct redact_ctx *c, size_t j)
{
	const char *s = c->s;
	size_t v = redact_skip_blanks(c, j), d;
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
	if (v == j || v >= c->len || s[v] == '\n' || s[v] == '\r')
		return j;
	return redact_value(c, v, 1);
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

/* A word at p (a key candidate). Returns where scanning resumes. */
static size_t redact_key(struct redact_ctx *c, size_t p)
{
	const char *s = c->s;
	size_t k1 = p, n0 = p, j, v, nlen;
	const char *name;
	int dashes, quoted = 0;
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
		quoted = 1;
	} else if (oq == '"' && j + 1 < c->len && s[j] == '\\' && s[j + 1] == '"') {
		j += 2;
		quoted = 1;
	}

	if (dashes == 0 && redact_ieq(name, nlen, "auth")) {
		/* docker config's "auth": "<base64 user:pass>" */
		if (quoted && (v = redact_separator(c, j)) != 0)
			return redact_value(c, v, 0);
		return redact_auth(c, p, j, quoted);
	}
	if (dashes == 0 && redact_ieq(name, nlen, "bearer"))
		return redact_bearer(c, j);
	if (dashes == 0 && redact_iends(name, nlen, "authorization")) {
		v = redact_separator(c, j);
		return v != 0 ? redact_authorization(c, v) : j;
	}
	if (redact_ieq(name, nlen, "requirepass") || redact_ieq(name, nlen, "masterauth"))
		return redact_redis_config(c, j);

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
		if (quoted && v < c->len && s[v] == ',')
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
	while (p < c.len) {
		unsigned char ch = (unsigned char)s[p];

		if (c.pending && p > c.pending_until)
			c.pending = 0;
		if (ch == ':' && p + 2 < c.len && s[p + 1] == '/' && s[p + 2] == '/') {
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
