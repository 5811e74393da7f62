/*
 * Agents and racks on the real daemons with the local executor: this host
 * is the one agent, in the DEFAULT rack.  Freezing it holds every launch;
 * decommissioning it gives its tasks DECOMISSIONING cleanups, and once
 * activated again the replacements run and the old tasks go.  States,
 * their history, and the 4xx of bad calls.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*machines_suite(void);

#define V1	"/singularity/v1"

/* The agent schedulerd recorded: this host, its id into buf. */
static void
machines_agent(char *buf, size_t len)
{
	json_t	*list = NULL;
	int	 i;

	for (i = 0; i < 100; i++) {
		list = harness_get_json(V1 "/agents");
		if (json_array_size(list) == 1)
			break;
		json_decref(list);
		list = NULL;
		usleep(50000);
	}
	ck_assert_ptr_nonnull(list);
	snprintf(buf, len, "%s", json_string_value(json_object_get(
	    json_array_get(list, 0), "id")));
	json_decref(list);
}

/* Its state, from /details. */
static void
machines_state(const char *agent, char *buf, size_t len)
{
	char	 path[512];
	json_t	*a;

	snprintf(path, sizeof(path), V1 "/agents/agent/%s/details", agent);
	a = harness_get_json(path);
	snprintf(buf, len, "%s", json_string_value(json_object_get(
	    json_object_get(a, "currentState"), "state")));
	json_decref(a);
}

static void
machines_wait_state(const char *agent, const char *want)
{
	char	state[64] = "";
	int	i;

	for (i = 0; i < 200; i++) {
		machines_state(agent, state, sizeof(state));
		if (strcmp(state, want) == 0)
			return;
		usleep(50000);
	}
	ck_abort_msg("agent %s is %s, wanted %s (logs in %s)", agent, state,
	    want, harness_env.dir);
}

/* method path (its 200 answers are empty), expecting status. */
static void
machines_call(const char *method, const char *path, const char *body,
    long status)
{
	struct http_resp r;

	ck_assert_int_eq(http_do(&harness_env, method, path, body, &r), 0);
	ck_assert_msg(r.status == status, "%s %s: %ld %s", method, path,
	    r.status, r.body);
	http_resp_free(&r);
}

static void
machines_post(const char *agent, const char *action, long status)
{
	char path[512];

	snprintf(path, sizeof(path), V1 "/agents/agent/%s/%s", agent, action);
	machines_call("POST", path, "{\"message\":\"maintenance\"}", status);
}

START_TEST(test_machines_this_host)
{
	char	 agent[256], host[256], path[512];
	json_t	*a, *st, *racks, *h;

	machines_agent(agent, sizeof(agent));
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_str_eq(agent, host);
	snprintf(path, sizeof(path), V1 "/agents/agent/%s/details", agent);
	a = harness_get_json(path);
	ck_assert_str_eq(json_string_value(json_object_get(a, "host")), host);
	ck_assert_str_eq(json_string_value(json_object_get(a, "rackId")),
	    "DEFAULT");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(a,
	    "currentState"), "state")), "ACTIVE");
	ck_assert(json_is_integer(json_object_get(a, "firstSeenAt")));
	json_decref(a);
	/* The older path, and the state filter. */
	a = harness_get_json(V1 "/slaves?state=ACTIVE");
	ck_assert_int_eq(json_array_size(a), 1);
	json_decref(a);
	a = harness_get_json(V1 "/agents?state=DEAD");
	ck_assert_int_eq(json_array_size(a), 0);
	json_decref(a);
	racks = harness_get_json(V1 "/racks");
	ck_assert_int_eq(json_array_size(racks), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    racks, 0), "id")), "DEFAULT");
	json_decref(racks);
	st = harness_get_json(V1 "/state");
	ck_assert_int_eq(json_integer_value(json_object_get(st,
	    "activeAgents")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(st,
	    "activeRacks")), 1);
	json_decref(st);
	snprintf(path, sizeof(path), V1 "/agents/agent/%s", agent);
	h = harness_get_json(path);
	ck_assert_int_eq(json_array_size(h), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(h,
	    0), "state")), "ACTIVE");
	json_decref(h);
}
END_TEST

