/*
 * The schema and its migration ladder.  PRAGMA user_version holds the
 * version in force; each step of db_schema_steps[] brings the database one
 * version further inside the same BEGIN IMMEDIATE transaction that reads
 * the version, so three daemons starting at once migrate exactly once.
 *
 * Rows keep the Singularity object they describe as JSON (what the API
 * accepted is what it serves back) beside the few columns we query on.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "db.h"

static const char SQL_SCHEMA_V1[] =
	"CREATE TABLE requests ("
	"  id TEXT PRIMARY KEY,"
	"  state TEXT NOT NULL,"
	"  request_type TEXT NOT NULL,"
	"  request_json TEXT NOT NULL,"
	"  state_changed_at INTEGER NOT NULL,"
	"  last_action_at INTEGER NOT NULL"
	");"
	"CREATE INDEX requests_by_state ON requests(state);"
	"CREATE TABLE request_history ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  request_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  event_type TEXT NOT NULL,"
	"  user TEXT,"
	"  message TEXT,"
	"  request_json TEXT NOT NULL"
	");"
	"CREATE INDEX request_history_by_request"
	"  ON request_history(request_id, seq);"
	"CREATE TABLE pending_requests ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  request_id TEXT NOT NULL,"
	"  deploy_id TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  pending_type TEXT NOT NULL,"
	"  run_id TEXT,"
	"  pending_json TEXT NOT NULL"
	");"
	"CREATE INDEX pending_requests_by_request"
	"  ON pending_requests(request_id);"
	/* One entry per request and deploy, except run-now entries (3.4). */
	"CREATE UNIQUE INDEX pending_requests_one_per_deploy"
	"  ON pending_requests(request_id, coalesce(deploy_id, ''))"
	"  WHERE pending_type NOT IN ('ONEOFF', 'IMMEDIATE');"
	"CREATE TABLE request_cleanups ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  request_id TEXT NOT NULL,"
	"  cleanup_type TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  cleanup_json TEXT NOT NULL"
	");"
	"CREATE UNIQUE INDEX request_cleanups_by_request"
	"  ON request_cleanups(request_id, cleanup_type);"
	/* Timed actions (3.17): one of each kind per request. */
	"CREATE TABLE request_expiring ("
	"  request_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  expiring_json TEXT NOT NULL,"
	"  PRIMARY KEY (request_id, kind)"
	");"
	/* The deploy markers of each request (SingularityRequestDeployState). */
	"CREATE TABLE request_deploy_state ("
	"  request_id TEXT PRIMARY KEY,"
	"  active_deploy_id TEXT,"
	"  active_marker_json TEXT,"
	"  pending_deploy_id TEXT,"
	"  pending_marker_json TEXT"
	");"
	"CREATE TABLE tasks ("
	"  task_id TEXT PRIMARY KEY,"
	"  request_id TEXT NOT NULL,"
	"  deploy_id TEXT NOT NULL,"
	"  instance_no INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  active INTEGER NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  task_json TEXT NOT NULL"
	");"
	"CREATE INDEX tasks_active ON tasks(request_id) WHERE active = 1;"
	"CREATE INDEX tasks_by_request ON tasks(request_id, started_at);"
	"CREATE TABLE pending_tasks ("
	"  pending_task_id TEXT PRIMARY KEY,"
	"  request_id TEXT NOT NULL,"
	"  deploy_id TEXT NOT NULL,"
	"  instance_no INTEGER NOT NULL,"
	"  next_run_at INTEGER NOT NULL,"
	"  pending_type TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  pending_json TEXT NOT NULL"
	");"
	"CREATE INDEX pending_tasks_by_request ON pending_tasks(request_id);"
	"CREATE TABLE task_cleanups ("
	"  task_id TEXT PRIMARY KEY,"
	"  request_id TEXT NOT NULL,"
	"  cleanup_type TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  cleanup_json TEXT NOT NULL"
	");";

