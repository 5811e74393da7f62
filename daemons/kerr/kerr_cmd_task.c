/*
 * The task commands: tasks, task, kill, logs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kerr.h"
#include "kerr_table.h"

/* How often logs -f looks again when nothing new was written. */
#define KERR_LOGS_POLL_NS	300000000L
#define KERR_LOGS_CHUNK		65536

static int
kerr_tasks_show(struct kerr *k, json_t *list, const char *request)
{
	static const char *const hdr[] = { "TASK", "REQUEST", "DEPLOY",
	    "INSTANCE", "HOST", "STARTED" };
	struct kerr_table	*t;
	json_t			*task;
	char			 inst[24], when[64];
	size_t			 i;

	if ((t = kerr_table_new(6, hdr)) == NULL)
		return (kerr_fail("out of memory"));
	json_array_foreach(list, i, task) {
		const json_t	*tid = json_object_get(task, "taskId");
		const char	*cells[6];

		if (request != NULL && (kerr_str(tid, "requestId") == NULL ||
		    strcmp(kerr_str(tid, "requestId"), request) != 0))
			continue;
		(void)snprintf(inst, sizeof(inst), "%jd",
		    (intmax_t)kerr_int(tid, "instanceNo"));
		kerr_when(k, kerr_int(tid, "startedAt"), when, sizeof(when));
		cells[0] = kerr_str(tid, "id");
		cells[1] = kerr_str(tid, "requestId");
		cells[2] = kerr_str(tid, "deployId");
		cells[3] = inst;
		cells[4] = kerr_str(tid, "host");
		cells[5] = when;
		if (kerr_table_add(t, cells) < 0)
			break;
	}
	kerr_table_print(t, stdout, k->color);
	kerr_table_free(t);
	return (KERR_EXIT_OK);
}

/* Under -o json: the API's task objects of one request, unchanged. */
static void
kerr_tasks_json(json_t *list, const char *request)
{
	json_t	*keep = json_array(), *task;
	char	*text;
	size_t	 i;

	json_array_foreach(list, i, task)
		if (keep != NULL && kerr_str2(task, "taskId", "requestId") !=
		    NULL && strcmp(kerr_str2(task, "taskId", "requestId"),
		    request) == 0)
			(void)json_array_append(keep, task);
	if ((text = json_dumps(keep, JSON_COMPACT)) != NULL)
		kerr_print_raw(text);
	free(text);
	json_decref(keep);
}

int
kerr_cmd_tasks(struct kerr *k, int argc, char **argv)
{
	const char	*request = argc == 2 ? argv[1] : NULL;
	json_t		*list = NULL;
	char		*raw = NULL;
	int		 r;

	if (argc > 2 || (request != NULL && request[0] == '-'))
		return (kerr_usage_error(argv[0], "takes at most one "
		    "REQUEST"));
	if ((r = kerr_call(k, "GET", "/tasks/active", NULL, &list, &raw)) !=
	    KERR_EXIT_OK)
		return (r);
	if (k->json && request == NULL)
		kerr_print_raw(raw);
	else if (k->json)
		kerr_tasks_json(list, request);
	else
		r = kerr_tasks_show(k, list, request);
	json_decref(list);
	free(raw);
	return (r);
}

static int
kerr_task_show(struct kerr *k, const json_t *h)
{
	static const char *const hdr[] = { "STATE", "WHEN", "MESSAGE" };
	const json_t		*tid = json_object_get(json_object_get(h,
				    "task"), "taskId");
	const json_t		*ups = json_object_get(h, "taskUpdates");
	struct kerr_table	*t;
	json_t			*u;
	char			 when[64];
	size_t			 i;

	printf("%-10s %s\n", "id", kerr_str(tid, "id"));
	printf("%-10s %s\n", "request", kerr_str(tid, "requestId"));
	printf("%-10s %s\n", "deploy", kerr_str(tid, "deployId"));
	printf("%-10s %s\n", "host", kerr_str(tid, "host"));
	if (json_array_size(ups) > 0)
		printf("%-10s %s\n", "state", kerr_str(json_array_get(ups,
		    json_array_size(ups) - 1), "taskState"));
	if ((t = kerr_table_new(3, hdr)) == NULL)
		return (kerr_fail("out of memory"));
	json_array_foreach(ups, i, u) {
		const char *cells[3];

		kerr_when(k, kerr_int(u, "timestamp"), when, sizeof(when));
		cells[0] = kerr_str(u, "taskState");
		cells[1] = when;
		cells[2] = kerr_str(u, "statusMessage");
		if (kerr_table_add(t, cells) < 0)
			break;
	}
	printf("\n");
	kerr_table_print(t, stdout, k->color);
	kerr_table_free(t);
	return (KERR_EXIT_OK);
}

