/*
 * table.c - the table widget (see table.h). Rows are plain strings; the
 * draw goes through the draw helpers, so cell text is sanitised there.
 * Each cell's width is measured once when the row is added, so the
 * column widths of a filtered view cost a pass over integers, not over
 * text.
 */
#include "ui/table.h"

#include <ctype.h>
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "lib/sanitize.h"

void table_init(struct table *t, const struct table_column *cols, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols < TABLE_MAXCOLS ? ncols : TABLE_MAXCOLS;
	t->sort_col = -1;
	t->filter = xstrdup("");
	t->show_header = 1;
}

/* A row's id, cells, widths and search text are one allocation (see
 * table_row_pack), at r->cells. */
static void table_row_free(struct table_row *r)
{
	free(r->cells);
	free(r->folded);
}

/* Free the rows of the last build that were not taken back, their
 * array and its hash. */
static void table_drop_old(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nold; i++)
		if (t->old[i].id != NULL)
			table_row_free(&t->old[i]);
	free(t->old);
	t->old = NULL;
	t->nold = 0;
	t->old_next = 0;
	free(t->old_slot);
	t->old_slot = NULL;
	t->old_mask = 0;
}

/* Keep the selected row's id, for the next commit to select that row
 * again; with no row selected, the id kept before stays. */
static void table_keep_sel(struct table *t)
{
	const struct table_row *sel = table_selected(t);

	if (sel != NULL) {
		free(t->sel_id);
		t->sel_id = xstrdup(sel->id);
	}
}

void table_clear_rows(struct table *t)
{
	table_keep_sel(t);
	table_drop_old(t);
	t->old = t->rows;
	t->nold = t->nrows;
	t->old_ncols = t->ncols;
	t->rows = NULL;
	t->rows_cap = 0;
	t->nrows = 0;
	t->nvisible = 0;
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		table_row_free(&t->rows[i]);
	table_drop_old(t);
	free(t->rows);
	free(t->visible);
	free(t->filter);
	free(t->sel_id);
	memset(t, 0, sizeof *t);
}

