/*
 * Unit tests for common/model/deploy_step.c: the plan a deploy's step
 * fields give (read from the deploy as deploy_normalize() stores it, so
 * the legacy fields and canaryDeploySettings are tested through their
 * conversion), the first progress, the next target, how many old tasks a
 * step stops, what the old deploy keeps, when a step may advance, and
 * the cleanup type of a deploy that ends badly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "deploy.h"
#include "deploy_step.h"
#include "fixture.h"

#define CHECK_STEP_SERVICE(n)						\
	"{'id':'web','requestType':'SERVICE','instances':" #n "}"
#define CHECK_STEP_BASE	"'id':'d2','requestId':'web','command':'run'"

/* The plan of deploy text (single quotes) for request text. */
static void
check_step_plan(const char *deploy_text, const char *request_text,
    struct deploy_step_plan *ret)
{
	json_t	*posted, *request, *deploy = NULL;
	char	 err[512];

	posted = fixture_json(deploy_text);
	request = fixture_json(request_text);
	ck_assert_msg(deploy_normalize(posted, request, &deploy, err,
	    sizeof(err)) == 0, "%s: %s", deploy_text, err);
	deploy_step_plan(deploy, request, ret);
	json_decref(deploy);
	json_decref(request);
	json_decref(posted);
}

static void
check_step_assert_json(const json_t *got, const char *want_text)
{
	json_t	*want = fixture_json(want_text);
	char	*a = json_dumps(got, JSON_SORT_KEYS);
	char	*b = json_dumps(want, JSON_SORT_KEYS);

	ck_assert_msg(json_equal(got, want), "got %s, want %s", a, b);
	free(a);
	free(b);
	json_decref(want);
}

/* Every member of the plan, in one message when one differs. */
static void
check_step_assert_plan(const struct deploy_step_plan *got,
    const struct deploy_step_plan *want)
{
	ck_assert_msg(got->instances == want->instances &&
	    got->per_step == want->per_step && got->wait_ms == want->wait_ms &&
	    got->auto_advance == want->auto_advance &&
	    got->max_failures == want->max_failures &&
	    got->cycles == want->cycles && got->stepped == want->stepped,
	    "plan {instances %d, per_step %d, wait %lld, auto %d, failures %d,"
	    " cycles %d, stepped %d}", got->instances, got->per_step,
	    (long long)got->wait_ms, got->auto_advance, got->max_failures,
	    got->cycles, got->stepped);
}

START_TEST(test_deploy_step_plain_deploy_is_one_step)
{
	struct deploy_step_plan p;

	check_step_plan("{" CHECK_STEP_BASE "}", CHECK_STEP_SERVICE(4), &p);
	check_step_assert_plan(&p, &(struct deploy_step_plan){ .instances = 4,
	    .per_step = 4, .auto_advance = 1 });
	ck_assert_int_eq(deploy_step_next_target(&p, 4), 4);
}
END_TEST

START_TEST(test_deploy_step_legacy_fields)
{
	struct deploy_step_plan p;

	check_step_plan("{" CHECK_STEP_BASE ",'deployInstanceCountPerStep':2,"
	    "'deployStepWaitTimeMs':1500,'autoAdvanceDeploySteps':false,"
	    "'maxTaskRetries':1}", CHECK_STEP_SERVICE(10), &p);
	/* The 0.5 meaning: 2 more each step until all 10 run (no cycles). */
	check_step_assert_plan(&p, &(struct deploy_step_plan){
	    .instances = 10, .per_step = 2, .wait_ms = 1500,
	    .max_failures = 1, .stepped = 1 });
	ck_assert_int_eq(deploy_step_next_target(&p, 2), 4);
	ck_assert_int_eq(deploy_step_next_target(&p, 6), 8);
	ck_assert_int_eq(deploy_step_next_target(&p, 8), 10);
	ck_assert_int_eq(deploy_step_next_target(&p, 10), 10);
}
END_TEST

