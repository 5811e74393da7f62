/*
 * Request handlers (api_request.c: create and reads; api_request_action.c:
 * pause, unpause, delete, bounce, run, scale, exit-cooldown) and the
 * pieces they share.
 */
#ifndef KERR_API_REQUEST_H
#define KERR_API_REQUEST_H

#include "api.h"
#include "db_request.h"

/* SingularityRequestParent of r; full adds the single-request fields. */
int	api_request_parent(struct db *db, const struct db_request *r, int full,
	    json_t **ret);
/* Reply 200 with the full parent of request id (404 when unknown). */
int	api_request_reply_parent(struct api_req *req, struct api_reply *rep,
	    const char *id);
/* Load request id, replying 400/404/5xx itself on failure. */
int	api_request_load(struct api_req *req, struct api_reply *rep,
	    const char *id, struct db_request *ret);
int	api_request_not_found(struct api_reply *rep, const char *id);
/* The active deploy id, else the pending one, else NULL. */
const char *api_request_deploy_in_use(const struct db_request *r);

int	api_request_post(struct api_req *req, struct api_reply *rep);
int	api_request_get(struct api_req *req, struct api_reply *rep);
int	api_request_list_all(struct api_req *req, struct api_reply *rep);
int	api_request_list_active(struct api_req *req, struct api_reply *rep);
int	api_request_list_paused(struct api_req *req, struct api_reply *rep);
int	api_request_list_cooldown(struct api_req *req, struct api_reply *rep);
int	api_request_list_finished(struct api_req *req, struct api_reply *rep);
int	api_request_ids(struct api_req *req, struct api_reply *rep);
int	api_request_ids_active(struct api_req *req, struct api_reply *rep);
int	api_request_batch(struct api_req *req, struct api_reply *rep);
int	api_request_queued_pending(struct api_req *req, struct api_reply *rep);
int	api_request_queued_cleanup(struct api_req *req, struct api_reply *rep);
int	api_request_history(struct api_req *req, struct api_reply *rep);

int	api_request_delete(struct api_req *req, struct api_reply *rep);
int	api_request_delete_paused(struct api_req *req, struct api_reply *rep);
int	api_request_pause(struct api_req *req, struct api_reply *rep);
int	api_request_unpause(struct api_req *req, struct api_reply *rep);
int	api_request_exit_cooldown(struct api_req *req, struct api_reply *rep);
int	api_request_bounce(struct api_req *req, struct api_reply *rep);
int	api_request_run(struct api_req *req, struct api_reply *rep);
int	api_request_scale(struct api_req *req, struct api_reply *rep);
int	api_request_expiring_delete(struct api_req *req,
	    struct api_reply *rep);

/* api_deploy.c */
int	api_deploy_post(struct api_req *req, struct api_reply *rep);
int	api_deploy_post_legacy(struct api_req *req, struct api_reply *rep);
int	api_deploy_cancel(struct api_req *req, struct api_reply *rep);
int	api_deploy_pending_list(struct api_req *req, struct api_reply *rep);
int	api_deploy_history(struct api_req *req, struct api_reply *rep);
int	api_deploy_history_one(struct api_req *req, struct api_reply *rep);

#endif
