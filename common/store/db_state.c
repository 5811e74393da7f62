/*
 * Read-only aggregate queries for GET /state over requests,
 * request_deploy_state, pending_requests, request_cleanups, deploys,
 * pending_deploys, tasks, task_updates, pending_tasks, task_cleanups and
 * settings; the first counts also make the daemons' ready lines.  Each
 * call reads one snapshot (a read transaction).
 *
 * GET /state is polled by every SingularityUI page, so each query walks an
 * index, never a table's JSON: the requests are counted per state on
 * requests_by_state, the active tasks on tasks_live, and the provisioning
 * check visits only requests that have a deploy or tasks
 * (requests_provision holds their instances).
 */
#include <errno.h>
#include <string.h>

#include "db_cluster.h"
#include "db_state.h"

static const char SQL_STATE_REQUESTS[] =
	"SELECT (SELECT count(*) FROM requests)"
	"  - (SELECT count(*) FROM requests WHERE state = 'DELETED'),"
	" (SELECT count(*) FROM requests"
	"  WHERE state IN ('ACTIVE', 'DEPLOYING_TO_UNPAUSE')),"
	" (SELECT count(*) FROM requests WHERE state = 'PAUSED'),"
	" (SELECT count(*) FROM requests WHERE state = 'SYSTEM_COOLDOWN'),"
	" (SELECT count(*) FROM requests WHERE state = 'FINISHED')";
static const char SQL_STATE_QUEUES[] =
	"SELECT (SELECT count(*) FROM pending_requests),"
	" (SELECT count(*) FROM request_cleanups),"
	" (SELECT count(*) FROM task_cleanups)";
static const char SQL_STATE_TASKS[] =
	"SELECT (SELECT count(*) FROM tasks INDEXED BY tasks_live"
	"  WHERE active = 1),"
	" (SELECT count(*) FROM tasks INDEXED BY tasks_live WHERE active = 1"
	"  AND state IN ('TASK_LAUNCHED', 'TASK_STAGING', 'TASK_STARTING'))";
static const char SQL_STATE_PENDING_TASKS[] =
	"SELECT count(*),"
	" coalesce(sum(next_run_at <= ?1), 0),"
	" coalesce(max(?1 - min(next_run_at), 0), 0)"
	" FROM pending_tasks";

/*
 * Late pending tasks by kind: 1 late, 2 late ON_DEMAND under its
 * instances, 0 not counted (an ON_DEMAND request with no instances
 * limit, or at it), as Singularity's scheduled-tasks info sorts them.
 */
static const char SQL_STATE_LATE[] =
	"WITH late AS MATERIALIZED (SELECT p.next_run_at,"
	"  json(p.pending_json) -> '$.pendingTaskId' AS pid,"
	"  CASE WHEN r.request_type IS NOT 'ON_DEMAND' THEN 1"
	"  WHEN json_extract(r.request_json, '$.instances') >"
	"   (SELECT count(*) FROM tasks t INDEXED BY tasks_active"
	"   WHERE t.request_id = p.request_id AND t.active = 1) THEN 2"
	"  ELSE 0 END AS kind"
	"  FROM pending_tasks p LEFT JOIN requests r ON r.id = p.request_id"
	"  WHERE p.next_run_at < ?1 - ?2"
	"  ORDER BY p.next_run_at, p.request_id, p.instance_no)"
	" SELECT count(*) FILTER (WHERE kind = 1),"
	" count(*) FILTER (WHERE kind = 2),"
	" coalesce(?1 - min(next_run_at) FILTER (WHERE kind > 0), 0),"
	" json_group_array(json(pid)) FILTER (WHERE kind = 1),"
	" json_group_array(json(pid)) FILTER (WHERE kind = 2)"
	" FROM late";
/* The pending deploys; a step is open until its launch is complete. */
static const char SQL_STATE_DEPLOYS[] =
	"SELECT count(*),"
	" coalesce(max(?1 - (pending_json ->> '$.deployMarker.timestamp')),"
	"  0),"
	" coalesce(max(CASE WHEN pending_json ->>"
	"  '$.deployProgress.stepLaunchComplete' THEN NULL"
	"  ELSE ?1 - (pending_json ->> '$.deployProgress.timestamp') END), 0),"
	" json_group_array(json(pending_json) -> '$.deployMarker')"
	" FROM (SELECT pending_json FROM pending_deploys ORDER BY created_at,"
	"  request_id)";
/*
 * A request is counted as Singularity counts it: active and pending
 * tasks, less its cleaning ones unless it is SCHEDULED.  Only requests
 * with a deploy can be under-provisioned and only those with tasks over,
 * so the rest are not visited.
 */