/* Deploys, the task update stream and what the executor reports. */
static const char SQL_SCHEMA_V2[] =
	"CREATE TABLE deploys ("
	"  request_id TEXT NOT NULL,"
	"  deploy_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  deploy_json TEXT NOT NULL,"
	"  marker_json TEXT NOT NULL,"
	"  result_json TEXT,"
	"  PRIMARY KEY (request_id, deploy_id)"
	");"
	"CREATE TABLE pending_deploys ("
	"  request_id TEXT PRIMARY KEY,"
	"  deploy_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  pending_json TEXT NOT NULL"
	");"
	"CREATE TABLE task_updates ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  task_id TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  timestamp INTEGER NOT NULL,"
	"  message TEXT,"
	"  reason TEXT"
	");"
	"CREATE INDEX task_updates_by_task ON task_updates(task_id, seq);"
	"ALTER TABLE tasks ADD COLUMN supervisor_pid INTEGER;"
	"ALTER TABLE tasks ADD COLUMN supervisor_start INTEGER;"
	"ALTER TABLE tasks ADD COLUMN task_pgid INTEGER;"
	"ALTER TABLE tasks ADD COLUMN running_at INTEGER;"
	"ALTER TABLE tasks ADD COLUMN run_id TEXT;"
	"ALTER TABLE tasks ADD COLUMN ports TEXT;"
	/* Set once the scheduler has acted on the task's terminal state. */
	"ALTER TABLE tasks ADD COLUMN finish_handled INTEGER NOT NULL"
	"  DEFAULT 0;"
	/* When cleanerd sent the first signal, for the SIGKILL deadline. */
	"ALTER TABLE task_cleanups ADD COLUMN kill_sent_at INTEGER;"
	"CREATE INDEX tasks_unhandled ON tasks(task_id)"
	"  WHERE active = 0 AND finish_handled = 0;"
	"CREATE INDEX tasks_by_run ON tasks(request_id, run_id)"
	"  WHERE run_id IS NOT NULL;";

/* A request cleanup that acts in two steps (a bounce) notes its first. */
static const char SQL_SCHEMA_V3[] =
	"ALTER TABLE request_cleanups ADD COLUMN started INTEGER NOT NULL"
	"  DEFAULT 0;";

/* Health: when a task counts as healthy, and its check results. */
static const char SQL_SCHEMA_V4[] =
	"ALTER TABLE tasks ADD COLUMN healthy_at INTEGER;"
	"CREATE TABLE task_healthchecks ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  task_id TEXT NOT NULL,"
	"  timestamp INTEGER NOT NULL,"
	"  result_json TEXT NOT NULL"
	");"
	"CREATE INDEX task_healthchecks_by_task"
	"  ON task_healthchecks(task_id, seq);";

/* Task events (task_event.h): the last sequence number applied, so a
 * replayed or resent event is applied once. */
static const char SQL_SCHEMA_V5[] =
	"ALTER TABLE tasks ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;";

/* A job's time limit (taskExecutionTimeLimitMillis of the request as the
 * task was queued) beside the task, so the scheduler's pass reads it with
 * the active tasks instead of parsing each task's JSON.  And the active
 * tasks a pass has to look at (db_task_attention: a running job with a
 * time limit, a running task not yet healthy) in an index of their own:
 * with thousands of tasks running quietly, it is empty. */
static const char SQL_SCHEMA_V6[] =
	"ALTER TABLE tasks ADD COLUMN time_limit_ms INTEGER;"
	"UPDATE tasks SET time_limit_ms = json_extract(task_json,"
	"  '$.taskRequest.request.taskExecutionTimeLimitMillis')"
	"  WHERE active = 1;"
	"CREATE INDEX tasks_attention ON tasks(task_id) WHERE active = 1"
	"  AND ((time_limit_ms IS NOT NULL AND running_at IS NOT NULL)"
	"  OR (state = 'TASK_RUNNING' AND healthy_at IS NULL));";
