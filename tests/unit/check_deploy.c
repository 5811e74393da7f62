/*
 * Unit tests for common/deploy.c: the seed deploy and its defaults, a
 * round trip of a deploy carrying most fields of spec 2.3, deprecated
 * forms (string uris, flat health check, labels, step fields), the
 * refusals of spec 0A, and every type and validation error (the message
 * must name the field).  JSON in the tables is written with single
 * quotes, turned into double quotes by fixture_json().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fixture.h"
#include <jansson.h>

#include "deploy.h"

#define CHECK_DEPLOY_WORKER						\
	"{'id':'test-singularity-1','requestType':'WORKER'}"
#define CHECK_DEPLOY_ON_DEMAND						\
	"{'id':'test-singularity-1','requestType':'ON_DEMAND'}"
#define CHECK_DEPLOY_SCHEDULED						\
	"{'id':'test-singularity-1','requestType':'SCHEDULED',"		\
	"'schedule':'0 * * * *','quartzSchedule':'0 0 * * * ?'}"
/* The fields every table row below adds to. */
#define CHECK_DEPLOY_BASE						\
	"'id':'d1','requestId':'test-singularity-1','command':'run',"

/* Normalise text for request (WORKER when NULL). */
static int
check_deploy_run(const char *text, const char *request, json_t **ret,
    char *err, size_t errlen)
{
	json_t	*posted, *req;
	int	 r;

	posted = fixture_json(text);
	req = fixture_json(request != NULL ? request :
	    CHECK_DEPLOY_WORKER);
	*ret = NULL;
	err[0] = '\0';
	r = deploy_normalize(posted, req, ret, err, errlen);
	json_decref(posted);
	json_decref(req);
	return (r);
}

static void
check_deploy_assert_fails(const char *text, const char *request,
    const char *want)
{
	json_t	*out;
	char	 err[1024];
	int	 r;

	r = check_deploy_run(text, request, &out, err, sizeof(err));
	ck_assert_msg(r == -EINVAL, "%s was accepted (%d)", text, r);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err, want) != NULL, "%s: '%s' lacks '%s'", text,
	    err, want);
	ck_assert_ptr_null(strchr(err, '\n'));
}

