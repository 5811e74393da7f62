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
	const char	*id = db_pending_request_str(pending, "requestId");
	const char	*type = db_pending_request_str(pending, "pendingType");
	int		 changes = 0, r;

	if (id == NULL || type == NULL)
		return (-EINVAL);
	r = db_run(db, SQL_PENDING_REQUEST_ADD, &changes, "ssissj", id,
	    db_pending_request_str(pending, "deployId"),
	    (int64_t)json_integer_value(json_object_get(pending, "timestamp")),
	    type, db_pending_request_str(pending, "runId"), pending);
	if (r == 0 && ret_existed != NULL)
		*ret_existed = changes == 0;
	return (r);
}

int
db_pending_request_list(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_PENDING_REQUEST_LIST, ret, ""));
}

int
db_pending_request_remove_all(struct db *db, const char *request_id)
{
	return (db_exec_text(db, SQL_PENDING_REQUEST_REMOVE_ALL, request_id));
}

int
db_pending_request_queue(struct db *db, json_t **ret)
{
	return (db_query_json_list(db, SQL_PENDING_REQUEST_QUEUE, ret, ""));
}

int
db_pending_request_remove(struct db *db, int64_t seq)
{
	return (db_run(db, SQL_PENDING_REQUEST_REMOVE, NULL, "i", seq));
}

int
db_pending_request_count(struct db *db, const char *request_id,
    const char *type, int64_t *ret)
{
	return (db_query_ints(db, SQL_PENDING_REQUEST_COUNT, ret, 1, "ss",
	    request_id, type));
}
