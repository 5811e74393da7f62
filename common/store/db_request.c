/*
 * The requests table, read together with request_deploy_state so a
 * request and its deploy markers come from one snapshot.  A request row
 * holds the normalised SingularityRequest as JSON beside its id, state and
 * type columns.
 */
#include <errno.h>
#include <string.h>

#include "db_deploy.h"
#include "db_request.h"

#define DB_REQUEST_COLUMNS						\
	"r.request_json, r.state, r.state_changed_at, r.last_action_at,"	\
	" d.active_marker_json, d.pending_marker_json"			\
	" FROM requests r LEFT JOIN request_deploy_state d"		\
	" ON d.request_id = r.id"

static const char SQL_REQUEST_GET[] =
	"SELECT " DB_REQUEST_COLUMNS " WHERE r.id = ?1";
/* The request, else as its history last recorded it (a deleted one). */
static const char SQL_REQUEST_LATEST[] =
	"SELECT request_json FROM (SELECT request_json, 0 AS o FROM requests"
	" WHERE id = ?1 UNION ALL SELECT request_json, 1 FROM (SELECT"
	" request_json FROM request_history WHERE request_id = ?1"
	" ORDER BY seq DESC LIMIT 1)) ORDER BY o LIMIT 1";
static const char SQL_REQUEST_ALL[] =
	"SELECT " DB_REQUEST_COLUMNS
	" ORDER BY r.last_action_at DESC, r.id";
static const char SQL_REQUEST_PUT[] =
	"INSERT INTO requests (id, state, request_type, request_json,"
	" state_changed_at, last_action_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
	" ON CONFLICT (id) DO UPDATE SET"
	" state_changed_at = CASE WHEN state = excluded.state"
	"  THEN state_changed_at ELSE excluded.state_changed_at END,"
	" state = excluded.state, request_type = excluded.request_type,"
	" request_json = excluded.request_json,"
	" last_action_at = excluded.last_action_at";
static const char SQL_REQUEST_SET_STATE[] =
	"UPDATE requests SET state = ?3, state_changed_at = ?4,"
	" last_action_at = ?4 WHERE id = ?1 AND state = ?2";
static const char SQL_REQUEST_REMOVE[] =
	"DELETE FROM requests WHERE id = ?1";
static const char SQL_REQUEST_IDS[] =
	"SELECT id, state FROM requests"
	" WHERE ?1 = '' OR lower(substr(id, 1, length(?1))) = lower(?1)"
	" ORDER BY id";

void
db_request_clear(struct db_request *r)
{
	json_decref(r->request);
	json_decref(r->active_marker);
	json_decref(r->pending_marker);
	memset(r, 0, sizeof(*r));
}

/* Fill r from the current row of a DB_REQUEST_COLUMNS query. */
static int
db_request_from_row(sqlite3_stmt *st, struct db_request *r)
{
	const char *state = (const char *)sqlite3_column_text(st, 1);

	memset(r, 0, sizeof(*r));
	if (state == NULL || request_state_from_str(state, &r->state) < 0)
		return (-EIO);
	if ((r->request = db_column_json(st, 0)) == NULL)
		return (-EIO);
	r->state_changed_at = sqlite3_column_int64(st, 2);
	r->last_action_at = sqlite3_column_int64(st, 3);
	r->active_marker = db_column_json(st, 4);
	r->pending_marker = db_column_json(st, 5);
	return (0);
}

int
db_request_latest(struct db *db, const char *id, json_t **ret)
{
	return (db_query_json(db, SQL_REQUEST_LATEST, ret, "s", id));
}

int
db_request_get(struct db *db, const char *id, struct db_request *ret)
{
	struct db_request	 r;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	if ((rc = db_stmt(db, SQL_REQUEST_GET, &st)) < 0)
		return (rc);
	if ((rc = db_bind_text(st, 1, id)) < 0)
		goto out;
	if ((rc = db_step(st)) == 0)
		rc = -ENOENT;
	if (rc < 0)
		goto out;
	if ((rc = db_request_from_row(st, &r)) < 0) {
		db_request_clear(&r);
		goto out;
	}
	*ret = r;
out:
	db_release(st);
	return (rc);
}

int
db_request_put(struct db *db, const json_t *request,
    enum request_state state, int64_t now)
{
	const char *id = json_string_value(json_object_get(request, "id"));

	if (id == NULL)
		return (-EINVAL);
	return (db_run(db, SQL_REQUEST_PUT, NULL, "sssji", id,
	    request_state_to_str(state),
	    request_type_to_str(request_type_of(request)), request, now));
}

int
db_request_set_state(struct db *db, const char *id, enum request_state from,
    enum request_state to, int64_t now)
{
	int changes = 0, r;

	r = db_run(db, SQL_REQUEST_SET_STATE, &changes, "sssi", id,
	    request_state_to_str(from), request_state_to_str(to), now);
	return (r == 0 && changes == 0 ? -ESTALE : r);
}

int
db_request_remove(struct db *db, const char *id)
{
	return (db_exec_text(db, SQL_REQUEST_REMOVE, id));
}

int
db_request_purge(struct db *db, const char *id)
{
	int r;

	if ((r = db_request_remove(db, id)) < 0 ||
	    (r = db_deploy_state_remove(db, id)) < 0 ||
	    (r = db_pending_request_remove_all(db, id)) < 0 ||
	    (r = db_request_cleanup_remove_all(db, id)) < 0)
		return (r);
	return (db_request_expiring_remove_all(db, id));
}

int
db_request_foreach(struct db *db, unsigned int state_mask,
    int (*fn)(void *arg, const struct db_request *r), void *arg)
{
	struct db_request	 r;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	if ((rc = db_stmt(db, SQL_REQUEST_ALL, &st)) < 0)
		return (rc);
	while ((rc = db_step(st)) == 1) {
		if ((rc = db_request_from_row(st, &r)) == 0 &&
		    (state_mask & (1u << r.state)) != 0)
			rc = fn(arg, &r);
		db_request_clear(&r);
		if (rc < 0)
			break;
	}
	db_release(st);
	return (rc);
}

int
db_request_ids(struct db *db, const char *prefix, unsigned int state_mask,
    json_t **ret)
{
	sqlite3_stmt		*st = NULL;
	json_t			*ids;
	enum request_state	 state;
	int			 r;

	if ((ids = json_array()) == NULL)
		return (-ENOMEM);
	if ((r = db_stmt(db, SQL_REQUEST_IDS, &st)) < 0 ||
	    (r = db_bind_text(st, 1, prefix != NULL ? prefix : "")) < 0)
		goto out;
	while ((r = db_step(st)) == 1) {
		const char *s = (const char *)sqlite3_column_text(st, 1);

		if (s == NULL || request_state_from_str(s, &state) < 0 ||
		    (state_mask & (1u << state)) == 0)
			continue;
		if (json_array_append_new(ids, json_string((const char *)
		    sqlite3_column_text(st, 0))) != 0) {
			r = -ENOMEM;
			break;
		}
	}
out:
	db_release(st);
	if (r < 0) {
		json_decref(ids);
		return (r);
	}
	*ret = ids;
	return (0);
}
