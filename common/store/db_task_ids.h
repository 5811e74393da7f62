/*
 * Task ids as the request and deploy pages list them (db_task_ids.c):
 * SingularityTaskIdsByStatus of a request, and the
 * SingularityTaskIdHistory lists of a request's or a deploy's active and
 * finished tasks.  Read-only; new references owned by the caller.
 */
#ifndef KERR_DB_TASK_IDS_H
#define KERR_DB_TASK_IDS_H

#include <jansson.h>

#include "db.h"

/* {healthy, notYetHealthy, pending, cleaning, loadBalanced, killed} of
 * the request's active and pending tasks. */
int	db_task_ids_by_status(struct db *db, const char *request_id,
	    json_t **ret);

/* [SingularityTaskIdHistory] {taskId, updatedAt, lastTaskState, runId?}
 * of a request's tasks (of one deploy unless deploy_id is NULL), newest
 * start first: the active ones, or a page (>= 1) of the finished ones. */
int	db_task_ids_active(struct db *db, const char *request_id,
	    const char *deploy_id, json_t **ret);
int	db_task_ids_inactive(struct db *db, const char *request_id,
	    const char *deploy_id, int count, int page, json_t **ret);

#endif
