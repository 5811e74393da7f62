/*
 * Unit tests for common/store/db_task_search.c: every filter of
 * Singularity's task search on a small store of finished tasks (and one
 * active task, which no search returns), both orders and their ties,
 * pages, counts, the SingularityTaskIdHistory shape, and the query plan
 * of each shape of search: the index meant for it, and no sort of the
 * whole set.  Each test gets a fresh database, opened in check's forked
 * child by a checked fixture.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "db_task.h"
#include "db_task_search.h"
#include "fixture.h"
#include "task_id.h"

Suite	*task_search_suite(void);

static char		 check_ts_dir[64];
static struct db	*check_ts_db;

static const struct db_options check_ts_opt = {
	.busy_timeout_ms = 5000,
	.synchronous_full = 0,
};

/* The store: request, deploy, start, end, host, final state, run id. */
static const struct check_ts_task {
	const char	*request, *deploy;
	int64_t		 started, updated;
	const char	*host, *state, *run;
} check_ts_tasks[] = {
	{ "r1", "d1", 1000, 1500, "h1", "TASK_FINISHED", NULL },
	{ "r1", "d1", 2000, 2500, "h1", "TASK_FAILED", NULL },
	{ "r1", "d1", 3000, 3500, "h1", "TASK_KILLED", "run-a" },
	{ "r1", "d2", 4000, 4500, "node_2", "TASK_FINISHED", NULL },
	{ "r2", "d1", 2000, 2600, "h1", "TASK_FAILED", NULL },
	/* still running: never a search result */
	{ "r2", "d1", 5000, 5000, "h1", NULL, NULL },
};

static void
check_ts_add(const struct check_ts_task *c)
{
	struct task_id	 t;
	char		 id[TASK_ID_MAX + 1];
	json_t		*task;

	ck_assert_int_eq(task_id_format(id, sizeof(id), c->request, c->deploy,
	    c->started, 1, c->host, "DEFAULT"), 0);
	ck_assert_int_eq(task_id_parse(id, &t), 0);
	task = json_pack("{s:o}", "taskId", task_id_json(&t));
	ck_assert_ptr_nonnull(task);
	ck_assert_int_eq(db_task_insert(check_ts_db, task, c->run, NULL,
	    c->started), 0);
	json_decref(task);
	if (c->state != NULL)
		ck_assert_int_eq(db_task_record_update(check_ts_db, id,
		    c->state, NULL, NULL, c->updated), 0);
}

static void
check_ts_setup(void)
{
	char	 path[PATH_MAX];
	int	 i;

	fixture_tmpdir("/tmp/kerr-check-ts-", check_ts_dir,
	    sizeof(check_ts_dir));
	snprintf(path, sizeof(path), "%s/kerr.db", check_ts_dir);
	ck_assert_int_eq(db_open(path, &check_ts_opt, &check_ts_db), 0);
	ck_assert_int_eq(db_schema_migrate(check_ts_db), 0);
	for (i = 0; i < FIXTURE_N(check_ts_tasks); i++)
		check_ts_add(&check_ts_tasks[i]);
}

static void
check_ts_teardown(void)
{
	db_close(check_ts_db);
	check_ts_db = NULL;
	fixture_rmtree(check_ts_dir);
}

