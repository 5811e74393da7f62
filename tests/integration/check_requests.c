/*
 * Requests API on the real daemons: create/update, reads, lists, queues,
 * history, pause/unpause/delete, bounce/run/scale checks, validation, and
 * the rule that a rejected call changes nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*requests_suite(void);

#define V1	"/singularity/v1"
#define API	"/singularity/api"

static json_t *
post_request(const char *body)
{
	return (http_json(&harness_env, "POST", V1 "/requests", body, 200));
}

static const char *
jstr(json_t *o, const char *path)
{
	char		 key[128];
	const char	*dot;
	json_t		*cur = o;

	while ((dot = strchr(path, '.')) != NULL) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		cur = json_object_get(cur, key);
		path = dot + 1;
	}
	return (json_string_value(json_object_get(cur, path)));
}

/* Rows in every request table: a rejected call must not change it. */
static long long
db_fingerprint(void)
{
	return (harness_count("SELECT (SELECT count(*) FROM requests)"
	    " * 1000000 + (SELECT count(*) FROM request_history) * 10000 +"
	    " (SELECT count(*) FROM pending_requests) * 100 +"
	    " (SELECT count(*) FROM request_cleanups)") +
	    harness_count("SELECT coalesce(sum(length(request_json) + "
	    "length(state)), 0) FROM requests"));
}

/* Wait (bounded) until GET path answers `status`. */
static void
wait_status(const char *path, long status)
{
	struct http_resp	resp;
	int			i;

	for (i = 0; i < 200; i++) {
		if (http_do(&harness_env, "GET", path, NULL, &resp) == 0 &&
		    resp.status == status) {
			http_resp_free(&resp);
			return;
		}
		http_resp_free(&resp);
		usleep(25000);
	}
	ck_abort_msg("GET %s never answered %ld", path, status);
}

static void
wait_cleanup_queue_empty(void)
{
	json_t	*list;
	int	 i;

	for (i = 0; i < 200; i++) {
		list = harness_get_json(V1 "/requests/queued/cleanup");
		if (json_array_size(list) == 0) {
			json_decref(list);
			return;
		}
		json_decref(list);
		usleep(25000);
	}
	ck_abort_msg("the request cleanup queue never emptied");
}

START_TEST(test_requests_create_seed_example)
{
	json_t *p, *g, *active, *pending, *hist;

	p = post_request("{\"id\":\"test-singularity-1\"}");
	ck_assert_str_eq(jstr(p, "request.id"), "test-singularity-1");
	ck_assert_str_eq(jstr(p, "request.requestType"), "WORKER");
	ck_assert_str_eq(jstr(p, "state"), "ACTIVE");
	ck_assert_ptr_null(json_object_get(p, "requestDeployState"));
	g = harness_get_json(API "/requests/request/test-singularity-1");
	/* The reply to a creation is the whole parent, as a read gives it. */
	ck_assert(json_equal(p, g));
	active = harness_get_json(V1 "/requests/active");
	ck_assert_int_eq(json_array_size(active), 1);
	ck_assert_str_eq(jstr(json_array_get(active, 0), "request.id"),
	    "test-singularity-1");
	/* No deploy yet: nothing to run, nothing queued. */
	pending = harness_get_json(V1 "/requests/queued/pending");
	ck_assert_int_eq(json_array_size(pending), 0);
	hist = harness_get_json(V1 "/history/request/test-singularity-1/"
	    "requests");
	ck_assert_int_eq(json_array_size(hist), 1);
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "eventType"),
	    "CREATED");
	ck_assert(json_is_integer(json_object_get(json_array_get(hist, 0),
	    "createdAt")));
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE"
	    " id = 'test-singularity-1' AND state = 'ACTIVE'"), 1);
	json_decref(p);
	json_decref(g);
	json_decref(active);
	json_decref(pending);
	json_decref(hist);
}
END_TEST

