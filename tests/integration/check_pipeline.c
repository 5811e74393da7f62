/*
 * The task-state pipeline on the real daemons: supervisors report events,
 * schedulerd alone writes them.  Killing schedulerd in the middle of a
 * 200-task launch, and cleanerd in the middle of a 200-task pause, must
 * leave every task with exactly one state sequence: none lost, none
 * launched twice, no process left behind.  A supervisor that cannot
 * reach schedulerd keeps its task and delivers its events later.
 */
#include <sys/types.h>

#include <dirent.h>
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

static long long
pipeline_count(const char *fmt, const char *arg)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), fmt, arg);
	return (harness_sql_int(&harness_env, sql));
}

static void
pipeline_wait(const char *fmt, const char *arg, long long want, int seconds)
{
	long long	got = -1;
	int		i;

	for (i = 0; i < seconds * 20; i++) {
		if ((got = pipeline_count(fmt, arg)) == want)
			return;
		usleep(50000);
	}
	ck_abort_msg("%s (%s): %lld, wanted %lld (logs in %s)", fmt, arg, got,
	    want, harness_env.dir);
}

/* 1 when /proc/<pid>/<file> holds the test directory. */
static int
pipeline_proc_mentions(const char *pid, const char *file)
{
	char	 path[300], buf[32768];
	size_t	 n, i, dlen = strlen(harness_env.dir);
	FILE	*fp;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	for (i = 0; i + dlen <= n; i++)
		if (memcmp(buf + i, harness_env.dir, dlen) == 0)
			return (1);
	return (0);
}

/* Supervisors name the sandbox on their command line, tasks have it in
 * MESOS_SANDBOX. */
static int
pipeline_proc_ours(const char *pid)
{
	return (pipeline_proc_mentions(pid, "cmdline") ||
	    pipeline_proc_mentions(pid, "environ"));
}

/* Live (not zombie) processes named comm that belong to this test. */
static int
pipeline_processes(const char *comm)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[300], stat[512], name[64];
	FILE		*fp;
	int		 n = 0;

	ck_assert_ptr_nonnull(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		stat[0] = '\0';
		if (fgets(stat, sizeof(stat), fp) == NULL)
			stat[0] = '\0';
		fclose(fp);
		snprintf(name, sizeof(name), "(%s) ", comm);
		if (strstr(stat, name) == NULL || strstr(stat, ") Z ") != NULL)
			continue;
		if (pipeline_proc_ours(de->d_name))
			n++;
	}
	closedir(d);
	return (n);
}

static void
pipeline_wait_processes(const char *comm, int want, int seconds)
{
	int got = -1, i;

	for (i = 0; i < seconds * 10; i++) {
		if ((got = pipeline_processes(comm)) == want)
			return;
		usleep(100000);
	}
	ck_abort_msg("%d '%s' processes, wanted %d", got, comm, want);
}

static void
pipeline_kill9_and_restart(enum harness_daemon which)
{
	ck_assert_int_eq(kill(harness_env.pid[which], SIGKILL), 0);
	ck_assert(harness_wait_pid(harness_env.pid[which], 2000, NULL));
	harness_spawn(&harness_env, which);
}

/* Every task's updates: each state once, in the order a task lives;
 * `where` selects the tasks (on tasks t). */
static void
pipeline_assert_sequences(const char *where)
{
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM (SELECT 1 FROM"
	    " task_updates u JOIN tasks t USING (task_id) WHERE t.%s"
	    " GROUP BY u.task_id, u.state HAVING count(*) > 1)", where), 0);
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM (SELECT 1 FROM"
	    " task_updates u JOIN tasks t USING (task_id) WHERE t.%s AND"
	    " u.state IN ('TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED',"
	    " 'TASK_LOST') GROUP BY u.task_id HAVING count(*) > 1)", where), 0);
	/* RUNNING after LAUNCHED, by their own timestamps. */
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM task_updates r"
	    " JOIN task_updates l ON l.task_id = r.task_id AND"
	    " l.state = 'TASK_LAUNCHED' JOIN tasks t ON t.task_id = r.task_id"
	    " WHERE t.%s AND r.state = 'TASK_RUNNING' AND"
	    " r.timestamp < l.timestamp", where), 0);
}

/* 200 tasks: eight workers of 25 (Singularity's maxInstancesPerRequest). */
#define BURST_REQUESTS	8
#define BURST_WHERE	"request_id GLOB 'burst*'"

