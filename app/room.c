/*
 * room.c - the war room in the shell (#18). A presenter publishes,
 * through the link (backends/warroom.h): its configuration with secrets
 * masked ("config"), every runner's snapshots as its backend encodes them
 * ("snap:KEY", from the runner tap, on the runner's own thread; one equal
 * to the last sent is not sent again), and the view ("state": focus,
 * zoom, layout, the incident's severity and age, the last notes, who
 * follows), at least every APP_WR_BEAT seconds. A follower runs the same
 * panels on the presenter's configuration with every runner in remote
 * mode (runtime/remote.h), so it needs no credentials and asks no
 * server; it follows the view unless it looks around (f), is read-only
 * and runs no step, sends a hello every APP_WR_BEAT seconds (the
 * presenter's top line counts who follows) and notes (n) that land in
 * the presenter's timeline under the follower's name. UI thread, but
 * for the tap.
 */
#include "app/app_int.h"

#include <cjson/cJSON.h>
#include <curses.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/warroom.h"
#include "core/audit.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runtime/remote.h"
#include "runtime/runner.h"

#define APP_WR_BEAT 5.0     /* seconds between a side's messages at the least */
#define APP_WR_GONE 15.0    /* the presenter is gone after this long unheard */
#define APP_WR_FOLLOWERS 32 /* followers the presenter lists */
#define APP_WR_SENT 64      /* sources whose last snapshot the tap remembers */
#define APP_WR_NOTES 10     /* notes the state carries */

struct app_wr_follower {
	char name[64];
	double seen; /* wall time of its last hello */
};

struct app_wr_sent {
	char key[96];
	unsigned long hash;
};

struct app_warroom {
	struct warroom *link;
	int presenter;
	int own_data;
	char room[65];
	char name[64];

	/* The presenter. The tap runs on runner threads: lock. */
	pthread_mutex_t lock;
	struct app_wr_sent sent[APP_WR_SENT];
	size_t nsent;
	int resend_view; /* send the configuration and the view again */
	char *config_yaml;
	char *state_sent; /* the last state's JSON */
	double state_at;  /* when it went (util_now) */
	double config_at;
	struct app_wr_follower fol[APP_WR_FOLLOWERS];
	size_t nfol;
	char too_big[64];     /* a source whose snapshot was too big to share, "" none */
	size_t too_big_bytes; /* its size */

	/* The follower. */
	int looking; /* f: looking around, not following the view */
	char presenter_name[64];
	double heard;    /* wall time of the presenter's last message */
	int bye;         /* it said it quit */
	double hello_at; /* util_now of the last hello sent */
	unsigned long note_seq;
	unsigned long tl_seq; /* timeline events published */
	char last_note[256];  /* the newest note shown */
	struct warroom_status st;

	char *secret;      /* the room's, to start the link again in the other role */
	char offer_to[64]; /* the presenter offered control to this follower */
	int offered;       /* a follower: the presenter offered control to it */
	char offered_by[64];

	/* --record: what is published also goes to a file (record.c). */
	struct app_recorder *rec;
	/* --replay: a recording shown again, as a follower shows a room. */
	struct app_replay *replay;
	double rpos;   /* seconds into the recording shown */
	double rspeed; /* 1: as recorded */
	int rplaying;
	double rlast; /* util_now of the last step of rpos */
};

static unsigned long app_wr_hash(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

static void app_wr_resend(struct app_warroom *w);

/* A published message: to the war room and to the recording, whichever
 * there are. Any thread. */
/* Publish (and record); -1 when the message is over the war room's size
 * cap and was not sent (the recording takes it all the same). */
static int app_wr_out(struct app_warroom *w, const char *kind, const char *key, const char *body)
{
	int rc = 0;

	if (w->link != NULL && warroom_send(w->link, kind, key, body) != 0) {
		log_msg("warroom: %s: over the size cap, not sent", key);
		rc = -1;
	}
	if (w->rec != NULL && app_recorder_put(w->rec, kind, key, body))
		app_wr_resend(w); /* a new file: everything again */
	return rc;
}

/* How much of a tap key names its source: "kubernetes:" (a source with
 * no label) reads "kubernetes". */
static int app_wr_key_shown(const char *key)
{
	size_t n = strlen(key);

	return (int)(n > 0 && key[n - 1] == ':' ? n - 1 : n);
}

/* A snapshot too big for a message: the followers get its source's
 * error instead, so their panel says why its data stopped (and keeps the
 * last it had, marked stale), and the presenter's top line names it. */
static void app_wr_too_big(struct app_warroom *w, const char *key, const char *mkey, size_t bytes)
{
	int n = app_wr_key_shown(key);
	char *why = xasprintf("the presenter's %.*s data is too big to share in the war room "
			      "(%.1f MB; a message carries at most %u MiB)",
			      n, key, (double)bytes / 1e6, WARROOM_MSG_MAX >> 20);
	char *q = util_json_quote(why), *body = xasprintf("{\"error\":%s}", q);

	warroom_send(w->link, "snap", mkey, body);
	pthread_mutex_lock(&w->lock);
	snprintf(w->too_big, sizeof w->too_big, "%s", key);
	w->too_big_bytes = bytes;
	pthread_mutex_unlock(&w->lock);
	free(body);
	free(q);
	free(why);
}

/* The runner tap (runner threads): a source's new snapshot, encoded by
 * its backend, or its error; sent unless equal to the last one sent. */
static void app_wr_tap(void *ctx, const char *key, const struct backend *be, const void *snap,
		       const char *error)
{
	struct app_warroom *w = ctx;
	char *body, *inner, mkey[64];
	unsigned long h;
	size_t i;

	if (snap != NULL) {
		cJSON *j = be->snapshot_encode != NULL ? be->snapshot_encode(snap) : NULL;

		if (j == NULL)
			return;
		inner = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		body = xasprintf("{\"snap\":%s}", inner);
		cJSON_free(inner);
	} else {
		inner = util_json_quote(error);
		body = xasprintf("{\"error\":%s}", inner);
		free(inner);
	}
	h = app_wr_hash(body);
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nsent && strcmp(w->sent[i].key, key) != 0; i++)
		;
	if (i < w->nsent && w->sent[i].hash == h) {
		pthread_mutex_unlock(&w->lock);
		free(body);
		return;
	}
	if (i == w->nsent && w->nsent < APP_WR_SENT)
		snprintf(w->sent[w->nsent++].key, sizeof w->sent[0].key, "%s", key);
	if (i < w->nsent)
		w->sent[i].hash = h;
	if (strcmp(w->too_big, key) == 0)
		w->too_big[0] = '\0'; /* unless this one is too big as well */
	pthread_mutex_unlock(&w->lock);
	snprintf(mkey, sizeof mkey, "snap:%s", key);
	if (app_wr_out(w, "snap", mkey, body) != 0)
		app_wr_too_big(w, key, mkey, strlen(body));
	free(body);
}

