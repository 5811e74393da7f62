/*
 * Task cleanups (task_cleanups): the kills.  A cleanup of a type that
 * kills at once gets SIGTERM to the task's process group (SIGKILL at once
 * for a destroy), then SIGKILL once the grace period has passed since the
 * first signal (stored, so a restarted cleanerd keeps the deadline).  The
 * task's supervisor records TASK_KILLED; the cleanup is removed once the
 * task is no longer active.  Cleanups that wait for something (bounces,
 * PAUSING of jobs allowed to finish) are left for their owners.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cleaner.h"
#include "clock.h"
#include "db_task.h"
#include "executor.h"
#include "log.h"

/* TaskCleanupType values that kill a running task now (spec 2.9). */
static const char *const cleaner_task_kill_now[] = {
	"NEW_DEPLOY_SUCCEEDED", "DEPLOY_FAILED", "DEPLOY_CANCELED",
	"SCALING_DOWN", "PAUSE", "REQUEST_DELETING", "USER_REQUESTED",
	"USER_REQUESTED_DESTROY", "OVERDUE_NEW_TASK", "UNHEALTHY_NEW_TASK",
	"TASK_EXCEEDED_TIME_LIMIT", "PRIORITY_KILL", "DECOMMISSION_TIMEOUT",
	"DEPLOY_STEP_FINISHED",
};

static int
cleaner_task_kills_now(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(cleaner_task_kill_now) /
	    sizeof(cleaner_task_kill_now[0]); i++)
		if (strcmp(type, cleaner_task_kill_now[i]) == 0)
			return (1);
	return (0);
}

static int
cleaner_task_signal(struct cleaner *c, const char *task_id, const char *type)
{
	struct executor_handle	 h;
	int64_t			 sent = 0, now = clock_now_ms();
	int			 sig, rc;

	if ((rc = db_task_get_handle(c->d->db, task_id, &h)) < 0 ||
	    (rc = db_task_cleanup_kill_sent(c->d->db, task_id, &sent)) < 0)
		return (rc);
	if (sent == 0)
		sig = strcmp(type, "USER_REQUESTED_DESTROY") == 0 ? SIGKILL :
		    SIGTERM;
	else if (now - sent >= c->d->conf.kill_grace_ms)
		sig = SIGKILL;
	else
		return (0);
	/* Recorded before the signal: the supervisor reads it to tell a
	 * kill from a failure when the task ends. */
	if (sent == 0 && (rc = db_task_cleanup_set_kill_sent(c->d->db,
	    task_id, now)) < 0)
		return (rc);
	rc = c->exec->kill(&h, sig);
	if (rc == -ESRCH) {
		/* Gone already: schedulerd's reconciliation records it. */
		log_debug("task=%s has no live supervisor", task_id);
		return (0);
	}
	if (rc < 0)
		return (rc);
	log_info("task=%s sent %s (%s)", task_id, sig == SIGKILL ? "SIGKILL" :
	    "SIGTERM", type);
	return (0);
}

static int
cleaner_task_one(struct cleaner *c, const json_t *cleanup)
{
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
			(void)bus_send(c->d->bus, BUS_TASK_KILLED, task_id);
		return (rc);
	}
	if (rc < 0 || !cleaner_task_kills_now(type))
		return (rc);
	return (cleaner_task_signal(c, task_id, type));
}

void
cleaner_task_scan(struct cleaner *c)
{
	json_t	*list, *cleanup;
	size_t	 i;
	int	 rc;

	if ((rc = db_task_cleanup_list(c->d->db, &list)) < 0) {
		log_warnx("Failed to read task cleanups: %s, retrying on the "
		    "next tick", strerror(-rc));
		return;
	}
	json_array_foreach(list, i, cleanup)
		if ((rc = cleaner_task_one(c, cleanup)) < 0)
			log_warnx("Failed to carry out a task cleanup: %s, "
			    "retrying on the next tick", strerror(-rc));
	json_decref(list);
}
