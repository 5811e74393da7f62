/*
 * Bounces (spec 3.15): a BOUNCE or INCREMENTAL_BOUNCE request cleanup
 * first gives every task of the deploy a bounce cleanup and queues a
 * BOUNCE pending request, so schedulerd starts replacements with the same
 * instance numbers.  Then, pass after pass, old tasks are killed as the
 * replacements become healthy: all at once when every replacement is
 * (non-incremental), or one old task per healthy replacement
 * (incremental), so the request never serves fewer than its instances.
 * The bounce is over when no bounce-cleaning task is left; past its
 * expiry the remaining old tasks are kept and CANCEL_BOUNCE rebalances.
 */
#include <errno.h>
#include <string.h>

#include "cleaner.h"
#include "clock.h"
#include "db_task.h"
#include "log.h"
#include "records.h"

#define CLEANER_BOUNCE_EXPIRY_MS	(60LL * 60 * 1000)

static const char *
cleaner_bounce_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int
cleaner_bounce_queue(struct cleaner *c, const char *id, const char *deploy,
    const char *type)
{
	json_t	*p;
	int	 rc, existed;

	p = records_pending_request(id, deploy, type, NULL, NULL,
	    clock_now_ms());
	if (p == NULL)
		return (-ENOMEM);
	rc = db_pending_request_add(c->d->db, p, &existed);
	json_decref(p);
	if (rc == 0)
		c->ring_pending = 1;
	return (rc);
}

/* 1 when the bounce's time ran out (3.17). */
static int
cleaner_bounce_expired(struct cleaner *c, const char *id)
{
	json_t		*e = NULL, *d;
	json_int_t	 duration = CLEANER_BOUNCE_EXPIRY_MS;
	int		 expired;

	if (db_request_expiring_get(c->d->db, id, "bounce", &e) < 0)
		return (0);
	d = json_object_get(json_object_get(e, "expiringAPIRequestObject"),
	    "durationMillis");
	if (json_is_integer(d))
		duration = json_integer_value(d);
	expired = clock_now_ms() > json_integer_value(json_object_get(e,
	    "startMillis")) + duration;
	json_decref(e);
	return (expired);
}

static int
cleaner_bounce_finish(struct cleaner *c, const char *id, const char *why)
{
	int rc = db_request_expiring_remove(c->d->db, id, "bounce");

	if (rc < 0 && rc != -ENOENT)
		return (rc);
	log_notice("request=%s bounce %s", id, why);
	return (1);
}

/* First step: every serving task of the deploy gets a bounce cleanup. */
static int
cleaner_bounce_start(struct cleaner *c, const json_t *cleanup,
    const char *id, const char *deploy, const char *type)
{
	const char	*task_type = strcmp(type, "BOUNCE") == 0 ? "BOUNCING" :
			    "INCREMENTAL_BOUNCE";
	int		 n = 0, rc;

	if ((rc = db_task_cleanup_request_all(c->d->db, id, deploy, task_type,
	    cleaner_bounce_str(cleanup, "user"), cleaner_bounce_str(cleanup,
	    "message"), clock_now_ms(), &n)) < 0)
		return (rc);
	if (n == 0)
		return (cleaner_bounce_finish(c, id, "done: no task to bounce"));
	if ((rc = db_request_cleanup_set_started(c->d->db, id, type)) < 0 ||
	    (rc = cleaner_bounce_queue(c, id, deploy, "BOUNCE")) < 0)
		return (rc);
	log_notice("request=%s bounce started for %d tasks", id, n);
	return (0);
}

/* Old tasks still serving (bounce cleanup, kill not sent) and healthy
 * replacements; kill old ones down to what the bounce allows. */
static int
cleaner_bounce_kill_step(struct cleaner *c, const struct db_request *r,
    const char *id, const char *deploy, int incremental, int *ret_left)
{
	int64_t	 sent;
	json_t	*tasks, *t;
	size_t	 i;
	int	 healthy = 0, serving_old = 0, allowed, kill_n, rc = 0;

	(void)deploy;
	if ((rc = db_task_active(c->d->db, id, NULL, &tasks)) < 0)
		return (rc);
	*ret_left = 0;
	json_array_foreach(tasks, i, t) {
		if (!json_is_true(json_object_get(t, "cleaning"))) {
			healthy += json_is_integer(json_object_get(t,
			    "healthyAt"));
			continue;
		}
		(*ret_left)++;
		if (db_task_cleanup_kill_sent(c->d->db, cleaner_bounce_str(t,
		    "taskId"), &sent) == 0 && sent == 0)
			serving_old++;
	}
	allowed = incremental ? request_instances_of(r->request) - healthy :
	    (healthy >= request_instances_of(r->request) ? 0 : serving_old);
	kill_n = serving_old - (allowed > 0 ? allowed : 0);
	json_array_foreach(tasks, i, t) {
		if (kill_n <= 0 || !json_is_true(json_object_get(t, "cleaning")))
			continue;
		if (db_task_cleanup_kill_sent(c->d->db, cleaner_bounce_str(t,
		    "taskId"), &sent) < 0 || sent != 0)
			continue;
		/* Signalled after the commit: the supervisor must be able to
		 * read the kill when it sees the task end. */
		if ((rc = cleaner_task_decide(c, cleaner_bounce_str(t,
		    "taskId"), "BOUNCING")) < 0)
			break;
		kill_n--;
	}
	json_decref(tasks);
	return (rc);
}

int
cleaner_bounce_step(struct cleaner *c, const struct db_request *r,
    const json_t *cleanup, const char *type)
{
	const char	*id = cleaner_bounce_str(cleanup, "requestId");
	const char	*deploy = cleaner_bounce_str(cleanup, "deployId");
	int		 started = 0, left = 0, rc;

	if (cleaner_bounce_expired(c, id)) {
		if ((rc = db_task_cleanup_remove_waiting_bounces(c->d->db,
		    id)) < 0 || (rc = cleaner_bounce_queue(c, id, deploy,
		    "CANCEL_BOUNCE")) < 0)
			return (rc);
		return (cleaner_bounce_finish(c, id, "expired"));
	}
	if ((rc = db_request_cleanup_started(c->d->db, id, type,
	    &started)) < 0)
		return (rc);
	if (!started)
		return (cleaner_bounce_start(c, cleanup, id, deploy, type));
	if ((rc = cleaner_bounce_kill_step(c, r, id, deploy,
	    strcmp(type, "INCREMENTAL_BOUNCE") == 0, &left)) < 0)
		return (rc);
	return (left == 0 ? cleaner_bounce_finish(c, id, "done") : 0);
}