int
kerr_cmd_task(struct kerr *k, int argc, char **argv)
{
	json_t	*h = NULL;
	char	*path, *raw = NULL;
	int	 r;

	if (argc != 2 || argv[1][0] == '-')
		return (kerr_usage_error(argv[0], "takes one TASK"));
	if ((path = kerr_path(k, "/history/task/%s", argv[1])) == NULL)
		return (kerr_fail("out of memory"));
	r = kerr_call(k, "GET", path, NULL, &h, &raw);
	free(path);
	if (r != KERR_EXIT_OK)
		return (r);
	if (k->json)
		kerr_print_raw(raw);
	else
		r = kerr_task_show(k, h);
	json_decref(h);
	free(raw);
	return (r);
}

int
kerr_cmd_kill(struct kerr *k, int argc, char **argv)
{
	char	*path, *raw = NULL;
	int	 r;

	if (argc != 2 || argv[1][0] == '-')
		return (kerr_usage_error(argv[0], "takes one TASK"));
	if ((path = kerr_path(k, "/tasks/task/%s", argv[1])) == NULL)
		return (kerr_fail("out of memory"));
	r = kerr_call(k, "DELETE", path, NULL, NULL, &raw);
	free(path);
	if (r != KERR_EXIT_OK)
		return (r);
	if (k->json)
		kerr_print_raw(raw[0] != '\0' ? raw : "{}");
	else
		printf("Task %s killing.\n", argv[1]);
	free(raw);
	return (KERR_EXIT_OK);
}

/*
 * Print what the sandbox file holds from *offset on, chunk by chunk.
 * 1 when something was read, 0 at its end, -1 when the read failed
 * (*status holds the HTTP status, 0 for no answer).
 */
static int
kerr_logs_read(struct kerr *k, const char *task, const char *file,
    long long *offset, long *status, char *why, size_t whylen)
{
	struct kerr_resp	 resp;
	json_t			*chunk;
	const char		*data;
	char			*sandbox, *path;
	int			 got = 0, n;

	if ((sandbox = kerr_path(k, "/sandbox/%s/read", task)) == NULL)
		return (-1);
	for (;;) {
		n = asprintf(&path, "%s?path=%s&offset=%lld&length=%d",
		    sandbox, file, *offset, KERR_LOGS_CHUNK);
		if (n < 0) {
			free(sandbox);
			return (-1);
		}
		*status = 0;
		n = kerr_http(k, "GET", path, NULL, &resp);
		free(path);
		if (n < 0) {
			free(sandbox);
			return (-1);
		}
		*status = resp.status;
		if (resp.status != 200) {
			(void)snprintf(why, whylen, "%.*s", (int)strcspn(
			    resp.body, "\r\n"), resp.body);
			kerr_resp_free(&resp);
			free(sandbox);
			return (-1);
		}
		chunk = json_loadb(resp.body, resp.len, 0, NULL);
		kerr_resp_free(&resp);
		data = kerr_str(chunk, "data");
		if (data == NULL || data[0] == '\0') {
			json_decref(chunk);
			free(sandbox);
			return (got);
		}
		fputs(data, stdout);
		fflush(stdout);
		*offset = json_object_get(chunk, "nextOffset") != NULL ?
		    kerr_int(chunk, "nextOffset") : *offset +
		    (long long)strlen(data);
		json_decref(chunk);
		got = 1;
	}
}

int
kerr_cmd_logs(struct kerr *k, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "stderr", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const struct timespec	 pause = { 0, KERR_LOGS_POLL_NS };
	const char		*task, *file = "stdout";
	long long		 offset = 0;
	long			 status = 0;
	char			 state[64], msg[8], why[512];
	int			 ch, follow = 0, ended = 0, r;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (ch == 'f')
			follow = 1;
		else if (ch == 'e')
			file = "stderr";
		else
			return (kerr_usage_error(argv[0], "unknown option "
			    "'%s'", argv[optind - 1]));
	}
	if (optind + 1 != argc)
		return (kerr_usage_error(argv[0], "takes one TASK"));
	task = argv[optind];
	for (;;) {
		r = kerr_logs_read(k, task, file, &offset, &status, why,
		    sizeof(why));
		/* Not there yet (a task still starting) is worth a wait. */
		if (r < 0 && (!follow || status != 404))
			return (status == 0 ? KERR_EXIT_FAIL : kerr_fail("%s",
			    why[0] != '\0' ? why : "cannot read the sandbox"));
		if (!follow || ended)
			return (KERR_EXIT_OK);
		if (r == 1)
			continue;
		/* At the end: once the task has ended, read what is left
		 * one last time and stop. */
		if ((r = kerr_task_last_state(k, task, state, sizeof(state),
		    msg, sizeof(msg))) != KERR_EXIT_OK)
			return (r);
		ended = kerr_task_state_is_terminal(state);
		if (!ended)
			(void)nanosleep(&pause, NULL);
	}
}
