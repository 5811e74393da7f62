/*
 * The steps of a deploy (spec 3.6 steps 4 and 8-11; incremental deploys
 * of Singularity 0.5, canary deploys of 1.5).  A step starts the new
 * deploy's tasks up to its target; once that many are healthy the old
 * deploy's tasks the step replaced get DEPLOY_STEP_FINISHED cleanups
 * (lowest instance numbers first), so the request never serves with fewer
 * than its instances, and the step is complete.  The next one starts
 * after deployStepWaitTimeMs, or when POST /deploys/update sets a new
 * target (which also moves a step under way).  A deploy may lose as many
 * tasks as its maxTaskRetries (allowedTasksFailuresPerGroup) allow: they
 * are replaced and listed in failedDeployTasks.  Writes pending_deploys,
 * task_cleanups and pending_requests in the deploy checker's transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "db_deploy.h"
#include "db_task.h"
#include "log.h"
#include "sched_deploy.h"

static const char *
sched_deploy_step_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int
sched_deploy_step_target_of(const struct sched_deploy *sd)
{
	return ((int)json_integer_value(json_object_get(sd->progress,
	    "targetActiveInstances")));
}

/* Set progress members; -ENOMEM when one could not be. */
static int
sched_deploy_step_set(struct sched_deploy *sd, int target, int current,
    int complete)
{
	if (json_object_set_new(sd->progress, "targetActiveInstances",
	    json_integer(target)) < 0 ||
	    json_object_set_new(sd->progress, "currentActiveInstances",
	    json_integer(current)) < 0 ||
	    json_object_set_new(sd->progress, "stepComplete",
	    json_boolean(complete)) < 0 ||
	    json_object_set_new(sd->progress, "stepLaunchComplete",
	    json_boolean(complete)) < 0 ||
	    json_object_set_new(sd->progress, "timestamp",
	    json_integer(sd->now)) < 0)
		return (-ENOMEM);
	return (0);
}

/* A task the step arithmetic counts: of the new deploy (or another one
 * when !new), with no cleanup yet. */
static int
sched_deploy_step_counts(const json_t *t, const char *deploy_id, int new)
{
	return ((strcmp(sched_deploy_step_str(t, "deployId"), deploy_id) ==
	    0) == new && !json_is_true(json_object_get(t, "cleaning")));
}

static int
sched_deploy_step_count(const json_t *tasks, const char *deploy_id, int new)
{
	const json_t	*t;
	size_t		 i;
	int		 n = 0;

	json_array_foreach(tasks, i, t)
		n += sched_deploy_step_counts(t, deploy_id, new);
	return (n);
}

/*
 * Give n of the counted tasks a cleanup of type: tasks come by instance
 * number, taken from the lowest, or from the highest when from_top.
 */
static int
sched_deploy_step_clean(struct sched *s, struct sched_deploy *sd,
    const json_t *tasks, int new, int n, int from_top, const char *type,
    const char *message)
{
	const json_t	*t;
	size_t		 k, len = json_array_size(tasks);
	int		 rc;

	for (k = 0; k < len && n > 0; k++) {
		t = json_array_get(tasks, from_top ? len - 1 - k : k);
		if (!sched_deploy_step_counts(t, sd->deploy_id, new))
			continue;
		rc = sched_task_cleanup(s, sched_deploy_step_str(t, "taskId"),
		    sd->request_id, type, message);
		if (rc < 0 && rc != -EEXIST)
			return (rc);
		n--;
	}
	return (0);
}

/*
 * A lower target: the new tasks beyond it (highest instance numbers)
 * serve on until the old deploy has its instances back healthy, as the
 * tasks of a cancelled stepped deploy do (cleanerd waits for that).
 */
static int
sched_deploy_step_shed(struct sched *s, struct sched_deploy *sd, int target,
    int was)
{
	json_t	*tasks;
	char	 message[128];
	int	 rc;

	if ((rc = db_task_active(s->d->db, sd->request_id, sd->deploy_id,
	    &tasks)) < 0)
		return (rc);
	(void)snprintf(message, sizeof(message), "Deploy target lowered "
	    "from %d to %d", was, target);
	rc = sched_deploy_step_clean(s, sd, tasks, 1,
	    sched_deploy_step_count(tasks, sd->deploy_id, 1) - target, 1,
	    deploy_step_cleanup_type(1, "CANCELED"), message);
	json_decref(tasks);
	return (rc);
}

/*
 * A step toward target starts now.  The new deploy is counted again so
 * that its missing tasks start; a smaller target gives the old deploy
 * back the instances it no longer hands over.
 */
