/*
 * kerr-supervisor: one process per task, the direct child of the
 * scheduler that launched it (common/executor/executor_local.c).  It runs
 * the task's command in a process group of its own inside the sandbox and
 * reports what happens as task events (task_event.h): TASK_STARTING as
 * soon as it runs, TASK_RUNNING once the command is executed, then
 * exactly one terminal event.  Each event is appended to
 * <sandbox>/.kerr/events, then sent on the scheduler's event channel and
 * sent again until the scheduler, the one writer of task states,
 * acknowledges it.  It reads no store and no config file: libc only.
 *
 * supervisor.c		main: arguments, log, signals, the loop
 * supervisor_child.c	the command: limits, fork, exec, exit, sweep
 * supervisor_user.c	the task user, from /etc/passwd and /etc/group
 * supervisor_exit.c	how the task ended, as its terminal event
 * supervisor_report.c	recording events and delivering them
 * supervisor_node.c	as a cluster engine's task wrapper: where it runs
 * supervisor_fetch.c	the task's artifacts, by kerr-fetch, before the exec
 * supervisor_output.c	the task's stdout and stderr: files, rotation, journal
 */
#ifndef KERR_SUPERVISOR_H
#define KERR_SUPERVISOR_H

#include <sys/types.h>

#include <poll.h>
#include <stdint.h>

#include "cgroup.h"
#include "event_channel.h"
#include "task_event.h"

/* Mesos TaskStatus.Reason names we report. */
#define SUPERVISOR_REASON_FAILED	"REASON_COMMAND_EXECUTOR_FAILED"
#define SUPERVISOR_REASON_MEMORY	"REASON_CONTAINER_LIMITATION_MEMORY"
#define SUPERVISOR_REASON_LAUNCH	"REASON_CONTAINER_LAUNCH_FAILED"
#define SUPERVISOR_REASON_KILLED_EARLY	"REASON_TASK_KILLED_DURING_LAUNCH"

/* -p N:MIN-MAX on a cluster node: N ports picked there. */
#define SUPERVISOR_PORTS_MAX		64
struct supervisor_ports {
	int	count;
	int	min;
	int	max;
};

/* TASK_STARTING, TASK_RUNNING and the end: all a task ever reports. */
#define SUPERVISOR_REPORT_EVENTS	3

/* The events of the task, from recorded to acknowledged. */
struct supervisor_report {
	int			 fd;		/* the channel, -1 none yet */
	struct event_channel_dest dest;		/* the scheduler */
	struct event_key	 key;		/* -k: the network's */
	int			 file;		/* .kerr/events, -1 none */
	pid_t			 pid;		/* ourselves, in every event */
	uint64_t		 start_ticks;
	pid_t			 pgid;		/* the command's, once it ran */
	struct task_event	 events[SUPERVISOR_REPORT_EVENTS];
	unsigned		 recorded;	/* seq of the last one */
	unsigned		 sent;		/* sent in order in this round */
	unsigned		 acked;		/* committed by the scheduler */
	int64_t			 resend_at;	/* monotonic ms, 0: none due */
	int			 pause_ms;	/* before the next resend */
};

/* Where the task's output goes (-o): bits. */
#define SUPERVISOR_OUTPUT_SANDBOX	0x1
#define SUPERVISOR_OUTPUT_JOURNAL	0x2
#define SUPERVISOR_STREAMS		2	/* stdout, stderr */
/* Longest journal line; a longer one is sent in parts (journald's own
 * stream limit is 48 KiB). */
#define SUPERVISOR_LINE_MAX		16384

struct supervisor_stream {
	const char		 *name;		/* the file: stdout, stderr */
	int			  priority;	/* of its journal lines */
	int			  pipe[2];	/* [0] ours, [1] the task's */
	int			  grown;	/* made big once it filled */
	int			  file;		/* the live file, -1 none */
	long long		  size;		/* of it, as we wrote it */
	unsigned long long	  dropped;	/* bytes lost, not yet said */
	int			  drop_errno;	/* why */
	char			 *line;		/* journal: the line so far */
	size_t			  line_len;
};

struct supervisor_output {
	int			  to;		/* SUPERVISOR_OUTPUT_* */
	long long		  max_bytes;	/* -l; 0: never rotated */
	int			  keep;		/* -K: rotated files kept */
	const char		 *journal_path;	/* -j */
	const char		 *request_id;	/* -R */
	int			  sandbox_fd;
	uid_t			  uid;		/* the sandbox's owner: */
	gid_t			  gid;		/* the task user */
	int			  journal_fd;
	int			  journal_errno; /* last send's, 0 when sent */
	int			  null_fd;	/* where lost bytes go */
	char			  stderr_tail[256]; /* its last journal line */
	struct supervisor_stream  streams[SUPERVISOR_STREAMS];
};

struct supervisor {
	/* The command line (executor_local.h). */
	const char		 *task_id;
	const char		 *sandbox;
	const char		 *events;	/* the scheduler's socket, or
						   udp:ADDR:PORT with -k */
	const char		 *key_file;	/* -k */
	const char		 *fetcher;	/* -X: kerr-fetch, artifacts */
	const char		 *fetching;	/* -F: their names, for STARTING */
	const char		 *rack;		/* -N: on a cluster node */
						/* -H: its name there (host) */
	struct supervisor_ports	  ports;	/* -p, with -N */
	const char		 *user;		/* NULL: our own */
	double			  cpus;		/* 0: no limit */
	double			  memory_mb;	/* 0: no limit */
	char			**argv;		/* the command */

