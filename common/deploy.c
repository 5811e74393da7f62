/*
 * The SingularityDeploy model (spec 2.3, 3.6): deploy_normalize() turns a
 * posted deploy into the object kerr stores and serves.  As in request.c,
 * a table names every known field with its JSON kind, input alias, bound
 * and default; nested objects (Resources, HealthcheckOptions,
 * CanaryDeploySettings, artifacts, labels, ...) are tables too, so one
 * reader type checks and copies the whole tree and every message names
 * the field by its path ("healthcheck.portIndex", "uris[2].uri").  The
 * checks after that follow SingularityValidator.checkDeploy() in order and
 * wording, plus the project decisions of spec 0A: kerr runs command
 * deploys as local processes, so containers and custom executors are
 * refused.  Pure logic: no store, no logging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>

#include "deploy.h"
#include "records.h"
#include "request.h"

#define DEPLOY_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define DEPLOY_TABLE(a)		{ a, DEPLOY_NITEMS(a) }
#define DEPLOY_NAME_MAX		256	/* a field path in a message */
#define DEPLOY_LIST_MAX		128	/* room for an enum's spellings */
#define DEPLOY_NUM_MAX		32	/* a double as Java prints it */
#define DEPLOY_UUID_LEN		37
#define DEPLOY_STR2(x)		#x
#define DEPLOY_STR(x)		DEPLOY_STR2(x)
#define DEPLOY_ID_CHARS							\
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_."

enum deploy_kind {
	DEPLOY_K_STRING,
	DEPLOY_K_BOOL,
	DEPLOY_K_INT,		/* Java Integer: 32 bits */
	DEPLOY_K_LONG,
	DEPLOY_K_DOUBLE,	/* written as a real, as Jackson does */
	DEPLOY_K_ENUM,		/* a string among values */
	DEPLOY_K_STRINGS,	/* [string] */
	DEPLOY_K_SET,		/* [string], duplicates dropped (a Java Set) */
	DEPLOY_K_INTS,		/* [int] */
	DEPLOY_K_STRMAP,	/* {string: string} */
	DEPLOY_K_ANYMAP,	/* {string: anything}, kept as posted */
	DEPLOY_K_OBJECT,	/* an object read with table sub */
	DEPLOY_K_OBJECTS,	/* [object read with sub] */
	DEPLOY_K_INSTMAP	/* {instanceNo: value of kind elem} */
};

enum deploy_bound {
	DEPLOY_B_ANY,
	DEPLOY_B_NONNEG,
	DEPLOY_B_POSITIVE
};

struct deploy_table;

struct deploy_field {
	const char			*in;	/* input name read first */
	const char			*in2;	/* read when in is absent */
	const char			*out;	/* output name */
	const char			*out2;	/* deprecated output copy */
	enum deploy_kind		 kind;
	enum deploy_bound		 bound;	/* INT and LONG */
	int				 required;
	const char			*def;	/* JSON written if absent */
	const char *const		*values;	/* ENUM spellings */
	const struct deploy_table	*sub;	/* OBJECT(S) members */
	const char			*strkey;	/* OBJECTS: "s" = {k:"s"} */
	const struct deploy_field	*elem;	/* INSTMAP values */
};

struct deploy_table {
	const struct deploy_field	*fields;
	size_t				 n;
};

#define DEPLOY_F(n, k)		{ .in = n, .out = n, .kind = k }
#define DEPLOY_FB(n, k, b)	{ .in = n, .out = n, .kind = k, .bound = b }
#define DEPLOY_FD(n, k, d)	{ .in = n, .out = n, .kind = k, .def = d }
#define DEPLOY_FBD(n, k, b, d)	{ .in = n, .out = n, .kind = k, .bound = b, \
				    .def = d }
#define DEPLOY_FR(n, k)		{ .in = n, .out = n, .kind = k, .required = 1 }
#define DEPLOY_FE(n, v)		{ .in = n, .out = n, .kind = DEPLOY_K_ENUM, \
				    .values = v }
#define DEPLOY_FO(n, t)		{ .in = n, .out = n, .kind = DEPLOY_K_OBJECT, \
				    .sub = &t }
#define DEPLOY_FL(n, t, s, d)	{ .in = n, .out = n, .kind = DEPLOY_K_OBJECTS, \
				    .sub = &t, .strkey = s, .def = d }
#define DEPLOY_FM(n, e)		{ .in = n, .out = n, .kind = DEPLOY_K_INSTMAP, \
				    .elem = &e }

static const char *const deploy_protocols[] = {
	"HTTP", "HTTPS", "HTTP2", "HTTPS2", NULL
};

static const char *const deploy_methods[] = { "GET", "POST", NULL };

static const char *const deploy_acceptance_modes[] = {
	"CHECKS", "TIMED", "NONE", NULL
};

