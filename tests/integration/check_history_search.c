/*
 * Issue 14 on the real daemons: the task search (GET /history/tasks and
 * /withmetadata) over tasks that really ran, each filter, the order and
 * the pages, and bad filter values refused with a 400 naming the
 * parameter; cron schedules of 6 and 7 fields stored in their Quartz form
 * and run on time; and the statistics of a running task, with control
 * groups and without.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*history_search_suite(void);

#define V1	"/singularity/v1"

/* Five finished tasks (three requests, one failure, two runs) and one
 * that still runs. */
static void
search_setup(void)
{
	harness_setup();
	harness_request("hs-ok", "RUN_ONCE", 1);
	harness_deploy("hs-ok", "d1", "true", NULL);
	harness_request("hs-bad", "RUN_ONCE", 1);
	harness_deploy("hs-bad", "d1", "exit 3", NULL);
	harness_request("hs-od", "ON_DEMAND", 1);
	harness_deploy("hs-od", "d1", "true", NULL);
	harness_request("hs-svc", "WORKER", 1);
	harness_deploy("hs-svc", "d1", "sleep 1000", NULL);
	harness_wait_tasks("hs-ok", "TASK_FINISHED", 1, 15);
	harness_wait_tasks("hs-bad", "TASK_FAILED", 1, 15);
	harness_wait_tasks("hs-svc", "TASK_RUNNING", 1, 15);
	harness_post_ok(V1 "/requests/request/hs-od/run", "{\"runId\":\"r1\"}");
	harness_wait_tasks("hs-od", "TASK_FINISHED", 1, 15);
	harness_post_ok(V1 "/requests/request/hs-od/run", "{\"runId\":\"r2\"}");
	harness_wait_tasks("hs-od", "TASK_FINISHED", 2, 15);
}

static const char *
tid_str(json_t *h, const char *key)
{
	return (json_string_value(json_object_get(json_object_get(h,
	    "taskId"), key)));
}

static long long
tid_started(json_t *h)
{
	return ((long long)json_integer_value(json_object_get(json_object_get(
	    h, "taskId"), "startedAt")));
}

/* GET path; the number of results, each of them finished. */
static size_t
search_count(const char *path)
{
	json_t	*list = harness_get_json(path), *h;
	size_t	 i, n;

	ck_assert_msg(json_is_array(list), "%s: not an array", path);
	json_array_foreach(list, i, h)
		ck_assert_str_ne(tid_str(h, "requestId"), "hs-svc");
	n = json_array_size(list);
	json_decref(list);
	return (n);
}

