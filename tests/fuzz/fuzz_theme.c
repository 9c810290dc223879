/*
 * fuzz_theme.c - libFuzzer harness for the theme loader (ui/theme.c,
 * lib/yaml.c): the input is written to a .yaml file under /dev/shm
 * (themes are loaded by path), loaded over the built-in default, and a
 * loaded theme is folded onto 16- and 8-colour terminals.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ui/theme.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t, fit;
	char err[512];
	char *path = fuzz_write_file("theme.yaml", (const char *)data, size);

	if (theme_load(path, NULL, &t, err, sizeof err) == 0) {
		fit = t;
		theme_fit(&fit, 16);
		fit = t;
		theme_fit(&fit, 8);
	}
	unlink(path);
	free(path);
	return 0;
}
