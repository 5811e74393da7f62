/*
 * What a task runs (spec 4.2): its environment, its argv and the user it
 * runs as, computed from the stored request, deploy and pending task.
 * Pure logic: no store, no logging, no process handling.
 */
#ifndef KERR_TASK_ENV_H
#define KERR_TASK_ENV_H

#include <stdint.h>

#include <jansson.h>

#define TASK_ENV_DEFAULT_PATH	"/usr/local/bin:/usr/bin:/bin"

struct task_env_input {
	const json_t	*request;	/* SingularityRequest (stored) */
	const json_t	*deploy;	/* SingularityDeploy (stored) */
	/*
	 * SingularityPendingTask or a SingularityPendingRequest-like object:
	 * may carry cmdLineArgsList, envOverrides, resources, user,
	 * runAsUserOverride.  May be NULL.
	 */
	const json_t	*pending_task;
	const char	*task_id;	/* the task id string */
	const char	*host;		/* agent host name, unsanitised */
	const char	*rack_id;	/* agent rack id, unsanitised */
	int		 instance_no;
	int64_t		 started_at;	/* ms, as in the task id */
	const int	*ports;		/* allocated ports, in order */
	int		 nports;
};

/*
 * The task's environment as a NULL-terminated, malloc'd array of "K=V"
 * strings, one per key, built with the precedence of spec 4.2: built-ins,
 * deploy env, taskEnv[instance], ports, resource overrides, envOverrides,
 * STARTED_BY_USER; PATH gets a default when nothing set it.  0 and
 * *ret_envp (free with task_strv_free()); -EINVAL for a missing input or
 * a key that cannot be an environment variable; -ENOMEM.
 */
int	task_env_build(const struct task_env_input *in, char ***ret_envp);

/*
 * The argv to exec: {"/bin/sh", "-c", command, NULL} in shell mode (the
 * default unless arguments or cmd_line_args are non-empty; an explicit
 * deploy `shell` wins, and an explicit shell:true appends cmd_line_args
 * single-quoted), else {command, arguments..., cmd_line_args..., NULL}
 * with arguments[0] as the program when there is no command.
 * cmd_line_args is a JSON array of strings or NULL.  0 and *ret_argv
 * (free with task_strv_free()); -EINVAL if there is nothing to run or an
 * argument is not a string; -ENOMEM.
 */
int	task_argv_build(const json_t *deploy, const json_t *cmd_line_args,
	    char ***ret_argv);

/* runAsUserOverride, else deploy.user, else executorData.user, else NULL;
 * borrowed from the JSON. */
const char	*task_env_user(const json_t *deploy,
		    const json_t *pending_task);

/* Free a NULL-terminated string vector; NULL is a no-op. */
void	task_strv_free(char **v);

#endif
