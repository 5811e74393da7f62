/*
 * Task ids of a request, read from tasks, task_cleanups and pending_tasks
 * in single statements that build the JSON themselves: the request page
 * asks for them every few seconds, so no task's whole SingularityTask is
 * parsed in C for them.
 *
 * json_patch('{}', obj) drops the members of obj that are null: an absent
 * runId is left out, as Singularity leaves out an empty optional (0.2).
 */
#include "db_task_ids.h"

/*
 * A task with a cleanup is cleaning until the cleaner sent its kill, then
 * killed (Singularity's killed-task records); the others are healthy
 * once the scheduler marked them so (spec 3.13).  No load balancer, so
 * nothing is load balanced.
 */
static const char SQL_TASK_IDS_BY_STATUS[] =
	"SELECT json_object("
	" 'healthy', json_group_array(json(tid)) FILTER (WHERE b = 'h'),"
	" 'notYetHealthy', json_group_array(json(tid)) FILTER (WHERE b = 'n'),"
	" 'pending', (SELECT json_group_array(json(pending_json)"
	"  -> '$.pendingTaskId') FROM (SELECT pending_json FROM pending_tasks"
	"  WHERE request_id = ?1 ORDER BY next_run_at, instance_no)),"
	" 'cleaning', json_group_array(json(tid)) FILTER (WHERE b = 'c'),"
	" 'loadBalanced', json('[]'),"
	" 'killed', json_group_array(json(tid)) FILTER (WHERE b = 'k'))"
	" FROM (SELECT json(t.task_json) -> '$.taskId' AS tid,"
	"  CASE WHEN c.task_id IS NULL THEN"
	"   CASE WHEN t.healthy_at IS NULL THEN 'n' ELSE 'h' END"
	"  WHEN c.kill_sent_at IS NULL THEN 'c' ELSE 'k' END AS b"
	"  FROM tasks t INDEXED BY tasks_active"
	"  LEFT JOIN task_cleanups c ON c.task_id = t.task_id"
	"  WHERE t.request_id = ?1 AND t.active = 1"
	"  ORDER BY t.instance_no, t.started_at)";

#define DB_TASK_IDS_HISTORY						\
	"SELECT json_patch('{}', json_object("				\
	" 'taskId', json(task_json) -> '$.taskId',"			\
	" 'updatedAt', updated_at, 'lastTaskState', state,"		\
	" 'runId', run_id))"

/* The partial index of active tasks needs active = 1 written out. */
static const char SQL_TASK_IDS_ACTIVE[] =
	DB_TASK_IDS_HISTORY
	" FROM tasks INDEXED BY tasks_active"
	" WHERE request_id = ?1 AND active = 1"
	" AND (?2 IS NULL OR deploy_id = ?2)"
	" ORDER BY started_at DESC, task_id";
static const char SQL_TASK_IDS_INACTIVE[] =
	DB_TASK_IDS_HISTORY
	" FROM tasks WHERE request_id = ?1 AND active = 0"
	" AND (?2 IS NULL OR deploy_id = ?2)"
	" ORDER BY started_at DESC, task_id LIMIT ?3 OFFSET ?4";

int
db_task_ids_by_status(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json(db, SQL_TASK_IDS_BY_STATUS, ret, "s",
	    request_id));
}

int
db_task_ids_active(struct db *db, const char *request_id,
    const char *deploy_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_TASK_IDS_ACTIVE, ret, "ss",
	    request_id, deploy_id));
}

int
db_task_ids_inactive(struct db *db, const char *request_id,
    const char *deploy_id, int count, int page, json_t **ret)
{
	return (db_query_json_list(db, SQL_TASK_IDS_INACTIVE, ret, "ssii",
	    request_id, deploy_id, (int64_t)count,
	    (int64_t)(page - 1) * count));
}
