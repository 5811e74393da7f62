/*
 * Deploys in steps on the real daemons (issue 14 part 3): a 4-instance
 * service moves from d1 to d2 two instances at a time, the old tasks
 * stopping only as new ones turn healthy and the request never serving
 * with fewer than its instances; a deploy that waits at each step for
 * POST /deploys/update; a failing step that rolls back to the old deploy
 * at full strength; a cancelled one; canaryDeploySettings that jump to
 * every instance after their cycles; tasks a deploy may lose and
 * replace; the deployProgress clients see; and the refusals of POST /deploys/update.  State is sampled in one SQL
 * snapshot at a time, so each check sees one consistent moment.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fixture.h"
#include "harness.h"

Suite	*incremental_suite(void);

#define V1	HARNESS_V1
/* d2 of svc, 2 instances a step; its tasks healthy after 1 s. */
#define INCR_STEPS	HARNESS_HEALTHY_1S ",\"deployInstanceCountPerStep\":2"

/* One moment of a deploy from d1 to d2 (the store, one read). */
struct incr_sample {
	int	old_serving;	/* d1 RUNNING and healthy, no kill sent */
	int	new_serving;	/* d2 healthy, no kill sent */
	int	old_stopped;	/* d1 ended or given a cleanup */
	int	new_healthy;	/* d2 ever healthy */
	int	new_active;
	int	new_counted;	/* d2 active with no cleanup */
	int	target;		/* -1: no pending deploy */
	int	complete;	/* stepComplete */
	char	state[32];	/* d2's deployState, "-" while pending */
};

#define INCR_NOT_KILLED							\
	" AND NOT EXISTS (SELECT 1 FROM task_cleanups c"		\
	"  WHERE c.task_id = t.task_id AND c.kill_sent_at IS NOT NULL)"

static void
incr_sample(const char *request, struct incr_sample *ret)
{
	char	sql[4096], row[256];

	ck_assert_int_lt(snprintf(sql, sizeof(sql), "SELECT printf("
	    "'%%d %%d %%d %%d %%d %%d %%d %%d %%s',"
	    " (SELECT count(*) FROM tasks t WHERE t.request_id = '%s'"
	    "  AND t.deploy_id = 'd1' AND t.active = 1"
	    "  AND t.state = 'TASK_RUNNING' AND t.healthy_at IS NOT NULL"
	    INCR_NOT_KILLED "),"
	    " (SELECT count(*) FROM tasks t WHERE t.request_id = '%s'"
	    "  AND t.deploy_id = 'd2' AND t.active = 1"
	    "  AND t.healthy_at IS NOT NULL" INCR_NOT_KILLED "),"
	    " (SELECT count(*) FROM tasks t WHERE t.request_id = '%s'"
	    "  AND t.deploy_id = 'd1' AND (t.active = 0 OR EXISTS (SELECT 1"
	    "  FROM task_cleanups c WHERE c.task_id = t.task_id))),"
	    " (SELECT count(*) FROM tasks WHERE request_id = '%s'"
	    "  AND deploy_id = 'd2' AND healthy_at IS NOT NULL),"
	    " (SELECT count(*) FROM tasks WHERE request_id = '%s'"
	    "  AND deploy_id = 'd2' AND active = 1),"
	    " (SELECT count(*) FROM tasks t WHERE t.request_id = '%s'"
	    "  AND t.deploy_id = 'd2' AND t.active = 1 AND NOT EXISTS"
	    "  (SELECT 1 FROM task_cleanups c WHERE c.task_id = t.task_id)),"
	    " coalesce((SELECT pending_json ->>"
	    "  '$.deployProgress.targetActiveInstances' FROM pending_deploys"
	    "  WHERE request_id = '%s'), -1),"
	    " coalesce((SELECT pending_json ->> '$.deployProgress.stepComplete'"
	    "  FROM pending_deploys WHERE request_id = '%s'), 0),"
	    " coalesce((SELECT result_json ->> '$.deployState' FROM deploys"
	    "  WHERE request_id = '%s' AND deploy_id = 'd2'), '-'))",
	    request, request, request, request, request, request, request,
	    request, request), (int)sizeof(sql));
	harness_sql_text(&harness_env, sql, row, sizeof(row));
	ck_assert_int_eq(sscanf(row, "%d %d %d %d %d %d %d %d %31s",
	    &ret->old_serving, &ret->new_serving, &ret->old_stopped,
	    &ret->new_healthy, &ret->new_active, &ret->new_counted,
	    &ret->target, &ret->complete, ret->state), 9);
}

