/*
 * Unit tests for the history purge (common/store/db_purge.c), the store's
 * space (db_space.c) and the removal of directory trees (fs_remove.c):
 * what a pass purges and what it must keep (active tasks, unhandled
 * ends, the last task of a request's active deploy, the active and the
 * pending deploy, a deploy with tasks running), the size of each step,
 * the sandboxes a purge leaves to the sweep, the free pages given back,
 * and a tree with links out, depth and an unreadable directory.  Each
 * test gets a fresh database, opened in check's forked child.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "db_retention.h"
#include "fixture.h"
#include "fs.h"

Suite	*purge_suite(void);

#define DAY_MS		86400000LL
#define NOW_MS		1800000000000LL

static char		 check_purge_dir[64];
static struct db	*check_purge_db;

static const struct db_options check_purge_opt = {
	.busy_timeout_ms = 5000,
	.synchronous_full = 0,
};

static void
check_purge_setup(void)
{
	char path[PATH_MAX];

	fixture_tmpdir("/tmp/kerr-check-purge-", check_purge_dir,
	    sizeof(check_purge_dir));
	snprintf(path, sizeof(path), "%s/kerr.db", check_purge_dir);
	ck_assert_int_eq(db_open(path, &check_purge_opt, &check_purge_db), 0);
	ck_assert_int_eq(db_schema_migrate(check_purge_db), 0);
}

static void
check_purge_teardown(void)
{
	db_close(check_purge_db);
	check_purge_db = NULL;
	fixture_rmtree(check_purge_dir);
}

static void
sql(const char *fmt, ...)
{
	char	 buf[4096], *err = NULL;
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_msg(sqlite3_exec(db_handle(check_purge_db), buf, NULL, NULL,
	    &err) == SQLITE_OK, "%s: %s", buf, err);
}

static long long
count(const char *fmt, ...)
{
	sqlite3_stmt	*st = NULL;
	char		 buf[1024];
	va_list		 ap;
	long long	 n;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(check_purge_db), buf,
	    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

/* A task row (active or finished, its end handled or not) with two
 * updates and a health check. */
static void
task(const char *id, const char *request, const char *deploy,
    long long started, long long ended, int active, int handled)
{
	sql("INSERT INTO tasks (task_id, request_id, deploy_id, instance_no,"
	    " state, active, started_at, updated_at, task_json,"
	    " finish_handled) VALUES ('%s', '%s', '%s', 1, '%s', %d, %lld,"
	    " %lld, '{}', %d)", id, request, deploy, active ? "TASK_RUNNING" :
	    "TASK_FINISHED", active, started, ended, handled);
	sql("INSERT INTO task_updates (task_id, state, timestamp) VALUES"
	    " ('%s', 'TASK_LAUNCHED', %lld), ('%s', 'TASK_FINISHED', %lld)",
	    id, started, id, ended);
	sql("INSERT INTO task_healthchecks (task_id, timestamp, result_json)"
	    " VALUES ('%s', %lld, '{}')", id, started);
}

static void
active_deploy(const char *request, const char *active, const char *pending)
{
	sql("INSERT OR REPLACE INTO request_deploy_state (request_id,"
	    " active_deploy_id, pending_deploy_id) VALUES ('%s', %s%s%s,"
	    " %s%s%s)", request, active ? "'" : "", active ? active : "NULL",
	    active ? "'" : "", pending ? "'" : "", pending ? pending : "NULL",
	    pending ? "'" : "");
}

/* Step a pass to its end; the number of steps it took. */
static int
run_pass(const struct db_purge_policy *p, struct db_purge_run *run)
{
	int r, steps = 0;

	memset(run, 0, sizeof(*run));
	db_purge_run_start(run, p);
	do {
		r = db_purge_run_step(check_purge_db, run);
		ck_assert_int_ge(r, 0);
		steps++;
		ck_assert_int_lt(steps, 100000);
	} while (r == 1);
	ck_assert_int_eq(run->phase, DB_PURGE_DONE);
	return (steps);
}

static int
has_task(const char *id)
{
	return (count("SELECT count(*) FROM tasks WHERE task_id = '%s'",
	    id) == 1);
}

