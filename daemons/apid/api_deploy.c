/*
 * Deploys: POST /deploys and the seed's POST /requests/request/{id}/deploy,
 * cancelling a pending deploy, the pending list and deploy history.  A new
 * deploy is written to deploys and pending_deploys, its marker to
 * request_deploy_state, and a NEW_DEPLOY pending request is queued, in one
 * transaction; deploy.pending and request.pending ring after commit.
 * schedulerd carries the deploy out (sched_deploy.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_action.h"
#include "api_cluster.h"
#include "api_request.h"
#include "clock.h"
#include "db_deploy.h"
#include "deploy.h"
#include "deploy_step.h"
#include "records.h"

#define API_ERR_MAX	512

struct api_deploy_post {
	json_t		*deploy;	/* as posted */
	json_t		*updated;	/* updatedRequest as posted, or NULL */
	const char	*message;
	const char	*request_id;
	int		 unpause;
};

/* SingularityDeployProgress at the start of a deploy (spec 2.4): the
 * first step's target. */
static json_t *
api_deploy_progress(const json_t *deploy, const json_t *request, int64_t now)
{
	struct deploy_step_plan	plan;

	deploy_step_plan(deploy, request, &plan);
	return (deploy_step_progress_new(&plan, request_type_is_long_running(
	    request_type_of(request)), now));
}

static json_t *
api_deploy_marker(struct api_req *req, const char *request_id,
    const char *deploy_id, const char *message, int64_t now)
{
	json_t *m;

	m = json_pack("{s:s, s:s, s:I}", "requestId", request_id, "deployId",
	    deploy_id, "timestamp", (json_int_t)now);
	if (m == NULL || records_set_opt_string(m, "user", api_user(req)) < 0 ||
	    records_set_opt_string(m, "message", message) < 0) {
		json_decref(m);
		return (NULL);
	}
	return (m);
}

/* Checks that need the stored request; reply and -EINVAL on refusal. */
static int
api_deploy_check(struct api_req *req, struct api_reply *rep,
    struct api_deploy_post *ctx, const struct db_request *r,
    json_t **ret_deploy, json_t **ret_updated)
{
	const json_t	*request;
	char		 err[API_ERR_MAX];
	json_t		*pending = NULL;
	int		 rc;

	if (r->state == REQUEST_PAUSED && !ctx->unpause)
		return (api_reply_error(rep, 409, "Request %s is paused. "
		    "Unable to deploy (it must be manually unpaused first)",
		    ctx->request_id), -EINVAL);
	if ((rc = db_pending_deploy_get(req->db, ctx->request_id,
	    &pending)) == 0) {
		json_decref(pending);
		return (api_reply_error(rep, 409, "Pending deploy already in "
		    "progress for %s - cancel it or wait for it to complete",
		    ctx->request_id), -EINVAL);
	}
	if (rc != -ENOENT)
		return (rc);
	if (ctx->updated != NULL && request_normalize(ctx->updated,
	    r->request, ret_updated, err, sizeof(err)) < 0)
		return (api_reply_error(rep, 400, "updatedRequest: %s", err),
		    -EINVAL);
	request = ctx->updated != NULL ? *ret_updated : r->request;
	if (deploy_normalize(ctx->deploy, request, ret_deploy, err,
	    sizeof(err)) < 0)
		return (api_reply_error(rep, 400, "%s", err), -EINVAL);
	/* A freeze holds back deploys that wait for healthy tasks. */
	if (request_type_is_long_running(request_type_of(request)))
		return (api_cluster_priority_check(req, rep, request));
	return (0);
}

static json_t *
api_deploy_pending_new(const json_t *marker, const json_t *deploy,
    const json_t *request, json_t *updated, int64_t now)
{
	json_t *p;

	p = json_pack("{s:O, s:s, s:o}", "deployMarker", marker,
	    "currentDeployState", "WAITING", "deployProgress",
	    api_deploy_progress(deploy, request, now));
	if (p != NULL && updated != NULL &&
	    json_object_set(p, "updatedRequest", updated) != 0) {
		json_decref(p);
		return (NULL);
	}
	return (p);
}

/* The unpause-on-success flag is ours, kept beside the pending deploy. */
#define API_DEPLOY_UNPAUSE_KEY	"unpauseOnSuccessfulDeploy"