static json_t *
check_deploy_assert_ok(const char *text, const char *request)
{
	json_t	*out;
	char	 err[1024];

	ck_assert_msg(check_deploy_run(text, request, &out, err,
	    sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_ptr_nonnull(out);
	return (out);
}

static void
check_deploy_assert_member(const json_t *obj, const char *key,
    const char *want_text)
{
	json_t	*want = fixture_json(want_text);
	char	*got;

	got = json_dumps(json_object_get(obj, key), JSON_ENCODE_ANY |
	    JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_msg(json_equal(json_object_get(obj, key), want),
	    "%s: got %s, want %s", key, got, want_text);
	free(got);
	json_decref(want);
}

#define CHECK_DEPLOY_CANARY_DEFAULT					\
	"{'enableCanaryDeploy':false,'instanceGroupSize':1,"		\
	"'acceptanceMode':'NONE','waitMillisBetweenGroups':0,"		\
	"'allowedTasksFailuresPerGroup':0,'canaryCycleCount':3}"

START_TEST(test_deploy_seed_defaults)
{
	json_t	*out, *want;
	void	*it;

	out = check_deploy_assert_ok("{'id':'deploy1',"
	    "'requestId':'test-singularity-1','command':'sleep 1000'}", NULL);
	want = fixture_json("{'requestId':'test-singularity-1',"
	    "'id':'deploy1','command':'sleep 1000','resources':{'cpus':1.0,"
	    "'memoryMb':64.0,'numPorts':0,'diskMb':0.0},"
	    "'s3UploaderAdditionalFiles':[],'canaryDeploySettings':"
	    CHECK_DEPLOY_CANARY_DEFAULT "}");
	ck_assert_msg(json_equal(out, want), "got %s", json_dumps(out,
	    JSON_COMPACT));
	it = json_object_iter(out);
	ck_assert_str_eq(json_object_iter_key(it), "requestId");
	ck_assert_str_eq(json_object_iter_key(json_object_iter_next(out, it)),
	    "id");
	/* the scheduler applies 120 s and 5 s; the stored deploy says nothing */
	ck_assert_ptr_null(json_object_get(out, "deployHealthTimeoutSeconds"));
	ck_assert_ptr_null(json_object_get(out,
	    "considerHealthyAfterRunningForSeconds"));
	ck_assert_ptr_null(json_object_get(out, "executorData"));
	ck_assert_ptr_null(json_object_get(out, "shell"));
	json_decref(want);
	json_decref(out);
}
END_TEST

/* Most fields of spec 2.3 that a kerr deploy may carry. */
#define CHECK_DEPLOY_FULL						\
	"{'id':'v1.2_3','requestId':'test-singularity-1',"		\
	"'command':'/usr/bin/server','arguments':['--port','8080'],"	\
	"'shell':false,'user':'app','env':{'MODE':'prod',"		\
	"'URL':'http://${TASK_HOST}:8080'},"				\
	"'taskEnv':{'1':{'ROLE':'leader'},'2':{'ROLE':'follower'}},"	\
	"'uris':[{'uri':'http://x/app.tgz','extract':true,"		\
	"'outputFile':'app.tgz','cache':false,'executable':false}],"	\
	"'resources':{'cpus':0.5,'memoryMb':256.0,'numPorts':2,"	\
	"'diskMb':100.0},'metadata':{'team':'core'},'version':'1.2.3',"	\
	"'timestamp':1668780000123,'mesosLabels':[{'key':'a',"		\
	"'value':'b'},{'key':'flag'}],'mesosTaskLabels':{'1':[{'key':'c',"\
	"'value':'d'}]},'deployHealthTimeoutSeconds':300,"		\
	"'healthcheck':{'uri':'/health','portIndex':1,'protocol':'HTTP',"\
	"'method':'GET','startupTimeoutSeconds':60,"			\
	"'startupDelaySeconds':5,'startupIntervalSeconds':2,"		\
	"'intervalSeconds':10,'responseTimeoutSeconds':3,"		\
	"'maxRetries':4,'failureStatusCodes':[500,503]},"		\
	"'serviceBasePath':'/svc','loadBalancerGroups':['g1'],"		\
	"'loadBalancerPortIndex':0,"					\
	"'considerHealthyAfterRunningForSeconds':10,"			\
	"'loadBalancerOptions':{'weight':2,'sticky':true},"		\
	"'loadBalancerDomains':['a.example'],"				\
	"'loadBalancerAdditionalRoutes':['/x'],"			\
	"'loadBalancerTemplate':'t','loadBalancerServiceIdOverride':'s',"\
	"'loadBalancerUpstreamGroup':'u','skipHealthchecksOnDeploy':false,"\
	"'s3UploaderAdditionalFiles':[{'filename':'app.log',"		\
	"'directory':'logs','checkSubdirectories':true}],"		\
	"'canaryDeploySettings':{'enableCanaryDeploy':true,"		\
	"'instanceGroupSize':2,'acceptanceMode':'CHECKS',"		\
	"'waitMillisBetweenGroups':1000,'allowedTasksFailuresPerGroup':1,"\
	"'canaryCycleCount':2}}"

START_TEST(test_deploy_round_trip_every_field)
{
	json_t	*out, *want;

	/* every member is already in output form: nothing may change */
	out = check_deploy_assert_ok(CHECK_DEPLOY_FULL,
	    "{'id':'test-singularity-1','requestType':'SERVICE',"
	    "'instances':2}");
	want = fixture_json(CHECK_DEPLOY_FULL);
	ck_assert_msg(json_equal(out, want), "got %s", json_dumps(out,
	    JSON_COMPACT | JSON_SORT_KEYS));
	json_decref(want);
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_round_trip_is_stable)
{
	json_t	*once, *twice, *req;
	char	 err[512], *text;

	req = fixture_json("{'id':'test-singularity-1',"
	    "'requestType':'ON_DEMAND'}");
	once = check_deploy_assert_ok("{'id':'d1','requestId':"
	    "'test-singularity-1','command':'run','labels':{'a':'b'},"
	    "'taskLabels':{'1':{'c':'d'}},'healthcheckUri':'/h',"
	    "'healthCheckProtocol':'HTTPS','healthcheckPortIndex':0,"
	    "'resources':{'cpus':1,'memoryMb':32,'numPorts':1},"
	    "'deployInstanceCountPerStep':2,'uris':['http://x/y'],"
	    "'runImmediately':{'commandLineArgs':['a']},"
	    "'s3UploaderAdditionalFiles':['out.log']}",
	    CHECK_DEPLOY_ON_DEMAND);
	ck_assert_int_eq(deploy_normalize(once, req, &twice, err,
	    sizeof(err)), 0);
	ck_assert_msg(json_equal(once, twice), "%s", err);
	text = json_dumps(once, JSON_COMPACT);
	ck_assert_ptr_null(strstr(text, "null"));
	free(text);
	json_decref(twice);
	json_decref(once);
	json_decref(req);
}
END_TEST

START_TEST(test_deploy_unknown_and_null_fields)
{
	json_t	*out;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE "'colour':'blue',"
	    "'Command':'x','loadBalanced':true,'env':null,'resources':null,"
	    "'healthcheck':null,'uris':null,'canaryDeploySettings':null,"
	    "'s3UploaderAdditionalFiles':null,'containerInfo':null,"
	    "'executorData':null}", NULL);
	ck_assert_ptr_null(json_object_get(out, "colour"));
	ck_assert_ptr_null(json_object_get(out, "Command"));
	ck_assert_ptr_null(json_object_get(out, "loadBalanced"));
	ck_assert_ptr_null(json_object_get(out, "env"));
	ck_assert_ptr_null(json_object_get(out, "uris"));
	ck_assert_ptr_null(json_object_get(out, "healthcheck"));
	check_deploy_assert_member(out, "resources", "{'cpus':1.0,"
	    "'memoryMb':64.0,'numPorts':0,'diskMb':0.0}");
	check_deploy_assert_member(out, "canaryDeploySettings",
	    CHECK_DEPLOY_CANARY_DEFAULT);
	check_deploy_assert_member(out, "s3UploaderAdditionalFiles", "[]");
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_resources_forms)
{
	json_t	*out;

	/* missing members are 0 (Java primitives); integers become reals */
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'resources':{'cpus':2,'memoryMb':128}}", NULL);
	check_deploy_assert_member(out, "resources", "{'cpus':2.0,"
	    "'memoryMb':128.0,'numPorts':0,'diskMb':0.0}");
	ck_assert(json_is_real(json_object_get(json_object_get(out,
	    "resources"), "cpus")));
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_uris_string_form)
{
	json_t	*out;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'uris':['http://x/a.jar',{'uri':'http://x/b.tgz',"
	    "'extract':true,'outputFile':'b','md5':'ignored'}]}", NULL);
	check_deploy_assert_member(out, "uris", "[{'uri':'http://x/a.jar',"
	    "'cache':false,'executable':false,'extract':false},"
	    "{'uri':'http://x/b.tgz','cache':false,'executable':false,"
	    "'extract':true,'outputFile':'b'}]");
	json_decref(out);
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'s3UploaderAdditionalFiles':['service.log']}", NULL);
	check_deploy_assert_member(out, "s3UploaderAdditionalFiles",
	    "[{'filename':'service.log','checkSubdirectories':false}]");
	json_decref(out);
}
END_TEST

/* A SingularityExecutor deploy: executorData kept, its lists filled. */
START_TEST(test_deploy_executor_data)
{
	json_t	*out;

	out = check_deploy_assert_ok("{'id':'d1','requestId':"
	    "'test-singularity-1','customExecutorCmd':'/usr/bin/exec',"
	    "'executorData':{'cmd':'./run','embeddedArtifacts':[{'name':'n',"
	    "'filename':'a.txt','content':'aGk=','unknown':1}],"
	    "'sigKillProcessesAfterMillis':5000}}", NULL);
	check_deploy_assert_member(out, "executorData", "{'cmd':'./run',"
	    "'embeddedArtifacts':[{'name':'n','filename':'a.txt',"
	    "'content':'aGk='}],'externalArtifacts':[],'s3Artifacts':[],"
	    "'successfulExitCodes':[],'extraCmdLineArgs':[],"
	    "'loggingExtraFields':{},'sigKillProcessesAfterMillis':5000}");
	check_deploy_assert_member(out, "customExecutorCmd", "'/usr/bin/exec'");
	ck_assert_ptr_null(json_object_get(out, "command"));
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_flat_healthcheck)
{
	json_t	*out;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'resources':{'cpus':1,'memoryMb':64,'numPorts':1},"
	    "'healthcheckUri':'/health','healthcheckPortIndex':0,"
	    "'healthCheckProtocol':'HTTPS','healthcheckIntervalSeconds':7,"
	    "'healthcheckTimeoutSeconds':3,'healthcheckMaxRetries':2,"
	    "'healthcheckMaxTotalTimeoutSeconds':100}", NULL);
	check_deploy_assert_member(out, "healthcheck", "{'uri':'/health',"
	    "'portIndex':0,'protocol':'HTTPS','intervalSeconds':7,"
	    "'responseTimeoutSeconds':3,'maxRetries':2}");
	check_deploy_assert_member(out, "healthcheckProtocol", "'HTTPS'");
	check_deploy_assert_member(out, "healthcheckUri", "'/health'");
	ck_assert_ptr_null(json_object_get(out, "healthCheckProtocol"));
	json_decref(out);

	/* a healthcheck object wins over the flat fields */
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'healthcheckUri':'/old','healthcheck':{'uri':'/new',"
	    "'portNumber':8080}}", NULL);
	check_deploy_assert_member(out, "healthcheck", "{'uri':'/new',"
	    "'portNumber':8080}");
	json_decref(out);

	/* a file check needs no port */
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'healthcheck':{'healthcheckResultFilePath':'ready'}}", NULL);
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_canary_settings)
{
	json_t	*out;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'deployInstanceCountPerStep':2,'deployStepWaitTimeMs':1000,"
	    "'autoAdvanceDeploySteps':true,'maxTaskRetries':1}", NULL);
	check_deploy_assert_member(out, "canaryDeploySettings",
	    "{'enableCanaryDeploy':true,'instanceGroupSize':2,"
	    "'acceptanceMode':'TIMED','waitMillisBetweenGroups':1000,"
	    "'allowedTasksFailuresPerGroup':1,'canaryCycleCount':3}");
	check_deploy_assert_member(out, "deployInstanceCountPerStep", "2");
	json_decref(out);

	/* given settings win; missing members take the defaults */
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'deployInstanceCountPerStep':2,'canarySettings':"
	    "{'enableCanaryDeploy':true,'canaryCycleCount':5}}", NULL);
	check_deploy_assert_member(out, "canaryDeploySettings",
	    "{'enableCanaryDeploy':true,'instanceGroupSize':1,"
	    "'acceptanceMode':'NONE','waitMillisBetweenGroups':0,"
	    "'allowedTasksFailuresPerGroup':0,'canaryCycleCount':5}");
	ck_assert_ptr_null(json_object_get(out, "canarySettings"));
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_labels_converted)
{
	json_t	*out;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'labels':{'a':'1'},'taskLabels':{'01':{'b':'2'}}}", NULL);
	check_deploy_assert_member(out, "labels", "{'a':'1'}");
	check_deploy_assert_member(out, "mesosLabels",
	    "[{'key':'a','value':'1'}]");
	check_deploy_assert_member(out, "taskLabels", "{'1':{'b':'2'}}");
	check_deploy_assert_member(out, "mesosTaskLabels",
	    "{'1':[{'key':'b','value':'2'}]}");
	json_decref(out);

	/* both forms given and equal, in any order: accepted */
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'labels':{'a':'1','b':'2'},'mesosLabels':[{'key':'b',"
	    "'value':'2'},{'key':'a','value':'1'}]}", NULL);
	check_deploy_assert_member(out, "mesosLabels", "[{'key':'b',"
	    "'value':'2'},{'key':'a','value':'1'}]");
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_task_env_keys)
{
	json_t	*out;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'env':{'A':'x','EMPTY':''},'taskEnv':{'007':{'B':'y'},"
	    "'2':null}}", NULL);
	check_deploy_assert_member(out, "taskEnv", "{'7':{'B':'y'}}");
	check_deploy_assert_member(out, "env", "{'A':'x','EMPTY':''}");
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_arguments_keep_shell_as_given)
{
	json_t	*out;

	/* the shell rule is applied at launch (task_argv_build) */
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'arguments':['-c','x']}", NULL);
	check_deploy_assert_member(out, "arguments", "['-c','x']");
	ck_assert_ptr_null(json_object_get(out, "shell"));
	json_decref(out);
	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'arguments':['x'],'shell':true}", NULL);
	check_deploy_assert_member(out, "shell", "true");
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_run_immediately)
{
	json_t		*out, *run;
	const char	*run_id;

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'runImmediately':{'commandLineArgs':['--all'],"
	    "'resources':{'cpus':2,'memoryMb':100},'envOverrides':{'A':'b'},"
	    "'skipHealthchecks':true}}", CHECK_DEPLOY_ON_DEMAND);
	run = json_object_get(out, "runImmediately");
	run_id = json_string_value(json_object_get(run, "runId"));
	ck_assert_ptr_nonnull(run_id);
	ck_assert_uint_eq(strlen(run_id), 36);
	ck_assert_int_eq(run_id[14], '4');
	check_deploy_assert_member(run, "resources", "{'cpus':2.0,"
	    "'memoryMb':100.0,'numPorts':0,'diskMb':0.0}");
	check_deploy_assert_member(run, "extraArtifacts", "[]");
	check_deploy_assert_member(run, "requiredSlaveAttributeOverrides",
	    "{}");
	json_decref(out);

	out = check_deploy_assert_ok("{" CHECK_DEPLOY_BASE
	    "'runImmediately':{'runId':'nightly-1'}}",
	    CHECK_DEPLOY_SCHEDULED);
	check_deploy_assert_member(json_object_get(out, "runImmediately"),
	    "runId", "'nightly-1'");
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_run_immediately_worker_refused)
{
	check_deploy_assert_fails("{" CHECK_DEPLOY_BASE
	    "'runImmediately':{}}", CHECK_DEPLOY_WORKER,
	    "Can not request an immediate run of a non-scheduled / always "
	    "running request (test-singularity-1 is WORKER; runImmediately)");
	check_deploy_assert_fails("{" CHECK_DEPLOY_BASE
	    "'runImmediately':{}}", "{'id':'test-singularity-1',"
	    "'requestType':'SERVICE'}", "always running request");
	check_deploy_assert_fails("{" CHECK_DEPLOY_BASE
	    "'runImmediately':{}}", "{'id':'test-singularity-1',"
	    "'requestType':'RUN_ONCE'}", "runImmediately");
}
END_TEST

