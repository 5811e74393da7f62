/*
 * Recording the task's events and delivering them to the scheduler.
 *
 * Each event is first appended to <sandbox>/.kerr/events, one
 * task_event_format() line: what the scheduler replays when it missed
 * the datagram.  Only the terminal event is synced: a crash of this
 * process keeps the page cache, and a crash of the host ends the task
 * anyway, but how it ended must survive.  Then the event is sent on the
 * channel.  Every event stays here until the scheduler acknowledges it
 * ("committed up to seq N"); the unacknowledged ones are sent again, in
 * order, after a pause of 200 ms doubling to 5 s.  A scheduler that is
 * not there (-ENOENT, -ECONNREFUSED) or cannot keep up (-EAGAIN after the
 * send timeout) only means "not delivered yet": the task runs on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "event_channel.h"
#include "executor_local.h"
#include "log.h"
#include "supervisor.h"

#define SUPERVISOR_REPORT_PAUSE_MS	200
#define SUPERVISOR_REPORT_PAUSE_MAX_MS	5000
/* The longest a full scheduler queue holds us up per datagram. */
#define SUPERVISOR_REPORT_SEND_MS	1000

/* Where events go: -e, signed with the key of -k on the network. */
static int
supervisor_report_dest(struct supervisor *sv)
{
	struct supervisor_report	*rp = &sv->report;
	int				 r;

	if (sv->key_file != NULL &&
	    (r = event_key_load(sv->key_file, &rp->key)) < 0) {
		log_warnx("Failed to load the event key '%s': %s",
		    sv->key_file, strerror(-r));
		return (r);
	}
	if ((r = event_channel_dest(sv->events, sv->key_file != NULL ?
	    &rp->key : NULL, &rp->dest)) < 0)
		log_warnx("Invalid event channel '%s': %s", sv->events,
		    strerror(-r));
	return (r);
}

