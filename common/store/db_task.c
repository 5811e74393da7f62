/*
 * tasks, task_updates, pending_tasks and task_cleanups: the task rows, the
 * update stream and the executor handle (see db_task.h).  Writers run in
 * the caller's transaction, except db_task_record_update and
 * db_task_set_handle, which the task supervisor calls on their own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_task.h"
#include "schema.h"

/*
 * "INDEXED BY tasks_active": for "request_id = ? AND active = 1" SQLite
 * picks tasks_by_request, which holds the request's finished tasks too,
 * and reads every one of their rows to test active: the cost grew with
 * the request's history (12 ms at 10 000 finished tasks, against 50 us
 * through the partial index, which answers a count on its own).
 */
static const char SQL_TASK_COUNTS[] =
	"SELECT (SELECT count(*) FROM tasks INDEXED BY tasks_active"
	"  WHERE request_id = ?1 AND active = 1),"
	" (SELECT count(*) FROM pending_tasks WHERE request_id = ?1),"
	" (SELECT count(*) FROM task_cleanups c WHERE c.request_id = ?1"
	"  AND EXISTS (SELECT 1 FROM tasks t WHERE t.task_id = c.task_id"
	"  AND t.active = 1))";
static const char SQL_TASK_INSERT[] =
	"INSERT INTO tasks (task_id, request_id, deploy_id, instance_no,"
	" state, active, started_at, updated_at, task_json, run_id, ports,"
	" time_limit_ms, requested_at)"
	" VALUES (?1, ?2, ?3, ?4, 'TASK_LAUNCHED', 1, ?5, ?6, ?7, ?8, ?9,"
	" json_extract(?7,"
	"  '$.taskRequest.request.taskExecutionTimeLimitMillis'),"
	" (SELECT requested_at FROM pending_tasks WHERE pending_task_id ="
	"  json_extract(?7, '$.taskRequest.pendingTask.pendingTaskId.id')))";
static const char SQL_TASK_LAUNCH_LATENCY[] =
	"SELECT ?2 - requested_at FROM tasks WHERE task_id = ?1"
	" AND requested_at IS NOT NULL";
/* applied_at, the clock as the update is written, against its own time
 * gives GET /state's avgStatusUpdateDelayMs. */
static const char SQL_TASK_UPDATE_ADD[] =
	"INSERT INTO task_updates (task_id, state, timestamp, message, reason,"
	" applied_at) VALUES (?1, ?2, ?3, ?4, ?5,"
	" CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))";
static const char SQL_TASK_SET_STATE[] =
	"UPDATE tasks SET state = ?2, updated_at = ?3, active = ?4,"
	" running_at = CASE WHEN ?2 = 'TASK_RUNNING' THEN ?3"
	"  ELSE running_at END"
	" WHERE task_id = ?1 AND active = 1";
static const char SQL_TASK_EXISTS[] =
	"SELECT count(*) FROM tasks WHERE task_id = ?1";
static const char SQL_TASK_SET_HANDLE[] =
	"UPDATE tasks SET supervisor_pid = ?2, supervisor_start = ?3,"
	" task_pgid = ?4 WHERE task_id = ?1";
/* The ports resource goes in once, with the first event that has ports
 * (the launch stored none: "[]"). */
static const char SQL_TASK_SET_PLACEMENT[] =
	"UPDATE tasks SET"
	" task_json = json_set(CASE WHEN ?5 IS NULL OR (ports IS NOT NULL"
	"  AND ports <> '[]') THEN task_json"
	"  ELSE json_insert(task_json, '$.mesosTask.resources[#]', json(?5))"
	"  END,"
	" '$.taskId.host', ?2, '$.taskId.sanitizedHost', replace(?2, '-', '_'),"
	" '$.taskId.rackId', ?3, '$.taskId.sanitizedRackId',"
	"  replace(?3, '-', '_'),"
	" '$.offer.hostname', ?2, '$.offer.agentId.value', ?2,"
	" '$.offer.slaveId.value', ?2, '$.offers[0].hostname', ?2,"
	" '$.offers[0].agentId.value', ?2, '$.offers[0].slaveId.value', ?2,"
	" '$.mesosTask.agentId.value', ?2, '$.mesosTask.slaveId.value', ?2,"
	" '$.rackId', ?3),"
	" ports = CASE WHEN ?4 IS NULL OR (ports IS NOT NULL"
	"  AND ports <> '[]') THEN ports ELSE ?4 END"
	" WHERE task_id = ?1 AND active = 1";
