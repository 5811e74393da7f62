/*
 * Queries over tasks, pending_tasks and task_cleanups.
 */
#include <errno.h>
#include <string.h>

#include "db_task.h"

static const char SQL_TASK_COUNTS[] =
	"SELECT (SELECT count(*) FROM tasks"
	"  WHERE request_id = ?1 AND active = 1),"
	" (SELECT count(*) FROM pending_tasks WHERE request_id = ?1),"
	" (SELECT count(*) FROM task_cleanups c JOIN tasks t"
	"  ON t.task_id = c.task_id WHERE c.request_id = ?1"
	"  AND t.active = 1)";

int
db_task_counts(struct db *db, const char *request_id,
    struct db_task_counts *ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_stmt(db, SQL_TASK_COUNTS, &st)) < 0)
		return (r);
	if ((r = db_bind_text(st, 1, request_id)) == 0 &&
	    (r = db_step(st)) == 1) {
		ret->active = sqlite3_column_int64(st, 0);
		ret->pending = sqlite3_column_int64(st, 1);
		ret->cleaning = sqlite3_column_int64(st, 2);
		r = 0;
	} else if (r == 0)
		r = -EIO;
	db_release(st);
	return (r);
}
