/*
 * selftest.c - the test backend (see selftest.h). It stands in for a real
 * data source wherever the runner, the mailbox or the UI's staleness and
 * error display must be exercised without a server: numbered snapshots,
 * simulated slowness, and failures by count or while a file exists.
 */
#include "backends/selftest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "backends/codec.h"
#include "lib/util.h"

struct selftest_state {
	struct selftest_arg arg;
	unsigned long polls;
	char text[64];
};

static int selftest_open(void **state, const void *arg, char *err, size_t errlen)
{
	struct selftest_state *st = xcalloc(1, sizeof *st);

	if (arg != NULL)
		st->arg = *(const struct selftest_arg *)arg;
	snprintf(st->text, sizeof st->text, "selftest");
	*state = st;
	return 0;
}

static void selftest_sleep(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int selftest_poll(void *state, void **snap, char *err, size_t errlen)
{
	struct selftest_state *st = state;
	struct selftest_snap *s;
	int fail = 0;

	st->polls++;
	if (st->arg.delay > 0)
		selftest_sleep(st->arg.delay);
	if (st->arg.fail_every > 0 && st->polls % (unsigned long)st->arg.fail_every == 0)
		fail = 1;
	if (st->arg.fail_after > 0 && st->polls > (unsigned long)st->arg.fail_after)
		fail = 1;
	if (st->arg.fail_file != NULL && access(st->arg.fail_file, F_OK) == 0)
		fail = 1;
	if (fail) {
		snprintf(err, errlen, "selftest: simulated failure");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->seq = st->polls;
	memcpy(s->text, st->text, sizeof s->text);
	*snap = s;
	return 0;
}

static int selftest_request(void *state, const struct backend_request *req, char *err,
			    size_t errlen)
{
	struct selftest_state *st = state;
	const struct selftest_req *rq = req->data;

	if (req->kind != SELFTEST_REQ_TEXT) {
		snprintf(err, errlen, "selftest: unknown request %d", req->kind);
		return -1;
	}
	snprintf(st->text, sizeof st->text, "%s", rq != NULL ? rq->text : "");
	return 0;
}

static cJSON *selftest_encode(const void *snap)
{
	const struct selftest_snap *s = snap;
	struct codec_enc e;
	cJSON *root = codec_enc_root(&e);

	codec_put_num(&e, root, "seq", (double)s->seq);
	codec_put_str(&e, root, "text", s->text);
	return codec_enc_done(&e, root);
}

static void *selftest_decode(const cJSON *j, char *err, size_t errlen)
{
	struct selftest_snap *s = xcalloc(1, sizeof *s);
	struct codec_dec d;

	if (codec_dec_init(&d, j, "selftest", err, errlen) != 0) {
		free(s);
		return NULL;
	}
	s->seq = (unsigned long)codec_int(&d, j, "seq", 0, 1LL << 53);
	codec_buf(&d, j, "text", s->text, sizeof s->text);
	if (d.bad) {
		free(s);
		return NULL;
	}
	return s;
}

const struct backend selftest_backend = {
	.name = "selftest",
	.open = selftest_open,
	.poll = selftest_poll,
	.request = selftest_request,
	.close = free,
	.snapshot_free = free,
	.snapshot_encode = selftest_encode,
	.snapshot_decode = selftest_decode,
};