/*
 * What Singularity promises of a deploy in steps, at every moment: the
 * request serves with at least its instances (old tasks not being killed
 * plus healthy new ones), no old task is stopped before as many new ones
 * are healthy, and the new deploy runs no more tasks than its target
 * (but those on their way out).
 */
static void
incr_assert_guarantees(const struct incr_sample *m, int instances)
{
	ck_assert_msg(m->old_serving + m->new_serving >= instances,
	    "under capacity: %d old + %d new healthy < %d", m->old_serving,
	    m->new_serving, instances);
	ck_assert_msg(m->old_stopped <= m->new_healthy, "%d old tasks "
	    "stopped with only %d new ones healthy", m->old_stopped,
	    m->new_healthy);
	if (m->target >= 0)
		ck_assert_msg(m->new_counted <= m->target, "%d new tasks for a "
		    "target of %d", m->new_counted, m->target);
}

/* A service of `instances` running `sleep 1000` as its active d1. */
static void
incr_deployed(const char *request, int instances)
{
	harness_request(request, "SERVICE", instances);
	harness_deploy(request, "d1", "sleep 1000", HARNESS_HEALTHY_1S);
	harness_wait_deployed(request, "d1", 15000);
	harness_wait_sql(instances, 10, "SELECT count(*) FROM tasks WHERE"
	    " request_id = '%s' AND active = 1 AND healthy_at IS NOT NULL",
	    request);
}

/* Sample until d2's deploy is no longer pending, checking the promises
 * at each moment; the last sample in ret. */
static void
incr_follow(const char *request, int instances, int seconds,
    void (*seen)(const struct incr_sample *, void *), void *arg,
    struct incr_sample *ret)
{
	int i;

	for (i = 0; i < seconds * 40; i++) {
		incr_sample(request, ret);
		incr_assert_guarantees(ret, instances);
		if (seen != NULL)
			seen(ret, arg);
		if (strcmp(ret->state, "-") != 0)
			return;
		usleep(25000);
	}
	ck_abort_msg("deploy d2 of %s still pending after %d s (logs in %s)",
	    request, seconds, harness_env.dir);
}

/* Wait until the pending deploy's progress says target and complete. */
static void
incr_wait_step(const char *request, int target, int complete)
{
	harness_wait_sql(1, 15, "SELECT count(*) FROM pending_deploys WHERE"
	    " request_id = '%s' AND pending_json ->>"
	    " '$.deployProgress.targetActiveInstances' = %d AND pending_json"
	    " ->> '$.deployProgress.stepComplete' = %d", request, target,
	    complete);
}

/* What incr_follow saw of the steps. */
struct incr_steps {
	int	targets[8];	/* distinct targets, in order */
	int	ntargets;
	int	between;	/* a finished first step: 2 old, 2 new */
};

static void
incr_steps_seen(const struct incr_sample *m, void *arg)
{
	struct incr_steps *st = arg;

	if (m->target > 0 && (st->ntargets == 0 ||
	    st->targets[st->ntargets - 1] != m->target) && st->ntargets < 8)
		st->targets[st->ntargets++] = m->target;
	if (m->target == 2 && m->complete && m->old_serving == 2 &&
	    m->new_active == 2)
		st->between = 1;
}

/*
 * svc, 4 instances of d1, moves to d2 (its extra deploy members): follow
 * it to SUCCEEDED, checking the promises, and check the targets its
 * steps went through ("2 4").
 */
static void
incr_deploy_through(const char *extra, const char *targets,
    struct incr_steps *st)
{
	struct incr_sample	m;
	char			seen[64] = "";
	size_t			len;
	int			i;

