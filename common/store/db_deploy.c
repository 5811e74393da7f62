/*
 * deploys, pending_deploys and request_deploy_state (see db_deploy.h).
 */
#include <errno.h>
#include <string.h>

#include "db_deploy.h"

static const char SQL_DEPLOY_INSERT[] =
	"INSERT INTO deploys (request_id, deploy_id, created_at, deploy_json,"
	" marker_json) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_DEPLOY_GET[] =
	"SELECT deploy_json FROM deploys WHERE request_id = ?1"
	" AND deploy_id = ?2";
static const char SQL_DEPLOY_SET_RESULT[] =
	"UPDATE deploys SET result_json = ?3 WHERE request_id = ?1"
	" AND deploy_id = ?2";
#define DB_DEPLOY_HISTORY_JSON						\
	"json_object('deployMarker', json(marker_json),"		\
	" 'deploy', json(deploy_json), 'deployResult', json(result_json))"
static const char SQL_DEPLOY_HISTORY[] =
	"SELECT " DB_DEPLOY_HISTORY_JSON " FROM deploys WHERE request_id = ?1"
	" ORDER BY created_at DESC, rowid DESC LIMIT ?2 OFFSET ?3";
static const char SQL_DEPLOY_HISTORY_ONE[] =
	"SELECT " DB_DEPLOY_HISTORY_JSON " FROM deploys WHERE request_id = ?1"
	" AND deploy_id = ?2";
static const char SQL_PENDING_DEPLOY_ADD[] =
	"INSERT INTO pending_deploys (request_id, deploy_id, created_at,"
	" pending_json) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_PENDING_DEPLOY_REPLACE[] =
	"INSERT OR REPLACE INTO pending_deploys (request_id, deploy_id,"
	" created_at, pending_json) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_PENDING_DEPLOY_GET[] =
	"SELECT pending_json FROM pending_deploys WHERE request_id = ?1";
static const char SQL_PENDING_DEPLOY_REMOVE[] =
	"DELETE FROM pending_deploys WHERE request_id = ?1";
static const char SQL_PENDING_DEPLOY_LIST[] =
	"SELECT pending_json FROM pending_deploys ORDER BY created_at";
static const char SQL_DEPLOY_STATE_SET[] =
	"INSERT OR REPLACE INTO request_deploy_state (request_id,"
	" active_deploy_id, active_marker_json, pending_deploy_id,"
	" pending_marker_json) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_DEPLOY_STATE_REMOVE[] =
	"DELETE FROM request_deploy_state WHERE request_id = ?1";

static const char *
db_deploy_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

int
db_deploy_insert(struct db *db, const json_t *deploy, const json_t *marker,
    int64_t now)
{
	return (db_run(db, SQL_DEPLOY_INSERT, NULL, "ssijj",
	    db_deploy_str(deploy, "requestId"), db_deploy_str(deploy, "id"),
	    now, deploy, marker));
}

int
db_deploy_get(struct db *db, const char *request_id, const char *deploy_id,
    json_t **ret)
{
	return (db_query_json(db, SQL_DEPLOY_GET, ret, "ss", request_id,
	    deploy_id));
}

int
db_deploy_set_result(struct db *db, const char *request_id,
    const char *deploy_id, const json_t *result)
{
	return (db_run(db, SQL_DEPLOY_SET_RESULT, NULL, "ssj", request_id,
	    deploy_id, result));
}

/* json_object() writes a missing result as null: drop it (0.2). */
static void
db_deploy_drop_null_result(json_t *history)
{
	if (json_is_null(json_object_get(history, "deployResult")))
		(void)json_object_del(history, "deployResult");
}

int
db_deploy_history(struct db *db, const char *request_id, int count, int page,
    json_t **ret)
{
	json_t	*item;
	size_t	 i;
	int	 r;

	r = db_query_json_list(db, SQL_DEPLOY_HISTORY, ret, "sii", request_id,
	    (int64_t)count, (int64_t)(page - 1) * count);
	if (r == 0)
		json_array_foreach(*ret, i, item)
			db_deploy_drop_null_result(item);
	return (r);
}

int
db_deploy_history_one(struct db *db, const char *request_id,
    const char *deploy_id, json_t **ret)
{
	int r;

	r = db_query_json(db, SQL_DEPLOY_HISTORY_ONE, ret, "ss", request_id,
	    deploy_id);
	if (r == 0)
		db_deploy_drop_null_result(*ret);
	return (r);
}

int
db_pending_deploy_put(struct db *db, const char *request_id,
    const json_t *pending, int replace, int64_t now)
{
	const json_t *marker = json_object_get(pending, "deployMarker");

	return (db_run(db, replace ? SQL_PENDING_DEPLOY_REPLACE :
	    SQL_PENDING_DEPLOY_ADD, NULL, "ssij", request_id,
	    db_deploy_str(marker, "deployId"), now, pending));
}

int
db_pending_deploy_get(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json(db, SQL_PENDING_DEPLOY_GET, ret, "s",
	    request_id));
}

int
db_pending_deploy_remove(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_PENDING_DEPLOY_REMOVE, request_id));
}

int
db_pending_deploy_list(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_PENDING_DEPLOY_LIST, ret, ""));
}

int
db_deploy_state_set(struct db *db, const char *request_id,
    const json_t *active_marker, const json_t *pending_marker)
{
	return (db_run(db, SQL_DEPLOY_STATE_SET, NULL, "ssjsj", request_id,
	    db_deploy_str(active_marker, "deployId"), active_marker,
	    db_deploy_str(pending_marker, "deployId"), pending_marker));
}

int
db_deploy_state_remove(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_DEPLOY_STATE_REMOVE, request_id));
}
