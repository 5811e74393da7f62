/*
 * The shape of a SingularityDeploy (spec 2.3) as schema tables: every
 * field kerr knows with its JSON type, input alias, bound and default, and
 * the nested objects (Resources, HealthcheckOptions, CanaryDeploySettings,
 * SingularityRunNowRequest, artifacts, labels, S3 uploader files).
 * deploy.c reads a posted deploy with them and then applies Singularity's
 * rules.  Data only: no code, no store, no logging.
 */
#include <jansson.h>

#include "deploy.h"
#include "deploy_schema.h"
#include "schema.h"

#define DEPLOY_SCHEMA_STR2(x)	#x
#define DEPLOY_SCHEMA_STR(x)	DEPLOY_SCHEMA_STR2(x)

static const char *const deploy_schema_protocols[] = {
	"HTTP", "HTTPS", "HTTP2", "HTTPS2", NULL
};

static const char *const deploy_schema_methods[] = { "GET", "POST", NULL };

static const char *const deploy_schema_acceptance_modes[] = {
	"CHECKS", "TIMED", "NONE", NULL
};

/* Resources: missing members are 0 and all four are always written. */
static const struct schema_field deploy_schema_resources_fields[] = {
	SCHEMA_F("cpus", SCHEMA_DOUBLE, .def = "0.0"),
	SCHEMA_F("memoryMb", SCHEMA_DOUBLE, .def = "0.0"),
	SCHEMA_F("numPorts", SCHEMA_INT, .range = &schema_nonneg, .def = "0"),
	SCHEMA_F("diskMb", SCHEMA_DOUBLE, .def = "0.0")
};
static const struct schema_table deploy_schema_resources =
    SCHEMA_TABLE(deploy_schema_resources_fields, NULL);

/* Server defaults when the deploy names no resources at all. */
#define DEPLOY_SCHEMA_RESOURCES_DEFAULT					\
	"{\"cpus\":" DEPLOY_SCHEMA_STR(DEPLOY_DEFAULT_CPUS) ".0,"	\
	"\"memoryMb\":"						\
	DEPLOY_SCHEMA_STR(DEPLOY_DEFAULT_MEMORY_MB) ".0,"		\
	"\"numPorts\":0,\"diskMb\":0.0}"

/* SingularityMesosArtifact; a bare string is its uri. */
static const struct schema_field deploy_schema_artifact_fields[] = {
	SCHEMA_F("uri", SCHEMA_STRING, .required = 1),
	SCHEMA_F("cache", SCHEMA_BOOL, .def = "false"),
	SCHEMA_F("executable", SCHEMA_BOOL, .def = "false"),
	SCHEMA_F("extract", SCHEMA_BOOL, .def = "false"),
	SCHEMA_F("outputFile", SCHEMA_STRING)
};
static const struct schema_table deploy_schema_artifact =
    SCHEMA_TABLE(deploy_schema_artifact_fields, NULL);
#define DEPLOY_SCHEMA_ARTIFACTS						\
	SCHEMA_OF(SCHEMA_OBJECT, .table = &deploy_schema_artifact,	\
	    .strkey = "uri")

/* SingularityMesosTaskLabel. */
static const struct schema_field deploy_schema_label_fields[] = {
	SCHEMA_F("key", SCHEMA_STRING, .required = 1),
	SCHEMA_F("value", SCHEMA_STRING)
};
static const struct schema_table deploy_schema_label =
    SCHEMA_TABLE(deploy_schema_label_fields, NULL);
#define DEPLOY_SCHEMA_LABELS						\
	SCHEMA_OF(SCHEMA_OBJECT, .table = &deploy_schema_label)

