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
static const char SQL_REQUEST_EXPIRING_REMOVE[] =
	"DELETE FROM request_expiring WHERE request_id = ?1 AND kind = ?2";

int
db_request_expiring_put(struct db *db, const char *request_id,
    const char *kind, int64_t expires_at, const json_t *expiring)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_EXPIRING_PUT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, kind)) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3, expires_at))) == 0 &&
	    (r = db_bind_json(st, 4, expiring)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_request_expiring_get(struct db *db, const char *request_id,
    const char *kind, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_EXPIRING_GET, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, kind)) == 0 &&
	    (r = db_step(st)) == 1) {
		*ret = db_column_json(st, 0);
		r = *ret != NULL ? 0 : -EIO;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_request_expiring_remove(struct db *db, const char *request_id,
    const char *kind)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_EXPIRING_REMOVE, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, kind)) == 0)
		r = db_exec_stmt(st);
	if (r == 0 && sqlite3_changes(sqlite3_db_handle(st)) == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_request_expiring_remove_all(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_REQUEST_EXPIRING_REMOVE_ALL, request_id));
}
