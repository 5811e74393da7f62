/*
 * Run-now (POST .../run) and scale (PUT .../scale).  Both only queue a
 * pending request for schedulerd; scale also rewrites the request's
 * instance count, with the history row Singularity writes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_action.h"
#include "api_request.h"
#include "clock.h"
#include "db_task.h"
#include "records.h"

#define API_RUN_ID_MAX		100
#define API_RUN_AT_MAX_MS	(30LL * 24 * 3600 * 1000)
#define API_SCALE_DOWN_MAX	10
#define API_FORBIDDEN_TOKEN	"STARTED_BY_USER"

/* ---- run-now ---- */

static int
api_run_strings_ok(const json_t *v, int allow_token)
{
	json_t	*item;
	size_t	 i;

	if (!json_is_array(v))
		return (0);
	json_array_foreach(v, i, item) {
		if (!json_is_string(item))
			return (0);
		if (!allow_token && strstr(json_string_value(item),
		    API_FORBIDDEN_TOKEN) != NULL)
			return (0);
	}
	return (1);
}

static int
api_run_env_ok(json_t *env)
{
	const char	*k;
	json_t		*v;

	if (!json_is_object(env))
		return (0);
	json_object_foreach(env, k, v) {
		if (!json_is_string(v) || strstr(k, API_FORBIDDEN_TOKEN) !=
		    NULL || strstr(json_string_value(v), API_FORBIDDEN_TOKEN) !=
		    NULL)
			return (0);
	}
	return (1);
}

/* The body as a SingularityRunNowRequest object (0A: object, array of
 * strings or one string).  New reference, or NULL after a 400 reply. */
static json_t *
api_run_body(const struct api_req *req, struct api_reply *rep)
{
	json_t *b = req->body, *v;

	if (b == NULL || json_is_null(b))
		return (json_object());
	if (json_is_string(b))
		return (json_pack("{s:[O]}", "commandLineArgs", b));
	if (json_is_array(b))
		b = json_pack("{s:O}", "commandLineArgs", b);
	else if (json_is_object(b))
		b = json_incref(b);
	else {
		(void)api_reply_error(rep, 400, "Run request must be an "
		    "object, an array of arguments or one argument");
		return (NULL);
	}
	if ((v = json_object_get(b, "commandLineArgs")) != NULL &&
	    !json_is_null(v) && !api_run_strings_ok(v, 0)) {
		(void)api_reply_error(rep, 400, "commandLineArgs must be "
		    "strings and may not contain %s", API_FORBIDDEN_TOKEN);
		json_decref(b);
		return (NULL);
	}
	if ((v = json_object_get(b, "envOverrides")) != NULL &&
	    !json_is_null(v) && !api_run_env_ok(v)) {
		(void)api_reply_error(rep, 400, "envOverrides must map strings "
		    "to strings and may not contain %s", API_FORBIDDEN_TOKEN);
		json_decref(b);
		return (NULL);
	}
	return (b);
}

/* Which pending type a run-now of this request makes, or a reply. */
static const char *
api_run_pending_type(struct api_req *req, struct api_reply *rep,
    struct api_action *act, const struct db_request *r)
{
	struct db_task_counts	c;
	enum request_type	t = request_type_of(r->request);
	json_t			*instances;
	int64_t			queued = 0;

	if (db_task_counts(req->db, act->id, &c) < 0) {
		(void)api_reply_error(rep, 503, "Failed to count tasks");
		return (NULL);
	}
	if (t == REQUEST_SCHEDULED) {
		if (c.active > 0)
			(void)api_reply_error(rep, 409, "Request %s is already "
			    "running a task; a run-now waits for it to finish",
			    act->id);
		return (c.active > 0 ? NULL : "IMMEDIATE");
	}
	if (t != REQUEST_ON_DEMAND) {
		(void)api_reply_error(rep, 400, "Can not request an immediate "
		    "run of a non-scheduled / always running request (%s)",
		    act->id);
		return (NULL);
	}
	instances = json_object_get(r->request, "instances");
	/* Runs still queued as pending requests count too. */
	if (db_pending_request_count(req->db, act->id, "ONEOFF", &queued) < 0)
		queued = 0;
	if (json_is_integer(instances) && c.active + c.pending + queued >=
	    json_integer_value(instances)) {
		(void)api_reply_error(rep, 429, "Request %s already has %lld "
		    "of its %lld allowed concurrent runs", act->id,
		    (long long)(c.active + c.pending),
		    (long long)json_integer_value(instances));
		return (NULL);
	}
	return ("ONEOFF");
}

