/*
 * kerr-supervisor: one process per task, started by the local executor
 * (common/executor/executor_local.c).  It runs the task's command in its own
 * process group, records TASK_STARTING, TASK_RUNNING and one terminal
 * state in the store, and rings the bus after each.
 *
 * supervisor.c		main: arguments, log, detach, the steps in order
 * supervisor_child.c	the command: user, cgroup, fork, exec, wait
 * supervisor_exit.c	recording updates, the terminal state, exit.json
 */
#ifndef KERR_SUPERVISOR_H
#define KERR_SUPERVISOR_H

#include <sys/types.h>

#include "bus.h"
#include "cgroup.h"
#include "conf.h"
#include "db.h"
#include "executor.h"
#include "executor_local.h"

/* Mesos TaskStatus.Reason names we report. */
#define SUPERVISOR_REASON_FAILED	"REASON_COMMAND_EXECUTOR_FAILED"
#define SUPERVISOR_REASON_MEMORY	"REASON_CONTAINER_LIMITATION_MEMORY"
#define SUPERVISOR_REASON_LAUNCH	"REASON_CONTAINER_LAUNCH_FAILED"
#define SUPERVISOR_REASON_KILLED_EARLY	"REASON_TASK_KILLED_DURING_LAUNCH"

#define SUPERVISOR_MESSAGE_MAX		512

struct supervisor {
	const char			*conf_path;
	const char			*task_id;
	const char			*sandbox;
	struct conf			 conf;
	int				 dirfd;		/* <sandbox>/.kerr */
	struct db			*db;
	struct bus			*bus;		/* NULL: no doorbell */
	int				 report_fd;	/* -1: none */
	struct executor_local_spec	 spec;
	char				**envp;		/* the task's + ours */
	char				*sandbox_env;	/* MESOS_SANDBOX=... */
	struct executor_handle		 handle;
	const char			*state;		/* last recorded */
	struct cgroup_env		 cg;
	int				 cg_made;
	/* The task user, resolved before the fork. */
	int				 has_user;
	uid_t				 uid;
	gid_t				 gid;
	gid_t				*groups;
	int				 ngroups;
	pid_t				 child;		/* the command, or 0 */
};

/* How the task ended, as exit.json and the store record it. */
struct supervisor_outcome {
	const char	*state;
	const char	*reason;	/* may be NULL */
	char		 message[SUPERVISOR_MESSAGE_MAX];	/* "" none */
	int		 exit_code;	/* -1 when it did not exit */
	int		 signal;	/* 0 when no signal ended it */
};

/* supervisor.c: set by SIGTERM/SIGINT before the command exists. */
int	supervisor_stop_requested(void);
/* Close every descriptor from `from` up, or mark it close-on-exec: only
 * system calls, so a child may call it between fork and exec. */
void	supervisor_close_fds(unsigned int from, int cloexec);
/* Forward SIGTERM/SIGINT to this group from now on, or ignore them. */
void	supervisor_forward_signals(pid_t pgid);
void	supervisor_ignore_signals(void);

/* supervisor_child.c */
int	supervisor_child_setup(struct supervisor *sv);
int	supervisor_child_start(struct supervisor *sv);
int	supervisor_child_wait(struct supervisor *sv, int *ret_status);

/* supervisor_exit.c */
int	supervisor_exit_set_handle(struct supervisor *sv);
int	supervisor_exit_record_handle(struct supervisor *sv,
	    const char *state, const char *message, const char *reason,
	    int with_handle);
int	supervisor_exit_record(struct supervisor *sv, const char *state,
	    const char *message, const char *reason);
int	supervisor_exit_kill_requested(struct supervisor *sv);
void	supervisor_exit_outcome(struct supervisor *sv, int status,
	    struct supervisor_outcome *ret);
int	supervisor_exit_finish(struct supervisor *sv,
	    const struct supervisor_outcome *o);
/* End a task that never ran: TASK_FAILED (or TASK_KILLED) with a
 * message, then stop.  Always returns -1 for the caller to pass on. */
int	supervisor_exit_early(struct supervisor *sv, const char *state,
	    const char *reason, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
