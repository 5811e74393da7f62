/*
 * The deploy checker (spec 3.6).  A pending deploy of a SERVICE or WORKER
 * succeeds once its target number of tasks has been RUNNING for
 * considerHealthyAfterRunningForSeconds (health checks come later); it
 * fails when one of its tasks fails, or is OVERDUE after
 * deployHealthTimeoutSeconds; a CANCELING one is CANCELED.  Other request
 * types succeed at once.  On success the new deploy becomes active and the
 * old deploy's tasks get NEW_DEPLOY_SUCCEEDED cleanups; otherwise the new
 * tasks are cleaned and the old deploy keeps running.
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

#define SCHED_DEPLOY_HEALTHY_AFTER_S	5	/* spec 2.3 defaults */
#define SCHED_DEPLOY_TIMEOUT_S		120

struct sched_deploy {
	struct db_request	 r;
	json_t			*pending;	/* SingularityPendingDeploy */
	json_t			*deploy;	/* SingularityDeploy */
	const char		*request_id;
	const char		*deploy_id;
	json_t			*failures;	/* deployFailures */
};

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

	if ((rc = db_deploy_state_set(s->d->db, sd->request_id, marker,
	    NULL)) < 0 || (rc = sched_deploy_clean_tasks(s, sd->request_id,
	    old, "NEW_DEPLOY_SUCCEEDED")) < 0)
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
	    strcmp(state, "CANCELED") == 0 ? "DEPLOY_CANCELED" :
	    "DEPLOY_FAILED")) < 0 ||
	    (rc = db_pending_task_remove_for(s->d->db, sd->request_id,
	    sd->deploy_id)) < 0)
		return (rc);
	if (sd->r.state != REQUEST_DEPLOYING_TO_UNPAUSE)
		return (0);
	return (db_request_set_state(s->d->db, sd->request_id,
	    REQUEST_DEPLOYING_TO_UNPAUSE, REQUEST_PAUSED, now));
}

/* Re-count the deploy now in use, as the deploy checker does (3.4). */
static int
sched_deploy_requeue(struct sched *s, struct sched_deploy *sd,
    const char *state, int64_t now)
{
	const char	*deploy_id, *type;
	json_t		*p;
	int		 rc, existed;

	if (strcmp(state, "SUCCEEDED") == 0) {
		deploy_id = sd->deploy_id;
		type = "DEPLOY_FINISHED";
	} else {
		deploy_id = sched_deploy_str(sd->r.active_marker, "deployId");
		type = strcmp(state, "CANCELED") == 0 ? "DEPLOY_CANCELLED" :
		    "DEPLOY_FAILED";
	}
	if (deploy_id == NULL)
		return (0);
	p = records_pending_request(sd->request_id, deploy_id, type, NULL,
	    NULL, now);
	if (p == NULL)
		return (-ENOMEM);
	rc = db_pending_request_add(s->d->db, p, &existed);
	json_decref(p);
	return (rc);
}

static int
sched_deploy_finish(struct sched *s, struct sched_deploy *sd,
    const char *state, const char *message)
{
	int64_t	 now = clock_now_ms();
	json_t	*result;
	int	 rc;

	result = json_pack("{s:s, s:O, s:I}", "deployState", state,
	    "deployFailures", sd->failures, "timestamp", (json_int_t)now);
	if (result == NULL ||
	    records_set_opt_string(result, "message", message) < 0) {
		json_decref(result);
		return (-ENOMEM);
	}
	rc = db_deploy_set_result(s->d->db, sd->request_id, sd->deploy_id,
	    result);
	json_decref(result);
	if (rc == 0)
		rc = strcmp(state, "SUCCEEDED") == 0 ?
		    sched_deploy_activate(s, sd, now) :
		    sched_deploy_fall_back(s, sd, state, now);
	if (rc == 0)
		rc = db_pending_deploy_remove(s->d->db, sd->request_id);
	if (rc == 0)
		rc = sched_deploy_requeue(s, sd, state, now);
	if (rc == 0)
		log_notice("request=%s deploy=%s %s%s%s", sd->request_id,
		    sd->deploy_id, state, message != NULL ? ": " : "",
		    message != NULL ? message : "");
	s->rings |= SCHED_RING_REQUEST_PENDING;
	return (rc);
}

