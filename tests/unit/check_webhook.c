/*
 * Unit tests for common/model/webhook.c (types, URI checks, Singularity's
 * webhook ids, placeholders, retry delays) and for the webhook queues of
 * the store (db_webhook.c and the v9 triggers): which history rows queue
 * what for which webhook, the payloads, the cap and its drop count, and
 * the delivery bookkeeping.  The store tests open a fresh database in a
 * checked fixture, so the connection is made in check's forked child.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "db.h"
#include "db_deploy.h"
#include "db_request.h"
#include "db_task.h"
#include "db_webhook.h"
#include "fixture.h"
#include "webhook.h"

Suite	*webhook_suite(void);

/* ---- the model ---- */

START_TEST(test_webhook_types)
{
	ck_assert(webhook_type_ok("REQUEST"));
	ck_assert(webhook_type_ok("DEPLOY"));
	ck_assert(webhook_type_ok("TASK"));
	ck_assert(!webhook_type_ok("CRASHLOOP"));
	ck_assert(!webhook_type_ok("task"));
	ck_assert(!webhook_type_ok(NULL));
	ck_assert(webhook_type_unsupported("CRASHLOOP"));
	ck_assert(webhook_type_unsupported("ELEVATED_ACCESS"));
	ck_assert(!webhook_type_unsupported("TASK"));
	ck_assert(!webhook_type_unsupported("BOGUS"));
}
END_TEST

START_TEST(test_webhook_id_is_java_url_encoding)
{
	char *id;

	id = webhook_id("REQUEST", "http://h:8080/a b?x=1&y=$Z~*._-\xc3\xa9");
	ck_assert_ptr_nonnull(id);
	ck_assert_str_eq(id, "REQUEST-http%3A%2F%2Fh%3A8080%2Fa+b%3Fx%3D1%26y%3D"
	    "%24Z%7E*._-%C3%A9");
	free(id);
}
END_TEST

static const char *const check_webhook_good_uris[] = {
	"http://127.0.0.1:5000/x", "https://h", "HTTP://h/p?q=1#f",
	"http://u:p@h:1/", "http://[::1]:80/x", "http://[::1]",
	"http://h/$REQUEST_ID/$TASK_ID", "http://h:/x", "http://h/%2Fa",
};

static const struct {
	const char	*uri;
	const char	*why;		/* a word of the reason */
} check_webhook_bad_uris[] = {
	{ "", "empty" }, { "ftp://h/x", "http" }, { "/relative", "http" },
	{ "h/x", "http" }, { "http://", "no host" }, { "http:///x", "no host" },
	{ "http://u@/x", "no host" }, { "http://:80/x", "no host" },
	{ "http://h:0/", "port" }, { "http://h:65536/", "port" },
	{ "http://h:8x/", "port" }, { "http://h/a b", "space" },
	{ "http://h/\x01", "control" }, { "http://h/\xc3\xa9", "non-ASCII" },
	{ "http://h/{x}", "<>" }, { "http://h/%zz", "hex" },
	{ "http://h/%2", "hex" }, { "http://[::1/x", "']'" },
	{ "http://[::1]x/", "port" },
};

START_TEST(test_webhook_uri_check)
{
	const char	*why;
	char		 longer[WEBHOOK_URI_MAX + 2];
	size_t		 i;

	for (i = 0; i < sizeof(check_webhook_good_uris) /
	    sizeof(check_webhook_good_uris[0]); i++) {
		why = NULL;
		ck_assert_msg(webhook_uri_check(check_webhook_good_uris[i],
		    &why) == 0, "'%s' refused: %s", check_webhook_good_uris[i],
		    why);
	}
	for (i = 0; i < sizeof(check_webhook_bad_uris) /
	    sizeof(check_webhook_bad_uris[0]); i++) {
		why = NULL;
		ck_assert_msg(webhook_uri_check(check_webhook_bad_uris[i].uri,
		    &why) == -EINVAL, "'%s' accepted",
		    check_webhook_bad_uris[i].uri);
		ck_assert_msg(why != NULL && strstr(why,
		    check_webhook_bad_uris[i].why) != NULL,
		    "'%s': '%s' does not say '%s'",
		    check_webhook_bad_uris[i].uri, why,
		    check_webhook_bad_uris[i].why);
	}
	ck_assert_int_eq(webhook_uri_check(NULL, &why), -EINVAL);
	memcpy(longer, "http://h/", 9);
	memset(longer + 9, 'a', sizeof(longer) - 10);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_int_eq(webhook_uri_check(longer, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "2048"));
	longer[sizeof(longer) - 2] = '\0';
	ck_assert_int_eq(webhook_uri_check(longer, &why), 0);
}
END_TEST