static const char SQL_TASK_EVENT_SEQ[] =
	"SELECT event_seq, active FROM tasks WHERE task_id = ?1";
static const char SQL_TASK_SET_EVENT_SEQ[] =
	"UPDATE tasks SET event_seq = ?2 WHERE task_id = ?1";
static const char SQL_TASK_GET_HANDLE[] =
	"SELECT coalesce(supervisor_pid, 0), coalesce(supervisor_start, 0),"
	" coalesce(task_pgid, 0) FROM tasks WHERE task_id = ?1";
/* Only a cleanup whose signal went out makes an end a kill: a waiting
 * one (a bounce, a pause letting a job finish) does not. */
static const char SQL_TASK_KILL_REQUESTED[] =
	"SELECT count(*) FROM task_cleanups WHERE task_id = ?1"
	" AND kill_sent_at IS NOT NULL";

static const char SQL_TASK_ACTIVE[] =
	"SELECT json_object('taskId', t.task_id, 'requestId', t.request_id,"
	" 'deployId', t.deploy_id, 'instanceNo', t.instance_no,"
	" 'state', t.state, 'startedAt', t.started_at,"
	" 'runningAt', t.running_at, 'healthyAt', t.healthy_at,"
	" 'timeLimitMs', t.time_limit_ms,"
	" 'cleanupType', c.cleanup_type,"
	" 'requestType', (SELECT request_type FROM requests"
	"  WHERE id = t.request_id),"
	" 'cleaning', json(CASE WHEN c.task_id IS NULL THEN 'false'"
	"  ELSE 'true' END))"
	" FROM tasks t LEFT JOIN task_cleanups c ON c.task_id = t.task_id"
	" WHERE t.active = 1 AND (?1 IS NULL OR t.request_id = ?1)"
	" AND (?2 IS NULL OR t.deploy_id = ?2)"
	" ORDER BY t.request_id, t.instance_no, t.started_at";
/* The same for the tasks in tasks_attention (db_schema.c, v6). */
static const char SQL_TASK_ATTENTION[] =
	"SELECT json_object('taskId', t.task_id, 'requestId', t.request_id,"
	" 'deployId', t.deploy_id, 'instanceNo', t.instance_no,"
	" 'state', t.state, 'startedAt', t.started_at,"
	" 'runningAt', t.running_at, 'healthyAt', t.healthy_at,"
	" 'timeLimitMs', t.time_limit_ms,"
	" 'cleanupType', c.cleanup_type,"
	" 'requestType', (SELECT request_type FROM requests"
	"  WHERE id = t.request_id),"
	" 'cleaning', json(CASE WHEN c.task_id IS NULL THEN 'false'"
	"  ELSE 'true' END))"
	" FROM tasks t INDEXED BY tasks_attention"
	" LEFT JOIN task_cleanups c ON c.task_id = t.task_id"
	" WHERE t.active = 1"
	" AND ((t.time_limit_ms IS NOT NULL AND t.running_at IS NOT NULL)"
	" OR (t.state = 'TASK_RUNNING' AND t.healthy_at IS NULL))"
	" ORDER BY t.request_id, t.instance_no, t.started_at";
static const char SQL_TASK_GET[] =
	"SELECT task_json FROM tasks WHERE task_id = ?1";
static const char SQL_TASK_STATE[] =
	"SELECT state, active FROM tasks WHERE task_id = ?1";
static const char SQL_TASK_UPDATES[] =
	"SELECT json_object('taskId', json(t.task_json) -> 'taskId',"
	" 'timestamp', u.timestamp, 'taskState', u.state,"
	" 'statusMessage', u.message, 'statusReason', u.reason,"
	" 'previous', json('[]'))"
	" FROM task_updates u JOIN tasks t ON t.task_id = u.task_id"
	" WHERE u.task_id = ?1 ORDER BY u.seq";
