/*
 * Unit tests for common/request.c: enum tables, id rules, type inference,
 * a round trip of a request carrying every field of spec 2.2, aliases,
 * null and unknown fields, each type and validation error (the message
 * must name the field), schedule forms and the type-change rules.  JSON
 * in the tables is written with single quotes, turned into double quotes
 * by fixture_json().
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fixture.h"
#include <jansson.h>

#include "request.h"

/* Normalise text (and existing, if any); r is the result, err the text. */
static int
check_request_run(const char *text, const char *existing, json_t **ret,
    char *err, size_t errlen)
{
	json_t	*posted, *old = NULL;
	int	 r;

	posted = fixture_json(text);
	if (existing != NULL)
		old = fixture_json(existing);
	*ret = NULL;
	err[0] = '\0';
	r = request_normalize(posted, old, ret, err, errlen);
	json_decref(posted);
	json_decref(old);
	return (r);
}

/* Case-insensitive, as "Instances" names the instances field. */
static void
check_request_assert_fails(const char *text, const char *existing,
    const char *want)
{
	json_t	*out;
	char	 err[1024];
	int	 r;

	r = check_request_run(text, existing, &out, err, sizeof(err));
	ck_assert_msg(r == -EINVAL, "%s was accepted", text);
	ck_assert_ptr_null(out);
	ck_assert_msg(strcasestr(err, want) != NULL, "%s: '%s' lacks '%s'",
	    text, err, want);
	ck_assert_ptr_null(strchr(err, '\n'));
}

