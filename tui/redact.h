/*
 * redact.h - masks secrets in text before it is shown, copied, written to
 * the transcript or the audit log: passwords in URLs
 * ("postgres://app:S3cr3t@db" -> "postgres://app:***@db",
 * "redis://:pw@h" -> "redis://:***@h"), password=... in conninfo and JAAS
 * strings (password="***"), Authorization: Bearer tokens, AUTH commands
 * and requirepass values. Pure functions, any thread.
 */
#ifndef AM_REDACT_H
#define AM_REDACT_H

/* Returns a fresh copy of s with secrets replaced by "***". */
char *redact(const char *s);
/* 1 if name looks like a secret's name (TOKEN, PASSWORD, SECRET, KEY,
 * CREDENTIAL ... case-insensitive). */
int redact_is_secret_name(const char *name);

#endif
