/*
 * Requests: create/update (POST /requests), the single and list reads,
 * ids, batch, the two queues and request history.  Writes go to the
 * requests, request_history and pending_requests tables inside one
 * transaction; request.changed and request.pending ring after commit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_access.h"
#include "api_action.h"
#include "api_request.h"
#include "clock.h"
#include "db_deploy.h"
#include "db_request.h"
#include "db_task_ids.h"
#include "records.h"

#define API_ERR_MAX	512

/* Expiring-action kinds and the parent field each is served as. */
static const struct {
	const char	*kind;
	const char	*field;
} api_request_expiring_fields[] = {
	{ "bounce",		"expiringBounce" },
	{ "pause",		"expiringPause" },
	{ "scale",		"expiringScale" },
	{ "skipHealthchecks",	"expiringSkipHealthchecks" },
	{ "priority",		"expiringPriority" },
};

const char *
api_request_deploy_in_use(const struct db_request *r)
{
	const char *id;

	id = json_string_value(json_object_get(r->active_marker, "deployId"));
	if (id == NULL)
		id = json_string_value(json_object_get(r->pending_marker,
		    "deployId"));
	return (id);
}

int
api_request_not_found(struct api_reply *rep, const char *id)
{
	return (api_reply_error(rep, 404, "Couldn't find request with id %s",
	    id));
}

/* Load a request named in the path, replying 400/404 when there is none. */
int
api_request_load(struct api_req *req, struct api_reply *rep,
    const char *id, struct db_request *ret)
{
	int r;

	if (!request_id_is_valid(id)) {
		(void)api_reply_error(rep, 400, "Invalid request id '%s'", id);
		return (-EINVAL);
	}
	if ((r = db_request_get(req->db, id, ret)) == -ENOENT) {
		(void)api_request_not_found(rep, id);
		return (r);
	}
	if (r < 0)
		(void)api_reply_errno(rep, r, "Failed to read request %s: %s",
		    id, strerror(-r));
	return (r);
}

static int
api_request_add_expiring(struct db *db, const char *id, json_t *parent)
{
	json_t	*all, *e;
	size_t	 i;
	int	 r;

	if ((r = db_request_expiring_all(db, id, &all)) < 0)
		return (r);
	for (i = 0; i < sizeof(api_request_expiring_fields) /
	    sizeof(api_request_expiring_fields[0]); i++)
		if ((e = json_object_get(all,
		    api_request_expiring_fields[i].kind)) != NULL)
			(void)json_object_set(parent,
			    api_request_expiring_fields[i].field, e);
	json_decref(all);
	return (0);
}

static json_t *
api_request_deploy_state(const struct db_request *r, const char *id)
{
	json_t *s;

	if (r->active_marker == NULL && r->pending_marker == NULL)
		return (NULL);
	if ((s = json_pack("{s:s}", "requestId", id)) == NULL)
		return (NULL);
	if (r->active_marker != NULL)
		(void)json_object_set(s, "activeDeploy", r->active_marker);
	if (r->pending_marker != NULL)
		(void)json_object_set(s, "pendingDeploy", r->pending_marker);
	return (s);
}

/* Full form: the deploy objects behind the markers, and the pending
 * deploy's state without kerr's own bookkeeping. */
static int
api_request_add_deploys(struct db *db, const struct db_request *r,
    const char *id, json_t *parent)
{
	static const struct {
		const char	*marker_field;
		const char	*field;
	} which[] = {
		{ "active", "activeDeploy" }, { "pending", "pendingDeploy" },
	};
	json_t	*marker, *deploy, *pending;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		marker = i == 0 ? r->active_marker : r->pending_marker;
		if (marker == NULL)
			continue;
		rc = db_deploy_get(db, id, json_string_value(json_object_get(
		    marker, "deployId")), &deploy);
		if (rc == 0)
			(void)json_object_set_new(parent, which[i].field,
			    deploy);
		else if (rc != -ENOENT)
			return (rc);
	}
	/* No pending marker, no pending deploy: spare the query. */
	if (r->pending_marker == NULL ||
	    (rc = db_pending_deploy_get(db, id, &pending)) == -ENOENT)
		return (0);
	if (rc < 0)
		return (rc);
	api_deploy_pending_public(pending);
	return (json_object_set_new(parent, "pendingDeployState", pending) ==
	    0 ? 0 : -ENOMEM);
}

/* SingularityTaskIdsByStatus: a request just created has no task. */
static int
api_request_add_task_ids(struct db *db, const char *id, json_t *parent)
{
	json_t	*ids = NULL;
	int	 rc;

	if (db == NULL)
		ids = json_pack("{s:[], s:[], s:[], s:[], s:[], s:[]}",
		    "healthy", "notYetHealthy", "pending", "cleaning",
		    "loadBalanced", "killed");
	else if ((rc = db_task_ids_by_status(db, id, &ids)) < 0)
		return (rc);
	return (json_object_set_new(parent, "taskIds", ids) == 0 ? 0 :
	    -ENOMEM);
}

