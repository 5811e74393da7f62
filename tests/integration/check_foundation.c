/*
 * Foundation: the three real daemons on a temp state directory and a free
 * port.  GET /state under both roots, counts read from the store, the
 * plain-text errors, socket activation, sd_notify, config checking, a
 * clean stop on SIGTERM that finishes the requests in flight and leaves a
 * passed socket listening, and the systemd units (checked by scripts).
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

Suite	*foundation_suite(void);

static void
assert_state_shape(json_t *state)
{
	static const char *const counts[] = { "activeTasks",
	    "launchingTasks", "activeRequests", "allRequests",
	    "cooldownRequests", "pausedRequests", "finishedRequests",
	    "scheduledTasks", "pendingRequests", "lbCleanupTasks",
	    "lbCleanupRequests", "cleaningRequests", "cleaningTasks",
	    "activeAgents", "deadAgents", "decommissioningAgents",
	    "unknownAgents", "activeRacks", "deadRacks",
	    "decommissioningRacks", "unknownRacks", "lateTasks",
	    "futureTasks", "maxTaskLag", "generatedAt" };
	size_t i;

	ck_assert(json_is_object(state));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		ck_assert_msg(json_is_integer(json_object_get(state,
		    counts[i])), "GET /state lacks integer '%s'", counts[i]);
	ck_assert_int_eq(json_integer_value(json_object_get(state,
	    "activeAgents")), 1);
	ck_assert(json_is_array(json_object_get(state, "hostStates")));
}

static long long
state_count(const char *root, const char *field)
{
	char		 path[128];
	json_t		*state;
	long long	 v;

	snprintf(path, sizeof(path), "%s/state", root);
	state = http_json(&harness_env, "GET", path, NULL, 200);
	v = json_integer_value(json_object_get(state, field));
	json_decref(state);
	return (v);
}

START_TEST(test_foundation_state_under_both_roots)
{
	json_t *v1, *api;

	v1 = http_json(&harness_env, "GET", "/singularity/v1/state", NULL,
	    200);
	api = http_json(&harness_env, "GET", "/singularity/api/state", NULL,
	    200);
	assert_state_shape(v1);
	assert_state_shape(api);
	ck_assert_int_eq(json_integer_value(json_object_get(v1,
	    "allRequests")), 0);
	json_decref(v1);
	json_decref(api);
}
END_TEST

START_TEST(test_foundation_state_counts_come_from_the_store)
{
	harness_sql(&harness_env,
	    "INSERT INTO requests VALUES ('a', 'ACTIVE', 'WORKER', '{}', 1, 1);"
	    "INSERT INTO requests VALUES ('b', 'PAUSED', 'WORKER', '{}', 1, 1);"
	    "INSERT INTO requests VALUES ('c', 'PAUSED', 'SERVICE', '{}', 1, 1);"
	    "INSERT INTO request_cleanups (request_id, cleanup_type,"
	    " created_at, cleanup_json) VALUES ('b', 'PAUSING', 1, '{}');"
	    "INSERT INTO tasks (task_id, request_id, deploy_id, instance_no,"
	    " state, active, started_at, updated_at, task_json) VALUES"
	    " ('a-d1-1-1-h-DEFAULT', 'a', 'd1', 1, 'TASK_RUNNING', 1,"
	    /* started now: reconciliation gives a task 30 s to show up */
	    " CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),"
	    " 1, '{}');");
	ck_assert_int_eq(state_count("/singularity/v1", "allRequests"), 3);
	ck_assert_int_eq(state_count("/singularity/v1", "activeRequests"), 1);
	ck_assert_int_eq(state_count("/singularity/api", "pausedRequests"), 2);
	ck_assert_int_eq(state_count("/singularity/api", "cleaningRequests"),
	    1);
	ck_assert_int_eq(state_count("/singularity/v1", "activeTasks"), 1);
}
END_TEST