static const struct {
	const char	*posted;	/* added to CHECK_DEPLOY_BASE */
	const char	*want;
} check_deploy_type_errors[] = {
	{ "'command':5", "command must be a string" },
	{ "'arguments':'x'", "arguments must be an array of strings" },
	{ "'arguments':[1]", "arguments must be an array of strings" },
	{ "'arguments':[null]", "arguments cannot contain null values" },
	{ "'env':[]", "env must be an object of strings" },
	{ "'env':{'A':1}", "env.A must be a string" },
	{ "'taskEnv':{'x':{}}", "taskEnv key 'x' must be an instance number" },
	{ "'taskEnv':{'0':{}}", "taskEnv key '0' must be an instance number" },
	{ "'taskEnv':{'-1':{}}", "taskEnv key '-1'" },
	{ "'taskEnv':{'99999999999':{}}", "taskEnv key '99999999999'" },
	{ "'taskEnv':{'1':{'A':2}}", "taskEnv.1.A must be a string" },
	{ "'taskEnv':[]", "taskEnv must be an object keyed by instance" },
	{ "'uris':'http://x'", "uris must be an array" },
	{ "'uris':[5]", "uris[0] must be an object" },
	{ "'uris':['a',null]", "uris[1] cannot contain null values" },
	{ "'uris':[{'cache':true}]", "uris[0].uri must not be null" },
	{ "'uris':[{'uri':'x','extract':'yes'}]",
	    "uris[0].extract must be a boolean" },
	{ "'resources':5", "resources must be an object" },
	{ "'resources':{'cpus':'1'}", "resources.cpus must be a number" },
	{ "'resources':{'cpus':1,'memoryMb':1,'numPorts':-1}",
	    "resources.numPorts must not be negative (it is -1)" },
	{ "'resources':{'numPorts':1.5}",
	    "resources.numPorts must be an integer" },
	{ "'healthcheck':'/'", "healthcheck must be an object" },
	{ "'healthcheck':{'uri':'/','protocol':'FTP'}", "healthcheck.protocol "
	    "'FTP' is not one of HTTP, HTTPS, HTTP2 or HTTPS2" },
	{ "'healthcheck':{'uri':'/','method':'PUT'}",
	    "healthcheck.method 'PUT' is not one of GET or POST" },
	{ "'healthcheck':{'uri':'/','intervalSeconds':-1}",
	    "healthcheck.intervalSeconds must not be negative" },
	{ "'healthcheck':{'uri':'/','maxRetries':4294967296}",
	    "healthcheck.maxRetries must be a 32-bit integer" },
	{ "'healthcheck':{'uri':'/','failureStatusCodes':['500']}",
	    "healthcheck.failureStatusCodes must be an array of integers" },
	{ "'healthcheck':{'uri':7}", "healthcheck.uri must be a string" },
	{ "'deployHealthTimeoutSeconds':-1",
	    "deployHealthTimeoutSeconds must not be negative" },
	{ "'considerHealthyAfterRunningForSeconds':'5'",
	    "considerHealthyAfterRunningForSeconds must be an integer" },
	{ "'skipHealthchecksOnDeploy':1",
	    "skipHealthchecksOnDeploy must be a boolean" },
	{ "'metadata':{'a':null}", "metadata.a must be a string" },
	{ "'labels':{'a':1}", "labels.a must be a string" },
	{ "'mesosLabels':[{'value':'v'}]", "mesosLabels[0].key must not be "
	    "null" },
	{ "'mesosTaskLabels':{'1':[{'key':3}]}",
	    "mesosTaskLabels.1[0].key must be a string" },
	{ "'canaryDeploySettings':{'acceptanceMode':'SOMETIMES'}",
	    "canaryDeploySettings.acceptanceMode 'SOMETIMES' is not one of "
	    "CHECKS, TIMED or NONE" },
	{ "'canaryDeploySettings':{'instanceGroupSize':0}",
	    "canaryDeploySettings.instanceGroupSize must be greater than 0" },
	{ "'canarySettings':{'enableCanaryDeploy':'yes'}",
	    "canarySettings.enableCanaryDeploy must be a boolean" },
	{ "'s3UploaderAdditionalFiles':[{}]",
	    "s3UploaderAdditionalFiles[0].filename must not be null" },
	{ "'loadBalancerGroups':'g'",
	    "loadBalancerGroups must be an array of strings" },
	{ "'loadBalancerOptions':[]", "loadBalancerOptions must be an object" },
	{ "'timestamp':'now'", "timestamp must be an integer" },
	{ "'shell':'no'", "shell must be a boolean" },
	{ "'user':1", "user must be a string" },
	{ "'version':1.5", "version must be a string" },
	{ "'healthCheckProtocol':'GOPHER'", "healthCheckProtocol 'GOPHER'" },
	{ "'healthcheckProtocol':'GOPHER'", "healthcheckProtocol 'GOPHER'" },
	{ "'healthcheckIntervalSeconds':-5",
	    "healthcheckIntervalSeconds must not be negative" },
	{ "'deployInstanceCountPerStep':0",
	    "deployInstanceCountPerStep must be greater than 0" },
	{ "'runImmediately':[]", "runImmediately must be an object" }
};

