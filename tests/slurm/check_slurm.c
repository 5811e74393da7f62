/*
 * kerr on a real Slurm cluster (make check-slurm; tests/slurm/run.sh
 * starts the cluster and sets SLURM_CONF and KERR_SLURM_KEY).  The real
 * daemons run with backend = slurm: every task is a Slurm job whose
 * wrapper reports over the signed network channel.  The seed's walk
 * through a service, a failing command, a job Slurm refuses, a scheduled
 * job, a time limit, a job cancelled behind kerr's back, a wrapper killed
 * without a word (its end read from Slurm), kill -9 of schedulerd in a
 * 50-task launch, health checks, and placement on both nodes and by rack
 * with the nodes as GET /state's agents.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "fixture.h"
#include "harness.h"

#define V1		"/singularity/v1"
#define SLURM_WAIT_S	60

static char slurm_extra[2048];

static void
slurm_setup(void)
{
	const char *conf = getenv("SLURM_CONF"), *key = getenv("KERR_SLURM_KEY");

	ck_assert_msg(conf != NULL && key != NULL, "run through make "
	    "check-slurm: SLURM_CONF and KERR_SLURM_KEY are not set");
	snprintf(slurm_extra, sizeof(slurm_extra),
	    "[cleanerd]\nkill_grace_ms = 2000\n"
	    "[executor]\nbackend = slurm\nslurm_conf = %s\n"
	    "slurm_key_file = %s\nslurm_events_listen = 127.0.0.1:%d\n"
	    "slurm_partitions = second=second\n", conf, key,
	    harness_free_port());
	harness_setup_with(slurm_extra);
}

/* Nothing of a test outlives it in the cluster. */
static void
slurm_teardown(void)
{
	if (system("scancel --quiet --me >/dev/null 2>&1") != 0)
		fprintf(stderr, "scancel failed\n");
	harness_teardown();
}

/* Lines of a command's output that contain needle, or that start with
 * prefix (NULL: any). */
static int
slurm_lines_with(const char *cmd, const char *needle, const char *prefix)
{
	char	 line[1024];
	FILE	*fp = popen(cmd, "r");
	int	 n = 0;

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if ((needle == NULL || strstr(line, needle) != NULL) &&
		    (prefix == NULL || strncmp(line, prefix,
		    strlen(prefix)) == 0))
			n++;
	(void)pclose(fp);
	return (n);
}

static int
slurm_lines(const char *cmd, const char *needle)
{
	return (slurm_lines_with(cmd, needle, NULL));
}

/* Slurm jobs whose name starts with prefix, in state (squeue's %T;
 * NULL: any, ended ones included). */
static int
slurm_jobs(const char *prefix, const char *state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "squeue --me -h -t %s -o '%%j'",
	    state != NULL ? state : "all");
	return (slurm_lines_with(cmd, NULL, prefix));
}

/* Wait for want jobs of request in state, exactly (or at least). */
static void
slurm_wait_jobs_cmp(const char *request, const char *state, int want,
    int at_least)
{
	int got = -1, i;

	for (i = 0; i < SLURM_WAIT_S * 10; i++) {
		got = slurm_jobs(request, state);
		if (got == want || (at_least && got > want))
			return;
		usleep(100000);
	}
	ck_abort_msg("%d %s jobs of %s in Slurm, wanted %s%d (logs in %s)",
	    got, state, request, at_least ? "at least " : "", want,
	    harness_env.dir);
}

static void
slurm_wait_jobs(const char *request, const char *state, int want)
{
	slurm_wait_jobs_cmp(request, state, want, 0);
}

/* Exactly want tasks of request in state (NULL: active ones). */
static void
slurm_wait_tasks_exactly(const char *request, const char *state, int want)
{
	long long	got = -1;
	int		i;

	for (i = 0; i < SLURM_WAIT_S * 10; i++) {
		got = state != NULL ? harness_tasks(request, state) :
		    harness_count("SELECT count(*) FROM tasks WHERE"
		    " request_id = '%s' AND active = 1", request);
		if (got == want)
			return;
		usleep(100000);
	}
	ck_abort_msg("%lld %s tasks of %s, wanted %d (logs in %s)", got,
	    state != NULL ? state : "active", request, want, harness_env.dir);
}

static void
slurm_task_of(const char *request, const char *state, char *buf, size_t len)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT task_id FROM tasks WHERE"
	    " request_id = '%s' AND state = '%s' LIMIT 1", request, state);
	harness_sql_text(&harness_env, sql, buf, len);
	ck_assert_int_gt(strlen(buf), 0);
}

