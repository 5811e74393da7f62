/*
 * The SingularityDeploy model (spec 2.3, 3.6): deploy_normalize() turns a
 * posted deploy into the object kerr stores and serves.  Its shape is the
 * schema tables of deploy_schema.c, which schema_read() type checks and
 * copies, naming each field by its path ("healthcheck.portIndex",
 * "uris[2].uri").  The checks after that follow
 * SingularityValidator.checkDeploy() in order and wording, plus the
 * project decisions of spec 0A: kerr runs command deploys as local
 * processes, so containers are refused; a SingularityExecutor deploy
 * (customExecutorCmd with executorData) runs executorData.cmd, kerr being
 * that executor, with what of executorData it can honour.  Pure logic:
 * no store, no logging.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "deploy.h"
#include "deploy_schema.h"
#include "records.h"
#include "request.h"
#include "schema.h"

#define DEPLOY_NUM_MAX		32	/* a double as Java prints it */
#define DEPLOY_UUID_LEN		37
#define DEPLOY_ID_CHARS							\
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_."

/* Per-instance and per-request maxima (checkForIllegalResources). */
static const struct {
	const char	*field;
	const char	*what;
	int		 instance_max;
	const char	*instance_name;
	int		 request_max;
	const char	*request_name;
} deploy_limits[] = {
	{ "cpus", "too many cpus", DEPLOY_MAX_CPUS_PER_INSTANCE,
	    "maxCpusPerInstance", DEPLOY_MAX_CPUS_PER_REQUEST,
	    "cpusPerRequest" },
	{ "memoryMb", "too much memoryMb", DEPLOY_MAX_MEMORY_MB_PER_INSTANCE,
	    "maxMemoryMbPerInstance", DEPLOY_MAX_MEMORY_MB_PER_REQUEST,
	    "maxMemoryMbPerRequest" },
	{ "diskMb", "too much diskMb", DEPLOY_MAX_DISK_MB_PER_INSTANCE,
	    "maxDiskMbPerInstance", DEPLOY_MAX_DISK_MB_PER_REQUEST,
	    "maxDiskMbPerRequest" }
};

/* A deprecated field and where its value goes in the new object. */
struct deploy_rename {
	const char	*from;
	const char	*to;
};

static const struct deploy_rename deploy_flat_healthcheck[] = {
	{ "healthcheckUri", "uri" },
	{ "healthcheckPortIndex", "portIndex" },
	{ "healthcheckProtocol", "protocol" },
	{ "healthcheckIntervalSeconds", "intervalSeconds" },
	{ "healthcheckTimeoutSeconds", "responseTimeoutSeconds" },
	{ "healthcheckMaxRetries", "maxRetries" }
};

static const struct deploy_rename deploy_step_canary[] = {
	{ "deployInstanceCountPerStep", "instanceGroupSize" },
	{ "deployStepWaitTimeMs", "waitMillisBetweenGroups" },
	{ "maxTaskRetries", "allowedTasksFailuresPerGroup" }
};