static size_t table_hash(const char *id)
{
	size_t h = 2166136261u;

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

/* The hash of the old rows' ids, open addressing at most half full. */
static void table_index_old(struct table *t)
{
	size_t n = 16, i;

	while (n < 2 * t->nold)
		n *= 2;
	free(t->old_slot);
	t->old_slot = xcalloc(n, sizeof *t->old_slot);
	t->old_mask = n - 1;
	for (i = 0; i < t->nold; i++) {
		size_t h;

		if (t->old[i].id == NULL)
			continue; /* taken already */
		h = table_hash(t->old[i].id) & t->old_mask;
		while (t->old_slot[h] != 0)
			h = (h + 1) & t->old_mask;
		t->old_slot[h] = i + 1;
	}
}

/* The cleared row with this id not taken yet, or NULL. */
static struct table_row *table_take_old(struct table *t, const char *id)
{
	size_t h, k;

	if (t->nold == 0)
		return NULL;
	k = t->old_next;
	if (k < t->nold && t->old[k].id != NULL && strcmp(t->old[k].id, id) == 0) {
		t->old_next = k + 1;
		return &t->old[k];
	}
	if (t->old_mask == 0)
		table_index_old(t);
	for (h = table_hash(id) & t->old_mask; t->old_slot[h] != 0; h = (h + 1) & t->old_mask) {
		k = t->old_slot[h] - 1;
		if (t->old[k].id != NULL && strcmp(t->old[k].id, id) == 0) {
			t->old_next = k + 1;
			return &t->old[k];
		}
	}
	return NULL;
}

/* The width a cell is drawn at, measured once: -1 for "" and "-". */
static short table_width(const char *v)
{
	size_t len = strlen(v), w;

	w = len == 0 || strcmp(v, "-") == 0 ? 0 : sanitize_shown_width(v, len);
	return w == 0 ? -1 : w > SHRT_MAX ? SHRT_MAX : (short)w;
}

/* 1 if r's cell c is the caller's string (table_add_lent). */
static int table_lent(const struct table_row *r, size_t c)
{
	return (r->lent >> c) & 1u;
}

/* Lay r's own strings (cells, id, search) out at at, and point to the
 * lent ones; the pointers go to r. Sources must not overlap at. */
static void table_row_lay(struct table_row *r, size_t ncols, char *at, const char *id,
			  const char *const *cells, const char *search)
{
	size_t c, len;

	for (c = 0; c < ncols; c++) {
		if (table_lent(r, c)) {
			r->cells[c] = (char *)cells[c];
			continue;
		}
		len = strlen(cells[c]) + 1;
		r->cells[c] = memcpy(at, cells[c], len);
		at += len;
	}
	if (r->id_lent) {
		r->id = (char *)id;
	} else {
		len = strlen(id) + 1;
		r->id = memcpy(at, id, len);
		at += len;
	}
	r->search = search != NULL ? memcpy(at, search, strlen(search) + 1) : NULL;
}

/* Make r's block: the cell pointers, their widths (short: 10,000 rows of
 * ten columns cost 200 KB, not 400), then id, the cells and search as
 * strings; one allocation instead of a dozen a row (10,000 rows: about
 * 2 MB less). Widths are kept where a cell is the same text as r's
 * (same_cols: r's cells are for ncols columns). When the new text fits
 * r's block it is written in place (a refresh where CPU figures move by
 * a digit allocates nothing, and leaves no holes in the heap); else a
 * new block, the old freed last (the arguments may point into it). */
static void table_row_pack(struct table_row *r, size_t ncols, const char *id,
			   const char *const *cells, const char *search, int same_cols)
{
	size_t n = ncols ? ncols : 1, c, bytes = r->id_lent ? 0 : strlen(id) + 1, head, need;
	char *prev = (char *)r->cells, stack[512], *text;
	short w[TABLE_MAXCOLS];

	for (c = 0; c < ncols; c++) {
		if (!table_lent(r, c))
			bytes += strlen(cells[c]) + 1;
		w[c] = same_cols && prev != NULL && strcmp(r->cells[c], cells[c]) == 0
			       ? r->widths[c]
			       : table_width(cells[c]);
	}
	if (search != NULL)
		bytes += strlen(search) + 1;
	head = n * (sizeof(char *) + sizeof(short));
	need = head + bytes;
	free(r->folded);
	r->folded = NULL;
	if (prev != NULL && need <= r->size) {
		/* In place: the strings go through a copy, as the
		 * arguments may be r's own. */
		struct table_row tmp = *r;
		char *cp[TABLE_MAXCOLS];

		text = bytes <= sizeof stack ? stack : xmalloc(bytes);
		tmp.cells = cp;
		table_row_lay(&tmp, ncols, text, id, cells, search);
		memcpy(prev + head, text, bytes);
		r->widths = (short *)(void *)((char **)(void *)prev + n);
		for (c = 0; c < ncols; c++)
			r->cells[c] = table_lent(r, c) ? tmp.cells[c]
						       : prev + head + (tmp.cells[c] - text);
		r->id = r->id_lent ? tmp.id : prev + head + (tmp.id - text);
		r->search = search != NULL ? prev + head + (tmp.search - text) : NULL;
		memcpy(r->widths, w, ncols * sizeof *w);
		if (text != stack)
			free(text);
		return;
	}
	/* Room for a few more characters, so the next change (an age, a
	 * CPU figure) most often fits. */
	r->size = (unsigned)((need + 31) & ~(size_t)31);
	r->cells = xmalloc(r->size);
	r->widths = (short *)(void *)(r->cells + n);
	memcpy(r->widths, w, ncols * sizeof *w);
	table_row_lay(r, ncols, (char *)r->widths + n * sizeof(short), id, cells, search);
	free(prev);
}

void table_add_row(struct table *t, const char *id, enum role role, const char *const *cells,
		   const char *search)
{
	table_add_ranked(t, id, role, 0, cells, search);
}

void table_add_ranked(struct table *t, const char *id, enum role role, long rank,
		      const char *const *cells, const char *search)
{
	table_add_lent(t, id, role, rank, cells, search, 0, 0);
}

void table_add_lent(struct table *t, const char *id, enum role role, long rank,
		    const char *const *cells, const char *search, unsigned lent, int id_lent)
{
	struct table_row *r, *old = table_take_old(t, id);
	const char *v[TABLE_MAXCOLS];
	/* A row of a build with other columns (Pods: metrics came or went)
	 * is packed again, in its own block when it fits. */
	int same = old != NULL && t->old_ncols == t->ncols, changed = !same;
	size_t c, n = t->ncols < TABLE_MAXCOLS ? t->ncols : TABLE_MAXCOLS;

	if (t->nrows == t->rows_cap) {
		/* As many as the last build first: a refresh allocates once. */
		t->rows_cap = t->rows_cap ? t->rows_cap * 2 : t->nold > 32 ? t->nold : 32;
		t->rows = xrealloc(t->rows, t->rows_cap * sizeof *t->rows);
	}
	r = &t->rows[t->nrows++];
	if (old != NULL) {
		*r = *old;
		old->id = NULL; /* taken: its memory is r's now */
	} else {
		memset(r, 0, sizeof *r);
	}
	r->role = role;
	r->rank = rank;
	for (c = 0; c < n; c++) {
		v[c] = cells[c] != NULL ? cells[c] : "";
		if (!changed && r->cells[c] != v[c] && strcmp(r->cells[c], v[c]) != 0)
			changed = 1;
	}
	if (!changed && (search == NULL ? r->search != NULL
					: r->search == NULL || strcmp(r->search, search) != 0))
		changed = 1;
	if (!changed && (r->lent != lent || r->id_lent != (id_lent != 0)))
		changed = 1;
	if (changed) {
		r->lent = lent;
		r->id_lent = id_lent != 0;
		table_row_pack(r, n, id, v, search, same);
		return;
	}
	/* The same text: the lent strings are the caller's new ones (the
	 * old ones may go with what lent them). */
	for (c = 0; c < n; c++)
		if (table_lent(r, c))
			r->cells[c] = (char *)v[c];
	if (r->id_lent)
		r->id = (char *)id;
}

/* Case-insensitive substring search over bytes (ASCII folding only, so
 * the filter matches the bytes actually present). */
static int table_contains(const char *hay, const char *needle, size_t nlen)
{
	size_t i, hlen = strlen(hay);

	if (nlen == 0)
		return 1;
	for (i = 0; i + nlen <= hlen; i++)
		if (strncasecmp(hay + i, needle, nlen) == 0)
			return 1;
	return 0;
}

int table_match(const char *text, const char *filter)
{
	const char *p = filter;

	while (*p != '\0') {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n > 0 && !table_contains(text, p, n))
			return 0;
		p += n;
	}
	return 1;
}