START_TEST(test_deploy_type_errors)
{
	char	 text[1024];

	(void)snprintf(text, sizeof(text), "{" CHECK_DEPLOY_BASE "%s}",
	    check_deploy_type_errors[_i].posted);
	check_deploy_assert_fails(text, CHECK_DEPLOY_ON_DEMAND,
	    check_deploy_type_errors[_i].want);
}
END_TEST

static const struct {
	const char	*request;	/* NULL: a WORKER */
	const char	*posted;
	const char	*want;
} check_deploy_invalids[] = {
	{ NULL, "[]", "Deploy must be a JSON object" },
	{ "{'requestType':'WORKER'}", "{" CHECK_DEPLOY_BASE "'x':1}",
	    "Deploy has no request" },
	{ NULL, "{'requestId':'test-singularity-1','command':'c'}",
	    "Id must not be null" },
	{ NULL, "{'id':null,'requestId':'test-singularity-1','command':'c'}",
	    "Id must not be null" },
	{ NULL, "{'id':5,'requestId':'test-singularity-1','command':'c'}",
	    "Id must be a string" },
	{ NULL, "{'id':'v-1','requestId':'test-singularity-1'}",
	    "Id cannot be null or contain characters other than "
	    "[a-zA-Z0-9_.] (it is 'v-1')" },
	{ NULL, "{'id':'','requestId':'test-singularity-1'}",
	    "[a-zA-Z0-9_.] (it is '')" },
	{ NULL, "{'id':'a\\u0000b','requestId':'test-singularity-1'}",
	    "[a-zA-Z0-9_.]" },
	{ NULL, "{'id':'d1','command':'c'}", "Deploy id must match request "
	    "id (requestId must not be null)" },
	{ NULL, "{'id':'d1','requestId':'other','command':'c'}",
	    "Deploy id must match request id (requestId 'other' is not "
	    "'test-singularity-1')" },
	{ NULL, "{'id':'d1','requestId':5,'command':'c'}",
	    "requestId must be a string" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'containerInfo':{'type':'DOCKER'}}",
	    "containers are not supported by the local executor "
	    "(containerInfo is set)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'customExecutorCmd':'/x',"
	    "'executorData':{'cmd':'y'}}",
	    "specify executorData and customExecutorCmd and no command." },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1',"
	    "'executorData':{'cmd':'y'}}",
	    "specify executorData and customExecutorCmd and no command." },
	{ NULL, "{" CHECK_DEPLOY_BASE "'customExecutorCmd':'/x'}",
	    "custom executors are not supported by the local executor "
	    "(customExecutorCmd is set without executorData)" },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1',"
	    "'customExecutorCmd':'/x','executorData':{}}",
	    "executorData.cmd must not be null" },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1',"
	    "'customExecutorCmd':'/x','executorData':{'cmd':'y',"
	    "'embeddedArtifacts':[{'filename':'.kerr','content':''}]}}",
	    "executorData.embeddedArtifacts[0].filename '.kerr' is not a file "
	    "name at the top of the sandbox" },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1',"
	    "'customExecutorCmd':'/x','executorData':{'cmd':'y',"
	    "'externalArtifacts':[{'filename':'f','url':'u','md5sum':'xyz'}]}}",
	    "executorData.externalArtifacts[0].md5sum is not 32 hexadecimal "
	    "digits" },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1',"
	    "'customExecutorCmd':'/x','executorData':{'cmd':'y',"
	    "'externalArtifacts':[{'filename':'f','url':'u',"
	    "'isArtifactList':true}]}}",
	    "executorData.externalArtifacts[0].isArtifactList is not "
	    "supported" },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1'}",
	    "If not using custom executor, specify a command or "
	    "containerInfo." },
	{ NULL, "{'id':'d1','requestId':'test-singularity-1',"
	    "'arguments':['/bin/true']}", "specify a command" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'env':{'STARTED_BY_USER':'x'}}",
	    "Cannot override STARTED_BY_USER in env "
	    "(env.STARTED_BY_USER)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'env':{'A':'${STARTED_BY_USER}'}}",
	    "Cannot override STARTED_BY_USER in env (env.A)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'taskEnv':{'1':{'STARTED_BY_USER':"
	    "'x'}}}", "(taskEnv.1.STARTED_BY_USER)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'env':{'A=B':'x'}}",
	    "env key 'A=B' is not a valid environment variable name" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'env':{'':'x'}}",
	    "env key '' is not a valid" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'env':{'A':'x\\u0000y'}}",
	    "env.A must not contain a NUL character" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':0,"
	    "'memoryMb':64}}", "Request must have more than 0 cpus" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1}}",
	    "Request must have more than 0 memoryMb" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'diskMb':-1}}", "Request must have non-negative diskMb" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':51,"
	    "'memoryMb':64}}", "Deploy d1 uses too many cpus 51.0 "
	    "(maxCpusPerInstance 50 in mesos configuration)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,"
	    "'memoryMb':24000.5}}", "Deploy d1 uses too much memoryMb 24000.5 "
	    "(maxMemoryMbPerInstance 24000 in mesos configuration)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'diskMb':60001}}", "Deploy d1 uses too much diskMb 60001.0 "
	    "(maxDiskMbPerInstance 60000 in mesos configuration)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'healthcheck':{}}",
	    "healthcheck must specify a uri or a healthcheckResultFilePath" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'healthcheck':{'uri':''}}",
	    "healthcheck must specify a uri" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'numPorts':1},'healthcheck':{'uri':'/','portIndex':0,"
	    "'portNumber':80}}", "Can only specify one of portIndex or "
	    "portNumber for healthchecks" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'numPorts':1},'healthcheck':{'uri':'/','portIndex':-1}}",
	    "healthcheckPortIndex cannot be negative" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'numPorts':1},'healthcheck':{'uri':'/','portIndex':1}}",
	    "Must request 2 ports for healthcheckPortIndex 1, only "
	    "requested 1" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'healthcheck':{'uri':'/'}}",
	    "Either an explicit port number, or port resources and port "
	    "index must be specified to run healthchecks against a uri" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'healthcheckUri':'/h'}",
	    "Either an explicit port number" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'healthcheck':{'uri':'/',"
	    "'portNumber':70000}}", "healthcheck.portNumber must be between "
	    "1 and 65535 (it is 70000)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'healthcheck':{'uri':'/',"
	    "'portNumber':80,'startupDelaySeconds':600}}", "Health check "
	    "startup delay time must be less than max health check run time "
	    "600 (was 600)" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'numPorts':1},'loadBalancerPortIndex':1}", "Must request 2 ports "
	    "for loadBalancerPortIndex 1, only requested 1" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'resources':{'cpus':1,'memoryMb':1,"
	    "'numPorts':1},'loadBalancerPortIndex':-1}",
	    "loadBalancerPortIndex must be greater than 0" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'labels':{'a':'1'},'mesosLabels':"
	    "[{'key':'a','value':'2'}]}",
	    "Can only specify one of 'labels' or 'mesosLabels'" },
	{ NULL, "{" CHECK_DEPLOY_BASE "'taskLabels':{'1':{'a':'1'}},"
	    "'mesosTaskLabels':{'2':[{'key':'a','value':'1'}]}}",
	    "Can only specify one of 'taskLabels' or 'mesosTaskLabels'" },
	{ CHECK_DEPLOY_ON_DEMAND, "{" CHECK_DEPLOY_BASE "'runImmediately':"
	    "{'runId':'" "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789" "01234567890123456789"
	    "x'}}", "RunId must be less than 100 characters. RunId 0123" },
	{ CHECK_DEPLOY_ON_DEMAND, "{" CHECK_DEPLOY_BASE "'runImmediately':"
	    "{'envOverrides':{'STARTED_BY_USER':'eve'}}}",
	    "Cannot override STARTED_BY_USER in env "
	    "(runImmediately.envOverrides.STARTED_BY_USER)" },
	{ CHECK_DEPLOY_ON_DEMAND, "{" CHECK_DEPLOY_BASE "'runImmediately':"
	    "{'commandLineArgs':['--as=$STARTED_BY_USER']}}",
	    "Cannot override STARTED_BY_USER (runImmediately.commandLineArgs)" }
};

