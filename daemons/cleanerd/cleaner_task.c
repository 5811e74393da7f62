/*
 * Task cleanups (task_cleanups): the kills.  A cleanup of a type that
 * kills at once gets SIGTERM to the task's process group (SIGKILL at once
 * for a destroy), then SIGKILL once the grace period has passed since the
 * first signal (stored, so a restarted cleanerd keeps the deadline): the
 * deploy's executorData.sigKillProcessesAfterMillis, else kill_grace_ms.  The
 * task's end comes back to schedulerd as an event, which it records as
 * TASK_KILLED; the cleanup is removed once the task is no longer active.  Cleanups that wait for something (bounces,
 * PAUSING of jobs allowed to finish) are signalled only once their owner
 * (cleaner_bounce.c) decided it is time.
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleaner.h"
#include "clock.h"
#include "daemon_scan.h"
#include "db_task.h"
#include "executor.h"
#include "log.h"
#include "schema.h"
#include "workq.h"

/* TaskCleanupType values that kill a running task now (spec 2.9). */
static const char *const cleaner_task_kill_now[] = {
	"NEW_DEPLOY_SUCCEEDED", "DEPLOY_FAILED", "DEPLOY_CANCELED",
	"SCALING_DOWN", "PAUSE", "REQUEST_DELETING", "USER_REQUESTED",
	"USER_REQUESTED_DESTROY", "OVERDUE_NEW_TASK", "UNHEALTHY_NEW_TASK",
	"TASK_EXCEEDED_TIME_LIMIT", "PRIORITY_KILL", "DECOMMISSION_TIMEOUT",
	"DEPLOY_STEP_FINISHED", NULL
};

static int
cleaner_task_kills_now(const char *type)
{
	return (schema_index(cleaner_task_kill_now, type) >= 0);
}

int
cleaner_task_plan(struct cleaner *c, const char *task_id, const char *type,
    int *ret_sig)
{
	int64_t	sent = 0, grace = -1, now = clock_now_ms();
	int	rc;

	*ret_sig = 0;
	if ((rc = db_task_cleanup_kill_sent(c->d->db, task_id, &sent)) < 0)
		return (rc);
	if (sent != 0 && (rc = db_task_kill_grace(c->d->db, task_id,
	    &grace)) < 0)
		return (rc);
	if (grace < 0)
		grace = c->d->conf.kill_grace_ms;
	if (sent == 0)
		*ret_sig = strcmp(type, "USER_REQUESTED_DESTROY") == 0 ?
		    SIGKILL : SIGTERM;
	else if (now - sent >= grace)
		*ret_sig = SIGKILL;
	/* Recorded, and committed, before the signal: schedulerd reads it
	 * to tell a kill from a failure when the task's end comes in. */
	if (sent == 0)
		rc = db_task_cleanup_set_kill_sent(c->d->db, task_id, now);
	return (rc);
}

/* ---- the kill workers: signals only, the handle comes decided ---- */

struct cleaner_kill_job {
	char			task_id[256];
	char			type[64];
	int			sig;
	struct executor_handle	h;
};

/* The executor checks the handle still names the task's supervisor. */
static void
cleaner_task_worker_run(void *arg, void *unused, void *vjob)
{
	struct cleaner		*c = arg;
	struct cleaner_kill_job	*job = vjob;
	int			 rc;

	(void)unused;
	rc = c->exec->kill(job->task_id, &job->h, job->sig);
	if (rc == -ESRCH)
		/* Gone already: its end comes as an event, or from
		 * schedulerd's reconciliation. */
		log_debug("task=%s has no live supervisor", job->task_id);
	else if (rc < 0)
		log_warnx("Failed to kill task=%s: %s, retrying on the next "
		    "tick", job->task_id, strerror(-rc));
	else
		log_info("task=%s sent %s (%s)", job->task_id,
		    job->sig == SIGKILL ? "SIGKILL" : "SIGTERM", job->type);
	free(job);
}

/* Signals need no store: the workers keep no state of their own. */
static const struct workq_ops cleaner_task_pool_ops = {
	NULL, cleaner_task_worker_run, NULL, free
};

