/*
 * agents, racks, machine_states (db_machine.h).  The two tables have the
 * same columns but their id's name: each statement comes in a pair,
 * [DB_MACHINE_AGENT] and [DB_MACHINE_RACK].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_machine.h"

/* A state an operator set survives the cluster's word, unless dead. */
static const char SQL_AGENT_SEEN[] =
	"INSERT INTO agents (agent_id, host, rack_id, state, state_at,"
	" first_seen, last_seen) VALUES (?1, ?1, ?2, ?3, ?4, ?4, ?4)"
	" ON CONFLICT (agent_id) DO UPDATE SET rack_id = ?2, last_seen = ?4,"
	" state = CASE WHEN admin = 1 AND ?3 <> 'DEAD' THEN state ELSE ?3 END,"
	" state_at = CASE WHEN (admin = 0 OR ?3 = 'DEAD') AND state <> ?3"
	"  THEN ?4 ELSE state_at END,"
	" state_user = CASE WHEN (admin = 0 OR ?3 = 'DEAD') AND state <> ?3"
	"  THEN NULL ELSE state_user END,"
	" state_message = CASE WHEN (admin = 0 OR ?3 = 'DEAD') AND state <> ?3"
	"  THEN NULL ELSE state_message END,"
	" admin = CASE WHEN ?3 = 'DEAD' THEN 0 ELSE admin END";
static const char SQL_AGENT_GONE[] =
	"UPDATE agents SET state = 'DEAD', admin = 0, state_at = ?1,"
	" state_user = NULL, state_message = 'Gone from the cluster'"
	" WHERE last_seen < ?1 AND state <> 'DEAD'";
static const char SQL_RACKS_SEEN[] =
	"INSERT INTO racks (rack_id, state, state_at, first_seen, last_seen)"
	" SELECT rack_id, CASE WHEN sum(state <> 'DEAD') > 0 THEN 'ACTIVE'"
	"  ELSE 'DEAD' END, ?1, ?1, ?1 FROM agents WHERE true GROUP BY rack_id"
	" ON CONFLICT (rack_id) DO UPDATE SET last_seen = ?1,"
	" state = CASE WHEN admin = 1 AND excluded.state <> 'DEAD' THEN state"
	"  ELSE excluded.state END,"
	" state_at = CASE WHEN (admin = 0 OR excluded.state = 'DEAD') AND"
	"  state <> excluded.state THEN ?1 ELSE state_at END,"
	" admin = CASE WHEN excluded.state = 'DEAD' THEN 0 ELSE admin END";

static const char *const SQL_MACHINE_LIST[] = {
	"SELECT json_object('id', agent_id, 'host', host, 'rackId', rack_id,"
	" 'firstSeenAt', first_seen, 'currentState', json_patch(json_object("
	"  'objectId', agent_id, 'state', state, 'timestamp', state_at),"
	"  json_object('user', state_user, 'message', state_message)),"
	" 'attributes', json('{}'), 'resources', json('{}'))"
	" FROM agents WHERE ?1 IS NULL OR state = ?1 ORDER BY agent_id",
	"SELECT json_object('id', rack_id, 'firstSeenAt', first_seen,"
	" 'currentState', json_patch(json_object('objectId', rack_id,"
	"  'state', state, 'timestamp', state_at),"
	"  json_object('user', state_user, 'message', state_message)))"
	" FROM racks WHERE ?1 IS NULL OR state = ?1 ORDER BY rack_id",
};
static const char *const SQL_MACHINE_GET[] = {
	"SELECT json_object('id', agent_id, 'host', host, 'rackId', rack_id,"
	" 'firstSeenAt', first_seen, 'currentState', json_patch(json_object("
	"  'objectId', agent_id, 'state', state, 'timestamp', state_at),"
	"  json_object('user', state_user, 'message', state_message)),"
	" 'attributes', json('{}'), 'resources', json('{}'))"
	" FROM agents WHERE agent_id = ?1",
	"SELECT json_object('id', rack_id, 'firstSeenAt', first_seen,"
	" 'currentState', json_patch(json_object('objectId', rack_id,"
	"  'state', state, 'timestamp', state_at),"
	"  json_object('user', state_user, 'message', state_message)))"
	" FROM racks WHERE rack_id = ?1",
};
static const char SQL_MACHINE_HISTORY[] =
	"SELECT json_patch(json_object('objectId', object_id, 'state', state,"
	" 'timestamp', timestamp), json_object('user', user,"
	" 'message', message)) FROM machine_states"
	" WHERE kind = ?1 AND object_id = ?2 ORDER BY seq";
