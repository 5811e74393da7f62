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
	sqlite3_stmt	*st = NULL;
	const char	*id = json_string_value(json_object_get(request, "id"));
	int		 r;

	if (id == NULL)
		return (-EINVAL);
	if ((r = db_stmt(db, SQL_REQUEST_HISTORY_ADD, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, id)) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 2, now))) == 0 &&
	    (r = db_bind_text(st, 3, event)) == 0 &&
	    (r = db_bind_text(st, 4, user)) == 0 &&
	    (r = db_bind_text(st, 5, message)) == 0 &&
	    (r = db_bind_json(st, 6, request)) == 0)
		r = db_exec_stmt(st);
	db_release(st);
	return (r);
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
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_REQUEST_HISTORY_LIST, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, id)) == 0 &&
	    (r = db_errno(sqlite3_bind_int(st, 2, count))) == 0 &&
	    (r = db_errno(sqlite3_bind_int64(st, 3,
	    (int64_t)(page - 1) * count))) == 0)
		r = db_collect_json(st, 0, ret);
	db_release(st);
	if (r == 0)
		db_request_history_drop_nulls(*ret);
	return (r);
}
