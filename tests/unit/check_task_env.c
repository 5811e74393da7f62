/*
 * Unit tests for common/task_env.c: the built-in variables, the
 * precedence of spec 4.2 layer against layer (one table row per pair),
 * placeholder substitution, ports, and the argv of shell, exec and
 * explicit-shell deploys, including quoting of an argument with a single
 * quote (checked by running it through /bin/sh).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "fixture.h"
#include "task_env.h"

#define CHECK_TASK_ENV_ID	"r-1-d1-5-2-my_host-rack_1"

/* The value of key in envp, NULL if absent; each key appears once. */
static const char *
check_task_env_get(char **envp, const char *key)
{
	const char	*found = NULL;
	size_t		 len = strlen(key);
	char		**p, **q;

	for (p = envp; *p != NULL; p++) {
		ck_assert_ptr_nonnull(strchr(*p, '='));
		for (q = envp; q < p; q++)
			ck_assert_msg(strcspn(*q, "=") != strcspn(*p, "=") ||
			    strncmp(*q, *p, strcspn(*p, "=")) != 0,
			    "duplicate %s", *p);
		if (strncmp(*p, key, len) == 0 && (*p)[len] == '=')
			found = *p + len + 1;
	}
	return (found);
}

struct check_task_env_case {
	const char	*deploy;
	const char	*pending;
	const int	*ports;
	int		 nports;
};

/* Build the env of instance 2 of request r-1 (3 instances), deploy d1. */
static char **
check_task_env_build(const struct check_task_env_case *c)
{
	struct task_env_input	 in;
	json_t			*request, *deploy, *pending;
	char			**envp = NULL;

	request = fixture_json("{'id':'r-1','instances':3}");
	deploy = fixture_json(c->deploy);
	pending = fixture_json(c->pending);
	memset(&in, 0, sizeof(in));
	in.request = request;
	in.deploy = deploy;
	in.pending_task = pending;
	in.task_id = CHECK_TASK_ENV_ID;
	in.host = "my-host";
	in.rack_id = "rack-1";
	in.instance_no = 2;
	in.started_at = 5;
	in.ports = c->ports;
	in.nports = c->nports;
	ck_assert_int_eq(task_env_build(&in, &envp), 0);
	json_decref(request);
	json_decref(deploy);
	json_decref(pending);
	return (envp);
}

START_TEST(test_task_env_builtins)
{
	struct check_task_env_case	 c = { "{'id':'d1','requestId':'r-1',"
					    "'command':'x'}", NULL, NULL, 0 };
	char				**envp;

	envp = check_task_env_build(&c);
	ck_assert_str_eq(check_task_env_get(envp, "TASK_REQUEST_ID"), "r-1");
	ck_assert_str_eq(check_task_env_get(envp, "TASK_DEPLOY_ID"), "d1");
	ck_assert_str_eq(check_task_env_get(envp, "TASK_ID"),
	    CHECK_TASK_ENV_ID);
	ck_assert_str_eq(check_task_env_get(envp, "MESOS_TASK_ID"),
	    CHECK_TASK_ENV_ID);
	/* host and rack as the agent names them, not sanitised */
	ck_assert_str_eq(check_task_env_get(envp, "TASK_HOST"), "my-host");
	ck_assert_str_eq(check_task_env_get(envp, "TASK_RACK_ID"), "rack-1");
	ck_assert_str_eq(check_task_env_get(envp, "AVAILABILITY_ZONE"),
	    "rack-1");
	ck_assert_str_eq(check_task_env_get(envp, "INSTANCE_NO"), "2");
	ck_assert_str_eq(check_task_env_get(envp, "ESTIMATED_INSTANCE_COUNT"),
	    "3");
	ck_assert_str_eq(check_task_env_get(envp, "PATH"),
	    TASK_ENV_DEFAULT_PATH);
	ck_assert_ptr_null(check_task_env_get(envp, "PORT"));
	ck_assert_ptr_null(check_task_env_get(envp, "STARTED_BY_USER"));
	ck_assert_ptr_null(check_task_env_get(envp, "DEPLOY_CPUS"));
	ck_assert_ptr_null(check_task_env_get(envp, "MESOS_SANDBOX"));
	ck_assert_ptr_null(check_task_env_get(envp, "HOME"));
	task_strv_free(envp);
}
END_TEST