START_TEST(test_requests_round_trip_every_field)
{
	const char *body = "{\"id\":\"svc\",\"requestType\":\"SERVICE\","
	    "\"owners\":[\"a@b.c\"],\"instances\":2,\"rackSensitive\":true,"
	    "\"rackAffinity\":[\"r1\"],\"agentPlacement\":\"GREEDY\","
	    "\"requiredAgentAttributes\":{\"k\":\"v\"},"
	    "\"group\":\"g\",\"readWriteGroups\":[\"rw\"],"
	    "\"bounceAfterScale\":true,\"skipHealthchecks\":false,"
	    "\"taskPriorityLevel\":0.5,\"maxTasksPerOffer\":3,"
	    "\"allowBounceToSameHost\":true,\"requiredRole\":\"role\","
	    "\"dataCenter\":\"dc1\",\"taskLogErrorRegex\":\"ERR\","
	    "\"scheduledExpectedRuntimeMillis\":10,"
	    "\"waitAtLeastMillisAfterTaskFinishesForReschedule\":5,"
	    "\"unknownField\":42,\"maxScale\":null}";
	json_t *p, *r;

	p = post_request(body);
	r = json_object_get(p, "request");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "instances")),
	    2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r,
	    "owners"), 0)), "a@b.c");
	ck_assert_str_eq(jstr(r, "agentPlacement"), "GREEDY");
	ck_assert_str_eq(jstr(r, "slavePlacement"), "GREEDY");
	ck_assert_str_eq(jstr(r, "requiredSlaveAttributes.k"), "v");
	ck_assert(json_real_value(json_object_get(r, "taskPriorityLevel")) ==
	    0.5);
	ck_assert_str_eq(jstr(r, "dataCenter"), "dc1");
	ck_assert(json_is_true(json_object_get(r, "bounceAfterScale")));
	ck_assert_ptr_null(json_object_get(r, "unknownField"));
	ck_assert_ptr_null(json_object_get(r, "maxScale"));
	json_decref(p);
}
END_TEST

START_TEST(test_requests_type_inference)
{
	json_t *p;

	p = post_request("{\"id\":\"od\",\"daemon\":false}");
	ck_assert_str_eq(jstr(p, "request.requestType"), "ON_DEMAND");
	ck_assert_ptr_null(json_object_get(json_object_get(p, "request"),
	    "daemon"));
	json_decref(p);
	p = post_request("{\"id\":\"cron\",\"schedule\":\"*/5 * * * *\"}");
	ck_assert_str_eq(jstr(p, "request.requestType"), "SCHEDULED");
	ck_assert_str_eq(jstr(p, "request.schedule"), "*/5 * * * *");
	ck_assert_str_eq(jstr(p, "request.quartzSchedule"), "0 */5 * * * ?");
	json_decref(p);
	p = post_request("{\"id\":\"w\",\"daemon\":true}");
	ck_assert_str_eq(jstr(p, "request.requestType"), "WORKER");
	json_decref(p);
}
END_TEST

START_TEST(test_requests_validation_changes_nothing)
{
	static const struct {
		const char *body, *needle;
	} bad[] = {
		{ "{}", "d" },
		{ "{\"id\":\"bad id\"}", "bad id" },
		{ "{\"id\":\"x\",\"instances\":0}", "nstances" },
		{ "{\"id\":\"x\",\"instances\":\"two\"}", "instances" },
		{ "{\"id\":\"x\",\"requestType\":\"NOPE\"}", "requestType" },
		{ "{\"id\":\"x\",\"loadBalanced\":true}", "load balancer" },
		{ "{\"id\":\"x\",\"requestType\":\"SCHEDULED\"}", "schedule" },
		{ "{\"id\":\"x\",\"schedule\":\"61 * * * *\"}", "" },
		{ "{\"id\":\"x\",\"requestType\":\"SERVICE\","
		    "\"numRetriesOnFailure\":2}", "RetriesOnFailure" },
		{ "{\"id\":\"x\",\"schedule\":\"0 * * * *\","
		    "\"scheduleTimeZone\":\"Mars/Base\"}", "Mars/Base" },
		{ "[1,2]", "" },
		{ "{\"id\":", "JSON" },
	};
	long long	before;
	size_t		i;

	json_decref(post_request("{\"id\":\"keep\",\"requestType\":"
	    "\"SERVICE\"}"));
	before = db_fingerprint();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		http_expect_error(&harness_env, "POST", V1 "/requests",
		    bad[i].body, 400, bad[i].needle);
	/* Type change SERVICE -> SCHEDULED is refused. */
	http_expect_error(&harness_env, "POST", V1 "/requests",
	    "{\"id\":\"keep\",\"schedule\":\"0 * * * *\"}", 400,
	    "SERVICE to SCHEDULED");
	ck_assert_int_eq(db_fingerprint(), before);
}
END_TEST

