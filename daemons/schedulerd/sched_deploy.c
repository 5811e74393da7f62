/*
 * The deploy checker (spec 3.6).  A pending deploy of a SERVICE or WORKER
 * moves its request to the new deploy in steps (sched_deploy_step.c, one
 * step of every instance unless the deploy asks for smaller ones): a
 * step's target of new tasks must turn healthy (RUNNING for
 * considerHealthyAfterRunningForSeconds, or passing its health check)
 * before the old deploy's tasks it replaces are stopped, and the deploy
 * succeeds once the target is every instance.  It fails when more of its
 * tasks fail than it allows or one fails its health checks, is OVERDUE
 * when a step is not healthy within deployHealthTimeoutSeconds, and a
 * CANCELING one is CANCELED.  Other request types succeed at once.  On
 * success the new deploy becomes active and the old deploy's tasks get
 * DEPLOY_STEP_FINISHED cleanups; otherwise the new tasks are cleaned (a
 * stepped deploy's once the old deploy is back at full strength) and the
 * old deploy keeps running.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "daemon_scan.h"
#include "db_deploy.h"
#include "db_request.h"
#include "db_task.h"
#include "log.h"
#include "records.h"
#include "request.h"
#include "sched.h"
#include "sched_deploy.h"

#define SCHED_DEPLOY_TIMEOUT_S		120	/* spec 2.3 default */

static const char *
sched_deploy_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int64_t
sched_deploy_seconds(const json_t *deploy, const char *key, int64_t def)
{
	json_t *v = json_object_get(deploy, key);

	return (json_is_integer(v) ? json_integer_value(v) : def);
}

/* Clean every active task of a deploy with `type`. */
static int
sched_deploy_clean_tasks(struct sched *s, const char *request_id,
    const char *deploy_id, const char *type)
{
	int added = 0, rc;

	if (deploy_id == NULL)
		return (0);
	rc = db_task_cleanup_request_all(s->d->db, request_id, deploy_id, type,
	    NULL, NULL, clock_now_ms(), &added);
	if (rc == 0 && added > 0) {
		s->rings |= SCHED_RING_TASK_CLEANUP;
		log_info("request=%s deploy=%s cleanup %s of %d tasks",
		    request_id, deploy_id, type, added);
	}
	return (rc);
}

/* Becoming active: the markers, updatedRequest, unpause (3.6). */
static int
sched_deploy_activate(struct sched *s, struct sched_deploy *sd, int64_t now)
{
	const json_t	*marker = json_object_get(sd->pending, "deployMarker");
	const char	*old = sched_deploy_str(sd->r.active_marker,
			    "deployId");
	json_t		*updated = json_object_get(sd->pending,
			    "updatedRequest");
	json_t		*req = updated != NULL ? updated : sd->r.request;
	enum request_state state = sd->r.state;
	int		 rc;

	/* The last step stopped the old tasks; any left go now. */
	if ((rc = db_deploy_state_set(s->d->db, sd->request_id, marker,
	    NULL)) < 0 || (rc = sched_deploy_clean_tasks(s, sd->request_id,
	    old, deploy_step_cleanup_type(sd->plan.stepped, "SUCCEEDED"))) < 0)
		return (rc);
	if (state == REQUEST_DEPLOYING_TO_UNPAUSE)
		state = REQUEST_ACTIVE;
	if (updated == NULL && state == sd->r.state)
		return (0);
	if ((rc = db_request_put(s->d->db, req, state, now)) < 0)
		return (rc);
	return (db_request_history_add(s->d->db, req, updated != NULL ?
	    "UPDATED" : "DEPLOYED_TO_UNPAUSE", NULL, NULL, now));
}

static int
sched_deploy_fall_back(struct sched *s, struct sched_deploy *sd,
    const char *state, int64_t now)
{
	int rc;

	if ((rc = db_deploy_state_set(s->d->db, sd->request_id,
	    sd->r.active_marker, NULL)) < 0 ||
	    (rc = sched_deploy_clean_tasks(s, sd->request_id, sd->deploy_id,
	    deploy_step_cleanup_type(sd->plan.stepped, state))) < 0 ||
	    (rc = db_pending_task_remove_for(s->d->db, sd->request_id,
	    sd->deploy_id)) < 0)
		return (rc);
	if (sd->r.state != REQUEST_DEPLOYING_TO_UNPAUSE)
		return (0);
	return (db_request_set_state(s->d->db, sd->request_id,
	    REQUEST_DEPLOYING_TO_UNPAUSE, REQUEST_PAUSED, now));
}

