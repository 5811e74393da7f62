/*
 * The one writer of task states.  Executors report task events
 * (task_event.h) on the event channel; here they are read in bursts,
 * applied in one transaction per burst with each event's own timestamp,
 * and acknowledged once committed, so a reporter stops resending only what
 * is durable.  A sequence number per task makes a resent or replayed event
 * harmless.  At start, and when reconciliation finds a reporter gone,
 * the events it left in the task's sandbox are replayed: nothing a
 * reporter saw is lost while this daemon is down.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "db_task.h"
#include "event_channel.h"
#include "log.h"
#include "metrics.h"
#include "sched.h"

/* Events applied per transaction; the rest wait for the next burst. */
#define SCHED_EVENT_BATCH	512

struct sched_event_in {
	struct task_event		 e;
	struct event_channel_peer	 from;
	int				 fd;	/* to acknowledge on */
	const struct event_key		*key;
};

/* A reporter of a task that had already ended: its command must go. */
static void
sched_event_kill_orphan(struct sched *s, const struct task_event *e)
{
	struct executor_handle h = { e->pid, e->start_ticks, e->pgid };

	if (e->pid <= 0 || task_event_is_terminal(e->state))
		return;
	log_notice("task=%s reported %s after it ended: killing it", e->task_id,
	    e->state);
	(void)s->exec->kill(e->task_id, &h, SIGKILL);
}

/* For GET /metrics: exits by state, and reply -> TASK_RUNNING. */
static void
sched_event_count(struct sched *s, const char *task_id, const char *state,
    int64_t at)
{
	int64_t ms;

	if (task_event_is_terminal(state))
		metrics_count_exit(state);
	else if (strcmp(state, "TASK_RUNNING") == 0 &&
	    db_task_launch_latency(s->d->db, task_id, at, &ms) == 0)
		metrics_count_running(ms);
}

/*
 * Apply one event inside the caller's transaction.  A terminal state of
 * a task the cleaner signalled is TASK_KILLED, named after the cleanup
 * (spec 3.12): the reporter saw only a signal.  *ret_changed is set when
 * the store changed.
 */
int
sched_event_apply(struct sched *s, const struct task_event *e,
    int *ret_changed)
{
	struct executor_handle	 h = { e->pid, e->start_ticks, e->pgid };
	const char		*state = e->state, *message, *reason;
	char			 kill_type[64];
	int64_t			 at = e->at_ms > 0 ? e->at_ms : clock_now_ms();
	int			 terminal = task_event_is_terminal(e->state);
	int			 r;

	message = e->message[0] != '\0' ? e->message : NULL;
	reason = e->reason[0] != '\0' ? e->reason : NULL;
	if (terminal && db_task_kill_type(s->d->db, e->task_id, kill_type,
	    sizeof(kill_type)) == 1) {
		state = "TASK_KILLED";
		message = kill_type;
		reason = NULL;
	}
	r = db_task_apply_event(s->d->db, e->task_id, e->seq, state, message,
	    reason, at, terminal ? NULL : &h);
	/* Where a cluster placed it: the task's host, rack and ports. */
	if (r == 0 && !terminal && e->host[0] != '\0')
		r = db_task_set_placement(s->d->db, e->task_id, e->host,
		    e->rack, e->ports);
	if (r == 0) {
		*ret_changed = 1;
		sched_event_count(s, e->task_id, state, at);
		if (terminal)
			log_info("task=%s %s%s%s", e->task_id, state,
			    message != NULL ? ": " : "",
			    message != NULL ? message : "");
		else
			log_debug("task=%s %s", e->task_id, state);
	} else if (r == -ESTALE) {
		sched_event_kill_orphan(s, e);
		r = 0;
	} else if (r == -ENOENT) {
		log_warnx("task=%s: an event for an unknown task, ignoring",
		    e->task_id);
		r = 0;
	}
	return (r > 0 ? 0 : r);
}