START_TEST(test_webhook_uri_expand)
{
	char *s;

	s = webhook_uri_expand("http://h/$REQUEST_ID/$DEPLOY_ID/$TASK_ID?x=$",
	    "r-1", "d.1", "t x/y~");
	ck_assert_str_eq(s, "http://h/r-1/d.1/t%20x%2Fy~?x=$");
	free(s);
	/* A request update has no deploy or task: those stay as written. */
	s = webhook_uri_expand("http://h/$TASK_ID/$REQUEST_ID$REQUEST_ID",
	    "r", NULL, NULL);
	ck_assert_str_eq(s, "http://h/$TASK_ID/rr");
	free(s);
	s = webhook_uri_expand("http://h/plain", "r", "d", "t");
	ck_assert_str_eq(s, "http://h/plain");
	free(s);
	s = webhook_uri_expand("", "r", "d", "t");
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_webhook_retry_delay_doubles_to_max)
{
	static const struct {
		int64_t	failures, want;
	} t[] = {
		{ 0, 0 }, { -3, 0 }, { 1, 1000 }, { 2, 2000 }, { 3, 4000 },
		{ 6, 32000 }, { 7, 60000 }, { 8, 60000 }, { 1000, 60000 },
		{ INT64_MAX, 60000 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_int_eq(webhook_retry_delay_ms(t[i].failures, 1000,
		    60000), t[i].want);
	/* A maximum below the minimum: the minimum wins. */
	ck_assert_int_eq(webhook_retry_delay_ms(5, 500, 100), 500);
	ck_assert_int_eq(webhook_retry_delay_ms(INT64_MAX, INT64_MAX / 3,
	    INT64_MAX), INT64_MAX);
}
END_TEST

/* ---- the queues in the store ---- */

static char		 check_webhook_dir[64];
static struct db	*check_webhook_db;

static void
check_webhook_db_setup(void)
{
	const struct db_options opt = { .busy_timeout_ms = 5000 };
	char path[PATH_MAX];

	fixture_tmpdir("/tmp/kerr-check-webhook-", check_webhook_dir,
	    sizeof(check_webhook_dir));
	snprintf(path, sizeof(path), "%s/kerr.db", check_webhook_dir);
	ck_assert_int_eq(db_open(path, &opt, &check_webhook_db), 0);
	ck_assert_int_eq(db_schema_migrate(check_webhook_db), 0);
}

static void
check_webhook_db_teardown(void)
{
	db_close(check_webhook_db);
	check_webhook_db = NULL;
	fixture_rmtree(check_webhook_dir);
}

/* Add a webhook of type whose id is "<type>-1"; 0 created, 1 existed. */
static int
check_webhook_add(const char *type)
{
	char	 id[64];
	json_t	*w;
	int	 r;

	snprintf(id, sizeof(id), "%s-1", type);
	w = json_pack("{s:s, s:s, s:s, s:i}", "id", id, "uri", "http://h/",
	    "type", type, "timestamp", 1);
	ck_assert_ptr_nonnull(w);
	r = db_webhook_add(check_webhook_db, id, type, w, 1);
	json_decref(w);
	ck_assert_int_ge(r, 0);
	return (r);
}

/* The payloads queued for type's webhook. */
static json_t *
check_webhook_queue(const char *type)
{
	json_t	*q = NULL;
	char	 id[64];

	snprintf(id, sizeof(id), "%s-1", type);
	ck_assert_int_eq(db_webhook_queue(check_webhook_db, id, type, &q), 0);
	return (q);
}

static void
check_webhook_history(const char *event, const char *user)
{
	json_t *req = fixture_json("{'id':'r1','requestType':'WORKER',"
	    "'instances':2,'cpus':0.1}");

	ck_assert_int_eq(db_request_history_add(check_webhook_db, req, event,
	    user, NULL, 42), 0);
	json_decref(req);
}

START_TEST(test_webhook_nothing_queued_without_webhooks)
{
	json_t *list = NULL;

	check_webhook_history("CREATED", NULL);
	ck_assert_int_eq(check_webhook_add("REQUEST"), 0);
	ck_assert_int_eq(check_webhook_add("REQUEST"), 1);	/* existed */
	list = check_webhook_queue("REQUEST");
	ck_assert_int_eq(json_array_size(list), 0);
	json_decref(list);
	/* An unknown id, or a known one asked for as another type: []. */
	ck_assert_int_eq(db_webhook_queue(check_webhook_db, "nope", "REQUEST",
	    &list), 0);
	ck_assert_int_eq(json_array_size(list), 0);
	json_decref(list);
	ck_assert_int_eq(db_webhook_queue(check_webhook_db, "REQUEST-1",
	    "TASK", &list), 0);
	ck_assert_int_eq(json_array_size(list), 0);
	json_decref(list);
}
END_TEST

START_TEST(test_webhook_request_history_queued_as_served)
{
	json_t *queue, *hist = NULL, *want;

	ck_assert_int_eq(check_webhook_add("REQUEST"), 0);
	ck_assert_int_eq(check_webhook_add("DEPLOY"), 0);
	check_webhook_history("CREATED", NULL);
	check_webhook_history("PAUSED", "alice");
	queue = check_webhook_queue("REQUEST");
	ck_assert_int_eq(json_array_size(queue), 2);
	/* The same objects GET .../history/.../requests serves, oldest
	 * first here, newest first there. */
	ck_assert_int_eq(db_request_history_list(check_webhook_db, "r1", 10, 1,
	    &hist), 0);
	ck_assert(json_equal(json_array_get(queue, 0), json_array_get(hist,
	    1)));
	ck_assert(json_equal(json_array_get(queue, 1), json_array_get(hist,
	    0)));
	want = fixture_json("{'createdAt':42,'eventType':'PAUSED','user':"
	    "'alice','request':{'id':'r1','requestType':'WORKER',"
	    "'instances':2,'cpus':0.1}}");
	ck_assert(json_equal(json_array_get(queue, 1), want));
	json_decref(want);
	json_decref(hist);
	json_decref(queue);
	queue = check_webhook_queue("DEPLOY");
	ck_assert_int_eq(json_array_size(queue), 0);
	json_decref(queue);
}
END_TEST

START_TEST(test_webhook_deploy_starting_and_finished_once)
{
	json_t	*deploy, *marker, *result, *queue;

	ck_assert_int_eq(check_webhook_add("DEPLOY"), 0);
	deploy = fixture_json("{'requestId':'r1','id':'d1','command':'x'}");
	marker = fixture_json("{'requestId':'r1','deployId':'d1',"
	    "'timestamp':5}");
	result = fixture_json("{'deployState':'SUCCEEDED',"
	    "'deployFailures':[],'timestamp':9}");
	ck_assert_int_eq(db_deploy_insert(check_webhook_db, deploy, marker, 5),
	    0);
	ck_assert_int_eq(db_deploy_set_result(check_webhook_db, "r1", "d1",
	    result), 0);
	ck_assert_int_eq(db_deploy_set_result(check_webhook_db, "r1", "d1",
	    result), 0);
	queue = check_webhook_queue("DEPLOY");
	ck_assert_int_eq(json_array_size(queue), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(queue,
	    0), "eventType")), "STARTING");
	ck_assert(json_equal(json_object_get(json_array_get(queue, 0),
	    "deploy"), deploy));
	ck_assert(json_equal(json_object_get(json_array_get(queue, 0),
	    "deployMarker"), marker));
	ck_assert_ptr_null(json_object_get(json_array_get(queue, 0),
	    "deployResult"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(queue,
	    1), "eventType")), "FINISHED");
	ck_assert(json_equal(json_object_get(json_array_get(queue, 1),
	    "deployResult"), result));
	json_decref(queue);
	json_decref(result);
	json_decref(marker);
	json_decref(deploy);
}
END_TEST

