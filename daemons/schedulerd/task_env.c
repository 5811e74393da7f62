/*
 * What a task runs (spec 4.2), as SingularityMesosTaskBuilder prepares
 * it for the Mesos command executor: the environment (prepareEnvironment
 * and fillInTaskIdValues), the command line (prepareCommand's shell rule)
 * and the user.  The environment is built layer by layer in the order of
 * 4.2, a later layer replacing an earlier value of the same key, so exec
 * sees exactly one entry per key.  Pure logic: the executor forks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "request.h"
#include "task_env.h"

#define TASK_ENV_NSUBST		7
#define TASK_ENV_NUM_MAX	24	/* a 64-bit integer in decimal */
#define TASK_ENV_KEY_MAX	24	/* "PORT" + an int */

/* A growing NULL-terminated vector of malloc'd strings. */
struct task_env {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* A ${...} placeholder of deploy env values and what replaces it. */
struct task_env_subst {
	const char	*from;
	const char	*to;
};

void
task_strv_free(char **v)
{
	char	**p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/* Append s, which the vector now owns (and frees on failure). */
static int
task_env_push(struct task_env *e, char *s)
{
	char	**nv;
	size_t	  cap;

	if (s == NULL)
		return (-ENOMEM);
	if (e->n + 2 > e->cap) {
		cap = e->cap == 0 ? 32 : e->cap * 2;
		if ((nv = reallocarray(e->v, cap, sizeof(*nv))) == NULL) {
			free(s);
			return (-ENOMEM);
		}
		e->v = nv;
		e->cap = cap;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return (0);
}

static char **
task_env_find(struct task_env *e, const char *key)
{
	size_t	 i, len = strlen(key);

	for (i = 0; i < e->n; i++)
		if (strncmp(e->v[i], key, len) == 0 && e->v[i][len] == '=')
			return (&e->v[i]);
	return (NULL);
}

/* One entry per key: a later layer replaces the value in place. */
static int
task_env_set(struct task_env *e, const char *key, const char *value)
{
	char	**old, *kv;

	if (key[0] == '\0' || strchr(key, '=') != NULL || value == NULL)
		return (-EINVAL);
	if (asprintf(&kv, "%s=%s", key, value) < 0)
		return (-ENOMEM);
	if ((old = task_env_find(e, key)) == NULL)
		return (task_env_push(e, kv));
	free(*old);
	*old = kv;
	return (0);
}

static int
task_env_set_num(struct task_env *e, const char *key, long long v)
{
	char	 buf[TASK_ENV_NUM_MAX];

	(void)snprintf(buf, sizeof(buf), "%lld", v);
	return (task_env_set(e, key, buf));
}

/* s with every from replaced by to, malloc'd; NULL on OOM. */
static char *
task_env_replace(const char *s, const char *from, const char *to)
{
	const char	*p, *q;
	size_t		 n = 0, flen = strlen(from), tlen = strlen(to);
	char		*out, *o;

	for (p = s; (q = strstr(p, from)) != NULL; p = q + flen)
		n++;
	if ((out = malloc(strlen(s) + n * tlen + 1)) == NULL)
		return (NULL);
	for (o = out, p = s; (q = strstr(p, from)) != NULL; p = q + flen) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, tlen);
		o += tlen;
	}
	(void)strcpy(o, p);
	return (out);
}

/* fillInTaskIdValues(): one placeholder after the other, as Java does. */
static char *
task_env_fill(const char *value, const struct task_env_subst *subst)
{
	char	*s, *next;
	int	 i;

	if ((s = strdup(value)) == NULL)
		return (NULL);
	for (i = 0; i < TASK_ENV_NSUBST && s != NULL; i++) {
		next = task_env_replace(s, subst[i].from, subst[i].to);
		free(s);
		s = next;
	}
	return (s);
}

/*
 * A {string: string} layer; subst is NULL for envOverrides, which are
 * applied as given.  STARTED_BY_USER is the server's alone to set.
 */
static int
task_env_map(struct task_env *e, const json_t *map,
    const struct task_env_subst *subst)
{
	json_t		*copy;
	json_t		*v;
	const char	*k;
	char		*s;
	int		 r = 0;

	if (map == NULL || json_is_null(map))
		return (0);
	if (!json_is_object(map))
		return (-EINVAL);
	/* a private copy: jansson iterates only non-const objects */
	if ((copy = json_deep_copy(map)) == NULL)
		return (-ENOMEM);
	json_object_foreach(copy, k, v) {
		if (!json_is_string(v)) {
			r = -EINVAL;
			break;
		}
		if (strcmp(k, "STARTED_BY_USER") == 0)
			continue;
		s = subst == NULL ? strdup(json_string_value(v)) :
		    task_env_fill(json_string_value(v), subst);
		r = s == NULL ? -ENOMEM : task_env_set(e, k, s);
		free(s);
		if (r < 0)
			break;
	}
	json_decref(copy);
	return (r);
}

static int
task_env_builtins(struct task_env *e, const struct task_env_input *in,
    const char *request_id, const char *deploy_id)
{
	int	 r;

	if ((r = task_env_set(e, "TASK_REQUEST_ID", request_id)) < 0 ||
	    (r = task_env_set(e, "TASK_DEPLOY_ID", deploy_id)) < 0 ||
	    (r = task_env_set(e, "TASK_ID", in->task_id)) < 0 ||
	    (r = task_env_set(e, "TASK_HOST", in->host)) < 0 ||
	    (r = task_env_set(e, "TASK_RACK_ID", in->rack_id)) < 0 ||
	    (r = task_env_set(e, "AVAILABILITY_ZONE", in->rack_id)) < 0 ||
	    (r = task_env_set_num(e, "INSTANCE_NO", in->instance_no)) < 0 ||
	    (r = task_env_set_num(e, "ESTIMATED_INSTANCE_COUNT",
	    request_instances_of(in->request))) < 0)
		return (r);
	/* the Mesos command executor exports it; scripts still read it */
	return (task_env_set(e, "MESOS_TASK_ID", in->task_id));
}

static int
task_env_ports(struct task_env *e, const struct task_env_input *in)
{
	char	 key[TASK_ENV_KEY_MAX];
	int	 i, r;

	for (i = 0; i < in->nports; i++) {
		if (i == 0 && (r = task_env_set_num(e, "PORT",
		    in->ports[0])) < 0)
			return (r);
		(void)snprintf(key, sizeof(key), "PORT%d", i);
		if ((r = task_env_set_num(e, key, in->ports[i])) < 0)
			return (r);
	}
	return (0);
}

/* A run-now resources override, truncated as Java's (long) cast does. */
static int
task_env_resources(struct task_env *e, const json_t *pending)
{
	const json_t	*res = json_object_get(pending, "resources");
	double		 cpus, mem;
	int		 r;

	cpus = json_number_value(json_object_get(res, "cpus"));
	mem = json_number_value(json_object_get(res, "memoryMb"));
	if (cpus != 0 && cpus > -9e18 && cpus < 9e18 &&
	    (r = task_env_set_num(e, "DEPLOY_CPUS", (long long)cpus)) < 0)
		return (r);
	if (mem != 0 && mem > -9e18 && mem < 9e18 &&
	    (r = task_env_set_num(e, "DEPLOY_MEM", (long long)mem)) < 0)
		return (r);
	return (0);
}

/* STARTED_BY_USER last, then PATH unless some layer set it. */
static int
task_env_finish(struct task_env *e, const json_t *pending)
{
	const char	*user;
	int		 r;

	user = json_string_value(json_object_get(pending, "user"));
	if (user != NULL && (r = task_env_set(e, "STARTED_BY_USER",
	    user)) < 0)
		return (r);
	if (task_env_find(e, "PATH") == NULL)
		return (task_env_set(e, "PATH", TASK_ENV_DEFAULT_PATH));
	return (0);
}

/* The placeholders of fillInTaskIdValues(), in its order. */
static void
task_env_subst_init(struct task_env_subst *s, const struct task_env_input *in,
    const char *request_id, const char *deploy_id, const char *started,
    const char *instance)
{
	s[0] = (struct task_env_subst){ "${TASK_REQUEST_ID}", request_id };
	s[1] = (struct task_env_subst){ "${TASK_DEPLOY_ID}", deploy_id };
	s[2] = (struct task_env_subst){ "${TASK_STARTED_AT}", started };
	s[3] = (struct task_env_subst){ "${TASK_INSTANCE_NO}", instance };
	s[4] = (struct task_env_subst){ "${TASK_HOST}", in->host };
	s[5] = (struct task_env_subst){ "${TASK_RACK_ID}", in->rack_id };
	s[6] = (struct task_env_subst){ "${TASK_ID}", in->task_id };
}

int
task_env_build(const struct task_env_input *in, char ***ret_envp)
{
	struct task_env		 e = { NULL, 0, 0 };
	char			 started[TASK_ENV_NUM_MAX];
	char			 instance[TASK_ENV_NUM_MAX];
	struct task_env_subst	 subst[TASK_ENV_NSUBST];
	const char		*request_id, *deploy_id;
	const json_t		*task_env;
	int			 r;

	request_id = json_string_value(json_object_get(in->request, "id"));
	if (request_id == NULL)
		request_id = json_string_value(json_object_get(in->deploy,
		    "requestId"));
	deploy_id = json_string_value(json_object_get(in->deploy, "id"));
	if (request_id == NULL || deploy_id == NULL || in->task_id == NULL ||
	    in->host == NULL || in->rack_id == NULL || in->instance_no < 1 ||
	    in->nports < 0 || (in->nports > 0 && in->ports == NULL))
		return (-EINVAL);
	(void)snprintf(started, sizeof(started), "%lld",
	    (long long)in->started_at);
	(void)snprintf(instance, sizeof(instance), "%d", in->instance_no);
	task_env_subst_init(subst, in, request_id, deploy_id, started,
	    instance);
	task_env = json_object_get(json_object_get(in->deploy, "taskEnv"),
	    instance);
	if ((r = task_env_builtins(&e, in, request_id, deploy_id)) < 0 ||
	    (r = task_env_map(&e, json_object_get(in->deploy, "env"),
	    subst)) < 0 ||
	    (r = task_env_map(&e, task_env, subst)) < 0 ||
	    (r = task_env_ports(&e, in)) < 0 ||
	    (r = task_env_resources(&e, in->pending_task)) < 0 ||
	    (r = task_env_map(&e, json_object_get(in->pending_task,
	    "envOverrides"), NULL)) < 0 ||
	    (r = task_env_finish(&e, in->pending_task)) < 0) {
		task_strv_free(e.v);
		return (r);
	}
	*ret_envp = e.v;
	return (0);
}

/* Append each argument as ' '-separated, single-quoted shell words. */
static int
task_env_quote_args(FILE *f, const json_t *args)
{
	const json_t	*v;
	const char	*p;
	size_t		 i;

	json_array_foreach(args, i, v) {
		if ((p = json_string_value(v)) == NULL)
			return (-EINVAL);
		(void)fputs(" '", f);
		for (; *p != '\0'; p++)
			if (*p == '\'')
				(void)fputs("'\\''", f);
			else
				(void)fputc(*p, f);
		(void)fputc('\'', f);
	}
	return (0);
}

static int
task_env_argv_shell(const char *command, const json_t *args,
    struct task_env *e)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 len = 0;
	int	 r;

