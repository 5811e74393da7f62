/*
 * cleanerd on the real daemons: delete, kill, SIGKILL after the grace
 * period, bounces (all at once and incremental), one-task bounces, and a
 * cleanerd killed with -9 in the middle of a delete.  Every assertion on a
 * kill checks the processes really are gone.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

Suite	*cleaner_suite(void);

#define V1	"/singularity/v1"

static void
cleaner_setup(void)
{
	harness_setup_with("[cleanerd]\nkill_grace_ms = 1500\n");
}

static void
post_ok(const char *path, const char *body)
{
	json_decref(http_json(&harness_env, "POST", path, body, 200));
}

static void
start(const char *id, const char *type, int n, const char *command)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"requestType\":\"%s\","
	    "\"instances\":%d}", id, type, n);
	post_ok(V1 "/requests", body);
	snprintf(body, sizeof(body), "{\"deploy\":{\"requestId\":\"%s\","
	    "\"id\":\"d1\",\"command\":\"%s\","
	    "\"considerHealthyAfterRunningForSeconds\":1}}", id, command);
	post_ok(V1 "/deploys", body);
}

static long long
sql_count(const char *fmt, const char *arg)
{
	char sql[512];

	snprintf(sql, sizeof(sql), fmt, arg);
	return (harness_sql_int(&harness_env, sql));
}

static long long
running(const char *id)
{
	return (sql_count("SELECT count(*) FROM tasks WHERE active = 1 AND"
	    " state = 'TASK_RUNNING' AND request_id = '%s'", id));
}

static void
wait_count(long long (*f)(const char *), const char *id, long long n,
    int seconds)
{
	int i;

	for (i = 0; i < seconds * 20; i++) {
		if (f(id) == n)
			return;
		usleep(50000);
	}
	ck_abort_msg("%s: count %lld, expected %lld", id, f(id), n);
}

static long long
alive_groups(const char *id)
{
	char	 sql[512];
	long long n = 0, i, pgid;

	for (i = 0; i < 64; i++) {
		snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT task_pgid"
		    " FROM tasks WHERE request_id = '%s' AND task_pgid > 0"
		    " ORDER BY started_at LIMIT 1 OFFSET %lld), 0)", id, i);
		if ((pgid = harness_sql_int(&harness_env, sql)) <= 0)
			break;
		n += kill(-(pid_t)pgid, 0) == 0;
	}
	return (n);
}

/* Whether the request's first task's process group still exists. */
static long long
first_alive(const char *id)
{
	pid_t pgid = (pid_t)sql_count("SELECT task_pgid FROM tasks WHERE"
	    " request_id = '%s' ORDER BY started_at LIMIT 1", id);

	return (pgid > 0 && kill(-pgid, 0) == 0);
}

static int
is_deployed(json_t *p, void *arg)
{
	(void)arg;
	return (json_object_get(json_object_get(p, "requestDeployState"),
	    "activeDeploy") != NULL);
}

static void
wait_deployed(const char *id)
{
	char path[256];

	snprintf(path, sizeof(path), V1 "/requests/request/%s", id);
	json_decref(harness_wait_json(path, is_deployed, NULL, 15000));
}

static int
is_empty_list(json_t *j, void *arg)
{
	(void)arg;
	return (json_array_size(j) == 0);
}

