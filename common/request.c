/*
 * The SingularityRequest model (spec 2.2, 3.3): enum string tables, id
 * rules and request_normalize(), which turns a posted request into the
 * object kerr stores and serves.  One table (request_fields) names every
 * known field with its JSON kind, its deprecated input/output aliases and
 * its place in the output; reading, type checking and writing all walk it,
 * so a new field is one row.  The checks after that follow
 * SingularityValidator.checkSingularityRequest() in order and wording,
 * plus the project decisions of spec 0A (no load balancer, no RFC5545, no
 * silent cron reinterpretation).  Pure logic: no store, no logging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cron.h"
#include "request.h"

#define REQUEST_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define REQUEST_LIST_MAX	512	/* room for an enum's spellings */

enum request_kind {
	REQUEST_K_STRING,
	REQUEST_K_BOOL,
	REQUEST_K_INT,		/* Java Integer: 32 bits */
	REQUEST_K_LONG,
	REQUEST_K_DOUBLE,	/* written as a real, as Jackson does */
	REQUEST_K_ENUM,		/* a string among values */
	REQUEST_K_STRINGS,	/* [string] */
	REQUEST_K_SET,		/* [string], duplicates dropped (a Java Set) */
	REQUEST_K_STRMAP,	/* {string: string} */
	REQUEST_K_MINIMUMS,	/* {attribute: {value: int}} */
	REQUEST_K_ENUMMAP	/* {key (among keys): [value among values]} */
};

struct request_field {
	const char		*in;	/* input name read first */
	const char		*in2;	/* input name read when in is absent */
	const char		*out;	/* output name, used by every check */
	const char		*out2;	/* deprecated output copy, or NULL */
	enum request_kind	 kind;
	const char *const	*keys;
	const char *const	*values;
};

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

#define REQUEST_F(n, k)		{ n, NULL, n, NULL, k, NULL, NULL }
#define REQUEST_FE(n, v)	{ n, NULL, n, NULL, REQUEST_K_ENUM, NULL, v }
#define REQUEST_FA(n, old, k)	{ n, old, n, old, k, NULL, NULL }

/* Output order is Singularity's; `id` is written first, outside it. */
static const struct request_field request_fields[] = {
	REQUEST_FE("requestType", request_type_names),
	REQUEST_F("owners", REQUEST_K_STRINGS),
	REQUEST_F("numRetriesOnFailure", REQUEST_K_INT),
	REQUEST_F("schedule", REQUEST_K_STRING),
	REQUEST_F("quartzSchedule", REQUEST_K_STRING),
	REQUEST_FE("scheduleType", request_schedule_types),
	REQUEST_F("scheduleTimeZone", REQUEST_K_STRING),
	REQUEST_F("killOldNonLongRunningTasksAfterMillis", REQUEST_K_LONG),
	REQUEST_F("taskExecutionTimeLimitMillis", REQUEST_K_LONG),
	REQUEST_F("scheduledExpectedRuntimeMillis", REQUEST_K_LONG),
	REQUEST_F("waitAtLeastMillisAfterTaskFinishesForReschedule",
	    REQUEST_K_LONG),
	REQUEST_F("instances", REQUEST_K_INT),
	REQUEST_F("maxScale", REQUEST_K_INT),
	REQUEST_F("skipHealthchecks", REQUEST_K_BOOL),
	REQUEST_F("rackSensitive", REQUEST_K_BOOL),
	REQUEST_F("rackAffinity", REQUEST_K_STRINGS),
	{ "agentPlacement", "slavePlacement", "agentPlacement",
	    "slavePlacement", REQUEST_K_ENUM, NULL, request_placements },
	REQUEST_FA("requiredAgentAttributes", "requiredSlaveAttributes",
	    REQUEST_K_STRMAP),
	REQUEST_FA("allowedAgentAttributes", "allowedSlaveAttributes",
	    REQUEST_K_STRMAP),
	REQUEST_FA("agentAttributeMinimums", "slaveAttributeMinimums",
	    REQUEST_K_MINIMUMS),
	REQUEST_F("loadBalanced", REQUEST_K_BOOL),
	REQUEST_F("group", REQUEST_K_STRING),
	REQUEST_F("requiredRole", REQUEST_K_STRING),
	REQUEST_F("readWriteGroups", REQUEST_K_SET),
	REQUEST_F("readOnlyGroups", REQUEST_K_SET),
	{ "actionPermissions", NULL, "actionPermissions", NULL,
	    REQUEST_K_ENUMMAP, NULL, request_actions },
	REQUEST_F("bounceAfterScale", REQUEST_K_BOOL),
	{ "emailConfigurationOverrides", NULL, "emailConfigurationOverrides",
	    NULL, REQUEST_K_ENUMMAP, request_email_types,
	    request_email_destinations },
	/* Singularity reads the old name and writes only the Hint one */
	{ "hideEvenNumberAcrossRacks", "hideEvenNumberAcrossRacksHint",
	    "hideEvenNumberAcrossRacksHint", NULL, REQUEST_K_BOOL, NULL,
	    NULL },
	REQUEST_F("taskLogErrorRegex", REQUEST_K_STRING),
	REQUEST_F("taskLogErrorRegexCaseSensitive", REQUEST_K_BOOL),
	REQUEST_F("taskPriorityLevel", REQUEST_K_DOUBLE),
	REQUEST_F("maxTasksPerOffer", REQUEST_K_INT),
	REQUEST_F("allowBounceToSameHost", REQUEST_K_BOOL),
	REQUEST_F("dataCenter", REQUEST_K_STRING)
};

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