static int
sched_deploy_step_start(struct sched *s, struct sched_deploy *sd, int target,
    int healthy, const char *why)
{
	int	was = sched_deploy_step_target_of(sd);
	int	rc;

	if (target < was && (rc = sched_deploy_step_shed(s, sd, target,
	    was)) < 0)
		return (rc);
	if ((rc = sched_deploy_step_set(sd, target, healthy, 0)) < 0 ||
	    (rc = sched_deploy_save(s, sd)) < 0 ||
	    (rc = sched_deploy_queue(s, sd, sd->deploy_id,
	    "NEXT_DEPLOY_STEP")) < 0)
		return (rc);
	if (target < was && (rc = sched_deploy_queue(s, sd,
	    sched_deploy_step_str(sd->r.active_marker, "deployId"),
	    "NEXT_DEPLOY_STEP")) < 0)
		return (rc);
	log_notice("request=%s deploy=%s step to %d of %d instances (%s)",
	    sd->request_id, sd->deploy_id, target, sd->plan.instances, why);
	return (0);
}

int
sched_deploy_step_retry(struct sched *s, struct sched_deploy *sd,
    json_t *failed_ids, int total_failed)
{
	json_t	*known = json_object_get(sd->progress, "failedDeployTasks");
	char	 why[128];
	int	 rc;

	if (total_failed > sd->plan.max_failures) {
		if (sd->plan.max_failures == 0)
			(void)snprintf(why, sizeof(why),
			    "A task of the new deploy failed");
		else
			(void)snprintf(why, sizeof(why), "%d tasks of the new "
			    "deploy failed, %d allowed", total_failed,
			    sd->plan.max_failures);
		rc = sched_deploy_finish(s, sd, "FAILED", why);
		return (rc < 0 ? rc : 1);
	}
	if (!json_is_array(known) || json_array_extend(known, failed_ids) < 0)
		return (-ENOMEM);
	if ((rc = sched_deploy_save(s, sd)) < 0 ||
	    (rc = sched_deploy_queue(s, sd, sd->deploy_id,
	    "NEXT_DEPLOY_STEP")) < 0)
		return (rc);
	log_notice("request=%s deploy=%s %d of %d allowed task failures, "
	    "replacing", sd->request_id, sd->deploy_id, total_failed,
	    sd->plan.max_failures);
	return (0);
}

int
sched_deploy_step_update(struct sched *s, struct sched_deploy *sd,
    int healthy)
{
	json_t		*u = json_object_get(sd->pending,
			    DEPLOY_STEP_UPDATE_KEY);
	const char	*id = sched_deploy_step_str(u, "deployId");
	json_int_t	 want;
	int		 mine, rc;

	if (u == NULL)
		return (0);
	mine = id != NULL && strcmp(id, sd->deploy_id) == 0;
	want = json_integer_value(json_object_get(u, "targetActiveInstances"));
	/* apid checked the range against the request as it was then. */
	if (want > sd->plan.instances)
		want = sd->plan.instances;
	if (want < 1)
		want = 1;
	(void)json_object_del(sd->pending, DEPLOY_STEP_UPDATE_KEY);
	if (!mine)
		return (sched_deploy_save(s, sd));
	rc = sched_deploy_step_start(s, sd, (int)want, healthy,
	    "POST /deploys/update");
	return (rc < 0 ? rc : 1);
}

/* Stop the old deploy's tasks the new deploy's target now covers, the
 * lowest instance numbers first. */
static int
sched_deploy_step_stop_old(struct sched *s, struct sched_deploy *sd,
    int target, const char *message)
{
	json_t	*tasks;
	int	 rc;

	if ((rc = db_task_active(s->d->db, sd->request_id, NULL, &tasks)) < 0)
		return (rc);
	rc = sched_deploy_step_clean(s, sd, tasks, 0, deploy_step_old_to_stop(
	    sd->plan.instances, target, sched_deploy_step_count(tasks,
	    sd->deploy_id, 0)), 0, "DEPLOY_STEP_FINISHED", message);
	json_decref(tasks);
	return (rc);
}

int
sched_deploy_step_done(struct sched *s, struct sched_deploy *sd, int healthy)
{
	int	target = sched_deploy_step_target_of(sd);
	int	last = target >= sd->plan.instances;
	int	rc;

	if ((rc = sched_deploy_step_stop_old(s, sd, target, last ?
	    "New deploy succeeded" : "New deploy is progressing, this task "
	    "is being replaced")) < 0)
		return (rc);
	if (last)
		return (sched_deploy_finish(s, sd, "SUCCEEDED", NULL));
	if ((rc = sched_deploy_step_set(sd, target, healthy, 1)) < 0 ||
	    (rc = sched_deploy_save(s, sd)) < 0)
		return (rc);
	log_notice("request=%s deploy=%s step complete: %d of %d instances "
	    "healthy%s", sd->request_id, sd->deploy_id, healthy,
	    sd->plan.instances, sd->plan.auto_advance ? "" :
	    ", waiting for POST /deploys/update");
	return (0);
}

int
sched_deploy_step_next(struct sched *s, struct sched_deploy *sd, int healthy)
{
	int rc;

	if ((rc = sched_deploy_step_update(s, sd, healthy)) != 0)
		return (rc < 0 ? rc : 0);
	if (!deploy_step_may_advance(&sd->plan, sd->progress, sd->now))
		return (0);
	return (sched_deploy_step_start(s, sd, deploy_step_next_target(
	    &sd->plan, sched_deploy_step_target_of(sd)), healthy,
	    "next step"));
}
