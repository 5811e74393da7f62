/*
 * The SingularityRequest model (spec 2.2, 3.3): enum string tables, id
 * rules and request_normalize(), which turns a posted request into the
 * object kerr stores and serves.  One schema table (request_fields) names
 * every known field with its JSON type, its deprecated input/output
 * aliases and its place in the output; schema.c reads, type checks and
 * writes by it, so a new field is one row.  The checks after that follow
 * SingularityValidator.checkSingularityRequest() in order and wording,
 * plus the project decisions of spec 0A (no load balancer, no RFC5545, no
 * silent cron reinterpretation).  Pure logic: no store, no logging.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cron.h"
#include "request.h"
#include "schema.h"
#include "tzif.h"

static const char *const request_type_names[] = {
	"SERVICE", "WORKER", "SCHEDULED", "ON_DEMAND", "RUN_ONCE", NULL
};

static const char *const request_state_names[] = {
	"ACTIVE", "DELETING", "DELETED", "PAUSED", "SYSTEM_COOLDOWN",
	"FINISHED", "DEPLOYING_TO_UNPAUSE", NULL
};

static const char *const request_schedule_types[] = {
	"CRON", "QUARTZ", "RFC5545", NULL
};

static const char *const request_placements[] = {
	"SEPARATE", "OPTIMISTIC", "GREEDY", "SEPARATE_BY_DEPLOY",
	"SEPARATE_BY_REQUEST", "SPREAD_ALL_SLAVES", "SPREAD_ALL_AGENTS", NULL
};

static const char *const request_actions[] = {
	"EXEC", "BOUNCE", "PAUSE", "SCALE", "PRIORITIZE", "KILL_TASK",
	"DELETE_SCHEDULED_TASK", "RUN_SHELL_COMMAND", NULL
};

static const char *const request_email_types[] = {
	"TASK_LOST", "TASK_KILLED", "TASK_FINISHED_SCHEDULED",
	"TASK_FINISHED_LONG_RUNNING", "TASK_FINISHED_ON_DEMAND",
	"TASK_FINISHED_RUN_ONCE", "TASK_FAILED",
	"TASK_SCHEDULED_OVERDUE_TO_FINISH", "TASK_KILLED_DECOMISSIONED",
	"TASK_KILLED_UNHEALTHY", "REQUEST_IN_COOLDOWN",
	"REPLACEMENT_TASKS_FAILING", "SINGULARITY_ABORTING", "REQUEST_REMOVED",
	"REQUEST_PAUSED", "REQUEST_UNPAUSED", "REQUEST_SCALED",
	"TASK_FAILED_DECOMISSIONED", "DISASTER_DETECTED", NULL
};

static const char *const request_email_destinations[] = {
	"OWNERS", "ACTION_TAKER", "ADMINS", NULL
};

/* Output order is Singularity's; `id` is written first, outside it. */
static const struct schema_field request_fields[] = {
	SCHEMA_F("requestType", SCHEMA_ENUM, .values = request_type_names),
	SCHEMA_F("owners", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("numRetriesOnFailure", SCHEMA_INT),
	SCHEMA_F("schedule", SCHEMA_STRING),
	SCHEMA_F("quartzSchedule", SCHEMA_STRING),
	SCHEMA_F("scheduleType", SCHEMA_ENUM,
	    .values = request_schedule_types),
	SCHEMA_F("scheduleTimeZone", SCHEMA_STRING),
	SCHEMA_F("killOldNonLongRunningTasksAfterMillis", SCHEMA_LONG),
	SCHEMA_F("taskExecutionTimeLimitMillis", SCHEMA_LONG),
	SCHEMA_F("scheduledExpectedRuntimeMillis", SCHEMA_LONG),
	SCHEMA_F("waitAtLeastMillisAfterTaskFinishesForReschedule",
	    SCHEMA_LONG),
	SCHEMA_F("instances", SCHEMA_INT),
	SCHEMA_F("maxScale", SCHEMA_INT),
	SCHEMA_F("skipHealthchecks", SCHEMA_BOOL),
	SCHEMA_F("rackSensitive", SCHEMA_BOOL),
	SCHEMA_F("rackAffinity", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING)),
	{ .in = "agentPlacement", .in2 = "slavePlacement",
	    .out = "agentPlacement", .out2 = "slavePlacement",
	    .type = SCHEMA_ENUM, .values = request_placements },
	{ .in = "requiredAgentAttributes", .in2 = "requiredSlaveAttributes",
	    .out = "requiredAgentAttributes",
	    .out2 = "requiredSlaveAttributes",
	    .type = SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING) },
	{ .in = "allowedAgentAttributes", .in2 = "allowedSlaveAttributes",
	    .out = "allowedAgentAttributes", .out2 = "allowedSlaveAttributes",
	    .type = SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING) },
	/* {attribute: {value: minimum}} */
	{ .in = "agentAttributeMinimums", .in2 = "slaveAttributeMinimums",
	    .out = "agentAttributeMinimums", .out2 = "slaveAttributeMinimums",
	    .type = SCHEMA_MAP,
	    .desc = "an object of {attribute value: integer} objects",
	    SCHEMA_OF(SCHEMA_MAP, SCHEMA_OF(SCHEMA_INT)) },
	SCHEMA_F("loadBalanced", SCHEMA_BOOL),
	SCHEMA_F("group", SCHEMA_STRING),
	SCHEMA_F("requiredRole", SCHEMA_STRING),
	SCHEMA_F("readWriteGroups", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING),
	    .unique = 1),
	SCHEMA_F("readOnlyGroups", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING),
	    .unique = 1),
	SCHEMA_F("actionPermissions", SCHEMA_MAP, SCHEMA_OF(SCHEMA_ARRAY,
	    SCHEMA_OF(SCHEMA_ENUM, .values = request_actions))),
	SCHEMA_F("bounceAfterScale", SCHEMA_BOOL),
	SCHEMA_F("emailConfigurationOverrides", SCHEMA_MAP,
	    .keys = request_email_types, SCHEMA_OF(SCHEMA_ARRAY,
	    SCHEMA_OF(SCHEMA_ENUM, .values = request_email_destinations))),
	/* Singularity reads the old name and writes only the Hint one */
	{ .in = "hideEvenNumberAcrossRacks",
	    .in2 = "hideEvenNumberAcrossRacksHint",
	    .out = "hideEvenNumberAcrossRacksHint", .type = SCHEMA_BOOL },
	SCHEMA_F("taskLogErrorRegex", SCHEMA_STRING),
	SCHEMA_F("taskLogErrorRegexCaseSensitive", SCHEMA_BOOL),
	SCHEMA_F("taskPriorityLevel", SCHEMA_DOUBLE),
	SCHEMA_F("maxTasksPerOffer", SCHEMA_INT),
	SCHEMA_F("allowBounceToSameHost", SCHEMA_BOOL),
	SCHEMA_F("dataCenter", SCHEMA_STRING)
};
static const struct schema_table request_schema =
    SCHEMA_TABLE(request_fields, "Request");