static const char *const SQL_MACHINE_STATE[] = {
	"SELECT json_quote(state) FROM agents WHERE agent_id = ?1",
	"SELECT json_quote(state) FROM racks WHERE rack_id = ?1",
};
static const char *const SQL_MACHINE_SET[] = {
	"UPDATE agents SET state = ?2, admin = ?3, state_at = ?4,"
	" state_user = ?5, state_message = ?6 WHERE agent_id = ?1",
	"UPDATE racks SET state = ?2, admin = ?3, state_at = ?4,"
	" state_user = ?5, state_message = ?6 WHERE rack_id = ?1",
};
static const char *const SQL_MACHINE_IDS[] = {
	"SELECT json_group_array(agent_id) FROM agents WHERE state = ?1",
	"SELECT json_group_array(rack_id) FROM racks WHERE state = ?1",
};
static const char *const SQL_MACHINE_FORGET[] = {
	"DELETE FROM agents WHERE agent_id = ?1",
	"DELETE FROM racks WHERE rack_id = ?1",
};
static const char *const SQL_MACHINE_FORGET_DEAD[] = {
	"DELETE FROM agents WHERE state = 'DEAD'",
	"DELETE FROM racks WHERE state = 'DEAD'",
};
static const char SQL_RACK_AGENTS[] =
	"SELECT json_group_array(agent_id) FROM agents WHERE rack_id = ?1";
static const char SQL_UNPLACEABLE[] =
	"SELECT json_quote(coalesce(group_concat(agent_id, ','), '')) FROM agents"
	" WHERE state IN ('FROZEN', 'STARTING_DECOMMISSION',"
	" 'DECOMMISSIONING', 'DECOMMISSIONED')";

static const char SQL_MACHINE_TASKS[] =
	"SELECT json_object('taskId', t.task_id, 'requestId', t.request_id,"
	" 'deployId', t.deploy_id, 'cleaning', json(CASE WHEN c.task_id"
	"  IS NULL THEN 'false' ELSE 'true' END))"
	" FROM tasks t LEFT JOIN task_cleanups c ON c.task_id = t.task_id"
	" WHERE t.active = 1"
	" AND json_extract(t.task_json, '$.offer.hostname') = ?1";

static const char *const db_machine_kinds[] = { "AGENT", "RACK" };

int
db_machine_sync(struct db *db, const struct executor_node *nodes, size_t n,
    int64_t now)
{
	size_t	i;
	int	r;

	if ((r = db_begin(db)) < 0)
		return (r);
	for (i = 0; i < n && r == 0; i++)
		r = db_run(db, SQL_AGENT_SEEN, NULL, "sssi", nodes[i].name,
		    nodes[i].rack[0] != '\0' ? nodes[i].rack : "DEFAULT",
		    nodes[i].state, now);
	if (r == 0)
		r = db_run(db, SQL_AGENT_GONE, NULL, "i", now);
	if (r == 0)
		r = db_run(db, SQL_RACKS_SEEN, NULL, "i", now);
	return (db_end(db, r));
}

int
db_machine_list(struct db *db, enum db_machine_kind kind, const char *state,
    json_t **ret)
{
	return (db_query_json_list(db, SQL_MACHINE_LIST[kind], ret, "s",
	    state));
}

int
db_machine_get(struct db *db, enum db_machine_kind kind, const char *id,
    json_t **ret)
{
	return (db_query_json(db, SQL_MACHINE_GET[kind], ret, "s", id));
}

int
db_machine_history(struct db *db, enum db_machine_kind kind, const char *id,
    json_t **ret)
{
	int r;

	if ((r = db_query_json_list(db, SQL_MACHINE_HISTORY, ret, "ss",
	    db_machine_kinds[kind], id)) == 0 && json_array_size(*ret) == 0) {
		json_decref(*ret);
		*ret = NULL;
		return (-ENOENT);
	}
	return (r);
}

static int
db_machine_state(struct db *db, enum db_machine_kind kind, const char *id,
    char *buf, size_t len)
{
	json_t	*v = NULL;
	int	 r;

	/* A one-column text row, as JSON: its string. */
	if ((r = db_query_json(db, SQL_MACHINE_STATE[kind], &v, "s",
	    id)) < 0)
		return (r);
	(void)snprintf(buf, len, "%s", json_is_string(v) ?
	    json_string_value(v) : "");
	json_decref(v);
	return (0);
}