	if (command == NULL)
		return (-EINVAL);
	if ((f = open_memstream(&line, &len)) == NULL)
		return (-ENOMEM);
	(void)fputs(command, f);
	r = task_env_quote_args(f, args);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(line);
		return (r);
	}
	if ((r = task_env_push(e, strdup("/bin/sh"))) < 0 ||
	    (r = task_env_push(e, strdup("-c"))) < 0)
		free(line);
	else
		r = task_env_push(e, line);
	return (r);
}

static int
task_env_argv_strings(struct task_env *e, const json_t *args)
{
	const json_t	*v;
	size_t		 i;
	int		 r;

	json_array_foreach(args, i, v) {
		if (!json_is_string(v))
			return (-EINVAL);
		if ((r = task_env_push(e, strdup(json_string_value(v)))) < 0)
			return (r);
	}
	return (0);
}

/* Mesos shell=false: exec the program (else arguments[0]) itself. */
static int
task_env_argv_exec(const char *command, const json_t *args,
    const json_t *cmd_line_args, struct task_env *e)
{
	int	 r;

	if (command == NULL && json_array_size(args) == 0)
		return (-EINVAL);
	if (command != NULL && (r = task_env_push(e, strdup(command))) < 0)
		return (r);
	if ((r = task_env_argv_strings(e, args)) < 0)
		return (r);
	return (task_env_argv_strings(e, cmd_line_args));
}