/* The row's cells and search text, '\x1f'-separated and folded to ASCII
 * lower case, built once per row. */
static const char *table_row_folded(const struct table *t, struct table_row *r)
{
	size_t c, n = 1, k = 0;
	const char *p;
	char *out;

	if (r->folded != NULL)
		return r->folded;
	for (c = 0; c < t->ncols; c++)
		n += strlen(r->cells[c]) + 1;
	if (r->search != NULL)
		n += strlen(r->search);
	out = xmalloc(n);
	for (c = 0; c <= t->ncols; c++) {
		p = c < t->ncols ? r->cells[c] : r->search != NULL ? r->search : "";
		for (; *p != '\0'; p++)
			out[k++] = (char)tolower((unsigned char)*p);
		if (c < t->ncols)
			out[k++] = '\x1f';
	}
	out[k] = '\0';
	r->folded = out;
	return r->folded;
}

/* words: the filter's words folded to lower case, each '\0'-terminated,
 * the list ending with an empty word (table_commit makes it once). */
static int table_row_matches(const struct table *t, struct table_row *r, const char *words)
{
	const char *text, *w;

	if (t->filter[0] == '\0')
		return 1;
	text = table_row_folded(t, r);
	if (t->match != NULL)
		return t->match(r, text, t->filter, t->match_ctx);
	for (w = words; *w != '\0'; w += strlen(w) + 1)
		if (strstr(text, w) == NULL)
			return 0;
	return 1;
}