	incr_deployed("svc", 4);
	harness_deploy("svc", "d2", "sleep 1001", extra);
	incr_follow("svc", 4, 40, incr_steps_seen, st, &m);
	ck_assert_str_eq(m.state, "SUCCEEDED");
	for (i = 0; i < st->ntargets; i++) {
		len = strlen(seen);
		(void)snprintf(seen + len, sizeof(seen) - len, "%s%d",
		    i > 0 ? " " : "", st->targets[i]);
	}
	ck_assert_str_eq(seen, targets);
}

START_TEST(test_incremental_two_per_step)
{
	struct incr_steps	st = { .ntargets = 0 };

	incr_deploy_through(INCR_STEPS ",\"deployStepWaitTimeMs\":1500", "2 4",
	    &st);
	ck_assert_msg(st.between, "never saw the first step done with 2 old "
	    "and 2 new tasks");
	harness_wait_sql(4, 10, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND deploy_id = 'd1'"
	    " AND state = 'TASK_KILLED'");
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND deploy_id = 'd2' AND active = 1"
	    " AND state = 'TASK_RUNNING'"), 4);
	/* The lowest instance numbers went first, with the first step. */
	ck_assert_int_eq(harness_count("SELECT (SELECT max(u.timestamp)"
	    " FROM task_updates u JOIN tasks t ON t.task_id = u.task_id"
	    " WHERE t.request_id = 'svc' AND t.deploy_id = 'd1'"
	    " AND t.instance_no <= 2 AND u.state = 'TASK_KILLED') <"
	    " (SELECT min(u.timestamp) FROM task_updates u JOIN tasks t"
	    " ON t.task_id = u.task_id WHERE t.request_id = 'svc'"
	    " AND t.deploy_id = 'd1' AND t.instance_no > 2"
	    " AND u.state = 'TASK_KILLED')"), 1);
	/* No old task was replaced while the deploy took its place. */
	ck_assert_int_eq(harness_tasks("svc", NULL), 8);
	harness_wait_deployed("svc", "d2", 5000);
}
END_TEST

/* deployProgress as GET /deploys/pending and the request show it. */
static void
incr_assert_progress(const json_t *progress, int target, int complete)
{
	ck_assert_int_eq(json_integer_value(json_object_get(progress,
	    "targetActiveInstances")), target);
	ck_assert_int_eq(json_integer_value(json_object_get(progress,
	    "currentActiveInstances")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(progress,
	    "deployInstanceCountPerStep")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(progress,
	    "deployStepWaitTimeMs")), 0);
	ck_assert(json_is_false(json_object_get(progress,
	    "autoAdvanceDeploySteps")));
	ck_assert_int_eq(json_is_true(json_object_get(progress,
	    "stepComplete")), complete);
	ck_assert_int_eq(json_is_true(json_object_get(progress,
	    "stepLaunchComplete")), complete);
	ck_assert(json_is_true(json_object_get(progress, "canary")));
	ck_assert_int_eq(json_array_size(json_object_get(progress,
	    "failedDeployTasks")), 0);
	ck_assert(json_is_array(json_object_get(progress,
	    "failedDeployTasks")));
	ck_assert_int_gt(json_integer_value(json_object_get(progress,
	    "timestamp")), 0);
}

static void
incr_assert_shown(int target, int complete)
{
	json_t	*pending, *parent, *pds;

	pending = harness_get_json(V1 "/deploys/pending");
	ck_assert_int_eq(json_array_size(pending), 1);
	pds = json_array_get(pending, 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    pds, "deployMarker"), "deployId")), "d2");
	incr_assert_progress(json_object_get(pds, "deployProgress"), target,
	    complete);
	ck_assert_ptr_null(json_object_get(pds, "updatePendingDeployRequest"));
	json_decref(pending);
	parent = harness_get_json(V1 "/requests/request/svc");
	pds = json_object_get(parent, "pendingDeployState");
	incr_assert_progress(json_object_get(pds, "deployProgress"), target,
	    complete);
	ck_assert_str_eq(json_string_value(json_object_get(pds,
	    "currentDeployState")), "WAITING");
	ck_assert_ptr_null(json_object_get(pds, "updatePendingDeployRequest"));
	ck_assert_ptr_null(json_object_get(pds, "unpauseOnSuccessfulDeploy"));
	json_decref(parent);
}