START_TEST(test_deploy_validation_errors)
{
	check_deploy_assert_fails(check_deploy_invalids[_i].posted,
	    check_deploy_invalids[_i].request, check_deploy_invalids[_i].want);
}
END_TEST

static const struct {
	const char	*request;
	const char	*resources;
	const char	*want;		/* NULL: accepted */
} check_deploy_maxima[] = {
	{ "{'id':'test-singularity-1','instances':25}",
	    "{'cpus':37,'memoryMb':64}", "Deploy d1 uses too many cpus 925.0 "
	    "(37.0*25) (cpusPerRequest 900 in mesos configuration)" },
	{ "{'id':'test-singularity-1','instances':25}",
	    "{'cpus':36,'memoryMb':64}", NULL },
	{ "{'id':'test-singularity-1','instances':20}",
	    "{'cpus':45,'memoryMb':64}", NULL },
	{ "{'id':'test-singularity-1','instances':20}",
	    "{'cpus':45.5,'memoryMb':64}", "uses too many cpus 910.0 "
	    "(45.5*20)" },
	{ "{'id':'test-singularity-1','instances':20}",
	    "{'cpus':1,'memoryMb':22501}", "Deploy d1 uses too much memoryMb "
	    "450020.0 (22501.0*20) (maxMemoryMbPerRequest 450000 in mesos "
	    "configuration)" },
	{ "{'id':'test-singularity-1','instances':20}",
	    "{'cpus':1,'memoryMb':22500}", NULL },
	/* only reachable past 25 instances, as in Singularity */
	{ "{'id':'test-singularity-1','instances':51}",
	    "{'cpus':1,'memoryMb':1,'diskMb':58824}", "Deploy d1 uses too "
	    "much diskMb 3000024.0 (58824.0*51) (maxDiskMbPerRequest 3000000 "
	    "in mesos configuration)" },
	{ "{'id':'test-singularity-1','instances':51}",
	    "{'cpus':1,'memoryMb':1,'diskMb':58823}", NULL },
	{ "{'id':'test-singularity-1'}", "{'cpus':50,'memoryMb':24000,"
	    "'diskMb':60000}", NULL },
	{ "{'id':'test-singularity-1','instances':2}", "{'cpus':50,"
	    "'memoryMb':24000,'diskMb':60000}", NULL }
};