START_TEST(test_slurm_service_walk_through)
{
	char	 task[256], path[512];
	json_t	*t;

	harness_request("web", "SERVICE", 2);
	harness_deploy("web", "d1", "echo hello from $TASK_HOST; sleep 1000",
	    ",\"resources\":{\"cpus\":1,\"memoryMb\":64,\"numPorts\":1}");
	harness_wait_tasks("web", "TASK_RUNNING", 2, SLURM_WAIT_S);
	slurm_wait_jobs("web", "RUNNING", 2);
	harness_wait_processes("sleep", 2, 20);
	/* The task knows where it runs; its stdout is read as on one host. */
	slurm_task_of("web", "TASK_RUNNING", task, sizeof(task));
	ck_assert_ptr_nonnull(strstr(task, "-slurm-"));
	snprintf(path, sizeof(path), V1 "/tasks/task/%s", task);
	t = harness_get_json(path);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(t,
	    "taskId"), "rackId")), "batch");
	/* The port picked on the node, in its resources and its column. */
	ck_assert_int_ge(harness_count("SELECT json_extract(task_json,"
	    " '$.mesosTask.resources[3].ranges.range[0].begin') FROM tasks"
	    " WHERE task_id = '%s'", task), 31000);
	ck_assert_int_eq(harness_count("SELECT json_array_length(ports)"
	    " FROM tasks WHERE task_id = '%s'", task), 1);
	json_decref(t);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout&offset=0",
	    task);
	json_decref(harness_wait_json(path, harness_has_data, "hello from ",
	    10000));

	http_json(&harness_env, "PUT", V1 "/requests/request/web/scale",
	    "{\"instances\":3}", 200);
	harness_wait_tasks("web", "TASK_RUNNING", 3, SLURM_WAIT_S);
	slurm_wait_jobs("web", "RUNNING", 3);

	harness_post_ok(V1 "/requests/request/web/bounce", NULL);
	harness_wait_tasks("web", "TASK_KILLED", 3, SLURM_WAIT_S);
	slurm_wait_tasks_exactly("web", NULL, 3);
	harness_wait_tasks("web", "TASK_RUNNING", 3, SLURM_WAIT_S);
	slurm_wait_jobs("web", "RUNNING", 3);

	harness_post_ok(V1 "/requests/request/web/pause", NULL);
	slurm_wait_tasks_exactly("web", NULL, 0);
	slurm_wait_jobs("web", "RUNNING", 0);
	harness_wait_processes("sleep", 0, 20);

	harness_post_ok(V1 "/requests/request/web/unpause", NULL);
	harness_wait_tasks("web", "TASK_RUNNING", 3, SLURM_WAIT_S);
	slurm_wait_jobs("web", "RUNNING", 3);

	json_decref(http_json(&harness_env, "DELETE",
	    V1 "/requests/request/web", NULL, 200));
	slurm_wait_tasks_exactly("web", NULL, 0);
	slurm_wait_jobs("web", "RUNNING", 0);
	harness_wait_processes("sleep", 0, 20);
	harness_wait_processes("kerr-supervisor", 0, 20);
}
END_TEST

START_TEST(test_slurm_failing_command)
{
	char	task[256], sql[PATH_MAX + 512], msg[512];

	harness_request("bad", "RUN_ONCE", 1);
	harness_deploy("bad", "d1", "echo oops >&2; exit 3", NULL);
	harness_wait_tasks("bad", "TASK_FAILED", 1, SLURM_WAIT_S);
	slurm_task_of("bad", "TASK_FAILED", task, sizeof(task));
	snprintf(sql, sizeof(sql), "SELECT message FROM task_updates WHERE"
	    " task_id = '%s' AND state = 'TASK_FAILED'", task);
	harness_sql_text(&harness_env, sql, msg, sizeof(msg));
	ck_assert_str_eq(msg, "Exited with status 3");
	/* Slurm saw the command's status too: the wrapper exits with it. */
	snprintf(sql, sizeof(sql), "scontrol -o show job $(cat %s/state/"
	    "tasks/%s/.kerr/slurm-job)", harness_env.dir, task);
	ck_assert_int_eq(slurm_lines(sql, "ExitCode=3:0"), 1);
}
END_TEST

/* A job Slurm refuses (more memory than any node has): the task fails
 * with Slurm's own words. */