int
sched_deploy_queue(struct sched *s, struct sched_deploy *sd,
    const char *deploy_id, const char *type)
{
	json_t	*p;
	int	 rc, existed;

	if (deploy_id == NULL)
		return (0);
	p = records_pending_request(sd->request_id, deploy_id, type, NULL,
	    NULL, sd->now);
	if (p == NULL)
		return (-ENOMEM);
	rc = db_pending_request_add(s->d->db, p, &existed);
	json_decref(p);
	s->rings |= SCHED_RING_REQUEST_PENDING;
	return (rc);
}

/* Re-count the deploy now in use, as the deploy checker does (3.4). */
static int
sched_deploy_requeue(struct sched *s, struct sched_deploy *sd,
    const char *state)
{
	if (strcmp(state, "SUCCEEDED") == 0)
		return (sched_deploy_queue(s, sd, sd->deploy_id,
		    "DEPLOY_FINISHED"));
	return (sched_deploy_queue(s, sd, sched_deploy_str(sd->r.active_marker,
	    "deployId"), strcmp(state, "CANCELED") == 0 ? "DEPLOY_CANCELLED" :
	    "DEPLOY_FAILED"));
}

int
sched_deploy_finish(struct sched *s, struct sched_deploy *sd,
    const char *state, const char *message)
{
	json_t	*result;
	int	 succeeded = strcmp(state, "SUCCEEDED") == 0;
	int	 rc;

	/* Failures a deploy was allowed (and replaced) are not its result. */
	result = json_pack("{s:s, s:o, s:I}", "deployState", state,
	    "deployFailures", succeeded ? json_array() :
	    json_incref(sd->failures), "timestamp", (json_int_t)sd->now);
	if (result == NULL ||
	    records_set_opt_string(result, "message", message) < 0) {
		json_decref(result);
		return (-ENOMEM);
	}
	rc = db_deploy_set_result(s->d->db, sd->request_id, sd->deploy_id,
	    result);
	json_decref(result);
	if (rc == 0)
		rc = succeeded ? sched_deploy_activate(s, sd, sd->now) :
		    sched_deploy_fall_back(s, sd, state, sd->now);
	if (rc == 0)
		rc = db_pending_deploy_remove(s->d->db, sd->request_id);
	if (rc == 0)
		rc = sched_deploy_requeue(s, sd, state);
	if (rc == 0)
		log_notice("request=%s deploy=%s %s%s%s", sd->request_id,
		    sd->deploy_id, state, message != NULL ? ": " : "",
		    message != NULL ? message : "");
	s->rings |= SCHED_RING_REQUEST_PENDING;
	return (rc);
}

int
sched_deploy_save(struct sched *s, struct sched_deploy *sd)
{
	return (db_pending_deploy_put(s->d->db, sd->request_id, sd->pending, 1,
	    sd->now));
}

/* Whether a task id is among the SingularityTaskIds of list. */
static int
sched_deploy_listed(const json_t *list, const char *task_id)
{
	const json_t	*t;
	size_t		 i;

	json_array_foreach(list, i, t)
		if (strcmp(sched_deploy_str(t, "id"), task_id) == 0)
			return (1);
	return (0);
}

/*
 * Failed tasks of the new deploy become deployFailures (*ret_failed of
 * them); those not yet in the progress's failedDeployTasks go to fresh.
 */