int
api_request_parent(struct db *db, const struct db_request *r, int full,
    json_t **ret)
{
	const char	*id = json_string_value(json_object_get(r->request,
			    "id"));
	json_t		*p, *ds;
	int		 rc = 0;

	p = json_pack("{s:O, s:s}", "request", r->request, "state",
	    request_state_to_str(r->state));
	if (p == NULL)
		return (-ENOMEM);
	if ((ds = api_request_deploy_state(r, id)) != NULL)
		(void)json_object_set_new(p, "requestDeployState", ds);
	if (full && (rc = api_request_add_expiring(db, id, p)) == 0 &&
	    (rc = api_request_add_deploys(db, r, id, p)) == 0)
		rc = api_request_add_task_ids(db, id, p);
	if (rc < 0) {
		json_decref(p);
		return (rc);
	}
	*ret = p;
	return (0);
}

int
api_request_reply_parent(struct api_req *req, struct api_reply *rep,
    const char *id)
{
	struct db_request	 r;
	json_t			*parent;
	int			 rc;

	if ((rc = api_request_load(req, rep, id, &r)) < 0)
		return (rc);
	rc = api_request_parent(req->db, &r, 1, &parent);
	db_request_clear(&r);
	if (rc < 0)
		return (rc);
	return (api_reply_json(rep, 200, parent));
}

/* ---- POST /requests ---- */

/*
 * A request just created has no deploy, timed action or task yet: its
 * parent is built from the validated object, with no read on the group
 * commit's one writer thread.
 */
static int
api_request_reply_new(struct api_reply *rep, json_t *norm)
{
	struct db_request	 r = { .request = norm, .state = REQUEST_ACTIVE };
	json_t			*parent;
	int			 rc;

	if ((rc = api_request_parent(NULL, &r, 0, &parent)) < 0)
		return (rc);
	if ((rc = api_request_add_task_ids(NULL, NULL, parent)) < 0) {
		json_decref(parent);
		return (rc);
	}
	return (api_reply_json(rep, 200, parent));
}

struct api_request_post {
	const char	*id;
	int		 pending;	/* a pending request was queued */
};

static int
api_request_queue_pending(struct api_req *req, const char *id,
    const char *deploy_id, const char *type, int *ret_queued)
{
	json_t	*p;
	int	 existed = 0, r;

	p = records_pending_request(id, deploy_id, type, api_user(req), NULL,
	    clock_now_ms());
	if (p == NULL)
		return (-ENOMEM);
	r = db_pending_request_add(req->db, p, &existed);
	json_decref(p);
	if (r == 0 && ret_queued != NULL)
		*ret_queued = !existed;
	return (r);
}

/* What changes in the schedule or instance count asks for a reschedule. */
static int
api_request_needs_reschedule(const json_t *old, const json_t *new)
{
	const char *oq, *nq;

	if (request_instances_of(old) != request_instances_of(new))
		return (1);
	oq = json_string_value(json_object_get(old, "quartzSchedule"));
	nq = json_string_value(json_object_get(new, "quartzSchedule"));
	if (oq == NULL || nq == NULL)
		return (oq != nq);
	return (strcmp(oq, nq) != 0);
}

static int
api_request_update(struct api_req *req, struct api_request_post *ctx,
    const struct db_request *old, json_t *norm, int64_t now)
{
	enum request_state	 state = old->state;
	const char		*deploy = api_request_deploy_in_use(old);
	const char		*pending_type = NULL;
	int			 r;

	if (state == REQUEST_PAUSED) {
		state = REQUEST_ACTIVE;		/* the seed's rule (0A) */
		pending_type = "UNPAUSED";
	} else if (api_request_needs_reschedule(old->request, norm)) {
		if (state == REQUEST_FINISHED)
			state = REQUEST_ACTIVE;
		pending_type = "UPDATED_REQUEST";
	}
	if ((r = db_request_put(req->db, norm, state, now)) < 0 ||
	    (r = api_action_history(req, norm, "UPDATED", NULL, now)) < 0)
		return (r);
	if (old->state == REQUEST_PAUSED && (r = api_action_history(req,
	    norm, "UNPAUSED", NULL, now)) < 0)
		return (r);
	if (pending_type == NULL || deploy == NULL)
		return (0);
	return (api_request_queue_pending(req, ctx->id, deploy, pending_type,
	    &ctx->pending));
}

