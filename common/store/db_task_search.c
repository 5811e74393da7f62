/*
 * Task search over the finished rows of `tasks` (see db_task_search.h),
 * as Singularity's history JDBI builds it: the WHERE clause names only
 * the filters given, so SQLite answers each shape of search from one
 * index: a count over a request's finished tasks reads no table row, and
 * a page of them reads only the rows it returns.
 *
 * The statement text is put together from the constant pieces below and
 * nothing else; every value is bound.  Which index drives the scan is
 * chosen here (INDEXED BY), not left to the planner: without statistics
 * it cannot tell that a host names nearly every task while a request
 * names few of them.  The indexes are those of schema v7 (db_schema.c)
 * and tasks_by_run (v2).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "db_task_search.h"

#define DB_TASK_SEARCH_SQL_MAX	1024

/* SingularityTaskIdHistory; json_patch() drops a NULL runId (0.2). */
static const char SQL_TASK_SEARCH_ROWS[] =
	"SELECT json_patch(json_object('taskId', task_json -> '$.taskId',"
	" 'updatedAt', updated_at, 'lastTaskState', state),"
	" json_object('runId', run_id))";
static const char SQL_TASK_SEARCH_COUNT[] = "SELECT count(*)";
static const char SQL_TASK_SEARCH_FROM[] = " FROM tasks INDEXED BY ";
static const char SQL_TASK_SEARCH_WHERE[] = " WHERE active = 0";
/* Singularity's order; requestId only breaks ties of a global search. */
static const char SQL_TASK_SEARCH_ORDER_DESC[] = " ORDER BY started_at DESC";
static const char SQL_TASK_SEARCH_ORDER_ASC[] = " ORDER BY started_at ASC";
static const char SQL_TASK_SEARCH_TIE_DESC[] = ", request_id DESC";
static const char SQL_TASK_SEARCH_TIE_ASC[] = ", request_id ASC";
static const char SQL_TASK_SEARCH_LIMIT[] = " LIMIT :limit OFFSET :offset";

/* One filter: its term and the parameter the term names. */
struct db_task_search_term {
	const char	*sql;
	const char	*param;
};

enum db_task_search_field {
	DB_TS_REQUEST, DB_TS_DEPLOY, DB_TS_RUN, DB_TS_HOST, DB_TS_STATE,
	DB_TS_STARTED_AFTER, DB_TS_STARTED_BEFORE, DB_TS_UPDATED_AFTER,
	DB_TS_UPDATED_BEFORE, DB_TS_NFIELDS
};

static const struct db_task_search_term db_task_search_terms[] = {
	[DB_TS_REQUEST] = { " AND request_id = :request", ":request" },
	[DB_TS_DEPLOY] = { " AND deploy_id = :deploy", ":deploy" },
	[DB_TS_RUN] = { " AND run_id = :run", ":run" },
	[DB_TS_HOST] = { " AND host = :host", ":host" },
	[DB_TS_STATE] = { " AND state = :state", ":state" },
	[DB_TS_STARTED_AFTER] = { " AND started_at > :sa", ":sa" },
	[DB_TS_STARTED_BEFORE] = { " AND started_at < :sb", ":sb" },
	[DB_TS_UPDATED_AFTER] = { " AND updated_at > :ua", ":ua" },
	[DB_TS_UPDATED_BEFORE] = { " AND updated_at < :ub", ":ub" },
};

/* A query's values by field: text, else the integer (when set). */
struct db_task_search_vals {
	const char	*text[DB_TS_NFIELDS];
	int64_t		 num[DB_TS_NFIELDS];
	int		 set[DB_TS_NFIELDS];
};

struct db_task_search_buf {
	char	 sql[DB_TASK_SEARCH_SQL_MAX];
	size_t	 len;
	int	 err;
};

void
db_task_query_init(struct db_task_query *q)
{
	memset(q, 0, sizeof(*q));
	q->started_after = q->updated_after = INT64_MIN;
	q->started_before = q->updated_before = INT64_MAX;
}

static void
db_task_search_text(struct db_task_search_vals *v,
    enum db_task_search_field f, const char *s)
{
	v->text[f] = s;
	v->set[f] = s != NULL;
}

/* A bound at its extreme matches every task: no term for it. */
static void
db_task_search_num(struct db_task_search_vals *v,
    enum db_task_search_field f, int64_t n, int64_t none)
{
	v->num[f] = n;
	v->set[f] = n != none;
}

static void
db_task_search_values(const struct db_task_query *q,
    struct db_task_search_vals *v)
{
	memset(v, 0, sizeof(*v));
	db_task_search_text(v, DB_TS_REQUEST, q->request_id);
	db_task_search_text(v, DB_TS_DEPLOY, q->deploy_id);
	db_task_search_text(v, DB_TS_RUN, q->run_id);
	db_task_search_text(v, DB_TS_HOST, q->host);
	db_task_search_text(v, DB_TS_STATE, q->state);
	db_task_search_num(v, DB_TS_STARTED_AFTER, q->started_after,
	    INT64_MIN);
	db_task_search_num(v, DB_TS_STARTED_BEFORE, q->started_before,
	    INT64_MAX);
	db_task_search_num(v, DB_TS_UPDATED_AFTER, q->updated_after,
	    INT64_MIN);
	db_task_search_num(v, DB_TS_UPDATED_BEFORE, q->updated_before,
	    INT64_MAX);
}

