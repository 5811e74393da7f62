/*
 * Pending requests of SCHEDULED requests (spec 3.4 step 4, 3.9, 3.10):
 * while a run is active every entry waits (runs never overlap); otherwise
 * the request's queued run is regenerated: now for a run-now (IMMEDIATE)
 * or a retry, else at the next fire time of its quartzSchedule in its
 * scheduleTimeZone.  A schedule with no further fire time makes the
 * request FINISHED.  A run missed while kerr was down is a pending task
 * already due: it runs once when the scheduler is back.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "cron_next.h"
#include "db_request.h"
#include "db_task.h"
#include "log.h"
#include "sched.h"

static const char *
sched_scheduled_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

/* When the run this entry asks for is due; -ENOENT: never again. */
static int
sched_scheduled_when(const struct db_request *r, const json_t *pending,
    int64_t now, int64_t *ret)
{
	const char	*type = sched_scheduled_str(pending, "pendingType");
	json_int_t	 run_at = json_integer_value(json_object_get(pending,
			    "runAt"));

	if (strcmp(type, "IMMEDIATE") == 0 || strcmp(type, "RETRY") == 0) {
		*ret = run_at > now ? run_at : now;
		return (0);
	}
	/* The next run starts no sooner than the wait after the last one. */
	if (strcmp(type, "TASK_DONE") == 0 && json_is_integer(json_object_get(
	    r->request, "waitAtLeastMillisAfterTaskFinishesForReschedule")))
		now += json_integer_value(json_object_get(r->request,
		    "waitAtLeastMillisAfterTaskFinishesForReschedule"));
	return (cron_next_fire(sched_scheduled_str(r->request,
	    "quartzSchedule"), sched_scheduled_str(r->request,
	    "scheduleTimeZone"), now, ret));
}

static int
sched_scheduled_finish(struct sched *s, const struct db_request *r,
    int64_t now)
{
	const char	*id = sched_scheduled_str(r->request, "id");
	int		 rc;

	if ((rc = db_request_set_state(s->d->db, id, r->state,
	    REQUEST_FINISHED, now)) < 0)
		return (rc);
	log_notice("request=%s finished: its schedule has no further run",
	    id);
	return (db_request_history_add(s->d->db, r->request, "FINISHED", NULL,
	    NULL, now));
}

/* 1: act on the entry and remove it; 0: hold it for later. */
int
sched_scheduled_apply(struct sched *s, const struct db_request *r,
    const json_t *pending)
{
	const char		*id = sched_scheduled_str(r->request, "id");
	const char		*deploy = sched_scheduled_str(pending,
				    "deployId");
	struct db_task_counts	 c;
	int64_t			 now = clock_now_ms(), when;
	int			 rc;

	if ((rc = db_task_counts(s->d->db, id, &c)) < 0)
		return (rc);
	if (c.active > 0)
		return (0);	/* a run is going on: never overlap */
	rc = sched_scheduled_when(r, pending, now, &when);
	if (rc == -ENOENT)
		return (sched_scheduled_finish(s, r, now) < 0 ? -EIO : 1);
	if (rc < 0) {
		log_warnx("request=%s: cannot evaluate schedule '%s': %s, "
		    "dropping the entry", id, sched_scheduled_str(r->request,
		    "quartzSchedule"), strerror(-rc));
		return (1);
	}
	/* The queued run is replaced by this one (3.10 step 8). */
	if ((rc = db_pending_task_remove_for(s->d->db, id, deploy)) < 0 ||
	    (rc = sched_pending_add_tasks(s, r, pending, deploy, 1, now,
	    when)) < 0)
		return (rc);
	return (1);
}