/* The room's secret: the configured file's, else (a presenter) a new
 * one written to the state directory and said once on stderr, for the
 * presenter to pass on out of band. */
static char *app_wr_secret(const struct config *c, const char *room, int presenter, char *err,
			   size_t errlen)
{
	char *secret = NULL, *dir, *path;

	if (c->warroom_secret_file != NULL) {
		warroom_secret_load(c->warroom_secret_file, &secret, err, errlen); /* NULL + err */
		return secret;
	}
	if (!presenter) {
		snprintf(err, errlen,
			 "a follower needs the room's secret: --warroom-secret FILE (the presenter "
			 "was told where it is)");
		return NULL;
	}
	dir = app_state_path();
	if (dir == NULL) {
		snprintf(err, errlen, "cannot make a secret for the room (no home)");
		return NULL;
	}
	path = xasprintf("%s/warroom-%s.secret", dir, room);
	free(dir);
	secret = warroom_secret_create(path, err, errlen);
	if (secret != NULL)
		fprintf(stderr,
			"amconsole: war room %s: a new secret is in %s; give it to your followers "
			"out of band (amconsole --follow %s --warroom-secret FILE)\n",
			room, path, room);
	free(path);
	return secret;
}

/* A follower's configuration: the presenter's (yaml), with the
 * follower's own look, runbooks and logs, read-only. 0, or -1 + err. */
static int app_wr_follow_config(const char *yaml, const struct config *own, struct config *out,
				char *err, size_t errlen)
{
	char path[] = "/tmp/amconsole-warroom-XXXXXX";
	int fd = mkstemp(path), rc;
	size_t i, n = strlen(yaml);

	if (fd < 0 || write(fd, yaml, n) != (ssize_t)n) {
		snprintf(err, errlen, "cannot keep the presenter's configuration: %s", path);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	close(fd);
	config_defaults(out);
	rc = config_load_file(out, path, err, errlen);
	unlink(path);
	if (rc != 0)
		return -1;
	free(out->config_path);
	out->config_path = xstrdup("(the war room's presenter)");
	free(out->theme);
	out->theme = xstrdup(own->theme);
	for (i = 0; i < out->nrunbooks; i++)
		free(out->runbooks[i]);
	free(out->runbooks);
	out->runbooks = NULL;
	out->nrunbooks = 0;
	for (i = 0; i < own->nrunbooks; i++)
		config_add_runbook_dir(out, own->runbooks[i]);
	out->read_only = 1;
	out->ascii = own->ascii;
	out->no_mouse = own->no_mouse;
	out->step_timeout = own->step_timeout;
#define APP_WR_OWN(f)                                                                              \
	do {                                                                                       \
		free(out->f);                                                                      \
		out->f = own->f != NULL ? xstrdup(own->f) : NULL;                                  \
	} while (0)
	APP_WR_OWN(audit_log);
	APP_WR_OWN(log_file);
	APP_WR_OWN(warroom_redis);
	APP_WR_OWN(warroom_postgres);
	APP_WR_OWN(warroom_secret_file);
	APP_WR_OWN(warroom_name);
	APP_WR_OWN(warroom_follow);
#undef APP_WR_OWN
	return 0;
}

/* A follower before the shell: take what came until the presenter's
 * configuration is among it (snapshots go to the remote store as they
 * come). 0 with *yaml, or -1 + err after wait seconds. */
static int app_wr_await_config(struct app_warroom *w, double wait, char **yaml, char *err,
			       size_t errlen)
{
	double end = util_now() + wait;

	*yaml = NULL;
	fprintf(stderr, "amconsole: war room %s: waiting for its presenter…\n", w->room);
	while (util_now() < end) {
		struct warroom_msg m[16];
		size_t n = warroom_take(w->link, m, 16), i;

		for (i = 0; i < n; i++) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(m[i].body, "yaml");

			if (strcmp(m[i].kind, "config") == 0 && cJSON_IsString(y) &&
			    *yaml == NULL) {
				*yaml = xstrdup(y->valuestring);
				snprintf(w->presenter_name, sizeof w->presenter_name, "%s",
					 m[i].from);
				w->heard = util_wall();
			} else if (strcmp(m[i].kind, "snap") == 0 && m[i].body != NULL) {
				remote_put(
					m[i].key + 5,
					cJSON_DetachItemFromObjectCaseSensitive(m[i].body, "snap"),
					NULL);
			}
			warroom_msg_clear(&m[i]);
		}
		if (*yaml != NULL)
			return 0;
		if (util_now() - w->hello_at > 1) {
			warroom_send(w->link, "hello", "hello", NULL);
			w->hello_at = util_now();
		}
		usleep(100 * 1000);
	}
	warroom_get_status(w->link, &w->st);
	snprintf(err, errlen, "war room %s: no presenter within %.0f s%s%s", w->room, wait,
		 w->st.connected ? "" : "; the war room is unreachable: ",
		 w->st.connected ? "" : w->st.error);
	return -1;
}