START_TEST(test_requests_update_writes_history)
{
	json_t *p, *hist;

	json_decref(post_request("{\"id\":\"w1\",\"requestType\":\"WORKER\"}"));
	p = http_json(&harness_env, "POST", V1 "/requests?user=alice",
	    "{\"id\":\"w1\",\"requestType\":\"SERVICE\",\"instances\":3}",
	    200);
	ck_assert_str_eq(jstr(p, "request.requestType"), "SERVICE");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    p, "request"), "instances")), 3);
	hist = harness_get_json(V1 "/history/request/w1/requests");
	ck_assert_int_eq(json_array_size(hist), 2);
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "eventType"),
	    "UPDATED");
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "user"), "alice");
	ck_assert_str_eq(jstr(json_array_get(hist, 1), "eventType"),
	    "CREATED");
	ck_assert_ptr_null(json_object_get(json_array_get(hist, 1), "user"));
	json_decref(p);
	json_decref(hist);
}
END_TEST

START_TEST(test_requests_pause_unpause)
{
	json_t *p, *paused, *hist;

	json_decref(post_request("{\"id\":\"pz\"}"));
	http_expect_error(&harness_env, "POST", V1 "/requests/request/pz/"
	    "unpause", NULL, 409, "pz");
	p = http_json(&harness_env, "POST", V1 "/requests/request/pz/pause"
	    "?user=bob", "{\"message\":\"maintenance\"}", 200);
	ck_assert_str_eq(jstr(p, "state"), "PAUSED");
	json_decref(p);
	http_expect_error(&harness_env, "POST", V1 "/requests/request/pz/"
	    "pause", NULL, 409, "pz");
	/* No task to kill: cleanerd finishes the pause at once. */
	wait_cleanup_queue_empty();
	paused = harness_get_json(V1 "/requests/paused");
	ck_assert_int_eq(json_array_size(paused), 1);
	json_decref(paused);
	hist = harness_get_json(V1 "/history/request/pz/requests");
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "eventType"),
	    "PAUSED");
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "user"), "bob");
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "message"),
	    "maintenance");
	json_decref(hist);
	p = http_json(&harness_env, "POST", V1 "/requests/request/pz/unpause",
	    NULL, 200);
	ck_assert_str_eq(jstr(p, "state"), "ACTIVE");
	json_decref(p);
}
END_TEST

START_TEST(test_requests_pause_queues_cleanup_and_blocks_post)
{
	json_t *cleanups, *c;

	json_decref(post_request("{\"id\":\"pq\"}"));
	/* Stop cleanerd so the cleanup stays in flight. */
	ck_assert_int_ge(harness_stop_daemon(&harness_env, HARNESS_CLEANERD,
	    2000), 0);
	harness_post_ok(V1 "/requests/request/pq/pause?user=carol",
	    "{\"killTasks\":false}");
	cleanups = harness_get_json(V1 "/requests/queued/cleanup");
	ck_assert_int_eq(json_array_size(cleanups), 1);
	c = json_array_get(cleanups, 0);
	ck_assert_str_eq(jstr(c, "requestId"), "pq");
	ck_assert_str_eq(jstr(c, "cleanupType"), "PAUSING");
	ck_assert_str_eq(jstr(c, "user"), "carol");
	ck_assert(json_is_false(json_object_get(c, "killTasks")));
	json_decref(cleanups);
	http_expect_error(&harness_env, "POST", V1 "/requests",
	    "{\"id\":\"pq\"}", 409, "currently cleaning");
	/* cleanerd back: the pause completes, then a POST unpauses (0A). */
	harness_spawn(&harness_env, HARNESS_CLEANERD);
	wait_cleanup_queue_empty();
	c = post_request("{\"id\":\"pq\",\"instances\":2}");
	ck_assert_str_eq(jstr(c, "state"), "ACTIVE");
	json_decref(c);
	c = harness_get_json(V1 "/history/request/pq/requests");
	ck_assert_str_eq(jstr(json_array_get(c, 0), "eventType"), "UNPAUSED");
	ck_assert_str_eq(jstr(json_array_get(c, 1), "eventType"), "UPDATED");
	json_decref(c);
}
END_TEST