START_TEST(test_foundation_errors_are_plain_text)
{
	struct http_resp	 resp;
	char			*big;

	http_expect_error(&harness_env, "GET", "/singularity/v1/nothing",
	    NULL, 404, "/singularity/v1/nothing");
	http_expect_error(&harness_env, "GET", "/elsewhere/state", NULL,
	    404, "/elsewhere/state");
	http_expect_error(&harness_env, "DELETE", "/singularity/api/state",
	    NULL, 405, "DELETE");
	ck_assert_int_eq(http_do(&harness_env, "POST",
	    "/singularity/v1/state", "{}", &resp), 0);
	ck_assert_int_eq(resp.status, 405);
	ck_assert_str_eq(resp.allow, "GET");
	http_resp_free(&resp);

	/* Just over the 1 MiB default cap. */
	big = malloc(1024 * 1024 + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', 1024 * 1024 + 1);
	big[1024 * 1024 + 1] = '\0';
	http_expect_error(&harness_env, "POST", "/singularity/v1/state", big,
	    413, "1048576");
	free(big);
	/* The server is still fine after refusing. */
	ck_assert_int_eq(state_count("/singularity/v1", "allRequests"), 0);
}
END_TEST

START_TEST(test_foundation_sigterm_stops_all_three_within_2s)
{
	pid_t	pids[HARNESS_NDAEMONS];
	int	i, status;

	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		pids[i] = harness_env.pid[i];
		ck_assert_int_eq(kill(pids[i], SIGTERM), 0);
	}
	for (i = 0; i < HARNESS_NDAEMONS; i++) {
		ck_assert_msg(harness_wait_pid(pids[i], 2000, &status),
		    "kerr-%s still running 2 s after SIGTERM",
		    harness_daemon_name((enum harness_daemon)i));
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "kerr-%s did not exit cleanly (status 0x%x)",
		    harness_daemon_name((enum harness_daemon)i), status);
		harness_env.pid[i] = 0;
		ck_assert_int_eq(kill(pids[i], 0), -1);
	}
}
END_TEST

START_TEST(test_foundation_data_survives_restart)
{
	harness_sql(&harness_env,
	    "INSERT INTO requests VALUES ('keep', 'ACTIVE', 'WORKER', '{}',"
	    " 1, 1)");
	ck_assert_int_ge(harness_stop_daemon(&harness_env, HARNESS_APID,
	    2000), 0);
	harness_spawn(&harness_env, HARNESS_APID);
	harness_wait_api(&harness_env);
	ck_assert_int_eq(state_count("/singularity/v1", "activeRequests"), 1);
}
END_TEST

START_TEST(test_foundation_socket_activation)
{
	struct kerr_env	env;
	char		listen[64], bin[PATH_MAX];
	char		*argv[] = { "/usr/bin/systemd-socket-activate", "-l",
			    listen, bin, "-c", env.conf_path, NULL };
	json_t		*state;

	if (access(argv[0], X_OK) != 0) {
		fprintf(stderr, "skipping: no systemd-socket-activate\n");
		return;
	}
	harness_prepare(&env, NULL);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", env.port);
	snprintf(bin, sizeof(bin), "%s/kerr-apid", env.build_dir);
	/* apid's own config port is taken: only the passed socket works. */
	env.pid[HARNESS_APID] = harness_spawn_argv(&env, argv);
	harness_wait_api(&env);
	state = http_json(&env, "GET", "/singularity/api/state", NULL, 200);
	assert_state_shape(state);
	json_decref(state);
	ck_assert_int_ge(harness_stop_daemon(&env, HARNESS_APID, 2000), 0);
	harness_cleanup(&env);
}
END_TEST

static int
is_listening(int fd)
{
	socklen_t	len = sizeof(int);
	int		on = 0;

	return (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
	    on);
}

/* Connect to 127.0.0.1:port and send text; the connected socket. */
static int
raw_send(int port, const char *text)
{
	int	fd = harness_connect(port);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(send(fd, text, strlen(text), MSG_NOSIGNAL),
	    (ssize_t)strlen(text));
	return (fd);
}

/* Read the reply until the server closes (5 s at most) into buf; closes
 * fd and returns the status code, or -1 when no reply came. */
