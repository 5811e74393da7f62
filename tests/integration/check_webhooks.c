/*
 * Webhooks on the real daemons, POSTed to a real local receiver
 * (kerr-test-httpd in its recording mode: one line per request it got,
 * "METHOD PATH BODY"): the API and its 400s, the bodies of request,
 * deploy and task updates against the history the API serves, their
 * order, retries once a dead or failing receiver answers, kill -9 of the
 * daemons (the delivering one mid-POST), a full queue, and a receiver
 * slower than the delivery timeout, which must not hold up scheduling,
 * kills or the API.
 */

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*webhooks_suite(void);

#define V1	HARNESS_V1

/* Quick retries; a timeout the kill test's receiver stays under and the
 * slow one goes over. */
#define CHECK_WEBHOOKS_CONF						\
	"[cleanerd]\nkill_grace_ms = 1500\nwebhook_retry_min_ms = 200\n"	\
	"webhook_retry_max_ms = 800\nwebhook_timeout_ms = 2500\n"

/* The receiver of the current test. */
static int	check_webhooks_port;
static pid_t	check_webhooks_pid = -1;

static void
check_webhooks_setup(void)
{
	harness_setup_with(CHECK_WEBHOOKS_CONF);
	check_webhooks_port = harness_free_port();
	check_webhooks_pid = -1;
}

static void
check_webhooks_setup_small_queue(void)
{
	harness_setup_with(CHECK_WEBHOOKS_CONF "webhook_queue_max = 2\n");
	check_webhooks_port = harness_free_port();
	check_webhooks_pid = -1;
}

/* ---- the receiver ---- */

static void
check_webhooks_log_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/received.log", harness_env.dir);
}


/* Start the receiver answering status after delay_ms; wait until it
 * listens. */
static void
check_webhooks_receiver(const char *status, long delay_ms)
{
	char	bin[PATH_MAX], port[16], log[PATH_MAX], delay[32];
	char	*argv[] = { bin, port, (char *)(uintptr_t)status, log, delay,
		    NULL };

	ck_assert_int_eq(check_webhooks_pid, -1);
	snprintf(bin, sizeof(bin), "%s/kerr-test-httpd", harness_env.build_dir);
	snprintf(port, sizeof(port), "%d", check_webhooks_port);
	snprintf(delay, sizeof(delay), "%ld", delay_ms);
	check_webhooks_log_path(log, sizeof(log));
	check_webhooks_pid = harness_spawn_argv(&harness_env, argv);
	ck_assert_msg(harness_wait_port(check_webhooks_port, 5000),
	    "the receiver does not listen");
}

static void
check_webhooks_receiver_stop(void)
{
	ck_assert_int_ne(check_webhooks_pid, -1);
	ck_assert_int_eq(kill(check_webhooks_pid, SIGKILL), 0);
	ck_assert(harness_wait_pid(check_webhooks_pid, 2000, NULL));
	check_webhooks_pid = -1;
}

/* Everything received: [{method, path, body}], oldest first. */
static json_t *
check_webhooks_received(void)
{
	char	 path[PATH_MAX];
	char	*text, *line, *save = NULL, *sp1, *sp2;
	json_t	*list = json_array(), *body;

	check_webhooks_log_path(path, sizeof(path));
	text = fixture_read_file(path, NULL);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		sp1 = strchr(line, ' ');
		sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
		ck_assert_msg(sp2 != NULL, "bad line '%s'", line);
		*sp1 = *sp2 = '\0';
		body = json_loads(sp2 + 1, 0, NULL);
		ck_assert_msg(body != NULL, "not JSON: '%s'", sp2 + 1);
		ck_assert_int_eq(json_array_append_new(list, json_pack(
		    "{s:s, s:s, s:o}", "method", line, "path", sp1 + 1, "body",
		    body)), 0);
	}
	free(text);
	return (list);
}

/* Those received at paths starting with prefix. */
static json_t *
check_webhooks_received_at(const char *prefix)
{
	json_t	*all = check_webhooks_received(), *some = json_array(), *v;
	size_t	 i;

	json_array_foreach(all, i, v)
		if (strncmp(json_string_value(json_object_get(v, "path")),
		    prefix, strlen(prefix)) == 0)
			ck_assert_int_eq(json_array_append(some, v), 0);
	json_decref(all);
	return (some);
}

