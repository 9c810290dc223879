/*
 * log.h - the program's diagnostic log. While curses owns the terminal
 * nothing may print, so everything goes to a file (--log FILE, or
 * $AMCONSOLE_LOG). Thread-safe; silent when no file is open.
 */
#ifndef AM_LOG_H
#define AM_LOG_H

/* Open (append) the log file; 0 or -1. Call from main before threads. */
int log_open(const char *path);
/* Write one timestamped line; any thread. Text is written as given:
 * callers pass data through redact/sanitise first when it is external. */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_close(void);

#endif