static void app_wr_free(struct app_warroom *w)
{
	if (w == NULL)
		return;
	warroom_stop(w->link);
	app_recorder_close(w->rec);
	app_replay_close(w->replay);
	if (w->secret != NULL)
		explicit_bzero(w->secret, strlen(w->secret));
	free(w->secret);
	pthread_mutex_destroy(&w->lock);
	free(w->config_yaml);
	free(w->state_sent);
	free(w);
}

/* --replay: the recording's configuration for the shell, every runner
 * on the recording's snapshots, shown from its start. */
static int app_wr_replay_start(struct app_warroom *w, const struct config *c,
			       struct config *follow_cfg, char *err, size_t errlen)
{
	char *yaml = NULL;

	w->replay = app_replay_open(c->replay_file, &yaml, err, errlen);
	if (w->replay == NULL || app_wr_follow_config(yaml, c, follow_cfg, err, errlen) != 0) {
		free(yaml);
		return -1;
	}
	free(yaml);
	snprintf(w->presenter_name, sizeof w->presenter_name, "the recording");
	w->rspeed = 1;
	w->rplaying = 1;
	w->rlast = util_now();
	runner_set_remote(1);
	return 0;
}

/* --present and --follow: the link, with the room's secret. */
static int app_wr_link(struct app_warroom *w, const struct config *c, const char *room, char *err,
		       size_t errlen)
{
	struct warroom_opts o = { 0 };
	char *secret = app_wr_secret(c, room, c->warroom_present != NULL, err, errlen);

	if (secret == NULL)
		return -1;
	o.redis_url = c->warroom_redis;
	o.pg_conninfo = c->warroom_redis == NULL ? c->warroom_postgres : NULL;
	o.room = room;
	o.secret = secret;
	o.user = w->name;
	o.presenter = c->warroom_present != NULL;
	o.wake_fd = -1;
	w->link = warroom_start(&o, err, errlen);
	w->secret = secret;
	return w->link != NULL ? 0 : -1;
}