static const int check_task_env_port_list[] = { 31000, 31001, 31002 };

/* One row per pair of layers of spec 4.2: the later one wins. */
static const struct {
	const char	*env;		/* deploy env */
	const char	*task_env;	/* deploy taskEnv */
	const char	*pending;
	int		 nports;
	const char	*key;
	const char	*want;		/* NULL: unset */
} check_task_env_layers[] = {
	{ "{'TASK_HOST':'mine'}", NULL, NULL, 0, "TASK_HOST", "mine" },
	{ "{'INSTANCE_NO':'9'}", NULL, NULL, 0, "INSTANCE_NO", "9" },
	{ "{'A':'env'}", "{'2':{'A':'task'}}", NULL, 0, "A", "task" },
	{ "{'A':'env'}", "{'1':{'A':'other'}}", NULL, 0, "A", "env" },
	{ NULL, "{'2':{'TASK_ID':'t'}}", NULL, 0, "TASK_ID", "t" },
	{ NULL, "{'2':{'PORT':'1','PORT0':'1'}}", NULL, 3, "PORT", "31000" },
	{ "{'PORT2':'1'}", NULL, NULL, 3, "PORT2", "31002" },
	{ NULL, "{'2':{'DEPLOY_CPUS':'9'}}", "{'resources':{'cpus':2.7,"
	    "'memoryMb':128.9}}", 0, "DEPLOY_CPUS", "2" },
	{ NULL, NULL, "{'resources':{'cpus':2.7,'memoryMb':128.9}}", 0,
	    "DEPLOY_MEM", "128" },
	{ NULL, NULL, "{'resources':{'cpus':0,'memoryMb':0}}", 0,
	    "DEPLOY_CPUS", NULL },
	{ "{'A':'env'}", "{'2':{'A':'task'}}", "{'envOverrides':{'A':'run'}}",
	    0, "A", "run" },
	{ NULL, NULL, "{'envOverrides':{'PORT':'1'}}", 3, "PORT", "1" },
	{ NULL, NULL, "{'resources':{'cpus':4},'envOverrides':"
	    "{'DEPLOY_CPUS':'1'}}", 0, "DEPLOY_CPUS", "1" },
	{ NULL, NULL, "{'envOverrides':{'TASK_REQUEST_ID':'x'}}", 0,
	    "TASK_REQUEST_ID", "x" },
	/* STARTED_BY_USER comes last and no layer can set it */
	{ "{'STARTED_BY_USER':'env'}", "{'2':{'STARTED_BY_USER':'t'}}",
	    "{'user':'alice','envOverrides':{'STARTED_BY_USER':'mallory'}}",
	    0, "STARTED_BY_USER", "alice" },
	{ NULL, NULL, "{'envOverrides':{'STARTED_BY_USER':'mallory'}}", 0,
	    "STARTED_BY_USER", NULL },
	{ "{'PATH':'/opt/bin'}", NULL, NULL, 0, "PATH", "/opt/bin" },
	{ NULL, NULL, "{'envOverrides':{'PATH':'/x'}}", 0, "PATH", "/x" },
	/* overrides are applied as given */
	{ NULL, NULL, "{'envOverrides':{'B':'${TASK_ID}'}}", 0, "B",
	    "${TASK_ID}" }
};

START_TEST(test_task_env_precedence)
{
	struct check_task_env_case	 c;
	char				 deploy[512];
	char				**envp;
	const char			*got;

	(void)snprintf(deploy, sizeof(deploy), "{'id':'d1','requestId':'r-1',"
	    "'command':'x','env':%s,'taskEnv':%s}",
	    check_task_env_layers[_i].env != NULL ?
	    check_task_env_layers[_i].env : "null",
	    check_task_env_layers[_i].task_env != NULL ?
	    check_task_env_layers[_i].task_env : "null");
	c.deploy = deploy;
	c.pending = check_task_env_layers[_i].pending;
	c.ports = check_task_env_port_list;
	c.nports = check_task_env_layers[_i].nports;
	envp = check_task_env_build(&c);
	got = check_task_env_get(envp, check_task_env_layers[_i].key);
	if (check_task_env_layers[_i].want == NULL)
		ck_assert_msg(got == NULL, "%s=%s",
		    check_task_env_layers[_i].key, got);
	else
		ck_assert_msg(got != NULL && strcmp(got,
		    check_task_env_layers[_i].want) == 0, "%s=%s, want %s",
		    check_task_env_layers[_i].key, got,
		    check_task_env_layers[_i].want);
	task_strv_free(envp);
}
END_TEST