static int
sched_deploy_collect_failures(struct sched *s, struct sched_deploy *sd,
    json_t *fresh, int *ret_failed)
{
	const json_t	*known = json_object_get(sd->progress,
			    "failedDeployTasks");
	json_t		*hist, *h, *tid;
	size_t		 i;
	const char	*st, *id;
	int		 rc;

	if ((rc = db_task_history(s->d->db, sd->request_id, 100, 1,
	    &hist)) < 0)
		return (rc);
	*ret_failed = 0;
	json_array_foreach(hist, i, h) {
		st = sched_deploy_str(h, "lastTaskState");
		tid = json_object_get(h, "taskId");
		id = sched_deploy_str(tid, "id");
		if (id == NULL || strcmp(sched_deploy_str(tid, "deployId"),
		    sd->deploy_id) != 0 || st == NULL ||
		    strcmp(st, "TASK_FINISHED") == 0 ||
		    strcmp(st, "TASK_KILLED") == 0)
			continue;
		if (json_array_append_new(sd->failures, json_pack(
		    "{s:s, s:O, s:s}", "reason", "TASK_FAILED_ON_STARTUP",
		    "taskId", tid, "message", st)) < 0 ||
		    (!sched_deploy_listed(known, id) &&
		    json_array_append(fresh, tid) < 0)) {
			rc = -ENOMEM;
			break;
		}
		(*ret_failed)++;
	}
	json_decref(hist);
	return (rc);
}

/* New tasks that count as healthy (sched_health.c decides when). */
static int
sched_deploy_healthy(struct sched *s, struct sched_deploy *sd,
    int *ret_unhealthy)
{
	json_t	*tasks, *t;
	size_t	 i;
	int	 healthy = 0, rc;
	const char *type;

	*ret_unhealthy = 0;
	if ((rc = db_task_active(s->d->db, sd->request_id, sd->deploy_id,
	    &tasks)) < 0)
		return (rc);
	json_array_foreach(tasks, i, t) {
		type = json_string_value(json_object_get(t, "cleanupType"));
		if (type != NULL && strcmp(type, "UNHEALTHY_NEW_TASK") == 0) {
			(void)json_array_append_new(sd->failures, json_pack(
			    "{s:s, s:s}", "reason",
			    "TASK_FAILED_HEALTH_CHECKS", "message",
			    json_string_value(json_object_get(t, "taskId"))));
			(*ret_unhealthy)++;
		} else if (json_is_integer(json_object_get(t, "healthyAt")) &&
		    !json_is_true(json_object_get(t, "cleaning")))
			healthy++;
	}
	json_decref(tasks);
	return (healthy);
}

/* Failed tasks: 0 go on, 1 the deploy ended, or a negative errno. */
static int
sched_deploy_failures(struct sched *s, struct sched_deploy *sd)
{
	json_t	*fresh;
	int64_t	 killed_unhealthy = 0;
	int	 failed = 0, rc;

	if ((fresh = json_array()) == NULL)
		return (-ENOMEM);
	rc = sched_deploy_collect_failures(s, sd, fresh, &failed);
	if (rc == 0 && db_task_unhealthy_count(s->d->db, sd->request_id,
	    sd->deploy_id, &killed_unhealthy) == 0 && killed_unhealthy > 0) {
		rc = sched_deploy_finish(s, sd, "FAILED", "A task of the new "
		    "deploy failed its health checks");
		rc = rc < 0 ? rc : 1;
	} else if (rc == 0 && json_array_size(fresh) > 0)
		rc = sched_deploy_step_retry(s, sd, fresh, failed);
	json_decref(fresh);
	return (rc);
}

/* A step whose tasks are not healthy yet; OVERDUE past its time. */
static int
sched_deploy_overdue(struct sched *s, struct sched_deploy *sd)
{
	int64_t started = json_integer_value(json_object_get(sd->progress,
	    "timestamp"));

	if (sd->now - started <= sched_deploy_seconds(sd->deploy,
	    "deployHealthTimeoutSeconds", SCHED_DEPLOY_TIMEOUT_S) * 1000)
		return (0);
	return (sched_deploy_finish(s, sd, "OVERDUE", "Not all tasks became "
	    "healthy in time"));
}

