/*
 * The kerr command-line client (build/kerr) against the real daemons:
 * every command, --wait to success and to failure, logs -f ending with
 * its task, -o json giving the API's body unchanged, the exit codes
 * (0, 1 with the API's line, 2 for usage), help, and the bearer token.
 * What a command did is checked through the API and the store, not only
 * through what it printed.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*cli_suite(void);

#define V1	HARNESS_V1

struct cli {
	int	 status;		/* exit status; -1 killed */
	char	*out;
	char	*err;
};

static void
cli_free(struct cli *c)
{
	free(c->out);
	free(c->err);
	memset(c, 0, sizeof(*c));
}

/* Run build/kerr with args (NULL-terminated) against this test's apid
 * (through KERR_URL), stdin from /dev/null, its output into c. */
static void
cli_runv(struct cli *c, const char *url, const char *const *args)
{
	char	bin[PATH_MAX], out[PATH_MAX], err[PATH_MAX], env_url[300];
	char	*argv[32];
	pid_t	pid;
	int	i, status = 0;

	snprintf(bin, sizeof(bin), "%s/kerr", harness_env.build_dir);
	snprintf(out, sizeof(out), "%s/cli.out", harness_env.dir);
	snprintf(err, sizeof(err), "%s/cli.err", harness_env.dir);
	if (url == NULL)
		snprintf(env_url, sizeof(env_url),
		    "http://127.0.0.1:%d" V1, harness_env.port);
	else
		snprintf(env_url, sizeof(env_url), "%s", url);
	argv[0] = "kerr";
	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = (char *)(uintptr_t)args[i];
	argv[i + 1] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int n = open("/dev/null", O_RDONLY);

		if (o < 0 || e < 0 || n < 0 || dup2(o, 1) < 0 ||
		    dup2(e, 2) < 0 || dup2(n, 0) < 0)
			_exit(127);
		(void)unsetenv("SINGULARITY_URL");
		(void)setenv("KERR_URL", env_url, 1);
		execv(bin, argv);
		_exit(127);
	}
	ck_assert_msg(harness_wait_pid(pid, 90000, &status) == 1,
	    "kerr %s still running after 90 s", args[0]);
	c->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	c->out = fixture_read_file(out, NULL);
	c->err = fixture_read_file(err, NULL);
}

#define CLI(c, ...)	cli_runv((c), NULL, (const char *const[]){ \
			    __VA_ARGS__, NULL })

/* Run and expect status; the output stays in c. */
#define CLI_EXPECT(c, want, ...) do {					\
	CLI((c), __VA_ARGS__);						\
	ck_assert_msg((c)->status == (want), "kerr exited %d, want %d;" \
	    " stdout: %s; stderr: %s", (c)->status, (want), (c)->out,	\
	    (c)->err);							\
} while (0)

static const char *
active_deploy(const char *request)
{
	static char	 id[128];
	json_t		*r;
	char		 path[256];

	snprintf(path, sizeof(path), V1 "/requests/request/%s", request);
	r = harness_get_json(path);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(
	    json_object_get(json_object_get(r, "requestDeployState"),
	    "activeDeploy"), "deployId")) ?: "");
	json_decref(r);
	return (id);
}

static void
active_task_of(const char *request, char *buf, size_t len)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT task_id FROM tasks WHERE "
	    "request_id = '%s' AND active = 1 ORDER BY started_at LIMIT 1",
	    request);
	harness_sql_text(&harness_env, sql, buf, len);
}

/* Run build/kerr on a terminal (a pty: its stdout and stderr), NO_COLOR
 * set or not; what it wrote there, in a string the caller frees. */
static char *
cli_run_tty(int no_color, const char *const *args)
{
	char	 bin[PATH_MAX], url[128], *argv[32], *out = NULL;
	size_t	 len = 0;
	ssize_t	 n;
	char	 buf[4096];
	pid_t	 pid;
	int	 fd, i, status;
	FILE	*f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	snprintf(bin, sizeof(bin), "%s/kerr", harness_env.build_dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d" V1,
	    harness_env.port);
	argv[0] = "kerr";
	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = (char *)(uintptr_t)args[i];
	argv[i + 1] = NULL;
	pid = forkpty(&fd, NULL, NULL, NULL);
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		(void)setenv("KERR_URL", url, 1);
		if (no_color)
			(void)setenv("NO_COLOR", "1", 1);
		else
			(void)unsetenv("NO_COLOR");
		execv(bin, argv);
		_exit(127);
	}
	/* Until the child closes its side (EIO on Linux). */
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 &&
	    errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, f);
	close(fd);
	ck_assert(harness_wait_pid(pid, 60000, &status) == 1);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "kerr on a tty: status 0x%x", status);
	ck_assert_int_eq(fclose(f), 0);
	return (out);
}