	int			  dirfd;	/* <sandbox>/.kerr, or -1 */
	int			  sigfd;	/* SIGCHLD, SIGTERM, SIGINT */
	struct cgroup_env	  cg;
	int			  cg_made;
	pid_t			  child;	/* the command, until reaped */
	int			  exec_fd;	/* its exec pipe, until EOF */
	int			  stop;		/* asked to stop before it ran */
	int			  ended;	/* the terminal event exists */
	int			  exit_status;	/* the command's, as a shell's:
						   code, or 128 + signal */
	/* With -N: where the task runs, in every event. */
	char			  host[TASK_EVENT_HOST_MAX];
	char			  placed_ports[TASK_EVENT_PORTS_MAX];
	struct supervisor_report  report;
	struct supervisor_output  output;
};

/* supervisor.c */
/* Read the pending signals: reap on SIGCHLD, note or forward stops. */
void	supervisor_signals(struct supervisor *sv);
/* Close every descriptor from `from` up, or mark it close-on-exec: only
 * system calls, so a child may call it between fork and exec. */
void	supervisor_close_fds(unsigned int from, int cloexec);

/* supervisor_child.c */
/* Make the task's cgroup and limits; -1 when that ended the task. */
int	supervisor_child_limits(struct supervisor *sv);
/* Fork the command; -1 when that ended the task. */
int	supervisor_child_start(struct supervisor *sv);
/* The exec pipe is readable: TASK_RUNNING, or the child's failure. */
void	supervisor_child_exec_done(struct supervisor *sv);
/* Reap every child that ended; the command's exit ends the task. */
void	supervisor_child_reap(struct supervisor *sv);

/* supervisor_exit.c */
/* The terminal event of a command that ended with wait status. */
void	supervisor_exit_outcome(struct supervisor *sv, int status,
	    struct task_event *ret);
/* End a task that never ran with a terminal event; always -1. */
int	supervisor_exit_early(struct supervisor *sv, const char *state,
	    const char *reason, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* supervisor_node.c: on a cluster node (-N). */
int	supervisor_node_parse_ports(const char *s,
	    struct supervisor_ports *ret);
/* This node's name and ports, in the environment; -1 when that ended
 * the task. */
int	supervisor_node_setup(struct supervisor *sv);
/* host=, rack= and ports= of the event. */
void	supervisor_node_place(const struct supervisor *sv,
	    struct task_event *e);

/* supervisor_fetch.c: the artifacts, in the child before the exec. */
/* The list for kerr-fetch (opened as root) and kerr-fetch in *program,
 * or -1 when none or on error (errno set). */
int	supervisor_fetch_open(const struct supervisor *sv, int *program);
/* Run kerr-fetch on list; 0, or -1 with the one-line cause in why. */
int	supervisor_fetch_run(const struct supervisor *sv, int list, int program,
	    char *why, size_t len);

/* supervisor_output.c */
/* -o: SUPERVISOR_OUTPUT_* bits of sandbox, journal or both; -1. */
int	supervisor_output_parse(const char *s);
void	supervisor_output_init(struct supervisor_output *o);
/* The files and the pipes, before the fork; -errno when the task cannot
 * run (a file that cannot be created now is retried later). */
int	supervisor_output_open(struct supervisor *sv);
/* In the child: the pipes as its stdout and stderr; -1 errno. */
int	supervisor_output_child(const struct supervisor *sv);
/* In the parent after the fork: the task's ends closed. */
void	supervisor_output_started(struct supervisor *sv);
/* SUPERVISOR_STREAMS poll entries (fd -1 once a pipe is closed). */
void	supervisor_output_poll(const struct supervisor *sv,
	    struct pollfd *pfd);
/* Move what the pipes polled readable hold, a bounded share each. */
void	supervisor_output_pump(struct supervisor *sv,
	    const struct pollfd *pfd);
/* Everything the pipes hold now, without waiting for more. */
void	supervisor_output_drain(struct supervisor *sv);
void	supervisor_output_close(struct supervisor *sv);

/* supervisor_report.c */
/* The events file and the channel; -errno when the channel cannot be
 * named (a bad key or address): events are then only recorded. */
int	supervisor_report_open(struct supervisor *sv);
/* Number, journal and send e (seq, pid, ticks, pgid, at and, on a
 * cluster node, the placement filled in). */
void	supervisor_report_record(struct supervisor *sv, struct task_event *e);
/* Milliseconds until the next resend is due, -1 when none is. */
int	supervisor_report_timeout(const struct supervisor_report *rp);
/* Resend what is unacknowledged when it is time. */
void	supervisor_report_resend(struct supervisor *sv);
/* Take the acknowledgements waiting on the channel. */
void	supervisor_report_acks(struct supervisor *sv);
/* 1 once the scheduler has the command's process group. */
int	supervisor_report_pgid_known(const struct supervisor_report *rp);
/* 1 once the terminal event is acknowledged. */
int	supervisor_report_done(const struct supervisor_report *rp);
void	supervisor_report_close(struct supervisor_report *rp);

#endif
