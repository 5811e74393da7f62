/*
 * The history purge, as Singularity's SingularityHistoryPurger: finished
 * tasks older than a number of days or past a number per request (with
 * their task_updates and task_healthchecks), deploys past a number per
 * request, request_history rows past a number per request.  A pass goes
 * phase by phase (db_retention.h), each step one short transaction of at
 * most a batch of rows, so that the API's writers never wait long and its
 * readers (WAL) not at all.  Never purged: an active task, a task whose
 * end schedulerd has not handled yet, the last finished task of a
 * request's active deploy, the active and the pending deploy and a deploy
 * with active tasks.  A purged task whose sandbox is still on disk leaves
 * it in sandbox_orphans for cleanerd's sweep.
 */
#include <errno.h>
#include <string.h>

#include "db_retention.h"

/* A finished task that may go: not the last of its request's active
 * deploy (Singularity keeps what a request's page shows). */
#define DB_PURGE_TASK_MAY_GO						\
	" t.active = 0 AND t.finish_handled = 1 AND NOT EXISTS ("	\
	"  SELECT 1 FROM request_deploy_state s"			\
	"  WHERE s.request_id = t.request_id"				\
	"  AND s.active_deploy_id = t.deploy_id AND NOT EXISTS ("	\
	"   SELECT 1 FROM tasks n WHERE n.request_id = t.request_id"	\
	"   AND n.deploy_id = t.deploy_id AND n.active = 0"		\
	"   AND n.started_at > t.started_at))"

static const char SQL_PURGE_TASKS_OLD[] =
	"SELECT json_group_array(task_id) FROM (SELECT t.task_id FROM tasks t"
	" WHERE t.active = 0 AND t.updated_at < ?1 AND" DB_PURGE_TASK_MAY_GO
	" ORDER BY t.updated_at LIMIT ?2)";
static const char SQL_PURGE_TASKS_OVER[] =
	"SELECT json_group_array(task_id) FROM (SELECT t.task_id FROM tasks t"
	" WHERE t.request_id = ?1 AND t.active = 0 AND t.started_at < ("
	"  SELECT started_at FROM tasks WHERE request_id = ?1 AND active = 0"
	"  ORDER BY started_at DESC LIMIT 1 OFFSET ?2 - 1)"
	" AND" DB_PURGE_TASK_MAY_GO " ORDER BY t.started_at LIMIT ?3)";
static const char SQL_PURGE_TASK_ORPHANS[] =
	"INSERT OR IGNORE INTO sandbox_orphans (task_id, finished_at)"
	" SELECT task_id, updated_at FROM tasks WHERE task_id IN"
	" (SELECT value FROM json_each(?1)) AND sandbox_removed_at IS NULL";
static const char SQL_PURGE_TASK_UPDATES[] =
	"DELETE FROM task_updates WHERE task_id IN"
	" (SELECT value FROM json_each(?1))";
static const char SQL_PURGE_TASK_HEALTHCHECKS[] =
	"DELETE FROM task_healthchecks WHERE task_id IN"
	" (SELECT value FROM json_each(?1))";
static const char SQL_PURGE_TASK_ROWS[] =
	"DELETE FROM tasks WHERE task_id IN (SELECT value FROM json_each(?1))"
	" AND active = 0";

static const char SQL_PURGE_REQUESTS_TASKS_OVER[] =
	"SELECT json_group_array(request_id) FROM (SELECT request_id FROM tasks"
	" WHERE active = 0 GROUP BY request_id HAVING count(*) > ?1)";
static const char SQL_PURGE_REQUESTS_DEPLOYS_OVER[] =
	"SELECT json_group_array(request_id) FROM (SELECT request_id FROM"
	" deploys GROUP BY request_id HAVING count(*) > ?1)";
static const char SQL_PURGE_REQUESTS_HISTORY_OVER[] =
	"SELECT json_group_array(request_id) FROM (SELECT request_id FROM"
	" request_history GROUP BY request_id HAVING count(*) > ?1)";

