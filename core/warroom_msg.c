/*
 * warroom_msg.c - sealing and opening war-room messages (warroom_msg.h).
 */
#include "core/warroom_msg.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

#define WR_MAGIC "AMWR1 "
#define WR_MAGIC_LEN (sizeof WR_MAGIC - 1)
#define WR_HEX_LEN 64
/* "AMWR1 " + 64 hex digits + " " */
#define WR_HEAD_LEN (WR_MAGIC_LEN + WR_HEX_LEN + 1)

static void wr_hmac_hex(const unsigned char *key, size_t keylen, const char *data, size_t len,
			char hex[WR_HEX_LEN + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	unsigned int i;

	HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data, len, mac, &maclen);
	for (i = 0; i < maclen && i < WR_HEX_LEN / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	hex[WR_HEX_LEN] = '\0';
}

/* s as a JSON string literal, appended to sb. */
static void wr_put_string(struct strbuf *sb, const char *s)
{
	char *text = util_json_quote(s);

	strbuf_puts(sb, text);
	free(text);
}

char *warroom_seal(const unsigned char *key, size_t keylen, const char *room,
		   const struct warroom_msg *m, const char *body_json, size_t *len)
{
	struct strbuf sb = { 0 };
	char hex[WR_HEX_LEN + 1];
	size_t jlen;

	/* The head first, its MAC filled in once the JSON is known. */
	strbuf_append(&sb, WR_MAGIC, WR_MAGIC_LEN);
	for (jlen = 0; jlen < WR_HEX_LEN; jlen++)
		strbuf_putc(&sb, '0');
	strbuf_putc(&sb, ' ');
	strbuf_printf(&sb, "{\"v\":%d,\"room\":", WARROOM_VERSION);
	wr_put_string(&sb, room);
	strbuf_printf(&sb, ",\"seq\":%llu,\"t\":%.3f,\"from\":", m->seq, m->t);
	wr_put_string(&sb, m->from);
	strbuf_puts(&sb, ",\"kind\":");
	wr_put_string(&sb, m->kind);
	strbuf_puts(&sb, ",\"key\":");
	wr_put_string(&sb, m->key);
	if (body_json != NULL) {
		strbuf_puts(&sb, ",\"body\":");
		strbuf_puts(&sb, body_json);
	}
	strbuf_putc(&sb, '}');
	if (sb.len > WARROOM_MSG_MAX) {
		strbuf_free(&sb);
		return NULL;
	}
	wr_hmac_hex(key, keylen, sb.buf + WR_HEAD_LEN, sb.len - WR_HEAD_LEN, hex);
	memcpy(sb.buf + WR_MAGIC_LEN, hex, WR_HEX_LEN);
	if (len != NULL)
		*len = sb.len;
	return strbuf_detach(&sb);
}

/* Copy the string field name of o into out (at most outlen - 1 bytes,
 * which must be enough): 0, or -1 when it is missing, not a string or
 * too long. */
static int wr_field(const cJSON *o, const char *name, char *out, size_t outlen)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(f) || f->valuestring == NULL || strlen(f->valuestring) >= outlen)
		return -1;
	memcpy(out, f->valuestring, strlen(f->valuestring) + 1);
	return 0;
}

static enum warroom_refusal wr_refuse(enum warroom_refusal why, struct warroom_msg *m, char *err,
				      size_t errlen, const char *msg)
{
	warroom_msg_clear(m);
	snprintf(err, errlen, "%s", msg);
	return why;
}

/* The fields of a message whose MAC was right. */
static enum warroom_refusal wr_parse(cJSON *o, const char *room, struct warroom_msg *m, char *err,
				     size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "v");
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
	char r[256];

	if (!cJSON_IsObject(o))
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "not a JSON object");
	if (!cJSON_IsNumber(v) || v->valuedouble != WARROOM_VERSION)
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen,
				 "not a version 1 message (a newer amconsole?)");
	if (wr_field(o, "room", r, sizeof r) != 0 || strcmp(r, room) != 0)
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "a message of another room");
	if (!cJSON_IsNumber(seq) || !(seq->valuedouble >= 0) || seq->valuedouble > 9e15 ||
	    !cJSON_IsNumber(t) || !isfinite(t->valuedouble))
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "bad seq or t");
	m->seq = (unsigned long long)seq->valuedouble;
	m->t = t->valuedouble;
	if (wr_field(o, "from", m->from, sizeof m->from) != 0)
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "bad field from");
	if (wr_field(o, "kind", m->kind, sizeof m->kind) != 0)
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "bad field kind");
	if (wr_field(o, "key", m->key, sizeof m->key) != 0)
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "bad field key");
	m->body = cJSON_DetachItemFromObjectCaseSensitive(o, "body");
	return WARROOM_OK;
}

