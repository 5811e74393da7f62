/*
 * The task tables: tasks (one row per launched task, its SingularityTask
 * JSON, state and executor handle), task_updates (the
 * SingularityTaskHistoryUpdate stream), pending_tasks and task_cleanups.
 *
 * Every state change goes through db_task_record_update(), a
 * compare-and-set on the task still being active: a task gets exactly one
 * terminal state however many writers race for it.
 */
#ifndef KERR_DB_TASK_H
#define KERR_DB_TASK_H

#include <stdint.h>

#include <jansson.h>

#include "db.h"
#include "executor.h"

struct db_task_counts {
	int64_t	active;		/* launched and not yet terminal */
	int64_t	pending;	/* pending tasks waiting to launch */
	int64_t	cleaning;	/* active tasks with a cleanup */
};

/* SingularityTaskCounts of one request. */
int	db_task_counts(struct db *db, const char *request_id,
	    struct db_task_counts *ret);

/* ExtendedTaskState names that end a task (TASK_FINISHED, ...). */
int	db_task_state_is_terminal(const char *state);

/*
 * Insert a launched task: `task` is its SingularityTask (taskId object
 * included); the row starts TASK_LAUNCHED with one update of that state.
 * run_id and ports (a JSON array) may be NULL.
 */
/* The ms from when the task was asked for to at; 0 with *ret, or
 * -ENOENT when that is not known (a task launched before schema v11). */
int	db_task_launch_latency(struct db *db, const char *task_id,
	    int64_t at, int64_t *ret);
int	db_task_insert(struct db *db, const json_t *task, const char *run_id,
	    const json_t *ports, int64_t now);

/*
 * Record an update (TASK_STARTING, TASK_RUNNING, TASK_FINISHED, ...) for
 * an active task.  A terminal state makes it inactive.  -ESTALE when the
 * task already has its terminal state (nothing written), -ENOENT when
 * there is no such task.  message and reason may be NULL.
 */
int	db_task_record_update(struct db *db, const char *task_id,
	    const char *state, const char *message, const char *reason,
	    int64_t now);

/* The same, storing the executor handle in the same transaction (one
 * commit instead of two on the launch path). */
int	db_task_record_update_handle(struct db *db, const char *task_id,
	    const char *state, const char *message, const char *reason,
	    int64_t now, const struct executor_handle *h);

/*
 * Apply the task event numbered seq (task_event.h), inside the caller's
 * transaction: its state and update row at `at`, the handle when h is
 * set, and seq as the last one applied.  0 applied; 1 seq was applied
 * before (nothing written); -ESTALE the task had already ended (only
 * seq recorded); -ENOENT no such task.
 */
int	db_task_apply_event(struct db *db, const char *task_id, unsigned seq,
	    const char *state, const char *message, const char *reason,
	    int64_t at, const struct executor_handle *h);
/* The last event seq applied to a task, and whether it is active. */
int	db_task_event_seq(struct db *db, const char *task_id,
	    unsigned *ret_seq, int *ret_active);

/*
 * Where a cluster placed an active task, as its reporter said: host and
 * rack in its JSON (taskId, offers, mesosTask), and ports ("31000,31001",
 * or "" none) in its JSON and the ports column, once.  Caller's
 * transaction; 0, -EINVAL for a malformed ports list.
 */
int	db_task_set_placement(struct db *db, const char *task_id,
	    const char *host, const char *rack, const char *ports);
/* The executor handle of a task (zeros until the supervisor wrote it). */
int	db_task_set_handle(struct db *db, const char *task_id,
	    const struct executor_handle *h);
int	db_task_get_handle(struct db *db, const char *task_id,
	    struct executor_handle *ret);

/* 1 when a kill signal was sent for the task (task_cleanups), else 0;
 * the cleanup type goes to type (may be NULL). */
int	db_task_kill_requested(struct db *db, const char *task_id);
int	db_task_kill_type(struct db *db, const char *task_id, char *type,
	    size_t len);
/* Tasks of a deploy killed for failing their health checks. */
int	db_task_unhealthy_count(struct db *db, const char *request_id,
	    const char *deploy_id, int64_t *ret);

#endif

/* ---- db_pending_task.c: pending_tasks ---- */

/* `pending` is a SingularityPendingTask; the row keeps it as JSON.
 * asked_at: the API's commit of what it answers (the later of it and
 * next_run_at is kept, for the task's launch latency). */
int	db_pending_task_insert(struct db *db, const json_t *pending,
	    int64_t next_run_at, int64_t asked_at);
/* Pending tasks due at now (next_run_at <= now), oldest first, at most
 * limit: [SingularityPendingTask]. */
int	db_pending_task_due(struct db *db, int64_t now, int limit,
	    json_t **ret);
/* Every pending task, or those of one request (request_id non-NULL). */
int	db_pending_task_list(struct db *db, const char *request_id,
	    json_t **ret);
int	db_pending_task_remove(struct db *db, const char *pending_task_id);
/* One pending task by id, or a request's pending task carrying run_id;
 * -ENOENT when none. */
int	db_pending_task_get(struct db *db, const char *pending_task_id,
	    json_t **ret);
int	db_pending_task_by_run(struct db *db, const char *request_id,
	    const char *run_id, json_t **ret);
/* Drop a request's pending tasks (of one deploy when deploy_id is set). */
int	db_pending_task_remove_for(struct db *db, const char *request_id,
	    const char *deploy_id);