/* The state action leads to from state: it, or NULL (*ret_err why). */
static const char *
db_machine_target(const char *action, const char *state, int *ret_err)
{
	int decommissioning = strcmp(state, "STARTING_DECOMMISSION") == 0 ||
	    strcmp(state, "DECOMMISSIONING") == 0 ||
	    strcmp(state, "DECOMMISSIONED") == 0;

	*ret_err = 0;
	if (strcmp(action, "decommission") == 0) {
		if (decommissioning)
			*ret_err = -EALREADY;
		else if (strcmp(state, "ACTIVE") != 0 &&
		    strcmp(state, "FROZEN") != 0)
			*ret_err = -EPERM;
		return (*ret_err == 0 ? "STARTING_DECOMMISSION" : NULL);
	}
	if (strcmp(action, "freeze") == 0) {
		if (strcmp(state, "FROZEN") == 0)
			*ret_err = -EALREADY;
		else if (strcmp(state, "ACTIVE") != 0)
			*ret_err = -EPERM;
		return (*ret_err == 0 ? "FROZEN" : NULL);
	}
	if (strcmp(action, "activate") == 0) {
		if (strcmp(state, "ACTIVE") == 0)
			*ret_err = -EALREADY;
		else if (!decommissioning && strcmp(state, "FROZEN") != 0)
			*ret_err = -EPERM;
		return (*ret_err == 0 ? "ACTIVE" : NULL);
	}
	*ret_err = -EINVAL;
	return (NULL);
}

static int
db_machine_apply(struct db *db, enum db_machine_kind kind, const char *id,
    const char *action, const char *user, const char *message, int64_t now,
    char *state, size_t len)
{
	const char	*target;
	int		 r;

	if ((r = db_machine_state(db, kind, id, state, len)) < 0)
		return (r);
	if ((target = db_machine_target(action, state, &r)) == NULL)
		return (r);
	/* Back to ACTIVE: the cluster's word counts again. */
	return (db_run(db, SQL_MACHINE_SET[kind], NULL, "ssiiss", id, target,
	    (int64_t)(strcmp(target, "ACTIVE") != 0), now, user, message));
}

int
db_machine_change(struct db *db, enum db_machine_kind kind, const char *id,
    const char *action, const char *user, const char *message, int64_t now,
    char *ret_state, size_t len)
{
	json_t	*agents = NULL, *a;
	char	 ignored[32];
	size_t	 i;
	int	 r;

	if ((r = db_machine_apply(db, kind, id, action, user, message, now,
	    ret_state, len)) < 0 || kind != DB_MACHINE_RACK)
		return (r);
	/* A rack's agents follow it, those that may. */
	if ((r = db_query_json(db, SQL_RACK_AGENTS, &agents, "s", id)) < 0)
		return (r);
	json_array_foreach(agents, i, a) {
		r = db_machine_apply(db, DB_MACHINE_AGENT, json_string_value(a),
		    action, user, message, now, ignored, sizeof(ignored));
		if (r == -EALREADY || r == -EPERM)
			r = 0;
		if (r < 0)
			break;
	}
	json_decref(agents);
	return (r);
}

int
db_machine_set_state(struct db *db, enum db_machine_kind kind,
    const char *id, const char *state, const char *message, int64_t now)
{
	return (db_run(db, SQL_MACHINE_SET[kind], NULL, "ssiiss", id, state,
	    (int64_t)1, now, NULL, message));
}

int
db_machine_ids_in_state(struct db *db, enum db_machine_kind kind,
    const char *state, json_t **ret)
{
	return (db_query_json(db, SQL_MACHINE_IDS[kind], ret, "s", state));
}

int
db_machine_forget(struct db *db, enum db_machine_kind kind, const char *id)
{
	char	state[32];
	int	r;

	if ((r = db_machine_state(db, kind, id, state, sizeof(state))) < 0)
		return (r);
	if (strcmp(state, "DEAD") != 0 && strcmp(state, "DECOMMISSIONED") != 0)
		return (-EPERM);
	return (db_run(db, SQL_MACHINE_FORGET[kind], NULL, "s", id));
}

int
db_machine_forget_dead(struct db *db, enum db_machine_kind kind, int *ret_n)
{
	return (db_run(db, SQL_MACHINE_FORGET_DEAD[kind], ret_n, ""));
}

int
db_machine_tasks(struct db *db, const char *agent, json_t **ret)
{
	return (db_query_json_list(db, SQL_MACHINE_TASKS, ret, "s", agent));
}

int
db_machine_unplaceable(struct db *db, char **ret)
{
	json_t	*v = NULL;
	int	 r;

	if ((r = db_query_json(db, SQL_UNPLACEABLE, &v, "")) < 0)
		return (r);
	*ret = strdup(json_is_string(v) ? json_string_value(v) : "");
	json_decref(v);
	return (*ret != NULL ? 0 : -ENOMEM);
}
