/*
 * The task-state pipeline on the real daemons: supervisors report events,
 * schedulerd alone writes them.  Killing schedulerd in the middle of a
 * 200-task launch, and cleanerd in the middle of a 200-task pause, must
 * leave every task with exactly one state sequence: none lost, none
 * launched twice, no process left behind.  A supervisor that cannot
 * reach schedulerd keeps its task and delivers its events later.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

#define V1	"/singularity/v1"
#define BURST	200

Suite	*pipeline_suite(void);

static void
pipeline_setup(void)
{
	/* Kills escalate fast; launches of 200 are not throttled. */
	harness_setup_with("[cleanerd]\nkill_grace_ms = 3000\n");
}

/* Exactly want, where harness_wait_sql waits for at least: counts here
 * also go down to 0. */
static void
pipeline_wait(long long want, int seconds, const char *sql)
{
	long long	got = -1;
	int		i;

	for (i = 0; i < seconds * 20; i++) {
		if ((got = harness_count("%s", sql)) == want)
			return;
		usleep(50000);
	}
	ck_abort_msg("%s: %lld, wanted %lld (logs in %s)", sql, got, want,
	    harness_env.dir);
}

/* Every task's updates: each state once, in the order a task lives;
 * `where` selects the tasks (on tasks t). */
static void
pipeline_assert_sequences(const char *where)
{
	ck_assert_int_eq(harness_count("SELECT count(*) FROM (SELECT 1 FROM"
	    " task_updates u JOIN tasks t USING (task_id) WHERE t.%s"
	    " GROUP BY u.task_id, u.state HAVING count(*) > 1)", where), 0);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM (SELECT 1 FROM"
	    " task_updates u JOIN tasks t USING (task_id) WHERE t.%s AND"
	    " u.state IN ('TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED',"
	    " 'TASK_LOST') GROUP BY u.task_id HAVING count(*) > 1)", where), 0);
	/* RUNNING after LAUNCHED, by their own timestamps. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM task_updates r"
	    " JOIN task_updates l ON l.task_id = r.task_id AND"
	    " l.state = 'TASK_LAUNCHED' JOIN tasks t ON t.task_id = r.task_id"
	    " WHERE t.%s AND r.state = 'TASK_RUNNING' AND"
	    " r.timestamp < l.timestamp", where), 0);
}

/* 200 tasks: eight workers of 25 (Singularity's maxInstancesPerRequest). */
#define BURST_REQUESTS	8
#define BURST_WHERE	"request_id GLOB 'burst*'"

/* Start the burst, or POST action (pause) to each of its requests. */
static void
pipeline_burst(const char *action)
{
	char	id[32], path[128];
	int	i;

	for (i = 1; i <= BURST_REQUESTS; i++) {
		snprintf(id, sizeof(id), "burst%d", i);
		if (action != NULL) {
			snprintf(path, sizeof(path), V1 "/requests/request/%s/%s",
			    id, action);
			harness_post_ok(path, NULL);
			continue;
		}
		harness_request(id, "WORKER", BURST / BURST_REQUESTS);
		harness_deploy(id, "d1", "sleep 1000", NULL);
	}
}

