/*
 * app_int.h - what the files of the application shell share and nobody
 * else sees: the state of the shell (struct app), its constants, and the
 * functions one part calls in another. app.c owns the state and the
 * loop; layout.c places the panels; draw.c draws the frame around them;
 * dialogs.c the confirmations, the severity picker and the help; keys.c
 * the global key table and key dispatch; commands.c the `:` command
 * table; incident.c the severity and the findings. UI thread only.
 */
#ifndef AM_APP_INT_H
#define AM_APP_INT_H

#include "app/app.h"
#include "core/timeline.h"

struct cJSON;
#include "runtime/appender.h"
#include "panels/findings.h"
#include "panels/panel.h"
#include "ui/pick.h"
#include "ui/prompt.h"
#include "ui/screen.h"

#define APP_MIN_COLS 40
#define APP_MIN_ROWS 10
#define APP_GRID_COLS 160
#define APP_GRID_ROWS 45
#define APP_MAX_PANELS 16
/* Findings are gathered when data arrives, and at least this often
 * (seconds): "Pending for more than 5 min" changes with time alone. */
#define APP_FINDINGS_EVERY 5.0
/* The incident record keeps at most this many findings. */
#define APP_FINDINGS_LOG_MAX 2000

/* Response targets from the guide's escalation section (incident.c). */
struct app_sev {
	const char *name;
	const char *label;
	double target;
};
extern const struct app_sev app_sev[4];

/* The global keys (keys.c); with the focused panel's table they drive
 * dispatch, the help screen and the key bar. */
extern const struct keymap_entry app_keys[];

enum app_input { INPUT_NONE, INPUT_FILTER, INPUT_COMMAND, INPUT_PROMPT };
enum app_dialog {
	DIALOG_NONE,
	DIALOG_CONFIRM,
	DIALOG_SEVERITY,
	DIALOG_HELP,
	DIALOG_PICK,
	DIALOG_TEXT
};

struct app_panel {
	const struct panel_ops *ops;
	void *self;
	struct view view; /* outer (with border) at the last layout; h = 0 hidden */
	char filter[PROMPT_MAX];
	/* What it wants: content lines through app_steady's hysteresis (-1
	 * unbounded), and columns (0 no preference). */
	int want_rows, want_cols;
};

struct app {
	const struct config *config;
	const struct runbook_set *runbooks;
	struct theme theme;
	struct app_panel panels[APP_MAX_PANELS];
	int npanels;
	int focus;
	int zoom;
	int layout; /* enum config_layout */
	int read_only;

	int sig_pipe[2];
	int wake_pipe[2];
	volatile int quit;
	int quit_signal;
	int dirty;

	char msg[512];
	enum role msg_role;

	enum app_input input;
	struct prompt line;
	char prompt_label[128];
	void (*prompt_done)(void *ctx, const char *value);
	void *prompt_ctx;

	enum app_dialog dialog;
	struct app_confirm confirm;
	char **confirm_body;
	char *confirm_title, *confirm_type, *confirm_label;
	int confirm_button; /* 0 Cancel, 1 Run */
	/* The key being handled came in one burst with others (typed by a
	 * paste or a program, not by hand): it never confirms. */
	int key_burst;
	int help_top; /* the help's, or the text's, first line shown */
	/* DIALOG_TEXT: a text to read (a timeline event's detail). */
	char *text_title;
	char **text_lines;
	size_t ntext_lines;
	struct pick pick; /* DIALOG_PICK */
	void (*pick_done)(void *ctx, const char *chosen);
	void *pick_ctx;

	int severity;
	double sev_since;      /* wall time the incident opened, for display */
	double sev_since_mono; /* the same by the monotonic clock, for the timer */
	double last_tick;

	/* What is wrong now (sorted, mapped to runbook entries), gathered
	 * from the panels; findings_gen bumps when it changes. */
	struct finding_list findings;
	struct finding_list findings_raw, findings_prev; /* the last two gathers */
	unsigned long findings_gen;
	unsigned long findings_hash;
	double findings_at;
	struct finding_seen *seen; /* every finding since start, for the record */
	size_t nseen, seen_cap;