START_TEST(test_requests_delete_and_recreate)
{
	json_t *d, *hist, *all;

	json_decref(post_request("{\"id\":\"del\"}"));
	ck_assert_int_ge(harness_stop_daemon(&harness_env, HARNESS_CLEANERD,
	    2000), 0);
	d = http_json(&harness_env, "DELETE", V1 "/requests/request/del"
	    "?user=dave", NULL, 200);
	ck_assert_str_eq(jstr(d, "id"), "del");
	json_decref(d);
	/* Until cleanerd has finished it stays, DELETING, in the queue. */
	d = harness_get_json(V1 "/requests/request/del");
	ck_assert_str_eq(jstr(d, "state"), "DELETING");
	json_decref(d);
	all = harness_get_json(V1 "/requests/queued/cleanup");
	ck_assert_str_eq(jstr(json_array_get(all, 0), "cleanupType"),
	    "DELETING");
	json_decref(all);
	http_expect_error(&harness_env, "POST", V1 "/requests",
	    "{\"id\":\"del\"}", 409, "cleaning");
	harness_spawn(&harness_env, HARNESS_CLEANERD);
	wait_status(V1 "/requests/request/del", 404);
	http_expect_error(&harness_env, "GET", V1 "/requests/request/del",
	    NULL, 404, "del");
	all = harness_get_json(V1 "/requests");
	ck_assert_int_eq(json_array_size(all), 0);
	json_decref(all);
	hist = harness_get_json(V1 "/history/request/del/requests");
	ck_assert_int_eq(json_array_size(hist), 3);
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "eventType"),
	    "DELETED");
	ck_assert_str_eq(jstr(json_array_get(hist, 1), "eventType"),
	    "DELETING");
	ck_assert_str_eq(jstr(json_array_get(hist, 1), "user"), "dave");
	json_decref(hist);
	d = post_request("{\"id\":\"del\"}");
	ck_assert_str_eq(jstr(d, "state"), "ACTIVE");
	json_decref(d);
	http_expect_error(&harness_env, "DELETE", V1 "/requests/request/nope",
	    NULL, 404, "nope");
}
END_TEST

START_TEST(test_requests_timed_pause_is_shown_and_cancelled)
{
	json_t *p;

	json_decref(post_request("{\"id\":\"tp\"}"));
	harness_post_ok(V1 "/requests/request/tp/pause",
	    "{\"durationMillis\":600000,\"actionId\":\"a1\"}");
	p = harness_get_json(V1 "/requests/request/tp");
	ck_assert_str_eq(jstr(p, "expiringPause.actionId"), "a1");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    json_object_get(p, "expiringPause"), "expiringAPIRequestObject"),
	    "durationMillis")), 600000);
	json_decref(p);
	p = http_json(&harness_env, "DELETE", V1 "/requests/request/tp/pause",
	    NULL, 200);
	ck_assert_ptr_null(json_object_get(p, "expiringPause"));
	ck_assert_str_eq(jstr(p, "state"), "PAUSED");
	json_decref(p);
	http_expect_error(&harness_env, "DELETE", V1 "/requests/request/tp/"
	    "pause", NULL, 404, "tp");
}
END_TEST