static void
incr_update(int target)
{
	char	body[256];
	json_t	*parent;

	ck_assert_int_lt(snprintf(body, sizeof(body), "{\"requestId\":\"svc\","
	    "\"deployId\":\"d2\",\"targetActiveInstances\":%d}", target),
	    (int)sizeof(body));
	parent = http_json(&harness_env, "POST", V1 "/deploys/update", body,
	    200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    parent, "request"), "id")), "svc");
	ck_assert_ptr_null(json_object_get(json_object_get(parent,
	    "pendingDeployState"), "updatePendingDeployRequest"));
	json_decref(parent);
}

/* Sample, checking the promises, until d1 serves instances - new and
 * d2 runs new (nothing else), at a complete step. */
static void
incr_until_steady(const char *request, int new)
{
	struct incr_sample	m;
	int			i;

	for (i = 0; i < 20 * 40; i++) {
		incr_sample(request, &m);
		incr_assert_guarantees(&m, 4);
		if (m.target == new && m.complete && m.new_active == new &&
		    m.new_serving == new && m.old_serving == 4 - new)
			return;
		usleep(25000);
	}
	ck_abort_msg("not steady at %d new: %d old, %d new serving, %d active "
	    "(logs in %s)", new, m.old_serving, m.new_serving, m.new_active,
	    harness_env.dir);
}

/* svc moving from d1 to d2 by hand, its first step done. */
static void
incr_manual_first_step(void)
{
	incr_deployed("svc", 4);
	harness_deploy("svc", "d2", "sleep 1001", INCR_STEPS
	    ",\"autoAdvanceDeploySteps\":false");
	incr_wait_step("svc", 2, 1);
}

START_TEST(test_incremental_manual_steps)
{
	struct incr_sample m;

	incr_manual_first_step();
	incr_assert_shown(2, 1);
	/* It waits: well past a step's time, still 2 old and 2 new. */
	harness_wait_sql(2, 10, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND deploy_id = 'd1'"
	    " AND state = 'TASK_KILLED'");
	usleep(2500000);
	incr_sample("svc", &m);
	incr_assert_guarantees(&m, 4);
	ck_assert_int_eq(m.target, 2);
	ck_assert_int_eq(m.complete, 1);
	ck_assert_int_eq(m.old_serving, 2);
	ck_assert_int_eq(m.new_active, 2);
	incr_assert_shown(2, 1);
	/* One more instance by hand, then the rest. */
	incr_update(3);
	incr_wait_step("svc", 3, 1);
	harness_wait_sql(3, 10, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND deploy_id = 'd1'"
	    " AND state = 'TASK_KILLED'");
	incr_sample("svc", &m);
	incr_assert_guarantees(&m, 4);
	ck_assert_int_eq(m.old_serving, 1);
	ck_assert_int_eq(m.new_active, 3);
	/* A step back: the old deploy gets an instance back before the new
	 * one beyond the target goes. */
	incr_update(2);
	incr_until_steady("svc", 2);
	incr_update(4);
	incr_follow("svc", 4, 20, NULL, NULL, &m);
	ck_assert_str_eq(m.state, "SUCCEEDED");
	harness_wait_deployed("svc", "d2", 5000);
	harness_wait_sql(4, 10, "SELECT count(*) FROM tasks WHERE"
	    " request_id = 'svc' AND deploy_id = 'd1'"
	    " AND state = 'TASK_KILLED'");
}
END_TEST