static const char SQL_STATE_PROVISION[] =
	"WITH have AS (SELECT r.id, r.instances AS want,"
	"  EXISTS (SELECT 1 FROM request_deploy_state d"
	"   WHERE d.request_id = r.id AND (d.active_deploy_id IS NOT NULL"
	"   OR d.pending_deploy_id IS NOT NULL)) AS deployed,"
	"  (SELECT count(*) FROM tasks t INDEXED BY tasks_active"
	"   WHERE t.request_id = r.id AND t.active = 1)"
	"  + (SELECT count(*) FROM pending_tasks p WHERE p.request_id = r.id)"
	"  - CASE WHEN r.request_type = 'SCHEDULED' THEN 0"
	"   ELSE (SELECT count(*) FROM task_cleanups c WHERE c.request_id = r.id"
	"   AND EXISTS (SELECT 1 FROM tasks t WHERE t.task_id = c.task_id"
	"   AND t.active = 1)) END AS n"
	"  FROM (SELECT request_id AS id FROM request_deploy_state"
	"   WHERE active_deploy_id IS NOT NULL OR pending_deploy_id IS NOT NULL"
	"   UNION SELECT request_id FROM tasks INDEXED BY tasks_active"
	"   WHERE active = 1"
	"   UNION SELECT request_id FROM pending_tasks) k"
	"  CROSS JOIN requests r INDEXED BY requests_provision ON r.id = k.id"
	"  WHERE r.state IN ('ACTIVE', 'SYSTEM_COOLDOWN',"
	"   'DEPLOYING_TO_UNPAUSE')"
	"  AND r.request_type IN ('SERVICE', 'WORKER', 'SCHEDULED'))"
	" SELECT json_group_array(id) FILTER (WHERE n > want),"
	" json_group_array(id) FILTER (WHERE n < want AND deployed"
	"  AND NOT EXISTS (SELECT 1 FROM pending_requests q"
	"  WHERE q.request_id = have.id))"
	" FROM have";
static const char SQL_STATE_DEPLOYED[] =
	"SELECT count(*) FROM request_deploy_state";
/* The last 100 task updates: how long each took to be applied. */
static const char SQL_STATE_UPDATES[] =
	"SELECT coalesce(CAST(avg(applied_at - timestamp) AS INTEGER), 0),"
	" coalesce(max(applied_at), 0)"
	" FROM (SELECT applied_at, timestamp FROM task_updates"
	"  ORDER BY seq DESC LIMIT 100)";
static const char SQL_STATE_MIN_PRIORITY[] =
	"SELECT value_json ->> '$.priorityFreeze.minimumPriorityLevel'"
	" FROM settings WHERE name = ?1";

static int
db_state_begin(struct db *db)
{
	/* A read transaction gives every count the same snapshot. */
	return (db_errno(sqlite3_exec(db_handle(db), "BEGIN", NULL, NULL,
	    NULL)));
}

static int
db_state_read_counts(struct db *db, int64_t now_ms,
    struct db_state_counts *ret)
{
	struct db_state_counts	 c;
	int64_t			 v[5];
	int			 r;

	memset(&c, 0, sizeof(c));
	if ((r = db_query_ints(db, SQL_STATE_REQUESTS, v, 5, "")) < 0)
		return (r);
	c.all_requests = v[0];
	c.active_requests = v[1];
	c.paused_requests = v[2];
	c.cooldown_requests = v[3];
	c.finished_requests = v[4];
	if ((r = db_query_ints(db, SQL_STATE_QUEUES, v, 3, "")) < 0)
		return (r);
	c.pending_requests = v[0];
	c.cleaning_requests = v[1];
	c.cleaning_tasks = v[2];
	if ((r = db_query_ints(db, SQL_STATE_TASKS, v, 2, "")) < 0)
		return (r);
	c.active_tasks = v[0];
	c.launching_tasks = v[1];
	if ((r = db_query_ints(db, SQL_STATE_PENDING_TASKS, v, 3, "i",
	    now_ms)) < 0)
		return (r);
	c.scheduled_tasks = v[0];
	c.late_tasks = v[1];
	c.future_tasks = v[0] - v[1];
	c.max_task_lag_ms = v[2];
	*ret = c;
	return (0);
}

int
db_state_counts(struct db *db, int64_t now_ms, struct db_state_counts *ret)
{
	int r;

	if ((r = db_state_begin(db)) < 0)
		return (r);
	r = db_state_read_counts(db, now_ms, ret);
	db_rollback(db);
	return (r);
}

/*
 * Step a one-row statement, its ?1 and ?2 (those it has) bound to a and
 * b: its integer columns before first_json into ints, its JSON columns
 * from first_json on into jsons.
 */
static int
db_state_row(struct db *db, const char *sql, int64_t a, int64_t b,
    int64_t *ints, int first_json, json_t **jsons, int njson)
{
	sqlite3_stmt	*st = NULL;
	int		 i, r;

	if ((r = db_stmt(db, sql, &st)) < 0)
		return (r);
	for (i = 1; i <= sqlite3_bind_parameter_count(st) && i <= 2; i++)
		if ((r = db_errno(sqlite3_bind_int64(st, i, i == 1 ? a :
		    b))) < 0)
			goto out;
	if ((r = db_step(st)) != 1) {
		r = r == 0 ? -EIO : r;
		goto out;
	}
	for (i = 0; i < first_json; i++)
		ints[i] = sqlite3_column_int64(st, i);
	for (i = 0; i < njson; i++)
		if ((jsons[i] = db_column_json(st, first_json + i)) == NULL) {
			r = -ENOMEM;
			goto out;
		}
	r = 0;
out:
	db_release(st);
	return (r);
}