struct app_warroom *app_warroom_start(const struct config *c, struct config *follow_cfg, char *err,
				      size_t errlen)
{
	const char *room = c->warroom_present != NULL ? c->warroom_present : c->warroom_follow;
	const char *user = getenv("USER");
	struct app_warroom *w;

	err[0] = '\0';
	if (room == NULL && c->record_file == NULL && c->replay_file == NULL)
		return NULL;
	if (room != NULL && !warroom_room_ok(room)) {
		snprintf(err, errlen, "room name '%s': 1 to 64 of A-Z a-z 0-9 . _ -", room);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	w->own_data = c->warroom_own_data;
	snprintf(w->room, sizeof w->room, "%s", room != NULL ? room : "");
	snprintf(w->name, sizeof w->name, "%s",
		 c->warroom_name != NULL ? c->warroom_name
		 : user != NULL          ? user
					 : "someone");
	if (c->replay_file != NULL) {
		if (app_wr_replay_start(w, c, follow_cfg, err, errlen) != 0) {
			app_wr_free(w);
			return NULL;
		}
		return w;
	}
	if (room != NULL && app_wr_link(w, c, room, err, errlen) != 0) {
		app_wr_free(w);
		return NULL;
	}
	w->presenter = c->warroom_present != NULL || c->record_file != NULL;
	if (w->presenter) {
		w->config_yaml = config_print(c);
		if (c->record_file != NULL) {
			w->rec = app_recorder_open(c->record_file, w->config_yaml, 0, err, errlen);
			if (w->rec == NULL) {
				app_wr_free(w);
				return NULL;
			}
		}
		runner_set_tap(app_wr_tap, w);
		return w;
	}
	if (!w->own_data) {
		char *yaml;

		if (app_wr_await_config(w, 20, &yaml, err, errlen) != 0 ||
		    app_wr_follow_config(yaml, c, follow_cfg, err, errlen) != 0) {
			free(yaml);
			app_wr_free(w);
			return NULL;
		}
		free(yaml);
		runner_set_remote(1);
	}
	return w;
}

void app_warroom_attach(struct app *a, struct app_warroom *w)
{
	a->wr = w;
	if (w == NULL)
		return;
	if (w->link != NULL) {
		warroom_set_wake_fd(w->link, app_wake_fd(a));
		audit_set_warroom(w->room, w->presenter ? "presenter" : "follower", w->name);
	}
	if (!w->presenter)
		a->read_only = 1;
	if (w->replay != NULL && app_replay_damage(w->replay)[0] != '\0')
		app_message(a, ROLE_WARN, "recording: %s", app_replay_damage(w->replay));
	a->dirty = 1;
}

void app_warroom_timeline(struct app *a, const struct tl_event *e)
{
	struct app_warroom *w = a->wr;
	char *line, key[32];
	size_t n;

	if (w == NULL || !w->presenter)
		return;
	line = timeline_encode(e);
	n = strlen(line);
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	snprintf(key, sizeof key, "tl:%lu", ++w->tl_seq);
	app_wr_out(w, "timeline", key, line);
	free(line);
}

/* A timeline event from the presenter or the recording. */
static void app_wr_timeline_in(struct app *a, const cJSON *body)
{
	char *text = body != NULL ? cJSON_PrintUnformatted(body) : NULL;
	struct tl_event e;

	if (text != NULL && timeline_decode(text, &e) == 0) {
		timeline_add(&a->tl, &e);
		tl_event_free(&e);
	}
	cJSON_free(text);
}

const char *app_warroom_name(const struct app *a)
{
	return a->wr != NULL && a->wr->link != NULL ? a->wr->name : NULL;
}

int app_replay_mode(const struct app *a)
{
	return a->wr != NULL && a->wr->replay != NULL;
}

int app_warroom_replaying(const struct app *a)
{
	return a->wr != NULL && a->wr->replay != NULL && a->wr->rplaying;
}

const char *app_following(const struct app *a)
{
	if (a->wr == NULL || a->wr->presenter || a->wr->replay != NULL)
		return NULL;
	return a->wr->presenter_name[0] != '\0' ? a->wr->presenter_name : "the presenter";
}

/* ---- the presenter -------------------------------------------------- */

/* The view, as JSON (fresh). */
static char *app_wr_state(struct app *a)
{
	struct app_warroom *w = a->wr;
	cJSON *o = cJSON_CreateObject(), *notes, *fol, *panels;
	double now = util_wall();
	size_t i, first;
	char *text;

	cJSON_AddStringToObject(o, "focus", a->panels[a->focus].ops->name);
	cJSON_AddBoolToObject(o, "zoom", a->zoom);
	cJSON_AddStringToObject(o, "layout", config_layout_names[a->layout]);
	cJSON_AddNumberToObject(o, "severity", a->severity);
	if (a->severity >= 0)
		cJSON_AddNumberToObject(o, "incident_age",
					(double)(long)(util_now() - a->sev_since_mono));
	notes = cJSON_AddArrayToObject(o, "notes");
	for (i = a->tl.n, first = 0; i > 0 && first < APP_WR_NOTES; i--)
		if (strcmp(a->tl.v[i - 1].kind, "note") == 0)
			first++;
	for (; i < a->tl.n; i++) {
		cJSON *n;

		if (strcmp(a->tl.v[i].kind, "note") != 0)
			continue;
		n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "who", a->tl.v[i].who);
		cJSON_AddNumberToObject(n, "t", a->tl.v[i].t);
		cJSON_AddStringToObject(n, "text", a->tl.v[i].text);
		cJSON_AddItemToArray(notes, n);
	}
	panels = cJSON_AddObjectToObject(o, "panels");
	for (i = 0; i < (size_t)a->npanels; i++)
		if (a->panels[i].ops->share != NULL)
			a->panels[i].ops->share(
				a->panels[i].self,
				cJSON_AddObjectToObject(panels, a->panels[i].ops->name));
	fol = cJSON_AddArrayToObject(o, "following");
	for (i = 0; i < w->nfol; i++)
		if (now - w->fol[i].seen < APP_WR_GONE)
			cJSON_AddItemToArray(fol, cJSON_CreateString(w->fol[i].name));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

/* Someone new follows: everything again, so it need not wait for a
 * change. */
static void app_wr_resend(struct app_warroom *w)
{
	pthread_mutex_lock(&w->lock);
	w->nsent = 0;
	w->resend_view = 1; /* for the UI thread (app_wr_present) */
	pthread_mutex_unlock(&w->lock);
}

static void app_wr_hello(struct app_warroom *w, const char *who)
{
	size_t i;

	for (i = 0; i < w->nfol && strcmp(w->fol[i].name, who) != 0; i++)
		;
	if (i == w->nfol) {
		if (w->nfol == APP_WR_FOLLOWERS)
			return;
		snprintf(w->fol[w->nfol++].name, sizeof w->fol[0].name, "%s", who);
		app_wr_resend(w);
	}
	w->fol[i].seen = util_wall();
}

/* The war room's handover, in each console's audit log. */
static void app_wr_audit_handover(struct app *a, const char *from, const char *to)
{
	struct audit_event ev = { 0 };
	char room[96], who[160];

	snprintf(room, sizeof room, "war room %s", a->wr->room);
	snprintf(who, sizeof who, "control from %s to %s", from, to);
	ev.event = "handover";
	ev.runbook = room;
	ev.step = who;
	ev.target = to;
	ev.status = "accepted";
	ev.exit_code = -1;
	ev.duration = -1;
	panel_audit(a, &ev);
}

/* The link again in the other role (a handover): the presenter now
 * follows with its own data, the follower presents. 0, or -1 (said). */
static int app_wr_switch(struct app *a, int presenter, const char *other)
{
	struct app_warroom *w = a->wr;
	struct warroom_opts o = { 0 };
	char err[256];

	if (presenter)
		runner_set_tap(NULL, NULL);
	warroom_stop(w->link);
	o.redis_url = a->config->warroom_redis;
	o.pg_conninfo = o.redis_url == NULL ? a->config->warroom_postgres : NULL;
	o.room = w->room;
	o.secret = w->secret;
	o.user = w->name;
	o.presenter = presenter;
	o.wake_fd = app_wake_fd(a);
	w->link = warroom_start(&o, err, sizeof err);
	if (w->link == NULL) {
		app_message(a, ROLE_ERROR, "war room: %s", err);
		return -1;
	}
	w->presenter = presenter;
	audit_set_warroom(w->room, presenter ? "presenter" : "follower", w->name);
	w->offered = 0;
	w->offer_to[0] = '\0';
	if (presenter) {
		free(w->config_yaml);
		w->config_yaml = config_print(a->config);
		w->nfol = 0;
		app_wr_resend(w);
		a->read_only = a->config->read_only;
		runner_set_tap(app_wr_tap, w);
		app_message(a, ROLE_OK, "you present %s now: %s follows", w->room, other);
	} else {
		runner_set_tap(NULL, NULL);
		w->own_data = 1;
		w->looking = 0;
		a->read_only = 1;
		snprintf(w->presenter_name, sizeof w->presenter_name, "%s", other);
		w->heard = util_wall();
		app_message(a, ROLE_OK, "%s presents %s now: you follow, with your own data", other,
			    w->room);
	}
	a->dirty = 1;
	return 0;
}

void app_warroom_handover(struct app *a, const char *to)
{
	struct app_warroom *w = a->wr;
	double now = util_wall();
	char body[160], *q, list[256] = "";
	size_t i;

	if (w == NULL || !w->presenter || w->link == NULL) {
		app_message(a, ROLE_ERROR, "handover: only a war room's presenter hands over");
		return;
	}
	for (i = 0; i < w->nfol; i++) {
		if (now - w->fol[i].seen >= APP_WR_GONE)
			continue;
		if (strcmp(w->fol[i].name, to) == 0)
			break;
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			 list[0] != '\0' ? ", " : "", w->fol[i].name);
	}
	if (i == w->nfol) {
		app_message(a, ROLE_ERROR, "handover: %s is not following (%s%s)", to,
			    list[0] != '\0' ? "following: " : "nobody follows",
			    list[0] != '\0' ? list : "");
		return;
	}
	q = util_json_quote(to);
	snprintf(body, sizeof body, "{\"to\":%s}", q);
	free(q);
	warroom_send(w->link, "handover", "handover", body);
	snprintf(w->offer_to, sizeof w->offer_to, "%s", to);
	app_message(a, ROLE_NORMAL, "control offered to %s: waiting for them to take it (H)", to);
}