START_TEST(test_deploy_resources_maxima)
{
	char	 text[512];
	json_t	*out;

	(void)snprintf(text, sizeof(text), "{" CHECK_DEPLOY_BASE
	    "'resources':%s}", check_deploy_maxima[_i].resources);
	if (check_deploy_maxima[_i].want != NULL) {
		check_deploy_assert_fails(text, check_deploy_maxima[_i].request,
		    check_deploy_maxima[_i].want);
		return;
	}
	out = check_deploy_assert_ok(text, check_deploy_maxima[_i].request);
	json_decref(out);
}
END_TEST

START_TEST(test_deploy_id_length)
{
	char	 text[128], id[52];
	json_t	*out;

	memset(id, '7', 50);
	id[50] = '\0';
	(void)snprintf(text, sizeof(text), "{'id':'%s','requestId':"
	    "'test-singularity-1','command':'c'}", id);
	out = check_deploy_assert_ok(text, NULL);
	json_decref(out);
	id[50] = '7';
	id[51] = '\0';
	(void)snprintf(text, sizeof(text), "{'id':'%s','requestId':"
	    "'test-singularity-1','command':'c'}", id);
	check_deploy_assert_fails(text, NULL,
	    "Deploy id must be 50 characters or less, it is 51");
}
END_TEST