START_TEST(test_task_env_placeholders)
{
	struct check_task_env_case	 c = { "{'id':'d1','requestId':'r-1',"
	    "'command':'x','env':{'URL':'http://${TASK_HOST}/"
	    "${TASK_REQUEST_ID}/${TASK_DEPLOY_ID}/${TASK_STARTED_AT}/"
	    "${TASK_INSTANCE_NO}/${TASK_RACK_ID}/${TASK_ID}/${TASK_ID}',"
	    "'KEEP':'${UNKNOWN} $TASK_ID ${TASK_ID','${TASK_ID}':'k'},"
	    "'taskEnv':{'2':{'ME':'${TASK_INSTANCE_NO}@${TASK_HOST}'}}}",
	    NULL, NULL, 0 };
	char				**envp;

	envp = check_task_env_build(&c);
	ck_assert_str_eq(check_task_env_get(envp, "URL"), "http://my-host/"
	    "r-1/d1/5/2/rack-1/" CHECK_TASK_ENV_ID "/" CHECK_TASK_ENV_ID);
	ck_assert_str_eq(check_task_env_get(envp, "KEEP"),
	    "${UNKNOWN} $TASK_ID ${TASK_ID");
	ck_assert_str_eq(check_task_env_get(envp, "ME"), "2@my-host");
	/* keys are not substituted */
	ck_assert_str_eq(check_task_env_get(envp, "${TASK_ID}"), "k");
	task_strv_free(envp);
}
END_TEST

START_TEST(test_task_env_ports)
{
	struct check_task_env_case	 c = { "{'id':'d1','requestId':'r-1',"
	    "'command':'x'}", NULL, check_task_env_port_list, 3 };
	char				**envp, key[16], want[16];
	int				 i;

	envp = check_task_env_build(&c);
	/* PORT is PORT0; PORT<i> is the i-th port given, and no more. */
	ck_assert_str_eq(check_task_env_get(envp, "PORT"), "31000");
	for (i = 0; i < 3; i++) {
		(void)snprintf(key, sizeof(key), "PORT%d", i);
		(void)snprintf(want, sizeof(want), "%d", 31000 + i);
		ck_assert_str_eq(check_task_env_get(envp, key), want);
	}
	ck_assert_ptr_null(check_task_env_get(envp, "PORT3"));
	task_strv_free(envp);
}
END_TEST

START_TEST(test_task_env_invalid_input)
{
	struct task_env_input	 in;
	json_t			*deploy, *bad;
	char			**envp = NULL;

	deploy = fixture_json("{'id':'d1','requestId':'r-1'}");
	memset(&in, 0, sizeof(in));
	in.deploy = deploy;
	in.task_id = CHECK_TASK_ENV_ID;
	in.host = "h";
	in.rack_id = "r";
	in.instance_no = 1;
	ck_assert_int_eq(task_env_build(&in, &envp), 0);
	/* without a request the id comes from the deploy, instances are 1 */
	ck_assert_str_eq(check_task_env_get(envp, "TASK_REQUEST_ID"), "r-1");
	ck_assert_str_eq(check_task_env_get(envp, "ESTIMATED_INSTANCE_COUNT"),
	    "1");
	task_strv_free(envp);
	envp = NULL;
	in.instance_no = 0;
	ck_assert_int_eq(task_env_build(&in, &envp), -EINVAL);
	in.instance_no = 1;
	in.nports = 1;
	ck_assert_int_eq(task_env_build(&in, &envp), -EINVAL);
	in.nports = 0;
	bad = fixture_json("{'envOverrides':{'A=B':'x'}}");
	in.pending_task = bad;
	ck_assert_int_eq(task_env_build(&in, &envp), -EINVAL);
	json_decref(bad);
	bad = fixture_json("{'envOverrides':{'A':1}}");
	in.pending_task = bad;
	ck_assert_int_eq(task_env_build(&in, &envp), -EINVAL);
	json_decref(bad);
	in.pending_task = NULL;
	in.deploy = NULL;
	ck_assert_int_eq(task_env_build(&in, &envp), -EINVAL);
	ck_assert_ptr_null(envp);
	json_decref(deploy);
}
END_TEST