/* Fields only non-long-running requests may set, with Singularity's text. */
static const struct {
	const char	*field;
	const char	*msg;
} request_not_long_running[] = {
	{ "numRetriesOnFailure", "longRunning requests can not define a "
	    "NumRetriesOnFailure value" },
	{ "killOldNonLongRunningTasksAfterMillis", "longRunning requests can "
	    "not define a killOldNonLongRunningTasksAfterMillis value" },
	{ "taskExecutionTimeLimitMillis", "longRunning requests can not "
	    "define a taskExecutionTimeLimitMillis value" }
};

/* request_type_to_str(), request_type_from_str() */
SCHEMA_ENUM_STRINGS(request_type, enum request_type, request_type_names,
    REQUEST_TYPE_COUNT)
/* request_state_to_str(), request_state_from_str() */
SCHEMA_ENUM_STRINGS(request_state, enum request_state, request_state_names,
    REQUEST_STATE_COUNT)

int
request_type_is_long_running(enum request_type t)
{
	return (t == REQUEST_SERVICE || t == REQUEST_WORKER);
}

int
request_state_is_runnable(enum request_state s)
{
	return (s == REQUEST_ACTIVE || s == REQUEST_SYSTEM_COOLDOWN ||
	    s == REQUEST_DEPLOYING_TO_UNPAUSE);
}