int
supervisor_report_open(struct supervisor *sv)
{
	struct supervisor_report	*rp = &sv->report;
	int				 r;

	rp->pause_ms = SUPERVISOR_REPORT_PAUSE_MS;
	if (sv->dirfd >= 0) {
		rp->file = openat(sv->dirfd, TASK_EVENT_FILE, O_WRONLY |
		    O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (rp->file < 0)
			log_warn("Failed to open '%s/%s/%s', sending events "
			    "unrecorded", sv->sandbox, EXECUTOR_LOCAL_DIR,
			    TASK_EVENT_FILE);
	}
	if ((r = supervisor_report_dest(sv)) < 0) {
		rp->dest.family = -1;	/* recorded, never sent */
		return (r);
	}
	/* Retried before each round of sends when it fails. */
	if ((r = event_channel_connect(&rp->dest,
	    SUPERVISOR_REPORT_SEND_MS)) < 0)
		log_warnx("Failed to open the event channel: %s, retrying",
		    strerror(-r));
	else
		rp->fd = r;
	return (0);
}

void
supervisor_report_close(struct supervisor_report *rp)
{
	if (rp->fd >= 0)
		(void)close(rp->fd);
	if (rp->file >= 0)
		(void)close(rp->file);
	rp->fd = rp->file = -1;
	explicit_bzero(&rp->key, sizeof(rp->key));
}

/* Append the event's line; the terminal one also reaches the disk. */
static void
supervisor_report_journal(struct supervisor *sv, const struct task_event *e)
{
	struct supervisor_report	*rp = &sv->report;
	char				 line[TASK_EVENT_LINE_MAX];
	ssize_t				 n;
	int				 len;

	if (rp->file < 0)
		return;
	if ((len = task_event_format(e, line, sizeof(line))) < 0) {
		log_err("Failed to format event %u of task %s: %s", e->seq,
		    sv->task_id, strerror(-len));
		return;
	}
	/* O_APPEND: one write is one whole line, never interleaved. */
	while ((n = write(rp->file, line, (size_t)len)) < 0 && errno == EINTR)
		;
	if (n != len)
		log_warn("Failed to append event %u to '%s/%s/%s'", e->seq,
		    sv->sandbox, EXECUTOR_LOCAL_DIR, TASK_EVENT_FILE);
	else if (task_event_is_terminal(e->state) && fdatasync(rp->file) != 0)
		log_warn("Failed to sync '%s/%s/%s'", sv->sandbox,
		    EXECUTOR_LOCAL_DIR, TASK_EVENT_FILE);
}

/* Send event seq; 0, or -errno when it was not delivered. */
static int
supervisor_report_send(struct supervisor *sv, unsigned seq)
{
	struct supervisor_report	*rp = &sv->report;
	int				 r;

	if (rp->dest.family < 0)
		return (-EDESTADDRREQ);
	if (rp->fd < 0) {
		if ((r = event_channel_connect(&rp->dest,
		    SUPERVISOR_REPORT_SEND_MS)) < 0)
			return (r);
		rp->fd = r;
	}
	if ((r = event_channel_send(rp->fd, &rp->dest,
	    &rp->events[seq - 1])) < 0) {
		log_debug("task=%s event seq=%u not delivered: %s",
		    sv->task_id, seq, strerror(-r));
		return (r);
	}
	rp->sent = seq;
	return (0);
}

/* A round: every unacknowledged event in order, up to the first miss. */
static void
supervisor_report_round(struct supervisor *sv)
{
	struct supervisor_report	*rp = &sv->report;
	unsigned			 seq;

	rp->sent = rp->acked;
	for (seq = rp->acked + 1; seq <= rp->recorded; seq++)
		if (supervisor_report_send(sv, seq) < 0)
			break;
}

void
supervisor_report_record(struct supervisor *sv, struct task_event *e)
{
	struct supervisor_report *rp = &sv->report;

	if (rp->recorded >= SUPERVISOR_REPORT_EVENTS || sv->ended) {
		log_err("task=%s event %s after the end, dropped", sv->task_id,
		    e->state);
		return;
	}
	e->seq = rp->recorded + 1;
	e->pid = rp->pid;
	e->start_ticks = rp->start_ticks;
	e->pgid = rp->pgid;
	if (e->at_ms == 0)
		e->at_ms = clock_now_ms();
	supervisor_node_place(sv, e);
	rp->events[rp->recorded++] = *e;
	if (task_event_is_terminal(e->state))
		sv->ended = 1;
	log_info("task=%s event seq=%u state=%s%s%s", sv->task_id, e->seq,
	    e->state, e->message[0] != '\0' ? " message=" : "", e->message);
	supervisor_report_journal(sv, e);
	/* Behind an undelivered one it waits: events arrive in order. */
	if (rp->sent == e->seq - 1)
		(void)supervisor_report_send(sv, e->seq);
	if (rp->resend_at == 0)
		rp->resend_at = clock_mono_ms() + rp->pause_ms;
}

int
supervisor_report_timeout(const struct supervisor_report *rp)
{
	int64_t left;

	if (rp->resend_at == 0)
		return (-1);
	left = rp->resend_at - clock_mono_ms();
	return (left < 0 ? 0 : (int)left);
}

void
supervisor_report_resend(struct supervisor *sv)
{
	struct supervisor_report *rp = &sv->report;

	if (rp->resend_at == 0 || clock_mono_ms() < rp->resend_at)
		return;
	log_debug("task=%s resending events %u to %u", sv->task_id,
	    rp->acked + 1, rp->recorded);
	supervisor_report_round(sv);
	rp->pause_ms *= 2;
	if (rp->pause_ms > SUPERVISOR_REPORT_PAUSE_MAX_MS)
		rp->pause_ms = SUPERVISOR_REPORT_PAUSE_MAX_MS;
	rp->resend_at = clock_mono_ms() + rp->pause_ms;
}

/* The scheduler committed up to seq: forget those, rearm the rest. */
static void
supervisor_report_acked(struct supervisor *sv, unsigned seq)
{
	struct supervisor_report *rp = &sv->report;

	/* Only what we sent can be committed; anything else is stale. */
	if (seq > rp->recorded)
		seq = rp->recorded;
	if (seq <= rp->acked)
		return;
	log_debug("task=%s events up to seq=%u acknowledged", sv->task_id,
	    seq);
	rp->acked = seq;
	if (rp->sent < seq)
		rp->sent = seq;
	rp->pause_ms = SUPERVISOR_REPORT_PAUSE_MS;
	rp->resend_at = rp->acked < rp->recorded ?
	    clock_mono_ms() + rp->pause_ms : 0;
}

void
supervisor_report_acks(struct supervisor *sv)
{
	struct supervisor_report	*rp = &sv->report;
	struct task_event_ack		 ack;
	int				 r;

	if (rp->fd < 0)
		return;
	while ((r = event_channel_recv_ack(rp->fd, &rp->dest, &ack)) == 1)
		if (strcmp(ack.task_id, sv->task_id) == 0)
			supervisor_report_acked(sv, ack.seq);
	if (r < 0)
		log_warnx("Failed to read acknowledgements: %s, ignoring",
		    strerror(-r));
}

int
supervisor_report_pgid_known(const struct supervisor_report *rp)
{
	unsigned i;

	for (i = 0; i < rp->acked; i++)
		if (rp->events[i].pgid > 0)
			return (1);
	return (0);
}

int
supervisor_report_done(const struct supervisor_report *rp)
{
	return (rp->acked > 0 && rp->acked == rp->recorded &&
	    task_event_is_terminal(rp->events[rp->acked - 1].state));
}