/* argv of deploy and args (taken over), compared with want. */
static void
check_task_env_argv(const char *deploy, json_t *a, const char *const *want)
{
	json_t	*d;
	char	**argv = NULL;
	int	 i;

	d = fixture_json(deploy);
	ck_assert_int_eq(task_argv_build(d, a, &argv), 0);
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_ptr_nonnull(argv[i]);
		ck_assert_str_eq(argv[i], want[i]);
	}
	ck_assert_ptr_null(argv[i]);
	task_strv_free(argv);
	json_decref(a);
	json_decref(d);
}

START_TEST(test_task_env_argv_shell_by_default)
{
	static const char *const want[] = { "/bin/sh", "-c", "sleep 1000",
	    NULL };

	check_task_env_argv("{'command':'sleep 1000'}", NULL, want);
	check_task_env_argv("{'command':'sleep 1000','arguments':[]}",
	    json_array(), want);
}
END_TEST

START_TEST(test_task_env_argv_arguments_exec)
{
	static const char *const want[] = { "/bin/echo", "a b", "c", NULL };
	static const char *const want_args[] = { "/bin/echo", "a b", "c",
	    "--x", NULL };
	static const char *const want_no_cmd[] = { "/bin/echo", "hi", NULL };

	check_task_env_argv("{'command':'/bin/echo','arguments':['a b','c']}",
	    NULL, want);
	/* run-now args are appended, and alone they also mean exec */
	check_task_env_argv("{'command':'/bin/echo','arguments':['a b','c']}",
	    json_pack("[s]", "--x"), want_args);
	check_task_env_argv("{'command':'/bin/echo'}", json_pack("[s, s]",
	    "a b", "c"), want);
	check_task_env_argv("{'arguments':['/bin/echo','hi']}", NULL,
	    want_no_cmd);
}
END_TEST

START_TEST(test_task_env_argv_explicit_shell)
{
	static const char *const want_true[] = { "/bin/sh", "-c",
	    "echo 'it'\\''s' 'a b' '$HOME'", NULL };
	static const char *const want_false[] = { "/bin/true", NULL };
	static const char *const want_plain[] = { "/bin/sh", "-c", "ls -l",
	    NULL };

	check_task_env_argv("{'command':'echo','shell':true}",
	    json_pack("[s, s, s]", "it's", "a b", "$HOME"), want_true);
	check_task_env_argv("{'command':'ls -l','shell':true,"
	    "'arguments':['ignored']}", NULL, want_plain);
	check_task_env_argv("{'command':'/bin/true','shell':false}", NULL,
	    want_false);
}
END_TEST