/* SingularityS3UploaderFile; a bare string is its filename. */
static const struct schema_field deploy_schema_s3file_fields[] = {
	SCHEMA_F("filename", SCHEMA_STRING, .required = 1),
	SCHEMA_F("s3UploaderBucket", SCHEMA_STRING),
	SCHEMA_F("s3UploaderKeyPattern", SCHEMA_STRING),
	SCHEMA_F("s3UploaderFilenameHint", SCHEMA_STRING),
	SCHEMA_F("directory", SCHEMA_STRING),
	SCHEMA_F("s3StorageClass", SCHEMA_STRING),
	SCHEMA_F("applyS3StorageClassAfterBytes", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("checkSubdirectories", SCHEMA_BOOL, .def = "false")
};
static const struct schema_table deploy_schema_s3file =
    SCHEMA_TABLE(deploy_schema_s3file_fields, NULL);
#define DEPLOY_SCHEMA_S3FILES						\
	SCHEMA_OF(SCHEMA_OBJECT, .table = &deploy_schema_s3file,	\
	    .strkey = "filename"), .def = "[]"

/* HealthcheckOptions: absent members take server defaults at run time. */
static const struct schema_field deploy_schema_healthcheck_fields[] = {
	SCHEMA_F("uri", SCHEMA_STRING),
	SCHEMA_F("portIndex", SCHEMA_INT),
	SCHEMA_F("portNumber", SCHEMA_LONG),
	SCHEMA_F("protocol", SCHEMA_ENUM, .values = deploy_schema_protocols),
	SCHEMA_F("method", SCHEMA_ENUM, .values = deploy_schema_methods),
	SCHEMA_F("startupTimeoutSeconds", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("startupDelaySeconds", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("startupIntervalSeconds", SCHEMA_INT,
	    .range = &schema_nonneg),
	SCHEMA_F("intervalSeconds", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("responseTimeoutSeconds", SCHEMA_INT,
	    .range = &schema_nonneg),
	SCHEMA_F("maxRetries", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("failureStatusCodes", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_INT)),
	SCHEMA_F("healthcheckResultFilePath", SCHEMA_STRING)
};
const struct schema_table deploy_schema_healthcheck =
    SCHEMA_TABLE(deploy_schema_healthcheck_fields, NULL);

/* CanaryDeploySettings: the output always has all six (spec 2.3). */
static const struct schema_field deploy_schema_canary_fields[] = {
	SCHEMA_F("enableCanaryDeploy", SCHEMA_BOOL, .def = "false"),
	SCHEMA_F("instanceGroupSize", SCHEMA_INT, .range = &schema_positive,
	    .def = "1"),
	SCHEMA_F("acceptanceMode", SCHEMA_ENUM,
	    .values = deploy_schema_acceptance_modes, .def = "\"NONE\""),
	SCHEMA_F("waitMillisBetweenGroups", SCHEMA_LONG,
	    .range = &schema_nonneg, .def = "0"),
	SCHEMA_F("allowedTasksFailuresPerGroup", SCHEMA_INT,
	    .range = &schema_nonneg, .def = "0"),
	SCHEMA_F("canaryCycleCount", SCHEMA_INT, .range = &schema_positive,
	    .def = "3")
};
const struct schema_table deploy_schema_canary =
    SCHEMA_TABLE(deploy_schema_canary_fields, NULL);

/* SingularityRunNowRequest, for runImmediately. */
static const struct schema_field deploy_schema_run_now_fields[] = {
	SCHEMA_F("message", SCHEMA_STRING),
	SCHEMA_F("skipHealthchecks", SCHEMA_BOOL),
	SCHEMA_F("runId", SCHEMA_STRING),
	SCHEMA_F("commandLineArgs", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("resources", SCHEMA_OBJECT,
	    .table = &deploy_schema_resources),
	SCHEMA_F("s3UploaderAdditionalFiles", SCHEMA_ARRAY,
	    DEPLOY_SCHEMA_S3FILES),
	SCHEMA_F("runAsUserOverride", SCHEMA_STRING),
	SCHEMA_F("envOverrides", SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING),
	    .def = "{}"),
	{ .in = "requiredAgentAttributeOverrides",
	    .in2 = "requiredSlaveAttributeOverrides",
	    .out = "requiredAgentAttributeOverrides",
	    .out2 = "requiredSlaveAttributeOverrides",
	    .type = SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING), .def = "{}" },
	{ .in = "allowedAgentAttributeOverrides",
	    .in2 = "allowedSlaveAttributeOverrides",
	    .out = "allowedAgentAttributeOverrides",
	    .out2 = "allowedSlaveAttributeOverrides",
	    .type = SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING), .def = "{}" },
	SCHEMA_F("extraArtifacts", SCHEMA_ARRAY, DEPLOY_SCHEMA_ARTIFACTS,
	    .def = "[]"),
	SCHEMA_F("runAt", SCHEMA_LONG, .range = &schema_nonneg)
};
static const struct schema_table deploy_schema_run_now =
    SCHEMA_TABLE(deploy_schema_run_now_fields, NULL);

/* ExecutorData's EmbeddedArtifact: content is base64, as Jackson writes
 * a byte[]. */
static const struct schema_field deploy_schema_embedded_fields[] = {
	SCHEMA_F("name", SCHEMA_STRING),
	SCHEMA_F("filename", SCHEMA_STRING, .required = 1),
	SCHEMA_F("md5sum", SCHEMA_STRING),
	SCHEMA_F("content", SCHEMA_STRING, .required = 1)
};
static const struct schema_table deploy_schema_embedded =
    SCHEMA_TABLE(deploy_schema_embedded_fields, NULL);

/* ExecutorData's ExternalArtifact. */
static const struct schema_field deploy_schema_external_fields[] = {
	SCHEMA_F("name", SCHEMA_STRING),
	SCHEMA_F("filename", SCHEMA_STRING, .required = 1),
	SCHEMA_F("md5sum", SCHEMA_STRING),
	SCHEMA_F("url", SCHEMA_STRING, .required = 1),
	SCHEMA_F("filesize", SCHEMA_LONG, .range = &schema_nonneg),
	SCHEMA_F("isArtifactList", SCHEMA_BOOL)
};
static const struct schema_table deploy_schema_external =
    SCHEMA_TABLE(deploy_schema_external_fields, NULL);

static const char *const deploy_schema_logrotate_frequencies[] = {
	"EVERY_MINUTE", "EVERY_FIVE_MINUTES", "HOURLY", "DAILY", "WEEKLY",
	"MONTHLY", NULL
};

/*
 * ExecutorData, SingularityExecutor's: kerr is that executor for these
 * deploys (cmd, its arguments and its artifacts); the rest is kept as
 * posted.  Lists and the map are always written, as its creator fills
 * them.
 */
static const struct schema_field deploy_schema_executor_data_fields[] = {
	SCHEMA_F("cmd", SCHEMA_STRING, .required = 1),
	SCHEMA_F("embeddedArtifacts", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_OBJECT,
	    .table = &deploy_schema_embedded), .def = "[]"),
	SCHEMA_F("externalArtifacts", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_OBJECT,
	    .table = &deploy_schema_external), .def = "[]"),
	SCHEMA_F("s3Artifacts", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_MAP),
	    .def = "[]"),
	SCHEMA_F("successfulExitCodes", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_INT),
	    .def = "[]"),
	SCHEMA_F("user", SCHEMA_STRING),
	SCHEMA_F("runningSentinel", SCHEMA_STRING),
	SCHEMA_F("extraCmdLineArgs", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING),
	    .def = "[]"),
	SCHEMA_F("loggingTag", SCHEMA_STRING),
	SCHEMA_F("loggingExtraFields", SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING),
	    .def = "{}"),
	SCHEMA_F("sigKillProcessesAfterMillis", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("maxTaskThreads", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("preserveTaskSandboxAfterFinish", SCHEMA_BOOL),
	SCHEMA_F("maxOpenFiles", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("skipLogrotateAndCompress", SCHEMA_BOOL),
	SCHEMA_F("s3ArtifactSignatures", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_MAP)),
	SCHEMA_F("logrotateFrequency", SCHEMA_ENUM,
	    .values = deploy_schema_logrotate_frequencies)
};
static const struct schema_table deploy_schema_executor_data =
    SCHEMA_TABLE(deploy_schema_executor_data_fields, NULL);

/* {instanceNo: value}: keys are instance numbers, null values absent. */
#define DEPLOY_SCHEMA_PER_INSTANCE(n, ...)				\
	SCHEMA_F(n, SCHEMA_MAP, .instance_keys = 1, .skip_null = 1,	\
	    __VA_ARGS__)

/*
 * Output order is Singularity's creator order; requestId and id are
 * written first, outside it.  containerInfo is refused before this
 * table is read.
 */
static const struct schema_field deploy_schema_fields[] = {
	SCHEMA_F("command", SCHEMA_STRING),
	SCHEMA_F("arguments", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("customExecutorCmd", SCHEMA_STRING),
	SCHEMA_F("customExecutorId", SCHEMA_STRING),
	SCHEMA_F("customExecutorSource", SCHEMA_STRING),
	SCHEMA_F("customExecutorResources", SCHEMA_OBJECT,
	    .table = &deploy_schema_resources),
	SCHEMA_F("resources", SCHEMA_OBJECT, .table = &deploy_schema_resources,
	    .def = DEPLOY_SCHEMA_RESOURCES_DEFAULT),
	SCHEMA_F("env", SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING)),
	DEPLOY_SCHEMA_PER_INSTANCE("taskEnv", SCHEMA_OF(SCHEMA_MAP,
	    SCHEMA_OF(SCHEMA_STRING))),
	SCHEMA_F("runImmediately", SCHEMA_OBJECT,
	    .table = &deploy_schema_run_now),
	SCHEMA_F("uris", SCHEMA_ARRAY, DEPLOY_SCHEMA_ARTIFACTS),
	SCHEMA_F("metadata", SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("executorData", SCHEMA_OBJECT,
	    .table = &deploy_schema_executor_data),
	SCHEMA_F("version", SCHEMA_STRING),
	SCHEMA_F("timestamp", SCHEMA_LONG),
	SCHEMA_F("labels", SCHEMA_MAP, SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("mesosLabels", SCHEMA_ARRAY, DEPLOY_SCHEMA_LABELS),
	DEPLOY_SCHEMA_PER_INSTANCE("taskLabels", SCHEMA_OF(SCHEMA_MAP,
	    SCHEMA_OF(SCHEMA_STRING))),
	DEPLOY_SCHEMA_PER_INSTANCE("mesosTaskLabels", SCHEMA_OF(SCHEMA_ARRAY,
	    DEPLOY_SCHEMA_LABELS)),
	SCHEMA_F("deployHealthTimeoutSeconds", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("healthcheckUri", SCHEMA_STRING),
	SCHEMA_F("healthcheckIntervalSeconds", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("healthcheckTimeoutSeconds", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("healthcheckPortIndex", SCHEMA_INT),
	SCHEMA_F("healthcheckMaxRetries", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("healthcheckMaxTotalTimeoutSeconds", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("healthcheck", SCHEMA_OBJECT,
	    .table = &deploy_schema_healthcheck),
	SCHEMA_F("serviceBasePath", SCHEMA_STRING),
	SCHEMA_F("loadBalancerGroups", SCHEMA_ARRAY, SCHEMA_OF(SCHEMA_STRING),
	    .unique = 1),
	SCHEMA_F("loadBalancerPortIndex", SCHEMA_INT),
	SCHEMA_F("considerHealthyAfterRunningForSeconds", SCHEMA_LONG,
	    .range = &schema_nonneg),
	SCHEMA_F("loadBalancerOptions", SCHEMA_MAP),
	SCHEMA_F("loadBalancerDomains", SCHEMA_ARRAY,
	    SCHEMA_OF(SCHEMA_STRING), .unique = 1),
	SCHEMA_F("loadBalancerAdditionalRoutes", SCHEMA_ARRAY,
	    SCHEMA_OF(SCHEMA_STRING)),
	SCHEMA_F("loadBalancerTemplate", SCHEMA_STRING),
	SCHEMA_F("loadBalancerServiceIdOverride", SCHEMA_STRING),
	SCHEMA_F("loadBalancerUpstreamGroup", SCHEMA_STRING),
	SCHEMA_F("skipHealthchecksOnDeploy", SCHEMA_BOOL),
	/* Singularity reads healthCheckProtocol, writes healthcheckProtocol */
	{ .in = "healthCheckProtocol", .in2 = "healthcheckProtocol",
	    .out = "healthcheckProtocol", .type = SCHEMA_ENUM,
	    .values = deploy_schema_protocols },
	SCHEMA_F("deployInstanceCountPerStep", SCHEMA_INT,
	    .range = &schema_positive),
	SCHEMA_F("deployStepWaitTimeMs", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("autoAdvanceDeploySteps", SCHEMA_BOOL),
	SCHEMA_F("maxTaskRetries", SCHEMA_INT, .range = &schema_nonneg),
	SCHEMA_F("shell", SCHEMA_BOOL),
	SCHEMA_F("user", SCHEMA_STRING),
	SCHEMA_F("s3UploaderAdditionalFiles", SCHEMA_ARRAY,
	    DEPLOY_SCHEMA_S3FILES),
	/* the 1.5.0 docs spell the input canarySettings */
	{ .in = "canaryDeploySettings", .in2 = "canarySettings",
	    .out = "canaryDeploySettings", .type = SCHEMA_OBJECT,
	    .table = &deploy_schema_canary }
};
const struct schema_table deploy_schema =
    SCHEMA_TABLE(deploy_schema_fields, NULL);