	char *kube_ctx; /* the context the Pods panel shows, for the environment */

	char *shell;
	char *state_dir;

	/* The incident timeline (incident_timeline.c): kept while an incident is
	 * open, appended to tl_path by tl_out. */
	struct timeline tl;
	struct appender *tl_out;
	char *tl_path;

	/* The war room this console presents or follows (room.c), or
	 * NULL. */
	struct app_warroom *wr;
	/* --asciicast: the terminal output, or NULL (cast.c). */
	struct app_cast *cast;
};

/* The main loop's poll timeout in ms (-1: none): timeout, or less to
 * wake at the end of the gap after news (gap_end, monotonic; 0: no gap),
 * 0 when that gap is already over. app.c. */
int app_poll_timeout(int timeout, double gap_end);

/* room.c */
/* Every loop pass: the presenter publishes the view and takes hellos and
 * notes; a follower takes the presenter's messages. */
void app_warroom_tick(struct app *a);
/* A follower's own keys (f, and ! refused): 1 if taken. */
int app_warroom_key(struct app *a, int key);
/* n on a follower: the note goes to the presenter. */
void app_warroom_note(struct app *a, const char *text);
/* The war room's part of the top line at column x; its width. */
int app_warroom_top(struct app *a, const struct view *v, int x);
/* Say goodbye and close the link (after the runners stopped). */
void app_warroom_end(struct app *a);
/* :present ROOM mid-session, and :handover NAME (a presenter offers
 * control to a follower, who takes it with H). */
void app_warroom_present_now(struct app *a, const char *room);
void app_warroom_handover(struct app *a, const char *to);
/* A timeline event the presenter (or recorder) publishes; a follower or
 * a replay keeps the ones it gets in its own a->tl, for :timeline. */
void app_warroom_timeline(struct app *a, const struct tl_event *e);
/* The name this console goes by in its war room, or NULL. */
const char *app_warroom_name(const struct app *a);
/* 1 while a replay plays (the loop wakes to move its clock). */
int app_warroom_replaying(const struct app *a);

/* cast.c: the terminal output as an asciicast v2 file. */
struct app_cast;
struct app_cast *app_cast_open(const char *path, int cols, int rows, char *err, size_t errlen);
/* screen_set_tee's function: one frame's bytes. */
void app_cast_output(void *ctx, const char *bytes, size_t n);
/* A marker (a step run) and a resize; c may be NULL. */
void app_cast_marker(struct app_cast *c, const char *label);
void app_cast_resize(struct app_cast *c, int cols, int rows);
void app_cast_close(struct app_cast *c);

/* record.c: a session's recording and its replay. */
#define APP_RECORD_VERSION 1
#define APP_RECORD_MAX (256u << 20) /* a file's bytes before it rotates to FILE.1 */
struct app_recorder;
/* Start FILE (an older one becomes FILE.1) with its header: the
 * configuration (secrets masked). max: bytes before rotating (0: the
 * default). NULL + err. */
struct app_recorder *app_recorder_open(const char *path, const char *config_yaml, size_t max,
				       char *err, size_t errlen);
/* One event (body: JSON text); any thread, never waits on the disk. 1
 * when the file rotated just now: the caller records everything again. */
int app_recorder_put(struct app_recorder *r, const char *kind, const char *key, const char *body);
void app_recorder_close(struct app_recorder *r);
struct app_replay;
/* Index a recording: NULL + err when it is no recording; one damaged
 * part-way replays up to the damage (app_replay_damage says where).
 * *yaml gets its configuration. */
struct app_replay *app_replay_open(const char *path, char **yaml, char *err, size_t errlen);
double app_replay_length(const struct app_replay *r);
double app_replay_started(const struct app_replay *r);
const char *app_replay_damage(const struct app_replay *r);
/* An event read back: kind, key and body (borrowed; may be detached from). */
typedef void (*app_replay_fn)(void *ctx, const char *kind, const char *key, struct cJSON *body);
/* The events after from up to to, in order. */
void app_replay_range(struct app_replay *r, double from, double to, app_replay_fn fn, void *ctx);
/* The newest event of every key at or before t, in order (a seek). */
void app_replay_seek(struct app_replay *r, double t, app_replay_fn fn, void *ctx);
/* The time of the next event after t (dir 1) or the last before it (-1). */
double app_replay_next(const struct app_replay *r, double t, int dir);
void app_replay_close(struct app_replay *r);