static int
task_env_argv_command(const char *command, const json_t *args,
    const json_t *cmd_line_args, int use_shell, struct task_env *e)
{
	if (use_shell)
		return (task_env_argv_shell(command, cmd_line_args, e));
	return (task_env_argv_exec(command, args, cmd_line_args, e));
}

/*
 * A SingularityExecutor deploy: executorData.cmd through the shell, as its
 * runner script does, followed by extraCmdLineArgs and then the run's own
 * arguments, each quoted.
 */
static int
task_env_argv_executor(const json_t *data, const json_t *cmd_line_args,
    struct task_env *e)
{
	const char	*cmd = json_string_value(json_object_get(data, "cmd"));
	const json_t	*extra = json_object_get(data, "extraCmdLineArgs");
	json_t		*args;
	int		 r;

	if ((extra != NULL && !json_is_array(extra)) ||
	    (cmd_line_args != NULL && !json_is_array(cmd_line_args)))
		return (-EINVAL);
	if ((args = json_array()) == NULL)
		return (-ENOMEM);
	if ((extra != NULL && json_array_extend(args, (json_t *)(uintptr_t)
	    extra) != 0) || (cmd_line_args != NULL && json_array_extend(args,
	    (json_t *)(uintptr_t)cmd_line_args) != 0))
		r = -ENOMEM;
	else
		r = task_env_argv_shell(cmd, args, e);
	json_decref(args);
	return (r);
}