/* Progress of a long-running deploy; finishes it when decided. */
static int
sched_deploy_progress(struct sched *s, struct sched_deploy *sd)
{
	int	target, healthy, unhealthy, rc;

	if ((rc = sched_deploy_failures(s, sd)) != 0)
		return (rc < 0 ? rc : 0);
	if ((healthy = sched_deploy_healthy(s, sd, &unhealthy)) < 0)
		return (healthy);
	if (unhealthy > 0)
		return (sched_deploy_finish(s, sd, "FAILED", "A task of the new "
		    "deploy failed its health checks"));
	if (json_is_true(json_object_get(sd->progress, "stepComplete")))
		return (sched_deploy_step_next(s, sd, healthy));
	if ((rc = sched_deploy_step_update(s, sd, healthy)) != 0)
		return (rc < 0 ? rc : 0);
	target = (int)json_integer_value(json_object_get(sd->progress,
	    "targetActiveInstances"));
	if (healthy >= target)
		return (sched_deploy_step_done(s, sd, healthy));
	return (sched_deploy_overdue(s, sd));
}

static int
sched_deploy_step(struct sched *s, struct sched_deploy *sd)
{
	const char *state = sched_deploy_str(sd->pending, "currentDeployState");

	if (state != NULL && strcmp(state, "CANCELING") == 0)
		return (sched_deploy_finish(s, sd, "CANCELED",
		    "Deploy cancelled"));
	if (!request_type_is_long_running(request_type_of(sd->request)))
		return (sched_deploy_finish(s, sd, "SUCCEEDED",
		    "Request not deployable"));
	if (!json_is_object(sd->progress))
		return (sched_deploy_finish(s, sd, "FAILED", "No deploy "
		    "progress data present. Please reattempt your deploy"));
	return (sched_deploy_progress(s, sd));
}

/* The deploy, read again in the pass's transaction: apid may have
 * changed it (a cancel, a new target) since the list was read. */
static int
sched_deploy_load(struct sched *s, struct sched_deploy *sd,
    const char *request_id)
{
	const json_t	*marker;
	json_t		*updated;
	int		 rc;

	if ((rc = db_pending_deploy_get(s->d->db, request_id,
	    &sd->pending)) < 0)
		return (rc);
	marker = json_object_get(sd->pending, "deployMarker");
	sd->request_id = sched_deploy_str(marker, "requestId");
	sd->deploy_id = sched_deploy_str(marker, "deployId");
	sd->progress = json_object_get(sd->pending, "deployProgress");
	if (sd->request_id == NULL || sd->deploy_id == NULL)
		return (-EINVAL);
	if ((rc = db_request_get(s->d->db, sd->request_id, &sd->r)) < 0 ||
	    (rc = db_deploy_get(s->d->db, sd->request_id, sd->deploy_id,
	    &sd->deploy)) < 0)
		return (rc);
	updated = json_object_get(sd->pending, "updatedRequest");
	sd->request = updated != NULL ? updated : sd->r.request;
	deploy_step_plan(sd->deploy, sd->request, &sd->plan);
	return (0);
}

static int
sched_deploy_one(void *arg, const json_t *listed)
{
	struct sched		*s = arg;
	struct sched_deploy	 sd = { 0 };
	const char		*request_id;
	int			 rc;

	request_id = sched_deploy_str(json_object_get(listed, "deployMarker"),
	    "requestId");
	if (request_id == NULL)
		return (-EINVAL);
	if ((sd.failures = json_array()) == NULL)
		return (-ENOMEM);
	if ((rc = db_begin(s->d->db)) < 0) {
		json_decref(sd.failures);
		return (rc);
	}
	sd.now = clock_now_ms();
	rc = sched_deploy_load(s, &sd, request_id);
	if (rc == -ENOENT && sd.pending != NULL && sd.r.request == NULL)
		rc = db_pending_deploy_remove(s->d->db, request_id);
	else if (rc == -ENOENT && sd.pending == NULL)
		rc = 0;		/* finished since the list was read */
	else if (rc == 0)
		rc = sched_deploy_step(s, &sd);
	db_request_clear(&sd.r);
	json_decref(sd.deploy);
	json_decref(sd.pending);
	json_decref(sd.failures);
	return (db_end(s->d->db, rc));
}

const struct daemon_scan sched_deploy_scan = {
	.list = "pending deploys", .read = db_pending_deploy_list,
	.each = sched_deploy_one, .doing = "advance a deploy of",
	.word = "request", .in = "deployMarker", .key = "requestId",
};
