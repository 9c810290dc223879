/*
 * pods_view.c - the Pods panel's describe and log view: the text the
 * Kubernetes runner sent (describe, or the last PODS_TAIL log lines of a
 * container, --previous on p), scrolled, wrapped on w (each line redacted
 * whole before it is cut, so no secret is split past the redactor),
 * searched with / and n/N, followed on f (fetched again every refresh).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook.h"
#include "lib/redact.h"
#include "lib/sanitize.h"
#include "lib/util.h"
#include "panels/host.h"
#include "panels/pods_int.h"

void pods_text_set(struct pods_panel *pp, const char *text)
{
	size_t i, n = 1;

	free(pp->text);
	free(pp->lines);
	pp->text = xstrdup(text != NULL ? text : "");
	pp->textlen = strlen(pp->text);
	for (i = 0; i < pp->textlen; i++)
		n += pp->text[i] == '\n';
	pp->lines = xcalloc(n, sizeof *pp->lines);
	pp->nlines = 0;
	pp->lines[pp->nlines++] = 0;
	for (i = 0; i < pp->textlen; i++)
		if (pp->text[i] == '\n' && i + 1 < pp->textlen)
			pp->lines[pp->nlines++] = i + 1;
	if (pp->textlen == 0)
		pp->nlines = 0;
}

void pods_text_clear(struct pods_panel *pp)
{
	free(pp->text);
	free(pp->lines);
	pp->text = NULL;
	pp->lines = NULL;
	pp->textlen = pp->nlines = 0;
	pp->view_error[0] = '\0';
}

static size_t pods_line_len(const struct pods_panel *pp, size_t i)
{
	size_t end = i + 1 < pp->nlines ? pp->lines[i + 1] - 1 : pp->textlen;

	if (end > pp->lines[i] && pp->text[end - 1] == '\n')
		end--;
	return end - pp->lines[i];
}

/* Bytes of s[0..len) that fit in w columns as drawn (escapes shown as
 * placeholders are wider than their bytes), at least one character. */
static size_t pods_piece(const char *s, size_t len, int w)
{
	size_t fit = sanitize_fit(s, len, (size_t)w), i;
	int plain = 1;

	for (i = 0; i < fit && plain; i++)
		plain = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
	while (!plain && fit > 1) {
		struct sanitize_out so;
		size_t sw;

		sanitize(s, fit, 0, 0, &so);
		sw = sanitize_width(so.text, so.len);
		sanitize_out_free(&so);
		if (sw <= (size_t)w)
			break;
		fit--;
		while (fit > 1 && ((unsigned char)s[fit] & 0xc0) == 0x80)
			fit--;
	}
	return fit > 0 || len == 0 ? fit : 1;
}

/* Rows line i takes: 1, or its wrapped pieces. The line is redacted
 * whole before it is cut, so no secret is split past the redactor. */
static int pods_line_rows(const struct pods_panel *pp, size_t i, int w, char **red)
{
	char *line = xstrndup(pp->text + pp->lines[i], pods_line_len(pp, i));
	char *r;
	size_t pos = 0, len;
	int rows = 0;

	if (!pp->wrap || w <= 0) {
		if (red != NULL)
			*red = line;
		else
			free(line);
		return 1;
	}
	r = redact(line);
	free(line);
	len = strlen(r);
	do {
		pos += pods_piece(r + pos, len - pos, w);
		rows++;
	} while (pos < len && rows < 1000);
	if (red != NULL)
		*red = r;
	else
		free(r);
	return rows;
}

/* The first line to show so that the end is in view, and the largest
 * first line worth scrolling to. */
static long pods_last_first(const struct pods_panel *pp, int h, int w)
{
	long i = (long)pp->nlines;
	int used = 0;

	if (!pp->wrap)
		return pp->nlines > (size_t)h ? (long)pp->nlines - h : 0;
	while (i > 0) {
		int r = pods_line_rows(pp, (size_t)i - 1, w, NULL);

		if (used + r > h)
			break;
		used += r;
		i--;
	}
	return i;
}

static int pods_line_matches(const struct pods_panel *pp, size_t i)
{
	char *l;
	int m;

	if (pp->search[0] == '\0')
		return 0;
	l = xstrndup(pp->text + pp->lines[i], pods_line_len(pp, i));
	m = table_match(l, pp->search);
	free(l);
	return m;
}

/* Move to the next (dir 1) or previous (-1) line matching the search,
 * from the first line shown (from counts itself when inclusive). */
void pods_find_match(struct pods_panel *pp, int dir, int inclusive)
{
	long from = pp->top >= 0 ? pp->top : pp->shown, i;

	if (pp->search[0] == '\0') {
		app_message(pp->app, ROLE_NORMAL, "/ searches first");
		return;
	}
	for (i = from + (inclusive ? 0 : dir); i >= 0 && i < (long)pp->nlines; i += dir)
		if (pods_line_matches(pp, (size_t)i)) {
			pp->top = i;
			return;
		}
	app_message(pp->app, ROLE_WARN, "no %s line matches \"%s\"",
		    dir > 0 ? "further" : "earlier", pp->search);
}

