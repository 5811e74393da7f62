/*
 * Deploys in steps (see deploy_step.h).  Singularity 0.5 called them
 * incremental deploys (deployInstanceCountPerStep, deployStepWaitTimeMs,
 * autoAdvanceDeploySteps, maxTaskRetries); 1.5 turned them into canary
 * deploys (canaryDeploySettings), converting the old fields when only
 * those are given.  kerr stores the converted settings (deploy.c) and
 * reads its plan from them, so both spellings step the same way; the
 * progress carries the fields of both versions, so clients of either
 * find theirs.
 */
#include <string.h>

#include "deploy_step.h"
#include "request.h"

/* CanaryDeploySettings defaults (spec 2.3). */
#define DEPLOY_STEP_DEFAULT_GROUP	1
#define DEPLOY_STEP_DEFAULT_CYCLES	3

static int64_t
deploy_step_int(const json_t *o, const char *key, int64_t def)
{
	const json_t *v = json_object_get(o, key);

	return (json_is_integer(v) ? json_integer_value(v) : def);
}

static int
deploy_step_min(int64_t a, int64_t b)
{
	return ((int)(a < b ? a : b));
}

void
deploy_step_plan(const json_t *deploy, const json_t *request,
    struct deploy_step_plan *ret)
{
	const json_t	*c = json_object_get(deploy, "canaryDeploySettings");
	const char	*mode = json_string_value(json_object_get(c,
			    "acceptanceMode"));
	int64_t		 group;

	memset(ret, 0, sizeof(*ret));
	ret->instances = request_instances_of(request);
	ret->per_step = ret->instances;
	ret->auto_advance = !json_is_false(json_object_get(deploy,
	    "autoAdvanceDeploySteps"));
	ret->max_failures = (int)deploy_step_int(c,
	    "allowedTasksFailuresPerGroup", 0);
	if (!json_is_true(json_object_get(c, "enableCanaryDeploy")))
		return;
	ret->stepped = 1;
	group = deploy_step_int(c, "instanceGroupSize",
	    DEPLOY_STEP_DEFAULT_GROUP);
	ret->per_step = group > 0 ? deploy_step_min(group, INT32_MAX) : 1;
	/* CHECKS has no hooks to run here: it accepts at once, as NONE. */
	if (mode != NULL && strcmp(mode, "TIMED") == 0)
		ret->wait_ms = deploy_step_int(c, "waitMillisBetweenGroups", 0);
	/* The 0.5 fields step until every instance runs the new deploy;
	 * only a canary deploy posted as such jumps after its cycles. */
	if (json_object_get(deploy, "deployInstanceCountPerStep") == NULL)
		ret->cycles = (int)deploy_step_int(c, "canaryCycleCount",
		    DEPLOY_STEP_DEFAULT_CYCLES);
}

json_t *
deploy_step_progress_new(const struct deploy_step_plan *p, int long_running,
    int64_t now)
{
	int	target = long_running ? deploy_step_min(p->per_step,
		    p->instances) : 1;

	return (json_pack("{s:i, s:i, s:i, s:I, s:b, s:b, s:[], s:I, s:b,"
	    " s:{}, s:[], s:{}, s:b}",
	    "targetActiveInstances", target,
	    "currentActiveInstances", long_running ? 0 : 1,
	    "deployInstanceCountPerStep", long_running ? p->per_step : 1,
	    "deployStepWaitTimeMs", (json_int_t)p->wait_ms,
	    "stepComplete", !long_running,
	    "autoAdvanceDeploySteps", p->auto_advance,
	    "failedDeployTasks",
	    "timestamp", (json_int_t)now,
	    "stepLaunchComplete", !long_running,
	    "stepAcceptanceResults",
	    "acceptanceResultMessageHistory",
	    "lbUpdates",
	    "canary", p->stepped));
}

int
deploy_step_next_target(const struct deploy_step_plan *p, int target)
{
	if (p->cycles > 0 && target / p->per_step >= p->cycles)
		return (p->instances);
	return (deploy_step_min((int64_t)target + p->per_step, p->instances));
}

int
deploy_step_old_to_stop(int instances, int target, int old_serving)
{
	int n = old_serving - (instances - target);

	return (n > 0 ? n : 0);
}

int
deploy_step_old_expected(const json_t *progress, int instances)
{
	int	taken;

	/* An all-at-once deploy keeps every old instance until it ends. */
	if (!json_is_true(json_object_get(progress, "canary")))
		return (instances);
	taken = deploy_step_min(deploy_step_int(progress,
	    "currentActiveInstances", 0), deploy_step_int(progress,
	    "targetActiveInstances", 0));
	if (taken < 0)
		taken = 0;
	return (instances > taken ? instances - taken : 0);
}

int
deploy_step_may_advance(const struct deploy_step_plan *p,
    const json_t *progress, int64_t now)
{
	return (p->auto_advance && now >= deploy_step_int(progress,
	    "timestamp", 0) + p->wait_ms);
}

/* Spec 3.6: a stepped deploy's tasks wait for the old deploy to be back
 * at full strength (INCREMENTAL_*); the others die at once. */
const char *
deploy_step_cleanup_type(int stepped, const char *deploy_state)
{
	if (deploy_state != NULL && strcmp(deploy_state, "SUCCEEDED") == 0)
		return ("DEPLOY_STEP_FINISHED");
	if (deploy_state != NULL && strcmp(deploy_state, "CANCELED") == 0)
		return (stepped ? "INCREMENTAL_DEPLOY_CANCELLED" :
		    "DEPLOY_CANCELED");
	return (stepped ? "INCREMENTAL_DEPLOY_FAILED" : "DEPLOY_FAILED");
}
