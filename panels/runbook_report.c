/*
 * runbook_report.c - `w`: the incident transcript as Markdown (the
 * entry, every step with its command, status and capped output, notes,
 * findings seen), written under the state directory.
 */
#include "panels/runbook_int.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "runtime/exec.h"
#include "runtime/job.h"
#include "backends/k8s.h"
#include "backends/native.h"
#include "core/runbook.h"
#include "core/safety.h"
#include "lib/util.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "panels/pods.h"
#include "panels/host.h"
#include "core/audit.h"
#include "lib/redact.h"
#include "lib/sanitize.h"
#include "ui/table.h"

static void runbook_md_block(FILE *f, const char *text, size_t maxlines, int from_end)
{
	char *r = redact(text);
	struct sanitize_out so;
	size_t lines = 0, i, start = 0;

	sanitize(r, strlen(r), SANITIZE_MULTILINE, 64 * 1024, &so);
	for (i = 0; i < so.len; i++)
		if (so.text[i] == '\n')
			lines++;
	if (from_end && lines > maxlines) {
		size_t skip = lines - maxlines;

		for (i = 0; i < so.len && skip > 0; i++)
			if (so.text[i] == '\n')
				skip--;
		start = i;
		fprintf(f, "… (%zu earlier lines)\n", lines - maxlines);
	}
	fputs("```\n", f);
	fwrite(so.text + start, 1, so.len - start, f);
	if (so.len > start && so.text[so.len - 1] != '\n')
		fputc('\n', f);
	fputs("```\n", f);
	sanitize_out_free(&so);
	free(r);
}

static void runbook_md_text(FILE *f, const char *text)
{
	char *r = redact(text);
	char *s = sanitize_str(r);

	fputs(s, f);
	free(s);
	free(r);
}

/* "20:31:02 UTC" of wall time t into buf. */
static void runbook_hms(char *buf, size_t n, double t)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, n, "%H:%M:%S UTC", &tm);
}

/* The transcript's record of what the Triage view saw: each finding,
 * when it appeared and when it cleared. */
static void runbook_write_findings(struct runbook_panel *rp, FILE *f)
{
	size_t n, i;
	const struct finding_seen *s = app_findings_seen(rp->app, &n);

	if (n == 0)
		return;
	fputs("\n## Findings\n\n", f);
	for (i = 0; i < n; i++) {
		char a[32], c[32], line[512];

		runbook_hms(a, sizeof a, s[i].appeared);
		if (s[i].cleared > 0)
			runbook_hms(c, sizeof c, s[i].cleared);
		snprintf(line, sizeof line, "%s %s %s: %s (appeared %s, %s%s)",
			 finding_sev_name(s[i].sev), s[i].source, s[i].object, s[i].what, a,
			 s[i].cleared > 0 ? "cleared " : "still there", s[i].cleared > 0 ? c : "");
		fputs("- ", f);
		runbook_md_text(f, line);
		fputc('\n', f);
	}
}

void runbook_write_transcript(struct runbook_panel *rp)
{
	const char *dir = app_state_dir(rp->app);
	char stamp[32], when[32], *path, *tmp;
	time_t now = time(NULL);
	struct tm tm;
	double elapsed;
	int sev = app_severity(rp->app, NULL, &elapsed);
	FILE *f;
	int fd;
	size_t i;

	if (dir == NULL) {
		app_message(rp->app, ROLE_ERROR, "no state directory (set HOME or XDG_STATE_HOME)");
		return;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	path = xasprintf("%s/incident-%s.md", dir, stamp);
	tmp = xasprintf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		app_message(rp->app, ROLE_ERROR, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		free(tmp);
		return;
	}
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "# Incident report\n\n- Written: %s\n", when);
	if (sev >= 0) {
		char el[32];

		util_fmt_duration(el, sizeof el, elapsed);
		fprintf(f, "- Severity: P%d (open for %s)\n", sev, el);
	} else {
		fputs("- Severity: none set\n", f);
	}
	fprintf(f, "- Mode: %s\n", app_read_only(rp->app) ? "read-only" : "read-write");
	runbook_write_findings(rp, f);
	if (rp->entry < 0) {
		fputs("\nNo symptom was opened.\n", f);
	} else {
		const struct runbook_entry *e = &rp->set->entries[rp->entry];

		fputs("\n## ", f);
		runbook_md_text(f, e->title);
		fputs("\n\n", f);
		for (i = 0; i < e->nsymptoms; i++) {
			fputs("- ", f);
			runbook_md_text(f, e->symptoms[i]);
			fputc('\n', f);
		}
		fputs("\n## Steps\n", f);
		for (i = 0; i < e->nsteps; i++) {
			const struct runbook_step_state *ss = &rp->st[i];
			char sbuf[32], t[32];
			struct tm st;
			time_t started = (time_t)ss->started;

			if (ss->status == RUNBOOK_NOT_RUN && ss->note == NULL)
				continue;
			fprintf(f, "\n### %zu. ", i + 1);
			runbook_md_text(f, e->steps[i].title[0] ? e->steps[i].title : "(untitled)");
			fprintf(f, "\n\n- Status: %s\n",
				runbook_status_name(ss, sbuf, sizeof sbuf));
			if (ss->started > 0) {
				gmtime_r(&started, &st);
				strftime(t, sizeof t, "%H:%M:%S UTC", &st);
				fprintf(f, "- Started: %s, took %.1f s\n", t, ss->duration);
			}
			if (ss->why != NULL) {
				fputs("- Expectation failed: ", f);
				runbook_md_text(f, ss->why);
				fputc('\n', f);
			}
			if (ss->note != NULL) {
				fputs("- Note: ", f);
				runbook_md_text(f, ss->note);
				fputc('\n', f);
			}
			fputs("\nCommand:\n\n", f);
			runbook_md_block(f, ss->ran != NULL ? ss->ran : e->steps[i].command, 200,
					 0);
			if (ss->out.len > 0) {
				fputs("\nOutput (last lines):\n\n", f);
				runbook_md_block(f, ss->out.buf, 20, 1);
			}
		}
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		app_message(rp->app, ROLE_ERROR, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	} else {
		app_message(rp->app, ROLE_OK, "transcript written to %s", path);
	}
	free(path);
	free(tmp);
}

/* ---- keys ---- */
