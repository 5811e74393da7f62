/*
 * Deploy artifacts on the real daemons (spec 4.1): uris fetched into the
 * sandbox before the command starts, from a real HTTP server started by
 * the test (kerr-test-httpd in its file mode) and from file://: a tarball
 * unpacked and its script run as the command, an executable single file
 * under its outputFile, run-now extraArtifacts, a SingularityExecutor
 * deploy's embedded and external artifacts (md5 right and wrong); a 404
 * and an archive that tries to leave the sandbox end the task TASK_FAILED
 * naming the artifact and the cause; executorData kerr cannot honour is
 * a 400 that stores nothing.
 */
#include <sys/stat.h>

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*artifacts_suite(void);

#define V1	"/singularity/v1"

static int	artifacts_port;
static pid_t	artifacts_pid = -1;
static char	artifacts_www[PATH_MAX];


/* A file in the served directory. */
static void
artifacts_file(const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", artifacts_www, name);
	fixture_write_file(path, text);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* sh -c cmd in the served directory; it must succeed. */
static void
artifacts_sh(const char *fmt, const char *arg)
{
	char cmd[2 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cd '%s' && ", artifacts_www);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), fmt, arg);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

static void
artifacts_setup(void)
{
	char	bin[PATH_MAX], port[16], log[PATH_MAX];
	char	*argv[] = { bin, port, "files", artifacts_www, log, NULL };

	harness_setup();
	snprintf(artifacts_www, sizeof(artifacts_www), "%s/www",
	    harness_env.dir);
	ck_assert_int_eq(mkdir(artifacts_www, 0755), 0);
	/* The sandbox's user (nobody, as root) reads the test's files. */
	ck_assert_int_eq(chmod(harness_env.dir, 0755), 0);
	artifacts_port = harness_free_port();
	snprintf(bin, sizeof(bin), "%s/kerr-test-httpd", harness_env.build_dir);
	snprintf(port, sizeof(port), "%d", artifacts_port);
	snprintf(log, sizeof(log), "%s/served.log", harness_env.dir);
	artifacts_pid = harness_spawn_argv(&harness_env, argv);
	ck_assert_msg(harness_wait_port(artifacts_port, 5000),
	    "the file server does not listen");
}

static void
artifacts_teardown(void)
{
	if (artifacts_pid > 0) {
		(void)kill(artifacts_pid, SIGKILL);
		(void)harness_wait_pid(artifacts_pid, 2000, NULL);
	}
	artifacts_pid = -1;
	harness_teardown();
}

/* The last update message of request's only task. */
static void
artifacts_last_message(const char *request, char *buf, size_t len)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce(message, '') FROM"
	    " task_updates WHERE task_id = (SELECT task_id FROM tasks WHERE"
	    " request_id = '%s') ORDER BY seq DESC LIMIT 1", request);
	harness_sql_text(&harness_env, sql, buf, len);
}

START_TEST(test_artifacts_tarball_runs)
{
	char	extra[512], path[512], task[256];
	json_t	*h, *u;
	size_t	 i;
	int	 fetching = 0;

	artifacts_file("run.sh", "echo ran from the tarball\n", 0755);
	artifacts_sh("tar czf app.tar.gz %s", "run.sh");
	snprintf(extra, sizeof(extra), ",\"uris\":[{\"uri\":\"http://"
	    "127.0.0.1:%d/app.tar.gz\",\"extract\":true}]", artifacts_port);
	harness_request("tar", "RUN_ONCE", 1);
	harness_deploy("tar", "d1", "sh ./run.sh", extra);
	harness_wait_tasks("tar", "TASK_FINISHED", 1, 20);
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks WHERE"
	    " request_id = 'tar'", task, sizeof(task));
	snprintf(path, sizeof(path), V1 "/sandbox/%s/read?path=stdout"
	    "&offset=0", task);
	json_decref(harness_wait_json(path, harness_has_data,
	    "ran from the tarball", 5000));
	/* TASK_STARTING named what it fetched. */
	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	h = harness_get_json(path);
	json_array_foreach(json_object_get(h, "taskUpdates"), i, u)
		if (strcmp(json_string_value(json_object_get(u, "taskState")),
		    "TASK_STARTING") == 0 && json_string_value(
		    json_object_get(u, "statusMessage")) != NULL &&
		    strcmp(json_string_value(json_object_get(u,
		    "statusMessage")), "Fetching app.tar.gz") == 0)
			fetching = 1;
	json_decref(h);
	ck_assert_msg(fetching, "no TASK_STARTING 'Fetching app.tar.gz'");
}
END_TEST

