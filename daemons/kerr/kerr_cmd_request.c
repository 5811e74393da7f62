/*
 * The request commands: status, ls, show, create, scale, pause, unpause,
 * bounce, delete, history; and the ids bash completion asks for.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"
#include "kerr_opts.h"
#include "kerr_table.h"

#define KERR_WAIT_DEFAULT_S	300

/* GET path; print it raw under -o json, else hand it to show(). */
static int
kerr_get_show(struct kerr *k, const char *path,
    int (*show)(struct kerr *k, json_t *j, void *arg), void *arg)
{
	json_t	*j = NULL;
	char	*raw = NULL;
	int	 r;

	if ((r = kerr_call(k, "GET", path, NULL, &j, &raw)) != KERR_EXIT_OK)
		return (r);
	if (k->json)
		kerr_print_raw(raw);
	else
		r = show(k, j, arg);
	json_decref(j);
	free(raw);
	return (r);
}

/* One positional argument after the command's name, and no option. */
static int
kerr_one_arg(int argc, char **argv, const char *what, const char **ret)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0')
		return (kerr_usage_error(argv[0], "unknown option '%s'",
		    argv[1]));
	if (argc != 2)
		return (kerr_usage_error(argv[0], "takes one %s", what));
	*ret = argv[1];
	return (KERR_EXIT_OK);
}

static int
kerr_status_show(struct kerr *k, json_t *state, void *arg)
{
	static const char *const keys[][2] = {
		{ "activeRequests", "active requests" },
		{ "pausedRequests", "paused requests" },
		{ "cooldownRequests", "requests in cooldown" },
		{ "finishedRequests", "finished requests" },
		{ "pendingRequests", "pending requests" },
		{ "cleaningRequests", "cleaning requests" },
		{ "activeTasks", "active tasks" },
		{ "launchingTasks", "launching tasks" },
		{ "scheduledTasks", "scheduled tasks" },
		{ "lateTasks", "late tasks" },
		{ "cleaningTasks", "cleaning tasks" },
		{ "numDeploys", "deploys in progress" },
		{ "activeAgents", "active agents" },
		{ "deadAgents", "dead agents" },
	};
	size_t i;

	(void)k;
	(void)arg;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(state, keys[i][0]) != NULL)
			printf("%-22s %jd\n", keys[i][1],
			    (intmax_t)kerr_int(state, keys[i][0]));
	return (KERR_EXIT_OK);
}

int
kerr_cmd_status(struct kerr *k, int argc, char **argv)
{
	if (argc != 1)
		return (kerr_usage_error(argv[0], "takes no argument"));
	return (kerr_get_show(k, "/state", kerr_status_show, NULL));
}

static const char *
kerr_deploy_of(const json_t *parent, const char *which)
{
	return (kerr_str2(json_object_get(parent, "requestDeployState"),
	    which, "deployId"));
}

static int
kerr_ls_show(struct kerr *k, json_t *list, void *arg)
{
	static const char *const hdr[] = { "ID", "TYPE", "STATE",
	    "INSTANCES", "DEPLOY" };
	const char		*type = arg;
	struct kerr_table	*t;
	json_t			*p;
	size_t			 i;
	char			 inst[24];

	if ((t = kerr_table_new(5, hdr)) == NULL)
		return (kerr_fail("out of memory"));
	json_array_foreach(list, i, p) {
		const json_t *req = json_object_get(p, "request");
		const char *cells[5];

		if (type != NULL && strcmp(type, kerr_str(req,
		    "requestType") != NULL ? kerr_str(req, "requestType") :
		    "") != 0)
			continue;
		(void)snprintf(inst, sizeof(inst), "%jd",
		    (intmax_t)(json_object_get(req, "instances") != NULL ?
		    kerr_int(req, "instances") : 1));
		cells[0] = kerr_str(req, "id");
		cells[1] = kerr_str(req, "requestType");
		cells[2] = kerr_str(p, "state");
		cells[3] = inst;
		cells[4] = kerr_deploy_of(p, "activeDeploy");
		if (kerr_table_add(t, cells) < 0) {
			kerr_table_free(t);
			return (kerr_fail("out of memory"));
		}
	}
	kerr_table_print(t, stdout, k->color);
	kerr_table_free(t);
	return (KERR_EXIT_OK);
}