int
task_argv_build(const json_t *deploy, const json_t *cmd_line_args,
    char ***ret_argv)
{
	struct task_env	 e = { NULL, 0, 0 };
	const json_t	*args = json_object_get(deploy, "arguments");
	const json_t	*shell = json_object_get(deploy, "shell");
	const char	*command;
	int		 r;

	command = json_string_value(json_object_get(deploy, "command"));
	if ((args != NULL && !json_is_array(args)) ||
	    (cmd_line_args != NULL && !json_is_array(cmd_line_args)))
		return (-EINVAL);
	/* prepareCommand(): an explicit flag wins, else args mean exec */
	if (command == NULL && json_object_get(deploy, "executorData") != NULL)
		r = task_env_argv_executor(json_object_get(deploy,
		    "executorData"), cmd_line_args, &e);
	else if (json_is_boolean(shell))
		r = task_env_argv_command(command, args, cmd_line_args,
		    json_is_true(shell), &e);
	else
		r = task_env_argv_command(command, args, cmd_line_args,
		    json_array_size(args) == 0 &&
		    json_array_size(cmd_line_args) == 0, &e);
	if (r < 0) {
		task_strv_free(e.v);
		return (r);
	}
	*ret_argv = e.v;
	return (0);
}

const char *
task_env_user(const json_t *deploy, const json_t *pending_task)
{
	const char	*user;

	user = json_string_value(json_object_get(pending_task,
	    "runAsUserOverride"));
	if (user == NULL)
		user = json_string_value(json_object_get(deploy, "user"));
	if (user == NULL)
		user = json_string_value(json_object_get(json_object_get(
		    deploy, "executorData"), "user"));
	return (user);
}
