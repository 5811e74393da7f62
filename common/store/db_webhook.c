/*
 * webhooks and webhook_queue (see db_webhook.h).  A webhook row carries
 * its delivery state beside the SingularityWebhook: failures in a row and
 * when the next attempt is due (the backoff survives a restart), and how
 * many updates its full queue refused (dropped) and how many of those
 * cleanerd has logged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db_cluster.h"
#include "db_webhook.h"

static const char SQL_WEBHOOK_ADD[] =
	"INSERT OR IGNORE INTO webhooks (id, type, created_at, webhook_json)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char SQL_WEBHOOK_REMOVE[] =
	"DELETE FROM webhooks WHERE id = ?1";
static const char SQL_WEBHOOK_LIST[] =
	"SELECT webhook_json FROM webhooks ORDER BY created_at, id";
static const char SQL_WEBHOOK_SUMMARY[] =
	"SELECT json_object('webhook', json(w.webhook_json),"
	" 'queueSize', (SELECT count(*) FROM webhook_queue q"
	"  WHERE q.webhook_id = w.id), 'droppedUpdates', w.dropped)"
	" FROM webhooks w ORDER BY w.created_at, w.id";
static const char SQL_WEBHOOK_QUEUE[] =
	"SELECT q.payload_json FROM webhook_queue q"
	" JOIN webhooks w ON w.id = q.webhook_id"
	" WHERE q.webhook_id = ?1 AND w.type = ?2 ORDER BY q.seq";
static const char SQL_WEBHOOK_DUE[] =
	"SELECT json_quote(w.id) FROM webhooks w WHERE w.next_attempt_at <= ?1"
	" AND EXISTS (SELECT 1 FROM webhook_queue q WHERE q.webhook_id = w.id)"
	" ORDER BY w.created_at, w.id";
/* A task update goes out as SingularityTaskWebhook, with the task as it
 * is now: NULL when the task is gone. */
static const char SQL_WEBHOOK_HEAD[] =
	"SELECT q.seq, json_extract(w.webhook_json, '$.uri'), q.request_id,"
	" q.deploy_id, q.task_id,"
	" CASE WHEN w.type = 'TASK' THEN (SELECT json_object('task',"
	"  json(t.task_json), 'taskUpdate', json(q.payload_json))"
	"  FROM tasks t WHERE t.task_id = q.task_id)"
	"  ELSE q.payload_json END,"
	" w.failures, w.next_attempt_at"
	" FROM webhooks w JOIN webhook_queue q ON q.webhook_id = w.id"
	" WHERE w.id = ?1 ORDER BY q.seq LIMIT 1";
static const char SQL_WEBHOOK_DELIVERED[] =
	"DELETE FROM webhook_queue WHERE seq = ?1";
static const char SQL_WEBHOOK_RESET[] =
	"UPDATE webhooks SET failures = 0, next_attempt_at = 0"
	" WHERE id = ?1 AND failures > 0";
static const char SQL_WEBHOOK_FAILED[] =
	"UPDATE webhooks SET failures = ?2, next_attempt_at = ?3"
	" WHERE id = ?1";
static const char SQL_WEBHOOK_DROPS[] =
	"SELECT json_object('id', id, 'dropped', dropped,"
	" 'newly', dropped - dropped_logged)"
	" FROM webhooks WHERE dropped > dropped_logged";
static const char SQL_WEBHOOK_DROPS_LOGGED[] =
	"UPDATE webhooks SET dropped_logged = ?2 WHERE id = ?1";

int
db_webhook_add(struct db *db, const char *id, const char *type,
    const json_t *webhook, int64_t now)
{
	return (db_run_changed(db, SQL_WEBHOOK_ADD, "ssij", id, type, now,
	    webhook));
}

int
db_webhook_remove(struct db *db, const char *id)
{
	return (db_run_changed(db, SQL_WEBHOOK_REMOVE, "s", id));
}

int
db_webhook_list(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_WEBHOOK_LIST, ret, ""));
}

int
db_webhook_summary(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_WEBHOOK_SUMMARY, ret, ""));
}

int
db_webhook_queue(struct db *db, const char *id, const char *type,
    json_t **ret)
{
	return (db_query_json_list(db, SQL_WEBHOOK_QUEUE, ret, "ss", id,
	    type));
}

int
db_webhook_set_queue_max(struct db *db, int max)
{
	json_t	*v = json_integer(max);
	int	 r;

	if (v == NULL)
		return (-ENOMEM);
	r = db_setting_put(db, DB_SETTING_WEBHOOK_QUEUE_MAX, v);
	json_decref(v);
	return (r);
}

int
db_webhook_due(struct db *db, int64_t now, json_t **ret)
{
	return (db_query_json_list(db, SQL_WEBHOOK_DUE, ret, "i", now));
}

/* A copy of a text column, NULL for SQL NULL; -ENOMEM as *r. */
static char *
db_webhook_column(sqlite3_stmt *st, int col, int *r)
{
	char *s;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return (NULL);
	if ((s = db_column_strdup(st, col)) == NULL)
		*r = -ENOMEM;
	return (s);
}

static int
db_webhook_head_read(sqlite3_stmt *st, struct db_webhook_update *u)
{
	int r = 0;

	memset(u, 0, sizeof(*u));
	u->seq = sqlite3_column_int64(st, 0);
	u->uri = db_webhook_column(st, 1, &r);
	u->request_id = db_webhook_column(st, 2, &r);
	u->deploy_id = db_webhook_column(st, 3, &r);
	u->task_id = db_webhook_column(st, 4, &r);
	u->body = db_webhook_column(st, 5, &r);
	u->failures = sqlite3_column_int64(st, 6);
	u->next_attempt_at = sqlite3_column_int64(st, 7);
	if (r == 0 && (u->uri == NULL || u->request_id == NULL))
		r = -EIO;		/* NOT NULL columns: a broken row */
	if (r < 0)
		db_webhook_update_clear(u);
	return (r);
}

int
db_webhook_head(struct db *db, const char *id,
    struct db_webhook_update *ret)
{
	struct db_webhook_update	 u;
	sqlite3_stmt			*st = NULL;
	int				 r;

	if ((r = db_stmt(db, SQL_WEBHOOK_HEAD, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, id)) == 0 && (r = db_step(st)) == 1 &&
	    (r = db_webhook_head_read(st, &u)) == 0)
		*ret = u;
	else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

void
db_webhook_update_clear(struct db_webhook_update *u)
{
	free(u->uri);
	free(u->request_id);
	free(u->deploy_id);
	free(u->task_id);
	free(u->body);
	memset(u, 0, sizeof(*u));
}

int
db_webhook_delivered(struct db *db, const char *id, int64_t seq)
{
	int r;

	if ((r = db_begin(db)) < 0)
		return (r);
	if ((r = db_run(db, SQL_WEBHOOK_DELIVERED, NULL, "i", seq)) == 0)
		r = db_run(db, SQL_WEBHOOK_RESET, NULL, "s", id);
	return (db_end(db, r));
}

int
db_webhook_failed(struct db *db, const char *id, int64_t failures,
    int64_t next_attempt_at)
{
	return (db_run(db, SQL_WEBHOOK_FAILED, NULL, "sii", id, failures,
	    next_attempt_at));
}

int
db_webhook_drops(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_WEBHOOK_DROPS, ret, ""));
}

int
db_webhook_drops_logged(struct db *db, const char *id, int64_t dropped)
{
	return (db_run(db, SQL_WEBHOOK_DROPS_LOGGED, NULL, "si", id,
	    dropped));
}
