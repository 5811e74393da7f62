/*
 * Read-only aggregate queries over requests, pending_requests,
 * request_cleanups, tasks, pending_tasks and task_cleanups for GET /state.
 */
#include <errno.h>
#include <string.h>

#include "db_state.h"

static const char SQL_STATE_REQUESTS[] =
	"SELECT count(*),"
	" coalesce(sum(state IN ('ACTIVE', 'DEPLOYING_TO_UNPAUSE')), 0),"
	" coalesce(sum(state = 'PAUSED'), 0),"
	" coalesce(sum(state = 'SYSTEM_COOLDOWN'), 0),"
	" coalesce(sum(state = 'FINISHED'), 0)"
	" FROM requests WHERE state NOT IN ('DELETED')";
static const char SQL_STATE_QUEUES[] =
	"SELECT (SELECT count(*) FROM pending_requests),"
	" (SELECT count(*) FROM request_cleanups),"
	" (SELECT count(*) FROM task_cleanups)";
static const char SQL_STATE_TASKS[] =
	"SELECT count(*),"
	" coalesce(sum(state IN ('TASK_LAUNCHED', 'TASK_STAGING',"
	"  'TASK_STARTING')), 0)"
	" FROM tasks WHERE active = 1";
static const char SQL_STATE_PENDING_TASKS[] =
	"SELECT count(*),"
	" coalesce(sum(next_run_at <= ?1), 0),"
	" coalesce(max(?1 - min(next_run_at), 0), 0)"
	" FROM pending_tasks";

int
db_state_counts(struct db *db, int64_t now_ms, struct db_state_counts *ret)
{
	struct db_state_counts	 c;
	int64_t			 v[5];
	int			 r;

	memset(&c, 0, sizeof(c));
	/* A read transaction gives every count the same snapshot. */
	if ((r = db_errno(sqlite3_exec(db_handle(db), "BEGIN", NULL, NULL,
	    NULL))) < 0)
		return (r);
	if ((r = db_query_ints(db, SQL_STATE_REQUESTS, v, 5, "")) < 0)
		goto out;
	c.all_requests = v[0];
	c.active_requests = v[1];
	c.paused_requests = v[2];
	c.cooldown_requests = v[3];
	c.finished_requests = v[4];
	if ((r = db_query_ints(db, SQL_STATE_QUEUES, v, 3, "")) < 0)
		goto out;
	c.pending_requests = v[0];
	c.cleaning_requests = v[1];
	c.cleaning_tasks = v[2];
	if ((r = db_query_ints(db, SQL_STATE_TASKS, v, 2, "")) < 0)
		goto out;
	c.active_tasks = v[0];
	c.launching_tasks = v[1];
	if ((r = db_query_ints(db, SQL_STATE_PENDING_TASKS, v, 3, "i",
	    now_ms)) < 0)
		goto out;
	c.scheduled_tasks = v[0];
	c.late_tasks = v[1];
	c.future_tasks = v[0] - v[1];
	c.max_task_lag_ms = v[2];
	*ret = c;
out:
	db_rollback(db);
	return (r);
}