START_TEST(test_artifacts_executable_output_file)
{
	char extra[512];

	artifacts_file("tool", "#!/bin/sh\necho tool says $1\n", 0644);
	snprintf(extra, sizeof(extra), ",\"uris\":[{\"uri\":\"http://"
	    "127.0.0.1:%d/tool\",\"outputFile\":\"mytool\",\"executable\":"
	    "true}]", artifacts_port);
	harness_request("exe", "RUN_ONCE", 1);
	harness_deploy("exe", "d1", "./mytool hi > out.txt && grep -q "
	    "'tool says hi' out.txt", extra);
	harness_wait_tasks("exe", "TASK_FINISHED", 1, 20);
}
END_TEST

START_TEST(test_artifacts_run_now_extra)
{
	char body[PATH_MAX + 128];

	artifacts_file("data.txt", "payload\n", 0644);
	harness_post_ok(V1 "/requests", "{\"id\":\"od\",\"requestType\":"
	    "\"ON_DEMAND\"}");
	harness_deploy("od", "d1", "grep -q payload data.txt", NULL);
	usleep(400000);
	snprintf(body, sizeof(body), "{\"extraArtifacts\":[{\"uri\":"
	    "\"file://%s/data.txt\"}]}", artifacts_www);
	harness_post_ok(V1 "/requests/request/od/run", body);
	harness_wait_tasks("od", "TASK_FINISHED", 1, 20);
}
END_TEST

START_TEST(test_artifacts_404_fails)
{
	char extra[512], msg[512];

	snprintf(extra, sizeof(extra), ",\"uris\":[\"http://127.0.0.1:%d/"
	    "missing.tar.gz\"]", artifacts_port);
	harness_request("gone", "RUN_ONCE", 1);
	harness_deploy("gone", "d1", "true", extra);
	harness_wait_tasks("gone", "TASK_FAILED", 1, 20);
	artifacts_last_message("gone", msg, sizeof(msg));
	ck_assert_msg(strstr(msg, "Failed to fetch artifact missing.tar.gz: "
	    "HTTP 404") == msg, "message: %s", msg);
}
END_TEST

START_TEST(test_artifacts_escape_refused)
{
	char	extra[512], msg[512], outside[PATH_MAX];

	/* An entry with "..": it would land beside the sandbox. */
	artifacts_file("evil.txt", "owned\n", 0644);
	artifacts_sh("tar czf evil.tar.gz --transform 's,^,../../,' %s",
	    "evil.txt");
	snprintf(extra, sizeof(extra), ",\"uris\":[{\"uri\":\"http://"
	    "127.0.0.1:%d/evil.tar.gz\",\"extract\":true}]", artifacts_port);
	harness_request("evil", "RUN_ONCE", 1);
	harness_deploy("evil", "d1", "true", extra);
	harness_wait_tasks("evil", "TASK_FAILED", 1, 20);
	artifacts_last_message("evil", msg, sizeof(msg));
	ck_assert_msg(strstr(msg, "Failed to fetch artifact evil.tar.gz: ") ==
	    msg, "message: %s", msg);
	snprintf(outside, sizeof(outside), "%s/state/evil.txt",
	    harness_env.dir);
	ck_assert_int_ne(access(outside, F_OK), 0);
}
END_TEST

/* Requests the file server saw for path. */
static int
artifacts_served(const char *path)
{
	char	log[PATH_MAX], want[256], *text, *p;
	int	n = 0;

	snprintf(log, sizeof(log), "%s/served.log", harness_env.dir);
	snprintf(want, sizeof(want), "GET %s ", path);
	if ((text = fixture_read_file(log, NULL)) == NULL)
		return (0);
	for (p = text; (p = strstr(p, want)) != NULL; p++)
		n++;
	free(text);
	return (n);
}

