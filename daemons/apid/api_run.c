/*
 * Following a run (spec 1.1, 1.4, 1.5, 3.10): a run id resolves to a
 * pending task until it launches, then to its task.  Also the pending
 * task endpoints: GET and DELETE /tasks/scheduled/task/{pendingTaskId}
 * (deletion only for ON_DEMAND requests).
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "api_request.h"
#include "db_task.h"
#include "task_id.h"

#define API_RUN_ID_MAX	100

static int
api_run_check_ids(struct api_reply *rep, const char *request_id,
    const char *run_id)
{
	if (!request_id_is_valid(request_id))
		return (api_reply_error(rep, 400, "Invalid request id '%s'",
		    request_id), -EINVAL);
	if (strlen(run_id) > API_RUN_ID_MAX)
		return (api_reply_error(rep, 400, "runId must be at most %d "
		    "characters", API_RUN_ID_MAX), -EINVAL);
	return (0);
}

/* The SingularityTaskIdHistory of the run's task; replies 404 itself. */
static int
api_run_task(struct api_req *req, struct api_reply *rep, json_t **ret)
{
	int r;

	if (api_run_check_ids(rep, req->params[0], req->params[1]) < 0)
		return (-EINVAL);
	r = db_task_by_run(req->db, req->params[0], req->params[1], ret);
	if (r == -ENOENT)
		(void)api_reply_error(rep, 404, "No task of request %s has run "
		    "id %s", req->params[0], req->params[1]);
	else if (r < 0)
		(void)api_reply_errno(rep, r, "Failed to read tasks");
	return (r);
}

int
api_run_task_id(struct api_req *req, struct api_reply *rep)
{
	json_t	*h;
	int	 r;

	if ((r = api_run_task(req, rep, &h)) < 0)
		return (0);
	r = api_reply_json(rep, 200, json_incref(json_object_get(h,
	    "taskId")));
	json_decref(h);
	return (r);
}

int
api_run_history(struct api_req *req, struct api_reply *rep)
{
	json_t *h;

	if (api_run_task(req, rep, &h) < 0)
		return (0);
	return (api_reply_json(rep, 200, h));
}

/* SingularityTaskState of a run: pending, or its task's state. */
int
api_run_track(struct api_req *req, struct api_reply *rep)
{
	json_t		*h = NULL, *p = NULL, *updates = NULL;
	const char	*tid;
	char		 state[64];
	int		 active, r;

	if (api_run_check_ids(rep, req->params[0], req->params[1]) < 0)
		return (0);
	r = db_task_by_run(req->db, req->params[0], req->params[1], &h);
	if (r == -ENOENT && db_pending_task_by_run(req->db, req->params[0],
	    req->params[1], &p) == 0) {
		r = api_reply_json(rep, 200, json_pack("{s:O, s:s, s:[], s:b}",
		    "pendingTaskId", json_object_get(p, "pendingTaskId"),
		    "runId", req->params[1], "taskHistory", "pending", 1));
		json_decref(p);
		return (r);
	}
	if (r == -ENOENT)
		return (api_reply_error(rep, 404, "No task of request %s has "
		    "run id %s", req->params[0], req->params[1]));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read tasks"));
	tid = json_string_value(json_object_get(json_object_get(h, "taskId"),
	    "id"));
	if (db_task_updates(req->db, tid, &updates) < 0 ||
	    db_task_state(req->db, tid, state, sizeof(state), &active) < 0) {
		json_decref(h);
		json_decref(updates);
		return (api_reply_error(rep, 503, "Failed to read the task"));
	}
	r = api_reply_json(rep, 200, json_pack("{s:O, s:s, s:s, s:o, s:b}",
	    "taskId", json_object_get(h, "taskId"), "runId", req->params[1],
	    "currentState", state, "taskHistory", updates, "pending", 0));
	json_decref(h);
	return (r);
}

static int
api_run_pending_load(struct api_req *req, struct api_reply *rep,
    json_t **ret)
{
	struct pending_task_id	 pid;
	int			 r;

	if (pending_task_id_parse(req->params[0], &pid) < 0)
		return (api_reply_error(rep, 400, "Invalid pending task id "
		    "'%s'", req->params[0]), -EINVAL);
	r = db_pending_task_get(req->db, req->params[0], ret);
	if (r == -ENOENT)
		return (api_reply_error(rep, 404, "No pending task %s",
		    req->params[0]), r);
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read pending tasks"),
		    r);
	return (0);
}

/* SingularityTaskRequest {request, deploy, pendingTask} of one. */
int
api_run_pending_get(struct api_req *req, struct api_reply *rep)
{
	json_t	*p, *list = NULL, *item, *found = NULL;
	size_t	 i;

	if (api_run_pending_load(req, rep, &p) < 0)
		return (0);
	if (db_task_scheduled(req->db, json_string_value(json_object_get(
	    json_object_get(p, "pendingTaskId"), "requestId")), &list) == 0)
		json_array_foreach(list, i, item)
			if (json_equal(json_object_get(item, "pendingTask"), p))
				found = json_incref(item);
	json_decref(list);
	json_decref(p);
	if (found == NULL)
		return (api_reply_error(rep, 404, "No pending task %s",
		    req->params[0]));
	return (api_reply_json(rep, 200, found));
}

static int
api_run_pending_delete_tx(struct api_req *req, struct api_reply *rep,
    void *arg)
{
	struct db_request	 r;
	json_t			*p;
	const char		*rid;
	int			 rc;

	(void)arg;
	if ((rc = api_run_pending_load(req, rep, &p)) < 0)
		return (rc);
	rid = json_string_value(json_object_get(json_object_get(p,
	    "pendingTaskId"), "requestId"));
	if ((rc = api_request_load(req, rep, rid, &r)) < 0) {
		json_decref(p);
		return (rc);
	}
	if (request_type_of(r.request) != REQUEST_ON_DEMAND)
		rc = api_reply_error(rep, 400, "Only pending tasks of "
		    "ON_DEMAND requests can be deleted (%s is %s)", rid,
		    request_type_to_str(request_type_of(r.request)));
	else if ((rc = db_pending_task_remove(req->db, req->params[0])) == 0)
		rc = api_reply_json(rep, 200, json_incref(p));
	db_request_clear(&r);
	json_decref(p);
	return (rc);
}

int
api_run_pending_delete(struct api_req *req, struct api_reply *rep)
{
	(void)api_tx(req, rep, api_run_pending_delete_tx, NULL);
	return (0);
}