/* Wait until at least n were received at prefix; they are returned. */
static json_t *
check_webhooks_wait_received(const char *prefix, size_t n, int seconds)
{
	json_t	*got;
	int	 i;

	for (i = 0; i < seconds * 10; i++) {
		got = check_webhooks_received_at(prefix);
		if (json_array_size(got) >= n)
			return (got);
		json_decref(got);
		usleep(100000);
	}
	got = check_webhooks_received();
	ck_abort_msg("%zu received, wanted %zu at %s: %s",
	    json_array_size(got), n, prefix, json_dumps(got, 0));
	return (NULL);
}

/* ---- the API ---- */

/* POST a webhook; expect the answer ("CREATED" or "EXISTED"). */
static void
check_webhooks_add(const char *type, const char *uri, const char *answer)
{
	char	 body[1024];
	json_t	*r;

	snprintf(body, sizeof(body), "{\"uri\":\"%s\",\"type\":\"%s\"}", uri,
	    type);
	r = http_json(&harness_env, "POST", V1 "/webhooks", body, 200);
	ck_assert_str_eq(json_string_value(r), answer);
	json_decref(r);
}

/* A webhook of type to the receiver at path (placeholders allowed). */
static void
check_webhooks_add_local(const char *type, const char *path)
{
	char uri[512];

	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d%s",
	    check_webhooks_port, path);
	check_webhooks_add(type, uri, "CREATED");
}

/* The first webhook's id, %-encoded for a query. */
static void
check_webhooks_first_id(char *buf, size_t len)
{
	json_t		*list = harness_get_json(V1 "/webhooks");
	const char	*id = json_string_value(json_object_get(
			    json_array_get(list, 0), "id"));
	size_t		 n = 0;

	ck_assert_ptr_nonnull(id);
	for (; *id != '\0' && n + 4 < len; id++)
		n += (size_t)snprintf(buf + n, len - n, *id == '%' ? "%%25" :
		    "%c", *id);
	json_decref(list);
}

/* GET /webhooks/<kind>?webhookId=<the first webhook>. */
static json_t *
check_webhooks_queue(const char *kind)
{
	char	id[1024], path[1200];

	check_webhooks_first_id(id, sizeof(id));
	snprintf(path, sizeof(path), V1 "/webhooks/%s?webhookId=%s", kind, id);
	return (harness_get_json(path));
}

static long long
check_webhooks_count(const char *unused)
{
	(void)unused;
	return (harness_count("SELECT count(*) FROM webhooks"));
}

static long long
check_webhooks_queued(const char *unused)
{
	(void)unused;
	return (harness_count("SELECT count(*) FROM webhook_queue"));
}

/* A call that must answer status. */
static void
check_webhooks_call(const char *method, const char *path, long status)
{
	struct http_resp resp;

	ck_assert_int_eq(http_do(&harness_env, method, path, NULL, &resp), 0);
	ck_assert_msg(resp.status == status, "%s %s: %ld %s", method, path,
	    resp.status, resp.body);
	http_resp_free(&resp);
}

/* DELETE the first webhook; expect the answer. */
static void
check_webhooks_delete_first(const char *answer)
{
	char	 id[1024], path[1200];
	json_t	*r;

	check_webhooks_first_id(id, sizeof(id));
	snprintf(path, sizeof(path), V1 "/webhooks?webhookId=%s", id);
	r = http_json(&harness_env, "DELETE", path, NULL, 200);
	ck_assert_str_eq(json_string_value(r), answer);
	json_decref(r);
}

static void
check_webhooks_request(const char *id)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"requestType\":"
	    "\"WORKER\"}", id);
	harness_post_ok(V1 "/requests", body);
}

/* The request ids of REQUEST bodies, a run of the same one as one. */
static void
check_webhooks_assert_request_order(const json_t *got, const char *want)
{
	char		 seen[512] = "";
	const char	*id, *last = NULL;
	json_t		*v;
	size_t		 i;

	json_array_foreach(got, i, v) {
		id = json_string_value(json_object_get(json_object_get(
		    json_object_get(v, "body"), "request"), "id"));
		ck_assert_ptr_nonnull(id);
		if (last == NULL || strcmp(id, last) != 0)
			snprintf(seen + strlen(seen), sizeof(seen) -
			    strlen(seen), "%s%s", seen[0] != '\0' ? "," : "",
			    id);
		last = id;
	}
	ck_assert_str_eq(seen, want);
}

