/*
 * auth = token on the real daemons (issue 16): 401 without a known token
 * (either header form), 403 per role on requests, deploys, tasks, their
 * sandboxes and actions, lists that leave out what a user may not read,
 * admin-only endpoints, GET /auth/user, ?user= ignored; and apid's
 * refusals to start: a tokens file others may read, an open address
 * without auth.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <nettle/sha2.h>

#include "fixture.h"
#include "harness.h"

Suite	*auth_suite(void);

#define V1	"/singularity/v1"

/* Users, their groups, and the groups the config makes special. */
static const char *const auth_users[][2] = {
	{ "admin", "admins" }, { "alice", "web" }, { "bob", "db" },
	{ "reader", "auditors" }, { "carol", "qa" }
};
#define AUTH_CONF							\
	"admin_groups = admins\nread_only_groups = auditors\n"

static char	auth_tokens_path[PATH_MAX];

/* The tokens file: "tok-USER" hashed, one line per user, with mode. */
static void
auth_write_tokens(const char *path, mode_t mode)
{
	struct sha256_ctx	 ctx;
	uint8_t			 d[SHA256_DIGEST_SIZE];
	char			 tok[64];
	FILE			*f;
	size_t			 i, k;

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "# kerr tokens\n\n");
	for (i = 0; i < sizeof(auth_users) / sizeof(auth_users[0]); i++) {
		snprintf(tok, sizeof(tok), "tok-%s", auth_users[i][0]);
		sha256_init(&ctx);
		sha256_update(&ctx, strlen(tok), (const uint8_t *)tok);
		sha256_digest(&ctx, sizeof(d), d);
		for (k = 0; k < sizeof(d); k++)
			fprintf(f, "%02x", d[k]);
		fprintf(f, " %s %s\n", auth_users[i][0], auth_users[i][1]);
	}
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
as(const char *user)
{
	snprintf(harness_env.authorization, sizeof(harness_env.authorization),
	    "Bearer tok-%s", user);
}

static void
auth_setup(void)
{
	char	conf[PATH_MAX + 256];
	int	fd;

	snprintf(auth_tokens_path, sizeof(auth_tokens_path),
	    "/tmp/kerr-tokens.XXXXXX");
	fd = mkstemp(auth_tokens_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	auth_write_tokens(auth_tokens_path, 0600);
	snprintf(conf, sizeof(conf), "auth = token\ntokens_file = %s\n"
	    AUTH_CONF, auth_tokens_path);
	harness_setup_with(conf);
	as("admin");
}

static void
auth_teardown(void)
{
	harness_teardown();
	(void)unlink(auth_tokens_path);
}

static long
auth_status(const char *method, const char *path, const char *body)
{
	struct http_resp	resp;
	long			status;

	ck_assert_int_eq(http_do(&harness_env, method, path, body, &resp), 0);
	status = resp.status;
	http_resp_free(&resp);
	return (status);
}

/* request id (group g when not NULL, then more members) as admin. */
static void
auth_request(const char *id, const char *more)
{
	char	body[512];

	as("admin");
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"requestType\":"
	    "\"WORKER\",\"instances\":1%s}", id, more != NULL ? more : "");
	harness_post_ok(V1 "/requests", body);
}

START_TEST(test_auth_401_without_a_known_token)
{
	harness_env.authorization[0] = '\0';
	http_expect_error(&harness_env, "GET", V1 "/requests", NULL, 401,
	    "No token");
	http_expect_error(&harness_env, "POST", V1 "/requests",
	    "{\"id\":\"x\",\"requestType\":\"WORKER\"}", 401, "No token");
	http_expect_error(&harness_env, "GET", V1 "/no/such/path", NULL, 401,
	    "No token");
	as("nobody");
	http_expect_error(&harness_env, "GET", V1 "/state", NULL, 401,
	    "Unknown token");
	/* Singularity's clients send the bare token. */
	snprintf(harness_env.authorization, sizeof(harness_env.authorization),
	    "tok-alice");
	ck_assert_int_eq(auth_status("GET", V1 "/state", NULL), 200);
	/* /metrics too: a token, of any user. */
	ck_assert_int_eq(auth_status("GET", "/metrics", NULL), 200);
	harness_env.authorization[0] = '\0';
	ck_assert_int_eq(auth_status("GET", "/metrics", NULL), 401);
	/* Outside the API root and /metrics: nothing to hide. */
	ck_assert_int_eq(auth_status("GET", "/elsewhere", NULL), 404);
	as("admin");
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests"), 0);
}
END_TEST