/* A search, and what it returns as "request@started" words. */
static const struct check_ts_case {
	const char	*name;
	const char	*request, *deploy, *run, *host, *state;
	int64_t		 sa, sb, ua, ub;	/* 0: no bound */
	int		 asc;
	const char	*want;
} check_ts_cases[] = {
	{ "all, newest first; a tie goes by request id", NULL, NULL, NULL,
	    NULL, NULL, 0, 0, 0, 0, 0, "r1@4000 r1@3000 r2@2000 r1@2000 "
	    "r1@1000" },
	{ "all, ASC", NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 1,
	    "r1@1000 r1@2000 r2@2000 r1@3000 r1@4000" },
	{ "request", "r1", NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0,
	    "r1@4000 r1@3000 r1@2000 r1@1000" },
	{ "request ASC", "r2", NULL, NULL, NULL, NULL, 0, 0, 0, 0, 1,
	    "r2@2000" },
	{ "request and deploy", "r1", "d1", NULL, NULL, NULL, 0, 0, 0, 0, 0,
	    "r1@3000 r1@2000 r1@1000" },
	{ "deploy alone", NULL, "d1", NULL, NULL, NULL, 0, 0, 0, 0, 0,
	    "r1@3000 r2@2000 r1@2000 r1@1000" },
	{ "request and run", "r1", NULL, "run-a", NULL, NULL, 0, 0, 0, 0, 0,
	    "r1@3000" },
	{ "run alone", NULL, NULL, "run-a", NULL, NULL, 0, 0, 0, 0, 0,
	    "r1@3000" },
	{ "run of another request", "r2", NULL, "run-a", NULL, NULL, 0, 0, 0,
	    0, 0, "" },
	{ "host", NULL, NULL, NULL, "node_2", NULL, 0, 0, 0, 0, 0,
	    "r1@4000" },
	{ "request and host", "r1", NULL, NULL, "h1", NULL, 0, 0, 0, 0, 0,
	    "r1@3000 r1@2000 r1@1000" },
	{ "unknown host", NULL, NULL, NULL, "nowhere", NULL, 0, 0, 0, 0, 0,
	    "" },
	{ "state", NULL, NULL, NULL, NULL, "TASK_FAILED", 0, 0, 0, 0, 0,
	    "r2@2000 r1@2000" },
	{ "request and state", "r1", NULL, NULL, NULL, "TASK_FINISHED", 0, 0,
	    0, 0, 0, "r1@4000 r1@1000" },
	{ "a state no finished task has", NULL, NULL, NULL, NULL,
	    "TASK_RUNNING", 0, 0, 0, 0, 0, "" },
	{ "startedAfter is exclusive", NULL, NULL, NULL, NULL, NULL, 2000, 0,
	    0, 0, 0, "r1@4000 r1@3000" },
	{ "startedBefore is exclusive", NULL, NULL, NULL, NULL, NULL, 0, 2000,
	    0, 0, 0, "r1@1000" },
	{ "started between", "r1", NULL, NULL, NULL, NULL, 1000, 4000, 0, 0,
	    1, "r1@2000 r1@3000" },
	{ "updatedAfter is exclusive", NULL, NULL, NULL, NULL, NULL, 0, 0,
	    2500, 0, 0, "r1@4000 r1@3000 r2@2000" },
	{ "updatedBefore is exclusive", NULL, NULL, NULL, NULL, NULL, 0, 0, 0,
	    2500, 0, "r1@1000" },
	{ "everything at once", "r1", "d1", NULL, "h1", "TASK_FAILED", 1000,
	    3000, 2000, 3000, 0, "r1@2000" },
};

static void
check_ts_query(const struct check_ts_case *c, struct db_task_query *q)
{
	db_task_query_init(q);
	q->request_id = c->request;
	q->deploy_id = c->deploy;
	q->run_id = c->run;
	q->host = c->host;
	q->state = c->state;
	if (c->sa != 0)
		q->started_after = c->sa;
	if (c->sb != 0)
		q->started_before = c->sb;
	if (c->ua != 0)
		q->updated_after = c->ua;
	if (c->ub != 0)
		q->updated_before = c->ub;
	q->ascending = c->asc;
}

/* The results as "request@started" words, into buf. */
static void
check_ts_words(json_t *list, char *buf, size_t len)
{
	json_t	*item, *tid;
	size_t	 i, used = 0;

	buf[0] = '\0';
	json_array_foreach(list, i, item) {
		tid = json_object_get(item, "taskId");
		used += (size_t)snprintf(buf + used, len - used, "%s%s@%lld",
		    i > 0 ? " " : "", json_string_value(json_object_get(tid,
		    "requestId")), (long long)json_integer_value(
		    json_object_get(tid, "startedAt")));
		ck_assert_uint_lt(used, len);
	}
}

