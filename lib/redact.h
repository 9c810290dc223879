/*
 * redact.h - masks secrets in text before it is shown, copied, written to
 * the transcript or the audit log, in the forms each ecosystem writes
 * them: passwords in URLs ("postgres://app:S3cr3t@db" ->
 * "postgres://app:***@db", "redis://:pw@h" -> "redis://:***@h") and in
 * conninfo, JAAS and key=value strings (password="***"); SQL's PASSWORD
 * '***' (CREATE/ALTER ROLE/USER, ENCRYPTED PASSWORD, '' and E'' and $$
 * literals, user mappings' OPTIONS), pgcrypto keys (pgp_sym_encrypt(d,
 * '***')); Redis AUTH, HELLO ... AUTH, MIGRATE ... AUTH/AUTH2,
 * requirepass, masterauth and ACL SETUSER >***; a Kubernetes Secret's
 * data/stringData values (keys kept), env values whose names say secret
 * (*_PASSWORD, *_TOKEN, *_KEY, *_SECRET) and kubectl's --from-literal;
 * Authorization and Bearer credentials, AWS access key ids (AKIA***) and
 * secret keys, GitHub/GitLab tokens, and PEM private key bodies. Pure
 * functions, any thread.
 */
#ifndef AM_REDACT_H
#define AM_REDACT_H

/* Returns a fresh copy of s with secrets replaced by "***". */
char *redact(const char *s);
/* 1 if name looks like a secret's name (TOKEN, PASSWORD, SECRET, KEY,
 * CREDENTIAL ... case-insensitive). */
int redact_is_secret_name(const char *name);

#endif
