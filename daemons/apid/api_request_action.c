/*
 * Actions on one request: delete (both routes), pause, unpause,
 * exit-cooldown, bounce, run-now, scale, and cancelling a timed action.
 * Each runs in one transaction over requests, request_history,
 * request_cleanups, pending_requests and request_expiring; the bell
 * (request.changed, request.cleanup, request.pending) rings after commit.
 * apid only records what must happen: cleanerd and schedulerd act on it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_request.h"
#include "api_action.h"
#include "api_cluster.h"
#include "clock.h"
#include "db_task.h"
#include "log.h"
#include "records.h"

#define API_BOUNCE_EXPIRY_MS	(60LL * 60 * 1000)

struct api_action_tx {
	struct api_action	*act;
	api_action_fn		 fn;
};

/* Load the request, run the action's body, reply with the parent. */
static int
api_action_tx(struct api_req *req, struct api_reply *rep, void *arg)
{
	struct api_action_tx	*tx = arg;
	struct db_request	 r;
	int			 rc;

	if ((rc = api_request_load(req, rep, tx->act->id, &r)) < 0)
		return (rc);
	rc = tx->fn(req, rep, tx->act, &r);
	db_request_clear(&r);
	if (rc < 0 || rep->status != 0)
		return (rc);
	if (tx->act->reply != NULL) {
		rc = api_reply_json(rep, 200, tx->act->reply);
		tx->act->reply = NULL;
		return (rc);
	}
	return (api_request_reply_parent(req, rep, tx->act->id));
}

int
api_action_run(struct api_req *req, struct api_reply *rep, api_action_fn fn,
    struct api_action *act)
{
	struct api_action	plain = { 0 };
	struct api_action_tx	tx = { act != NULL ? act : &plain, fn };

	act = tx.act;
	act->id = req->params[0];
	if (act->body == NULL && api_body_object(req, rep, "Request body",
	    &act->body) < 0)
		return (0);
	if (api_tx(req, rep, api_action_tx, &tx) == 0) {
		(void)bus_send(req->bus, BUS_REQUEST_CHANGED, act->id);
		if (act->rings & API_RING_CLEANUP)
			(void)bus_send(req->bus, BUS_REQUEST_CLEANUP, act->id);
		if (act->rings & API_RING_PENDING)
			(void)bus_send(req->bus, BUS_REQUEST_PENDING, act->id);
	}
	json_decref(act->reply);
	return (0);
}

/* The common fields of action bodies: message and actionId. */
int
api_action_common(struct api_action *act, struct api_reply *rep,
    const char **ret_message, const char **ret_action_id)
{
	*ret_message = NULL;
	*ret_action_id = NULL;
	if (api_body_string(act->body, "message", rep, ret_message) < 0 ||
	    api_body_string(act->body, "actionId", rep, ret_action_id) < 0)
		return (-EINVAL);
	return (0);
}

int
api_action_history(struct api_req *req, const json_t *request,
    const char *event, const char *message, int64_t now)
{
	const char *user = api_user(req);

	log_info("request=%s %s%s%s", json_string_value(json_object_get(
	    request, "id")), event, user != NULL ? " by " : "",
	    user != NULL ? user : "");
	return (db_request_history_add(req->db, request, event, user,
	    message, now));
}

/* Queue a pending request of `type` for the deploy in use, if any. */
int
api_action_pending(struct api_req *req, struct api_action *act,
    const struct db_request *r, const char *type, int skip_healthchecks)
{
	const char	*deploy = api_request_deploy_in_use(r);
	json_t		*p;
	int		 existed = 0, rc;

	if (deploy == NULL)
		return (0);
	p = records_pending_request(act->id, deploy, type, api_user(req),
	    NULL, clock_now_ms());
	if (p == NULL)
		return (-ENOMEM);
	if (skip_healthchecks >= 0)
		(void)json_object_set_new(p, "skipHealthchecks",
		    json_boolean(skip_healthchecks));
	rc = db_pending_request_add(req->db, p, &existed);
	json_decref(p);
	if (rc == 0 && !existed)
		act->rings |= API_RING_PENDING;
	return (rc);
}

/* Store a timed action (3.17) shaped as Singularity's expiring objects;
 * extra (kind-specific fields, may be NULL) is consumed. */