static int
api_request_post_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	struct api_request_post	*ctx = arg;
	struct db_request	 old = { 0 };
	json_t			*norm = NULL;
	char			 err[API_ERR_MAX];
	int64_t			 cleanups = 0, now = clock_now_ms();
	int			 r, exists;

	r = db_request_get(req->db, ctx->id, &old);
	if (r < 0 && r != -ENOENT)
		return (r);
	exists = r == 0;
	if ((r = db_request_cleanup_count(req->db, ctx->id, NULL,
	    &cleanups)) < 0)
		goto out;
	if (cleanups > 0) {
		r = api_reply_error(rep, 409, "Request %s is currently "
		    "cleaning. Try again after a few moments", ctx->id);
		goto out;
	}
	if (request_normalize(req->body, exists ? old.request : NULL, &norm,
	    err, sizeof(err)) < 0) {
		r = api_reply_error(rep, 400, "%s", err);
		goto out;
	}
	if (!exists) {
		if ((r = db_request_put(req->db, norm, REQUEST_ACTIVE,
		    now)) == 0 && (r = api_action_history(req, norm, "CREATED",
		    NULL, now)) == 0)
			r = api_request_reply_new(rep, norm);
	} else if ((r = api_request_update(req, ctx, &old, norm, now)) == 0)
		r = api_request_reply_parent(req, rep, ctx->id);
out:
	json_decref(norm);
	db_request_clear(&old);
	return (r);
}

int
api_request_post(struct api_req *req, struct api_reply *rep)
{
	struct api_request_post	 ctx = { 0 };
	json_t			*norm = NULL;
	char			 err[API_ERR_MAX];

	/*
	 * Validate before taking the write lock.  Only the update rules
	 * (type changes) need the stored request: checked again inside.
	 */
	if (request_normalize(req->body, NULL, &norm, err, sizeof(err)) < 0)
		return (api_reply_error(rep, 400, "%s", err));
	ctx.id = json_string_value(json_object_get(norm, "id"));
	if (api_tx(req, rep, api_request_post_tx, &ctx) == 0) {
		(void)bus_send(req->bus, BUS_REQUEST_CHANGED, ctx.id);
		if (ctx.pending)
			(void)bus_send(req->bus, BUS_REQUEST_PENDING, ctx.id);
	}
	json_decref(norm);
	return (0);
}

/* ---- reads ---- */

int
api_request_get(struct api_req *req, struct api_reply *rep)
{
	return (api_request_reply_parent(req, rep, req->params[0]));
}

struct api_request_list {
	struct db	*db;
	struct api_array array;
	unsigned int	 type_mask;	/* 0: every type */
	long		 limit;		/* < 0: no limit */
	int		 full;
};

static int
api_request_list_add(void *arg, const struct db_request *r)
{
	struct api_request_list	*l = arg;
	json_t			*parent;
	int			 rc;

	if (l->type_mask != 0 &&
	    (l->type_mask & (1u << request_type_of(r->request))) == 0)
		return (0);
	if (l->limit >= 0 && (long)l->array.n >= l->limit)
		return (0);
	if ((rc = api_request_parent(l->db, r, l->full, &parent)) < 0)
		return (rc);
	return (api_array_add(&l->array, parent));
}

/* ?requestType= (repeatable) as a mask; -EINVAL after a 400 reply. */
static int
api_request_type_mask(const struct api_req *req, struct api_reply *rep,
    unsigned int *ret)
{
	const char		*vals[REQUEST_TYPE_COUNT * 2];
	enum request_type	 t;
	size_t			 i, n;

	n = api_query_all(req, "requestType", vals, sizeof(vals) /
	    sizeof(vals[0]));
	*ret = 0;
	for (i = 0; i < n; i++) {
		if (request_type_from_str(vals[i], &t) < 0) {
			(void)api_reply_error(rep, 400,
			    "Unknown requestType '%s'", vals[i]);
			return (-EINVAL);
		}
		*ret |= 1u << t;
	}
	return (0);
}

static int
api_request_list(struct api_req *req, struct api_reply *rep,
    unsigned int state_mask)
{
	struct api_request_list	 l = { .db = req->db, .limit = -1 };
	const char		*limit = api_query(req, "limit");
	int			 r;

	if (api_request_type_mask(req, rep, &l.type_mask) < 0)
		return (0);
	if (limit != NULL && (l.limit = strtol(limit, NULL, 10)) < 0)
		return (api_reply_error(rep, 400, "limit must be >= 0"));
	l.full = api_query_bool(req, "includeFullRequestData", 0);
	if ((r = api_array_init(&l.array, req)) < 0)
		return (r);
	if ((r = db_request_foreach(req->db, state_mask, api_request_list_add,
	    &l)) < 0) {
		api_array_clear(&l.array);
		return (api_reply_errno(rep, r, "Failed to list requests: %s",
		    strerror(-r)));
	}
	return (api_array_reply(&l.array, rep));
}