static int
raw_reply(int fd, char *buf, size_t len)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	size_t		got = 0;
	ssize_t		n;
	int		status = -1;

	while (got + 1 < len && poll(&pfd, 1, 5000) == 1) {
		if ((n = recv(fd, buf + got, len - got - 1, 0)) <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return (-1);
	return (status);
}

/*
 * Start POST /requests {"id": id} on a new connection, SIGTERM apid while
 * it reads the body, then send the body: the stopping apid answers it,
 * with Connection: close, and exits cleanly after.
 */
static void
post_across_sigterm(struct kerr_env *env, const char *id)
{
	char	body[128], head[256], reply[4096];
	pid_t	pid = env->pid[HARNESS_APID];
	int	c, status;

	snprintf(body, sizeof(body), "{\"id\":\"%s\"}", id);
	snprintf(head, sizeof(head), "POST /singularity/v1/requests HTTP/1.1"
	    "\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", strlen(body));
	c = raw_send(env->port, head);
	usleep(300000);			/* accepted, headers read */
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	usleep(300000);
	ck_assert_msg(!harness_wait_pid(pid, 0, &status),
	    "kerr-apid exited with a request in flight");
	ck_assert_int_eq(send(c, body, strlen(body), MSG_NOSIGNAL),
	    (ssize_t)strlen(body));
	ck_assert_int_eq(raw_reply(c, reply, sizeof(reply)), 200);
	ck_assert_msg(strstr(reply, "Connection: close") != NULL,
	    "a reply while stopping keeps the connection: %s", reply);
	ck_assert_msg(harness_wait_pid(pid, 2000, &status),
	    "kerr-apid still running 2 s after its last request");
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	env->pid[HARNESS_APID] = 0;
}

/* apid on its own socket: SIGTERM finishes the request in flight. */
START_TEST(test_foundation_sigterm_finishes_request_in_flight)
{
	struct kerr_env	 env;
	json_t		*req;

	harness_prepare(&env, NULL);
	harness_spawn(&env, HARNESS_APID);
	harness_wait_api(&env);
	post_across_sigterm(&env, "drained");
	harness_spawn(&env, HARNESS_APID);
	harness_wait_api(&env);
	req = http_json(&env, "GET", "/singularity/v1/requests/request/drained",
	    NULL, 200);
	json_decref(req);
	ck_assert_int_ge(harness_stop_daemon(&env, HARNESS_APID, 2000), 0);
	harness_cleanup(&env);
}
END_TEST

/*
 * As under systemd: the test holds the listening socket and passes it to
 * apid.  A SIGTERM lets apid finish the request it is reading, and its
 * stop leaves the socket listening: a connection made while no apid runs
 * waits in the backlog and the next apid answers it.
 */
START_TEST(test_foundation_stop_finishes_requests_keeps_socket)
{
	struct kerr_env	 env;
	char		 reply[4096];
	json_t		*req;
	int		 lfd, c;

	harness_prepare(&env, NULL);
	lfd = harness_listen_socket(env.port);
	harness_spawn_listen(&env, HARNESS_APID, lfd);
	harness_wait_api(&env);
	post_across_sigterm(&env, "drained");

	ck_assert_msg(is_listening(lfd), "apid's stop shut the socket down");
	c = raw_send(env.port, "GET /singularity/v1/state HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
	harness_spawn_listen(&env, HARNESS_APID, lfd);
	ck_assert_int_eq(raw_reply(c, reply, sizeof(reply)), 200);
	req = http_json(&env, "GET", "/singularity/v1/requests/request/drained",
	    NULL, 200);
	json_decref(req);
	ck_assert_int_ge(harness_stop_daemon(&env, HARNESS_APID, 2000), 0);
	ck_assert(is_listening(lfd));
	close(lfd);
	harness_cleanup(&env);
}
END_TEST

/* Read notify datagrams until one contains `want` or the time is up. */
static int
notify_wait_for(int fd, const char *want, int limit_ms, int *ret_count)
{
	char		buf[512];
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	ssize_t		n;

	while (poll(&pfd, 1, limit_ms) == 1) {
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
			return (0);
		buf[n] = '\0';
		if (strstr(buf, want) != NULL) {
			if (ret_count != NULL)
				(*ret_count)++;
			return (1);
		}
	}
	return (0);
}

START_TEST(test_foundation_sd_notify_ready_watchdog_stopping)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	struct kerr_env		env;
	int			fd, pets = 0;

	harness_prepare(&env, NULL);
	ck_assert_int_lt(strlen(env.dir) + 14, sizeof(sun.sun_path));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%.80s/notify.sock",
	    env.dir);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	setenv("NOTIFY_SOCKET", sun.sun_path, 1);
	setenv("WATCHDOG_USEC", "200000", 1);
	harness_spawn(&env, HARNESS_SCHEDULERD);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	ck_assert_msg(notify_wait_for(fd, "READY=1", 5000, NULL),
	    "no READY=1 from kerr-schedulerd");
	/* 200 ms interval, petted every 100 ms: three pets well within 1 s. */
	while (pets < 3 && notify_wait_for(fd, "WATCHDOG=1", 1000, &pets))
		;
	ck_assert_int_ge(pets, 3);
	kill(env.pid[HARNESS_SCHEDULERD], SIGTERM);
	ck_assert_msg(notify_wait_for(fd, "STOPPING=1", 2000, NULL),
	    "no STOPPING=1 on SIGTERM");
	close(fd);
	harness_cleanup(&env);
}
END_TEST

