/*
 * Scheduled, on-demand and run-once jobs on the real daemons: cron runs
 * (a Quartz seconds field keeps the test short), run-now with arguments,
 * the on-demand concurrency cap, run-once, retries, the execution time
 * limit, a finished schedule, and HTTP health checks deciding deploys.
 */
#include <sys/stat.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*jobs_suite(void);

#define V1	"/singularity/v1"

START_TEST(test_jobs_cron_runs_on_time_without_overlap)
{
	json_t *sched;

	harness_post_ok(V1 "/requests", "{\"id\":\"tick\",\"requestType\":"
	    "\"SCHEDULED\",\"schedule\":\"*/2 * * * * ?\","
	    "\"scheduleType\":\"QUARTZ\"}");
	harness_deploy("tick", "d1", "echo tick; sleep 1", NULL);
	/* The next run is visible before it happens. */
	sched = harness_get_json(V1 "/tasks/scheduled");
	for (int i = 0; i < 40 && json_array_size(sched) == 0; i++) {
		json_decref(sched);
		usleep(50000);
		sched = harness_get_json(V1 "/tasks/scheduled");
	}
	ck_assert_int_eq(json_array_size(sched), 1);
	ck_assert(json_is_integer(json_object_get(json_object_get(
	    json_object_get(json_array_get(sched, 0), "pendingTask"),
	    "pendingTaskId"), "nextRunAt")));
	json_decref(sched);
	harness_wait_tasks("tick", "TASK_FINISHED", 2, 12);
	/* Never two runs at once. */
	ck_assert_int_le(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", "tick"), 1);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks a"
	    " JOIN tasks b ON a.request_id = b.request_id"
	    " AND a.task_id < b.task_id"
	    " WHERE a.request_id = '%s' AND b.started_at < a.updated_at"
	    " AND a.state = 'TASK_FINISHED'", "tick"), 0);
}
END_TEST

START_TEST(test_jobs_run_now_with_arguments)
{
	json_t	*p, *h;
	char	 path[512];

	harness_post_ok(V1 "/requests", "{\"id\":\"later\",\"requestType\":"
	    "\"SCHEDULED\",\"schedule\":\"0 0 12 1 1 ? 2199\","
	    "\"scheduleType\":\"QUARTZ\"}");
	harness_deploy("later", "d1", "echo", NULL);
	usleep(400000);
	p = http_json(&harness_env, "POST", V1 "/requests/request/later/run",
	    "{\"runId\":\"r1\",\"commandLineArgs\":[\"a b\",\"c\"],"
	    "\"message\":\"now\"}", 200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p,
	    "pendingRequest"), "pendingType")), "IMMEDIATE");
	json_decref(p);
	harness_wait_tasks("later", "TASK_FINISHED", 1, 10);
	h = harness_get_json(V1 "/history/request/later/run/r1");
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout&offset=0",
	    json_string_value(json_object_get(json_object_get(h, "taskId"),
	    "id")));
	json_decref(h);
	json_decref(harness_wait_json(path, harness_has_data, "a b c", 5000));
	h = harness_get_json(V1 "/track/run/later/r1");
	ck_assert_str_eq(json_string_value(json_object_get(h, "currentState")),
	    "TASK_FINISHED");
	json_decref(h);
}
END_TEST

START_TEST(test_jobs_on_demand_cap_and_delete_pending)
{
	harness_post_ok(V1 "/requests", "{\"id\":\"od\",\"requestType\":"
	    "\"ON_DEMAND\",\"instances\":1}");
	harness_deploy("od", "d1", "sleep 1000", NULL);
	usleep(400000);
	ck_assert_int_eq(harness_tasks("od", NULL), 0);
	harness_post_ok(V1 "/requests/request/od/run", NULL);
	http_expect_error(&harness_env, "POST", V1 "/requests/request/od/run",
	    NULL, 429, "od");
	harness_wait_tasks("od", "TASK_RUNNING", 1, 10);
}
END_TEST