START_TEST(test_purge_by_age_keeps_what_it_must)
{
	struct db_purge_policy	p = { .task_ended_before = NOW_MS - 30 *
	    DAY_MS };
	struct db_purge_run	run;
	long long		old = NOW_MS - 40 * DAY_MS;

	task("t0", "r1", "d0", old - 9, old - 5, 0, 1);
	task("t1", "r1", "d1", old - 8, old - 4, 0, 1);
	task("t2", "r1", "d1", old - 7, old - 3, 0, 1);
	task("t3", "r1", "d1", old - 6, old - 2, 0, 1);	/* last of d1 */
	active_deploy("r1", "d1", NULL);
	task("a1", "r2", "d1", old - 9, old, 1, 0);		/* active */
	task("u1", "r2", "d1", old - 8, old, 0, 0);		/* unhandled */
	task("n1", "r2", "d1", NOW_MS - DAY_MS, NOW_MS - DAY_MS, 0, 1);
	sql("UPDATE tasks SET sandbox_removed_at = 1 WHERE task_id = 't1'");

	(void)run_pass(&p, &run);
	ck_assert_int_eq(run.tasks, 3);
	ck_assert(!has_task("t0") && !has_task("t1") && !has_task("t2"));
	ck_assert(has_task("t3") && has_task("a1") && has_task("u1") &&
	    has_task("n1"));
	ck_assert_int_eq(count("SELECT count(*) FROM task_updates WHERE"
	    " task_id IN ('t0', 't1', 't2')"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM task_healthchecks WHERE"
	    " task_id IN ('t0', 't1', 't2')"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM task_updates"), 8);
	/* t1's sandbox was removed already; t0's and t2's are left for the
	 * sweep. */
	ck_assert_int_eq(count("SELECT count(*) FROM sandbox_orphans"), 2);
	ck_assert_int_eq(count("SELECT count(*) FROM sandbox_orphans WHERE"
	    " task_id IN ('t0', 't2')"), 2);
	db_purge_run_free(&run);
}
END_TEST

START_TEST(test_purge_by_count_keeps_the_newest)
{
	struct db_purge_policy	p = { .task_keep = 4 };
	struct db_purge_run	run;
	char			id[32];
	int			i;

	for (i = 1; i <= 10; i++) {
		snprintf(id, sizeof(id), "r1-%02d", i);
		task(id, "r1", "d1", i * 1000, i * 1000 + 500, 0, 1);
	}
	for (i = 1; i <= 3; i++) {
		snprintf(id, sizeof(id), "r2-%02d", i);
		task(id, "r2", "d1", i * 1000, i * 1000 + 500, 0, 1);
	}
	/* An active task is not counted and not purged. */
	task("r1-live", "r1", "d1", 1, 1, 1, 0);

	(void)run_pass(&p, &run);
	ck_assert_int_eq(run.tasks, 6);
	ck_assert_int_eq(count("SELECT count(*) FROM tasks WHERE request_id"
	    " = 'r1' AND active = 0"), 4);
	ck_assert_int_eq(count("SELECT min(started_at) FROM tasks WHERE"
	    " request_id = 'r1' AND active = 0"), 7000);
	ck_assert(has_task("r1-live"));
	ck_assert_int_eq(count("SELECT count(*) FROM tasks WHERE request_id"
	    " = 'r2'"), 3);
	/* Within the limits now: a second pass purges nothing. */
	(void)run_pass(&p, &run);
	ck_assert_int_eq(run.tasks, 0);
	db_purge_run_free(&run);
}
END_TEST

START_TEST(test_purge_steps_are_small)
{
	struct db_purge_policy	p = { .task_ended_before = NOW_MS };
	struct db_purge_run	run;
	char			id[32];
	int			i, r, total = 150;

	for (i = 0; i < total; i++) {
		snprintf(id, sizeof(id), "old-%03d", i);
		task(id, "r1", "d0", i, i + 1, 0, 1);
	}
	memset(&run, 0, sizeof(run));
	db_purge_run_start(&run, &p);
	r = db_purge_run_step(check_purge_db, &run);
	ck_assert_int_eq(r, 1);
	/* One transaction: one batch of tasks, the oldest. */
	ck_assert_int_eq(count("SELECT count(*) FROM tasks"),
	    total - DB_PURGE_TASK_BATCH);
	ck_assert_int_eq(count("SELECT min(updated_at) FROM tasks"),
	    DB_PURGE_TASK_BATCH + 1);
	db_purge_run_free(&run);
	/* The rest, then the (empty) phases by count. */
	ck_assert_int_eq(run_pass(&p, &run), 3);
	ck_assert_int_eq(run.tasks, total - DB_PURGE_TASK_BATCH);
	ck_assert_int_eq(count("SELECT count(*) FROM tasks"), 0);
	db_purge_run_free(&run);
}
END_TEST

START_TEST(test_purge_deploys_and_request_history)
{
	struct db_purge_policy	p = { .deploy_keep = 2,
	    .request_history_keep = 4 };
	struct db_purge_run	run;
	int			i;

	for (i = 1; i <= 6; i++)
		sql("INSERT INTO deploys (request_id, deploy_id, created_at,"
		    " deploy_json, marker_json) VALUES ('r1', 'd%d', %d, '{}',"
		    " '{}')", i, i);
	sql("INSERT INTO deploys (request_id, deploy_id, created_at,"
	    " deploy_json, marker_json) VALUES ('r2', 'd1', 1, '{}', '{}')");
	active_deploy("r1", "d1", "d2");
	task("on-d3", "r1", "d3", 1, 1, 1, 0);
	for (i = 1; i <= 10; i++)
		sql("INSERT INTO request_history (request_id, created_at,"
		    " event_type, request_json) VALUES ('r1', %d, 'UPDATED',"
		    " '{}'), ('r2', %d, 'UPDATED', '{}')", i, i);

	(void)run_pass(&p, &run);
	ck_assert_int_eq(run.deploys, 1);		/* d4 */
	ck_assert_int_eq(count("SELECT count(*) FROM deploys WHERE"
	    " request_id = 'r1' AND deploy_id IN ('d1', 'd2', 'd3', 'd5',"
	    " 'd6')"), 5);
	ck_assert_int_eq(count("SELECT count(*) FROM deploys"), 6);
	ck_assert_int_eq(run.request_history, 12);
	ck_assert_int_eq(count("SELECT count(*) FROM request_history WHERE"
	    " request_id = 'r1'"), 4);
	ck_assert_int_eq(count("SELECT min(created_at) FROM request_history"
	    " WHERE request_id = 'r2'"), 7);
	db_purge_run_free(&run);
}
END_TEST

START_TEST(test_purge_nothing_when_unlimited)
{
	struct db_purge_policy	p = { 0 };
	struct db_purge_run	run;

	task("t0", "r1", "d0", 1, 2, 0, 1);
	sql("INSERT INTO request_history (request_id, created_at, event_type,"
	    " request_json) VALUES ('r1', 1, 'CREATED', '{}')");
	ck_assert_int_eq(run_pass(&p, &run), 1);
	ck_assert_int_eq(run.tasks + run.deploys + run.request_history, 0);
	ck_assert(has_task("t0"));
	db_purge_run_free(&run);
}
END_TEST

START_TEST(test_purge_space_given_back)
{
	struct db_purge_policy	p = { .task_ended_before = NOW_MS };
	struct db_purge_run	run;
	struct db_space		before, after;
	int64_t			freed, total = 0;

	ck_assert_int_eq(db_space_get(check_purge_db, &before), 0);
	ck_assert(before.incremental);
	sql("WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n"
	    " WHERE k < 3000) INSERT INTO tasks (task_id, request_id,"
	    " deploy_id, instance_no, state, active, started_at, updated_at,"
	    " task_json, finish_handled) SELECT 'big-' || k, 'r1', 'd0', 1,"
	    " 'TASK_FINISHED', 0, k, k, json_object('pad', printf('%%.2000c',"
	    " 'x')), 1 FROM n");
	ck_assert_int_eq(db_space_get(check_purge_db, &before), 0);
	(void)run_pass(&p, &run);
	ck_assert_int_eq(run.tasks, 3000);
	ck_assert_int_eq(db_space_get(check_purge_db, &after), 0);
	ck_assert_int_gt(after.free_pages, 1000);
	do {
		ck_assert_int_eq(db_space_vacuum_step(check_purge_db, 256,
		    &freed), 0);
		total += freed;
		/* 256 pages, and the pointer-map pages that mapped them. */
		ck_assert_int_le(freed, 260 * after.page_size);
	} while (freed > 0);
	ck_assert_int_eq(db_space_get(check_purge_db, &after), 0);
	ck_assert_int_eq(after.free_pages, 0);
	ck_assert_int_gt(total, 3000LL * 2000);
	ck_assert_int_eq((before.page_count - after.page_count) *
	    after.page_size, total);
	db_purge_run_free(&run);
}
END_TEST

START_TEST(test_purge_old_store_converted)
{
	struct db_space	 sp;
	sqlite3		*raw = NULL;
	struct db	*db = NULL;
	char		 path[PATH_MAX];
	int		 converted = -1;

	/* A store as an older kerr made it: a table, auto_vacuum none. */
	snprintf(path, sizeof(path), "%s/old.db", check_purge_dir);
	ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA journal_mode=WAL;"
	    " CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(db_open(path, &check_purge_opt, &db), 0);
	ck_assert_int_eq(db_space_get(db, &sp), 0);
	ck_assert(!sp.incremental);
	ck_assert_int_eq(db_space_convert(db, &converted), 0);
	ck_assert_int_eq(converted, 1);
	ck_assert_int_eq(db_space_get(db, &sp), 0);
	ck_assert(sp.incremental);
	/* Once is enough. */
	ck_assert_int_eq(db_space_convert(db, &converted), 0);
	ck_assert_int_eq(converted, 0);
	db_close(db);
}
END_TEST

static void
mkdir_in(const char *dir, const char *name, mode_t mode)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(mkdir(path, mode) == 0, "mkdir %s: %s", path,
	    strerror(errno));
}

static void
file_in(const char *dir, const char *name)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fixture_write_file(path, "data\n");
}