/* --type under -o json: the API's objects of that type, unchanged. */
static int
kerr_ls_json_type(struct kerr *k, const char *path, const char *type)
{
	json_t	*list = NULL, *keep, *p;
	size_t	 i;
	char	*text;
	int	 r;

	if ((r = kerr_call(k, "GET", path, NULL, &list, NULL)) != KERR_EXIT_OK)
		return (r);
	if ((keep = json_array()) == NULL) {
		json_decref(list);
		return (kerr_fail("out of memory"));
	}
	json_array_foreach(list, i, p)
		if (kerr_str2(p, "request", "requestType") != NULL &&
		    strcmp(kerr_str2(p, "request", "requestType"), type) == 0)
			(void)json_array_append(keep, p);
	text = json_dumps(keep, JSON_COMPACT);
	json_decref(keep);
	json_decref(list);
	if (text == NULL)
		return (kerr_fail("out of memory"));
	kerr_print_raw(text);
	free(text);
	return (KERR_EXIT_OK);
}

int
kerr_cmd_ls(struct kerr *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "paused", no_argument, NULL, 'p' },
		{ "cooldown", no_argument, NULL, 'c' },
		{ "finished", no_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = "/requests/active", *type = NULL;
	int		 ch, which = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			path = "/requests/paused";
			break;
		case 'c':
			path = "/requests/cooldown";
			break;
		case 'f':
			path = "/requests/finished";
			break;
		case 'a':
			path = "/requests";
			break;
		case 't':
			type = optarg;
			break;
		default:
			return (kerr_usage_error(argv[0], "unknown option "
			    "'%s'", argv[optind - 1]));
		}
		if (ch != 't' && which++ > 0)
			return (kerr_usage_error(argv[0], "takes one of "
			    "--paused, --cooldown, --finished, --all"));
	}
	if (optind != argc)
		return (kerr_usage_error(argv[0], "takes no argument"));
	if (k->json && type != NULL)
		return (kerr_ls_json_type(k, path, type));
	return (kerr_get_show(k, path, kerr_ls_show, (void *)(uintptr_t)type));
}

static void
kerr_show_field(const char *name, const char *value)
{
	if (value != NULL)
		printf("%-16s %s\n", name, value);
}

static int
kerr_show_tasks(struct kerr *k, const char *id)
{
	static const char *const hdr[] = { "TASK", "INSTANCE", "STATE",
	    "UPDATED" };
	struct kerr_table	*t;
	json_t			*list = NULL, *h;
	char			*path, inst[24], when[64];
	size_t			 i;
	int			 r;

	if ((path = kerr_path(k, "/history/request/%s/tasks/active", id)) ==
	    NULL)
		return (kerr_fail("out of memory"));
	r = kerr_call(k, "GET", path, NULL, &list, NULL);
	free(path);
	if (r != KERR_EXIT_OK)
		return (r);
	if ((t = kerr_table_new(4, hdr)) == NULL) {
		json_decref(list);
		return (kerr_fail("out of memory"));
	}
	json_array_foreach(list, i, h) {
		const json_t	*tid = json_object_get(h, "taskId");
		const char	*cells[4];

		(void)snprintf(inst, sizeof(inst), "%jd",
		    (intmax_t)kerr_int(tid, "instanceNo"));
		kerr_when(k, kerr_int(h, "updatedAt"), when, sizeof(when));
		cells[0] = kerr_str(tid, "id");
		cells[1] = inst;
		cells[2] = kerr_str(h, "lastTaskState");
		cells[3] = when;
		if (kerr_table_add(t, cells) < 0)
			break;
	}
	printf("\n");
	kerr_table_print(t, stdout, k->color);
	kerr_table_free(t);
	json_decref(list);
	return (KERR_EXIT_OK);
}

