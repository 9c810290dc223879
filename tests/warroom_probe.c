/*
 * warroom_probe.c - one side of a war room's link (backends/warroom.h),
 * driven line by line, for the end-to-end test of the link on a real
 * Redis and a real PostgreSQL (tests/e2e/t_warroom_link.sh).
 *
 *   warroom_probe present|follow redis|postgres URL ROOM SECRET-FILE USER [TAG]
 *
 * Commands on stdin, one a line:
 *   send KIND KEY JSON   queue a message (JSON: the body, one line)
 *   big KIND KEY N       queue a message whose body is a string of N x's
 *   flood KIND PREFIX N  queue N messages of keys PREFIX0.., 200 at a time
 *   status               print "status connected=0|1 tx=N rx=N forged=N
 *                        oversize=N malformed=N replayed=N skipped=N
 *                        dropped=N error=..."
 *   quit                 stop the link and exit (so does EOF)
 * Every message received is printed as "recv FROM KIND KEY BODY" (BODY
 * as compact JSON), as soon as it is taken. TAG is ignored: it puts the
 * test's directory into the command line, so that the test's exit trap
 * finds the process. Exit status 0, or 1 with a message on stderr.
 */
#include <cjson/cJSON.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/warroom.h"
#include "lib/util.h"

static void probe_print(struct warroom *w)
{
	struct warroom_msg m[16];
	size_t n, i;

	while ((n = warroom_take(w, m, 16)) > 0)
		for (i = 0; i < n; i++) {
			char *body = m[i].body != NULL ? cJSON_PrintUnformatted(m[i].body) : NULL;

			printf("recv %s %s %s %s\n", m[i].from, m[i].kind, m[i].key,
			       body != NULL ? body : "null");
			cJSON_free(body);
			warroom_msg_clear(&m[i]);
		}
	fflush(stdout);
}

static void probe_status(struct warroom *w)
{
	struct warroom_status st;

	warroom_get_status(w, &st);
	printf("status connected=%d tx=%lu rx=%lu forged=%lu oversize=%lu malformed=%lu "
	       "replayed=%lu skipped=%lu dropped=%lu error=%s\n",
	       st.connected, st.tx, st.rx, st.forged, st.oversize, st.malformed, st.replayed,
	       st.skipped, st.dropped, st.error);
	fflush(stdout);
}

/* One command line; 1 to quit. */
static int probe_command(struct warroom *w, char *line)
{
	char *save = NULL, *cmd = strtok_r(line, " \n", &save);
	char *kind, *key, *rest;

	if (cmd == NULL)
		return 0;
	if (strcmp(cmd, "quit") == 0)
		return 1;
	if (strcmp(cmd, "status") == 0) {
		probe_status(w);
		return 0;
	}
	kind = strtok_r(NULL, " \n", &save);
	key = strtok_r(NULL, " \n", &save);
	rest = strtok_r(NULL, "\n", &save);
	if (kind == NULL || key == NULL) {
		fprintf(stderr, "warroom_probe: %s: KIND KEY missing\n", cmd);
		return 0;
	}
	if (strcmp(cmd, "send") == 0) {
		if (warroom_send(w, kind, key, rest) != 0)
			printf("refused over the size cap\n");
	} else if (strcmp(cmd, "flood") == 0) {
		/* N messages of as many keys, 200 at a time, 60 ms apart: more
		 * than a reader takes in a second. */
		unsigned long i, n = rest != NULL ? strtoul(rest, NULL, 10) : 0;
		char k[64];

		for (i = 0; i < n; i++) {
			snprintf(k, sizeof k, "%s%lu", key, i);
			warroom_send(w, kind, k, "{}");
			if (i % 200 == 199)
				usleep(60 * 1000);
		}
	} else if (strcmp(cmd, "big") == 0) {
		size_t n = rest != NULL ? strtoul(rest, NULL, 10) : 0;
		char *body = xmalloc(n + 3);

		body[0] = '"';
		memset(body + 1, 'x', n);
		memcpy(body + 1 + n, "\"", 2);
		if (warroom_send(w, kind, key, body) != 0)
			printf("refused over the size cap\n");
		free(body);
	} else {
		fprintf(stderr, "warroom_probe: unknown command %s\n", cmd);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct warroom_opts o = { 0 };
	struct warroom *w;
	char err[256], *secret, line[4096];
	int wake[2];

	if (argc < 7 || (strcmp(argv[1], "present") != 0 && strcmp(argv[1], "follow") != 0)) {
		fprintf(stderr, "usage: warroom_probe present|follow redis|postgres URL ROOM "
				"SECRET-FILE USER [TAG]\n");
		return 1;
	}
	if (warroom_secret_load(argv[5], &secret, err, sizeof err) != 0) {
		fprintf(stderr, "warroom_probe: %s\n", err);
		return 1;
	}
	if (pipe(wake) != 0)
		return 1;
	o.presenter = strcmp(argv[1], "present") == 0;
	if (strcmp(argv[2], "redis") == 0)
		o.redis_url = argv[3];
	else
		o.pg_conninfo = argv[3];
	o.room = argv[4];
	o.secret = secret;
	o.user = argv[6];
	o.wake_fd = wake[1];
	o.timeout = 2;
	w = warroom_start(&o, err, sizeof err);
	free(secret);
	if (w == NULL) {
		fprintf(stderr, "warroom_probe: %s\n", err);
		return 1;
	}
	setvbuf(stdin, NULL, _IONBF, 0);
	for (;;) {
		struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = wake[0], .events = POLLIN } };
		char buf[64];

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents & POLLIN) {
			if (read(wake[0], buf, sizeof buf) < 0)
				break;
			probe_print(w);
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			if (fgets(line, sizeof line, stdin) == NULL || probe_command(w, line))
				break;
		}
	}
	warroom_stop(w);
	return 0;
}