static void
check_webhook_task(void)
{
	json_t *task = fixture_json("{'taskId':{'id':'r1-d1-1-1-h-DEFAULT',"
	    "'requestId':'r1','deployId':'d1','instanceNo':1,'startedAt':1},"
	    "'mesosTask':{}}");

	ck_assert_int_eq(db_task_insert(check_webhook_db, task, NULL, NULL, 3),
	    0);
	json_decref(task);
}

START_TEST(test_webhook_task_updates_and_their_task)
{
	struct db_webhook_update	 u;
	json_t				*queue, *body, *updates = NULL;

	ck_assert_int_eq(check_webhook_add("TASK"), 0);
	check_webhook_task();
	ck_assert_int_eq(db_task_record_update(check_webhook_db,
	    "r1-d1-1-1-h-DEFAULT", "TASK_FAILED", "boom", "REASON_X", 7), 0);
	queue = check_webhook_queue("TASK");
	ck_assert_int_eq(db_task_updates(check_webhook_db,
	    "r1-d1-1-1-h-DEFAULT", &updates), 0);
	ck_assert(json_equal(queue, updates));
	ck_assert_int_eq(json_array_size(queue), 2);
	ck_assert_ptr_null(json_object_get(json_array_get(queue, 0),
	    "statusMessage"));
	json_decref(updates);
	/* The body sent: SingularityTaskWebhook, the task read now. */
	ck_assert_int_eq(db_webhook_head(check_webhook_db, "TASK-1", &u), 0);
	ck_assert_str_eq(u.request_id, "r1");
	ck_assert_str_eq(u.deploy_id, "d1");
	ck_assert_str_eq(u.task_id, "r1-d1-1-1-h-DEFAULT");
	ck_assert_str_eq(u.uri, "http://h/");
	body = json_loads(u.body, 0, NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert(json_equal(json_object_get(body, "taskUpdate"),
	    json_array_get(queue, 0)));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(body, "task"), "taskId"), "id")),
	    "r1-d1-1-1-h-DEFAULT");
	json_decref(body);
	db_webhook_update_clear(&u);
	json_decref(queue);
}
END_TEST

