/*
 * The launch workers: a small pool of threads (common/base/workq.c) that hand
 * launch jobs to the executor, so a slow start (a cgroup to set up, a fork
 * from a big process) never stalls the scheduling pass.  A launch that
 * fails is recorded as TASK_FAILED by the worker on its own store
 * connection; the scheduler replaces it like any other task that ended.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_task.h"
#include "log.h"
#include "sched.h"
#include "task_env.h"
#include "workq.h"

void
sched_launch_job_free(struct sched_launch_job *job)
{
	if (job == NULL)
		return;
	task_strv_free(job->argv);
	task_strv_free(job->envp);
	free(job->user);
	free(job);
}

static void
sched_pool_free_job(void *job)
{
	sched_launch_job_free(job);
}

static void
sched_pool_run(void *arg, void *db, void *vjob)
{
	struct sched		*s = arg;
	struct sched_launch_job	*job = vjob;
	struct executor_launch	 l = {
		.task_id = job->task_id, .sandbox_dir = job->sandbox,
		.argv = job->argv, .envp = job->envp, .user = job->user,
		.cpus = job->cpus, .memory_mb = job->memory_mb,
		.conf_path = s->conf_path,
	};
	struct executor_handle	 h;
	char			 msg[256];
	int			 r;

	if ((r = s->exec->launch(&l, &h)) == 0)
		log_debug("task=%s launched, supervisor pid %d", job->task_id,
		    (int)h.pid);
	else {
		log_warnx("Failed to launch task=%s: %s", job->task_id,
		    strerror(-r));
		(void)snprintf(msg, sizeof(msg), "Failed to launch: %s",
		    strerror(-r));
		/* A worker without a store leaves it to reconciliation. */
		if (db != NULL && db_task_record_update(db, job->task_id,
		    "TASK_FAILED", msg, "REASON_EXECUTOR_TERMINATED",
		    clock_now_ms()) == 0)
			(void)bus_send(s->d->bus, BUS_TASK_UPDATE,
			    job->task_id);
	}
	sched_launch_job_free(job);
}

static const struct workq_ops sched_pool_ops = {
	daemon_worker_db_open, sched_pool_run, daemon_worker_db_close,
	sched_pool_free_job
};

int
sched_pool_start(struct sched *s, int workers)
{
	return (workq_start(&sched_pool_ops, s, s->d, workers, &s->pool));
}

int
sched_pool_submit(struct sched *s, struct sched_launch_job *job)
{
	return (workq_submit(s->pool, job));
}

/* Run the queued launches, then stop: a task row is never orphaned. */
void
sched_pool_stop(struct sched *s)
{
	workq_stop(s->pool);
	s->pool = NULL;
}