START_TEST(test_cli_terminal_output)
{
	char *out;

	harness_request("web", "WORKER", 1);
	out = cli_run_tty(0, (const char *const[]){ "ls", NULL });
	ck_assert_msg(strstr(out, "\033[32mACTIVE\033[0m") != NULL, "%s",
	    out);
	free(out);
	out = cli_run_tty(1, (const char *const[]){ "ls", NULL });
	ck_assert_ptr_nonnull(strstr(out, "ACTIVE"));
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
	/* Relative times on a terminal, ISO 8601 otherwise. */
	out = cli_run_tty(1, (const char *const[]){ "history", "web", NULL });
	ck_assert_msg(strstr(out, "now  ") != NULL ||
	    strstr(out, "s ago  ") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, "Z  CREATED"));
	free(out);
	/* --wait's progress line, redrawn in place. */
	out = cli_run_tty(1, (const char *const[]){ "deploy", "web",
	    "--command", "sleep 1000", "--id", "d1", "--wait", NULL });
	ck_assert_msg(strstr(out, "\r\033[Kdeploy d1: ") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, " healthy (1 starting), step target 1 "
	    "of 1, "));
	ck_assert_ptr_nonnull(strstr(out, "Deploy d1 of web succeeded"));
	free(out);
}
END_TEST