START_TEST(test_purge_fs_empty_dir)
{
	char	trash[256], outside[256], deep[1024], link[PATH_MAX];
	int64_t	n = -1;
	size_t	len;
	int	fd, i;

	snprintf(trash, sizeof(trash), "%s/trash", check_purge_dir);
	snprintf(outside, sizeof(outside), "%s/outside", check_purge_dir);
	ck_assert_int_eq(mkdir(trash, 0700), 0);
	ck_assert_int_eq(mkdir(outside, 0700), 0);
	file_in(outside, "keep");
	mkdir_in(trash, "sb", 0755);
	file_in(trash, "sb/stdout");
	mkdir_in(trash, "sb/.kerr", 0700);
	file_in(trash, "sb/.kerr/events");
	/* Links out are removed, never followed. */
	snprintf(link, sizeof(link), "%s/sb/to-dir", trash);
	ck_assert_int_eq(symlink(outside, link), 0);
	snprintf(link, sizeof(link), "%s/sb/to-file", trash);
	ck_assert_int_eq(symlink("../../outside/keep", link), 0);
	/* Deeper than one pass goes. */
	len = (size_t)snprintf(deep, sizeof(deep), "%s/sb", trash);
	for (i = 0; i < 80; i++) {
		len += (size_t)snprintf(deep + len, sizeof(deep) - len, "/d");
		ck_assert_int_eq(mkdir(deep, 0755), 0);
	}
	file_in(deep, "bottom");
	/* A directory its owner made unreadable. */
	mkdir_in(trash, "sb/locked", 0755);
	file_in(trash, "sb/locked/secret");
	snprintf(link, sizeof(link), "%s/sb/locked", trash);
	ck_assert_int_eq(chmod(link, 0), 0);
	mkdir_in(trash, "second", 0755);

	ck_assert_int_ge(fd = open(trash, O_RDONLY | O_DIRECTORY), 0);
	ck_assert_int_eq(fs_empty_dir(fd, &n), 0);
	/* sb, stdout, .kerr, events, 2 links, 80 d, bottom, locked, secret,
	 * second */
	ck_assert_int_eq(n, 1 + 1 + 2 + 2 + 80 + 1 + 2 + 1);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(rmdir(trash), 0);		/* empty */
	snprintf(link, sizeof(link), "%s/keep", outside);
	ck_assert_int_eq(access(link, F_OK), 0);
}
END_TEST

Suite *
purge_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("purge"),
		FIXTURE_CHECKED(check_purge_setup, check_purge_teardown),
		FIXTURE_TEST(test_purge_by_age_keeps_what_it_must),
		FIXTURE_TEST(test_purge_by_count_keeps_the_newest),
		FIXTURE_TEST(test_purge_steps_are_small),
		FIXTURE_TEST(test_purge_deploys_and_request_history),
		FIXTURE_TEST(test_purge_nothing_when_unlimited),
		FIXTURE_TEST(test_purge_space_given_back),
		FIXTURE_TEST(test_purge_old_store_converted),
		FIXTURE_TEST(test_purge_fs_empty_dir),
		FIXTURE_END
	};

	return (fixture_suite("purge", tests));
}