/* Failed tasks of the new deploy become deployFailures. */
static int
sched_deploy_collect_failures(struct sched *s, struct sched_deploy *sd)
{
	json_t	*hist, *h;
	size_t	 i;
	int	 count, rc;

	if ((rc = db_task_history(s->d->db, sd->request_id, 100, 1,
	    &hist)) < 0)
		return (rc);
	count = 0;
	json_array_foreach(hist, i, h) {
		const char *st = sched_deploy_str(h, "lastTaskState");
		json_t *tid = json_object_get(h, "taskId");

		if (strcmp(sched_deploy_str(tid, "deployId"), sd->deploy_id) !=
		    0 || st == NULL || strcmp(st, "TASK_FINISHED") == 0 ||
		    strcmp(st, "TASK_KILLED") == 0)
			continue;
		(void)json_array_append_new(sd->failures, json_pack(
		    "{s:s, s:O, s:s}", "reason", "TASK_FAILED_ON_STARTUP",
		    "taskId", tid, "message", st));
		count++;
	}
	json_decref(hist);
	return (count);
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

/* Progress of a long-running deploy; finishes it when decided. */
static int
sched_deploy_progress(struct sched *s, struct sched_deploy *sd)
{
	json_t	*progress = json_object_get(sd->pending, "deployProgress");
	int64_t	 now = clock_now_ms(), started;
	int	 target, healthy, failed, unhealthy;
	int64_t	 killed_unhealthy = 0;

	target = (int)json_integer_value(json_object_get(progress,
	    "targetActiveInstances"));
	if ((failed = sched_deploy_collect_failures(s, sd)) < 0)
		return (failed);
	if (db_task_unhealthy_count(s->d->db, sd->request_id, sd->deploy_id,
	    &killed_unhealthy) == 0 && killed_unhealthy > 0)
		return (sched_deploy_finish(s, sd, "FAILED", "A task of the new "
		    "deploy failed its health checks"));
	if (failed > 0)
		return (sched_deploy_finish(s, sd, "FAILED",
		    "A task of the new deploy failed"));
	if ((healthy = sched_deploy_healthy(s, sd, &unhealthy)) < 0)
		return (healthy);
	if (unhealthy > 0)
		return (sched_deploy_finish(s, sd, "FAILED", "A task of the new "
		    "deploy failed its health checks"));
	if (healthy >= target)
		return (sched_deploy_finish(s, sd, "SUCCEEDED", NULL));
	started = json_integer_value(json_object_get(json_object_get(
	    sd->pending, "deployMarker"), "timestamp"));
	if (now - started > sched_deploy_seconds(sd->deploy,
	    "deployHealthTimeoutSeconds", SCHED_DEPLOY_TIMEOUT_S) * 1000)
		return (sched_deploy_finish(s, sd, "OVERDUE", "Not all tasks "
		    "became healthy in time"));
	if (json_integer_value(json_object_get(progress,
	    "currentActiveInstances")) == healthy)
		return (0);
	(void)json_object_set_new(progress, "currentActiveInstances",
	    json_integer(healthy));
	return (db_pending_deploy_put(s->d->db, sd->request_id, sd->pending, 1,
	    now));
}

static int
sched_deploy_step(struct sched *s, struct sched_deploy *sd)
{
	const char *state = sched_deploy_str(sd->pending, "currentDeployState");

	if (state != NULL && strcmp(state, "CANCELING") == 0)
		return (sched_deploy_finish(s, sd, "CANCELED",
		    "Deploy cancelled"));
	if (!request_type_is_long_running(request_type_of(sd->r.request)))
		return (sched_deploy_finish(s, sd, "SUCCEEDED",
		    "Request not deployable"));
	return (sched_deploy_progress(s, sd));
}

static int
sched_deploy_one(void *arg, const json_t *pending)
{
	struct sched		*s = arg;
	struct sched_deploy	 sd = { 0 };
	int			rc;

	sd.request_id = sched_deploy_str(json_object_get(pending,
	    "deployMarker"), "requestId");
	sd.deploy_id = sched_deploy_str(json_object_get(pending,
	    "deployMarker"), "deployId");
	if (sd.request_id == NULL || sd.deploy_id == NULL)
		return (-EINVAL);
	if ((sd.failures = json_array()) == NULL ||
	    (rc = db_begin(s->d->db)) < 0) {
		json_decref(sd.failures);
		return (-ENOMEM);
	}
	sd.pending = json_deep_copy(pending);
	rc = db_request_get(s->d->db, sd.request_id, &sd.r);
	if (rc == -ENOENT)
		rc = db_pending_deploy_remove(s->d->db, sd.request_id);
	else if (rc == 0 && (rc = db_deploy_get(s->d->db, sd.request_id,
	    sd.deploy_id, &sd.deploy)) == 0)
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