START_TEST(test_cleaner_delete_kills_and_removes)
{
	char	task[256], path[512];
	json_t	*ids;

	start("del", "WORKER", 3, "sleep 1000");
	wait_count(running, "del", 3, 10);
	ids = http_json(&harness_env, "GET", V1 "/tasks/active/ids", NULL,
	    200);
	snprintf(task, sizeof(task), "%s", json_string_value(json_object_get(
	    json_array_get(ids, 0), "id")));
	json_decref(ids);
	json_decref(http_json(&harness_env, "DELETE", V1 "/requests/request/del",
	    NULL, 200));
	wait_count(alive_groups, "del", 0, 10);
	json_decref(harness_wait_json(V1 "/requests", is_empty_list, NULL,
	    10000));
	ck_assert_int_eq(sql_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND state = 'TASK_KILLED'", "del"), 3);
	/* History outlives the request. */
	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	json_decref(http_json(&harness_env, "GET", path, NULL, 200));
	json_decref(http_json(&harness_env, "GET", V1 "/history/request/del/"
	    "tasks", NULL, 200));
}
END_TEST

START_TEST(test_cleaner_sigterm_trap_dies_by_sigkill)
{
	json_t	*ids, *killed;
	char	 path[512];

	start("stubborn", "WORKER", 1, "trap '' TERM; sleep 1000 & wait; "
	    "sleep 1000");
	wait_count(running, "stubborn", 1, 10);
	ids = http_json(&harness_env, "GET", V1 "/tasks/active/ids", NULL,
	    200);
	snprintf(path, sizeof(path), V1 "/tasks/task/%s", json_string_value(
	    json_object_get(json_array_get(ids, 0), "id")));
	json_decref(ids);
	json_decref(http_json(&harness_env, "DELETE", path, NULL, 200));
	/* In flight: the cleanup and the sent kill are visible. */
	usleep(700000);
	killed = http_json(&harness_env, "GET", V1 "/tasks/killed", NULL,
	    200);
	ck_assert_int_eq(json_array_size(killed), 1);
	json_decref(killed);
	ck_assert_int_eq(alive_groups("stubborn"), 1);
	ck_assert_int_eq(sql_count("SELECT count(*) FROM task_cleanups WHERE"
	    " cleanup_type = '%s'", "USER_REQUESTED"), 1);
	/* SIGKILL after the 1.5 s grace period (a replacement may start). */
	wait_count(first_alive, "stubborn", 0, 10);
	ck_assert_int_ge(sql_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND state = 'TASK_KILLED'", "stubborn"), 1);
	/* A killed worker task is replaced. */
	wait_count(running, "stubborn", 1, 10);
	json_decref(harness_wait_json(V1 "/tasks/cleaning", is_empty_list,
	    NULL, 5000));
}
END_TEST

START_TEST(test_cleaner_kill9_during_delete_of_ten)
{
	start("ten", "WORKER", 10, "sleep 1000");
	wait_count(running, "ten", 10, 20);
	ck_assert_int_ge(harness_stop_daemon(&harness_env, HARNESS_CLEANERD,
	    2000), 0);
	harness_spawn(&harness_env, HARNESS_CLEANERD);
	json_decref(http_json(&harness_env, "DELETE", V1 "/requests/request/ten",
	    NULL, 200));
	/* Let it start killing, then kill -9 it and start it again. */
	usleep(100000);
	kill(harness_env.pid[HARNESS_CLEANERD], SIGKILL);
	ck_assert(harness_wait_pid(harness_env.pid[HARNESS_CLEANERD], 2000,
	    NULL));
	harness_spawn(&harness_env, HARNESS_CLEANERD);
	wait_count(alive_groups, "ten", 0, 15);
	json_decref(harness_wait_json(V1 "/requests", is_empty_list, NULL,
	    10000));
	ck_assert_int_eq(sql_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", "ten"), 0);
}
END_TEST

static char bounce_before[32];

/* Active tasks started before the bounce. */
static long long
old_running(const char *id)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM tasks WHERE"
	    " active = 1 AND request_id = '%s' AND started_at <= %s", id,
	    bounce_before);
	return (harness_sql_int(&harness_env, sql));
}

static void
bounce_and_check(const char *body)
{
	json_t *q;

	start("bn", "SERVICE", 2, "sleep 1000");
	wait_deployed("bn");
	snprintf(bounce_before, sizeof(bounce_before), "%lld",
	    sql_count("SELECT max(started_at) FROM tasks WHERE"
	    " request_id = '%s'", "bn"));
	post_ok(V1 "/requests/request/bn/bounce", body);
	q = http_json(&harness_env, "GET", V1 "/requests/queued/cleanup", NULL,
	    200);
	ck_assert_int_eq(json_array_size(q), 1);
	json_decref(q);
	http_expect_error(&harness_env, "POST", V1 "/requests/request/bn/"
	    "bounce", NULL, 409, "bouncing");
	/* Replacements start while the old tasks still run. */
	wait_count(running, "bn", 4, 10);
	ck_assert_int_ge(old_running("bn"), 1);
	/* Once the new ones are healthy the old ones die; two remain. */
	wait_count(old_running, "bn", 0, 15);
	wait_count(running, "bn", 2, 10);
	ck_assert_int_eq(sql_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND state = 'TASK_KILLED'", "bn"), 2);
	json_decref(harness_wait_json(V1 "/requests/queued/cleanup",
	    is_empty_list, NULL, 10000));
	ck_assert_int_eq(sql_count("SELECT count(DISTINCT instance_no) FROM"
	    " tasks WHERE request_id = '%s' AND active = 1", "bn"), 2);
}

START_TEST(test_cleaner_bounce_replaces_all)
{
	bounce_and_check(NULL);
	/* Each bounce once leaked two jansson objects in apid. */
	harness_stop_expect_clean(&harness_env, HARNESS_APID);
}
END_TEST

START_TEST(test_cleaner_incremental_bounce)
{
	bounce_and_check("{\"incremental\":true}");
}
END_TEST

START_TEST(test_cleaner_paused_task_kill_not_replaced)
{
	start("pk", "WORKER", 1, "sleep 1000");
	wait_count(running, "pk", 1, 10);
	post_ok(V1 "/requests/request/pk/pause", NULL);
	wait_count(alive_groups, "pk", 0, 10);
	usleep(800000);
	ck_assert_int_eq(running("pk"), 0);
	ck_assert_int_eq(sql_count("SELECT count(*) FROM pending_tasks WHERE"
	    " request_id = '%s'", "pk"), 0);
}
END_TEST

Suite *
cleaner_suite(void)
{
	Suite	*s = suite_create("cleaner");
	TCase	*tc = tcase_create("kills");

	tcase_add_checked_fixture(tc, cleaner_setup, harness_teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_cleaner_delete_kills_and_removes);
	tcase_add_test(tc, test_cleaner_sigterm_trap_dies_by_sigkill);
	tcase_add_test(tc, test_cleaner_kill9_during_delete_of_ten);
	tcase_add_test(tc, test_cleaner_bounce_replaces_all);
	tcase_add_test(tc, test_cleaner_incremental_bounce);
	tcase_add_test(tc, test_cleaner_paused_task_kill_not_replaced);
	suite_add_tcase(s, tc);
	return (s);
}
