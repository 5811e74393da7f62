/*
 * Retention on the real daemons, with short settings: a finished task's
 * sandbox removed once sandbox_keep_seconds passed (the sandbox API then
 * answers 404 saying so, the history 200), never an active task's nor one
 * whose supervisor still holds its claim; early removal, oldest first,
 * when the sandboxes' filesystem is short of space (sandbox_min_free_
 * percent = 100 anywhere; a real small tmpfs as root); the history purge
 * by count and by age with the rows really gone, and the space it freed
 * given back to the filesystem; an older store set to incremental vacuum.
 */
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "fixture.h"
#include "harness.h"

Suite	*retention_suite(void);

#define V1	"/singularity/v1"
#define QUICK	"[cleanerd]\nretention_check_seconds = 1\n"

/* <dir>/state/tasks[/<name>] */
static void
tasks_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/state/tasks%s%s", harness_env.dir,
	    name != NULL ? "/" : "", name != NULL ? name : "");
}

static int
exists(const char *name)
{
	char path[PATH_MAX];

	tasks_path(name, path, sizeof(path));
	return (access(path, F_OK) == 0);
}

/* Entries in the sweep's trash (a leftover is a bug). */
static int
trash_entries(void)
{
	struct dirent	*de;
	char		 path[PATH_MAX];
	DIR		*d;
	int		 n = 0;

	tasks_path(".kerr-removing", path, sizeof(path));
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return (n);
}

static long long
removed(const char *task)
{
	return (harness_count("SELECT count(*) FROM tasks WHERE task_id ="
	    " '%s' AND sandbox_removed_at IS NOT NULL", task));
}

static void
first_task(const char *request, char *buf, size_t len)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT task_id FROM tasks WHERE"
	    " request_id = '%s' ORDER BY started_at LIMIT 1", request);
	harness_sql_text(&harness_env, sql, buf, len);
}

/* A finished task written straight into the store (ended `ago` ms
 * ago, so no purge by age takes it), with a sandbox holding a file of
 * `bytes` bytes. */
static void
finished_task(const char *id, long long ago, size_t bytes)
{
	char		 sql[512], path[PATH_MAX];
	char		*data;
	long long	 ended = (long long)time(NULL) * 1000 - ago;

	snprintf(sql, sizeof(sql), "INSERT INTO tasks (task_id, request_id,"
	    " deploy_id, instance_no, state, active, started_at, updated_at,"
	    " task_json, finish_handled) VALUES ('%s', 'synthetic', 'd1', 1,"
	    " 'TASK_FINISHED', 0, %lld, %lld, '{}', 1)", id, ended - 1,
	    ended);
	tasks_path(id, path, sizeof(path));
	ck_assert_int_eq(mkdir(path, 0755), 0);
	tasks_path(id, path, sizeof(path));
	strncat(path, "/data", sizeof(path) - strlen(path) - 1);
	ck_assert_ptr_nonnull(data = malloc(bytes + 1));
	memset(data, 'x', bytes);
	data[bytes] = '\0';
	fixture_write_file(path, data);
	free(data);
	harness_sql(&harness_env, sql);
}

static int
log_has(enum harness_daemon which, const char *text)
{
	char	 path[PATH_MAX];
	char	*log;
	int	 found;

	snprintf(path, sizeof(path), "%s/kerr-%s.log", harness_env.dir,
	    harness_daemon_name(which));
	if ((log = fixture_read_file(path, NULL)) == NULL)
		return (0);
	found = strstr(log, text) != NULL;
	free(log);
	return (found);
}

static void
retention_setup_keep3(void)
{
	harness_setup_with(QUICK "sandbox_keep_seconds = 3\n"
	    "sandbox_min_free_percent = 0\n");
}