#define API_STATE_BIT(s)	(1u << (s))

int
api_request_list_all(struct api_req *req, struct api_reply *rep)
{
	return (api_request_list(req, rep, DB_REQUEST_STATES_ALL &
	    ~API_STATE_BIT(REQUEST_DELETED)));
}

int
api_request_list_active(struct api_req *req, struct api_reply *rep)
{
	return (api_request_list(req, rep, API_STATE_BIT(REQUEST_ACTIVE) |
	    API_STATE_BIT(REQUEST_DEPLOYING_TO_UNPAUSE)));
}

int
api_request_list_paused(struct api_req *req, struct api_reply *rep)
{
	return (api_request_list(req, rep, API_STATE_BIT(REQUEST_PAUSED)));
}

int
api_request_list_cooldown(struct api_req *req, struct api_reply *rep)
{
	return (api_request_list(req, rep,
	    API_STATE_BIT(REQUEST_SYSTEM_COOLDOWN)));
}

int
api_request_list_finished(struct api_req *req, struct api_reply *rep)
{
	return (api_request_list(req, rep, API_STATE_BIT(REQUEST_FINISHED)));
}

static int
api_request_ids_reply(struct api_req *req, struct api_reply *rep,
    unsigned int mask)
{
	json_t	*ids;
	int	 r;

	r = db_request_ids(req->db, api_query(req, "requestIdLike"), mask,
	    &ids);
	if (r < 0)
		return (api_reply_errno(rep, r, "Failed to list ids: %s",
		    strerror(-r)));
	api_access_filter(req, ids);
	return (api_reply_json(rep, 200, ids));
}

int
api_request_ids(struct api_req *req, struct api_reply *rep)
{
	const char		*vals[REQUEST_STATE_COUNT * 2];
	enum request_state	 s;
	unsigned int		 mask = 0;
	size_t			 i, n;

	n = api_query_all(req, "state", vals, sizeof(vals) / sizeof(vals[0]));
	for (i = 0; i < n; i++) {
		if (request_state_from_str(vals[i], &s) < 0)
			return (api_reply_error(rep, 400,
			    "Unknown request state '%s'", vals[i]));
		mask |= API_STATE_BIT(s);
	}
	if (mask == 0)
		mask = DB_REQUEST_STATES_ALL & ~API_STATE_BIT(REQUEST_DELETED);
	return (api_request_ids_reply(req, rep, mask));
}

int
api_request_ids_active(struct api_req *req, struct api_reply *rep)
{
	return (api_request_ids_reply(req, rep, API_STATE_BIT(REQUEST_ACTIVE) |
	    API_STATE_BIT(REQUEST_DEPLOYING_TO_UNPAUSE)));
}

#define API_BATCH_MAX	1000

int
api_request_batch(struct api_req *req, struct api_reply *rep)
{
	const char		*ids[API_BATCH_MAX];
	struct db_request	 r;
	json_t			*found, *missing, *parent;
	size_t			 i, n;
	int			 rc = 0;

	n = api_query_all(req, "id", ids, API_BATCH_MAX);
	found = json_array();
	missing = json_array();
	for (i = 0; i < n && rc == 0 && found != NULL && missing != NULL;
	    i++) {
		if ((rc = db_request_get(req->db, ids[i], &r)) == -ENOENT) {
			rc = json_array_append_new(missing,
			    json_string(ids[i])) == 0 ? 0 : -ENOMEM;
			continue;
		}
		if (rc == 0 && (rc = api_request_parent(req->db, &r, 0,
		    &parent)) == 0)
			rc = json_array_append_new(found, parent) == 0 ? 0 :
			    -ENOMEM;
		db_request_clear(&r);
	}
	if (rc < 0 || found == NULL || missing == NULL) {
		json_decref(found);
		json_decref(missing);
		return (api_reply_errno(rep, rc < 0 ? rc : -ENOMEM,
		    "Failed to read requests"));
	}
	api_access_filter(req, found);
	return (api_reply_json(rep, 200, json_pack("{s:o, s:o}", "requests",
	    found, "notFound", missing)));
}

int
api_request_queued_pending(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_pending_request_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "the pending queue"));
}

int
api_request_queued_cleanup(struct api_req *req, struct api_reply *rep)
{
	json_t	*list = NULL;
	int	 r = db_request_cleanup_list(req->db, &list);

	return (api_reply_list(req, rep, r, list, "the cleanup queue"));
}

int
api_request_history(struct api_req *req, struct api_reply *rep)
{
	return (api_reply_history(req, rep, db_request_history_list,
	    "request history"));
}
