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

static const char *
db_deploy_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

int
db_deploy_insert(struct db *db, const json_t *deploy, const json_t *marker,
    int64_t now)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_DEPLOY_INSERT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, db_deploy_str(deploy, "requestId"))) ==
	    0 && (r = db_bind_text(st, 2, db_deploy_str(deploy, "id"))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3, now))) == 0 &&
	    (r = db_bind_json(st, 4, deploy)) == 0 &&
	    (r = db_bind_json(st, 5, marker)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

/* A one-row query keyed by (request, deploy) whose first column is JSON. */
static int
db_deploy_json_by_key(struct db *db, const char *sql, const char *request_id,
    const char *deploy_id, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, sql, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (deploy_id == NULL || (r = db_bind_text(st, 2, deploy_id)) == 0) &&
	    (r = db_step(st)) == 1) {
		*ret = db_column_json(st, 0);
		r = *ret != NULL ? 0 : -EIO;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_deploy_get(struct db *db, const char *request_id, const char *deploy_id,
    json_t **ret)
{
	return (db_deploy_json_by_key(db, SQL_DEPLOY_GET, request_id,
	    deploy_id, ret));
}

int
db_deploy_set_result(struct db *db, const char *request_id,
    const char *deploy_id, const json_t *result)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_DEPLOY_SET_RESULT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, deploy_id)) == 0 &&
	    (r = db_bind_json(st, 3, result)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
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
	sqlite3_stmt	*st = NULL;
	json_t		*item;
	size_t		 i;
	int		 r;

	if ((r = db_stmt(db, SQL_DEPLOY_HISTORY, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_errno(sqlite3_bind_int(st, 2, count))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3,
	    (int64_t)(page - 1) * count))) == 0)
		r = db_collect_json(st, 0, ret);
	db_release(st);
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

	r = db_deploy_json_by_key(db, SQL_DEPLOY_HISTORY_ONE, request_id,
	    deploy_id, ret);
	if (r == 0)
		db_deploy_drop_null_result(*ret);
	return (r);
}

int
db_pending_deploy_put(struct db *db, const char *request_id,
    const json_t *pending, int replace, int64_t now)
{
	const json_t	*marker = json_object_get(pending, "deployMarker");
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, replace ? SQL_PENDING_DEPLOY_REPLACE :
	    SQL_PENDING_DEPLOY_ADD, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, db_deploy_str(marker, "deployId"))) ==
	    0 && (r = db_errno(sqlite3_bind_int64(st, 3, now))) == 0 &&
	    (r = db_bind_json(st, 4, pending)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_pending_deploy_get(struct db *db, const char *request_id, json_t **ret)
{
	return (db_deploy_json_by_key(db, SQL_PENDING_DEPLOY_GET, request_id,
	    NULL, ret));
}

int
db_pending_deploy_remove(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_PENDING_DEPLOY_REMOVE, request_id));
}

int
db_pending_deploy_list(struct db *db, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_DEPLOY_LIST, &st)) < 0)
		return (r);
	r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_deploy_state_set(struct db *db, const char *request_id,
    const json_t *active_marker, const json_t *pending_marker)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_DEPLOY_STATE_SET, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, db_deploy_str(active_marker,
	    "deployId"))) == 0 &&
	    (r = db_bind_json(st, 3, active_marker)) == 0 &&
	    (r = db_bind_text(st, 4, db_deploy_str(pending_marker,
	    "deployId"))) == 0 &&
	    (r = db_bind_json(st, 5, pending_marker)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}