static int
run_config_check(struct kerr_env *env, const char *daemon)
{
	char	bin[PATH_MAX];
	char	*argv[] = { bin, "-n", "-c", env->conf_path, NULL };
	int	status = -1;
	pid_t	pid;

	snprintf(bin, sizeof(bin), "%s/kerr-%s", env->build_dir, daemon);
	pid = harness_spawn_argv(env, argv);
	ck_assert(harness_wait_pid(pid, 5000, &status));
	ck_assert(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

START_TEST(test_foundation_config_check_flag)
{
	struct kerr_env	 env;
	char		 log[PATH_MAX], text[4096] = "";
	FILE		*fp;
	size_t		 n;

	harness_prepare(&env, NULL);
	ck_assert_int_eq(run_config_check(&env, "apid"), 0);
	ck_assert_int_eq(run_config_check(&env, "schedulerd"), 0);
	harness_cleanup(&env);

	harness_prepare(&env, "[cleanerd]\nkill_workerz = 3\n");
	ck_assert_int_eq(run_config_check(&env, "cleanerd"), 1);
	snprintf(log, sizeof(log), "%s/kerr-cleanerd.log", env.dir);
	ck_assert_ptr_nonnull(fp = fopen(log, "r"));
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	/* The generated config has 7 lines: [cleanerd] is 8, the key 9. */
	ck_assert_msg(strstr(text, "kerr.conf:9:") != NULL &&
	    strstr(text, "kill_workerz") != NULL, "log was: %s", text);
	/* A daemon refused its config: no database was created. */
	ck_assert_int_ne(access(env.db_path, F_OK), 0);
	harness_cleanup(&env);
}
END_TEST

START_TEST(test_foundation_systemd_units_verify)
{
	char	cmd[PATH_MAX];
	int	status;

	snprintf(cmd, sizeof(cmd), "%s/tests/integration/systemd-verify.sh",
	    KERR_SRCDIR);
	status = system(cmd);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		fprintf(stderr, "skipping: systemd-analyze not installed\n");
		return;
	}
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/*
 * The units under a booted systemd, in a throwaway container: lazy socket
 * activation, the journal, restarts of apid under load.  Skipped (77) only
 * where a container cannot boot; the script prints why.
 */
START_TEST(test_foundation_systemd_booted)
{
	char	cmd[PATH_MAX];
	int	status;

	snprintf(cmd, sizeof(cmd), "%s/tests/integration/systemd-boot.sh",
	    KERR_SRCDIR);
	status = system(cmd);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		return;
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *
foundation_suite(void)
{
	Suite	*s = suite_create("foundation");
	TCase	*live = tcase_create("live");
	TCase	*own = tcase_create("own-daemons");
	TCase	*booted = tcase_create("booted");

	tcase_add_checked_fixture(live, harness_setup, harness_teardown);
	tcase_set_timeout(live, 60);
	tcase_add_test(live, test_foundation_state_under_both_roots);
	tcase_add_test(live, test_foundation_state_counts_come_from_the_store);
	tcase_add_test(live, test_foundation_errors_are_plain_text);
	tcase_add_test(live, test_foundation_sigterm_stops_all_three_within_2s);
	tcase_add_test(live, test_foundation_data_survives_restart);
	suite_add_tcase(s, live);

	tcase_set_timeout(own, 60);
	tcase_add_test(own, test_foundation_socket_activation);
	tcase_add_test(own, test_foundation_sigterm_finishes_request_in_flight);
	tcase_add_test(own, test_foundation_stop_finishes_requests_keeps_socket);
	tcase_add_test(own, test_foundation_sd_notify_ready_watchdog_stopping);
	tcase_add_test(own, test_foundation_config_check_flag);
	tcase_add_test(own, test_foundation_systemd_units_verify);
	suite_add_tcase(s, own);

	/* About 3 s; the script bounds every wait it makes. */
	tcase_set_timeout(booted, 120);
	tcase_add_test(booted, test_foundation_systemd_booted);
	suite_add_tcase(s, booted);
	return (s);
}
