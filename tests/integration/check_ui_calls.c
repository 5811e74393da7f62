/*
 * The calls HubSpot's SingularityUI makes beyond the core, on the real
 * daemons (issue 20 and the full SingularityState of issue 14): the log
 * tailer's size reads, deploy task lists, taskIds and task-id histories,
 * request groups, the shuffle blacklist, inactive hosts, the priority
 * freeze, disasters and disabled actions, usage, the empty answers of
 * features kerr does not have, and every field of GET /state.
 *
 * Tests of how stored rows are served run apid alone on rows written with
 * SQL, so no scheduler or cleaner changes them under the test; the rest
 * run all three daemons and real tasks.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*ui_calls_suite(void);

#define API	"/singularity/api"
#define V1	"/singularity/v1"
/* Now in ms, in SQL. */
#define NOW_MS	"CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

/* ---- helpers ---- */

/* apid alone: stored rows stay as the test wrote them. */
static void
ui_setup_apid_only(void)
{
	harness_setup();
	harness_stop_expect_clean(&harness_env, HARNESS_SCHEDULERD);
	harness_stop_expect_clean(&harness_env, HARNESS_CLEANERD);
}

/* A call Singularity answers with 204 and no body. */
static void
expect_204(const char *method, const char *path, const char *body)
{
	struct http_resp resp;

	ck_assert_int_eq(http_do(&harness_env, method, path, body, &resp), 0);
	ck_assert_msg(resp.status == 204, "%s %s: %ld %s", method, path,
	    resp.status, resp.body != NULL ? resp.body : "");
	ck_assert_uint_eq(resp.len, 0);
	http_resp_free(&resp);
}

/* The value at a dotted path of o ("a.b.c"); NULL when absent. */
static json_t *
jget(json_t *o, const char *path)
{
	char		 key[128];
	const char	*dot;

	while (o != NULL && (dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return (json_object_get(o, path));
}

static long long
jint(json_t *o, const char *path)
{
	json_t *v = jget(o, path);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", path);
	return (json_integer_value(v));
}

static const char *
jstr(json_t *o, const char *path)
{
	return (json_string_value(jget(o, path)));
}

/* got equals `want` (JSON with ' for "); what names it on failure. */
static void
assert_json(json_t *got, const char *want, const char *what)
{
	json_t	*w = fixture_json(want);
	char	*text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS |
		    JSON_ENCODE_ANY);
	int	 same = json_equal(got, w);

	json_decref(w);
	ck_assert_msg(same, "%s: %s", what, text);
	free(text);
}

/* GET path; its JSON equals want. */
static void
expect_json(const char *path, const char *want)
{
	json_t *got = harness_get_json(path);

	assert_json(got, want, path);
	json_decref(got);
}

/* GET path gives the same JSON as `want` holds. */
static void
expect_same(const char *path, json_t *want)
{
	json_t *got = harness_get_json(path);
	int	same = json_equal(got, want);

	json_decref(got);
	ck_assert_msg(same, "GET %s differs", path);
}

static long long
rows(const char *fmt, const char *arg)
{
	return (harness_count(fmt, arg));
}

/* A request row of type with instances, state ACTIVE, and its deploy
 * state (active deploy d1) unless deployed is 0. */
static void
sql_request(const char *id, const char *type, int instances, int deployed)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "INSERT INTO requests (id, state,"
	    " request_type, request_json, state_changed_at, last_action_at)"
	    " VALUES ('%s', 'ACTIVE', '%s', json_object('id', '%s',"
	    " 'requestType', '%s', 'instances', %d), 1, 1)", id, type, id,
	    type, instances);
	harness_sql(&harness_env, sql);
	if (!deployed)
		return;
	snprintf(sql, sizeof(sql), "INSERT INTO request_deploy_state"
	    " (request_id, active_deploy_id, active_marker_json) VALUES"
	    " ('%s', 'd1', json_object('requestId', '%s', 'deployId', 'd1',"
	    " 'timestamp', 1))", id, id);
	harness_sql(&harness_env, sql);
}

/* A task row: 0.5 cpus, 64 MB, 16 MB disk; started now - age_ms. */
static void
sql_task(const char *request, const char *deploy, int instance,
    const char *state, int active, const char *run_id, long age_ms)
{
	char id[256], sql[2048];

	snprintf(id, sizeof(id), "%s-%s-%d-%d-host-DEFAULT", request, deploy,
	    1700000000 + instance, instance);
	snprintf(sql, sizeof(sql), "INSERT INTO tasks (task_id, request_id,"
	    " deploy_id, instance_no, state, active, started_at, updated_at,"
	    " run_id, task_json) VALUES ('%s', '%s', '%s', %d, '%s', %d,"
	    " " NOW_MS " - %ld, " NOW_MS " - %ld, %s%s%s,"
	    " json_object('taskId', json_object('id', '%s', 'requestId',"
	    " '%s', 'deployId', '%s', 'instanceNo', %d), 'mesosTask',"
	    " json_object('resources', json_array("
	    " json_object('name', 'cpus', 'scalar', json_object('value', 0.5)),"
	    " json_object('name', 'mem', 'scalar', json_object('value', 64)),"
	    " json_object('name', 'disk', 'scalar', json_object('value',"
	    " 16))))))", id, request, deploy, instance, state, active, age_ms,
	    age_ms / 2, run_id != NULL ? "'" : "", run_id != NULL ? run_id :
	    "NULL", run_id != NULL ? "'" : "", id, request, deploy, instance);
	harness_sql(&harness_env, sql);
}