static const char SQL_TASK_UNHANDLED[] =
	"SELECT json_object('taskId', task_id, 'requestId', request_id,"
	" 'deployId', deploy_id, 'instanceNo', instance_no, 'state', state)"
	" FROM tasks WHERE active = 0 AND finish_handled = 0";
static const char SQL_TASK_MARK_HANDLED[] =
	"UPDATE tasks SET finish_handled = 1 WHERE task_id = ?1";
static const char SQL_TASK_HISTORY[] =
	"SELECT json_object('taskId', json(task_json) -> 'taskId',"
	" 'updatedAt', updated_at, 'lastTaskState', state, 'runId', run_id)"
	" FROM tasks WHERE request_id = ?1 AND active = 0"
	" ORDER BY started_at DESC, task_id LIMIT ?2 OFFSET ?3";
static const char SQL_TASK_FAILURES_SINCE[] =
	"SELECT count(*) FROM tasks WHERE request_id = ?1 AND deploy_id = ?2"
	" AND active = 0 AND updated_at >= ?3"
	" AND state NOT IN ('TASK_FINISHED', 'TASK_KILLED')";

static const char SQL_TASK_ACTIVE_FULL[] =
	"SELECT task_json FROM tasks WHERE active = 1"
	" AND (?1 IS NULL OR request_id = ?1) ORDER BY started_at, task_id";
static const char SQL_TASK_SCHEDULED[] =
	"SELECT json_object('request', json(r.request_json),"
	" 'deploy', json(d.deploy_json), 'pendingTask', json(p.pending_json))"
	" FROM pending_tasks p JOIN requests r ON r.id = p.request_id"
	" LEFT JOIN deploys d ON d.request_id = p.request_id"
	" AND d.deploy_id = p.deploy_id"
	" WHERE ?1 IS NULL OR p.request_id = ?1"
	" ORDER BY p.next_run_at, p.request_id, p.deploy_id, p.instance_no";
static const char SQL_TASK_BY_RUN[] =
	"SELECT json_object('taskId', json(task_json) -> 'taskId',"
	" 'updatedAt', updated_at, 'lastTaskState', state, 'runId', run_id)"
	" FROM tasks WHERE request_id = ?1 AND run_id = ?2"
	" ORDER BY started_at DESC LIMIT 1";

static const char SQL_TASK_KILLED[] =
	"SELECT json_object('taskId', json(t.task_json) -> 'taskId',"
	" 'timestamp', c.kill_sent_at, 'originalTimestamp', c.created_at,"
	" 'taskCleanupType', c.cleanup_type, 'retries', 0)"
	" FROM task_cleanups c JOIN tasks t ON t.task_id = c.task_id"
	" WHERE c.kill_sent_at IS NOT NULL AND t.active = 1"
	" ORDER BY c.kill_sent_at";
static const char SQL_TASK_HEALTHY_COUNT[] =
	"SELECT count(*) FROM tasks t INDEXED BY tasks_active"
	" WHERE t.request_id = ?1"
	" AND t.active = 1 AND t.healthy_at IS NOT NULL"
	" AND t.healthy_at <= ?2"
	" AND t.task_id NOT IN (SELECT task_id FROM task_cleanups)";
static const char SQL_TASK_SET_HEALTHY[] =
	"UPDATE tasks SET healthy_at = ?2 WHERE task_id = ?1"
	" AND healthy_at IS NULL";
static const char SQL_TASK_HEALTHCHECK_ADD[] =
	"INSERT INTO task_healthchecks (task_id, timestamp, result_json)"
	" VALUES (?1, ?2, ?3)";
static const char SQL_TASK_HEALTHCHECKS[] =
	"SELECT result_json FROM task_healthchecks WHERE task_id = ?1"
	" ORDER BY seq";
static const char SQL_TASK_HEALTHCHECK_STATS[] =
	"SELECT count(*), coalesce(max(timestamp), 0) FROM task_healthchecks"
	" WHERE task_id = ?1";