START_TEST(test_task_search_filters)
{
	const struct check_ts_case	*c = &check_ts_cases[_i];
	struct db_task_query		 q;
	json_t				*list = NULL;
	char				 got[512];
	int64_t				 n = -1;

	check_ts_query(c, &q);
	ck_assert_int_eq(db_task_search(check_ts_db, &q, 100, 1, &list), 0);
	check_ts_words(list, got, sizeof(got));
	ck_assert_msg(strcmp(got, c->want) == 0, "%s: got '%s', want '%s'",
	    c->name, got, c->want);
	ck_assert_int_eq(db_task_search_count(check_ts_db, &q, &n), 0);
	ck_assert_int_eq(n, (int64_t)json_array_size(list));
	json_decref(list);
}
END_TEST

START_TEST(test_task_search_pages)
{
	static const struct {
		int		 count, page;
		const char	*want;
	} pages[] = {
		{ 2, 1, "r1@4000 r1@3000" },
		{ 2, 2, "r1@2000 r1@1000" },
		{ 2, 3, "" },
		{ 3, 2, "r1@1000" },
		{ 0, 1, "" },
	};
	struct db_task_query	 q;
	json_t			*list;
	char			 got[512];
	int64_t			 n = -1;
	int			 i;

	db_task_query_init(&q);
	q.request_id = "r1";
	for (i = 0; i < FIXTURE_N(pages); i++) {
		list = NULL;
		ck_assert_int_eq(db_task_search(check_ts_db, &q,
		    pages[i].count, pages[i].page, &list), 0);
		check_ts_words(list, got, sizeof(got));
		ck_assert_str_eq(got, pages[i].want);
		json_decref(list);
	}
	/* the count ignores the page */
	ck_assert_int_eq(db_task_search_count(check_ts_db, &q, &n), 0);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(db_task_search(check_ts_db, &q, -1, 1, &list),
	    -EINVAL);
	ck_assert_int_eq(db_task_search(check_ts_db, &q, 10, 0, &list),
	    -EINVAL);
}
END_TEST

/* SingularityTaskIdHistory: the task's own taskId; runId when it has one. */
START_TEST(test_task_search_shape)
{
	struct db_task_query	 q;
	json_t			*list = NULL, *h, *task = NULL;
	const char		*id;

	db_task_query_init(&q);
	q.request_id = "r1";
	q.deploy_id = "d1";
	ck_assert_int_eq(db_task_search(check_ts_db, &q, 2, 1, &list), 0);
	ck_assert_int_eq(json_array_size(list), 2);
	h = json_array_get(list, 0);
	ck_assert_int_eq(json_object_size(h), 4);
	ck_assert_str_eq(json_string_value(json_object_get(h, "runId")),
	    "run-a");
	ck_assert_str_eq(json_string_value(json_object_get(h,
	    "lastTaskState")), "TASK_KILLED");
	ck_assert_int_eq(json_integer_value(json_object_get(h, "updatedAt")),
	    3500);
	id = json_string_value(json_object_get(json_object_get(h, "taskId"),
	    "id"));
	ck_assert_ptr_nonnull(id);
	ck_assert_int_eq(db_task_get(check_ts_db, id, &task), 0);
	ck_assert(json_equal(json_object_get(task, "taskId"),
	    json_object_get(h, "taskId")));
	json_decref(task);
	/* no run id: no runId member, not a null */
	h = json_array_get(list, 1);
	ck_assert_int_eq(json_object_size(h), 3);
	ck_assert_ptr_null(json_object_get(h, "runId"));
	json_decref(list);
}
END_TEST

/* The statement db_task_search last ran, its values written in. */
static char	*check_ts_last_sql;

static int
check_ts_trace(unsigned type, void *ctx, void *p, void *x)
{
	char	*sql;

	(void)ctx;
	(void)x;
	if (type != SQLITE_TRACE_STMT ||
	    (sql = sqlite3_expanded_sql(p)) == NULL)
		return (0);
	if (strstr(sql, "FROM tasks INDEXED BY") != NULL) {
		free(check_ts_last_sql);
		check_ts_last_sql = strdup(sql);
	}
	sqlite3_free(sql);
	return (0);
}