static void
pipeline_burst_post(const char *what)
{
	char	path[128], body[256];
	int	i;

	for (i = 1; i <= BURST_REQUESTS; i++) {
		if (strcmp(what, "deploy") == 0) {
			snprintf(body, sizeof(body), "{\"deploy\":{\"requestId\":"
			    "\"burst%d\",\"id\":\"d1\",\"command\":\"sleep "
			    "1000\"}}", i);
			json_decref(http_json(&harness_env, "POST", V1
			    "/deploys", body, 200));
		} else if (strcmp(what, "request") == 0) {
			snprintf(body, sizeof(body), "{\"id\":\"burst%d\","
			    "\"requestType\":\"WORKER\",\"instances\":%d}", i,
			    BURST / BURST_REQUESTS);
			json_decref(http_json(&harness_env, "POST", V1
			    "/requests", body, 200));
		} else {
			snprintf(path, sizeof(path), V1 "/requests/request/"
			    "burst%d/%s", i, what);
			json_decref(http_json(&harness_env, "POST", path, NULL,
			    200));
		}
	}
}

START_TEST(test_pipeline_kill9_mid_launch_and_mid_pause_of_200)
{
	pipeline_burst_post("request");
	pipeline_burst_post("deploy");
	/* schedulerd dies with the launch under way. */
	pipeline_wait("SELECT min(count(*), 1) FROM tasks WHERE %s",
	    BURST_WHERE, 1, 20);
	pipeline_kill9_and_restart(HARNESS_SCHEDULERD);
	pipeline_wait("SELECT count(*) FROM tasks WHERE %s AND active = 1 AND"
	    " state = 'TASK_RUNNING'", BURST_WHERE, BURST, 90);
	/* None launched twice, none lost, one process each. */
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM tasks WHERE %s",
	    BURST_WHERE), BURST);
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM (SELECT DISTINCT"
	    " request_id, instance_no FROM tasks WHERE %s)", BURST_WHERE),
	    BURST);
	pipeline_wait_processes("sleep", BURST, 20);
	pipeline_assert_sequences(BURST_WHERE);

	/* cleanerd dies with the pause under way. */
	pipeline_burst_post("pause");
	pipeline_wait("SELECT min(count(*), 1) FROM task_cleanups WHERE %s",
	    BURST_WHERE, 1, 20);
	pipeline_kill9_and_restart(HARNESS_CLEANERD);
	pipeline_wait("SELECT count(*) FROM tasks WHERE %s AND active = 1",
	    BURST_WHERE, 0, 60);
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM tasks WHERE %s"
	    " AND state = 'TASK_KILLED'", BURST_WHERE), BURST);
	pipeline_assert_sequences(BURST_WHERE);
	pipeline_wait_processes("sleep", 0, 20);
	pipeline_wait_processes("kerr-supervisor", 0, 20);
}
END_TEST

START_TEST(test_pipeline_events_wait_for_the_scheduler)
{
	char	 sql[256];

	json_decref(http_json(&harness_env, "POST", V1 "/requests",
	    "{\"id\":\"late\",\"requestType\":\"RUN_ONCE\"}", 200));
	json_decref(http_json(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"late\",\"id\":\"d1\",\"command\":"
	    "\"sleep 2; exit 3\"}}", 200));
	pipeline_wait("SELECT count(*) FROM tasks WHERE request_id = '%s' AND"
	    " state = 'TASK_RUNNING'", "late", 1, 20);
	/* The task ends while nobody can record it. */
	harness_stop_expect_clean(&harness_env, HARNESS_SCHEDULERD);
	pipeline_wait_processes("sleep", 0, 10);
	ck_assert_int_eq(pipeline_processes("kerr-supervisor"), 1);
	ck_assert_int_eq(pipeline_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", "late"), 1);
	harness_spawn(&harness_env, HARNESS_SCHEDULERD);
	pipeline_wait("SELECT count(*) FROM tasks WHERE request_id = '%s' AND"
	    " state = 'TASK_FAILED'", "late", 1, 20);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM task_updates u JOIN"
	    " tasks t USING (task_id) WHERE t.request_id = '%%s' AND"
	    " u.state = 'TASK_FAILED' AND u.message = 'Exited with status 3'");
	ck_assert_int_eq(pipeline_count(sql, "late"), 1);
	pipeline_assert_sequences("request_id = 'late'");
	/* Delivered and acknowledged: the supervisor is gone too. */
	pipeline_wait_processes("kerr-supervisor", 0, 10);
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
	suite_add_tcase(s, tc);
	return (s);
}