static json_t *
check_request_assert_ok(const char *text, const char *existing)
{
	json_t	*out;
	char	 err[1024];

	ck_assert_msg(check_request_run(text, existing, &out, err,
	    sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_ptr_nonnull(out);
	return (out);
}

START_TEST(test_request_enum_strings)
{
	enum request_type	 t;
	enum request_state	 s;
	int			 i;

	for (i = 0; i < REQUEST_TYPE_COUNT; i++) {
		ck_assert_int_eq(request_type_from_str(
		    request_type_to_str((enum request_type)i), &t), 0);
		ck_assert_int_eq(t, i);
	}
	for (i = 0; i < REQUEST_STATE_COUNT; i++) {
		ck_assert_int_eq(request_state_from_str(
		    request_state_to_str((enum request_state)i), &s), 0);
		ck_assert_int_eq(s, i);
	}
	ck_assert_str_eq(request_type_to_str(REQUEST_ON_DEMAND), "ON_DEMAND");
	ck_assert_str_eq(request_state_to_str(REQUEST_DEPLOYING_TO_UNPAUSE),
	    "DEPLOYING_TO_UNPAUSE");
	ck_assert_ptr_null(request_type_to_str(REQUEST_TYPE_COUNT));
	ck_assert_ptr_null(request_state_to_str(REQUEST_STATE_COUNT));
	t = REQUEST_SERVICE;
	ck_assert_int_eq(request_type_from_str("worker", &t), -EINVAL);
	ck_assert_int_eq(request_type_from_str(NULL, &t), -EINVAL);
	ck_assert_int_eq(t, REQUEST_SERVICE);
	ck_assert_int_eq(request_state_from_str("GONE", &s), -EINVAL);
}
END_TEST

START_TEST(test_request_type_and_state_flags)
{
	ck_assert(request_type_is_long_running(REQUEST_SERVICE));
	ck_assert(request_type_is_long_running(REQUEST_WORKER));
	ck_assert(!request_type_is_long_running(REQUEST_SCHEDULED));
	ck_assert(!request_type_is_long_running(REQUEST_ON_DEMAND));
	ck_assert(!request_type_is_long_running(REQUEST_RUN_ONCE));
	ck_assert(request_state_is_runnable(REQUEST_ACTIVE));
	ck_assert(request_state_is_runnable(REQUEST_SYSTEM_COOLDOWN));
	ck_assert(request_state_is_runnable(REQUEST_DEPLOYING_TO_UNPAUSE));
	ck_assert(!request_state_is_runnable(REQUEST_PAUSED));
	ck_assert(!request_state_is_runnable(REQUEST_DELETING));
	ck_assert(!request_state_is_runnable(REQUEST_DELETED));
	ck_assert(!request_state_is_runnable(REQUEST_FINISHED));
}
END_TEST

static const struct {
	const char	*id;
	int		 valid;
} check_request_ids[] = {
	{ "a", 1 }, { "my-service_2", 1 }, { "ABC-def_123", 1 }, { "-", 1 },
	{ "", 0 }, { "a b", 0 }, { "a/b", 0 }, { "a.b", 0 }, { "a:b", 0 },
	{ "caf\xc3\xa9", 0 }, { "a\n", 0 }
};

START_TEST(test_request_id_validity)
{
	char	 id[REQUEST_ID_MAX + 2];
	size_t	 i;

	for (i = 0; i < sizeof(check_request_ids) /
	    sizeof(check_request_ids[0]); i++)
		ck_assert_msg(request_id_is_valid(check_request_ids[i].id) ==
		    check_request_ids[i].valid, "'%s'",
		    check_request_ids[i].id);
	ck_assert(!request_id_is_valid(NULL));
	memset(id, 'x', REQUEST_ID_MAX);
	id[REQUEST_ID_MAX] = '\0';
	ck_assert(request_id_is_valid(id));
	id[REQUEST_ID_MAX] = 'x';
	id[REQUEST_ID_MAX + 1] = '\0';
	ck_assert(!request_id_is_valid(id));
}
END_TEST

START_TEST(test_request_deploy_id_validity)
{
	char	 id[DEPLOY_ID_MAX + 2];

	ck_assert(deploy_id_is_valid("v1"));
	ck_assert(deploy_id_is_valid("1.2.3_rc"));
	ck_assert(!deploy_id_is_valid("v-1"));
	ck_assert(!deploy_id_is_valid("v 1"));
	ck_assert(!deploy_id_is_valid("v/1"));
	ck_assert(!deploy_id_is_valid(""));
	ck_assert(!deploy_id_is_valid(NULL));
	memset(id, '7', DEPLOY_ID_MAX);
	id[DEPLOY_ID_MAX] = '\0';
	ck_assert(deploy_id_is_valid(id));
	id[DEPLOY_ID_MAX] = '7';
	id[DEPLOY_ID_MAX + 1] = '\0';
	ck_assert(!deploy_id_is_valid(id));
}
END_TEST

static const struct {
	const char	*posted;
	const char	*type;		/* NULL: must fail with err */
	const char	*err;
} check_request_inferences[] = {
	{ "{'id':'a'}", "WORKER", NULL },
	{ "{'id':'a','daemon':true}", "WORKER", NULL },
	{ "{'id':'a','daemon':false}", "ON_DEMAND", NULL },
	{ "{'id':'a','loadBalanced':false}", "WORKER", NULL },
	{ "{'id':'a','schedule':'0 * * * *'}", "SCHEDULED", NULL },
	{ "{'id':'a','quartzSchedule':'0 0 * * * ?'}", "SCHEDULED", NULL },
	{ "{'id':'a','daemon':false,'schedule':'0 * * * *'}", "SCHEDULED",
	    NULL },
	{ "{'id':'a','daemon':false,'requestType':'RUN_ONCE'}", "RUN_ONCE",
	    NULL },
	{ "{'id':'a','daemon':null}", "WORKER", NULL },
	/* inferred SERVICE, then refused: kerr has no load balancer */
	{ "{'id':'a','loadBalanced':true}", NULL,
	    "loadBalanced requests are not supported: no load balancer is "
	    "configured" },
	{ "{'id':'a','daemon':'no'}", NULL, "daemon must be a boolean" }
};

START_TEST(test_request_type_inference)
{
	json_t	*out;

	if (check_request_inferences[_i].type == NULL) {
		check_request_assert_fails(check_request_inferences[_i].posted,
		    NULL, check_request_inferences[_i].err);
		return;
	}
	out = check_request_assert_ok(check_request_inferences[_i].posted,
	    NULL);
	ck_assert_str_eq(json_string_value(json_object_get(out,
	    "requestType")), check_request_inferences[_i].type);
	ck_assert_ptr_null(json_object_get(out, "daemon"));
	json_decref(out);
}
END_TEST

/* Every field of spec 2.2 that a SCHEDULED request may carry. */
#define CHECK_REQUEST_FULL						\
	"{'id':'nightly-report','daemon':false,"			\
	"'owners':['a@example.com','b@example.com'],"			\
	"'numRetriesOnFailure':2,'schedule':'0 12 * * 1-5',"		\
	"'scheduleType':'CRON','scheduleTimeZone':'America/New_York',"	\
	"'killOldNonLongRunningTasksAfterMillis':60000,"		\
	"'taskExecutionTimeLimitMillis':3600000,"			\
	"'scheduledExpectedRuntimeMillis':120000,"			\
	"'waitAtLeastMillisAfterTaskFinishesForReschedule':5000,"	\
	"'instances':1,'maxScale':1,'skipHealthchecks':true,"		\
	"'rackSensitive':false,'rackAffinity':['r1','r2'],"		\
	"'agentPlacement':'SEPARATE_BY_REQUEST',"			\
	"'requiredAgentAttributes':{'disk':'ssd'},"			\
	"'allowedAgentAttributes':{'team':'data'},"			\
	"'agentAttributeMinimums':{'zone':{'us-east-1a':50}},"		\
	"'loadBalanced':false,'group':'data','requiredRole':'batch',"	\
	"'readWriteGroups':['data','ops'],'readOnlyGroups':['all'],"	\
	"'actionPermissions':{'ops':['BOUNCE','KILL_TASK']},"		\
	"'bounceAfterScale':false,"					\
	"'emailConfigurationOverrides':{'TASK_FAILED':['OWNERS',"	\
	"'ADMINS'],'TASK_LOST':[]},"					\
	"'hideEvenNumberAcrossRacks':true,"				\
	"'taskLogErrorRegex':'ERROR|FATAL',"				\
	"'taskLogErrorRegexCaseSensitive':false,"			\
	"'taskPriorityLevel':0.3,'maxTasksPerOffer':2,"		\
	"'allowBounceToSameHost':true,'dataCenter':'dc1'}"

START_TEST(test_request_round_trip_every_field)
{
	json_t	*out, *want;

	out = check_request_assert_ok(CHECK_REQUEST_FULL, NULL);
	want = fixture_json(CHECK_REQUEST_FULL);
	ck_assert_int_eq(json_object_del(want, "daemon"), 0);
	json_object_set(want, "slavePlacement",
	    json_object_get(want, "agentPlacement"));
	json_object_set(want, "requiredSlaveAttributes",
	    json_object_get(want, "requiredAgentAttributes"));
	json_object_set(want, "allowedSlaveAttributes",
	    json_object_get(want, "allowedAgentAttributes"));
	json_object_set(want, "slaveAttributeMinimums",
	    json_object_get(want, "agentAttributeMinimums"));
	json_object_set(want, "hideEvenNumberAcrossRacksHint",
	    json_object_get(want, "hideEvenNumberAcrossRacks"));
	ck_assert_int_eq(json_object_del(want, "hideEvenNumberAcrossRacks"),
	    0);
	json_object_set_new(want, "quartzSchedule",
	    json_string("0 0 12 ? * MON-FRI"));
	json_object_set_new(want, "requestType", json_string("SCHEDULED"));
	ck_assert_msg(json_equal(out, want), "got %s",
	    json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS));
	/* Singularity's order starts with id and requestType */
	ck_assert_str_eq(json_object_iter_key(json_object_iter(out)), "id");
	ck_assert_str_eq(json_object_iter_key(json_object_iter_next(out,
	    json_object_iter(out))), "requestType");
	json_decref(want);
	json_decref(out);
}
END_TEST

START_TEST(test_request_round_trip_is_stable)
{
	json_t	*once, *twice;
	char	 err[512], *text;

	once = check_request_assert_ok(CHECK_REQUEST_FULL, NULL);
	ck_assert_int_eq(request_normalize(once, once, &twice, err,
	    sizeof(err)), 0);
	ck_assert(json_equal(once, twice));
	text = json_dumps(once, JSON_COMPACT);
	ck_assert_ptr_null(strstr(text, "null"));
	free(text);
	json_decref(twice);
	json_decref(once);
}
END_TEST

START_TEST(test_request_aliases)
{
	json_t	*out;

	out = check_request_assert_ok("{'id':'a',"
	    "'slavePlacement':'GREEDY','requiredSlaveAttributes':{'k':'v'},"
	    "'allowedSlaveAttributes':{'x':'y'},"
	    "'slaveAttributeMinimums':{'k':{'v':10}},"
	    "'hideEvenNumberAcrossRacksHint':false}", NULL);
	ck_assert_str_eq(json_string_value(json_object_get(out,
	    "agentPlacement")), "GREEDY");
	ck_assert_str_eq(json_string_value(json_object_get(out,
	    "slavePlacement")), "GREEDY");
	ck_assert(json_equal(json_object_get(out, "requiredAgentAttributes"),
	    json_object_get(out, "requiredSlaveAttributes")));
	ck_assert(json_equal(json_object_get(out, "allowedAgentAttributes"),
	    json_object_get(out, "allowedSlaveAttributes")));
	ck_assert(json_equal(json_object_get(out, "agentAttributeMinimums"),
	    json_object_get(out, "slaveAttributeMinimums")));
	ck_assert(json_is_false(json_object_get(out,
	    "hideEvenNumberAcrossRacksHint")));
	ck_assert_ptr_null(json_object_get(out, "hideEvenNumberAcrossRacks"));
	json_decref(out);

	/* both given: the agent* name (and the old Hint input) wins */
	out = check_request_assert_ok("{'id':'a','agentPlacement':'SEPARATE',"
	    "'slavePlacement':'GREEDY','hideEvenNumberAcrossRacks':true,"
	    "'hideEvenNumberAcrossRacksHint':false}", NULL);
	ck_assert_str_eq(json_string_value(json_object_get(out,
	    "slavePlacement")), "SEPARATE");
	ck_assert(json_is_true(json_object_get(out,
	    "hideEvenNumberAcrossRacksHint")));
	json_decref(out);
}
END_TEST

START_TEST(test_request_unknown_fields_dropped)
{
	json_t	*out, *want;

	out = check_request_assert_ok("{'id':'a','requestType':'WORKER',"
	    "'colour':'blue','nested':{'x':1},'Instances':3}", NULL);
	want = fixture_json("{'id':'a','requestType':'WORKER'}");
	ck_assert(json_equal(out, want));
	json_decref(want);
	json_decref(out);
}
END_TEST

START_TEST(test_request_null_is_absent)
{
	json_t	*out, *want;

	out = check_request_assert_ok("{'id':'a','requestType':null,"
	    "'instances':null,'owners':null,'schedule':null,"
	    "'agentPlacement':null,'slavePlacement':null,"
	    "'taskPriorityLevel':null}", NULL);
	want = fixture_json("{'id':'a','requestType':'WORKER'}");
	ck_assert(json_equal(out, want));
	ck_assert_int_eq(request_instances_of(out), 1);
	ck_assert_int_eq(request_type_of(out), REQUEST_WORKER);
	json_decref(want);
	json_decref(out);
}
END_TEST

START_TEST(test_request_value_forms)
{
	json_t	*out;

	/* a Java Set drops duplicates; a Double is written as a real */
	out = check_request_assert_ok("{'id':'a','readOnlyGroups':['x','y',"
	    "'x'],'owners':['o','o'],'taskPriorityLevel':1,'instances':3}",
	    NULL);
	ck_assert_int_eq(json_array_size(json_object_get(out,
	    "readOnlyGroups")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(out, "owners")), 2);
	ck_assert(json_is_real(json_object_get(out, "taskPriorityLevel")));
	ck_assert_int_eq(request_instances_of(out), 3);
	json_decref(out);
}
END_TEST

static const struct {
	const char	*posted;
	const char	*want;
} check_request_type_errors[] = {
	{ "{'id':'a','instances':'2'}", "instances must be an integer" },
	{ "{'id':'a','instances':2.5}", "instances must be an integer" },
	{ "{'id':'a','instances':4294967297}",
	    "instances must be a 32-bit integer" },
	{ "{'id':'a','requestType':'DAEMON'}", "requestType 'DAEMON' is not "
	    "one of SERVICE, WORKER, SCHEDULED, ON_DEMAND or RUN_ONCE" },
	{ "{'id':'a','requestType':1}", "requestType must be one of" },
	{ "{'id':'a','owners':'me'}", "owners must be an array of strings" },
	{ "{'id':'a','owners':['me',null]}",
	    "Request owners cannot contain null values" },
	{ "{'id':'a','owners':[1]}", "owners must be an array of strings" },
	{ "{'id':'a','rackAffinity':[true]}", "rackAffinity" },
	{ "{'id':'a','readWriteGroups':{}}", "readWriteGroups" },
	{ "{'id':'a','skipHealthchecks':'yes'}",
	    "skipHealthchecks must be a boolean" },
	{ "{'id':'a','group':7}", "group must be a string" },
	{ "{'id':'a','scheduledExpectedRuntimeMillis':1.5}",
	    "scheduledExpectedRuntimeMillis must be an integer" },
	{ "{'id':'a','taskPriorityLevel':'high'}",
	    "taskPriorityLevel must be a number" },
	{ "{'id':'a','scheduleType':'ICAL'}", "scheduleType 'ICAL'" },
	{ "{'id':'a','agentPlacement':'ANYWHERE'}", "agentPlacement" },
	{ "{'id':'a','slavePlacement':'ANYWHERE'}", "slavePlacement" },
	{ "{'id':'a','requiredAgentAttributes':{'k':1}}",
	    "requiredAgentAttributes.k must be a string" },
	{ "{'id':'a','allowedSlaveAttributes':[]}", "allowedSlaveAttributes" },
	{ "{'id':'a','agentAttributeMinimums':{'k':{'v':'10'}}}",
	    "agentAttributeMinimums.k.v must be an integer" },
	{ "{'id':'a','agentAttributeMinimums':{'k':5}}",
	    "agentAttributeMinimums.k" },
	{ "{'id':'a','actionPermissions':{'g':['FLY']}}",
	    "actionPermissions.g 'FLY' is not one of" },
	{ "{'id':'a','actionPermissions':{'g':'EXEC'}}", "actionPermissions" },
	{ "{'id':'a','emailConfigurationOverrides':{'TASK_GONE':[]}}",
	    "emailConfigurationOverrides key 'TASK_GONE'" },
	{ "{'id':'a','emailConfigurationOverrides':{'TASK_LOST':['ME']}}",
	    "emailConfigurationOverrides.TASK_LOST 'ME'" },
	{ "{'id':'a','hideEvenNumberAcrossRacks':1}",
	    "hideEvenNumberAcrossRacks must be a boolean" }
};

START_TEST(test_request_type_errors)
{
	check_request_assert_fails(check_request_type_errors[_i].posted, NULL,
	    check_request_type_errors[_i].want);
}
END_TEST

static const struct {
	const char	*posted;
	const char	*want;
} check_request_invalids[] = {
	{ "[]", "Request must be a JSON object" },
	{ "{}", "Id must not be null" },
	{ "{'id':null}", "Id must not be null" },
	{ "{'id':5}", "Id must be a string" },
	{ "{'id':'a b'}", "Id cannot be null or contain characters other "
	    "than [a-zA-Z0-9_-] (it is 'a b')" },
	{ "{'id':''}", "[a-zA-Z0-9_-]" },
	{ "{'id':'a\\u0000b'}", "[a-zA-Z0-9_-]" },
	{ "{'id':'a','instances':0}", "Instances must be greater than 0" },
	{ "{'id':'a','instances':26}", "Instances (26) can not be greater "
	    "than 25 (maxInstancesPerRequest" },
	{ "{'id':'a','instances':3,'maxScale':2}", "maxScale (2)" },
	{ "{'id':'a','requestType':'SCHEDULED','schedule':'0 * * * *',"
	    "'instances':2}", "instances is 2" },
	{ "{'id':'a','requestType':'ON_DEMAND','numRetriesOnFailure':-1}",
	    "numRetriesOnFailure must not be negative" },
	{ "{'id':'a','requestType':'WORKER','numRetriesOnFailure':1}",
	    "longRunning requests can not define a NumRetriesOnFailure "
	    "value" },
	{ "{'id':'a','requestType':'SERVICE',"
	    "'killOldNonLongRunningTasksAfterMillis':5}",
	    "killOldNonLongRunningTasksAfterMillis" },
	{ "{'id':'a','requestType':'WORKER','taskExecutionTimeLimitMillis':5}",
	    "taskExecutionTimeLimitMillis" },
	{ "{'id':'a','requestType':'SCHEDULED'}",
	    "Specify at least one of schedule or quartzSchedule" },
	{ "{'id':'a','requestType':'WORKER','schedule':'0 * * * *'}",
	    "Non-scheduled requests can not specify a schedule" },
	{ "{'id':'a','requestType':'ON_DEMAND',"
	    "'quartzSchedule':'0 0 * * * ?'}", "schedule" },
	{ "{'id':'a','requestType':'WORKER','scheduleType':'CRON'}",
	    "ScheduleType can only be set for scheduled requests" },
	{ "{'id':'a','schedule':'FREQ=DAILY','scheduleType':'RFC5545'}",
	    "RFC5545 schedules are not supported" },
	{ "{'id':'a','quartzSchedule':'0 0 * * * ?','scheduleType':'CRON'}",
	    "If using quartzSchedule specify scheduleType QUARTZ or leave it "
	    "blank" },
	{ "{'id':'a','schedule':'61 * * * *'}", "Schedule 0 61 * * * ? "
	    "(from: 61 * * * *) is not valid" },
	{ "{'id':'a','schedule':'0 0 1 * 1'}", "schedule 0 0 1 * 1 restricts "
	    "both" },
	{ "{'id':'a','schedule':'* * *'}", "contained only 3 splits" },
	{ "{'id':'a','quartzSchedule':'0 0 * * *'}", "Schedule 0 0 * * * "
	    "(from: 0 0 * * *) is not valid: Quartz expression has 5 fields" },
	{ "{'id':'a','schedule':'*/5 * * * *','scheduleType':'QUARTZ'}",
	    "schedule" },
	{ "{'id':'a','scheduleTimeZone':'Mars/Base'}",
	    "Unknown scheduleTimeZone 'Mars/Base'" },
	{ "{'id':'a','schedule':'0 * * * *','scheduleTimeZone':'../x'}",
	    "Unknown scheduleTimeZone '../x'" },
	{ "{'id':'a','requestType':'ON_DEMAND','rackSensitive':true}",
	    "can not be rack sensitive (rackSensitive is true)" },
	{ "{'id':'a','requestType':'RUN_ONCE','loadBalanced':true}",
	    "can not be load balanced (loadBalanced is true)" },
	{ "{'id':'a','requestType':'SERVICE','loadBalanced':true}",
	    "loadBalanced requests are not supported: no load balancer is "
	    "configured" },
	{ "{'id':'a','taskPriorityLevel':1.5}", "Request taskPriorityLevel "
	    "1.5 is invalid, must be between 0 and 1 (inclusive)." },
	{ "{'id':'a','taskPriorityLevel':-0.1}", "taskPriorityLevel" },
	{ "{'id':'a','maxTasksPerOffer':0}",
	    "maxTasksPerOffer must be positive" },
	{ "{'id':'a','agentPlacement':'SPREAD_ALL_AGENTS'}",
	    "agentPlacement SPREAD_ALL_AGENTS is not supported" },
	{ "{'id':'a','slavePlacement':'SPREAD_ALL_SLAVES'}",
	    "SPREAD_ALL_SLAVES is not supported" }
};

START_TEST(test_request_validation_errors)
{
	check_request_assert_fails(check_request_invalids[_i].posted, NULL,
	    check_request_invalids[_i].want);
}
END_TEST

START_TEST(test_request_id_length)
{
	char	 text[REQUEST_ID_MAX + 32], id[REQUEST_ID_MAX + 2];
	json_t	*out;

	memset(id, 'a', REQUEST_ID_MAX);
	id[REQUEST_ID_MAX] = '\0';
	snprintf(text, sizeof(text), "{'id':'%s'}", id);
	out = check_request_assert_ok(text, NULL);
	json_decref(out);
	id[REQUEST_ID_MAX] = 'a';
	id[REQUEST_ID_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "{'id':'%s'}", id);
	check_request_assert_fails(text, NULL,
	    "Request id must be 100 characters or less, it is 101");
}
END_TEST

START_TEST(test_request_error_is_one_line)
{
	check_request_assert_fails("{'id':'a\\nb'}", NULL, "a b");
	check_request_assert_fails("{'id':'a','scheduleTimeZone':'x\\ny'}",
	    NULL, "'x y'");
}
END_TEST

static const struct {
	const char	*posted;
	const char	*schedule;	/* NULL: absent in output */
	const char	*quartz;
} check_request_schedules[] = {
	{ "{'id':'a','schedule':'*/5 * * * *'}", "*/5 * * * *",
	    "0 */5 * * * ?" },
	{ "{'id':'a','schedule':'0 12 * * 1-5','scheduleType':'CRON'}",
	    "0 12 * * 1-5", "0 0 12 ? * MON-FRI" },
	/* a stale quartzSchedule is recomputed from the cron schedule */
	{ "{'id':'a','schedule':'0 3 * * *','quartzSchedule':'0 0 1 * * ?'}",
	    "0 3 * * *", "0 0 3 * * ?" },
	{ "{'id':'a','quartzSchedule':'0 0 12 ? * 2'}", NULL,
	    "0 0 12 ? * 2" },
	{ "{'id':'a','quartzSchedule':'0 0 12 ? * 2','scheduleType':'QUARTZ'}",
	    NULL, "0 0 12 ? * 2" },
	{ "{'id':'a','schedule':'0 0 12 ? * 2','scheduleType':'QUARTZ'}",
	    "0 0 12 ? * 2", "0 0 12 ? * 2" },
	/* CRON (the default) with 6 or 7 fields: seconds first, a year */
	{ "{'id':'a','schedule':'*/4 * * * * *'}", "*/4 * * * * *",
	    "*/4 * * * * ?" },
	{ "{'id':'a','schedule':'0 0 12 ? * 2 2030'}", "0 0 12 ? * 2 2030",
	    "0 0 12 ? * TUE 2030" }
};

START_TEST(test_request_schedule_forms)
{
	json_t	*out;

	out = check_request_assert_ok(check_request_schedules[_i].posted,
	    NULL);
	ck_assert_int_eq(request_type_of(out), REQUEST_SCHEDULED);
	if (check_request_schedules[_i].schedule == NULL)
		ck_assert_ptr_null(json_object_get(out, "schedule"));
	else
		ck_assert_str_eq(json_string_value(json_object_get(out,
		    "schedule")), check_request_schedules[_i].schedule);
	ck_assert_str_eq(json_string_value(json_object_get(out,
	    "quartzSchedule")), check_request_schedules[_i].quartz);
	json_decref(out);
}
END_TEST

static const struct {
	const char	*existing;
	const char	*posted;
	const char	*err;	/* NULL: allowed */
} check_request_changes[] = {
	{ "{'id':'a','requestType':'SERVICE'}",
	    "{'id':'a','requestType':'WORKER'}", NULL },
	{ "{'id':'a','requestType':'WORKER'}",
	    "{'id':'a','requestType':'SERVICE'}", NULL },
	{ "{'id':'a','requestType':'WORKER'}", "{'id':'a'}", NULL },
	{ "{'id':'a','requestType':'ON_DEMAND'}",
	    "{'id':'a','requestType':'ON_DEMAND','instances':2}", NULL },
	{ "{'id':'a','requestType':'WORKER'}",
	    "{'id':'a','schedule':'0 * * * *'}",
	    "Request can not change requestType from WORKER to SCHEDULED" },
	{ "{'id':'a','requestType':'ON_DEMAND'}",
	    "{'id':'a','requestType':'RUN_ONCE'}",
	    "Request can not change requestType from ON_DEMAND to RUN_ONCE" },
	{ "{'id':'a','requestType':'SCHEDULED','schedule':'0 * * * *'}",
	    "{'id':'a','requestType':'WORKER'}",
	    "Request can not change requestType from SCHEDULED to WORKER" },
	{ "{'id':'a','requestType':'SERVICE','loadBalanced':true}",
	    "{'id':'a','requestType':'WORKER'}",
	    "Request can not change requestType from SERVICE to WORKER" },
	{ "{'id':'a','requestType':'SERVICE','loadBalanced':true}",
	    "{'id':'a','requestType':'SERVICE'}",
	    "Request can not change whether it is load balanced "
	    "(loadBalanced)" }
};

START_TEST(test_request_type_change)
{
	json_t	*out;

	if (check_request_changes[_i].err != NULL) {
		check_request_assert_fails(check_request_changes[_i].posted,
		    check_request_changes[_i].existing,
		    check_request_changes[_i].err);
		return;
	}
	out = check_request_assert_ok(check_request_changes[_i].posted,
	    check_request_changes[_i].existing);
	json_decref(out);
}
END_TEST

START_TEST(test_request_accessors)
{
	json_t	*v;

	v = fixture_json("{'id':'a'}");
	ck_assert_int_eq(request_type_of(v), REQUEST_WORKER);
	ck_assert_int_eq(request_instances_of(v), 1);
	json_decref(v);
	v = fixture_json("{'requestType':'ON_DEMAND','instances':4}");
	ck_assert_int_eq(request_type_of(v), REQUEST_ON_DEMAND);
	ck_assert_int_eq(request_instances_of(v), 4);
	json_decref(v);
	v = check_request_assert_ok("{'id':'a'}", NULL);
	ck_assert_ptr_null(json_object_get(v, "instances"));
	json_decref(v);
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*request_suite(void);

#define CHECK_REQUEST_N(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
request_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("request");
	tc = tcase_create("core");
	tcase_add_test(tc, test_request_enum_strings);
	tcase_add_test(tc, test_request_type_and_state_flags);
	tcase_add_test(tc, test_request_id_validity);
	tcase_add_test(tc, test_request_deploy_id_validity);
	tcase_add_loop_test(tc, test_request_type_inference, 0,
	    CHECK_REQUEST_N(check_request_inferences));
	tcase_add_test(tc, test_request_round_trip_every_field);
	tcase_add_test(tc, test_request_round_trip_is_stable);
	tcase_add_test(tc, test_request_aliases);
	tcase_add_test(tc, test_request_unknown_fields_dropped);
	tcase_add_test(tc, test_request_null_is_absent);
	tcase_add_test(tc, test_request_value_forms);
	tcase_add_loop_test(tc, test_request_type_errors, 0,
	    CHECK_REQUEST_N(check_request_type_errors));
	tcase_add_loop_test(tc, test_request_validation_errors, 0,
	    CHECK_REQUEST_N(check_request_invalids));
	tcase_add_test(tc, test_request_id_length);
	tcase_add_test(tc, test_request_error_is_one_line);
	tcase_add_loop_test(tc, test_request_schedule_forms, 0,
	    CHECK_REQUEST_N(check_request_schedules));
	tcase_add_loop_test(tc, test_request_type_change, 0,
	    CHECK_REQUEST_N(check_request_changes));
	tcase_add_test(tc, test_request_accessors);
	suite_add_tcase(s, tc);
	return (s);
}