static void app_wr_present(struct app *a)
{
	struct app_warroom *w = a->wr;
	struct warroom_msg m[16];
	size_t n, i;
	char *state, accepted[64] = "";

	while (w->link != NULL && (n = warroom_take(w->link, m, 16)) > 0)
		for (i = 0; i < n; i++) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(m[i].body, "text");

			if (strcmp(m[i].kind, "hello") == 0) {
				app_wr_hello(w, m[i].from);
			} else if (strcmp(m[i].kind, "note") == 0 && cJSON_IsString(t)) {
				app_wr_hello(w, m[i].from);
				app_timeline_note_by(a, m[i].from, t->valuestring);
			} else if (strcmp(m[i].kind, "accept") == 0 && w->offer_to[0] != '\0' &&
				   strcmp(m[i].from, w->offer_to) == 0) {
				snprintf(accepted, sizeof accepted, "%s", m[i].from);
			} else if (strcmp(m[i].kind, "decline") == 0 && cJSON_IsString(t)) {
				app_message(a, ROLE_WARN, "%s cannot take control: %s", m[i].from,
					    t->valuestring);
				w->offer_to[0] = '\0';
			}
			warroom_msg_clear(&m[i]);
		}
	if (accepted[0] != '\0') {
		app_wr_audit_handover(a, w->name, accepted);
		app_wr_switch(a, 0, accepted);
		return;
	}
	pthread_mutex_lock(&w->lock);
	if (w->resend_view) {
		w->resend_view = 0;
		w->config_at = 0;
		free(w->state_sent);
		w->state_sent = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	if (w->link != NULL && util_now() - w->config_at > 30) {
		char *q = util_json_quote(w->config_yaml), *body = xasprintf("{\"yaml\":%s}", q);

		warroom_send(w->link, "config", "config", body);
		free(q);
		free(body);
		w->config_at = util_now();
	}
	state = app_wr_state(a);
	if (w->state_sent == NULL || strcmp(state, w->state_sent) != 0 ||
	    util_now() - w->state_at > APP_WR_BEAT) {
		app_wr_out(w, "state", "state", state);
		free(w->state_sent);
		w->state_sent = state;
		w->state_at = util_now();
		a->dirty = 1; /* the top line counts who follows */
	} else {
		free(state);
	}
}

/* ---- the follower --------------------------------------------------- */

