/*
 * The request tables: requests (+ the deploy markers of
 * request_deploy_state), request_history, pending_requests,
 * request_cleanups and request_expiring.  Rows keep Singularity's JSON
 * object; functions take and return jansson values (new references owned
 * by the caller).  Writers run inside the caller's db_begin()/db_commit().
 */
#ifndef KERR_DB_REQUEST_H
#define KERR_DB_REQUEST_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"
#include "request.h"

struct db_request {
	json_t			*request;	/* SingularityRequest */
	enum request_state	 state;
	int64_t			 state_changed_at;
	int64_t			 last_action_at;
	json_t			*active_marker;	/* SingularityDeployMarker */
	json_t			*pending_marker;
};

void	db_request_clear(struct db_request *r);	/* releases the JSON */

/* db_request.c: 0, -ENOENT, or another negative errno. */
int	db_request_get(struct db *db, const char *id, struct db_request *ret);
/* The SingularityRequest, or the last one its history holds when it was
 * deleted: 0 and *ret (a new reference), or -ENOENT. */
int	db_request_latest(struct db *db, const char *id, json_t **ret);
/* Insert or replace; state_changed_at moves only when the state does. */
int	db_request_put(struct db *db, const json_t *request,
	    enum request_state state, int64_t now);
/* Compare-and-set the state: -ESTALE when it was not `from`. */
int	db_request_set_state(struct db *db, const char *id,
	    enum request_state from, enum request_state to, int64_t now);
int	db_request_remove(struct db *db, const char *id);
/* Remove a deleted request and everything queued for it (pending
 * requests, cleanups, timed actions, deploy markers); its history stays. */
int	db_request_purge(struct db *db, const char *id);

/* Call fn for every request whose state bit (1 << state) is in
 * state_mask, most recent action first; fn returning < 0 stops. */
int	db_request_foreach(struct db *db, unsigned int state_mask,
	    int (*fn)(void *arg, const struct db_request *r), void *arg);
/* Ids (any state but DELETED) starting with prefix, case-insensitive. */
int	db_request_ids(struct db *db, const char *prefix,
	    unsigned int state_mask, json_t **ret);

#define DB_REQUEST_STATES_ALL	((1u << REQUEST_STATE_COUNT) - 1)

/* db_request_history.c */
int	db_request_history_add(struct db *db, const json_t *request,
	    const char *event, const char *user, const char *message,
	    int64_t now);
/* Newest first; page >= 1. */
int	db_request_history_list(struct db *db, const char *id, int count,
	    int page, json_t **ret);

/* db_pending_request.c.  `pending` is a SingularityPendingRequest.
 * *ret_existed is set when an entry for the same request and deploy was
 * already queued (nothing written then, as Singularity's EXISTED). */
int	db_pending_request_add(struct db *db, const json_t *pending,
	    int *ret_existed);
int	db_pending_request_list(struct db *db, json_t **ret);
/* Oldest first, with the queue position: [{"seq": n, "pending": {...}}]. */
int	db_pending_request_queue(struct db *db, json_t **ret);
int	db_pending_request_remove(struct db *db, int64_t seq);
/* Entries of one pending type queued for a request. */
int	db_pending_request_count(struct db *db, const char *request_id,
	    const char *type, int64_t *ret);
int	db_pending_request_remove_all(struct db *db, const char *request_id);

/* db_request_cleanup.c.  `cleanup` is a SingularityRequestCleanup.
 * Without replace, an existing cleanup of the same type gives -EEXIST. */
int	db_request_cleanup_add(struct db *db, const json_t *cleanup,
	    int replace);
/* Number of cleanups queued for the request: of `type`, or any if NULL. */
int	db_request_cleanup_count(struct db *db, const char *request_id,
	    const char *type, int64_t *ret);
int	db_request_cleanup_list(struct db *db, json_t **ret);
int	db_request_cleanup_remove(struct db *db, const char *request_id,
	    const char *type);
int	db_request_cleanup_remove_all(struct db *db, const char *request_id);
/* The started mark of a two-step cleanup (a bounce): 0 or 1. */
int	db_request_cleanup_started(struct db *db, const char *request_id,
	    const char *type, int *ret);
int	db_request_cleanup_set_started(struct db *db, const char *request_id,
	    const char *type);

/* db_request_expiring.c: timed pause/scale/bounce/... (spec 3.17). */
int	db_request_expiring_put(struct db *db, const char *request_id,
	    const char *kind, int64_t expires_at, const json_t *expiring);
/* -ENOENT when none. */
int	db_request_expiring_get(struct db *db, const char *request_id,
	    const char *kind, json_t **ret);
/* -ENOENT when none. */
int	db_request_expiring_remove(struct db *db, const char *request_id,
	    const char *kind);
int	db_request_expiring_remove_all(struct db *db, const char *request_id);
/* Every timed action of a request in one query: {kind: expiring}. */
int	db_request_expiring_all(struct db *db, const char *request_id,
	    json_t **ret);

#endif