START_TEST(test_jobs_run_once_runs_once)
{
	harness_post_ok(V1 "/requests", "{\"id\":\"once\",\"requestType\":"
	    "\"RUN_ONCE\"}");
	harness_deploy("once", "d1", "echo once", NULL);
	harness_wait_tasks("once", "TASK_FINISHED", 1, 10);
	usleep(1500000);
	ck_assert_int_eq(harness_tasks("once", NULL), 1);
}
END_TEST

START_TEST(test_jobs_retries_counted)
{
	harness_post_ok(V1 "/requests", "{\"id\":\"rt\",\"requestType\":"
	    "\"ON_DEMAND\",\"numRetriesOnFailure\":2}");
	harness_deploy("rt", "d1", "exit 1", NULL);
	usleep(400000);
	harness_post_ok(V1 "/requests/request/rt/run", "{\"runId\":\"x\"}");
	harness_wait_tasks("rt", "TASK_FAILED", 3, 15);
	usleep(1500000);
	/* The run and exactly two retries, all with the run's id. */
	ck_assert_int_eq(harness_tasks("rt", NULL), 3);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND run_id = 'x'", "rt"), 3);
}
END_TEST

START_TEST(test_jobs_time_limit_kills)
{
	harness_post_ok(V1 "/requests", "{\"id\":\"tl\",\"requestType\":"
	    "\"ON_DEMAND\",\"taskExecutionTimeLimitMillis\":800}");
	harness_deploy("tl", "d1", "sleep 1000", NULL);
	usleep(400000);
	harness_post_ok(V1 "/requests/request/tl/run", NULL);
	harness_wait_tasks("tl", "TASK_KILLED", 1, 10);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", "tl"), 0);
}
END_TEST

START_TEST(test_jobs_schedule_without_future_finishes)
{
	json_t *p;

	harness_post_ok(V1 "/requests", "{\"id\":\"past\",\"requestType\":"
	    "\"SCHEDULED\",\"schedule\":\"0 0 0 1 1 ? 2001\","
	    "\"scheduleType\":\"QUARTZ\"}");
	harness_deploy("past", "d1", "echo never", NULL);
	for (int i = 0; i < 100; i++) {
		p = harness_get_json(V1 "/requests/request/past");
		if (strcmp(json_string_value(json_object_get(p, "state")),
		    "FINISHED") == 0) {
			json_decref(p);
			break;
		}
		json_decref(p);
		usleep(50000);
	}
	p = harness_get_json(V1 "/requests/finished");
	ck_assert_int_eq(json_array_size(p), 1);
	json_decref(p);
	ck_assert_int_eq(harness_tasks("past", NULL), 0);
}
END_TEST

static void
health_deploy(const char *id, const char *status)
{
	char cmd[PATH_MAX + 64], extra[256], body[256], prog[PATH_MAX];

	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"requestType\":"
	    "\"SERVICE\"}", id);
	harness_post_ok(V1 "/requests", body);
	harness_task_program(&harness_env, "kerr-test-httpd", prog,
	    sizeof(prog));
	snprintf(cmd, sizeof(cmd), "exec %s $PORT0 %s", prog, status);
	snprintf(extra, sizeof(extra), ",\"resources\":{\"cpus\":0.1,"
	    "\"memoryMb\":32,\"numPorts\":1},\"healthcheck\":{\"uri\":\"/h\","
	    "\"startupIntervalSeconds\":1,\"maxRetries\":2}");
	harness_deploy(id, "d1", cmd, extra);
}