static int
kerr_show_request(struct kerr *k, json_t *p, void *arg)
{
	const json_t	*req = json_object_get(p, "request");
	const json_t	*dep = json_object_get(p, "activeDeploy");
	char		 inst[24];

	(void)arg;
	(void)snprintf(inst, sizeof(inst), "%jd",
	    (intmax_t)(json_object_get(req, "instances") != NULL ?
	    kerr_int(req, "instances") : 1));
	kerr_show_field("id", kerr_str(req, "id"));
	kerr_show_field("type", kerr_str(req, "requestType"));
	kerr_show_field("state", kerr_str(p, "state"));
	kerr_show_field("instances", inst);
	kerr_show_field("schedule", kerr_str(req, "schedule"));
	kerr_show_field("active deploy", kerr_deploy_of(p, "activeDeploy"));
	kerr_show_field("command", kerr_str(dep, "command"));
	kerr_show_field("pending deploy", kerr_deploy_of(p,
	    "pendingDeploy"));
	kerr_show_field("deploy state", kerr_str2(p, "pendingDeployState",
	    "currentDeployState"));
	return (kerr_show_tasks(k, kerr_str(req, "id")));
}

int
kerr_cmd_show(struct kerr *k, int argc, char **argv)
{
	const char	*id = NULL;
	char		*path;
	int		 r;

	if ((r = kerr_one_arg(argc, argv, "REQUEST", &id)) != KERR_EXIT_OK)
		return (r);
	if ((path = kerr_path(k, "/requests/request/%s", id)) == NULL)
		return (kerr_fail("out of memory"));
	r = kerr_get_show(k, path, kerr_show_request, NULL);
	free(path);
	return (r);
}

static json_t *
kerr_read_json_file(const char *cmd, const char *file)
{
	json_error_t	 err;
	json_t		*j;

	if (strcmp(file, "-") == 0)
		j = json_loadf(stdin, 0, &err);
	else
		j = json_load_file(file, 0, &err);
	if (j == NULL)
		fprintf(stderr, "kerr %s: %s: %s (line %d)\n", cmd,
		    strcmp(file, "-") == 0 ? "stdin" : file, err.text,
		    err.line);
	else if (!json_is_object(j)) {
		fprintf(stderr, "kerr %s: %s holds no JSON object\n", cmd,
		    file);
		json_decref(j);
		j = NULL;
	}
	return (j);
}

/* POST/PUT body and say what was done, or print the reply raw. */
static int
kerr_send(struct kerr *k, const char *method, const char *path,
    const json_t *body, const char *done)
{
	char	*raw = NULL;
	int	 r;

	if ((r = kerr_call(k, method, path, body, NULL, &raw)) !=
	    KERR_EXIT_OK)
		return (r);
	if (k->json)
		kerr_print_raw(raw[0] != '\0' ? raw : "{}");
	else
		printf("%s\n", done);
	free(raw);
	return (KERR_EXIT_OK);
}

static json_t *
kerr_create_body(const char *id, const char *type, long instances,
    const char *schedule, const char *owner)
{
	json_t *b = json_pack("{s:s, s:s}", "id", id, "requestType", type);

	if (b == NULL)
		return (NULL);
	if (instances > 0)
		(void)json_object_set_new(b, "instances",
		    json_integer(instances));
	if (schedule != NULL)
		(void)json_object_set_new(b, "schedule",
		    json_string(schedule));
	if (owner != NULL)
		(void)json_object_set_new(b, "owners",
		    json_pack("[s]", owner));
	return (b);
}

int
kerr_cmd_create(struct kerr *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "id", required_argument, NULL, 'i' },
		{ "type", required_argument, NULL, 't' },
		{ "instances", required_argument, NULL, 'n' },
		{ "schedule", required_argument, NULL, 's' },
		{ "owner", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*file = NULL, *id = NULL, *type = NULL;
	const char	*schedule = NULL, *owner = NULL;
	long		 instances = 0;
	json_t		*body;
	char		 done[600];
	int		 ch, r;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'n':
			if (kerr_opts_long(optarg, 1, 100000, &instances) < 0)
				return (kerr_usage_error(argv[0], "--instances "
				    "takes a number from 1, not '%s'",
				    optarg));
			break;
		case 's':
			schedule = optarg;
			break;
		case 'O':
			owner = optarg;
			break;
		default:
			return (kerr_usage_error(argv[0], "unknown option or "
			    "missing value: '%s'", argv[optind - 1]));
		}
	}
	if (optind != argc)
		return (kerr_usage_error(argv[0], "takes no argument"));
	if ((file != NULL) == (id != NULL || type != NULL))
		return (kerr_usage_error(argv[0], "takes -f FILE, or --id "
		    "and --type"));
	if (file == NULL && (id == NULL || type == NULL))
		return (kerr_usage_error(argv[0], "needs both --id and "
		    "--type"));
	if (file != NULL)
		body = kerr_read_json_file(argv[0], file);
	else
		body = kerr_create_body(id, type, instances, schedule, owner);
	if (body == NULL)
		return (file != NULL ? KERR_EXIT_USAGE :
		    kerr_fail("out of memory"));
	(void)snprintf(done, sizeof(done), "Request %s saved.",
	    kerr_str(body, "id") != NULL ? kerr_str(body, "id") : "");
	r = kerr_send(k, "POST", "/requests", body, done);
	json_decref(body);
	return (r);
}