int
cleaner_task_pool_start(struct cleaner *c)
{
	return (workq_start(&cleaner_task_pool_ops, c, NULL,
	    c->d->conf.kill_workers, &c->pool));
}

void
cleaner_task_pool_stop(struct cleaner *c)
{
	workq_stop(c->pool);
	c->pool = NULL;
}

static int
cleaner_task_submit(struct cleaner *c, const json_t *k)
{
	struct cleaner_kill_job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return (-ENOMEM);
	(void)snprintf(job->task_id, sizeof(job->task_id), "%s",
	    json_string_value(json_object_get(k, "taskId")));
	(void)snprintf(job->type, sizeof(job->type), "%s",
	    json_string_value(json_object_get(k, "type")));
	job->sig = (int)json_integer_value(json_object_get(k, "sig"));
	job->h.pid = (pid_t)json_integer_value(json_object_get(k, "pid"));
	job->h.start_ticks = (uint64_t)json_integer_value(json_object_get(k,
	    "ticks"));
	job->h.pgid = (pid_t)json_integer_value(json_object_get(k, "pgid"));
	return (workq_submit(c->pool, job));
}

/* Kills decided in a committed transaction go to the kill workers. */
void
cleaner_task_send(struct cleaner *c)
{
	json_t	*k;
	size_t	 i;

	json_array_foreach(c->kills, i, k)
		if (cleaner_task_submit(c, k) < 0)
			log_warnx("Failed to queue a kill, retrying on the "
			    "next tick");
	json_array_clear(c->kills);
}

/*
 * Decide a kill inside the open transaction, with the handle to signal
 * as the store has it now; sent after the commit.
 */
int
cleaner_task_decide(struct cleaner *c, const char *task_id, const char *type)
{
	struct executor_handle	h;
	int			sig = 0, rc;

	if ((rc = cleaner_task_plan(c, task_id, type, &sig)) < 0 || sig == 0)
		return (rc);
	if ((rc = db_task_get_handle(c->d->db, task_id, &h)) < 0)
		return (rc);
	return (json_array_append_new(c->kills, json_pack("{s:s, s:s, s:i, "
	    "s:I, s:I, s:I}", "taskId", task_id, "type", type, "sig", sig,
	    "pid", (json_int_t)h.pid, "ticks", (json_int_t)h.start_ticks,
	    "pgid", (json_int_t)h.pgid)) == 0 ? 0 : -ENOMEM);
}

/* A bounced task may die once its request has all instances healthy
 * without it (spec 3.12, waitForReplacementTask).  A job on a
 * decommissioned machine (jobs_wait) is not replaced: it runs to its end
 * there, as Singularity lets it. */
static int
cleaner_task_replaced(struct cleaner *c, const json_t *cleanup,
    int jobs_wait)
{
	const json_t		*tid = json_object_get(cleanup, "taskId");
	const char		*rid = json_string_value(json_object_get(tid,
				    "requestId"));
	struct db_request	 r;
	int64_t			 healthy = 0;
	int			 ok;

	if (db_request_get(c->d->db, rid, &r) < 0)
		return (1);	/* no request: nothing to wait for */
	if (jobs_wait && !request_type_is_long_running(request_type_of(
	    r.request))) {
		db_request_clear(&r);
		return (0);
	}
	ok = db_task_healthy_count(c->d->db, rid, clock_now_ms(),
	    &healthy) == 0 &&
	    healthy >= request_instances_of(r.request);
	db_request_clear(&r);
	return (ok);
}

/*
 * A stepped deploy that failed or was cancelled: its tasks serve until the
 * old deploy is back at full healthy strength (spec 3.12 rule 10), or
 * at once when there is no old deploy to wait for or the request is
 * paused or not long-running.
 */
static int
cleaner_task_rolled_back(struct cleaner *c, const json_t *cleanup)
{
	const char		*rid = json_string_value(json_object_get(
				    json_object_get(cleanup, "taskId"),
				    "requestId"));
	struct db_request	 r;
	int			 at_once;

	if (db_request_get(c->d->db, rid, &r) < 0)
		return (1);
	at_once = r.active_marker == NULL || r.state == REQUEST_PAUSED ||
	    !request_type_is_long_running(request_type_of(r.request));
	db_request_clear(&r);
	return (at_once || cleaner_task_replaced(c, cleanup, 0));
}