/* EXPLAIN QUERY PLAN of the last search, its lines joined by '|'. */
static void
check_ts_plan(char *buf, size_t len)
{
	sqlite3_stmt	*st = NULL;
	char		 sql[2048];
	size_t		 used = 0;

	ck_assert_ptr_nonnull(check_ts_last_sql);
	snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", check_ts_last_sql);
	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(check_ts_db), sql, -1,
	    &st, NULL), SQLITE_OK);
	buf[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		used += (size_t)snprintf(buf + used, len - used, "%s|",
		    (const char *)sqlite3_column_text(st, 3));
		ck_assert_uint_lt(used, len);
	}
	sqlite3_finalize(st);
}

/* Each shape of search is read off its index, in order. */
static const struct {
	const char	*request, *deploy, *run, *host, *state;
	int		 asc;
	const char	*index;
	int		 sorts;		/* a run id's few rows are sorted */
} check_ts_plans[] = {
	{ "r1", NULL, NULL, NULL, NULL, 0, "tasks_done_by_request", 0 },
	{ "r1", NULL, NULL, NULL, NULL, 1, "tasks_done_by_request", 0 },
	{ "r1", NULL, NULL, "h1", "TASK_FAILED", 0, "tasks_done_by_request",
	    0 },
	{ "r1", "d1", NULL, NULL, NULL, 0, "tasks_done_by_deploy", 0 },
	{ "r1", "d1", "run-a", NULL, NULL, 0, "tasks_by_run", 1 },
	{ NULL, NULL, NULL, NULL, "TASK_FAILED", 0, "tasks_done_by_state", 0 },
	{ NULL, NULL, NULL, "h1", NULL, 1, "tasks_done_by_host", 0 },
	{ NULL, "d1", NULL, NULL, NULL, 0, "tasks_done_by_start", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0, "tasks_done_by_start", 0 },
};

START_TEST(test_task_search_plans)
{
	struct db_task_query	 q;
	json_t			*list = NULL;
	char			 plan[1024], want[128];
	int64_t			 n;

	db_task_query_init(&q);
	q.request_id = check_ts_plans[_i].request;
	q.deploy_id = check_ts_plans[_i].deploy;
	q.run_id = check_ts_plans[_i].run;
	q.host = check_ts_plans[_i].host;
	q.state = check_ts_plans[_i].state;
	q.ascending = check_ts_plans[_i].asc;
	q.started_before = 10000;
	ck_assert_int_eq(sqlite3_trace_v2(db_handle(check_ts_db),
	    SQLITE_TRACE_STMT, check_ts_trace, NULL), SQLITE_OK);
	ck_assert_int_eq(db_task_search(check_ts_db, &q, 10, 2, &list), 0);
	json_decref(list);
	check_ts_plan(plan, sizeof(plan));
	snprintf(want, sizeof(want), "USING INDEX %s ",
	    check_ts_plans[_i].index);
	ck_assert_msg(strstr(plan, want) != NULL, "plan '%s' lacks '%s'",
	    plan, want);
	ck_assert_msg((strstr(plan, "TEMP B-TREE") != NULL) ==
	    check_ts_plans[_i].sorts, "plan '%s'", plan);
	/* the count reads the same index, and sorts nothing */
	ck_assert_int_eq(db_task_search_count(check_ts_db, &q, &n), 0);
	check_ts_plan(plan, sizeof(plan));
	ck_assert_msg(strstr(plan, want) != NULL, "plan '%s' lacks '%s'",
	    plan, want);
	ck_assert_ptr_null(strstr(plan, "TEMP B-TREE"));
	free(check_ts_last_sql);
	check_ts_last_sql = NULL;
}
END_TEST

Suite *
task_search_suite(void)
{
	const struct fixture_row rows[] = {
		FIXTURE_CASE("search"),
		FIXTURE_CHECKED(check_ts_setup, check_ts_teardown),
		FIXTURE_LOOP(test_task_search_filters,
		    FIXTURE_N(check_ts_cases)),
		FIXTURE_TEST(test_task_search_pages),
		FIXTURE_TEST(test_task_search_shape),
		FIXTURE_LOOP(test_task_search_plans, FIXTURE_N(check_ts_plans)),
		FIXTURE_END
	};

	return (fixture_suite("task_search", rows));
}
