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

#include "fixture.h"
#include "harness.h"

Suite	*cleaner_suite(void);

#define V1	"/singularity/v1"

/* A request of n instances of command, and its deploy d1. */
static void
start(const char *id, const char *type, int n, const char *command)
{
	harness_request(id, type, n);
	harness_deploy(id, "d1", command, HARNESS_HEALTHY_1S);
}

static long long
running(const char *id)
{
	return (harness_count("SELECT count(*) FROM tasks WHERE active = 1"
	    " AND state = 'TASK_RUNNING' AND request_id = '%s'", id));
}

static long long
alive_groups(const char *id)
{
	long long n = 0, i, pgid;

	for (i = 0; i < 64; i++) {
		pgid = harness_count("SELECT coalesce((SELECT task_pgid"
		    " FROM tasks WHERE request_id = '%s' AND task_pgid > 0"
		    " ORDER BY started_at LIMIT 1 OFFSET %lld), 0)", id, i);
		if (pgid <= 0)
			break;
		n += kill(-(pid_t)pgid, 0) == 0;
	}
	return (n);
}

/* Whether the request's first task's process group still exists. */
static long long
first_alive(const char *id)
{
	pid_t pgid = (pid_t)harness_count("SELECT task_pgid FROM tasks WHERE"
	    " request_id = '%s' ORDER BY started_at LIMIT 1", id);

	return (pgid > 0 && kill(-pgid, 0) == 0);
}

/* The id of the first active task, into buf. */
static void
first_active_task(char *buf, size_t len)
{
	json_t	*ids = harness_get_json(V1 "/tasks/active/ids");

	snprintf(buf, len, "%s", json_string_value(json_object_get(
	    json_array_get(ids, 0), "id")));
	json_decref(ids);
}

/* DELETE the first active task: a user's kill. */
static void
kill_first_task(void)
{
	char	task[256], path[512];

	first_active_task(task, sizeof(task));
	snprintf(path, sizeof(path), V1 "/tasks/task/%s", task);
	json_decref(http_json(&harness_env, "DELETE", path, NULL, 200));
}

START_TEST(test_cleaner_delete_kills_and_removes)
{
	char	task[256], path[512];

	start("del", "WORKER", 3, "sleep 1000");
	harness_wait_count(running, "del", 3, 10);
	first_active_task(task, sizeof(task));
	json_decref(http_json(&harness_env, "DELETE", V1 "/requests/request/del",
	    NULL, 200));
	harness_wait_count(alive_groups, "del", 0, 10);
	json_decref(harness_wait_json(V1 "/requests", harness_is_empty, NULL,
	    10000));
	ck_assert_int_eq(harness_tasks("del", "TASK_KILLED"), 3);
	/* History outlives the request. */
	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	json_decref(harness_get_json(path));
	json_decref(harness_get_json(V1 "/history/request/del/tasks"));
}
END_TEST

START_TEST(test_cleaner_sigterm_trap_dies_by_sigkill)
{
	json_t	*killed;

	start("stubborn", "WORKER", 1, "trap '' TERM; sleep 1000 & wait; "
	    "sleep 1000");
	harness_wait_count(running, "stubborn", 1, 10);
	kill_first_task();
	/* In flight: the cleanup and the sent kill are visible. */
	usleep(700000);
	killed = harness_get_json(V1 "/tasks/killed");
	ck_assert_int_eq(json_array_size(killed), 1);
	json_decref(killed);
	ck_assert_int_eq(alive_groups("stubborn"), 1);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM task_cleanups"
	    " WHERE cleanup_type = '%s'", "USER_REQUESTED"), 1);
	/* SIGKILL after the 1.5 s grace period (a replacement may start). */
	harness_wait_count(first_alive, "stubborn", 0, 10);
	/* Its end is an event: recorded a moment after the process went. */
	harness_wait_tasks("stubborn", "TASK_KILLED", 1, 10);
	/* A killed worker task is replaced. */
	harness_wait_count(running, "stubborn", 1, 10);
	json_decref(harness_wait_json(V1 "/tasks/cleaning", harness_is_empty,
	    NULL, 5000));
}
END_TEST