START_TEST(test_slurm_refused_job_says_why)
{
	char	task[256], sql[512], msg[512];

	harness_request("huge", "RUN_ONCE", 1);
	harness_deploy("huge", "d1", "true",
	    ",\"resources\":{\"cpus\":1,\"memoryMb\":20000}");
	harness_wait_tasks("huge", "TASK_FAILED", 1, SLURM_WAIT_S);
	slurm_task_of("huge", "TASK_FAILED", task, sizeof(task));
	snprintf(sql, sizeof(sql), "SELECT message FROM task_updates WHERE"
	    " task_id = '%s' AND state = 'TASK_FAILED'", task);
	harness_sql_text(&harness_env, sql, msg, sizeof(msg));
	ck_assert_msg(strncmp(msg, "Failed to launch: sbatch: error:", 32) ==
	    0, "message: %s", msg);
	/* Slurm keeps the refused job as FAILED; it never ran. */
	ck_assert_int_eq(slurm_jobs("huge", "RUNNING"), 0);
	ck_assert_int_eq(harness_tasks("huge", NULL), 1);
}
END_TEST

START_TEST(test_slurm_scheduled_job)
{
	harness_post_ok(V1 "/requests", "{\"id\":\"tick\",\"requestType\":"
	    "\"SCHEDULED\",\"schedule\":\"*/3 * * * * ?\","
	    "\"scheduleType\":\"QUARTZ\"}");
	harness_deploy("tick", "d1", "echo tick", NULL);
	harness_wait_tasks("tick", "TASK_FINISHED", 2, SLURM_WAIT_S);
	ck_assert_int_le(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", "tick"), 1);
	/* Slurm's record follows the wrapper's last event by a moment. */
	slurm_wait_jobs_cmp("tick", "COMPLETED", 2, 1);
}
END_TEST

START_TEST(test_slurm_time_limit)
{
	char task[256], cmd[PATH_MAX + 128];

	harness_post_ok(V1 "/requests", "{\"id\":\"tl\",\"requestType\":"
	    "\"ON_DEMAND\",\"taskExecutionTimeLimitMillis\":1500}");
	harness_deploy("tl", "d1", "sleep 1000", NULL);
	usleep(400000);
	harness_post_ok(V1 "/requests/request/tl/run", NULL);
	harness_wait_tasks("tl", "TASK_RUNNING", 1, SLURM_WAIT_S);
	slurm_task_of("tl", "TASK_RUNNING", task, sizeof(task));
	/* Slurm holds the limit too, in whole minutes, one beyond kerr's. */
	snprintf(cmd, sizeof(cmd), "scontrol -o show job $(cat %s/state/"
	    "tasks/%s/.kerr/slurm-job)", harness_env.dir, task);
	ck_assert_int_eq(slurm_lines(cmd, "TimeLimit=00:02:00"), 1);
	harness_wait_tasks("tl", "TASK_KILLED", 1, SLURM_WAIT_S);
	slurm_wait_jobs("tl", "RUNNING", 0);
}
END_TEST

START_TEST(test_slurm_cancelled_behind_our_back)
{
	char task[256], cmd[512];

	harness_request("svc", "SERVICE", 1);
	harness_deploy("svc", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	json_decref(harness_wait_json(V1 "/history/request/svc/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", SLURM_WAIT_S * 1000));
	slurm_task_of("svc", "TASK_RUNNING", task, sizeof(task));
	snprintf(cmd, sizeof(cmd), "scancel --me --name=%s", task);
	ck_assert_int_eq(system(cmd), 0);
	/* It ended, and kerr put another in its place. */
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM tasks WHERE"
	    " task_id = '%s' AND active = 0", task);
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND state = 'TASK_RUNNING' AND"
	    " task_id <> '%s'", task);
	slurm_wait_jobs("svc", "RUNNING", 1);
}
END_TEST

/* The pid of the wrapper (kerr-supervisor) of task, from /proc. */
static pid_t
slurm_wrapper_pid(const char *task)
{
	char	cmd[512], line[64];
	FILE	*fp;
	pid_t	pid = 0;

	snprintf(cmd, sizeof(cmd), "pgrep -f 'kerr-supervisor -t %s '", task);
	ck_assert_ptr_nonnull(fp = popen(cmd, "r"));
	if (fgets(line, sizeof(line), fp) != NULL)
		pid = (pid_t)atoi(line);
	(void)pclose(fp);
	ck_assert_int_gt(pid, 1);
	return (pid);
}

/*
 * The wrapper dies without a word (kill -9 on its node): its end comes
 * from Slurm's record of the job, and the task is replaced.
 */