int
kerr_cmd_scale(struct kerr *k, int argc, char **argv)
{
	json_t	*body;
	char	*path, done[600];
	long	 n;
	int	 r;

	if (argc != 3)
		return (kerr_usage_error(argv[0], "takes REQUEST and N"));
	if (kerr_opts_long(argv[2], 1, 100000, &n) < 0)
		return (kerr_usage_error(argv[0], "N must be a number from 1, "
		    "not '%s'", argv[2]));
	if ((path = kerr_path(k, "/requests/request/%s/scale", argv[1])) ==
	    NULL || (body = json_pack("{s:I}", "instances",
	    (json_int_t)n)) == NULL) {
		free(path);
		return (kerr_fail("out of memory"));
	}
	(void)snprintf(done, sizeof(done), "Request %s scaled to %ld.",
	    argv[1], n);
	r = kerr_send(k, "PUT", path, body, done);
	json_decref(body);
	free(path);
	return (r);
}

/* The ids of the request's active tasks, for bounce --wait. */
static json_t *
kerr_active_task_ids(struct kerr *k, const char *request)
{
	json_t	*list = NULL, *ids, *h;
	char	*path;
	size_t	 i;

	if ((path = kerr_path(k, "/history/request/%s/tasks/active",
	    request)) == NULL)
		return (NULL);
	if (kerr_call(k, "GET", path, NULL, &list, NULL) != KERR_EXIT_OK) {
		free(path);
		return (NULL);
	}
	free(path);
	if ((ids = json_array()) != NULL)
		json_array_foreach(list, i, h)
			(void)json_array_append(ids, json_object_get(
			    json_object_get(h, "taskId"), "id"));
	json_decref(list);
	return (ids);
}

static int
kerr_action_opts(int argc, char **argv, int *wait, long *timeout,
    const char **ret_id)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			*wait = 1;
			break;
		case 'T':
			if (kerr_opts_long(optarg, 1, 86400, timeout) < 0)
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
	if (*wait && strcmp(argv[0], "bounce") != 0)
		return (kerr_usage_error(argv[0], "has no --wait"));
	*ret_id = argv[optind];
	return (KERR_EXIT_OK);
}

int
kerr_cmd_action(struct kerr *k, int argc, char **argv)
{
	const char	*cmd = argv[0], *id = NULL, *method = "POST", *did;
	json_t		*old = NULL;
	char		*path, done[600];
	long		 timeout = KERR_WAIT_DEFAULT_S;
	int		 wait = 0, r;

	if ((r = kerr_action_opts(argc, argv, &wait, &timeout, &id)) !=
	    KERR_EXIT_OK)
		return (r);
	if (strcmp(cmd, "delete") == 0) {
		method = "DELETE";
		path = kerr_path(k, "/requests/request/%s", id);
		did = "deleted";
	} else {
		path = kerr_path(k, strcmp(cmd, "pause") == 0 ?
		    "/requests/request/%s/pause" : strcmp(cmd, "unpause") ==
		    0 ? "/requests/request/%s/unpause" :
		    "/requests/request/%s/bounce", id);
		did = strcmp(cmd, "pause") == 0 ? "paused" : strcmp(cmd,
		    "unpause") == 0 ? "unpaused" : "bouncing";
	}
	if (path == NULL)
		return (kerr_fail("out of memory"));
	if (wait && (old = kerr_active_task_ids(k, id)) == NULL) {
		free(path);
		return (KERR_EXIT_FAIL);
	}
	(void)snprintf(done, sizeof(done), "Request %s %s.", id, did);
	r = kerr_send(k, method, path, NULL, done);
	free(path);
	if (r == KERR_EXIT_OK && wait)
		r = kerr_wait_bounce(k, id, old, (int)timeout);
	json_decref(old);
	return (r);
}