START_TEST(test_deploy_error_is_one_line)
{
	check_deploy_assert_fails("{'id':'a\\nb','requestId':"
	    "'test-singularity-1'}", NULL, "(it is 'a b')");
	check_deploy_assert_fails("{'id':'d1','requestId':'x\\ty'}", NULL,
	    "'x y'");
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*deploy_suite(void);

#define CHECK_DEPLOY_N(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
deploy_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("deploy");
	tc = tcase_create("core");
	tcase_add_test(tc, test_deploy_seed_defaults);
	tcase_add_test(tc, test_deploy_round_trip_every_field);
	tcase_add_test(tc, test_deploy_round_trip_is_stable);
	tcase_add_test(tc, test_deploy_unknown_and_null_fields);
	tcase_add_test(tc, test_deploy_resources_forms);
	tcase_add_test(tc, test_deploy_uris_string_form);
	tcase_add_test(tc, test_deploy_executor_data);
	tcase_add_test(tc, test_deploy_flat_healthcheck);
	tcase_add_test(tc, test_deploy_canary_settings);
	tcase_add_test(tc, test_deploy_labels_converted);
	tcase_add_test(tc, test_deploy_task_env_keys);
	tcase_add_test(tc, test_deploy_arguments_keep_shell_as_given);
	tcase_add_test(tc, test_deploy_run_immediately);
	tcase_add_test(tc, test_deploy_run_immediately_worker_refused);
	tcase_add_loop_test(tc, test_deploy_type_errors, 0,
	    CHECK_DEPLOY_N(check_deploy_type_errors));
	tcase_add_loop_test(tc, test_deploy_validation_errors, 0,
	    CHECK_DEPLOY_N(check_deploy_invalids));
	tcase_add_loop_test(tc, test_deploy_resources_maxima, 0,
	    CHECK_DEPLOY_N(check_deploy_maxima));
	tcase_add_test(tc, test_deploy_id_length);
	tcase_add_test(tc, test_deploy_error_is_one_line);
	suite_add_tcase(s, tc);
	return (s);
}