START_TEST(test_incremental_failing_step_rolls_back)
{
	struct incr_sample	m;
	json_t			*h, *failures;
	int			i, waited = 0;

	incr_deployed("svc", 4);
	/* The first step's two tasks run; the second step's fail. */
	harness_deploy("svc", "d2", "[ $INSTANCE_NO -le 2 ] || exit 7;"
	    " sleep 1001", INCR_STEPS);
	incr_follow("svc", 4, 40, NULL, NULL, &m);
	ck_assert_str_eq(m.state, "FAILED");
	h = harness_get_json(V1 "/history/request/svc/deploy/d2");
	failures = json_object_get(json_object_get(h, "deployResult"),
	    "deployFailures");
	ck_assert_int_ge(json_array_size(failures), 1);
	ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(
	    json_array_get(failures, 0), "taskId"), "instanceNo")), 2);
	json_decref(h);
	/* The new deploy's healthy tasks serve until the old deploy is back
	 * at full strength, then go. */
	for (i = 0; i < 400; i++) {
		incr_sample("svc", &m);
		ck_assert_msg(m.old_serving + m.new_serving >= 4, "rollback "
		    "under capacity: %d old + %d new", m.old_serving,
		    m.new_serving);
		waited |= harness_count("SELECT count(*) FROM task_cleanups"
		    " WHERE request_id = 'svc' AND cleanup_type ="
		    " 'INCREMENTAL_DEPLOY_FAILED'") > 0 && m.old_serving < 4;
		if (m.old_serving == 4 && m.new_active == 0)
			break;
		usleep(25000);
	}
	ck_assert_msg(m.old_serving == 4 && m.new_active == 0, "old %d, new "
	    "%d after the rollback (logs in %s)", m.old_serving, m.new_active,
	    harness_env.dir);
	ck_assert_msg(waited, "the new tasks did not wait for the old ones");
	h = harness_get_json(V1 "/requests/request/svc");
	ck_assert(harness_active_deploy_is(h, "d1"));
	ck_assert_ptr_null(json_object_get(h, "pendingDeploy"));
	json_decref(h);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM pending_tasks"
	    " WHERE request_id = 'svc' AND deploy_id = 'd2'"), 0);
}
END_TEST

START_TEST(test_incremental_cancel_restores_old)
{
	struct incr_sample m;

	incr_manual_first_step();
	json_decref(http_json(&harness_env, "DELETE",
	    V1 "/deploys/deploy/d2/request/svc", NULL, 200));
	incr_follow("svc", 4, 20, NULL, NULL, &m);
	ck_assert_str_eq(m.state, "CANCELED");
	harness_wait_sql(1, 20, "SELECT count(*) = 4 FROM tasks t WHERE"
	    " request_id = 'svc' AND deploy_id = 'd1' AND active = 1"
	    " AND state = 'TASK_RUNNING'" INCR_NOT_KILLED);
	harness_wait_sql(1, 20, "SELECT count(*) = 0 FROM tasks WHERE"
	    " request_id = 'svc' AND deploy_id = 'd2' AND active = 1");
	ck_assert_int_eq(harness_count("SELECT count(*) FROM task_updates u"
	    " JOIN tasks t ON t.task_id = u.task_id WHERE t.deploy_id = 'd2'"
	    " AND u.state = 'TASK_KILLED'"), 2);
}
END_TEST

/* Canary settings as posted: one instance a step for two cycles, then
 * the rest at once. */
START_TEST(test_incremental_canary_cycles)
{
	struct incr_steps	 st = { .ntargets = 0 };
	json_t			*h, *c;

	incr_deploy_through(HARNESS_HEALTHY_1S ",\"canaryDeploySettings\":{"
	    "\"enableCanaryDeploy\":true,\"instanceGroupSize\":1,"
	    "\"acceptanceMode\":\"NONE\",\"canaryCycleCount\":2}", "1 2 4",
	    &st);
	/* The legacy fields come back as the canary settings they mean. */
	harness_request("old", "SERVICE", 2);
	harness_deploy("old", "d1", "sleep 1000", INCR_STEPS
	    ",\"deployStepWaitTimeMs\":100,\"maxTaskRetries\":1");
	h = harness_get_json(V1 "/history/request/old/deploy/d1");
	c = json_object_get(json_object_get(h, "deploy"),
	    "canaryDeploySettings");
	ck_assert(json_is_true(json_object_get(c, "enableCanaryDeploy")));
	ck_assert_int_eq(json_integer_value(json_object_get(c,
	    "instanceGroupSize")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(c,
	    "acceptanceMode")), "TIMED");
	ck_assert_int_eq(json_integer_value(json_object_get(c,
	    "waitMillisBetweenGroups")), 100);
	ck_assert_int_eq(json_integer_value(json_object_get(c,
	    "allowedTasksFailuresPerGroup")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    h, "deploy"), "deployInstanceCountPerStep")), 2);
	json_decref(h);
}
END_TEST