/* Copy the run-now fields Singularity carries into the pending request. */
static int
api_run_fill_pending(json_t *p, const json_t *run, const char *run_id)
{
	static const struct {
		const char *from, *to;
	} copy[] = {
		{ "commandLineArgs", "cmdLineArgsList" },
		{ "skipHealthchecks", "skipHealthchecks" },
		{ "resources", "resources" },
		{ "runAsUserOverride", "runAsUserOverride" },
		{ "envOverrides", "envOverrides" },
		{ "requiredAgentAttributeOverrides",
		    "requiredAgentAttributeOverrides" },
		{ "allowedAgentAttributeOverrides",
		    "allowedAgentAttributeOverrides" },
		{ "extraArtifacts", "extraArtifacts" },
		{ "s3UploaderAdditionalFiles", "s3UploaderAdditionalFiles" },
		{ "runAt", "runAt" },
		{ "actionId", "actionId" },
	};
	json_t	*v;
	size_t	 i;

	for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if ((v = json_object_get(run, copy[i].from)) != NULL &&
		    !json_is_null(v) && json_object_set(p, copy[i].to, v) != 0)
			return (-ENOMEM);
	return (records_set_opt_string(p, "runId", run_id));
}

static int
api_run_check_fields(struct api_reply *rep, const json_t *run, int64_t now,
    const char **ret_run_id, const char **ret_message)
{
	json_int_t	 run_at = 0;
	int		 skip = 0;

	*ret_run_id = *ret_message = NULL;
	if (api_body_string(run, "runId", rep, ret_run_id) < 0 ||
	    api_body_string(run, "message", rep, ret_message) < 0 ||
	    api_body_bool(run, "skipHealthchecks", rep, &skip) < 0 ||
	    api_body_int(run, "runAt", rep, &run_at) < 0)
		return (-EINVAL);
	if (*ret_run_id != NULL && strlen(*ret_run_id) > API_RUN_ID_MAX) {
		(void)api_reply_error(rep, 400, "runId must be at most %d "
		    "characters", API_RUN_ID_MAX);
		return (-EINVAL);
	}
	if (run_at > now + API_RUN_AT_MAX_MS) {
		(void)api_reply_error(rep, 400, "runAt may be at most 30 days "
		    "from now");
		return (-EINVAL);
	}
	return (0);
}

static int
api_run_reply(struct api_req *req, struct api_action *act,
    const struct db_request *r, json_t *pending)
{
	json_t	*parent;
	int	 rc;

	if (api_query_bool(req, "minimal", 0))
		parent = json_pack("{s:O, s:s}", "request", r->request, "state",
		    request_state_to_str(r->state));
	else if ((rc = api_request_parent(req->db, r, 1, &parent)) < 0)
		return (rc);
	if (parent == NULL ||
	    json_object_set(parent, "pendingRequest", pending) != 0) {
		json_decref(parent);
		return (-ENOMEM);
	}
	act->reply = parent;
	return (0);
}

static int
api_action_run_now(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	const char	*type, *run_id, *message;
	json_t		*pending;
	char		 uuid[37];
	int64_t		 now = clock_now_ms();
	int		 existed = 0, rc;

	if (api_run_check_fields(rep, act->body, now, &run_id, &message) < 0)
		return (0);
	if (r->state == REQUEST_PAUSED)
		return (api_reply_error(rep, 409, "Request %s is paused. Unable "
		    "to run now (it must be manually unpaused first)", act->id));
	if (api_request_deploy_in_use(r) == NULL)
		return (api_reply_error(rep, 409, "Can not run a request (%s) "
		    "with no deploy", act->id));
	if ((type = api_run_pending_type(req, rep, act, r)) == NULL)
		return (0);
	if (run_id == NULL && (rc = records_uuid(uuid, sizeof(uuid))) == 0)
		run_id = uuid;
	pending = records_pending_request(act->id, api_request_deploy_in_use(r),
	    type, api_user(req), message, now);
	if (pending == NULL || api_run_fill_pending(pending, act->body,
	    run_id) < 0) {
		json_decref(pending);
		return (-ENOMEM);
	}
	rc = db_pending_request_add(req->db, pending, &existed);
	if (rc == 0 && existed)
		rc = api_reply_error(rep, 409, "A run of request %s is "
		    "already pending", act->id);
	else if (rc == 0)
		rc = api_run_reply(req, act, r, pending);
	json_decref(pending);
	act->rings |= API_RING_PENDING;
	return (rc);
}

