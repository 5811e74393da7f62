/*
 * Task reads: active and scheduled tasks, ids and counts per request, one
 * task, its history and its tracker state, a request's task history, the
 * task cleanups; and the kill (DELETE /tasks/task/{id}), which only
 * records a task cleanup for cleanerd and rings task.cleanup.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "api_request.h"
#include "clock.h"
#include "db_request.h"
#include "db_task.h"
#include "db_task_ids.h"
#include "records.h"
#include "task_id.h"

/* GET .../ids: the value of key (a task's taskId) of each item that read
 * returns for every request. */
static int
api_task_reply_ids(struct api_req *req, struct api_reply *rep,
    int (*read)(struct db *db, const char *request_id, json_t **ret),
    const char *key, const char *what)
{
	json_t	*list = NULL, *ids = NULL, *item, *v;
	size_t	 i;
	int	 r = read(req->db, NULL, &list);

	if (r == 0 && (ids = json_array()) == NULL)
		r = -ENOMEM;
	if (r == 0)
		json_array_foreach(list, i, item)
			if ((v = json_object_get(item, key)) != NULL)
				(void)json_array_append(ids, v);
	json_decref(list);
	return (api_reply_list(req, rep, r, ids, what));
}

int
api_task_active(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_task_active_full(req->db, NULL, &list);

	return (api_reply_list(req, rep, r, list, "active tasks"));
}

int
api_task_active_ids(struct api_req *req, struct api_reply *rep)
{
	return (api_task_reply_ids(req, rep, db_task_active_full, "taskId",
	    "active tasks"));
}

/* GET /tasks/scheduled, and /tasks/scheduled/request/{id} for one
 * request's. */
int
api_task_scheduled(struct api_req *req, struct api_reply *rep)
{
	const char	*request_id = req->params[0];
	json_t		*list = NULL;
	int		 r;

	if (request_id != NULL && !request_id_is_valid(request_id))
		return (api_reply_error(rep, 400, "Invalid request id '%s'",
		    request_id));
	r = db_task_scheduled(req->db, request_id, &list);
	return (api_reply_list(req, rep, r, list, "pending tasks"));
}

int
api_task_scheduled_ids(struct api_req *req, struct api_reply *rep)
{
	return (api_task_reply_ids(req, rep, db_pending_task_list,
	    "pendingTaskId", "pending tasks"));
}

int
api_task_ids_request(struct api_req *req, struct api_reply *rep)
{
	struct db_request	 r;
	json_t			*ids;
	int			 rc;

	if ((rc = api_request_load(req, rep, req->params[0], &r)) < 0)
		return (rc);
	db_request_clear(&r);
	if ((rc = db_task_ids_by_status(req->db, req->params[0], &ids)) < 0)
		return (api_reply_errno(rep, rc, "Failed to read tasks"));
	return (api_reply_json(rep, 200, ids));
}

int
api_task_counts_request(struct api_req *req, struct api_reply *rep)
{
	struct db_request	r;
	struct db_task_counts	c;
	int			rc;

	if ((rc = api_request_load(req, rep, req->params[0], &r)) < 0)
		return (rc);
	db_request_clear(&r);
	if ((rc = db_task_counts(req->db, req->params[0], &c)) < 0)
		return (api_reply_errno(rep, rc, "Failed to count tasks"));
	return (api_reply_json(rep, 200, json_pack("{s:s, s:I, s:I, s:I}",
	    "requestId", req->params[0], "active", (json_int_t)c.active,
	    "pending", (json_int_t)c.pending, "cleaning",
	    (json_int_t)c.cleaning)));
}

int
api_task_known(struct api_req *req, struct api_reply *rep, const char *id)
{
	char	state[64];
	int	active, r;

	if (!task_id_is_valid(id))
		return (api_reply_error(rep, 400, "Invalid task id '%s'", id),
		    -EINVAL);
	r = db_task_state(req->db, id, state, sizeof(state), &active);
	if (r == -ENOENT)
		(void)api_reply_error(rep, 404, "Task %s not found", id);
	else if (r < 0)
		(void)api_reply_errno(rep, r, "Failed to read task %s", id);
	return (r);
}