/* Read up to max events from fd into in; how many.  A malformed or
 * unauthenticated one is skipped. */
static size_t
sched_event_read_fd(int fd, const struct event_key *key,
    struct sched_event_in *in, size_t max)
{
	size_t	n = 0;
	int	r = 1;

	while (fd >= 0 && n < max && r != 0) {
		r = event_channel_recv(fd, key, &in[n].e, &in[n].from);
		if (r == 1) {
			in[n].fd = fd;
			in[n].key = key;
			n++;
		} else if (r == -EPROTO)
			log_warnx("A malformed task event, ignoring");
		else if (r == -EPERM)
			log_warnx("A task event without a valid signature, "
			    "ignoring");
		else if (r < 0) {
			log_warnx("Failed to read task events: %s",
			    strerror(-r));
			r = 0;
		}
	}
	return (n);
}

/* Up to max events from this host's channel, then the network's. */
static size_t
sched_event_read(struct sched *s, struct sched_event_in *in, size_t max)
{
	size_t n = sched_event_read_fd(s->event_fd, NULL, in, max);

	return (n + sched_event_read_fd(s->net_fd, &s->net_key, in + n,
	    max - n));
}

/* Apply a burst in one transaction; 0 or the error that undid it. */
static int
sched_event_commit(struct sched *s, const struct sched_event_in *in,
    size_t n, int *ret_changed)
{
	size_t	i;
	int	r;

	if ((r = db_begin(s->d->db)) < 0)
		return (r);
	for (i = 0; i < n && r == 0; i++)
		r = sched_event_apply(s, &in[i].e, ret_changed);
	return (db_end(s->d->db, r));
}

static void
sched_event_ack_all(const struct sched_event_in *in, size_t n)
{
	struct task_event_ack	a;
	size_t			i;
	int			r;

	for (i = 0; i < n; i++) {
		(void)snprintf(a.task_id, sizeof(a.task_id), "%s",
		    in[i].e.task_id);
		a.seq = in[i].e.seq;
		if ((r = event_channel_ack(in[i].fd, in[i].key, &in[i].from,
		    &a)) < 0)
			log_debug("task=%s: ack %u not sent: %s", a.task_id,
			    a.seq, strerror(-r));
	}
}

/* Local supervisors are our children: collect the ones that exited.
 * Never with an executor that waits for its own commands (sbatch...). */