START_TEST(test_deploy_step_canary_settings)
{
	struct deploy_step_plan p;

	check_step_plan("{" CHECK_STEP_BASE ",'canaryDeploySettings':{"
	    "'enableCanaryDeploy':true,'instanceGroupSize':1,"
	    "'acceptanceMode':'TIMED','waitMillisBetweenGroups':700,"
	    "'allowedTasksFailuresPerGroup':2,'canaryCycleCount':3}}",
	    CHECK_STEP_SERVICE(10), &p);
	check_step_assert_plan(&p, &(struct deploy_step_plan){
	    .instances = 10, .per_step = 1, .wait_ms = 700, .auto_advance = 1,
	    .max_failures = 2, .cycles = 3, .stepped = 1 });
	ck_assert_int_eq(deploy_step_next_target(&p, 1), 2);
	ck_assert_int_eq(deploy_step_next_target(&p, 2), 3);
	/* Three groups done: the other seven at once. */
	ck_assert_int_eq(deploy_step_next_target(&p, 3), 10);

	/* NONE (and CHECKS, which has no hooks here) waits for nothing. */
	check_step_plan("{" CHECK_STEP_BASE ",'canaryDeploySettings':{"
	    "'enableCanaryDeploy':true,'instanceGroupSize':2,"
	    "'waitMillisBetweenGroups':700}}", CHECK_STEP_SERVICE(4), &p);
	check_step_assert_plan(&p, &(struct deploy_step_plan){ .instances = 4,
	    .per_step = 2, .auto_advance = 1, .cycles = 3, .stepped = 1 });

	/* Settings that do not enable a canary: one step, their retries. */
	check_step_plan("{" CHECK_STEP_BASE ",'canaryDeploySettings':{"
	    "'instanceGroupSize':1,'allowedTasksFailuresPerGroup':3}}",
	    CHECK_STEP_SERVICE(4), &p);
	check_step_assert_plan(&p, &(struct deploy_step_plan){ .instances = 4,
	    .per_step = 4, .auto_advance = 1, .max_failures = 3 });
}
END_TEST

START_TEST(test_deploy_step_first_progress)
{
	struct deploy_step_plan	 p;
	json_t			*pr;

	check_step_plan("{" CHECK_STEP_BASE ",'deployInstanceCountPerStep':2,"
	    "'deployStepWaitTimeMs':1500}", CHECK_STEP_SERVICE(4), &p);
	pr = deploy_step_progress_new(&p, 1, 1234);
	check_step_assert_json(pr, "{'targetActiveInstances':2,"
	    "'currentActiveInstances':0,'deployInstanceCountPerStep':2,"
	    "'deployStepWaitTimeMs':1500,'stepComplete':false,"
	    "'autoAdvanceDeploySteps':true,'failedDeployTasks':[],"
	    "'timestamp':1234,'stepLaunchComplete':false,"
	    "'stepAcceptanceResults':{},'acceptanceResultMessageHistory':[],"
	    "'lbUpdates':{},'canary':true}");
	json_decref(pr);

	/* More per step than instances: the first step takes them all. */
	check_step_plan("{" CHECK_STEP_BASE ",'deployInstanceCountPerStep':9}",
	    CHECK_STEP_SERVICE(4), &p);
	pr = deploy_step_progress_new(&p, 1, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(pr,
	    "targetActiveInstances")), 4);
	json_decref(pr);

	/* Not long-running: the trivial, finished progress. */
	pr = deploy_step_progress_new(&p, 0, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(pr,
	    "targetActiveInstances")), 1);
	ck_assert(json_is_true(json_object_get(pr, "stepComplete")));
	ck_assert(json_is_true(json_object_get(pr, "stepLaunchComplete")));
	json_decref(pr);
}
END_TEST

