/*
 * Task search (spec 1.4, GET /history/tasks): the finished tasks that
 * match Singularity's SingularityTaskHistoryQuery, a page of them in
 * start order, and how many there are.
 */
#ifndef KERR_DB_TASK_SEARCH_H
#define KERR_DB_TASK_SEARCH_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"

/*
 * What to match.  A NULL string matches any value; the bounds are
 * exclusive, and db_task_query_init() sets them to INT64_MIN / INT64_MAX,
 * which match every task.  host is compared with the task id's host.
 */
struct db_task_query {
	const char	*request_id;
	const char	*deploy_id;
	const char	*run_id;
	const char	*host;
	const char	*state;		/* lastTaskStatus */
	int64_t		 started_after, started_before;
	int64_t		 updated_after, updated_before;
	int		 ascending;	/* orderDirection ASC; default DESC */
};

void	db_task_query_init(struct db_task_query *q);
/* Page `page` (from 1) of `count` matching tasks, by startedAt (then
 * requestId when no request is named): [SingularityTaskIdHistory], a new
 * array owned by the caller. */
int	db_task_search(struct db *db, const struct db_task_query *q,
	    int count, int page, json_t **ret);
/* How many finished tasks match. */
int	db_task_search_count(struct db *db, const struct db_task_query *q,
	    int64_t *ret);

#endif