/*
 * What SingularityUI reads beside the core: request groups (a deleted
 * request leaves its groups, and a group it was the last member of goes,
 * as Singularity's removeFromAllGroups does), sets of names (the shuffle
 * blacklist, inactive hosts), single settings (the priority freeze, the
 * disasters' automated-actions switch), disabled actions and active
 * disasters.  For GET /state: when each task update was applied (the
 * status-update delay), a request's instances as a column of its own so
 * that over- and under-provisioned requests are found without parsing
 * every request's JSON, and the active tasks by state in an index that
 * holds "active" itself, so that counting them reads no task row.
 */
static const char SQL_SCHEMA_V7[] =
	"CREATE TABLE request_groups ("
	"  id TEXT PRIMARY KEY,"
	"  group_json TEXT NOT NULL"
	");"
	"CREATE TRIGGER requests_leave_groups AFTER DELETE ON requests BEGIN"
	"  DELETE FROM request_groups WHERE EXISTS (SELECT 1 FROM"
	"   json_each(group_json, '$.requestIds') WHERE value = old.id)"
	"   AND NOT EXISTS (SELECT 1 FROM json_each(group_json,"
	"   '$.requestIds') WHERE value <> old.id);"
	"  UPDATE request_groups SET group_json = json_set(group_json,"
	"   '$.requestIds', (SELECT json_group_array(value) FROM"
	"   json_each(group_json, '$.requestIds') WHERE value <> old.id))"
	"   WHERE EXISTS (SELECT 1 FROM json_each(group_json,"
	"   '$.requestIds') WHERE value = old.id);"
	" END;"
	"CREATE TABLE name_sets ("
	"  set_name TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  added_at INTEGER NOT NULL,"
	"  PRIMARY KEY (set_name, name)"
	");"
	"CREATE TABLE settings ("
	"  name TEXT PRIMARY KEY,"
	"  value_json TEXT NOT NULL"
	");"
	"CREATE TABLE disabled_actions ("
	"  action TEXT PRIMARY KEY,"
	"  action_json TEXT NOT NULL"
	");"
	"CREATE TABLE active_disasters ("
	"  type TEXT PRIMARY KEY,"
	"  created_at INTEGER NOT NULL"
	");"
	"ALTER TABLE task_updates ADD COLUMN applied_at INTEGER;"
	"ALTER TABLE requests ADD COLUMN instances INTEGER"
	"  GENERATED ALWAYS AS (coalesce(json_extract(request_json,"
	"  '$.instances'), 1)) VIRTUAL;"
	"CREATE INDEX requests_provision ON requests(id, state, request_type,"
	"  instances);"
	"CREATE INDEX tasks_live ON tasks(active, state) WHERE active = 1;";

/*
 * The machines tasks run on, as SingularityAgent and SingularityRack:
 * this host for the local executor, a cluster's nodes for the Slurm one,
 * as schedulerd last saw them (last_seen), each in a MachineState.  A
 * state an operator set (decommission, freeze: admin = 1) outlives what
 * the cluster reports, until the machine is dead or activated.  Every
 * change of state is a machine_states row (the history the agent and
 * rack pages read), written by the triggers so no writer can forget it.
 */