START_TEST(test_cli_help_and_usage_errors)
{
	struct cli c;

	CLI_EXPECT(&c, 0, "help");
	ck_assert_ptr_nonnull(strstr(c.out, "usage: kerr"));
	ck_assert_ptr_nonnull(strstr(c.out, "logs [-f] [--stderr] TASK"));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "help", "deploy");
	ck_assert_ptr_nonnull(strstr(c.out, "usage: kerr deploy REQUEST"));
	ck_assert_ptr_nonnull(strstr(c.out, "--wait"));
	{
		char *help = strdup(c.out);

		cli_free(&c);
		CLI_EXPECT(&c, 0, "deploy", "--help");
		ck_assert_str_eq(c.out, help);
		free(help);
	}
	cli_free(&c);
	CLI_EXPECT(&c, 2, "frobnicate");
	ck_assert_str_eq(c.err, "kerr: no command 'frobnicate' (kerr help)\n");
	cli_free(&c);
	CLI_EXPECT(&c, 2, "scale", "web", "many");
	ck_assert_str_eq(c.err, "kerr scale: N must be a number from 1, not "
	    "'many' (kerr help scale)\n");
	cli_free(&c);
	CLI_EXPECT(&c, 2, "-o", "yaml", "ls");
	ck_assert_str_eq(c.err, "kerr: -o takes json or table, not 'yaml'\n");
	cli_free(&c);
	CLI_EXPECT(&c, 2, "deploy", "web");
	ck_assert_ptr_nonnull(strstr(c.err, "takes --command CMD or -f FILE"));
	cli_free(&c);
	CLI_EXPECT(&c, 2, "ls", "--bogus");
	cli_free(&c);
	CLI_EXPECT(&c, 2, "create", "--id", "x");
	cli_free(&c);
	/* Nothing was asked of the API: no request exists. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests"), 0);
}
END_TEST

START_TEST(test_cli_request_commands)
{
	struct cli	 c;
	json_t		*r;
	struct http_resp resp;

	CLI_EXPECT(&c, 0, "create", "--id", "web", "--type", "WORKER",
	    "--instances", "2");
	ck_assert_str_eq(c.out, "Request web saved.\n");
	cli_free(&c);
	r = harness_get_json(V1 "/requests/request/web");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r,
	    "request"), "requestType")), "WORKER");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r,
	    "request"), "instances")), 2);
	json_decref(r);

	CLI_EXPECT(&c, 0, "ls");
	/* Not a terminal: no colour, whatever NO_COLOR says. */
	ck_assert_str_eq(c.out, "ID   TYPE    STATE   INSTANCES  DEPLOY\n"
	    "web  WORKER  ACTIVE  2          -\n");
	cli_free(&c);
	CLI_EXPECT(&c, 0, "ls", "--type", "SERVICE");
	ck_assert_str_eq(c.out, "ID  TYPE  STATE  INSTANCES  DEPLOY\n");
	cli_free(&c);

	CLI_EXPECT(&c, 0, "scale", "web", "1");
	cli_free(&c);
	ck_assert_int_eq(harness_count("SELECT json_extract(request_json, "
	    "'$.instances') FROM requests WHERE id = 'web'"), 1);

	CLI_EXPECT(&c, 0, "pause", "web");
	ck_assert_str_eq(c.out, "Request web paused.\n");
	cli_free(&c);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE "
	    "id = 'web' AND state = 'PAUSED'"), 1);
	CLI_EXPECT(&c, 0, "ls", "--paused");
	ck_assert_ptr_nonnull(strstr(c.out, "web  WORKER  PAUSED  1"));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "ls");
	ck_assert_ptr_null(strstr(c.out, "web"));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "unpause", "web");
	cli_free(&c);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE "
	    "id = 'web' AND state = 'ACTIVE'"), 1);

	CLI_EXPECT(&c, 0, "show", "web");
	ck_assert_ptr_nonnull(strstr(c.out, "id               web\n"));
	ck_assert_ptr_nonnull(strstr(c.out, "type             WORKER\n"));
	ck_assert_ptr_nonnull(strstr(c.out, "instances        1\n"));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "history", "web");
	ck_assert_ptr_nonnull(strstr(c.out, "CREATED"));
	ck_assert_ptr_nonnull(strstr(c.out, "PAUSED"));
	ck_assert_ptr_nonnull(strstr(c.out, "UNPAUSED"));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "status");
	ck_assert_ptr_nonnull(strstr(c.out, "active requests        1\n"));
	cli_free(&c);

	/* A refusal: exit 1 with the API's own line. */
	ck_assert_int_eq(http_do(&harness_env, "GET",
	    V1 "/requests/request/nosuch", NULL, &resp), 0);
	ck_assert_int_eq(resp.status, 404);
	CLI_EXPECT(&c, 1, "show", "nosuch");
	ck_assert_str_eq(c.out, "");
	ck_assert_ptr_nonnull(strstr(c.err, resp.body));
	ck_assert_int_eq(strncmp(c.err, "kerr: ", 6), 0);
	http_resp_free(&resp);
	cli_free(&c);

	CLI_EXPECT(&c, 0, "delete", "web");
	ck_assert_str_eq(c.out, "Request web deleted.\n");
	cli_free(&c);
	/* Being deleted (the cleaner removes it soon), or gone already. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM requests WHERE "
	    "id = 'web' AND state <> 'DELETING'"), 0);
}
END_TEST

START_TEST(test_cli_create_and_deploy_from_files)
{
	char	req[PATH_MAX], dep[PATH_MAX], task[512];
	struct cli c;
	json_t	*d;

	snprintf(req, sizeof(req), "%s/req.json", harness_env.dir);
	snprintf(dep, sizeof(dep), "%s/deploy.json", harness_env.dir);
	fixture_write_file(req, "{\"id\":\"svc\",\"requestType\":\"WORKER\"}");
	fixture_write_file(dep, "{\"command\":\"sleep 1000\","
	    "\"considerHealthyAfterRunningForSeconds\":1}");
	CLI_EXPECT(&c, 0, "create", "-f", req);
	cli_free(&c);
	CLI_EXPECT(&c, 0, "deploy", "svc", "-f", dep, "--id", "d1", "--env",
	    "GREETING=hi there", "--cpus", "0.25", "--mem", "64", "--wait");
	ck_assert_str_eq(c.out, "Deploy d1 of svc accepted.\n");
	ck_assert_ptr_nonnull(strstr(c.err, "Deploy d1 of svc succeeded"));
	cli_free(&c);
	/* --wait returned once the deploy is the active one. */
	ck_assert_str_eq(active_deploy("svc"), "d1");
	d = harness_get_json(V1 "/history/request/svc/deploy/d1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(d, "deploy"), "env"), "GREETING")), "hi there");
	ck_assert(json_number_value(json_object_get(json_object_get(
	    json_object_get(d, "deploy"), "resources"), "memoryMb")) == 64);
	ck_assert(json_number_value(json_object_get(json_object_get(
	    json_object_get(d, "deploy"), "resources"), "cpus")) == 0.25);
	json_decref(d);
	ck_assert_int_eq(harness_tasks("svc", "TASK_RUNNING"), 1);

	active_task_of("svc", task, sizeof(task));
	CLI_EXPECT(&c, 0, "tasks", "svc");
	ck_assert_ptr_nonnull(strstr(c.out, task));
	ck_assert_ptr_nonnull(strstr(c.out, "TASK  "));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "task", task);
	ck_assert_ptr_nonnull(strstr(c.out, "state      TASK_RUNNING\n"));
	ck_assert_ptr_nonnull(strstr(c.out, "TASK_STARTING"));
	cli_free(&c);
	CLI_EXPECT(&c, 0, "kill", task);
	cli_free(&c);
	{
		char sql[700];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM tasks WHERE "
		    "task_id = '%s' AND state = 'TASK_KILLED'", task);
		harness_wait_sql(1, 30, "%s", sql);
	}
	/* A task that ended cannot be killed: the API's line, exit 1. */
	CLI_EXPECT(&c, 1, "kill", task);
	ck_assert_ptr_nonnull(strstr(c.err, "is not active"));
	cli_free(&c);
}
END_TEST