static int	request_fail(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
request_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return (-EINVAL);
}

static int
request_str_index(const char *const *names, const char *s)
{
	int	 i;

	if (s == NULL)
		return (-1);
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return (i);
	return (-1);
}

const char *
request_type_to_str(enum request_type t)
{
	if ((int)t < 0 || t >= REQUEST_TYPE_COUNT)
		return (NULL);
	return (request_type_names[t]);
}

int
request_type_from_str(const char *s, enum request_type *ret)
{
	int	 i;

	if ((i = request_str_index(request_type_names, s)) < 0)
		return (-EINVAL);
	*ret = (enum request_type)i;
	return (0);
}

const char *
request_state_to_str(enum request_state s)
{
	if ((int)s < 0 || s >= REQUEST_STATE_COUNT)
		return (NULL);
	return (request_state_names[s]);
}

int
request_state_from_str(const char *s, enum request_state *ret)
{
	int	 i;

	if ((i = request_str_index(request_state_names, s)) < 0)
		return (-EINVAL);
	*ret = (enum request_state)i;
	return (0);
}

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

/* "A, B or C" for messages naming the allowed spellings. */
static const char *
request_enum_list(const char *const *names, char *buf, size_t len)
{
	size_t	 used = 0;
	int	 i;

	buf[0] = '\0';
	for (i = 0; names[i] != NULL && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : names[i + 1] == NULL ? " or " : ", ",
		    names[i]);
	return (buf);
}

static int
request_check_enum(const char *key, const char *const *names,
    const json_t *v, char *err, size_t errlen)
{
	char	 list[REQUEST_LIST_MAX];

	if (request_str_index(names, json_string_value(v)) >= 0)
		return (0);
	request_enum_list(names, list, sizeof(list));
	if (!json_is_string(v))
		return (request_fail(err, errlen, "%s must be one of %s", key,
		    list));
	return (request_fail(err, errlen, "%s '%s' is not one of %s", key,
	    json_string_value(v), list));
}

static int
request_check_int(const char *key, const json_t *v, char *err,
    size_t errlen)
{
	json_int_t	 i;

	if (!json_is_integer(v))
		return (request_fail(err, errlen, "%s must be an integer",
		    key));
	i = json_integer_value(v);
	if (i < INT32_MIN || i > INT32_MAX)
		return (request_fail(err, errlen,
		    "%s must be a 32-bit integer", key));
	return (0);
}

/* A Java Set keeps one copy of each string; so do we, in order. */
static void
request_dedupe(json_t *a)
{
	size_t	 i, j;

	for (i = 1; i < json_array_size(a); i++)
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(a, i),
			    json_array_get(a, j))) {
				(void)json_array_remove(a, i--);
				break;
			}
}