START_TEST(test_retention_sandbox_removed_after_keep)
{
	char		 task[256], live[256], path[512];
	long long	 ended, at;

	harness_request("once", "RUN_ONCE", 1);
	harness_deploy("once", "d1", "echo kept-output", NULL);
	harness_request("live", "WORKER", 1);
	harness_deploy("live", "d1", "sleep 1000", NULL);
	harness_wait_tasks("once", "TASK_FINISHED", 1, 15);
	harness_wait_tasks("live", "TASK_RUNNING", 1, 15);
	first_task("once", task, sizeof(task));
	first_task("live", live, sizeof(live));
	/* Within its keep, the sandbox is there. */
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout"
	    "&offset=0", task);
	json_decref(harness_wait_json(path, harness_has_data, "kept-output",
	    2000));
	ck_assert_int_eq(removed(task), 0);

	harness_wait_sql(1, 15, "SELECT count(*) FROM tasks WHERE task_id ="
	    " '%s' AND sandbox_removed_at IS NOT NULL", task);
	ended = harness_count("SELECT updated_at FROM tasks WHERE task_id ="
	    " '%s'", task);
	at = harness_count("SELECT sandbox_removed_at FROM tasks WHERE"
	    " task_id = '%s'", task);
	ck_assert_int_ge(at - ended, 3000);
	ck_assert(!exists(task));
	ck_assert_int_eq(trash_entries(), 0);
	http_expect_error(&harness_env, "GET", path, NULL, 404,
	    "was removed at");
	snprintf(path, sizeof(path), V1 "/sandbox/%s/browse", task);
	http_expect_error(&harness_env, "GET", path, NULL, 404,
	    "was removed at");
	/* The history stays. */
	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	json_decref(http_json(&harness_env, "GET", path, NULL, 200));
	/* An active task's sandbox is never removed. */
	sleep(2);
	ck_assert(exists(live));
	ck_assert_int_eq(removed(live), 0);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/browse", live);
	json_decref(http_json(&harness_env, "GET", path, NULL, 200));
}
END_TEST

START_TEST(test_retention_claimed_sandbox_kept)
{
	char	path[PATH_MAX];
	int	fd;

	/* What a crash left half removed goes with the next sweep. */
	tasks_path(".kerr-removing/leftover", path, sizeof(path));
	ck_assert_int_eq(mkdir(path, 0755), 0);
	strncat(path, "/stdout", sizeof(path) - strlen(path) - 1);
	fixture_write_file(path, "half removed\n");
	/* Finished long ago, but its supervisor (here: this test) still
	 * holds the claim on the sandbox. */
	finished_task("held", 20000, 10);
	tasks_path("held/.kerr", path, sizeof(path));
	ck_assert_int_eq(mkdir(path, 0700), 0);
	strncat(path, "/lock", sizeof(path) - strlen(path) - 1);
	ck_assert_int_ge(fd = open(path, O_RDWR | O_CREAT, 0600), 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	finished_task("free", 10000, 10);

	harness_wait_sql(1, 10, "SELECT count(*) FROM tasks WHERE task_id ="
	    " 'free' AND sandbox_removed_at IS NOT NULL");
	ck_assert(!exists("free"));
	sleep(2);
	ck_assert(exists("held"));
	ck_assert_int_eq(removed("held"), 0);
	ck_assert_int_eq(close(fd), 0);
	harness_wait_sql(1, 10, "SELECT count(*) FROM tasks WHERE task_id ="
	    " 'held' AND sandbox_removed_at IS NOT NULL");
	ck_assert(!exists("held"));
	ck_assert_int_eq(trash_entries(), 0);
}
END_TEST

static void
retention_setup_keep0(void)
{
	harness_setup_with(QUICK "sandbox_keep_seconds = 0\n");
}

static void
retention_setup_low_space(void)
{
	/* Kept a year, but no filesystem is ever 100 % free. */
	harness_setup_with(QUICK "sandbox_keep_seconds = 31536000\n"
	    "sandbox_min_free_percent = 100\n");
}

START_TEST(test_retention_low_space_removes_early)
{
	char task[256], path[512];

	harness_request("once", "RUN_ONCE", 1);
	harness_deploy("once", "d1", "echo early", NULL);
	harness_wait_tasks("once", "TASK_FINISHED", 1, 15);
	first_task("once", task, sizeof(task));
	harness_wait_sql(1, 10, "SELECT count(*) FROM tasks WHERE task_id ="
	    " '%s' AND sandbox_removed_at IS NOT NULL", task);
	ck_assert(!exists(task));
	ck_assert(log_has(HARNESS_CLEANERD, "removing the oldest finished "
	    "sandboxes early"));
	snprintf(path, sizeof(path), V1 "/sandbox/%s/browse", task);
	http_expect_error(&harness_env, "GET", path, NULL, 404,
	    "was removed at");
}
END_TEST

/*
 * As root: the sandboxes on a real 8 MiB tmpfs, two finished sandboxes
 * of 3 MiB, sandbox_min_free_percent = 50.  With 25 % free the older
 * goes; with 62 % free then, the newer stays.
 */
static int	tmpfs_mounted;

static void
retention_setup_tmpfs(void)
{
	char	path[PATH_MAX];
	int	i;

	tmpfs_mounted = 0;
	harness_prepare(&harness_env, QUICK "sandbox_keep_seconds = "
	    "31536000\nsandbox_min_free_percent = 50\n");
	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "%s/state", harness_env.dir);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		tasks_path(NULL, path, sizeof(path));
		ck_assert_int_eq(mkdir(path, 0755), 0);
		/* In this test's own mount namespace, which the daemons it
		 * starts share: a test killed by its timeout leaves no
		 * mount behind. */
		ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s",
		    strerror(errno));
		ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE,
		    NULL), 0);
		ck_assert_msg(mount("kerr-test", path, "tmpfs", 0,
		    "size=8m,mode=0755") == 0, "mount tmpfs: %s",
		    strerror(errno));
		tmpfs_mounted = 1;
	}
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		harness_spawn(&harness_env, (enum harness_daemon)i);
	harness_wait_ready(&harness_env);
}