START_TEST(test_webhook_full_queue_drops_new_updates)
{
	json_t	*queue, *sum = NULL, *drops = NULL;

	ck_assert_int_eq(db_webhook_set_queue_max(check_webhook_db, 2), 0);
	ck_assert_int_eq(check_webhook_add("REQUEST"), 0);
	check_webhook_history("CREATED", NULL);
	check_webhook_history("PAUSED", NULL);
	check_webhook_history("UNPAUSED", NULL);
	check_webhook_history("DELETING", NULL);
	queue = check_webhook_queue("REQUEST");
	ck_assert_int_eq(json_array_size(queue), 2);
	/* The oldest are kept. */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(queue,
	    1), "eventType")), "PAUSED");
	json_decref(queue);
	ck_assert_int_eq(db_webhook_summary(check_webhook_db, &sum), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(sum,
	    0), "queueSize")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(sum,
	    0), "droppedUpdates")), 2);
	json_decref(sum);
	ck_assert_int_eq(db_webhook_drops(check_webhook_db, &drops), 0);
	ck_assert_int_eq(json_array_size(drops), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
	    drops, 0), "newly")), 2);
	json_decref(drops);
	ck_assert_int_eq(db_webhook_drops_logged(check_webhook_db, "REQUEST-1",
	    2), 0);
	ck_assert_int_eq(db_webhook_drops(check_webhook_db, &drops), 0);
	ck_assert_int_eq(json_array_size(drops), 0);
	json_decref(drops);
}
END_TEST