/* A deploy may lose maxTaskRetries of its tasks: each is replaced and
 * listed in failedDeployTasks; one more fails the deploy. */
START_TEST(test_incremental_task_retries)
{
	char	 shared[1100], cmd[1300];
	json_t	*h;

	incr_deployed("svc", 2);
	/* The first d2 task to start fails; tasks may run as nobody. */
	ck_assert_int_lt(snprintf(shared, sizeof(shared), "%s/shared",
	    harness_env.dir), (int)sizeof(shared));
	ck_assert_int_eq(mkdir(shared, 0777), 0);
	ck_assert_int_eq(chmod(shared, 0777), 0);
	ck_assert_int_lt(snprintf(cmd, sizeof(cmd), "mkdir %s/once 2>/dev/null"
	    " && exit 3; sleep 1001", shared), (int)sizeof(cmd));
	harness_deploy("svc", "d2", cmd, HARNESS_HEALTHY_1S
	    ",\"maxTaskRetries\":1");
	harness_wait_sql(1, 15, "SELECT coalesce((SELECT json_array_length("
	    "pending_json -> '$.deployProgress.failedDeployTasks')"
	    " FROM pending_deploys WHERE request_id = 'svc'), 0)");
	h = harness_wait_json(V1 "/history/request/svc/deploy/d2",
	    harness_deploy_state_is, "SUCCEEDED", 15000);
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(h,
	    "deployResult"), "deployFailures")), 0);
	json_decref(h);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " deploy_id = 'd2' AND state = 'TASK_FAILED'"), 1);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM tasks WHERE"
	    " deploy_id = 'd2' AND active = 1"), 2);
	/* Instance 2 of d3 always fails: the second failure is one too
	 * many. */
	harness_deploy("svc", "d3", "[ $INSTANCE_NO -eq 2 ] && exit 4;"
	    " sleep 1002", HARNESS_HEALTHY_1S ",\"maxTaskRetries\":1");
	h = harness_wait_json(V1 "/history/request/svc/deploy/d3",
	    harness_deploy_state_is, "FAILED", 20000);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h,
	    "deployResult"), "message")), "2 tasks of the new deploy failed, "
	    "1 allowed");
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(h,
	    "deployResult"), "deployFailures")), 2);
	json_decref(h);
	h = harness_get_json(V1 "/requests/request/svc");
	ck_assert(harness_active_deploy_is(h, "d2"));
	json_decref(h);
}
END_TEST

#define INCR_UPDATE(t)							\
	"{\"requestId\":\"svc\",\"deployId\":\"d2\","			\
	"\"targetActiveInstances\":" #t "}"

/* Refused updates change nothing: no new target waits beside it. */
static void
incr_assert_no_update(void)
{
	ck_assert_int_eq(harness_count("SELECT count(*) FROM pending_deploys"
	    " WHERE pending_json ->> '$.updatePendingDeployRequest'"
	    " IS NOT NULL"), 0);
}

