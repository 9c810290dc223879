/*
 * log.c - the diagnostic log file (see log.h). One mutex, one FILE.
 */
#include "lib/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;

int log_open(const char *path)
{
	FILE *f = fopen(path, "a");

	if (f == NULL)
		return -1;
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_msg(const char *fmt, ...)
{
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(log_file, "%s ", stamp);
		va_start(ap, fmt);
		vfprintf(log_file, fmt, ap);
		va_end(ap);
		fputc('\n', log_file);
		fflush(log_file);
	}
	pthread_mutex_unlock(&log_lock);
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}