static const char SQL_SCHEMA_V8[] =
	"CREATE TABLE agents ("
	"  agent_id TEXT PRIMARY KEY,"
	"  host TEXT NOT NULL,"
	"  rack_id TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  admin INTEGER NOT NULL DEFAULT 0,"
	"  state_at INTEGER NOT NULL,"
	"  state_user TEXT,"
	"  state_message TEXT,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL"
	");"
	"CREATE TABLE racks ("
	"  rack_id TEXT PRIMARY KEY,"
	"  state TEXT NOT NULL,"
	"  admin INTEGER NOT NULL DEFAULT 0,"
	"  state_at INTEGER NOT NULL,"
	"  state_user TEXT,"
	"  state_message TEXT,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL"
	");"
	"CREATE TABLE machine_states ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  timestamp INTEGER NOT NULL,"
	"  user TEXT,"
	"  message TEXT"
	");"
	"CREATE INDEX machine_states_by_object"
	"  ON machine_states(kind, object_id, seq);"
	"CREATE TRIGGER agents_state_new AFTER INSERT ON agents BEGIN"
	"  INSERT INTO machine_states (kind, object_id, state, timestamp,"
	"   user, message) VALUES ('AGENT', new.agent_id, new.state,"
	"   new.state_at, new.state_user, new.state_message);"
	" END;"
	"CREATE TRIGGER agents_state_change AFTER UPDATE OF state ON agents"
	"  WHEN new.state <> old.state BEGIN"
	"  INSERT INTO machine_states (kind, object_id, state, timestamp,"
	"   user, message) VALUES ('AGENT', new.agent_id, new.state,"
	"   new.state_at, new.state_user, new.state_message);"
	" END;"
	"CREATE TRIGGER racks_state_new AFTER INSERT ON racks BEGIN"
	"  INSERT INTO machine_states (kind, object_id, state, timestamp,"
	"   user, message) VALUES ('RACK', new.rack_id, new.state,"
	"   new.state_at, new.state_user, new.state_message);"
	" END;"
	"CREATE TRIGGER racks_state_change AFTER UPDATE OF state ON racks"
	"  WHEN new.state <> old.state BEGIN"
	"  INSERT INTO machine_states (kind, object_id, state, timestamp,"
	"   user, message) VALUES ('RACK', new.rack_id, new.state,"
	"   new.state_at, new.state_user, new.state_message);"
	" END;";

/* Task search (GET /history/tasks, db_task_search.c): the host of the
 * task id as a column, and for each way a search can be driven an index
 * of the finished tasks alone, in start order; partial, so a task enters
 * them once, when it ends.  The request's own index also holds state and
 * updated_at, so those filters and a count are answered from it. */
static const char SQL_SCHEMA_V9[] =
	"ALTER TABLE tasks ADD COLUMN host TEXT GENERATED ALWAYS AS"
	"  (json_extract(task_json, '$.taskId.host')) VIRTUAL;"
	"CREATE INDEX tasks_done_by_request ON tasks(request_id, started_at,"
	"  state, updated_at) WHERE active = 0;"
	"CREATE INDEX tasks_done_by_deploy ON tasks(request_id, deploy_id,"
	"  started_at) WHERE active = 0;"
	"CREATE INDEX tasks_done_by_start ON tasks(started_at, request_id)"
	"  WHERE active = 0;"
	"CREATE INDEX tasks_done_by_state ON tasks(state, started_at,"
	"  request_id) WHERE active = 0;"
	"CREATE INDEX tasks_done_by_host ON tasks(host, started_at,"
	"  request_id) WHERE active = 0;";

/*
 * Webhooks and their durable queues (the outbox of db_webhook.c).  The
 * updates are queued by triggers on the history tables, so an update and
 * its history row commit together, whichever daemon writes it, and a
 * daemon that dies between the two cannot lose one.  Every source trigger
 * inserts into the view webhook_events, whose INSTEAD OF trigger holds
 * the one policy: a copy per webhook of that type, unless that webhook's
 * queue is full (the cap cleanerd stores as the setting
 * webhookQueueMax), when the webhook's dropped count goes up instead.
 * A TASK queue row keeps the SingularityTaskHistoryUpdate; the task
 * itself is read when the update is sent, as Singularity does.
 */
#define DB_SCHEMA_WEBHOOKS_OF(type)					\
	" WHEN EXISTS (SELECT 1 FROM webhooks WHERE type = '" type "')"
