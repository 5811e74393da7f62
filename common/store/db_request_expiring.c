/*
 * request_expiring: timed actions (expiring bounce, pause, scale,
 * skip-healthchecks, priority), one of each kind per request, with the
 * time at which they revert (spec 3.17).
 */
#include <errno.h>

#include "db_request.h"

static const char SQL_REQUEST_EXPIRING_PUT[] =
	"INSERT OR REPLACE INTO request_expiring (request_id, kind,"
	" expires_at, expiring_json) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_REQUEST_EXPIRING_GET[] =
	"SELECT expiring_json FROM request_expiring"
	" WHERE request_id = ?1 AND kind = ?2";
static const char SQL_REQUEST_EXPIRING_REMOVE_ALL[] =
	"DELETE FROM request_expiring WHERE request_id = ?1";
static const char SQL_REQUEST_EXPIRING_ALL[] =
	"SELECT coalesce(json_group_object(kind, json(expiring_json)), '{}')"
	" FROM request_expiring WHERE request_id = ?1";
static const char SQL_REQUEST_EXPIRING_REMOVE[] =
	"DELETE FROM request_expiring WHERE request_id = ?1 AND kind = ?2";

int
db_request_expiring_put(struct db *db, const char *request_id,
    const char *kind, int64_t expires_at, const json_t *expiring)
{
	return (db_run(db, SQL_REQUEST_EXPIRING_PUT, NULL, "ssij", request_id,
	    kind, expires_at, expiring));
}

int
db_request_expiring_get(struct db *db, const char *request_id,
    const char *kind, json_t **ret)
{
	return (db_query_json(db, SQL_REQUEST_EXPIRING_GET, ret, "ss",
	    request_id, kind));
}

int
db_request_expiring_remove(struct db *db, const char *request_id,
    const char *kind)
{
	int changes = 0, r;

	r = db_run(db, SQL_REQUEST_EXPIRING_REMOVE, &changes, "ss", request_id,
	    kind);
	return (r == 0 && changes == 0 ? -ENOENT : r);
}

int
db_request_expiring_remove_all(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_REQUEST_EXPIRING_REMOVE_ALL, request_id));
}

int
db_request_expiring_all(struct db *db, const char *request_id, json_t **ret)
{
	return (db_query_json(db, SQL_REQUEST_EXPIRING_ALL, ret, "s",
	    request_id));
}
