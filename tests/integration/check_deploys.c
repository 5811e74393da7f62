/*
 * Deploys, scheduling and the local executor on the real daemons: tasks
 * are real processes (checked in /proc), the right number run with the
 * right environment, failures are replaced, deploys replace or keep the
 * old tasks, and kill -9 of any daemon loses and duplicates nothing.
 */
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*deploys_suite(void);

#define V1	"/singularity/v1"

/* Active tasks of a request that are RUNNING (from the store). */
static long long
running_tasks(const char *request, const char *deploy_id)
{
	const char *d = deploy_id != NULL ? deploy_id : "";

	return (harness_count("SELECT count(*) FROM tasks WHERE active = 1"
	    " AND state = 'TASK_RUNNING' AND request_id = '%s'"
	    " AND ('%s' = '' OR deploy_id = '%s')", request, d, d));
}

static void
wait_running(const char *request, const char *deploy_id, long long n)
{
	int i;

	for (i = 0; i < 300; i++) {
		if (running_tasks(request, deploy_id) == n)
			return;
		usleep(50000);
	}
	ck_abort_msg("%s/%s: %lld running tasks, expected %lld", request,
	    deploy_id != NULL ? deploy_id : "*", running_tasks(request,
	    deploy_id), n);
}

/* n instances of `sleep 1000` as deploy d1, once that is active. */
static void
deployed(const char *request, const char *type, int n)
{
	harness_request(request, type, n);
	harness_deploy(request, "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	harness_wait_deployed(request, "d1", 15000);
}

/* The process groups of a request's running tasks, checked in /proc. */
static int
live_task_processes(const char *request, pid_t *pids, int max)
{
	int n, i;

	n = 0;
	for (i = 0; i < max; i++) {
		pids[i] = (pid_t)harness_count("SELECT coalesce((SELECT"
		    " task_pgid FROM tasks WHERE active = 1"
		    " AND request_id = '%s' ORDER BY instance_no"
		    " LIMIT 1 OFFSET %d), 0)", request, i);
		if (pids[i] <= 0)
			break;
		if (kill(pids[i], 0) == 0)
			n++;
	}
	return (n);
}

START_TEST(test_deploys_seed_example_runs_sleep)
{
	json_t	*p;
	pid_t	 pids[4];
	size_t	 len;
	char	*cmd;

	harness_post_ok(V1 "/requests", "{\"id\":\"test-singularity-1\"}");
	p = http_json(&harness_env, "POST", V1 "/requests/request/"
	    "test-singularity-1/deploy", "{\"id\":\"deploy1\",\"requestId\":"
	    "\"test-singularity-1\",\"command\":\"sleep 1000\"}", 200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(p, "requestDeployState"), "pendingDeploy"),
	    "deployId")), "deploy1");
	ck_assert_ptr_nonnull(json_object_get(p, "pendingDeploy"));
	json_decref(p);
	wait_running("test-singularity-1", "deploy1", 1);
	ck_assert_int_eq(live_task_processes("test-singularity-1", pids, 4),
	    1);
	cmd = harness_proc_file(pids[0], "cmdline", &len);
	ck_assert_msg(memmem(cmd, len, "sleep", 5) != NULL, "not sleep: %s",
	    cmd);
	free(cmd);
	/* Healthy after the default 5 s: the deploy becomes active. */
	p = harness_wait_json(V1 "/requests/request/test-singularity-1",
	    harness_active_deploy_is, "deploy1", 15000);
	ck_assert_ptr_nonnull(json_object_get(p, "activeDeploy"));
	ck_assert_ptr_null(json_object_get(p, "pendingDeploy"));
	json_decref(p);
	p = harness_wait_json(V1 "/history/request/test-singularity-1/deploy/"
	    "deploy1", harness_deploy_state_is, "SUCCEEDED", 5000);
	json_decref(p);
}
END_TEST

START_TEST(test_deploys_service_two_instances_environment)
{
	pid_t	pids[4];
	json_t	*active;
	int	i;

	harness_request("web", "SERVICE", 2);
	harness_deploy("web", "d1", "sleep 1000", HARNESS_HEALTHY_1S
	    ",\"env\":{\"GREETING\":\"hi-${TASK_INSTANCE_NO}\"},"
	    "\"resources\":{\"cpus\":0.1,\"memoryMb\":64,\"numPorts\":1}");
	wait_running("web", "d1", 2);
	active = harness_get_json(V1 "/tasks/active");
	ck_assert_int_eq(json_array_size(active), 2);
	json_decref(active);
	ck_assert_int_eq(live_task_processes("web", pids, 4), 2);
	for (i = 0; i < 2; i++) {
		char kv[64];

		ck_assert(harness_proc_has(pids[i], "environ",
		    "TASK_REQUEST_ID=web"));
		ck_assert(harness_proc_has(pids[i], "environ",
		    "TASK_DEPLOY_ID=d1"));
		snprintf(kv, sizeof(kv), "INSTANCE_NO=%d", i + 1);
		ck_assert_msg(harness_proc_has(pids[i], "environ", kv),
		    "missing %s", kv);
		snprintf(kv, sizeof(kv), "GREETING=hi-%d", i + 1);
		ck_assert_msg(harness_proc_has(pids[i], "environ", kv),
		    "missing %s", kv);
	}
	ck_assert_int_eq(harness_sql_int(&harness_env, "SELECT count(*) FROM"
	    " tasks WHERE request_id = 'web' AND ports LIKE '[%]'"), 2);
}
END_TEST

