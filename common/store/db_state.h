/*
 * Counts behind GET /state (SingularityState), read in one transaction so
 * they are consistent with each other.
 */
#ifndef KERR_DB_STATE_H
#define KERR_DB_STATE_H

#include <stdint.h>

#include "db.h"

struct db_state_counts {
	int64_t	active_requests;	/* ACTIVE + DEPLOYING_TO_UNPAUSE */
	int64_t	all_requests;
	int64_t	paused_requests;
	int64_t	cooldown_requests;
	int64_t	finished_requests;
	int64_t	pending_requests;
	int64_t	cleaning_requests;
	int64_t	active_tasks;
	int64_t	launching_tasks;
	int64_t	scheduled_tasks;
	int64_t	late_tasks;		/* pending tasks already due */
	int64_t	future_tasks;		/* pending tasks not yet due */
	int64_t	cleaning_tasks;
	int64_t	max_task_lag_ms;	/* now - oldest due next_run_at */
};

/* now_ms decides which pending tasks are late.  0 or negative errno. */
int	db_state_counts(struct db *db, int64_t now_ms,
	    struct db_state_counts *ret);

#endif