static const char SQL_TASK_FAILURES_IN_A_ROW[] =
	"SELECT count(*) FROM tasks WHERE request_id = ?1 AND deploy_id = ?2"
	" AND active = 0 AND state NOT IN ('TASK_FINISHED', 'TASK_KILLED')"
	" AND started_at > coalesce((SELECT max(started_at) FROM tasks"
	"  WHERE request_id = ?1 AND deploy_id = ?2"
	"  AND state = 'TASK_FINISHED'), 0)";

static const char SQL_TASK_KILL_TYPE[] =
	"SELECT cleanup_type FROM task_cleanups WHERE task_id = ?1"
	" AND kill_sent_at IS NOT NULL";
static const char SQL_TASK_UNHEALTHY_COUNT[] =
	"SELECT count(*) FROM tasks t JOIN task_updates u"
	" ON u.task_id = t.task_id WHERE t.request_id = ?1"
	" AND t.deploy_id = ?2 AND u.state = 'TASK_KILLED'"
	" AND u.message = 'UNHEALTHY_NEW_TASK'";

static const char SQL_TASK_PORTS_IN_USE[] =
	"SELECT p.value FROM tasks t, json_each(t.ports) p"
	" WHERE t.active = 1 AND t.ports IS NOT NULL";

static const char *const db_task_terminal_states[] = {
	"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
	"TASK_LOST_WHILE_DOWN", "TASK_ERROR", "TASK_DROPPED", "TASK_GONE",
	"TASK_UNREACHABLE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN", NULL
};

int
db_task_state_is_terminal(const char *state)
{
	return (schema_index(db_task_terminal_states, state) >= 0);
}

int
db_task_counts(struct db *db, const char *request_id,
    struct db_task_counts *ret)
{
	int64_t	v[3];
	int	r;

	if ((r = db_query_ints(db, SQL_TASK_COUNTS, v, 3, "s",
	    request_id)) < 0)
		return (r);
	ret->active = v[0];
	ret->pending = v[1];
	ret->cleaning = v[2];
	return (0);
}

static int
db_task_update_add(struct db *db, const char *task_id, const char *state,
    const char *message, const char *reason, int64_t now)
{
	return (db_run(db, SQL_TASK_UPDATE_ADD, NULL, "ssiss", task_id, state,
	    now, message, reason));
}

int
db_task_launch_latency(struct db *db, const char *task_id, int64_t at,
    int64_t *ret)
{
	int64_t	ms = 0;
	int	r;

	if ((r = db_query_ints(db, SQL_TASK_LAUNCH_LATENCY, &ms, 1, "si",
	    task_id, at)) < 0)
		return (r);
	*ret = ms;
	return (0);
}

int
db_task_insert(struct db *db, const json_t *task, const char *run_id,
    const json_t *ports, int64_t now)
{
	const json_t	*tid = json_object_get(task, "taskId");
	const char	*id = json_string_value(json_object_get(tid, "id"));
	int		 r;

	if (id == NULL)
		return (-EINVAL);
	r = db_run(db, SQL_TASK_INSERT, NULL, "sssiiijsj", id,
	    json_string_value(json_object_get(tid, "requestId")),
	    json_string_value(json_object_get(tid, "deployId")),
	    (int64_t)json_integer_value(json_object_get(tid, "instanceNo")),
	    (int64_t)json_integer_value(json_object_get(tid, "startedAt")),
	    now, task, run_id, ports);
	if (r == 0)
		r = db_task_update_add(db, id, "TASK_LAUNCHED", NULL, NULL,
		    now);
	return (r);
}

/* The compare-and-set itself: -ESTALE/-ENOENT when no active row. */
static int
db_task_set_state(struct db *db, const char *task_id, const char *state,
    int64_t now)
{
	int64_t	exists = 0;
	int	changes = 0, r;

	r = db_run(db, SQL_TASK_SET_STATE, &changes, "ssii", task_id, state,
	    now, (int64_t)!db_task_state_is_terminal(state));
	if (r < 0 || changes > 0)
		return (r);
	if (db_query_ints(db, SQL_TASK_EXISTS, &exists, 1, "s", task_id) ==
	    0 && exists == 0)
		return (-ENOENT);
	return (-ESTALE);
}