static int
request_check_strings(const struct request_field *f, const char *key,
    json_t *v, char *err, size_t errlen)
{
	json_t	*e;
	size_t	 i;

	if (!json_is_array(v))
		return (request_fail(err, errlen,
		    "%s must be an array of strings", key));
	json_array_foreach(v, i, e) {
		if (json_is_null(e))
			return (request_fail(err, errlen,
			    "Request %s cannot contain null values", key));
		if (!json_is_string(e))
			return (request_fail(err, errlen,
			    "%s must be an array of strings", key));
	}
	if (f->kind == REQUEST_K_SET)
		request_dedupe(v);
	return (0);
}

static int
request_check_strmap(const char *key, json_t *v, char *err, size_t errlen)
{
	const char	*k;
	json_t		*e;

	if (!json_is_object(v))
		return (request_fail(err, errlen,
		    "%s must be an object of strings", key));
	json_object_foreach(v, k, e)
		if (!json_is_string(e))
			return (request_fail(err, errlen,
			    "%s.%s must be a string", key, k));
	return (0);
}

static int
request_check_minimums(const char *key, json_t *v, char *err, size_t errlen)
{
	char		 name[REQUEST_LIST_MAX];
	const char	*k, *k2;
	json_t		*e, *e2;

	if (!json_is_object(v))
		return (request_fail(err, errlen, "%s must be an object of "
		    "{attribute value: integer} objects", key));
	json_object_foreach(v, k, e) {
		if (!json_is_object(e))
			return (request_fail(err, errlen,
			    "%s.%s must be an object of integers", key, k));
		json_object_foreach(e, k2, e2) {
			(void)snprintf(name, sizeof(name), "%s.%s.%s", key, k,
			    k2);
			if (request_check_int(name, e2, err, errlen) < 0)
				return (-EINVAL);
		}
	}
	return (0);
}

static int
request_check_enummap(const struct request_field *f, const char *key,
    json_t *v, char *err, size_t errlen)
{
	char		 name[REQUEST_LIST_MAX];
	const char	*k;
	json_t		*e, *x;
	size_t		 i;

	if (!json_is_object(v))
		return (request_fail(err, errlen,
		    "%s must be an object of arrays", key));
	json_object_foreach(v, k, e) {
		if (f->keys != NULL && request_str_index(f->keys, k) < 0)
			return (request_fail(err, errlen, "%s key '%s' is not "
			    "one of %s", key, k, request_enum_list(f->keys,
			    name, sizeof(name))));
		if (!json_is_array(e))
			return (request_fail(err, errlen,
			    "%s.%s must be an array", key, k));
		(void)snprintf(name, sizeof(name), "%s.%s", key, k);
		json_array_foreach(e, i, x)
			if (request_check_enum(name, f->values, x, err,
			    errlen) < 0)
				return (-EINVAL);
	}
	return (0);
}

static int
request_check_kind(const struct request_field *f, const char *key,
    json_t *v, char *err, size_t errlen)
{
	switch (f->kind) {
	case REQUEST_K_STRING:
		if (!json_is_string(v))
			return (request_fail(err, errlen,
			    "%s must be a string", key));
		return (0);
	case REQUEST_K_BOOL:
		if (!json_is_boolean(v))
			return (request_fail(err, errlen,
			    "%s must be a boolean", key));
		return (0);
	case REQUEST_K_INT:
		return (request_check_int(key, v, err, errlen));
	case REQUEST_K_LONG:
		if (!json_is_integer(v))
			return (request_fail(err, errlen,
			    "%s must be an integer", key));
		return (0);
	case REQUEST_K_DOUBLE:
		if (!json_is_number(v))
			return (request_fail(err, errlen,
			    "%s must be a number", key));
		return (0);
	case REQUEST_K_ENUM:
		return (request_check_enum(key, f->values, v, err, errlen));
	case REQUEST_K_STRINGS:
	case REQUEST_K_SET:
		return (request_check_strings(f, key, v, err, errlen));
	case REQUEST_K_STRMAP:
		return (request_check_strmap(key, v, err, errlen));
	case REQUEST_K_MINIMUMS:
		return (request_check_minimums(key, v, err, errlen));
	case REQUEST_K_ENUMMAP:
		return (request_check_enummap(f, key, v, err, errlen));
	}
	return (-EINVAL);
}