static void pods_draw_text(struct pods_panel *pp, const struct view *v)
{
	long first, last_first, i;
	int y = 0;

	pp->rows = v->h;
	if (pp->text == NULL || v->h <= 0)
		return;
	last_first = pods_last_first(pp, v->h, v->w);
	first = pp->top < 0 || pp->top > last_first ? last_first : pp->top;
	if (pp->top > last_first)
		pp->top = -1; /* scrolled to the end: stay there */
	pp->shown = first;
	for (i = first; i < (long)pp->nlines && y < v->h; i++) {
		enum role r = pods_line_matches(pp, (size_t)i) ? ROLE_MATCH : ROLE_NORMAL;
		char *line = NULL;

		if (!pp->wrap) {
			draw_textn(v, y++, 0, r, pp->text + pp->lines[i], pods_line_len(pp, i), -1);
			continue;
		}
		pods_line_rows(pp, (size_t)i, v->w, &line);
		{
			size_t pos = 0, len = strlen(line);

			do {
				size_t k = pods_piece(line + pos, len - pos, v->w);

				draw_textn(v, y++, 0, r, line + pos, k, -1);
				pos += k;
			} while (pos < len && y < v->h);
		}
		free(line);
	}
}

void pods_fetch(struct pods_panel *pp)
{
	struct k8s_req *rq;

	if (pp->vns == NULL || pods_busy_request(pp, pp->follow))
		return;
	rq = k8s_req_new(pp->vns, pp->vpod);
	if (pp->mode == PODS_DESCRIBE_VIEW) {
		pods_send(pp, K8S_REQ_DESCRIBE, "describe", rq, 0);
	} else {
		rq->container = pp->vcontainer != NULL ? xstrdup(pp->vcontainer) : NULL;
		rq->tail = PODS_TAIL;
		rq->previous = pp->previous;
		pods_send(pp, K8S_REQ_LOGS, "logs", rq, 0);
	}
	snprintf(pp->pending_target, sizeof pp->pending_target, "%s/%s", pp->vns, pp->vpod);
	pp->last_fetch = util_now();
}

/* Open the describe or log view on pod p. */
static void pods_open_view(struct pods_panel *pp, enum pods_mode mode, const char *ns,
			   const char *pod, const char *container)
{
	char *nns = xstrdup(ns), *npod = xstrdup(pod);
	char *nc = container != NULL ? xstrdup(container) : NULL;

	if (pp->mode == PODS_LIST)
		pp->search[0] = '\0';
	free(pp->vns);
	free(pp->vpod);
	free(pp->vcontainer);
	pp->vns = nns;
	pp->vpod = npod;
	pp->vcontainer = nc;
	pp->mode = mode;
	pp->top = mode == PODS_LOG_VIEW ? -1 : 0;
	pp->follow = 0;
	pods_text_clear(pp);
	app_show_filter(pp->app, pp->search);
	pods_fetch(pp);
}

void pods_back(struct pods_panel *pp)
{
	pp->mode = PODS_LIST;
	pp->follow = 0;
	pods_text_clear(pp);
	app_show_filter(pp->app, pp->list.filter);
}

void pods_view(struct pods_panel *pp, enum pods_mode mode)
{
	const struct k8s_pod *p = NULL;

	if (pp->mode != PODS_LIST && pp->vns != NULL)
		p = pods_find(pp, pp->vns, pp->vpod);
	else if (pp->mode == PODS_LIST)
		p = pods_selected(pp);
	if (p == NULL) {
		if (pp->mode != PODS_LIST && pp->vns != NULL) {
			/* The pod is gone; its logs or description may still be. */
			char *ns = xstrdup(pp->vns), *pod = xstrdup(pp->vpod);

			pods_open_view(pp, mode, ns, pod, pp->vcontainer);
			free(ns);
			free(pod);
		}
		return;
	}
	if (!pods_valid(pp, p->ns, p->name))
		return;
	if (pods_busy_request(pp, 0))
		return;
	pods_open_view(pp, mode, p->ns, p->name,
		       p->containers != NULL && p->containers[0] != NULL ? p->containers[0] : NULL);
}

static void pods_got_log_container(void *ctx, const char *value)
{
	struct pods_panel *pp = ctx;

	if (value == NULL || value[0] == '\0' || pp->mode != PODS_LOG_VIEW)
		return;
	if (!runbook_valid_k8s_name(value)) {
		app_message(pp->app, ROLE_ERROR, "\"%s\" is not a valid container name", value);
		return;
	}
	free(pp->vcontainer);
	pp->vcontainer = xstrdup(value);
	pp->top = -1;
	pods_fetch(pp);
}

/* c: the pod's next container; asked for when the server sent a Table
 * (whose rows name no containers). */