/* Load a task named in the path: 400 malformed id, 404 unknown. */
static int
api_task_load(struct api_req *req, struct api_reply *rep, json_t **ret,
    int *ret_active)
{
	const char	*id = req->params[0];
	char		 state[64];
	int		 r;

	if (!task_id_is_valid(id))
		return (api_reply_error(rep, 400, "Invalid task id '%s'", id),
		    -EINVAL);
	if ((r = db_task_get(req->db, id, ret)) == -ENOENT)
		return (api_reply_error(rep, 404, "Task %s not found", id), r);
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read task %s", id),
		    r);
	if ((r = db_task_state(req->db, id, state, sizeof(state),
	    ret_active)) < 0) {
		json_decref(*ret);
		return (api_reply_errno(rep, r, "Failed to read task %s", id),
		    r);
	}
	return (0);
}

int
api_task_get(struct api_req *req, struct api_reply *rep)
{
	json_t	*task;
	int	 active, r;

	if ((r = api_task_load(req, rep, &task, &active)) < 0)
		return (r);
	if (!active) {
		json_decref(task);
		return (api_reply_error(rep, 404, "Task %s is not active (see "
		    "/history/task/%s)", req->params[0], req->params[0]));
	}
	return (api_reply_json(rep, 200, task));
}

int
api_task_history(struct api_req *req, struct api_reply *rep)
{
	char	 dir[1400], root[1024];
	json_t	*task, *updates = NULL, *checks = NULL;
	int	 active, r;

	if ((r = api_task_load(req, rep, &task, &active)) < 0)
		return (r);
	if ((r = db_task_updates(req->db, req->params[0], &updates)) < 0 ||
	    (r = db_task_healthchecks(req->db, req->params[0], &checks)) < 0) {
		json_decref(task);
		json_decref(updates);
		return (api_reply_errno(rep, r, "Failed to read task updates"));
	}
	conf_sandbox_root(req->conf, root, sizeof(root));
	(void)snprintf(dir, sizeof(dir), "%s/%s", root, req->params[0]);
	return (api_reply_json(rep, 200, json_pack("{s:o, s:o, s:o, s:[],"
	    " s:[], s:[], s:s}", "task", task, "taskUpdates", updates,
	    "healthcheckResults", checks, "loadBalancerUpdates",
	    "shellCommandHistory", "taskMetadata", "directory", dir)));
}

int
api_task_track(struct api_req *req, struct api_reply *rep)
{
	char	 state[64];
	json_t	*task, *updates = NULL;
	int	 active, r;

	if ((r = api_task_load(req, rep, &task, &active)) < 0)
		return (r);
	if ((r = db_task_updates(req->db, req->params[0], &updates)) < 0 ||
	    (r = db_task_state(req->db, req->params[0], state, sizeof(state),
	    &active)) < 0) {
		json_decref(task);
		json_decref(updates);
		return (api_reply_errno(rep, r, "Failed to read task state"));
	}
	r = api_reply_json(rep, 200, json_pack("{s:O, s:s, s:o, s:b}",
	    "taskId", json_object_get(task, "taskId"), "currentState", state,
	    "taskHistory", updates, "pending", 0));
	json_decref(task);
	return (r);
}

int
api_task_request_history(struct api_req *req, struct api_reply *rep)
{
	return (api_reply_history(req, rep, db_task_history, "task history"));
}

int
api_task_request_history_active(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r;

	if (!request_id_is_valid(req->params[0]))
		return (api_reply_error(rep, 400, "Invalid request id '%s'",
		    req->params[0]));
	r = db_task_ids_active(req->db, req->params[0], NULL, &list);
	return (api_reply_list(req, rep, r, list, "active tasks"));
}

/* The request and deploy ids of .../deploy/{deployId}/tasks/...: 400
 * when one is malformed.  An unknown pair has no tasks, as in Singularity
 * (an empty list, not a 404). */
static int
api_task_deploy_ids_ok(struct api_req *req, struct api_reply *rep)
{
	if (!request_id_is_valid(req->params[0]))
		return (api_reply_error(rep, 400, "Invalid request id '%s'",
		    req->params[0]), 0);
	if (!deploy_id_is_valid(req->params[1]))
		return (api_reply_error(rep, 400, "Invalid deploy id '%s'",
		    req->params[1]), 0);
	return (1);
}