START_TEST(test_slurm_lost_exit_from_slurm)
{
	char	task[256], sql[512], msg[512];

	harness_request("lost", "SERVICE", 1);
	harness_deploy("lost", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	json_decref(harness_wait_json(V1 "/history/request/lost/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", SLURM_WAIT_S * 1000));
	slurm_task_of("lost", "TASK_RUNNING", task, sizeof(task));
	ck_assert_int_eq(kill(slurm_wrapper_pid(task), SIGKILL), 0);
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM tasks WHERE"
	    " task_id = '%s' AND active = 0", task);
	snprintf(sql, sizeof(sql), "SELECT state || ': ' || message FROM"
	    " task_updates WHERE task_id = '%s' ORDER BY seq DESC LIMIT 1",
	    task);
	harness_sql_text(&harness_env, sql, msg, sizeof(msg));
	ck_assert_str_eq(msg, "TASK_FAILED: Terminated by signal SIGKILL");
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'lost' AND state = 'TASK_RUNNING' AND"
	    " task_id <> '%s'", task);
}
END_TEST

/* 50 tasks: two workers of 25. */
#define BURST		50
#define BURST_WHERE	"request_id GLOB 'burst*'"

START_TEST(test_slurm_kill9_scheduler_mid_launch)
{
	harness_request("burst1", "WORKER", BURST / 2);
	harness_request("burst2", "WORKER", BURST / 2);
	harness_deploy("burst1", "d1", "sleep 1000", NULL);
	harness_deploy("burst2", "d1", "sleep 1000", NULL);
	harness_wait_sql(1, 20, "SELECT count(*) FROM tasks WHERE "
	    BURST_WHERE);
	harness_kill9_and_restart(HARNESS_SCHEDULERD);
	ck_assert_int_lt(harness_count("SELECT count(*) FROM tasks WHERE %s"
	    " AND state = 'TASK_RUNNING'", BURST_WHERE), BURST);
	harness_wait_sql(BURST, 120, "SELECT count(*) FROM tasks WHERE "
	    BURST_WHERE " AND active = 1 AND state = 'TASK_RUNNING'");
	/* None launched twice, none lost: one task, one job, one process
	 * per instance. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE %s",
	    BURST_WHERE), BURST);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM (SELECT DISTINCT"
	    " request_id, instance_no FROM tasks WHERE %s)", BURST_WHERE),
	    BURST);
	slurm_wait_jobs("burst", "RUNNING", BURST);
	ck_assert_int_eq(slurm_jobs("burst", NULL), BURST);
	harness_wait_processes("sleep", BURST, 30);
}
END_TEST

START_TEST(test_slurm_healthcheck_on_the_node)
{
	char	cmd[PATH_MAX + 64], prog[PATH_MAX];

	harness_request("hc", "SERVICE", 1);
	harness_task_program(&harness_env, "kerr-test-httpd", prog,
	    sizeof(prog));
	snprintf(cmd, sizeof(cmd), "exec %s $PORT0 200", prog);
	harness_deploy("hc", "d1", cmd, ",\"resources\":{\"cpus\":1,"
	    "\"memoryMb\":32,\"numPorts\":1},\"healthcheck\":{\"uri\":\"/h\","
	    "\"startupIntervalSeconds\":1,\"maxRetries\":5}");
	json_decref(harness_wait_json(V1 "/history/request/hc/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", SLURM_WAIT_S * 1000));
	ck_assert_int_ge(harness_count("SELECT count(*) FROM"
	    " task_healthchecks WHERE json_extract(result_json,"
	    " '$.statusCode') = 200"), 1);
}
END_TEST

/* The hosts of request's running tasks, as their JSON says. */
static long long
slurm_distinct_hosts(const char *request)
{
	return (harness_count("SELECT count(DISTINCT json_extract(task_json,"
	    " '$.taskId.host')) FROM tasks WHERE request_id = '%s' AND"
	    " state = 'TASK_RUNNING'", request));
}

/* The node named after this host (cluster.sh names the other localhost). */
static const char *
slurm_first_node(void)
{
	static char	 name[256];
	char		*dot;

	ck_assert_int_eq(gethostname(name, sizeof(name) - 1), 0);
	if ((dot = strchr(name, '.')) != NULL)
		*dot = '\0';
	return (name);
}

START_TEST(test_slurm_placement_on_both_nodes)
{
	char	 host[256];
	json_t	*st;

	/* 40 of a node's 64 CPUs each: Slurm must use both nodes. */
	harness_request("big", "WORKER", 2);
	harness_deploy("big", "d1", "sleep 1000",
	    ",\"resources\":{\"cpus\":40,\"memoryMb\":64}");
	harness_wait_tasks("big", "TASK_RUNNING", 2, SLURM_WAIT_S);
	ck_assert_int_eq(slurm_distinct_hosts("big"), 2);
	/* A rack is a partition: "second" has only the node localhost. */
	harness_post_ok(V1 "/requests", "{\"id\":\"racked\",\"requestType\":"
	    "\"WORKER\",\"instances\":1,\"rackAffinity\":[\"second\"]}");
	harness_deploy("racked", "d1", "sleep 1000", NULL);
	harness_wait_tasks("racked", "TASK_RUNNING", 1, SLURM_WAIT_S);
	harness_sql_text(&harness_env, "SELECT json_extract(task_json,"
	    " '$.taskId.host') || ' ' || json_extract(task_json,"
	    " '$.taskId.rackId') FROM tasks WHERE request_id = 'racked'",
	    host, sizeof(host));
	ck_assert_str_eq(host, "localhost second");
	/* The cluster's nodes are the agents GET /state counts. */
	st = harness_get_json(V1 "/state");
	ck_assert_int_eq(json_integer_value(json_object_get(st,
	    "activeAgents")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(st,
	    "deadAgents")), 0);
	json_decref(st);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM agents WHERE"
	    " state = 'ACTIVE' AND agent_id IN ('localhost', '%s')",
	    slurm_first_node()), 2);
}
END_TEST