int
api_action_expiring(struct api_req *req, struct api_action *act,
    const char *kind, const char *action_id, int64_t duration, int64_t now,
    json_t *extra)
{
	json_t	*e;
	char	 uuid[37];
	int	 rc;

	if (action_id == NULL) {
		if ((rc = records_uuid(uuid, sizeof(uuid))) < 0) {
			json_decref(extra);
			return (rc);
		}
		action_id = uuid;
	}
	/* "o" takes the one reference we hold, whichever object it is. */
	e = json_pack("{s:s, s:I, s:s, s:o}", "requestId", act->id,
	    "startMillis", (json_int_t)now, "actionId", action_id,
	    "expiringAPIRequestObject", act->body != NULL ?
	    json_incref(act->body) : json_object());
	rc = e == NULL || (extra != NULL && json_object_update(e, extra) !=
	    0) || records_set_opt_string(e, "user", api_user(req)) < 0;
	json_decref(extra);
	if (rc) {
		json_decref(e);
		return (-ENOMEM);
	}
	rc = db_request_expiring_put(req->db, act->id, kind, now + duration, e);
	json_decref(e);
	return (rc);
}

/* ---- delete ---- */

static int
api_action_delete(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	const char	*message, *action_id;
	json_t		*cleanup;
	int		 lb = 0, rc;
	int64_t		 now = clock_now_ms();

	if (act->paused_only && r->state != REQUEST_PAUSED)
		return (api_reply_error(rep, 404, "Couldn't find paused "
		    "request with id %s (it is %s)", act->id,
		    request_state_to_str(r->state)));
	if (api_action_common(act, rep, &message, &action_id) < 0 ||
	    api_body_bool(act->body, "deleteFromLoadBalancer", rep, &lb) < 0)
		return (0);
	cleanup = records_request_cleanup(act->id, "DELETING", api_user(req),
	    message, now);
	if (cleanup == NULL)
		return (-ENOMEM);
	(void)json_object_set_new(cleanup, "killTasks", json_true());
	(void)json_object_set_new(cleanup, "removeFromLoadBalancer",
	    json_boolean(lb));
	(void)records_set_opt_string(cleanup, "actionId", action_id);
	rc = db_request_cleanup_add(req->db, cleanup, 1);
	json_decref(cleanup);
	if (rc == 0 && r->state != REQUEST_DELETING)
		rc = db_request_set_state(req->db, act->id, r->state,
		    REQUEST_DELETING, now);
	if (rc == 0)
		rc = api_action_history(req, r->request, "DELETING", message, now);
	act->rings |= API_RING_CLEANUP;
	act->reply = json_incref(r->request);	/* the deleted request */
	return (rc);
}

int
api_request_delete(struct api_req *req, struct api_reply *rep)
{
	return (api_action_run(req, rep, api_action_delete, NULL));
}

int
api_request_delete_paused(struct api_req *req, struct api_reply *rep)
{
	struct api_action act = { .paused_only = 1 };

	return (api_action_run(req, rep, api_action_delete, &act));
}

/* ---- pause / unpause / exit-cooldown ---- */

static int
api_action_pause_cleanup(struct api_req *req, struct api_action *act,
    const char *message, const char *action_id, int kill_tasks, int64_t now)
{
	json_t	*cleanup, *cmd;
	int	 rc;

	cleanup = records_request_cleanup(act->id, "PAUSING", api_user(req),
	    message, now);
	if (cleanup == NULL)
		return (-ENOMEM);
	(void)json_object_set_new(cleanup, "killTasks",
	    json_boolean(kill_tasks));
	(void)records_set_opt_string(cleanup, "actionId", action_id);
	if ((cmd = json_object_get(act->body, "runShellCommandBeforeKill")) !=
	    NULL && json_is_object(cmd))
		(void)json_object_set(cleanup, "runShellCommandBeforeKill",
		    cmd);
	act->rings |= API_RING_CLEANUP;		/* cleanerd, after commit */
	rc = db_request_cleanup_add(req->db, cleanup, 0);
	json_decref(cleanup);
	return (rc);
}

