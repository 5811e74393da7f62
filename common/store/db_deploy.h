/*
 * The deploy tables: deploys (every SingularityDeploy ever posted, with
 * its marker and, once finished, its SingularityDeployResult),
 * pending_deploys (SingularityPendingDeploy, one per request) and the
 * markers of request_deploy_state.  New references returned; writers run
 * in the caller's transaction.
 */
#ifndef KERR_DB_DEPLOY_H
#define KERR_DB_DEPLOY_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

/* -EEXIST when this deploy id was already used for the request. */
int	db_deploy_insert(struct db *db, const json_t *deploy,
	    const json_t *marker, int64_t now);
/* The SingularityDeploy; -ENOENT when unknown. */
int	db_deploy_get(struct db *db, const char *request_id,
	    const char *deploy_id, json_t **ret);
int	db_deploy_set_result(struct db *db, const char *request_id,
	    const char *deploy_id, const json_t *result);
/* [SingularityDeployHistory] newest first, paged (page >= 1). */
int	db_deploy_history(struct db *db, const char *request_id, int count,
	    int page, json_t **ret);
/* One SingularityDeployHistory; -ENOENT when unknown. */
int	db_deploy_history_one(struct db *db, const char *request_id,
	    const char *deploy_id, json_t **ret);

/* pending_deploys.  put: -EEXIST when the request already has one. */
int	db_pending_deploy_put(struct db *db, const char *request_id,
	    const json_t *pending, int replace, int64_t now);
int	db_pending_deploy_get(struct db *db, const char *request_id,
	    json_t **ret);
int	db_pending_deploy_remove(struct db *db, const char *request_id);
int	db_pending_deploy_list(struct db *db, json_t **ret);

/* request_deploy_state: set both markers (NULL clears one); remove the
 * row of a request being purged. */
int	db_deploy_state_set(struct db *db, const char *request_id,
	    const json_t *active_marker, const json_t *pending_marker);
int	db_deploy_state_remove(struct db *db, const char *request_id);

#endif