void
api_deploy_pending_public(json_t *pending)
{
	(void)json_object_del(pending, API_DEPLOY_UNPAUSE_KEY);
	(void)json_object_del(pending, DEPLOY_STEP_UPDATE_KEY);
}

static int
api_deploy_store(struct api_req *req, struct api_deploy_post *ctx,
    const struct db_request *r, json_t *deploy, json_t *updated)
{
	const char	*deploy_id = json_string_value(json_object_get(deploy,
			    "id"));
	int64_t		 now = clock_now_ms();
	json_t		*marker, *pending = NULL, *p = NULL;
	int		 rc = -ENOMEM, existed = 0;

	marker = api_deploy_marker(req, ctx->request_id, deploy_id,
	    ctx->message, now);
	if (marker != NULL)
		pending = api_deploy_pending_new(marker, deploy,
		    updated != NULL ? updated : r->request, updated, now);
	if (pending == NULL)
		goto out;
	(void)json_object_set_new(pending, API_DEPLOY_UNPAUSE_KEY,
	    json_boolean(ctx->unpause));
	if ((rc = db_deploy_insert(req->db, deploy, marker, now)) < 0 ||
	    (rc = db_pending_deploy_put(req->db, ctx->request_id, pending, 0,
	    now)) < 0 ||
	    (rc = db_deploy_state_set(req->db, ctx->request_id,
	    r->active_marker, marker)) < 0)
		goto out;
	if ((p = records_pending_request(ctx->request_id, deploy_id,
	    "NEW_DEPLOY", api_user(req), ctx->message, now)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	rc = db_pending_request_add(req->db, p, &existed);
	if (rc == 0 && r->state == REQUEST_PAUSED && ctx->unpause &&
	    (rc = db_request_set_state(req->db, ctx->request_id,
	    REQUEST_PAUSED, REQUEST_DEPLOYING_TO_UNPAUSE, now)) == 0)
		rc = api_action_history(req, r->request,
		    "DEPLOYED_TO_UNPAUSE", ctx->message, now);
out:
	json_decref(p);
	json_decref(pending);
	json_decref(marker);
	return (rc);
}

static int
api_deploy_post_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	struct api_deploy_post	*ctx = arg;
	struct db_request	 r;
	json_t			*deploy = NULL, *updated = NULL;
	int			 rc;

	if ((rc = api_request_load(req, rep, ctx->request_id, &r)) < 0)
		return (rc);
	if ((rc = api_deploy_check(req, rep, ctx, &r, &deploy,
	    &updated)) < 0 || rep->status != 0)
		goto out;
	rc = api_deploy_store(req, ctx, &r, deploy, updated);
	if (rc == -EEXIST)
		rc = api_reply_error(rep, 400, "Can not deploy a deploy that "
		    "has already been deployed (%s)", json_string_value(
		    json_object_get(deploy, "id")));
	else if (rc == 0)
		rc = api_request_reply_parent(req, rep, ctx->request_id);
out:
	json_decref(deploy);
	json_decref(updated);
	db_request_clear(&r);
	return (rc);
}

static int
api_deploy_run(struct api_req *req, struct api_reply *rep,
    struct api_deploy_post *ctx)
{
	json_t *rid = json_object_get(ctx->deploy, "requestId");

	if (!json_is_string(rid))
		return (api_reply_error(rep, 400, "Deploy must have a "
		    "requestId"));
	ctx->request_id = json_string_value(rid);
	if (api_tx(req, rep, api_deploy_post_tx, ctx) == 0) {
		(void)bus_send(req->bus, BUS_DEPLOY_PENDING, ctx->request_id);
		(void)bus_send(req->bus, BUS_REQUEST_PENDING, ctx->request_id);
	}
	return (0);
}

/* POST /deploys with a SingularityDeployRequest. */
int
api_deploy_post(struct api_req *req, struct api_reply *rep)
{
	struct api_deploy_post	 ctx = { 0 };
	json_t			*body;

	if (api_body_object(req, rep, "SingularityDeployRequest", &body) < 0)
		return (0);
	ctx.deploy = json_object_get(body, "deploy");
	if (!json_is_object(ctx.deploy))
		return (api_reply_error(rep, 400, "DeployRequest must have a "
		    "deploy object"));
	if (api_body_string(body, "message", rep, &ctx.message) < 0 ||
	    api_body_bool(body, API_DEPLOY_UNPAUSE_KEY, rep, &ctx.unpause) < 0)
		return (0);
	ctx.updated = json_object_get(body, "updatedRequest");
	if (json_is_null(ctx.updated))
		ctx.updated = NULL;
	return (api_deploy_run(req, rep, &ctx));
}

/* The seed's POST /requests/request/{id}/deploy with a bare deploy (0A). */
int
api_deploy_post_legacy(struct api_req *req, struct api_reply *rep)
{
	struct api_deploy_post	 ctx = { 0 };
	const char		*rid;
	json_t			*body;
	int			 rc;

	if (api_body_object(req, rep, "SingularityDeploy", &body) < 0)
		return (0);
	if (body == NULL)
		return (api_reply_error(rep, 400, "A deploy object is "
		    "required"));
	rid = json_string_value(json_object_get(body, "requestId"));
	if (rid != NULL && strcmp(rid, req->params[0]) != 0)
		return (api_reply_error(rep, 400, "Deploy requestId %s does not "
		    "match the request in the path (%s)", rid, req->params[0]));
	if ((ctx.deploy = json_deep_copy(body)) == NULL)
		return (-ENOMEM);
	(void)json_object_set_new(ctx.deploy, "requestId",
	    json_string(req->params[0]));
	rc = api_deploy_run(req, rep, &ctx);
	json_decref(ctx.deploy);
	return (rc);
}

/* Mark the pending deploy CANCELING; schedulerd finishes the cancel. */
static int
api_deploy_cancel_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	const char	*deploy_id = req->params[0], *pending_id;
	const char	*request_id = req->params[1];
	json_t		*pending = NULL;
	int		 rc;

	(void)arg;
	rc = db_pending_deploy_get(req->db, request_id, &pending);
	pending_id = json_string_value(json_object_get(json_object_get(
	    pending, "deployMarker"), "deployId"));
	if (rc == -ENOENT || (rc == 0 && (pending_id == NULL ||
	    strcmp(pending_id, deploy_id) != 0))) {
		json_decref(pending);
		return (api_reply_error(rep, 400, "Request %s does not have a "
		    "pending deploy %s", request_id, deploy_id));
	}
	if (rc == 0) {
		(void)json_object_set_new(pending, "currentDeployState",
		    json_string("CANCELING"));
		rc = db_pending_deploy_put(req->db, request_id, pending, 1,
		    clock_now_ms());
	}
	json_decref(pending);
	if (rc == 0)
		rc = api_request_reply_parent(req, rep, request_id);
	return (rc);
}