START_TEST(test_deploy_step_old_tasks_to_stop)
{
	/* 4 instances, 2 new healthy: 2 of the 4 old ones go. */
	ck_assert_int_eq(deploy_step_old_to_stop(4, 2, 4), 2);
	/* Then the last 2 when all 4 are new. */
	ck_assert_int_eq(deploy_step_old_to_stop(4, 4, 2), 2);
	/* An old task already missing is not stopped twice. */
	ck_assert_int_eq(deploy_step_old_to_stop(4, 2, 1), 0);
	ck_assert_int_eq(deploy_step_old_to_stop(4, 3, 2), 1);
}
END_TEST

START_TEST(test_deploy_step_old_deploy_keeps)
{
	json_t *pr;

	pr = fixture_json("{'canary':true,'targetActiveInstances':4,"
	    "'currentActiveInstances':2}");
	ck_assert_int_eq(deploy_step_old_expected(pr, 4), 2);
	json_decref(pr);
	/* Healthy beyond the target take over no more than the target. */
	pr = fixture_json("{'canary':true,'targetActiveInstances':2,"
	    "'currentActiveInstances':3}");
	ck_assert_int_eq(deploy_step_old_expected(pr, 4), 2);
	json_decref(pr);
	pr = fixture_json("{'canary':false,'targetActiveInstances':4,"
	    "'currentActiveInstances':3}");
	ck_assert_int_eq(deploy_step_old_expected(pr, 4), 4);
	json_decref(pr);
}
END_TEST

START_TEST(test_deploy_step_advance_timing)
{
	struct deploy_step_plan	 p = { .instances = 4, .per_step = 2,
				    .wait_ms = 1000, .auto_advance = 1,
				    .stepped = 1 };
	json_t			*pr;

	pr = fixture_json("{'timestamp':5000,'stepComplete':true}");
	ck_assert_int_eq(deploy_step_may_advance(&p, pr, 5999), 0);
	ck_assert_int_eq(deploy_step_may_advance(&p, pr, 6000), 1);
	p.auto_advance = 0;
	ck_assert_int_eq(deploy_step_may_advance(&p, pr, 60000), 0);
	json_decref(pr);
}
END_TEST

START_TEST(test_deploy_step_cleanup_types)
{
	static const struct {
		int		 stepped;
		const char	*state;
		const char	*type;
	} rows[] = {
		{ 1, "FAILED", "INCREMENTAL_DEPLOY_FAILED" },
		{ 1, "OVERDUE", "INCREMENTAL_DEPLOY_FAILED" },
		{ 1, "CANCELED", "INCREMENTAL_DEPLOY_CANCELLED" },
		{ 0, "FAILED", "DEPLOY_FAILED" },
		{ 0, "OVERDUE", "DEPLOY_FAILED" },
		{ 0, "CANCELED", "DEPLOY_CANCELED" },
		{ 0, "SUCCEEDED", "DEPLOY_STEP_FINISHED" },
		{ 1, "SUCCEEDED", "DEPLOY_STEP_FINISHED" },
	};
	int i;

	for (i = 0; i < FIXTURE_N(rows); i++)
		ck_assert_str_eq(deploy_step_cleanup_type(rows[i].stepped,
		    rows[i].state), rows[i].type);
}
END_TEST

Suite	*deploy_step_suite(void);

Suite *
deploy_step_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("plan"),
		FIXTURE_TEST(test_deploy_step_plain_deploy_is_one_step),
		FIXTURE_TEST(test_deploy_step_legacy_fields),
		FIXTURE_TEST(test_deploy_step_canary_settings),
		FIXTURE_TEST(test_deploy_step_first_progress),
		FIXTURE_CASE("steps"),
		FIXTURE_TEST(test_deploy_step_old_tasks_to_stop),
		FIXTURE_TEST(test_deploy_step_old_deploy_keeps),
		FIXTURE_TEST(test_deploy_step_advance_timing),
		FIXTURE_TEST(test_deploy_step_cleanup_types),
		FIXTURE_END
	};

	return (fixture_suite("deploy_step", tests));
}
