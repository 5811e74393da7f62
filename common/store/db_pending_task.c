/*
 * pending_tasks: tasks decided but not launched yet
 * (SingularityPendingTask), due at next_run_at.
 */
#include <errno.h>
#include <string.h>

#include "db_task.h"

static const char SQL_PENDING_TASK_INSERT[] =
	"INSERT INTO pending_tasks (pending_task_id, request_id, deploy_id,"
	" instance_no, next_run_at, pending_type, created_at, pending_json,"
	" requested_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, max(?5, ?9))";
static const char SQL_PENDING_TASK_DUE[] =
	"SELECT pending_json FROM pending_tasks WHERE next_run_at <= ?1"
	" ORDER BY next_run_at, created_at, instance_no LIMIT ?2";
static const char SQL_PENDING_TASK_LIST[] =
	"SELECT pending_json FROM pending_tasks"
	" WHERE ?1 IS NULL OR request_id = ?1"
	" ORDER BY next_run_at, request_id, deploy_id, instance_no";
static const char SQL_PENDING_TASK_GET[] =
	"SELECT pending_json FROM pending_tasks WHERE pending_task_id = ?1";
static const char SQL_PENDING_TASK_BY_RUN[] =
	"SELECT pending_json FROM pending_tasks WHERE request_id = ?1"
	" AND json_extract(pending_json, '$.runId') = ?2 LIMIT 1";
static const char SQL_PENDING_TASK_REMOVE[] =
	"DELETE FROM pending_tasks WHERE pending_task_id = ?1";
static const char SQL_PENDING_TASK_REMOVE_FOR[] =
	"DELETE FROM pending_tasks WHERE request_id = ?1"
	" AND (?2 IS NULL OR deploy_id = ?2)";
/* The request's active tasks only (tasks_active), not its history. */
static const char SQL_TASK_INSTANCES_USED[] =
	"SELECT instance_no FROM tasks INDEXED BY tasks_active"
	" WHERE request_id = ?1"
	" AND deploy_id = ?2 AND active = 1"
	" AND task_id NOT IN (SELECT task_id FROM task_cleanups)"
	" UNION SELECT instance_no FROM pending_tasks"
	" WHERE request_id = ?1 AND deploy_id = ?2";

int
db_pending_task_insert(struct db *db, const json_t *pending,
    int64_t next_run_at, int64_t asked_at)
{
	const json_t *id = json_object_get(pending, "pendingTaskId");

	return (db_run(db, SQL_PENDING_TASK_INSERT, NULL, "sssiisiji",
	    json_string_value(json_object_get(id, "id")),
	    json_string_value(json_object_get(id, "requestId")),
	    json_string_value(json_object_get(id, "deployId")),
	    (int64_t)json_integer_value(json_object_get(id, "instanceNo")),
	    next_run_at, json_string_value(json_object_get(id, "pendingType")),
	    (int64_t)json_integer_value(json_object_get(id, "createdAt")),
	    pending, asked_at));
}

int
db_pending_task_due(struct db *db, int64_t now, int limit, json_t **ret)
{
	return (db_query_json_list(db, SQL_PENDING_TASK_DUE, ret, "ii", now,
	    (int64_t)limit));
}

int
db_pending_task_list(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_PENDING_TASK_LIST, ret, "s",
	    request_id));
}

int
db_pending_task_remove(struct db *db, const char *pending_task_id)
{
	int changes = 0, r;

	r = db_run(db, SQL_PENDING_TASK_REMOVE, &changes, "s",
	    pending_task_id);
	return (r == 0 && changes == 0 ? -ENOENT : r);
}

int
db_pending_task_remove_for(struct db *db, const char *request_id,
    const char *deploy_id)
{
	return (db_run(db, SQL_PENDING_TASK_REMOVE_FOR, NULL, "ss", request_id,
	    deploy_id));
}

int
db_task_instances_used(struct db *db, const char *request_id,
    const char *deploy_id, unsigned char *bitmap, int max)
{
	sqlite3_stmt	*st = NULL;
	int		 r, n;

	memset(bitmap, 0, (size_t)(max + 8) / 8);
	if ((r = db_stmt(db, SQL_TASK_INSTANCES_USED, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, deploy_id)) == 0) {
		while ((r = db_step(st)) == 1) {
			n = sqlite3_column_int(st, 0);
			if (n >= 1 && n <= max)
				bitmap[n / 8] |= (unsigned char)(1u << (n % 8));
		}
	}
	db_release(st);
	return (r);
}

int
db_pending_task_get(struct db *db, const char *pending_task_id, json_t **ret)
{
	return (db_query_json(db, SQL_PENDING_TASK_GET, ret, "s",
	    pending_task_id));
}

int
db_pending_task_by_run(struct db *db, const char *request_id,
    const char *run_id, json_t **ret)
{
	return (db_query_json(db, SQL_PENDING_TASK_BY_RUN, ret, "ss",
	    request_id, run_id));
}
