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
/* SingularityExecutor's own grace, from the task's deploy (-1: none). */
static const char SQL_TASK_KILL_GRACE[] =
	"SELECT coalesce(json_extract(d.deploy_json,"
	" '$.executorData.sigKillProcessesAfterMillis'), -1)"
	" FROM tasks t JOIN deploys d ON d.request_id = t.request_id"
	" AND d.deploy_id = t.deploy_id WHERE t.task_id = ?1";
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
	const json_t *tid = json_object_get(cleanup, "taskId");

	return (db_run(db, SQL_TASK_CLEANUP_ADD, NULL, "sssij",
	    json_string_value(json_object_get(tid, "id")), request_id,
	    json_string_value(json_object_get(cleanup, "cleanupType")),
	    (int64_t)json_integer_value(json_object_get(cleanup, "timestamp")),
	    cleanup));
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
	return (db_query_json_list(db, SQL_TASK_CLEANUP_LIST, ret, ""));
}

int
db_task_cleanup_get(struct db *db, const char *task_id, json_t **ret)
{
	return (db_query_json(db, SQL_TASK_CLEANUP_GET, ret, "s", task_id));
}

int
db_task_cleanup_remove(struct db *db, const char *task_id)
{
	return (db_exec_text(db, SQL_TASK_CLEANUP_REMOVE, task_id));
}

int
db_task_cleanup_kill_sent(struct db *db, const char *task_id, int64_t *ret)
{
	return (db_query_ints(db, SQL_TASK_CLEANUP_KILL_SENT, ret, 1, "s",
	    task_id));
}

int
db_task_kill_grace(struct db *db, const char *task_id, int64_t *ret_ms)
{
	int	r;

	*ret_ms = -1;
	r = db_query_ints(db, SQL_TASK_KILL_GRACE, ret_ms, 1, "s", task_id);
	return (r == -ENOENT ? 0 : r);
}

int
db_task_cleanup_set_kill_sent(struct db *db, const char *task_id,
    int64_t now)
{
	return (db_run(db, SQL_TASK_CLEANUP_SET_KILL_SENT, NULL, "si", task_id,
	    now));
}

int
db_task_cleanup_remove_waiting_bounces(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_TASK_CLEANUP_REMOVE_WAITING_BOUNCES,
	    request_id));
}

int
db_task_cleanup_request_all(struct db *db, const char *request_id,
    const char *deploy_id, const char *type, const char *user,
    const char *message, int64_t now, int *ret_added)
{
	json_t	*tasks, *t;
	size_t	 i;
	int	 added = 0, r;

	if ((r = db_task_active(db, request_id, deploy_id, &tasks)) < 0)
		return (r);
	json_array_foreach(tasks, i, t) {
		if (json_is_true(json_object_get(t, "cleaning")))
			continue;
		r = db_task_cleanup_request(db, json_string_value(
		    json_object_get(t, "taskId")), type, user, message, now);
		if (r < 0 && r != -EEXIST)
			break;
		added += r == 0;
		r = 0;
	}
	json_decref(tasks);
	if (r == 0 && ret_added != NULL)
		*ret_added = added;
	return (r);
}
