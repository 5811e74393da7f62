/*
 * pending_requests: the queue of "re-evaluate request R for deploy D
 * because of X" entries (SingularityPendingRequest) that schedulerd
 * drains.  At most one per request and deploy, except run-now entries
 * (ONEOFF, IMMEDIATE), enforced by a partial unique index.
 */
#include <errno.h>

#include "db_request.h"

static const char SQL_PENDING_REQUEST_ADD[] =
	"INSERT INTO pending_requests (request_id, deploy_id, created_at,"
	" pending_type, run_id, pending_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	" ON CONFLICT DO NOTHING";
static const char SQL_PENDING_REQUEST_LIST[] =
	"SELECT pending_json FROM pending_requests ORDER BY created_at, seq";
static const char SQL_PENDING_REQUEST_QUEUE[] =
	"SELECT json_object('seq', seq, 'pending', json(pending_json))"
	" FROM pending_requests ORDER BY created_at, seq";
static const char SQL_PENDING_REQUEST_COUNT[] =
	"SELECT count(*) FROM pending_requests WHERE request_id = ?1"
	" AND pending_type = ?2";
static const char SQL_PENDING_REQUEST_REMOVE[] =
	"DELETE FROM pending_requests WHERE seq = ?1";
static const char SQL_PENDING_REQUEST_REMOVE_ALL[] =
	"DELETE FROM pending_requests WHERE request_id = ?1";

static const char *
db_pending_request_str(const json_t *pending, const char *key)
{
	return (json_string_value(json_object_get(pending, key)));
}

int
db_pending_request_add(struct db *db, const json_t *pending,
    int *ret_existed)
{
	sqlite3_stmt	*st = NULL;
	const char	*id = db_pending_request_str(pending, "requestId");
	const char	*type = db_pending_request_str(pending, "pendingType");
	int		 r;

	if (id == NULL || type == NULL)
		return (-EINVAL);
	if ((r = db_stmt(db, SQL_PENDING_REQUEST_ADD, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, id)) == 0 &&
	    (r = db_bind_text(st, 2, db_pending_request_str(pending,
	    "deployId"))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3, json_integer_value(
	    json_object_get(pending, "timestamp"))))) == 0 &&
	    (r = db_bind_text(st, 4, type)) == 0 &&
	    (r = db_bind_text(st, 5, db_pending_request_str(pending,
	    "runId"))) == 0 &&
	    (r = db_bind_json(st, 6, pending)) == 0)
		r = db_exec_stmt(st);
	if (r == 0 && ret_existed != NULL)
		*ret_existed = sqlite3_changes(sqlite3_db_handle(st)) == 0;
	db_release(st);
	return (r);
}

int
db_pending_request_list(struct db *db, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_REQUEST_LIST, &st)) < 0)
		return (r);
	r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_pending_request_remove_all(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_PENDING_REQUEST_REMOVE_ALL, request_id));
}

int
db_pending_request_queue(struct db *db, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_REQUEST_QUEUE, &st)) < 0)
		return (r);
	r = db_collect_json(st, 0, ret);
	db_release(st);
	return (r);
}

int
db_pending_request_remove(struct db *db, int64_t seq)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_REQUEST_REMOVE, &st)) < 0)
		return (r);
	if ((r = db_errno(sqlite3_bind_int64(st, 1, seq))) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
}

int
db_pending_request_count(struct db *db, const char *request_id,
    const char *type, int64_t *ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_PENDING_REQUEST_COUNT, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_bind_text(st, 2, type)) == 0 && (r = db_step(st)) == 1) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (r == 0)
		r = -EIO;
	db_release(st);
	return (r);
}