/* A pending task of request due at now - late_ms. */
static void
sql_pending_task(const char *request, int instance, long late_ms)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "INSERT INTO pending_tasks"
	    " (pending_task_id, request_id, deploy_id, instance_no,"
	    " next_run_at, pending_type, created_at, pending_json) VALUES"
	    " ('%s-d1-%d', '%s', 'd1', %d, " NOW_MS " - %ld, 'NEW_DEPLOY', 1,"
	    " json_object('pendingTaskId', json_object('id', '%s-d1-%d',"
	    " 'requestId', '%s', 'instanceNo', %d)))", request, instance,
	    request, instance, late_ms, request, instance, request, instance);
	harness_sql(&harness_env, sql);
}

/* ---- the log tailer ---- */

#define TASK	"web-d1-1700000000000-1-host-DEFAULT"

START_TEST(test_ui_sandbox_size_reads)
{
	static const char *const size_queries[] = {
		"path=stdout&length=0", "path=stdout&offset=&length=0",
		"path=stdout", "path=stdout&offset=", "path=stdout&length=",
	};
	char	path[PATH_MAX];
	size_t	i;

	sql_request("web", "WORKER", 1, 1);
	sql_task("web", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	harness_sql(&harness_env, "UPDATE tasks SET task_id = '" TASK "'");
	snprintf(path, sizeof(path), "%s/state/tasks", harness_env.dir);
	ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/state/tasks/" TASK, harness_env.dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/state/tasks/" TASK "/stdout",
	    harness_env.dir);
	fixture_write_file(path, "0123456789abcdefghij\n");
	for (i = 0; i < sizeof(size_queries) / sizeof(size_queries[0]); i++) {
		snprintf(path, sizeof(path), API "/sandbox/" TASK "/read?%s",
		    size_queries[i]);
		expect_json(path, "{'data':'','offset':21}");
	}
	/* With an offset, length=0 reads nothing there. */
	expect_json(API "/sandbox/" TASK "/read?path=stdout&offset=4&length=0",
	    "{'data':'','offset':4,'nextOffset':4}");
	http_expect_error(&harness_env, "GET", API "/sandbox/" TASK
	    "/read?path=stdout&length=-1", NULL, 400, "length");
	http_expect_error(&harness_env, "GET", API "/sandbox/" TASK
	    "/read?path=stdout&length=x", NULL, 400, "length");
}
END_TEST

/* ---- task ids and task-id histories ---- */

START_TEST(test_ui_task_ids_by_status)
{
	json_t *p, *ids;

	sql_request("web", "SERVICE", 5, 1);
	sql_task("web", "d1", 1, "TASK_RUNNING", 1, NULL, 60000);
	sql_task("web", "d1", 2, "TASK_RUNNING", 1, NULL, 60000);
	sql_task("web", "d1", 3, "TASK_RUNNING", 1, NULL, 60000);
	sql_task("web", "d1", 4, "TASK_RUNNING", 1, NULL, 60000);
	sql_task("web", "d1", 5, "TASK_FINISHED", 0, NULL, 60000);
	sql_pending_task("web", 6, -60000);
	harness_sql(&harness_env, "UPDATE tasks SET healthy_at = 1"
	    " WHERE instance_no IN (1, 3, 4);"
	    "INSERT INTO task_cleanups (task_id, request_id, cleanup_type,"
	    " created_at, cleanup_json) SELECT task_id, 'web', 'BOUNCING', 1,"
	    " '{}' FROM tasks WHERE instance_no = 3;"
	    "INSERT INTO task_cleanups (task_id, request_id, cleanup_type,"
	    " created_at, cleanup_json, kill_sent_at) SELECT task_id, 'web',"
	    " 'USER_REQUESTED', 1, '{}', 2 FROM tasks WHERE instance_no = 4;");
	p = harness_get_json(API "/requests/request/web");
	ids = json_object_get(p, "taskIds");
	ck_assert_int_eq(json_array_size(json_object_get(ids, "healthy")), 1);
	ck_assert_int_eq(jint(json_array_get(json_object_get(ids, "healthy"),
	    0), "instanceNo"), 1);
	ck_assert_int_eq(jint(json_array_get(json_object_get(ids,
	    "notYetHealthy"), 0), "instanceNo"), 2);
	ck_assert_int_eq(jint(json_array_get(json_object_get(ids, "cleaning"),
	    0), "instanceNo"), 3);
	ck_assert_int_eq(jint(json_array_get(json_object_get(ids, "killed"),
	    0), "instanceNo"), 4);
	ck_assert_str_eq(jstr(json_array_get(json_object_get(ids, "pending"),
	    0), "id"), "web-d1-6");
	assert_json(json_object_get(ids, "loadBalanced"), "[]",
	    "loadBalanced");
	/* The same object at /tasks/ids/request/{id}. */
	expect_same(V1 "/tasks/ids/request/web", ids);
	json_decref(p);
	/* Lists carry it only with includeFullRequestData. */
	p = harness_get_json(API "/requests?includeFullRequestData=true");
	ck_assert_ptr_nonnull(jget(json_array_get(p, 0), "taskIds.healthy"));
	json_decref(p);
	p = harness_get_json(API "/requests");
	ck_assert_ptr_null(json_object_get(json_array_get(p, 0), "taskIds"));
	json_decref(p);
	http_expect_error(&harness_env, "GET", API "/requests/request/nope",
	    NULL, 404, "nope");
}
END_TEST

/*
 * GET path gives SingularityTaskIdHistory items, one per "STATE RUNID"
 * argument in order ("-" for no runId), NULL-terminated; each with a
 * taskId object and an updatedAt.
 */
static void
expect_history(const char *path, ...)
{
	const char	*want;
	json_t		*list = harness_get_json(path), *t;
	char		 state[64], run[64];
	size_t		 n = 0;
	va_list		 ap;

	va_start(ap, path);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_int_eq(sscanf(want, "%63s %63s", state, run), 2);
		t = json_array_get(list, n++);
		ck_assert_msg(t != NULL, "%s: no item %zu", path, n);
		ck_assert_str_eq(jstr(t, "lastTaskState"), state);
		if (strcmp(run, "-") == 0)
			ck_assert_ptr_null(json_object_get(t, "runId"));
		else
			ck_assert_str_eq(jstr(t, "runId"), run);
		ck_assert_ptr_nonnull(jstr(t, "taskId.id"));
		ck_assert_int_gt(jint(t, "updatedAt"), 1700000000000LL);
	}
	va_end(ap);
	ck_assert_msg(json_array_size(list) == n, "%s: %zu items, not %zu",
	    path, json_array_size(list), n);
	json_decref(list);
}