START_TEST(test_cli_deploy_wait_failure)
{
	struct cli c;

	harness_request("bad", "WORKER", 1);
	CLI_EXPECT(&c, 1, "deploy", "bad", "--command",
	    "echo oops >&2; exit 3", "--id", "d1", "--wait");
	ck_assert_ptr_nonnull(strstr(c.err, "kerr: deploy d1 of bad FAILED: "));
	ck_assert_ptr_nonnull(strstr(c.err, "TASK_FAILED: Exited with "
	    "status 3"));
	cli_free(&c);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM deploys WHERE "
	    "request_id = 'bad' AND json_extract(result_json, "
	    "'$.deployState') = 'FAILED'"), 1);
}
END_TEST

START_TEST(test_cli_run_wait_and_logs)
{
	char	task[512];
	struct cli c;

	harness_request("job", "ON_DEMAND", 1);
	harness_deploy("job", "d1", "echo", NULL);
	harness_wait_deployed("job", "d1", 20000);
	CLI_EXPECT(&c, 0, "run", "job", "--wait", "--", "hello", "world");
	ck_assert_ptr_nonnull(strstr(c.out, "Run kerr-"));
	ck_assert_ptr_nonnull(strstr(c.err, " finished in "));
	cli_free(&c);
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks WHERE "
	    "request_id = 'job' AND state = 'TASK_FINISHED'", task,
	    sizeof(task));
	CLI_EXPECT(&c, 0, "logs", task);
	ck_assert_str_eq(c.out, "hello world\n");
	cli_free(&c);

	harness_request("fails", "ON_DEMAND", 1);
	harness_deploy("fails", "d1", "echo bad >&2; exit 4", NULL);
	harness_wait_deployed("fails", "d1", 20000);
	CLI_EXPECT(&c, 1, "run", "fails", "--wait");
	ck_assert_ptr_nonnull(strstr(c.err, "TASK_FAILED: Exited with status "
	    "4\n"));
	cli_free(&c);
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks WHERE "
	    "request_id = 'fails'", task, sizeof(task));
	CLI_EXPECT(&c, 0, "logs", "--stderr", task);
	ck_assert_ptr_nonnull(strstr(c.out, "bad\n"));
	cli_free(&c);
	CLI_EXPECT(&c, 1, "logs", "no-such-task");
	cli_free(&c);
}
END_TEST