void pods_next_container(struct pods_panel *pp)
{
	const struct k8s_pod *p = pp->vns != NULL ? pods_find(pp, pp->vns, pp->vpod) : NULL;
	size_t i;

	if (p == NULL || p->containers == NULL || p->containers[0] == NULL) {
		app_prompt(pp->app, "container: ", pp->vcontainer ? pp->vcontainer : "", 0,
			   pods_got_log_container, pp);
		return;
	}
	for (i = 0; p->containers[i] != NULL; i++)
		if (pp->vcontainer != NULL && strcmp(p->containers[i], pp->vcontainer) == 0)
			break;
	i = p->containers[i] != NULL && p->containers[i + 1] != NULL ? i + 1 : 0;
	free(pp->vcontainer);
	pp->vcontainer = xstrdup(p->containers[i]);
	pp->top = -1;
	pods_fetch(pp);
}

void pods_draw_view(struct pods_panel *pp, const struct view *v)
{
	char line[512];
	struct view tv = *v;
	int x;

	if (pp->mode == PODS_DESCRIBE_VIEW)
		x = draw_label(v, 1, 0, ROLE_TITLE, "Describe ");
	else
		x = draw_label(v, 1, 0, ROLE_TITLE, "Logs ");
	snprintf(line, sizeof line, "%s/%s", pp->vns, pp->vpod);
	x += draw_text(v, 1, x, ROLE_TITLE, line, 80);
	if (pp->mode == PODS_LOG_VIEW) {
		x += draw_label(v, 1, x, ROLE_DIM, " container ");
		x += draw_text(v, 1, x, ROLE_NORMAL, pp->vcontainer ? pp->vcontainer : "(default)",
			       40);
		snprintf(line, sizeof line, "  last %d lines%s%s", PODS_TAIL,
			 pp->previous ? "  PREVIOUS (--previous)" : "",
			 pp->follow ? "  following" : "");
		x += draw_label(v, 1, x, pp->previous ? ROLE_WARN : ROLE_DIM, line);
	}
	snprintf(line, sizeof line, "%s%s%s%s", pp->wrap ? "  wrap" : "",
		 pp->search[0] ? "  search \"" : "", pp->search[0] ? pp->search : "",
		 pp->search[0] ? "\" (n/N)" : "");
	x += draw_text(v, 1, x, ROLE_DIM, line, v->w);
	if (pp->pending == K8S_REQ_DESCRIBE || pp->pending == K8S_REQ_LOGS)
		x += draw_label(v, 1, x + 2, ROLE_RUNNING, "loading ...") + 2;
	if (pp->view_error[0] != '\0') {
		x += draw_label(v, 1, x + 2, ROLE_ERROR, "error: ") + 2;
		draw_text(v, 1, x, ROLE_ERROR, pp->view_error, v->w);
	}
	tv.y += 2;
	tv.h -= 2;
	if (pp->text == NULL) {
		draw_label(&tv, 0, 1, ROLE_DIM,
			   pp->view_error[0] ? "nothing to show (see the error above)"
			   : pp->pending     ? "asking the API server ..."
					     : "nothing yet");
		return;
	}
	if (pp->nlines == 0)
		draw_label(&tv, 0, 1, ROLE_DIM,
			   pp->mode == PODS_LOG_VIEW ? "(no log lines)" : "(empty)");
	pods_draw_text(pp, &tv);
}

static void pods_scroll(struct pods_panel *pp, long delta)
{
	long top = pp->top >= 0 ? pp->top : pp->shown;

	top += delta;
	pp->top = top < 0 ? 0 : top; /* past the end: the draw goes back to -1 */
}

int pods_text_key(struct pods_panel *pp, int key)
{
	long page = pp->rows > 2 ? pp->rows - 1 : 1;

	switch (key) {
	case KEY_UP:
	case 'k':
	case SCREEN_KEY_WHEEL_UP:
		pods_scroll(pp, -1);
		return 1;
	case KEY_DOWN:
	case 'j':
	case SCREEN_KEY_WHEEL_DOWN:
		if (pp->top >= 0)
			pods_scroll(pp, 1);
		return 1;
	case KEY_PPAGE:
	case 2:
		pods_scroll(pp, -page);
		return 1;
	case KEY_NPAGE:
	case 6:
	case ' ':
		if (pp->top >= 0)
			pods_scroll(pp, page);
		return 1;
	case KEY_HOME:
	case 'g':
		pp->top = 0;
		return 1;
	case KEY_END:
	case 'G':
		pp->top = -1;
		return 1;
	}
	return 0;
}

void pods_text_search(struct pods_panel *pp, const char *text)
{
	snprintf(pp->search, sizeof pp->search, "%s", text);
	if (pp->search[0] != '\0' && pp->text != NULL) {
		long i;

		for (i = pp->top >= 0 ? pp->top : pp->shown; i < (long)pp->nlines; i++)
			if (pods_line_matches(pp, (size_t)i)) {
				pp->top = i;
				return;
			}
		for (i = 0; i < (long)pp->nlines; i++)
			if (pods_line_matches(pp, (size_t)i)) {
				pp->top = i;
				return;
			}
	}
}