START_TEST(test_ui_task_id_histories)
{
	sql_request("web", "ON_DEMAND", 3, 1);
	sql_task("web", "d1", 1, "TASK_RUNNING", 1, "run-1", 10000);
	sql_task("web", "d2", 2, "TASK_STARTING", 1, NULL, 5000);
	sql_task("web", "d1", 3, "TASK_KILLED", 0, "run-3", 20000);
	sql_task("web", "d1", 4, "TASK_FAILED", 0, NULL, 30000);
	/* The request's active tasks, newest start first. */
	expect_history(API "/history/request/web/tasks/active",
	    "TASK_STARTING -", "TASK_RUNNING run-1", NULL);
	/* One deploy's, active and finished. */
	expect_history(V1 "/history/request/web/deploy/d1/tasks/active",
	    "TASK_RUNNING run-1", NULL);
	expect_history(API "/history/request/web/deploy/d1/tasks/inactive",
	    "TASK_KILLED run-3", "TASK_FAILED -", NULL);
	expect_history(API "/history/request/web/deploy/d1/tasks/inactive"
	    "?count=1&page=2", "TASK_FAILED -", NULL);
	expect_json(API "/history/request/web/deploy/d2/tasks/inactive", "[]");
	/* An unknown deploy or request has no tasks, as in Singularity. */
	expect_json(API "/history/request/web/deploy/d9/tasks/active", "[]");
	expect_json(API "/history/request/nope/deploy/d1/tasks/active", "[]");
	http_expect_error(&harness_env, "GET", API "/history/request/web/"
	    "deploy/d-1/tasks/active", NULL, 400, "deploy id");
	http_expect_error(&harness_env, "GET", API "/history/request/w%20b/"
	    "deploy/d1/tasks/inactive", NULL, 400, "request id");
	http_expect_error(&harness_env, "GET", API "/history/request/web/"
	    "deploy/d1/tasks/inactive?count=-1", NULL, 400, "count");
	http_expect_error(&harness_env, "GET", API "/history/request/web/"
	    "deploy/d1/tasks/inactive?page=0", NULL, 400, "page");
}
END_TEST

/* Real tasks: healthy ones in taskIds, in the histories and in usage. */
START_TEST(test_ui_running_tasks_end_to_end)
{
	json_t *p, *u;

	harness_request("svc", "WORKER", 2);
	harness_deploy("svc", "d1", "sleep 1000", HARNESS_HEALTHY_1S
	    ",\"resources\":{\"cpus\":0.25,\"memoryMb\":32,\"diskMb\":8}");
	harness_wait_deployed("svc", "d1", 20000);
	harness_wait_sql(2, 10, "SELECT count(*) FROM tasks WHERE active = 1"
	    " AND healthy_at IS NOT NULL AND request_id = 'svc'");
	p = harness_get_json(API "/requests/request/svc");
	ck_assert_int_eq(json_array_size(jget(p, "taskIds.healthy")), 2);
	ck_assert_int_eq(json_array_size(jget(p, "taskIds.notYetHealthy")),
	    0);
	ck_assert_str_eq(jstr(json_array_get(jget(p, "taskIds.healthy"), 0),
	    "requestId"), "svc");
	json_decref(p);
	expect_history(API "/history/request/svc/deploy/d1/tasks/active",
	    "TASK_RUNNING -", "TASK_RUNNING -", NULL);
	u = harness_get_json(API "/usage/requests/request/svc");
	ck_assert_int_eq(jint(u, "numTasks"), 2);
	ck_assert(json_number_value(json_object_get(u, "cpuReserved")) ==
	    0.5);
	ck_assert_int_eq(jint(u, "memBytesReserved"), 64LL * 1024 * 1024);
	ck_assert_int_eq(jint(u, "diskBytesReserved"), 16LL * 1024 * 1024);
	ck_assert_str_eq(jstr(u, "deployId"), "d1");
	/* Measured: two sleeps hold some memory and next to no cpu. */
	ck_assert_int_gt(jint(u, "memBytesUsed"), 0);
	ck_assert_int_ge(jint(u, "maxMemBytesUsed"), jint(u,
	    "minMemBytesUsed"));
	ck_assert_int_gt(jint(u, "minMemBytesUsed"), 0);
	ck_assert(json_number_value(json_object_get(u, "cpuUsed")) >= 0 &&
	    json_number_value(json_object_get(u, "cpuUsed")) < 0.5);
	json_decref(u);
	u = harness_get_json(API "/usage/agents");
	ck_assert_int_eq(jint(json_array_get(u, 0), "numTasks"), 2);
	ck_assert(json_number_value(json_object_get(json_array_get(u, 0),
	    "memoryBytesUsed")) > 0);
	json_decref(u);
	/* Two task updates were applied: the delay is known. */
	p = harness_get_json(API "/state");
	ck_assert_int_ge(jint(p, "avgStatusUpdateDelayMs"), 0);
	ck_assert_int_gt(jint(p, "lastHeartbeatAt"), 1700000000000LL);
	ck_assert_int_eq(jint(p, "activeTasks"), 2);
	json_decref(p);
}
END_TEST

/* ---- request groups ---- */