/* Marked "cache": a second deploy takes it from the cache. */
START_TEST(test_artifacts_cache_hit)
{
	char extra[512];

	artifacts_file("lib.txt", "cached payload\n", 0644);
	snprintf(extra, sizeof(extra), ",\"uris\":[{\"uri\":\"http://"
	    "127.0.0.1:%d/lib.txt\",\"cache\":true}]", artifacts_port);
	harness_request("c1", "RUN_ONCE", 1);
	harness_deploy("c1", "d1", "grep -q 'cached payload' lib.txt", extra);
	harness_wait_tasks("c1", "TASK_FINISHED", 1, 20);
	ck_assert_int_eq(artifacts_served("/lib.txt"), 1);
	harness_request("c2", "RUN_ONCE", 1);
	harness_deploy("c2", "d1", "grep -q 'cached payload' lib.txt", extra);
	harness_wait_tasks("c2", "TASK_FINISHED", 1, 20);
	ck_assert_int_eq(artifacts_served("/lib.txt"), 1);
	/* Not marked: downloaded each time. */
	snprintf(extra, sizeof(extra), ",\"uris\":[\"http://127.0.0.1:%d/"
	    "lib.txt\"]", artifacts_port);
	harness_request("c3", "RUN_ONCE", 1);
	harness_deploy("c3", "d1", "grep -q 'cached payload' lib.txt", extra);
	harness_wait_tasks("c3", "TASK_FINISHED", 1, 20);
	ck_assert_int_eq(artifacts_served("/lib.txt"), 2);
}
END_TEST

/* POST /deploys of a SingularityExecutor deploy with executorData data. */
static void
artifacts_executor_deploy(const char *request, const char *data)
{
	char	body[4096];

	snprintf(body, sizeof(body), "{\"deploy\":{\"requestId\":\"%s\","
	    "\"id\":\"d1\",\"customExecutorCmd\":"
	    "\"/usr/local/bin/singularity-executor\",\"executorData\":%s}}",
	    request, data);
	harness_post_ok(V1 "/deploys", body);
}

/* The content is written under its filename; cmd runs with the extra
 * arguments; the deploy keeps executorData as posted. */
START_TEST(test_artifacts_embedded)
{
	json_t	*d, *a;

	harness_request("emb", "RUN_ONCE", 1);
	artifacts_executor_deploy("emb", "{\"cmd\":\"grep -q\","
	    "\"extraCmdLineArgs\":[\"hello embedded\",\"greeting.txt\"],"
	    "\"embeddedArtifacts\":[{\"name\":\"greeting\",\"filename\":"
	    "\"greeting.txt\",\"content\":\"aGVsbG8gZW1iZWRkZWQK\","
	    "\"md5sum\":\"6660a0fafe1fd627492d1534d67d61ae\"}]}");
	harness_wait_tasks("emb", "TASK_FINISHED", 1, 20);
	d = harness_get_json(V1 "/history/request/emb/deploy/d1");
	a = json_array_get(json_object_get(json_object_get(json_object_get(
	    d, "deploy"), "executorData"), "embeddedArtifacts"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "filename")),
	    "greeting.txt");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    d, "deploy"), "customExecutorCmd")),
	    "/usr/local/bin/singularity-executor");
	json_decref(d);
}
END_TEST

/* Downloaded with its md5 checked: the right one runs, a wrong one
 * fails the task naming both sums. */