START_TEST(test_deploys_failed_task_is_replaced)
{
	json_t *hist;

	harness_request("flaky", "WORKER", 1);
	harness_deploy("flaky", "d1", "sleep 4; exit 3", HARNESS_HEALTHY_1S);
	harness_wait_deployed("flaky", "d1", 10000);
	/* The first task fails with 3, and a second one is started. */
	harness_wait_tasks("flaky", NULL, 2, 10);
	ck_assert_int_ge(harness_sql_int(&harness_env, "SELECT count(*) FROM"
	    " task_updates WHERE state = 'TASK_FAILED' AND"
	    " message = 'Exited with status 3'"), 1);
	ck_assert_int_ge(harness_tasks("flaky", NULL), 2);
	hist = harness_get_json(V1 "/history/request/flaky/tasks");
	ck_assert_int_ge(json_array_size(hist), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(hist,
	    0), "lastTaskState")), "TASK_FAILED");
	json_decref(hist);
}
END_TEST

START_TEST(test_deploys_new_deploy_replaces_old_after_healthy)
{
	pid_t old[4];

	deployed("svc", "SERVICE", 2);
	ck_assert_int_eq(live_task_processes("svc", old, 4), 2);
	harness_deploy("svc", "d2", "sleep 1001", HARNESS_HEALTHY_1S);
	wait_running("svc", "d2", 2);
	/* Old tasks still alive while the new ones are not healthy yet. */
	ck_assert_int_eq(kill(old[0], 0), 0);
	harness_wait_deployed("svc", "d2", 15000);
	wait_running("svc", "d1", 0);
	for (int i = 0; i < 100 && (kill(old[0], 0) == 0 ||
	    kill(old[1], 0) == 0); i++)
		usleep(50000);
	ck_assert_int_eq(kill(old[0], 0), -1);
	ck_assert_int_eq(kill(old[1], 0), -1);
	ck_assert_int_eq(harness_sql_int(&harness_env, "SELECT count(*) FROM"
	    " tasks WHERE deploy_id = 'd1' AND state = 'TASK_KILLED'"), 2);
}
END_TEST

START_TEST(test_deploys_failing_deploy_keeps_old)
{
	pid_t	old[4];
	json_t	*p;

	deployed("keep", "WORKER", 1);
	ck_assert_int_eq(live_task_processes("keep", old, 4), 1);
	harness_deploy("keep", "d2", "exit 1", HARNESS_HEALTHY_1S);
	json_decref(harness_wait_json(V1 "/history/request/keep/deploy/d2",
	    harness_deploy_state_is, "FAILED", 15000));
	p = harness_get_json(V1 "/requests/request/keep");
	ck_assert(harness_active_deploy_is(p, "d1"));
	json_decref(p);
	ck_assert_int_eq(kill(old[0], 0), 0);
	wait_running("keep", "d1", 1);
}
END_TEST

START_TEST(test_deploys_stdout_readable_through_sandbox)
{
	char	path[512], task[256];
	json_t	*ids;

	harness_request("echo", "WORKER", 1);
	harness_deploy("echo", "d1", "echo hello-$TASK_REQUEST_ID; sleep 1000",
	    HARNESS_HEALTHY_1S);
	wait_running("echo", "d1", 1);
	ids = harness_get_json(V1 "/tasks/active/ids");
	snprintf(task, sizeof(task), "%s", json_string_value(json_object_get(
	    json_array_get(ids, 0), "id")));
	json_decref(ids);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout&offset=0",
	    task);
	json_decref(harness_wait_json(path, harness_has_data, "hello-echo",
	    5000));
}
END_TEST

/* The supervisor and its task vanish (as on a reboot): TASK_LOST, and the
 * instance is started again. */
START_TEST(test_deploys_vanished_supervisor_is_lost_and_replaced)
{
	pid_t	sup, pgid;

	deployed("lost", "WORKER", 1);
	sup = (pid_t)harness_sql_int(&harness_env, "SELECT supervisor_pid FROM"
	    " tasks WHERE request_id = 'lost' AND active = 1");
	pgid = (pid_t)harness_sql_int(&harness_env, "SELECT task_pgid FROM"
	    " tasks WHERE request_id = 'lost' AND active = 1");
	ck_assert_int_gt(sup, 1);
	ck_assert_int_gt(pgid, 1);
	ck_assert_int_eq(kill(sup, SIGKILL), 0);
	ck_assert_int_eq(kill(-pgid, SIGKILL), 0);
	harness_wait_tasks("lost", "TASK_LOST", 1, 10);
	ck_assert_int_eq(harness_tasks("lost", "TASK_LOST"), 1);
	wait_running("lost", "d1", 1);
	ck_assert_int_eq(harness_tasks("lost", NULL), 2);
}
END_TEST