static const char SQL_PURGE_DEPLOYS[] =
	"DELETE FROM deploys WHERE rowid IN (SELECT d.rowid FROM deploys d"
	" WHERE d.request_id = ?1 AND d.created_at < ("
	"  SELECT created_at FROM deploys WHERE request_id = ?1"
	"  ORDER BY created_at DESC LIMIT 1 OFFSET ?2 - 1)"
	" AND NOT EXISTS (SELECT 1 FROM request_deploy_state s"
	"  WHERE s.request_id = d.request_id"
	"  AND d.deploy_id IN (s.active_deploy_id, s.pending_deploy_id))"
	" AND NOT EXISTS (SELECT 1 FROM pending_deploys p"
	"  WHERE p.request_id = d.request_id AND p.deploy_id = d.deploy_id)"
	" AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.active = 1"
	"  AND t.request_id = d.request_id AND t.deploy_id = d.deploy_id)"
	" ORDER BY d.created_at LIMIT ?3)";
static const char SQL_PURGE_REQUEST_HISTORY[] =
	"DELETE FROM request_history WHERE seq IN (SELECT seq"
	" FROM request_history WHERE request_id = ?1 AND seq < ("
	"  SELECT seq FROM request_history WHERE request_id = ?1"
	"  ORDER BY seq DESC LIMIT 1 OFFSET ?2 - 1)"
	" ORDER BY seq LIMIT ?3)";

void
db_purge_run_start(struct db_purge_run *run,
    const struct db_purge_policy *policy)
{
	db_purge_run_free(run);
	memset(run, 0, sizeof(*run));
	run->policy = *policy;
	run->phase = DB_PURGE_TASKS_BY_AGE;
}

void
db_purge_run_free(struct db_purge_run *run)
{
	json_decref(run->requests);
	run->requests = NULL;
}

/* Delete the tasks named in ids (a JSON array) and what hangs off them;
 * inside the caller's transaction. */
static int
db_purge_task_ids(struct db *db, const json_t *ids)
{
	int r;

	if ((r = db_run(db, SQL_PURGE_TASK_ORPHANS, NULL, "j", ids)) < 0 ||
	    (r = db_run(db, SQL_PURGE_TASK_UPDATES, NULL, "j", ids)) < 0 ||
	    (r = db_run(db, SQL_PURGE_TASK_HEALTHCHECKS, NULL, "j", ids)) < 0)
		return (r);
	return (db_run(db, SQL_PURGE_TASK_ROWS, NULL, "j", ids));
}

/* One transaction: the batch of tasks sql picks, gone.  The number
 * purged, or negative errno. */
static int
db_purge_tasks_batch(struct db *db, const char *sql, const char *request_id,
    int keep, int64_t ended_before)
{
	json_t	*ids = NULL;
	int	 r, n = 0;

	if ((r = db_begin(db)) < 0)
		return (r);
	if (request_id != NULL)
		r = db_query_json(db, sql, &ids, "sii", request_id,
		    (int64_t)keep, (int64_t)DB_PURGE_TASK_BATCH);
	else
		r = db_query_json(db, sql, &ids, "ii", ended_before,
		    (int64_t)DB_PURGE_TASK_BATCH);
	if (r == 0 && !json_is_array(ids))
		r = -EIO;
	if (r == 0 && (n = (int)json_array_size(ids)) > 0)
		r = db_purge_task_ids(db, ids);
	json_decref(ids);
	if ((r = db_end(db, r)) < 0)
		return (r);
	return (n);
}

/* One transaction of a row purge by count (deploys, request history). */
static int
db_purge_rows_batch(struct db *db, const char *sql, const char *request_id,
    int keep)
{
	int r, n = 0;

	if ((r = db_begin(db)) < 0)
		return (r);
	r = db_run(db, sql, &n, "sii", request_id, (int64_t)keep,
	    (int64_t)DB_PURGE_ROW_BATCH);
	if ((r = db_end(db, r)) < 0)
		return (r);
	return (n);
}