enum warroom_refusal warroom_unseal(const unsigned char *key, size_t keylen, const char *room,
				    const char *wire, size_t len, struct warroom_msg *m, char *err,
				    size_t errlen)
{
	char hex[WR_HEX_LEN + 1];
	enum warroom_refusal why;
	cJSON *o;

	memset(m, 0, sizeof *m);
	err[0] = '\0';
	if (len > WARROOM_MSG_MAX)
		return wr_refuse(WARROOM_OVERSIZE, m, err, errlen, "over the size cap");
	if (len <= WR_HEAD_LEN || memcmp(wire, WR_MAGIC, WR_MAGIC_LEN) != 0 ||
	    wire[WR_HEAD_LEN - 1] != ' ')
		return wr_refuse(WARROOM_FORGED, m, err, errlen, "not a sealed message");
	wr_hmac_hex(key, keylen, wire + WR_HEAD_LEN, len - WR_HEAD_LEN, hex);
	if (CRYPTO_memcmp(hex, wire + WR_MAGIC_LEN, WR_HEX_LEN) != 0)
		return wr_refuse(WARROOM_FORGED, m, err, errlen,
				 "the seal does not match (another secret, or altered)");
	o = cJSON_ParseWithLength(wire + WR_HEAD_LEN, len - WR_HEAD_LEN);
	if (o == NULL)
		return wr_refuse(WARROOM_MALFORMED, m, err, errlen, "not JSON");
	why = wr_parse(o, room, m, err, errlen);
	cJSON_Delete(o);
	return why;
}

void warroom_msg_clear(struct warroom_msg *m)
{
	cJSON_Delete(m->body);
	memset(m, 0, sizeof *m);
}

int warroom_secret_load(const char *path, char **secret, char *err, size_t errlen)
{
	char buf[1024];
	struct stat st;
	size_t n;
	char *s;
	FILE *f;
	int fd;

	*secret = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: readable by others (chmod 600 it)", path);
		close(fd);
		return -1;
	}
	f = fdopen(fd, "r");
	if (f == NULL || fgets(buf, sizeof buf, f) == NULL) {
		snprintf(err, errlen, "%s: empty", path);
		if (f != NULL)
			fclose(f);
		else
			close(fd);
		return -1;
	}
	fclose(f);
	s = buf;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	if (n < WARROOM_SECRET_MIN) {
		snprintf(err, errlen, "%s: the secret is shorter than %d characters", path,
			 WARROOM_SECRET_MIN);
		return -1;
	}
	*secret = xstrdup(s);
	return 0;
}

char *warroom_secret_new(void)
{
	unsigned char b[32];
	char *hex;
	size_t i;

	if (RAND_bytes(b, sizeof b) != 1)
		return NULL;
	hex = xmalloc(2 * sizeof b + 1);
	for (i = 0; i < sizeof b; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	return hex;
}

char *warroom_secret_create(const char *path, char *err, size_t errlen)
{
	char *secret = warroom_secret_new();
	FILE *f;

	if (secret == NULL) {
		snprintf(err, errlen, "cannot make a secret for the room (no randomness)");
		return NULL;
	}
	unlink(path);
	f = fopen(path, "wx");
	if (f == NULL || chmod(path, 0600) != 0 || fprintf(f, "%s\n", secret) < 0) {
		snprintf(err, errlen, "cannot write %s", path);
		if (f != NULL)
			fclose(f);
		free(secret);
		return NULL;
	}
	fclose(f);
	return secret;
}
