/*
 * Reconciliation (spec 3.20, 4.3): every active task must have a live
 * supervisor.  When one vanished (machine reboot, kill -9) the events it
 * recorded in its sandbox before dying are applied; a task still active
 * after that is TASK_LOST and gets replaced like any task that ended.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "db_task.h"
#include "log.h"
#include "sched.h"

/* A launched task whose supervisor never wrote its handle is lost after
 * this long (the supervisor writes it within milliseconds). */
#define SCHED_RECONCILE_START_GRACE_MS	(30 * 1000)

static int
sched_reconcile_record(struct sched *s, const char *task_id,
    const char *state, const char *message, const char *reason)
{
	int rc;

	rc = db_task_record_update(s->d->db, task_id, state, message, reason,
	    clock_now_ms());
	if (rc == 0) {
		log_notice("task=%s %s: %s", task_id, state, message);
	}
	return (rc == -ESTALE ? 0 : rc);
}

/*
 * What the task's reporter left in its sandbox, applied now; 1 when the
 * task is still active after that (so it is lost), 0 when it ended.
 */
static int
sched_reconcile_replay(struct sched *s, const char *task_id)
{
	unsigned	seq;
	int		active = 0, rc;

	if ((rc = db_begin(s->d->db)) < 0)
		return (rc);
	rc = db_end(s->d->db, sched_event_replay(s, task_id));
	if (rc == 0)
		rc = db_task_event_seq(s->d->db, task_id, &seq, &active);
	return (rc < 0 ? rc : active);
}

/*
 * A task whose reporter is gone and left no end: the engine's own record
 * of how it ended (a cluster's job exit code), applied as the event the
 * reporter would have sent; 1 applied, 0 the engine does not know.
 */
static int
sched_reconcile_outcome(struct sched *s, const char *task_id)
{
	struct task_event	e;
	char			sandbox[1400];
	unsigned		seq;
	int			active, changed = 0, r;

	if (s->exec->outcome == NULL)
		return (0);
	(void)snprintf(sandbox, sizeof(sandbox), "%s/%s", s->sandbox_root,
	    task_id);
	if ((r = s->exec->outcome(sandbox, task_id, &e)) <= 0)
		return (r);
	if ((r = db_begin(s->d->db)) < 0)
		return (r);
	if ((r = db_task_event_seq(s->d->db, task_id, &seq, &active)) == 0) {
		e.seq = seq + 1;
		e.at_ms = clock_now_ms();
		r = sched_event_apply(s, &e, &changed);
	}
	if ((r = db_end(s->d->db, r)) == 0)
		log_notice("task=%s ended without a word from its reporter; "
		    "%s says %s: %s", task_id, s->exec->name, e.state,
		    e.message);
	return (r < 0 ? r : 1);
}

static void
sched_reconcile_one(struct sched *s, const json_t *t, int64_t now,
    int synced)
{
	const char		*id = json_string_value(json_object_get(t,
				    "taskId"));
	struct executor_handle	 h;
	int			 remote = s->exec->flags & EXECUTOR_REMOTE;
	int			 rc;

	if (db_task_get_handle(s->d->db, id, &h) < 0)
		return;
	/* A launch may be on its way: a supervisor spawned, or a job being
	 * submitted, says so within the grace. */
	if (h.pid == 0 && now - json_integer_value(json_object_get(t,
	    "startedAt")) < SCHED_RECONCILE_START_GRACE_MS)
		return;
	/* A cluster's job is found by the task's name, queued or running. */
	if ((h.pid != 0 || remote) && (!synced || s->exec->probe(id, &h)))
		return;
	if ((rc = sched_reconcile_replay(s, id)) == 1 &&
	    (rc = sched_reconcile_outcome(s, id)) == 0)
		rc = h.pid == 0 ? sched_reconcile_record(s, id, "TASK_LOST",
		    remote ? "The task's job is not known to the cluster" :
		    "The task's supervisor never started",
		    "REASON_EXECUTOR_UNREGISTERED") :
		    sched_reconcile_record(s, id, "TASK_LOST",
		    "The task's supervisor is gone",
		    "REASON_EXECUTOR_TERMINATED");
	if (rc < 0)
		log_warnx("Failed to reconcile task=%s: %s, retrying on the "
		    "next tick", id, strerror(-rc));
}

void
sched_reconcile(struct sched *s)
{
	json_t	*tasks, *t;
	size_t	 i;
	int64_t	 now = clock_now_ms();
	int	 rc, synced = 1;

	if ((rc = db_task_active(s->d->db, NULL, NULL, &tasks)) < 0) {
		log_warnx("Failed to read active tasks: %s, retrying on the "
		    "next tick", strerror(-rc));
		return;
	}
	/* One look at the whole cluster, not one per task.  Failed: no
	 * task is judged gone this round. */
	if (json_array_size(tasks) > 0 && s->exec->sync != NULL &&
	    (rc = s->exec->sync()) < 0) {
		log_warnx("Failed to read the %s queue: %s, retrying on the "
		    "next tick", s->exec->name, strerror(-rc));
		synced = 0;
	}
	json_array_foreach(tasks, i, t)
		sched_reconcile_one(s, t, now, synced);
	json_decref(tasks);
}

/*
 * taskExecutionTimeLimitMillis (spec 3.9): a job's run that lasts longer
 * gets a TASK_EXCEEDED_TIME_LIMIT cleanup, which kills it.  The limit is
 * the request's as it was when the task was queued: the store keeps it
 * beside the task (timeLimitMs), so no task's JSON is read here.
 */
int
sched_reconcile_time_limit(struct sched *s, const json_t *t, int64_t now)
{
	const char	*id = json_string_value(json_object_get(t, "taskId"));
	const char	*type = json_string_value(json_object_get(t,
			    "requestType"));
	json_t		*running = json_object_get(t, "runningAt");
	json_t		*lim = json_object_get(t, "timeLimitMs");
	int		 rc;

	/* Only jobs have a time limit. */
	if (type == NULL || strcmp(type, "SERVICE") == 0 ||
	    strcmp(type, "WORKER") == 0 || !json_is_integer(running) ||
	    !json_is_integer(lim) ||
	    json_is_true(json_object_get(t, "cleaning")) ||
	    now - json_integer_value(running) <= json_integer_value(lim))
		return (0);
	rc = sched_task_cleanup(s, id, json_string_value(json_object_get(t,
	    "requestId")), "TASK_EXCEEDED_TIME_LIMIT",
	    "Task exceeded its execution time limit");
	return (rc == -EEXIST ? 0 : rc);
}
