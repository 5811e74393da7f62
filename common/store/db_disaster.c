/*
 * disabled_actions and active_disasters: the actions an operator (or a
 * disaster) turned off, each a SingularityDisabledAction keyed by its
 * SingularityAction name, and the disaster types declared active.
 */
#include <errno.h>

#include "db_cluster.h"

static const char SQL_DISASTER_ACTION_PUT[] =
	"INSERT INTO disabled_actions (action, action_json)"
	" VALUES (?1, ?2) ON CONFLICT (action)"
	" DO UPDATE SET action_json = excluded.action_json";
static const char SQL_DISASTER_ACTION_GET[] =
	"SELECT action_json FROM disabled_actions WHERE action = ?1";
static const char SQL_DISASTER_ACTION_REMOVE[] =
	"DELETE FROM disabled_actions WHERE action = ?1";
static const char SQL_DISASTER_ACTION_LIST[] =
	"SELECT action_json FROM disabled_actions ORDER BY action";
static const char SQL_DISASTER_ADD[] =
	"INSERT INTO active_disasters (type, created_at) VALUES (?1, ?2)"
	" ON CONFLICT DO NOTHING";
static const char SQL_DISASTER_REMOVE[] =
	"DELETE FROM active_disasters WHERE type = ?1";
static const char SQL_DISASTER_LIST[] =
	"SELECT coalesce(json_group_array(type), '[]') FROM (SELECT type"
	" FROM active_disasters ORDER BY created_at, type)";

int
db_disaster_action_put(struct db *db, const json_t *disabled)
{
	const char *action = json_string_value(json_object_get(disabled,
	    "type"));

	if (action == NULL)
		return (-EINVAL);
	return (db_run(db, SQL_DISASTER_ACTION_PUT, NULL, "sj", action,
	    disabled));
}

int
db_disaster_action_get(struct db *db, const char *action, json_t **ret)
{
	return (db_query_json(db, SQL_DISASTER_ACTION_GET, ret, "s", action));
}

int
db_disaster_action_remove(struct db *db, const char *action)
{
	return (db_run_changed(db, SQL_DISASTER_ACTION_REMOVE, "s", action));
}

int
db_disaster_action_list(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_DISASTER_ACTION_LIST, ret, ""));
}

int
db_disaster_add(struct db *db, const char *type, int64_t now)
{
	return (db_run_changed(db, SQL_DISASTER_ADD, "si", type, now));
}

int
db_disaster_remove(struct db *db, const char *type)
{
	return (db_run_changed(db, SQL_DISASTER_REMOVE, "s", type));
}

int
db_disaster_list(struct db *db, json_t **ret)
{
	return (db_query_json(db, SQL_DISASTER_LIST, ret, ""));
}