void
sched_event_reap(const struct sched *s)
{
	if ((s->exec->flags & EXECUTOR_CHILDREN) == 0)
		return;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

void
sched_event_on_io(void *arg)
{
	struct sched		*s = arg;
	struct sched_event_in	*in = s->event_buf;
	size_t			 n;
	int			 changed = 0, r;

	while ((n = sched_event_read(s, in, SCHED_EVENT_BATCH)) > 0) {
		if ((r = sched_event_commit(s, in, n, &changed)) < 0) {
			/* Unacknowledged: the reporters send them again. */
			log_warnx("Failed to commit %zu task events: %s, "
			    "waiting for them again", n, strerror(-r));
			break;
		}
		sched_event_ack_all(in, n);
		if (n < SCHED_EVENT_BATCH)
			break;
	}
	sched_event_reap(s);
	if (changed)
		sched_loop_pass(s);
}

struct sched_event_replay {
	struct sched	*s;
	int		 changed;
};

static int
sched_event_replay_one(void *arg, const struct task_event *e)
{
	struct sched_event_replay *rp = arg;

	return (sched_event_apply(rp->s, e, &rp->changed));
}

int
sched_event_replay(struct sched *s, const char *task_id)
{
	struct sched_event_replay	rp = { s, 0 };
	char				sandbox[1400];
	unsigned			seq;
	int				active, r;

	if ((r = db_task_event_seq(s->d->db, task_id, &seq, &active)) < 0)
		return (r);
	if (!active)
		return (0);
	(void)snprintf(sandbox, sizeof(sandbox), "%s/%s", s->sandbox_root,
	    task_id);
	r = s->exec->replay(sandbox, task_id, seq, sched_event_replay_one, &rp);
	if (r == -ENOENT)
		r = 0;
	if (r == 0 && rp.changed)
		log_info("task=%s: events replayed from its sandbox", task_id);
	return (r);
}

/* What every reporter recorded while we were away, in one transaction. */
static int
sched_event_replay_all(struct sched *s)
{
	json_t	*tasks, *t;
	size_t	 i;
	int	 r;

	if ((r = db_task_active(s->d->db, NULL, NULL, &tasks)) < 0)
		return (r);
	if ((r = db_begin(s->d->db)) == 0) {
		json_array_foreach(tasks, i, t)
			if ((r = sched_event_replay(s, json_string_value(
			    json_object_get(t, "taskId")))) < 0)
				break;
		r = db_end(s->d->db, r);
	}
	json_decref(tasks);
	return (r);
}

/*
 * The network channel of an executor whose tasks run elsewhere: UDP on
 * slurm_events_listen, every datagram signed with the key of
 * slurm_key_file (refused if others may read it).
 */
static int
sched_event_open_net(struct sched *s)
{
	const struct conf	*c = &s->d->conf;
	int			 fd;

	s->net_fd = -1;
	if ((s->exec->flags & EXECUTOR_REMOTE) == 0)
		return (0);
	if ((fd = event_key_load(c->slurm_key_file, &s->net_key)) < 0) {
		log_err("Failed to load the event key '%s': %s%s",
		    c->slurm_key_file, strerror(-fd), fd == -EPERM ?
		    " (others may read it: chmod o-rwx)" : fd == -EINVAL ?
		    " (at least 16 bytes)" : "");
		return (fd);
	}
	if ((fd = event_channel_listen_udp(c->slurm_events_listen)) < 0) {
		log_err("Failed to listen for task events on '%s': %s",
		    c->slurm_events_listen, strerror(-fd));
		return (fd);
	}
	s->net_fd = fd;
	s->d->io_fd[1] = fd;
	log_info("Listening for task events from cluster nodes on %s",
	    c->slurm_events_listen);
	return (0);
}

int
sched_event_open(struct sched *s)
{
	int fd, r;

	s->net_fd = -1;
	if (snprintf(s->events_path, sizeof(s->events_path), "%s/%s",
	    s->d->conf.runtime_dir, TASK_EVENT_SOCKET) >=
	    (int)sizeof(s->events_path))
		return (-ENAMETOOLONG);
	if ((r = event_channel_dest(s->events_path, NULL,
	    &s->events_dest)) < 0) {
		log_err("Failed to use '%s' for task events: %s",
		    s->events_path, strerror(-r));
		return (r);
	}
	if ((s->event_buf = calloc(SCHED_EVENT_BATCH,
	    sizeof(struct sched_event_in))) == NULL)
		return (-ENOMEM);
	if ((fd = event_channel_listen(s->events_path)) < 0) {
		log_err("Failed to listen for task events on '%s': %s",
		    s->events_path, strerror(-fd));
		return (fd);
	}
	s->event_fd = fd;
	if ((r = sched_event_open_net(s)) < 0)
		return (r);
	/* Listen first: what is reported while we replay waits queued. */
	if ((r = sched_event_replay_all(s)) < 0)
		log_warnx("Failed to replay task events: %s, reconciliation "
		    "will", strerror(-r));
	s->d->io_fd[0] = fd;
	s->d->on_io = sched_event_on_io;
	return (0);
}

void
sched_event_close(struct sched *s)
{
	if (s->event_fd > 0)
		(void)close(s->event_fd);
	if (s->net_fd > 0)
		(void)close(s->net_fd);
	s->event_fd = s->net_fd = -1;
	explicit_bzero(&s->net_key, sizeof(s->net_key));
	free(s->event_buf);
	s->event_buf = NULL;
}