START_TEST(test_search_all_newest_first)
{
	json_t	*list, *asc, *page, *h;
	size_t	 i, n;

	list = harness_get_json(V1 "/history/tasks");
	n = json_array_size(list);
	ck_assert_int_eq(n, 4);
	json_array_foreach(list, i, h) {
		ck_assert_ptr_nonnull(json_object_get(h, "updatedAt"));
		ck_assert_ptr_nonnull(json_object_get(h, "lastTaskState"));
		if (i > 0)
			ck_assert_int_ge(tid_started(json_array_get(list,
			    i - 1)), tid_started(h));
	}
	/* ASC is the same list the other way round */
	asc = harness_get_json(V1 "/history/tasks?orderDirection=ASC");
	ck_assert_int_eq(json_array_size(asc), n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(tid_str(json_array_get(asc, i), "id"),
		    tid_str(json_array_get(list, n - 1 - i), "id"));
	/* page 2 of one per page is the second newest */
	page = harness_get_json(V1 "/history/tasks?count=1&page=2");
	ck_assert_int_eq(json_array_size(page), 1);
	ck_assert_str_eq(tid_str(json_array_get(page, 0), "id"),
	    tid_str(json_array_get(list, 1), "id"));
	json_decref(page);
	json_decref(asc);
	json_decref(list);
}
END_TEST

START_TEST(test_search_filters)
{
	json_t	*list, *h;
	char	 path[512], host[256], *p;

	list = harness_get_json(V1 "/history/tasks?requestId=hs-bad");
	ck_assert_int_eq(json_array_size(list), 1);
	h = json_array_get(list, 0);
	ck_assert_str_eq(tid_str(h, "requestId"), "hs-bad");
	ck_assert_str_eq(json_string_value(json_object_get(h,
	    "lastTaskState")), "TASK_FAILED");
	/* a host name as the machine spells it finds the sanitised one */
	snprintf(host, sizeof(host), "%s", tid_str(h, "host"));
	for (p = host; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	json_decref(list);
	list = harness_get_json(V1 "/history/tasks?lastTaskStatus=TASK_FAILED");
	ck_assert_int_eq(json_array_size(list), 1);
	ck_assert_str_eq(tid_str(json_array_get(list, 0), "requestId"),
	    "hs-bad");
	json_decref(list);
	list = harness_get_json(V1 "/history/tasks?requestId=hs-od&runId=r1");
	ck_assert_int_eq(json_array_size(list), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    list, 0), "runId")), "r1");
	json_decref(list);
	ck_assert_int_eq(search_count(V1 "/history/tasks?runId=r2"), 1);
	ck_assert_int_eq(search_count(V1 "/history/tasks?deployId=d1"), 4);
	ck_assert_int_eq(search_count(V1 "/history/tasks?requestId=hs-od&"
	    "deployId=d1&lastTaskStatus=TASK_FINISHED"), 2);
	ck_assert_int_eq(search_count(V1 "/history/tasks?requestId=hs-svc"),
	    0);
	snprintf(path, sizeof(path), V1 "/history/tasks?host=%s", host);
	ck_assert_int_eq(search_count(path), 4);
	ck_assert_int_eq(search_count(V1 "/history/tasks?host=elsewhere"), 0);
	/* time bounds are exclusive */
	list = harness_get_json(V1 "/history/tasks?count=1");
	h = json_array_get(list, 0);
	snprintf(path, sizeof(path), V1 "/history/tasks?startedAfter=%lld",
	    tid_started(h));
	ck_assert_int_eq(search_count(path), 0);
	snprintf(path, sizeof(path), V1 "/history/tasks?startedAfter=%lld",
	    tid_started(h) - 1);
	ck_assert_int_ge(search_count(path), 1);
	snprintf(path, sizeof(path), V1 "/history/tasks?updatedBefore=%lld",
	    (long long)json_integer_value(json_object_get(h, "updatedAt")) + 1);
	ck_assert_int_eq(search_count(path), 4);
	snprintf(path, sizeof(path), V1 "/history/tasks?updatedAfter=%lld",
	    (long long)json_integer_value(json_object_get(h, "updatedAt")));
	ck_assert_int_eq(search_count(path), 0);
	json_decref(list);
}
END_TEST

START_TEST(test_search_with_metadata)
{
	json_t	*m;

	m = harness_get_json(V1 "/history/tasks/withmetadata?requestId=hs-od&"
	    "count=1&page=2");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "dataCount")),
	    2);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "pageCount")),
	    2);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "page")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(m, "objects")), 1);
	json_decref(m);
	/* no page asked for: none echoed */
	m = harness_get_json(V1 "/history/tasks/withmetadata");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "dataCount")),
	    4);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "pageCount")),
	    1);
	ck_assert_ptr_null(json_object_get(m, "page"));
	ck_assert_int_eq(json_array_size(json_object_get(m, "objects")), 4);
	json_decref(m);
	m = harness_get_json(V1 "/history/tasks/withmetadata?"
	    "lastTaskStatus=TASK_LOST");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "dataCount")),
	    0);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "pageCount")),
	    0);
	ck_assert_int_eq(json_array_size(json_object_get(m, "objects")), 0);
	json_decref(m);
}
END_TEST

START_TEST(test_search_bad_filters)
{
	static const struct {
		const char	*query, *needle;
	} bad[] = {
		{ "requestId=bad%20id", "requestId" },
		{ "deployId=bad-id", "deployId" },
		{ "lastTaskStatus=FINISHED", "lastTaskStatus" },
		{ "startedBefore=yesterday", "startedBefore" },
		{ "startedAfter=1e9", "startedAfter" },
		{ "updatedAfter=12x", "updatedAfter" },
		{ "updatedBefore=99999999999999999999", "updatedBefore" },
		{ "orderDirection=asc", "orderDirection" },
		{ "host=a%2Fb", "host" },
		{ "runId=%01", "runId" },
		{ "count=-1", "count" },
		{ "count=ten", "count" },
		{ "page=0", "page" },
	};
	char	path[256];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), V1 "/history/tasks?%s",
		    bad[i].query);
		http_expect_error(&harness_env, "GET", path, NULL, 400,
		    bad[i].needle);
		snprintf(path, sizeof(path), V1 "/history/tasks/withmetadata?%s",
		    bad[i].query);
		http_expect_error(&harness_env, "GET", path, NULL, 400,
		    bad[i].needle);
	}
	http_expect_error(&harness_env, "POST", V1 "/history/tasks", "{}",
	    405, "");
}
END_TEST