/* The keep of a by-count phase and the read that lists its requests. */
static int
db_purge_phase_keep(const struct db_purge_run *run, const char **ret_sql)
{
	switch (run->phase) {
	case DB_PURGE_TASKS_BY_COUNT:
		*ret_sql = SQL_PURGE_REQUESTS_TASKS_OVER;
		return (run->policy.task_keep);
	case DB_PURGE_DEPLOYS:
		*ret_sql = SQL_PURGE_REQUESTS_DEPLOYS_OVER;
		return (run->policy.deploy_keep);
	case DB_PURGE_REQUEST_HISTORY:
		*ret_sql = SQL_PURGE_REQUESTS_HISTORY_OVER;
		return (run->policy.request_history_keep);
	default:
		*ret_sql = NULL;
		return (0);
	}
}

/* List the requests over this phase's limit: the phase's first step. */
static int
db_purge_list_requests(struct db *db, struct db_purge_run *run, int keep,
    const char *sql)
{
	json_t	*ids;
	int	 r;

	if ((r = db_query_json(db, sql, &ids, "i", (int64_t)keep)) < 0)
		return (r);
	run->requests = ids;
	run->next = 0;
	return (0);
}

/* One step of a by-count phase: 1 more, 0 the phase is done. */
static int
db_purge_count_step(struct db *db, struct db_purge_run *run)
{
	const char	*list_sql, *id;
	int		 keep, n;

	if ((keep = db_purge_phase_keep(run, &list_sql)) <= 0)
		return (0);
	if (run->requests == NULL) {
		if ((n = db_purge_list_requests(db, run, keep, list_sql)) < 0)
			return (n);
		return (1);
	}
	if (run->next >= json_array_size(run->requests))
		return (0);
	id = json_string_value(json_array_get(run->requests, run->next));
	switch (run->phase) {
	case DB_PURGE_TASKS_BY_COUNT:
		n = db_purge_tasks_batch(db, SQL_PURGE_TASKS_OVER, id, keep, 0);
		if (n > 0)
			run->tasks += n;
		break;
	case DB_PURGE_DEPLOYS:
		n = db_purge_rows_batch(db, SQL_PURGE_DEPLOYS, id, keep);
		if (n > 0)
			run->deploys += n;
		break;
	default:
		n = db_purge_rows_batch(db, SQL_PURGE_REQUEST_HISTORY, id, keep);
		if (n > 0)
			run->request_history += n;
		break;
	}
	if (n < 0)
		return (n);
	/* A short batch: this request is within its limit now. */
	if (n < (run->phase == DB_PURGE_TASKS_BY_COUNT ? DB_PURGE_TASK_BATCH :
	    DB_PURGE_ROW_BATCH))
		run->next++;
	return (1);
}

int
db_purge_run_step(struct db *db, struct db_purge_run *run)
{
	int r;

	while (run->phase != DB_PURGE_DONE) {
		if (run->phase == DB_PURGE_TASKS_BY_AGE) {
			r = 0;
			if (run->policy.task_ended_before > 0 &&
			    (r = db_purge_tasks_batch(db, SQL_PURGE_TASKS_OLD,
			    NULL, 0, run->policy.task_ended_before)) > 0)
				run->tasks += r;
			if (r < 0)
				return (r);
			if (r == DB_PURGE_TASK_BATCH)
				return (1);
		} else if ((r = db_purge_count_step(db, run)) != 0)
			return (r);
		/* This phase is done: the next. */
		json_decref(run->requests);
		run->requests = NULL;
		run->phase++;
		if (r > 0 || run->phase == DB_PURGE_DONE)
			return (run->phase != DB_PURGE_DONE);
	}
	return (0);
}
