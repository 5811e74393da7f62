/*
 * What the request handlers (api_request.c, api_request_action.c,
 * api_request_run.c, api_deploy.c) share.
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
/* api_deploy.c: drop what kerr keeps beside a SingularityPendingDeploy. */
void	api_deploy_pending_public(json_t *pending);

#endif
