/*
 * What the deploy checker (sched_deploy.c) and its steps
 * (sched_deploy_step.c) share: one pending deploy as a pass sees it,
 * inside the transaction that advances it.
 */
#ifndef KERR_SCHED_DEPLOY_H
#define KERR_SCHED_DEPLOY_H

#include <jansson.h>

#include "db_request.h"
#include "deploy_step.h"
#include "sched.h"

struct sched_deploy {
	struct db_request	 r;
	json_t			*pending;	/* SingularityPendingDeploy */
	json_t			*progress;	/* its deployProgress */
	json_t			*deploy;	/* SingularityDeploy */
	const json_t		*request;	/* updatedRequest, else r's */
	const char		*request_id;
	const char		*deploy_id;
	json_t			*failures;	/* deployFailures */
	struct deploy_step_plan	 plan;
	int64_t			 now;
};

/* sched_deploy.c: end the deploy in state (SUCCEEDED, FAILED, ...). */
int	sched_deploy_finish(struct sched *s, struct sched_deploy *sd,
	    const char *state, const char *message);
/* Write the pending deploy back (its progress changed). */
int	sched_deploy_save(struct sched *s, struct sched_deploy *sd);
/* Queue a pending request of type for deploy_id of the request. */
int	sched_deploy_queue(struct sched *s, struct sched_deploy *sd,
	    const char *deploy_id, const char *type);

/*
 * sched_deploy_step.c.  Each returns 0 or a negative errno; the deploy
 * may have finished (sched_deploy_finish) when they return.
 */
/* New failed tasks (failed, failed_ids their SingularityTaskIds): 1 when
 * the deploy may replace them, 0 when it fails for them. */
int	sched_deploy_step_retry(struct sched *s, struct sched_deploy *sd,
	    json_t *failed_ids, int total_failed);
/* A POST /deploys/update waiting beside the deploy: applied (1), or
 * none (0); healthy is the new deploy's healthy tasks. */
int	sched_deploy_step_update(struct sched *s, struct sched_deploy *sd,
	    int healthy);
/* The step's target is healthy: stop old tasks the step replaced, and
 * succeed or wait for the next step. */
int	sched_deploy_step_done(struct sched *s, struct sched_deploy *sd,
	    int healthy);
/* A finished step: start the next one when its wait is over. */
int	sched_deploy_step_next(struct sched *s, struct sched_deploy *sd,
	    int healthy);

#endif