static void app_wr_apply(struct app *a, const cJSON *s)
{
	struct app_warroom *w = a->wr;
	const cJSON *focus = cJSON_GetObjectItemCaseSensitive(s, "focus");
	const cJSON *zoom = cJSON_GetObjectItemCaseSensitive(s, "zoom");
	const cJSON *layout = cJSON_GetObjectItemCaseSensitive(s, "layout");
	const cJSON *sev = cJSON_GetObjectItemCaseSensitive(s, "severity");
	const cJSON *age = cJSON_GetObjectItemCaseSensitive(s, "incident_age");
	const cJSON *notes = cJSON_GetObjectItemCaseSensitive(s, "notes");
	const cJSON *last = cJSON_IsArray(notes)
				    ? cJSON_GetArrayItem(notes, cJSON_GetArraySize(notes) - 1)
				    : NULL;
	int i;

	if (cJSON_IsNumber(sev) && sev->valuedouble >= -1 && sev->valuedouble <= 3) {
		a->severity = (int)sev->valuedouble;
		if (a->severity >= 0 && cJSON_IsNumber(age) && age->valuedouble >= 0 &&
		    age->valuedouble < 1e9) {
			a->sev_since_mono = util_now() - age->valuedouble;
			a->sev_since = util_wall() - age->valuedouble;
		}
	}
	if (last != NULL) {
		const cJSON *who = cJSON_GetObjectItemCaseSensitive(last, "who");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(last, "text");
		char note[256];

		if (cJSON_IsString(who) && cJSON_IsString(text)) {
			snprintf(note, sizeof note, "%s: %s", who->valuestring, text->valuestring);
			if (strcmp(note, w->last_note) != 0) {
				snprintf(w->last_note, sizeof w->last_note, "%s", note);
				app_message(a, ROLE_NORMAL, "note from %s", note);
			}
		}
	}
	if (w->looking)
		return;
	if (cJSON_IsString(focus)) {
		i = app_panel_index(a, focus->valuestring);
		if (i >= 0 && i != a->focus)
			app_set_focus(a, i);
	}
	if (cJSON_IsBool(zoom))
		a->zoom = cJSON_IsTrue(zoom);
	if (cJSON_IsString(layout) && config_layout_find(layout->valuestring) >= 0)
		a->layout = config_layout_find(layout->valuestring);
	for (i = 0; i < a->npanels; i++) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(s, "panels"), a->panels[i].ops->name);

		if (a->panels[i].ops->follow != NULL && cJSON_IsObject(p))
			a->panels[i].ops->follow(a->panels[i].self, p);
	}
}

/* The presenter offers control: to this follower? */
static void app_wr_offered(struct app *a, const struct warroom_msg *m)
{
	struct app_warroom *w = a->wr;
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(m->body, "to");

	if (!cJSON_IsString(to) || strcmp(to->valuestring, w->name) != 0)
		return;
	if (!w->own_data) {
		warroom_send(
			w->link, "decline", "decline",
			"{\"text\":\"they follow with the presenter's data: to take over, they "
			"follow with --own-data\"}");
		app_message(a, ROLE_WARN,
			    "%s offers you control, but you follow with their data: follow with "
			    "--own-data to take over",
			    m->from);
		return;
	}
	w->offered = 1;
	snprintf(w->offered_by, sizeof w->offered_by, "%s", m->from);
	app_message(a, ROLE_WARN, "%s offers you control of %s: H takes it", m->from, w->room);
}

/* H: take the control offered. */
static void app_wr_take(struct app *a)
{
	struct app_warroom *w = a->wr;
	char by[64];

	if (!w->offered) {
		app_message(a, ROLE_NORMAL,
			    "H takes control when the presenter offers it (:handover)");
		return;
	}
	snprintf(by, sizeof by, "%s", w->offered_by);
	warroom_send(w->link, "accept", "accept", NULL); /* sent before the link stops */
	app_wr_audit_handover(a, by, w->name);
	app_wr_switch(a, 1, by);
}

static void app_wr_follow(struct app *a)
{
	struct app_warroom *w = a->wr;
	struct warroom_msg m[16];
	size_t n, i;

	while ((n = warroom_take(w->link, m, 16)) > 0)
		for (i = 0; i < n; i++) {
			if (strcmp(m[i].kind, "hello") != 0 && strcmp(m[i].kind, "note") != 0) {
				snprintf(w->presenter_name, sizeof w->presenter_name, "%s",
					 m[i].from);
				w->heard = util_wall();
				w->bye = 0;
			}
			if (strcmp(m[i].kind, "state") == 0 && m[i].body != NULL) {
				app_wr_apply(a, m[i].body);
			} else if (strcmp(m[i].kind, "handover") == 0) {
				app_wr_offered(a, &m[i]);
			} else if (strcmp(m[i].kind, "timeline") == 0) {
				app_wr_timeline_in(a, m[i].body);
			} else if (strcmp(m[i].kind, "bye") == 0) {
				w->bye = 1;
			} else if (strcmp(m[i].kind, "snap") == 0 && m[i].body != NULL &&
				   !w->own_data) {
				const cJSON *e =
					cJSON_GetObjectItemCaseSensitive(m[i].body, "error");

				remote_put(
					m[i].key + 5,
					cJSON_DetachItemFromObjectCaseSensitive(m[i].body, "snap"),
					cJSON_IsString(e) ? e->valuestring : NULL);
			}
			warroom_msg_clear(&m[i]);
			a->dirty = 1;
		}
	if (util_now() - w->hello_at > APP_WR_BEAT) {
		warroom_send(w->link, "hello", "hello", NULL);
		w->hello_at = util_now();
	}
}