int
api_request_run(struct api_req *req, struct api_reply *rep)
{
	struct api_action	act = { 0 };
	int			rc;

	if ((act.body = api_run_body(req, rep)) == NULL)
		return (0);
	rc = api_action_run(req, rep, api_action_run_now, &act);
	json_decref(act.body);
	return (rc);
}

/* ---- scale ---- */

static int
api_scale_check(struct api_req *req, struct api_reply *rep,
    const struct db_request *r, int from, int to)
{
	if (from == to)
		return (api_reply_error(rep, 400, "Scale request has no affect "
		    "on the # of instances (%d)", to));
	if (to >= from || request_type_of(r->request) == REQUEST_ON_DEMAND ||
	    api_query_bool(req, "largeScaleDownAcknowledged", 0))
		return (0);
	if (from - to > API_SCALE_DOWN_MAX || (from > API_SCALE_DOWN_MAX &&
	    to < from / 2))
		return (api_reply_error(rep, 400, "Scaling down from %d to %d "
		    "instances needs largeScaleDownAcknowledged=true", from,
		    to));
	return (0);
}

static int
api_scale_history(struct api_req *req, const json_t *norm,
    const char *message, int from, int to, int64_t now)
{
	char text[1024];

	if (message != NULL)
		(void)snprintf(text, sizeof(text), "%s -- Scaling from %d -> "
		    "%d", message, from, to);
	else
		(void)snprintf(text, sizeof(text), "Scaling from %d -> %d",
		    from, to);
	return (api_action_history(req, norm, "SCALED", text, now));
}

static int
api_scale_expiring(struct api_req *req, struct api_action *act,
    const char *action_id, json_int_t duration, int from, int64_t now)
{
	int rc;

	if (duration > 0)
		return (api_action_expiring(req, act, "scale", action_id,
		    duration, now, json_pack("{s:i}", "revertToInstances",
		    from)));
	/* A plain scale makes any older timed scale moot (3.15 step 6). */
	rc = db_request_expiring_remove(req->db, act->id, "scale");
	return (rc == -ENOENT ? 0 : rc);
}

static int
api_action_scale(struct api_req *req, struct api_reply *rep,
    struct api_action *act, struct db_request *r)
{
	const char	*message, *action_id;
	json_int_t	 to = -1, duration = 0;
	json_t		*posted, *norm = NULL;
	char		 err[512];
	int64_t		 now = clock_now_ms();
	int		 from = request_instances_of(r->request), rc;

	if (api_action_common(act, rep, &message, &action_id) < 0 ||
	    api_body_int(act->body, "instances", rep, &to) < 0 ||
	    api_body_int(act->body, "durationMillis", rep, &duration) < 0)
		return (0);
	if (to < 1 || to > REQUEST_INSTANCES_MAX)
		return (api_reply_error(rep, 400, "instances must be between 1 "
		    "and %d", REQUEST_INSTANCES_MAX));
	if (api_scale_check(req, rep, r, from, (int)to) < 0 || rep->status)
		return (0);
	if ((posted = json_deep_copy(r->request)) == NULL)
		return (-ENOMEM);
	(void)json_object_set_new(posted, "instances", json_integer(to));
	rc = request_normalize(posted, r->request, &norm, err, sizeof(err));
	json_decref(posted);
	if (rc < 0)
		return (api_reply_error(rep, 400, "%s", err));
	if ((rc = db_request_put(req->db, norm, r->state, now)) == 0 &&
	    (rc = api_scale_history(req, norm, message, from, (int)to,
	    now)) == 0 &&
	    (rc = api_scale_expiring(req, act, action_id, duration, from,
	    now)) == 0)
		rc = api_action_pending(req, act, r, "UPDATED_REQUEST", -1);
	json_decref(norm);
	return (rc);
}

int
api_request_scale(struct api_req *req, struct api_reply *rep)
{
	struct api_action act = { 0 };

	if (req->body == NULL || !json_is_object(req->body))
		return (api_reply_error(rep, 400, "Scale request must be a JSON "
		    "object with instances"));
	return (api_action_run(req, rep, api_action_scale, &act));
}
