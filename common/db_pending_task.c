/*
 * pending_tasks: tasks decided but not launched yet
 * (SingularityPendingTask), due at next_run_at.
 */
#include <errno.h>
#include <string.h>

#include "db_task.h"

static const char SQL_PENDING_TASK_INSERT[] =
	"INSERT INTO pending_tasks (pending_task_id, request_id, deploy_id,"
	" instance_no, next_run_at, pending_type, created_at, pending_json)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
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
static const char SQL_TASK_INSTANCES_USED[] =
	"SELECT instance_no FROM tasks WHERE request_id = ?1"
	" AND deploy_id = ?2 AND active = 1"
	" AND task_id NOT IN (SELECT task_id FROM task_cleanups)"
	" UNION SELECT instance_no FROM pending_tasks"
	" WHERE request_id = ?1 AND deploy_id = ?2";

int
db_pending_task_insert(struct db *db, const json_t *pending,
    int64_t next_run_at)
{
	const json_t	*id = json_object_get(pending, "pendingTaskId");
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_TASK_INSERT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, json_string_value(json_object_get(id,
	    "id")))) == 0 &&
	    (r = db_bind_text(st, 2, json_string_value(json_object_get(id,
	    "requestId")))) == 0 &&
	    (r = db_bind_text(st, 3, json_string_value(json_object_get(id,
	    "deployId")))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 4, json_integer_value(
	    json_object_get(id, "instanceNo"))))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 5, next_run_at))) == 0 &&
	    (r = db_bind_text(st, 6, json_string_value(json_object_get(id,
	    "pendingType")))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 7, json_integer_value(
	    json_object_get(id, "createdAt"))))) == 0 &&
	    (r = db_bind_json(st, 8, pending)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_pending_task_due(struct db *db, int64_t now, int limit, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_TASK_DUE, &st)) < 0)
		return (r);
	if ((r = db_errno(sqlite3_bind_int64(st, 1, now))) == 0 &&
	    (r = db_errno(sqlite3_bind_int(st, 2, limit))) == 0)
		r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_pending_task_list(struct db *db, const char *request_id, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_TASK_LIST, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0)
		r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_pending_task_remove(struct db *db, const char *pending_task_id)
{
	int r;

	if ((r = db_exec_text(db, SQL_PENDING_TASK_REMOVE,
	    pending_task_id)) == 0 && sqlite3_changes(db_handle(db)) == 0)
		r = -ENOENT;
	return (r);
}

int
db_pending_task_remove_for(struct db *db, const char *request_id,
    const char *deploy_id)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_TASK_REMOVE_FOR, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, deploy_id)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
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

/* First column of the first row as JSON, for 1 or 2 text parameters. */
static int
db_pending_task_one(struct db *db, const char *sql, const char *a,
    const char *b, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, sql, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, a)) == 0 &&
	    (b == NULL || (r = db_bind_text(st, 2, b)) == 0) &&
	    (r = db_step(st)) == 1) {
		*ret = db_column_json(st, 0);
		r = *ret != NULL ? 0 : -EIO;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_pending_task_get(struct db *db, const char *pending_task_id, json_t **ret)
{
	return (db_pending_task_one(db, SQL_PENDING_TASK_GET, pending_task_id,
	    NULL, ret));
}

int
db_pending_task_by_run(struct db *db, const char *request_id,
    const char *run_id, json_t **ret)
{
	return (db_pending_task_one(db, SQL_PENDING_TASK_BY_RUN, request_id,
	    run_id, ret));
}
