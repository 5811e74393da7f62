/*
 * Health (spec 3.13).  A RUNNING task without a health check counts as
 * healthy once it has run considerHealthyAfterRunningForSeconds; one with
 * an HTTP health check once a check passes.  Checks run on a pool of
 * health workers (HTTP against the task's port on this host), at most one
 * in flight per task, every startupIntervalSeconds after
 * startupDelaySeconds; each result is kept (task_healthchecks).  A task
 * that answers a failureStatusCode, exhausts maxRetries or is still not
 * healthy after startupTimeoutSeconds gets an UNHEALTHY_NEW_TASK cleanup.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_task.h"
#include "deploy.h"
#include "healthcheck.h"
#include "log.h"
#include "sched.h"
#include "workq.h"

#define SCHED_HEALTH_INFLIGHT_MAX	1024
#define SCHED_HEALTH_INTERVAL_S		2	/* startupIntervalSeconds */
#define SCHED_HEALTH_TIMEOUT_S		5	/* responseTimeoutSeconds */
#define SCHED_HEALTH_STARTUP_S		45	/* startupTimeoutSeconds */

struct sched_health_job {
	char		 task_id[256];
	char		 method[8];
	char		 uri[512];
	char		 host[256];
	int		 port;
	int		 timeout_ms;
	int		 max_retries;		/* -1: no limit */
	int64_t		 running_at;
	int64_t		 startup_timeout_ms;
	json_t		*task_id_obj;
	json_t		*failure_codes;
};

struct sched_health {
	struct workq	*q;
	pthread_mutex_t	 lock;
	char		*inflight[SCHED_HEALTH_INFLIGHT_MAX];
};

static int64_t
sched_health_int(const json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);

	return (json_is_integer(v) ? json_integer_value(v) : def);
}

/* Mark a task's check in flight; 0 when one already is (or no room). */
static int
sched_health_claim(struct sched_health *h, const char *task_id)
{
	int i, free_slot = -1, ok = 0;

	(void)pthread_mutex_lock(&h->lock);
	for (i = 0; i < SCHED_HEALTH_INFLIGHT_MAX; i++) {
		if (h->inflight[i] == NULL && free_slot < 0)
			free_slot = i;
		if (h->inflight[i] != NULL &&
		    strcmp(h->inflight[i], task_id) == 0)
			break;
	}
	if (i == SCHED_HEALTH_INFLIGHT_MAX && free_slot >= 0 &&
	    (h->inflight[free_slot] = strdup(task_id)) != NULL)
		ok = 1;
	(void)pthread_mutex_unlock(&h->lock);
	return (ok);
}

static void
sched_health_release(struct sched_health *h, const char *task_id)
{
	int i;

	(void)pthread_mutex_lock(&h->lock);
	for (i = 0; i < SCHED_HEALTH_INFLIGHT_MAX; i++)
		if (h->inflight[i] != NULL &&
		    strcmp(h->inflight[i], task_id) == 0) {
			free(h->inflight[i]);
			h->inflight[i] = NULL;
		}
	(void)pthread_mutex_unlock(&h->lock);
}

static void
sched_health_job_free(void *vjob)
{
	struct sched_health_job *job = vjob;

	if (job == NULL)
		return;
	json_decref(job->task_id_obj);
	json_decref(job->failure_codes);
	free(job);
}

