/*
 * audit.h - the audit log: one JSON line per event (a step about to run,
 * its end, a refusal, a reveal), appended with O_APPEND and fsync'd, in
 * $XDG_STATE_HOME/amconsole/audit.log (0600) unless a path is given.
 * Command text is redacted and sanitised before it is written; values of
 * secret placeholders never reach it (they travel in the environment).
 */
#ifndef AM_AUDIT_H
#define AM_AUDIT_H

#include <stddef.h>

struct audit_event {
	const char *event;   /* "run", "end", "refused", "cancelled", "reveal" */
	const char *runbook; /* entry title, or NULL */
	const char *step;    /* step title, or NULL */
	const char *command; /* resolved command (redacted here), or NULL */
	const char *target;  /* confirmed target, or NULL */
	const char *status;  /* "ok", "failed", "timed out", ... or NULL */
	int exit_code;       /* -1 when not applicable */
	double duration;     /* seconds, < 0 when not applicable */
	const char *reason;  /* refusal or error text, or NULL */
};

/* Open the log (creating directories); path NULL means the default.
 * 0 or -1 + err. Main thread, before use. */
int audit_open(const char *path, char *err, size_t errlen);
/* Append one event with time, user, SSH origin, pid; fsync. 0 or -1.
 * Thread-safe. */
int audit_write(const struct audit_event *ev);
/* In a war room: every later event also names the room and the role
 * this console has in it ("presenter" or "follower") and the name it
 * goes by there, so a log says who ran what after a handover. NULL
 * room: none. Main thread. */
void audit_set_warroom(const char *room, const char *role, const char *name);
/* The path in use, or NULL. */
const char *audit_path(void);
void audit_close(void);

#endif