START_TEST(test_artifacts_external_md5)
{
	char	data[1024], msg[512];

	artifacts_file("ext.txt", "external payload\n", 0644);
	snprintf(data, sizeof(data), "{\"cmd\":\"grep -q payload ext.txt\","
	    "\"externalArtifacts\":[{\"name\":\"ext\",\"filename\":"
	    "\"ext.txt\",\"url\":\"http://127.0.0.1:%d/ext.txt\","
	    "\"md5sum\":\"890253875350a0f9cc2f88cf6a63f803\","
	    "\"filesize\":17}]}", artifacts_port);
	harness_request("ext", "RUN_ONCE", 1);
	artifacts_executor_deploy("ext", data);
	harness_wait_tasks("ext", "TASK_FINISHED", 1, 20);
	snprintf(data, sizeof(data), "{\"cmd\":\"true\","
	    "\"externalArtifacts\":[{\"filename\":\"ext.txt\",\"url\":"
	    "\"http://127.0.0.1:%d/ext.txt\",\"md5sum\":"
	    "\"00000000000000000000000000000000\"}]}", artifacts_port);
	harness_request("bad", "RUN_ONCE", 1);
	artifacts_executor_deploy("bad", data);
	harness_wait_tasks("bad", "TASK_FAILED", 1, 20);
	artifacts_last_message("bad", msg, sizeof(msg));
	ck_assert_msg(strcmp(msg, "Failed to fetch artifact ext.txt: md5 "
	    "890253875350a0f9cc2f88cf6a63f803, expected "
	    "00000000000000000000000000000000") == 0, "message: %s", msg);
}
END_TEST

/* What kerr cannot honour is refused whole: 400, no deploy stored. */
START_TEST(test_artifacts_executor_refused)
{
	static const struct {
		const char	*deploy;
		const char	*needle;
	} bad[] = {
		{ "\"command\":\"true\",\"customExecutorCmd\":\"x\","
		    "\"executorData\":{\"cmd\":\"true\"}",
		    "specify executorData and customExecutorCmd and no command" },
		{ "\"executorData\":{\"cmd\":\"true\"}",
		    "specify executorData and customExecutorCmd and no command" },
		{ "\"command\":\"true\",\"customExecutorCmd\":\"x\"",
		    "customExecutorCmd is set without executorData" },
		{ "\"customExecutorCmd\":\"x\",\"executorData\":{\"cmd\":"
		    "\"true\",\"s3Artifacts\":[{\"s3Bucket\":\"b\"}]}",
		    "executorData.s3Artifacts are not supported" },
		{ "\"customExecutorCmd\":\"x\",\"executorData\":{\"cmd\":"
		    "\"true\",\"embeddedArtifacts\":[{\"filename\":\"a\","
		    "\"content\":\"not base64!\"}]}",
		    "executorData.embeddedArtifacts[0].content is not base64" },
		{ "\"customExecutorCmd\":\"x\",\"executorData\":{\"cmd\":"
		    "\"true\",\"externalArtifacts\":[{\"filename\":"
		    "\"../up\",\"url\":\"http://h/x\"}]}",
		    "executorData.externalArtifacts[0].filename '../up'" },
		{ "\"command\":\"true\",\"uris\":[{\"uri\":\"http://h/x\","
		    "\"outputFile\":\"stdout\"}]",
		    "uris[0].outputFile 'stdout'" }
	};
	char	body[1024];
	size_t	i;

	harness_request("no", "RUN_ONCE", 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"deploy\":{\"requestId\":"
		    "\"no\",\"id\":\"d%zu\",%s}}", i, bad[i].deploy);
		http_expect_error(&harness_env, "POST", V1 "/deploys", body, 400,
		    bad[i].needle);
	}
	ck_assert_int_eq(harness_count("SELECT count(*) FROM deploys"), 0);
}
END_TEST

Suite *
artifacts_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("artifacts"),
		FIXTURE_CHECKED(artifacts_setup, artifacts_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_artifacts_tarball_runs),
		FIXTURE_TEST(test_artifacts_executable_output_file),
		FIXTURE_TEST(test_artifacts_run_now_extra),
		FIXTURE_TEST(test_artifacts_404_fails),
		FIXTURE_TEST(test_artifacts_escape_refused),
		FIXTURE_TEST(test_artifacts_cache_hit),
		FIXTURE_TEST(test_artifacts_embedded),
		FIXTURE_TEST(test_artifacts_external_md5),
		FIXTURE_TEST(test_artifacts_executor_refused),
		FIXTURE_END
	};

	return (fixture_suite("artifacts", tests));
}