/* A double as Java's Double.toString() prints it in these messages. */
static const char *
deploy_jdouble(char *buf, size_t len, double d)
{
	int	 prec;

	if (d > -1e7 && d < 1e7 && d == (double)(long long)d) {
		(void)snprintf(buf, len, "%.1f", d);
		return (buf);
	}
	for (prec = 1; prec < 17; prec++) {
		(void)snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return (buf);
}

static int
deploy_check_id(const json_t *posted, const char **ret_id, char *err,
    size_t errlen)
{
	const json_t	*v = schema_get(posted, "id");
	const char	*id;

	/* kerr never generates deploy ids (createDeployIds is off) */
	if (v == NULL)
		return (schema_fail(err, errlen, "Id must not be null"));
	if ((id = json_string_value(v)) == NULL)
		return (schema_fail(err, errlen, "Id must be a string"));
	if (id[0] == '\0' || id[strspn(id, DEPLOY_ID_CHARS)] != '\0' ||
	    strlen(id) != json_string_length(v))
		return (schema_fail(err, errlen, "Id cannot be null or "
		    "contain characters other than [a-zA-Z0-9_.] (it is '%s')",
		    id));
	if (!deploy_id_is_valid(id))
		return (schema_fail(err, errlen, "Deploy id must be %d "
		    "characters or less, it is %zu (%s)", DEPLOY_ID_MAX,
		    strlen(id), id));
	*ret_id = id;
	return (0);
}

static int
deploy_check_request_id(const json_t *posted, const char *want, char *err,
    size_t errlen)
{
	const json_t	*v = schema_get(posted, "requestId");

	if (v == NULL)
		return (schema_fail(err, errlen, "Deploy id must match "
		    "request id (requestId must not be null)"));
	if (!json_is_string(v))
		return (schema_fail(err, errlen,
		    "requestId must be a string"));
	if (strcmp(json_string_value(v), want) != 0 ||
	    strlen(want) != json_string_length(v))
		return (schema_fail(err, errlen, "Deploy id must match "
		    "request id (requestId '%s' is not '%s')",
		    json_string_value(v), want));
	return (0);
}

/* What the local executor cannot run (spec 0A). */
static int
deploy_check_executor(const json_t *posted, char *err, size_t errlen)
{
	if (schema_get(posted, "containerInfo") != NULL)
		return (schema_fail(err, errlen, "containers are not "
		    "supported by the local executor (containerInfo is set)"));
	return (0);
}

/* Singularity's rule, then what kerr as SingularityExecutor can honour. */
static int
deploy_check_command(const json_t *fields, char *err, size_t errlen)
{
	const json_t	*data = json_object_get(fields, "executorData");
	int		 command, custom;

	command = json_object_get(fields, "command") != NULL;
	custom = json_object_get(fields, "customExecutorCmd") != NULL;
	if (!((command && data == NULL) || (data != NULL && custom &&
	    !command)))
		return (schema_fail(err, errlen, "If not using custom "
		    "executor, specify a command or containerInfo. If using "
		    "custom executor, specify executorData and "
		    "customExecutorCmd and no command."));
	if (custom && data == NULL)
		return (schema_fail(err, errlen, "custom executors are not "
		    "supported by the local executor (customExecutorCmd is "
		    "set without executorData)"));
	return (data != NULL ? deploy_check_executor_data(data, err, errlen) :
	    0);
}

/* Keys become "K=V" strings and STARTED_BY_USER is the server's to set. */
static int
deploy_check_env_map(const char *name, json_t *map, char *err,
    size_t errlen)
{
	const char	*k, *s;
	json_t		*v;

	json_object_foreach(map, k, v) {
		s = json_string_value(v);
		if (k[0] == '\0' || strchr(k, '=') != NULL)
			return (schema_fail(err, errlen, "%s key '%s' is not "
			    "a valid environment variable name", name, k));
		if (strlen(s) != json_string_length(v))
			return (schema_fail(err, errlen, "%s.%s must not "
			    "contain a NUL character", name, k));
		if (strstr(k, "STARTED_BY_USER") != NULL ||
		    strstr(s, "STARTED_BY_USER") != NULL)
			return (schema_fail(err, errlen, "Cannot override "
			    "STARTED_BY_USER in env (%s.%s)", name, k));
	}
	return (0);
}

static int
deploy_check_env(const json_t *fields, char *err, size_t errlen)
{
	char		 name[32];	/* "taskEnv." and an instance number */
	const char	*k;
	json_t		*env, *task_env, *v;
	int		 r;

	if ((env = json_object_get(fields, "env")) != NULL &&
	    (r = deploy_check_env_map("env", env, err, errlen)) < 0)
		return (r);
	if ((task_env = json_object_get(fields, "taskEnv")) == NULL)
		return (0);
	json_object_foreach(task_env, k, v) {
		(void)snprintf(name, sizeof(name), "taskEnv.%s", k);
		if ((r = deploy_check_env_map(name, v, err, errlen)) < 0)
			return (r);
	}
	return (0);
}

/* The members of fields named in map, under their new names. */
static json_t *
deploy_renamed(const json_t *fields, const struct deploy_rename *map,
    size_t n)
{
	json_t	*obj, *v;
	size_t	 i;

	if ((obj = json_object()) == NULL)
		return (NULL);
	for (i = 0; i < n; i++)
		if ((v = json_object_get(fields, map[i].from)) != NULL &&
		    json_object_set(obj, map[i].to, v) < 0) {
			json_decref(obj);
			return (NULL);
		}
	return (obj);
}

/* Old clients' flat fields become a healthcheck object (spec 2.3). */
static int
deploy_fill_healthcheck(json_t *fields, char *err, size_t errlen)
{
	json_t	*src, *hc;
	int	 r;

	if (json_object_get(fields, "healthcheckUri") == NULL ||
	    json_object_get(fields, "healthcheck") != NULL)
		return (0);
	if ((src = deploy_renamed(fields, deploy_flat_healthcheck,
	    SCHEMA_NITEMS(deploy_flat_healthcheck))) == NULL)
		return (-ENOMEM);
	r = schema_read_object(&deploy_schema_healthcheck, "healthcheck", src,
	    &hc, err, errlen);
	json_decref(src);
	if (r == 0 && json_object_set_new(fields, "healthcheck", hc) < 0)
		r = -ENOMEM;
	return (r);
}

/* The deprecated step-deploy fields become canary settings. */
static int
deploy_fill_canary(json_t *fields, char *err, size_t errlen)
{
	json_t	*src, *c;
	int	 r = -ENOMEM;

	if (json_object_get(fields, "canaryDeploySettings") != NULL)
		return (0);
	if ((src = deploy_renamed(fields, deploy_step_canary,
	    SCHEMA_NITEMS(deploy_step_canary))) == NULL)
		return (-ENOMEM);
	if (json_object_get(fields, "deployInstanceCountPerStep") != NULL &&
	    json_object_set_new(src, "enableCanaryDeploy", json_true()) < 0)
		goto out;
	if (json_object_get(fields, "deployStepWaitTimeMs") != NULL &&
	    json_object_set_new(src, "acceptanceMode", json_string("TIMED")) <
	    0)
		goto out;
	if ((r = schema_read_object(&deploy_schema_canary,
	    "canaryDeploySettings", src, &c, err, errlen)) == 0 &&
	    json_object_set_new(fields, "canaryDeploySettings", c) < 0)
		r = -ENOMEM;
out:
	json_decref(src);
	return (r);
}

static int
deploy_check_resources(const json_t *fields, const char *id, int instances,
    char *err, size_t errlen)
{
	const json_t	*res = json_object_get(fields, "resources");
	char		 a[DEPLOY_NUM_MAX], b[DEPLOY_NUM_MAX];
	double		 v;
	size_t		 i;

	if (!(json_number_value(json_object_get(res, "cpus")) > 0))
		return (schema_fail(err, errlen,
		    "Request must have more than 0 cpus"));
	if (!(json_number_value(json_object_get(res, "memoryMb")) > 0))
		return (schema_fail(err, errlen,
		    "Request must have more than 0 memoryMb"));
	if (!(json_number_value(json_object_get(res, "diskMb")) >= 0))
		return (schema_fail(err, errlen,
		    "Request must have non-negative diskMb"));
	for (i = 0; i < SCHEMA_NITEMS(deploy_limits); i++) {
		v = json_number_value(json_object_get(res,
		    deploy_limits[i].field));
		if (v > deploy_limits[i].instance_max)
			return (schema_fail(err, errlen, "Deploy %s uses %s "
			    "%s (%s %d in mesos configuration)", id,
			    deploy_limits[i].what, deploy_jdouble(a, sizeof(a),
			    v), deploy_limits[i].instance_name,
			    deploy_limits[i].instance_max));
		if (v * instances > deploy_limits[i].request_max)
			return (schema_fail(err, errlen, "Deploy %s uses %s "
			    "%s (%s*%d) (%s %d in mesos configuration)", id,
			    deploy_limits[i].what, deploy_jdouble(a, sizeof(a),
			    v * instances), deploy_jdouble(b, sizeof(b), v),
			    instances, deploy_limits[i].request_name,
			    deploy_limits[i].request_max));
	}
	return (0);
}

static int
deploy_check_healthcheck_ports(const json_t *hc, long long num_ports,
    char *err, size_t errlen)
{
	const json_t	*pi = json_object_get(hc, "portIndex");
	const json_t	*pn = json_object_get(hc, "portNumber");
	const char	*uri = json_string_value(json_object_get(hc, "uri"));
	long long	 i;

	if (pi != NULL && pn != NULL)
		return (schema_fail(err, errlen, "Can only specify one of "
		    "portIndex or portNumber for healthchecks"));
	if (pi != NULL && (i = json_integer_value(pi)) < 0)
		return (schema_fail(err, errlen,
		    "healthcheckPortIndex cannot be negative"));
	if (pi != NULL && i >= num_ports)
		return (schema_fail(err, errlen, "Must request %lld ports for "
		    "healthcheckPortIndex %lld, only requested %lld", i + 1, i,
		    num_ports));
	if (pn != NULL && ((i = json_integer_value(pn)) < 1 || i > 65535))
		return (schema_fail(err, errlen, "healthcheck.portNumber must "
		    "be between 1 and 65535 (it is %lld)", i));
	if (uri != NULL && uri[0] != '\0' && num_ports == 0 && pn == NULL)
		return (schema_fail(err, errlen, "Either an explicit port "
		    "number, or port resources and port index must be "
		    "specified to run healthchecks against a uri"));
	return (0);
}

static int
deploy_check_healthcheck(const json_t *fields, char *err, size_t errlen)
{
	const json_t	*hc = json_object_get(fields, "healthcheck");
	const json_t	*delay = json_object_get(hc, "startupDelaySeconds");
	const char	*uri = json_string_value(json_object_get(hc, "uri"));
	long long	 ports;
	int		 r;

	if (hc == NULL)
		return (0);
	if ((uri == NULL || uri[0] == '\0') &&
	    json_object_get(hc, "healthcheckResultFilePath") == NULL)
		return (schema_fail(err, errlen, "healthcheck must specify a "
		    "uri or a healthcheckResultFilePath"));
	ports = json_integer_value(json_object_get(json_object_get(fields,
	    "resources"), "numPorts"));
	if ((r = deploy_check_healthcheck_ports(hc, ports, err, errlen)) < 0)
		return (r);
	if (delay != NULL && json_integer_value(delay) >=
	    DEPLOY_KILL_UNHEALTHY_AFTER_SECONDS)
		return (schema_fail(err, errlen, "Health check startup delay "
		    "time must be less than max health check run time %d (was "
		    "%lld)", DEPLOY_KILL_UNHEALTHY_AFTER_SECONDS,
		    (long long)json_integer_value(delay)));
	return (0);
}

/* As Singularity: only checked against resources the deploy names. */
static int
deploy_check_lb_port(const json_t *posted, const json_t *fields, char *err,
    size_t errlen)
{
	const json_t	*v = json_object_get(fields, "loadBalancerPortIndex");
	long long	 i, ports;

	if (v == NULL || schema_get(posted, "resources") == NULL)
		return (0);
	i = json_integer_value(v);
	ports = json_integer_value(json_object_get(json_object_get(fields,
	    "resources"), "numPorts"));
	if (i < 0)
		return (schema_fail(err, errlen,
		    "loadBalancerPortIndex must be greater than 0"));
	if (i >= ports)
		return (schema_fail(err, errlen, "Must request %lld ports for "
		    "loadBalancerPortIndex %lld, only requested %lld", i + 1,
		    i, ports));
	return (0);
}

/* SingularityMesosTaskLabel.labelsFromMap(). */
static json_t *
deploy_labels_from_map(json_t *map)
{
	const char	*k;
	json_t		*arr, *v;

	if ((arr = json_array()) == NULL)
		return (NULL);
	json_object_foreach(map, k, v)
		if (json_array_append_new(arr, json_pack("{s:s, s:O}", "key",
		    k, "value", v)) < 0) {
			json_decref(arr);
			return (NULL);
		}
	return (arr);
}

/* Every label of a is in b (Singularity's containsAll). */
static int
deploy_labels_within(const json_t *a, const json_t *b)
{
	const json_t	*x, *y;
	size_t		 i, j;
	int		 found;

	json_array_foreach(a, i, x) {
		found = 0;
		json_array_foreach(b, j, y)
			if ((found = json_equal(x, y)))
				break;
		if (!found)
			return (0);
	}
	return (1);
}

static int
deploy_same_labels(const json_t *a, const json_t *b)
{
	return (a != NULL && b != NULL && deploy_labels_within(a, b) &&
	    deploy_labels_within(b, a));
}

/* labels becomes mesosLabels; both given must say the same. */
static int
deploy_fill_labels(json_t *fields, char *err, size_t errlen)
{
	json_t	*labels = json_object_get(fields, "labels");
	json_t	*mesos = json_object_get(fields, "mesosLabels");
	json_t	*conv;

	if (labels == NULL)
		return (0);
	if ((conv = deploy_labels_from_map(labels)) == NULL)
		return (-ENOMEM);
	if (mesos == NULL)
		return (json_object_set_new(fields, "mesosLabels", conv) < 0 ?
		    -ENOMEM : 0);
	if (!deploy_same_labels(conv, mesos)) {
		json_decref(conv);
		return (schema_fail(err, errlen,
		    "Can only specify one of 'labels' or 'mesosLabels'"));
	}
	json_decref(conv);
	return (0);
}

/* taskLabels becomes mesosTaskLabels, instance by instance. */
static int
deploy_fill_task_labels(json_t *fields, char *err, size_t errlen)
{
	json_t		*labels = json_object_get(fields, "taskLabels");
	json_t		*mesos = json_object_get(fields, "mesosTaskLabels");
	json_t		*conv, *v;
	const char	*k;

	if (labels == NULL)
		return (0);
	if ((conv = json_object()) == NULL)
		return (-ENOMEM);
	json_object_foreach(labels, k, v)
		if (json_object_set_new(conv, k,
		    deploy_labels_from_map(v)) < 0) {
			json_decref(conv);
			return (-ENOMEM);
		}
	if (mesos == NULL)
		return (json_object_set_new(fields, "mesosTaskLabels", conv) <
		    0 ? -ENOMEM : 0);
	json_object_foreach(conv, k, v)
		if (!deploy_same_labels(v, json_object_get(mesos, k))) {
			json_decref(conv);
			return (schema_fail(err, errlen, "Can only specify "
			    "one of 'taskLabels' or 'mesosTaskLabels'"));
		}
	json_decref(conv);
	return (0);
}

/* The runId rules of checkRunNowRequest(), as a new run would get. */
static int
deploy_fill_run_id(json_t *run, char *err, size_t errlen)
{
	const json_t	*v = json_object_get(run, "runId");
	char		 uuid[DEPLOY_UUID_LEN];
	int		 r;

	if (v != NULL && json_string_length(v) > DEPLOY_RUN_ID_MAX)
		return (schema_fail(err, errlen, "RunId must be less than %d "
		    "characters. RunId %s has %zu characters",
		    DEPLOY_RUN_ID_MAX, json_string_value(v),
		    json_string_length(v)));
	if (v != NULL)
		return (0);
	if ((r = records_uuid(uuid, sizeof(uuid))) < 0) {
		(void)schema_fail(err, errlen, "runImmediately.runId could "
		    "not be generated: %s", strerror(-r));
		return (r);
	}
	return (json_object_set_new(run, "runId", json_string(uuid)) < 0 ?
	    -ENOMEM : 0);
}

static int
deploy_check_run_now(json_t *fields, const json_t *request, char *err,
    size_t errlen)
{
	json_t			*run = json_object_get(fields,
				    "runImmediately");
	json_t			*v;
	enum request_type	 t = request_type_of(request);
	size_t			 i;
	int			 r;

	if (run == NULL)
		return (0);
	if (t != REQUEST_SCHEDULED && t != REQUEST_ON_DEMAND)
		return (schema_fail(err, errlen, "Can not request an "
		    "immediate run of a non-scheduled / always running "
		    "request (%s is %s; runImmediately)",
		    json_string_value(json_object_get(request, "id")),
		    request_type_to_str(t)));
	if ((r = deploy_check_env_map("runImmediately.envOverrides",
	    json_object_get(run, "envOverrides"), err, errlen)) < 0)
		return (r);
	json_array_foreach(json_object_get(run, "commandLineArgs"), i, v)
		if (strstr(json_string_value(v), "STARTED_BY_USER") != NULL)
			return (schema_fail(err, errlen, "Cannot override "
			    "STARTED_BY_USER (runImmediately."
			    "commandLineArgs)"));
	return (deploy_fill_run_id(run, err, errlen));
}

/* requestId and id first, then the table's order. */
static int
deploy_emit(const char *request_id, const char *id, const json_t *fields,
    json_t **ret)
{
	json_t	*obj;

	if ((obj = json_pack("{s:s, s:s}", "requestId", request_id, "id",
	    id)) == NULL || schema_write(&deploy_schema, fields, obj) < 0) {
		json_decref(obj);
		return (-ENOMEM);
	}
	*ret = obj;
	return (0);
}

/* SingularityValidator.checkDeploy() order, after the type checks. */
static int
deploy_check(const json_t *posted, const json_t *request, const char *id,
    json_t *fields, char *err, size_t errlen)
{
	int	 r;

	if ((r = schema_read(&deploy_schema, posted, NULL, fields, err,
	    errlen)) < 0 ||
	    (r = deploy_fill_healthcheck(fields, err, errlen)) < 0 ||
	    (r = deploy_fill_canary(fields, err, errlen)) < 0 ||
	    (r = deploy_check_resources(fields, id,
	    request_instances_of(request), err, errlen)) < 0 ||
	    (r = deploy_check_healthcheck(fields, err, errlen)) < 0 ||
	    (r = deploy_check_lb_port(posted, fields, err, errlen)) < 0 ||
	    (r = deploy_check_command(fields, err, errlen)) < 0 ||
	    (r = deploy_check_uris(json_object_get(fields, "uris"), err,
	    errlen)) < 0 ||
	    (r = deploy_fill_labels(fields, err, errlen)) < 0 ||
	    (r = deploy_fill_task_labels(fields, err, errlen)) < 0 ||
	    (r = deploy_check_env(fields, err, errlen)) < 0)
		return (r);
	return (deploy_check_run_now(fields, request, err, errlen));
}

int
deploy_normalize(const json_t *posted, const json_t *request, json_t **ret,
    char *err, size_t errlen)
{
	json_t		*fields = NULL;
	const char	*id = NULL;
	const char	*request_id;
	int		 r;

	request_id = json_string_value(json_object_get(request, "id"));
	if (!json_is_object(posted))
		r = schema_fail(err, errlen, "Deploy must be a JSON object");
	else if (request_id == NULL)
		r = schema_fail(err, errlen, "Deploy has no request to belong "
		    "to (requestId)");
	else if ((r = deploy_check_id(posted, &id, err, errlen)) == 0 &&
	    (r = deploy_check_request_id(posted, request_id, err,
	    errlen)) == 0 &&
	    (r = deploy_check_executor(posted, err, errlen)) == 0) {
		if ((fields = json_object()) == NULL)
			r = -ENOMEM;
		else if ((r = deploy_check(posted, request, id, fields, err,
		    errlen)) == 0)
			r = deploy_emit(request_id, id, fields, ret);
	}
	json_decref(fields);
	return (schema_result(r, err, errlen));
}