static void
retention_teardown_tmpfs(void)
{
	char path[PATH_MAX];

	tasks_path(NULL, path, sizeof(path));
	if (tmpfs_mounted)
		(void)umount2(path, MNT_DETACH);
	harness_cleanup(&harness_env);
}

START_TEST(test_retention_low_space_tmpfs)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_retention_low_space_tmpfs: skipped, "
		    "mounting a tmpfs needs root\n");
		return;
	}
	finished_task("older", 20000, 3 << 20);
	finished_task("newer", 10000, 3 << 20);
	harness_wait_sql(1, 10, "SELECT count(*) FROM tasks WHERE task_id ="
	    " 'older' AND sandbox_removed_at IS NOT NULL");
	ck_assert(!exists("older"));
	/* Two more checks: enough room now, the newer one stays. */
	sleep(3);
	ck_assert(exists("newer"));
	ck_assert_int_eq(removed("newer"), 0);
	ck_assert(log_has(HARNESS_CLEANERD, "Sandbox filesystem"));
}
END_TEST

static long long
finished_of(const char *request)
{
	return (harness_count("SELECT count(*) FROM tasks WHERE request_id ="
	    " '%s' AND active = 0", request));
}

static void
run_once(const char *request, int n)
{
	char	path[256], body[64];
	long long want = finished_of(request) + 1;

	snprintf(path, sizeof(path), V1 "/requests/request/%s/run", request);
	snprintf(body, sizeof(body), "{\"runId\":\"run-%d\"}", n);
	json_decref(http_json(&harness_env, "POST", path, body, 200));
	harness_wait_sql(want, 15, "SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 0", request);
}

static void
retention_setup_purge(void)
{
	harness_setup_with(QUICK "task_history_keep_per_request = 3\n"
	    "task_history_keep_days = 30\n"
	    "deploy_history_keep_per_request = 1\n"
	    "request_history_keep_per_request = 2\n");
}