#define DB_SCHEMA_QUEUE_FULL(w)						\
	"(SELECT count(*) FROM webhook_queue q WHERE q.webhook_id = " w ")"	\
	" >= coalesce((SELECT CAST(value_json AS INTEGER) FROM settings"	\
	"  WHERE name = 'webhookQueueMax'), 1000)"
static const char SQL_SCHEMA_V10[] =
	"CREATE TABLE webhooks ("
	"  id TEXT PRIMARY KEY,"
	"  type TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  webhook_json TEXT NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  dropped INTEGER NOT NULL DEFAULT 0,"
	"  dropped_logged INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX webhooks_by_type ON webhooks(type);"
	"CREATE TABLE webhook_queue ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
	"  request_id TEXT NOT NULL,"
	"  deploy_id TEXT,"
	"  task_id TEXT,"
	"  payload_json TEXT NOT NULL"
	");"
	"CREATE INDEX webhook_queue_by_webhook ON webhook_queue(webhook_id,"
	"  seq);"
	"CREATE VIEW webhook_events AS SELECT NULL AS type, NULL AS request_id,"
	"  NULL AS deploy_id, NULL AS task_id, NULL AS payload_json WHERE 0;"
	"CREATE TRIGGER webhook_events_enqueue INSTEAD OF INSERT"
	"  ON webhook_events BEGIN"
	"  UPDATE webhooks SET dropped = dropped + 1 WHERE type = new.type"
	"   AND " DB_SCHEMA_QUEUE_FULL("webhooks.id") ";"
	"  INSERT INTO webhook_queue (webhook_id, request_id, deploy_id,"
	"   task_id, payload_json) SELECT w.id, new.request_id,"
	"   new.deploy_id, new.task_id, new.payload_json FROM webhooks w"
	"   WHERE w.type = new.type AND NOT " DB_SCHEMA_QUEUE_FULL("w.id") ";"
	" END;"
	/* SingularityRequestHistory, as GET .../history/.../requests. */
	"CREATE TRIGGER webhook_request_history AFTER INSERT ON request_history"
	DB_SCHEMA_WEBHOOKS_OF("REQUEST") " BEGIN"
	"  INSERT INTO webhook_events VALUES ('REQUEST', new.request_id, NULL,"
	"   NULL, json_patch(json_object('createdAt', new.created_at,"
	"   'eventType', new.event_type, 'request', json(new.request_json)),"
	"   json_object('user', new.user, 'message', new.message)));"
	" END;"
	/* SingularityDeployUpdate: STARTING as the deploy is stored,
	 * FINISHED with its first result. */
	"CREATE TRIGGER webhook_deploy_starting AFTER INSERT ON deploys"
	DB_SCHEMA_WEBHOOKS_OF("DEPLOY") " BEGIN"
	"  INSERT INTO webhook_events VALUES ('DEPLOY', new.request_id,"
	"   new.deploy_id, NULL, json_object('deployMarker',"
	"   json(new.marker_json), 'deploy', json(new.deploy_json),"
	"   'eventType', 'STARTING'));"
	" END;"
	"CREATE TRIGGER webhook_deploy_finished AFTER UPDATE OF result_json"
	"  ON deploys" DB_SCHEMA_WEBHOOKS_OF("DEPLOY")
	"  AND old.result_json IS NULL AND new.result_json IS NOT NULL BEGIN"
	"  INSERT INTO webhook_events VALUES ('DEPLOY', new.request_id,"
	"   new.deploy_id, NULL, json_object('deployMarker',"
	"   json(new.marker_json), 'deploy', json(new.deploy_json),"
	"   'eventType', 'FINISHED', 'deployResult', json(new.result_json)));"
	" END;"
	/* SingularityTaskHistoryUpdate, as GET /history/task/{id}. */
	"CREATE TRIGGER webhook_task_update AFTER INSERT ON task_updates"
	DB_SCHEMA_WEBHOOKS_OF("TASK") " BEGIN"
	"  INSERT INTO webhook_events SELECT 'TASK', t.request_id, t.deploy_id,"
	"   t.task_id, json_patch(json_object('taskId',"
	"   json(t.task_json) -> 'taskId', 'timestamp', new.timestamp,"
	"   'taskState', new.state, 'previous', json('[]')),"
	"   json_object('statusMessage', new.message, 'statusReason',"
	"   new.reason)) FROM tasks t WHERE t.task_id = new.task_id;"
	" END;";