/* Both nodes are agents. */
static int
slurm_agents_seen(json_t *list, const void *unused)
{
	(void)unused;
	return (json_array_size(list) == 2);
}

/* POST path with no body; its status. */
static long
slurm_post_empty(const char *path)
{
	struct http_resp	r;
	long			status;

	ck_assert_int_eq(http_do(&harness_env, "POST", path, NULL, &r), 0);
	status = r.status;
	http_resp_free(&r);
	return (status);
}

/* A decommissioned node's service task moves to the other node. */
START_TEST(test_slurm_decommission_moves_off)
{
	char	task[256], node[256], path[512], sql[512];

	harness_request("mv", "SERVICE", 1);
	harness_deploy("mv", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	json_decref(harness_wait_json(V1 "/history/request/mv/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", SLURM_WAIT_S * 1000));
	slurm_task_of("mv", "TASK_RUNNING", task, sizeof(task));
	snprintf(sql, sizeof(sql), "SELECT json_extract(task_json,"
	    " '$.taskId.host') FROM tasks WHERE task_id = '%s'", task);
	harness_sql_text(&harness_env, sql, node, sizeof(node));
	snprintf(path, sizeof(path), V1 "/agents/agent/%s/decommission", node);
	json_decref(harness_wait_json(V1 "/agents", slurm_agents_seen, NULL,
	    10000));
	ck_assert_int_eq(slurm_post_empty(path), 200);
	/* The replacement runs elsewhere, then the old task goes. */
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'mv' AND state = 'TASK_RUNNING' AND"
	    " json_extract(task_json, '$.taskId.host') <> '%s'", node);
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM tasks WHERE"
	    " task_id = '%s' AND active = 0", task);
	harness_wait_sql(1, SLURM_WAIT_S, "SELECT count(*) FROM agents WHERE"
	    " agent_id = '%s' AND state = 'DECOMMISSIONED'", node);
}
END_TEST

static Suite *
slurm_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("slurm"),
		FIXTURE_CHECKED(slurm_setup, slurm_teardown),
		FIXTURE_TIMEOUT(240),
		FIXTURE_TEST(test_slurm_service_walk_through),
		FIXTURE_TEST(test_slurm_failing_command),
		FIXTURE_TEST(test_slurm_refused_job_says_why),
		FIXTURE_TEST(test_slurm_scheduled_job),
		FIXTURE_TEST(test_slurm_time_limit),
		FIXTURE_TEST(test_slurm_cancelled_behind_our_back),
		FIXTURE_TEST(test_slurm_lost_exit_from_slurm),
		FIXTURE_TEST(test_slurm_kill9_scheduler_mid_launch),
		FIXTURE_TEST(test_slurm_healthcheck_on_the_node),
		FIXTURE_TEST(test_slurm_placement_on_both_nodes),
		FIXTURE_TEST(test_slurm_decommission_moves_off),
		FIXTURE_END
	};

	return (fixture_suite("slurm", tests));
}

int
main(void)
{
	static Suite *(*const suites[])(void) = { slurm_suite, NULL };
	int r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return (EXIT_FAILURE);
	(void)harness_run_prefix();
	r = fixture_run(suites);
	harness_kill_strays_of(harness_run_prefix());
	curl_global_cleanup();
	return (r);
}
