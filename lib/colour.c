/*
 * colour.c - colour names (see colour.h).
 */
#include "lib/colour.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const colour_names[] = {
	"black",        "red",           "green",       "yellow",         "blue",
	"magenta",      "cyan",          "white",       "bright-black",   "bright-red",
	"bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
	"bright-white",
};

int colour_parse(const char *s, short *out)
{
	char *end;
	long v;
	size_t i;

	if (strcmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < sizeof(colour_names) / sizeof(colour_names[0]); i++)
		if (strcmp(s, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 255)
		return -1;
	*out = (short)v;
	return 0;
}