/* A follower's note in the presenter's timeline, under the follower's
 * name (incident_timeline.c). */
void app_timeline_note_by(struct app *a, const char *who, const char *text);

/* incident_timeline.c */
void app_timeline_severity(struct app *a, int was, int sev);
void app_timeline_mark(struct app *a, const char *what);
void app_timeline_show(struct app *a);
void app_timeline_postmortem(struct app *a);
/* --incident resume: reopen the newest incident; 0 or -1 (said why). */
int app_timeline_resume(struct app *a);
void app_timeline_end(struct app *a);

/* app.c */
/* $XDG_STATE_HOME/amconsole (else ~/.local/state/amconsole), made if
 * missing; fresh, NULL when there is no home. Before the shell exists
 * too (a war room's secret). */
char *app_state_path(void);
void app_set_focus(struct app *a, int i);
/* The index of the panel called name, or -1. */
int app_panel_index(struct app *a, const char *name);
/* 1 while any panel has a command running. */
int app_any_busy(struct app *a);

/* layout.c */
/* 1 when the terminal is large enough for the grid. */
int app_grid(void);
/* Ask every panel what it wants; 1 if a steady size changed. */
int app_wants(struct app *a);
/* Place the panels (sets each view) by the preset and the terminal size. */
void app_layout(struct app *a);

/* draw.c */
/* The focused panel's key table now (its sub-mode's, else its own). */
const struct keymap_entry *app_panel_keys(struct app *a, int i);
void app_draw(struct app *a);

/* dialogs.c */
/* Free the copies an open confirmation holds and forget it. */
void app_confirm_reset(struct app *a);
/* Draw the open dialog over the screen; sets *cury, *curx when it has a
 * text field (else leaves them). */
void app_draw_dialog(struct app *a, int rows, int cols, int *cury, int *curx);
void app_key_dialog(struct app *a, int key);
/* Show text (many lines, from outside: drawn sanitised) in a dialog
 * that scrolls; q, Esc or Enter closes it. */
void app_show_text(struct app *a, const char *title, const char *text);
void app_text_free(struct app *a);
/* Quit now, or ask first when a step is still running. */
void app_ask_quit(struct app *a);

/* keys.c */
void app_key(struct app *a, int key);

/* commands.c */
/* One `:` command, as tmux's cmd_entry. */
struct app_cmd {
	const char *name;
	const char *alias; /* another word for it, or NULL */
	const char *args;  /* the argument's synopsis ("NAME"), or NULL */
	const char *help;  /* one line, for the help screen */
	/* cmd is the word typed (name or alias), arg the rest, trimmed. */
	void (*run)(struct app *a, const char *cmd, const char *arg);
	/* The argument's choices for Tab (copies, sorted; free with
	 * strv_free), or NULL when it has none to offer. */
	size_t (*choices)(struct app *a, char ***out);
};
/* The NULL-name-terminated command table. */
extern const struct app_cmd app_cmds[];
/* The command named word (its name or alias), or NULL. */
const struct app_cmd *app_cmd_find(const char *word);
/* ":name ARGS" into buf. */
void app_cmd_synopsis(const struct app_cmd *c, char *buf, size_t len);
/* Tab on the command line: complete the command's name from the table
 * and the panels' names, or after it its argument from the command's
 * choices (in full when one matches, else as far as the matches agree).
 * 1 if the line changed. */
int app_command_complete(struct app *a, struct prompt *line);
/* Run one `:` command line (without the colon). */
void app_command(struct app *a, const char *cmdline);

/* incident.c */
/* Open the incident at severity sev (0..3), change it, or close it (-1). */
void app_set_severity(struct app *a, int sev);
/* Gather the findings when data arrived (changed) or it is time. */
void app_findings_update(struct app *a, int changed);

#endif