static int
request_id_chars_ok(const char *id, size_t max, char extra)
{
	const char	*p;

	if (id == NULL || id[0] == '\0' || strlen(id) > max)
		return (0);
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == extra))
			return (0);
	return (1);
}

int
request_id_is_valid(const char *id)
{
	return (request_id_chars_ok(id, REQUEST_ID_MAX, '-'));
}

int
deploy_id_is_valid(const char *id)
{
	return (request_id_chars_ok(id, DEPLOY_ID_MAX, '.'));
}

enum request_type
request_type_of(const json_t *request)
{
	enum request_type	 t;

	if (request_type_from_str(json_string_value(json_object_get(request,
	    "requestType")), &t) < 0)
		return (REQUEST_WORKER);
	return (t);
}

int
request_instances_of(const json_t *request)
{
	const json_t	*v = json_object_get(request, "instances");

	return (json_is_integer(v) ? (int)json_integer_value(v) : 1);
}

static const char *
request_str(const json_t *obj, const char *name)
{
	return (json_string_value(json_object_get(obj, name)));
}

static int
request_true(const json_t *obj, const char *name)
{
	return (json_is_true(json_object_get(obj, name)));
}

/* Singularity's checks come after the id is known to be usable. */
static int
request_check_id(const json_t *posted, const char **ret_id, char *err,
    size_t errlen)
{
	const json_t	*v = json_object_get(posted, "id");
	const char	*id;

	if (v == NULL || json_is_null(v))
		return (schema_fail(err, errlen, "Id must not be null"));
	if ((id = json_string_value(v)) == NULL)
		return (schema_fail(err, errlen, "Id must be a string"));
	/* an embedded NUL would silently shorten the id */
	if (!request_id_chars_ok(id, SIZE_MAX, '-') ||
	    strlen(id) != json_string_length(v))
		return (schema_fail(err, errlen, "Id cannot be null or "
		    "contain characters other than [a-zA-Z0-9_-] (it is '%s')",
		    id));
	if (strlen(id) > REQUEST_ID_MAX)
		return (schema_fail(err, errlen, "Request id must be %d "
		    "characters or less, it is %zu (%s)", REQUEST_ID_MAX,
		    strlen(id), id));
	*ret_id = id;
	return (0);
}

/* RequestType.fromDaemonAndScheduleAndLoadBalanced() for old clients. */
static int
request_resolve_type(const json_t *posted, json_t *fields,
    enum request_type *ret, char *err, size_t errlen)
{
	const json_t		*daemon = json_object_get(posted, "daemon");
	enum request_type	 t;

	if (daemon != NULL && !json_is_null(daemon) &&
	    !json_is_boolean(daemon))
		return (schema_fail(err, errlen, "daemon must be a boolean"));
	if (json_object_get(fields, "requestType") != NULL) {
		*ret = request_type_of(fields);
		return (0);
	}
	if (json_object_get(fields, "schedule") != NULL ||
	    json_object_get(fields, "quartzSchedule") != NULL)
		t = REQUEST_SCHEDULED;
	else if (json_is_false(daemon))
		t = REQUEST_ON_DEMAND;
	else if (request_true(fields, "loadBalanced"))
		t = REQUEST_SERVICE;
	else
		t = REQUEST_WORKER;
	if (json_object_set_new(fields, "requestType",
	    json_string(request_type_to_str(t))) < 0)
		return (-ENOMEM);
	*ret = t;
	return (0);
}

static int
request_check_instances(const json_t *fields, enum request_type t,
    char *err, size_t errlen)
{
	const json_t	*max = json_object_get(fields, "maxScale");
	const json_t	*v = json_object_get(fields, "instances");
	long long	 n;

	if (v == NULL)
		return (0);
	n = json_integer_value(v);
	if (n <= 0)
		return (schema_fail(err, errlen,
		    "Instances must be greater than 0"));
	if (n > REQUEST_INSTANCES_MAX)
		return (schema_fail(err, errlen, "Instances (%lld) can not "
		    "be greater than %d (maxInstancesPerRequest in mesos "
		    "configuration)", n, REQUEST_INSTANCES_MAX));
	if (max != NULL && n > json_integer_value(max))
		return (schema_fail(err, errlen, "Instances (%lld) can not "
		    "be greater than maxScale (%lld)", n,
		    (long long)json_integer_value(max)));
	if (t == REQUEST_SCHEDULED && n != 1)
		return (schema_fail(err, errlen, "Scheduler requests can not "
		    "be ran on more than one instance (instances is %lld)",
		    n));
	return (0);
}

