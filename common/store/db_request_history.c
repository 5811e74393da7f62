/*
 * request_history: one SingularityRequestHistory per change of a request
 * (CREATED, UPDATED, PAUSED, ...), with a snapshot of the request after
 * the change.  Rows outlive the request itself.
 */
#include <errno.h>

#include "db_request.h"

static const char SQL_REQUEST_HISTORY_ADD[] =
	"INSERT INTO request_history (request_id, created_at, event_type,"
	" user, message, request_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_REQUEST_HISTORY_LIST[] =
	"SELECT json_object('createdAt', created_at,"
	" 'user', user, 'eventType', event_type,"
	" 'request', json(request_json), 'message', message)"
	" FROM request_history WHERE request_id = ?1"
	" ORDER BY seq DESC LIMIT ?2 OFFSET ?3";

int
db_request_history_add(struct db *db, const json_t *request,
    const char *event, const char *user, const char *message, int64_t now)
{
	const char *id = json_string_value(json_object_get(request, "id"));

	if (id == NULL)
		return (-EINVAL);
	return (db_run(db, SQL_REQUEST_HISTORY_ADD, NULL, "sisssj", id, now,
	    event, user, message, request));
}

/* json_object() writes SQL NULLs as JSON null: drop them (0.2). */
static void
db_request_history_drop_nulls(json_t *list)
{
	json_t	*item;
	size_t	 i;

	json_array_foreach(list, i, item) {
		if (json_is_null(json_object_get(item, "user")))
			(void)json_object_del(item, "user");
		if (json_is_null(json_object_get(item, "message")))
			(void)json_object_del(item, "message");
	}
}

int
db_request_history_list(struct db *db, const char *id, int count, int page,
    json_t **ret)
{
	int r;

	r = db_query_json_list(db, SQL_REQUEST_HISTORY_LIST, ret, "sii", id,
	    (int64_t)count, (int64_t)(page - 1) * count);
	if (r == 0)
		db_request_history_drop_nulls(*ret);
	return (r);
}