/* The posted value of f under either input name; JSON null is absent. */
static const json_t *
request_posted_value(const json_t *posted, const struct request_field *f,
    const char **ret_key)
{
	const json_t	*v;

	*ret_key = f->in;
	v = json_object_get(posted, f->in);
	if ((v == NULL || json_is_null(v)) && f->in2 != NULL) {
		*ret_key = f->in2;
		v = json_object_get(posted, f->in2);
	}
	return (json_is_null(v) ? NULL : v);
}

/* Copy every known, non-null field into fields under its output name. */
static int
request_read_fields(const json_t *posted, json_t *fields, char *err,
    size_t errlen)
{
	const struct request_field	*f;
	const json_t			*v;
	const char			*key;
	json_t				*copy;
	size_t				 i;

	for (i = 0; i < REQUEST_NITEMS(request_fields); i++) {
		f = &request_fields[i];
		if ((v = request_posted_value(posted, f, &key)) == NULL)
			continue;
		if ((copy = json_deep_copy(v)) == NULL)
			return (-ENOMEM);
		if (request_check_kind(f, key, copy, err, errlen) < 0) {
			json_decref(copy);
			return (-EINVAL);
		}
		if (f->kind == REQUEST_K_DOUBLE && json_is_integer(copy)) {
			json_decref(copy);
			copy = json_real(json_number_value(v));
		}
		if (json_object_set_new(fields, f->out, copy) < 0)
			return (-ENOMEM);
	}
	return (0);
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
		return (request_fail(err, errlen, "Id must not be null"));
	if ((id = json_string_value(v)) == NULL)
		return (request_fail(err, errlen, "Id must be a string"));
	/* an embedded NUL would silently shorten the id */
	if (!request_id_chars_ok(id, SIZE_MAX, '-') ||
	    strlen(id) != json_string_length(v))
		return (request_fail(err, errlen, "Id cannot be null or "
		    "contain characters other than [a-zA-Z0-9_-] (it is '%s')",
		    id));
	if (strlen(id) > REQUEST_ID_MAX)
		return (request_fail(err, errlen, "Request id must be %d "
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
		return (request_fail(err, errlen, "daemon must be a boolean"));
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
		return (request_fail(err, errlen,
		    "Instances must be greater than 0"));
	if (n > REQUEST_INSTANCES_MAX)
		return (request_fail(err, errlen, "Instances (%lld) can not "
		    "be greater than %d (maxInstancesPerRequest in mesos "
		    "configuration)", n, REQUEST_INSTANCES_MAX));
	if (max != NULL && n > json_integer_value(max))
		return (request_fail(err, errlen, "Instances (%lld) can not "
		    "be greater than maxScale (%lld)", n,
		    (long long)json_integer_value(max)));
	if (t == REQUEST_SCHEDULED && n != 1)
		return (request_fail(err, errlen, "Scheduler requests can not "
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
		return (request_fail(err, errlen, "numRetriesOnFailure must "
		    "not be negative (it is %lld)",
		    (long long)json_integer_value(v)));
	v = json_object_get(fields, "taskPriorityLevel");
	d = json_number_value(v);
	if (v != NULL && (d < 0 || d > 1))
		return (request_fail(err, errlen, "Request taskPriorityLevel "
		    "%g is invalid, must be between 0 and 1 (inclusive).", d));
	v = json_object_get(fields, "maxTasksPerOffer");
	if (v != NULL && json_integer_value(v) <= 0)
		return (request_fail(err, errlen,
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
		return (request_fail(err, errlen, "Request can not change "
		    "requestType from %s to %s", request_type_to_str(old),
		    request_type_to_str(t)));
	if (oldlb != newlb)
		return (request_fail(err, errlen, "Request can not change "
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
		return (request_fail(err, errlen,
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
			return (request_fail(err, errlen, "Non-scheduled "
			    "requests can not specify a schedule"));
		if (st != NULL)
			return (request_fail(err, errlen, "ScheduleType can "
			    "only be set for scheduled requests"));
		return (0);
	}
	if (sched == NULL && quartz == NULL)
		return (request_fail(err, errlen,
		    "Specify at least one of schedule or quartzSchedule"));
	if (st == NULL)
		st = sched == NULL ? "QUARTZ" : "CRON";
	/* kerr cannot compute RRULE occurrences faithfully (spec 0A) */
	if (strcmp(st, "RFC5545") == 0)
		return (request_fail(err, errlen, "RFC5545 schedules are not "
		    "supported (scheduleType RFC5545)"));
	if (sched == NULL && strcmp(st, "QUARTZ") != 0)
		return (request_fail(err, errlen, "If using quartzSchedule "
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
			return (request_fail(err, errlen, "non-longRunning "
			    "(scheduled/oneoff) requests can not be load "
			    "balanced (loadBalanced is true)"));
		if (request_true(fields, "rackSensitive"))
			return (request_fail(err, errlen, "non-longRunning "
			    "(scheduled/oneoff) requests can not be rack "
			    "sensitive (rackSensitive is true)"));
		return (0);
	}
	for (i = 0; i < REQUEST_NITEMS(request_not_long_running); i++)
		if (json_object_get(fields,
		    request_not_long_running[i].field) != NULL)
			return (request_fail(err, errlen, "%s",
			    request_not_long_running[i].msg));
	return (0);
}

/* What kerr cannot do (spec 0A, 3.3 step 2) and the zone it must know. */
static int
request_check_kerr(const json_t *fields, char *err, size_t errlen)
{
	const char	*tz = request_str(fields, "scheduleTimeZone");
	const char	*placement = request_str(fields, "agentPlacement");

	if (tz != NULL && !cron_zone_is_valid(tz))
		return (request_fail(err, errlen,
		    "Unknown scheduleTimeZone '%s'", tz));
	if (request_true(fields, "loadBalanced"))
		return (request_fail(err, errlen, "loadBalanced requests are "
		    "not supported: no load balancer is configured"));
	if (placement != NULL && strncmp(placement, "SPREAD_ALL_", 11) == 0)
		return (request_fail(err, errlen, "agentPlacement %s is not "
		    "supported: spreading to all agents is disabled",
		    placement));
	return (0);
}

/* id first, then the table's order, deprecated names repeated. */
static int
request_emit(const char *id, const json_t *fields, json_t **ret)
{
	const struct request_field	*f;
	json_t				*obj = NULL, *v;
	size_t				 i;
	int				 r = -ENOMEM;

	if ((obj = json_object()) == NULL ||
	    json_object_set_new(obj, "id", json_string(id)) < 0)
		goto out;
	for (i = 0; i < REQUEST_NITEMS(request_fields); i++) {
		f = &request_fields[i];
		if ((v = json_object_get(fields, f->out)) == NULL)
			continue;
		if (json_object_set(obj, f->out, v) < 0)
			goto out;
		if (f->out2 != NULL && json_object_set_new(obj, f->out2,
		    json_deep_copy(v)) < 0)
			goto out;
	}
	*ret = obj;
	obj = NULL;
	r = 0;
out:
	json_decref(obj);
	return (r);
}

/* Messages quote what the client sent: keep them one line (spec 0A). */
static void
request_oneline(char *err, size_t errlen)
{
	char	*p;

	if (err == NULL || errlen == 0)
		return;
	for (p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

static int
request_check(const json_t *posted, const json_t *existing, json_t *fields,
    char *err, size_t errlen)
{
	enum request_type	 t = REQUEST_WORKER;
	int			 r;

	if ((r = request_read_fields(posted, fields, err, errlen)) < 0 ||
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
		r = request_fail(err, errlen, "Request must be a JSON object");
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
	if (r == -ENOMEM)
		(void)request_fail(err, errlen, "Out of memory");
	if (r < 0)
		request_oneline(err, errlen);
	json_decref(fields);
	return (r);
}