static int table_numeric(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end != s;
}

static int table_cmp(const void *a, const void *b, void *ctx)
{
	const struct table *t = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct table_row *ra = &t->rows[ia], *rb = &t->rows[ib];
	int r;

	if (ra->num_ok && rb->num_ok)
		r = ra->num < rb->num ? -1 : ra->num > rb->num;
	else
		r = strcasecmp(ra->cells[t->sort_col], rb->cells[t->sort_col]);
	if (r == 0)
		r = ia < ib ? -1 : ia > ib;
	return t->sort_desc ? -r : r;
}

/* A visible row's rank with its place, so the comparison needs no
 * context: rank first, then the order the panel added the rows in. */
struct table_rank_key {
	long rank;
	size_t idx;
};

static int table_rank_cmp(const void *a, const void *b)
{
	const struct table_rank_key *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void table_order_by_rank(struct table *t)
{
	struct table_rank_key *k;
	size_t i;

	/* Panels mostly add their rows worst first already. */
	for (i = 1; i < t->nvisible; i++)
		if (t->rows[t->visible[i - 1]].rank < t->rows[t->visible[i]].rank)
			break;
	if (i == t->nvisible)
		return;
	k = xcalloc(t->nvisible, sizeof *k);

	for (i = 0; i < t->nvisible; i++) {
		k[i].idx = t->visible[i];
		k[i].rank = t->rows[k[i].idx].rank;
	}
	qsort(k, t->nvisible, sizeof *k, table_rank_cmp);
	for (i = 0; i < t->nvisible; i++)
		t->visible[i] = k[i].idx;
	free(k);
}

/* Each column's widest visible cell, and whether all of them are "-". */
static void table_measure(struct table *t)
{
	size_t i, c, n = t->ncols < TABLE_MAXCOLS ? t->ncols : TABLE_MAXCOLS;

	for (c = 0; c < n; c++) {
		t->content[c] = 0;
		t->blank[c] = t->nvisible > 0;
	}
	for (i = 0; i < t->nvisible; i++) {
		const short *w = t->rows[t->visible[i]].widths;

		for (c = 0; c < n; c++) {
			int cw = w[c] < 0 ? (int)strlen(t->rows[t->visible[i]].cells[c]) : w[c];

			if (w[c] >= 0)
				t->blank[c] = 0;
			if (cw > t->content[c])
				t->content[c] = cw;
		}
	}
}

void table_commit(struct table *t)
{
	size_t i;

	size_t flen = strlen(t->filter), k = 0;
	char *words = xmalloc(flen + 2);

	/* "a  B" -> "a\0b\0\0" */
	for (i = 0; i < flen; i++) {
		if (t->filter[i] != ' ')
			words[k++] = (char)tolower((unsigned char)t->filter[i]);
		else if (k > 0 && words[k - 1] != '\0')
			words[k++] = '\0';
	}
	if (k > 0 && words[k - 1] != '\0')
		words[k++] = '\0';
	words[k] = '\0';
	t->visible = xrealloc(t->visible, (t->nrows ? t->nrows : 1) * sizeof *t->visible);
	t->nvisible = 0;
	for (i = 0; i < t->nrows; i++)
		if (table_row_matches(t, &t->rows[i], words))
			t->visible[t->nvisible++] = i;
	free(words);
	if (t->sort_col < 0 && t->trouble_first && t->nvisible > 1)
		table_order_by_rank(t);
	else if (t->sort_col >= 0 && (size_t)t->sort_col < t->ncols && t->nvisible > 1) {
		for (i = 0; i < t->nvisible; i++) {
			struct table_row *r = &t->rows[t->visible[i]];

			r->num_ok = table_numeric(r->cells[t->sort_col], &r->num);
		}
		util_sort(t->visible, t->nvisible, sizeof *t->visible, table_cmp, t);
	}
	table_measure(t);
	table_drop_old(t);
	if (t->rows_cap > t->nrows + t->nrows / 8 + 32) {
		/* More rows went than came: give the rest back. */
		t->rows_cap = t->nrows ? t->nrows : 1;
		t->rows = xrealloc(t->rows, t->rows_cap * sizeof *t->rows);
	}
	if (!t->pinned) {
		/* Nobody chose a row: the first stays selected, so a new worst
		 * row is on screen rather than pushed up by the selection. */
		t->sel = 0;
	} else if (t->sel_id == NULL || !table_select_id(t, t->sel_id)) {
		if (t->sel >= t->nvisible)
			t->sel = t->nvisible ? t->nvisible - 1 : 0;
	}
}

int table_set_text(struct table *t, size_t i, size_t c, const char *v)
{
	const char *cells[TABLE_MAXCOLS];
	struct table_row *r;
	size_t k;

	if (i >= t->nrows || c >= t->ncols || c >= TABLE_MAXCOLS ||
	    strcmp(t->rows[i].cells[c], v) == 0)
		return 0;
	r = &t->rows[i];
	for (k = 0; k < t->ncols && k < TABLE_MAXCOLS; k++)
		cells[k] = k == c ? v : r->cells[k];
	r->lent &= ~(1u << c); /* v is the caller's for now only */
	table_row_pack(r, k, r->id, cells, r->search, 1);
	return 1;
}

void table_recommit(struct table *t)
{
	table_keep_sel(t);
	table_commit(t);
}

int table_reveal_id(struct table *t, const char *id, int *cleared)
{
	*cleared = 0;
	if (table_select_id(t, id))
		return 1;
	if (t->filter[0] == '\0')
		return 0;
	table_set_filter(t, "");
	*cleared = 1;
	return table_select_id(t, id);
}

int table_select_id(struct table *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->nvisible; i++) {
		if (strcmp(t->rows[t->visible[i]].id, id) == 0) {
			t->sel = i;
			t->pinned = 1;
			return 1;
		}
	}
	return 0;
}

