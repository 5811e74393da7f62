/*
 * What the active tasks hold, for /usage: per request, the cpus, memory
 * and disk the executor gave each task (the scalar resources of its
 * mesosTask), summed over the request's active tasks, with the request's
 * active deploy.  A task whose object lists no resources still counts.
 */
#include "db_state.h"

static const char SQL_USAGE_REQUESTS[] =
	"SELECT json_patch('{}', json_object('requestId', t.request_id,"
	" 'deployId', (SELECT active_deploy_id FROM request_deploy_state d"
	"  WHERE d.request_id = t.request_id),"
	" 'numTasks', count(DISTINCT t.task_id),"
	" 'cpuReserved', total(CASE WHEN r.value ->> '$.name' = 'cpus'"
	"  THEN r.value ->> '$.scalar.value' END),"
	" 'memBytesReserved', CAST(total(CASE WHEN r.value ->> '$.name' ="
	"  'mem' THEN r.value ->> '$.scalar.value' END) * 1048576 AS INTEGER),"
	" 'diskBytesReserved', CAST(total(CASE WHEN r.value ->> '$.name' ="
	"  'disk' THEN r.value ->> '$.scalar.value' END) * 1048576"
	"  AS INTEGER)))"
	" FROM tasks t INDEXED BY tasks_active"
	" LEFT JOIN json_each(t.task_json, '$.mesosTask.resources') r"
	" WHERE t.active = 1 AND (?1 IS NULL OR t.request_id = ?1)"
	" GROUP BY t.request_id ORDER BY t.request_id";

/* The running tasks to measure, by request (the order of the above). */
static const char SQL_USAGE_TASKS[] =
	"SELECT json_object('taskId', task_id, 'requestId', request_id,"
	" 'pgid', coalesce(task_pgid, 0), 'runningAt', running_at)"
	" FROM tasks INDEXED BY tasks_active"
	" WHERE active = 1 AND state = 'TASK_RUNNING'"
	" AND (?1 IS NULL OR request_id = ?1) ORDER BY request_id";

int
db_usage_tasks(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_USAGE_TASKS, ret, "s",
	    request_id));
}

int
db_usage_requests(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_USAGE_REQUESTS, ret, "s",
	    request_id));
}