START_TEST(test_webhooks_api_and_bad_input)
{
	static const struct {
		const char	*body;
		const char	*needle;
	} bad[] = {
		{ "{\"uri\":\"ftp://h/x\",\"type\":\"REQUEST\"}",
		    "Invalid URI provided 'ftp://h/x': only http" },
		{ "{\"uri\":\"http://h/a b\",\"type\":\"REQUEST\"}", "space" },
		{ "{\"uri\":\"http://h/\\nx\",\"type\":\"REQUEST\"}",
		    "Invalid URI provided: it contains a space, a control" },
		{ "{\"uri\":\"http://:80/\",\"type\":\"REQUEST\"}", "no host" },
		{ "{\"type\":\"REQUEST\"}", "uri is required" },
		{ "{\"uri\":5,\"type\":\"TASK\"}", "uri must be a string" },
		{ "{\"uri\":\"http://h/\",\"type\":\"CRASHLOOP\"}",
		    "CRASHLOOP is not supported" },
		{ "{\"uri\":\"http://h/\",\"type\":\"BOGUS\"}",
		    "Unknown webhook type 'BOGUS'" },
		{ "{\"uri\":\"http://h/\"}", "type is required" },
		{ "{\"uri\":\"http://h/\",\"type\":\"TASK\",\"timestamp\":"
		    "\"x\"}", "timestamp must be an integer" },
		{ "[1]", "must be a JSON object" },
		{ NULL, "is required" },
	};
	json_t	*list, *w;
	char	 id[1024], path[1200];
	size_t	 i;

	check_webhooks_add("REQUEST", "http://127.0.0.1:9/x", "CREATED");
	check_webhooks_add("REQUEST", "http://127.0.0.1:9/x", "EXISTED");
	harness_post_ok(V1 "/webhooks?user=bob",
	    "{\"uri\":\"http://127.0.0.1:9/x\",\"type\":\"TASK\","
	    "\"id\":\"ignored\",\"timestamp\":7}");
	list = harness_get_json(V1 "/webhooks");
	ck_assert_int_eq(json_array_size(list), 2);
	w = json_array_get(list, 0);
	ck_assert_str_eq(json_string_value(json_object_get(w, "id")),
	    "REQUEST-http%3A%2F%2F127.0.0.1%3A9%2Fx");
	ck_assert_str_eq(json_string_value(json_object_get(w, "uri")),
	    "http://127.0.0.1:9/x");
	ck_assert_str_eq(json_string_value(json_object_get(w, "type")),
	    "REQUEST");
	ck_assert(json_integer_value(json_object_get(w, "timestamp")) > 0);
	ck_assert_ptr_null(json_object_get(w, "user"));
	w = json_array_get(list, 1);
	ck_assert_str_eq(json_string_value(json_object_get(w, "id")),
	    "TASK-http%3A%2F%2F127.0.0.1%3A9%2Fx");
	ck_assert_str_eq(json_string_value(json_object_get(w, "user")), "bob");
	ck_assert_int_eq(json_integer_value(json_object_get(w, "timestamp")),
	    7);
	json_decref(list);
	list = harness_get_json(V1 "/webhooks/summary");
	ck_assert_int_eq(json_array_size(list), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(list,
	    0), "queueSize")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_array_get(list, 1), "webhook"), "type")), "TASK");
	json_decref(list);

	/* Refused, with one line naming what is wrong, and nothing added. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		http_expect_error(&harness_env, "POST", V1 "/webhooks",
		    bad[i].body, 400, bad[i].needle);
	ck_assert_int_eq(check_webhooks_count(NULL), 2);
	http_expect_error(&harness_env, "GET", V1 "/webhooks/request", NULL,
	    400, "webhookId");
	http_expect_error(&harness_env, "DELETE", V1 "/webhooks", NULL, 400,
	    "webhookId");

	/* Queues: an unknown id, or a known one of another type, hold
	 * nothing, as Singularity reads them. */
	json_decref(harness_wait_json(V1 "/webhooks/request?webhookId=nope",
	    harness_is_empty, NULL, 1000));
	check_webhooks_first_id(id, sizeof(id));
	snprintf(path, sizeof(path), V1 "/webhooks/task?webhookId=%s", id);
	json_decref(harness_wait_json(path, harness_is_empty, NULL, 1000));
	json_decref(harness_wait_json(V1 "/webhooks/elevated-access"
	    "?webhookId=x", harness_is_empty, NULL, 1000));

	/* A disabled ADD_WEBHOOK is refused. */
	check_webhooks_call("POST", V1 "/disasters/disabled-actions/"
	    "ADD_WEBHOOK", 204);
	http_expect_error(&harness_env, "POST", V1 "/webhooks",
	    "{\"uri\":\"http://h/\",\"type\":\"DEPLOY\"}", 409, "");
	ck_assert_int_eq(check_webhooks_count(NULL), 2);

	snprintf(path, sizeof(path), V1 "/webhooks?webhookId=%s", id);
	list = http_json(&harness_env, "DELETE", path, NULL, 200);
	ck_assert_str_eq(json_string_value(list), "DELETED");
	json_decref(list);
	list = http_json(&harness_env, "DELETE", path, NULL, 200);
	ck_assert_str_eq(json_string_value(list), "DIDNT_EXIST");
	json_decref(list);
	ck_assert_int_eq(check_webhooks_count(NULL), 1);
	/* The deprecated form, the id in the path. */
	check_webhooks_first_id(id, sizeof(id));
	snprintf(path, sizeof(path), V1 "/webhooks/%s", id);
	list = http_json(&harness_env, "DELETE", path, NULL, 200);
	ck_assert_str_eq(json_string_value(list), "DELETED");
	json_decref(list);
	ck_assert_int_eq(check_webhooks_count(NULL), 0);
}
END_TEST