static int
request_check_numbers(const json_t *fields, char *err, size_t errlen)
{
	const json_t	*v;
	double		 d;

	v = json_object_get(fields, "numRetriesOnFailure");
	if (v != NULL && json_integer_value(v) < 0)
		return (schema_fail(err, errlen, "numRetriesOnFailure must "
		    "not be negative (it is %lld)",
		    (long long)json_integer_value(v)));
	v = json_object_get(fields, "taskPriorityLevel");
	d = json_number_value(v);
	if (v != NULL && (d < 0 || d > 1))
		return (schema_fail(err, errlen, "Request taskPriorityLevel "
		    "%g is invalid, must be between 0 and 1 (inclusive).", d));
	v = json_object_get(fields, "maxTasksPerOffer");
	if (v != NULL && json_integer_value(v) <= 0)
		return (schema_fail(err, errlen,
		    "maxTasksPerOffer must be positive"));
	return (0);
}

/* Only SERVICE (not load balanced) and WORKER may turn into each other. */
static int
request_check_change(const json_t *fields, enum request_type t,
    const json_t *existing, char *err, size_t errlen)
{
	enum request_type	 old;
	int			 oldlb, newlb;

	if (existing == NULL)
		return (0);
	old = request_type_of(existing);
	oldlb = request_true(existing, "loadBalanced");
	newlb = request_true(fields, "loadBalanced");
	if (old != t &&
	    !(old == REQUEST_SERVICE && !oldlb && t == REQUEST_WORKER) &&
	    !(t == REQUEST_SERVICE && !newlb && old == REQUEST_WORKER))
		return (schema_fail(err, errlen, "Request can not change "
		    "requestType from %s to %s", request_type_to_str(old),
		    request_type_to_str(t)));
	if (oldlb != newlb)
		return (schema_fail(err, errlen, "Request can not change "
		    "whether it is load balanced (loadBalanced)"));
	return (0);
}

/* QUARTZ: stored as given once Quartz would parse it. */
static int
request_set_quartz(json_t *fields, const char *expr, char *err,
    size_t errlen)
{
	char	 why[256];

	if (cron_validate_quartz(expr, why, sizeof(why)) < 0)
		return (schema_fail(err, errlen,
		    "Schedule %s (from: %s) is not valid: %s", expr, expr,
		    why));
	if (json_object_set_new(fields, "quartzSchedule",
	    json_string(expr)) < 0)
		return (-ENOMEM);
	return (0);
}

/* CRON: `schedule` stays as posted, its Quartz form goes beside it. */
static int
request_set_cron(json_t *fields, const char *cron, char *err, size_t errlen)
{
	char	 q[CRON_QUARTZ_MAX];

	if (cron_to_quartz(cron, q, sizeof(q), err, errlen) < 0)
		return (-EINVAL);
	if (json_object_set_new(fields, "quartzSchedule", json_string(q)) < 0)
		return (-ENOMEM);
	return (0);
}

static int
request_check_schedule(json_t *fields, enum request_type t, char *err,
    size_t errlen)
{
	const char	*sched = request_str(fields, "schedule");
	const char	*quartz = request_str(fields, "quartzSchedule");
	const char	*st = request_str(fields, "scheduleType");

	if (t != REQUEST_SCHEDULED) {
		if (sched != NULL || quartz != NULL)
			return (schema_fail(err, errlen, "Non-scheduled "
			    "requests can not specify a schedule"));
		if (st != NULL)
			return (schema_fail(err, errlen, "ScheduleType can "
			    "only be set for scheduled requests"));
		return (0);
	}
	if (sched == NULL && quartz == NULL)
		return (schema_fail(err, errlen,
		    "Specify at least one of schedule or quartzSchedule"));
	if (st == NULL)
		st = sched == NULL ? "QUARTZ" : "CRON";
	/* kerr cannot compute RRULE occurrences faithfully (spec 0A) */
	if (strcmp(st, "RFC5545") == 0)
		return (schema_fail(err, errlen, "RFC5545 schedules are not "
		    "supported (scheduleType RFC5545)"));
	if (sched == NULL && strcmp(st, "QUARTZ") != 0)
		return (schema_fail(err, errlen, "If using quartzSchedule "
		    "specify scheduleType QUARTZ or leave it blank"));
	if (strcmp(st, "QUARTZ") == 0)
		return (request_set_quartz(fields,
		    quartz != NULL ? quartz : sched, err, errlen));
	return (request_set_cron(fields, sched, err, errlen));
}