START_TEST(test_requests_delete_paused)
{
	json_t *d;

	json_decref(post_request("{\"id\":\"dp\"}"));
	http_expect_error(&harness_env, "DELETE", V1 "/requests/request/dp/"
	    "paused", NULL, 404, "dp");
	harness_post_ok(V1 "/requests/request/dp/pause", NULL);
	d = http_json(&harness_env, "DELETE", V1 "/requests/request/dp/paused",
	    NULL, 200);
	ck_assert_str_eq(jstr(d, "id"), "dp");
	json_decref(d);
	wait_status(V1 "/requests/request/dp", 404);
}
END_TEST

START_TEST(test_requests_bounce_run_need_a_deploy)
{
	long long before;

	json_decref(post_request("{\"id\":\"svc\",\"requestType\":"
	    "\"SERVICE\"}"));
	json_decref(post_request("{\"id\":\"od\",\"requestType\":"
	    "\"ON_DEMAND\"}"));
	before = db_fingerprint();
	http_expect_error(&harness_env, "POST", V1 "/requests/request/svc/"
	    "bounce", NULL, 409, "no deploy");
	http_expect_error(&harness_env, "POST", V1 "/requests/request/od/"
	    "bounce", NULL, 400, "ON_DEMAND");
	http_expect_error(&harness_env, "POST", V1 "/requests/request/od/run",
	    "{\"commandLineArgs\":[\"a\"]}", 409, "no deploy");
	http_expect_error(&harness_env, "POST", V1 "/requests/request/zz/run",
	    NULL, 404, "zz");
	http_expect_error(&harness_env, "POST", V1 "/requests/request/od/run",
	    "[\"STARTED_BY_USER\"]", 400, "STARTED_BY_USER");
	ck_assert_int_eq(db_fingerprint(), before);
}
END_TEST

START_TEST(test_requests_scale)
{
	json_t		*p, *hist;
	long long	 before;

	json_decref(post_request("{\"id\":\"sc\",\"requestType\":"
	    "\"WORKER\"}"));
	p = http_json(&harness_env, "PUT", V1 "/requests/request/sc/scale",
	    "{\"instances\":3,\"message\":\"more\"}", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    p, "request"), "instances")), 3);
	json_decref(p);
	hist = harness_get_json(V1 "/history/request/sc/requests");
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "eventType"),
	    "SCALED");
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "message"),
	    "more -- Scaling from 1 -> 3");
	json_decref(hist);
	before = db_fingerprint();
	http_expect_error(&harness_env, "PUT", V1 "/requests/request/sc/scale",
	    "{\"instances\":3}", 400, "no affect");
	http_expect_error(&harness_env, "PUT", V1 "/requests/request/sc/scale",
	    "{\"instances\":0}", 400, "instances");
	http_expect_error(&harness_env, "PUT", V1 "/requests/request/sc/scale",
	    NULL, 400, "instances");
	ck_assert_int_eq(db_fingerprint(), before);
}
END_TEST

START_TEST(test_requests_lists_ids_batch_filter)
{
	json_t *j;

	json_decref(post_request("{\"id\":\"alpha\",\"requestType\":"
	    "\"SERVICE\"}"));
	json_decref(post_request("{\"id\":\"alpine\",\"requestType\":"
	    "\"WORKER\"}"));
	json_decref(post_request("{\"id\":\"beta\",\"requestType\":"
	    "\"ON_DEMAND\"}"));
	j = harness_get_json(V1 "/requests/ids?requestIdLike=ALP");
	ck_assert_int_eq(json_array_size(j), 2);
	json_decref(j);
	j = harness_get_json(V1 "/requests?requestType=SERVICE"
	    "&requestType=ON_DEMAND");
	ck_assert_int_eq(json_array_size(j), 2);
	json_decref(j);
	j = harness_get_json(V1 "/requests/batch?id=alpha&id=zeta");
	ck_assert_int_eq(json_array_size(json_object_get(j, "requests")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j,
	    "notFound"), 0)), "zeta");
	json_decref(j);
	j = harness_get_json(V1 "/requests/active?property=request.id");
	ck_assert_int_eq(json_array_size(j), 3);
	ck_assert_int_eq(json_object_size(json_array_get(j, 0)), 1);
	ck_assert_int_eq(json_object_size(json_object_get(json_array_get(j,
	    0), "request")), 1);
	json_decref(j);
	j = harness_get_json(V1 "/auth/user");
	ck_assert_str_eq(jstr(j, "user.id"), "singularity");
	ck_assert(json_is_false(json_object_get(j, "authEnabled")));
	json_decref(j);
}
END_TEST

