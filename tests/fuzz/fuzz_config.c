/*
 * fuzz_config.c - libFuzzer harness for the config YAML loader
 * (core/config.c, lib/yaml.c): the input is written to a file under
 * /dev/shm (the loader reads only from a path), loaded over the
 * defaults, printed back with secrets masked when it loads, and
 * everything is freed.
 */
#include <stdlib.h>
#include <unistd.h>

#include "core/config.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[512];
	char *path = fuzz_write_file("config.yaml", (const char *)data, size);

	config_defaults(&c);
	if (config_load_file(&c, path, err, sizeof err) == 0)
		free(config_print(&c));
	config_free(&c);
	unlink(path);
	free(path);
	return 0;
}