void table_set_filter(struct table *t, const char *filter)
{
	/* Filtering is the operator looking for rows: what it lands on is
	 * their choice, kept when the filter is cleared. */
	if (t->filter[0] != '\0' || (filter != NULL && filter[0] != '\0'))
		t->pinned = 1;
	free(t->filter);
	t->filter = xstrdup(filter != NULL ? filter : "");
	t->top = 0;
	if (t->filter[0] == '\0') {
		/* The folded text serves a filter only: with none, 10,000
		 * rows hold 1.5 MB less (the next filter folds them again). */
		size_t i;

		for (i = 0; i < t->nrows; i++) {
			free(t->rows[i].folded);
			t->rows[i].folded = NULL;
		}
	}
	table_recommit(t);
}

void table_set_sort(struct table *t, int col, int desc)
{
	t->sort_col = col;
	t->sort_desc = desc;
	table_recommit(t);
}

const struct table_row *table_selected(const struct table *t)
{
	if (t->nvisible == 0 || t->sel >= t->nvisible)
		return NULL;
	return &t->rows[t->visible[t->sel]];
}

long table_selected_index(const struct table *t)
{
	if (t->nvisible == 0 || t->sel >= t->nvisible)
		return -1;
	return (long)t->visible[t->sel];
}

static void table_remember(struct table *t)
{
	const struct table_row *sel = table_selected(t);

	t->pinned = 1;
	free(t->sel_id);
	t->sel_id = sel != NULL ? xstrdup(sel->id) : NULL;
}

int table_key(struct table *t, int key)
{
	size_t page = t->page > 1 ? (size_t)t->page - 1 : 1;
	size_t old = t->sel;

	if (t->nvisible == 0)
		return key == KEY_UP || key == KEY_DOWN || key == 'j' || key == 'k';
	switch (key) {
	case KEY_UP:
	case 'k':
	case SCREEN_KEY_WHEEL_UP:
		if (t->sel > 0)
			t->sel--;
		break;
	case KEY_DOWN:
	case 'j':
	case SCREEN_KEY_WHEEL_DOWN:
		if (t->sel + 1 < t->nvisible)
			t->sel++;
		break;
	case KEY_PPAGE:
	case 2: /* C-b */
		t->sel = t->sel > page ? t->sel - page : 0;
		break;
	case KEY_NPAGE:
	case 6: /* C-f */
		t->sel = t->sel + page < t->nvisible ? t->sel + page : t->nvisible - 1;
		break;
	case KEY_HOME:
	case 'g':
		t->sel = 0;
		break;
	case KEY_END:
	case 'G':
		t->sel = t->nvisible - 1;
		break;
	default:
		return 0;
	}
	if (t->sel != old)
		table_remember(t);
	return 1;
}

