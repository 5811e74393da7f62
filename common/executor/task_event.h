/*
 * Task events: what an executor reports about a task (it started, its
 * command runs, it ended) and the acknowledgement of the one writer that
 * commits them.  Many reporters, one writer: supervisors (and, later,
 * remote task wrappers) send events; kerr-schedulerd applies them to the
 * store in group commits and acknowledges each task's events by sequence
 * number once they are committed.
 *
 * An event is one text line, the same on the wire (a datagram to
 * <runtime_dir>/schedulerd.events) and in the task's sandbox, where the
 * supervisor appends it to .kerr/events before sending: the file is what
 * the scheduler replays when it comes back, so nothing is lost while it
 * is down, and the sequence number makes every replay idempotent.
 *
 *   kerr-event 1 seq=2 at=1764000000123 state=TASK_RUNNING pid=41 \
 *     ticks=8812 pgid=42 code=-1 signal=0 oom=0 reason=- \
 *     task=web-d1-1764000000000-1-host-DEFAULT message=free text to EOL
 *
 * A cluster node's wrapper adds where the task runs: host=node7
 * rack=batch ports=31000,31001 (before message=).
 *
 * Pure logic, libc only: the supervisor links it without SQLite, jansson
 * or nng.
 */
#ifndef KERR_TASK_EVENT_H
#define KERR_TASK_EVENT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define TASK_EVENT_VERSION	1
#define TASK_EVENT_ID_MAX	255	/* TASK_ID_MAX */
#define TASK_EVENT_STATE_MAX	24
#define TASK_EVENT_REASON_MAX	48
#define TASK_EVENT_MESSAGE_MAX	512
#define TASK_EVENT_HOST_MAX	256	/* a DNS name */
#define TASK_EVENT_RACK_MAX	64
#define TASK_EVENT_PORTS_MAX	400	/* 64 ports, comma-separated */
/* The longest line task_event_format() writes, newline and NUL included. */
#define TASK_EVENT_LINE_MAX	2048
/* The sandbox file and the scheduler's socket, by name. */
#define TASK_EVENT_FILE		"events"
#define TASK_EVENT_SOCKET	"schedulerd.events"

struct task_event {
	unsigned	seq;		/* 1, 2, ... for one task */
	int64_t		at_ms;		/* when it happened (wall clock) */
	char		state[TASK_EVENT_STATE_MAX];	/* TASK_RUNNING ... */
	pid_t		pid;		/* the supervisor, 0 unknown */
	uint64_t	start_ticks;	/* its /proc start time: pid reuse */
	pid_t		pgid;		/* the command's group, 0 before */
	int		exit_code;	/* -1 when it did not exit */
	int		signal;		/* what ended it, 0 none */
	int		oom;		/* its memory limit was hit */
	char		reason[TASK_EVENT_REASON_MAX];	/* "" none */
	char		task_id[TASK_EVENT_ID_MAX + 1];
	char		message[TASK_EVENT_MESSAGE_MAX];	/* "" none */
	/*
	 * Where the task runs, from a reporter on another machine (a cluster
	 * node's task wrapper); "" from one on the scheduler's own host,
	 * which placed the task itself.  ports: the ones it was given on
	 * that node, "31000,31001".
	 */
	char		host[TASK_EVENT_HOST_MAX];
	char		rack[TASK_EVENT_RACK_MAX];
	char		ports[TASK_EVENT_PORTS_MAX];
};

struct task_event_ack {
	char		task_id[TASK_EVENT_ID_MAX + 1];
	unsigned	seq;		/* every event up to this one */
};

/* An empty event of task_id: exit_code -1, the rest zero. */
void	task_event_init(struct task_event *e, const char *task_id);
/* 1 for a state no task leaves (finished, failed, killed, lost...). */
int	task_event_is_terminal(const char *state);

/*
 * One line, newline-terminated, into buf (TASK_EVENT_LINE_MAX is always
 * enough).  Newlines in the message become spaces.  Its length, or
 * -EINVAL for an event that cannot be written (no task id or state, a
 * space in one of them), -ENOBUFS when len is too small.
 */
int	task_event_format(const struct task_event *e, char *buf, size_t len);
/* Parse one line (a trailing newline is optional); 0 or -EINVAL. */
int	task_event_parse(const char *line, size_t len, struct task_event *ret);

int	task_event_ack_format(const struct task_event_ack *a, char *buf,
	    size_t len);
int	task_event_ack_parse(const char *line, size_t len,
	    struct task_event_ack *ret);

#endif
