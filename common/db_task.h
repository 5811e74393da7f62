/*
 * The task tables: tasks, pending_tasks and task_cleanups.
 */
#ifndef KERR_DB_TASK_H
#define KERR_DB_TASK_H

#include <stdint.h>

#include "db.h"

struct db_task_counts {
	int64_t	active;		/* launched and not yet terminal */
	int64_t	pending;	/* pending tasks waiting to launch */
	int64_t	cleaning;	/* active tasks with a cleanup */
};

/* SingularityTaskCounts of one request. */
int	db_task_counts(struct db *db, const char *request_id,
	    struct db_task_counts *ret);

#endif
