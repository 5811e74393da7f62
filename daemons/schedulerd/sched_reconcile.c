/*
 * Reconciliation (spec 3.20, 4.3): every active task must have a live
 * supervisor.  When one vanished (machine reboot, kill -9) the exit it
 * wrote to <sandbox>/.kerr/exit.json before dying is recorded; without
 * one the task is TASK_LOST and gets replaced like any task that ended.
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
		(void)bus_send(s->d->bus, BUS_TASK_UPDATE, task_id);
	}
	return (rc == -ESTALE ? 0 : rc);
}

/* The exit the supervisor saved, recorded now; 0 when there is none. */
static int
sched_reconcile_exit_file(struct sched *s, const char *task_id)
{
	char	path[1400];
	json_t	*e;
	int	rc;

	(void)snprintf(path, sizeof(path), "%s/%s/.kerr/exit.json",
	    s->sandbox_root, task_id);
	if ((e = json_load_file(path, 0, NULL)) == NULL)
		return (0);
	rc = sched_reconcile_record(s, task_id,
	    json_string_value(json_object_get(e, "taskState")) != NULL ?
	    json_string_value(json_object_get(e, "taskState")) : "TASK_LOST",
	    json_string_value(json_object_get(e, "message")) != NULL ?
	    json_string_value(json_object_get(e, "message")) :
	    "Recovered from the supervisor's exit file",
	    json_string_value(json_object_get(e, "reason")));
	json_decref(e);
	return (rc < 0 ? rc : 1);
}

static void
sched_reconcile_one(struct sched *s, const json_t *t, int64_t now)
{
	const char		*id = json_string_value(json_object_get(t,
				    "taskId"));
	struct executor_handle	 h;
	int			 rc;

	if (db_task_get_handle(s->d->db, id, &h) < 0)
		return;
	if (h.pid == 0) {
		if (now - json_integer_value(json_object_get(t, "startedAt")) <
		    SCHED_RECONCILE_START_GRACE_MS)
			return;
		rc = sched_reconcile_record(s, id, "TASK_LOST",
		    "The task's supervisor never started",
		    "REASON_EXECUTOR_UNREGISTERED");
	} else if (s->exec->probe(&h))
		return;
	else if ((rc = sched_reconcile_exit_file(s, id)) == 0)
		rc = sched_reconcile_record(s, id, "TASK_LOST",
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
	int	 rc;

	if ((rc = db_task_active(s->d->db, NULL, NULL, &tasks)) < 0) {
		log_warnx("Failed to read active tasks: %s, retrying on the "
		    "next tick", strerror(-rc));
		return;
	}
	json_array_foreach(tasks, i, t)
		sched_reconcile_one(s, t, now);
	json_decref(tasks);
}

/*
 * taskExecutionTimeLimitMillis (spec 3.9): a job's run that lasts longer
 * gets a TASK_EXCEEDED_TIME_LIMIT cleanup, which kills it.  The limit is
 * read from the request as it was when the task was queued.
 */
int
sched_reconcile_time_limit(struct sched *s, const json_t *t, int64_t now)
{
	const char	*id = json_string_value(json_object_get(t, "taskId"));
	json_t		*running = json_object_get(t, "runningAt"), *task, *lim;
	int		 rc = 0;

	const char	*type = json_string_value(json_object_get(t,
			    "requestType"));

	/* Only jobs have a time limit: skip services without a lookup. */
	if (type == NULL || strcmp(type, "SERVICE") == 0 ||
	    strcmp(type, "WORKER") == 0 || !json_is_integer(running) ||
	    json_is_true(json_object_get(t, "cleaning")) ||
	    db_task_get(s->d->db, id, &task) < 0)
		return (0);
	lim = json_object_get(json_object_get(json_object_get(task,
	    "taskRequest"), "request"), "taskExecutionTimeLimitMillis");
	if (json_is_integer(lim) && now - json_integer_value(running) >
	    json_integer_value(lim)) {
		rc = sched_task_cleanup(s, id, json_string_value(
		    json_object_get(t, "requestId")), "TASK_EXCEEDED_TIME_LIMIT",
		    "Task exceeded its execution time limit");
		if (rc == -EEXIST)
			rc = 0;
	}
	json_decref(task);
	return (rc);
}