/* Record the result; decide healthy, unhealthy or try again later. */
static void
sched_health_record(struct sched *s, struct db *db,
    struct sched_health_job *job, const struct healthcheck_result *res,
    int64_t started)
{
	int64_t	 now = clock_now_ms(), count = 0, last = 0;
	json_t	*j;
	int	 unhealthy = 0;

	j = healthcheck_result_json(job->task_id_obj, started, res,
	    strcmp(res->error, "Connection refused") == 0);
	if (j != NULL)
		(void)db_task_healthcheck_add(db, job->task_id, j, now);
	json_decref(j);
	if (healthcheck_result_ok(res, job->failure_codes)) {
		if (db_task_set_healthy(db, job->task_id, now) == 0)
			log_info("task=%s healthy (HTTP %d)", job->task_id,
			    res->status_code);
		return;
	}
	(void)db_task_healthcheck_stats(db, job->task_id, &count, &last);
	if (res->status_code != 0 && healthcheck_status_is_fatal(
	    res->status_code, job->failure_codes))
		unhealthy = 1;
	else if (job->max_retries >= 0 && count > job->max_retries)
		unhealthy = 1;
	else if (now - job->running_at > job->startup_timeout_ms)
		unhealthy = 1;
	if (unhealthy && db_task_cleanup_request(db, job->task_id,
	    "UNHEALTHY_NEW_TASK", NULL, "Task did not pass its health checks",
	    now) == 0) {
		log_notice("task=%s unhealthy after %lld checks", job->task_id,
		    (long long)count);
		(void)bus_send(s->d->bus, BUS_TASK_CLEANUP, job->task_id);
	}
}

static void
sched_health_run(void *arg, void *db, void *vjob)
{
	struct sched		*s = arg;
	struct sched_health_job	*job = vjob;
	struct healthcheck_result res;
	int64_t			 started = clock_now_ms();

	memset(&res, 0, sizeof(res));
	if (db != NULL && healthcheck_http(job->host, job->port, job->method,
	    job->uri, job->timeout_ms, &res) == 0) {
		sched_health_record(s, db, job, &res, started);
		healthcheck_result_clear(&res);
	}
	sched_health_release(s->health, job->task_id);
	sched_health_job_free(job);
}

static const struct workq_ops sched_health_ops = {
	daemon_worker_db_open, sched_health_run, daemon_worker_db_close,
	sched_health_job_free
};

int
sched_health_start(struct sched *s)
{
	struct sched_health	*h;
	int			 r;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return (-ENOMEM);
	(void)pthread_mutex_init(&h->lock, NULL);
	if ((r = workq_start(&sched_health_ops, s, s->d,
	    s->d->conf.launch_workers, &h->q)) < 0) {
		free(h);
		return (r);
	}
	s->health = h;
	return (0);
}

void
sched_health_stop(struct sched *s)
{
	struct sched_health	*h = s->health;
	int			 i;

	if (h == NULL)
		return;
	workq_stop(h->q);
	for (i = 0; i < SCHED_HEALTH_INFLIGHT_MAX; i++)
		free(h->inflight[i]);
	(void)pthread_mutex_destroy(&h->lock);
	free(h);
	s->health = NULL;
}

/* The port to check: portNumber, else the portIndex-th allocated port. */
static int
sched_health_port(const json_t *task, const json_t *hc)
{
	const json_t	*res, *r;
	size_t		 i;
	int64_t		 idx = sched_health_int(hc, "portIndex", 0);

	if (json_is_integer(json_object_get(hc, "portNumber")))
		return ((int)json_integer_value(json_object_get(hc,
		    "portNumber")));
	res = json_object_get(json_object_get(task, "mesosTask"),
	    "resources");
	json_array_foreach(res, i, r) {
		const json_t *range;

		if (strcmp(json_string_value(json_object_get(r, "name")) !=
		    NULL ? json_string_value(json_object_get(r, "name")) : "",
		    "ports") != 0)
			continue;
		range = json_array_get(json_object_get(json_object_get(r,
		    "ranges"), "range"), (size_t)idx);
		return ((int)sched_health_int(range, "begin", 0));
	}
	return (0);
}