int
db_task_record_update(struct db *db, const char *task_id, const char *state,
    const char *message, const char *reason, int64_t now)
{
	return (db_task_record_update_handle(db, task_id, state, message,
	    reason, now, NULL));
}

int
db_task_record_update_handle(struct db *db, const char *task_id,
    const char *state, const char *message, const char *reason, int64_t now,
    const struct executor_handle *h)
{
	int r;

	if ((r = db_begin(db)) < 0)
		return (r);
	if ((h == NULL || (r = db_task_set_handle(db, task_id, h)) == 0) &&
	    (r = db_task_set_state(db, task_id, state, now)) == 0)
		r = db_task_update_add(db, task_id, state, message, reason,
		    now);
	if (r < 0) {
		db_rollback(db);
		return (r);
	}
	return (db_commit(db));
}

int
db_task_event_seq(struct db *db, const char *task_id, unsigned *ret_seq,
    int *ret_active)
{
	int64_t	v[2];
	int	r;

	if ((r = db_query_ints(db, SQL_TASK_EVENT_SEQ, v, 2, "s", task_id))
	    < 0)
		return (r);
	*ret_seq = (unsigned)v[0];
	*ret_active = v[1] != 0;
	return (0);
}

int
db_task_apply_event(struct db *db, const char *task_id, unsigned seq,
    const char *state, const char *message, const char *reason,
    int64_t at, const struct executor_handle *h)
{
	unsigned	applied;
	int		active, r;

	if ((r = db_task_event_seq(db, task_id, &applied, &active)) < 0)
		return (r);
	if (seq <= applied)
		return (1);
	if ((r = db_savepoint(db)) < 0)
		return (r);
	r = db_run(db, SQL_TASK_SET_EVENT_SEQ, NULL, "si", task_id,
	    (int64_t)seq);
	if (r == 0 && !active)
		r = -ESTALE;
	else if (r == 0 && (h == NULL ||
	    (r = db_task_set_handle(db, task_id, h)) == 0) &&
	    (r = db_task_set_state(db, task_id, state, at)) == 0)
		r = db_task_update_add(db, task_id, state, message, reason, at);
	/* A stale event still moves the sequence on: it is not applied
	 * again, and its reporter is answered. */
	if (r < 0 && r != -ESTALE) {
		db_savepoint_rollback(db);
		return (r);
	}
	db_savepoint_release(db);
	return (r);
}

int
db_task_set_handle(struct db *db, const char *task_id,
    const struct executor_handle *h)
{
	int changes = 0, r;

	r = db_run(db, SQL_TASK_SET_HANDLE, &changes, "siii", task_id,
	    (int64_t)h->pid, (int64_t)h->start_ticks, (int64_t)h->pgid);
	return (r == 0 && changes == 0 ? -ENOENT : r);
}

/* "31000,31001" as the ports column's "[31000,31001]" and the Mesos
 * ports resource; NULLs for "". */
static int
db_task_placement_ports(const char *ports, char **ret_list,
    char **ret_resource)
{
	json_t		*list = json_array(), *ranges = json_array(), *res;
	const char	*p = ports;
	char		*end;
	long		 port;
	int		 r = 0;

	*ret_list = *ret_resource = NULL;
	while (r == 0 && *p != '\0' && list != NULL && ranges != NULL) {
		port = strtol(p, &end, 10);
		if (end == p || port < 1 || port > 65535 ||
		    (*end != ',' && *end != '\0'))
			r = -EINVAL;
		else if (json_array_append_new(list, json_integer(port)) < 0 ||
		    json_array_append_new(ranges, json_pack("{s:i, s:i}",
		    "begin", (int)port, "end", (int)port)) < 0)
			r = -ENOMEM;
		p = *end == ',' ? end + 1 : end;
	}
	if (r == 0 && (list == NULL || ranges == NULL))
		r = -ENOMEM;
	if (r == 0 && json_array_size(list) > 0) {
		res = json_pack("{s:s, s:s, s:{s:O}}", "name", "ports", "type",
		    "RANGES", "ranges", "range", ranges);
		*ret_list = json_dumps(list, JSON_COMPACT);
		*ret_resource = res != NULL ? json_dumps(res, JSON_COMPACT) :
		    NULL;
		json_decref(res);
		if (*ret_list == NULL || *ret_resource == NULL)
			r = -ENOMEM;
	}
	json_decref(list);
	json_decref(ranges);
	return (r);
}

