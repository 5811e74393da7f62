/*
 * Deploys in steps (spec 3.6 steps 4-11): how many of a request's
 * instances each step of a deploy moves to the new deploy, how long it
 * waits between steps, how many of its tasks may fail, and the
 * SingularityDeployProgress that shows where it is.  Pure logic: no store,
 * no logging.
 */
#ifndef KERR_DEPLOY_STEP_H
#define KERR_DEPLOY_STEP_H

#include <stdint.h>

#include <jansson.h>

/* Kept beside a pending deploy until schedulerd applies it; never shown. */
#define DEPLOY_STEP_UPDATE_KEY	"updatePendingDeployRequest"

/*
 * What a deploy asks of its steps.  A deploy is stepped when its
 * canaryDeploySettings enable a canary deploy, which the legacy
 * deployInstanceCountPerStep does (deploy.c converts it).
 */
struct deploy_step_plan {
	int	 instances;	/* the request's: where the deploy ends */
	int	 per_step;	/* new instances a step adds (all: instances) */
	int64_t	 wait_ms;	/* after a step, before the next one */
	int	 auto_advance;	/* 0: wait for POST /deploys/update */
	int	 max_failures;	/* new tasks that may fail, each replaced */
	int	 cycles;	/* steps before the rest at once; 0 no limit */
	int	 stepped;
};

/* The plan of `deploy` (a stored SingularityDeploy) for `request`. */
void	deploy_step_plan(const json_t *deploy, const json_t *request,
	    struct deploy_step_plan *ret);
/* The SingularityDeployProgress a new deploy starts with: the first
 * step's target, or the finished (1, 1) one of a request that is not
 * long-running.  New reference; NULL on OOM. */
json_t	*deploy_step_progress_new(const struct deploy_step_plan *p,
	    int long_running, int64_t now);
/* The target after a finished step: a step more, capped by instances;
 * all of them once `cycles` steps were done. */
int	deploy_step_next_target(const struct deploy_step_plan *p, int target);
/* Old-deploy tasks a finished step stops, of old_serving ones still
 * serving: those beyond what the new deploy does not cover yet. */
int	deploy_step_old_to_stop(int instances, int target, int old_serving);
/*
 * Instances the active (old) deploy should keep while `progress`, of a
 * pending deploy, is under way: all of them, less those a stepped deploy
 * already took over (its healthy new tasks, up to its target).
 */
int	deploy_step_old_expected(const json_t *progress, int instances);
/* Whether an automatic step may start now (the finished step's wait is
 * over); 0 when the plan waits for POST /deploys/update. */
int	deploy_step_may_advance(const struct deploy_step_plan *p,
	    const json_t *progress, int64_t now);
/* The TaskCleanupType for the new deploy's tasks when it ends in
 * deploy_state (FAILED, OVERDUE, CANCELED, ...). */
const char *deploy_step_cleanup_type(int stepped, const char *deploy_state);

#endif
