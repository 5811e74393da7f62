/*
 * Shared by the executors whose reporter is kerr-supervisor
 * (executor_sandbox.c): the sandbox and the claim, the supervisor's
 * command line, the replay of the sandbox's events.
 */
#ifndef KERR_EXECUTOR_SANDBOX_H
#define KERR_EXECUTOR_SANDBOX_H

#include <stddef.h>

#include "executor.h"

/*
 * The sandbox (owned by the task user), its root-only .kerr directory and
 * the claim on the launch (an flock on .kerr/lock): the claim's
 * descriptor, -EALREADY when another holds it, or negative errno.
 */
int	executor_sandbox_make(const struct executor_launch *l);
/* executor.h's replay(), from <sandbox_dir>/.kerr/events. */
int	executor_sandbox_replay(const char *sandbox_dir, const char *task_id,
	    unsigned after, int (*fn)(void *, const struct task_event *),
	    void *arg);

/* $KERR_SUPERVISOR, else kerr-supervisor beside our own binary. */
int	executor_supervisor_path(char *buf, size_t len);
/* $KERR_FETCH, else kerr-fetch beside our own binary. */
int	executor_fetch_path(char *buf, size_t len);
/* l->artifacts into <sandbox>/.kerr/artifacts.json (none: nothing). */
int	executor_sandbox_artifacts(const struct executor_launch *l);

/* A NULL-terminated vector of owned strings, with room made by the
 * caller: append a copy of s; an option and its value (nothing when the
 * value is NULL); free it all. */
int	executor_argv_add(char **argv, size_t *n, const char *s);
int	executor_argv_opt(char **argv, size_t *n, const char *opt,
	    const char *value);
void	executor_argv_free(char **argv);
/* Where the task's output goes: -l MAX_BYTES -K KEEP, and with a journal
 * -o OUTPUT -j SOCKET -R REQUEST_ID (2 * 5 argv slots at most). */
int	executor_output_argv(const struct executor_launch *l, char **argv,
	    size_t *n);
/* "%.15g" of v into buf, or NULL when v <= 0 (no limit). */
const char *executor_number(char *buf, size_t len, double v);

#endif