static int
request_check_type_rules(const json_t *fields, enum request_type t,
    char *err, size_t errlen)
{
	size_t	 i;

	if (!request_type_is_long_running(t)) {
		if (request_true(fields, "loadBalanced"))
			return (schema_fail(err, errlen, "non-longRunning "
			    "(scheduled/oneoff) requests can not be load "
			    "balanced (loadBalanced is true)"));
		if (request_true(fields, "rackSensitive"))
			return (schema_fail(err, errlen, "non-longRunning "
			    "(scheduled/oneoff) requests can not be rack "
			    "sensitive (rackSensitive is true)"));
		return (0);
	}
	for (i = 0; i < SCHEMA_NITEMS(request_not_long_running); i++)
		if (json_object_get(fields,
		    request_not_long_running[i].field) != NULL)
			return (schema_fail(err, errlen, "%s",
			    request_not_long_running[i].msg));
	return (0);
}

/* What kerr cannot do (spec 0A, 3.3 step 2) and the zone it must know. */
static int
request_check_kerr(const json_t *fields, char *err, size_t errlen)
{
	const char	*tz = request_str(fields, "scheduleTimeZone");
	const char	*placement = request_str(fields, "agentPlacement");

	if (tz != NULL && !tzif_zone_is_valid(tz))
		return (schema_fail(err, errlen,
		    "Unknown scheduleTimeZone '%s'", tz));
	if (request_true(fields, "loadBalanced"))
		return (schema_fail(err, errlen, "loadBalanced requests are "
		    "not supported: no load balancer is configured"));
	if (placement != NULL && strncmp(placement, "SPREAD_ALL_", 11) == 0)
		return (schema_fail(err, errlen, "agentPlacement %s is not "
		    "supported: spreading to all agents is disabled",
		    placement));
	return (0);
}

/* id first, then the table's order, deprecated names repeated. */
static int
request_emit(const char *id, const json_t *fields, json_t **ret)
{
	json_t	*obj;

	if ((obj = json_pack("{s:s}", "id", id)) == NULL ||
	    schema_write(&request_schema, fields, obj) < 0) {
		json_decref(obj);
		return (-ENOMEM);
	}
	*ret = obj;
	return (0);
}

static int
request_check(const json_t *posted, const json_t *existing, json_t *fields,
    char *err, size_t errlen)
{
	enum request_type	 t = REQUEST_WORKER;
	int			 r;

	if ((r = schema_read(&request_schema, posted, NULL, fields, err,
	    errlen)) < 0 ||
	    (r = request_resolve_type(posted, fields, &t, err, errlen)) < 0 ||
	    (r = request_check_instances(fields, t, err, errlen)) < 0 ||
	    (r = request_check_numbers(fields, err, errlen)) < 0 ||
	    (r = request_check_change(fields, t, existing, err, errlen)) < 0 ||
	    (r = request_check_schedule(fields, t, err, errlen)) < 0 ||
	    (r = request_check_type_rules(fields, t, err, errlen)) < 0)
		return (r);
	return (request_check_kerr(fields, err, errlen));
}

int
request_normalize(const json_t *posted, const json_t *existing,
    json_t **ret, char *err, size_t errlen)
{
	json_t		*fields = NULL;
	const char	*id = NULL;
	int		 r;

	if (!json_is_object(posted)) {
		r = schema_fail(err, errlen, "Request must be a JSON object");
		goto out;
	}
	if ((r = request_check_id(posted, &id, err, errlen)) < 0)
		goto out;
	if ((fields = json_object()) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = request_check(posted, existing, fields, err, errlen)) < 0)
		goto out;
	r = request_emit(id, fields, ret);
out:
	json_decref(fields);
	return (schema_result(r, err, errlen));
}