START_TEST(test_webhook_delivery_bookkeeping)
{
	struct db_webhook_update	 u;
	json_t				*due = NULL, *queue;

	ck_assert_int_eq(check_webhook_add("REQUEST"), 0);
	ck_assert_int_eq(db_webhook_due(check_webhook_db, 100, &due), 0);
	ck_assert_int_eq(json_array_size(due), 0);	/* nothing queued */
	json_decref(due);
	check_webhook_history("CREATED", NULL);
	check_webhook_history("PAUSED", NULL);
	ck_assert_int_eq(db_webhook_failed(check_webhook_db, "REQUEST-1", 3,
	    500), 0);
	ck_assert_int_eq(db_webhook_due(check_webhook_db, 499, &due), 0);
	ck_assert_int_eq(json_array_size(due), 0);	/* backing off */
	json_decref(due);
	ck_assert_int_eq(db_webhook_due(check_webhook_db, 500, &due), 0);
	ck_assert_str_eq(json_string_value(json_array_get(due, 0)),
	    "REQUEST-1");
	json_decref(due);
	ck_assert_int_eq(db_webhook_head(check_webhook_db, "REQUEST-1", &u), 0);
	ck_assert_int_eq(u.failures, 3);
	ck_assert_int_eq(u.next_attempt_at, 500);
	ck_assert_ptr_null(u.deploy_id);
	ck_assert_ptr_nonnull(strstr(u.body, "\"CREATED\""));
	ck_assert_int_eq(db_webhook_delivered(check_webhook_db, "REQUEST-1",
	    u.seq), 0);
	db_webhook_update_clear(&u);
	ck_assert_int_eq(db_webhook_head(check_webhook_db, "REQUEST-1", &u), 0);
	ck_assert_int_eq(u.failures, 0);		/* reset */
	ck_assert_ptr_nonnull(strstr(u.body, "\"PAUSED\""));
	db_webhook_update_clear(&u);
	/* Removing the webhook removes its queue. */
	ck_assert_int_eq(db_webhook_remove(check_webhook_db, "REQUEST-1"), 0);
	ck_assert_int_eq(db_webhook_remove(check_webhook_db, "REQUEST-1"), 1);
	ck_assert_int_eq(db_webhook_head(check_webhook_db, "REQUEST-1", &u),
	    -ENOENT);
	ck_assert_int_eq(check_webhook_add("REQUEST"), 0);
	queue = check_webhook_queue("REQUEST");
	ck_assert_int_eq(json_array_size(queue), 0);
	json_decref(queue);
}
END_TEST

Suite *
webhook_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("model"),
		FIXTURE_TEST(test_webhook_types),
		FIXTURE_TEST(test_webhook_id_is_java_url_encoding),
		FIXTURE_TEST(test_webhook_uri_check),
		FIXTURE_TEST(test_webhook_uri_expand),
		FIXTURE_TEST(test_webhook_retry_delay_doubles_to_max),
		FIXTURE_CASE("queues"),
		FIXTURE_CHECKED(check_webhook_db_setup,
		    check_webhook_db_teardown),
		FIXTURE_TEST(test_webhook_nothing_queued_without_webhooks),
		FIXTURE_TEST(test_webhook_request_history_queued_as_served),
		FIXTURE_TEST(test_webhook_deploy_starting_and_finished_once),
		FIXTURE_TEST(test_webhook_task_updates_and_their_task),
		FIXTURE_TEST(test_webhook_full_queue_drops_new_updates),
		FIXTURE_TEST(test_webhook_delivery_bookkeeping),
		FIXTURE_END
	};

	return (fixture_suite("webhook", tests));
}
