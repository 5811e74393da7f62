/*
 * deploy and run: the two commands that start tasks, each with --wait.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "kerr.h"
#include "kerr_opts.h"

#define KERR_WAIT_DEFAULT_S	300

struct kerr_deploy_args {
	const char	*request;
	const char	*command;
	const char	*file;
	const char	*id;
	double		 cpus;
	long		 mem;
	json_t		*env;
	int		 wait;
	long		 timeout;
};

static int
kerr_deploy_parse(int argc, char **argv, struct kerr_deploy_args *a)
{
	static const struct option opts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "mem", required_argument, NULL, 'm' },
		{ "env", required_argument, NULL, 'e' },
		{ "id", required_argument, NULL, 'i' },
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	size_t	klen;
	int	ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->command = optarg;
			break;
		case 'f':
			a->file = optarg;
			break;
		case 'C':
			if (kerr_opts_double(optarg, 0.001, &a->cpus) < 0)
				return (kerr_usage_error(argv[0], "--cpus takes "
				    "a number above 0, not '%s'", optarg));
			break;
		case 'm':
			if (kerr_opts_long(optarg, 1, 1L << 30, &a->mem) < 0)
				return (kerr_usage_error(argv[0], "--mem takes "
				    "megabytes from 1, not '%s'", optarg));
			break;
		case 'e':
			if (kerr_opts_env(optarg, &klen) < 0)
				return (kerr_usage_error(argv[0], "--env takes "
				    "KEY=VALUE, not '%s'", optarg));
			optarg[klen] = '\0';
			(void)json_object_set_new(a->env, optarg,
			    json_string(optarg + klen + 1));
			optarg[klen] = '=';
			break;
		case 'i':
			a->id = optarg;
			break;
		case 'w':
			a->wait = 1;
			break;
		case 'T':
			if (kerr_opts_long(optarg, 1, 86400, &a->timeout) < 0)
				return (kerr_usage_error(argv[0], "--timeout "
				    "takes seconds, not '%s'", optarg));
			break;
		default:
			return (kerr_usage_error(argv[0], "unknown option or "
			    "missing value: '%s'", argv[optind - 1]));
		}
	}
	if (optind + 1 != argc)
		return (kerr_usage_error(argv[0], "takes one REQUEST"));
	a->request = argv[optind];
	if ((a->command != NULL) == (a->file != NULL))
		return (kerr_usage_error(argv[0], "takes --command CMD or -f "
		    "FILE"));
	return (KERR_EXIT_OK);
}

/* The deploy's own fields from the options. */
static void
kerr_deploy_apply(const struct kerr_deploy_args *a, json_t *d, char *gen_id,
    size_t len)
{
	json_t *res;

	(void)json_object_set_new(d, "requestId", json_string(a->request));
	if (a->id != NULL)
		(void)json_object_set_new(d, "id", json_string(a->id));
	else if (kerr_str(d, "id") == NULL) {
		(void)snprintf(gen_id, len, "d%jd", (intmax_t)clock_now_ms());
		(void)json_object_set_new(d, "id", json_string(gen_id));
	}
	if (a->cpus > 0 || a->mem > 0) {
		if (!json_is_object(res = json_object_get(d, "resources"))) {
			res = json_object();
			(void)json_object_set_new(d, "resources", res);
		}
		if (a->cpus > 0)
			(void)json_object_set_new(res, "cpus",
			    json_real(a->cpus));
		if (a->mem > 0)
			(void)json_object_set_new(res, "memoryMb",
			    json_integer(a->mem));
	}
	if (json_object_size(a->env) > 0) {
		if (!json_is_object(json_object_get(d, "env")))
			(void)json_object_set_new(d, "env", json_object());
		(void)json_object_update(json_object_get(d, "env"), a->env);
	}
}

/* The SingularityDeployRequest to send: the file's (a deploy request,
 * or a bare deploy wrapped in one), or one built from the options. */