/* Request updates: the SingularityRequestHistory objects the API serves,
 * oldest first, at the URI with $REQUEST_ID filled in. */
START_TEST(test_webhooks_request_updates_in_order)
{
	json_t	*hist, *got, *v;
	size_t	 i, n;

	check_webhooks_receiver("200", 0);
	check_webhooks_add_local("REQUEST", "/req/$REQUEST_ID?d=$DEPLOY_ID");
	check_webhooks_request("wh1");
	harness_post_ok(V1 "/requests/request/wh1/pause", NULL);
	harness_post_ok(V1 "/requests/request/wh1/unpause", NULL);
	json_decref(http_json(&harness_env, "DELETE",
	    V1 "/requests/request/wh1", NULL, 200));
	harness_wait_sql(1, 10, "SELECT count(*) FROM request_history WHERE"
	    " request_id = 'wh1' AND event_type = 'DELETED'");
	hist = harness_get_json(V1 "/history/request/wh1/requests");
	n = json_array_size(hist);
	ck_assert_int_ge(n, 5);
	got = check_webhooks_wait_received("/req/", n, 10);
	ck_assert_int_eq(json_array_size(got), n);
	json_array_foreach(got, i, v) {
		ck_assert_str_eq(json_string_value(json_object_get(v, "method")),
		    "POST");
		/* A request update has no deploy: $DEPLOY_ID stays. */
		ck_assert_str_eq(json_string_value(json_object_get(v, "path")),
		    "/req/wh1?d=$DEPLOY_ID");
		ck_assert_msg(json_equal(json_object_get(v, "body"),
		    json_array_get(hist, n - 1 - i)), "update %zu: %s", i,
		    json_dumps(json_object_get(v, "body"), 0));
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_array_get(got, 0), "body"), "eventType")), "CREATED");
	json_decref(got);
	json_decref(hist);
	harness_wait_count(check_webhooks_queued, NULL, 0, 5);
}
END_TEST

static void
check_webhooks_assert_deploys(void)
{
	json_t	*got, *hist;

	got = check_webhooks_wait_received("/deploy/", 2, 10);
	ck_assert_int_eq(json_array_size(got), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(got,
	    0), "path")), "/deploy/job/d1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_array_get(got, 0), "body"), "eventType")), "STARTING");
	ck_assert_ptr_null(json_object_get(json_object_get(json_array_get(got,
	    0), "body"), "deployResult"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(json_array_get(got, 0), "body"), "deploy"), "id")),
	    "d1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_array_get(got, 1), "body"), "eventType")), "FINISHED");
	hist = harness_get_json(V1 "/history/request/job/deploy/d1");
	ck_assert(json_equal(json_object_get(json_object_get(json_array_get(
	    got, 1), "body"), "deployResult"), json_object_get(hist,
	    "deployResult")));
	ck_assert(json_equal(json_object_get(json_object_get(json_array_get(
	    got, 1), "body"), "deployMarker"), json_object_get(hist,
	    "deployMarker")));
	json_decref(hist);
	json_decref(got);
}

/* Deploy updates STARTING and FINISHED; task updates as
 * SingularityTaskWebhook {task, taskUpdate}, every update of the task in
 * the order GET /history/task/{id} lists them. */
