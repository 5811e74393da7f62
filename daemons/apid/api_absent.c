/*
 * Singularity's answers for the features one kerr cluster does not have:
 * no S3 log archive (/logs/...), no load balancer (/tasks/lbcleanup,
 * /requests/lbcleanup) and no timed agent or rack states
 * (/agents/expiring).  Each is the empty list Singularity gives when
 * there is nothing of the kind, after the ids in the path were checked,
 * so a client tells a feature with nothing in it from a wrong id.
 */
#include "api.h"
#include "api_request.h"

static int
api_absent_empty(struct api_reply *rep)
{
	return (api_reply_json(rep, 200, json_array()));
}

/* GET /tasks/lbcleanup, /requests/lbcleanup, /agents/expiring. */
int
api_absent_list(struct api_req *req, struct api_reply *rep)
{
	(void)req;
	return (api_absent_empty(rep));
}

/* GET /logs/task/{taskId}: 400 malformed id, 404 unknown task. */
int
api_absent_task_logs(struct api_req *req, struct api_reply *rep)
{
	int r;

	if ((r = api_task_known(req, rep, req->params[0])) < 0)
		return (r);
	return (api_absent_empty(rep));
}

/* GET /logs/request/{id}[/deploy/{deployId}]: 400 malformed ids, 404
 * unknown request. */
int
api_absent_request_logs(struct api_req *req, struct api_reply *rep)
{
	struct db_request	r;
	int			rc;

	if (req->params[1] != NULL && !deploy_id_is_valid(req->params[1]))
		return (api_reply_error(rep, 400, "Invalid deploy id '%s'",
		    req->params[1]));
	if ((rc = api_request_load(req, rep, req->params[0], &r)) < 0)
		return (rc);
	db_request_clear(&r);
	return (api_absent_empty(rep));
}
