/*
 * cast.c - the terminal output of a session as an asciicast v2 file
 * (--asciicast FILE), which `asciinema play` plays: a header with the
 * size, then one event a line, [seconds, "o", frame] for every frame the
 * screen sends (screen_set_tee), [seconds, "r", "COLSxROWS"] when the
 * terminal is resized and [seconds, "m", label] at each step run (a
 * marker the player can jump to). Written off the UI thread
 * (runtime/appender.h).
 */
#include "app/app_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "runtime/appender.h"

struct app_cast {
	struct appender *out;
	double t0; /* util_now at the start */
};

struct app_cast *app_cast_open(const char *path, int cols, int rows, char *err, size_t errlen)
{
	struct app_cast *c;
	const char *term = getenv("TERM");
	char why[256];

	unlink(path); /* a new recording, not appended to an old one */
	c = xcalloc(1, sizeof *c);
	c->out = appender_open(path, why, sizeof why);
	if (c->out == NULL) {
		snprintf(err, errlen, "--asciicast: %s", why);
		free(c);
		return NULL;
	}
	c->t0 = util_now();
	appender_push(c->out, xasprintf("{\"version\": 2, \"width\": %d, \"height\": %d, "
					"\"timestamp\": %ld, \"title\": \"amconsole\", "
					"\"env\": {\"TERM\": \"%s\"}}\n",
					cols, rows, (long)time(NULL),
					term != NULL && strchr(term, '"') == NULL &&
							strchr(term, '\\') == NULL
						? term
						: "xterm-256color"));
	return c;
}

/* One event: [t, code, text]. */
static void app_cast_event(struct app_cast *c, const char *code, const char *text)
{
	char *q = util_json_quote(text);

	appender_push(c->out, xasprintf("[%.6f, \"%s\", %s]\n", util_now() - c->t0, code, q));
	free(q);
}

void app_cast_output(void *ctx, const char *bytes, size_t n)
{
	char *text = xstrndup(bytes, n);

	app_cast_event(ctx, "o", text);
	free(text);
}

void app_cast_marker(struct app_cast *c, const char *label)
{
	if (c != NULL)
		app_cast_event(c, "m", label);
}

void app_cast_resize(struct app_cast *c, int cols, int rows)
{
	char size[32];

	if (c == NULL)
		return;
	snprintf(size, sizeof size, "%dx%d", cols, rows);
	app_cast_event(c, "r", size);
}

void app_cast_close(struct app_cast *c)
{
	if (c == NULL)
		return;
	appender_close(c->out);
	free(c);
}