int table_click(struct table *t, int y)
{
	size_t row;

	if (t->show_header)
		y--;
	if (y < 0 || (t->page > 0 && y >= t->page))
		return 0; /* the header, or the "+N more" line */
	row = t->top + (size_t)y;
	if (row >= t->nvisible)
		return 0;
	t->sel = row;
	table_remember(t);
	return 1;
}

static int table_total(const int *out, size_t ncols)
{
	int total = 0, shown = 0;
	size_t c;

	for (c = 0; c < ncols; c++)
		if (out[c] > 0) {
			total += out[c];
			shown++;
		}
	return shown > 0 ? total + shown - 1 : 0;
}

/* Take up to excess columns from those in set (at their out), widest
 * first, none below lo[c]; returns what is still to take. */
static int table_shave(int *out, const int *lo, const unsigned char *set, size_t ncols, int excess)
{
	while (excess > 0) {
		int best = -1;
		size_t c;

		for (c = 0; c < ncols; c++)
			if (set[c] && out[c] > lo[c] && (best < 0 || out[c] > out[best]))
				best = (int)c;
		if (best < 0)
			break;
		out[best]--;
		excess--;
	}
	return excess;
}

void table_layout(const struct table_column *cols, size_t ncols, const int *want,
		  const unsigned char *blank, int width, int *out)
{
	int lo[TABLE_MAXCOLS], full[TABLE_MAXCOLS], maxprio = 0, p;
	unsigned char set[TABLE_MAXCOLS];
	size_t c;

	if (ncols > TABLE_MAXCOLS)
		ncols = TABLE_MAXCOLS;
	for (c = 0; c < ncols; c++) {
		int tw = (int)strlen(cols[c].title);

		full[c] = want[c] > tw ? want[c] : tw;
		out[c] = cols[c].width > 0 && full[c] > cols[c].width ? cols[c].width : full[c];
		if (out[c] < 1)
			out[c] = 1;
		if (cols[c].min > 0)
			lo[c] = cols[c].min < out[c] ? cols[c].min : out[c];
		else
			lo[c] = cols[c].prio == 0 && out[c] > TABLE_KEY_MIN ? TABLE_KEY_MIN
									    : out[c];
		if (cols[c].prio > maxprio)
			maxprio = cols[c].prio;
	}
	/* A column of nothing but "-" is the first to go. */
	for (c = ncols; c-- > 0 && table_total(out, ncols) > width;)
		if (blank != NULL && blank[c] && cols[c].prio > 0)
			out[c] = 0;
	for (p = maxprio; p > 0 && table_total(out, ncols) > width; p--) {
		int excess, room = 0;

		for (c = 0; c < ncols; c++) {
			set[c] = cols[c].prio == p && out[c] > 0;
			if (set[c])
				room += out[c] - lo[c];
		}
		/* Drop this level's columns, rightmost first, until cutting the
		 * rest to their min would do. */
		for (c = ncols; c-- > 0;) {
			excess = table_total(out, ncols) - width;
			if (excess <= room)
				break;
			if (set[c]) {
				room -= out[c] - lo[c];
				out[c] = 0;
				set[c] = 0;
			}
		}
		table_shave(out, lo, set, ncols, table_total(out, ncols) - width);
	}
	if (table_total(out, ncols) > width) {
		for (c = 0; c < ncols; c++)
			set[c] = cols[c].prio == 0 && out[c] > 0;
		table_shave(out, lo, set, ncols, table_total(out, ncols) - width);
	}
	/* Room to spare goes to the columns still cut, key columns first. */
	for (p = 0; p <= maxprio; p++)
		for (c = 0; c < ncols; c++) {
			int spare = width - table_total(out, ncols);

			if (spare <= 0)
				return;
			if (cols[c].prio == p && out[c] > 0 && out[c] < full[c])
				out[c] += full[c] - out[c] < spare ? full[c] - out[c] : spare;
		}
}