START_TEST(test_ui_groups)
{
	json_t *g;

	expect_json(API "/groups", "[]");
	g = http_json(&harness_env, "POST", API "/groups", "{\"id\":\"g1\","
	    "\"requestIds\":[\"web\",\"other\"],\"metadata\":{\"team\":"
	    "\"x\"},\"extra\":1}", 200);
	assert_json(g, "{'id':'g1','requestIds':['web','other'],"
	    "'metadata':{'team':'x'}}", "POST /groups");
	json_decref(g);
	ck_assert_int_eq(rows("SELECT count(*) FROM request_groups"
	    " WHERE id = '%s'", "g1"), 1);
	harness_post_ok(V1 "/groups", "{\"id\":\"g2\",\"requestIds\":"
	    "[\"web\"]}");
	expect_json(API "/groups/group/g2",
	    "{'id':'g2','requestIds':['web'],'metadata':{}}");
	expect_json(API "/groups", "[{'id':'g1','requestIds':['web','other'],"
	    "'metadata':{'team':'x'}},{'id':'g2','requestIds':['web'],"
	    "'metadata':{}}]");
	/* POST of an existing id replaces it. */
	harness_post_ok(API "/groups", "{\"id\":\"g2\",\"requestIds\":"
	    "[\"web\",\"b\"]}");
	expect_json(API "/groups/group/g2",
	    "{'id':'g2','requestIds':['web','b'],'metadata':{}}");
	/* Refused bodies change nothing. */
	http_expect_error(&harness_env, "POST", API "/groups",
	    "{\"id\":\"a b\",\"requestIds\":[]}", 400, "group id");
	http_expect_error(&harness_env, "POST", API "/groups",
	    "{\"id\":\"g3\"}", 400, "requestIds");
	http_expect_error(&harness_env, "POST", API "/groups",
	    "{\"id\":\"g3\",\"requestIds\":[\"a b\"]}", 400, "requestIds[0]");
	http_expect_error(&harness_env, "POST", API "/groups",
	    "{\"id\":\"g3\",\"requestIds\":[],\"metadata\":{\"k\":1}}", 400,
	    "metadata.k");
	http_expect_error(&harness_env, "POST", API "/groups", "{\"id\":",
	    400, "Malformed JSON");
	http_expect_error(&harness_env, "POST", API "/groups", "[]", 400,
	    "JSON object");
	ck_assert_int_eq(rows("SELECT count(*) FROM request_groups"
	    " WHERE id <> '%s'", "g1"), 1);
	http_expect_error(&harness_env, "GET", API "/groups/group/g3", NULL,
	    404, "g3");
	http_expect_error(&harness_env, "GET", API "/groups/group/a%20b",
	    NULL, 400, "group id");
	expect_204("DELETE", API "/groups/group/g1", NULL);
	http_expect_error(&harness_env, "DELETE", API "/groups/group/g1",
	    NULL, 404, "g1");
	ck_assert_int_eq(rows("SELECT count(*) FROM request_groups"
	    " WHERE id = '%s'", "g1"), 0);
}
END_TEST

/* A deleted request leaves its groups; a group it alone was in goes. */
START_TEST(test_ui_groups_follow_request_deletion)
{
	harness_request("web", "WORKER", 1);
	harness_post_ok(API "/groups", "{\"id\":\"both\",\"requestIds\":"
	    "[\"web\",\"other\"]}");
	harness_post_ok(API "/groups", "{\"id\":\"alone\",\"requestIds\":"
	    "[\"web\"]}");
	json_decref(http_json(&harness_env, "DELETE", API
	    "/requests/request/web", NULL, 200));
	harness_wait_sql(1, 15, "SELECT count(*) = 0 FROM requests"
	    " WHERE id = 'web'");
	expect_json(API "/groups",
	    "[{'id':'both','requestIds':['other'],'metadata':{}}]");
}
END_TEST

/* ---- shuffle blacklist, inactive hosts ---- */

START_TEST(test_ui_shuffle_blacklist)
{
	expect_json(API "/shuffle/blacklist", "[]");
	expect_json(API "/shuffle/blacklist/web", "false");
	http_expect_error(&harness_env, "POST", API "/shuffle/blacklist/web",
	    NULL, 404, "web");
	http_expect_error(&harness_env, "POST", API "/shuffle/blacklist/a%20b",
	    NULL, 400, "request id");
	http_expect_error(&harness_env, "GET", API "/shuffle/blacklist/a%20b",
	    NULL, 400, "request id");
	ck_assert_int_eq(rows("SELECT count(*) FROM name_sets"
	    " WHERE set_name = '%s'", "shuffleBlacklist"), 0);
	harness_request("web", "WORKER", 1);
	expect_204("POST", API "/shuffle/blacklist/web", NULL);
	expect_204("POST", V1 "/shuffle/blacklist/web", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM name_sets"
	    " WHERE set_name = 'shuffleBlacklist' AND name = '%s'", "web"), 1);
	expect_json(API "/shuffle/blacklist/web", "true");
	expect_json(API "/shuffle/blacklist", "['web']");
	expect_204("DELETE", API "/shuffle/blacklist/web", NULL);
	expect_204("DELETE", API "/shuffle/blacklist/web", NULL);
	expect_json(API "/shuffle/blacklist/web", "false");
}
END_TEST

START_TEST(test_ui_inactive_hosts)
{
	expect_json(API "/inactive", "[]");
	expect_204("POST", API "/inactive?host=h2.example", NULL);
	expect_204("POST", API "/inactive?host=10.0.0.1", NULL);
	expect_204("POST", API "/inactive?host=10.0.0.1", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM name_sets"
	    " WHERE set_name = '%s'", "inactiveHosts"), 2);
	expect_json(API "/inactive", "['10.0.0.1','h2.example']");
	http_expect_error(&harness_env, "POST", API "/inactive", NULL, 400,
	    "host is required");
	http_expect_error(&harness_env, "POST", API "/inactive?host=", NULL,
	    400, "host is required");
	http_expect_error(&harness_env, "POST", API "/inactive?host=a%2Fb",
	    NULL, 400, "Invalid host");
	expect_204("DELETE", API "/inactive?host=h2.example", NULL);
	expect_json(API "/inactive", "['10.0.0.1']");
	expect_204("DELETE", API "/inactive/all", NULL);
	expect_json(API "/inactive", "[]");
}
END_TEST

