/*
 * Tasks that ended (spec 3.11, 3.16): a task of a long-running request's
 * deploy in use is replaced through a TASK_DONE pending request; repeated
 * failures put the request in SYSTEM_COOLDOWN.  Each ended task is acted on
 * once (tasks.finish_handled), in its own transaction.  Also the helper
 * that gives a task a cleanup for cleanerd to carry out.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "daemon_scan.h"
#include "db_request.h"
#include "db_task.h"
#include "log.h"
#include "records.h"
#include "request.h"
#include "sched.h"

/* Singularity's cooldownFailureThreshold within evaluateCooldownOverMinutes. */
#define SCHED_COOLDOWN_FAILURES		5
#define SCHED_COOLDOWN_WINDOW_MS	(60 * 1000)

static const char *
sched_task_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

int
sched_task_cleanup(struct sched *s, const char *task_id,
    const char *request_id, const char *type, const char *message)
{
	int rc;

	(void)request_id;
	rc = db_task_cleanup_request(s->d->db, task_id, type, NULL, message,
	    clock_now_ms());
	if (rc == 0) {
		s->rings |= SCHED_RING_TASK_CLEANUP;
		log_info("task=%s cleanup %s", task_id, type);
	}
	return (rc);
}

static int
sched_task_cooldown(struct sched *s, const struct db_request *r,
    const char *deploy_id, int64_t now)
{
	const char	*rid = sched_task_str(r->request, "id");
	int64_t		 failures = 0;
	int		 rc;

	if (r->state != REQUEST_ACTIVE)
		return (0);
	if ((rc = db_task_failures_since(s->d->db, rid, deploy_id,
	    now - SCHED_COOLDOWN_WINDOW_MS, &failures)) < 0)
		return (rc);
	if (failures < SCHED_COOLDOWN_FAILURES)
		return (0);
	if ((rc = db_request_set_state(s->d->db, rid, REQUEST_ACTIVE,
	    REQUEST_SYSTEM_COOLDOWN, now)) < 0)
		return (rc);
	log_notice("request=%s entered cooldown after %lld failures", rid,
	    (long long)failures);
	return (db_request_history_add(s->d->db, r->request,
	    "ENTERED_COOLDOWN", NULL, NULL, now));
}

static int
sched_task_queue(struct sched *s, const struct db_request *r,
    const json_t *t, const char *type, const json_t *carry, int64_t now)
{
	static const char *const carried[] = { "cmdLineArgsList", "runId",
	    "envOverrides", "resources", "runAsUserOverride", "user",
	    "message", "skipHealthchecks", "extraArtifacts" };
	json_t	*p, *v;
	size_t	 i;
	int	 rc, existed;

	p = records_pending_request(sched_task_str(r->request, "id"),
	    sched_task_str(t, "deployId"), type, NULL, NULL, now);
	if (p == NULL)
		return (-ENOMEM);
	for (i = 0; carry != NULL && i < sizeof(carried) / sizeof(carried[0]);
	    i++)
		if ((v = json_object_get(carry, carried[i])) != NULL)
			(void)json_object_set(p, carried[i], v);
	rc = db_pending_request_add(s->d->db, p, &existed);
	json_decref(p);
	s->rings |= SCHED_RING_REQUEST_PENDING;
	return (rc);
}

/* A failed run of a job is run again up to numRetriesOnFailure times. */
static int
sched_task_retry(struct sched *s, const struct db_request *r,
    const json_t *t, int64_t now, int *ret_queued)
{
	json_t	*retries = json_object_get(r->request, "numRetriesOnFailure");
	json_t	*task = NULL;
	int64_t	 failed = 0;
	int	 rc;

	*ret_queued = 0;
	if (!json_is_integer(retries) || json_integer_value(retries) <= 0)
		return (0);
	if ((rc = db_task_failures_in_a_row(s->d->db, sched_task_str(
	    r->request, "id"), sched_task_str(t, "deployId"), &failed)) < 0)
		return (rc);
	if (failed > json_integer_value(retries))
		return (0);
	if ((rc = db_task_get(s->d->db, sched_task_str(t, "taskId"),
	    &task)) < 0)
		return (rc);
	rc = sched_task_queue(s, r, t, "RETRY", json_object_get(
	    json_object_get(task, "taskRequest"), "pendingTask"), now);
	json_decref(task);
	if (rc == 0) {
		*ret_queued = 1;
		log_info("request=%s retry %lld of %lld", sched_task_str(
		    r->request, "id"), (long long)failed,
		    (long long)json_integer_value(retries));
	}
	return (rc);
}

static int
sched_task_replace(struct sched *s, const struct db_request *r,
    const json_t *t, int64_t now)
{
	enum request_type	 type = request_type_of(r->request);
	const char		*state = sched_task_str(t, "state");
	int			 failed, rc, retried = 0;

	failed = strcmp(state, "TASK_FINISHED") != 0 &&
	    strcmp(state, "TASK_KILLED") != 0;
	if (request_type_is_long_running(type)) {
		if (failed && (rc = sched_task_cooldown(s, r, sched_task_str(t,
		    "deployId"), now)) < 0)
			return (rc);
		return (sched_task_queue(s, r, t, "TASK_DONE", NULL, now));
	}
	if (failed && (rc = sched_task_retry(s, r, t, now, &retried)) < 0)
		return (rc);
	/* A cron job's next run is computed again once a run is over. */
	if (!retried && type == REQUEST_SCHEDULED)
		return (sched_task_queue(s, r, t, "TASK_DONE", NULL, now));
	return (0);
}

static int
sched_task_one(void *arg, const json_t *t)
{
	struct sched		*s = arg;
	struct db_request	 r = { 0 };
	const char		*task_id = sched_task_str(t, "taskId");
	int			 rc;

	if ((rc = db_begin(s->d->db)) < 0)
		return (rc);
	log_info("task=%s ended %s", task_id, sched_task_str(t, "state"));
	rc = db_request_get(s->d->db, sched_task_str(t, "requestId"), &r);
	if (rc == 0 && request_state_is_runnable(r.state))
		rc = sched_task_replace(s, &r, t, clock_now_ms());
	else if (rc == -ENOENT || rc == 0)
		rc = 0;
	if (rc == 0)
		rc = db_task_mark_handled(s->d->db, task_id);
	db_request_clear(&r);
	return (db_end(s->d->db, rc));
}

const struct daemon_scan sched_task_scan = {
	.list = "ended tasks", .read = db_task_unhandled,
	.each = sched_task_one, .doing = "act on ended", .word = "task",
	.key = "taskId",
};