/* The minimum priority level of the freeze, when there is one. */
static int
db_state_min_priority(struct db *db, struct db_state *s)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_STATE_MIN_PRIORITY, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, DB_SETTING_PRIORITY_FREEZE)) == 0 &&
	    (r = db_step(st)) == 1) {
		s->has_min_priority = sqlite3_column_type(st, 0) != SQLITE_NULL;
		s->min_priority = sqlite3_column_double(st, 0);
		r = 0;
	}
	db_release(st);
	return (r);
}

/* Agents, then racks, by MachineState group (DB_STATE_MACHINE_*). */
#define DB_STATE_MACHINE_COUNTS(table)					\
	"SELECT count(*) FILTER (WHERE state IN ('ACTIVE', 'FROZEN')),"	\
	" count(*) FILTER (WHERE state = 'DEAD'),"			\
	" count(*) FILTER (WHERE state IN ('DECOMMISSIONING',"		\
	"  'STARTING_DECOMMISSION', 'DECOMMISSIONED')),"		\
	" count(*) FILTER (WHERE state NOT IN ('ACTIVE', 'FROZEN', 'DEAD',"\
	"  'DECOMMISSIONING', 'STARTING_DECOMMISSION', 'DECOMMISSIONED'))"\
	" FROM " table
static const char SQL_STATE_AGENTS[] = DB_STATE_MACHINE_COUNTS("agents");
static const char SQL_STATE_RACKS[] = DB_STATE_MACHINE_COUNTS("racks");

static int
db_state_machines(struct db *db, struct db_state *s)
{
	int r, i;

	if ((r = db_query_ints(db, SQL_STATE_AGENTS, s->agents, 4, "")) < 0 ||
	    (r = db_query_ints(db, SQL_STATE_RACKS, s->racks, 4, "")) < 0)
		return (r);
	for (i = 0; i < 4; i++)
		if (s->agents[i] != 0)
			return (0);
	s->agents[DB_STATE_MACHINE_ACTIVE] = 1;
	s->racks[DB_STATE_MACHINE_ACTIVE] = 1;
	return (0);
}

static int
db_state_read_rest(struct db *db, int64_t now_ms, int64_t late_after_ms,
    int64_t provision_max, struct db_state *s)
{
	json_t	*lists[2];
	int64_t	 v[3];
	int	 r;

	if ((r = db_state_row(db, SQL_STATE_LATE, now_ms, late_after_ms, v, 3,
	    lists, 2)) < 0)
		return (r);
	s->late_list = lists[0];
	s->on_demand_late_list = lists[1];
	s->late_tasks = v[0];
	s->on_demand_late_tasks = v[1];
	s->max_task_lag_ms = v[2];
	s->future_tasks = s->c.scheduled_tasks - v[0] - v[1];
	if ((r = db_state_row(db, SQL_STATE_DEPLOYS, now_ms, 0, v, 3,
	    &s->active_deploys, 1)) < 0)
		return (r);
	s->num_deploys = v[0];
	s->oldest_deploy_ms = v[1];
	s->oldest_deploy_step_ms = v[2];
	if ((r = db_query_ints(db, SQL_STATE_DEPLOYED, &s->deployed, 1,
	    "")) < 0)
		return (r);
	if (provision_max < 0 || s->deployed <= provision_max) {
		if ((r = db_state_row(db, SQL_STATE_PROVISION, 0, 0, NULL, 0,
		    lists, 2)) < 0)
			return (r);
		s->over_ids = lists[0];
		s->under_ids = lists[1];
		s->provisioned = 1;
	}
	if ((r = db_query_ints(db, SQL_STATE_UPDATES, v, 2, "")) < 0)
		return (r);
	s->avg_update_delay_ms = v[0];
	s->last_update_at = v[1];
	if ((r = db_state_machines(db, s)) < 0)
		return (r);
	return (db_state_min_priority(db, s));
}

int
db_state_read(struct db *db, int64_t now_ms, int64_t late_after_ms,
    int64_t provision_max, struct db_state *ret)
{
	struct db_state	s;
	int		r;

	memset(&s, 0, sizeof(s));
	if ((r = db_state_begin(db)) < 0)
		return (r);
	if ((r = db_state_read_counts(db, now_ms, &s.c)) == 0)
		r = db_state_read_rest(db, now_ms, late_after_ms,
		    provision_max, &s);
	db_rollback(db);
	if (r < 0) {
		db_state_clear(&s);
		return (r);
	}
	*ret = s;
	return (0);
}

void
db_state_clear(struct db_state *s)
{
	json_decref(s->active_deploys);
	json_decref(s->late_list);
	json_decref(s->on_demand_late_list);
	json_decref(s->over_ids);
	json_decref(s->under_ids);
	memset(s, 0, sizeof(s[0]));
}