/* Cron with a seconds field: stored as Quartz, and the scheduler runs it
 * every 2 seconds, which a 5-field reading could never do. */
START_TEST(test_cron_seconds_field_runs)
{
	json_t	*p;

	p = http_json(&harness_env, "POST", V1 "/requests", "{\"id\":\"secs\","
	    "\"requestType\":\"SCHEDULED\",\"schedule\":\"*/2 * * * * *\"}",
	    200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p,
	    "request"), "quartzSchedule")), "*/2 * * * * ?");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p,
	    "request"), "schedule")), "*/2 * * * * *");
	json_decref(p);
	harness_deploy("secs", "d1", "true", NULL);
	harness_wait_tasks("secs", "TASK_FINISHED", 2, 12);
}
END_TEST

START_TEST(test_cron_forms_and_refusals)
{
	static const struct {
		const char	*schedule, *quartz;
	} ok[] = {
		{ "0 0 * * 1", "0 0 0 ? * MON" },
		{ "0 12 * * 0-5", "0 0 12 ? * SUN-FRI" },
		{ "30 0 12 * * 1,3", "30 0 12 ? * MON,WED" },
		{ "0 0 12 * * * *", "0 0 12 * * ?" },
		{ "0 0 12 ? * 2 2099", "0 0 12 ? * TUE 2099" },
	};
	static const struct {
		const char	*schedule, *needle;
	} bad[] = {
		{ "0 0 * * 8", "day of week (8) is not 0-7" },
		{ "0 0 1 * 1", "restricts both day of month" },
		{ "60 * * * * *", "seconds value 60" },
		{ "* * * * * * * *", "at most 7" },
		{ "* * *", "contained only 3 splits" },
	};
	char	 body[256];
	json_t	*p;
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(body, sizeof(body), "{\"id\":\"c%zu\",\"schedule\":"
		    "\"%s\"}", i, ok[i].schedule);
		p = http_json(&harness_env, "POST", V1 "/requests", body, 200);
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_object_get(p, "request"), "quartzSchedule")),
		    ok[i].quartz);
		json_decref(p);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"id\":\"x%zu\",\"schedule\":"
		    "\"%s\"}", i, bad[i].schedule);
		http_expect_error(&harness_env, "POST", V1 "/requests", body,
		    400, bad[i].needle);
	}
	/* a refused schedule created nothing */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE"
	    " id GLOB 'x*'"), 0);
}
END_TEST

/*
 * A worker that holds 7 MB (a memory group's counts are batched per CPU:
 * a few pages may not show yet) and burns some CPU, then sleeps: its one
 * task's id.
 */
static void
stats_task(char *id, size_t len)
{
	json_t	*ids;

	harness_request("st", "WORKER", 1);
	harness_deploy("st", "d1", "x=$(seq 1000000); i=0; while [ $i -lt"
	    " 300000 ]; do i=$((i+1)); done; sleep 1000", ",\"resources\":{\"cpus\":0.5,"
	    "\"memoryMb\":64}");
	harness_wait_tasks("st", "TASK_RUNNING", 1, 15);
	ids = harness_get_json(V1 "/tasks/active/ids");
	ck_assert_int_eq(json_array_size(ids), 1);
	snprintf(id, len, "%s", json_string_value(json_object_get(
	    json_array_get(ids, 0), "id")));
	json_decref(ids);
}

/* Statistics until the task has used CPU time; the last reply. */
static json_t *
stats_wait_cpu(const char *id)
{
	char	 path[512];
	json_t	*s = NULL;
	int	 i;

	snprintf(path, sizeof(path), V1 "/tasks/task/%s/statistics", id);
	for (i = 0; i < 100; i++) {
		json_decref(s);
		s = harness_get_json(path);
		if (json_number_value(json_object_get(s, "cpusUserTimeSecs")) +
		    json_number_value(json_object_get(s,
		    "cpusSystemTimeSecs")) > 0.05)
			break;
		usleep(100000);
	}
	return (s);
}