int
api_deploy_cancel(struct api_req *req, struct api_reply *rep)
{
	if (!deploy_id_is_valid(req->params[0]) ||
	    !request_id_is_valid(req->params[1]))
		return (api_reply_error(rep, 400, "Invalid deploy or request "
		    "id"));
	if (api_tx(req, rep, api_deploy_cancel_tx, NULL) == 0)
		(void)bus_send(req->bus, BUS_DEPLOY_PENDING, req->params[1]);
	return (0);
}

int
api_deploy_pending_list(struct api_req *req, struct api_reply *rep)
{
	json_t	*list, *item;
	size_t	 i;
	int	 r;

	if ((r = db_pending_deploy_list(req->db, &list)) < 0)
		return (api_reply_errno(rep, r, "Failed to list pending "
		    "deploys: %s", strerror(-r)));
	json_array_foreach(list, i, item)
		api_deploy_pending_public(item);
	return (api_reply_filtered(req, rep, list));
}

int
api_deploy_history(struct api_req *req, struct api_reply *rep)
{
	return (api_reply_history(req, rep, db_deploy_history,
	    "deploy history"));
}

int
api_deploy_history_one(struct api_req *req, struct api_reply *rep)
{
	json_t	*h;
	int	 r;

	if (!request_id_is_valid(req->params[0]) ||
	    !deploy_id_is_valid(req->params[1]))
		return (api_reply_error(rep, 400, "Invalid request or deploy "
		    "id"));
	r = db_deploy_history_one(req->db, req->params[0], req->params[1], &h);
	if (r == -ENOENT)
		return (api_reply_error(rep, 404, "Deploy %s of request %s not "
		    "found", req->params[1], req->params[0]));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read deploy: %s",
		    strerror(-r)));
	return (api_reply_json(rep, 200, h));
}