int
db_task_set_placement(struct db *db, const char *task_id, const char *host,
    const char *rack, const char *ports)
{
	char	*list = NULL, *resource = NULL;
	int	 r;

	if ((r = db_task_placement_ports(ports, &list, &resource)) == 0)
		r = db_run(db, SQL_TASK_SET_PLACEMENT, NULL, "sssss", task_id,
		    host, rack[0] != '\0' ? rack : "DEFAULT", list, resource);
	free(list);
	free(resource);
	return (r);
}

int
db_task_get_handle(struct db *db, const char *task_id,
    struct executor_handle *ret)
{
	int64_t	v[3];
	int	r;

	if ((r = db_query_ints(db, SQL_TASK_GET_HANDLE, v, 3, "s",
	    task_id)) < 0)
		return (r);
	ret->pid = (pid_t)v[0];
	ret->start_ticks = (uint64_t)v[1];
	ret->pgid = (pid_t)v[2];
	return (0);
}

int
db_task_kill_requested(struct db *db, const char *task_id)
{
	int64_t	n = 0;
	int	r;

	if ((r = db_query_ints(db, SQL_TASK_KILL_REQUESTED, &n, 1, "s",
	    task_id)) < 0)
		return (r);
	return (n > 0);
}

/* JSON nulls from json_object() in SQL are dropped: Singularity omits
 * absent fields (0.2). */
static int
db_task_drop_nulls_one(int r, json_t *item);

static int
db_task_drop_nulls(int r, json_t **ret)
{
	json_t	*item;
	size_t	 i;

	if (r < 0)
		return (r);
	json_array_foreach(*ret, i, item)
		(void)db_task_drop_nulls_one(0, item);
	return (0);
}

static int
db_task_drop_nulls_one(int r, json_t *item)
{
	json_t		*v;
	const char	*key;
	void		*tmp;

	if (r < 0 || item == NULL)
		return (r);
	json_object_foreach_safe(item, tmp, key, v)
		if (json_is_null(v))
			(void)json_object_del(item, key);
	return (0);
}

int
db_task_active(struct db *db, const char *request_id, const char *deploy_id,
    json_t **ret)
{
	return (db_task_drop_nulls(db_query_json_list(db, SQL_TASK_ACTIVE, ret,
	    "ss", request_id, deploy_id), ret));
}

int
db_task_attention(struct db *db, json_t **ret)
{
	return (db_task_drop_nulls(db_query_json_list(db, SQL_TASK_ATTENTION,
	    ret, ""), ret));
}

int
db_task_get(struct db *db, const char *task_id, json_t **ret)
{
	return (db_query_json(db, SQL_TASK_GET, ret, "s", task_id));
}

int
db_task_state(struct db *db, const char *task_id, char *state, size_t len,
    int *ret_active)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_STATE, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, task_id)) == 0 && (r = db_step(st)) == 1) {
		(void)snprintf(state, len, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		*ret_active = sqlite3_column_int(st, 1);
		r = 0;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_task_updates(struct db *db, const char *task_id, json_t **ret)
{
	return (db_task_drop_nulls(db_query_json_list(db, SQL_TASK_UPDATES,
	    ret, "s", task_id), ret));
}

int
db_task_unhandled(struct db *db, json_t **ret)
{
	return (db_task_drop_nulls(db_query_json_list(db, SQL_TASK_UNHANDLED,
	    ret, ""), ret));
}

int
db_task_mark_handled(struct db *db, const char *task_id)
{
	return (db_exec_text(db, SQL_TASK_MARK_HANDLED, task_id));
}

int
db_task_history(struct db *db, const char *request_id, int count, int page,
    json_t **ret)
{
	return (db_task_drop_nulls(db_query_json_list(db, SQL_TASK_HISTORY,
	    ret, "sii", request_id, (int64_t)count,
	    (int64_t)(page - 1) * count), ret));
}

int
db_task_failures_since(struct db *db, const char *request_id,
    const char *deploy_id, int64_t since, int64_t *ret)
{
	return (db_query_ints(db, SQL_TASK_FAILURES_SINCE, ret, 1, "ssi",
	    request_id, deploy_id, since));
}

int
db_task_active_full(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_TASK_ACTIVE_FULL, ret, "s",
	    request_id));
}