int table_scroll(struct table *t, int rows)
{
	if (rows < 0)
		rows = 0;
	/* Rows that do not all fit give their last line to "+N more". */
	if ((size_t)rows < t->nvisible && rows > 1)
		rows--;
	t->page = rows;
	if (t->sel < t->top)
		t->top = t->sel;
	if (rows > 0 && t->sel >= t->top + (size_t)rows)
		t->top = t->sel - (size_t)rows + 1;
	if (t->top + (size_t)rows > t->nvisible)
		t->top = t->nvisible > (size_t)rows ? t->nvisible - (size_t)rows : 0;
	return rows;
}

size_t table_hidden(const struct table *t, size_t *trouble)
{
	size_t i, shown = t->page > 0 ? (size_t)t->page : 0, bad = 0;
	size_t top = t->top < t->nvisible ? t->top : t->nvisible;

	if (shown > t->nvisible - top)
		shown = t->nvisible - top;
	for (i = 0; i < t->nvisible; i++)
		if ((i < top || i >= top + shown) && t->rows[t->visible[i]].rank > 0)
			bad++;
	if (trouble != NULL)
		*trouble = bad;
	return t->nvisible - shown;
}

void table_draw(struct table *t, const struct view *v, int focused)
{
	int widths[TABLE_MAXCOLS], want[TABLE_MAXCOLS];
	int y = 0, rows, x;
	size_t c, i, hidden, bad;

	if (v->h <= 0 || v->w <= 0 || t->ncols > TABLE_MAXCOLS)
		return;
	for (c = 0; c < t->ncols; c++)
		want[c] = t->content[c] + ((int)c == t->sort_col);
	table_layout(t->cols, t->ncols, want, t->blank, v->w, widths);
	if (t->show_header && v->h > 1) {
		draw_fill(v, 0, ROLE_HEADER);
		for (c = 0, x = 0; c < t->ncols && x < v->w; c++) {
			char title[64];

			if (widths[c] == 0)
				continue;
			snprintf(title, sizeof title, "%s%s", t->cols[c].title,
				 (int)c == t->sort_col ? (t->sort_desc ? "v" : "^") : "");
			draw_text(v, 0, x, ROLE_HEADER, title, widths[c]);
			x += widths[c] + 1;
		}
		y = 1;
	}
	rows = table_scroll(t, v->h - y);
	for (i = t->top; i < t->nvisible && y < v->h && i < t->top + (size_t)rows; i++, y++) {
		const struct table_row *r = &t->rows[t->visible[i]];
		int selected = i == t->sel;
		enum role role = selected && focused ? ROLE_SELECTED : r->role;

		if (selected && focused)
			draw_fill(v, y, ROLE_SELECTED);
		else
			draw_fill_gaps(v, y, r->role);
		for (c = 0, x = 0; c < t->ncols && x < v->w; c++) {
			int cw = widths[c];
			int pad = 0;

			if (cw == 0)
				continue;
			if (t->cols[c].align_right) {
				int tw = r->widths[c] < 0 ? (int)strlen(r->cells[c]) : r->widths[c];

				pad = cw > tw ? cw - tw : 0;
			}
			if (t->draw_cell == NULL ||
			    !t->draw_cell(r, c, v, y, x + pad, cw - pad, role, t->draw_ctx))
				draw_text(v, y, x + pad, role, r->cells[c], cw - pad);
			x += cw + 1;
		}
		/* Where the selection of an unfocused panel is, without painting
		 * over its first character. */
		if (selected && !focused)
			draw_underline(v, y, r->role);
	}
	hidden = table_hidden(t, &bad);
	if (hidden > 0 && y < v->h) {
		char line[96];

		if (t->trouble_word != NULL)
			snprintf(line, sizeof line, "+%zu more, %zu %s", hidden, bad,
				 t->trouble_word);
		else
			snprintf(line, sizeof line, "+%zu more", hidden);
		draw_label(v, y, 0, bad > 0 ? ROLE_WARN : ROLE_DIM, line);
	}
}
