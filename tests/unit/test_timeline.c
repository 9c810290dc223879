/*
 * test_timeline.c - unit tests for core/timeline.c and runtime/appender.c:
 * events round-trip through their JSON lines (hostile text included), a
 * file cut mid-line loads up to the damage and says where, the appender
 * writes every pushed line in order before close returns, and the
 * postmortem's times to detect, mitigate and resolve are the marks'
 * distances from the opening, with secrets masked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeline.h"
#include "lib/util.h"
#include "runtime/appender.h"
#include "tests/unit/testhelp.h"

static void ev(struct timeline *tl, double t, const char *kind, const char *text,
	       const char *detail)
{
	struct tl_event e = { 0 };

	e.t = t;
	snprintf(e.kind, sizeof e.kind, "%s", kind);
	snprintf(e.who, sizeof e.who, "alice");
	e.text = (char *)text;
	e.detail = (char *)detail;
	timeline_add(tl, &e);
}

TEST(test_timeline_roundtrip)
{
	struct timeline tl = { 0 };
	struct tl_event back;
	char *line;

	ev(&tl, 1764900000.25, "note", "quote \" newline \n tab \t esc \033[2J", "x\ny");
	line = timeline_encode(&tl.v[0]);
	assert_non_null(strchr(line, '\n'));
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1); /* one line */
	assert_int_equal(timeline_decode(line, &back), 0);
	assert_true(back.t == 1764900000.25);
	assert_string_equal(back.kind, "note");
	assert_string_equal(back.who, "alice");
	assert_string_equal(back.text, tl.v[0].text);
	assert_string_equal(back.detail, "x\ny");
	tl_event_free(&back);
	free(line);
	assert_int_equal(timeline_decode("{\"v\":2,\"t\":1,\"kind\":\"note\",\"who\":\"a\","
					 "\"text\":\"x\"}",
					 &back),
			 -1);
	assert_int_equal(timeline_decode("not json", &back), -1);
	timeline_free(&tl);
}

TEST(test_timeline_appender_and_damage)
{
	char path[] = "/tmp/amtl-XXXXXX", err[256];
	struct timeline tl = { 0 }, back = { 0 };
	struct appender *ap;
	FILE *f;
	int fd = mkstemp(path), i;

	assert_true(fd >= 0);
	close(fd);
	ap = appender_open(path, err, sizeof err);
	assert_non_null(ap);
	for (i = 0; i < 200; i++) {
		char text[32];

		snprintf(text, sizeof text, "event %d", i);
		ev(&tl, 1000 + i, "note", text, NULL);
		appender_push(ap, timeline_encode(&tl.v[i]));
	}
	appender_close(ap);
	assert_int_equal(timeline_load(path, &back, err, sizeof err), 200);
	assert_string_equal(err, "");
	assert_string_equal(back.v[199].text, "event 199");
	timeline_free(&back);
	/* A crash mid-write: the last line is cut. */
	f = fopen(path, "a");
	fputs("{\"v\":1,\"t\":5,\"kind\":\"no", f);
	fclose(f);
	assert_int_equal(timeline_load(path, &back, err, sizeof err), 200);
	assert_string_equal(err, "line 201 is damaged: the rest is left out");
	timeline_free(&back);
	assert_int_equal(timeline_load("/nonexistent/x.jsonl", &back, err, sizeof err), -1);
	unlink(path);
	timeline_free(&tl);
}

TEST(test_timeline_postmortem)
{
	struct timeline tl = { 0 };
	char *doc;

	ev(&tl, 1000, "open", "incident opened: P1 High", NULL);
	ev(&tl, 1000 + 125, "mark", "detected", NULL);
	ev(&tl, 1000 + 30 * 60, "step", "Check pod status: ok, exit 0 (Service Startup Issues)",
	   "kubectl get pods --token=s3cr3tvalue");
	ev(&tl, 1000 + 30 * 60 + 2, "output", "step 1: Check pod status (40 bytes of output)",
	   "NAME  STATUS\nledger-0  Error\n```\n");
	ev(&tl, 1000 + 40 * 60, "mark", "mitigated", NULL);
	ev(&tl, 1000 + 2 * 3600 + 60, "note", "root cause | the ledger's disk", NULL);
	ev(&tl, 1000 + 3 * 3600, "mark", "resolved", NULL);
	assert_true(timeline_mark(&tl, "mitigated") == 1000 + 40 * 60);
	assert_true(timeline_mark(&tl, "nothing") == 0);
	doc = timeline_postmortem(&tl, "ledger disk full", "P1");
	test_holds_all(doc,
		       (const char *const[]){
			       "# Postmortem: ledger disk full",
			       "- Severity: P1",
			       "- Time to detect: 2m05s",
			       "- Time to mitigate: 40m00s",
			       "- Time to resolve: 3h00m",
			       "## Follow-ups",
			       /* A '|' in text does not break the table; secrets are masked. */
			       "root cause / the ledger's disk |",
			       NULL,
		       });
	assert_null(strstr(doc, "s3cr3tvalue"));
	assert_non_null(strstr(doc, "kubectl get pods"));
	/* An output's lines, each in the list item's block; a line of
	 * backquotes cannot close the block early. */
	assert_non_null(strstr(doc, "\n  NAME  STATUS\n  ledger-0  Error\n  \'\'\'\n  ```\n"));
	free(doc);
	timeline_free(&tl);
}