START_TEST(test_retention_purge_by_count_and_age)
{
	char		 first[256], path[512];
	json_t		*h;
	int		 i;

	harness_request("od", "ON_DEMAND", 1);
	harness_deploy("od", "d1", "true", NULL);
	harness_wait_deployed("od", "d1", 10000);
	run_once("od", 0);
	first_task("od", first, sizeof(first));
	for (i = 1; i < 6; i++)
		run_once("od", i);
	/* Aged rows of another request: two old, one recent, one active. */
	harness_sql(&harness_env, "INSERT INTO tasks (task_id, request_id,"
	    " deploy_id, instance_no, state, active, started_at, updated_at,"
	    " task_json, finish_handled) VALUES"
	    " ('aged-1', 'aged', 'd1', 1, 'TASK_FAILED', 0, 1, 1000000000000,"
	    "  '{}', 1),"
	    " ('aged-2', 'aged', 'd1', 1, 'TASK_FAILED', 0, 2, 1000000000001,"
	    "  '{}', 1),"
	    " ('aged-live', 'aged', 'd1', 1, 'TASK_RUNNING', 1, 3,"
	    "  1000000000002, '{}', 0),"
	    " ('aged-new', 'aged', 'd1', 1, 'TASK_FAILED', 0, 4,"
	    "  CAST(strftime('%s', 'now') AS INTEGER) * 1000, '{}', 1)");
	harness_sql(&harness_env, "INSERT INTO task_updates (task_id, state,"
	    " timestamp) VALUES ('aged-1', 'TASK_FAILED', 1000000000000)");
	/* Deploy and request history of requests with no deploy state. */
	harness_sql(&harness_env, "INSERT INTO deploys (request_id,"
	    " deploy_id, created_at, deploy_json, marker_json) VALUES"
	    " ('dh', 'a', 1, '{}', '{}'), ('dh', 'b', 2, '{}', '{}'),"
	    " ('dh', 'c', 3, '{}', '{}')");
	harness_sql(&harness_env, "INSERT INTO request_history (request_id,"
	    " created_at, event_type, request_json) VALUES"
	    " ('rh', 1, 'UPDATED', '{}'), ('rh', 2, 'UPDATED', '{}'),"
	    " ('rh', 3, 'UPDATED', '{}'), ('rh', 4, 'UPDATED', '{}')");

	harness_wait_count(finished_of, "od", 3, 10);
	for (i = 0; i < 100 && harness_count("SELECT count(*) FROM tasks"
	    " WHERE task_id IN ('aged-1', 'aged-2')") > 0; i++)
		usleep(100000);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = 'aged'"), 2);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " task_id IN ('aged-live', 'aged-new')"), 2);
	/* The rows are gone, their updates with them. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM task_updates"
	    " WHERE task_id NOT IN (SELECT task_id FROM tasks)"), 0);
	for (i = 0; i < 100 && (harness_count("SELECT count(*) FROM deploys"
	    " WHERE request_id = 'dh'") > 1 || harness_count("SELECT count(*)"
	    " FROM request_history WHERE request_id = 'rh'") > 2); i++)
		usleep(100000);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM deploys WHERE"
	    " request_id = 'dh' AND deploy_id = 'c'"), 1);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM deploys WHERE"
	    " request_id = 'dh'"), 1);
	ck_assert_int_eq(harness_count("SELECT min(created_at) FROM"
	    " request_history WHERE request_id = 'rh'"), 3);
	/* The active deploy stays, whatever the count. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM deploys WHERE"
	    " request_id = 'od' AND deploy_id = 'd1'"), 1);

	/* What the API serves: three tasks, the first gone. */
	h = harness_get_json(V1 "/history/request/od/tasks");
	ck_assert_int_eq(json_array_size(h), 3);
	json_decref(h);
	snprintf(path, sizeof(path), V1 "/history/task/%s", first);
	http_expect_error(&harness_env, "GET", path, NULL, 404, first);
}
END_TEST

static void
retention_setup_space(void)
{
	harness_setup_with(QUICK "task_history_keep_per_request = 10\n");
}

