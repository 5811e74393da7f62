/*
 * Retention in the store: which finished tasks' sandboxes are due for
 * removal and the record that one was removed (db_retention.c), and the
 * history purge (db_purge.c), both driven by kerr-cleanerd.
 */
#ifndef KERR_DB_RETENTION_H
#define KERR_DB_RETENTION_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

/* Tasks in one purge transaction (each with its updates and health
 * checks: a few hundred rows); deploys or request history rows. */
#define DB_PURGE_TASK_BATCH	64
#define DB_PURGE_ROW_BATCH	256

/*
 * Finished tasks (active = 0, finish handled) whose sandbox is still
 * there and that ended before ended_before, oldest first, after the
 * cursor (after_end, after_id; "" starts at the first): a new array of
 * [taskId, endedAt] pairs, at most limit.
 */
int	db_retention_sandboxes_due(struct db *db, int64_t ended_before,
	    int64_t after_end, const char *after_id, int limit, json_t **ret);
/* Record that the task's sandbox was removed at `at` (ms). */
int	db_retention_sandbox_removed(struct db *db, const char *task_id,
	    int64_t at);
/* Sandboxes of purged tasks still to remove, oldest first: a new array
 * of [taskId, endedAt] pairs, at most limit. */
int	db_retention_orphans(struct db *db, int limit, json_t **ret);
int	db_retention_orphan_done(struct db *db, const char *task_id);
/* When the task's sandbox was removed (ms), 0 while it is kept;
 * -ENOENT for no such task. */
int	db_retention_sandbox_removed_at(struct db *db, const char *task_id,
	    int64_t *ret_at);

/* What the purge keeps (etc/kerr.conf [cleanerd]); 0: no limit. */
struct db_purge_policy {
	int64_t	task_ended_before;	/* ms; 0: no age limit */
	int	task_keep;		/* finished tasks per request */
	int	deploy_keep;		/* deploys per request */
	int	request_history_keep;	/* request_history rows per request */
};

enum db_purge_phase {
	DB_PURGE_TASKS_BY_AGE,
	DB_PURGE_TASKS_BY_COUNT,
	DB_PURGE_DEPLOYS,
	DB_PURGE_REQUEST_HISTORY,
	DB_PURGE_DONE
};

/* One pass of the purge, done in small steps. */
struct db_purge_run {
	struct db_purge_policy	 policy;
	enum db_purge_phase	 phase;
	json_t			*requests;	/* over the limit, this phase */
	size_t			 next;		/* index in requests */
	int64_t			 tasks;		/* rows purged so far */
	int64_t			 deploys;
	int64_t			 request_history;
};

/* Start a pass (run is the caller's, zeroed or done). */
void	db_purge_run_start(struct db_purge_run *run,
	    const struct db_purge_policy *policy);
/*
 * One step: one transaction of at most a batch of rows, or one read that
 * finds the requests over a limit.  1 while there is more to do, 0 when
 * the pass is done, negative errno (the pass may be stepped again).
 */
int	db_purge_run_step(struct db *db, struct db_purge_run *run);
/* Free what a pass holds (accepts a zeroed run). */
void	db_purge_run_free(struct db_purge_run *run);

#endif