/* A SingularityExecutor deploy's own grace wins over kill_grace_ms. */
START_TEST(test_cleaner_executor_data_grace)
{
	harness_request("patient", "WORKER", 1);
	harness_post_ok(V1 "/deploys", "{\"deploy\":{\"requestId\":"
	    "\"patient\",\"id\":\"d1\",\"customExecutorCmd\":\"x\","
	    "\"executorData\":{\"cmd\":\"trap '' TERM; sleep 1000 & wait;"
	    " sleep 1000\",\"sigKillProcessesAfterMillis\":6000}}}");
	harness_wait_count(running, "patient", 1, 10);
	kill_first_task();
	/* Twice the server's 1.5 s: still alive, SIGTERM ignored. */
	sleep(3);
	ck_assert_int_eq(first_alive("patient"), 1);
	harness_wait_count(first_alive, "patient", 0, 10);
	harness_wait_tasks("patient", "TASK_KILLED", 1, 10);
}
END_TEST

START_TEST(test_cleaner_kill9_during_delete_of_ten)
{
	start("ten", "WORKER", 10, "sleep 1000");
	harness_wait_count(running, "ten", 10, 20);
	ck_assert_int_ge(harness_stop_daemon(&harness_env, HARNESS_CLEANERD,
	    2000), 0);
	harness_spawn(&harness_env, HARNESS_CLEANERD);
	json_decref(http_json(&harness_env, "DELETE", V1 "/requests/request/ten",
	    NULL, 200));
	/* Let it start killing, then kill -9 it and start it again. */
	usleep(100000);
	harness_kill9_and_restart(HARNESS_CLEANERD);
	harness_wait_count(alive_groups, "ten", 0, 15);
	json_decref(harness_wait_json(V1 "/requests", harness_is_empty, NULL,
	    10000));
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", "ten"), 0);
}
END_TEST

static char bounce_before[32];

/* Active tasks started before the bounce. */
static long long
old_running(const char *id)
{
	return (harness_count("SELECT count(*) FROM tasks WHERE active = 1"
	    " AND request_id = '%s' AND started_at <= %s", id, bounce_before));
}

static void
bounce_and_check(const char *body)
{
	json_t *q;

	start("bn", "SERVICE", 2, "sleep 1000");
	harness_wait_deployed("bn", NULL, 15000);
	snprintf(bounce_before, sizeof(bounce_before), "%lld",
	    harness_count("SELECT max(started_at) FROM tasks WHERE"
	    " request_id = '%s'", "bn"));
	harness_post_ok(V1 "/requests/request/bn/bounce", body);
	q = harness_get_json(V1 "/requests/queued/cleanup");
	ck_assert_int_eq(json_array_size(q), 1);
	json_decref(q);
	http_expect_error(&harness_env, "POST", V1 "/requests/request/bn/"
	    "bounce", NULL, 409, "bouncing");
	/* Replacements start while the old tasks still run. */
	harness_wait_count(running, "bn", 4, 10);
	ck_assert_int_ge(old_running("bn"), 1);
	/* Once the new ones are healthy the old ones die; two remain. */
	harness_wait_count(old_running, "bn", 0, 15);
	harness_wait_count(running, "bn", 2, 10);
	ck_assert_int_eq(harness_tasks("bn", "TASK_KILLED"), 2);
	json_decref(harness_wait_json(V1 "/requests/queued/cleanup",
	    harness_is_empty, NULL, 10000));
	ck_assert_int_eq(harness_count("SELECT count(DISTINCT instance_no) FROM"
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
	harness_wait_count(running, "pk", 1, 10);
	harness_post_ok(V1 "/requests/request/pk/pause", NULL);
	harness_wait_count(alive_groups, "pk", 0, 10);
	usleep(800000);
	ck_assert_int_eq(running("pk"), 0);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM pending_tasks"
	    " WHERE request_id = '%s'", "pk"), 0);
}
END_TEST

Suite *
cleaner_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("kills"),
		FIXTURE_CHECKED(harness_setup_short_grace, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_cleaner_delete_kills_and_removes),
		FIXTURE_TEST(test_cleaner_sigterm_trap_dies_by_sigkill),
		FIXTURE_TEST(test_cleaner_executor_data_grace),
		FIXTURE_TEST(test_cleaner_kill9_during_delete_of_ten),
		FIXTURE_TEST(test_cleaner_bounce_replaces_all),
		FIXTURE_TEST(test_cleaner_incremental_bounce),
		FIXTURE_TEST(test_cleaner_paused_task_kill_not_replaced),
		FIXTURE_END
	};

	return (fixture_suite("cleaner", tests));
}