/* When each task was asked for (the API's commit of what it answers, or
 * its due time if later), so schedulerd can time reply -> TASK_RUNNING
 * for GET /metrics. */
static const char SQL_SCHEMA_V11[] =
	"ALTER TABLE pending_tasks ADD COLUMN requested_at INTEGER;"
	"ALTER TABLE tasks ADD COLUMN requested_at INTEGER;";

/*
 * Retention (db_retention.c): when cleanerd removed a finished task's
 * sandbox, so the sandbox API can say so while the history stays; the
 * sandboxes of tasks whose history was purged before their sandbox went,
 * still to remove; and the finished tasks by when they ended, for the
 * purge by age, and those whose sandbox is still there, for the sweep.
 */
static const char SQL_SCHEMA_V12[] =
	"ALTER TABLE tasks ADD COLUMN sandbox_removed_at INTEGER;"
	"CREATE TABLE sandbox_orphans ("
	"  task_id TEXT PRIMARY KEY,"
	"  finished_at INTEGER NOT NULL"
	");"
	"CREATE INDEX tasks_done_by_end ON tasks(updated_at) WHERE active = 0;"
	"CREATE INDEX tasks_sandbox_kept ON tasks(updated_at, task_id)"
	"  WHERE active = 0 AND sandbox_removed_at IS NULL;";

/* Index i takes the database from version i to version i + 1. */
static const char *const db_schema_steps[] = {
	SQL_SCHEMA_V1,
	SQL_SCHEMA_V2,
	SQL_SCHEMA_V3,
	SQL_SCHEMA_V4,
	SQL_SCHEMA_V5,
	SQL_SCHEMA_V6,
	SQL_SCHEMA_V7,
	SQL_SCHEMA_V8,
	SQL_SCHEMA_V9,
	SQL_SCHEMA_V10,
	SQL_SCHEMA_V11,
	SQL_SCHEMA_V12,
};

const int db_schema_current =
    (int)(sizeof(db_schema_steps) / sizeof(db_schema_steps[0]));

static const char SQL_SCHEMA_GET_VERSION[] = "PRAGMA user_version";

int
db_schema_version(struct db *db, int *ret_version)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_SCHEMA_GET_VERSION, &st)) < 0)
		return (r);
	if ((r = db_step(st)) == 1) {
		*ret_version = sqlite3_column_int(st, 0);
		r = 0;
	} else if (r == 0)
		r = -EIO;
	db_release(st);
	return (r);
}

static int
db_schema_set_version(struct db *db, int version)
{
	char sql[64];

	/* A pragma takes no bound parameters; version is our own integer. */
	(void)snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", version);
	return (db_errno(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL)));
}

int
db_schema_migrate(struct db *db)
{
	int r, version;

	if ((r = db_begin(db)) < 0)
		return (r);
	if ((r = db_schema_version(db, &version)) < 0)
		goto fail;
	if (version > db_schema_current) {
		r = -EPROTO;		/* written by a newer kerr */
		goto fail;
	}
	for (; version < db_schema_current; version++) {
		r = db_errno(sqlite3_exec(db_handle(db),
		    db_schema_steps[version], NULL, NULL, NULL));
		if (r < 0)
			goto fail;
	}
	if ((r = db_schema_set_version(db, version)) < 0)
		goto fail;
	return (db_commit(db));
fail:
	db_rollback(db);
	return (r);
}
