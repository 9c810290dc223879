/*
 * table.h - the table widget every panel uses: columns, rows with a
 * stable id, sort, filter, selection, scrolling and a colour role per
 * row. The selection is kept by row id, so a panel can rebuild all rows
 * from a new snapshot and the operator keeps their place. UI thread.
 */
#ifndef AM_TABLE_H
#define AM_TABLE_H

#include <stddef.h>
#include "screen.h"

struct table_column {
	const char *title;
	int width; /* columns; 0 = takes the remaining width */
	int align_right;
};

struct table_row {
	char *id;
	char **cells; /* ncols strings, owned */
	char *search; /* extra text the filter also matches, or NULL */
	enum role role;
	/* Caches, so a keystroke in the filter or a sort over 10,000 rows
	 * does no allocation or number parsing per row. */
	char *folded; /* cells and search, ASCII lower-case, or NULL */
	double num;   /* the sort column's cell as a number ... */
	int num_ok;   /* ... if it is one */
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
	size_t sel;   /* index into visible */
	size_t top;   /* first visible row on screen */
	char *sel_id; /* id of the selected row, kept across rebuilds */
	int page;     /* rows shown at the last draw */
	/* Optional: decides whether row r passes filter (text: its cells and
	 * search text, as table_match would see them); NULL uses
	 * table_match. ctx is match_ctx. */
	int (*match)(const struct table_row *r, const char *text, const char *filter, void *ctx);
	void *match_ctx;
	int show_header;
};

void table_init(struct table *t, const struct table_column *cols, size_t ncols);
void table_free(struct table *t);
/* Drop every row; the selected id is remembered for table_commit. */
void table_clear_rows(struct table *t);
/* Add a row; cells (ncols strings) and search are copied. */
void table_add_row(struct table *t, const char *id, enum role role, const char *const *cells,
		   const char *search);
/* Apply filter and sort, and put the selection back on the same id. */
void table_commit(struct table *t);
void table_set_filter(struct table *t, const char *filter);
void table_set_sort(struct table *t, int col, int desc);
/* Movement keys (arrows, j k g G, PgUp/PgDn, Home/End, wheel). 1 if the
 * key was used. */
int table_key(struct table *t, int key);
/* A click on view-relative row y selects that row; 1 if it did. */
int table_click(struct table *t, int y);
void table_draw(struct table *t, const struct view *v, int focused);
/* The selected row, or NULL when nothing is visible. */
const struct table_row *table_selected(const struct table *t);
/* Its index into rows, or -1. */
long table_selected_index(const struct table *t);
/* Select the row with this id if visible; 1 if found. */
int table_select_id(struct table *t, const char *id);
/* 1 if every word of filter occurs (case-insensitively) in text. */
int table_match(const char *text, const char *filter);

#endif
