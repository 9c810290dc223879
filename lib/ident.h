/*
 * ident.h - identifiers that are ASCII by rule (Kubernetes names, Kafka
 * group ids, Redis instance names) made to show what breaks the rule: a
 * Cyrillic "а" in place of a Latin "a" looks the same on screen, so any
 * character outside printable ASCII is spelled out ("\u0430"). The
 * result is plain printable ASCII; it is still drawn through the
 * sanitiser like all text (lib/sanitize.h stays the one place that makes
 * text safe: this only makes a lookalike visible). Pure, any thread.
 */
#ifndef AM_IDENT_H
#define AM_IDENT_H

#include <stddef.h>

/* 1 when every byte of s is printable ASCII other than '\' (an
 * identifier shown as it is), else 0. */
int ident_is_plain(const char *s);
/* A fresh copy of s (caller frees) with every character that is not
 * printable ASCII spelled out: a character as "\uXXXX" (four hex digits,
 * or "\UXXXXXXXX" above U+FFFF), a control character too ("\u0007"), a
 * byte that is not UTF-8 as "\xNN", and a '\' as "\u005c" so that every
 * '\' in the result starts an escape. */
char *ident_escape(const char *s);
/* The length of the escape ident_escape wrote at s (s[0] == '\'), 0 when
 * s does not start one. */
size_t ident_escape_len(const char *s);

#endif
