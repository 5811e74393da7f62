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
	const char *id, *type;

	id = json_string_value(json_object_get(cleanup, "requestId"));
	type = json_string_value(json_object_get(cleanup, "cleanupType"));
	if (id == NULL || type == NULL)
		return (-EINVAL);
	return (db_run(db, replace ? SQL_REQUEST_CLEANUP_REPLACE :
	    SQL_REQUEST_CLEANUP_ADD, NULL, "ssij", id, type,
	    (int64_t)json_integer_value(json_object_get(cleanup, "timestamp")),
	    cleanup));
}

int
db_request_cleanup_count(struct db *db, const char *request_id,
    const char *type, int64_t *ret)
{
	return (db_query_ints(db, SQL_REQUEST_CLEANUP_COUNT, ret, 1, "ss",
	    request_id, type));
}

int
db_request_cleanup_list(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_REQUEST_CLEANUP_LIST, ret, ""));
}

int
db_request_cleanup_remove(struct db *db, const char *request_id,
    const char *type)
{
	return (db_run(db, SQL_REQUEST_CLEANUP_REMOVE, NULL, "ss", request_id,
	    type));
}

int
db_request_cleanup_remove_all(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_REQUEST_CLEANUP_REMOVE_ALL, request_id));
}

int
db_request_cleanup_started(struct db *db, const char *request_id,
    const char *type, int *ret)
{
	int64_t	v = 0;
	int	r;

	r = db_query_ints(db, SQL_REQUEST_CLEANUP_STARTED, &v, 1, "ss",
	    request_id, type);
	*ret = (int)v;
	return (r);
}

int
db_request_cleanup_set_started(struct db *db, const char *request_id,
    const char *type)
{
	return (db_run(db, SQL_REQUEST_CLEANUP_SET_STARTED, NULL, "ss",
	    request_id, type));
}