/* Resources: missing members are 0 and all four are always written. */
static const struct deploy_field deploy_resources_fields[] = {
	DEPLOY_FD("cpus", DEPLOY_K_DOUBLE, "0.0"),
	DEPLOY_FD("memoryMb", DEPLOY_K_DOUBLE, "0.0"),
	DEPLOY_FBD("numPorts", DEPLOY_K_INT, DEPLOY_B_NONNEG, "0"),
	DEPLOY_FD("diskMb", DEPLOY_K_DOUBLE, "0.0")
};
static const struct deploy_table deploy_resources =
    DEPLOY_TABLE(deploy_resources_fields);

/* Server defaults when the deploy names no resources at all. */
#define DEPLOY_RESOURCES_DEFAULT					\
	"{\"cpus\":" DEPLOY_STR(DEPLOY_DEFAULT_CPUS) ".0,"		\
	"\"memoryMb\":" DEPLOY_STR(DEPLOY_DEFAULT_MEMORY_MB) ".0,"	\
	"\"numPorts\":0,\"diskMb\":0.0}"

/* SingularityMesosArtifact. */
static const struct deploy_field deploy_artifact_fields[] = {
	DEPLOY_FR("uri", DEPLOY_K_STRING),
	DEPLOY_FD("cache", DEPLOY_K_BOOL, "false"),
	DEPLOY_FD("executable", DEPLOY_K_BOOL, "false"),
	DEPLOY_FD("extract", DEPLOY_K_BOOL, "false"),
	DEPLOY_F("outputFile", DEPLOY_K_STRING)
};
static const struct deploy_table deploy_artifact =
    DEPLOY_TABLE(deploy_artifact_fields);

/* SingularityMesosTaskLabel. */
static const struct deploy_field deploy_label_fields[] = {
	DEPLOY_FR("key", DEPLOY_K_STRING),
	DEPLOY_F("value", DEPLOY_K_STRING)
};
static const struct deploy_table deploy_label =
    DEPLOY_TABLE(deploy_label_fields);

/* SingularityS3UploaderFile. */
static const struct deploy_field deploy_s3file_fields[] = {
	DEPLOY_FR("filename", DEPLOY_K_STRING),
	DEPLOY_F("s3UploaderBucket", DEPLOY_K_STRING),
	DEPLOY_F("s3UploaderKeyPattern", DEPLOY_K_STRING),
	DEPLOY_F("s3UploaderFilenameHint", DEPLOY_K_STRING),
	DEPLOY_F("directory", DEPLOY_K_STRING),
	DEPLOY_F("s3StorageClass", DEPLOY_K_STRING),
	DEPLOY_FB("applyS3StorageClassAfterBytes", DEPLOY_K_LONG,
	    DEPLOY_B_NONNEG),
	DEPLOY_FD("checkSubdirectories", DEPLOY_K_BOOL, "false")
};
static const struct deploy_table deploy_s3file =
    DEPLOY_TABLE(deploy_s3file_fields);