/* A column of kerr history: a member (or key2 of it), or a time. */
struct kerr_history_col {
	const char	*header;
	const char	*key;
	const char	*key2;
	int		 is_time;
};

#define KERR_HISTORY_COLS	4

static const struct kerr_history_col kerr_history_requests[] = {
	{ "WHEN", "createdAt", NULL, 1 }, { "EVENT", "eventType", NULL, 0 },
	{ "USER", "user", NULL, 0 }, { "MESSAGE", "message", NULL, 0 }
};
static const struct kerr_history_col kerr_history_tasks[] = {
	{ "TASK", "taskId", "id", 0 }, { "DEPLOY", "taskId", "deployId", 0 },
	{ "STATE", "lastTaskState", NULL, 0 },
	{ "UPDATED", "updatedAt", NULL, 1 }
};

/* arg: the KERR_HISTORY_COLS columns to show. */
static int
kerr_history_show(struct kerr *k, json_t *list, void *arg)
{
	const struct kerr_history_col	*cols = arg;
	const char			*hdr[KERR_HISTORY_COLS];
	const char			*cells[KERR_HISTORY_COLS];
	struct kerr_table		*t;
	json_t				*h;
	char				 when[KERR_HISTORY_COLS][64];
	size_t				 i, c;

	for (c = 0; c < KERR_HISTORY_COLS; c++)
		hdr[c] = cols[c].header;
	if ((t = kerr_table_new(KERR_HISTORY_COLS, hdr)) == NULL)
		return (kerr_fail("out of memory"));
	json_array_foreach(list, i, h) {
		for (c = 0; c < KERR_HISTORY_COLS; c++) {
			if (cols[c].is_time) {
				kerr_when(k, kerr_int(h, cols[c].key),
				    when[c], sizeof(when[c]));
				cells[c] = when[c];
			} else
				cells[c] = cols[c].key2 != NULL ?
				    kerr_str2(h, cols[c].key, cols[c].key2) :
				    kerr_str(h, cols[c].key);
		}
		if (kerr_table_add(t, cells) < 0)
			break;
	}
	kerr_table_print(t, stdout, k->color);
	kerr_table_free(t);
	return (KERR_EXIT_OK);
}

int
kerr_cmd_history(struct kerr *k, int argc, char **argv)
{
	const char	*id = NULL;
	char		*path;
	int		 tasks = 0, i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tasks") == 0)
			tasks = 1;
		else if (argv[i][0] == '-')
			return (kerr_usage_error(argv[0], "unknown option "
			    "'%s'", argv[i]));
		else if (id != NULL)
			return (kerr_usage_error(argv[0], "takes one "
			    "REQUEST"));
		else
			id = argv[i];
	}
	if (id == NULL)
		return (kerr_usage_error(argv[0], "takes one REQUEST"));
	if ((path = kerr_path(k, tasks ? "/history/request/%s/tasks" :
	    "/history/request/%s/requests", id)) == NULL)
		return (kerr_fail("out of memory"));
	r = kerr_get_show(k, path, kerr_history_show, (void *)(uintptr_t)
	    (tasks ? kerr_history_tasks : kerr_history_requests));
	free(path);
	return (r);
}

/* For bash completion: request or task ids, one a line, quietly. */
int
kerr_cmd_complete(struct kerr *k, int argc, char **argv)
{
	json_t	*ids = NULL, *v;
	size_t	 i;
	int	 r;

	if (argc != 2 || (strcmp(argv[1], "requests") != 0 &&
	    strcmp(argv[1], "tasks") != 0))
		return (KERR_EXIT_USAGE);
	if (freopen("/dev/null", "w", stderr) == NULL)
		return (KERR_EXIT_FAIL);
	if ((r = kerr_call(k, "GET", strcmp(argv[1], "requests") == 0 ?
	    "/requests/ids" : "/tasks/active/ids", NULL, &ids, NULL)) !=
	    KERR_EXIT_OK)
		return (r);
	json_array_foreach(ids, i, v) {
		if (json_is_string(v))
			printf("%s\n", json_string_value(v));
		else if (kerr_str(v, "id") != NULL)
			printf("%s\n", kerr_str(v, "id"));
	}
	json_decref(ids);
	return (KERR_EXIT_OK);
}
