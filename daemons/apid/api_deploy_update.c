/*
 * POST /deploys/update with a SingularityUpdatePendingDeployRequest: move
 * the target of a pending deploy by hand, to take the next step of a
 * deploy that does not advance on its own, skip steps or step back.  As
 * Singularity's deploy checker applies its update requests on its next
 * pass, the change is kept beside the pending deploy
 * (DEPLOY_STEP_UPDATE_KEY, never shown) and schedulerd applies it
 * (sched_deploy_step.c); deploy.pending rings after commit.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "api_request.h"
#include "clock.h"
#include "db_deploy.h"
#include "deploy_step.h"
#include "request.h"

#define API_DEPLOY_UPDATE	"SingularityUpdatePendingDeployRequest"

struct api_deploy_update {
	const char	*request_id;
	const char	*deploy_id;
	json_int_t	 target;
};

/* A required string member that must pass valid(); 400 otherwise. */
static int
api_deploy_update_id(const json_t *body, const char *key,
    int (*valid)(const char *), struct api_reply *rep, const char **ret)
{
	*ret = NULL;
	if (api_body_string(body, key, rep, ret) < 0)
		return (-EINVAL);
	if (*ret == NULL)
		return (api_reply_error(rep, 400, "%s must not be null", key),
		    -EINVAL);
	if (!valid(*ret))
		return (api_reply_error(rep, 400, "%s '%s' is not a valid id",
		    key, *ret), -EINVAL);
	return (0);
}

static int
api_deploy_update_parse(struct api_req *req, struct api_reply *rep,
    struct api_deploy_update *u)
{
	json_t	*body;
	int	 has_target;

	if (api_body_object(req, rep, API_DEPLOY_UPDATE, &body) < 0)
		return (-EINVAL);
	if (body == NULL)
		return (api_reply_error(rep, 400, "An %s body is required",
		    API_DEPLOY_UPDATE), -EINVAL);
	if (api_deploy_update_id(body, "requestId", request_id_is_valid, rep,
	    &u->request_id) < 0 || api_deploy_update_id(body, "deployId",
	    deploy_id_is_valid, rep, &u->deploy_id) < 0)
		return (-EINVAL);
	has_target = json_is_integer(json_object_get(body,
	    "targetActiveInstances"));
	if (api_body_int(body, "targetActiveInstances", rep, &u->target) < 0)
		return (-EINVAL);
	if (!has_target)
		return (api_reply_error(rep, 400, "targetActiveInstances must "
		    "not be null"), -EINVAL);
	return (0);
}

/* Whether the pending deploy can take the change: 404, 409, 400. */
static int
api_deploy_update_check(struct api_reply *rep,
    const struct api_deploy_update *u, const struct db_request *r,
    const json_t *pending)
{
	const json_t	*request = json_object_get(pending, "updatedRequest");
	const char	*id = json_string_value(json_object_get(
			    json_object_get(pending, "deployMarker"),
			    "deployId"));
	const char	*state = json_string_value(json_object_get(pending,
			    "currentDeployState"));
	int		 instances;

	if (id == NULL || strcmp(id, u->deploy_id) != 0)
		return (api_reply_error(rep, 404, "Request %s does not have a "
		    "pending deploy %s", u->request_id, u->deploy_id),
		    -EINVAL);
	if (state != NULL && strcmp(state, "CANCELING") == 0)
		return (api_reply_error(rep, 409, "Deploy %s of %s is being "
		    "cancelled", u->deploy_id, u->request_id), -EINVAL);
	if (request == NULL)
		request = r->request;
	if (!request_type_is_long_running(request_type_of(request)))
		return (api_reply_error(rep, 409, "Deploy %s of %s has no "
		    "steps: a %s request's deploy does not wait for tasks",
		    u->deploy_id, u->request_id, request_type_to_str(
		    request_type_of(request))), -EINVAL);
	instances = request_instances_of(request);
	if (u->target < 1 || u->target > instances)
		return (api_reply_error(rep, 400, "Cannot update pending deploy "
		    "to have more instances (%lld) than instances set for "
		    "request (%d), or less than 1 instance",
		    (long long)u->target, instances), -EINVAL);
	return (0);
}

static int
api_deploy_update_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	struct api_deploy_update	*u = arg;
	struct db_request		 r;
	json_t				*pending = NULL;
	int				 rc;

	if ((rc = api_request_load(req, rep, u->request_id, &r)) < 0)
		return (rc);
	rc = db_pending_deploy_get(req->db, u->request_id, &pending);
	if (rc == -ENOENT)
		rc = api_reply_error(rep, 404, "Request %s does not have a "
		    "pending deploy %s", u->request_id, u->deploy_id);
	else if (rc == 0 && api_deploy_update_check(rep, u, &r, pending) == 0)
		rc = json_object_set_new(pending, DEPLOY_STEP_UPDATE_KEY,
		    json_pack("{s:s, s:s, s:I}", "requestId", u->request_id,
		    "deployId", u->deploy_id, "targetActiveInstances",
		    u->target)) < 0 ? -ENOMEM : db_pending_deploy_put(req->db,
		    u->request_id, pending, 1, clock_now_ms());
	if (rc == 0 && rep->status == 0)
		rc = api_request_reply_parent(req, rep, u->request_id);
	json_decref(pending);
	db_request_clear(&r);
	return (rc);
}

int
api_deploy_update(struct api_req *req, struct api_reply *rep)
{
	struct api_deploy_update u = { 0 };

	if (api_deploy_update_parse(req, rep, &u) < 0)
		return (0);
	if (api_tx(req, rep, api_deploy_update_tx, &u) == 0)
		(void)bus_send(req->bus, BUS_DEPLOY_PENDING, u.request_id);
	return (0);
}
