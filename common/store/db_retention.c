/*
 * The sandbox side of retention: finished tasks whose sandbox is due,
 * tasks.sandbox_removed_at once cleanerd removed it, and sandbox_orphans,
 * the sandboxes of tasks whose history the purge took first (db_purge.c
 * fills it).  The sandbox API reads sandbox_removed_at to answer 404.
 */
#include <errno.h>

#include "db_retention.h"

static const char SQL_RETENTION_DUE[] =
	"SELECT json_array(task_id, updated_at) FROM tasks"
	" WHERE active = 0 AND sandbox_removed_at IS NULL"
	" AND updated_at < ?1 AND (updated_at, task_id) > (?2, ?3)"
	" AND finish_handled = 1"
	" ORDER BY updated_at, task_id LIMIT ?4";
static const char SQL_RETENTION_REMOVED[] =
	"UPDATE tasks SET sandbox_removed_at = ?2 WHERE task_id = ?1"
	" AND active = 0";
static const char SQL_RETENTION_ORPHANS[] =
	"SELECT json_array(task_id, finished_at) FROM sandbox_orphans"
	" ORDER BY finished_at, task_id LIMIT ?1";
static const char SQL_RETENTION_ORPHAN_DONE[] =
	"DELETE FROM sandbox_orphans WHERE task_id = ?1";
static const char SQL_RETENTION_REMOVED_AT[] =
	"SELECT coalesce(sandbox_removed_at, 0) FROM tasks WHERE task_id = ?1";

int
db_retention_sandboxes_due(struct db *db, int64_t ended_before,
    int64_t after_end, const char *after_id, int limit, json_t **ret)
{
	return (db_query_json_list(db, SQL_RETENTION_DUE, ret, "iisi",
	    ended_before, after_end, after_id, (int64_t)limit));
}

int
db_retention_sandbox_removed(struct db *db, const char *task_id, int64_t at)
{
	return (db_run(db, SQL_RETENTION_REMOVED, NULL, "si", task_id, at));
}

int
db_retention_orphans(struct db *db, int limit, json_t **ret)
{
	return (db_query_json_list(db, SQL_RETENTION_ORPHANS, ret, "i",
	    (int64_t)limit));
}

int
db_retention_orphan_done(struct db *db, const char *task_id)
{
	return (db_run(db, SQL_RETENTION_ORPHAN_DONE, NULL, "s", task_id));
}

int
db_retention_sandbox_removed_at(struct db *db, const char *task_id,
    int64_t *ret_at)
{
	return (db_query_ints(db, SQL_RETENTION_REMOVED_AT, ret_at, 1, "s",
	    task_id));
}