/* Singularity's killNonLongRunningTasksInCleanupAfterSeconds. */
#define CLEANER_KILL_OLD_JOBS_MS	(24LL * 3600 * 1000)

/*
 * Whether a waiting cleanup may kill now: a one-task bounce, a service's
 * task on a decommissioned machine or a failed stepped deploy's task, once
 * the replacement is healthy; a job allowed to finish after a pause once
 * killOldNonLongRunningTasksAfterMillis (default 24 h) has passed.
 */
static int
cleaner_task_waited_enough(struct cleaner *c, const json_t *cleanup,
    const char *type)
{
	json_t		*task = NULL, *lim;
	int64_t		 limit = CLEANER_KILL_OLD_JOBS_MS;
	const char	*id;

	if (strcmp(type, "USER_REQUESTED_TASK_BOUNCE") == 0)
		return (cleaner_task_replaced(c, cleanup, 0));
	if (strcmp(type, "DECOMISSIONING") == 0)
		return (cleaner_task_replaced(c, cleanup, 1));
	if (strcmp(type, "INCREMENTAL_DEPLOY_FAILED") == 0 ||
	    strcmp(type, "INCREMENTAL_DEPLOY_CANCELLED") == 0)
		return (cleaner_task_rolled_back(c, cleanup));
	if (strcmp(type, "PAUSING") != 0)
		return (0);
	id = json_string_value(json_object_get(json_object_get(cleanup,
	    "taskId"), "id"));
	if (db_task_get(c->d->db, id, &task) == 0 &&
	    json_is_integer(lim = json_object_get(json_object_get(
	    json_object_get(task, "taskRequest"), "request"),
	    "killOldNonLongRunningTasksAfterMillis")))
		limit = json_integer_value(lim);
	json_decref(task);
	return (clock_now_ms() - json_integer_value(json_object_get(cleanup,
	    "timestamp")) >= limit);
}

static int
cleaner_task_one(void *arg, const json_t *cleanup)
{
	struct cleaner	*c = arg;
	const char	*task_id, *type;
	char		 state[64];
	int		 active = 0, rc;

	task_id = json_string_value(json_object_get(json_object_get(cleanup,
	    "taskId"), "id"));
	type = json_string_value(json_object_get(cleanup, "cleanupType"));
	if (task_id == NULL || type == NULL)
		return (-EINVAL);
	rc = db_task_state(c->d->db, task_id, state, sizeof(state), &active);
	if (rc == -ENOENT || (rc == 0 && !active)) {
		if ((rc = db_task_cleanup_remove(c->d->db, task_id)) == 0)
			c->ring_killed = 1;	/* rung after the commit */
		return (rc);
	}
	if (rc < 0)
		return (rc);
	/* A waiting cleanup (a bounce) is signalled once its owner decided;
	 * from then on it escalates like any kill. */
	if (!cleaner_task_kills_now(type)) {
		int64_t sent = 0;

		if ((rc = db_task_cleanup_kill_sent(c->d->db, task_id,
		    &sent)) < 0)
			return (rc);
		if (sent == 0 && !cleaner_task_waited_enough(c, cleanup, type))
			return (0);
	}
	return (cleaner_task_decide(c, task_id, type));
}

/*
 * One transaction for the whole pass: every first signal's time is
 * written in one commit, then the signals go out together.
 */
static const struct daemon_scan cleaner_task_cleanups = {
	.list = "task cleanups", .read = db_task_cleanup_list,
	.each = cleaner_task_one, .doing = "carry out the cleanup of",
	.word = "task", .in = "taskId", .key = "id", .one_transaction = 1,
};

void
cleaner_task_scan(struct cleaner *c)
{
	if (daemon_scan_run(c->d->db, &cleaner_task_cleanups, c) < 0) {
		json_array_clear(c->kills);
		return;
	}
	cleaner_task_send(c);
	if (c->ring_killed)
		(void)bus_send(c->d->bus, BUS_TASK_KILLED, "*");
	c->ring_killed = 0;
}
