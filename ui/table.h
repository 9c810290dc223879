/*
 * table.h - the table widget every panel uses: columns, rows with a
 * stable id, sort, filter, selection, scrolling and a colour role per
 * row. The selection is kept by row id, so a panel can rebuild all rows
 * from a new snapshot and the operator keeps their place. Column widths
 * come from the cells (capped) and a narrow view drops columns by
 * priority (table_layout); rows can carry an urgency rank so that what
 * needs attention comes first, and a view too short for its rows says
 * how many are hidden and how many of those are in trouble. UI thread.
 */
#ifndef AM_TABLE_H
#define AM_TABLE_H

#include <stddef.h>
#include "ui/screen.h"

#define TABLE_MAXCOLS 32 /* a table has at most this many columns */

/* A column claims its widest cell (or title), at most width; a view too
 * narrow for all of them drops the columns of the highest prio first,
 * whole, and cuts the key columns (prio 0) only when no other is left. */
struct table_column {
	const char *title;
	int width; /* cap on the content width; 0 = none */
	int align_right;
	int prio; /* 0 = a key column; higher = dropped earlier */
	int min;  /* may be cut to this before it is dropped (0: never cut;
		   * a key column's default is TABLE_KEY_MIN) */
};

#define TABLE_KEY_MIN 8

struct table_row {
	char *id;
	char **cells; /* ncols strings; one allocation with id, widths, search */
	char *search; /* extra text the filter also matches, or NULL */
	/* Caches, so a keystroke in the filter or a sort over 10,000 rows
	 * does no allocation or number parsing per row. */
	char *folded;  /* cells and search, ASCII lower-case, or NULL (freed
			* when the filter is cleared) */
	double num;    /* the sort column's cell as a number ... */
	short *widths; /* each cell's width in columns; -1 for "-" or "" */
	long rank;     /* urgency: > 0 is trouble, higher is worse */
	enum role role;
	unsigned size;         /* bytes allocated at cells */
	unsigned lent;         /* bit c: cells[c] is the caller's (table_add_lent) */
	unsigned char id_lent; /* id is the caller's */
	unsigned char num_ok;  /* ... if it is one */
};

struct table {
	const struct table_column *cols;
	size_t ncols;
	struct table_row *rows;
	size_t nrows, rows_cap;
	size_t *visible; /* indices of rows passing the filter, sorted */
	size_t nvisible;
	char *filter; /* "" = all */
	int sort_col; /* -1 = insertion order */
	int sort_desc;
	size_t sel; /* index into visible */
	/* The operator (or a jump) chose the selected row: it is kept by id
	 * across rebuilds; until then the first row is selected, so the worst
	 * row stays in view. */
	int pinned;
	size_t top;   /* first visible row on screen */
	char *sel_id; /* id of the selected row, kept across rebuilds */
	int page;     /* rows shown at the last draw */
	/* Optional: decides whether row r passes filter (text: its cells and
	 * search text, as table_match would see them); NULL uses
	 * table_match. ctx is match_ctx. */
	int (*match)(const struct table_row *r, const char *text, const char *filter, void *ctx);
	void *match_ctx;
	/* Optional: draw row r's cell c itself (a panel marking part of it,
	 * such as a lookalike character in a name) at row y, column x, at
	 * most w columns, in role; 0 leaves it to the table. ctx is
	 * draw_ctx. */
	int (*draw_cell)(const struct table_row *r, size_t c, const struct view *v, int y, int x,
			 int w, enum role role, void *ctx);
	void *draw_ctx;
	int show_header;
	/* With no sort column: 1 orders rows by rank, highest first, then
	 * as added (the panel's order); 0 keeps the order added. */
	int trouble_first;
	/* The word for rows of rank > 0 in the "+N more, K failing" line
	 * ("failing", "lagging"); NULL leaves the count out. */
	const char *trouble_word;
	/* Of the visible rows (table_commit): each column's widest cell,
	 * and whether every cell is "-" (or empty). */
	int content[TABLE_MAXCOLS];
	unsigned char blank[TABLE_MAXCOLS];
	/* The previous build's rows while the next is added (from
	 * table_clear_rows to table_commit), for table_add_* to take back
	 * by id: a taken row's id is NULL. Looked for at old_next first
	 * (rows tend to come in the same order), else through old_slot, a
	 * hash of their ids (index + 1; 0 free) built at the first miss.
	 * Between builds there is no old array nor hash, and rows is as
	 * long as the rows (10,000 rows: 1.9 MB less than two arrays grown
	 * by doubling). */
	struct table_row *old;
	size_t nold, old_next;
	size_t old_ncols; /* ncols when they were cleared */
	size_t *old_slot;
	size_t old_mask; /* old_slot has old_mask + 1 entries; 0: not built */
};