/* What every reply holds, wherever the figures came from. */
static void
stats_assert_common(json_t *s)
{
	int64_t	now_s = (int64_t)time(NULL);

	ck_assert_int_eq(json_integer_value(json_object_get(s, "cpusLimit")),
	    1);
	ck_assert_int_eq(json_integer_value(json_object_get(s,
	    "memLimitBytes")), 64 * 1024 * 1024);
	ck_assert_int_gt(json_integer_value(json_object_get(s,
	    "memRssBytes")), 0);
	ck_assert(json_is_real(json_object_get(s, "cpusUserTimeSecs")));
	ck_assert(json_is_real(json_object_get(s, "cpusSystemTimeSecs")));
	ck_assert(json_number_value(json_object_get(s, "cpusUserTimeSecs")) +
	    json_number_value(json_object_get(s, "cpusSystemTimeSecs")) >
	    0.05);
	ck_assert_int_ge(json_integer_value(json_object_get(s,
	    "diskUsedBytes")), 0);
	ck_assert_ptr_nonnull(json_object_get(s, "diskUsedBytes"));
	ck_assert_ptr_null(json_object_get(s, "diskLimitBytes"));
	ck_assert(json_number_value(json_object_get(s, "timestamp")) >
	    (double)now_s - 30);
	ck_assert(json_number_value(json_object_get(s, "timestamp")) <
	    (double)now_s + 30);
}

START_TEST(test_stats_running_task)
{
	char	 id[256], path[512];
	json_t	*s;

	stats_task(id, sizeof(id));
	s = stats_wait_cpu(id);
	stats_assert_common(s);
	/* with a memory group (root on a machine with cgroups), its total */
	snprintf(path, sizeof(path), "%s/memory/kerr/%s", "/sys/fs/cgroup",
	    id);
	if (access(path, F_OK) == 0)
		ck_assert_int_gt(json_integer_value(json_object_get(s,
		    "memTotalBytes")), 0);
	json_decref(s);
	/* a finished task answers as Singularity's does: no active task */
	snprintf(path, sizeof(path), V1 "/requests/request/st/pause");
	harness_post_ok(path, NULL);
	harness_wait_tasks("st", "TASK_KILLED", 1, 15);
	snprintf(path, sizeof(path), V1 "/tasks/task/%s/statistics", id);
	http_expect_error(&harness_env, "GET", path, NULL, 404,
	    "No active task with id");
}
END_TEST

START_TEST(test_stats_unknown_and_malformed)
{
	http_expect_error(&harness_env, "GET", V1 "/tasks/task/"
	    "nope-d1-1700000000000-1-host-DEFAULT/statistics", NULL, 404,
	    "No active task with id nope-d1-1700000000000-1-host-DEFAULT");
	http_expect_error(&harness_env, "GET", V1 "/tasks/task/not%20a%20task/"
	    "statistics", NULL, 400, "Invalid task id");
	http_expect_error(&harness_env, "POST", V1 "/tasks/task/"
	    "nope-d1-1700000000000-1-host-DEFAULT/statistics", "{}", 405, "");
}
END_TEST

/* No control groups at all (KERR_CGROUP_ROOT names an empty tree, for
 * the supervisors and apid alike): the figures of the process group. */
static char	stats_nocg[64];

static void
stats_nocg_setup(void)
{
	snprintf(stats_nocg, sizeof(stats_nocg), "/tmp/kerr-nocg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(stats_nocg));
	ck_assert_int_eq(setenv("KERR_CGROUP_ROOT", stats_nocg, 1), 0);
	harness_setup();
}

static void
stats_nocg_teardown(void)
{
	harness_teardown();
	(void)rmdir(stats_nocg);
	(void)unsetenv("KERR_CGROUP_ROOT");
}

START_TEST(test_stats_without_cgroups)
{
	char	 id[256];
	json_t	*s;

	stats_task(id, sizeof(id));
	s = stats_wait_cpu(id);
	stats_assert_common(s);
	/* page cache is only known to a memory group */
	ck_assert_ptr_null(json_object_get(s, "memTotalBytes"));
	ck_assert_ptr_null(json_object_get(s, "memFileBytes"));
	ck_assert_ptr_null(json_object_get(s, "cpusNrPeriods"));
	json_decref(s);
}
END_TEST

Suite *
history_search_suite(void)
{
	const struct fixture_row rows[] = {
		FIXTURE_CASE("search"),
		FIXTURE_CHECKED(search_setup, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_search_all_newest_first),
		FIXTURE_TEST(test_search_filters),
		FIXTURE_TEST(test_search_with_metadata),
		FIXTURE_TEST(test_search_bad_filters),
		FIXTURE_CASE("cron"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_cron_seconds_field_runs),
		FIXTURE_TEST(test_cron_forms_and_refusals),
		FIXTURE_CASE("statistics"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_stats_running_task),
		FIXTURE_TEST(test_stats_unknown_and_malformed),
		FIXTURE_CASE("statistics_nocg"),
		FIXTURE_CHECKED(stats_nocg_setup, stats_nocg_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_stats_without_cgroups),
		FIXTURE_END
	};

	return (fixture_suite("history_search", rows));
}
