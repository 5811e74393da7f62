/*
 * The store's gauges for GET /metrics.  Each query walks an index (the
 * live tasks on tasks_live, the requests on requests_by_state), as
 * GET /state does, so a scrape stays cheap with millions of history rows.
 */
#include <errno.h>
#include <sqlite3.h>

#include "db_metrics.h"

static const char SQL_METRICS_TASKS[] =
	"SELECT state, count(*) FROM tasks INDEXED BY tasks_live"
	" WHERE active = 1 GROUP BY state ORDER BY state";
static const char SQL_METRICS_REQUESTS[] =
	"SELECT state, request_type, count(*) FROM requests"
	" WHERE state <> 'DELETED' GROUP BY state, request_type"
	" ORDER BY state, request_type";
static const char SQL_METRICS_QUEUES[] =
	"SELECT 'pending_requests', count(*) FROM pending_requests"
	" UNION ALL SELECT 'pending_tasks', count(*) FROM pending_tasks"
	" UNION ALL SELECT 'request_cleanups', count(*) FROM request_cleanups"
	" UNION ALL SELECT 'task_cleanups', count(*) FROM task_cleanups"
	" UNION ALL SELECT 'webhooks', count(*) FROM webhook_queue";

#define DB_METRICS_MAX_LABELS	2

static int
db_metrics_rows(struct db *db, const char *sql, int nlabels,
    db_metrics_row_fn fn, void *arg)
{
	const char	*labels[DB_METRICS_MAX_LABELS];
	sqlite3_stmt	*st = NULL;
	int		 i, r;

	if ((r = db_stmt(db, sql, &st)) < 0)
		return (r);
	while ((r = db_step(st)) == 1) {
		for (i = 0; i < nlabels; i++)
			if ((labels[i] = (const char *)sqlite3_column_text(st,
			    i)) == NULL)
				labels[i] = "";
		if ((r = fn(arg, labels, sqlite3_column_int64(st,
		    nlabels))) < 0)
			break;
	}
	db_release(st);
	return (r < 0 ? r : 0);
}

int
db_metrics_tasks(struct db *db, db_metrics_row_fn fn, void *arg)
{
	return (db_metrics_rows(db, SQL_METRICS_TASKS, 1, fn, arg));
}

int
db_metrics_requests(struct db *db, db_metrics_row_fn fn, void *arg)
{
	return (db_metrics_rows(db, SQL_METRICS_REQUESTS, 2, fn, arg));
}

int
db_metrics_queues(struct db *db, db_metrics_row_fn fn, void *arg)
{
	return (db_metrics_rows(db, SQL_METRICS_QUEUES, 1, fn, arg));
}