static int
api_action_pause(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	const char	*message, *action_id;
	json_int_t	 duration = 0;
	int64_t		 now = clock_now_ms();
	int		 kill_tasks = 1, rc;

	if (api_action_common(act, rep, &message, &action_id) < 0 ||
	    api_body_bool(act->body, "killTasks", rep, &kill_tasks) < 0 ||
	    api_body_int(act->body, "durationMillis", rep, &duration) < 0)
		return (0);
	if (r->state == REQUEST_PAUSED)
		return (api_reply_error(rep, 409, "Request %s is paused. "
		    "Unable to pause (it must be manually unpaused first)",
		    act->id));
	if (r->state == REQUEST_DELETING)
		return (api_reply_error(rep, 409, "Request %s is being "
		    "deleted", act->id));
	rc = api_action_pause_cleanup(req, act, message, action_id,
	    kill_tasks, now);
	if (rc == -EEXIST)
		return (api_reply_error(rep, 409, "A pause cleanup for %s "
		    "already exists", act->id));
	if (rc == 0)
		rc = db_request_set_state(req->db, act->id, r->state,
		    REQUEST_PAUSED, now);
	if (rc == 0)
		rc = api_action_history(req, r->request, "PAUSED", message, now);
	if (rc == 0 && duration > 0)
		rc = api_action_expiring(req, act, "pause", action_id,
		    duration, now, NULL);
	return (rc);
}

int
api_request_pause(struct api_req *req, struct api_reply *rep)
{
	return (api_action_run(req, rep, api_action_pause, NULL));
}

/*
 * Unpause and exit-cooldown: from `from` back to ACTIVE, with its history
 * event and a pending request for the deploy in use (none for ON_DEMAND,
 * which runs only when asked), in Singularity's words for each.
 */
static int
api_action_resume(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r, enum request_state from)
{
	const int	 paused = from == REQUEST_PAUSED;
	const char	*message, *action_id;
	int64_t		 now = clock_now_ms();
	int		 skip = -1, rc;

	if (api_action_common(act, rep, &message, &action_id) < 0 ||
	    api_body_bool(act->body, "skipHealthchecks", rep, &skip) < 0)
		return (0);
	if (r->state != from)
		return (api_reply_error(rep, 409, paused ?
		    "Request %s is not in a paused state, it was in state %s" :
		    "Request %s is not in SYSTEM_COOLDOWN state, it is in %s",
		    act->id, request_state_to_str(r->state)));
	if ((rc = db_request_set_state(req->db, act->id, from, REQUEST_ACTIVE,
	    now)) < 0 || (rc = api_action_history(req, r->request, paused ?
	    "UNPAUSED" : "EXITED_COOLDOWN", message, now)) < 0)
		return (rc);
	if (request_type_of(r->request) == REQUEST_ON_DEMAND)
		return (0);
	return (api_action_pending(req, act, r, paused ? "UNPAUSED" :
	    "IMMEDIATE", skip));
}

static int
api_action_unpause(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	int rc;

	rc = api_action_resume(req, rep, act, r, REQUEST_PAUSED);
	if (rc < 0 || rep->status != 0)
		return (rc);
	/* A pause cleanup not yet carried out is moot now (3.7 step 5). */
	if ((rc = db_request_cleanup_remove(req->db, act->id, "PAUSING")) < 0)
		return (rc);
	rc = db_request_expiring_remove(req->db, act->id, "pause");
	return (rc == -ENOENT ? 0 : rc);
}

int
api_request_unpause(struct api_req *req, struct api_reply *rep)
{
	return (api_action_run(req, rep, api_action_unpause, NULL));
}

static int
api_action_exit_cooldown(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	return (api_action_resume(req, rep, act, r, REQUEST_SYSTEM_COOLDOWN));
}

int
api_request_exit_cooldown(struct api_req *req, struct api_reply *rep)
{
	return (api_action_run(req, rep, api_action_exit_cooldown, NULL));
}

/* ---- bounce ---- */

static int
api_action_bounce_check(struct api_reply *rep, struct api_action *act,
    struct api_req *req, const struct db_request *r)
{
	enum request_type	t = request_type_of(r->request);
	int64_t			n = 0, m = 0;
	int			rc;