START_TEST(test_machines_freeze_holds_launches)
{
	char	agent[256];

	machines_agent(agent, sizeof(agent));
	machines_post(agent, "freeze", 200);
	machines_post(agent, "freeze", 409);
	machines_wait_state(agent, "FROZEN");
	harness_request("cold", "WORKER", 1);
	harness_deploy("cold", "d1", "sleep 1000", NULL);
	harness_wait_sql(1, 10, "SELECT count(*) FROM pending_tasks WHERE"
	    " request_id = '%s'", "cold");
	usleep(2000000);
	ck_assert_int_eq(harness_tasks("cold", NULL), 0);
	machines_post(agent, "activate", 200);
	harness_wait_tasks("cold", "TASK_RUNNING", 1, 10);
	/* The history: ACTIVE, FROZEN (with the message), ACTIVE. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM machine_states"
	    " WHERE kind = 'AGENT' AND object_id = '%s'", agent), 3);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM machine_states"
	    " WHERE state = 'FROZEN' AND message = 'maintenance'"), 1);
}
END_TEST

START_TEST(test_machines_decommission_moves_tasks)
{
	char	agent[256], old[256];

	machines_agent(agent, sizeof(agent));
	harness_request("svc", "SERVICE", 1);
	harness_deploy("svc", "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	json_decref(harness_wait_json(V1 "/history/request/svc/deploy/d1",
	    harness_deploy_state_is, "SUCCEEDED", 20000));
	harness_sql_text(&harness_env, "SELECT task_id FROM tasks WHERE"
	    " request_id = 'svc' AND active = 1", old, sizeof(old));
	machines_post(agent, "decommission", 200);
	machines_post(agent, "decommission", 409);
	machines_post(agent, "freeze", 409);
	machines_wait_state(agent, "DECOMMISSIONING");
	harness_wait_sql(1, 10, "SELECT count(*) FROM task_cleanups WHERE"
	    " task_id = '%s' AND cleanup_type = 'DECOMISSIONING'", old);
	/* Nowhere else to go: the task keeps serving meanwhile. */
	usleep(1500000);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " task_id = '%s' AND state = 'TASK_RUNNING'", old), 1);
	ck_assert_int_eq(harness_tasks("svc", NULL), 1);
	/* Back: the replacement runs, then the old task goes. */
	machines_post(agent, "activate", 200);
	harness_wait_sql(1, 20, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND state = 'TASK_RUNNING' AND"
	    " task_id <> '%s'", old);
	harness_wait_sql(1, 20, "SELECT count(*) FROM tasks WHERE"
	    " task_id = '%s' AND active = 0", old);
	harness_wait_processes("sleep", 1, 20);
}
END_TEST

START_TEST(test_machines_decommissioned_and_forgotten)
{
	char	agent[256], path[512];

	machines_agent(agent, sizeof(agent));
	snprintf(path, sizeof(path), V1 "/agents/agent/%s", agent);
	http_expect_error(&harness_env, "DELETE", path, NULL, 409,
	    "neither DEAD nor DECOMMISSIONED");
	machines_post(agent, "decommission", 200);
	machines_wait_state(agent, "DECOMMISSIONED");
	machines_call("DELETE", path, NULL, 200);
	snprintf(path, sizeof(path), V1 "/agents/agent/%s/details", agent);
	http_expect_error(&harness_env, "GET", path, NULL, 404, agent);
}
END_TEST

START_TEST(test_machines_bad_calls)
{
	char	agent[256], path[512];

	machines_agent(agent, sizeof(agent));
	http_expect_error(&harness_env, "GET", V1 "/agents?state=SLEEPY",
	    NULL, 400, "SLEEPY");
	http_expect_error(&harness_env, "GET", V1 "/agents/agent/nosuch/"
	    "details", NULL, 404, "nosuch");
	http_expect_error(&harness_env, "GET", V1 "/agents/agent/nosuch",
	    NULL, 404, "nosuch");
	http_expect_error(&harness_env, "POST", V1 "/agents/agent/nosuch/"
	    "freeze", NULL, 404, "nosuch");
	http_expect_error(&harness_env, "POST", V1 "/agents/agent/a*b/"
	    "freeze", NULL, 400, "a*b");
	http_expect_error(&harness_env, "POST", V1 "/racks/rack/nosuch/"
	    "decommission", NULL, 404, "nosuch");
	snprintf(path, sizeof(path), V1 "/agents/agent/%s/freeze", agent);
	http_expect_error(&harness_env, "POST", path, "[1]", 400,
	    "SingularityMachineChangeRequest");
	http_expect_error(&harness_env, "POST", path,
	    "{\"durationMillis\":1000}", 400, "durationMillis");
	http_expect_error(&harness_env, "POST", path, "{\"message\":3}", 400,
	    "message");
	snprintf(path, sizeof(path), V1 "/agents/agent/%s/activate", agent);
	http_expect_error(&harness_env, "POST", path, NULL, 409,
	    "FAILURE_ALREADY_AT_STATE");
	/* None of it changed anything. */
	ck_assert_int_eq(harness_count("SELECT count(*) FROM machine_states"
	    " WHERE object_id = '%s'", agent), 1);
}
END_TEST

/* A rack's change reaches its agents. */
START_TEST(test_machines_rack_freeze)
{
	char	agent[256];

	machines_agent(agent, sizeof(agent));
	machines_call("POST", V1 "/racks/rack/DEFAULT/freeze", NULL, 200);
	machines_wait_state(agent, "FROZEN");
	machines_call("POST", V1 "/racks/rack/DEFAULT/activate", NULL, 200);
	machines_wait_state(agent, "ACTIVE");
}
END_TEST

Suite *
machines_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("machines"),
		FIXTURE_CHECKED(harness_setup_short_grace, harness_teardown),
		FIXTURE_TIMEOUT(60),
		FIXTURE_TEST(test_machines_this_host),
		FIXTURE_TEST(test_machines_freeze_holds_launches),
		FIXTURE_TEST(test_machines_decommission_moves_tasks),
		FIXTURE_TEST(test_machines_decommissioned_and_forgotten),
		FIXTURE_TEST(test_machines_bad_calls),
		FIXTURE_TEST(test_machines_rack_freeze),
		FIXTURE_END
	};

	return (fixture_suite("machines", tests));
}