START_TEST(test_deploys_validation)
{
	harness_request("val", "WORKER", 1);
	http_expect_error(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"nope\",\"id\":\"d1\","
	    "\"command\":\"true\"}}", 404, "nope");
	http_expect_error(&harness_env, "POST", V1 "/deploys", "{}", 400,
	    "deploy");
	http_expect_error(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"val\",\"id\":\"d-1\","
	    "\"command\":\"true\"}}", 400, "d-1");
	http_expect_error(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"val\",\"id\":\"d1\","
	    "\"command\":\"true\",\"containerInfo\":{\"type\":\"DOCKER\"}}}",
	    400, "container");
	http_expect_error(&harness_env, "POST", V1 "/requests/request/val/"
	    "deploy", "{\"id\":\"d1\",\"requestId\":\"other\",\"command\":"
	    "\"true\"}", 400, "other");
	harness_deploy("val", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	http_expect_error(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"val\",\"id\":\"d2\","
	    "\"command\":\"true\"}}", 409, "val");
	harness_wait_deployed("val", "d1", 15000);
	http_expect_error(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"val\",\"id\":\"d1\","
	    "\"command\":\"true\"}}", 400, "already been deployed");
}
END_TEST

/* kill -9 of a daemon: tasks keep running, nothing lost or doubled. */
START_TEST(test_deploys_kill9_each_daemon_loses_nothing)
{
	pid_t	before[4], after[4];
	int	d;

	harness_request("dur", "SERVICE", 3);
	harness_deploy("dur", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	/* schedulerd dies in the middle of the deploy. */
	harness_kill9_and_restart(HARNESS_SCHEDULERD);
	wait_running("dur", "d1", 3);
	harness_wait_deployed("dur", "d1", 20000);
	ck_assert_int_eq(live_task_processes("dur", before, 4), 3);
	for (d = 0; d < HARNESS_NDAEMONS; d++) {
		harness_kill9_and_restart((enum harness_daemon)d);
		if (d == HARNESS_APID)
			harness_wait_api(&harness_env);
	}
	usleep(1500000);	/* a few scheduler passes */
	ck_assert_int_eq(live_task_processes("dur", after, 4), 3);
	ck_assert_int_eq(memcmp(before, after, sizeof(pid_t) * 3), 0);
	ck_assert_int_eq(harness_tasks("dur", NULL), 3);
}
END_TEST

START_TEST(test_deploys_pause_kills_unpause_relaunches)
{
	pid_t	pids[4];
	int	i;

	harness_request("pz", "WORKER", 2);
	harness_deploy("pz", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	wait_running("pz", "d1", 2);
	ck_assert_int_eq(live_task_processes("pz", pids, 4), 2);
	harness_post_ok(V1 "/requests/request/pz/pause", NULL);
	for (i = 0; i < 100 && (kill(pids[0], 0) == 0 ||
	    kill(pids[1], 0) == 0); i++)
		usleep(50000);
	ck_assert_int_eq(kill(pids[0], 0), -1);
	ck_assert_int_eq(kill(pids[1], 0), -1);
	wait_running("pz", NULL, 0);
	ck_assert_int_eq(harness_tasks("pz", "TASK_KILLED"), 2);
	harness_post_ok(V1 "/requests/request/pz/unpause", NULL);
	wait_running("pz", "d1", 2);
}
END_TEST

START_TEST(test_deploys_scale_up_and_down)
{
	harness_request("sc", "WORKER", 1);
	harness_deploy("sc", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	wait_running("sc", "d1", 1);
	json_decref(http_json(&harness_env, "PUT", V1 "/requests/request/sc/"
	    "scale", "{\"instances\":3}", 200));
	wait_running("sc", "d1", 3);
	json_decref(http_json(&harness_env, "PUT", V1 "/requests/request/sc/"
	    "scale", "{\"instances\":1}", 200));
	wait_running("sc", "d1", 1);
	ck_assert_int_eq(harness_sql_int(&harness_env, "SELECT instance_no"
	    " FROM tasks WHERE request_id = 'sc' AND active = 1"), 1);
}
END_TEST

Suite *
deploys_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("executor"),
		FIXTURE_CHECKED(harness_setup_short_grace, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_deploys_seed_example_runs_sleep),
		FIXTURE_TEST(test_deploys_service_two_instances_environment),
		FIXTURE_TEST(test_deploys_failed_task_is_replaced),
		FIXTURE_TEST(test_deploys_new_deploy_replaces_old_after_healthy),
		FIXTURE_TEST(test_deploys_failing_deploy_keeps_old),
		FIXTURE_TEST(test_deploys_validation),
		FIXTURE_TEST(test_deploys_stdout_readable_through_sandbox),
		FIXTURE_TEST(test_deploys_vanished_supervisor_is_lost_and_replaced),
		FIXTURE_TEST(test_deploys_kill9_each_daemon_loses_nothing),
		FIXTURE_TEST(test_deploys_pause_kills_unpause_relaunches),
		FIXTURE_TEST(test_deploys_scale_up_and_down),
		FIXTURE_END
	};

	return (fixture_suite("deploys", tests));
}