/* The quoting survives a real shell: each argument comes back whole. */
START_TEST(test_task_env_argv_quoting_runs)
{
	json_t	*d, *a;
	char	**argv = NULL, line[256];
	FILE	*f;

	d = json_pack("{s:s, s:b}", "command", "printf '[%s]'", "shell", 1);
	a = json_pack("[s, s, s, s]", "it's", "a  b", "$HOME", "\\'\"");
	ck_assert_int_eq(task_argv_build(d, a, &argv), 0);
	ck_assert_str_eq(argv[0], "/bin/sh");
	f = popen(argv[2], "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_str_eq(line, "[it's][a  b][$HOME][\\'\"]");
	task_strv_free(argv);
	json_decref(a);
	json_decref(d);
}
END_TEST

START_TEST(test_task_env_argv_invalid)
{
	json_t	*d, *a;
	char	**argv = NULL;

	d = fixture_json("{'shell':true,'arguments':['x']}");
	ck_assert_int_eq(task_argv_build(d, NULL, &argv), -EINVAL);
	json_decref(d);
	d = fixture_json("{}");
	ck_assert_int_eq(task_argv_build(d, NULL, &argv), -EINVAL);
	json_decref(d);
	d = fixture_json("{'command':'x','arguments':[1]}");
	ck_assert_int_eq(task_argv_build(d, NULL, &argv), -EINVAL);
	json_decref(d);
	d = fixture_json("{'command':'x','shell':true}");
	a = json_integer(1);
	ck_assert_int_eq(task_argv_build(d, a, &argv), -EINVAL);
	json_decref(a);
	json_decref(d);
	d = fixture_json("{'command':'x'}");
	a = json_pack("[s, i]", "ok", 2);
	ck_assert_int_eq(task_argv_build(d, a, &argv), -EINVAL);
	json_decref(a);
	json_decref(d);
	ck_assert_ptr_null(argv);
}
END_TEST

START_TEST(test_task_env_user)
{
	json_t	*d, *p, *none;

	d = fixture_json("{'user':'app'}");
	p = fixture_json("{'runAsUserOverride':'ops','user':'alice'}");
	none = fixture_json("{}");
	ck_assert_str_eq(task_env_user(d, p), "ops");
	ck_assert_str_eq(task_env_user(d, none), "app");
	ck_assert_str_eq(task_env_user(d, NULL), "app");
	ck_assert_ptr_null(task_env_user(none, none));
	ck_assert_ptr_null(task_env_user(NULL, NULL));
	task_strv_free(NULL);
	json_decref(none);
	json_decref(p);
	json_decref(d);
}
END_TEST

/* SingularityExecutor's cmd, then extraCmdLineArgs, then the run's. */
START_TEST(test_task_env_argv_executor_data)
{
	static const char *const want[] = { "/bin/sh", "-c",
	    "java -jar app.jar '--port' '8080' 'run it'", NULL };
	static const char *const bare[] = { "/bin/sh", "-c", "./run", NULL };

	check_task_env_argv("{'executorData':{'cmd':'java -jar app.jar',"
	    "'extraCmdLineArgs':['--port','8080']}}", json_pack("[s]",
	    "run it"), want);
	check_task_env_argv("{'executorData':{'cmd':'./run'}}", NULL, bare);
}
END_TEST

START_TEST(test_task_env_user_executor_data)
{
	json_t	*d, *both;

	d = fixture_json("{'executorData':{'cmd':'x','user':'svc'}}");
	both = fixture_json("{'user':'app','executorData':{'user':'svc'}}");
	ck_assert_str_eq(task_env_user(d, NULL), "svc");
	ck_assert_str_eq(task_env_user(both, NULL), "app");
	json_decref(both);
	json_decref(d);
}
END_TEST

/* Called from check_main.c, which adds every suite to one runner. */
Suite	*task_env_suite(void);

Suite *
task_env_suite(void)
{
	const struct fixture_row tests[] = {
		FIXTURE_CASE("core"),
		FIXTURE_TEST(test_task_env_builtins),
		FIXTURE_LOOP(test_task_env_precedence,
		    FIXTURE_N(check_task_env_layers)),
		FIXTURE_TEST(test_task_env_placeholders),
		FIXTURE_TEST(test_task_env_ports),
		FIXTURE_TEST(test_task_env_invalid_input),
		FIXTURE_TEST(test_task_env_argv_shell_by_default),
		FIXTURE_TEST(test_task_env_argv_arguments_exec),
		FIXTURE_TEST(test_task_env_argv_explicit_shell),
		FIXTURE_TEST(test_task_env_argv_quoting_runs),
		FIXTURE_TEST(test_task_env_argv_invalid),
		FIXTURE_TEST(test_task_env_user),
		FIXTURE_TEST(test_task_env_argv_executor_data),
		FIXTURE_TEST(test_task_env_user_executor_data),
		FIXTURE_END
	};

	return (fixture_suite("task_env", tests));
}
