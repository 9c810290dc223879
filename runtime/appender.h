/*
 * appender.h - a file that lines are appended to off the UI thread: the
 * lines are written (O_APPEND) in the order pushed and fsync'd by a
 * thread of its own as soon as they come (a burst at once: one fsync for
 * the lot), so a crash or kill -9 loses at most what was pushed in the
 * last moment and the UI never waits on the disk. Used for the incident
 * timeline.
 */
#ifndef AM_APPENDER_H
#define AM_APPENDER_H

#include <stddef.h>

struct appender;

/* Open path for appending (created 0600), and start its thread. NULL +
 * err. */
struct appender *appender_open(const char *path, char *err, size_t errlen);
/* Queue line (taken: freed once written). Never blocks on I/O. */
void appender_push(struct appender *ap, char *line);
/* The last write error into buf ("" when none); 1 if there was one. */
int appender_error(struct appender *ap, char *buf, size_t n);
/* Write what is queued, stop the thread, close. ap may be NULL. */
void appender_close(struct appender *ap);

#endif