/* Instance numbers in use by active tasks and pending tasks of the
 * request's deploy, as a bitmap over 1..max (bit i = instance i). */
int	db_task_instances_used(struct db *db, const char *request_id,
	    const char *deploy_id, unsigned char *bitmap, int max);

/* ---- db_task_cleanup.c: task_cleanups ---- */

/* `cleanup` is a SingularityTaskCleanup; -EEXIST if the task has one. */
int	db_task_cleanup_add(struct db *db, const json_t *cleanup,
	    const char *request_id);
/* Build and add the SingularityTaskCleanup of `type` for a task (user and
 * message may be NULL); -EEXIST if the task has one, -ENOENT no task. */
int	db_task_cleanup_request(struct db *db, const char *task_id,
	    const char *type, const char *user, const char *message,
	    int64_t now);
/* The same for every active task of request_id (of deploy_id alone
 * unless NULL) that has none yet; *ret_added (may be NULL) counts them. */
int	db_task_cleanup_request_all(struct db *db, const char *request_id,
	    const char *deploy_id, const char *type, const char *user,
	    const char *message, int64_t now, int *ret_added);
int	db_task_cleanup_list(struct db *db, json_t **ret);
int	db_task_cleanup_get(struct db *db, const char *task_id, json_t **ret);
int	db_task_cleanup_remove(struct db *db, const char *task_id);
/* Drop a request's bounce cleanups whose kill was not sent yet (an
 * expired bounce leaves those old tasks running). */
int	db_task_cleanup_remove_waiting_bounces(struct db *db,
	    const char *request_id);
/* When the first kill signal was sent (0: not yet). */
int	db_task_cleanup_kill_sent(struct db *db, const char *task_id,
	    int64_t *ret);
/* The deploy's executorData.sigKillProcessesAfterMillis, or -1. */
int	db_task_kill_grace(struct db *db, const char *task_id,
	    int64_t *ret_ms);
int	db_task_cleanup_set_kill_sent(struct db *db, const char *task_id,
	    int64_t now);

/* ---- the task rows ---- */

/* Active tasks: [{taskId (string), requestId, deployId, instanceNo,
 * state, startedAt, runningAt?, healthyAt?, cleanupType?, cleaning
 * (bool)}] of one request and
 * deploy, of one request (deploy_id NULL), or all (both NULL). */
int	db_task_active(struct db *db, const char *request_id,
	    const char *deploy_id, json_t **ret);
/* The same for the active tasks a scheduler pass looks at: running jobs
 * with a time limit (timeLimitMs) and running tasks not yet healthy. */
int	db_task_attention(struct db *db, json_t **ret);
/* The SingularityTask JSON of a task; -ENOENT when unknown. */
int	db_task_get(struct db *db, const char *task_id, json_t **ret);
/* Current state and activity of a task. */
int	db_task_state(struct db *db, const char *task_id, char *state,
	    size_t len, int *ret_active);
/* [SingularityTaskHistoryUpdate] of a task, oldest first. */
int	db_task_updates(struct db *db, const char *task_id, json_t **ret);
/* Tasks that ended and the scheduler has not acted on yet:
 * [{taskId, requestId, deployId, instanceNo, state}]. */
int	db_task_unhandled(struct db *db, json_t **ret);
int	db_task_mark_handled(struct db *db, const char *task_id);
/* Inactive tasks of a request, newest first, paged:
 * [SingularityTaskIdHistory]. */
int	db_task_history(struct db *db, const char *request_id, int count,
	    int page, json_t **ret);
/* Failures of a deploy's tasks since `since` (for the cooldown). */
int	db_task_failures_since(struct db *db, const char *request_id,
	    const char *deploy_id, int64_t since, int64_t *ret);

/* [SingularityTask] of the active tasks, of one request or all (NULL). */
int	db_task_active_full(struct db *db, const char *request_id,
	    json_t **ret);
/* [SingularityTaskRequest] {request, deploy, pendingTask} of pending
 * tasks, of one request or all (NULL). */
int	db_task_scheduled(struct db *db, const char *request_id, json_t **ret);
/* The most recent task of a request that carries run_id; -ENOENT. */
int	db_task_by_run(struct db *db, const char *request_id,
	    const char *run_id, json_t **ret_task_id_history);
/* [SingularityKilledTaskIdRecord]: active tasks a kill was sent to. */
int	db_task_killed(struct db *db, json_t **ret);
/* Active, non-cleaning tasks of a request healthy since before `since`. */
int	db_task_healthy_count(struct db *db, const char *request_id,
	    int64_t since, int64_t *ret);
/* Failed runs of a deploy since its last TASK_FINISHED (for retries). */
int	db_task_failures_in_a_row(struct db *db, const char *request_id,
	    const char *deploy_id, int64_t *ret);

/* Health (spec 3.13): healthy_at is set once, when the task first counts
 * as healthy (a passing check, or RUNNING long enough without one). */
int	db_task_set_healthy(struct db *db, const char *task_id, int64_t now);
int	db_task_healthcheck_add(struct db *db, const char *task_id,
	    const json_t *result, int64_t now);
/* [SingularityTaskHealthcheckResult], oldest first. */
int	db_task_healthchecks(struct db *db, const char *task_id, json_t **ret);
int	db_task_healthcheck_stats(struct db *db, const char *task_id,
	    int64_t *ret_count, int64_t *ret_last);
/* Ports held by active tasks, as a bitmap over 0..65535 (8 KiB). */
int	db_task_ports_in_use(struct db *db, unsigned char *bitmap);