/* ---- the replay ----------------------------------------------------- */

/* An event of the recording: a snapshot goes to its runner, the view is
 * followed. */
static void app_wr_replayed(void *ctx, const char *kind, const char *key, cJSON *body)
{
	struct app *a = ctx;

	if (strcmp(kind, "snap") == 0 && strncmp(key, "snap:", 5) == 0 && body != NULL) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(body, "error");

		remote_put(key + 5, cJSON_DetachItemFromObjectCaseSensitive(body, "snap"),
			   cJSON_IsString(e) ? e->valuestring : NULL);
	} else if (strcmp(kind, "state") == 0 && body != NULL) {
		app_wr_apply(a, body);
	} else if (strcmp(kind, "timeline") == 0) {
		app_wr_timeline_in(a, body);
	}
	a->dirty = 1;
}

static void app_wr_seek(struct app *a, double t)
{
	struct app_warroom *w = a->wr;

	w->rpos = t;
	w->rlast = util_now();
	timeline_free(&a->tl); /* the seek gives every event up to t again */
	app_replay_seek(w->replay, t, app_wr_replayed, a);
	a->dirty = 1;
}

static void app_wr_replay(struct app *a)
{
	struct app_warroom *w = a->wr;
	double now = util_now(), was = w->rpos, end = app_replay_length(w->replay);

	if (!w->rplaying) {
		w->rlast = now;
		return;
	}
	w->rpos += (now - w->rlast) * w->rspeed;
	w->rlast = now;
	if (w->rpos >= end) {
		w->rpos = end;
		w->rplaying = 0;
	}
	app_replay_range(w->replay, was == 0 ? -1 : was, w->rpos, app_wr_replayed, a);
	if ((long)was != (long)w->rpos || !w->rplaying)
		a->dirty = 1;
}

/* space, Left/Right, +/-, g/G in a replay: 1 if taken. */
static int app_wr_replay_key(struct app *a, int key)
{
	struct app_warroom *w = a->wr;
	double end = app_replay_length(w->replay);

	switch (key) {
	case ' ':
		if (!w->rplaying && w->rpos >= end)
			app_wr_seek(a, 0);
		w->rplaying = !w->rplaying;
		w->rlast = util_now();
		break;
	case KEY_LEFT:
	case KEY_RIGHT:
		w->rplaying = 0;
		app_wr_seek(a, app_replay_next(w->replay, w->rpos, key == KEY_RIGHT ? 1 : -1));
		break;
	case '+':
		w->rspeed = w->rspeed < 64 ? w->rspeed * 2 : 64;
		break;
	case '-':
		w->rspeed = w->rspeed > 0.25 ? w->rspeed / 2 : 0.25;
		break;
	case 'g':
		app_wr_seek(a, 0);
		break;
	case 'G':
		app_wr_seek(a, end);
		break;
	default:
		return 0;
	}
	a->dirty = 1;
	return 1;
}

/* The replay's part of the top line. */
static void app_wr_replay_top(struct app_warroom *w, char *buf, size_t len, enum role *role)
{
	double end = app_replay_length(w->replay);
	char at[16], pos[32], total[32], bar[24];
	time_t t = (time_t)(app_replay_started(w->replay) + w->rpos);
	struct tm tm;
	/* At the end the bar is full: 20 * end / end may come out a hair
	 * under 20 in floating point, which a cast would cut to 19. */
	size_t i, fill = end > 0 && w->rpos < end ? (size_t)(20 * w->rpos / end) : 20;

	localtime_r(&t, &tm);
	strftime(at, sizeof at, "%H:%M:%S", &tm);
	util_fmt_duration(pos, sizeof pos, w->rpos);
	util_fmt_duration(total, sizeof total, end);
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '=' : '-';
	bar[20] = '\0';
	snprintf(buf, len, " replay %s %s x%g [%s] %s / %s%s ", at,
		 w->rplaying ? "playing" : "paused", w->rspeed, bar, pos, total,
		 app_replay_damage(w->replay)[0] != '\0' ? " (damaged: stops early)" : "");
	*role = app_replay_damage(w->replay)[0] != '\0' ? ROLE_WARN : ROLE_STATUS;
}

void app_warroom_present_now(struct app *a, const char *room)
{
	struct config c = *a->config; /* (a shallow copy, only read) */
	struct app_warroom *w;
	char err[256];

	if (a->wr != NULL) {
		app_message(a, ROLE_ERROR, "present: this console already %s",
			    a->wr->replay != NULL ? "replays a recording"
			    : a->wr->presenter    ? "presents or records"
						  : "follows a war room");
		return;
	}
	if (room[0] == '\0') {
		app_message(a, ROLE_ERROR, "present: the room's name (:present ROOM)");
		return;
	}
	if (c.warroom_redis == NULL && c.warroom_postgres == NULL) {
		app_message(a, ROLE_ERROR,
			    "present: set warroom.redis or warroom.postgres (or "
			    "AMCONSOLE_WARROOM_URL) first");
		return;
	}
	c.warroom_present = (char *)room;
	c.warroom_follow = NULL;
	c.record_file = c.replay_file = NULL;
	if (c.warroom_secret_file == NULL) {
		/* The new secret's path is said on stderr: not visible here. */
		app_message(a, ROLE_ERROR,
			    "present: set warroom.secret_file, or start with "
			    "--present ROOM (it makes a secret)");
		return;
	}
	w = app_warroom_start(&c, NULL, err, sizeof err);
	if (w == NULL) {
		app_message(a, ROLE_ERROR, "present: %s", err);
		return;
	}
	app_warroom_attach(a, w);
	app_message(a, ROLE_OK, "presenting %s", room);
}