START_TEST(test_retention_purge_gives_space_back)
{
	long long	base, full, end;
	int		i;

	ck_assert_int_eq(harness_count("PRAGMA auto_vacuum"), 2);
	base = harness_count("PRAGMA page_count");
	/* 5 000 finished tasks of 2 KiB each, one request: 4 990 too many. */
	harness_sql(&harness_env, "WITH RECURSIVE n(k) AS (SELECT 1"
	    " UNION ALL SELECT k + 1 FROM n WHERE k < 5000) INSERT INTO tasks"
	    " (task_id, request_id, deploy_id, instance_no, state, active,"
	    " started_at, updated_at, task_json, finish_handled,"
	    " sandbox_removed_at) SELECT 'big-' || k, 'big', 'd1', 1,"
	    " 'TASK_FINISHED', 0, t + k, t + k + 1, json_object('pad',"
	    " printf('%.2000c', 'x')), 1, t + k + 2 FROM n,"
	    " (SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 60000"
	    " AS t)");
	full = harness_count("PRAGMA page_count");
	ck_assert_int_gt(full - base, 2500);
	for (i = 0; i < 300 && !log_has(HARNESS_CLEANERD, "History purge: "
	    "4990 tasks"); i++)
		usleep(100000);
	ck_assert_msg(log_has(HARNESS_CLEANERD, "History purge: 4990 tasks"),
	    "no purge line in %s", harness_env.dir);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = 'big'"), 10);
	end = harness_count("PRAGMA page_count");
	/* Free pages are given back but the last MiB, kept for reuse. */
	ck_assert_int_le(harness_count("PRAGMA freelist_count"), 256);
	/* Nearly all the pages the rows took are the filesystem's again. */
	ck_assert_int_lt(end - base, (full - base) / 10);
}
END_TEST

static void
retention_setup_old_store(void)
{
	sqlite3	*db = NULL;
	char	 path[PATH_MAX];
	int	 i;

	harness_prepare(&harness_env, QUICK);
	snprintf(path, sizeof(path), "%s/state", harness_env.dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	/* As an older kerr left it: WAL, no auto_vacuum, rows in it. */
	ck_assert_int_eq(sqlite3_open(harness_env.db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    " CREATE TABLE old_rows (x); INSERT INTO old_rows VALUES (1);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (i = 0; i < HARNESS_NDAEMONS; i++)
		harness_spawn(&harness_env, (enum harness_daemon)i);
	harness_wait_ready(&harness_env);
}

START_TEST(test_retention_old_store_set_incremental)
{
	int i;

	for (i = 0; i < 100 && harness_count("PRAGMA auto_vacuum") != 2; i++)
		usleep(100000);
	ck_assert_int_eq(harness_count("PRAGMA auto_vacuum"), 2);
	ck_assert(log_has(HARNESS_CLEANERD, "Store set to incremental "
	    "vacuum"));
	ck_assert_int_eq(harness_count("SELECT count(*) FROM old_rows"), 1);
	/* And the API works on it. */
	json_decref(harness_get_json(V1 "/state"));
}
END_TEST

Suite *
retention_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("sandbox"),
		FIXTURE_CHECKED(retention_setup_keep3, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_retention_sandbox_removed_after_keep),
		FIXTURE_CASE("claim"),
		FIXTURE_CHECKED(retention_setup_keep0, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_retention_claimed_sandbox_kept),
		FIXTURE_CASE("low_space"),
		FIXTURE_CHECKED(retention_setup_low_space, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_retention_low_space_removes_early),
		FIXTURE_CASE("tmpfs"),
		FIXTURE_CHECKED(retention_setup_tmpfs,
		    retention_teardown_tmpfs),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_retention_low_space_tmpfs),
		FIXTURE_CASE("purge"),
		FIXTURE_CHECKED(retention_setup_purge, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_retention_purge_by_count_and_age),
		FIXTURE_CASE("space"),
		FIXTURE_CHECKED(retention_setup_space, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_retention_purge_gives_space_back),
		FIXTURE_CASE("old_store"),
		FIXTURE_CHECKED(retention_setup_old_store, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_retention_old_store_set_incremental),
		FIXTURE_END
	};

	return (fixture_suite("retention", tests));
}