	if (!request_type_is_long_running(t))
		return (api_reply_error(rep, 400, "Can not bounce a %s "
		    "request (%s)", request_type_to_str(t), act->id));
	if (r->state == REQUEST_PAUSED)
		return (api_reply_error(rep, 409, "Request %s is paused. "
		    "Unable to bounce (it must be manually unpaused first)",
		    act->id));
	if (api_request_deploy_in_use(r) == NULL)
		return (api_reply_error(rep, 409, "Can not bounce a request "
		    "(%s) with no deploy", act->id));
	if ((rc = db_request_cleanup_count(req->db, act->id, "BOUNCE",
	    &n)) < 0 || (rc = db_request_cleanup_count(req->db, act->id,
	    "INCREMENTAL_BOUNCE", &m)) < 0)
		return (rc);
	if (n + m > 0)
		return (api_reply_error(rep, 409, "Request %s is already "
		    "bouncing", act->id));
	return (0);
}

static int
api_action_bounce(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	const char	*message, *action_id;
	json_int_t	 duration = API_BOUNCE_EXPIRY_MS;
	json_t		*cleanup;
	char		 uuid[37];
	int64_t		 now = clock_now_ms();
	int		 incremental = 0, skip = -1, rc;

	if (api_action_common(act, rep, &message, &action_id) < 0 ||
	    api_body_bool(act->body, "incremental", rep, &incremental) < 0 ||
	    api_body_bool(act->body, "skipHealthchecks", rep, &skip) < 0 ||
	    api_body_int(act->body, "durationMillis", rep, &duration) < 0)
		return (0);
	if ((rc = api_action_bounce_check(rep, act, req, r)) < 0 ||
	    rep->status != 0 ||
	    (rc = api_cluster_priority_check(req, rep, r->request)) < 0)
		return (rc);
	if (action_id == NULL && (rc = records_uuid(uuid, sizeof(uuid))) == 0)
		action_id = uuid;
	cleanup = records_request_cleanup(act->id, incremental ?
	    "INCREMENTAL_BOUNCE" : "BOUNCE", api_user(req), message, now);
	if (cleanup == NULL)
		return (-ENOMEM);
	(void)records_set_opt_string(cleanup, "deployId",
	    api_request_deploy_in_use(r));
	(void)records_set_opt_string(cleanup, "actionId", action_id);
	if (skip >= 0)
		(void)json_object_set_new(cleanup, "skipHealthchecks",
		    json_boolean(skip));
	act->rings |= API_RING_CLEANUP;		/* cleanerd, after commit */
	rc = db_request_cleanup_add(req->db, cleanup, 0);
	json_decref(cleanup);
	if (rc == 0 && r->state != REQUEST_ACTIVE)
		rc = db_request_set_state(req->db, act->id, r->state,
		    REQUEST_ACTIVE, now);
	if (rc == 0)
		rc = api_action_history(req, r->request, "BOUNCED", message, now);
	if (rc == 0)
		rc = api_action_expiring(req, act, "bounce", action_id,
		    duration, now, json_pack("{s:s}", "deployId",
		    api_request_deploy_in_use(r)));
	return (rc);
}

int
api_request_bounce(struct api_req *req, struct api_reply *rep)
{
	return (api_action_run(req, rep, api_action_bounce, NULL));
}

/* ---- cancel a timed action: DELETE .../{pause,bounce,scale,...} ---- */

static int
api_action_expiring_cancel(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	int rc;

	(void)r;
	rc = db_request_expiring_remove(req->db, act->id, act->kind);
	if (rc == -ENOENT)
		return (api_reply_error(rep, 404, "No expiring %s for "
		    "request %s", act->kind, act->id));
	return (rc);
}

int
api_request_expiring_delete(struct api_req *req, struct api_reply *rep)
{
	static const struct {
		const char *segment, *kind;
	} kinds[] = {
		{ "pause", "pause" }, { "bounce", "bounce" },
		{ "scale", "scale" },
		{ "skip-healthchecks", "skipHealthchecks" },
		{ "skipHealthchecks", "skipHealthchecks" },
		{ "priority", "priority" },
	};
	struct api_action	act = { 0 };
	size_t			i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(req->params[1], kinds[i].segment) == 0)
			act.kind = kinds[i].kind;
	if (act.kind == NULL)
		return (api_reply_error(rep, 404, "Not found: %s", req->path));
	return (api_action_run(req, rep, api_action_expiring_cancel, &act));
}
