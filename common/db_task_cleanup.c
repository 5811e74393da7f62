/*
 * task_cleanups: kills asked for (SingularityTaskCleanup), one per task,
 * carried out by cleanerd.  A row also tells the task's supervisor that
 * the end it sees is a kill (TASK_KILLED), not a failure.
 */
#include <errno.h>

#include "db_task.h"
#include "records.h"

static const char SQL_TASK_CLEANUP_ADD[] =
	"INSERT INTO task_cleanups (task_id, request_id, cleanup_type,"
	" created_at, cleanup_json) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_TASK_CLEANUP_LIST[] =
	"SELECT cleanup_json FROM task_cleanups ORDER BY created_at";
static const char SQL_TASK_CLEANUP_GET[] =
	"SELECT cleanup_json FROM task_cleanups WHERE task_id = ?1";
static const char SQL_TASK_CLEANUP_KILL_SENT[] =
	"SELECT coalesce(kill_sent_at, 0) FROM task_cleanups"
	" WHERE task_id = ?1";
static const char SQL_TASK_CLEANUP_SET_KILL_SENT[] =
	"UPDATE task_cleanups SET kill_sent_at = ?2 WHERE task_id = ?1";
static const char SQL_TASK_CLEANUP_REMOVE_WAITING_BOUNCES[] =
	"DELETE FROM task_cleanups WHERE request_id = ?1"
	" AND kill_sent_at IS NULL"
	" AND cleanup_type IN ('BOUNCING', 'INCREMENTAL_BOUNCE')";
static const char SQL_TASK_CLEANUP_REMOVE[] =
	"DELETE FROM task_cleanups WHERE task_id = ?1";

int
db_task_cleanup_add(struct db *db, const json_t *cleanup,
    const char *request_id)
{
	const json_t	*tid = json_object_get(cleanup, "taskId");
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_CLEANUP_ADD, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, json_string_value(json_object_get(tid,
	    "id")))) == 0 &&
	    (r = db_bind_text(st, 2, request_id)) == 0 &&
	    (r = db_bind_text(st, 3, json_string_value(json_object_get(
	    cleanup, "cleanupType")))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 4, json_integer_value(
	    json_object_get(cleanup, "timestamp"))))) == 0 &&
	    (r = db_bind_json(st, 5, cleanup)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_task_cleanup_request(struct db *db, const char *task_id, const char *type,
    const char *user, const char *message, int64_t now)
{
	json_t	*task = NULL, *tid, *c;
	int	 r;

	if ((r = db_task_get(db, task_id, &task)) < 0)
		return (r);
	tid = json_object_get(task, "taskId");
	c = json_pack("{s:O, s:s, s:I}", "taskId", tid, "cleanupType", type,
	    "timestamp", (json_int_t)now);
	if (c == NULL || records_set_opt_string(c, "user", user) < 0 ||
	    records_set_opt_string(c, "message", message) < 0)
		r = -ENOMEM;
	else
		r = db_task_cleanup_add(db, c, json_string_value(
		    json_object_get(tid, "requestId")));
	json_decref(c);
	json_decref(task);
	return (r);
}

int
db_task_cleanup_list(struct db *db, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_CLEANUP_LIST, &st)) < 0)
		return (r);
	r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_task_cleanup_get(struct db *db, const char *task_id, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_CLEANUP_GET, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, task_id)) == 0 && (r = db_step(st)) == 1) {
		*ret = db_column_json(st, 0);
		r = *ret != NULL ? 0 : -EIO;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_task_cleanup_remove(struct db *db, const char *task_id)
{
	return (db_exec_text(db, SQL_TASK_CLEANUP_REMOVE, task_id));
}

int
db_task_cleanup_kill_sent(struct db *db, const char *task_id, int64_t *ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_CLEANUP_KILL_SENT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, task_id)) == 0 && (r = db_step(st)) == 1) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_task_cleanup_set_kill_sent(struct db *db, const char *task_id,
    int64_t now)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_CLEANUP_SET_KILL_SENT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, task_id)) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 2, now))) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_task_cleanup_remove_waiting_bounces(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_TASK_CLEANUP_REMOVE_WAITING_BOUNCES,
	    request_id));
}
