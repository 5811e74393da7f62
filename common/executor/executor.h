/*
 * The executor interface: how tasks are started, signalled, looked at and
 * heard from.  The scheduler and the cleaner only talk to a task through
 * these verbs, so another engine (a cluster's batch system) can take the
 * place of the embedded local one without touching them.
 *
 * Whatever runs a task reports what happens to it as task events
 * (task_event.h): TASK_STARTING with where it lives, TASK_RUNNING with
 * the command's process group and the moment of its exec, then exactly
 * one terminal state with the exit status, signal or reason.  Events go
 * to the scheduler's event channel (event_channel.h), the one writer of
 * task states, which acknowledges them once committed; each reporter
 * first appends them to the task's sandbox (.kerr/events), from which the
 * scheduler replays what it missed.
 *
 * The local executor (executor_local.c) starts one small supervisor
 * process per task (kerr-supervisor), which outlives any daemon and runs
 * the command in its own process group inside the task's sandbox.  The
 * Slurm executor (executor_slurm.c) submits each task as a Slurm job
 * whose batch script is the same supervisor, in its cluster-node mode,
 * on a node Slurm picks; its events come over the network channel.
 */
#ifndef KERR_EXECUTOR_H
#define KERR_EXECUTOR_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "task_event.h"

/* Everything needed to start one task, already resolved by the caller. */
struct executor_launch {
	const char	 *task_id;
	const char	 *sandbox_dir;	/* created by the executor */
	char *const	 *argv;		/* argv[0] is run via PATH */
	char *const	 *envp;		/* the complete environment */
	const char	 *user;		/* NULL: the daemon's own user */
	double		  cpus;		/* 0: no limit */
	double		  memory_mb;	/* 0: no limit */
	const char	 *events;	/* the scheduler's event channel */
	int		  log_level;	/* the reporter's own log */
	/* For an executor whose tasks run elsewhere (EXECUTOR_REMOTE). */
	int		  nports;	/* ports to pick where it runs */
	const char	 *rack;		/* the rack asked for, or NULL */
	int64_t		  time_limit_ms; /* 0: none */
	const char	 *exclude;	/* nodes to avoid, "a,b", or NULL */
	/* Artifacts to fetch into the sandbox first: kerr-fetch's list
	 * (JSON) and their names, "a.tar.gz, run.sh"; NULL: none. */
	const char	 *artifacts;
	const char	 *artifact_names;
	/* The task's stdout and stderr (the supervisor's -l -K -o -j). */
	long long	  log_max_bytes;	/* per file; 0: never rotated */
	int		  log_keep;	/* rotated files kept */
	const char	 *output;	/* sandbox, journal, both; NULL sandbox */
	const char	 *journal_socket; /* NULL: journald's own */
	/* Where a failed launch may say why in words (NULL: nowhere). */
	char		 *error;
	size_t		  error_len;
};

/* A machine of the cluster, for the agents the API shows. */
struct executor_node {
	char	name[TASK_EVENT_HOST_MAX];
	char	rack[TASK_EVENT_RACK_MAX];
	char	state[24];	/* MachineState: ACTIVE, DEAD, ... */
};

/* Where a launched task lives, as its events told the store. */
struct executor_handle {
	pid_t		pid;		/* the supervisor */
	uint64_t	start_ticks;	/* its /proc start time: pid reuse */
	pid_t		pgid;		/* the task's process group, 0 until
					   the command is started */
};

/* Tasks run on other machines: the reporter picks the ports and says
 * where the task is; health checks go there. */
#define EXECUTOR_REMOTE		0x1
/* Reporters are children of the launching process, to be reaped. */
#define EXECUTOR_CHILDREN	0x2

struct executor_ops {
	const char	*name;
	unsigned	 flags;		/* EXECUTOR_* */
	/* Read what it needs from the config, once per process (NULL: none).
	 * 0 or negative errno. */
	int		(*open)(const struct conf *c);
	void		(*close)(void);
	/*
	 * Start n tasks; ret[i] is 0 when task i was handed over (its events
	 * follow on the channel) or the negative errno why it was not.
	 */
	void		(*launch)(const struct executor_launch *l, size_t n,
			    int *ret);
	/*
	 * Send sig (SIGTERM or SIGKILL) to the task's process group (to the
	 * supervisor itself while pgid is 0), but only while the handle
	 * still names the same supervisor: pids are reused.  0 sent, -ESRCH
	 * the task is gone, other negative errno on error.
	 */
	int		(*kill)(const char *task_id,
			    const struct executor_handle *h, int sig);
	/*
	 * Take a fresh look at every task before a round of probes (NULL:
	 * probes look for themselves).  0 or negative errno, when probes
	 * must not be trusted this round.
	 */
	int		(*sync)(void);
	/* 1 while the task's reporter is alive (or, on a cluster, its job
	 * is queued or running), 0 when it is gone. */
	int		(*probe)(const char *task_id,
			    const struct executor_handle *h);
	/*
	 * How a task whose reporter is gone ended, as far as the engine
	 * knows (a cluster's record of the job's exit): 1 and a terminal
	 * state, exit code, signal and message in ret, 0 unknown (NULL: never
	 * known), or negative errno.
	 */
	int		(*outcome)(const char *sandbox_dir,
			    const char *task_id, struct task_event *ret);
	/*
	 * The cluster's machines with their Singularity states (NULL: only
	 * this host).  0 and a malloc'd array, or negative errno.
	 */
	int		(*nodes)(struct executor_node **ret, size_t *ret_n);
	/*
	 * The events task_id's reporter recorded after seq `after`, oldest
	 * first, each handed to fn (which returns 0 to go on; anything else
	 * stops the replay and is returned).  0, or the negative errno of
	 * reading them (-ENOENT: none were recorded).
	 */
	int		(*replay)(const char *sandbox_dir, const char *task_id,
			    unsigned after, int (*fn)(void *arg,
			    const struct task_event *e), void *arg);
};

extern const struct executor_ops executor_local;
extern const struct executor_ops executor_slurm;

/* The executor named in the config ("local", "slurm"), or NULL. */
const struct executor_ops *executor_find(const char *name);

#endif