/* Does the list at path name id (as request.id or a bare id)? */
static int
auth_lists(const char *path, const char *id)
{
	json_t	*list = harness_get_json(path), *e;
	size_t	 i;
	int	 found = 0;

	json_array_foreach(list, i, e) {
		const char *v = json_is_string(e) ? json_string_value(e) :
		    json_string_value(json_object_get(json_object_get(e,
		    "request"), "id"));

		if (v != NULL && strcmp(v, id) == 0)
			found = 1;
	}
	json_decref(list);
	return (found);
}

START_TEST(test_auth_requests_by_group)
{
	json_t	*h;

	auth_request("web-app", ",\"group\":\"web\"");
	auth_request("db-app", ",\"group\":\"db\"");
	auth_request("open", NULL);
	auth_request("shared", ",\"group\":\"web\",\"readOnlyGroups\":"
	    "[\"qa\"]");
	as("alice");
	ck_assert_int_eq(auth_status("GET", V1 "/requests/request/web-app",
	    NULL), 200);
	http_expect_error(&harness_env, "GET", V1 "/requests/request/db-app",
	    NULL, 403, "User alice may not read request db-app");
	http_expect_error(&harness_env, "POST",
	    V1 "/requests/request/db-app/pause", "{}", 403,
	    "User alice may not change request db-app");
	ck_assert_int_eq(auth_status("PUT", V1 "/requests/request/web-app/"
	    "scale", "{\"instances\":2}"), 200);
	ck_assert_int_eq(auth_status("POST", V1 "/requests/request/open/"
	    "pause", "{}"), 200);
	ck_assert(auth_lists(V1 "/requests", "web-app"));
	ck_assert(auth_lists(V1 "/requests", "open"));
	ck_assert(!auth_lists(V1 "/requests", "db-app"));
	ck_assert(!auth_lists(V1 "/requests/ids", "db-app"));
	ck_assert(auth_lists(V1 "/requests/ids", "shared"));
	/* A new request must be in one of the caller's groups. */
	http_expect_error(&harness_env, "POST", V1 "/requests",
	    "{\"id\":\"sneaky\",\"requestType\":\"WORKER\",\"group\":\"db\"}",
	    403, "User alice may not create request sneaky");
	/* ?user= is the token's user, whatever the query says. */
	ck_assert_int_eq(auth_status("POST", V1 "/requests?user=mallory",
	    "{\"id\":\"mine\",\"requestType\":\"WORKER\",\"group\":\"web\"}"),
	    200);
	as("admin");
	h = harness_get_json(V1 "/history/request/mine/requests");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(h,
	    0), "user")), "alice");
	json_decref(h);
	/* readOnlyGroups read and change nothing. */
	as("carol");
	ck_assert_int_eq(auth_status("GET", V1 "/requests/request/shared",
	    NULL), 200);
	http_expect_error(&harness_env, "DELETE", V1 "/requests/request/shared",
	    NULL, 403, "User carol may not change request shared");
	ck_assert_int_eq(auth_status("GET", V1 "/requests/request/web-app",
	    NULL), 403);
	/* read_only_groups read everything and change nothing. */
	as("reader");
	ck_assert_int_eq(auth_status("GET", V1 "/requests/request/db-app",
	    NULL), 200);
	ck_assert(auth_lists(V1 "/requests", "db-app"));
	ck_assert_int_eq(auth_status("POST", V1 "/requests/request/db-app/"
	    "bounce", "{}"), 403);
	ck_assert_int_eq(auth_status("POST", V1 "/requests",
	    "{\"id\":\"r2\",\"requestType\":\"WORKER\"}"), 403);
	as("admin");
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE"
	    " id IN ('sneaky', 'r2')"), 0);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE"
	    " id = 'db-app' AND state = 'ACTIVE'"), 1);
}
END_TEST

static void
auth_task_of(const char *request, char *buf, size_t len)
{
	char	sql[256];

	snprintf(sql, sizeof(sql), "SELECT task_id FROM tasks WHERE"
	    " request_id = '%s' AND active = 1", request);
	harness_sql_text(&harness_env, sql, buf, len);
}