/*
 * The most selective index the filters allow.  A run id names one task of
 * a request, a deploy a part of its tasks; without a request, a state
 * or a host is the only equality an index can start with.  Each keeps
 * the rows in start order, so a page is read off the index (a run id's
 * few rows are sorted).
 */
static const char *
db_task_search_index(const struct db_task_query *q)
{
	if (q->request_id != NULL && q->run_id != NULL)
		return ("tasks_by_run");
	if (q->request_id != NULL && q->deploy_id != NULL)
		return ("tasks_done_by_deploy");
	if (q->request_id != NULL)
		return ("tasks_done_by_request");
	if (q->state != NULL)
		return ("tasks_done_by_state");
	if (q->host != NULL)
		return ("tasks_done_by_host");
	return ("tasks_done_by_start");
}

static void
db_task_search_add(struct db_task_search_buf *b, const char *s)
{
	size_t	 n = strlen(s);

	if (b->err != 0 || b->len + n >= sizeof(b->sql)) {
		b->err = -E2BIG;
		return;
	}
	memcpy(b->sql + b->len, s, n + 1);
	b->len += n;
}

static int
db_task_search_bind_int(sqlite3_stmt *st, const char *param, int64_t n)
{
	int	 i = sqlite3_bind_parameter_index(st, param);

	return (i == 0 ? -EIO : db_errno(sqlite3_bind_int64(st, i, n)));
}

static int
db_task_search_bind(sqlite3_stmt *st, const struct db_task_search_vals *v,
    enum db_task_search_field f)
{
	const char	*param = db_task_search_terms[f].param;
	int		 i;

	if (v->text[f] == NULL)
		return (db_task_search_bind_int(st, param, v->num[f]));
	if ((i = sqlite3_bind_parameter_index(st, param)) == 0)
		return (-EIO);
	return (db_bind_text(st, i, v->text[f]));
}

/* The statement for q: rows (count >= 0, a page) or the count (-1). */
static int
db_task_search_prepare(struct db *db, const struct db_task_query *q,
    int count, int page, sqlite3_stmt **ret)
{
	struct db_task_search_buf	 b = { .len = 0, .err = 0 };
	struct db_task_search_vals	 v;
	sqlite3_stmt			*st = NULL;
	int				 f, r;

	db_task_search_values(q, &v);
	b.sql[0] = '\0';
	db_task_search_add(&b, count < 0 ? SQL_TASK_SEARCH_COUNT :
	    SQL_TASK_SEARCH_ROWS);
	db_task_search_add(&b, SQL_TASK_SEARCH_FROM);
	db_task_search_add(&b, db_task_search_index(q));
	db_task_search_add(&b, SQL_TASK_SEARCH_WHERE);
	for (f = 0; f < DB_TS_NFIELDS; f++)
		if (v.set[f])
			db_task_search_add(&b, db_task_search_terms[f].sql);
	if (count >= 0) {
		db_task_search_add(&b, q->ascending ?
		    SQL_TASK_SEARCH_ORDER_ASC : SQL_TASK_SEARCH_ORDER_DESC);
		if (q->request_id == NULL)
			db_task_search_add(&b, q->ascending ?
			    SQL_TASK_SEARCH_TIE_ASC : SQL_TASK_SEARCH_TIE_DESC);
		db_task_search_add(&b, SQL_TASK_SEARCH_LIMIT);
	}
	if (b.err != 0)
		return (b.err);
	if ((r = db_errno(sqlite3_prepare_v2(db_handle(db), b.sql, -1, &st,
	    NULL))) < 0)
		return (r);
	for (f = 0; f < DB_TS_NFIELDS && r == 0; f++)
		if (v.set[f])
			r = db_task_search_bind(st, &v, f);
	if (r == 0 && count >= 0 && (r = db_task_search_bind_int(st,
	    ":limit", count)) == 0)
		r = db_task_search_bind_int(st, ":offset",
		    (int64_t)(page - 1) * count);
	if (r < 0) {
		sqlite3_finalize(st);
		return (r);
	}
	*ret = st;
	return (0);
}

int
db_task_search(struct db *db, const struct db_task_query *q, int count,
    int page, json_t **ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if (count < 0 || page < 1)
		return (-EINVAL);
	if ((r = db_task_search_prepare(db, q, count, page, &st)) < 0)
		return (r);
	r = db_collect_json(st, 0, ret);
	sqlite3_finalize(st);
	return (r);
}

int
db_task_search_count(struct db *db, const struct db_task_query *q,
    int64_t *ret)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = db_task_search_prepare(db, q, -1, 1, &st)) < 0)
		return (r);
	if ((r = db_step(st)) == 1) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (r == 0)
		r = -EIO;
	sqlite3_finalize(st);
	return (r);
}