START_TEST(test_cli_logs_follow_ends_with_task)
{
	char	task[512];
	struct cli c;

	harness_request("once", "RUN_ONCE", 1);
	harness_deploy("once", "d1", "for i in 1 2 3 4; do echo line$i; "
	    "sleep 0.5; done", NULL);
	harness_wait_tasks("once", "TASK_RUNNING", 1, 20);
	active_task_of("once", task, sizeof(task));
	CLI_EXPECT(&c, 0, "logs", "-f", task);
	/* Everything, in order, and it only returned once the task ended. */
	ck_assert_str_eq(c.out, "line1\nline2\nline3\nline4\n");
	ck_assert_int_eq(harness_tasks("once", "TASK_FINISHED"), 1);
	cli_free(&c);
	CLI_EXPECT(&c, 0, "history", "once", "--tasks");
	ck_assert_ptr_nonnull(strstr(c.out, task));
	ck_assert_ptr_nonnull(strstr(c.out, "TASK_FINISHED"));
	cli_free(&c);
	/* GET /requests/finished: none is (kerr keeps a run-once request
	 * ACTIVE), so the header alone. */
	CLI_EXPECT(&c, 0, "ls", "--finished");
	ck_assert_str_eq(c.out, "ID  TYPE  STATE  INSTANCES  DEPLOY\n");
	cli_free(&c);
	CLI_EXPECT(&c, 0, "ls", "--all");
	ck_assert_ptr_nonnull(strstr(c.out, "once  RUN_ONCE  ACTIVE"));
	cli_free(&c);
	CLI_EXPECT(&c, 2, "ls", "--finished", "--paused");
	cli_free(&c);
}
END_TEST

