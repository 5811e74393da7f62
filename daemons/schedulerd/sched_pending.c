/*
 * Draining the pending-request queue (spec 3.4): each entry says
 * "re-evaluate request R for deploy D because of X".  For its request and
 * deploy we count the tasks that should run, compare with the tasks that
 * do, and create pending tasks for the missing instances (lowest free
 * instance numbers first) or SCALING_DOWN cleanups for the extra ones.
 * One transaction per entry.  Reads pending_requests, requests, tasks,
 * pending_tasks, pending_deploys; writes pending_tasks and task_cleanups.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "daemon_scan.h"
#include "db_deploy.h"
#include "db_request.h"
#include "db_task.h"
#include "deploy_step.h"
#include "log.h"
#include "request.h"
#include "sched.h"
#include "task_id.h"

/* Instance numbers of one request's deploy in use at once (active and
 * pending tasks): an ON_DEMAND request's runs have no other limit. */
#define SCHED_INSTANCES_MAX	65536
/* Singularity's cooldownMinScheduleSeconds: a crash-looping request waits. */
#define SCHED_COOLDOWN_DELAY_MS	(120 * 1000)

static const char *
sched_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int
sched_streq(const char *a, const char *b)
{
	return (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The pending request's fields a pending task carries (2.5). */
static json_t *
sched_pending_task_new(const json_t *pending, const char *deploy_id,
    int instance_no, int64_t next_run_at, int64_t now)
{
	static const char *const carried[] = { "user", "cmdLineArgsList",
	    "runId", "skipHealthchecks", "message", "resources",
	    "runAsUserOverride", "envOverrides",
	    "requiredAgentAttributeOverrides",
	    "allowedAgentAttributeOverrides", "extraArtifacts",
	    "s3UploaderAdditionalFiles", "actionId" };
	const char	*rid = sched_str(pending, "requestId");
	const char	*type = sched_str(pending, "pendingType");
	char		 id[512];
	json_t		*t, *v;
	size_t		 i;

	if (pending_task_id_format(id, sizeof(id), rid, deploy_id, next_run_at,
	    instance_no, type, now) < 0)
		return (NULL);
	t = json_pack("{s:{s:s, s:s, s:s, s:I, s:i, s:s, s:I}, s:[], s:{},"
	    " s:{}, s:{}, s:[]}",
	    "pendingTaskId", "id", id, "requestId", rid, "deployId", deploy_id,
	    "nextRunAt", (json_int_t)next_run_at, "instanceNo", instance_no,
	    "pendingType", type, "createdAt", (json_int_t)now,
	    "s3UploaderAdditionalFiles", "envOverrides",
	    "requiredAgentAttributeOverrides",
	    "allowedAgentAttributeOverrides", "extraArtifacts");
	for (i = 0; t != NULL && i < sizeof(carried) / sizeof(carried[0]);
	    i++)
		if ((v = json_object_get(pending, carried[i])) != NULL &&
		    !json_is_null(v))
			(void)json_object_set(t, carried[i], v);
	return (t);
}

/* How many tasks of deploy_id should run for this entry; -1: drop it. */
static int
sched_pending_expected(struct sched *s, const struct db_request *r,
    const json_t *pending, const char *deploy_id, int *ret_add_only)
{
	enum request_type	 t = request_type_of(r->request);
	const char		*type = sched_str(pending, "pendingType");
	const char		*pend_id = sched_str(r->pending_marker,
				    "deployId");
	json_t			*pd = NULL, *progress;
	int			 target;

	*ret_add_only = 0;
	if (t == REQUEST_ON_DEMAND || t == REQUEST_RUN_ONCE) {
		/* One-off runs add a task; nothing is counted (3.4). */
		*ret_add_only = 1;
		if (sched_streq(type, "ONEOFF") || sched_streq(type, "RETRY") ||
		    (t == REQUEST_RUN_ONCE && sched_streq(type, "NEW_DEPLOY")))
			return (1);
		return (0);
	}
	if (pend_id == NULL || db_pending_deploy_get(s->d->db,
	    sched_str(r->request, "id"), &pd) < 0)
		return (request_instances_of(r->request));
	progress = json_object_get(pd, "deployProgress");
	if (!sched_streq(deploy_id, pend_id) ||
	    sched_streq(deploy_id, sched_str(r->active_marker, "deployId")))
		/* The old deploy, less what a stepped deploy took over. */
		target = deploy_step_old_expected(progress,
		    request_instances_of(r->request));
	else
		target = sched_streq(sched_str(pd, "currentDeployState"),
		    "CANCELING") ? 0 : (int)json_integer_value(
		    json_object_get(progress, "targetActiveInstances"));
	json_decref(pd);
	return (target);
}

int
sched_pending_add_tasks(struct sched *s, const struct db_request *r,
    const json_t *pending, const char *deploy_id, int missing, int64_t now,
    int64_t next)
{
	unsigned char	 used[SCHED_INSTANCES_MAX / 8 + 1];
	const char	*rid = sched_str(r->request, "id");
	json_t		*t;
	int		 n, rc;

	if (r->state == REQUEST_SYSTEM_COOLDOWN &&
	    !sched_streq(sched_str(pending, "pendingType"), "NEW_DEPLOY") &&
	    next < now + SCHED_COOLDOWN_DELAY_MS)
		next = now + SCHED_COOLDOWN_DELAY_MS;
	if ((rc = db_task_instances_used(s->d->db, rid, deploy_id, used,
	    SCHED_INSTANCES_MAX)) < 0)
		return (rc);
	for (n = 1; missing > 0 && n < SCHED_INSTANCES_MAX; n++) {
		if (used[n / 8] & (1u << (n % 8)))
			continue;
		if ((t = sched_pending_task_new(pending, deploy_id, n, next,
		    now)) == NULL)
			return (-ENOMEM);
		rc = db_pending_task_insert(s->d->db, t, next,
		    (int64_t)json_integer_value(json_object_get(pending,
		    "timestamp")));
		json_decref(t);
		if (rc < 0)
			return (rc);
		missing--;
	}
	/* Every number taken: the entry waits for one to come free. */
	return (missing > 0 ? -ENOSPC : 0);
}

/* When a new task is due: runAt if later; a replacement waits
 * waitAtLeastMillisAfterTaskFinishesForReschedule. */
static int64_t
sched_pending_due(const json_t *request, const json_t *pending, int64_t now)
{
	json_int_t run_at = json_integer_value(json_object_get(pending,
	    "runAt"));
	json_t *wait = json_object_get(request,
	    "waitAtLeastMillisAfterTaskFinishesForReschedule");

	if (sched_streq(sched_str(pending, "pendingType"), "TASK_DONE") &&
	    json_is_integer(wait) && now + json_integer_value(wait) > run_at)
		run_at = now + json_integer_value(wait);
	return (run_at > now ? run_at : now);
}

/* Too many tasks: clean the highest instance numbers (3.4, 3.15). */
static int
sched_pending_scale_down(struct sched *s, const json_t *tasks, int expected)
{
	json_t	*t;
	size_t	 i;
	int	 kept = 0, rc;

	json_array_foreach(tasks, i, t) {
		if (json_is_true(json_object_get(t, "cleaning")))
			continue;
		if (++kept <= expected &&
		    json_integer_value(json_object_get(t, "instanceNo")) <=
		    expected)
			continue;
		rc = sched_task_cleanup(s, sched_str(t, "taskId"),
		    sched_str(t, "requestId"), "SCALING_DOWN",
		    "Scaling down");
		if (rc < 0 && rc != -EEXIST)
			return (rc);
	}
	return (0);
}

static int
sched_pending_count_matching(const json_t *tasks)
{
	json_t	*t;
	size_t	 i;
	int	 n = 0;

	json_array_foreach(tasks, i, t)
		if (!json_is_true(json_object_get(t, "cleaning")))
			n++;
	return (n);
}

/* Act on one entry; the caller removes it afterwards. */
static int
sched_pending_apply(struct sched *s, const struct db_request *r,
    const json_t *pending)
{
	const char	*rid = sched_str(r->request, "id");
	const char	*deploy_id = sched_str(pending, "deployId");
	json_t		*tasks = NULL;
	int		 expected, matching, add_only, rc;
	int64_t		 now = clock_now_ms();

	if (deploy_id == NULL)
		return (0);
	expected = sched_pending_expected(s, r, pending, deploy_id, &add_only);
	if (add_only)
		return (expected > 0 ? sched_pending_add_tasks(s, r, pending,
		    deploy_id, expected, now, sched_pending_due(r->request,
		    pending, now)) : 0);
	/* Long-running: pending tasks are regenerated from the count. */
	if ((rc = db_pending_task_remove_for(s->d->db, rid, deploy_id)) < 0 ||
	    (rc = db_task_active(s->d->db, rid, deploy_id, &tasks)) < 0)
		return (rc);
	matching = sched_pending_count_matching(tasks);
	if (expected > matching)
		rc = sched_pending_add_tasks(s, r, pending, deploy_id,
		    expected - matching, now, sched_pending_due(r->request, pending,
		    now));
	else if (expected < matching)
		rc = sched_pending_scale_down(s, tasks, expected);
	json_decref(tasks);
	return (rc);
}

/* Whether this entry still means something (3.4 drain steps 1-3). */
static int
sched_pending_is_current(const struct db_request *r, const json_t *pending)
{
	const char *deploy_id = sched_str(pending, "deployId");

	if (!request_state_is_runnable(r->state))
		return (0);
	if (request_type_of(r->request) == REQUEST_RUN_ONCE &&
	    sched_streq(sched_str(pending, "pendingType"), "NEW_DEPLOY"))
		return (1);
	return (sched_streq(deploy_id, sched_str(r->active_marker,
	    "deployId")) || sched_streq(deploy_id, sched_str(r->pending_marker,
	    "deployId")));
}

static int
sched_pending_one(struct sched *s, int64_t seq, const json_t *pending)
{
	struct db_request	 r = { 0 };
	const char		*rid = sched_str(pending, "requestId");
	int			 rc;

	if ((rc = db_begin(s->d->db)) < 0)
		return (rc);
	rc = db_request_get(s->d->db, rid, &r);
	if (rc == 0 && sched_pending_is_current(&r, pending) &&
	    request_type_of(r.request) == REQUEST_SCHEDULED) {
		if ((rc = sched_scheduled_apply(s, &r, pending)) == 0) {
			/* Held until the running job ends. */
			db_request_clear(&r);
			db_rollback(s->d->db);
			return (0);
		}
		rc = rc > 0 ? 0 : rc;
	} else if (rc == 0 && sched_pending_is_current(&r, pending))
		rc = sched_pending_apply(s, &r, pending);
	else if (rc == -ENOENT)
		rc = 0;
	if (rc == 0)
		rc = db_pending_request_remove(s->d->db, seq);
	db_request_clear(&r);
	return (db_end(s->d->db, rc));
}

/* An entry of the queue: its seq and the pending request. */
static int
sched_pending_entry(void *arg, const json_t *e)
{
	return (sched_pending_one(arg, json_integer_value(json_object_get(e,
	    "seq")), json_object_get(e, "pending")));
}

const struct daemon_scan sched_pending_scan = {
	.list = "the pending queue", .read = db_pending_request_queue,
	.each = sched_pending_entry, .doing = "process a pending request of",
	.word = "request", .in = "pending", .key = "requestId",
};