/* ---- priority freeze ---- */

START_TEST(test_ui_priority_freeze)
{
	json_t *f, *s;

	http_expect_error(&harness_env, "GET", API "/priority/freeze", NULL,
	    404, "No active priority freeze");
	http_expect_error(&harness_env, "DELETE", API "/priority/freeze",
	    NULL, 400, "No active priority freeze");
	http_expect_error(&harness_env, "POST", API "/priority/freeze",
	    "{\"minimumPriorityLevel\":0}", 400, "minimumPriorityLevel");
	http_expect_error(&harness_env, "POST", API "/priority/freeze",
	    "{\"minimumPriorityLevel\":0.5,\"killTasks\":\"yes\"}", 400,
	    "killTasks");
	ck_assert_int_eq(rows("SELECT count(*) FROM settings"
	    " WHERE name = '%s'", "priorityFreeze"), 0);
	/* A service deployed before the freeze. */
	harness_request("web", "SERVICE", 1);
	harness_deploy("web", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	harness_wait_deployed("web", "d1", 20000);
	f = http_json(&harness_env, "POST", API "/priority/freeze?user=ops",
	    "{\"minimumPriorityLevel\":0.5,\"message\":\"hold\"}", 200);
	ck_assert(json_number_value(jget(f, "priorityFreeze."
	    "minimumPriorityLevel")) == 0.5);
	ck_assert(json_is_false(jget(f, "priorityFreeze.killTasks")));
	ck_assert_str_eq(jstr(f, "priorityFreeze.message"), "hold");
	ck_assert_uint_eq(strlen(jstr(f, "priorityFreeze.actionId")), 36);
	ck_assert_str_eq(jstr(f, "user"), "ops");
	ck_assert_int_gt(jint(f, "timestamp"), 1700000000000LL);
	expect_same(V1 "/priority/freeze", f);
	json_decref(f);
	s = harness_get_json(API "/state");
	ck_assert(json_number_value(json_object_get(s,
	    "minimumPriorityLevel")) == 0.5);
	json_decref(s);
	/* Its default priority (0.3) is below the freeze. */
	http_expect_error(&harness_env, "POST", API "/requests/request/web/"
	    "bounce", NULL, 400, "lower than active priority freeze");
	http_expect_error(&harness_env, "POST", API "/deploys",
	    "{\"deploy\":{\"requestId\":\"web\",\"id\":\"d2\",\"command\":"
	    "\"sleep 1000\"}}", 400, "lower than active priority freeze");
	ck_assert_int_eq(rows("SELECT count(*) FROM request_cleanups"
	    " WHERE request_id = '%s'", "web"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM pending_deploys"
	    " WHERE request_id = '%s'", "web"), 0);
	expect_204("DELETE", API "/priority/freeze", NULL);
	http_expect_error(&harness_env, "GET", API "/priority/freeze", NULL,
	    404, "No active priority freeze");
	s = harness_get_json(API "/state");
	ck_assert_ptr_null(json_object_get(s, "minimumPriorityLevel"));
	json_decref(s);
	harness_post_ok(API "/requests/request/web/bounce", NULL);
}
END_TEST

/* ---- disasters ---- */

/* /disasters/stats: the automation switch, and USER_INITIATED's state. */
static void
expect_stats(int automation_off, int user_initiated)
{
	json_t *s = harness_get_json(API "/disasters/stats");

	ck_assert_int_eq(json_is_true(json_object_get(s,
	    "automatedActionsDisabled")), automation_off);
	ck_assert_int_eq(json_is_true(jget(json_array_get(json_object_get(s,
	    "disasters"), 3), "active")), user_initiated);
	json_decref(s);
}

START_TEST(test_ui_disasters)
{

	expect_json(API "/disasters/stats", "{'stats':[],'disasters':["
	    "{'type':'EXCESSIVE_TASK_LAG','active':false},"
	    "{'type':'LOST_SLAVES','active':false},"
	    "{'type':'LOST_TASKS','active':false},"
	    "{'type':'USER_INITIATED','active':false}],"
	    "'automatedActionsDisabled':false}");
	expect_json(API "/disasters/active", "[]");
	expect_204("POST", API "/disasters/active/USER_INITIATED", NULL);
	expect_json(API "/disasters/active", "['USER_INITIATED']");
	ck_assert_int_eq(rows("SELECT count(*) FROM active_disasters"
	    " WHERE type = '%s'", "USER_INITIATED"), 1);
	http_expect_error(&harness_env, "POST", API "/disasters/active/FIRE",
	    NULL, 404, "FIRE");
	expect_204("POST", API "/disasters/disable", NULL);
	expect_stats(1, 1);
	expect_204("POST", API "/disasters/enable", NULL);
	expect_204("DELETE", API "/disasters/active/USER_INITIATED", NULL);
	expect_stats(0, 0);
}
END_TEST

START_TEST(test_ui_disabled_actions)
{
	json_t *list;

	expect_json(API "/disasters/disabled-actions", "[]");
	harness_request("web", "WORKER", 1);
	expect_204("POST", API "/disasters/disabled-actions/CREATE_REQUEST"
	    "?user=ops", "{\"message\":\"maintenance\"}");
	expect_204("POST", API "/disasters/disabled-actions/DEPLOY", NULL);
	list = harness_get_json(API "/disasters/disabled-actions");
	assert_json(list, "["
	    "{'type':'CREATE_REQUEST','message':'Cannot perform action"
	    " CREATE_REQUEST: maintenance','automaticallyClearable':false,"
	    "'user':'ops'},"
	    "{'type':'DEPLOY','message':'Cannot perform action DEPLOY:"
	    " Action is currently disabled','automaticallyClearable':false}"
	    "]", "disabled actions");
	json_decref(list);
	ck_assert_int_eq(rows("SELECT count(*) FROM disabled_actions"
	    " WHERE action = '%s'", "DEPLOY"), 1);
	/* A disabled action is refused and changes nothing; an update is
	 * not a creation. */
	http_expect_error(&harness_env, "POST", API "/requests",
	    "{\"id\":\"new\"}", 409, "CREATE_REQUEST: maintenance");
	ck_assert_int_eq(rows("SELECT count(*) FROM requests WHERE id = '%s'",
	    "new"), 0);
	harness_request("web", "WORKER", 2);
	http_expect_error(&harness_env, "POST", API "/deploys",
	    "{\"deploy\":{\"requestId\":\"web\",\"id\":\"d1\",\"command\":"
	    "\"sleep 1\"}}", 409, "Cannot perform action DEPLOY");
	ck_assert_int_eq(rows("SELECT count(*) FROM deploys"
	    " WHERE request_id = '%s'", "web"), 0);
	http_expect_error(&harness_env, "POST", API "/disasters/"
	    "disabled-actions/VIEW_REQUEST", NULL, 400, "cannot be disabled");
	http_expect_error(&harness_env, "POST", API "/disasters/"
	    "disabled-actions/NOPE", NULL, 404, "NOPE");
	http_expect_error(&harness_env, "POST", API "/disasters/"
	    "disabled-actions/KILL_TASK", "{\"message\":3}", 400, "message");
	http_expect_error(&harness_env, "DELETE", API "/disasters/"
	    "disabled-actions/NOPE", NULL, 404, "NOPE");
	expect_204("DELETE", API "/disasters/disabled-actions/DEPLOY", NULL);
	expect_204("DELETE", API "/disasters/disabled-actions/CREATE_REQUEST",
	    NULL);
	expect_json(API "/disasters/disabled-actions", "[]");
	harness_post_ok(API "/requests", "{\"id\":\"new\"}");
}
END_TEST

/* ---- usage and the empty answers ---- */

START_TEST(test_ui_usage)
{
	json_t *u, *a;

	sql_request("web", "WORKER", 2, 1);
	sql_request("idle", "WORKER", 1, 0);
	sql_task("web", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	sql_task("web", "d1", 2, "TASK_RUNNING", 1, NULL, 0);
	sql_task("web", "d1", 3, "TASK_FINISHED", 0, NULL, 0);
	u = harness_get_json(API "/usage/requests/request/web");
	ck_assert_str_eq(jstr(u, "requestId"), "web");
	ck_assert_str_eq(jstr(u, "deployId"), "d1");
	ck_assert_int_eq(jint(u, "numTasks"), 2);
	ck_assert(json_number_value(json_object_get(u, "cpuReserved")) == 1.0);
	ck_assert_int_eq(jint(u, "memBytesReserved"), 128LL << 20);
	ck_assert_int_eq(jint(u, "diskBytesReserved"), 32LL << 20);
	ck_assert_int_eq(jint(u, "memBytesUsed"), 0);
	ck_assert(json_is_number(json_object_get(u, "cpuBurstRating")));
	json_decref(u);
	expect_json(API "/usage/requests/request/idle", "{'requestId':'idle',"
	    "'numTasks':0,'cpuReserved':0.0,'memBytesReserved':0,"
	    "'diskBytesReserved':0,'memBytesUsed':0,'cpuUsed':0.0,"
	    "'diskBytesUsed':0,'maxMemBytesUsed':0,'minMemBytesUsed':0,"
	    "'maxCpuUsed':0.0,'minCpuUsed':0.0,'maxDiskBytesUsed':0,"
	    "'minDiskBytesUsed':0,'cpuBurstRating':0.0}");
	http_expect_error(&harness_env, "GET", API "/usage/requests/request/"
	    "nope", NULL, 404, "nope");
	http_expect_error(&harness_env, "GET", API "/usage/requests/request/"
	    "a%20b", NULL, 400, "request id");
	u = harness_get_json(API "/usage/requests");
	ck_assert_int_eq(json_array_size(u), 1);
	json_decref(u);
	u = harness_get_json(API "/usage/agents");
	ck_assert_int_eq(json_array_size(u), 1);
	a = json_array_get(u, 0);
	ck_assert_str_eq(jstr(a, "agentId"), jstr(a, "slaveId"));
	ck_assert_int_eq(jint(a, "numTasks"), 2);
	ck_assert(json_number_value(json_object_get(a, "cpusReserved")) ==
	    1.0);
	ck_assert(json_number_value(json_object_get(a, "memoryMbReserved")) ==
	    128.0);
	ck_assert(json_number_value(json_object_get(a, "cpusTotal")) >= 1);
	ck_assert_int_gt(jint(a, "memoryMbTotal"), 0);
	ck_assert(json_number_value(json_object_get(a,
	    "systemMemTotalBytes")) > 0);
	ck_assert(json_is_number(json_object_get(a, "systemLoad1Min")));
	json_decref(u);
	u = harness_get_json(API "/usage/cluster/utilization");
	ck_assert_int_eq(json_array_size(json_object_get(u,
	    "requestUtilizations")), 1);
	ck_assert_int_gt(jint(u, "totalMemBytesAvailable"), 0);
	ck_assert_int_eq(jint(u, "numRequestsWithUnderUtilizedCpu"), 0);
	ck_assert_int_gt(jint(u, "timestamp"), 0);
	json_decref(u);
	expect_json(API "/usage/tasks/web-d1-1700000001-1-host-DEFAULT/history",
	    "[]");
}
END_TEST

START_TEST(test_ui_empty_answers)
{
	sql_request("web", "WORKER", 1, 1);
	sql_task("web", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	expect_json(API "/logs/task/web-d1-1700000001-1-host-DEFAULT", "[]");
	expect_json(API "/logs/request/web", "[]");
	expect_json(API "/logs/request/web/deploy/d1", "[]");
	expect_json(API "/tasks/lbcleanup", "[]");
	expect_json(API "/requests/lbcleanup", "[]");
	expect_json(API "/agents/expiring", "[]");
	http_expect_error(&harness_env, "GET", API "/logs/task/"
	    "web-d1-1700000009-9-host-DEFAULT", NULL, 404, "not found");
	http_expect_error(&harness_env, "GET", API "/logs/task/x", NULL, 400,
	    "Invalid task id");
	http_expect_error(&harness_env, "GET", API "/logs/request/nope", NULL,
	    404, "nope");
	http_expect_error(&harness_env, "GET", API "/logs/request/web/deploy/"
	    "d-1", NULL, 400, "deploy id");
	http_expect_error(&harness_env, "GET", API "/usage/tasks/x/history",
	    NULL, 400, "Invalid task id");
}
END_TEST

/* ---- GET /state ---- */

START_TEST(test_ui_state_every_field)
{
	static const char *const ints[] = { "activeTasks", "launchingTasks",
	    "activeRequests", "allRequests", "cooldownRequests",
	    "pausedRequests", "finishedRequests", "scheduledTasks",
	    "pendingRequests", "lbCleanupTasks", "lbCleanupRequests",
	    "cleaningRequests", "cleaningTasks", "activeAgents", "deadAgents",
	    "decommissioningAgents", "decomissioningAgents", "unknownAgents",
	    "activeRacks", "deadRacks", "decommissioningRacks",
	    "decomissioningRacks", "unknownRacks", "lateTasks",
	    "onDemandLateTasks", "futureTasks", "numDeploys",
	    "overProvisionedRequests", "underProvisionedRequests", "maxTaskLag",
	    "oldestDeploy", "oldestDeployStep", "generatedAt",
	    "avgStatusUpdateDelayMs", "lastHeartbeatAt", "activeSlaves",
	    "deadSlaves", "decommissioningSlaves", "decomissioningSlaves",
	    "unknownSlaves" };
	static const char *const lists[] = { "activeDeploys", "listLateTasks",
	    "onDemandListLateTasks", "hostStates" };
	json_t	*s, *h;
	size_t	 i;

	s = harness_get_json(API "/state");
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		ck_assert_msg(json_is_integer(json_object_get(s, ints[i])),
		    "GET /state lacks integer '%s'", ints[i]);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		ck_assert_msg(json_is_array(json_object_get(s, lists[i])),
		    "GET /state lacks list '%s'", lists[i]);
	ck_assert(json_is_true(json_object_get(s, "authDatastoreHealthy")));
	ck_assert_ptr_null(json_object_get(s, "minimumPriorityLevel"));
	ck_assert_ptr_null(json_object_get(s, "overProvisionedRequestIds"));
	h = json_array_get(json_object_get(s, "hostStates"), 0);
	ck_assert_str_eq(jstr(h, "driverStatus"), "SUBSCRIBED");
	ck_assert(json_is_true(json_object_get(h, "master")));
	ck_assert(json_is_true(json_object_get(h, "mesosConnected")));
	ck_assert_ptr_nonnull(jstr(h, "hostname"));
	json_decref(s);
}
END_TEST

START_TEST(test_ui_state_computed_from_the_store)
{
	json_t *s;

	/* over: 1 wanted, 2 running.  under: 2 wanted, 1 running, deployed.
	 * queued: short but a pending request will act.  nodeploy: short,
	 * never deployed.  cleaning: 1 wanted, 2 running, one of them
	 * cleaning.  Two ON_DEMAND requests with late tasks, one below its
	 * instances, one with no limit. */
	sql_request("over", "SERVICE", 1, 1);
	sql_task("over", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	sql_task("over", "d1", 2, "TASK_STARTING", 1, NULL, 0);
	sql_request("under", "WORKER", 2, 1);
	sql_task("under", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	sql_request("queued", "WORKER", 2, 1);
	harness_sql(&harness_env, "INSERT INTO pending_requests (request_id,"
	    " deploy_id, created_at, pending_type, pending_json) VALUES"
	    " ('queued', 'd1', 1, 'TASK_DONE', '{}')");
	sql_request("nodeploy", "SERVICE", 1, 0);
	sql_request("cleaning", "SERVICE", 1, 1);
	sql_task("cleaning", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	sql_task("cleaning", "d1", 2, "TASK_RUNNING", 1, NULL, 0);
	harness_sql(&harness_env, "INSERT INTO task_cleanups (task_id,"
	    " request_id, cleanup_type, created_at, cleanup_json) SELECT"
	    " task_id, 'cleaning', 'BOUNCING', 1, '{}' FROM tasks WHERE"
	    " request_id = 'cleaning' AND instance_no = 1");
	sql_request("od", "ON_DEMAND", 2, 1);
	sql_pending_task("od", 1, 60000);
	sql_request("od-free", "ON_DEMAND", 2, 1);
	harness_sql(&harness_env, "UPDATE requests SET request_json ="
	    " json_remove(request_json, '$.instances') WHERE id = 'od-free'");
	sql_pending_task("od-free", 1, 60000);
	sql_request("late", "SCHEDULED", 1, 1);
	sql_pending_task("late", 1, 90000);
	sql_request("soon", "SCHEDULED", 1, 1);
	sql_pending_task("soon", 1, -3600000);
	harness_sql(&harness_env, "INSERT INTO pending_deploys (request_id,"
	    " deploy_id, created_at, pending_json) VALUES ('under', 'd2', 1,"
	    " json_object('deployMarker', json_object('requestId', 'under',"
	    " 'deployId', 'd2', 'timestamp', " NOW_MS " - 50000),"
	    " 'deployProgress', json_object('stepLaunchComplete', json('false'),"
	    " 'timestamp', " NOW_MS " - 40000)));"
	    "INSERT INTO task_updates (task_id, state, timestamp, applied_at)"
	    " VALUES ('x', 'TASK_RUNNING', 1000, 1030),"
	    " ('x', 'TASK_FINISHED', 2000, 2010);"
	    "INSERT INTO settings (name, value_json) VALUES ('priorityFreeze',"
	    " '{\"priorityFreeze\":{\"minimumPriorityLevel\":0.25}}')");
	s = harness_get_json(API "/state?includeRequestIds=true");
	ck_assert_int_eq(jint(s, "activeTasks"), 4);	/* 5, 1 launching */
	ck_assert_int_eq(jint(s, "launchingTasks"), 1);
	ck_assert_int_eq(jint(s, "allRequests"), 9);
	assert_json(json_object_get(s, "overProvisionedRequestIds"),
	    "['over']", "overProvisionedRequestIds");
	assert_json(json_object_get(s, "underProvisionedRequestIds"),
	    "['under']", "underProvisionedRequestIds");
	ck_assert_int_eq(jint(s, "overProvisionedRequests"), 1);
	ck_assert_int_eq(jint(s, "underProvisionedRequests"), 1);
	ck_assert_int_eq(jint(s, "scheduledTasks"), 4);
	ck_assert_int_eq(jint(s, "lateTasks"), 1);
	ck_assert_str_eq(jstr(json_array_get(json_object_get(s,
	    "listLateTasks"), 0), "requestId"), "late");
	ck_assert_int_eq(jint(s, "onDemandLateTasks"), 1);
	ck_assert_str_eq(jstr(json_array_get(json_object_get(s,
	    "onDemandListLateTasks"), 0), "requestId"), "od");
	ck_assert_int_eq(jint(s, "futureTasks"), 2);
	ck_assert_int_ge(jint(s, "maxTaskLag"), 90000);
	ck_assert_int_lt(jint(s, "maxTaskLag"), 150000);
	ck_assert_int_eq(jint(s, "numDeploys"), 1);
	ck_assert_int_ge(jint(s, "oldestDeploy"), 50000);
	ck_assert_int_ge(jint(s, "oldestDeployStep"), 40000);
	ck_assert_int_lt(jint(s, "oldestDeployStep"), 50000);
	ck_assert_str_eq(jstr(json_array_get(json_object_get(s,
	    "activeDeploys"), 0), "deployId"), "d2");
	ck_assert_int_eq(jint(s, "avgStatusUpdateDelayMs"), 20);
	ck_assert_int_eq(jint(s, "lastHeartbeatAt"), 2010);
	ck_assert(json_number_value(json_object_get(s,
	    "minimumPriorityLevel")) == 0.25);
	ck_assert_int_eq(jint(s, "cleaningTasks"), 1);
	ck_assert_int_eq(jint(s, "pendingRequests"), 1);
	json_decref(s);
	expect_json(V1 "/state/requests/under-provisioned", "['under']");
	expect_json(V1 "/state/requests/over-provisioned", "['over']");
}
END_TEST

static long long
mono_ms(void)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static long long
state_under(const char *query)
{
	char		 path[128];
	json_t		*s;
	long long	 n;

	snprintf(path, sizeof(path), API "/state%s", query);
	s = harness_get_json(path);
	n = jint(s, "underProvisionedRequests");
	json_decref(s);
	return (n);
}

/* Past 500 deployed requests the provisioning lists are computed at most
 * once a second; skipCache=true computes them anew. */
START_TEST(test_ui_state_provisioning_cache)
{
	long long	t0, n;
	int		i;

	harness_sql(&harness_env, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < 600) INSERT INTO requests (id,"
	    " state, request_type, request_json, state_changed_at,"
	    " last_action_at) SELECT 'r' || i, 'ACTIVE', 'WORKER',"
	    " json_object('id', 'r' || i), 1, 1 FROM n;"
	    "INSERT INTO request_deploy_state (request_id, active_deploy_id)"
	    " SELECT id, 'd1' FROM requests;");
	t0 = mono_ms();
	ck_assert_int_eq(state_under(""), 600);
	sql_task("r1", "d1", 1, "TASK_RUNNING", 1, NULL, 0);
	n = state_under("");
	/* Within the second, the lists are the ones computed before. */
	if (mono_ms() - t0 < 800)
		ck_assert_int_eq(n, 600);
	ck_assert_int_eq(state_under("?skipCache=true"), 599);
	for (i = 0; i < 40 && state_under("") != 599; i++)
		usleep(100000);
	ck_assert_int_eq(state_under(""), 599);
}
END_TEST

Suite *
ui_calls_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("stored"),
		FIXTURE_CHECKED(ui_setup_apid_only, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_ui_sandbox_size_reads),
		FIXTURE_TEST(test_ui_task_ids_by_status),
		FIXTURE_TEST(test_ui_task_id_histories),
		FIXTURE_TEST(test_ui_usage),
		FIXTURE_TEST(test_ui_empty_answers),
		FIXTURE_TEST(test_ui_state_every_field),
		FIXTURE_TEST(test_ui_state_computed_from_the_store),
		FIXTURE_TEST(test_ui_state_provisioning_cache),
		FIXTURE_CASE("api"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_ui_groups),
		FIXTURE_TEST(test_ui_groups_follow_request_deletion),
		FIXTURE_TEST(test_ui_shuffle_blacklist),
		FIXTURE_TEST(test_ui_inactive_hosts),
		FIXTURE_TEST(test_ui_disasters),
		FIXTURE_TEST(test_ui_disabled_actions),
		FIXTURE_CASE("tasks"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TAGS("slow"),
		FIXTURE_TEST(test_ui_running_tasks_end_to_end),
		FIXTURE_TEST(test_ui_priority_freeze),
		FIXTURE_END
	};

	return (fixture_suite("ui_calls", tests));
}