void table_init(struct table *t, const struct table_column *cols, size_t ncols);
void table_free(struct table *t);
/* Start a rebuild: every row goes, the selected id is remembered for
 * table_commit. The rows are kept aside until table_commit, so that a
 * row added again (same id) keeps its memory and caches: a refresh of
 * 10,000 rows where few changed copies and measures only what did. */
void table_clear_rows(struct table *t);
/* Add a row; cells (ncols strings) and search are copied (or, when a
 * row of the same id was cleared since the last commit, compared with
 * it and copied where they differ). */
void table_add_row(struct table *t, const char *id, enum role role, const char *const *cells,
		   const char *search);
/* The same with an urgency rank (> 0: in trouble, higher first when
 * trouble_first is set). */
void table_add_ranked(struct table *t, const char *id, enum role role, long rank,
		      const char *const *cells, const char *search);
/* The same, borrowing instead of copying cells[c] where bit c of lent is
 * set, and id when id_lent: the caller keeps those strings alive and
 * unchanged until the row is added again (a row of the same text takes
 * the new pointers), or the rows are cleared and committed, or the table
 * freed. For a panel whose snapshot outlives its rows (Pods: 10,000 rows
 * hold 1.3 MB less). */
void table_add_lent(struct table *t, const char *id, enum role role, long rank,
		    const char *const *cells, const char *search, unsigned lent, int id_lent);
/* Apply filter and sort, and put the selection back on the same id;
 * the rows cleared and not added again are freed. */
void table_commit(struct table *t);
/* Outside a rebuild: set cell c of rows[i] (the i-th row added) to v, its
 * width and filter text following; 1 if it changed. For cells that move
 * with time alone (ages), 10,000 rows of which a few changed; then
 * table_recommit. */
int table_set_text(struct table *t, size_t i, size_t c, const char *v);
/* After table_set_text: filter, order and widths again, the selected row
 * kept. */
void table_recommit(struct table *t);
void table_set_filter(struct table *t, const char *filter);
void table_set_sort(struct table *t, int col, int desc);
/* Movement keys (arrows, j k g G, PgUp/PgDn, Home/End, wheel). 1 if the
 * key was used. */
int table_key(struct table *t, int key);
/* A click on view-relative row y selects that row; 1 if it did. */
int table_click(struct table *t, int y);
/* Draw into v: the header, the rows that fit, and when some do not, a
 * last line "+N more, K failing". */
void table_draw(struct table *t, const struct view *v, int focused);
/* Column widths for a view width wide. want[c] is column c's widest
 * cell or title; blank[c] says every cell is "-". Fills out[c] with the
 * width to draw column c at, 0 when it is dropped: blank columns first,
 * then by prio (highest first; a column with a min is cut to it before
 * it goes), the key columns (prio 0) are cut last, down to their min;
 * width left over widens columns still cut, key columns first. Pure. */
void table_layout(const struct table_column *cols, size_t ncols, const int *want,
		  const unsigned char *blank, int width, int *out);
/* Scroll so the selection is in view for a body of rows lines (the
 * header excluded), keeping the last line for "+N more" when the rows do
 * not fit; sets top and page and returns page. Pure (no drawing). */
int table_scroll(struct table *t, int rows);
/* After table_scroll: how many visible rows are off the page, and how
 * many of those have a rank > 0 (trouble, if not NULL). */
size_t table_hidden(const struct table *t, size_t *trouble);
/* The selected row, or NULL when nothing is visible. */
const struct table_row *table_selected(const struct table *t);
/* Its index into rows, or -1. */
long table_selected_index(const struct table *t);
/* Select the row with this id if visible; 1 if found. */
int table_select_id(struct table *t, const char *id);
/* Select the row with this id, clearing the filter when the filter is
 * what hides it (*cleared says so, for the caller to show). 1 if found. */
int table_reveal_id(struct table *t, const char *id, int *cleared);
/* 1 if every word of filter occurs (case-insensitively) in text. */
int table_match(const char *text, const char *filter);

#endif