START_TEST(test_incremental_update_refusals)
{
	const char *path = V1 "/deploys/update";

	incr_deployed("svc", 4);
	http_expect_error(&harness_env, "POST", path, NULL, 400,
	    "SingularityUpdatePendingDeployRequest");
	http_expect_error(&harness_env, "POST", path, "[1]", 400,
	    "SingularityUpdatePendingDeployRequest");
	http_expect_error(&harness_env, "POST", path, "{\"deployId\":\"d2\","
	    "\"targetActiveInstances\":2}", 400, "requestId");
	http_expect_error(&harness_env, "POST", path, "{\"requestId\":\"svc\","
	    "\"deployId\":\"d-2\",\"targetActiveInstances\":2}", 400,
	    "deployId");
	http_expect_error(&harness_env, "POST", path, "{\"requestId\":\"svc\","
	    "\"deployId\":\"d2\",\"targetActiveInstances\":\"2\"}", 400,
	    "targetActiveInstances");
	http_expect_error(&harness_env, "POST", path, "{\"requestId\":\"svc\","
	    "\"deployId\":\"d2\"}", 400, "targetActiveInstances");
	http_expect_error(&harness_env, "POST", path, "{\"requestId\":\"nope\","
	    "\"deployId\":\"d2\",\"targetActiveInstances\":2}", 404, "nope");
	/* No pending deploy at all, then not this one. */
	http_expect_error(&harness_env, "POST", path, INCR_UPDATE(2), 404,
	    "does not have a pending deploy d2");
	/* schedulerd stopped: the pending deploys stay as they are. */
	ck_assert_int_ge(harness_stop_daemon(&harness_env, HARNESS_SCHEDULERD,
	    5000), 0);
	harness_deploy("svc", "d2", "sleep 1001", INCR_STEPS);
	http_expect_error(&harness_env, "POST", path, "{\"requestId\":\"svc\","
	    "\"deployId\":\"d3\",\"targetActiveInstances\":2}", 404,
	    "does not have a pending deploy d3");
	http_expect_error(&harness_env, "POST", path, INCR_UPDATE(0), 400,
	    "less than 1 instance");
	http_expect_error(&harness_env, "POST", path, INCR_UPDATE(5), 400,
	    "more instances (5) than instances set for request (4)");
	incr_assert_no_update();
	/* A good one waits beside the deploy, never shown. */
	incr_update(4);
	ck_assert_int_eq(harness_count("SELECT pending_json ->>"
	    " '$.updatePendingDeployRequest.targetActiveInstances'"
	    " FROM pending_deploys WHERE request_id = 'svc'"), 4);
	/* A deploy being cancelled takes no new target. */
	json_decref(http_json(&harness_env, "DELETE",
	    V1 "/deploys/deploy/d2/request/svc", NULL, 200));
	http_expect_error(&harness_env, "POST", path, INCR_UPDATE(3), 409,
	    "being cancelled");
	/* Nor a request whose deploys do not wait for tasks. */
	harness_request("od", "ON_DEMAND", 1);
	harness_deploy("od", "d1", "true", NULL);
	http_expect_error(&harness_env, "POST", path, "{\"requestId\":\"od\","
	    "\"deployId\":\"d1\",\"targetActiveInstances\":1}", 409,
	    "no steps");
	ck_assert_int_eq(harness_count("SELECT pending_json ->>"
	    " '$.updatePendingDeployRequest.targetActiveInstances'"
	    " FROM pending_deploys WHERE request_id = 'svc'"), 4);
	ck_assert_int_eq(harness_count("SELECT count(*) FROM pending_deploys"
	    " WHERE request_id = 'od' AND pending_json ->>"
	    " '$.updatePendingDeployRequest' IS NOT NULL"), 0);
}
END_TEST

Suite *
incremental_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("steps"),
		FIXTURE_CHECKED(harness_setup_short_grace, harness_teardown),
		FIXTURE_TIMEOUT(90),
		FIXTURE_TEST(test_incremental_two_per_step),
		FIXTURE_TEST(test_incremental_manual_steps),
		FIXTURE_TEST(test_incremental_failing_step_rolls_back),
		FIXTURE_TEST(test_incremental_cancel_restores_old),
		FIXTURE_TEST(test_incremental_canary_cycles),
		FIXTURE_TEST(test_incremental_task_retries),
		FIXTURE_TEST(test_incremental_update_refusals),
		FIXTURE_END
	};

	return (fixture_suite("incremental", tests));
}