START_TEST(test_webhooks_deploy_and_task_updates)
{
	json_t	*hist, *updates, *got, *v;
	char	 task[256], path[512];
	size_t	 i, n;

	check_webhooks_receiver("200", 0);
	check_webhooks_add_local("DEPLOY", "/deploy/$REQUEST_ID/$DEPLOY_ID");
	check_webhooks_add_local("TASK", "/task/$TASK_ID");
	harness_post_ok(V1 "/requests", "{\"id\":\"job\",\"requestType\":"
	    "\"RUN_ONCE\"}");
	harness_deploy("job", "d1", "echo hi", NULL);
	harness_wait_tasks("job", "TASK_FINISHED", 1, 15);
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks WHERE"
	    " request_id = 'job'", task, sizeof(task));
	json_decref(harness_wait_json(V1 "/history/request/job/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", 10000));
	check_webhooks_assert_deploys();

	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	hist = harness_get_json(path);
	updates = json_object_get(hist, "taskUpdates");
	n = json_array_size(updates);
	ck_assert_int_ge(n, 4);
	snprintf(path, sizeof(path), "/task/%s", task);
	got = check_webhooks_wait_received(path, n, 10);
	ck_assert_int_eq(json_array_size(got), n);
	json_array_foreach(got, i, v) {
		ck_assert_str_eq(json_string_value(json_object_get(v, "path")),
		    path);
		ck_assert_msg(json_equal(json_object_get(json_object_get(v,
		    "body"), "taskUpdate"), json_array_get(updates, i)),
		    "update %zu", i);
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_object_get(json_object_get(json_object_get(v, "body"),
		    "task"), "taskId"), "id")), task);
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(json_array_get(got, n - 1), "body"), "taskUpdate"),
	    "taskState")), "TASK_FINISHED");
	json_decref(got);
	json_decref(hist);
}
END_TEST

/* Nobody listens, then a receiver that answers 503, then one that
 * answers 200: the updates wait in their queue, in order, and each is
 * retried until it is taken. */
START_TEST(test_webhooks_retried_until_the_receiver_takes_them)
{
	json_t	*q, *got;
	size_t	 before;

	check_webhooks_add_local("REQUEST", "/r");
	check_webhooks_request("a");
	check_webhooks_request("b");
	check_webhooks_request("c");
	harness_wait_sql(2, 10, "SELECT failures FROM webhooks");
	q = check_webhooks_queue("request");
	ck_assert_int_eq(json_array_size(q), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_array_get(q, 0), "request"), "id")), "a");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_array_get(q, 2), "request"), "id")), "c");
	json_decref(q);
	q = harness_get_json(V1 "/webhooks/summary");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(q,
	    0), "queueSize")), 3);
	json_decref(q);

	check_webhooks_receiver("503", 0);
	json_decref(check_webhooks_wait_received("/r", 2, 10));
	check_webhooks_receiver_stop();
	q = check_webhooks_queue("request");
	ck_assert_int_eq(json_array_size(q), 3);	/* none taken */
	json_decref(q);
	got = check_webhooks_received();
	before = json_array_size(got);
	check_webhooks_assert_request_order(got, "a");
	json_decref(got);

	check_webhooks_receiver("200", 0);
	got = check_webhooks_wait_received("/r", before + 3, 15);
	check_webhooks_assert_request_order(got, "a,b,c");
	json_decref(got);
	harness_wait_count(check_webhooks_queued, NULL, 0, 5);
	ck_assert_int_eq(harness_count("SELECT failures FROM webhooks"), 0);
}
END_TEST

/* The queue is in the store: kill -9 of every daemon loses nothing, and
 * cleanerd killed in the middle of a POST sends that update again (at
 * least once), then the rest, in order. */
START_TEST(test_webhooks_survive_kill9)
{
	json_t *got;

	check_webhooks_add_local("REQUEST", "/r");
	check_webhooks_request("a");
	harness_kill9_and_restart(HARNESS_APID);
	harness_wait_api(&harness_env);
	check_webhooks_request("b");
	harness_kill9_and_restart(HARNESS_SCHEDULERD);
	harness_kill9_and_restart(HARNESS_CLEANERD);
	harness_wait_ready(&harness_env);
	check_webhooks_request("c");
	/* A receiver that takes a second to answer: cleanerd dies while it
	 * waits for the answer to a. */
	check_webhooks_receiver("200", 1000);
	json_decref(check_webhooks_wait_received("/r", 1, 10));
	harness_kill9_and_restart(HARNESS_CLEANERD);
	got = check_webhooks_wait_received("/r", 4, 20);
	check_webhooks_assert_request_order(got, "a,b,c");
	ck_assert_int_eq(json_array_size(got), 4);	/* a twice */
	json_decref(got);
	harness_wait_count(check_webhooks_queued, NULL, 0, 5);
}
END_TEST