static json_t *
kerr_deploy_build(const struct kerr_deploy_args *a, char *gen_id,
    size_t len)
{
	json_error_t	 err;
	json_t		*body;

	if (a->file != NULL) {
		body = strcmp(a->file, "-") == 0 ? json_loadf(stdin, 0, &err) :
		    json_load_file(a->file, 0, &err);
		if (body == NULL || !json_is_object(body)) {
			fprintf(stderr, "kerr deploy: %s: %s\n", a->file,
			    body == NULL ? err.text : "not a JSON object");
			json_decref(body);
			return (NULL);
		}
		if (!json_is_object(json_object_get(body, "deploy"))) {
			json_t *wrapped = json_pack("{s:o}", "deploy", body);

			if ((body = wrapped) == NULL)
				return (NULL);
		}
	} else if ((body = json_pack("{s:{s:s}}", "deploy", "command",
	    a->command)) == NULL)
		return (NULL);
	kerr_deploy_apply(a, json_object_get(body, "deploy"), gen_id, len);
	return (body);
}

int
kerr_cmd_deploy(struct kerr *k, int argc, char **argv)
{
	struct kerr_deploy_args	 a = { .timeout = KERR_WAIT_DEFAULT_S };
	json_t			*body = NULL;
	char			 gen[32], *raw = NULL;
	const char		*deploy_id;
	int			 r;

	if ((a.env = json_object()) == NULL)
		return (kerr_fail("out of memory"));
	if ((r = kerr_deploy_parse(argc, argv, &a)) != KERR_EXIT_OK)
		goto out;
	if ((body = kerr_deploy_build(&a, gen, sizeof(gen))) == NULL) {
		r = a.file != NULL ? KERR_EXIT_USAGE :
		    kerr_fail("out of memory");
		goto out;
	}
	deploy_id = kerr_str2(body, "deploy", "id");
	if ((r = kerr_call(k, "POST", "/deploys", body, NULL, &raw)) !=
	    KERR_EXIT_OK)
		goto out;
	if (k->json)
		kerr_print_raw(raw);
	else
		printf("Deploy %s of %s accepted.\n", deploy_id, a.request);
	fflush(stdout);
	if (a.wait)
		r = kerr_wait_deploy(k, a.request, deploy_id, (int)a.timeout);
out:
	free(raw);
	json_decref(body);
	json_decref(a.env);
	return (r);
}

int
kerr_cmd_run(struct kerr *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*request;
	json_t		*body, *args;
	char		*path, *raw = NULL, run_id[64];
	long		 timeout = KERR_WAIT_DEFAULT_S;
	int		 ch, wait = 0, nopts, i, r;

	/* kerr's options before "--", the task's ARGS after it. */
	for (nopts = 1; nopts < argc && strcmp(argv[nopts], "--") != 0;
	    nopts++)
		;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(nopts, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			wait = 1;
			break;
		case 'T':
			if (kerr_opts_long(optarg, 1, 86400, &timeout) < 0)
				return (kerr_usage_error(argv[0], "--timeout "
				    "takes seconds, not '%s'", optarg));
			break;
		default:
			return (kerr_usage_error(argv[0], "unknown option or "
			    "missing value: '%s' (ARGS go after --)",
			    argv[optind - 1]));
		}
	}
	if (optind + 1 != nopts)
		return (kerr_usage_error(argv[0], "takes one REQUEST (ARGS go "
		    "after --)"));
	request = argv[optind];
	(void)snprintf(run_id, sizeof(run_id), "kerr-%jd-%ld",
	    (intmax_t)clock_now_ms(), (long)getpid());
	if ((args = json_array()) == NULL)
		return (kerr_fail("out of memory"));
	for (i = nopts + 1; i < argc; i++)
		(void)json_array_append_new(args, json_string(argv[i]));
	body = json_pack("{s:s, s:o}", "runId", run_id, "commandLineArgs",
	    args);
	path = kerr_path(k, "/requests/request/%s/run", request);
	if (body == NULL || path == NULL) {
		json_decref(body);
		free(path);
		return (kerr_fail("out of memory"));
	}
	r = kerr_call(k, "POST", path, body, NULL, &raw);
	json_decref(body);
	free(path);
	if (r != KERR_EXIT_OK)
		return (r);
	if (k->json)
		kerr_print_raw(raw);
	else
		printf("Run %s of %s queued.\n", run_id, request);
	free(raw);
	fflush(stdout);
	return (wait ? kerr_wait_run(k, request, run_id, (int)timeout) :
	    KERR_EXIT_OK);
}
