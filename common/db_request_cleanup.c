/*
 * request_cleanups: pause, delete and bounce work queued for cleanerd
 * (SingularityRequestCleanup), one per request and cleanup type.
 */
#include <errno.h>

#include "db_request.h"

static const char SQL_REQUEST_CLEANUP_ADD[] =
	"INSERT INTO request_cleanups (request_id, cleanup_type, created_at,"
	" cleanup_json) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_REQUEST_CLEANUP_REPLACE[] =
	"INSERT INTO request_cleanups (request_id, cleanup_type, created_at,"
	" cleanup_json) VALUES (?1, ?2, ?3, ?4)"
	" ON CONFLICT (request_id, cleanup_type) DO UPDATE SET"
	" created_at = excluded.created_at,"
	" cleanup_json = excluded.cleanup_json";
static const char SQL_REQUEST_CLEANUP_COUNT[] =
	"SELECT count(*) FROM request_cleanups WHERE request_id = ?1"
	" AND (?2 IS NULL OR cleanup_type = ?2)";
static const char SQL_REQUEST_CLEANUP_LIST[] =
	"SELECT cleanup_json FROM request_cleanups ORDER BY created_at, seq";
static const char SQL_REQUEST_CLEANUP_STARTED[] =
	"SELECT started FROM request_cleanups WHERE request_id = ?1"
	" AND cleanup_type = ?2";
static const char SQL_REQUEST_CLEANUP_SET_STARTED[] =
	"UPDATE request_cleanups SET started = 1 WHERE request_id = ?1"
	" AND cleanup_type = ?2";
static const char SQL_REQUEST_CLEANUP_REMOVE_ALL[] =
	"DELETE FROM request_cleanups WHERE request_id = ?1";
static const char SQL_REQUEST_CLEANUP_REMOVE[] =
	"DELETE FROM request_cleanups WHERE request_id = ?1"
	" AND cleanup_type = ?2";

int
db_request_cleanup_add(struct db *db, const json_t *cleanup, int replace)
{
	sqlite3_stmt	*st = NULL;
	const char	*id, *type;
	int		 r;

	id = json_string_value(json_object_get(cleanup, "requestId"));
	type = json_string_value(json_object_get(cleanup, "cleanupType"));
	if (id == NULL || type == NULL)
		return (-EINVAL);
	if ((r = db_stmt(db, replace ? SQL_REQUEST_CLEANUP_REPLACE :
	    SQL_REQUEST_CLEANUP_ADD, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, id)) == 0 &&
	    (r = db_bind_text(st, 2, type)) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3, json_integer_value(
	    json_object_get(cleanup, "timestamp"))))) == 0 &&
	    (r = db_bind_json(st, 4, cleanup)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_request_cleanup_count(struct db *db, const char *request_id,
    const char *type, int64_t *ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_CLEANUP_COUNT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, type)) == 0 &&
	    (r = db_step(st)) == 1) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (r == 0)
		r = -EIO;
	db_release(st);
	return (r);
}

int
db_request_cleanup_list(struct db *db, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_CLEANUP_LIST, &st)) < 0)
		return (r);
	r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_request_cleanup_remove(struct db *db, const char *request_id,
    const char *type)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_CLEANUP_REMOVE, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, type)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_request_cleanup_remove_all(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_REQUEST_CLEANUP_REMOVE_ALL, request_id));
}

/* Bind (request, type) to a cached statement. */
static int
db_request_cleanup_key(struct db *db, const char *sql, const char *request_id,
    const char *type, sqlite3_stmt **ret)
{
	int r;

	if ((r = db_stmt(db, sql, ret)) < 0)
		return (r);
	if ((r = db_bind_text(*ret, 1, request_id)) < 0 ||
	    (r = db_bind_text(*ret, 2, type)) < 0)
		db_release(*ret);
	return (r);
}

int
db_request_cleanup_started(struct db *db, const char *request_id,
    const char *type, int *ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_request_cleanup_key(db, SQL_REQUEST_CLEANUP_STARTED,
	    request_id, type, &st)) < 0)
		return (r);
	if ((r = db_step(st)) == 1) {
		*ret = sqlite3_column_int(st, 0);
		r = 0;
	} else if (r == 0)
		r = -ENOENT;
	db_release(st);
	return (r);
}

int
db_request_cleanup_set_started(struct db *db, const char *request_id,
    const char *type)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_request_cleanup_key(db, SQL_REQUEST_CLEANUP_SET_STARTED,
	    request_id, type, &st)) < 0)
		return (r);
	r = db_exec_stmt(st);
	db_release(st);
	return (r);
}