START_TEST(test_jobs_healthcheck_decides_deploy)
{
	json_t	*h, *ids;
	char	 path[512];

	health_deploy("ok", "200");
	health_deploy("bad", "500");
	json_decref(harness_wait_json(V1 "/history/request/ok/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", 20000));
	json_decref(harness_wait_json(V1 "/history/request/bad/deploy/d1",
	    harness_deploy_state_is, "FAILED", 20000));
	ids = harness_get_json(V1 "/tasks/ids/request/ok");
	ck_assert_int_eq(json_array_size(json_object_get(ids, "healthy")), 1);
	snprintf(path, sizeof(path), V1 "/history/task/%s", json_string_value(
	    json_object_get(json_array_get(json_object_get(ids, "healthy"), 0),
	    "id")));
	json_decref(ids);
	h = harness_get_json(path);
	ck_assert_int_ge(json_array_size(json_object_get(h,
	    "healthcheckResults")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
	    json_object_get(h, "healthcheckResults"), 0), "statusCode")) ==
	    200 || json_integer_value(json_object_get(json_array_get(
	    json_object_get(h, "healthcheckResults"), 1), "statusCode")) ==
	    200, 1);
	json_decref(h);
}
END_TEST

/* The failed task's last status message, and its stderr, for a run-once
 * request whose command cannot run; both must contain `why`. */
static void
unrunnable_says_why(const char *id, const char *command, const char *extra,
    const char *why, const char *in_stderr)
{
	char		 body[256], path[512], task[256];
	json_t		*h, *updates, *chunk;
	const char	*msg, *data;

	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"requestType\":"
	    "\"RUN_ONCE\"}", id);
	harness_post_ok(V1 "/requests", body);
	harness_deploy(id, "d1", command, extra);
	harness_wait_tasks(id, "TASK_FAILED", 1, 15);
	snprintf(path, sizeof(path), "SELECT task_id FROM tasks WHERE "
	    "request_id = '%s'", id);
	harness_sql_text(&harness_env, path, task, sizeof(task));
	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	h = harness_get_json(path);
	updates = json_object_get(h, "taskUpdates");
	msg = json_string_value(json_object_get(json_array_get(updates,
	    json_array_size(updates) - 1), "statusMessage"));
	ck_assert_msg(msg != NULL && strstr(msg, why) != NULL,
	    "status message '%s' does not say '%s'", msg, why);
	json_decref(h);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stderr"
	    "&offset=0&length=65536", task);
	chunk = harness_get_json(path);
	data = json_string_value(json_object_get(chunk, "data"));
	ck_assert_msg(data != NULL && strstr(data, in_stderr) != NULL,
	    "stderr '%s' does not say '%s'", data, in_stderr);
	json_decref(chunk);
}

START_TEST(test_jobs_unrunnable_command_says_why)
{
	char	cmd[PATH_MAX + 16], path[PATH_MAX];

	/* Through the shell: a file the task user may not execute. */
	snprintf(path, sizeof(path), "%s/bin", harness_env.dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin/not-a-program", harness_env.dir);
	fixture_write_file(path, "");
	snprintf(cmd, sizeof(cmd), "exec %s", path);
	unrunnable_says_why("noexec", cmd, NULL, "Permission denied",
	    "Permission denied");
	/* Without a shell: the supervisor's own exec fails. */
	unrunnable_says_why("missing", "/nonexistent/program",
	    ",\"arguments\":[\"x\"],\"shell\":false",
	    "No such file or directory", "kerr: cannot execute "
	    "'/nonexistent/program'");
}
END_TEST

Suite *
jobs_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("types"),
		FIXTURE_CHECKED(harness_setup_short_grace, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_jobs_cron_runs_on_time_without_overlap),
		FIXTURE_TEST(test_jobs_run_now_with_arguments),
		FIXTURE_TEST(test_jobs_on_demand_cap_and_delete_pending),
		FIXTURE_TEST(test_jobs_run_once_runs_once),
		FIXTURE_TEST(test_jobs_retries_counted),
		FIXTURE_TEST(test_jobs_time_limit_kills),
		FIXTURE_TEST(test_jobs_schedule_without_future_finishes),
		FIXTURE_TEST(test_jobs_healthcheck_decides_deploy),
		FIXTURE_TEST(test_jobs_unrunnable_command_says_why),
		FIXTURE_END
	};

	return (fixture_suite("jobs", tests));
}