START_TEST(test_pipeline_kill9_mid_launch_and_mid_pause_of_200)
{
	pipeline_burst(NULL);
	/* schedulerd dies with the launch under way. */
	pipeline_wait(1, 20, "SELECT min(count(*), 1) FROM tasks WHERE "
	    BURST_WHERE);
	harness_kill9_and_restart(HARNESS_SCHEDULERD);
	/* It died with launches to go, or the restart proved nothing. */
	ck_assert_int_lt(harness_count("SELECT count(*) FROM tasks WHERE %s"
	    " AND state = 'TASK_RUNNING'", BURST_WHERE), BURST);
	pipeline_wait(BURST, 90, "SELECT count(*) FROM tasks WHERE "
	    BURST_WHERE " AND active = 1 AND state = 'TASK_RUNNING'");
	/* None launched twice, none lost, one process each. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE %s",
	    BURST_WHERE), BURST);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM (SELECT DISTINCT"
	    " request_id, instance_no FROM tasks WHERE %s)", BURST_WHERE),
	    BURST);
	harness_wait_processes("sleep", BURST, 20);
	pipeline_assert_sequences(BURST_WHERE);

	/* cleanerd dies with the pause under way. */
	pipeline_burst("pause");
	pipeline_wait(1, 20, "SELECT min(count(*), 1) FROM task_cleanups WHERE "
	    BURST_WHERE);
	harness_kill9_and_restart(HARNESS_CLEANERD);
	pipeline_wait(0, 60, "SELECT count(*) FROM tasks WHERE " BURST_WHERE
	    " AND active = 1");
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE %s"
	    " AND state = 'TASK_KILLED'", BURST_WHERE), BURST);
	pipeline_assert_sequences(BURST_WHERE);
	harness_wait_processes("sleep", 0, 20);
	harness_wait_processes("kerr-supervisor", 0, 20);
}
END_TEST

START_TEST(test_pipeline_events_wait_for_the_scheduler)
{
	harness_request("late", "RUN_ONCE", 1);
	harness_deploy("late", "d1", "sleep 2; exit 3", NULL);
	pipeline_wait(1, 20, "SELECT count(*) FROM tasks WHERE request_id ="
	    " 'late' AND state = 'TASK_RUNNING'");
	/* The task ends while nobody can record it. */
	harness_stop_expect_clean(&harness_env, HARNESS_SCHEDULERD);
	harness_wait_processes("sleep", 0, 10);
	ck_assert_int_eq(harness_processes("kerr-supervisor"), 1);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = 'late' AND active = 1"), 1);
	harness_spawn(&harness_env, HARNESS_SCHEDULERD);
	pipeline_wait(1, 20, "SELECT count(*) FROM tasks WHERE request_id ="
	    " 'late' AND state = 'TASK_FAILED'");
	ck_assert_int_eq(harness_count("SELECT count(*) FROM task_updates u"
	    " JOIN tasks t USING (task_id) WHERE t.request_id = 'late' AND"
	    " u.state = 'TASK_FAILED' AND u.message = 'Exited with status 3'"),
	    1);
	pipeline_assert_sequences("request_id = 'late'");
	/* Delivered and acknowledged: the supervisor is gone too. */
	harness_wait_processes("kerr-supervisor", 0, 10);
}
END_TEST

/* A launch the executor refuses is reported by the launch worker on the
 * same channel: the task fails with the reason, once. */
START_TEST(test_pipeline_failed_launch_is_an_event)
{
	harness_stop_expect_clean(&harness_env, HARNESS_SCHEDULERD);
	ck_assert_int_eq(setenv("KERR_SUPERVISOR", "/nonexistent/supervisor",
	    1), 0);
	harness_spawn(&harness_env, HARNESS_SCHEDULERD);
	ck_assert_int_eq(unsetenv("KERR_SUPERVISOR"), 0);
	harness_request("nolaunch", "RUN_ONCE", 1);
	harness_deploy("nolaunch", "d1", "true", NULL);
	pipeline_wait(1, 20, "SELECT count(*) FROM task_updates u JOIN tasks t"
	    " USING (task_id) WHERE t.request_id = 'nolaunch' AND"
	    " u.state = 'TASK_FAILED' AND u.message = 'Failed to launch: No"
	    " such file or directory'");
	pipeline_assert_sequences("request_id = 'nolaunch'");
	ck_assert_int_eq(harness_processes("kerr-supervisor"), 0);
}
END_TEST

Suite *
pipeline_suite(void)
{
	Suite	*s = suite_create("pipeline");
	TCase	*tc = tcase_create("events");

	tcase_add_checked_fixture(tc, pipeline_setup, harness_teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_pipeline_kill9_mid_launch_and_mid_pause_of_200);
	tcase_add_test(tc, test_pipeline_events_wait_for_the_scheduler);
	tcase_add_test(tc, test_pipeline_failed_launch_is_an_event);
	suite_add_tcase(s, tc);
	return (s);
}
