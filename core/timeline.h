/*
 * timeline.h - the incident timeline: what happened during an incident,
 * one event a line, as it happened. Events are kept as JSON lines
 * (cJSON), appended to a file under $XDG_STATE_HOME/amconsole/ so that a
 * crash loses nothing (see runtime/appender.h), read back by
 * `amconsole --incident resume`, and summed up in the postmortem. Pure
 * data and text; any thread.
 *
 * A line: {"v":1,"t":1764900000.25,"kind":"mark","who":"alice",
 *          "text":"detected","detail":"..."}
 * kinds: open, severity, close, finding, cleared, step, action, note,
 * mark (text: detected, mitigated or resolved).
 */
#ifndef AM_TIMELINE_H
#define AM_TIMELINE_H

#include <stddef.h>

#define TIMELINE_VERSION 1

struct tl_event {
	double t;      /* wall time, seconds */
	char kind[16]; /* see above */
	char who[64];  /* the user, or a follower's name */
	char *text;    /* one line */
	char *detail;  /* more (a command, an output), or NULL */
};

struct timeline {
	struct tl_event *v;
	size_t n, cap;
};

/* Append a copy of e (text and detail copied). */
void timeline_add(struct timeline *tl, const struct tl_event *e);
void timeline_free(struct timeline *tl);

/* e as one JSON line with its newline; caller frees. */
char *timeline_encode(const struct tl_event *e);
/* Parse one line into e (fresh strings; tl_event_free): 0, or -1 when
 * the line is not an event of this version. */
int timeline_decode(const char *line, struct tl_event *e);
void tl_event_free(struct tl_event *e);

/* Read a timeline file into tl. Returns the events read; stops at the
 * first damaged line (a crash mid-write leaves at most the last line
 * cut), saying where in err ("line 12 is damaged: the rest is left
 * out"), else err is "". -1 + err when the file cannot be read. */
long timeline_load(const char *path, struct timeline *tl, char *err, size_t errlen);

/* The time of the first mark called what (detected, mitigated,
 * resolved), or 0. */
double timeline_mark(const struct timeline *tl, const char *what);

/* The postmortem, Markdown: summary line, severity, times to detect,
 * mitigate and resolve from the marks (from the opening), the timeline,
 * the notes, and an empty Follow-ups section. Text is redacted and
 * control characters dropped. Caller frees. */
char *timeline_postmortem(const struct timeline *tl, const char *title, const char *severity);

#endif