static struct sched_health_job *
sched_health_job_new(const json_t *task, const json_t *hc,
    const char *task_id, const char *host, int64_t running_at)
{
	struct sched_health_job	*job;
	const char		*uri = json_string_value(json_object_get(hc,
				    "uri"));
	const char		*method = json_string_value(json_object_get(hc,
				    "method"));

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return (NULL);
	(void)snprintf(job->task_id, sizeof(job->task_id), "%s", task_id);
	(void)snprintf(job->method, sizeof(job->method), "%s",
	    method != NULL ? method : "GET");
	(void)snprintf(job->uri, sizeof(job->uri), "%s", uri);
	(void)snprintf(job->host, sizeof(job->host), "%s", host);
	job->port = sched_health_port(task, hc);
	job->timeout_ms = (int)sched_health_int(hc, "responseTimeoutSeconds",
	    SCHED_HEALTH_TIMEOUT_S) * 1000;
	job->max_retries = (int)sched_health_int(hc, "maxRetries", -1);
	job->running_at = running_at;
	job->startup_timeout_ms = sched_health_int(hc,
	    "startupTimeoutSeconds", SCHED_HEALTH_STARTUP_S) * 1000;
	job->task_id_obj = json_incref(json_object_get(task, "taskId"));
	job->failure_codes = json_incref(json_object_get(hc,
	    "failureStatusCodes"));
	return (job);
}

static int
sched_health_skipped(const json_t *tr)
{
	return (json_is_true(json_object_get(json_object_get(tr, "request"),
	    "skipHealthchecks")) ||
	    json_is_true(json_object_get(json_object_get(tr, "deploy"),
	    "skipHealthchecksOnDeploy")) ||
	    json_is_true(json_object_get(json_object_get(tr, "pendingTask"),
	    "skipHealthchecks")));
}

/* This host's tasks answer on loopback; a cluster's on their node. */
static const char *
sched_health_host(const struct sched *s, const json_t *task)
{
	const char *host = json_string_value(json_object_get(json_object_get(
	    task, "taskId"), "host"));

	if ((s->exec->flags & EXECUTOR_REMOTE) == 0 || host == NULL)
		return ("127.0.0.1");
	return (host);
}

static void
sched_health_one(struct sched *s, const json_t *t, int64_t now)
{
	const char		*id = json_string_value(json_object_get(t,
				    "taskId"));
	int64_t			 running = sched_health_int(t, "runningAt", 0);
	int64_t			 count = 0, last = 0;
	json_t			*task = NULL, *tr, *hc;
	struct sched_health_job	*job;

	if (db_task_get(s->d->db, id, &task) < 0)
		return;
	tr = json_object_get(task, "taskRequest");
	hc = json_object_get(json_object_get(tr, "deploy"), "healthcheck");
	if (!json_is_string(json_object_get(hc, "uri")) ||
	    sched_health_skipped(tr)) {
		if (now - running >= sched_health_int(json_object_get(tr,
		    "deploy"), "considerHealthyAfterRunningForSeconds",
		    DEPLOY_DEFAULT_HEALTHY_AFTER_SECONDS) * 1000)
			(void)db_task_set_healthy(s->d->db, id, now);
	} else if (now - running >= sched_health_int(hc,
	    "startupDelaySeconds", 0) * 1000 &&
	    db_task_healthcheck_stats(s->d->db, id, &count, &last) == 0 &&
	    (last == 0 || now - last >= sched_health_int(hc,
	    "startupIntervalSeconds", SCHED_HEALTH_INTERVAL_S) * 1000) &&
	    sched_health_claim(s->health, id)) {
		if ((job = sched_health_job_new(task, hc, id,
		    sched_health_host(s, task), running)) == NULL ||
		    workq_submit(s->health->q, job) < 0)
			sched_health_release(s->health, id);
	}
	json_decref(task);
}

void
sched_health_check(struct sched *s, const json_t *t, int64_t now)
{
	const char *state = json_string_value(json_object_get(t, "state"));

	if (s->health == NULL || state == NULL ||
	    strcmp(state, "TASK_RUNNING") != 0 ||
	    json_is_integer(json_object_get(t, "healthyAt")) ||
	    json_is_true(json_object_get(t, "cleaning")))
		return;
	sched_health_one(s, t, now);
}
