/*
 * settings: cluster-wide values that exist once or not at all (the
 * active priority freeze, the switch that stops disasters from disabling
 * actions), one JSON value per name.
 */
#include <errno.h>

#include "db_cluster.h"

static const char SQL_SETTING_GET[] =
	"SELECT value_json FROM settings WHERE name = ?1";
static const char SQL_SETTING_PUT[] =
	"INSERT INTO settings (name, value_json) VALUES (?1, ?2)"
	" ON CONFLICT (name) DO UPDATE SET value_json = excluded.value_json";
static const char SQL_SETTING_REMOVE[] =
	"DELETE FROM settings WHERE name = ?1";

int
db_setting_get(struct db *db, const char *name, json_t **ret)
{
	return (db_query_json(db, SQL_SETTING_GET, ret, "s", name));
}

int
db_setting_put(struct db *db, const char *name, const json_t *value)
{
	return (db_run(db, SQL_SETTING_PUT, NULL, "sj", name, value));
}

int
db_setting_remove(struct db *db, const char *name)
{
	int r = db_run_changed(db, SQL_SETTING_REMOVE, "s", name);

	return (r == 1 ? -ENOENT : r);
}