/* Does a task list name a task of request? */
static int
auth_task_listed(const char *path, const char *request)
{
	json_t	*list = harness_get_json(path), *e;
	size_t	 i;
	int	 found = 0;

	json_array_foreach(list, i, e) {
		const char *r = json_string_value(json_object_get(
		    json_object_get(e, "taskId"), "requestId"));

		if (r == NULL)
			r = json_string_value(json_object_get(e, "requestId"));
		if (r != NULL && strcmp(r, request) == 0)
			found = 1;
	}
	json_decref(list);
	return (found);
}

START_TEST(test_auth_deploys_tasks_and_sandboxes)
{
	char	web[256], db[256], path[512];

	auth_request("web-app", ",\"group\":\"web\"");
	auth_request("db-app", ",\"group\":\"db\"");
	as("alice");
	http_expect_error(&harness_env, "POST", V1 "/deploys",
	    "{\"deploy\":{\"requestId\":\"db-app\",\"id\":\"d1\","
	    "\"command\":\"sleep 1000\"}}", 403,
	    "User alice may not change request db-app");
	harness_deploy("web-app", "d1", "echo hello from web; sleep 1000",
	    NULL);
	as("bob");
	harness_deploy("db-app", "d1", "sleep 1000", NULL);
	as("admin");
	harness_wait_tasks("web-app", "TASK_RUNNING", 1, 20);
	harness_wait_tasks("db-app", "TASK_RUNNING", 1, 20);
	auth_task_of("web-app", web, sizeof(web));
	auth_task_of("db-app", db, sizeof(db));
	as("alice");
	ck_assert(auth_task_listed(V1 "/tasks/active", "web-app"));
	ck_assert(!auth_task_listed(V1 "/tasks/active", "db-app"));
	ck_assert(!auth_task_listed(V1 "/tasks/active/ids", "db-app"));
	snprintf(path, sizeof(path), V1 "/tasks/task/%s", db);
	ck_assert_int_eq(auth_status("GET", path, NULL), 403);
	snprintf(path, sizeof(path), V1 "/history/task/%s", db);
	ck_assert_int_eq(auth_status("GET", path, NULL), 403);
	snprintf(path, sizeof(path), V1 "/sandbox/%s/browse", db);
	http_expect_error(&harness_env, "GET", path, NULL, 403,
	    "User alice may not read request db-app");
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout"
	    "&offset=0", web);
	json_decref(harness_wait_json(path, harness_has_data,
	    "hello from web", 5000));
	snprintf(path, sizeof(path), V1 "/tasks/task/%s", db);
	http_expect_error(&harness_env, "DELETE", path, NULL, 403,
	    "User alice may not change request db-app");
	as("reader");
	snprintf(path, sizeof(path), V1 "/tasks/task/%s", web);
	ck_assert_int_eq(auth_status("GET", path, NULL), 200);
	ck_assert_int_eq(auth_status("DELETE", path, NULL), 403);
	as("alice");
	ck_assert_int_eq(auth_status("DELETE", path, NULL), 200);
	as("admin");
	harness_wait_tasks("web-app", "TASK_KILLED", 1, 20);
	ck_assert_int_eq(harness_tasks("db-app", "TASK_RUNNING"), 1);
}
END_TEST

START_TEST(test_auth_admin_only_and_auth_user)
{
	json_t	*u;

	as("alice");
	http_expect_error(&harness_env, "POST", V1 "/webhooks",
	    "{\"uri\":\"http://127.0.0.1:9/x\",\"type\":\"REQUEST\"}", 403,
	    "admins only");
	ck_assert_int_eq(auth_status("GET", V1 "/disasters/stats", NULL), 403);
	ck_assert_int_eq(auth_status("POST", V1 "/racks/rack/DEFAULT/freeze",
	    "{}"), 403);
	u = harness_get_json(V1 "/auth/user");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(u,
	    "user"), "id")), "alice");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(
	    json_object_get(u, "user"), "groups"), 0)), "web");
	ck_assert(json_is_false(json_object_get(json_object_get(u, "user"),
	    "admin")));
	ck_assert(json_is_true(json_object_get(u, "authEnabled")));
	json_decref(u);
	as("admin");
	ck_assert_int_eq(auth_status("POST", V1 "/webhooks",
	    "{\"uri\":\"http://127.0.0.1:9/x\",\"type\":\"REQUEST\"}"), 200);
	u = harness_get_json(V1 "/auth/user");
	ck_assert(json_is_true(json_object_get(json_object_get(u, "user"),
	    "admin")));
	json_decref(u);
}
END_TEST