/* HealthcheckOptions: absent members take server defaults at run time. */
static const struct deploy_field deploy_healthcheck_fields[] = {
	DEPLOY_F("uri", DEPLOY_K_STRING),
	DEPLOY_F("portIndex", DEPLOY_K_INT),
	DEPLOY_F("portNumber", DEPLOY_K_LONG),
	DEPLOY_FE("protocol", deploy_protocols),
	DEPLOY_FE("method", deploy_methods),
	DEPLOY_FB("startupTimeoutSeconds", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_FB("startupDelaySeconds", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_FB("startupIntervalSeconds", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_FB("intervalSeconds", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_FB("responseTimeoutSeconds", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_FB("maxRetries", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_F("failureStatusCodes", DEPLOY_K_INTS),
	DEPLOY_F("healthcheckResultFilePath", DEPLOY_K_STRING)
};
static const struct deploy_table deploy_healthcheck =
    DEPLOY_TABLE(deploy_healthcheck_fields);

/* CanaryDeploySettings: the output always has all six (spec 2.3). */
static const struct deploy_field deploy_canary_fields[] = {
	DEPLOY_FD("enableCanaryDeploy", DEPLOY_K_BOOL, "false"),
	DEPLOY_FBD("instanceGroupSize", DEPLOY_K_INT, DEPLOY_B_POSITIVE, "1"),
	{ .in = "acceptanceMode", .out = "acceptanceMode",
	    .kind = DEPLOY_K_ENUM, .values = deploy_acceptance_modes,
	    .def = "\"NONE\"" },
	DEPLOY_FBD("waitMillisBetweenGroups", DEPLOY_K_LONG, DEPLOY_B_NONNEG,
	    "0"),
	DEPLOY_FBD("allowedTasksFailuresPerGroup", DEPLOY_K_INT,
	    DEPLOY_B_NONNEG, "0"),
	DEPLOY_FBD("canaryCycleCount", DEPLOY_K_INT, DEPLOY_B_POSITIVE, "3")
};
static const struct deploy_table deploy_canary =
    DEPLOY_TABLE(deploy_canary_fields);

/* SingularityRunNowRequest, for runImmediately. */
static const struct deploy_field deploy_run_now_fields[] = {
	DEPLOY_F("message", DEPLOY_K_STRING),
	DEPLOY_F("skipHealthchecks", DEPLOY_K_BOOL),
	DEPLOY_F("runId", DEPLOY_K_STRING),
	DEPLOY_F("commandLineArgs", DEPLOY_K_STRINGS),
	DEPLOY_FO("resources", deploy_resources),
	DEPLOY_FL("s3UploaderAdditionalFiles", deploy_s3file, "filename",
	    "[]"),
	DEPLOY_F("runAsUserOverride", DEPLOY_K_STRING),
	DEPLOY_FD("envOverrides", DEPLOY_K_STRMAP, "{}"),
	{ .in = "requiredAgentAttributeOverrides",
	    .in2 = "requiredSlaveAttributeOverrides",
	    .out = "requiredAgentAttributeOverrides",
	    .out2 = "requiredSlaveAttributeOverrides",
	    .kind = DEPLOY_K_STRMAP, .def = "{}" },
	{ .in = "allowedAgentAttributeOverrides",
	    .in2 = "allowedSlaveAttributeOverrides",
	    .out = "allowedAgentAttributeOverrides",
	    .out2 = "allowedSlaveAttributeOverrides",
	    .kind = DEPLOY_K_STRMAP, .def = "{}" },
	DEPLOY_FL("extraArtifacts", deploy_artifact, "uri", "[]"),
	DEPLOY_FB("runAt", DEPLOY_K_LONG, DEPLOY_B_NONNEG)
};
static const struct deploy_table deploy_run_now =
    DEPLOY_TABLE(deploy_run_now_fields);

/* Values of the {instanceNo: ...} maps. */
static const struct deploy_field deploy_elem_strmap = DEPLOY_F(NULL,
    DEPLOY_K_STRMAP);
static const struct deploy_field deploy_elem_labels = DEPLOY_FL(NULL,
    deploy_label, NULL, NULL);

/*
 * Output order is Singularity's creator order; requestId and id are
 * written first, outside it.  containerInfo, the customExecutor* fields
 * and executorData are refused before this table is read.
 */
static const struct deploy_field deploy_fields[] = {
	DEPLOY_F("command", DEPLOY_K_STRING),
	DEPLOY_F("arguments", DEPLOY_K_STRINGS),
	{ .in = "resources", .out = "resources", .kind = DEPLOY_K_OBJECT,
	    .sub = &deploy_resources, .def = DEPLOY_RESOURCES_DEFAULT },
	DEPLOY_F("env", DEPLOY_K_STRMAP),
	DEPLOY_FM("taskEnv", deploy_elem_strmap),
	DEPLOY_FO("runImmediately", deploy_run_now),
	DEPLOY_FL("uris", deploy_artifact, "uri", NULL),
	DEPLOY_F("metadata", DEPLOY_K_STRMAP),
	DEPLOY_F("version", DEPLOY_K_STRING),
	DEPLOY_F("timestamp", DEPLOY_K_LONG),
	DEPLOY_F("labels", DEPLOY_K_STRMAP),
	DEPLOY_FL("mesosLabels", deploy_label, NULL, NULL),
	DEPLOY_FM("taskLabels", deploy_elem_strmap),
	DEPLOY_FM("mesosTaskLabels", deploy_elem_labels),
	DEPLOY_FB("deployHealthTimeoutSeconds", DEPLOY_K_LONG,
	    DEPLOY_B_NONNEG),
	DEPLOY_F("healthcheckUri", DEPLOY_K_STRING),
	DEPLOY_FB("healthcheckIntervalSeconds", DEPLOY_K_LONG,
	    DEPLOY_B_NONNEG),
	DEPLOY_FB("healthcheckTimeoutSeconds", DEPLOY_K_LONG, DEPLOY_B_NONNEG),
	DEPLOY_F("healthcheckPortIndex", DEPLOY_K_INT),
	DEPLOY_FB("healthcheckMaxRetries", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_FB("healthcheckMaxTotalTimeoutSeconds", DEPLOY_K_LONG,
	    DEPLOY_B_NONNEG),
	DEPLOY_FO("healthcheck", deploy_healthcheck),
	DEPLOY_F("serviceBasePath", DEPLOY_K_STRING),
	DEPLOY_F("loadBalancerGroups", DEPLOY_K_SET),
	DEPLOY_F("loadBalancerPortIndex", DEPLOY_K_INT),
	DEPLOY_FB("considerHealthyAfterRunningForSeconds", DEPLOY_K_LONG,
	    DEPLOY_B_NONNEG),
	DEPLOY_F("loadBalancerOptions", DEPLOY_K_ANYMAP),
	DEPLOY_F("loadBalancerDomains", DEPLOY_K_SET),
	DEPLOY_F("loadBalancerAdditionalRoutes", DEPLOY_K_STRINGS),
	DEPLOY_F("loadBalancerTemplate", DEPLOY_K_STRING),
	DEPLOY_F("loadBalancerServiceIdOverride", DEPLOY_K_STRING),
	DEPLOY_F("loadBalancerUpstreamGroup", DEPLOY_K_STRING),
	DEPLOY_F("skipHealthchecksOnDeploy", DEPLOY_K_BOOL),
	/* Singularity reads healthCheckProtocol, writes healthcheckProtocol */
	{ .in = "healthCheckProtocol", .in2 = "healthcheckProtocol",
	    .out = "healthcheckProtocol", .kind = DEPLOY_K_ENUM,
	    .values = deploy_protocols },
	DEPLOY_FB("deployInstanceCountPerStep", DEPLOY_K_INT,
	    DEPLOY_B_POSITIVE),
	DEPLOY_FB("deployStepWaitTimeMs", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_F("autoAdvanceDeploySteps", DEPLOY_K_BOOL),
	DEPLOY_FB("maxTaskRetries", DEPLOY_K_INT, DEPLOY_B_NONNEG),
	DEPLOY_F("shell", DEPLOY_K_BOOL),
	DEPLOY_F("user", DEPLOY_K_STRING),
	DEPLOY_FL("s3UploaderAdditionalFiles", deploy_s3file, "filename",
	    "[]"),
	/* the 1.5.0 docs spell the input canarySettings */
	{ .in = "canaryDeploySettings", .in2 = "canarySettings",
	    .out = "canaryDeploySettings", .kind = DEPLOY_K_OBJECT,
	    .sub = &deploy_canary }
};
static const struct deploy_table deploy_top = DEPLOY_TABLE(deploy_fields);

/* Fields of a custom (Mesos) executor, which the local executor is not. */
static const char *const deploy_custom_executor[] = {
	"customExecutorCmd", "customExecutorId", "customExecutorSource",
	"customExecutorResources", "executorData", NULL
};

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

static int	deploy_fail(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	deploy_read(const json_t *, const struct deploy_table *,
		    const char *, json_t *, char *, size_t);

static int
deploy_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return (-EINVAL);
}

/* Messages quote what the client sent: keep them one line (spec 0A). */
static void
deploy_oneline(char *err, size_t errlen)
{
	char	*p;

	if (err == NULL || errlen == 0)
		return;
	for (p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

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

/* "A, B or C" for messages naming the allowed spellings. */
static const char *
deploy_enum_list(const char *const *names, char *buf, size_t len)
{
	size_t	 used = 0;
	int	 i;

	buf[0] = '\0';
	for (i = 0; names[i] != NULL && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : names[i + 1] == NULL ? " or " : ", ",
		    names[i]);
	return (buf);
}

static void
deploy_name(char *buf, size_t len, const char *prefix, const char *key)
{
	if (prefix == NULL)
		(void)snprintf(buf, len, "%s", key);
	else
		(void)snprintf(buf, len, "%s.%s", prefix, key);
}

static const json_t *
deploy_present(const json_t *obj, const char *name)
{
	const json_t	*v = json_object_get(obj, name);

	return (json_is_null(v) ? NULL : v);
}

static int
deploy_check_enum(const struct deploy_field *f, const char *name,
    const json_t *v, char *err, size_t errlen)
{
	char	 list[DEPLOY_LIST_MAX];
	int	 i;

	for (i = 0; json_is_string(v) && f->values[i] != NULL; i++)
		if (strcmp(f->values[i], json_string_value(v)) == 0)
			return (0);
	deploy_enum_list(f->values, list, sizeof(list));
	if (!json_is_string(v))
		return (deploy_fail(err, errlen, "%s must be one of %s", name,
		    list));
	return (deploy_fail(err, errlen, "%s '%s' is not one of %s", name,
	    json_string_value(v), list));
}

static int
deploy_check_integer(const struct deploy_field *f, const char *name,
    const json_t *v, char *err, size_t errlen)
{
	long long	 i;

	if (!json_is_integer(v))
		return (deploy_fail(err, errlen, "%s must be an integer",
		    name));
	i = json_integer_value(v);
	if (f->kind != DEPLOY_K_LONG && (i < INT32_MIN || i > INT32_MAX))
		return (deploy_fail(err, errlen,
		    "%s must be a 32-bit integer", name));
	if (f->bound == DEPLOY_B_NONNEG && i < 0)
		return (deploy_fail(err, errlen,
		    "%s must not be negative (it is %lld)", name, i));
	if (f->bound == DEPLOY_B_POSITIVE && i < 1)
		return (deploy_fail(err, errlen,
		    "%s must be greater than 0 (it is %lld)", name, i));
	return (0);
}

/* [string], [int]; a Java Set also keeps one copy of each string. */
static int
deploy_check_array(const struct deploy_field *f, const char *name,
    json_t *v, char *err, size_t errlen)
{
	const char	*what = f->kind == DEPLOY_K_INTS ? "integers" :
			    "strings";
	json_t		*e;
	size_t		 i, j;

	if (!json_is_array(v))
		return (deploy_fail(err, errlen, "%s must be an array of %s",
		    name, what));
	json_array_foreach(v, i, e) {
		if (json_is_null(e))
			return (deploy_fail(err, errlen,
			    "%s cannot contain null values", name));
		if (f->kind == DEPLOY_K_INTS ? (!json_is_integer(e) ||
		    json_integer_value(e) < INT32_MIN ||
		    json_integer_value(e) > INT32_MAX) : !json_is_string(e))
			return (deploy_fail(err, errlen,
			    "%s must be an array of %s", name, what));
	}
	for (i = 1; f->kind == DEPLOY_K_SET && i < json_array_size(v); i++)
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(v, i),
			    json_array_get(v, j))) {
				(void)json_array_remove(v, i--);
				break;
			}
	return (0);
}

static int
deploy_check_map(const struct deploy_field *f, const char *name, json_t *v,
    char *err, size_t errlen)
{
	const char	*k;
	json_t		*e;

	if (!json_is_object(v))
		return (deploy_fail(err, errlen, "%s must be an object%s",
		    name, f->kind == DEPLOY_K_STRMAP ? " of strings" : ""));
	if (f->kind == DEPLOY_K_ANYMAP)
		return (0);
	json_object_foreach(v, k, e)
		if (!json_is_string(e))
			return (deploy_fail(err, errlen,
			    "%s.%s must be a string", name, k));
	return (0);
}

/* Kinds that are checked in place on a private copy. */
static int
deploy_check_plain(const struct deploy_field *f, const char *name,
    json_t *v, char *err, size_t errlen)
{
	switch (f->kind) {
	case DEPLOY_K_STRING:
		if (!json_is_string(v))
			return (deploy_fail(err, errlen,
			    "%s must be a string", name));
		return (0);
	case DEPLOY_K_BOOL:
		if (!json_is_boolean(v))
			return (deploy_fail(err, errlen,
			    "%s must be a boolean", name));
		return (0);
	case DEPLOY_K_INT:
	case DEPLOY_K_LONG:
		return (deploy_check_integer(f, name, v, err, errlen));
	case DEPLOY_K_DOUBLE:
		if (!json_is_number(v))
			return (deploy_fail(err, errlen,
			    "%s must be a number", name));
		return (0);
	case DEPLOY_K_ENUM:
		return (deploy_check_enum(f, name, v, err, errlen));
	case DEPLOY_K_STRINGS:
	case DEPLOY_K_SET:
	case DEPLOY_K_INTS:
		return (deploy_check_array(f, name, v, err, errlen));
	default:
		return (deploy_check_map(f, name, v, err, errlen));
	}
}

static int
deploy_object(const struct deploy_table *t, const char *name,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	json_t	*obj;
	int	 r;

	if (!json_is_object(v))
		return (deploy_fail(err, errlen, "%s must be an object",
		    name));
	if ((obj = json_object()) == NULL)
		return (-ENOMEM);
	if ((r = deploy_read(v, t, name, obj, err, errlen)) < 0) {
		json_decref(obj);
		return (r);
	}
	*ret = obj;
	return (0);
}

/* One element of an OBJECTS array; a bare string is {strkey: s}. */
static int
deploy_element(const struct deploy_field *f, const char *name,
    const json_t *e, json_t **ret, char *err, size_t errlen)
{
	json_t	*tmp;
	int	 r;

	if (json_is_null(e))
		return (deploy_fail(err, errlen,
		    "%s cannot contain null values", name));
	if (!json_is_string(e) || f->strkey == NULL)
		return (deploy_object(f->sub, name, e, ret, err, errlen));
	if ((tmp = json_pack("{s:s%}", f->strkey, json_string_value(e),
	    json_string_length(e))) == NULL)
		return (-ENOMEM);
	r = deploy_object(f->sub, name, tmp, ret, err, errlen);
	json_decref(tmp);
	return (r);
}

static int
deploy_objects(const struct deploy_field *f, const char *name,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	char	 ename[DEPLOY_NAME_MAX];
	json_t	*arr, *o, *e;
	size_t	 i;
	int	 r = 0;

	if (!json_is_array(v))
		return (deploy_fail(err, errlen, "%s must be an array", name));
	if ((arr = json_array()) == NULL)
		return (-ENOMEM);
	json_array_foreach(v, i, e) {
		(void)snprintf(ename, sizeof(ename), "%s[%zu]", name, i);
		if ((r = deploy_element(f, ename, e, &o, err, errlen)) < 0)
			break;
		if ((r = json_array_append_new(arr, o)) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	if (r < 0) {
		json_decref(arr);
		return (r);
	}
	*ret = arr;
	return (0);
}

/* Java reads these keys as an Integer; kerr's instances start at 1. */
static int
deploy_instance_key(const char *name, const char *k, char *buf, size_t len,
    char *err, size_t errlen)
{
	long long	 n = 0;
	size_t		 i;

	for (i = 0; k[i] >= '0' && k[i] <= '9' && n <= INT32_MAX; i++)
		n = n * 10 + (k[i] - '0');
	if (i == 0 || k[i] != '\0' || n < 1 || n > INT32_MAX)
		return (deploy_fail(err, errlen, "%s key '%s' must be an "
		    "instance number (a positive integer)", name, k));
	(void)snprintf(buf, len, "%lld", n);
	return (0);
}

static int	deploy_value(const struct deploy_field *, const char *,
		    const json_t *, json_t **, char *, size_t);

static int
deploy_instmap(const struct deploy_field *f, const char *name,
    const json_t *v, json_t **ret, char *err, size_t errlen)
{
	char		 key[16], ename[DEPLOY_NAME_MAX];
	const char	*k;
	json_t		*src, *obj, *e, *c;
	int		 r = 0;

	if (!json_is_object(v))
		return (deploy_fail(err, errlen,
		    "%s must be an object keyed by instance number", name));
	src = json_deep_copy(v);
	if (src == NULL || (obj = json_object()) == NULL) {
		json_decref(src);
		return (-ENOMEM);
	}
	json_object_foreach(src, k, e) {
		if ((r = deploy_instance_key(name, k, key, sizeof(key), err,
		    errlen)) < 0)
			break;
		if (json_is_null(e))
			continue;
		deploy_name(ename, sizeof(ename), name, key);
		if ((r = deploy_value(f->elem, ename, e, &c, err, errlen)) < 0)
			break;
		if (json_object_set_new(obj, key, c) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	json_decref(src);
	if (r < 0) {
		json_decref(obj);
		return (r);
	}
	*ret = obj;
	return (0);
}

/* A checked, normalised copy of v, owned by the caller. */
static int
deploy_value(const struct deploy_field *f, const char *name, const json_t *v,
    json_t **ret, char *err, size_t errlen)
{
	json_t	*copy;
	int	 r;

	switch (f->kind) {
	case DEPLOY_K_OBJECT:
		return (deploy_object(f->sub, name, v, ret, err, errlen));
	case DEPLOY_K_OBJECTS:
		return (deploy_objects(f, name, v, ret, err, errlen));
	case DEPLOY_K_INSTMAP:
		return (deploy_instmap(f, name, v, ret, err, errlen));
	default:
		break;
	}
	if ((copy = json_deep_copy(v)) == NULL)
		return (-ENOMEM);
	if ((r = deploy_check_plain(f, name, copy, err, errlen)) < 0) {
		json_decref(copy);
		return (r);
	}
	if (f->kind == DEPLOY_K_DOUBLE && json_is_integer(copy)) {
		json_decref(copy);
		if ((copy = json_real(json_number_value(v))) == NULL)
			return (-ENOMEM);
	}
	*ret = copy;
	return (0);
}

/* The posted value of f under either input name; JSON null is absent. */
static const json_t *
deploy_posted_value(const json_t *posted, const struct deploy_field *f,
    const char **ret_key)
{
	const json_t	*v;

	*ret_key = f->in;
	if ((v = deploy_present(posted, f->in)) == NULL && f->in2 != NULL) {
		*ret_key = f->in2;
		v = deploy_present(posted, f->in2);
	}
	return (v);
}

static int
deploy_put(json_t *out, const struct deploy_field *f, json_t *v)
{
	if (json_object_set_new(out, f->out, v) < 0)
		return (-ENOMEM);
	if (f->out2 != NULL && json_object_set_new(out, f->out2,
	    json_deep_copy(v)) < 0)
		return (-ENOMEM);
	return (0);
}

/* Copy every known member of posted into out, in the table's order. */
static int
deploy_read(const json_t *posted, const struct deploy_table *t,
    const char *prefix, json_t *out, char *err, size_t errlen)
{
	const struct deploy_field	*f;
	const json_t			*v;
	const char			*key;
	char				 name[DEPLOY_NAME_MAX];
	json_t				*copy = NULL;
	size_t				 i;
	int				 r;

	for (i = 0; i < t->n; i++) {
		f = &t->fields[i];
		v = deploy_posted_value(posted, f, &key);
		deploy_name(name, sizeof(name), prefix, key);
		if (v == NULL && f->required)
			return (deploy_fail(err, errlen,
			    "%s must not be null", name));
		if (v == NULL && f->def == NULL)
			continue;
		if (v == NULL)
			copy = json_loads(f->def, JSON_DECODE_ANY, NULL);
		else if ((r = deploy_value(f, name, v, &copy, err,
		    errlen)) < 0)
			return (r);
		if ((r = deploy_put(out, f, copy)) < 0)
			return (r);
	}
	return (0);
}

static int
deploy_check_id(const json_t *posted, const char **ret_id, char *err,
    size_t errlen)
{
	const json_t	*v = deploy_present(posted, "id");
	const char	*id;

	/* kerr never generates deploy ids (createDeployIds is off) */
	if (v == NULL)
		return (deploy_fail(err, errlen, "Id must not be null"));
	if ((id = json_string_value(v)) == NULL)
		return (deploy_fail(err, errlen, "Id must be a string"));
	if (id[0] == '\0' || id[strspn(id, DEPLOY_ID_CHARS)] != '\0' ||
	    strlen(id) != json_string_length(v))
		return (deploy_fail(err, errlen, "Id cannot be null or "
		    "contain characters other than [a-zA-Z0-9_.] (it is '%s')",
		    id));
	if (!deploy_id_is_valid(id))
		return (deploy_fail(err, errlen, "Deploy id must be %d "
		    "characters or less, it is %zu (%s)", DEPLOY_ID_MAX,
		    strlen(id), id));
	*ret_id = id;
	return (0);
}

static int
deploy_check_request_id(const json_t *posted, const char *want, char *err,
    size_t errlen)
{
	const json_t	*v = deploy_present(posted, "requestId");

	if (v == NULL)
		return (deploy_fail(err, errlen, "Deploy id must match request "
		    "id (requestId must not be null)"));
	if (!json_is_string(v))
		return (deploy_fail(err, errlen,
		    "requestId must be a string"));
	if (strcmp(json_string_value(v), want) != 0 ||
	    strlen(want) != json_string_length(v))
		return (deploy_fail(err, errlen, "Deploy id must match request "
		    "id (requestId '%s' is not '%s')", json_string_value(v),
		    want));
	return (0);
}

/* What the local executor cannot run (spec 0A). */
static int
deploy_check_executor(const json_t *posted, char *err, size_t errlen)
{
	int	 i;

	if (deploy_present(posted, "containerInfo") != NULL)
		return (deploy_fail(err, errlen, "containers are not supported "
		    "by the local executor (containerInfo is set)"));
	for (i = 0; deploy_custom_executor[i] != NULL; i++)
		if (deploy_present(posted, deploy_custom_executor[i]) != NULL)
			return (deploy_fail(err, errlen, "custom executors are "
			    "not supported by the local executor (%s is set)",
			    deploy_custom_executor[i]));
	return (0);
}

static int
deploy_check_command(const json_t *fields, char *err, size_t errlen)
{
	if (json_object_get(fields, "command") == NULL)
		return (deploy_fail(err, errlen, "If not using custom "
		    "executor, specify a command or containerInfo. If using "
		    "custom executor, specify executorData and "
		    "customExecutorCmd and no command."));
	return (0);
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
			return (deploy_fail(err, errlen, "%s key '%s' is not a "
			    "valid environment variable name", name, k));
		if (strlen(s) != json_string_length(v))
			return (deploy_fail(err, errlen,
			    "%s.%s must not contain a NUL character", name, k));
		if (strstr(k, "STARTED_BY_USER") != NULL ||
		    strstr(s, "STARTED_BY_USER") != NULL)
			return (deploy_fail(err, errlen, "Cannot override "
			    "STARTED_BY_USER in env (%s.%s)", name, k));
	}
	return (0);
}

static int
deploy_check_env(const json_t *fields, char *err, size_t errlen)
{
	char		 name[DEPLOY_NAME_MAX];
	const char	*k;
	json_t		*env, *task_env, *v;
	int		 r;

	if ((env = json_object_get(fields, "env")) != NULL &&
	    (r = deploy_check_env_map("env", env, err, errlen)) < 0)
		return (r);
	if ((task_env = json_object_get(fields, "taskEnv")) == NULL)
		return (0);
	json_object_foreach(task_env, k, v) {
		deploy_name(name, sizeof(name), "taskEnv", k);
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
	    DEPLOY_NITEMS(deploy_flat_healthcheck))) == NULL)
		return (-ENOMEM);
	r = deploy_object(&deploy_healthcheck, "healthcheck", src, &hc, err,
	    errlen);
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
	    DEPLOY_NITEMS(deploy_step_canary))) == NULL)
		return (-ENOMEM);
	if (json_object_get(fields, "deployInstanceCountPerStep") != NULL &&
	    json_object_set_new(src, "enableCanaryDeploy", json_true()) < 0)
		goto out;
	if (json_object_get(fields, "deployStepWaitTimeMs") != NULL &&
	    json_object_set_new(src, "acceptanceMode", json_string("TIMED")) <
	    0)
		goto out;
	if ((r = deploy_object(&deploy_canary, "canaryDeploySettings", src,
	    &c, err, errlen)) == 0 && json_object_set_new(fields,
	    "canaryDeploySettings", c) < 0)
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
		return (deploy_fail(err, errlen,
		    "Request must have more than 0 cpus"));
	if (!(json_number_value(json_object_get(res, "memoryMb")) > 0))
		return (deploy_fail(err, errlen,
		    "Request must have more than 0 memoryMb"));
	if (!(json_number_value(json_object_get(res, "diskMb")) >= 0))
		return (deploy_fail(err, errlen,
		    "Request must have non-negative diskMb"));
	for (i = 0; i < DEPLOY_NITEMS(deploy_limits); i++) {
		v = json_number_value(json_object_get(res,
		    deploy_limits[i].field));
		if (v > deploy_limits[i].instance_max)
			return (deploy_fail(err, errlen, "Deploy %s uses %s %s "
			    "(%s %d in mesos configuration)", id,
			    deploy_limits[i].what, deploy_jdouble(a, sizeof(a),
			    v), deploy_limits[i].instance_name,
			    deploy_limits[i].instance_max));
		if (v * instances > deploy_limits[i].request_max)
			return (deploy_fail(err, errlen, "Deploy %s uses %s %s "
			    "(%s*%d) (%s %d in mesos configuration)", id,
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
		return (deploy_fail(err, errlen, "Can only specify one of "
		    "portIndex or portNumber for healthchecks"));
	if (pi != NULL && (i = json_integer_value(pi)) < 0)
		return (deploy_fail(err, errlen,
		    "healthcheckPortIndex cannot be negative"));
	if (pi != NULL && i >= num_ports)
		return (deploy_fail(err, errlen, "Must request %lld ports for "
		    "healthcheckPortIndex %lld, only requested %lld", i + 1, i,
		    num_ports));
	if (pn != NULL && ((i = json_integer_value(pn)) < 1 || i > 65535))
		return (deploy_fail(err, errlen, "healthcheck.portNumber must "
		    "be between 1 and 65535 (it is %lld)", i));
	if (uri != NULL && uri[0] != '\0' && num_ports == 0 && pn == NULL)
		return (deploy_fail(err, errlen, "Either an explicit port "
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
		return (deploy_fail(err, errlen, "healthcheck must specify a "
		    "uri or a healthcheckResultFilePath"));
	ports = json_integer_value(json_object_get(json_object_get(fields,
	    "resources"), "numPorts"));
	if ((r = deploy_check_healthcheck_ports(hc, ports, err, errlen)) < 0)
		return (r);
	if (delay != NULL && json_integer_value(delay) >=
	    DEPLOY_KILL_UNHEALTHY_AFTER_SECONDS)
		return (deploy_fail(err, errlen, "Health check startup delay "
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

	if (v == NULL || deploy_present(posted, "resources") == NULL)
		return (0);
	i = json_integer_value(v);
	ports = json_integer_value(json_object_get(json_object_get(fields,
	    "resources"), "numPorts"));
	if (i < 0)
		return (deploy_fail(err, errlen,
		    "loadBalancerPortIndex must be greater than 0"));
	if (i >= ports)
		return (deploy_fail(err, errlen, "Must request %lld ports for "
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
		return (deploy_fail(err, errlen,
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
			return (deploy_fail(err, errlen, "Can only specify one "
			    "of 'taskLabels' or 'mesosTaskLabels'"));
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
		return (deploy_fail(err, errlen, "RunId must be less than %d "
		    "characters. RunId %s has %zu characters",
		    DEPLOY_RUN_ID_MAX, json_string_value(v),
		    json_string_length(v)));
	if (v != NULL)
		return (0);
	if ((r = records_uuid(uuid, sizeof(uuid))) < 0) {
		(void)deploy_fail(err, errlen, "runImmediately.runId could "
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
		return (deploy_fail(err, errlen, "Can not request an immediate "
		    "run of a non-scheduled / always running request (%s is %s;"
		    " runImmediately)", json_string_value(json_object_get(
		    request, "id")), request_type_to_str(t)));
	if ((r = deploy_check_env_map("runImmediately.envOverrides",
	    json_object_get(run, "envOverrides"), err, errlen)) < 0)
		return (r);
	json_array_foreach(json_object_get(run, "commandLineArgs"), i, v)
		if (strstr(json_string_value(v), "STARTED_BY_USER") != NULL)
			return (deploy_fail(err, errlen, "Cannot override "
			    "STARTED_BY_USER (runImmediately.commandLineArgs)"));
	return (deploy_fill_run_id(run, err, errlen));
}

/* requestId and id first, then the table's order. */
static int
deploy_emit(const char *request_id, const char *id, const json_t *fields,
    json_t **ret)
{
	const struct deploy_field	*f;
	json_t				*obj, *v;
	size_t				 i;

	if ((obj = json_pack("{s:s, s:s}", "requestId", request_id, "id",
	    id)) == NULL)
		return (-ENOMEM);
	for (i = 0; i < deploy_top.n; i++) {
		f = &deploy_top.fields[i];
		if ((v = json_object_get(fields, f->out)) != NULL &&
		    json_object_set(obj, f->out, v) < 0) {
			json_decref(obj);
			return (-ENOMEM);
		}
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

	if ((r = deploy_read(posted, &deploy_top, NULL, fields, err,
	    errlen)) < 0 ||
	    (r = deploy_fill_healthcheck(fields, err, errlen)) < 0 ||
	    (r = deploy_fill_canary(fields, err, errlen)) < 0 ||
	    (r = deploy_check_resources(fields, id,
	    request_instances_of(request), err, errlen)) < 0 ||
	    (r = deploy_check_healthcheck(fields, err, errlen)) < 0 ||
	    (r = deploy_check_lb_port(posted, fields, err, errlen)) < 0 ||
	    (r = deploy_check_command(fields, err, errlen)) < 0 ||
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
		r = deploy_fail(err, errlen, "Deploy must be a JSON object");
	else if (request_id == NULL)
		r = deploy_fail(err, errlen, "Deploy has no request to belong "
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
	if (r == -ENOMEM)
		(void)deploy_fail(err, errlen, "Out of memory");
	if (r < 0)
		deploy_oneline(err, errlen);
	json_decref(fields);
	return (r);
}