START_TEST(test_requests_history_paging)
{
	json_t	*h;
	int	 i;

	json_decref(post_request("{\"id\":\"hp\"}"));
	for (i = 2; i <= 5; i++) {
		char body[64];

		snprintf(body, sizeof(body), "{\"id\":\"hp\",\"instances\":%d}",
		    i);
		json_decref(post_request(body));
	}
	h = harness_get_json(V1 "/history/request/hp/requests?count=2&page=3");
	ck_assert_int_eq(json_array_size(h), 1);
	ck_assert_str_eq(jstr(json_array_get(h, 0), "eventType"), "CREATED");
	json_decref(h);
	h = harness_get_json(V1 "/history/request/hp/requests?count=2&page=1");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    json_array_get(h, 0), "request"), "instances")), 5);
	json_decref(h);
	http_expect_error(&harness_env, "GET", V1 "/history/request/hp/"
	    "requests?count=-1", NULL, 400, "count");
	http_expect_error(&harness_env, "GET", V1 "/history/request/hp/"
	    "requests?page=0", NULL, 400, "page");
}
END_TEST

struct poster {
	int	first;
	int	failures;
};

static void *
poster_run(void *arg)
{
	struct poster		*p = arg;
	struct http_resp	 resp;
	char			 body[64];
	int			 i;

	for (i = p->first; i < 100; i += 8) {
		snprintf(body, sizeof(body), "{\"id\":\"c%03d\"}", i);
		if (http_do(&harness_env, "POST", V1 "/requests", body,
		    &resp) != 0 || resp.status != 200)
			p->failures++;
		http_resp_free(&resp);
	}
	return (NULL);
}

START_TEST(test_requests_concurrent_creates)
{
	pthread_t	th[8];
	struct poster	p[8];
	json_t		*active;
	int		i, failures = 0;

	for (i = 0; i < 8; i++) {
		p[i] = (struct poster){ .first = i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, poster_run,
		    &p[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		failures += p[i].failures;
	}
	ck_assert_int_eq(failures, 0);
	active = harness_get_json(V1 "/requests/active");
	ck_assert_int_eq(json_array_size(active), 100);
	json_decref(active);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM request_history"),
	    100);
}
END_TEST

Suite *
requests_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("api"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_requests_create_seed_example),
		FIXTURE_TEST(test_requests_round_trip_every_field),
		FIXTURE_TEST(test_requests_type_inference),
		FIXTURE_TEST(test_requests_validation_changes_nothing),
		FIXTURE_TEST(test_requests_update_writes_history),
		FIXTURE_TEST(test_requests_pause_unpause),
		FIXTURE_TEST(test_requests_pause_queues_cleanup_and_blocks_post),
		FIXTURE_TEST(test_requests_delete_and_recreate),
		FIXTURE_TEST(test_requests_delete_paused),
		FIXTURE_TEST(test_requests_timed_pause_is_shown_and_cancelled),
		FIXTURE_TEST(test_requests_bounce_run_need_a_deploy),
		FIXTURE_TEST(test_requests_scale),
		FIXTURE_TEST(test_requests_lists_ids_batch_filter),
		FIXTURE_TEST(test_requests_history_paging),
		FIXTURE_TEST(test_requests_concurrent_creates),
		FIXTURE_END
	};

	return (fixture_suite("requests", tests));
}
