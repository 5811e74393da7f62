/*
 * GET /metrics on apid's port: Prometheus's own checker (promtool, from
 * Debian's prometheus package) accepts the page, and its figures are
 * what the daemons did: the tasks and requests in the store, launches,
 * exits by state, reply -> RUNNING, API latency by route pattern and
 * status, commits and bus messages by daemon, daemons up and restarted.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*metrics_suite(void);

#define V1	HARNESS_V1

static char *
metrics_page(void)
{
	struct http_resp	 resp;
	char			*body;

	ck_assert_int_eq(http_do(&harness_env, "GET", "/metrics", NULL,
	    &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.content_type,
	    "text/plain; version=0.0.4; charset=utf-8");
	body = resp.body;
	resp.body = NULL;
	http_resp_free(&resp);
	return (body);
}

/* The value of the sample named exactly `series` (name{labels}). */
static double
metric(const char *page, const char *series)
{
	const char	*p = page;
	size_t		 n = strlen(series);

	while ((p = strstr(p, series)) != NULL) {
		if ((p == page || p[-1] == '\n') && p[n] == ' ')
			return (strtod(p + n + 1, NULL));
		p += n;
	}
	fprintf(stderr, "%s", page);
	ck_abort_msg("no sample %s on the page (printed above)", series);
	return (-1);
}

/* promtool check metrics < page: its exit status, its complaints in
 * ret_out. */