START_TEST(test_cli_bounce_wait)
{
	char	old[512], now[512], sql[1200];
	struct cli c;

	harness_request("web", "WORKER", 1);
	harness_deploy("web", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	harness_wait_deployed("web", "d1", 20000);
	harness_wait_tasks("web", "TASK_RUNNING", 1, 20);
	active_task_of("web", old, sizeof(old));
	CLI_EXPECT(&c, 0, "bounce", "web", "--wait");
	ck_assert_str_eq(c.out, "Request web bouncing.\n");
	ck_assert_ptr_nonnull(strstr(c.err, "Bounce of web done in "));
	cli_free(&c);
	/* Returned only once the old task was gone and a new one ran. */
	active_task_of("web", now, sizeof(now));
	ck_assert_str_ne(now, old);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM tasks WHERE "
	    "request_id = 'web' AND active = 1 AND state = 'TASK_RUNNING' "
	    "AND task_id <> '%s'", old);
	ck_assert_int_eq(harness_count("%s", sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM tasks WHERE "
	    "task_id = '%s' AND active = 0", old);
	ck_assert_int_eq(harness_count("%s", sql), 1);
}
END_TEST

START_TEST(test_cli_wait_times_out)
{
	struct cli c;

	/* Its new tasks are healthy only after 5 s: not within 1 s. */
	harness_request("slow", "WORKER", 1);
	harness_deploy("slow", "d1", "sleep 1000", NULL);
	harness_wait_deployed("slow", "d1", 20000);
	CLI_EXPECT(&c, 1, "bounce", "slow", "--wait", "--timeout", "1");
	ck_assert_ptr_nonnull(strstr(c.err, "kerr: bounce of slow not done "
	    "after 1 s: 0 of 1 new tasks healthy, 1 old left\n"));
	cli_free(&c);
	CLI_EXPECT(&c, 2, "bounce", "slow", "--wait", "--timeout", "0");
	cli_free(&c);
}
END_TEST

/* -o json is the API's body, byte for byte. */
static void
expect_json_unchanged(const char *path, const char *const *args)
{
	struct http_resp	resp;
	struct cli		c;

	ck_assert_int_eq(http_do(&harness_env, "GET", path, NULL, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	cli_runv(&c, NULL, args);
	ck_assert_int_eq(c.status, 0);
	ck_assert_uint_eq(strlen(c.out), resp.len + 1);
	ck_assert_int_eq(strncmp(c.out, resp.body, resp.len), 0);
	ck_assert_int_eq(c.out[resp.len], '\n');
	cli_free(&c);
	http_resp_free(&resp);
}

START_TEST(test_cli_json_output_unchanged)
{
	char	task[512], path[700];

	harness_request("web", "WORKER", 1);
	harness_deploy("web", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	harness_wait_deployed("web", "d1", 20000);
	harness_wait_tasks("web", "TASK_RUNNING", 1, 20);
	active_task_of("web", task, sizeof(task));
	expect_json_unchanged(V1 "/requests/active",
	    (const char *const[]){ "ls", "-o", "json", NULL });
	expect_json_unchanged(V1 "/requests",
	    (const char *const[]){ "-o", "json", "ls", "--all", NULL });
	expect_json_unchanged(V1 "/requests/request/web",
	    (const char *const[]){ "show", "web", "--output=json", NULL });
	expect_json_unchanged(V1 "/tasks/active",
	    (const char *const[]){ "tasks", "-ojson", NULL });
	snprintf(path, sizeof(path), V1 "/history/task/%s", task);
	expect_json_unchanged(path,
	    (const char *const[]){ "task", task, "-o", "json", NULL });
	expect_json_unchanged(V1 "/history/request/web/requests",
	    (const char *const[]){ "history", "web", "-o", "json", NULL });
}
END_TEST

START_TEST(test_cli_unreachable_server)
{
	struct cli	c;
	char		url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d" V1,
	    harness_free_port());
	cli_runv(&c, url, (const char *const[]){ "status", NULL });
	ck_assert_int_eq(c.status, 1);
	ck_assert_ptr_nonnull(strstr(c.err, "kerr: GET http://127.0.0.1:"));
	ck_assert_str_eq(c.out, "");
	cli_free(&c);
}
END_TEST

/* A one-shot server: the request kerr sends, answered with "[]". */
START_TEST(test_cli_sends_bearer_token)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	socklen_t		 slen = sizeof(sin);
	char			 url[128], req[8192];
	const char		 reply[] = "HTTP/1.1 200 OK\r\nContent-Type: "
				    "application/json\r\nContent-Length: 2\r\n"
				    "Connection: close\r\n\r\n[]";
	ssize_t			 n, got = 0;
	int			 s, a, status;
	pid_t			 pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(s = socket(AF_INET, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sin, &slen), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/singularity/v1",
	    ntohs(sin.sin_port));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char bin[PATH_MAX];
		int null = open("/dev/null", O_WRONLY);

		snprintf(bin, sizeof(bin), "%s/kerr", harness_env.build_dir);
		if (null < 0 || dup2(null, 1) < 0)
			_exit(127);
		(void)setenv("KERR_TOKEN", "s3cret-token", 1);
		execl(bin, "kerr", "--url", url, "tasks", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_ge(a = accept(s, NULL, NULL), 0);
	while (got < (ssize_t)sizeof(req) - 1 && (n = read(a, req + got,
	    sizeof(req) - 1 - (size_t)got)) > 0) {
		got += n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	ck_assert_int_eq(write(a, reply, sizeof(reply) - 1),
	    (ssize_t)sizeof(reply) - 1);
	close(a);
	close(s);
	ck_assert(harness_wait_pid(pid, 10000, &status) == 1);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "kerr: status 0x%x", status);
	ck_assert_ptr_nonnull(strstr(req, "GET /singularity/v1/tasks/active "
	    "HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(req,
	    "\r\nAuthorization: Bearer s3cret-token\r\n"));
}
END_TEST

START_TEST(test_cli_completion_ids)
{
	char	task[512];
	struct cli c;

	harness_request("alpha", "WORKER", 1);
	harness_request("beta", "ON_DEMAND", 1);
	CLI_EXPECT(&c, 0, "__complete", "requests");
	ck_assert_ptr_nonnull(strstr(c.out, "alpha\n"));
	ck_assert_ptr_nonnull(strstr(c.out, "beta\n"));
	cli_free(&c);
	harness_deploy("alpha", "d1", "sleep 1000", NULL);
	harness_wait_tasks("alpha", "TASK_RUNNING", 1, 20);
	active_task_of("alpha", task, sizeof(task));
	CLI_EXPECT(&c, 0, "__complete", "tasks");
	ck_assert_ptr_nonnull(strstr(c.out, task));
	cli_free(&c);
}
END_TEST

Suite *
cli_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("commands"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_cli_help_and_usage_errors),
		FIXTURE_TEST(test_cli_request_commands),
		FIXTURE_TEST(test_cli_create_and_deploy_from_files),
		FIXTURE_TEST(test_cli_json_output_unchanged),
		FIXTURE_TEST(test_cli_unreachable_server),
		FIXTURE_TEST(test_cli_sends_bearer_token),
		FIXTURE_TEST(test_cli_completion_ids),
		FIXTURE_CASE("wait"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_cli_deploy_wait_failure),
		FIXTURE_TEST(test_cli_run_wait_and_logs),
		FIXTURE_TEST(test_cli_logs_follow_ends_with_task),
		FIXTURE_TEST(test_cli_bounce_wait),
		FIXTURE_TEST(test_cli_terminal_output),
		FIXTURE_TEST(test_cli_wait_times_out),
		FIXTURE_END
	};

	return (fixture_suite("cli", tests));
}