void app_warroom_tick(struct app *a)
{
	struct warroom_status st;

	if (a->wr == NULL)
		return;
	if (a->wr->replay != NULL) {
		app_wr_replay(a);
		return;
	}
	if (a->wr->presenter)
		app_wr_present(a);
	else
		app_wr_follow(a);
	if (a->wr->link == NULL)
		return;
	warroom_get_status(a->wr->link, &st);
	if (st.gen != a->wr->st.gen)
		a->dirty = 1;
	a->wr->st = st;
}

int app_warroom_key(struct app *a, int key)
{
	struct app_warroom *w = a->wr;

	if (w == NULL || w->presenter)
		return 0;
	if (w->replay != NULL && app_wr_replay_key(a, key))
		return 1;
	if (key == 'H' && w->replay == NULL) {
		app_wr_take(a);
		return 1;
	}
	if (key == 'f') {
		w->looking = !w->looking;
		app_message(a, ROLE_NORMAL, "%s",
			    w->looking ? "looking around on your own: f follows the presenter again"
				       : "following the presenter");
		a->dirty = 1;
		return 1;
	}
	if (key == '!') {
		if (w->replay != NULL)
			app_message(a, ROLE_READONLY,
				    "a replay changes nothing: it shows what was "
				    "recorded");
		else
			app_message(a, ROLE_READONLY,
				    "%s sets the incident's severity; n sends a note",
				    app_following(a));
		return 1;
	}
	return 0;
}

/* n on a follower: the note goes to the presenter's timeline. */
void app_warroom_note(struct app *a, const char *text)
{
	struct app_warroom *w = a->wr;
	char key[32], *q, *body;

	q = util_json_quote(text);
	body = xasprintf("{\"text\":%s}", q);
	snprintf(key, sizeof key, "note:%lu", ++w->note_seq);
	warroom_send(w->link, "note", key, body);
	free(q);
	free(body);
	app_message(a, ROLE_OK, "note sent to %s's timeline", app_following(a));
}

int app_warroom_top(struct app *a, const struct view *v, int x)
{
	struct app_warroom *w = a->wr;
	double now = util_wall();
	enum role role = ROLE_STATUS;
	char buf[320], age[32];
	size_t i, n = 0;

	if (w == NULL)
		return 0;
	if (w->replay != NULL) {
		app_wr_replay_top(w, buf, sizeof buf, &role);
	} else if (w->link == NULL) {
		return w->rec != NULL ? draw_label(v, 0, x, ROLE_STATUS, " recording ") + 1 : 0;
	} else if (!w->st.connected) {
		snprintf(buf, sizeof buf, " war room unreachable: %.150s ", w->st.error);
		role = ROLE_ERROR;
	} else if (w->presenter) {
		char names[128] = "";

		for (i = 0; i < w->nfol; i++)
			if (now - w->fol[i].seen < APP_WR_GONE) {
				size_t at = strlen(names);

				snprintf(names + at, sizeof names - at, "%s%s",
					 n++ > 0 ? ", " : ": ", w->fol[i].name);
			}
		char big[96] = "";

		pthread_mutex_lock(&w->lock);
		if (w->too_big[0] != '\0') {
			snprintf(big, sizeof big, " · %.*s too big to share (%.1f MB)",
				 app_wr_key_shown(w->too_big), w->too_big,
				 (double)w->too_big_bytes / 1e6);
			role = ROLE_WARN;
		}
		pthread_mutex_unlock(&w->lock);
		snprintf(buf, sizeof buf, " presenting %s · %zu following%s%s ", w->room, n, names,
			 big);
	} else if (w->bye || now - w->heard > APP_WR_GONE) {
		util_fmt_duration(age, sizeof age, now - w->heard);
		snprintf(buf, sizeof buf, " presenter %s %s ago ", w->bye ? "quit" : "gone", age);
		role = ROLE_WARN;
	} else {
		unsigned long bad = w->st.forged + w->st.oversize + w->st.malformed;
		char refused[64] = "";

		if (bad > 0)
			snprintf(refused, sizeof refused, " · %lu refused", bad);
		if (w->st.dropped > 0)
			snprintf(refused + strlen(refused), sizeof refused - strlen(refused),
				 " · %lu dropped", w->st.dropped);
		snprintf(buf, sizeof buf, " following %s in %s%s%s ", w->presenter_name, w->room,
			 w->looking ? " (looking around: f)" : "", refused);
	}
	return draw_label(v, 0, x, role, buf) + 1;
}

void app_warroom_end(struct app *a)
{
	struct app_warroom *w = a->wr;

	if (w == NULL)
		return;
	if (w->presenter)
		runner_set_tap(NULL, NULL);
	if (w->presenter && w->link != NULL) {
		warroom_send(w->link, "bye", "bye", NULL); /* sent before the link stops */
	}
	a->wr = NULL;
	app_wr_free(w);
	remote_clear();
}