/* build/kerr ARGS with KERR_TOKEN=tok-USER ("" for none): its exit
 * status, and its stdout and stderr together in out. */
static int
auth_kerr(const char *user, const char *args, char *out, size_t len)
{
	char	 cmd[2 * PATH_MAX];
	size_t	 n;
	FILE	*p;
	int	 status;

	snprintf(cmd, sizeof(cmd), "env -u SINGULARITY_URL KERR_URL="
	    "http://127.0.0.1:%d" V1 " KERR_TOKEN=%s%s %s/kerr %s 2>&1",
	    harness_env.port, user[0] != '\0' ? "tok-" : "", user,
	    harness_env.build_dir, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The kerr command carries KERR_TOKEN and sees what its user may. */
START_TEST(test_auth_kerr_command)
{
	char	out[8192];

	auth_request("web-app", ",\"group\":\"web\"");
	auth_request("db-app", ",\"group\":\"db\"");
	ck_assert_int_eq(auth_kerr("alice", "ls -o json", out, sizeof(out)),
	    0);
	ck_assert_msg(strstr(out, "web-app") != NULL &&
	    strstr(out, "db-app") == NULL, "kerr ls as alice: %s", out);
	ck_assert_int_eq(auth_kerr("alice", "pause db-app", out, sizeof(out)),
	    1);
	ck_assert_msg(strstr(out, "may not change request db-app") != NULL,
	    "%s", out);
	ck_assert_int_eq(auth_kerr("", "ls", out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "No token") != NULL, "%s", out);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE"
	    " state = 'PAUSED'"), 0);
}
END_TEST

/* apid alone on env's config: it must exit, saying why in its log. */
static void
auth_apid_refuses(struct kerr_env *env, const char *needle)
{
	char	 log[PATH_MAX + 32], *text;
	pid_t	 pid;
	int	 status;

	pid = harness_spawn(env, HARNESS_APID);
	ck_assert_msg(harness_wait_pid(pid, 10000, &status) == 1,
	    "kerr-apid kept running");
	env->pid[HARNESS_APID] = 0;
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0);
	snprintf(log, sizeof(log), "%s/kerr-apid.log", env->dir);
	text = fixture_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, needle) != NULL, "log: %s", text);
	free(text);
}

START_TEST(test_auth_refuses_readable_tokens)
{
	char	conf[PATH_MAX + 64];

	snprintf(auth_tokens_path, sizeof(auth_tokens_path),
	    "/tmp/kerr-tokens-open.%d", (int)getpid());
	auth_write_tokens(auth_tokens_path, 0644);
	snprintf(conf, sizeof(conf), "auth = token\ntokens_file = %s\n",
	    auth_tokens_path);
	harness_prepare(&harness_env, conf);
	auth_apid_refuses(&harness_env, "may be read or written by other "
	    "users (mode 0644)");
	(void)unlink(auth_tokens_path);
	harness_cleanup(&harness_env);
}
END_TEST

START_TEST(test_auth_refuses_open_address)
{
	harness_prepare(&harness_env, "listen_address = 0.0.0.0\n");
	auth_apid_refuses(&harness_env, "Refusing to serve the API on 0.0.0.0"
	    " with auth = none");
	harness_cleanup(&harness_env);
	/* Said on purpose, it serves. */
	harness_prepare(&harness_env, "listen_address = 0.0.0.0\n"
	    "allow_unauthenticated = true\n");
	harness_spawn(&harness_env, HARNESS_APID);
	harness_wait_api(&harness_env);
	harness_cleanup(&harness_env);
}
END_TEST

Suite *
auth_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("roles"),
		FIXTURE_CHECKED(auth_setup, auth_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_auth_401_without_a_known_token),
		FIXTURE_TEST(test_auth_requests_by_group),
		FIXTURE_TEST(test_auth_deploys_tasks_and_sandboxes),
		FIXTURE_TEST(test_auth_admin_only_and_auth_user),
		FIXTURE_TEST(test_auth_kerr_command),
		FIXTURE_CASE("refusals"),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_auth_refuses_readable_tokens),
		FIXTURE_TEST(test_auth_refuses_open_address),
		FIXTURE_END
	};

	return (fixture_suite("auth", tests));
}