int
api_task_deploy_history_active(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r;

	if (!api_task_deploy_ids_ok(req, rep))
		return (0);
	r = db_task_ids_active(req->db, req->params[0], req->params[1], &list);
	return (api_reply_list(req, rep, r, list, "active tasks"));
}

int
api_task_deploy_history_inactive(struct api_req *req,
    struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 count, page, r;

	if (!api_task_deploy_ids_ok(req, rep) ||
	    api_paging(req, rep, &count, &page) < 0)
		return (0);
	r = db_task_ids_inactive(req->db, req->params[0], req->params[1],
	    count, page, &list);
	return (api_reply_list(req, rep, r, list, "finished tasks"));
}

int
api_task_cleaning(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_task_cleanup_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "task cleanups"));
}

int
api_task_cleanup_get(struct api_req *req, struct api_reply *rep)
{
	json_t	*c;
	int	 r;

	if (!task_id_is_valid(req->params[0]))
		return (api_reply_error(rep, 400, "Invalid task id '%s'",
		    req->params[0]));
	if ((r = db_task_cleanup_get(req->db, req->params[0], &c)) == -ENOENT)
		return (api_reply_error(rep, 404, "No cleanup for task %s",
		    req->params[0]));
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to read cleanup"));
	return (api_reply_json(rep, 200, c));
}

/* A TASK_BOUNCE pending request starts the replacement of one task. */
static int
api_task_queue_bounce(struct api_req *req, const json_t *task)
{
	const json_t	*tid = json_object_get(task, "taskId");
	json_t		*p;
	int		 existed, r;

	p = records_pending_request(json_string_value(json_object_get(tid,
	    "requestId")), json_string_value(json_object_get(tid,
	    "deployId")), "TASK_BOUNCE", api_user(req), NULL, clock_now_ms());
	if (p == NULL)
		return (-ENOMEM);
	r = db_pending_request_add(req->db, p, &existed);
	json_decref(p);
	return (r);
}

int
api_task_killed(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_task_killed(req->db, &list);

	return (api_reply_list(req, rep, r, list, "killed tasks"));
}

/* DELETE /tasks/task/{id}: queue the kill (3.12). */
static int
api_task_kill_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	const char	*message = NULL, *id = req->params[0], *type;
	json_t		*task, *body, *c;
	int		 active, destroy = 0, replace = 0, r;

	(void)arg;
	if (api_body_object(req, rep, "SingularityKillTaskRequest", &body) <
	    0 || api_body_string(body, "message", rep, &message) < 0 ||
	    api_body_bool(body, "override", rep, &destroy) < 0 ||
	    api_body_bool(body, "waitForReplacementTask", rep, &replace) < 0)
		return (0);
	if ((r = api_task_load(req, rep, &task, &active)) < 0)
		return (r);
	if (!active) {
		json_decref(task);
		return (api_reply_error(rep, 404, "Task %s is not active", id));
	}
	/* Bounce one task: it dies once its replacement is healthy. */
	type = destroy ? "USER_REQUESTED_DESTROY" : replace ?
	    "USER_REQUESTED_TASK_BOUNCE" : "USER_REQUESTED";
	r = db_task_cleanup_request(req->db, id, type, api_user(req), message,
	    clock_now_ms());
	if (r == 0 && replace && !destroy)
		r = api_task_queue_bounce(req, task);
	json_decref(task);
	if (r == -EEXIST && db_task_cleanup_get(req->db, id, &c) == 0) {
		/* An existing destroy is answered with itself (0.3). */
		if (strcmp(json_string_value(json_object_get(c,
		    "cleanupType")), "USER_REQUESTED_DESTROY") == 0)
			return (api_reply_json(rep, 409, c));
		return (api_reply_json(rep, 200, c));
	}
	if (r < 0 || (r = db_task_cleanup_get(req->db, id, &c)) < 0)
		return (r);
	return (api_reply_json(rep, 200, c));
}

int
api_task_kill(struct api_req *req, struct api_reply *rep)
{
	if (api_tx(req, rep, api_task_kill_tx, NULL) == 0 &&
	    rep->status == 200) {
		(void)bus_send(req->bus, BUS_TASK_CLEANUP, req->params[0]);
		(void)bus_send(req->bus, BUS_REQUEST_PENDING, req->params[0]);
	}
	return (0);
}