/* A receiver slower than webhook_timeout_ms: its POSTs fail and are
 * retried, and meanwhile deploys run, kills happen and the API answers
 * as always. */
START_TEST(test_webhooks_slow_receiver_holds_nothing_up)
{
	json_t *q;

	check_webhooks_receiver("200", 30000);
	check_webhooks_add_local("REQUEST", "/slow/r");
	check_webhooks_add_local("DEPLOY", "/slow/d");
	check_webhooks_add_local("TASK", "/slow/t");
	harness_request("svc", "SERVICE", 2);
	harness_deploy("svc", "d1", "sleep 1000", NULL);
	harness_wait_tasks("svc", "TASK_RUNNING", 2, 15);
	harness_wait_deployed("svc", "d1", 15000);
	harness_post_ok(V1 "/requests/request/svc/pause", NULL);
	harness_wait_tasks("svc", "TASK_KILLED", 2, 15);
	/* Every webhook timed out at least once and kept its updates. */
	harness_wait_sql(3, 15, "SELECT count(*) FROM webhooks"
	    " WHERE failures > 0");
	q = harness_get_json(V1 "/webhooks/summary");
	ck_assert_int_eq(json_array_size(q), 3);
	ck_assert_int_ge(json_integer_value(json_object_get(json_array_get(q,
	    2), "queueSize")), 4);
	json_decref(q);
	q = check_webhooks_received();
	ck_assert_int_ge(json_array_size(q), 1);
	json_decref(q);
}
END_TEST

/* webhook_queue_max = 2: the third and later updates are dropped,
 * counted and logged; the two kept are delivered.  A webhook removed
 * takes its queue along. */
START_TEST(test_webhooks_full_queue_keeps_the_oldest)
{
	json_t	*q, *got;
	char	 log[PATH_MAX], *text;

	check_webhooks_add_local("REQUEST", "/r");
	check_webhooks_request("a");
	check_webhooks_request("b");
	check_webhooks_request("c");
	check_webhooks_request("d");
	q = harness_get_json(V1 "/webhooks/summary");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(q,
	    0), "queueSize")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(q,
	    0), "droppedUpdates")), 2);
	json_decref(q);
	snprintf(log, sizeof(log), "%s/kerr-cleanerd.log", harness_env.dir);
	for (int i = 0; i < 50; i++) {
		text = fixture_read_file(log, NULL);
		if (strstr(text, "queue full") != NULL)
			break;
		free(text);
		text = NULL;
		usleep(100000);
	}
	ck_assert_msg(text != NULL && strstr(text, "2 updates dropped") !=
	    NULL, "cleanerd did not log the drops");
	free(text);
	check_webhooks_receiver("200", 0);
	got = check_webhooks_wait_received("/r", 2, 10);
	check_webhooks_assert_request_order(got, "a,b");
	json_decref(got);
	harness_wait_count(check_webhooks_queued, NULL, 0, 5);
	usleep(500000);
	got = check_webhooks_received();
	ck_assert_int_eq(json_array_size(got), 2);
	json_decref(got);

	/* Removed with an update queued: the queue goes too. */
	check_webhooks_receiver_stop();
	check_webhooks_request("e");
	harness_wait_count(check_webhooks_queued, NULL, 1, 5);
	check_webhooks_delete_first("DELETED");
	ck_assert_int_eq(check_webhooks_queued(NULL), 0);
}
END_TEST

Suite *
webhooks_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("delivery"),
		FIXTURE_CHECKED(check_webhooks_setup, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_webhooks_api_and_bad_input),
		FIXTURE_TEST(test_webhooks_request_updates_in_order),
		FIXTURE_TEST(test_webhooks_deploy_and_task_updates),
		FIXTURE_TEST(test_webhooks_retried_until_the_receiver_takes_them),
		FIXTURE_TEST(test_webhooks_survive_kill9),
		FIXTURE_TEST(test_webhooks_slow_receiver_holds_nothing_up),
		FIXTURE_CASE("full"),
		FIXTURE_CHECKED(check_webhooks_setup_small_queue,
		    harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_webhooks_full_queue_keeps_the_oldest),
		FIXTURE_END
	};

	return (fixture_suite("webhooks", tests));
}