int
db_task_scheduled(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_TASK_SCHEDULED, ret, "s",
	    request_id));
}

int
db_task_by_run(struct db *db, const char *request_id, const char *run_id,
    json_t **ret)
{
	int r;

	r = db_query_json(db, SQL_TASK_BY_RUN, ret, "ss", request_id, run_id);
	return (db_task_drop_nulls_one(r, r == 0 ? *ret : NULL));
}

int
db_task_killed(struct db *db, json_t **ret)
{
	return (db_task_drop_nulls(db_query_json_list(db, SQL_TASK_KILLED,
	    ret, ""), ret));
}

int
db_task_healthy_count(struct db *db, const char *request_id, int64_t since,
    int64_t *ret)
{
	return (db_query_ints(db, SQL_TASK_HEALTHY_COUNT, ret, 1, "si",
	    request_id, since));
}

int
db_task_failures_in_a_row(struct db *db, const char *request_id,
    const char *deploy_id, int64_t *ret)
{
	return (db_query_ints(db, SQL_TASK_FAILURES_IN_A_ROW, ret, 1, "ss",
	    request_id, deploy_id));
}

int
db_task_set_healthy(struct db *db, const char *task_id, int64_t now)
{
	return (db_run(db, SQL_TASK_SET_HEALTHY, NULL, "si", task_id, now));
}

int
db_task_healthcheck_add(struct db *db, const char *task_id,
    const json_t *result, int64_t now)
{
	return (db_run(db, SQL_TASK_HEALTHCHECK_ADD, NULL, "sij", task_id, now,
	    result));
}

int
db_task_healthchecks(struct db *db, const char *task_id, json_t **ret)
{
	return (db_query_json_list(db, SQL_TASK_HEALTHCHECKS, ret, "s",
	    task_id));
}

int
db_task_healthcheck_stats(struct db *db, const char *task_id,
    int64_t *ret_count, int64_t *ret_last)
{
	int64_t	v[2];
	int	r;

	if ((r = db_query_ints(db, SQL_TASK_HEALTHCHECK_STATS, v, 2, "s",
	    task_id)) < 0)
		return (r);
	*ret_count = v[0];
	*ret_last = v[1];
	return (0);
}

int
db_task_kill_type(struct db *db, const char *task_id, char *type, size_t len)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_KILL_TYPE, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, task_id)) == 0 &&
	    (r = db_step(st)) == 1)
		(void)snprintf(type, len, "%s",
		    (const char *)sqlite3_column_text(st, 0));
	db_release(st);
	return (r);
}

int
db_task_unhealthy_count(struct db *db, const char *request_id,
    const char *deploy_id, int64_t *ret)
{
	return (db_query_ints(db, SQL_TASK_UNHEALTHY_COUNT, ret, 1, "ss",
	    request_id, deploy_id));
}

int
db_task_ports_in_use(struct db *db, unsigned char *bitmap)
{
	sqlite3_stmt	*st = NULL;
	int		 r, port;

	memset(bitmap, 0, 65536 / 8);
	if ((r = db_stmt(db, SQL_TASK_PORTS_IN_USE, &st)) < 0)
		return (r);
	while ((r = db_step(st)) == 1) {
		port = sqlite3_column_int(st, 0);
		if (port > 0 && port < 65536)
			bitmap[port / 8] |= (unsigned char)(1u << (port % 8));
	}
	db_release(st);
	return (r);
}