static int
promtool_check(const char *page, char **ret_out)
{
	char	in[PATH_MAX], out[PATH_MAX];
	pid_t	pid;
	int	status = 0;

	snprintf(in, sizeof(in), "%s/metrics.txt", harness_env.dir);
	snprintf(out, sizeof(out), "%s/promtool.out", harness_env.dir);
	fixture_write_file(in, page);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int i = open(in, O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (i < 0 || o < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 ||
		    dup2(o, 2) < 0)
			_exit(126);
		execlp("promtool", "promtool", "check", "metrics",
		    (char *)NULL);
		_exit(127);
	}
	ck_assert(harness_wait_pid(pid, 30000, &status) == 1);
	*ret_out = fixture_read_file(out, NULL);
	ck_assert_msg(!(WIFEXITED(status) && WEXITSTATUS(status) == 127),
	    "promtool is not installed (make check installs prometheus)");
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

START_TEST(test_metrics_promtool_and_figures)
{
	char	*page, *lint;
	int	 r;

	harness_request("web", "WORKER", 1);
	harness_deploy("web", "d1", "sleep 1000", NULL);
	harness_request("job", "ON_DEMAND", 1);
	harness_deploy("job", "d1", "exit 3", NULL);
	harness_wait_tasks("web", "TASK_RUNNING", 1, 20);
	harness_wait_deployed("job", "d1", 20000);
	harness_post_ok(V1 "/requests/request/job/run", "{}");
	harness_wait_tasks("job", "TASK_FAILED", 1, 20);
	http_expect_error(&harness_env, "GET", V1 "/requests/request/nosuch",
	    NULL, 404, "nosuch");
	http_expect_error(&harness_env, "POST", "/metrics", NULL, 405,
	    "GET");

	page = metrics_page();
	r = promtool_check(page, &lint);
	if (r != 0)
		fprintf(stderr, "%s", page);
	ck_assert_msg(r == 0, "promtool check metrics: %d: %.500s", r, lint);
	free(lint);

	ck_assert(metric(page, "kerr_tasks{state=\"TASK_RUNNING\"}") == 1);
	ck_assert(metric(page,
	    "kerr_requests{state=\"ACTIVE\",type=\"WORKER\"}") == 1);
	ck_assert(metric(page,
	    "kerr_requests{state=\"ACTIVE\",type=\"ON_DEMAND\"}") == 1);
	ck_assert(metric(page, "kerr_task_launches_total") == 2);
	ck_assert(metric(page,
	    "kerr_task_exits_total{state=\"TASK_FAILED\"}") == 1);
	ck_assert(metric(page,
	    "kerr_task_exits_total{state=\"TASK_FINISHED\"}") == 0);
	ck_assert(metric(page, "kerr_task_launch_latency_seconds_count") ==
	    2);
	ck_assert(metric(page, "kerr_task_launch_latency_seconds_sum") > 0);
	ck_assert(metric(page, "kerr_task_launch_latency_seconds_bucket"
	    "{le=\"+Inf\"}") == 2);
	ck_assert(metric(page, "kerr_queue_depth{queue=\"pending_tasks\"}")
	    == 0);
	ck_assert(metric(page, "kerr_queue_depth{queue=\"webhooks\"}") == 0);
	/* By route pattern and status, never the raw path. */
	ck_assert(metric(page, "kerr_api_request_duration_seconds_count{"
	    "method=\"POST\",route=\"/requests\",status=\"200\"}") == 2);
	ck_assert(metric(page, "kerr_api_request_duration_seconds_count{"
	    "method=\"GET\",route=\"/requests/request/{id}\","
	    "status=\"404\"}") == 1);
	ck_assert(metric(page, "kerr_api_request_duration_seconds_count{"
	    "method=\"\",route=\"unmatched\",status=\"405\"}") == 1);
	ck_assert_ptr_null(strstr(page, "nosuch"));
	ck_assert(metric(page, "kerr_store_commit_duration_seconds_count{"
	    "daemon=\"apid\"}") >= 4);
	ck_assert(metric(page, "kerr_store_commit_duration_seconds_count{"
	    "daemon=\"schedulerd\"}") >= 2);
	ck_assert(metric(page,
	    "kerr_bus_messages_sent_total{daemon=\"apid\"}") >= 4);
	ck_assert(metric(page,
	    "kerr_bus_messages_dropped_total{daemon=\"apid\"}") == 0);
	ck_assert(metric(page, "kerr_daemon_up{daemon=\"schedulerd\"}") == 1);
	ck_assert(metric(page, "kerr_daemon_up{daemon=\"cleanerd\"}") == 1);
	ck_assert(metric(page,
	    "kerr_daemon_restarts_total{daemon=\"schedulerd\"}") == 0);
	free(page);
}
END_TEST

START_TEST(test_metrics_daemon_up_and_restarts)
{
	char *page = NULL;

	harness_kill9_and_restart(HARNESS_SCHEDULERD);
	(void)harness_stop_daemon(&harness_env, HARNESS_CLEANERD, 10000);
	/* The new schedulerd counts itself once it holds its lock. */
	for (int i = 0; i < 100; i++) {
		page = metrics_page();
		if (metric(page, "kerr_daemon_up{daemon=\"schedulerd\"}") == 1)
			break;
		free(page);
		page = NULL;
		usleep(100000);
	}
	ck_assert_msg(page != NULL, "schedulerd not up 10 s after its "
	    "restart");
	ck_assert(metric(page, "kerr_daemon_up{daemon=\"apid\"}") == 1);
	ck_assert(metric(page, "kerr_daemon_up{daemon=\"schedulerd\"}") == 1);
	ck_assert(metric(page,
	    "kerr_daemon_restarts_total{daemon=\"schedulerd\"}") == 1);
	ck_assert(metric(page, "kerr_daemon_up{daemon=\"cleanerd\"}") == 0);
	ck_assert(metric(page,
	    "kerr_daemon_restarts_total{daemon=\"cleanerd\"}") == 0);
	free(page);
}
END_TEST

Suite *
metrics_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("metrics"),
		FIXTURE_CHECKED(harness_setup, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_metrics_promtool_and_figures),
		FIXTURE_TEST(test_metrics_daemon_up_and_restarts),
		FIXTURE_END
	};

	return (fixture_suite("metrics", tests));
}
