/*
 * kerr's main: the options every command takes, the command table with
 * each command's help, and the dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kerr.h"
#include "kerr_opts.h"

struct kerr_command {
	const char	*name;
	int		(*run)(struct kerr *k, int argc, char **argv);
	const char	*usage;
	const char	*help;
};

static const struct kerr_command kerr_commands[] = {
	{ "status", kerr_cmd_status, "status",
	  "The cluster's counts (GET /state): requests, tasks, queues." },
	{ "ls", kerr_cmd_ls,
	  "ls [--paused|--cooldown|--finished|--all] [--type TYPE]",
	  "The active requests (or those of the state given, or all) with\n"
	  "their type, state, instances and active deploy.  --type keeps\n"
	  "one type (SERVICE, WORKER, SCHEDULED, ON_DEMAND, RUN_ONCE)." },
	{ "show", kerr_cmd_show, "show REQUEST",
	  "A request: its settings, deploys and active tasks." },
	{ "create", kerr_cmd_create,
	  "create -f FILE | --id ID --type TYPE [--instances N]\n"
	  "            [--schedule CRON] [--owner EMAIL]",
	  "Create (or update) a request, from a JSON file (- for stdin) or\n"
	  "from the options." },
	{ "deploy", kerr_cmd_deploy,
	  "deploy REQUEST (--command CMD | -f FILE) [--cpus N] [--mem MB]\n"
	  "            [--env K=V]... [--id DEPLOYID] [--wait] [--timeout S]",
	  "Deploy a command (or the SingularityDeploy in FILE) to a request.\n"
	  "--wait shows the deploy's progress and exits 0 when it succeeds,\n"
	  "1 with its message when it fails (or after --timeout, 300 s)." },
	{ "scale", kerr_cmd_scale, "scale REQUEST N",
	  "Run N instances of a request." },
	{ "pause", kerr_cmd_action, "pause REQUEST",
	  "Kill a request's tasks and keep it paused." },
	{ "unpause", kerr_cmd_action, "unpause REQUEST",
	  "Start a paused request's tasks again." },
	{ "bounce", kerr_cmd_action, "bounce REQUEST [--wait] [--timeout S]",
	  "Replace every task of a request.  --wait shows the new tasks\n"
	  "healthy out of its instances and exits 0 once all replaced." },
	{ "delete", kerr_cmd_action, "delete REQUEST",
	  "Kill a request's tasks and remove it (its history stays)." },
	{ "run", kerr_cmd_run,
	  "run REQUEST [--wait] [--timeout S] [-- ARGS...]",
	  "Run an on-demand request now, with ARGS appended to its command.\n"
	  "--wait shows the task's state and exits 0 when it finishes, 1\n"
	  "with its message when it fails." },
	{ "tasks", kerr_cmd_tasks, "tasks [REQUEST]",
	  "The active tasks (of one request)." },
	{ "task", kerr_cmd_task, "task TASK",
	  "A task and its updates." },
	{ "kill", kerr_cmd_kill, "kill TASK",
	  "Kill a task (a request that wants it gets a new one)." },
	{ "logs", kerr_cmd_logs, "logs [-f] [--stderr] TASK",
	  "A task's stdout (or stderr).  -f follows it, as tail -f does,\n"
	  "until the task ends." },
	{ "history", kerr_cmd_history, "history REQUEST",
	  "A request's changes and its past tasks." },
	{ "help", NULL, "help [COMMAND]", "Help on kerr or one command." },
	{ "__complete", kerr_cmd_complete, NULL, NULL },
};
#define KERR_NCOMMANDS	(sizeof(kerr_commands) / sizeof(kerr_commands[0]))

static const struct kerr_command *
kerr_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < KERR_NCOMMANDS; i++)
		if (strcmp(kerr_commands[i].name, name) == 0)
			return (&kerr_commands[i]);
	return (NULL);
}

static void
kerr_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kerr [--url URL] [-o json] COMMAND [ARGS]\n\n"
	    "Commands:\n");
	for (i = 0; i < KERR_NCOMMANDS; i++)
		if (kerr_commands[i].usage != NULL)
			fprintf(f, "  %s\n", kerr_commands[i].usage);
	fprintf(f, "\nThe server is --url, else $KERR_URL, else "
	    "$SINGULARITY_URL,\nelse %s; $KERR_TOKEN is sent as a bearer "
	    "token.\n-o json prints the API's JSON unchanged.  Exit status: "
	    "0 success,\n1 the API or a task failed, 2 usage.  "
	    "kerr help COMMAND for more.\n", KERR_DEFAULT_URL);
}

static int
kerr_help(const char *name)
{
	const struct kerr_command *c;

	if (name == NULL) {
		kerr_usage(stdout);
		return (KERR_EXIT_OK);
	}
	if ((c = kerr_command_find(name)) == NULL || c->usage == NULL) {
		fprintf(stderr, "kerr: no command '%s' (kerr help)\n", name);
		return (KERR_EXIT_USAGE);
	}
	printf("usage: kerr %s\n\n%s\n", c->usage, c->help);
	return (KERR_EXIT_OK);
}

static int
kerr_start(struct kerr *k, const struct kerr_globals *g, char *url,
    size_t urllen)
{
	const char *token = getenv("KERR_TOKEN");
	const char *nc = getenv("NO_COLOR");

	memset(k, 0, sizeof(*k));
	k->url = kerr_opts_url(g->url, url, urllen);
	k->token = token != NULL && token[0] != '\0' ? token : NULL;
	k->json = g->json;
	k->tty = isatty(STDOUT_FILENO);
	k->color = k->tty && (nc == NULL || nc[0] == '\0');
	k->progress = isatty(STDERR_FILENO);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (k->curl = curl_easy_init()) == NULL)
		return (kerr_fail("Failed to start libcurl"));
	return (KERR_EXIT_OK);
}

int
main(int argc, char **argv)
{
	const struct kerr_command	*c;
	struct kerr_globals		 g;
	struct kerr			 k;
	char				 err[128], url[2048];
	int				 r;

	if (kerr_opts_globals(&argc, argv, &g, err, sizeof(err)) < 0) {
		fprintf(stderr, "kerr: %s\n", err);
		return (KERR_EXIT_USAGE);
	}
	if (argc < 2) {
		if (g.help) {
			kerr_usage(stdout);
			return (KERR_EXIT_OK);
		}
		kerr_usage(stderr);
		return (KERR_EXIT_USAGE);
	}
	if ((c = kerr_command_find(argv[1])) == NULL) {
		fprintf(stderr, "kerr: no command '%s' (kerr help)\n",
		    argv[1]);
		return (KERR_EXIT_USAGE);
	}
	if (c->run == NULL)
		return (kerr_help(argc > 2 ? argv[2] : NULL));
	if (g.help)
		return (kerr_help(c->name));
	if ((r = kerr_start(&k, &g, url, sizeof(url))) != KERR_EXIT_OK)
		return (r);
	r = c->run(&k, argc - 1, argv + 1);
	fflush(stdout);
	curl_easy_cleanup(k.curl);
	curl_global_cleanup();
	return (r);
}
