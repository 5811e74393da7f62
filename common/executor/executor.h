/*
 * The executor interface: how a task is started, signalled and looked at.
 * The scheduler and the cleaner only talk to a task through these three
 * verbs, so another engine (a cluster's batch system) can take the place
 * of the embedded local one without touching them.
 *
 * The local executor (executor_local.c) starts one small supervisor
 * process per task (kerr-supervisor), which outlives any daemon, runs the
 * command in its own process group inside the task's sandbox and records
 * TASK_STARTING, TASK_RUNNING and exactly one terminal state in the store.
 */
#ifndef KERR_EXECUTOR_H
#define KERR_EXECUTOR_H

#include <stdint.h>
#include <sys/types.h>

/* Everything needed to start one task, already resolved by the caller. */
struct executor_launch {
	const char	 *task_id;
	const char	 *sandbox_dir;	/* created by the executor */
	char *const	 *argv;		/* argv[0] is run via PATH */
	char *const	 *envp;		/* the complete environment */
	const char	 *user;		/* NULL: the daemon's own user */
	double		  cpus;		/* 0: no limit */
	double		  memory_mb;	/* 0: no limit */
	const char	 *conf_path;	/* handed to the supervisor */
};

/* Where a launched task lives, as recorded in the store. */
struct executor_handle {
	pid_t		pid;		/* the supervisor */
	uint64_t	start_ticks;	/* its /proc start time: pid reuse */
	pid_t		pgid;		/* the task's process group, 0 until
					   the command is started */
};

struct executor_ops {
	const char	*name;
	/* Start the task.  0 with *ret filled, or negative errno. */
	int		(*launch)(const struct executor_launch *launch,
			    struct executor_handle *ret);
	/*
	 * Send sig to the task's process group (to the supervisor itself
	 * while pgid is 0), but only while the handle still names the same
	 * supervisor: pids are reused.  0 sent, -ESRCH the task is gone,
	 * other negative errno on error.
	 */
	int		(*kill)(const struct executor_handle *h, int sig);
	/* 1 while the supervisor is alive, 0 when it is gone. */
	int		(*probe)(const struct executor_handle *h);
};

extern const struct executor_ops executor_local;

/* The executor named in the config ("local"), or NULL. */
const struct executor_ops *executor_find(const char *name);

#endif
